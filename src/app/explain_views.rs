//! The wiring of the views that explain the run: the
//! bottleneck strip, the request journey and the load curve, their state
//! and the actions that open and drive them. The views themselves are in
//! `bottleneck.rs`, `waterfall.rs` and `sweep_window.rs`.

use super::action::AppAction;
use super::{AsyncLabApp, bottleneck, sweep_window, waterfall};

/// The views that explain the run.
#[derive(Default)]
pub(super) struct ExplainViews {
    pub strip: bottleneck::BottleneckStrip,
    pub journey: waterfall::Journey,
    pub sweep: sweep_window::SweepWindow,
    /// The traced dots the wait plot drew in the last frame: arrival
    /// number and screen position.
    pub dots: Vec<(u64, egui::Pos2)>,
}

impl AsyncLabApp {
    /// The bottleneck strip (tests read its sentences).
    pub fn bottleneck(&self) -> &bottleneck::BottleneckStrip {
        &self.explain.strip
    }

    /// The request journey window.
    pub fn journey(&self) -> &waterfall::Journey {
        &self.explain.journey
    }

    /// The traced dots on the wait plot in the last frame: arrival number
    /// and screen position (a click within a few points opens the journey
    /// on that action).
    pub fn traced_dots(&self) -> &[(u64, egui::Pos2)] {
        &self.explain.dots
    }

    /// The load curve window.
    pub fn sweep_window(&self) -> &sweep_window::SweepWindow {
        &self.explain.sweep
    }

    /// Opens the request journey or the load curve, or starts or cancels
    /// the load curve's sweep (on the edited scene).
    pub(super) fn explain_action(&mut self, action: AppAction) {
        match action {
            AppAction::ShowJourney => self.explain.journey.open = true,
            AppAction::ShowJourneyOf(seq) => self.explain.journey.pick(seq),
            AppAction::ShowLoadCurve => self.explain.sweep.open = true,
            AppAction::Sweep(act) => {
                let scene = self.host.snapshot().edited.clone();
                self.explain.sweep.act(act, &scene);
            }
            _ => {}
        }
    }
}
