//! The shape of the codebase, enforced: data flows app → host → sim with
//! `scenario` as the file format beside them, and no import runs back up.

use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    for entry in entries.flatten() {
        let p = entry.path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

/// Every `src/` file under `module` whose code names one of `forbidden`.
fn offenders(module: &str, forbidden: &[&str]) -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    let dir = root.join(module);
    if dir.is_dir() {
        rust_files(&dir, &mut files);
    }
    let file = root.join(format!("{module}.rs"));
    if file.is_file() {
        files.push(file);
    }
    assert!(!files.is_empty(), "no source for module {module}");
    let mut bad = Vec::new();
    for f in files {
        let text = std::fs::read_to_string(&f).expect("readable source");
        for (n, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            for word in forbidden {
                if code.contains(word) {
                    bad.push(format!("{}:{}: {}", f.display(), n + 1, line.trim()));
                }
            }
        }
    }
    bad
}

#[test]
fn the_core_imports_nothing_above_it() {
    let bad = offenders(
        "sim",
        &[
            "crate::scenario",
            "crate::app",
            "crate::host",
            "crate::cli",
            "crate::words",
            "crate::fmt",
            "egui",
            "eframe",
            "tokio",
            "std::fs",
            "std::io",
            "std::thread",
            "std::time::Instant",
        ],
    );
    assert!(bad.is_empty(), "sim must stay pure:\n{}", bad.join("\n"));
}

#[test]
fn the_file_format_knows_nothing_of_the_app_host_or_cli() {
    let bad = offenders(
        "scenario",
        &["crate::app", "crate::host", "crate::cli", "egui", "tokio"],
    );
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

#[test]
fn the_host_knows_nothing_of_the_app_or_cli() {
    let bad = offenders("host", &["crate::app", "crate::cli", "egui::"]);
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

#[test]
fn the_headless_cli_does_not_use_the_app_or_host() {
    let bad = offenders("cli", &["crate::app", "crate::host", "egui", "eframe"]);
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

#[test]
fn shared_words_and_numbers_sit_below_app_and_cli() {
    for m in ["words", "fmt", "compare", "glossary"] {
        let bad = offenders(m, &["crate::app", "crate::host", "crate::cli", "egui"]);
        assert!(bad.is_empty(), "{}", bad.join("\n"));
    }
}

/// The plot catalogue and the hand-out serve app and CLI alike: neither
/// names the app, the host, the CLI or egui.
#[test]
fn the_plot_catalogue_and_the_hand_out_sit_below_app_and_cli() {
    for m in ["chart", "handout", "ticks"] {
        let bad = offenders(m, &["crate::app", "crate::host", "crate::cli", "egui"]);
        assert!(bad.is_empty(), "{}", bad.join("\n"));
    }
}

#[test]
fn the_built_in_scene_list_matches_the_scene_files() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenes");
    let mut on_disk: Vec<String> = Vec::new();
    let mut files = Vec::new();
    scene_files(&dir, "ron", &mut files);
    for f in files {
        let rel = f.strip_prefix(&dir).expect("under scenes/");
        on_disk.push(rel.to_string_lossy().replace('\\', "/"));
    }
    on_disk.sort();
    let mut built_in: Vec<String> = asynclab::scenario::BUILTIN_SCENES
        .iter()
        .map(|s| s.file.to_string())
        .collect();
    built_in.sort();
    assert_eq!(built_in, on_disk, "scenes/ and BUILTIN_SCENES differ");
    for s in asynclab::scenario::BUILTIN_SCENES {
        let text = std::fs::read_to_string(dir.join(s.file)).expect("scene file");
        assert_eq!(text, s.text, "{} differs from its built-in copy", s.file);
    }
}

fn scene_files(dir: &Path, ext: &str, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("readable dir").flatten() {
        let p = entry.path();
        if p.is_dir() {
            scene_files(&p, ext, out);
        } else if p.extension().is_some_and(|e| e == ext) {
            out.push(p);
        }
    }
}

/// The app's one action funnel: its host is read-only to everything
/// outside (`AsyncLabApp::host` gives a snapshot, no `send`), so tests and
/// benchmarks command it the way the panels do, through
/// `AsyncLabApp::apply`. Nothing in the sources, examples or tests reaches
/// around it.
#[test]
fn nothing_sends_to_the_apps_host_around_the_action_funnel() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for dir in ["src", "examples", "tests"] {
        rust_files(&root.join(dir), &mut files);
    }
    // Spelled in two pieces so this file does not name them itself.
    let around = [format!("host(){}", ".send("), format!("host{}", "_mut()")];
    let mut found = Vec::new();
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        for (n, line) in text.lines().enumerate() {
            if around.iter().any(|a| line.contains(a.as_str())) {
                found.push(format!("{}:{}: {}", f.display(), n + 1, line.trim()));
            }
        }
    }
    assert!(found.is_empty(), "around the funnel:\n{}", found.join("\n"));
}
