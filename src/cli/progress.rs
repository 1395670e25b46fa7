//! A one-line progress bar on stderr for long headless runs.

use crate::fmt;
use std::io::Write as _;
use std::time::{Duration, Instant};

/// A one-line progress bar on stderr, redrawn at most ten times a second
/// and only for runs that take long enough to need one.
pub(super) struct Progress {
    enabled: bool,
    started: Instant,
    last_draw: Option<Instant>,
}

impl Progress {
    /// Runs shorter than this never show a bar (no flicker for quick runs).
    const SHOW_AFTER: Duration = Duration::from_millis(300);
    /// Redrawing more often only costs time.
    const REDRAW_EVERY: Duration = Duration::from_millis(100);
    /// Bar width, characters.
    const WIDTH: usize = 30;

    /// A bar that draws only when `enabled` (stderr is a terminal).
    pub(super) fn new(enabled: bool) -> Self {
        Progress {
            enabled,
            started: Instant::now(),
            last_draw: None,
        }
    }

    /// Redraws the bar: `fraction` of the run done (0–1), sim time `t_s` in
    /// seconds, `events` processed so far.
    pub(super) fn show(&mut self, fraction: f64, t_s: f64, events: u64) {
        if !self.enabled || self.started.elapsed() < Self::SHOW_AFTER {
            return;
        }
        if self
            .last_draw
            .is_some_and(|t| t.elapsed() < Self::REDRAW_EVERY)
        {
            return;
        }
        self.last_draw = Some(Instant::now());
        let filled = ((fraction.clamp(0.0, 1.0) * Self::WIDTH as f64) as usize).min(Self::WIDTH);
        let mut err = std::io::stderr().lock();
        // A failed write to the terminal only loses the bar; ignore it.
        let _ = write!(
            err,
            "\r[{}{}] {:3.0}%  sim {}  {} events",
            "#".repeat(filled),
            " ".repeat(Self::WIDTH - filled),
            fraction * 100.0,
            fmt::secs(t_s),
            fmt::thousands(events)
        );
        let _ = err.flush();
    }

    /// Clears the bar's line, if one was drawn.
    pub(super) fn finish(&mut self) {
        if self.last_draw.is_some() {
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r{:78}\r", "");
            let _ = err.flush();
        }
    }
}
