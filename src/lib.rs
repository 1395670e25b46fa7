//! AsyncLab: a live simulator that shows why going asynchronous rescues a
//! system under load.
//!
//! Module map (data flows top to bottom):
//!
//! ```text
//!  sim/       pure discrete-event core: clock, event heap, RNG streams,
//!             distributions, stations, queueing theory
//! ```
#![warn(missing_docs)]

pub mod sim;
