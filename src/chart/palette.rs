//! The plots' colours, free of egui so the hand-out draws with the very
//! colours the app does. The app's theme table (`app::palette`) takes
//! these as they are and adds the colours only the app paints (text per
//! theme, the diagram, the journey).
//!
//! Clients use the Okabe–Ito palette, which stays distinguishable for the
//! common forms of colour blindness; names are always printed too.

/// An opaque colour, 8 bits per channel.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Rgb(pub u8, pub u8, pub u8);

impl Rgb {
    /// From `0xRRGGBB`.
    pub const fn hex(v: u32) -> Rgb {
        Rgb((v >> 16) as u8, (v >> 8) as u8, v as u8)
    }

    /// As CSS and SVG write it: `#0072B2`.
    pub fn css(self) -> String {
        format!("#{:02X}{:02X}{:02X}", self.0, self.1, self.2)
    }
}

/// Okabe–Ito, without black (used for text) in a readable order: blue,
/// orange, bluish green, reddish purple, sky blue, vermillion, yellow.
pub const OKABE_ITO: [Rgb; 7] = [
    Rgb::hex(0x0072B2),
    Rgb::hex(0xE69F00),
    Rgb::hex(0x009E73),
    Rgb::hex(0xCC79A7),
    Rgb::hex(0x56B4E9),
    Rgb::hex(0xD55E00),
    Rgb::hex(0xF0E442),
];

/// The colour of client `i`: its lane, its lines, its tier's revenue.
pub const fn client(i: usize) -> Rgb {
    OKABE_ITO[i % OKABE_ITO.len()]
}

/// The colour of revenue `tier` (0 free, 1 standard, 2 premium): the
/// colour of the first client that pays at that tier (`tiers`: each
/// client's tier, in client order), so a tier reads as its client does;
/// [`TIERS`] when no client pays at it.
pub fn tier(tier: usize, tiers: &[usize]) -> Rgb {
    tiers
        .iter()
        .position(|t| *t == tier)
        .map_or(TIERS[tier % TIERS.len()], client)
}

/// p50, p95, p99.
pub const QUANTILES: [Rgb; 3] = [OKABE_ITO[2], OKABE_ITO[1], OKABE_ITO[5]];
/// The SLA line.
pub const SLA: Rgb = Rgb::hex(0x999999);
/// Total backlog.
pub const TOTAL: Rgb = Rgb::hex(0x808080);
/// Errors by reason, in `Reason::ALL`'s order: timeout, server busy,
/// queue full, DB error, simulation limit, then the calls' own: call
/// failed, call timed out, throttled (colours no other failures line
/// uses: bluish green, brown, indigo).
pub const REASONS: [Rgb; 8] = [
    OKABE_ITO[5],
    OKABE_ITO[1],
    OKABE_ITO[3],
    OKABE_ITO[0],
    OKABE_ITO[6],
    OKABE_ITO[2],
    Rgb::hex(0x8C564B),
    Rgb::hex(0x332288),
];
/// Retries.
pub const RETRIES: Rgb = OKABE_ITO[4];
/// Dead letters.
pub const DEAD: Rgb = Rgb::hex(0x707070);
/// Arrivals.
pub const ARRIVALS: Rgb = OKABE_ITO[0];
/// Responses and acks.
pub const ANSWERS: Rgb = OKABE_ITO[1];
/// Commits.
pub const COMMITS: Rgb = OKABE_ITO[2];
/// Busy fraction of the servers, the database, the queue workers.
pub const UTIL: [Rgb; 3] = [OKABE_ITO[0], OKABE_ITO[5], OKABE_ITO[2]];
/// Server time held waiting for a DB connection (the database's symptom).
pub const SERVER_WAIT: Rgb = Rgb::hex(0x9999CC);
/// Status polls, and the servers' time serving them.
pub const POLLS: Rgb = OKABE_ITO[3];
/// When the user learns the job is done (polling).
pub const LEARN: Rgb = OKABE_ITO[0];
/// Capacity cost.
pub const COST: Rgb = Rgb::hex(0xCC4444);
/// Revenue by tier (free, standard, premium) when no client pays at it
/// (see [`tier`]).
pub const TIERS: [Rgb; 3] = [OKABE_ITO[4], OKABE_ITO[2], OKABE_ITO[1]];
/// Busy ≥ 0.8 (the utilisation plots' reference line).
pub const AMBER: Rgb = Rgb::hex(0xE69F00);
/// Endpoint lines (wait plot with several endpoints): colours the
/// quantile lines do not use there.
pub const ENDPOINTS: [Rgb; 4] = [OKABE_ITO[2], OKABE_ITO[5], OKABE_ITO[0], OKABE_ITO[3]];
/// Twin `k`'s lines when twins are compared: the first two are the mode
/// colours' opposites the room already knows (vermillion for the first,
/// bluish green for the second), then blue and reddish purple.
pub const TWINS: [Rgb; 4] = [OKABE_ITO[5], OKABE_ITO[2], OKABE_ITO[0], OKABE_ITO[3]];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_write_as_css_hex() {
        assert_eq!(OKABE_ITO[0].css(), "#0072B2");
        assert_eq!(Rgb::hex(0x0a0b0c), Rgb(10, 11, 12));
    }
}
