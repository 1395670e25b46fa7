//! The time-series plots: one shared, moving time axis (linked by id),
//! NaN values drawn as gaps, markers as vertical lines with captions.
//!
//! Which plots there are and what each draws: the plot catalogue
//! (`crate::chart`); its lines as egui draws them: `lines.rs`. Axes and
//! the y range: `axes.rs`; decimated lines: `series.rs`; marker lines,
//! outage bands and captions: `markers.rs`.

pub mod axes;
pub mod lines;
pub(crate) mod markers;
pub(crate) mod series;
pub mod traced;

use super::history::{History, Row};
pub use crate::chart::PlotName;
pub use axes::y_top;
use egui::{Color32, Id};
use egui_plot::{HLine, Plot};
use lines::{LineSpec, Reference};
pub use markers::drawn_this_frame;

/// What every plot needs besides the history.
pub struct PlotContext<'a> {
    /// Markers of the run.
    pub markers: &'a [crate::sim::Marker],
    /// The live settings (names markers' changes; the clients' and
    /// endpoints' names for the legends).
    pub settings: &'a crate::sim::Settings,
    /// SLA wait target, s.
    pub sla_wait_s: f64,
    /// Shown time range, s of sim time.
    pub x_range: (f64, f64),
    /// Height of each plot, points.
    pub height: f32,
    /// Least height of a plot's frame however much its legend wraps,
    /// points: [`MIN_FRAME_H`], or less in presentation mode once
    /// everything above the plots is folded ([`super::fit::LEAST_PLOT_H`]).
    pub min_frame_h: f32,
    /// Traced actions, drawn as dots on the wait plot (empty: none).
    pub traces: &'a [crate::sim::trace::Trace],
    /// The scene's clock cues (slow stretches, pauses; empty: none).
    pub cues: &'a [crate::scenario::Cue],
}

/// The plots go in two columns when the space for them is wider than
/// this, points; in one below it.
pub const TWO_COLUMNS_MIN_W: f32 = 700.0;

/// Smallest height of a plot (axes included), points, however much its
/// legend wraps: a narrow window at a large scale must not squash a plot.
pub const MIN_FRAME_H: f32 = 120.0;

/// Height of a one-line plot title, points (the caller budgets for it).
pub const TITLE_H: f32 = 28.0;

/// Columns of plots in `width` points.
pub fn columns(width: f32) -> usize {
    if width > TWO_COLUMNS_MIN_W { 2 } else { 1 }
}

/// The height of each of `count` plots so that they all fit in `height`
/// points of a space `width` points wide.
pub fn height_to_fit(height: f32, width: f32, count: usize) -> f32 {
    let rows = count.max(1).div_ceil(columns(width)) as f32;
    // Less a little per row for the spacing between rows, so the last
    // row's time axis is not cut off.
    (height / rows - TITLE_H - 6.0).max(80.0)
}

/// A plot as drawn: where (title, legend and axes included) and its
/// response (clicks for its context menu).
pub struct Shown {
    /// Which plot.
    pub kind: PlotName,
    /// The plot with its title, legend and axes, points (visible part).
    pub rect: egui::Rect,
    /// The same, whole (scrolled out of view or not), points.
    pub full: egui::Rect,
    /// The plot area's response.
    pub response: egui::Response,
    /// The marker the user clicked on it, if any.
    pub marker: Option<crate::sim::Marker>,
    /// The traced action whose dot the user clicked, by arrival number.
    pub trace: Option<u64>,
    /// The traced dots drawn: arrival number and screen position.
    pub dots: Vec<(u64, egui::Pos2)>,
}

/// Draws the plots `kinds`, two columns when there is room; returns each
/// as drawn (with the marker clicked on it, if any).
pub fn show(
    ui: &mut egui::Ui,
    history: &History,
    pc: &PlotContext<'_>,
    kinds: &[PlotName],
) -> Vec<Shown> {
    let columns = columns(ui.available_width());
    show_in(ui, columns, history, pc, kinds)
}

/// Draws the plots `kinds` in `columns` columns (presentation mode has its
/// own rule, `fit::columns`); returns each as drawn.
pub fn show_in(
    ui: &mut egui::Ui,
    columns: usize,
    history: &History,
    pc: &PlotContext<'_>,
    kinds: &[PlotName],
) -> Vec<Shown> {
    let columns = columns.max(1);
    let mut shown = Vec::with_capacity(kinds.len());
    let visible = visible_rows(&history.rows, pc.x_range);
    let gap = 8.0;
    let width = ((ui.available_width() - gap * (columns as f32 - 1.0)) / columns as f32).max(100.0);
    // Polling lines only when the browsers poll.
    let polling = history.rows.iter().any(|r| r.polls_per_s > 0.0);
    for row in kinds.chunks(columns) {
        ui.horizontal_top(|ui| {
            ui.spacing_mut().item_spacing.x = gap;
            for kind in row {
                let cell = ui.vertical(|ui| {
                    ui.set_width(width);
                    let lines = lines::lines(*kind, pc, polling);
                    let top = ui.cursor().top();
                    let dots = *kind == PlotName::Wait && !pc.traces.is_empty();
                    let reference = lines::reference(*kind, pc);
                    let title = crate::chart::spec(*kind).title;
                    legend_row(ui, title, &lines, reference.as_ref(), dots);
                    // A legend that wraps takes its extra lines from the
                    // plot, so the grid keeps its height.
                    let used = ui.cursor().top() - top;
                    let height = (pc.height + TITLE_H - used).max(pc.min_frame_h);
                    let size = egui::vec2(width, height);
                    plot(ui, *kind, visible, pc, &lines, size)
                });
                let Drawn {
                    response,
                    marker,
                    trace,
                    dots,
                } = cell.inner;
                shown.push(Shown {
                    kind: *kind,
                    rect: cell.response.rect.intersect(ui.clip_rect()),
                    full: cell.response.rect,
                    response,
                    marker,
                    trace,
                    dots,
                });
            }
        });
    }
    shown
}

/// The title and, beside it, the legend: outside the plot, so it never
/// covers the live data. `dots`: the plot shows traced actions as dots.
fn legend_row(
    ui: &mut egui::Ui,
    title: &str,
    lines: &[LineSpec],
    reference: Option<&Reference>,
    dots: bool,
) {
    ui.horizontal_wrapped(|ui| {
        ui.spacing_mut().item_spacing.x = 6.0;
        ui.label(egui::RichText::new(crate::app::room::say(ui.ctx(), title)).strong());
        ui.add_space(6.0);
        for s in lines {
            legend_entry(ui, &s.name, Swatch::Line(s.color));
        }
        if let Some(r) = reference {
            legend_entry(ui, &r.name, Swatch::Dashed(r.color));
        }
        if dots {
            legend_entry(ui, traced::LEGEND, Swatch::Dots);
        }
    });
}

/// The traced dots' legend entry (the compare view's legend has its own
/// swatches for the twins' lines).
pub(crate) fn dots_legend_entry(ui: &mut egui::Ui) {
    legend_entry(ui, traced::LEGEND, Swatch::Dots);
}

/// How a legend entry's swatch looks.
#[derive(Clone, Copy)]
enum Swatch {
    /// A line of this colour.
    Line(Color32),
    /// A dashed line (a reference line).
    Dashed(Color32),
    /// An answered and a failed dot (the traced actions).
    Dots,
}

/// A swatch and a name, as one widget so an entry wraps as a whole.
fn legend_entry(ui: &mut egui::Ui, name: &str, swatch: Swatch) {
    let text = ui.visuals().text_color();
    let font = egui::FontId::proportional(12.5);
    let name = crate::app::room::say(ui.ctx(), name);
    let galley = ui.painter().layout_no_wrap(name, font, text);
    let width = 16.0;
    let gap = 4.0;
    let size = egui::vec2(width + gap + galley.size().x, galley.size().y.max(14.0));
    let (rect, _) = ui.allocate_exact_size(size, egui::Sense::hover());
    let y = rect.center().y;
    let x0 = rect.left();
    let painter = ui.painter();
    match swatch {
        Swatch::Line(color) => {
            let stroke = egui::Stroke::new(3.0, color);
            painter.line_segment([egui::pos2(x0, y), egui::pos2(x0 + width, y)], stroke);
        }
        Swatch::Dashed(color) => {
            let stroke = egui::Stroke::new(3.0, color);
            for k in 0..3 {
                let x = x0 + k as f32 * 6.0;
                painter.line_segment([egui::pos2(x, y), egui::pos2(x + 3.5, y)], stroke);
            }
        }
        Swatch::Dots => {
            let answered = traced::answered(ui.visuals().dark_mode);
            painter.circle_filled(egui::pos2(x0 + 3.5, y), 3.0, answered);
            painter.circle_filled(egui::pos2(x0 + 11.5, y), 3.0, traced::FAILED);
        }
    }
    let pos = egui::pos2(x0 + width + gap, y - galley.size().y / 2.0);
    painter.galley(pos, galley, text);
}

/// The rows within the shown range, plus one on each side so lines reach
/// the edges.
pub(crate) fn visible_rows(rows: &[Row], (x0, x1): (f64, f64)) -> &[Row] {
    let start = rows.partition_point(|r| r.t_s < x0).saturating_sub(1);
    let end = (rows.partition_point(|r| r.t_s <= x1) + 1).min(rows.len());
    &rows[start.min(end)..end]
}

/// One plot of `size` points: its lines over `rows`, its reference line,
/// the markers, a note when a spike is clipped, and captions on the first.
/// Returns the plot's response, the marker clicked, the traced action
/// whose dot was clicked (a dot wins over a marker line under it) and
/// where the dots are on screen.
fn plot(
    ui: &mut egui::Ui,
    kind: PlotName,
    rows: &[Row],
    pc: &PlotContext<'_>,
    lines: &[LineSpec],
    size: egui::Vec2,
) -> Drawn {
    let group = Id::unique("asynclab-time-axis");
    let (x0, x1) = pc.x_range;
    let dark = ui.visuals().dark_mode;
    let spec = crate::chart::spec(kind);
    let reference = lines::reference(kind, pc);
    let values: Vec<Vec<f64>> = lines
        .iter()
        .map(|s| rows.iter().map(|r| (s.y)(r)).collect())
        .collect();
    let (top, clipped) = y_range(spec.fixed_top(), &values, reference.as_ref());
    let dots = if kind == PlotName::Wait {
        traced::dots(pc.traces, pc.x_range, top)
    } else {
        Vec::new()
    };
    let share = spec.unit == crate::chart::Unit::Share;
    let response = time_plot(("plot", kind), size, group, share).show(ui, |p| {
        p.set_plot_bounds_x(x0..=x1);
        p.set_plot_bounds_y(-top * 0.03..=top);
        traced::draw(p, &dots, dark, false);
        let keys = series::bucket_keys(rows, (size.x, x1 - x0));
        let mut order: Vec<usize> = (0..lines.len()).collect();
        order.sort_by(|a, b| lines[*b].width.total_cmp(&lines[*a].width));
        for k in order {
            let s = &lines[k];
            series::series(p, s, rows, &values[k], &keys);
        }
        if let Some(r) = reference {
            p.hline(HLine::new(r.name, r.y).color(r.color).style(r.style));
        }
        markers::markers(p, pc, dark);
        traced::draw(p, &dots, dark, true);
    });
    // Screen readers and tests find the plot by its title.
    let frame = *response.transform.frame();
    let label = format!("plot: {}", spec.title);
    ui.interact(
        frame,
        ui.scope_id().with(("plot-frame", kind)),
        egui::Sense::hover(),
    )
    .widget_info(|| egui::WidgetInfo::labeled(egui::Role::Image, true, &label));
    if let Some(peak) = clipped {
        spike_note(ui, frame, peak);
    }
    // Marker captions on the first plot only, so they are not repeated.
    if kind == PlotName::Wait {
        markers::captions(ui, &response.transform, pc);
    }
    let on_screen = traced::on_screen(&dots, &response.transform);
    let trace = traced::clicked(&response.response, &on_screen);
    let at = response.response.interact_pointer_pos();
    let clicked = response.response.clicked();
    let marker = at
        .filter(|_| clicked && trace.is_none())
        .and_then(|p| markers::near(p, &response.transform, pc));
    Drawn {
        response: response.response,
        marker,
        trace,
        dots: on_screen,
    }
}

/// What [`plot`] drew and what was clicked on it.
struct Drawn {
    response: egui::Response,
    marker: Option<crate::sim::Marker>,
    trace: Option<u64>,
    dots: Vec<(u64, egui::Pos2)>,
}

/// A plot on the moving time axis, `size` points: its x axis linked (and
/// its cursor) with every plot of `group`, no drag or zoom (the app moves
/// the axis), clock ticks below and 1-2-5 steps up the side, written as
/// the top bar and the hand-out write them (`fmt::clock`, `fmt::axis`).
/// `share`: the values are shares of one, written in percent.
pub(crate) fn time_plot<'a>(
    id: impl egui::AsIdSalt,
    size: egui::Vec2,
    group: Id,
    share: bool,
) -> Plot<'a> {
    Plot::new(id)
        .height(size.y)
        .width(size.x)
        .link_axis(group, [true, false])
        .link_cursor(group, [true, false])
        .allow_drag(false)
        .allow_zoom(false)
        .allow_scroll(false)
        .allow_boxed_zoom(false)
        .allow_double_click_reset(false)
        .y_axis_min_width(40.0)
        .x_grid_spacer(axes::time_grid)
        .x_axis_formatter(|mark, _| axes::time_label(mark.value))
        .y_grid_spacer(axes::nice_grid)
        .y_axis_formatter(move |mark, _| axes::value_label(mark.value, share))
}

/// Our own y range, from zero: the top of the data (spikes clipped, see
/// [`y_top`]) or the plot's fixed top, at least 1 and above the reference
/// line. Returns the top and the clipped spike's height, if any.
fn y_range(
    fixed_top: Option<f64>,
    values: &[Vec<f64>],
    reference: Option<&Reference>,
) -> (f64, Option<f64>) {
    let (mut top, clipped) = match fixed_top {
        Some(top) => (top, None),
        None => y_top(values),
    };
    if let Some(r) = reference {
        top = top.max(r.y * 1.1);
    }
    (top.max(1.0) * 1.08, clipped)
}

/// "spike to … off the top" in the plot's top right corner, on a plate.
fn spike_note(ui: &egui::Ui, frame: egui::Rect, peak: f64) {
    let painter = ui.painter_at(frame);
    let text = format!("spike to {} off the top", crate::fmt::axis(peak));
    let text = crate::app::room::say(ui.ctx(), &text);
    let galley = painter.layout_no_wrap(
        text,
        egui::FontId::proportional(11.0),
        ui.visuals().text_color(),
    );
    let pos = frame.right_top() + egui::vec2(-galley.size().x - 6.0, 3.0);
    painter.rect_filled(
        egui::Rect::from_min_size(pos, galley.size()).expand(2.0),
        egui::CornerRadius::same(3),
        ui.visuals().extreme_bg_color.gamma_multiply(0.85),
    );
    painter.galley(pos, galley, ui.visuals().text_color());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_columns_only_when_wider_than_the_threshold() {
        assert_eq!(columns(TWO_COLUMNS_MIN_W), 1);
        assert_eq!(columns(TWO_COLUMNS_MIN_W + 1.0), 2);
        // Six plots: three rows in two columns, six in one; each row less
        // its title and a gap; never below 80 points.
        let (wide, narrow) = (TWO_COLUMNS_MIN_W + 1.0, TWO_COLUMNS_MIN_W);
        let h = 3.0 * (200.0 + TITLE_H + 6.0);
        assert_eq!(height_to_fit(h, wide, 6), 200.0);
        assert_eq!(height_to_fit(h, narrow, 6), h / 6.0 - TITLE_H - 6.0);
        assert_eq!(height_to_fit(100.0, wide, 6), 80.0);
    }
}
