//! The sweep engine: on an M/M/c-shaped scene its points land on Erlang C;
//! the cheapest-capacity search finds sync needing more capacity than
//! async on Black Friday.

use super::scene;
use asynclab::scenario::{Mode, Scenario, Shape};
use asynclab::sim::Dist;
use asynclab::sim::capacity::StageKind;
use asynclab::sweep::{CheapestSpec, Knob, Progress, Spec, cheapest, grid, run_sweep, seeds};
use std::sync::atomic::AtomicBool;

/// Async; the broker and 5 workers (each holding one of 5 connections)
/// are M/M/5 with μ = 20/s; everything before the broker takes constant
/// time and never queues.
fn mmc_scene() -> Scenario {
    let mut s = Scenario {
        title: "M/M/5".into(),
        duration_s: 600.0,
        ..Scenario::default()
    };
    let st = &mut s.settings;
    st.seed = 11;
    st.endpoints[0].mode = Mode::Async;
    st.endpoints[0].cpu = Dist::Constant { mean_ms: 5.0 };
    st.endpoints[0].db_write = Dist::Exponential { mean_ms: 50.0 };
    st.network.latency = Dist::Constant { mean_ms: 10.0 };
    st.queue.enqueue = Dist::Constant { mean_ms: 1.0 };
    st.queue.workers = 5;
    st.database.connections = 5;
    st.server.instances = 2;
    st.server.workers_per_instance = 200;
    s
}

#[test]
fn an_mmc_sweep_lands_within_3_standard_errors_of_erlang_c() {
    let s = mmc_scene();
    let spec = Spec {
        knob: Knob::Path("clients[0].rate_per_s".into()),
        values: grid(20.0, 95.0, 6, false),
        modes: vec![Mode::Async],
        seeds: seeds(s.settings.seed, 5),
        duration_s: None,
        threads: 0,
    };
    let mut last = Progress::default();
    let sweep = run_sweep(&s, &spec, |p| last = p, &AtomicBool::new(false)).expect("runs");
    assert_eq!(last.runs_done, 30);
    assert_eq!(last.fraction(), 1.0);
    let mut checked = 0;
    for p in &sweep.points {
        let rho = p.bottleneck_utilisation();
        let station = p.mmc.expect("an M/M/c station");
        assert!(matches!(
            p.bottleneck(),
            Some(StageKind::Database | StageKind::QueueWorkers)
        ));
        if rho >= 0.9 {
            continue;
        }
        assert!((rho - station.utilisation(p.value)).abs() < 0.03, "ρ {rho}");
        let theory = station.mean_processed_s(p.value);
        let sim = p.spread(|r| r.processed.map_or(f64::NAN, |q| q.mean));
        assert_eq!(sim.n, 5);
        assert!(
            (sim.mean - theory).abs() <= 3.0 * sim.se,
            "λ {}: simulated {:.4} s ± {:.4}, Erlang C {theory:.4} s",
            p.value,
            sim.mean,
            sim.se
        );
        // The merged histograms' p95 is Erlang C's too (2 significant
        // digits, and the seeds' noise).
        let p95 = p.processed.expect("samples").p95;
        let want = station.processed_quantile_s(p.value, 0.95);
        assert!(
            (p95 - want).abs() <= 0.05 * want,
            "λ {}: p95 {p95} vs {want}",
            p.value
        );
        checked += 1;
    }
    assert!(checked >= 5, "{checked} points below 90%");
}

/// Compresses a scene in time by `k` (as the Black Friday claim test in
/// scenes.rs does): shape times, duration, windows and the processing SLA.
fn compress(mut s: Scenario, k: f64) -> Scenario {
    for c in &mut s.settings.clients {
        if let Shape::Points(p) = &mut c.shape {
            for pt in p.iter_mut() {
                pt.0 /= k;
            }
        }
    }
    s.duration_s /= k;
    s.settings.window_s /= k;
    s.settings.percentile_window_s /= k;
    s.settings.sla.processed_target_s /= k;
    for e in &mut s.settings.timeline {
        e.at_s /= k;
    }
    s
}

#[test]
fn black_friday_sync_needs_more_capacity_than_async() {
    let s = compress(scene("04-black-friday.ron"), 24.0);
    let spec = CheapestSpec {
        knob: Knob::DbAndWorkers,
        from: Some(2.0),
        to: Some(30.0),
        modes: vec![Mode::Sync, Mode::Async],
        seeds: vec![s.settings.seed],
        duration_s: None,
        threads: 0,
        tolerance: 0.01,
    };
    let found = cheapest(&s, &spec, |_| {}, &AtomicBool::new(false)).expect("runs");
    let (sync, asyn) = (&found[0], &found[1]);
    assert_eq!((sync.mode, asyn.mode), (Mode::Sync, Mode::Async));
    let (n_sync, n_async) = (
        sync.value.expect("sync meets the SLAs somewhere"),
        asyn.value.expect("async meets the SLAs somewhere"),
    );
    assert!(n_sync > n_async, "sync {n_sync}, async {n_async}");
    // The article's claim: sync buys the peak, async the average.
    assert!(
        sync.cost_per_hour >= 1.5 * asyn.cost_per_hour,
        "sync ${:.2}/h ({n_sync}), async ${:.2}/h ({n_async})",
        sync.cost_per_hour,
        asyn.cost_per_hour
    );
    // Bisection: one below the answer fails, the answer meets.
    for c in [sync, asyn] {
        let v = c.value.expect("found");
        assert!(c.tried.iter().any(|t| t.value == v && t.meets));
        assert!(c.tried.iter().any(|t| t.value == v - 1.0 && !t.meets));
    }
}

#[test]
fn a_sweep_stops_when_cancelled_and_reports_progress_on_the_way() {
    let s = mmc_scene();
    let spec = Spec {
        knob: Knob::Path("clients[0].rate_per_s".into()),
        values: grid(50.0, 90.0, 4, false),
        modes: vec![Mode::Sync, Mode::Async],
        seeds: seeds(1, 3),
        duration_s: Some(3_600.0),
        threads: 0,
    };
    let cancel = AtomicBool::new(false);
    let mut reports = 0;
    let r = run_sweep(
        &s,
        &spec,
        |p| {
            reports += 1;
            assert!(p.runs_total == 24 && p.runs_done < 24 && p.fraction() < 1.0);
            cancel.store(true, std::sync::atomic::Ordering::Relaxed);
        },
        &cancel,
    );
    assert!(matches!(r, Err(asynclab::sweep::SweepError::Cancelled)));
    assert!(reports >= 1);
}
