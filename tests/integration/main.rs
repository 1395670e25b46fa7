//! All integration tests in one binary (one link, one run).

mod app;
mod cli;
mod compare_app;
mod cues;
mod engine;
mod explain;
mod files;
mod fuzz;
mod hardening;
mod host;
mod kit;
mod layout;
mod limits_app;
mod model;
mod money_scenes;
mod nothing_lost;
mod presenter;
mod scenario_files;
mod scenes;
mod story;
mod story_app;
mod texts_on_save;
mod twins;
mod validate_first;
mod workshop;
mod workshop_app;
