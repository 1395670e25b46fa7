//! The bottleneck and its arithmetic: each stage's capacity from the live
//! settings (MODEL.md, "Capacity of a stage"), the load offered to it as
//! measured, the stage that limits throughput, what doubling it would buy,
//! and how the async queue grows and drains.
//!
//! Capacities are in actions per second of the current traffic mix, so
//! stages compare directly:
//!
//! ```text
//!  server        (instances × workers − workers on polls) ÷ hold
//!                hold = CPU + sync: write × attempts + pauses
//!                           async: enqueue
//!  database      connections ÷ (write × expected attempts)
//!  queue workers workers ÷ (write × expected attempts)     async only
//!  rate limit    a client's token rate, jobs/s              async only
//! ```
//!
//! Waiting for a connection is the database's symptom, not the servers'
//! cost: it is in no hold time. The bottleneck is the stage with the least
//! capacity for the load offered to it (highest offered ÷ capacity), not
//! the busiest: in sync, server and database both read 100%.
//!
//! Pure: a function of the settings and of rates measured over recent
//! windows ([`Measured`]). Words for it are made outside the core
//! (the app crate's `explain`). A live view does, every second or so:
//!
//! ```text
//!  let m = Measured::from_windows(&last_10_s_of_windows, settings.window_s);
//!  let a = analyse(&settings, &m, gauges.outage);
//!  let words = explain::explain(&a, &settings, &gauges);
//! ```

mod measured;
mod mmc;
mod queue;
mod steps;

pub use measured::{MeasureSum, Measured, last_change_s};
pub use mmc::{MmcStation, mmc_station};
pub use queue::QueueOutlook;
pub use steps::dependency_in_request;

use super::config::{Mode, OutageKind, RetryPolicy, ServerModel, Settings};
use steps::StepTimes;

/// A stage that can limit throughput.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StageKind {
    /// Server workers (instances × workers per instance).
    Server,
    /// Database connections.
    Database,
    /// Queue workers (async).
    QueueWorkers,
    /// A client's token bucket on job processing (async).
    RateLimit {
        /// Client index.
        client: usize,
    },
    /// A dependency's slots (or its rate limit): only those with a slot
    /// limit or a rate limit that some step calls.
    Dependency {
        /// Index in the scene's dependencies.
        index: usize,
    },
    /// A non-blocking server's in-flight slots (instances × in flight per
    /// instance), held from accept to answer.
    InFlight,
}

/// A part of what one action holds a unit for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Part {
    /// Server CPU.
    Cpu,
    /// Database writes (every attempt).
    Write,
    /// Sync: pauses between inline write attempts (a worker held).
    RetryPause,
    /// Async: handing the job to the broker.
    Enqueue,
    /// Calls to dependencies (mean latency × expected calls).
    Call,
    /// Database reads.
    Read,
    /// Cache lookups.
    Cache,
}

/// One part of a hold time: seconds of one unit per action, averaged over
/// the traffic mix (a sync-only part weighs by the sync share).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Term {
    /// Which part.
    pub part: Part,
    /// Seconds per action.
    pub s: f64,
}

/// Why a capacity is an estimate rather than exact.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Estimate {
    /// Polls take a measured share of the server workers, and it moves
    /// with the number of jobs pending.
    PollShare,
    /// Several endpoints: the capacity holds for the traffic mix as it is.
    Mix,
    /// Writes fail: attempts per write are the expected number.
    Attempts,
    /// A database outage is under way: nothing commits until it ends.
    Outage,
}

/// One stage's capacity and load.
#[derive(Clone, Debug, PartialEq)]
pub struct Stage {
    /// Which stage.
    pub kind: StageKind,
    /// Its units: server workers, connections, queue workers; for a rate
    /// limit, tokens per second.
    pub units: f64,
    /// Units taken by other work (server workers busy with polls).
    pub reserved: f64,
    /// What one action holds one unit for, by part, s (empty for a rate
    /// limit).
    pub terms: Vec<Term>,
    /// Expected write attempts per write in this stage's hold (1 when
    /// writes never fail); for a dependency, the calls one action makes.
    pub attempts: f64,
    /// Actions per second it can carry.
    pub capacity_per_s: f64,
    /// Actions per second offered to it (for a rate limit: its client's
    /// async actions).
    pub offered_per_s: f64,
    /// Measured busy fraction (a rate limit: its client's commits ÷ its
    /// rate; `NaN` where nothing measures it: in-flight slots).
    pub utilisation: f64,
    /// Why the capacity is an estimate (empty: the formula is exact for
    /// the saturated stage).
    pub estimates: Vec<Estimate>,
}

impl Stage {
    /// Seconds one action holds one unit.
    pub fn hold_s(&self) -> f64 {
        self.terms.iter().map(|t| t.s).sum()
    }

    /// Offered ÷ capacity: above 1 the stage cannot keep up.
    pub fn load(&self) -> f64 {
        if self.offered_per_s <= 0.0 {
            0.0
        } else if self.capacity_per_s <= 0.0 {
            f64::INFINITY
        } else {
            self.offered_per_s / self.capacity_per_s
        }
    }
}

/// What doubling the bottleneck would buy.
#[derive(Clone, Debug, PartialEq)]
pub struct NextOne {
    /// The stage doubled (today's bottleneck).
    pub doubled: StageKind,
    /// Its capacity once doubled, actions/s.
    pub doubled_capacity_per_s: f64,
    /// The stage that limits then.
    pub then: StageKind,
    /// That stage's capacity, actions/s.
    pub then_capacity_per_s: f64,
    /// Offered ÷ that capacity.
    pub then_load: f64,
}

/// The whole arithmetic at one moment.
#[derive(Clone, Debug, PartialEq)]
pub struct Analysis {
    /// Clicks offered per second, as measured.
    pub offered_per_s: f64,
    /// Server, database, then (async) queue workers and rate limits.
    pub stages: Vec<Stage>,
    /// Index of the bottleneck in `stages`.
    pub bottleneck: usize,
    /// What doubling the bottleneck would buy.
    pub next: Option<NextOne>,
    /// The async queue, when there is async traffic or a backlog.
    pub queue: Option<QueueOutlook>,
}

impl Analysis {
    /// The stage limiting throughput.
    pub fn bottleneck(&self) -> &Stage {
        &self.stages[self.bottleneck]
    }

    /// True when more is offered than the bottleneck can carry.
    pub fn saturated(&self) -> bool {
        self.bottleneck().load() >= 1.0
    }

    /// The stage of `kind`, if the system has it.
    pub fn stage(&self, kind: StageKind) -> Option<&Stage> {
        self.stages.iter().find(|s| s.kind == kind)
    }
}

/// The arithmetic for settings `s` with rates `m` measured over recent
/// windows, `outage` the database outage under way (if any).
pub fn analyse(s: &Settings, m: &Measured, outage: Option<OutageKind>) -> Analysis {
    // Workers busy with polls, as measured: kept as a count, so doubling
    // the servers does not double the polls.
    let poll_workers = m.util_server_polls.max(0.0) * f64::from(s.server_workers());
    let stages = stages(s, m, outage, poll_workers);
    let bottleneck = pick(&stages);
    let next = next_one(s, m, outage, poll_workers, &stages[bottleneck]);
    let queue = queue::queue_outlook(s, m, &stages);
    Analysis {
        offered_per_s: m.clicks_per_s,
        stages,
        bottleneck,
        next,
        queue,
    }
}

/// Expected attempts of a write retried up to `max` times when each
/// attempt fails with probability `p`: 1 + p + … + p^(max−1).
pub fn expected_attempts(p: f64, max: u32) -> f64 {
    let max = max.max(1);
    let p = if p.is_finite() {
        p.clamp(0.0, 1.0)
    } else {
        0.0
    };
    if p >= 1.0 {
        f64::from(max)
    } else {
        (1.0 - p.powi(max.min(i32::MAX as u32) as i32)) / (1.0 - p)
    }
}

/// Per endpoint: its share of traffic (normalised), mode, CPU, write, s,
/// and what its steps hold in the request and in the job.
struct Ep {
    q: f64,
    mode: Mode,
    write_s: f64,
    req: StepTimes,
    job: StepTimes,
}

fn endpoints(s: &Settings) -> Vec<Ep> {
    let total: f64 = s.endpoints.iter().map(|e| e.share.max(0.0)).sum();
    let n = s.endpoints.len().max(1) as f64;
    s.endpoints
        .iter()
        .map(|e| {
            let (req, job) = steps::split(s, e);
            Ep {
                q: if total > 0.0 {
                    e.share.max(0.0) / total
                } else {
                    1.0 / n
                },
                mode: e.mode,
                write_s: e.db_write.mean_ms() / 1e3,
                req,
                job,
            }
        })
        .collect()
}

/// Expected attempts per write: inline (sync) and by queue workers.
fn attempts(s: &Settings) -> (f64, f64) {
    let p = s.database.failure_probability;
    let job_max = match s.queue.retry {
        RetryPolicy::None => 1,
        _ => s.queue.max_attempts,
    };
    (
        expected_attempts(p, s.queue.sync_max_attempts),
        expected_attempts(p, job_max),
    )
}

fn per_s(units: f64, hold_s: f64) -> f64 {
    if hold_s > 0.0 {
        units.max(0.0) / hold_s
    } else {
        f64::INFINITY
    }
}

/// The traffic mix and the settings' per-action figures every stage's
/// formula draws on.
struct Mix<'a> {
    s: &'a Settings,
    m: &'a Measured,
    eps: Vec<Ep>,
    /// Expected attempts of a sync write and of a job.
    a_sync: f64,
    a_job: f64,
    async_share: f64,
    /// Offered clicks per second.
    lambda: f64,
}

impl Mix<'_> {
    /// Σ over endpoints of share × `f`.
    fn sum(&self, f: impl Fn(&Ep) -> f64) -> f64 {
        self.eps.iter().map(|e| e.q * f(e)).sum()
    }

    /// The estimates every stage shares, plus those of `extra` that hold.
    fn estimates(&self, extra: &[(bool, Estimate)]) -> Vec<Estimate> {
        let mut v = Vec::new();
        if self.eps.len() > 1 {
            v.push(Estimate::Mix);
        }
        v.extend(extra.iter().filter(|x| x.0).map(|x| x.1));
        v
    }

    /// Server workers. A threads server holds one through every request
    /// step (sync: the write and its retry pauses too); a non-blocking one
    /// only through Cpu steps and the enqueue, its waits held by in-flight
    /// slots instead ([`Mix::in_flight`]).
    fn server(&self, poll_workers: f64) -> Stage {
        let sync = |e: &Ep| f64::from(u8::from(e.mode == Mode::Sync));
        let pause_s = self.s.queue.sync_retry_delay_ms.max(0.0) / 1e3;
        let threads = self.s.server.model.is_threads();
        let held = f64::from(u8::from(threads));
        let terms: Vec<Term> = [
            (Part::Cpu, self.sum(|e| e.req.cpu_s)),
            (Part::Call, held * self.sum(|e| e.req.call_s)),
            (Part::Read, held * self.sum(|e| e.req.read_s)),
            (Part::Cache, held * self.sum(|e| e.req.cache_s)),
            (
                Part::Write,
                held * self.sum(|e| sync(e) * e.write_s * e.req.writes * self.a_sync),
            ),
            (
                Part::RetryPause,
                held * self.sum(|e| sync(e) * (self.a_sync - 1.0) * pause_s * e.req.writes),
            ),
            (
                Part::Enqueue,
                self.async_share * self.s.queue.enqueue.mean_ms() / 1e3,
            ),
        ]
        .into_iter()
        .filter(|(_, x)| *x > 0.0)
        .map(|(part, s)| Term { part, s })
        .collect();
        let units = f64::from(self.s.server_workers());
        let hold: f64 = terms.iter().map(|t| t.s).sum();
        let fails = self.s.database.failure_probability > 0.0;
        Stage {
            kind: StageKind::Server,
            units,
            reserved: poll_workers.min(units),
            capacity_per_s: per_s(units - poll_workers, hold),
            terms,
            attempts: self.a_sync,
            offered_per_s: self.lambda,
            utilisation: self.m.util_server,
            estimates: self.estimates(&[
                (poll_workers > 0.0, Estimate::PollShare),
                (
                    fails && self.async_share < 1.0 && threads,
                    Estimate::Attempts,
                ),
            ]),
        }
    }

    /// A non-blocking server's in-flight slots: each request holds one
    /// through every request step, waits excluded. Nothing measures how
    /// many are busy.
    fn in_flight(&self) -> Option<Stage> {
        let cap = self.s.in_flight_capacity()?;
        let sync = |e: &Ep| f64::from(u8::from(e.mode == Mode::Sync));
        let pause_s = self.s.queue.sync_retry_delay_ms.max(0.0) / 1e3;
        let terms: Vec<Term> = [
            (Part::Cpu, self.sum(|e| e.req.cpu_s)),
            (Part::Call, self.sum(|e| e.req.call_s)),
            (Part::Read, self.sum(|e| e.req.read_s)),
            (Part::Cache, self.sum(|e| e.req.cache_s)),
            (
                Part::Write,
                self.sum(|e| sync(e) * e.write_s * e.req.writes * self.a_sync),
            ),
            (
                Part::RetryPause,
                self.sum(|e| sync(e) * (self.a_sync - 1.0) * pause_s * e.req.writes),
            ),
            (
                Part::Enqueue,
                self.async_share * self.s.queue.enqueue.mean_ms() / 1e3,
            ),
        ]
        .into_iter()
        .filter(|(_, x)| *x > 0.0)
        .map(|(part, s)| Term { part, s })
        .collect();
        let units = f64::from(cap);
        let hold: f64 = terms.iter().map(|t| t.s).sum();
        Some(Stage {
            kind: StageKind::InFlight,
            units,
            reserved: 0.0,
            capacity_per_s: per_s(units, hold),
            terms,
            attempts: self.a_sync,
            offered_per_s: self.lambda,
            utilisation: f64::NAN,
            estimates: self.estimates(&[]),
        })
    }

    /// Expected write attempts of an endpoint's write: inline or by jobs.
    fn a_of(&self, e: &Ep) -> f64 {
        match e.mode {
            Mode::Sync => self.a_sync,
            Mode::Async => self.a_job,
        }
    }

    /// Database connections, held by reads and by every write attempt.
    /// A job's reads run again on each of its attempts.
    fn database(&self, outage: Option<OutageKind>) -> Stage {
        let per_write = self.sum(|e| e.write_s);
        let writes = |e: &Ep| match e.mode {
            Mode::Sync => e.req.writes,
            Mode::Async => e.job.writes,
        };
        let occupancy = self.sum(|e| e.write_s * writes(e) * self.a_of(e));
        let reads = self.sum(|e| e.req.read_s + e.job.read_s * self.a_job);
        let conns = f64::from(self.s.database.connections);
        let fails = self.s.database.failure_probability > 0.0;
        let mut terms = Vec::new();
        if reads > 0.0 {
            terms.push(Term {
                part: Part::Read,
                s: reads,
            });
        }
        terms.push(Term {
            part: Part::Write,
            s: occupancy,
        });
        Stage {
            kind: StageKind::Database,
            units: conns,
            reserved: 0.0,
            terms,
            attempts: if per_write > 0.0 {
                occupancy / per_write
            } else {
                1.0
            },
            capacity_per_s: if outage.is_some() {
                0.0
            } else {
                per_s(conns, occupancy + reads)
            },
            offered_per_s: self.lambda,
            utilisation: self.m.util_db,
            estimates: self.estimates(&[
                (fails, Estimate::Attempts),
                (outage.is_some(), Estimate::Outage),
            ]),
        }
    }

    /// Queue workers, each held for all of a job's steps, on every
    /// attempt.
    fn queue_workers(&self) -> Stage {
        let asy = |e: &Ep| f64::from(u8::from(e.mode == Mode::Async));
        let job = self.sum(|e| asy(e) * e.write_s * e.job.writes * self.a_job);
        let mut terms: Vec<Term> = [
            (Part::Cpu, self.sum(|e| asy(e) * e.job.cpu_s * self.a_job)),
            (Part::Call, self.sum(|e| asy(e) * e.job.call_s * self.a_job)),
            (Part::Read, self.sum(|e| asy(e) * e.job.read_s * self.a_job)),
            (
                Part::Cache,
                self.sum(|e| asy(e) * e.job.cache_s * self.a_job),
            ),
        ]
        .into_iter()
        .filter(|(_, x)| *x > 0.0)
        .map(|(part, s)| Term { part, s })
        .collect();
        terms.push(Term {
            part: Part::Write,
            s: job,
        });
        let hold: f64 = terms.iter().map(|t| t.s).sum();
        let workers = f64::from(self.s.queue.workers);
        let fails = self.s.database.failure_probability > 0.0;
        Stage {
            kind: StageKind::QueueWorkers,
            units: workers,
            reserved: 0.0,
            terms,
            attempts: self.a_job,
            capacity_per_s: per_s(workers, hold),
            offered_per_s: self.lambda,
            utilisation: self.m.util_workers,
            estimates: self.estimates(&[(fails, Estimate::Attempts)]),
        }
    }

    /// One stage per dependency that limits: slots ÷ mean latency, or its
    /// rate limit if lower, in calls per second, divided by the calls one
    /// action makes (a job's calls again on each attempt). Unlimited slots
    /// without a rate limit never limit.
    fn dependencies(&self) -> impl Iterator<Item = Stage> + '_ {
        self.s
            .dependencies
            .iter()
            .enumerate()
            .filter_map(move |(i, d)| {
                let calls = self.sum(|e| {
                    let job = if e.mode == Mode::Async {
                        self.a_job
                    } else {
                        0.0
                    };
                    e.req.calls.get(i).copied().unwrap_or(0.0)
                        + job * e.job.calls.get(i).copied().unwrap_or(0.0)
                });
                let rate = d.rate_limit_per_s.max(0.0);
                if calls <= 0.0 || (d.slots == 0 && rate <= 0.0) {
                    return None;
                }
                let latency_s = d.latency.mean_ms() / 1e3;
                let by_slots = if d.slots == 0 {
                    f64::INFINITY
                } else {
                    per_s(f64::from(d.slots), latency_s) / calls
                };
                let by_rate = if rate > 0.0 {
                    rate / calls
                } else {
                    f64::INFINITY
                };
                Some(Stage {
                    kind: StageKind::Dependency { index: i },
                    units: f64::from(d.slots),
                    reserved: 0.0,
                    terms: vec![Term {
                        part: Part::Call,
                        s: calls * latency_s,
                    }],
                    attempts: calls,
                    capacity_per_s: by_slots.min(by_rate),
                    offered_per_s: self.lambda,
                    utilisation: self.m.util_deps.get(i).copied().unwrap_or(0.0),
                    estimates: self.estimates(&[]),
                })
            })
    }

    /// One stage per client with a token bucket: it caps that client's
    /// jobs, whatever the rest of the system could do.
    fn rate_limits(&self) -> impl Iterator<Item = Stage> + '_ {
        let m = self.m;
        self.s
            .clients
            .iter()
            .enumerate()
            .filter(|(_, c)| c.rate_limit_per_s > 0.0)
            .map(move |(i, c)| {
                let clicks = m.clicks_by_client_per_s.get(i).copied().unwrap_or(0.0);
                let commits = m.commits_by_client_per_s.get(i).copied().unwrap_or(0.0);
                Stage {
                    kind: StageKind::RateLimit { client: i },
                    units: c.rate_limit_per_s,
                    reserved: 0.0,
                    terms: Vec::new(),
                    attempts: 1.0,
                    capacity_per_s: c.rate_limit_per_s,
                    offered_per_s: clicks * self.async_share,
                    utilisation: commits / c.rate_limit_per_s,
                    estimates: Vec::new(),
                }
            })
    }
}

fn stages(s: &Settings, m: &Measured, outage: Option<OutageKind>, poll_workers: f64) -> Vec<Stage> {
    let eps = endpoints(s);
    let (a_sync, a_job) = attempts(s);
    let async_share = eps
        .iter()
        .filter(|e| e.mode == Mode::Async)
        .map(|e| e.q)
        .sum();
    let mix = Mix {
        s,
        m,
        eps,
        a_sync,
        a_job,
        async_share,
        lambda: m.clicks_per_s.max(0.0),
    };
    let mut out = vec![mix.server(poll_workers)];
    out.extend(mix.in_flight());
    out.push(mix.database(outage));
    out.extend(mix.dependencies());
    if mix.async_share > 0.0 {
        out.push(mix.queue_workers());
        out.extend(mix.rate_limits());
    }
    out
}

/// The stage with the highest offered ÷ capacity; with nothing offered,
/// the one with the least capacity (the first to limit when load comes).
fn pick(stages: &[Stage]) -> usize {
    let by = |f: &dyn Fn(&Stage) -> f64| {
        stages
            .iter()
            .enumerate()
            .fold((0, f64::NEG_INFINITY), |best, (i, s)| {
                let v = f(s);
                if v > best.1 { (i, v) } else { best }
            })
            .0
    };
    if stages.iter().any(|s| s.load() > 0.0) {
        by(&|s| s.load())
    } else {
        by(&|s| match s.kind {
            StageKind::RateLimit { .. } => f64::NEG_INFINITY,
            _ => -s.capacity_per_s,
        })
    }
}

fn next_one(
    s: &Settings,
    m: &Measured,
    outage: Option<OutageKind>,
    poll_workers: f64,
    b: &Stage,
) -> Option<NextOne> {
    let mut d = s.clone();
    match b.kind {
        StageKind::Server => {
            d.server.workers_per_instance = d.server.workers_per_instance.saturating_mul(2)
        }
        StageKind::Database => d.database.connections = d.database.connections.saturating_mul(2),
        StageKind::QueueWorkers => d.queue.workers = d.queue.workers.saturating_mul(2),
        StageKind::RateLimit { client } => {
            let c = d.clients.get_mut(client)?;
            c.rate_limit_per_s *= 2.0;
        }
        StageKind::Dependency { index } => {
            let dep = d.dependencies.get_mut(index)?;
            if dep.slots == 0 {
                dep.rate_limit_per_s *= 2.0;
            } else {
                dep.slots = dep.slots.saturating_mul(2);
            }
        }
        StageKind::InFlight => {
            if let ServerModel::NonBlocking {
                in_flight_per_instance,
            } = &mut d.server.model
            {
                *in_flight_per_instance = in_flight_per_instance.saturating_mul(2);
            }
        }
    }
    let after = stages(&d, m, outage, poll_workers);
    let doubled = after.iter().find(|x| x.kind == b.kind)?;
    let then = &after[pick(&after)];
    Some(NextOne {
        doubled: b.kind,
        doubled_capacity_per_s: doubled.capacity_per_s,
        then: then.kind,
        then_capacity_per_s: then.capacity_per_s,
        then_load: then.load(),
    })
}

#[cfg(test)]
mod tests;
