//! One image as a PNG.

use super::{ExportError, check_image, save_bytes};
use std::path::Path;

/// The image as PNG bytes: `width × height` pixels of straight-alpha RGBA,
/// row by row from the top. An opaque image (every alpha 255, as a
/// screenshot is) is written as RGB, a quarter smaller.
pub fn png_bytes(width: u32, height: u32, rgba: &[u8]) -> Result<Vec<u8>, ExportError> {
    check_image(width, height, rgba)?;
    let opaque = rgba.chunks_exact(4).all(|p| p[3] == 255);
    let mut out = Vec::new();
    {
        let mut enc = ::png::Encoder::new(&mut out, width, height);
        enc.set_depth(::png::BitDepth::Eight);
        let mut writer;
        if opaque {
            enc.set_color(::png::ColorType::Rgb);
            writer = enc.write_header()?;
            let rgb: Vec<u8> = rgba
                .chunks_exact(4)
                .flat_map(|p| [p[0], p[1], p[2]])
                .collect();
            writer.write_image_data(&rgb)?;
        } else {
            enc.set_color(::png::ColorType::Rgba);
            writer = enc.write_header()?;
            writer.write_image_data(rgba)?;
        }
        writer.finish()?;
    }
    Ok(out)
}

/// Writes the image as a PNG file, atomically (see [`png_bytes`]).
pub fn save_png(path: &Path, width: u32, height: u32, rgba: &[u8]) -> Result<(), ExportError> {
    let bytes = png_bytes(width, height, rgba)?;
    save_bytes(path, &bytes)
}
