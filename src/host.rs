//! The live host: owns the running [`System`] on a background thread and
//! paces it against the wall clock, so the UI thread only draws and sends
//! commands.
//!
//! ```text
//!  UI ──Command──▶ mpsc ──▶ HostCore::handle ─┐
//!                                             ▼
//!  Clock (wall or fake) ──elapsed──▶ HostCore::tick ──▶ System::run_until
//!                                             │
//!  UI ◀── Arc<Mutex<Snapshot>> ◀── publish ───┘   then ctx.request_repaint()
//! ```
//!
//! The sim clock is always the System's virtual time; wall time only decides
//! how far to advance it. Splitting `run_until` into ticks of any size gives
//! the same windows as one headless run (tested in `tests/integration/app.rs`).

use crate::scenario::{Change, Scenario, Settings, TimelineEvent};
use crate::sim::{Gauges, Ledgers, Marker, SimTime, System, Window};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, Sender, TryRecvError, channel};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// Time between host ticks (about one display frame).
pub const TICK: Duration = Duration::from_millis(16);

/// CPU time the host may spend simulating per tick before it stops to handle
/// commands and publish; a slow sim never blocks the UI's commands.
pub const TICK_BUDGET: Duration = Duration::from_millis(12);

/// Slowest and fastest fixed speeds the UI offers.
pub const SPEEDS: [f64; 12] = [
    0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0, 200.0, 500.0, 1000.0,
];

/// Gives elapsed wall time since the host started. Injectable so tests can
/// drive the host without waiting in real time.
pub trait Clock: Send + 'static {
    /// Wall time since the clock's origin.
    fn elapsed(&self) -> Duration;
}

/// The real wall clock.
pub struct WallClock(Instant);

impl WallClock {
    /// A clock starting now.
    pub fn new() -> WallClock {
        WallClock(Instant::now())
    }
}

impl Default for WallClock {
    fn default() -> Self {
        WallClock::new()
    }
}

impl Clock for WallClock {
    fn elapsed(&self) -> Duration {
        self.0.elapsed()
    }
}

/// A clock tests move by hand. Clones share the same time.
#[derive(Clone, Default)]
pub struct FakeClock(Arc<AtomicU64>);

impl FakeClock {
    /// A clock at zero.
    pub fn new() -> FakeClock {
        FakeClock::default()
    }
    /// Moves the clock forward.
    pub fn advance(&self, by: Duration) {
        self.0.fetch_add(by.as_nanos() as u64, Ordering::SeqCst);
    }
}

impl Clock for FakeClock {
    fn elapsed(&self) -> Duration {
        Duration::from_nanos(self.0.load(Ordering::SeqCst))
    }
}

/// How fast sim time runs relative to wall time.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Speed {
    /// Sim seconds per wall second.
    Times(f64),
    /// As fast as the CPU allows.
    Max,
}

impl Speed {
    /// Label such as `10×` or `max`.
    pub fn label(self) -> String {
        match self {
            Speed::Times(x) => format!("{x}×"),
            Speed::Max => "max".to_string(),
        }
    }
    /// The next faster speed (`+` key).
    pub fn faster(self) -> Speed {
        match self {
            Speed::Times(x) => SPEEDS
                .iter()
                .find(|s| **s > x)
                .map_or(Speed::Max, |s| Speed::Times(*s)),
            Speed::Max => Speed::Max,
        }
    }
    /// The next slower speed (`−` key).
    pub fn slower(self) -> Speed {
        match self {
            Speed::Times(x) => Speed::Times(
                SPEEDS
                    .iter()
                    .rev()
                    .find(|s| **s < x)
                    .copied()
                    .unwrap_or(SPEEDS[0]),
            ),
            Speed::Max => Speed::Times(SPEEDS[SPEEDS.len() - 1]),
        }
    }
}

/// What a single step advances.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StepKind {
    /// One simulation event.
    Event,
    /// One metrics window.
    Window,
}

/// Commands from the UI.
#[derive(Clone, Debug)]
pub enum Command {
    /// Run.
    Play,
    /// Stop the clock.
    Pause,
    /// Play if paused, pause if playing.
    TogglePlay,
    /// Change the speed.
    SetSpeed(Speed),
    /// Advance a little while paused (pauses).
    Step(StepKind),
    /// Run as fast as possible to the next scripted event, then pause.
    JumpToNextScripted,
    /// Same scene and seed from time zero, keeping live tweaks.
    Restart,
    /// Back to the scene as loaded, discarding tweaks.
    ResetToFile,
    /// A live change (recorded for "Save Recording").
    Apply(Change),
    /// Replace the scene (from a file or the Scenes menu).
    LoadScenario(Box<Scenario>),
    /// The scene was saved: its edited settings are now the file's.
    MarkSaved,
}

/// What the UI sees; published by the host after every tick.
#[derive(Clone, Debug)]
pub struct Snapshot {
    /// Bumped whenever the run starts over (restart, reset, load): the UI
    /// then clears its plot history.
    pub run_id: u64,
    /// Windows closed since the UI last drained them.
    pub new_windows: Vec<Window>,
    /// Live levels.
    pub gauges: Gauges,
    /// Counts so far.
    pub totals: Option<Window>,
    /// Conservation ledgers.
    pub ledgers: Ledgers,
    /// Every marker of this run.
    pub markers: Vec<Marker>,
    /// Latest scripted caption and its sim time.
    pub caption: Option<(f64, String)>,
    /// Sim time now, s.
    pub now_s: f64,
    /// Events processed.
    pub events: u64,
    /// Running (not paused).
    pub playing: bool,
    /// Chosen speed.
    pub speed: Speed,
    /// When the sim cannot keep up: the speed it actually achieves.
    pub lagging_at: Option<f64>,
    /// The live settings (scripted and user changes applied).
    pub live: Settings,
    /// The scene as the user edited it (file + user tweaks, file timeline).
    pub edited: Scenario,
    /// True when `edited` differs from the file as loaded or last saved.
    pub dirty: bool,
    /// The run's start settings with every live change appended to its
    /// timeline: replays this run exactly.
    pub recording: Scenario,
    /// Last rejected change, for the status line.
    pub last_error: Option<String>,
    /// Time of the next scripted event, s.
    pub next_scripted_s: Option<f64>,
}

/// The host's logic without any thread: commands in, ticks, snapshots out.
pub struct HostCore {
    system: System,
    /// The scene as loaded or last saved.
    file: Scenario,
    /// File + user tweaks (what Save writes and Restart rebuilds from).
    edited: Scenario,
    /// What the current System was built from.
    run_base: Scenario,
    /// Live changes of this run with their sim time.
    recorded: Vec<TimelineEvent>,
    run_id: u64,
    playing: bool,
    speed: Speed,
    /// Wall time and sim time at the last re-anchoring of the pace.
    anchor_wall: Duration,
    anchor_sim: SimTime,
    /// Pending "run to here, then pause".
    jump_to: Option<SimTime>,
    /// Achieved speed (exponential moving average) while lagging.
    lagging_at: Option<f64>,
    last_wall: Duration,
    budget: Option<Duration>,
    published_windows: usize,
    last_error: Option<String>,
}

impl HostCore {
    /// A host on `scenario`, playing at 1×. `budget` caps the CPU time per
    /// tick (`None`: unbounded, used by deterministic tests).
    pub fn new(scenario: Scenario, budget: Option<Duration>) -> HostCore {
        HostCore {
            system: System::new(&scenario),
            file: scenario.clone(),
            edited: scenario.clone(),
            run_base: scenario,
            recorded: Vec::new(),
            run_id: 0,
            playing: true,
            speed: Speed::Times(1.0),
            anchor_wall: Duration::ZERO,
            anchor_sim: SimTime::ZERO,
            jump_to: None,
            lagging_at: None,
            last_wall: Duration::ZERO,
            budget,
            published_windows: 0,
            last_error: None,
        }
    }

    /// The running system.
    pub fn system(&self) -> &System {
        &self.system
    }

    /// Re-anchors the pace at wall time `wall` and the sim's now, so a change
    /// of speed or a pause never makes sim time jump.
    fn reanchor(&mut self, wall: Duration) {
        self.anchor_wall = wall;
        self.anchor_sim = self.system.now();
    }

    fn restart_with(&mut self, scenario: Scenario) {
        self.system = System::new(&scenario);
        self.run_base = scenario;
        self.recorded.clear();
        self.run_id += 1;
        self.published_windows = 0;
        self.jump_to = None;
        self.lagging_at = None;
        self.reanchor(self.last_wall);
    }

    /// Handles one command at wall time `wall`.
    pub fn handle(&mut self, cmd: Command, wall: Duration) {
        self.last_wall = self.last_wall.max(wall);
        match cmd {
            Command::Play => {
                self.playing = true;
                self.reanchor(wall);
            }
            Command::Pause => {
                self.playing = false;
                self.jump_to = None;
            }
            Command::TogglePlay => {
                let cmd = if self.playing {
                    Command::Pause
                } else {
                    Command::Play
                };
                self.handle(cmd, wall);
            }
            Command::SetSpeed(s) => {
                self.speed = s;
                self.lagging_at = None;
                self.reanchor(wall);
            }
            Command::Step(kind) => {
                self.playing = false;
                self.jump_to = None;
                match kind {
                    StepKind::Event => {
                        self.system.step();
                    }
                    StepKind::Window => {
                        let w = SimTime::from_secs_f64(self.system.settings().window_s);
                        let t = SimTime(self.system.now().0.saturating_add(w.0));
                        self.system.run_until(t);
                    }
                }
            }
            Command::JumpToNextScripted => {
                self.jump_to = self.system.next_scripted();
            }
            Command::Restart => self.restart_with(self.edited.clone()),
            Command::ResetToFile => {
                self.edited = self.file.clone();
                self.restart_with(self.file.clone());
            }
            Command::Apply(change) => match self.system.apply(change.clone()) {
                Ok(()) => {
                    self.last_error = None;
                    if let Err(e) = change.apply_to(&mut self.edited.settings) {
                        self.last_error = Some(e.to_string());
                    }
                    self.recorded.push(TimelineEvent {
                        at_s: self.system.now().as_secs_f64(),
                        change,
                    });
                }
                Err(e) => self.last_error = Some(e.to_string()),
            },
            Command::LoadScenario(s) => {
                self.file = (*s).clone();
                self.edited = *s;
                self.restart_with(self.file.clone());
                self.playing = true;
            }
            Command::MarkSaved => self.file = self.edited.clone(),
        }
    }

    /// Advances the sim towards (wall elapsed × speed), within the budget.
    pub fn tick(&mut self, wall: Duration) {
        let wall = wall.max(self.last_wall);
        let wall_dt = wall.saturating_sub(self.last_wall).as_secs_f64();
        self.last_wall = wall;
        let started = Instant::now();
        let before = self.system.now();
        if let Some(goal) = self.jump_to {
            self.run_budgeted(goal, started);
            if self.system.now() >= goal {
                self.jump_to = None;
                self.playing = false;
                self.reanchor(wall);
            }
            return;
        }
        if !self.playing {
            return;
        }
        let target = match self.speed {
            Speed::Times(x) => {
                let ahead = wall.saturating_sub(self.anchor_wall).as_secs_f64() * x;
                SimTime(
                    self.anchor_sim
                        .0
                        .saturating_add(SimTime::from_secs_f64(ahead).0),
                )
            }
            Speed::Max => SimTime::MAX,
        };
        self.run_budgeted(target, started);
        let now = self.system.now();
        if now < target {
            // Could not keep up: measure the speed actually achieved and
            // drop the debt, so the run never tries to "catch up" later.
            let achieved = if wall_dt > 0.0 {
                now.saturating_sub(before).as_secs_f64() / wall_dt
            } else {
                0.0
            };
            let smoothed = match self.lagging_at {
                Some(prev) => 0.9 * prev + 0.1 * achieved,
                None => achieved,
            };
            self.lagging_at = Some(smoothed);
            self.reanchor(wall);
        } else {
            self.lagging_at = None;
        }
    }

    /// Runs towards `goal` in slices, stopping when the budget is spent.
    fn run_budgeted(&mut self, goal: SimTime, started: Instant) {
        let Some(budget) = self.budget else {
            if goal == SimTime::MAX {
                // Unbounded budget at max speed: one window per tick keeps
                // tests finite.
                let w = SimTime::from_secs_f64(self.system.settings().window_s);
                let t = SimTime(self.system.now().0.saturating_add(w.0));
                self.system.run_until(t);
            } else {
                self.system.run_until(goal);
            }
            return;
        };
        // Slices of a tenth of a window keep each check of the budget cheap
        // while bounding how far past the budget one slice can run.
        let slice = SimTime::from_secs_f64(self.system.settings().window_s / 10.0)
            .0
            .max(1_000_000);
        while self.system.now() < goal && started.elapsed() < budget {
            let next = SimTime(self.system.now().0.saturating_add(slice)).min(goal);
            self.system.run_until(next);
        }
    }

    /// The snapshot for the UI, moving closed windows not yet published
    /// into `new_windows`.
    pub fn snapshot(&mut self, keep_windows: Vec<Window>) -> Snapshot {
        let mut new_windows = keep_windows;
        let all = self.system.windows();
        if self.published_windows < all.len() {
            new_windows.extend_from_slice(&all[self.published_windows..]);
            self.published_windows = all.len();
        }
        let markers = self.system.markers().to_vec();
        let caption = markers.iter().rev().find_map(|m| match &m.change {
            Change::Caption(text) => Some((m.t_s, text.clone())),
            _ => None,
        });
        let mut recording = self.run_base.clone();
        recording
            .settings
            .timeline
            .extend(self.recorded.iter().cloned());
        recording
            .settings
            .timeline
            .sort_by(|a, b| a.at_s.total_cmp(&b.at_s));
        Snapshot {
            run_id: self.run_id,
            new_windows,
            gauges: self.system.gauges(),
            totals: Some(self.system.totals()),
            ledgers: self.system.ledgers(),
            markers,
            caption,
            now_s: self.system.now().as_secs_f64(),
            events: self.system.events(),
            playing: self.playing || self.jump_to.is_some(),
            speed: self.speed,
            lagging_at: self.lagging_at,
            live: self.system.settings().clone(),
            edited: self.edited.clone(),
            dirty: self.edited != self.file,
            recording,
            last_error: self.last_error.clone(),
            next_scripted_s: self.system.next_scripted().map(|t| t.as_secs_f64()),
        }
    }
}

/// Something to call after each publish (the UI's `request_repaint`).
pub type Notify = Box<dyn Fn() + Send + 'static>;

enum Driver {
    /// A tokio runtime on its own thread ticks the core.
    Thread {
        stop: Arc<AtomicBool>,
        join: Option<std::thread::JoinHandle<()>>,
    },
    /// Tests: `pump` ticks the core on the caller's thread.
    Manual {
        core: Box<HostCore>,
        rx: Receiver<Command>,
        clock: Box<dyn Clock>,
    },
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
        let mut core = HostCore::new(scenario, Some(TICK_BUDGET));
        let shared = Arc::new(Mutex::new(core.snapshot(Vec::new())));
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
        let mut core = HostCore::new(scenario, None);
        let shared = Arc::new(Mutex::new(core.snapshot(Vec::new())));
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

    /// Locks the latest snapshot.
    pub fn snapshot(&self) -> MutexGuard<'_, Snapshot> {
        lock(&self.shared)
    }

    /// A copy of the latest snapshot that takes its new windows, under one
    /// lock so no window is lost between copying and clearing.
    pub fn take_snapshot(&self) -> Snapshot {
        let mut guard = lock(&self.shared);
        let windows = std::mem::take(&mut guard.new_windows);
        let mut snap = guard.clone();
        snap.new_windows = windows;
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

fn publish(core: &mut HostCore, shared: &Mutex<Snapshot>) {
    let mut guard = lock(shared);
    let pending = std::mem::take(&mut guard.new_windows);
    // Windows of an older run are meaningless to the UI.
    let pending = if guard.run_id == core.run_id {
        pending
    } else {
        Vec::new()
    };
    *guard = core.snapshot(pending);
}
