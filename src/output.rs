//! Data printed to stdout by the inspection commands (`items`, …).

use serde::Serialize;

use crate::error::{Error, Result};
use crate::model::Item;
use crate::text::truncate;

/// Pretty JSON with a trailing newline.
pub fn to_json<T: Serialize + ?Sized>(value: &T) -> Result<String> {
    let mut s = serde_json::to_string_pretty(value)
        .map_err(|e| Error::Run(format!("cannot serialise JSON: {e}")))?;
    s.push('\n');
    Ok(s)
}

/// Items as an aligned text table, one line each.
pub fn items_table(items: &[Item]) -> String {
    let rows: Vec<Vec<String>> = items
        .iter()
        .map(|i| {
            vec![
                i.key.clone(),
                i.kind.clone(),
                i.state.as_str().to_string(),
                truncate(&i.title, 60),
                i.milestone.as_deref().map(|m| truncate(m, 24)).unwrap_or_default(),
                i.labels.join(","),
            ]
        })
        .collect();
    let mut out = aligned(&["KEY", "KIND", "STATE", "TITLE", "MILESTONE", "LABELS"], &rows);
    out.push_str(&format!("{} item{}\n", items.len(), if items.len() == 1 { "" } else { "s" }));
    out
}

/// Left-aligned columns separated by two spaces; widths in characters.
pub fn aligned(headers: &[&str], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    let mut line = |cells: &mut dyn Iterator<Item = &str>| {
        let mut l = String::new();
        for (i, cell) in cells.enumerate() {
            if i > 0 {
                l.push_str("  ");
            }
            l.push_str(cell);
            l.extend(std::iter::repeat_n(' ', widths[i] - cell.chars().count()));
        }
        out.push_str(l.trim_end());
        out.push('\n');
    };
    line(&mut headers.iter().copied());
    for row in rows {
        line(&mut row.iter().map(String::as_str));
    }
    out
}
