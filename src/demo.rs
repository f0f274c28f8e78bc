//! The demo organisation, compiled into the binary so `--demo` needs no files, token or
//! network. It is regenerated from `fixtures/demo/` by a test, so it cannot drift.

use crate::error::Result;
use crate::model::Snapshot;

/// The demo snapshot as JSON.
pub const SNAPSHOT_JSON: &str = include_str!("../fixtures/demo/snapshot.json");

/// The spec the demo's items carry as their source.
pub const SPEC: &str = "demo";

pub fn snapshot() -> Result<Snapshot> {
    crate::source::snapshot::parse("(built-in demo)", SNAPSHOT_JSON.as_bytes())
}
