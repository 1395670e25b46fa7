//! File > Export > GIF of the last N seconds: while recording is on, a
//! screenshot of the window (or the plot area) is taken ten times a second
//! and handed to a worker thread, which cuts, downscales (960 px wide) and
//! compresses it into a [`GifRecorder`] holding the last 60 s, bounded in
//! memory. The panel estimates the file's size for the last N seconds,
//! then writes it on another thread with a progress bar and Cancel (a
//! cancelled GIF leaves no file). The live run keeps going throughout.

use super::AppAction;
use super::exports::{ImageTarget, crop};
use super::workshop::WorkshopAction;
use crate::export::{
    ExportError, GifClip, GifRecorder, GifSettings, GifWritten, MAX_GIF_SECONDS,
    MAX_RECORDING_BYTES,
};
use egui::ColorImage;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, TryRecvError, sync_channel};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Frames per second recorded.
const FPS: u32 = 10;

/// Frames waiting for the worker at most; more are dropped (a slow
/// machine records fewer frames rather than more memory).
const QUEUE: usize = 4;

/// Screenshots not back after this long (s) are given up on.
const STUCK_S: f64 = 2.0;

/// One screenshot for the worker: when it was asked for (s), the image,
/// and the part of it to keep (points, at `ppp` pixels per point).
struct Frame {
    t_s: f64,
    image: Arc<ColorImage>,
    rect: egui::Rect,
    ppp: f32,
}

/// The clip being estimated or ready to write.
enum Stage {
    /// Nothing estimated (or the length changed since).
    Idle,
    /// Estimating the last `seconds` on a thread.
    Estimating(f64, Receiver<(GifClip, Result<u64, ExportError>)>),
    /// Estimated: the clip of the last `seconds`, about `bytes` long.
    Ready {
        seconds: f64,
        clip: Box<GifClip>,
        bytes: u64,
    },
    /// Writing on a thread: progress (f64 bits, 0–1), the cancel flag and
    /// the result.
    Writing {
        progress: Arc<AtomicU64>,
        cancel: Arc<AtomicBool>,
        done: Receiver<Result<GifWritten, ExportError>>,
        path: std::path::PathBuf,
    },
}

/// The GIF panel: recording, length, estimate, write.
pub struct GifPanel {
    /// The panel is shown.
    pub open: bool,
    recording: bool,
    target: ImageTarget,
    /// N: the GIF holds the last this many seconds.
    seconds: f64,
    rec: Arc<Mutex<GifRecorder>>,
    worker: Option<SyncSender<Frame>>,
    /// Frames asked for or queued and not yet held.
    busy: Arc<AtomicUsize>,
    /// The last error the worker met.
    worker_error: Arc<Mutex<Option<String>>>,
    last_shot_s: Option<f64>,
    stage: Stage,
    /// While set, a write waits before its first frame until it is
    /// cleared or cancelled (tests: a cancel never races the write).
    pub hold_writes: Arc<AtomicBool>,
}

impl Default for GifPanel {
    fn default() -> Self {
        GifPanel {
            open: false,
            recording: false,
            target: ImageTarget::Window,
            seconds: 10.0,
            rec: Arc::new(Mutex::new(new_recorder())),
            worker: None,
            busy: Arc::new(AtomicUsize::new(0)),
            worker_error: Arc::new(Mutex::new(None)),
            last_shot_s: None,
            stage: Stage::Idle,
            hold_writes: Arc::new(AtomicBool::new(false)),
        }
    }
}

/// A recorder holding the longest clip at the default width and rate.
fn new_recorder() -> GifRecorder {
    let settings = GifSettings {
        fps: FPS,
        seconds: MAX_GIF_SECONDS,
        ..GifSettings::default()
    };
    let mut rec =
        GifRecorder::new(settings).expect("constant GIF settings are within their ranges");
    // Every plot colour stays itself in the clip.
    let pins: Vec<[u8; 3]> = super::palette::plot_colours()
        .iter()
        .map(|c| [c.r(), c.g(), c.b()])
        .collect();
    rec.pin_colours(&pins);
    rec
}

impl GifPanel {
    /// What is recorded: the window or the plot area.
    pub fn target(&self) -> ImageTarget {
        self.target
    }

    /// Recording is on.
    pub fn recording(&self) -> bool {
        self.recording
    }

    /// Frames held, and the bytes they take in memory.
    pub fn held(&self) -> (usize, usize) {
        let rec = self.lock();
        (rec.frame_count(), rec.memory_bytes())
    }

    /// Waits (at most `timeout`) until every frame asked for is held.
    pub fn wait_idle(&self, timeout: Duration) -> bool {
        let until = std::time::Instant::now() + timeout;
        while self.busy.load(Ordering::Acquire) > 0 {
            if std::time::Instant::now() > until {
                return false;
            }
            std::thread::sleep(Duration::from_millis(2));
        }
        true
    }

    /// The size estimate shown, bytes, once there is one.
    pub fn estimate(&self) -> Option<u64> {
        match &self.stage {
            Stage::Ready { bytes, .. } => Some(*bytes),
            _ => None,
        }
    }

    /// Sets N (the last N seconds, 1–60); an estimate for another N goes.
    pub fn set_seconds(&mut self, seconds: f64) {
        let n = seconds.round().clamp(1.0, MAX_GIF_SECONDS);
        if n != self.seconds && !self.writing() {
            self.stage = Stage::Idle;
        }
        self.seconds = n;
    }

    /// A GIF is being written.
    pub fn writing(&self) -> bool {
        matches!(self.stage, Stage::Writing { .. })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, GifRecorder> {
        // A worker that panicked mid-push leaves frames that are still whole.
        self.rec.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Per frame: asks for a screenshot when one is due (cut to `area`,
    /// points), and takes in estimates and finished writes.
    pub fn frame(
        &mut self,
        ctx: &egui::Context,
        area: Option<egui::Rect>,
        actions: &mut Vec<AppAction>,
    ) {
        if self.recording {
            self.capture(ctx, area);
        }
        self.poll(ctx, actions);
    }

    /// Asks for a screenshot if one is due and the worker keeps up.
    fn capture(&mut self, ctx: &egui::Context, area: Option<egui::Rect>) {
        let now = ctx.input(|i| i.time);
        let interval = 1.0 / f64::from(FPS);
        // Frames come back at the frame rate even when nothing else moves.
        ctx.request_repaint_after(Duration::from_secs_f64(interval));
        let due = self
            .last_shot_s
            .is_none_or(|t| now - t >= 0.95 * interval || now < t);
        let Some(rect) = area else { return };
        if self.last_shot_s.is_some_and(|t| now - t > STUCK_S) {
            // Screenshots asked for long ago never came back (a window
            // that was hidden may drop them): stop waiting for them.
            self.busy.store(0, Ordering::Release);
        }
        if !due || self.busy.load(Ordering::Acquire) >= QUEUE {
            return;
        }
        let Some(tx) = self.worker() else { return };
        self.last_shot_s = Some(now);
        let ppp = ctx.pixels_per_point();
        let busy = self.busy.clone();
        busy.fetch_add(1, Ordering::AcqRel);
        ctx.request_screenshot(move |image| {
            let frame = Frame {
                t_s: now,
                image,
                rect,
                ppp,
            };
            if tx.try_send(frame).is_err() {
                done(&busy);
            }
        });
    }

    /// The worker's queue, starting the worker on first use.
    fn worker(&mut self) -> Option<SyncSender<Frame>> {
        if self.worker.is_none() {
            let (tx, rx) = sync_channel::<Frame>(QUEUE);
            let rec = self.rec.clone();
            let busy = self.busy.clone();
            let error = self.worker_error.clone();
            let spawned = std::thread::Builder::new()
                .name("asynclab-gif-frames".into())
                .spawn(move || {
                    for f in rx {
                        if let Some(img) = crop(&f.image, f.rect, f.ppp) {
                            let [w, h] = img.size;
                            let mut r = rec.lock().unwrap_or_else(|e| e.into_inner());
                            if let Err(e) = r.push(f.t_s, w as u32, h as u32, img.as_raw()) {
                                *error.lock().unwrap_or_else(|e| e.into_inner()) =
                                    Some(e.to_string());
                            }
                        }
                        done(&busy);
                    }
                });
            if spawned.is_err() {
                return None;
            }
            self.worker = Some(tx);
        }
        self.worker.clone()
    }

    /// Takes in a finished estimate or write.
    fn poll(&mut self, ctx: &egui::Context, actions: &mut Vec<AppAction>) {
        match &self.stage {
            Stage::Estimating(seconds, rx) => match rx.try_recv() {
                Ok((clip, Ok(bytes))) => {
                    self.stage = Stage::Ready {
                        seconds: *seconds,
                        clip: Box::new(clip),
                        bytes,
                    }
                }
                Ok((_, Err(e))) => {
                    self.stage = Stage::Idle;
                    actions.push(AppAction::ShowError(format!(
                        "Could not estimate the GIF.\n\n{e}"
                    )));
                }
                Err(TryRecvError::Empty) => ctx.request_repaint_after(Duration::from_millis(50)),
                Err(TryRecvError::Disconnected) => self.stage = Stage::Idle,
            },
            Stage::Writing { done, path, .. } => match done.try_recv() {
                Ok(result) => {
                    actions.push(written(path, result));
                    self.stage = Stage::Idle;
                }
                Err(TryRecvError::Empty) => ctx.request_repaint_after(Duration::from_millis(50)),
                Err(TryRecvError::Disconnected) => self.stage = Stage::Idle,
            },
            _ => {}
        }
    }

    /// Starts estimating the last N seconds on a thread.
    fn start_estimate(&mut self, ctx: &egui::Context) -> Result<(), String> {
        let mut clip = self.lock().clip().map_err(|e| e.to_string())?;
        clip.keep_last(self.seconds);
        let (tx, rx) = std::sync::mpsc::channel();
        let repaint = ctx.clone();
        std::thread::Builder::new()
            .name("asynclab-gif-estimate".into())
            .spawn(move || {
                let bytes = clip.estimate_bytes();
                let _ = tx.send((clip, bytes));
                repaint.request_repaint();
            })
            .map_err(|e| e.to_string())?;
        self.stage = Stage::Estimating(self.seconds, rx);
        Ok(())
    }

    /// Writes the estimated clip to `path` on a thread.
    pub fn write(&mut self, path: &Path, ctx: Option<egui::Context>) -> Result<(), String> {
        crate::scenario::regular_target(path)
            .map_err(|e| format!("Could not save the GIF.\n\n{e}"))?;
        let Stage::Ready { clip, .. } = std::mem::replace(&mut self.stage, Stage::Idle) else {
            return Err("Estimate the GIF's size first.".into());
        };
        let mut clip = *clip;
        let progress = Arc::new(AtomicU64::new(0f64.to_bits()));
        let cancel = Arc::new(AtomicBool::new(false));
        let (tx, done) = std::sync::mpsc::channel();
        let (p, c, file) = (progress.clone(), cancel.clone(), path.to_path_buf());
        let hold = self.hold_writes.clone();
        std::thread::Builder::new()
            .name("asynclab-gif-write".into())
            .spawn(move || {
                while hold.load(Ordering::Relaxed) && !c.load(Ordering::Relaxed) {
                    std::thread::sleep(std::time::Duration::from_millis(1));
                }
                let report = |share: f64| {
                    p.store(share.to_bits(), Ordering::Relaxed);
                    if let Some(ctx) = &ctx {
                        ctx.request_repaint();
                    }
                };
                let _ = tx.send(crate::export::save_gif(&file, &mut clip, report, &c));
            })
            .map_err(|e| format!("Could not start writing the GIF: {e}"))?;
        self.stage = Stage::Writing {
            progress,
            cancel,
            done,
            path: path.to_path_buf(),
        };
        Ok(())
    }

    /// The panel, while open.
    pub fn ui(&mut self, ctx: &egui::Context, actions: &mut Vec<AppAction>) {
        if !self.open {
            return;
        }
        let mut open = true;
        egui::Window::new("GIF for slides")
            .open(&mut open)
            .collapsible(false)
            .resizable(false)
            .default_pos(ctx.content_rect().right_top() + egui::vec2(-380.0, 60.0))
            .show(ctx, |ui| self.body(ui, actions));
        self.open = open;
    }

    /// Recording, length, estimate and write.
    fn body(&mut self, ui: &mut egui::Ui, actions: &mut Vec<AppAction>) {
        ui.checkbox(&mut self.recording, "Record (10 frames a second)")
            .on_hover_text("Frames are kept for the last 60 s; recording costs a little CPU");
        ui.horizontal(|ui| {
            ui.label("Record");
            let before = self.target;
            ui.selectable_value(&mut self.target, ImageTarget::Window, "the window");
            ui.selectable_value(&mut self.target, ImageTarget::Plots, "the plot area");
            if self.target != before {
                self.lock().clear();
                self.stage = Stage::Idle;
            }
        });
        let (frames, bytes) = self.held();
        let held_s = self.lock().seconds_held();
        ui.label(format!(
            "Held: {held_s:.1} s, {frames} frames, {:.1} MB (at most {} MB)",
            bytes as f64 / 1e6,
            MAX_RECORDING_BYTES / (1024 * 1024)
        ));
        if let Some(e) = self.worker_error.lock().ok().and_then(|e| e.clone()) {
            ui.colored_label(
                super::palette::text(super::palette::RED, ui.visuals().dark_mode),
                e,
            );
        }
        let mut seconds = self.seconds;
        ui.add(egui::Slider::new(&mut seconds, 1.0..=MAX_GIF_SECONDS).text("last N seconds"));
        self.set_seconds(seconds);
        ui.separator();
        self.stage_ui(ui, frames, actions);
    }

    /// Estimate, then Save; while writing, the progress bar and Cancel.
    fn stage_ui(&mut self, ui: &mut egui::Ui, frames: usize, actions: &mut Vec<AppAction>) {
        match &self.stage {
            Stage::Idle => {
                let estimate = egui::Button::new("Estimate size");
                if ui.add_enabled(frames > 0, estimate).clicked()
                    && let Err(e) = self.start_estimate(ui.ctx())
                {
                    actions.push(AppAction::ShowError(format!(
                        "Could not estimate the GIF: {e}"
                    )));
                }
                if frames == 0 {
                    ui.label("Nothing recorded yet: turn Record on first.");
                }
            }
            Stage::Estimating(..) => {
                ui.horizontal(|ui| {
                    ui.spinner();
                    ui.label("Estimating the size...");
                });
            }
            Stage::Ready {
                seconds,
                clip,
                bytes,
            } => {
                let (w, h) = clip.size();
                ui.label(format!(
                    "Estimated size: about {:.1} MB ({} frames, {w}x{h} px, the last {seconds:.0} s)",
                    *bytes as f64 / 1e6,
                    clip.frame_count()
                ));
                if ui.button("Save GIF…").clicked() {
                    actions.push(AppAction::Workshop(WorkshopAction::SaveGif));
                }
            }
            Stage::Writing {
                progress, cancel, ..
            } => {
                let share = f64::from_bits(progress.load(Ordering::Relaxed));
                ui.add(egui::ProgressBar::new(share as f32).show_percentage());
                if ui.button("Cancel").clicked() {
                    cancel.store(true, Ordering::Relaxed);
                }
            }
        }
    }
}

/// One frame asked for is done with (never below zero: a frame that comes
/// back after [`STUCK_S`] was already written off).
fn done(busy: &AtomicUsize) {
    let _ = busy.fetch_update(Ordering::AcqRel, Ordering::Acquire, |b| {
        Some(b.saturating_sub(1))
    });
}

/// The action after a write: a status line, or the problem dialog.
fn written(path: &Path, result: Result<GifWritten, ExportError>) -> AppAction {
    match result {
        Ok(w) => AppAction::ShowStatus(format!(
            "GIF saved to {} ({} frames, {}x{} px, {:.1} MB)",
            path.display(),
            w.frames,
            w.width,
            w.height,
            w.bytes as f64 / 1e6
        )),
        Err(ExportError::Cancelled) => {
            AppAction::ShowStatus("GIF cancelled: no file written".into())
        }
        Err(e) => AppAction::ShowError(format!("Could not write the GIF.\n\n{e}")),
    }
}
