//! What the arithmetic takes from a run: rates and busy fractions measured
//! over a span of recent windows.

use crate::metrics::Window;
use crate::{Marker, MarkerKind};

/// Rates and levels measured over a span of windows.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Measured {
    /// Span measured, s.
    pub span_s: f64,
    /// Sim time at the span's end, s: where the traffic ahead is looked up.
    pub end_s: f64,
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
    /// Per dependency, in the scene's order: busy fraction of its slots
    /// (empty without dependencies).
    pub util_deps: Vec<f64>,
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
        let mut sum = MeasureSum::default();
        for w in windows {
            sum.add(w, window_s);
        }
        sum.measured()
    }
}

/// When the settings last changed, s of sim time (`-∞`: never): the
/// newest marker that changed something (a caption, a mode held in a
/// twin or a skipped scripted change changes nothing). Rates measured
/// from then on describe the settings as they are.
pub fn last_change_s(markers: &[Marker]) -> f64 {
    markers
        .iter()
        .filter(|m| !m.held && !m.skipped && m.kind() != MarkerKind::Caption)
        .map(|m| m.t_s)
        .fold(f64::NEG_INFINITY, f64::max)
}

/// Running sums of consecutive windows, oldest first: the one arithmetic
/// behind [`Measured`], for a slice of windows (the app's strip) or a run
/// streamed window by window (the command line).
#[derive(Clone, Debug, Default)]
pub struct MeasureSum {
    windows: u64,
    /// End of the last window added, s.
    end_s: f64,
    first_t_s: f64,
    first_backlog: u64,
    last_backlog: u64,
    span_s: f64,
    clicks: u64,
    commits: u64,
    db_finished: u64,
    clicks_by_client: Vec<u64>,
    commits_by_client: Vec<u64>,
    /// Busy fractions × window length, s.
    server_s: f64,
    server_polls_s: f64,
    db_s: f64,
    workers_s: f64,
    deps_s: Vec<f64>,
}

impl MeasureSum {
    /// Adds the next window of a run whose windows are `window_s` long.
    pub fn add(&mut self, w: &Window, window_s: f64) {
        // Each window's length: from the previous window's end (a partial
        // last window is shorter).
        let prev = if self.windows == 0 {
            self.first_t_s = w.t_s;
            self.first_backlog = w.backlog;
            (w.t_s - window_s).max(0.0)
        } else {
            self.end_s
        };
        let d = (w.t_s - prev).max(0.0);
        self.windows += 1;
        self.end_s = w.t_s;
        self.last_backlog = w.backlog;
        self.span_s += d;
        self.clicks += w.clicks;
        self.commits += w.commits;
        self.db_finished += w.commits + w.dead_letters + w.errors.db_error;
        add_each(&mut self.clicks_by_client, &w.clicks_by_client);
        add_each(&mut self.commits_by_client, &w.commits_by_client);
        self.server_s += w.util_server * d;
        self.server_polls_s += w.util_server_polls * d;
        self.db_s += w.util_db * d;
        self.workers_s += w.util_workers * d;
        if self.deps_s.len() < w.dependencies.len() {
            self.deps_s.resize(w.dependencies.len(), 0.0);
        }
        for (a, b) in self.deps_s.iter_mut().zip(&w.dependencies) {
            *a += b.util * d;
        }
    }

    /// Forgets every window added (the settings changed).
    pub fn clear(&mut self) {
        *self = MeasureSum::default();
    }

    /// Windows added.
    pub fn windows(&self) -> u64 {
        self.windows
    }

    /// The rates and levels over the windows added (zeros without any).
    pub fn measured(&self) -> Measured {
        if self.windows == 0 {
            return Measured::default();
        }
        let span_s = self.span_s;
        let per_s = |n: u64| if span_s > 0.0 { n as f64 / span_s } else { 0.0 };
        let mean = |x: f64| if span_s > 0.0 { x / span_s } else { 0.0 };
        let growth = if self.windows >= 2 && self.end_s > self.first_t_s {
            (self.last_backlog as f64 - self.first_backlog as f64) / (self.end_s - self.first_t_s)
        } else {
            0.0
        };
        Measured {
            span_s,
            end_s: self.end_s,
            clicks_per_s: per_s(self.clicks),
            clicks_by_client_per_s: self.clicks_by_client.iter().map(|n| per_s(*n)).collect(),
            commits_per_s: per_s(self.commits),
            commits_by_client_per_s: self.commits_by_client.iter().map(|n| per_s(*n)).collect(),
            db_finished_per_s: per_s(self.db_finished),
            util_server: mean(self.server_s),
            util_server_polls: mean(self.server_polls_s),
            util_db: mean(self.db_s),
            util_workers: mean(self.workers_s),
            util_deps: self.deps_s.iter().map(|x| mean(*x)).collect(),
            backlog: self.last_backlog,
            backlog_growth_per_s: growth,
        }
    }
}

/// `into[i] += from[i]`, growing `into` as needed.
fn add_each(into: &mut Vec<u64>, from: &[u64]) {
    if into.len() < from.len() {
        into.resize(from.len(), 0);
    }
    for (a, b) in into.iter_mut().zip(from) {
        *a += b;
    }
}
