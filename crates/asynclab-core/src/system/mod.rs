//! The simulated system: browsers → server → (database | queue → workers →
//! database), with every event of MODEL.md and both conservation ledgers.
//!
//! One `System` is one run. Drive it with [`System::run_until`]; change it
//! with [`System::apply`]; read it with [`System::windows`],
//! [`System::summary`], [`System::ledgers`] and [`System::gauges`].
//!
//! The code follows a request's path, one file per stage:
//!
//! ```text
//!  events      what travels (requests, answers) and the event kinds
//!  arrivals    each client's Poisson arrivals (thinning against the shape)
//!  browser     users: clicks, answers, errors, clicks again
//!  patience    when each waiting user gives up
//!  server      accept backlog, workers, CPU, the async enqueue
//!  steps       a request's steps, the acknowledgement point, threads or
//!              non-blocking server
//!  calls       dependencies: slots, latency, failures, rate limits
//!  database    connections, writes and reads, failures, outages, commits
//!  workers     queue workers: dispatch, retries with backoff, dead letters
//!  polling     browsers polling for their job's status
//!  changes     scripted and live changes to the settings
//!  accounting  windows, the run summary, the capacity meter, gauges
//!  tracing     sampled actions' spans (one request's journey)
//! ```

mod accounting;
mod arrivals;
mod browser;
mod calls;
mod changes;
mod database;
mod events;
mod patience;
mod polling;
mod server;
mod steps;
mod tracing;
mod workers;

pub use accounting::{Gauges, Holdings};
pub use changes::CAPTION_TIE_S;

use super::config::{Change, OutageKind, Settings};
use super::dist::Sampler;
use super::lanes::{LanePolicy, Lanes};
use super::metrics::{Ledgers, Recorder, Window};
use super::rng::{SimRng, stream};
use super::scheduler::Scheduler;
use super::slab::Slab;
use super::station::{Fifo, Station};
use super::stats::{BusyMeter, TimeWeighted};
use super::time::SimTime;
use super::trace::Tracer;
use super::traffic;
use browser::Action;
use events::{DbOp, Ev, Req};
use patience::Patience;
use polling::Polling;
use steps::Plan;

/// A change that took effect, for a marker on the plots. The words for it
/// are made outside the core (the app crate's `words::change`).
#[derive(Clone, Debug, PartialEq)]
pub struct Marker {
    /// When, seconds of sim time.
    pub t_s: f64,
    /// What changed.
    pub change: Change,
    /// The scene's script switched the mode here, but this run is a twin
    /// whose mode is held: nothing changed (the marker shows where the
    /// scene would have switched).
    pub held: bool,
    /// The scene's script would have changed a setting the presenter had
    /// already set by hand in this run: skipped, nothing changed (the
    /// marker is the cue: "script: switch to ASYNC now"). A caption is
    /// skipped with such a change, or when it describes a mode (`mode`)
    /// that no endpoint is in.
    pub skipped: bool,
    /// For a caption: the mode it describes (see
    /// [`TimelineEvent::mode`](super::config::TimelineEvent::mode)).
    pub mode: Option<super::config::Mode>,
}

impl Marker {
    /// What kind of marker this is.
    pub fn kind(&self) -> MarkerKind {
        match self.change {
            Change::SetMode { .. } => MarkerKind::Mode,
            Change::Caption(_) => MarkerKind::Caption,
            Change::OutageStart(_)
            | Change::OutageEnd
            | Change::DependencyOutage { .. }
            | Change::DependencyOutageEnd { .. } => MarkerKind::Outage,
            Change::Set { .. } | Change::SetScheduling(_) | Change::SetRetry(_) => {
                MarkerKind::Change
            }
        }
    }
}

/// Kinds of plot markers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MarkerKind {
    /// A mode switched.
    Mode,
    /// A scripted caption.
    Caption,
    /// An outage started or ended.
    Outage,
    /// Any other change.
    Change,
}

/// Per-purpose random streams (see [`crate::rng`]).
struct Rngs {
    arrivals: Vec<SimRng>,
    endpoint: Vec<SimRng>,
    net: SimRng,
    cpu: SimRng,
    db: SimRng,
    db_fail: SimRng,
    user: SimRng,
    think: SimRng,
    enqueue: SimRng,
    backoff: SimRng,
    /// Dependencies' latencies and failures, cache hits.
    dep: SimRng,
    dep_fail: SimRng,
    cache: SimRng,
    /// Per client: how many arrivals a shed tick counts.
    shed: Vec<SimRng>,
}

impl Rngs {
    fn new(seed: u64, clients: usize) -> Rngs {
        Rngs {
            arrivals: (0..clients as u64)
                .map(|i| stream(seed, "arrivals", i))
                .collect(),
            endpoint: (0..clients as u64)
                .map(|i| stream(seed, "endpoint", i))
                .collect(),
            net: stream(seed, "network", 0),
            cpu: stream(seed, "cpu", 0),
            db: stream(seed, "db", 0),
            db_fail: stream(seed, "db-fail", 0),
            user: stream(seed, "user", 0),
            think: stream(seed, "think", 0),
            enqueue: stream(seed, "enqueue", 0),
            backoff: stream(seed, "backoff", 0),
            dep: stream(seed, "dependency", 0),
            dep_fail: stream(seed, "dependency-fail", 0),
            cache: stream(seed, "cache", 0),
            shed: (0..clients as u64)
                .map(|i| stream(seed, "shed", i))
                .collect(),
        }
    }
}

/// Ready-to-draw distributions of the settings.
struct Samplers {
    net: Sampler,
    think: Sampler,
    poll_cpu: Sampler,
    enqueue: Sampler,
}

impl Samplers {
    fn new(s: &Settings) -> Samplers {
        Samplers {
            net: s.network.latency.sampler(),
            think: s.browser.think_time.sampler(),
            poll_cpu: s.server.poll_cpu.sampler(),
            enqueue: s.queue.enqueue.sampler(),
        }
    }
}

/// Each client's arrival process: which pending candidate is current and
/// the rate bound it was drawn with.
struct ArrivalState {
    generation: Vec<u32>,
    /// Base rate each client's pending arrival was drawn for (a change
    /// restarts that client's arrivals, and only that client's).
    rate: Vec<f64>,
    /// Rate bound (actions/s) the pending candidate of each client was
    /// drawn with: the thinning acceptance test divides by it.
    bound: Vec<f64>,
    /// Cumulative endpoint shares, for picking an action's endpoint.
    endpoint_cum: Vec<f64>,
    /// Each client's place in its traffic shape (see [`traffic::Cursor`]).
    cursor: Vec<traffic::Cursor>,
}

/// Sync requests at the database, each holding its server worker.
#[derive(Default)]
struct SyncDb {
    waiting: u64,
    writing: u64,
    waiting_tw: TimeWeighted,
    writing_tw: TimeWeighted,
}

/// Queue workers and the broker's lanes.
struct QueueWorkers {
    lanes: Lanes,
    policies: Vec<LanePolicy>,
    busy: u32,
    busy_meter: BusyMeter,
    /// The scheduled wake-up for a rate-limited lane, if any.
    wake_at: Option<SimTime>,
}

/// Where a scripted change comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Script {
    /// The scene's timeline (shared by all twins).
    Scene,
    /// A twin's own timeline (its variant's): applies in full.
    Own,
}

/// One simulation run.
pub struct System {
    cfg: Settings,
    /// Scripted changes, sorted by time (stable: the scene's before a
    /// twin's own, then file order within a time).
    timeline: Vec<(SimTime, Change, Script, Option<super::config::Mode>)>,
    /// Index of the next scripted change to apply.
    next_change: usize,
    /// Settings changed by hand in this run (live changes, and a twin's
    /// own timeline, which is a choice made for that twin): the scene's
    /// script never overrides them (see [`Marker::skipped`]).
    hand: Vec<Change>,
    /// When the script last skipped a change set by hand, s.
    skipped_at: Option<f64>,
    /// A twin holds its mode: the scene's scripted mode switches leave a
    /// marker and change nothing.
    hold_mode: bool,
    /// Fingerprint of every user action's first click (time, client,
    /// endpoint), in order.
    arrivals_digest: u64,
    sched: Scheduler<Ev>,
    rng: Rngs,
    smp: Samplers,
    /// Each endpoint's steps, ready to run.
    plans: Vec<Plan>,
    arrivals: ArrivalState,
    /// Server workers: held by a request from admission to answer on a
    /// threads server; taken for Cpu steps and enqueues on a non-blocking
    /// one.
    server: Station<Req>,
    /// Non-blocking server: in-flight slots (its accept backlog waits
    /// here). Unused on a threads server.
    in_flight: Station<Req>,
    /// Dependencies, in the scene's order.
    deps: Vec<calls::DepRt>,
    /// Server workers busy with status polls (their share of the server).
    poll_busy: u32,
    poll_tw: TimeWeighted,
    db: Station<DbOp>,
    /// Sync requests (each holding a server worker) waiting for a DB
    /// connection, and writing, over time.
    sync_db: SyncDb,
    outage: Option<OutageKind>,
    queue: QueueWorkers,
    actions: Slab<Action>,
    patience: Patience,
    polling: Polling,
    ledgers: Ledgers,
    rec: Recorder,
    meter: accounting::Meter,
    markers: Vec<Marker>,
    events: u64,
    write_attempts: u64,
    window: SimTime,
    tracer: Tracer,
}

impl System {
    /// A run of `settings` at time zero. The settings should be valid
    /// (the scene format validates them); out-of-range values are clamped
    /// rather than trusted.
    pub fn new(settings: impl Into<Settings>) -> System {
        System::build(settings.into(), &[], false)
    }

    /// A twin's run: `settings` (the scene with the twin's variant applied)
    /// whose scripted mode switches are held (they leave a marker, the mode
    /// stays), plus the twin's `own` timeline, applied in full after the
    /// scene's events at the same time. See [`crate::twins`].
    pub fn new_twin(settings: Settings, own: &[super::config::TimelineEvent]) -> System {
        System::build(settings, own, true)
    }

    fn build(cfg: Settings, own: &[super::config::TimelineEvent], hold_mode: bool) -> System {
        let nc = cfg.clients.len();
        let ne = cfg.endpoints.len();
        let window = SimTime::from_secs_f64(cfg.window_s).max(SimTime::from_millis_f64(10.0));
        let span = (cfg.percentile_window_s / cfg.window_s)
            .round()
            .clamp(1.0, 3_600.0) as usize;
        let scripted = |events: &[super::config::TimelineEvent], from| {
            events
                .iter()
                .map(move |e| {
                    (
                        SimTime::from_secs_f64(e.at_s),
                        e.change.clone(),
                        from,
                        e.mode,
                    )
                })
                .collect::<Vec<_>>()
        };
        let mut timeline = scripted(&cfg.timeline, Script::Scene);
        timeline.extend(scripted(own, Script::Own));
        // Stable: at equal times the scene's events come first, as a live
        // change comes after the script (the host runs to T, then applies).
        timeline.sort_by_key(|(t, _, _, _)| *t);
        let policies = workers::policies(&cfg);
        let mut s = System {
            smp: Samplers::new(&cfg),
            queue: QueueWorkers {
                lanes: Lanes::new(nc, &policies),
                policies,
                busy: 0,
                busy_meter: BusyMeter::default(),
                wake_at: None,
            },
            server: Station::new(cfg.server_workers(), Fifo::default()),
            in_flight: Station::new(cfg.in_flight_capacity().unwrap_or(0), Fifo::default()),
            deps: Vec::new(),
            plans: Vec::new(),
            db: Station::new(cfg.database.connections, Fifo::default()),
            arrivals: ArrivalState {
                generation: vec![0; nc],
                rate: vec![f64::NAN; nc],
                bound: vec![0.0; nc],
                endpoint_cum: Vec::new(),
                cursor: vec![traffic::Cursor::default(); nc],
            },
            rec: Recorder::new(nc, ne, cfg.dependencies.len(), span),
            rng: Rngs::new(cfg.seed, nc),
            cfg,
            timeline,
            next_change: 0,
            hand: Vec::new(),
            skipped_at: None,
            hold_mode,
            arrivals_digest: 0,
            sched: Scheduler::new(),
            poll_busy: 0,
            poll_tw: TimeWeighted::default(),
            outage: None,
            sync_db: SyncDb::default(),
            actions: Slab::default(),
            patience: Patience::default(),
            polling: Polling::default(),
            ledgers: Ledgers::default(),
            meter: accounting::Meter::default(),
            markers: Vec::new(),
            events: 0,
            write_attempts: 0,
            window,
            tracer: Tracer::default(),
        };
        s.refresh_derived();
        for c in 0..nc {
            s.restart_arrivals(c);
        }
        s.sched.schedule_at(window, Ev::WindowEnd);
        s
    }

    // ----- reading ---------------------------------------------------------

    /// The live settings (with every change applied so far).
    pub fn settings(&self) -> &Settings {
        &self.cfg
    }
    /// Current sim time.
    pub fn now(&self) -> SimTime {
        self.sched.now()
    }
    /// Scheduled events plus queued patience deadlines: what the run holds
    /// in memory for the future.
    pub fn pending(&self) -> usize {
        self.sched.len() + self.patience.len()
    }
    /// Events processed so far.
    pub fn events(&self) -> u64 {
        self.events
    }
    /// Closed windows not yet drained: every window of a run of up to
    /// [`MAX_RETAINED_WINDOWS`](super::metrics::MAX_RETAINED_WINDOWS)
    /// windows; beyond that the oldest are dropped unless drained.
    pub fn windows(&self) -> &[Window] {
        &self.rec.windows
    }
    /// Takes the closed windows not yet drained, oldest first.
    pub fn drain_windows(&mut self) -> Vec<Window> {
        std::mem::take(&mut self.rec.windows)
    }
    /// Closed windows dropped because nobody drained them.
    pub fn windows_dropped(&self) -> u64 {
        self.rec.windows_dropped
    }
    /// Runs to `t`, draining every window as it closes: all windows of the
    /// span, however long (for readers that want every one).
    pub fn run_collecting(&mut self, t: SimTime) -> Vec<Window> {
        let mut out = self.drain_windows();
        let step = SimTime(self.window.0.saturating_mul(1_000));
        while self.now() < t {
            let next = SimTime(self.now().0.saturating_add(step.0)).min(t);
            self.run_until(next);
            out.extend(self.drain_windows());
        }
        out
    }
    /// Mode switches, captions, outages and other changes so far.
    pub fn markers(&self) -> &[Marker] {
        &self.markers
    }
    /// Both conservation ledgers, now.
    pub fn ledgers(&self) -> Ledgers {
        self.ledgers
    }
    /// Time of the next scripted timeline event, if any is left.
    pub fn next_scripted(&self) -> Option<SimTime> {
        self.timeline.get(self.next_change).map(|(t, _, _, _)| *t)
    }
    /// Time of whatever [`System::step`] would do next: the next event or
    /// scripted change, if any.
    pub fn next_at(&self) -> Option<SimTime> {
        match (self.next_scripted(), self.sched.peek_time()) {
            (Some(c), Some(e)) => Some(c.min(e)),
            (c, e) => c.or(e),
        }
    }
    /// A twin holds its mode (see [`System::new_twin`]).
    pub fn holds_mode(&self) -> bool {
        self.hold_mode
    }
    /// Fingerprint of every user action's first click so far: its time,
    /// client and endpoint, in order. Twins share their users, so their
    /// fingerprints are equal at any common time (shed actions included).
    pub fn arrivals_digest(&self) -> u64 {
        self.arrivals_digest
    }

    /// Checks both ledgers and that each in-flight stage matches the
    /// structure that holds those requests. `Err` says what is off.
    pub fn check_ledgers(&self) -> Result<(), String> {
        let l = self.ledgers;
        if !l.actions.balances() {
            return Err(format!("action ledger does not balance: {:?}", l.actions));
        }
        if !l.work.balances() {
            return Err(format!("work ledger does not balance: {:?}", l.work));
        }
        let live = self.actions.len() as u64;
        if live != l.actions.awaiting {
            return Err(format!(
                "{live} live actions but ledger says {} awaiting",
                l.actions.awaiting
            ));
        }
        let queued = self.queue.lanes.len() as u64;
        if l.work.in_flight.queued != queued {
            return Err(format!(
                "{queued} jobs in lanes but ledger says {}",
                l.work.in_flight.queued
            ));
        }
        Ok(())
    }

    // ----- driving ---------------------------------------------------------

    /// Processes every event and scripted change due at or before `t`, then
    /// sets the clock to `t`.
    pub fn run_until(&mut self, t: SimTime) {
        while self.advance_one(t) {}
        self.sched.advance_to(t);
    }

    /// Like [`System::run_until`], but stops after `max_events` events
    /// (the host and the CLI check their clocks between calls, whatever the
    /// load). True when the clock reached `t`.
    pub fn run_for(&mut self, t: SimTime, max_events: u64) -> bool {
        let start = self.events;
        while self.events - start < max_events {
            if !self.advance_one(t) {
                self.sched.advance_to(t);
                return true;
            }
        }
        false
    }

    /// Processes exactly one event or scripted change; false when nothing is
    /// pending.
    pub fn step(&mut self) -> bool {
        self.advance_one(SimTime::MAX)
    }

    /// One event or scripted change due at or before `limit`.
    ///
    /// A scripted change at time T applies after every event at T, exactly
    /// as a live change does (the host runs to T, then applies). That is why
    /// a recorded demo, saved as timeline events, replays bit for bit.
    fn advance_one(&mut self, limit: SimTime) -> bool {
        let change_t = self.next_scripted().filter(|c| *c <= limit);
        let event_t = self.sched.peek_time().filter(|e| *e <= limit);
        match (change_t, event_t) {
            (Some(c), e) if e.is_none_or(|e| e > c) => {
                self.apply_scripted(c);
                true
            }
            (_, Some(_)) => match self.sched.pop() {
                Some((now, ev)) => {
                    self.handle(now, ev);
                    true
                }
                None => false,
            },
            _ => false,
        }
    }

    /// One line per event kind: each stage handles its own.
    fn handle(&mut self, now: SimTime, ev: Ev) {
        self.events += 1;
        match ev {
            Ev::Arrival {
                client,
                generation,
                boundary,
            } => self.on_arrival(now, client as usize, generation, boundary),
            Ev::ShedTick { client, generation } => {
                self.on_shed_tick(now, client as usize, generation)
            }
            Ev::Click { action } => self.on_click_again(now, action),
            Ev::AtServer(req) => self.at_server(now, req),
            Ev::CpuDone(req) => self.cpu_done(now, req),
            Ev::EnqueueDone(req) => self.enqueue_done(now, req),
            Ev::DbDone { op, ok } => self.db_done(now, op, ok),
            Ev::InlineRetry(req) => self.inline_retry(now, req),
            Ev::CallDone { op, dep, end } => self.call_done(now, op, dep as usize, end),
            Ev::TimerDone(op) => self.timer_done(now, op),
            Ev::Response {
                action,
                click,
                answer,
                poll,
                traced,
            } => self.response(now, action, click, answer, poll, traced),
            Ev::PatienceWake => self.on_patience_wake(now),
            Ev::JobDue(job) => self.on_job_due(now, job),
            Ev::QueueWake => self.on_queue_wake(now),
            Ev::PollTick(p) => self.on_poll_tick(p),
            Ev::PollAnswer { poll, done } => self.on_poll_answer(now, poll, done),
            Ev::WindowEnd => self.on_window_end(now),
        }
    }
}
