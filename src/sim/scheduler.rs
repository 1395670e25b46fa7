//! The event heap: a virtual clock and pending events ordered by
//! (time, sequence number).
//!
//! The sequence number is assigned at scheduling, so two events due at the
//! same instant fire in the order they were scheduled. That tie-break is what
//! makes a run a pure function of its inputs.

use super::time::SimTime;
use std::cmp::Ordering;
use std::collections::BinaryHeap;

struct Entry<E> {
    /// `(time << 64) | seq`: one integer compare orders by time, then sequence.
    key: u128,
    event: E,
}

impl<E> PartialEq for Entry<E> {
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key
    }
}
impl<E> Eq for Entry<E> {}
impl<E> PartialOrd for Entry<E> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl<E> Ord for Entry<E> {
    fn cmp(&self, other: &Self) -> Ordering {
        // BinaryHeap is a max-heap: reverse so the earliest key is on top.
        other.key.cmp(&self.key)
    }
}

/// A discrete-event scheduler over events of type `E`.
pub struct Scheduler<E> {
    now: SimTime,
    next_seq: u64,
    heap: BinaryHeap<Entry<E>>,
}

impl<E> Default for Scheduler<E> {
    fn default() -> Self {
        Self::new()
    }
}

impl<E> Scheduler<E> {
    /// An empty scheduler at time zero.
    pub fn new() -> Self {
        Scheduler {
            now: SimTime::ZERO,
            next_seq: 0,
            heap: BinaryHeap::new(),
        }
    }

    /// The pending events, in no particular order.
    pub fn pending_unsorted(&self) -> impl Iterator<Item = &E> {
        self.heap.iter().map(|e| &e.event)
    }

    /// The current simulated time: the time of the last event popped.
    pub fn now(&self) -> SimTime {
        self.now
    }

    /// Schedules `event` at `time`; a time in the past is treated as now,
    /// so the clock never runs backwards.
    pub fn schedule_at(&mut self, time: SimTime, event: E) {
        let time = time.max(self.now);
        let key = ((time.0 as u128) << 64) | self.next_seq as u128;
        self.next_seq += 1;
        self.heap.push(Entry { key, event });
    }

    /// Schedules `event` after `delay` from now.
    pub fn schedule_in(&mut self, delay: SimTime, event: E) {
        self.schedule_at(self.now + delay, event);
    }

    /// The time of the next pending event.
    pub fn peek_time(&self) -> Option<SimTime> {
        self.heap.peek().map(|e| SimTime((e.key >> 64) as u64))
    }

    /// Removes the next event and advances the clock to its time.
    pub fn pop(&mut self) -> Option<(SimTime, E)> {
        let entry = self.heap.pop()?;
        self.now = SimTime((entry.key >> 64) as u64);
        Some((self.now, entry.event))
    }

    /// Like [`pop`](Self::pop), but only if the next event is due at or
    /// before `limit`.
    pub fn pop_until(&mut self, limit: SimTime) -> Option<(SimTime, E)> {
        match self.peek_time() {
            Some(t) if t <= limit => self.pop(),
            _ => None,
        }
    }

    /// Moves the clock forward to `time` with no event (e.g. to the end of a
    /// paced interval). Never moves it backwards.
    pub fn advance_to(&mut self, time: SimTime) {
        self.now = self.now.max(time);
    }

    /// Number of pending events.
    pub fn len(&self) -> usize {
        self.heap.len()
    }

    /// True when nothing is pending.
    pub fn is_empty(&self) -> bool {
        self.heap.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn orders_by_time_then_insertion() {
        let mut s = Scheduler::new();
        s.schedule_at(SimTime(20), 'c');
        s.schedule_at(SimTime(10), 'a');
        s.schedule_at(SimTime(10), 'b');
        s.schedule_at(SimTime(20), 'd');
        let order: Vec<char> = std::iter::from_fn(|| s.pop().map(|(_, e)| e)).collect();
        assert_eq!(order, vec!['a', 'b', 'c', 'd']);
        assert_eq!(s.now(), SimTime(20));
    }

    #[test]
    fn past_events_fire_now_and_pop_until_respects_limit() {
        let mut s = Scheduler::new();
        s.schedule_at(SimTime(50), 1);
        assert_eq!(s.pop(), Some((SimTime(50), 1)));
        s.schedule_at(SimTime(10), 2);
        s.schedule_in(SimTime(5), 3);
        assert_eq!(s.pop_until(SimTime(49)), None);
        assert_eq!(s.pop_until(SimTime(50)), Some((SimTime(50), 2)));
        assert_eq!(s.pop_until(SimTime(60)), Some((SimTime(55), 3)));
        assert!(s.is_empty());
    }
}
