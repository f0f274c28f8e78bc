//! `csv:PATH`: any CSV or TSV export. With a column mapping in the config it is read
//! through that; otherwise its format is detected from the header (or named by the
//! config's `format`), and a large Jira export is read in chunks.

use std::path::Path;

use super::{chunks, detect, mapped, table, Imported, Importer, SourceCtx, SourceSpec};
use crate::config::Config;
use crate::error::{Error, Result};

pub(super) struct Csv;

impl Importer for Csv {
    fn name(&self) -> &'static str {
        "csv"
    }

    fn import(&self, spec: &SourceSpec, ctx: &SourceCtx, config: &Config) -> Result<Imported> {
        let own = config.source(&spec.raw);
        let path = Path::new(&spec.target);
        if let Some(mapping) = own.filter(|s| s.has_mapping()) {
            let table = table::Table::read(&spec.target, path)?;
            tracing::info!("{}: read with the column mapping from {}", spec.target, config.origin);
            let at_key = |key: &str| config.at_source_spec(&spec.raw, key);
            return mapped::import(&table, ctx, mapping, &at_key);
        }
        let format = match own.and_then(|s| s.format.as_deref()) {
            Some(name) => Some(detect::Detected::from_name(name).ok_or_else(|| Error::Config {
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
            })?),
            None => None,
        };
        // A large export is read in chunks; its header is enough to detect it.
        let export = chunks::read(&spec.target, path)?;
        let format = match (format, &export) {
            (Some(f), _) => f,
            (None, chunks::Export::Whole(t)) => detect::detect(t)?,
            (None, chunks::Export::Chunked(c)) => detect::detect_headers(&c.path, &c.headers)?,
        };
        let article = if format.name().starts_with('a') { "an" } else { "a" };
        tracing::info!("{}: detected {article} {} export", spec.target, format.name());
        let mut imported = match export {
            chunks::Export::Whole(t) => super::table_importer(format)(&t, ctx)?,
            chunks::Export::Chunked(c) if format == detect::Detected::Jira => {
                super::jira::import_chunks(c, ctx)?
            }
            // Only Jira's importer reads chunks; the others read the table.
            chunks::Export::Chunked(_) => {
                super::table_importer(format)(&table::Table::read(&spec.target, path)?, ctx)?
            }
        };
        imported.format = Some(format.name());
        Ok(imported)
    }
}
