//! AsyncLab's pure discrete-event core: no UI, no async runtime, no file
//! I/O. Time comes in from outside; the same inputs give the same run, bit
//! for bit.
//!
//! Its own crate, so the compiler keeps it pure: it depends on random
//! numbers, histograms, serde derives and `thiserror` only, never on egui,
//! tokio or the scene format. The app crate re-exports it as
//! `asynclab::sim`.
//!
//! ```text
//!  config                             the vocabulary: settings, changes, knobs
//!  time ─ scheduler ─ rng ─ dist      engine: clock, event heap, streams
//!  station ─ lanes ─ traffic          building blocks
//!  system                             the whole simulated system
//!  twins                              k systems of one scene on one clock
//!  metrics                            windows, summary, ledgers
//!  trace ─ capacity                   one request's journey; the bottleneck
//!  mmc ─ theory                       the reference model and its theory
//! ```
#![warn(missing_docs)]

pub mod capacity;
pub mod config;
pub mod dist;
pub mod lanes;
pub mod metrics;
pub mod mmc;
pub mod rng;
pub mod scheduler;
pub mod slab;
pub mod station;
pub mod stats;
pub mod system;
pub mod theory;
pub mod time;
pub mod trace;
pub mod traffic;
pub mod twins;

pub use config::{Change, Settings};
pub use dist::{Dist, Sampler};
pub use metrics::{Ledgers, Quantiles, Reason, Summary, Window};
pub use scheduler::Scheduler;
pub use system::{CAPTION_TIE_S, Gauges, Holdings, Marker, MarkerKind, System};
pub use time::SimTime;
pub use twins::{Target, Twin, TwinError, Twins};
