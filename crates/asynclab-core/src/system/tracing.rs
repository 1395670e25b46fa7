//! Traces of sampled actions (see [`crate::trace`]): which actions are
//! traced, and the small helpers the stages call, only for traced work,
//! when one of its phases ends.

use super::super::lanes::Job;
use super::super::slab::Key;
use super::super::time::SimTime;
use super::super::trace::{At, Lane, SpanKind, TraceConfig, TraceKey, Tracer};
use super::events::DbOp;
use super::{Req, System};

impl System {
    /// The run's traces.
    pub fn tracer(&self) -> &Tracer {
        &self.tracer
    }

    /// Changes what is traced from now on (actions already traced go on
    /// being traced). [`TraceConfig::OFF`] traces nothing and keeps
    /// nothing.
    pub fn set_tracing(&mut self, cfg: TraceConfig) {
        self.tracer.set_config(cfg);
    }

    /// Whether the action arriving now (arrival number `seq`) is traced.
    pub(super) fn sample_trace(
        &mut self,
        seq: u64,
        client: u16,
        endpoint: u8,
        action: Key,
    ) -> bool {
        let key = TraceKey {
            client,
            first_click: self.now(),
        };
        self.tracer.sample(seq, key, endpoint, action)
    }

    /// A traced save request's phase `kind` ends now (polls are traced
    /// whole, by the browser).
    pub(super) fn trace_req(&mut self, now: SimTime, req: &Req, kind: SpanKind) {
        if req.is_save() {
            let at = At::Lane(Lane::Request(req.click));
            self.tracer.phase(req_key(req), at, now, kind);
        }
    }

    /// A traced job's phase `kind` ends now.
    pub(super) fn trace_job(&mut self, now: SimTime, job: &Job, kind: SpanKind) {
        let at = At::Job {
            enqueued: job.enqueued,
        };
        self.tracer.phase(job_key(job), at, now, kind);
    }

    /// A database operation's phase `kind` ends now, if it is traced.
    pub(super) fn trace_op(&mut self, now: SimTime, op: &DbOp, kind: SpanKind) {
        match op {
            DbOp::Sync(req) if req.traced => self.trace_req(now, req, kind),
            DbOp::Job(job, _) if job.traced() => self.trace_job(now, job, kind),
            _ => {}
        }
    }

    /// A traced write committed now.
    pub(super) fn trace_commit(&mut self, now: SimTime, op: &DbOp) {
        let (key, at, clicked) = match op {
            DbOp::Sync(req) => (
                req_key(req),
                At::Lane(Lane::Request(req.click)),
                req.clicked,
            ),
            DbOp::Job(job, _) => (
                job_key(job),
                At::Job {
                    enqueued: job.enqueued,
                },
                job.clicked,
            ),
        };
        // The same difference the recorder is given for time to processed.
        self.tracer.committed(key, at, now, now - clicked);
    }
}

/// The trace key of a request (a save's action or a poll's record).
pub(super) fn req_key(req: &Req) -> TraceKey {
    TraceKey {
        client: u16::from(req.client),
        first_click: req.clicked,
    }
}

/// The trace key of a job.
pub(super) fn job_key(job: &Job) -> TraceKey {
    TraceKey {
        client: u16::from(job.client),
        first_click: job.clicked,
    }
}
