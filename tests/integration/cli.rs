//! The headless command line, driven as a user would: the built binary on
//! small scene files in a temporary directory.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A light sync scene whose database (2 connections × 50 ms = 40 writes/s)
/// is just under its 30 actions/s load, so more connections visibly help.
const SMALL_SCENE: &str = r#"(
    version: 1,
    title: "CLI test scene",
    seed: 7,
    duration_s: 20,
    clients: [
        (name: "acme", tier: Standard, rate_per_s: 30),
        (name: "tiny co", tier: Free, rate_per_s: 5),
    ],
    endpoints: [
        (name: "save", mode: Sync, cpu: Exponential(mean_ms: 5), db_write: Exponential(mean_ms: 50)),
    ],
    database: (connections: 2),
    queue: (workers: 2),
)
"#;

struct Fixture {
    dir: tempfile::TempDir,
}

impl Fixture {
    fn new() -> Fixture {
        Fixture {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }
    fn file(&self, name: &str, text: &str) -> PathBuf {
        let p = self.dir.path().join(name);
        std::fs::write(&p, text).expect("write test file");
        p
    }
    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }
}

fn asynclab(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_asynclab"))
        .args(args)
        // Error output must be readable without backtraces whatever the
        // developer's environment says.
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

fn no_panic(o: &Output) {
    let (out, err) = text(o);
    assert!(
        !err.contains("panicked") && !out.contains("panicked"),
        "panic:\n{err}"
    );
    assert!(
        !err.contains("Stack backtrace"),
        "error output carries a backtrace:\n{err}"
    );
}

fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 temp path")
}

fn run_json(scene: &Path, extra: &[&str]) -> serde_json::Value {
    let mut args = vec!["run", s(scene), "--json"];
    args.extend_from_slice(extra);
    let o = asynclab(&args);
    no_panic(&o);
    let (out, err) = text(&o);
    assert!(o.status.success(), "run failed: {err}");
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("not JSON ({e}):\n{out}"))
}

#[test]
fn run_prints_a_readable_summary_with_balanced_ledgers() {
    let fx = Fixture::new();
    let scene = fx.file("small.ron", SMALL_SCENE);
    let o = asynclab(&["run", s(&scene)]);
    no_panic(&o);
    let (out, err) = text(&o);
    assert!(o.status.success(), "{err}");
    for needle in [
        "CLI test scene",
        "sim duration",
        "actions",
        "User wait",
        "p95",
        "save p95",
        "Time to processed",
        "acme p95",
        "tiny co p95",
        "commits",
        "errors: timeout",
        "errors: server busy",
        "dead letters",
        "wasted work",
        "retry amplification",
        "polls",
        "utilisation: server workers",
        "utilisation: DB connections",
        "utilisation: queue workers",
        "SLA: wait",
        "capacity cost",
        "revenue by tier",
        "peak backlog",
        "Ledger: actions",
        "Ledger: requests and jobs",
        "balanced ✓",
        "events/s",
        "wall time",
    ] {
        assert!(out.contains(needle), "summary lacks {needle:?}:\n{out}");
    }
    // Not a terminal: no progress bar on stderr.
    assert!(err.is_empty(), "unexpected stderr: {err}");
}

#[test]
fn json_is_one_object_with_summary_and_balanced_ledgers() {
    let fx = Fixture::new();
    let scene = fx.file("small.ron", SMALL_SCENE);
    let v = run_json(&scene, &[]);
    assert_eq!(v["scenario"]["title"], "CLI test scene");
    assert_eq!(v["scenario"]["seed"], 7);
    assert_eq!(v["scenario"]["duration_s"], 20.0);
    assert_eq!(v["ledgers_balanced"], true);
    let a = &v["ledgers"]["actions"];
    let n = |x: &serde_json::Value| x.as_u64().expect("count");
    // Counts by reason are objects keyed by reason, not positional arrays.
    let failed: u64 = a["failed"]
        .as_object()
        .expect("object")
        .values()
        .map(n)
        .sum();
    assert!(a["failed"]["timeout"].is_u64(), "{a}");
    assert!(n(&a["issued"]) > 500, "{a}");
    assert_eq!(
        n(&a["issued"]),
        n(&a["succeeded"]) + failed + n(&a["awaiting"])
    );
    let w = &v["ledgers"]["work"];
    let rejected: u64 = w["rejected"]
        .as_object()
        .expect("object")
        .values()
        .map(n)
        .sum();
    assert!(w["rejected"]["server_busy"].is_u64(), "{w}");
    assert!(v["summary"]["errors"]["queue_full"].is_u64());
    let in_flight: u64 = w["in_flight"]
        .as_object()
        .expect("object")
        .values()
        .map(n)
        .sum();
    assert_eq!(
        n(&w["requests"]),
        n(&w["committed"]) + rejected + n(&w["dead_lettered"]) + in_flight
    );
    assert!(v["summary"]["wait"]["p95"].as_f64().expect("p95") > 0.0);
    // No polling in this scene: "learn" has no samples and is null, not NaN.
    assert!(v["summary"]["learn"].is_null());
}

#[test]
fn seed_and_duration_override_the_scene() {
    let fx = Fixture::new();
    let scene = fx.file("small.ron", SMALL_SCENE);
    let a = run_json(&scene, &["--duration", "5", "--seed", "99"]);
    assert_eq!(a["scenario"]["seed"], 99);
    assert_eq!(a["summary"]["duration_s"], 5.0);
    let b = run_json(&scene, &["--duration", "5", "--seed", "99"]);
    assert_eq!(a["ledgers"], b["ledgers"], "same seed, same run");
    let c = run_json(&scene, &["--duration", "5", "--seed", "100"]);
    assert_ne!(a["ledgers"], c["ledgers"], "another seed, another run");
}

#[test]
fn csv_has_a_header_and_one_row_per_window() {
    let fx = Fixture::new();
    let scene = fx.file("small.ron", SMALL_SCENE);
    let csv = fx.path("series.csv");
    let o = asynclab(&["run", s(&scene), "--csv", s(&csv), "--duration", "12"]);
    no_panic(&o);
    assert!(o.status.success(), "{}", text(&o).1);
    let body = std::fs::read_to_string(&csv).expect("csv written");
    let lines: Vec<&str> = body.lines().collect();
    let header: Vec<&str> = lines[0].split(',').collect();
    // The published columns, in order: scripts read them by position too.
    assert_eq!(
        header,
        [
            "t_s",
            "actions",
            "clicks",
            "responses",
            "acks",
            "commits",
            "errors_timeout",
            "errors_server_busy",
            "errors_queue_full",
            "errors_db_error",
            "errors_sim_limit",
            "user_retries",
            "system_retries",
            "dead_letters",
            "wasted",
            "polls",
            "wait_p50",
            "wait_p95",
            "wait_p99",
            "wait_max",
            "processed_p50",
            "processed_p95",
            "processed_p99",
            "learn_p95",
            "sla_share",
            "backlog",
            "backlog_acme",
            "backlog_tiny_co",
            "oldest_job_age_s",
            "in_backoff",
            "pending_polled",
            "util_server",
            "util_db",
            "util_workers",
            "util_server_polls",
            "cost_per_hour",
            "draining_server",
            "draining_db",
            "draining_workers",
            "error_share",
            "util_server_db_wait",
            "util_server_db_write",
            "revenue_per_hour_free",
            "revenue_per_hour_standard",
            "revenue_per_hour_premium",
            "partial",
        ]
    );
    // 12 s of 1 s windows.
    assert_eq!(lines.len() - 1, 12, "{body}");
    for l in &lines[1..] {
        assert_eq!(l.split(',').count(), header.len(), "ragged row {l}");
    }
    let t_col = header.iter().position(|h| *h == "t_s").expect("t_s");
    let last_t: f64 = lines[12]
        .split(',')
        .nth(t_col)
        .expect("cell")
        .parse()
        .expect("number");
    assert_eq!(last_t, 12.0);
    // No temporary file is left beside it.
    let leftovers: Vec<_> = std::fs::read_dir(fx.dir.path())
        .expect("list")
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty());
}

#[test]
fn csv_into_a_missing_directory_fails_clearly() {
    let fx = Fixture::new();
    let scene = fx.file("small.ron", SMALL_SCENE);
    let csv = fx.path("no/such/dir/series.csv");
    let o = asynclab(&["run", s(&scene), "--csv", s(&csv), "--duration", "2"]);
    no_panic(&o);
    assert!(!o.status.success());
    assert!(text(&o).1.contains("series.csv"), "{}", text(&o).1);
}

#[test]
fn set_changes_the_result() {
    let fx = Fixture::new();
    let scene = fx.file("small.ron", SMALL_SCENE);
    let slow = run_json(&scene, &["--set", "database.connections=1"]);
    let fast = run_json(&scene, &["--set", "database.connections=20"]);
    let p95 = |v: &serde_json::Value| v["summary"]["wait"]["p95"].as_f64().expect("p95");
    assert!(
        p95(&fast) < 0.5 * p95(&slow),
        "20 connections instead of 1 should cut the wait: {} vs {}",
        p95(&fast),
        p95(&slow)
    );
    let busy = |v: &serde_json::Value| {
        v["summary"]["utilisation"]["database"]
            .as_f64()
            .expect("util")
    };
    assert!(busy(&fast) < busy(&slow));
}

#[test]
fn bad_set_arguments_are_reported_and_fail() {
    let fx = Fixture::new();
    let scene = fx.file("small.ron", SMALL_SCENE);
    for (arg, expect) in [
        ("database.nope=3", "unknown knob"),
        ("clients[9].rate_per_s=3", "unknown knob"),
        ("database.connections=abc", "not a number"),
        ("database.connections=2.5", "whole number"),
        ("clients[0].rate_per_s=-5", "clients[0].rate_per_s = -5"),
        ("database.connections", "PATH=VALUE"),
        ("browser.retry_probability=NaN", "browser.retry_probability"),
    ] {
        let o = asynclab(&["run", s(&scene), "--set", arg]);
        no_panic(&o);
        let (_, err) = text(&o);
        assert!(!o.status.success(), "--set {arg} accepted");
        assert!(err.contains(expect), "--set {arg}: {err}");
    }
    let o = asynclab(&["run", s(&scene), "--duration", "-1"]);
    no_panic(&o);
    assert!(!o.status.success());
    assert!(text(&o).1.contains("--duration"));
}

#[test]
fn validate_accepts_a_good_file() {
    let fx = Fixture::new();
    let scene = fx.file("small.ron", SMALL_SCENE);
    let o = asynclab(&["validate", s(&scene)]);
    no_panic(&o);
    assert!(o.status.success());
    assert!(text(&o).0.contains("valid"));
}

#[test]
fn validate_reports_line_and_column_of_a_syntax_error() {
    let fx = Fixture::new();
    let bad = fx.file("syntax.ron", "(\n    version: 1,\n    title \"oops\",\n)\n");
    let o = asynclab(&["validate", s(&bad)]);
    no_panic(&o);
    assert!(!o.status.success());
    let (_, err) = text(&o);
    assert!(
        err.contains("syntax.ron:3:"),
        "no file:line:column in {err}"
    );
}

#[test]
fn validate_names_the_field_of_an_out_of_range_value() {
    let fx = Fixture::new();
    let bad = fx.file(
        "range.ron",
        &SMALL_SCENE.replace("rate_per_s: 30", "rate_per_s: -5"),
    );
    let o = asynclab(&["validate", s(&bad)]);
    no_panic(&o);
    assert!(!o.status.success());
    let (_, err) = text(&o);
    assert!(err.contains("clients[0].rate_per_s = -5"), "{err}");
}

#[test]
fn validate_reports_every_problem_of_every_file() {
    let fx = Fixture::new();
    let good = fx.file("good.ron", SMALL_SCENE);
    let bad = fx.file(
        "two.ron",
        &SMALL_SCENE
            .replace("rate_per_s: 30", "rate_per_s: -5")
            .replace("connections: 2", "connections: 2000000"),
    );
    let missing = fx.path("missing.ron");
    let o = asynclab(&["validate", s(&good), s(&bad), s(&missing)]);
    no_panic(&o);
    assert!(!o.status.success());
    let (out, err) = text(&o);
    assert!(out.contains("good.ron: valid"), "{out}");
    assert!(err.contains("clients[0].rate_per_s"), "{err}");
    assert!(err.contains("database.connections"), "{err}");
    assert!(err.contains("missing.ron"), "{err}");
    assert!(err.contains("2 of 3"), "{err}");
}

#[test]
fn a_missing_or_hostile_file_fails_without_panicking() {
    let fx = Fixture::new();
    let missing = fx.path("missing.ron");
    let empty = fx.file("empty.ron", "");
    let garbage = fx.path("garbage.ron");
    std::fs::write(&garbage, [0xff_u8, 0x00, 0xfe, 0x80, 0x28, 0x28]).expect("write");
    for p in [&missing, &empty, &garbage] {
        for cmd in ["validate", "run", "knobs"] {
            let o = asynclab(&[cmd, s(p)]);
            no_panic(&o);
            assert!(!o.status.success(), "{cmd} {} succeeded", p.display());
            let name = p.file_name().and_then(|n| n.to_str()).expect("name");
            assert!(text(&o).1.contains(name), "{cmd}: {}", text(&o).1);
        }
    }
    // A directory is not a scene.
    let o = asynclab(&["run", s(fx.dir.path())]);
    no_panic(&o);
    assert!(!o.status.success());
}

#[test]
fn knobs_lists_paths_units_and_ranges() {
    let fx = Fixture::new();
    let scene = fx.file("small.ron", SMALL_SCENE);
    let o = asynclab(&["knobs", s(&scene)]);
    no_panic(&o);
    assert!(o.status.success());
    let (out, _) = text(&o);
    for needle in [
        "clients[0].rate_per_s",
        "clients[1].rate_per_s",
        "database.connections",
        "actions/s",
        "queue.workers",
    ] {
        assert!(out.contains(needle), "knobs lacks {needle}:\n{out}");
    }
}

#[test]
fn scenes_lists_the_builtin_scenes_and_run_finds_them_by_name() {
    let o = asynclab(&["scenes"]);
    no_panic(&o);
    assert!(o.status.success());
    let (out, _) = text(&o);
    for b in asynclab::scenario::BUILTIN_SCENES {
        assert!(out.contains(b.file), "{} not listed:\n{out}", b.file);
    }
    // A built-in scene by file name, from a directory without such a file.
    if let Some(b) = asynclab::scenario::BUILTIN_SCENES.first() {
        let dir = tempfile::tempdir().expect("temp dir");
        let o = Command::new(env!("CARGO_BIN_EXE_asynclab"))
            .args(["run", b.file, "--duration", "3", "--json"])
            .current_dir(dir.path())
            .output()
            .expect("run asynclab");
        no_panic(&o);
        assert!(o.status.success(), "{}", text(&o).1);
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
        assert_eq!(v["ledgers_balanced"], true);
    }
}

#[test]
fn help_lists_every_subcommand() {
    let o = asynclab(&["--help"]);
    assert!(o.status.success());
    let (out, _) = text(&o);
    // Every subcommand clap knows, each on a line of its own with its
    // summary, so a new one cannot be left out of this check.
    use clap::CommandFactory;
    let cli = asynclab::cli::Cli::command();
    let names: Vec<&str> = cli.get_subcommands().map(|c| c.get_name()).collect();
    assert!(names.len() >= 6, "{names:?}");
    for cmd in names {
        assert!(
            out.lines()
                .any(|l| l.trim_start().starts_with(&format!("{cmd} "))),
            "--help lacks {cmd}:\n{out}"
        );
    }
    let o = asynclab(&["run", "--help"]);
    let (out, _) = text(&o);
    for flag in ["--duration", "--seed", "--set", "--csv", "--json"] {
        assert!(out.contains(flag), "run --help lacks {flag}:\n{out}");
    }
}

/// Every quantile object `{p50, p95, p99, max}` in `v`, with where it is.
fn quantile_objects<'a>(
    v: &'a serde_json::Value,
    at: String,
    out: &mut Vec<(String, &'a serde_json::Value)>,
) {
    match v {
        serde_json::Value::Object(m) => {
            if ["p50", "p95", "p99", "max"]
                .iter()
                .all(|k| m.contains_key(*k))
            {
                out.push((at.clone(), v));
            }
            for (k, x) in m {
                quantile_objects(x, format!("{at}.{k}"), out);
            }
        }
        serde_json::Value::Array(xs) => {
            for (i, x) in xs.iter().enumerate() {
                quantile_objects(x, format!("{at}[{i}]"), out);
            }
        }
        _ => {}
    }
}

/// Histogram quantiles are bucket tops; the maximum is exact. `run` on
/// every scene and exercise reports quantiles in order and never above
/// the maximum, in the JSON summary and in every CSV window.
#[test]
fn run_reports_quantiles_within_the_exact_maximum_on_every_scene() {
    let fx = Fixture::new();
    for b in asynclab::scenario::BUILTIN_SCENES {
        let csv = fx.path("w.csv");
        let v = run_json(Path::new(b.file), &["--csv", s(&csv)]);
        let mut found = Vec::new();
        quantile_objects(&v["summary"], "summary".into(), &mut found);
        assert!(found.len() >= 2, "{}: wait and processed", b.file);
        for (at, q) in found {
            let f = |k: &str| q[k].as_f64();
            let (Some(p50), Some(p95), Some(p99), Some(max)) =
                (f("p50"), f("p95"), f("p99"), f("max"))
            else {
                continue;
            };
            assert!(
                0.0 <= p50 && p50 <= p95 && p95 <= p99 && p99 <= max,
                "{} {at}: p50 {p50} p95 {p95} p99 {p99} max {max}",
                b.file
            );
        }
        let body = std::fs::read_to_string(&csv).expect("csv written");
        let mut lines = body.lines();
        let header: Vec<&str> = lines.next().expect("header").split(',').collect();
        let col = |name: &str| header.iter().position(|h| *h == name).expect("column");
        let (p50, p95, p99, max) = (
            col("wait_p50"),
            col("wait_p95"),
            col("wait_p99"),
            col("wait_max"),
        );
        for l in lines {
            let cells: Vec<&str> = l.split(',').collect();
            let n = |i: usize| cells[i].parse::<f64>().ok().filter(|x| x.is_finite());
            if let (Some(a), Some(b95), Some(c), Some(m)) = (n(p50), n(p95), n(p99), n(max)) {
                assert!(a <= b95 && b95 <= c && c <= m, "{} window {l}", b.file);
            }
        }
    }
}

/// `run`'s bottleneck is the app's: measured over the run's windows with
/// every client's clicks (a token bucket's load) and the workers taken
/// by polls, so it names the stage the measured throughput shows, and it
/// prints the queue's growth.
#[test]
fn run_names_the_bottleneck_the_measured_throughput_shows() {
    let fx = Fixture::new();
    let scene = fx.file(
        "bucket.ron",
        r#"(
    version: 3,
    title: "Token bucket",
    seed: 3,
    duration_s: 60,
    clients: [
        (name: "acme", tier: Standard, rate_per_s: 200, rate_limit_per_s: 120, rate_limit_burst: 10),
    ],
    endpoints: [
        (name: "save", mode: Async, cpu: Exponential(mean_ms: 5), db_write: Exponential(mean_ms: 50)),
    ],
    server: (instances: 2, workers_per_instance: 100),
    database: (connections: 20),
    queue: (workers: 20),
)
"#,
    );
    let o = asynclab(&["run", s(&scene)]);
    no_panic(&o);
    let (out, err) = text(&o);
    assert!(o.status.success(), "{err}");
    let section = &out[out.find("\nBottleneck").expect("a bottleneck section")..];
    assert!(
        section.contains(
            "Bottleneck (averages over the whole run)\n  Rate limit of acme is the bottleneck: "
        ) && section.contains(" arrive, it can do 120/s (a token bucket at 120/s)."),
        "{section}"
    );
    assert!(
        section.contains("  Queue grows ")
            && section.contains(" in, 120/s out); it drains only once traffic falls below 120/s."),
        "{section}"
    );
    assert!(!section.contains("0.00/s offered"), "{section}");

    // Exercise 5 as shipped: the servers, busy with polls, limit; not the
    // database.
    let o = asynclab(&["run", "ex5-poll-interval"]);
    let (out, err) = text(&o);
    assert!(o.status.success(), "{err}");
    let section = &out[out.find("\nBottleneck").expect("a bottleneck section")..];
    assert!(
        section.contains("servers would limit first")
            || section.contains("Servers are the bottleneck"),
        "{section}"
    );
    assert!(section.contains("on polls"), "{section}");
}
