//! The scenes of "your own system": their claims on their own seed.

use super::{between, max_of, mean_of, median_of, rate_at, run, run_to, scene};
use asynclab::scenario::{Mode, Scenario, Shape};
use asynclab::sim::Window;
use asynclab::sim::capacity::{Measured, StageKind, analyse};

// ----- 11. Slow partner API ------------------------------------------------------

pub(super) fn s11(s: Scenario) {
    let switch_s = 180.0;
    let d = s.duration_s;
    let settled = 240.0;
    // "It takes 100 calls/s (20 slots × 200 ms)".
    let p = &s.settings.dependencies[0];
    assert_eq!(f64::from(p.slots) * 1000.0 / p.latency.mean_ms(), 100.0);
    // "while 150 checkouts/s arrive" (caption at 40 s).
    assert_eq!(rate_at(&s, 0, 40.0), 150.0);
    assert!(rate_at(&s, 0, 39.0) < 150.0);
    let sys = run(s.clone());
    let ws = sys.windows();
    // Caption at 5 s, "a checkout takes about a quarter of a second":
    // network 40 ms + CPU 5 ms + call 200 ms + write 10 ms.
    let light = mean_of(ws, 5.0, 20.0, |w| w.wait.mean);
    assert!((0.2..=0.32).contains(&light), "light mean {light} s");
    // MODEL: "sync p95 ≥ 10 s and servers ≥ 95% busy"; "users wait past
    // 10 s"; "the servers sit at 100% busy, mostly waiting for a partner
    // slot".
    let peak = max_of(ws, 40.0, switch_s, |w| w.wait.p95);
    assert!(peak >= 10.0, "sync p95 {peak} s");
    let server = mean_of(ws, 80.0, switch_s, |w| w.util_server);
    assert!(server >= 0.95, "servers {server} busy");
    let waiting = mean_of(ws, 80.0, switch_s, |w| w.dependencies[0].waiting as f64);
    assert!(waiting >= 50.0, "{waiting} calls wait for a slot");
    // MODEL: "ack p95 ≤ 2× the light-load ack": the same scene
    // acknowledged before the charge from the start, at 40/s.
    let mut light_async = s.clone();
    light_async.settings.timeline.clear();
    light_async.settings.endpoints[0].mode = Mode::Async;
    light_async.settings.clients[0].shape = Shape::Constant;
    let lws = run_to(light_async, 60.0);
    let light_ack = median_of(lws.windows(), 10.0, 60.0, |w| w.wait.p95);
    let ack = median_of(ws, settled, d, |w| w.wait.p95);
    assert!(ack <= 2.0 * light_ack, "ack p95 {ack} s vs {light_ack} s");
    // "the wait falls to the acknowledgement".
    assert!(ack < 0.1, "ack p95 {ack} s");
    // MODEL: "commits 100/s ± 5%"; "commits hold at about 100/s".
    let commits = mean_of(ws, settled, d, |w| w.commits as f64);
    assert!((95.0..=105.0).contains(&commits), "{commits} commits/s");
    // MODEL: "backlog +50/s ± 5%"; "the queue grows by the other 50/s".
    let at = |t: f64| {
        between(ws, t - 1.0, t)
            .next()
            .map_or(0.0, |w: &Window| w.backlog as f64)
    };
    let growth = (at(d) - at(settled)) / (d - settled);
    assert!((47.5..=52.5).contains(&growth), "backlog +{growth}/s");
    // "The bottleneck strip names the partner API", sync and async.
    for end_s in [170.0, 300.0] {
        let span: Vec<Window> = between(ws, end_s - 10.0, end_s).cloned().collect();
        let m = Measured::from_windows(&span, s.settings.window_s);
        let mut live = s.settings.clone();
        if end_s > switch_s {
            live.endpoints[0].mode = Mode::Async;
        }
        let a = analyse(&live, &m, None);
        assert_eq!(a.bottleneck().kind, StageKind::Dependency { index: 0 });
        let words = asynclab::explain::explain(&a, &live, &asynclab::sim::Gauges::default());
        assert!(
            words.headline.starts_with("partner API is the bottleneck"),
            "{}",
            words.headline
        );
    }
}

#[test]
fn s11_slow_partner_api_waits_sync_and_queues_async() {
    s11(scene("11-slow-partner-api.ron"));
}

// ----- Example: a checkout ------------------------------------------------------

/// The example's claims, twin by twin: "sync, the 8 server workers are all
/// busy waiting for the partner and users give up; charging later, users
/// are answered in tens of milliseconds and no checkout fails".
pub(super) fn checkout(s: Scenario) {
    use asynclab::sim::Reason;
    assert_eq!(s.settings.server_workers(), 8);
    assert_eq!(s.variants.len(), 2);
    let twin = |i: usize| {
        let mut t = s.clone();
        for c in &s.variants[i].changes {
            c.apply_to(&mut t.settings).expect("the variant applies");
        }
        run(t)
    };
    let mut sync = twin(0);
    let u = sync.summary().utilisation;
    assert!(u.server >= 0.95, "sync servers {u:?}");
    assert!(sync.totals().errors[Reason::Timeout] > 0, "users give up");
    let mut later = twin(1);
    let sm = later.summary();
    let p95 = sm.wait.as_ref().expect("waits").p95;
    assert!((0.01..0.1).contains(&p95), "ack p95 {p95} s");
    assert_eq!(later.totals().errors.total(), 0, "no checkout fails");
}

#[test]
fn the_checkout_example_loads_validates_and_compares() {
    checkout(scene("examples/checkout.ron"));
    // `run --compare` answers for it, by its bare name.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_asynclab"))
        .args(["run", "--compare", "examples/checkout"])
        .output()
        .expect("run asynclab");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    assert!(text.contains("twins side by side"), "{text}");
    let modes = text
        .lines()
        .find(|l| l.trim_start().starts_with("mode "))
        .unwrap_or_default();
    assert!(modes.contains("SYNC") && modes.contains("ASYNC"), "{modes}");
    assert!(text.contains("charge later") && text.contains("\nDifference\n"));
}
