//! The compare view: the scene's twins (the same users, sync and async, or
//! the scene's variants) side by side on one clock.
//!
//! ```text
//!  difference    "sync vs async: p95 wait 15.0 s vs 72 ms: ..."
//!  twin columns  name, its own SYNC | ASYNC, headline, ledgers, diagram
//!  plots         one line per twin on the same axes (or a column each)
//! ```
//!
//! The view keeps a plot history per twin; the host sends each twin's
//! windows in [`crate::host::RunSnapshot::new_windows`]. Like every panel
//! it draws and pushes [`AppAction`]s; it never calls the host.

mod plots;

use super::action::AppAction;
use super::diagram;
use super::headline::{self, RunView};
use super::history::History;
use super::palette;
pub use crate::app::plots::lines::{twin_color, twin_style};
use crate::compare::{Figures, Scope};
use crate::host::{Command, RunSnapshot, Snapshot, Target};
use crate::scenario::{Change, Mode};
pub use plots::{COMPARE_PLOTS, title};

/// How the twins' plots are laid out.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum PlotLayout {
    /// Every twin on the same axes, told apart by colour and line style
    /// (the default: the gap between the twins is the picture).
    #[default]
    Overlaid,
    /// A column of plots per twin, on the same y scale.
    Split,
}

/// Per-twin plot histories and how to lay the plots out.
#[derive(Default)]
pub struct CompareView {
    /// Plot history of each twin, in variant order.
    histories: Vec<History>,
    /// The run the histories belong to.
    run_id: u64,
    /// Overlaid or split plots (View menu).
    pub layout: PlotLayout,
}

/// What the view needs besides the snapshot.
pub struct CompareContext<'a> {
    /// Animation clock, s.
    pub anim_s: f64,
    /// Presentation mode: fewer words, bigger plots.
    pub presentation: bool,
    /// Plot span, s of sim time.
    pub span_s: f64,
    /// What folds in presentation mode; the view notes its parts'
    /// heights in it.
    pub fit: &'a super::fit::Fit,
}

impl CompareView {
    /// Takes each twin's new windows into its history (a new run, or a
    /// different number of twins, starts them over).
    pub fn absorb(&mut self, snap: &Snapshot) {
        if snap.run_id != self.run_id || self.histories.len() != snap.runs.len() {
            self.run_id = snap.run_id;
            self.histories = vec![History::default(); snap.runs.len()];
        }
        for (h, t) in self.histories.iter_mut().zip(&snap.runs) {
            for w in &t.new_windows {
                h.push(w, t.live.window_s);
            }
        }
    }

    /// Adds closed windows to twin `k`'s history (benchmarks fill an hour
    /// at once); nothing when there is no such twin yet.
    pub fn ingest(&mut self, k: usize, windows: &[crate::sim::Window], window_s: f64) {
        if let Some(h) = self.histories.get_mut(k) {
            for w in windows {
                h.push(w, window_s);
            }
        }
    }

    /// Twin `k`'s plot history.
    pub fn history(&self, k: usize) -> Option<&History> {
        self.histories.get(k)
    }

    /// The whole view: the difference, a column per twin, the plots.
    /// Returns the traced dots drawn on the wait plot (arrival number,
    /// screen position); a click on one asks for its journey.
    pub fn ui(
        &self,
        ui: &mut egui::Ui,
        snap: &Snapshot,
        cx: &CompareContext,
        actions: &mut Vec<AppAction>,
    ) -> Vec<(u64, egui::Pos2)> {
        let twins = &snap.runs;
        if self.histories.len() != twins.len() {
            ui.label("Starting the twins…");
            return Vec::new();
        }
        let top = ui.cursor().top();
        // Folded to fit a small window, the difference keeps one line.
        let one_line = cx.presentation && cx.fit.folds(super::fit::Part::Headline);
        // The folded diagrams' key shares the difference's line (then one
        // line too): a line of its own would come out of the plots.
        if cx.presentation && cx.fit.folds(super::fit::Part::Diagram) {
            ui.horizontal(|ui| {
                cx.fit.diagram_key(ui);
                difference(ui, snap, &self.histories, true);
            });
        } else {
            difference(ui, snap, &self.histories, one_line);
        }
        // Presenting, the story shows at the scene's end only: its toggle
        // would take a line the plots need at a large scale.
        if !cx.presentation || snap.ended {
            story(ui, snap, &self.histories);
        }
        ui.separator();
        if cx.presentation {
            cx.fit.measure_fixed(ui.cursor().top() - top);
        }
        let avail = ui.available_height();
        let mut diagram_h = (avail * 0.2).max(130.0);
        if cx.presentation {
            // Two whole plots first; the diagrams take their share of the
            // rest.
            let rest =
                avail - super::fit::Fit::plots_need(super::fit::columns(ui.available_width()));
            diagram_h = (avail * 0.2).min(rest).max(super::fit::MIN_DIAGRAM_H);
        }
        let fit = cx.presentation.then_some(cx.fit);
        let top = ui.cursor().top();
        // The headlines' height: the tallest of each row, summed.
        let mut headline_h: f32 = 0.0;
        // At most four twins side by side: eight in one row would leave
        // each a sliver too narrow for its headline and diagram.
        let per_row = columns_per_row(twins.len());
        let rows = twins.len().div_ceil(per_row);
        for (row, first) in (0..twins.len()).step_by(per_row).enumerate() {
            if row > 0 {
                ui.separator();
            }
            let mut row_headline_h: f32 = 0.0;
            ui.columns(per_row, |cols| {
                for (i, col) in cols.iter_mut().enumerate() {
                    let k = first + i;
                    if k >= twins.len() {
                        break;
                    }
                    // Nothing a column draws reaches into its neighbour
                    // (nor up into the row above).
                    let max = col.max_rect();
                    let own =
                        egui::Rect::from_x_y_ranges(max.x_range(), max.top()..=max.top() + 1.0e5);
                    col.shrink_clip_rect(own);
                    col.push_id(("twin", k), |ui| {
                        let h = self.twin_column(ui, snap, k, diagram_h, cx, actions);
                        row_headline_h = row_headline_h.max(h);
                    });
                }
            });
            headline_h += row_headline_h;
        }
        ui.separator();
        if let Some(f) = fit {
            // The columns' height less the tallest headline is the
            // diagrams' (or their key's); shown, they need their least.
            use super::fit::{MIN_DIAGRAM_H, Part};
            let block = ui.cursor().top() - top;
            let extra = if f.shows_diagram() {
                (diagram_h - MIN_DIAGRAM_H) * rows as f32
            } else {
                0.0
            };
            f.measure(Part::Headline, headline_h);
            f.measure(Part::Diagram, block - headline_h - extra);
        }
        let shown = plots::show(ui, snap, &self.histories, cx, self.layout);
        if let Some(seq) = shown.clicked {
            actions.push(AppAction::ShowJourneyOf(seq));
        }
        if fit.is_some_and(|f| f.figures_below()) {
            ui.separator();
            self.figures_below(ui, snap, per_row);
        }
        shown.dots
    }

    /// Each twin's figures under its name, `per_row` twins side by side:
    /// below the plots when the window is too small for them above.
    fn figures_below(&self, ui: &mut egui::Ui, snap: &Snapshot, per_row: usize) {
        let twins = &snap.runs;
        for first in (0..twins.len()).step_by(per_row) {
            ui.columns(per_row, |cols| {
                for (i, col) in cols.iter_mut().enumerate() {
                    let k = first + i;
                    let (Some(t), Some(h)) = (twins.get(k), self.histories.get(k)) else {
                        break;
                    };
                    col.push_id(("twin figures", k), |ui| {
                        let color = palette::text(twin_color(k), ui.visuals().dark_mode);
                        ui.label(egui::RichText::new(&t.name).strong().color(color));
                        headline::ui(ui, RunView::of(t), h, true, true);
                    });
                }
            });
        }
    }

    /// One twin: its name and mode switches, headline, ledgers, diagram
    /// (unless folded). Returns the height of all but the diagram, points.
    fn twin_column(
        &self,
        ui: &mut egui::Ui,
        snap: &Snapshot,
        k: usize,
        diagram_h: f32,
        cx: &CompareContext,
        actions: &mut Vec<AppAction>,
    ) -> f32 {
        use super::fit::Part;
        let t = &snap.runs[k];
        let h = &self.histories[k];
        let fit = cx.presentation.then_some(cx.fit);
        let top = ui.cursor().top();
        twin_header(ui, t, k, actions);
        let folded = fit.is_some_and(|f| f.folds(Part::Headline));
        // Folded furthest, the figures follow the plots (`figures_below`).
        if !fit.is_some_and(|f| f.figures_below()) {
            headline::ui(ui, RunView::of(t), h, cx.presentation, folded);
        }
        let headline_h = ui.cursor().top() - top;
        if fit.is_some_and(|f| !f.shows_diagram()) {
            return headline_h;
        }
        let clients: Vec<String> = t.live.client_names();
        diagram::show_own_mode(
            ui,
            &diagram::DiagramInput {
                gauges: &t.gauges,
                last: h.last.as_ref(),
                // No strip beside a twin: its newest window.
                busy: None,
                clients,
                window_s: t.live.window_s,
                anim_s: cx.anim_s,
                flashes: &[],
                height: diagram_h,
            },
        );
        headline_h
    }
}

/// Twins side by side in one row: all of them up to four, then rows of
/// four (eight twins, the most a scene may have, in two rows).
pub fn columns_per_row(twins: usize) -> usize {
    twins.clamp(1, 4)
}

/// The twin's name in its plot colour and line style, then its own
/// SYNC | ASYNC switch (it changes this twin only).
fn twin_header(ui: &mut egui::Ui, t: &RunSnapshot, k: usize, actions: &mut Vec<AppAction>) {
    ui.horizontal_wrapped(|ui| {
        let color = twin_color(k);
        plots::swatch(ui, color, twin_style(k));
        let name = egui::RichText::new(&t.name)
            .size(20.0)
            .strong()
            .color(palette::text(color, ui.visuals().dark_mode));
        ui.label(name)
            .widget_info(|| egui::WidgetInfo::labeled(egui::Role::Label, true, twin_label(t)));
        let all_async = t.live.endpoints.iter().all(|e| e.mode == Mode::Async);
        let all_sync = t.live.endpoints.iter().all(|e| e.mode == Mode::Sync);
        for (mode, on) in [(Mode::Sync, all_sync), (Mode::Async, all_async)] {
            let button = super::top_bar::mode_button(ui, mode, on);
            let hover = format!("Switch every endpoint of '{}' only", t.name);
            if ui.add(button).on_hover_text(hover).clicked() && !on {
                let change = Change::SetMode {
                    endpoint: None,
                    mode,
                };
                actions.push(AppAction::Host(Command::ApplyTo(change, Target::Twin(k))));
            }
        }
    });
}

impl super::AsyncLabApp {
    /// The controls panel; while comparing, first which twin its changes
    /// go to (every twin by default: the same world changed), and the
    /// knobs show that twin's settings.
    pub(in crate::app) fn controls_panel(
        &mut self,
        ui: &mut egui::Ui,
        snap: &Snapshot,
        actions: &mut Vec<AppAction>,
    ) {
        use crate::host::Target;
        let mut live = &snap.first().live;
        let mut gauges = &snap.first().gauges;
        if snap.compare {
            ui.horizontal_wrapped(|ui| {
                ui.label("Changes go to");
                ui.selectable_value(&mut self.target, Target::All, "every twin");
                for (k, t) in snap.runs.iter().enumerate() {
                    ui.selectable_value(
                        &mut self.target,
                        Target::Twin(k),
                        format!("only {}", t.name),
                    );
                }
            });
            if let Target::Twin(k) = self.target {
                match snap.runs.get(k) {
                    Some(t) => (live, gauges) = (&t.live, &t.gauges),
                    None => self.target = Target::All,
                }
            }
            ui.separator();
        } else {
            self.target = Target::All;
        }
        let now = ui.input(|i| i.time);
        self.controls.take_refusal(snap.last_error.as_deref(), now);
        let first = actions.len();
        self.controls.ui(ui, live, gauges, actions);
        let mine: Vec<AppAction> = actions.drain(first..).collect();
        for a in mine {
            let AppAction::Host(Command::Apply(c)) = a else {
                actions.push(a);
                continue;
            };
            let path = match &c {
                Change::Set { path, .. } => Some(path.clone()),
                _ => None,
            };
            if self.target != Target::All && c.touches_traffic() {
                // The twins share their users: said under the knob, not
                // sent to be refused.
                if let Some(p) = &path {
                    let text = "not changed: the twins share their users, so traffic changes go to every twin (choose \"every twin\" above)";
                    self.controls.note(p, text.to_string(), now);
                }
                continue;
            }
            if let Some(p) = &path {
                self.controls.sent(p, snap.last_error.as_deref(), now);
            }
            actions.push(match self.target {
                Target::All => AppAction::Host(Command::Apply(c)),
                target => AppAction::Host(Command::ApplyTo(c, target)),
            });
        }
    }
}

/// "twin sync: SYNC" — what tests and screen readers read of a twin's
/// header: its name and its modes now.
pub fn twin_label(t: &RunSnapshot) -> String {
    let modes: Vec<&str> = t
        .live
        .endpoints
        .iter()
        .map(|e| crate::words::mode(e.mode))
        .collect();
    format!("twin {}: {}", t.name, modes.join(", "))
}

/// The difference between the twins in words, over each twin's latest
/// window (the same trailing span as their headlines).
/// `one_line`: cut with "…" (the whole on hover).
fn difference(ui: &mut egui::Ui, snap: &Snapshot, histories: &[History], one_line: bool) {
    let text = super::plain(&difference_text(snap, histories));
    let size = if snap.runs.len() > 2 { 15.0 } else { 18.0 };
    let shown = super::room::say(ui.ctx(), &text);
    let wrap = if one_line {
        egui::TextWrapMode::Truncate
    } else {
        egui::TextWrapMode::Wrap
    };
    let response =
        ui.add(egui::Label::new(egui::RichText::new(&shown).size(size).strong()).wrap_mode(wrap));
    if shown != text {
        response.on_hover_text(format!("In the engineer's words: {text}"));
    }
}

/// Each twin's story of the run so far (worst minute, errors in all, peak
/// backlog, cost and revenue): at the scene's end, and on demand with the
/// *Run story* toggle.
fn story(ui: &mut egui::Ui, snap: &Snapshot, histories: &[History]) {
    let id = ui.make_persistent_id("compare run story");
    let mut on = ui.data(|d| d.get_temp::<bool>(id)).unwrap_or(false);
    let shown = on || snap.ended;
    if ui
        .selectable_label(shown, "Run story")
        .on_hover_text("Each twin's run so far: its worst minute, every error its users saw, its peak backlog, what it cost and earned. Shown by itself at the scene's end.")
        .clicked()
    {
        on = !on;
        ui.data_mut(|d| d.insert_temp(id, on));
    }
    if shown {
        for line in story_lines(snap, histories) {
            ui.label(super::room::say(ui.ctx(), &line));
        }
    }
}

/// "sync: worst minute 0:04:00–0:05:00 (3,210 errors); ..." for each twin.
pub fn story_lines(snap: &Snapshot, histories: &[History]) -> Vec<String> {
    snap.runs
        .iter()
        .zip(histories)
        .map(|(t, h)| {
            let revenue: f64 = t.gauges.revenue_so_far.iter().sum();
            let errors = t.totals.errors.total() - t.totals.errors.sim_limit;
            format!(
                "{}: {}",
                t.name,
                h.story.line(errors, t.gauges.cost_so_far, revenue)
            )
        })
        .collect()
}

/// A twin's figures at the end of its window `last`: the trailing p95s,
/// errors per minute over the same trailing span, the backlog and the cost
/// rate at that window's end. The host publishes a twin's window only once
/// every twin has closed it, so each twin's `last` is of the same instant
/// and the sentence compares the twins at one time.
pub fn live_figures(t: &RunSnapshot, last: &crate::sim::Window) -> Figures {
    Figures::live(last, &t.live, last.backlog, last.cost_per_hour)
}

/// The difference sentence(s) shown above the twins: "sync vs async: p95
/// wait 15.0 s vs 72 ms: answered 208× sooner; backlog 0 vs 2,887; ...".
pub fn difference_text(snap: &Snapshot, histories: &[History]) -> String {
    let figures: Option<Vec<(String, Figures)>> = snap
        .runs
        .iter()
        .zip(histories)
        .map(|(t, h)| {
            h.last
                .as_ref()
                .map(|w| (t.name.clone(), live_figures(t, w)))
        })
        .collect();
    let Some(figures) = figures.filter(|f| f.len() >= 2) else {
        return "The difference appears when every twin has closed its first window.".to_string();
    };
    let sentences = crate::compare::sentences(&figures, Scope::Live);
    if figures.len() == 2 {
        format!(
            "{} vs {}: {}",
            figures[0].0,
            figures[1].0,
            sentences.join("")
        )
    } else {
        sentences.join("\n")
    }
}
