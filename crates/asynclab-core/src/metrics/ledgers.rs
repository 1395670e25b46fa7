//! The two conservation ledgers: what users saw of every action, and what
//! the system did with every request and job.

use super::reasons::{ByReason, Rejected};
use serde::Serialize;

/// What users did: every action ends exactly one way.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ActionLedger {
    /// Actions started (first clicks).
    pub issued: u64,
    /// Succeeded as the user saw it (response or acknowledgement).
    pub succeeded: u64,
    /// Failed as the user saw it, by reason (final, after any clicks again).
    pub failed: ByReason,
    /// Still waiting for an outcome (or about to click again).
    pub awaiting: u64,
}

impl ActionLedger {
    /// True when issued = succeeded + failed + awaiting.
    pub fn balances(&self) -> bool {
        self.issued == self.succeeded + self.failed.total() + self.awaiting
    }
}

/// Where an in-flight request or job is.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Stages {
    /// On the network to the server.
    pub network: u64,
    /// In the server's accept backlog.
    pub accept_backlog: u64,
    /// On a server worker (CPU, enqueue, inline retry pause).
    pub server: u64,
    /// Waiting for a DB connection.
    pub db_wait: u64,
    /// Writing.
    pub db_write: u64,
    /// In the broker.
    pub queued: u64,
    /// Waiting out a retry backoff.
    pub backoff: u64,
    /// Waiting for a dependency's slot (written only when some are).
    #[serde(skip_serializing_if = "is_zero")]
    pub call_wait: u64,
    /// In a call to a dependency (written only when some are).
    #[serde(skip_serializing_if = "is_zero")]
    pub calling: u64,
    /// A job on a queue worker in a Cpu or Cache step (written only when
    /// some are).
    #[serde(skip_serializing_if = "is_zero")]
    pub job_step: u64,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

impl Stages {
    /// Sum over stages.
    pub fn total(&self) -> u64 {
        self.network
            + self.accept_backlog
            + self.server
            + self.db_wait
            + self.db_write
            + self.queued
            + self.backoff
            + self.call_wait
            + self.calling
            + self.job_step
    }
}

/// What the system did with every save request (each click is one).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct WorkLedger {
    /// Save requests sent (clicks).
    pub requests: u64,
    /// Written to the database.
    pub committed: u64,
    /// Committed although the user had given up (also in `committed`).
    pub committed_wasted: u64,
    /// Refused, by reason.
    pub rejected: Rejected,
    /// Acknowledged jobs that were never written.
    pub dead_lettered: u64,
    /// Of those, jobs whose acknowledgement went to a user still waiting:
    /// the user was told it worked (also in `dead_lettered`).
    pub dead_lettered_after_ack: u64,
    /// Not finished yet, by stage.
    pub in_flight: Stages,
}

impl WorkLedger {
    /// True when requests = committed + rejected + dead-lettered + in flight.
    pub fn balances(&self) -> bool {
        self.requests
            == self.committed + self.rejected.total() + self.dead_lettered + self.in_flight.total()
    }
}

/// Both ledgers.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Ledgers {
    /// As users saw it.
    pub actions: ActionLedger,
    /// As the system handled it.
    pub work: WorkLedger,
}
