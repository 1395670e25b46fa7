//! Colours. Clients use the Okabe–Ito palette, which stays distinguishable
//! for the common forms of colour blindness; names are always printed too.

use egui::Color32;

/// Okabe–Ito, without black (used for text) in a readable order.
pub const OKABE_ITO: [Color32; 7] = [
    Color32::from_rgb(0x00, 0x72, 0xB2), // blue
    Color32::from_rgb(0xE6, 0x9F, 0x00), // orange
    Color32::from_rgb(0x00, 0x9E, 0x73), // bluish green
    Color32::from_rgb(0xCC, 0x79, 0xA7), // reddish purple
    Color32::from_rgb(0x56, 0xB4, 0xE9), // sky blue
    Color32::from_rgb(0xD5, 0x5E, 0x00), // vermillion
    Color32::from_rgb(0xF0, 0xE4, 0x42), // yellow
];

/// The colour of client `i`.
pub fn client(i: usize) -> Color32 {
    OKABE_ITO[i % OKABE_ITO.len()]
}

/// p50, p95, p99.
pub const QUANTILES: [Color32; 3] = [OKABE_ITO[2], OKABE_ITO[1], OKABE_ITO[5]];
/// The SLA line.
pub const SLA: Color32 = Color32::from_rgb(0x99, 0x99, 0x99);
/// Total backlog.
pub const TOTAL: Color32 = Color32::from_rgb(0x80, 0x80, 0x80);
/// Errors by reason: timeout, server busy, queue full, DB error,
/// simulation limit.
pub const REASONS: [Color32; 5] = [
    OKABE_ITO[5],
    OKABE_ITO[1],
    OKABE_ITO[3],
    OKABE_ITO[0],
    OKABE_ITO[6],
];
/// Retries.
pub const RETRIES: Color32 = OKABE_ITO[4];
/// Dead letters.
pub const DEAD: Color32 = Color32::from_rgb(0x70, 0x70, 0x70);
/// Arrivals.
pub const ARRIVALS: Color32 = OKABE_ITO[0];
/// Responses and acks.
pub const ANSWERS: Color32 = OKABE_ITO[1];
/// Commits.
pub const COMMITS: Color32 = OKABE_ITO[2];
/// Server, DB, queue workers.
pub const UTIL: [Color32; 3] = [OKABE_ITO[0], OKABE_ITO[5], OKABE_ITO[2]];
/// Server time held waiting for a DB connection (the database's symptom).
pub const SERVER_WAIT: Color32 = Color32::from_rgb(0x99, 0x99, 0xCC);
/// Capacity cost.
pub const COST: Color32 = Color32::from_rgb(0xCC, 0x44, 0x44);
/// Revenue by tier: free, standard, premium.
pub const TIERS: [Color32; 3] = [OKABE_ITO[4], OKABE_ITO[2], OKABE_ITO[1]];
/// Mode-switch markers.
pub const MODE_MARK: Color32 = OKABE_ITO[3];
/// The scene's clock cues: slow stretches and pauses.
pub const CUE: Color32 = OKABE_ITO[4];
/// Caption markers and the caption banner: sky blue reads well on the dark
/// theme, but is too pale on white, where the deeper Okabe–Ito blue is used.
pub fn caption(dark: bool) -> Color32 {
    if dark { OKABE_ITO[4] } else { OKABE_ITO[0] }
}
/// Busy ≥ 0.8.
pub const AMBER: Color32 = Color32::from_rgb(0xE6, 0x9F, 0x00);
/// Busy ≥ 0.95.
pub const RED: Color32 = Color32::from_rgb(0xD5, 0x30, 0x00);
/// Healthy.
pub const OK: Color32 = Color32::from_rgb(0x00, 0x9E, 0x73);

/// Fill for a box at `utilisation`: neutral, amber ≥ 0.8, red ≥ 0.95.
pub fn load(utilisation: f64, neutral: Color32) -> Color32 {
    if utilisation >= 0.95 {
        RED
    } else if utilisation >= 0.8 {
        AMBER
    } else {
        neutral
    }
}

/// `c` as text on the panel background: as is on the dark theme; on the
/// light theme darkened, since orange, pink and sky blue are too pale to
/// read as text on white.
pub fn text_on(c: Color32, dark: bool) -> Color32 {
    if dark {
        c
    } else {
        c.lerp_to_gamma(Color32::BLACK, 0.4)
    }
}
