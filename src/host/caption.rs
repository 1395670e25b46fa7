//! The caption line's text, and the presenter's mode switch that comes a
//! moment after the script's.
//!
//! - [`line`]: the latest scripted caption that is true of the run now (a
//!   caption that describes a mode leaves the line once no endpoint is in
//!   that mode); comparing, the scene's latest caption marked with the
//!   twins it holds for when it does not hold for all of them.
//! - [`RecentSwitch`]: at 10× the script's switch to ASYNC can come half a
//!   second of wall time before the presenter's A, which would then flip
//!   the run back to SYNC. A switch of the presenter's that would undo a
//!   scripted switch of the same setting made less than [`TOGETHER`] of
//!   wall time before is taken as their own switch to that mode: the mode
//!   stays, the setting counts as set by hand from then on (the script
//!   never changes it again), and the caption line says so.

use crate::scenario::{Change, Mode, Settings};
use crate::sim::{Marker, MarkerKind};
use std::time::Duration;

/// Wall time within which the presenter's mode switch and the script's
/// are taken as one (a reaction time, with room to spare at 10×).
pub const TOGETHER: Duration = Duration::from_secs(3);

/// One run as the caption line reads it: its name (a twin's, or "" solo),
/// its markers and its live settings.
pub struct RunCaptions<'a> {
    /// The twin's name ("" solo).
    pub name: &'a str,
    /// Every marker of the run.
    pub markers: &'a [Marker],
    /// Its live settings (the modes its endpoints are in now).
    pub live: &'a Settings,
}

/// True when some endpoint of `live` is in `mode` (always for `None`).
fn holds(mode: Option<Mode>, live: &Settings) -> bool {
    mode.is_none_or(|m| live.endpoints.iter().any(|e| e.mode == m))
}

/// The caption line: `(sim time, text)` of the latest scripted caption, or
/// solo of the latest scripted change skipped because the presenter had set
/// it by hand (their cue). A caption the run skipped, or one describing a
/// mode no endpoint is in now, is never said. Comparing (more than one
/// run), the scene's latest caption, followed by "(in sync)" when it holds
/// for some twins only.
pub fn line(runs: &[RunCaptions<'_>]) -> Option<(f64, String)> {
    match runs {
        [] => None,
        [solo] => solo_line(solo),
        twins => compare_line(twins),
    }
}

fn solo_line(run: &RunCaptions<'_>) -> Option<(f64, String)> {
    let m = run.markers.iter().rev().find(|m| match &m.change {
        Change::Caption(_) => !m.skipped,
        _ => m.skipped,
    })?;
    match &m.change {
        Change::Caption(text) => holds(m.mode, run.live).then(|| (m.t_s, text.clone())),
        c => Some((m.t_s, crate::words::cue(c, run.live))),
    }
}

fn compare_line(twins: &[RunCaptions<'_>]) -> Option<(f64, String)> {
    // The latest caption any twin met, said or skipped.
    let latest = twins
        .iter()
        .filter_map(|r| {
            r.markers
                .iter()
                .rev()
                .find(|m| m.kind() == MarkerKind::Caption)
        })
        .max_by(|a, b| a.t_s.total_cmp(&b.t_s))?;
    let Change::Caption(text) = &latest.change else {
        return None;
    };
    let holds_in: Vec<&str> = twins
        .iter()
        .filter(|r| {
            r.markers.iter().rev().any(|m| {
                m.t_s == latest.t_s
                    && m.change == latest.change
                    && !m.skipped
                    && holds(m.mode, r.live)
            })
        })
        .map(|r| r.name)
        .collect();
    match holds_in.len() {
        0 => None,
        n if n == twins.len() => Some((latest.t_s, text.clone())),
        _ => Some((
            latest.t_s,
            format!("{text} (in {})", holds_in.join(" and ")),
        )),
    }
}

/// The latest scripted mode switch of a solo run and when it came, so a
/// switch of the presenter's right after it is not taken as its undoing.
#[derive(Default)]
pub struct RecentSwitch {
    /// Markers of the run looked at so far.
    seen: usize,
    /// The latest scripted mode switch applied: wall time it came, and
    /// the change.
    last: Option<(Duration, Change)>,
    /// What the caption line says of a switch taken together with the
    /// script's: sim time, s, and text.
    cue: Option<(f64, String)>,
}

impl RecentSwitch {
    /// A new run: nothing seen.
    pub fn reset(&mut self) {
        *self = RecentSwitch::default();
    }

    /// The cue for the caption line, if a switch was taken together.
    pub fn cue(&self) -> Option<&(f64, String)> {
        self.cue.as_ref()
    }

    /// After the run advanced at wall time `wall`: the mode switches the
    /// script applied meanwhile (not held, not skipped). `watched`: false
    /// for a jump's replay, whose switches nobody saw come.
    pub fn saw(&mut self, markers: &[Marker], wall: Duration, watched: bool) {
        let new = markers.get(self.seen..).unwrap_or_default();
        self.seen = markers.len();
        if !watched {
            return;
        }
        if let Some(m) = new
            .iter()
            .rev()
            .find(|m| m.kind() == MarkerKind::Mode && !m.held && !m.skipped)
        {
            self.last = Some((wall, m.change.clone()));
        }
    }

    /// The presenter's `change` at wall time `wall`, sim time `now_s`, as
    /// the run takes it: a mode switch that would undo the scripted switch
    /// of the same setting made less than [`TOGETHER`] before becomes a
    /// switch to the script's mode (nothing changes; the setting is theirs
    /// from now on), and the cue says so. Any other change as it is. A
    /// switch of the presenter's ends the window either way: a second one
    /// does what it says.
    pub fn take(&mut self, change: Change, wall: Duration, now_s: f64, live: &Settings) -> Change {
        let Change::SetMode { endpoint, mode } = &change else {
            return change;
        };
        let Some((at, scripted)) = self.last.take() else {
            return change;
        };
        let Change::SetMode {
            mode: scripted_mode,
            ..
        } = &scripted
        else {
            return change;
        };
        let recent = wall.saturating_sub(at) <= TOGETHER;
        if !recent || mode == scripted_mode || !change.same_setting(&scripted) {
            return change;
        }
        let ago = wall.saturating_sub(at).as_secs_f64();
        self.cue = Some((
            now_s,
            format!(
                "Script: {} came {ago:.1} s before your switch: kept {} (switch again for {})",
                crate::words::change(&scripted, live),
                crate::words::mode(*scripted_mode),
                crate::words::mode(*mode),
            ),
        ));
        Change::SetMode {
            endpoint: endpoint.clone(),
            mode: *scripted_mode,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn switch(mode: Mode) -> Change {
        Change::SetMode {
            endpoint: None,
            mode,
        }
    }

    fn marker(change: Change) -> Marker {
        Marker {
            t_s: 240.0,
            change,
            held: false,
            skipped: false,
            mode: None,
        }
    }

    #[test]
    fn a_switch_right_after_the_scripts_keeps_its_mode_once() {
        let live = Settings::default();
        let mut r = RecentSwitch::default();
        r.saw(
            &[marker(switch(Mode::Async))],
            Duration::from_secs(24),
            true,
        );
        let taken = r.take(
            switch(Mode::Sync),
            Duration::from_millis(24_600),
            246.0,
            &live,
        );
        assert_eq!(taken, switch(Mode::Async), "kept the script's mode");
        let cue = &r.cue().expect("a cue").1;
        assert!(
            cue.contains("0.6 s before your switch: kept ASYNC"),
            "{cue}"
        );
        // The second switch does what it says.
        let again = r.take(switch(Mode::Sync), Duration::from_secs(25), 250.0, &live);
        assert_eq!(again, switch(Mode::Sync));
        // Long after the script's switch, a switch is the presenter's.
        let mut r = RecentSwitch::default();
        r.saw(
            &[marker(switch(Mode::Async))],
            Duration::from_secs(24),
            true,
        );
        let late = r.take(switch(Mode::Sync), Duration::from_secs(28), 280.0, &live);
        assert_eq!(late, switch(Mode::Sync));
        assert!(r.cue().is_none());
    }
}
