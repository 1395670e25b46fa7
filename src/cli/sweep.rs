//! `asynclab sweep`: the load curve on the command line (a knob over a
//! grid, sync and async, on all cores), and with `--cheapest` the
//! cheapest capacity that meets the scene's SLA targets.

use super::args::SweepArgs;
use super::simulate::Update;
use super::{Progress, load, load_scene, report};
use crate::scenario::{Mode, Output, Scenario, knobs, validate};
use crate::sweep::{self, CheapestSpec, Knob, Spec};
use anyhow::{Context, bail};
use std::io::{IsTerminal, Write};
use std::sync::atomic::AtomicBool;

/// Most grid values (and seeds) a sweep takes: beyond, it is a mistake.
const MAX_STEPS: usize = 1_000;
const MAX_SEEDS: usize = 100;

/// Runs `asynclab sweep`.
pub(super) fn sweep_command(args: &SweepArgs) -> anyhow::Result<()> {
    let mut s = load_scene(&args.scene)?;
    load::apply_sets(&mut s, &args.set)?;
    check(args)?;
    let knob = knob(args, &s)?;
    let name = args.scene.display().to_string();
    if args.cheapest {
        cheapest(args, &s, knob, &name)
    } else {
        grid(args, &s, knob, &name)
    }
}

fn check(args: &SweepArgs) -> anyhow::Result<()> {
    if let Some(d) = args.duration
        && !(d.is_finite() && d > 0.0 && d <= validate::MAX_DURATION_S)
    {
        bail!(
            "--duration {d}: must be > 0 and ≤ {} s",
            validate::MAX_DURATION_S
        );
    }
    if !(1..=MAX_SEEDS).contains(&args.seeds) {
        bail!("--seeds {}: must be between 1 and {MAX_SEEDS}", args.seeds);
    }
    if !(1..=MAX_STEPS).contains(&args.steps) {
        bail!("--steps {}: must be between 1 and {MAX_STEPS}", args.steps);
    }
    Ok(())
}

fn knob(args: &SweepArgs, s: &Scenario) -> anyhow::Result<Knob> {
    match (&args.knob, args.db_and_workers) {
        (Some(path), _) => {
            knobs::knob(&s.settings, path).with_context(|| format!("--knob {path}"))?;
            Ok(Knob::Path(path.clone()))
        }
        (None, true) => Ok(Knob::DbAndWorkers),
        (None, false) => bail!("give --knob PATH (see `asynclab knobs FILE`) or --db-and-workers"),
    }
}

/// A progress bar on stderr fed by the sweep's progress.
fn bar() -> (Progress, impl FnMut(&mut Progress, sweep::Progress)) {
    let bar = Progress::new(std::io::stderr().is_terminal());
    (bar, |bar: &mut Progress, p: sweep::Progress| {
        bar.show(Update {
            fraction: p.fraction(),
            t_s: p.sim_s_done,
            events: p.events,
        })
    })
}

fn grid(args: &SweepArgs, s: &Scenario, knob: Knob, name: &str) -> anyhow::Result<()> {
    let (Some(from), Some(to)) = (args.from, args.to) else {
        bail!("a sweep needs --from A and --to B (or --cheapest to search)");
    };
    for (flag, v) in [("--from", from), ("--to", to)] {
        if !v.is_finite() {
            bail!("{flag} {v}: must be a finite number");
        }
    }
    let integer = knob.integer(&s.settings);
    let values = sweep::grid(from, to, args.steps, integer);
    if values.len() < args.steps {
        // Whole-number knob: several steps round to the same value.
        let shown: Vec<String> = values.iter().map(|v| v.to_string()).collect();
        eprintln!(
            "note: --from {from} --to {to} --steps {} on a whole-number knob gives {} distinct value{}: {}",
            args.steps,
            values.len(),
            if values.len() == 1 { "" } else { "s" },
            shown.join(", ")
        );
    }
    // The output path is checked before the sweep runs: a directory or a
    // missing folder fails at once, not after every run.
    let out = match &args.csv {
        Some(path) => {
            Some(Output::create(path).with_context(|| format!("writing CSV {}", path.display()))?)
        }
        None => None,
    };
    let spec = Spec {
        values,
        knob,
        modes: vec![Mode::Sync, Mode::Async],
        seeds: sweep::seeds(s.settings.seed, args.seeds),
        duration_s: args.duration,
        threads: args.threads,
    };
    let (mut bar, mut show) = bar();
    let cancel = AtomicBool::new(false);
    let result = sweep::run_sweep(s, &spec, |p| show(&mut bar, p), &cancel);
    bar.finish();
    let sw = result?;
    if let (Some(path), Some(mut out)) = (&args.csv, out) {
        out.write_all(report::sweep_csv(&sw, &s.settings).as_bytes())
            .and_then(|()| out.commit())
            .with_context(|| format!("writing CSV {}", path.display()))?;
    }
    if args.json {
        let v = report::sweep_json(&sw, &s.settings, name);
        println!(
            "{}",
            serde_json::to_string_pretty(&v).context("encoding JSON")?
        );
    } else {
        print!("{}", report::sweep_text(&sw, &s.settings));
    }
    Ok(())
}

fn cheapest(args: &SweepArgs, s: &Scenario, knob: Knob, name: &str) -> anyhow::Result<()> {
    if args.csv.is_some() {
        bail!("--csv writes a sweep's points; --cheapest prints its answer (use --json)");
    }
    let label = knob.label();
    let spec = CheapestSpec {
        knob,
        from: args.from,
        to: args.to,
        modes: vec![Mode::Sync, Mode::Async],
        seeds: sweep::seeds(s.settings.seed, args.seeds),
        duration_s: args.duration,
        threads: args.threads,
        tolerance: 0.01,
    };
    let (mut bar, mut show) = bar();
    let cancel = AtomicBool::new(false);
    let result = sweep::cheapest(s, &spec, |p| show(&mut bar, p), &cancel);
    bar.finish();
    let found = result?;
    if args.json {
        let v = report::cheapest_json(name, &s.title, &label, &found);
        println!(
            "{}",
            serde_json::to_string_pretty(&v).context("encoding JSON")?
        );
    } else {
        print!(
            "{}",
            report::cheapest_text(&s.title, &label, &found, &s.settings)
        );
    }
    Ok(())
}
