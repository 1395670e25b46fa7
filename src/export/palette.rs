//! One palette for a whole clip: every frame shares it, so colours do not
//! flicker between frames and unchanged pixels can stay transparent.
//!
//! Colours the caller pins (a plot's line colours) are in the palette
//! exactly, whatever else the frames hold, so a blue line and a green one
//! never merge into one teal. When the sampled frames hold at most 255
//! colours with the pinned ones (flat test images, simple scenes) they are
//! the palette, exactly. Otherwise the pinned colours come first and
//! NeuQuant picks the rest from the samples. Index 255 is kept for
//! "unchanged since the last frame" (transparent).

use color_quant::NeuQuant;
use std::collections::HashMap;

/// The palette index that means "as in the previous frame".
pub(super) const TRANSPARENT: u8 = 255;

/// Colours a palette may use besides [`TRANSPARENT`].
const COLOURS: usize = 255;

/// Most pinned colours: NeuQuant keeps at least the rest for the frames'
/// own colours.
pub const MAX_PINNED: usize = 128;

/// NeuQuant's sampling factor: 1 is best and slowest, 10 its usual
/// compromise.
const SAMPLE_FACTOR: i32 = 10;

/// A clip's palette and the index of every 24-bit colour met so far.
pub(super) struct Palette {
    /// 256 RGB entries (the last, transparent, black).
    rgb: Vec<u8>,
    /// NeuQuant's network when the colours were reduced (its entries
    /// follow the pinned ones).
    quant: Option<NeuQuant>,
    /// Entries pinned by the caller, first in the palette.
    pinned: usize,
    /// Index by 24-bit colour, [`TRANSPARENT`] until looked up.
    table: Vec<u8>,
}

impl Palette {
    /// A palette for the RGB `samples` (3 bytes per pixel) that holds
    /// every colour of `pinned` exactly (the first [`MAX_PINNED`]).
    pub fn from_samples(samples: &[u8], pinned: &[[u8; 3]]) -> Palette {
        let mut pins: Vec<[u8; 3]> = Vec::new();
        for c in pinned {
            if !pins.contains(c) && pins.len() < MAX_PINNED {
                pins.push(*c);
            }
        }
        let mut counts: HashMap<[u8; 3], u32> = HashMap::new();
        for c in &pins {
            counts.insert(*c, 0);
        }
        for p in samples.chunks_exact(3) {
            *counts.entry([p[0], p[1], p[2]]).or_default() += 1;
            if counts.len() > COLOURS {
                break;
            }
        }
        let (mut rgb, quant, pinned) = if counts.len() <= COLOURS {
            let mut exact: Vec<([u8; 3], u32)> = counts.into_iter().collect();
            // Most frequent first: a deterministic order for a given clip.
            exact.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            (
                exact.iter().flat_map(|(c, _)| *c).collect::<Vec<u8>>(),
                None,
                0,
            )
        } else {
            let rgba: Vec<u8> = samples
                .chunks_exact(3)
                .flat_map(|p| [p[0], p[1], p[2], 255])
                .collect();
            let nq = NeuQuant::new(SAMPLE_FACTOR, COLOURS - pins.len(), &rgba);
            let mut rgb: Vec<u8> = pins.iter().flatten().copied().collect();
            rgb.extend(nq.color_map_rgb());
            (rgb, Some(nq), pins.len())
        };
        rgb.resize(256 * 3, 0);
        Palette {
            rgb,
            quant,
            pinned,
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
        let found: usize = match &self.quant {
            Some(nq) => {
                let picked = (self.pinned + nq.index_of(&[c[0], c[1], c[2], 255])).min(COLOURS - 1);
                // A pinned entry wins when it is as near (the colour itself
                // is always one).
                match self.nearest_of(c, 0..self.pinned) {
                    Some(p) if self.distance(p, c) <= self.distance(picked, c) => p,
                    _ => picked,
                }
            }
            None => self.nearest_of(c, 0..COLOURS).unwrap_or(0),
        };
        let found = found as u8;
        self.table[key] = found;
        found
    }

    /// Squared RGB distance of entry `i` from `c`.
    fn distance(&self, i: usize, c: [u8; 3]) -> i32 {
        let e = &self.rgb[i * 3..i * 3 + 3];
        (0..3)
            .map(|k| (i32::from(e[k]) - i32::from(c[k])).pow(2))
            .sum()
    }

    /// The entry of `range` closest to `c` (None: an empty range).
    fn nearest_of(&self, c: [u8; 3], range: std::ops::Range<usize>) -> Option<usize> {
        range.min_by_key(|i| self.distance(*i, c))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn few_colours_are_kept_exactly() {
        let samples = [10, 20, 30, 10, 20, 30, 200, 0, 0];
        let mut p = Palette::from_samples(&samples, &[]);
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
        let mut p = Palette::from_samples(&samples, &[]);
        let idx = p.map(&samples);
        assert!(idx.iter().all(|&i| i != TRANSPARENT));
        assert!(idx.iter().collect::<std::collections::HashSet<_>>().len() > 100);
    }

    #[test]
    fn pinned_colours_stay_exact_among_thousands() {
        let mut samples: Vec<u8> = (0..4096u32)
            .flat_map(|i| {
                [
                    (i % 16 * 16) as u8,
                    (i / 16 % 16 * 16) as u8,
                    (i / 256 * 16) as u8,
                ]
            })
            .collect();
        // The app's arrivals blue and commits green: NeuQuant alone merges
        // such neighbours.
        let pins = [[0x00, 0x72, 0xB2], [0x00, 0x9E, 0x73], [0xF0, 0xE4, 0x42]];
        samples.extend(pins.iter().flatten());
        let mut p = Palette::from_samples(&samples, &pins);
        for c in pins {
            let i = usize::from(p.map(&c)[0]);
            assert_eq!(&p.rgb()[i * 3..i * 3 + 3], &c, "{c:?} kept exactly");
        }
        assert!(p.map(&samples).iter().all(|&i| i != TRANSPARENT));
    }
}
