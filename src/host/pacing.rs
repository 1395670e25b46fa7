//! Pacing: how far the sim may run at a given wall time.
//!
//! Sim time is always the runs' virtual time ([`Twins::now`]: the time
//! every twin has reached; a solo run is one twin); wall time × speed only
//! decides how far to advance it. The pace is anchored at a (wall, sim)
//! pair and re-anchored on every play, speed change, restart or lag, so a
//! change of speed or a pause never makes sim time jump. Each tick runs
//! within a CPU budget; when the sim cannot keep up, the speed it actually
//! achieves is measured and the debt dropped.
//!
//! A scene's cues steer the speed: a tick's run stops at the next turn (a
//! slow stretch's start or end, a pause), so each acts exactly at its sim
//! time. The speed outside slow stretches (`base`) is the scene's own or
//! the last one the presenter chose; a speed chosen by hand inside a slow
//! stretch holds until the stretch ends.

use super::clock::Clock;
use super::command::Speed;
use super::cues::{Turn, Turns};
use crate::scenario::Cue;
use crate::sim::{SimTime, Twins};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// Time the host may spend simulating per tick before it stops to handle
/// commands and publish; a slow sim never blocks the UI's commands.
pub const TICK_BUDGET: Duration = Duration::from_millis(12);

/// Events simulated between two looks at the budget's clock: small enough
/// that at 10 million actions/s, with a million actions held (an event
/// then costs about a microsecond), a tick overruns its budget by a few
/// milliseconds at most (`bench_host --flood-only`); large enough that
/// reading the clock (tens of nanoseconds) costs nothing.
pub const EVENTS_PER_CHECK: u64 = 2_000;

/// Most windows of sim time one tick may cross when nothing happens in
/// them (Max speed on an idle system must not leap centuries ahead).
const IDLE_WINDOWS_PER_TICK: u64 = 10_000;

/// True with more than two cores: twins then get a thread each by default.
fn spare_cores() -> bool {
    std::thread::available_parallelism().is_ok_and(|n| n.get() > 2)
}

/// How long a tick may simulate, measured on its own clock (the wall clock
/// in the app, a fake one in tests).
pub struct Budget {
    /// Time per tick.
    pub limit: Duration,
    /// The clock the limit is measured on.
    pub clock: Box<dyn Clock>,
}

impl Budget {
    /// [`TICK_BUDGET`] on the wall clock.
    pub fn wall() -> Budget {
        Budget {
            limit: TICK_BUDGET,
            clock: Box::new(super::clock::WallClock::new()),
        }
    }
}

/// The transport (playing, speed, pending jump) and the pace anchored to
/// the wall clock.
pub(super) struct Pace {
    playing: bool,
    /// The speed now (a slow stretch's while in one).
    speed: Speed,
    /// The speed outside slow stretches: the scene's start speed or the
    /// presenter's last choice.
    base: Speed,
    /// The scene's cues as turns of the clock.
    turns: Turns,
    /// Paused by a cue: its caption, until the run plays on.
    cue_note: Option<String>,
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
    /// Time per tick (`None`: unbounded, for deterministic tests).
    budget: Option<Budget>,
    /// Where the scene ends: the run pauses there once (Continue plays on).
    end_at: Option<SimTime>,
    /// The run paused at the scene's end and has not been played on since.
    ended: bool,
    /// Run twins on a thread each within a tick (see [`Pace::set_threads`]).
    threads: bool,
}

impl Pace {
    /// Playing at 1×, anchored at zero.
    pub fn new(budget: Option<Budget>) -> Pace {
        Pace {
            playing: true,
            speed: Speed::Times(1.0),
            base: Speed::Times(1.0),
            turns: Turns::default(),
            cue_note: None,
            jump_to: None,
            anchor_wall: Duration::ZERO,
            anchor_sim: SimTime::ZERO,
            lagging_at: None,
            last_wall: Duration::ZERO,
            budget,
            end_at: None,
            ended: false,
            threads: spare_cores(),
        }
    }

    /// The run pauses when it reaches `end` (the scene's duration).
    pub fn end_at(&mut self, end: Option<SimTime>) {
        self.end_at = end;
        self.ended = false;
    }

    /// True while paused at the scene's end.
    pub fn ended(&self) -> bool {
        self.ended
    }

    /// Whether twins run on a thread each within a budgeted tick (a solo
    /// run always runs on the host's thread). Both give the same windows:
    /// threads only change how fast a tick gets there. The default is
    /// threads only with more than two cores: on two, twins taking turns
    /// hold 100× as well (see `examples/bench_host.rs`) and leave a core to
    /// the UI at Max speed.
    pub fn set_threads(&mut self, threads: bool) {
        self.threads = threads;
    }

    /// Running: playing, or jumping to a scripted event.
    pub fn playing(&self) -> bool {
        self.playing || self.jump_to.is_some()
    }

    /// A jump (to a scripted event, a window's end or a seek's time) is
    /// under way.
    pub fn jumping(&self) -> bool {
        self.jump_to.is_some()
    }

    /// The chosen speed.
    pub fn speed(&self) -> Speed {
        self.speed
    }

    /// Paused by a scene's cue: its caption (until the run plays on).
    pub fn cue_note(&self) -> Option<&str> {
        self.cue_note.as_deref()
    }

    /// Follows `cues` from sim time `now` (a new run or scene).
    pub fn set_cues(&mut self, cues: &[Cue], now: SimTime) {
        self.turns = Turns::new(cues);
        self.settle(now);
    }

    /// Places the cues at `now` after the run moved other than by playing
    /// (a restart, a jump, a step): the speed is the slow stretch's in
    /// force there, or the base; a pause already passed does not hold.
    pub fn settle(&mut self, now: SimTime) {
        let slow = self.turns.settle(now);
        self.speed = slow.map_or(self.base, Speed::Times);
        self.cue_note = None;
        self.reanchor(self.last_wall, now);
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

    /// Runs from sim time `now` on, from wall time `wall` (past the
    /// scene's end, once there: Continue).
    pub fn play(&mut self, wall: Duration, now: SimTime) {
        self.playing = true;
        self.ended = false;
        self.cue_note = None;
        self.reanchor(wall, now);
    }

    /// Stops the clock (and any pending jump).
    pub fn pause(&mut self) {
        self.playing = false;
        self.jump_to = None;
        // Paused, the clock keeps up with anything: no "can't keep up".
        self.lagging_at = None;
    }

    /// Plays if paused, pauses if playing.
    pub fn toggle(&mut self, wall: Duration, now: SimTime) {
        if self.playing {
            self.pause();
        } else {
            self.play(wall, now);
        }
    }

    /// Changes the speed from (`wall`, `now`) on: the presenter's (or the
    /// scene's start) speed, also the base outside slow stretches.
    pub fn set_speed(&mut self, speed: Speed, wall: Duration, now: SimTime) {
        self.speed = speed;
        self.base = speed;
        self.lagging_at = None;
        self.reanchor(wall, now);
    }

    /// Runs as fast as possible to `goal`, then pauses (`None`: nothing to
    /// jump to).
    pub fn jump(&mut self, goal: Option<SimTime>) {
        self.jump_to = goal;
    }

    /// A new run starts at sim time `now`: no jump, no lag, anchored at the
    /// latest wall time. Playing or paused stays as it was, except at the
    /// scene's end or at a pause cue: that pause was the scene's, not the
    /// presenter's, so the new run (Restart, R, C, the end banner's
    /// Restart) plays.
    pub fn restart(&mut self, now: SimTime) {
        self.jump_to = None;
        self.lagging_at = None;
        if self.ended || self.cue_note.take().is_some() {
            self.playing = true;
        }
        self.reanchor(self.last_wall, now);
    }

    /// Plays on from the current anchor (a freshly loaded scene).
    pub fn resume(&mut self) {
        self.playing = true;
    }

    /// Advances the twins towards (wall elapsed × speed), within the budget.
    pub fn tick(&mut self, twins: &mut Twins, wall: Duration) {
        let wall = wall.max(self.last_wall);
        let wall_dt = wall.saturating_sub(self.last_wall).as_secs_f64();
        self.last_wall = wall;
        let before = twins.now();
        if let Some(goal) = self.jump_to {
            self.run_budgeted(twins, goal);
            if twins.now() >= goal {
                self.jump_to = None;
                self.playing = false;
                self.settle(twins.now());
                self.reanchor(wall, twins.now());
            }
            return;
        }
        if !self.playing {
            return;
        }
        // Each turn of a cue met on the way re-paces the rest of the tick;
        // there are at most as many as turns.
        loop {
            let paced = self.paced(wall);
            let end = self.end_at.filter(|e| *e > before);
            let turn_at = self.turns.next_at();
            let target = [end, turn_at]
                .into_iter()
                .flatten()
                .fold(paced, SimTime::min);
            self.run_budgeted(twins, target);
            let now = twins.now();
            if let Some(e) = end
                && now >= e
            {
                // The scene's end: pause there, once, and say so.
                self.end_at = None;
                self.ended = true;
                self.playing = false;
                self.lagging_at = None;
                self.reanchor(wall, now);
                return;
            }
            if let Some(at) = turn_at
                && now >= at
            {
                if self.turn(wall, now) {
                    continue;
                }
                return;
            }
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
            return;
        }
    }

    /// Where the pace says the run should be at wall time `wall`.
    fn paced(&self, wall: Duration) -> SimTime {
        match self.speed {
            Speed::Times(x) => {
                let ahead = wall.saturating_sub(self.anchor_wall).as_secs_f64() * x;
                SimTime(
                    self.anchor_sim
                        .0
                        .saturating_add(SimTime::from_secs_f64(ahead).0),
                )
            }
            Speed::Max => SimTime::MAX,
        }
    }

    /// The run reached the next turn of a cue at sim time `now` during the
    /// tick ending at wall time `wall`: acts on it. True when the run
    /// plays on (a slow stretch's start or end), false when it paused.
    fn turn(&mut self, wall: Duration, now: SimTime) -> bool {
        // The wall time the pace reached the turn at, so the new speed
        // counts from there and the tick loses no time.
        let reached = match self.speed {
            Speed::Times(x) if x > 0.0 => {
                let behind = now.saturating_sub(self.anchor_sim).as_secs_f64() / x;
                (self.anchor_wall + Duration::from_secs_f64(behind)).clamp(self.anchor_wall, wall)
            }
            _ => wall,
        };
        match self.turns.take() {
            Some(Turn::SlowFrom(x)) => self.speed = Speed::Times(x),
            Some(Turn::SlowTo) => self.speed = self.base,
            Some(Turn::Pause(caption)) => {
                self.playing = false;
                self.lagging_at = None;
                self.cue_note = Some(caption);
                self.reanchor(wall, now);
                return false;
            }
            None => {}
        }
        self.reanchor(reached, now);
        true
    }

    /// Runs towards `goal`, looking at the budget's clock every
    /// [`EVENTS_PER_CHECK`] events and stopping when the budget is spent.
    /// Twins share the budget: on a thread each, or taking turns; either
    /// way none runs more than one window past the slowest, so they stay
    /// on one clock whatever their loads.
    fn run_budgeted(&self, twins: &mut Twins, goal: SimTime) {
        let window = SimTime::from_secs_f64(twins.first().settings().window_s);
        let now = twins.now();
        let Some(budget) = &self.budget else {
            if goal == SimTime::MAX {
                // Unbounded budget at max speed: one window per tick keeps
                // tests finite.
                twins.run_until(SimTime(now.0.saturating_add(window.0)));
            } else {
                twins.run_until(goal);
            }
            return;
        };
        let idle_cap = window.0.saturating_mul(IDLE_WINDOWS_PER_TICK);
        let goal = goal.min(SimTime(now.0.saturating_add(idle_cap)));
        let start = budget.clock.elapsed();
        let spent = || budget.clock.elapsed().saturating_sub(start) >= budget.limit;
        // One clock: no twin runs more than one window past the slowest, so
        // a light twin never races ahead of a heavy one (at Max speed the
        // same budget buys a light twin far more sim time).
        let stage = |slowest: SimTime| goal.min(SimTime(slowest.0.saturating_add(window.0)));
        if self.threads && twins.len() > 1 {
            let times: Vec<AtomicU64> = twins
                .twins()
                .iter()
                .map(|t| AtomicU64::new(t.now().0))
                .collect();
            let slowest = || {
                SimTime(
                    times
                        .iter()
                        .map(|t| t.load(Ordering::Acquire))
                        .min()
                        .unwrap_or(0),
                )
            };
            std::thread::scope(|scope| {
                for (k, twin) in twins.twins_mut().iter_mut().enumerate() {
                    let (times, slowest, spent) = (&times, &slowest, &spent);
                    scope.spawn(move || {
                        loop {
                            let to = stage(slowest());
                            if twin.now() >= to {
                                // Ahead by a window: wait for the slowest.
                                if to >= goal || spent() {
                                    break;
                                }
                                std::thread::sleep(Duration::from_micros(50));
                                continue;
                            }
                            let reached = twin.run_for(to, EVENTS_PER_CHECK);
                            times[k].store(twin.now().0, Ordering::Release);
                            if (reached && to >= goal) || spent() {
                                break;
                            }
                        }
                    });
                }
            });
            return;
        }
        // Taking turns, a few events each, so every twin moves on even
        // when the budget is short.
        let per_twin = (EVENTS_PER_CHECK / twins.len() as u64).max(1);
        loop {
            let to = stage(twins.now());
            if (twins.run_for(to, per_twin) && to >= goal) || spent() {
                break;
            }
        }
    }
}
