//! An animated GIF of the last seconds of a window, for slides.
//!
//! [`GifRecorder`] takes frames one at a time (the app requests a
//! screenshot whenever [`GifRecorder::wants_frame`] says so), downscales
//! each to the clip's canvas at once and keeps it deflated, dropping
//! frames older than the clip's length, so memory stays bounded (well
//! under [`MAX_RECORDING_BYTES`]) however long the app runs. A
//! [`GifClip`] is a snapshot of the held frames (shared, not copied): it
//! estimates its file size and writes it, on any thread, while the
//! recorder goes on.
//!
//! The file has one palette for all frames (so colours do not flicker),
//! and each frame after the first stores only the rectangle that changed,
//! with unchanged pixels transparent: a UI whose plots move and whose
//! panels stay still compresses to a small file.

use super::ExportError;
use super::frames::{HeldFrame, canvas_size, fit};
pub use super::palette::MAX_PINNED;
use super::palette::{Palette, TRANSPARENT};
use std::borrow::Cow;
use std::collections::VecDeque;
use std::io::Write;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// Longest clip, s.
pub const MAX_GIF_SECONDS: f64 = 60.0;

/// Most bytes a recording holds; beyond it the oldest frames go.
pub const MAX_RECORDING_BYTES: usize = 200 * 1024 * 1024;

/// Most frames per second.
const MAX_FPS: u32 = 50;

/// Frames sampled for the palette, and pixels sampled over all of them.
const PALETTE_FRAMES: usize = 16;
const PALETTE_PIXELS: usize = 256 * 1024;

/// Frames encoded to estimate a clip's size.
const ESTIMATE_FRAMES: usize = 8;

/// What a recording keeps: the canvas width, the frame rate and length.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct GifSettings {
    /// Canvas width, pixels (a smaller window is not upscaled).
    pub width_px: u32,
    /// Frames per second.
    pub fps: u32,
    /// Length of the clip: the last this many seconds, at most
    /// [`MAX_GIF_SECONDS`].
    pub seconds: f64,
}

impl Default for GifSettings {
    /// 960 pixels wide, 10 frames per second, the last 10 s.
    fn default() -> Self {
        GifSettings {
            width_px: 960,
            fps: 10,
            seconds: 10.0,
        }
    }
}

impl GifSettings {
    /// Every value within its range, or the first that is not.
    pub fn check(&self) -> Result<(), ExportError> {
        if !(16..=3840).contains(&self.width_px) {
            return Err(ExportError::Setting(format!(
                "GIF width {} px: must be 16 to 3840",
                self.width_px
            )));
        }
        if !(1..=MAX_FPS).contains(&self.fps) {
            return Err(ExportError::Setting(format!(
                "GIF frame rate {}/s: must be 1 to {MAX_FPS}",
                self.fps
            )));
        }
        if !(self.seconds.is_finite() && self.seconds > 0.0 && self.seconds <= MAX_GIF_SECONDS) {
            return Err(ExportError::Setting(format!(
                "GIF length {} s: must be > 0 and ≤ {MAX_GIF_SECONDS} s",
                self.seconds
            )));
        }
        Ok(())
    }

    /// Time between frames, s.
    pub fn frame_interval_s(&self) -> f64 {
        1.0 / f64::from(self.fps.max(1))
    }
}

/// Keeps the last seconds of a window as downscaled, deflated frames.
pub struct GifRecorder {
    settings: GifSettings,
    /// Canvas size, set by the first frame.
    canvas: Option<(u32, u32)>,
    frames: VecDeque<Arc<HeldFrame>>,
    bytes: usize,
    /// Colours the clip's palette holds exactly (see [`GifRecorder::pin_colours`]).
    pinned: Vec<[u8; 3]>,
}

impl GifRecorder {
    /// An empty recording with `settings` (checked).
    pub fn new(settings: GifSettings) -> Result<GifRecorder, ExportError> {
        settings.check()?;
        Ok(GifRecorder {
            settings,
            canvas: None,
            frames: VecDeque::new(),
            bytes: 0,
            pinned: Vec::new(),
        })
    }

    /// Colours every clip's palette holds exactly, whatever else the
    /// frames show (a plot's line colours: without this, colours as close
    /// as a blue and a green line may be reduced to one), at most
    /// [`MAX_PINNED`] of them.
    pub fn pin_colours(&mut self, colours: &[[u8; 3]]) {
        self.pinned = colours.iter().copied().take(MAX_PINNED).collect();
    }

    /// The colours pinned.
    pub fn pinned(&self) -> &[[u8; 3]] {
        &self.pinned
    }

    /// The recording's settings.
    pub fn settings(&self) -> GifSettings {
        self.settings
    }

    /// Whether a frame captured at `now_s` (s, on the caller's clock) is
    /// due: one frame interval after the last (with 5% slack for a jittery
    /// frame clock).
    pub fn wants_frame(&self, now_s: f64) -> bool {
        self.frames.back().is_none_or(|f| {
            now_s - f.t_s >= 0.95 * self.settings.frame_interval_s() || now_s < f.t_s
        })
    }

    /// Adds a frame captured at `now_s`: `width × height` RGBA pixels. The
    /// first frame sets the canvas (its aspect at [`GifSettings::width_px`]);
    /// later frames of another size are fitted into it, centred. Frames
    /// older than the clip's length are dropped. A clock that went back
    /// starts the recording afresh. Downscaling and deflating a full-HD
    /// frame takes about 10–15 ms in a release build (ten times that in
    /// an unoptimised one): call it off the UI thread if that matters.
    pub fn push(
        &mut self,
        now_s: f64,
        width: u32,
        height: u32,
        rgba: &[u8],
    ) -> Result<(), ExportError> {
        super::check_image(width, height, rgba)?;
        if !now_s.is_finite() {
            return Err(ExportError::Setting(format!(
                "frame time {now_s}: must be finite"
            )));
        }
        if self.frames.back().is_some_and(|f| now_s < f.t_s) {
            self.clear();
        }
        let (cw, ch) = *self
            .canvas
            .get_or_insert_with(|| canvas_size(width, height, self.settings.width_px));
        let rgb = fit(rgba, width, height, cw, ch);
        let frame = Arc::new(HeldFrame::new(now_s, &rgb));
        self.bytes += frame.bytes();
        self.frames.push_back(frame);
        // Keep at most `seconds × fps` frames, and within the memory budget.
        let oldest_s = now_s - self.settings.seconds + 0.5 * self.settings.frame_interval_s();
        while let Some(f) = self.frames.front() {
            if f.t_s < oldest_s || self.bytes > MAX_RECORDING_BYTES {
                self.bytes -= f.bytes();
                self.frames.pop_front();
            } else {
                break;
            }
        }
        Ok(())
    }

    /// Frames held.
    pub fn frame_count(&self) -> usize {
        self.frames.len()
    }

    /// Seconds the held frames cover (one frame interval each).
    pub fn seconds_held(&self) -> f64 {
        self.frames.len() as f64 * self.settings.frame_interval_s()
    }

    /// Bytes the held frames take in memory.
    pub fn memory_bytes(&self) -> usize {
        self.bytes
    }

    /// The canvas size, pixels, once a frame has arrived.
    pub fn canvas(&self) -> Option<(u32, u32)> {
        self.canvas
    }

    /// Drops every frame and the canvas (the next frame sets a new one).
    pub fn clear(&mut self) {
        self.frames.clear();
        self.bytes = 0;
        self.canvas = None;
    }

    /// The held frames as a clip to estimate and write (they are shared,
    /// so recording goes on meanwhile).
    pub fn clip(&self) -> Result<GifClip, ExportError> {
        let (width, height) = self.canvas.ok_or(ExportError::Empty)?;
        if self.frames.is_empty() {
            return Err(ExportError::Empty);
        }
        Ok(GifClip {
            width,
            height,
            fps: self.settings.fps,
            frames: self.frames.iter().cloned().collect(),
            palette: None,
            pinned: self.pinned.clone(),
        })
    }
}

/// Frames to write as one GIF.
pub struct GifClip {
    width: u32,
    height: u32,
    fps: u32,
    frames: Vec<Arc<HeldFrame>>,
    /// Built on first use (estimate or write), then reused.
    palette: Option<Palette>,
    /// Colours the palette holds exactly.
    pinned: Vec<[u8; 3]>,
}

/// What a written GIF holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GifWritten {
    /// Frames written.
    pub frames: usize,
    /// File size, bytes.
    pub bytes: u64,
    /// Canvas width, pixels.
    pub width: u32,
    /// Canvas height, pixels.
    pub height: u32,
}

impl GifClip {
    /// Frames in the clip.
    pub fn frame_count(&self) -> usize {
        self.frames.len()
    }

    /// Canvas size, pixels.
    pub fn size(&self) -> (u32, u32) {
        (self.width, self.height)
    }

    /// Keeps only the frames of the clip's last `seconds` (as a recorder of
    /// that length would have kept them), so one recording of the longest
    /// clip serves any shorter one.
    pub fn keep_last(&mut self, seconds: f64) {
        let Some(last) = self.frames.last().map(|f| f.t_s) else {
            return;
        };
        let oldest_s = last - seconds + 0.5 / f64::from(self.fps.max(1));
        let before = self.frames.len();
        self.frames.retain(|f| f.t_s >= oldest_s);
        if self.frames.len() != before {
            self.palette = None;
        }
    }

    /// Playing time, s.
    pub fn duration_s(&self) -> f64 {
        let cs: u32 = self.delays_cs().iter().map(|d| u32::from(*d)).sum();
        f64::from(cs) / 100.0
    }

    /// The file's size, estimated before writing it, bytes: the first
    /// frame and up to eight later ones are encoded as they would be
    /// written, and the rest are taken to be like those.
    pub fn estimate_bytes(&mut self) -> Result<u64, ExportError> {
        let len = self.rgb_len();
        let n = self.frames.len();
        let mut palette = self.take_palette()?;
        let first = palette.map(&self.frames[0].rgb(len)?);
        let mut total = HEADER_BYTES + encoded_bytes(self.full(first.clone()));
        if n > 1 {
            let picks: Vec<usize> = (0..ESTIMATE_FRAMES.min(n - 1))
                .map(|k| 1 + k * (n - 1) / ESTIMATE_FRAMES.min(n - 1))
                .collect();
            let mut sampled = 0u64;
            for &i in &picks {
                let prev = palette.map(&self.frames[i - 1].rgb(len)?);
                let cur = palette.map(&self.frames[i].rgb(len)?);
                sampled += encoded_bytes(self.delta(&prev, &cur));
            }
            total += sampled * (n as u64 - 1) / picks.len() as u64;
        }
        self.palette = Some(palette);
        Ok(total + 1)
    }

    /// Writes the clip as a looping GIF to `out`. `progress` hears the
    /// share done (0–1) after each frame; setting `cancel` stops at the
    /// next frame with [`ExportError::Cancelled`] (what was written so far
    /// is not a complete file: write through [`save_gif`] to leave none).
    pub fn write<W: Write>(
        &mut self,
        out: W,
        mut progress: impl FnMut(f64),
        cancel: &AtomicBool,
    ) -> Result<GifWritten, ExportError> {
        let len = self.rgb_len();
        let mut palette = self.take_palette()?;
        let mut counted = Counting {
            inner: out,
            bytes: 0,
        };
        let delays = self.delays_cs();
        {
            let mut enc = gif::Encoder::new(
                &mut counted,
                self.width as u16,
                self.height as u16,
                palette.rgb(),
            )?;
            enc.set_repeat(gif::Repeat::Infinite)?;
            let mut prev: Option<Vec<u8>> = None;
            for (i, f) in self.frames.iter().enumerate() {
                if cancel.load(Ordering::Relaxed) {
                    return Err(ExportError::Cancelled);
                }
                let cur = palette.map(&f.rgb(len)?);
                let mut frame = match &prev {
                    None => self.full(cur.clone()),
                    Some(p) => self.delta(p, &cur),
                };
                frame.delay = delays[i];
                enc.write_frame(&frame)?;
                prev = Some(cur);
                progress((i + 1) as f64 / self.frames.len() as f64);
            }
            enc.into_inner()?;
        }
        self.palette = Some(palette);
        Ok(GifWritten {
            frames: self.frames.len(),
            bytes: counted.bytes,
            width: self.width,
            height: self.height,
        })
    }

    /// Bytes of one canvas in RGB.
    fn rgb_len(&self) -> usize {
        self.width as usize * self.height as usize * 3
    }

    /// The palette, built from a sample of the frames on first use.
    fn take_palette(&mut self) -> Result<Palette, ExportError> {
        if let Some(p) = self.palette.take() {
            return Ok(p);
        }
        let len = self.rgb_len();
        let n = self.frames.len();
        let picks = PALETTE_FRAMES.min(n);
        let pixels = self.width as usize * self.height as usize;
        // An odd stride, so samples do not line up in a few columns.
        let stride = ((pixels * picks) / PALETTE_PIXELS).max(1) | 1;
        let mut samples = Vec::with_capacity(PALETTE_PIXELS * 3 + 3 * picks);
        for k in 0..picks {
            let rgb = self.frames[k * n / picks].rgb(len)?;
            for p in rgb.chunks_exact(3).step_by(stride) {
                samples.extend_from_slice(p);
            }
        }
        Ok(Palette::from_samples(&samples, &self.pinned))
    }

    /// Each frame's delay, hundredths of a second: the time to the next
    /// frame's capture (rounded on the running total, so the clip keeps
    /// real time), the last one interval; at least 2 (browsers play
    /// shorter delays slowly).
    fn delays_cs(&self) -> Vec<u16> {
        let t0 = self.frames.first().map_or(0.0, |f| f.t_s);
        let at = |f: &HeldFrame| ((f.t_s - t0) * 100.0).round() as i64;
        let mut out: Vec<u16> = self
            .frames
            .windows(2)
            .map(|w| (at(&w[1]) - at(&w[0])).clamp(2, 6000) as u16)
            .collect();
        out.push((100.0 / f64::from(self.fps)).round().max(2.0) as u16);
        out
    }

    /// A whole canvas as a frame.
    fn full(&self, indices: Vec<u8>) -> gif::Frame<'static> {
        gif::Frame {
            width: self.width as u16,
            height: self.height as u16,
            buffer: Cow::Owned(indices),
            transparent: Some(TRANSPARENT),
            dispose: gif::DisposalMethod::Keep,
            ..gif::Frame::default()
        }
    }

    /// The rectangle of `cur` that differs from `prev`, unchanged pixels
    /// transparent (a single transparent pixel when nothing changed).
    fn delta(&self, prev: &[u8], cur: &[u8]) -> gif::Frame<'static> {
        let w = self.width as usize;
        let (mut x0, mut y0, mut x1, mut y1) = (usize::MAX, usize::MAX, 0, 0);
        for (i, (a, b)) in prev.iter().zip(cur).enumerate() {
            if a != b {
                let (x, y) = (i % w, i / w);
                x0 = x0.min(x);
                x1 = x1.max(x);
                y0 = y0.min(y);
                y1 = y1.max(y);
            }
        }
        if x0 == usize::MAX {
            return gif::Frame {
                width: 1,
                height: 1,
                buffer: Cow::Owned(vec![TRANSPARENT]),
                transparent: Some(TRANSPARENT),
                dispose: gif::DisposalMethod::Keep,
                ..gif::Frame::default()
            };
        }
        let mut buffer = Vec::with_capacity((x1 - x0 + 1) * (y1 - y0 + 1));
        for y in y0..=y1 {
            let row = y * w;
            for x in x0..=x1 {
                let (a, b) = (prev[row + x], cur[row + x]);
                buffer.push(if a == b { TRANSPARENT } else { b });
            }
        }
        gif::Frame {
            left: x0 as u16,
            top: y0 as u16,
            width: (x1 - x0 + 1) as u16,
            height: (y1 - y0 + 1) as u16,
            buffer: Cow::Owned(buffer),
            transparent: Some(TRANSPARENT),
            dispose: gif::DisposalMethod::Keep,
            ..gif::Frame::default()
        }
    }
}

/// Header, logical screen, 256-colour table and loop extension, bytes.
const HEADER_BYTES: u64 = 6 + 7 + 256 * 3 + 19;

/// Bytes `frame` takes in the file: its LZW data in 255-byte blocks, plus
/// the graphic control extension and the image descriptor.
fn encoded_bytes(mut frame: gif::Frame<'static>) -> u64 {
    frame.make_lzw_pre_encoded();
    let lzw = frame.buffer.len() as u64;
    lzw + lzw.div_ceil(255) + 1 + 8 + 10
}

/// Counts the bytes written through it.
struct Counting<W> {
    inner: W,
    bytes: u64,
}

impl<W: Write> Write for Counting<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.bytes += n as u64;
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// Writes the clip to `path` atomically: a cancelled or failed write
/// leaves no file (and an existing one untouched).
pub fn save_gif(
    path: &Path,
    clip: &mut GifClip,
    progress: impl FnMut(f64),
    cancel: &AtomicBool,
) -> Result<GifWritten, ExportError> {
    let io = |source| ExportError::Io {
        path: path.to_path_buf(),
        source,
    };
    let out = crate::scenario::Output::create(path).map_err(io)?;
    let mut buffered = std::io::BufWriter::new(out);
    let written = clip.write(&mut buffered, progress, cancel)?;
    let out = buffered.into_inner().map_err(|e| io(e.into_error()))?;
    out.commit().map_err(io)?;
    Ok(written)
}
