//! The property test's generator run for a fixed wall time: random valid
//! scenes with random live commands, each checked as in
//! `tests/integration/fuzz.rs`. Prints the cases tried and the events
//! simulated; stops at the first failing case and prints it.
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
        match fuzz_gen::check(&scene, &cmds) {
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
