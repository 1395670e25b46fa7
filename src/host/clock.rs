//! Where the host reads wall time from: the real clock in the app, a clock
//! moved by hand in tests (so they never wait in real time).

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// Gives elapsed wall time since the host started. Injectable so tests can
/// drive the host without waiting in real time. `Sync`: twins running on a
/// thread each read the same budget clock.
pub trait Clock: Send + Sync + 'static {
    /// Wall time since the clock's origin.
    fn elapsed(&self) -> Duration;
}

/// The real wall clock.
pub struct WallClock(Instant);

impl WallClock {
    /// A clock starting now.
    pub fn new() -> WallClock {
        WallClock(Instant::now())
    }
}

impl Default for WallClock {
    fn default() -> Self {
        WallClock::new()
    }
}

impl Clock for WallClock {
    fn elapsed(&self) -> Duration {
        self.0.elapsed()
    }
}

/// A clock tests move by hand. Clones share the same time.
#[derive(Clone, Default)]
pub struct FakeClock(Arc<AtomicU64>);

impl FakeClock {
    /// A clock at zero.
    pub fn new() -> FakeClock {
        FakeClock::default()
    }
    /// Moves the clock forward.
    pub fn advance(&self, by: Duration) {
        self.0.fetch_add(by.as_nanos() as u64, Ordering::SeqCst);
    }
}

impl Clock for FakeClock {
    fn elapsed(&self) -> Duration {
        Duration::from_nanos(self.0.load(Ordering::SeqCst))
    }
}
