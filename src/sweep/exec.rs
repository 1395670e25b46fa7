//! Running many headless runs on all cores: one run of a prepared scene,
//! and the pool that hands runs to worker threads, largest first, while
//! the calling thread reports progress and watches the cancel flag.

use super::{Progress, SweepError};
use crate::scenario::{Scenario, Settings};
use crate::sim::capacity::{Analysis, Measured, StageKind, analyse};
use crate::sim::metrics::RunStat;
use crate::sim::trace::TraceConfig;
use crate::sim::{Quantiles, SimTime, System, Window};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::Duration;

/// Events between two looks at the cancel flag and the counters.
const STEP_EVENTS: u64 = 100_000;

/// Whether a run kept within its scene's SLA targets, window by window.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct SlaCheck {
    /// Worst windowed p95 user-perceived wait, s.
    pub worst_wait_p95_s: f64,
    /// Worst windowed p95 time to processed, s.
    pub worst_processed_p95_s: f64,
    /// Oldest job seen in the broker at a window's end, s.
    pub oldest_job_s: f64,
    /// User-visible errors.
    pub errors: u64,
    /// All within the targets and no error.
    pub meets: bool,
}

/// What one run (one value, mode and seed) measured.
#[derive(Clone, Debug)]
pub struct SeedRun {
    /// The run's seed.
    pub seed: u64,
    /// User actions per second (first clicks).
    pub offered_per_s: f64,
    /// User-perceived wait over the run.
    pub wait: Option<Quantiles>,
    /// Time to processed over the run.
    pub processed: Option<Quantiles>,
    /// Failed actions (as users saw them) ÷ actions.
    pub error_share: f64,
    /// Jobs in the broker at the end.
    pub backlog_end: u64,
    /// Capacity cost, $ per hour, averaged over the run.
    pub cost_per_hour: f64,
    /// The arithmetic at the run's average rates (names the bottleneck).
    pub analysis: Analysis,
    /// Measured busy fraction of the bottleneck over the run.
    pub bottleneck_utilisation: f64,
    /// The SLA targets, window by window.
    pub sla: SlaCheck,
    /// Events processed.
    pub events: u64,
}

/// One run to do: which result slot it fills, the prepared scene, and its
/// expected cost (user actions), for handing out the largest first.
pub(super) struct Job {
    pub slot: usize,
    pub scene: Scenario,
    pub cost: f64,
}

/// A finished run with its statistics for merging.
pub(super) struct Done {
    pub slot: usize,
    pub run: SeedRun,
    pub wait: RunStat,
    pub processed: RunStat,
}

/// Shared counters the workers advance and the caller reads.
#[derive(Default)]
struct Counters {
    runs_done: AtomicUsize,
    sim_ns: AtomicU64,
    events: AtomicU64,
}

/// Runs every job on `threads` workers (0: all cores). The calling thread
/// reports progress about ten times a second. Stops early, with
/// [`SweepError::Cancelled`], once `cancel` is set.
pub(super) fn execute(
    jobs: Vec<Job>,
    threads: usize,
    progress: &mut dyn FnMut(Progress),
    cancel: &AtomicBool,
    base: Progress,
) -> Result<Vec<Done>, SweepError> {
    let threads = match threads {
        0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
        n => n,
    }
    .min(jobs.len())
    .max(1);
    let mut order: Vec<usize> = (0..jobs.len()).collect();
    order.sort_by(|a, b| jobs[*b].cost.total_cmp(&jobs[*a].cost));
    let next = AtomicUsize::new(0);
    let counters = Counters::default();
    let mut out = Vec::with_capacity(jobs.len());
    let report = |c: &Counters| Progress {
        runs_done: base.runs_done + c.runs_done.load(Ordering::Relaxed),
        sim_s_done: base.sim_s_done + c.sim_ns.load(Ordering::Relaxed) as f64 / 1e9,
        events: base.events + c.events.load(Ordering::Relaxed),
        ..base
    };
    std::thread::scope(|scope| {
        let (tx, rx) = mpsc::channel::<Option<Done>>();
        for _ in 0..threads {
            let tx = tx.clone();
            let (jobs, order, next, counters) = (&jobs, &order, &next, &counters);
            scope.spawn(move || {
                loop {
                    let k = next.fetch_add(1, Ordering::Relaxed);
                    let Some(&i) = order.get(k) else { break };
                    let done = run_one(&jobs[i], cancel, counters);
                    let stop = done.is_none();
                    if tx.send(done).is_err() || stop {
                        break;
                    }
                }
            });
        }
        drop(tx);
        loop {
            match rx.recv_timeout(Duration::from_millis(100)) {
                Ok(Some(d)) => out.push(d),
                Ok(None) => {}
                Err(mpsc::RecvTimeoutError::Timeout) => {}
                Err(mpsc::RecvTimeoutError::Disconnected) => break,
            }
            progress(report(&counters));
        }
    });
    if cancel.load(Ordering::Relaxed) {
        return Err(SweepError::Cancelled);
    }
    progress(report(&counters));
    Ok(out)
}

/// One run; `None` when cancelled.
fn run_one(job: &Job, cancel: &AtomicBool, counters: &Counters) -> Option<Done> {
    let s = &job.scene;
    let end = SimTime::from_secs_f64(s.duration_s);
    let mut sys = System::new(s.settings.clone());
    sys.set_tracing(TraceConfig::OFF);
    let mut acc = Acc::default();
    let (mut sim_seen, mut events_seen) = (SimTime::ZERO, 0);
    loop {
        let done = sys.run_for(end, STEP_EVENTS);
        acc.add(&sys.drain_windows());
        let (now, ev) = (sys.now(), sys.events());
        counters
            .sim_ns
            .fetch_add((now - sim_seen).0, Ordering::Relaxed);
        counters
            .events
            .fetch_add(ev - events_seen, Ordering::Relaxed);
        (sim_seen, events_seen) = (now, ev);
        if cancel.load(Ordering::Relaxed) {
            return None;
        }
        if done {
            break;
        }
    }
    sys.finish();
    acc.add(&sys.drain_windows());
    counters.runs_done.fetch_add(1, Ordering::Relaxed);
    Some(measure(&mut sys, &s.settings, job.slot, &acc))
}

/// What the run's windows add up to while they stream past.
#[derive(Default)]
struct Acc {
    worst_wait: f64,
    worst_processed: f64,
    oldest: f64,
    /// Server-worker capacity share on polls × window length, s.
    polls_area: f64,
    last_t: f64,
}

impl Acc {
    fn add(&mut self, ws: &[Window]) {
        let worst = |a: f64, b: f64| if b.is_finite() { a.max(b) } else { a };
        for w in ws {
            self.worst_wait = worst(self.worst_wait, w.wait.p95);
            self.worst_processed = worst(self.worst_processed, w.processed.p95);
            self.oldest = worst(self.oldest, w.oldest_job_age_s);
            let width = (w.t_s - self.last_t).max(0.0);
            self.polls_area += w.util_server_polls * width;
            self.last_t = w.t_s;
        }
    }
}

/// What the run measured; `s` are the settings it started with (the
/// knob's value, held for the whole run), which the arithmetic uses.
fn measure(sys: &mut System, s: &Settings, slot: usize, acc: &Acc) -> Done {
    let summary = sys.summary();
    let totals = sys.totals();
    let ledgers = sys.ledgers();
    let d = summary.duration_s.max(1e-9);
    let rate = |n: u64| n as f64 / d;
    let u = summary.utilisation;
    let m = Measured {
        span_s: d,
        end_s: d,
        clicks_per_s: rate(totals.clicks),
        clicks_by_client_per_s: totals.clicks_by_client.iter().map(|n| rate(*n)).collect(),
        commits_per_s: rate(totals.commits),
        commits_by_client_per_s: totals.commits_by_client.iter().map(|n| rate(*n)).collect(),
        db_finished_per_s: rate(totals.commits + totals.dead_letters + totals.errors.db_error),
        util_server: u.server,
        util_server_polls: acc.polls_area / d,
        util_db: u.database,
        util_workers: u.queue_workers,
        util_deps: summary.dependencies.iter().map(|d| d.utilisation).collect(),
        backlog: sys.gauges().queue_len,
        backlog_growth_per_s: 0.0,
    };
    let analysis = analyse(s, &m, None);
    let b = analysis.bottleneck();
    let bottleneck_utilisation = match b.kind {
        StageKind::Server => u.server,
        StageKind::Database => u.database,
        StageKind::QueueWorkers => u.queue_workers,
        StageKind::RateLimit { .. } | StageKind::Dependency { .. } | StageKind::InFlight => {
            b.utilisation
        }
    };
    let errors = ledgers.actions.failed.total();
    let (wait_target, processed_target) = (s.sla.wait_target_s, s.sla.processed_target_s);
    let sla = SlaCheck {
        worst_wait_p95_s: acc.worst_wait,
        worst_processed_p95_s: acc.worst_processed,
        oldest_job_s: acc.oldest,
        errors: totals.errors.total(),
        meets: acc.worst_wait <= wait_target
            && acc.worst_processed <= processed_target
            && acc.oldest <= processed_target
            && totals.errors.total() == 0,
    };
    let issued = ledgers.actions.issued;
    Done {
        slot,
        wait: sys.wait_stat().clone(),
        processed: sys.processed_stat().clone(),
        run: SeedRun {
            seed: s.seed,
            offered_per_s: rate(issued),
            wait: summary.wait,
            processed: summary.processed,
            error_share: if issued > 0 {
                errors as f64 / issued as f64
            } else {
                0.0
            },
            backlog_end: m.backlog,
            cost_per_hour: summary.capacity_cost / (d / 3600.0),
            bottleneck_utilisation,
            analysis,
            sla,
            events: summary.events,
        },
    }
}
