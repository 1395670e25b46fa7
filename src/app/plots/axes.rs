//! The axes: the y range (with isolated spikes clipped), grid lines at
//! steps people read well, and tick labels.

use egui_plot::{GridInput, GridMark};

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
pub(crate) fn time_grid(input: GridInput) -> Vec<GridMark> {
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
pub(crate) fn fmt_clock_short(s: f64) -> String {
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
pub(crate) fn fmt_tick(v: f64) -> String {
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
pub(crate) fn fmt_tick_full(v: f64) -> String {
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
