//! Each client's arrivals: a non-homogeneous Poisson process drawn by
//! thinning against the traffic shape's bound over the span ahead.

use super::super::time::SimTime;
use super::super::traffic;
use super::{Ev, System};
use rand::RngExt;
use rand_distr::{Distribution, Exp, Poisson};

/// While the simulation sheds at its limit, a client's arrivals are counted
/// once per this long instead of one event each, so an absurd rate costs
/// a hundred events a second, not millions. Arrivals within a tick are all
/// shed, even if room frees up during it.
const SHED_TICK: SimTime = SimTime(10_000_000);

impl System {
    /// Starts client `c`'s arrivals over when its base rate changed (a
    /// pending candidate drawn for the old rate is ignored from now on).
    pub(super) fn restart_arrivals(&mut self, c: usize) {
        let rate = self.cfg.clients[c].rate_per_s;
        if rate == self.arrivals.rate[c] {
            return;
        }
        self.arrivals.rate[c] = rate;
        self.arrivals.generation[c] = self.arrivals.generation[c].wrapping_add(1);
        self.schedule_arrival(c, None);
    }

    /// Draws client `c`'s next candidate arrival by thinning against the
    /// shape's bound over the span ahead (piecewise, so a six-fold peak at
    /// 09:00 does not waste five candidates in six all night).
    /// `m_now`: the shape's multiplier now, when the caller has it.
    fn schedule_arrival(&mut self, c: usize, m_now: Option<f64>) {
        let now = self.now();
        let cl = &self.cfg.clients[c];
        let t_s = now.as_secs_f64();
        let cursor = &mut self.arrivals.cursor[c];
        let m_now = m_now.unwrap_or_else(|| traffic::multiplier_with(&cl.shape, t_s, cursor));
        let (bound, until_s) = traffic::bound_with(&cl.shape, t_s, m_now, cursor);
        let rate = cl.rate_per_s.max(0.0) * bound;
        let generation = self.arrivals.generation[c];
        let client = c as u16;
        let until =
            (until_s.is_finite()).then(|| SimTime::from_secs_f64(until_s).max(now + SimTime(1)));
        let gap = match Exp::new(rate) {
            Ok(exp) if rate.is_finite() && rate > 0.0 => Some(SimTime::from_secs_f64(
                exp.sample(&mut self.rng.arrivals[c]),
            )),
            _ => None,
        };
        self.arrivals.bound[c] = rate;
        match (gap, until) {
            (Some(g), u) if u.is_none_or(|u| now + g <= u) => {
                let ev = Ev::Arrival {
                    client,
                    generation,
                    boundary: false,
                };
                self.sched.schedule_in(g, ev);
            }
            (_, Some(u)) => {
                let ev = Ev::Arrival {
                    client,
                    generation,
                    boundary: true,
                };
                self.sched.schedule_at(u, ev);
            }
            // No traffic now and no change ahead: silent until a knob moves.
            (None, None) => {}
            (Some(_), None) => unreachable!("covered by the first arm"),
        }
    }

    /// A candidate arrival (or the end of its bound's span) of client `c`.
    pub(super) fn on_arrival(&mut self, now: SimTime, c: usize, generation: u32, boundary: bool) {
        if generation != self.arrivals.generation[c] {
            return;
        }
        let mut m_now = None;
        if !boundary {
            // Thinning: accept with probability rate(t) / bound.
            let cl = &self.cfg.clients[c];
            let cursor = &mut self.arrivals.cursor[c];
            let m = traffic::multiplier_with(&cl.shape, now.as_secs_f64(), cursor);
            let rate = cl.rate_per_s.max(0.0) * m;
            let u: f64 = self.rng.arrivals[c].random();
            if u * self.arrivals.bound[c] < rate {
                if self.at_limit() {
                    // The arrival process pauses: shed ticks count for it
                    // until there is room again.
                    self.shed(c, 1);
                    self.schedule_shed_tick(c);
                    return;
                }
                self.new_action(now, c);
            }
            m_now = Some(m);
        }
        self.schedule_arrival(c, m_now);
    }

    /// True when the simulation holds as much work as its limit allows.
    pub(super) fn at_limit(&self) -> bool {
        self.held() >= self.cfg.limits.max_in_flight
    }

    fn schedule_shed_tick(&mut self, c: usize) {
        let ev = Ev::ShedTick {
            client: c as u16,
            generation: self.arrivals.generation[c],
        };
        self.sched.schedule_in(SHED_TICK, ev);
    }

    /// A shed tick of client `c`: the tick's arrivals came while the
    /// simulation was shedding, so they are counted as shed; then the next
    /// tick, or arrivals one by one again when there is room.
    pub(super) fn on_shed_tick(&mut self, now: SimTime, c: usize, generation: u32) {
        if generation != self.arrivals.generation[c] {
            return;
        }
        let cl = &self.cfg.clients[c];
        let rate = cl.rate_per_s.max(0.0) * traffic::multiplier(&cl.shape, now.as_secs_f64());
        let mean = rate * SHED_TICK.as_secs_f64();
        let n = match Poisson::new(mean) {
            Ok(p) if mean.is_finite() && mean > 0.0 => p.sample(&mut self.rng.shed[c]) as u64,
            _ => 0,
        };
        self.shed(c, n);
        if self.at_limit() {
            self.schedule_shed_tick(c);
        } else {
            self.schedule_arrival(c, None);
        }
    }
}
