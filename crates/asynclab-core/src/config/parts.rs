//! The parts of "your own system" (format version 6): dependencies besides
//! the database, the steps of a request, and how the server holds a
//! request while it waits.
//!
//! An endpoint without steps is exactly `[Cpu(cpu), Write]`: the plain
//! endpoint every older scene has, and it runs exactly as before.

use crate::dist::Dist;
use serde::{Deserialize, Serialize};

/// Most dependencies a scene may have.
pub const MAX_DEPENDENCIES: usize = 16;

/// Most steps an endpoint may have.
pub const MAX_STEPS: usize = 16;

/// A named pool besides the database: a partner API, a search service.
/// A call waits first come, first served for a slot and holds it for one
/// latency draw.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Dependency {
    /// Name, unique in the scene; steps and knobs address it by name.
    pub name: String,
    /// Concurrent calls it serves, shared by every server instance and
    /// queue worker (0 = unlimited: a call never waits for a slot, and the
    /// pool has no utilisation and is never the bottleneck).
    pub slots: u32,
    /// Time one call holds its slot.
    pub latency: Dist,
    /// Probability that a call fails (after its latency).
    pub failure_probability: f64,
    /// A call still running this long after its slot was granted fails
    /// then and frees its slot, s (0 = no timeout).
    pub timeout_s: f64,
    /// Calls admitted per second, a token bucket holding one second of
    /// the rate, checked before a call queues for a slot: a call with no
    /// token fails at once as "throttled" (0 = no limit).
    pub rate_limit_per_s: f64,
    /// Price of one slot per hour, $ (adds to the capacity cost).
    pub cost_per_slot_per_hour: f64,
}

impl Default for Dependency {
    fn default() -> Self {
        Dependency {
            name: "partner".into(),
            slots: 10,
            latency: Dist::Exponential { mean_ms: 100.0 },
            failure_probability: 0.0,
            timeout_s: 0.0,
            rate_limit_per_s: 0.0,
            cost_per_slot_per_hour: 0.0,
        }
    }
}

/// One step of a request, in order. The steps before the acknowledgement
/// point run in the request (on a server worker); the rest run in one
/// queue worker's job.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Step {
    /// Computation: holds a server worker (or, after the acknowledgement,
    /// the queue worker) for one draw.
    Cpu(Dist),
    /// A call to the named dependency: waits for a slot, holds it for one
    /// latency draw.
    Call(String),
    /// A database read: holds a connection for one draw, commits nothing.
    Read(Dist),
    /// A cache lookup: every lookup pays `latency` and holds nothing; a hit
    /// (probability `hit_ratio`) skips the next step.
    Cache {
        /// Share of lookups that hit, 0–1.
        hit_ratio: f64,
        /// Time of one lookup.
        latency: Dist,
    },
    /// The database write (the endpoint's `db_write` time): at most one,
    /// always last. The action is processed when it commits.
    Write,
}

impl Step {
    /// The step's name in messages: `Cpu`, `Call(partner)`, …
    pub fn label(&self) -> String {
        match self {
            Step::Cpu(_) => "Cpu".into(),
            Step::Call(d) => format!("Call({d})"),
            Step::Read(_) => "Read".into(),
            Step::Cache { .. } => "Cache".into(),
            Step::Write => "Write".into(),
        }
    }
}

/// How a server holds a request while it waits for a dependency or the
/// database.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub enum ServerModel {
    /// A worker thread is held from the request's first step to its
    /// answer, waits included (the classic thread-per-request server).
    #[default]
    Threads,
    /// Async I/O: a request holds one of `in_flight_per_instance` slots
    /// from accept to answer (with none free it waits in the accept
    /// backlog); only its Cpu steps and the enqueue take a worker, first
    /// come, first served.
    NonBlocking {
        /// Requests in progress per instance.
        in_flight_per_instance: u32,
    },
}

impl ServerModel {
    /// True for the default model (not written to files).
    pub fn is_threads(&self) -> bool {
        *self == ServerModel::Threads
    }
}

/// The default acknowledgement point: after the first step.
pub const DEFAULT_ACK_AFTER: u32 = 1;

/// True for the default `ack_after` (not written to files).
pub fn is_default_ack_after(v: &u32) -> bool {
    *v == DEFAULT_ACK_AFTER
}
