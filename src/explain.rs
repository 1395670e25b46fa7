//! The bottleneck in words: the sentences the app's bottleneck strip and
//! the command line show for a [`capacity::Analysis`]. Shared by both, like
//! [`crate::words`]; no UI here.
//!
//! ```text
//!  headline     Database is the bottleneck: 188/s arrive, it can do 100/s
//!               (5 connections ÷ 50 ms).
//!  consequence  In sync every server worker waits for it: 200 of 200 busy,
//!               the accept backlog fills, users give up at 15 s.
//!  queue        Queue grows 88 jobs/s (188/s in, 100/s out); at this
//!               backlog it drains 6 min after traffic falls to 40/s.
//!  next         Doubling connections lifts the database to 200/s, but the
//!               servers top out at 120/s.
//! ```

use crate::fmt;
use crate::sim::Gauges;
use crate::sim::capacity::{self, Analysis, Estimate, Part, Stage, StageKind};
use crate::sim::config::{Mode, Settings};

/// Every sentence about one analysis.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Explanation {
    /// Which stage limits, the load on it and its capacity with the formula.
    pub headline: String,
    /// What the limit does to users now (backlogs, timeouts, the queue).
    pub consequence: Option<String>,
    /// How the async queue grows or drains.
    pub queue: Option<String>,
    /// What doubling the bottleneck would buy, and what limits then.
    pub next: Option<String>,
    /// One line per stage: capacity, formula, offered, busy.
    pub stages: Vec<String>,
    /// Where a capacity is an estimate, and why.
    pub estimates: Vec<String>,
}

impl Explanation {
    /// Every sentence, one per line (headline first, stages last).
    pub fn lines(&self) -> Vec<String> {
        let mut v = vec![self.headline.clone()];
        v.extend(self.consequence.iter().cloned());
        v.extend(self.queue.iter().cloned());
        v.extend(self.next.iter().cloned());
        v.extend(self.stages.iter().cloned());
        v.extend(self.estimates.iter().map(|e| format!("Estimate: {e}")));
        v
    }
}

/// The sentences for `a`, made with the live settings `s` and levels `g`.
pub fn explain(a: &Analysis, s: &Settings, g: &Gauges) -> Explanation {
    Explanation {
        headline: headline(a, s),
        consequence: consequence(a, s, g),
        queue: a.queue.as_ref().and_then(|q| queue(q, s)),
        next: a.next.as_ref().map(|n| next(n, a, s)),
        stages: a.stages.iter().map(|st| stage_line(st, s)).collect(),
        estimates: a
            .stages
            .iter()
            .flat_map(|st| st.estimates.iter().map(move |e| estimate(st, *e, s)))
            .collect(),
    }
}

/// The stage's name as a sentence starts it: "Database", "Servers",
/// "Queue workers", "Rate limit of webshop", a dependency's own name
/// ("partner API"), "In-flight slots".
pub fn stage_name(kind: StageKind, s: &Settings) -> String {
    match kind {
        StageKind::Dependency { index } => s
            .dependencies
            .get(index)
            .map_or("A dependency".into(), |d| d.name.clone()),
        StageKind::InFlight => "In-flight slots".into(),
        StageKind::Server => "Servers".into(),
        StageKind::Database => "Database".into(),
        StageKind::QueueWorkers => "Queue workers".into(),
        StageKind::RateLimit { client } => {
            let name = s
                .clients
                .get(client)
                .map_or("a client", |c| c.name.as_str());
            format!("Rate limit of {name}")
        }
    }
}

/// What the stage has more of when doubled: "connections".
fn units_word(kind: StageKind) -> &'static str {
    match kind {
        StageKind::Server => "server workers",
        StageKind::Database => "connections",
        StageKind::QueueWorkers => "queue workers",
        StageKind::RateLimit { .. } => "the rate limit",
        StageKind::Dependency { .. } => "slots",
        StageKind::InFlight => "in-flight slots",
    }
}

/// The name mid-sentence: its first letter lowered.
fn lower(name: String) -> String {
    let mut c = name.chars();
    match c.next() {
        Some(f) => f.to_lowercase().chain(c).collect(),
        None => name,
    }
}

fn count(x: f64) -> String {
    if (x - x.round()).abs() < 1e-9 {
        fmt::thousands(x.round().max(0.0) as u64)
    } else {
        format!("{x:.1}")
    }
}

/// The capacity's formula with its numbers: "5 connections ÷ 50 ms",
/// "9 workers ÷ (25 ms CPU + 50 ms write)".
pub fn formula(st: &Stage, s: &Settings) -> String {
    if st.estimates.contains(&Estimate::Outage) {
        return "an outage: no write commits".into();
    }
    let parts: Vec<String> = st
        .terms
        .iter()
        .map(|t| {
            let what = match t.part {
                Part::Cpu => "CPU",
                Part::Write => "write",
                Part::RetryPause => "retry pauses",
                Part::Enqueue => "enqueue",
                Part::Call => "calls",
                Part::Read => "reads",
                Part::Cache => "cache",
            };
            format!("{} {what}", fmt::target(t.s))
        })
        .collect();
    match st.kind {
        StageKind::Server => {
            let units = if s.server.instances > 1 {
                format!(
                    "{} × {} workers",
                    s.server.instances, s.server.workers_per_instance
                )
            } else {
                format!("{} workers", count(st.units))
            };
            let units = if st.reserved > 0.0 {
                format!("({units} − {} on polls)", count(st.reserved))
            } else {
                units
            };
            let hold = match parts.len() {
                0 => "0 ms".to_string(),
                1 => parts[0].clone(),
                _ => format!("({})", parts.join(" + ")),
            };
            format!("{units} ÷ {hold}")
        }
        StageKind::InFlight => {
            let hold = match parts.len() {
                0 => "0 ms".to_string(),
                1 => parts[0].clone(),
                _ => format!("({})", parts.join(" + ")),
            };
            format!("{} in flight ÷ {hold}", count(st.units))
        }
        StageKind::Dependency { index } => dependency_formula(st, s, index),
        StageKind::Database | StageKind::QueueWorkers if st.terms.len() > 1 => {
            let what = if st.kind == StageKind::Database {
                "connections"
            } else {
                "workers"
            };
            format!("{} {what} ÷ ({})", count(st.units), parts.join(" + "))
        }
        StageKind::Database | StageKind::QueueWorkers => {
            let what = if st.kind == StageKind::Database {
                "connections"
            } else {
                "workers"
            };
            let hold = st.hold_s();
            let per_write = if st.attempts > 0.0 {
                hold / st.attempts
            } else {
                hold
            };
            if st.attempts > 1.0 + 1e-9 {
                format!(
                    "{} {what} ÷ ({} × {:.2} attempts)",
                    count(st.units),
                    fmt::target(per_write),
                    st.attempts
                )
            } else {
                format!("{} {what} ÷ {}", count(st.units), fmt::target(hold))
            }
        }
        StageKind::RateLimit { .. } => format!("a token bucket at {}", fmt::rate(st.units)),
    }
}

/// "20 slots ÷ 200 ms", "20 slots ÷ (2.00 calls × 200 ms)", or "a rate
/// limit of 80/s" when the rate limit is what binds.
fn dependency_formula(st: &Stage, s: &Settings, index: usize) -> String {
    let Some(d) = s.dependencies.get(index) else {
        return "unknown".into();
    };
    let calls = st.attempts;
    let by_rate = d.rate_limit_per_s / calls.max(1e-12);
    if d.rate_limit_per_s > 0.0 && (d.slots == 0 || by_rate <= st.capacity_per_s + 1e-9) {
        return format!("a rate limit of {}", fmt::rate(d.rate_limit_per_s));
    }
    let latency = fmt::target(d.latency.mean_ms() / 1e3);
    if (calls - 1.0).abs() < 1e-9 {
        format!("{} slots ÷ {latency}", count(st.units))
    } else {
        format!("{} slots ÷ ({calls:.2} calls × {latency})", count(st.units))
    }
}

fn headline(a: &Analysis, s: &Settings) -> String {
    let b = a.bottleneck();
    let name = stage_name(b.kind, s);
    let arithmetic = format!("{} ({})", fmt::rate(b.capacity_per_s), formula(b, s));
    if a.saturated() {
        let (verb, pronoun) = match b.kind {
            StageKind::Server | StageKind::QueueWorkers | StageKind::InFlight => ("are", "they"),
            _ => ("is", "it"),
        };
        format!(
            "{name} {verb} the bottleneck: {} arrive, {pronoun} can do {arithmetic}.",
            fmt::rate(b.offered_per_s)
        )
    } else {
        format!(
            "Nothing is saturated: {} would limit first, at {arithmetic}; {} arrive ({} of it).",
            lower(name),
            fmt::rate(b.offered_per_s),
            fmt::share(b.load())
        )
    }
}

fn consequence(a: &Analysis, s: &Settings, g: &Gauges) -> Option<String> {
    if !a.saturated() {
        return None;
    }
    let b = a.bottleneck();
    let sync = s.endpoints.iter().any(|e| e.mode == Mode::Sync);
    let backlog = if g.accept_capacity > 0 && g.accept_backlog * 10 >= g.accept_capacity * 9 {
        "the accept backlog is full".to_string()
    } else {
        format!(
            "{} of {} wait in the accept backlog",
            fmt::thousands(g.accept_backlog),
            fmt::thousands(g.accept_capacity)
        )
    };
    let patience = fmt::target(s.browser.patience_s);
    let busy = format!("{} of {} busy", g.server_busy, g.server_workers);
    let threads = s.server.model.is_threads();
    let held = if threads {
        "a server worker"
    } else {
        "an in-flight slot"
    };
    Some(match b.kind {
        StageKind::Dependency { index } if capacity::dependency_in_request(s, index) => {
            if threads {
                format!(
                    "Requests wait for it holding {held}: {busy}, {backlog}, users give up at {patience}."
                )
            } else {
                format!(
                    "Requests wait for it holding {held}: {backlog}, users give up at {patience}."
                )
            }
        }
        StageKind::Dependency { .. } => {
            "Users are answered at once; the queue takes the excess.".to_string()
        }
        StageKind::InFlight => format!(
            "Every request holds its in-flight slot through its waits: {backlog}, users give up at {patience}."
        ),
        StageKind::Database if sync && !threads => format!(
            "In sync every request waits for it holding {held}: {backlog}, users give up at {patience}."
        ),
        StageKind::Database | StageKind::QueueWorkers | StageKind::RateLimit { .. } if !sync => {
            "Users are answered at once; the queue takes the excess.".to_string()
        }
        StageKind::Database => format!(
            "In sync every server worker waits for it: {busy}, {backlog}, users give up at {patience}."
        ),
        StageKind::Server if sync => format!(
            "Every server worker holds its request through the write: {busy}, {backlog}, users give up at {patience}."
        ),
        StageKind::Server => {
            format!("Even the acknowledgement waits for a worker: {busy}, {backlog}.")
        }
        _ => format!("{busy}, {backlog}."),
    })
}

/// The sentence about the async queue, if there is one to say. The drain
/// is timed at the traffic the scene's shapes actually fall back to next.
pub fn queue(q: &capacity::QueueOutlook, s: &Settings) -> Option<String> {
    let growth = q.growth_per_s();
    if growth > 0.0 && q.in_per_s > 0.0 {
        let below = q.drains_below_per_s();
        let base = q.falls_back_to_per_s(s);
        let after = match base.and_then(|b| q.drain_s_at(b).map(|d| (b, d))) {
            Some((base, d)) if base < below => format!(
                "at this backlog it drains {} after traffic falls to {}",
                fmt::span(d),
                fmt::rate(base)
            ),
            _ => format!(
                "it drains only once traffic falls below {}",
                fmt::rate(below)
            ),
        };
        Some(format!(
            "Queue grows {} jobs/s ({} in, {} out); {after}.",
            growth_rate(growth),
            fmt::rate(q.in_per_s),
            fmt::rate(q.out_per_s)
        ))
    } else if q.backlog > 0 {
        let when = q
            .drain_s()
            .map_or("not at all at this rate".to_string(), |d| {
                format!("in {}", fmt::span(d))
            });
        Some(format!(
            "Queue holds {} jobs and drains {when} ({} in, {} out).",
            fmt::thousands(q.backlog),
            fmt::rate(q.in_per_s),
            fmt::rate(q.out_per_s)
        ))
    } else {
        None
    }
}

fn growth_rate(x: f64) -> String {
    fmt::rate(x).trim_end_matches("/s").to_string()
}

fn next(n: &capacity::NextOne, a: &Analysis, s: &Settings) -> String {
    let doubled = lower(stage_name(n.doubled, s));
    let start = format!(
        "Doubling {} lifts the {doubled} to {}",
        units_word(n.doubled),
        fmt::rate(n.doubled_capacity_per_s)
    );
    let offered = fmt::rate(a.offered_per_s);
    if n.then == n.doubled {
        if n.then_load >= 1.0 {
            format!("{start}: still short of the {offered} offered.")
        } else {
            format!("{start}: enough for the {offered} offered.")
        }
    } else if n.then_load >= 1.0 {
        let verb = match n.then {
            StageKind::Server | StageKind::QueueWorkers | StageKind::InFlight => "top",
            StageKind::Database | StageKind::RateLimit { .. } | StageKind::Dependency { .. } => {
                "tops"
            }
        };
        format!(
            "{start}, but the {} {verb} out at {}.",
            lower(stage_name(n.then, s)),
            fmt::rate(n.then_capacity_per_s)
        )
    } else {
        format!(
            "{start}: enough for the {offered} offered; the {} would limit next, at {}.",
            lower(stage_name(n.then, s)),
            fmt::rate(n.then_capacity_per_s)
        )
    }
}

fn stage_line(st: &Stage, s: &Settings) -> String {
    let busy = if st.utilisation.is_finite() {
        format!("{} busy", fmt::share(st.utilisation))
    } else {
        "busy not measured".to_string()
    };
    format!(
        "{}: {} = {} · {} offered · {busy}",
        stage_name(st.kind, s),
        fmt::rate(st.capacity_per_s),
        formula(st, s),
        fmt::rate(st.offered_per_s),
    )
}

fn estimate(st: &Stage, e: Estimate, s: &Settings) -> String {
    let name = lower(stage_name(st.kind, s));
    match e {
        Estimate::PollShare => format!(
            "{name}: polls take {} workers now; their share moves with the jobs pending",
            count(st.reserved)
        ),
        Estimate::Mix => format!("{name}: for the present mix of endpoints"),
        Estimate::Attempts => format!(
            "{name}: {:.2} expected attempts per write ({} of writes fail)",
            st.attempts,
            fmt::share(s.database.failure_probability)
        ),
        Estimate::Outage => {
            format!("{name}: an outage is under way; nothing commits until it ends")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::Dist;
    use crate::sim::capacity::{Measured, analyse};

    fn scene7() -> Settings {
        let mut s = Settings::default();
        s.server.instances = 1;
        s.server.workers_per_instance = 9;
        s.endpoints[0].cpu = Dist::Exponential { mean_ms: 25.0 };
        s
    }

    #[test]
    fn the_sync_database_bottleneck_reads_as_the_issue_says() {
        let s = scene7();
        let m = Measured {
            clicks_per_s: 188.0,
            ..Measured::default()
        };
        let a = analyse(&s, &m, None);
        let g = Gauges {
            server_busy: 9,
            server_workers: 9,
            accept_backlog: 95,
            accept_capacity: 100,
            ..Gauges::default()
        };
        let e = explain(&a, &s, &g);
        assert_eq!(
            e.headline,
            "Database is the bottleneck: 188/s arrive, it can do 100/s (5 connections ÷ 50 ms)."
        );
        assert_eq!(
            e.consequence.as_deref(),
            Some(
                "In sync every server worker waits for it: 9 of 9 busy, the accept backlog is full, users give up at 15 s."
            )
        );
        assert_eq!(
            e.next.as_deref(),
            Some(
                "Doubling connections lifts the database to 200/s, but the servers top out at 120/s."
            )
        );
        assert_eq!(
            e.stages[0],
            "Servers: 120/s = 9 workers ÷ (25 ms CPU + 50 ms write) · 188/s offered · 0.0% busy"
        );
        assert!(e.queue.is_none() && e.estimates.is_empty());
    }

    #[test]
    fn the_async_queue_grows_then_drains_at_the_base_rate() {
        let mut s = scene7();
        s.endpoints[0].mode = Mode::Async;
        s.server.workers_per_instance = 100;
        s.clients[0].rate_per_s = 40.0;
        let m = Measured {
            clicks_per_s: 188.0,
            backlog: 21_600,
            ..Measured::default()
        };
        let a = analyse(&s, &m, None);
        let e = explain(&a, &s, &Gauges::default());
        assert_eq!(
            e.queue.as_deref(),
            Some(
                "Queue grows 88 jobs/s (188/s in, 100/s out); at this backlog it drains 6 min after traffic falls to 40/s."
            )
        );
        assert_eq!(
            e.consequence.as_deref(),
            Some("Users are answered at once; the queue takes the excess.")
        );
        let light = Measured {
            clicks_per_s: 40.0,
            ..Measured::default()
        };
        let a = analyse(&s, &light, None);
        let e = explain(&a, &s, &Gauges::default());
        assert!(
            e.headline
                .starts_with("Nothing is saturated: database would limit first, at 100/s")
        );
        assert!(e.queue.is_none() && e.consequence.is_none());
    }

    #[test]
    fn estimates_say_why() {
        let mut s = scene7();
        s.database.failure_probability = 0.2;
        s.queue.sync_max_attempts = 3;
        let m = Measured {
            clicks_per_s: 150.0,
            ..Measured::default()
        };
        let e = explain(&analyse(&s, &m, None), &s, &Gauges::default());
        assert!(
            e.headline
                .contains("(5 connections ÷ (50 ms × 1.24 attempts))"),
            "{}",
            e.headline
        );
        assert!(
            e.estimates
                .iter()
                .any(|x| x == "database: 1.24 expected attempts per write (20.0% of writes fail)")
        );
        let mut s = scene7();
        s.database.connections = 10;
        let e = explain(&analyse(&s, &m, None), &s, &Gauges::default());
        assert_eq!(
            e.headline,
            "Servers are the bottleneck: 150/s arrive, they can do 120/s (9 workers ÷ (25 ms CPU + 50 ms write))."
        );
        // One database: it "tops out" (servers "top out").
        let m = Measured {
            clicks_per_s: 250.0,
            ..Measured::default()
        };
        let e = explain(&analyse(&s, &m, None), &s, &Gauges::default());
        assert_eq!(
            e.next.as_deref(),
            Some(
                "Doubling server workers lifts the servers to 240/s, but the database tops out at 200/s."
            )
        );
    }

    #[test]
    fn the_drain_is_timed_at_the_traffic_the_scene_falls_back_to() {
        // Slow database's shape: 40/s × 3.25 until 420 s, down to × 1.25
        // (50/s) by 480 s. At 300 s, async, the backlog drains after
        // traffic falls to 50/s, not to the base 40/s.
        let mut s = scene7();
        s.endpoints[0].mode = Mode::Async;
        s.server.workers_per_instance = 100;
        s.clients[0].rate_per_s = 40.0;
        s.clients[0].shape = crate::sim::config::Shape::Points(vec![
            (0.0, 1.0),
            (20.0, 1.0),
            (60.0, 3.25),
            (420.0, 3.25),
            (480.0, 1.25),
            (900.0, 1.25),
        ]);
        let m = Measured {
            clicks_per_s: 130.0,
            backlog: 5_000,
            end_s: 300.0,
            ..Measured::default()
        };
        let a = analyse(&s, &m, None);
        let q = a.queue.as_ref().expect("async");
        assert_eq!(q.falls_back_to_per_s(&s), Some(50.0));
        let e = explain(&a, &s, &Gauges::default());
        assert_eq!(
            e.queue.as_deref(),
            Some(
                "Queue grows 30 jobs/s (130/s in, 100/s out); at this backlog it drains 2 min after traffic falls to 50/s."
            )
        );
        // Traffic that never falls back: no drain time promised.
        s.clients[0].shape = crate::sim::config::Shape::Constant;
        s.clients[0].rate_per_s = 130.0;
        let e = explain(&analyse(&s, &m, None), &s, &Gauges::default());
        assert!(
            e.queue
                .as_deref()
                .is_some_and(|q| q.ends_with("it drains only once traffic falls below 100/s.")),
            "{:?}",
            e.queue
        );
    }
}
