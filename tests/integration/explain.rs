//! Issue 11, "explain it on screen": the traces of sampled actions tile
//! what the metrics measured; the capacity formulas predict the throughput
//! of a saturated bottleneck; the sweep lands on Erlang C and finds sync
//! needing more capacity than async on Black Friday.

mod capacity;
mod cli;
mod sweep;
mod traces;

use asynclab::scenario::{Change, Mode, Scenario, builtin};

fn scene(file: &str) -> Scenario {
    builtin(file)
        .expect("scene is built in")
        .expect("scene is valid")
}

/// Every endpoint in `mode` for the whole run (scripted switches removed).
fn hold_mode(s: &mut Scenario, mode: Mode) {
    for e in &mut s.settings.endpoints {
        e.mode = mode;
    }
    s.settings
        .timeline
        .retain(|e| !matches!(e.change, Change::SetMode { .. }));
}
