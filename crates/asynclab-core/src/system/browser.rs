//! Users: each action's clicks, the answers that reach them, the errors
//! they see, and their clicks again.

use super::super::metrics::Reason;
use super::super::slab::Key;
use super::super::time::SimTime;
use super::super::trace::{At, Lane, Outcome, SpanKind, TraceKey};
use super::events::{Answer, ReqKind};
use super::patience::Deadline;
use super::{Ev, Req, System};
use rand::RngExt;

/// One user action ("save") while it is undecided. Removed from the slab
/// when it ends (succeeded or finally failed).
#[derive(Clone, Copy, Debug)]
pub(super) struct Action {
    /// The current click (user-perceived waits count from it).
    pub clicked: SimTime,
    /// The action's first click (time to processed counts from it).
    pub first: SimTime,
    /// Clicks so far (1 for the first).
    pub click: u16,
    /// Clicks again so far.
    pub retries: u16,
    pub client: u16,
    pub endpoint: u8,
    /// The user waits for an answer to click `click` (false while thinking
    /// before a click again).
    pub awaiting: bool,
    /// The action is traced (see `crate::trace`).
    pub traced: bool,
}

impl Action {
    /// How this action's work finds its trace.
    pub fn trace_key(&self) -> TraceKey {
        TraceKey {
            client: self.client,
            first_click: self.first,
        }
    }
}

/// Mixes one first click (time, client, endpoint) into a fingerprint: a
/// multiply-rotate hash, a few instructions per action.
#[inline]
fn fingerprint(h: u64, now: SimTime, client: usize, endpoint: usize) -> u64 {
    const K: u64 = 0x9E37_79B9_7F4A_7C15;
    let h = (h ^ now.0).wrapping_mul(K).rotate_left(29);
    (h ^ ((client as u64) << 8 | endpoint as u64)).wrapping_mul(K)
}

impl System {
    /// A new user action of client `c`: pick its endpoint, click.
    pub(super) fn new_action(&mut self, now: SimTime, c: usize) {
        let u: f64 = self.rng.endpoint[c].random();
        // Rounding can leave the cumulative share a hair below 1: the last
        // endpoint takes that sliver.
        let cum = &self.arrivals.endpoint_cum;
        let last = cum.len().saturating_sub(1);
        let endpoint = cum.iter().position(|x| u < *x).unwrap_or(last);
        self.arrivals_digest = fingerprint(self.arrivals_digest, now, c, endpoint);
        let key = self.actions.insert(Action {
            clicked: now,
            first: now,
            click: 0,
            retries: 0,
            client: c as u16,
            endpoint: endpoint as u8,
            awaiting: false,
            traced: false,
        });
        // Arrival numbers count shed arrivals too, so the same number is
        // the same user in every twin.
        let seq = self.ledgers.actions.issued;
        // Only a plain endpoint's actions are traced: the journey's spans
        // name its stages and no others.
        if self.plans[endpoint].plain
            && self.sample_trace(seq, c as u16, endpoint as u8, key)
            && let Some(a) = self.actions.get_mut(key)
        {
            a.traced = true;
        }
        self.ledgers.actions.issued += 1;
        self.ledgers.actions.awaiting += 1;
        self.rec.cur.actions += 1;
        self.click(now, key);
    }

    /// Work the simulation holds now: actions awaiting an outcome,
    /// requests and jobs in flight, and browsers polling for a job (each
    /// has a record and a pending poll, after its action ended).
    pub fn held(&self) -> u64 {
        self.ledgers.actions.awaiting
            + self.ledgers.work.in_flight.total()
            + self.polling_records() as u64
    }

    /// `n` arrivals of client `c` the simulation cannot hold: counted, in
    /// both ledgers, as failed and rejected for "simulation limit", and
    /// otherwise dropped.
    pub(super) fn shed(&mut self, c: usize, n: u64) {
        self.ledgers.actions.issued += n;
        self.ledgers.actions.failed[Reason::SimLimit] += n;
        self.ledgers.work.requests += n;
        self.ledgers.work.rejected.sim_limit += n;
        let w = &mut self.rec.cur;
        w.actions += n;
        w.clicks += n;
        if let Some(k) = w.clicks_by_client.get_mut(c) {
            *k += n;
        }
        w.errors[Reason::SimLimit] += n;
    }

    /// A user clicks again after an error and a think time. At the
    /// simulation limit the click is shed like a new arrival: an abandoned
    /// request stays in flight after its user clicks again, so without
    /// this a flood with many clicks again would hold up to
    /// `max_user_retries + 1` requests per action held.
    pub(super) fn on_click_again(&mut self, now: SimTime, action: Key) {
        if self.actions.get(action).is_none() {
            return;
        }
        self.rec.cur.user_retries += 1;
        if self.at_limit() {
            self.shed_click_again(action);
        } else {
            self.click(now, action);
        }
    }

    /// Click again of `action` shed at the simulation limit: its request is
    /// rejected for "simulation limit" and the user gives up with that
    /// error, in both ledgers and the window.
    fn shed_click_again(&mut self, action: Key) {
        let Some(a) = self.actions.get(action) else {
            return;
        };
        let (client, key) = (a.client as usize, a.traced.then(|| a.trace_key()));
        let w = &mut self.rec.cur;
        w.clicks += 1;
        if let Some(k) = w.clicks_by_client.get_mut(client) {
            *k += 1;
        }
        w.errors[Reason::SimLimit] += 1;
        self.ledgers.work.requests += 1;
        self.ledgers.work.rejected.sim_limit += 1;
        self.ledgers.actions.failed[Reason::SimLimit] += 1;
        self.finish_action(action);
        if let Some(key) = key {
            self.tracer.user_done(key);
        }
    }

    fn click(&mut self, now: SimTime, action: Key) {
        let Some(a) = self.actions.get_mut(action) else {
            return;
        };
        a.click = a.click.wrapping_add(1);
        a.clicked = now;
        a.awaiting = true;
        let st = *a;
        self.rec.cur.clicks += 1;
        if let Some(c) = self.rec.cur.clicks_by_client.get_mut(st.client as usize) {
            *c += 1;
        }
        self.ledgers.work.requests += 1;
        self.ledgers.work.in_flight.network += 1;
        let patience = SimTime::from_secs_f64(self.cfg.browser.patience_s);
        self.add_deadline(Deadline {
            at: now + patience,
            action,
            click: st.click,
        });
        let req = Req {
            clicked: st.first,
            key: action,
            click: st.click,
            client: st.client as u8,
            step: 0,
            endpoint: st.endpoint,
            attempts: 0,
            kind: ReqKind::Save,
            traced: st.traced,
        };
        if st.traced {
            self.tracer.click(st.trace_key(), st.click, now);
        }
        let d = self.smp.net.sample(&mut self.rng.net);
        self.sched.schedule_in(d, Ev::AtServer(req));
    }

    /// True while the user of `action` still waits for click `click`.
    pub(super) fn still_waiting(&self, action: Key, click: u16) -> bool {
        self.actions
            .get(action)
            .is_some_and(|a| a.click == click && a.awaiting)
    }

    /// Sends `answer` for a save request back over the network.
    pub(super) fn respond(&mut self, req: &Req, answer: Answer) {
        let d = self.smp.net.sample(&mut self.rng.net);
        let ev = Ev::Response {
            action: req.key,
            click: req.click,
            answer,
            poll: None,
            traced: req.traced,
        };
        self.sched.schedule_in(d, ev);
    }

    /// An answer reaches the browser.
    pub(super) fn response(
        &mut self,
        now: SimTime,
        action: Key,
        click: u16,
        answer: Answer,
        poll: Option<Key>,
        traced: bool,
    ) {
        if traced && let Some(key) = self.tracer.key_of(action) {
            let at = At::Lane(Lane::Request(click));
            self.tracer.end(key, at, now, SpanKind::NetworkBack);
        }
        if !self.still_waiting(action, click) {
            // Nobody is waiting for this answer: the work behind it is waste
            // (a "server busy" refusal had no work behind it).
            if answer != Answer::Error(Reason::ServerBusy) {
                self.rec.cur.wasted += 1;
            }
            if answer == Answer::Ok {
                self.ledgers.work.committed_wasted += 1;
            }
            if let Some(p) = poll {
                self.polling_never_started(p);
            }
            return;
        }
        let Some(st) = self.actions.get(action).copied() else {
            return;
        };
        let success = matches!(answer, Answer::Ok | Answer::Ack);
        self.rec
            .wait(st.endpoint as usize, now - st.clicked, success);
        if st.traced {
            let seen = match answer {
                Answer::Ok => Outcome::Ok,
                Answer::Ack => Outcome::Ack,
                Answer::Error(r) => Outcome::Error(r),
            };
            let key = st.trace_key();
            self.tracer.outcome(key, click, now, seen, now - st.clicked);
        }
        match answer {
            Answer::Ok | Answer::Ack => {
                if answer == Answer::Ok {
                    self.rec.cur.responses += 1;
                } else {
                    self.rec.cur.acks += 1;
                }
                self.ledgers.actions.succeeded += 1;
                self.finish_action(action);
                if let Some(p) = poll {
                    self.start_polling(now, p);
                }
                if st.traced {
                    self.tracer.user_done(st.trace_key());
                }
            }
            Answer::Error(reason) => self.user_error(now, action, reason),
        }
    }

    fn finish_action(&mut self, action: Key) {
        if self.actions.remove(action).is_some() {
            self.ledgers.actions.awaiting -= 1;
        }
    }

    /// The user saw an error: click again after a think time, or give up.
    pub(super) fn user_error(&mut self, now: SimTime, action: Key, reason: Reason) {
        self.rec.cur.errors[reason] += 1;
        let b = &self.cfg.browser;
        let (max_retries, p) = (b.max_user_retries, b.retry_probability);
        let Some(a) = self.actions.get_mut(action) else {
            return;
        };
        a.awaiting = false;
        let again = u32::from(a.retries) < max_retries && self.rng.user.random::<f64>() < p;
        if again {
            a.retries += 1;
            let think = self.smp.think.sample(&mut self.rng.think);
            self.sched.schedule_at(now + think, Ev::Click { action });
        } else {
            let key = a.traced.then(|| a.trace_key());
            self.ledgers.actions.failed[reason] += 1;
            self.finish_action(action);
            if let Some(key) = key {
                self.tracer.user_done(key);
            }
        }
    }
}
