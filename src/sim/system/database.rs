//! The database: connections, writes (with transient failures and
//! outages), inline retries of sync writes, and commits.

use super::super::config::OutageKind;
use super::super::metrics::Reason;
use super::super::time::SimTime;
use super::super::trace::SpanKind;
use super::events::{Answer, DbOp};
use super::{Ev, Req, System};
use rand::RngExt;

impl System {
    /// `op` asks for a connection: it writes now or waits for one.
    pub(super) fn db_request(&mut self, now: SimTime, op: DbOp) {
        let sync = matches!(op, DbOp::Sync(_));
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
        if matches!(op, DbOp::Sync(_)) {
            self.sync_at_db(now, -1, 1);
        }
        self.start_write(now, op);
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

    fn start_write(&mut self, now: SimTime, op: DbOp) {
        self.write_attempts += 1;
        self.trace_op(now, &op, SpanKind::DbWait);
        let (d, ok) = match self.outage {
            Some(OutageKind::FailFast) => (SimTime::from_millis_f64(1.0), false),
            Some(OutageKind::Hang) => (
                SimTime::from_secs_f64(self.cfg.database.write_timeout_s),
                false,
            ),
            None => {
                let d = self.smp.db[op.endpoint()].sample(&mut self.rng.db);
                let ok = self.rng.db_fail.random::<f64>() >= self.cfg.database.failure_probability;
                (d, ok)
            }
        };
        self.sched.schedule_at(now + d, Ev::DbDone { op, ok });
    }

    /// A write finished (committed or failed); its connection takes the
    /// next waiting operation.
    pub(super) fn db_done(&mut self, now: SimTime, op: DbOp, ok: bool) {
        self.ledgers.work.in_flight.db_write -= 1;
        if matches!(op, DbOp::Sync(_)) {
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
        match op {
            DbOp::Sync(req) => self.sync_write_done(now, req, ok),
            DbOp::Job(job) => self.job_write_done(now, job, ok),
        }
    }

    /// A sync write finished: answer the user, or retry inline (the server
    /// worker stays held through the pause).
    fn sync_write_done(&mut self, now: SimTime, mut req: Req, ok: bool) {
        // A byte counts the attempts (the knob allows 100): an unchecked
        // setting above 255 must not retry for ever.
        let max_attempts = self.cfg.queue.sync_max_attempts.min(u32::from(u8::MAX));
        if ok {
            self.commit(now, req.client, req.clicked);
            if req.traced {
                self.trace_commit(now, &DbOp::Sync(req));
            }
            self.respond(&req, Answer::Ok);
            self.release_worker(now);
        } else if u32::from(req.attempts) + 1 < max_attempts {
            req.attempts = req.attempts.saturating_add(1);
            self.ledgers.work.in_flight.server += 1;
            let pause = SimTime::from_millis_f64(self.cfg.queue.sync_retry_delay_ms);
            self.sched.schedule_in(pause, Ev::InlineRetry(req));
        } else {
            self.ledgers.work.rejected.db_error += 1;
            self.respond(&req, Answer::Error(Reason::DbError));
            self.release_worker(now);
        }
    }

    /// The pause between inline attempts is over: write again.
    pub(super) fn inline_retry(&mut self, now: SimTime, req: Req) {
        // Counted when it runs, like a worker's retry.
        self.rec.cur.system_retries += 1;
        self.ledgers.work.in_flight.server -= 1;
        if req.traced {
            self.trace_req(now, &req, SpanKind::RetryPause);
        }
        self.db_request(now, DbOp::Sync(req));
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
