//! One request's journey: sampled user actions with the spans of every
//! request, job and poll they caused, on one time axis.
//!
//! A [`Trace`] is what a tracing tool shows for one action. Its spans sit
//! on [`Lane`]s: the request of each click (network out, accept backlog,
//! CPU, waiting for a DB connection, the write, inline retries, enqueue,
//! network back) and, in async, the job that click enqueued (queued, DB
//! wait, write, backoff, again…). The user's own lane (waiting for each
//! click's outcome, thinking before clicking again) follows from the
//! clicks. Polls are kept beside them.
//!
//! Spans are recorded at the events that end them, so each lane is a
//! chain with no gaps: [`Trace::wait_path`] and [`Trace::processed_path`]
//! tile the user-perceived wait and the time to processed the metrics
//! recorded for the same action, to the nanosecond.
//!
//! Which actions are traced and how many are kept is [`TraceConfig`]'s
//! business; the recording itself is [`Tracer`]'s.

mod tracer;

pub(crate) use tracer::At;
pub use tracer::{Fate, TraceConfig, TraceKey, Tracer};

use super::metrics::Reason;
use super::time::SimTime;

/// Where a span happens.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Lane {
    /// The user: waiting for click `n`'s outcome, or thinking after it.
    User(u16),
    /// The request sent by click `n` (1 = the first click).
    Request(u16),
    /// The job click `n`'s request enqueued (async).
    Job(u16),
}

impl Lane {
    /// The click this lane belongs to.
    pub fn click(self) -> u16 {
        match self {
            Lane::User(n) | Lane::Request(n) | Lane::Job(n) => n,
        }
    }
}

/// What a span was spent on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SpanKind {
    /// The user waits for an outcome (user lane).
    Waiting,
    /// The user thinks after an error, before clicking again (user lane).
    Think,
    /// Browser → server.
    NetworkOut,
    /// Waiting in the server's accept backlog for a worker.
    AcceptBacklog,
    /// Server CPU.
    Cpu,
    /// Waiting for a database connection.
    DbWait,
    /// A database write that committed.
    Write,
    /// A database write that failed.
    FailedWrite,
    /// Sync: the pause before an inline retry (the server worker held).
    RetryPause,
    /// Async: handing the job to the broker.
    Enqueue,
    /// Server → browser.
    NetworkBack,
    /// Async: the job waits in the broker for a worker.
    Queued,
    /// Async: a failed job waits out its backoff (no worker held).
    Backoff,
}

/// A stretch of sim time on a lane.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Span {
    /// Where.
    pub lane: Lane,
    /// What for.
    pub kind: SpanKind,
    /// Start, sim time.
    pub start: SimTime,
    /// End, sim time.
    pub end: SimTime,
}

impl Span {
    /// How long, ns exact.
    pub fn duration(&self) -> SimTime {
        self.end - self.start
    }
}

/// What the user saw for one click.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// A sync response: saved.
    Ok,
    /// An async acknowledgement: accepted.
    Ack,
    /// An error; `Reason::Timeout` is the user giving up at the patience
    /// limit (the server's work for that click goes on, now wasted).
    Error(Reason),
}

/// One click of the action.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Click {
    /// When the user clicked.
    pub at: SimTime,
    /// When the user saw an outcome and what it was (`None`: still waiting).
    pub outcome: Option<(SimTime, Outcome)>,
    /// The wait the metrics recorded for this click, exactly.
    pub measured_wait: Option<SimTime>,
}

/// A write of this action that committed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Commit {
    /// The lane whose write committed: `Request(n)` (sync) or `Job(n)`.
    pub lane: Lane,
    /// When.
    pub at: SimTime,
    /// The time to processed the metrics recorded, exactly.
    pub measured: SimTime,
}

/// A status poll the browser sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Poll {
    /// Sent.
    pub sent: SimTime,
    /// Its answer arrived.
    pub answered: SimTime,
    /// The answer said the job is finished.
    pub done: bool,
}

/// One traced user action.
#[derive(Clone, Debug, PartialEq)]
pub struct Trace {
    /// The action's number in the run (0 = the first arrival): the same
    /// user in every twin, since twins share their arrivals.
    pub seq: u64,
    /// Client index.
    pub client: u16,
    /// Endpoint index.
    pub endpoint: u8,
    /// Every click, first first.
    pub clicks: Vec<Click>,
    /// Request and job spans, in the order they ended.
    pub spans: Vec<Span>,
    /// Writes that committed (more than one when a click the user gave up
    /// on committed as well as a later click).
    pub commits: Vec<Commit>,
    /// Jobs enqueued: (their lane, when the broker took them).
    pub jobs: Vec<(Lane, SimTime)>,
    /// Jobs dead-lettered: (lane, when).
    pub dead_letters: Vec<(Lane, SimTime)>,
    /// Status polls (the first [`TraceConfig::max_polls`]).
    pub polls: Vec<Poll>,
    /// Status polls sent in all.
    pub polls_sent: u64,
    /// Phases under way (for a trace still in flight): lane and since when.
    pub in_progress: Vec<(Lane, SimTime)>,
    /// The user has an outcome and will not click again.
    pub user_done: bool,
    /// Nothing of this action is left anywhere in the system.
    pub finished: bool,
    /// Spans beyond [`TraceConfig::max_spans`] were not kept.
    pub truncated: bool,
    /// For a copy made while the action was in flight
    /// ([`Tracer::answered_in_flight`]): the run's time then. The phases
    /// in `in_progress` were under way until at least this moment.
    pub as_of: Option<SimTime>,
}

impl Trace {
    /// The first click.
    pub fn first_click(&self) -> SimTime {
        self.clicks.first().map_or(SimTime::ZERO, |c| c.at)
    }

    /// What the user finally saw, once they are done.
    pub fn final_outcome(&self) -> Option<Outcome> {
        let last = self.clicks.last()?;
        if self.user_done {
            last.outcome.map(|o| o.1)
        } else {
            None
        }
    }

    /// The user-perceived wait of the last click, as measured.
    pub fn user_wait(&self) -> Option<SimTime> {
        self.clicks.last()?.measured_wait
    }

    /// Click → the first commit, as measured.
    pub fn time_to_processed(&self) -> Option<SimTime> {
        self.commits.first().map(|c| c.measured)
    }

    /// What became of the action: succeeded, failed (as the user saw it),
    /// acknowledged but dead-lettered, or still under way.
    pub fn fate(&self) -> Fate {
        match self.final_outcome() {
            None => Fate::InFlight,
            Some(Outcome::Error(r)) => Fate::Failed(r),
            Some(_) if !self.dead_letters.is_empty() && self.commits.is_empty() => {
                Fate::DeadLettered
            }
            Some(_) => Fate::Succeeded,
        }
    }

    /// The spans of one lane, in time order.
    pub fn lane(&self, lane: Lane) -> impl Iterator<Item = &Span> {
        self.spans.iter().filter(move |s| s.lane == lane)
    }

    /// The user's lane: waiting for each click's outcome (up to now for
    /// a click still waiting, `now` given) and thinking between clicks.
    pub fn user_spans(&self, now: SimTime) -> Vec<Span> {
        let mut out = Vec::with_capacity(self.clicks.len() * 2);
        for (i, c) in self.clicks.iter().enumerate() {
            let n = i as u16 + 1;
            let end = c.outcome.map_or(now, |o| o.0);
            out.push(span(Lane::User(n), SpanKind::Waiting, c.at, end));
            if let Some(next) = self.clicks.get(i + 1) {
                out.push(span(Lane::User(n), SpanKind::Think, end, next.at));
            }
        }
        out
    }

    /// The spans that tile click `n`'s wait: its request's spans from the
    /// click to the moment the user saw an outcome (when the user gave up,
    /// the span under way then is cut at the patience limit). `None` while
    /// the user still waits for that click.
    pub fn wait_path(&self, n: u16) -> Option<Vec<Span>> {
        let c = self.clicks.get(usize::from(n).checked_sub(1)?)?;
        let (seen, _) = c.outcome?;
        Some(clip(self.lane(Lane::Request(n)), c.at, seen))
    }

    /// The spans that tile the time to processed: the user's lane up to
    /// the click whose write committed first, then that click's request
    /// and, in async, its job, up to the commit.
    pub fn processed_path(&self) -> Option<Vec<Span>> {
        let commit = self.commits.first()?;
        let n = commit.lane.click();
        let clicked = self.clicks.get(usize::from(n).checked_sub(1)?)?.at;
        let mut out: Vec<Span> = self
            .user_spans(clicked)
            .into_iter()
            .filter(|s| s.lane.click() < n)
            .collect();
        let request_end = match commit.lane {
            Lane::Job(_) => self
                .jobs
                .iter()
                .find(|j| j.0 == commit.lane)
                .map_or(commit.at, |j| j.1),
            _ => commit.at,
        };
        out.extend(clip(self.lane(Lane::Request(n)), clicked, request_end));
        if let Lane::Job(_) = commit.lane {
            out.extend(clip(self.lane(Lane::Job(n)), request_end, commit.at));
        }
        Some(out)
    }

    /// The latest time anything of this trace reached (for the axis).
    pub fn end(&self) -> SimTime {
        let spans = self.spans.iter().map(|s| s.end);
        let clicks = self.clicks.iter().filter_map(|c| c.outcome.map(|o| o.0));
        let polls = self.polls.iter().map(|p| p.answered);
        let open = self.in_progress.iter().map(|p| p.1);
        spans
            .chain(clicks)
            .chain(polls)
            .chain(open)
            .max()
            .unwrap_or_else(|| self.first_click())
    }
}

fn span(lane: Lane, kind: SpanKind, start: SimTime, end: SimTime) -> Span {
    Span {
        lane,
        kind,
        start,
        end,
    }
}

/// The parts of `spans` inside `[from, to]`, cut at both ends.
fn clip<'a>(spans: impl Iterator<Item = &'a Span>, from: SimTime, to: SimTime) -> Vec<Span> {
    spans
        .filter(|s| s.end > from && s.start < to)
        .map(|s| Span {
            start: s.start.max(from),
            end: s.end.min(to),
            ..*s
        })
        .collect()
}

/// Whether `spans` follow each other with no gap and no overlap from
/// `from` to `to`. `Err` says where they do not.
pub fn check_tiling(spans: &[Span], from: SimTime, to: SimTime) -> Result<(), String> {
    let mut at = from;
    for s in spans {
        if s.start != at {
            return Err(format!(
                "{:?} {:?} starts at {} ns, the previous span ended at {} ns",
                s.lane, s.kind, s.start.0, at.0
            ));
        }
        at = s.end;
    }
    if at != to {
        return Err(format!("spans end at {} ns, not {} ns", at.0, to.0));
    }
    Ok(())
}
