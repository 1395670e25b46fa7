//! User files handled safely: reading refuses what is not a regular file
//! without blocking; writing replaces only regular files, atomically,
//! keeping permissions, and never leaves a temporary file behind. Every
//! FIFO, symlink and read-only file here lives in a temporary directory.

use asynclab::scenario::{self, Scenario};
use std::os::unix::fs::{FileTypeExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

const SCENE: &str = "(version: 3, title: \"Files\", duration_s: 3)";

pub(crate) fn mkfifo(path: &Path) {
    let ok = Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("mkfifo runs")
        .success();
    assert!(ok, "mkfifo {}", path.display());
}

fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .expect("dir")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

fn mode(p: &Path) -> u32 {
    std::fs::metadata(p).expect("meta").permissions().mode() & 0o777
}

fn asynclab(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_asynclab"))
        .args(args)
        .output()
        .expect("run asynclab")
}

/// Runs `f` on a thread; fails if it takes longer than `limit` (a read
/// that blocks for ever would).
fn within<T: Send + 'static>(limit: Duration, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    rx.recv_timeout(limit).expect("finished without blocking")
}

#[test]
fn a_fifo_or_directory_is_refused_before_it_is_opened() {
    let dir = tempfile::tempdir().expect("temp dir");
    let fifo = dir.path().join("scene.ron");
    mkfifo(&fifo);
    let e = within(Duration::from_secs(5), move || {
        Scenario::load(&fifo).expect_err("a FIFO is not a scene file")
    });
    assert!(e.to_string().contains("not a regular file (a FIFO)"), "{e}");
    let e = Scenario::load(dir.path()).expect_err("a directory");
    assert!(e.to_string().contains("a directory"), "{e}");
}

#[test]
fn csv_to_a_fifo_or_stdout_is_written_in_place() {
    let dir = tempfile::tempdir().expect("temp dir");
    let scene = dir.path().join("s.ron");
    std::fs::write(&scene, SCENE).expect("write");
    let fifo = dir.path().join("out.csv");
    mkfifo(&fifo);
    let reader_path = fifo.clone();
    let reader =
        std::thread::spawn(move || std::fs::read_to_string(reader_path).expect("read fifo"));
    let scene_s = scene.to_string_lossy().into_owned();
    let fifo_s = fifo.to_string_lossy().into_owned();
    let out = within(Duration::from_secs(60), move || {
        asynclab(&["run", &scene_s, "--csv", &fifo_s])
    });
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let csv = reader.join().expect("reader");
    assert!(csv.starts_with("t_s,actions,"), "{csv}");
    let ft = std::fs::symlink_metadata(&fifo).expect("meta").file_type();
    assert!(ft.is_fifo(), "the FIFO is still a FIFO");
    assert_eq!(names(dir.path()), ["out.csv", "s.ron"], "no temporary file");

    let out = asynclab(&["run", &scene.to_string_lossy(), "--csv", "-"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success());
    assert!(stdout.starts_with("t_s,actions,"), "CSV first on stdout");
}

#[test]
fn saving_follows_symlinks_keeps_permissions_and_refuses_read_only_targets() {
    let dir = tempfile::tempdir().expect("temp dir");
    let d = dir.path();
    let s = Scenario::default();
    // A symlink: its target is replaced, the link stays a link.
    let target = d.join("real.ron");
    std::fs::write(&target, "old").expect("write");
    let link = d.join("link.ron");
    std::os::unix::fs::symlink(&target, &link).expect("symlink");
    s.save(&link).expect("save through the link");
    assert!(
        std::fs::symlink_metadata(&link)
            .expect("meta")
            .file_type()
            .is_symlink()
    );
    assert_eq!(Scenario::load(&target).expect("saved"), s);
    // Permissions are kept.
    let private = d.join("private.ron");
    std::fs::write(&private, "old").expect("write");
    std::fs::set_permissions(&private, std::fs::Permissions::from_mode(0o600)).expect("chmod");
    s.save(&private).expect("save");
    assert_eq!(mode(&private), 0o600);
    // Read-only: refused, even as root, and left alone.
    let ro = d.join("read-only.ron");
    std::fs::write(&ro, "keep me").expect("write");
    std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o444)).expect("chmod");
    let e = s.save(&ro).expect_err("read-only");
    assert!(e.to_string().contains("read-only"), "{e}");
    assert_eq!(std::fs::read_to_string(&ro).expect("read"), "keep me");
    // A directory: refused.
    let e = s.save(d).expect_err("a directory");
    assert!(e.to_string().contains("directory"), "{e}");
    // A 250-character name: the temporary name stays short.
    let long = d.join(format!("{}.ron", "x".repeat(246)));
    s.save(&long).expect("a legal long name saves");
    assert_eq!(Scenario::load(&long).expect("load"), s);
    let mut left = names(d);
    left.retain(|n| n.starts_with('.'));
    assert!(left.is_empty(), "temporary files left: {left:?}");
}

#[test]
fn a_killed_csv_write_leaves_no_temporary_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let scene = dir.path().join("long.ron");
    // About a minute of work: killed long before it ends.
    std::fs::write(
        &scene,
        "(version: 3, title: \"Long\", duration_s: 2000000, window_s: 0.01, percentile_window_s: 0.01, clients: [(rate_per_s: 2000)])",
    )
    .expect("write");
    let csv = dir.path().join("big.csv");
    let mut child = Command::new(env!("CARGO_BIN_EXE_asynclab"))
        .args([
            "run",
            &scene.to_string_lossy(),
            "--csv",
            &csv.to_string_lossy(),
        ])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("spawn");
    std::thread::sleep(Duration::from_millis(1500));
    child.kill().expect("kill");
    let _ = child.wait();
    assert_eq!(names(dir.path()), ["long.ron"], "nothing left behind");
}

#[test]
fn byte_order_marks_and_cr_line_endings_are_accepted() {
    let text = "// a comment\n(version: 3, title: \"BOM\", duration_s: 3)\n";
    let bom = format!("\u{feff}{text}");
    assert_eq!(Scenario::from_ron(&bom, "bom").expect("BOM").title, "BOM");
    let cr = text.replace('\n', "\r");
    assert_eq!(Scenario::from_ron(&cr, "cr").expect("CR").title, "BOM");
    let crlf = text.replace('\n', "\r\n");
    assert_eq!(
        Scenario::from_ron(&crlf, "crlf").expect("CRLF").title,
        "BOM"
    );
}

#[test]
fn the_app_and_the_cli_accept_the_same_scene_names() {
    // No such file in the working directory: the built-in scene.
    assert!(!Path::new("04-black-friday.ron").exists());
    let (s, path, error) = asynclab::app::startup_scene(Some(Path::new("04-black-friday.ron")));
    assert_eq!(
        (s.title.as_str(), path, error),
        ("Black Friday", None, None)
    );
    let (s, _, _) = asynclab::app::startup_scene(Some(Path::new("05-noisy-neighbour")));
    assert_eq!(s.title, "Noisy neighbour");
    let out = asynclab(&["run", "04-black-friday.ron", "--duration", "60", "--json"]);
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["scenario"]["title"], "Black Friday");
    let (_, path, error) = asynclab::app::startup_scene(Some(Path::new("/no/such.ron")));
    assert!(path.is_none() && error.is_some_and(|e| e.contains("such.ron")));
    let _ = scenario::BUILTIN_SCENES;
}

#[test]
fn the_csv_adds_up_to_the_ledger_including_the_last_partial_window() {
    let dir = tempfile::tempdir().expect("temp dir");
    let csv: PathBuf = dir.path().join("t.csv");
    let out = asynclab(&[
        "run",
        "02-slow-database.ron",
        "--duration",
        "61.7",
        "--json",
        "--csv",
        &csv.to_string_lossy(),
    ]);
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let text = std::fs::read_to_string(&csv).expect("csv");
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().expect("header").split(',').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).expect("column");
    let (actions, partial) = (col("actions"), col("partial"));
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    let sum: u64 = rows
        .iter()
        .map(|r| r[actions].parse::<u64>().expect("count"))
        .sum();
    assert_eq!(
        sum,
        v["ledgers"]["actions"]["issued"].as_u64().expect("issued")
    );
    assert_eq!(rows.len(), 62);
    let last = rows.last().expect("rows");
    assert_eq!((last[col("t_s")], last[partial]), ("61.7", "1"));
    assert!(rows[..61].iter().all(|r| r[partial] == "0"));
}
