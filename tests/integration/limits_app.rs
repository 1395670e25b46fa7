//! The whole app stays bounded and responsive, not only the simulation: a
//! scene with thousands of scripted captions draws at most a line per
//! point of plot width, and no path a user picks can freeze the window.

use crate::kit::harness;
use asynclab::app::AppAction;
use asynclab::app::workshop::WorkshopAction;
use asynclab::scenario::{Change, Scenario, TimelineEvent};
use egui_kittest::kittest::Queryable;
use std::os::unix::fs::FileTypeExt;
use std::path::Path;
use std::time::Duration;

/// A FIFO at `path` (no reader).
fn mkfifo(path: &Path) {
    use std::os::unix::ffi::OsStrExt;
    let c = std::ffi::CString::new(path.as_os_str().as_bytes()).expect("no NUL");
    // SAFETY: a valid NUL-terminated path; mkfifo only reads it.
    let rc = unsafe { libc::mkfifo(c.as_ptr(), 0o644) };
    assert_eq!(rc, 0, "mkfifo {}", path.display());
}

/// Should an open block on the FIFO after all (the bug this guards
/// against), a reader comes after `after` and the write returns, so the
/// test fails on its assertions instead of hanging.
fn unblock_later(path: &Path, after: Duration) {
    let path = path.to_path_buf();
    std::thread::spawn(move || {
        std::thread::sleep(after);
        // Read and write: opening never blocks, and a blocked writer's
        // open then completes.
        let _ = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open(&path);
    });
}

/// One way of writing a file from the app.
type Attempt<'a> = Box<dyn Fn(&mut asynclab::app::AsyncLabApp) + 'a>;

/// Save, Save Recording and the CSV export to a FIFO nobody reads: each is
/// refused at once with the reason, the window keeps drawing, and the
/// FIFO is still a FIFO.
#[test]
fn a_fifo_with_no_reader_is_refused_as_a_target_and_the_window_keeps_going() {
    let dir = tempfile::tempdir().expect("temp dir");
    let fifo = dir.path().join("pipe.ron");
    mkfifo(&fifo);
    unblock_later(&fifo, Duration::from_secs(20));
    let mut h = harness(Scenario::default());
    h.run_steps(3);
    let attempts: [(&str, Attempt<'_>); 3] = [
        ("Could not save.", Box::new(|a| a.save_to(&fifo))),
        (
            "Could not save the recording.",
            Box::new(|a| a.save_recording_to(&fifo)),
        ),
        (
            "Could not export the plotted series.",
            Box::new(|a| a.apply(AppAction::Workshop(WorkshopAction::SaveCsvTo(fifo.clone())))),
        ),
    ];
    for (what, attempt) in attempts {
        let frames = h.state().app.frames();
        attempt(&mut h.state_mut().app);
        h.run_steps(2);
        assert!(h.state().app.frames() > frames, "the window draws on");
        let error = h.state().app.error().unwrap_or_default().to_string();
        assert!(error.starts_with(what), "{error}");
        assert!(error.contains("is a FIFO"), "{error}");
        assert!(error.contains("regular files only"), "{error}");
    }
    let ft = std::fs::symlink_metadata(&fifo).expect("meta").file_type();
    assert!(ft.is_fifo(), "the FIFO is still a FIFO");
}

/// 10,000 scripted captions (the validator allows 100,000), seen over the
/// whole run: each plot draws at most one marker line per point of its
/// width, at most four rows of captions fit, and the Timeline panel lists
/// the 200 events around now, so a frame's work is bounded by the window,
/// not by the scene.
#[test]
fn ten_thousand_captions_draw_at_most_a_line_per_point_of_plot_width() {
    let mut s = Scenario {
        duration_s: 600.0,
        ..Scenario::default()
    };
    s.settings.timeline = (0..10_000)
        .map(|i| TimelineEvent {
            mode: None,
            at_s: 0.05 * i as f64,
            change: Change::Caption(format!("caption {i}")),
        })
        .collect();
    assert!(
        asynclab::scenario::validate::validate(&s).is_empty(),
        "valid"
    );
    let mut h = harness(s);
    h.state_mut().app.set_span_s(600.0);
    h.run_steps(2);
    h.state_mut().app.apply(asynclab::app::AppAction::Host(
        asynclab::host::Command::Seek(500.0),
    ));
    for _ in 0..400 {
        h.run_steps(1);
        if h.state().app.host().snapshot().now_s >= 500.0 {
            break;
        }
    }
    h.run_steps(3);
    let snap = h.state().app.host().snapshot().clone();
    assert!(
        snap.first().markers.len() >= 9_000,
        "{} markers",
        snap.first().markers.len()
    );
    let (lines, captions) = asynclab::app::plots::drawn_this_frame(&h.ctx);
    // Every plot together is narrower than the window times the number of
    // plots; 1600 points wide, at most 7 plots.
    assert!(lines > 0, "markers are drawn");
    assert!(lines <= 7 * 1600, "{lines} marker lines in one frame");
    assert!(captions <= 4 * 1600 / 8, "{captions} captions in one frame");
    // The Timeline panel lists the events around now, not all 10,000.
    h.state_mut().app.apply(AppAction::ShowTimeline(true));
    h.run_steps(3);
    h.get_by_label_contains("earlier (jump back in time to list them)");
    let listed = h.query_all_by_label_contains("caption ").count();
    assert!(listed > 0, "the events around now are listed");
    assert!(listed <= 210, "{listed} events listed");
    // The snapshot shares the markers: a frame takes the same list.
    let again = h.state().app.host().snapshot().clone();
    assert!(std::sync::Arc::ptr_eq(
        &snap.first().markers,
        &again.first().markers
    ));
}

/// Edit > Paste scene with a clipboard that holds no text (an image, or
/// bytes that are not UTF-8: the window then sends no paste at all) says
/// so instead of doing nothing.
#[test]
fn a_paste_that_is_not_text_says_so() {
    let mut h = harness(Scenario::default());
    h.run_steps(2);
    h.get_by_label("Edit").click();
    h.run_steps(2);
    h.get_by_label(
        &asynclab::app::commands::UiCommand::Paste
            .menu_text(egui::os::OperatingSystem::from_target_os(), None),
    )
    .click();
    // No paste event arrives.
    h.run_steps(8);
    let error = h.state().app.error().unwrap_or_default().to_string();
    assert!(error.contains("clipboard holds no text"), "{error:?}");
}

/// An entry of Open recent that no longer opens is removed, and the
/// dialog says so.
#[test]
fn a_recent_file_that_fails_to_open_leaves_the_list() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("gone.ron");
    std::fs::write(&path, "(version: 3, title: \"Soon gone\")").expect("write");
    let mut h = harness(Scenario::default());
    h.state_mut().app.open_path(&path);
    for _ in 0..20 {
        h.run_steps(1);
        if !h.state().app.loading() {
            break;
        }
    }
    assert!(h.state().app.prefs().recent.contains(&path), "opened once");
    std::fs::remove_file(&path).expect("remove");
    h.state_mut().app.open_path(&path);
    for _ in 0..20 {
        h.run_steps(1);
        if !h.state().app.loading() {
            break;
        }
    }
    let error = h.state().app.error().unwrap_or_default().to_string();
    assert!(error.contains("Removed from Open recent"), "{error}");
    assert!(!h.state().app.prefs().recent.contains(&path));
}
