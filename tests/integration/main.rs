//! All integration tests in one binary (one link, one run).

mod app;
mod engine;
