//! The app's side of authoring the story: the Timeline panel's place in
//! the frame, the Edit menu's words, and the actions of undo, redo and
//! marker clicks (called from [`AsyncLabApp::apply`]).

use super::AsyncLabApp;
use super::action::AppAction;
use super::top_bar::Story;
use crate::host::{ScriptedEvent, Snapshot};

/// Least width the plots keep beside the Timeline panel, points.
pub const MIN_CENTRAL_W: f32 = 320.0;

/// Least width of the Timeline panel beside the plots, points; with less
/// room it floats as a window.
pub const MIN_PANEL_W: f32 = 260.0;

impl AsyncLabApp {
    /// An app on a host the test prepared (e.g. a budgeted manual one, to
    /// watch a long jump's progress), without a window or thread.
    pub fn new_for_test_on(host: crate::host::Host, span_s: f64) -> Self {
        let prefs = super::Prefs {
            span_s,
            ..super::Prefs::default()
        };
        AsyncLabApp::with_host(host, prefs, None, false)
    }

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

    /// The Timeline panel on the right, when shown, leaving the plots at
    /// least [`MIN_CENTRAL_W`] points. Where that leaves the panel less
    /// than [`MIN_PANEL_W`] (a small window at a large UI scale), it floats
    /// as a window over the plots instead, so neither gets squeezed.
    pub(super) fn timeline_panel(
        &mut self,
        ui: &mut egui::Ui,
        snap: &Snapshot,
        actions: &mut Vec<AppAction>,
    ) {
        if !self.timeline.shown {
            return;
        }
        let room = ui.available_width() - MIN_CENTRAL_W;
        if room >= MIN_PANEL_W {
            egui::Panel::right("timeline")
                .resizable(true)
                .default_size(340.0_f32.min(room))
                .max_size(room)
                .show(ui, |ui| self.timeline.ui(ui, snap, actions));
            return;
        }
        let screen = ui.ctx().content_rect();
        let width = MIN_PANEL_W.min(screen.width() * 0.8);
        egui::Window::new("Timeline")
            .title_bar(false)
            .resizable(true)
            .default_width(width)
            .max_height(screen.height() * 0.9)
            .default_pos(egui::pos2(
                screen.right() - width - 16.0,
                screen.top() + 60.0,
            ))
            .show(ui.ctx(), |ui| self.timeline.ui(ui, snap, actions));
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
                    .select_at(t_s, &change, &snap.edited, &snap.first().live);
            }
            _ => {}
        }
    }
}
