//! Memory benchmark: bytes per queued job with a ten-million-job backlog.
//!
//! `cargo run --release --example bench_memory [-- --jobs N]`
//! `cargo run --release --example bench_memory -- --flood KIND [--limit N]`
//!
//! An async scene with no queue workers takes arrivals at 200,000/s until
//! N jobs wait in the broker. A counting global allocator measures live
//! heap bytes before the run and at the end; VmRSS from /proc/self/status is
//! reported beside it. Everything the run allocated (event heap, action
//! slots, windows) is charged to the jobs, so the figure is an upper bound
//! on the broker's own cost. Prints one `key=value` line; the target
//! is ≤ 64 bytes per job.
//!
//! With `--flood`, a hostile flood of KIND (`sync`: users held in a
//! ten-million-deep accept backlog with a day's patience; `retry`: the same
//! with every timeout clicked again; `queue`: async jobs nobody works;
//! `poll`: the same with every browser polling each 0.05 s) runs until the
//! simulation holds `--limit` items (`limits.max_in_flight`) and sheds the
//! rest. It prints the heap bytes per held item: the figure the default
//! in-flight limit is chosen from (a flood must be shed before it grows the
//! heap by about 100 MB).

use asynclab::scenario::{Client, Mode, Scenario};
use asynclab::sim::config::Variant;
use asynclab::sim::twins::Twins;
use asynclab::sim::{Dist, SimTime, System};
use clap::Parser;
use std::alloc::{GlobalAlloc, Layout, System as SystemAlloc};
use std::sync::atomic::{AtomicUsize, Ordering};

/// The system allocator, counting live bytes.
struct Counting;

static LIVE_BYTES: AtomicUsize = AtomicUsize::new(0);
static PEAK_BYTES: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is forwarded unchanged to the system allocator; the
// counters only observe sizes.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: same contract as the caller's.
        let p = unsafe { SystemAlloc.alloc(layout) };
        if !p.is_null() {
            let now = LIVE_BYTES.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK_BYTES.fetch_max(now, Ordering::Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: same contract as the caller's.
        unsafe { SystemAlloc.dealloc(ptr, layout) };
        LIVE_BYTES.fetch_sub(layout.size(), Ordering::Relaxed);
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: same contract as the caller's.
        let p = unsafe { SystemAlloc.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            LIVE_BYTES.fetch_sub(layout.size(), Ordering::Relaxed);
            let now = LIVE_BYTES.fetch_add(new_size, Ordering::Relaxed) + new_size;
            PEAK_BYTES.fetch_max(now, Ordering::Relaxed);
        }
        p
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

#[derive(Parser)]
#[command(about = "Measures AsyncLab's memory per queued job")]
struct Args {
    /// Jobs to queue.
    #[arg(long, default_value_t = 10_000_000)]
    jobs: u64,
    /// Arrival rate, actions per second of sim time.
    #[arg(long, default_value_t = 200_000.0)]
    rate_per_s: f64,
    /// Measure a flood up to the in-flight limit instead: sync, retry,
    /// queue or poll.
    #[arg(long)]
    flood: Option<String>,
    /// The flood's `limits.max_in_flight` (default: the scenes' default).
    #[arg(long, default_value_t = asynclab::sim::config::DEFAULT_MAX_IN_FLIGHT)]
    limit: u64,
    /// Flood this many twins side by side (each to its own limit).
    #[arg(long, default_value_t = 1)]
    twins: usize,
}

/// Resident set size in bytes, from /proc/self/status (0 where unknown).
fn rss_bytes() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map_or(0, |kb| kb * 1024)
}

/// Async, no queue workers, servers fast enough to acknowledge every
/// arrival, short patience so few timers are pending at any moment.
fn scene(rate_per_s: f64, duration_s: f64) -> Scenario {
    let mut s = Scenario {
        title: "ten million jobs".into(),
        duration_s,
        ..Scenario::default()
    };
    s.settings.clients = vec![Client {
        name: "flood".into(),
        rate_per_s,
        ..Client::default()
    }];
    for e in &mut s.settings.endpoints {
        e.mode = Mode::Async;
        e.cpu = Dist::Exponential { mean_ms: 0.01 };
    }
    s.settings.network.latency = Dist::Constant { mean_ms: 1.0 };
    s.settings.queue.enqueue = Dist::Constant { mean_ms: 0.01 };
    s.settings.queue.workers = 0;
    s.settings.browser.patience_s = 0.5;
    s.settings.server.instances = 1;
    s.settings.server.workers_per_instance = 1000;
    // A ten-million-job backlog is what this measures: hold it.
    s.settings.limits.max_in_flight = 50_000_000;
    s
}

/// A flood of `kind` at 10 M arrivals/s that fills `limit` held items.
fn flood_scene(kind: &str, limit: u64) -> Result<Scenario, String> {
    let mut s = Scenario {
        title: format!("{kind} flood"),
        duration_s: 30.0,
        ..Scenario::default()
    };
    s.settings.clients = vec![Client {
        name: "flood".into(),
        rate_per_s: 10_000_000.0,
        ..Client::default()
    }];
    s.settings.limits.max_in_flight = limit;
    s.settings.server.instances = 1;
    s.settings.server.workers_per_instance = 1;
    s.settings.server.backlog_per_instance = 10_000_000;
    s.settings.browser.patience_s = 86_400.0;
    match kind {
        "sync" => {}
        "retry" => {
            s.settings.browser.patience_s = 0.1;
            s.settings.browser.retry_probability = 1.0;
            s.settings.browser.max_user_retries = 100;
        }
        "queue" | "poll" => {
            for e in &mut s.settings.endpoints {
                e.mode = Mode::Async;
                e.cpu = Dist::Constant { mean_ms: 0.0 };
            }
            s.settings.server.workers_per_instance = 100_000;
            s.settings.queue.enqueue = Dist::Constant { mean_ms: 0.0 };
            s.settings.queue.workers = 0;
            if kind == "poll" {
                s.settings.browser.poll_interval_s = 0.05;
            }
        }
        other => {
            return Err(format!(
                "--flood {other}: expected sync, retry, queue or poll"
            ));
        }
    }
    Ok(s)
}

/// Runs a flood (in `twins` twins that differ only in name) until every
/// twin sheds and prints heap bytes per held item.
fn flood(kind: &str, limit: u64, twins: usize) -> Result<(), String> {
    let s = flood_scene(kind, limit)?;
    let live_before = LIVE_BYTES.load(Ordering::Relaxed);
    let rss_before = rss_bytes();
    let variants: Vec<Variant> = (0..twins)
        .map(|k| Variant {
            name: format!("twin {k}"),
            changes: Vec::new(),
            timeline: Vec::new(),
        })
        .collect();
    let mut sys = if twins > 1 {
        Twins::compare(&s.settings, &variants).map_err(|e| e.to_string())?
    } else {
        Twins::solo(s.settings)
    };
    let limit = limit * twins as u64;
    let step = SimTime::from_secs_f64(0.01);
    let mut t = SimTime::ZERO;
    let mut held = 0;
    let mut heap_at_full = 0;
    let mut rss_at_full = 0;
    // Past the limit for a simulated second, so the shedding is measured too.
    let mut full_since = None;
    while t.as_secs_f64() < 30.0 {
        t += step;
        sys.run_until(t);
        let now_held: u64 = sys.twins().iter().map(|w| w.system().gauges().held).sum();
        held = held.max(now_held);
        if now_held >= limit && full_since.is_none() {
            full_since = Some(t);
            heap_at_full = LIVE_BYTES.load(Ordering::Relaxed);
            rss_at_full = rss_bytes();
        }
        if full_since.is_some_and(|f| (t - f).as_secs_f64() >= 1.0) {
            break;
        }
    }
    sys.check_ledgers()?;
    let Some(full) = full_since else {
        return Err(format!(
            "{kind} flood held at most {held} of {limit} in 30 s"
        ));
    };
    let peak = PEAK_BYTES.load(Ordering::Relaxed);
    println!(
        "bench=flood kind={kind} twins={twins} held={limit} full_at_s={:.2} heap_bytes_per_item={:.1} heap_peak_bytes_per_item={:.1} rss_bytes_per_item={:.1} heap_peak_mb={:.1} rss_mb={:.1}",
        full.as_secs_f64(),
        heap_at_full.saturating_sub(live_before) as f64 / limit as f64,
        peak.saturating_sub(live_before) as f64 / limit as f64,
        rss_at_full.saturating_sub(rss_before) as f64 / limit as f64,
        peak as f64 / 1e6,
        rss_bytes() as f64 / 1e6,
    );
    Ok(())
}

fn main() -> Result<(), String> {
    let args = Args::parse();
    if let Some(kind) = &args.flood {
        return flood(kind, args.limit, args.twins.max(1));
    }
    let duration_s = args.jobs as f64 / args.rate_per_s;
    let s = scene(args.rate_per_s, duration_s * 1.2);
    let live_before = LIVE_BYTES.load(Ordering::Relaxed);
    let rss_before = rss_bytes();
    let mut sys = System::new(s);
    // Run in steps until the backlog reaches the target.
    let step = SimTime::from_secs_f64(1.0);
    let mut t = SimTime::ZERO;
    let mut backlog = 0;
    while backlog < args.jobs {
        t += step;
        sys.run_until(t);
        backlog = sys.gauges().queue_len;
        if t.as_secs_f64() > duration_s * 2.0 + 10.0 {
            return Err(format!("backlog stuck at {backlog} after {t}"));
        }
    }
    let live_after = LIVE_BYTES.load(Ordering::Relaxed);
    let rss_after = rss_bytes();
    sys.check_ledgers()?;
    let per_job = |before: u64, after: u64| after.saturating_sub(before) as f64 / backlog as f64;
    println!(
        "bench=memory jobs={backlog} sim_s={:.1} heap_bytes_per_job={:.1} rss_bytes_per_job={:.1} heap_live_mb={:.1} heap_peak_mb={:.1} rss_mb={:.1} job_struct_bytes={}",
        t.as_secs_f64(),
        per_job(live_before as u64, live_after as u64),
        per_job(rss_before, rss_after),
        live_after as f64 / 1e6,
        PEAK_BYTES.load(Ordering::Relaxed) as f64 / 1e6,
        rss_after as f64 / 1e6,
        std::mem::size_of::<asynclab::sim::lanes::Job>(),
    );
    Ok(())
}
