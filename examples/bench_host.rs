//! Live host benchmarks (real time, not tests):
//!
//! - pace: the threaded host on the wall clock at 100× for a scene of
//!   1,000 user actions per second; reports the sim speed achieved and
//!   whether the host ever reported it could not keep up;
//! - twins: the same, comparing 2 and 4 twins (each fed 1,000 actions/s),
//!   with the twins on a thread each and taking turns on the host's
//!   thread, at 100× and at Max (how far it goes);
//! - memory: the app's host and plot history fed 8 simulated hours of the
//!   default scene; reports resident memory;
//! - publish: CPU time of one snapshot for the UI (what the host thread
//!   does after every 16 ms tick), on the default scene at 1×;
//! - flood: the default scene typed up to 10 million actions per second
//!   (the rate that once froze the app for minutes): the real time of each
//!   budgeted tick (worst and p99), how soon a Pause sent mid-flood
//!   applies, and the simulation limit's shedding.
//!
//! `cargo run --release --example bench_host -- --wall-s 20 [--twins-only]`

use asynclab::app::{AppAction, AsyncLabApp};
use asynclab::host::{Budget, Command, FakeClock, Host, HostCore, Speed, WallClock};
use asynclab::scenario::{Change, Mode, Scenario, Scheduling, Shape, Variant};
use clap::Parser;
use std::time::{Duration, Instant};

#[derive(Parser)]
#[command(about = "Times AsyncLab's live host and measures its memory")]
struct Args {
    /// Wall seconds to run the pacing test.
    #[arg(long, default_value_t = 20.0)]
    wall_s: f64,
    /// Speed of the pacing test.
    #[arg(long, default_value_t = 100.0)]
    speed: f64,
    /// User actions per second in the pacing test.
    #[arg(long, default_value_t = 1000.0)]
    rate: f64,
    /// Simulated hours for the memory test.
    #[arg(long, default_value_t = 8.0)]
    hours: f64,
    /// Snapshots to time in the publish test.
    #[arg(long, default_value_t = 20_000)]
    publishes: u32,
    /// Wall seconds per twins pacing run.
    #[arg(long, default_value_t = 10.0)]
    twins_wall_s: f64,
    /// Twin counts for the twins pacing test, e.g. `2,4`.
    #[arg(long, value_delimiter = ',', default_value = "2,4")]
    twins: Vec<usize>,
    /// Only the twins pacing test.
    #[arg(long)]
    twins_only: bool,
    /// User actions per second in the flood test.
    #[arg(long, default_value_t = 1e7)]
    flood_rate: f64,
    /// Only the flood test.
    #[arg(long)]
    flood_only: bool,
    /// Ticks to time in the flood test.
    #[arg(long, default_value_t = 300)]
    flood_ticks: usize,
}

/// Resident set size of this process, MB (Linux).
fn rss_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<f64>().ok())
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

/// The default scene scaled to `rate` actions/s, async, with capacity to
/// match, so the load is steady and every part of the model works.
fn steady_scene(rate: f64) -> Scenario {
    let mut s = asynclab::app::default_scene();
    s.settings.clients[0].rate_per_s = rate;
    for e in &mut s.settings.endpoints {
        e.mode = Mode::Async;
    }
    s.settings.database.connections = (rate * 0.1).ceil() as u32;
    s.settings.queue.workers = s.settings.database.connections;
    s.settings.server.workers_per_instance = (rate * 0.05).ceil() as u32;
    s.settings.timeline.clear();
    s.duration_s = 1e6;
    s
}

fn pace(args: &Args) -> anyhow::Result<()> {
    let s = steady_scene(args.rate);
    let host = Host::spawn(s, Box::new(WallClock::new()), Box::new(|| {}))?;
    host.send(Command::SetSpeed(Speed::Times(args.speed)));
    let started = Instant::now();
    let (mut lag_reports, mut samples) = (0u64, 0u64);
    let first_s = host.snapshot().now_s;
    while started.elapsed().as_secs_f64() < args.wall_s {
        std::thread::sleep(Duration::from_millis(100));
        let snap = host.take_snapshot();
        samples += 1;
        if snap.lagging_at.is_some() {
            lag_reports += 1;
        }
    }
    let snap = host.snapshot();
    let wall = started.elapsed().as_secs_f64();
    let sim = snap.now_s - first_s;
    println!(
        "bench=pace rate_per_s={} speed={} wall_s={wall:.2} sim_s={sim:.1} achieved_speed={:.1} actions_per_wall_s={:.0} events={} lag_reports={lag_reports}/{samples}",
        args.rate,
        args.speed,
        sim / wall,
        sim * args.rate / wall,
        snap.first().events
    );
    Ok(())
}

/// `n` twins of the steady scene at a constant `rate` actions/s: sync,
/// async, async with fair scheduling, async with twice the database, and
/// so on round.
fn twins_scene(rate: f64, n: usize) -> Scenario {
    let mut s = steady_scene(rate);
    s.settings.clients[0].shape = Shape::Constant;
    let db = f64::from(s.settings.database.connections);
    let kinds = [
        (
            "sync",
            Change::SetMode {
                endpoint: None,
                mode: Mode::Sync,
            },
        ),
        (
            "async",
            Change::SetMode {
                endpoint: None,
                mode: Mode::Async,
            },
        ),
        ("async fair", Change::SetScheduling(Scheduling::Fair)),
        (
            "async 2× DB",
            Change::Set {
                path: "database.connections".into(),
                value: 2.0 * db,
            },
        ),
    ];
    s.variants = (0..n)
        .map(|k| {
            let (name, change) = kinds[k % kinds.len()].clone();
            Variant::new(format!("{name} {k}"), vec![change])
        })
        .collect();
    s.view.compare = true;
    s
}

/// Twins on the live host for `wall_s` at `speed`: the sim speed achieved
/// and the actions simulated per wall second over all twins.
fn pace_twins(args: &Args, n: usize, threads: bool, speed: Speed) -> anyhow::Result<()> {
    let s = twins_scene(args.rate, n);
    let mut core = HostCore::new(s, Some(Budget::wall()));
    core.set_threads(threads);
    let host = Host::spawn_core(core, Box::new(WallClock::new()), Box::new(|| {}))?;
    host.send(Command::SetSpeed(speed));
    let started = Instant::now();
    let (mut lag_reports, mut samples) = (0u64, 0u64);
    let first = host.take_snapshot();
    let first_actions: u64 = first.runs.iter().map(|t| t.ledgers.actions.issued).sum();
    while started.elapsed().as_secs_f64() < args.twins_wall_s {
        std::thread::sleep(Duration::from_millis(100));
        let snap = host.take_snapshot();
        samples += 1;
        if snap.lagging_at.is_some() {
            lag_reports += 1;
        }
    }
    let snap = host.take_snapshot();
    let wall = started.elapsed().as_secs_f64();
    let sim = snap.now_s - first.now_s;
    let actions: u64 = snap.runs.iter().map(|t| t.ledgers.actions.issued).sum();
    println!(
        "bench=twins twins={n} threads={threads} rate_per_s_each={} speed={} wall_s={wall:.2} sim_s={sim:.1} achieved_speed={:.1} actions_per_wall_s_all_twins={:.0} lag_reports={lag_reports}/{samples}",
        args.rate,
        speed.label(),
        sim / wall,
        (actions - first_actions) as f64 / wall,
    );
    Ok(())
}

fn memory(args: &Args) {
    let before = rss_mb();
    let mut scene = asynclab::app::default_scene();
    // The run pauses at the scene's end: make the scene as long as the
    // test, or the loop below would wait for ever.
    scene.duration_s = args.hours * 3600.0;
    let window_s = scene.settings.window_s;
    let clock = FakeClock::new();
    let mut app = AsyncLabApp::new_for_test(scene, Box::new(clock.clone()));
    let speed = 600.0;
    app.apply(AppAction::Host(Command::SetSpeed(Speed::Times(speed))));
    let target_s = args.hours * 3600.0;
    let mut host_windows = 0usize;
    // Each pump runs 10 min of sim time (1 s of fake wall time at 600×),
    // and the app ingests what the host published, as a frame does.
    let mut now_s = 0.0;
    while now_s < target_s {
        clock.advance(Duration::from_secs(1));
        let snap = pump(&mut app);
        now_s = snap.0;
        host_windows += snap.1.len();
        app.ingest(&snap.1, window_s);
    }
    println!(
        "bench=memory sim_hours={} windows={host_windows} history_rows={} rss_before_mb={before:.1} rss_after_mb={:.1}",
        args.hours,
        app.history().rows.len(),
        rss_mb()
    );
}

fn publish(args: &Args) {
    let mut core = HostCore::new(asynclab::app::default_scene(), None);
    let frame = Duration::from_millis(16);
    let (mut wall, mut spent) = (Duration::ZERO, Duration::ZERO);
    let mut windows = 0usize;
    for _ in 0..args.publishes {
        wall += frame;
        core.tick(wall);
        let started = Instant::now();
        // Dropping the snapshot is part of a publish (it replaces the
        // previous one).
        let snap = core.snapshot();
        windows += snap.first().new_windows.len();
        drop(snap);
        spent += started.elapsed();
    }
    println!(
        "bench=publish publishes={} sim_s={:.1} windows={windows} us_per_publish={:.2}",
        args.publishes,
        core.system().now().as_secs_f64(),
        spent.as_secs_f64() * 1e6 / f64::from(args.publishes.max(1))
    );
}

/// Pumps the app's manual host and takes its snapshot's new windows.
fn pump(app: &mut AsyncLabApp) -> (f64, Vec<asynclab::sim::Window>) {
    let mut snap = app.pump_host();
    let windows = std::mem::take(&mut snap.runs[0].new_windows);
    (snap.now_s, windows)
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    if args.flood_only {
        flood(&args);
        return Ok(());
    }
    for &n in &args.twins {
        for threads in [true, false] {
            for speed in [Speed::Times(args.speed), Speed::Max] {
                pace_twins(&args, n, threads, speed)?;
            }
        }
    }
    if args.twins_only {
        return Ok(());
    }
    flood(&args);
    pace(&args)?;
    memory(&args);
    publish(&args);
    Ok(())
}

/// The default scene at `--flood-rate` actions/s on a core with the real
/// tick budget, ticked every 16 ms of wall time as the host thread does.
fn flood(args: &Args) {
    let mut s = asynclab::app::default_scene();
    s.settings.clients[0].rate_per_s = args.flood_rate;
    s.settings.clients[0].shape = Shape::Constant;
    s.view.speed = asynclab::scenario::StartSpeed::Times(1.0);
    let mut core = HostCore::new(s, Some(Budget::wall()));
    let started = Instant::now();
    let mut ticks_ms = Vec::new();
    while ticks_ms.len() < args.flood_ticks {
        std::thread::sleep(Duration::from_millis(16));
        let t0 = Instant::now();
        core.tick(started.elapsed());
        ticks_ms.push(t0.elapsed().as_secs_f64() * 1e3);
    }
    // A Pause sent now applies before the next tick runs anything.
    let t0 = Instant::now();
    core.handle(Command::Pause, started.elapsed());
    let before = core.system().now();
    core.tick(started.elapsed());
    let pause_ms = t0.elapsed().as_secs_f64() * 1e3;
    let paused = core.system().now() == before;
    let snap = core.snapshot();
    ticks_ms.sort_by(f64::total_cmp);
    let q = |p: f64| ticks_ms[((ticks_ms.len() - 1) as f64 * p).round() as usize];
    println!(
        "bench=flood rate_per_s={} ticks={} tick_ms_p50={:.2} tick_ms_p99={:.2} tick_ms_worst={:.2} sim_s={:.3} lagging_at={:?} pause_applied_next_tick={paused} pause_ms={pause_ms:.2} held={} shed={} rss_mb={:.0}",
        args.flood_rate,
        ticks_ms.len(),
        q(0.5),
        q(0.99),
        q(1.0),
        snap.now_s,
        snap.lagging_at.map(|x| format!("{x:.4}")),
        snap.first().gauges.held,
        snap.first().ledgers.work.rejected.sim_limit,
        rss_mb(),
    );
}
