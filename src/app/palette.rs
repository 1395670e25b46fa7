//! Colours: the app's one theme table. Every colour the app paints comes
//! from here (a test scans the other app sources for colour literals), and
//! every colour used for text has a dark-theme and a light-theme variant
//! in [`TEXT`] that reads at least 4.5:1 (WCAG AA) on that theme's
//! panels, windows and plots (tested against egui's own visuals).
//!
//! Clients use the Okabe–Ito palette, which stays distinguishable for the
//! common forms of colour blindness; names are always printed too. A
//! client has one colour everywhere: its lane, its lines, its tier's
//! revenue, its journey.

use crate::chart::palette as plot;
use egui::Color32;

/// A plot colour of the catalogue's palette as egui paints it.
pub const fn of(c: plot::Rgb) -> Color32 {
    Color32::from_rgb(c.0, c.1, c.2)
}

/// Okabe–Ito, without black (used for text) in a readable order (the
/// plots' palette, `chart::palette`).
pub const OKABE_ITO: [Color32; 7] = [
    of(plot::OKABE_ITO[0]), // blue
    of(plot::OKABE_ITO[1]), // orange
    of(plot::OKABE_ITO[2]), // bluish green
    of(plot::OKABE_ITO[3]), // reddish purple
    of(plot::OKABE_ITO[4]), // sky blue
    of(plot::OKABE_ITO[5]), // vermillion
    of(plot::OKABE_ITO[6]), // yellow
];

/// The colour of client `i`.
pub fn client(i: usize) -> Color32 {
    of(plot::client(i))
}

/// The colour of revenue `tier` (0 free, 1 standard, 2 premium): the
/// colour of the first client that pays at that tier (`tiers`: each
/// client's tier, in client order), so a tier reads as its client does.
pub fn tier(tier: usize, tiers: &[usize]) -> Color32 {
    of(plot::tier(tier, tiers))
}

/// p50, p95, p99.
pub const QUANTILES: [Color32; 3] = [
    of(plot::QUANTILES[0]),
    of(plot::QUANTILES[1]),
    of(plot::QUANTILES[2]),
];
/// The SLA line.
pub const SLA: Color32 = of(plot::SLA);
/// Total backlog.
pub const TOTAL: Color32 = of(plot::TOTAL);
/// Dead letters.
pub const DEAD: Color32 = of(plot::DEAD);
/// Server time held waiting for a DB connection (the database's symptom).
pub const SERVER_WAIT: Color32 = of(plot::SERVER_WAIT);
/// Capacity cost.
pub const COST: Color32 = of(plot::COST);
/// Errors by reason, in `Reason::ALL`'s order: timeout, server busy,
/// queue full, DB error, simulation limit, call failed, call timed out,
/// throttled.
pub const REASONS: [Color32; 8] = [
    of(plot::REASONS[0]),
    of(plot::REASONS[1]),
    of(plot::REASONS[2]),
    of(plot::REASONS[3]),
    of(plot::REASONS[4]),
    of(plot::REASONS[5]),
    of(plot::REASONS[6]),
    of(plot::REASONS[7]),
];
/// Retries.
pub const RETRIES: Color32 = of(plot::RETRIES);
/// Responses and acks.
pub const ANSWERS: Color32 = of(plot::ANSWERS);
/// Commits.
pub const COMMITS: Color32 = of(plot::COMMITS);
/// Mode-switch markers.
pub const MODE_MARK: Color32 = OKABE_ITO[3];
/// Markers of other scripted changes (knobs, policies).
pub const CHANGE_MARK: Color32 = Color32::from_rgb(0xA0, 0xA0, 0xA0);
/// The live run's point on the load curve.
pub const LIVE: Color32 = OKABE_ITO[3];
/// The scene's clock cues: slow stretches and pauses.
pub const CUE: Color32 = OKABE_ITO[4];
/// Caption markers and the caption banner: sky blue reads well on the dark
/// theme, but is too pale on white, where the deeper Okabe–Ito blue is used.
pub fn caption(dark: bool) -> Color32 {
    if dark { OKABE_ITO[4] } else { OKABE_ITO[0] }
}
/// Busy ≥ 0.8.
pub const AMBER: Color32 = of(plot::AMBER);
/// Busy ≥ 0.95.
pub const RED: Color32 = Color32::from_rgb(0xD5, 0x30, 0x00);
/// Healthy.
pub const OK: Color32 = Color32::from_rgb(0x00, 0x9E, 0x73);

/// The traced dots on the wait plot whose user was answered (saved or
/// accepted), before they are made half transparent: dark grey on the
/// light theme, light grey on the dark.
pub const ANSWERED_DOT: [Color32; 2] = [
    Color32::from_rgb(0x50, 0x50, 0x50),
    Color32::from_rgb(0xC0, 0xC0, 0xC0),
];

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

/// A colour used for text, as it is written on each theme: `line` is the
/// colour it stands for (a plot line, a marker, a state); `dark` and
/// `light` the text colours on the dark and the light theme.
pub struct TextRow {
    /// The colour the text stands for.
    pub line: Color32,
    /// Its text on the dark theme.
    pub dark: Color32,
    /// Its text on the light theme.
    pub light: Color32,
}

const fn row(line: Color32, dark: Color32, light: Color32) -> TextRow {
    TextRow { line, dark, light }
}

const fn rgb(hex: u32) -> Color32 {
    Color32::from_rgb((hex >> 16) as u8, (hex >> 8) as u8, hex as u8)
}

/// Every coloured text's colours, per theme. A colour of the palette
/// reads as itself where it is dark or light enough, and is lightened
/// (dark theme) or darkened (light theme) just as far as 4.5:1 takes
/// otherwise: orange text on white is a deeper ochre, pink a plum.
pub const TEXT: [TextRow; 12] = [
    row(OKABE_ITO[0], rgb(0x3D94C4), OKABE_ITO[0]),
    row(OKABE_ITO[1], OKABE_ITO[1], rgb(0x8C6100)),
    row(OKABE_ITO[2], OKABE_ITO[2], rgb(0x007857)),
    row(OKABE_ITO[3], OKABE_ITO[3], rgb(0x915677)),
    row(OKABE_ITO[4], OKABE_ITO[4], rgb(0x346E8E)),
    row(OKABE_ITO[5], rgb(0xDA701C), rgb(0xAD4C00)),
    row(OKABE_ITO[6], OKABE_ITO[6], rgb(0x716B1F)),
    row(RED, rgb(0xE06845), rgb(0xC82D00)),
    row(CHANGE_MARK, CHANGE_MARK, rgb(0x686868)),
    row(COST, rgb(0xD76D6D), rgb(0xBA3E3E)),
    // The calls' failure reasons: brown and indigo.
    row(REASONS[6], rgb(0xC99488), REASONS[6]),
    row(REASONS[7], rgb(0xA99DE6), REASONS[7]),
];

/// `line` (a colour of this palette) as text on the dark or light theme,
/// from [`TEXT`]. A colour missing from the table is a bug (caught in
/// tests); it falls back to the theme's plain text colour.
pub fn text(line: Color32, dark: bool) -> Color32 {
    let found = TEXT.iter().find(|r| r.line == line);
    debug_assert!(
        found.is_some(),
        "{line:?} is used as text but is not in the theme table"
    );
    match (found, dark) {
        (Some(r), true) => r.dark,
        (Some(r), false) => r.light,
        (None, true) => egui::Visuals::dark().text_color(),
        (None, false) => egui::Visuals::light().text_color(),
    }
}

/// Text written on a filled shape (a switch that is on, a busy box): the
/// fill and the text colour on it, at least 4.5:1 apart.
pub const ON_FILL: [(Color32, Color32); 5] = [
    (OKABE_ITO[0], Color32::WHITE),
    (OKABE_ITO[2], Color32::BLACK),
    (OKABE_ITO[5], Color32::BLACK),
    (AMBER, Color32::BLACK),
    (RED, Color32::WHITE),
];

/// The text colour on `fill` (a colour of [`ON_FILL`]; black for another,
/// a bug caught in tests).
pub fn on_fill(fill: Color32) -> Color32 {
    let found = ON_FILL.iter().find(|(f, _)| *f == fill);
    debug_assert!(
        found.is_some(),
        "{fill:?} carries text but is not in the theme table"
    );
    found.map_or(Color32::BLACK, |(_, t)| *t)
}

/// Where text colours are only measured, never painted (a galley laid out
/// to learn its size).
pub const MEASURE: Color32 = Color32::WHITE;

/// The request journey's spans, one colour per kind, no two alike:
/// status poll, user waits, user thinks, network out, network back,
/// accept backlog, CPU, waiting for a DB connection, write, failed write,
/// retry pause, enqueue, queued, backoff; then a span still under way.
/// Network and the user's own time are greys; waiting in a line is amber
/// to brown; work is blue and green; failure red.
pub const JOURNEY: [Color32; 15] = [
    rgb(0xA0C8F0), // status poll
    rgb(0x888888), // user waits
    rgb(0xBBBBBB), // user thinks
    rgb(0x9A9AB0), // network out
    rgb(0xB0A08A), // network back
    rgb(0xA6761D), // accept backlog
    OKABE_ITO[0],  // CPU
    OKABE_ITO[6],  // waiting for a DB connection
    OKABE_ITO[2],  // write
    RED,           // failed write
    OKABE_ITO[3],  // retry pause
    OKABE_ITO[4],  // enqueue
    OKABE_ITO[1],  // queued
    rgb(0x8E6BB5), // backoff
    rgb(0x5E5E5E), // under way
];

/// Every colour a plot line, band or marker may have, for a GIF's palette
/// to hold exactly.
pub fn plot_colours() -> Vec<Color32> {
    let mut all: Vec<Color32> = OKABE_ITO.to_vec();
    all.extend([
        SLA,
        TOTAL,
        DEAD,
        SERVER_WAIT,
        COST,
        CHANGE_MARK,
        AMBER,
        RED,
        OK,
    ]);
    all.extend(ANSWERED_DOT);
    all.extend(TEXT.iter().flat_map(|r| [r.dark, r.light]));
    let mut seen = Vec::with_capacity(all.len());
    for c in all {
        if !seen.contains(&c) {
            seen.push(c);
        }
    }
    seen
}

/// WCAG 2 contrast ratio of two opaque colours (1 to 21): what the theme
/// table's text colours are checked against (at least 4.5 on their
/// backgrounds).
pub fn contrast_ratio(a: Color32, b: Color32) -> f64 {
    fn lum(c: Color32) -> f64 {
        let ch = |v: u8| {
            let v = f64::from(v) / 255.0;
            if v <= 0.040_45 {
                v / 12.92
            } else {
                ((v + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * ch(c.r()) + 0.7152 * ch(c.g()) + 0.0722 * ch(c.b())
    }
    let (x, y) = (lum(a), lum(b));
    (x.max(y) + 0.05) / (x.min(y) + 0.05)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The backgrounds text is written on in a theme: panels, windows,
    /// plots and text fields, and a striped row or neutral box (the faint
    /// fill over a panel).
    fn grounds(v: &egui::Visuals) -> Vec<Color32> {
        let faint = v.faint_bg_color;
        let a = f32::from(faint.a()) / 255.0;
        let over = |p: u8, f: u8| (f32::from(f) + f32::from(p) * (1.0 - a)).min(255.0) as u8;
        let p = v.panel_fill;
        vec![
            v.panel_fill,
            v.window_fill,
            v.extreme_bg_color,
            Color32::from_rgb(
                over(p.r(), faint.r()),
                over(p.g(), faint.g()),
                over(p.b(), faint.b()),
            ),
        ]
    }

    #[test]
    fn every_text_colour_reads_at_least_4_5_to_1_in_both_themes() {
        for (dark, v) in [
            (true, egui::Visuals::dark()),
            (false, egui::Visuals::light()),
        ] {
            for r in &TEXT {
                let ink = if dark { r.dark } else { r.light };
                for g in grounds(&v) {
                    let c = contrast_ratio(ink, g);
                    assert!(c >= 4.5, "{ink:?} on {g:?} (dark: {dark}): {c:.2}:1");
                }
            }
        }
        for (fill, ink) in ON_FILL {
            let c = contrast_ratio(ink, fill);
            assert!(c >= 4.5, "{ink:?} on {fill:?}: {c:.2}:1");
        }
    }

    #[test]
    fn the_light_theme_amber_and_pink_were_too_pale_and_are_not_now() {
        // The headline's amber and the mode markers' pink, as text on the
        // light theme's panel: 2.1:1 and 2.9:1 as line colours.
        let panel = egui::Visuals::light().panel_fill;
        assert!(contrast_ratio(AMBER, panel) < 3.0);
        assert!(contrast_ratio(text(AMBER, false), panel) >= 4.5);
        assert!(contrast_ratio(text(MODE_MARK, false), panel) >= 4.5);
    }

    #[test]
    fn journey_kinds_never_share_a_colour() {
        for (i, a) in JOURNEY.iter().enumerate() {
            for b in &JOURNEY[i + 1..] {
                let d: i32 = [a.r(), a.g(), a.b()]
                    .iter()
                    .zip([b.r(), b.g(), b.b()])
                    .map(|(x, y)| (i32::from(*x) - i32::from(y)).pow(2))
                    .sum();
                assert!(d >= 40 * 40, "{a:?} and {b:?} are too alike");
            }
        }
    }

    #[test]
    fn a_tier_has_its_clients_colour() {
        // Pay for priority: premium, standard, free.
        let tiers = [2, 1, 0];
        for (i, t) in tiers.iter().enumerate() {
            assert_eq!(tier(*t, &tiers), client(i));
        }
        assert_eq!(tier(0, &[1]), of(plot::TIERS[0]));
    }

    /// The rest of the app takes its colours from here: no colour literal
    /// elsewhere in src/app, and no palette colour written as text without
    /// its theme variant.
    #[test]
    fn no_colour_literals_outside_the_theme_table() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/app");
        let mut files = Vec::new();
        let mut todo = vec![dir];
        while let Some(d) = todo.pop() {
            for e in std::fs::read_dir(&d).expect("src/app").flatten() {
                let p = e.path();
                if p.is_dir() {
                    todo.push(p);
                } else if p.extension().is_some_and(|x| x == "rs")
                    && p.file_name().is_some_and(|n| n != "palette.rs")
                {
                    files.push(p);
                }
            }
        }
        assert!(files.len() > 20, "{} files", files.len());
        let literal = [
            "Color32::from_",
            "Color32::WHITE",
            "Color32::BLACK",
            "Color32::GRAY",
            "Color32::LIGHT",
            "Color32::DARK",
            "Color32::RED",
            "Color32::GREEN",
            "Color32::BLUE",
            "Color32::YELLOW",
            "Color32::KHAKI",
            "Color32::GOLD",
            "Color32::BROWN",
            "Color32::ORANGE",
            "Color32::MAGENTA",
            "Rgba::",
            "from_hex",
            "hex_color!",
        ];
        let mut found = Vec::new();
        for f in &files {
            let text = std::fs::read_to_string(f).expect("source");
            for (n, line) in text.lines().enumerate() {
                let code = line.split("//").next().unwrap_or("");
                for l in &literal {
                    if code.contains(l) {
                        found.push(format!("{}:{}: {}", f.display(), n + 1, line.trim()));
                    }
                }
                // A palette colour as a label's text colour goes through
                // the table's variant for the theme.
                for (at, _) in code.match_indices("colored_label(") {
                    let arg = code[at + "colored_label(".len()..].trim_start_matches("super::");
                    if arg.starts_with("palette::") && !arg.starts_with("palette::text(") {
                        found.push(format!("{}:{}: {}", f.display(), n + 1, line.trim()));
                    }
                }
            }
        }
        assert!(
            found.is_empty(),
            "colours outside the theme table:\n{}",
            found.join("\n")
        );
    }
}
