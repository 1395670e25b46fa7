//! The event heap: a virtual clock and pending events ordered by
//! (time, sequence number).
//!
//! The sequence number is assigned at scheduling, so two events due at the
//! same instant fire in the order they were scheduled. That tie-break is what
//! makes a run a pure function of its inputs.

use super::time::SimTime;

/// Children per node of the heap. Four keys of 16 bytes fill one 64-byte
/// cache line, and the tree is half as deep as a binary one: a pop touches
/// half as many lines.
const ARITY: usize = 4;

/// A run usually holds a dozen pending events (a Black Friday: 5-13 most of
/// the day). Up to this many they are kept sorted instead of heaped: a pop
/// is then a `Vec::pop` with no comparison at all, and an insert scans from
/// the earliest end, where most new events land. Measured on a replay of
/// that mix: 34 M pops + pushes/s sorted against 21 M heaped at 10 pending,
/// 24 M against 18 M at 40, but 7 M against 13 M at 200.
const SORTED_UP_TO: usize = 64;

/// A heap shrinking to this many goes back to sorted. Far below
/// [`SORTED_UP_TO`], so a run hovering near the limit does not convert on
/// every event.
const HEAPED_DOWN_TO: usize = 16;

/// `(time << 64) | seq`: one integer compare orders by time, then
/// sequence. Keys are unique, so any correct order pops the same events.
fn key(time: SimTime, seq: u64) -> u128 {
    ((time.0 as u128) << 64) | seq as u128
}

/// How the pending events are laid out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Layout {
    /// Sorted by key, latest first: the next event is the last element.
    Sorted,
    /// A 4-ary min-heap: the next event is the first element.
    Heap,
}

/// A discrete-event scheduler over events of type `E`: sorted while small,
/// a 4-ary min-heap when large. Keys sit apart from the events, so
/// searching and sifting compare keys in contiguous memory.
pub struct Scheduler<E> {
    now: SimTime,
    next_seq: u64,
    layout: Layout,
    keys: Vec<u128>,
    events: Vec<E>,
}

impl<E: Copy> Default for Scheduler<E> {
    fn default() -> Self {
        Self::new()
    }
}

/// Events are small `Copy` values (a Black Friday's are 40 bytes): the
/// sorted insert moves them one slot at a time.
impl<E: Copy> Scheduler<E> {
    /// An empty scheduler at time zero.
    pub fn new() -> Self {
        Scheduler {
            now: SimTime::ZERO,
            next_seq: 0,
            layout: Layout::Sorted,
            keys: Vec::new(),
            events: Vec::new(),
        }
    }

    /// The pending events, in no particular order.
    pub fn pending_unsorted(&self) -> impl Iterator<Item = &E> {
        self.events.iter()
    }

    /// The current simulated time: the time of the last event popped.
    pub fn now(&self) -> SimTime {
        self.now
    }

    /// Schedules `event` at `time`; a time in the past is treated as now,
    /// so the clock never runs backwards.
    #[inline]
    pub fn schedule_at(&mut self, time: SimTime, event: E) {
        let time = time.max(self.now);
        let k = key(time, self.next_seq);
        self.next_seq += 1;
        match self.layout {
            Layout::Sorted if self.keys.len() < SORTED_UP_TO => {
                // Insertion from the earliest end, searching and shifting in
                // one pass (`Vec::insert` calls memmove: 4% of a run for a
                // few entries each time).
                self.keys.push(k);
                self.events.push(event);
                let mut i = self.keys.len() - 1;
                while i > 0 && self.keys[i - 1] < k {
                    self.keys[i] = self.keys[i - 1];
                    self.events[i] = self.events[i - 1];
                    i -= 1;
                }
                self.keys[i] = k;
                self.events[i] = event;
            }
            Layout::Sorted => {
                // Ascending order is a valid min-heap.
                self.keys.reverse();
                self.events.reverse();
                self.layout = Layout::Heap;
                self.push_heap(k, event);
            }
            Layout::Heap => self.push_heap(k, event),
        }
    }

    /// Schedules `event` after `delay` from now.
    #[inline]
    pub fn schedule_in(&mut self, delay: SimTime, event: E) {
        self.schedule_at(self.now + delay, event);
    }

    /// The time of the next pending event.
    #[inline]
    pub fn peek_time(&self) -> Option<SimTime> {
        let next = match self.layout {
            Layout::Sorted => self.keys.last(),
            Layout::Heap => self.keys.first(),
        };
        next.map(|k| SimTime((k >> 64) as u64))
    }

    /// Removes the next event and advances the clock to its time.
    #[inline]
    pub fn pop(&mut self) -> Option<(SimTime, E)> {
        let (k, event) = match self.layout {
            Layout::Sorted => (self.keys.pop()?, self.events.pop()?),
            Layout::Heap => {
                let popped = self.pop_heap()?;
                if self.keys.len() <= HEAPED_DOWN_TO {
                    self.sort();
                }
                popped
            }
        };
        self.now = SimTime((k >> 64) as u64);
        Some((self.now, event))
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
        self.keys.len()
    }

    /// True when nothing is pending.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// Back from a heap to sorted, latest first (a few dozen entries).
    fn sort(&mut self) {
        let mut pairs: Vec<(u128, E)> = self.keys.drain(..).zip(self.events.drain(..)).collect();
        pairs.sort_unstable_by_key(|p| std::cmp::Reverse(p.0));
        (self.keys, self.events) = pairs.into_iter().unzip();
        self.layout = Layout::Sorted;
    }

    fn push_heap(&mut self, k: u128, event: E) {
        self.keys.push(k);
        self.events.push(event);
        self.sift_up(self.keys.len() - 1);
    }

    fn pop_heap(&mut self) -> Option<(u128, E)> {
        let last = self.keys.len().checked_sub(1)?;
        self.keys.swap(0, last);
        self.events.swap(0, last);
        let k = self.keys.pop()?;
        let event = self.events.pop()?;
        self.sift_down(0);
        Some((k, event))
    }

    /// Moves entry `i` up while it is earlier than its parent.
    fn sift_up(&mut self, mut i: usize) {
        let k = self.keys[i];
        while i > 0 {
            let parent = (i - 1) / ARITY;
            if self.keys[parent] <= k {
                break;
            }
            self.keys[i] = self.keys[parent];
            self.events.swap(i, parent);
            i = parent;
        }
        self.keys[i] = k;
    }

    /// Moves entry `i` down while a child is earlier: the key travels in a
    /// register, the event swaps along the same path.
    fn sift_down(&mut self, mut i: usize) {
        let n = self.keys.len();
        let Some(&k) = self.keys.get(i) else {
            return;
        };
        loop {
            let first = i * ARITY + 1;
            if first >= n {
                break;
            }
            let end = (first + ARITY).min(n);
            let mut child = first;
            let mut child_key = self.keys[first];
            for c in first + 1..end {
                if self.keys[c] < child_key {
                    child = c;
                    child_key = self.keys[c];
                }
            }
            if child_key >= k {
                break;
            }
            self.keys[i] = child_key;
            self.events.swap(i, child);
            i = child;
        }
        self.keys[i] = k;
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
    fn pops_in_key_order_whatever_the_pushes() {
        // A reference: every key sorted. Times collide often (many ties).
        let mut s = Scheduler::new();
        let mut x: u64 = 0x2545_F491_4F6C_DD1D;
        let mut want = Vec::new();
        for i in 0..5_000u64 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let at = SimTime(s.now().0 + x % 300);
            if i % 3 == 2 {
                // Interleave pops with pushes, as a run does.
                if let Some(e) = s.pop() {
                    want.push(e);
                }
            } else {
                s.schedule_at(at, (at, i));
            }
        }
        while let Some(e) = s.pop() {
            want.push(e);
        }
        assert!(want.iter().all(|(t, (at, _))| t == at));
        for w in want.windows(2) {
            let ((t0, (_, i0)), (t1, (_, i1))) = (w[0], w[1]);
            assert!(
                t0 < t1 || (t0 == t1 && i0 < i1),
                "{:?} then {:?}",
                w[0],
                w[1]
            );
        }
        assert_eq!(want.len(), 3_334, "every event pushed comes out once");
        assert!(s.is_empty());
    }

    #[test]
    fn stays_in_order_across_sorted_and_heaped() {
        // Grow past SORTED_UP_TO and shrink below HEAPED_DOWN_TO, again and
        // again, popping and pushing in between; a BTreeMap is the truth.
        let mut s = Scheduler::new();
        let mut truth = std::collections::BTreeMap::new();
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut seq = 0u64;
        let (mut grew, mut shrank) = (0, 0);
        for round in 0..40_000u64 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            // 1,000 operations mostly pushing, then 1,000 mostly popping.
            let growing = (round / 1_000) % 2 == 0;
            let push = if growing { x % 10 < 7 } else { x % 10 < 3 };
            if push || s.is_empty() {
                let at = SimTime(s.now().0 + (x >> 8) % 50);
                s.schedule_at(at, seq);
                truth.insert((at, seq), ());
                seq += 1;
            } else {
                let (t, e) = s.pop().expect("not empty");
                let ((want_t, want_e), ()) = truth.pop_first().expect("truth agrees");
                assert_eq!((t, e), (want_t, want_e), "round {round}");
            }
            assert_eq!(s.len(), truth.len());
            assert_eq!(s.peek_time(), truth.keys().next().map(|k| k.0));
            grew += usize::from(s.layout == Layout::Heap && s.len() == SORTED_UP_TO + 1);
            shrank += usize::from(s.layout == Layout::Sorted && s.len() == HEAPED_DOWN_TO);
        }
        assert!(
            grew >= 10 && shrank >= 10,
            "crossed {grew} / {shrank} times"
        );
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
