//! The plots by name: each [`PlotKind`] knows its title, its lines, its
//! reference line and whether its y range is fixed.

use super::PlotContext;
use crate::app::history::Row;
use crate::app::palette;
use crate::sim::Reason;
use egui::Color32;
use egui_plot::LineStyle;

/// One of the plots, in screen order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PlotKind {
    /// How long a click takes to get an answer.
    Wait,
    /// Click to saved in the database.
    Processed,
    /// Jobs accepted but not yet saved.
    Backlog,
    /// Failures by reason, retries and dead letters.
    Failures,
    /// Arrivals, answers and commits.
    Throughput,
    /// Busy fractions of server, database and queue workers, and where the
    /// servers' time goes.
    Utilisation,
    /// Capacity cost and revenue per hour.
    Cost,
}

impl PlotKind {
    /// Every plot, in screen order (left to right, top to bottom).
    pub const ALL: [PlotKind; 7] = [
        PlotKind::Wait,
        PlotKind::Processed,
        PlotKind::Backlog,
        PlotKind::Failures,
        PlotKind::Throughput,
        PlotKind::Utilisation,
        PlotKind::Cost,
    ];

    /// The plot a scene file names.
    pub fn of(name: crate::scenario::PlotName) -> PlotKind {
        use crate::scenario::PlotName;
        match name {
            PlotName::Wait => PlotKind::Wait,
            PlotName::Processed => PlotKind::Processed,
            PlotName::Backlog => PlotKind::Backlog,
            PlotName::Failures => PlotKind::Failures,
            PlotName::Throughput => PlotKind::Throughput,
            PlotName::Utilisation => PlotKind::Utilisation,
            PlotName::Cost => PlotKind::Cost,
        }
    }

    /// The title above the plot (tests find plots by it).
    pub const fn title(self) -> &'static str {
        match self {
            PlotKind::Wait => "User-perceived wait (s)",
            PlotKind::Processed => "Time to processed (s)",
            PlotKind::Backlog => "Queue backlog (jobs)",
            PlotKind::Failures => "Failures & retries (/s)",
            PlotKind::Throughput => "Throughput (/s)",
            PlotKind::Utilisation => "Utilisation",
            PlotKind::Cost => "Cost & revenue ($/h)",
        }
    }

    /// The top of a fixed y range, if the plot has one: utilisation is a
    /// share, always shown from 0 to 1; the others follow their data.
    pub fn fixed_top(self) -> Option<f64> {
        match self {
            PlotKind::Utilisation => Some(1.0),
            _ => None,
        }
    }

    /// Whether marker captions are written on this plot (only the first,
    /// so they are not repeated six times).
    pub fn shows_captions(self) -> bool {
        self == PlotKind::Wait
    }

    /// A line drawn across the plot to compare against: the SLA target on
    /// the wait plot, 80% busy on utilisation.
    pub fn reference(self, pc: &PlotContext<'_>) -> Option<Reference> {
        match self {
            PlotKind::Wait => Some(Reference {
                name: format!("SLA {}", crate::fmt::target(pc.sla_wait_s)),
                y: pc.sla_wait_s,
                color: palette::SLA,
                style: LineStyle::dashed_loose(),
            }),
            PlotKind::Utilisation => Some(Reference {
                name: "80% busy".to_string(),
                y: 0.8,
                color: palette::AMBER,
                style: LineStyle::dotted_loose(),
            }),
            _ => None,
        }
    }

    /// The plot's lines. `polling`: the browsers poll for results, which
    /// adds a line to the processed, throughput and utilisation plots.
    pub fn lines<'a>(self, pc: &'a PlotContext<'_>, polling: bool) -> Vec<LineSpec<'a>> {
        match self {
            PlotKind::Wait => wait_lines(pc),
            PlotKind::Processed => processed_lines(pc, polling),
            PlotKind::Backlog => backlog_lines(pc),
            PlotKind::Failures => failure_lines(),
            PlotKind::Throughput => throughput_lines(polling),
            PlotKind::Utilisation => utilisation_lines(polling),
            PlotKind::Cost => cost_lines(pc),
        }
    }
}

/// A horizontal line to compare against (SLA target, busy threshold).
pub struct Reference {
    /// Legend entry.
    pub name: String,
    /// Where, in the plot's unit.
    pub y: f64,
    /// Colour.
    pub color: Color32,
    /// Dashed or dotted.
    pub style: LineStyle,
}

/// One line of a plot: its legend entry and how to read it from a row.
pub struct LineSpec<'a> {
    /// Legend entry.
    pub name: String,
    /// Colour.
    pub color: Color32,
    /// Line width, points: wider lines are drawn first, so a thin line on
    /// top of an equal one leaves both visible.
    pub width: f32,
    /// The value of a history row, in the plot's unit (NaN: a gap).
    pub y: Box<dyn Fn(&Row) -> f64 + 'a>,
    /// A percentile: gaps (too few samples in the trailing span) are
    /// bridged with a faint dotted line instead of breaking it into dots.
    pub bridge: bool,
    /// Solid, or (twins compared on one plot) dashed or dotted.
    pub style: LineStyle,
}

impl<'a> LineSpec<'a> {
    pub(crate) fn new(
        name: impl Into<String>,
        color: Color32,
        y: impl Fn(&Row) -> f64 + 'a,
    ) -> Self {
        LineSpec {
            name: name.into(),
            color,
            width: LINE_W,
            y: Box::new(y),
            bridge: false,
            style: LineStyle::Solid,
        }
    }

    /// A percentile line (see `bridge`).
    pub(crate) fn percentile(mut self) -> Self {
        self.bridge = true;
        self
    }

    /// Line `k` of a comparison (per client, per endpoint): the first
    /// thinnest and on top, the others wider beneath it, so when they
    /// coincide (FIFO: everyone waits alike) each still shows.
    fn stacked(mut self, k: usize) -> Self {
        self.width = LINE_W + 1.8 * k.min(3) as f32;
        self
    }
}

/// Width of a plot line, points.
const LINE_W: f32 = 1.8;

/// Endpoint lines (wait plot with several endpoints): colours the quantile
/// lines do not use there.
const ENDPOINT_COLORS: [Color32; 4] = [
    palette::OKABE_ITO[2],
    palette::OKABE_ITO[5],
    palette::OKABE_ITO[0],
    palette::OKABE_ITO[3],
];

/// Element `i` of a per-client or per-endpoint value; NaN when missing.
fn at(v: &[f64], i: usize) -> f64 {
    v.get(i).copied().unwrap_or(f64::NAN)
}

/// Wait p50/p95/p99; with several endpoints, one p95 line per endpoint
/// instead (the lesson compares them).
fn wait_lines<'a>(pc: &'a PlotContext<'_>) -> Vec<LineSpec<'a>> {
    if pc.endpoints.len() > 1 {
        let color = |k: usize| ENDPOINT_COLORS[k % ENDPOINT_COLORS.len()];
        return pc
            .endpoints
            .iter()
            .enumerate()
            .map(|(k, name)| {
                LineSpec::new(format!("{name} wait p95"), color(k), move |r: &Row| {
                    at(&r.wait_p95_by_endpoint, k)
                })
                .stacked(k)
                .percentile()
            })
            .collect();
    }
    let names = ["wait p50", "wait p95", "wait p99"];
    (0..3)
        .map(|k| {
            LineSpec::new(names[k], palette::QUANTILES[k], move |r: &Row| r.wait_s[k]).percentile()
        })
        .collect()
}

/// Processed p50/p95/p99 (and when the user learns of it, with polling);
/// with several clients, one p95 line per client in its colour instead.
fn processed_lines<'a>(pc: &'a PlotContext<'_>, polling: bool) -> Vec<LineSpec<'a>> {
    if pc.clients.len() > 1 {
        return pc
            .clients
            .iter()
            .enumerate()
            .map(|(c, name)| {
                LineSpec::new(
                    format!("{name} processed p95"),
                    palette::client(c),
                    move |r: &Row| at(&r.processed_p95_by_client, c),
                )
                .stacked(c)
                .percentile()
            })
            .collect();
    }
    let names = ["processed p50", "processed p95", "processed p99"];
    let mut out: Vec<LineSpec<'a>> = (0..3)
        .map(|k| {
            LineSpec::new(names[k], palette::QUANTILES[k], move |r: &Row| {
                r.processed_s[k]
            })
            .percentile()
        })
        .collect();
    if polling {
        out.push(
            LineSpec::new("user learns p95", palette::OKABE_ITO[0], |r: &Row| {
                r.learn_p95_s
            })
            .percentile(),
        );
    }
    out
}

/// Jobs waiting, stacked: queued in the broker, and on top of them those
/// waiting out a retry backoff (not queued, not lost); each client's queue
/// when there are several.
fn backlog_lines<'a>(pc: &'a PlotContext<'_>) -> Vec<LineSpec<'a>> {
    let mut out = vec![
        LineSpec::new("queued + in backoff", palette::RETRIES, |r: &Row| {
            r.backlog + r.in_backoff
        }),
        LineSpec::new("queued", palette::TOTAL, |r: &Row| r.backlog),
    ];
    if pc.clients.len() > 1 {
        for (c, name) in pc.clients.iter().enumerate() {
            out.push(LineSpec::new(
                name.clone(),
                palette::client(c),
                move |r: &Row| at(&r.backlog_by_client, c),
            ));
        }
    }
    out
}

/// Errors per reason, retries and dead letters, per s.
fn failure_lines<'a>() -> Vec<LineSpec<'a>> {
    // Calls' reasons have no line (nor colour) of their own yet.
    let mut out: Vec<LineSpec<'a>> = Reason::PLAIN
        .iter()
        .enumerate()
        .map(|(k, reason)| {
            LineSpec::new(
                crate::words::reason(*reason),
                palette::REASONS[k],
                move |r: &Row| r.errors_per_s[k],
            )
        })
        .collect();
    out.push(LineSpec::new("retries", palette::RETRIES, |r: &Row| {
        r.retries_per_s
    }));
    out.push(LineSpec::new("dead letters", palette::DEAD, |r: &Row| {
        r.dead_letters_per_s
    }));
    out
}

/// Arrivals, answers and commits per s (and status polls, with polling).
fn throughput_lines<'a>(polling: bool) -> Vec<LineSpec<'a>> {
    let mut out = vec![
        LineSpec::new("arrivals", palette::ARRIVALS, |r: &Row| r.arrivals_per_s),
        LineSpec::new("answers", palette::ANSWERS, |r: &Row| r.answers_per_s),
        LineSpec::new("commits", palette::COMMITS, |r: &Row| r.commits_per_s),
    ];
    if polling {
        out.push(LineSpec::new(
            "status polls",
            palette::OKABE_ITO[3],
            |r: &Row| r.polls_per_s,
        ));
    }
    out
}

/// Busy fractions of the database and the queue workers, and the
/// servers' split: their own work (CPU, the write they hold the worker
/// through) apart from holding a sync request while it waits for a database
/// connection, which is the database's symptom, not the servers' load.
fn utilisation_lines<'a>(polling: bool) -> Vec<LineSpec<'a>> {
    let mut out = vec![
        LineSpec::new("server: own work", palette::UTIL[0], |r: &Row| {
            (r.util[0] - r.util_server_db_wait).max(0.0)
        }),
        LineSpec::new("server: waiting for DB", palette::SERVER_WAIT, |r: &Row| {
            r.util_server_db_wait
        }),
        LineSpec::new("database", palette::UTIL[1], |r: &Row| r.util[1]),
        LineSpec::new("queue workers", palette::UTIL[2], |r: &Row| r.util[2]),
    ];
    if polling {
        out.push(LineSpec::new(
            "server: polls",
            palette::OKABE_ITO[3],
            |r: &Row| r.util_server_polls,
        ));
    }
    out
}

/// Capacity cost per hour, and revenue per hour by tier when the scene
/// charges for processing, each tier in its client's colour.
fn cost_lines<'a>(pc: &'a PlotContext<'_>) -> Vec<LineSpec<'a>> {
    let tiers_of_clients: Vec<usize> = pc.settings.clients.iter().map(|c| c.tier.index()).collect();
    let mut out = vec![LineSpec::new("capacity cost", palette::COST, |r: &Row| {
        r.cost_per_hour
    })];
    let tiers = ["free", "standard", "premium"];
    for (k, name) in tiers.iter().enumerate() {
        if pc.settings.cost.revenue_per_action[k] > 0.0 {
            out.push(LineSpec::new(
                format!("revenue: {name}"),
                palette::tier(k, &tiers_of_clients),
                move |r: &Row| r.revenue_per_hour[k],
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_plot_has_a_title_lines_and_only_utilisation_a_fixed_range() {
        let settings = crate::sim::Settings::default();
        let pc = PlotContext {
            markers: &[],
            settings: &settings,
            clients: vec!["a".into()],
            endpoints: vec!["save".into()],
            sla_wait_s: 0.5,
            x_range: (0.0, 60.0),
            height: 100.0,
            min_frame_h: crate::app::plots::MIN_FRAME_H,
            traces: &[],
            cues: &[],
        };
        for (kind, title) in PlotKind::ALL.iter().zip(super::super::PLOT_TITLES) {
            assert_eq!(kind.title(), title);
            assert!(!kind.lines(&pc, false).is_empty(), "{title}");
            assert_eq!(kind.fixed_top().is_some(), *kind == PlotKind::Utilisation);
        }
        let sla = PlotKind::Wait.reference(&pc).map(|r| r.name);
        assert_eq!(sla.as_deref(), Some("SLA 500 ms"));
        assert!(PlotKind::Backlog.reference(&pc).is_none());
        // Polling adds a line to the processed, throughput and utilisation
        // plots.
        for kind in [
            PlotKind::Processed,
            PlotKind::Throughput,
            PlotKind::Utilisation,
        ] {
            assert_eq!(
                kind.lines(&pc, true).len(),
                kind.lines(&pc, false).len() + 1
            );
        }
    }

    /// Pay for priority: each tier's revenue line is drawn in the colour
    /// of its client's lane and lines (premium blue, standard orange, free
    /// green), not a colour of its own.
    #[test]
    fn revenue_by_tier_takes_its_clients_colour() {
        let scene = crate::scenario::builtin("08-pay-for-priority.ron")
            .expect("built in")
            .expect("valid");
        let settings = scene.settings;
        let pc = PlotContext {
            markers: &[],
            settings: &settings,
            clients: settings.clients.iter().map(|c| c.name.clone()).collect(),
            endpoints: vec!["save".into()],
            sla_wait_s: 0.5,
            x_range: (0.0, 60.0),
            height: 100.0,
            min_frame_h: crate::app::plots::MIN_FRAME_H,
            traces: &[],
            cues: &[],
        };
        let lines = PlotKind::Cost.lines(&pc, false);
        let mut checked = 0;
        for (i, c) in settings.clients.iter().enumerate() {
            let tier = ["free", "standard", "premium"][c.tier.index()];
            let name = format!("revenue: {tier}");
            if let Some(line) = lines.iter().find(|l| l.name == name) {
                assert_eq!(line.color, palette::client(i), "{name}");
                checked += 1;
            }
        }
        assert!(checked >= 2, "the scene charges at least two tiers");
    }
}
