//! The Timeline panel's form: the event being added or edited (its time,
//! kind and values) and the fields that edit it.

use super::parse_clock;
use crate::app::action::AppAction;
use crate::app::{palette, plain};
use crate::host::{Command, ScriptedEvent, Snapshot, TimelineEdit};
use crate::scenario::knobs;
use crate::scenario::{Change, Mode, OutageKind, Settings};

/// What an event does, as the form edits it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) enum Kind {
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
pub(super) struct Form {
    /// The event as it is in the scene (`None`: a new one).
    pub(super) original: Option<ScriptedEvent>,
    pub(super) at_s: f64,
    pub(super) variant: Option<String>,
    pub(super) enabled: bool,
    pub(super) kind: Kind,
    pub(super) text: String,
    pub(super) path: String,
    pub(super) value: f64,
    pub(super) endpoint: Option<String>,
    pub(super) mode: Mode,
    /// A caption's mode: the one it describes (`None`: either).
    pub(super) describes: Option<Mode>,
    pub(super) outage: OutageKind,
    /// The dependency of an outage (a dependency kind).
    pub(super) dependency: String,
    pub(super) kept: Option<Change>,
    /// Why the last Apply was refused.
    pub(super) problem: Option<String>,
}

impl Form {
    /// A new event at `at_s`, of `kind`.
    pub(super) fn new(at_s: f64, kind: Kind, live: &Settings) -> Form {
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
    pub(super) fn of(e: &ScriptedEvent, live: &Settings) -> Form {
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

    pub(super) fn change(&self) -> Change {
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

    pub(super) fn event(&self) -> ScriptedEvent {
        ScriptedEvent {
            mode: self.describes.filter(|_| self.kind == Kind::Caption),
            at_s: self.at_s,
            change: self.change(),
            variant: self.variant.clone(),
            enabled: self.enabled,
        }
    }

    /// The edit Apply makes: add the new event, or replace the original.
    pub(super) fn edit(&self) -> TimelineEdit {
        match &self.original {
            None => TimelineEdit::Add(self.event()),
            Some(old) => TimelineEdit::Replace {
                old: old.clone(),
                new: self.event(),
            },
        }
    }
}

/// The form on one event; true when it should close.
pub(super) fn form_ui(
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
pub(super) fn form_fields(ui: &mut egui::Ui, form: &mut Form, snap: &Snapshot) {
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
pub(super) fn kind_fields(ui: &mut egui::Ui, form: &mut Form, live: &Settings) {
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

pub(super) fn kind_name(k: Kind) -> &'static str {
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
