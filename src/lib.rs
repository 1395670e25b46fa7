//! AsyncLab: a live simulator that shows why going asynchronous rescues a
//! system under load.
//!
//! Module map (data flows top to bottom):
//!
//! ```text
//!  scenario/  the scene file format (RON): types, knobs, validation, I/O
//!     │  Scenario
//!     ▼
//!  sim/       pure discrete-event core: clock, event heap, RNG streams,
//!     │       distributions, stations, the system model, metrics
//!     ▼  System (run_until / apply / windows / ledgers)
//!  sweep      the load curve: a grid of headless runs on all cores
//!  cli        headless runs: summary, JSON, CSV, sweeps
//!  host       live host: paces a System on a background thread
//!  app/       the eframe/egui UI (draws and sends commands only)
//!
//!  words, fmt, explain   words and numbers shared by app and CLI
//! ```
#![warn(missing_docs)]

pub mod app;
pub mod cli;
pub mod explain;
pub mod fmt;
pub mod host;
pub mod scenario;
pub mod sim;
pub mod sweep;
pub mod words;
