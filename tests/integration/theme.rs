//! The theme in the app, through egui_kittest: every coloured text the
//! app paints (a figure in amber or red, a marker's caption, a client's
//! name) reads at least 4.5:1 on the panel of the dark and of the light
//! theme; the themes' own greys are egui's.

use crate::kit::{TestApp, harness};
use asynclab::app::AppAction;
use asynclab::host::{Command, Speed};
use egui::Color32;
use egui::epaint::{ClippedShape, Shape};
use egui_kittest::Harness;

/// Every text painted in `shapes`, with its colour.
fn texts(shapes: &[Shape], out: &mut Vec<(String, Color32)>) {
    for s in shapes {
        match s {
            Shape::Vec(inner) => texts(inner, out),
            Shape::Text(t) => {
                for section in &t.galley.job.sections {
                    let colour = t.override_text_color.unwrap_or(
                        if section.format.color == Color32::PLACEHOLDER {
                            t.fallback_color
                        } else {
                            section.format.color
                        },
                    );
                    let r = &section.byte_range;
                    let text = t.galley.job.text[r.start.0..r.end.0].to_string();
                    out.push((text, colour));
                }
            }
            _ => {}
        }
    }
}

/// The coloured (not grey), opaque texts of the last frame.
fn coloured_texts(h: &Harness<'_, TestApp>) -> Vec<(String, Color32)> {
    let shapes: Vec<Shape> = h
        .output()
        .shapes
        .iter()
        .map(|c: &ClippedShape| c.shape.clone())
        .collect();
    let mut out = Vec::new();
    texts(&shapes, &mut out);
    out.retain(|(t, c)| {
        !t.trim().is_empty() && c.a() == 255 && !(c.r() == c.g() && c.g() == c.b())
    });
    out
}

/// Plays the default scene (Slow database) at 100× to `t_s`, then pauses.
fn play_to(h: &mut Harness<'_, TestApp>, t_s: f64) {
    h.state_mut()
        .app
        .apply(asynclab::app::AppAction::Host(Command::SetSpeed(
            Speed::Times(100.0),
        )));
    for _ in 0..400 {
        h.run_steps(1);
        if h.state().app.host().snapshot().now_s >= t_s {
            break;
        }
    }
    h.state_mut()
        .app
        .apply(asynclab::app::AppAction::Host(Command::Pause));
    h.run_steps(3);
}

#[test]
fn coloured_text_reads_at_4_5_to_1_in_both_themes() {
    let mut h = harness(asynclab::app::default_scene());
    h.run_steps(2);
    let mut checked = 0;
    // In sync (red and amber figures, red ledger gaps, reason counters),
    // then past the 4:00 switch (its pink marker caption).
    for t_s in [150.0, 270.0] {
        play_to(&mut h, t_s);
        for dark in [false, true] {
            h.state_mut().app.apply(AppAction::SetDark(dark));
            h.run_steps(3);
            let panel = if dark {
                egui::Visuals::dark().panel_fill
            } else {
                egui::Visuals::light().panel_fill
            };
            for (text, c) in coloured_texts(&h) {
                let ratio = asynclab::app::palette::contrast_ratio(c, panel);
                assert!(
                    ratio >= 4.5,
                    "{text:?} in {c:?} on the {} theme: {ratio:.2}:1",
                    if dark { "dark" } else { "light" }
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 20, "only {checked} coloured texts seen");
}
