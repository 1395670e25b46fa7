//! The twins' plots: one line per twin for each measure, on the same
//! axes (overlaid) or on the same y scale in a column per twin (split).
//! Twins are told apart by colour and line style, and named in the legend.

use super::{CompareContext, PlotLayout};
use crate::app::history::{History, Row};
use crate::app::plots::lines::{LineSpec, Reference, twin_style};
use crate::app::plots::{self, axes, markers, series, traced};
use crate::chart::{self, PlotName};
use crate::host::Snapshot;
use egui::{Color32, Id};
use egui_plot::{HLine, LineStyle};

/// The compare plots in screen order: every plot of the catalogue, each
/// as its one compared measure.
pub const COMPARE_PLOTS: [PlotName; 7] = chart::COMPARED;

/// The compare plot's title of `plot` (tests find plots by it).
pub fn title(plot: PlotName) -> &'static str {
    chart::spec(plot).compare.title
}

/// The plot shows traced actions as dots (the wait plot: each dot is one
/// user's wait, beside the twins' p95 lines).
fn shows_dots(plot: PlotName) -> bool {
    plot == PlotName::Wait
}

/// What the compare plots drew and what was clicked on them.
#[derive(Default)]
pub(super) struct Shown {
    /// The traced action whose dot was clicked, by arrival number.
    pub clicked: Option<u64>,
    /// The traced dots drawn: arrival number and screen position.
    pub dots: Vec<(u64, egui::Pos2)>,
}

/// Draws the compare plots, two per row when there is room.
pub(super) fn show(
    ui: &mut egui::Ui,
    snap: &Snapshot,
    histories: &[History],
    cx: &CompareContext,
    layout: PlotLayout,
) -> Shown {
    let mut shown = Shown::default();
    let kinds: &[PlotName] = if cx.presentation {
        &COMPARE_PLOTS[..4]
    } else {
        &COMPARE_PLOTS
    };
    let x1 = snap.now_s.max(cx.span_s);
    let x_range = (x1 - cx.span_s, x1);
    let columns = match layout {
        PlotLayout::Overlaid if cx.presentation => crate::app::fit::columns(ui.available_width()),
        PlotLayout::Overlaid => plots::columns(ui.available_width()),
        PlotLayout::Split => 1,
    };
    let rows = kinds.len().div_ceil(columns).max(1) as f32;
    let (height, least_frame) = if cx.presentation {
        // Two whole plots at least, filling what the twins leave.
        let h = crate::app::fit::plot_height(ui.available_height(), columns, kinds.len());
        (
            h.height,
            (h.least_frame < plots::MIN_FRAME_H).then_some(h.least_frame),
        )
    } else {
        (
            (ui.available_height() / rows - plots::TITLE_H - 6.0).max(130.0),
            None,
        )
    };
    let gap = 8.0;
    let width = ((ui.available_width() - gap * (columns as f32 - 1.0)) / columns as f32).max(100.0);
    let names: Vec<&str> = snap.runs.iter().map(|t| t.name.as_str()).collect();
    for row in kinds.chunks(columns) {
        ui.horizontal_top(|ui| {
            ui.spacing_mut().item_spacing.x = gap;
            for kind in row {
                ui.vertical(|ui| {
                    ui.set_width(width);
                    let p = PlotInput {
                        kind: *kind,
                        least_frame,
                        snap,
                        histories,
                        names: &names,
                        x_range,
                    };
                    match layout {
                        PlotLayout::Overlaid => {
                            overlaid(ui, &p, egui::vec2(width, height), &mut shown)
                        }
                        PlotLayout::Split => split(ui, &p, egui::vec2(width, height), &mut shown),
                    }
                });
            }
        });
    }
    shown
}

/// What one compare plot draws.
struct PlotInput<'a> {
    kind: PlotName,
    /// Presenting with the first rows sized to fill the window: a wrapped
    /// legend takes its lines from the plot, down to this height, points.
    least_frame: Option<f32>,
    snap: &'a Snapshot,
    histories: &'a [History],
    names: &'a [&'a str],
    x_range: (f64, f64),
}

impl PlotInput<'_> {
    /// Each twin's visible rows, and their values.
    fn values(&self) -> (Vec<&[Row]>, Vec<Vec<f64>>) {
        let rows: Vec<&[Row]> = self
            .histories
            .iter()
            .map(|h| plots::visible_rows(&h.rows, self.x_range))
            .collect();
        let values = rows
            .iter()
            .map(|rows| {
                rows.iter()
                    .map(chart::spec(self.kind).compare.get)
                    .collect()
            })
            .collect();
        (rows, values)
    }

    /// The y top shared by every twin: the same scale, so a twin's line
    /// that looks twice as high is twice as high.
    fn top(&self, values: &[Vec<f64>]) -> f64 {
        let (mut top, _) = axes::y_top(values);
        if let Some(r) = self.reference() {
            top = top.max(r.y * 1.1);
        }
        top.max(1.0) * 1.08
    }

    /// The plot's reference line (the SLA wait target, 80% busy).
    fn reference(&self) -> Option<Reference> {
        let cx = chart::Context::of(&self.snap.first().live, false);
        (chart::spec(self.kind).reference)(&cx).map(Reference::of)
    }

    /// Twin `k`'s line.
    fn line(&self, k: usize) -> LineSpec {
        LineSpec::twin(self.kind, k, self.names[k])
    }
}

/// Every twin on one plot.
fn overlaid(ui: &mut egui::Ui, p: &PlotInput<'_>, size: egui::Vec2, shown: &mut Shown) {
    let (rows, values) = p.values();
    let top = p.top(&values);
    let lines: Vec<LineSpec> = (0..values.len()).map(|k| p.line(k)).collect();
    let size = legend_then_size(ui, &lines, p, size);
    let twins = 0..values.len();
    draw(
        ui,
        p,
        (&rows, &values),
        &lines,
        top,
        size,
        (twins, "all"),
        shown,
    );
}

/// A row of plots, one per twin, on the same y scale.
fn split(ui: &mut egui::Ui, p: &PlotInput<'_>, size: egui::Vec2, shown: &mut Shown) {
    let (rows, values) = p.values();
    let top = p.top(&values);
    let n = values.len().max(1);
    let gap = 8.0;
    let w = ((size.x - gap * (n as f32 - 1.0)) / n as f32).max(80.0);
    let lines: Vec<LineSpec> = (0..values.len()).map(|k| p.line(k)).collect();
    let size = legend_then_size(ui, &lines, p, size);
    ui.horizontal_top(|ui| {
        ui.spacing_mut().item_spacing.x = gap;
        for k in 0..values.len() {
            ui.vertical(|ui| {
                let one = (&rows[k..=k], &values[k..=k]);
                draw(
                    ui,
                    p,
                    one,
                    &lines[k..=k],
                    top,
                    egui::vec2(w, size.y),
                    (k..k + 1, p.names[k]),
                    shown,
                );
            });
        }
    });
}

/// Draws the title and legend, then gives the plot's size: presenting in
/// a window the first rows fill, a legend that wraps takes its extra
/// lines from the plot (down to the least height), so the row keeps the
/// height the layout gave it, as in solo.
fn legend_then_size(
    ui: &mut egui::Ui,
    lines: &[LineSpec],
    p: &PlotInput<'_>,
    size: egui::Vec2,
) -> egui::Vec2 {
    let top = ui.cursor().top();
    legend(ui, title(p.kind), lines, p);
    let Some(least) = p.least_frame else {
        return size;
    };
    let used = ui.cursor().top() - top;
    let y = (size.y + plots::TITLE_H - used).max(least);
    egui::vec2(size.x, y)
}

/// The title and a legend entry per twin (and the SLA).
fn legend(ui: &mut egui::Ui, title: &str, lines: &[LineSpec], p: &PlotInput<'_>) {
    ui.horizontal_wrapped(|ui| {
        ui.spacing_mut().item_spacing.x = 6.0;
        ui.label(egui::RichText::new(crate::app::room::say(ui.ctx(), title)).strong());
        for (k, s) in lines.iter().enumerate() {
            swatch(ui, s.color, twin_style(k));
            ui.label(&s.name);
        }
        if let Some(r) = p.reference() {
            swatch(ui, r.color, r.style);
            ui.label(r.name);
        }
        if shows_dots(p.kind) {
            plots::dots_legend_entry(ui);
        }
    });
}

/// A short sample of a line in `color` and `style`.
pub(super) fn swatch(ui: &mut egui::Ui, color: Color32, style: LineStyle) {
    let (rect, _) = ui.allocate_exact_size(egui::vec2(26.0, 14.0), egui::Sense::hover());
    let y = rect.center().y;
    let stroke = egui::Stroke::new(3.0, color);
    let (a, b) = (rect.left(), rect.right());
    let dash = |len: f32, gap: f32| {
        let mut x = a;
        while x < b {
            let end = (x + len).min(b);
            ui.painter()
                .line_segment([egui::pos2(x, y), egui::pos2(end, y)], stroke);
            x = end + gap;
        }
    };
    match style {
        LineStyle::Solid => dash(b - a, 0.0),
        LineStyle::Dashed { length } => dash(length.max(3.0), length.max(3.0) / 2.0),
        LineStyle::Dotted { spacing } => dash(2.0, spacing.max(2.0)),
    }
}

/// One plot of `lines` (line k: `values[k]` over `rows[k]`) with a fixed
/// top. `twins`: whose traced dots it shows (on the wait plot), and the
/// name of the plot (a twin's, or "all").
#[allow(clippy::too_many_arguments)]
fn draw(
    ui: &mut egui::Ui,
    p: &PlotInput<'_>,
    (rows, values): (&[&[Row]], &[Vec<f64>]),
    lines: &[LineSpec],
    top: f64,
    size: egui::Vec2,
    (twins, which): (std::ops::Range<usize>, &str),
    shown: &mut Shown,
) {
    let group = Id::unique("asynclab-compare-time-axis");
    let (x0, x1) = p.x_range;
    let dark = ui.visuals().dark_mode;
    let first = p.snap.first();
    let pc = plots::PlotContext {
        markers: &first.markers,
        settings: &first.live,
        sla_wait_s: first.live.sla.wait_target_s,
        x_range: p.x_range,
        height: size.y,
        min_frame_h: plots::MIN_FRAME_H,
        traces: &[],
        cues: &p.snap.edited.view.cues,
    };
    let reference = p.reference();
    // The same user is a dot in every twin it shows; any of them opens the
    // journey, which draws that user in every twin.
    let dots: Vec<traced::Dot> = if shows_dots(p.kind) {
        let all = p.snap.runs[twins]
            .iter()
            .flat_map(|t| traced::dots(&t.traces, p.x_range, top))
            .collect();
        let px = ((x1 - x0) / f64::from(size.x), top / f64::from(size.y));
        traced::one_per_pixel(all, px)
    } else {
        Vec::new()
    };
    let id = ("compare-plot", p.kind, which.to_string());
    let share = chart::spec(p.kind).unit == chart::Unit::Share;
    let response = plots::time_plot(id, size, group, share).show(ui, |plot| {
        plot.set_plot_bounds_x(x0..=x1);
        plot.set_plot_bounds_y(-top * 0.03..=top);
        traced::draw(plot, &dots, dark, false);
        for ((spec, rows), v) in lines.iter().zip(rows).zip(values) {
            let keys = series::bucket_keys(rows, (size.x, x1 - x0));
            series::series(plot, spec, rows, v, &keys);
        }
        if let Some(r) = reference {
            plot.hline(HLine::new(r.name, r.y).color(r.color).style(r.style));
        }
        markers::markers(plot, &pc, dark);
        traced::draw(plot, &dots, dark, true);
    });
    let on_screen = traced::on_screen(&dots, &response.transform);
    if let Some(seq) = traced::clicked(&response.response, &on_screen) {
        shown.clicked = Some(seq);
    }
    shown.dots.extend(on_screen);
    let frame = *response.transform.frame();
    let label = format!("compare plot: {} ({which})", title(p.kind));
    ui.interact(
        frame,
        ui.scope_id().with(("compare-plot-frame", p.kind, which)),
        egui::Sense::hover(),
    )
    .widget_info(|| egui::WidgetInfo::labeled(egui::Role::Image, true, &label));
    if p.kind == PlotName::Wait {
        markers::captions(ui, &response.transform, &pc);
    }
}
