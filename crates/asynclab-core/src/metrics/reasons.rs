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
    /// A call to a dependency failed (after any inline retries).
    CallFailed,
    /// A call to a dependency ran past its timeout.
    CallTimeout,
    /// A dependency's rate limit refused the call.
    Throttled,
}

impl Reason {
    /// All reasons, in display order.
    pub const ALL: [Reason; 8] = [
        Reason::Timeout,
        Reason::ServerBusy,
        Reason::QueueFull,
        Reason::DbError,
        Reason::SimLimit,
        Reason::CallFailed,
        Reason::CallTimeout,
        Reason::Throttled,
    ];
    /// The reasons every scene can show; the others come only from calls
    /// to dependencies (outputs list them only for scenes that have some).
    pub const PLAIN: [Reason; 5] = [
        Reason::Timeout,
        Reason::ServerBusy,
        Reason::QueueFull,
        Reason::DbError,
        Reason::SimLimit,
    ];
    /// The reasons a scene can show: every one with dependencies, the
    /// plain ones without (outputs list no call reasons for such a scene).
    pub fn listed(dependencies: bool) -> &'static [Reason] {
        if dependencies {
            &Reason::ALL
        } else {
            &Reason::PLAIN
        }
    }
    /// True for a reason only calls to dependencies give.
    pub fn of_calls(self) -> bool {
        matches!(
            self,
            Reason::CallFailed | Reason::CallTimeout | Reason::Throttled
        )
    }
    /// Identifier for files (CSV columns, JSON keys): `server_busy`.
    pub fn key(self) -> &'static str {
        match self {
            Reason::Timeout => "timeout",
            Reason::ServerBusy => "server_busy",
            Reason::QueueFull => "queue_full",
            Reason::DbError => "db_error",
            Reason::SimLimit => "sim_limit",
            Reason::CallFailed => "call_failed",
            Reason::CallTimeout => "call_timeout",
            Reason::Throttled => "throttled",
        }
    }
}

fn is_zero(n: &u64) -> bool {
    *n == 0
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
    /// A call to a dependency failed (written only when some did).
    #[serde(skip_serializing_if = "is_zero")]
    pub call_failed: u64,
    /// A call to a dependency timed out (written only when some did).
    #[serde(skip_serializing_if = "is_zero")]
    pub call_timeout: u64,
    /// A dependency's rate limit refused the call (written only when some
    /// were).
    #[serde(skip_serializing_if = "is_zero")]
    pub throttled: u64,
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
            Reason::CallFailed => &self.call_failed,
            Reason::CallTimeout => &self.call_timeout,
            Reason::Throttled => &self.throttled,
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
            Reason::CallFailed => &mut self.call_failed,
            Reason::CallTimeout => &mut self.call_timeout,
            Reason::Throttled => &mut self.throttled,
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
    /// A call to a dependency failed (sync or before the acknowledgement,
    /// after any inline retries; written only when some did).
    #[serde(skip_serializing_if = "is_zero")]
    pub call_failed: u64,
    /// A call to a dependency timed out (written only when some did).
    #[serde(skip_serializing_if = "is_zero")]
    pub call_timeout: u64,
    /// A dependency's rate limit refused the call (written only when some
    /// were).
    #[serde(skip_serializing_if = "is_zero")]
    pub throttled: u64,
}

impl Rejected {
    /// Sum over reasons.
    pub fn total(&self) -> u64 {
        self.server_busy
            + self.queue_full
            + self.db_error
            + self.sim_limit
            + self.call_failed
            + self.call_timeout
            + self.throttled
    }

    /// Counts `n` refusals for `reason` (a user's timeout is not a
    /// refusal: nothing is counted).
    pub fn add(&mut self, reason: Reason, n: u64) {
        match reason {
            Reason::Timeout => {}
            Reason::ServerBusy => self.server_busy += n,
            Reason::QueueFull => self.queue_full += n,
            Reason::DbError => self.db_error += n,
            Reason::SimLimit => self.sim_limit += n,
            Reason::CallFailed => self.call_failed += n,
            Reason::CallTimeout => self.call_timeout += n,
            Reason::Throttled => self.throttled += n,
        }
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
