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
//!  cli        headless runs: summary, JSON, CSV
//!  host       live host: paces a System on a background thread
//!  app/       the eframe/egui UI (draws and sends commands only)
//! ```
//!
//! Beside them, shared by the app and the command line: `words` (the names
//! of modes, reasons, changes), `fmt` (numbers) and `compare` (the
//! difference between twins, in words).
#![warn(missing_docs)]

pub mod app;
pub mod cli;
pub mod compare;
pub mod fmt;
pub mod host;
pub mod scenario;
pub mod sim;
pub mod words;
