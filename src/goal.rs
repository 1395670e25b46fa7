//! Checking an exercise's goal when its run ends: each threshold the
//! scene's [`Goal`] sets, measured on the whole run, passed or failed and
//! by how much, plus the plain-text report ("Check my answer") that the
//! app and `asynclab run --check` both show.
//!
//! A run that stopped before the scene's end is not checked: a goal about
//! Black Friday cannot be met by stopping before the peak.

use crate::fmt::{secs, share, thousands};
use crate::scenario::Goal;
use crate::sim::{Ledgers, Settings, Summary};
use serde::Serialize;
use std::fmt::Write as _;

/// What a finished run measured, as the checker needs it.
#[derive(Clone, Copy, Debug)]
pub struct FinishedRun<'a> {
    /// The scene's length, s of sim time: the run must reach it.
    pub required_s: f64,
    /// The run's settings (client names).
    pub settings: &'a Settings,
    /// Whole-run results.
    pub summary: &'a Summary,
    /// Both ledgers at the end.
    pub ledgers: &'a Ledgers,
}

/// Which side of its threshold a measure must stay.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Bound {
    /// Measured ≤ threshold.
    AtMost,
    /// Measured ≥ threshold.
    AtLeast,
}

/// The unit a measure is written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Unit {
    /// Seconds.
    Seconds,
    /// A share of one, written as a percentage.
    Share,
    /// A count.
    Count,
    /// Dollars per hour.
    DollarsPerHour,
    /// Per user action.
    PerAction,
}

/// One threshold, checked.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Check {
    /// The goal field it comes from, e.g. `wait_p95_max_s`, or
    /// `client_processed_p95_max_s[small]`.
    pub key: String,
    /// What it measures, for people: "p95 user wait".
    pub label: String,
    /// The measure's unit.
    pub unit: Unit,
    /// Which side of the threshold passes.
    pub bound: Bound,
    /// The threshold, in `unit`.
    pub threshold: f64,
    /// What the run measured (`None`: nothing to measure, e.g. no commits).
    pub measured: Option<f64>,
    /// Within the threshold.
    pub passed: bool,
    /// How far inside the threshold (negative: outside), in `unit`.
    pub margin: Option<f64>,
    /// The margin as a share of the threshold (when it is not 0): the
    /// score, +0.25 = 25% inside, −1.0 = twice the allowed value.
    pub score: Option<f64>,
}

impl Check {
    fn new(
        key: impl Into<String>,
        label: impl Into<String>,
        unit: Unit,
        bound: Bound,
        threshold: f64,
        measured: Option<f64>,
    ) -> Check {
        let measured = measured.filter(|m| m.is_finite());
        let margin = measured.map(|m| match bound {
            Bound::AtMost => threshold - m,
            Bound::AtLeast => m - threshold,
        });
        Check {
            key: key.into(),
            label: label.into(),
            unit,
            bound,
            threshold,
            measured,
            // A measure of exactly the threshold passes; a tiny tolerance
            // keeps float noise from failing an exact answer.
            passed: margin.is_some_and(|d| d >= -1e-9 * threshold.abs().max(1.0)),
            margin,
            score: margin
                .filter(|_| threshold != 0.0)
                .map(|d| d / threshold.abs()),
        }
    }
}

/// Every threshold of a goal, checked on one run.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct GoalReport {
    /// One per threshold the goal sets, in the goal's field order.
    pub checks: Vec<Check>,
    /// Sim time the run covered, s.
    pub ran_s: f64,
    /// The scene's length, s.
    pub required_s: f64,
    /// The goal's hint (shown on request).
    pub hint: String,
}

impl GoalReport {
    /// The run reached the scene's end.
    pub fn complete(&self) -> bool {
        self.ran_s + 1e-3 >= self.required_s
    }

    /// Every threshold met on a complete run.
    pub fn passed(&self) -> bool {
        self.complete() && self.checks.iter().all(|c| c.passed)
    }

    /// Thresholds met.
    pub fn met(&self) -> usize {
        self.checks.iter().filter(|c| c.passed).count()
    }

    /// The report people read: a verdict, then one line per threshold
    /// (✓ or ✗, measured, threshold, how far inside or outside), then the
    /// hint when `show_hint`.
    pub fn text(&self, show_hint: bool) -> String {
        let mut o = String::new();
        let n = self.checks.len();
        if !self.complete() {
            let _ = writeln!(
                o,
                "Goal: not checked yet. The run stopped at {} of {}: run the scene to its end.",
                crate::fmt::clock(self.ran_s),
                crate::fmt::clock(self.required_s)
            );
        } else if self.passed() {
            let _ = writeln!(o, "Goal: PASSED, all {n} thresholds met.");
        } else {
            let _ = writeln!(o, "Goal: NOT MET, {} of {n} thresholds met.", self.met());
        }
        let width = self
            .checks
            .iter()
            .map(|c| c.label.chars().count())
            .max()
            .unwrap_or(0);
        for c in &self.checks {
            let mark = if c.passed { "✓" } else { "✗" };
            let sign = match c.bound {
                Bound::AtMost => "≤",
                Bound::AtLeast => "≥",
            };
            let measured = c
                .measured
                .map_or("— (nothing measured)".to_string(), |m| value(c.unit, m));
            let _ = writeln!(
                o,
                "  {mark} {:<width$}  {measured}  (goal {sign} {}){}",
                c.label,
                value(c.unit, c.threshold),
                distance(c)
            );
        }
        if show_hint && !self.hint.trim().is_empty() {
            let _ = writeln!(o, "Hint: {}", self.hint.trim());
        }
        o
    }
}

/// A value in its unit: "1.20 s", "97.5%", "1,234", "$12.25/h", "1.31".
fn value(unit: Unit, x: f64) -> String {
    match unit {
        Unit::Seconds => secs(x),
        Unit::Share => share(x),
        Unit::Count => thousands(x.max(0.0).round() as u64),
        Unit::DollarsPerHour => format!("${x:.2}/h"),
        Unit::PerAction => format!("{x:.2}"),
    }
}

/// ": 0.58 s inside (58%)", ": 12 over", ": 2.5 points short".
fn distance(c: &Check) -> String {
    let Some(d) = c.margin else {
        return String::new();
    };
    let amount = match c.unit {
        Unit::Share => format!("{:.1} points", d.abs() * 100.0),
        unit => value(unit, d.abs()),
    };
    if d == 0.0 {
        return ": exactly at the limit".to_string();
    }
    let side = match (d >= 0.0, c.bound) {
        (true, _) => "inside",
        (false, Bound::AtMost) => "over",
        (false, Bound::AtLeast) => "short",
    };
    match c.score {
        Some(s) if c.unit != Unit::Share => format!(": {amount} {side} ({:.0}%)", s.abs() * 100.0),
        _ => format!(": {amount} {side}"),
    }
}

/// Checks every threshold `goal` sets on the finished run. (Long by
/// design: one entry per threshold, each with its key, words, unit, side
/// and measure side by side.)
pub fn check(goal: &Goal, run: &FinishedRun<'_>) -> GoalReport {
    use Bound::{AtLeast, AtMost};
    let sm = run.summary;
    let actions = &run.ledgers.actions;
    let mut checks = Vec::new();
    let mut add =
        |key: &str, label: &str, unit, bound, threshold: Option<f64>, measured: Option<f64>| {
            if let Some(t) = threshold {
                checks.push(Check::new(key, label, unit, bound, t, measured));
            }
        };
    add(
        "wait_p95_max_s",
        "p95 user wait",
        Unit::Seconds,
        AtMost,
        goal.wait_p95_max_s,
        sm.wait.map(|q| q.p95),
    );
    add(
        "processed_p95_max_s",
        "p95 time to processed",
        Unit::Seconds,
        AtMost,
        goal.processed_p95_max_s,
        sm.processed.map(|q| q.p95),
    );
    add(
        "wait_sla_min",
        "answered within the wait target",
        Unit::Share,
        AtLeast,
        goal.wait_sla_min,
        Some(sm.sla_wait_share),
    );
    add(
        "processed_sla_min",
        "processed within the target",
        Unit::Share,
        AtLeast,
        goal.processed_sla_min,
        Some(sm.sla_processed_share),
    );
    add(
        "dead_letters_max",
        "dead letters",
        Unit::Count,
        AtMost,
        goal.dead_letters_max.map(|d| d as f64),
        Some(run.ledgers.work.dead_lettered as f64),
    );
    let failed =
        (actions.issued > 0).then(|| actions.failed.total() as f64 / actions.issued as f64);
    add(
        "error_share_max",
        "actions that failed",
        Unit::Share,
        AtMost,
        goal.error_share_max,
        failed,
    );
    let hours = sm.duration_s / 3600.0;
    let cost = (hours > 0.0).then(|| sm.capacity_cost / hours);
    add(
        "cost_per_hour_max",
        "capacity cost",
        Unit::DollarsPerHour,
        AtMost,
        goal.cost_per_hour_max,
        cost,
    );
    add(
        "server_utilisation_max",
        "server utilisation",
        Unit::Share,
        AtMost,
        goal.server_utilisation_max,
        Some(sm.utilisation.server),
    );
    add(
        "learn_p95_max_s",
        "p95 until the user learns",
        Unit::Seconds,
        AtMost,
        goal.learn_p95_max_s,
        sm.learn.map(|q| q.p95),
    );
    add(
        "writes_per_action_max",
        "database writes per action",
        Unit::PerAction,
        AtMost,
        goal.writes_per_action_max,
        Some(sm.writes_per_action),
    );
    for (name, max_s) in &goal.client_processed_p95_max_s {
        let i = run.settings.clients.iter().position(|c| c.name == *name);
        let measured = i
            .and_then(|i| sm.processed_by_client.get(i).copied().flatten())
            .map(|q| q.p95);
        add(
            &format!("client_processed_p95_max_s[{name}]"),
            &format!("{name}: p95 time to processed"),
            Unit::Seconds,
            AtMost,
            Some(*max_s),
            measured,
        );
    }
    GoalReport {
        checks,
        ran_s: sm.duration_s,
        required_s: run.required_s,
        hint: goal.hint.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::Quantiles;

    fn quantiles(p95: f64) -> Quantiles {
        Quantiles {
            p50: p95 / 2.0,
            p95,
            p99: p95,
            mean: p95 / 2.0,
            max: p95,
            n: 1000,
        }
    }

    fn run_with(summary: &Summary, ledgers: &Ledgers, settings: &Settings) -> GoalReport {
        let goal = Goal {
            wait_p95_max_s: Some(1.0),
            dead_letters_max: Some(0),
            wait_sla_min: Some(0.95),
            cost_per_hour_max: Some(10.0),
            hint: "Try async.".into(),
            ..Goal::default()
        };
        check(
            &goal,
            &FinishedRun {
                required_s: 3600.0,
                settings,
                summary,
                ledgers,
            },
        )
    }

    #[test]
    fn each_threshold_is_scored_by_how_far_inside_or_outside() {
        let settings = Settings::default();
        let mut summary = Summary {
            duration_s: 3600.0,
            ..Summary::default()
        };
        summary.wait = Some(quantiles(0.25));
        summary.sla_wait_share = 0.90;
        summary.capacity_cost = 12.5;
        let mut ledgers = Ledgers::default();
        ledgers.work.dead_lettered = 3;
        let r = run_with(&summary, &ledgers, &settings);
        let by = |k: &str| r.checks.iter().find(|c| c.key == k).expect(k).clone();
        let wait = by("wait_p95_max_s");
        assert!(wait.passed);
        assert_eq!(wait.margin, Some(0.75));
        assert_eq!(wait.score, Some(0.75));
        let dead = by("dead_letters_max");
        assert!(!dead.passed);
        assert_eq!((dead.margin, dead.score), (Some(-3.0), None));
        let sla = by("wait_sla_min");
        assert!(!sla.passed && (sla.margin.expect("margin") + 0.05).abs() < 1e-12);
        let cost = by("cost_per_hour_max");
        assert!(!cost.passed && cost.score == Some(-0.25), "{cost:?}");
        assert!(!r.passed());
        assert_eq!(r.met(), 1);
        let text = r.text(false);
        assert!(
            text.starts_with("Goal: NOT MET, 1 of 4 thresholds met."),
            "{text}"
        );
        assert!(
            text.contains("✓ p95 user wait") && text.contains("750 ms inside (75%)"),
            "{text}"
        );
        assert!(
            text.contains("✗ dead letters") && text.contains("3 over"),
            "{text}"
        );
        assert!(text.contains("5.0 points short"), "{text}");
        assert!(
            text.contains("$12.50/h") && text.contains("$2.50/h over (25%)"),
            "{text}"
        );
        assert!(!text.contains("Try async"), "hint only on request");
        assert!(r.text(true).contains("Hint: Try async."));
    }

    #[test]
    fn a_run_stopped_early_is_not_checked() {
        let settings = Settings::default();
        let mut summary = Summary {
            duration_s: 600.0,
            ..Summary::default()
        };
        summary.wait = Some(quantiles(0.1));
        summary.sla_wait_share = 1.0;
        let r = run_with(&summary, &Ledgers::default(), &settings);
        assert_eq!(r.met(), r.checks.len(), "every threshold met so far");
        assert!(!r.complete() && !r.passed());
        assert!(r.text(false).contains("stopped at 0:10:00 of 1:00:00"));
    }

    #[test]
    fn nothing_measured_fails_rather_than_passes() {
        let settings = Settings::default();
        let summary = Summary {
            duration_s: 3600.0,
            ..Summary::default()
        };
        let r = run_with(&summary, &Ledgers::default(), &settings);
        let wait = &r.checks[0];
        assert_eq!(wait.measured, None);
        assert!(!wait.passed);
        assert!(r.text(false).contains("nothing measured"));
    }
}
