//! `asynclab sweep` on the command line: the table, CSV and JSON of a
//! small sweep, the cheapest-capacity answer, and clear errors.

use std::process::{Command, Output};

fn asynclab(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_asynclab"))
        .args(args)
        .env("RUST_BACKTRACE", "1")
        .output()
        .expect("run asynclab")
}

fn text(o: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

const RATE: &str = "clients[0].rate_per_s";

#[test]
fn a_sweep_prints_a_table_and_writes_csv_and_json() {
    let dir = tempfile::tempdir().expect("temp dir");
    let csv = dir.path().join("curve.csv");
    let csv_arg = csv.to_string_lossy().into_owned();
    let o = asynclab(&[
        "sweep",
        "01-hello-sync.ron",
        "--knob",
        RATE,
        "--from",
        "10",
        "--to",
        "30",
        "--steps",
        "3",
        "--duration",
        "20",
        "--seeds",
        "2",
        "--csv",
        &csv_arg,
    ]);
    let (out, err) = text(&o);
    assert!(o.status.success(), "{err}");
    assert!(
        out.contains("over 3 values × SYNC/ASYNC, 20 s per run, 2 seeds (12 runs"),
        "{out}"
    );
    for head in [
        "offered",
        "bottleneck",
        "wait p95",
        "processed p95",
        "errors",
        "backlog",
        "cost/h",
    ] {
        assert!(out.contains(head), "no {head}:\n{out}");
    }
    // One row per value and mode, with the seeds' spread beside the p95s.
    let rows: Vec<&str> = out
        .lines()
        .filter(|l| l.contains("SYNC") && l.contains('±'))
        .collect();
    assert_eq!(rows.len(), 6, "{out}");
    let written = std::fs::read_to_string(&csv).expect("CSV written");
    let lines: Vec<&str> = written.lines().collect();
    assert_eq!(lines.len(), 7);
    assert!(lines[0].starts_with("value,mode,bottleneck,seeds,offered_per_s"));
    assert!(lines[1].starts_with("10,sync,") && lines[2].starts_with("10,async,"));
    let columns = lines[0].split(',').count();
    assert!(
        lines
            .iter()
            .all(|l| l.split(',').count() == columns && !l.contains("NaN"))
    );

    let o = asynclab(&[
        "sweep",
        "01-hello-sync.ron",
        "--knob",
        RATE,
        "--from",
        "10",
        "--to",
        "20",
        "--steps",
        "2",
        "--duration",
        "10",
        "--json",
    ]);
    assert!(o.status.success());
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("one JSON object");
    assert_eq!(v["knob"], RATE);
    let points = v["points"].as_array().expect("points");
    assert_eq!(points.len(), 4);
    assert_eq!(points[1]["mode"], "async");
    assert!(points[0]["wait"]["p95"].as_f64().is_some_and(|x| x > 0.0));
    assert!(
        points[0]["offered_per_s"]
            .as_f64()
            .is_some_and(|x| (x - 10.0).abs() < 3.0)
    );
}

#[test]
fn cheapest_answers_for_sync_and_async() {
    let o = asynclab(&[
        "sweep",
        "07-moving-bottleneck.ron",
        "--cheapest",
        "--knob",
        "database.connections",
        "--from",
        "1",
        "--to",
        "12",
        "--duration",
        "60",
        "--json",
    ]);
    let (_, err) = text(&o);
    assert!(o.status.success(), "{err}");
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    let modes = v["cheapest"].as_array().expect("per mode");
    assert_eq!(modes.len(), 2);
    for m in modes {
        assert!(!m["tried"].as_array().expect("tried").is_empty());
    }
}

#[test]
fn bad_sweep_arguments_fail_clearly() {
    let cases: [(&[&str], &str); 5] = [
        (
            &["--knob", "nope", "--from", "1", "--to", "2"],
            "unknown knob `nope`",
        ),
        (&["--knob", RATE], "needs --from A and --to B"),
        (&["--from", "1", "--to", "2"], "--knob PATH"),
        (
            &["--knob", RATE, "--from", "1", "--to", "2", "--seeds", "0"],
            "--seeds 0",
        ),
        (
            &[
                "--knob",
                "database.connections",
                "--from",
                "-1",
                "--to",
                "2",
            ],
            "database.connections = -1",
        ),
    ];
    for (extra, want) in cases {
        let mut args = vec!["sweep", "01-hello-sync.ron", "--duration", "5"];
        args.extend_from_slice(extra);
        let o = asynclab(&args);
        let (_, err) = text(&o);
        assert!(!o.status.success(), "{args:?} succeeded");
        assert!(err.contains(want), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{err}");
    }
    let o = asynclab(&["--help"]);
    assert!(text(&o).0.contains("sweep"));
}
