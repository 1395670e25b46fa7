//! `asynclab report SCENE --out FILE.html`: runs the scene headless,
//! folding its windows into the hand-out's plots as they stream out, and
//! writes the page atomically.

use super::{Progress, ReportArgs, load_scene, simulate};
use crate::handout::{HandoutRun, Plots, page};
use crate::scenario::Output;
use anyhow::{Context, bail};
use std::io::{IsTerminal, Write};

/// Writes the hand-out of `args.scene` to `args.out`.
pub(super) fn write(args: &ReportArgs) -> anyhow::Result<()> {
    let scene = load_scene(&args.scene)?;
    let path = &args.out;
    // The output path is checked before the run: a directory or a missing
    // folder fails at once, not after minutes of simulation.
    let mut out =
        Output::create(path).with_context(|| format!("writing the hand-out {}", path.display()))?;
    let runs = runs(&scene, args.compare)?;
    let mut html = page(&scene, &runs).map_err(anyhow::Error::msg)?;
    if args.plain {
        html = crate::handout::in_plain_words(&html);
    }
    for r in &runs {
        if let Err(e) = &r.balance {
            bail!("ledgers do not balance (a simulator bug, please report it): {e}");
        }
    }
    let commit = || -> std::io::Result<()> {
        out.write_all(html.as_bytes())?;
        out.commit()
    };
    commit().with_context(|| format!("writing the hand-out {}", path.display()))?;
    if path.as_os_str() != "-" {
        eprintln!(
            "wrote {} ({})",
            path.display(),
            crate::scenario::megabytes(html.len() as u64)
        );
    }
    Ok(())
}

/// The scene's runs, each folded into its own plots: with `compare`, its
/// twins (its variants, or all sync against all async), a thread each;
/// else the scene as written, run once.
fn runs(scene: &crate::scenario::Scenario, compare: bool) -> anyhow::Result<Vec<HandoutRun>> {
    let twins = if compare {
        crate::sim::Twins::compare(&scene.settings, &scene.variants).context("the scene's twins")?
    } else {
        // The scene as run: its switched-off events left out.
        crate::sim::Twins::solo(crate::sim::Settings::from(scene))
    };
    let mut plots: Vec<Plots> = (0..twins.len())
        .map(|_| Plots::new(&scene.settings, scene.duration_s, &scene.view.key_plots))
        .collect();
    let mut bar = Progress::new(std::io::stderr().is_terminal());
    let result = simulate::simulate(
        twins,
        &scene.title,
        scene.duration_s,
        true,
        |k, ws| {
            if let Some(p) = plots.get_mut(k) {
                p.add(ws);
            }
            Ok::<(), std::convert::Infallible>(())
        },
        |u| bar.show(u),
    );
    let run = match result {
        Ok(done) => done,
        Err(never) => match never {},
    };
    bar.finish();
    Ok(run
        .runs
        .into_iter()
        .zip(plots)
        .map(|(t, plots)| HandoutRun {
            name: t.name,
            settings: t.settings,
            summary: t.run.summary,
            ledgers: t.run.ledgers,
            balance: t.run.balance,
            plots,
        })
        .collect())
}
