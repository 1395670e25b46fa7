//! Keyboard shortcuts: each key press becomes an [`AppAction`], like a click.

use super::action::AppAction;
use crate::host::{Command, Snapshot};
use crate::scenario::{Change, Mode, Settings};
use egui::{Key, Modifiers};

/// The keys, as the help window lists them.
pub const KEYS: &[(&str, &str)] = &[
    ("Space", "play / pause"),
    (
        "A",
        "toggle SYNC / ASYNC (all endpoints; comparing, each twin has its own switch)",
    ),
    (
        "C",
        "compare: the same users, sync and async (or the scene's variants), side by side",
    ),
    (
        "R",
        "restart: same scene and seed, your knob tweaks kept, the scene's own modes and script",
    ),
    ("+  −", "faster / slower"),
    (
        "P",
        "presentation mode: the diagram and the scene's key plots fill the window",
    ),
    ("F11", "full screen"),
    (
        "Ctrl+  Ctrl−  Ctrl+0",
        "UI scale up / down / 100% (the same setting as the View menu's UI scale)",
    ),
    ("Ctrl+O", "open a scene"),
    ("Ctrl+S", "save the scene with your changes"),
    ("Ctrl+Q", "quit (asks first when there are unsaved edits)"),
    ("Ctrl+Z", "undo the last live change or timeline edit"),
    ("Ctrl+Shift+Z  Ctrl+Y", "redo"),
    (
        "Ctrl+V",
        "open a scene pasted as text (Edit > Copy scene copies one)",
    ),
];

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

/// The actions of the keys pressed this frame; none while a text field has
/// keyboard focus (typing "a" in a field must not flip the mode).
pub fn shortcuts(
    ctx: &egui::Context,
    snap: &Snapshot,
    view: (f32, bool),
    actions: &mut Vec<AppAction>,
) {
    let pressed = |m: Modifiers, k: Key| ctx.input_mut(|i| i.consume_key(m, k));
    // Zoom works even in a text field, as in any application.
    let (scale, presentation) = view;
    if pressed(Modifiers::COMMAND, Key::Plus)
        || pressed(Modifiers::COMMAND, Key::Equals)
        || pressed(Modifiers::COMMAND | Modifiers::SHIFT, Key::Equals)
    {
        actions.push(AppAction::SetUiScale(scale_step(scale, 1)));
    }
    if pressed(Modifiers::COMMAND, Key::Minus) {
        actions.push(AppAction::SetUiScale(scale_step(scale, -1)));
    }
    if pressed(Modifiers::COMMAND, Key::Num0) {
        actions.push(AppAction::SetUiScale(1.0));
    }
    if pressed(Modifiers::NONE, Key::F11) {
        actions.push(AppAction::ToggleFullscreen);
    }
    if ctx.egui_wants_keyboard_input() {
        return;
    }
    if pressed(Modifiers::NONE, Key::P) {
        actions.push(AppAction::SetPresentation(!presentation));
    }
    if pressed(Modifiers::NONE, Key::Space) {
        actions.push(AppAction::Host(Command::TogglePlay));
    }
    if pressed(Modifiers::NONE, Key::A) {
        if snap.compare {
            // One key for every twin would make them the same system.
            actions.push(AppAction::ShowStatus(
                "Comparing: each twin has its own SYNC | ASYNC switch above its column".into(),
            ));
        } else {
            actions.push(AppAction::change(toggle_all(&snap.first().live)));
        }
    }
    if pressed(Modifiers::NONE, Key::C) {
        actions.push(AppAction::Host(Command::SetCompare(!snap.compare)));
    }
    if pressed(Modifiers::NONE, Key::R) {
        actions.push(AppAction::Host(Command::Restart));
    }
    if pressed(Modifiers::NONE, Key::Plus)
        || pressed(Modifiers::NONE, Key::Equals)
        || pressed(Modifiers::SHIFT, Key::Equals)
    {
        actions.push(AppAction::Host(Command::SetSpeed(snap.speed.faster())));
    }
    if pressed(Modifiers::NONE, Key::Minus) {
        actions.push(AppAction::Host(Command::SetSpeed(snap.speed.slower())));
    }
    if pressed(Modifiers::COMMAND, Key::O) {
        actions.push(AppAction::PickOpen);
    }
    if pressed(Modifiers::COMMAND, Key::S) {
        actions.push(AppAction::Save);
    }
    if pressed(Modifiers::COMMAND, Key::Q) {
        actions.push(AppAction::Quit);
    }
    // Shift first: Ctrl+Z alone would also match Ctrl+Shift+Z.
    if pressed(Modifiers::COMMAND | Modifiers::SHIFT, Key::Z) || pressed(Modifiers::COMMAND, Key::Y)
    {
        actions.push(AppAction::Redo);
    }
    if pressed(Modifiers::COMMAND, Key::Z) {
        actions.push(AppAction::Undo);
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
