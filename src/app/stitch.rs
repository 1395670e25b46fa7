//! The plot area as one tall image: the plots scroll when the window is
//! too small for all of them, so the area is shot a screenful at a time,
//! scrolling between shots, and the pieces are stacked into one image as
//! tall as the whole area; then the scroll goes back where it was.

use egui::{ColorImage, Rect};

/// Where the central scroll area was last frame.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ScrollView {
    /// The visible part, points.
    pub inner: Rect,
    /// How far it was scrolled, points.
    pub offset: f32,
}

impl ScrollView {
    /// `r` (on screen, at this offset) in the scrolled content's
    /// coordinates: y from the content's top.
    pub fn to_content(self, r: Rect) -> Rect {
        r.translate(egui::vec2(0.0, self.offset - self.inner.top()))
    }

    /// `r` (content coordinates) on screen at this offset.
    pub fn to_screen(self, r: Rect) -> Rect {
        r.translate(egui::vec2(0.0, self.inner.top() - self.offset))
    }
}

/// A tall image under way.
pub struct Stitch {
    /// The plot area, in content coordinates (points).
    area: Rect,
    /// Points of the area taken so far, from its top.
    done: f32,
    /// The offset the user had, restored at the end.
    restore: f32,
    /// Frames to wait for the scroll to settle before the next shot.
    wait: u8,
    /// A shot was asked for and has not come back yet.
    in_flight: bool,
    /// The image so far (sized by the first piece).
    canvas: Option<ColorImage>,
    /// Frames left before giving up on the pieces.
    patience: u32,
}

/// What a stitch wants this frame.
#[derive(Debug, PartialEq)]
pub enum Step {
    /// Nothing yet (waiting for the scroll or a shot).
    Wait,
    /// Shoot this screen rectangle (points): the next piece.
    Shoot(Rect),
    /// Gave up: the pieces did not come.
    Failed,
}

impl Stitch {
    /// A stitch of `area` (content coordinates) that starts at the top,
    /// from the user's scroll `restore`.
    pub fn new(area: Rect, restore: f32) -> Stitch {
        Stitch {
            area,
            done: 0.0,
            restore,
            wait: 2,
            in_flight: false,
            canvas: None,
            patience: 600,
        }
    }

    /// Where the scroll area should be this frame: with the next piece at
    /// the top of the view.
    pub fn scroll_to(&self) -> f32 {
        self.area.top() + self.done
    }

    /// The offset to go back to.
    pub fn restore(&self) -> f32 {
        self.restore
    }

    /// This frame's step, the view being `view` (last frame's).
    pub fn step(&mut self, view: ScrollView) -> Step {
        self.patience = self.patience.saturating_sub(1);
        if self.patience == 0 {
            return Step::Failed;
        }
        if self.in_flight {
            return Step::Wait;
        }
        if self.wait > 0 {
            self.wait -= 1;
            return Step::Wait;
        }
        let on_screen = view.to_screen(self.area);
        let top = on_screen.top() + self.done;
        let piece = Rect::from_x_y_ranges(
            on_screen.x_range(),
            top.max(view.inner.top())..=on_screen.bottom().min(view.inner.bottom()),
        );
        if piece.height() < 1.0 || piece.top() > top + 0.5 {
            // The scroll has not reached the piece (the content is shorter
            // than asked, or the user scrolled): wait for it, a while.
            self.wait = 1;
            return Step::Wait;
        }
        self.in_flight = true;
        Step::Shoot(piece)
    }

    /// Adds a piece shot at `ppp` pixels per point; the whole image once
    /// the area is complete.
    pub fn add(&mut self, piece: &ColorImage, ppp: f32) -> Option<ColorImage> {
        self.in_flight = false;
        self.wait = 2;
        let [w, h] = piece.size;
        let total_h = (self.area.height() * ppp).round().max(1.0) as usize;
        let canvas = self
            .canvas
            .get_or_insert_with(|| ColorImage::filled([w, total_h], Default::default()));
        let y0 = (self.done * ppp).round() as usize;
        let [cw, ch] = canvas.size;
        for y in 0..h.min(ch.saturating_sub(y0)) {
            let row = &piece.pixels[y * w..y * w + w.min(cw)];
            canvas.pixels[(y0 + y) * cw..(y0 + y) * cw + row.len()].copy_from_slice(row);
        }
        self.done += h as f32 / ppp;
        if self.done >= self.area.height() - 0.5 {
            self.canvas.take()
        } else {
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn three_screens_of_plots_stack_into_one_image() {
        // A 1000-point area in a 400-point view at 2 pixels per point.
        let area = Rect::from_min_size(egui::pos2(10.0, 100.0), egui::vec2(200.0, 1000.0));
        let inner = Rect::from_min_size(egui::pos2(0.0, 50.0), egui::vec2(300.0, 400.0));
        let mut s = Stitch::new(area, 30.0);
        let mut out = None;
        for _ in 0..40 {
            let view = ScrollView {
                inner,
                offset: s.scroll_to(),
            };
            if let Step::Shoot(r) = s.step(view) {
                let px = [
                    (r.width() * 2.0) as usize,
                    (r.height() * 2.0).round() as usize,
                ];
                let piece = ColorImage::filled(px, crate::app::palette::RED);
                out = s.add(&piece, 2.0);
                if out.is_some() {
                    break;
                }
            }
        }
        let image = out.expect("the whole area");
        assert_eq!(image.size, [400, 2000]);
        assert!(
            image.pixels.iter().all(|p| *p == crate::app::palette::RED),
            "no row left out"
        );
        assert_eq!(s.restore(), 30.0);
    }
}
