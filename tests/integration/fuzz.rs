//! The fuzzing harness that stays: random valid scenes and random live
//! commands, every run bounded, balanced and within [0, 1] utilisation.
//! `PROPTEST_CASES=N cargo test --release --test integration fuzz` runs
//! more cases; `cargo run --release --example fuzz_soak -- --seconds S`
//! runs for a fixed wall time and reports the cases tried.

#[path = "../common/fuzz_gen.rs"]
mod fuzz_gen;

use proptest::prelude::*;

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(400)
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: cases(),
        // Failures are reported with the seed; no files are written.
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn random_scenes_and_live_commands_stay_bounded_and_balanced(
        s in fuzz_gen::scene(),
        cmds in fuzz_gen::commands(),
    ) {
        if let Err(e) = fuzz_gen::run_checked(&s, &cmds) {
            return Err(TestCaseError::fail(e));
        }
    }
}
