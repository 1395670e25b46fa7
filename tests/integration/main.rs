//! All integration tests in one binary (one link, one run).

mod engine;
mod cli;
