//! rolecall: weekly product, program and project status reports from tracker data.
//!
//! The pipeline, stage by stage, each an owned `serde` type that can be dumped and re-read:
//! sources ([`source`]) → [`model::Snapshot`] → classify → analyse → render.

pub mod analyse;
pub mod classify;
pub mod cli;
pub mod config;
pub mod dates;
pub mod error;
pub mod model;
pub mod par;
pub mod render;
pub mod report;
pub mod source;
pub mod text;
pub mod usage;

pub use error::{Error, Result};
