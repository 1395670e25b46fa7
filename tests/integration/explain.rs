//! Issue 11, "explain it on screen": the traces of sampled actions tile
//! what the metrics measured; the capacity formulas predict the throughput
//! of a saturated bottleneck; the sweep lands on Erlang C and finds sync
//! needing more capacity than async on Black Friday.

mod capacity;
mod cli;
mod sweep;
mod traces;
mod views;

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

/// The sweep engine and the sentences serve the app and the CLI alike:
/// neither knows about the app, the host, the CLI or egui.
#[test]
fn sweep_and_explain_sit_below_app_and_cli() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = vec![root.join("explain.rs")];
    for entry in std::fs::read_dir(root.join("sweep"))
        .expect("src/sweep")
        .flatten()
    {
        files.push(entry.path());
    }
    for f in files {
        let text = std::fs::read_to_string(&f).expect("readable");
        for line in text.lines() {
            let code = line.split("//").next().unwrap_or("");
            for word in [
                "crate::app",
                "crate::host",
                "crate::cli",
                "egui",
                "eframe",
                "tokio",
            ] {
                assert!(!code.contains(word), "{}: {line}", f.display());
            }
        }
    }
}
