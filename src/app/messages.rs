//! Messages to the user: the status line at the bottom (file saved, no file
//! chosen, a rejected change) and the "Problem" dialog.

use super::action::AppAction;
use super::palette;

/// The status line and the problem dialog's text.
#[derive(Default)]
pub struct Messages {
    /// One-line status (saved, no file chosen, ...).
    pub status: Option<String>,
    /// Problem dialog text; the dialog is open while this is set.
    pub error: Option<String>,
    /// A scene switch waiting for the user to save or discard unsaved
    /// changes first; the question is open while this is set.
    pub confirm: Option<AppAction>,
}

impl Messages {
    /// The status line, with the host's last rejected change beside it.
    pub fn status_ui(&self, ui: &mut egui::Ui, last_error: Option<&str>) {
        let Some(status) = &self.status else { return };
        ui.horizontal(|ui| {
            ui.label(status);
            if let Some(e) = last_error {
                ui.colored_label(palette::RED, e);
            }
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
    /// "Unsaved changes to TITLE": Save first, Discard, or Cancel, while a
    /// switch waits for the answer.
    pub fn confirm_ui(&mut self, ctx: &egui::Context, title: &str, actions: &mut Vec<AppAction>) {
        let Some(pending) = self.confirm.clone() else {
            return;
        };
        egui::Window::new("Unsaved changes")
            .collapsible(false)
            .resizable(false)
            .anchor(egui::Align2::CENTER_CENTER, egui::vec2(0.0, 0.0))
            .show(ctx, |ui| {
                ui.label(format!(
                    "\"{title}\" has live changes that are not saved. Opening another scene drops them."
                ));
                ui.horizontal(|ui| {
                    if ui.button("Save, then open").clicked() {
                        actions.push(AppAction::Save);
                        actions.push(AppAction::Confirmed(Box::new(pending.clone())));
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
