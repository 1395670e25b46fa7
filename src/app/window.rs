//! The frame's bookkeeping with the window: the animation clock, frames
//! drawn, and the scale, theme and full screen last pushed to egui (the
//! scale in effect may be smaller than the chosen one while presenting in
//! a small window: `fit::presenting_zoom`).

use super::{Prefs, fit};

/// Per-frame state that belongs to the window, not to a panel.
#[derive(Default)]
pub(super) struct WindowState {
    /// Animation clock, s: advances with wall time while playing.
    pub anim_s: f64,
    /// Wall time of the previous frame, s.
    last_time: Option<f64>,
    /// Frames drawn (tests and benchmarks).
    pub frames: u64,
    /// Full screen wanted (F11, View menu).
    pub fullscreen: bool,
    /// Full screen last sent to the window.
    applied_fullscreen: bool,
    /// Settings last pushed to the context (the scale in effect,
    /// presentation, dark).
    applied_view: Option<(f32, bool, bool)>,
    /// Presenting in a window too small for the chosen scale: the scale
    /// used instead, shown in the View menu.
    pub fitted_zoom: Option<f32>,
}

impl WindowState {
    /// A new frame at wall time `time_s`, s: the animation clock moves on
    /// while `playing` (at most a quarter second per frame, so a stalled
    /// window does not jump its dots).
    pub fn tick(&mut self, time_s: f64, playing: bool) {
        let dt = self
            .last_time
            .map_or(0.0, |t| (time_s - t).clamp(0.0, 0.25));
        self.last_time = Some(time_s);
        if playing {
            self.anim_s += dt;
        }
    }

    /// Pushes the UI scale, presentation mode, theme and full screen to
    /// egui when they changed. Returns a note to show when presentation
    /// mode starts showing a smaller scale than chosen, to fit the window.
    pub fn apply(&mut self, ctx: &egui::Context, prefs: &Prefs) -> Option<String> {
        if self.fullscreen != self.applied_fullscreen {
            ctx.send_viewport_cmd(egui::ViewportCommand::Fullscreen(self.fullscreen));
            self.applied_fullscreen = self.fullscreen;
        }
        let chosen = prefs.ui_scale.clamp(1.0, 2.5);
        // Presenting, a window too small for the chosen scale is shown at
        // the largest that holds the presentation's layout (fit.rs). The
        // window at 100%, points: its size now times the zoom in effect.
        let zoom = if prefs.presentation {
            let window = ctx.content_rect().size() * ctx.zoom_factor();
            fit::presenting_zoom(chosen, window)
        } else {
            chosen
        };
        let fitted = (zoom < chosen).then_some(zoom);
        // Said where it does not take a row from the plots: a note that
        // floats and goes, and the View menu beside the scale.
        let note = fitted.filter(|_| fitted != self.fitted_zoom).map(|zoom| {
            format!(
                "Presenting at {:.0}% to fit this window ({:.0}% chosen): the figures and \
                 two whole plots need {:.0}×{:.0} points",
                zoom * 100.0,
                chosen * 100.0,
                fit::LEAST_WINDOW.x,
                fit::LEAST_WINDOW.y
            )
        });
        self.fitted_zoom = fitted;
        let want = (zoom, prefs.presentation, prefs.dark);
        if self.applied_view != Some(want) {
            // One zoom: the View menu's scale and Ctrl+ / Ctrl− are the
            // same setting, so egui's own keyboard zoom is off.
            ctx.options_mut(|o| o.zoom_with_keyboard = false);
            ctx.set_zoom_factor(zoom);
            ctx.set_theme(if prefs.dark {
                egui::Theme::Dark
            } else {
                egui::Theme::Light
            });
            self.applied_view = Some(want);
        }
        note
    }
}
