//! UI frame benchmark, headless: CPU time of one frame (`ctx.run_ui` plus
//! `ctx.tessellate`) with one hour of history on every plot; with
//! `--compare`, the compare view of two twins (sync and async), an hour of
//! history each.
//!
//! With `--played`, the history comes from playing the live host (at
//! 1000× on a fake clock) instead of windows fed in, so the wait plot also
//! carries the traced actions' dots the live app draws.
//!
//! With `--plain`, the plain-language setting is on: every headline,
//! strip, diagram and plot text goes through the glossary.
//!
//! `cargo run --release --example bench_ui -- --frames 300 [--compare] [--played] [--plain]`

use asynclab::app::{AppAction, AsyncLabApp};
use asynclab::host::{Command, FakeClock, Speed};
use asynclab::sim::{SimTime, System, Twins};
use clap::Parser;
use std::time::Instant;

#[derive(Parser)]
#[command(about = "Times AsyncLab's UI frames with an hour of plot history")]
struct Args {
    /// Frames to time.
    #[arg(long, default_value_t = 300)]
    frames: usize,
    /// Sim seconds of history.
    #[arg(long, default_value_t = 3600.0)]
    history_s: f64,
    /// Window width, points.
    #[arg(long, default_value_t = 1600.0)]
    width: f32,
    /// Window height, points.
    #[arg(long, default_value_t = 1000.0)]
    height: f32,
    /// Time the compare view: two twins, an hour of history each.
    #[arg(long)]
    compare: bool,
    /// Build the history by playing the host (traced dots included).
    #[arg(long)]
    played: bool,
    /// Plain words for the room on (every text through the glossary).
    #[arg(long)]
    plain: bool,
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let mut scene = asynclab::app::default_scene();
    // Busy enough that every plot has data: load near the DB's capacity.
    scene.settings.clients[0].rate_per_s = 90.0;
    let ctx = egui::Context::default();
    let input = || egui::RawInput {
        screen_rect: Some(egui::Rect::from_min_size(
            egui::Pos2::ZERO,
            egui::vec2(args.width, args.height),
        )),
        ..Default::default()
    };
    if args.played {
        return played(&args, scene, &ctx, &input);
    }
    let window_s = scene.settings.window_s;
    let t0 = Instant::now();
    let mut sys = System::new(scene.clone());
    sys.run_until(SimTime::from_secs_f64(args.history_s));
    println!(
        "history: {} windows of {} s simulated in {:.2} s",
        sys.windows().len(),
        window_s,
        t0.elapsed().as_secs_f64()
    );

    let mut app = AsyncLabApp::new_for_test(scene.clone(), Box::new(FakeClock::new()));
    app.apply(AppAction::Host(Command::Pause));
    app.ingest(sys.windows(), window_s);
    app.set_span_s(args.history_s);
    println!("rows kept: {}", app.history().rows.len());

    if args.compare {
        app.apply(AppAction::Host(Command::SetCompare(true)));
        // One frame takes the twins' first snapshot (and their histories).
        let _ = ctx.run_ui(input(), |ui| app.frame(ui));
        let mut twins = Twins::compare(&scene.settings, &scene.variants)?;
        twins.run_until(SimTime::from_secs_f64(args.history_s));
        for (k, t) in twins.twins().iter().enumerate() {
            app.compare_view_mut()
                .ingest(k, t.system().windows(), window_s);
        }
        let rows: Vec<usize> = (0..twins.len())
            .map(|k| app.compare_view().history(k).map_or(0, |h| h.rows.len()))
            .collect();
        println!("compare: {} twins, rows kept {rows:?}", twins.len());
    }
    time_frames(&args, &mut app, &ctx, &input);
    Ok(())
}

/// The history played by the live host: the scene (or its twins) at 1000×
/// on a fake clock moved 50 ms a frame, then paused.
fn played(
    args: &Args,
    mut scene: asynclab::scenario::Scenario,
    ctx: &egui::Context,
    input: &dyn Fn() -> egui::RawInput,
) -> anyhow::Result<()> {
    // No script: its switch to async would leave the solo view's dots all
    // acknowledgements.
    scene.settings.timeline.clear();
    // A scene stops at its end: make it last the history.
    scene.duration_s = scene.duration_s.max(args.history_s);
    let clock = FakeClock::new();
    let mut app = AsyncLabApp::new_for_test(scene, Box::new(clock.clone()));
    app.set_span_s(args.history_s);
    if args.compare {
        app.apply(AppAction::Host(Command::SetCompare(true)));
    }
    app.apply(AppAction::Host(Command::SetSpeed(Speed::Times(1000.0))));
    app.apply(AppAction::Host(Command::Play));
    let t0 = Instant::now();
    while app.host().snapshot().now_s < args.history_s {
        clock.advance(std::time::Duration::from_millis(50));
        let _ = ctx.run_ui(input(), |ui| app.frame(ui));
    }
    app.apply(AppAction::Host(Command::Pause));
    for _ in 0..3 {
        let _ = ctx.run_ui(input(), |ui| app.frame(ui));
    }
    let (now_s, traces) = {
        let snap = app.host().snapshot();
        let traces: Vec<usize> = snap.runs.iter().map(|t| t.traces.len()).collect();
        (snap.now_s, traces)
    };
    println!(
        "played {now_s:.0} s of sim time in {:.1} s; traced actions kept {traces:?}; dots drawn {}",
        t0.elapsed().as_secs_f64(),
        app.traced_dots().len()
    );
    time_frames(args, &mut app, ctx, input);
    Ok(())
}

/// Times `args.frames` frames (after ten to settle) and prints p50, p95,
/// p99 and the worst.
fn time_frames(
    args: &Args,
    app: &mut AsyncLabApp,
    ctx: &egui::Context,
    input: &dyn Fn() -> egui::RawInput,
) {
    if args.plain {
        app.apply(asynclab::app::AppAction::SetPlainWords(true));
    }
    let mut times_ms = Vec::with_capacity(args.frames);
    for i in 0..args.frames + 10 {
        let start = Instant::now();
        let mut out = ctx.run_ui(input(), |ui| app.frame(ui));
        let shapes = std::mem::take(&mut out.shapes);
        let meshes = ctx.tessellate(shapes, out.pixels_per_point);
        let ms = start.elapsed().as_secs_f64() * 1e3;
        out.textures_delta.clear();
        std::hint::black_box(meshes);
        // The first frames lay out fonts and settle; not the steady state.
        if i >= 10 {
            times_ms.push(ms);
        }
    }
    times_ms.sort_by(f64::total_cmp);
    let q = |p: f64| times_ms[((times_ms.len() - 1) as f64 * p).round() as usize];
    println!(
        "frame CPU (run_ui + tessellate), {} frames at {}x{}: p50 {:.2} ms, p95 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        times_ms.len(),
        args.width,
        args.height,
        q(0.50),
        q(0.95),
        q(0.99),
        q(1.0)
    );
}
