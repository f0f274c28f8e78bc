//! Any CSV, read through a column mapping in a `[[source]]` entry of `rolecall.toml`:
//!
//! ```toml
//! [[source]]
//! spec = "csv:exports/tracker.csv"
//! key = "Ticket"
//! title = "Subject"
//! status = "State"
//! labels = "Tags"
//! label-separator = ";"
//! ```
//!
//! Each mapping key names a column; every column named must be in the header. Unmapped
//! columns are kept in `fields`.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};

use super::columns::{value, Columns};
use super::common::{self, at, Seen};
use super::datecols::DateReader;
use super::table::{Row, Table};
use super::{status, Imported, SourceCtx};
use crate::config::SourceConfig;
use crate::dates::Parsed;
use crate::error::{Error, Location, Result};
use crate::model::{Item, State, Str};
use crate::text::quote;

/// Column positions of the mapped fields.
struct Mapped {
    key: usize,
    title: Option<usize>,
    body: Option<usize>,
    status: Option<usize>,
    kind: Option<usize>,
    assignee: Option<usize>,
    author: Option<usize>,
    created: Option<usize>,
    updated: Option<usize>,
    started: Option<usize>,
    closed: Option<usize>,
    due: Option<usize>,
    milestone: Option<usize>,
    iteration: Option<usize>,
    project: Option<usize>,
    team: Option<usize>,
    priority: Option<usize>,
    estimate: Option<usize>,
    url: Option<usize>,
    parent: Option<usize>,
}

/// Reads dates with the mapping's `date-format`, or the formats rolecall knows.
enum Dates<'t> {
    Format(&'t Table, String),
    Known(DateReader<'t>),
}

/// A value read with a chrono/strftime `format`: an instant with an offset, a local
/// date-time, or a date.
fn parse_with(
    table: &Table,
    format: &str,
    row: &Row,
    col: Option<usize>,
) -> Result<Option<Parsed>> {
    let Some(v) = value(row, col) else { return Ok(None) };
    if let Ok(dt) = DateTime::parse_from_str(v, format) {
        return Ok(Some(Parsed::Exact(dt)));
    }
    if let Ok(dt) = NaiveDateTime::parse_from_str(v, format) {
        return Ok(Some(Parsed::Local(dt)));
    }
    // A date-only column (`due`) may use the format's date part: `%d.%m.%Y`.
    let date_part = format.split_once(" %").map_or(format, |(d, _)| d);
    for f in [format, date_part] {
        if let Ok(d) = NaiveDate::parse_from_str(v, f) {
            return Ok(Some(Parsed::Date(d)));
        }
    }
    Err(Error::input(
        at(table, row, col.unwrap_or(0)),
        format!("cannot parse date {} with date-format {}", quote(v), quote(format)),
    ))
}

impl Dates<'_> {
    fn instant(
        &self,
        row: &Row,
        col: Option<usize>,
        tz: chrono_tz::Tz,
    ) -> Result<Option<DateTime<Utc>>> {
        match self {
            Dates::Known(r) => r.instant(row, col),
            Dates::Format(t, f) => Ok(parse_with(t, f, row, col)?.map(|p| p.instant(tz))),
        }
    }

    fn date(&self, row: &Row, col: Option<usize>) -> Result<Option<NaiveDate>> {
        match self {
            Dates::Known(r) => r.date(row, col),
            Dates::Format(t, f) => Ok(parse_with(t, f, row, col)?.map(Parsed::date)),
        }
    }
}

/// `at_key(key)` says where a mapping key is written in the config (`rolecall.toml:7:1`),
/// for errors about the mapping rather than the data: the fix is in the config.
pub(crate) fn import(
    table: &Table,
    ctx: &SourceCtx,
    m: &SourceConfig,
    at_key: &dyn Fn(&str) -> String,
) -> Result<Imported> {
    let mut cols = Columns::new(table);
    let headers = table
        .headers
        .iter()
        .map(|h| format!("`{}`", crate::text::truncate(h, 40)))
        .collect::<Vec<_>>()
        .join(", ");
    let mut find = |key: &str, column: Option<&str>| -> Result<Option<usize>> {
        let Some(column) = column else { return Ok(None) };
        match cols.one(&[column]) {
            Some(i) => Ok(Some(i)),
            None => Err(Error::input(
                Location::file(&table.path),
                format!(
                    "mapping key `{key}` ({}) names column `{column}`, which is not in the header (columns: {headers})",
                    at_key(key)
                ),
            )),
        }
    };
    let Some(key) = find("key", m.key.as_deref())? else {
        return Err(Error::input(
            Location::file(&table.path),
            format!(
                "the [[source]] mapping for `{}` ({}) has no `key`: name the column that holds each item's key",
                ctx.spec,
                at_key("key")
            ),
        ));
    };
    // Checked to be in the header; its columns are read below, repeats and all.
    find("labels", m.labels.as_deref())?;
    let c = Mapped {
        key,
        title: find("title", m.title.as_deref())?,
        body: find("body", m.body.as_deref())?,
        status: find("status", m.status.as_deref())?,
        kind: find("type", m.kind.as_deref())?,
        assignee: find("assignee", m.assignee.as_deref())?,
        author: find("author", m.author.as_deref())?,
        created: find("created", m.created.as_deref())?,
        updated: find("updated", m.updated.as_deref())?,
        started: find("started", m.started.as_deref())?,
        closed: find("closed", m.closed.as_deref())?,
        due: find("due", m.due.as_deref())?,
        milestone: find("milestone", m.milestone.as_deref())?,
        iteration: find("iteration", m.iteration.as_deref())?,
        project: find("project", m.project.as_deref())?,
        team: find("team", m.team.as_deref())?,
        priority: find("priority", m.priority.as_deref())?,
        estimate: find("estimate", m.estimate.as_deref())?,
        url: find("url", m.url.as_deref())?,
        parent: find("parent", m.parent.as_deref())?,
    };
    // A labels column repeated (as Jira writes `Labels`): every one of them.
    let label_cols = match m.labels.as_deref() {
        Some(name) => cols.all(&[name]),
        None => Vec::new(),
    };
    table.check_widths(0)?;
    let rest = common::Rest::new(table, &cols.unused());
    let dates = match &m.date_format {
        Some(f) => Dates::Format(table, f.clone()),
        None => {
            let date_cols: Vec<usize> =
                [c.created, c.updated, c.started, c.closed, c.due].into_iter().flatten().collect();
            Dates::Known(DateReader::new(table, &date_cols, ctx.date_order, ctx.tz)?)
        }
    };
    let prefix = m.id_prefix.as_deref().unwrap_or("csv");
    let separator = m.label_separator.as_deref().unwrap_or(",");
    let labels_of = |row: &crate::source::table::Row| -> Vec<Str> {
        let mut out: Vec<Str> = Vec::new();
        for &i in &label_cols {
            for label in common::split(value(row, Some(i)), separator) {
                if !out.iter().any(|l| l == label) {
                    out.push(Str::from(label));
                }
            }
        }
        out
    };

    let mut seen = Seen::default();
    let mut items = Vec::with_capacity(table.len());
    for row in table.rows() {
        let row = &row;
        let Some(k) = value(row, Some(c.key)) else {
            return Err(Error::input(at(table, row, c.key), "key is empty"));
        };
        seen.check(table, row, c.key, k)?;
        let status_raw = value(row, c.status).unwrap_or("");
        let closed = dates.instant(row, c.closed, ctx.tz)?;
        // A closed date says done when the status says nothing rolecall understands, as
        // Asana's and Linear's completion dates do; the report names such statuses.
        let maps = ctx.status_maps();
        let state = if closed.is_some() && !status::recognised(status_raw, &maps) {
            State::Done
        } else {
            status::normalise(status_raw, None, None, &maps)
        };
        items.push(Item {
            id: format!("{prefix}:{k}").into(),
            key: k.into(),
            source: ctx.source.clone(),
            kind: crate::model::kind::normalise(value(row, c.kind).unwrap_or("issue")).into(),
            title: value(row, c.title).unwrap_or("").into(),
            body: value(row, c.body).unwrap_or("").to_string(),
            url: value(row, c.url).map(str::to_string),
            state,
            status: status_raw.into(),
            labels: labels_of(row),
            assignees: value(row, c.assignee).map(Str::from).into_iter().collect(),
            author: value(row, c.author).map(Str::from),
            project: value(row, c.project).map(Str::from),
            team: value(row, c.team).map(Str::from),
            milestone: value(row, c.milestone).map(Str::from),
            iteration: value(row, c.iteration).map(Str::from),
            parent: value(row, c.parent).map(|p| compact_str::format_compact!("{prefix}:{p}")),
            priority: value(row, c.priority).map(Str::from),
            estimate: common::number(table, row, c.estimate, value(row, c.estimate), "estimate")?,
            created: dates.instant(row, c.created, ctx.tz)?,
            updated: dates.instant(row, c.updated, ctx.tz)?,
            started: dates.instant(row, c.started, ctx.tz)?,
            closed,
            due: dates.date(row, c.due)?,
            fields: rest.fields(row, |v| v),
            ..Item::default()
        });
    }
    use crate::model::{Field, Lack};
    let lacks = Lack::of(&[
        (Field::Milestone, c.milestone.is_some(), "`milestone` mapping"),
        (Field::Sprint, c.iteration.is_some(), "`iteration` mapping"),
        (Field::Estimate, c.estimate.is_some(), "`estimate` mapping"),
        (Field::Due, c.due.is_some(), "`due` mapping"),
    ]);
    Ok(Imported { items, lacks, ..Imported::default() })
}
