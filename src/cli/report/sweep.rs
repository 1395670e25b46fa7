//! What `asynclab sweep` prints and writes: the load curve as a table, as
//! CSV (one row per point, columns declared once) and as JSON; and the
//! cheapest-capacity answer. No clap here.

use crate::explain;
use crate::fmt;
use crate::scenario::Settings;
use crate::sim::Quantiles;
use crate::sweep::{Cheapest, Point, Sweep};
use crate::words;

/// The stage named as a point's bottleneck, in lower case.
fn bottleneck(p: &Point, s: &Settings) -> String {
    p.bottleneck().map_or("—".to_string(), |k| {
        explain::stage_name(k, s).to_lowercase()
    })
}

fn q(x: Option<Quantiles>, f: fn(&Quantiles) -> f64) -> f64 {
    x.as_ref().map_or(f64::NAN, f)
}

/// A point's p95 of wait or time to processed per seed.
fn seed_p95(p: &Point, processed: bool) -> crate::sweep::Spread {
    p.spread(|r| {
        let x = if processed { r.processed } else { r.wait };
        q(x, |q| q.p95)
    })
}

/// `1.23 s`, or `1.23 s ±40.0 ms` with the seeds' spread when there are
/// several.
fn with_spread(x: f64, spread: crate::sweep::Spread) -> String {
    if spread.n > 1 {
        format!("{} ±{}", fmt::secs(x), fmt::secs(spread.sd))
    } else {
        fmt::secs(x)
    }
}

/// Erlang C's p95 time to processed at the point's offered load, where
/// its processing path is an M/M/c station (NaN elsewhere, infinite when
/// overloaded).
fn erlang_p95(p: &Point) -> f64 {
    p.mmc.map_or(f64::NAN, |m| {
        m.processed_quantile_s(p.offered_per_s(), 0.95)
    })
}

/// A knob value as typed: `20`, `2.5`.
fn value(x: f64) -> String {
    format!("{}", (x * 1e6).round() / 1e6)
}

/// The table: one row per point, sync and async beside each other.
pub fn sweep_text(sw: &Sweep, s: &Settings) -> String {
    let theory = sw.points.iter().any(|p| erlang_p95(p).is_finite());
    let mut head = vec![
        sw.knob.label(),
        "mode".into(),
        "offered".into(),
        "bottleneck".into(),
        "busy".into(),
        "wait p50".into(),
        "wait p95".into(),
        "wait p99".into(),
        "processed p95".into(),
        "errors".into(),
        "backlog".into(),
        "cost/h".into(),
    ];
    if theory {
        head.push("Erlang C p95".into());
    }
    let mut rows = vec![head];
    for p in &sw.points {
        let mut row = vec![
            value(p.value),
            words::mode(p.mode).to_string(),
            fmt::rate(p.offered_per_s()),
            bottleneck(p, s),
            fmt::share(p.bottleneck_utilisation()),
            fmt::secs(q(p.wait, |q| q.p50)),
            with_spread(q(p.wait, |q| q.p95), seed_p95(p, false)),
            fmt::secs(q(p.wait, |q| q.p99)),
            with_spread(q(p.processed, |q| q.p95), seed_p95(p, true)),
            fmt::share(p.error_share()),
            fmt::thousands(p.backlog_end().round().max(0.0) as u64),
            fmt::dollars(p.cost_per_hour()),
        ];
        if theory {
            row.push(fmt::secs(erlang_p95(p)));
        }
        rows.push(row);
    }
    let runs = sw.points.len() * sw.seeds.len();
    let mut values: Vec<f64> = sw.points.iter().map(|p| p.value).collect();
    values.dedup();
    let mut modes: Vec<&str> = Vec::new();
    for p in &sw.points {
        if !modes.contains(&words::mode(p.mode)) {
            modes.push(words::mode(p.mode));
        }
    }
    let mut out = format!(
        "{}: {} over {} values × {}, {} per run, {} seed{} ({} runs, {} events)\n\n",
        sw.title,
        sw.knob.label(),
        values.len(),
        modes.join("/"),
        fmt::target(sw.duration_s),
        sw.seeds.len(),
        if sw.seeds.len() == 1 { "" } else { "s" },
        runs,
        fmt::thousands(sw.events)
    );
    out.push_str(&table(&rows, &[1, 3]));
    if sw.seeds.len() > 1 {
        out.push_str(
            "\nPercentiles pool every seed's samples; ± is the seeds' standard deviation.\n",
        );
    }
    out
}

/// Aligns `rows` in columns: left-aligned where `left` says, else right.
fn table(rows: &[Vec<String>], left: &[usize]) -> String {
    let n = rows.iter().map(|r| r.len()).max().unwrap_or(0);
    let width: Vec<usize> = (0..n)
        .map(|i| {
            rows.iter()
                .filter_map(|r| r.get(i))
                .map(|c| c.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for r in rows {
        let cells: Vec<String> = r
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let pad = " ".repeat(width[i].saturating_sub(c.chars().count()));
                if left.contains(&i) {
                    format!("{c}{pad}")
                } else {
                    format!("{pad}{c}")
                }
            })
            .collect();
        out.push_str("  ");
        out.push_str(cells.join("  ").trim_end());
        out.push('\n');
    }
    out
}

/// One CSV column: its header and how a point fills it.
struct Col {
    name: &'static str,
    cell: fn(&Point) -> f64,
}

/// The numeric columns after `value` and `mode`, declared once.
const COLS: &[Col] = &[
    Col {
        name: "offered_per_s",
        cell: |p| p.offered_per_s(),
    },
    Col {
        name: "bottleneck_utilisation",
        cell: |p| p.bottleneck_utilisation(),
    },
    Col {
        name: "wait_p50_s",
        cell: |p| q(p.wait, |q| q.p50),
    },
    Col {
        name: "wait_p95_s",
        cell: |p| q(p.wait, |q| q.p95),
    },
    Col {
        name: "wait_p99_s",
        cell: |p| q(p.wait, |q| q.p99),
    },
    Col {
        name: "wait_mean_s",
        cell: |p| q(p.wait, |q| q.mean),
    },
    Col {
        name: "wait_p95_sd_s",
        cell: |p| seed_p95(p, false).sd,
    },
    Col {
        name: "processed_p50_s",
        cell: |p| q(p.processed, |q| q.p50),
    },
    Col {
        name: "processed_p95_s",
        cell: |p| q(p.processed, |q| q.p95),
    },
    Col {
        name: "processed_p99_s",
        cell: |p| q(p.processed, |q| q.p99),
    },
    Col {
        name: "processed_mean_s",
        cell: |p| q(p.processed, |q| q.mean),
    },
    Col {
        name: "processed_p95_sd_s",
        cell: |p| seed_p95(p, true).sd,
    },
    Col {
        name: "error_share",
        cell: |p| p.error_share(),
    },
    Col {
        name: "backlog_end",
        cell: |p| p.backlog_end(),
    },
    Col {
        name: "cost_per_hour",
        cell: |p| p.cost_per_hour(),
    },
    Col {
        name: "erlang_c_processed_p95_s",
        cell: erlang_p95,
    },
];

/// The sweep as CSV: a header, then one row per point (unknown numbers
/// are empty cells).
pub fn sweep_csv(sw: &Sweep, s: &Settings) -> String {
    let mut out = String::from("value,mode,bottleneck,seeds");
    for c in COLS {
        out.push(',');
        out.push_str(c.name);
    }
    out.push('\n');
    for p in &sw.points {
        out.push_str(&format!(
            "{},{},{},{}",
            p.value,
            words::mode(p.mode).to_lowercase(),
            bottleneck(p, s).replace([',', ' '], "_"),
            p.runs.len()
        ));
        for c in COLS {
            let x = (c.cell)(p);
            out.push(',');
            if x.is_finite() {
                out.push_str(&x.to_string());
            }
        }
        out.push('\n');
    }
    out
}

/// The sweep as one JSON object.
pub fn sweep_json(sw: &Sweep, s: &Settings, scene: &str) -> serde_json::Value {
    let points: Vec<serde_json::Value> = sw
        .points
        .iter()
        .map(|p| {
            let mut o = serde_json::json!({
                "value": p.value,
                "mode": words::mode(p.mode).to_lowercase(),
                "bottleneck": bottleneck(p, s),
                "wait": p.wait,
                "processed": p.processed,
                "seeds": p.runs.iter().map(|r| serde_json::json!({
                    "seed": r.seed,
                    "wait": r.wait,
                    "processed": r.processed,
                    "events": r.events,
                })).collect::<Vec<_>>(),
            });
            for c in COLS {
                o[c.name] = serde_json::json!((c.cell)(p));
            }
            o
        })
        .collect();
    serde_json::json!({
        "scenario": { "file": scene, "title": sw.title },
        "knob": sw.knob.label(),
        "duration_s": sw.duration_s,
        "seeds": sw.seeds,
        "events": sw.events,
        "points": points,
    })
}

/// The cheapest value per mode, what it costs, and what was tried.
pub fn cheapest_text(title: &str, knob: &str, found: &[Cheapest], s: &Settings) -> String {
    let sla = &s.sla;
    let mut out = format!(
        "{title}: cheapest {knob} that meets the SLA targets\n\
         (every window: p95 wait ≤ {}, p95 processed ≤ {}, no job older than that, no errors)\n\n",
        fmt::target(sla.wait_target_s),
        if sla.processed_target_s >= 60.0 {
            fmt::span(sla.processed_target_s)
        } else {
            fmt::target(sla.processed_target_s)
        }
    );
    let mut rows = vec![vec![
        "mode".to_string(),
        "cheapest".into(),
        "cost/h".into(),
        "tried (✓ meets, ✗ misses)".into(),
    ]];
    for c in found {
        let tried: Vec<String> = c
            .tried
            .iter()
            .map(|t| format!("{} {}", value(t.value), if t.meets { "✓" } else { "✗" }))
            .collect();
        let top = c.tried.iter().map(|t| t.value).fold(f64::NAN, f64::max);
        rows.push(vec![
            words::mode(c.mode).to_string(),
            c.value.map_or(format!("none ≤ {}", value(top)), value),
            fmt::dollars(c.cost_per_hour),
            tried.join("  "),
        ]);
    }
    out.push_str(&table(&rows, &[0, 3]));
    if let [a, b] = found
        && a.value.is_some()
        && b.value.is_some()
        && b.cost_per_hour > 0.0
    {
        out.push_str(&format!(
            "\n{} costs {:.2}× {} per hour.\n",
            words::mode(a.mode),
            a.cost_per_hour / b.cost_per_hour,
            words::mode(b.mode)
        ));
    }
    out
}

/// The search's answer as one JSON object.
pub fn cheapest_json(
    scene: &str,
    title: &str,
    knob: &str,
    found: &[Cheapest],
) -> serde_json::Value {
    let modes: Vec<serde_json::Value> = found
        .iter()
        .map(|c| {
            serde_json::json!({
                "mode": words::mode(c.mode).to_lowercase(),
                "value": c.value,
                "cost_per_hour": c.cost_per_hour,
                "tried": c.tried.iter().map(|t| serde_json::json!({
                    "value": t.value,
                    "meets": t.meets,
                    "worst_wait_p95_s": t.check.worst_wait_p95_s,
                    "worst_processed_p95_s": t.check.worst_processed_p95_s,
                    "oldest_job_s": t.check.oldest_job_s,
                    "errors": t.check.errors,
                    "cost_per_hour": t.cost_per_hour,
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    serde_json::json!({
        "scenario": { "file": scene, "title": title },
        "knob": knob,
        "cheapest": modes,
    })
}
