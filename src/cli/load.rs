//! Loading a scene for a headless command, then applying the `run`
//! command's overrides (`--duration`, `--seed`, `--set`).

use super::RunArgs;
use crate::scenario::{self, Scenario, knobs, validate};
use anyhow::{Context, bail};
use std::path::Path;

/// Loads a scene from disk or, when no such file exists, the built-in scene
/// with that file name (so `asynclab run 01-hello-sync.ron` works anywhere,
/// as `asynclab 01-hello-sync.ron` does in the app).
pub fn load_scene(arg: &Path) -> anyhow::Result<Scenario> {
    match scenario::open(arg) {
        Ok((s, _)) => Ok(s),
        Err(e) => {
            let hint = if arg.exists() {
                ""
            } else {
                "\n(not a built-in scene either: `asynclab scenes` lists them)"
            };
            Err(anyhow::anyhow!("{e}{hint}"))
        }
    }
}

/// Applies `--duration`, `--seed` and every `--set`, then re-validates the
/// whole scene (a knob in range can still break a cross-field rule).
pub(super) fn apply_overrides(s: &mut Scenario, args: &RunArgs) -> anyhow::Result<()> {
    if let Some(d) = args.duration {
        if !(d.is_finite() && d > 0.0 && d <= validate::MAX_DURATION_S) {
            bail!(
                "--duration {d}: must be > 0 and ≤ {} s",
                validate::MAX_DURATION_S
            );
        }
        s.duration_s = d;
    }
    if let Some(seed) = args.seed {
        s.settings.seed = seed;
    }
    apply_sets(s, &args.set)
}

/// Applies every `--set PATH=VALUE`, then re-validates the whole scene.
pub(super) fn apply_sets(s: &mut Scenario, sets: &[String]) -> anyhow::Result<()> {
    for arg in sets {
        set_knob(s, arg)?;
    }
    let problems = validate::validate(s);
    if !problems.is_empty() {
        let list: Vec<String> = problems.iter().map(|p| format!("  {p}")).collect();
        bail!(
            "after command-line overrides the scene is invalid:\n{}",
            list.join("\n")
        );
    }
    Ok(())
}

/// One `--set PATH=VALUE`; every error names the whole argument.
fn set_knob(s: &mut Scenario, arg: &str) -> anyhow::Result<()> {
    let (path, value) = arg
        .split_once('=')
        .with_context(|| format!("--set {arg}: expected PATH=VALUE"))?;
    let value: f64 = value
        .trim()
        .parse()
        .map_err(|_| anyhow::anyhow!("--set {arg}: `{}` is not a number", value.trim()))?;
    knobs::set(&mut s.settings, path.trim(), value).with_context(|| format!("--set {arg}"))
}
