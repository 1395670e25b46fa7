//! AsyncLab's entry point: the GUI by default, headless subcommands for
//! tests, benchmarks and trainers preparing numbers.

use clap::Parser;

fn main() -> anyhow::Result<()> {
    let cli = match asynclab::cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => asynclab::cli::usage_error(&e),
    };
    match cli.command {
        Some(cmd) => asynclab::cli::run(cmd),
        None => asynclab::app::launch(asynclab::app::Startup::from_args(
            cli.file,
            cli.present,
            cli.scale,
        )),
    }
}
