//! The animated architecture diagram:
//!
//! ```text
//!  browsers (lane per client) ─▶ server ─▶ queue ─▶ workers ─▶ database
//!                                   └──────── sync ───────────────▲
//! ```
//!
//! Dots are a *sample* of the traffic (at most a few per lane) so heavy load
//! stays readable; their speed follows the animation clock, which stops when
//! the run is paused.
//!
//! [`show`] computes the layout (`layout.rs`: every box's rect) once, then
//! paints in layers: lanes, arrows and flow dots (`flow.rs`), then the
//! stations, the queue and the failure labels on top (`stations.rs`).

mod flow;
mod layout;
mod stations;

use crate::scenario::Mode;
use crate::sim::{Gauges, Window};
use egui::{Color32, Sense, Vec2};
use layout::Layout;

/// Where a failure label appears.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Spot {
    /// By the browsers (timeouts).
    Browsers,
    /// By the server (server busy).
    Server,
    /// By the queue (queue full).
    Queue,
    /// By the workers (dead letters).
    Workers,
    /// By the database (DB errors).
    Database,
}

/// A short-lived failure label.
#[derive(Clone, Debug)]
pub struct Flash {
    /// Text, e.g. "timeout ×12".
    pub text: String,
    /// Where.
    pub spot: Spot,
    /// Animation time it appeared, s.
    pub born_s: f64,
    /// Failures it reports.
    pub count: u64,
}

/// How long a failure label stays, s of animation time.
pub const FLASH_LIFE_S: f64 = 2.5;

/// A spot's label takes in new counts for this long before the next one
/// starts, s of animation time: consecutive labels of a spot are born at
/// least this far apart (their rise keeps them a line apart).
pub const FLASH_JOIN_S: f64 = 0.8;

/// Everything the diagram draws.
pub struct DiagramInput<'a> {
    /// Live levels.
    pub gauges: &'a Gauges,
    /// The newest closed window (rates; utilisation when `busy` is not
    /// given).
    pub last: Option<&'a Window>,
    /// Busy fractions of the server, database and queue workers over the
    /// bottleneck strip's span, so a station's colour and "% busy" read
    /// what the strip's sentence reads (`None`: the newest window's).
    pub busy: Option<Busy>,
    /// Client names, in lane order.
    pub clients: Vec<String>,
    /// Window width, s (to turn counts into rates).
    pub window_s: f64,
    /// Animation clock, s.
    pub anim_s: f64,
    /// Failure labels.
    pub flashes: &'a [Flash],
    /// Height to use, points.
    pub height: f32,
}

impl DiagramInput<'_> {
    /// Client `i`'s clicks in the newest window, per s.
    fn clicks_per_s(&self, i: usize) -> f64 {
        let n = self.last.and_then(|w| w.clicks_by_client.get(i).copied());
        self.per_s(n.unwrap_or(0))
    }

    /// Client `i`'s commits in the newest window, per s.
    fn commits_per_s(&self, i: usize) -> f64 {
        let n = self.last.and_then(|w| w.commits_by_client.get(i).copied());
        self.per_s(n.unwrap_or(0))
    }

    fn per_s(&self, count: u64) -> f64 {
        count as f64 / self.window_s.max(1e-9)
    }
}

/// Busy fractions of the three stations, 0–1.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Busy {
    /// Server workers.
    pub server: f64,
    /// Database connections.
    pub db: f64,
    /// Queue workers.
    pub workers: f64,
}

/// What the diagram colours each station by: the strip's span when given,
/// else the newest window, else the gauges before the first window closes.
pub fn busy_shown(d: &DiagramInput<'_>) -> Busy {
    let l = Load::of(d);
    Busy {
        server: l.server,
        db: l.db,
        workers: l.workers,
    }
}

/// How busy each station is and which paths carry traffic.
struct Load {
    /// Busy fractions of the server, the queue workers and the database.
    server: f64,
    workers: f64,
    db: f64,
    /// Some endpoint is async: the top path (via the queue) carries traffic.
    any_async: bool,
    /// Some endpoint is sync (or none is known): the lower path does.
    any_sync: bool,
    /// Share of endpoints in async mode; the dots split by it.
    async_share: f64,
}

impl Load {
    /// From the strip's span, or the newest window's utilisation, or the
    /// gauges before the first window closes.
    fn of(d: &DiagramInput<'_>) -> Load {
        let g = d.gauges;
        let ratio = |busy: f64, cap: f64| if cap > 0.0 { busy / cap } else { 0.0 };
        let (server, db, workers) = match (d.busy, d.last) {
            (Some(b), _) => (b.server, b.db, b.workers),
            (None, Some(w)) => (w.util_server, w.util_db, w.util_workers),
            (None, None) => (
                ratio(g.server_busy as f64, g.server_workers as f64),
                ratio(g.db_busy as f64, g.db_connections as f64),
                ratio(g.workers_busy as f64, g.workers as f64),
            ),
        };
        let async_share = if g.modes.is_empty() {
            0.0
        } else {
            g.modes.iter().filter(|m| **m == Mode::Async).count() as f64 / g.modes.len() as f64
        };
        Load {
            server,
            workers,
            db,
            any_async: g.modes.contains(&Mode::Async),
            any_sync: g.modes.is_empty() || g.modes.contains(&Mode::Sync),
            async_share,
        }
    }
}

/// Which paths the diagram draws.
#[derive(Clone, Copy)]
struct Paths {
    /// The async path: server → queue → workers → database.
    queue: bool,
    /// The sync path under the stations, and its words.
    sync: bool,
}

/// What every drawing function needs: where to paint, where things go, and
/// the theme's colours.
struct Canvas {
    painter: egui::Painter,
    at: Layout,
    /// Text and outlines.
    text: Color32,
    /// A station's fill while it is not busy.
    neutral: Color32,
    /// The plate behind the queue's depth.
    plate: Color32,
    /// Labels in the room's words (the plain-language setting).
    plain: bool,
    /// Dark theme (coloured text takes the theme table's variant).
    dark: bool,
}

impl Canvas {
    /// `text` in the room's words when the setting is on.
    fn say(&self, text: &str) -> String {
        crate::app::room::words(text, self.plain)
    }
}

/// Draws the diagram: both paths, the one no endpoint uses faint (the
/// presenter switches modes and sees the traffic move).
pub fn show(ui: &mut egui::Ui, d: &DiagramInput<'_>) {
    paint(ui, d, false);
}

/// Draws a twin's diagram: only its own mode's path and words (an async
/// twin never says "sync: the worker waits for the database", a sync twin
/// draws no empty queue), in whatever width its column has.
pub fn show_own_mode(ui: &mut egui::Ui, d: &DiagramInput<'_>) {
    paint(ui, d, true);
}

fn paint(ui: &mut egui::Ui, d: &DiagramInput<'_>, own_mode_only: bool) {
    let width = if own_mode_only {
        ui.available_width().max(1.0)
    } else {
        ui.available_width().max(200.0)
    };
    let size = Vec2::new(width, d.height.max(120.0));
    let (rect, response) = ui.allocate_exact_size(size, Sense::hover());
    let painter = ui.painter_at(rect);
    let visuals = ui.visuals();
    let c = Canvas {
        at: Layout::new(&painter, rect, d.clients.len()),
        painter,
        text: visuals.text_color(),
        neutral: visuals.faint_bg_color,
        plate: visuals.panel_fill.gamma_multiply(0.85),
        plain: crate::app::room::plain_words(ui.ctx()),
        dark: visuals.dark_mode,
    };
    if c.plain {
        response.on_hover_text(engineer_words());
    }
    let load = Load::of(d);
    let paths = Paths {
        queue: !own_mode_only || load.any_async,
        sync: !own_mode_only || load.any_sync,
    };
    flow::lanes(&c, d);
    flow::arrows(&c, &load, paths);
    flow::flow_dots(&c, d, &load);
    stations::stations(&c, d.gauges, &load, paths.queue);
    stations::outage_label(&c, d.gauges);
    if paths.queue {
        stations::queue(&c, d.gauges);
    }
    stations::failure_labels(&c, d.flashes, d.anim_s);
}

/// The diagram's words in the room's and the engineer's terms (hover text
/// while the plain-language setting is on).
fn engineer_words() -> String {
    let pairs: Vec<String> = ["accept backlog", "conns", "in backoff", "dead letter"]
        .iter()
        .map(|t| format!("'{}' = {t}", crate::glossary::plain(t)))
        .collect();
    format!("In the engineer's words: {}", pairs.join(", "))
}
