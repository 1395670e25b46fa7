//! Messages to the user: the status note at the bottom (file saved, no file
//! chosen, a rejected change) and the "Problem" dialog.

use super::action::AppAction;
use super::palette;

/// How long a status note stays, s of wall time.
pub const STATUS_S: f64 = 10.0;

/// The status note and the problem dialog's text.
#[derive(Default)]
pub struct Messages {
    /// One-line status (saved, no file chosen, ...); it goes after
    /// [`STATUS_S`], and when another scene opens.
    pub status: Option<String>,
    /// The status note shown and the wall time it first showed, s.
    status_since: Option<(String, f64)>,
    /// Problem dialog text; the dialog is open while this is set.
    pub error: Option<String>,
    /// An action that drops unsaved edits (another scene, quit, reset),
    /// waiting for the user to save or discard them first; the question is
    /// open while this is set.
    pub confirm: Option<AppAction>,
    /// Why the simulation thread stopped, while its dialog is open.
    pub host_down: Option<String>,
    /// Save's question when the settings changed under the scene's texts;
    /// open while this is set.
    pub stale_texts: Option<super::stale_texts::Question>,
}

impl Messages {
    /// The status note, with the host's last rejected change beside it,
    /// over the bottom left corner: it floats, so its coming and going
    /// moves nothing under the pointer. It goes after [`STATUS_S`] of wall
    /// time.
    pub fn status_ui(&mut self, ctx: &egui::Context, last_error: Option<&str>) {
        let Some(status) = self.status.clone() else {
            self.status_since = None;
            return;
        };
        let now = ctx.input(|i| i.time);
        let since = match &self.status_since {
            Some((shown, at)) if *shown == status => *at,
            _ => {
                self.status_since = Some((status.clone(), now));
                now
            }
        };
        if now - since >= STATUS_S {
            self.status = None;
            self.status_since = None;
            return;
        }
        // Come back when it is due to go, playing or not.
        ctx.request_repaint_after(std::time::Duration::from_secs_f64(STATUS_S - (now - since)));
        egui::Area::new(egui::Id::unique("status note"))
            .anchor(egui::Align2::LEFT_BOTTOM, egui::vec2(8.0, -8.0))
            .order(egui::Order::Foreground)
            .interactable(false)
            .show(ctx, |ui| {
                egui::Frame::popup(ui.style()).show(ui, |ui| {
                    ui.set_max_width(ctx.content_rect().width() * 0.8);
                    ui.horizontal_wrapped(|ui| {
                        ui.label(&status);
                        if let Some(e) = last_error {
                            let dark = ui.visuals().dark_mode;
                            ui.colored_label(palette::text(palette::RED, dark), e);
                        }
                    });
                });
            });
    }

    /// The problem dialog, while there is a problem to show.
    pub fn error_ui(&mut self, ctx: &egui::Context) {
        let Some(text) = self.error.clone() else {
            return;
        };
        let mut open = true;
        egui::Window::new("Problem")
            .collapsible(false)
            .open(&mut open)
            .show(ctx, |ui| {
                ui.label(&text);
                if ui.button("OK").clicked() {
                    self.error = None;
                }
            });
        if !open {
            self.error = None;
        }
    }
}

impl Messages {
    /// "Unsaved changes to TITLE": Save first, Discard, or Cancel, while an
    /// action that drops them waits for the answer.
    pub fn confirm_ui(&mut self, ctx: &egui::Context, title: &str, actions: &mut Vec<AppAction>) {
        let Some(pending) = self.confirm.clone() else {
            return;
        };
        egui::Window::new("Unsaved changes")
            .collapsible(false)
            .resizable(false)
            .anchor(egui::Align2::CENTER_CENTER, egui::vec2(0.0, 0.0))
            .show(ctx, |ui| {
                let (drops, save) = pending.drops_words();
                ui.label(format!(
                    "\"{title}\" has edits that are not saved (live changes, timeline or texts). {drops}"
                ));
                ui.horizontal(|ui| {
                    if ui.button(save).clicked() {
                        actions.push(AppAction::SaveThen(Box::new(pending.clone())));
                    }
                    if ui.button("Discard changes").clicked() {
                        actions.push(AppAction::Confirmed(Box::new(pending.clone())));
                    }
                    if ui.button("Cancel").clicked() {
                        actions.push(AppAction::CancelSwitch);
                    }
                });
            });
    }
}

impl Messages {
    /// "The scene's texts were written for other settings": the changed
    /// settings, and Save with the texts, Save without them, or Cancel.
    pub fn stale_texts_ui(&self, ctx: &egui::Context, actions: &mut Vec<AppAction>) {
        let Some(q) = &self.stale_texts else { return };
        egui::Window::new("Texts written for other settings")
            .collapsible(false)
            .resizable(false)
            .anchor(egui::Align2::CENTER_CENTER, egui::vec2(0.0, 0.0))
            .show(ctx, |ui| {
                ui.label(
                    "The lesson, the watch text and the captions were written for the settings \
                     the scene was opened or last saved with. These settings have changed since:",
                );
                for line in &q.changed {
                    ui.label(format!("  • {line}"));
                }
                ui.label("The texts may no longer be true for the scene as saved.");
                ui.horizontal(|ui| {
                    if ui.button("Save with the texts").clicked() {
                        actions.push(AppAction::SaveAnswered(q.path.clone(), true));
                    }
                    if ui
                        .button("Save without the texts")
                        .on_hover_text(
                            "Saves the settings with no lesson, watch text or scripted captions \
                             (Edit -> Undo brings them back)",
                        )
                        .clicked()
                    {
                        actions.push(AppAction::SaveAnswered(q.path.clone(), false));
                    }
                    if ui.button("Cancel").clicked() {
                        actions.push(AppAction::CancelSave);
                    }
                });
            });
    }

    /// "The simulation stopped": what it said, and a way back to work
    /// from the edited scene, while the host thread is down.
    pub fn host_down_ui(&self, ctx: &egui::Context, title: &str, actions: &mut Vec<AppAction>) {
        let Some(why) = &self.host_down else { return };
        egui::Window::new("The simulation stopped")
            .collapsible(false)
            .resizable(false)
            .anchor(egui::Align2::CENTER_CENTER, egui::vec2(0.0, 0.0))
            .show(ctx, |ui| {
                ui.label(format!("{why}."));
                ui.label(format!(
                    "Your edits of \"{title}\" are kept. Restart runs the scene as you edited it from 0:00; Save keeps it."
                ));
                ui.horizontal(|ui| {
                    if ui.button("Restart from the edited scene").clicked() {
                        actions.push(AppAction::RestartHost);
                    }
                    if ui.button("Save As...").clicked() {
                        actions.push(AppAction::SaveAs);
                    }
                });
            });
    }

    /// "Restore unsaved work?": what an earlier app left, with Restore and
    /// Not now.
    pub fn found_ui(
        ctx: &egui::Context,
        found: &super::recovery::Found,
        actions: &mut Vec<AppAction>,
    ) {
        egui::Window::new("Restore unsaved work?")
            .collapsible(false)
            .resizable(false)
            .anchor(egui::Align2::CENTER_CENTER, egui::vec2(0.0, 0.0))
            .show(ctx, |ui| {
                let from = found
                    .scene_path
                    .as_ref()
                    .map_or("not saved to a file".to_string(), |p| {
                        p.display().to_string()
                    });
                ui.label(format!(
                    "AsyncLab did not exit cleanly. It kept unsaved edits of \"{}\" ({from}), {}.",
                    found.edited.title,
                    found.when()
                ));
                ui.horizontal(|ui| {
                    if ui.button("Restore").clicked() {
                        actions.push(AppAction::RestoreFound);
                    }
                    if ui
                        .button("Not now")
                        .on_hover_text("The recovery file stays until you quit AsyncLab")
                        .clicked()
                    {
                        actions.push(AppAction::DeclineFound);
                    }
                });
            });
    }
}
