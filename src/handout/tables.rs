//! The hand-out's tables: the system as set up, the scripted timeline,
//! the summary (a column per run), both ledgers and an exercise's goal.

use super::HandoutRun;
use super::page::esc;
use crate::fmt::{clock, secs, share, target, thousands};
use crate::goal::{FinishedRun, check};
use crate::scenario::{Goal, Scenario};
use crate::sim::config::{Settings, Shape, Tier};
use crate::sim::{Quantiles, Reason};
use crate::words;
use std::fmt::Write as _;

/// A two-column table of labels and texts (already escaped).
fn pairs(rows: &[(String, String)]) -> String {
    let mut o = String::from("<table>\n");
    for (label, value) in rows {
        let _ = writeln!(o, "<tr><th>{label}</th><td>{value}</td></tr>");
    }
    o.push_str("</table>\n");
    o
}

/// A client's traffic shape in words.
fn shape(s: &Shape) -> String {
    match s {
        Shape::Constant => "steady".into(),
        Shape::EmailBlast { at_s, peak, .. } => {
            format!("an e-mail blast of ×{peak} at {}", clock(*at_s))
        }
        Shape::Hourly { period_s, peak, .. } => {
            format!("spikes of ×{peak} every {}", crate::fmt::span(*period_s))
        }
        Shape::BlackFriday { peak, .. } => format!("a ramp up to ×{peak} and down"),
        Shape::Points(points) => {
            let top = points.iter().map(|p| p.1).fold(0.0, f64::max);
            format!("varies, up to ×{top}")
        }
    }
}

/// The system as the scene sets it up.
pub(super) fn system(s: &Settings) -> String {
    let mut rows = Vec::new();
    for c in &s.clients {
        rows.push((
            format!("Client {}", esc(&c.name)),
            format!(
                "{:?} tier, {} actions/s, {}",
                c.tier,
                c.rate_per_s,
                esc(&shape(&c.shape))
            ),
        ));
    }
    for e in &s.endpoints {
        rows.push((
            format!("Endpoint {}", esc(&e.name)),
            format!(
                "{}, server CPU {} and database write {} on average",
                words::mode(e.mode),
                secs(e.cpu.mean_ms() / 1000.0),
                secs(e.db_write.mean_ms() / 1000.0)
            ),
        ));
    }
    rows.push((
        "Server".into(),
        format!(
            "{} instances × {} workers, accept backlog {} each",
            s.server.instances, s.server.workers_per_instance, s.server.backlog_per_instance
        ),
    ));
    let write_ms = s
        .endpoints
        .first()
        .map_or(f64::NAN, |e| e.db_write.mean_ms());
    rows.push((
        "Database".into(),
        format!(
            "{} connections (about {} writes/s), {} of writes fail",
            s.database.connections,
            (f64::from(s.database.connections) * 1000.0 / write_ms).round(),
            share(s.database.failure_probability)
        ),
    ));
    rows.push((
        "Queue".into(),
        format!(
            "{} workers, {} scheduling, retries {} up to {} attempts",
            s.queue.workers,
            words::scheduling(s.queue.scheduling),
            words::retry(s.queue.retry),
            s.queue.max_attempts
        ),
    ));
    let polling = if s.browser.poll_interval_s > 0.0 {
        format!(", polls every {}", target(s.browser.poll_interval_s))
    } else {
        String::new()
    };
    rows.push((
        "Users".into(),
        format!("wait up to {}{polling}", target(s.browser.patience_s)),
    ));
    rows.push((
        "Targets".into(),
        format!(
            "an answer within {}, processed within {}",
            target(s.sla.wait_target_s),
            target(s.sla.processed_target_s)
        ),
    ));
    rows.push((
        "Capacity cost".into(),
        format!("${:.2} per hour as set up", s.cost_per_hour()),
    ));
    pairs(&rows)
}

/// The scripted changes and captions, in time order. Comparing twins, the
/// scene's mode switches are held (each twin keeps the mode its variant
/// set), and the row says so.
pub(super) fn timeline(s: &Settings, twins: bool) -> String {
    let mut o = String::from("<table>\n<tr><th>Time</th><th>What happens</th></tr>\n");
    let mut events: Vec<_> = s.timeline.iter().collect();
    events.sort_by(|a, b| a.at_s.total_cmp(&b.at_s));
    for e in events {
        let held = if twins && matches!(e.change, crate::scenario::Change::SetMode { .. }) {
            " (held: each twin keeps the mode its variant sets)"
        } else {
            ""
        };
        let _ = writeln!(
            o,
            "<tr><td class=\"n\">{}</td><td>{}{held}</td></tr>",
            clock(e.at_s),
            esc(&words::change(&e.change, s))
        );
    }
    o.push_str("</table>\n");
    o
}

/// A row of the summary: a label and one value per run.
fn row(o: &mut String, label: &str, runs: &[HandoutRun], value: impl Fn(&HandoutRun) -> String) {
    let _ = write!(o, "<tr><th>{}</th>", esc(label));
    for r in runs {
        let _ = write!(o, "<td class=\"n\">{}</td>", esc(&value(r)));
    }
    o.push_str("</tr>\n");
}

fn p95(q: Option<Quantiles>) -> String {
    q.map_or("—".into(), |q| secs(q.p95))
}

fn quantiles(q: Option<Quantiles>) -> String {
    q.map_or("— (none)".into(), |q| {
        format!("{} / {} / {}", secs(q.p50), secs(q.p95), secs(q.p99))
    })
}

/// Head row: nothing over the labels, then each run's name.
fn head(o: &mut String, runs: &[HandoutRun]) {
    o.push_str("<table>\n");
    if runs.len() > 1 {
        o.push_str("<tr><th></th>");
        for r in runs {
            let _ = write!(o, "<th>{}</th>", esc(&r.name));
        }
        o.push_str("</tr>\n");
    }
}

/// Whole-run results, a column per run: waits, failures, capacity.
pub(super) fn summary(runs: &[HandoutRun]) -> String {
    let mut o = String::new();
    head(&mut o, runs);
    waits(&mut o, runs);
    failures(&mut o, runs);
    capacity(&mut o, runs);
    o.push_str("</table>\n");
    o
}

/// Rows of user wait, time to processed and the SLA shares.
fn waits(o: &mut String, runs: &[HandoutRun]) {
    row(o, "User actions", runs, |r| {
        thousands(r.ledgers.actions.issued)
    });
    row(o, "User wait p50 / p95 / p99", runs, |r| {
        quantiles(r.summary.wait)
    });
    row(o, "Longest user wait", runs, |r| {
        r.summary.wait.map_or("—".into(), |q| secs(q.max))
    });
    row(o, "Time to processed p50 / p95 / p99", runs, |r| {
        quantiles(r.summary.processed)
    });
    if runs.iter().any(|r| r.summary.learn.is_some()) {
        row(o, "User learns it is done, p95", runs, |r| {
            p95(r.summary.learn)
        });
    }
    let clients = runs.first().map_or(0, |r| r.settings.clients.len());
    if clients > 1 {
        for c in 0..clients {
            let name = runs
                .first()
                .map_or(String::new(), |r| r.settings.clients[c].name.clone());
            row(o, &format!("{name}: time to processed p95"), runs, |r| {
                p95(r.summary.processed_by_client.get(c).copied().flatten())
            });
        }
    }
    row(o, "Answered within the wait target", runs, |r| {
        share(r.summary.sla_wait_share)
    });
    row(o, "Processed within the target", runs, |r| {
        share(r.summary.sla_processed_share)
    });
}

/// Rows of errors, retries, dead letters and wasted work.
fn failures(o: &mut String, runs: &[HandoutRun]) {
    for reason in Reason::ALL {
        if runs.iter().any(|r| r.summary.errors[reason] > 0) {
            row(
                o,
                &format!("Errors users saw, every click: {}", words::reason(reason)),
                runs,
                |r| thousands(r.summary.errors[reason]),
            );
        }
    }
    row(o, "Clicks again after an error", runs, |r| {
        thousands(r.summary.user_retries)
    });
    row(o, "System retries", runs, |r| {
        thousands(r.summary.system_retries)
    });
    row(o, "Dead letters", runs, |r| {
        thousands(r.ledgers.work.dead_lettered)
    });
    row(o, "Wasted work (answers nobody waited for)", runs, |r| {
        thousands(r.summary.wasted)
    });
    row(o, "Save attempts per action", runs, |r| {
        format!("{:.2}", r.summary.retry_amplification)
    });
}

/// Rows of backlog, utilisation, cost and revenue.
fn capacity(o: &mut String, runs: &[HandoutRun]) {
    row(o, "Peak queue backlog", runs, |r| {
        thousands(r.summary.peak_backlog)
    });
    row(o, "Busy: server / database / queue workers", runs, |r| {
        let u = r.summary.utilisation;
        format!(
            "{} / {} / {}",
            share(u.server),
            share(u.database),
            share(u.queue_workers)
        )
    });
    row(o, "Capacity cost", runs, |r| {
        let hours = r.summary.duration_s / 3600.0;
        let per_hour = if hours > 0.0 {
            r.summary.capacity_cost / hours
        } else {
            f64::NAN
        };
        format!("${:.2} (${per_hour:.2}/h)", r.summary.capacity_cost)
    });
    if runs
        .iter()
        .any(|r| r.summary.revenue_by_tier.iter().any(|v| *v > 0.0))
    {
        row(o, "Revenue by tier", runs, |r| {
            Tier::ALL
                .iter()
                .map(|t| format!("{t:?} ${:.2}", r.summary.revenue_by_tier[t.index()]))
                .collect::<Vec<_>>()
                .join(", ")
        });
    }
}

/// Both ledgers as sums, a column per run.
pub(super) fn ledgers(runs: &[HandoutRun]) -> String {
    let mut o = String::from("<h3>Users' ledger: what users saw of each action</h3>\n");
    head(&mut o, runs);
    row(&mut o, "Actions issued", runs, |r| {
        thousands(r.ledgers.actions.issued)
    });
    row(&mut o, "= succeeded", runs, |r| {
        thousands(r.ledgers.actions.succeeded)
    });
    let shown = Reason::ALL
        .into_iter()
        .filter(|r| !r.of_calls() || runs.iter().any(|run| run.ledgers.actions.failed[*r] > 0));
    for reason in shown {
        row(
            &mut o,
            &format!("+ failed: {}", words::reason(reason)),
            runs,
            |r| thousands(r.ledgers.actions.failed[reason]),
        );
    }
    row(&mut o, "+ still waiting at the end", runs, |r| {
        thousands(r.ledgers.actions.awaiting)
    });
    o.push_str("</table>\n<h3>System's ledger: what became of each request and job</h3>\n");
    head(&mut o, runs);
    let w = |r: &HandoutRun| r.ledgers.work;
    row(&mut o, "Requests (every click)", runs, |r| {
        thousands(w(r).requests)
    });
    row(&mut o, "= committed", runs, |r| thousands(w(r).committed));
    row(&mut o, "  of which nobody waited for", runs, |r| {
        thousands(w(r).committed_wasted)
    });
    row(&mut o, "+ rejected: server busy", runs, |r| {
        thousands(w(r).rejected.server_busy)
    });
    row(&mut o, "+ rejected: queue full", runs, |r| {
        thousands(w(r).rejected.queue_full)
    });
    row(&mut o, "+ rejected: DB error", runs, |r| {
        thousands(w(r).rejected.db_error)
    });
    row(&mut o, "+ rejected: simulation limit", runs, |r| {
        thousands(w(r).rejected.sim_limit)
    });
    row(&mut o, "+ dead-lettered", runs, |r| {
        thousands(w(r).dead_lettered)
    });
    row(&mut o, "+ in flight at the end", runs, |r| {
        thousands(w(r).in_flight.total())
    });
    o.push_str("</table>\n");
    let _ = write!(o, "<p>");
    for r in runs {
        let name = if runs.len() > 1 {
            format!("{}: ", esc(&r.name))
        } else {
            String::new()
        };
        match &r.balance {
            Ok(()) => {
                let _ = write!(o, "{name}<span class=\"ok\">both ledgers balance ✓</span> ");
            }
            Err(e) => {
                let _ = write!(
                    o,
                    "{name}<span class=\"bad\">the ledgers do not balance ✗ ({})</span> ",
                    esc(e)
                );
            }
        }
    }
    o.push_str("</p>\n");
    o
}

/// An exercise's thresholds and how each run did against them (the hint
/// is left for the room).
pub(super) fn goal(goal: &Goal, scene: &Scenario, runs: &[HandoutRun]) -> String {
    let mut o = String::from(
        "<p>This scene is an exercise: change it until a run to its end meets every threshold.</p>\n",
    );
    for r in runs {
        let report = check(
            goal,
            &FinishedRun {
                required_s: scene.duration_s,
                settings: &r.settings,
                summary: &r.summary,
                ledgers: &r.ledgers,
            },
        );
        if runs.len() > 1 {
            let _ = writeln!(o, "<h3>{}</h3>", esc(&r.name));
        }
        let verdict = if report.passed() {
            "<p class=\"ok\">This run meets the goal.</p>"
        } else {
            "<p class=\"bad\">This run does not meet the goal yet.</p>"
        };
        let _ = writeln!(o, "{verdict}\n<pre>{}</pre>", esc(&report.text(false)));
    }
    o
}
