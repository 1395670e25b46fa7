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

/// Your own system: a checkout of `[Cpu 10 ms, Call(partner), Cache(0.75,
/// 1 ms), Read 20 ms, Write 40 ms]` with a partner of 20 slots × 200 ms.
fn checkout() -> Settings {
    use crate::config::{Dependency, Step};
    let mut s = Settings::default();
    s.server.instances = 2;
    s.server.workers_per_instance = 50;
    s.database.connections = 12;
    s.queue.workers = 30;
    s.dependencies = vec![Dependency {
        name: "partner API".into(),
        slots: 20,
        latency: Dist::Exponential { mean_ms: 200.0 },
        ..Dependency::default()
    }];
    s.endpoints[0].db_write = Dist::Exponential { mean_ms: 40.0 };
    s.endpoints[0].steps = vec![
        Step::Cpu(Dist::Exponential { mean_ms: 10.0 }),
        Step::Call("partner API".into()),
        Step::Cache {
            hit_ratio: 0.75,
            latency: Dist::Constant { mean_ms: 1.0 },
        },
        Step::Read(Dist::Exponential { mean_ms: 20.0 }),
        Step::Write,
    ];
    s
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9 * b.abs().max(1.0)
}

#[test]
fn a_threads_server_holds_a_worker_through_every_request_step() {
    let a = analyse(&checkout(), &offered(50.0), None);
    // 100 workers ÷ (10 + 200 + 1 + 0.25 × 20 + 40 ms) = 100 ÷ 256 ms.
    let server = a.stage(StageKind::Server).expect("server");
    assert!(close(server.capacity_per_s, 100.0 / 0.256), "{server:?}");
    assert!(a.stage(StageKind::InFlight).is_none());
    // The partner: 20 slots ÷ 200 ms = 100/s, one call per action.
    let dep = a
        .stage(StageKind::Dependency { index: 0 })
        .expect("partner");
    assert!(close(dep.capacity_per_s, 100.0));
    // The database holds reads (a quarter miss the cache) and writes:
    // 12 ÷ (5 ms + 40 ms).
    let db = a.stage(StageKind::Database).expect("db");
    assert!(close(db.capacity_per_s, 12.0 / 0.045), "{db:?}");
    assert_eq!(a.bottleneck().kind, StageKind::Dependency { index: 0 });
    // Doubling the slots lifts it to 200/s; the servers (391/s) are not
    // next: the database (267/s) is.
    let next = a.next.expect("next");
    assert!(close(next.doubled_capacity_per_s, 200.0));
    assert_eq!(next.then, StageKind::Dependency { index: 0 });
    let a = analyse(&checkout(), &offered(150.0), None);
    assert!(a.saturated() && a.bottleneck().kind == StageKind::Dependency { index: 0 });
}

#[test]
fn a_non_blocking_server_spends_workers_on_cpu_and_in_flight_slots_on_the_waits() {
    let mut s = checkout();
    s.server.model = crate::config::ServerModel::NonBlocking {
        in_flight_per_instance: 25,
    };
    let a = analyse(&s, &offered(50.0), None);
    let server = a.stage(StageKind::Server).expect("server");
    assert!(close(server.capacity_per_s, 100.0 / 0.010), "{server:?}");
    let fl = a.stage(StageKind::InFlight).expect("in flight");
    assert!(close(fl.capacity_per_s, 50.0 / 0.256), "{fl:?}");
    assert!(
        fl.utilisation.is_nan(),
        "nothing measures busy in-flight slots"
    );
    // min(10,000/s, 195/s, partner 100/s, database 267/s).
    assert_eq!(a.bottleneck().kind, StageKind::Dependency { index: 0 });
    s.dependencies[0].slots = 200;
    let a = analyse(&s, &offered(50.0), None);
    assert_eq!(a.bottleneck().kind, StageKind::InFlight);
    assert_eq!(
        a.next.as_ref().expect("next").doubled_capacity_per_s,
        a.bottleneck().capacity_per_s * 2.0
    );
}

#[test]
fn queue_workers_hold_every_job_step_and_a_rate_limit_caps_a_dependency() {
    let mut s = checkout();
    s.endpoints[0].mode = Mode::Async;
    // Acknowledged after the CPU: the call, the cache, the read and the
    // write run in a job: 30 workers ÷ 246 ms.
    let a = analyse(&s, &offered(150.0), None);
    let qw = a.stage(StageKind::QueueWorkers).expect("workers");
    assert!(close(qw.capacity_per_s, 30.0 / 0.246), "{qw:?}");
    // The server: 100 ÷ (10 ms CPU + 2 ms enqueue).
    let server = a.stage(StageKind::Server).expect("server");
    assert!(close(server.capacity_per_s, 100.0 / 0.012));
    // The partner limits the jobs: 150 in, 100 out.
    assert_eq!(a.bottleneck().kind, StageKind::Dependency { index: 0 });
    let q = a.queue.expect("queue");
    assert!(close(q.growth_per_s(), 50.0), "{q:?}");
    // A rate limit below slots ÷ latency binds.
    s.dependencies[0].rate_limit_per_s = 80.0;
    let a = analyse(&s, &offered(150.0), None);
    let dep = a.stage(StageKind::Dependency { index: 0 }).expect("dep");
    assert!(close(dep.capacity_per_s, 80.0));
    // Unlimited slots without a rate limit: never a stage.
    s.dependencies[0].rate_limit_per_s = 0.0;
    s.dependencies[0].slots = 0;
    let a = analyse(&s, &offered(150.0), None);
    assert!(a.stage(StageKind::Dependency { index: 0 }).is_none());
    assert_eq!(a.bottleneck().kind, StageKind::QueueWorkers);
}

#[test]
fn a_cache_cuts_the_next_steps_share_and_a_plain_endpoint_is_cpu_then_write() {
    let (req, job) = steps::split(&checkout(), &checkout().endpoints[0]);
    assert!(close(req.read_s, 0.25 * 0.020) && close(req.calls[0], 1.0));
    assert!(close(req.cache_s, 0.001) && req.writes == 1.0);
    assert_eq!(
        job,
        steps::StepTimes {
            calls: vec![0.0],
            ..Default::default()
        }
    );
    // The plain endpoint's capacities are exactly as before steps.
    let a = analyse(&scene7(), &offered(180.0), None);
    assert_eq!(
        a.stage(StageKind::Server).expect("s").capacity_per_s,
        9.0 / (0.025 + 0.050)
    );
    assert_eq!(a.stages.len(), 2);
}
