//! Linear CSV exports (*Settings → Import/Export → Export CSV*, or a view's *Export*).
//!
//! What Linear writes: every header quoted; data rows often one field shorter than the
//! header (the table pads them); JavaScript dates (`Tue May 14 2024 08:53:33 GMT+0000
//! (GMT)`); labels joined with `", "`; and a `'` put before a value that starts with `=`,
//! `+`, `-` or `@` so that spreadsheets do not run it as a formula, which we remove.

use std::collections::BTreeMap;

use super::columns::{value, Columns};
use super::common::{self, at, looks_like_key, Seen};
use super::datecols::DateReader;
use super::table::Table;
use super::{status, Imported, SourceCtx};
use crate::error::{Error, Result};
use crate::model::{link_kind, Item, Link, Milestone, State, Str};
use crate::text::quote;

/// The columns without which a file is not a Linear export.
pub(crate) const REQUIRED: &[&str] = &["ID", "Title", "Status", "Team"];

/// Whether a header looks like a Linear export.
pub(crate) fn detect(cols: &Columns) -> bool {
    REQUIRED.iter().all(|c| cols.has(c))
}

/// Removes Linear's formula guard: `'=SUM(A1)` → `=SUM(A1)`, `'-1` → `-1`. A `'` before
/// anything else is part of the text.
pub(crate) fn unguard(v: &str) -> &str {
    match v.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@']) => rest,
        _ => v,
    }
}

pub(crate) fn import(table: &Table, ctx: &SourceCtx) -> Result<Imported> {
    let mut cols = Columns::new(table);
    common::require(table, &cols, "a Linear", REQUIRED)?;
    // Linear writes data rows one field short of the header; more is a cut or a break.
    table.check_widths(1)?;
    let c = LinearColumns::find(&mut cols);
    let date_cols: Vec<usize> = [
        c.created,
        c.updated,
        c.started,
        c.completed,
        c.canceled,
        c.due,
        c.cycle_start,
        c.cycle_end,
    ]
    .into_iter()
    .flatten()
    .collect();
    let dates = DateReader::new(table, &date_cols, ctx.date_order, ctx.tz)?;
    let rest = common::Rest::new(table, &cols.unused());

    let mut seen = Seen::default();
    let mut items = Vec::with_capacity(table.len());
    let mut milestones: BTreeMap<(String, String), Milestone> = BTreeMap::new();
    // Cycles are a team's: (team, cycle), told apart by team.
    let mut cycles: Vec<(Option<String>, crate::model::Iteration)> = Vec::new();
    for row in table.rows() {
        let row = &row;
        // Every text value loses the formula guard.
        let get = |idx: Option<usize>| value(row, idx).map(unguard).filter(|v| !v.is_empty());
        let key = match get(Some(c.id)) {
            None => return Err(Error::input(at(table, row, c.id), "issue ID is empty")),
            Some(k) if !looks_like_key(k) => {
                return Err(Error::input(
                    at(table, row, c.id),
                    format!("issue ID {} is not a Linear ID like ENG-123", quote(k)),
                ))
            }
            Some(k) => k,
        };
        seen.check(table, row, c.id, key)?;
        let target = |col: Option<usize>, v: &str| -> Result<String> {
            if looks_like_key(v) {
                Ok(format!("linear:{v}"))
            } else {
                Err(Error::input(
                    at(table, row, col.unwrap_or(0)),
                    format!("{} is not a Linear ID like ENG-123", quote(v)),
                ))
            }
        };

        let status_raw = get(c.status).unwrap_or("");
        let canceled = dates.instant(row, c.canceled)?;
        let completed = dates.instant(row, c.completed)?;
        let started = dates.instant(row, c.started)?;
        let mapped = ctx.status_maps().iter().find_map(|m| m.get(status_raw));
        let state = match mapped {
            Some(s) => s,
            None if canceled.is_some() => State::Cancelled,
            None if completed.is_some() => State::Done,
            None if started.is_some() => State::InProgress,
            None => status::normalise(status_raw, None, None, &ctx.status_maps()),
        };

        let project = get(c.project).map(Str::from);
        let milestone = get(c.milestone).map(Str::from);
        if let Some(title) = &milestone {
            let project_name = project.as_deref().unwrap_or_default().to_string();
            milestones.entry((project_name.clone(), title.to_string())).or_insert_with(|| {
                Milestone {
                    id: format!("linear:{project_name}/{title}"),
                    title: title.to_string(),
                    source: ctx.spec.clone(),
                    project: project.as_ref().map(Str::to_string),
                    team: get(c.team).map(str::to_string),
                    ..Milestone::default()
                }
            });
        }
        let iteration = get(c.cycle_name)
            .map(Str::from)
            .or_else(|| get(c.cycle_number).map(|n| compact_str::format_compact!("Cycle {n}")));
        if let Some(name) = iteration.as_deref() {
            let (start, end) = (dates.date(row, c.cycle_start)?, dates.date(row, c.cycle_end)?);
            // A cycle that ends before it starts has no time gone to measure; shown as
            // current ("2025-01-06 to 2024-01-01") it would be judged red for ever.
            if let (Some(s), Some(e), Some(col)) = (start, end, c.cycle_end) {
                if e < s {
                    return Err(Error::input(
                        at(table, row, col),
                        format!("Cycle End {e} is before Cycle Start {s}"),
                    ));
                }
            }
            let team = get(c.team);
            let known = cycles.iter().any(|(t, x)| t.as_deref() == team && x.title == name);
            if (start.is_some() || end.is_some()) && !known {
                let cycle = crate::model::Iteration { title: name.to_string(), start, end };
                cycles.push((team.map(str::to_string), cycle));
            }
        }
        let parent = match get(c.parent) {
            Some(p) => Some(target(c.parent, p)?),
            None => None,
        };
        let mut links = Vec::new();
        for (kind, col) in [
            (link_kind::BLOCKED_BY, c.blocked_by),
            (link_kind::BLOCKS, c.blocks),
            (link_kind::RELATES_TO, c.related),
            (link_kind::DUPLICATES, c.duplicate_of),
        ] {
            for v in common::split(get(col), ",") {
                links.push(Link { kind: kind.into(), target: target(col, v)?.into() });
            }
        }
        let priority =
            get(c.priority).filter(|p| !p.eq_ignore_ascii_case("no priority")).map(Str::from);
        let estimate = common::number(table, row, c.estimate, get(c.estimate), "estimate")?;
        items.push(Item {
            id: format!("linear:{key}").into(),
            key: key.into(),
            native_id: get(c.uuid).map(|u| format!("linear-issue:{u}").into()),
            source: ctx.source.clone(),
            kind: "issue".into(),
            title: get(c.title).unwrap_or("").into(),
            body: get(c.description).unwrap_or("").to_string(),
            url: ctx.base_url.as_ref().map(|b| format!("{}/issue/{key}", b.trim_end_matches('/'))),
            state,
            status: status_raw.into(),
            labels: common::split(get(c.labels), ", ")
                .into_iter()
                .map(|l| Str::from(unguard(l)))
                .collect(),
            assignees: get(c.assignee).map(Str::from).into_iter().collect(),
            author: get(c.creator).map(Str::from),
            project,
            team: get(c.team).map(Str::from),
            components: Vec::new(),
            milestone,
            iteration,
            past_iterations: Vec::new(),
            parent: parent.map(Str::from),
            links,
            priority,
            estimate,
            time_estimate: None,
            created: dates.instant(row, c.created)?,
            updated: dates.instant(row, c.updated)?,
            started,
            closed: canceled.or(completed),
            due: dates.date(row, c.due)?,
            votes: 0,
            comments: 0,
            fields: rest.fields(row, unguard),
        });
    }
    // Two teams' "Cycle 3" are two cycles, at their own dates: with more than one team
    // in cycles, each is named by its team (`Design Cycle 3`).
    let teams: std::collections::BTreeSet<&str> = (items.iter())
        .filter(|i| i.iteration.is_some())
        .filter_map(|i| i.team.as_deref())
        .collect();
    if teams.len() > 1 {
        for item in &mut items {
            if let (Some(team), Some(cycle)) = (&item.team, &item.iteration) {
                item.iteration = Some(compact_str::format_compact!("{team} {cycle}"));
            }
        }
        for (team, cycle) in &mut cycles {
            if let Some(team) = team {
                cycle.title = format!("{team} {}", cycle.title);
            }
        }
    }
    use crate::model::{Field, Lack};
    let lacks = Lack::of(&[
        (Field::Milestone, c.milestone.is_some(), "Project Milestone column"),
        (Field::Sprint, c.cycle_name.is_some() || c.cycle_number.is_some(), "Cycle Name column"),
        (Field::Estimate, c.estimate.is_some(), "Estimate column"),
        (Field::Due, c.due.is_some(), "Due Date column"),
    ]);
    Ok(Imported {
        lacks,
        items,
        milestones: milestones.into_values().collect(),
        iterations: cycles.into_iter().map(|(_, cycle)| cycle).collect(),
        ..Imported::default()
    })
}

struct LinearColumns {
    id: usize,
    title: Option<usize>,
    description: Option<usize>,
    status: Option<usize>,
    team: Option<usize>,
    estimate: Option<usize>,
    priority: Option<usize>,
    project: Option<usize>,
    creator: Option<usize>,
    assignee: Option<usize>,
    labels: Option<usize>,
    cycle_number: Option<usize>,
    cycle_name: Option<usize>,
    cycle_start: Option<usize>,
    cycle_end: Option<usize>,
    created: Option<usize>,
    updated: Option<usize>,
    started: Option<usize>,
    completed: Option<usize>,
    canceled: Option<usize>,
    due: Option<usize>,
    parent: Option<usize>,
    milestone: Option<usize>,
    blocked_by: Option<usize>,
    blocks: Option<usize>,
    related: Option<usize>,
    duplicate_of: Option<usize>,
    /// Newer exports: the issue's own id, which stays when it moves to another team and
    /// its identifier changes.
    uuid: Option<usize>,
}

impl LinearColumns {
    fn find(cols: &mut Columns) -> Self {
        LinearColumns {
            // `REQUIRED` was checked by the caller.
            id: cols.one(&["ID"]).unwrap_or(0),
            title: cols.one(&["Title"]),
            description: cols.one(&["Description"]),
            status: cols.one(&["Status"]),
            team: cols.one(&["Team"]),
            estimate: cols.one(&["Estimate"]),
            priority: cols.one(&["Priority"]),
            project: cols.one(&["Project"]),
            creator: cols.one(&["Creator"]),
            assignee: cols.one(&["Assignee"]),
            labels: cols.one(&["Labels"]),
            cycle_number: cols.one(&["Cycle Number"]),
            cycle_name: cols.one(&["Cycle Name"]),
            cycle_start: cols.one(&["Cycle Start"]),
            cycle_end: cols.one(&["Cycle End"]),
            created: cols.one(&["Created"]),
            updated: cols.one(&["Updated"]),
            started: cols.one(&["Started"]),
            completed: cols.one(&["Completed"]),
            canceled: cols.one(&["Canceled", "Cancelled"]),
            due: cols.one(&["Due Date"]),
            parent: cols.one(&["Parent issue", "Parent"]),
            milestone: cols.one(&["Project Milestone"]),
            blocked_by: cols.one(&["Blocked by"]),
            blocks: cols.one(&["Blocks"]),
            related: cols.one(&["Related to"]),
            duplicate_of: cols.one(&["Duplicate of"]),
            uuid: cols.one(&["UUID"]),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::unguard;

    #[test]
    fn formula_guard() {
        assert_eq!(unguard("'=SUM(A1)"), "=SUM(A1)");
        assert_eq!(unguard("'-1"), "-1");
        assert_eq!(unguard("'+x"), "+x");
        assert_eq!(unguard("'@here"), "@here");
        assert_eq!(unguard("'quoted'"), "'quoted'");
        assert_eq!(unguard("'"), "'");
    }
}
