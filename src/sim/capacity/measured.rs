//! What the arithmetic takes from a run: rates and busy fractions measured
//! over a span of recent windows.

use crate::sim::metrics::Window;

/// Rates and levels measured over a span of windows.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Measured {
    /// Span measured, s.
    pub span_s: f64,
    /// Clicks arriving (first clicks and clicks again), per second.
    pub clicks_per_s: f64,
    /// Per client: clicks per second.
    pub clicks_by_client_per_s: Vec<f64>,
    /// Writes committed per second.
    pub commits_per_s: f64,
    /// Per client: writes committed per second.
    pub commits_by_client_per_s: Vec<f64>,
    /// Requests and jobs the database finished with, per second: commits,
    /// dead letters and sync DB errors (each after all its attempts).
    pub db_finished_per_s: f64,
    /// Busy fraction of server workers.
    pub util_server: f64,
    /// Part of the server workers' capacity busy with status polls.
    pub util_server_polls: f64,
    /// Busy fraction of DB connections.
    pub util_db: f64,
    /// Busy fraction of queue workers.
    pub util_workers: f64,
    /// Jobs in the broker at the span's end.
    pub backlog: u64,
    /// Change of the backlog over the span, jobs per second (0 with fewer
    /// than two windows).
    pub backlog_growth_per_s: f64,
}

impl Measured {
    /// Measures `windows` (consecutive, oldest first) of a run whose
    /// windows are `window_s` long. Empty windows give zeros.
    pub fn from_windows(windows: &[Window], window_s: f64) -> Measured {
        let Some(last) = windows.last() else {
            return Measured::default();
        };
        let first = &windows[0];
        // Each window's length: from the previous window's end (a partial
        // last window is shorter).
        let mut prev = (first.t_s - window_s).max(0.0);
        let mut widths = Vec::with_capacity(windows.len());
        for w in windows {
            widths.push((w.t_s - prev).max(0.0));
            prev = w.t_s;
        }
        let span_s: f64 = widths.iter().sum();
        let per_s = |n: u64| if span_s > 0.0 { n as f64 / span_s } else { 0.0 };
        let mean = |f: fn(&Window) -> f64| {
            if span_s > 0.0 {
                windows
                    .iter()
                    .zip(&widths)
                    .map(|(w, d)| f(w) * d)
                    .sum::<f64>()
                    / span_s
            } else {
                0.0
            }
        };
        let total = |f: fn(&Window) -> u64| windows.iter().map(f).sum::<u64>();
        let by_client = |f: fn(&Window) -> &Vec<u64>| {
            let n = f(last).len();
            (0..n)
                .map(|i| {
                    per_s(
                        windows
                            .iter()
                            .map(|w| f(w).get(i).copied().unwrap_or(0))
                            .sum(),
                    )
                })
                .collect()
        };
        let growth = if windows.len() >= 2 && last.t_s > first.t_s {
            (last.backlog as f64 - first.backlog as f64) / (last.t_s - first.t_s)
        } else {
            0.0
        };
        Measured {
            span_s,
            clicks_per_s: per_s(total(|w| w.clicks)),
            clicks_by_client_per_s: by_client(|w| &w.clicks_by_client),
            commits_per_s: per_s(total(|w| w.commits)),
            commits_by_client_per_s: by_client(|w| &w.commits_by_client),
            db_finished_per_s: per_s(total(|w| w.commits + w.dead_letters + w.errors.db_error)),
            util_server: mean(|w| w.util_server),
            util_server_polls: mean(|w| w.util_server_polls),
            util_db: mean(|w| w.util_db),
            util_workers: mean(|w| w.util_workers),
            backlog: last.backlog,
            backlog_growth_per_s: growth,
        }
    }
}
