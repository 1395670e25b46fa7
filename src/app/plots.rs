//! The time-series plots: one shared, moving time axis (linked by id),
//! NaN values drawn as gaps, markers as vertical lines with captions.

use super::history::{History, Row};
use super::palette;
use crate::sim::{Marker, MarkerKind, Reason};
use egui::{Color32, Id};
use egui_plot::{
    GridInput, GridMark, HLine, Line, LineStyle, Plot, PlotPoint, PlotTransform, PlotUi, Points,
    Span, VLine,
};

/// What every plot needs besides the history.
pub struct PlotContext<'a> {
    /// Markers of the run.
    pub markers: &'a [Marker],
    /// The live settings (names markers' changes).
    pub settings: &'a crate::sim::Settings,
    /// Client names (lane legends).
    pub clients: Vec<String>,
    /// Endpoint names (one wait line each when there are several).
    pub endpoints: Vec<String>,
    /// SLA wait target, s.
    pub sla_wait_s: f64,
    /// Shown time range, s of sim time.
    pub x_range: (f64, f64),
    /// Height of each plot, points.
    pub height: f32,
}

/// The plots and the names their tests look for.
pub const PLOT_TITLES: [&str; 6] = [
    "User-perceived wait (s)",
    "Time to processed (s)",
    "Queue backlog (jobs)",
    "Failures & retries (/s)",
    "Throughput (/s)",
    "Utilisation",
];

/// One line of a plot: its legend entry and how to read it from a row.
struct Spec<'a> {
    name: String,
    color: Color32,
    /// Line width, points: wider lines are drawn first, so a thin line on
    /// top of an equal one leaves both visible.
    width: f32,
    y: Box<dyn Fn(&Row) -> f64 + 'a>,
}

impl<'a> Spec<'a> {
    fn new(name: impl Into<String>, color: Color32, y: impl Fn(&Row) -> f64 + 'a) -> Self {
        Spec {
            name: name.into(),
            color,
            width: LINE_W,
            y: Box::new(y),
        }
    }

    /// Line `k` of a comparison (per client, per endpoint): the first
    /// thinnest and on top, the others wider beneath it, so when they
    /// coincide (FIFO: everyone waits alike) each still shows.
    fn stacked(mut self, k: usize) -> Self {
        self.width = LINE_W + 1.8 * k.min(3) as f32;
        self
    }
}

/// Width of a plot line, points.
const LINE_W: f32 = 1.8;

/// Endpoint lines (wait plot with several endpoints): colours the quantile
/// lines do not use there.
const ENDPOINT_COLORS: [Color32; 4] = [
    palette::OKABE_ITO[2],
    palette::OKABE_ITO[5],
    palette::OKABE_ITO[0],
    palette::OKABE_ITO[3],
];

/// The lines of plot `which`.
fn specs<'a>(which: usize, pc: &'a PlotContext<'_>, polling: bool) -> Vec<Spec<'a>> {
    let at = |v: &[f64], i: usize| v.get(i).copied().unwrap_or(f64::NAN);
    let mut out = Vec::new();
    match which {
        0 if pc.endpoints.len() > 1 => {
            // One p95 line per endpoint: the lesson compares them.
            for (k, name) in pc.endpoints.iter().enumerate() {
                out.push(
                    Spec::new(
                        format!("{name} p95"),
                        ENDPOINT_COLORS[k % ENDPOINT_COLORS.len()],
                        move |r: &Row| at(&r.wait_p95_by_endpoint, k),
                    )
                    .stacked(k),
                );
            }
        }
        0 => {
            for (k, name) in ["wait p50", "wait p95", "wait p99"].iter().enumerate() {
                out.push(Spec::new(*name, palette::QUANTILES[k], move |r: &Row| {
                    r.wait_s[k]
                }));
            }
        }
        1 if pc.clients.len() > 1 => {
            // One p95 line per client, in the client's colour: the lesson
            // compares them.
            for (c, name) in pc.clients.iter().enumerate() {
                out.push(
                    Spec::new(format!("{name} p95"), palette::client(c), move |r: &Row| {
                        at(&r.processed_p95_by_client, c)
                    })
                    .stacked(c),
                );
            }
        }
        1 => {
            let names = ["processed p50", "processed p95", "processed p99"];
            for (k, name) in names.iter().enumerate() {
                out.push(Spec::new(*name, palette::QUANTILES[k], move |r: &Row| {
                    r.processed_s[k]
                }));
            }
            if polling {
                out.push(Spec::new(
                    "user learns p95",
                    palette::OKABE_ITO[0],
                    |r: &Row| r.learn_p95_s,
                ));
            }
        }
        2 => {
            out.push(Spec::new("total", palette::TOTAL, |r: &Row| r.backlog));
            if pc.clients.len() > 1 {
                for (c, name) in pc.clients.iter().enumerate() {
                    out.push(Spec::new(
                        name.clone(),
                        palette::client(c),
                        move |r: &Row| at(&r.backlog_by_client, c),
                    ));
                }
            }
        }
        3 => {
            for (k, reason) in Reason::ALL.iter().enumerate() {
                out.push(Spec::new(
                    crate::words::reason(*reason),
                    palette::REASONS[k],
                    move |r: &Row| r.errors_per_s[k],
                ));
            }
            out.push(Spec::new("retries", palette::RETRIES, |r: &Row| {
                r.retries_per_s
            }));
            out.push(Spec::new("dead letters", palette::DEAD, |r: &Row| {
                r.dead_letters_per_s
            }));
        }
        4 => {
            out.push(Spec::new("arrivals", palette::ARRIVALS, |r: &Row| {
                r.arrivals_per_s
            }));
            out.push(Spec::new("answers", palette::ANSWERS, |r: &Row| {
                r.answers_per_s
            }));
            out.push(Spec::new("commits", palette::COMMITS, |r: &Row| {
                r.commits_per_s
            }));
            if polling {
                out.push(Spec::new(
                    "status polls",
                    palette::OKABE_ITO[3],
                    |r: &Row| r.polls_per_s,
                ));
            }
        }
        _ => {
            for (k, name) in ["server", "database", "queue workers"].iter().enumerate() {
                out.push(Spec::new(*name, palette::UTIL[k], move |r: &Row| r.util[k]));
            }
        }
    }
    out
}

/// A reference line drawn across a plot (SLA target, busy threshold).
fn reference(which: usize, pc: &PlotContext<'_>) -> Option<(String, f64, Color32, LineStyle)> {
    match which {
        0 => Some((
            format!("SLA {}", fmt_value(pc.sla_wait_s, "s")),
            pc.sla_wait_s,
            palette::SLA,
            LineStyle::dashed_loose(),
        )),
        5 => Some((
            "80% busy".to_string(),
            0.8,
            palette::AMBER,
            LineStyle::dotted_loose(),
        )),
        _ => None,
    }
}

/// Draws every plot, two columns when there is room.
pub fn show(ui: &mut egui::Ui, history: &History, pc: &PlotContext<'_>) {
    let visible = visible_rows(&history.rows, pc.x_range);
    let columns = if ui.available_width() > 900.0 { 2 } else { 1 };
    let gap = 8.0;
    let width = ((ui.available_width() - gap * (columns as f32 - 1.0)) / columns as f32).max(100.0);
    let titles: Vec<(usize, &str)> = PLOT_TITLES.iter().copied().enumerate().collect();
    // Polling lines only when the browsers poll.
    let polling = history.rows.iter().any(|r| r.polls_per_s > 0.0);
    for row in titles.chunks(columns) {
        ui.horizontal_top(|ui| {
            ui.spacing_mut().item_spacing.x = gap;
            for (i, title) in row {
                ui.vertical(|ui| {
                    ui.set_width(width);
                    let specs = specs(*i, pc, polling);
                    let top = ui.cursor().top();
                    legend_row(ui, title, &specs, reference(*i, pc));
                    // A legend that wraps takes its extra lines from the
                    // plot, so the grid keeps its height.
                    let used = ui.cursor().top() - top;
                    let height = (pc.height + TITLE_H - used).max(40.0);
                    plot(ui, *i, visible, pc, &specs, width, height);
                });
            }
        });
    }
}

/// Height of a one-line plot title, points (the caller budgets for it).
pub const TITLE_H: f32 = 28.0;

/// The title and, beside it, the legend: outside the plot, so it never
/// covers the live data.
fn legend_row(
    ui: &mut egui::Ui,
    title: &str,
    specs: &[Spec<'_>],
    reference: Option<(String, f64, Color32, LineStyle)>,
) {
    ui.horizontal_wrapped(|ui| {
        ui.spacing_mut().item_spacing.x = 6.0;
        ui.label(egui::RichText::new(title).strong());
        ui.add_space(6.0);
        let text = ui.visuals().text_color();
        let font = egui::FontId::proportional(12.5);
        let entry = |ui: &mut egui::Ui, name: &str, color: Color32, dashed: bool| {
            // Swatch and name are one widget, so an entry wraps as a whole.
            let galley = ui
                .painter()
                .layout_no_wrap(name.to_string(), font.clone(), text);
            let swatch = 16.0;
            let gap = 4.0;
            let size = egui::vec2(swatch + gap + galley.size().x, galley.size().y.max(14.0));
            let (rect, _) = ui.allocate_exact_size(size, egui::Sense::hover());
            let y = rect.center().y;
            let x0 = rect.left();
            let stroke = egui::Stroke::new(3.0, color);
            if dashed {
                for k in 0..3 {
                    let x = x0 + k as f32 * 6.0;
                    ui.painter()
                        .line_segment([egui::pos2(x, y), egui::pos2(x + 3.5, y)], stroke);
                }
            } else {
                ui.painter()
                    .line_segment([egui::pos2(x0, y), egui::pos2(x0 + swatch, y)], stroke);
            }
            let pos = egui::pos2(x0 + swatch + gap, y - galley.size().y / 2.0);
            ui.painter().galley(pos, galley, text);
        };
        for s in specs {
            entry(ui, &s.name, s.color, false);
        }
        if let Some((name, _, color, _)) = reference {
            entry(ui, &name, color, true);
        }
    });
}

/// The rows within the shown range, plus one on each side so lines reach
/// the edges.
fn visible_rows(rows: &[Row], (x0, x1): (f64, f64)) -> &[Row] {
    let start = rows.partition_point(|r| r.t_s < x0).saturating_sub(1);
    let end = (rows.partition_point(|r| r.t_s <= x1) + 1).min(rows.len());
    &rows[start.min(end)..end]
}

/// The y range to show: the data's top, unless one isolated spike would
/// flatten everything else; then the top of the rest, and the spike's
/// height to write on the plot.
pub fn y_top(series: &[Vec<f64>]) -> (f64, Option<f64>) {
    /// Newest values never count as a spike: a rise at the live edge is news.
    const FRESH: usize = 10;
    /// Values above the 98th percentile of a series may be spikes.
    const KEEP: f64 = 0.98;
    /// Clip only when the spike is this many times the rest.
    const RATIO: f64 = 3.0;
    let mut top = 0.0_f64;
    let mut robust = 0.0_f64;
    for values in series {
        let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
        let Some(max) = v.iter().copied().reduce(f64::max) else {
            continue;
        };
        top = top.max(max);
        let fresh = values
            .iter()
            .rev()
            .take(FRESH)
            .copied()
            .filter(|x| x.is_finite())
            .fold(0.0, f64::max);
        if v.len() < 30 {
            robust = robust.max(max);
            continue;
        }
        // Selection, not a sort: this runs for every series every frame.
        let k = ((v.len() - 1) as f64 * KEEP) as usize;
        let q = *v.select_nth_unstable_by(k, f64::total_cmp).1;
        robust = robust.max(q).max(fresh);
    }
    if robust > 0.0 && top > RATIO * robust {
        (robust * 1.5, Some(top))
    } else {
        (top, None)
    }
}

#[allow(clippy::too_many_arguments)]
fn plot(
    ui: &mut egui::Ui,
    which: usize,
    rows: &[Row],
    pc: &PlotContext<'_>,
    specs: &[Spec<'_>],
    width: f32,
    height: f32,
) {
    let group = Id::unique("asynclab-time-axis");
    let (x0, x1) = pc.x_range;
    let dark = ui.visuals().dark_mode;
    let reference = reference(which, pc);
    // Our own y range: from zero to the data's top (spikes clipped), at
    // least 1 and at least the reference line.
    let values: Vec<Vec<f64>> = specs
        .iter()
        .map(|s| rows.iter().map(|r| (s.y)(r)).collect())
        .collect();
    let (mut top, clipped) = if which == 5 {
        (1.0, None)
    } else {
        y_top(&values)
    };
    if let Some((_, y, _, _)) = &reference {
        top = top.max(*y * 1.1);
    }
    let top = top.max(1.0) * 1.08;
    let response = Plot::new(("plot", which))
        .height(height)
        .width(width)
        .link_axis(group, [true, false])
        .link_cursor(group, [true, false])
        .allow_drag(false)
        .allow_zoom(false)
        .allow_scroll(false)
        .allow_boxed_zoom(false)
        .allow_double_click_reset(false)
        .y_axis_min_width(40.0)
        .x_grid_spacer(time_grid)
        .x_axis_formatter(|mark, _| fmt_clock_short(mark.value))
        .y_grid_spacer(nice_grid)
        .y_axis_formatter(|mark, _| fmt_tick(mark.value))
        .show(ui, |p| {
            p.set_plot_bounds_x(x0..=x1);
            p.set_plot_bounds_y(-top * 0.03..=top);
            let keys = bucket_keys(rows, (width, x1 - x0));
            let mut order: Vec<usize> = (0..specs.len()).collect();
            order.sort_by(|a, b| specs[*b].width.total_cmp(&specs[*a].width));
            for k in order {
                let s = &specs[k];
                series(p, (&s.name, s.color, s.width), rows, &values[k], &keys);
            }
            if let Some((name, y, color, style)) = reference {
                p.hline(HLine::new(name, y).color(color).style(style));
            }
            markers(p, pc, dark);
        });
    if let Some(peak) = clipped {
        let frame = *response.transform.frame();
        let painter = ui.painter_at(frame);
        let text = format!("spike to {} off the top", fmt_tick_full(peak));
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
    if which == 0 {
        captions(ui, &response.transform, pc);
    }
}

/// y grid: 1-2-5 steps, about four labelled lines whatever the height, so
/// every plot has a readable scale (powers of ten alone leave a 0..8000
/// plot with a single "0").
fn nice_grid(input: GridInput) -> Vec<GridMark> {
    let (lo, hi) = input.bounds;
    let span = (hi - lo).abs();
    if !span.is_finite() || span <= 0.0 {
        return Vec::new();
    }
    let step = nice_step(span / 4.0);
    grid_marks((lo, hi), [step / 5.0, step], 200)
}

/// Grid marks at every multiple of each step within `lo..=hi` (minor step
/// first); a step that would need more than `most` marks is skipped.
fn grid_marks((lo, hi): (f64, f64), steps: [f64; 2], most: i64) -> Vec<GridMark> {
    let mut marks = Vec::new();
    for s in steps {
        let first = (lo / s).ceil() as i64;
        let last = (hi / s).floor() as i64;
        if last - first > most {
            continue;
        }
        for k in first..=last {
            marks.push(GridMark {
                value: k as f64 * s,
                step_size: s,
            });
        }
    }
    marks
}

/// The smallest 1, 2 or 5 × 10ⁿ at least `x`.
fn nice_step(x: f64) -> f64 {
    let p = 10f64.powf(x.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * p)
        .find(|s| *s >= x)
        .unwrap_or(10.0 * p)
}

/// x grid: time steps a clock reads well (10 s, 30 s, 1 min, 5 min, ...).
fn time_grid(input: GridInput) -> Vec<GridMark> {
    const STEPS: [f64; 14] = [
        1.0, 5.0, 10.0, 15.0, 30.0, 60.0, 120.0, 300.0, 600.0, 900.0, 1800.0, 3600.0, 7200.0,
        21_600.0,
    ];
    let (lo, hi) = input.bounds;
    let span = (hi - lo).abs();
    if !span.is_finite() || span <= 0.0 {
        return Vec::new();
    }
    let major = STEPS
        .iter()
        .copied()
        .find(|s| span / s <= 6.0)
        .unwrap_or(43_200.0);
    let minor = STEPS
        .iter()
        .rev()
        .copied()
        .find(|s| *s < major && major / s <= 6.0)
        .unwrap_or(major);
    grid_marks((lo, hi), [minor, major], 500)
}

/// Sim time on the axis as the top bar writes it: m:ss, or h:mm:ss.
fn fmt_clock_short(s: f64) -> String {
    if s < 0.0 {
        return String::new();
    }
    let s = s.round() as u64;
    if s >= 3600 {
        format!("{}:{:02}:{:02}", s / 3600, (s / 60) % 60, s % 60)
    } else {
        format!("{}:{:02}", s / 60, s % 60)
    }
}

/// A y tick: 0.5, 20, 1.5k, 2M.
fn fmt_tick(v: f64) -> String {
    let a = v.abs();
    if a >= 1e6 {
        format!("{}M", trim(v / 1e6))
    } else if a >= 1e4 {
        format!("{}k", trim(v / 1e3))
    } else {
        trim(v)
    }
}

/// A value in full: 1,523 or 0.4.
fn fmt_tick_full(v: f64) -> String {
    if v >= 100.0 {
        crate::fmt::thousands(v.round() as u64)
    } else {
        trim(v)
    }
}

/// A number without trailing zeros (at most 2 decimals).
fn trim(v: f64) -> String {
    let s = format!("{v:.2}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" { "0".into() } else { s.to_string() }
}

/// A value with its unit: "1 s", "250 ms".
fn fmt_value(v: f64, unit: &str) -> String {
    if unit == "s" && v < 1.0 {
        format!("{} ms", trim(v * 1000.0))
    } else {
        format!("{} {unit}", trim(v))
    }
}

/// Most points a series draws per point of plot width: beyond this, lines
/// are decimated (min and max of each bucket, in time order), which keeps
/// every peak and dip visible while the frame cost stays flat with history.
const POINTS_PER_PX: f64 = 1.0;

/// One named series, split at NaN values so gaps stay gaps.
/// The decimation bucket of each row (its own index when the rows fit the
/// width): computed once per plot and shared by its series.
fn bucket_keys(rows: &[Row], (width_px, x_span_s): (f32, f64)) -> Vec<f64> {
    // Buckets are aligned to absolute time, not to the first visible row,
    // so a moving window does not reshuffle them from frame to frame.
    let target = ((width_px as f64 * POINTS_PER_PX) / 2.0).max(50.0);
    let bucket_s = (x_span_s / target).max(0.0);
    if rows.len() as f64 > target && bucket_s > 0.0 {
        let inv_bucket = 1.0 / bucket_s;
        rows.iter().map(|r| (r.t_s * inv_bucket).floor()).collect()
    } else {
        (0..rows.len()).map(|i| i as f64).collect()
    }
}

fn series(
    p: &mut PlotUi<'_>,
    (name, color, line_w): (&str, Color32, f32),
    rows: &[Row],
    values: &[f64],
    keys: &[f64],
) {
    let mut segment: Vec<[f64; 2]> = Vec::new();
    let mut part = 0usize;
    let mut flush = |seg: &mut Vec<[f64; 2]>, p: &mut PlotUi<'_>| {
        if seg.len() == 1 {
            // A lone value between gaps: a line of one point draws
            // nothing, so it is a dot.
            let points = std::mem::take(seg);
            p.points(
                Points::new(name, points)
                    .color(color)
                    .radius(line_w.max(2.5))
                    .id((name, part)),
            );
            part += 1;
        } else if !seg.is_empty() {
            let points = std::mem::take(seg);
            p.line(
                Line::new(name, points)
                    .color(color)
                    .width(line_w)
                    .id((name, part)),
            );
            part += 1;
        }
    };
    // Per bucket: (time, value) of its minimum and maximum finite value.
    let mut lo: Option<(f64, f64)> = None;
    let mut hi: Option<(f64, f64)> = None;
    let mut current_key = f64::NAN;
    let mut emit = |lo: Option<(f64, f64)>,
                    hi: Option<(f64, f64)>,
                    seg: &mut Vec<[f64; 2]>,
                    p: &mut PlotUi<'_>| {
        match (lo, hi) {
            (Some(lo), Some(hi)) => {
                let (first, second) = if lo.0 <= hi.0 { (lo, hi) } else { (hi, lo) };
                seg.push([first.0, first.1]);
                if second != first {
                    seg.push([second.0, second.1]);
                }
            }
            _ => flush(seg, p),
        }
    };
    for (i, r) in rows.iter().enumerate() {
        let key = keys[i];
        if key != current_key {
            if i > 0 {
                emit(lo.take(), hi.take(), &mut segment, p);
            }
            current_key = key;
        }
        let v = values[i];
        if v.is_finite() {
            if lo.is_none_or(|(_, m)| v < m) {
                lo = Some((r.t_s, v));
            }
            if hi.is_none_or(|(_, m)| v > m) {
                hi = Some((r.t_s, v));
            }
        }
    }
    if !rows.is_empty() {
        emit(lo, hi, &mut segment, p);
    }
    flush(&mut segment, p);
}

/// Vertical lines where the mode switched or a scripted event fired.
/// Unnamed, so they stay out of the legends.
fn markers(p: &mut PlotUi<'_>, pc: &PlotContext<'_>, dark: bool) {
    let (x0, x1) = pc.x_range;
    // Database outages as a red band from "DB outage" to "DB back".
    let mut open: Option<f64> = None;
    let mut bands = Vec::new();
    for m in pc.markers.iter().filter(|m| m.kind() == MarkerKind::Outage) {
        if m.change == crate::sim::Change::OutageEnd {
            if let Some(t0) = open.take() {
                bands.push((t0, m.t_s));
            }
        } else if open.is_none() {
            open = Some(m.t_s);
        }
    }
    if let Some(t0) = open {
        bands.push((t0, x1.max(t0)));
    }
    for (a, b) in bands {
        if b < x0 || a > x1 {
            continue;
        }
        p.span(Span::new("", a.max(x0)..=b.min(x1)).fill(palette::RED.gamma_multiply(0.14)));
    }
    for (i, m) in pc.markers.iter().enumerate() {
        if m.t_s < x0 || m.t_s > x1 {
            continue;
        }
        p.vline(
            VLine::new("", m.t_s)
                .color(marker_color(m, dark))
                .id(("marker", i))
                .style(LineStyle::dashed_dense()),
        );
    }
}

fn marker_color(m: &Marker, dark: bool) -> Color32 {
    match m.kind() {
        MarkerKind::Mode => palette::MODE_MARK,
        MarkerKind::Caption => palette::caption(dark),
        MarkerKind::Outage => palette::RED,
        MarkerKind::Change => Color32::GRAY,
    }
}

/// Caption text beside each marker line of the first plot, painted over
/// the plot so it never widens the plot's bounds.
fn captions(ui: &egui::Ui, transform: &PlotTransform, pc: &PlotContext<'_>) {
    let (x0, x1) = pc.x_range;
    let frame = *transform.frame();
    let painter = ui.painter_at(frame);
    let font = egui::FontId::proportional(11.0);
    let shown = pc.markers.iter().filter(|m| m.t_s >= x0 && m.t_s <= x1);
    for (row, m) in shown.enumerate() {
        let x = transform.position_from_point(&PlotPoint::new(m.t_s, 0.0)).x;
        // Stagger rows so neighbouring captions do not overlap.
        let y = frame.top() + 2.0 + 13.0 * (row % 4) as f32;
        painter.text(
            egui::pos2(x + 3.0, y),
            egui::Align2::LEFT_TOP,
            short(&crate::words::change(&m.change, pc.settings)),
            font.clone(),
            marker_color(m, ui.visuals().dark_mode),
        );
    }
}

/// Marker captions are cut so they do not cover the plot.
fn short(text: &str) -> String {
    const MAX: usize = 32;
    let text = &super::plain(text);
    if text.chars().count() <= MAX {
        text.to_string()
    } else {
        let cut: String = text.chars().take(MAX).collect();
        format!("{cut}…")
    }
}
