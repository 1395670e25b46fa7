//! All integration tests in one binary (one link, one run).

mod app;
mod cli;
mod engine;
mod explain;
mod files;
mod fuzz;
mod hardening;
mod host;
mod layout;
mod model;
mod scenario_files;
mod scenes;
mod twins;
mod workshop;
mod workshop_app;
