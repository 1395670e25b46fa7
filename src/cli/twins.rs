//! The headless comparison: every twin on a thread of its own (the core is
//! single-threaded; twins share nothing), their windows merged back in a
//! fixed order for the CSV: window by window, twins in variant order.
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
use super::simulate::{EVENTS_PER_UPDATE, Update};
use crate::sim::trace::TraceConfig;
use crate::sim::{SimTime, Twin, Twins, Window};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{Sender, channel};
use std::time::{Duration, Instant};

/// Most windows a twin's thread may send ahead of what has been written.
pub const MAX_AHEAD: u64 = 4_096;

/// What a comparison produced.
pub struct CompareRun {
    /// One report per twin, in variant order.
    pub twins: Vec<TwinReport>,
    /// True when every twin saw the same users (arrival fingerprints and
    /// action counts equal).
    pub same_users: bool,
    /// Wall-clock time of the whole comparison.
    pub wall: Duration,
}

/// A message from a twin's thread.
enum Msg {
    Windows(usize, Vec<Window>),
    Progress(usize, Update),
    Done(usize),
}

/// What the threads share.
struct Shared {
    /// Set when the writer failed: every thread stops.
    stop: AtomicBool,
    /// Per twin: windows written so far (for [`MAX_AHEAD`]).
    written: Vec<AtomicU64>,
}

/// Runs the twins for `duration_s` of sim time, a thread each. With
/// `keep_windows`, every window goes to `on_windows(twin, windows)` in
/// (window, twin) order; otherwise windows are dropped as they close.
/// `on_update` hears how far the slowest twin got. Stops at the first
/// error `on_windows` returns.
pub fn simulate_twins<E>(
    mut twins: Twins,
    title: &str,
    duration_s: f64,
    keep_windows: bool,
    mut on_windows: impl FnMut(usize, &[Window]) -> Result<(), E>,
    mut on_update: impl FnMut(Update),
) -> Result<CompareRun, E> {
    let started = Instant::now();
    let end = SimTime::from_secs_f64(duration_s);
    let n = twins.len();
    // As for one run: nothing headless shows a journey.
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
                Msg::Done(k) => merge.done(k, &shared, &mut on_windows),
            };
            if outcome.is_err() {
                shared.stop.store(true, Ordering::Relaxed);
                return outcome;
            }
        }
        Ok(())
    });
    result?;
    let wall = started.elapsed();
    let same_users = twins.same_users();
    let reports = twins
        .twins_mut()
        .iter_mut()
        .map(|t| report(t, title, duration_s, wall))
        .collect();
    Ok(CompareRun {
        twins: reports,
        same_users,
        wall,
    })
}

/// One twin's thread: run in steps of [`EVENTS_PER_UPDATE`] events,
/// sending the closed windows and progress after each, then finish.
fn run_twin(
    k: usize,
    twin: &mut Twin,
    end: SimTime,
    keep_windows: bool,
    tx: &Sender<Msg>,
    shared: &Shared,
) {
    let mut sent = 0u64;
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
    if send(ws, &mut sent) {
        let _ = tx.send(Msg::Done(k));
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
fn report(t: &mut Twin, title: &str, duration_s: f64, wall: Duration) -> TwinReport {
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
            // The comparison prints no bottleneck section.
            measured: Default::default(),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::Settings;

    #[test]
    fn rows_come_window_by_window_twin_by_twin_and_match_the_twins() {
        let mut s = Settings::default();
        s.clients[0].rate_per_s = 200.0;
        let twins = Twins::compare(&s, &[]).expect("twins");
        let mut rows: Vec<(usize, f64)> = Vec::new();
        let mut actions = [0u64; 2];
        let run = simulate_twins(
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
        for (k, t) in run.twins.iter().enumerate() {
            assert_eq!(actions[k], t.run.ledgers.actions.issued);
            assert!(t.run.balance.is_ok());
        }
    }

    #[test]
    fn a_failing_writer_stops_every_twin() {
        let twins = Twins::compare(&Settings::default(), &[]).expect("twins");
        let mut calls = 0;
        let r = simulate_twins(
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
