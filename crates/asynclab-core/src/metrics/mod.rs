//! What a run measures: per-window time series, a whole-run summary, and the
//! two conservation ledgers.
//!
//! An outcome is recorded in the window in which it happens. Plotted
//! percentiles cover a trailing span of windows and are `NaN` (not drawn)
//! when fewer than [`MIN_SAMPLES`] outcomes fall in it. Only quantiles and
//! counts are kept per window, so memory grows by a few hundred bytes per
//! window however many actions a run has. Quantiles come from histograms
//! accurate to 2 significant digits, clamped to the exact minimum and
//! maximum; means and maxima are exact.

mod ledgers;
mod reasons;
mod recorder;
mod stat;

pub use ledgers::{ActionLedger, Ledgers, Stages, WorkLedger};
pub use reasons::{ByReason, Draining, Reason, Rejected, Utilisation};
pub use recorder::MAX_RETAINED_WINDOWS;
pub(crate) use recorder::{Recorder, add_counts};
pub use stat::{Quantiles, RunStat};

use serde::Serialize;

/// Fewest samples a plotted percentile is drawn from.
pub const MIN_SAMPLES: u64 = 100;

/// One window of the time series. Counts are events in the window; gauges
/// are sampled at its end; quantiles cover the trailing percentile span.
#[derive(Clone, Debug, Serialize)]
pub struct Window {
    /// End of the window, seconds of sim time.
    pub t_s: f64,
    /// New user actions (first clicks).
    pub actions: u64,
    /// All clicks, including clicks again.
    pub clicks: u64,
    /// Per client: clicks.
    pub clicks_by_client: Vec<u64>,
    /// Sync responses the users received (successes).
    pub responses: u64,
    /// Async acknowledgements the users received.
    pub acks: u64,
    /// Writes committed.
    pub commits: u64,
    /// Per client: writes committed.
    pub commits_by_client: Vec<u64>,
    /// User-visible errors by reason.
    pub errors: ByReason,
    /// Clicks again after an error.
    pub user_retries: u64,
    /// Inline (sync) and worker (async) write retries.
    pub system_retries: u64,
    /// Jobs dead-lettered.
    pub dead_letters: u64,
    /// Answers with work behind them (responses, acknowledgements, errors
    /// after processing) that reached a browser whose user had given up.
    pub wasted: u64,
    /// Status polls served.
    pub polls: u64,
    /// User-perceived wait, trailing.
    pub wait: Quantiles,
    /// Per endpoint: user-perceived wait p95, trailing, s.
    pub wait_p95_by_endpoint: Vec<f64>,
    /// Click → committed, trailing.
    pub processed: Quantiles,
    /// Per client: click → committed p95, trailing, s.
    pub processed_p95_by_client: Vec<f64>,
    /// Click → the user learns the job is done (polling), p95, trailing, s.
    pub learn_p95: f64,
    /// Share of outcomes over the trailing span (the percentiles' span)
    /// that were successes within the wait target; errors, timeouts and
    /// shed arrivals count as misses (`NaN` if no outcome).
    pub sla_share: f64,
    /// Share of outcomes over the trailing span that were errors (any
    /// reason, shed arrivals included) (`NaN` if no outcome).
    pub error_share: f64,
    /// Outcomes users saw over the trailing span (shed arrivals included):
    /// what `sla_share` and `error_share` divide by.
    pub outcomes: u64,
    /// Errors over the trailing span (shed arrivals included): what
    /// `error_share` counts.
    pub span_errors: u64,
    /// Arrivals shed at the simulation limit over the trailing span: the
    /// simulator's bound, not the modelled system's errors.
    pub span_shed: u64,
    /// Jobs in the broker.
    pub backlog: u64,
    /// Per client: jobs in the broker.
    pub backlog_by_client: Vec<u64>,
    /// Jobs waiting out a retry backoff.
    pub in_backoff: u64,
    /// Age of the oldest queued job, s.
    pub oldest_job_age_s: f64,
    /// Browsers still polling for their job, time-averaged over the window.
    pub pending_polled: f64,
    /// Busy fraction of server workers over the window.
    pub util_server: f64,
    /// Busy fraction of DB connections over the window.
    pub util_db: f64,
    /// Busy fraction of queue workers over the window.
    pub util_workers: f64,
    /// Server-worker busy fraction spent on polls.
    pub util_server_polls: f64,
    /// Server workers still finishing work beyond a cut capacity, average
    /// over the window (busy beyond capacity is not utilisation).
    pub draining_server: f64,
    /// DB connections still finishing writes beyond a cut capacity, average.
    pub draining_db: f64,
    /// Queue workers still finishing jobs beyond a cut capacity, average.
    pub draining_workers: f64,
    /// Provisioned capacity cost rate at the window's end, $/h.
    pub cost_per_hour: f64,
    /// Revenue earned in the window by tier (free, standard, premium), as a
    /// rate, $/h.
    pub revenue_per_hour: [f64; 3],
    /// Server-worker busy fraction spent holding a sync request while it
    /// waits for a database connection (the database's symptom, not the
    /// servers' own work).
    pub util_server_db_wait: f64,
    /// Server-worker busy fraction spent holding a sync request while the
    /// database writes it (part of the servers' own hold time).
    pub util_server_db_write: f64,
    /// The run ended inside this window: it is shorter than `window_s` (its
    /// counts cover from the previous window's end to `t_s`).
    pub partial: bool,
    /// Per dependency, in the scene's order (none without dependencies).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub dependencies: Vec<DepWindow>,
}

/// Calls to one dependency that failed, by reason.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct DepFailures {
    /// Failed after their latency (the failure probability).
    pub failed: u64,
    /// Ran past the call timeout.
    pub timed_out: u64,
    /// Refused by the rate limit before queueing for a slot.
    pub throttled: u64,
}

impl DepFailures {
    /// Sum over reasons.
    pub fn total(&self) -> u64 {
        self.failed + self.timed_out + self.throttled
    }
    fn add(&mut self, o: &DepFailures) {
        self.failed += o.failed;
        self.timed_out += o.timed_out;
        self.throttled += o.throttled;
    }
}

/// One dependency over one window.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct DepWindow {
    /// Calls that got a slot and started in the window.
    pub calls: u64,
    /// Busy slots, averaged over the window.
    pub busy_slots: f64,
    /// Busy fraction of its slots over the window (0 for unlimited slots).
    pub util: f64,
    /// Calls waiting for a slot at the window's end.
    pub waiting: u64,
    /// Calls that failed in the window, by reason.
    pub failures: DepFailures,
}

/// One dependency over the whole run.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct DepSummary {
    /// The dependency's name.
    pub name: String,
    /// Calls that got a slot and started.
    pub calls: u64,
    /// Calls started per second of the run.
    pub calls_per_s: f64,
    /// Busy slots, averaged over the run.
    pub busy_slots: f64,
    /// Busy fraction of its slots (0 for unlimited slots).
    pub utilisation: f64,
    /// Mean time a call waited for a slot, s (`NaN` with no calls).
    pub mean_slot_wait_s: f64,
    /// Most calls waiting for a slot at once.
    pub peak_waiting: u64,
    /// Failed calls by reason.
    pub failures: DepFailures,
}

/// Whole-run results.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Summary {
    /// Sim time covered, s.
    pub duration_s: f64,
    /// Events processed.
    pub events: u64,
    /// User-perceived wait over the run.
    pub wait: Option<Quantiles>,
    /// Per endpoint: wait.
    pub wait_by_endpoint: Vec<Option<Quantiles>>,
    /// Click → committed.
    pub processed: Option<Quantiles>,
    /// Per client: click → committed.
    pub processed_by_client: Vec<Option<Quantiles>>,
    /// Click → the user learns of completion (polling).
    pub learn: Option<Quantiles>,
    /// Share of outcomes that were successes within the wait target.
    pub sla_wait_share: f64,
    /// Share of save work committed within the processed target: commits
    /// in time ÷ (commits + dead letters + queued jobs already older than
    /// the target).
    pub sla_processed_share: f64,
    /// Errors by reason.
    pub errors: ByReason,
    /// Clicks again.
    pub user_retries: u64,
    /// Inline and worker retries.
    pub system_retries: u64,
    /// Answers with work behind them that nobody was waiting for.
    pub wasted: u64,
    /// Save attempts per user action: every click (first and again) plus
    /// every inline or worker retry; 1.0 when nothing is ever retried.
    pub retry_amplification: f64,
    /// Database write attempts (including failed ones) per user action.
    pub writes_per_action: f64,
    /// Polls served.
    pub polls: u64,
    /// Per client: commits.
    pub commits_by_client: Vec<u64>,
    /// Mean busy fraction of each capacity (busy within it ÷ its area, so
    /// never above 1).
    pub utilisation: Utilisation,
    /// Work done beyond a cut capacity, unit·seconds.
    pub draining_unit_s: Draining,
    /// Cost of provisioned capacity over the run, $.
    pub capacity_cost: f64,
    /// Revenue by tier (free, standard, premium), $.
    pub revenue_by_tier: [f64; 3],
    /// Peak queue backlog.
    pub peak_backlog: u64,
    /// Per dependency, in the scene's order (none without dependencies).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub dependencies: Vec<DepSummary>,
}
