//! The controls panel, generated from the knob table
//! ([`crate::scenario::knobs`]) so every knob is editable, with its unit and
//! its help text on hover, and nothing is declared twice.

use crate::scenario::knobs::{self, Group};
use crate::scenario::{Change, OutageKind, RetryPolicy, Scheduling, Settings};

/// Values being dragged or typed, by knob path: a change is sent once the
/// drag ends or the field loses focus, so one gesture is one change (and one
/// marker on the plots), not one per pixel.
pub type Pending = std::collections::HashMap<String, f64>;

/// Draws the panel; returns the changes the user made this frame.
pub fn show(ui: &mut egui::Ui, live: &Settings, pending: &mut Pending) -> Vec<Change> {
    let mut changes = Vec::new();
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
                                let Ok(current) = knobs::get(live, &k.path) else {
                                    continue;
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
                                let editing = r.dragged() || r.has_focus();
                                if editing {
                                    pending.insert(k.path.clone(), v);
                                } else {
                                    pending.remove(&k.path);
                                    let done = r.drag_stopped() || r.lost_focus() || r.changed();
                                    if done && v != current {
                                        let value = if k.integer { v.round() } else { v };
                                        changes.push(Change::Set {
                                            path: k.path.clone(),
                                            value,
                                        });
                                    }
                                }
                                ui.end_row();
                            }
                        });
                    match group {
                        Group::Queue => policies(ui, live, &mut changes),
                        Group::Database => outage(ui, &mut changes),
                        _ => {}
                    }
                });
        }
    });
    changes
}

fn policies(ui: &mut egui::Ui, live: &Settings, changes: &mut Vec<Change>) {
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
                changes.push(Change::SetScheduling(s));
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
                changes.push(Change::SetRetry(r));
            }
        }
    });
}

fn outage(ui: &mut egui::Ui, changes: &mut Vec<Change>) {
    ui.horizontal(|ui| {
        if ui
            .button("outage: fail")
            .on_hover_text("Start a DB outage where writes fail at once.")
            .clicked()
        {
            changes.push(Change::OutageStart(OutageKind::FailFast));
        }
        if ui
            .button("outage: hang")
            .on_hover_text("Start a DB outage where writes hang until the write timeout.")
            .clicked()
        {
            changes.push(Change::OutageStart(OutageKind::Hang));
        }
        if ui.button("end outage").clicked() {
            changes.push(Change::OutageEnd);
        }
    });
}
