//! The scene: a run's settings plus what a presenter reads (title, lesson,
//! watch) and how long it runs. It is written flat in the file; see
//! [`super::version`] for the format's versions.

use crate::sim::config::Settings;
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
    /// Length of a run, seconds of sim time.
    pub duration_s: f64,
    /// Everything the simulation is built from.
    pub settings: Settings,
}

impl Default for Scenario {
    fn default() -> Self {
        Scenario {
            title: "Untitled".into(),
            lesson: String::new(),
            watch: String::new(),
            duration_s: 300.0,
            settings: Settings::default(),
        }
    }
}

impl From<Scenario> for Settings {
    fn from(s: Scenario) -> Settings {
        s.settings
    }
}

impl From<&Scenario> for Settings {
    fn from(s: &Scenario) -> Settings {
        s.settings.clone()
    }
}
