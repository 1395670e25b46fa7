//! Axis arithmetic shared by the app's plots and the hand-out's: steps
//! people read well (1-2-5 for values, clock steps for time) and the y
//! range with one isolated spike clipped, so both draw a run alike.

/// The smallest 1, 2 or 5 × 10ⁿ at least `x` (`x` > 0).
pub fn nice_step(x: f64) -> f64 {
    let p = 10f64.powf(x.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * p)
        .find(|s| *s >= x)
        .unwrap_or(10.0 * p)
}

/// Time steps a clock reads well, s: 1 s, 5 s, 10 s, 15 s, 30 s, 1 min, …,
/// 6 h.
const TIME_STEPS: [f64; 14] = [
    1.0, 5.0, 10.0, 15.0, 30.0, 60.0, 120.0, 300.0, 600.0, 900.0, 1800.0, 3600.0, 7200.0, 21_600.0,
];

/// The major and minor step of a time axis `span_s` long: at most `most`
/// major steps fit the span (12 h beyond the table), and at most five
/// minor steps one major step.
pub fn time_steps(span_s: f64, most: f64) -> (f64, f64) {
    let major = TIME_STEPS
        .iter()
        .copied()
        .find(|s| span_s / s <= most)
        .unwrap_or(43_200.0);
    let minor = TIME_STEPS
        .iter()
        .rev()
        .copied()
        .find(|s| *s < major && major / s <= 6.0)
        .unwrap_or(major);
    (major, minor)
}

/// The y range to show: the data's top, unless one isolated spike would
/// flatten everything else; then the top of the rest (with room), and the
/// spike's height to write on the plot. The newest `fresh` values of each
/// series never count as a spike (a rise at the live edge is news; 0 for
/// a finished run).
pub fn y_top(series: &[&[f64]], fresh: usize) -> (f64, Option<f64>) {
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
        let newest = values
            .iter()
            .rev()
            .take(fresh)
            .copied()
            .filter(|x| x.is_finite())
            .fold(0.0, f64::max);
        if v.len() < 30 {
            robust = robust.max(max);
            continue;
        }
        // Selection, not a sort: the app runs this for every series every
        // frame.
        let k = ((v.len() - 1) as f64 * KEEP) as usize;
        let q = *v.select_nth_unstable_by(k, f64::total_cmp).1;
        robust = robust.max(q).max(newest);
    }
    if robust > 0.0 && top > RATIO * robust {
        (robust * 1.5, Some(top))
    } else {
        (top, None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_axes_step_like_a_clock() {
        // A 10-minute run: 2-minute steps, never 3:20.
        assert_eq!(time_steps(600.0, 6.0).0, 120.0);
        assert_eq!(time_steps(600.0, 8.0).0, 120.0);
        assert_eq!(time_steps(3600.0, 8.0).0, 600.0);
    }

    #[test]
    fn one_isolated_spike_is_clipped_and_named() {
        let mut v = vec![10.0; 100];
        v[40] = 1605.0;
        let (top, spike) = y_top(&[&v], 0);
        assert_eq!(spike, Some(1605.0));
        assert!(top < 100.0, "{top}");
        let flat = vec![10.0; 100];
        assert_eq!(y_top(&[&flat], 0), (10.0, None));
    }
}
