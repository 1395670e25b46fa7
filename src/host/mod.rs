//! The live host: owns the running [`System`](crate::sim::System) on a
//! background thread and paces it against the wall clock, so the UI thread
//! only draws and sends commands.
//!
//! ```text
//!  UI ──Command──▶ mpsc ──▶ HostCore::handle ──▶ Document: file, edited, run
//!                                │                base, recording of live changes
//!                                ▼                (revision += 1 on every edit)
//!  Clock ──wall elapsed──▶ HostCore::tick ──▶ Pace: wall × speed, CPU budget,
//!                                │             lag ──▶ System::run_until
//!                                ▼
//!  UI ◀── Arc<Mutex<Snapshot>> ◀── publish ◀── HostCore::snapshot
//!         then request_repaint()        live settings, edited scene, recording:
//!                                       shared Arcs, rebuilt only when their
//!                                       revision moved
//! ```
//!
//! - `clock`: where wall time comes from ([`WallClock`], or a [`FakeClock`]
//!   moved by hand in tests);
//! - `command`: what the UI asks ([`Command`], [`Speed`]);
//! - `pacing`: wall time × speed → how far the sim may run, within a CPU
//!   budget, measuring lag;
//! - `cues`: the scene's directions for the clock (slow stretches,
//!   pauses) as turns the pacing stops at;
//! - `caption`: the caption line's text (captions true of the run now;
//!   comparing, marked with the twins they hold for), and a mode switch
//!   of the presenter's that comes a moment after the script's;
//! - `document`: the scene as loaded, as edited, and this run's recording,
//!   with a revision counter;
//! - `story`: the scene's scripted events as the Timeline panel edits
//!   them ([`ScriptedEvent`], [`TimelineEdit`] and its inverse);
//! - `core`: [`HostCore`], commands in, ticks, snapshots out, no thread;
//!   `Command::Seek` replays the run's recording from t = 0 within each
//!   tick's budget ([`SeekProgress`]);
//! - `snapshot`: [`Snapshot`], what the UI reads, with a [`RunSnapshot`]
//!   per run (one solo, one per twin comparing);
//! - here: the [`Host`] handle, driven by its own thread or by hand.
//!
//! The host runs [`Twins`](crate::sim::Twins): one solo run, or a scene's
//! twins side by side on one sim clock (`Command::SetCompare`), taking
//! turns within a tick's budget (or on a thread each, with more than two
//! cores). The sim clock is always the runs'
//! virtual time; wall time only decides how far to advance it. Splitting `run_until` into ticks of any size gives
//! the same windows as one headless run (tested in `tests/integration/host.rs`).

mod caption;
mod clock;
mod command;
mod core;
mod cues;
mod document;
mod pacing;
mod snapshot;
mod story;

pub use self::core::{ANSWERED_IN_FLIGHT, HostCore, MAX_PENDING_WINDOWS};
pub use crate::sim::Target;
pub use caption::TOGETHER;
pub use clock::{Clock, FakeClock, WallClock};
pub use command::{Command, SPEEDS, Speed, StepKind};
pub use pacing::{Budget, EVENTS_PER_CHECK, TICK_BUDGET};
pub use snapshot::{RunSnapshot, SeekProgress, Snapshot};
pub use story::{ScriptedEvent, TimelineEdit, events as scripted_events};

use crate::scenario::Scenario;
use crate::sim::Window;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, Sender, TryRecvError, channel};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

/// Time between host ticks (about one display frame).
pub const TICK: Duration = Duration::from_millis(16);

/// Something to call after each publish (the UI's `request_repaint`).
pub type Notify = Box<dyn Fn() + Send + 'static>;

enum Driver {
    /// A tokio runtime on its own thread ticks the core.
    Thread {
        stop: Arc<AtomicBool>,
        join: Option<std::thread::JoinHandle<()>>,
    },
    /// The thread ended by itself (a panic, or anything else that was not
    /// `Host`'s own stop): what it said.
    Stopped(String),
    /// Tests: `pump` ticks the core on the caller's thread.
    Manual {
        core: Box<HostCore>,
        rx: Receiver<Command>,
        clock: Box<dyn Clock>,
    },
}

/// Ends a host thread from outside its owner, at its next tick, without
/// a panic: the owner then sees the host as stopped
/// ([`Host::stopped`]), as it would after a crash, and the app offers
/// to restart from the edited scene. For a supervisor that must end a
/// run (and the tests of the app's answer to a host that ends).
#[derive(Clone)]
pub struct HostStop(Arc<AtomicBool>);

impl HostStop {
    /// Asks the thread to end at its next tick.
    pub fn stop(&self) {
        self.0.store(true, Ordering::Relaxed);
    }
}

/// The UI's handle on the host.
pub struct Host {
    tx: Sender<Command>,
    shared: Arc<Mutex<Snapshot>>,
    driver: Driver,
}

fn lock(m: &Mutex<Snapshot>) -> MutexGuard<'_, Snapshot> {
    // A panic while holding the lock leaves a usable snapshot (plain data).
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl Host {
    /// Starts the host thread on `scenario`, playing at 1×.
    pub fn spawn(
        scenario: Scenario,
        clock: Box<dyn Clock>,
        notify: Notify,
    ) -> anyhow::Result<Host> {
        Host::spawn_core(HostCore::new(scenario, Some(Budget::wall())), clock, notify)
    }

    /// Starts the host thread on a prepared core (e.g. one told how to run
    /// its twins, [`HostCore::set_threads`]).
    pub fn spawn_core(
        mut core: HostCore,
        clock: Box<dyn Clock>,
        notify: Notify,
    ) -> anyhow::Result<Host> {
        let shared = Arc::new(Mutex::new(core.snapshot()));
        let (tx, rx) = channel();
        let stop = Arc::new(AtomicBool::new(false));
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()?;
        let thread_shared = shared.clone();
        let thread_stop = stop.clone();
        let join = std::thread::Builder::new()
            .name("asynclab-host".into())
            .spawn(move || {
                runtime.block_on(async move {
                    let mut interval = tokio::time::interval(TICK);
                    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
                    loop {
                        interval.tick().await;
                        if thread_stop.load(Ordering::Relaxed) {
                            break;
                        }
                        if !drain_commands(&mut core, &rx, clock.as_ref()) {
                            break;
                        }
                        core.tick(clock.elapsed());
                        publish(&mut core, &thread_shared);
                        notify();
                    }
                });
            })?;
        Ok(Host {
            tx,
            shared,
            driver: Driver::Thread {
                stop,
                join: Some(join),
            },
        })
    }

    /// A host without a thread: [`Host::pump`] ticks it with `clock`.
    pub fn manual(scenario: Scenario, clock: Box<dyn Clock>) -> Host {
        Host::manual_core(HostCore::new(scenario, None), clock)
    }

    /// A host without a thread on a prepared core (a test's budgeted one).
    pub fn manual_core(mut core: HostCore, clock: Box<dyn Clock>) -> Host {
        let shared = Arc::new(Mutex::new(core.snapshot()));
        let (tx, rx) = channel();
        Host {
            tx,
            shared,
            driver: Driver::Manual {
                core: Box::new(core),
                rx,
                clock,
            },
        }
    }

    /// A handle that ends the host thread from elsewhere (`None` for a
    /// manual host, which has no thread).
    pub fn stop_handle(&self) -> Option<HostStop> {
        match &self.driver {
            Driver::Thread { stop, .. } => Some(HostStop(stop.clone())),
            _ => None,
        }
    }

    /// Sends a command (ignored if the host thread has ended).
    pub fn send(&self, cmd: Command) {
        let _ = self.tx.send(cmd);
    }

    /// Manual hosts: handle commands, tick, publish. Threaded: nothing.
    pub fn pump(&mut self) {
        if let Driver::Manual { core, rx, clock } = &mut self.driver {
            drain_commands(core, rx, clock.as_ref());
            core.tick(clock.elapsed());
            publish(core, &self.shared);
        }
    }

    /// Why the host thread ended, if it ended by itself (a panic, or a
    /// [`HostStop`]): the
    /// last published snapshot stays readable, but nothing runs any more
    /// and commands go nowhere. `None` while it runs (and for manual
    /// hosts, which run on the caller's thread).
    pub fn stopped(&mut self) -> Option<&str> {
        if let Driver::Thread { join, .. } = &mut self.driver
            && join.as_ref().is_some_and(|j| j.is_finished())
        {
            let why = match join.take().map(|j| j.join()) {
                Some(Err(panic)) => panic_message(panic.as_ref()),
                _ => "the simulation thread ended (without an error)".to_string(),
            };
            self.driver = Driver::Stopped(why);
        }
        match &self.driver {
            Driver::Stopped(why) => Some(why),
            _ => None,
        }
    }

    /// Locks the latest snapshot.
    pub fn snapshot(&self) -> MutexGuard<'_, Snapshot> {
        lock(&self.shared)
    }

    /// A copy of the latest snapshot that takes every run's new windows,
    /// under one lock so no window is lost between copying and clearing.
    /// The copy shares the snapshot's scene-sized parts (cheap `Arc`
    /// clones).
    pub fn take_snapshot(&self) -> Snapshot {
        let mut guard = lock(&self.shared);
        let windows: Vec<Vec<Window>> = guard
            .runs
            .iter_mut()
            .map(|r| std::mem::take(&mut r.new_windows))
            .collect();
        let mut snap = guard.clone();
        for (r, ws) in snap.runs.iter_mut().zip(windows) {
            r.new_windows = ws;
        }
        snap
    }
}

impl Drop for Host {
    fn drop(&mut self) {
        if let Driver::Thread { stop, join } = &mut self.driver {
            stop.store(true, Ordering::Relaxed);
            if let Some(j) = join.take() {
                let _ = j.join();
            }
        }
    }
}

/// A panic's message, as the user is shown it.
fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    let text = panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "no message".to_string());
    format!("the simulation thread stopped with an error: {text}")
}

/// Handles every queued command; false when the UI side has gone.
fn drain_commands(core: &mut HostCore, rx: &Receiver<Command>, clock: &dyn Clock) -> bool {
    loop {
        match rx.try_recv() {
            Ok(cmd) => core.handle(cmd, clock.elapsed()),
            Err(TryRecvError::Empty) => return true,
            Err(TryRecvError::Disconnected) => return false,
        }
    }
}

/// Replaces the shared snapshot with a fresh one, keeping windows the UI has
/// not drained yet (if they belong to the current run).
fn publish(core: &mut HostCore, shared: &Mutex<Snapshot>) {
    let mut guard = lock(shared);
    let mut pending: Vec<Vec<Window>> = guard
        .runs
        .iter_mut()
        .map(|r| std::mem::take(&mut r.new_windows))
        .collect();
    // Windows of an older run are meaningless to the UI.
    if guard.run_id != core.run_id() {
        pending.clear();
    }
    *guard = core.snapshot_keeping(pending);
}
