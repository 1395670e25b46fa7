//! The top bar: the menu (File, Scenes, View, Help), then the scene's title,
//! the transport (play, speed, step, restart, reset), the large SYNC | ASYNC
//! switches and the clock.

use super::action::AppAction;
use super::commands::{UiCommand, menu_button, menu_checkbox};
use super::files::Prefs;
use super::{palette, plain};
use crate::host::{Command, Snapshot, Speed, StepKind};
use crate::scenario::{BUILTIN_SCENES, Change, Mode};
use egui::RichText;
use std::path::PathBuf;

/// Plot spans the View menu offers, s of sim time.
const SPANS_S: [f64; 5] = [60.0, 300.0, 900.0, 3600.0, 86_400.0];

/// What the View menu shows of the app's own state.
#[derive(Clone, Copy)]
pub struct ViewState {
    /// The controls panel is open.
    pub controls_shown: bool,
    /// How the compare view lays out its plots.
    pub compare_layout: super::compare::PlotLayout,
    /// Presenting at a smaller scale than chosen, to fit the window.
    pub fitted_zoom: Option<f32>,
}

/// What the Edit and View menus say of the story: what Undo and Redo
/// would do, and whether the Timeline panel is open.
pub struct Story {
    /// "Undo: ..." (None: nothing to undo).
    pub undo: Option<String>,
    /// "Redo: ..." (None: nothing to redo).
    pub redo: Option<String>,
    /// The Timeline panel is shown.
    pub timeline_shown: bool,
}

/// Draws the menu and the transport row.
pub fn ui(
    ui: &mut egui::Ui,
    snap: &Snapshot,
    prefs: &Prefs,
    view: ViewState,
    story: &Story,
    actions: &mut Vec<AppAction>,
) {
    if prefs.presentation {
        // Presenting, the menus and the transport share rows: at a large
        // scale every row the bar saves goes to the plots.
        ui.horizontal_wrapped(|ui| {
            menus(ui, snap, prefs, view, story, actions);
            ui.separator();
            clock(ui, snap);
            ui.separator();
            transport_row(ui, snap, prefs, actions);
        });
        return;
    }
    egui::MenuBar::new().ui(ui, |ui| {
        menus(ui, snap, prefs, view, story, actions);
        // The clock stands at the right of the menus, where there is room
        // at any scale: the transport row below keeps to fewer rows and
        // the clock never wraps onto one of its own.
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            clock(ui, snap);
        });
    });
    ui.horizontal_wrapped(|ui| transport_row(ui, snap, prefs, actions));
}

/// The File, Edit, Scenes, View and Help menus.
fn menus(
    ui: &mut egui::Ui,
    snap: &Snapshot,
    prefs: &Prefs,
    view: ViewState,
    story: &Story,
    actions: &mut Vec<AppAction>,
) {
    ui.menu_button("File", |ui| file_menu(ui, &prefs.recent, actions));
    ui.menu_button("Edit", |ui| {
        edit_menu(ui, story, actions);
        ui.separator();
        super::workshop::edit_menu(ui, actions);
    });
    ui.menu_button("Scenes", |ui| scenes_menu(ui, actions));
    ui.menu_button("View", |ui| {
        compare_menu(ui, snap, view.compare_layout, actions);
        ui.separator();
        let mut timeline = story.timeline_shown;
        if ui.checkbox(&mut timeline, "Timeline panel").changed() {
            actions.push(AppAction::ShowTimeline(timeline));
        }
        view_menu(ui, prefs, view, actions)
    });
    ui.menu_button("Help", |ui| {
        if ui.button("Keyboard & about").clicked() {
            actions.push(AppAction::ShowHelp);
        }
        if ui.button("This scene's lesson").clicked() {
            actions.push(AppAction::ShowLesson);
        }
    });
}

/// The scene's title (presenting, the lesson line says what the scene
/// is), the transport, the compare switch and (solo) the mode switches.
fn transport_row(ui: &mut egui::Ui, snap: &Snapshot, prefs: &Prefs, actions: &mut Vec<AppAction>) {
    if !prefs.presentation {
        title(ui, snap);
        ui.separator();
    }
    transport(ui, snap, prefs.presentation, actions);
    ui.separator();
    compare_switch(ui, snap, actions);
    if !snap.compare {
        // Comparing, each twin has its own switch above its column.
        mode_switches(ui, snap, actions);
    }
    super::workshop::check_button(ui, snap, actions);
}

fn file_menu(ui: &mut egui::Ui, recent: &[PathBuf], actions: &mut Vec<AppAction>) {
    if ui.add(menu_button(ui, UiCommand::Open, None)).clicked() {
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
    if ui.add(menu_button(ui, UiCommand::Save, None)).clicked() {
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
    ui.separator();
    if ui
        .add(menu_button(ui, UiCommand::Quit, None))
        .on_hover_text("Asks first when the scene has unsaved edits")
        .clicked()
    {
        actions.push(AppAction::Quit);
    }
}

/// Undo and Redo, saying what they will do ("Undo: database connections
/// 5 -> 10"); greyed out when there is nothing.
fn edit_menu(ui: &mut egui::Ui, story: &Story, actions: &mut Vec<AppAction>) {
    let undo = story.undo.clone().unwrap_or_else(|| "Undo".into());
    let b = menu_button(ui, UiCommand::Undo, Some(&undo));
    if ui.add_enabled(story.undo.is_some(), b).clicked() {
        actions.push(AppAction::Undo);
    }
    let redo = story.redo.clone().unwrap_or_else(|| "Redo".into());
    let b = menu_button(ui, UiCommand::Redo, Some(&redo));
    if ui.add_enabled(story.redo.is_some(), b).clicked() {
        actions.push(AppAction::Redo);
    }
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
fn view_menu(ui: &mut egui::Ui, prefs: &Prefs, view: ViewState, actions: &mut Vec<AppAction>) {
    let mut shown = view.controls_shown;
    if ui.checkbox(&mut shown, "Controls panel").changed() {
        actions.push(AppAction::ShowControls(shown));
    }
    let mut presentation = prefs.presentation;
    if ui
        .add(menu_checkbox(
            ui,
            &mut presentation,
            UiCommand::Presentation,
        ))
        .changed()
    {
        actions.push(AppAction::SetPresentation(presentation));
    }
    let mut plain = prefs.plain_words();
    if ui
        .checkbox(&mut plain, "Plain words for the room")
        .on_hover_text("The headline, strip, diagram, lesson and captions say \"95% of users waited at most\", \"retrying\", \"lost (dead letters)\" instead of p95, in backoff, dead-lettered; the engineer's term on hover. On by default in presentation mode.")
        .changed()
    {
        actions.push(AppAction::SetPlainWords(plain));
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
    // while it is dragged. The same steps as the zoom keys.
    let os = ui.ctx().os();
    ui.horizontal(|ui| {
        ui.label("UI scale");
        let out = UiCommand::ZoomOut;
        if ui
            .button(out.spec().name)
            .on_hover_text(out.shortcut(os))
            .clicked()
        {
            actions.push(AppAction::SetUiScale(super::keys::scale_step(
                prefs.ui_scale,
                -1,
            )));
        }
        match view.fitted_zoom {
            Some(zoom) => ui.label(format!(
                "{:.0} % ({:.0} % to fit this window)",
                prefs.ui_scale * 100.0,
                zoom * 100.0
            )),
            None => ui.label(format!("{:.0} %", prefs.ui_scale * 100.0)),
        };
        let zoom_in = UiCommand::ZoomIn;
        if ui
            .button(zoom_in.spec().name)
            .on_hover_text(zoom_in.shortcut(os))
            .clicked()
        {
            actions.push(AppAction::SetUiScale(super::keys::scale_step(
                prefs.ui_scale,
                1,
            )));
        }
        let reset = UiCommand::ZoomReset;
        if ui
            .button(reset.spec().name)
            .on_hover_text(reset.shortcut(os))
            .clicked()
        {
            actions.push(AppAction::SetUiScale(1.0));
        }
    });
    if ui.button("Request journey").clicked() {
        actions.push(AppAction::ShowJourney);
    }
    if ui.button("Load curve").clicked() {
        actions.push(AppAction::ShowLoadCurve);
    }
    if ui
        .add(menu_button(ui, UiCommand::FullScreen, None))
        .clicked()
    {
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

/// The View menu's compare entries: on or off, and the plots' layout.
fn compare_menu(
    ui: &mut egui::Ui,
    snap: &Snapshot,
    layout: super::compare::PlotLayout,
    actions: &mut Vec<AppAction>,
) {
    use super::compare::PlotLayout;
    let mut on = snap.compare;
    if ui
        .add(menu_checkbox(ui, &mut on, UiCommand::Compare))
        .changed()
    {
        actions.push(AppAction::Host(Command::SetCompare(on)));
    }
    ui.horizontal(|ui| {
        ui.label("Twins' plots");
        let mut l = layout;
        ui.selectable_value(&mut l, PlotLayout::Overlaid, "overlaid");
        ui.selectable_value(&mut l, PlotLayout::Split, "a column each");
        if l != layout {
            actions.push(AppAction::SetCompareLayout(l));
        }
    });
}

/// The COMPARE switch: the scene's twins side by side, or the one run.
fn compare_switch(ui: &mut egui::Ui, snap: &Snapshot, actions: &mut Vec<AppAction>) {
    let text = RichText::new("COMPARE").size(18.0).strong();
    let button = if snap.compare {
        egui::Button::new(text.color(palette::on_fill(palette::OKABE_ITO[0])))
            .fill(palette::OKABE_ITO[0])
            .selected(true)
    } else {
        egui::Button::new(text).selected(false)
    };
    let what = if snap.compare {
        "Back to one run"
    } else {
        "The same users, sync and async (or the scene's variants), side by side"
    };
    let hover = format!("{what} ({})", UiCommand::Compare.shortcut(ui.ctx().os()));
    if ui.add(button).on_hover_text(hover).clicked() {
        actions.push(AppAction::Host(Command::SetCompare(!snap.compare)));
    }
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

/// Play/pause, speed, steps, next event, restart and reset. Presenting,
/// the engineer's steps and the reset stay out of the room's sight (out
/// of presentation mode they are back): the bar keeps to fewer rows, so
/// the plots keep the height at a large scale.
fn transport(ui: &mut egui::Ui, snap: &Snapshot, presentation: bool, actions: &mut Vec<AppAction>) {
    let os = ui.ctx().os();
    let mut host = |c: Command| actions.push(AppAction::Host(c));
    let play = if snap.playing { "Pause" } else { "Play" };
    if ui
        .button(play)
        .on_hover_text(UiCommand::PlayPause.shortcut(os))
        .clicked()
    {
        host(Command::TogglePlay);
    }
    let mut speed = snap.speed;
    // Presenting, "1000×" says it without the word: the bar keeps a row.
    let combo = if presentation {
        egui::ComboBox::from_id_salt("speed")
    } else {
        egui::ComboBox::new("speed", "speed")
    };
    let shown = combo.selected_text(speed.label()).show_ui(ui, |ui| {
        for s in crate::host::SPEEDS {
            ui.selectable_value(&mut speed, Speed::Times(s), Speed::Times(s).label());
        }
        ui.selectable_value(&mut speed, Speed::Max, "max");
    });
    // Without its word on screen, screen readers still hear "speed".
    shown
        .response
        .widget_info(|| egui::WidgetInfo::labeled(egui::Role::ComboBox, true, "speed"));
    if speed != snap.speed {
        host(Command::SetSpeed(speed));
    }
    if !presentation && ui.button("step event").clicked() {
        host(Command::Step(StepKind::Event));
    }
    if !presentation && ui.button("step window").clicked() {
        host(Command::Step(StepKind::Window));
    }
    let next = egui::Button::new("next event");
    if !presentation
        && ui
            .add_enabled(snap.next_scripted_s.is_some(), next)
            .on_hover_text("Run to the next scripted event, then pause")
            .clicked()
    {
        host(Command::JumpToNextScripted);
    }
    if ui
        .button("Restart")
        .on_hover_text(format!("{}: the scene from zero, same seed, your knob tweaks kept; it starts in the scene's own modes and runs its script", UiCommand::Restart.shortcut(os)))
        .clicked()
    {
        host(Command::Restart);
    }
    if !presentation
        && ui
            .button("Reset to file")
        .on_hover_text("Discard your changes and start over from the scene's file (asks first; Undo brings them back)")
        .clicked()
    {
        actions.push(AppAction::ResetToFile);
    }
}

/// The large SYNC | ASYNC switch, one per endpoint when there are several.
fn mode_switches(ui: &mut egui::Ui, snap: &Snapshot, actions: &mut Vec<AppAction>) {
    let several = snap.first().live.endpoints.len() > 1;
    let hint = format!(
        "{} toggles every endpoint",
        UiCommand::ToggleModes.shortcut(ui.ctx().os())
    );
    for e in &snap.first().live.endpoints {
        if several {
            ui.label(&e.name);
        }
        for mode in [Mode::Sync, Mode::Async] {
            let on = e.mode == mode;
            let button = mode_button(ui, mode, on);
            let r = ui.add(button).on_hover_text(&hint);
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
pub(crate) fn mode_button(ui: &egui::Ui, mode: Mode, on: bool) -> egui::Button<'static> {
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
    egui::Button::new(text.color(palette::on_fill(fill)))
        .fill(fill)
        .selected(true)
}

/// Sim time, and the speed actually reached when the sim cannot keep up.
fn clock(ui: &mut egui::Ui, snap: &Snapshot) {
    // One piece: the row wraps before it, never inside it.
    let text = format!("t = {}", crate::fmt::clock(snap.now_s));
    ui.add(egui::Label::new(text).wrap_mode(egui::TextWrapMode::Extend));
    match (snap.speed, snap.lagging_at) {
        (Speed::Max, Some(x)) => {
            ui.label(format!("running at {x:.0}×"));
        }
        (Speed::Times(_), Some(x)) => {
            let ink = palette::text(palette::AMBER, ui.visuals().dark_mode);
            ui.colored_label(ink, format!("can't keep up: running at {x:.1}×"));
        }
        _ => {}
    }
}
