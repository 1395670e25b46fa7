//! The database: connections, writes (with transient failures and
//! outages), inline retries of sync writes, and commits.

use super::super::config::OutageKind;
use super::super::metrics::Reason;
use super::super::time::SimTime;
use super::super::trace::SpanKind;
use super::events::{Answer, DbOp};
use super::steps::Kind;
use super::{Ev, Req, System};
use rand::RngExt;

impl System {
    /// `op` asks for a connection: it writes now or waits for one.
    pub(super) fn db_request(&mut self, now: SimTime, op: DbOp) {
        let sync = self.holds_worker(&op);
        match self.db.arrive(now, op) {
            Some(op) => {
                self.ledgers.work.in_flight.db_write += 1;
                if sync {
                    self.sync_at_db(now, 0, 1);
                }
                self.start_write(now, op);
            }
            None => {
                self.ledgers.work.in_flight.db_wait += 1;
                if sync {
                    self.sync_at_db(now, 1, 0);
                }
            }
        }
    }

    /// A connection freed up (or was added) for an operation that waited.
    pub(super) fn db_started_from_wait(&mut self, now: SimTime, op: DbOp) {
        let f = &mut self.ledgers.work.in_flight;
        f.db_wait -= 1;
        f.db_write += 1;
        if self.holds_worker(&op) {
            self.sync_at_db(now, -1, 1);
        }
        self.start_write(now, op);
    }

    /// True when `op` holds a server worker while at the database: a
    /// request's on a threads server.
    fn holds_worker(&self, op: &DbOp) -> bool {
        matches!(op, DbOp::Sync(r) if !r.non_blocking())
    }

    /// Moves the count of sync requests waiting for a connection and
    /// writing by `wait` and `write`: where the server workers' held time
    /// goes.
    fn sync_at_db(&mut self, now: SimTime, wait: i64, write: i64) {
        let s = &mut self.sync_db;
        s.waiting = s.waiting.saturating_add_signed(wait);
        s.writing = s.writing.saturating_add_signed(write);
        s.waiting_tw.set(now, s.waiting);
        s.writing_tw.set(now, s.writing);
    }

    /// A connection starts `op`'s write or read.
    fn start_write(&mut self, now: SimTime, op: DbOp) {
        if self.plans[op.endpoint()].steps[op.step()].kind == Kind::Write {
            self.write_attempts += 1;
        }
        self.trace_op(now, &op, SpanKind::DbWait);
        let (d, ok) = match self.outage {
            Some(OutageKind::FailFast) => (SimTime::from_millis_f64(1.0), false),
            Some(OutageKind::Hang) => (
                SimTime::from_secs_f64(self.cfg.database.write_timeout_s),
                false,
            ),
            None => {
                let step = &self.plans[op.endpoint()].steps[op.step()];
                let d = step.time.sample(&mut self.rng.db);
                let ok = self.rng.db_fail.random::<f64>() >= self.cfg.database.failure_probability;
                (d, ok)
            }
        };
        self.sched.schedule_at(now + d, Ev::DbDone { op, ok });
    }

    /// A write or read finished (or failed); its connection takes the
    /// next waiting operation.
    pub(super) fn db_done(&mut self, now: SimTime, op: DbOp, ok: bool) {
        self.ledgers.work.in_flight.db_write -= 1;
        if self.holds_worker(&op) {
            self.sync_at_db(now, 0, -1);
        }
        let kind = if ok {
            SpanKind::Write
        } else {
            SpanKind::FailedWrite
        };
        self.trace_op(now, &op, kind);
        if let Some(next) = self.db.depart(now) {
            self.db_started_from_wait(now, next);
        }
        let write = self.plans[op.endpoint()].steps[op.step()].kind == Kind::Write;
        match op {
            _ if !ok => self.step_failed(now, op, Reason::DbError),
            _ if !write => self.step_ok(now, op, 1),
            DbOp::Sync(req) => self.sync_write_done(now, req),
            DbOp::Job(job, _) => self.job_succeeded(now, job),
        }
    }

    /// A sync write committed: answer the user.
    fn sync_write_done(&mut self, now: SimTime, req: Req) {
        self.commit(now, u16::from(req.client), req.clicked);
        if req.traced {
            self.trace_commit(now, &DbOp::Sync(req));
        }
        self.respond(&req, Answer::Ok);
        self.release_request(now, &req);
    }

    /// The pause between inline attempts is over: the failed step runs
    /// again (the acknowledgement point is not looked at: a retry is not a
    /// step boundary).
    pub(super) fn inline_retry(&mut self, now: SimTime, req: Req) {
        // Counted when it runs, like a worker's retry.
        self.rec.cur.system_retries += 1;
        if req.traced {
            self.trace_req(now, &req, SpanKind::RetryPause);
        }
        self.run_req_step(now, req);
    }

    /// A write committed.
    pub(super) fn commit(&mut self, now: SimTime, client: u16, clicked: SimTime) {
        self.ledgers.work.committed += 1;
        self.rec.commit(client as usize, now - clicked);
        if let Some(c) = self.cfg.clients.get(client as usize) {
            let tier = c.tier.index();
            self.meter.revenue[tier] += self.cfg.cost.revenue_per_action[tier];
        }
    }
}
