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
///
/// Spreadsheets also group thousands where it cannot be mistaken: `1,234,567` and
/// `1.234.567` (the mark twice), and with both marks the last one is the decimal mark
/// (`1,500.5`, `1.500,5`). A lone mark is always the decimal one: `1,500` is one and a
/// half, as `1.500` is — a German sheet's `2,250` points are two and a quarter, and a
/// value cannot tell which it is alone (a column of `1,5` and `2,250` would read one
/// way and then the other).
pub(super) fn parse_number(v: &str) -> Option<f64> {
    let v = v.trim();
    let (sign, digits) = match v.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", v.strip_prefix('+').unwrap_or(v)),
    };
    let plain = match (digits.rfind(','), digits.rfind('.')) {
        (Some(comma), Some(dot)) if comma > dot => ungroup(digits, '.', Some(comma))?,
        (Some(_), Some(dot)) => ungroup(digits, ',', Some(dot))?,
        (Some(_), None) if digits.matches(',').count() > 1 => ungroup(digits, ',', None)?,
        (Some(_), None) => digits.replace(',', "."),
        (None, Some(_)) if digits.matches('.').count() > 1 => ungroup(digits, '.', None)?,
        _ => digits.to_string(),
    };
    format!("{sign}{plain}").parse::<f64>().ok().filter(|n| n.is_finite())
}

/// `digits` without its thousands separator `sep`, the decimal mark at byte `decimal` (if
/// any) written as `.`; `None` when the groups are not one to three digits then threes
/// (`1,50,0` is no number a spreadsheet writes).
fn ungroup(digits: &str, sep: char, decimal: Option<usize>) -> Option<String> {
    let (int, frac) = match decimal {
        Some(at) => (&digits[..at], Some(&digits[at + 1..])),
        None => (digits, None),
    };
    let mut out = String::with_capacity(digits.len());
    for (n, group) in int.split(sep).enumerate() {
        let ok_len = if n == 0 { (1..=3).contains(&group.len()) } else { group.len() == 3 };
        if !ok_len || !group.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        out.push_str(group);
    }
    if let Some(frac) = frac {
        if frac.is_empty() || !frac.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        out.push('.');
        out.push_str(frac);
    }
    Some(out)
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

    /// What a spreadsheet user typed is what is counted: `1,500,000` is a million and a
    /// half; a lone mark is the decimal one (`2,250` of a German sheet is 2.25).
    #[test]
    fn numbers_with_thousands_and_decimal_marks() {
        for (text, n) in [
            ("3", 3.0),
            ("2.5", 2.5),
            ("2,5", 2.5),
            ("1,5", 1.5),
            ("2,25", 2.25),
            ("0,500", 0.5),
            ("1.500", 1.5),
            ("1,500", 1.5),
            ("2,250", 2.25),
            ("-1,500", -1.5),
            ("1,234,567", 1_234_567.0),
            ("1.234.567", 1_234_567.0),
            ("1,500.5", 1500.5),
            ("1.500,5", 1500.5),
            ("1,234,567.25", 1_234_567.25),
            ("1.234.567,25", 1_234_567.25),
            ("1,5e3", 1500.0),
            (" 8 ", 8.0),
        ] {
            assert_eq!(parse_number(text), Some(n), "{text}");
        }
        for text in ["1,50,000", "1,5,0", "1.5,0.0", "12,34.5", "1,500.", "NaN", "inf", "M", ""] {
            assert_eq!(parse_number(text), None, "{text}");
        }
    }
}
