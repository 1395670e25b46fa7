//! Traced actions as dots on the wait plot: one dot per traced action
//! whose user has an outcome, at the moment the user saw it and at the
//! wait the metrics recorded for it (so it sits where the wait lines
//! counted it). Clicking near a dot opens the request journey on it.

use super::super::palette;
use crate::sim::trace::Trace;
use egui::Color32;
use egui_plot::{MarkerShape, PlotPoint, PlotPoints, PlotTransform, PlotUi, Points};

/// A click lands on a dot this close, points.
pub const REACH: f32 = 8.0;

/// The legend's name for the dots.
pub const LEGEND: &str = "traced actions (click one)";

/// Colour of a dot whose user was answered (saved or accepted).
pub const ANSWERED: Color32 = palette::ANSWERED_DOT[0];

/// Colour of a dot whose user saw an error (or whose job dead-lettered).
pub const FAILED: Color32 = palette::RED;

/// One traced action on the plot.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Dot {
    /// The action's number in the run.
    pub seq: u64,
    /// When the user saw the outcome, s of sim time.
    pub x: f64,
    /// The wait the metrics recorded, s.
    pub y: f64,
    /// The user saw an error, or the acknowledged job dead-lettered.
    pub failed: bool,
}

/// The dots of `traces` within `(x0, x1)` and below `top` (a dot above
/// the plot's clipped top is not drawn, so it cannot be clicked either).
pub fn dots(traces: &[Trace], (x0, x1): (f64, f64), top: f64) -> Vec<Dot> {
    traces
        .iter()
        .filter(|t| t.user_done)
        .filter_map(|t| {
            let last = t.clicks.last()?;
            let (at, _) = last.outcome?;
            let wait = last.measured_wait?;
            Some(Dot {
                seq: t.seq,
                x: at.as_secs_f64(),
                y: wait.as_secs_f64(),
                failed: t.fate().is_failure(),
            })
        })
        .filter(|d| d.x >= x0 && d.x <= x1 && d.y <= top)
        .collect()
}

/// `dots` with at most one per screen pixel of each colour (`px`: the
/// plot units one pixel spans, x and y): dots on the same pixel look like
/// one and open the same journey, and drawing each of hundreds of them was
/// half of a compare frame. The newest action of a pixel stays.
pub fn one_per_pixel(mut dots: Vec<Dot>, (px_x, px_y): (f64, f64)) -> Vec<Dot> {
    if !(px_x > 0.0 && px_y > 0.0) {
        return dots;
    }
    let mut seen = std::collections::HashSet::new();
    dots.sort_by_key(|d| std::cmp::Reverse(d.seq));
    dots.retain(|d| seen.insert(((d.x / px_x) as i64, (d.y / px_y) as i64, d.failed)));
    dots
}

/// The answered dots' colour on a dark or light background: half
/// transparent, so a cloud of them leaves the lines readable.
pub fn answered(dark: bool) -> Color32 {
    if dark {
        palette::ANSWERED_DOT[1].gamma_multiply(0.55)
    } else {
        ANSWERED.gamma_multiply(0.55)
    }
}

/// Draws the answered dots (grey; under the lines, so a cloud of them
/// leaves the lines readable) or the failed ones (red; over the lines, so
/// users who gave up at the patience limit show on a p95 line sitting
/// right there).
pub fn draw(p: &mut PlotUi<'_>, dots: &[Dot], dark: bool, failed: bool) {
    let color = if failed { FAILED } else { answered(dark) };
    let points: Vec<[f64; 2]> = dots
        .iter()
        .filter(|d| d.failed == failed)
        .map(|d| [d.x, d.y])
        .collect();
    if points.is_empty() {
        return;
    }
    p.points(
        Points::new(LEGEND, PlotPoints::from(points))
            .shape(MarkerShape::Circle)
            .radius(2.5)
            .filled(true)
            .color(color),
    );
}

/// Where each dot is on screen: its arrival number and position.
pub fn on_screen(dots: &[Dot], transform: &PlotTransform) -> Vec<(u64, egui::Pos2)> {
    dots.iter()
        .map(|d| {
            (
                d.seq,
                transform.position_from_point(&PlotPoint::new(d.x, d.y)),
            )
        })
        .collect()
}

/// The dot a click on the plot (`response`) landed on, if any: the
/// nearest within [`REACH`] points of dots at `at` on screen.
pub fn clicked(response: &egui::Response, at: &[(u64, egui::Pos2)]) -> Option<u64> {
    response
        .interact_pointer_pos()
        .filter(|_| response.clicked())
        .and_then(|p| near(p, at))
}

/// The dot nearest `pos` within [`REACH`] points, if any, of dots at
/// `at` on screen ([`on_screen`]).
pub fn near(pos: egui::Pos2, at: &[(u64, egui::Pos2)]) -> Option<u64> {
    at.iter()
        .map(|(seq, p)| (p.distance(pos), *seq))
        .filter(|(dist, _)| *dist <= REACH)
        .min_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, seq)| seq)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::SimTime;
    use crate::sim::trace::{Click, Outcome};

    fn trace(seq: u64, clicked_s: f64, wait_s: Option<f64>, outcome: Outcome) -> Trace {
        let at = SimTime::from_secs_f64(clicked_s);
        let wait = wait_s.map(SimTime::from_secs_f64);
        Trace {
            seq,
            client: 0,
            endpoint: 0,
            clicks: vec![Click {
                at,
                outcome: wait.map(|w| (at + w, outcome)),
                measured_wait: wait,
            }],
            spans: vec![],
            commits: vec![],
            jobs: vec![],
            dead_letters: vec![],
            polls: vec![],
            polls_sent: 0,
            in_progress: vec![],
            user_done: wait.is_some(),
            finished: wait.is_some(),
            truncated: false,
            as_of: None,
        }
    }

    #[test]
    fn a_dot_sits_where_the_wait_was_recorded_and_only_when_shown() {
        use crate::sim::Reason;
        let ts = vec![
            trace(1, 10.0, Some(2.0), Outcome::Ok),
            trace(2, 11.0, Some(15.0), Outcome::Error(Reason::Timeout)),
            // Still waiting: no dot.
            trace(3, 12.0, None, Outcome::Ok),
            // Outside the shown range, and above the plot's top.
            trace(4, 100.0, Some(1.0), Outcome::Ok),
            trace(5, 20.0, Some(40.0), Outcome::Ok),
        ];
        let ds = dots(&ts, (0.0, 60.0), 30.0);
        assert_eq!(
            ds,
            vec![
                Dot {
                    seq: 1,
                    x: 12.0,
                    y: 2.0,
                    failed: false
                },
                Dot {
                    seq: 2,
                    x: 26.0,
                    y: 15.0,
                    failed: true
                },
            ]
        );
    }

    #[test]
    fn a_click_picks_the_nearest_dot_within_reach() {
        let t = PlotTransform::new(
            egui::Rect::from_min_size(egui::pos2(0.0, 0.0), egui::vec2(100.0, 100.0)),
            egui_plot::PlotBounds::from_min_max([0.0, 0.0], [100.0, 100.0]),
            egui::Vec2b::new(false, false),
        );
        let d = |seq, x, y| Dot {
            seq,
            x,
            y,
            failed: false,
        };
        let ds = vec![d(1, 10.0, 50.0), d(2, 16.0, 50.0)];
        // Screen y runs down: plot y 50 is screen y 50 here.
        let at = on_screen(&ds, &t);
        assert_eq!(
            at,
            vec![(1, egui::pos2(10.0, 50.0)), (2, egui::pos2(16.0, 50.0))]
        );
        assert_eq!(near(egui::pos2(11.0, 50.0), &at), Some(1));
        assert_eq!(near(egui::pos2(15.0, 52.0), &at), Some(2));
        assert_eq!(near(egui::pos2(40.0, 50.0), &at), None);
    }

    #[test]
    fn one_dot_per_pixel_and_colour_the_newest_kept() {
        let dot = |seq, x, y, failed| Dot { seq, x, y, failed };
        let dots = vec![
            dot(1, 10.2, 0.51, false),
            dot(2, 10.7, 0.58, false), // same pixel as 1: the newer stays
            dot(3, 10.5, 0.55, true),  // same pixel, other colour: kept
            dot(4, 11.1, 0.55, false), // next pixel
        ];
        let kept = one_per_pixel(dots.clone(), (1.0, 0.1));
        let mut seqs: Vec<u64> = kept.iter().map(|d| d.seq).collect();
        seqs.sort_unstable();
        assert_eq!(seqs, vec![2, 3, 4]);
        // No pixel size (an empty plot): nothing thinned.
        assert_eq!(one_per_pixel(dots.clone(), (0.0, 0.1)).len(), 4);
        assert_eq!(one_per_pixel(dots, (f64::NAN, 0.1)).len(), 4);
    }
}
