//! The web tier: the accept backlog, server workers, CPU time, and the
//! async path's enqueue. A sync request leaves here for the database with
//! its worker still held; an async one is acknowledged once enqueued.

use super::super::config::Mode;
use super::super::lanes::Job;
use super::super::metrics::Reason;
use super::super::time::SimTime;
use super::super::trace::SpanKind;
use super::events::{Answer, DbOp};
use super::tracing::req_key;
use super::{Ev, Req, System};

impl System {
    /// A request reaches the server: a free worker takes it, or it waits in
    /// the accept backlog, or (backlog full) it is refused at once.
    pub(super) fn at_server(&mut self, now: SimTime, req: Req) {
        if req.is_save() {
            self.ledgers.work.in_flight.network -= 1;
        }
        if req.traced {
            self.trace_req(now, &req, SpanKind::NetworkOut);
        }
        let backlog_full = self.server.waiting() as u64 >= self.cfg.accept_capacity();
        if !self.server.has_free_server() && backlog_full {
            if req.is_save() {
                self.ledgers.work.rejected.server_busy += 1;
                self.respond(&req, Answer::Error(Reason::ServerBusy));
            } else {
                self.answer_poll(req, false);
            }
            return;
        }
        match self.server.arrive(now, req) {
            Some(r) => self.start_cpu(now, r, false),
            None => {
                if req.is_save() {
                    self.ledgers.work.in_flight.accept_backlog += 1;
                }
            }
        }
    }

    /// A worker picks `req` up (`from_backlog`: it had waited).
    pub(super) fn start_cpu(&mut self, now: SimTime, req: Req, from_backlog: bool) {
        if req.traced && from_backlog {
            self.trace_req(now, &req, SpanKind::AcceptBacklog);
        }
        let f = &mut self.ledgers.work.in_flight;
        let d = if req.is_save() {
            if from_backlog {
                f.accept_backlog -= 1;
            }
            f.server += 1;
            self.smp.cpu[req.endpoint as usize].sample(&mut self.rng.cpu)
        } else {
            self.poll_busy += 1;
            self.poll_tw.set(now, u64::from(self.poll_busy));
            self.smp.poll_cpu.sample(&mut self.rng.cpu)
        };
        self.sched.schedule_in(d, Ev::CpuDone(req));
    }

    /// A worker is free: it takes the next request from the backlog.
    pub(super) fn release_worker(&mut self, now: SimTime) {
        if let Some(next) = self.server.depart(now) {
            self.start_cpu(now, next, true);
        }
    }

    /// CPU done: a poll is answered; a sync save goes to the database (the
    /// worker stays held); an async save is handed to the broker.
    pub(super) fn cpu_done(&mut self, now: SimTime, req: Req) {
        if req.traced {
            self.trace_req(now, &req, SpanKind::Cpu);
        }
        if !req.is_save() {
            self.rec.cur.polls += 1;
            self.poll_busy -= 1;
            self.poll_tw.set(now, u64::from(self.poll_busy));
            let done = self.poll_job_done(req.key);
            self.answer_poll(req, done);
            self.release_worker(now);
            return;
        }
        match self.cfg.endpoints[req.endpoint as usize].mode {
            Mode::Sync => {
                self.ledgers.work.in_flight.server -= 1;
                self.db_request(now, DbOp::Sync(req));
            }
            Mode::Async => {
                let d = self.smp.enqueue.sample(&mut self.rng.enqueue);
                self.sched.schedule_in(d, Ev::EnqueueDone(req));
            }
        }
    }

    /// The broker took the job (or refused it, full): the worker answers
    /// and is free.
    pub(super) fn enqueue_done(&mut self, now: SimTime, req: Req) {
        self.ledgers.work.in_flight.server -= 1;
        if req.traced {
            self.trace_req(now, &req, SpanKind::Enqueue);
        }
        let cap = self.cfg.queue.capacity;
        if cap > 0 && self.queue.lanes.len() as u64 >= cap {
            self.ledgers.work.rejected.queue_full += 1;
            self.respond(&req, Answer::Error(Reason::QueueFull));
            self.release_worker(now);
            return;
        }
        let poll = self.new_poll_record(&req);
        self.ledgers.work.in_flight.queued += 1;
        // Nobody waits for this acknowledgement if the user already gave up
        // on this click: whatever the job does later is wasted work.
        let waiting = self.still_waiting(req.key, req.click);
        let mut job = Job::new(
            req.clicked,
            now,
            poll.map(|k| k.0),
            req.client as u8,
            req.endpoint,
            !waiting,
        );
        if req.traced {
            job.set_traced(true);
            self.tracer.job_enqueued(req_key(&req), req.click, now);
        }
        self.queue.lanes.push(job);
        let d = self.smp.net.sample(&mut self.rng.net);
        let ev = Ev::Response {
            action: req.key,
            click: req.click,
            answer: Answer::Ack,
            poll: poll.map(|k| k.1),
            traced: req.traced,
        };
        self.sched.schedule_in(d, ev);
        self.release_worker(now);
        self.dispatch(now);
    }
}
