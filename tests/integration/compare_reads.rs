//! kittest: compare reads like solo. The caption line shows the scene's
//! captions, marked with the twin they hold for; each twin's diagram
//! draws only its own mode's path and words; eight twins (the most a
//! scene may have) lay out without one column's text reaching into
//! another's, measured on the text the frame paints.

use crate::kit::{self, TestApp};
use asynclab::scenario::{Change, Mode, Scenario, Variant};
use egui::epaint::{ClippedShape, Shape};
use egui::{Rect, Vec2};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

/// A text the frame painted: its words, where its glyphs are, and the
/// clip rectangle it was painted within.
struct Painted {
    text: String,
    rect: Rect,
    clip: Rect,
}

fn texts_of(shape: &Shape, clip: Rect, out: &mut Vec<Painted>) {
    match shape {
        Shape::Vec(v) => v.iter().for_each(|s| texts_of(s, clip, out)),
        Shape::Text(t) => out.push(Painted {
            text: t.galley.text().to_string(),
            rect: shape.visual_bounding_rect(),
            clip,
        }),
        _ => {}
    }
}

/// Every text of the last frame.
fn painted(h: &Harness<'_, TestApp>) -> Vec<Painted> {
    let mut out = Vec::new();
    for ClippedShape {
        clip_rect, shape, ..
    } in &h.output().shapes
    {
        texts_of(shape, *clip_rect, &mut out);
    }
    out
}

/// The x-range of twin `name`'s column: the clip its name is painted in.
fn column(texts: &[Painted], name: &str) -> Rect {
    // The name label sits in the column's own clip.
    texts
        .iter()
        .find(|p| p.text == name)
        .unwrap_or_else(|| panic!("twin {name} painted"))
        .clip
}

/// Slow database compared (sync vs async) at its 10×, run to 0:50.
fn slow_database_compared() -> Harness<'static, TestApp> {
    let mut s = asynclab::scenario::builtin("02-slow-database.ron")
        .expect("built in")
        .expect("valid");
    s.view.compare = true;
    let mut h = kit::harness(s);
    h.run_steps(100);
    h
}

#[test]
fn comparing_shows_the_caption_line_and_each_twin_its_own_path() {
    let h = slow_database_compared();
    let caption =
        "caption: Traffic passes 100/s, the database's limit. Users queue behind it. (in sync)";
    assert!(
        h.query_by_label(caption).is_some(),
        "the caption line, marked with its twin"
    );
    let texts = painted(&h);
    let (sync, not_sync) = (column(&texts, "sync"), column(&texts, "async"));
    let inside = |p: &Painted, col: Rect| col.contains_rect(p.clip) || col.intersects(p.rect);
    let sync_words: Vec<&Painted> = texts
        .iter()
        .filter(|p| p.text == "sync: the worker waits for the database")
        .collect();
    assert_eq!(sync_words.len(), 1, "only the sync twin says it");
    assert!(inside(sync_words[0], sync) && !inside(sync_words[0], not_sync));
    let workers: Vec<&Painted> = texts.iter().filter(|p| p.text == "queue workers").collect();
    assert_eq!(workers.len(), 1, "only the async twin draws its workers");
    assert!(inside(workers[0], not_sync) && !inside(workers[0], sync));
}

/// The default scene with eight twins: sync and async, 2 to 9
/// connections.
fn eight_twins() -> Scenario {
    let mut s = asynclab::app::default_scene();
    s.settings.clients[0].rate_per_s = 150.0;
    s.view.compare = true;
    s.view.speed = asynclab::scenario::StartSpeed::Times(10.0);
    s.variants = (0..8)
        .map(|i| {
            let mode = if i % 2 == 0 { Mode::Sync } else { Mode::Async };
            Variant {
                name: format!(
                    "{}, {} connections",
                    asynclab::words::mode(mode).to_lowercase(),
                    2 + i
                ),
                changes: vec![
                    Change::SetMode {
                        endpoint: None,
                        mode,
                    },
                    Change::Set {
                        path: "database.connections".into(),
                        value: (2 + i) as f64,
                    },
                ],
                timeline: Vec::new(),
            }
        })
        .collect();
    s
}

/// Eight twins at 1280×720 and 1600×1000: every twin's column is its own
/// stretch of the width, and every text painted in a column (its name,
/// switches, headline, ledgers, diagram) lies within that stretch, not
/// cut at its edge and never over a neighbour.
#[test]
fn eight_twins_lay_out_without_overlap() {
    let scene = eight_twins();
    let names: Vec<String> = scene.variants.iter().map(|v| v.name.clone()).collect();
    for size in [[1280.0, 720.0], [1600.0, 1000.0]] {
        let mut h = kit::harness_sized(scene.clone(), size);
        h.run_steps(30);
        let texts = painted(&h);
        // A column below the fold paints nothing; the first row is on
        // screen.
        let columns: Vec<Rect> = names
            .iter()
            .filter_map(|n| texts.iter().find(|p| p.text == *n).map(|p| p.clip))
            .collect();
        assert!(
            columns.len() >= 4,
            "{size:?}: {} twins painted",
            columns.len()
        );
        for (a, ra) in columns.iter().enumerate() {
            assert!(
                ra.width() > 100.0,
                "{size:?}: column {a} is {} wide",
                ra.width()
            );
            for (b, rb) in columns.iter().enumerate().skip(a + 1) {
                let overlap = ra.x_range().intersection(rb.x_range());
                let same_row = (ra.top() - rb.top()).abs() < 0.5;
                assert!(
                    !same_row || overlap.span() <= 0.5,
                    "{size:?}: columns {a} and {b} overlap: {ra:?} {rb:?}"
                );
            }
        }
        let mut checked = 0;
        for p in &texts {
            for (k, col) in columns.iter().enumerate() {
                let within_x =
                    col.left() - 0.5 <= p.clip.left() && p.clip.right() <= col.right() + 0.5;
                if !within_x || p.clip.height() <= 0.0 {
                    continue;
                }
                checked += 1;
                let margin = Vec2::new(1.0, 0.0);
                assert!(
                    p.rect.left() >= col.left() - margin.x
                        && p.rect.right() <= col.right() + margin.x,
                    "{size:?}: {:?} ({:?}) leaves twin {k}'s column {:?}",
                    p.text,
                    p.rect,
                    col
                );
            }
        }
        assert!(checked >= 8 * 5, "{size:?}: {checked} texts in the columns");
    }
}
