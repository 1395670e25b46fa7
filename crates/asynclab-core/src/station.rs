//! A service station: `c` identical servers in front of a wait queue.
//!
//! The station does not schedule anything itself; it tells the caller which
//! job starts service and when a server frees up, so the same building block
//! serves the server pool, the database connections and the queue workers.
//! The wait queue's discipline is a trait so FIFO, fair and priority queues
//! plug in without touching the station.

use super::stats::BusyMeter;
use super::time::SimTime;
use std::collections::VecDeque;

/// How waiting jobs are ordered.
pub trait Discipline<J> {
    /// Adds a waiting job.
    fn push(&mut self, job: J);
    /// Takes the job to serve next.
    fn pop(&mut self) -> Option<J>;
    /// Number of waiting jobs.
    fn len(&self) -> usize;
    /// True when no job waits.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// First come, first served.
#[derive(Debug, Clone)]
pub struct Fifo<J>(pub VecDeque<J>);

impl<J> Default for Fifo<J> {
    fn default() -> Self {
        Fifo(VecDeque::new())
    }
}

impl<J> Discipline<J> for Fifo<J> {
    #[inline]
    fn push(&mut self, job: J) {
        self.0.push_back(job);
    }
    #[inline]
    fn pop(&mut self) -> Option<J> {
        self.0.pop_front()
    }
    fn len(&self) -> usize {
        self.0.len()
    }
}

/// `servers` parallel servers and a wait queue of discipline `D`.
#[derive(Debug, Clone)]
pub struct Station<J, D: Discipline<J> = Fifo<J>> {
    servers: u32,
    busy: u32,
    queue: D,
    busy_time: BusyMeter,
    _job: std::marker::PhantomData<J>,
}

impl<J, D: Discipline<J>> Station<J, D> {
    /// A station with `servers` servers and the given (empty) queue.
    pub fn new(servers: u32, queue: D) -> Self {
        Station {
            servers,
            busy: 0,
            queue,
            busy_time: BusyMeter::default(),
            _job: std::marker::PhantomData,
        }
    }

    /// Number of servers.
    pub fn servers(&self) -> u32 {
        self.servers
    }
    /// Servers currently serving.
    pub fn busy(&self) -> u32 {
        self.busy
    }
    /// Jobs waiting for a server.
    pub fn waiting(&self) -> usize {
        self.queue.len()
    }
    /// The wait queue, e.g. to inspect lanes.
    pub fn queue(&self) -> &D {
        &self.queue
    }
    /// The wait queue, mutable (e.g. to drop a job that timed out).
    pub fn queue_mut(&mut self) -> &mut D {
        &mut self.queue
    }
    /// True when a job arriving now would start at once.
    pub fn has_free_server(&self) -> bool {
        self.busy < self.servers
    }

    /// A job arrives at `now`. Returns it back if it starts service at once
    /// (the caller schedules its completion); otherwise it waits.
    #[inline]
    pub fn arrive(&mut self, now: SimTime, job: J) -> Option<J> {
        if self.busy < self.servers {
            self.set_busy(now, self.busy + 1);
            Some(job)
        } else {
            self.queue.push(job);
            None
        }
    }

    /// A server finishes at `now`. Returns the next job to start on it, if
    /// any waits and the server still exists (capacity may have shrunk).
    #[inline]
    pub fn depart(&mut self, now: SimTime) -> Option<J> {
        let busy = self.busy.saturating_sub(1);
        if busy < self.servers
            && let Some(job) = self.queue.pop()
        {
            self.set_busy(now, busy + 1);
            return Some(job);
        }
        self.set_busy(now, busy);
        None
    }

    /// Changes the number of servers at `now`. Busy servers beyond the new
    /// count finish their job first. Returns the jobs that start at once
    /// on newly added servers.
    pub fn set_servers(&mut self, now: SimTime, servers: u32) -> Vec<J> {
        self.servers = servers;
        self.set_busy(now, self.busy);
        let mut started = Vec::new();
        while self.busy < self.servers {
            match self.queue.pop() {
                Some(job) => {
                    self.set_busy(now, self.busy + 1);
                    started.push(job);
                }
                None => break,
            }
        }
        started
    }

    fn set_busy(&mut self, now: SimTime, busy: u32) {
        self.busy = busy;
        self.busy_time
            .set(now, u64::from(busy), u64::from(self.servers));
    }

    /// Busy server·seconds accumulated up to `now` (within capacity and
    /// beyond it).
    pub fn busy_server_secs(&mut self, now: SimTime) -> f64 {
        self.busy_server_ns(now) as f64 / 1e9
    }

    /// Busy server·nanoseconds up to `now`, exactly (within capacity and
    /// beyond it).
    pub fn busy_server_ns(&mut self, now: SimTime) -> u128 {
        self.busy_time.within_ns(now) + self.busy_time.beyond_ns(now)
    }

    /// Busy server·nanoseconds within capacity up to `now`: utilisation's
    /// numerator, never more than the capacity's area.
    pub fn busy_within_ns(&mut self, now: SimTime) -> u128 {
        self.busy_time.within_ns(now)
    }

    /// Busy server·nanoseconds beyond capacity up to `now`: servers cut
    /// while busy, finishing (draining) their work.
    pub fn busy_beyond_ns(&mut self, now: SimTime) -> u128 {
        self.busy_time.beyond_ns(now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serves_in_fifo_order_on_c_servers() {
        let mut s: Station<u32> = Station::new(2, Fifo::default());
        let t = SimTime::ZERO;
        assert_eq!(s.arrive(t, 1), Some(1));
        assert_eq!(s.arrive(t, 2), Some(2));
        assert_eq!(s.arrive(t, 3), None);
        assert_eq!(s.arrive(t, 4), None);
        assert_eq!(s.depart(SimTime(10)), Some(3));
        assert_eq!(s.depart(SimTime(20)), Some(4));
        assert_eq!(s.depart(SimTime(30)), None);
        assert_eq!(s.busy(), 1);
        // 2 busy for 30 ns, 1 busy after.
        assert_eq!(s.busy_server_ns(SimTime(40)), 2 * 30 + 10);
    }

    #[test]
    fn shrinking_lets_busy_servers_finish_and_growing_starts_waiters() {
        let mut s: Station<u32> = Station::new(2, Fifo::default());
        s.arrive(SimTime(0), 1);
        s.arrive(SimTime(0), 2);
        s.arrive(SimTime(0), 3);
        assert!(s.set_servers(SimTime(1), 1).is_empty());
        assert_eq!(s.depart(SimTime(2)), None); // 2 → 1 busy, still at the limit
        assert_eq!(s.busy(), 1);
        assert_eq!(s.set_servers(SimTime(3), 3), vec![3]);
    }
}
