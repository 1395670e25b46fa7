//! The traffic: browser lanes, the arrows between the stations and the dots
//! moving along them.

use super::{Canvas, DiagramInput, Load};
use crate::app::palette;
use egui::{Align2, Color32, CornerRadius, Pos2, Stroke};

/// Most dots per path: enough to show flow, few enough to read.
const MAX_DOTS: usize = 8;

/// One lane per client in its colour, named when tall enough, with its
/// clicks flowing to the server; "browsers" under them when there are
/// several.
pub(super) fn lanes(c: &Canvas, d: &DiagramInput<'_>) {
    let l = &c.at;
    for (i, name) in d.clients.iter().enumerate() {
        let color = palette::client(i);
        let lane = l.lane(i);
        c.painter
            .rect_filled(lane, CornerRadius::same(3), color.gamma_multiply(0.25));
        if l.lane_h >= 10.0 {
            c.painter.text(
                lane.center(),
                Align2::CENTER_CENTER,
                name,
                l.small.clone(),
                c.text,
            );
        }
        dots(
            &c.painter,
            Pos2::new(lane.right(), l.lane_y(i)),
            l.server.left_center(),
            d.clicks_per_s(i),
            d.anim_s + i as f64 * 0.37,
            color,
        );
    }
    if d.clients.len() > 1 {
        // Right under the lanes it names.
        c.painter.text(
            Pos2::new(l.browser_x, l.lanes_bottom + 2.0),
            Align2::CENTER_TOP,
            "browsers",
            l.font.clone(),
            c.text,
        );
    }
}

/// Arrows along both paths, faint where no endpoint sends traffic, and the
/// sync path's caption.
pub(super) fn arrows(c: &Canvas, load: &Load, paths: super::Paths) {
    let l = &c.at;
    let faint = Stroke::new(1.5, c.text.gamma_multiply(0.35));
    let arrow = |a: Pos2, b: Pos2, on: bool| {
        let s = if on {
            faint
        } else {
            Stroke::new(1.0, faint.color.gamma_multiply(0.3))
        };
        c.painter.line_segment([a, b], s);
    };
    if paths.queue {
        arrow(
            l.server.right_center(),
            l.queue.left_center(),
            load.any_async,
        );
        arrow(l.queue.right_center(), l.workers.left_center(), true);
        arrow(l.workers.right_center(), l.db.left_center(), true);
    }
    if !paths.sync {
        return;
    }
    for w in l.sync_path().windows(2) {
        arrow(w[0], w[1], load.any_sync);
    }
    c.painter.text(
        Pos2::new(
            (l.server.center().x + l.db.center().x) / 2.0,
            l.sync_y - 2.0,
        ),
        Align2::CENTER_BOTTOM,
        "sync: the worker waits for the database",
        l.small.clone(),
        c.text.gamma_multiply(if load.any_sync { 0.9 } else { 0.4 }),
    );
}

/// Flow dots: async writes along the top path (server → queue → workers →
/// database), sync writes along the lower one. Each client's dots in its
/// own colour; the share of each path follows the endpoints' modes.
pub(super) fn flow_dots(c: &Canvas, d: &DiagramInput<'_>, load: &Load) {
    let l = &c.at;
    for i in 0..d.clients.len() {
        let color = palette::client(i);
        let clicks = d.clicks_per_s(i);
        let commits = d.commits_per_s(i);
        let offset = i as f64 * 0.29;
        if load.any_async {
            let t = d.anim_s + offset;
            let share = load.async_share;
            let hops = [
                (l.server, l.queue, clicks, t),
                (l.queue, l.workers, commits, t + 0.3),
                (l.workers, l.db, commits, t + 0.6),
            ];
            for (from, to, per_s, t) in hops {
                let (a, b) = (from.right_center(), to.left_center());
                dots(&c.painter, a, b, per_s * share, t, color);
            }
        }
        if load.any_sync {
            let t = d.anim_s + offset + 0.2;
            let from = Pos2::new(l.server.center().x, l.sync_y);
            let to = Pos2::new(l.db.center().x, l.sync_y);
            let per_s = commits * (1.0 - load.async_share);
            dots(&c.painter, from, to, per_s, t, color);
        }
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
