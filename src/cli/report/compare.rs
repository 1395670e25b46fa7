//! A comparison's report: the twins' summaries side by side, one column
//! per twin, the difference in words (`crate::compare`), each twin's
//! ledgers, and one JSON object with a `twins` array for scripts.

use super::RunReport;
use super::summary::{ledgers, row};
use crate::compare::{Figures, Scope, sentences};
use crate::fmt::{secs, share, thousands};
use crate::sim::{Quantiles, Reason, Settings};
use crate::words;
use std::fmt::Write as _;
use std::time::Duration;

/// One twin's run, for the report.
#[derive(Clone, Debug)]
pub struct TwinReport {
    /// The variant's name.
    pub name: String,
    /// Its summary, ledgers and events.
    pub run: RunReport,
    /// Its settings at the end of the run (its variant applied).
    pub settings: Settings,
}

impl TwinReport {
    /// The figures the difference sentence states.
    pub fn figures(&self) -> Figures {
        Figures::of_run(&self.run.summary, &self.settings)
    }
}

/// A table row: a label and one cell per twin.
type Row = (String, Vec<String>);

/// A row of the same measure for every twin.
fn cells(label: &str, twins: &[TwinReport], cell: impl Fn(&TwinReport) -> String) -> Row {
    (label.to_string(), twins.iter().map(cell).collect())
}

/// A quantile of a twin's whole-run distribution, or a dash.
fn q(of: Option<Quantiles>, pick: fn(&Quantiles) -> f64) -> String {
    of.as_ref()
        .map_or_else(|| "—".to_string(), |q| secs(pick(q)))
}

/// Every measure of the side-by-side table, in order. Error reasons are
/// listed where any twin has some.
fn table(twins: &[TwinReport]) -> Vec<Row> {
    let mut rows = vec![
        cells("mode", twins, |t| {
            let modes: Vec<&str> = t
                .settings
                .endpoints
                .iter()
                .map(|e| words::mode(e.mode))
                .collect();
            modes.join("/")
        }),
        cells("actions", twins, |t| {
            thousands(t.run.ledgers.actions.issued)
        }),
        cells("user wait p50", twins, |t| q(t.run.summary.wait, |q| q.p50)),
        cells("user wait p95", twins, |t| q(t.run.summary.wait, |q| q.p95)),
        cells("user wait p99", twins, |t| q(t.run.summary.wait, |q| q.p99)),
        cells("user wait max", twins, |t| q(t.run.summary.wait, |q| q.max)),
        cells("time to processed p95", twins, |t| {
            q(t.run.summary.processed, |q| q.p95)
        }),
        cells("errors", twins, |t| thousands(t.run.summary.errors.total())),
    ];
    for reason in Reason::ALL {
        if twins.iter().any(|t| t.run.summary.errors[reason] > 0) {
            let label = format!("  {}", words::reason(reason));
            rows.push(cells(&label, twins, |t| {
                thousands(t.run.summary.errors[reason])
            }));
        }
    }
    rows.extend([
        cells("errors per minute", twins, |t| {
            crate::compare::per_minute(t.figures().errors_per_min)
        }),
        cells("user retries (click again)", twins, |t| {
            thousands(t.run.summary.user_retries)
        }),
        cells("system retries", twins, |t| {
            thousands(t.run.summary.system_retries)
        }),
        cells("dead letters", twins, |t| {
            thousands(t.run.ledgers.work.dead_lettered)
        }),
        cells("wasted work", twins, |t| thousands(t.run.summary.wasted)),
        cells("retry amplification", twins, |t| {
            format!("{:.3}", t.run.summary.retry_amplification)
        }),
        cells("peak backlog", twins, |t| {
            thousands(t.run.summary.peak_backlog)
        }),
        cells("utilisation: server", twins, |t| {
            share(t.run.summary.utilisation.server)
        }),
        cells("utilisation: database", twins, |t| {
            share(t.run.summary.utilisation.database)
        }),
        cells("utilisation: queue workers", twins, |t| {
            share(t.run.summary.utilisation.queue_workers)
        }),
        cells("SLA: wait within target", twins, |t| {
            share(t.run.summary.sla_wait_share)
        }),
        cells("SLA: processed within target", twins, |t| {
            share(t.run.summary.sla_processed_share)
        }),
        cells("capacity cost", twins, |t| {
            format!("${:.2}", t.run.summary.capacity_cost)
        }),
        cells("cost per hour", twins, |t| {
            format!("${:.2}", t.figures().cost_per_hour)
        }),
        cells("ledgers", twins, |t| {
            if t.run.balance.is_ok() {
                "balanced ✓".to_string()
            } else {
                "NOT balanced ✗".to_string()
            }
        }),
        cells("events", twins, |t| thousands(t.run.events)),
    ]);
    rows
}

/// The rows as aligned text: labels in 30 columns, then one column per
/// twin, as wide as its name or its widest cell.
fn aligned(names: &[&str], rows: &[Row]) -> String {
    let widths: Vec<usize> = (0..names.len())
        .map(|k| {
            let widest = rows.iter().map(|(_, c)| c[k].chars().count()).max();
            widest.unwrap_or(0).max(names[k].chars().count()).max(10) + 2
        })
        .collect();
    let line = |label: &str, cells: &[&str]| {
        let mut l = format!("  {label:<30}");
        for (c, w) in cells.iter().zip(&widths) {
            let _ = write!(l, " {c:<w$}");
        }
        l.trim_end().to_string() + "\n"
    };
    let mut o = line("", names);
    for (label, c) in rows {
        let c: Vec<&str> = c.iter().map(String::as_str).collect();
        o.push_str(&line(label, &c));
    }
    o
}

/// The comparison for people: title, the twins side by side, the
/// difference in words, whether they saw the same users, each twin's
/// ledgers, and the run's speed over all twins.
pub fn compare_text(twins: &[TwinReport], same_users: bool, wall: Duration) -> String {
    let Some(first) = twins.first() else {
        return String::new();
    };
    let mut o = String::new();
    let title = format!("{} — twins side by side", first.run.title);
    let _ = writeln!(o, "{title}");
    let _ = writeln!(o, "{}", "=".repeat(title.chars().count()));
    row(&mut o, "seed", first.run.seed);
    row(&mut o, "sim duration", secs(first.run.summary.duration_s));
    o.push('\n');
    let names: Vec<&str> = twins.iter().map(|t| t.name.as_str()).collect();
    o.push_str(&aligned(&names, &table(twins)));
    let _ = writeln!(o, "\nDifference");
    for s in sentences(&named_figures(twins), Scope::Run) {
        let _ = writeln!(o, "  {s}");
    }
    let _ = writeln!(o, "\nSame users");
    if same_users {
        let _ = writeln!(
            o,
            "  every twin saw the same {} user actions, first clicks at the same instants ✓",
            thousands(first.run.ledgers.actions.issued)
        );
    } else if let Some(shed) = limit_shed(twins) {
        // Shed arrivals are counted in bulk, not drawn one by one, so a
        // twin at the limit stops drawing the others' users.
        let _ = writeln!(
            o,
            "  the twins' users differ from when {shed} reached the simulation limit \
             (limits.max_in_flight) and shed arrivals in bulk"
        );
    } else {
        let _ = writeln!(
            o,
            "  the twins' users differ ✗ (a simulator bug, please report it)"
        );
    }
    for t in twins {
        let _ = write!(o, "\n[{}]", t.name);
        o.push_str(&ledgers(&t.run));
    }
    let events: u64 = twins.iter().map(|t| t.run.events).sum();
    let actions: u64 = twins.iter().map(|t| t.run.ledgers.actions.issued).sum();
    let wall_s = wall.as_secs_f64();
    let per_s = |n: u64| thousands(if wall_s > 0.0 { n as f64 / wall_s } else { 0.0 } as u64);
    let _ = writeln!(o, "\nRun");
    row(&mut o, "twins", format!("{} (a thread each)", twins.len()));
    row(&mut o, "events (all twins)", thousands(events));
    row(&mut o, "wall time", format!("{wall_s:.3} s"));
    row(&mut o, "user actions/s (all twins)", per_s(actions));
    row(&mut o, "events/s (all twins)", per_s(events));
    o
}

/// Each twin's name and figures, in order.
fn named_figures(twins: &[TwinReport]) -> Vec<(String, Figures)> {
    twins
        .iter()
        .map(|t| (t.name.clone(), t.figures()))
        .collect()
}

/// The comparison as one JSON object: the scene, `twins` in variant order
/// (each with its name, summary, both ledgers and its headline figures),
/// the difference in words, whether the users were the same, and the
/// run's speed over all twins.
pub fn compare_json(
    twins: &[TwinReport],
    s: &Settings,
    scene: &str,
    same_users: bool,
    wall: Duration,
) -> serde_json::Value {
    let first = twins.first().map(|t| &t.run);
    let list: Vec<serde_json::Value> = twins
        .iter()
        .map(|t| {
            let f = t.figures();
            serde_json::json!({
                "name": t.name,
                "summary": t.run.summary,
                "ledgers": t.run.ledgers,
                "ledgers_balanced": t.run.balance.is_ok(),
                "ledger_problem": t.run.balance.as_ref().err(),
                "dead_letters": t.run.ledgers.work.dead_lettered,
                "events": t.run.events,
                "figures": {
                    "wait_p95_s": f.wait_p95_s,
                    "peak_backlog": f.backlog,
                    "errors_per_min": f.errors_per_min,
                    "cost_per_hour": f.cost_per_hour,
                },
            })
        })
        .collect();
    let events: u64 = twins.iter().map(|t| t.run.events).sum();
    let actions: u64 = twins.iter().map(|t| t.run.ledgers.actions.issued).sum();
    let wall_s = wall.as_secs_f64();
    let per_s = |n: u64| if wall_s > 0.0 { n as f64 / wall_s } else { 0.0 };
    serde_json::json!({
        "scenario": {
            "file": scene,
            "title": first.map(|r| r.title.as_str()),
            "seed": first.map(|r| r.seed),
            "duration_s": first.map(|r| r.duration_s),
            "clients": s.clients.iter().map(|c| c.name.as_str()).collect::<Vec<_>>(),
            "endpoints": s.endpoints.iter().map(|e| e.name.as_str()).collect::<Vec<_>>(),
        },
        "twins": list,
        "difference": sentences(&named_figures(twins), Scope::Run),
        "same_users": same_users,
        "events": events,
        "wall_s": wall_s,
        "events_per_s": per_s(events),
        "actions_per_s": per_s(actions),
    })
}

/// The twins that shed arrivals at the simulation limit, with how many
/// ("sync (1,204 shed)"), or `None` when none did.
pub fn limit_shed(twins: &[TwinReport]) -> Option<String> {
    let shed: Vec<String> = twins
        .iter()
        .filter(|t| t.run.ledgers.work.rejected.sim_limit > 0)
        .map(|t| {
            format!(
                "{} ({} shed)",
                t.name,
                thousands(t.run.ledgers.work.rejected.sim_limit)
            )
        })
        .collect();
    (!shed.is_empty()).then(|| shed.join(" and "))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn twin(name: &str, p95: f64, timeouts: u64) -> TwinReport {
        let mut run = RunReport {
            title: "Test".into(),
            seed: 3,
            duration_s: 120.0,
            summary: Default::default(),
            ledgers: Default::default(),
            balance: Ok(()),
            events: 1_000,
            wall: Duration::from_millis(10),
            measured: Default::default(),
        };
        run.summary.duration_s = 120.0;
        run.summary.errors.timeout = timeouts;
        run.summary.capacity_cost = 0.5;
        run.summary.wait = Some(Quantiles {
            p95,
            ..Quantiles::NONE
        });
        TwinReport {
            name: name.into(),
            run,
            settings: Settings::default(),
        }
    }

    #[test]
    fn one_column_per_twin_and_the_difference_in_words() {
        let twins = [twin("sync", 15.0, 240), twin("async", 0.072, 0)];
        let text = compare_text(&twins, true, Duration::from_secs(1));
        let header = text.lines().find(|l| l.contains("sync")).expect("header");
        assert!(header.find("sync") < header.find("async"), "{header}");
        let p95 = text
            .lines()
            .find(|l| l.trim_start().starts_with("user wait p95"))
            .expect("p95 row");
        assert!(p95.contains("15.0 s") && p95.contains("72.0 ms"), "{p95}");
        assert!(
            text.contains("    timeout"),
            "reasons with errors are listed"
        );
        assert!(!text.contains("    queue full"), "reasons without are not");
        assert!(
            text.contains("p95 wait 15.0 s vs 72.0 ms: answered 208× sooner"),
            "{text}"
        );
        assert!(text.contains("errors 120/min vs 0/min"), "{text}");
        assert!(text.contains("cost $15.00/h vs $15.00/h"), "{text}");
        assert!(text.contains("[async]\nLedger: actions"), "{text}");
    }

    #[test]
    fn json_lists_the_twins_in_order() {
        let twins = [twin("fifo", 1.0, 0), twin("fair", 0.5, 0)];
        let v = compare_json(
            &twins,
            &Settings::default(),
            "x.ron",
            true,
            Duration::from_secs(2),
        );
        assert_eq!(v["twins"][0]["name"], "fifo");
        assert_eq!(v["twins"][1]["name"], "fair");
        assert_eq!(v["twins"][1]["figures"]["wait_p95_s"], 0.5);
        assert_eq!(v["events_per_s"], 1_000.0);
        assert!(v["twins"][0]["ledgers"]["actions"].is_object());
        assert_eq!(v["difference"].as_array().map(Vec::len), Some(1));
    }
}
