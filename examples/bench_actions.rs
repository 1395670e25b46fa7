//! Speed benchmark: simulated user actions per wall-clock second on the
//! Black Friday scene (24 h of sim time), in sync and in async mode, then
//! its twins compared headless, a thread per twin.
//!
//! `cargo run --release --example bench_actions [-- --scene FILE] [--hours H] [--trace-every N] [--twins-only]`
//!
//! Prints `key=value` lines. Targets: ≥ 1,000,000 actions per second in
//! sync mode on one core (a day-long scene replays in a few
//! seconds); ≥ 2,000,000 actions per second over both twins of a compare
//! on two cores. Each twin's thread also reports its own CPU
//! time: on a machine shared with other work, actions ÷ the slowest
//! thread's CPU time is what two free cores would give.

#[path = "common/stats.rs"]
mod stats;

use asynclab::scenario::{self, Client, Mode, Scenario, Shape};
use asynclab::sim::mmc::{MmcParams, run_mmc};
use asynclab::sim::trace::TraceConfig;
use asynclab::sim::{SimTime, System, Twins};
use clap::Parser;
use std::path::PathBuf;
use std::time::Instant;

#[derive(Parser)]
#[command(about = "Times AsyncLab on the Black Friday scene, sync and async")]
struct Args {
    /// Scene file (default: the built-in 04-black-friday.ron, or a stand-in
    /// with a Black Friday shape at 100 actions/s when it is missing).
    #[arg(long)]
    scene: Option<PathBuf>,
    /// Hours of sim time to run (default: the scene's duration).
    #[arg(long)]
    hours: Option<f64>,
    /// Trace one action in this many, as the live app does (1 in 100);
    /// default and 0: none, as `asynclab run` (the solo runs only).
    #[arg(long)]
    trace_every: Option<u64>,
    /// Time only the compare (twins on a thread each).
    #[arg(long)]
    twins_only: bool,
    /// Runs of the compare to time.
    #[arg(long, default_value_t = 5)]
    repeat: u32,
}

/// A stand-in for scene 4 while it is not built in: one client at 100
/// actions/s ramping to 3× over a day, sized so sync keeps up.
fn stand_in() -> Scenario {
    let mut s = Scenario {
        title: "Black Friday (stand-in)".into(),
        duration_s: 86_400.0,
        ..Scenario::default()
    };
    s.settings.window_s = 60.0;
    s.settings.percentile_window_s = 600.0;
    s.settings.clients = vec![Client {
        name: "shoppers".into(),
        rate_per_s: 100.0,
        shape: Shape::BlackFriday {
            start_s: 21_600.0,
            ramp_up_s: 10_800.0,
            hold_s: 21_600.0,
            ramp_down_s: 21_600.0,
            peak: 3.0,
        },
        ..Client::default()
    }];
    s.settings.server.instances = 4;
    s.settings.server.workers_per_instance = 100;
    s.settings.database.connections = 40;
    s.settings.queue.workers = 40;
    s
}

fn load(args: &Args) -> Result<Scenario, String> {
    match &args.scene {
        Some(path) => Scenario::load(path).map_err(|e| e.to_string()),
        None => match scenario::builtin("04-black-friday.ron") {
            Some(r) => r.map_err(|e| e.to_string()),
            None => Ok(stand_in()),
        },
    }
}

struct Timing {
    actions: u64,
    events: u64,
    wall_s: f64,
    cpu_s: f64,
}

/// CPU time of this (single-threaded) process so far, seconds, from
/// /proc/self/schedstat; NaN where unavailable. On a busy machine it is a
/// fairer measure than wall time, so both are printed.
fn cpu_s() -> f64 {
    std::fs::read_to_string("/proc/self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse::<u64>().ok())
        .map_or(f64::NAN, |ns| ns as f64 / 1e9)
}

fn time_run(mut s: Scenario, mode: Mode, trace_every: Option<u64>) -> Result<Timing, String> {
    for e in &mut s.settings.endpoints {
        e.mode = mode;
    }
    // Scripted mode switches would defeat the point of timing one mode.
    s.settings
        .timeline
        .retain(|ev| !matches!(ev.change, scenario::Change::SetMode { .. }));
    let end = SimTime::from_secs_f64(s.duration_s);
    let started = Instant::now();
    let cpu_started = cpu_s();
    let mut sys = System::new(s);
    // As `asynclab run`: no journeys sampled unless asked for.
    sys.set_tracing(match trace_every {
        Some(every) if every > 0 => TraceConfig {
            every,
            ..TraceConfig::default()
        },
        _ => TraceConfig::OFF,
    });
    sys.run_until(end);
    let wall_s = started.elapsed().as_secs_f64();
    let cpu_s = cpu_s() - cpu_started;
    sys.check_ledgers()?;
    Ok(Timing {
        actions: sys.ledgers().actions.issued,
        events: sys.events(),
        wall_s,
        cpu_s,
    })
}

/// CPU time of the calling thread, seconds.
fn thread_cpu_s() -> f64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid timespec for the call to fill.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    if rc == 0 {
        ts.tv_sec as f64 + ts.tv_nsec as f64 / 1e9
    } else {
        f64::NAN
    }
}

/// The scene's twins (its variants or all sync against all async), a
/// thread each as `asynclab run --compare` runs them (steps of 250,000
/// events, windows drained after each), timed on the wall clock and on
/// each thread's CPU clock.
fn time_compare(s: &Scenario) -> Result<f64, String> {
    let reference = reference_events_per_s();
    let mut twins = Twins::compare(&s.settings, &s.variants).map_err(|e| e.to_string())?;
    let end = SimTime::from_secs_f64(s.duration_s);
    let started = Instant::now();
    let cpu: Vec<f64> = std::thread::scope(|scope| {
        let handles: Vec<_> = twins
            .twins_mut()
            .iter_mut()
            .map(|t| {
                // As `asynclab run --compare`: no journeys sampled headless.
                t.system_mut().set_tracing(TraceConfig::OFF);
                scope.spawn(move || {
                    let cpu0 = thread_cpu_s();
                    while !t.run_for(end, asynclab::cli::simulate::EVENTS_PER_UPDATE) {
                        t.system_mut().drain_windows();
                    }
                    t.system_mut().finish();
                    t.system_mut().drain_windows();
                    thread_cpu_s() - cpu0
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or(f64::NAN))
            .collect()
    });
    let wall_s = started.elapsed().as_secs_f64();
    twins.check_ledgers()?;
    if !twins.same_users() {
        return Err("the twins saw different users".into());
    }
    let actions: u64 = twins
        .twins()
        .iter()
        .map(|t| t.system().ledgers().actions.issued)
        .sum();
    let slowest_cpu = cpu.iter().copied().fold(0.0, f64::max);
    let per_twin: Vec<String> = twins
        .twins()
        .iter()
        .zip(&cpu)
        .map(|(t, c)| {
            let n = t.system().ledgers().actions.issued;
            format!("{}:{:.3}s_cpu:{:.0}/cpu_s", t.name(), c, n as f64 / c)
        })
        .collect();
    println!(
        "bench=compare scene={:?} twins={} sim_s={} actions_all_twins={actions} wall_s={wall_s:.3} actions_per_wall_s={:.0} actions_per_s_on_two_free_cores={:.0} threads={} machine_ref_mmc_events_per_s={reference:.0}",
        s.title,
        twins.len(),
        s.duration_s,
        actions as f64 / wall_s,
        actions as f64 / slowest_cpu,
        per_twin.join(","),
    );
    Ok(actions as f64 / wall_s)
}

/// The VM's speed of the moment: events per second of the bare M/M/10
/// loop (`examples/mmc.rs`, 15-17 M on a quiet run here), timed just
/// before each compare. A shared VM's speed drifts by half within an hour,
/// so a compare's figure means little without it.
fn reference_events_per_s() -> f64 {
    let p = MmcParams {
        lambda_per_s: 90.0,
        mu_per_s: 10.0,
        servers: 10,
        customers: 1_000_000,
        warmup: 10_000,
        seed: 42,
        record_waits: false,
    };
    let t0 = Instant::now();
    let r = run_mmc(&p);
    r.events as f64 / t0.elapsed().as_secs_f64().max(1e-9)
}

/// Every compare's rate, then their median, least and most.
fn time_compares(s: &Scenario, repeat: u32) -> Result<(), String> {
    let mut rates = Vec::new();
    for _ in 0..repeat.max(1) {
        rates.push(time_compare(s)?);
    }
    println!(
        "bench=compare_summary runs={} actions_per_wall_s_median={:.0} least={:.0} most={:.0}",
        rates.len(),
        stats::median(&rates),
        stats::min(&rates),
        stats::max(&rates),
    );
    Ok(())
}

fn main() -> Result<(), String> {
    let args = Args::parse();
    let mut s = load(&args)?;
    if let Some(h) = args.hours {
        s.duration_s = h * 3600.0;
    }
    if args.twins_only {
        return time_compares(&s, args.repeat);
    }
    let sync = time_run(s.clone(), Mode::Sync, args.trace_every)?;
    let asyn = time_run(s.clone(), Mode::Async, args.trace_every)?;
    let rate = |n: u64, s: f64| n as f64 / s.max(1e-9);
    println!(
        "bench=actions scene={:?} sim_s={} sync_actions={} sync_wall_s={:.3} sync_actions_per_s={:.0} sync_actions_per_cpu_s={:.0} sync_events_per_s={:.0} async_actions={} async_wall_s={:.3} async_actions_per_s={:.0} async_actions_per_cpu_s={:.0} async_events_per_s={:.0}",
        s.title,
        s.duration_s,
        sync.actions,
        sync.wall_s,
        rate(sync.actions, sync.wall_s),
        rate(sync.actions, sync.cpu_s),
        rate(sync.events, sync.wall_s),
        asyn.actions,
        asyn.wall_s,
        rate(asyn.actions, asyn.wall_s),
        rate(asyn.actions, asyn.cpu_s),
        rate(asyn.events, asyn.wall_s),
    );
    time_compares(&s, args.repeat)
}
