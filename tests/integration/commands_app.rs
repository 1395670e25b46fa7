//! The command table drives the keys, the menus and the help: every key of
//! every command reaches it in the running app, the help window lists each
//! command with its keys, the menus show the table's shortcut text ("Cmd"
//! on macOS), and no shortcut is written anywhere else in the source.

use crate::kit::{TestApp, harness};
use asynclab::app::AppAction;
use asynclab::app::commands::{COMMANDS, UiCommand};
use asynclab::scenario::{Change, Mode};
use egui::os::OperatingSystem;
use egui::{KeyboardShortcut, ViewportCommand};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use std::path::Path;

type H = Harness<'static, TestApp>;

fn connections(h: &H) -> u32 {
    h.state()
        .app
        .host()
        .snapshot()
        .first()
        .live
        .database
        .connections
}

fn shows(h: &H, label: &str) -> bool {
    h.query_all_by_label(label).next().is_some()
}

fn shows_part(h: &H, part: &str) -> bool {
    h.query_all_by_label_contains(part).next().is_some()
}

/// Whether any of the next frames sends `command` to the window (one
/// queued event per frame).
fn sends(h: &mut H, command: &ViewportCommand) -> bool {
    (0..4).any(|_| {
        h.step();
        h.output()
            .viewport_output
            .values()
            .any(|v| v.commands.contains(command))
    })
}

/// What each command needs before its key can show an effect: a change
/// to undo, one undone to redo, a scale above 100% to go down from.
fn prepare(h: &mut H, command: UiCommand) {
    let set_12 = AppAction::change(Change::Set {
        path: "database.connections".into(),
        value: 12.0,
    });
    match command {
        UiCommand::Undo => h.state_mut().app.apply(set_12),
        UiCommand::Redo => {
            h.state_mut().app.apply(set_12);
            h.run_steps(3);
            h.state_mut().app.apply(AppAction::Undo);
        }
        UiCommand::ZoomOut | UiCommand::ZoomReset => {
            h.state_mut().app.apply(AppAction::SetUiScale(1.5))
        }
        // Far enough from zero that a restart shows.
        UiCommand::Restart => h.run_steps(20),
        _ => {}
    }
    h.run_steps(3);
}

/// Presses `key` in a fresh app and says whether `command` acted, each
/// command by what it visibly does (an exhaustive match: a new command
/// must say how its effect shows).
fn key_reaches(command: UiCommand, key: &KeyboardShortcut) -> bool {
    let mut h = harness(asynclab::app::default_scene());
    h.run_steps(3);
    prepare(&mut h, command);
    let before = h.state().app.host().snapshot().clone();
    // The two that act on the window: a press alone, so the frame that
    // takes it is one `sends` looks at (a whole key press is several
    // frames in one step, and a step keeps only its last frame's output).
    if matches!(command, UiCommand::FullScreen | UiCommand::Paste) {
        h.event(egui::Event::Key {
            key: key.logical_key,
            physical_key: None,
            pressed: true,
            repeat: false,
            modifiers: key.modifiers,
        });
    } else {
        h.key_press_modifiers(key.modifiers, key.logical_key);
    }
    if command == UiCommand::FullScreen {
        return sends(&mut h, &ViewportCommand::Fullscreen(true));
    }
    if command == UiCommand::Paste {
        return sends(&mut h, &ViewportCommand::RequestPaste);
    }
    h.run_steps(4);
    let app = &h.state().app;
    let after = app.host().snapshot().clone();
    match command {
        UiCommand::PlayPause => after.playing != before.playing,
        UiCommand::ToggleModes => after
            .first()
            .live
            .endpoints
            .iter()
            .all(|e| e.mode == Mode::Async),
        UiCommand::Compare => after.compare && !before.compare,
        UiCommand::Restart => after.now_s < before.now_s,
        UiCommand::Faster => after.speed == before.speed.faster(),
        UiCommand::Slower => after.speed == before.speed.slower(),
        UiCommand::Presentation => app.prefs().presentation,
        UiCommand::Diagram => app.folded_diagram_shown(),
        UiCommand::ZoomIn => app.prefs().ui_scale == 1.25,
        UiCommand::ZoomOut => app.prefs().ui_scale == 1.25,
        UiCommand::ZoomReset => app.prefs().ui_scale == 1.0,
        UiCommand::Open => shows_part(&h, "Open a scene"),
        UiCommand::Save => shows_part(&h, "Save the scene as"),
        UiCommand::Quit => app.quitting(),
        UiCommand::Undo => connections(&h) != 12 && before.first().live.database.connections == 12,
        UiCommand::Redo => connections(&h) == 12 && before.first().live.database.connections != 12,
        UiCommand::FullScreen | UiCommand::Paste => unreachable!("checked above"),
    }
}

#[test]
fn every_command_is_reachable_by_each_of_its_keys() {
    let mut missed = Vec::new();
    for spec in COMMANDS {
        for key in spec.keys.iter().chain(spec.aliases) {
            if !key_reaches(spec.command, key) {
                missed.push(format!("{:?} by {key:?}", spec.command));
            }
        }
    }
    assert!(missed.is_empty(), "keys that did nothing: {missed:#?}");
}

#[test]
fn the_help_window_lists_every_command_with_its_keys() {
    let mut h = harness(asynclab::app::default_scene());
    h.run_steps(2);
    h.state_mut().app.apply(AppAction::ShowHelp);
    h.run_steps(3);
    let os = h.ctx.os();
    for spec in COMMANDS {
        let keys = spec.command.shortcuts(os);
        assert!(shows(&h, &keys), "the help lists {keys}");
        assert!(shows(&h, spec.help), "the help says {}", spec.help);
    }
    let text = asynclab::app::help_text();
    assert!(text.contains("Ctrl+Shift+Z  Ctrl+Y: redo"), "{text}");
}

/// The menus' items with a shortcut, by menu.
const MENUS: &[(&str, &[UiCommand])] = &[
    ("File", &[UiCommand::Open, UiCommand::Save, UiCommand::Quit]),
    (
        "Edit",
        &[UiCommand::Undo, UiCommand::Redo, UiCommand::Paste],
    ),
    (
        "View",
        &[
            UiCommand::Compare,
            UiCommand::Presentation,
            UiCommand::FullScreen,
        ],
    ),
];

/// Opens each menu on `os` and says which items lacked their shortcut.
fn menus_missing(os: OperatingSystem) -> Vec<String> {
    let mut missing = Vec::new();
    for (menu, commands) in MENUS {
        let mut h = harness(asynclab::app::default_scene());
        h.ctx.set_os(os);
        h.run_steps(2);
        h.get_by_label(menu).click();
        h.run_steps(2);
        for c in *commands {
            let text = c.menu_text(os, None);
            if !shows(&h, &text) {
                missing.push(text);
            }
        }
    }
    missing
}

#[test]
fn menus_show_the_tables_shortcuts_ctrl_here_and_cmd_on_macos() {
    assert_eq!(menus_missing(OperatingSystem::Nix), Vec::<String>::new());
    assert_eq!(menus_missing(OperatingSystem::Mac), Vec::<String>::new());
    assert_eq!(
        UiCommand::Open.menu_text(OperatingSystem::Mac, None),
        "Open… Cmd+O"
    );
    // The help window names the keys as the system does.
    let mut h = harness(asynclab::app::default_scene());
    h.ctx.set_os(OperatingSystem::Mac);
    h.run_steps(2);
    h.state_mut().app.apply(AppAction::ShowHelp);
    h.run_steps(3);
    assert!(
        shows(&h, "Shift+Cmd+Z  Cmd+Y"),
        "the help on macOS says Cmd"
    );
}

/// `.rs` files under `dir`, recursively.
fn sources(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("source folder").flatten() {
        let p = entry.path();
        if p.is_dir() {
            sources(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

/// The string literals of `code` (comment lines left out), roughly: enough
/// for the text the user reads.
fn literals(code: &str) -> Vec<String> {
    let code: String = code
        .lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n")
        .replace("'\"'", "");
    let mut out = Vec::new();
    let mut chars = code.chars();
    let mut current: Option<String> = None;
    while let Some(c) = chars.next() {
        match (&mut current, c) {
            (None, '"') => current = Some(String::new()),
            (Some(s), '\\') => {
                if let Some(n) = chars.next() {
                    s.push('\\');
                    s.push(n);
                }
            }
            (Some(_), '"') => out.extend(current.take()),
            (Some(s), c) => s.push(c),
            (None, _) => {}
        }
    }
    out
}

/// How a shortcut written by hand looks: in code, a key bound outside the
/// table; in text, a key named outside it.
fn hand_written(code: &str) -> Vec<String> {
    let mut found = Vec::new();
    for line in code.lines().filter(|l| !l.trim_start().starts_with("//")) {
        for bind in ["consume_key", "consume_shortcut", "Modifiers::"] {
            if line.contains(bind) {
                found.push(line.trim().to_string());
            }
        }
        // Enter and Escape confirm and cancel a field or a dialog: not commands.
        if line.contains("Key::") && !line.contains("Key::Enter") && !line.contains("Key::Escape") {
            found.push(line.trim().to_string());
        }
    }
    for text in literals(code) {
        let words: Vec<&str> = text.split(|c: char| !c.is_alphanumeric()).collect();
        // A single capital letter is a key when pressed, bracketed or
        // doing something ("Press C", "(P)", "A toggles", "R restarts").
        let letter_key = words.windows(2).any(|w| {
            let key = |x: &str| x.len() == 1 && x.chars().all(|c| c.is_ascii_uppercase());
            (w[0] == "Press" && key(w[1]))
                || (key(w[0])
                    && ["toggles", "leaves", "restarts", "plays", "opens"].contains(&w[1]))
        }) || text
            .as_bytes()
            .windows(3)
            .any(|w| w[0] == b'(' && w[1].is_ascii_uppercase() && w[2] == b')');
        let named = ["Ctrl", "Cmd", "⌘", "F11"].iter().any(|k| text.contains(k))
            || words.contains(&"Space")
            || letter_key;
        if named {
            found.push(text);
        }
    }
    found
}

#[test]
fn no_shortcut_is_written_outside_the_command_table() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    sources(&src, &mut files);
    assert!(files.len() > 50, "the scan reads the sources");
    let mut found = Vec::new();
    for f in files {
        // The table itself, and the key dispatch that reads it.
        if f.ends_with("app/commands.rs") {
            continue;
        }
        let code = std::fs::read_to_string(&f).expect("source");
        for hit in hand_written(&code) {
            found.push(format!("{}: {hit}", f.display()));
        }
    }
    assert!(
        found.is_empty(),
        "shortcuts written outside the table: {found:#?}"
    );
    // The scan sees what it is for.
    assert!(!hand_written("ui.button(\"Save (Ctrl+S)\")").is_empty());
    assert!(!hand_written("i.consume_key(Modifiers::NONE, Key::P)").is_empty());
    assert!(!hand_written("\"Presentation mode (P)\"").is_empty());
    assert!(!hand_written("\"Press C to compare\"").is_empty());
    assert!(hand_written("\"Erlang C p95\"").is_empty());
}
