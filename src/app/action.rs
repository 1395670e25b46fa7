//! What the user asked for. Panels and keyboard shortcuts push
//! [`AppAction`]s while they draw; [`super::AsyncLabApp::apply`] carries
//! them out at one place, the only one that talks to the host.

use crate::host::Command;
use crate::scenario::Change;
use std::path::PathBuf;

/// One thing the user asked the app to do.
#[derive(Clone, Debug)]
pub enum AppAction {
    /// Send a command to the simulation host (play, speed, a change, ...).
    Host(Command),
    /// Open a scene file.
    Open(PathBuf),
    /// Open a built-in scene, by its file name.
    OpenBuiltin(&'static str),
    /// Choose a scene file in a native dialog, then open it.
    PickOpen,
    /// Save the scene to its file, or choose a file first.
    Save,
    /// Choose a file in a native dialog, then save the scene there.
    SaveAs,
    /// Choose a file in a native dialog, then save this run's recording there.
    SaveRecording,
    /// Save the scene, live changes included, to this file.
    SaveTo(PathBuf),
    /// Save this run's recording (start settings + every live change) here.
    SaveRecordingTo(PathBuf),
    /// Show (true) or hide the controls panel.
    ShowControls(bool),
    /// Presentation mode on or off; it also hides or shows the controls.
    SetPresentation(bool),
    /// Plain words for the room on or off (View menu).
    SetPlainWords(bool),
    /// The one-minute demo in one action: the scene's twins side by side,
    /// in presentation mode, playing.
    Present,
    /// Dark theme (true) or light.
    SetDark(bool),
    /// UI scale, 1.0–2.5.
    SetUiScale(f32),
    /// Full screen on or off.
    ToggleFullscreen,
    /// Shows the diagram presentation mode folded to fit the window, or
    /// folds it again.
    ToggleFoldedDiagram,
    /// Plot span, s of sim time.
    SetSpan(f64),
    /// Compare view: the twins' plots overlaid or a column each.
    SetCompareLayout(super::compare::PlotLayout),
    /// Open the help window.
    ShowHelp,
    /// Show the scene's lesson strip again.
    ShowLesson,
    /// Carry out an action that drops unsaved edits, which the user
    /// confirmed (after saving or choosing to discard them).
    Confirmed(Box<AppAction>),
    /// Save the scene; once it is saved, carry out this action (confirmed).
    /// A save that fails or is cancelled carries out nothing.
    SaveThen(Box<AppAction>),
    /// Close the "unsaved changes" question without doing anything.
    CancelSwitch,
    /// Save's answer when the settings changed under the scene's texts:
    /// save to this file with the texts (`true`) or without the lesson,
    /// watch text and scripted captions (`false`).
    SaveAnswered(PathBuf, bool),
    /// Close Save's question about the texts without saving.
    CancelSave,
    /// Quit the app (Ctrl+Q, File -> Quit, the window's close button).
    Quit,
    /// Back to the scene as in its file: a new run without the edits. One
    /// undo step brings them back.
    ResetToFile,
    /// Restore the unsaved work an earlier app left in its recovery file.
    RestoreFound,
    /// Not now: the recovery file stays until this app exits cleanly.
    DeclineFound,
    /// The simulation thread stopped: start a new one on the edited scene.
    RestartHost,
    /// Write this line in the status bar.
    ShowStatus(String),
    /// Open the problem dialog with this text.
    ShowError(String),
    /// Take back the latest live change or story edit (Ctrl+Z).
    Undo,
    /// Make the latest undone step again (Ctrl+Shift+Z).
    Redo,
    /// Show (true) or hide the Timeline panel.
    ShowTimeline(bool),
    /// A marker was clicked: select the scene's event at this sim time (s)
    /// making this change, in the Timeline panel.
    SelectEvent(f64, Change),
    /// Open the request journey (the waterfall of a traced action).
    ShowJourney,
    /// Open the request journey on this traced action (by arrival
    /// number): its dot on the wait plot was clicked.
    ShowJourneyOf(u64),
    /// Open the load curve (the sweep window).
    ShowLoadCurve,
    /// Start or cancel the load curve's sweep.
    Sweep(super::sweep_window::SweepAction),
    /// An export, scene sharing or the goal check (`workshop.rs`).
    Workshop(super::workshop::WorkshopAction),
}

impl AppAction {
    /// True for an action that drops the scene's unsaved edits (another
    /// scene, quitting, back to the file, restored work): it asks first
    /// when there are any.
    pub fn drops_edits(&self) -> bool {
        matches!(
            self,
            AppAction::Open(_)
                | AppAction::OpenBuiltin(_)
                | AppAction::PickOpen
                | AppAction::Workshop(super::workshop::WorkshopAction::OpenScene(_))
                | AppAction::Quit
                | AppAction::ResetToFile
                | AppAction::RestoreFound
        )
    }

    /// What this action does to unsaved edits, in the question asked
    /// first: "Quitting drops them."
    pub fn drops_words(&self) -> (&'static str, &'static str) {
        match self {
            AppAction::Quit => ("Quitting drops them.", "Save, then quit"),
            AppAction::ResetToFile => (
                "Resetting to the file drops them (Edit -> Undo brings them back).",
                "Save, then reset",
            ),
            AppAction::RestoreFound => (
                "Restoring the earlier unsaved work replaces them.",
                "Save, then restore",
            ),
            _ => ("Opening another scene drops them.", "Save, then open"),
        }
    }

    /// A live change to the running scene.
    pub fn change(change: Change) -> AppAction {
        AppAction::Host(Command::Apply(change))
    }
}
