//! `snapshot:PATH`: a snapshot as `rolecall items --format snapshot` wrote it, so any
//! later stage can be re-run offline from saved data.

use crate::error::{Error, Location, Result};
use crate::model::{Snapshot, SCHEMA_VERSION};

pub fn read(path: &str) -> Result<Snapshot> {
    if std::path::Path::new(path).is_dir() {
        return Err(Error::Read {
            path: path.to_string(),
            message: "is a directory; give the path of a snapshot JSON file".into(),
        });
    }
    let bytes = std::fs::read(path).map_err(|e| Error::read(path, &e))?;
    parse(path, &bytes)
}

pub fn parse(path: &str, bytes: &[u8]) -> Result<Snapshot> {
    parse_as(path, bytes)
}

/// [`parse`], into any shape a snapshot reads as (a [`crate::model::Baseline`], say),
/// with the same checks and messages.
pub fn parse_as<T: serde::de::DeserializeOwned>(path: &str, bytes: &[u8]) -> Result<T> {
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
    let version: Version = serde_json::from_slice(bytes).map_err(|e| json_error(path, &e))?;
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
    serde_json::from_slice(bytes).map_err(|e| json_error(path, &e))
}

fn json_error(path: &str, e: &serde_json::Error) -> Error {
    let at = Location::file(path).line(e.line() as u64);
    // serde_json appends " at line L column C"; we put the line up front instead.
    let msg = e.to_string();
    let msg = msg.rsplit_once(" at line ").map_or(msg.as_str(), |(m, _)| m).to_string();
    Error::input(at, format!("invalid snapshot JSON (column {}): {msg}", e.column()))
}
