//! One request's journey: every finished trace's spans tile the wait the
//! metrics recorded for each of its clicks, and its time to processed,
//! exactly to the nanosecond; the tracer's memory stays bounded.

use super::{hold_mode, scene};
use asynclab::scenario::{Mode, Scenario};
use asynclab::sim::metrics::Reason;
use asynclab::sim::trace::{Fate, Lane, Outcome, SpanKind, Trace, TraceConfig, check_tiling};
use asynclab::sim::{SimTime, System};
use std::collections::HashSet;

/// What the checked traces went through, so the test knows it covered
/// every kind of span and outcome it claims to.
#[derive(Default)]
struct Seen {
    kinds: HashSet<&'static str>,
    traces: usize,
}

fn kind_name(k: SpanKind) -> &'static str {
    match k {
        SpanKind::Waiting => "waiting",
        SpanKind::Think => "think",
        SpanKind::NetworkOut => "network out",
        SpanKind::AcceptBacklog => "accept backlog",
        SpanKind::Cpu => "cpu",
        SpanKind::DbWait => "db wait",
        SpanKind::Write => "write",
        SpanKind::FailedWrite => "failed write",
        SpanKind::RetryPause => "retry pause",
        SpanKind::Enqueue => "enqueue",
        SpanKind::NetworkBack => "network back",
        SpanKind::Queued => "queued",
        SpanKind::Backoff => "backoff",
    }
}

/// Checks one finished trace: each click's wait, the time to processed,
/// and that each request's lane is one gapless chain from its click.
fn check(t: &Trace, seen: &mut Seen) {
    assert!(t.finished && !t.truncated, "trace {}", t.seq);
    for (i, c) in t.clicks.iter().enumerate() {
        let n = i as u16 + 1;
        let (at, outcome) = c.outcome.expect("a finished trace's clicks have outcomes");
        let measured = c.measured_wait.expect("measured");
        assert_eq!(at - c.at, measured, "trace {} click {n}", t.seq);
        let path = t.wait_path(n).expect("a path");
        if let Err(e) = check_tiling(&path, c.at, at) {
            panic!("trace {} click {n} wait: {e}\n{t:#?}", t.seq);
        }
        let sum: u64 = path.iter().map(|s| s.duration().0).sum();
        assert_eq!(SimTime(sum), measured);
        // The request's own lane is one chain from the click, whether the
        // user waited for its end or not.
        let lane: Vec<_> = t.lane(Lane::Request(n)).copied().collect();
        let end = lane.last().map_or(c.at, |s| s.end);
        check_tiling(&lane, c.at, end).unwrap_or_else(|e| panic!("trace {}: {e}", t.seq));
        assert_eq!(lane.first().map(|s| s.kind), Some(SpanKind::NetworkOut));
        assert_eq!(lane.last().map(|s| s.kind), Some(SpanKind::NetworkBack));
        if outcome == Outcome::Error(Reason::Timeout) && end > at {
            seen.kinds.insert("work after giving up");
        }
        if let Outcome::Error(r) = outcome {
            seen.kinds.insert(match r {
                Reason::Timeout => "timeout",
                Reason::ServerBusy => "server busy",
                Reason::QueueFull => "queue full",
                Reason::DbError => "db error",
                Reason::SimLimit => "sim limit",
                Reason::CallFailed | Reason::CallTimeout | Reason::Throttled => "call error",
            });
        }
    }
    if t.clicks.len() > 1 {
        seen.kinds.insert("click again");
    }
    if let Some(processed) = t.time_to_processed() {
        let path = t.processed_path().expect("a path");
        let first = t.first_click();
        if let Err(e) = check_tiling(&path, first, first + processed) {
            panic!("trace {} processed: {e}\n{t:#?}", t.seq);
        }
        let c = t.commits[0];
        assert_eq!(c.at - first, processed);
        // A later click's commit: the user's earlier waits and think
        // times are part of its time to processed.
        for s in &path {
            seen.kinds.insert(kind_name(s.kind));
        }
        if let Lane::Job(_) = c.lane {
            seen.kinds.insert("job committed");
        }
    }
    if t.fate() == Fate::DeadLettered {
        seen.kinds.insert("dead letter");
    }
    if !t.polls.is_empty() {
        assert!(t.polls.iter().all(|p| p.answered > p.sent));
        assert!(
            t.polls.last().is_some_and(|p| p.done),
            "the last poll says done"
        );
        seen.kinds.insert("polls");
    }
    for s in &t.spans {
        seen.kinds.insert(kind_name(s.kind));
    }
    seen.traces += 1;
}

fn run_traced(s: Scenario, every: u64, duration_s: f64, seen: &mut Seen) -> System {
    let mut sys = System::new(s);
    sys.set_tracing(TraceConfig {
        every,
        keep_recent: 1_000_000,
        keep_failures: 1_000_000,
        max_active: 1_000_000,
        ..TraceConfig::default()
    });
    sys.run_until(SimTime::from_secs_f64(duration_s));
    for t in sys.tracer().finished() {
        check(t, seen);
    }
    sys
}

#[test]
fn spans_tile_each_wait_and_the_time_to_processed_to_the_nanosecond() {
    let mut seen = Seen::default();
    // Slow database: sync overload (backlog, DB waits, timeouts with the
    // server's work going on, clicks again), then the switch to async.
    run_traced(scene("02-slow-database.ron"), 7, 600.0, &mut seen);
    // Flaky database, sync: inline retries and DB errors.
    let mut flaky = scene("06-flaky-database.ron");
    hold_mode(&mut flaky, Mode::Sync);
    run_traced(flaky, 5, 240.0, &mut seen);
    // Flaky database, async: backoff, retries; with no backoff headroom
    // (2 attempts), dead letters.
    let mut flaky = scene("06-flaky-database.ron");
    flaky.settings.queue.max_attempts = 2;
    run_traced(flaky, 3, 240.0, &mut seen);
    // Polling.
    run_traced(scene("09-polling.ron"), 11, 120.0, &mut seen);
    // A tiny backlog and a full broker: server busy, queue full.
    let mut full = scene("02-slow-database.ron");
    full.settings.server.backlog_per_instance = 5;
    full.settings.queue.capacity = 50;
    run_traced(full, 3, 400.0, &mut seen);

    let want = [
        "waiting",
        "think",
        "network out",
        "accept backlog",
        "cpu",
        "db wait",
        "write",
        "failed write",
        "retry pause",
        "enqueue",
        "network back",
        "queued",
        "backoff",
        "timeout",
        "server busy",
        "queue full",
        "db error",
        "click again",
        "work after giving up",
        "job committed",
        "dead letter",
        "polls",
    ];
    let missing: Vec<_> = want.iter().filter(|k| !seen.kinds.contains(*k)).collect();
    assert!(missing.is_empty(), "not covered: {missing:?}");
    assert!(seen.traces > 2_000, "{} traces checked", seen.traces);
}

#[test]
fn a_user_who_gave_up_ends_at_the_patience_limit_while_the_work_goes_on() {
    let mut s = scene("02-slow-database.ron");
    hold_mode(&mut s, Mode::Sync);
    let mut seen = Seen::default();
    let sys = run_traced(s.clone(), 3, 300.0, &mut seen);
    let patience = SimTime::from_secs_f64(s.settings.browser.patience_s);
    let gave_up: Vec<&Trace> = sys
        .tracer()
        .finished()
        .into_iter()
        .filter(|t| t.clicks[0].outcome.map(|o| o.1) == Some(Outcome::Error(Reason::Timeout)))
        .collect();
    assert!(gave_up.len() > 10, "{} gave up", gave_up.len());
    for t in gave_up {
        let c = t.clicks[0];
        assert_eq!(c.measured_wait, Some(patience));
        let user = t.user_spans(SimTime::MAX);
        assert_eq!(
            (user[0].kind, user[0].duration()),
            (SpanKind::Waiting, patience)
        );
        // The request's lane runs past the limit: the server's work goes on.
        let lane_end = t.lane(Lane::Request(1)).map(|s| s.end).max();
        assert!(lane_end.is_some_and(|e| e > c.at + patience));
    }
}

/// A user who gave up has the final outcome while the work goes on: the
/// tracer hands out such traces while they are still in flight (the
/// newest first, as of the run's time), so the wait plot's dots and the
/// journey show them before the wasted work ends.
#[test]
fn users_who_gave_up_while_the_work_goes_on_are_handed_out_in_flight() {
    let mut s = scene("02-slow-database.ron");
    hold_mode(&mut s, Mode::Sync);
    let mut sys = System::new(s.clone());
    sys.set_tracing(TraceConfig {
        every: 10,
        ..TraceConfig::default()
    });
    let before = sys.tracer().revision();
    let now = SimTime::from_secs_f64(200.0);
    sys.run_until(now);
    assert!(sys.tracer().revision() > before);
    let patience = SimTime::from_secs_f64(s.settings.browser.patience_s);
    let answered = sys.tracer().answered_in_flight(40, now);
    assert_eq!(answered.len(), 40, "the overload leaves many in flight");
    let in_flight: Vec<u64> = sys.tracer().in_flight().iter().map(|t| t.seq).collect();
    for t in &answered {
        assert!(t.user_done && !t.finished, "trace {}", t.seq);
        assert!(in_flight.contains(&t.seq));
        assert_eq!(t.as_of, Some(now));
        assert!(!t.in_progress.is_empty(), "its work is under way");
        assert!(t.in_progress.iter().all(|(_, since)| *since <= now));
    }
    let gave_up = answered
        .iter()
        .filter(|t| t.fate() == Fate::Failed(Reason::Timeout))
        .count();
    assert!(gave_up > 20, "{gave_up} of 40 gave up");
    for t in answered
        .iter()
        .filter(|t| t.fate() == Fate::Failed(Reason::Timeout))
    {
        assert_eq!(t.user_wait(), Some(patience));
    }
    // The newest of each kind: no trace left out is newer than the oldest
    // kept of its kind (failures, the others).
    let all = sys.tracer().answered_in_flight(usize::MAX, now);
    assert!(all.len() >= answered.len());
    newest_of_each_kind(&answered, &all);
}

/// Every trace of `all` missing from `kept` is older than the oldest kept
/// trace of its kind (failed or not).
fn newest_of_each_kind(kept: &[Trace], all: &[Trace]) {
    for failed in [true, false] {
        let of_kind = |t: &&Trace| t.fate().is_failure() == failed;
        let oldest = kept.iter().filter(of_kind).map(|t| t.seq).min();
        let left_out = all
            .iter()
            .filter(of_kind)
            .filter(|t| !kept.iter().any(|k| k.seq == t.seq));
        for t in left_out {
            assert!(
                oldest.is_some_and(|o| t.seq < o),
                "trace {} (failed: {failed}) left out, newer than the oldest kept {oldest:?}",
                t.seq
            );
        }
    }
}

/// After Slow database's switch to async, the backlog's acknowledgements are
/// the newest traces in flight; the users who gave up while the sync work
/// drains must still be handed out (half the room each), not crowded out.
#[test]
fn acknowledgements_do_not_crowd_out_users_who_gave_up() {
    let s = scene("02-slow-database.ron");
    let mut sys = System::new(s.clone());
    sys.set_tracing(TraceConfig {
        every: 2,
        ..TraceConfig::default()
    });
    let now = SimTime::from_secs_f64(243.0);
    sys.run_until(now);
    let all = sys.tracer().answered_in_flight(usize::MAX, now);
    let failed = all.iter().filter(|t| t.fate().is_failure()).count();
    let acked = all.len() - failed;
    assert!(
        failed >= 20 && acked >= 20,
        "{failed} failed, {acked} acknowledged"
    );
    // The newest 40 of all would be acknowledgements only: the crowding.
    let newest_40: Vec<&Trace> = all.iter().rev().take(40).collect();
    assert_eq!(
        newest_40.iter().filter(|t| t.fate().is_failure()).count(),
        0,
        "the scene must exercise the crowding"
    );
    let kept = sys.tracer().answered_in_flight(40, now);
    assert_eq!(kept.len(), 40);
    let kept_failed = kept.iter().filter(|t| t.fate().is_failure()).count();
    assert_eq!((kept_failed, kept.len() - kept_failed), (20, 20));
    newest_of_each_kind(&kept, &all);
    // A kind with fewer leaves its room to the other.
    let room = 2 * failed + 10;
    let few = sys.tracer().answered_in_flight(room, now);
    let few_failed = few.iter().filter(|t| t.fate().is_failure()).count();
    assert_eq!((few_failed, few.len()), (failed, room.min(failed + acked)));
}

#[test]
fn tracing_keeps_its_memory_bounded_and_samples_the_same_users_in_twins() {
    let cfg = TraceConfig {
        every: 10,
        keep_recent: 50,
        keep_failures: 3,
        max_active: 40,
        ..TraceConfig::default()
    };
    let run = |mode: Mode| {
        let mut s = scene("02-slow-database.ron");
        hold_mode(&mut s, mode);
        let mut sys = System::new(s);
        sys.set_tracing(cfg);
        sys.run_until(SimTime::from_secs(400));
        sys
    };
    let sync = run(Mode::Sync);
    let t = sync.tracer();
    assert!(t.finished().len() <= 50 + 3 * 6);
    assert!(t.in_flight().len() <= 40);
    assert!(t.skipped() > 0, "the cap on traces in flight bound");
    let timeouts = t
        .finished()
        .iter()
        .filter(|t| t.fate() == Fate::Failed(Reason::Timeout))
        .count();
    // The recent ring keeps the last 50 whatever became of them (in this
    // overload most users gave up), then the last 3 timeouts before them.
    let answered = t
        .finished()
        .iter()
        .filter(|t| !matches!(t.fate(), Fate::Failed(_) | Fate::DeadLettered))
        .count();
    assert!(answered <= 50);
    assert!(
        timeouts > 3 && timeouts <= 50 + 3,
        "{timeouts} timeouts: the recent ones and the last 3 before them"
    );
    let kept = t.finished().len();
    assert!(
        (50 + 3..=50 + 3 * 6).contains(&kept),
        "{kept}: 50 recent, then 3 older failures of each kind seen"
    );
    // Off: nothing is traced.
    let mut off = System::new(scene("02-slow-database.ron"));
    off.set_tracing(TraceConfig::OFF);
    off.run_until(SimTime::from_secs(100));
    assert_eq!(off.tracer().sampled(), 0);
    assert!(off.tracer().finished().is_empty());
    // Twins share their arrivals: the traced users are the same ones
    // (same arrival number, client and first click) in sync and async.
    let traced = |mode: Mode| {
        let mut s = scene("02-slow-database.ron");
        hold_mode(&mut s, mode);
        let mut sys = System::new(s);
        sys.set_tracing(TraceConfig {
            every: 10,
            ..TraceConfig::default()
        });
        sys.run_until(SimTime::from_secs(30));
        let t = sys.tracer();
        let mut v: Vec<(u64, u16, SimTime)> = t
            .finished()
            .into_iter()
            .cloned()
            .chain(t.in_flight())
            .map(|t| (t.seq, t.client, t.first_click()))
            .collect();
        v.sort();
        v
    };
    let a = traced(Mode::Sync);
    assert!(a.len() >= 100, "{} traced", a.len());
    assert!(a.iter().all(|(seq, _, _)| seq % 10 == 0));
    assert_eq!(a, traced(Mode::Async));
}
