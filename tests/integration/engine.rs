//! The engine proven against an exact oracle and against queueing theory.

use asynclab::sim::mmc::{MmcParams, MmcResult, kiefer_wolfowitz_waits, run_mmc};
use asynclab::sim::theory::{mm1_mean_wait_s, mmc_mean_wait_s};

fn params(lambda: f64, mu: f64, c: u32, customers: u64, seed: u64) -> MmcParams {
    MmcParams {
        lambda_per_s: lambda,
        mu_per_s: mu,
        servers: c,
        customers,
        warmup: 0,
        seed,
        record_waits: false,
    }
}

/// Runs `seeds` independent replications on two threads (the CI machine has
/// two cores) and returns them in seed order.
fn replicate(seeds: u64, p: impl Fn(u64) -> MmcParams + Sync) -> Vec<MmcResult> {
    let p = &p;
    std::thread::scope(|s| {
        let half = seeds / 2;
        let a = s.spawn(move || (0..half).map(|k| run_mmc(&p(k))).collect::<Vec<_>>());
        let b = s.spawn(move || (half..seeds).map(|k| run_mmc(&p(k))).collect::<Vec<_>>());
        let mut v = a.join().expect("replication thread");
        v.extend(b.join().expect("replication thread"));
        v
    })
}

#[test]
fn mm1_waits_equal_lindley_recursion_bit_for_bit() {
    let mut p = params(8.0, 10.0, 1, 50_000, 3);
    p.record_waits = true;
    let sim = run_mmc(&p).waits;
    let oracle = kiefer_wolfowitz_waits(&p);
    assert_eq!(sim.len(), 50_000);
    assert_eq!(sim, oracle);
    // Not vacuous: plenty of customers did wait.
    assert!(sim.iter().filter(|w| w.0 > 0).count() > 30_000);
}

#[test]
fn mmc_waits_equal_kiefer_wolfowitz_recursion_bit_for_bit() {
    for (c, seed) in [(2, 1), (10, 2), (10, 9)] {
        let mut p = params(0.9 * 10.0 * c as f64, 10.0, c, 50_000, seed);
        p.record_waits = true;
        let sim = run_mmc(&p).waits;
        assert_eq!(sim, kiefer_wolfowitz_waits(&p), "c = {c}, seed {seed}");
        assert!(sim.iter().filter(|w| w.0 > 0).count() > 10_000);
    }
}

#[test]
fn mmc_mean_wait_matches_erlang_c() {
    // λ = 90/s, μ = 10/s, c = 10: ρ = 0.9. 20 seeds × 1,000,000 customers,
    // the first 10,000 of each discarded; ±2% is about three standard errors
    // of the grand mean at this load.
    let runs = replicate(20, |k| MmcParams {
        warmup: 10_000,
        ..params(90.0, 10.0, 10, 1_000_000, 1000 + k)
    });
    let mean = runs.iter().map(|r| r.mean_wait_s).sum::<f64>() / runs.len() as f64;
    let theory = mmc_mean_wait_s(90.0, 10.0, 10);
    let rel = (mean - theory) / theory;
    assert!(
        rel.abs() < 0.02,
        "mean wait {mean:.6} s vs Erlang C {theory:.6} s ({rel:+.4})"
    );
    let util = runs.iter().map(|r| r.utilisation).sum::<f64>() / runs.len() as f64;
    assert!((util - 0.9).abs() / 0.9 < 0.01, "utilisation {util}");
}

#[test]
fn mm1_matches_theory_and_littles_law() {
    // ρ = 0.8: Wq = ρ/(μ−λ) = 0.4 s. 20 seeds × 200,000 customers.
    let runs = replicate(20, |k| MmcParams {
        warmup: 10_000,
        ..params(8.0, 10.0, 1, 200_000, 5000 + k)
    });
    let n = runs.len() as f64;
    let mean = runs.iter().map(|r| r.mean_wait_s).sum::<f64>() / n;
    let theory = mm1_mean_wait_s(8.0, 10.0);
    let rel = (mean - theory) / theory;
    assert!(
        rel.abs() < 0.02,
        "M/M/1 mean wait {mean:.5} s vs {theory:.5} s ({rel:+.4})"
    );
    let util = runs.iter().map(|r| r.utilisation).sum::<f64>() / n;
    assert!((util - 0.8).abs() / 0.8 < 0.01, "utilisation {util}");
    // Little's law, per run: L (time average, integrated from the event
    // stream) = λ (observed) × W (per-customer sojourns).
    for r in &runs {
        let lw = r.arrival_rate_per_s * r.mean_sojourn_s;
        let rel = (r.mean_in_system - lw) / lw;
        assert!(
            rel.abs() < 0.005,
            "L = {} vs λW = {lw} ({rel:+.5})",
            r.mean_in_system
        );
    }
}

#[test]
fn same_seed_same_run_other_seed_other_run() {
    let mut p = params(90.0, 10.0, 10, 100_000, 77);
    p.record_waits = true;
    let a = run_mmc(&p);
    let b = run_mmc(&p);
    assert_eq!(a.waits, b.waits);
    assert_eq!(a.mean_wait_s.to_bits(), b.mean_wait_s.to_bits());
    assert_eq!(a.events, b.events);
    p.seed = 78;
    let c = run_mmc(&p);
    assert_ne!(a.waits, c.waits);
    assert_ne!(a.mean_wait_s.to_bits(), c.mean_wait_s.to_bits());
}
