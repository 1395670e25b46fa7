//! The headless run, the one path of `asynclab run` (solo or `--compare`)
//! and of the hand-out: every run of [`Twins`] (one solo, or a scene's
//! twins) on a thread of its own (the core is single-threaded; twins share
//! nothing) for the scene's `duration_s` of sim time, as fast as the
//! machine goes, streaming the windows out as they close, merged back in a
//! fixed order: window by window, twins in variant order.
//!
//! ```text
//!  twin 0 thread ──Windows / Progress──┐
//!  twin 1 thread ──Windows / Progress──┼─▶ mpsc ─▶ this thread: per-twin queues
//!  twin k thread ──Windows / Progress──┘          ─▶ rows in (window, twin) order
//! ```
//!
//! A twin that runs ahead by more than [`MAX_AHEAD`] windows waits for the
//! others, so memory stays bounded however unequal their loads.

use super::report::{RunReport, TwinReport};
use crate::sim::capacity::{self, MeasureSum, Measured};
use crate::sim::trace::TraceConfig;
use crate::sim::{SimTime, Twin, Twins, Window};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{Sender, channel};
use std::time::{Duration, Instant};

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

/// Most windows a twin's thread may send ahead of what has been written.
pub const MAX_AHEAD: u64 = 4_096;

/// What a run produced.
pub struct Runs {
    /// One report per run, in variant order (one when solo).
    pub runs: Vec<TwinReport>,
    /// True when every twin saw the same users (arrival fingerprints and
    /// action counts equal); always true solo.
    pub same_users: bool,
    /// Wall-clock time of the whole run.
    pub wall: Duration,
}

/// A message from a twin's thread.
enum Msg {
    Windows(usize, Vec<Window>),
    Progress(usize, Update),
    /// The twin finished: what its windows since the last change measured.
    Done(usize, Measured),
}

/// What the threads share.
struct Shared {
    /// Set when the writer failed: every thread stops.
    stop: AtomicBool,
    /// Per twin: windows written so far (for [`MAX_AHEAD`]).
    written: Vec<AtomicU64>,
}

/// Runs `twins` (one solo run, [`Twins::solo`], or a scene's twins) for
/// `duration_s` of sim time, a thread each. With `keep_windows`, every
/// window goes to `on_windows(twin, windows)` in (window, twin) order;
/// otherwise windows are dropped as they close. `on_update` hears how far
/// the slowest twin got. Each run ends with its partial last window, so
/// the windows add up to the ledgers. Stops at the first error
/// `on_windows` returns.
pub fn simulate<E>(
    mut twins: Twins,
    title: &str,
    duration_s: f64,
    keep_windows: bool,
    mut on_windows: impl FnMut(usize, &[Window]) -> Result<(), E>,
    mut on_update: impl FnMut(Update),
) -> Result<Runs, E> {
    let started = Instant::now();
    let end = SimTime::from_secs_f64(duration_s);
    let n = twins.len();
    // Nothing headless shows a journey: sampling traces would cost ~2% of
    // a run for nothing (results are the same either way; tested).
    for t in twins.twins_mut() {
        t.system_mut().set_tracing(TraceConfig::OFF);
    }
    let shared = Shared {
        stop: AtomicBool::new(false),
        written: (0..n).map(|_| AtomicU64::new(0)).collect(),
    };
    let result = std::thread::scope(|scope| {
        let (tx, rx) = channel();
        for (k, twin) in twins.twins_mut().iter_mut().enumerate() {
            let (tx, shared) = (tx.clone(), &shared);
            scope.spawn(move || run_twin(k, twin, end, keep_windows, &tx, shared));
        }
        drop(tx);
        let mut merge = Merge::new(n);
        let mut latest = vec![None; n];
        let mut measured = vec![Measured::default(); n];
        for msg in &rx {
            let outcome = match msg {
                Msg::Windows(k, ws) => merge.push(k, ws, &shared, &mut on_windows),
                Msg::Progress(k, u) => {
                    latest[k] = Some(u);
                    if let Some(u) = slowest(&latest) {
                        on_update(u);
                    }
                    Ok(())
                }
                Msg::Done(k, m) => {
                    measured[k] = m;
                    merge.done(k, &shared, &mut on_windows)
                }
            };
            if let Err(e) = outcome {
                shared.stop.store(true, Ordering::Relaxed);
                return Err(e);
            }
        }
        Ok(measured)
    });
    let measured = result?;
    let wall = started.elapsed();
    let same_users = twins.same_users();
    let reports = twins
        .twins_mut()
        .iter_mut()
        .zip(measured)
        .map(|(t, m)| report(t, title, duration_s, wall, m))
        .collect();
    Ok(Runs {
        runs: reports,
        same_users,
        wall,
    })
}

/// One twin's thread: run in steps of [`EVENTS_PER_UPDATE`] events,
/// sending the closed windows and progress after each, then finish and
/// send what its windows since the last change measured.
fn run_twin(
    k: usize,
    twin: &mut Twin,
    end: SimTime,
    keep_windows: bool,
    tx: &Sender<Msg>,
    shared: &Shared,
) {
    let mut sent = 0u64;
    let mut since_change = SinceChange::new(twin.system().settings().window_s);
    let send = |ws: Vec<Window>, sent: &mut u64| {
        if keep_windows && !ws.is_empty() {
            *sent += ws.len() as u64;
            tx.send(Msg::Windows(k, ws)).is_ok()
        } else {
            true
        }
    };
    loop {
        if shared.stop.load(Ordering::Relaxed) {
            return;
        }
        let done = twin.run_for(end, EVENTS_PER_UPDATE);
        let ws = twin.system_mut().drain_windows();
        since_change.add(&ws, capacity::last_change_s(twin.system().markers()));
        if !send(ws, &mut sent) {
            return;
        }
        let t_s = twin.now().as_secs_f64();
        let end_s = end.as_secs_f64();
        let update = Update {
            fraction: if end_s > 0.0 { t_s / end_s } else { 1.0 },
            t_s,
            events: twin.system().events(),
        };
        if tx.send(Msg::Progress(k, update)).is_err() {
            return;
        }
        if done {
            break;
        }
        // Far ahead of what the writer took: wait for the other twins.
        while keep_windows
            && sent.saturating_sub(shared.written[k].load(Ordering::Relaxed)) > MAX_AHEAD
            && !shared.stop.load(Ordering::Relaxed)
        {
            std::thread::sleep(Duration::from_millis(1));
        }
    }
    twin.system_mut().finish();
    let ws = twin.system_mut().drain_windows();
    since_change.add(&ws, capacity::last_change_s(twin.system().markers()));
    if send(ws, &mut sent) {
        let _ = tx.send(Msg::Done(k, since_change.measured()));
    }
}

/// The slowest twin's progress, with the events of all twins.
fn slowest(latest: &[Option<Update>]) -> Option<Update> {
    let all: Option<Vec<Update>> = latest.iter().copied().collect();
    let all = all?;
    let min = all.iter().min_by(|a, b| a.t_s.total_cmp(&b.t_s))?;
    Some(Update {
        fraction: min.fraction,
        t_s: min.t_s,
        events: all.iter().map(|u| u.events).sum(),
    })
}

/// A twin's whole-run report, once its thread has finished.
fn report(
    t: &mut Twin,
    title: &str,
    duration_s: f64,
    wall: Duration,
    measured: Measured,
) -> TwinReport {
    let name = t.name().to_string();
    let sys = t.system_mut();
    TwinReport {
        name,
        settings: sys.settings().clone(),
        run: RunReport {
            title: title.to_string(),
            seed: sys.settings().seed,
            duration_s,
            summary: sys.summary(),
            ledgers: sys.ledgers(),
            balance: sys.check_ledgers(),
            events: sys.events(),
            wall,
            measured,
        },
    }
}

/// Windows waiting until every twin has closed the same one.
struct Merge {
    queues: Vec<std::collections::VecDeque<Window>>,
    done: Vec<bool>,
}

impl Merge {
    fn new(n: usize) -> Merge {
        Merge {
            queues: (0..n).map(|_| Default::default()).collect(),
            done: vec![false; n],
        }
    }

    /// Queues twin `k`'s windows and writes every complete row group.
    fn push<E>(
        &mut self,
        k: usize,
        ws: Vec<Window>,
        shared: &Shared,
        out: &mut impl FnMut(usize, &[Window]) -> Result<(), E>,
    ) -> Result<(), E> {
        self.queues[k].extend(ws);
        self.write(shared, out)
    }

    /// Twin `k` finished; once all have, anything left is written (twins
    /// close the same windows, so nothing should be).
    fn done<E>(
        &mut self,
        k: usize,
        shared: &Shared,
        out: &mut impl FnMut(usize, &[Window]) -> Result<(), E>,
    ) -> Result<(), E> {
        self.done[k] = true;
        self.write(shared, out)?;
        if self.done.iter().all(|d| *d) {
            for (k, q) in self.queues.iter_mut().enumerate() {
                let rest: Vec<Window> = q.drain(..).collect();
                out(k, &rest)?;
            }
        }
        Ok(())
    }

    /// Writes window i of every twin, twin by twin, while every twin has
    /// its window i.
    fn write<E>(
        &mut self,
        shared: &Shared,
        out: &mut impl FnMut(usize, &[Window]) -> Result<(), E>,
    ) -> Result<(), E> {
        while self.queues.iter().all(|q| !q.is_empty()) {
            for (k, q) in self.queues.iter_mut().enumerate() {
                if let Some(w) = q.pop_front() {
                    out(k, std::slice::from_ref(&w))?;
                    shared.written[k].fetch_add(1, Ordering::Relaxed);
                }
            }
        }
        Ok(())
    }
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
    use crate::scenario::Scenario;
    use crate::sim::Settings;

    /// One solo run of `s`, every window kept.
    fn solo(s: Scenario) -> (Runs, Vec<Window>) {
        let mut windows = Vec::new();
        let twins = Twins::solo(Settings::from(&s));
        let run = simulate(
            twins,
            &s.title,
            s.duration_s,
            true,
            |_, ws| {
                windows.extend_from_slice(ws);
                Ok::<(), ()>(())
            },
            |_| {},
        )
        .expect("no sink errors");
        (run, windows)
    }

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
        let run = simulate(
            Twins::solo(Settings::from(&s)),
            "t",
            s.duration_s,
            false,
            |_, _| Ok::<(), ()>(()),
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
        let events = run.runs[0].run.events;
        assert!(events > 5 * EVENTS_PER_UPDATE);
        assert!(updates as u64 >= events / EVENTS_PER_UPDATE);
    }

    #[test]
    fn windows_stream_out_and_end_with_the_partial_one() {
        let s = Scenario {
            duration_s: 61.7,
            ..Scenario::default()
        };
        let (run, windows) = solo(s);
        assert_eq!(windows.len(), 62);
        assert!(windows[..61].iter().all(|w| !w.partial));
        let last = windows.last().expect("windows");
        assert!(last.partial && (last.t_s - 61.7).abs() < 1e-9);
        let actions: u64 = windows.iter().map(|w| w.actions).sum();
        assert_eq!(actions, run.runs[0].run.ledgers.actions.issued);
        assert!(run.same_users);
    }

    #[test]
    fn rows_come_window_by_window_twin_by_twin_and_match_the_twins() {
        let mut s = Settings::default();
        s.clients[0].rate_per_s = 200.0;
        let twins = Twins::compare(&s, &[]).expect("twins");
        let mut rows: Vec<(usize, f64)> = Vec::new();
        let mut actions = [0u64; 2];
        let run = simulate(
            twins,
            "t",
            30.5,
            true,
            |k, ws| {
                for w in ws {
                    rows.push((k, w.t_s));
                    actions[k] += w.actions;
                }
                Ok::<(), ()>(())
            },
            |_| {},
        )
        .expect("no sink errors");
        assert_eq!(rows.len(), 2 * 31);
        for (i, pair) in rows.chunks(2).enumerate() {
            assert_eq!((pair[0].0, pair[1].0), (0, 1));
            assert_eq!(pair[0].1, pair[1].1, "window {i}");
        }
        assert!(run.same_users);
        for (k, t) in run.runs.iter().enumerate() {
            assert_eq!(actions[k], t.run.ledgers.actions.issued);
            assert!(t.run.balance.is_ok());
        }
    }

    #[test]
    fn a_failing_writer_stops_every_twin() {
        let twins = Twins::compare(&Settings::default(), &[]).expect("twins");
        let mut calls = 0;
        let r = simulate(
            twins,
            "t",
            3_600.0,
            true,
            |_, _| {
                calls += 1;
                if calls > 3 { Err("disk full") } else { Ok(()) }
            },
            |_| {},
        );
        assert_eq!(r.err(), Some("disk full"));
    }
}
