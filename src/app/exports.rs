//! PNG and CSV exports: an image of the window, the plot area or one plot,
//! cut out of egui's own screenshot (so it looks exactly like the screen,
//! at the current UI scale), to a file or the clipboard; and every plotted
//! series as CSV.
//!
//! A screenshot is asked for one frame after the click, so the menu that
//! was clicked has closed; the window delivers it to a callback, which
//! crops it and hands it back through a channel. The plot area, when it
//! scrolls, is shot a screenful at a time and stitched (`stitch.rs`), so
//! the image holds every plot, not only the visible ones.

use super::AppAction;
use super::history::History;
use super::plots::{PlotContext, PlotName};
use super::stitch::{ScrollView, Step, Stitch};
use super::workshop::WorkshopAction;
use crate::host::Snapshot;
use egui::ColorImage;
use std::path::Path;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, Sender, channel};

/// What an image shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImageTarget {
    /// The whole window.
    Window,
    /// Every plot shown, with their titles.
    Plots,
    /// One plot.
    Plot(PlotName),
}

/// Where an image goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImageDest {
    /// A PNG file (chosen after the picture is taken).
    File,
    /// The clipboard.
    Clipboard,
}

/// What a screenshot was taken for.
#[derive(Clone, Copy, Debug)]
enum Taken {
    /// A whole image, for this destination.
    Whole(ImageDest),
    /// A piece of the tall plot-area image.
    Piece,
}

/// A screenshot cut to its target, with what it was for.
type Shot = (Taken, Option<ColorImage>);

/// Images asked for, taken, and waiting for a file.
pub struct Exports {
    /// An image asked for, and the frames to wait before taking it.
    asked: Option<(ImageTarget, ImageDest, u8)>,
    tx: Sender<Shot>,
    rx: Receiver<Shot>,
    /// The image taken for a file, until the file is chosen.
    held: Option<ColorImage>,
    /// The plot area being shot a screenful at a time, and where it goes.
    stitch: Option<(ImageDest, Stitch)>,
    /// The scroll to go back to once a stitch is done (for one frame).
    restore: Option<f32>,
    /// Pixels per point of the pieces.
    ppp: f32,
}

impl Default for Exports {
    fn default() -> Self {
        let (tx, rx) = channel();
        Exports {
            asked: None,
            tx,
            rx,
            held: None,
            stitch: None,
            restore: None,
            ppp: 1.0,
        }
    }
}

impl Exports {
    /// Takes an image of `target` for `dest` once the menu has closed.
    pub fn ask(&mut self, target: ImageTarget, dest: ImageDest) {
        self.asked = Some((target, dest, 1));
    }

    /// The target whose screenshot is due this frame (then
    /// [`Exports::request`] or [`Exports::forget`] it).
    pub fn due(&mut self) -> Option<ImageTarget> {
        let (target, _, wait) = self.asked.as_mut()?;
        if *wait > 0 {
            *wait -= 1;
            return None;
        }
        Some(*target)
    }

    /// Drops the image asked for.
    pub fn forget(&mut self) {
        self.asked = None;
    }

    /// Asks the window for a screenshot, cut to `rect` (points) when it
    /// arrives.
    pub fn request(&mut self, ctx: &egui::Context, rect: egui::Rect) {
        let Some((_, dest, _)) = self.asked.take() else {
            return;
        };
        self.shoot(ctx, rect, Taken::Whole(dest));
    }

    /// Asks the window for a screenshot cut to `rect` (points).
    fn shoot(&mut self, ctx: &egui::Context, rect: egui::Rect, taken: Taken) {
        let ppp = ctx.pixels_per_point();
        self.ppp = ppp;
        let tx = self.tx.clone();
        let repaint = ctx.clone();
        ctx.request_screenshot(move |image: Arc<ColorImage>| {
            let _ = tx.send((taken, crop(&image, rect, ppp)));
            repaint.request_repaint();
        });
        ctx.request_repaint();
    }

    /// Takes the image asked for of the plot area `area` (content
    /// coordinates of the central scroll area, whose view last frame was
    /// `view`) a screenful at a time.
    pub fn request_tall(&mut self, area: egui::Rect, view: ScrollView) {
        let Some((_, dest, _)) = self.asked.take() else {
            return;
        };
        self.stitch = Some((dest, Stitch::new(area, view.offset)));
    }

    /// Where the central scroll area must be this frame (a stitch under
    /// way, or the scroll going back after one).
    pub fn scroll_to(&mut self) -> Option<f32> {
        match &self.stitch {
            Some((_, s)) => Some(s.scroll_to()),
            None => self.restore.take(),
        }
    }

    /// A stitch's shot for this frame, the view being `view`.
    pub fn stitch_step(
        &mut self,
        ctx: &egui::Context,
        view: Option<ScrollView>,
    ) -> Option<AppAction> {
        let (_, s) = self.stitch.as_mut()?;
        let step = match view {
            Some(v) => s.step(v),
            None => Step::Failed,
        };
        match step {
            Step::Wait => None,
            Step::Shoot(rect) => {
                self.shoot(ctx, rect, Taken::Piece);
                None
            }
            Step::Failed => {
                self.restore = self.stitch.take().map(|(_, s)| s.restore());
                Some(AppAction::ShowError(
                    "The plot area could not be taken (the screenshots did not come back): nothing to save.".into(),
                ))
            }
        }
    }

    /// A screenshot that arrived: copied to the clipboard at once, or held
    /// while a file is chosen. The action says what happened next.
    pub fn take_shot(&mut self, ctx: &egui::Context) -> Option<AppAction> {
        let (taken, image) = self.rx.try_recv().ok()?;
        let (dest, image) = match taken {
            Taken::Whole(dest) => (dest, image),
            Taken::Piece => {
                let (dest, s) = self.stitch.as_mut()?;
                let dest = *dest;
                let whole = match &image {
                    Some(piece) => s.add(piece, self.ppp)?,
                    None => ColorImage::default(),
                };
                self.restore = self.stitch.take().map(|(_, s)| s.restore());
                (dest, (whole.size[1] > 0).then_some(whole))
            }
        };
        let Some(image) = image else {
            return Some(AppAction::ShowError(
                "The screenshot came back empty: nothing to save.".into(),
            ));
        };
        let [w, h] = image.size;
        Some(match dest {
            ImageDest::Clipboard => {
                ctx.copy_image(image);
                AppAction::ShowStatus(format!("image copied to the clipboard ({w}x{h} px)"))
            }
            ImageDest::File => {
                self.held = Some(image);
                AppAction::Workshop(WorkshopAction::ChooseImageFile)
            }
        })
    }

    /// Writes the image taken for a file to `path` as a PNG, atomically.
    pub fn save_image(&mut self, path: &Path) -> Result<String, String> {
        let image = self
            .held
            .as_ref()
            .ok_or_else(|| "No image taken yet: nothing to save.".to_string())?;
        let [w, h] = image.size;
        crate::scenario::regular_target(path)
            .map_err(|e| format!("Could not save the image.\n\n{e}"))?;
        crate::export::save_png(path, w as u32, h as u32, image.as_raw())
            .map_err(|e| format!("Could not save the image.\n\n{e}"))?;
        Ok(format!("image saved to {} ({w}x{h} px)", path.display()))
    }
}

/// `rect` (points) of a screenshot taken at `ppp` pixels per point, cut to
/// the image (None when nothing of it is inside).
pub fn crop(image: &ColorImage, rect: egui::Rect, ppp: f32) -> Option<ColorImage> {
    let [w, h] = image.size;
    let px = |v: f32, max: usize| ((v * ppp).round().max(0.0) as usize).min(max);
    let (x0, x1) = (px(rect.min.x, w), px(rect.max.x, w));
    let (y0, y1) = (px(rect.min.y, h), px(rect.max.y, h));
    if x1 <= x0 || y1 <= y0 {
        return None;
    }
    if (x0, y0, x1, y1) == (0, 0, w, h) {
        return Some(image.clone());
    }
    Some(image.region_by_pixels([x0, y0], [x1 - x0, y1 - y0]))
}

/// Writes every line of `kinds` over the whole plot history to `path` as
/// CSV: a time column, then one column per line, named "plot: legend".
pub fn save_csv(
    path: &Path,
    history: &History,
    snap: &Snapshot,
    kinds: &[PlotName],
) -> Result<String, String> {
    crate::scenario::regular_target(path)
        .map_err(|e| format!("Could not export the plotted series.\n\n{e}"))?;
    let pc = PlotContext {
        markers: &snap.first().markers,
        settings: &snap.first().live,
        sla_wait_s: snap.first().live.sla.wait_target_s,
        x_range: (0.0, snap.now_s),
        height: 0.0,
        min_frame_h: super::plots::MIN_FRAME_H,
        traces: &[],
        cues: &[],
    };
    let rows = &history.rows;
    let polling = rows.iter().any(|r| r.polls_per_s > 0.0);
    let mut columns: Vec<(String, Vec<f64>)> = Vec::new();
    for kind in kinds {
        let title = crate::chart::spec(*kind).title;
        for line in super::plots::lines::lines(*kind, &pc, polling) {
            let values = rows.iter().map(|r| (line.y)(r)).collect();
            columns.push((format!("{title}: {}", line.name), values));
        }
    }
    let times: Vec<f64> = rows.iter().map(|r| r.t_s).collect();
    let series: Vec<crate::export::Series<'_>> = columns
        .iter()
        .map(|(name, values)| crate::export::Series {
            name: name.as_str(),
            values: values.as_slice(),
        })
        .collect();
    crate::export::save_series_csv(path, "time (s)", &times, &series)
        .map_err(|e| format!("Could not export the plotted series.\n\n{e}"))?;
    Ok(format!(
        "{} series, {} rows saved to {}",
        series.len(),
        times.len(),
        path.display()
    ))
}
