//! The difference between twins, said in words: "p95 wait 15.0 s vs
//! 72 ms: answered 208× sooner; p95 time to processed 15.0 s vs 40.0 s;
//! backlog 0 vs 2,887; errors 6,950/min vs 0; cost $4.10/h vs $1.20/h".
//!
//! Shared by the command line (`asynclab run --compare`, over a whole run)
//! and the app's compare view (live, over the latest window): both take a
//! twin's [`Figures`] and build the same sentence. No clap, no egui.

use crate::fmt::{dollars, secs, thousands};
use crate::sim::config::Scheduling;
use crate::sim::{Marker, Settings, Summary, Window};

/// The numbers a comparison headline states for one twin.
#[derive(Clone, Debug, PartialEq)]
pub struct Figures {
    /// p95 user-perceived wait, s (`NaN`: too few samples).
    pub wait_p95_s: f64,
    /// p95 time from click to committed, s (`NaN`: too few samples): the
    /// catch of async, whose work finishes after the answer.
    pub processed_p95_s: f64,
    /// Jobs in the broker (live: now; whole run: at its peak).
    pub backlog: u64,
    /// The system's user-visible errors per minute (arrivals shed at the
    /// simulation limit are the simulator's, not counted here).
    pub errors_per_min: f64,
    /// Arrivals shed at the simulation limit per minute.
    pub shed_per_min: f64,
    /// Provisioned capacity cost, $ per hour.
    pub cost_per_hour: f64,
    /// How the twin's queue picks the next job.
    pub scheduling: Scheduling,
    /// Per client: its name and p95 time to processed, s.
    pub clients: Vec<(String, f64)>,
}

/// What the figures cover, which changes how the backlog is named.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// A whole run: the backlog is its peak.
    Run,
    /// The latest window of a live run: the backlog is the current one.
    Live,
}

/// A live run's counts over the trailing span of its newest window (the
/// percentiles' span, which the headline labels "last 10 s"): the
/// system's outcomes and errors, with arrivals shed at the simulation
/// limit kept apart as the simulator's. Every share and rate the headline
/// and the live comparison state comes from here, so a share and the rate
/// beside it cover the same seconds.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SpanCounts {
    /// Length of the span, s (shorter than the percentile span early on).
    pub span_s: f64,
    /// Outcomes users saw from the system (shed arrivals excluded).
    pub outcomes: u64,
    /// Of them, successes within the wait target.
    pub within: u64,
    /// Of them, errors.
    pub errors: u64,
    /// Arrivals shed at the simulation limit.
    pub shed: u64,
}

impl SpanCounts {
    /// The counts of `w`'s trailing span in a run with settings `live`.
    pub fn of(w: &Window, live: &Settings) -> SpanCounts {
        let window_s = live.window_s.max(1e-9);
        let windows = (live.percentile_window_s / window_s)
            .round()
            .clamp(1.0, 3_600.0);
        let within = if w.sla_share.is_finite() {
            (w.sla_share * w.outcomes as f64).round() as u64
        } else {
            0
        };
        SpanCounts {
            span_s: (windows * window_s).min(w.t_s).max(0.0),
            outcomes: w.outcomes.saturating_sub(w.span_shed),
            within,
            errors: w.span_errors.saturating_sub(w.span_shed),
            shed: w.span_shed,
        }
    }

    fn share(&self, n: u64) -> f64 {
        if self.outcomes > 0 {
            (n as f64 / self.outcomes as f64).min(1.0)
        } else {
            f64::NAN
        }
    }

    fn per_min(&self, n: u64) -> f64 {
        if self.span_s > 0.0 {
            n as f64 * 60.0 / self.span_s
        } else {
            0.0
        }
    }

    /// The system's errors ÷ its outcomes (`NaN` without outcomes).
    pub fn error_share(&self) -> f64 {
        self.share(self.errors)
    }

    /// Successes within the wait target ÷ the system's outcomes.
    pub fn sla_share(&self) -> f64 {
        self.share(self.within)
    }

    /// The system's errors per minute over the span.
    pub fn errors_per_min(&self) -> f64 {
        self.per_min(self.errors)
    }

    /// Arrivals shed at the simulation limit per minute over the span.
    pub fn shed_per_min(&self) -> f64 {
        self.per_min(self.shed)
    }
}

impl Figures {
    /// A whole run with settings `s` at its end: p95 wait and time to
    /// processed over the run, peak backlog, errors and shed arrivals per
    /// minute of sim time, capacity cost averaged per hour of sim time.
    pub fn of_run(sm: &Summary, s: &Settings) -> Figures {
        let minutes = sm.duration_s / 60.0;
        let hours = sm.duration_s / 3600.0;
        let per = |x: f64, span: f64| if span > 0.0 { x / span } else { 0.0 };
        let shed = sm.errors.sim_limit;
        Figures {
            wait_p95_s: sm.wait.map_or(f64::NAN, |q| q.p95),
            processed_p95_s: sm.processed.map_or(f64::NAN, |q| q.p95),
            backlog: sm.peak_backlog,
            errors_per_min: per(sm.errors.total().saturating_sub(shed) as f64, minutes),
            shed_per_min: per(shed as f64, minutes),
            cost_per_hour: per(sm.capacity_cost, hours),
            scheduling: s.queue.scheduling,
            clients: s
                .clients
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    let p95 = sm
                        .processed_by_client
                        .get(i)
                        .copied()
                        .flatten()
                        .map_or(f64::NAN, |q| q.p95);
                    (c.name.clone(), p95)
                })
                .collect(),
        }
    }

    /// A live run's newest window `w` with settings `live`, its queue now
    /// and cost rate now: the trailing p95s, and errors and shed arrivals
    /// per minute over the same trailing span ([`SpanCounts`]), as the
    /// twin's headline states them.
    pub fn live(w: &Window, live: &Settings, queue_len: u64, cost_per_hour: f64) -> Figures {
        let c = SpanCounts::of(w, live);
        Figures {
            wait_p95_s: w.wait.p95,
            processed_p95_s: w.processed.p95,
            backlog: queue_len,
            errors_per_min: c.errors_per_min(),
            shed_per_min: c.shed_per_min(),
            cost_per_hour,
            scheduling: live.queue.scheduling,
            clients: live
                .clients
                .iter()
                .enumerate()
                .map(|(i, cl)| {
                    let p95 = w
                        .processed_p95_by_client
                        .get(i)
                        .copied()
                        .unwrap_or(f64::NAN);
                    (cl.name.clone(), p95)
                })
                .collect(),
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

/// The client whose p95 time to processed differs most between the twins
/// (by ratio), with both figures: what a change of scheduling or
/// priority does, which the totals can hide.
fn most_different_client(first: &Figures, second: &Figures) -> Option<(String, f64, f64)> {
    let ok = |x: f64| x.is_finite() && x > 0.0;
    first
        .clients
        .iter()
        .zip(&second.clients)
        .filter(|(a, b)| ok(a.1) && ok(b.1))
        .map(|(a, b)| (a.0.clone(), a.1, b.1))
        .max_by(|x, y| (x.1 / x.2).ln().abs().total_cmp(&(y.1 / y.2).ln().abs()))
}

/// The second twin against the first in one sentence: "p95 wait 15.0 s vs
/// 72 ms: answered 208× sooner; p95 time to processed 15.0 s vs 40.0 s;
/// backlog 0 vs 2,887; errors 6,950/min vs 0; cost $4.10/h vs $1.20/h".
/// When the twins schedule the queue differently, the client whose time
/// to processed differs most follows; when either sheds arrivals at the
/// simulation limit, that is said as the simulator's, apart from the
/// errors. Every number is the twin's own figure, in the formats of
/// [`crate::fmt`].
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
    let mut out = format!(
        "{wait}; p95 time to processed {} vs {}",
        secs(first.processed_p95_s),
        secs(second.processed_p95_s)
    );
    if first.scheduling != second.scheduling
        && first.clients.len() > 1
        && let Some((name, a, b)) = most_different_client(first, second)
    {
        out.push_str(&format!(
            " ({} vs {} scheduling: {name} {} vs {})",
            crate::words::scheduling(first.scheduling),
            crate::words::scheduling(second.scheduling),
            secs(a),
            secs(b)
        ));
    }
    out.push_str(&format!(
        "; {backlog} {} vs {}; errors {}/min vs {}/min; cost {}/h vs {}/h",
        thousands(first.backlog),
        thousands(second.backlog),
        per_minute(first.errors_per_min),
        per_minute(second.errors_per_min),
        dollars(first.cost_per_hour),
        dollars(second.cost_per_hour),
    ));
    if first.shed_per_min > 0.0 || second.shed_per_min > 0.0 {
        out.push_str(&format!(
            "; the simulator shed {}/min vs {}/min at its limit (not the system's errors)",
            per_minute(first.shed_per_min),
            per_minute(second.shed_per_min)
        ));
    }
    out
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

/// A run's story so far, tallied window by window: its worst whole
/// minute of sim time (the most errors; without errors, the highest
/// trailing p95 wait) and the peak backlog. Arrivals
/// shed at the simulation limit are the simulator's and not counted.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct StoryTally {
    /// Minute index (0 = 0:00–1:00) of the windows being tallied.
    minute: Option<u64>,
    minute_errors: u64,
    minute_p95_s: f64,
    /// The worst minute so far: (index, errors, highest p95 wait, s).
    worst: Option<(u64, u64, f64)>,
    /// Jobs in the broker at the worst window end.
    pub peak_backlog: u64,
}

impl StoryTally {
    /// Adds the next closed window (a window counts in the minute its end
    /// falls in).
    pub fn add(&mut self, w: &Window) {
        let errors = w.errors.total().saturating_sub(w.errors.sim_limit);
        let minute = ((w.t_s - 1e-9).max(0.0) / 60.0).floor() as u64;
        if self.minute != Some(minute) {
            self.close_minute();
            self.minute = Some(minute);
        }
        self.minute_errors = self.minute_errors.saturating_add(errors);
        if w.wait.p95.is_finite() {
            self.minute_p95_s = self.minute_p95_s.max(w.wait.p95);
        }
        self.peak_backlog = self.peak_backlog.max(w.backlog);
    }

    fn close_minute(&mut self) {
        if let Some(m) = self.minute {
            let this = (m, self.minute_errors, self.minute_p95_s);
            let worse =
                |a: (u64, u64, f64), b: (u64, u64, f64)| a.1 > b.1 || (a.1 == b.1 && a.2 > b.2);
            if self.worst.is_none_or(|w| worse(this, w)) {
                self.worst = Some(this);
            }
        }
        self.minute_errors = 0;
        self.minute_p95_s = 0.0;
    }

    /// The worst minute so far, the one under way included: (its start, s;
    /// errors in it; highest trailing p95 wait in it, s).
    pub fn worst_minute(&self) -> Option<(f64, u64, f64)> {
        let mut t = self.clone();
        t.close_minute();
        t.worst.map(|(m, e, p)| (m as f64 * 60.0, e, p))
    }

    /// The story in one line: "worst minute 0:04:00–0:05:00 (3,210
    /// errors); 12,345 errors users saw in all; peak backlog 0; cost $4.10;
    /// revenue $0.00", with the run's errors (shed arrivals not counted),
    /// cost and revenue so far, $, the open window included.
    pub fn line(&self, errors: u64, cost: f64, revenue: f64) -> String {
        let worst = match self.worst_minute() {
            None => "no minute closed yet".to_string(),
            Some((start, errors, _)) if errors > 0 => format!(
                "worst minute {}–{} ({} errors)",
                crate::fmt::clock(start),
                crate::fmt::clock(start + 60.0),
                thousands(errors)
            ),
            Some((start, _, p95)) => format!(
                "no errors; slowest minute {}–{} (p95 wait up to {})",
                crate::fmt::clock(start),
                crate::fmt::clock(start + 60.0),
                secs(p95)
            ),
        };
        format!(
            "{worst}; {} errors users saw in all; peak backlog {}; cost {}; revenue {}",
            thousands(errors),
            thousands(self.peak_backlog),
            dollars(cost),
            dollars(revenue)
        )
    }
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

    fn figures(wait_p95_s: f64, processed_p95_s: f64, errors_per_min: f64) -> Figures {
        Figures {
            wait_p95_s,
            processed_p95_s,
            backlog: 0,
            errors_per_min,
            shed_per_min: 0.0,
            cost_per_hour: 1.0,
            scheduling: Scheduling::Fifo,
            clients: Vec::new(),
        }
    }

    #[test]
    fn the_sentence_states_the_catch() {
        let sync = Figures {
            backlog: 0,
            cost_per_hour: 4.1,
            ..figures(15.0, 15.0, 6_950.0)
        };
        let asyn = Figures {
            backlog: 2_887,
            cost_per_hour: 1.2,
            ..figures(0.072, 40.0, 0.0)
        };
        assert_eq!(
            sentence(&sync, &asyn, Scope::Live),
            "p95 wait 15.0 s vs 72.0 ms: answered 208× sooner; \
             p95 time to processed 15.0 s vs 40.0 s; backlog 0 vs 2,887; \
             errors 6,950/min vs 0/min; cost $4.10/h vs $1.20/h"
        );
        assert!(sentence(&sync, &asyn, Scope::Run).contains("; peak backlog 0 vs 2,887;"));
    }

    #[test]
    fn scheduling_twins_name_the_client_that_differs_most() {
        let clients =
            |big: f64, small: f64| vec![("big".to_string(), big), ("small".to_string(), small)];
        let fifo = Figures {
            clients: clients(30.0, 28.0),
            ..figures(0.07, 30.0, 0.0)
        };
        let fair = Figures {
            scheduling: Scheduling::Fair,
            clients: clients(33.0, 0.4),
            ..figures(0.07, 31.0, 0.0)
        };
        let text = sentence(&fifo, &fair, Scope::Run);
        assert!(
            text.contains("answered about as fast; p95 time to processed 30.0 s vs 31.0 s (FIFO vs fair scheduling: small 28.0 s vs 400 ms);"),
            "{text}"
        );
        // The same scheduling: no client singled out.
        let same = Figures {
            scheduling: Scheduling::Fifo,
            ..fair
        };
        assert!(!sentence(&fifo, &same, Scope::Run).contains("small"));
    }

    #[test]
    fn shedding_is_the_simulator_s_not_the_system_s_errors() {
        let calm = figures(0.07, 0.1, 0.0);
        let flooded = Figures {
            shed_per_min: 41_965.0,
            ..figures(0.07, 0.1, 12.0)
        };
        let text = sentence(&calm, &flooded, Scope::Live);
        assert!(text.contains("errors 0/min vs 12/min;"), "{text}");
        assert!(
            text.ends_with(
                "; the simulator shed 0/min vs 41,965/min at its limit (not the system's errors)"
            ),
            "{text}"
        );
        // Over a whole run the shed arrivals are taken out of the errors.
        let mut sm = Summary {
            duration_s: 60.0,
            ..Summary::default()
        };
        sm.errors.sim_limit = 600;
        sm.errors.timeout = 60;
        let f = Figures::of_run(&sm, &Settings::default());
        assert_eq!((f.errors_per_min, f.shed_per_min), (60.0, 600.0));
    }

    #[test]
    fn span_counts_put_share_and_rate_over_one_span() {
        let s = Settings {
            window_s: 1.0,
            percentile_window_s: 10.0,
            ..Settings::default()
        };
        let mut sys = crate::sim::System::new(s.clone());
        sys.run_until(crate::sim::SimTime::from_secs_f64(1.0));
        let mut w = sys.windows()[0].clone();
        w.t_s = 60.0;
        w.outcomes = 1_000;
        w.span_errors = 300;
        w.span_shed = 200;
        w.sla_share = 0.5;
        let c = SpanCounts::of(&w, &s);
        // 200 shed are the simulator's: 100 errors of 800 outcomes, over
        // the same 10 s: 600/min.
        assert_eq!(
            (c.outcomes, c.errors, c.shed, c.span_s),
            (800, 100, 200, 10.0)
        );
        assert_eq!(c.error_share(), 0.125);
        assert_eq!(c.errors_per_min(), 600.0);
        assert_eq!(c.shed_per_min(), 1_200.0);
        assert_eq!(c.sla_share(), 500.0 / 800.0);
    }

    #[test]
    fn a_held_switch_says_so() {
        use crate::sim::config::{Change, Mode};
        let m = Marker {
            mode: None,
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
        let f = figures(1.0, 1.0, 0.0);
        let twins: Vec<(String, Figures)> = ["fifo", "fair", "priority"]
            .iter()
            .map(|n| (n.to_string(), f.clone()))
            .collect();
        let s = sentences(&twins, Scope::Run);
        assert_eq!(s.len(), 2);
        assert!(s[0].starts_with("fifo vs fair: p95 wait"), "{}", s[0]);
        assert!(s[1].starts_with("fifo vs priority: "), "{}", s[1]);
        assert!(!sentences(&twins[..2], Scope::Run)[0].contains("vs fair:"));
    }
}
