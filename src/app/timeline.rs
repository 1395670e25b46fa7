//! The Timeline panel (View -> Timeline panel): the scene's story, edited
//! in the app.
//!
//! - Jump to any time: a slider and field; the host replays the run from
//!   t = 0 at full speed to there (live changes included), with a progress
//!   bar and Cancel.
//! - Every scripted event (the scene's, each twin's own, those switched
//!   off) with its time and what it changes in words; click one to edit,
//!   switch off, or delete it. "Add caption here" adds one at the current
//!   sim time. Clicking a marker on a plot selects its event here.
//! - The scene's clock cues (slow stretches, pauses), read-only.
//! - The lesson and watch texts.
//!
//! Every edit is an edit of the scene (Save writes it, undo takes it back).
//! The run on screen keeps the events it started with: edits play from the
//! next Restart or jump, and the panel says so while they differ.

use super::action::AppAction;
use super::{palette, plain};
use crate::host::{Command, ScriptedEvent, Snapshot, TimelineEdit, scripted_events};
use crate::scenario::knobs;
use crate::scenario::{Change, Mode, OutageKind, Scenario, Settings};

/// The panel's state: what is selected, the form being edited, the texts
/// being typed.
#[derive(Default)]
pub struct TimelinePanel {
    /// Shown (View menu; clicking a marker opens it).
    pub shown: bool,
    /// Where "Go" jumps to, s of sim time.
    seek_to_s: f64,
    /// The event being edited (or added).
    form: Option<Form>,
    /// Text of the next "Add caption here".
    caption: String,
    /// Lesson and watch as being typed, and as the scene had them when
    /// typing started.
    texts: Texts,
    /// The scene's scripted events, in time order, with the scene they
    /// were listed from (listed again only when it changes).
    listed: Option<(std::sync::Arc<Scenario>, std::sync::Arc<Vec<ScriptedEvent>>)>,
}

/// Most scripted events the panel lists at once: those around the run's
/// time. A scene may script 100,000; a widget each, every frame, would
/// make the window slow. Jumping in time lists the others.
pub const LISTED_EVENTS: usize = 200;

#[derive(Default)]
struct Texts {
    base: (String, String),
    lesson: String,
    watch: String,
}

/// What an event does, as the form edits it.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Kind {
    Caption,
    Knob,
    Mode,
    OutageStart,
    OutageEnd,
    /// A dependency's outage starts (scenes with dependencies).
    DependencyOutage,
    /// A dependency's outage ends.
    DependencyBack,
    /// A change the form keeps as it is (scheduling, retry policy).
    Kept,
}

/// One event being edited or added.
struct Form {
    /// The event as it is in the scene (`None`: a new one).
    original: Option<ScriptedEvent>,
    at_s: f64,
    variant: Option<String>,
    enabled: bool,
    kind: Kind,
    text: String,
    path: String,
    value: f64,
    endpoint: Option<String>,
    mode: Mode,
    /// A caption's mode: the one it describes (`None`: either).
    describes: Option<Mode>,
    outage: OutageKind,
    /// The dependency of an outage (a dependency kind).
    dependency: String,
    kept: Option<Change>,
    /// Why the last Apply was refused.
    problem: Option<String>,
}

impl Form {
    /// A new event at `at_s`, of `kind`.
    fn new(at_s: f64, kind: Kind, live: &Settings) -> Form {
        let path = "database.connections".to_string();
        Form {
            original: None,
            at_s,
            variant: None,
            enabled: true,
            kind,
            text: String::new(),
            value: knobs::get(live, &path).unwrap_or(0.0),
            path,
            endpoint: None,
            mode: Mode::Async,
            describes: None,
            outage: OutageKind::FailFast,
            dependency: live
                .dependencies
                .first()
                .map(|d| d.name.clone())
                .unwrap_or_default(),
            kept: None,
            problem: None,
        }
    }

    /// The form on an existing event.
    fn of(e: &ScriptedEvent, live: &Settings) -> Form {
        let mut f = Form::new(e.at_s, Kind::Kept, live);
        f.original = Some(e.clone());
        f.variant = e.variant.clone();
        f.enabled = e.enabled;
        f.describes = e.mode;
        match &e.change {
            Change::Caption(t) => (f.kind, f.text) = (Kind::Caption, t.clone()),
            Change::Set { path, value } => {
                (f.kind, f.path, f.value) = (Kind::Knob, path.clone(), *value);
            }
            Change::SetMode { endpoint, mode } => {
                (f.kind, f.endpoint, f.mode) = (Kind::Mode, endpoint.clone(), *mode);
            }
            Change::OutageStart(k) => (f.kind, f.outage) = (Kind::OutageStart, *k),
            Change::OutageEnd => f.kind = Kind::OutageEnd,
            Change::DependencyOutage { name, kind } => {
                (f.kind, f.dependency, f.outage) = (Kind::DependencyOutage, name.clone(), *kind);
            }
            Change::DependencyOutageEnd { name } => {
                (f.kind, f.dependency) = (Kind::DependencyBack, name.clone());
            }
            other => f.kept = Some(other.clone()),
        }
        f
    }

    fn change(&self) -> Change {
        match self.kind {
            Kind::Caption => Change::Caption(self.text.clone()),
            Kind::Knob => Change::Set {
                path: self.path.clone(),
                value: self.value,
            },
            Kind::Mode => Change::SetMode {
                endpoint: self.endpoint.clone(),
                mode: self.mode,
            },
            Kind::OutageStart => Change::OutageStart(self.outage),
            Kind::OutageEnd => Change::OutageEnd,
            Kind::DependencyOutage => Change::DependencyOutage {
                name: self.dependency.clone(),
                kind: self.outage,
            },
            Kind::DependencyBack => Change::DependencyOutageEnd {
                name: self.dependency.clone(),
            },
            Kind::Kept => self.kept.clone().unwrap_or(Change::OutageEnd),
        }
    }

    fn event(&self) -> ScriptedEvent {
        ScriptedEvent {
            mode: self.describes.filter(|_| self.kind == Kind::Caption),
            at_s: self.at_s,
            change: self.change(),
            variant: self.variant.clone(),
            enabled: self.enabled,
        }
    }

    /// The edit Apply makes: add the new event, or replace the original.
    fn edit(&self) -> TimelineEdit {
        match &self.original {
            None => TimelineEdit::Add(self.event()),
            Some(old) => TimelineEdit::Replace {
                old: old.clone(),
                new: self.event(),
            },
        }
    }
}

impl TimelinePanel {
    /// Selects the scene's event at `t_s` (the one making `change` if
    /// there are several) and shows the panel: a marker was clicked.
    pub fn select_at(&mut self, t_s: f64, change: &Change, scene: &Scenario, live: &Settings) {
        let all = scripted_events(scene);
        let at = |e: &&ScriptedEvent| (e.at_s - t_s).abs() < 1e-6;
        let found = all
            .iter()
            .filter(at)
            .find(|e| e.change == *change)
            .or_else(|| all.iter().find(at));
        if let Some(e) = found {
            self.form = Some(Form::of(e, live));
        }
        self.shown = true;
    }

    /// The event selected in the panel, if any.
    pub fn selected(&self) -> Option<ScriptedEvent> {
        self.form.as_ref().and_then(|f| f.original.clone())
    }

    /// Draws the panel.
    pub fn ui(&mut self, ui: &mut egui::Ui, snap: &Snapshot, actions: &mut Vec<AppAction>) {
        ui.horizontal(|ui| {
            ui.heading("Timeline");
            if ui.button("Close").clicked() {
                actions.push(AppAction::ShowTimeline(false));
            }
        });
        egui::ScrollArea::vertical()
            .auto_shrink([false, false])
            .show(ui, |ui| {
                self.seek_ui(ui, snap, actions);
                ui.separator();
                how_edits_apply(ui, snap, actions);
                self.events_ui(ui, snap);
                cues_ui(ui, snap);
                self.add_ui(ui, snap, actions);
                if let Some(form) = &mut self.form {
                    ui.separator();
                    if form_ui(ui, form, snap, actions) {
                        self.form = None;
                    }
                }
                ui.separator();
                self.texts_ui(ui, snap, actions);
            });
    }

    /// Jump to a time, or the progress of a jump with Cancel.
    fn seek_ui(&mut self, ui: &mut egui::Ui, snap: &Snapshot, actions: &mut Vec<AppAction>) {
        ui.label(egui::RichText::new("Jump to any time").strong());
        if let Some(seek) = snap.seek {
            let done = seek.done(snap.now_s);
            let text = format!(
                "replaying to {}: {:.0} %",
                crate::fmt::clock(seek.to_s),
                done * 100.0
            );
            ui.add(egui::ProgressBar::new(done as f32).text(text));
            if ui.button("Cancel jump").clicked() {
                actions.push(AppAction::Host(Command::CancelSeek));
            }
            return;
        }
        let end = snap.duration_s.max(snap.now_s);
        self.seek_to_s = self.seek_to_s.clamp(0.0, end);
        ui.horizontal(|ui| {
            // The slider takes the row, less its value field and Go.
            ui.spacing_mut().slider_width = (ui.available_width() - 130.0).max(80.0);
            ui.add(
                egui::Slider::new(&mut self.seek_to_s, 0.0..=end)
                    .custom_formatter(|v, _| crate::fmt::clock(v))
                    .custom_parser(parse_clock),
            )
            .on_hover_text("Type h:mm:ss, m:ss or seconds");
            if ui
                .button("Go")
                .on_hover_text(
                    "Replays the run from 0:00 at full speed to this time (your live \
                     changes included), then pauses there",
                )
                .clicked()
            {
                actions.push(AppAction::Host(Command::Seek(self.seek_to_s)));
            }
        });
    }

    /// Every scripted event in time order; click one to edit it.
    fn events_ui(&mut self, ui: &mut egui::Ui, snap: &Snapshot) {
        let all = match &self.listed {
            Some((scene, all)) if std::sync::Arc::ptr_eq(scene, &snap.edited) => all.clone(),
            _ => {
                let all = std::sync::Arc::new(scripted_events(&snap.edited));
                self.listed = Some((snap.edited.clone(), all.clone()));
                all
            }
        };
        if let Some(old) = self.form.as_ref().and_then(|f| f.original.as_ref())
            && !all.contains(old)
        {
            // Gone (undone, another scene): nothing left to edit.
            self.form = None;
        }
        ui.label(egui::RichText::new(format!("Scripted events ({})", all.len())).strong());
        if all.is_empty() {
            ui.label("(none yet)");
        }
        let selected = self.selected();
        // The events around now: a tenth of the list before it.
        let now = all.partition_point(|e| e.at_s < snap.now_s);
        let start = now
            .saturating_sub(LISTED_EVENTS / 10)
            .min(all.len().saturating_sub(LISTED_EVENTS));
        let end = (start + LISTED_EVENTS).min(all.len());
        if start > 0 {
            ui.weak(format!(
                "… {start} earlier (jump back in time to list them)"
            ));
        }
        for e in &all[start..end] {
            let text = event_line(e, &snap.first().live);
            let mut rich = egui::RichText::new(&text);
            if !e.enabled {
                rich = rich.weak().italics();
            }
            let on = selected.as_ref() == Some(e);
            if ui.selectable_label(on, rich).clicked() {
                self.form = if on {
                    None
                } else {
                    Some(Form::of(e, &snap.first().live))
                };
            }
        }
        if end < all.len() {
            ui.weak(format!(
                "… {} later (jump ahead in time to list them)",
                all.len() - end
            ));
        }
    }

    /// "Add caption here" at the current sim time, and "Add event".
    fn add_ui(&mut self, ui: &mut egui::Ui, snap: &Snapshot, actions: &mut Vec<AppAction>) {
        let now = (snap.now_s * 1000.0).round() / 1000.0;
        ui.horizontal_wrapped(|ui| {
            let label = ui.label("New caption");
            let field = egui::TextEdit::singleline(&mut self.caption)
                .hint_text("text")
                .desired_width(140.0);
            let r = ui.add(field).labelled_by(label.id);
            let add = ui
                .button("Add caption here")
                .on_hover_text(format!("A caption at {}", crate::fmt::clock(now)));
            let typed = !self.caption.trim().is_empty();
            let entered = r.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
            if (add.clicked() || entered) && typed {
                let e = ScriptedEvent {
                    mode: None,
                    at_s: now,
                    change: Change::Caption(self.caption.trim().to_string()),
                    variant: None,
                    enabled: true,
                };
                actions.push(AppAction::Host(Command::EditTimeline(TimelineEdit::Add(e))));
                self.caption.clear();
            } else if add.clicked() {
                self.form = Some(Form::new(now, Kind::Caption, &snap.first().live));
            }
        });
        if ui.button("Add event").clicked() {
            self.form = Some(Form::new(now, Kind::Knob, &snap.first().live));
        }
    }

    /// The lesson and watch texts, edited and saved as one edit.
    fn texts_ui(&mut self, ui: &mut egui::Ui, snap: &Snapshot, actions: &mut Vec<AppAction>) {
        let scene = (snap.edited.lesson.clone(), snap.edited.watch.clone());
        if self.texts.base != scene {
            // Another scene, an undo, or our own edit arrived.
            self.texts = Texts {
                lesson: scene.0.clone(),
                watch: scene.1.clone(),
                base: scene,
            };
        }
        for (title, hint, text, rows) in [
            (
                "Lesson",
                "what the scene teaches",
                &mut self.texts.lesson,
                3,
            ),
            ("Watch", "what to watch on screen", &mut self.texts.watch, 2),
        ] {
            let label = ui
                .horizontal(|ui| {
                    ui.label(egui::RichText::new(title).strong());
                    ui.label(egui::RichText::new(hint).weak()).id
                })
                .inner;
            let field = egui::TextEdit::multiline(text)
                .desired_rows(rows)
                .desired_width(f32::INFINITY);
            ui.add(field).labelled_by(label);
        }
        let changed =
            (&self.texts.lesson, &self.texts.watch) != (&self.texts.base.0, &self.texts.base.1);
        if ui
            .add_enabled(changed, egui::Button::new("Save texts"))
            .clicked()
        {
            actions.push(AppAction::Host(Command::EditTexts {
                lesson: self.texts.lesson.clone(),
                watch: self.texts.watch.clone(),
            }));
        }
    }
}

/// How edits reach the run, and, while the run plays an older timeline,
/// the two ways to play the edited one.
fn how_edits_apply(ui: &mut egui::Ui, snap: &Snapshot, actions: &mut Vec<AppAction>) {
    ui.label(
        egui::RichText::new(
            "Edits change the scene (Save writes them). The run on screen keeps the \
             events it started with: edits play from the next Restart or jump.",
        )
        .small(),
    );
    if !snap.script_pending {
        return;
    }
    let color = palette::text(palette::AMBER, ui.visuals().dark_mode);
    ui.label(
        egui::RichText::new("The timeline was edited: the run still plays the old one.")
            .color(color),
    );
    ui.horizontal(|ui| {
        if ui
            .button("Replay to now")
            .on_hover_text("Replays from 0:00 to the current time with the edited timeline")
            .clicked()
        {
            actions.push(AppAction::Host(Command::Seek(snap.now_s)));
        }
        if ui.button("Restart with it").clicked() {
            actions.push(AppAction::Host(Command::Restart));
        }
    });
}

/// The scene's directions for the live clock (`view.cues`), in time order,
/// and how the presenter overrides them.
fn cues_ui(ui: &mut egui::Ui, snap: &Snapshot) {
    let cues = &snap.edited.view.cues;
    if cues.is_empty() {
        return;
    }
    ui.label(egui::RichText::new(format!("Clock cues ({})", cues.len())).strong())
        .on_hover_text(
            "The scene slows the clock or pauses it here (the live app only: results are \
             the same without). A speed you choose by hand wins until the next cue or Restart.",
        );
    let mut lines: Vec<(f64, String)> = cues
        .iter()
        .map(|c| {
            let at = match c {
                crate::scenario::Cue::Slow { from_s, .. } => *from_s,
                crate::scenario::Cue::Pause { at_s, .. } => *at_s,
            };
            (at, plain(&crate::words::clock_cue(c)))
        })
        .collect();
    lines.sort_by(|a, b| a.0.total_cmp(&b.0));
    for (_, line) in lines {
        ui.label(line);
    }
}

/// "0:01:30  caption: Queue fills", "(off)" for a switched-off event, the
/// twin's name for a twin's own.
fn event_line(e: &ScriptedEvent, live: &Settings) -> String {
    let what = match &e.change {
        Change::Caption(t) => format!("caption: {t}"),
        c => crate::words::change(c, live),
    };
    let twin = e
        .variant
        .as_ref()
        .map_or_else(String::new, |n| format!("[{n}] "));
    let off = if e.enabled { "" } else { " (off)" };
    plain(&format!("{}  {twin}{what}{off}", crate::fmt::clock(e.at_s)))
}

/// The form on one event; true when it should close.
fn form_ui(
    ui: &mut egui::Ui,
    form: &mut Form,
    snap: &Snapshot,
    actions: &mut Vec<AppAction>,
) -> bool {
    let title = if form.original.is_some() {
        "Edit event"
    } else {
        "New event"
    };
    ui.label(egui::RichText::new(title).strong());
    egui::Grid::new("timeline-form")
        .num_columns(2)
        .show(ui, |ui| form_fields(ui, form, snap));
    ui.checkbox(&mut form.enabled, "Enabled")
        .on_hover_text("Off: the event stays in the scene but does not play");
    if let Some(p) = &form.problem {
        ui.colored_label(
            palette::text(palette::RED, ui.visuals().dark_mode),
            plain(p),
        );
    }
    let mut close = false;
    ui.horizontal(|ui| {
        if ui.button("Apply").clicked() {
            let edit = form.edit();
            let mut trial = (*snap.edited).clone();
            match edit.apply(&mut trial) {
                Ok(()) => {
                    actions.push(AppAction::Host(Command::EditTimeline(edit)));
                    close = true;
                }
                Err(e) => form.problem = Some(e),
            }
        }
        if let Some(old) = &form.original
            && ui.button("Delete").clicked()
        {
            let edit = TimelineEdit::Remove(old.clone());
            actions.push(AppAction::Host(Command::EditTimeline(edit)));
            close = true;
        }
        if ui.button("Cancel").clicked() {
            close = true;
        }
    });
    close
}

/// Time, twin, kind and the kind's own fields.
fn form_fields(ui: &mut egui::Ui, form: &mut Form, snap: &Snapshot) {
    let live = &snap.first().live;
    let time = ui.label("at");
    ui.add(
        egui::DragValue::new(&mut form.at_s)
            .range(0.0..=crate::scenario::validate::MAX_DURATION_S)
            .speed(1.0)
            .custom_formatter(|v, _| crate::fmt::clock(v))
            .custom_parser(parse_clock),
    )
    .labelled_by(time.id);
    ui.end_row();
    let names: Vec<String> = snap
        .edited
        .twin_variants()
        .into_iter()
        .map(|v| v.name)
        .collect();
    if snap.compare || !snap.edited.variants.is_empty() {
        ui.label("for");
        let shown = form.variant.clone().unwrap_or_else(|| "every twin".into());
        egui::ComboBox::from_id_salt("timeline-for")
            .selected_text(shown)
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut form.variant, None, "every twin");
                for n in &names {
                    ui.selectable_value(&mut form.variant, Some(n.clone()), n);
                }
            });
        ui.end_row();
    }
    ui.label("what");
    egui::ComboBox::from_id_salt("timeline-kind")
        .selected_text(kind_name(form.kind))
        .show_ui(ui, |ui| {
            for k in [
                Kind::Caption,
                Kind::Knob,
                Kind::Mode,
                Kind::OutageStart,
                Kind::OutageEnd,
            ] {
                ui.selectable_value(&mut form.kind, k, kind_name(k));
            }
            // A dependency's outage, for a scene that has dependencies.
            if !live.dependencies.is_empty() {
                for k in [Kind::DependencyOutage, Kind::DependencyBack] {
                    ui.selectable_value(&mut form.kind, k, kind_name(k));
                }
            }
            if form.kept.is_some() {
                ui.selectable_value(&mut form.kind, Kind::Kept, kind_name(Kind::Kept));
            }
        });
    ui.end_row();
    kind_fields(ui, form, live);
}

/// The fields of the form's kind.
fn kind_fields(ui: &mut egui::Ui, form: &mut Form, live: &Settings) {
    match form.kind {
        Kind::Caption => {
            let l = ui.label("caption text");
            ui.text_edit_singleline(&mut form.text).labelled_by(l.id);
            ui.end_row();
            let l = ui.label("describes").on_hover_text(
                "A caption that describes one mode is left out while the run (or a twin) is in the other",
            );
            let name = |m: Option<Mode>| match m {
                None => "either mode",
                Some(Mode::Sync) => "SYNC only",
                Some(Mode::Async) => "ASYNC only",
            };
            egui::ComboBox::from_id_salt("timeline-describes")
                .selected_text(name(form.describes))
                .show_ui(ui, |ui| {
                    for m in [None, Some(Mode::Sync), Some(Mode::Async)] {
                        ui.selectable_value(&mut form.describes, m, name(m));
                    }
                })
                .response
                .labelled_by(l.id);
        }
        Kind::Knob => {
            ui.label("setting");
            let all = knobs::knobs(live);
            let label = all
                .iter()
                .find(|k| k.path == form.path)
                .map_or_else(|| form.path.clone(), |k| k.label.clone());
            egui::ComboBox::from_id_salt("timeline-knob")
                .selected_text(label)
                .show_ui(ui, |ui| {
                    for k in &all {
                        // Another setting: its value starts from the live
                        // one, not from the previous setting's number.
                        if ui
                            .selectable_value(&mut form.path, k.path.clone(), &k.label)
                            .changed()
                        {
                            form.value = knobs::get(live, &k.path).unwrap_or(k.min);
                        }
                    }
                });
            ui.end_row();
            let l = ui.label("value");
            let k = all.iter().find(|k| k.path == form.path);
            let (min, max) = k.map_or((0.0, f64::MAX), |k| (k.min, k.max));
            ui.add(egui::DragValue::new(&mut form.value).range(min..=max))
                .labelled_by(l.id);
        }
        Kind::Mode => {
            ui.label("endpoint");
            let shown = form.endpoint.clone().unwrap_or_else(|| "all".into());
            egui::ComboBox::from_id_salt("timeline-endpoint")
                .selected_text(shown)
                .show_ui(ui, |ui| {
                    ui.selectable_value(&mut form.endpoint, None, "all");
                    for e in &live.endpoints {
                        ui.selectable_value(&mut form.endpoint, Some(e.name.clone()), &e.name);
                    }
                });
            ui.end_row();
            ui.label("to");
            ui.horizontal(|ui| {
                ui.selectable_value(&mut form.mode, Mode::Sync, "SYNC");
                ui.selectable_value(&mut form.mode, Mode::Async, "ASYNC");
            });
        }
        Kind::OutageStart => {
            ui.label("writes");
            ui.horizontal(|ui| {
                ui.selectable_value(&mut form.outage, OutageKind::FailFast, "fail at once");
                ui.selectable_value(&mut form.outage, OutageKind::Hang, "hang");
            });
        }
        Kind::OutageEnd => {}
        Kind::DependencyOutage | Kind::DependencyBack => {
            let l = ui.label("dependency");
            egui::ComboBox::from_id_salt("timeline-dependency")
                .selected_text(form.dependency.clone())
                .show_ui(ui, |ui| {
                    for d in &live.dependencies {
                        ui.selectable_value(&mut form.dependency, d.name.clone(), &d.name);
                    }
                })
                .response
                .labelled_by(l.id);
            if form.kind == Kind::DependencyOutage {
                ui.end_row();
                ui.label("calls");
                ui.horizontal(|ui| {
                    ui.selectable_value(&mut form.outage, OutageKind::FailFast, "fail at once");
                    ui.selectable_value(&mut form.outage, OutageKind::Hang, "hang");
                });
            }
        }
        Kind::Kept => {
            ui.label("");
            let c = form.kept.clone().unwrap_or(Change::OutageEnd);
            ui.label(plain(&crate::words::change(&c, live)));
        }
    }
    ui.end_row();
}

fn kind_name(k: Kind) -> &'static str {
    match k {
        Kind::Caption => "caption",
        Kind::Knob => "a setting",
        Kind::Mode => "mode switch",
        Kind::OutageStart => "DB outage starts",
        Kind::OutageEnd => "DB back",
        Kind::DependencyOutage => "dependency outage starts",
        Kind::DependencyBack => "dependency back",
        Kind::Kept => "as it is",
    }
}

/// "1:30", "0:01:30" or "90" (seconds) as seconds.
pub fn parse_clock(text: &str) -> Option<f64> {
    let parts: Vec<&str> = text.trim().split(':').collect();
    if parts.len() > 3 {
        return None;
    }
    let mut s = 0.0;
    for p in parts {
        let v: f64 = p.trim().parse().ok()?;
        if !(v.is_finite() && v >= 0.0) {
            return None;
        }
        s = s * 60.0 + v;
    }
    Some(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clock_text_parses_to_seconds() {
        assert_eq!(parse_clock("90"), Some(90.0));
        assert_eq!(parse_clock("1:30"), Some(90.0));
        assert_eq!(parse_clock("1:00:05"), Some(3605.0));
        assert_eq!(parse_clock("x"), None);
        assert_eq!(parse_clock("-1"), None);
    }
}
