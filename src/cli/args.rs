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
    /// Run the scene's twins side by side (its variants, or all sync
    /// against all async), a thread each, and print them in columns with
    /// the difference in words; `--json` gives a `twins` array, `--csv` a
    /// `twin` column.
    #[arg(long)]
    pub compare: bool,
}
