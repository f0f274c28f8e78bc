//! Sources: where items come from, each turned into the same [`Item`] model.
//!
//! A source is named by a spec, `FORMAT:TARGET` (`jira:exports/proj.csv`). `csv:PATH`
//! detects the format from the header. Sources are loaded in the order given and merged by
//! item `id`, so the same issue seen in two places is one item.

pub(crate) mod asana;
pub(crate) mod chunks;
mod columns;
mod common;
mod csv;
mod datecols;
pub(crate) mod demo;
pub(crate) mod detect;
pub mod github;
pub(crate) mod github_projects;
pub mod jira;
mod jira_l10n;
pub(crate) mod linear;
pub(crate) mod mapped;
pub(crate) mod snapshot;
pub(crate) mod status;
pub mod table;

use std::collections::HashMap;
use std::path::Path;

use chrono_tz::Tz;

use crate::config::{Config, StatusMap};
use crate::dates::DateOrder;
use crate::error::{Error, Result};
use crate::model::{Item, Milestone, Snapshot, SourceInfo};

/// One kind of source rolecall reads. Each is named by the prefix of a spec
/// (`jira:PATH`), which is also the format a snapshot records for it.
pub trait Importer: Sync {
    /// The spec prefix: `jira`, `csv`, `github`…
    fn name(&self) -> &'static str;

    /// Reads what `spec.target` names: a file, or repositories for `github:`.
    fn import(&self, spec: &SourceSpec, ctx: &SourceCtx, config: &Config) -> Result<Imported>;
}

/// Every importer, in the order error messages list them.
pub static IMPORTERS: [&dyn Importer; 8] = [
    &jira::Jira,
    &csv::Csv,
    &snapshot::SnapshotFile,
    &github::Github,
    &github::project::Project,
    &TableExport { name: "linear", import: linear::import },
    &TableExport { name: "asana", import: asana::import },
    &TableExport { name: "github-projects", import: github_projects::import },
];

/// An export read whole, as a table.
struct TableExport {
    name: &'static str,
    import: fn(&table::Table, &SourceCtx) -> Result<Imported>,
}

impl Importer for TableExport {
    fn name(&self) -> &'static str {
        self.name
    }

    fn import(&self, spec: &SourceSpec, ctx: &SourceCtx, _: &Config) -> Result<Imported> {
        (self.import)(&table::Table::read(&spec.target, Path::new(&spec.target))?, ctx)
    }
}

/// The importer a table of a detected format goes to: the CSV/TSV exports.
fn table_importer(format: detect::Detected) -> fn(&table::Table, &SourceCtx) -> Result<Imported> {
    match format {
        detect::Detected::Jira => jira::import,
        detect::Detected::Linear => linear::import,
        detect::Detected::Asana => asana::import,
        detect::Detected::GithubProjects => github_projects::import,
    }
}

/// A parsed `-s` argument.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceSpec {
    /// As the user wrote it; this is how the source is named in output and errors.
    pub raw: String,
    /// The [`Importer`] that reads it, by name.
    pub kind: &'static str,
    pub target: String,
}

impl SourceSpec {
    pub fn parse(raw: &str) -> Result<SourceSpec> {
        let names =
            || IMPORTERS.iter().map(|i| format!("{}:", i.name())).collect::<Vec<_>>().join(", ");
        if let Some((prefix, target)) = raw.split_once(':') {
            if let Some(importer) = IMPORTERS.iter().find(|i| i.name() == prefix) {
                if target.is_empty() {
                    return Err(Error::Usage(format!(
                        "source `{raw}` names no file or repository"
                    )));
                }
                return Ok(SourceSpec {
                    raw: raw.to_string(),
                    kind: importer.name(),
                    target: target.into(),
                });
            }
            // A Windows drive (`C:\…`) is a path, not a format.
            if prefix.len() > 1 {
                let hint = crate::text::nearest(prefix, IMPORTERS.iter().map(|i| i.name()))
                    .map(|n| format!(" (did you mean `{n}:`?)"))
                    .unwrap_or_default();
                return Err(Error::Usage(format!(
                    "unknown source kind `{prefix}:` in `{raw}`{hint}; expected one of {}",
                    names()
                )));
            }
        }
        // A bare path: a snapshot when it is JSON, else a CSV to detect.
        let kind = if raw.to_ascii_lowercase().ends_with(".json") { "snapshot" } else { "csv" };
        Ok(SourceSpec { raw: raw.to_string(), kind, target: raw.to_string() })
    }

    /// The importer that reads it.
    pub fn importer(&self) -> &'static dyn Importer {
        *IMPORTERS.iter().find(|i| i.name() == self.kind).unwrap_or(&IMPORTERS[1])
    }
}

/// Everything an importer needs to know besides the file itself.
#[derive(Debug, Clone)]
pub struct SourceCtx {
    pub spec: String,
    /// `spec`, shared by every item of the source as its `Item::source`.
    pub source: std::sync::Arc<str>,
    pub tz: Tz,
    pub date_order: Option<DateOrder>,
    pub source_map: StatusMap,
    pub global_map: StatusMap,
    pub base_url: Option<String>,
    /// `[jira] url`: the site Jira items link to when the source gives no `base-url`.
    pub jira_url: Option<String>,
}

impl SourceCtx {
    pub fn new(spec: &SourceSpec, config: &Config) -> Self {
        let own = config.source(&spec.raw);
        SourceCtx {
            spec: spec.raw.clone(),
            source: spec.raw.as_str().into(),
            tz: own.and_then(|s| s.timezone).unwrap_or(config.timezone).0,
            date_order: own.and_then(|s| s.date_order).or(config.date_order),
            source_map: own.map(|s| s.status_map.clone()).unwrap_or_default(),
            global_map: config.status_map.clone(),
            base_url: own.and_then(|s| s.base_url.clone()),
            jira_url: config.jira.url.clone(),
        }
    }

    pub fn status_maps(&self) -> [&StatusMap; 2] {
        [&self.source_map, &self.global_map]
    }
}

/// What one importer produced.
#[derive(Debug, Default)]
pub struct Imported {
    pub items: Vec<Item>,
    pub milestones: Vec<Milestone>,
    /// The format read when it is not the importer's name (`csv:` detects one).
    pub format: Option<&'static str>,
    /// The sources a saved snapshot was taken from, which it stands for.
    pub sources: Vec<SourceInfo>,
    /// Sprints with dates (Linear's cycles).
    pub iterations: Vec<crate::model::Iteration>,
    /// Teams' own status updates (GitHub Projects).
    pub status_updates: Vec<crate::model::StatusUpdate>,
    /// Fields the export has no column for (see [`crate::model::Lack`]).
    pub lacks: Vec<crate::model::Lack>,
    /// Status names the built-in table does not know whose meaning the export itself
    /// gave (Jira's `Status Category`), in name order.
    pub categorised: Vec<crate::model::Str>,
    /// Cache files to write once every source has loaded ([`load_all`] does).
    pub cache_writes: Vec<github::CacheWrites>,
}

/// Loads every source in order and merges it into `snapshot`. Caches are written only
/// when all of them loaded: a failed run leaves them as they were.
pub fn load_all(snapshot: &mut Snapshot, specs: &[SourceSpec], config: &Config) -> Result<()> {
    let mut cache_writes = Vec::new();
    for spec in specs {
        let (infos, mut imported) = load_one(spec, config)?;
        cache_writes.append(&mut imported.cache_writes);
        tracing::info!(
            "{}: {} item{}, {} milestone{} ({})",
            spec.raw,
            imported.items.len(),
            if imported.items.len() == 1 { "" } else { "s" },
            imported.milestones.len(),
            if imported.milestones.len() == 1 { "" } else { "s" },
            infos.iter().map(|i| i.format.as_str()).collect::<Vec<_>>().join(", ")
        );
        for it in imported.iterations {
            if !snapshot.iterations.iter().any(|x| x.title == it.title) {
                snapshot.iterations.push(it);
            }
        }
        snapshot.status_updates.extend(imported.status_updates);
        let mut items = imported.items;
        // An item that names itself as its parent (a slip in a tracker, or an export's
        // epic linked to itself) would count among its own children.
        let mut own = 0;
        for it in &mut items {
            if it.parent.as_deref() == Some(it.id.as_str()) {
                it.parent = None;
                own += 1;
            }
        }
        if own > 0 {
            tracing::warn!(
                "{}: {own} item{} named as {} own parent; read as having none",
                spec.raw,
                if own == 1 { "" } else { "s" },
                if own == 1 { "its" } else { "their" }
            );
        }
        add(snapshot, infos, items, imported.milestones);
    }
    for writes in cache_writes {
        writes.save();
    }
    Ok(())
}

/// Adds sources' data to a snapshot, merging items and milestones by id.
pub fn add(
    snapshot: &mut Snapshot,
    sources: Vec<SourceInfo>,
    items: Vec<Item>,
    milestones: Vec<Milestone>,
) {
    if snapshot.items.is_empty() {
        // The first source: nothing to merge with (each importer refuses duplicate keys).
        snapshot.items = items;
        snapshot.milestones.extend(milestones);
        snapshot.sources.extend(sources);
        return;
    }
    let mut index: HashMap<crate::model::Str, usize> =
        snapshot.items.iter().enumerate().map(|(i, it)| (it.id.clone(), i)).collect();
    for item in items {
        match index.get(&item.id) {
            Some(&i) => snapshot.items[i].merge_from(item),
            None => {
                index.insert(item.id.clone(), snapshot.items.len());
                snapshot.items.push(item);
            }
        }
    }
    for m in milestones {
        if !snapshot.milestones.iter().any(|x| x.id == m.id) {
            snapshot.milestones.push(m);
        }
    }
    snapshot.sources.extend(sources);
}

fn load_one(spec: &SourceSpec, config: &Config) -> Result<(Vec<SourceInfo>, Imported)> {
    let ctx = SourceCtx::new(spec, config);
    if let Some(own) = config.source(&spec.raw) {
        if spec.kind != "csv" && (own.has_mapping() || own.format.is_some()) {
            return Err(Error::Config {
                at: config.origin.clone(),
                message: format!(
                    "source `{}`: `format` and column mappings apply only to `csv:` sources",
                    spec.raw
                ),
            });
        }
    }
    let importer = spec.importer();
    let mut imported = importer.import(spec, &ctx, config)?;
    if !imported.sources.is_empty() {
        // A saved snapshot keeps the freshness of the sources it was taken from.
        return Ok((std::mem::take(&mut imported.sources), imported));
    }
    let info = SourceInfo {
        spec: spec.raw.clone(),
        format: imported.format.unwrap_or(importer.name()).to_string(),
        // The newest date the export holds: an export without `Updated` still says when
        // its items were last resolved or started.
        data_as_of: (imported.items.iter())
            .filter_map(|i| [i.updated, i.created, i.closed, i.started].into_iter().flatten().max())
            .max(),
        items: imported.items.len(),
        milestones: imported.milestones.len(),
        lacks: std::mem::take(&mut imported.lacks),
        categorised: std::mem::take(&mut imported.categorised),
    };
    Ok((vec![info], imported))
}

/// The first few distinct headers, for error messages.
pub(crate) fn header_summary(headers: &[String]) -> String {
    let mut seen = Vec::new();
    for h in headers {
        if !seen.contains(&h) {
            seen.push(h);
        }
    }
    let shown: Vec<String> =
        seen.iter().take(8).map(|h| format!("`{}`", crate::text::truncate(h, 40))).collect();
    if seen.len() > 8 {
        format!("{} and {} more", shown.join(", "), seen.len() - 8)
    } else {
        shown.join(", ")
    }
}
