//! Checks of what the scene shows rather than runs: its view (start
//! speed, span), its clock cues, and an exercise's goal.

use super::*;

/// The starting speed and plot span the app offers; at most four key plots.
pub(super) fn view(r: &mut Report, v: &View) {
    if let StartSpeed::Times(x) = v.speed {
        r.range("view.speed", x, 0.25, 1000.0);
    }
    r.range("view.span_s", v.span_s, 10.0, MAX_DURATION_S);
    if v.key_plots.len() > 4 {
        r.push(
            "view.key_plots",
            format!("{} plots", v.key_plots.len()),
            "must name at most 4 plots",
        );
    }
    for (i, k) in v.key_plots.iter().enumerate() {
        if v.key_plots[..i].contains(k) {
            r.push(
                format!("view.key_plots[{i}]"),
                format!("{k:?}"),
                "must not repeat a plot",
            );
        }
    }
}

/// Longest caption a pause cue may show, characters.
pub const MAX_CUE_CAPTION: usize = 200;

/// Cues within the longest run, at speeds the app offers; slow stretches
/// never overlap (which speed would hold?), pauses come after the start.
/// A cue past the run's end is allowed (a run made shorter, on the command
/// line or in a sweep, simply never reaches it).
pub(super) fn cues(r: &mut Report, cues: &[Cue]) {
    let end = MAX_DURATION_S;
    for (i, cue) in cues.iter().enumerate() {
        let p = format!("view.cues[{i}]");
        match cue {
            Cue::Slow {
                from_s,
                to_s,
                speed,
            } => {
                r.range(format!("{p}.from_s"), *from_s, 0.0, end);
                r.range(format!("{p}.to_s"), *to_s, 0.0, end);
                if from_s.is_finite() && to_s.is_finite() && to_s <= from_s {
                    r.push(
                        format!("{p}.to_s"),
                        to_s,
                        format!("must be after from_s ({from_s})"),
                    );
                }
                r.range(format!("{p}.speed"), *speed, 0.25, 1000.0);
                let overlaps = cues[..i].iter().position(|c| match c {
                    Cue::Slow {
                        from_s: a, to_s: b, ..
                    } => from_s < b && a < to_s,
                    Cue::Pause { .. } => false,
                });
                if let Some(j) = overlaps {
                    r.push(
                        format!("{p}.from_s"),
                        from_s,
                        format!("must not overlap the slow stretch view.cues[{j}]"),
                    );
                }
            }
            Cue::Pause { at_s, caption } => {
                if !(at_s.is_finite() && *at_s > 0.0 && *at_s <= end) {
                    r.push(
                        format!("{p}.at_s"),
                        at_s,
                        format!("must be > 0 and ≤ {end} s"),
                    );
                }
                let chars = caption.chars().count();
                if caption.trim().is_empty() || chars > MAX_CUE_CAPTION {
                    r.push(
                        format!("{p}.caption"),
                        format!("{chars} characters"),
                        format!("must say something, in at most {MAX_CUE_CAPTION} characters"),
                    );
                }
            }
        }
    }
}

/// True when the scene's browsers poll at some point: a poll interval at
/// the start, or a scripted change (the scene's, a variant's) that sets
/// one.
pub(super) fn polls(s: &Scenario) -> bool {
    let sets_poll = |c: &asynclab_core::config::Change| matches!(c, asynclab_core::config::Change::Set { path, value } if path == "browser.poll_interval_s" && *value > 0.0);
    s.settings.browser.poll_interval_s > 0.0
        || s.settings.timeline.iter().any(|e| sets_poll(&e.change))
        || s.variants.iter().any(|v| {
            v.changes.iter().any(sets_poll) || v.timeline.iter().any(|e| sets_poll(&e.change))
        })
}

/// Thresholds within their meaning; clients named must exist; a threshold
/// must be measurable in the scene.
pub(super) fn goal(r: &mut Report, g: &Goal, s: &Settings, polls: bool) {
    let opt = |r: &mut Report, name: &str, v: Option<f64>, max: f64| {
        if let Some(v) = v {
            r.range(format!("goal.{name}"), v, 0.0, max);
        }
    };
    opt(r, "wait_p95_max_s", g.wait_p95_max_s, MAX_DURATION_S);
    opt(
        r,
        "processed_p95_max_s",
        g.processed_p95_max_s,
        MAX_DURATION_S,
    );
    opt(r, "wait_sla_min", g.wait_sla_min, 1.0);
    opt(r, "processed_sla_min", g.processed_sla_min, 1.0);
    opt(r, "error_share_max", g.error_share_max, 1.0);
    opt(r, "cost_per_hour_max", g.cost_per_hour_max, 1e12);
    opt(r, "server_utilisation_max", g.server_utilisation_max, 1.0);
    opt(r, "learn_p95_max_s", g.learn_p95_max_s, MAX_DURATION_S);
    if let Some(v) = g.learn_p95_max_s
        && !polls
    {
        r.push(
            "goal.learn_p95_max_s",
            v,
            "cannot be measured in this scene: its browsers never poll (browser.poll_interval_s is 0 and nothing sets it); set a poll interval or drop this threshold",
        );
    }
    if let Some(v) = g.writes_per_action_max {
        r.range("goal.writes_per_action_max", v, 1.0, 1e6);
    }
    for (i, (name, v)) in g.client_processed_p95_max_s.iter().enumerate() {
        let p = format!("goal.client_processed_p95_max_s[{i}]");
        if !s.clients.iter().any(|c| c.name == *name) {
            r.push(
                format!("{p}.0"),
                format!("{name:?}"),
                "must name a client of this scene",
            );
        }
        r.range(format!("{p}.1"), *v, 0.0, MAX_DURATION_S);
    }
    let thresholds = [
        g.wait_p95_max_s,
        g.processed_p95_max_s,
        g.wait_sla_min,
        g.processed_sla_min,
        g.error_share_max,
        g.cost_per_hour_max,
        g.server_utilisation_max,
        g.learn_p95_max_s,
        g.writes_per_action_max,
    ];
    if thresholds.iter().all(Option::is_none)
        && g.dead_letters_max.is_none()
        && g.client_processed_p95_max_s.is_empty()
    {
        r.push(
            "goal",
            "no thresholds",
            "must set at least one threshold (e.g. wait_p95_max_s: Some(1.0))",
        );
    }
    if g.hint.len() > 2_000 {
        r.push(
            "goal.hint",
            format!("{} characters", g.hint.len()),
            "must be at most 2000 characters",
        );
    }
}
