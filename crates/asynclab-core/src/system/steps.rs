//! The steps of a request: where each runs (in the request, on a server
//! worker, or in a queue worker's job), when the user is acknowledged, and
//! what a step's end leads to.
//!
//! A plain endpoint is `[Cpu, Write]` with the acknowledgement after the
//! Cpu: it draws the same random numbers in the same order and schedules
//! the same events as the two-stage model it generalises, so older scenes
//! run exactly as before.

use super::super::config::{Endpoint, Mode, Settings, Step};
use super::super::dist::{Dist, Sampler};
use super::super::lanes::Job;
use super::super::metrics::Reason;
use super::super::time::SimTime;
use super::events::{Answer, DbOp, ENQUEUE};
use super::{Ev, Req, System};
use rand::RngExt;

/// What a step does, resolved against the settings.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) enum Kind {
    Cpu,
    /// A call to the dependency at this index.
    Call(u8),
    Read,
    /// A cache lookup with this hit ratio.
    Cache(f64),
    Write,
}

/// One step, ready to run: its kind and the time it takes (a Call's time
/// is its dependency's latency, drawn there).
pub(super) struct StepRt {
    pub kind: Kind,
    pub time: Sampler,
}

/// An endpoint's steps, ready to run.
pub(super) struct Plan {
    pub steps: Vec<StepRt>,
    /// Steps that run in the request before an async endpoint's job is
    /// enqueued.
    pub ack: usize,
    /// The endpoint has a Write step.
    pub writes: bool,
    /// Exactly the plain `[Cpu, Write]` with the default acknowledgement,
    /// on a threads server: its actions may be traced (the journey's spans
    /// name these stages).
    pub plain: bool,
}

impl Plan {
    pub fn new(e: &Endpoint, s: &Settings) -> Plan {
        let steps: Vec<StepRt> = e
            .effective_steps()
            .iter()
            .map(|step| match step {
                Step::Cpu(d) => (Kind::Cpu, d.sampler()),
                // An unknown name (an unvalidated scene) calls nothing: a
                // lookup of no time that never hits.
                Step::Call(name) => match s.dependency_index(name) {
                    Some(i) => (Kind::Call(i as u8), Dist::default().sampler()),
                    None => (Kind::Cache(0.0), zero()),
                },
                Step::Read(d) => (Kind::Read, d.sampler()),
                Step::Cache { hit_ratio, latency } => {
                    (Kind::Cache(hit_ratio.clamp(0.0, 1.0)), latency.sampler())
                }
                Step::Write => (Kind::Write, e.db_write.sampler()),
            })
            .map(|(kind, time)| StepRt { kind, time })
            .collect();
        let write_at = steps.iter().position(|s| s.kind == Kind::Write);
        Plan {
            ack: ack_point(e.ack_after as usize, &steps, write_at),
            writes: write_at.is_some(),
            plain: e.steps.is_empty() && e.ack_after == 1 && s.server.model.is_threads(),
            steps,
        }
    }
}

/// The acknowledgement point the run uses for `wanted`: never past the
/// Write or the last step, never between a Cache and the step it may skip.
fn ack_point(wanted: usize, steps: &[StepRt], write_at: Option<usize>) -> usize {
    let mut ack = wanted.min(write_at.unwrap_or(steps.len()));
    while ack > 0 && matches!(steps.get(ack - 1).map(|s| s.kind), Some(Kind::Cache(_))) {
        ack -= 1;
    }
    ack
}

fn zero() -> Sampler {
    Dist::Constant { mean_ms: 0.0 }.sampler()
}

impl System {
    /// True for a non-blocking server (a request holds an in-flight slot;
    /// only its Cpu steps and the enqueue take a worker).
    pub(super) fn non_blocking(&self) -> bool {
        !self.cfg.server.model.is_threads()
    }

    /// A save request at a step boundary (its worker held, on a threads
    /// server): finished when no step is left; acknowledged when its
    /// endpoint is async and it has reached the acknowledgement point;
    /// otherwise its next step starts. Mode and acknowledgement point are
    /// read here, so a live change applies at the next boundary.
    pub(super) fn next_req_step(&mut self, now: SimTime, req: Req) {
        let e = req.endpoint as usize;
        let plan = &self.plans[e];
        let i = req.step_index();
        if i >= plan.steps.len() {
            self.req_done(now, req);
        } else if self.cfg.endpoints[e].mode == Mode::Async && i >= plan.ack {
            self.start_enqueue(now, req);
        } else {
            self.run_req_step(now, req);
        }
    }

    /// Runs step `req.step` of a request in the server.
    pub(super) fn run_req_step(&mut self, now: SimTime, req: Req) {
        let kind = self.plans[req.endpoint as usize].steps[req.step_index()].kind;
        match kind {
            Kind::Cpu => self.take_worker(now, req),
            Kind::Write | Kind::Read => {
                self.ledgers.work.in_flight.server -= 1;
                self.db_request(now, DbOp::Sync(req));
            }
            Kind::Call(d) => {
                self.ledgers.work.in_flight.server -= 1;
                self.call_request(now, DbOp::Sync(req), d as usize);
            }
            Kind::Cache(_) => {
                let d = self.step_time(&DbOp::Sync(req));
                self.sched.schedule_in(d, Ev::TimerDone(DbOp::Sync(req)));
            }
        }
    }

    /// One draw of the time of the step `op` is at.
    fn step_time(&mut self, op: &DbOp) -> SimTime {
        let step = &self.plans[op.endpoint()].steps[op.step()];
        let rng = match step.kind {
            Kind::Cache(_) => &mut self.rng.cache,
            _ => &mut self.rng.cpu,
        };
        step.time.sample(rng)
    }

    /// The request is to be handed to the broker: on a threads server its
    /// worker does it now; a non-blocking server waits for a worker.
    fn start_enqueue(&mut self, now: SimTime, mut req: Req) {
        req.step |= ENQUEUE;
        self.take_worker(now, req);
    }

    /// `req` needs a server worker for a Cpu step, an enqueue or a poll's
    /// CPU. A threads server's request already holds one; a non-blocking
    /// server's waits for one, first come, first served.
    pub(super) fn take_worker(&mut self, now: SimTime, req: Req) {
        if !req.non_blocking() {
            self.begin_cpu(req);
        } else if let Some(r) = self.server.arrive(now, req) {
            self.begin_cpu(r);
        }
    }

    /// A worker starts `req`'s CPU (a save's Cpu step or its enqueue, or a
    /// poll).
    pub(super) fn begin_cpu(&mut self, req: Req) {
        if !req.is_save() {
            self.poll_busy += 1;
            self.poll_tw.set(self.now(), u64::from(self.poll_busy));
            let d = self.smp.poll_cpu.sample(&mut self.rng.cpu);
            self.sched.schedule_in(d, Ev::CpuDone(req));
        } else if req.step & ENQUEUE != 0 {
            let d = self.smp.enqueue.sample(&mut self.rng.enqueue);
            self.sched.schedule_in(d, Ev::EnqueueDone(req));
        } else {
            let d = self.plans[req.endpoint as usize].steps[req.step_index()]
                .time
                .sample(&mut self.rng.cpu);
            self.sched.schedule_in(d, Ev::CpuDone(req));
        }
    }

    /// A worker finished `req`'s CPU: on a non-blocking server it takes
    /// the next request waiting for one (a threads server's request keeps
    /// its worker until its answer).
    pub(super) fn free_worker(&mut self, now: SimTime, req: &Req) {
        if req.non_blocking() {
            self.release_worker(now);
        }
    }

    /// The request is answered and leaves the server: a threads server's
    /// worker, or a non-blocking server's in-flight slot, takes the next
    /// request from the accept backlog.
    pub(super) fn release_request(&mut self, now: SimTime, req: &Req) {
        if !req.non_blocking() {
            self.release_worker(now);
        } else if let Some(next) = self.in_flight.depart(now) {
            self.start_cpu(now, next, true);
        }
    }

    /// Every step ran in the request: it is processed (an endpoint without
    /// a Write is processed when its last step ends) and answered.
    fn req_done(&mut self, now: SimTime, req: Req) {
        if !self.plans[req.endpoint as usize].writes {
            self.ledgers.work.in_flight.server -= 1;
            self.commit(now, u16::from(req.client), req.clicked);
        }
        self.respond(&req, Answer::Ok);
        self.release_request(now, &req);
    }

    /// A step of `op` other than the Write ended well: the request or job
    /// goes on (`skip`: steps to move by; 2 after a cache hit).
    pub(super) fn step_ok(&mut self, now: SimTime, op: DbOp, skip: usize) {
        match op {
            DbOp::Sync(mut req) => {
                self.ledgers.work.in_flight.server += 1;
                req.step = (req.step_index() + skip).min(usize::from(!ENQUEUE)) as u8;
                req.attempts = 0;
                self.next_req_step(now, req);
            }
            DbOp::Job(job, s) => self.run_job_step(now, job, usize::from(s) + skip),
        }
    }

    /// A Read, Call or Write of `op` failed: in the request it is tried
    /// again inline (its worker, on a threads server, held through the
    /// pause) up to the sync attempts, then the user sees `reason`; in a
    /// job it is a failed attempt under the retry policy.
    pub(super) fn step_failed(&mut self, now: SimTime, op: DbOp, reason: Reason) {
        match op {
            DbOp::Sync(mut req) => {
                // A byte counts the attempts (the knob allows 100): an
                // unchecked setting above 255 must not retry for ever.
                let max_attempts = self.cfg.queue.sync_max_attempts.min(u32::from(u8::MAX));
                if u32::from(req.attempts) + 1 < max_attempts {
                    req.attempts = req.attempts.saturating_add(1);
                    self.ledgers.work.in_flight.server += 1;
                    let pause = SimTime::from_millis_f64(self.cfg.queue.sync_retry_delay_ms);
                    self.sched.schedule_in(pause, Ev::InlineRetry(req));
                } else {
                    self.ledgers.work.rejected.add(reason, 1);
                    self.respond(&req, Answer::Error(reason));
                    self.release_request(now, &req);
                }
            }
            DbOp::Job(job, _) => self.job_failed(now, job),
        }
    }

    /// A cache lookup or a job's Cpu step ended.
    pub(super) fn timer_done(&mut self, now: SimTime, op: DbOp) {
        let kind = self.plans[op.endpoint()].steps[op.step()].kind;
        let skip = match kind {
            Kind::Cache(h) if self.rng.cache.random::<f64>() < h => 2,
            _ => 1,
        };
        if let DbOp::Job(..) = op {
            self.ledgers.work.in_flight.job_step -= 1;
            if let DbOp::Job(job, s) = op {
                self.run_job_step(now, job, usize::from(s) + skip);
            }
            return;
        }
        // A lookup in the request keeps its worker: no ledger move.
        if let DbOp::Sync(mut req) = op {
            req.step = (req.step_index() + skip).min(usize::from(!ENQUEUE)) as u8;
            req.attempts = 0;
            self.next_req_step(now, req);
        }
    }

    /// A queue worker runs step `step` of `job` (the worker stays held
    /// until the job commits or fails).
    pub(super) fn run_job_step(&mut self, now: SimTime, job: Job, step: usize) {
        let plan = &self.plans[job.endpoint as usize];
        let Some(kind) = plan.steps.get(step).map(|s| s.kind) else {
            // Past the last step of an endpoint without a Write: done.
            self.job_succeeded(now, job);
            return;
        };
        let op = DbOp::Job(job, step as u8);
        match kind {
            Kind::Write | Kind::Read => self.db_request(now, op),
            Kind::Call(d) => self.call_request(now, op, d as usize),
            Kind::Cpu | Kind::Cache(_) => {
                self.ledgers.work.in_flight.job_step += 1;
                let d = self.step_time(&op);
                self.sched.schedule_in(d, Ev::TimerDone(op));
            }
        }
    }
}
