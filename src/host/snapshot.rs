//! What the UI sees of the host: one [`Snapshot`], published after every
//! tick.

use super::command::Speed;
use crate::scenario::{Scenario, Settings};
use crate::sim::{Gauges, Ledgers, Marker, Window};
use std::sync::Arc;

/// What the UI sees; published by the host after every tick.
///
/// The scene-sized parts (`live`, `edited`, `recording`) are shared
/// [`Arc`]s: a publish that changed none of them hands out the same
/// allocations again instead of copying whole scenes every frame. Read
/// them through deref (`snap.live.endpoints`, `snap.edited.title`).
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
    /// Latest scripted caption and its sim time, s.
    pub caption: Option<(f64, String)>,
    /// Sim time now, s.
    pub now_s: f64,
    /// Events processed.
    pub events: u64,
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
    /// The live settings (scripted and user changes applied).
    pub live: Arc<Settings>,
    /// The scene as the user edited it (file + user tweaks, file timeline).
    pub edited: Arc<Scenario>,
    /// True when `edited` differs from the file as loaded or last saved.
    pub dirty: bool,
    /// The run's start settings with every live change appended to its
    /// timeline: replays this run exactly.
    pub recording: Arc<Scenario>,
    /// Last rejected change, for the status line.
    pub last_error: Option<String>,
    /// Time of the next scripted event, s.
    pub next_scripted_s: Option<f64>,
}
