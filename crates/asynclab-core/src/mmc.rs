//! The textbook M/M/c queue, built from the engine's parts: the reference
//! model for the theory tests, the speed benchmark and the SimPy comparison.

use super::dist::Dist;
use super::rng::stream;
use super::scheduler::Scheduler;
use super::station::{Fifo, Station};
use super::stats::TimeWeighted;
use super::time::SimTime;

/// Parameters of one M/M/c run.
#[derive(Clone, Debug)]
pub struct MmcParams {
    /// Arrival rate λ, customers per second.
    pub lambda_per_s: f64,
    /// Service rate μ of one server, customers per second.
    pub mu_per_s: f64,
    /// Number of servers c.
    pub servers: u32,
    /// Customers that arrive; the run ends at the last arrival.
    pub customers: u64,
    /// Customers discarded from the mean wait (warm-up).
    pub warmup: u64,
    /// Run seed.
    pub seed: u64,
    /// Keep every customer's wait (for the oracle test).
    pub record_waits: bool,
}

/// What one M/M/c run measured.
#[derive(Clone, Debug, Default)]
pub struct MmcResult {
    /// Events popped from the heap.
    pub events: u64,
    /// Mean wait in queue over customers after the warm-up, seconds.
    pub mean_wait_s: f64,
    /// Busy fraction of the servers over the run.
    pub utilisation: f64,
    /// Time-average number in system over `[0, end]`.
    pub mean_in_system: f64,
    /// Arrivals ÷ end time, per second.
    pub arrival_rate_per_s: f64,
    /// Mean time in system of customers that arrived by `end`, seconds.
    pub mean_sojourn_s: f64,
    /// Time of the last arrival.
    pub end: SimTime,
    /// Each customer's wait in arrival order (if recorded).
    pub waits: Vec<SimTime>,
}

#[derive(Clone, Copy)]
enum Event {
    Arrival,
    Departure,
}

/// A waiting customer: when it arrived and how long its service will take.
#[derive(Clone, Copy)]
struct Customer {
    index: u64,
    arrived: SimTime,
    service: SimTime,
}

/// The interarrival and service streams of a seed, shared with the oracle so
/// both consume exactly the same draws.
pub fn mmc_streams(p: &MmcParams) -> (impl FnMut() -> SimTime, impl FnMut() -> SimTime) {
    let ia = Dist::Exponential {
        mean_ms: 1e3 / p.lambda_per_s,
    }
    .sampler();
    let sv = Dist::Exponential {
        mean_ms: 1e3 / p.mu_per_s,
    }
    .sampler();
    let mut ia_rng = stream(p.seed, "mmc.arrivals", 0);
    let mut sv_rng = stream(p.seed, "mmc.service", 0);
    (
        move || ia.sample(&mut ia_rng),
        move || sv.sample(&mut sv_rng),
    )
}

/// Runs M/M/c with FIFO service.
pub fn run_mmc(p: &MmcParams) -> MmcResult {
    let (mut next_gap, mut next_service) = mmc_streams(p);
    let mut sched: Scheduler<Event> = Scheduler::new();
    let mut station: Station<Customer> = Station::new(p.servers, Fifo::default());
    let mut in_system = TimeWeighted::default();
    let mut r = MmcResult::default();
    if p.record_waits {
        r.waits = Vec::with_capacity(p.customers as usize);
    }
    let (mut wait_sum, mut wait_n) = (0u128, 0u64);
    let mut sojourn_sum = 0u128;
    // Sojourns are summed at service start (wait + known service time), so a
    // departure need not know which customer left.
    let mut arrived = 0u64;
    let mut n = 0u64;

    let mut start = |c: Customer, now: SimTime, sched: &mut Scheduler<Event>, r: &mut MmcResult| {
        let wait = now - c.arrived;
        if p.record_waits {
            r.waits.push(wait);
        }
        if c.index >= p.warmup {
            wait_sum += wait.0 as u128;
            wait_n += 1;
        }
        sojourn_sum += (wait + c.service).0 as u128;
        sched.schedule_at(now + c.service, Event::Departure);
    };

    if p.customers > 0 {
        sched.schedule_in(next_gap(), Event::Arrival);
    }
    while let Some((now, ev)) = sched.pop() {
        r.events += 1;
        match ev {
            Event::Arrival => {
                let c = Customer {
                    index: arrived,
                    arrived: now,
                    service: next_service(),
                };
                arrived += 1;
                n += 1;
                in_system.set(now, n);
                if let Some(c) = station.arrive(now, c) {
                    start(c, now, &mut sched, &mut r);
                }
                if arrived < p.customers {
                    sched.schedule_in(next_gap(), Event::Arrival);
                } else {
                    r.end = now;
                    // Drain the customers already in the system so every
                    // sojourn is complete; measurements stop at `end`.
                    let busy = station.busy_server_secs(now);
                    let area = in_system.area_secs(now);
                    let end_s = now.as_secs_f64();
                    r.utilisation = busy / (p.servers as f64 * end_s);
                    r.mean_in_system = area / end_s;
                    r.arrival_rate_per_s = arrived as f64 / end_s;
                }
            }
            Event::Departure => {
                n -= 1;
                in_system.set(now, n);
                if let Some(c) = station.depart(now) {
                    start(c, now, &mut sched, &mut r);
                }
            }
        }
    }
    r.mean_wait_s = if wait_n > 0 {
        wait_sum as f64 / wait_n as f64 / 1e9
    } else {
        0.0
    };
    r.mean_sojourn_s = if arrived > 0 {
        sojourn_sum as f64 / arrived as f64 / 1e9
    } else {
        0.0
    };
    r
}

/// The Kiefer–Wolfowitz workload recursion for FIFO G/G/c: the exact waits
/// of the same customers, computed without any event heap. With c = 1 it is
/// Lindley's recursion `W(n+1) = max(0, W(n) + S(n) − A(n+1))`.
pub fn kiefer_wolfowitz_waits(p: &MmcParams) -> Vec<SimTime> {
    let (mut next_gap, mut next_service) = mmc_streams(p);
    let c = p.servers.max(1) as usize;
    // work[k]: remaining work of the k-th least-loaded server, ascending.
    let mut work = vec![0u64; c];
    let mut waits = Vec::with_capacity(p.customers as usize);
    let mut gap = next_gap();
    for _ in 0..p.customers {
        // Age the workload by the gap before this arrival.
        for w in work.iter_mut() {
            *w = w.saturating_sub(gap.0);
        }
        let wait = work[0];
        waits.push(SimTime(wait));
        work[0] = wait + next_service().0;
        work.sort_unstable();
        gap = next_gap();
    }
    waits
}
