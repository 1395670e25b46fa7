//! The summary text people read after `asynclab run`: one function per
//! section, in the order they are printed.

use super::RunReport;
use crate::explain;
use crate::fmt::{secs, share, thousands};
use crate::sim::Gauges;
use crate::sim::capacity::analyse;
use crate::sim::config::Tier;
use crate::sim::{Quantiles, Reason, Settings};
use crate::words;
use std::fmt::{Display, Write as _};

/// The whole summary: header, user wait, time to processed, failures and
/// retries, capacity, the bottleneck, both ledgers, and the run's own
/// speed.
pub fn summary_text(r: &RunReport, s: &Settings) -> String {
    [
        header(r),
        user_wait(r, s),
        time_to_processed(r, s),
        failures_and_retries(r, s),
        capacity(r, s),
        bottleneck(r, s),
        ledgers(r),
        run(r),
    ]
    .concat()
}

/// One labelled line of a section, values aligned in a column.
pub(super) fn row(o: &mut String, label: &str, value: impl Display) {
    let _ = writeln!(o, "  {label:<30} {value}");
}

/// "p50 …  p95 …  p99 …  max …  (n = …)", or a dash without samples.
fn quantiles(q: Option<&Quantiles>) -> String {
    match q {
        None => "— (no samples)".to_string(),
        Some(q) => format!(
            "p50 {}  p95 {}  p99 {}  max {}  (n = {})",
            secs(q.p50),
            secs(q.p95),
            secs(q.p99),
            secs(q.max),
            thousands(q.n)
        ),
    }
}

/// The title, underlined, then seed, sim duration and actions.
fn header(r: &RunReport) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "{}", r.title);
    let _ = writeln!(o, "{}", "=".repeat(r.title.chars().count().max(8)));
    row(&mut o, "seed", r.seed);
    row(&mut o, "sim duration", secs(r.summary.duration_s));
    row(&mut o, "actions", thousands(r.ledgers.actions.issued));
    o
}

/// Click → outcome, over all endpoints and the p95 of each.
fn user_wait(r: &RunReport, s: &Settings) -> String {
    let sm = &r.summary;
    let mut o = String::new();
    let _ = writeln!(o, "\nUser wait (click → outcome)");
    row(&mut o, "all endpoints", quantiles(sm.wait.as_ref()));
    for (i, e) in s.endpoints.iter().enumerate() {
        let p95 = sm.wait_by_endpoint.get(i).copied().flatten().map(|q| q.p95);
        row(
            &mut o,
            &format!("{} p95", e.name),
            secs(p95.unwrap_or(f64::NAN)),
        );
    }
    o
}

/// Click → committed, over all clients and the p95 and commits of each;
/// with polling, also click → the user learns.
fn time_to_processed(r: &RunReport, s: &Settings) -> String {
    let sm = &r.summary;
    let mut o = String::new();
    let _ = writeln!(o, "\nTime to processed (click → committed)");
    row(&mut o, "all clients", quantiles(sm.processed.as_ref()));
    for (i, c) in s.clients.iter().enumerate() {
        let p95 = sm
            .processed_by_client
            .get(i)
            .copied()
            .flatten()
            .map(|q| q.p95);
        let commits = sm.commits_by_client.get(i).copied().unwrap_or(0);
        let value = format!(
            "{}  ({} commits)",
            secs(p95.unwrap_or(f64::NAN)),
            thousands(commits)
        );
        row(&mut o, &format!("{} p95", c.name), value);
    }
    if let Some(q) = sm.learn.as_ref() {
        row(&mut o, "user learns (polling)", quantiles(Some(q)));
    }
    o
}

/// Errors by reason, retries of both kinds, dead letters, wasted work and
/// what the retries cost.
fn failures_and_retries(r: &RunReport, s: &Settings) -> String {
    let sm = &r.summary;
    let work = &r.ledgers.work;
    let mut o = String::new();
    let _ = writeln!(o, "\nFailures and retries");
    for &reason in Reason::listed(!s.dependencies.is_empty()) {
        let label = format!("errors: {}", words::reason(reason));
        row(&mut o, &label, thousands(sm.errors[reason]));
    }
    row(
        &mut o,
        "user retries (click again)",
        thousands(sm.user_retries),
    );
    row(&mut o, "system retries", thousands(sm.system_retries));
    row(&mut o, "dead letters", thousands(work.dead_lettered));
    row(&mut o, "wasted work", thousands(sm.wasted));
    let amplification = format!("{:.3} attempts / action", sm.retry_amplification);
    row(&mut o, "retry amplification", amplification);
    let writes = format!("{:.3} writes / action", sm.writes_per_action);
    row(&mut o, "database writes", writes);
    row(&mut o, "wasted commits", thousands(work.committed_wasted));
    row(&mut o, "polls", thousands(sm.polls));
    let shed = sm.errors[Reason::SimLimit];
    if shed > 0 {
        // Not the modelled system's doing: say so, and how to avoid it.
        let _ = writeln!(
            o,
            "  {} user actions were shed at the simulation limit: the run already held \
             {} actions and requests (limits.max_in_flight); raise it to hold more",
            thousands(shed),
            thousands(s.limits.max_in_flight)
        );
    }
    o
}

/// Utilisation, peak backlog, the SLA shares against the scene's targets,
/// and money: what the capacity cost and what each tier paid.
fn capacity(r: &RunReport, s: &Settings) -> String {
    let sm = &r.summary;
    let u = &sm.utilisation;
    let mut o = String::new();
    let _ = writeln!(o, "\nCapacity");
    row(&mut o, "utilisation: server workers", share(u.server));
    row(&mut o, "utilisation: DB connections", share(u.database));
    row(&mut o, "utilisation: queue workers", share(u.queue_workers));
    let d = &sm.draining_unit_s;
    for (label, unit_s) in [
        ("draining: server workers", d.server),
        ("draining: DB connections", d.database),
        ("draining: queue workers", d.queue_workers),
    ] {
        // Work that went on beyond a capacity cut, apart from utilisation.
        if unit_s > 0.0 {
            row(
                &mut o,
                label,
                format!("{unit_s:.1} unit·s beyond a capacity cut"),
            );
        }
    }
    row(
        &mut o,
        "peak backlog",
        format!("{} jobs", thousands(sm.peak_backlog)),
    );
    let wait_label = format!("SLA: wait ≤ {}", secs(s.sla.wait_target_s));
    row(&mut o, &wait_label, share(sm.sla_wait_share));
    let processed_label = format!("SLA: processed ≤ {}", secs(s.sla.processed_target_s));
    row(&mut o, &processed_label, share(sm.sla_processed_share));
    // Always to the cent, unlike `fmt::dollars` (whole dollars from $1,000):
    // reports are diffed between runs, so amounts keep one precision.
    row(&mut o, "capacity cost", format!("${:.2}", sm.capacity_cost));
    let revenue: Vec<String> = Tier::ALL
        .iter()
        .map(|t| format!("{t:?} ${:.2}", sm.revenue_by_tier[t.index()]))
        .collect();
    row(&mut o, "revenue by tier", revenue.join(", "));
    o
}

/// The bottleneck arithmetic with the settings as they were at the run's
/// end, at the rates measured since they last changed (the whole run
/// without a change): the same measurement, analysis and sentences as the
/// app's strip, over a longer span.
fn bottleneck(r: &RunReport, s: &Settings) -> String {
    let m = &r.measured;
    let e = explain::explain(&analyse(s, m, None), s, &Gauges::default());
    let mut o = String::new();
    let from_s = m.end_s - m.span_s;
    if from_s <= 1e-9 {
        let _ = writeln!(o, "\nBottleneck (averages over the whole run)");
    } else {
        let _ = writeln!(
            o,
            "\nBottleneck (averages since the settings last changed: {}–{})",
            crate::fmt::clock(from_s),
            crate::fmt::clock(m.end_s)
        );
    }
    for line in std::iter::once(&e.headline)
        .chain(&e.queue)
        .chain(&e.next)
        .chain(&e.stages)
    {
        let _ = writeln!(o, "  {line}");
    }
    for line in &e.estimates {
        let _ = writeln!(o, "  estimate: {line}");
    }
    o
}

/// Both ledgers as sums that must add up, and whether they do.
pub(super) fn ledgers(r: &RunReport) -> String {
    let a = &r.ledgers.actions;
    let w = &r.ledgers.work;
    let st = &w.in_flight;
    let mut o = String::new();
    let _ = writeln!(o, "\nLedger: actions (as users saw them)");
    // Call reasons only where calls failed: a scene without dependencies
    // reads as it always has.
    let failed: Vec<String> = Reason::ALL
        .iter()
        .filter(|r| !r.of_calls() || a.failed[**r] > 0)
        .map(|r| format!("{} {}", words::reason(*r), thousands(a.failed[*r])))
        .collect();
    let rj = &w.rejected;
    let calls_rejected = if rj.call_failed + rj.call_timeout + rj.throttled > 0 {
        format!(
            ", call failed {}, call timed out {}, throttled {}",
            thousands(rj.call_failed),
            thousands(rj.call_timeout),
            thousands(rj.throttled)
        )
    } else {
        String::new()
    };
    let steps_in_flight = if st.call_wait + st.calling + st.job_step > 0 {
        format!(
            ", call wait {}, calling {}, job steps {}",
            st.call_wait, st.calling, st.job_step
        )
    } else {
        String::new()
    };
    let _ = writeln!(
        o,
        "  issued {} = succeeded {} + failed {} ({}) + awaiting {}",
        thousands(a.issued),
        thousands(a.succeeded),
        thousands(a.failed.total()),
        failed.join(", "),
        thousands(a.awaiting)
    );
    let _ = writeln!(o, "Ledger: requests and jobs (as the system handled them)");
    let _ = writeln!(
        o,
        "  requests {} = committed {} (of which wasted {}) + rejected {} (server busy {}, queue full {}, DB error {}, simulation limit {}{}) + dead-lettered {} + in flight {}",
        thousands(w.requests),
        thousands(w.committed),
        thousands(w.committed_wasted),
        thousands(w.rejected.total()),
        thousands(w.rejected.server_busy),
        thousands(w.rejected.queue_full),
        thousands(w.rejected.db_error),
        thousands(w.rejected.sim_limit),
        calls_rejected,
        thousands(w.dead_lettered),
        thousands(st.total()),
    );
    let _ = writeln!(
        o,
        "  in flight: network {}, accept backlog {}, server {}, DB wait {}, DB write {}, queued {}, backoff {}{}",
        st.network,
        st.accept_backlog,
        st.server,
        st.db_wait,
        st.db_write,
        st.queued,
        st.backoff,
        steps_in_flight
    );
    match &r.balance {
        Ok(()) => o.push_str("  balanced ✓\n"),
        Err(e) => {
            let _ = writeln!(o, "  NOT balanced ✗: {e}");
        }
    }
    o
}

/// The run itself: events, wall time and speed.
fn run(r: &RunReport) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "\nRun");
    row(&mut o, "events", thousands(r.events));
    row(&mut o, "wall time", format!("{:.3} s", r.wall_s()));
    row(&mut o, "events/s", thousands(r.events_per_s() as u64));
    o
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn report() -> RunReport {
        let mut r = RunReport {
            title: "Test".into(),
            seed: 7,
            duration_s: 10.0,
            summary: Default::default(),
            ledgers: Default::default(),
            balance: Ok(()),
            events: 12_345,
            wall: Duration::from_millis(500),
            measured: Default::default(),
        };
        r.summary.errors.timeout = 1234;
        r.summary.errors.db_error = 5;
        r.summary.user_retries = 17;
        r.summary.system_retries = 2;
        r.summary.wasted = 3;
        r.summary.retry_amplification = 1.25;
        r.summary.writes_per_action = 1.0;
        r.summary.polls = 1_000_000;
        r.ledgers.work.dead_lettered = 4;
        r.ledgers.work.committed_wasted = 1;
        r
    }

    #[test]
    fn failures_and_retries_section() {
        assert_eq!(
            failures_and_retries(&report(), &Settings::default()),
            "\nFailures and retries
  errors: timeout                1,234
  errors: server busy            0
  errors: queue full             0
  errors: DB error               5
  errors: simulation limit       0
  user retries (click again)     17
  system retries                 2
  dead letters                   4
  wasted work                    3
  retry amplification            1.250 attempts / action
  database writes                1.000 writes / action
  wasted commits                 1
  polls                          1,000,000
"
        );
    }

    #[test]
    fn shed_work_is_counted_and_explained() {
        let mut r = report();
        r.summary.errors.sim_limit = 4_321;
        let text = failures_and_retries(&r, &Settings::default());
        assert!(
            text.contains("errors: simulation limit       4,321"),
            "{text}"
        );
        assert!(
            text.contains("4,321 user actions were shed at the simulation limit")
                && text.contains("500,000 actions and requests (limits.max_in_flight)"),
            "{text}"
        );
    }

    #[test]
    fn run_section_reports_speed() {
        assert_eq!(
            run(&report()),
            "\nRun
  events                         12,345
  wall time                      0.500 s
  events/s                       24,690
"
        );
    }

    #[test]
    fn sections_come_in_order() {
        let text = summary_text(&report(), &Settings::default());
        let at = |needle: &str| text.find(needle).unwrap_or_else(|| panic!("no {needle}"));
        assert!(text.starts_with("Test\n========\n  seed"));
        assert!(at("\nUser wait") < at("\nTime to processed"));
        assert!(at("\nTime to processed") < at("\nFailures and retries"));
        assert!(at("\nFailures and retries") < at("\nCapacity"));
        assert!(at("\nCapacity") < at("\nBottleneck"));
        assert!(at("\nBottleneck") < at("\nLedger: actions"));
        assert!(at("balanced ✓") < at("\nRun"));
    }
}
