//! The stations: server, queue workers and database as boxes coloured by
//! load, the queue filling up per client, the outage label and the failure
//! labels rising from where requests fail.

use super::{Canvas, FLASH_JOIN_S, FLASH_LIFE_S, Flash, Load, Spot};
use crate::app::palette;
use crate::fmt::thousands;
use crate::sim::Gauges;
use egui::{Align2, CornerRadius, Pos2, Rect, Stroke, StrokeKind, Vec2};

/// The server, queue workers and database boxes: name, load, and what is
/// busy and waiting now.
/// `queue`: false leaves the queue workers out (a sync twin has none at
/// work).
pub(super) fn stations(c: &Canvas, g: &Gauges, load: &Load, queue: bool) {
    let l = &c.at;
    // "backlog" beside the server is its accept backlog, not the queue's.
    let backlog = crate::glossary::say("accept backlog", c.plain);
    let backlog = if c.plain { backlog } else { "backlog" };
    let server = format!(
        "now {}/{} busy\n{backlog} {}",
        g.server_busy,
        g.server_workers,
        thousands(g.accept_backlog)
    );
    let workers = format!(
        "now {}/{} busy\nbackoff {}",
        g.workers_busy,
        g.workers,
        thousands(g.in_backoff)
    );
    let db = format!(
        "now {}/{} conns\nwaiting {}",
        g.db_busy,
        g.db_connections,
        thousands(g.db_waiting)
    );
    station(c, l.server, "server", load.server, &server);
    if queue {
        station(c, l.workers, "queue workers", load.workers, &workers);
    }
    station(c, l.db, "database", load.db, &db);
}

/// One station: a box filled by its load (neutral, amber, red) with its
/// name on top, how busy it is in the middle and `detail` at the bottom.
fn station(c: &Canvas, r: Rect, name: &str, util: f64, detail: &str) {
    let fill = palette::load(util, c.neutral);
    c.painter.rect(
        r,
        CornerRadius::same(6),
        fill,
        Stroke::new(1.5, c.text.gamma_multiply(0.6)),
        StrokeKind::Inside,
    );
    let on_fill = if fill == c.neutral {
        c.text
    } else {
        palette::on_fill(fill)
    };
    let (font, small) = (&c.at.font, &c.at.small);
    c.painter.text(
        r.center_top() + Vec2::new(0.0, 4.0),
        Align2::CENTER_TOP,
        name,
        font.clone(),
        on_fill,
    );
    c.painter.text(
        r.center(),
        Align2::CENTER_CENTER,
        format!("{:.0}% busy", util.clamp(0.0, 9.99) * 100.0),
        font.clone(),
        on_fill,
    );
    c.painter.text(
        r.center_bottom() - Vec2::new(0.0, 4.0),
        Align2::CENTER_BOTTOM,
        c.say(detail),
        small.clone(),
        on_fill,
    );
}

/// "OUTAGE" over the database while it is down.
pub(super) fn outage_label(c: &Canvas, g: &Gauges) {
    if g.outage.is_some() {
        c.painter.text(
            c.at.db.center_top() - Vec2::new(0.0, 2.0),
            Align2::CENTER_BOTTOM,
            "OUTAGE",
            c.at.font.clone(),
            palette::text(palette::RED, c.dark),
        );
    }
}

/// The queue: fills visibly, per client, with its depth written on it and
/// its capacity below.
pub(super) fn queue(c: &Canvas, g: &Gauges) {
    let (queue, font) = (c.at.queue, &c.at.font);
    c.painter.rect_stroke(
        queue,
        CornerRadius::same(6),
        Stroke::new(1.5, c.text.gamma_multiply(0.6)),
        StrokeKind::Inside,
    );
    queue_fill(c, g);
    c.painter.text(
        queue.center_top() + Vec2::new(0.0, 4.0),
        Align2::CENTER_TOP,
        "queue",
        font.clone(),
        c.text,
    );
    // The depth is written on a plate so it reads over any fill colour.
    let depth = format!("{} jobs", thousands(g.queue_len));
    let depth = c.painter.layout_no_wrap(depth, font.clone(), c.text);
    let plate = Rect::from_center_size(queue.center(), depth.size() + Vec2::new(8.0, 2.0));
    c.painter.rect_filled(plate, CornerRadius::same(3), c.plate);
    c.painter
        .galley(plate.min + Vec2::new(4.0, 1.0), depth, c.text);
    backoff(c, g, plate);
    let cap = if g.queue_capacity > 0 {
        format!("cap {}", thousands(g.queue_capacity))
    } else {
        "unbounded".to_string()
    };
    c.painter.text(
        queue.center_bottom() - Vec2::new(0.0, 4.0),
        Align2::CENTER_BOTTOM,
        cap,
        c.at.small.clone(),
        c.text,
    );
}

/// Jobs waiting out a retry backoff, as plainly as the queue: a bar along
/// the queue's bottom (log scale) and their count on a plate under the
/// depth. They are not in the broker and hold no worker, but they are not
/// lost either.
fn backoff(c: &Canvas, g: &Gauges, depth_plate: Rect) {
    if g.in_backoff == 0 {
        return;
    }
    let inner = c.at.queue.shrink(3.0);
    let frac = ((g.in_backoff as f64 + 1.0).log10() / 6.0).clamp(0.05, 1.0) as f32;
    let bar = Rect::from_min_max(
        Pos2::new(inner.left(), inner.bottom() - 16.0 - 7.0),
        Pos2::new(inner.left() + inner.width() * frac, inner.bottom() - 16.0),
    );
    c.painter
        .rect_filled(bar, CornerRadius::ZERO, palette::RETRIES);
    let text = c.say(&format!("+ {} in backoff", thousands(g.in_backoff)));
    let galley = c.painter.layout_no_wrap(text, c.at.small.clone(), c.text);
    let plate = Rect::from_center_size(
        Pos2::new(
            depth_plate.center().x,
            depth_plate.bottom() + 2.0 + galley.size().y / 2.0,
        ),
        galley.size() + Vec2::new(8.0, 2.0),
    );
    c.painter.rect_filled(plate, CornerRadius::same(3), c.plate);
    c.painter
        .galley(plate.min + Vec2::new(4.0, 1.0), galley, c.text);
}

/// The queue's fill, one stretch per client in its colour. Bounded queues
/// fill to capacity; unbounded ones on a log scale so a ten-million-job
/// backlog still fits and small ones still show.
fn queue_fill(c: &Canvas, g: &Gauges) {
    let depth = g.queue_len;
    if depth == 0 {
        return;
    }
    let fill_frac = if g.queue_capacity > 0 {
        (depth as f64 / g.queue_capacity as f64).clamp(0.0, 1.0)
    } else {
        ((depth as f64 + 1.0).log10() / 6.0).clamp(0.0, 1.0)
    } as f32;
    let inner = c.at.queue.shrink(3.0);
    let fill_w = inner.width() * fill_frac;
    let mut x = inner.left();
    for (i, q) in g.queue_by_client.iter().enumerate() {
        let w = fill_w * (*q as f64 / depth as f64) as f32;
        if w > 0.0 {
            let r = Rect::from_min_max(
                Pos2::new(x, inner.top() + 18.0),
                Pos2::new(x + w, inner.bottom() - 16.0),
            );
            c.painter
                .rect_filled(r, CornerRadius::ZERO, palette::client(i));
            x += w;
        }
    }
}

/// How far above its spot a failure label of `age` s is drawn, points:
/// fast enough that labels born [`FLASH_JOIN_S`] apart are a line of text
/// (`font_px`) apart and do not overprint each other.
fn flash_rise(age_s: f64, font_px: f32) -> f32 {
    let per_s = 1.2 * font_px / FLASH_JOIN_S as f32;
    4.0 + per_s * age_s as f32
}

/// Failure labels rising from their spot and fading out over
/// [`FLASH_LIFE_S`] of animation time (`anim_s` is now).
pub(super) fn failure_labels(c: &Canvas, flashes: &[Flash], anim_s: f64) {
    let l = &c.at;
    for f in flashes {
        let age = anim_s - f.born_s;
        if !(0.0..FLASH_LIFE_S).contains(&age) {
            continue;
        }
        let anchor = match f.spot {
            // Timeouts rise from under the lanes (above them they would
            // leave the diagram at once and never be seen).
            Spot::Browsers => {
                Pos2::new(l.browser_x, (l.lanes_bottom + 40.0).max(l.server.bottom()))
            }
            Spot::Server => l.server.center_top(),
            Spot::Queue => l.queue.center_top(),
            Spot::Workers => l.workers.center_top(),
            Spot::Database => l.db.center_top(),
        };
        let alpha = (1.0 - age / FLASH_LIFE_S) as f32;
        let pos = anchor - Vec2::new(0.0, flash_rise(age, l.font.size));
        c.painter.text(
            pos,
            Align2::CENTER_BOTTOM,
            c.say(&f.text),
            l.font.clone(),
            palette::text(palette::RED, c.dark).gamma_multiply(alpha),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn consecutive_failure_labels_are_a_line_apart() {
        for font_px in [9.0, 12.0, 24.0] {
            for age in [0.0, 0.5, 1.6] {
                let gap = flash_rise(age + FLASH_JOIN_S, font_px) - flash_rise(age, font_px);
                assert!(gap >= font_px, "{gap} < {font_px} at {age} s");
            }
        }
    }
}
