//! The command table: every keyboard command once, with its keys, its
//! name in the menus and its line in the help window. The key dispatch
//! (`keys.rs`), the menus' shortcut texts ([`menu_button`],
//! [`menu_checkbox`]), the hover hints and the help window's key list are
//! all generated from [`COMMANDS`], so a shortcut cannot be shown in one
//! place and bound differently in another. Shortcut texts come from one
//! formatter, [`format_shortcut`]: `Modifiers::COMMAND` reads "Ctrl" on
//! Linux and Windows and "Cmd" on macOS.

use egui::os::OperatingSystem;
use egui::{Key, KeyboardShortcut, ModifierNames, Modifiers};

/// A command the keyboard can give, in [`COMMANDS`]' order (`Paste`
/// stays last: its index is the table's length minus one).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UiCommand {
    /// Play or pause the run.
    PlayPause,
    /// Every endpoint SYNC, or every one ASYNC.
    ToggleModes,
    /// The twins side by side, or back to one run.
    Compare,
    /// The scene from zero, same seed, knob tweaks kept.
    Restart,
    /// The next faster speed.
    Faster,
    /// The next slower speed.
    Slower,
    /// Presentation mode on or off.
    Presentation,
    /// Show the diagram presentation mode folded to fit the window, or
    /// fold it again.
    Diagram,
    /// Full screen on or off.
    FullScreen,
    /// The next larger UI scale.
    ZoomIn,
    /// The next smaller UI scale.
    ZoomOut,
    /// UI scale 100%.
    ZoomReset,
    /// Choose a scene file and open it.
    Open,
    /// Save the scene with its live changes.
    Save,
    /// Quit (asking first about unsaved edits).
    Quit,
    /// Undo the last live change or timeline edit.
    Undo,
    /// Redo what was undone.
    Redo,
    /// Open a scene from text on the clipboard.
    Paste,
}

/// One row of the table.
pub struct Spec {
    /// The command.
    pub command: UiCommand,
    /// Its name in a menu or on a button.
    pub name: &'static str,
    /// What the help window says it does.
    pub help: &'static str,
    /// The keys shown (menus show the first) and bound.
    pub keys: &'static [KeyboardShortcut],
    /// Further keys bound but not shown: the same key on other keyboard
    /// layouts ("=" is "+" without Shift on a US keyboard).
    pub aliases: &'static [KeyboardShortcut],
    /// The keys act while a text field has the keyboard (zoom and full
    /// screen, as in any application); the others would eat typed text.
    pub in_text_fields: bool,
}

const fn key(modifiers: Modifiers, key: Key) -> KeyboardShortcut {
    KeyboardShortcut::new(modifiers, key)
}

const NONE: Modifiers = Modifiers::NONE;
const CMD: Modifiers = Modifiers::COMMAND;
const CMD_SHIFT: Modifiers = Modifiers {
    shift: true,
    ..Modifiers::COMMAND
};

/// Every keyboard command, in the help window's order.
pub const COMMANDS: &[Spec] = &[
    Spec {
        command: UiCommand::PlayPause,
        name: "Play / Pause",
        help: "play / pause",
        keys: &[key(NONE, Key::Space)],
        aliases: &[],
        in_text_fields: false,
    },
    Spec {
        command: UiCommand::ToggleModes,
        name: "SYNC / ASYNC",
        help: "toggle SYNC / ASYNC (all endpoints; comparing, each twin has its own switch)",
        keys: &[key(NONE, Key::A)],
        aliases: &[],
        in_text_fields: false,
    },
    Spec {
        command: UiCommand::Compare,
        name: "Compare twins",
        help: "compare: the same users, sync and async (or the scene's variants), side by side",
        keys: &[key(NONE, Key::C)],
        aliases: &[],
        in_text_fields: false,
    },
    Spec {
        command: UiCommand::Restart,
        name: "Restart",
        help: "restart: same scene and seed, your knob tweaks kept, the scene's own modes and script",
        keys: &[key(NONE, Key::R)],
        aliases: &[],
        in_text_fields: false,
    },
    Spec {
        command: UiCommand::Faster,
        name: "Faster",
        help: "faster",
        keys: &[key(NONE, Key::Plus)],
        aliases: &[key(NONE, Key::Equals), key(Modifiers::SHIFT, Key::Equals)],
        in_text_fields: false,
    },
    Spec {
        command: UiCommand::Slower,
        name: "Slower",
        help: "slower",
        keys: &[key(NONE, Key::Minus)],
        aliases: &[],
        in_text_fields: false,
    },
    Spec {
        command: UiCommand::Presentation,
        name: "Presentation mode",
        help: "presentation mode: the diagram and the scene's key plots fill the window",
        keys: &[key(NONE, Key::P)],
        aliases: &[],
        in_text_fields: false,
    },
    Spec {
        command: UiCommand::Diagram,
        name: "Show the folded diagram",
        help: "presentation mode in a small window: show the diagram folded to fit, or fold it again",
        keys: &[key(NONE, Key::D)],
        aliases: &[],
        in_text_fields: false,
    },
    Spec {
        command: UiCommand::FullScreen,
        name: "Full screen",
        help: "full screen",
        keys: &[key(NONE, Key::F11)],
        aliases: &[],
        in_text_fields: true,
    },
    Spec {
        command: UiCommand::ZoomIn,
        name: "+",
        help: "UI scale up (the same setting as the View menu's UI scale)",
        keys: &[key(CMD, Key::Plus)],
        aliases: &[key(CMD, Key::Equals), key(CMD_SHIFT, Key::Equals)],
        in_text_fields: true,
    },
    Spec {
        command: UiCommand::ZoomOut,
        name: "−",
        help: "UI scale down",
        keys: &[key(CMD, Key::Minus)],
        aliases: &[],
        in_text_fields: true,
    },
    Spec {
        command: UiCommand::ZoomReset,
        name: "100 %",
        help: "UI scale 100%",
        keys: &[key(CMD, Key::Num0)],
        aliases: &[],
        in_text_fields: true,
    },
    Spec {
        command: UiCommand::Open,
        name: "Open…",
        help: "open a scene",
        keys: &[key(CMD, Key::O)],
        aliases: &[],
        in_text_fields: false,
    },
    Spec {
        command: UiCommand::Save,
        name: "Save",
        help: "save the scene with your changes",
        keys: &[key(CMD, Key::S)],
        aliases: &[],
        in_text_fields: false,
    },
    Spec {
        command: UiCommand::Quit,
        name: "Quit",
        help: "quit (asks first when there are unsaved edits)",
        keys: &[key(CMD, Key::Q)],
        aliases: &[],
        in_text_fields: false,
    },
    Spec {
        command: UiCommand::Undo,
        name: "Undo",
        help: "undo the last live change or timeline edit",
        keys: &[key(CMD, Key::Z)],
        aliases: &[],
        in_text_fields: false,
    },
    Spec {
        command: UiCommand::Redo,
        name: "Redo",
        help: "redo",
        keys: &[key(CMD_SHIFT, Key::Z), key(CMD, Key::Y)],
        aliases: &[],
        in_text_fields: false,
    },
    Spec {
        command: UiCommand::Paste,
        name: "Paste scene",
        help: "open a scene pasted as text (Edit > Copy scene copies one)",
        keys: &[key(CMD, Key::V)],
        aliases: &[],
        in_text_fields: false,
    },
];

impl UiCommand {
    /// The command's row in [`COMMANDS`].
    pub fn spec(self) -> &'static Spec {
        // The table lists the commands in the enum's order (a test checks).
        &COMMANDS[self as usize]
    }

    /// Its first key as shown on `os` ("Ctrl+S", "Cmd+S", "Space").
    pub fn shortcut(self, os: OperatingSystem) -> String {
        self.spec()
            .keys
            .first()
            .map_or_else(String::new, |k| format_shortcut(os, k))
    }

    /// Its shown keys, as the help window lists them ("Ctrl+Shift+Z  Ctrl+Y").
    pub fn shortcuts(self, os: OperatingSystem) -> String {
        let keys: Vec<String> = self
            .spec()
            .keys
            .iter()
            .map(|k| format_shortcut(os, k))
            .collect();
        keys.join("  ")
    }

    /// What a menu item for it reads, accessibly: its name (or `label`)
    /// and its shortcut ("Open… Ctrl+O").
    pub fn menu_text(self, os: OperatingSystem, label: Option<&str>) -> String {
        format!(
            "{} {}",
            label.unwrap_or(self.spec().name),
            self.shortcut(os)
        )
    }
}

/// A shortcut as the user reads it on `os`: egui's names ("Ctrl", "Shift",
/// "Cmd" on macOS) and the key's name ("Ctrl+Shift+Z", "Cmd+O", "Space",
/// "Plus"). The one place shortcut text is made.
pub fn format_shortcut(os: OperatingSystem, shortcut: &KeyboardShortcut) -> String {
    shortcut.format(&ModifierNames::NAMES, os.is_mac())
}

/// The commands whose keys were pressed this frame, each key consumed.
/// Only commands that act in text fields while one has the keyboard
/// (typing "a" in a field must not flip the mode).
pub fn pressed(ctx: &egui::Context) -> Vec<UiCommand> {
    let typing = ctx.egui_wants_keyboard_input();
    let mut bound: Vec<(UiCommand, &KeyboardShortcut)> = COMMANDS
        .iter()
        .filter(|s| s.in_text_fields || !typing)
        .flat_map(|s| s.keys.iter().chain(s.aliases).map(|k| (s.command, k)))
        .collect();
    // The most modifiers first: egui matches Ctrl+Z on a pressed
    // Ctrl+Shift+Z too (extra Shift and Alt are ignored), so Redo must take
    // its keys before Undo sees them.
    bound.sort_by_key(|(_, k)| {
        std::cmp::Reverse(u8::from(k.modifiers.shift) + u8::from(k.modifiers.alt))
    });
    let mut out = Vec::new();
    for (command, k) in bound {
        if ctx.input_mut(|i| i.consume_shortcut(k)) && !out.contains(&command) {
            out.push(command);
        }
    }
    // The table's order, whatever order the keys were matched in.
    out.sort_by_key(|c| COMMANDS.iter().position(|s| s.command == *c));
    out
}

/// A menu button for `command`: its name (or `label`) and, right-aligned,
/// its shortcut.
pub fn menu_button(
    ui: &egui::Ui,
    command: UiCommand,
    label: Option<&str>,
) -> egui::Button<'static> {
    let name = label.unwrap_or(command.spec().name).to_string();
    egui::Button::new(name).shortcut_text(command.shortcut(ui.ctx().os()))
}

/// A menu checkbox for `command`, its shortcut after its name.
pub fn menu_checkbox<'a>(
    ui: &egui::Ui,
    on: &'a mut bool,
    command: UiCommand,
) -> egui::Checkbox<'a> {
    let shortcut = egui::RichText::new(command.shortcut(ui.ctx().os())).weak();
    egui::Checkbox::new(on, (command.spec().name, egui::Atom::grow(), shortcut))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_command_has_its_row_in_order_and_a_key() {
        assert_eq!(COMMANDS.len(), UiCommand::Paste as usize + 1);
        for (i, s) in COMMANDS.iter().enumerate() {
            assert_eq!(s.command as usize, i, "{:?} is out of order", s.command);
            assert!(!s.keys.is_empty(), "{:?} has a key", s.command);
        }
    }

    #[test]
    fn no_key_is_bound_twice() {
        let all: Vec<&KeyboardShortcut> = COMMANDS
            .iter()
            .flat_map(|s| s.keys.iter().chain(s.aliases))
            .collect();
        for (i, a) in all.iter().enumerate() {
            assert!(!all[i + 1..].contains(a), "{a:?} is bound twice");
        }
    }

    #[test]
    fn command_reads_ctrl_on_linux_and_windows_and_cmd_on_macos() {
        let save = UiCommand::Save;
        assert_eq!(save.shortcut(OperatingSystem::Nix), "Ctrl+S");
        assert_eq!(save.shortcut(OperatingSystem::Windows), "Ctrl+S");
        assert_eq!(save.shortcut(OperatingSystem::Mac), "Cmd+S");
        assert_eq!(
            UiCommand::Redo.shortcuts(OperatingSystem::Mac),
            "Shift+Cmd+Z  Cmd+Y"
        );
        assert_eq!(UiCommand::PlayPause.shortcut(OperatingSystem::Mac), "Space");
    }
}
