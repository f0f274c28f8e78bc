//! rolecall: weekly product, program and project status reports from tracker data.
//!
//! The pipeline, stage by stage, each an owned `serde` type that can be dumped and re-read:
//! sources ([`source`]) → [`model::Snapshot`] → [`classify`] → [`analyse`] → [`render`],
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
