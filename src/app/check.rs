//! "Check my answer": an exercise's goal checked on the run, threshold by
//! threshold (passed or failed, what was measured and by how much), the
//! verdict, and a hint revealed on request. It opens by itself when a
//! scene with a goal reaches its end, and from its button at any time: a
//! paused run is checked as it stands (and said to be unfinished), a
//! playing one is checked once paused.

use super::{AppAction, palette, plain};
use crate::goal::{FinishedRun, GoalReport, check};
use crate::host::{Command, Snapshot};

/// The panel's state.
#[derive(Default)]
pub struct CheckPanel {
    /// The panel is shown.
    pub open: bool,
    /// The hint is revealed.
    show_hint: bool,
    /// The run (id) last seen at its end, so the panel opens once per end.
    ended_run: Option<u64>,
}

/// The report on the run in `snap`, when its scene has a goal and the run
/// is paused (the host then publishes the run's summary).
pub fn report(snap: &Snapshot) -> Option<GoalReport> {
    let goal = snap.edited.goal.as_ref()?;
    let summary = snap.summary.as_ref()?;
    Some(check(
        goal,
        &FinishedRun {
            required_s: snap.duration_s,
            settings: &snap.first().live,
            summary,
            ledgers: &snap.first().ledgers,
        },
    ))
}

impl CheckPanel {
    /// Opens the panel when a scene with a goal has just reached its end.
    pub fn watch(&mut self, snap: &Snapshot) {
        if snap.ended && snap.edited.goal.is_some() && self.ended_run != Some(snap.run_id) {
            self.ended_run = Some(snap.run_id);
            self.open = true;
            self.show_hint = false;
        }
    }

    /// The panel, while open.
    pub fn ui(&mut self, ctx: &egui::Context, snap: &Snapshot, actions: &mut Vec<AppAction>) {
        if !self.open {
            return;
        }
        let mut open = true;
        egui::Window::new("Check my answer")
            .open(&mut open)
            .collapsible(false)
            .default_pos(ctx.content_rect().center_top() + egui::vec2(-260.0, 120.0))
            .show(ctx, |ui| self.body(ui, snap, actions));
        self.open = open;
    }

    fn body(&mut self, ui: &mut egui::Ui, snap: &Snapshot, actions: &mut Vec<AppAction>) {
        if snap.edited.goal.is_none() {
            ui.label("This scene has no goal: open an exercise (Scenes menu) to check an answer.");
            return;
        }
        let Some(report) = report(snap) else {
            ui.label(format!(
                "The goal is checked when the scene ends (at {}). Pause to see where the run stands now.",
                crate::fmt::clock(snap.duration_s)
            ));
            if ui.button("Pause and check").clicked() {
                actions.push(AppAction::Host(Command::Pause));
            }
            return;
        };
        let text = report.text(false);
        let mut lines = text.lines();
        let verdict = plain(lines.next().unwrap_or_default());
        let colour = if report.passed() {
            palette::OKABE_ITO[2]
        } else if report.complete() {
            palette::RED
        } else {
            palette::AMBER
        };
        let dark = ui.visuals().dark_mode;
        ui.label(
            egui::RichText::new(verdict)
                .strong()
                .size(16.0)
                .color(palette::text(colour, dark)),
        );
        egui::Grid::new("goal-checks")
            .num_columns(2)
            .striped(true)
            .show(ui, |ui| {
                for (c, line) in report.checks.iter().zip(lines) {
                    let (mark, colour) = if c.passed {
                        ("PASS", palette::OKABE_ITO[2])
                    } else {
                        ("FAIL", palette::RED)
                    };
                    let ink = palette::text(colour, dark);
                    ui.label(egui::RichText::new(mark).strong().color(ink));
                    // The report's own line, without its mark.
                    let body = line.trim_start().trim_start_matches(['✓', '✗']).trim();
                    ui.label(egui::RichText::new(plain(body)).monospace());
                    ui.end_row();
                }
            });
        ui.separator();
        if report.hint.trim().is_empty() {
            return;
        }
        if self.show_hint {
            ui.label(format!("Hint: {}", plain(report.hint.trim())));
        } else if ui.button("Show hint").clicked() {
            self.show_hint = true;
        }
    }
}
