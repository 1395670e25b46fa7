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
//! (`crate::explain`).

mod measured;

pub use measured::Measured;

use super::config::{Mode, OutageKind, RetryPolicy, Settings};

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
    /// writes never fail).
    pub attempts: f64,
    /// Actions per second it can carry.
    pub capacity_per_s: f64,
    /// Actions per second offered to it (for a rate limit: its client's
    /// async actions).
    pub offered_per_s: f64,
    /// Measured busy fraction (a rate limit: its client's commits ÷ its
    /// rate).
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

/// How the async queue grows or drains.
#[derive(Clone, Debug, PartialEq)]
pub struct QueueOutlook {
    /// Share of actions handled async.
    pub async_share: f64,
    /// Jobs entering the broker now, per second (what the servers let
    /// through of the async traffic).
    pub in_per_s: f64,
    /// Jobs the workers and the database can finish per second.
    pub out_per_s: f64,
    /// Jobs in the broker now.
    pub backlog: u64,
    /// Growth measured over the span, jobs/s.
    pub measured_growth_per_s: f64,
    /// Servers' capacity, actions/s (caps what enters at a higher rate).
    server_capacity_per_s: f64,
}

impl QueueOutlook {
    /// Predicted growth, jobs/s (negative: draining).
    pub fn growth_per_s(&self) -> f64 {
        self.in_per_s - self.out_per_s
    }

    /// Seconds until the backlog is empty if traffic is `rate_per_s`
    /// actions/s from now; `None` when it would not drain at that rate.
    pub fn drain_s_at(&self, rate_per_s: f64) -> Option<f64> {
        let arriving = self.async_share * rate_per_s.min(self.server_capacity_per_s);
        let net = self.out_per_s - arriving;
        if self.backlog == 0 {
            Some(0.0)
        } else if net > 0.0 {
            Some(self.backlog as f64 / net)
        } else {
            None
        }
    }

    /// Seconds until the backlog is empty at the traffic now; `None`
    /// while it grows.
    pub fn drain_s(&self) -> Option<f64> {
        let net = self.out_per_s - self.in_per_s;
        if self.backlog == 0 {
            Some(0.0)
        } else if net > 0.0 {
            Some(self.backlog as f64 / net)
        } else {
            None
        }
    }

    /// The traffic below which the backlog drains, actions/s.
    pub fn drains_below_per_s(&self) -> f64 {
        if self.async_share > 0.0 {
            self.out_per_s / self.async_share
        } else {
            f64::INFINITY
        }
    }
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
    let queue = queue_outlook(s, m, &stages);
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

/// Per endpoint: its share of traffic (normalised), mode, CPU, write, s.
struct Ep {
    q: f64,
    mode: Mode,
    cpu_s: f64,
    write_s: f64,
}

fn endpoints(s: &Settings) -> Vec<Ep> {
    let total: f64 = s.endpoints.iter().map(|e| e.share.max(0.0)).sum();
    let n = s.endpoints.len().max(1) as f64;
    s.endpoints
        .iter()
        .map(|e| Ep {
            q: if total > 0.0 {
                e.share.max(0.0) / total
            } else {
                1.0 / n
            },
            mode: e.mode,
            cpu_s: e.cpu.mean_ms() / 1e3,
            write_s: e.db_write.mean_ms() / 1e3,
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

fn stages(s: &Settings, m: &Measured, outage: Option<OutageKind>, poll_workers: f64) -> Vec<Stage> {
    let eps = endpoints(s);
    let (a_sync, a_job) = attempts(s);
    let sum = |f: &dyn Fn(&Ep) -> f64| eps.iter().map(|e| e.q * f(e)).sum::<f64>();
    let sync = |e: &Ep| if e.mode == Mode::Sync { 1.0 } else { 0.0 };
    let async_share = sum(&|e| 1.0 - sync(e));
    let pause_s = s.queue.sync_retry_delay_ms.max(0.0) / 1e3;
    let mut common = Vec::new();
    if eps.len() > 1 {
        common.push(Estimate::Mix);
    }
    let fails = s.database.failure_probability > 0.0;
    let with = |extra: &[(bool, Estimate)]| {
        let mut v = common.clone();
        v.extend(extra.iter().filter(|x| x.0).map(|x| x.1));
        v
    };
    let lambda = m.clicks_per_s.max(0.0);

    let server_terms: Vec<Term> = [
        (Part::Cpu, sum(&|e| e.cpu_s)),
        (Part::Write, sum(&|e| sync(e) * e.write_s * a_sync)),
        (
            Part::RetryPause,
            sum(&|e| sync(e) * (a_sync - 1.0) * pause_s),
        ),
        (Part::Enqueue, async_share * s.queue.enqueue.mean_ms() / 1e3),
    ]
    .into_iter()
    .filter(|(_, x)| *x > 0.0)
    .map(|(part, s)| Term { part, s })
    .collect();
    let units = f64::from(s.server_workers());
    let hold: f64 = server_terms.iter().map(|t| t.s).sum();
    let mut out = vec![Stage {
        kind: StageKind::Server,
        units,
        reserved: poll_workers.min(units),
        capacity_per_s: per_s(units - poll_workers, hold),
        terms: server_terms,
        attempts: a_sync,
        offered_per_s: lambda,
        utilisation: m.util_server,
        estimates: with(&[
            (poll_workers > 0.0, Estimate::PollShare),
            (fails && async_share < 1.0, Estimate::Attempts),
        ]),
    }];

    let per_write = sum(&|e| e.write_s);
    let occupancy = sum(&|e| e.write_s * if sync(e) > 0.0 { a_sync } else { a_job });
    let conns = f64::from(s.database.connections);
    out.push(Stage {
        kind: StageKind::Database,
        units: conns,
        reserved: 0.0,
        terms: vec![Term {
            part: Part::Write,
            s: occupancy,
        }],
        attempts: if per_write > 0.0 {
            occupancy / per_write
        } else {
            1.0
        },
        capacity_per_s: if outage.is_some() {
            0.0
        } else {
            per_s(conns, occupancy)
        },
        offered_per_s: lambda,
        utilisation: m.util_db,
        estimates: with(&[
            (fails, Estimate::Attempts),
            (outage.is_some(), Estimate::Outage),
        ]),
    });

    if async_share > 0.0 {
        let job = sum(&|e| (1.0 - sync(e)) * e.write_s * a_job);
        let workers = f64::from(s.queue.workers);
        out.push(Stage {
            kind: StageKind::QueueWorkers,
            units: workers,
            reserved: 0.0,
            terms: vec![Term {
                part: Part::Write,
                s: job,
            }],
            attempts: a_job,
            capacity_per_s: per_s(workers, job),
            offered_per_s: lambda,
            utilisation: m.util_workers,
            estimates: with(&[(fails, Estimate::Attempts)]),
        });
        for (i, c) in s.clients.iter().enumerate() {
            if c.rate_limit_per_s <= 0.0 {
                continue;
            }
            let clicks = m.clicks_by_client_per_s.get(i).copied().unwrap_or(0.0);
            let commits = m.commits_by_client_per_s.get(i).copied().unwrap_or(0.0);
            out.push(Stage {
                kind: StageKind::RateLimit { client: i },
                units: c.rate_limit_per_s,
                reserved: 0.0,
                terms: Vec::new(),
                attempts: 1.0,
                capacity_per_s: c.rate_limit_per_s,
                offered_per_s: clicks * async_share,
                utilisation: commits / c.rate_limit_per_s,
                estimates: Vec::new(),
            });
        }
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

fn queue_outlook(s: &Settings, m: &Measured, stages: &[Stage]) -> Option<QueueOutlook> {
    let eps = endpoints(s);
    let async_share: f64 = eps
        .iter()
        .filter(|e| e.mode == Mode::Async)
        .map(|e| e.q)
        .sum();
    if async_share <= 0.0 && m.backlog == 0 {
        return None;
    }
    let (a_sync, a_job) = attempts(s);
    // One job's write time: over the async endpoints, or (all sync now,
    // a backlog left over) over all of them.
    let pool: Vec<&Ep> = if async_share > 0.0 {
        eps.iter().filter(|e| e.mode == Mode::Async).collect()
    } else {
        eps.iter().collect()
    };
    let weight: f64 = pool.iter().map(|e| e.q).sum();
    let job_s = if weight > 0.0 {
        pool.iter().map(|e| e.q * e.write_s * a_job).sum::<f64>() / weight
    } else {
        0.0
    };
    let server = stages
        .iter()
        .find(|x| x.kind == StageKind::Server)
        .map_or(f64::INFINITY, |x| x.capacity_per_s);
    let db_down = stages
        .iter()
        .any(|x| x.kind == StageKind::Database && x.capacity_per_s <= 0.0);
    // Connections the sync traffic keeps busy are not there for jobs.
    let lambda = m.clicks_per_s.max(0.0).min(server);
    let sync_busy: f64 = eps
        .iter()
        .filter(|e| e.mode == Mode::Sync)
        .map(|e| lambda * e.q * e.write_s * a_sync)
        .sum();
    let conns = (f64::from(s.database.connections) - sync_busy).max(0.0);
    let mut out = per_s(f64::from(s.queue.workers), job_s).min(per_s(conns, job_s));
    if db_down {
        out = 0.0;
    }
    // Token buckets cap their clients: when every client with traffic is
    // limited, together they cap the rate out.
    let limited = s.clients.iter().any(|c| c.rate_limit_per_s > 0.0)
        && s.clients.iter().enumerate().all(|(i, c)| {
            c.rate_limit_per_s > 0.0 || m.clicks_by_client_per_s.get(i).is_some_and(|r| *r <= 0.0)
        });
    if limited && async_share > 0.0 {
        out = out.min(s.clients.iter().map(|c| c.rate_limit_per_s.max(0.0)).sum());
    }
    Some(QueueOutlook {
        async_share,
        in_per_s: async_share * lambda,
        out_per_s: out,
        backlog: m.backlog,
        measured_growth_per_s: m.backlog_growth_per_s,
        server_capacity_per_s: server,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::dist::Dist;

    fn scene7() -> Settings {
        let mut s = Settings::default();
        s.server.instances = 1;
        s.server.workers_per_instance = 9;
        s.database.connections = 5;
        s.endpoints[0].cpu = Dist::Exponential { mean_ms: 25.0 };
        s.endpoints[0].db_write = Dist::Exponential { mean_ms: 50.0 };
        s
    }

    fn offered(rate: f64) -> Measured {
        Measured {
            clicks_per_s: rate,
            ..Measured::default()
        }
    }

    #[test]
    fn scene_7_database_limits_and_doubling_it_moves_the_bottleneck_to_the_servers() {
        let a = analyse(&scene7(), &offered(180.0), None);
        let b = a.bottleneck();
        assert_eq!(b.kind, StageKind::Database);
        assert!((b.capacity_per_s - 100.0).abs() < 1e-9);
        let server = a.stage(StageKind::Server).expect("server");
        assert!((server.capacity_per_s - 120.0).abs() < 1e-9);
        assert!(b.estimates.is_empty() && server.estimates.is_empty());
        let next = a.next.expect("next");
        assert_eq!(next.then, StageKind::Server);
        assert!((next.doubled_capacity_per_s - 200.0).abs() < 1e-9);
        assert!((next.then_capacity_per_s - 120.0).abs() < 1e-9);
        assert!(a.queue.is_none(), "sync with no backlog");
    }

    #[test]
    fn failures_divide_by_expected_attempts_and_polls_take_their_share() {
        assert!((expected_attempts(0.2, 3) - 1.24).abs() < 1e-12);
        assert_eq!(expected_attempts(0.0, 8), 1.0);
        assert_eq!(expected_attempts(1.0, 8), 8.0);
        let mut s = scene7();
        s.endpoints[0].mode = Mode::Async;
        s.database.failure_probability = 0.5;
        s.queue.max_attempts = 2;
        s.queue.workers = 3;
        let m = Measured {
            clicks_per_s: 50.0,
            util_server_polls: 1.0 / 9.0,
            backlog: 300,
            ..Measured::default()
        };
        let a = analyse(&s, &m, None);
        // Each write takes 1.5 attempts: 5 ÷ 75 ms and 3 ÷ 75 ms.
        let db = a.stage(StageKind::Database).expect("db");
        assert!((db.capacity_per_s - 5.0 / 0.075).abs() < 1e-9);
        assert_eq!(db.estimates, vec![Estimate::Attempts]);
        assert_eq!(a.bottleneck().kind, StageKind::QueueWorkers);
        assert!((a.bottleneck().capacity_per_s - 40.0).abs() < 1e-9);
        // Async servers: 1 of 9 workers on polls, CPU + enqueue 27 ms.
        let server = a.stage(StageKind::Server).expect("server");
        assert!((server.capacity_per_s - 8.0 / 0.027).abs() < 1e-6);
        assert_eq!(server.estimates, vec![Estimate::PollShare]);
        // The queue grows 10 jobs/s; at 20/s it drains 300 jobs in 15 s.
        let q = a.queue.expect("queue");
        assert!((q.growth_per_s() - 10.0).abs() < 1e-9);
        assert_eq!(q.drain_s(), None);
        assert!((q.drain_s_at(20.0).expect("drains") - 15.0).abs() < 1e-9);
        assert!((q.drains_below_per_s() - 40.0).abs() < 1e-9);
        // Doubling the workers: the database (66.7/s) limits next.
        let next = a.next.expect("next");
        assert_eq!(next.then, StageKind::Database);
    }

    #[test]
    fn an_outage_stops_the_database_and_no_traffic_names_the_smallest_stage() {
        let a = analyse(&scene7(), &offered(10.0), Some(OutageKind::FailFast));
        assert_eq!(a.bottleneck().kind, StageKind::Database);
        assert_eq!(a.bottleneck().load(), f64::INFINITY);
        let idle = analyse(&scene7(), &offered(0.0), None);
        assert_eq!(idle.bottleneck().kind, StageKind::Database);
        assert!(!idle.saturated());
    }

    #[test]
    fn a_token_bucket_caps_its_client() {
        let mut s = scene7();
        s.endpoints[0].mode = Mode::Async;
        s.queue.workers = 50;
        s.database.connections = 50;
        s.clients[0].rate_limit_per_s = 30.0;
        let m = Measured {
            clicks_per_s: 60.0,
            clicks_by_client_per_s: vec![60.0],
            commits_by_client_per_s: vec![30.0],
            ..Measured::default()
        };
        let a = analyse(&s, &m, None);
        let b = a.bottleneck();
        assert_eq!(b.kind, StageKind::RateLimit { client: 0 });
        assert_eq!(
            (b.capacity_per_s, b.load(), b.utilisation),
            (30.0, 2.0, 1.0)
        );
        assert_eq!(a.queue.expect("queue").out_per_s, 30.0);
    }
}
