//! Traffic shapes: the multiplier on a client's base arrival rate over time.

use super::config::Shape;

/// Shortest period (and decay time) a traffic shape may have, s: a spike
/// every nanosecond is not traffic a run can honour event by event.
pub const MIN_PERIOD_S: f64 = 0.1;

/// Below this excess over 1, an e-mail blast's multiplier is bounded for
/// the rest of the run by its value now (thinning then accepts ≥ 99.9%).
const BLAST_TAIL: f64 = 1e-3;

/// Where the last lookup in a `Points` shape landed: the index of the first
/// point after that time. One client's lookups move forward in time, so the
/// next one almost always falls in the same segment, and checking that is
/// two comparisons instead of a binary search (the arrivals' thinning looks
/// the shape up twice per candidate). Any cursor gives the same answer as
/// none: a stale one is checked and then ignored.
#[derive(Clone, Copy, Debug, Default)]
pub struct Cursor {
    after: usize,
}

impl Cursor {
    /// Index of the first point after `t_s` (points are sorted by time,
    /// which validation enforces), trying the remembered segment before a
    /// binary search (a shape may have thousands of points).
    fn first_after(&mut self, points: &[(f64, f64)], t_s: f64) -> Option<usize> {
        let i = self.after;
        let starts_before = i == 0 || points.get(i - 1).is_some_and(|p| p.0 <= t_s);
        let ends_after = points.get(i).is_none_or(|p| p.0 > t_s);
        if !(i <= points.len() && starts_before && ends_after) {
            self.after = points.partition_point(|(t, _)| *t <= t_s);
        }
        (self.after < points.len()).then_some(self.after)
    }
}

/// The shape's multiplier at `t_s` seconds of sim time (never negative).
pub fn multiplier(shape: &Shape, t_s: f64) -> f64 {
    multiplier_with(shape, t_s, &mut Cursor::default())
}

/// [`multiplier`], looking a `Points` shape up from `cursor`.
pub fn multiplier_with(shape: &Shape, t_s: f64, cursor: &mut Cursor) -> f64 {
    let m = match shape {
        Shape::Constant => 1.0,
        Shape::EmailBlast {
            at_s,
            peak,
            decay_s,
        } => {
            if t_s < *at_s {
                1.0
            } else {
                1.0 + (peak - 1.0) * (-(t_s - at_s) / decay_s.max(MIN_PERIOD_S)).exp()
            }
        }
        Shape::Hourly {
            period_s,
            spike_s,
            peak,
            offset_s,
        } => {
            let in_spike = t_s >= *offset_s
                && (t_s - offset_s).rem_euclid(period_s.max(MIN_PERIOD_S)) < *spike_s;
            if in_spike { *peak } else { 1.0 }
        }
        Shape::BlackFriday {
            start_s,
            ramp_up_s,
            hold_s,
            ramp_down_s,
            peak,
        } => {
            let [_, up_end, hold_end, down_end] =
                black_friday_edges(*start_s, *ramp_up_s, *hold_s, *ramp_down_s);
            if t_s < *start_s || t_s >= down_end {
                1.0
            } else if t_s < up_end {
                1.0 + (peak - 1.0) * (t_s - start_s) / ramp_up_s.max(1e-9)
            } else if t_s < hold_end {
                *peak
            } else {
                peak + (1.0 - peak) * (t_s - hold_end) / ramp_down_s.max(1e-9)
            }
        }
        Shape::Points(points) => match cursor.first_after(points, t_s) {
            None => points.last().map_or(1.0, |p| p.1),
            Some(0) => points[0].1,
            Some(i) => {
                let ((t0, m0), (t1, m1)) = (points[i - 1], points[i]);
                if t1 > t0 {
                    m0 + (m1 - m0) * (t_s - t0) / (t1 - t0)
                } else {
                    m1
                }
            }
        },
    };
    if m.is_finite() { m.max(0.0) } else { 0.0 }
}

/// Where a Black Friday shape changes phase, s: ramp start, ramp-up end,
/// hold end, ramp-down end.
fn black_friday_edges(start_s: f64, ramp_up_s: f64, hold_s: f64, ramp_down_s: f64) -> [f64; 4] {
    let up_end = start_s + ramp_up_s;
    let hold_end = up_end + hold_s;
    [start_s, up_end, hold_end, hold_end + ramp_down_s]
}

/// An upper bound of the multiplier from `t_s` until the returned time (s,
/// possibly infinite), for piecewise thinning. Every shape is monotone or
/// constant between its breakpoints, so the larger end value bounds a span.
pub fn bound(shape: &Shape, t_s: f64) -> (f64, f64) {
    bound_at(shape, t_s, multiplier(shape, t_s))
}

/// [`bound`] given the multiplier at `t_s` (`m_now`, which an arrival has
/// just computed for its own thinning test).
pub fn bound_at(shape: &Shape, t_s: f64, m_now: f64) -> (f64, f64) {
    bound_with(shape, t_s, m_now, &mut Cursor::default())
}

/// [`bound_at`], looking a `Points` shape up from `cursor`.
pub fn bound_with(shape: &Shape, t_s: f64, m_now: f64, cursor: &mut Cursor) -> (f64, f64) {
    let m = |t: f64| {
        if t == t_s {
            m_now
        } else {
            multiplier(shape, t)
        }
    };
    let (b, until) = match shape {
        Shape::Constant => (1.0, f64::INFINITY),
        Shape::EmailBlast { at_s, decay_s, .. } => {
            if t_s < *at_s {
                (1.0, *at_s)
            } else if (m(t_s) - 1.0).abs() < BLAST_TAIL {
                // The blast has died away: no more re-bounding events.
                (m(t_s).max(1.0), f64::INFINITY)
            } else {
                // Monotone towards 1 after the blast: re-bound every decay time.
                (m(t_s).max(1.0), t_s + decay_s.max(MIN_PERIOD_S))
            }
        }
        Shape::Hourly {
            period_s,
            spike_s,
            peak,
            offset_s,
        } => {
            let period = period_s.max(MIN_PERIOD_S);
            if t_s < *offset_s {
                (1.0, *offset_s)
            } else {
                let phase = (t_s - offset_s).rem_euclid(period);
                if phase < *spike_s {
                    (*peak, t_s + spike_s - phase)
                } else {
                    (1.0, t_s + period - phase)
                }
            }
        }
        Shape::BlackFriday {
            start_s,
            ramp_up_s,
            hold_s,
            ramp_down_s,
            ..
        } => {
            let edges = black_friday_edges(*start_s, *ramp_up_s, *hold_s, *ramp_down_s);
            match edges.iter().find(|e| **e > t_s) {
                Some(e) => (m(t_s).max(m(*e)).max(m((*e - 1e-9).max(t_s))), *e),
                None => (m(t_s), f64::INFINITY),
            }
        }
        Shape::Points(points) => match cursor.first_after(points, t_s) {
            None => (m(t_s), f64::INFINITY),
            Some(i) => (m(t_s).max(points[i].1), points[i].0),
        },
    };
    let b = if b.is_finite() { b.max(0.0) } else { 0.0 };
    let until = if until.is_nan() { f64::INFINITY } else { until };
    (b, until)
}

/// The mean multiplier over `[0, duration_s]`, estimated from evenly
/// spaced samples (for the offered-load estimate that validation makes).
pub fn mean_multiplier(shape: &Shape, duration_s: f64) -> f64 {
    const SAMPLES: usize = 4096;
    if !(duration_s.is_finite() && duration_s > 0.0) {
        return multiplier(shape, 0.0);
    }
    let sum: f64 = (0..SAMPLES)
        .map(|k| multiplier(shape, duration_s * (k as f64 + 0.5) / SAMPLES as f64))
        .sum();
    sum / SAMPLES as f64
}

/// An upper bound of the multiplier over all time.
pub fn max_multiplier(shape: &Shape) -> f64 {
    let m = match shape {
        Shape::Constant => 1.0,
        Shape::EmailBlast { peak, .. }
        | Shape::Hourly { peak, .. }
        | Shape::BlackFriday { peak, .. } => peak.max(1.0),
        Shape::Points(points) => points.iter().map(|p| p.1).fold(0.0, f64::max),
    };
    if m.is_finite() { m.max(0.0) } else { 0.0 }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_follow_their_definitions() {
        let blast = Shape::EmailBlast {
            at_s: 10.0,
            peak: 11.0,
            decay_s: 5.0,
        };
        assert_eq!(multiplier(&blast, 9.9), 1.0);
        assert_eq!(multiplier(&blast, 10.0), 11.0);
        assert!((multiplier(&blast, 15.0) - (1.0 + 10.0 / std::f64::consts::E)).abs() < 1e-12);
        let hourly = Shape::Hourly {
            period_s: 3600.0,
            spike_s: 60.0,
            peak: 5.0,
            offset_s: 0.0,
        };
        assert_eq!(multiplier(&hourly, 3630.0), 5.0);
        assert_eq!(multiplier(&hourly, 3700.0), 1.0);
        let bf = Shape::BlackFriday {
            start_s: 0.0,
            ramp_up_s: 10.0,
            hold_s: 10.0,
            ramp_down_s: 10.0,
            peak: 3.0,
        };
        assert_eq!(multiplier(&bf, 5.0), 2.0);
        assert_eq!(multiplier(&bf, 15.0), 3.0);
        assert_eq!(multiplier(&bf, 25.0), 2.0);
        assert_eq!(multiplier(&bf, 31.0), 1.0);
        let pts = Shape::Points(vec![(0.0, 1.0), (10.0, 3.0)]);
        assert_eq!(multiplier(&pts, 5.0), 2.0);
        assert_eq!(multiplier(&pts, 50.0), 3.0);
        for s in [blast, hourly, bf, pts] {
            let max = max_multiplier(&s);
            assert!((0..10_000).all(|k| multiplier(&s, k as f64 * 0.01) <= max));
            // The piecewise bound holds over its whole span.
            for k in 0..2_000 {
                let t = k as f64 * 0.05;
                let (b, until) = bound(&s, t);
                assert!(until > t, "{s:?} at {t}: span ends at {until}");
                let end = until.min(t + 100.0);
                for j in 0..100 {
                    let u = t + (end - t) * j as f64 / 100.0;
                    assert!(
                        multiplier(&s, u) <= b + 1e-9,
                        "{s:?}: m({u}) > bound {b} from {t}"
                    );
                }
            }
        }
    }

    #[test]
    fn a_cursor_changes_no_answer() {
        // Forward in small steps (the arrivals' pattern), jumps back, jumps
        // past the end, repeated times, and a cursor reused on another shape.
        let day = Shape::Points(vec![
            (0.0, 1.0),
            (100.0, 2.0),
            (100.0, 5.0),
            (250.0, 1.0),
            (400.0, 3.0),
        ]);
        let other = Shape::Points(vec![(50.0, 2.0), (60.0, 0.0)]);
        let mut times: Vec<f64> = (0..5_000).map(|k| k as f64 * 0.1).collect();
        times.extend([0.0, 399.9, 400.0, 1e9, 100.0, 99.999, -1.0, f64::NAN, 250.0]);
        let mut cursor = Cursor::default();
        for shape in [&day, &other, &day] {
            for &t in &times {
                let m = multiplier(shape, t);
                let with = multiplier_with(shape, t, &mut cursor);
                assert_eq!(m.to_bits(), with.to_bits(), "{shape:?} at {t}");
                let (b, until) = bound_at(shape, t, m);
                let (bw, untilw) = bound_with(shape, t, m, &mut cursor);
                assert_eq!(
                    (b.to_bits(), until.to_bits()),
                    (bw.to_bits(), untilw.to_bits())
                );
            }
        }
        // The cursor did move with the lookups: it is not always rebuilt.
        let mut c = Cursor::default();
        multiplier_with(&day, 300.0, &mut c);
        assert_eq!(c.after, 4);
    }
}
