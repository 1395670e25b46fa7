//! The workshop kit in the app, through egui_kittest: the menus and plot
//! context menus ask for a screenshot (fed here with a test-built image,
//! as there is no renderer), files are written and decoded back; Copy
//! scene and Paste scene round-trip through the clipboard commands; the
//! "Check my answer" panel at an exercise's end; the GIF recorder.

use crate::kit::TestApp;
use asynclab::host::Command;
use asynclab::scenario::{Mode, Scenario, StartSpeed};
use egui::{ColorImage, OutputCommand, ViewportCommand};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

/// A busy scene at 1x, no timeline.
fn scene() -> Scenario {
    let mut s = asynclab::app::default_scene();
    s.settings.clients[0].rate_per_s = 150.0;
    s.settings.timeline.clear();
    s.view.speed = StartSpeed::Times(1.0);
    s
}

fn harness(s: Scenario, size: [f32; 2]) -> Harness<'static, TestApp> {
    crate::kit::harness_sized(s, size)
}

/// A harness whose file dialogs start in `dir` (the folder of the scene
/// file it opened), so exports land there.
fn harness_in(dir: &Path, size: [f32; 2]) -> Harness<'static, TestApp> {
    let file = dir.join("scene.ron");
    scene().save(&file).expect("save");
    let mut h = harness(scene(), size);
    h.run_steps(2);
    h.state_mut().app.open_path(&file);
    h.run_steps(3);
    h
}

/// The screen as a test-built screenshot: at the context's pixels per
/// point, a gradient with a bar that moves with `k`.
fn screen_image(h: &Harness<'_, TestApp>, k: usize) -> Arc<ColorImage> {
    let ppp = h.ctx.pixels_per_point();
    let r = h.ctx.content_rect();
    let (w, hgt) = (
        (r.width() * ppp).round() as usize,
        (r.height() * ppp).round() as usize,
    );
    let bar = (k * 37) % w.max(1);
    let mut px = Vec::with_capacity(w * hgt);
    for y in 0..hgt {
        for x in 0..w {
            let c = if x.abs_diff(bar) < 12 {
                egui::Color32::WHITE
            } else {
                egui::Color32::from_rgb((x * 255 / w) as u8, (y * 255 / hgt) as u8, 90)
            };
            px.push(c);
        }
    }
    Arc::new(ColorImage::new([w, hgt], px))
}

/// One frame; completes every screenshot it asked for with
/// [`screen_image`]. Returns how many it asked for.
fn step_shooting(h: &mut Harness<'_, TestApp>, k: usize) -> usize {
    h.run_steps(1);
    let requests: Vec<egui::ScreenshotCallback> = h
        .output()
        .viewport_output
        .values()
        .flat_map(|v| {
            v.commands.iter().filter_map(|c| match c {
                ViewportCommand::Screenshot(cb) => Some(cb.clone()),
                _ => None,
            })
        })
        .collect();
    if !requests.is_empty() {
        let image = screen_image(h, k);
        for cb in &requests {
            cb.clone().complete(image.clone());
        }
    }
    requests.len()
}

/// Frames until a screenshot is asked for (at most 10); fulfils it.
fn until_screenshot(h: &mut Harness<'_, TestApp>) {
    for k in 0..10 {
        if step_shooting(h, k) > 0 {
            h.run_steps(2);
            return;
        }
    }
    panic!("no screenshot was asked for");
}

/// Frames, completing every screenshot asked for, until the image is
/// taken whole (the plot area may take several screenshots) and the
/// browser asks where to save it.
fn until_image_taken(h: &mut Harness<'_, TestApp>) {
    for k in 0..80 {
        step_shooting(h, k);
        if h.query_by_label_contains("Save the image as").is_some() {
            return;
        }
    }
    panic!("the image was not taken");
}

/// The output commands of each of the next `n` frames.
fn commands_over(h: &mut Harness<'_, TestApp>, n: usize) -> Vec<OutputCommand> {
    let mut out = Vec::new();
    for _ in 0..n {
        h.run_steps(1);
        out.extend(h.output().platform_output.commands.iter().cloned());
    }
    out
}

/// Opens the menu `path[0]`, hovers the submenus between, clicks the last
/// (the frames after it are the caller's).
fn menu(h: &mut Harness<'_, TestApp>, path: &[&str]) {
    for (i, item) in path.iter().enumerate() {
        if i + 1 == path.len() {
            h.get_by_label(item).click();
            return;
        }
        if i == 0 {
            h.get_by_label(item).click();
        } else {
            h.get_by_label(item).hover();
        }
        h.run_steps(3);
    }
}

/// Clicks "Save here" in the in-app browser (the offered name stays).
fn save_here(h: &mut Harness<'_, TestApp>) {
    h.run_steps(4);
    h.get_by_label("Save here").click();
    h.run_steps(2);
}

fn decode_png(path: &Path) -> (u32, u32, usize) {
    let bytes = std::fs::read(path).expect("the PNG was written");
    let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    let mut reader = decoder.read_info().expect("a PNG");
    let mut buf = vec![0; reader.output_buffer_size().expect("size")];
    let info = reader.next_frame(&mut buf).expect("a frame");
    buf.truncate(info.buffer_size());
    let samples = info.color_type.samples();
    let colours: std::collections::HashSet<&[u8]> = buf.chunks_exact(samples).collect();
    (info.width, info.height, colours.len())
}

fn status(h: &Harness<'_, TestApp>) -> bool {
    h.query_by_label_contains("saved to").is_some()
}

#[test]
fn a_plot_context_menu_saves_and_copies_its_image() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut h = harness_in(dir.path(), [1600.0, 1000.0]);
    h.run_steps(10);
    let title = asynclab::chart::spec(asynclab::chart::PlotName::Wait).title;
    let plot_rect = h.get_by_label(&format!("plot: {title}")).rect();
    h.get_by_label(&format!("plot: {title}")).click_secondary();
    h.run_steps(2);
    h.get_by_label("Save image…").click();
    until_screenshot(&mut h);
    assert!(h.query_by_label_contains("Save the image as").is_some());
    save_here(&mut h);
    let (w, hgt, colours) = decode_png(&dir.path().join("asynclab.png"));
    // The plot with its title, legend and axes, at 1 pixel per point.
    assert!(
        w as f32 >= plot_rect.width().round() && (w as f32) < plot_rect.width() + 80.0,
        "{w} px wide for a {plot_rect:?} plot"
    );
    assert!(
        hgt as f32 > plot_rect.height() + 20.0 && (hgt as f32) < plot_rect.height() + 120.0,
        "{hgt} px high for a {plot_rect:?} plot"
    );
    assert!(colours > 10, "not blank: {colours} colours");
    assert!(status(&h), "status line says where it went");
    // Copy image: the cut goes to the clipboard.
    h.get_by_label(&format!("plot: {title}")).click_secondary();
    h.run_steps(2);
    h.get_by_label("Copy image").click();
    let mut copied = None;
    for k in 0..10 {
        step_shooting(&mut h, k);
        if let Some(img) = h
            .output()
            .platform_output
            .commands
            .iter()
            .find_map(|c| match c {
                OutputCommand::CopyImage(img) => Some(img.clone()),
                _ => None,
            })
        {
            copied = Some(img);
            break;
        }
    }
    let img = copied.expect("an image on the clipboard");
    assert_eq!(img.size, [w as usize, hgt as usize]);
}

#[test]
fn file_export_writes_the_window_and_plot_area_as_png_and_the_series_as_csv() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut h = harness_in(dir.path(), [1280.0, 800.0]);
    h.run_steps(40);
    menu(&mut h, &["File", "Export", "Window as PNG…"]);
    until_screenshot(&mut h);
    save_here(&mut h);
    let (w, hgt, colours) = decode_png(&dir.path().join("asynclab.png"));
    assert_eq!((w, hgt), (1280, 800), "the whole window");
    assert!(colours > 10);
    std::fs::remove_file(dir.path().join("asynclab.png")).expect("rm");
    // The plot area scrolls at this size: the image holds all of it, shot
    // a screenful at a time.
    menu(&mut h, &["File", "Export", "Plot area as PNG…"]);
    until_image_taken(&mut h);
    save_here(&mut h);
    let (pw, ph, _) = decode_png(&dir.path().join("asynclab.png"));
    let full = h.state().app.plot_area_full().expect("plots laid out");
    assert!(pw <= 1280 && pw > 300, "{pw}x{ph}");
    // The plots run on below the window's bottom edge (800): the image
    // holds them all, not only the part on screen.
    assert!(full.bottom() > 900.0, "the plots scroll: {full:?}");
    assert!(
        (ph as f32 - full.height()).abs() <= 2.0,
        "{ph} px high for a plot area {} points high",
        full.height()
    );
    // CSV: the time column and every plotted line.
    menu(&mut h, &["File", "Export", "Plotted series as CSV…"]);
    h.run_steps(2);
    save_here(&mut h);
    let text = std::fs::read_to_string(dir.path().join("asynclab-plots.csv")).expect("csv");
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().expect("header").split(',').collect();
    assert_eq!(header[0], "time (s)");
    assert!(
        header
            .iter()
            .any(|c| c.starts_with("User-perceived wait (s): ")),
        "{header:?}"
    );
    assert!(header.len() > 10, "every plotted line: {header:?}");
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len(), h.state().app.history().rows.len());
    assert!(!rows.is_empty());
    for r in &rows {
        assert_eq!(r.split(',').count(), header.len(), "{r}");
    }
}

#[test]
fn copy_scene_then_paste_round_trips_and_a_broken_paste_keeps_the_scene() {
    let mut h = harness(scene(), [1600.0, 1000.0]);
    h.run_steps(3);
    h.get_by_label("ASYNC").click();
    h.run_steps(2);
    h.get_by_label("Edit").click();
    h.run_steps(2);
    h.get_by_label("Copy scene").click();
    let text = commands_over(&mut h, 3)
        .into_iter()
        .find_map(|c| match c {
            OutputCommand::CopyText(t) => Some(t),
            _ => None,
        })
        .expect("scene text copied");
    assert!(text.starts_with("// AsyncLab scene"), "{text}");
    let copied = asynclab::export::scene_from_text(&text).expect("valid scene text");
    assert_eq!(
        copied.settings.endpoints[0].mode,
        Mode::Async,
        "live tweak kept"
    );
    // Back to sync with another retry policy (unsaved changes), then
    // paste: the scene comes back async, from zero.
    h.get_by_label("SYNC").click();
    h.get_by_label("fixed 1 s").click();
    h.run_steps(2);
    assert!(h.state().app.host().snapshot().dirty);
    let run = h.state().app.host().snapshot().run_id;
    // Fenced, as a chat app keeps it.
    h.event(egui::Event::Paste(format!("```ron\n{text}\n```")));
    h.run_steps(4);
    // The scene has unsaved changes: the app asks first.
    h.get_by_label("Discard changes").click();
    h.run_steps(3);
    let snap = h.state().app.host().snapshot().clone();
    assert!(snap.run_id != run, "a new run");
    assert_eq!(snap.first().live.endpoints[0].mode, Mode::Async);
    assert!(h.state().app.error().is_none());
    // Edit > Paste scene asks the window for the clipboard's text.
    h.get_by_label("Edit").click();
    h.run_steps(2);
    h.get_by_label(
        &asynclab::app::commands::UiCommand::Paste
            .menu_text(egui::os::OperatingSystem::from_target_os(), None),
    )
    .click();
    h.run_steps(1);
    let asked = h
        .output()
        .viewport_output
        .values()
        .any(|v| v.commands.contains(&ViewportCommand::RequestPaste));
    assert!(asked, "RequestPaste sent");
    // A broken paste: the error names the clipboard and the field; the
    // scene keeps running.
    let t0 = h.state().app.host().snapshot().now_s;
    h.event(egui::Event::Paste(
        "(version: 3, clients: [(rate_per_s: -5.0)])".into(),
    ));
    h.run_steps(3);
    let err = h.state().app.error().expect("an error dialog").to_string();
    assert!(
        err.contains("clipboard") && err.contains("rate_per_s"),
        "{err}"
    );
    h.get_by_label_contains("Could not open the scene from the clipboard");
    h.run_steps(5);
    let snap = h.state().app.host().snapshot().clone();
    assert!(snap.now_s > t0, "still running");
    assert_eq!(snap.edited.title, copied.title);
}

#[test]
fn the_check_panel_opens_at_an_exercise_end_with_a_row_per_threshold() {
    let mut s = asynclab::scenario::builtin("exercises/ex5-poll-interval.ron")
        .expect("built in")
        .expect("valid");
    s.duration_s = 20.0;
    s.view.speed = StartSpeed::Times(20.0);
    let goal = s.goal.clone().expect("a goal");
    let mut h = harness(s, [1600.0, 1000.0]);
    h.run_steps(3);
    assert!(h.query_by_label("Check my answer").is_some(), "its button");
    // On demand while playing: the panel offers to pause.
    h.get_by_label("Check my answer").click();
    h.run_steps(4);
    let snap = h.state().app.host().snapshot().clone();
    assert!(
        h.query_by_label_contains("checked when the scene ends")
            .is_some(),
        "playing {} ended {} t {}",
        snap.playing,
        snap.ended,
        snap.now_s
    );
    h.get_by_label("Pause and check").click();
    h.run_steps(4);
    assert!(h.query_by_label_contains("not checked yet").is_some());
    h.state_mut()
        .app
        .apply(asynclab::app::AppAction::Host(Command::Play));
    for _ in 0..100 {
        h.run_steps(1);
        if h.state().app.host().snapshot().ended {
            break;
        }
    }
    h.run_steps(3);
    let snap = h.state().app.host().snapshot().clone();
    assert!(snap.ended, "reached its end");
    let summary = snap.summary.clone().expect("summary at the end");
    let report = asynclab::goal::check(
        &goal,
        &asynclab::goal::FinishedRun {
            required_s: 20.0,
            settings: &snap.first().live,
            summary: &summary,
            ledgers: &snap.first().ledgers,
        },
    );
    assert!(report.complete());
    let passes = h.query_all_by_label("PASS").count();
    let fails = h.query_all_by_label("FAIL").count();
    assert_eq!(passes + fails, report.checks.len(), "one row per threshold");
    assert_eq!(fails, report.checks.iter().filter(|c| !c.passed).count());
    let verdict = if report.passed() { "PASSED" } else { "NOT MET" };
    assert!(h.query_by_label_contains(verdict).is_some());
    assert!(h.query_by_label_contains("Hint:").is_none(), "hidden");
    h.get_by_label("Show hint").click();
    h.run_steps(2);
    assert!(h.query_by_label_contains("Hint:").is_some());
}

fn gif_frames(path: &Path) -> (usize, u16, u16, usize) {
    let file = std::fs::File::open(path).expect("the GIF was written");
    let mut opts = gif::DecodeOptions::new();
    opts.set_color_output(gif::ColorOutput::RGBA);
    let mut d = opts.read_info(file).expect("a GIF");
    let (w, hgt) = (d.width(), d.height());
    let mut n = 0;
    let mut colours = std::collections::HashSet::new();
    while let Some(f) = d.read_next_frame().expect("frame") {
        n += 1;
        for p in f.buffer.chunks_exact(4).step_by(7) {
            colours.insert([p[0], p[1], p[2], p[3]]);
        }
    }
    (n, w, hgt, colours.len())
}

#[test]
fn the_gif_recorder_is_bounded_shows_its_estimate_cancels_and_writes() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut h = harness_in(dir.path(), [800.0, 500.0]);
    menu(&mut h, &["File", "Export", "GIF of the last N seconds…"]);
    h.run_steps(4);
    assert!(h.query_by_label_contains("Nothing recorded yet").is_some());
    h.get_by_label("Record (10 frames a second)").click();
    // kittest's frames are 0.25 s apart: one screenshot each.
    let mut shots = 0;
    for k in 0..250 {
        shots += step_shooting(&mut h, k);
    }
    assert!(shots >= 245, "{shots} screenshots");
    assert!(h.state().app.gif_wait_idle(Duration::from_secs(20)));
    let (frames, bytes) = h.state().app.gif_held();
    // 62.5 s recorded, the last 60 s kept: 240 frames 0.25 s apart.
    assert!((239..=241).contains(&frames), "{frames} frames held");
    assert!(bytes < asynclab::export::MAX_RECORDING_BYTES);
    // The last 10 s (the panel's default N): estimate, then write.
    h.get_by_label("Record (10 frames a second)").click();
    h.run_steps(1);
    h.get_by_label("Estimate size").click();
    for _ in 0..200 {
        h.run_steps(1);
        if h.query_by_label_contains("Estimated size").is_some() {
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    assert!(h.query_by_label_contains("Estimated size: about").is_some());
    h.get_by_label("Save GIF…").click();
    save_here(&mut h);
    let path = dir.path().join("asynclab.gif");
    for _ in 0..500 {
        h.run_steps(1);
        if h.query_by_label_contains("GIF saved").is_some() {
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    let (n, w, hgt, colours) = gif_frames(&path);
    assert_eq!(n, 40, "10 s at 4 frames a second (kittest's clock)");
    assert_eq!((w, hgt), (800, 500), "not upscaled to 960");
    assert!(colours > 10, "not blank");
    std::fs::remove_file(&path).expect("rm");
    // All 60 s, cancelled while writing: no file.
    h.state_mut().app.set_gif_seconds(60.0);
    h.run_steps(1);
    h.get_by_label("Estimate size").click();
    for _ in 0..500 {
        h.run_steps(1);
        if h.query_by_label("Save GIF…").is_some() {
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    // The write waits before its first frame, so Cancel surely comes
    // first, however fast the machine.
    h.state_mut().app.hold_gif_writes(true);
    h.get_by_label("Save GIF…").click();
    save_here(&mut h);
    h.get_by_label("Cancel").click();
    for _ in 0..500 {
        h.run_steps(1);
        if h.query_by_label_contains("GIF cancelled").is_some() {
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    assert!(h.query_by_label_contains("no file written").is_some());
    assert!(!path.exists(), "a cancelled GIF leaves no file");
    h.state_mut().app.hold_gif_writes(false);
}
