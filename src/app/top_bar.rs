//! The top bar: the menu (File, Scenes, View, Help), then the scene's title,
//! the transport (play, speed, step, restart, reset), the large SYNC | ASYNC
//! switches and the clock.

use super::action::AppAction;
use super::files::Prefs;
use super::{palette, plain};
use crate::host::{Command, Snapshot, Speed, StepKind};
use crate::scenario::{BUILTIN_SCENES, Change, Mode};
use egui::RichText;
use std::path::PathBuf;

/// Plot spans the View menu offers, s of sim time.
const SPANS_S: [f64; 5] = [60.0, 300.0, 900.0, 3600.0, 86_400.0];

/// Draws the menu and the transport row. `controls_shown` says whether the
/// controls panel is open (the View menu toggles it).
pub fn ui(
    ui: &mut egui::Ui,
    snap: &Snapshot,
    prefs: &Prefs,
    controls_shown: bool,
    actions: &mut Vec<AppAction>,
) {
    egui::MenuBar::new().ui(ui, |ui| {
        ui.menu_button("File", |ui| file_menu(ui, &prefs.recent, actions));
        ui.menu_button("Edit", |ui| super::workshop::edit_menu(ui, actions));
        ui.menu_button("Scenes", |ui| scenes_menu(ui, actions));
        ui.menu_button("View", |ui| view_menu(ui, prefs, controls_shown, actions));
        ui.menu_button("Help", |ui| {
            if ui.button("Keyboard & about").clicked() {
                actions.push(AppAction::ShowHelp);
            }
            if ui.button("This scene's lesson").clicked() {
                actions.push(AppAction::ShowLesson);
            }
        });
    });
    ui.horizontal_wrapped(|ui| {
        title(ui, snap);
        ui.separator();
        transport(ui, snap, actions);
        ui.separator();
        mode_switches(ui, snap, actions);
        ui.separator();
        clock(ui, snap);
        super::workshop::check_button(ui, snap, actions);
    });
}

fn file_menu(ui: &mut egui::Ui, recent: &[PathBuf], actions: &mut Vec<AppAction>) {
    if ui.button("Open… (Ctrl+O)").clicked() {
        actions.push(AppAction::PickOpen);
    }
    ui.menu_button("Open recent", |ui| {
        if recent.is_empty() {
            ui.label("(none yet)");
        }
        for p in recent {
            if ui.button(p.display().to_string()).clicked() {
                actions.push(AppAction::Open(p.clone()));
            }
        }
    });
    if ui.button("Save (Ctrl+S)").clicked() {
        actions.push(AppAction::Save);
    }
    if ui.button("Save As…").clicked() {
        actions.push(AppAction::SaveAs);
    }
    if ui
        .button("Save Recording…")
        .on_hover_text(
            "The scene with every live change of this run appended to its timeline: \
             opening it replays the run.",
        )
        .clicked()
    {
        actions.push(AppAction::SaveRecording);
    }
    ui.separator();
    ui.menu_button("Export", |ui| super::workshop::export_menu(ui, actions));
}

fn scenes_menu(ui: &mut egui::Ui, actions: &mut Vec<AppAction>) {
    if BUILTIN_SCENES.is_empty() {
        ui.label("(no built-in scenes in this build)");
    }
    for s in BUILTIN_SCENES {
        let title = crate::scenario::builtin(s.file)
            .and_then(Result::ok)
            .map_or_else(|| s.file.to_string(), |sc| sc.title);
        if ui.button(title).clicked() {
            actions.push(AppAction::OpenBuiltin(s.file));
        }
    }
}

/// Panels, presentation mode, theme, UI scale and plot span. The widgets
/// edit copies; a copy that changed becomes an action.
fn view_menu(ui: &mut egui::Ui, prefs: &Prefs, controls_shown: bool, actions: &mut Vec<AppAction>) {
    let mut shown = controls_shown;
    if ui.checkbox(&mut shown, "Controls panel").changed() {
        actions.push(AppAction::ShowControls(shown));
    }
    let mut presentation = prefs.presentation;
    if ui
        .checkbox(&mut presentation, "Presentation mode (P)")
        .changed()
    {
        actions.push(AppAction::SetPresentation(presentation));
    }
    ui.horizontal(|ui| {
        ui.label("Theme");
        let mut dark = prefs.dark;
        ui.selectable_value(&mut dark, true, "dark");
        ui.selectable_value(&mut dark, false, "light");
        if dark != prefs.dark {
            actions.push(AppAction::SetDark(dark));
        }
    });
    // Steps, not a slider: a slider rescales the menu under the pointer
    // while it is dragged. The same steps as Ctrl+ / Ctrl− / Ctrl+0.
    ui.horizontal(|ui| {
        ui.label("UI scale");
        if ui.button("−").on_hover_text("Ctrl+−").clicked() {
            actions.push(AppAction::SetUiScale(super::keys::scale_step(
                prefs.ui_scale,
                -1,
            )));
        }
        ui.label(format!("{:.0} %", prefs.ui_scale * 100.0));
        if ui.button("+").on_hover_text("Ctrl++").clicked() {
            actions.push(AppAction::SetUiScale(super::keys::scale_step(
                prefs.ui_scale,
                1,
            )));
        }
        if ui.button("100 %").on_hover_text("Ctrl+0").clicked() {
            actions.push(AppAction::SetUiScale(1.0));
        }
    });
    if ui.button("Full screen (F11)").clicked() {
        actions.push(AppAction::ToggleFullscreen);
    }
    ui.horizontal(|ui| {
        ui.label("Plot span");
        let mut span = prefs.span_s;
        for s in SPANS_S {
            ui.selectable_value(&mut span, s, crate::fmt::span(s));
        }
        if span != prefs.span_s {
            actions.push(AppAction::SetSpan(span));
        }
    });
}

/// The scene's title; a dot after it while there are unsaved live changes.
fn title(ui: &mut egui::Ui, snap: &Snapshot) {
    let dirty = if snap.dirty { " •" } else { "" };
    ui.label(
        RichText::new(format!("{}{dirty}", plain(&snap.edited.title)))
            .heading()
            .strong(),
    )
    .on_hover_text(if snap.dirty {
        "unsaved live changes"
    } else {
        "no unsaved changes"
    });
}

/// Play/pause, speed, steps, next event, restart and reset.
fn transport(ui: &mut egui::Ui, snap: &Snapshot, actions: &mut Vec<AppAction>) {
    let mut host = |c: Command| actions.push(AppAction::Host(c));
    let play = if snap.playing { "Pause" } else { "Play" };
    if ui.button(play).on_hover_text("Space").clicked() {
        host(Command::TogglePlay);
    }
    let mut speed = snap.speed;
    egui::ComboBox::new("speed", "speed")
        .selected_text(speed.label())
        .show_ui(ui, |ui| {
            for s in crate::host::SPEEDS {
                ui.selectable_value(&mut speed, Speed::Times(s), Speed::Times(s).label());
            }
            ui.selectable_value(&mut speed, Speed::Max, "max");
        });
    if speed != snap.speed {
        host(Command::SetSpeed(speed));
    }
    if ui.button("step event").clicked() {
        host(Command::Step(StepKind::Event));
    }
    if ui.button("step window").clicked() {
        host(Command::Step(StepKind::Window));
    }
    let next = egui::Button::new("next event");
    if ui
        .add_enabled(snap.next_scripted_s.is_some(), next)
        .on_hover_text("Run to the next scripted event, then pause")
        .clicked()
    {
        host(Command::JumpToNextScripted);
    }
    if ui
        .button("Restart")
        .on_hover_text("R: same scene and seed from zero, keeping your changes")
        .clicked()
    {
        host(Command::Restart);
    }
    if ui
        .button("Reset to file")
        .on_hover_text("Discard your changes and start over")
        .clicked()
    {
        host(Command::ResetToFile);
    }
}

/// The large SYNC | ASYNC switch, one per endpoint when there are several.
fn mode_switches(ui: &mut egui::Ui, snap: &Snapshot, actions: &mut Vec<AppAction>) {
    let several = snap.live.endpoints.len() > 1;
    for e in &snap.live.endpoints {
        if several {
            ui.label(&e.name);
        }
        for mode in [Mode::Sync, Mode::Async] {
            let on = e.mode == mode;
            let button = mode_button(ui, mode, on);
            let r = ui.add(button).on_hover_text("A toggles every endpoint");
            if r.clicked() && !on {
                actions.push(AppAction::change(Change::SetMode {
                    endpoint: Some(e.name.clone()),
                    mode,
                }));
            }
        }
    }
}

/// The switch for `mode`; when `on`, white on the mode's colour.
fn mode_button(ui: &egui::Ui, mode: Mode, on: bool) -> egui::Button<'static> {
    let label = if mode == Mode::Sync { "SYNC" } else { "ASYNC" };
    let text = RichText::new(label).size(18.0).strong();
    if !on {
        let fill = ui.visuals().widgets.inactive.weak_bg_fill;
        return egui::Button::new(text).fill(fill).selected(false);
    }
    let fill = if mode == Mode::Sync {
        palette::OKABE_ITO[5]
    } else {
        palette::OKABE_ITO[2]
    };
    egui::Button::new(text.color(egui::Color32::WHITE))
        .fill(fill)
        .selected(true)
}

/// Sim time, and the speed actually reached when the sim cannot keep up.
fn clock(ui: &mut egui::Ui, snap: &Snapshot) {
    ui.label(format!("t = {}", crate::fmt::clock(snap.now_s)));
    match (snap.speed, snap.lagging_at) {
        (Speed::Max, Some(x)) => {
            ui.label(format!("running at {x:.0}×"));
        }
        (Speed::Times(_), Some(x)) => {
            ui.colored_label(palette::AMBER, format!("can't keep up: running at {x:.1}×"));
        }
        _ => {}
    }
}
