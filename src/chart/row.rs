//! One plotted row: the values of one metrics window (or of several merged
//! ones) in the plots' units, with named per-stage values. The app keeps a
//! history of them; the hand-out folds them into its buckets; every plot
//! line of the catalogue reads one.

use crate::sim::{Reason, Window};

/// p50, p95 and p99 of one latency, s (`NaN`: too few samples).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Quantiles {
    /// Median, s.
    pub p50: f64,
    /// 95th percentile, s.
    pub p95: f64,
    /// 99th percentile, s.
    pub p99: f64,
}

impl Quantiles {
    /// Each quantile the worse of two (a merged row keeps the peaks).
    fn worst(a: Quantiles, b: Quantiles) -> Quantiles {
        Quantiles {
            p50: worst(a.p50, b.p50),
            p95: worst(a.p95, b.p95),
            p99: worst(a.p99, b.p99),
        }
    }
}

/// One value per stage that has workers: the servers, the database's
/// connections and the queue workers.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Stages {
    /// The servers.
    pub server: f64,
    /// The database.
    pub database: f64,
    /// The queue workers.
    pub workers: f64,
}

impl Stages {
    /// The largest of the three (the busiest stage).
    pub fn max(self) -> f64 {
        self.server.max(self.database).max(self.workers)
    }

    /// Each stage through `f` with the other row's.
    fn zip(a: Stages, b: Stages, f: impl Fn(f64, f64) -> f64) -> Stages {
        Stages {
            server: f(a.server, b.server),
            database: f(a.database, b.database),
            workers: f(a.workers, b.workers),
        }
    }
}

/// The plotted values of one window (or of several merged ones).
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    /// End of the (last merged) window, s.
    pub t_s: f64,
    /// Window width this row covers, s (grows when rows merge).
    pub span_s: f64,
    /// User-perceived wait, s.
    pub wait: Quantiles,
    /// Click → committed, s.
    pub processed: Quantiles,
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
    /// Busy fraction of each stage.
    pub util: Stages,
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
            wait: Quantiles {
                p50: w.wait.p50,
                p95: w.wait.p95,
                p99: w.wait.p99,
            },
            processed: Quantiles {
                p50: w.processed.p50,
                p95: w.processed.p95,
                p99: w.processed.p99,
            },
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
            util: Stages {
                server: w.util_server,
                database: w.util_db,
                workers: w.util_workers,
            },
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
    pub fn merge(a: &Row, b: &Row) -> Row {
        let total = a.span_s + b.span_s;
        let avg = |x: f64, y: f64| (x * a.span_s + y * b.span_s) / total.max(1e-9);
        let n = a.backlog_by_client.len().max(b.backlog_by_client.len());
        let at = |v: &Vec<f64>, i: usize| v.get(i).copied().unwrap_or(0.0);
        Row {
            t_s: b.t_s,
            span_s: total,
            wait: Quantiles::worst(a.wait, b.wait),
            processed: Quantiles::worst(a.processed, b.processed),
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
            util: Stages::zip(a.util, b.util, avg),
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
