//! The time-series plots: one shared, moving time axis (linked by id),
//! NaN values drawn as gaps, markers as vertical lines with captions.

use super::history::{History, Row};
use super::palette;
use crate::sim::{Marker, MarkerKind, Reason};
use egui::{Color32, Id};
use egui_plot::{
    Corner, HLine, Legend, Line, LineStyle, Plot, PlotPoint, PlotTransform, PlotUi, VLine,
};

/// What every plot needs besides the history.
pub struct PlotContext<'a> {
    /// Markers of the run.
    pub markers: &'a [Marker],
    /// Client names (lane legends).
    pub clients: Vec<String>,
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

/// Draws every plot, two columns when there is room.
pub fn show(ui: &mut egui::Ui, history: &History, pc: &PlotContext<'_>) {
    let visible = visible_rows(&history.rows, pc.x_range);
    let columns = if ui.available_width() > 900.0 { 2 } else { 1 };
    let gap = 8.0;
    let width = ((ui.available_width() - gap * (columns as f32 - 1.0)) / columns as f32).max(100.0);
    let titles: Vec<(usize, &str)> = PLOT_TITLES.iter().copied().enumerate().collect();
    for row in titles.chunks(columns) {
        ui.horizontal(|ui| {
            ui.spacing_mut().item_spacing.x = gap;
            for (i, title) in row {
                ui.vertical(|ui| {
                    ui.set_width(width);
                    ui.label(egui::RichText::new(*title).strong());
                    plot(ui, *i, visible, pc, width);
                });
            }
        });
    }
}

/// The rows within the shown range, plus one on each side so lines reach
/// the edges.
fn visible_rows(rows: &[Row], (x0, x1): (f64, f64)) -> &[Row] {
    let start = rows.partition_point(|r| r.t_s < x0).saturating_sub(1);
    let end = (rows.partition_point(|r| r.t_s <= x1) + 1).min(rows.len());
    &rows[start.min(end)..end]
}

fn plot(ui: &mut egui::Ui, which: usize, rows: &[Row], pc: &PlotContext<'_>, width: f32) {
    let group = Id::unique("asynclab-time-axis");
    let (x0, x1) = pc.x_range;
    let dark = ui.visuals().dark_mode;
    let response = Plot::new(("plot", which))
        .height(pc.height)
        .width(width)
        .link_axis(group, [true, false])
        .link_cursor(group, [true, false])
        .allow_drag(false)
        .allow_zoom(false)
        .allow_scroll(false)
        .allow_boxed_zoom(false)
        .allow_double_click_reset(false)
        .include_y(0.0)
        .include_y(1.0)
        .y_axis_min_width(40.0)
        .legend(
            Legend::default()
                .position(Corner::LeftTop)
                .background_alpha(0.6),
        )
        .show(ui, |p| {
            p.set_plot_bounds_x(x0..=x1);
            match which {
                0 => {
                    let names = ["wait p50", "wait p95", "wait p99"];
                    for (k, name) in names.iter().enumerate() {
                        series(
                            p,
                            name,
                            palette::QUANTILES[k],
                            rows,
                            (width, x1 - x0),
                            |r| r.wait_s[k],
                        );
                    }
                    p.hline(
                        HLine::new("SLA target", pc.sla_wait_s)
                            .color(palette::SLA)
                            .style(LineStyle::dashed_loose()),
                    );
                }
                1 => {
                    let names = ["processed p50", "processed p95", "processed p99"];
                    for (k, name) in names.iter().enumerate() {
                        series(
                            p,
                            name,
                            palette::QUANTILES[k],
                            rows,
                            (width, x1 - x0),
                            |r| r.processed_s[k],
                        );
                    }
                }
                2 => {
                    series(p, "total", palette::TOTAL, rows, (width, x1 - x0), |r| {
                        r.backlog
                    });
                    for (c, name) in pc.clients.iter().enumerate() {
                        series(p, name, palette::client(c), rows, (width, x1 - x0), |r| {
                            r.backlog_by_client.get(c).copied().unwrap_or(f64::NAN)
                        });
                    }
                }
                3 => {
                    for (k, reason) in Reason::ALL.iter().enumerate() {
                        series(
                            p,
                            reason.label(),
                            palette::REASONS[k],
                            rows,
                            (width, x1 - x0),
                            |r| r.errors_per_s[k],
                        );
                    }
                    series(
                        p,
                        "retries",
                        palette::RETRIES,
                        rows,
                        (width, x1 - x0),
                        |r| r.retries_per_s,
                    );
                    series(
                        p,
                        "dead letters",
                        palette::DEAD,
                        rows,
                        (width, x1 - x0),
                        |r| r.dead_letters_per_s,
                    );
                }
                4 => {
                    series(
                        p,
                        "arrivals",
                        palette::ARRIVALS,
                        rows,
                        (width, x1 - x0),
                        |r| r.arrivals_per_s,
                    );
                    series(
                        p,
                        "answers",
                        palette::ANSWERS,
                        rows,
                        (width, x1 - x0),
                        |r| r.answers_per_s,
                    );
                    series(
                        p,
                        "commits",
                        palette::COMMITS,
                        rows,
                        (width, x1 - x0),
                        |r| r.commits_per_s,
                    );
                }
                _ => {
                    let names = ["server", "database", "queue workers"];
                    for (k, name) in names.iter().enumerate() {
                        series(p, name, palette::UTIL[k], rows, (width, x1 - x0), |r| {
                            r.util[k]
                        });
                    }
                    p.hline(
                        HLine::new("busy 0.8", 0.8)
                            .color(palette::AMBER)
                            .style(LineStyle::dotted_loose()),
                    );
                }
            }
            markers(p, pc, dark);
        });
    if which == 0 {
        captions(ui, &response.transform, pc);
    }
}

/// Most points a series draws per point of plot width: beyond this, lines
/// are decimated (min and max of each bucket, in time order), which keeps
/// every peak and dip visible while the frame cost stays flat with history.
const POINTS_PER_PX: f64 = 1.0;

/// One named series, split at NaN values so gaps stay gaps.
fn series(
    p: &mut PlotUi<'_>,
    name: &str,
    color: Color32,
    rows: &[Row],
    (width_px, x_span_s): (f32, f64),
    y: impl Fn(&Row) -> f64,
) {
    let mut segment: Vec<[f64; 2]> = Vec::new();
    let mut part = 0usize;
    let mut flush = |seg: &mut Vec<[f64; 2]>, p: &mut PlotUi<'_>| {
        if !seg.is_empty() {
            let points = std::mem::take(seg);
            p.line(
                Line::new(name, points)
                    .color(color)
                    .width(1.8)
                    .id((name, part)),
            );
            part += 1;
        }
    };
    // Buckets are aligned to absolute time, not to the first visible row,
    // so a moving window does not reshuffle them from frame to frame.
    let target = ((width_px as f64 * POINTS_PER_PX) / 2.0).max(50.0);
    let bucket_s = (x_span_s / target).max(0.0);
    let decimate = rows.len() as f64 > target && bucket_s > 0.0;
    let inv_bucket = if decimate { 1.0 / bucket_s } else { 0.0 };
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
        let key = if decimate {
            (r.t_s * inv_bucket).floor()
        } else {
            i as f64
        };
        if key != current_key {
            if i > 0 {
                emit(lo.take(), hi.take(), &mut segment, p);
            }
            current_key = key;
        }
        let v = y(r);
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
    match m.kind {
        MarkerKind::Mode => palette::MODE_MARK,
        MarkerKind::Caption => palette::caption(dark),
        MarkerKind::Outage => palette::REASONS[3],
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
            short(&m.text),
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
