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
//!  cli        headless runs: summary, JSON, CSV, --check, hand-outs, sweeps
//!  host       live host: paces a System on a background thread
//!  app/       the eframe/egui UI (draws and sends commands only)
//!
//!  words, fmt, explain, ticks   words, numbers and axis steps shared by
//!                               app and CLI
//!  chart                        the plot catalogue (egui-free): what each
//!                               plot draws, for app, CSV and hand-out
//! ```
//!
//! Beside them, shared by app and CLI and free of egui: `words` (the names
//! of modes, reasons, changes), `glossary` (the engineer's terms in the
//! room's words, for the plain-language setting), `fmt` (numbers), `compare` (the difference
//! between twins, in words), `explain` (the bottleneck and its arithmetic),
//! `ticks` (axis steps and spike clipping for the app's and the hand-out's
//! plots), `chart` (the plot catalogue: each plot's title, unit, lines,
//! colours, fold rules and reference line, read by the solo and compare
//! plots, the CSV export and the hand-out),
//! `goal` (an exercise's goal checked on a finished run), `export` (PNG,
//! GIF, CSV of plotted series, a scene as clipboard text) and `handout`
//! (the self-contained HTML page of a run).
#![warn(missing_docs)]

pub mod app;
pub mod chart;
pub mod cli;
pub mod compare;
pub mod explain;
pub mod export;
pub mod fmt;
pub mod glossary;
pub mod goal;
pub mod handout;
pub mod host;
pub mod scenario;
/// The pure discrete-event core: the `asynclab-core` crate, under its old
/// module name so `crate::sim::..` paths read as before.
pub use asynclab_core as sim;
pub mod sweep;
pub mod ticks;
pub mod words;
