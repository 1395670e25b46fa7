//! AsyncLab's entry point: the GUI by default, headless subcommands for
//! tests, benchmarks and trainers preparing numbers.

use clap::Parser;

fn main() -> anyhow::Result<()> {
    let cli = asynclab::cli::Cli::parse();
    match cli.command {
        Some(cmd) => asynclab::cli::run(cmd),
        None => asynclab::app::launch(cli.file),
    }
}
