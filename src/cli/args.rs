//! What clap parses: the command line's shape and its help text. Nothing
//! here runs anything; `cli::run` does.

use std::path::PathBuf;

/// AsyncLab: see why going asynchronous rescues a system under load.
///
/// Without a subcommand the app opens (with FILE if given). The
/// subcommands run headless, for tests, benchmarks and trainers preparing
/// numbers.
#[derive(clap::Parser, Debug)]
#[command(name = "asynclab", version, about, long_about)]
pub struct Cli {
    /// Scene file to open in the app (default: the built-in default scene).
    pub file: Option<PathBuf>,
    /// The one-minute demo in one action: open the app on SCENE (a scene
    /// file or a built-in scene's file name) with its twins side by side,
    /// in presentation mode with plain words for the room, playing.
    #[arg(long, value_name = "SCENE", conflicts_with = "file")]
    pub present: Option<PathBuf>,
    /// UI scale to open the app at, percent (100 to 250; the View menu's
    /// scale, remembered like it): for a projector, with or without
    /// `--present`.
    #[arg(long, value_name = "PERCENT", value_parser = clap::value_parser!(u16).range(100..=250))]
    pub scale: Option<u16>,
    /// Headless commands (without one, the app opens).
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Headless subcommands.
#[derive(clap::Subcommand, Debug)]
pub enum Command {
    /// Run a scene headless and print a summary (or JSON), optionally a CSV
    /// time series.
    Run(RunArgs),
    /// Check scene files; exit 0 if all are valid, else print every problem.
    Validate {
        /// The scene files.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// List the built-in scenes.
    Scenes,
    /// List a scene's knobs (paths for `--set`), with units, ranges and help.
    Knobs {
        /// A scene file or a built-in scene's file name.
        file: PathBuf,
    },
    /// Run a scene headless and write a self-contained HTML hand-out: the
    /// lesson, the plots, the summary table and both ledgers.
    Report(ReportArgs),
    /// The load curve: run a knob over a grid in sync and in async (on all
    /// cores) and print a table; or, with --cheapest, find the cheapest
    /// capacity that meets the scene's SLA targets.
    Sweep(SweepArgs),
}

/// Arguments of `asynclab report`.
#[derive(clap::Args, Debug)]
pub struct ReportArgs {
    /// A scene file, or a built-in scene's file name (see `asynclab scenes`).
    pub scene: PathBuf,
    /// The HTML file to write (replaced atomically; `-` for standard output).
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// The scene's twins side by side (its variants, or all sync against
    /// all async): the difference in words, each twin's plots on one y
    /// scale, the summary and both ledgers in columns.
    #[arg(long)]
    pub compare: bool,
    /// Plain words for the room: "95% of users waited at most" for p95
    /// wait, "retrying" for in backoff, "lost (dead letters)" for
    /// dead-lettered; a closing table gives the engineer's terms.
    #[arg(long)]
    pub plain: bool,
}

/// Arguments of `asynclab sweep`.
#[derive(clap::Args, Debug)]
pub struct SweepArgs {
    /// A scene file, or a built-in scene's file name.
    pub scene: PathBuf,
    /// The knob to move, e.g. `clients[0].rate_per_s` (see `asynclab knobs`).
    #[arg(long, value_name = "PATH")]
    pub knob: Option<String>,
    /// Move database connections and queue workers together (with
    /// --cheapest, as the Black Friday claim does).
    #[arg(long, conflicts_with = "knob")]
    pub db_and_workers: bool,
    /// First value of the grid (with --cheapest: the smallest value tried).
    #[arg(long, value_name = "A", allow_negative_numbers = true)]
    pub from: Option<f64>,
    /// Last value of the grid (with --cheapest: the largest value tried).
    #[arg(long, value_name = "B", allow_negative_numbers = true)]
    pub to: Option<f64>,
    /// Values in the grid, evenly spaced from A to B.
    #[arg(long, value_name = "N", default_value_t = 10)]
    pub steps: usize,
    /// Seconds of sim time per run (default: the scene's `duration_s`).
    #[arg(long, value_name = "S", allow_negative_numbers = true)]
    pub duration: Option<f64>,
    /// Seeds per point (the scene's seed, +1, …): percentiles pool them
    /// and the table shows their spread.
    #[arg(long, value_name = "K", default_value_t = 1)]
    pub seeds: usize,
    /// Find the cheapest value of the knob that meets the SLA targets in
    /// sync and in async, by bisection.
    #[arg(long)]
    pub cheapest: bool,
    /// Change a knob before the sweep (repeatable), as for `run`.
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub set: Vec<String>,
    /// Worker threads (default: all cores).
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub threads: usize,
    /// Write one CSV row per point to this file (`-` for standard output).
    #[arg(long, value_name = "FILE")]
    pub csv: Option<PathBuf>,
    /// Print one JSON object instead of the table.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `asynclab run`.
#[derive(clap::Args, Debug)]
pub struct RunArgs {
    /// A scene file, or a built-in scene's file name (see `asynclab scenes`).
    pub scene: PathBuf,
    /// Seconds of sim time to run (default: the scene's `duration_s`).
    #[arg(long, value_name = "S", allow_negative_numbers = true)]
    pub duration: Option<f64>,
    /// Run seed (default: the scene's `seed`).
    #[arg(long, value_name = "N")]
    pub seed: Option<u64>,
    /// Change a knob before the run, e.g. `--set database.connections=20`
    /// (repeatable; see `asynclab knobs FILE`).
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub set: Vec<String>,
    /// Write the per-window time series to this CSV file.
    #[arg(long, value_name = "FILE")]
    pub csv: Option<PathBuf>,
    /// Print one JSON object instead of the summary table.
    #[arg(long)]
    pub json: bool,
    /// Check the scene's goal (exercises have one) when the run ends: print
    /// what passed and failed, by how much; exit status 2 when not met.
    #[arg(long)]
    pub check: bool,
    /// With --check: print the goal's hint too.
    #[arg(long, requires = "check")]
    pub hint: bool,
    /// Run the scene's twins side by side (its variants, or all sync
    /// against all async), a thread each, and print them in columns with
    /// the difference in words; `--json` gives a `twins` array, `--csv` a
    /// `twin` column. (An exercise's goal is checked on one run: not with
    /// `--check`.)
    #[arg(long, conflicts_with = "check")]
    pub compare: bool,
}
