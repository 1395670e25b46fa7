//! The controls panel, generated from the knob table
//! ([`crate::scenario::knobs`]) so every knob is editable, with its unit and
//! its help text on hover, and nothing is declared twice.

use super::action::AppAction;
use crate::scenario::knobs::{self, Group, Knob};
use crate::scenario::{Change, OutageKind, RetryPolicy, Scheduling, Settings};

/// Values being dragged or typed, by knob path: a change is sent once the
/// drag ends or the field loses focus, so one gesture is one change (and one
/// marker on the plots), not one per pixel.
pub type Pending = std::collections::HashMap<String, f64>;

/// The controls panel.
pub struct Controls {
    /// Shown (the View menu and presentation mode toggle it).
    pub shown: bool,
    /// Knobs being dragged or typed.
    pending: Pending,
}

impl Controls {
    /// The panel, shown or hidden.
    pub fn new(shown: bool) -> Self {
        Controls {
            shown,
            pending: Pending::default(),
        }
    }

    /// Draws the panel: every knob by group, with the queue's policies and
    /// the outage buttons in their groups.
    pub fn ui(&mut self, ui: &mut egui::Ui, live: &Settings, actions: &mut Vec<AppAction>) {
        ui.heading("Controls");
        let all = knobs::knobs(live);
        egui::ScrollArea::vertical().show(ui, |ui| {
            for group in Group::ALL {
                egui::CollapsingHeader::new(group.title())
                    .default_open(matches!(
                        group,
                        Group::Traffic | Group::Database | Group::Queue
                    ))
                    .show(ui, |ui| {
                        egui::Grid::new(("knobs", group.title()))
                            .num_columns(2)
                            .striped(true)
                            .show(ui, |ui| {
                                for k in all.iter().filter(|k| k.group == group) {
                                    if let Some(c) = knob(ui, live, k, &mut self.pending) {
                                        actions.push(AppAction::change(c));
                                    }
                                }
                            });
                        match group {
                            Group::Queue => policies(ui, live, actions),
                            Group::Database => outage(ui, actions),
                            _ => {}
                        }
                    });
            }
        });
    }
}

/// One knob's row: label and value field. Returns the change once a drag
/// ends or typing is done with a new value.
fn knob(ui: &mut egui::Ui, live: &Settings, k: &Knob, pending: &mut Pending) -> Option<Change> {
    let Ok(current) = knobs::get(live, &k.path) else {
        return None;
    };
    let label = ui.label(&k.label).on_hover_text(k.help);
    let mut v = pending.get(&k.path).copied().unwrap_or(current);
    let speed = ((k.max - k.min) / 2000.0).clamp(0.001, 1000.0);
    let mut drag = egui::DragValue::new(&mut v)
        .range(k.min..=k.max)
        .suffix(format!(" {}", k.unit))
        .speed(if k.integer { speed.max(0.05) } else { speed });
    if k.integer {
        drag = drag.fixed_decimals(0);
    }
    let r = ui.add(drag).labelled_by(label.id).on_hover_text(k.help);
    ui.end_row();
    if r.dragged() || r.has_focus() {
        pending.insert(k.path.clone(), v);
        return None;
    }
    pending.remove(&k.path);
    let done = r.drag_stopped() || r.lost_focus() || r.changed();
    (done && v != current).then(|| Change::Set {
        path: k.path.clone(),
        value: if k.integer { v.round() } else { v },
    })
}

/// The queue's scheduling and retry policy, as choice buttons.
fn policies(ui: &mut egui::Ui, live: &Settings, actions: &mut Vec<AppAction>) {
    ui.horizontal(|ui| {
        ui.label("scheduling").on_hover_text(
            "How queue workers pick the next job: FIFO (oldest first), fair \
             (round-robin over clients), priority (highest tier first).",
        );
        for (s, name) in [
            (Scheduling::Fifo, "FIFO"),
            (Scheduling::Fair, "fair"),
            (Scheduling::Priority, "priority"),
        ] {
            if ui
                .selectable_label(live.queue.scheduling == s, name)
                .clicked()
            {
                actions.push(AppAction::change(Change::SetScheduling(s)));
            }
        }
    });
    ui.horizontal(|ui| {
        ui.label("retry")
            .on_hover_text("What a queue worker does after a failed write.");
        let current = live.queue.retry;
        let options = [
            (RetryPolicy::None, "none"),
            (RetryPolicy::Fixed { delay_s: 1.0 }, "fixed 1 s"),
            (RetryPolicy::ExponentialJitter, "exp + jitter"),
        ];
        for (r, name) in options {
            let same = std::mem::discriminant(&current) == std::mem::discriminant(&r);
            if ui.selectable_label(same, name).clicked() {
                actions.push(AppAction::change(Change::SetRetry(r)));
            }
        }
    });
}

/// Buttons that start and end a database outage.
fn outage(ui: &mut egui::Ui, actions: &mut Vec<AppAction>) {
    ui.horizontal(|ui| {
        if ui
            .button("outage: fail")
            .on_hover_text("Start a DB outage where writes fail at once.")
            .clicked()
        {
            actions.push(AppAction::change(Change::OutageStart(OutageKind::FailFast)));
        }
        if ui
            .button("outage: hang")
            .on_hover_text("Start a DB outage where writes hang until the write timeout.")
            .clicked()
        {
            actions.push(AppAction::change(Change::OutageStart(OutageKind::Hang)));
        }
        if ui.button("end outage").clicked() {
            actions.push(AppAction::change(Change::OutageEnd));
        }
    });
}
