//! The axes: the y range (with isolated spikes clipped), grid lines at
//! steps people read well, and tick labels.

use crate::ticks::nice_step;
use egui_plot::{GridInput, GridMark};

/// The y range to show: the data's top, unless one isolated spike would
/// flatten everything else; then the top of the rest, and the spike's
/// height to write on the plot.
pub fn y_top(series: &[Vec<f64>]) -> (f64, Option<f64>) {
    /// Newest values never count as a spike: a rise at the live edge is news.
    const FRESH: usize = 10;
    let refs: Vec<&[f64]> = series.iter().map(Vec::as_slice).collect();
    crate::ticks::y_top(&refs, FRESH)
}

/// y grid: 1-2-5 steps, about four labelled lines whatever the height, so
/// every plot has a readable scale (powers of ten alone leave a 0..8000
/// plot with a single "0").
pub(crate) fn nice_grid(input: GridInput) -> Vec<GridMark> {
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

/// x grid: time steps a clock reads well (10 s, 30 s, 1 min, 5 min, ...).
pub(crate) fn time_grid(input: GridInput) -> Vec<GridMark> {
    let (lo, hi) = input.bounds;
    let span = (hi - lo).abs();
    if !span.is_finite() || span <= 0.0 {
        return Vec::new();
    }
    let (major, minor) = crate::ticks::time_steps(span, 6.0);
    grid_marks((lo, hi), [minor, major], 500)
}

/// A time tick: sim time as the top bar and the hand-out write it
/// ([`crate::fmt::clock`]); nothing left of zero.
pub fn time_label(s: f64) -> String {
    if s < 0.0 {
        return String::new();
    }
    crate::fmt::clock(s)
}

/// A value tick (and a clipped spike's height), as the hand-out writes
/// it ([`crate::fmt::axis`]); a share in percent ("80%").
pub fn value_label(v: f64, share: bool) -> String {
    if share {
        crate::fmt::axis_share(v)
    } else {
        crate::fmt::axis(v)
    }
}
