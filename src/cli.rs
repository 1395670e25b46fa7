//! The headless command line: `asynclab run`, `asynclab validate`, ...

use std::path::PathBuf;

/// AsyncLab: see why going asynchronous rescues a system under load.
#[derive(clap::Parser, Debug)]
#[command(name = "asynclab", version, about)]
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
    /// Check a scene file; exit 0 if valid.
    Validate {
        /// The scene file.
        file: PathBuf,
    },
}

/// Runs a headless subcommand.
pub fn run(cmd: Command) -> anyhow::Result<()> {
    match cmd {
        Command::Validate { file } => {
            asynclab_scenario_load(&file)?;
            println!("{}: valid", file.display());
            Ok(())
        }
    }
}

fn asynclab_scenario_load(file: &std::path::Path) -> anyhow::Result<crate::scenario::Scenario> {
    Ok(crate::scenario::Scenario::load(file)?)
}
