//! UI frame benchmark, headless: CPU time of one frame (`ctx.run_ui` plus
//! `ctx.tessellate`) with one hour of history on every plot; with
//! `--compare`, the compare view of two twins (sync and async), an hour of
//! history each.
//!
//! `cargo run --release --example bench_ui -- --frames 300 [--compare]`

use asynclab::app::AsyncLabApp;
use asynclab::host::{Command, FakeClock};
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
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let mut scene = asynclab::app::default_scene();
    // Busy enough that every plot has data: load near the DB's capacity.
    scene.settings.clients[0].rate_per_s = 90.0;
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
    app.host().send(Command::Pause);
    app.ingest(sys.windows(), window_s);
    app.set_span_s(args.history_s);
    println!("rows kept: {}", app.history().rows.len());

    let ctx = egui::Context::default();
    let input = || egui::RawInput {
        screen_rect: Some(egui::Rect::from_min_size(
            egui::Pos2::ZERO,
            egui::vec2(args.width, args.height),
        )),
        ..Default::default()
    };
    if args.compare {
        app.host().send(Command::SetCompare(true));
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
    Ok(())
}
