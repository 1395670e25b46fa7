//! The scene document: the file as loaded or saved, the copy the user has
//! edited with live tweaks, the settings the current run was built from,
//! and the live changes of this run (for "Save Recording").
//!
//! Every edit bumps [`Document::revision`], so whoever copies the
//! document out (the host's publish) can tell cheaply whether anything
//! changed since the last copy.
//!
//! Comparing twins, every live change is recorded in the timeline of each
//! twin it went to (its variant's `timeline`), in the order made: a twin's
//! own events keep their order exactly, so the recording replays each twin
//! bit for bit. Solo, live changes go to the scene's timeline as before.

use crate::scenario::{Change, Scenario, TimelineEvent};
use crate::sim::Target;

/// Where a live change of this run was recorded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Recorded {
    /// The scene's timeline (a solo run).
    Scene,
    /// Twin k's own timeline.
    Twin(usize),
}

/// The scene being shown and edited.
pub(super) struct Document {
    /// The scene as loaded or last saved.
    file: Scenario,
    /// File + user tweaks (what Save writes and Restart rebuilds from).
    edited: Scenario,
    /// What the current run was built from.
    run_base: Scenario,
    /// The current run compares twins.
    compare: bool,
    /// Live changes of this run with their sim time, in the order applied.
    recorded: Vec<(Recorded, TimelineEvent)>,
    /// Bumped by every change to any of the above.
    revision: u64,
}

impl Document {
    /// A document on `scenario`, freshly loaded; it compares twins when
    /// the scene says so (`view.compare`).
    pub fn new(scenario: Scenario) -> Document {
        Document {
            compare: scenario.view.compare,
            file: scenario.clone(),
            edited: scenario.clone(),
            run_base: scenario,
            recorded: Vec::new(),
            revision: 0,
        }
    }

    /// Moves on every load, save, restart, reset and recorded change.
    pub fn revision(&self) -> u64 {
        self.revision
    }

    /// The scene as the user edited it.
    pub fn edited(&self) -> &Scenario {
        &self.edited
    }

    /// What the current run was built from.
    pub fn run_base(&self) -> &Scenario {
        &self.run_base
    }

    /// The current run compares twins.
    pub fn compare(&self) -> bool {
        self.compare
    }

    /// True when the edited scene differs from the file.
    pub fn dirty(&self) -> bool {
        self.edited != self.file
    }

    /// The run's start settings with every live change merged into its
    /// timelines by time: replays this run exactly (comparing: reopens
    /// comparing, each twin's changes in its variant's timeline). Builds a
    /// new scene; call it only when [`Document::revision`] moved.
    pub fn recording(&self) -> Scenario {
        let mut recording = self.run_base.clone();
        // Reopens the way it ran (a solo run of a scene that opens
        // comparing recorded its changes for the solo run).
        recording.view.compare = self.compare;
        if self.compare && !self.recorded.is_empty() {
            recording.variants = recording.twin_variants();
        }
        // The run skipped the scene's scripted changes to what the
        // presenter had set by hand (see `sim::Marker::skipped`); the
        // replay must too. (A twin's hand changes are its own timeline's,
        // which the twin itself never lets the scene's script override.)
        let by_hand: Vec<&TimelineEvent> = self
            .recorded
            .iter()
            .filter(|(to, _)| *to == Recorded::Scene)
            .map(|(_, ev)| ev)
            .collect();
        let skipped = |scripted: &TimelineEvent| {
            by_hand
                .iter()
                .any(|h| h.at_s < scripted.at_s && h.change.same_setting(&scripted.change))
        };
        let skipped_at: Vec<f64> = recording
            .settings
            .timeline
            .iter()
            .filter(|e| skipped(e))
            .map(|e| e.at_s)
            .collect();
        // With the captions that tell of them (as the run skipped them).
        let tied = |e: &TimelineEvent| {
            matches!(e.change, Change::Caption(_))
                && skipped_at
                    .iter()
                    .any(|s| e.at_s >= *s && e.at_s - s <= crate::sim::CAPTION_TIE_S)
        };
        recording
            .settings
            .timeline
            .retain(|e| !skipped(e) && !tied(e));
        for (to, ev) in &self.recorded {
            let timeline = match to {
                Recorded::Scene => &mut recording.settings.timeline,
                Recorded::Twin(k) => match recording.variants.get_mut(*k) {
                    Some(v) => &mut v.timeline,
                    None => continue,
                },
            };
            timeline.push(ev.clone());
        }
        // Stable: a live change at the time of a scripted one stays after
        // it, as it happened.
        recording
            .settings
            .timeline
            .sort_by(|a, b| a.at_s.total_cmp(&b.at_s));
        for v in &mut recording.variants {
            v.timeline.sort_by(|a, b| a.at_s.total_cmp(&b.at_s));
        }
        recording
    }

    /// Replaces the scene (file and edits); returns what the new run is
    /// built from. It compares twins when the scene says so.
    pub fn load(&mut self, scenario: Scenario) -> &Scenario {
        self.compare = scenario.view.compare;
        self.file = scenario.clone();
        self.edited = scenario;
        self.start_run(self.file.clone())
    }

    /// A new run from the edited scene: the presenter's knob tweaks kept,
    /// but the modes the scene itself starts in (the file's), so a demo
    /// run again starts as the scene starts.
    pub fn restart(&mut self) -> &Scenario {
        let mut base = self.edited.clone();
        scene_modes(&mut base, &self.file);
        self.start_run(base)
    }

    /// A new run from the edited scene, comparing twins or solo.
    pub fn restart_as(&mut self, compare: bool) -> &Scenario {
        self.compare = compare;
        self.restart()
    }

    /// Puts back a document as it was: `file` as the scene on disk,
    /// `edited` as the user's edits (Undo of Reset to file, a recovery
    /// file, a restart after the host stopped). A new run from the edits,
    /// as Restart makes it (the scene's own starting modes); it compares
    /// twins when the edited scene says so.
    pub fn restore(&mut self, file: Scenario, edited: Scenario) -> &Scenario {
        self.compare = edited.view.compare;
        self.file = file;
        self.edited = edited;
        self.restart()
    }

    /// The scene as loaded or last saved.
    pub fn file(&self) -> &Scenario {
        &self.file
    }

    /// Discards the tweaks; a new run from the file.
    pub fn reset_to_file(&mut self) -> &Scenario {
        self.edited = self.file.clone();
        self.start_run(self.file.clone())
    }

    fn start_run(&mut self, base: Scenario) -> &Scenario {
        self.run_base = base;
        self.recorded.clear();
        self.revision += 1;
        &self.run_base
    }

    /// Records a live change the run accepted at sim time `at_s` (s) for
    /// `target`, and applies it to the edited scene. The change is
    /// recorded even if the edited scene refuses it (the run did take it);
    /// the refusal is returned for the status line.
    pub fn record(&mut self, at_s: f64, change: Change, target: Target) -> Result<(), String> {
        let ev = TimelineEvent {
            mode: None,
            at_s,
            change: change.clone(),
        };
        if !self.compare {
            self.recorded.push((Recorded::Scene, ev));
        } else {
            let twins = self.run_base.twin_variants().len();
            for k in 0..twins {
                if target == Target::All || target == Target::Twin(k) {
                    self.recorded.push((Recorded::Twin(k), ev.clone()));
                }
            }
        }
        self.revision += 1;
        self.edit(&change, target)
    }

    /// Applies a live change to the edited scene, so Restart rebuilds the
    /// world as it now is. Solo, or a change for every twin: the scene's
    /// settings (a mode switch for every twin goes to each variant, as the
    /// scene's own mode is overridden by them). For one twin: its variant.
    fn edit(&mut self, change: &Change, target: Target) -> Result<(), String> {
        let per_twin =
            self.compare && (target != Target::All || matches!(change, Change::SetMode { .. }));
        if !per_twin {
            change
                .apply_to(&mut self.edited.settings)
                .map_err(|e| e.to_string())?;
            // A variant setting the same knob would undo it on restart.
            for v in &mut self.edited.variants {
                v.changes.retain(|c| !supersedes(change, c));
            }
            return Ok(());
        }
        if change.is_outage() || matches!(change, Change::Caption(_)) {
            // Events of a run, not settings: nothing to keep.
            return Ok(());
        }
        if self.edited.variants.is_empty() {
            self.edited.variants = self.edited.twin_variants();
        }
        for (k, v) in self.edited.variants.iter_mut().enumerate() {
            if target == Target::All || target == Target::Twin(k) {
                v.changes.retain(|c| !supersedes(change, c));
                v.changes.push(change.clone());
            }
        }
        Ok(())
    }

    /// Edits the scene's scripted events (the Timeline panel). The run
    /// goes on as it started; the edit plays from the next Restart or
    /// seek. On error nothing changes.
    pub fn edit_timeline(&mut self, edit: &super::story::TimelineEdit) -> Result<(), String> {
        edit.apply(&mut self.edited)?;
        self.revision += 1;
        Ok(())
    }

    /// Replaces the lesson and watch texts of the edited scene. A lesson
    /// taken out takes its one-sentence form with it.
    pub fn edit_texts(&mut self, lesson: String, watch: String) {
        if lesson.trim().is_empty() {
            self.edited.lesson_short.clear();
        }
        self.edited.lesson = lesson;
        self.edited.watch = watch;
        self.revision += 1;
    }

    /// True when the edited scene's scripted events differ from the ones
    /// the current run was built with (they play from the next Restart or
    /// seek).
    pub fn script_pending(&self) -> bool {
        !super::story::same_script(&self.run_base, &self.edited)
    }

    /// A seek replays this run with the edited scripted events: the run's
    /// base takes them (its settings and live changes stay), so the
    /// recording replays what the seek runs.
    pub fn adopt_script(&mut self) {
        if self.script_pending() {
            super::story::copy_script(&self.edited, &mut self.run_base);
            self.revision += 1;
        }
    }

    /// The edited scene was saved: it is now the file.
    pub fn mark_saved(&mut self) {
        self.file = self.edited.clone();
        self.revision += 1;
    }
}

/// True when `newer` sets what `older` set, so `older` can go: the same
/// knob, the same endpoint's mode (or every endpoint's), the scheduling,
/// the retry policy.
/// Gives `base` the modes `file` starts in: each endpoint's mode by name,
/// and each variant's own mode switches (by variant name), so per-twin
/// flips made live do not outlive the run either.
fn scene_modes(base: &mut Scenario, file: &Scenario) {
    for e in &mut base.settings.endpoints {
        if let Some(f) = file.settings.endpoints.iter().find(|f| f.name == e.name) {
            e.mode = f.mode;
        }
    }
    if base.variants.is_empty() {
        return;
    }
    let file_variants = file.twin_variants();
    for v in &mut base.variants {
        v.changes.retain(|c| !matches!(c, Change::SetMode { .. }));
        if let Some(f) = file_variants.iter().find(|f| f.name == v.name) {
            let modes = f
                .changes
                .iter()
                .filter(|c| matches!(c, Change::SetMode { .. }))
                .cloned();
            v.changes.extend(modes);
        }
    }
}

/// True when `newer`, applied to a variant, makes its `older` change moot.
/// Unlike [`Change::same_setting`] (which asks whether two changes touch a
/// common setting), a mode switch for one endpoint does not supersede one
/// for all endpoints: the others keep it.
fn supersedes(newer: &Change, older: &Change) -> bool {
    match (newer, older) {
        (Change::Set { path: a, .. }, Change::Set { path: b, .. }) => a == b,
        (Change::SetMode { endpoint: a, .. }, Change::SetMode { endpoint: b, .. }) => {
            a.is_none() || a == b
        }
        (Change::SetScheduling(_), Change::SetScheduling(_))
        | (Change::SetRetry(_), Change::SetRetry(_)) => true,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Mode;

    fn connections(n: f64) -> Change {
        Change::Set {
            path: "database.connections".into(),
            value: n,
        }
    }

    #[test]
    fn comparing_a_change_is_recorded_in_each_twin_it_went_to() {
        let mut doc = Document::new(Scenario::default());
        doc.restart_as(true);
        doc.record(2.0, connections(9.0), Target::Twin(1))
            .expect("edited");
        doc.record(3.0, connections(7.0), Target::All)
            .expect("edited");
        let rec = doc.recording();
        assert!(rec.view.compare);
        assert!(rec.settings.timeline.is_empty());
        let names: Vec<&str> = rec.variants.iter().map(|v| v.name.as_str()).collect();
        assert_eq!(names, ["sync", "async"], "the default pair, written out");
        assert_eq!(rec.variants[0].timeline.len(), 1);
        assert_eq!(rec.variants[1].timeline.len(), 2);
        assert_eq!(rec.variants[1].timeline[0].at_s, 2.0);
        // Restart rebuilds the world as it now is: 7 everywhere.
        assert_eq!(doc.edited().settings.database.connections, 7);
        assert!(
            doc.edited().variants[1]
                .changes
                .iter()
                .all(|c| !matches!(c, Change::Set { .. }))
        );
    }

    #[test]
    fn a_mode_switch_for_one_twin_lands_in_its_variant() {
        let mut doc = Document::new(Scenario::default());
        doc.restart_as(true);
        let to_sync = Change::SetMode {
            endpoint: None,
            mode: Mode::Sync,
        };
        doc.record(1.0, to_sync.clone(), Target::Twin(1))
            .expect("edited");
        let v = &doc.edited().variants[1];
        assert_eq!(v.changes, [to_sync], "the older switch replaced");
        assert!(doc.dirty());
        let solo = Document::new(Scenario::default()).recording();
        assert!(!solo.view.compare && solo.variants.is_empty());
        let mut opens_comparing = Scenario::default();
        opens_comparing.view.compare = true;
        let mut doc = Document::new(opens_comparing);
        doc.restart_as(false);
        assert!(!doc.recording().view.compare, "recorded solo, replays solo");
    }
}
