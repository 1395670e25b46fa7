//! The core's own vocabulary: the settings a run is built from, the changes
//! that alter them, and the numeric knobs addressed by path.
//!
//! These are plain data with serde derives, so the scene file format (the
//! `asynclab-scenario` crate) can read and write them without the core
//! knowing anything about files. Units are in the field names.

mod change;
pub mod knobs;
mod parts;
mod variant;

pub use change::{Change, ChangeError, TimelineEvent};
pub use parts::{
    DEFAULT_ACK_AFTER, Dependency, MAX_DEPENDENCIES, MAX_STEPS, ServerModel, Step,
    is_default_ack_after,
};
pub use variant::{Variant, default_pair};

use super::dist::Dist;
use serde::{Deserialize, Serialize};

/// Everything a run is built from: the system, its traffic, its targets and
/// prices, and the scripted changes. Same settings → same run, bit for bit.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// Run seed: same settings + seed gives the same run.
    pub seed: u64,
    /// Width of one metrics window, s.
    pub window_s: f64,
    /// Trailing span that plotted percentiles cover, s.
    pub percentile_window_s: f64,
    /// Tenants and their traffic.
    pub clients: Vec<Client>,
    /// The operations users perform; traffic is split between them.
    pub endpoints: Vec<Endpoint>,
    /// Browser ↔ server network.
    pub network: Network,
    /// How users behave.
    pub browser: Browser,
    /// The web tier.
    pub server: Server,
    /// The database.
    pub database: Database,
    /// The broker and its workers (async path).
    pub queue: Queue,
    /// Targets the run is judged against.
    pub sla: Sla,
    /// Prices of capacity and of service.
    pub cost: Cost,
    /// Scripted changes at given sim times.
    pub timeline: Vec<TimelineEvent>,
    /// Bounds on what the simulation holds.
    pub limits: Limits,
    /// Pools besides the database that steps call (format version 6); not
    /// written when there are none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub dependencies: Vec<Dependency>,
}

/// Shortest poll interval a browser may be set to, s (0 = no polling).
pub const MIN_POLL_INTERVAL_S: f64 = 0.05;

/// The default `limits.max_in_flight`: five times what the busiest shipped
/// scene holds (Black Friday's twins stay under 100,000), ~70 MB of heap at
/// ~140 bytes per held item.
pub const DEFAULT_MAX_IN_FLIGHT: u64 = 500_000;

/// The largest `limits.max_in_flight` a scene may set (~560 MB of heap).
pub const MAX_MAX_IN_FLIGHT: u64 = 4_000_000;

/// The most heap one unit of `limits.max_in_flight` costs, bytes:
/// `bench_memory --flood poll` measured 140 (a polling browser with its
/// job, its action and their timers); sync floods cost ~90.
pub const HELD_ITEM_BYTES: u64 = 140;

// A flood at the default limit is shed before it grows the heap by ~100 MB.
const _: () = assert!(DEFAULT_MAX_IN_FLIGHT * HELD_ITEM_BYTES <= 100_000_000);

/// Bounds on what a run holds in memory.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Limits {
    /// Most work the simulation holds at once: user actions awaiting an
    /// outcome plus requests and jobs in flight. At the limit, new arrivals
    /// are shed and counted under "simulation limit". A held item costs at
    /// most ~140 bytes (measured by `bench_memory --flood`), so the default
    /// sheds a flood before it has grown the heap by ~70 MB, the largest
    /// value the knob allows at ~560 MB, and twins together are held to
    /// [`MAX_HELD_ALL_TWINS`](crate::twins::MAX_HELD_ALL_TWINS).
    pub max_in_flight: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_in_flight: DEFAULT_MAX_IN_FLIGHT,
        }
    }
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            seed: 1,
            window_s: 1.0,
            percentile_window_s: 10.0,
            clients: vec![Client::default()],
            endpoints: vec![Endpoint::default()],
            network: Network::default(),
            browser: Browser::default(),
            server: Server::default(),
            database: Database::default(),
            queue: Queue::default(),
            sla: Sla::default(),
            cost: Cost::default(),
            timeline: Vec::new(),
            limits: Limits::default(),
            dependencies: Vec::new(),
        }
    }
}

impl Settings {
    /// The clients' names, in order (the plots' lanes and legends).
    pub fn client_names(&self) -> Vec<String> {
        self.clients.iter().map(|c| c.name.clone()).collect()
    }

    /// The endpoints' names, in order.
    pub fn endpoint_names(&self) -> Vec<String> {
        self.endpoints.iter().map(|e| e.name.clone()).collect()
    }

    /// Index of the endpoint called `name`.
    pub fn endpoint_index(&self, name: &str) -> Option<usize> {
        self.endpoints.iter().position(|e| e.name == name)
    }

    /// Index of the dependency called `name`.
    pub fn dependency_index(&self, name: &str) -> Option<usize> {
        self.dependencies.iter().position(|d| d.name == name)
    }

    /// True when the scene uses any part of "your own system": steps,
    /// dependencies, a non-default acknowledgement point or server model.
    /// Outputs add their keys and columns only then.
    pub fn has_parts(&self) -> bool {
        !self.dependencies.is_empty()
            || !self.server.model.is_threads()
            || self
                .endpoints
                .iter()
                .any(|e| !e.steps.is_empty() || e.ack_after != DEFAULT_ACK_AFTER)
    }

    /// Server workers over all instances.
    pub fn server_workers(&self) -> u32 {
        self.server
            .instances
            .saturating_mul(self.server.workers_per_instance)
    }

    /// Accept backlog over all instances.
    pub fn accept_capacity(&self) -> u64 {
        u64::from(self.server.instances) * u64::from(self.server.backlog_per_instance)
    }

    /// Non-blocking server: requests in progress over all instances
    /// (`None` for a threads server, whose workers are the limit).
    pub fn in_flight_capacity(&self) -> Option<u32> {
        match self.server.model {
            ServerModel::Threads => None,
            ServerModel::NonBlocking {
                in_flight_per_instance,
            } => Some(self.server.instances.saturating_mul(in_flight_per_instance)),
        }
    }

    /// The browsers' poll interval as sim time, `None` when they do not
    /// poll. A positive interval is never rounded down to "off".
    pub fn poll_interval(&self) -> Option<super::time::SimTime> {
        let p = self.browser.poll_interval_s;
        (p > 0.0).then(|| super::time::SimTime::from_secs_f64(p.max(MIN_POLL_INTERVAL_S)))
    }

    /// Provisioned capacity cost, $ per hour.
    pub fn cost_per_hour(&self) -> f64 {
        let c = &self.cost;
        f64::from(self.server_workers()) * c.server_worker_per_hour
            + f64::from(self.database.connections) * c.db_connection_per_hour
            + f64::from(self.queue.workers) * c.queue_worker_per_hour
            + self
                .dependencies
                .iter()
                .map(|d| f64::from(d.slots) * d.cost_per_slot_per_hour)
                .sum::<f64>()
    }
}

/// Processing mode of an endpoint.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Mode {
    /// The user waits while the server writes to the database.
    #[default]
    Sync,
    /// The server enqueues a job and answers "accepted" at once.
    Async,
}

impl Mode {
    /// The other mode.
    pub fn flipped(self) -> Mode {
        match self {
            Mode::Sync => Mode::Async,
            Mode::Async => Mode::Sync,
        }
    }
}

/// Service tier of a client.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
pub enum Tier {
    /// Lowest priority.
    Free,
    /// Middle priority.
    #[default]
    Standard,
    /// Highest priority.
    Premium,
}

impl Tier {
    /// All tiers, lowest first.
    pub const ALL: [Tier; 3] = [Tier::Free, Tier::Standard, Tier::Premium];
    /// Index into per-tier arrays.
    pub fn index(self) -> usize {
        self as usize
    }
}

/// A tenant whose users click "save".
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Client {
    /// Name shown in legends and lanes.
    pub name: String,
    /// Service tier.
    pub tier: Tier,
    /// Base arrival rate, user actions per second.
    pub rate_per_s: f64,
    /// Multiplier on the base rate over time.
    pub shape: Shape,
    /// Weight in fair scheduling (share of queue workers when all are busy).
    pub weight: f64,
    /// Token-bucket limit on this client's job processing, jobs per second
    /// (0 = unlimited).
    pub rate_limit_per_s: f64,
    /// Token-bucket burst size, jobs.
    pub rate_limit_burst: f64,
}

impl Default for Client {
    fn default() -> Self {
        Client {
            name: "client".into(),
            tier: Tier::Standard,
            rate_per_s: 20.0,
            shape: Shape::Constant,
            weight: 1.0,
            rate_limit_per_s: 0.0,
            rate_limit_burst: 10.0,
        }
    }
}

/// Traffic shape: rate(t) = base rate × shape(t).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub enum Shape {
    /// Always 1.
    #[default]
    Constant,
    /// A sudden burst at `at_s` to `peak` × base that decays exponentially
    /// with time constant `decay_s`.
    EmailBlast {
        /// When the blast lands, s.
        at_s: f64,
        /// Multiplier at the instant of the blast.
        peak: f64,
        /// Decay time constant, s.
        decay_s: f64,
    },
    /// A spike to `peak` × base lasting `spike_s` at the start of every
    /// `period_s`, first at `offset_s`.
    Hourly {
        /// Period, s.
        period_s: f64,
        /// Length of each spike, s.
        spike_s: f64,
        /// Multiplier during a spike.
        peak: f64,
        /// Time of the first spike, s.
        offset_s: f64,
    },
    /// Ramp from 1 up to `peak` over `ramp_up_s` starting at `start_s`, hold
    /// for `hold_s`, ramp back down over `ramp_down_s`.
    BlackFriday {
        /// Ramp start, s.
        start_s: f64,
        /// Ramp-up duration, s.
        ramp_up_s: f64,
        /// Time at the peak, s.
        hold_s: f64,
        /// Ramp-down duration, s.
        ramp_down_s: f64,
        /// Multiplier at the peak.
        peak: f64,
    },
    /// Piecewise-linear through `(time_s, multiplier)` points; constant
    /// before the first and after the last.
    Points(Vec<(f64, f64)>),
}

/// One operation users perform.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Endpoint {
    /// Name shown in the UI.
    pub name: String,
    /// Share of every client's traffic (normalised over endpoints).
    pub share: f64,
    /// Sync or async.
    pub mode: Mode,
    /// Server CPU time per request.
    pub cpu: Dist,
    /// Database write time.
    pub db_write: Dist,
    /// The request's steps in order (format version 6); none means
    /// `[Cpu(cpu), Write]`. Not written when none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub steps: Vec<Step>,
    /// Async: how many steps run in the request before the job is
    /// enqueued and the user acknowledged (format version 6; default 1,
    /// after the first step). The rest run in one queue worker.
    #[serde(skip_serializing_if = "is_default_ack_after")]
    pub ack_after: u32,
}

impl Endpoint {
    /// The steps a request of this endpoint runs: its own, or
    /// `[Cpu(cpu), Write]`.
    pub fn effective_steps(&self) -> Vec<Step> {
        if self.steps.is_empty() {
            vec![Step::Cpu(self.cpu), Step::Write]
        } else {
            self.steps.clone()
        }
    }
}

impl Default for Endpoint {
    fn default() -> Self {
        Endpoint {
            name: "save".into(),
            share: 1.0,
            mode: Mode::Sync,
            cpu: Dist::Exponential { mean_ms: 20.0 },
            db_write: Dist::Exponential { mean_ms: 50.0 },
            steps: Vec::new(),
            ack_after: DEFAULT_ACK_AFTER,
        }
    }
}

/// Browser ↔ server network.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Network {
    /// One-way latency (its spread is the jitter).
    pub latency: Dist,
}

impl Default for Network {
    fn default() -> Self {
        Network {
            latency: Dist::Uniform {
                mean_ms: 15.0,
                spread_ms: 5.0,
            },
        }
    }
}

/// How users behave.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Browser {
    /// How long a user waits for any answer before seeing a timeout, s.
    pub patience_s: f64,
    /// Probability that a user clicks again after an error.
    pub retry_probability: f64,
    /// Time between an error and the click again.
    pub think_time: Dist,
    /// Most clicks again per action.
    pub max_user_retries: u32,
    /// Async: poll the status endpoint every this many seconds until the job
    /// is done (0 = no polling).
    pub poll_interval_s: f64,
}

impl Default for Browser {
    fn default() -> Self {
        Browser {
            patience_s: 15.0,
            retry_probability: 0.5,
            think_time: Dist::Exponential { mean_ms: 3000.0 },
            max_user_retries: 2,
            poll_interval_s: 0.0,
        }
    }
}

/// The web tier.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Server {
    /// Server instances.
    pub instances: u32,
    /// Worker threads per instance.
    pub workers_per_instance: u32,
    /// Accepted connections that may wait for a worker, per instance.
    pub backlog_per_instance: u32,
    /// CPU time of a status poll.
    pub poll_cpu: Dist,
    /// Threads or non-blocking (format version 6); not written when
    /// threads.
    #[serde(skip_serializing_if = "ServerModel::is_threads")]
    pub model: ServerModel,
}

impl Default for Server {
    fn default() -> Self {
        Server {
            instances: 2,
            workers_per_instance: 50,
            backlog_per_instance: 500,
            poll_cpu: Dist::Exponential { mean_ms: 2.0 },
            model: ServerModel::Threads,
        }
    }
}

/// What the database does during a scripted outage.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum OutageKind {
    /// Writes fail at once.
    #[default]
    FailFast,
    /// Writes hang until the write timeout, then fail.
    Hang,
}

/// The database.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Database {
    /// Concurrent connections (capacity ≈ connections ÷ mean write time).
    pub connections: u32,
    /// Probability that a write fails transiently.
    pub failure_probability: f64,
    /// A write that hangs fails after this long, s.
    pub write_timeout_s: f64,
}

impl Default for Database {
    fn default() -> Self {
        Database {
            connections: 5,
            failure_probability: 0.0,
            write_timeout_s: 5.0,
        }
    }
}

/// How queue workers pick the next job.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Scheduling {
    /// Oldest job first, whoever sent it.
    #[default]
    Fifo,
    /// Weighted round-robin over per-client lanes.
    Fair,
    /// Highest tier first; round-robin within a tier.
    Priority,
}

/// What a worker does when a write fails.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub enum RetryPolicy {
    /// Dead-letter at once.
    None,
    /// Wait `delay_s` between attempts.
    Fixed {
        /// Delay between attempts, s.
        delay_s: f64,
    },
    /// Wait a uniform random time in [0, min(cap, base × 2^(attempt−1))]
    /// ("full jitter").
    #[default]
    ExponentialJitter,
}

/// The broker and its workers.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Queue {
    /// Time for the server to hand a job to the broker.
    pub enqueue: Dist,
    /// Most jobs the broker holds (0 = unbounded).
    pub capacity: u64,
    /// How workers pick the next job.
    pub scheduling: Scheduling,
    /// Queue workers (each holds one job at a time).
    pub workers: u32,
    /// What happens after a failed write.
    pub retry: RetryPolicy,
    /// Base backoff of exponential retries, s.
    pub backoff_base_s: f64,
    /// Longest backoff of exponential retries, s.
    pub backoff_cap_s: f64,
    /// Attempts before a job is dead-lettered (≥ 1).
    pub max_attempts: u32,
    /// Sync mode: attempts of a write inline, holding the server worker.
    pub sync_max_attempts: u32,
    /// Sync mode: pause between inline attempts, ms.
    pub sync_retry_delay_ms: f64,
}

impl Default for Queue {
    fn default() -> Self {
        Queue {
            enqueue: Dist::Exponential { mean_ms: 2.0 },
            capacity: 0,
            scheduling: Scheduling::Fifo,
            workers: 5,
            retry: RetryPolicy::ExponentialJitter,
            backoff_base_s: 0.5,
            backoff_cap_s: 60.0,
            max_attempts: 8,
            sync_max_attempts: 1,
            sync_retry_delay_ms: 100.0,
        }
    }
}

/// Service targets.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Sla {
    /// A user should see an outcome within this, s.
    pub wait_target_s: f64,
    /// A write should be committed within this of the click, s.
    pub processed_target_s: f64,
}

impl Default for Sla {
    fn default() -> Self {
        Sla {
            wait_target_s: 1.0,
            processed_target_s: 900.0,
        }
    }
}

/// Prices.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Cost {
    /// Per server worker per hour, $.
    pub server_worker_per_hour: f64,
    /// Per database connection per hour, $.
    pub db_connection_per_hour: f64,
    /// Per queue worker per hour, $.
    pub queue_worker_per_hour: f64,
    /// Revenue per committed action, by tier (free, standard, premium), $.
    pub revenue_per_action: [f64; 3],
}

impl Default for Cost {
    fn default() -> Self {
        Cost {
            server_worker_per_hour: 0.02,
            db_connection_per_hour: 1.0,
            queue_worker_per_hour: 0.05,
            revenue_per_action: [0.0, 0.0, 0.0],
        }
    }
}
