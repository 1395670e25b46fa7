//! The shape of the codebase, enforced: data flows app → host → sim with
//! `scenario` as the file format beside them, and no import runs back up.
//!
//! The crate graph enforces most of it: `asynclab-core` (sim) and
//! `asynclab-scenario` cannot name the app crate, nor egui or tokio unless
//! their manifests list them. What the compiler cannot see is checked
//! here: those manifests, the core's use of the standard library, and the
//! rules between modules inside the app crate.

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
    offenders_in(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        module,
        forbidden,
    )
}

/// Every file of `module` under the source folder `root` whose code names
/// one of `forbidden`.
fn offenders_in(root: &Path, module: &str, forbidden: &[&str]) -> Vec<String> {
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

/// The dependencies a crate's manifest lists (normal, dev and build, for
/// every target), by name.
fn manifest_dependencies(krate: &str) -> Vec<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("crates")
        .join(krate)
        .join("Cargo.toml");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut names = Vec::new();
    let mut in_deps = false;
    for line in text.lines().map(str::trim) {
        if line.starts_with('[') {
            in_deps = line.trim_end_matches(']').ends_with("dependencies");
            continue;
        }
        if in_deps && !line.is_empty() && !line.starts_with('#') {
            let name = line.split(['=', '.']).next().unwrap_or("").trim();
            names.push(name.to_string());
        }
    }
    names
}

/// The core's manifest lists only what a simulation needs: whatever else
/// it might want (egui, tokio, the scene format, a file or JSON library)
/// is a decision for this list, not a line slipped into its Cargo.toml.
#[test]
fn the_core_depends_only_on_what_a_simulation_needs() {
    let allowed = [
        "rand",
        "rand_distr",
        "rand_pcg",
        "serde",
        "thiserror",
        "hdrhistogram",
    ];
    let deps = manifest_dependencies("asynclab-core");
    assert!(
        deps.iter().any(|d| d == "rand"),
        "the scan reads the manifest: {deps:?}"
    );
    let extra: Vec<&String> = deps
        .iter()
        .filter(|d| !allowed.contains(&d.as_str()))
        .collect();
    assert!(extra.is_empty(), "asynclab-core depends on {extra:?}");
}

/// The scene format sits below the app and the host: no UI, no runtime.
#[test]
fn the_file_format_depends_on_no_ui_or_runtime() {
    let deps = manifest_dependencies("asynclab-scenario");
    assert!(
        deps.iter().any(|d| d == "asynclab-core"),
        "the scan reads the manifest: {deps:?}"
    );
    for d in &deps {
        assert!(
            !["egui", "eframe", "tokio", "rfd", "asynclab"].contains(&d.as_str())
                && !d.starts_with("egui"),
            "asynclab-scenario depends on {d}"
        );
    }
}

/// What the crate graph cannot forbid: the core reaching for files,
/// threads or the wall clock through the standard library.
#[test]
fn the_core_does_no_io_threads_or_wall_clock() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("crates/asynclab-core");
    let bad = offenders_in(
        &src,
        "src",
        &[
            "std::fs",
            "std::io",
            "std::net",
            "std::thread",
            "std::time::Instant",
        ],
    );
    assert!(bad.is_empty(), "sim must stay pure:\n{}", bad.join("\n"));
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
