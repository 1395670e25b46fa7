//! The scene's cues (`view.cues`) as the live clock meets them: each slow
//! stretch becomes two turns (its start and its end), each pause one, in
//! order of sim time. The pacing stops a tick's run at the next turn, so
//! a slow stretch starts and a pause holds exactly where the scene says,
//! at any speed. Cues only steer the pacing; the runs never see them.

use crate::scenario::Cue;
use crate::sim::SimTime;

/// What happens to the clock at a turn.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Turn {
    /// A slow stretch ends: back to the speed outside it.
    SlowTo,
    /// A slow stretch starts: this many sim seconds per wall second.
    SlowFrom(f64),
    /// Pause, showing this caption.
    Pause(String),
}

impl Turn {
    /// At one instant, a stretch that ends goes before one that starts,
    /// and a pause comes last (it holds at the speed now in force).
    fn order(&self) -> u8 {
        match self {
            Turn::SlowTo => 0,
            Turn::SlowFrom(_) => 1,
            Turn::Pause(_) => 2,
        }
    }
}

/// The turns of one scene, in order, and the next one the clock meets.
#[derive(Debug, Default)]
pub(super) struct Turns {
    list: Vec<(SimTime, Turn)>,
    next: usize,
}

impl Turns {
    /// The turns of `cues`, the clock before the first.
    pub fn new(cues: &[Cue]) -> Turns {
        let mut list = Vec::with_capacity(cues.len() * 2);
        for cue in cues {
            match cue {
                Cue::Slow {
                    from_s,
                    to_s,
                    speed,
                } => {
                    list.push((SimTime::from_secs_f64(*from_s), Turn::SlowFrom(*speed)));
                    list.push((SimTime::from_secs_f64(*to_s), Turn::SlowTo));
                }
                Cue::Pause { at_s, caption } => {
                    list.push((SimTime::from_secs_f64(*at_s), Turn::Pause(caption.clone())));
                }
            }
        }
        list.sort_by_key(|(t, turn)| (*t, turn.order()));
        Turns { list, next: 0 }
    }

    /// Sim time of the next turn, if any.
    pub fn next_at(&self) -> Option<SimTime> {
        self.list.get(self.next).map(|(t, _)| *t)
    }

    /// The next turn, moving past it.
    pub fn take(&mut self) -> Option<Turn> {
        let turn = self.list.get(self.next).map(|(_, t)| t.clone());
        self.next += usize::from(turn.is_some());
        turn
    }

    /// Places the clock at `now` (a restart, a seek, a step): every turn
    /// up to `now` is behind it, a pause at `now` included (the run is
    /// already there). Returns the slow stretch's speed in force at `now`,
    /// if any.
    pub fn settle(&mut self, now: SimTime) -> Option<f64> {
        let mut slow = None;
        self.next = 0;
        while let Some((t, turn)) = self.list.get(self.next)
            && *t <= now
        {
            match turn {
                Turn::SlowFrom(x) => slow = Some(*x),
                Turn::SlowTo => slow = None,
                Turn::Pause(_) => {}
            }
            self.next += 1;
        }
        slow
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cues() -> Vec<Cue> {
        vec![
            Cue::Pause {
                at_s: 50.0,
                caption: "look".into(),
            },
            Cue::Slow {
                from_s: 40.0,
                to_s: 60.0,
                speed: 2.0,
            },
        ]
    }

    #[test]
    fn turns_come_in_time_order() {
        let mut t = Turns::new(&cues());
        assert_eq!(t.next_at(), Some(SimTime::from_secs_f64(40.0)));
        assert_eq!(t.take(), Some(Turn::SlowFrom(2.0)));
        assert_eq!(t.take(), Some(Turn::Pause("look".into())));
        assert_eq!(t.take(), Some(Turn::SlowTo));
        assert_eq!(t.take(), None);
        assert_eq!(t.next_at(), None);
    }

    #[test]
    fn settling_knows_the_stretch_in_force() {
        let mut t = Turns::new(&cues());
        assert_eq!(t.settle(SimTime::from_secs_f64(10.0)), None);
        assert_eq!(t.next_at(), Some(SimTime::from_secs_f64(40.0)));
        assert_eq!(t.settle(SimTime::from_secs_f64(50.0)), Some(2.0));
        // The pause at 50 s is behind a run that stands there.
        assert_eq!(t.next_at(), Some(SimTime::from_secs_f64(60.0)));
        assert_eq!(t.settle(SimTime::from_secs_f64(60.0)), None);
        assert_eq!(t.next_at(), None);
    }
}
