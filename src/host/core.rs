//! The host's logic without any thread: commands in, ticks, snapshots out.
//!
//! It always runs [`Twins`]: one solo run, or the scene's twins on one
//! clock (`Command::SetCompare`). One speed, pause, step and jump drive
//! them all; live changes go to every twin or to one.

use super::caption::{RecentSwitch, RunCaptions};
use super::command::{Command, StepKind};
use super::document::Document;
use super::pacing::{Budget, Pace};
use super::snapshot::{RunSnapshot, SeekProgress, Snapshot};
use crate::scenario::{Change, Scenario, Settings};
use crate::sim::trace::Trace;
use crate::sim::{SimTime, System, Target, Twin, Twins, Window};
use std::sync::Arc;
use std::time::Duration;

/// Most closed windows a snapshot holds for the UI to take (per twin).
pub const MAX_PENDING_WINDOWS: usize = 8_192;

/// The host's logic without any thread: commands in, ticks, snapshots out.
pub struct HostCore {
    twins: Twins,
    doc: Document,
    pace: Pace,
    run_id: u64,
    /// Bumped whenever the live settings may have changed: a new run, or a
    /// change (scripted or live) applied to this one.
    live_revision: u64,
    last_error: Option<String>,
    /// A seek under way (`Command::Seek`).
    seek: Option<SeekProgress>,
    /// The scene-sized parts of the last snapshot, reused until their
    /// revision moves.
    shared: Shared,
    /// The last paused run's summary, with the run and event count it was
    /// taken at (a paused run publishes the same one again).
    summary: Option<(u64, u64, Arc<crate::sim::Summary>)>,
    /// Comparing: per twin, windows closed but not yet published because
    /// a slower twin has not closed its window of that time yet.
    held: Vec<Vec<Window>>,
    /// Per twin: the end of its last closed window, s (`-inf`: none yet).
    closed_s: Vec<f64>,
    /// Solo: the script's latest mode switch and when it came (see
    /// [`RecentSwitch`]).
    recent: RecentSwitch,
}

/// Scene-sized parts of the snapshot, with the revisions they were built at.
struct Shared {
    live_revision: u64,
    /// Per twin: its live settings, and the changes applied to it when they
    /// were copied. Every change a System applies leaves a marker, so its
    /// marker count counts them, scripted ones included.
    live: Vec<(usize, Arc<Settings>)>,
    doc_revision: u64,
    edited: Arc<Scenario>,
    file: Arc<Scenario>,
    recording: Arc<Scenario>,
    dirty: bool,
    script_pending: bool,
    /// Per twin: the run and its tracer's finished count when its kept
    /// traces were copied.
    traces: Vec<SharedTraces>,
    /// Snapshots since the traces were last looked at.
    traces_age: u32,
    /// Per twin: the run and marker count its markers were copied at.
    markers: Vec<SharedMarkers>,
}

/// A twin's markers as shared, with the run and count they were copied at
/// (a run's markers are only ever appended to).
type SharedMarkers = ((u64, usize), Arc<Vec<crate::sim::Marker>>);

/// Twin `t`'s markers of run `run_id` as shared.
fn markers_of(run_id: u64, t: &Twin) -> SharedMarkers {
    let m = t.system().markers();
    ((run_id, m.len()), Arc::new(m.to_vec()))
}

/// A twin's kept traces as shared, with the run and the tracer's
/// finished count they were copied at.
type SharedTraces = ((u64, u64), Arc<Vec<Trace>>);

/// While playing, kept traces are copied at most once in this many
/// snapshots (about 4 times a second): at high speed a trace finishes
/// every tick, and a few hundred traces each frame would be copied for a
/// list nobody reads that fast. Paused, they are copied at once.
const TRACES_EVERY: u32 = 15;

/// The runs of `base`: its twins when `compare`, else one solo run. Twins
/// of a validated scene always build; if they cannot, the run is solo and
/// the reason is returned.
fn build(base: &Scenario, compare: bool) -> (Twins, Option<String>) {
    // Without the captions of switched-off changes.
    let settings = base.run_settings();
    if !compare {
        return (Twins::solo(settings), None);
    }
    match Twins::compare(&settings, &base.variants) {
        Ok(t) => (t, None),
        Err(e) => (Twins::solo(settings), Some(e.to_string())),
    }
}

/// Traces published whose user has the final outcome while their work
/// goes on, at most (the newest, half of them failures when there are
/// that many): every traced user who gave up belongs on the wait plot,
/// not only those whose wasted work has ended.
pub const ANSWERED_IN_FLIGHT: usize = 100;

/// Twin `t`'s kept traces of run `run_id` and the newest answered ones
/// still in flight, oldest action first, keyed by what moves when they
/// change.
fn traces_of(run_id: u64, t: &Twin) -> SharedTraces {
    let tracer = t.system().tracer();
    let mut kept: Vec<Trace> = tracer.finished().into_iter().cloned().collect();
    kept.extend(tracer.answered_in_flight(ANSWERED_IN_FLIGHT, t.now()));
    kept.sort_by_key(|t| t.seq);
    ((run_id, tracer.revision()), Arc::new(kept))
}

/// Twin `t`'s live settings as shared: the same `Arc` until it changes.
fn live_of(t: &Twin) -> (usize, Arc<Settings>) {
    (
        t.system().markers().len(),
        Arc::new(t.system().settings().clone()),
    )
}

impl HostCore {
    /// A host on `scenario`, playing at 1× (comparing its twins when the
    /// scene says so, `view.compare`). `budget` caps the time each tick
    /// simulates (`None`: unbounded, used by deterministic tests).
    pub fn new(scenario: Scenario, budget: Option<Budget>) -> HostCore {
        let doc = Document::new(scenario);
        let (twins, last_error) = build(doc.run_base(), doc.compare());
        let shared = Shared {
            live_revision: 0,
            live: twins.twins().iter().map(live_of).collect(),
            doc_revision: doc.revision(),
            edited: Arc::new(doc.edited().clone()),
            file: Arc::new(doc.file().clone()),
            recording: Arc::new(doc.recording()),
            dirty: doc.dirty(),
            script_pending: false,
            traces: twins.twins().iter().map(|t| traces_of(0, t)).collect(),
            traces_age: 0,
            markers: twins.twins().iter().map(|t| markers_of(0, t)).collect(),
        };
        let mut pace = Pace::new(budget);
        pace.set_speed(start_speed(doc.edited()), Duration::ZERO, SimTime::ZERO);
        pace.end_at(Some(end_of(doc.edited())));
        pace.set_cues(&doc.edited().view.cues, SimTime::ZERO);
        HostCore {
            twins,
            doc,
            pace,
            run_id: 0,
            live_revision: 0,
            last_error,
            seek: None,
            shared,
            summary: None,
            held: Vec::new(),
            closed_s: Vec::new(),
            recent: RecentSwitch::default(),
        }
    }

    /// The running system (twin 0 when comparing).
    pub fn system(&self) -> &System {
        self.twins.first()
    }

    /// Every run: the twins in variant order, or the solo run.
    pub fn twins(&self) -> &Twins {
        &self.twins
    }

    /// Whether twins run on a thread each within a tick (default: only
    /// with more than two cores). Either way the windows are the same.
    pub fn set_threads(&mut self, threads: bool) {
        self.pace.set_threads(threads);
    }

    /// The run's id (see [`Snapshot::run_id`]).
    pub fn run_id(&self) -> u64 {
        self.run_id
    }

    /// A new run of the document's run base (after a restart, reset, load
    /// or switch between solo and compare).
    fn start_run(&mut self) {
        let (twins, error) = build(self.doc.run_base(), self.doc.compare());
        self.install(twins, error);
    }

    /// Makes `twins` the run, from their t = 0.
    fn install(&mut self, twins: Twins, error: Option<String>) {
        self.twins = twins;
        self.seek = None;
        self.held.clear();
        self.closed_s.clear();
        self.recent.reset();
        if error.is_some() {
            self.last_error = error;
        }
        self.run_id += 1;
        self.live_revision += 1;
        self.pace.restart(self.twins.now());
        self.pace.end_at(Some(end_of(self.doc.edited())));
        self.pace
            .set_cues(&self.doc.edited().view.cues, self.twins.now());
    }

    /// Handles one command at wall time `wall`.
    pub fn handle(&mut self, cmd: Command, wall: Duration) {
        self.pace.saw(wall);
        let jumping = self.pace.jumping();
        self.command(cmd, wall);
        if jumping && !self.pace.jumping() {
            // A jump stopped on the way: the cues pick up from there.
            self.pace.settle(self.twins.now());
        }
    }

    fn command(&mut self, cmd: Command, wall: Duration) {
        let now = self.twins.now();
        match cmd {
            Command::Play => self.pace.play(wall, now),
            Command::Pause => self.pace.pause(),
            Command::TogglePlay => self.pace.toggle(wall, now),
            Command::SetSpeed(s) => self.pace.set_speed(s, wall, now),
            Command::Step(kind) => {
                self.seek = None;
                self.pace.pause();
                match kind {
                    StepKind::Event => {
                        self.twins.step();
                        self.pace.settle(self.twins.now());
                    }
                    StepKind::Window => {
                        // Run over the next ticks within their budget, so a
                        // heavy window never blocks commands.
                        let w = SimTime::from_secs_f64(self.system().settings().window_s);
                        self.pace.jump(Some(SimTime(now.0.saturating_add(w.0))));
                    }
                }
            }
            Command::JumpToNextScripted => {
                self.seek = None;
                self.pace.jump(self.twins.next_scripted());
            }
            Command::Restart => {
                self.doc.restart();
                self.start_run();
            }
            Command::ResetToFile => {
                self.doc.reset_to_file();
                self.start_run();
            }
            Command::Restore { file, edited } => {
                self.doc.restore(*file, *edited);
                self.start_run();
            }
            // Already so: nothing to restart.
            Command::SetCompare(compare) if compare == self.twins.is_compare() => {}
            Command::SetCompare(compare) => {
                self.doc.restart_as(compare);
                self.start_run();
            }
            Command::Apply(change) => self.apply(change, Target::All, wall),
            Command::ApplyTo(change, target) => self.apply(change, target, wall),
            Command::LoadScenario(s) => {
                // A scene starts at its own speed, never the last one's.
                let speed = start_speed(&s);
                self.doc.load(*s);
                self.start_run();
                self.pace.set_speed(speed, wall, self.twins.now());
                self.pace.settle(self.twins.now());
                self.pace.resume();
            }
            Command::MarkSaved => self.doc.mark_saved(),
            Command::EditTimeline(edit) => self.last_error = self.doc.edit_timeline(&edit).err(),
            Command::EditTexts { lesson, watch } => self.doc.edit_texts(lesson, watch),
            Command::Seek(t_s) => self.seek(t_s),
            Command::CancelSeek => {
                if self.seek.take().is_some() {
                    self.pace.pause();
                }
            }
        }
    }

    /// Goes to sim time `t_s` (clamped to the scene's length, or to now
    /// when the run went past it): back, or with timeline edits pending,
    /// by rebuilding the run from its recording (start settings, the
    /// edited scripted events, every live change at its time) and
    /// replaying from t = 0; forward, by running on. Either way within
    /// each tick's budget, then paused at `t_s`.
    fn seek(&mut self, t_s: f64) {
        if !t_s.is_finite() {
            return;
        }
        let now = self.twins.now();
        let last = self.doc.edited().duration_s.max(now.as_secs_f64());
        let goal = SimTime::from_secs_f64(t_s.clamp(0.0, last));
        if goal < now || self.doc.script_pending() {
            self.doc.adopt_script();
            let (twins, error) = build(&self.doc.recording(), self.doc.compare());
            self.install(twins, error);
        }
        self.seek = Some(SeekProgress {
            from_s: self.twins.now().as_secs_f64(),
            to_s: goal.as_secs_f64(),
        });
        self.pace.jump(Some(goal));
    }

    /// A live change to `target`, recorded at the sim time it took effect.
    /// Solo, a mode switch right after the script's is taken together
    /// with it (see [`RecentSwitch::take`]).
    fn apply(&mut self, change: Change, target: Target, wall: Duration) {
        let change = if self.twins.is_compare() {
            change
        } else {
            let sys = self.twins.first();
            let now_s = sys.now().as_secs_f64();
            self.recent.take(change, wall, now_s, sys.settings())
        };
        let result = self.twins.apply(change.clone(), target);
        // The change's own marker is the presenter's, not the script's.
        self.recent.saw(self.twins.first().markers(), wall, false);
        match result {
            Ok(at) => {
                self.live_revision += 1;
                self.last_error = self.doc.record(at.as_secs_f64(), change, target).err();
            }
            Err(e) => self.last_error = Some(e.to_string()),
        }
    }

    /// Advances the sim towards (wall elapsed × speed), within the budget.
    pub fn tick(&mut self, wall: Duration) {
        let jumping = self.pace.jumping();
        self.pace.tick(&mut self.twins, wall);
        let watched = !jumping && !self.twins.is_compare();
        self.recent.saw(self.twins.first().markers(), wall, watched);
        if !self.pace.jumping() {
            // Arrived, or paused on the way.
            self.seek = None;
        }
    }

    /// The snapshot for the UI, moving each run's closed windows not yet
    /// published into its `new_windows`. The live settings, edited scene
    /// and recording are copied only if they changed since the last
    /// snapshot.
    pub fn snapshot(&mut self) -> Snapshot {
        self.snapshot_keeping(Vec::new())
    }

    /// Like [`HostCore::snapshot`], keeping each run's windows of the
    /// last snapshot that the UI has not taken (`keep[k]` for run k).
    pub fn snapshot_keeping(&mut self, mut keep: Vec<Vec<Window>>) -> Snapshot {
        self.refresh_shared();
        let mut runs: Vec<RunSnapshot> = Vec::with_capacity(self.twins.len());
        for k in 0..self.twins.len() {
            let kept = keep.get_mut(k).map(std::mem::take).unwrap_or_default();
            let windows = self.drain(k, kept);
            runs.push(self.run_snapshot(k, windows));
        }
        let summary = (!self.pace.playing()).then(|| self.paused_summary());
        // The banner: the latest caption true of the run now, or the latest
        // scripted change skipped because the presenter had set it by hand
        // (their cue); comparing, the scene's captions marked with the
        // twins they hold for.
        let captions: Vec<RunCaptions<'_>> = self
            .twins
            .twins()
            .iter()
            .zip(&self.shared.markers)
            .map(|(t, m)| RunCaptions {
                name: t.name(),
                markers: &m.1,
                live: t.system().settings(),
            })
            .collect();
        let caption = super::caption::line(&captions);
        // A switch taken together with the script's says so, over the
        // captions that tell of that switch (up to 5 s after it), until a
        // later caption.
        let caption = match (caption, self.recent.cue()) {
            (Some(c), Some(cue)) if c.0 > cue.0 + crate::sim::CAPTION_TIE_S => Some(c),
            (c, cue) => cue.cloned().or(c),
        };
        Snapshot {
            run_id: self.run_id,
            summary,
            caption,
            now_s: self.twins.now().as_secs_f64(),
            playing: self.pace.playing(),
            ended: self.pace.ended(),
            duration_s: self.doc.edited().duration_s,
            speed: self.pace.speed(),
            cue_note: self.pace.cue_note().map(str::to_string),
            lagging_at: self.pace.lagging_at(),
            edited: self.shared.edited.clone(),
            file: self.shared.file.clone(),
            dirty: self.shared.dirty,
            recording: self.shared.recording.clone(),
            last_error: self.last_error.clone(),
            next_scripted_s: self.twins.next_scripted().map(|t| t.as_secs_f64()),
            compare: self.twins.is_compare(),
            seek: self.seek.filter(|_| self.pace.jumping()),
            script_pending: self.shared.script_pending,
            runs,
        }
    }

    /// The paused run's whole-run summary, taken once per paused state.
    fn paused_summary(&mut self) -> Arc<crate::sim::Summary> {
        let key = (self.run_id, self.twins.first().events());
        match &self.summary {
            Some((run, events, s)) if (*run, *events) == key => s.clone(),
            _ => {
                let s = Arc::new(self.twins.first_mut().summary());
                self.summary = Some((key.0, key.1, s.clone()));
                s
            }
        }
    }

    /// Twin `k`'s closed windows after `kept`, the newest
    /// [`MAX_PENDING_WINDOWS`] of them. Comparing, only windows that every
    /// twin has closed are published (the others wait in `held`): every
    /// twin's newest published window is then of the same time, the
    /// slowest twin's last closed one, and figures compared across twins
    /// are read at one instant.
    fn drain(&mut self, k: usize, mut kept: Vec<Window>) -> Vec<Window> {
        let n = self.twins.len();
        if self.held.len() != n {
            self.held = vec![Vec::new(); n];
            self.closed_s = vec![f64::NEG_INFINITY; n];
        }
        if k == 0 {
            // Every twin's new windows first, so the common time is known.
            for (j, t) in self.twins.twins_mut().iter_mut().enumerate() {
                let new = t.system_mut().drain_windows();
                if let Some(w) = new.last() {
                    self.closed_s[j] = w.t_s;
                }
                self.held[j].extend(new);
            }
        }
        let common = if self.twins.is_compare() {
            self.closed_s.iter().copied().fold(f64::INFINITY, f64::min)
        } else {
            f64::INFINITY
        };
        let ready = self.held[k].partition_point(|w| w.t_s <= common);
        kept.extend(self.held[k].drain(..ready));
        for list in [&mut kept, &mut self.held[k]] {
            if list.len() > MAX_PENDING_WINDOWS {
                // The UI has not taken windows for a long while (a hidden
                // window at Max speed): keep the newest, so memory stays
                // flat.
                let cut = list.len() - MAX_PENDING_WINDOWS;
                list.drain(..cut);
            }
        }
        kept
    }

    /// What the UI sees of run `k`.
    fn run_snapshot(&self, k: usize, new_windows: Vec<Window>) -> RunSnapshot {
        let t = &self.twins.twins()[k];
        let sys = t.system();
        RunSnapshot {
            name: t.name().to_string(),
            new_windows,
            gauges: sys.gauges(),
            totals: sys.totals(),
            ledgers: sys.ledgers(),
            markers: self.shared.markers[k].1.clone(),
            live: self.shared.live[k].1.clone(),
            traces: self.shared.traces[k].1.clone(),
            now_s: t.now().as_secs_f64(),
            events: sys.events(),
            pending_changes: t.pending(),
        }
    }

    /// Rebuilds the scene-sized parts of the snapshot whose revision moved.
    fn refresh_shared(&mut self) {
        let shared = &mut self.shared;
        let runs = self.twins.twins();
        if shared.live_revision != self.live_revision || shared.live.len() != runs.len() {
            shared.live_revision = self.live_revision;
            shared.live = runs.iter().map(live_of).collect();
        }
        for (t, live) in runs.iter().zip(&mut shared.live) {
            // Scripted changes (and live ones) applied while running.
            if t.system().markers().len() != live.0 {
                *live = live_of(t);
            }
            debug_assert!(
                *live.1 == *t.system().settings(),
                "live settings changed without a marker"
            );
        }
        let stale = shared.traces.len() != runs.len()
            || shared.traces.first().is_some_and(|t| t.0.0 != self.run_id);
        if stale {
            shared.traces = runs.iter().map(|t| traces_of(self.run_id, t)).collect();
        }
        shared.traces_age += 1;
        if shared.traces_age >= TRACES_EVERY || !self.pace.playing() {
            shared.traces_age = 0;
            for (t, traces) in runs.iter().zip(&mut shared.traces) {
                // Copied only when another trace finished or another
                // traced user saw the final outcome.
                if traces.0.1 != t.system().tracer().revision() {
                    *traces = traces_of(self.run_id, t);
                }
            }
        }
        if shared.markers.len() != runs.len() {
            shared.markers.clear();
        }
        shared.markers.resize_with(runs.len(), Default::default);
        for (t, markers) in runs.iter().zip(&mut shared.markers) {
            if markers.0 != (self.run_id, t.system().markers().len()) {
                *markers = markers_of(self.run_id, t);
            }
        }
        if shared.doc_revision != self.doc.revision() {
            shared.doc_revision = self.doc.revision();
            shared.edited = Arc::new(self.doc.edited().clone());
            shared.file = Arc::new(self.doc.file().clone());
            shared.recording = Arc::new(self.doc.recording());
            shared.dirty = self.doc.dirty();
            shared.script_pending = self.doc.script_pending();
        }
    }
}

/// The speed a scene asks to start at.
fn start_speed(s: &Scenario) -> super::command::Speed {
    match s.view.speed {
        crate::scenario::StartSpeed::Times(x) => super::command::Speed::Times(x),
        crate::scenario::StartSpeed::Max => super::command::Speed::Max,
    }
}

/// Where a scene ends, as sim time.
fn end_of(s: &Scenario) -> SimTime {
    SimTime::from_secs_f64(s.duration_s)
}
