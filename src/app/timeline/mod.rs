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
use crate::scenario::{Change, Scenario, Settings};

mod form;
use form::{Form, Kind, form_ui};

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
