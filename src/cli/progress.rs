//! A one-line progress bar on stderr for long headless runs.

use super::simulate::Update;
use crate::fmt;
use std::io::Write as _;
use std::time::{Duration, Instant};

/// Where the bar's time comes from (a fake clock in tests).
pub type Now = Box<dyn Fn() -> Duration>;

/// A one-line progress bar on stderr, redrawn at most ten times a second
/// and only for runs that take long enough to need one.
pub struct Progress {
    enabled: bool,
    now: Now,
    last_draw: Option<Duration>,
}

impl Progress {
    /// Runs shorter than this never show a bar (no flicker for quick runs).
    pub const SHOW_AFTER: Duration = Duration::from_millis(300);
    /// Redrawing more often only costs time.
    const REDRAW_EVERY: Duration = Duration::from_millis(100);
    /// Bar width, characters.
    const WIDTH: usize = 30;

    /// A bar on the wall clock that draws only when `enabled` (stderr is a
    /// terminal).
    pub fn new(enabled: bool) -> Self {
        let started = Instant::now();
        Progress::with_clock(enabled, Box::new(move || started.elapsed()))
    }

    /// A bar on the given clock.
    pub fn with_clock(enabled: bool, now: Now) -> Self {
        Progress {
            enabled,
            now,
            last_draw: None,
        }
    }

    /// The bar's line for `u`, if it is time to draw one.
    pub fn line(&mut self, u: Update) -> Option<String> {
        let now = (self.now)();
        if !self.enabled || now < Self::SHOW_AFTER {
            return None;
        }
        if self
            .last_draw
            .is_some_and(|t| now.saturating_sub(t) < Self::REDRAW_EVERY)
        {
            return None;
        }
        self.last_draw = Some(now);
        let filled = ((u.fraction.clamp(0.0, 1.0) * Self::WIDTH as f64) as usize).min(Self::WIDTH);
        Some(format!(
            "\r[{}{}] {:3.0}%  sim {}  {} events",
            "#".repeat(filled),
            " ".repeat(Self::WIDTH - filled),
            u.fraction * 100.0,
            fmt::secs(u.t_s),
            fmt::thousands(u.events)
        ))
    }

    /// Redraws the bar for `u` when it is time to.
    pub fn show(&mut self, u: Update) {
        if let Some(line) = self.line(u) {
            let mut err = std::io::stderr().lock();
            // A failed write to the terminal only loses the bar; ignore it.
            let _ = write!(err, "{line}");
            let _ = err.flush();
        }
    }

    /// Clears the bar's line, if one was drawn.
    pub fn finish(&mut self) {
        if self.last_draw.is_some() {
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r{:78}\r", "");
            let _ = err.flush();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;
    use std::rc::Rc;

    #[test]
    fn the_bar_appears_within_a_second_and_is_not_redrawn_too_often() {
        let t = Rc::new(Cell::new(Duration::ZERO));
        let clock = t.clone();
        let mut bar = Progress::with_clock(true, Box::new(move || clock.get()));
        let u = Update {
            fraction: 0.25,
            t_s: 10.0,
            events: 1_000_000,
        };
        assert_eq!(bar.line(u), None, "quick runs show no bar");
        t.set(Duration::from_millis(350));
        let line = bar.line(u).expect("drawn after 300 ms");
        assert!(
            line.contains("25%") && line.contains("1,000,000 events"),
            "{line}"
        );
        t.set(Duration::from_millis(400));
        assert_eq!(bar.line(u), None, "not redrawn within 100 ms");
        t.set(Duration::from_millis(460));
        assert!(bar.line(u).is_some());
        let mut off = Progress::with_clock(false, Box::new(|| Duration::from_secs(5)));
        assert_eq!(off.line(u), None, "never drawn off a terminal");
    }
}
