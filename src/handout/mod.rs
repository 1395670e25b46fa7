//! The hand-out: one self-contained HTML page for attendees to take home
//! (`asynclab report SCENE --out FILE.html`): the lesson, the plots as
//! inline SVG, the summary table and both ledgers. The page names no
//! other file, script, font or address, so it opens anywhere, offline,
//! and survives being mailed around.
//!
//! Egui-free and clap-free: the caller runs the scene (streaming its
//! windows into [`Plots`]) and hands over one [`HandoutRun`] per run;
//! several runs (twins) are shown side by side.
//!
//! ```text
//!  series  the plots and their lines, folded into ≤ 600 points per line
//!  svg     one plot as SVG (plotters' SVG backend, no fonts needed)
//!  tables  the system, timeline, summary, ledgers and goal as HTML tables
//!  page    the page: sections, style, escaping
//!  plain   the page in the room's words (`--plain`)
//! ```

mod page;
mod plain;
mod series;
mod svg;
mod tables;

pub use page::page;
pub use plain::in_plain_words;
pub use series::{MAX_POINTS, Plots};
pub use svg::{time_label, value_label};

use crate::sim::{Ledgers, Settings, Summary};

/// One run as the hand-out shows it.
pub struct HandoutRun {
    /// The run's name beside its plots and columns ("" for a single run;
    /// the twin's name when comparing).
    pub name: String,
    /// Its settings at the end of the run (after scripted changes).
    pub settings: Settings,
    /// Whole-run results.
    pub summary: Summary,
    /// Both ledgers at the end.
    pub ledgers: Ledgers,
    /// Whether the ledgers balance, or what does not add up.
    pub balance: Result<(), String>,
    /// Its plots, filled from every window of the run.
    pub plots: Plots,
}
