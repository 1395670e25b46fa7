//! Plot history with bounded memory: one [`Row`] per metrics window, and
//! when the history fills up, the older half is merged pairwise so old data
//! gets coarser while the live edge stays at full resolution.

use crate::sim::{Reason, Window};

/// Most rows kept; memory is about `MAX_ROWS` × a few hundred bytes.
pub const MAX_ROWS: usize = 4096;

/// The plotted values of one window (or of several merged ones).
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    /// End of the (last merged) window, s.
    pub t_s: f64,
    /// Window width this row covers, s (grows when rows merge).
    pub span_s: f64,
    /// User-perceived wait p50 / p95 / p99, s (NaN: too few samples).
    pub wait_s: [f64; 3],
    /// Click → committed p50 / p95 / p99, s.
    pub processed_s: [f64; 3],
    /// Per endpoint: user-perceived wait p95, s (`NaN`: no answers).
    pub wait_p95_by_endpoint: Vec<f64>,
    /// Per client: click → committed p95, s (`NaN`: no commits).
    pub processed_p95_by_client: Vec<f64>,
    /// Click → the user learns the job is done (polling), p95, s.
    pub learn_p95_s: f64,
    /// Status polls served per second.
    pub polls_per_s: f64,
    /// Share of outcomes within the wait target (NaN: none).
    pub sla_share: f64,
    /// Jobs in the broker.
    pub backlog: f64,
    /// Jobs waiting out a retry backoff (not in the broker, not lost).
    pub in_backoff: f64,
    /// Age of the oldest job in the broker (since its last enqueue), s.
    pub oldest_job_age_s: f64,
    /// Per client: jobs in the broker.
    pub backlog_by_client: Vec<f64>,
    /// Errors per second by reason.
    pub errors_per_s: [f64; Reason::ALL.len()],
    /// User and system retries per second.
    pub retries_per_s: f64,
    /// Dead letters per second.
    pub dead_letters_per_s: f64,
    /// Clicks per second.
    pub arrivals_per_s: f64,
    /// Commits per second.
    pub commits_per_s: f64,
    /// Responses + acks per second.
    pub answers_per_s: f64,
    /// Busy fraction: server, DB, queue workers.
    pub util: [f64; 3],
    /// Server busy fraction holding sync requests that wait for a DB
    /// connection.
    pub util_server_db_wait: f64,
    /// Server busy fraction serving status polls.
    pub util_server_polls: f64,
    /// Provisioned capacity cost, $/h.
    pub cost_per_hour: f64,
    /// Revenue by tier (free, standard, premium), $/h.
    pub revenue_per_hour: [f64; 3],
}

impl Row {
    /// The row of one closed window of width `window_s`.
    pub fn of(w: &Window, window_s: f64) -> Row {
        let per_s = |n: u64| n as f64 / window_s.max(1e-9);
        Row {
            t_s: w.t_s,
            span_s: window_s,
            wait_s: [w.wait.p50, w.wait.p95, w.wait.p99],
            processed_s: [w.processed.p50, w.processed.p95, w.processed.p99],
            wait_p95_by_endpoint: w.wait_p95_by_endpoint.clone(),
            processed_p95_by_client: w.processed_p95_by_client.clone(),
            learn_p95_s: w.learn_p95,
            polls_per_s: per_s(w.polls),
            sla_share: w.sla_share,
            backlog: w.backlog as f64,
            backlog_by_client: w.backlog_by_client.iter().map(|b| *b as f64).collect(),
            errors_per_s: Reason::ALL.map(|r| per_s(w.errors[r])),
            retries_per_s: per_s(w.user_retries + w.system_retries),
            dead_letters_per_s: per_s(w.dead_letters),
            arrivals_per_s: per_s(w.clicks),
            commits_per_s: per_s(w.commits),
            answers_per_s: per_s(w.responses + w.acks),
            util: [w.util_server, w.util_db, w.util_workers],
            in_backoff: w.in_backoff as f64,
            oldest_job_age_s: w.oldest_job_age_s,
            util_server_db_wait: w.util_server_db_wait,
            util_server_polls: w.util_server_polls,
            cost_per_hour: w.cost_per_hour,
            revenue_per_hour: w.revenue_per_hour,
        }
    }

    /// Merges two consecutive rows: latencies and gauges keep the worse
    /// (peaks must stay visible), rates average over the covered time.
    fn merge(a: &Row, b: &Row) -> Row {
        let total = a.span_s + b.span_s;
        let avg = |x: f64, y: f64| (x * a.span_s + y * b.span_s) / total.max(1e-9);
        let n = a.backlog_by_client.len().max(b.backlog_by_client.len());
        let at = |v: &Vec<f64>, i: usize| v.get(i).copied().unwrap_or(0.0);
        Row {
            t_s: b.t_s,
            span_s: total,
            wait_s: std::array::from_fn(|i| worst(a.wait_s[i], b.wait_s[i])),
            processed_s: std::array::from_fn(|i| worst(a.processed_s[i], b.processed_s[i])),
            wait_p95_by_endpoint: worst_each(&a.wait_p95_by_endpoint, &b.wait_p95_by_endpoint),
            learn_p95_s: worst(a.learn_p95_s, b.learn_p95_s),
            polls_per_s: avg(a.polls_per_s, b.polls_per_s),
            processed_p95_by_client: worst_each(
                &a.processed_p95_by_client,
                &b.processed_p95_by_client,
            ),
            sla_share: if a.sla_share.is_nan() {
                b.sla_share
            } else if b.sla_share.is_nan() {
                a.sla_share
            } else {
                a.sla_share.min(b.sla_share)
            },
            backlog: a.backlog.max(b.backlog),
            backlog_by_client: (0..n)
                .map(|i| at(&a.backlog_by_client, i).max(at(&b.backlog_by_client, i)))
                .collect(),
            errors_per_s: std::array::from_fn(|i| avg(a.errors_per_s[i], b.errors_per_s[i])),
            retries_per_s: avg(a.retries_per_s, b.retries_per_s),
            dead_letters_per_s: avg(a.dead_letters_per_s, b.dead_letters_per_s),
            arrivals_per_s: avg(a.arrivals_per_s, b.arrivals_per_s),
            commits_per_s: avg(a.commits_per_s, b.commits_per_s),
            answers_per_s: avg(a.answers_per_s, b.answers_per_s),
            util: std::array::from_fn(|i| avg(a.util[i], b.util[i])),
            in_backoff: a.in_backoff.max(b.in_backoff),
            oldest_job_age_s: a.oldest_job_age_s.max(b.oldest_job_age_s),
            util_server_db_wait: avg(a.util_server_db_wait, b.util_server_db_wait),
            util_server_polls: avg(a.util_server_polls, b.util_server_polls),
            cost_per_hour: avg(a.cost_per_hour, b.cost_per_hour),
            revenue_per_hour: std::array::from_fn(|i| {
                avg(a.revenue_per_hour[i], b.revenue_per_hour[i])
            }),
        }
    }
}

/// The larger of two values, ignoring `NaN` (no data).
fn worst(x: f64, y: f64) -> f64 {
    if x.is_nan() {
        y
    } else if y.is_nan() {
        x
    } else {
        x.max(y)
    }
}

/// [`worst`] element by element; a missing element is `NaN`.
fn worst_each(a: &[f64], b: &[f64]) -> Vec<f64> {
    let at = |v: &[f64], i: usize| v.get(i).copied().unwrap_or(f64::NAN);
    (0..a.len().max(b.len()))
        .map(|i| worst(at(a, i), at(b, i)))
        .collect()
}

/// The worst the run has been so far, each figure as the headline shows
/// it (so the worst stays on screen after the peak has passed).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Worst {
    /// Highest trailing-span p95 wait of any window, s, and the window's
    /// end, s of sim time (`NaN`: no window had one).
    pub wait_p95_s: (f64, f64),
    /// Most errors per minute over a trailing minute, and when.
    pub errors_per_min: (f64, f64),
    /// Highest capacity cost rate, $/h, and when.
    pub cost_per_hour: (f64, f64),
}

impl Default for Worst {
    fn default() -> Self {
        Worst {
            wait_p95_s: (f64::NAN, 0.0),
            errors_per_min: (0.0, 0.0),
            cost_per_hour: (0.0, 0.0),
        }
    }
}

impl Worst {
    /// Takes in the window ending at `t_s`.
    fn see(&mut self, t_s: f64, wait_p95_s: f64, errors_per_min: f64, cost_per_hour: f64) {
        if wait_p95_s > self.wait_p95_s.0 || (self.wait_p95_s.0.is_nan() && !wait_p95_s.is_nan()) {
            self.wait_p95_s = (wait_p95_s, t_s);
        }
        if errors_per_min > self.errors_per_min.0 {
            self.errors_per_min = (errors_per_min, t_s);
        }
        if cost_per_hour > self.cost_per_hour.0 {
            self.cost_per_hour = (cost_per_hour, t_s);
        }
    }
}

/// The plot history of one run.
#[derive(Clone, Debug, Default)]
pub struct History {
    /// Rows, oldest first.
    pub rows: Vec<Row>,
    /// The newest closed window as received (headline strip).
    pub last: Option<Window>,
    /// The worst figures so far.
    pub worst: Worst,
    /// Errors in the trailing minute: (window end, errors) pairs.
    recent_errors: std::collections::VecDeque<(f64, u64)>,
    /// The run so far, for its story (worst minute, totals, peak).
    pub story: crate::compare::StoryTally,
}

impl History {
    /// Appends a closed window of width `window_s`.
    pub fn push(&mut self, w: &Window, window_s: f64) {
        self.rows.push(Row::of(w, window_s));
        self.recent_errors.push_back((w.t_s, w.errors.total()));
        while let Some((t, _)) = self.recent_errors.front() {
            if *t <= w.t_s - 60.0 {
                self.recent_errors.pop_front();
            } else {
                break;
            }
        }
        self.story.add(w);
        self.last = Some(w.clone());
        let errors_per_min = self.errors_per_min();
        self.worst
            .see(w.t_s, w.wait.p95, errors_per_min, w.cost_per_hour);
        if self.rows.len() > MAX_ROWS {
            self.compact();
        }
    }

    /// User-visible errors per minute over the trailing minute.
    pub fn errors_per_min(&self) -> f64 {
        // Saturating: a hostile window may claim any count.
        let n = self
            .recent_errors
            .iter()
            .fold(0u64, |n, (_, e)| n.saturating_add(*e));
        match (self.recent_errors.front(), self.recent_errors.back()) {
            (Some(_), Some((last, _))) => {
                // Covers at most a minute; early in a run, less.
                let span = last.clamp(1e-9, 60.0);
                n as f64 * 60.0 / span
            }
            _ => 0.0,
        }
    }

    /// Revenue by tier, $/h, over the trailing `span_s` of sim time (the
    /// rows ending within it, weighted by the time each covers): the same
    /// span as the headline's p95, so the two figures agree and one busy
    /// second cannot swing it. Zero before the first window.
    pub fn revenue_per_hour(&self, span_s: f64) -> [f64; 3] {
        let Some(last) = self.rows.last() else {
            return [0.0; 3];
        };
        // Rows ending after this are inside the span (a little slack for
        // the rounding of window ends).
        let from = last.t_s - span_s + 1e-9 * span_s.max(1.0);
        let mut sum = [0.0; 3];
        let mut covered = 0.0;
        for r in self.rows.iter().rev().take_while(|r| r.t_s > from) {
            for (k, total) in sum.iter_mut().enumerate() {
                *total += r.revenue_per_hour[k] * r.span_s;
            }
            covered += r.span_s;
        }
        if covered > 0.0 {
            sum.map(|x| x / covered)
        } else {
            [0.0; 3]
        }
    }

    /// Merges the older half pairwise.
    fn compact(&mut self) {
        let half = self.rows.len() / 2;
        let mut merged = Vec::with_capacity(self.rows.len());
        let mut i = 0;
        while i + 1 < half {
            merged.push(Row::merge(&self.rows[i], &self.rows[i + 1]));
            i += 2;
        }
        merged.extend_from_slice(&self.rows[i..]);
        self.rows = merged;
    }
}
