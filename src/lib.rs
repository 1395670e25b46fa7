//! AsyncLab: a live simulator that shows why going asynchronous rescues a
//! system under load.
//!
//! Three crates in one workspace, so the compiler enforces the direction
//! (data flows top to bottom; no crate can name one above it):
//!
//! ```text
//!  asynclab-core       crates/asynclab-core, here as `sim`: the pure
//!     │                discrete-event core: clock, event heap, RNG streams,
//!     │                distributions, stations, the system model, settings
//!     │                and knobs, theory, capacity, metrics, traces, twins;
//!     │                no egui, tokio, scene format or file I/O
//!     ▼
//!  asynclab-scenario   crates/asynclab-scenario, here as `scenario`: the
//!     │                scene file format (RON): types, knob words,
//!     │                validation, version upgrades, file import (safe
//!     │                reads) and atomic writes
//!     ▼
//!  asynclab            this crate: app, host, CLI and what they share
//! ```
//!
//! Module map of this crate (data flows top to bottom):
//!
//! ```text
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
//! Beside them, in this crate, shared by app and CLI and free of egui:
//! `words` (the names of modes, reasons, changes), `glossary` (the
//! engineer's terms in the room's words, for the plain-language setting),
//! `fmt` (numbers, the one clock and the one axis number), `compare` (the
//! difference between twins, in words), `explain` (the bottleneck and its
//! arithmetic), `ticks` (axis steps and spike clipping for the app's and
//! the hand-out's plots), `chart` (the plot catalogue: each plot's title,
//! unit, lines, colours, fold rules and reference line, read by the solo
//! and compare plots, the CSV export and the hand-out), `sweep` (the load
//! curve), `goal` (an exercise's goal checked on a finished run), `export`
//! (PNG, GIF, CSV of plotted series, a scene as clipboard text) and
//! `handout` (the self-contained HTML page of a run). File import is the
//! scene format's (`scenario::Scenario::load` and `from_ron`, for the app
//! and the CLI alike); `export::scene_text` only takes a pasted scene out
//! of its text fences first.
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
/// The pure discrete-event core: the `asynclab-core` crate, under its old
/// module name so `crate::sim::..` paths read as before.
pub use asynclab_core as sim;
/// The scene file format: the `asynclab-scenario` crate, under its old
/// module name so `crate::scenario::..` paths read as before.
pub use asynclab_scenario as scenario;
pub mod sweep;
pub mod ticks;
pub mod words;
