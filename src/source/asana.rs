//! Asana CSV exports (a project's *Export/Print → CSV*), old and new column sets.
//!
//! Newer files: `Task ID,Created At,Completed At,Last Modified,Name,Section/Column,
//! Assignee,Assignee Email,Start Date,Due Date,Tags,Notes,Projects,Parent task,Blocked By
//! (Dependencies),Blocking (Dependencies)`, then one column per custom field. Older files
//! lack `Section/Column`, `Start Date` and the dependency columns. A file re-saved by a
//! spreadsheet has its 16-digit task ids turned into numbers (`7.18656E+14`); those ids
//! are gone, so the file is refused rather than given invented keys.
//!
//! `Start Date` is the date a task is planned to start, not when work on it began (a
//! task in progress may start next week, a finished one may have started before its
//! plan): it stays in `fields`, as GitHub Projects' `Start date` does, and cycle time
//! falls back to lead time, which the report says.

use std::collections::HashMap;
use std::sync::Arc;

use super::columns::{value, Columns};
use super::common::{self, at, Seen};
use super::datecols::DateReader;
use super::table::Table;
use super::{status, Imported, SourceCtx};
use crate::error::{Error, Result};
use crate::model::{link_kind, FieldValue, Item, Link, State, Str};
use crate::text::quote;

/// The columns without which a file is not an Asana export.
pub(crate) const REQUIRED: &[&str] = &["Task ID", "Name"];

/// Whether a header looks like an Asana export.
pub(crate) fn detect(cols: &Columns) -> bool {
    REQUIRED.iter().all(|c| cols.has(c))
}

/// Whether `v` is a number a spreadsheet wrote: `7.18656E+14`, `718656000000000.0`.
fn spreadsheet_number(v: &str) -> bool {
    let (mantissa, exponent) = match v.split_once(['e', 'E']) {
        Some((m, e)) => (m, Some(e)),
        None => (v, None),
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let mantissa_ok = match mantissa.split_once(['.', ',']) {
        Some((a, b)) => digits(a) && digits(b),
        None => digits(mantissa),
    };
    let exponent_ok = exponent
        .is_none_or(|e| digits(e.strip_prefix('+').or_else(|| e.strip_prefix('-')).unwrap_or(e)));
    mantissa_ok && exponent_ok && (exponent.is_some() || mantissa.contains(['.', ',']))
}

/// The task names or ids of a dependency cell, split at commas except inside a task
/// name that has one (`Delta, with comma`): the longest run of parts that names a task
/// is taken first.
fn names<'a>(cell: Option<&'a str>, resolve: &dyn Fn(&str) -> Option<String>) -> Vec<&'a str> {
    let Some(cell) = cell else { return Vec::new() };
    // Byte offsets of the commas, and the cell's ends.
    let cuts: Vec<usize> = std::iter::once(0)
        .chain(cell.match_indices(',').map(|(i, _)| i))
        .chain(std::iter::once(cell.len()))
        .collect();
    let (mut out, mut from) = (Vec::new(), 0);
    while from + 1 < cuts.len() {
        let start = if from == 0 { 0 } else { cuts[from] + 1 };
        let to = (from + 1..cuts.len())
            .rev()
            .find(|&to| to == from + 1 || resolve(cell[start..cuts[to]].trim()).is_some())
            .unwrap_or(from + 1);
        let part = cell[start..cuts[to]].trim();
        if !part.is_empty() {
            out.push(part);
        }
        from = to;
    }
    out
}

pub(crate) fn import<'t>(table: &'t Table, ctx: &SourceCtx) -> Result<Imported> {
    let mut cols = Columns::new(table);
    common::require(table, &cols, "an Asana", REQUIRED)?;
    table.check_widths(0)?;
    let c = AsanaColumns::find(&mut cols);
    let date_cols: Vec<usize> =
        [c.created, c.completed, c.modified, c.due].into_iter().flatten().collect();
    let dates = DateReader::new(table, &date_cols, ctx.date_order, ctx.tz)?;
    let rest = common::Rest::new(table, &cols.unused());

    // Parents and dependencies may be written as names: map unique names to ids.
    let mut by_name: HashMap<&str, Option<&str>> = HashMap::new();
    for row in table.rows() {
        let row = &row;
        if let (Some(name), Some(id)) = (value(row, c.name), value(row, Some(c.id))) {
            by_name.entry(name).and_modify(|v| *v = None).or_insert(Some(id));
        }
    }
    // A task of the export by its id, else by its name (a task may be named `2024`),
    // else digits are a task outside the export.
    let ids: std::collections::HashSet<&str> =
        table.rows().filter_map(|row| value(&row, Some(c.id))).collect();
    let resolve = |v: &str| -> Option<String> {
        if ids.contains(v) {
            return Some(format!("asana:{v}"));
        }
        match by_name.get(v).copied().flatten() {
            Some(id) => Some(format!("asana:{id}")),
            None if v.bytes().all(|b| b.is_ascii_digit()) => Some(format!("asana:{v}")),
            None => None,
        }
    };

    // Projects a cell names alone somewhere: a cell with commas is split at them only
    // when one of its parts is such a name (else `Marketing, Q3 Launch` is one project).
    let alone: std::collections::HashSet<&str> = (table.rows())
        .filter_map(|row| value(&row, c.projects))
        .filter(|p| !p.contains(','))
        .collect();

    // A subtask's `Projects` cell is empty in an export: it belongs to its parent's
    // projects (else each subtask would stand alone in an "Unassigned" workstream).
    let rows_by_id: HashMap<&str, (Option<&'t str>, Option<&'t str>)> = (table.rows())
        .filter_map(|row| {
            let id = value(&row, Some(c.id))?;
            Some((id, (value(&row, c.projects), value(&row, c.parent))))
        })
        .collect();
    let inherited = |mut parent: Option<&'t str>| {
        // A bound on the walk: a parent chain that loops ends rather than spins.
        for _ in 0..64 {
            let target = resolve(parent?)?;
            let (cell, up) = rows_by_id.get(target.strip_prefix("asana:")?)?;
            if cell.is_some() {
                return *cell;
            }
            parent = *up;
        }
        None
    };

    let mut seen = Seen::default();
    let mut items = Vec::with_capacity(table.len());
    for row in table.rows() {
        let row = &row;
        let Some(id) = value(row, Some(c.id)) else {
            return Err(Error::input(at(table, row, c.id), "task id is empty"));
        };
        if !id.bytes().all(|b| b.is_ascii_digit()) {
            let message = if spreadsheet_number(id) {
                format!(
                    "task id {} is a rounded number; re-export from Asana: the spreadsheet turned task ids into numbers",
                    quote(id)
                )
            } else {
                format!("task id {} is not an Asana task id (digits only)", quote(id))
            };
            return Err(Error::input(at(table, row, c.id), message));
        }
        seen.check(table, row, c.id, id)?;

        let section = value(row, c.section).unwrap_or("");
        let closed = dates.instant(row, c.completed)?;
        // A section is a board column, and a task completed in place stays in it: the
        // completion date says done whatever the column, so a map written for the open
        // tasks' columns (`In Progress` = in-progress) does not reopen it. Only a column
        // that means cancelled, by the map or by its name, keeps a completed task cancelled.
        let by_section = status::normalise(section, None, None, &ctx.status_maps());
        let state = match closed {
            Some(_) if by_section == State::Cancelled => State::Cancelled,
            Some(_) => State::Done,
            None => by_section,
        };
        let mut fields = rest.fields(row, |v| v);
        let mut unresolved = |col: Option<usize>, v: &str| {
            if let Some(col) = col {
                fields.push(&Arc::from(table.headers[col].as_str()), v.to_string());
            }
        };
        let parent_raw = value(row, c.parent);
        let parent = parent_raw.and_then(resolve);
        if let (Some(p), None) = (parent_raw, &parent) {
            unresolved(c.parent, p);
        }
        let mut links = Vec::new();
        for (kind, col) in [(link_kind::BLOCKED_BY, c.blocked_by), (link_kind::BLOCKS, c.blocking)]
        {
            for v in names(value(row, col), &resolve) {
                match resolve(v) {
                    Some(target) => links.push(Link { kind: kind.into(), target: target.into() }),
                    None => unresolved(col, v),
                }
            }
        }
        let projects_cell = value(row, c.projects).or_else(|| inherited(parent_raw));
        let projects = match projects_cell {
            Some(cell) if !common::split(Some(cell), ",").iter().any(|p| alone.contains(p)) => {
                vec![cell]
            }
            cell => common::split(cell, ","),
        };
        if projects.len() > 1 {
            if let Some(col) = c.projects {
                fields.insert(
                    table.headers[col].clone(),
                    FieldValue::Many(projects.iter().map(|p| p.to_string()).collect()),
                );
            }
        }
        items.push(Item {
            id: format!("asana:{id}").into(),
            key: id.into(),
            source: ctx.source.clone(),
            kind: if parent_raw.is_some() { "sub-task" } else { "task" }.into(),
            title: value(row, c.name).unwrap_or("").into(),
            body: value(row, c.notes).unwrap_or("").to_string(),
            url: Some(format!("https://app.asana.com/0/0/{id}")),
            state,
            status: section.into(),
            labels: common::split(value(row, c.tags), ",").into_iter().map(Str::from).collect(),
            assignees: value(row, c.assignee).map(Str::from).into_iter().collect(),
            project: projects.first().map(|p| Str::from(*p)),
            priority: value(row, c.priority).map(Str::from),
            parent: parent.map(Str::from),
            links,
            created: dates.instant(row, c.created)?,
            updated: dates.instant(row, c.modified)?,
            closed,
            due: dates.date(row, c.due)?,
            fields,
            ..Item::default()
        });
    }
    // Asana's export has no milestones, sprints or estimates: only the due date can go.
    use crate::model::{Field, Lack};
    let lacks = Lack::of(&[
        (Field::Due, c.due.is_some(), "Due Date column"),
        (
            Field::State,
            c.completed.is_some() || c.section.is_some(),
            "Completed At column (nor Section/Column)",
        ),
    ]);
    Ok(Imported { items, lacks, ..Imported::default() })
}

struct AsanaColumns {
    id: usize,
    name: Option<usize>,
    created: Option<usize>,
    completed: Option<usize>,
    modified: Option<usize>,
    section: Option<usize>,
    assignee: Option<usize>,
    due: Option<usize>,
    tags: Option<usize>,
    notes: Option<usize>,
    projects: Option<usize>,
    parent: Option<usize>,
    blocked_by: Option<usize>,
    blocking: Option<usize>,
    priority: Option<usize>,
}

impl AsanaColumns {
    fn find(cols: &mut Columns) -> Self {
        AsanaColumns {
            // `REQUIRED` was checked by the caller.
            id: cols.one(&["Task ID"]).unwrap_or(0),
            name: cols.one(&["Name"]),
            created: cols.one(&["Created At"]),
            completed: cols.one(&["Completed At"]),
            modified: cols.one(&["Last Modified"]),
            section: cols.one(&["Section/Column", "Section"]),
            assignee: cols.one(&["Assignee"]),
            due: cols.one(&["Due Date"]),
            tags: cols.one(&["Tags"]),
            notes: cols.one(&["Notes"]),
            projects: cols.one(&["Projects"]),
            parent: cols.one(&["Parent task", "Parent Task"]),
            blocked_by: cols.one(&["Blocked By (Dependencies)"]),
            blocking: cols.one(&["Blocking (Dependencies)"]),
            priority: cols.one(&["Priority"]),
        }
    }
}

#[cfg(test)]
mod tests {
    /// A task name with a comma is one dependency; other commas separate them.
    #[test]
    fn dependency_names_keep_their_commas() {
        let known = |v: &str| ["Delta, with comma", "Alpha"].contains(&v).then(|| v.to_string());
        assert_eq!(super::names(Some("Delta, with comma"), &known), ["Delta, with comma"]);
        assert_eq!(
            super::names(Some("Alpha, Delta, with comma, 123"), &known),
            ["Alpha", "Delta, with comma", "123"]
        );
        assert_eq!(super::names(Some("1, 2"), &known), ["1", "2"]);
        assert!(super::names(None, &known).is_empty());
    }

    use super::spreadsheet_number;

    #[test]
    fn spreadsheet_numbers() {
        assert!(spreadsheet_number("7.18656E+14"));
        assert!(spreadsheet_number("7,18656E+14"));
        assert!(spreadsheet_number("718656000000000.0"));
        assert!(!spreadsheet_number("1205512345678901"));
        assert!(!spreadsheet_number("abc"));
        assert!(!spreadsheet_number("E+14"));
    }
}
