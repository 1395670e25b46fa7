//! The arithmetic on hand-made settings.

use super::*;
use crate::dist::Dist;

fn scene7() -> Settings {
    let mut s = Settings::default();
    s.server.instances = 1;
    s.server.workers_per_instance = 9;
    s.database.connections = 5;
    s.endpoints[0].cpu = Dist::Exponential { mean_ms: 25.0 };
    s.endpoints[0].db_write = Dist::Exponential { mean_ms: 50.0 };
    s
}

fn offered(rate: f64) -> Measured {
    Measured {
        clicks_per_s: rate,
        ..Measured::default()
    }
}

#[test]
fn scene_7_database_limits_and_doubling_it_moves_the_bottleneck_to_the_servers() {
    let a = analyse(&scene7(), &offered(180.0), None);
    let b = a.bottleneck();
    assert_eq!(b.kind, StageKind::Database);
    assert!((b.capacity_per_s - 100.0).abs() < 1e-9);
    let server = a.stage(StageKind::Server).expect("server");
    assert!((server.capacity_per_s - 120.0).abs() < 1e-9);
    assert!(b.estimates.is_empty() && server.estimates.is_empty());
    let next = a.next.expect("next");
    assert_eq!(next.then, StageKind::Server);
    assert!((next.doubled_capacity_per_s - 200.0).abs() < 1e-9);
    assert!((next.then_capacity_per_s - 120.0).abs() < 1e-9);
    assert!(a.queue.is_none(), "sync with no backlog");
}

#[test]
fn failures_divide_by_expected_attempts_and_polls_take_their_share() {
    assert!((expected_attempts(0.2, 3) - 1.24).abs() < 1e-12);
    assert_eq!(expected_attempts(0.0, 8), 1.0);
    assert_eq!(expected_attempts(1.0, 8), 8.0);
    let mut s = scene7();
    s.endpoints[0].mode = Mode::Async;
    s.database.failure_probability = 0.5;
    s.queue.max_attempts = 2;
    s.queue.workers = 3;
    let m = Measured {
        clicks_per_s: 50.0,
        util_server_polls: 1.0 / 9.0,
        backlog: 300,
        ..Measured::default()
    };
    let a = analyse(&s, &m, None);
    // Each write takes 1.5 attempts: 5 ÷ 75 ms and 3 ÷ 75 ms.
    let db = a.stage(StageKind::Database).expect("db");
    assert!((db.capacity_per_s - 5.0 / 0.075).abs() < 1e-9);
    assert_eq!(db.estimates, vec![Estimate::Attempts]);
    assert_eq!(a.bottleneck().kind, StageKind::QueueWorkers);
    assert!((a.bottleneck().capacity_per_s - 40.0).abs() < 1e-9);
    // Async servers: 1 of 9 workers on polls, CPU + enqueue 27 ms.
    let server = a.stage(StageKind::Server).expect("server");
    assert!((server.capacity_per_s - 8.0 / 0.027).abs() < 1e-6);
    assert_eq!(server.estimates, vec![Estimate::PollShare]);
    // The queue grows 10 jobs/s; at 20/s it drains 300 jobs in 15 s.
    let q = a.queue.expect("queue");
    assert!((q.growth_per_s() - 10.0).abs() < 1e-9);
    assert_eq!(q.drain_s(), None);
    assert!((q.drain_s_at(20.0).expect("drains") - 15.0).abs() < 1e-9);
    assert!((q.drains_below_per_s() - 40.0).abs() < 1e-9);
    // Doubling the workers: the database (66.7/s) limits next.
    let next = a.next.expect("next");
    assert_eq!(next.then, StageKind::Database);
}

#[test]
fn an_outage_stops_the_database_and_no_traffic_names_the_smallest_stage() {
    let a = analyse(&scene7(), &offered(10.0), Some(OutageKind::FailFast));
    assert_eq!(a.bottleneck().kind, StageKind::Database);
    assert_eq!(a.bottleneck().load(), f64::INFINITY);
    let idle = analyse(&scene7(), &offered(0.0), None);
    assert_eq!(idle.bottleneck().kind, StageKind::Database);
    assert!(!idle.saturated());
}

#[test]
fn a_token_bucket_caps_its_client() {
    let mut s = scene7();
    s.endpoints[0].mode = Mode::Async;
    s.queue.workers = 50;
    s.database.connections = 50;
    s.clients[0].rate_limit_per_s = 30.0;
    let m = Measured {
        clicks_per_s: 60.0,
        clicks_by_client_per_s: vec![60.0],
        commits_by_client_per_s: vec![30.0],
        ..Measured::default()
    };
    let a = analyse(&s, &m, None);
    let b = a.bottleneck();
    assert_eq!(b.kind, StageKind::RateLimit { client: 0 });
    assert_eq!(
        (b.capacity_per_s, b.load(), b.utilisation),
        (30.0, 2.0, 1.0)
    );
    assert_eq!(a.queue.expect("queue").out_per_s, 30.0);
}
