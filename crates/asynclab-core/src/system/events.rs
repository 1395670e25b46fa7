//! What travels through the system: requests, database operations,
//! answers, and the events the scheduler orders.

use super::super::lanes::Job;
use super::super::metrics::Reason;
use super::super::slab::Key;
use super::super::time::SimTime;

/// Whether a request is a user's save or a browser's status poll, and
/// (the `Nb` kinds) whether a non-blocking server admitted it. A live
/// switch of the server model leaves a request admitted before it holding
/// what it was admitted with (a worker, or an in-flight slot) until its
/// answer: it releases that, not what the new model would hold. One byte,
/// so `Req` stays 24 bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum ReqKind {
    /// A click: `key` is the action.
    Save,
    /// A status poll: `key` is the polling record.
    Poll,
    /// A click admitted by a non-blocking server.
    SaveNb,
    /// A status poll admitted by a non-blocking server.
    PollNb,
}

/// A save or poll request inside the server. 24 bytes (events and the
/// accept backlog hold many).
#[derive(Clone, Copy, Debug)]
pub(super) struct Req {
    /// When the action's first click happened: time to processed and time
    /// until a polling user learns count from it, so clicks again and the
    /// think time before them are part of what the user lived through.
    pub clicked: SimTime,
    /// The action (save) or the polling record (poll).
    pub key: Key,
    /// Which click of the action this is (saves).
    pub click: u16,
    /// Client index (a scene has at most 64 clients).
    pub client: u8,
    /// The endpoint's step this request is at (saves; see
    /// `steps.rs`), with [`ENQUEUE`] set while it waits for a worker to
    /// enqueue it (non-blocking server).
    pub step: u8,
    pub endpoint: u8,
    /// Inline write attempts so far (sync; at most 100 by the knob's
    /// range, so a byte holds them and leaves room for `traced`).
    pub attempts: u8,
    pub kind: ReqKind,
    /// The action is traced (see `crate::trace`).
    pub traced: bool,
}

/// The bit of `Req::step` that marks a request waiting for a server
/// worker to enqueue it rather than to run its Cpu step.
pub(super) const ENQUEUE: u8 = 0x80;

impl Req {
    pub fn is_save(&self) -> bool {
        matches!(self.kind, ReqKind::Save | ReqKind::SaveNb)
    }
    /// Admitted by a non-blocking server: it holds an in-flight slot and
    /// takes a worker only for CPU and the enqueue.
    pub fn non_blocking(&self) -> bool {
        matches!(self.kind, ReqKind::SaveNb | ReqKind::PollNb)
    }
    /// Marks the server model the request is admitted under.
    pub fn set_non_blocking(&mut self, nb: bool) {
        self.kind = match (self.is_save(), nb) {
            (true, false) => ReqKind::Save,
            (true, true) => ReqKind::SaveNb,
            (false, false) => ReqKind::Poll,
            (false, true) => ReqKind::PollNb,
        };
    }
    /// The step index, without the enqueue mark.
    pub fn step_index(&self) -> usize {
        usize::from(self.step & !ENQUEUE)
    }
}

/// Work at a station that is not a server worker (a database connection,
/// a dependency's slot) or on a timer (a cache lookup, a job's Cpu step).
#[derive(Clone, Copy, Debug)]
pub(super) enum DbOp {
    /// A request in the server (sync, or before the acknowledgement) at
    /// step `req.step`.
    Sync(Req),
    /// A queue worker's job at the given step.
    Job(Job, u8),
}

impl DbOp {
    pub fn endpoint(&self) -> usize {
        match self {
            DbOp::Sync(r) => r.endpoint as usize,
            DbOp::Job(j, _) => j.endpoint as usize,
        }
    }
    /// The endpoint's step this work is at.
    pub fn step(&self) -> usize {
        match self {
            DbOp::Sync(r) => r.step_index(),
            DbOp::Job(_, s) => usize::from(*s),
        }
    }
}

/// How a call to a dependency ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum CallEnd {
    Ok,
    Failed,
    TimedOut,
}

/// What a browser receives.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) enum Answer {
    Ok,
    Ack,
    Error(Reason),
}

/// Something due at a sim time. Handlers live in the stage files; the
/// dispatch in `mod.rs` is one line per kind.
#[derive(Clone, Copy, Debug)]
pub(super) enum Ev {
    /// A candidate arrival of `client`. `boundary`: not a candidate, just
    /// the end of the span its rate bound covered (draw again from here).
    Arrival {
        client: u16,
        generation: u32,
        boundary: bool,
    },
    /// While the simulation sheds at its limit: count `client`'s arrivals
    /// of the last tick in one go, or resume them one by one.
    ShedTick {
        client: u16,
        generation: u32,
    },
    /// A user clicks again after an error.
    Click {
        action: Key,
    },
    /// A request reaches the server.
    AtServer(Req),
    CpuDone(Req),
    EnqueueDone(Req),
    DbDone {
        op: DbOp,
        ok: bool,
    },
    /// A sync request's pause between inline write attempts is over.
    InlineRetry(Req),
    /// A call to dependency `dep` ended.
    CallDone {
        op: DbOp,
        dep: u8,
        end: CallEnd,
    },
    /// A step on a timer ended: a cache lookup, or a job's Cpu step.
    TimerDone(DbOp),
    /// An answer reaches the browser.
    Response {
        action: Key,
        click: u16,
        answer: Answer,
        /// The polling record the browser starts after an acknowledgement.
        poll: Option<Key>,
        /// The action is traced.
        traced: bool,
    },
    /// The earliest patience deadline is due (see `patience.rs`).
    PatienceWake,
    /// A job's retry backoff is over.
    JobDue(Job),
    /// A rate-limited lane may be served again.
    QueueWake,
    /// The browser sends its next status poll.
    PollTick(Key),
    /// A poll's answer reaches the browser (`done`: the job is finished).
    PollAnswer {
        poll: Key,
        done: bool,
    },
    /// A metrics window closes.
    WindowEnd,
}
