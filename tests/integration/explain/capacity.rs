//! The capacity formulas against the simulation: the named bottleneck's
//! predicted capacity is within 5% of the throughput measured while it is
//! saturated, and a predicted drain time within 10% of the simulated one.

use super::{hold_mode, scene};
use asynclab::scenario::{Client, Mode, RetryPolicy, Scenario};
use asynclab::sim::Dist;
use asynclab::sim::capacity::{Analysis, Measured, StageKind, analyse};
use asynclab::sim::{SimTime, System, Window};

/// Windows ending in (from, to].
fn span(ws: &[Window], from_s: f64, to_s: f64) -> Vec<Window> {
    ws.iter()
        .filter(|w| w.t_s > from_s && w.t_s <= to_s)
        .cloned()
        .collect()
}

/// Checks that `kind` is named and predicts `measured` within 5%.
fn assert_within_5(case: &str, a: &Analysis, kind: StageKind, measured: f64) {
    let b = a.bottleneck();
    assert_eq!(b.kind, kind, "{case}: stages {:#?}", a.stages);
    assert!(a.saturated(), "{case}: load {}", b.load());
    let predicted = b.capacity_per_s;
    let err = (measured - predicted).abs() / predicted;
    assert!(
        err <= 0.05,
        "{case}: predicted {predicted:.1}/s, measured {measured:.1}/s ({:.1}% off)",
        err * 100.0
    );
}

/// Runs `s` to `to_s` and analyses the windows in (from_s, to_s] with the
/// settings live at the end.
fn measure(s: Scenario, from_s: f64, to_s: f64) -> (Analysis, Measured) {
    let window_s = s.settings.window_s;
    let mut sys = System::new(s);
    let ws = sys.run_collecting(SimTime::from_secs_f64(to_s));
    let m = Measured::from_windows(&span(&ws, from_s, to_s), window_s);
    (analyse(sys.settings(), &m, None), m)
}

#[test]
fn scene_02_sync_the_database_saturates_at_its_formula() {
    let mut s = scene("02-slow-database.ron");
    hold_mode(&mut s, Mode::Sync);
    // Offered 130/s from 60 s; the database is saturated well before 120 s.
    let (a, m) = measure(s, 120.0, 400.0);
    assert!(m.clicks_per_s > 120.0);
    assert_within_5("scene 02", &a, StageKind::Database, m.db_finished_per_s);
}

#[test]
fn scene_07_database_then_servers_after_doubling() {
    let s = scene("07-moving-bottleneck.ron");
    let (before, m) = measure(s.clone(), 30.0, 119.0);
    assert_within_5(
        "scene 07 before",
        &before,
        StageKind::Database,
        m.db_finished_per_s,
    );
    let next = before.next.clone().expect("next one");
    assert_eq!(next.then, StageKind::Server);
    let (after, m) = measure(s, 150.0, 240.0);
    assert_within_5(
        "scene 07 doubled",
        &after,
        StageKind::Server,
        m.db_finished_per_s,
    );
    // The next one's prediction is the doubled run's bottleneck.
    assert_eq!(after.bottleneck().capacity_per_s, next.then_capacity_per_s);
}

/// One client at `rate` actions/s, one endpoint; everything ample unless
/// the case says otherwise.
fn synthetic(rate: f64, mode: Mode) -> Scenario {
    let mut s = Scenario {
        duration_s: 200.0,
        ..Scenario::default()
    };
    let st = &mut s.settings;
    st.clients[0].rate_per_s = rate;
    st.endpoints[0].mode = mode;
    st.endpoints[0].cpu = Dist::Exponential { mean_ms: 10.0 };
    st.endpoints[0].db_write = Dist::Exponential { mean_ms: 50.0 };
    st.server.instances = 2;
    st.server.workers_per_instance = 200;
    st.server.backlog_per_instance = 1_000;
    st.database.connections = 50;
    st.queue.workers = 50;
    st.browser.patience_s = 60.0;
    st.browser.retry_probability = 0.0;
    s
}

#[test]
fn synthetic_queue_workers_servers_failures_retries_and_a_token_bucket() {
    // Async, 3 queue workers ÷ 50 ms = 60/s, 100/s offered.
    let mut s = synthetic(100.0, Mode::Async);
    s.settings.queue.workers = 3;
    let (a, m) = measure(s, 50.0, 200.0);
    assert_within_5(
        "queue workers",
        &a,
        StageKind::QueueWorkers,
        m.db_finished_per_s,
    );
    assert!(a.queue.as_ref().is_some_and(|q| q.growth_per_s() > 30.0));

    // Async servers: 4 workers ÷ (50 ms CPU + 2 ms enqueue) = 76.9/s.
    let mut s = synthetic(120.0, Mode::Async);
    s.settings.server.instances = 1;
    s.settings.server.workers_per_instance = 4;
    s.settings.server.backlog_per_instance = 50;
    s.settings.endpoints[0].cpu = Dist::Exponential { mean_ms: 50.0 };
    let (a, m) = measure(s, 50.0, 200.0);
    assert_within_5("async servers", &a, StageKind::Server, m.db_finished_per_s);

    // Async, 20% of writes fail: 5 connections ÷ (50 ms × 1.25 attempts)
    // = 80/s; backoff holds no worker.
    let mut s = synthetic(120.0, Mode::Async);
    s.settings.database.connections = 5;
    s.settings.database.failure_probability = 0.2;
    s.settings.queue.workers = 10;
    s.settings.queue.max_attempts = 8;
    s.settings.queue.retry = RetryPolicy::Fixed { delay_s: 0.2 };
    let (a, m) = measure(s, 50.0, 200.0);
    assert!(!a.bottleneck().estimates.is_empty(), "an expected value");
    assert_within_5(
        "failing writes",
        &a,
        StageKind::Database,
        m.db_finished_per_s,
    );

    // Sync with inline retries: 10 workers ÷ (20 ms CPU + 30 ms × 1.39
    // attempts + 100 ms × 0.39 pauses) = 99.3/s.
    let mut s = synthetic(150.0, Mode::Sync);
    s.settings.server.instances = 1;
    s.settings.server.workers_per_instance = 10;
    s.settings.server.backlog_per_instance = 100;
    s.settings.endpoints[0].cpu = Dist::Exponential { mean_ms: 20.0 };
    s.settings.endpoints[0].db_write = Dist::Exponential { mean_ms: 30.0 };
    s.settings.database.failure_probability = 0.3;
    s.settings.queue.sync_max_attempts = 3;
    let (a, m) = measure(s, 50.0, 200.0);
    assert_within_5("inline retries", &a, StageKind::Server, m.db_finished_per_s);

    // A token bucket: client 0 offers 60/s, limited to 30/s; client 1
    // offers 20/s unlimited.
    let mut s = synthetic(60.0, Mode::Async);
    s.settings.clients[0].rate_limit_per_s = 30.0;
    s.settings.clients.push(Client {
        name: "other".into(),
        rate_per_s: 20.0,
        ..Client::default()
    });
    let (a, m) = measure(s, 50.0, 200.0);
    let limit = StageKind::RateLimit { client: 0 };
    assert_within_5("token bucket", &a, limit, m.commits_by_client_per_s[0]);
}

#[test]
fn the_predicted_drain_time_is_within_10_percent_of_the_simulated_one() {
    let mut s = scene("02-slow-database.ron");
    hold_mode(&mut s, Mode::Async);
    let window_s = s.settings.window_s;
    let mut sys = System::new(s);
    let ws = sys.run_collecting(SimTime::from_secs(900));
    // Traffic is back at 50/s from 480 s; predict at 490 s from the last
    // 10 s of windows.
    let t0 = 490.0;
    let m = Measured::from_windows(&span(&ws, t0 - 10.0, t0), window_s);
    let a = analyse(sys.settings(), &m, None);
    let q = a.queue.expect("async");
    assert!(q.backlog > 5_000, "backlog {}", q.backlog);
    let predicted = q.drain_s().expect("drains at 50/s");
    let empty = ws
        .iter()
        .find(|w| w.t_s > t0 && w.backlog == 0)
        .expect("the backlog empties");
    let simulated = empty.t_s - t0;
    let err = (predicted - simulated).abs() / simulated;
    assert!(
        err <= 0.10,
        "predicted {predicted:.0} s, simulated {simulated:.0} s ({:.1}% off)",
        err * 100.0
    );
    // While traffic was at 130/s the queue grew at about the predicted
    // 30 jobs/s.
    let m = Measured::from_windows(&span(&ws, 200.0, 400.0), window_s);
    let q = analyse(sys.settings(), &m, None).queue.expect("async");
    let (p, g) = (q.growth_per_s(), q.measured_growth_per_s);
    assert!(
        (p - g).abs() <= 0.1 * p,
        "predicted {p:.1}/s, measured {g:.1}/s"
    );
}
