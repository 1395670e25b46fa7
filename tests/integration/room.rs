//! The room's words: with the plain-language setting on (presentation
//! mode's default), no engineer term of the glossary is left in any text
//! painted on screen (headline, strip, diagram, lesson line, caption line,
//! the difference between twins, the plots' titles and legends), solo and
//! compared; `--present` and the lesson strip's *Present* button open the
//! one-minute demo (comparing, presentation mode, playing) in one action.

use crate::kit::{self, TestApp};
use asynclab::app::{AppAction, AsyncLabApp};
use asynclab::glossary;
use asynclab::host::{Command, FakeClock};
use asynclab::scenario::{Scenario, builtin};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

fn scene(file: &str) -> Scenario {
    builtin(file).expect("built in").expect("valid")
}

/// Every text painted in the latest frame, one string per text shape.
fn painted_texts(h: &Harness<'_, TestApp>) -> Vec<String> {
    fn walk(shape: &egui::Shape, out: &mut Vec<String>) {
        match shape {
            egui::Shape::Vec(shapes) => shapes.iter().for_each(|s| walk(s, out)),
            egui::Shape::Text(t) => out.push(t.galley.text().to_string()),
            _ => {}
        }
    }
    let mut out = Vec::new();
    for clipped in &h.output().shapes {
        walk(&clipped.shape, &mut out);
    }
    out
}

/// The engineer's terms left on screen, with the text each is in.
fn engineer_words_on_screen(h: &Harness<'_, TestApp>) -> Vec<(String, &'static str)> {
    painted_texts(h)
        .into_iter()
        .flat_map(|text| {
            glossary::engineer_terms_in(&text)
                .into_iter()
                .map(move |t| (text.clone(), t))
        })
        .collect()
}

/// Runs `frames` frames at the scene's speed and returns what the screen
/// still says in engineer's terms.
fn left_over(h: &mut Harness<'static, TestApp>, frames: usize) -> Vec<(String, &'static str)> {
    h.run_steps(frames);
    engineer_words_on_screen(h)
}

/// The default scene and Black Friday, solo and compared, in presentation
/// mode (plain words by default), well into their stories: nothing on
/// screen uses an engineer's term. With the setting off the same screens
/// do (so the test can fail).
#[test]
fn presentation_speaks_the_rooms_words_solo_and_compared() {
    for file in ["02-slow-database.ron", "04-black-friday.ron"] {
        for compare in [false, true] {
            let mut s = scene(file);
            s.view.compare = compare;
            let mut h = kit::harness_sized(s, [1920.0, 1080.0]);
            h.state_mut().app.apply(AppAction::SetPresentation(true));
            // Into the overload: Slow database passes the database's limit
            // after ~5 s (10× speed, 0.5 s a frame); Black Friday jumps to
            // its doorbuster.
            if file.starts_with("04") {
                h.state_mut()
                    .app
                    .apply(AppAction::Host(Command::Seek(9.0 * 3600.0)));
            }
            let at = format!("{file}, compare {compare}");
            let found = left_over(&mut h, 80);
            assert!(h.state().app.prefs().plain_words(), "{at}: on by default");
            assert!(found.is_empty(), "{at}: {found:#?}");
            // The setting off: the engineer's terms are back.
            h.state_mut().app.apply(AppAction::SetPlainWords(false));
            let found = left_over(&mut h, 3);
            assert!(!found.is_empty(), "{at}: engineer's words expected");
        }
    }
}

/// The View menu's toggle turns the room's words on outside presentation
/// mode too, and they hold there.
#[test]
fn plain_words_are_a_view_menu_toggle() {
    let mut h = kit::harness_sized(scene("02-slow-database.ron"), [1920.0, 1080.0]);
    h.run_steps(30);
    assert!(
        !h.state().app.prefs().plain_words(),
        "off outside presentation"
    );
    assert!(!engineer_words_on_screen(&h).is_empty());
    h.get_by_label("View").click();
    h.run_steps(2);
    h.get_by_label("Plain words for the room").click();
    h.run_steps(3);
    assert!(h.state().app.prefs().plain_words());
    let texts = painted_texts(&h);
    assert!(
        texts
            .iter()
            .any(|t| t.starts_with("95% of users waited at most")),
        "{texts:#?}"
    );
}

/// Comparing, in presentation mode and playing: what `--present` and the
/// Present button both promise.
fn assert_presenting(h: &Harness<'_, TestApp>, at: &str) {
    let app = &h.state().app;
    assert!(app.prefs().presentation, "{at}: presentation mode");
    assert!(app.prefs().plain_words(), "{at}: plain words");
    let snap = app.host().snapshot();
    assert!(snap.compare, "{at}: comparing");
    assert!(snap.playing, "{at}: playing");
    assert!(snap.runs.len() > 1, "{at}: twins running");
}

#[test]
fn present_on_the_command_line_opens_comparing_presenting_and_playing() {
    use clap::Parser;
    let cli = asynclab::cli::Cli::try_parse_from(["asynclab", "--present", "04-black-friday.ron"])
        .expect("parses");
    let start = asynclab::app::Startup::from_args(cli.file, cli.present, cli.scale);
    assert!(start.present);
    let (scene, _, error) = asynclab::app::startup_scene(start.file.as_deref());
    assert_eq!(error, None);
    assert_eq!(scene.title, "Black Friday");
    let clock = FakeClock::new();
    let app = AsyncLabApp::new_for_test(scene, Box::new(clock.clone())).started(&start);
    let mut h = kit::harness_on(app, clock, kit::SIZE);
    h.run_steps(5);
    assert_presenting(&h, "--present");
    // Without the flag the app opens as before.
    let cli =
        asynclab::cli::Cli::try_parse_from(["asynclab", "04-black-friday.ron"]).expect("parses");
    assert!(!asynclab::app::Startup::from_args(cli.file, cli.present, cli.scale).present);
    // The scene is required.
    assert!(asynclab::cli::Cli::try_parse_from(["asynclab", "--present"]).is_err());
}

#[test]
fn scale_on_the_command_line_opens_at_that_scale_and_refuses_others() {
    use clap::Parser;
    let cli = asynclab::cli::Cli::try_parse_from([
        "asynclab",
        "--present",
        "04-black-friday.ron",
        "--scale",
        "200",
    ])
    .expect("parses");
    let start = asynclab::app::Startup::from_args(cli.file, cli.present, cli.scale);
    let (scene, _, _) = asynclab::app::startup_scene(start.file.as_deref());
    let clock = FakeClock::new();
    let app = AsyncLabApp::new_for_test(scene, Box::new(clock.clone())).started(&start);
    let mut h = kit::harness_on(app, clock, [1920.0, 1080.0]);
    h.run_steps(3);
    assert_eq!(h.state().app.prefs().ui_scale, 2.0);
    assert!((h.ctx.zoom_factor() - 2.0).abs() < 1e-4);
    assert_presenting(&h, "--scale");
    for bad in ["99", "251", "two"] {
        let err = asynclab::cli::Cli::try_parse_from(["asynclab", "--scale", bad])
            .expect_err("out of range")
            .to_string();
        assert!(err.contains("--scale"), "{bad}: {err}");
    }
}

#[test]
fn the_present_button_on_the_lesson_strip_does_the_same() {
    let mut h = kit::harness(scene("02-slow-database.ron"));
    h.state_mut().app.apply(AppAction::Host(Command::Pause));
    h.run_steps(3);
    assert!(!h.state().app.host().snapshot().compare);
    h.get_by_label("Present").click();
    h.run_steps(5);
    assert_presenting(&h, "Present button");
}

/// A shipped scene's lesson line is one sentence with no engineer's term.
#[test]
fn every_shipped_lesson_line_is_one_plain_sentence() {
    for b in asynclab::scenario::BUILTIN_SCENES {
        let file = b.file;
        let s = scene(file);
        let line = s.lesson_line();
        assert!(!line.is_empty(), "{file}");
        let stops = line.matches(". ").count() + line.matches("? ").count();
        assert_eq!(stops, 0, "{file}: one sentence: {line}");
        assert!(
            glossary::engineer_terms_in(line).is_empty(),
            "{file}: {line}"
        );
        assert!(line.chars().count() <= 160, "{file}: a line: {line}");
    }
}

/// The hand-out's `--plain`: the page of a compared Slow database (its
/// difference, tables, plot titles and legends) says no engineer's term
/// outside the closing table that gives them.
#[test]
fn the_hand_out_offers_the_rooms_words() {
    use asynclab::handout::{in_plain_words, page};
    use asynclab::scenario::Mode;
    let mut s = scene("02-slow-database.ron");
    s.duration_s = 60.0;
    let run = |name: &str, mode: Mode| crate::workshop::handout_run(&s, name, mode);
    let html = page(&s, &[run("sync", Mode::Sync), run("async", Mode::Async)]).expect("page");
    let text_of = |html: &str| -> String {
        // The text between tags, the style sheet left out.
        let body = html.split("</style>").nth(1).unwrap_or(html);
        let mut out = String::new();
        let mut in_tag = false;
        for c in body.chars() {
            match c {
                '<' => in_tag = true,
                '>' => {
                    in_tag = false;
                    out.push('\n');
                }
                c if !in_tag => out.push(c),
                _ => {}
            }
        }
        out
    };
    let before = glossary::engineer_terms_in(&text_of(&html));
    assert!(before.contains(&"p95 wait"), "{before:?}");
    let plain = in_plain_words(&html);
    let (page_part, table) = plain
        .split_once("<section id=\"words\">")
        .expect("the table of terms");
    let left = glossary::engineer_terms_in(&text_of(page_part));
    assert!(left.is_empty(), "{left:?}");
    assert!(table.contains("<td>95% of users waited at most</td><td>p95 wait</td>"));
    // Nothing but words changed: the same tags, the table aside.
    let start = plain.find("<section id=\"words\">").expect("table");
    let end = start + plain[start..].find("</section>").expect("end") + "</section>".len();
    let without = format!("{}{}", &plain[..start], &plain[end..]);
    let tags = |h: &str| h.matches('<').count();
    assert_eq!(tags(&without), tags(&html), "tags kept");
}
