//! Your own system: dependencies, steps, the acknowledgement point and the
//! server model, held to queueing theory and to the capacity arithmetic.
//!
//! The theory applies under stated conditions, and each test asserts
//! them on its own run: Poisson input (one client, constant shape), no
//! failures or limits (no errors of any reason, no rate limits), and no
//! server or queue worker ever waited for (the accept backlog stays empty
//! at every window's end and the servers are far from busy).

use asynclab::scenario::{
    Change, Client, Dependency, Endpoint, Mode, Scenario, ServerModel, Settings, Step,
};
use asynclab::sim::theory::{mmc_mean_sojourn_s, mmc_mean_wait_s};
use asynclab::sim::{Dist, SimTime, System, Window};

fn exp(mean_ms: f64) -> Dist {
    Dist::Exponential { mean_ms }
}

/// One client at `lambda` actions/s on one sync endpoint of `steps`, no
/// network time, nobody gives up, 10,000 server workers.
fn scene(lambda: f64, steps: Vec<Step>, deps: Vec<Dependency>, seed: u64) -> Settings {
    let mut s = Scenario::default().settings;
    s.seed = seed;
    s.clients = vec![Client {
        rate_per_s: lambda,
        ..Client::default()
    }];
    s.endpoints = vec![Endpoint {
        mode: Mode::Sync,
        steps,
        ..Endpoint::default()
    }];
    s.dependencies = deps;
    s.network.latency = Dist::Constant { mean_ms: 0.0 };
    s.browser.patience_s = 86_400.0;
    s.server.instances = 1;
    s.server.workers_per_instance = 10_000;
    s.server.backlog_per_instance = 1_000_000;
    s
}

fn dep(name: &str, slots: u32, latency: Dist) -> Dependency {
    Dependency {
        name: name.into(),
        slots,
        latency,
        ..Dependency::default()
    }
}

/// Runs to `t_s`, returning every window.
fn run(sys: &mut System, t_s: f64) -> Vec<Window> {
    sys.run_collecting(SimTime::from_secs_f64(t_s))
}

/// The theory's conditions on a finished run: no errors of any reason,
/// no accept backlog at any window's end, servers under 50% busy, both
/// ledgers balanced.
fn assert_theory_conditions(sys: &mut System, windows: &[Window]) {
    let sm = sys.summary();
    assert_eq!(sm.errors.total(), 0, "failures: {:?}", sm.errors);
    assert!(sm.utilisation.server < 0.5, "servers {:?}", sm.utilisation);
    assert_eq!(sm.utilisation.queue_workers, 0.0, "no queue worker used");
    assert!(windows.iter().all(|w| w.util_server < 0.5));
    assert_eq!(sys.gauges().accept_backlog, 0);
    sys.check_ledgers().expect("ledgers balance");
}

#[test]
fn a_call_to_c_slots_with_exponential_latency_is_mmc() {
    // λ = 80/s onto 10 slots of 100 ms exponential calls (μ = 10/s):
    // ρ = 0.8, Erlang C mean slot wait = C(10, 8) ÷ (cμ − λ) ≈ 20 ms.
    let (lambda, mu, c) = (80.0, 10.0, 10);
    let wq = mmc_mean_wait_s(lambda, mu, c);
    let (mut wait, mut sojourn) = (0.0, 0.0);
    let runs = 4;
    for k in 0..runs {
        let s = scene(
            lambda,
            vec![Step::Call("partner".into())],
            vec![dep("partner", c, exp(100.0))],
            11 + k,
        );
        let mut sys = System::new(s);
        let windows = run(&mut sys, 2_000.0);
        assert_theory_conditions(&mut sys, &windows);
        let sm = sys.summary();
        let d = &sm.dependencies[0];
        assert!(d.failures.total() == 0 && d.calls > 150_000, "{d:?}");
        wait += d.mean_slot_wait_s;
        // No network, no CPU, no write: processed = slot wait + the call.
        sojourn += sm.processed.expect("commits").mean;
    }
    let (wait, sojourn) = (wait / runs as f64, sojourn / runs as f64);
    let rel = (wait - wq) / wq;
    assert!(
        rel.abs() < 0.06,
        "mean slot wait {wait:.5} s vs Erlang C {wq:.5} s ({rel:+.4})"
    );
    let theory = wq + 1.0 / mu;
    let rel = (sojourn - theory) / theory;
    assert!(rel.abs() < 0.02, "sojourn {sojourn:.5} vs {theory:.5}");
}

#[test]
fn steps_in_sequence_are_an_open_jackson_network() {
    // Two stations in sequence, each M/M/c at ρ = 0.75: search (4 slots ×
    // 50 ms) then partner (8 slots × 100 ms), λ = 60/s. Mean sojourn =
    // the sum of the two M/M/c sojourns.
    let lambda = 60.0;
    let theory = mmc_mean_sojourn_s(lambda, 20.0, 4) + mmc_mean_sojourn_s(lambda, 10.0, 8);
    let mut total = 0.0;
    let runs = 3;
    for k in 0..runs {
        let s = scene(
            lambda,
            vec![Step::Call("search".into()), Step::Call("partner".into())],
            vec![dep("search", 4, exp(50.0)), dep("partner", 8, exp(100.0))],
            21 + k,
        );
        let mut sys = System::new(s);
        let windows = run(&mut sys, 2_000.0);
        assert_theory_conditions(&mut sys, &windows);
        total += sys.summary().processed.expect("commits").mean;
    }
    let mean = total / runs as f64;
    let rel = (mean - theory) / theory;
    assert!(
        rel.abs() < 0.03,
        "mean sojourn {mean:.5} s vs Jackson {theory:.5} s ({rel:+.4})"
    );
}

#[test]
fn a_cache_with_hit_ratio_h_cuts_the_next_steps_arrivals_to_one_minus_h() {
    // λ = 100/s, h = 0.6: the partner sees (1 − h) λ = 40 calls/s, and its
    // slot wait is M/M/c's at that rate (5 slots × 75 ms: ρ = 0.6).
    let (lambda, h) = (100.0, 0.6);
    let expected = (1.0 - h) * lambda;
    let wq = mmc_mean_wait_s(expected, 1000.0 / 75.0, 5);
    let (mut rate, mut wait) = (0.0, 0.0);
    let runs = 3;
    for k in 0..runs {
        let cache = Step::Cache {
            hit_ratio: h,
            latency: Dist::Constant { mean_ms: 1.0 },
        };
        let s = scene(
            lambda,
            vec![cache, Step::Call("partner".into())],
            vec![dep("partner", 5, exp(75.0))],
            31 + k,
        );
        let mut sys = System::new(s);
        let windows = run(&mut sys, 2_000.0);
        assert_theory_conditions(&mut sys, &windows);
        let sm = sys.summary();
        let d = &sm.dependencies[0];
        // The windows say the same as the summary.
        let calls: u64 = windows.iter().map(|w| w.dependencies[0].calls).sum();
        assert_eq!(calls, d.calls);
        rate += d.calls_per_s;
        wait += d.mean_slot_wait_s;
    }
    let (rate, wait) = (rate / runs as f64, wait / runs as f64);
    let rel = (rate - expected) / expected;
    assert!(rel.abs() < 0.02, "{rate} calls/s vs {expected}");
    let rel = (wait - wq) / wq;
    assert!(rel.abs() < 0.08, "slot wait {wait} vs {wq} ({rel:+.3})");
}

/// Commits per second from `from_s` to the end of `windows`.
fn commits_per_s(windows: &[Window], from_s: f64) -> f64 {
    let w: Vec<&Window> = windows.iter().filter(|w| w.t_s > from_s).collect();
    let n: u64 = w.iter().map(|w| w.commits).sum();
    n as f64 / (w.len() as f64 * 1.0)
}

/// 8 workers on one instance, each request 10 ms of CPU then a 190 ms call
/// to an unlimited partner (never a bottleneck: no slots to wait for),
/// offered `lambda`/s with a backlog that never fills.
fn server_scene(lambda: f64, model: ServerModel) -> Settings {
    let mut s = scene(
        lambda,
        vec![Step::Cpu(exp(10.0)), Step::Call("partner".into())],
        vec![dep("partner", 0, exp(190.0))],
        41,
    );
    s.server.workers_per_instance = 8;
    s.server.model = model;
    s
}

#[test]
fn threads_and_non_blocking_servers_match_the_capacity_arithmetic() {
    // Threads: workers ÷ Σ request-step times = 8 ÷ (10 + 190 ms) = 40/s;
    // offered 80/s, so the workers are the bottleneck (the partner has
    // unlimited slots, there is no database step).
    let mut sys = System::new(server_scene(80.0, ServerModel::Threads));
    let windows = run(&mut sys, 300.0);
    sys.check_ledgers().expect("balanced");
    let threads = commits_per_s(&windows, 30.0);
    assert!((threads - 40.0).abs() / 40.0 < 0.05, "threads {threads}/s");
    assert!(sys.summary().utilisation.server > 0.95);
    // Non-blocking with 20 in flight: min(workers ÷ Σ CPU = 800/s,
    // in-flight cap ÷ Σ request-step times = 20 ÷ 0.2 s = 100/s) = 100/s;
    // offered 150/s. Its workers are mostly idle (100/s × 10 ms ÷ 8).
    let nb = ServerModel::NonBlocking {
        in_flight_per_instance: 20,
    };
    let mut sys = System::new(server_scene(150.0, nb));
    let windows = run(&mut sys, 300.0);
    sys.check_ledgers().expect("balanced");
    let rate = commits_per_s(&windows, 30.0);
    assert!((rate - 100.0).abs() / 100.0 < 0.05, "non-blocking {rate}/s");
    let util = sys.summary().utilisation.server;
    assert!(util < 0.2, "non-blocking workers {util} busy");
    // Under the same offered 80/s that saturates threads, non-blocking
    // with 20 in flight serves it all.
    let mut sys = System::new(server_scene(80.0, nb));
    let windows = run(&mut sys, 300.0);
    let rate = commits_per_s(&windows, 30.0);
    assert!(
        (rate - 80.0).abs() / 80.0 < 0.05,
        "non-blocking at 80/s: {rate}/s"
    );
}

#[test]
fn moving_the_ack_point_mid_run_conserves_every_action_in_both_ledgers() {
    // Async: [Cpu, Call(partner), Cpu, Write], acknowledged after the
    // first Cpu; the ack point moves to after the call, back, to after the
    // second Cpu, while requests and jobs are at every step. Every action
    // ends exactly once and every request is accounted for, at each
    // window and once drained.
    let mut s = scene(
        50.0,
        vec![
            Step::Cpu(exp(5.0)),
            Step::Call("partner".into()),
            Step::Cpu(exp(5.0)),
            Step::Write,
        ],
        vec![dep("partner", 10, exp(100.0))],
        51,
    );
    s.endpoints[0].mode = Mode::Async;
    s.database.connections = 10;
    let mut sys = System::new(s);
    for (at, ack) in [(60.0, 2.0), (120.0, 1.0), (180.0, 3.0), (240.0, 0.0)] {
        let windows = run(&mut sys, at);
        sys.check_ledgers().expect("balanced before the move");
        let l = sys.ledgers();
        assert!(
            l.work.in_flight.calling + l.work.in_flight.queued > 0,
            "{l:?}"
        );
        sys.apply(Change::Set {
            path: "endpoints[0].ack_after".into(),
            value: ack,
        })
        .expect("a valid ack point");
        sys.check_ledgers().expect("balanced at the move");
        let acks: u64 = windows.iter().map(|w| w.acks).sum();
        assert!(acks > 0, "acknowledged in every stretch");
    }
    // Stop the traffic and let everything drain.
    run(&mut sys, 300.0);
    sys.apply(Change::Set {
        path: "clients[0].rate_per_s".into(),
        value: 0.0,
    })
    .expect("valid");
    run(&mut sys, 600.0);
    sys.check_ledgers().expect("balanced when drained");
    let l = sys.ledgers();
    assert_eq!(l.actions.awaiting, 0);
    assert_eq!(l.work.in_flight.total(), 0, "{:?}", l.work.in_flight);
    assert_eq!(
        l.actions.issued,
        l.actions.succeeded + l.actions.failed.total()
    );
    assert_eq!(l.actions.failed.total(), 0);
    assert_eq!(l.work.committed, l.work.requests, "every request committed");
}

#[test]
fn a_plain_endpoint_written_as_steps_runs_exactly_as_before() {
    // `[Cpu(cpu), Write]` spelled out is the plain endpoint: the same run,
    // bit for bit, sync and async.
    for mode in [Mode::Sync, Mode::Async] {
        let mut plain = Scenario::default().settings;
        plain.endpoints[0].mode = mode;
        plain.clients[0].rate_per_s = 150.0;
        let mut spelled = plain.clone();
        let cpu = spelled.endpoints[0].cpu;
        spelled.endpoints[0].steps = vec![Step::Cpu(cpu), Step::Write];
        let (mut a, mut b) = (System::new(plain), System::new(spelled));
        let wa = run(&mut a, 120.0);
        let wb = run(&mut b, 120.0);
        let json = |w: &[Window]| serde_json::to_string(w).expect("json");
        assert_eq!(json(&wa), json(&wb));
        assert_eq!(a.ledgers(), b.ledgers());
        assert_eq!(a.events(), b.events());
    }
}

/// A checkout in a few lines of format version 6.
const CHECKOUT: &str = r#"(
    version: 6,
    title: "Checkout",
    duration_s: 60.0,
    clients: [(name: "shop", rate_per_s: 40.0)],
    dependencies: [
        (name: "payments", slots: 20, latency: Exponential(mean_ms: 200.0), timeout_s: 2.0),
        (name: "stock", slots: 0, latency: Constant(mean_ms: 5.0)),
    ],
    endpoints: [(
        name: "checkout",
        mode: Async,
        steps: [
            Cpu(Exponential(mean_ms: 5.0)),
            Cache(hit_ratio: 0.8, latency: Constant(mean_ms: 1.0)),
            Call("stock"),
            Call("payments"),
            Write,
        ],
        ack_after: 3,
    )],
    server: (model: NonBlocking(in_flight_per_instance: 100)),
    database: (connections: 12),
)"#;

#[test]
fn format_version_6_holds_dependencies_steps_ack_point_and_server_model() {
    let s = Scenario::from_ron(CHECKOUT, "checkout.ron").expect("a valid version-6 scene");
    assert_eq!(s.settings.dependencies.len(), 2);
    assert_eq!(s.settings.endpoints[0].steps.len(), 5);
    assert_eq!(s.settings.endpoints[0].ack_after, 3);
    assert!(!s.settings.server.model.is_threads());
    // Written in the current version, read back the same.
    let text = s.to_ron().expect("writes");
    let again = Scenario::from_ron(&text, "again.ron").expect("reads back");
    assert_eq!(again.settings, s.settings);
    // It runs: the payment is charged behind the queue, the stock call in
    // the request; both ledgers balance and both dependencies are called.
    let mut sys = System::new(s);
    run(&mut sys, 60.0);
    sys.check_ledgers().expect("balanced");
    let sm = sys.summary();
    assert!(sm.dependencies[0].calls > 1_000 && sm.dependencies[1].calls > 100);
    assert!(
        sm.dependencies[1].calls < sm.dependencies[0].calls / 2,
        "cache hits skip the stock call"
    );
    // A scene without parts writes none of their fields.
    let plain = Scenario::default().to_ron().expect("writes");
    for field in ["dependencies", "steps", "ack_after", "model"] {
        assert!(!plain.contains(field), "{field} written for a plain scene");
    }
}

#[test]
fn bad_parts_are_refused_with_their_field_and_rule() {
    let cases = [
        (
            "Call(\"stock\"),",
            "Call(\"nope\"),",
            "endpoints[0].steps[2]",
            "must name one of the scene's dependencies",
        ),
        (
            "ack_after: 3",
            "ack_after: 2",
            "endpoints[0].ack_after",
            "must not split a Cache",
        ),
        (
            "ack_after: 3",
            "ack_after: 5",
            "endpoints[0].ack_after",
            "must be between 0 and 4",
        ),
        (
            "hit_ratio: 0.8",
            "hit_ratio: 1.5",
            "endpoints[0].steps[1].hit_ratio",
            "must be between 0 and 1",
        ),
        (
            "Write,\n",
            "Write, Cpu(Constant(mean_ms: 1.0)),\n",
            "endpoints[0].steps[4]",
            "must be the last step",
        ),
        (
            "slots: 20",
            "slots: 200000",
            "dependencies[0].slots",
            "100000",
        ),
        (
            "in_flight_per_instance: 100",
            "in_flight_per_instance: 0",
            "server.model.in_flight_per_instance",
            "between 1",
        ),
    ];
    for (from, to, field, rule) in cases {
        let text = CHECKOUT.replacen(from, to, 1);
        assert_ne!(text, CHECKOUT, "{from}");
        let e = Scenario::from_ron(&text, "bad.ron")
            .expect_err(to)
            .to_string();
        assert!(e.contains(field) && e.contains(rule), "{to}: {e}");
    }
}

#[test]
fn json_and_csv_carry_each_dependency_and_a_plain_scene_none() {
    let dir = tempfile::tempdir().expect("temp dir");
    let scene = dir.path().join("checkout.ron");
    std::fs::write(&scene, CHECKOUT).expect("write scene");
    let csv = dir.path().join("checkout.csv");
    let bin = env!("CARGO_BIN_EXE_asynclab");
    let run = |args: &[&std::ffi::OsStr]| {
        let o = std::process::Command::new(bin)
            .args(args)
            .output()
            .expect("runs");
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        String::from_utf8_lossy(&o.stdout).into_owned()
    };
    let json = run(&["run".as_ref(), scene.as_os_str(), "--json".as_ref()]);
    let v: serde_json::Value = serde_json::from_str(&json).expect("JSON");
    let deps = &v["summary"]["dependencies"];
    assert_eq!(deps[0]["name"], "payments");
    assert_eq!(deps[1]["name"], "stock");
    for key in [
        "calls",
        "calls_per_s",
        "busy_slots",
        "utilisation",
        "peak_waiting",
        "failures",
    ] {
        assert!(!deps[0][key].is_null(), "{key} in {deps}");
    }
    assert_eq!(v["ledgers_balanced"], true);
    run(&[
        "run".as_ref(),
        scene.as_os_str(),
        "--csv".as_ref(),
        csv.as_os_str(),
    ]);
    let text = std::fs::read_to_string(&csv).expect("csv");
    let header = text.lines().next().expect("header");
    for col in [
        "dep_payments_calls",
        "dep_payments_busy_slots",
        "dep_payments_waiting",
        "dep_payments_timed_out",
        "dep_stock_throttled",
        "errors_call_timeout",
    ] {
        assert!(header.split(',').any(|c| c == col), "{col} in {header}");
    }
    // A plain scene: no dependency keys, no call reasons.
    let plain = run(&[
        "run".as_ref(),
        "01-hello-sync.ron".as_ref(),
        "--json".as_ref(),
    ]);
    for key in [
        "dependencies",
        "call_failed",
        "call_timeout",
        "throttled",
        "calling",
    ] {
        assert!(!plain.contains(key), "{key} in a plain scene's JSON");
    }
}

#[test]
fn dependency_knobs_are_addressed_by_name_and_refuse_bad_values_with_the_reason() {
    let mut s = Scenario::from_ron(CHECKOUT, "checkout.ron").expect("valid");
    // The knob table lists each dependency's knobs under its name.
    let listed: Vec<String> = asynclab::scenario::knobs::knobs(&s.settings)
        .into_iter()
        .map(|k| k.path)
        .collect();
    for path in [
        "dependencies[payments].slots",
        "dependencies[stock].latency_ms",
        "dependencies[payments].rate_limit_per_s",
        "endpoints[0].ack_after",
    ] {
        assert!(listed.iter().any(|p| p == path), "{path} not in {listed:?}");
    }
    // A plain scene lists none of them.
    let plain = asynclab::scenario::knobs::knobs(&Scenario::default().settings);
    assert!(
        plain
            .iter()
            .all(|k| !k.path.starts_with("dependencies") && !k.path.ends_with("ack_after"))
    );
    // Too few slots: the partner is the bottleneck and calls wait; a live
    // increase starts the waiting calls at once.
    s.settings.dependencies[0].slots = 4;
    s.settings.queue.workers = 100;
    let mut sys = System::new(s);
    run(&mut sys, 20.0);
    assert!(
        sys.ledgers().work.in_flight.call_wait > 0,
        "calls wait for 4 slots"
    );
    sys.apply(Change::Set {
        path: "dependencies[payments].slots".into(),
        value: 200.0,
    })
    .expect("valid");
    assert_eq!(
        sys.ledgers().work.in_flight.call_wait,
        0,
        "waiting calls start"
    );
    assert_eq!(sys.settings().dependencies[0].slots, 200);
    sys.check_ledgers().expect("balanced");
    // Refused with the reason, nothing changed.
    let e = sys
        .apply(Change::Set {
            path: "dependencies[payments].failure_probability".into(),
            value: 2.0,
        })
        .expect_err("out of range");
    assert_eq!(
        e.to_string(),
        "dependencies[payments].failure_probability = 2: must be a number between 0 and 1"
    );
    let e = sys
        .apply(Change::Set {
            path: "dependencies[nope].slots".into(),
            value: 1.0,
        })
        .expect_err("no such dependency");
    assert!(
        e.to_string()
            .contains("unknown knob `dependencies[nope].slots`"),
        "{e}"
    );
    assert_eq!(sys.settings().dependencies[0].failure_probability, 0.0);
}
