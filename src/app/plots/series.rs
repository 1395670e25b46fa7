//! The plotted lines: rows decimated to the plot's width (keeping every
//! peak and dip), split at gaps.

use super::lines::LineSpec;
use crate::app::history::Row;
use egui_plot::{Line, LineStyle, PlotUi, Points};

/// Most points a series draws per point of plot width: beyond this, lines
/// are decimated (min and max of each bucket, in time order), which keeps
/// every peak and dip visible while the frame cost stays flat with history.
const POINTS_PER_PX: f64 = 0.5;

/// The decimation bucket of each row (its own index when the rows fit the
/// width): computed once per plot and shared by its series.
pub(crate) fn bucket_keys(rows: &[Row], (width_px, x_span_s): (f32, f64)) -> Vec<f64> {
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

/// One named series, split at NaN values so gaps stay gaps; a percentile's
/// gaps (too few samples) are bridged by a faint dotted line, so a line at
/// low traffic reads as a line, with its thin stretches marked.
pub(crate) fn series(
    p: &mut PlotUi<'_>,
    spec: &LineSpec,
    rows: &[Row],
    values: &[f64],
    keys: &[f64],
) {
    let (name, color, line_w) = (spec.name.as_str(), spec.color, spec.width);
    let mut segment: Vec<[f64; 2]> = Vec::new();
    let mut part = 0usize;
    let mut last_end: Option<[f64; 2]> = None;
    let mut flush = |seg: &mut Vec<[f64; 2]>, p: &mut PlotUi<'_>| {
        if spec.bridge
            && let (Some(end), Some(start)) = (last_end, seg.first().copied())
        {
            p.line(
                Line::new(name, vec![end, start])
                    .color(color.gamma_multiply(0.5))
                    .width(1.0)
                    .style(LineStyle::dotted_dense())
                    .allow_hover(false)
                    .id((name, "bridge", part)),
            );
        }
        if let Some(end) = seg.last() {
            last_end = Some(*end);
        }
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
                    .style(spec.style)
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
