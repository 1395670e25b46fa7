//! Pacing: how far the sim may run at a given wall time.
//!
//! Sim time is always the [`System`]'s virtual time; wall time × speed only
//! decides how far to advance it. The pace is anchored at a (wall, sim)
//! pair and re-anchored on every play, speed change, restart or lag, so a
//! change of speed or a pause never makes sim time jump. Each tick runs
//! within a CPU budget; when the sim cannot keep up, the speed it actually
//! achieves is measured and the debt dropped.

use super::command::Speed;
use crate::sim::{SimTime, System};
use std::time::{Duration, Instant};

/// CPU time the host may spend simulating per tick before it stops to handle
/// commands and publish; a slow sim never blocks the UI's commands.
pub const TICK_BUDGET: Duration = Duration::from_millis(12);

/// The transport (playing, speed, pending jump) and the pace anchored to
/// the wall clock.
pub(super) struct Pace {
    playing: bool,
    speed: Speed,
    /// Pending "run to here, then pause".
    jump_to: Option<SimTime>,
    /// Wall time and sim time at the last re-anchoring of the pace.
    anchor_wall: Duration,
    anchor_sim: SimTime,
    /// Achieved speed (exponential moving average), sim s per wall s, while
    /// lagging.
    lagging_at: Option<f64>,
    /// Latest wall time seen (commands and ticks); never goes back.
    last_wall: Duration,
    /// CPU time per tick (`None`: unbounded, for deterministic tests).
    budget: Option<Duration>,
}

impl Pace {
    /// Playing at 1×, anchored at zero.
    pub fn new(budget: Option<Duration>) -> Pace {
        Pace {
            playing: true,
            speed: Speed::Times(1.0),
            jump_to: None,
            anchor_wall: Duration::ZERO,
            anchor_sim: SimTime::ZERO,
            lagging_at: None,
            last_wall: Duration::ZERO,
            budget,
        }
    }

    /// Running: playing, or jumping to a scripted event.
    pub fn playing(&self) -> bool {
        self.playing || self.jump_to.is_some()
    }

    /// The chosen speed.
    pub fn speed(&self) -> Speed {
        self.speed
    }

    /// The speed achieved while the sim cannot keep up.
    pub fn lagging_at(&self) -> Option<f64> {
        self.lagging_at
    }

    /// Notes wall time `wall` (a command arrived then).
    pub fn saw(&mut self, wall: Duration) {
        self.last_wall = self.last_wall.max(wall);
    }

    /// Re-anchors the pace at wall time `wall` and sim time `now`.
    fn reanchor(&mut self, wall: Duration, now: SimTime) {
        self.anchor_wall = wall;
        self.anchor_sim = now;
    }

    /// Runs from sim time `now` on, from wall time `wall`.
    pub fn play(&mut self, wall: Duration, now: SimTime) {
        self.playing = true;
        self.reanchor(wall, now);
    }

    /// Stops the clock (and any pending jump).
    pub fn pause(&mut self) {
        self.playing = false;
        self.jump_to = None;
    }

    /// Plays if paused, pauses if playing.
    pub fn toggle(&mut self, wall: Duration, now: SimTime) {
        if self.playing {
            self.pause();
        } else {
            self.play(wall, now);
        }
    }

    /// Changes the speed from (`wall`, `now`) on.
    pub fn set_speed(&mut self, speed: Speed, wall: Duration, now: SimTime) {
        self.speed = speed;
        self.lagging_at = None;
        self.reanchor(wall, now);
    }

    /// Runs as fast as possible to `goal`, then pauses (`None`: nothing to
    /// jump to).
    pub fn jump(&mut self, goal: Option<SimTime>) {
        self.jump_to = goal;
    }

    /// A new run starts at sim time `now`: no jump, no lag, anchored at the
    /// latest wall time. Playing or paused stays as it was.
    pub fn restart(&mut self, now: SimTime) {
        self.jump_to = None;
        self.lagging_at = None;
        self.reanchor(self.last_wall, now);
    }

    /// Plays on from the current anchor (a freshly loaded scene).
    pub fn resume(&mut self) {
        self.playing = true;
    }

    /// Advances `system` towards (wall elapsed × speed), within the budget.
    pub fn tick(&mut self, system: &mut System, wall: Duration) {
        let wall = wall.max(self.last_wall);
        let wall_dt = wall.saturating_sub(self.last_wall).as_secs_f64();
        self.last_wall = wall;
        let started = Instant::now();
        let before = system.now();
        if let Some(goal) = self.jump_to {
            self.run_budgeted(system, goal, started);
            if system.now() >= goal {
                self.jump_to = None;
                self.playing = false;
                self.reanchor(wall, system.now());
            }
            return;
        }
        if !self.playing {
            return;
        }
        let target = match self.speed {
            Speed::Times(x) => {
                let ahead = wall.saturating_sub(self.anchor_wall).as_secs_f64() * x;
                SimTime(
                    self.anchor_sim
                        .0
                        .saturating_add(SimTime::from_secs_f64(ahead).0),
                )
            }
            Speed::Max => SimTime::MAX,
        };
        self.run_budgeted(system, target, started);
        let now = system.now();
        if now < target {
            // Could not keep up: measure the speed actually achieved and
            // drop the debt, so the run never tries to "catch up" later.
            let achieved = if wall_dt > 0.0 {
                now.saturating_sub(before).as_secs_f64() / wall_dt
            } else {
                0.0
            };
            let smoothed = match self.lagging_at {
                Some(prev) => 0.9 * prev + 0.1 * achieved,
                None => achieved,
            };
            self.lagging_at = Some(smoothed);
            self.reanchor(wall, now);
        } else {
            self.lagging_at = None;
        }
    }

    /// Runs towards `goal` in slices, stopping when the budget is spent.
    fn run_budgeted(&self, system: &mut System, goal: SimTime, started: Instant) {
        let Some(budget) = self.budget else {
            if goal == SimTime::MAX {
                // Unbounded budget at max speed: one window per tick keeps
                // tests finite.
                let w = SimTime::from_secs_f64(system.settings().window_s);
                let t = SimTime(system.now().0.saturating_add(w.0));
                system.run_until(t);
            } else {
                system.run_until(goal);
            }
            return;
        };
        // Slices of a tenth of a window keep each check of the budget cheap
        // while bounding how far past the budget one slice can run.
        let slice = SimTime::from_secs_f64(system.settings().window_s / 10.0)
            .0
            .max(1_000_000);
        while system.now() < goal && started.elapsed() < budget {
            let next = SimTime(system.now().0.saturating_add(slice)).min(goal);
            system.run_until(next);
        }
    }
}
