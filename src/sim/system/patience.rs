//! When each waiting user gives up. Deadlines sit in one time-ordered heap
//! with a single wake-up event for the earliest, instead of one heap event
//! per click that lingers long after its answer came. A deadline is added
//! in O(log n) whatever its time (patience can be shortened mid-run).

use super::super::metrics::Reason;
use super::super::slab::Key;
use super::super::time::SimTime;
use super::super::trace::Outcome;
use super::{Ev, System};
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// When a user gives up on a click unless an answer came first.
#[derive(Clone, Copy, Debug)]
pub(super) struct Deadline {
    pub at: SimTime,
    pub action: Key,
    pub click: u16,
}

/// A deadline in the heap: ordered by time, then by the order deadlines
/// were added, so users due at the same instant give up in click order.
#[derive(Clone, Copy, Debug)]
struct Entry {
    at: SimTime,
    seq: u64,
    deadline: Deadline,
}

impl PartialEq for Entry {
    fn eq(&self, other: &Self) -> bool {
        (self.at, self.seq) == (other.at, other.seq)
    }
}
impl Eq for Entry {}
impl PartialOrd for Entry {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Entry {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (self.at, self.seq).cmp(&(other.at, other.seq))
    }
}

/// Pending patience deadlines and the wake-up scheduled for them.
#[derive(Default)]
pub(super) struct Patience {
    heap: BinaryHeap<Reverse<Entry>>,
    seq: u64,
    wake: Option<SimTime>,
}

impl Patience {
    /// Deadlines held (answered ones linger until swept or due).
    pub fn len(&self) -> usize {
        self.heap.len()
    }

    fn earliest(&self) -> Option<SimTime> {
        self.heap.peek().map(|e| e.0.at)
    }
}

impl System {
    /// Queues a click's patience deadline. Answered ones are swept out when
    /// they outnumber the users still waiting, so the heap follows the
    /// users who wait, not every click of the run.
    pub(super) fn add_deadline(&mut self, d: Deadline) {
        let p = &mut self.patience;
        p.seq += 1;
        p.heap.push(Reverse(Entry {
            at: d.at,
            seq: p.seq,
            deadline: d,
        }));
        let live = self.ledgers.actions.awaiting as usize;
        if p.heap.len() > 2 * live + 4096 {
            let actions = &self.actions;
            p.heap.retain(|e| {
                let d = e.0.deadline;
                actions
                    .get(d.action)
                    .is_some_and(|a| a.click == d.click && a.awaiting)
            });
        }
        self.schedule_patience_wake();
    }

    /// Makes sure a wake-up is scheduled for the earliest deadline.
    fn schedule_patience_wake(&mut self) {
        if let Some(front) = self.patience.earliest()
            && self.patience.wake.is_none_or(|w| front < w)
        {
            self.patience.wake = Some(front);
            self.sched.schedule_at(front, Ev::PatienceWake);
        }
    }

    /// Every user whose deadline is due and who still waits gives up.
    pub(super) fn on_patience_wake(&mut self, now: SimTime) {
        if self.patience.wake == Some(now) {
            self.patience.wake = None;
        }
        while self.patience.earliest().is_some_and(|at| at <= now) {
            let Some(Reverse(e)) = self.patience.heap.pop() else {
                break;
            };
            let d = e.deadline;
            if self.still_waiting(d.action, d.click)
                && let Some(st) = self.actions.get(d.action).copied()
            {
                self.rec.wait(st.endpoint as usize, now - st.clicked, false);
                if st.traced {
                    let gave_up = Outcome::Error(Reason::Timeout);
                    let key = st.trace_key();
                    self.tracer
                        .outcome(key, st.click, now, gave_up, now - st.clicked);
                }
                self.user_error(now, d.action, Reason::Timeout);
            }
        }
        self.schedule_patience_wake();
    }
}
