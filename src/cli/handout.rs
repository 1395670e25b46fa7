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
    if args.compare {
        // Twins (a scene's variants run side by side) are not in this
        // build yet; the page already lays out several runs.
        bail!(
            "--compare needs twins, which this build does not have yet; leave it out for a hand-out of the scene as written"
        );
    }
    let scene = load_scene(&args.scene)?;
    let mut plots = Plots::new(&scene.settings, scene.duration_s, &scene.view.key_plots);
    let mut bar = Progress::new(std::io::stderr().is_terminal());
    let (run, sys) = simulate::simulate(
        scene.clone(),
        |ws| {
            plots.add(ws);
            Ok::<(), std::convert::Infallible>(())
        },
        |u| bar.show(u),
    )
    .map_err(|never| match never {})?;
    bar.finish();
    let runs = [HandoutRun {
        name: String::new(),
        settings: sys.settings().clone(),
        summary: run.summary,
        ledgers: run.ledgers,
        balance: run.balance,
        plots,
    }];
    let html = page(&scene, &runs).map_err(anyhow::Error::msg)?;
    let path = &args.out;
    let commit = || -> std::io::Result<()> {
        let mut out = Output::create(path)?;
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
