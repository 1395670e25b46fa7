//! The property test's generator run for a fixed wall time: random scenes
//! (hostile variant names, switched-off events, goals, thousands of
//! captions among them) with random live commands, each checked as in
//! `tests/integration/fuzz.rs` (refusals, ledgers, holdings, twins, CSV
//! cells), and besides: every window's quantiles in order and within
//! [0, max]. Prints the cases tried and the events simulated; stops at the
//! first failing case and prints it.
//!
//! `cargo run --release --example fuzz_soak -- --seconds 600 [--seed N]`

#[path = "../tests/common/fuzz_gen.rs"]
mod fuzz_gen;

use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use std::time::{Duration, Instant};

fn arg(name: &str, default: u64) -> u64 {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn main() {
    let seconds = arg("--seconds", 60);
    let seed = arg("--seed", 1);
    let mut bytes = [0u8; 32];
    bytes[..8].copy_from_slice(&seed.to_le_bytes());
    let rng = TestRng::from_seed(RngAlgorithm::ChaCha, &bytes);
    let mut runner = TestRunner::new_with_rng(Config::default(), rng);
    let strategy = (fuzz_gen::scene(), fuzz_gen::commands());
    let started = Instant::now();
    let (mut cases, mut events) = (0u64, 0u64);
    while started.elapsed() < Duration::from_secs(seconds) {
        let tree = match strategy.new_tree(&mut runner) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("generator failed: {e}");
                std::process::exit(2);
            }
        };
        let (scene, cmds) = tree.current();
        let checked = fuzz_gen::run_checked(&scene, &cmds)
            .and_then(|(n, windows)| quantiles_in_order(&windows).map(|()| n));
        match checked {
            Ok(n) => {
                cases += 1;
                events += n;
            }
            Err(e) => {
                println!("FAILED after {cases} cases: {e}\nscene: {scene:#?}\ncommands: {cmds:#?}");
                std::process::exit(1);
            }
        }
    }
    let wall = started.elapsed().as_secs_f64();
    println!(
        "fuzz_soak: {cases} cases passed in {wall:.0} s ({:.0} cases/s), {events} events simulated, seed {seed}",
        cases as f64 / wall
    );
}

/// Every window's wait and time-to-processed quantiles: 0 ≤ p50 ≤ p95 ≤
/// p99 ≤ max (a quantile outside the samples' range would be a number no
/// user saw).
fn quantiles_in_order(windows: &[asynclab::sim::Window]) -> Result<(), String> {
    for w in windows {
        for (what, q) in [("wait", &w.wait), ("processed", &w.processed)] {
            if q.p50.is_nan() {
                continue;
            }
            let slack = 1e-9 * q.max.abs().max(1.0);
            let ordered = 0.0 <= q.p50
                && q.p50 <= q.p95 + slack
                && q.p95 <= q.p99 + slack
                && q.p99 <= q.max + slack;
            if !ordered {
                return Err(format!(
                    "{what} quantiles out of order in the window ending {}: {q:?}",
                    w.t_s
                ));
            }
        }
    }
    Ok(())
}
