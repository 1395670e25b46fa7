//! The controls panel, generated from the knob table
//! ([`crate::scenario::knobs`]) so every knob is editable, with its unit and
//! its help text on hover, and nothing is declared twice.

use super::action::AppAction;
use super::palette;
use crate::scenario::knobs::{self, Group, Knob};
use crate::scenario::{Change, OutageKind, RetryPolicy, Scheduling, Settings};
use crate::sim::Gauges;
use std::cell::RefCell;
use std::collections::HashMap;

/// How long a note under a knob ("clamped to …", "not a number") stays,
/// s of wall time.
const NOTE_S: f64 = 8.0;

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
    /// A note under a knob, by path, and when it goes (wall time, s).
    notes: HashMap<String, (String, f64)>,
    /// The knob last changed, the host's last refusal when it was sent,
    /// and until when a new refusal is taken to be its (wall time, s).
    sent: Option<(String, Option<String>, f64)>,
}

/// How long after a knob's change a refusal from the simulation is
/// shown under that knob, s of wall time.
const REFUSAL_S: f64 = 2.0;

impl Controls {
    /// The panel, shown or hidden.
    pub fn new(shown: bool) -> Self {
        Controls {
            shown,
            pending: Pending::default(),
            notes: HashMap::new(),
            sent: None,
        }
    }

    /// Shows `text` under the knob at `path` for a while: why a change to
    /// it was refused or changed. `now`: wall time, s.
    pub fn note(&mut self, path: &str, text: String, now: f64) {
        self.notes.insert(path.to_string(), (text, now + NOTE_S));
    }

    /// Drops every note (another scene opened).
    pub fn forget_notes(&mut self) {
        self.notes.clear();
        self.sent = None;
    }

    /// A refusal the simulation sent back (`last_error`, the host's last
    /// refused change) for the knob changed just before goes under that
    /// knob. `now`: wall time, s.
    pub fn take_refusal(&mut self, last_error: Option<&str>, now: f64) {
        let Some((path, before, until)) = self.sent.take() else {
            return;
        };
        match last_error {
            Some(e) if before.as_deref() != Some(e) => self.note(&path, e.to_string(), now),
            _ if now < until => self.sent = Some((path, before, until)),
            _ => {}
        }
    }

    /// Remembers that the knob at `path` was just changed, so a refusal
    /// that follows goes under it.
    pub fn sent(&mut self, path: &str, last_error: Option<&str>, now: f64) {
        let before = last_error.map(str::to_string);
        self.sent = Some((path.to_string(), before, now + REFUSAL_S));
    }

    /// Draws the panel: every knob by group, with the queue's policies and
    /// the outage buttons in their groups.
    pub fn ui(
        &mut self,
        ui: &mut egui::Ui,
        live: &Settings,
        gauges: &Gauges,
        actions: &mut Vec<AppAction>,
    ) {
        ui.heading("Controls");
        let all = knobs::knobs(live);
        let now = ui.input(|i| i.time);
        self.notes.retain(|_, (_, until)| *until > now);
        // Both ways: a narrow panel at a large scale scrolls to a field
        // rather than cut it off.
        egui::ScrollArea::both().show(ui, |ui| {
            for group in Group::ALL {
                // A scene without dependencies has no Dependencies knobs.
                if !all.iter().any(|k| k.group == group) {
                    continue;
                }
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
                                    let (change, note) = knob(ui, live, k, &mut self.pending);
                                    if let Some(c) = change {
                                        actions.push(AppAction::change(c));
                                    }
                                    if let Some(n) = note {
                                        self.notes.insert(k.path.clone(), (n, now + NOTE_S));
                                    }
                                    if let Some((n, _)) = self.notes.get(&k.path) {
                                        note_row(ui, n);
                                    }
                                    live_row(ui, live, gauges, k);
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
/// ends or typing is done with a new value, and a note for the user when
/// what was typed could not be taken as it was (out of range: clamped; not
/// a number: refused).
fn knob(
    ui: &mut egui::Ui,
    live: &Settings,
    k: &Knob,
    pending: &mut Pending,
) -> (Option<Change>, Option<String>) {
    let Ok(current) = knobs::get(live, &k.path) else {
        return (None, None);
    };
    let label = ui.label(&k.label).on_hover_text(k.help);
    let mut v = pending.get(&k.path).copied().unwrap_or(current);
    let speed = ((k.max - k.min) / 2000.0).clamp(0.001, 1000.0);
    // What the user typed, as the field parsed it: the field clamps and
    // drops bad text silently, so the note says what happened.
    let typed: RefCell<Option<Result<f64, String>>> = RefCell::new(None);
    let mut drag = egui::DragValue::new(&mut v)
        .range(k.min..=k.max)
        .suffix(format!(" {}", k.unit))
        .speed(if k.integer { speed.max(0.05) } else { speed })
        .custom_parser(|text| {
            let parsed = parse_number(text, k.unit);
            *typed.borrow_mut() = Some(parsed.ok_or_else(|| text.trim().to_string()));
            parsed
        });
    if k.integer {
        drag = drag.fixed_decimals(0);
    }
    let r = ui.add(drag).labelled_by(label.id).on_hover_text(k.help);
    ui.end_row();
    let mut note = match typed.into_inner() {
        Some(Err(text)) => Some(format!(
            "'{text}' is not a number: kept {}",
            show(current, k)
        )),
        Some(Ok(x)) if x < k.min || x > k.max => Some(format!(
            "{} is outside {}–{}: set to {}",
            show(x, k),
            show(k.min, k),
            show(k.max, k),
            show(v, k)
        )),
        _ => None,
    };
    let floor = knob_floor(k);
    if v > 0.0 && v < floor {
        note = Some(format!(
            "below {} means off or too fast to simulate: set to {}",
            show(floor, k),
            show(floor, k)
        ));
        v = floor;
    }
    if r.dragged() || r.has_focus() {
        pending.insert(k.path.clone(), v);
        return (None, note);
    }
    pending.remove(&k.path);
    let done = r.drag_stopped() || r.lost_focus() || r.changed();
    let change = (done && v != current).then(|| Change::Set {
        path: k.path.clone(),
        value: if k.integer { v.round() } else { v },
    });
    (change, note)
}

/// The smallest positive value a knob honours (0 when any is fine).
fn knob_floor(k: &Knob) -> f64 {
    let pattern = match (k.path.find('['), k.path.find(']')) {
        (Some(a), Some(b)) if b > a => format!("{}[]{}", &k.path[..a], &k.path[b + 1..]),
        _ => k.path.clone(),
    };
    crate::sim::config::knobs::spec(&pattern).map_or(0.0, |s| s.min_positive)
}

/// A number as typed: spaces, thousands separators and the unit allowed.
pub fn parse_number(text: &str, unit: &str) -> Option<f64> {
    let t = text.trim();
    let t = t
        .strip_suffix(unit)
        .unwrap_or(t)
        .trim()
        .replace([',', '_', ' '], "");
    t.parse::<f64>().ok().filter(|x| x.is_finite())
}

/// A knob value for a note: whole numbers with separators, others short.
fn show(x: f64, k: &Knob) -> String {
    let unit = if k.unit.is_empty() {
        String::new()
    } else {
        format!(" {}", k.unit)
    };
    if k.integer || (x.fract() == 0.0 && x.abs() < 1e15) {
        format!("{}{unit}", crate::fmt::thousands(x.max(0.0) as u64))
    } else {
        format!("{x}{unit}")
    }
}

/// A note under a knob, in amber.
fn note_row(ui: &mut egui::Ui, text: &str) {
    ui.label("");
    let color = palette::text(palette::AMBER, ui.visuals().dark_mode);
    beside_field(ui, egui::RichText::new(text).small().color(color));
    ui.end_row();
}

/// Width of the text under a field (a note, the live rate), points: it
/// wraps there, so it never makes the panel wider than its fields.
const UNDER_FIELD_W: f32 = 150.0;

/// `text` under a field, wrapped at [`UNDER_FIELD_W`].
fn beside_field(ui: &mut egui::Ui, text: egui::RichText) {
    ui.scope(|ui| {
        ui.set_max_width(UNDER_FIELD_W);
        ui.add(egui::Label::new(text).wrap());
    });
}

/// What a traffic knob means right now: a client's base rate times its
/// shape, an endpoint's share as parts of the whole.
fn live_row(ui: &mut egui::Ui, live: &Settings, gauges: &Gauges, k: &Knob) {
    let index = |prefix: &str| -> Option<usize> {
        k.path.strip_prefix(prefix)?.split(']').next()?.parse().ok()
    };
    let text = if k.path.ends_with("].rate_per_s") {
        let Some(i) = index("clients[") else { return };
        let (Some(c), Some(m)) = (live.clients.get(i), gauges.shape_now.get(i)) else {
            return;
        };
        format!(
            "base {} × shape {:.2} = {} now",
            crate::fmt::rate(c.rate_per_s),
            m,
            crate::fmt::rate(c.rate_per_s * m)
        )
    } else if k.path.ends_with("].share") {
        let Some(i) = index("endpoints[") else { return };
        let total: f64 = live.endpoints.iter().map(|e| e.share.max(0.0)).sum();
        let Some(e) = live.endpoints.get(i) else {
            return;
        };
        let pct = if total > 0.0 {
            e.share / total * 100.0
        } else {
            0.0
        };
        format!(
            "{} of {} parts = {pct:.0}% of each client's actions",
            e.share, total
        )
    } else {
        return;
    };
    ui.label("");
    beside_field(ui, egui::RichText::new(text).small());
    ui.end_row();
}

/// The queue's scheduling and retry policy, as choice buttons.
fn policies(ui: &mut egui::Ui, live: &Settings, actions: &mut Vec<AppAction>) {
    ui.horizontal_wrapped(|ui| {
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
    ui.horizontal_wrapped(|ui| {
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
    ui.horizontal_wrapped(|ui| {
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
