//! Plot history with bounded memory: one [`Row`] per metrics window, and
//! when the history fills up, the older half is merged pairwise so old data
//! gets coarser while the live edge stays at full resolution.

pub use crate::chart::Row;
use crate::sim::Window;

/// Most rows kept; memory is about `MAX_ROWS` × a few hundred bytes.
pub const MAX_ROWS: usize = 4096;

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
