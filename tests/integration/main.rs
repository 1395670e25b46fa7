//! All integration tests in one binary (one link, one run).

mod cli;
mod engine;
mod model;
mod scenes;
mod scenario_files;
