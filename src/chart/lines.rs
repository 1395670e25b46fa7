//! Each plot's lines and reference line, for a run's [`Context`].

use super::palette::{self as colour};
use super::{Context, Dash, Fold, Line, Reference, Row, Show};
use crate::sim::Reason;

/// Element `i` of a per-client or per-endpoint value; `NaN` when missing.
fn at(v: &[f64], i: usize) -> f64 {
    v.get(i).copied().unwrap_or(f64::NAN)
}

/// No reference line.
pub(super) fn none(_: &Context) -> Option<Reference> {
    None
}

/// The SLA wait target.
pub(super) fn sla(cx: &Context) -> Option<Reference> {
    Some(Reference {
        name: format!("SLA {}", crate::fmt::target(cx.sla_wait_s)),
        y: cx.sla_wait_s,
        colour: colour::SLA,
        dash: Dash::Dashed,
    })
}

/// 80% busy, where waiting starts to grow fast.
pub(super) fn busy(_: &Context) -> Option<Reference> {
    Some(Reference {
        name: "80% busy".to_string(),
        y: 0.8,
        colour: colour::AMBER,
        dash: Dash::Dotted,
    })
}

/// Wait p50/p95/p99; with several endpoints, one p95 line per endpoint
/// instead (the lesson compares them).
pub(super) fn wait(cx: &Context) -> Vec<Line> {
    if cx.endpoints.len() > 1 {
        return cx
            .endpoints
            .iter()
            .enumerate()
            .map(|(k, name)| {
                let c = colour::ENDPOINTS[k % colour::ENDPOINTS.len()];
                Line::new(format!("{name} wait p95"), c, Fold::Peak, move |r: &Row| {
                    at(&r.wait_p95_by_endpoint, k)
                })
                .layer(k)
                .percentile()
            })
            .collect();
    }
    vec![
        Line::new("wait p50", colour::QUANTILES[0], Fold::Peak, |r: &Row| {
            r.wait.p50
        })
        .percentile(),
        Line::new("wait p95", colour::QUANTILES[1], Fold::Peak, |r: &Row| {
            r.wait.p95
        })
        .percentile(),
        Line::new("wait p99", colour::QUANTILES[2], Fold::Peak, |r: &Row| {
            r.wait.p99
        })
        .percentile(),
    ]
}

/// Processed p50/p95/p99 (and when the user learns of it, with polling);
/// with several clients, one p95 line per client in its colour instead.
pub(super) fn processed(cx: &Context) -> Vec<Line> {
    if cx.clients.len() > 1 {
        return cx
            .clients
            .iter()
            .enumerate()
            .map(|(c, name)| {
                Line::new(
                    format!("{name} processed p95"),
                    colour::client(c),
                    Fold::Peak,
                    move |r: &Row| at(&r.processed_p95_by_client, c),
                )
                .layer(c)
                .percentile()
            })
            .collect();
    }
    vec![
        Line::new(
            "processed p50",
            colour::QUANTILES[0],
            Fold::Peak,
            |r: &Row| r.processed.p50,
        )
        .percentile(),
        Line::new(
            "processed p95",
            colour::QUANTILES[1],
            Fold::Peak,
            |r: &Row| r.processed.p95,
        )
        .percentile(),
        Line::new(
            "processed p99",
            colour::QUANTILES[2],
            Fold::Peak,
            |r: &Row| r.processed.p99,
        )
        .percentile(),
        Line::new("user learns p95", colour::LEARN, Fold::Peak, |r: &Row| {
            r.learn_p95_s
        })
        .percentile()
        .show(Show::Polling),
    ]
}

/// Jobs waiting, stacked: queued in the broker, and on top of them those
/// waiting out a retry backoff (not queued, not lost); each client's queue
/// when there are several.
pub(super) fn backlog(cx: &Context) -> Vec<Line> {
    let mut out = vec![
        Line::new(
            "queued + in backoff",
            colour::RETRIES,
            Fold::Peak,
            |r: &Row| r.backlog + r.in_backoff,
        ),
        Line::new("queued", colour::TOTAL, Fold::Peak, |r: &Row| r.backlog),
    ];
    if cx.clients.len() > 1 {
        for (c, name) in cx.clients.iter().enumerate() {
            out.push(Line::new(
                name.clone(),
                colour::client(c),
                Fold::Peak,
                move |r: &Row| at(&r.backlog_by_client, c),
            ));
        }
    }
    out
}

/// Errors per reason (the calls' own reasons when the scene calls
/// dependencies), retries and dead letters, per s.
pub(super) fn failures(cx: &Context) -> Vec<Line> {
    // `listed` keeps `Reason::ALL`'s order, so `k` indexes the row's errors.
    let mut out: Vec<Line> = Reason::listed(cx.dependencies)
        .iter()
        .enumerate()
        .map(|(k, reason)| {
            Line::new(
                crate::words::reason(*reason),
                colour::REASONS[k],
                Fold::Mean,
                move |r: &Row| r.errors_per_s[k],
            )
            .show(Show::WhenItHappens)
        })
        .collect();
    out.push(Line::new(
        "retries",
        colour::RETRIES,
        Fold::Mean,
        |r: &Row| r.retries_per_s,
    ));
    out.push(
        Line::new("dead letters", colour::DEAD, Fold::Mean, |r: &Row| {
            r.dead_letters_per_s
        })
        .show(Show::WhenItHappens),
    );
    out
}

/// Arrivals, answers and commits per s (and status polls, with polling).
pub(super) fn throughput(_: &Context) -> Vec<Line> {
    vec![
        Line::new("arrivals", colour::ARRIVALS, Fold::Mean, |r: &Row| {
            r.arrivals_per_s
        }),
        Line::new("answers", colour::ANSWERS, Fold::Mean, |r: &Row| {
            r.answers_per_s
        }),
        Line::new("commits", colour::COMMITS, Fold::Mean, |r: &Row| {
            r.commits_per_s
        }),
        Line::new("status polls", colour::POLLS, Fold::Mean, |r: &Row| {
            r.polls_per_s
        })
        .show(Show::Polling),
    ]
}

/// Busy fractions of the database and the queue workers, and the
/// servers' split: their own work (CPU, the write they hold the worker
/// through) apart from holding a sync request while it waits for a database
/// connection, which is the database's symptom, not the servers' load.
pub(super) fn utilisation(_: &Context) -> Vec<Line> {
    vec![
        Line::new(
            "server: own work",
            colour::UTIL[0],
            Fold::Mean,
            |r: &Row| (r.util.server - r.util_server_db_wait).max(0.0),
        ),
        Line::new(
            "server: waiting for DB",
            colour::SERVER_WAIT,
            Fold::Mean,
            |r: &Row| r.util_server_db_wait,
        ),
        Line::new("database", colour::UTIL[1], Fold::Mean, |r: &Row| {
            r.util.database
        }),
        Line::new("queue workers", colour::UTIL[2], Fold::Mean, |r: &Row| {
            r.util.workers
        }),
        Line::new("server: polls", colour::POLLS, Fold::Mean, |r: &Row| {
            r.util_server_polls
        })
        .show(Show::Polling),
    ]
}

/// Capacity cost per hour, and revenue per hour by tier when the scene
/// charges for processing, each tier in its client's colour.
pub(super) fn cost(cx: &Context) -> Vec<Line> {
    let mut out = vec![Line::new(
        "capacity cost",
        colour::COST,
        Fold::Mean,
        |r: &Row| r.cost_per_hour,
    )];
    let tiers = ["free", "standard", "premium"];
    for (k, name) in tiers.iter().enumerate() {
        if cx.revenue_per_action[k] > 0.0 {
            out.push(Line::new(
                format!("revenue: {name}"),
                colour::tier(k, &cx.client_tiers),
                Fold::Mean,
                move |r: &Row| r.revenue_per_hour[k],
            ));
        }
    }
    out
}
