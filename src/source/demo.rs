//! The demo organisation, compiled into the binary so `--demo` needs no files, token or
//! network: Acme Analytics in week 2026-W48, with last week's snapshot as the baseline.
//! Both snapshots are regenerated from `fixtures/demo/` by a test, so they cannot drift.

use crate::config::Config;
use crate::error::Result;
use crate::model::Snapshot;

/// The demo snapshot (2026-W48) as JSON.
pub(crate) const SNAPSHOT_JSON: &str = include_str!("../../fixtures/demo/snapshot.json");
/// The demo's previous week (2026-W47), milestone dates applied: the baseline for deltas.
pub(crate) const BASELINE_JSON: &str = include_str!("../../fixtures/demo/baseline.json");
/// The demo's configuration: title, teams, milestone dates.
pub(crate) const CONFIG_TOML: &str = include_str!("../../fixtures/demo/rolecall.toml");
/// The instant `--demo` reports are taken at unless `--as-of` says otherwise.
pub(crate) const AS_OF: &str = "2026-11-27";

pub(crate) fn snapshot() -> Result<Snapshot> {
    crate::source::snapshot::parse("(built-in demo)", SNAPSHOT_JSON.as_bytes())
}

pub(crate) fn baseline() -> Result<Snapshot> {
    crate::source::snapshot::parse("(built-in demo baseline)", BASELINE_JSON.as_bytes())
}

/// Adds the demo's settings under the user's: a title, teams and milestone dates the user
/// has not set.
pub(crate) fn merge_config(config: &mut Config) -> Result<()> {
    let demo = Config::from_parts("(built-in demo config)", CONFIG_TOML, &[])?;
    if config.report.title.is_empty() {
        config.report.title = demo.report.title;
    }
    if config.teams.is_empty() {
        config.teams = demo.teams;
    }
    for m in demo.milestones {
        if !config.milestones.iter().any(|c| c.title.eq_ignore_ascii_case(&m.title)) {
            config.milestones.push(m);
        }
    }
    Ok(())
}
