//! The scene file's versions and how older ones are read.
//!
//! The growth policy:
//! - `version` goes up whenever fields are added (or a meaning changes);
//! - every earlier version keeps loading: it is read into the current
//!   layout (new fields take their defaults) and [`migrate`] brings any
//!   changed meaning up to date;
//! - files are always written in [`FORMAT_VERSION`];
//! - unknown fields are refused (`deny_unknown_fields`), so a typo is an
//!   error with its line and column, never silently ignored.
//!
//! A test loads a version-1 copy of every shipped scene and round-trips it.

use super::model::{DisabledEvent, Goal, Scenario, Variant, View};
use asynclab_core::config::{
    Browser, Client, Cost, Database, Dependency, Endpoint, Limits, Network, Queue, Server,
    Settings, Sla, TimelineEvent,
};
use serde::{Deserialize, Serialize};

/// The file format version this build writes.
///
/// - 1: the first format.
/// - 2: adds `limits` (the simulation's bound on work in flight).
/// - 3: adds `variants` (twins), `view` (starting speed, plot span, key
///   plots) and `goal` (exercises).
/// - 4: adds `variants[].timeline` (a twin's own scripted changes: live
///   changes recorded for one twin, whose mode switches apply) and
///   `view.compare` (the scene opens comparing its twins). A version-3
///   file has neither, and reads as before.
/// - 5: adds `disabled_timeline` (scripted events switched off in the
///   app's Timeline panel, kept but never applied). A version-4 file has
///   none, and reads as before.
/// - 6: adds `view.cues` (the scene's directions for the live clock: slow
///   through a stretch, pause at a moment with a caption), a caption's
///   `mode` (`timeline[].mode`, `disabled_timeline[].mode`: the mode it
///   describes; left out while no endpoint is in it) and `lesson_short`
///   (the lesson in one sentence, for presentation mode). It also adds
///   the parts of your own system: `dependencies` (named pools of slots
///   besides the database, with a latency, failures, a call timeout, a
///   rate limit and a price per slot), an endpoint's `steps` (`Cpu`,
///   `Call`, `Read`, `Cache`, `Write`; none means `[Cpu, Write]`) and
///   `ack_after` (how many steps run before an async endpoint's job is
///   enqueued; default 1), and `server.model` (`Threads`, or
///   `NonBlocking` with an in-flight cap per instance), and the timeline
///   changes `DependencyOutage(name, kind)` and `DependencyOutageEnd(name)`
///   (an outage of one dependency). An older file has
///   none of them, and plays and shows as before.
pub const FORMAT_VERSION: u32 = 6;

/// Oldest version this build reads.
pub const OLDEST_VERSION: u32 = 1;

/// The file's layout: every field flat at the top level, as people write
/// it. Converted to and from [`Scenario`] on load and save.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SceneFile {
    /// File format version.
    pub version: u32,
    /// See [`Scenario::title`].
    pub title: String,
    /// See [`Scenario::lesson`].
    pub lesson: String,
    /// See [`Scenario::watch`].
    pub watch: String,
    /// See [`Scenario::lesson_short`] (version 6); not written when empty.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub lesson_short: String,
    /// Run seed.
    pub seed: u64,
    /// See [`Scenario::duration_s`].
    pub duration_s: f64,
    /// Metrics window, s.
    pub window_s: f64,
    /// Trailing percentile span, s.
    pub percentile_window_s: f64,
    /// Tenants.
    pub clients: Vec<Client>,
    /// Operations.
    pub endpoints: Vec<Endpoint>,
    /// Network.
    pub network: Network,
    /// Users.
    pub browser: Browser,
    /// Web tier.
    pub server: Server,
    /// Database.
    pub database: Database,
    /// Broker and workers.
    pub queue: Queue,
    /// Targets.
    pub sla: Sla,
    /// Prices.
    pub cost: Cost,
    /// Scripted changes.
    pub timeline: Vec<TimelineEvent>,
    /// Simulation bounds (version 2).
    pub limits: Limits,
    /// Twins (version 3; their own timelines: version 4).
    pub variants: Vec<Variant>,
    /// How the app shows the scene (version 3).
    pub view: View,
    /// An exercise's goal (version 3).
    pub goal: Option<Goal>,
    /// Scripted events switched off (version 5); not written when none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub disabled_timeline: Vec<DisabledEvent>,
    /// Dependencies besides the database (version 6); not written when
    /// none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub dependencies: Vec<Dependency>,
}

impl Default for SceneFile {
    fn default() -> Self {
        Scenario::default().into()
    }
}

impl From<Scenario> for SceneFile {
    fn from(s: Scenario) -> SceneFile {
        let Settings {
            seed,
            window_s,
            percentile_window_s,
            clients,
            endpoints,
            network,
            browser,
            server,
            database,
            queue,
            sla,
            cost,
            timeline,
            limits,
            dependencies,
        } = s.settings;
        SceneFile {
            version: FORMAT_VERSION,
            variants: s.variants,
            view: s.view,
            goal: s.goal,
            disabled_timeline: s.disabled,
            title: s.title,
            lesson: s.lesson,
            watch: s.watch,
            lesson_short: s.lesson_short,
            seed,
            duration_s: s.duration_s,
            window_s,
            percentile_window_s,
            clients,
            endpoints,
            network,
            browser,
            server,
            database,
            queue,
            sla,
            cost,
            timeline,
            limits,
            dependencies,
        }
    }
}

impl TryFrom<SceneFile> for Scenario {
    type Error = String;
    fn try_from(f: SceneFile) -> Result<Scenario, String> {
        migrate(f)
    }
}

/// The file's fields in the scene's layout (no version checks).
fn into_scenario(f: SceneFile) -> Scenario {
    {
        Scenario {
            variants: f.variants,
            view: f.view,
            goal: f.goal,
            disabled: f.disabled_timeline,
            title: f.title,
            lesson: f.lesson,
            watch: f.watch,
            lesson_short: f.lesson_short,
            duration_s: f.duration_s,
            settings: Settings {
                seed: f.seed,
                window_s: f.window_s,
                percentile_window_s: f.percentile_window_s,
                clients: f.clients,
                endpoints: f.endpoints,
                network: f.network,
                browser: f.browser,
                server: f.server,
                database: f.database,
                queue: f.queue,
                sla: f.sla,
                cost: f.cost,
                timeline: f.timeline,
                limits: f.limits,
                dependencies: f.dependencies,
            },
        }
    }
}

/// Brings a file of an older version up to the current meaning. Versions
/// that only added fields need nothing here: serde gave the new fields
/// their defaults.
pub fn migrate(file: SceneFile) -> Result<Scenario, String> {
    if !(OLDEST_VERSION..=FORMAT_VERSION).contains(&file.version) {
        return Err(format!(
            "must be between {OLDEST_VERSION} and {FORMAT_VERSION} (this build reads versions {OLDEST_VERSION} to {FORMAT_VERSION}; a newer file needs a newer AsyncLab)"
        ));
    }
    Ok(into_scenario(file))
}
