//! The frame's layout: which panel goes where (top bar, lesson, controls,
//! timeline, the centre), and the centre itself: headline, strip,
//! diagram and plots solo, or the twins side by side; in presentation
//! mode what folds so two key plots stay whole (`fit.rs`).

use super::*;

impl AsyncLabApp {
    /// The frame's layout: which panel goes where. Panels push what the
    /// user asks for into `actions`.
    pub(super) fn panels(
        &mut self,
        ui: &mut egui::Ui,
        snap: &Snapshot,
        actions: &mut Vec<AppAction>,
    ) {
        // Comparing too: the host marks a caption with the twins it holds
        // for ("ASYNC: the server answers... (in async)").
        let caption = self.caption.current(snap, ui.input(|i| i.time));
        if self.files.prefs.presentation {
            // Before anything is drawn: at a new width the parts are drawn
            // unfolded and measured again.
            self.fit.window_width(ui.ctx().content_rect().width());
        }
        // A scene's pause cue speaks for every twin: it holds the one clock.
        let cue_note = snap.cue_note.as_ref().map(|c| {
            format!(
                "Paused at {}: {c} ({} plays on)",
                crate::fmt::clock(snap.now_s),
                commands::UiCommand::PlayPause.shortcut(ui.ctx().os())
            )
        });
        let caption = cue_note.as_deref().or(caption);
        egui::Panel::top("top").show(ui, |ui| {
            let view = top_bar::ViewState {
                controls_shown: self.controls.shown,
                compare_layout: self.compare.layout,
                fitted_zoom: self.window.fitted_zoom,
            };
            let story = self.story();
            top_bar::ui(ui, snap, &self.files.prefs, view, &story, actions);
            // The scene's end shares the caption's line: nothing moves.
            self.caption.ui(ui, caption, |ui| {
                if snap.ended {
                    lesson::ended_banner(ui, snap, actions);
                }
            });
        });
        // In presentation mode the lesson line is the first part to fold
        // (fit.rs): its panel's height, points, counts in what the parts
        // above the plots and the plots share.
        let mut lesson_h = 0.0;
        if self.lesson.wanted(&snap.edited) {
            let prefs = &self.files.prefs;
            let plain = prefs.plain_words();
            if prefs.presentation {
                // The room reads the lesson in one sentence; folded, on
                // one line.
                let one_line = self.fit.folds(fit::Part::Lesson);
                let shown = egui::Panel::top("intro").show(ui, |ui| {
                    room::lesson_line(ui, &snap.edited, plain, one_line);
                });
                lesson_h = shown.response.rect.height();
            } else {
                egui::Panel::top("intro").show(ui, |ui| self.lesson.ui(ui, &snap.edited, actions));
            }
        }
        if self.files.prefs.presentation {
            self.fit.measure(fit::Part::Lesson, lesson_h);
        }
        if self.controls.shown {
            // At a large scale in a small window the panel starts narrow
            // enough to leave the plots most of the width; it can be
            // widened, and scrolls both ways rather than clip a field.
            let width = ui.ctx().content_rect().width();
            // A small window (a large scale) keeps the plots most of its
            // width: the panel starts at most 30% of it there; wider, half
            // at most, enough for the fields beside their names.
            let share = if width < SMALL_WINDOW_W { 0.3 } else { 0.5 };
            // A width is kept per zoom: one dragged (or grown) at 100%
            // would take most of the window at 250%, so a new zoom starts
            // the panel at its default for the window. The zoom in effect
            // (a new one applies from the next frame, and `width` with it).
            let zoom_pct = (ui.ctx().zoom_factor() * 100.0).round() as u32;
            egui::Panel::left(("controls", zoom_pct))
                .resizable(true)
                .default_size(320.0_f32.min(width * share))
                .min_size(120.0_f32.min(width * 0.3))
                .max_size(width * 0.75)
                .show(ui, |ui| self.controls_panel(ui, snap, actions));
        }
        self.timeline_panel(ui, snap, actions);
        let mut clicked = None;
        egui::CentralPanel::default().show(ui, |ui| {
            // Scrolls only when the window is too small (large UI scale)
            // to show readable plots. What fits is measured against the
            // visible height, never the scrolled content's (and the lesson
            // line above it, which folds first).
            let visible_h = ui.available_height() + lesson_h;
            let mut area = egui::ScrollArea::vertical().auto_shrink([false, false]);
            // An image of the whole plot area scrolls it a screenful at a time.
            if let Some(y) = self.workshop.scroll_to() {
                area = area.vertical_scroll_offset(y);
            }
            let out = area.show(ui, |ui| {
                clicked = self.central(ui, snap, visible_h, actions)
            });
            self.workshop
                .scrolled(out.inner_rect, out.state.clamped_offset().y);
        });
        if let Some(m) = clicked {
            actions.push(AppAction::SelectEvent(m.t_s, m.change));
        }
        if let Some((purpose, path)) = self.browser.ui(ui.ctx()) {
            actions.push(self.chosen(purpose, path));
        }
        // The status note floats over the bottom left corner.
        self.messages
            .status_ui(ui.ctx(), snap.last_error.as_deref());
        self.messages.error_ui(ui.ctx());
        self.messages
            .confirm_ui(ui.ctx(), &snap.edited.title, actions);
        self.messages
            .host_down_ui(ui.ctx(), &snap.edited.title, actions);
        self.messages.stale_texts_ui(ui.ctx(), actions);
        if let Some(found) = self.recovery.found.first()
            && self.messages.confirm.is_none()
        {
            messages::Messages::found_ui(ui.ctx(), found, actions);
        }
        self.help.ui(ui.ctx());
        self.explain.journey.ui(ui.ctx(), snap);
        self.explain
            .sweep
            .ui(ui.ctx(), snap, &self.history, actions);
        self.workshop.windows(ui.ctx(), snap, actions);
    }

    /// Headline and ledgers, diagram, failure counters and plots; in
    /// presentation mode the diagram and the scene's key plots only. Every
    /// part keeps a readable minimum height: at a large UI scale the area
    /// scrolls instead of squeezing a plot away.
    /// Returns the plot marker clicked, if any.
    pub(super) fn central(
        &mut self,
        ui: &mut egui::Ui,
        snap: &Snapshot,
        visible_h: f32,
        actions: &mut Vec<AppAction>,
    ) -> Option<crate::sim::Marker> {
        let presentation = self.files.prefs.presentation;
        // Presentation mode fits the window: what stands above the plots
        // folds (fit.rs) so two key plots are whole on screen.
        let budget = visible_h;
        if snap.compare {
            let cx = compare::CompareContext {
                anim_s: self.window.anim_s,
                presentation,
                span_s: self.files.prefs.span_s,
                fit: &self.fit,
            };
            self.explain.dots = self.compare.ui(ui, snap, &cx, actions);
            let columns = fit::columns(ui.available_width());
            self.finish_fit(ui, budget, columns);
            return None;
        }
        let fit = presentation.then_some(&self.fit);
        let folds = |part| fit.is_some_and(|f| f.folds(part));
        let top = ui.cursor().top();
        let run = headline::RunView::of(snap.first());
        // Folded furthest, the figures follow the plots.
        let below = fit.is_some_and(|f| f.figures_below());
        if !below {
            headline::ui(
                ui,
                run,
                &self.history,
                presentation,
                folds(fit::Part::Headline),
            );
            ui.separator();
        }
        let top = measure(ui, fit, fit::Part::Headline, top);
        self.explain
            .strip
            .ui(ui, presentation, folds(fit::Part::Strip));
        ui.separator();
        let top = measure(ui, fit, fit::Part::Strip, top);
        let columns = if presentation {
            fit::columns(ui.available_width())
        } else {
            plots::columns(ui.available_width())
        };
        let clients: Vec<String> = snap.first().live.client_names();
        if folds(fit::Part::Diagram) {
            self.fit.diagram_key(ui);
        }
        let mut diagram_extra = 0.0;
        if fit.is_none_or(|f| f.shows_diagram()) {
            let avail = ui.available_height();
            let share = if presentation { 0.22 } else { 0.24 };
            let mut diagram_h = (avail * share).max(MIN_DIAGRAM_H);
            if presentation {
                // Two whole plots first; the diagram takes its share of
                // the rest.
                let rest = avail - fit::Fit::plots_need(columns);
                diagram_h = (avail * share).min(rest).max(fit::MIN_DIAGRAM_H);
                diagram_extra = diagram_h - fit::MIN_DIAGRAM_H;
            }
            diagram::show(
                ui,
                &diagram::DiagramInput {
                    gauges: &snap.first().gauges,
                    last: self.history.last.as_ref(),
                    busy: self.explain.strip.busy(),
                    clients,
                    window_s: snap.first().live.window_s,
                    anim_s: self.window.anim_s,
                    flashes: self.flashes.all(),
                    height: diagram_h,
                },
            );
        }
        if let Some(f) = fit {
            // Shown, the diagram needs its least height, not the share it
            // took from a large window.
            let drawn = ui.cursor().top() - top;
            let least = drawn - diagram_extra;
            f.measure(
                fit::Part::Diagram,
                if f.folds(fit::Part::Diagram) {
                    drawn
                } else {
                    least
                },
            );
        }
        if !presentation {
            counters::ui(ui, snap);
        }
        let kinds = self.plot_kinds(snap);
        let span = self.files.prefs.span_s;
        let x1 = snap.now_s.max(span);
        let per_plot = if presentation {
            fit::plot_height(ui.available_height(), columns, kinds.len())
        } else {
            fit::PlotHeight {
                height: plots::height_to_fit(
                    ui.available_height(),
                    ui.available_width(),
                    kinds.len(),
                )
                .max(MIN_PLOT_H),
                least_frame: plots::MIN_FRAME_H,
            }
        };
        let mut shown = plots::show_in(
            ui,
            columns,
            &self.history,
            &plots::PlotContext {
                markers: &snap.first().markers,
                settings: &snap.first().live,
                sla_wait_s: snap.first().live.sla.wait_target_s,
                x_range: (x1 - span, x1),
                height: per_plot.height,
                min_frame_h: per_plot.least_frame,
                traces: &snap.first().traces,
                cues: &snap.edited.view.cues,
            },
            &kinds,
        );
        if below {
            ui.separator();
            headline::ui(ui, run, &self.history, presentation, true);
        }
        self.workshop.plots_shown(&shown, actions);
        if let Some(seq) = shown.iter().find_map(|s| s.trace) {
            actions.push(AppAction::ShowJourneyOf(seq));
        }
        self.explain.dots = shown
            .iter_mut()
            .flat_map(|s| std::mem::take(&mut s.dots))
            .collect();
        self.finish_fit(ui, budget, columns);
        shown.iter().find_map(|s| s.marker.clone())
    }

    /// Chooses the next frame's fold from this frame's measures (in
    /// presentation mode; out of it, nothing folds): `budget` is the
    /// height the parts and the plots shared, points.
    pub(super) fn finish_fit(&mut self, ui: &egui::Ui, budget: f32, columns: usize) {
        if !self.files.prefs.presentation {
            self.fit.reset();
            return;
        }
        if self.fit.finish(budget, fit::Fit::plots_need(columns)) {
            ui.ctx().request_repaint();
        }
    }

    /// Every plot, the scene's key plots first; in presentation mode the
    /// scene's key plots only (or four that carry most lessons, for a
    /// scene that names none).
    pub(super) fn plot_kinds(&self, snap: &Snapshot) -> Vec<plots::PlotName> {
        use plots::PlotName;
        if !self.files.prefs.presentation {
            // The cost plot joins the others when the scene is about money:
            // it names it as a key plot, or charges for processing.
            // The scene's key plots come first, so they are on screen
            // without scrolling; the rest follow in their usual order.
            let view = &snap.edited.view;
            let money = view.key_plots.contains(&crate::scenario::PlotName::Cost)
                || snap
                    .first()
                    .live
                    .cost
                    .revenue_per_action
                    .iter()
                    .any(|r| *r > 0.0);
            let mut kinds: Vec<PlotName> = view.key_plots.clone();
            let rest: Vec<PlotName> = crate::chart::ALL
                .into_iter()
                .filter(|k| (*k != PlotName::Cost || money) && !kinds.contains(k))
                .collect();
            kinds.extend(rest);
            return kinds;
        }
        let named: Vec<PlotName> = snap.edited.view.key_plots.clone();
        if named.is_empty() {
            vec![
                PlotName::Wait,
                PlotName::Backlog,
                PlotName::Throughput,
                PlotName::Utilisation,
            ]
        } else {
            named
        }
    }
}

/// Notes the height from `top` to the cursor as `part`'s (when fitting);
/// returns the cursor's top.
fn measure(ui: &egui::Ui, fit: Option<&fit::Fit>, part: fit::Part, top: f32) -> f32 {
    let now = ui.cursor().top();
    if let Some(f) = fit {
        f.measure(part, now - top);
    }
    now
}

/// Below this window width, points, the controls panel starts at most
/// 30% of it wide (else half).
const SMALL_WINDOW_W: f32 = 600.0;

/// Smallest height of the diagram, points.
const MIN_DIAGRAM_H: f32 = 150.0;

/// Smallest height of a plot, points: below this a plot is not readable,
/// so the central area scrolls instead.
const MIN_PLOT_H: f32 = 150.0;
