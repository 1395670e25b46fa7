//! Unchanged outputs: every shipped scene's and exercise's `run --json`,
//! `run --compare --json`, `run --csv` and `run --compare --csv`, as
//! digests of their text, must equal the recorded ones
//! (tests/data/golden/digests.txt). The run's speed (`wall_s`,
//! `events_per_s`, `actions_per_s`: wall-clock measures) is left out.
//!
//! Each scene runs twice (solo and compared), through the very function
//! `asynclab run` calls, the JSON and the CSV of one run together.
//!
//! - `ASYNCLAB_BLESS_GOLDEN=1` rewrites the digests from this build (for a
//!   change meant to alter outputs; say so in the commit);
//! - `ASYNCLAB_GOLDEN_DIR=DIR` also compares the full texts with the files
//!   of DIR (`NAME.json`, `NAME.compare.json`, `NAME.csv`,
//!   `NAME.compare.csv`, as a recording of `run` writes them) and prints
//!   the first differing line of each: how the digests were checked.

use asynclab::cli::{Cli, Command, RunArgs, run_to};
use clap::Parser;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

const DIGESTS: &str = "tests/data/golden/digests.txt";

/// Keys whose values measure the machine, not the model.
const WALL_CLOCK_KEYS: [&str; 3] = ["wall_s", "events_per_s", "actions_per_s"];

/// FNV-1a, 64 bits: a stable digest of a text (no dependency, same on
/// every platform).
fn fnv1a64(text: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// A JSON text as one canonical text: parsed, wall-clock keys removed at
/// every depth, keys sorted, pretty-printed.
fn canonical_json(text: &str) -> Result<String, String> {
    fn strip(v: serde_json::Value) -> serde_json::Value {
        match v {
            serde_json::Value::Object(m) => {
                let sorted: BTreeMap<String, serde_json::Value> = m
                    .into_iter()
                    .filter(|(k, _)| !WALL_CLOCK_KEYS.contains(&k.as_str()))
                    .map(|(k, v)| (k, strip(v)))
                    .collect();
                serde_json::Value::Object(sorted.into_iter().collect())
            }
            serde_json::Value::Array(a) => {
                serde_json::Value::Array(a.into_iter().map(strip).collect())
            }
            other => other,
        }
    }
    let v: serde_json::Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
    serde_json::to_string_pretty(&strip(v)).map_err(|e| e.to_string())
}

/// Every shipped scene and exercise: (name, path as `run` is given it).
fn shipped_scenes() -> Vec<(String, PathBuf)> {
    let mut all = Vec::new();
    for dir in ["scenes", "scenes/examples", "scenes/exercises"] {
        let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
            .expect("the scenes folder")
            .map(|e| e.expect("a folder entry").path())
            .filter(|p| p.extension().is_some_and(|x| x == "ron"))
            .collect();
        files.sort();
        for f in files {
            let name = f.file_stem().expect("a name").to_string_lossy().to_string();
            all.push((name, f));
        }
    }
    all
}

fn run_args(scene: &Path, compare: bool) -> RunArgs {
    let mut argv = vec!["asynclab".to_string(), "run".to_string()];
    argv.push(scene.display().to_string());
    argv.push("--json".to_string());
    if compare {
        argv.push("--compare".to_string());
    }
    match Cli::try_parse_from(argv).expect("run's arguments").command {
        Some(Command::Run(args)) => args,
        other => panic!("not a run: {other:?}"),
    }
}

/// The four outputs of one scene, canonical: file name → text.
fn outputs(name: &str, scene: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for compare in [false, true] {
        let args = run_args(scene, compare);
        let run = run_to(&args, || Ok(Some(Vec::<u8>::new()))).expect("the scene runs");
        assert!(run.bug.is_none(), "{name}: {:?}", run.bug);
        let mid = if compare { ".compare" } else { "" };
        let json = canonical_json(&run.report).expect("run's JSON parses");
        let csv = String::from_utf8(run.csv.expect("the CSV sink")).expect("UTF-8 CSV");
        out.push((format!("{name}{mid}.json"), json));
        out.push((format!("{name}{mid}.csv"), csv));
    }
    out
}

fn recorded() -> BTreeMap<String, String> {
    let text = std::fs::read_to_string(DIGESTS).unwrap_or_default();
    text.lines()
        .filter_map(|l| l.split_once(' '))
        .map(|(k, v)| (k.to_string(), v.trim().to_string()))
        .collect()
}

/// The first line where `got` and the file `dir/file` differ (both
/// canonical), or `None` when they are equal.
fn differs_from_file(dir: &Path, file: &str, got: &str) -> Option<String> {
    let text = match std::fs::read_to_string(dir.join(file)) {
        Ok(t) => t,
        Err(e) => return Some(format!("cannot read {file}: {e}")),
    };
    let want = if file.ends_with(".json") {
        match canonical_json(&text) {
            Ok(t) => t,
            Err(e) => return Some(format!("{file} is not JSON: {e}")),
        }
    } else {
        text
    };
    if want == got {
        return None;
    }
    let (mut w, mut g) = (want.lines(), got.lines());
    for n in 1.. {
        match (w.next(), g.next()) {
            (Some(a), Some(b)) if a == b => continue,
            (None, None) => break,
            (a, b) => return Some(format!("line {n}: recorded {a:?}, now {b:?}")),
        }
    }
    Some("line ends differ".to_string())
}

#[test]
fn shipped_scenes_run_outputs_are_unchanged() {
    let bless = std::env::var_os("ASYNCLAB_BLESS_GOLDEN").is_some();
    let full = std::env::var_os("ASYNCLAB_GOLDEN_DIR").map(PathBuf::from);
    let recorded = recorded();
    let mut now = BTreeMap::new();
    let mut problems = Vec::new();
    for (name, scene) in shipped_scenes() {
        for (file, text) in outputs(&name, &scene) {
            if let Some(dir) = &full
                && let Some(d) = differs_from_file(dir, &file, &text)
            {
                problems.push(format!("{file}: differs from {}: {d}", dir.display()));
            }
            let digest = format!("{:016x}", fnv1a64(&text));
            match recorded.get(&file) {
                Some(r) if *r == digest => {}
                Some(r) => problems.push(format!("{file}: digest {digest}, recorded {r}")),
                None => problems.push(format!("{file}: no recorded digest")),
            }
            now.insert(file, digest);
        }
    }
    for file in recorded.keys().filter(|f| !now.contains_key(*f)) {
        problems.push(format!("{file}: recorded, but no such scene output now"));
    }
    if bless {
        let text: String = now.iter().map(|(f, d)| format!("{f} {d}\n")).collect();
        std::fs::write(DIGESTS, text).expect("writing the digests");
        return;
    }
    assert!(
        problems.is_empty(),
        "run outputs changed (ASYNCLAB_BLESS_GOLDEN=1 rewrites the digests if meant):\n{}",
        problems.join("\n")
    );
}

#[test]
fn the_digest_is_fnv1a_and_the_canonical_json_drops_only_the_speed() {
    // Published FNV-1a 64 test vectors.
    assert_eq!(fnv1a64(""), 0xcbf2_9ce4_8422_2325);
    assert_eq!(fnv1a64("a"), 0xaf63_dc4c_8601_ec8c);
    let a = canonical_json(r#"{"b": 1, "wall_s": 3.5, "a": {"events_per_s": 9, "x": [1.5]}}"#);
    let b = canonical_json(r#"{"a": {"x": [1.5]}, "b": 1}"#);
    assert_eq!(a, b);
    assert_ne!(a, canonical_json(r#"{"a": {"x": [1.25]}, "b": 1}"#));
}
