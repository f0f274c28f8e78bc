//! The integration tests, as one test binary: a change to the library is compiled and
//! linked into one executable instead of one per file. Each module is a feature; shared
//! helpers (running the binary, the fake GitHub, golden files, a re-run of this binary as
//! a child process, a small RNG) are in `common`.
//!
//! `cargo test --test it pdf::` runs the tests of one module.

mod common;

mod backfill;
mod ci;
mod classify;
mod cli;
mod corpus;
mod crash;
mod email;
mod github;
mod importers;
mod inputs;
mod jira;
mod l10n;
mod layers;
mod library;
mod pdf;
mod pdf_warning;
mod publish;
mod publish_github;
mod real_samples;
mod report;
mod soak;
mod templates;
mod verdicts;
mod weeks;
