//! What the UI asks of the host: the commands it sends and the speeds it
//! can choose.

use super::story::TimelineEdit;
use crate::scenario::{Change, Scenario};
use crate::sim::Target;

/// Slowest and fastest fixed speeds the UI offers, in sim seconds per wall
/// second.
pub const SPEEDS: [f64; 12] = [
    0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0, 200.0, 500.0, 1000.0,
];

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
    /// Put back a document: `file` is the scene as on disk, `edited` the
    /// user's edits of it (Undo of Reset to file, a recovery file, a
    /// restart after the host stopped). A new run from the edits, as
    /// Restart makes it; the scene counts as unsaved when they differ.
    Restore {
        /// The scene as loaded or last saved.
        file: Box<Scenario>,
        /// The scene as the user edited it.
        edited: Box<Scenario>,
    },
    /// A live change for every twin (or the solo run), recorded for "Save
    /// Recording". The same as `ApplyTo(change, Target::All)`.
    Apply(Change),
    /// A live change for every twin or one ([`Target`]), mode switches
    /// included. A change of the traffic for one twin is refused (twins
    /// share their users), as is one for a twin while running solo; the
    /// reason goes to [`Snapshot::last_error`](super::Snapshot::last_error).
    ApplyTo(Change, Target),
    /// Compare the scene's twins side by side (`true`) or run it solo: a
    /// new run from the edited scene, live tweaks kept (nothing happens if
    /// the host already runs that way).
    SetCompare(bool),
    /// Replace the scene (from a file or the Scenes menu).
    LoadScenario(Box<Scenario>),
    /// The scene was saved: its edited settings are now the file's.
    MarkSaved,
    /// Edit the scene's scripted events (the Timeline panel): marks the
    /// scene unsaved; the running run keeps the events it started with,
    /// the edit plays from the next Restart or [`Command::Seek`]. A
    /// refused edit's reason goes to `Snapshot::last_error`.
    EditTimeline(TimelineEdit),
    /// Replace the scene's lesson and watch texts (marks it unsaved).
    EditTexts {
        /// What the scene teaches.
        lesson: String,
        /// What to watch on screen.
        watch: String,
    },
    /// Jump to this sim time, s: replays the run from t = 0 at full speed
    /// (its live changes included, and the edited scripted events), within
    /// each tick's budget, then pauses there. Forward, with no timeline
    /// edit pending, the run just goes on to it.
    Seek(f64),
    /// Stop a seek where it got to (paused there: a state the run really
    /// passed through).
    CancelSeek,
}
