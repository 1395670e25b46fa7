//! The scene's words on screen: the lesson strip (what the scene teaches
//! and what to watch) and the banner with the latest scripted caption.

use super::commands::UiCommand;
use super::{AppAction, palette, plain};
use crate::host::Snapshot;
use crate::scenario::Scenario;
use egui::RichText;

/// A caption stays up at least this long after it fires, s of sim time...
const CAPTION_SIM_S: f64 = 30.0;
/// ...and at least this long after it first shows, s of wall time, so it
/// can be read even at 1000×.
const CAPTION_WALL_S: f64 = 8.0;

/// The lesson strip: a strip, not a floating window, so it pushes the plots
/// down instead of covering the ones the lesson talks about.
pub struct LessonStrip {
    /// Shown (a scene opening shows it again).
    pub open: bool,
}

impl LessonStrip {
    /// Whether to give the strip room this frame: open, and the scene has
    /// something to say.
    pub fn wanted(&self, scene: &Scenario) -> bool {
        self.open && !(scene.lesson.is_empty() && scene.watch.is_empty())
    }

    /// The lesson and what to watch, side by side, "Got it" to close, and
    /// *Present* for the one-minute demo in one action.
    pub fn ui(&mut self, ui: &mut egui::Ui, scene: &Scenario, actions: &mut Vec<AppAction>) {
        ui.add_space(4.0);
        ui.columns(2, |cols| {
            cols[0].label(RichText::new("Lesson").strong());
            cols[0].label(plain(&scene.lesson));
            cols[1].label(RichText::new("Watch").strong());
            cols[1].label(plain(&scene.watch));
        });
        ui.horizontal_wrapped(|ui| {
            if ui.button("Got it").clicked() {
                self.open = false;
            }
            if ui
                .button("Present")
                .on_hover_text(format!(
                    "The one-minute demo: the twins side by side, in presentation mode, in plain words, playing ({} leaves presentation mode, {} the comparison)",
                    UiCommand::Presentation.shortcut(ui.ctx().os()),
                    UiCommand::Compare.shortcut(ui.ctx().os()),
                ))
                .clicked()
            {
                actions.push(AppAction::Present);
            }
            ui.label(compare_hint(scene));
        });
        ui.add_space(2.0);
    }
}

/// What C shows for this scene: its variants side by side, or all sync
/// against all async.
pub fn compare_hint(scene: &Scenario) -> String {
    let names: Vec<&str> = if scene.variants.is_empty() {
        vec!["all sync", "all async"]
    } else {
        scene.variants.iter().map(|v| v.name.as_str()).collect()
    };
    // A key without modifiers reads the same on every system.
    let key = UiCommand::Compare.shortcut(egui::os::OperatingSystem::from_target_os());
    format!(
        "Press {key} (or COMPARE) to run the same users side by side: {}.",
        names.join(" vs ")
    )
}

/// The banner with the latest scripted caption.
#[derive(Default)]
pub struct CaptionBanner {
    /// The caption shown (its sim time's bits and text) and the wall time
    /// it first showed, s.
    seen: Option<((u64, String), f64)>,
}

impl CaptionBanner {
    /// The caption to show now, if any: the latest one, for 30 s of sim
    /// time and at least 8 s of wall time (`wall_s` is now).
    pub fn current<'s>(&mut self, snap: &'s Snapshot, wall_s: f64) -> Option<&'s str> {
        let (t_s, text) = snap.caption.as_ref()?;
        let key = (t_s.to_bits(), text.clone());
        if self.seen.as_ref().map(|(k, _)| k) != Some(&key) {
            self.seen = Some((key, wall_s));
        }
        let shown_at = self.seen.as_ref().map_or(wall_s, |(_, w)| *w);
        let visible = snap.now_s - t_s < CAPTION_SIM_S || wall_s - shown_at < CAPTION_WALL_S;
        visible.then_some(text.as_str())
    }

    /// Draws the banner's fixed line: `text`, on one line cut with "…" if
    /// it is too long (the whole on hover), or nothing. The line is there
    /// with or without a caption, so a caption coming or going never moves
    /// what is below it (a click aimed at a knob lands on that knob).
    /// `first` draws on the same line before the caption (the scene's end,
    /// with its buttons): the line is high enough for buttons either way,
    /// so that never moves anything either.
    pub fn ui(&self, ui: &mut egui::Ui, text: Option<&str>, first: impl FnOnce(&mut egui::Ui)) {
        let dark = ui.visuals().dark_mode;
        let color = palette::text(palette::caption(dark), dark);
        let font = egui::FontId::proportional(20.0);
        let text_h = ui.fonts_mut(|f| f.row_height(&font)) + 2.0;
        let height = text_h.max(ui.spacing().interact_size.y + 4.0);
        let width = ui.available_width();
        let size = egui::vec2(width, height);
        let (line, _) = ui.allocate_exact_size(size, egui::Sense::hover());
        let mut row = ui.new_child(
            egui::UiBuilder::new()
                .max_rect(line)
                .layout(egui::Layout::left_to_right(egui::Align::Center)),
        );
        row.set_clip_rect(line.intersect(ui.clip_rect()));
        first(&mut row);
        let Some(text) = text else { return };
        let width = row.available_width();
        if width < 20.0 {
            return;
        }
        let (rect, response) =
            row.allocate_exact_size(egui::vec2(width, text_h), egui::Sense::hover());
        let engineer = plain(text);
        let text = super::room::say(row.ctx(), &engineer);
        let job = egui::text::LayoutJob {
            wrap: egui::text::TextWrapping::truncate_at_width(width),
            ..egui::text::LayoutJob::simple_singleline(text.clone(), font, color)
        };
        let galley = row.fonts_mut(|f| f.layout_job(job));
        row.painter().galley(rect.min, galley, color);
        // Screen readers and tests read the banner as "caption: ...".
        let label = format!("caption: {text}");
        response
            .on_hover_text(engineer)
            .widget_info(|| egui::WidgetInfo::labeled(egui::Role::Label, true, &label));
    }
}

/// "The scene ended at m:ss" with Continue and Restart (and Check my
/// answer for an exercise), while the run is paused at the scene's end:
/// the buttons first, so a narrow window cuts the sentence, not them.
pub fn ended_banner(ui: &mut egui::Ui, snap: &Snapshot, actions: &mut Vec<super::AppAction>) {
    use super::AppAction;
    use crate::host::Command;
    if ui
        .button("Continue")
        .on_hover_text("Play on past the scene's end")
        .clicked()
    {
        actions.push(AppAction::Host(Command::Play));
    }
    if ui
        .button("Restart")
        .on_hover_text("The scene again from zero")
        .clicked()
    {
        actions.push(AppAction::Host(Command::Restart));
    }
    super::workshop::check_button(ui, snap, actions);
    let text = format!(
        "The scene ended at {} (its duration). The run is paused.",
        crate::fmt::clock(snap.duration_s)
    );
    ui.add(egui::Label::new(RichText::new(text).strong()).truncate());
}
