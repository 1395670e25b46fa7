//! Dependencies besides the database: each a pool of slots that calls
//! wait for first come, first served, with a latency, failures, a call
//! timeout and a rate limit; and what each measures.

use super::super::config::{Dependency, OutageKind};
use super::super::dist::Sampler;
use super::super::metrics::{DepSummary, DepWindow, Reason};
use super::super::station::{Fifo, Station};
use super::super::stats::TimeWeighted;
use super::super::time::SimTime;
use super::events::{CallEnd, DbOp};
use super::{Ev, System};
use rand::RngExt;

/// One dependency while the run goes on.
pub(super) struct DepRt {
    pub slots: Station<DbOp>,
    latency: Sampler,
    /// Rate limit's tokens and when they were last topped up.
    tokens: f64,
    tokens_at: SimTime,
    /// Calls waiting for a slot, over time (their mean wait is its area
    /// over the calls started: Little's law).
    waiting_tw: TimeWeighted,
    peak_waiting: u64,
    /// Slot capacity over time (its area is utilisation's denominator).
    capacity_tw: TimeWeighted,
    /// Busy and capacity areas at the last window's end, ns.
    last_busy: u128,
    last_capacity: u128,
    /// Calls started and failures over the run.
    pub total: DepWindow,
    /// An outage in progress: calls fail fast or hang.
    pub outage: Option<OutageKind>,
    /// Calls hanging in an outage with no call timeout: they hold their
    /// slots until the outage ends, and fail then.
    hung: Vec<DbOp>,
}

/// A pool's servers: `slots`, or as many as ever wait (0 = unlimited).
fn servers(slots: u32) -> u32 {
    if slots == 0 { u32::MAX } else { slots }
}

impl DepRt {
    pub fn new(d: &Dependency) -> DepRt {
        DepRt {
            slots: Station::new(servers(d.slots), Fifo::default()),
            latency: d.latency.sampler(),
            tokens: d.rate_limit_per_s.max(0.0),
            tokens_at: SimTime::ZERO,
            waiting_tw: TimeWeighted::default(),
            peak_waiting: 0,
            capacity_tw: TimeWeighted::default(),
            last_busy: 0,
            last_capacity: 0,
            total: DepWindow::default(),
            outage: None,
            hung: Vec::new(),
        }
    }

    /// Takes a token of the rate limit at `now`, if one is left (the
    /// bucket holds one second of the rate).
    fn admit(&mut self, now: SimTime, rate_per_s: f64) -> bool {
        if rate_per_s <= 0.0 {
            return true;
        }
        let dt = now.saturating_sub(self.tokens_at).as_secs_f64();
        self.tokens = (self.tokens + dt * rate_per_s).min(rate_per_s.max(1.0));
        self.tokens_at = now;
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

impl System {
    /// Builds or rebuilds the dependencies after a change: latencies, and
    /// slot counts (a decrease lets busy slots finish, as the database's
    /// connections do; an increase starts waiting calls).
    pub(super) fn refresh_dependencies(&mut self, now: SimTime) {
        let n = self.cfg.dependencies.len();
        while self.deps.len() < n {
            let d = &self.cfg.dependencies[self.deps.len()];
            self.deps.push(DepRt::new(d));
        }
        for i in 0..n {
            let d = &self.cfg.dependencies[i];
            let (slots, latency) = (d.slots, d.latency.sampler());
            let dep = &mut self.deps[i];
            dep.latency = latency;
            let cap = if slots == 0 { 0 } else { u64::from(slots) };
            dep.capacity_tw.set(now, cap);
            let started = dep.slots.set_servers(now, servers(slots));
            for op in started {
                self.call_started_from_wait(now, op, i);
            }
        }
    }

    /// `op` calls dependency `d`: refused at once by its rate limit, or it
    /// takes a slot now, or waits for one.
    pub(super) fn call_request(&mut self, now: SimTime, op: DbOp, d: usize) {
        let rate = self.cfg.dependencies[d].rate_limit_per_s;
        if !self.deps[d].admit(now, rate) {
            self.count_failure(d, Reason::Throttled);
            self.step_failed(now, op, Reason::Throttled);
            return;
        }
        match self.deps[d].slots.arrive(now, op) {
            Some(op) => self.start_call(now, op, d),
            None => {
                self.ledgers.work.in_flight.call_wait += 1;
                self.count_waiting(now, d);
            }
        }
    }

    fn count_waiting(&mut self, now: SimTime, d: usize) {
        let dep = &mut self.deps[d];
        let n = dep.slots.waiting() as u64;
        dep.waiting_tw.set(now, n);
        dep.peak_waiting = dep.peak_waiting.max(n);
    }

    fn call_started_from_wait(&mut self, now: SimTime, op: DbOp, d: usize) {
        self.ledgers.work.in_flight.call_wait -= 1;
        self.count_waiting(now, d);
        self.start_call(now, op, d);
    }

    /// A call got its slot: it holds it for one latency draw, and fails
    /// then (the failure probability), or at the timeout if the draw runs
    /// past it.
    fn start_call(&mut self, now: SimTime, op: DbOp, d: usize) {
        self.ledgers.work.in_flight.calling += 1;
        self.rec.cur.dependencies[d].calls += 1;
        self.deps[d].total.calls += 1;
        let timeout_s = self.cfg.dependencies[d].timeout_s;
        // In an outage nothing is drawn: a call fails after 1 ms, or hangs
        // until its timeout (or, with none, until the outage ends).
        let outage = match self.deps[d].outage {
            Some(OutageKind::FailFast) => Some((SimTime::from_millis_f64(1.0), CallEnd::Failed)),
            Some(OutageKind::Hang) if timeout_s > 0.0 => {
                Some((SimTime::from_secs_f64(timeout_s), CallEnd::TimedOut))
            }
            Some(OutageKind::Hang) => {
                self.deps[d].hung.push(op);
                return;
            }
            None => None,
        };
        if let Some((t, end)) = outage {
            let ev = Ev::CallDone {
                op,
                dep: d as u8,
                end,
            };
            self.sched.schedule_at(now + t, ev);
            return;
        }
        let latency = self.deps[d].latency.sample(&mut self.rng.dep);
        let failed =
            self.rng.dep_fail.random::<f64>() < self.cfg.dependencies[d].failure_probability;
        let timeout = SimTime::from_secs_f64(timeout_s);
        let (t, end) = if timeout_s > 0.0 && latency > timeout {
            (timeout, CallEnd::TimedOut)
        } else if failed {
            (latency, CallEnd::Failed)
        } else {
            (latency, CallEnd::Ok)
        };
        let ev = Ev::CallDone {
            op,
            dep: d as u8,
            end,
        };
        self.sched.schedule_at(now + t, ev);
    }

    /// Dependency `d`'s outage ends: calls hanging without a timeout fail
    /// now (their connections are reset) and free their slots.
    pub(super) fn dependency_back(&mut self, now: SimTime, d: usize) {
        self.deps[d].outage = None;
        for op in std::mem::take(&mut self.deps[d].hung) {
            let ev = Ev::CallDone {
                op,
                dep: d as u8,
                end: CallEnd::Failed,
            };
            self.sched.schedule_at(now, ev);
        }
    }

    /// A call ended: its slot takes the next waiting call; the request or
    /// job goes on, or its step failed.
    pub(super) fn call_done(&mut self, now: SimTime, op: DbOp, d: usize, end: CallEnd) {
        self.ledgers.work.in_flight.calling -= 1;
        if let Some(next) = self.deps[d].slots.depart(now) {
            self.call_started_from_wait(now, next, d);
        }
        match end {
            CallEnd::Ok => self.step_ok(now, op, 1),
            CallEnd::Failed => {
                self.count_failure(d, Reason::CallFailed);
                self.step_failed(now, op, Reason::CallFailed);
            }
            CallEnd::TimedOut => {
                self.count_failure(d, Reason::CallTimeout);
                self.step_failed(now, op, Reason::CallTimeout);
            }
        }
    }

    fn count_failure(&mut self, d: usize, reason: Reason) {
        for f in [
            &mut self.rec.cur.dependencies[d].failures,
            &mut self.deps[d].total.failures,
        ] {
            match reason {
                Reason::CallTimeout => f.timed_out += 1,
                Reason::Throttled => f.throttled += 1,
                _ => f.failed += 1,
            }
        }
    }

    /// Each dependency's gauges for the window closing at `now`, `dt_ns`
    /// long: mean busy slots, utilisation, calls waiting now.
    pub(super) fn dependency_gauges(&mut self, now: SimTime, dt_ns: f64) -> Vec<(f64, f64, u64)> {
        self.deps
            .iter_mut()
            .map(|dep| {
                let busy = dep.slots.busy_server_ns(now);
                let capacity = dep.capacity_tw.area_ns(now);
                let b = busy.saturating_sub(dep.last_busy) as f64;
                let c = capacity.saturating_sub(dep.last_capacity) as f64;
                dep.last_busy = busy;
                dep.last_capacity = capacity;
                let mean = if dt_ns > 0.0 { b / dt_ns } else { 0.0 };
                let util = if c > 0.0 { (b / c).min(1.0) } else { 0.0 };
                (mean, util, dep.slots.waiting() as u64)
            })
            .collect()
    }

    /// Each dependency over the whole run so far.
    pub(super) fn dependency_summary(&mut self, now: SimTime) -> Vec<DepSummary> {
        let secs = now.as_secs_f64();
        let per_s = |n: u64| if secs > 0.0 { n as f64 / secs } else { 0.0 };
        let names: Vec<String> = self
            .cfg
            .dependencies
            .iter()
            .map(|d| d.name.clone())
            .collect();
        self.deps
            .iter_mut()
            .zip(names)
            .map(|(dep, name)| {
                let busy = dep.slots.busy_server_ns(now) as f64;
                let capacity = dep.capacity_tw.area_ns(now) as f64;
                let waited = dep.waiting_tw.area_ns(now) as f64 / 1e9;
                let calls = dep.total.calls;
                DepSummary {
                    name,
                    calls,
                    calls_per_s: per_s(calls),
                    busy_slots: if secs > 0.0 { busy / 1e9 / secs } else { 0.0 },
                    utilisation: if capacity > 0.0 {
                        (busy / capacity).min(1.0)
                    } else {
                        0.0
                    },
                    mean_slot_wait_s: if calls > 0 {
                        waited / calls as f64
                    } else {
                        f64::NAN
                    },
                    peak_waiting: dep.peak_waiting,
                    failures: dep.total.failures,
                }
            })
            .collect()
    }
}
