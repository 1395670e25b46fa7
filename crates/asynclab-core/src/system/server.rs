//! The web tier: the accept backlog, server workers, CPU time, and the
//! async path's enqueue. On a threads server a request holds its worker
//! from admission to answer (through its waits for the database and
//! dependencies); on a non-blocking server it holds an in-flight slot and
//! takes a worker only for CPU and the enqueue (see `steps.rs`). An async
//! request is acknowledged once enqueued.

use super::super::lanes::Job;
use super::super::metrics::Reason;
use super::super::time::SimTime;
use super::super::trace::SpanKind;
use super::events::Answer;
use super::tracing::req_key;
use super::{Ev, Req, System};

impl System {
    /// A request reaches the server: it is admitted (a free worker on a
    /// threads server, a free in-flight slot on a non-blocking one), or it
    /// waits in the accept backlog, or (backlog full) it is refused at
    /// once.
    pub(super) fn at_server(&mut self, now: SimTime, mut req: Req) {
        if req.is_save() {
            self.ledgers.work.in_flight.network -= 1;
        }
        if req.traced {
            self.trace_req(now, &req, SpanKind::NetworkOut);
        }
        let nb = self.non_blocking();
        req.set_non_blocking(nb);
        let gate = if nb {
            &mut self.in_flight
        } else {
            &mut self.server
        };
        let backlog_full = gate.waiting() as u64 >= self.cfg.accept_capacity();
        if !gate.has_free_server() && backlog_full {
            if req.is_save() {
                self.ledgers.work.rejected.server_busy += 1;
                self.respond(&req, Answer::Error(Reason::ServerBusy));
            } else {
                self.answer_poll(req, false);
            }
            return;
        }
        match gate.arrive(now, req) {
            Some(r) => self.start_cpu(now, r, false),
            None => {
                if req.is_save() {
                    self.ledgers.work.in_flight.accept_backlog += 1;
                }
            }
        }
    }

    /// The server takes `req` in (`from_backlog`: it had waited): a save
    /// starts its steps, a poll its CPU.
    pub(super) fn start_cpu(&mut self, now: SimTime, req: Req, from_backlog: bool) {
        if req.traced && from_backlog {
            self.trace_req(now, &req, SpanKind::AcceptBacklog);
        }
        if req.is_save() {
            let f = &mut self.ledgers.work.in_flight;
            if from_backlog {
                f.accept_backlog -= 1;
            }
            f.server += 1;
            self.next_req_step(now, req);
        } else {
            self.take_worker(now, req);
        }
    }

    /// A server worker is free: it takes the next request waiting for one.
    pub(super) fn release_worker(&mut self, now: SimTime) {
        if let Some(next) = self.server.depart(now) {
            self.worker_taken(now, next);
        }
    }

    /// `req` got a server worker after waiting: a threads server's request
    /// from the accept backlog starts its steps; a non-blocking server's
    /// starts the CPU it waited for. (Both wait in one queue for a while
    /// after a live switch of the server model.)
    pub(super) fn worker_taken(&mut self, now: SimTime, req: Req) {
        if req.non_blocking() {
            self.begin_cpu(req);
        } else {
            self.start_cpu(now, req, true);
        }
    }

    /// CPU done: a poll is answered; a save goes on to its next step.
    pub(super) fn cpu_done(&mut self, now: SimTime, mut req: Req) {
        if req.traced {
            self.trace_req(now, &req, SpanKind::Cpu);
        }
        self.free_worker(now, &req);
        if !req.is_save() {
            self.rec.cur.polls += 1;
            self.poll_busy -= 1;
            self.poll_tw.set(now, u64::from(self.poll_busy));
            let done = self.poll_job_done(req.key);
            self.answer_poll(req, done);
            self.release_request(now, &req);
            return;
        }
        req.step += 1;
        req.attempts = 0;
        self.next_req_step(now, req);
    }

    /// The broker took the job (or refused it, full): the user is
    /// answered and the request leaves the server.
    pub(super) fn enqueue_done(&mut self, now: SimTime, req: Req) {
        self.ledgers.work.in_flight.server -= 1;
        self.free_worker(now, &req);
        if req.traced {
            self.trace_req(now, &req, SpanKind::Enqueue);
        }
        let cap = self.cfg.queue.capacity;
        if cap > 0 && self.queue.lanes.len() as u64 >= cap {
            self.ledgers.work.rejected.queue_full += 1;
            self.respond(&req, Answer::Error(Reason::QueueFull));
            self.release_request(now, &req);
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
            req.client,
            req.endpoint,
            !waiting,
        );
        job.set_first_step(req.step_index() as u8);
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
        self.release_request(now, &req);
        self.dispatch(now);
    }
}
