//! The whole system model: determinism, exact replay of live changes, and
//! queueing theory through the full request path.

use asynclab::scenario::{Change, Client, Endpoint, Mode, Scenario, TimelineEvent, builtin};
use asynclab::sim::theory::mmc_mean_wait_s;
use asynclab::sim::{Dist, SimTime, System};

/// Every window, the summary and the ledgers, bit-exact (serde_json writes
/// each f64 in full, NaN as null), one line per window.
fn fingerprint(sys: &mut System) -> Vec<String> {
    let mut lines: Vec<String> = sys
        .windows()
        .iter()
        .map(|w| serde_json::to_string(w).expect("window"))
        .collect();
    lines.push(serde_json::to_string(&sys.summary()).expect("summary"));
    lines.push(format!("{:?}", sys.ledgers()));
    lines
}

/// Asserts equality, naming the first line that differs (not 300 kB of it).
fn assert_same(a: &[String], b: &[String]) {
    assert_eq!(a.len(), b.len(), "different number of windows");
    if let Some(i) = (0..a.len()).find(|&i| a[i] != b[i]) {
        panic!("line {i} differs:\n  {}\n  {}", a[i], b[i]);
    }
}

fn scene(file: &str) -> Scenario {
    builtin(file).expect("built in").expect("valid")
}

#[test]
fn same_seed_is_bit_identical_and_another_seed_differs() {
    let s = scene("06-flaky-database.ron");
    let run = |s: Scenario| {
        let mut sys = System::new(s);
        sys.run_until(SimTime::from_secs(200));
        fingerprint(&mut sys)
    };
    assert_same(&run(s.clone()), &run(s.clone()));
    let mut other = s.clone();
    other.settings.seed += 1;
    assert_ne!(run(s), run(other));
}

#[test]
fn running_in_chunks_equals_running_at_once() {
    // What the live host does at any frame rate or speed.
    let s = scene("02-slow-database.ron");
    let end = SimTime::from_secs(400);
    let mut once = System::new(s.clone());
    once.run_until(end);
    let mut chunked = System::new(s);
    let mut t = SimTime::ZERO;
    let mut step = 1_000_003u64; // ns; grows to cover odd tick sizes
    while t < end {
        t = (t + SimTime(step)).min(end);
        chunked.run_until(t);
        step = step * 3 / 2;
    }
    assert_same(&fingerprint(&mut once), &fingerprint(&mut chunked));
}

#[test]
fn live_changes_replay_exactly_as_a_timeline() {
    let base = scene("03-morning-email-blast.ron");
    let changes = [
        (
            60.5,
            Change::SetMode {
                endpoint: None,
                mode: Mode::Async,
            },
        ),
        (
            130.25,
            Change::Set {
                path: "queue.workers".into(),
                value: 2.0,
            },
        ),
        (
            200.0,
            Change::Set {
                path: "clients[0].rate_per_s".into(),
                value: 30.0,
            },
        ),
        (
            260.0,
            Change::SetMode {
                endpoint: None,
                mode: Mode::Sync,
            },
        ),
    ];
    // Live: run to each moment, then apply.
    let mut live = System::new(base.clone());
    for (at, c) in &changes {
        live.run_until(SimTime::from_secs_f64(*at));
        live.apply(c.clone()).expect("valid change");
    }
    live.run_until(SimTime::from_secs(400));
    // Recorded: the same changes as timeline events of the file.
    let mut recorded = base.clone();
    recorded
        .settings
        .timeline
        .extend(changes.iter().map(|(at, c)| TimelineEvent {
            mode: None,
            at_s: *at,
            change: c.clone(),
        }));
    let mut replay = System::new(recorded);
    replay.run_until(SimTime::from_secs(400));
    assert_same(&fingerprint(&mut live), &fingerprint(&mut replay));
    // Switching back to sync kept draining the queue: nothing was lost.
    replay.check_ledgers().expect("ledgers balance");
}

#[test]
fn invalid_live_change_is_refused_and_changes_nothing() {
    let mut sys = System::new(scene("01-hello-sync.ron"));
    sys.run_until(SimTime::from_secs(10));
    let before = sys.settings().clone();
    assert!(
        sys.apply(Change::Set {
            path: "database.connections".into(),
            value: -1.0
        })
        .is_err()
    );
    assert!(
        sys.apply(Change::Set {
            path: "no.such.knob".into(),
            value: 1.0
        })
        .is_err()
    );
    assert_eq!(sys.settings(), &before);
}

/// A scene whose database is an M/M/c queue: Poisson arrivals, exponential
/// writes, no CPU or network time in front of it, nobody gives up.
fn mmc_scene(lambda: f64, write_ms: f64, c: u32, seed: u64, duration_s: f64) -> Scenario {
    let mut s = Scenario {
        duration_s,
        ..Scenario::default()
    };
    s.settings.seed = seed;
    s.settings.clients = vec![Client {
        rate_per_s: lambda,
        ..Client::default()
    }];
    s.settings.endpoints = vec![Endpoint {
        mode: Mode::Sync,
        cpu: Dist::Constant { mean_ms: 0.0 },
        db_write: Dist::Exponential { mean_ms: write_ms },
        ..Endpoint::default()
    }];
    s.settings.network.latency = Dist::Constant { mean_ms: 0.0 };
    s.settings.browser.patience_s = 86_400.0;
    s.settings.server.instances = 1;
    s.settings.server.workers_per_instance = 10_000;
    s.settings.database.connections = c;
    s
}

#[test]
fn database_behaves_as_mmc_through_the_whole_request_path() {
    // λ = 90/s, 100 ms writes (μ = 10/s), 10 connections: ρ = 0.9.
    // Time to processed = DB wait + write: Erlang C Wq + 1/μ.
    let theory = mmc_mean_wait_s(90.0, 10.0, 10) + 0.1;
    let runs = 10;
    let mut total = 0.0;
    for k in 0..runs {
        let s = mmc_scene(90.0, 100.0, 10, 100 + k, 2_000.0);
        let mut sys = System::new(s);
        sys.run_until(SimTime::from_secs(2_000));
        sys.check_ledgers().expect("balanced");
        total += sys.summary().processed.expect("commits").mean;
    }
    let mean = total / runs as f64;
    let rel = (mean - theory) / theory;
    // 10 runs × 180,000 actions; ±2% is about three standard errors here.
    assert!(
        rel.abs() < 0.02,
        "mean time to processed {mean:.4} s vs theory {theory:.4} s ({rel:+.4})"
    );
}

#[test]
fn utilisation_matches_offered_load_and_littles_law_holds_for_the_db() {
    let s = mmc_scene(60.0, 100.0, 10, 7, 2_000.0);
    let mut sys = System::new(s);
    sys.run_until(SimTime::from_secs(2_000));
    let sum = sys.summary();
    // ρ = λ / (c μ) = 60 / 100.
    assert!(
        (sum.utilisation.database - 0.6).abs() < 0.6 * 0.02,
        "DB utilisation {}",
        sum.utilisation.database
    );
    // Little: mean busy connections = throughput × mean write time.
    let committed = sys.ledgers().work.committed as f64;
    let busy = sum.utilisation.database * 10.0;
    let little = committed / 2_000.0 * 0.1;
    assert!(
        (busy - little).abs() / little < 0.02,
        "busy {busy} vs λW {little}"
    );
}

#[test]
fn give_ups_that_commit_and_clicks_again_are_each_counted_once() {
    // 50 actions/s against a database that writes 20/s: users give up after
    // 2 s, always click again (twice at most), while the server keeps
    // working on what they abandoned.
    let mut s = mmc_scene(50.0, 50.0, 1, 3, 60.0);
    s.settings.browser.patience_s = 2.0;
    s.settings.browser.retry_probability = 1.0;
    s.settings.browser.max_user_retries = 2;
    s.settings.browser.think_time = Dist::Constant { mean_ms: 100.0 };
    let mut sys = System::new(s);
    sys.run_until(SimTime::from_secs(60));
    sys.check_ledgers().expect("balanced");
    let l = sys.ledgers();
    let t = sys.totals();
    // Every click is one request; a click again is a new request for the
    // same action, so requests = actions + clicks again.
    assert_eq!(l.work.requests, l.actions.issued + t.user_retries);
    assert!(t.user_retries > 1_000, "clicks again: {}", t.user_retries);
    // A timed-out action is failed once, however many of its clicks timed out.
    let timeouts_seen = t.errors[asynclab::sim::Reason::Timeout];
    let timeouts_final = l.actions.failed[asynclab::sim::Reason::Timeout];
    assert!(
        timeouts_final > 0 && timeouts_final < timeouts_seen,
        "{timeouts_final} vs {timeouts_seen}"
    );
    // Writes committed after their user gave up are committed (once) and
    // wasted.
    assert!(
        l.work.committed_wasted > 100,
        "wasted commits {}",
        l.work.committed_wasted
    );
    assert!(l.work.committed_wasted <= l.work.committed);
}

#[test]
fn acknowledged_then_dead_lettered_is_a_success_to_users_and_a_loss_to_the_system() {
    let mut s = mmc_scene(20.0, 10.0, 5, 4, 60.0);
    s.settings.endpoints[0].mode = Mode::Async;
    s.settings.database.failure_probability = 1.0;
    s.settings.queue.retry = asynclab::scenario::RetryPolicy::None;
    let mut sys = System::new(s);
    sys.run_until(SimTime::from_secs(60));
    sys.check_ledgers().expect("balanced");
    let l = sys.ledgers();
    assert_eq!(l.work.committed, 0);
    assert!(l.work.dead_lettered > 1_000);
    // Users saw "accepted" for every action that has an outcome ...
    assert_eq!(l.actions.succeeded + l.actions.awaiting, l.actions.issued);
    assert_eq!(l.actions.failed.total(), 0);
    // ... and the system lost every job it did not still hold.
    assert_eq!(
        l.work.dead_lettered + l.work.in_flight.total(),
        l.work.requests
    );
}

#[test]
fn arrivals_follow_every_traffic_shape() {
    use asynclab::scenario::Shape;
    use asynclab::sim::traffic::multiplier;
    let shapes = [
        Shape::Constant,
        Shape::EmailBlast {
            at_s: 100.0,
            peak: 12.0,
            decay_s: 40.0,
        },
        Shape::Hourly {
            period_s: 120.0,
            spike_s: 20.0,
            peak: 6.0,
            offset_s: 30.0,
        },
        Shape::BlackFriday {
            start_s: 50.0,
            ramp_up_s: 100.0,
            hold_s: 60.0,
            ramp_down_s: 90.0,
            peak: 5.0,
        },
        Shape::Points(vec![(0.0, 0.5), (100.0, 4.0), (200.0, 0.0), (300.0, 2.0)]),
    ];
    for shape in shapes {
        let mut s = mmc_scene(40.0, 1.0, 1_000, 11, 400.0);
        s.settings.clients[0].shape = shape.clone();
        let mut sys = System::new(s);
        sys.run_until(SimTime::from_secs(400));
        // Expected actions per window: ∫ rate over the window (midpoint rule
        // on 10 ms steps); the count is Poisson, so compare per 50 s block
        // within 4 standard deviations.
        for block in 0..8 {
            let (a, b) = (block as f64 * 50.0, (block + 1) as f64 * 50.0);
            let expected: f64 = (0..5_000)
                .map(|k| 40.0 * multiplier(&shape, a + (k as f64 + 0.5) * 0.01) * 0.01)
                .sum();
            let got: u64 = sys
                .windows()
                .iter()
                .filter(|w| w.t_s > a && w.t_s <= b)
                .map(|w| w.actions)
                .sum();
            let sd = expected.sqrt().max(1.0);
            assert!(
                (got as f64 - expected).abs() <= 4.0 * sd,
                "{shape:?} in ({a}, {b}]: {got} actions, expected {expected:.0} ± {sd:.0}"
            );
        }
    }
}

#[test]
fn token_bucket_caps_a_clients_processing_rate() {
    let mut s = mmc_scene(50.0, 10.0, 10, 12, 120.0);
    s.settings.endpoints[0].mode = Mode::Async;
    s.settings.queue.workers = 10;
    s.settings.clients[0].rate_limit_per_s = 15.0;
    s.settings.clients[0].rate_limit_burst = 5.0;
    let mut sys = System::new(s);
    sys.run_until(SimTime::from_secs(120));
    sys.check_ledgers().expect("balanced");
    // 50/s arrive, the bucket lets 15/s through; the rest waits in the lane.
    let commits: u64 = sys
        .windows()
        .iter()
        .filter(|w| w.t_s > 20.0)
        .map(|w| w.commits)
        .sum();
    let rate = commits as f64 / 100.0;
    assert!(
        (rate - 15.0).abs() < 0.5,
        "processed {rate}/s under a 15/s limit"
    );
    assert!(sys.windows().last().expect("windows").backlog > 3_000);
}

#[test]
fn a_hanging_database_holds_connections_until_the_write_timeout() {
    use asynclab::scenario::OutageKind;
    let mut s = mmc_scene(20.0, 50.0, 5, 13, 60.0);
    s.settings.database.write_timeout_s = 4.0;
    s.settings.timeline = vec![
        TimelineEvent {
            mode: None,
            at_s: 20.0,
            change: Change::OutageStart(OutageKind::Hang),
        },
        TimelineEvent {
            mode: None,
            at_s: 40.0,
            change: Change::OutageEnd,
        },
    ];
    let mut sys = System::new(s);
    sys.run_until(SimTime::from_secs(60));
    sys.check_ledgers().expect("balanced");
    let ws = sys.windows();
    let util = |a: f64, b: f64| {
        let v: Vec<f64> = ws
            .iter()
            .filter(|w| w.t_s > a && w.t_s <= b)
            .map(|w| w.util_db)
            .collect();
        v.iter().sum::<f64>() / v.len() as f64
    };
    // 20/s × 50 ms = 1 of 5 connections before; every connection hangs during.
    assert!(util(5.0, 20.0) < 0.35, "before: {}", util(5.0, 20.0));
    assert!(util(22.0, 40.0) > 0.95, "during: {}", util(22.0, 40.0));
    // Each hanging write fails after 4 s: users see DB errors, not instant ones.
    let t = sys.totals();
    assert!(t.errors[asynclab::sim::Reason::DbError] > 0);
    let first_error = ws
        .iter()
        .find(|w| w.errors[asynclab::sim::Reason::DbError] > 0)
        .expect("errors");
    assert!(
        first_error.t_s >= 24.0,
        "first DB error at {} s",
        first_error.t_s
    );
}

#[test]
fn overlapping_polls_never_touch_a_reused_record() {
    // Round trip 200 ms, polls every 10 ms: twenty polls in flight per
    // browser, records freed and reused while late answers still travel.
    let mut s = mmc_scene(5.0, 20.0, 5, 21, 60.0);
    s.settings.endpoints[0].mode = Mode::Async;
    s.settings.network.latency = Dist::Constant { mean_ms: 100.0 };
    s.settings.browser.poll_interval_s = 0.01;
    let mut sys = System::new(s);
    sys.run_until(SimTime::from_secs(60));
    sys.check_ledgers().expect("balanced");
    let sum = sys.summary();
    // Every job committed more than a few seconds before the end was learned
    // by its browser: none stopped polling because of someone else's answer.
    let learned = sum.learn.expect("learn times").n;
    let committed = sys.ledgers().work.committed;
    assert!(
        learned + 10 >= committed,
        "{learned} learned of {committed} committed"
    );
}

#[test]
fn errors_never_count_as_meeting_the_wait_sla() {
    // One worker, no accept backlog, 200 actions/s: almost every click is
    // refused at once ("server busy"), quickly but not successfully.
    let mut s = mmc_scene(200.0, 50.0, 5, 22, 60.0);
    s.settings.server.workers_per_instance = 1;
    s.settings.server.backlog_per_instance = 0;
    s.settings.browser.retry_probability = 0.0;
    let mut sys = System::new(s);
    sys.run_until(SimTime::from_secs(60));
    let sum = sys.summary();
    assert!(sum.errors[asynclab::sim::Reason::ServerBusy] > 5_000);
    assert!(sum.sla_wait_share < 0.2, "SLA share {}", sum.sla_wait_share);
    let w = &sys.windows()[30];
    assert!(w.sla_share < 0.2, "window SLA share {}", w.sla_share);
}

#[test]
fn utilisation_weighs_capacity_by_how_long_it_held() {
    // 20 writes/s of 50 ms: 1 connection busy on average. 10 connections for
    // 100 s (10% busy), then 2 for 100 s (50% busy).
    let mut s = mmc_scene(20.0, 50.0, 10, 23, 200.0);
    s.settings.timeline = vec![TimelineEvent {
        mode: None,
        at_s: 100.0,
        change: Change::Set {
            path: "database.connections".into(),
            value: 2.0,
        },
    }];
    let mut sys = System::new(s);
    sys.run_until(SimTime::from_secs(200));
    // Busy 200 connection-seconds over 10×100 + 2×100 = 1200 provisioned.
    let u = sys.summary().utilisation.database;
    assert!((u - 200.0 / 1200.0).abs() < 0.02, "DB utilisation {u}");
    let late = sys
        .windows()
        .iter()
        .filter(|w| w.t_s > 110.0)
        .map(|w| w.util_db)
        .sum::<f64>()
        / 90.0;
    assert!((late - 0.5).abs() < 0.06, "after the cut {late}");
}

#[test]
fn async_writes_for_users_who_gave_up_are_wasted_too() {
    // The enqueue takes 2 s but users wait 1 s: they time out before the
    // acknowledgement, and the job still commits later.
    let mut s = mmc_scene(10.0, 10.0, 5, 24, 60.0);
    s.settings.endpoints[0].mode = Mode::Async;
    s.settings.queue.enqueue = Dist::Constant { mean_ms: 2_000.0 };
    s.settings.browser.patience_s = 1.0;
    s.settings.browser.retry_probability = 0.0;
    let mut sys = System::new(s);
    sys.run_until(SimTime::from_secs(60));
    sys.check_ledgers().expect("balanced");
    let l = sys.ledgers();
    assert!(l.work.committed > 400);
    assert_eq!(
        l.work.committed_wasted, l.work.committed,
        "every commit was for a user who had left"
    );
}

#[test]
fn work_never_processed_counts_against_the_processing_sla() {
    let mut s = mmc_scene(10.0, 10.0, 5, 25, 300.0);
    s.settings.endpoints[0].mode = Mode::Async;
    s.settings.sla.processed_target_s = 10.0;
    s.settings.timeline = vec![TimelineEvent {
        mode: None,
        at_s: 30.0,
        change: Change::Set {
            path: "queue.workers".into(),
            value: 0.0,
        },
    }];
    let mut sys = System::new(s);
    sys.run_until(SimTime::from_secs(300));
    // ~300 committed in time, ~2,700 stuck in the queue for minutes.
    let share = sys.summary().sla_processed_share;
    assert!(share < 0.15, "processed-in-time share {share}");
}

#[test]
fn a_mode_change_for_an_unknown_endpoint_is_refused() {
    let mut sys = System::new(scene("10-one-spot-async.ron"));
    let bad = Change::SetMode {
        endpoint: Some("no such endpoint".into()),
        mode: Mode::Async,
    };
    assert!(sys.apply(bad).is_err());
    assert!(sys.markers().is_empty());
}

#[test]
fn answered_clicks_do_not_keep_their_patience_in_memory() {
    // Patience of a day ("never time out") at 500 actions/s answered in
    // ~100 ms: what is pending must follow the users still waiting, not
    // every click of the last day.
    let mut s = mmc_scene(500.0, 10.0, 20, 26, 300.0);
    s.settings.browser.patience_s = 86_400.0;
    let mut sys = System::new(s);
    for k in 1..=30 {
        sys.run_until(SimTime::from_secs(10 * k));
        assert!(
            sys.pending() < 12_000,
            "{} pending at {} s",
            sys.pending(),
            10 * k
        );
    }
    assert!(sys.ledgers().actions.issued > 140_000);
}
