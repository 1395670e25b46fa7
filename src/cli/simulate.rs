//! The headless run itself: a scene's `duration_s` of sim time, as fast as
//! the machine goes, streaming its windows out as they close.

use super::report::RunReport;
use crate::scenario::Scenario;
use crate::sim::capacity::{self, MeasureSum, Measured};
use crate::sim::trace::TraceConfig;
use crate::sim::{SimTime, System, Window};
use std::time::Instant;

/// Events simulated between two progress updates (and window drains):
/// whatever the load, the bar moves several times a second.
pub const EVENTS_PER_UPDATE: u64 = 250_000;

/// How far a run has got.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Update {
    /// Share of the sim span done, 0–1.
    pub fraction: f64,
    /// Sim time, s.
    pub t_s: f64,
    /// Events processed so far.
    pub events: u64,
}

/// Runs the scene for its `duration_s` in steps of at most
/// [`EVENTS_PER_UPDATE`] events. After each step the closed windows go to
/// `on_windows` (so none are kept for the whole run) and `on_update` hears
/// how far it got. The run ends with the partial last window, so the
/// windows add up to the ledgers. Stops at the first error `on_windows`
/// returns.
pub fn simulate<E>(
    s: Scenario,
    mut on_windows: impl FnMut(&[Window]) -> Result<(), E>,
    mut on_update: impl FnMut(Update),
) -> Result<(RunReport, System), E> {
    let title = s.title.clone();
    let seed = s.settings.seed;
    let duration_s = s.duration_s;
    let end = SimTime::from_secs_f64(duration_s);
    let started = Instant::now();
    let window_s = s.settings.window_s;
    let mut sys = System::new(s);
    // Nothing headless shows a journey: sampling traces would cost ~2% of
    // a run for nothing (results are the same either way; tested).
    sys.set_tracing(TraceConfig::OFF);
    let mut since_change = SinceChange::new(window_s);
    loop {
        let done = sys.run_for(end, EVENTS_PER_UPDATE);
        let ws = sys.drain_windows();
        since_change.add(&ws, capacity::last_change_s(sys.markers()));
        on_windows(&ws)?;
        let t_s = sys.now().as_secs_f64();
        on_update(Update {
            fraction: if duration_s > 0.0 {
                t_s / duration_s
            } else {
                1.0
            },
            t_s,
            events: sys.events(),
        });
        if done {
            break;
        }
    }
    sys.finish();
    let ws = sys.drain_windows();
    since_change.add(&ws, capacity::last_change_s(sys.markers()));
    on_windows(&ws)?;
    let wall = started.elapsed();
    let report = RunReport {
        title,
        seed,
        duration_s,
        summary: sys.summary(),
        ledgers: sys.ledgers(),
        balance: sys.check_ledgers(),
        events: sys.events(),
        wall,
        measured: since_change.measured(),
    };
    Ok((report, sys))
}

/// The run's windows since its settings last changed, measured as the
/// app's bottleneck strip measures its span (the same sums, the same rule
/// for a change), so `run`'s bottleneck describes the settings at the end.
struct SinceChange {
    window_s: f64,
    sum: MeasureSum,
    /// Start of the sum's first window, s.
    from_s: f64,
    /// End of the last window seen, s (`None` before the first).
    prev_end_s: Option<f64>,
    /// The newest window: measured alone when the settings changed during
    /// it (as the strip does just after a change).
    last: Option<Window>,
}

impl SinceChange {
    fn new(window_s: f64) -> SinceChange {
        SinceChange {
            window_s,
            sum: MeasureSum::default(),
            from_s: 0.0,
            prev_end_s: None,
            last: None,
        }
    }

    /// Adds closed windows (oldest first); `changed_s` is when the
    /// settings last changed (−∞: never).
    fn add(&mut self, windows: &[Window], changed_s: f64) {
        for w in windows {
            let start_s = self.prev_end_s.unwrap_or((w.t_s - self.window_s).max(0.0));
            self.prev_end_s = Some(w.t_s);
            if self.sum.windows() > 0 && self.from_s < changed_s - 1e-9 {
                self.sum.clear();
            }
            if start_s >= changed_s - 1e-9 {
                if self.sum.windows() == 0 {
                    self.from_s = start_s;
                }
                self.sum.add(w, self.window_s);
            }
            self.last = Some(w.clone());
        }
    }

    fn measured(&self) -> Measured {
        match &self.last {
            Some(w) if self.sum.windows() == 0 => {
                Measured::from_windows(std::slice::from_ref(w), self.window_s)
            }
            _ => self.sum.measured(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn updates_come_every_few_hundred_thousand_events_whatever_the_load() {
        // A load far beyond what runs in real time: a million actions/s.
        let mut s = Scenario {
            duration_s: 1.0,
            ..Scenario::default()
        };
        s.settings.clients[0].rate_per_s = 1e6;
        s.settings.server.workers_per_instance = 100_000;
        let mut last = 0;
        let mut updates = 0;
        let (report, _) = simulate(
            s,
            |_| Ok::<(), ()>(()),
            |u| {
                assert!(
                    u.events - last <= EVENTS_PER_UPDATE + 1_000,
                    "{} events between updates",
                    u.events - last
                );
                last = u.events;
                updates += 1;
            },
        )
        .expect("no sink errors");
        assert!(report.events > 5 * EVENTS_PER_UPDATE);
        assert!(updates as u64 >= report.events / EVENTS_PER_UPDATE);
    }

    #[test]
    fn windows_stream_out_and_end_with_the_partial_one() {
        let s = Scenario {
            duration_s: 61.7,
            ..Scenario::default()
        };
        let mut windows = Vec::new();
        let (report, sys) = simulate(
            s,
            |ws| {
                windows.extend_from_slice(ws);
                Ok::<(), ()>(())
            },
            |_| {},
        )
        .expect("no sink errors");
        assert_eq!(windows.len(), 62);
        assert!(windows[..61].iter().all(|w| !w.partial));
        let last = windows.last().expect("windows");
        assert!(last.partial && (last.t_s - 61.7).abs() < 1e-9);
        let actions: u64 = windows.iter().map(|w| w.actions).sum();
        assert_eq!(actions, report.ledgers.actions.issued);
        assert!(sys.windows().is_empty(), "nothing kept once streamed");
    }
}
