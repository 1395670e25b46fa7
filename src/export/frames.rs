//! Frames as a recording holds them: downscaled to the clip's size as
//! they arrive, then deflated, so a minute of a 960-pixel-wide window
//! takes tens of megabytes instead of a gigabyte.

use super::ExportError;

/// Deflate level for held frames: the fastest, since frames arrive on
/// the UI thread ten times a second; UI pixels compress well anyway.
const LEVEL: u8 = 1;

/// One captured frame, downscaled to the clip's canvas (RGB, 3 bytes per
/// pixel) and deflated.
#[derive(Debug)]
pub(super) struct HeldFrame {
    /// When it was captured, s on the caller's clock.
    pub t_s: f64,
    /// The canvas's RGB bytes, deflated.
    deflated: Vec<u8>,
}

impl HeldFrame {
    /// Deflates `rgb` (the canvas) captured at `t_s`.
    pub fn new(t_s: f64, rgb: &[u8]) -> HeldFrame {
        HeldFrame {
            t_s,
            deflated: miniz_oxide::deflate::compress_to_vec(rgb, LEVEL),
        }
    }

    /// Bytes held in memory.
    pub fn bytes(&self) -> usize {
        self.deflated.len()
    }

    /// The canvas's RGB bytes; `len` is their expected count.
    pub fn rgb(&self, len: usize) -> Result<Vec<u8>, ExportError> {
        let rgb = miniz_oxide::inflate::decompress_to_vec_with_limit(&self.deflated, len)
            .map_err(|e| ExportError::Frame(format!("{e:?}")))?;
        if rgb.len() != len {
            return Err(ExportError::Frame(format!(
                "{} bytes instead of {len}",
                rgb.len()
            )));
        }
        Ok(rgb)
    }
}

/// The canvas size for a source of `src_w × src_h` at most `max_w` wide:
/// never upscaled, aspect kept, at least 1 × 1.
pub(super) fn canvas_size(src_w: u32, src_h: u32, max_w: u32) -> (u32, u32) {
    let w = src_w.min(max_w).max(1);
    let h = ((f64::from(src_h) * f64::from(w) / f64::from(src_w.max(1))).round() as u32).max(1);
    (w, h)
}

/// Fits an RGBA source into an RGB canvas of `cw × ch`: scaled with its
/// aspect kept (box filter: each canvas pixel averages the source pixels
/// it covers), centred, the margins left black. Alpha is ignored
/// (screenshots are opaque).
pub(super) fn fit(src: &[u8], src_w: u32, src_h: u32, cw: u32, ch: u32) -> Vec<u8> {
    let mut out = vec![0u8; cw as usize * ch as usize * 3];
    let scale = (f64::from(cw) / f64::from(src_w)).min(f64::from(ch) / f64::from(src_h));
    let w = ((f64::from(src_w) * scale).round() as u32).clamp(1, cw);
    let h = ((f64::from(src_h) * scale).round() as u32).clamp(1, ch);
    let (left, top) = ((cw - w) / 2, (ch - h) / 2);
    // Source column span of each target column, computed once.
    let cols: Vec<(usize, usize)> = (0..w).map(|x| span(x, w, src_w)).collect();
    let sw = src_w as usize;
    for y in 0..h {
        let (y0, y1) = span(y, h, src_h);
        let row = ((top + y) as usize * cw as usize + left as usize) * 3;
        for (x, &(x0, x1)) in cols.iter().enumerate() {
            let mut sum = [0u32; 3];
            for sy in y0..y1 {
                let line = &src[(sy * sw + x0) * 4..(sy * sw + x1) * 4];
                for p in line.chunks_exact(4) {
                    sum[0] += u32::from(p[0]);
                    sum[1] += u32::from(p[1]);
                    sum[2] += u32::from(p[2]);
                }
            }
            let n = ((y1 - y0) * (x1 - x0)) as u32;
            let at = row + x * 3;
            for c in 0..3 {
                out[at + c] = ((sum[c] + n / 2) / n) as u8;
            }
        }
    }
    out
}

/// The source pixels `[from, to)` that target pixel `i` of `n` covers in
/// a source of `src` pixels (never empty).
fn span(i: u32, n: u32, src: u32) -> (usize, usize) {
    let from = (u64::from(i) * u64::from(src) / u64::from(n)) as usize;
    let to = (u64::from(i + 1) * u64::from(src) / u64::from(n)) as usize;
    (from, to.max(from + 1).min(src as usize))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canvas_keeps_aspect_and_never_upscales() {
        assert_eq!(canvas_size(1920, 1080, 960), (960, 540));
        assert_eq!(canvas_size(800, 600, 960), (800, 600));
        assert_eq!(canvas_size(4000, 1, 960), (960, 1));
    }

    #[test]
    fn halving_averages_each_two_by_two_block() {
        // 4 × 2 source: left half black/white checker, right half red.
        let mut src = Vec::new();
        for y in 0..2 {
            for x in 0..4 {
                let p = match x {
                    0 | 1 if (x + y) % 2 == 0 => [0, 0, 0, 255],
                    0 | 1 => [255, 255, 255, 255],
                    _ => [200, 0, 0, 255],
                };
                src.extend_from_slice(&p);
            }
        }
        let out = fit(&src, 4, 2, 2, 1);
        assert_eq!(out, vec![128, 128, 128, 200, 0, 0]);
    }

    #[test]
    fn a_wider_source_is_letterboxed_in_the_middle() {
        let src = vec![255u8; 4 * 2 * 4]; // 4 × 2, white
        let out = fit(&src, 4, 2, 4, 4); // into 4 × 4: rows 1 and 2
        let row = |y: usize| &out[y * 12..(y + 1) * 12];
        assert!(row(0).iter().all(|&b| b == 0));
        assert!(row(1).iter().all(|&b| b == 255));
        assert!(row(2).iter().all(|&b| b == 255));
        assert!(row(3).iter().all(|&b| b == 0));
    }

    #[test]
    fn held_frames_give_their_pixels_back() {
        let rgb: Vec<u8> = (0..300u32).map(|i| (i % 7) as u8).collect();
        let f = HeldFrame::new(1.5, &rgb);
        assert!(f.bytes() < rgb.len());
        assert_eq!(f.rgb(rgb.len()).expect("inflates"), rgb);
        assert!(f.rgb(rgb.len() - 1).is_err(), "a wrong size is an error");
    }
}
