//! Where the diagram's parts go, computed once per frame from its rect.

use crate::app::palette;
use egui::{FontId, Pos2, Rect, Vec2};

/// The diagram's geometry and text sizes.
pub(super) struct Layout {
    /// Station names and large text, shrunk to fit narrow boxes.
    pub font: FontId,
    /// Detail lines.
    pub small: FontId,
    /// Width of a column's box (a lane, a station), points.
    pub box_w: f32,
    /// Centre of the browser lanes, x.
    pub browser_x: f32,
    /// Top of the first lane, y.
    pub lanes_top: f32,
    /// Height of one lane, points.
    pub lane_h: f32,
    /// Bottom of the last lane, y.
    pub lanes_bottom: f32,
    /// The server's box.
    pub server: Rect,
    /// The queue's box.
    pub queue: Rect,
    /// The queue workers' box.
    pub workers: Rect,
    /// The database's box.
    pub db: Rect,
    /// Height of the sync path under the stations, y.
    pub sync_y: f32,
}

impl Layout {
    /// Five columns in `rect` (browsers | server | queue | workers |
    /// database) and one lane per client.
    pub fn new(painter: &egui::Painter, rect: Rect, clients: usize) -> Layout {
        let col = |i: f32| rect.left() + rect.width() * (0.08 + i * 0.2);
        let box_w = rect.width() * 0.15;
        // Text shrinks to fit the boxes in a narrow diagram (large UI
        // scale), instead of spilling over the box edges.
        let widest = ["queue workers", "100% busy", "now 200/200 busy"]
            .iter()
            .map(|t| {
                painter
                    .layout_no_wrap(t.to_string(), FontId::proportional(13.0), palette::MEASURE)
                    .size()
                    .x
            })
            .fold(1.0_f32, f32::max);
        let fit = ((box_w - 8.0) / widest).clamp(0.6, 1.0);
        // Tall enough for the name, the load and two detail lines.
        let box_h = (rect.height() * 0.42).max(74.0);
        let mid_y = rect.top() + (rect.height() * 0.42).max(box_h / 2.0 + 8.0);
        let boxed = |cx: f32| Rect::from_center_size(Pos2::new(cx, mid_y), Vec2::new(box_w, box_h));
        let n = clients.max(1);
        let lanes_top = rect.top() + 6.0;
        let lane_h = ((rect.height() - 24.0) / n as f32).clamp(2.0, 40.0);
        let server = boxed(col(1.0));
        Layout {
            font: FontId::proportional(13.0 * fit),
            small: FontId::proportional(11.0 * fit),
            box_w,
            browser_x: col(0.0),
            lanes_top,
            lane_h,
            lanes_bottom: lanes_top + lane_h * n as f32,
            server,
            queue: boxed(col(2.0)),
            workers: boxed(col(3.0)),
            db: boxed(col(4.0)),
            sync_y: server.bottom() + (rect.bottom() - server.bottom()) * 0.5,
        }
    }

    /// The middle of client `i`'s lane, y.
    pub fn lane_y(&self, i: usize) -> f32 {
        self.lanes_top + self.lane_h * (i as f32 + 0.5)
    }

    /// The lane of client `i`.
    pub fn lane(&self, i: usize) -> Rect {
        Rect::from_center_size(
            Pos2::new(self.browser_x, self.lane_y(i)),
            Vec2::new(self.box_w, self.lane_h * 0.8),
        )
    }

    /// The sync path: down from the server, along under the stations, up
    /// into the database.
    pub fn sync_path(&self) -> [Pos2; 4] {
        [
            self.server.center_bottom(),
            Pos2::new(self.server.center().x, self.sync_y),
            Pos2::new(self.db.center().x, self.sync_y),
            self.db.center_bottom(),
        ]
    }
}
