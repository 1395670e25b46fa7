//! Why users saw errors and why the system refused work, as named counts.

use serde::Serialize;

/// Why a user saw an error.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum Reason {
    /// No answer within the user's patience.
    Timeout,
    /// The server's accept backlog was full.
    ServerBusy,
    /// The broker was full.
    QueueFull,
    /// The database write failed (after any inline retries).
    DbError,
    /// The simulation held as much work as its limit allows and shed the
    /// arrival (`limits.max_in_flight`): not the modelled system's doing,
    /// but the simulator's bound, counted so nothing goes missing.
    SimLimit,
}

impl Reason {
    /// All reasons, in display order.
    pub const ALL: [Reason; 5] = [
        Reason::Timeout,
        Reason::ServerBusy,
        Reason::QueueFull,
        Reason::DbError,
        Reason::SimLimit,
    ];
    /// Identifier for files (CSV columns, JSON keys): `server_busy`.
    pub fn key(self) -> &'static str {
        match self {
            Reason::Timeout => "timeout",
            Reason::ServerBusy => "server_busy",
            Reason::QueueFull => "queue_full",
            Reason::DbError => "db_error",
            Reason::SimLimit => "sim_limit",
        }
    }
}

/// A count per [`Reason`], named (JSON writes it as an object keyed by
/// reason, so adding a reason shifts nothing).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ByReason {
    /// No answer within the user's patience.
    pub timeout: u64,
    /// The server's accept backlog was full.
    pub server_busy: u64,
    /// The broker was full.
    pub queue_full: u64,
    /// The database write failed.
    pub db_error: u64,
    /// Shed at the simulation's limit on work in flight.
    pub sim_limit: u64,
}

impl ByReason {
    /// Sum over reasons.
    pub fn total(&self) -> u64 {
        Reason::ALL.iter().map(|r| self[*r]).sum()
    }
    /// Adds every count of `other`.
    pub fn add(&mut self, other: &ByReason) {
        for r in Reason::ALL {
            self[r] += other[r];
        }
    }
}

impl std::ops::Index<Reason> for ByReason {
    type Output = u64;
    fn index(&self, r: Reason) -> &u64 {
        match r {
            Reason::Timeout => &self.timeout,
            Reason::ServerBusy => &self.server_busy,
            Reason::QueueFull => &self.queue_full,
            Reason::DbError => &self.db_error,
            Reason::SimLimit => &self.sim_limit,
        }
    }
}

impl std::ops::IndexMut<Reason> for ByReason {
    fn index_mut(&mut self, r: Reason) -> &mut u64 {
        match r {
            Reason::Timeout => &mut self.timeout,
            Reason::ServerBusy => &mut self.server_busy,
            Reason::QueueFull => &mut self.queue_full,
            Reason::DbError => &mut self.db_error,
            Reason::SimLimit => &mut self.sim_limit,
        }
    }
}

/// Requests the system refused, by reason (a user who gave up is not a
/// refusal: that request goes on, and its work is wasted).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Rejected {
    /// The server's accept backlog was full.
    pub server_busy: u64,
    /// The broker was full.
    pub queue_full: u64,
    /// The database write failed (sync, after any inline retries).
    pub db_error: u64,
    /// Shed at the simulation's limit on work in flight.
    pub sim_limit: u64,
}

impl Rejected {
    /// Sum over reasons.
    pub fn total(&self) -> u64 {
        self.server_busy + self.queue_full + self.db_error + self.sim_limit
    }
}

/// Busy fraction of each kind of capacity.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct Utilisation {
    /// Server workers.
    pub server: f64,
    /// Database connections.
    pub database: f64,
    /// Queue workers.
    pub queue_workers: f64,
}

/// Work that went on beyond a capacity cut: units busy beyond the capacity
/// (finishing what they had started), for each kind of capacity.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct Draining {
    /// Server workers.
    pub server: f64,
    /// Database connections.
    pub database: f64,
    /// Queue workers.
    pub queue_workers: f64,
}
