//! Recording traces while a run goes on, with bounded memory: one action
//! in [`TraceConfig::every`] is traced; finished traces are kept in rings:
//! the most recent ones whatever became of them (so the kept traces are a
//! fair sample of the recent past: a wait plot's dots show the users who
//! gave up beside those answered), and, once pushed out of that ring, the
//! most recent failures of each kind (so a rare failure is not pushed out
//! by a flood of successes).
//!
//! The system calls in only for work marked as traced (a flag on the
//! request, job or polling record), so a run that traces nothing pays one
//! branch per hook.

use super::{Click, Commit, Lane, Outcome, Poll, Span, SpanKind, Trace};
use crate::metrics::Reason;
use crate::slab::Key;
use crate::time::SimTime;
use std::collections::{BTreeMap, HashMap, VecDeque};

/// What to trace and how much to keep.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TraceConfig {
    /// Trace one action in this many, by arrival number (0: none).
    pub every: u64,
    /// Finished traces kept, whatever their fate; the oldest leaves first.
    pub keep_recent: usize,
    /// Failed traces kept per kind of failure (each error reason, and
    /// acknowledged-but-dead-lettered) after they leave the recent ones.
    pub keep_failures: usize,
    /// Traces in flight at most; arrivals sampled beyond it are skipped.
    pub max_active: usize,
    /// Spans kept per trace (a job retried a thousand times stops here).
    pub max_spans: usize,
    /// Polls kept per trace (the rest are only counted).
    pub max_polls: usize,
}

impl Default for TraceConfig {
    fn default() -> Self {
        TraceConfig {
            every: 100,
            keep_recent: 300,
            keep_failures: 10,
            max_active: 2_000,
            max_spans: 400,
            max_polls: 50,
        }
    }
}

impl TraceConfig {
    /// Traces nothing.
    pub const OFF: TraceConfig = TraceConfig {
        every: 0,
        keep_recent: 0,
        keep_failures: 0,
        max_active: 0,
        max_spans: 0,
        max_polls: 0,
    };
}

/// How the work an action caused finds its trace: its client and its
/// first click (requests, jobs and polling records all carry both).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TraceKey {
    /// Client index.
    pub client: u16,
    /// The action's first click.
    pub first_click: SimTime,
}

/// What became of a traced action.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fate {
    /// The user still waits, or work of it is still under way.
    InFlight,
    /// Saved or accepted, and (async) committed or still processing.
    Succeeded,
    /// The user finally saw this error.
    Failed(Reason),
    /// Accepted, then dead-lettered: a success to the user, a loss to the
    /// system.
    DeadLettered,
}

impl Fate {
    /// A failure as the failure lists count it: an error the user saw, or
    /// an acknowledged job dead-lettered.
    pub fn is_failure(self) -> bool {
        matches!(self, Fate::Failed(_) | Fate::DeadLettered)
    }
}

/// Where a hook's span goes.
#[derive(Clone, Copy, Debug)]
pub(crate) enum At {
    /// A click's request (or the user's lane).
    Lane(Lane),
    /// The job the broker last took at `enqueued` (a job's time in the
    /// broker identifies it among its action's jobs).
    Job { enqueued: SimTime },
}

#[derive(Clone, Debug)]
struct OpenLane {
    lane: Lane,
    /// Start of the phase under way.
    since: SimTime,
    /// For a job: when the broker last took it.
    enqueued: SimTime,
}

#[derive(Clone, Debug)]
struct Active {
    trace: Trace,
    action: Key,
    open: Vec<OpenLane>,
    polling: bool,
    /// Polls sent and not yet answered, oldest first.
    sent: VecDeque<SimTime>,
}

/// The traces of one run.
#[derive(Clone, Debug)]
pub struct Tracer {
    cfg: TraceConfig,
    active: BTreeMap<TraceKey, Active>,
    by_action: HashMap<Key, TraceKey>,
    recent: VecDeque<Trace>,
    /// One ring per reason (in `Reason::ALL` order), then dead letters.
    failed: Vec<VecDeque<Trace>>,
    sampled: u64,
    skipped: u64,
    /// Traces finished so far (kept or not): a reader that copies the
    /// kept ones can tell whether they changed.
    finished_total: u64,
    /// Traced users who saw their final outcome so far.
    users_done_total: u64,
}

impl Default for Tracer {
    fn default() -> Self {
        Tracer::new(TraceConfig::default())
    }
}

impl Tracer {
    /// A tracer with `cfg`.
    pub fn new(cfg: TraceConfig) -> Tracer {
        Tracer {
            cfg,
            active: BTreeMap::new(),
            by_action: HashMap::new(),
            recent: VecDeque::new(),
            failed: vec![VecDeque::new(); Reason::ALL.len() + 1],
            sampled: 0,
            skipped: 0,
            finished_total: 0,
            users_done_total: 0,
        }
    }

    /// The sampling and retention in force.
    pub fn config(&self) -> TraceConfig {
        self.cfg
    }

    /// Changes what is traced from now on; retained traces beyond the new
    /// limits are dropped, oldest first.
    pub fn set_config(&mut self, cfg: TraceConfig) {
        self.cfg = cfg;
        trim(&mut self.recent, cfg.keep_recent);
        for ring in &mut self.failed {
            trim(ring, cfg.keep_failures);
        }
    }

    /// Actions traced so far.
    pub fn sampled(&self) -> u64 {
        self.sampled
    }

    /// Actions due to be traced but skipped (too many in flight).
    pub fn skipped(&self) -> u64 {
        self.skipped
    }

    /// Traces finished so far, kept or not: it moves whenever the kept
    /// ones ([`Tracer::finished`]) may have changed.
    pub fn finished_total(&self) -> u64 {
        self.finished_total
    }

    /// Finished traces kept, oldest action first.
    pub fn finished(&self) -> Vec<&Trace> {
        let mut v: Vec<&Trace> = self
            .recent
            .iter()
            .chain(self.failed.iter().flatten())
            .collect();
        v.sort_by_key(|t| t.seq);
        v
    }

    /// Moves whenever a traced action finished or its user saw the final
    /// outcome: a reader that copies [`Tracer::finished`] and
    /// [`Tracer::answered_in_flight`] can tell whether either changed.
    pub fn revision(&self) -> u64 {
        self.finished_total + self.users_done_total
    }

    /// Traces whose user has the final outcome while the work they caused
    /// goes on (a sync save the user gave up on, an acknowledged job still
    /// queued), oldest action first, with the phases under way filled in.
    /// At most `limit`: the newest failures and the newest of the others,
    /// half each when both have more (after a switch to async, a long
    /// backlog's acknowledgements would otherwise crowd out every user who
    /// gave up while the sync work still drains); a kind with fewer leaves
    /// its room to the other.
    /// `now` is the run's time, recorded in each copy ([`Trace::as_of`]).
    pub fn answered_in_flight(&self, limit: usize, now: SimTime) -> Vec<Trace> {
        let newest_first = |failed: bool| {
            let mut v: Vec<&Active> = self
                .active
                .values()
                .filter(|a| a.trace.user_done && a.trace.fate().is_failure() == failed)
                .collect();
            v.sort_by_key(|a| std::cmp::Reverse(a.trace.seq));
            v
        };
        let (failed, answered) = (newest_first(true), newest_first(false));
        let take_failed = failed
            .len()
            .min((limit / 2).max(limit.saturating_sub(answered.len())));
        let take_answered = answered.len().min(limit - take_failed);
        let mut v: Vec<Trace> = failed[..take_failed]
            .iter()
            .chain(&answered[..take_answered])
            .map(|a| Trace {
                as_of: Some(now),
                ..snapshot(a)
            })
            .collect();
        v.sort_by_key(|t| t.seq);
        v
    }

    /// Traces still in flight, oldest action first, with the phases under
    /// way filled in.
    pub fn in_flight(&self) -> Vec<Trace> {
        let mut v: Vec<Trace> = self.active.values().map(snapshot).collect();
        v.sort_by_key(|t| t.seq);
        v
    }

    /// The trace of action number `seq`, finished or not.
    pub fn get(&self, seq: u64) -> Option<Trace> {
        self.finished()
            .into_iter()
            .find(|t| t.seq == seq)
            .cloned()
            .or_else(|| {
                self.active
                    .values()
                    .find(|a| a.trace.seq == seq)
                    .map(snapshot)
            })
    }

    // ----- recording (called by the system for traced work only) ---------

    /// Whether arrival number `seq` is traced; if so its trace opens.
    pub(crate) fn sample(&mut self, seq: u64, key: TraceKey, endpoint: u8, action: Key) -> bool {
        if self.cfg.every == 0 || !seq.is_multiple_of(self.cfg.every) {
            return false;
        }
        // A key must name one action: a second arrival of the same client
        // in the same nanosecond is simply not traced.
        if self.active.len() >= self.cfg.max_active || self.active.contains_key(&key) {
            self.skipped += 1;
            return false;
        }
        self.sampled += 1;
        let trace = Trace {
            seq,
            client: key.client,
            endpoint,
            clicks: Vec::new(),
            spans: Vec::new(),
            commits: Vec::new(),
            jobs: Vec::new(),
            dead_letters: Vec::new(),
            polls: Vec::new(),
            polls_sent: 0,
            in_progress: Vec::new(),
            user_done: false,
            finished: false,
            truncated: false,
            as_of: None,
        };
        self.active.insert(
            key,
            Active {
                trace,
                action,
                open: Vec::new(),
                polling: false,
                sent: VecDeque::new(),
            },
        );
        self.by_action.insert(action, key);
        true
    }

    /// The trace key of a traced action still in flight.
    pub(crate) fn key_of(&self, action: Key) -> Option<TraceKey> {
        self.by_action.get(&action).copied()
    }

    /// Click `n` of the action: its request sets off.
    pub(crate) fn click(&mut self, key: TraceKey, n: u16, now: SimTime) {
        if let Some(a) = self.active.get_mut(&key) {
            a.trace.clicks.push(Click {
                at: now,
                outcome: None,
                measured_wait: None,
            });
            a.open.push(OpenLane {
                lane: Lane::Request(n),
                since: now,
                enqueued: SimTime::ZERO,
            });
        }
    }

    /// The phase under way at `at` ends now: it was `kind`.
    pub(crate) fn phase(&mut self, key: TraceKey, at: At, now: SimTime, kind: SpanKind) {
        let max = self.cfg.max_spans;
        if let Some(a) = self.active.get_mut(&key)
            && let Some(i) = find(&a.open, at)
        {
            let l = &mut a.open[i];
            push(&mut a.trace, max, l.lane, kind, l.since, now);
            l.since = now;
        }
    }

    /// The last phase at `at` ends now (`kind`), and with it the lane.
    pub(crate) fn end(&mut self, key: TraceKey, at: At, now: SimTime, kind: SpanKind) {
        self.phase(key, at, now, kind);
        if let Some(a) = self.active.get_mut(&key)
            && let Some(i) = find(&a.open, at)
        {
            a.open.remove(i);
        }
        self.maybe_finish(key);
    }

    /// The user saw `outcome` for click `n` now, after waiting `measured`
    /// (the wait the metrics recorded).
    pub(crate) fn outcome(
        &mut self,
        key: TraceKey,
        n: u16,
        now: SimTime,
        outcome: Outcome,
        measured: SimTime,
    ) {
        if let Some(a) = self.active.get_mut(&key)
            && let Some(c) = a.trace.clicks.get_mut(usize::from(n).saturating_sub(1))
        {
            c.outcome = Some((now, outcome));
            c.measured_wait = Some(measured);
        }
    }

    /// The user will not click again (succeeded, or gave up for good).
    pub(crate) fn user_done(&mut self, key: TraceKey) {
        if let Some(a) = self.active.get_mut(&key)
            && !a.trace.user_done
        {
            a.trace.user_done = true;
            self.users_done_total += 1;
        }
        self.maybe_finish(key);
    }

    /// Click `n`'s job entered the broker now.
    pub(crate) fn job_enqueued(&mut self, key: TraceKey, n: u16, now: SimTime) {
        if let Some(a) = self.active.get_mut(&key) {
            a.trace.jobs.push((Lane::Job(n), now));
            a.open.push(OpenLane {
                lane: Lane::Job(n),
                since: now,
                enqueued: now,
            });
        }
    }

    /// A job back from its backoff re-entered the broker now.
    pub(crate) fn job_requeued(&mut self, key: TraceKey, enqueued: SimTime, now: SimTime) {
        let at = At::Job { enqueued };
        self.phase(key, at, now, SpanKind::Backoff);
        if let Some(a) = self.active.get_mut(&key)
            && let Some(i) = find(&a.open, at)
        {
            a.open[i].enqueued = now;
        }
    }

    /// A write at `at` committed now (the write span is already closed);
    /// `measured` is the time to processed the metrics recorded. A job's
    /// lane ends with it; a sync request still has its answer to send.
    pub(crate) fn committed(&mut self, key: TraceKey, at: At, now: SimTime, measured: SimTime) {
        let Some(a) = self.active.get_mut(&key) else {
            return;
        };
        let Some(i) = find(&a.open, at) else {
            return;
        };
        let lane = a.open[i].lane;
        a.trace.commits.push(Commit {
            lane,
            at: now,
            measured,
        });
        if let At::Job { .. } = at {
            a.open.remove(i);
            self.maybe_finish(key);
        }
    }

    /// A job was dead-lettered now.
    pub(crate) fn dead_lettered(&mut self, key: TraceKey, enqueued: SimTime, now: SimTime) {
        let at = At::Job { enqueued };
        if let Some(a) = self.active.get_mut(&key)
            && let Some(i) = find(&a.open, at)
        {
            let lane = a.open[i].lane;
            a.trace.dead_letters.push((lane, now));
            a.open.remove(i);
        }
        self.maybe_finish(key);
    }

    /// The browser starts (`true`) or stops polling.
    pub(crate) fn polling(&mut self, key: TraceKey, on: bool) {
        if let Some(a) = self.active.get_mut(&key) {
            a.polling = on;
            if !on {
                a.sent.clear();
            }
        }
        if !on {
            self.maybe_finish(key);
        }
    }

    /// The browser sent a poll now.
    pub(crate) fn poll_sent(&mut self, key: TraceKey, now: SimTime) {
        if let Some(a) = self.active.get_mut(&key) {
            a.trace.polls_sent += 1;
            a.sent.push_back(now);
        }
    }

    /// A poll's answer arrived now. Polls that overlap (a round trip longer
    /// than the interval) are paired with answers in the order sent.
    pub(crate) fn poll_answered(&mut self, key: TraceKey, now: SimTime, done: bool) {
        let max = self.cfg.max_polls;
        if let Some(a) = self.active.get_mut(&key)
            && let Some(sent) = a.sent.pop_front()
            && a.trace.polls.len() < max
        {
            a.trace.polls.push(Poll {
                sent,
                answered: now,
                done,
            });
        }
    }

    /// Moves a trace with nothing left under way into the rings.
    fn maybe_finish(&mut self, key: TraceKey) {
        let done = self
            .active
            .get(&key)
            .is_some_and(|a| a.trace.user_done && a.open.is_empty() && !a.polling);
        if !done {
            return;
        }
        let Some(a) = self.active.remove(&key) else {
            return;
        };
        self.by_action.remove(&a.action);
        let mut t = a.trace;
        t.finished = true;
        self.finished_total += 1;
        if self.cfg.keep_recent > 0 {
            self.recent.push_back(t);
            while self.recent.len() > self.cfg.keep_recent {
                if let Some(old) = self.recent.pop_front() {
                    self.keep_failure(old);
                }
            }
        } else {
            self.keep_failure(t);
        }
    }

    /// A finished trace leaving the recent ring (or not let in): a
    /// failure goes to its kind's ring, anything else is dropped.
    fn keep_failure(&mut self, t: Trace) {
        let ring = match t.fate() {
            Fate::Failed(r) => Reason::ALL
                .iter()
                .position(|x| *x == r)
                .and_then(|i| self.failed.get_mut(i)),
            Fate::DeadLettered => self.failed.last_mut(),
            _ => None,
        };
        if let Some(ring) = ring
            && self.cfg.keep_failures > 0
        {
            ring.push_back(t);
            trim(ring, self.cfg.keep_failures);
        }
    }
}

fn find(open: &[OpenLane], at: At) -> Option<usize> {
    open.iter().position(|l| match at {
        At::Lane(lane) => l.lane == lane,
        At::Job { enqueued } => matches!(l.lane, Lane::Job(_)) && l.enqueued == enqueued,
    })
}

/// Adds a span (empty ones add nothing to a waterfall and are skipped).
fn push(t: &mut Trace, max: usize, lane: Lane, kind: SpanKind, start: SimTime, end: SimTime) {
    if end <= start {
        return;
    }
    if t.spans.len() >= max {
        t.truncated = true;
        return;
    }
    t.spans.push(Span {
        lane,
        kind,
        start,
        end,
    });
}

fn trim(ring: &mut VecDeque<Trace>, keep: usize) {
    while ring.len() > keep {
        ring.pop_front();
    }
}

fn snapshot(a: &Active) -> Trace {
    let mut t = a.trace.clone();
    t.in_progress = a.open.iter().map(|l| (l.lane, l.since)).collect();
    t
}
