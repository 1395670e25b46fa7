//! All integration tests in one binary (one link, one run).

mod cli;
mod engine;
mod model;
mod scenario_files;
mod scenes;
