//! The workshop kit: exports decoded back (PNG, GIF, CSV), scenes shared as
//! text, the exercises (each start fails its goal, a reference solution
//! passes), `run --check`, and the HTML hand-out.

use asynclab::export::{
    self, GifRecorder, GifSettings, MAX_RECORDING_BYTES, Series, scene_from_text, scene_to_text,
};
use asynclab::goal::{FinishedRun, GoalReport, check};
use asynclab::scenario::{self, BUILTIN_SCENES, Mode, RetryPolicy, Scenario, Scheduling, knobs};
use asynclab::sim::{SimTime, System};
use std::path::Path;
use std::process::Command;
use std::sync::atomic::AtomicBool;

// ---------------------------------------------------------------- images

/// A test card: a horizontal gradient, a dark band, and a white square at
/// (`x`, `y`) of side `side`; opaque.
fn card(w: u32, h: u32, x: u32, y: u32, side: u32) -> Vec<u8> {
    let mut px = Vec::with_capacity((w * h * 4) as usize);
    for j in 0..h {
        for i in 0..w {
            let inside = (x..x + side).contains(&i) && (y..y + side).contains(&j);
            let p = if inside {
                [255, 255, 255, 255]
            } else if j < h / 8 {
                [30, 30, 30, 255]
            } else {
                [(i * 255 / w) as u8, 80, 160, 255]
            };
            px.extend_from_slice(&p);
        }
    }
    px
}

fn distinct_colours(rgba: &[u8]) -> usize {
    rgba.chunks_exact(4)
        .map(|p| [p[0], p[1], p[2]])
        .collect::<std::collections::HashSet<_>>()
        .len()
}

fn decode_png(bytes: &[u8]) -> (u32, u32, png::ColorType, Vec<u8>) {
    let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    let mut reader = decoder.read_info().expect("a PNG");
    let mut buf = vec![0; reader.output_buffer_size().expect("size")];
    let info = reader.next_frame(&mut buf).expect("a frame");
    buf.truncate(info.buffer_size());
    (info.width, info.height, info.color_type, buf)
}

#[test]
fn png_decodes_to_the_same_pixels() {
    let (w, h) = (64, 48);
    let img = card(w, h, 10, 20, 8);
    let bytes = export::png_bytes(w, h, &img).expect("encodes");
    let (dw, dh, colour, px) = decode_png(&bytes);
    assert_eq!((dw, dh), (w, h));
    // Opaque (a screenshot): written as RGB, pixel for pixel.
    assert_eq!(colour, png::ColorType::Rgb);
    let rgb: Vec<u8> = img
        .chunks_exact(4)
        .flat_map(|p| [p[0], p[1], p[2]])
        .collect();
    assert_eq!(px, rgb);
    assert!(distinct_colours(&img) > 10, "the card is not blank");

    // With transparency, RGBA is kept.
    let mut clear = img.clone();
    clear[3] = 0;
    let (_, _, colour, px) = decode_png(&export::png_bytes(w, h, &clear).expect("encodes"));
    assert_eq!(colour, png::ColorType::Rgba);
    assert_eq!(px, clear);
}

#[test]
fn png_refuses_pixels_that_do_not_make_the_image_and_saves_atomically() {
    let e = export::png_bytes(3, 2, &[0; 20]).expect_err("20 bytes is not 3×2 RGBA");
    assert!(
        e.to_string().contains("3×2") && e.to_string().contains("expected 24"),
        "{e}"
    );
    assert!(export::png_bytes(0, 0, &[]).is_err());
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("plot.png");
    export::save_png(&path, 16, 16, &card(16, 16, 2, 2, 4)).expect("saves");
    let (w, h, _, _) = decode_png(&std::fs::read(&path).expect("file"));
    assert_eq!((w, h), (16, 16));
    let leftovers: Vec<_> = std::fs::read_dir(dir.path()).expect("dir").collect();
    assert_eq!(leftovers.len(), 1, "only the PNG");
}

/// Every frame of a GIF composited onto its canvas, RGBA.
fn decode_gif(bytes: &[u8]) -> (u16, u16, Vec<Vec<u8>>, Vec<u16>) {
    let mut opts = gif::DecodeOptions::new();
    opts.set_color_output(gif::ColorOutput::Indexed);
    let mut d = opts.read_info(std::io::Cursor::new(bytes)).expect("a GIF");
    let (w, h) = (d.width(), d.height());
    let palette = d.global_palette().expect("one global palette").to_vec();
    let mut canvas = vec![0u8; w as usize * h as usize * 4];
    let mut frames = Vec::new();
    let mut delays = Vec::new();
    while let Some(f) = d.read_next_frame().expect("frame decodes") {
        for y in 0..f.height as usize {
            for x in 0..f.width as usize {
                let idx = f.buffer[y * f.width as usize + x];
                if Some(idx) == f.transparent {
                    continue;
                }
                let at = ((f.top as usize + y) * w as usize + f.left as usize + x) * 4;
                let c = &palette[idx as usize * 3..idx as usize * 3 + 3];
                canvas[at..at + 3].copy_from_slice(c);
                canvas[at + 3] = 255;
            }
        }
        delays.push(f.delay);
        frames.push(canvas.clone());
    }
    (w, h, frames, delays)
}

#[test]
fn gif_keeps_the_last_seconds_downscaled_and_decodes_back() {
    let settings = GifSettings {
        width_px: 320,
        fps: 10,
        seconds: 2.0,
    };
    let mut rec = GifRecorder::new(settings).expect("valid settings");
    assert!(rec.clip().is_err(), "nothing recorded yet");
    let (w, h) = (640, 360);
    let mut pushed = 0;
    for i in 0..35u32 {
        let t = f64::from(i) * 0.1;
        assert!(rec.wants_frame(t), "a frame is due every 0.1 s");
        rec.push(t, w, h, &card(w, h, 20 + i * 16, 100, 40))
            .expect("frame");
        assert!(!rec.wants_frame(t + 0.02), "not again so soon");
        pushed += 1;
    }
    assert_eq!(pushed, 35);
    assert_eq!(rec.canvas(), Some((320, 180)), "downscaled, aspect kept");
    assert_eq!(rec.frame_count(), 20, "the last 2 s at 10 frames/s");
    assert!(rec.memory_bytes() > 0);

    let mut clip = rec.clip().expect("a clip");
    let estimate = clip.estimate_bytes().expect("estimates");
    let mut out = Vec::new();
    let mut seen = Vec::new();
    let written = clip
        .write(&mut out, |p| seen.push(p), &AtomicBool::new(false))
        .expect("writes");
    assert_eq!(written.bytes, out.len() as u64);
    assert_eq!(
        (written.frames, written.width, written.height),
        (20, 320, 180)
    );
    let ratio = estimate as f64 / out.len() as f64;
    assert!(
        (0.67..1.5).contains(&ratio),
        "estimate {estimate} vs {} bytes",
        out.len()
    );
    assert_eq!(seen.len(), 20);
    assert!(
        seen.windows(2).all(|p| p[0] < p[1]) && seen[19] == 1.0,
        "{seen:?}"
    );

    let (gw, gh, frames, delays) = decode_gif(&out);
    assert_eq!((gw, gh), (320, 180));
    assert_eq!(frames.len(), 20);
    assert_eq!(
        delays.iter().map(|d| u32::from(*d)).sum::<u32>(),
        200,
        "2 s of clip"
    );
    for f in &frames {
        assert!(
            f.chunks_exact(4).all(|p| p[3] == 255),
            "every pixel painted"
        );
        assert!(distinct_colours(f) > 10, "not blank");
    }
    // The white square moved 8 canvas pixels a frame: in the last frame
    // (i = 34) it sits at x = (20 + 34·16) / 2 = 282, y = 50.
    let last = &frames[19];
    let px = |x: usize, y: usize| &last[(y * 320 + x) * 4..(y * 320 + x) * 4 + 3];
    assert_eq!(px(285, 55), [255, 255, 255], "square where it ended");
    assert_ne!(px(150, 55), [255, 255, 255], "and no longer where it was");
}

#[test]
fn gif_write_can_be_cancelled_and_leaves_no_file() {
    let mut rec = GifRecorder::new(GifSettings::default()).expect("defaults are valid");
    for i in 0..5 {
        rec.push(
            f64::from(i) * 0.1,
            200,
            100,
            &card(200, 100, i * 10, 10, 20),
        )
        .expect("frame");
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("clip.gif");
    let cancel = AtomicBool::new(true);
    let e = export::save_gif(&path, &mut rec.clip().expect("clip"), |_| {}, &cancel)
        .expect_err("cancelled");
    assert!(matches!(e, export::ExportError::Cancelled), "{e}");
    assert_eq!(
        std::fs::read_dir(dir.path()).expect("dir").count(),
        0,
        "nothing left"
    );
    let written = export::save_gif(
        &path,
        &mut rec.clip().expect("clip"),
        |_| {},
        &AtomicBool::new(false),
    )
    .expect("written");
    assert_eq!(written.frames, 5);
    let (_, _, frames, _) = decode_gif(&std::fs::read(&path).expect("file"));
    assert_eq!(frames.len(), 5);
}

#[test]
fn gif_settings_are_checked_and_a_resized_window_is_letterboxed() {
    for bad in [
        GifSettings {
            seconds: 61.0,
            ..GifSettings::default()
        },
        GifSettings {
            seconds: 0.0,
            ..GifSettings::default()
        },
        GifSettings {
            fps: 0,
            ..GifSettings::default()
        },
        GifSettings {
            width_px: 8,
            ..GifSettings::default()
        },
    ] {
        assert!(GifRecorder::new(bad).is_err(), "{bad:?}");
    }
    let mut rec = GifRecorder::new(GifSettings::default()).expect("valid");
    rec.push(0.0, 1920, 1080, &card(1920, 1080, 0, 0, 10))
        .expect("frame");
    assert_eq!(rec.canvas(), Some((960, 540)));
    rec.push(0.1, 1000, 1000, &card(1000, 1000, 0, 0, 10))
        .expect("a square window");
    assert_eq!(rec.canvas(), Some((960, 540)), "one canvas per clip");
    assert!(
        rec.push(0.2, 10, 10, &[0; 12]).is_err(),
        "bad pixels refused"
    );
    // A clock that went back starts afresh.
    rec.push(0.05, 1920, 1080, &card(1920, 1080, 0, 0, 10))
        .expect("frame");
    assert_eq!(rec.frame_count(), 1);
}

/// A minute of a full-HD window at 10 frames/s stays well under the
/// memory budget (held raw it would take 1.2 GB): frames are held
/// downscaled and deflated. The card's gradient changes every column, a
/// worse case for deflate than a UI's flat panels.
#[test]
fn a_minute_of_frames_fits_the_memory_budget() {
    let mut rec = GifRecorder::new(GifSettings {
        seconds: 60.0,
        ..GifSettings::default()
    })
    .expect("valid");
    let n = 30;
    let base = card(1920, 1080, 0, 0, 0);
    for i in 0..n {
        // The base card with a white square moved along (built once: the
        // test's own code is not optimised).
        let mut frame = base.clone();
        for y in 400..600 {
            let at = (y * 1920 + 100 + i as usize * 20) * 4;
            frame[at..at + 200 * 4].fill(255);
        }
        rec.push(f64::from(i) * 0.1, 1920, 1080, &frame)
            .expect("frame");
    }
    let per_frame = rec.memory_bytes() / n as usize;
    let minute = per_frame * 600;
    assert!(
        minute < MAX_RECORDING_BYTES / 2,
        "a minute would take {minute} bytes"
    );
}

#[test]
fn csv_holds_the_time_column_and_every_series() {
    let times = [1.0, 2.0, 3.0];
    let text = export::series_csv(
        "t_s",
        &times,
        &[
            Series {
                name: "wait p95",
                values: &[0.1, f64::NAN, 0.3],
            },
            Series {
                name: "backlog",
                values: &[0.0, 5.0, 12.0],
            },
        ],
    )
    .expect("csv");
    let rows: Vec<Vec<&str>> = text.lines().map(|l| l.split(',').collect()).collect();
    assert_eq!(rows[0], ["t_s", "wait p95", "backlog"]);
    assert_eq!(rows.len(), 4);
    assert_eq!(rows[2], ["2", "", "5"]);
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("plots.csv");
    export::save_series_csv(
        &path,
        "t_s",
        &times,
        &[Series {
            name: "x",
            values: &[1.0, 2.0, 3.0],
        }],
    )
    .expect("saves");
    assert_eq!(
        std::fs::read_to_string(&path).expect("file"),
        "t_s,x\n1,1\n2,2\n3,3\n"
    );
}

// ---------------------------------------------------------- share as text

#[test]
fn a_scene_survives_the_clipboard_with_its_live_tweaks() {
    for b in BUILTIN_SCENES {
        let s = Scenario::from_ron(b.text, b.file).expect("valid");
        let text = scene_to_text(&s).expect("text");
        assert!(text.starts_with("// AsyncLab scene"), "{text}");
        assert_eq!(
            scene_from_text(&text).expect("pastes back"),
            s,
            "{}",
            b.file
        );
    }
    let mut s = scenario::builtin("02-slow-database.ron")
        .expect("built in")
        .expect("valid");
    knobs::set(&mut s.settings, "database.connections", 17.0).expect("knob");
    s.settings.endpoints[0].mode = Mode::Async;
    let text = scene_to_text(&s).expect("text");
    assert_eq!(scene_from_text(&text).expect("pastes"), s);
    // Pasted from a chat's code block, fences and all.
    let fenced = format!("```ron\n{text}\n```\n");
    assert_eq!(scene_from_text(&fenced).expect("fenced paste"), s);
}

#[test]
fn a_broken_paste_gets_the_same_error_as_a_broken_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let broken = [
        // Does not parse: a missing comma, line 3.
        "(\n    version: 3,\n    title: \"x\"\n    duration_s: 10,\n)",
        // Parses, but out of range.
        "(version: 3, title: \"x\", duration_s: -5, database: (connections: 0))",
    ];
    for (k, text) in broken.iter().enumerate() {
        let path = dir.path().join(format!("broken{k}.ron"));
        std::fs::write(&path, text).expect("write");
        let from_file = Scenario::load(&path).expect_err("bad file").to_string();
        let from_paste = scene_from_text(text).expect_err("bad paste").to_string();
        let origin = path.display().to_string();
        assert_eq!(
            from_paste,
            from_file.replace(&origin, export::CLIPBOARD_ORIGIN)
        );
        assert!(from_paste.starts_with("clipboard"), "{from_paste}");
    }
    let e = scene_from_text("(version: 3,\n  title: \"x\"\n  seed: 1)").expect_err("bad");
    assert!(e.to_string().starts_with("clipboard:3:"), "{e}");
    let huge = " ".repeat(17 * 1024 * 1024);
    let e = scene_from_text(&huge).expect_err("too big");
    assert!(e.to_string().contains("at most 16.0 MB"), "{e}");
}

// -------------------------------------------------------------- exercises

fn exercise(name: &str) -> Scenario {
    let (s, _) = scenario::open(Path::new(name)).expect("an exercise by its bare name");
    s
}

/// Runs `s` to its end and checks its goal.
fn checked(s: &Scenario) -> GoalReport {
    let goal = s.goal.clone().expect("an exercise has a goal");
    let mut sys = System::new(s.clone());
    sys.run_until(SimTime::from_secs_f64(s.duration_s));
    sys.finish();
    sys.check_ledgers().expect("ledgers balance");
    let summary = sys.summary();
    let ledgers = sys.ledgers();
    check(
        &goal,
        &FinishedRun {
            required_s: s.duration_s,
            settings: sys.settings(),
            summary: &summary,
            ledgers: &ledgers,
        },
    )
}

fn failed_keys(r: &GoalReport) -> Vec<String> {
    r.checks
        .iter()
        .filter(|c| !c.passed)
        .map(|c| c.key.clone())
        .collect()
}

fn set(s: &mut Scenario, path: &str, value: f64) {
    knobs::set(&mut s.settings, path, value).unwrap_or_else(|e| panic!("{path}: {e}"));
}

#[test]
fn every_exercise_is_built_in_with_a_goal_a_hint_and_a_unique_name() {
    let exercises: Vec<_> = BUILTIN_SCENES
        .iter()
        .filter(|b| b.file.starts_with("exercises/"))
        .collect();
    assert_eq!(exercises.len(), 5);
    for b in exercises {
        let s = Scenario::from_ron(b.text, b.file).expect("valid");
        let g = s
            .goal
            .as_ref()
            .unwrap_or_else(|| panic!("{} has no goal", b.file));
        assert!(!g.hint.is_empty() && !s.lesson.is_empty(), "{}", b.file);
        let bare = b.file.trim_start_matches("exercises/");
        for name in [b.file, bare, bare.trim_end_matches(".ron")] {
            let (found, _) = scenario::open(Path::new(name)).expect(name);
            assert_eq!(found, s, "{name}");
        }
    }
    let bare: std::collections::HashSet<_> = BUILTIN_SCENES
        .iter()
        .map(|b| b.file.rsplit('/').next())
        .collect();
    assert_eq!(bare.len(), BUILTIN_SCENES.len(), "bare names are unique");
}

#[test]
fn exercise_1_slow_database_needs_async_not_more_database() {
    let start = exercise("ex1-slow-database");
    let r = checked(&start);
    assert!(!r.passed());
    assert_eq!(failed_keys(&r), ["wait_p95_max_s", "error_share_max"]);
    // More database makes users fast, but costs more than the budget.
    let mut bigger = start.clone();
    set(&mut bigger, "database.connections", 7.0);
    assert_eq!(failed_keys(&checked(&bigger)), ["cost_per_hour_max"]);
    // Reference: the save goes async; the queue carries the peak.
    let mut answer = start;
    answer.settings.endpoints[0].mode = Mode::Async;
    let r = checked(&answer);
    assert!(r.passed(), "{}", r.text(false));
}

#[test]
fn exercise_2_black_friday_is_met_cheaply_only_async() {
    let start = exercise("ex2-black-friday");
    let r = checked(&start);
    assert!(!r.passed());
    assert!(
        failed_keys(&r).contains(&"wait_sla_min".to_string()),
        "{}",
        r.text(false)
    );
    // Sync meets both SLAs only with a database sized for 09:00, which
    // blows the budget.
    let mut sync = start.clone();
    set(&mut sync, "database.connections", 14.0);
    assert_eq!(failed_keys(&checked(&sync)), ["cost_per_hour_max"]);
    // Reference: async, the database sized for the day, not the minute.
    let mut answer = start;
    answer.settings.endpoints[0].mode = Mode::Async;
    set(&mut answer, "database.connections", 6.0);
    set(&mut answer, "queue.workers", 6.0);
    let r = checked(&answer);
    assert!(r.passed(), "{}", r.text(false));
    let cost = r
        .checks
        .iter()
        .find(|c| c.key == "cost_per_hour_max")
        .expect("cost");
    assert!(
        cost.score.is_some_and(|s| s > 0.2),
        "well inside the budget: {cost:?}"
    );
}

#[test]
fn exercise_3_noisy_neighbour_is_fixed_by_fair_scheduling() {
    let start = exercise("ex3-noisy-neighbour");
    let r = checked(&start);
    assert_eq!(failed_keys(&r), ["client_processed_p95_max_s[small]"]);
    // Buying through it costs more than the budget.
    let mut bigger = start.clone();
    set(&mut bigger, "database.connections", 9.0);
    set(&mut bigger, "queue.workers", 9.0);
    assert_eq!(failed_keys(&checked(&bigger)), ["cost_per_hour_max"]);
    // Reference: fair scheduling over per-client lanes.
    let mut answer = start;
    answer.settings.queue.scheduling = Scheduling::Fair;
    let r = checked(&answer);
    assert!(r.passed(), "{}", r.text(false));
}

#[test]
fn exercise_4_retries_ride_out_the_outage_with_backoff() {
    let start = exercise("ex4-retries-outage");
    let r = checked(&start);
    assert_eq!(failed_keys(&r), ["dead_letters_max"]);
    // Brute force (a retry every second, forty times) saves every job but
    // hammers the database.
    let mut hammer = start.clone();
    set(&mut hammer, "queue.max_attempts", 40.0);
    assert_eq!(failed_keys(&checked(&hammer)), ["writes_per_action_max"]);
    // Reference: exponential backoff with full jitter, enough attempts to
    // outlast the outage.
    let mut answer = start;
    answer.settings.queue.retry = RetryPolicy::ExponentialJitter;
    set(&mut answer, "queue.max_attempts", 15.0);
    set(&mut answer, "queue.backoff_cap_s", 20.0);
    let r = checked(&answer);
    assert!(r.passed(), "{}", r.text(false));
}

#[test]
fn exercise_5_poll_interval_has_a_window_between_two_failures() {
    let start = exercise("ex5-poll-interval");
    let r = checked(&start);
    assert_eq!(failed_keys(&r), ["server_utilisation_max"]);
    // Too rarely: users learn late.
    let mut rare = start.clone();
    set(&mut rare, "browser.poll_interval_s", 6.0);
    assert_eq!(failed_keys(&checked(&rare)), ["learn_p95_max_s"]);
    // More servers alone bring the utilisation down but break the budget.
    let mut bought = start.clone();
    set(&mut bought, "server.instances", 3.0);
    assert_eq!(failed_keys(&checked(&bought)), ["cost_per_hour_max"]);
    // Reference: every 2 s.
    let mut answer = start;
    set(&mut answer, "browser.poll_interval_s", 2.0);
    let r = checked(&answer);
    assert!(r.passed(), "{}", r.text(false));
}

#[test]
fn a_goal_without_thresholds_is_refused() {
    let text = "(version: 3, title: \"x\", goal: Some((hint: \"nothing to check\")))";
    let e = Scenario::from_ron(text, "g.ron").expect_err("empty goal");
    assert!(e.to_string().contains("goal = no thresholds"), "{e}");
    let text = "(version: 3, title: \"x\", goal: Some((writes_per_action_max: Some(0.5))))";
    let e = Scenario::from_ron(text, "g.ron").expect_err("below one write per action");
    assert!(e.to_string().contains("goal.writes_per_action_max"), "{e}");
}

// -------------------------------------------------------------------- CLI

fn asynclab(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_asynclab"))
        .args(args)
        .output()
        .expect("run asynclab")
}

fn out(o: &std::process::Output) -> (String, String) {
    (
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

#[test]
fn run_check_prints_the_report_and_exits_2_until_the_goal_is_met() {
    let o = asynclab(&["run", "exercises/ex3-noisy-neighbour.ron", "--check"]);
    let (stdout, stderr) = out(&o);
    assert_eq!(o.status.code(), Some(2), "{stderr}");
    assert!(
        stdout.contains("Goal: NOT MET, 2 of 3 thresholds met."),
        "{stdout}"
    );
    assert!(
        stdout.contains("✗ small: p95 time to processed"),
        "{stdout}"
    );
    assert!(
        stdout.contains("(A hint is available: add --hint.)"),
        "{stdout}"
    );
    let o = asynclab(&["run", "ex3-noisy-neighbour", "--check", "--hint"]);
    assert!(out(&o).0.contains("Hint: The work is already decoupled"));

    // The answer, as an attendee would save it from the app.
    let dir = tempfile::tempdir().expect("temp dir");
    let mut s = exercise("ex3-noisy-neighbour");
    s.settings.queue.scheduling = Scheduling::Fair;
    let path = dir.path().join("answer.ron");
    s.save(&path).expect("save");
    let p = path.to_str().expect("utf-8");
    let o = asynclab(&["run", p, "--check"]);
    assert_eq!(o.status.code(), Some(0), "{}", out(&o).1);
    assert!(out(&o).0.contains("Goal: PASSED, all 3 thresholds met."));
    let o = asynclab(&["run", p, "--check", "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    assert_eq!(v["goal_passed"], true);
    assert_eq!(v["goal"]["checks"].as_array().map(Vec::len), Some(3));

    // Stopping early is no way to pass.
    let o = asynclab(&["run", p, "--check", "--duration", "60"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(out(&o).0.contains("Goal: not checked yet"), "{}", out(&o).0);
    // A scene without a goal cannot be checked.
    let o = asynclab(&["run", "01-hello-sync.ron", "--check", "--duration", "1"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(out(&o).1.contains("has no goal to check"), "{}", out(&o).1);
    // A mistyped option is a usage error with its own status, never
    // taken for "goal not met"; help is no error at all.
    let o = asynclab(&["run", "ex3-noisy-neighbour", "--check", "--hnit"]);
    assert_eq!(o.status.code(), Some(64), "{}", out(&o).1);
    assert!(out(&o).1.contains("--hnit"), "{}", out(&o).1);
    let o = asynclab(&["run", "--help"]);
    assert_eq!(o.status.code(), Some(0));
}

// --------------------------------------------------------------- hand-out

/// The page names nothing outside itself: no address, script, style
/// sheet, font, image or frame.
fn assert_self_contained(html: &str) {
    let lower = html.to_lowercase();
    for needle in [
        "http:", "https:", "//www", "<script", "src=", "href=", "url(", "@import", "<link", "<img",
        "<iframe", "<object", "<embed", "xlink",
    ] {
        assert!(!lower.contains(needle), "the page holds {needle}");
    }
}

fn assert_sections(html: &str, svgs: usize) {
    for id in ["lesson", "system", "plots", "summary", "ledgers"] {
        assert!(
            html.contains(&format!("<h2 id=\"{id}\">")),
            "no {id} section"
        );
    }
    assert_eq!(html.matches("<svg").count(), svgs, "plots as inline SVG");
    assert!(html.contains("Users' ledger") && html.contains("System's ledger"));
    assert!(html.contains("both ledgers balance ✓"));
    assert!(html.trim_end().ends_with("</html>"));
}

#[test]
fn the_hand_out_is_one_self_contained_page_with_every_section() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("slow.html");
    let p = path.to_str().expect("utf-8");
    let o = asynclab(&["report", "02-slow-database.ron", "--out", p]);
    assert!(o.status.success(), "{}", out(&o).1);
    let html = std::fs::read_to_string(&path).expect("written");
    assert_self_contained(&html);
    assert_sections(&html, 6);
    let scene = scenario::builtin("02-slow-database.ron")
        .expect("built in")
        .expect("valid");
    assert!(html.contains("<h1>Slow database</h1>"));
    assert!(
        html.contains(&scene.lesson.replace('\'', "&#39;")),
        "the lesson"
    );
    assert!(html.contains("<h2 id=\"timeline\">") && html.contains("save order → ASYNC</td>"));
    // The summary counts every error a user saw, the users' ledger each
    // action once by its last click: the page says which is which.
    assert!(html.contains("<th>Errors users saw, every click: timeout</th>"));
    assert!(html.contains("the summary's errors count every error a user saw"));
    for title in [
        "User-perceived wait (s)",
        "Queue backlog (jobs)",
        "Utilisation",
    ] {
        // The title, then its legend beside it.
        assert!(
            html.contains(&format!("<h3>{title} <span class=\"keys\">")),
            "{title}"
        );
    }
    assert!(!html.contains("id=\"goal\""), "not an exercise");

    // An exercise's hand-out states its goal (not its hint).
    let path = dir.path().join("ex.html");
    let o = asynclab(&[
        "report",
        "ex1-slow-database",
        "--out",
        path.to_str().expect("utf-8"),
    ]);
    assert!(o.status.success(), "{}", out(&o).1);
    let html = std::fs::read_to_string(&path).expect("written");
    assert_self_contained(&html);
    // Four key plots, the cost plot among them, first.
    assert_sections(&html, 7);
    assert!(html.contains("<h2 id=\"goal\">") && html.contains("does not meet the goal yet"));
    assert!(
        !html.contains("What if the user did not have to wait"),
        "no hint"
    );

    // --compare: the twins side by side, the difference in words first.
    let o = asynclab(&["report", "02-slow-database.ron", "--compare", "--out", p]);
    assert!(o.status.success(), "{}", out(&o).1);
    let html = std::fs::read_to_string(p).expect("written");
    assert_self_contained(&html);
    assert!(html.contains("<h2 id=\"difference\">"));
    // The twins hold the scene's switch: the timeline says so.
    assert!(
        html.contains("save order → ASYNC (held: each twin keeps the mode its variant sets)</td>"),
        "held switch"
    );
    let at = html
        .find("<li>sync vs async: p95 wait ")
        .expect("the sentence");
    assert!(at < html.find("<h2 id=\"plots\">").expect("plots"));
    assert!(
        html.contains("answered ") && html.contains(" sooner"),
        "sync waits longer"
    );
    assert!(
        html.contains(">sync<") && html.contains(">async<"),
        "both twins named"
    );
}

#[test]
fn hand_out_texts_are_escaped_and_twins_sit_side_by_side() {
    use asynclab::handout::page;
    let mut s = scenario::builtin("01-hello-sync.ron")
        .expect("built in")
        .expect("valid");
    s.title = "A & <b>bold</b>".into();
    s.lesson = "<script>alert(1)</script>".into();
    s.settings.clients[0].name = "x<y>".into();
    s.duration_s = 30.0;
    let run = |name: &str, mode: Mode| handout_run(&s, name, mode);
    let html = page(&s, &[run("sync", Mode::Sync), run("async", Mode::Async)]).expect("page");
    assert_self_contained(&html);
    assert_sections(&html, 12);
    assert!(html.contains("<h1>A &amp; &lt;b&gt;bold&lt;/b&gt;</h1>"));
    assert!(html.contains("&lt;script&gt;") && !html.contains("<script"));
    assert!(html.contains("Client x&lt;y&gt;"));
    assert_eq!(html.matches("<div class=\"twins\">").count(), 6);
    assert!(html.contains("<figcaption>sync</figcaption>") && html.contains("<th>async</th>"));
}

/// The hand-out's time axis steps as the app's (2:00, 4:00 … never
/// 3:20), and each plot's legend sits beside its title, outside the
/// plot.
#[test]
fn hand_out_axes_tick_like_the_app_and_legends_sit_by_the_titles() {
    use asynclab::handout::{HandoutRun, Plots, page};
    let s = scenario::builtin("02-slow-database.ron")
        .expect("built in")
        .expect("valid");
    let mut plots = Plots::new(&s.settings, s.duration_s, &s.view.key_plots);
    let mut sys = System::new(s.clone());
    sys.run_until(SimTime::from_secs_f64(s.duration_s));
    sys.finish();
    plots.add(&sys.drain_windows());
    let run = HandoutRun {
        name: "run".into(),
        settings: sys.settings().clone(),
        summary: sys.summary(),
        ledgers: sys.ledgers(),
        balance: sys.check_ledgers(),
        plots,
    };
    let html = page(&s, &[run]).expect("page");
    // plotters writes each label on a line of its own.
    assert!(
        html.contains("\n0:02:00\n") && html.contains("\n0:14:00\n"),
        "two-minute ticks"
    );
    assert!(!html.contains("0:03:20") && !html.contains("0:06:40"));
    assert_eq!(
        html.matches("<span class=\"keys\">").count(),
        html.matches("<svg").count(),
        "a legend beside every plot's title"
    );
    for svg in html.split("<svg").skip(1) {
        let svg = &svg[..svg.find("</svg>").expect("closed")];
        assert!(!svg.contains("wait p95"), "no legend inside a plot");
    }
}

/// The example hand-outs in assets are what `report` writes today (the
/// page is deterministic: the scene's seed), and self-contained.
#[test]
fn the_example_hand_outs_in_assets_are_the_generators_output() {
    let dir = tempfile::tempdir().expect("temp dir");
    for (extra, asset) in [
        (None, "handout-slow-database.html"),
        (Some("--compare"), "handout-slow-database-compare.html"),
    ] {
        let out = dir.path().join(asset);
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_asynclab"));
        cmd.args(["report", "02-slow-database.ron", "--out"])
            .arg(&out);
        cmd.args(extra);
        let o = cmd.output().expect("asynclab runs");
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let made = std::fs::read_to_string(&out).expect("the hand-out");
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("assets")
            .join(asset);
        let kept = std::fs::read_to_string(&path).expect("the example in assets");
        assert!(
            made == kept,
            "assets/{asset} is out of date: `asynclab report 02-slow-database.ron {}--out assets/{asset}` writes it",
            extra.map_or(String::new(), |e| format!("{e} "))
        );
        assert_self_contained(&made);
    }
    let html = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/handout-slow-database.html"),
    )
    .expect("the example");
    assert_sections(&html, 6);
}

// ----------------------------------------------------------------- layout

/// The workshop modules stay egui-free and below the app, host and CLI,
/// so the app and the command line share them.
#[test]
fn export_goal_and_handout_know_nothing_of_the_app_host_or_cli() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = vec![src.join("goal.rs")];
    for dir in ["export", "handout"] {
        for entry in std::fs::read_dir(src.join(dir))
            .expect("module dir")
            .flatten()
        {
            files.push(entry.path());
        }
    }
    for f in files {
        let text = std::fs::read_to_string(&f).expect("source");
        for (n, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            for word in [
                "egui",
                "eframe",
                "crate::app",
                "crate::host",
                "crate::cli",
                "clap",
            ] {
                assert!(
                    !code.contains(word),
                    "{}:{}: {}",
                    f.display(),
                    n + 1,
                    line.trim()
                );
            }
        }
    }
}

/// A GIF of the app keeps every plot colour exactly: among thousands of
/// other colours (more than a GIF palette holds), a band of each of the
/// app's plot colours decodes as that colour, not as a neighbour NeuQuant
/// merged it with (blue arrivals and green commits into one teal).
#[test]
fn the_gif_palette_holds_every_plot_colour_exactly() {
    let colours: Vec<[u8; 3]> = asynclab::app::palette::plot_colours()
        .iter()
        .map(|c| [c.r(), c.g(), c.b()])
        .collect();
    assert!(colours.len() > 20, "{} plot colours", colours.len());
    let settings = GifSettings {
        width_px: 256,
        fps: 10,
        seconds: 1.0,
    };
    let mut rec = GifRecorder::new(settings).expect("valid settings");
    rec.pin_colours(&colours);
    // Left half: a gradient of thousands of colours; right half: a band of
    // four rows per plot colour.
    let (w, h) = (256u32, 256u32);
    let mut rgba = Vec::with_capacity((w * h * 4) as usize);
    for y in 0..h {
        for x in 0..w {
            let band = (y / 4) as usize;
            let c = match colours.get(band) {
                Some(c) if x >= 128 => *c,
                _ => [x as u8, y as u8, ((x * 7 + y * 3) % 256) as u8],
            };
            rgba.extend_from_slice(&[c[0], c[1], c[2], 255]);
        }
    }
    for i in 0..3 {
        rec.push(f64::from(i) * 0.1, w, h, &rgba).expect("frame");
    }
    let mut clip = rec.clip().expect("a clip");
    let mut out = Vec::new();
    clip.write(&mut out, |_| {}, &AtomicBool::new(false))
        .expect("writes");
    let (gw, gh, frames, _) = decode_gif(&out);
    assert_eq!((gw, gh), (256, 256));
    let first = &frames[0];
    for (band, c) in colours.iter().enumerate() {
        let (x, y) = (200usize, band * 4 + 1);
        let at = (y * 256 + x) * 4;
        assert_eq!(&first[at..at + 3], c, "plot colour {c:?} kept exactly");
    }
}

/// `s` run to its end with its first endpoint in `mode`, as the hand-out
/// takes a run (room.rs's test of its plain words uses it too).
pub fn handout_run(s: &Scenario, name: &str, mode: Mode) -> asynclab::handout::HandoutRun {
    use asynclab::handout::{HandoutRun, Plots};
    let mut t = s.clone();
    t.settings.endpoints[0].mode = mode;
    let mut plots = Plots::new(&t.settings, t.duration_s, &[]);
    let mut sys = System::new(t.clone());
    sys.run_until(SimTime::from_secs_f64(t.duration_s));
    sys.finish();
    plots.add(&sys.drain_windows());
    HandoutRun {
        name: name.into(),
        settings: sys.settings().clone(),
        summary: sys.summary(),
        ledgers: sys.ledgers(),
        balance: sys.check_ledgers(),
        plots,
    }
}
