//! Checks a parsed scenario and reports every problem at once.

use super::knobs;
use super::model::{Cue, Goal, Scenario, StartSpeed, View};
use asynclab_core::Dist;
use asynclab_core::config::{Change, ChangeError, RetryPolicy, Settings, Shape, TimelineEvent};
use asynclab_core::traffic::{MIN_PERIOD_S, mean_multiplier};
use asynclab_core::twins::traffic_events;
use std::fmt;

mod view;
use view::{cues, goal, polls, view};

/// One invalid value.
#[derive(Clone, Debug, PartialEq)]
pub struct Problem {
    /// Field path, e.g. `clients[1].rate_per_s`.
    pub path: String,
    /// The offending value as written.
    pub value: String,
    /// What is allowed.
    pub rule: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} = {}: {}", self.path, self.value, self.rule)
    }
}

struct Report(Vec<Problem>);

impl Report {
    fn push(&mut self, path: impl Into<String>, value: impl fmt::Display, rule: impl Into<String>) {
        self.0.push(Problem {
            path: path.into(),
            value: value.to_string(),
            rule: rule.into(),
        });
    }
    fn range(&mut self, path: impl Into<String>, v: f64, min: f64, max: f64) {
        if !(v.is_finite() && v >= min && v <= max) {
            self.push(path, v, format!("must be between {min} and {max}"));
        }
    }
    fn positive(&mut self, path: impl Into<String>, v: f64, max: f64) {
        if !(v.is_finite() && v > 0.0 && v <= max) {
            self.push(path, v, format!("must be > 0 and ≤ {max}"));
        }
    }
    /// A period or time constant: at least `floor` (a shorter one would
    /// mean an event every nanosecond), at most `max`.
    fn at_least(&mut self, path: impl Into<String>, v: f64, floor: f64, max: f64) {
        if !(v.is_finite() && v >= floor && v <= max) {
            self.push(
                path,
                v,
                format!("must be between {floor} and {max} s (shorter periods cannot be simulated event by event)"),
            );
        }
    }
    fn dist(&mut self, path: &str, d: &Dist) {
        if let Some((field, v, rule)) = d.problem() {
            self.push(format!("{path}.{field}"), v, rule);
        }
    }
}

/// Most windows a trailing percentile may span.
pub const MAX_SPAN_WINDOWS: f64 = 3_600.0;

/// Most scripted changes a scene may hold.
pub const MAX_TIMELINE: usize = 100_000;

/// Most user actions a run may be offered: each is simulated event by
/// event (about a million a second on one core), so ten billion would take
/// hours.
pub const MAX_OFFERED_ACTIONS: f64 = 1e10;

/// Longest run a scene may ask for: 30 days of sim time.
pub const MAX_DURATION_S: f64 = 30.0 * 86_400.0;

/// Every problem in `s`; empty when it is valid.
pub fn validate(s: &Scenario) -> Vec<Problem> {
    let mut r = Report(Vec::new());
    let duration_s = s.duration_s;
    let (title, lesson, watch) = (&s.title, &s.lesson, &s.watch);
    variants(&mut r, s);
    disabled(&mut r, s);
    view(&mut r, &s.view);
    cues(&mut r, &s.view.cues);
    if let Some(g) = &s.goal {
        goal(&mut r, g, &s.settings, polls(s));
    }
    let s = &s.settings;
    r.positive("duration_s", duration_s, MAX_DURATION_S);
    r.range("window_s", s.window_s, 0.01, 3600.0);
    if s.window_s.is_finite()
        && duration_s.is_finite()
        && s.window_s > 0.0
        && duration_s / s.window_s > 2e6
    {
        r.push(
            "window_s",
            s.window_s,
            "must leave at most 2,000,000 windows in the run",
        );
    }
    r.range(
        "percentile_window_s",
        s.percentile_window_s,
        s.window_s.max(0.01),
        86_400.0,
    );
    if s.window_s > 0.0 && s.percentile_window_s / s.window_s > MAX_SPAN_WINDOWS {
        r.push(
            "percentile_window_s",
            s.percentile_window_s,
            format!("must cover at most {MAX_SPAN_WINDOWS} windows of window_s"),
        );
    }
    if s.clients.is_empty() || s.clients.len() > 64 {
        r.push(
            "clients",
            format!("{} clients", s.clients.len()),
            "must have 1 to 64 clients",
        );
    }
    if s.endpoints.is_empty() || s.endpoints.len() > 16 {
        r.push(
            "endpoints",
            format!("{} endpoints", s.endpoints.len()),
            "must have 1 to 16 endpoints",
        );
    }
    if !s.endpoints.iter().any(|e| e.share > 0.0) {
        r.push(
            "endpoints",
            "all shares 0",
            "at least one endpoint needs share > 0",
        );
    }

    if s.timeline.len() > MAX_TIMELINE {
        r.push(
            "timeline",
            format!("{} events", s.timeline.len()),
            format!("must have at most {MAX_TIMELINE} events"),
        );
    }
    // A hostile file with a million clients stops here: per-item checks
    // would only repeat the same complaint a million times, slowly.
    if s.clients.len() > 64 || s.endpoints.len() > 16 || s.timeline.len() > MAX_TIMELINE {
        return r.0;
    }

    // Every numeric knob against its declared range.
    for (path, k) in asynclab_core::config::knobs::all(s) {
        let v = k.get(s);
        if let Err(ChangeError::OutOfRange { rule, .. }) = k.spec.check(&path, v) {
            r.push(path, v, format!("must be {rule}"));
        }
    }
    // Whole-number fields stored as integers cannot be fractional, but
    // distributions, shapes and names need their own checks.
    for (i, c) in s.clients.iter().enumerate() {
        let p = format!("clients[{i}]");
        if c.name.trim().is_empty() {
            r.push(format!("{p}.name"), "\"\"", "must not be empty");
        }
        text_name(&mut r, &format!("{p}.name"), &c.name);
        if s.clients[..i].iter().any(|o| o.name == c.name) {
            r.push(
                format!("{p}.name"),
                format!("{:?}", c.name),
                "must be unique",
            );
        }
        r.range(
            format!("{p}.rate_limit_burst"),
            c.rate_limit_burst,
            1.0,
            1e9,
        );
        shape(&mut r, &format!("{p}.shape"), &c.shape);
    }
    for (i, e) in s.endpoints.iter().enumerate() {
        let p = format!("endpoints[{i}]");
        if e.name.trim().is_empty() {
            r.push(format!("{p}.name"), "\"\"", "must not be empty");
        }
        text_name(&mut r, &format!("{p}.name"), &e.name);
        if s.endpoints[..i].iter().any(|o| o.name == e.name) {
            r.push(
                format!("{p}.name"),
                format!("{:?}", e.name),
                "must be unique",
            );
        }
        r.dist(&format!("{p}.cpu"), &e.cpu);
        r.dist(&format!("{p}.db_write"), &e.db_write);
    }
    for (path, value, rule) in super::validate_parts::problems(s) {
        r.push(path, value, rule);
    }
    offered_load(&mut r, s, duration_s);
    r.dist("network.latency", &s.network.latency);
    r.dist("browser.think_time", &s.browser.think_time);
    r.dist("server.poll_cpu", &s.server.poll_cpu);
    r.dist("queue.enqueue", &s.queue.enqueue);
    if let RetryPolicy::Fixed { delay_s } = s.queue.retry {
        r.range("queue.retry.delay_s", delay_s, 0.0, 86_400.0);
    }
    for (k, v) in s.cost.revenue_per_action.iter().enumerate() {
        r.range(format!("cost.revenue_per_action[{k}]"), *v, 0.0, 1e9);
    }
    for (i, ev) in s.timeline.iter().enumerate() {
        timeline_event(&mut r, &format!("timeline[{i}]"), ev, s);
    }
    for (field, text) in [("title", title), ("lesson", lesson), ("watch", watch)] {
        if text.len() > 10_000 {
            r.push(
                field,
                format!("{} characters", text.len()),
                "must be at most 10000 characters",
            );
        }
    }
    r.0
}

fn shape(r: &mut Report, p: &str, s: &Shape) {
    const MAXM: f64 = 1e4;
    match s {
        Shape::Constant => {}
        Shape::EmailBlast {
            at_s,
            peak,
            decay_s,
        } => {
            r.range(format!("{p}.at_s"), *at_s, 0.0, MAX_DURATION_S);
            r.range(format!("{p}.peak"), *peak, 0.0, MAXM);
            r.at_least(
                format!("{p}.decay_s"),
                *decay_s,
                MIN_PERIOD_S,
                MAX_DURATION_S,
            );
        }
        Shape::Hourly {
            period_s,
            spike_s,
            peak,
            offset_s,
        } => {
            r.at_least(
                format!("{p}.period_s"),
                *period_s,
                MIN_PERIOD_S,
                MAX_DURATION_S,
            );
            r.range(format!("{p}.spike_s"), *spike_s, 0.0, period_s.max(0.0));
            r.range(format!("{p}.peak"), *peak, 0.0, MAXM);
            r.range(format!("{p}.offset_s"), *offset_s, 0.0, MAX_DURATION_S);
        }
        Shape::BlackFriday {
            start_s,
            ramp_up_s,
            hold_s,
            ramp_down_s,
            peak,
        } => {
            r.range(format!("{p}.start_s"), *start_s, 0.0, MAX_DURATION_S);
            r.range(format!("{p}.ramp_up_s"), *ramp_up_s, 0.0, MAX_DURATION_S);
            r.range(format!("{p}.hold_s"), *hold_s, 0.0, MAX_DURATION_S);
            r.range(
                format!("{p}.ramp_down_s"),
                *ramp_down_s,
                0.0,
                MAX_DURATION_S,
            );
            r.range(format!("{p}.peak"), *peak, 0.0, MAXM);
        }
        Shape::Points(points) => {
            if points.is_empty() || points.len() > 10_000 {
                r.push(
                    p,
                    format!("{} points", points.len()),
                    "must have 1 to 10000 points",
                );
            }
            for (k, (t, m)) in points.iter().enumerate() {
                r.range(format!("{p}[{k}].0"), *t, 0.0, MAX_DURATION_S);
                r.range(format!("{p}[{k}].1"), *m, 0.0, MAXM);
                if k > 0 && *t < points[k - 1].0 {
                    r.push(format!("{p}[{k}].0"), t, "times must not decrease");
                }
            }
        }
    }
}

/// One scripted change: its time, and the endpoint, knob and value it names.
fn timeline_event(r: &mut Report, p: &str, ev: &TimelineEvent, s: &Settings) {
    r.range(format!("{p}.at_s"), ev.at_s, 0.0, MAX_DURATION_S);
    if let Some(m) = ev.mode
        && !matches!(ev.change, Change::Caption(_))
    {
        r.push(
            format!("{p}.mode"),
            format!("Some({m:?})"),
            "only a caption states the mode it describes",
        );
    }
    match &ev.change {
        Change::SetMode {
            endpoint: Some(name),
            ..
        } if s.endpoint_index(name).is_none() => {
            r.push(
                format!("{p}.change.endpoint"),
                format!("{name:?}"),
                "must name an endpoint of this scene",
            );
        }
        Change::Set { path, value } => match knobs::knob(s, path) {
            Err(e) => r.push(
                format!("{p}.change.path"),
                format!("{path:?}"),
                e.to_string(),
            ),
            Ok(k) => {
                if let Err(ChangeError::OutOfRange { rule, .. }) = k.check(*value) {
                    r.push(
                        format!("{p}.change.value"),
                        value,
                        format!("must be {rule}"),
                    );
                }
            }
        },
        Change::DependencyOutage { name, .. } | Change::DependencyOutageEnd { name } => {
            if let Err(e) = ev.change.apply_to(&mut s.clone()) {
                r.push(
                    format!("{p}.change.name"),
                    format!("{name:?}"),
                    e.to_string(),
                );
            }
        }
        Change::SetRetry(RetryPolicy::Fixed { delay_s }) => {
            r.range(format!("{p}.change.delay_s"), *delay_s, 0.0, 86_400.0);
        }
        Change::Caption(text) if text.len() > 500 => {
            r.push(
                format!("{p}.change"),
                format!("{} characters", text.len()),
                "captions are at most 500 characters",
            );
        }
        _ => {}
    }
}

/// Refuses a load no machine could simulate event by event, with the
/// estimate: each client's highest base rate (as set or scripted) × its
/// shape's mean multiplier × the duration.
fn offered_load(r: &mut Report, s: &Settings, duration_s: f64) {
    if !(duration_s.is_finite() && duration_s > 0.0) {
        return;
    }
    let mut total = 0.0;
    for (i, c) in s.clients.iter().enumerate() {
        let path = format!("clients[{i}].rate_per_s");
        let scripted = s.timeline.iter().filter_map(|e| match &e.change {
            Change::Set { path: p, value } if *p == path => Some(*value),
            _ => None,
        });
        let rate = scripted.fold(c.rate_per_s, f64::max);
        if rate.is_finite() && rate > 0.0 {
            total += rate * mean_multiplier(&c.shape, duration_s) * duration_s;
        }
    }
    if total > MAX_OFFERED_ACTIONS {
        r.push(
            "clients",
            format!("about {total:.1e} user actions in {duration_s} s"),
            format!(
                "must offer at most {MAX_OFFERED_ACTIONS:.0e} actions per run (each is simulated event by event, about a million a second): lower the rates, the shape peaks or duration_s"
            ),
        );
    }
}

/// Most twins a scene may declare.
pub const MAX_VARIANTS: usize = asynclab_core::twins::MAX_TWINS;

/// Longest variant name, characters (not bytes: "é" counts once).
pub const MAX_VARIANT_NAME: usize = 40;

/// A name is text shown in columns, terminals and spreadsheets: a control
/// character (newline, tab, escape) would break the columns or recolour
/// the terminal, so none is allowed.
fn text_name(r: &mut Report, path: &str, name: &str) {
    if let Some(c) = name.chars().find(|c| c.is_control()) {
        r.push(
            path.to_string(),
            format!("{name:?}"),
            format!(
                "must not hold control characters (found {:?}): a name is one line of plain text",
                c
            ),
        );
    }
}

/// The rule for a change that touches traffic in a variant.
const SHARED_TRAFFIC: &str = "must not change traffic (rates, shares): twins share their users; change it in the scene for all twins";

/// Each variant: a unique name, valid changes, and none to the traffic
/// (twins share their users).
fn variants(r: &mut Report, s: &Scenario) {
    if s.variants.len() > MAX_VARIANTS {
        r.push(
            "variants",
            format!("{} variants", s.variants.len()),
            format!("must have at most {MAX_VARIANTS} variants"),
        );
        return;
    }
    for (i, v) in s.variants.iter().enumerate() {
        let p = format!("variants[{i}]");
        if v.name.trim().is_empty() || v.name.chars().count() > MAX_VARIANT_NAME {
            r.push(
                format!("{p}.name"),
                format!("{:?}", v.name),
                format!("must be 1 to {MAX_VARIANT_NAME} characters"),
            );
        }
        text_name(r, &format!("{p}.name"), &v.name);
        if s.variants[..i].iter().any(|o| o.name == v.name) {
            r.push(
                format!("{p}.name"),
                format!("{:?}", v.name),
                "must be unique",
            );
        }
        if v.changes.len() > 100 {
            r.push(
                format!("{p}.changes"),
                format!("{} changes", v.changes.len()),
                "must have at most 100 changes",
            );
            continue;
        }
        let mut trial = s.settings.clone();
        for (k, c) in v.changes.iter().enumerate() {
            let cp = format!("{p}.changes[{k}]");
            if c.touches_traffic() {
                r.push(cp, format!("{c:?}"), SHARED_TRAFFIC);
            } else if let Err(e) = c.apply_to(&mut trial) {
                r.push(cp, format!("{c:?}"), e.to_string());
            }
        }
        variant_timeline(r, &p, &v.timeline, &s.settings);
        if traffic_events(v) != traffic_events(&s.variants[0]) {
            r.push(
                format!("{p}.timeline"),
                format!("{} traffic changes", traffic_events(v).len()),
                "must hold the same traffic changes (rates, shares), at the same times, as every other twin's timeline: twins share their users",
            );
        }
    }
    // Other problems of the variants are reported above, by name. A scene
    // without variants is solo unless the presenter compares it (C): the
    // default pair is refused then, with the same reason, and the run
    // stays solo.
    if s.variants.is_empty() {
        return;
    }
    if let Err(e @ asynclab_core::twins::TwinError::HeldTogether { .. }) =
        asynclab_core::twins::check_twins_held(&s.settings, &s.variants)
    {
        r.push(
            "limits.max_in_flight",
            s.settings.limits.max_in_flight,
            e.to_string(),
        );
    }
}

/// Events switched off: checked like scripted ones (they may be switched
/// on again), each naming a variant the scene has.
fn disabled(r: &mut Report, s: &Scenario) {
    if s.disabled.len() > MAX_TIMELINE {
        r.push(
            "disabled_timeline",
            format!("{} events", s.disabled.len()),
            format!("must have at most {MAX_TIMELINE} events"),
        );
        return;
    }
    let names: Vec<String> = s.twin_variants().into_iter().map(|v| v.name).collect();
    for (i, d) in s.disabled.iter().enumerate() {
        let p = format!("disabled_timeline[{i}]");
        let ev = TimelineEvent {
            mode: d.mode,
            at_s: d.at_s,
            change: d.change.clone(),
        };
        timeline_event(r, &p, &ev, &s.settings);
        if d.variant.is_some() && d.change.touches_traffic() {
            // Switched on, it would change the users of one twin alone,
            // which the twins' timelines refuse: refused now, not then.
            r.push(
                format!("{p}.change"),
                format!("{:?}", d.change),
                "must not change traffic (rates, shares) for one twin alone, even switched off (it would be refused when switched on): twins share their users",
            );
        }
        if let Some(name) = &d.variant
            && !names.contains(name)
        {
            r.push(
                format!("{p}.variant"),
                format!("{name:?}"),
                "must name a variant of this scene",
            );
        }
    }
}

/// A twin's own timeline: checked like the scene's.
fn variant_timeline(r: &mut Report, p: &str, timeline: &[TimelineEvent], s: &Settings) {
    if timeline.len() > MAX_TIMELINE {
        r.push(
            format!("{p}.timeline"),
            format!("{} events", timeline.len()),
            format!("must have at most {MAX_TIMELINE} events"),
        );
        return;
    }
    for (k, ev) in timeline.iter().enumerate() {
        timeline_event(r, &format!("{p}.timeline[{k}]"), ev, s);
    }
}
