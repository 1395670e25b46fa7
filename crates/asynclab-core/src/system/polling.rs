//! Browsers polling for their job's status: after the acknowledgement a
//! browser asks every `poll_interval_s` until a poll says the job is done.
//! Every poll is a real server request (it takes a worker and CPU).

use super::super::lanes::PollId;
use super::super::slab::{Key, Slab};
use super::super::stats::TimeWeighted;
use super::super::time::SimTime;
use super::super::trace::TraceKey;
use super::events::ReqKind;
use super::{Ev, Req, System};

/// What one acknowledged job's browser and the job itself have got to.
/// Freed once both the job and the browser are finished.
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct PollRecord {
    clicked: SimTime,
    client: u16,
    endpoint: u8,
    /// The job is finished and a poll answers "done".
    done: bool,
    /// The job was committed (not dead-lettered).
    committed: bool,
    /// The job is finished (committed or dead-lettered).
    job_finished: bool,
    /// The browser stopped polling (learned, or never started).
    browser_finished: bool,
    /// A poll is out and not answered yet: the browser sends no other
    /// until it is (a poll loop waits for each answer, so a slow server
    /// slows the polls down instead of drowning in them).
    outstanding: bool,
    /// The action is traced.
    traced: bool,
}

impl PollRecord {
    fn trace_key(&self) -> TraceKey {
        TraceKey {
            client: self.client,
            first_click: self.clicked,
        }
    }
}

/// The polling records and how many browsers poll, over time.
#[derive(Default)]
pub(super) struct Polling {
    records: Slab<PollRecord>,
    /// Browsers polling now.
    pub pending: u64,
    /// `pending` over time (its window average is the plots' "pending").
    pub pending_tw: TimeWeighted,
    /// `pending_tw`'s area at the last window's end.
    pub last_area: u128,
}

impl System {
    /// Polling records held (a job still running, or its browser still
    /// polling).
    pub(super) fn polling_records(&self) -> usize {
        self.polling.records.len()
    }

    /// A record for a job about to be enqueued, when browsers poll.
    pub(super) fn new_poll_record(&mut self, req: &Req) -> Option<(PollId, Key)> {
        self.cfg.poll_interval()?;
        let key = self.polling.records.insert(PollRecord {
            clicked: req.clicked,
            client: u16::from(req.client),
            endpoint: req.endpoint,
            traced: req.traced,
            ..PollRecord::default()
        });
        Some((PollId::new(key.index()), key))
    }

    /// The acknowledgement reached a waiting user: the browser starts
    /// polling one interval from now.
    pub(super) fn start_polling(&mut self, now: SimTime, p: Key) {
        let interval = self.cfg.poll_interval().unwrap_or(SimTime::ZERO);
        self.polling.pending += 1;
        self.polling.pending_tw.set(now, self.polling.pending);
        self.sched.schedule_in(interval, Ev::PollTick(p));
        if let Some(r) = self.polling.records.get(p).filter(|r| r.traced) {
            self.tracer.polling(r.trace_key(), true);
        }
    }

    /// The acknowledgement came after its user gave up: nobody polls.
    pub(super) fn polling_never_started(&mut self, p: Key) {
        if let Some(r) = self.polling.records.get_mut(p) {
            r.browser_finished = true;
        }
        self.maybe_free_poll(p);
    }

    /// The browser sends its next poll, and schedules the one after.
    pub(super) fn on_poll_tick(&mut self, p: Key) {
        let Some(ps) = self.polling.records.get(p).copied() else {
            return;
        };
        if ps.browser_finished {
            return;
        }
        // Polls go out on a fixed cadence, so polls/s = pending ÷ P while
        // each answer comes back within P. Polling switched off live: the
        // browser stops.
        let Some(interval) = self.cfg.poll_interval() else {
            self.stop_polling(p);
            return;
        };
        self.sched.schedule_in(interval, Ev::PollTick(p));
        if ps.outstanding {
            return;
        }
        if let Some(r) = self.polling.records.get_mut(p) {
            r.outstanding = true;
        }
        let req = Req {
            clicked: ps.clicked,
            key: p,
            click: 0,
            client: ps.client as u8,
            step: 0,
            endpoint: ps.endpoint,
            attempts: 0,
            kind: ReqKind::Poll,
            traced: ps.traced,
        };
        if ps.traced {
            self.tracer.poll_sent(ps.trace_key(), self.now());
        }
        let d = self.smp.net.sample(&mut self.rng.net);
        self.sched.schedule_in(d, Ev::AtServer(req));
    }

    /// Whether a poll served now answers "done".
    pub(super) fn poll_job_done(&self, p: Key) -> bool {
        self.polling.records.get(p).is_some_and(|r| r.done)
    }

    /// Sends a poll's answer back over the network.
    pub(super) fn answer_poll(&mut self, req: Req, done: bool) {
        let d = self.smp.net.sample(&mut self.rng.net);
        self.sched.schedule_in(
            d,
            Ev::PollAnswer {
                poll: req.key,
                done,
            },
        );
    }

    /// A poll's answer reaches the browser. Polls overlap when a round trip
    /// outlasts the interval: a late answer for a record since freed (or
    /// reused) finds nothing and changes nothing.
    pub(super) fn on_poll_answer(&mut self, now: SimTime, poll: Key, done: bool) {
        let Some(r) = self.polling.records.get_mut(poll) else {
            return;
        };
        r.outstanding = false;
        let r = *r;
        if r.traced && !r.browser_finished {
            self.tracer.poll_answered(r.trace_key(), now, done);
        }
        if done && !r.browser_finished {
            if r.committed {
                self.rec.learn(now - r.clicked);
            }
            self.stop_polling(poll);
        }
    }

    /// The job finished (committed, or dead-lettered: a poll then tells the
    /// browser it failed, and it stops polling too).
    pub(super) fn finish_job(&mut self, poll: Option<PollId>, committed: bool) {
        let Some(key) = poll.and_then(|id| self.polling.records.key_at(id.index())) else {
            return;
        };
        if let Some(p) = self.polling.records.get_mut(key) {
            p.job_finished = true;
            p.done = true;
            p.committed = committed;
        }
        self.maybe_free_poll(key);
    }

    fn stop_polling(&mut self, p: Key) {
        self.polling.pending -= 1;
        self.polling
            .pending_tw
            .set(self.sched.now(), self.polling.pending);
        if let Some(r) = self.polling.records.get_mut(p) {
            r.browser_finished = true;
            if r.traced {
                let key = r.trace_key();
                self.tracer.polling(key, false);
            }
        }
        self.maybe_free_poll(p);
    }

    fn maybe_free_poll(&mut self, p: Key) {
        if self
            .polling
            .records
            .get(p)
            .is_some_and(|r| r.job_finished && r.browser_finished)
        {
            self.polling.records.remove(p);
        }
    }
}
