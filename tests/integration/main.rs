//! All integration tests in one binary (one link, one run).

mod app;
mod cli;
mod engine;
mod host;
mod model;
mod scenario_files;
mod scenes;
