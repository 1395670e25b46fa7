//! Speed benchmark of the sweep engine: a 20-step sweep of Slow database,
//! sync and async, 300 sim seconds per point (40 runs), on all cores and
//! then the same 40 runs one after another on one thread.
//!
//! `cargo run --release --example bench_sweep [-- --steps 20 --duration 300]`
//!
//! Prints one `key=value` line. The target: the parallel sweep
//! takes at most 0.6× the time of the runs one after another, and under
//! 4 s on a 2-core machine.
//!
//! A shared VM's speed drifts by a third from one second to the next (the
//! same single-threaded run measures 0.6-0.9 s here), so one sequential
//! timing against one parallel timing says as much about the drift as about
//! the sweep. The benchmark times `--rounds` pairs in A-B-B-A order (one
//! after another, on all cores, on all cores, one after another, ...) so a
//! drift weighs on both alike, and reports the ratio of the medians and
//! of the best times beside every round's own ratio.

#[path = "common/stats.rs"]
mod stats;

use asynclab::scenario::{self, Mode};
use asynclab::sweep::{Knob, Spec, grid, run_sweep};
use clap::Parser;
use stats::{median, min};
use std::sync::atomic::AtomicBool;
use std::time::Instant;

#[derive(Parser)]
#[command(about = "Times a sweep of Slow database on all cores and on one")]
struct Args {
    /// Values in the grid.
    #[arg(long, default_value_t = 20)]
    steps: usize,
    /// Sim seconds per run.
    #[arg(long, default_value_t = 300.0)]
    duration: f64,
    /// The knob swept.
    #[arg(long, default_value = "clients[0].rate_per_s")]
    knob: String,
    /// First value.
    #[arg(long, default_value_t = 10.0)]
    from: f64,
    /// Last value.
    #[arg(long, default_value_t = 60.0)]
    to: f64,
    /// Worker threads of the parallel sweep (0: all cores).
    #[arg(long, default_value_t = 0)]
    threads: usize,
    /// Timed pairs (one sequential and one parallel sweep each).
    #[arg(long, default_value_t = 5)]
    rounds: usize,
}

/// CPU time of this process so far (all threads), seconds; NaN where
/// /proc is missing.
fn cpu_s() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command name's closing parenthesis; utime and
    // stime are the 14th and 15th fields, in clock ticks (100 per second).
    let rest = stat.rsplit(')').next().unwrap_or("");
    let f: Vec<&str> = rest.split_whitespace().collect();
    match (f.get(11), f.get(12)) {
        (Some(u), Some(s)) => match (u.parse::<f64>(), s.parse::<f64>()) {
            (Ok(u), Ok(s)) => (u + s) / 100.0,
            _ => f64::NAN,
        },
        _ => f64::NAN,
    }
}

fn main() -> Result<(), String> {
    let a = Args::parse();
    let scene = scenario::builtin("02-slow-database.ron")
        .ok_or("Slow database is not built in")?
        .map_err(|e| e.to_string())?;
    let spec = |threads| Spec {
        knob: Knob::Path(a.knob.clone()),
        values: grid(a.from, a.to, a.steps, false),
        modes: vec![Mode::Sync, Mode::Async],
        seeds: vec![scene.settings.seed],
        duration_s: Some(a.duration),
        threads,
    };
    let cancel = AtomicBool::new(false);
    let time = |threads: usize| -> Result<(f64, f64, u64), String> {
        let (t0, c0) = (Instant::now(), cpu_s());
        let sw = run_sweep(&scene, &spec(threads), |_| {}, &cancel).map_err(|e| e.to_string())?;
        Ok((t0.elapsed().as_secs_f64(), cpu_s() - c0, sw.events))
    };
    // One untimed pass first, so neither timing pays for cold caches and
    // the allocator's first growth.
    time(a.threads)?;
    let (mut seq, mut par, mut seq_cpu, mut par_cpu) = (vec![], vec![], vec![], vec![]);
    let mut events = 0;
    for round in 0..a.rounds.max(1) {
        // A-B in even rounds, B-A in odd ones.
        let order = if round % 2 == 0 {
            [1, a.threads]
        } else {
            [a.threads, 1]
        };
        for (k, threads) in order.into_iter().enumerate() {
            let (wall, cpu, ev) = time(threads)?;
            let sequential = (round % 2 == 0) == (k == 0);
            if sequential {
                seq.push(wall);
                seq_cpu.push(cpu);
            } else {
                par.push(wall);
                par_cpu.push(cpu);
                events = ev;
            }
        }
    }
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let list = |xs: &[f64]| {
        xs.iter()
            .map(|x| format!("{x:.3}"))
            .collect::<Vec<_>>()
            .join(",")
    };
    let ratios: Vec<f64> = par.iter().zip(&seq).map(|(p, s)| p / s).collect();
    println!(
        "bench=sweep scene=\"Slow database\" knob={} steps={} runs={} sim_s_per_run={} cores={cores} rounds={} events={events} parallel_wall_s_median={:.3} parallel_wall_s_best={:.3} parallel_cpu_s_median={:.2} sequential_wall_s_median={:.3} sequential_wall_s_best={:.3} sequential_cpu_s_median={:.2} ratio_of_medians={:.3} ratio_of_best={:.3} round_ratios={} parallel_walls={} sequential_walls={} events_per_s={:.0}",
        a.knob,
        a.steps,
        2 * a.steps,
        a.duration,
        seq.len(),
        median(&par),
        min(&par),
        median(&par_cpu),
        median(&seq),
        min(&seq),
        median(&seq_cpu),
        median(&par) / median(&seq),
        min(&par) / min(&seq),
        list(&ratios),
        list(&par),
        list(&seq),
        events as f64 / median(&par),
    );
    Ok(())
}
