//! Speed benchmark: simulated user actions per wall-clock second on the
//! Black Friday scene (24 h of sim time), in sync and in async mode.
//!
//! `cargo run --release --example bench_actions [-- --scene FILE] [--hours H] [--trace-every N]`
//!
//! Prints one `key=value` line. The target (issue 3) is ≥ 1,000,000 actions
//! per second in sync mode on one core: a day-long scene then replays in a
//! few seconds.

use asynclab::scenario::{self, Client, Mode, Scenario, Shape};
use asynclab::sim::trace::TraceConfig;
use asynclab::sim::{SimTime, System};
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
    /// Trace one action in this many (0: none; default: the run's own
    /// default sampling).
    #[arg(long)]
    trace_every: Option<u64>,
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
    if let Some(every) = trace_every {
        sys.set_tracing(TraceConfig {
            every,
            ..TraceConfig::default()
        });
    }
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

fn main() -> Result<(), String> {
    let args = Args::parse();
    let mut s = load(&args)?;
    if let Some(h) = args.hours {
        s.duration_s = h * 3600.0;
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
    Ok(())
}
