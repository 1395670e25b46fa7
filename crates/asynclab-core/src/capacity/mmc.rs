//! When the async processing path is a textbook M/M/c queue, and what
//! Erlang C then predicts for the time to processed.
//!
//! Poisson arrivals, each delayed by its own network, CPU and enqueue time
//! on servers that never queue, reach the broker as a Poisson stream; with
//! exponential writes, no failures and each worker holding a connection,
//! the broker and its workers are M/M/c with c = min(workers, connections).

use crate::config::{Change, Mode, Settings, Shape};
use crate::dist::Dist;
use crate::theory;

/// The processing path as an M/M/c queue.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MmcStation {
    /// Servers c: queue workers that can each hold a connection.
    pub servers: u32,
    /// Service rate μ of one server, writes/s.
    pub mu_per_s: f64,
    /// Mean time from the click to the broker (network, CPU, enqueue), s.
    pub before_s: f64,
}

impl MmcStation {
    /// Mean time to processed at `lambda_per_s` actions/s: the way to
    /// the broker plus the M/M/c time in system. Infinite when unstable.
    pub fn mean_processed_s(&self, lambda_per_s: f64) -> f64 {
        self.before_s + theory::mmc_mean_sojourn_s(lambda_per_s, self.mu_per_s, self.servers)
    }

    /// The `q`-quantile of the time to processed: the M/M/c quantile plus
    /// the mean way to the broker (exact when that way takes constant
    /// time, close when it varies little).
    pub fn processed_quantile_s(&self, lambda_per_s: f64, q: f64) -> f64 {
        self.before_s + theory::mmc_sojourn_quantile_s(lambda_per_s, self.mu_per_s, self.servers, q)
    }

    /// Utilisation of the servers at `lambda_per_s`.
    pub fn utilisation(&self, lambda_per_s: f64) -> f64 {
        lambda_per_s / (f64::from(self.servers) * self.mu_per_s)
    }
}

/// The M/M/c station of `s`, when its processing path is one: one async
/// endpoint with exponential writes that never fail, steady traffic
/// without rate limits or scripted changes, no polls, and no server queueing (servers far
/// from busy: checked by the caller against the offered load).
pub fn mmc_station(s: &Settings) -> Option<MmcStation> {
    let [e] = s.endpoints.as_slice() else {
        return None;
    };
    let Dist::Exponential { mean_ms } = e.db_write else {
        return None;
    };
    let steady = s
        .clients
        .iter()
        .all(|c| c.shape == Shape::Constant && c.rate_limit_per_s <= 0.0);
    let plain = e.mode == Mode::Async
        && s.database.failure_probability <= 0.0
        && s.browser.poll_interval_s <= 0.0
        && s.timeline
            .iter()
            .all(|t| matches!(t.change, Change::Caption(_)))
        && mean_ms > 0.0;
    let servers = s.queue.workers.min(s.database.connections);
    if !(steady && plain && servers > 0) {
        return None;
    }
    Some(MmcStation {
        servers,
        mu_per_s: 1e3 / mean_ms,
        before_s: (s.network.latency.mean_ms() + e.cpu.mean_ms() + s.queue.enqueue.mean_ms()) / 1e3,
    })
}
