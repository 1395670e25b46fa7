//! The app under egui_kittest, as every UI test drives it: the real app
//! on a fake clock that moves 50 ms per frame, so a run's pace is the same
//! on any machine and no test depends on wall time.

use asynclab::app::AsyncLabApp;
use asynclab::host::FakeClock;
use asynclab::scenario::Scenario;
use egui_kittest::Harness;
use std::time::Duration;

/// The app and the clock its host runs on.
pub struct TestApp {
    pub app: AsyncLabApp,
    pub clock: FakeClock,
}

/// Wall time the fake clock moves per frame.
pub const FRAME: Duration = Duration::from_millis(50);

/// The window most tests use, points.
pub const SIZE: [f32; 2] = [1600.0, 1000.0];

/// The app on scene `s` in a 1600×1000 window.
pub fn harness(s: Scenario) -> Harness<'static, TestApp> {
    harness_sized(s, SIZE)
}

/// The app on scene `s` in a window of `size` points.
pub fn harness_sized(s: Scenario, size: [f32; 2]) -> Harness<'static, TestApp> {
    let clock = FakeClock::new();
    let app = AsyncLabApp::new_for_test(s, Box::new(clock.clone()));
    harness_on(app, clock, size)
}

/// A prepared app (on a host of the test's own making) whose host runs on
/// `clock`, in a window of `size` points.
pub fn harness_on(app: AsyncLabApp, clock: FakeClock, size: [f32; 2]) -> Harness<'static, TestApp> {
    Harness::builder().with_size(size).build_ui_state(
        |ui, t: &mut TestApp| {
            t.clock.advance(FRAME);
            t.app.frame(ui);
        },
        TestApp { app, clock },
    )
}

/// A click at `pos` (press, a frame, release, two frames): for spots
/// inside a plot that no widget label names, such as a traced dot.
pub fn click_at(h: &mut Harness<'_, TestApp>, pos: egui::Pos2) {
    h.drag_at(pos);
    h.run_steps(1);
    h.drop_at(pos);
    h.run_steps(2);
}

/// A budget clock that moves a millisecond each time it is read: a tick's
/// budget runs out after a fixed number of looks at it, whatever the
/// machine.
#[derive(Default)]
pub struct Ticking(std::sync::atomic::AtomicU64);

impl asynclab::host::Clock for Ticking {
    fn elapsed(&self) -> Duration {
        Duration::from_millis(self.0.fetch_add(1, std::sync::atomic::Ordering::SeqCst))
    }
}
