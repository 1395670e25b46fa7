//! The async queue: how fast jobs enter and leave the broker, so how it
//! grows now and how long it takes to drain.

use super::{Ep, Measured, Stage, StageKind, attempts, endpoints, per_s};
use crate::config::{Mode, Settings};
use crate::traffic::multiplier;

/// How the async queue grows or drains.
#[derive(Clone, Debug, PartialEq)]
pub struct QueueOutlook {
    /// Share of actions handled async.
    pub async_share: f64,
    /// Jobs entering the broker now, per second (what the servers let
    /// through of the async traffic).
    pub in_per_s: f64,
    /// Jobs the workers and the database can finish per second.
    pub out_per_s: f64,
    /// Jobs in the broker now.
    pub backlog: u64,
    /// Growth measured over the span, jobs/s.
    pub measured_growth_per_s: f64,
    /// Servers' capacity, actions/s (caps what enters at a higher rate).
    pub(super) server_capacity_per_s: f64,
    /// Sim time the rates were measured up to, s: where the traffic ahead
    /// is looked up.
    pub at_s: f64,
}

impl QueueOutlook {
    /// Predicted growth, jobs/s (negative: draining).
    pub fn growth_per_s(&self) -> f64 {
        self.in_per_s - self.out_per_s
    }

    /// Seconds until the backlog is empty if traffic is `rate_per_s`
    /// actions/s from now; `None` when it would not drain at that rate.
    pub fn drain_s_at(&self, rate_per_s: f64) -> Option<f64> {
        let arriving = self.async_share * rate_per_s.min(self.server_capacity_per_s);
        let net = self.out_per_s - arriving;
        if self.backlog == 0 {
            Some(0.0)
        } else if net > 0.0 {
            Some(self.backlog as f64 / net)
        } else {
            None
        }
    }

    /// Seconds until the backlog is empty at the traffic now; `None`
    /// while it grows.
    pub fn drain_s(&self) -> Option<f64> {
        let net = self.out_per_s - self.in_per_s;
        if self.backlog == 0 {
            Some(0.0)
        } else if net > 0.0 {
            Some(self.backlog as f64 / net)
        } else {
            None
        }
    }

    /// The traffic the scene's clients next settle at below the rate the
    /// backlog drains at ([`Self::drains_below_per_s`]), actions/s, looking
    /// a day ahead of [`Self::at_s`] on their traffic shapes: the first
    /// rate below it, followed down while it keeps falling (a ramp down
    /// to its floor). `None` when traffic stays above it.
    pub fn falls_back_to_per_s(&self, s: &Settings) -> Option<f64> {
        let below = self.drains_below_per_s();
        let rate = |t: f64| -> f64 {
            s.clients
                .iter()
                .map(|c| c.rate_per_s.max(0.0) * multiplier(&c.shape, t))
                .sum()
        };
        // Second by second for an hour (ramps of a minute are seen), then
        // minute by minute to a day ahead.
        let mut t = self.at_s.max(0.0);
        let end = t + 86_400.0;
        let mut found: Option<f64> = None;
        while t <= end {
            let r = rate(t);
            match found {
                None if r < below => found = Some(r),
                Some(prev) if r < prev - 1e-9 => found = Some(r),
                Some(_) => break,
                None => {}
            }
            t += if t - self.at_s < 3_600.0 { 1.0 } else { 60.0 };
        }
        found
    }

    /// The traffic below which the backlog drains, actions/s.
    pub fn drains_below_per_s(&self) -> f64 {
        if self.async_share > 0.0 {
            self.out_per_s / self.async_share
        } else {
            f64::INFINITY
        }
    }
}

pub(super) fn queue_outlook(s: &Settings, m: &Measured, stages: &[Stage]) -> Option<QueueOutlook> {
    let eps = endpoints(s);
    let async_share: f64 = eps
        .iter()
        .filter(|e| e.mode == Mode::Async)
        .map(|e| e.q)
        .sum();
    if async_share <= 0.0 && m.backlog == 0 {
        return None;
    }
    let (a_sync, a_job) = attempts(s);
    // One job's write time: over the async endpoints, or (all sync now,
    // a backlog left over) over all of them.
    let pool: Vec<&Ep> = if async_share > 0.0 {
        eps.iter().filter(|e| e.mode == Mode::Async).collect()
    } else {
        eps.iter().collect()
    };
    let weight: f64 = pool.iter().map(|e| e.q).sum();
    let job_s = if weight > 0.0 {
        pool.iter().map(|e| e.q * e.write_s * a_job).sum::<f64>() / weight
    } else {
        0.0
    };
    let server = stages
        .iter()
        .filter(|x| matches!(x.kind, StageKind::Server | StageKind::InFlight))
        .map(|x| x.capacity_per_s)
        .fold(f64::INFINITY, f64::min);
    let db_down = stages
        .iter()
        .any(|x| x.kind == StageKind::Database && x.capacity_per_s <= 0.0);
    // Connections the sync traffic keeps busy are not there for jobs.
    let lambda = m.clicks_per_s.max(0.0).min(server);
    let sync_busy: f64 = eps
        .iter()
        .filter(|e| e.mode == Mode::Sync)
        .map(|e| lambda * e.q * e.write_s * a_sync)
        .sum();
    let conns = (f64::from(s.database.connections) - sync_busy).max(0.0);
    let mut out = if s.has_parts() {
        parts_out_per_s(s, stages, async_share)
    } else {
        per_s(f64::from(s.queue.workers), job_s).min(per_s(conns, job_s))
    };
    if db_down {
        out = 0.0;
    }
    // Token buckets cap their clients: when every client with traffic is
    // limited, together they cap the rate out.
    let limited = s.clients.iter().any(|c| c.rate_limit_per_s > 0.0)
        && s.clients.iter().enumerate().all(|(i, c)| {
            c.rate_limit_per_s > 0.0 || m.clicks_by_client_per_s.get(i).is_some_and(|r| *r <= 0.0)
        });
    if limited && async_share > 0.0 {
        out = out.min(s.clients.iter().map(|c| c.rate_limit_per_s.max(0.0)).sum());
    }
    Some(QueueOutlook {
        async_share,
        in_per_s: async_share * lambda,
        out_per_s: out,
        backlog: m.backlog,
        measured_growth_per_s: m.backlog_growth_per_s,
        server_capacity_per_s: server,
        at_s: m.end_s,
    })
}

/// Jobs out per second for a scene with steps or dependencies: the least
/// capacity among the queue workers, the database and the dependencies a
/// job calls, in actions of the present mix, times the async share (exact
/// when every endpoint is async; with a mix, sync requests share the
/// database and the dependencies with the jobs).
fn parts_out_per_s(s: &Settings, stages: &[Stage], async_share: f64) -> f64 {
    let called_by_jobs = |index: usize| {
        s.endpoints.iter().any(|e| {
            e.mode == Mode::Async
                && super::steps::split(s, e)
                    .1
                    .calls
                    .get(index)
                    .is_some_and(|c| *c > 0.0)
        })
    };
    let share = if async_share > 0.0 { async_share } else { 1.0 };
    stages
        .iter()
        .filter(|x| match x.kind {
            StageKind::QueueWorkers | StageKind::Database => true,
            StageKind::Dependency { index } => called_by_jobs(index),
            _ => false,
        })
        .map(|x| x.capacity_per_s * share)
        .fold(f64::INFINITY, f64::min)
}
