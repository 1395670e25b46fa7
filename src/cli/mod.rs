//! The headless command line: `asynclab run`, `validate`, `scenes`,
//! `knobs`, `report`, `sweep`.
//!
//! This is the edge where user input meets the simulator, so every error is
//! an `anyhow` error that names the file or argument it came from, and
//! nothing here panics on bad input.
//!
//! ```text
//!  args      what clap parses (Cli, Command, RunArgs)
//!  load      a scene from disk or the built-ins, then --duration/--seed/--set
//!  simulate  the one headless run path: a solo run or the twins
//!            (`--compare`), a thread each, windows merged in order
//!  sweep     `asynclab sweep`: the load curve, the cheapest capacity
//!  report    what a run printed and wrote: summary text, JSON, CSV (no clap)
//!  lists     the text of `scenes` and `knobs`
//!  check     `run --check`: an exercise's goal, checked at the end
//!  handout   `asynclab report`: the HTML hand-out
//! ```

mod args;
mod check;
mod handout;
mod lists;
mod load;
mod progress;
pub mod report;
pub mod simulate;
mod sweep;

pub use args::{Cli, Command, ReportArgs, RunArgs, SweepArgs};
pub use load::load_scene;
pub use progress::Progress;

use crate::scenario::{Output, Scenario};
use anyhow::{Context, bail};
use std::io::{BufWriter, IsTerminal, Write};
use std::path::PathBuf;

/// Exit status of `run --check` when the goal is not met (1 is an error).
pub const EXIT_GOAL_NOT_MET: i32 = 2;

/// Exit status of a mistyped command line (an unknown option, a missing
/// or malformed argument): distinct from an error (1) and from a goal not
/// met (2), so a script checking an answer tells a typo from a failed
/// exercise. It is `EX_USAGE` of sysexits.h.
pub const EXIT_USAGE: i32 = 64;

/// Prints a command-line parse error and exits: `--help` and `--version`
/// with status 0, a usage error with [`EXIT_USAGE`].
pub fn usage_error(e: &clap::Error) -> ! {
    let _ = e.print();
    std::process::exit(if e.use_stderr() { EXIT_USAGE } else { 0 })
}

/// How a command that did not fail ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Ended {
    /// Exit status 0.
    Fine,
    /// `run --check` ran, and the goal was not met.
    GoalNotMet,
}

/// Runs a headless subcommand. On failure it prints the error chain on one
/// readable line block (no backtrace, whatever `RUST_BACKTRACE` says: this is
/// for users, not a crash) and exits with status 1; a goal checked and not
/// met exits with [`EXIT_GOAL_NOT_MET`].
pub fn run(cmd: Command) -> anyhow::Result<()> {
    match run_command(cmd) {
        Ok(Ended::Fine) => Ok(()),
        Ok(Ended::GoalNotMet) => std::process::exit(EXIT_GOAL_NOT_MET),
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::exit(1);
        }
    }
}

fn run_command(cmd: Command) -> anyhow::Result<Ended> {
    let fine = |r: anyhow::Result<()>| r.map(|()| Ended::Fine);
    match cmd {
        Command::Run(args) => run_scene(&args),
        Command::Report(args) => fine(handout::write(&args)),
        Command::Validate { files } => fine(validate_files(&files)),
        Command::Scenes => {
            print!("{}", lists::scenes_text());
            Ok(Ended::Fine)
        }
        Command::Knobs { file } => {
            let s = load_scene(&file)?;
            print!("{}", lists::knobs_text(&s));
            Ok(Ended::Fine)
        }
        Command::Sweep(args) => fine(sweep::sweep_command(&args)),
    }
}

/// `asynclab run`: load, override, simulate (streaming the CSV, if asked,
/// as windows close), then print the summary or the JSON. Unbalanced
/// ledgers fail the command after the report is out, so the numbers behind
/// the failure are visible. With `--check`, the goal's report follows.
fn run_scene(args: &RunArgs) -> anyhow::Result<Ended> {
    let open_csv = || match &args.csv {
        Some(path) => Output::create(path)
            .map(|out| Some(BufWriter::new(out)))
            .with_context(|| format!("writing CSV {}", path.display())),
        None => Ok(None),
    };
    let out = run_to(args, open_csv)?;
    if let (Some(w), Some(path)) = (out.csv, &args.csv) {
        commit_csv(w, path)?;
    }
    if args.json {
        println!("{}", out.report);
    } else {
        print!("{}", out.report);
    }
    if let Some(bug) = out.bug {
        bail!("{bug}");
    }
    Ok(if out.goal_not_met {
        Ended::GoalNotMet
    } else {
        Ended::Fine
    })
}

/// What `asynclab run` made, before any of it is printed or put in place.
pub struct RunOutput<W> {
    /// The report: the JSON text with `--json`, else the summary text
    /// (with `--check`, the goal's report included).
    pub report: String,
    /// The CSV sink, every row written, when one was opened.
    pub csv: Option<W>,
    /// `--check` ran and the goal was not met.
    pub goal_not_met: bool,
    /// A simulator bug the run revealed (unbalanced ledgers, twins that
    /// saw different users): the command fails once the report is out.
    pub bug: Option<String>,
}

/// The whole of `asynclab run` without printing: load the scene, apply
/// the overrides, open the CSV sink (`open_csv`, after the scene loaded,
/// so a bad scene is reported first), simulate its runs (one solo; with
/// `--compare`, its twins) streaming the rows into it, and write the
/// report. One path for both: solo is the one-run case. Tests call it
/// with an in-memory sink.
pub fn run_to<W: Write>(
    args: &RunArgs,
    open_csv: impl FnOnce() -> anyhow::Result<Option<W>>,
) -> anyhow::Result<RunOutput<W>> {
    let mut s = load_scene(&args.scene)?;
    // The goal is judged against the scene as written: a shorter
    // `--duration` is an incomplete run, not an easier exercise.
    let goal = check::goal_of(&s, args)?;
    load::apply_overrides(&mut s, args)?;
    let scene_name = args.scene.display().to_string();
    let twins = if args.compare {
        crate::sim::Twins::compare(&s.settings, &s.variants)
            .with_context(|| format!("the twins of {scene_name}"))?
    } else {
        // The scene as run: its switched-off events left out.
        crate::sim::Twins::solo(crate::sim::Settings::from(&s))
    };
    let names = twins.names();
    let mut csv = match open_csv()? {
        // Comparing, each row names its twin.
        Some(out) if args.compare => Some(report::CsvWriter::new_compare(&s.settings, out)?),
        Some(out) => Some(report::CsvWriter::new(&s.settings, out)?),
        None => None,
    };
    let mut bar = Progress::new(std::io::stderr().is_terminal());
    let run = simulate::simulate(
        twins,
        &s.title,
        s.duration_s,
        csv.is_some(),
        |k, ws| match &mut csv {
            Some(w) if args.compare => w.twin_rows(&names[k], ws),
            Some(w) => w.rows(ws),
            None => Ok(()),
        },
        |u| bar.show(u),
    )
    .context("writing the CSV")?;
    bar.finish();
    let csv = csv.map(report::CsvWriter::into_inner);
    if args.compare {
        return compare_output(args, &s, &scene_name, &run, csv);
    }
    let Some(solo) = run.runs.first() else {
        bail!("the run produced no report (a simulator bug, please report it)");
    };
    let checked = goal.map(|(goal, required_s)| check::report(&goal, required_s, solo));
    let report = if args.json {
        let mut v = report::json_value(&solo.run, &solo.settings, &scene_name);
        if let Some(c) = &checked {
            check::add_to_json(&mut v, c)?;
        }
        serde_json::to_string_pretty(&v).context("encoding JSON")?
    } else {
        let mut text = report::summary_text(&solo.run, &solo.settings);
        if let Some(c) = &checked {
            text.push_str(&format!("\n{}", check::text(c, args.hint)));
        }
        text
    };
    Ok(RunOutput {
        report,
        csv,
        goal_not_met: checked.is_some_and(|c| !c.passed()),
        bug: solo
            .run
            .balance
            .as_ref()
            .err()
            .map(|e| format!("ledgers do not balance (a simulator bug, please report it): {e}")),
    })
}

/// `asynclab run --compare`'s report: the twins side by side (or as
/// JSON). As for one run, unbalanced ledgers fail the command after the
/// report is out.
fn compare_output<W>(
    args: &RunArgs,
    s: &Scenario,
    scene_name: &str,
    run: &simulate::Runs,
    csv: Option<W>,
) -> anyhow::Result<RunOutput<W>> {
    let report = if args.json {
        let v = report::compare_json(&run.runs, &s.settings, scene_name, run.same_users, run.wall);
        serde_json::to_string_pretty(&v).context("encoding JSON")?
    } else {
        report::compare_text(&run.runs, run.same_users, run.wall)
    };
    let unbalanced = run.runs.iter().find_map(|t| {
        t.run.balance.as_ref().err().map(|e| {
            format!(
                "twin `{}`: ledgers do not balance (a simulator bug, please report it): {e}",
                t.name
            )
        })
    });
    let different_users = (!run.same_users && report::limit_shed(&run.runs).is_none())
        .then(|| "the twins saw different users (a simulator bug, please report it)".to_string());
    Ok(RunOutput {
        report,
        csv,
        goal_not_met: false,
        bug: unbalanced.or(different_users),
    })
}

/// Flushes the CSV and puts it in place.
fn commit_csv(mut buffered: BufWriter<Output>, path: &std::path::Path) -> anyhow::Result<()> {
    let commit = || -> std::io::Result<()> {
        buffered.flush()?;
        buffered.into_inner().map_err(|e| e.into_error())?.commit()
    };
    commit().with_context(|| format!("writing CSV {}", path.display()))
}

/// `asynclab validate`: every file is checked and every problem printed
/// before the command fails.
fn validate_files(files: &[PathBuf]) -> anyhow::Result<()> {
    let mut bad = 0;
    for f in files {
        match Scenario::load(f) {
            Ok(_) => println!("{}: valid", f.display()),
            Err(e) => {
                bad += 1;
                // The error already names the file (and line:column or each
                // field path), so it is printed as is.
                eprintln!("{e}");
            }
        }
    }
    if bad > 0 {
        bail!("{bad} of {} file(s) invalid", files.len());
    }
    Ok(())
}
