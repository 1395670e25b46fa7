//! Bad input is found before any work: names are one line of text
//! counted in characters, a threshold that cannot be measured and a
//! switched-off event that could never be switched on are refused at
//! validation, commands check where they write before they run, and
//! messages quote the numbers typed.

use asynclab::scenario::Scenario;
use std::process::{Command, Output};
use std::time::Duration;

fn asynclab(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_asynclab"))
        .args(args)
        .output()
        .expect("run asynclab")
}

/// The problems of a scene text, as one string ("" when it loads).
fn problems(text: &str) -> String {
    match Scenario::from_ron(text, "t.ron") {
        Ok(_) => String::new(),
        Err(e) => e.to_string(),
    }
}

fn with_variants(names: [&str; 2]) -> String {
    format!(
        r#"(version: 4, title: "Names", duration_s: 10,
            variants: [(name: {:?}, changes: []), (name: {:?}, changes: [])])"#,
        names[0], names[1]
    )
}

#[test]
fn names_are_counted_in_characters_and_hold_no_control_characters() {
    // 25 × "é" is 25 characters (50 bytes): within the 40 allowed.
    assert_eq!(problems(&with_variants(["é".repeat(25).as_str(), "b"])), "");
    let e = problems(&with_variants(["é".repeat(41).as_str(), "b"]));
    assert!(e.contains("1 to 40 characters"), "{e}");
    for hostile in ["a\nb", "a\rb", "tab\there", "\u{1b}[31mred"] {
        let e = problems(&with_variants([hostile, "b"]));
        assert!(e.contains("variants[0].name"), "{hostile:?}: {e}");
        assert!(e.contains("control characters"), "{hostile:?}: {e}");
    }
    let client =
        r#"(version: 4, title: "C", duration_s: 10, clients: [(name: "a\u{7}b", rate_per_s: 1)])"#;
    let e = problems(client);
    assert!(
        e.contains("clients[0].name") && e.contains("control characters"),
        "{e}"
    );
}

/// The CSV of a comparison writes a twin called `=cmd|' /C calc'!A0` as
/// text a spreadsheet will not run; the numbers are untouched.
#[test]
fn a_formula_like_twin_name_is_written_as_text_in_the_csv() {
    let dir = tempfile::tempdir().expect("temp dir");
    let scene = dir.path().join("s.ron");
    std::fs::write(
        &scene,
        r#"(version: 4, title: "F", duration_s: 3,
            variants: [(name: "=cmd|' /C calc'!A0", changes: []), (name: "-minus", changes: [])])"#,
    )
    .expect("write");
    let out = dir.path().join("twins.csv");
    let o = asynclab(&[
        "run",
        &scene.to_string_lossy(),
        "--compare",
        "--csv",
        &out.to_string_lossy(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let csv = std::fs::read_to_string(&out).expect("the CSV");
    let rows: Vec<&str> = csv.lines().skip(1).collect();
    assert!(!rows.is_empty());
    for r in &rows {
        assert!(
            r.starts_with("'=cmd|' /C calc'!A0,") || r.starts_with("'-minus,"),
            "{r}"
        );
        // Every other cell is a number or empty.
        for cell in r.split(',').skip(1) {
            assert!(
                cell.is_empty() || cell.parse::<f64>().is_ok(),
                "{cell} in {r}"
            );
        }
    }
}

#[test]
fn a_goal_that_cannot_be_measured_is_refused() {
    let base =
        r#"(version: 4, title: "G", duration_s: 10, goal: Some((learn_p95_max_s: Some(5.0))))"#;
    let e = problems(base);
    assert!(e.contains("goal.learn_p95_max_s"), "{e}");
    assert!(e.contains("never poll"), "{e}");
    let polling = r#"(version: 4, title: "G", duration_s: 10, browser: (poll_interval_s: 1.0),
        goal: Some((learn_p95_max_s: Some(5.0))))"#;
    assert_eq!(problems(polling), "");
}

/// A switched-off event that changes one twin's users would be refused
/// when switched on: it is refused now.
#[test]
fn a_disabled_event_that_could_not_be_enabled_is_refused() {
    let text = r#"(version: 5, title: "D", duration_s: 10,
        variants: [(name: "a", changes: []), (name: "b", changes: [])],
        disabled_timeline: [(at_s: 5, change: Set(path: "clients[0].rate_per_s", value: 50), variant: Some("b"))])"#;
    let e = problems(text);
    assert!(e.contains("disabled_timeline[0]"), "{e}");
    assert!(e.contains("one twin alone"), "{e}");
    // For every twin (no variant named) it is fine.
    let all = text.replace(r#", variant: Some("b")"#, "");
    assert_eq!(problems(&all), "");
}

/// Runs `f` on a thread; fails if it takes longer than `limit` (a command
/// that runs a month-long scene before looking at its output would).
fn within<T: Send + 'static>(limit: Duration, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    rx.recv_timeout(limit)
        .expect("finished before running the scene")
}

/// `report --out` a directory or a file in a missing folder fails at
/// once, before a month of simulated traffic is run.
#[test]
fn report_checks_its_output_before_it_runs() {
    let dir = tempfile::tempdir().expect("temp dir");
    let scene = dir.path().join("long.ron");
    std::fs::write(
        &scene,
        r#"(version: 4, title: "Long", duration_s: 2592000, window_s: 60, percentile_window_s: 60, clients: [(name: "c", rate_per_s: 2000)])"#,
    )
    .expect("write");
    let missing = dir.path().join("no/such/folder/out.html");
    for out in [dir.path().to_path_buf(), missing] {
        let (scene, out) = (scene.clone(), out.clone());
        let o = within(Duration::from_secs(120), move || {
            asynclab(&[
                "report",
                &scene.to_string_lossy(),
                "--out",
                &out.to_string_lossy(),
            ])
        });
        assert!(!o.status.success());
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains("writing the hand-out"), "{err}");
    }
}

#[test]
fn sweep_messages_quote_the_numbers_typed_and_a_collapsed_grid_says_so() {
    let sweep = |from: &str, to: &str, steps: &str| {
        asynclab(&[
            "sweep",
            "01-hello-sync.ron",
            "--knob",
            "database.connections",
            "--from",
            from,
            "--to",
            to,
            "--steps",
            steps,
            "--duration",
            "2",
        ])
    };
    let o = sweep("1", "inf", "3");
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("--to inf: must be a finite number"), "{err}");
    assert!(!err.contains("NaN"), "{err}");
    let o = sweep("1.5", "2.5", "3");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("--steps 3 on a whole-number knob gives 1 distinct value: 2"),
        "{err}"
    );
}
