//! The broker's wait queue: one FIFO lane per client, a scheduling policy
//! across lanes, and an optional token bucket per client.

use super::config::{Scheduling, Tier};
use super::time::SimTime;
use std::collections::VecDeque;

/// The polling record a job reports to when it finishes (a slot index;
/// the record outlives the job, so no generation is needed).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PollId(std::num::NonZeroU32);

impl PollId {
    /// The id of record slot `index`.
    pub fn new(index: u32) -> PollId {
        PollId(std::num::NonZeroU32::MIN.saturating_add(index))
    }
    /// The record's slot index.
    pub fn index(self) -> u32 {
        self.0.get() - 1
    }
}

/// A job in the broker. Kept to 24 bytes: a ten-million-job backlog is a
/// scene, not an accident.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Job {
    /// When the user clicked.
    pub clicked: SimTime,
    /// When it entered the broker (last time, after a backoff).
    pub enqueued: SimTime,
    /// The browser's polling record, when browsers poll.
    pub poll: Option<PollId>,
    /// Client index (a scene has at most 64 clients).
    pub client: u8,
    /// Endpoint index.
    pub endpoint: u8,
    /// Attempts made so far (10 bits, above the 1,000 attempts a scene
    /// may allow), the endpoint's step the job starts at (bits 10–13: an
    /// endpoint has at most 16 steps), whether the job is traced (bit 14)
    /// and whether it is wasted (the top bit).
    attempts_wasted: u16,
}

/// The top bit of `Job::attempts_wasted`.
const WASTED: u16 = 1 << 15;
/// Bit 14 of `Job::attempts_wasted`: the job's action is traced.
const TRACED: u16 = 1 << 14;
/// The attempt count's bits.
const ATTEMPTS: u16 = (1 << 10) - 1;
/// Where the first step's index starts in `Job::attempts_wasted`.
const FIRST_STEP_SHIFT: u16 = 10;
/// The first step's bits.
const FIRST_STEP: u16 = 0b1111 << FIRST_STEP_SHIFT;

impl Job {
    /// A job with no attempts yet. `wasted`: its user had given up before
    /// the acknowledgement, so the write, when it commits, is wasted work.
    pub fn new(
        clicked: SimTime,
        enqueued: SimTime,
        poll: Option<PollId>,
        client: u8,
        endpoint: u8,
        wasted: bool,
    ) -> Job {
        Job {
            clicked,
            enqueued,
            poll,
            client,
            endpoint,
            attempts_wasted: if wasted { WASTED } else { 0 },
        }
    }
    /// Write attempts made so far.
    pub fn attempts(&self) -> u32 {
        u32::from(self.attempts_wasted & ATTEMPTS)
    }
    /// Whether the job's user had given up before it was acknowledged.
    pub fn wasted(&self) -> bool {
        self.attempts_wasted & WASTED != 0
    }
    /// Whether the job's action is traced (`crate::trace`).
    pub fn traced(&self) -> bool {
        self.attempts_wasted & TRACED != 0
    }
    /// Marks the job's action as traced (or not).
    pub fn set_traced(&mut self, on: bool) {
        if on {
            self.attempts_wasted |= TRACED;
        } else {
            self.attempts_wasted &= !TRACED;
        }
    }
    /// The endpoint's step the job starts at (and restarts at on a retry):
    /// the steps before it ran in the request.
    pub fn first_step(&self) -> u8 {
        ((self.attempts_wasted & FIRST_STEP) >> FIRST_STEP_SHIFT) as u8
    }
    /// Sets the step the job starts at (0–15).
    pub fn set_first_step(&mut self, step: u8) {
        let bits = (u16::from(step) << FIRST_STEP_SHIFT) & FIRST_STEP;
        self.attempts_wasted = (self.attempts_wasted & !FIRST_STEP) | bits;
    }
    /// Counts one more write attempt.
    pub fn count_attempt(&mut self) {
        if self.attempts_wasted & ATTEMPTS < ATTEMPTS {
            self.attempts_wasted += 1;
        }
    }
}

/// Per-client scheduling inputs.
#[derive(Clone, Copy, Debug)]
pub struct LanePolicy {
    /// Tier, for priority scheduling.
    pub tier: Tier,
    /// Weight, for fair scheduling.
    pub weight: f64,
    /// Token rate, jobs/s (0 = unlimited).
    pub limit_per_s: f64,
    /// Bucket size, jobs.
    pub burst: f64,
}

/// Outcome of asking for the next job.
#[derive(Debug, PartialEq)]
pub enum Next {
    /// Serve this job.
    Job(Job),
    /// Jobs wait but every eligible lane is rate-limited until this time.
    Blocked(SimTime),
    /// No job waits.
    Empty,
}

#[derive(Clone, Copy, Debug)]
struct Bucket {
    tokens: f64,
    last: SimTime,
}

/// Per-client lanes with FIFO, fair or priority service.
#[derive(Debug)]
pub struct Lanes {
    lanes: Vec<VecDeque<Job>>,
    deficit: Vec<f64>,
    buckets: Vec<Bucket>,
    cursor: usize,
    /// The lane at `cursor` already got its quantum for this visit.
    granted: bool,
    /// Scratch: which lanes may be served now (kept to avoid allocating
    /// on every pop).
    eligible: Vec<bool>,
    len: usize,
}

impl Lanes {
    /// Empty lanes for `clients` clients, buckets full.
    pub fn new(clients: usize, policies: &[LanePolicy]) -> Self {
        Lanes {
            lanes: (0..clients).map(|_| VecDeque::new()).collect(),
            deficit: vec![0.0; clients],
            buckets: (0..clients)
                .map(|i| Bucket {
                    tokens: policies.get(i).map_or(1.0, |p| p.burst.max(1.0)),
                    last: SimTime::ZERO,
                })
                .collect(),
            cursor: 0,
            granted: false,
            eligible: vec![false; clients],
            len: 0,
        }
    }

    /// Jobs waiting in all lanes.
    pub fn len(&self) -> usize {
        self.len
    }
    /// True when no job waits.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
    /// Jobs waiting in client `i`'s lane.
    pub fn lane_len(&self, i: usize) -> usize {
        self.lanes.get(i).map_or(0, |l| l.len())
    }
    /// Enqueue time of the oldest waiting job.
    pub fn oldest(&self) -> Option<SimTime> {
        self.lanes
            .iter()
            .filter_map(|l| l.front().map(|j| j.enqueued))
            .min()
    }

    fn advance(&mut self, n: usize) {
        self.cursor = (self.cursor + 1) % n;
        self.granted = false;
    }

    /// Waiting jobs whose click was before `t` (a scan: for summaries).
    pub fn count_clicked_before(&self, t: SimTime) -> u64 {
        self.lanes
            .iter()
            .flatten()
            .filter(|j| j.clicked < t)
            .count() as u64
    }

    /// Adds a job at the back of its client's lane.
    pub fn push(&mut self, job: Job) {
        if let Some(l) = self.lanes.get_mut(job.client as usize) {
            l.push_back(job);
            self.len += 1;
        }
    }

    fn refill(&mut self, i: usize, now: SimTime, p: &LanePolicy) {
        let b = &mut self.buckets[i];
        let dt = now.saturating_sub(b.last).as_secs_f64();
        b.tokens = (b.tokens + dt * p.limit_per_s).min(p.burst.max(1.0));
        b.last = now;
    }

    /// Whether lane `i` may be served now; otherwise when it may.
    fn ready(&mut self, i: usize, now: SimTime, p: &LanePolicy) -> Result<(), SimTime> {
        if p.limit_per_s <= 0.0 {
            return Ok(());
        }
        self.refill(i, now, p);
        let b = self.buckets[i];
        if b.tokens >= 1.0 - 1e-9 {
            Ok(())
        } else {
            // At least 1 ns ahead so a wake-up always makes progress.
            Err(now + SimTime::from_secs_f64((1.0 - b.tokens) / p.limit_per_s).max(SimTime(1)))
        }
    }

    /// Takes the next job under `scheduling` at `now`.
    pub fn pop(&mut self, now: SimTime, scheduling: Scheduling, policies: &[LanePolicy]) -> Next {
        if self.len == 0 {
            return Next::Empty;
        }
        let n = self.lanes.len();
        let unlimited = LanePolicy {
            tier: Tier::Standard,
            weight: 1.0,
            limit_per_s: 0.0,
            burst: 1.0,
        };
        let pol = |i: usize| *policies.get(i).unwrap_or(&unlimited);
        // Which non-empty lanes may be served now.
        let mut eligible = std::mem::take(&mut self.eligible);
        eligible.clear();
        eligible.resize(n, false);
        let mut earliest: Option<SimTime> = None;
        for (i, e) in eligible.iter_mut().enumerate() {
            if self.lanes[i].is_empty() {
                continue;
            }
            match self.ready(i, now, &pol(i)) {
                Ok(()) => *e = true,
                Err(t) => earliest = Some(earliest.map_or(t, |x| x.min(t))),
            }
        }
        let next = self.choose(&eligible, earliest, scheduling, &pol);
        self.eligible = eligible;
        next
    }

    fn choose(
        &mut self,
        eligible: &[bool],
        earliest: Option<SimTime>,
        scheduling: Scheduling,
        pol: &impl Fn(usize) -> LanePolicy,
    ) -> Next {
        let n = self.lanes.len();
        if !eligible.iter().any(|e| *e) {
            return earliest.map_or(Next::Empty, Next::Blocked);
        }
        let lane = match scheduling {
            Scheduling::Fifo => (0..n)
                .filter(|&i| eligible[i])
                .min_by_key(|&i| (self.lanes[i].front().map(|j| j.enqueued), i)),
            Scheduling::Priority => {
                let top = (0..n).filter(|&i| eligible[i]).map(|i| pol(i).tier).max();
                // Round-robin among the lanes of the top tier.
                let pick = (0..n)
                    .map(|k| (self.cursor + k) % n)
                    .find(|&i| eligible[i] && Some(pol(i).tier) == top);
                if let Some(i) = pick {
                    self.cursor = (i + 1) % n;
                }
                pick
            }
            Scheduling::Fair => {
                // Deficit round-robin, quantum = weight, one job per pop: a
                // visit earns the lane its weight once, and the cursor moves
                // on when the lane's deficit is spent.
                let mut pick = None;
                for _ in 0..(n * 200 + 1) {
                    let i = self.cursor;
                    if eligible[i] {
                        if !self.granted {
                            self.deficit[i] += pol(i).weight.max(0.01);
                            self.granted = true;
                        }
                        if self.deficit[i] >= 1.0 {
                            self.deficit[i] -= 1.0;
                            pick = Some(i);
                            if self.deficit[i] < 1.0 {
                                self.advance(n);
                            }
                            break;
                        }
                    } else if self.lanes[i].is_empty() {
                        self.deficit[i] = 0.0;
                    }
                    self.advance(n);
                }
                pick
            }
        };
        let Some(i) = lane else { return Next::Empty };
        let Some(job) = self.lanes[i].pop_front() else {
            return Next::Empty;
        };
        self.len -= 1;
        if self.lanes[i].is_empty() {
            self.deficit[i] = 0.0;
        }
        if pol(i).limit_per_s > 0.0 {
            self.buckets[i].tokens -= 1.0;
        }
        Next::Job(job)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job(client: u8, t: u64) -> Job {
        Job::new(SimTime(t), SimTime(t), None, client, 0, false)
    }
    fn pol(tier: Tier, weight: f64, limit: f64) -> LanePolicy {
        LanePolicy {
            tier,
            weight,
            limit_per_s: limit,
            burst: 1.0,
        }
    }

    #[test]
    fn job_is_small_and_counts_attempts_far_past_255() {
        assert!(std::mem::size_of::<Job>() <= 24);
        let mut j = Job::new(SimTime(0), SimTime(0), None, 1, 2, true);
        for _ in 0..1000 {
            j.count_attempt();
        }
        assert_eq!(
            (j.attempts(), j.wasted(), j.client, j.endpoint),
            (1000, true, 1, 2)
        );
        assert!(!j.traced());
        j.set_traced(true);
        j.set_first_step(15);
        for _ in 0..20_000 {
            j.count_attempt();
        }
        // The count saturates without spilling into the step or the flags.
        assert_eq!(
            (j.attempts(), j.first_step(), j.wasted(), j.traced()),
            (1023, 15, true, true)
        );
        j.set_traced(false);
        j.set_first_step(2);
        assert_eq!(
            (j.attempts(), j.first_step(), j.wasted(), j.traced()),
            (1023, 2, true, false)
        );
    }

    #[test]
    fn fifo_fair_and_priority_orders() {
        let ps = [pol(Tier::Free, 1.0, 0.0), pol(Tier::Premium, 1.0, 0.0)];
        let fill = || {
            let mut l = Lanes::new(2, &ps);
            for t in 0..4 {
                l.push(job(0, t));
            }
            l.push(job(1, 10));
            l.push(job(1, 11));
            l
        };
        let order = |mut l: Lanes, s| {
            let mut v = Vec::new();
            while let Next::Job(j) = l.pop(SimTime(100), s, &ps) {
                v.push(j.client);
            }
            v
        };
        assert_eq!(order(fill(), Scheduling::Fifo), vec![0, 0, 0, 0, 1, 1]);
        assert_eq!(order(fill(), Scheduling::Fair), vec![0, 1, 0, 1, 0, 0]);
        assert_eq!(order(fill(), Scheduling::Priority), vec![1, 1, 0, 0, 0, 0]);
    }

    #[test]
    fn weights_share_fairly() {
        let ps = [pol(Tier::Free, 3.0, 0.0), pol(Tier::Free, 1.0, 0.0)];
        let mut l = Lanes::new(2, &ps);
        for t in 0..400 {
            l.push(job((t % 2) as u8, t));
        }
        let mut first = [0; 2];
        for _ in 0..200 {
            if let Next::Job(j) = l.pop(SimTime(0), Scheduling::Fair, &ps) {
                first[j.client as usize] += 1;
            }
        }
        assert_eq!(first, [150, 50]);
    }

    #[test]
    fn token_bucket_blocks_until_refill() {
        let ps = [pol(Tier::Free, 1.0, 2.0)]; // 2 jobs/s, burst 1
        let mut l = Lanes::new(1, &ps);
        l.push(job(0, 0));
        l.push(job(0, 0));
        assert!(matches!(
            l.pop(SimTime(0), Scheduling::Fifo, &ps),
            Next::Job(_)
        ));
        assert_eq!(
            l.pop(SimTime(0), Scheduling::Fifo, &ps),
            Next::Blocked(SimTime::from_millis_f64(500.0))
        );
        assert!(matches!(
            l.pop(SimTime::from_millis_f64(500.0), Scheduling::Fifo, &ps),
            Next::Job(_)
        ));
        assert_eq!(
            l.pop(SimTime::from_secs(9), Scheduling::Fifo, &ps),
            Next::Empty
        );
    }
}
