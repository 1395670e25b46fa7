//! When each waiting user gives up. Deadlines are kept in time order with
//! a single wake-up event for the earliest, instead of one heap event per
//! click that lingers long after its answer came.
//!
//! With one patience for every user, deadlines arrive in time order: they
//! go to the back of a queue and leave from its front, in O(1). Only a
//! deadline earlier than the last one queued (patience shortened mid-run)
//! goes to a heap, in O(log n). The earliest of the two fronts is due
//! first, ties in the order added, so the order is the same as one heap's.

use super::super::metrics::Reason;
use super::super::slab::Key;
use super::super::time::SimTime;
use super::super::trace::Outcome;
use super::{Ev, System};
use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};

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
    /// Deadlines in the order added, which is time order.
    queue: VecDeque<Entry>,
    /// Deadlines that came earlier than the queue's last one.
    heap: BinaryHeap<Reverse<Entry>>,
    seq: u64,
    wake: Option<SimTime>,
}

impl Patience {
    /// Deadlines held (answered ones linger until swept or due).
    pub fn len(&self) -> usize {
        self.queue.len() + self.heap.len()
    }

    fn push(&mut self, e: Entry) {
        if self.queue.back().is_none_or(|last| *last <= e) {
            self.queue.push_back(e);
        } else {
            self.heap.push(Reverse(e));
        }
    }

    /// The earliest entry of the two fronts.
    fn first(&self) -> Option<&Entry> {
        match (self.queue.front(), self.heap.peek()) {
            (Some(q), Some(Reverse(h))) => Some(if h < q { h } else { q }),
            (q, h) => q.or(h.map(|r| &r.0)),
        }
    }

    fn earliest(&self) -> Option<SimTime> {
        self.first().map(|e| e.at)
    }

    fn pop(&mut self) -> Option<Entry> {
        let from_heap = match (self.queue.front(), self.heap.peek()) {
            (Some(q), Some(Reverse(h))) => h < q,
            (None, Some(_)) => true,
            _ => false,
        };
        if from_heap {
            self.heap.pop().map(|r| r.0)
        } else {
            self.queue.pop_front()
        }
    }

    /// Keeps only the deadlines `keep` says to (order unchanged).
    fn retain(&mut self, keep: impl Fn(&Deadline) -> bool) {
        self.queue.retain(|e| keep(&e.deadline));
        self.heap.retain(|e| keep(&e.0.deadline));
    }
}

impl System {
    /// Queues a click's patience deadline. Answered ones are swept out when
    /// they outnumber the users still waiting, so the heap follows the
    /// users who wait, not every click of the run.
    pub(super) fn add_deadline(&mut self, d: Deadline) {
        let p = &mut self.patience;
        p.seq += 1;
        p.push(Entry {
            at: d.at,
            seq: p.seq,
            deadline: d,
        });
        let live = self.ledgers.actions.awaiting as usize;
        if p.len() > 2 * live + 4096 {
            let actions = &self.actions;
            p.retain(|d| {
                actions
                    .get(d.action)
                    .is_some_and(|a| a.click == d.click && a.awaiting)
            });
        }
        self.schedule_patience_wake();
    }

    /// Makes sure a wake-up is scheduled for the earliest deadline of a
    /// user still waiting. Deadlines of users already answered are dropped
    /// from the front first: they need no wake-up (most users of an async
    /// system are answered long before their patience runs out, and each
    /// wake-up would be an event).
    fn schedule_patience_wake(&mut self) {
        while let Some(d) = self.patience.first().map(|e| e.deadline) {
            if self.still_waiting(d.action, d.click) {
                break;
            }
            self.patience.pop();
        }
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
            let Some(e) = self.patience.pop() else {
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
