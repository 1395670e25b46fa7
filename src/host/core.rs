//! The host's logic without any thread: commands in, ticks, snapshots out.

use super::command::{Command, StepKind};
use super::document::Document;
use super::pacing::{Budget, Pace};
use super::snapshot::Snapshot;
use crate::scenario::{Change, Scenario, Settings};
use crate::sim::{SimTime, System, Window};
use std::sync::Arc;
use std::time::Duration;

/// Most closed windows a snapshot holds for the UI to take.
pub const MAX_PENDING_WINDOWS: usize = 8_192;

/// The host's logic without any thread: commands in, ticks, snapshots out.
pub struct HostCore {
    system: System,
    doc: Document,
    pace: Pace,
    run_id: u64,
    /// Bumped whenever the live settings may have changed: a new run, or a
    /// change (scripted or live) applied to this one.
    live_revision: u64,
    /// Changes applied to the current run when `live_revision` was last
    /// brought up to date. Every change the System applies leaves a marker,
    /// so its marker count counts them, scripted ones included.
    changes_seen: usize,
    last_error: Option<String>,
    /// The scene-sized parts of the last snapshot, reused until their
    /// revision moves.
    shared: Shared,
}

/// Scene-sized parts of the snapshot, with the revisions they were built at.
struct Shared {
    live_revision: u64,
    live: Arc<Settings>,
    doc_revision: u64,
    edited: Arc<Scenario>,
    recording: Arc<Scenario>,
    dirty: bool,
}

impl HostCore {
    /// A host on `scenario`, playing at 1×. `budget` caps the time each
    /// tick simulates (`None`: unbounded, used by deterministic tests).
    pub fn new(scenario: Scenario, budget: Option<Budget>) -> HostCore {
        let system = System::new(&scenario);
        let doc = Document::new(scenario);
        let shared = Shared {
            live_revision: 0,
            live: Arc::new(system.settings().clone()),
            doc_revision: doc.revision(),
            edited: Arc::new(doc.edited().clone()),
            recording: Arc::new(doc.recording()),
            dirty: doc.dirty(),
        };
        let mut pace = Pace::new(budget);
        pace.set_speed(start_speed(doc.edited()), Duration::ZERO, SimTime::ZERO);
        pace.end_at(Some(end_of(doc.edited())));
        HostCore {
            system,
            doc,
            pace,
            run_id: 0,
            live_revision: 0,
            changes_seen: 0,
            last_error: None,
            shared,
        }
    }

    /// The running system.
    pub fn system(&self) -> &System {
        &self.system
    }

    /// The run's id (see [`Snapshot::run_id`]).
    pub fn run_id(&self) -> u64 {
        self.run_id
    }

    /// Bookkeeping after the document started a new run.
    fn restarted(&mut self) {
        self.run_id += 1;
        self.live_revision += 1;
        self.changes_seen = 0;
        self.pace.restart(self.system.now());
        self.pace.end_at(Some(end_of(self.doc.edited())));
    }

    /// Handles one command at wall time `wall`.
    pub fn handle(&mut self, cmd: Command, wall: Duration) {
        self.pace.saw(wall);
        let now = self.system.now();
        match cmd {
            Command::Play => self.pace.play(wall, now),
            Command::Pause => self.pace.pause(),
            Command::TogglePlay => self.pace.toggle(wall, now),
            Command::SetSpeed(s) => self.pace.set_speed(s, wall, now),
            Command::Step(kind) => {
                self.pace.pause();
                match kind {
                    StepKind::Event => {
                        self.system.step();
                    }
                    StepKind::Window => {
                        // Run over the next ticks within their budget, so a
                        // heavy window never blocks commands.
                        let w = SimTime::from_secs_f64(self.system.settings().window_s);
                        self.pace.jump(Some(SimTime(now.0.saturating_add(w.0))));
                    }
                }
            }
            Command::JumpToNextScripted => self.pace.jump(self.system.next_scripted()),
            Command::Restart => {
                self.system = System::new(self.doc.restart());
                self.restarted();
            }
            Command::ResetToFile => {
                self.system = System::new(self.doc.reset_to_file());
                self.restarted();
            }
            Command::Apply(change) => match self.system.apply(change.clone()) {
                Ok(()) => {
                    self.live_revision += 1;
                    self.last_error = self.doc.record(now.as_secs_f64(), change).err();
                }
                Err(e) => self.last_error = Some(e.to_string()),
            },
            Command::LoadScenario(s) => {
                // A scene starts at its own speed, never the last one's.
                let speed = start_speed(&s);
                self.system = System::new(self.doc.load(*s));
                self.restarted();
                self.pace.set_speed(speed, wall, self.system.now());
                self.pace.resume();
            }
            Command::MarkSaved => self.doc.mark_saved(),
        }
    }

    /// Advances the sim towards (wall elapsed × speed), within the budget.
    pub fn tick(&mut self, wall: Duration) {
        self.pace.tick(&mut self.system, wall);
    }

    /// The snapshot for the UI, moving closed windows not yet published
    /// into `new_windows`. The live settings, edited scene and recording
    /// are copied only if they changed since the last snapshot.
    pub fn snapshot(&mut self, keep_windows: Vec<Window>) -> Snapshot {
        let mut new_windows = keep_windows;
        new_windows.extend(self.system.drain_windows());
        if new_windows.len() > MAX_PENDING_WINDOWS {
            // The UI has not taken windows for a long while (a hidden
            // window at Max speed): keep the newest, so memory stays flat.
            let cut = new_windows.len() - MAX_PENDING_WINDOWS;
            new_windows.drain(..cut);
        }
        let markers = self.system.markers().to_vec();
        let caption = markers.iter().rev().find_map(|m| match &m.change {
            Change::Caption(text) => Some((m.t_s, text.clone())),
            _ => None,
        });
        self.refresh_shared();
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
            playing: self.pace.playing(),
            ended: self.pace.ended(),
            duration_s: self.doc.edited().duration_s,
            speed: self.pace.speed(),
            lagging_at: self.pace.lagging_at(),
            live: self.shared.live.clone(),
            edited: self.shared.edited.clone(),
            dirty: self.shared.dirty,
            recording: self.shared.recording.clone(),
            last_error: self.last_error.clone(),
            next_scripted_s: self.system.next_scripted().map(|t| t.as_secs_f64()),
        }
    }

    /// Rebuilds the scene-sized parts of the snapshot whose revision moved.
    fn refresh_shared(&mut self) {
        let applied = self.system.markers().len();
        if applied != self.changes_seen {
            // Scripted changes (and live ones) applied while running.
            self.changes_seen = applied;
            self.live_revision += 1;
        }
        let shared = &mut self.shared;
        if shared.live_revision != self.live_revision {
            shared.live_revision = self.live_revision;
            shared.live = Arc::new(self.system.settings().clone());
        }
        debug_assert!(
            *shared.live == *self.system.settings(),
            "live settings changed without a marker"
        );
        if shared.doc_revision != self.doc.revision() {
            shared.doc_revision = self.doc.revision();
            shared.edited = Arc::new(self.doc.edited().clone());
            shared.recording = Arc::new(self.doc.recording());
            shared.dirty = self.doc.dirty();
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
