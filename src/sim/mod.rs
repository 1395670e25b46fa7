//! The pure discrete-event core: no UI, no async runtime, no file I/O.
//! Time comes in from outside; the same inputs give the same run, bit for bit.

pub mod dist;
pub mod mmc;
pub mod rng;
pub mod scheduler;
pub mod station;
pub mod stats;
pub mod theory;
pub mod time;

pub use dist::{Dist, Sampler};
pub use scheduler::Scheduler;
pub use time::SimTime;
