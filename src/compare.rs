//! The difference between twins, said in words: "p95 wait 15.0 s vs
//! 72 ms: answered 208× sooner; backlog 0 vs 2,887; errors 6,950/min vs 0;
//! cost $4.10/h vs $1.20/h".
//!
//! Shared by the command line (`asynclab run --compare`, over a whole run)
//! and the app's compare view (live, over the latest window): both take a
//! twin's [`Figures`] and build the same sentence. No clap, no egui.

use crate::fmt::{dollars, secs, thousands};
use crate::sim::{Marker, Settings, Summary, Window};

/// The four numbers a comparison headline states for one twin.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Figures {
    /// p95 user-perceived wait, s (`NaN`: too few samples).
    pub wait_p95_s: f64,
    /// Jobs in the broker (live: now; whole run: at its peak).
    pub backlog: u64,
    /// User-visible errors per minute.
    pub errors_per_min: f64,
    /// Provisioned capacity cost, $ per hour.
    pub cost_per_hour: f64,
}

/// What the figures cover, which changes how the backlog is named.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// A whole run: the backlog is its peak.
    Run,
    /// The latest window of a live run: the backlog is the current one.
    Live,
}

impl Figures {
    /// A whole run: p95 wait over the run, peak backlog, errors per minute
    /// of sim time, capacity cost averaged per hour of sim time.
    pub fn of_run(s: &Summary) -> Figures {
        let minutes = s.duration_s / 60.0;
        let hours = s.duration_s / 3600.0;
        let per = |x: f64, span: f64| if span > 0.0 { x / span } else { 0.0 };
        Figures {
            wait_p95_s: s.wait.map_or(f64::NAN, |q| q.p95),
            backlog: s.peak_backlog,
            errors_per_min: per(s.errors.total() as f64, minutes),
            cost_per_hour: per(s.capacity_cost, hours),
        }
    }

    /// One window of a live run `window_s` long: its trailing p95 wait, the
    /// backlog at its end, its errors per minute and the cost rate at its
    /// end.
    pub fn of_window(w: &Window, window_s: f64) -> Figures {
        let errors_per_min = if window_s > 0.0 {
            w.errors.total() as f64 * 60.0 / window_s
        } else {
            0.0
        };
        Figures {
            wait_p95_s: w.wait.p95,
            backlog: w.backlog,
            errors_per_min,
            cost_per_hour: w.cost_per_hour,
        }
    }
}

/// Errors per minute for people: "0", "0.25", "4.5", "36", "6,950".
pub fn per_minute(x: f64) -> String {
    if !x.is_finite() {
        "—".to_string()
    } else if x == 0.0 {
        "0".to_string()
    } else if x >= 100.0 {
        thousands(x.round() as u64)
    } else if x >= 10.0 {
        format!("{x:.0}")
    } else if x >= 1.0 {
        format!("{x:.1}")
    } else {
        format!("{x:.2}")
    }
}

/// A ratio for people: "208×", "15×", "2.5×".
pub fn times(r: f64) -> String {
    if r >= 10.0 {
        format!("{r:.0}×")
    } else {
        format!("{r:.1}×")
    }
}

/// How much sooner (or later) the second twin answers than the first, in
/// words; `None` when either p95 is unknown or zero. Within 10% either
/// way they answer "about as fast".
pub fn answered(first_s: f64, second_s: f64) -> Option<String> {
    let ok = |x: f64| x.is_finite() && x > 0.0;
    if !(ok(first_s) && ok(second_s)) {
        return None;
    }
    let r = first_s / second_s;
    Some(if r >= 1.1 {
        format!("answered {} sooner", times(r))
    } else if r <= 1.0 / 1.1 {
        format!("answered {} later", times(1.0 / r))
    } else {
        "answered about as fast".to_string()
    })
}

/// The second twin against the first in one sentence: "p95 wait 15.0 s vs
/// 72 ms: answered 208× sooner; backlog 0 vs 2,887; errors 6,950/min vs 0;
/// cost $4.10/h vs $1.20/h". Every number is the twin's own figure, in the
/// formats of [`crate::fmt`].
pub fn sentence(first: &Figures, second: &Figures, scope: Scope) -> String {
    let mut wait = format!(
        "p95 wait {} vs {}",
        secs(first.wait_p95_s),
        secs(second.wait_p95_s)
    );
    if let Some(words) = answered(first.wait_p95_s, second.wait_p95_s) {
        wait = format!("{wait}: {words}");
    }
    let backlog = match scope {
        Scope::Run => "peak backlog",
        Scope::Live => "backlog",
    };
    format!(
        "{wait}; {backlog} {} vs {}; errors {}/min vs {}/min; cost {}/h vs {}/h",
        thousands(first.backlog),
        thousands(second.backlog),
        per_minute(first.errors_per_min),
        per_minute(second.errors_per_min),
        dollars(first.cost_per_hour),
        dollars(second.cost_per_hour),
    )
}

/// Every twin after the first against the first, one sentence each,
/// prefixed "first vs other: " when there are more than two twins.
pub fn sentences(twins: &[(String, Figures)], scope: Scope) -> Vec<String> {
    let Some((first_name, first)) = twins.first() else {
        return Vec::new();
    };
    twins[1..]
        .iter()
        .map(|(name, f)| {
            let s = sentence(first, f, scope);
            if twins.len() > 2 {
                format!("{first_name} vs {name}: {s}")
            } else {
                s
            }
        })
        .collect()
}

/// A twin's marker in words: as [`crate::words::change`] says it, and
/// for a scripted mode switch the twin held, that it held: "save order →
/// ASYNC (scripted; this twin stays as it is)".
pub fn marker(m: &Marker, settings: &Settings) -> String {
    let text = crate::words::change(&m.change, settings);
    if m.held {
        format!("{text} (scripted; this twin stays as it is)")
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_issue_s_example_reads_as_written() {
        let sync = Figures {
            wait_p95_s: 15.0,
            backlog: 0,
            errors_per_min: 6_950.0,
            cost_per_hour: 4.1,
        };
        let asyn = Figures {
            wait_p95_s: 0.072,
            backlog: 2_887,
            errors_per_min: 0.0,
            cost_per_hour: 1.2,
        };
        assert_eq!(
            sentence(&sync, &asyn, Scope::Live),
            "p95 wait 15.0 s vs 72.0 ms: answered 208× sooner; backlog 0 vs 2,887; \
             errors 6,950/min vs 0/min; cost $4.10/h vs $1.20/h"
        );
        assert!(sentence(&sync, &asyn, Scope::Run).contains("; peak backlog 0 vs 2,887;"));
    }

    #[test]
    fn a_held_switch_says_so() {
        use crate::sim::config::{Change, Mode};
        let m = Marker {
            t_s: 240.0,
            change: Change::SetMode {
                endpoint: None,
                mode: Mode::Async,
            },
            held: true,
            skipped: false,
        };
        let s = Settings::default();
        assert_eq!(
            marker(&m, &s),
            "save → ASYNC (scripted; this twin stays as it is)"
        );
        let applied = Marker { held: false, ..m };
        assert_eq!(marker(&applied, &s), "save → ASYNC");
    }

    #[test]
    fn later_same_and_unknown_waits() {
        assert_eq!(answered(0.1, 2.5).as_deref(), Some("answered 25× later"));
        assert_eq!(answered(1.0, 0.4).as_deref(), Some("answered 2.5× sooner"));
        assert_eq!(
            answered(1.0, 1.05).as_deref(),
            Some("answered about as fast")
        );
        assert_eq!(answered(f64::NAN, 1.0), None);
        assert_eq!(answered(0.0, 1.0), None);
        assert_eq!(per_minute(0.25), "0.25");
        assert_eq!(per_minute(4.52), "4.5");
        assert_eq!(per_minute(36.4), "36");
    }

    #[test]
    fn more_than_two_twins_name_each_pair() {
        let f = Figures {
            wait_p95_s: 1.0,
            backlog: 1,
            errors_per_min: 0.0,
            cost_per_hour: 1.0,
        };
        let twins: Vec<(String, Figures)> = ["fifo", "fair", "priority"]
            .iter()
            .map(|n| (n.to_string(), f))
            .collect();
        let s = sentences(&twins, Scope::Run);
        assert_eq!(s.len(), 2);
        assert!(s[0].starts_with("fifo vs fair: p95 wait"), "{}", s[0]);
        assert!(s[1].starts_with("fifo vs priority: "), "{}", s[1]);
        assert!(!sentences(&twins[..2], Scope::Run)[0].contains("vs fair:"));
    }
}
