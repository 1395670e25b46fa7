//! The scene: a run's settings plus what a presenter reads (title, lesson,
//! watch) and how long it runs. It is written flat in the file; see
//! [`super::version`] for the format's versions.

use asynclab_core::config::Settings;
pub use asynclab_core::config::Variant;
use serde::{Deserialize, Serialize};

/// A complete scene.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(
    try_from = "super::version::SceneFile",
    into = "super::version::SceneFile"
)]
pub struct Scenario {
    /// Shown in the title bar and the scene list.
    pub title: String,
    /// What the scene teaches (shown when it opens).
    pub lesson: String,
    /// What to watch on screen while it runs.
    pub watch: String,
    /// The lesson in one sentence, for presentation mode (format version
    /// 6; empty: the lesson's first sentence, see
    /// [`Scenario::lesson_line`]).
    pub lesson_short: String,
    /// Length of a run, seconds of sim time.
    pub duration_s: f64,
    /// Everything the simulation is built from.
    pub settings: Settings,
    /// Twins to compare side by side (empty: "all sync" against "all
    /// async", everything else as written); see [`Scenario::twin_variants`].
    pub variants: Vec<Variant>,
    /// How the app shows the scene when it opens.
    pub view: View,
    /// An exercise's goal, checked when the run ends.
    pub goal: Option<Goal>,
    /// Scripted events switched off in the Timeline panel (format version
    /// 5): kept with the scene, never applied, until switched on again.
    pub disabled: Vec<DisabledEvent>,
}

/// A scripted event switched off: where it belongs, when and what. It
/// takes no part in a run; switching it on moves it back into its
/// timeline.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DisabledEvent {
    /// When, seconds of sim time.
    pub at_s: f64,
    /// What it would change.
    pub change: asynclab_core::config::Change,
    /// The variant whose own timeline it belongs to, by name; `None`: the
    /// scene's timeline (every twin).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub variant: Option<String>,
    /// A caption's mode (format version 6; see
    /// [`TimelineEvent::mode`](asynclab_core::config::TimelineEvent::mode)).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<asynclab_core::config::Mode>,
}

/// How fast a scene starts playing.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub enum StartSpeed {
    /// Sim seconds per wall second.
    Times(f64),
    /// As fast as the machine goes.
    Max,
}

/// The plots a scene may name as its key ones (presentation mode shows
/// these first and larger).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum PlotName {
    /// User-perceived wait.
    Wait,
    /// Time to processed.
    Processed,
    /// Queue backlog (queued and in backoff).
    Backlog,
    /// Failures and retries.
    Failures,
    /// Throughput.
    Throughput,
    /// Utilisation (and where workers' time goes).
    Utilisation,
    /// Cost and revenue per hour.
    Cost,
}

/// How the app shows a scene when it opens: its speed, plot span and key
/// plots (a scene's own, never the previous scene's).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct View {
    /// Starting speed.
    pub speed: StartSpeed,
    /// Plot time span, s of sim time.
    pub span_s: f64,
    /// The two to four plots that carry the lesson (empty: all plots).
    pub key_plots: Vec<PlotName>,
    /// Opens comparing its twins side by side (format version 4): the
    /// scene's variants, or all sync against all async. A recording made
    /// while comparing sets it, so it reopens as the comparison it was.
    pub compare: bool,
    /// The scene's directions for the live clock (format version 6): slow
    /// down through a stretch, pause at a moment with a caption. They
    /// steer the app's pacing only and change nothing the simulation
    /// computes; a headless run ignores them. Not written when none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub cues: Vec<Cue>,
}

/// A direction for the live clock, in seconds of sim time. Written as
/// `Slow(from_s: 30600, to_s: 35100, speed: 100)` or
/// `Pause(at_s: 32400, caption: "...")`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum Cue {
    /// Play at `speed` from `from_s` until `to_s`, then at the speed
    /// before it again. A speed the presenter sets by hand wins until
    /// the next cue (or a restart).
    Slow {
        /// Where the slow stretch begins, s of sim time.
        from_s: f64,
        /// Where it ends, s of sim time.
        to_s: f64,
        /// Sim seconds per wall second within it.
        speed: f64,
    },
    /// Pause the clock at `at_s` and show `caption`; Play goes on.
    Pause {
        /// When, s of sim time.
        at_s: f64,
        /// What the room should look at now.
        caption: String,
    },
}

impl Default for View {
    fn default() -> Self {
        View {
            speed: StartSpeed::Times(1.0),
            span_s: 300.0,
            key_plots: Vec::new(),
            compare: false,
            cues: Vec::new(),
        }
    }
}

/// An exercise's goal: thresholds checked when the run ends, each scored
/// by how far inside or outside it the run landed. Unset thresholds are
/// not checked.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Goal {
    /// Whole-run p95 user-perceived wait at most this, s.
    pub wait_p95_max_s: Option<f64>,
    /// Whole-run p95 time to processed at most this, s.
    pub processed_p95_max_s: Option<f64>,
    /// Share of outcomes within the wait target at least this (0–1).
    pub wait_sla_min: Option<f64>,
    /// Share of work processed within its target at least this (0–1).
    pub processed_sla_min: Option<f64>,
    /// Dead-lettered jobs at most this.
    pub dead_letters_max: Option<u64>,
    /// Share of actions that failed (as users saw it) at most this (0–1).
    pub error_share_max: Option<f64>,
    /// Capacity cost at most this, $ per hour (averaged over the run).
    pub cost_per_hour_max: Option<f64>,
    /// Server utilisation at most this (0–1).
    pub server_utilisation_max: Option<f64>,
    /// Per client (by name): p95 time to processed at most this, s.
    pub client_processed_p95_max_s: Vec<(String, f64)>,
    /// Whole-run p95 time until a polling user learns the job is done at
    /// most this, s.
    pub learn_p95_max_s: Option<f64>,
    /// Database write attempts (failed ones too) per user action at most
    /// this: a retry storm shows here.
    pub writes_per_action_max: Option<f64>,
    /// Revealed on request when the goal is missed.
    pub hint: String,
}

impl Default for Scenario {
    fn default() -> Self {
        Scenario {
            title: "Untitled".into(),
            lesson: String::new(),
            watch: String::new(),
            lesson_short: String::new(),
            duration_s: 300.0,
            settings: Settings::default(),
            variants: Vec::new(),
            view: View::default(),
            goal: None,
            disabled: Vec::new(),
        }
    }
}

impl Scenario {
    /// The lesson in one sentence: `lesson_short` when the scene has one,
    /// else the lesson's first sentence (up to its first full stop,
    /// question or exclamation mark followed by a space, or all of it).
    pub fn lesson_line(&self) -> &str {
        let short = self.lesson_short.trim();
        if !short.is_empty() {
            return short;
        }
        let lesson = self.lesson.trim();
        let end = lesson
            .char_indices()
            .find(|(i, c)| {
                matches!(c, '.' | '?' | '!')
                    && lesson[i + c.len_utf8()..].starts_with(char::is_whitespace)
            })
            .map_or(lesson.len(), |(i, c)| i + c.len_utf8());
        &lesson[..end]
    }

    /// The variants its twins are built from: the scene's own, or the
    /// default pair (all sync, all async) when it declares none.
    pub fn twin_variants(&self) -> Vec<Variant> {
        if self.variants.is_empty() {
            asynclab_core::config::default_pair()
        } else {
            self.variants.clone()
        }
    }
}

impl Scenario {
    /// The settings a run of this scene plays: its own, with the captions
    /// that tell of a switched-off change left out (a caption up to
    /// [`CAPTION_TIE_S`](asynclab_core::CAPTION_TIE_S) after a disabled
    /// setting, mode or outage change of the scene's timeline), as a run
    /// skips the caption of a change it skipped: the screen never says
    /// "ASYNC: …" after a switch that did not happen.
    pub fn run_settings(&self) -> Settings {
        let mut s = self.settings.clone();
        let off: Vec<f64> = self
            .disabled
            .iter()
            .filter(|d| {
                d.variant.is_none()
                    && !matches!(d.change, asynclab_core::config::Change::Caption(_))
            })
            .map(|d| d.at_s)
            .collect();
        if !off.is_empty() {
            s.timeline.retain(|e| {
                !(matches!(e.change, asynclab_core::config::Change::Caption(_))
                    && off
                        .iter()
                        .any(|t| e.at_s >= *t && e.at_s - t <= asynclab_core::CAPTION_TIE_S))
            });
        }
        s
    }
}

impl From<Scenario> for Settings {
    fn from(s: Scenario) -> Settings {
        s.run_settings()
    }
}

impl From<&Scenario> for Settings {
    fn from(s: &Scenario) -> Settings {
        s.run_settings()
    }
}

#[cfg(test)]
mod lesson_line_tests {
    use super::*;

    #[test]
    fn the_lesson_line_is_lesson_short_or_the_first_sentence() {
        let mut s = Scenario {
            lesson: "Sync waits 1.5 s. Async answers at once.".into(),
            ..Scenario::default()
        };
        // A full stop inside a number does not end the sentence.
        assert_eq!(s.lesson_line(), "Sync waits 1.5 s.");
        s.lesson = "No full stop".into();
        assert_eq!(s.lesson_line(), "No full stop");
        s.lesson_short = " The short one. ".into();
        assert_eq!(s.lesson_line(), "The short one.");
    }
}
