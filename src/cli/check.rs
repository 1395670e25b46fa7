//! `asynclab run --check`: an exercise's goal, checked when the run ends,
//! printed as the app's "Check my answer" report.

use super::RunArgs;
use super::report::TwinReport;
use crate::goal::{FinishedRun, GoalReport, check};
use crate::scenario::{Goal, Scenario};
use anyhow::bail;

/// With `--check`: the scene's goal and its length before any overrides
/// (a shorter `--duration` makes an incomplete run, not an easier goal).
/// A scene without a goal cannot be checked.
pub(super) fn goal_of(s: &Scenario, args: &RunArgs) -> anyhow::Result<Option<(Goal, f64)>> {
    if !args.check {
        return Ok(None);
    }
    match &s.goal {
        Some(g) => Ok(Some((g.clone(), s.duration_s))),
        None => bail!(
            "{}: this scene has no goal to check (the exercises have one: `asynclab scenes` lists them under exercises/)",
            args.scene.display()
        ),
    }
}

/// The goal checked on the finished run.
pub(super) fn report(goal: &Goal, required_s: f64, run: &TwinReport) -> GoalReport {
    check(
        goal,
        &FinishedRun {
            required_s,
            settings: &run.settings,
            summary: &run.run.summary,
            ledgers: &run.run.ledgers,
        },
    )
}

/// The report's text; when the goal is missed and the hint is not shown,
/// a line saying how to see it.
pub(super) fn text(r: &GoalReport, show_hint: bool) -> String {
    let mut t = r.text(show_hint);
    if !r.passed() && !show_hint && !r.hint.trim().is_empty() {
        t.push_str("(A hint is available: add --hint.)\n");
    }
    t
}

/// Adds `goal` (every check) and `goal_passed` to the run's JSON object.
pub(super) fn add_to_json(v: &mut serde_json::Value, r: &GoalReport) -> anyhow::Result<()> {
    let Some(obj) = v.as_object_mut() else {
        bail!("the run's JSON is not an object");
    };
    obj.insert("goal".into(), serde_json::to_value(r)?);
    obj.insert("goal_passed".into(), serde_json::Value::Bool(r.passed()));
    Ok(())
}
