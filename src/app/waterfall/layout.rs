//! A journey as data: its bars, rows and marks on one time axis, and
//! the words and colours they are shown with.

use super::palette;
use crate::scenario::Mode;
use crate::sim::trace::{Fate, Lane, Outcome, SpanKind, Trace};
use crate::sim::{Reason, SimTime};
use egui::Color32;

/// Traced actions listed, newest first, at most.
pub(super) const LISTED: usize = 200;

/// One bar of a waterfall, seconds after the action's first click.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Bar {
    /// Start, s after the first click.
    pub start_s: f64,
    /// End, s after the first click.
    pub end_s: f64,
    /// What it was spent on (`None`: a status poll, sent to answered, or
    /// a phase still under way).
    pub kind: Option<SpanKind>,
    /// A phase still under way at the last update (the action's work has
    /// not ended): from its start to then; what it is is known when it
    /// ends.
    pub under_way: bool,
}

/// What an under-way bar is, for the legend and hover.
pub const UNDER_WAY: &str = "under way (work goes on)";

/// One row: the user, a click's request or job, or the polls.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    /// "user", "request 1", "job 1", "polls".
    pub label: String,
    /// Its bars in time order.
    pub bars: Vec<Bar>,
}

/// A moment marked across the rows: an outcome, a commit, a dead letter.
#[derive(Clone, Debug, PartialEq)]
pub struct Mark {
    /// When, s after the first click.
    pub at_s: f64,
    /// What happened: "saved", "accepted", "gave up (patience)", ...
    pub label: String,
}

/// A traced action laid out for drawing.
#[derive(Clone, Debug, PartialEq)]
pub struct Waterfall {
    /// Rows, user first.
    pub rows: Vec<Row>,
    /// Outcomes, commits and dead letters.
    pub marks: Vec<Mark>,
    /// The axis' end, s after the first click.
    pub end_s: f64,
    /// The action went through the queue (async).
    pub asynchronous: bool,
    /// The modes the server handled its clicks in, in click order, a
    /// repeat merged (a click refused before the server decided has none):
    /// what the journey's head names.
    pub modes: Vec<Mode>,
}

impl Waterfall {
    /// When the user's wait for their last click ended, s after the first
    /// click (`None` while they still wait).
    pub fn wait_end_s(&self) -> Option<f64> {
        self.rows
            .first()
            .and_then(|r| {
                r.bars
                    .iter()
                    .rev()
                    .find(|b| b.kind == Some(SpanKind::Waiting))
            })
            .map(|b| b.end_s)
    }

    /// Bars in all rows.
    pub fn bars(&self) -> usize {
        self.rows.iter().map(|r| r.bars.len()).sum()
    }
}

/// The waterfall of `t`, times relative to its first click. A phase
/// still under way when `t` was copied (`Trace::as_of`) is a bar from its
/// start to then.
pub fn layout(t: &Trace) -> Waterfall {
    let t0 = t.first_click();
    let rel = |x: SimTime| (x - t0).as_secs_f64();
    let bar = |s: &crate::sim::trace::Span| Bar {
        start_s: rel(s.start),
        end_s: rel(s.end),
        kind: Some(s.kind),
        under_way: false,
    };
    let end = t.as_of.map_or(t.end(), |at| at.max(t.end()));
    let mut rows = vec![Row {
        label: "user".into(),
        bars: t.user_spans(end).iter().map(bar).collect(),
    }];
    for n in 1..=t.clicks.len() as u16 {
        for (lane, label) in [(Lane::Request(n), "request"), (Lane::Job(n), "job")] {
            let mut bars: Vec<Bar> = t.lane(lane).map(bar).collect();
            bars.extend(
                t.in_progress
                    .iter()
                    .filter(|(l, _)| *l == lane)
                    .map(|(_, since)| Bar {
                        start_s: rel(*since),
                        end_s: rel(end),
                        kind: None,
                        under_way: true,
                    }),
            );
            if !bars.is_empty() {
                rows.push(Row {
                    label: format!("{label} {n}"),
                    bars,
                });
            }
        }
    }
    if !t.polls.is_empty() {
        let bars = t
            .polls
            .iter()
            .map(|p| Bar {
                start_s: rel(p.sent),
                end_s: rel(p.answered),
                kind: None,
                under_way: false,
            })
            .collect();
        rows.push(Row {
            label: "polls".into(),
            bars,
        });
    }
    let mut marks: Vec<Mark> = t
        .clicks
        .iter()
        .filter_map(|c| c.outcome)
        .map(|(at, o)| Mark {
            at_s: rel(at),
            label: outcome_word(o).into(),
        })
        .collect();
    marks.extend(t.commits.iter().map(|c| Mark {
        at_s: rel(c.at),
        label: "committed".into(),
    }));
    marks.extend(t.dead_letters.iter().map(|d| Mark {
        at_s: rel(d.1),
        label: "dead letter".into(),
    }));
    Waterfall {
        rows,
        marks,
        end_s: rel(end),
        asynchronous: !t.jobs.is_empty() || t.spans.iter().any(|s| s.kind == SpanKind::Enqueue),
        modes: modes_met(t),
    }
}

/// The mode each click's request met, in click order with repeats merged.
/// The server decides when the request's CPU ends: an enqueue (or a job)
/// means async, a database wait or write on the request's own row means
/// sync; a request refused or still before that has no mode yet.
pub(super) fn modes_met(t: &Trace) -> Vec<Mode> {
    let mut modes: Vec<Mode> = Vec::new();
    for n in 1..=t.clicks.len() as u16 {
        let on_request = |k: SpanKind| {
            t.spans
                .iter()
                .any(|s| s.lane == Lane::Request(n) && s.kind == k)
        };
        let mode = if on_request(SpanKind::Enqueue) || t.jobs.iter().any(|j| j.0 == Lane::Job(n)) {
            Some(Mode::Async)
        } else if [
            SpanKind::DbWait,
            SpanKind::Write,
            SpanKind::FailedWrite,
            SpanKind::RetryPause,
        ]
        .into_iter()
        .any(on_request)
        {
            Some(Mode::Sync)
        } else {
            None
        };
        if let Some(m) = mode
            && modes.last() != Some(&m)
        {
            modes.push(m);
        }
    }
    modes
}

/// What the user saw, in a word or two.
pub fn outcome_word(o: Outcome) -> &'static str {
    match o {
        Outcome::Ok => "saved",
        Outcome::Ack => "accepted",
        Outcome::Error(Reason::Timeout) => "gave up (patience)",
        Outcome::Error(r) => crate::words::reason(r),
    }
}

/// What became of the action, for the list.
pub fn fate_word(t: &Trace) -> String {
    if t.user_done && !t.finished {
        // The user has the final outcome; the work it caused goes on.
        return match t.fate() {
            Fate::Failed(Reason::Timeout) => "gave up, work goes on".into(),
            Fate::Failed(r) => format!("{}, work goes on", crate::words::reason(r)),
            _ if !t.jobs.is_empty() => "accepted, job under way".into(),
            _ => "answered, work goes on".into(),
        };
    }
    match t.fate() {
        Fate::InFlight => "under way".into(),
        Fate::Succeeded if t.jobs.is_empty() => "saved".into(),
        Fate::Succeeded => "processed".into(),
        Fate::Failed(Reason::Timeout) => "gave up".into(),
        Fate::Failed(r) => crate::words::reason(r).into(),
        Fate::DeadLettered => "accepted, dead-lettered".into(),
    }
}

/// What a span was spent on, for the legend and hover.
pub fn kind_word(k: Option<SpanKind>) -> &'static str {
    let Some(k) = k else {
        return "status poll";
    };
    match k {
        SpanKind::Waiting => "user waits",
        SpanKind::Think => "user thinks",
        SpanKind::NetworkOut => "network out",
        SpanKind::AcceptBacklog => "accept backlog",
        SpanKind::Cpu => "CPU",
        SpanKind::DbWait => "waiting for a DB connection",
        SpanKind::Write => "write",
        SpanKind::FailedWrite => "failed write",
        SpanKind::RetryPause => "retry pause",
        SpanKind::Enqueue => "enqueue",
        SpanKind::NetworkBack => "network back",
        SpanKind::Queued => "queued",
        SpanKind::Backoff => "backoff",
    }
}

/// A span's colour: one per kind, none shared (the theme table's
/// journey colours): network and the user's own time grey, waiting in a
/// line amber to brown, work blue and green, failures red.
pub(super) fn colour(k: Option<SpanKind>) -> Color32 {
    palette::JOURNEY[match k {
        None => 0,
        Some(SpanKind::Waiting) => 1,
        Some(SpanKind::Think) => 2,
        Some(SpanKind::NetworkOut) => 3,
        Some(SpanKind::NetworkBack) => 4,
        Some(SpanKind::AcceptBacklog) => 5,
        Some(SpanKind::Cpu) => 6,
        Some(SpanKind::DbWait) => 7,
        Some(SpanKind::Write) => 8,
        Some(SpanKind::FailedWrite) => 9,
        Some(SpanKind::RetryPause) => 10,
        Some(SpanKind::Enqueue) => 11,
        Some(SpanKind::Queued) => 12,
        Some(SpanKind::Backoff) => 13,
    }]
}

/// The line above a waterfall: the twin's name when comparing, the
/// action, the modes its clicks met ("SYNC → ASYNC" when a switch came
/// between them; none when no click reached the point the server decides),
/// what became of it, the wait and the time to processed.
pub fn head(t: &Trace, w: &Waterfall, twin: Option<&str>) -> String {
    let modes: Vec<&str> = w.modes.iter().map(|m| crate::words::mode(*m)).collect();
    let mode = if modes.is_empty() {
        String::new()
    } else {
        format!(" ({})", modes.join(" → "))
    };
    format!(
        "{}#{}{mode}: {} · user wait {} · time to processed {}",
        twin.map_or(String::new(), |n| format!("{n}: ")),
        t.seq,
        fate_word(t),
        crate::fmt::secs(t.user_wait().map_or(f64::NAN, SimTime::as_secs_f64)),
        crate::fmt::secs(t.time_to_processed().map_or(f64::NAN, SimTime::as_secs_f64)),
    )
}
