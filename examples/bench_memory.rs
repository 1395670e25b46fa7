//! Memory benchmark: bytes per queued job with a ten-million-job backlog.
//!
//! `cargo run --release --example bench_memory [-- --jobs N]`
//!
//! An async scene with no queue workers takes arrivals at 200,000/s until
//! N jobs wait in the broker. A counting global allocator measures live
//! heap bytes before the run and at the end; VmRSS from /proc/self/status is
//! reported beside it. Everything the run allocated (event heap, action
//! slots, windows) is charged to the jobs, so the figure is an upper bound
//! on the broker's own cost. Prints one `key=value` line; the target
//! is ≤ 64 bytes per job.

use asynclab::scenario::{Client, Mode, Scenario};
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

fn main() -> Result<(), String> {
    let args = Args::parse();
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
