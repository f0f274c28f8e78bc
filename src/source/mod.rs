//! Sources: where items come from, each turned into the same [`Item`] model.
//!
//! A source is named by a spec, `FORMAT:TARGET` (`jira:exports/proj.csv`). `csv:PATH`
//! detects the format from the header. Sources are loaded in the order given and merged by
//! item `id`, so the same issue seen in two places is one item.

pub mod asana;
pub mod chunks;
mod columns;
mod common;
mod datecols;
pub mod demo;
pub mod detect;
pub mod github;
pub mod github_projects;
pub mod jira;
pub mod linear;
pub mod mapped;
pub mod snapshot;
mod status;
pub mod table;

use std::collections::HashMap;
use std::path::Path;

use chrono_tz::Tz;

use crate::config::{Config, StatusMap};
use crate::dates::DateOrder;
use crate::error::{Error, Result};
use crate::model::{Item, Milestone, Snapshot, SourceInfo};

/// The formats a spec can name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Jira,
    /// Any CSV: the format is detected from the header.
    Csv,
    Snapshot,
    Github,
    Linear,
    Asana,
    GithubProjects,
}

const FORMATS: &[(&str, Format)] = &[
    ("jira", Format::Jira),
    ("csv", Format::Csv),
    ("snapshot", Format::Snapshot),
    ("github", Format::Github),
    ("linear", Format::Linear),
    ("asana", Format::Asana),
    ("github-projects", Format::GithubProjects),
];

/// A parsed `-s` argument.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceSpec {
    /// As the user wrote it; this is how the source is named in output and errors.
    pub raw: String,
    pub format: Format,
    pub target: String,
}

impl SourceSpec {
    pub fn parse(raw: &str) -> Result<SourceSpec> {
        let names = || FORMATS.iter().map(|(n, _)| format!("{n}:")).collect::<Vec<_>>().join(", ");
        if let Some((prefix, target)) = raw.split_once(':') {
            if let Some((_, format)) = FORMATS.iter().find(|(n, _)| *n == prefix) {
                if target.is_empty() {
                    return Err(Error::Usage(format!(
                        "source `{raw}` names no file or repository"
                    )));
                }
                return Ok(SourceSpec {
                    raw: raw.to_string(),
                    format: *format,
                    target: target.into(),
                });
            }
            // A Windows drive (`C:\…`) is a path, not a format.
            if prefix.len() > 1 {
                let hint = crate::text::nearest(prefix, FORMATS.iter().map(|(n, _)| *n))
                    .map(|n| format!(" (did you mean `{n}:`?)"))
                    .unwrap_or_default();
                return Err(Error::Usage(format!(
                    "unknown source kind `{prefix}:` in `{raw}`{hint}; expected one of {}",
                    names()
                )));
            }
        }
        // A bare path: a snapshot when it is JSON, else a CSV to detect.
        let format = if raw.to_ascii_lowercase().ends_with(".json") {
            Format::Snapshot
        } else {
            Format::Csv
        };
        Ok(SourceSpec { raw: raw.to_string(), format, target: raw.to_string() })
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
}

/// Loads every source in order and merges it into `snapshot`.
pub fn load_all(snapshot: &mut Snapshot, specs: &[SourceSpec], config: &Config) -> Result<()> {
    for spec in specs {
        let (infos, imported) = load_one(spec, config)?;
        tracing::info!(
            "{}: {} items, {} milestones ({})",
            spec.raw,
            imported.items.len(),
            imported.milestones.len(),
            infos.iter().map(|i| i.format.as_str()).collect::<Vec<_>>().join(", ")
        );
        add(snapshot, infos, imported.items, imported.milestones);
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
        if spec.format != Format::Csv && (own.has_mapping() || own.format.is_some()) {
            return Err(Error::Config {
                at: config.origin.clone(),
                message: format!(
                    "source `{}`: `format` and column mappings apply only to `csv:` sources",
                    spec.raw
                ),
            });
        }
    }
    let (format, imported) = match spec.format {
        Format::Snapshot => {
            // A saved snapshot keeps the freshness of the sources it was taken from.
            let snap = snapshot::read(&spec.target)?;
            if !snap.sources.is_empty() {
                return Ok((
                    snap.sources,
                    Imported { items: snap.items, milestones: snap.milestones },
                ));
            }
            ("snapshot", Imported { items: snap.items, milestones: snap.milestones })
        }
        Format::Jira => ("jira", jira::import_file(&spec.target, Path::new(&spec.target), &ctx)?),
        Format::Csv => {
            let own = config.source(&spec.raw);
            let path = Path::new(&spec.target);
            if let Some(mapping) = own.filter(|s| s.has_mapping()) {
                let table = table::Table::read(&spec.target, path)?;
                tracing::info!(
                    "{}: read with the column mapping from {}",
                    spec.target,
                    config.origin
                );
                ("csv", mapped::import(&table, &ctx, mapping)?)
            } else {
                let format = match own.and_then(|s| s.format.as_deref()) {
                    Some(name) => {
                        Some(detect::Detected::from_name(name).ok_or_else(|| Error::Config {
                            at: config.origin.clone(),
                            message: format!(
                                "source `{}`: unknown format `{name}` (expected one of {})",
                                spec.raw,
                                detect::ORDER
                                    .iter()
                                    .map(|d| format!("`{}`", d.name()))
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            ),
                        })?)
                    }
                    None => None,
                };
                // A large export is read in chunks; its header is enough to detect it.
                let export = chunks::read(&spec.target, path)?;
                let format = match (format, &export) {
                    (Some(f), _) => f,
                    (None, chunks::Export::Whole(t)) => detect::detect(t)?,
                    (None, chunks::Export::Chunked(c)) => {
                        detect::detect_headers(&c.path, &c.headers)?
                    }
                };
                let article = if format.name().starts_with('a') { "an" } else { "a" };
                tracing::info!("{}: detected {article} {} export", spec.target, format.name());
                let imported = match export {
                    chunks::Export::Whole(t) => import_as(format, &t, &ctx)?,
                    chunks::Export::Chunked(c) if format == detect::Detected::Jira => {
                        jira::import_chunks(c, &ctx)?
                    }
                    // Only Jira's importer reads chunks; the others read the table.
                    chunks::Export::Chunked(_) => {
                        import_as(format, &table::Table::read(&spec.target, path)?, &ctx)?
                    }
                };
                (format.name(), imported)
            }
        }
        Format::Linear => {
            let table = table::Table::read(&spec.target, Path::new(&spec.target))?;
            ("linear", linear::import(&table, &ctx)?)
        }
        Format::Asana => {
            let table = table::Table::read(&spec.target, Path::new(&spec.target))?;
            ("asana", asana::import(&table, &ctx)?)
        }
        Format::GithubProjects => {
            let table = table::Table::read(&spec.target, Path::new(&spec.target))?;
            ("github-projects", github_projects::import(&table, &ctx)?)
        }
        Format::Github => ("github", github::import(spec, &ctx, config)?),
    };
    let info = SourceInfo {
        spec: spec.raw.clone(),
        format: format.to_string(),
        data_as_of: imported.items.iter().filter_map(|i| i.updated.or(i.created)).max(),
        items: imported.items.len(),
        milestones: imported.milestones.len(),
    };
    Ok((vec![info], imported))
}

/// Imports a table whose format is known.
fn import_as(format: detect::Detected, table: &table::Table, ctx: &SourceCtx) -> Result<Imported> {
    match format {
        detect::Detected::Jira => jira::import(table, ctx),
        detect::Detected::Linear => linear::import(table, ctx),
        detect::Detected::Asana => asana::import(table, ctx),
        detect::Detected::GithubProjects => github_projects::import(table, ctx),
    }
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
