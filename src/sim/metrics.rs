//! What a run measures: per-window time series, a whole-run summary, and the
//! two conservation ledgers.
//!
//! An outcome is recorded in the window in which it happens. Plotted
//! percentiles cover a trailing span of windows and are `NaN` (not drawn)
//! when fewer than [`MIN_SAMPLES`] outcomes fall in it. Only quantiles and
//! counts are kept per window, so memory grows by a few hundred bytes per
//! window however many actions a run has.

use super::time::SimTime;
use hdrhistogram::Histogram;
use serde::Serialize;
use std::collections::VecDeque;

/// Fewest samples a plotted percentile is drawn from.
pub const MIN_SAMPLES: u64 = 100;

/// Why a user saw an error.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum Reason {
    /// No answer within the user's patience.
    Timeout,
    /// The server's accept backlog was full.
    ServerBusy,
    /// The broker was full.
    QueueFull,
    /// The database write failed (after any inline retries).
    DbError,
}

impl Reason {
    /// All reasons, in display order.
    pub const ALL: [Reason; 4] = [
        Reason::Timeout,
        Reason::ServerBusy,
        Reason::QueueFull,
        Reason::DbError,
    ];
    /// Identifier for files (CSV columns, JSON keys): `server_busy`.
    pub fn key(self) -> &'static str {
        match self {
            Reason::Timeout => "timeout",
            Reason::ServerBusy => "server_busy",
            Reason::QueueFull => "queue_full",
            Reason::DbError => "db_error",
        }
    }
}

/// A count per [`Reason`], named (JSON writes it as an object keyed by
/// reason, so adding a reason shifts nothing).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ByReason {
    /// No answer within the user's patience.
    pub timeout: u64,
    /// The server's accept backlog was full.
    pub server_busy: u64,
    /// The broker was full.
    pub queue_full: u64,
    /// The database write failed.
    pub db_error: u64,
}

impl ByReason {
    /// Sum over reasons.
    pub fn total(&self) -> u64 {
        Reason::ALL.iter().map(|r| self[*r]).sum()
    }
    /// Adds every count of `other`.
    pub fn add(&mut self, other: &ByReason) {
        for r in Reason::ALL {
            self[r] += other[r];
        }
    }
}

impl std::ops::Index<Reason> for ByReason {
    type Output = u64;
    fn index(&self, r: Reason) -> &u64 {
        match r {
            Reason::Timeout => &self.timeout,
            Reason::ServerBusy => &self.server_busy,
            Reason::QueueFull => &self.queue_full,
            Reason::DbError => &self.db_error,
        }
    }
}

impl std::ops::IndexMut<Reason> for ByReason {
    fn index_mut(&mut self, r: Reason) -> &mut u64 {
        match r {
            Reason::Timeout => &mut self.timeout,
            Reason::ServerBusy => &mut self.server_busy,
            Reason::QueueFull => &mut self.queue_full,
            Reason::DbError => &mut self.db_error,
        }
    }
}

/// Requests the system refused, by reason (a user who gave up is not a
/// refusal: that request goes on, and its work is wasted).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Rejected {
    /// The server's accept backlog was full.
    pub server_busy: u64,
    /// The broker was full.
    pub queue_full: u64,
    /// The database write failed (sync, after any inline retries).
    pub db_error: u64,
}

impl Rejected {
    /// Sum over reasons.
    pub fn total(&self) -> u64 {
        self.server_busy + self.queue_full + self.db_error
    }
}

/// Busy fraction of each kind of capacity.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct Utilisation {
    /// Server workers.
    pub server: f64,
    /// Database connections.
    pub database: f64,
    /// Queue workers.
    pub queue_workers: f64,
}

/// p50 / p95 / p99 / max in seconds (`NaN` when too few samples).
#[derive(Clone, Copy, Debug, Serialize)]
pub struct Quantiles {
    /// Median, s.
    pub p50: f64,
    /// 95th percentile, s.
    pub p95: f64,
    /// 99th percentile, s.
    pub p99: f64,
    /// Maximum, s.
    pub max: f64,
    /// Mean, s.
    pub mean: f64,
    /// Samples the quantiles come from.
    pub n: u64,
}

impl Quantiles {
    const NONE: Quantiles = Quantiles {
        p50: f64::NAN,
        p95: f64::NAN,
        p99: f64::NAN,
        max: f64::NAN,
        mean: f64::NAN,
        n: 0,
    };

    fn of(h: &Histogram<u64>, min_samples: u64) -> Quantiles {
        let n = h.len();
        if n < min_samples.max(1) {
            return Quantiles {
                n,
                ..Quantiles::NONE
            };
        }
        let s = |v: u64| h.highest_equivalent(v) as f64 / 1e6;
        Quantiles {
            p50: s(h.value_at_quantile(0.50)),
            p95: s(h.value_at_quantile(0.95)),
            p99: s(h.value_at_quantile(0.99)),
            max: s(h.max()),
            mean: h.mean() / 1e6,
            n,
        }
    }
}

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
    /// Share of outcomes in this window that were successes within the wait
    /// target; errors and timeouts count as misses (`NaN` if no outcome).
    pub sla_share: f64,
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
    /// Provisioned capacity cost rate at the window's end, $/h.
    pub cost_per_hour: f64,
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
    /// Mean busy fraction of each capacity.
    pub utilisation: Utilisation,
    /// Cost of provisioned capacity over the run, $.
    pub capacity_cost: f64,
    /// Revenue by tier (free, standard, premium), $.
    pub revenue_by_tier: [f64; 3],
    /// Peak queue backlog.
    pub peak_backlog: u64,
}

/// What users did: every action ends exactly one way.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ActionLedger {
    /// Actions started (first clicks).
    pub issued: u64,
    /// Succeeded as the user saw it (response or acknowledgement).
    pub succeeded: u64,
    /// Failed as the user saw it, by reason (final, after any clicks again).
    pub failed: ByReason,
    /// Still waiting for an outcome (or about to click again).
    pub awaiting: u64,
}

impl ActionLedger {
    /// True when issued = succeeded + failed + awaiting.
    pub fn balances(&self) -> bool {
        self.issued == self.succeeded + self.failed.total() + self.awaiting
    }
}

/// Where an in-flight request or job is.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Stages {
    /// On the network to the server.
    pub network: u64,
    /// In the server's accept backlog.
    pub accept_backlog: u64,
    /// On a server worker (CPU, enqueue, inline retry pause).
    pub server: u64,
    /// Waiting for a DB connection.
    pub db_wait: u64,
    /// Writing.
    pub db_write: u64,
    /// In the broker.
    pub queued: u64,
    /// Waiting out a retry backoff.
    pub backoff: u64,
}

impl Stages {
    /// Sum over stages.
    pub fn total(&self) -> u64 {
        self.network
            + self.accept_backlog
            + self.server
            + self.db_wait
            + self.db_write
            + self.queued
            + self.backoff
    }
}

/// What the system did with every save request (each click is one).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct WorkLedger {
    /// Save requests sent (clicks).
    pub requests: u64,
    /// Written to the database.
    pub committed: u64,
    /// Committed although the user had given up (also in `committed`).
    pub committed_wasted: u64,
    /// Refused, by reason.
    pub rejected: Rejected,
    /// Acknowledged jobs that were never written.
    pub dead_lettered: u64,
    /// Not finished yet, by stage.
    pub in_flight: Stages,
}

impl WorkLedger {
    /// True when requests = committed + rejected + dead-lettered + in flight.
    pub fn balances(&self) -> bool {
        self.requests
            == self.committed + self.rejected.total() + self.dead_lettered + self.in_flight.total()
    }
}

/// Both ledgers.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Ledgers {
    /// As users saw it.
    pub actions: ActionLedger,
    /// As the system handled it.
    pub work: WorkLedger,
}

/// Trailing-window histogram: the sum over the span, and for each window in
/// it only its non-empty buckets, so memory follows the samples, not the
/// span × the histogram's full bucket array.
struct Trailing {
    /// Per closed window in the span: (bucket value, count) of its samples.
    ring: VecDeque<Vec<(u64, u64)>>,
    sum: Histogram<u64>,
    current: Histogram<u64>,
    /// Rebuilds a leaving window so it can be subtracted from `sum`.
    scratch: Histogram<u64>,
    span: usize,
}

/// Latencies are recorded in microseconds, 2 significant digits, 1 µs to
/// 30 days; larger values saturate at the top.
fn new_hist() -> Histogram<u64> {
    // The bounds are constants known to be valid.
    Histogram::new_with_bounds(1, 30 * 86_400 * 1_000_000, 2).expect("valid histogram bounds")
}

fn micros(t: SimTime) -> u64 {
    (t.0 / 1_000).max(1)
}

impl Trailing {
    fn new(span: usize) -> Self {
        Trailing {
            ring: VecDeque::new(),
            sum: new_hist(),
            current: new_hist(),
            scratch: new_hist(),
            span: span.max(1),
        }
    }
    #[inline]
    fn record(&mut self, t: SimTime) {
        self.current.saturating_record(micros(t));
    }
    /// Closes the current window; returns the trailing quantiles.
    fn roll(&mut self) -> Quantiles {
        if self.ring.len() >= self.span
            && let Some(old) = self.ring.pop_front()
            && !old.is_empty()
        {
            self.scratch.reset();
            for (value, count) in &old {
                // Each value is its bucket's own value: it lands back in the
                // same bucket, and every count was added to `sum` before.
                let _ = self.scratch.record_n(*value, *count);
            }
            let _ = self.sum.subtract(&self.scratch);
        }
        let mut entries = Vec::new();
        if !self.current.is_empty() {
            entries.extend(
                self.current
                    .iter_recorded()
                    .map(|v| (v.value_iterated_to(), v.count_at_value())),
            );
            // Same bounds on both sides: addition cannot fail.
            let _ = self.sum.add(&self.current);
            self.current.reset();
        }
        self.ring.push_back(entries);
        Quantiles::of(&self.sum, MIN_SAMPLES)
    }
}

/// Collects everything while a run goes on.
pub(crate) struct Recorder {
    pub windows: Vec<Window>,
    pub cur: Window,
    wait: Trailing,
    wait_ep: Vec<Trailing>,
    processed: Trailing,
    processed_client: Vec<Trailing>,
    learn: Trailing,
    run_wait: Histogram<u64>,
    run_wait_ep: Vec<Histogram<u64>>,
    run_processed: Histogram<u64>,
    run_processed_client: Vec<Histogram<u64>>,
    run_learn: Histogram<u64>,
    pub wait_target: SimTime,
    pub processed_target: SimTime,
    win_outcomes: u64,
    win_within: u64,
    pub run_outcomes: u64,
    pub run_within: u64,
    pub run_commits_within: u64,
    pub totals: Window,
    pub peak_backlog: u64,
}

impl Recorder {
    pub fn new(clients: usize, endpoints: usize, span: usize) -> Self {
        let w = empty_window(clients, endpoints);
        Recorder {
            windows: Vec::new(),
            cur: w.clone(),
            wait: Trailing::new(span),
            wait_ep: (0..endpoints).map(|_| Trailing::new(span)).collect(),
            processed: Trailing::new(span),
            processed_client: (0..clients).map(|_| Trailing::new(span)).collect(),
            learn: Trailing::new(span),
            run_wait: new_hist(),
            run_wait_ep: (0..endpoints).map(|_| new_hist()).collect(),
            run_processed: new_hist(),
            run_processed_client: (0..clients).map(|_| new_hist()).collect(),
            run_learn: new_hist(),
            wait_target: SimTime::ZERO,
            processed_target: SimTime::ZERO,
            win_outcomes: 0,
            win_within: 0,
            run_outcomes: 0,
            run_within: 0,
            run_commits_within: 0,
            totals: w,
            peak_backlog: 0,
        }
    }

    /// A user saw an outcome after waiting `wait`. `success`: a response or
    /// an acknowledgement; an error or a timeout is never "within the SLA",
    /// however fast it came.
    #[inline]
    pub fn wait(&mut self, endpoint: usize, wait: SimTime, success: bool) {
        self.wait.record(wait);
        self.run_wait.saturating_record(micros(wait));
        if let Some(t) = self.wait_ep.get_mut(endpoint) {
            t.record(wait);
        }
        if let Some(h) = self.run_wait_ep.get_mut(endpoint) {
            h.saturating_record(micros(wait));
        }
        self.win_outcomes += 1;
        self.run_outcomes += 1;
        if success && wait <= self.wait_target {
            self.win_within += 1;
            self.run_within += 1;
        }
    }

    /// A write committed `processed` after its click.
    #[inline]
    pub fn commit(&mut self, client: usize, processed: SimTime) {
        self.cur.commits += 1;
        if let Some(c) = self.cur.commits_by_client.get_mut(client) {
            *c += 1;
        }
        self.processed.record(processed);
        self.run_processed.saturating_record(micros(processed));
        if let Some(t) = self.processed_client.get_mut(client) {
            t.record(processed);
        }
        if let Some(h) = self.run_processed_client.get_mut(client) {
            h.saturating_record(micros(processed));
        }
        if processed <= self.processed_target {
            self.run_commits_within += 1;
        }
    }

    /// A polling user learned of completion `t` after the click.
    pub fn learn(&mut self, t: SimTime) {
        self.learn.record(t);
        self.run_learn.saturating_record(micros(t));
    }

    /// Closes the window ending at `t`; gauges are filled in by `gauges`.
    pub fn close(&mut self, t: SimTime, gauges: impl FnOnce(&mut Window)) {
        let mut w = std::mem::replace(
            &mut self.cur,
            empty_window(self.totals.clicks_by_client.len(), self.wait_ep.len()),
        );
        w.t_s = t.as_secs_f64();
        w.wait = self.wait.roll();
        w.wait_p95_by_endpoint = self.wait_ep.iter_mut().map(|t| t.roll().p95).collect();
        w.processed = self.processed.roll();
        w.processed_p95_by_client = self
            .processed_client
            .iter_mut()
            .map(|t| t.roll().p95)
            .collect();
        w.learn_p95 = self.learn.roll().p95;
        w.sla_share = if self.win_outcomes > 0 {
            self.win_within as f64 / self.win_outcomes as f64
        } else {
            f64::NAN
        };
        self.win_outcomes = 0;
        self.win_within = 0;
        gauges(&mut w);
        self.peak_backlog = self.peak_backlog.max(w.backlog);
        add_counts(&mut self.totals, &w);
        self.windows.push(w);
    }

    pub fn summary_quantiles(&self) -> SummaryQuantiles {
        let q = |h: &Histogram<u64>| {
            let q = Quantiles::of(h, 1);
            (q.n > 0).then_some(q)
        };
        SummaryQuantiles {
            wait: q(&self.run_wait),
            wait_by_endpoint: self.run_wait_ep.iter().map(q).collect(),
            processed: q(&self.run_processed),
            processed_by_client: self.run_processed_client.iter().map(q).collect(),
            learn: q(&self.run_learn),
        }
    }
}

pub(crate) struct SummaryQuantiles {
    pub wait: Option<Quantiles>,
    pub wait_by_endpoint: Vec<Option<Quantiles>>,
    pub processed: Option<Quantiles>,
    pub processed_by_client: Vec<Option<Quantiles>>,
    pub learn: Option<Quantiles>,
}

/// Adds the counts (not gauges or quantiles) of `w` to `t`.
pub(crate) fn add_counts(t: &mut Window, w: &Window) {
    t.actions += w.actions;
    t.clicks += w.clicks;
    t.responses += w.responses;
    t.acks += w.acks;
    t.commits += w.commits;
    for (a, b) in t.commits_by_client.iter_mut().zip(&w.commits_by_client) {
        *a += b;
    }
    for (a, b) in t.clicks_by_client.iter_mut().zip(&w.clicks_by_client) {
        *a += b;
    }
    t.errors.add(&w.errors);
    t.user_retries += w.user_retries;
    t.system_retries += w.system_retries;
    t.dead_letters += w.dead_letters;
    t.wasted += w.wasted;
    t.polls += w.polls;
}

pub(crate) fn empty_window(clients: usize, endpoints: usize) -> Window {
    Window {
        t_s: 0.0,
        actions: 0,
        clicks: 0,
        clicks_by_client: vec![0; clients],
        responses: 0,
        acks: 0,
        commits: 0,
        commits_by_client: vec![0; clients],
        errors: ByReason::default(),
        user_retries: 0,
        system_retries: 0,
        dead_letters: 0,
        wasted: 0,
        polls: 0,
        wait: Quantiles::NONE,
        wait_p95_by_endpoint: vec![f64::NAN; endpoints],
        processed: Quantiles::NONE,
        processed_p95_by_client: vec![f64::NAN; clients],
        learn_p95: f64::NAN,
        sla_share: f64::NAN,
        backlog: 0,
        backlog_by_client: vec![0; clients],
        in_backoff: 0,
        oldest_job_age_s: 0.0,
        pending_polled: 0.0,
        util_server: 0.0,
        util_db: 0.0,
        util_workers: 0.0,
        util_server_polls: 0.0,
        cost_per_hour: 0.0,
    }
}
