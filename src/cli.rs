//! The headless command line: `asynclab run`, `validate`, `scenes`, `knobs`.
//!
//! This is the edge where user input meets the simulator, so every error is
//! an `anyhow` error that names the file or argument it came from, and
//! nothing here panics on bad input.

use crate::fmt::thousands;
use crate::scenario::{self, Scenario, Settings, knobs, validate};
use crate::sim::metrics::{Ledgers, Quantiles, Reason, Summary, Window};
use crate::sim::{SimTime, System};
use crate::words;
use anyhow::{Context, bail};
use std::fmt::Write as _;
use std::io::{IsTerminal, Write as _};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// AsyncLab: see why going asynchronous rescues a system under load.
///
/// Without a subcommand the app opens (with FILE if given). The
/// subcommands run headless, for tests, benchmarks and trainers preparing
/// numbers.
#[derive(clap::Parser, Debug)]
#[command(name = "asynclab", version, about, long_about)]
pub struct Cli {
    /// Scene file to open in the app (default: the built-in default scene).
    pub file: Option<PathBuf>,
    /// Headless commands (without one, the app opens).
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Headless subcommands.
#[derive(clap::Subcommand, Debug)]
pub enum Command {
    /// Run a scene headless and print a summary (or JSON), optionally a CSV
    /// time series.
    Run(RunArgs),
    /// Check scene files; exit 0 if all are valid, else print every problem.
    Validate {
        /// The scene files.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// List the built-in scenes.
    Scenes,
    /// List a scene's knobs (paths for `--set`), with units, ranges and help.
    Knobs {
        /// A scene file or a built-in scene's file name.
        file: PathBuf,
    },
}

/// Arguments of `asynclab run`.
#[derive(clap::Args, Debug)]
pub struct RunArgs {
    /// A scene file, or a built-in scene's file name (see `asynclab scenes`).
    pub scene: PathBuf,
    /// Seconds of sim time to run (default: the scene's `duration_s`).
    #[arg(long, value_name = "S", allow_negative_numbers = true)]
    pub duration: Option<f64>,
    /// Run seed (default: the scene's `seed`).
    #[arg(long, value_name = "N")]
    pub seed: Option<u64>,
    /// Change a knob before the run, e.g. `--set database.connections=20`
    /// (repeatable; see `asynclab knobs FILE`).
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub set: Vec<String>,
    /// Write the per-window time series to this CSV file.
    #[arg(long, value_name = "FILE")]
    pub csv: Option<PathBuf>,
    /// Print one JSON object instead of the summary table.
    #[arg(long)]
    pub json: bool,
}

/// Runs a headless subcommand. On failure it prints the error chain on one
/// readable line block (no backtrace, whatever `RUST_BACKTRACE` says: this is
/// for users, not a crash) and exits with status 1.
pub fn run(cmd: Command) -> anyhow::Result<()> {
    if let Err(e) = run_command(cmd) {
        eprintln!("error: {e:#}");
        std::process::exit(1);
    }
    Ok(())
}

fn run_command(cmd: Command) -> anyhow::Result<()> {
    match cmd {
        Command::Run(args) => run_scene(&args),
        Command::Validate { files } => validate_files(&files),
        Command::Scenes => {
            print!("{}", scenes_text());
            Ok(())
        }
        Command::Knobs { file } => {
            let s = load_scene(&file)?;
            print!("{}", knobs_text(&s));
            Ok(())
        }
    }
}

// ----- loading ---------------------------------------------------------------

/// Loads a scene from disk or, when no such file exists, the built-in scene
/// with that file name (so `asynclab run 01-hello-sync.ron` works anywhere).
pub fn load_scene(arg: &Path) -> anyhow::Result<Scenario> {
    if !arg.exists()
        && let Some(name) = arg.file_name().and_then(|n| n.to_str())
        && let Some(result) = builtin_by_name(name)
    {
        return result.with_context(|| format!("built-in scene {name}"));
    }
    Scenario::load(arg).map_err(|e| {
        let hint = if arg.exists() {
            ""
        } else {
            "\n(not a built-in scene either: `asynclab scenes` lists them)"
        };
        anyhow::anyhow!("{e}{hint}")
    })
}

/// A built-in scene by file name, with or without `.ron`.
fn builtin_by_name(name: &str) -> Option<Result<Scenario, scenario::ScenarioError>> {
    scenario::builtin(name).or_else(|| scenario::builtin(&format!("{name}.ron")))
}

fn validate_files(files: &[PathBuf]) -> anyhow::Result<()> {
    let mut bad = 0;
    for f in files {
        match Scenario::load(f) {
            Ok(_) => println!("{}: valid", f.display()),
            Err(e) => {
                bad += 1;
                // The error already names the file (and line:column or each
                // field path), so it is printed as is.
                eprintln!("{e}");
            }
        }
    }
    if bad > 0 {
        bail!("{bad} of {} file(s) invalid", files.len());
    }
    Ok(())
}

/// Applies `--duration`, `--seed` and every `--set`, then re-validates the
/// whole scene (a knob in range can still break a cross-field rule).
fn apply_overrides(s: &mut Scenario, args: &RunArgs) -> anyhow::Result<()> {
    if let Some(d) = args.duration {
        if !(d.is_finite() && d > 0.0 && d <= validate::MAX_DURATION_S) {
            bail!(
                "--duration {d}: must be > 0 and ≤ {} s",
                validate::MAX_DURATION_S
            );
        }
        s.duration_s = d;
    }
    if let Some(seed) = args.seed {
        s.settings.seed = seed;
    }
    for arg in &args.set {
        let (path, value) = arg
            .split_once('=')
            .with_context(|| format!("--set {arg}: expected PATH=VALUE"))?;
        let value: f64 = value
            .trim()
            .parse()
            .map_err(|_| anyhow::anyhow!("--set {arg}: `{}` is not a number", value.trim()))?;
        knobs::set(&mut s.settings, path.trim(), value).with_context(|| format!("--set {arg}"))?;
    }
    let problems = validate::validate(s);
    if !problems.is_empty() {
        let list: Vec<String> = problems.iter().map(|p| format!("  {p}")).collect();
        bail!(
            "after command-line overrides the scene is invalid:\n{}",
            list.join("\n")
        );
    }
    Ok(())
}

// ----- running ---------------------------------------------------------------

/// What one headless run produced.
struct RunReport {
    title: String,
    seed: u64,
    duration_s: f64,
    summary: Summary,
    ledgers: Ledgers,
    balance: Result<(), String>,
    events: u64,
    wall: Duration,
}

fn run_scene(args: &RunArgs) -> anyhow::Result<()> {
    let mut s = load_scene(&args.scene)?;
    apply_overrides(&mut s, args)?;
    let scene_name = args.scene.display().to_string();
    let (report, sys) = simulate(s);
    if let Some(path) = &args.csv {
        let text = windows_csv(sys.settings(), sys.windows());
        scenario::write_atomic(path, text.as_bytes())
            .with_context(|| format!("writing CSV {}", path.display()))?;
    }
    if args.json {
        let v = report_json(&report, sys.settings(), &scene_name);
        let text = serde_json::to_string_pretty(&v).context("encoding JSON")?;
        println!("{text}");
    } else {
        print!("{}", summary_text(&report, sys.settings()));
    }
    if let Err(e) = &report.balance {
        bail!("ledgers do not balance (a simulator bug, please report it): {e}");
    }
    Ok(())
}

/// Runs the scene for its `duration_s` in chunks of sim time, so a progress
/// bar can follow a long run (on a terminal only: pipes and files stay clean).
fn simulate(s: Scenario) -> (RunReport, System) {
    const CHUNKS: u32 = 200;
    let title = s.title.clone();
    let seed = s.settings.seed;
    let duration_s = s.duration_s;
    let end = SimTime::from_secs_f64(duration_s);
    let mut bar = Progress::new(std::io::stderr().is_terminal());
    let started = Instant::now();
    let mut sys = System::new(s);
    for k in 1..=CHUNKS {
        let t = SimTime::from_secs_f64(duration_s * f64::from(k) / f64::from(CHUNKS)).min(end);
        sys.run_until(t);
        bar.show(
            f64::from(k) / f64::from(CHUNKS),
            t.as_secs_f64(),
            sys.events(),
        );
    }
    sys.run_until(end);
    bar.finish();
    let wall = started.elapsed();
    let report = RunReport {
        title,
        seed,
        duration_s,
        summary: sys.summary(),
        ledgers: sys.ledgers(),
        balance: sys.check_ledgers(),
        events: sys.events(),
        wall,
    };
    (report, sys)
}

/// A one-line progress bar on stderr, redrawn at most ten times a second
/// and only for runs that take long enough to need one.
struct Progress {
    enabled: bool,
    started: Instant,
    last_draw: Option<Instant>,
}

impl Progress {
    const SHOW_AFTER: Duration = Duration::from_millis(300);
    const REDRAW_EVERY: Duration = Duration::from_millis(100);

    fn new(enabled: bool) -> Self {
        Progress {
            enabled,
            started: Instant::now(),
            last_draw: None,
        }
    }

    fn show(&mut self, fraction: f64, t_s: f64, events: u64) {
        if !self.enabled || self.started.elapsed() < Self::SHOW_AFTER {
            return;
        }
        if self
            .last_draw
            .is_some_and(|t| t.elapsed() < Self::REDRAW_EVERY)
        {
            return;
        }
        self.last_draw = Some(Instant::now());
        const WIDTH: usize = 30;
        let filled = ((fraction.clamp(0.0, 1.0) * WIDTH as f64) as usize).min(WIDTH);
        let mut err = std::io::stderr().lock();
        // A failed write to the terminal only loses the bar; ignore it.
        let _ = write!(
            err,
            "\r[{}{}] {:3.0}%  sim {}  {} events",
            "#".repeat(filled),
            " ".repeat(WIDTH - filled),
            fraction * 100.0,
            crate::fmt::secs(t_s),
            thousands(events)
        );
        let _ = err.flush();
    }

    fn finish(&mut self) {
        if self.last_draw.is_some() {
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r{:78}\r", "");
            let _ = err.flush();
        }
    }
}

// ----- output: summary table -------------------------------------------------

fn summary_text(r: &RunReport, s: &Settings) -> String {
    let sm = &r.summary;
    let l = &r.ledgers;
    let mut o = String::new();
    let row = |o: &mut String, label: &str, value: String| {
        let _ = writeln!(o, "  {label:<30} {value}");
    };
    let _ = writeln!(o, "{}", r.title);
    let _ = writeln!(o, "{}", "=".repeat(r.title.chars().count().max(8)));
    row(&mut o, "seed", r.seed.to_string());
    row(&mut o, "sim duration", crate::fmt::secs(sm.duration_s));
    row(&mut o, "actions", thousands(l.actions.issued));

    let _ = writeln!(o, "\nUser wait (click → outcome)");
    row(&mut o, "all endpoints", fmt_quantiles(sm.wait.as_ref()));
    for (i, e) in s.endpoints.iter().enumerate() {
        let p95 = sm.wait_by_endpoint.get(i).copied().flatten().map(|q| q.p95);
        row(
            &mut o,
            &format!("{} p95", e.name),
            crate::fmt::secs(p95.unwrap_or(f64::NAN)),
        );
    }

    let _ = writeln!(o, "\nTime to processed (click → committed)");
    row(&mut o, "all clients", fmt_quantiles(sm.processed.as_ref()));
    for (i, c) in s.clients.iter().enumerate() {
        let p95 = sm
            .processed_by_client
            .get(i)
            .copied()
            .flatten()
            .map(|q| q.p95);
        let commits = sm.commits_by_client.get(i).copied().unwrap_or(0);
        row(
            &mut o,
            &format!("{} p95", c.name),
            format!(
                "{}  ({} commits)",
                crate::fmt::secs(p95.unwrap_or(f64::NAN)),
                thousands(commits)
            ),
        );
    }
    if let Some(q) = sm.learn.as_ref() {
        row(&mut o, "user learns (polling)", fmt_quantiles(Some(q)));
    }

    let _ = writeln!(o, "\nFailures and retries");
    for reason in Reason::ALL.iter() {
        row(
            &mut o,
            &format!("errors: {}", words::reason(*reason)),
            thousands(sm.errors[*reason]),
        );
    }
    row(
        &mut o,
        "user retries (click again)",
        thousands(sm.user_retries),
    );
    row(&mut o, "system retries", thousands(sm.system_retries));
    row(&mut o, "dead letters", thousands(l.work.dead_lettered));
    row(&mut o, "wasted work", thousands(sm.wasted));
    row(
        &mut o,
        "retry amplification",
        format!("{:.3} attempts / action", sm.retry_amplification),
    );
    row(
        &mut o,
        "database writes",
        format!("{:.3} writes / action", sm.writes_per_action),
    );
    row(&mut o, "wasted commits", thousands(l.work.committed_wasted));
    row(&mut o, "polls", thousands(sm.polls));

    let _ = writeln!(o, "\nCapacity");
    let u = &sm.utilisation;
    row(
        &mut o,
        "utilisation: server workers",
        crate::fmt::share(u.server),
    );
    row(
        &mut o,
        "utilisation: DB connections",
        crate::fmt::share(u.database),
    );
    row(
        &mut o,
        "utilisation: queue workers",
        crate::fmt::share(u.queue_workers),
    );
    row(
        &mut o,
        "peak backlog",
        format!("{} jobs", thousands(sm.peak_backlog)),
    );
    row(
        &mut o,
        &format!("SLA: wait ≤ {}", crate::fmt::secs(s.sla.wait_target_s)),
        crate::fmt::share(sm.sla_wait_share),
    );
    row(
        &mut o,
        &format!(
            "SLA: processed ≤ {}",
            crate::fmt::secs(s.sla.processed_target_s)
        ),
        crate::fmt::share(sm.sla_processed_share),
    );
    row(&mut o, "capacity cost", format!("${:.2}", sm.capacity_cost));
    let revenue: Vec<String> = scenario::Tier::ALL
        .iter()
        .map(|t| format!("{t:?} ${:.2}", sm.revenue_by_tier[t.index()]))
        .collect();
    row(&mut o, "revenue by tier", revenue.join(", "));

    let a = &l.actions;
    let _ = writeln!(o, "\nLedger: actions (as users saw them)");
    let failed: Vec<String> = Reason::ALL
        .iter()
        .map(|r| format!("{} {}", words::reason(*r), thousands(a.failed[*r])))
        .collect();
    let _ = writeln!(
        o,
        "  issued {} = succeeded {} + failed {} ({}) + awaiting {}",
        thousands(a.issued),
        thousands(a.succeeded),
        thousands(a.failed.total()),
        failed.join(", "),
        thousands(a.awaiting)
    );
    let w = &l.work;
    let st = &w.in_flight;
    let _ = writeln!(o, "Ledger: requests and jobs (as the system handled them)");
    let _ = writeln!(
        o,
        "  requests {} = committed {} (of which wasted {}) + rejected {} (server busy {}, queue full {}, DB error {}) + dead-lettered {} + in flight {}",
        thousands(w.requests),
        thousands(w.committed),
        thousands(w.committed_wasted),
        thousands(w.rejected.total()),
        thousands(w.rejected.server_busy),
        thousands(w.rejected.queue_full),
        thousands(w.rejected.db_error),
        thousands(w.dead_lettered),
        thousands(st.total()),
    );
    let _ = writeln!(
        o,
        "  in flight: network {}, accept backlog {}, server {}, DB wait {}, DB write {}, queued {}, backoff {}",
        st.network, st.accept_backlog, st.server, st.db_wait, st.db_write, st.queued, st.backoff
    );
    match &r.balance {
        Ok(()) => {
            let _ = writeln!(o, "  balanced ✓");
        }
        Err(e) => {
            let _ = writeln!(o, "  NOT balanced ✗: {e}");
        }
    }

    let wall_s = r.wall.as_secs_f64();
    let _ = writeln!(o, "\nRun");
    row(&mut o, "events", thousands(r.events));
    row(&mut o, "wall time", format!("{wall_s:.3} s"));
    row(
        &mut o,
        "events/s",
        thousands(per_second(r.events, wall_s) as u64),
    );
    o
}

fn per_second(count: u64, wall_s: f64) -> f64 {
    if wall_s > 0.0 {
        count as f64 / wall_s
    } else {
        0.0
    }
}

fn fmt_quantiles(q: Option<&Quantiles>) -> String {
    match q {
        None => "— (no samples)".to_string(),
        Some(q) => format!(
            "p50 {}  p95 {}  p99 {}  max {}  (n = {})",
            crate::fmt::secs(q.p50),
            crate::fmt::secs(q.p95),
            crate::fmt::secs(q.p99),
            crate::fmt::secs(q.max),
            thousands(q.n)
        ),
    }
}

// ----- output: JSON ----------------------------------------------------------

/// One JSON object: scenario identity, summary and both ledgers. serde_json
/// writes non-finite floats (NaN quantiles with too few samples) as `null`.
fn report_json(r: &RunReport, s: &Settings, scene: &str) -> serde_json::Value {
    let wall_s = r.wall.as_secs_f64();
    serde_json::json!({
        "scenario": {
            "file": scene,
            "title": r.title,
            "seed": r.seed,
            "duration_s": r.duration_s,
            "clients": s.clients.iter().map(|c| c.name.as_str()).collect::<Vec<_>>(),
            "endpoints": s.endpoints.iter().map(|e| e.name.as_str()).collect::<Vec<_>>(),
        },
        "summary": r.summary,
        "ledgers": r.ledgers,
        "ledgers_balanced": r.balance.is_ok(),
        "ledger_problem": r.balance.as_ref().err(),
        "dead_letters": r.ledgers.work.dead_lettered,
        "events": r.events,
        "wall_s": wall_s,
        "events_per_s": per_second(r.events, wall_s),
    })
}

// ----- output: CSV -----------------------------------------------------------

/// A CSV header cell from a client name: letters, digits and `_` only, so
/// the header never needs quoting.
fn column_name(name: &str) -> String {
    name.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect()
}

/// The per-window time series, one row per window. Unknown values (NaN
/// percentiles from too few samples) are empty cells.
fn windows_csv(s: &Settings, windows: &[Window]) -> String {
    let mut header: Vec<String> = [
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
    ]
    .iter()
    .map(|h| h.to_string())
    .collect();
    header.extend(
        s.clients
            .iter()
            .map(|c| format!("backlog_{}", column_name(&c.name))),
    );
    header.extend(
        [
            "oldest_job_age_s",
            "in_backoff",
            "pending_polled",
            "util_server",
            "util_db",
            "util_workers",
            "util_server_polls",
            "cost_per_hour",
        ]
        .iter()
        .map(|h| h.to_string()),
    );
    let mut out = header.join(",");
    out.push('\n');
    for w in windows {
        let mut cells: Vec<String> = Vec::with_capacity(header.len());
        cells.push(float_cell(w.t_s));
        for n in [w.actions, w.clicks, w.responses, w.acks, w.commits] {
            cells.push(n.to_string());
        }
        cells.extend(Reason::ALL.iter().map(|r| w.errors[*r].to_string()));
        for n in [
            w.user_retries,
            w.system_retries,
            w.dead_letters,
            w.wasted,
            w.polls,
        ] {
            cells.push(n.to_string());
        }
        for x in [
            w.wait.p50,
            w.wait.p95,
            w.wait.p99,
            w.wait.max,
            w.processed.p50,
            w.processed.p95,
            w.processed.p99,
            w.learn_p95,
            w.sla_share,
        ] {
            cells.push(float_cell(x));
        }
        cells.push(w.backlog.to_string());
        for i in 0..s.clients.len() {
            let n = w.backlog_by_client.get(i).copied().unwrap_or(0);
            cells.push(n.to_string());
        }
        cells.push(float_cell(w.oldest_job_age_s));
        cells.push(w.in_backoff.to_string());
        cells.push(w.pending_polled.to_string());
        for x in [
            w.util_server,
            w.util_db,
            w.util_workers,
            w.util_server_polls,
            w.cost_per_hour,
        ] {
            cells.push(float_cell(x));
        }
        out.push_str(&cells.join(","));
        out.push('\n');
    }
    out
}

fn float_cell(x: f64) -> String {
    if x.is_finite() {
        format!("{x}")
    } else {
        String::new()
    }
}

// ----- scenes and knobs ------------------------------------------------------

fn scenes_text() -> String {
    let mut o = String::new();
    if scenario::BUILTIN_SCENES.is_empty() {
        let _ = writeln!(o, "(no built-in scenes in this build)");
    }
    for b in scenario::BUILTIN_SCENES {
        let title = match Scenario::from_ron(b.text, b.file) {
            Ok(s) => s.title,
            Err(e) => format!("(does not load: {e})"),
        };
        let _ = writeln!(o, "{:<28} {title}", b.file);
    }
    o
}

fn knobs_text(s: &Scenario) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "Knobs of \"{}\" (use with --set PATH=VALUE)", s.title);
    for group in knobs::Group::ALL {
        let ks: Vec<knobs::Knob> = knobs::knobs(&s.settings)
            .into_iter()
            .filter(|k| k.group == group)
            .collect();
        if ks.is_empty() {
            continue;
        }
        let _ = writeln!(o, "\n{}", group.title());
        for k in ks {
            let value = knobs::get(&s.settings, &k.path)
                .map(|v| format!("{v}"))
                .unwrap_or_else(|_| "?".to_string());
            let unit = if k.unit.is_empty() {
                String::new()
            } else {
                format!(" {}", k.unit)
            };
            let kind = if k.integer { ", whole" } else { "" };
            let _ = writeln!(
                o,
                "  {:<36} = {value}{unit}   [{} … {}{kind}]  {}",
                k.path, k.min, k.max, k.label
            );
            let _ = writeln!(o, "      {}", k.help);
        }
    }
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_writes_nan_as_null() {
        let v = serde_json::json!({ "x": f64::NAN });
        assert_eq!(v.to_string(), r#"{"x":null}"#);
    }

    #[test]
    fn csv_has_one_row_per_window_and_no_nan() {
        let s = Settings::default();
        let mut sys = System::new(s.clone());
        sys.run_until(SimTime::from_secs_f64(5.0));
        let text = windows_csv(&s, sys.windows());
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 1 + sys.windows().len());
        let columns = lines[0].split(',').count();
        for l in &lines {
            assert_eq!(l.split(',').count(), columns);
            assert!(!l.contains("NaN"));
        }
    }
}
