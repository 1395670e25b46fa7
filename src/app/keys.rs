//! Keyboard shortcuts: each key of the command table
//! ([`super::commands`]) becomes an [`AppAction`], like a click.

use super::action::AppAction;
use super::commands::{self, UiCommand};
use crate::host::{Command, Snapshot};
use crate::scenario::{Change, Mode, Settings};

/// The UI scales offered, 100% to 250%.
pub const SCALES: [f32; 7] = [1.0, 1.25, 1.5, 1.75, 2.0, 2.25, 2.5];

/// The next scale up (`dir` > 0) or down from `scale`.
pub fn scale_step(scale: f32, dir: i32) -> f32 {
    if dir > 0 {
        SCALES
            .iter()
            .copied()
            .find(|s| *s > scale + 1e-3)
            .unwrap_or(SCALES[SCALES.len() - 1])
    } else {
        SCALES
            .iter()
            .rev()
            .copied()
            .find(|s| *s < scale - 1e-3)
            .unwrap_or(SCALES[0])
    }
}

/// The actions of the keys pressed this frame (the command table's keys;
/// see [`super::commands::pressed`] for which act while typing).
pub fn shortcuts(
    ctx: &egui::Context,
    snap: &Snapshot,
    view: (f32, bool),
    actions: &mut Vec<AppAction>,
) {
    for command in commands::pressed(ctx) {
        actions.push(action(command, snap, view));
    }
}

/// What `command` does now: the same for its key and its menu item.
/// `view`: the UI scale and whether presentation mode is on.
pub fn action(command: UiCommand, snap: &Snapshot, view: (f32, bool)) -> AppAction {
    let (scale, presentation) = view;
    match command {
        UiCommand::PlayPause => AppAction::Host(Command::TogglePlay),
        // One key for every twin would make them the same system.
        UiCommand::ToggleModes if snap.compare => AppAction::ShowStatus(
            "Comparing: each twin has its own SYNC | ASYNC switch above its column".into(),
        ),
        UiCommand::ToggleModes => AppAction::change(toggle_all(&snap.first().live)),
        UiCommand::Compare => AppAction::Host(Command::SetCompare(!snap.compare)),
        UiCommand::Restart => AppAction::Host(Command::Restart),
        UiCommand::Faster => AppAction::Host(Command::SetSpeed(snap.speed.faster())),
        UiCommand::Slower => AppAction::Host(Command::SetSpeed(snap.speed.slower())),
        UiCommand::Presentation => AppAction::SetPresentation(!presentation),
        UiCommand::Diagram => AppAction::ToggleFoldedDiagram,
        UiCommand::FullScreen => AppAction::ToggleFullscreen,
        UiCommand::ZoomIn => AppAction::SetUiScale(scale_step(scale, 1)),
        UiCommand::ZoomOut => AppAction::SetUiScale(scale_step(scale, -1)),
        UiCommand::ZoomReset => AppAction::SetUiScale(1.0),
        UiCommand::Open => AppAction::PickOpen,
        UiCommand::Save => AppAction::Save,
        UiCommand::Quit => AppAction::Quit,
        UiCommand::Undo => AppAction::Undo,
        UiCommand::Redo => AppAction::Redo,
        // A window turns the paste keys into a paste event, which the
        // workshop takes; the keys themselves arrive only where it does
        // not (a browser, a test): ask for the clipboard.
        UiCommand::Paste => AppAction::Workshop(super::workshop::WorkshopAction::PasteScene),
    }
}

/// The change the A key makes: all async unless all already are.
pub fn toggle_all(live: &Settings) -> Change {
    let all_async = live.endpoints.iter().all(|e| e.mode == Mode::Async);
    Change::SetMode {
        endpoint: None,
        mode: if all_async { Mode::Sync } else { Mode::Async },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scale_steps_stay_within_100_to_250_percent() {
        assert_eq!(scale_step(1.0, 1), 1.25);
        assert_eq!(scale_step(2.5, 1), 2.5);
        assert_eq!(scale_step(1.0, -1), 1.0);
        assert_eq!(scale_step(1.6, -1), 1.5);
        assert_eq!(scale_step(1.6, 1), 1.75);
    }
}
