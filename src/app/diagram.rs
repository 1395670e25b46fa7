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

use super::palette;
use crate::scenario::Mode;
use crate::sim::{Gauges, Window};
use egui::{Align2, Color32, CornerRadius, FontId, Pos2, Rect, Sense, Stroke, StrokeKind, Vec2};

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

/// Everything the diagram draws.
pub struct DiagramInput<'a> {
    /// Live levels.
    pub gauges: &'a Gauges,
    /// The newest closed window (rates, utilisation).
    pub last: Option<&'a Window>,
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

/// Most dots per path: enough to show flow, few enough to read.
const MAX_DOTS: usize = 8;

/// Draws the diagram.
pub fn show(ui: &mut egui::Ui, d: &DiagramInput<'_>) {
    let width = ui.available_width().max(200.0);
    let (rect, _) = ui.allocate_exact_size(Vec2::new(width, d.height.max(120.0)), Sense::hover());
    let painter = ui.painter_at(rect);
    let visuals = ui.visuals();
    let text_color = visuals.text_color();
    let neutral = visuals.faint_bg_color;
    // Columns: browsers | server | queue | workers | database.
    let col = |i: f32| rect.left() + rect.width() * (0.08 + i * 0.2);
    let box_w = rect.width() * 0.15;
    // Text shrinks to fit the boxes in a narrow diagram (large UI scale),
    // instead of spilling over the box edges.
    let widest = ["queue workers", "100% busy", "now 200/200 busy"]
        .iter()
        .map(|t| {
            painter
                .layout_no_wrap(t.to_string(), FontId::proportional(13.0), Color32::WHITE)
                .size()
                .x
        })
        .fold(1.0_f32, f32::max);
    let fit = ((box_w - 8.0) / widest).clamp(0.6, 1.0);
    let font = FontId::proportional(13.0 * fit);
    let small = FontId::proportional(11.0 * fit);
    // Tall enough for the name, the load and two detail lines.
    let box_h = (rect.height() * 0.42).max(74.0);
    let mid_y = rect.top() + (rect.height() * 0.42).max(box_h / 2.0 + 8.0);
    let boxed = |cx: f32| Rect::from_center_size(Pos2::new(cx, mid_y), Vec2::new(box_w, box_h));

    let g = d.gauges;
    let ratio = |busy: f64, cap: f64| if cap > 0.0 { busy / cap } else { 0.0 };
    let (u_server, u_db, u_workers) = match d.last {
        Some(w) => (w.util_server, w.util_db, w.util_workers),
        None => (
            ratio(g.server_busy as f64, g.server_workers as f64),
            ratio(g.db_busy as f64, g.db_connections as f64),
            ratio(g.workers_busy as f64, g.workers as f64),
        ),
    };
    let any_async = g.modes.contains(&Mode::Async);
    let any_sync = g.modes.is_empty() || g.modes.contains(&Mode::Sync);

    // Browser lanes, one per client.
    let n = d.clients.len().max(1);
    let lanes_top = rect.top() + 6.0;
    let lane_h = ((rect.height() - 24.0) / n as f32).clamp(2.0, 40.0);
    let browser_x = col(0.0);
    let server = boxed(col(1.0));
    let queue = boxed(col(2.0));
    let workers = boxed(col(3.0));
    let db = boxed(col(4.0));
    let rate = |count: u64| count as f64 / d.window_s.max(1e-9);
    for (i, name) in d.clients.iter().enumerate() {
        let y = lanes_top + lane_h * (i as f32 + 0.5);
        let color = palette::client(i);
        let lane = Rect::from_center_size(Pos2::new(browser_x, y), Vec2::new(box_w, lane_h * 0.8));
        painter.rect_filled(lane, CornerRadius::same(3), color.gamma_multiply(0.25));
        if lane_h >= 10.0 {
            painter.text(
                lane.center(),
                Align2::CENTER_CENTER,
                name,
                small.clone(),
                text_color,
            );
        }
        let clicks = d
            .last
            .and_then(|w| w.clicks_by_client.get(i).copied())
            .unwrap_or(0);
        dots(
            &painter,
            Pos2::new(lane.right(), y),
            server.left_center(),
            rate(clicks),
            d.anim_s + i as f64 * 0.37,
            color,
        );
    }
    let lanes_bottom = lanes_top + lane_h * n as f32;
    if d.clients.len() > 1 {
        // Right under the lanes it names.
        painter.text(
            Pos2::new(browser_x, lanes_bottom + 2.0),
            Align2::CENTER_TOP,
            "browsers",
            font.clone(),
            text_color,
        );
    }

    // Arrows along the paths.
    let faint = Stroke::new(1.5, text_color.gamma_multiply(0.35));
    let arrow = |a: Pos2, b: Pos2, on: bool| {
        let s = if on {
            faint
        } else {
            Stroke::new(1.0, faint.color.gamma_multiply(0.3))
        };
        painter.line_segment([a, b], s);
    };
    arrow(server.right_center(), queue.left_center(), any_async);
    arrow(queue.right_center(), workers.left_center(), true);
    arrow(workers.right_center(), db.left_center(), true);
    let sync_y = server.bottom() + (rect.bottom() - server.bottom()) * 0.5;
    let sync_path = [
        server.center_bottom(),
        Pos2::new(server.center().x, sync_y),
        Pos2::new(db.center().x, sync_y),
        db.center_bottom(),
    ];
    for w in sync_path.windows(2) {
        arrow(w[0], w[1], any_sync);
    }
    painter.text(
        Pos2::new((server.center().x + db.center().x) / 2.0, sync_y - 2.0),
        Align2::CENTER_BOTTOM,
        "sync: the worker waits for the database",
        small.clone(),
        text_color.gamma_multiply(if any_sync { 0.9 } else { 0.4 }),
    );

    // Flow dots: sync writes along the lower path, async along the top.
    // Each client's dots in its own colour; the share of each path follows
    // the endpoints' modes (all async: top path; all sync: lower path).
    let async_share = if g.modes.is_empty() {
        0.0
    } else {
        g.modes.iter().filter(|m| **m == Mode::Async).count() as f64 / g.modes.len() as f64
    };
    for (i, _) in d.clients.iter().enumerate() {
        let color = palette::client(i);
        let clicks = d
            .last
            .and_then(|w| w.clicks_by_client.get(i).copied())
            .unwrap_or(0);
        let commits = d
            .last
            .and_then(|w| w.commits_by_client.get(i).copied())
            .unwrap_or(0);
        let offset = i as f64 * 0.29;
        if any_async {
            let t = d.anim_s + offset;
            dots(
                &painter,
                server.right_center(),
                queue.left_center(),
                rate(clicks) * async_share,
                t,
                color,
            );
            dots(
                &painter,
                queue.right_center(),
                workers.left_center(),
                rate(commits) * async_share,
                t + 0.3,
                color,
            );
            dots(
                &painter,
                workers.right_center(),
                db.left_center(),
                rate(commits) * async_share,
                t + 0.6,
                color,
            );
        }
        if any_sync {
            let t = d.anim_s + offset + 0.2;
            let from = Pos2::new(server.center().x, sync_y);
            let to = Pos2::new(db.center().x, sync_y);
            dots(
                &painter,
                from,
                to,
                rate(commits) * (1.0 - async_share),
                t,
                color,
            );
        }
    }

    // Boxes.
    let stations = [
        (
            server,
            "server",
            u_server,
            format!(
                "now {}/{} busy\nbacklog {}",
                g.server_busy,
                g.server_workers,
                crate::fmt::thousands(g.accept_backlog)
            ),
        ),
        (
            workers,
            "queue workers",
            u_workers,
            format!(
                "now {}/{} busy\nbackoff {}",
                g.workers_busy,
                g.workers,
                crate::fmt::thousands(g.in_backoff)
            ),
        ),
        (
            db,
            "database",
            u_db,
            format!(
                "now {}/{} conns\nwaiting {}",
                g.db_busy,
                g.db_connections,
                crate::fmt::thousands(g.db_waiting)
            ),
        ),
    ];
    for (r, name, util, detail) in &stations {
        let fill = palette::load(*util, neutral);
        painter.rect(
            *r,
            CornerRadius::same(6),
            fill,
            Stroke::new(1.5, text_color.gamma_multiply(0.6)),
            StrokeKind::Inside,
        );
        let on_fill = if fill == neutral {
            text_color
        } else {
            Color32::BLACK
        };
        painter.text(
            r.center_top() + Vec2::new(0.0, 4.0),
            Align2::CENTER_TOP,
            *name,
            font.clone(),
            on_fill,
        );
        painter.text(
            r.center(),
            Align2::CENTER_CENTER,
            format!("{:.0}% busy", util.clamp(0.0, 9.99) * 100.0),
            font.clone(),
            on_fill,
        );
        painter.text(
            r.center_bottom() - Vec2::new(0.0, 4.0),
            Align2::CENTER_BOTTOM,
            detail,
            small.clone(),
            on_fill,
        );
    }
    if g.outage.is_some() {
        painter.text(
            db.center_top() - Vec2::new(0.0, 2.0),
            Align2::CENTER_BOTTOM,
            "OUTAGE",
            font.clone(),
            palette::RED,
        );
    }

    // The queue: fills visibly, per client, with its depth written.
    painter.rect_stroke(
        queue,
        CornerRadius::same(6),
        Stroke::new(1.5, text_color.gamma_multiply(0.6)),
        StrokeKind::Inside,
    );
    let depth = g.queue_len;
    // Bounded queues fill to capacity; unbounded ones on a log scale so a
    // ten-million-job backlog still fits and small ones still show.
    let fill_frac = if g.queue_capacity > 0 {
        (depth as f64 / g.queue_capacity as f64).clamp(0.0, 1.0)
    } else {
        ((depth as f64 + 1.0).log10() / 6.0).clamp(0.0, 1.0)
    } as f32;
    let inner = queue.shrink(3.0);
    let mut x = inner.left();
    let fill_w = inner.width() * fill_frac;
    for (i, q) in g.queue_by_client.iter().enumerate() {
        if depth == 0 {
            break;
        }
        let w = fill_w * (*q as f64 / depth as f64) as f32;
        if w > 0.0 {
            let r = Rect::from_min_max(
                Pos2::new(x, inner.top() + 18.0),
                Pos2::new(x + w, inner.bottom() - 16.0),
            );
            painter.rect_filled(r, CornerRadius::ZERO, palette::client(i));
            x += w;
        }
    }
    painter.text(
        queue.center_top() + Vec2::new(0.0, 4.0),
        Align2::CENTER_TOP,
        "queue",
        font.clone(),
        text_color,
    );
    // The depth is written on a plate so it reads over any fill colour.
    let depth_text = painter.layout_no_wrap(
        format!("{} jobs", crate::fmt::thousands(depth)),
        font.clone(),
        text_color,
    );
    let plate = Rect::from_center_size(queue.center(), depth_text.size() + Vec2::new(8.0, 2.0));
    painter.rect_filled(
        plate,
        CornerRadius::same(3),
        visuals.panel_fill.gamma_multiply(0.85),
    );
    painter.galley(plate.min + Vec2::new(4.0, 1.0), depth_text, text_color);
    let cap = if g.queue_capacity > 0 {
        format!("cap {}", crate::fmt::thousands(g.queue_capacity))
    } else {
        "unbounded".to_string()
    };
    painter.text(
        queue.center_bottom() - Vec2::new(0.0, 4.0),
        Align2::CENTER_BOTTOM,
        cap,
        small.clone(),
        text_color,
    );

    // Failure labels, fading out.
    for f in d.flashes {
        let age = d.anim_s - f.born_s;
        if !(0.0..FLASH_LIFE_S).contains(&age) {
            continue;
        }
        let anchor = match f.spot {
            // Timeouts rise from under the lanes (above them they would
            // leave the diagram at once and never be seen).
            Spot::Browsers => Pos2::new(browser_x, (lanes_bottom + 40.0).max(server.bottom())),
            Spot::Server => server.center_top(),
            Spot::Queue => queue.center_top(),
            Spot::Workers => workers.center_top(),
            Spot::Database => db.center_top(),
        };
        let alpha = (1.0 - age / FLASH_LIFE_S) as f32;
        let pos = anchor - Vec2::new(0.0, 4.0 + 14.0 * age as f32);
        painter.text(
            pos,
            Align2::CENTER_BOTTOM,
            &f.text,
            font.clone(),
            palette::RED.gamma_multiply(alpha),
        );
    }
}

/// Up to [`MAX_DOTS`] dots moving from `a` to `b`; more traffic, more dots.
fn dots(painter: &egui::Painter, a: Pos2, b: Pos2, per_s: f64, t: f64, color: Color32) {
    if per_s <= 0.0 || !per_s.is_finite() {
        return;
    }
    // One dot per 5/s, sampled down to MAX_DOTS under heavy traffic.
    let n = ((per_s / 5.0).ceil() as usize).clamp(1, MAX_DOTS);
    for k in 0..n {
        let phase = (t * 0.8 + k as f64 / n as f64).rem_euclid(1.0) as f32;
        painter.circle_filled(a.lerp(b, phase), 4.0, color);
    }
}
