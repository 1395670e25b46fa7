//! The app's side of authoring the story: the Timeline panel's place in
//! the frame, the Edit menu's words, and the actions of undo, redo and
//! marker clicks (called from [`AsyncLabApp::apply`]).

use super::AsyncLabApp;
use super::action::AppAction;
use super::top_bar::Story;
use crate::host::{ScriptedEvent, Snapshot};

impl AsyncLabApp {
    /// What Edit -> Undo would take back, in words ("Undo: ...").
    pub fn undo_label(&self) -> Option<String> {
        self.undo.undo_label()
    }

    /// The event selected in the Timeline panel, if any.
    pub fn selected_event(&self) -> Option<ScriptedEvent> {
        self.timeline.selected()
    }

    /// What the Edit and View menus say of the story.
    pub(super) fn story(&self) -> Story {
        Story {
            undo: self.undo.undo_label(),
            redo: self.undo.redo_label(),
            timeline_shown: self.timeline.shown,
        }
    }

    /// The Timeline panel on the right, when shown: at most 40% of the
    /// window, so the plots keep most of it.
    pub(super) fn timeline_panel(
        &mut self,
        ui: &mut egui::Ui,
        snap: &Snapshot,
        actions: &mut Vec<AppAction>,
    ) {
        if !self.timeline.shown {
            return;
        }
        let width = ui.ctx().content_rect().width();
        egui::Panel::right("timeline")
            .resizable(true)
            .default_size(340.0_f32.min(width * 0.3))
            .max_size(width * 0.4)
            .show(ui, |ui| self.timeline.ui(ui, snap, actions));
    }

    /// Undo, redo, the Timeline panel shown or hidden, a marker clicked.
    pub(super) fn apply_story(&mut self, action: AppAction) {
        match action {
            AppAction::Undo => {
                for command in self.undo.undo() {
                    self.send(command, false);
                }
            }
            AppAction::Redo => {
                for command in self.undo.redo() {
                    self.send(command, false);
                }
            }
            AppAction::ShowTimeline(shown) => self.timeline.shown = shown,
            AppAction::SelectEvent(t_s, change) => {
                let snap = self.host.snapshot();
                self.timeline
                    .select_at(t_s, &change, &snap.edited, &snap.live);
            }
            _ => {}
        }
    }
}
