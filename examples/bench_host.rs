//! Live host benchmarks (real time, not tests):
//!
//! - pace: the threaded host on the wall clock at 100× for a scene of
//!   1,000 user actions per second; reports the sim speed achieved and
//!   whether the host ever reported it could not keep up;
//! - memory: the app's host and plot history fed 8 simulated hours of the
//!   default scene; reports resident memory;
//! - publish: CPU time of one snapshot for the UI (what the host thread
//!   does after every 16 ms tick), on the default scene at 1×.
//!
//! `cargo run --release --example bench_host -- --wall-s 20`

use asynclab::app::AsyncLabApp;
use asynclab::host::{Command, FakeClock, Host, HostCore, Speed, WallClock};
use asynclab::scenario::Mode;
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

fn pace(args: &Args) -> anyhow::Result<()> {
    // The default scene scaled to `rate` actions/s, async, with capacity to
    // match, so the load is steady and every part of the model works.
    let mut s = asynclab::app::default_scene();
    s.settings.clients[0].rate_per_s = args.rate;
    for e in &mut s.settings.endpoints {
        e.mode = Mode::Async;
    }
    s.settings.database.connections = (args.rate * 0.1).ceil() as u32;
    s.settings.queue.workers = s.settings.database.connections;
    s.settings.server.workers_per_instance = (args.rate * 0.05).ceil() as u32;
    s.settings.timeline.clear();
    s.duration_s = 1e6;
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
        snap.events
    );
    Ok(())
}

fn memory(args: &Args) {
    let before = rss_mb();
    let scene = asynclab::app::default_scene();
    let window_s = scene.settings.window_s;
    let clock = FakeClock::new();
    let mut app = AsyncLabApp::new_for_test(scene, Box::new(clock.clone()));
    let speed = 600.0;
    app.host().send(Command::SetSpeed(Speed::Times(speed)));
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
        let snap = core.snapshot(Vec::new());
        windows += snap.new_windows.len();
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
    app.host_mut().pump();
    let snap = app.host().take_snapshot();
    (snap.now_s, snap.new_windows)
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    pace(&args)?;
    memory(&args);
    publish(&args);
    Ok(())
}
