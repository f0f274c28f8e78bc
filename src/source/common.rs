//! Helpers the CSV importers other than Jira's share: checking required columns, keys,
//! numbers, and keeping unmapped columns in `Item::fields`.

use std::collections::HashMap;
use std::sync::Arc;

use super::columns::Columns;
use super::table::{Row, Table};
use crate::error::{Error, Location, Result};
use crate::model::Fields;
use crate::text::quote;

/// `` `A`, `B` `` for messages.
pub(super) fn listed(names: &[&str]) -> String {
    names.iter().map(|c| format!("`{c}`")).collect::<Vec<_>>().join(", ")
}

/// Fails unless every column in `required` is in the header: "not a Linear export: missing
/// column `ID` (found: …)".
pub(super) fn require(
    table: &Table,
    cols: &Columns,
    format: &str,
    required: &[&str],
) -> Result<()> {
    let missing: Vec<&str> = required.iter().copied().filter(|c| !cols.has(c)).collect();
    if missing.is_empty() {
        return Ok(());
    }
    Err(Error::input(
        Location::file(&table.path),
        format!(
            "not {format} export: missing column{} {} (found: {})",
            if missing.len() == 1 { "" } else { "s" },
            listed(&missing),
            super::header_summary(&table.headers)
        ),
    ))
}

/// Where in the file a row's column is.
pub(super) fn at(table: &Table, row: &Row, col: usize) -> Location {
    let name = table.headers.get(col).map_or("", String::as_str);
    Location::file(&table.path).line(row.line).column(name)
}

/// `PROJ-123` / `ENG-5`: a team or project key (a letter, then letters, digits or `_`), a
/// dash, a number.
pub(super) fn looks_like_key(key: &str) -> bool {
    let Some((project, number)) = key.rsplit_once('-') else { return false };
    project.starts_with(|c: char| c.is_ascii_alphabetic())
        && project.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
        && !number.is_empty()
        && number.bytes().all(|b| b.is_ascii_digit())
}

/// Remembers the line of every key, to refuse duplicates within one file.
#[derive(Default)]
pub(super) struct Seen(HashMap<String, u64>);

impl Seen {
    pub(super) fn check(&mut self, table: &Table, row: &Row, col: usize, key: &str) -> Result<()> {
        match self.0.insert(key.to_string(), row.line) {
            Some(first) => Err(Error::input(
                at(table, row, col),
                format!("duplicate key {key} (first on line {first})"),
            )),
            None => Ok(()),
        }
    }
}

/// A finite number (`3`, `2.5`, `2,5`: a comma is a decimal separator in European
/// exports). `NaN` and `inf` parse as floats but are no count of anything.
pub(super) fn parse_number(v: &str) -> Option<f64> {
    let n = if v.contains(',') { v.replace(',', ".").parse() } else { v.parse::<f64>() };
    n.ok().filter(|n| n.is_finite())
}

/// A finite number (see [`parse_number`]), or an error naming the value.
pub(super) fn number(
    table: &Table,
    row: &Row,
    col: Option<usize>,
    value: Option<&str>,
    what: &str,
) -> Result<Option<f64>> {
    let (Some(col), Some(v)) = (col, value) else { return Ok(None) };
    parse_number(v).map(Some).ok_or_else(|| {
        Error::input(at(table, row, col), format!("{what} {} is not a number", quote(v)))
    })
}

/// The columns an importer does not map, with their headers shared by every item.
pub(super) struct Rest(Vec<(usize, Arc<str>)>);

impl Rest {
    pub(super) fn new(table: &Table, columns: &[usize]) -> Self {
        Rest::from_headers(&table.headers, columns)
    }

    pub(super) fn from_headers(headers: &[String], columns: &[usize]) -> Self {
        Rest(columns.iter().map(|&i| (i, Arc::from(headers[i].as_str()))).collect())
    }

    /// Every non-blank value of these columns under its header (repeated headers become
    /// lists), each value passed through `clean`.
    pub(super) fn fields(&self, row: &Row, clean: impl Fn(&str) -> &str) -> Fields {
        let filled = self.0.iter().filter(|(i, _)| !clean(row.get(*i).trim()).is_empty()).count();
        let mut fields = Fields::with_capacity(filled);
        for (i, name) in &self.0 {
            let v = clean(row.get(*i).trim());
            if !v.is_empty() {
                fields.push(name, v.to_string());
            }
        }
        fields
    }
}

/// Splits a list cell on `sep`, trimming and dropping empty parts.
pub(super) fn split<'a>(value: Option<&'a str>, sep: &str) -> Vec<&'a str> {
    match value {
        None => Vec::new(),
        Some(v) => v.split(sep).map(str::trim).filter(|s| !s.is_empty()).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_and_lists() {
        assert!(looks_like_key("ENG-12"));
        assert!(!looks_like_key("ENG12"));
        assert!(!looks_like_key("-12"));
        assert_eq!(split(Some("a, b,, c "), ","), vec!["a", "b", "c"]);
        assert!(split(None, ",").is_empty());
    }
}
