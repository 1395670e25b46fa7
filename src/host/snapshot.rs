//! What the UI sees of the host: one [`Snapshot`], published after every
//! tick, with one [`RunSnapshot`] per run in it: one solo, one per twin
//! comparing. Solo is the one-twin case, so every view reads one shape.

use super::command::Speed;
use crate::scenario::{Scenario, Settings};
use crate::sim::trace::Trace;
use crate::sim::{Gauges, Ledgers, Marker, Summary, Window};
use std::sync::Arc;

/// What the UI sees; published by the host after every tick.
///
/// The scene-sized parts (`live`, `edited`, `recording`, `traces`) are shared
/// [`Arc`]s: a publish that changed none of them hands out the same
/// allocations again instead of copying whole scenes every frame. Read
/// them through deref (`snap.live.endpoints`, `snap.edited.title`).
#[derive(Clone, Debug)]
pub struct Snapshot {
    /// Bumped whenever the run starts over (restart, reset, load): the UI
    /// then clears its plot history.
    pub run_id: u64,
    /// The first run's whole-run summary (the solo run's, twin 0's when
    /// comparing) while the run is
    /// paused, at its end included; `None` while playing, where it would
    /// cost quantile reads every tick. An exercise's goal is checked on it.
    pub summary: Option<Arc<Summary>>,
    /// Latest scripted caption and its sim time, s.
    pub caption: Option<(f64, String)>,
    /// Sim time now, s: the common clock every run has reached.
    pub now_s: f64,
    /// Running (not paused).
    pub playing: bool,
    /// Paused at the scene's end (`duration_s`); Play continues past it.
    pub ended: bool,
    /// The scene's length, s of sim time.
    pub duration_s: f64,
    /// Chosen speed.
    pub speed: Speed,
    /// When the sim cannot keep up: the speed it actually achieves, sim
    /// seconds per wall second.
    pub lagging_at: Option<f64>,
    /// The scene as the user edited it (file + user tweaks, file timeline).
    pub edited: Arc<Scenario>,
    /// The scene as loaded or last saved (what `edited` is compared with).
    pub file: Arc<Scenario>,
    /// True when `edited` differs from the file as loaded or last saved.
    pub dirty: bool,
    /// The run's start settings with every live change appended to its
    /// timeline: replays this run exactly.
    pub recording: Arc<Scenario>,
    /// Last rejected change, for the status line.
    pub last_error: Option<String>,
    /// Time of the next scripted event, s.
    pub next_scripted_s: Option<f64>,
    /// Paused by one of the scene's cues (`view.cues`): its caption, until
    /// the run plays on.
    pub cue_note: Option<String>,
    /// The run compares twins side by side (`runs` holds each).
    pub compare: bool,
    /// A seek under way: where it started and where it goes.
    pub seek: Option<SeekProgress>,
    /// The edited scene's scripted events differ from the ones this run
    /// plays: they play from the next Restart or seek.
    pub script_pending: bool,
    /// Every run, in variant order: the solo run alone, or each twin.
    /// Never empty (the host always runs at least one).
    pub runs: Vec<RunSnapshot>,
}

/// How far a seek ([`Command::Seek`](super::Command::Seek)) has come.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SeekProgress {
    /// Sim time the replay started from, s (0 after a rebuild).
    pub from_s: f64,
    /// Sim time it goes to, s.
    pub to_s: f64,
}

impl SeekProgress {
    /// The share done (0–1) at sim time `now_s`.
    pub fn done(&self, now_s: f64) -> f64 {
        let span = self.to_s - self.from_s;
        if span <= 0.0 {
            return 1.0;
        }
        ((now_s - self.from_s) / span).clamp(0.0, 1.0)
    }
}

impl Snapshot {
    /// The first run: the solo run, or twin 0 (what the solo views, the
    /// lesson and an exercise's check read).
    pub fn first(&self) -> &RunSnapshot {
        // The host builds every snapshot from its runs, never none.
        self.runs
            .first()
            .expect("a snapshot holds at least one run")
    }

    /// Run `k`'s name ("" when solo or out of range).
    pub fn run_name(&self, k: usize) -> &str {
        self.runs.get(k).map_or("", |t| t.name.as_str())
    }
}

/// What the UI sees of one run: the solo run, or one twin. Live changes
/// reach a twin at the leading twin's time, so a twin's `now_s` may run a
/// little ahead of the snapshot's common clock.
#[derive(Clone, Debug)]
pub struct RunSnapshot {
    /// The variant's name ("sync", "async", "10 connections", ...; "" solo).
    pub name: String,
    /// This run's windows closed since the UI last took them.
    pub new_windows: Vec<Window>,
    /// Live levels.
    pub gauges: Gauges,
    /// Counts so far.
    pub totals: Window,
    /// Both ledgers.
    pub ledgers: Ledgers,
    /// Every marker of this run, shared: a publish that added none hands
    /// out the same list again, and a frame never copies it. Comparing,
    /// the scene's scripted mode switches a twin holds are marked
    /// (`Marker::held`), its own changes apply.
    pub markers: Arc<Vec<Marker>>,
    /// This run's live settings (its variant, scripted and user changes
    /// applied).
    pub live: Arc<Settings>,
    /// This run's finished traced actions that are kept (recent ones and
    /// recent failures of each kind) and the newest ones whose user has
    /// the final outcome while their work goes on (`finished` false; see
    /// `host::ANSWERED_IN_FLIGHT`), oldest action first. The same `Arc`
    /// until another trace finishes or another traced user sees the final
    /// outcome. The same arrival numbers are traced in every twin, so
    /// `seq` finds one user in each.
    pub traces: Arc<Vec<Trace>>,
    /// This run's sim time, s.
    pub now_s: f64,
    /// Events this run processed.
    pub events: u64,
    /// Live changes made while this twin was behind, still to apply.
    pub pending_changes: usize,
}
