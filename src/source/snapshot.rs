//! `snapshot:PATH`: a snapshot as `rolecall items --format snapshot` wrote it, so any
//! later stage can be re-run offline from saved data.

use crate::error::{Error, Location, Result};
use crate::model::{Snapshot, SCHEMA_VERSION};

/// `snapshot:PATH`: a snapshot as `rolecall items --format snapshot` writes it.
pub(crate) struct SnapshotFile;

impl super::Importer for SnapshotFile {
    fn name(&self) -> &'static str {
        "snapshot"
    }

    fn import(
        &self,
        spec: &super::SourceSpec,
        _: &super::SourceCtx,
        _: &crate::config::Config,
    ) -> Result<super::Imported> {
        let snap = read(&spec.target)?;
        // Ids are what items are merged and counted by, as keys are in an export: an item
        // without one, or one twice, would be counted twice or could not be asked for.
        let mut first: std::collections::HashMap<&str, usize> = Default::default();
        for (n, it) in snap.items.iter().enumerate() {
            let at = || Location::file(&spec.target);
            if it.id.trim().is_empty() {
                return Err(Error::input(
                    at(),
                    format!("item {} (key `{}`) has no id", n + 1, it.key),
                ));
            }
            if let Some(m) = first.insert(&it.id, n) {
                return Err(Error::input(
                    at(),
                    format!(
                        "item {} has the id `{}` of item {} before it: an id may appear once",
                        n + 1,
                        it.id,
                        m + 1
                    ),
                ));
            }
        }
        Ok(super::Imported {
            items: snap.items,
            milestones: snap.milestones,
            format: None,
            sources: snap.sources,
            iterations: snap.iterations,
            status_updates: snap.status_updates,
            lacks: Vec::new(),
            categorised: Vec::new(),
            cache_writes: Vec::new(),
        })
    }
}

pub(crate) fn read(path: &str) -> Result<Snapshot> {
    if std::path::Path::new(path).is_dir() {
        return Err(Error::Read {
            path: path.to_string(),
            message: "is a directory; give the path of a snapshot JSON file".into(),
        });
    }
    let bytes = std::fs::read(path).map_err(|e| Error::read(path, &e))?;
    parse(path, &bytes)
}

pub(crate) fn parse(path: &str, bytes: &[u8]) -> Result<Snapshot> {
    parse_as(path, bytes)
}

/// [`parse`], into any shape a snapshot reads as (a [`crate::model::Baseline`], say),
/// with the same checks and messages.
pub(crate) fn parse_as<T: serde::de::DeserializeOwned>(path: &str, bytes: &[u8]) -> Result<T> {
    let at = || Location::file(path);
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(Error::input(at(), "snapshot file is empty"));
    }
    // Check the version before the shape, so a newer file gets the useful message.
    #[derive(serde::Deserialize)]
    struct Version {
        schema_version: Option<u32>,
    }
    let first = bytes.iter().find(|b| !b.is_ascii_whitespace()).copied();
    if first == Some(b'[') {
        return Err(Error::input(
            at(),
            "is a JSON array of items, not a snapshot; write one with `rolecall items --format snapshot`",
        ));
    }
    if first != Some(b'{') {
        return Err(Error::input(
            at(),
            "is not JSON; a snapshot is the JSON that `rolecall items --format snapshot` writes",
        ));
    }
    // rolecall writes the version first; reading it there spares a second parse of the
    // whole file (a third of reading last week's 100k items). Any other file is parsed.
    let version = match leading_version(bytes) {
        Some(v) => Version { schema_version: Some(v) },
        None => serde_json::from_slice(bytes).map_err(|e| json_error(path, bytes, &e))?,
    };
    match version.schema_version {
        Some(SCHEMA_VERSION) => {}
        Some(v) => {
            return Err(Error::input(
                at(),
                format!(
                    "snapshot has schema_version {v}; this rolecall reads version {SCHEMA_VERSION}"
                ),
            ))
        }
        None => return Err(Error::input(at(), "not a rolecall snapshot: no `schema_version`")),
    }
    serde_json::from_slice(bytes).map_err(|e| json_error(path, bytes, &e))
}

/// The `schema_version` of a JSON object whose first key it is (`{"schema_version": 1,
/// …`, whitespace allowed between tokens), or `None` for anything else.
fn leading_version(bytes: &[u8]) -> Option<u32> {
    let mut rest = bytes;
    let mut token = |t: &[u8]| -> bool {
        rest = rest.trim_ascii_start();
        match rest.strip_prefix(t) {
            Some(r) => {
                rest = r;
                true
            }
            None => false,
        }
    };
    if !(token(b"{") && token(b"\"schema_version\"") && token(b":")) {
        return None;
    }
    let rest = rest.trim_ascii_start();
    let digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
    let after = rest[digits..].trim_ascii_start();
    if digits == 0 || digits > 9 || !matches!(after.first(), Some(b',' | b'}')) {
        return None;
    }
    std::str::from_utf8(&rest[..digits]).ok()?.parse().ok()
}

fn json_error(path: &str, bytes: &[u8], e: &serde_json::Error) -> Error {
    let at = Location::file(path).line(e.line() as u64);
    // serde_json appends " at line L column C"; we put the line up front instead.
    let msg = e.to_string();
    let msg = msg.rsplit_once(" at line ").map_or(msg.as_str(), |(m, _)| m).to_string();
    // A value of the wrong form (a date that is none) is named with its field, as the
    // CSV errors name their column: serde_json says only "input is out of range".
    let field = (e.classify() == serde_json::error::Category::Data)
        .then(|| field_before(bytes, e.line(), e.column()))
        .flatten()
        .map(|(key, value)| format!(" `{key}` = {value}:"))
        .unwrap_or_default();
    Error::input(at, format!("invalid snapshot JSON (column {}):{field} {msg}", e.column()))
}

/// The key and the value (as written, cut to 80 characters) that end at `column` of
/// `line` (1-based) of a JSON text: `"created": "2026-02-30T09:00:00Z"`.
fn field_before(bytes: &[u8], line: usize, column: usize) -> Option<(String, String)> {
    let text = std::str::from_utf8(bytes).ok()?;
    let row = text.lines().nth(line.checked_sub(1)?)?;
    let upto = row.get(..column.min(row.len()))?;
    let colon = upto.rfind("\":")?;
    let key_start = upto[..colon].rfind('"')?;
    let key = &upto[key_start + 1..colon];
    let value: String = upto[colon + 2..].trim().trim_end_matches(',').chars().take(80).collect();
    Some((key.to_string(), value))
}

#[cfg(test)]
mod tests {
    use super::leading_version;

    #[test]
    fn the_version_is_read_where_rolecall_writes_it_and_only_there() {
        assert_eq!(leading_version(br#"{"schema_version":1,"items":[]}"#), Some(1));
        assert_eq!(leading_version(b"\n{\n  \"schema_version\" : 12\n}"), Some(12));
        // Anything else is left to the full parse.
        assert_eq!(leading_version(br#"{"items":[],"schema_version":1}"#), None);
        assert_eq!(leading_version(br#"{"schema_version":1.5}"#), None);
        assert_eq!(leading_version(br#"{"schema_version":"1"}"#), None);
        assert_eq!(leading_version(br#"{"schema_version":1"#), None);
        assert_eq!(leading_version(br#"{"schema_version":99999999999}"#), None);
        assert_eq!(leading_version(b""), None);
    }
}
