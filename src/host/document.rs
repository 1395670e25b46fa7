//! The scene document: the file as loaded or saved, the copy the user has
//! edited with live tweaks, the settings the current run was built from,
//! and the live changes of this run (for "Save Recording").
//!
//! Every edit bumps [`Document::revision`], so whoever copies the
//! document out (the host's publish) can tell cheaply whether anything
//! changed since the last copy.

use crate::scenario::{Change, Scenario, TimelineEvent};

/// The scene being shown and edited.
pub(super) struct Document {
    /// The scene as loaded or last saved.
    file: Scenario,
    /// File + user tweaks (what Save writes and Restart rebuilds from).
    edited: Scenario,
    /// What the current run was built from.
    run_base: Scenario,
    /// Live changes of this run with their sim time, in the order applied.
    recorded: Vec<TimelineEvent>,
    /// Bumped by every change to any of the above.
    revision: u64,
}

impl Document {
    /// A document on `scenario`, freshly loaded.
    pub fn new(scenario: Scenario) -> Document {
        Document {
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

    /// True when the edited scene differs from the file.
    pub fn dirty(&self) -> bool {
        self.edited != self.file
    }

    /// The run's start settings with every live change merged into its
    /// timeline by time: replays this run exactly. Builds a new scene; call
    /// it only when [`Document::revision`] moved.
    pub fn recording(&self) -> Scenario {
        let mut recording = self.run_base.clone();
        let timeline = &mut recording.settings.timeline;
        timeline.extend(self.recorded.iter().cloned());
        // Stable: a live change at the time of a scripted one stays after
        // it, as it happened.
        timeline.sort_by(|a, b| a.at_s.total_cmp(&b.at_s));
        recording
    }

    /// Replaces the scene (file and edits); returns what the new run is
    /// built from.
    pub fn load(&mut self, scenario: Scenario) -> &Scenario {
        self.file = scenario.clone();
        self.edited = scenario;
        self.start_run(self.file.clone())
    }

    /// A new run from the edited scene (live tweaks kept).
    pub fn restart(&mut self) -> &Scenario {
        self.start_run(self.edited.clone())
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

    /// Records a live change the run accepted at sim time `at_s` (s) and
    /// applies it to the edited scene. The change is recorded even if the
    /// edited scene refuses it (the run did take it); the refusal is
    /// returned for the status line.
    pub fn record(&mut self, at_s: f64, change: Change) -> Result<(), String> {
        let edited = change.apply_to(&mut self.edited.settings);
        self.recorded.push(TimelineEvent { at_s, change });
        self.revision += 1;
        edited.map(|_| ()).map_err(|e| e.to_string())
    }

    /// The edited scene was saved: it is now the file.
    pub fn mark_saved(&mut self) {
        self.file = self.edited.clone();
        self.revision += 1;
    }
}
