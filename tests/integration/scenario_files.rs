//! Scenario files from hostile or careless hands: loading never panics and
//! every error says where (line:column) or what (field path) is wrong;
//! saving is atomic and round-trips exactly.

use asynclab::scenario::{self, Scenario, ScenarioError, knobs};
use asynclab::sim::{SimTime, System};
use std::path::Path;

/// A valid scene that touches most of the format: two clients with shapes,
/// two endpoints, polling, retries, an outage on the timeline.
const BASE: &str = r#"(
    version: 1,
    title: "hostile base",
    seed: 3,
    duration_s: 30,
    window_s: 1,
    percentile_window_s: 10,
    clients: [
        (name: "big", tier: Premium, rate_per_s: 30, shape: EmailBlast(at_s: 2, peak: 3, decay_s: 2)),
        (name: "small", tier: Free, rate_per_s: 5, weight: 2, rate_limit_per_s: 4, rate_limit_burst: 5,
         shape: Points([(0, 1), (2, 2), (4, 1)])),
    ],
    endpoints: [
        (name: "save", share: 3, mode: Async, cpu: Exponential(mean_ms: 5), db_write: Uniform(mean_ms: 40, spread_ms: 10)),
        (name: "read", share: 1, mode: Sync, cpu: LogNormal(mean_ms: 3, cv: 0.5), db_write: Constant(mean_ms: 20)),
    ],
    network: (latency: Uniform(mean_ms: 10, spread_ms: 2)),
    browser: (patience_s: 5, retry_probability: 0.5, think_time: Exponential(mean_ms: 500), max_user_retries: 2, poll_interval_s: 1),
    server: (instances: 2, workers_per_instance: 10, backlog_per_instance: 50, poll_cpu: Exponential(mean_ms: 1)),
    database: (connections: 3, failure_probability: 0.05, write_timeout_s: 2),
    queue: (enqueue: Exponential(mean_ms: 1), capacity: 500, scheduling: Fair, workers: 3,
            retry: Fixed(delay_s: 0.5), backoff_base_s: 0.2, backoff_cap_s: 5, max_attempts: 4,
            sync_max_attempts: 2, sync_retry_delay_ms: 50),
    sla: (wait_target_s: 1, processed_target_s: 10),
    cost: (revenue_per_action: (0.01, 0.02, 0.05)),
    timeline: [
        (at_s: 3, change: OutageStart(Hang)),
        (at_s: 4, change: OutageEnd),
        (at_s: 5, change: Set(path: "database.connections", value: 4)),
        (at_s: 6, change: SetMode(endpoint: Some("read"), mode: Async)),
        (at_s: 7, change: Caption("half way")),
    ],
)
"#;

fn base() -> Scenario {
    Scenario::from_ron(BASE, "base").unwrap_or_else(|e| panic!("base scene invalid: {e}"))
}

/// Top-level field names a problem path may start with.
const TOP_LEVEL: &[&str] = &[
    "version",
    "title",
    "lesson",
    "watch",
    "seed",
    "duration_s",
    "window_s",
    "percentile_window_s",
    "clients",
    "endpoints",
    "network",
    "browser",
    "server",
    "database",
    "queue",
    "sla",
    "cost",
    "timeline",
];

fn assert_problems_name_fields(e: &ScenarioError) {
    if let ScenarioError::Invalid { problems, .. } = e {
        assert!(!problems.is_empty());
        for p in problems {
            let head = p
                .path
                .split(['.', '['])
                .next()
                .expect("split yields one part");
            assert!(
                TOP_LEVEL.contains(&head),
                "problem does not name a field: {p}"
            );
            assert!(!p.rule.is_empty(), "problem without a rule: {p}");
        }
    }
}

/// Parse errors carry a real position; invalid scenes name every field.
fn assert_clear(e: &ScenarioError) {
    match e {
        ScenarioError::Parse { line, column, .. } => {
            assert!(*line >= 1 && *column >= 1, "no position: {e}")
        }
        ScenarioError::Invalid { .. } => assert_problems_name_fields(e),
        other => panic!("unexpected error kind from text: {other}"),
    }
}

#[test]
fn the_base_scene_is_valid() {
    base();
}

#[test]
fn empty_text_and_empty_file_fail_with_a_position() {
    for text in ["", " ", "\n\n", "// only a comment\n"] {
        match Scenario::from_ron(text, "empty") {
            Err(e @ ScenarioError::Parse { .. }) => assert_clear(&e),
            other => panic!("{text:?}: {other:?}"),
        }
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let p = dir.path().join("empty.ron");
    std::fs::write(&p, "").expect("write");
    let e = Scenario::load(&p).expect_err("empty file");
    assert!(e.to_string().contains("empty.ron"), "{e}");
}

#[test]
fn binary_garbage_fails_cleanly() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut state = 0x9e37_79b9_7f4a_7c15_u64;
    for round in 0..50 {
        let bytes: Vec<u8> = (0..(round * 37 + 1))
            .map(|_| (next(&mut state) >> 56) as u8)
            .collect();
        let p = dir.path().join(format!("garbage{round}.ron"));
        std::fs::write(&p, &bytes).expect("write");
        let e = Scenario::load(&p).expect_err("garbage must not load");
        assert!(
            e.to_string().contains(&format!("garbage{round}.ron")),
            "{e}"
        );
        let lossy = String::from_utf8_lossy(&bytes);
        let e = Scenario::from_ron(&lossy, "garbage").expect_err("garbage");
        assert_clear(&e);
    }
}

#[test]
fn deeply_nested_brackets_are_refused_without_overflowing_the_stack() {
    let deep = 100_000;
    for text in [
        "(".repeat(deep),
        "[".repeat(deep),
        format!("(clients: {}", "[".repeat(deep)),
        format!("(clients: [(shape: Points({}", "(".repeat(deep)),
        format!(
            "(timeline: [(at_s: 1, change: Caption({}",
            "Some(".repeat(deep)
        ),
        format!("(title: {}", "{".repeat(deep)),
        format!("(clients: [{}])", "(name: \"x\", ".repeat(deep)),
    ] {
        let e = Scenario::from_ron(&text, "deep").expect_err("nesting");
        assert_clear(&e);
    }
}

#[test]
fn bad_numbers_are_reported_with_their_field() {
    // (replace this, with that, the error must mention this)
    let cases: &[(&str, &str, &str)] = &[
        ("duration_s: 30", "duration_s: NaN", "duration_s"),
        ("duration_s: 30", "duration_s: inf", "duration_s"),
        ("duration_s: 30", "duration_s: -30", "duration_s"),
        ("duration_s: 30", "duration_s: 1e300", "duration_s"),
        ("window_s: 1,", "window_s: 0,", "window_s"),
        ("window_s: 1,", "window_s: 0.00001,", "window_s"),
        ("rate_per_s: 30", "rate_per_s: NaN", "clients[0].rate_per_s"),
        (
            "rate_per_s: 30",
            "rate_per_s: -inf",
            "clients[0].rate_per_s",
        ),
        ("rate_per_s: 30", "rate_per_s: -5", "clients[0].rate_per_s"),
        (
            "rate_per_s: 30",
            "rate_per_s: 1e300",
            "clients[0].rate_per_s",
        ),
        ("weight: 2", "weight: 0", "clients[1].weight"),
        ("decay_s: 2", "decay_s: 0", "clients[0].shape.decay_s"),
        ("peak: 3", "peak: inf", "clients[0].shape.peak"),
        ("(4, 1)", "(1, 1)", "clients[1].shape[2].0"),
        ("(4, 1)", "(4, NaN)", "clients[1].shape[2].1"),
        (
            "cpu: Exponential(mean_ms: 5)",
            "cpu: Exponential(mean_ms: NaN)",
            "endpoints[0].cpu",
        ),
        (
            "spread_ms: 10",
            "spread_ms: 100",
            "endpoints[0].db_write.spread_ms",
        ),
        ("cv: 0.5", "cv: -1", "endpoints[1].cpu.cv"),
        ("patience_s: 5", "patience_s: -inf", "browser.patience_s"),
        (
            "retry_probability: 0.5",
            "retry_probability: 2",
            "browser.retry_probability",
        ),
        (
            "connections: 3",
            "connections: 4294967295",
            "database.connections",
        ),
        ("connections: 3", "connections: -1", "line"),
        (
            "connections: 3",
            "connections: 99999999999999999999",
            "line",
        ),
        ("connections: 3", "connections: 3.5", "line"),
        (
            "failure_probability: 0.05",
            "failure_probability: NaN",
            "database.failure_probability",
        ),
        ("delay_s: 0.5", "delay_s: -1", "queue.retry.delay_s"),
        ("max_attempts: 4", "max_attempts: 0", "queue.max_attempts"),
        (
            "capacity: 500",
            "capacity: 18446744073709551615",
            "queue.capacity",
        ),
        (
            "(0.01, 0.02, 0.05)",
            "(0.01, NaN, 0.05)",
            "cost.revenue_per_action[1]",
        ),
        ("(at_s: 3,", "(at_s: -3,", "timeline[0].at_s"),
        ("value: 4)", "value: -4)", "timeline[2].change.value"),
        (
            "\"database.connections\"",
            "\"database.nope\"",
            "timeline[2].change.path",
        ),
        (
            "Some(\"read\")",
            "Some(\"write\")",
            "timeline[3].change.endpoint",
        ),
        ("version: 1", "version: 99", "version"),
        ("version: 1", "version: 0", "version"),
    ];
    for (from, to, expect) in cases {
        assert!(BASE.contains(from), "test case does not apply: {from}");
        let text = BASE.replacen(from, to, 1);
        let e = match Scenario::from_ron(&text, "case") {
            Ok(_) => panic!("{to}: accepted"),
            Err(e) => e,
        };
        assert_clear(&e);
        let msg = e.to_string();
        if *expect == "line" {
            assert!(
                matches!(e, ScenarioError::Parse { .. }),
                "{to}: expected a parse error, got {msg}"
            );
        } else {
            assert!(msg.contains(expect), "{to}: error lacks {expect}: {msg}");
        }
    }
}

#[test]
fn unknown_fields_are_named() {
    for (text, field) in [
        ("(version: 1, colour: 3)", "colour"),
        ("(version: 1, database: (conections: 3))", "conections"),
        ("(version: 1, clients: [(name: \"a\", rate: 3)])", "rate"),
    ] {
        let e = Scenario::from_ron(text, "unknown").expect_err(text);
        assert_clear(&e);
        assert!(e.to_string().contains(field), "{text}: {e}");
    }
}

#[test]
fn many_clients_are_refused_with_the_field_named() {
    // 1,000 clients: past the 64 allowed. (Far larger counts are refused
    // too, but validation time grows faster than linearly with the count;
    // see `huge_client_counts_are_refused_with_one_problem`.)
    let clients: Vec<String> = (0..1_000)
        .map(|i| format!("(name: \"c{i}\", rate_per_s: 1)"))
        .collect();
    let text = format!("(version: 1, clients: [{}])", clients.join(","));
    let e = Scenario::from_ron(&text, "many").expect_err("too many clients");
    assert_problems_name_fields(&e);
    assert!(e.to_string().contains("clients"), "{e}");
}

#[test]
fn huge_client_counts_are_refused_with_one_problem() {
    let clients: Vec<String> = (0..100_000)
        .map(|i| format!("(name: \"c{i}\", rate_per_s: 1)"))
        .collect();
    let text = format!("(version: 1, clients: [{}])", clients.join(","));
    let e = Scenario::from_ron(&text, "huge").expect_err("too many clients");
    // Refused on the count alone, not once per client.
    match e {
        ScenarioError::Invalid { problems, .. } => {
            assert_eq!(problems.len(), 1, "{problems:?}");
            assert_eq!(problems[0].path, "clients");
        }
        other => panic!("expected a validation error, got {other}"),
    }
}

#[test]
fn a_20_mb_file_is_refused_by_size_before_reading() {
    let dir = tempfile::tempdir().expect("temp dir");
    let p = dir.path().join("huge.ron");
    let f = std::fs::File::create(&p).expect("create");
    f.set_len(20 * 1024 * 1024).expect("grow");
    let e = Scenario::load(&p).expect_err("20 MB");
    let msg = e.to_string();
    assert!(matches!(e, ScenarioError::Io { .. }), "{msg}");
    // Sizes in MB, not bytes.
    assert!(
        msg.contains("huge.ron") && msg.contains("20.0 MB") && msg.contains("at most 16.0 MB"),
        "{msg}"
    );
}

#[test]
fn every_problem_names_its_field() {
    let mut s = base();
    s.duration_s = f64::NAN;
    s.settings.window_s = -1.0;
    s.settings.clients[0].rate_per_s = f64::INFINITY;
    s.settings.clients[1].name = " ".into();
    s.settings.clients[1].rate_limit_burst = 0.0;
    s.settings.endpoints[1].name = "save".into();
    s.settings.browser.retry_probability = -0.1;
    s.settings.database.failure_probability = 7.0;
    s.settings.queue.backoff_cap_s = f64::NAN;
    s.settings.sla.wait_target_s = -1.0;
    s.settings.cost.server_worker_per_hour = f64::NEG_INFINITY;
    s.settings.timeline[0].at_s = f64::NAN;
    let problems = scenario::validate::validate(&s);
    assert!(problems.len() >= 12, "{problems:#?}");
    let e = ScenarioError::Invalid {
        origin: "x".into(),
        problems: problems.clone(),
    };
    assert_problems_name_fields(&e);
    for field in [
        "duration_s",
        "window_s",
        "clients[0].rate_per_s",
        "clients[1].name",
        "clients[1].rate_limit_burst",
        "endpoints[1].name",
        "browser.retry_probability",
        "database.failure_probability",
        "queue.backoff_cap_s",
        "sla.wait_target_s",
        "cost.server_worker_per_hour",
        "timeline[0].at_s",
    ] {
        assert!(
            problems.iter().any(|p| p.path == field),
            "no problem names {field}: {problems:#?}"
        );
    }
}

/// xorshift64*: a tiny deterministic generator, so a failure reproduces.
fn next(state: &mut u64) -> u64 {
    *state ^= *state >> 12;
    *state ^= *state << 25;
    *state ^= *state >> 27;
    state.wrapping_mul(0x2545_f491_4f6c_dd1d)
}

fn below(state: &mut u64, n: usize) -> usize {
    (next(state) % n.max(1) as u64) as usize
}

const TOKENS: &[&str] = &[
    "(",
    ")",
    "[",
    "]",
    ",",
    ":",
    "-",
    "0",
    "1",
    "-1",
    "1e308",
    "-1e308",
    "NaN",
    "inf",
    "-inf",
    "4294967296",
    "18446744073709551616",
    "0.0000001",
    "99999999",
    "\"",
    "Some(",
    "None",
    "x",
    "version: 2,",
    "Async",
    "Sync",
    "//",
    "/*",
    "\\",
    "é",
    "\u{0}",
];

const NUMBERS: &[&str] = &[
    "0", "1", "2", "0.5", "1000", "1e9", "-1", "NaN", "inf", "1e-9", "65", "100000",
];

/// One random edit of the text: delete a span, insert a token, or replace
/// a number with another (often a hostile one).
fn mutate(text: &str, state: &mut u64) -> String {
    let chars: Vec<char> = text.chars().collect();
    let at = below(state, chars.len());
    match below(state, 3) {
        0 => {
            let len = 1 + below(state, 6);
            let end = (at + len).min(chars.len());
            chars[..at].iter().chain(&chars[end..]).collect()
        }
        1 => {
            let token = TOKENS[below(state, TOKENS.len())];
            let mut out: String = chars[..at].iter().collect();
            out.push_str(token);
            out.extend(&chars[at..]);
            out
        }
        _ => {
            // The first number at or after `at`.
            let Some(start) = (at..chars.len()).find(|&i| chars[i].is_ascii_digit()) else {
                return text.to_string();
            };
            let end = (start..chars.len())
                .find(|&i| !(chars[i].is_ascii_digit() || chars[i] == '.'))
                .unwrap_or(chars.len());
            let mut out: String = chars[..start].iter().collect();
            out.push_str(NUMBERS[below(state, NUMBERS.len())]);
            out.extend(&chars[end..]);
            out
        }
    }
}

/// Runs a valid mutant for up to 5 s of sim time in small steps, stopping
/// early past an event budget (a mutant may legally ask for ten million
/// actions per second); the ledgers must balance wherever it stops.
fn run_briefly(s: Scenario) -> Result<(), String> {
    const EVENT_BUDGET: u64 = 2_000_000;
    let mut sys = System::new(s);
    let mut t: f64 = 0.0;
    while t < 5.0 && sys.events() < EVENT_BUDGET {
        t += 0.05;
        sys.run_until(SimTime::from_secs_f64(t.min(5.0)));
    }
    let _ = sys.summary();
    sys.check_ledgers()
}

#[test]
fn random_mutations_never_panic_and_valid_mutants_run_balanced() {
    let mut state = 0x0123_4567_89ab_cdef_u64;
    let mut valid = 0;
    let mut runs = 0;
    const MUTANTS: usize = 3_000;
    for i in 0..MUTANTS {
        let mut text = BASE.to_string();
        for _ in 0..1 + below(&mut state, 3) {
            text = mutate(&text, &mut state);
        }
        let parsed = std::panic::catch_unwind(|| Scenario::from_ron(&text, "mutant"));
        let result = parsed.unwrap_or_else(|_| panic!("mutant {i} panicked in from_ron:\n{text}"));
        match result {
            Err(e) => assert_clear(&e),
            Ok(s) => {
                valid += 1;
                // Only every other valid mutant is run, to keep the test fast.
                if valid % 2 == 0 {
                    runs += 1;
                    let outcome = std::panic::catch_unwind(|| run_briefly(s));
                    match outcome {
                        Err(_) => panic!("mutant {i} panicked while running:\n{text}"),
                        Ok(Err(e)) => panic!("mutant {i}: {e}\n{text}"),
                        Ok(Ok(())) => {}
                    }
                }
            }
        }
    }
    // The loop must exercise both paths, or it proves little.
    assert!(valid > MUTANTS / 20, "only {valid} valid mutants");
    assert!(valid < MUTANTS, "no mutant was rejected");
    assert!(runs > 50, "only {runs} runs");
}

fn round_trip(s: &Scenario, dir: &Path, name: &str) {
    let text = s.to_ron().expect("serialises");
    let again = Scenario::from_ron(&text, name).unwrap_or_else(|e| panic!("{name}: {e}\n{text}"));
    assert_eq!(&again, s, "{name}: text round trip");
    let p = dir.join(name);
    s.save(&p).unwrap_or_else(|e| panic!("{name}: save: {e}"));
    let loaded = Scenario::load(&p).unwrap_or_else(|e| panic!("{name}: load: {e}"));
    assert_eq!(&loaded, s, "{name}: file round trip");
}

#[test]
fn save_then_load_gives_back_the_same_scene() {
    let dir = tempfile::tempdir().expect("temp dir");
    round_trip(&Scenario::default(), dir.path(), "default.ron");
    round_trip(&base(), dir.path(), "base.ron");
    for b in scenario::BUILTIN_SCENES {
        let s = Scenario::from_ron(b.text, b.file).unwrap_or_else(|e| panic!("{e}"));
        // Exercises sit in a subfolder: saved flat here.
        round_trip(&s, dir.path(), &b.file.replace('/', "_"));
    }
    // After live tweaks, including values without a short decimal form.
    let mut s = base();
    for (path, value) in [
        ("database.connections", 17.0),
        ("clients[0].rate_per_s", 12.345),
        ("clients[1].rate_per_s", 1.0 / 3.0),
        ("endpoints[0].db_write_ms", 33.3),
        ("endpoints[1].cpu_ms", 0.1 + 0.2),
        ("network.latency_ms", 30.0),
        ("browser.poll_interval_s", 2.5),
        ("queue.workers", 0.0),
        ("queue.capacity", 1e10),
        ("cost.db_connection_per_hour", 1e-7),
    ] {
        knobs::set(&mut s.settings, path, value).unwrap_or_else(|e| panic!("{path}: {e}"));
    }
    round_trip(&s, dir.path(), "tweaked.ron");
    // Saving over an existing file replaces it.
    let mut t = s.clone();
    t.title = "replaced".into();
    round_trip(&t, dir.path(), "tweaked.ron");
}

fn leftovers(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .expect("list")
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect()
}

#[test]
fn saving_over_a_directory_fails_and_leaves_it_alone() {
    let dir = tempfile::tempdir().expect("temp dir");
    let target = dir.path().join("scene.ron");
    std::fs::create_dir(&target).expect("mkdir");
    std::fs::write(target.join("keep.txt"), "keep").expect("write");
    let e = base().save(&target).expect_err("a directory is not a file");
    assert!(e.to_string().contains("scene.ron"), "{e}");
    assert!(target.is_dir());
    assert_eq!(
        std::fs::read_to_string(target.join("keep.txt")).expect("kept"),
        "keep"
    );
    assert!(
        leftovers(dir.path()).is_empty(),
        "{:?}",
        leftovers(dir.path())
    );
}

#[test]
fn saving_under_a_file_or_missing_directory_fails() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("plain.txt");
    std::fs::write(&file, "plain").expect("write");
    base()
        .save(&file.join("scene.ron"))
        .expect_err("parent is a file");
    assert_eq!(std::fs::read_to_string(&file).expect("kept"), "plain");
    base()
        .save(&dir.path().join("missing/scene.ron"))
        .expect_err("parent missing");
}

#[test]
fn a_failed_save_leaves_the_existing_file_untouched() {
    let dir = tempfile::tempdir().expect("temp dir");
    let target = dir.path().join("scene.ron");
    let original = base();
    original.save(&target).expect("first save");
    let before = std::fs::read(&target).expect("read");
    let mut changed = base();
    changed.title = "changed".into();

    // Read-only directory. Root may write there anyway; then the save must
    // simply have worked completely.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o555))
            .expect("chmod");
        let result = changed.save(&target);
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755))
            .expect("chmod back");
        match result {
            Err(_) => assert_eq!(std::fs::read(&target).expect("read"), before),
            Ok(()) => {
                assert_eq!(Scenario::load(&target).expect("load"), changed);
                original.save(&target).expect("restore");
            }
        }
        assert!(leftovers(dir.path()).is_empty());
    }

    // A directory squatting on the temporary file's name makes the first
    // step fail even for root (this relies on the `.NAME.PID.tmp` naming;
    // if that changes, the save succeeds and must then be complete).
    let squat = dir
        .path()
        .join(format!(".scene.ron.{}.tmp", std::process::id()));
    std::fs::create_dir(&squat).expect("mkdir");
    match changed.save(&target) {
        Err(e) => {
            assert!(e.to_string().contains("scene.ron"), "{e}");
            assert_eq!(std::fs::read(&target).expect("read"), before);
        }
        Ok(()) => assert_eq!(Scenario::load(&target).expect("load"), changed),
    }
}

/// The format's growth policy: every earlier version keeps loading and is
/// written back in the current version. `tests/data/v1/` holds the shipped
/// scenes as they were in version 1.
#[test]
fn version_1_copies_of_every_shipped_scene_load_and_round_trip() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/v1");
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).expect("tests/data/v1").flatten() {
        let path = entry.path();
        let text = std::fs::read_to_string(&path).expect("readable");
        assert!(
            text.contains("version: 1,"),
            "{} is a version-1 file",
            path.display()
        );
        let s = Scenario::load(&path).unwrap_or_else(|e| panic!("{e}"));
        let written = s.to_ron().expect("serialises");
        assert!(
            written.contains(&format!("version: {},", scenario::FORMAT_VERSION)),
            "written in the current version"
        );
        let again = Scenario::from_ron(&written, "round trip").expect("reloads");
        assert_eq!(again, s, "{}", path.display());
        n += 1;
    }
    // Exercises came with version 3 (their goals), and scenes of your own
    // system with version 6 (their parts), so they have no v1 copy.
    let before_v3 = scenario::BUILTIN_SCENES
        .iter()
        .filter(|b| !b.file.starts_with("exercises/"))
        .filter(|b| {
            let s = Scenario::from_ron(b.text, b.file).expect("a shipped scene loads");
            !s.settings.has_parts()
        })
        .count();
    assert_eq!(n, before_v3, "one v1 copy per shipped scene");
}

#[test]
fn a_version_this_build_does_not_know_is_refused_by_name() {
    for v in [0, scenario::FORMAT_VERSION + 1, 99] {
        let text = format!("(version: {v}, title: \"x\")");
        let e = Scenario::from_ron(&text, "v.ron").expect_err("unknown version");
        let msg = e.to_string();
        assert!(
            msg.contains("version") && msg.contains(&v.to_string()),
            "{msg}"
        );
    }
}

#[test]
fn twins_view_and_goal_are_checked_by_field() {
    let text = r#"(
        version: 3,
        title: "v3",
        clients: [(name: "acme")],
        variants: [
            (name: "sync", changes: [SetMode(endpoint: None, mode: Sync)]),
            (name: "sync", changes: [Set(path: "clients[0].rate_per_s", value: 5)]),
            (name: "big", changes: [Set(path: "database.connections", value: -1)]),
        ],
        view: (speed: Times(5000), span_s: 1, key_plots: [Wait, Wait]),
        goal: Some((wait_p95_max_s: Some(-1), client_processed_p95_max_s: [("nobody", 5)])),
    )"#;
    let e = Scenario::from_ron(text, "v3.ron").expect_err("invalid");
    let msg = e.to_string();
    for field in [
        "variants[1].name",
        "variants[1].changes[0]",
        "must not change traffic",
        "variants[2].changes[0]",
        "view.speed",
        "view.span_s",
        "view.key_plots[1]",
        "goal.wait_p95_max_s",
        "goal.client_processed_p95_max_s[0].0",
    ] {
        assert!(msg.contains(field), "no {field} in {msg}");
    }
    let ok = r#"(
        version: 3,
        title: "v3",
        variants: [(name: "sync", changes: []), (name: "async", changes: [SetMode(endpoint: None, mode: Async)])],
        view: (speed: Max, span_s: 86400, key_plots: [Wait, Backlog, Cost]),
        goal: Some((wait_p95_max_s: Some(1.0), dead_letters_max: Some(0), hint: "Add workers")),
    )"#;
    let s = Scenario::from_ron(ok, "ok.ron").expect("valid");
    assert_eq!(s.variants.len(), 2);
    let again = Scenario::from_ron(&s.to_ron().expect("ron"), "again").expect("round trip");
    assert_eq!(again, s);
}

/// A missing `)` makes the parser read the next field as one of the
/// structure left open: the message names that structure and its line.
#[test]
fn a_missing_parenthesis_names_the_structure_left_open() {
    let text = asynclab::scenario::BUILTIN_SCENES
        .iter()
        .find(|b| b.file == "02-slow-database.ron")
        .expect("built in")
        .text;
    let broken = text.replacen(
        "database: (connections: 5),",
        "database: (connections: 5,",
        1,
    );
    assert_ne!(broken, text);
    let line = text
        .lines()
        .position(|l| l.contains("database: (connections: 5)"))
        .expect("the database line")
        + 1;
    let e = Scenario::from_ron(&broken, "slow.ron").expect_err("broken");
    let msg = e.to_string();
    assert!(msg.contains("Unexpected field named `queue`"), "{msg}");
    assert!(
        msg.contains(&format!(
            "is a `)` missing? `database: (` opened at line {line}, column 15 is still open here"
        )),
        "{msg}"
    );
    // A misspelt field on one line gets no such guess.
    let typo = text.replacen("database: (connections: 5)", "database: (conections: 5)", 1);
    let msg = Scenario::from_ron(&typo, "typo.ron")
        .expect_err("typo")
        .to_string();
    assert!(!msg.contains("missing?"), "{msg}");
}
