//! The knobs of "your own system" beyond dependencies: each step's values
//! (addressed by endpoint and step index) and the server model, through
//! `--set`, the timeline, variants and live changes, refused with the
//! reason when they do not fit.

use asynclab::scenario::{Change, Scenario, ServerModel};
use asynclab::sim::{SimTime, System, Window};
use egui_kittest::kittest::Queryable;
use std::process::{Command, Output};

/// A sync checkout: CPU, a cache in front of a read, a partner call, the
/// write; a threads server that the partner's latency keeps busy.
const SHOP: &str = r#"(
    version: 6,
    title: "Shop",
    duration_s: 120.0,
    seed: 7,
    clients: [(name: "shop", rate_per_s: 60.0)],
    dependencies: [(name: "partner", slots: 50, latency: Exponential(mean_ms: 100.0))],
    endpoints: [(
        name: "checkout",
        mode: Sync,
        steps: [
            Cpu(Exponential(mean_ms: 5.0)),
            Cache(hit_ratio: 0.5, latency: Constant(mean_ms: 1.0)),
            Read(Exponential(mean_ms: 10.0)),
            Call("partner"),
            Write,
        ],
    )],
    server: (instances: 1, workers_per_instance: 16, backlog_per_instance: 1000),
    database: (connections: 10),
)"#;

fn asynclab(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_asynclab"))
        .args(args)
        .env("RUST_BACKTRACE", "1")
        .output()
        .expect("run asynclab")
}

fn shop_file(dir: &tempfile::TempDir) -> String {
    let p = dir.path().join("shop.ron");
    std::fs::write(&p, SHOP).expect("write scene");
    p.to_str().expect("utf-8 path").to_string()
}

fn run_json(scene: &str, sets: &[&str]) -> serde_json::Value {
    let mut args = vec!["run", scene, "--json"];
    for s in sets {
        args.extend(["--set", s]);
    }
    let o = asynclab(&args);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "run {sets:?} failed: {err}");
    serde_json::from_slice(&o.stdout).expect("JSON")
}

fn util(v: &serde_json::Value, what: &str) -> f64 {
    v["summary"]["utilisation"][what]
        .as_f64()
        .expect("utilisation")
}

#[test]
fn knobs_lists_each_steps_values_and_the_server_model() {
    let dir = tempfile::tempdir().expect("temp dir");
    let o = asynclab(&["knobs", &shop_file(&dir)]);
    assert!(o.status.success());
    let out = String::from_utf8_lossy(&o.stdout);
    for path in [
        "endpoints[0].steps[0].cpu_ms",
        "endpoints[0].steps[1].hit_ratio",
        "endpoints[0].steps[1].latency_ms",
        "endpoints[0].steps[2].read_ms",
        "server.in_flight_per_instance",
        "checkout step 2 (Read): read time",
    ] {
        assert!(out.contains(path), "knobs lacks {path}:\n{out}");
    }
    // A value only where the step has it: the call and the write have none.
    for path in ["steps[3].", "steps[4].", "steps[0].read_ms"] {
        assert!(!out.contains(path), "knobs lists {path}:\n{out}");
    }
    // A plain scene lists none of them.
    let plain = asynclab::scenario::knobs::knobs(&Scenario::default().settings);
    assert!(
        plain
            .iter()
            .all(|k| !k.path.contains("steps[") && !k.path.contains("in_flight_per_instance"))
    );
}

#[test]
fn set_changes_a_steps_value_and_the_server_model_in_the_run() {
    let dir = tempfile::tempdir().expect("temp dir");
    let scene = shop_file(&dir);
    // The read holds a connection on the cache's misses: with the 50 ms
    // write, 10 → 60 ms takes the database from 60/s × 55 ms ÷ 10 = 33%
    // to 60/s × 80 ms ÷ 10 = 48% busy.
    let short = run_json(&scene, &["endpoints[0].steps[2].read_ms=10"]);
    let long = run_json(&scene, &["endpoints[0].steps[2].read_ms=60"]);
    assert!(
        util(&long, "database") > 1.3 * util(&short, "database"),
        "{} vs {}",
        util(&long, "database"),
        util(&short, "database")
    );
    // Every lookup a hit: the read never runs, the database only writes.
    let hits = run_json(&scene, &["endpoints[0].steps[1].hit_ratio=1"]);
    assert!(util(&hits, "database") < util(&short, "database"));
    // 60/s × ~120 ms held = 7 of 16 threads busy; a non-blocking server
    // holds a worker only for the 5 ms of CPU.
    let threads = run_json(&scene, &[]);
    let nb = run_json(&scene, &["server.in_flight_per_instance=200"]);
    assert!(
        util(&threads, "server") > 0.3,
        "{}",
        util(&threads, "server")
    );
    assert!(util(&nb, "server") < 0.1, "{}", util(&nb, "server"));
    for v in [&short, &long, &hits, &threads, &nb] {
        assert_eq!(v["ledgers_balanced"], true);
    }
}

#[test]
fn bad_step_and_server_knobs_are_refused_with_the_reason() {
    let dir = tempfile::tempdir().expect("temp dir");
    let scene = shop_file(&dir);
    for (arg, expect) in [
        (
            "endpoints[0].steps[7].cpu_ms=1",
            "endpoint `checkout` has 5 steps (steps[0] to steps[4])",
        ),
        (
            "endpoints[0].steps[3].cpu_ms=1",
            "step 3 of `checkout` is Call(partner), which has no cpu_ms",
        ),
        (
            "endpoints[0].steps[4].read_ms=1",
            "step 4 of `checkout` is Write, which has no read_ms",
        ),
        (
            "endpoints[0].steps[1].hit_ratio=2",
            "endpoints[0].steps[1].hit_ratio = 2: must be a number between 0 and 1",
        ),
        ("endpoints[3].steps[0].cpu_ms=1", "unknown knob"),
        ("server.in_flight_per_instance=2.5", "whole number"),
    ] {
        let o = asynclab(&["run", &scene, "--set", arg]);
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(!o.status.success(), "--set {arg} accepted");
        assert!(err.contains(expect), "--set {arg}: {err}");
        assert!(!err.contains("panicked"), "{err}");
    }
    // A plain endpoint has no steps of its own to address.
    let mut plain = Scenario::default().settings;
    let e = asynclab::scenario::knobs::set(&mut plain, "endpoints[0].steps[0].cpu_ms", 5.0)
        .expect_err("no steps");
    assert!(e.to_string().contains("has no steps of its own"), "{e}");
}

#[test]
fn a_timeline_change_of_a_step_applies_mid_run_and_variants_may_set_them() {
    // At 60 s the read gets six times slower: the database's busy share
    // goes from about 33% to 48% in the windows after it, not before.
    let text = SHOP.replace(
        "database: (connections: 10),",
        r#"database: (connections: 10),
    timeline: [(at_s: 60.0, change: Set(path: "endpoints[0].steps[2].read_ms", value: 60.0))],
    variants: [
        (name: "threads", changes: []),
        (name: "non-blocking", changes: [Set(path: "server.in_flight_per_instance", value: 100.0)]),
        (name: "all hits", changes: [Set(path: "endpoints[0].steps[1].hit_ratio", value: 1.0)]),
    ],"#,
    );
    let s = Scenario::from_ron(&text, "shop.ron").expect("valid");
    assert_eq!(s.variants.len(), 3);
    let mut sys = System::new(s.settings.clone());
    let windows: Vec<Window> = sys.run_collecting(SimTime::from_secs_f64(120.0));
    let mean = |w: &[Window]| w.iter().map(|w| w.util_db).sum::<f64>() / w.len() as f64;
    let (before, after): (Vec<Window>, Vec<Window>) =
        windows.into_iter().partition(|w| w.t_s <= 60.0);
    assert!(
        mean(&after[5..]) > 1.3 * mean(&before[5..]),
        "before {} after {}",
        mean(&before),
        mean(&after)
    );
    assert_eq!(
        sys.settings().endpoints[0].steps[2],
        asynclab::scenario::Step::Read(asynclab::sim::Dist::Exponential { mean_ms: 60.0 })
    );
    sys.check_ledgers().expect("balanced");
    // A variant or timeline naming a step that is not there is refused.
    let bad = SHOP.replace(
        "database: (connections: 10),",
        r#"database: (connections: 10),
    timeline: [(at_s: 10.0, change: Set(path: "endpoints[0].steps[3].latency_ms", value: 5.0))],"#,
    );
    let e = Scenario::from_ron(&bad, "bad.ron").expect_err("a call has no latency_ms here");
    assert!(
        e.to_string()
            .contains("step 3 of `checkout` is Call(partner), which has no latency_ms"),
        "{e}"
    );
}

#[test]
fn a_live_server_model_switch_conserves_every_action_in_both_ledgers() {
    // Overloaded (150/s offered to 16 threads each held ~120 ms: about
    // 130/s), so the accept backlog, the workers and the partner all hold
    // requests at every switch: threads → non-blocking with too few
    // in-flight slots → threads → non-blocking with plenty.
    let mut s = Scenario::from_ron(SHOP, "shop.ron")
        .expect("valid")
        .settings;
    s.clients[0].rate_per_s = 150.0;
    let mut sys = System::new(s);
    for (at, in_flight) in [(30.0, 10.0), (60.0, 0.0), (90.0, 400.0), (120.0, 0.0)] {
        sys.run_collecting(SimTime::from_secs_f64(at));
        sys.check_ledgers().expect("balanced before the switch");
        let l = sys.ledgers();
        assert!(
            l.work.in_flight.server + l.work.in_flight.calling > 0,
            "{l:?}"
        );
        sys.apply(Change::Set {
            path: "server.in_flight_per_instance".into(),
            value: in_flight,
        })
        .expect("a valid model");
        sys.check_ledgers().expect("balanced at the switch");
        let want = if in_flight == 0.0 {
            ServerModel::Threads
        } else {
            ServerModel::NonBlocking {
                in_flight_per_instance: in_flight as u32,
            }
        };
        assert_eq!(sys.settings().server.model, want);
    }
    sys.run_collecting(SimTime::from_secs_f64(150.0));
    // Stop the traffic and let everything drain.
    sys.apply(Change::Set {
        path: "clients[0].rate_per_s".into(),
        value: 0.0,
    })
    .expect("valid");
    sys.apply(Change::Set {
        path: "server.in_flight_per_instance".into(),
        value: 50.0,
    })
    .expect("valid");
    sys.run_collecting(SimTime::from_secs_f64(400.0));
    sys.check_ledgers().expect("balanced when drained");
    let l = sys.ledgers();
    assert_eq!(l.actions.awaiting, 0, "{l:?}");
    assert_eq!(l.work.in_flight.total(), 0, "{:?}", l.work.in_flight);
    assert_eq!(
        l.actions.issued,
        l.actions.succeeded + l.actions.failed.total()
    );
    let g = sys.gauges();
    assert_eq!((g.server_busy, g.accept_backlog), (0, 0), "all released");
    assert!(l.actions.succeeded > 10_000, "{l:?}");
}

/// The shop with a partner outage of `kind` from 30 s to 60 s, and
/// nobody clicking again (each failure is one action's).
fn shop_with_outage(kind: &str, timeout_s: f64) -> Scenario {
    let text = SHOP
        .replace(
            "latency: Exponential(mean_ms: 100.0))",
            &format!("latency: Exponential(mean_ms: 100.0), timeout_s: {timeout_s:?})"),
        )
        .replace(
            "database: (connections: 10),",
            &format!(
                r#"database: (connections: 10),
    browser: (retry_probability: 0.0),
    queue: (sync_max_attempts: 1),
    timeline: [
        (at_s: 30.0, change: DependencyOutage(name: "partner", kind: {kind})),
        (at_s: 60.0, change: DependencyOutageEnd(name: "partner")),
    ],"#
            ),
        );
    Scenario::from_ron(&text, "shop.ron").expect("a valid outage")
}

/// Errors of `reason` per window, split into before, during and after
/// the outage (a window ending at 31 s holds the outage's first second).
fn errors_by_stretch(windows: &[Window], reason: fn(&Window) -> u64) -> [u64; 3] {
    let mut out = [0; 3];
    for w in windows {
        let i = if w.t_s <= 30.0 {
            0
        } else if w.t_s <= 62.0 {
            1
        } else {
            2
        };
        out[i] += reason(w);
    }
    out
}

#[test]
fn a_fail_fast_partner_outage_fails_calls_for_its_duration_only() {
    let s = shop_with_outage("FailFast", 0.0);
    let mut sys = System::new(s.settings);
    let windows = sys.run_collecting(SimTime::from_secs_f64(120.0));
    let failed = errors_by_stretch(&windows, |w| w.errors.call_failed);
    assert_eq!(failed[0], 0, "{failed:?}");
    assert_eq!(failed[2], 0, "{failed:?}");
    // 60/s for 30 s, half of them past the cache to the partner... every
    // request calls it (the cache skips the read, not the call).
    assert!(failed[1] > 1_500, "{failed:?}");
    let ok_after: u64 = windows
        .iter()
        .filter(|w| w.t_s > 65.0)
        .map(|w| w.responses)
        .sum();
    assert!(ok_after > 2_500, "answers again after: {ok_after}");
    sys.check_ledgers().expect("balanced");
    let sm = sys.summary();
    assert_eq!(sm.errors.call_failed, failed[1]);
    let markers: Vec<String> = sys
        .markers()
        .iter()
        .map(|m| asynclab::words::change(&m.change, sys.settings()))
        .collect();
    assert_eq!(
        markers,
        ["partner outage: calls fail", "partner back"],
        "markers on the plots"
    );
}

#[test]
fn a_hanging_partner_outage_makes_calls_time_out_or_wait_for_its_end() {
    // With a 2 s call timeout: calls time out, each holding its slot and
    // (threads) its worker for 2 s; the 16 workers fill and the rest wait.
    let s = shop_with_outage("Hang", 2.0);
    let mut sys = System::new(s.settings);
    let windows = sys.run_collecting(SimTime::from_secs_f64(120.0));
    let timed_out = errors_by_stretch(&windows, |w| w.errors.call_timeout);
    assert_eq!(timed_out[0], 0, "{timed_out:?}");
    assert!(timed_out[1] > 100, "{timed_out:?}");
    assert_eq!(windows.iter().map(|w| w.errors.call_failed).sum::<u64>(), 0);
    sys.check_ledgers().expect("balanced");
    // Without a timeout, the calls hang until the outage ends and fail
    // then, all at once.
    let s = shop_with_outage("Hang", 0.0);
    let mut sys = System::new(s.settings);
    sys.run_collecting(SimTime::from_secs_f64(59.0));
    let l = sys.ledgers();
    assert!(l.work.in_flight.calling >= 16, "hanging calls: {l:?}");
    assert_eq!(sys.summary().dependencies[0].failures.failed, 0);
    sys.run_collecting(SimTime::from_secs_f64(120.0));
    // Counted at the partner (their users gave up long before).
    let failed = sys.summary().dependencies[0].failures.failed;
    assert!(failed >= 16, "released as failures at the end: {failed}");
    sys.check_ledgers().expect("balanced");
    // Only calls of the ordinary traffic remain (60/s × 100 ms).
    assert!(sys.ledgers().work.in_flight.calling < 16);
}

#[test]
fn a_dependency_outage_naming_an_unknown_dependency_is_refused() {
    let bad = SHOP.replace(
        "database: (connections: 10),",
        r#"database: (connections: 10),
    timeline: [(at_s: 5.0, change: DependencyOutage(name: "payments", kind: FailFast))],"#,
    );
    let e = Scenario::from_ron(&bad, "bad.ron").expect_err("no such dependency");
    assert!(
        e.to_string()
            .contains("no dependency named `payments` (this scene has `partner`)"),
        "{e}"
    );
    let s = Scenario::from_ron(SHOP, "shop.ron").expect("valid");
    let mut sys = System::new(s.settings);
    let e = sys
        .apply(Change::DependencyOutageEnd {
            name: "nope".into(),
        })
        .expect_err("refused live too");
    assert_eq!(
        e.to_string(),
        "no dependency named `nope` (this scene has `partner`)"
    );
    // A scene without dependencies says so.
    let mut plain = System::new(Scenario::default().settings);
    let e = plain
        .apply(Change::DependencyOutage {
            name: "partner".into(),
            kind: asynclab::sim::config::OutageKind::FailFast,
        })
        .expect_err("none");
    assert!(e.to_string().ends_with("(this scene has none)"), "{e}");
}

/// The Timeline panel's "Add event" form, its "what" list opened.
fn open_event_kinds(s: Scenario) -> egui_kittest::Harness<'static, crate::kit::TestApp> {
    let mut h = crate::kit::harness(s);
    h.state_mut()
        .app
        .apply(asynclab::app::AppAction::ShowTimeline(true));
    h.run_steps(3);
    h.get_by_label("Add event").click();
    h.run_steps(2);
    // The new event is a setting: its "what" chooser shows so.
    h.get_all_by_role(egui::accesskit::Role::ComboBox)
        .find(|n| n.value().as_deref() == Some("a setting"))
        .expect("the kind's combo box")
        .click();
    h.run_steps(2);
    h
}

#[test]
fn the_timeline_panel_adds_a_dependency_outage_for_a_scene_with_a_dependency() {
    let s = Scenario::from_ron(SHOP, "shop.ron").expect("valid");
    let mut h = open_event_kinds(s);
    h.get_all_by_label("dependency outage starts")
        .last()
        .expect("offered")
        .click();
    h.run_steps(2);
    assert!(
        h.get_all_by_role(egui::accesskit::Role::ComboBox)
            .any(|n| n.value().as_deref() == Some("partner")),
        "the dependency chooser shows the scene's dependency"
    );
    h.get_by_label("hang").click();
    h.run_steps(1);
    h.get_by_label("Apply").click();
    h.run_steps(3);
    let snap = h.state().app.host().snapshot().clone();
    let added: Vec<_> = snap
        .edited
        .settings
        .timeline
        .iter()
        .map(|e| e.change.clone())
        .collect();
    assert_eq!(
        added,
        [Change::DependencyOutage {
            name: "partner".into(),
            kind: asynclab::sim::config::OutageKind::Hang,
        }]
    );
    // A scene without dependencies does not offer it.
    let h = open_event_kinds(Scenario::default());
    assert!(h.query_by_label("DB outage starts").is_some());
    assert!(h.query_by_label("dependency outage starts").is_none());
}
