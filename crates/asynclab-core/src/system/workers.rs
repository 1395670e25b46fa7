//! Queue workers: they take jobs from the broker's lanes (FIFO, fair or
//! priority, within each client's token bucket) and write them; a failed
//! write waits out a backoff without holding a worker, or is dead-lettered.

use super::super::config::{RetryPolicy, Settings};
use super::super::lanes::{Job, LanePolicy, Next};
use super::super::time::SimTime;
use super::super::trace::SpanKind;
use super::events::DbOp;
use super::tracing::job_key;
use super::{Ev, System};
use rand::RngExt;

/// Each client's scheduling inputs, from the settings.
pub(super) fn policies(s: &Settings) -> Vec<LanePolicy> {
    s.clients
        .iter()
        .map(|c| LanePolicy {
            tier: c.tier,
            weight: c.weight,
            limit_per_s: c.rate_limit_per_s,
            burst: c.rate_limit_burst,
        })
        .collect()
}

impl System {
    /// Idle workers take jobs while there are any they may take now.
    pub(super) fn dispatch(&mut self, now: SimTime) {
        while self.queue.busy < self.cfg.queue.workers {
            let q = &mut self.queue;
            match q.lanes.pop(now, self.cfg.queue.scheduling, &q.policies) {
                Next::Job(job) => {
                    self.ledgers.work.in_flight.queued -= 1;
                    if job.traced() {
                        self.trace_job(now, &job, SpanKind::Queued);
                    }
                    self.queue.busy += 1;
                    self.meter_queue_workers(now);
                    self.run_job_step(now, job, usize::from(job.first_step()));
                }
                Next::Blocked(t) => {
                    if self.queue.wake_at.is_none_or(|w| t < w || w < now) {
                        self.queue.wake_at = Some(t);
                        self.sched.schedule_at(t, Ev::QueueWake);
                    }
                    break;
                }
                Next::Empty => break,
            }
        }
    }

    /// Records busy queue workers against their capacity now.
    pub(super) fn meter_queue_workers(&mut self, now: SimTime) {
        let (busy, workers) = (self.queue.busy, self.cfg.queue.workers);
        self.queue
            .busy_meter
            .set(now, u64::from(busy), u64::from(workers));
    }

    /// A worker's job committed (its Write, or the last step of an
    /// endpoint without one): the worker is free.
    pub(super) fn job_succeeded(&mut self, now: SimTime, mut job: Job) {
        self.queue.busy -= 1;
        self.meter_queue_workers(now);
        job.count_attempt();
        self.commit(now, u16::from(job.client), job.clicked);
        if job.traced() {
            let step = job.first_step();
            self.trace_commit(now, &DbOp::Job(job, step));
        }
        if job.wasted() {
            self.ledgers.work.committed_wasted += 1;
        }
        self.finish_job(job.poll, true);
        self.dispatch(now);
    }

    /// A step of a worker's job failed: the worker is free; the job backs
    /// off (it restarts at its first step) or is dead-lettered.
    pub(super) fn job_failed(&mut self, now: SimTime, mut job: Job) {
        self.queue.busy -= 1;
        self.meter_queue_workers(now);
        job.count_attempt();
        match self.backoff_s(&job) {
            Some(s) => {
                self.ledgers.work.in_flight.backoff += 1;
                self.sched
                    .schedule_in(SimTime::from_secs_f64(s), Ev::JobDue(job));
            }
            None => {
                if job.traced() {
                    self.tracer.dead_lettered(job_key(&job), job.enqueued, now);
                }
                self.rec.cur.dead_letters += 1;
                self.ledgers.work.dead_lettered += 1;
                if !job.wasted() {
                    self.ledgers.work.dead_lettered_after_ack += 1;
                }
                self.finish_job(job.poll, false);
            }
        }
        self.dispatch(now);
    }

    /// How long a failed job waits before its next attempt, s; `None`
    /// when it is out of attempts (or the policy never retries).
    fn backoff_s(&mut self, job: &Job) -> Option<f64> {
        let q = &self.cfg.queue;
        match q.retry {
            _ if job.attempts() >= q.max_attempts => None,
            RetryPolicy::None => None,
            RetryPolicy::Fixed { delay_s } => Some(delay_s),
            RetryPolicy::ExponentialJitter => {
                let exp = q.backoff_base_s * 2f64.powi(job.attempts().min(1_100) as i32 - 1);
                let ceiling = exp.min(q.backoff_cap_s).max(0.0);
                Some(self.rng.backoff.random::<f64>() * ceiling)
            }
        }
    }

    /// A job's backoff is over: back into its lane.
    pub(super) fn on_job_due(&mut self, now: SimTime, mut job: Job) {
        // A retry counts when it runs, so a herd returning from backoff at
        // once shows as a spike.
        self.rec.cur.system_retries += 1;
        if job.traced() {
            self.tracer.job_requeued(job_key(&job), job.enqueued, now);
        }
        let f = &mut self.ledgers.work.in_flight;
        f.backoff -= 1;
        f.queued += 1;
        job.enqueued = now;
        self.queue.lanes.push(job);
        self.dispatch(now);
    }

    /// A rate-limited lane may be served again.
    pub(super) fn on_queue_wake(&mut self, now: SimTime) {
        if self.queue.wake_at == Some(now) {
            self.queue.wake_at = None;
        }
        self.dispatch(now);
    }
}
