//! What a headless run reports: the summary text people read, one JSON
//! object for scripts, and the per-window CSV time series; for a
//! comparison (`--compare`), the twins side by side.
//!
//! Nothing here knows about the command line (no clap): it takes a plain
//! [`RunReport`] and the run's [`Settings`](crate::sim::Settings) and
//! returns text, so the same report can be made by anything that ran a
//! [`crate::sim::System`].

mod compare;
mod csv;
mod json;
mod summary;
mod sweep;

pub use compare::{TwinReport, compare_json, compare_text, limit_shed};
pub use csv::{Column, CsvWriter, TWIN_COLUMN, columns, csv_text, quoted};
pub use json::json_value;
pub use summary::summary_text;
pub use sweep::{cheapest_json, cheapest_text, sweep_csv, sweep_json, sweep_text};

use crate::sim::capacity::Measured;
use crate::sim::{Ledgers, Summary};
use std::time::Duration;

/// What one headless run produced.
#[derive(Clone, Debug)]
pub struct RunReport {
    /// The scene's title.
    pub title: String,
    /// The run's seed.
    pub seed: u64,
    /// Sim time asked for, s.
    pub duration_s: f64,
    /// Whole-run results.
    pub summary: Summary,
    /// Both ledgers at the end of the run.
    pub ledgers: Ledgers,
    /// Whether the ledgers balance, or what does not add up.
    pub balance: Result<(), String>,
    /// Events processed.
    pub events: u64,
    /// Wall-clock time the run took.
    pub wall: Duration,
    /// Rates and levels over the windows since the settings last changed
    /// (the whole run without a change): what the bottleneck section
    /// measures, as the app's strip measures its span.
    pub measured: Measured,
}

impl RunReport {
    /// Wall-clock time the run took, s.
    pub fn wall_s(&self) -> f64 {
        self.wall.as_secs_f64()
    }

    /// Events processed per wall-clock second (0 for a run too quick to time).
    pub fn events_per_s(&self) -> f64 {
        let wall_s = self.wall_s();
        if wall_s > 0.0 {
            self.events as f64 / wall_s
        } else {
            0.0
        }
    }
}
