//! The capacity arithmetic for steps, dependencies and the server model
//! against the simulation: the named bottleneck's capacity is within 5%
//! of the throughput measured while it is saturated, where every other
//! stage is at most 80% busy; and a dependency is named as the
//! bottleneck by the command line and the app's strip.

use crate::kit::harness;
use asynclab::app::{AppAction, bottleneck};
use asynclab::host::{Command, Speed};
use asynclab::scenario::{
    Client, Dependency, Endpoint, Mode, Scenario, ServerModel, Shape, StartSpeed, Step,
};
use asynclab::sim::capacity::{Analysis, Measured, StageKind, analyse};
use asynclab::sim::{Dist, SimTime, System};
use egui_kittest::kittest::Queryable;

fn exp(mean_ms: f64) -> Dist {
    Dist::Exponential { mean_ms }
}

/// One client at `lambda`/s on one endpoint of `steps`, nobody gives up,
/// a backlog that never fills, 20 connections.
fn scene(lambda: f64, mode: Mode, steps: Vec<Step>, deps: Vec<Dependency>) -> Scenario {
    let mut sc = Scenario::default();
    let s = &mut sc.settings;
    s.seed = 5;
    s.clients = vec![Client {
        rate_per_s: lambda,
        shape: Shape::Constant,
        ..Client::default()
    }];
    s.endpoints = vec![Endpoint {
        mode,
        steps,
        ..Endpoint::default()
    }];
    s.dependencies = deps;
    s.timeline.clear();
    s.browser.patience_s = 86_400.0;
    s.server.instances = 1;
    s.server.workers_per_instance = 8;
    s.server.backlog_per_instance = 1_000_000;
    s.database.connections = 20;
    s.queue.workers = 10;
    s.limits.max_in_flight = 4_000_000;
    sc
}

fn partner(slots: u32, mean_ms: f64) -> Dependency {
    Dependency {
        name: "partner API".into(),
        slots,
        latency: exp(mean_ms),
        ..Dependency::default()
    }
}

/// Runs 200 s, measures (30 s, 200 s] and checks the bottleneck is
/// `kind`, predicts the commits within 5%, and every other measured stage
/// is at most 80% busy.
fn check(case: &str, sc: Scenario, kind: StageKind) -> Analysis {
    let window_s = sc.settings.window_s;
    let mut sys = System::new(sc);
    let ws = sys.run_collecting(SimTime::from_secs_f64(200.0));
    sys.check_ledgers().expect("ledgers balance");
    let span: Vec<_> = ws.iter().filter(|w| w.t_s > 30.0).cloned().collect();
    let m = Measured::from_windows(&span, window_s);
    let a = analyse(sys.settings(), &m, None);
    let b = a.bottleneck();
    assert_eq!(b.kind, kind, "{case}: {:#?}", a.stages);
    assert!(a.saturated(), "{case}: load {}", b.load());
    let err = (m.commits_per_s - b.capacity_per_s).abs() / b.capacity_per_s;
    assert!(
        err <= 0.05,
        "{case}: predicted {:.1}/s, measured {:.1}/s",
        b.capacity_per_s,
        m.commits_per_s
    );
    for st in a.stages.iter().filter(|st| st.kind != kind) {
        assert!(
            st.utilisation.is_nan() || st.utilisation <= 0.8,
            "{case}: {:?} is {:.2} busy",
            st.kind,
            st.utilisation
        );
    }
    a
}

#[test]
fn measured_throughput_matches_the_arithmetic_of_each_stage_kind() {
    // Threads: 8 workers ÷ (10 ms CPU + 190 ms call + 20 ms write) =
    // 36.4/s, offered 60/s; the partner has unlimited slots.
    let steps = vec![
        Step::Cpu(exp(10.0)),
        Step::Call("partner API".into()),
        Step::Write,
    ];
    let mut sc = scene(60.0, Mode::Sync, steps.clone(), vec![partner(0, 190.0)]);
    sc.settings.endpoints[0].db_write = exp(20.0);
    let a = check("threads", sc.clone(), StageKind::Server);
    assert!((a.bottleneck().capacity_per_s - 8.0 / 0.22).abs() < 1e-9);

    // Non-blocking, 20 in flight: min(8 ÷ 10 ms = 800/s, 20 ÷ 220 ms =
    // 90.9/s), offered 150/s: the in-flight slots limit, the workers idle.
    sc.settings.clients[0].rate_per_s = 150.0;
    sc.settings.server.model = ServerModel::NonBlocking {
        in_flight_per_instance: 20,
    };
    let a = check("non-blocking", sc, StageKind::InFlight);
    assert!((a.bottleneck().capacity_per_s - 20.0 / 0.22).abs() < 1e-9);
    assert!(a.stage(StageKind::Server).expect("server").utilisation < 0.2);

    // A dependency: 20 slots ÷ 200 ms = 100/s, offered 150/s, 10,000
    // server workers.
    let mut sc = scene(150.0, Mode::Sync, steps.clone(), vec![partner(20, 200.0)]);
    sc.settings.server.workers_per_instance = 10_000;
    sc.settings.endpoints[0].db_write = exp(20.0);
    let a = check("dependency", sc, StageKind::Dependency { index: 0 });
    assert!((a.bottleneck().capacity_per_s - 100.0).abs() < 1e-9);

    // Queue workers: acknowledged after the CPU, a job holds its worker
    // through the call and the write: 10 ÷ (100 + 20 ms) = 83.3/s,
    // offered 120/s.
    let mut sc = scene(120.0, Mode::Async, steps, vec![partner(0, 100.0)]);
    sc.settings.endpoints[0].db_write = exp(20.0);
    sc.settings.server.workers_per_instance = 100;
    let a = check("queue workers", sc, StageKind::QueueWorkers);
    assert!((a.bottleneck().capacity_per_s - 10.0 / 0.12).abs() < 1e-9);
}

/// Slow partner: 20 slots × 200 ms = 100/s behind 150/s of sync checkouts.
const SLOW_PARTNER: &str = r#"(
    version: 6,
    title: "Partner bottleneck",
    seed: 3,
    duration_s: 60,
    clients: [(name: "shop", rate_per_s: 150.0)],
    dependencies: [(name: "partner API", slots: 20, latency: Exponential(mean_ms: 200.0))],
    endpoints: [(
        name: "checkout",
        mode: Sync,
        steps: [Cpu(Exponential(mean_ms: 5.0)), Call("partner API"), Write],
        db_write: Exponential(mean_ms: 10.0),
    )],
    server: (instances: 1, workers_per_instance: 2000, backlog_per_instance: 100000),
    database: (connections: 20),
    browser: (patience_s: 1000.0),
)"#;

const HEADLINE_START: &str = "partner API is the bottleneck: ";
const FORMULA: &str = "it can do 100/s (20 slots ÷ 200 ms).";

#[test]
fn the_command_line_names_a_dependency_as_the_bottleneck() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("partner.ron");
    std::fs::write(&path, SLOW_PARTNER).expect("write");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_asynclab"))
        .args(["run", path.to_str().expect("utf-8")])
        .output()
        .expect("run asynclab");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    let line = text
        .lines()
        .find(|l| l.trim_start().starts_with(HEADLINE_START))
        .unwrap_or_else(|| panic!("no dependency headline in:\n{text}"));
    assert!(line.ends_with(FORMULA), "{line}");
    assert!(
        text.contains("partner API: 100/s = 20 slots ÷ 200 ms"),
        "the stage line:\n{text}"
    );
}

#[test]
fn the_strip_names_a_dependency_as_the_bottleneck() {
    let mut sc = Scenario::from_ron(SLOW_PARTNER, "partner.ron").expect("valid");
    sc.view.speed = StartSpeed::Times(1.0);
    let mut h = harness(sc);
    h.state_mut()
        .app
        .apply(AppAction::Host(Command::SetSpeed(Speed::Times(10.0))));
    h.run_steps(60);
    h.state_mut().app.apply(AppAction::Host(Command::Pause));
    h.run_steps(2);
    let words = h
        .state()
        .app
        .bottleneck()
        .words()
        .cloned()
        .expect("the strip has words");
    assert!(
        words.headline.starts_with(HEADLINE_START) && words.headline.ends_with(FORMULA),
        "{}",
        words.headline
    );
    h.get_by_label_contains(&bottleneck::text(&words.headline));
}
