//! rolecall: weekly product, program and project status reports from tracker data.
//!
//! The pipeline, stage by stage — sources ([`source`]) give an owned [`model::Snapshot`]
//! that can be dumped and re-read; the analysis borrows from it —
//! sources → [`model::Snapshot`] → [`classify`] → [`analyse`] → [`render`],
//! run week by week by [`report`]. [`config`] is `rolecall.toml` as plain data, one
//! section per stage; [`cli`] is the command line.
//!
//! The modules are layered: each uses only those before it in this order — `model`,
//! `config`, `source`, `classify`, `analyse`, `render`, `report`, `publish`, `cli` (a test keeps
//! it so).
//!
//! ```
//! use rolecall::classify::Classifier;
//! use rolecall::config::Config;
//! use rolecall::model::{Concern, Snapshot};
//! use rolecall::source::{self, SourceSpec};
//!
//! let config = Config::from_parts("(example)", "timezone = \"UTC\"", &[])?;
//! let spec = SourceSpec::parse("jira:fixtures/jira/cloud-all-fields.csv")?;
//! let taken_at = chrono::DateTime::parse_from_rfc3339("2026-11-27T17:00:00Z").unwrap().to_utc();
//! let mut snapshot = Snapshot::empty(taken_at);
//! source::load_all(&mut snapshot, &[spec], &config)?;
//! let classes = Classifier::from_config(&config)?.classify(&snapshot);
//! let program = classes.iter().filter(|c| c.concern == Concern::Program).count();
//! println!("{} items, {program} of them program concerns", snapshot.items.len());
//! # Ok::<(), rolecall::Error>(())
//! ```

// Internals are `pub(crate)`; what stays `pub` is the library's API.
#![warn(unreachable_pub)]

/// Asks rolecall to handle SIGTERM, SIGINT and SIGHUP as its command line does: once a
/// run starts writing, a signal removes its temporary files and the output folder's
/// lock, prints one line on stderr and exits the process with 128 + the signal. A
/// program using rolecall as a library keeps its own signal handling unless it calls
/// this (then a killed run's leftovers are removed by the next run).
pub fn handle_signals() {
    interrupt::enable();
}

pub mod analyse;
pub mod classify;
pub mod cli;
pub mod config;
pub(crate) mod dates;
pub mod error;
pub(crate) mod files;
#[cfg(test)]
mod fuzz;
pub(crate) mod interrupt;
pub mod model;
pub(crate) mod par;
pub mod publish;
pub mod render;
pub mod report;
pub mod source;
pub(crate) mod text;
pub(crate) mod usage;

pub use error::{Error, Result};
