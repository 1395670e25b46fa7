//! One palette for a whole clip: every frame shares it, so colours do not
//! flicker between frames and unchanged pixels can stay transparent.
//!
//! When the sampled frames hold at most 255 colours (flat test images,
//! simple scenes) they are the palette, exactly. Otherwise NeuQuant picks
//! 255 from the samples. Index 255 is kept for "unchanged since the last
//! frame" (transparent).

use color_quant::NeuQuant;
use std::collections::HashMap;

/// The palette index that means "as in the previous frame".
pub(super) const TRANSPARENT: u8 = 255;

/// Colours a palette may use besides [`TRANSPARENT`].
const COLOURS: usize = 255;

/// NeuQuant's sampling factor: 1 is best and slowest, 10 its usual
/// compromise.
const SAMPLE_FACTOR: i32 = 10;

/// A clip's palette and the index of every 24-bit colour met so far.
pub(super) struct Palette {
    /// 256 RGB entries (the last, transparent, black).
    rgb: Vec<u8>,
    /// NeuQuant's network when the colours were reduced.
    quant: Option<NeuQuant>,
    /// Index by 24-bit colour, [`TRANSPARENT`] until looked up.
    table: Vec<u8>,
}

impl Palette {
    /// A palette for the RGB `samples` (3 bytes per pixel).
    pub fn from_samples(samples: &[u8]) -> Palette {
        let mut counts: HashMap<[u8; 3], u32> = HashMap::new();
        for p in samples.chunks_exact(3) {
            *counts.entry([p[0], p[1], p[2]]).or_default() += 1;
            if counts.len() > COLOURS {
                break;
            }
        }
        let (mut rgb, quant) = if counts.len() <= COLOURS {
            let mut exact: Vec<([u8; 3], u32)> = counts.into_iter().collect();
            // Most frequent first: a deterministic order for a given clip.
            exact.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            (
                exact.iter().flat_map(|(c, _)| *c).collect::<Vec<u8>>(),
                None,
            )
        } else {
            let rgba: Vec<u8> = samples
                .chunks_exact(3)
                .flat_map(|p| [p[0], p[1], p[2], 255])
                .collect();
            let nq = NeuQuant::new(SAMPLE_FACTOR, COLOURS, &rgba);
            (nq.color_map_rgb(), Some(nq))
        };
        rgb.resize(256 * 3, 0);
        Palette {
            rgb,
            quant,
            table: vec![TRANSPARENT; 1 << 24],
        }
    }

    /// The 256 RGB entries, for the GIF's global colour table.
    pub fn rgb(&self) -> &[u8] {
        &self.rgb
    }

    /// Palette indices of the RGB pixels `rgb`.
    pub fn map(&mut self, rgb: &[u8]) -> Vec<u8> {
        rgb.chunks_exact(3)
            .map(|p| self.index([p[0], p[1], p[2]]))
            .collect()
    }

    /// The palette index of one colour (cached).
    fn index(&mut self, c: [u8; 3]) -> u8 {
        let key = (usize::from(c[0]) << 16) | (usize::from(c[1]) << 8) | usize::from(c[2]);
        let cached = self.table[key];
        if cached != TRANSPARENT {
            return cached;
        }
        let found = match &self.quant {
            Some(nq) => nq.index_of(&[c[0], c[1], c[2], 255]).min(COLOURS - 1) as u8,
            None => self.nearest(c),
        };
        self.table[key] = found;
        found
    }

    /// The entry closest to `c` (squared RGB distance).
    fn nearest(&self, c: [u8; 3]) -> u8 {
        let d = |e: &[u8]| -> i32 {
            (0..3)
                .map(|k| (i32::from(e[k]) - i32::from(c[k])).pow(2))
                .sum()
        };
        let best = self.rgb[..COLOURS * 3]
            .chunks_exact(3)
            .enumerate()
            .min_by_key(|(_, e)| d(e))
            .map_or(0, |(i, _)| i);
        best as u8
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn few_colours_are_kept_exactly() {
        let samples = [10, 20, 30, 10, 20, 30, 200, 0, 0];
        let mut p = Palette::from_samples(&samples);
        let idx = p.map(&samples);
        assert_eq!(idx, vec![0, 0, 1]);
        assert_eq!(&p.rgb()[..6], &[10, 20, 30, 200, 0, 0]);
        // A colour never sampled goes to the nearest entry.
        assert_eq!(p.map(&[190, 10, 5]), vec![1]);
    }

    #[test]
    fn many_colours_are_reduced_to_255_and_none_is_transparent() {
        let samples: Vec<u8> = (0..4096u32)
            .flat_map(|i| {
                [
                    (i % 16 * 16) as u8,
                    (i / 16 % 16 * 16) as u8,
                    (i / 256 * 16) as u8,
                ]
            })
            .collect();
        let mut p = Palette::from_samples(&samples);
        let idx = p.map(&samples);
        assert!(idx.iter().all(|&i| i != TRANSPARENT));
        assert!(idx.iter().collect::<std::collections::HashSet<_>>().len() > 100);
    }
}
