//! Exports for slides and hand-outs, free of egui: a PNG of an RGBA image,
//! an animated GIF recorded frame by frame, a CSV of plotted series, and a
//! scene as text for the clipboard.
//!
//! The app hands over plain pixels (`width`, `height`, RGBA bytes), so a
//! screenshot from egui (`egui::ColorImage`: `image.width()`,
//! `image.height()`, `image.as_raw()`) goes straight in; screenshots are
//! opaque, where egui's premultiplied alpha equals straight alpha.
//!
//! ```text
//!  png         one image → PNG bytes (RGB when opaque, RGBA otherwise)
//!  gif         GifRecorder: frames in (downscaled, compressed, last N s kept)
//!     │        → GifClip: size estimate, write with progress and cancel
//!  palette     the clip's one 255-colour palette (NeuQuant) and its lookup
//!  frames      downscaling and the compressed frames held while recording
//!  series_csv  time column + one column per plotted series
//!  scene_text  a scene as RON text for the clipboard, and back
//! ```
//!
//! Files are written with [`crate::scenario::Output`]: complete or not at
//! all, so a cancelled GIF leaves nothing behind.

mod frames;
mod gif;
mod palette;
mod png;
mod scene_text;
mod series_csv;

pub use self::gif::{
    GifClip, GifRecorder, GifSettings, GifWritten, MAX_GIF_SECONDS, MAX_PINNED,
    MAX_RECORDING_BYTES, save_gif,
};
pub use self::png::{png_bytes, save_png};
pub use scene_text::{CLIPBOARD_ORIGIN, scene_from_text, scene_to_text};
pub use series_csv::{Series, save_series_csv, series_csv, text_cell};

/// Why an export failed.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// The pixels do not make the image they claim to.
    #[error("image is {width}×{height} pixels but has {bytes} bytes of RGBA; expected {expected}")]
    BadImage {
        /// Width, pixels.
        width: u32,
        /// Height, pixels.
        height: u32,
        /// Bytes given.
        bytes: usize,
        /// Bytes a `width × height` RGBA image has.
        expected: u64,
    },
    /// A setting out of its range (GIF width, frame rate, length).
    #[error("{0}")]
    Setting(String),
    /// Series of different lengths, or none to export.
    #[error("{0}")]
    Series(String),
    /// A GIF was asked for with no frames recorded.
    #[error("nothing recorded yet: no frames to write")]
    Empty,
    /// The user cancelled the write; no file was left behind.
    #[error("cancelled")]
    Cancelled,
    /// The PNG encoder failed.
    #[error("PNG: {0}")]
    Png(#[from] ::png::EncodingError),
    /// The GIF encoder failed.
    #[error("GIF: {0}")]
    Gif(#[from] ::gif::EncodingError),
    /// A frame held in memory could not be read back (a bug).
    #[error("recorded frame is damaged: {0}")]
    Frame(String),
    /// Writing the file failed.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: std::path::PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
}

/// Checks that `rgba` holds a `width × height` RGBA image of at least one
/// pixel.
pub(crate) fn check_image(width: u32, height: u32, rgba: &[u8]) -> Result<(), ExportError> {
    let expected = u64::from(width) * u64::from(height) * 4;
    if width == 0 || height == 0 || rgba.len() as u64 != expected {
        return Err(ExportError::BadImage {
            width,
            height,
            bytes: rgba.len(),
            expected,
        });
    }
    Ok(())
}

/// Writes `bytes` to `path` atomically, naming the file in any error.
pub(crate) fn save_bytes(path: &std::path::Path, bytes: &[u8]) -> Result<(), ExportError> {
    crate::scenario::write_atomic(path, bytes).map_err(|source| ExportError::Io {
        path: path.to_path_buf(),
        source,
    })
}
