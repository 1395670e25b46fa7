//! Keyboard shortcuts: each key press becomes an [`AppAction`], like a click.

use super::action::AppAction;
use crate::host::{Command, Snapshot};
use crate::scenario::{Change, Mode, Settings};
use egui::{Key, Modifiers};

/// The keys, as the help window lists them.
pub const KEYS: &[(&str, &str)] = &[
    ("Space", "play / pause"),
    ("A", "toggle SYNC / ASYNC (all endpoints)"),
    ("R", "restart (same scene and seed, your changes kept)"),
    ("+  −", "faster / slower"),
    ("Ctrl+O", "open a scene"),
    ("Ctrl+S", "save the scene with your changes"),
];

/// The actions of the keys pressed this frame; none while a text field has
/// keyboard focus (typing "a" in a field must not flip the mode).
pub fn shortcuts(ctx: &egui::Context, snap: &Snapshot, actions: &mut Vec<AppAction>) {
    if ctx.egui_wants_keyboard_input() {
        return;
    }
    let pressed = |m: Modifiers, k: Key| ctx.input_mut(|i| i.consume_key(m, k));
    if pressed(Modifiers::NONE, Key::Space) {
        actions.push(AppAction::Host(Command::TogglePlay));
    }
    if pressed(Modifiers::NONE, Key::A) {
        actions.push(AppAction::change(toggle_all(&snap.live)));
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
}

/// The change the A key makes: all async unless all already are.
pub fn toggle_all(live: &Settings) -> Change {
    let all_async = live.endpoints.iter().all(|e| e.mode == Mode::Async);
    Change::SetMode {
        endpoint: None,
        mode: if all_async { Mode::Sync } else { Mode::Async },
    }
}
