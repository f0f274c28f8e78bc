//! Jira CSV exports, "all fields" and "current fields", Cloud and Server, old and new
//! column names.
//!
//! Jira writes a multi-valued field as the same header repeated once per value (`Labels`
//! five times, `Comment` hundreds of times); those become lists. Column names changed over
//! the years (`Fix Version/s` → `Fix versions`, `Due Date` → `Due date`, `Custom field
//! (Epic Link)` → `Parent`), so each field is looked up under every spelling.

use std::collections::{BTreeMap, HashMap};

use super::columns::{fold, list, value, values, Columns};
use super::datecols::DateReader;
use super::table::Table;
use super::{status, Imported, SourceCtx};
use crate::error::{Error, Location, Result};
use crate::model::{link_kind, FieldValue, Item, Link, Milestone, Str};

/// The columns without which a file is not a Jira export.
pub const REQUIRED: &[&str] = &["Issue key", "Summary"];

/// Whether a header looks like a Jira export.
pub fn detect(cols: &Columns) -> bool {
    REQUIRED.iter().all(|c| cols.has(c))
}

pub fn import(table: &Table, ctx: &SourceCtx) -> Result<Imported> {
    let mut cols = Columns::new(table);
    let missing: Vec<&str> = REQUIRED.iter().copied().filter(|c| !cols.has(c)).collect();
    if !missing.is_empty() {
        return Err(Error::input(
            Location::file(&table.path),
            format!(
                "not a Jira export: missing column{} {} (found: {})",
                if missing.len() == 1 { "" } else { "s" },
                missing.iter().map(|c| format!("`{c}`")).collect::<Vec<_>>().join(", "),
                super::header_summary(&table.headers)
            ),
        ));
    }
    let c = JiraColumns::find(&mut cols);
    let date_cols: Vec<usize> =
        [c.created, c.updated, c.resolved, c.due, c.actual_start, c.category_changed]
            .into_iter()
            .flatten()
            .collect();
    // Three passes over every row, independent of each other, side by side: the date
    // columns' day/month order, the keys, and (newer exports put the parent's numeric id
    // in `Parent`) ids back to keys. A date-order error is reported before a key error,
    // as when they ran one after the other.
    let (dates, keys, id_to_key) = std::thread::scope(|s| {
        let keys = s.spawn(|| check_keys(table, &c));
        let id_to_key = s.spawn(|| -> HashMap<&str, &str> {
            match (c.issue_id, c.parent) {
                (Some(id), Some(_)) => table
                    .rows()
                    .filter_map(|r| Some((value(&r, Some(id))?, value(&r, Some(c.key))?)))
                    .collect(),
                _ => HashMap::new(),
            }
        });
        let dates = DateReader::new(table, &date_cols, ctx.date_order, ctx.tz);
        (dates, crate::par::join(keys), crate::par::join(id_to_key))
    });
    let dates = dates?;
    keys?;
    let links = link_columns(&mut cols);
    let rest = super::common::Rest::new(table, &cols.unused());

    // Then every row to an item, on all cores for large files; results keep file order.
    let to_item = |row: super::table::Row| -> Result<Item> {
        let row = &row;
        let at = || Location::file(&table.path).line(row.line);
        let key = value(row, Some(c.key)).unwrap_or("");
        let status_raw = value(row, c.status).unwrap_or("");
        let resolution = value(row, c.resolution);
        let state =
            status::normalise(status_raw, value(row, c.category), resolution, &ctx.status_maps());
        let project = value(row, c.project)
            .map(Str::from)
            .or_else(|| key.rsplit_once('-').map(|(p, _)| Str::from(p)));
        let milestone = values(row, &c.fix_versions).next().map(Str::from);
        let parent = value(row, c.parent_key)
            .or_else(|| value(row, c.epic_link))
            .or_else(|| {
                let p = value(row, c.parent)?;
                if p.bytes().all(|b| b.is_ascii_digit()) {
                    id_to_key.get(p).copied()
                } else {
                    Some(p)
                }
            })
            .map(|k| format!("jira:{k}"));
        let mut item_links = Vec::new();
        for (kind, idx) in &links {
            for target in values(row, idx) {
                item_links.push(Link {
                    kind: kind.clone().into(),
                    target: format!("jira:{target}").into(),
                });
            }
        }
        let created = dates.instant(row, c.created)?;
        let mut started = dates.instant(row, c.actual_start)?;
        if started.is_none() && state == crate::model::State::InProgress {
            // The moment the status category last changed is when work started.
            started = dates.instant(row, c.category_changed)?;
        }
        let mut fields = rest.fields(row, |v| v);
        if values(row, &c.fix_versions).nth(1).is_some() {
            fields.insert(
                table.headers[c.fix_versions[0]].as_str(),
                FieldValue::Many(values(row, &c.fix_versions).map(str::to_string).collect()),
            );
        }
        let number = |idx: Option<usize>, what: &str, hint: &str| -> Result<Option<f64>> {
            match value(row, idx) {
                None => Ok(None),
                Some(v) => super::common::parse_number(v).map(Some).ok_or_else(|| {
                    Error::input(
                        at().column(&table.headers[idx.unwrap_or(0)]),
                        format!("{what} {} is not a number{hint}", crate::text::quote(v)),
                    )
                }),
            }
        };
        let estimate = match number(c.story_points, "story points", "")? {
            Some(v) => Some(v),
            None => number(c.story_point_estimate, "story point estimate", "")?,
        };
        let time_estimate = number(
            c.original_estimate,
            "original estimate",
            " (Jira exports estimates in seconds: 2h is 7200)",
        )?
        .map(|s| s.max(0.0) as u64);
        let votes = number(c.votes, "vote count", "")?.map_or(0, |v| v.max(0.0) as u32);
        Ok(Item {
            id: format!("jira:{key}").into(),
            key: key.into(),
            source: ctx.source.clone(),
            kind: normalise_kind(value(row, c.kind).unwrap_or("issue")).into(),
            title: value(row, c.summary).unwrap_or("").into(),
            body: value(row, c.description).unwrap_or("").to_string(),
            url: ctx.base_url.as_ref().map(|b| format!("{}/browse/{key}", b.trim_end_matches('/'))),
            state,
            status: status_raw.into(),
            labels: list(values(row, &c.labels).flat_map(str::split_whitespace)),
            assignees: list(values(row, &c.assignee)),
            author: value(row, c.reporter).or_else(|| value(row, c.creator)).map(Str::from),
            project,
            team: value(row, c.team).map(Str::from),
            components: list(values(row, &c.components)),
            milestone,
            iteration: values(row, &c.sprints).last().map(Str::from),
            parent: parent.map(Str::from),
            links: item_links,
            priority: value(row, c.priority).map(Str::from),
            estimate,
            time_estimate,
            created,
            updated: dates.instant(row, c.updated)?,
            started,
            closed: dates.instant(row, c.resolved)?,
            due: dates.date(row, c.due)?,
            votes,
            comments: values(row, &c.comments).count() as u32,
            fields,
        })
    };
    let items = table.try_map_rows(to_item)?;

    let mut milestones: BTreeMap<(String, String), Milestone> = BTreeMap::new();
    for it in &items {
        if let Some(title) = &it.milestone {
            let project_key = it.project.clone().unwrap_or_default();
            milestones.entry((project_key.to_string(), title.to_string())).or_insert_with(|| {
                Milestone {
                    id: format!("jira:{project_key}/{title}"),
                    title: title.to_string(),
                    source: ctx.spec.clone(),
                    project: it.project.as_ref().map(Str::to_string),
                    ..Milestone::default()
                }
            });
        }
    }
    Ok(Imported { items, milestones: milestones.into_values().collect() })
}

/// Every row has a key like `PROJ-123`, and no key is there twice. Rows are checked in
/// file order, so the first bad or duplicate key is the one reported.
fn check_keys(table: &Table, c: &JiraColumns) -> Result<()> {
    let mut seen: HashMap<&str, u64> = HashMap::with_capacity(table.len());
    for row in table.rows() {
        let row = &row;
        let at = || Location::file(&table.path).line(row.line);
        let Some(key) = value(row, Some(c.key)) else {
            let message = if row.len() <= c.key {
                // The row stops before the key column: a line broken outside quotes.
                format!(
                    "issue key is empty: the row has only {} of {} fields (a line break outside quotes?)",
                    row.len(),
                    table.headers.len()
                )
            } else {
                "issue key is empty".to_string()
            };
            return Err(Error::input(at().column(&table.headers[c.key]), message));
        };
        if !looks_like_key(key) {
            // A comma the writer did not quote shifts every later column one to the right,
            // and the key column then holds a piece of the summary.
            let hint = if c.key > 0 {
                "; a value with an unquoted comma earlier in the row shifts the columns"
            } else {
                ""
            };
            return Err(Error::input(
                at().column(&table.headers[c.key]),
                format!(
                    "issue key {} is not a Jira key like PROJ-123{hint}",
                    crate::text::quote(key)
                ),
            ));
        }
        if let Some(first) = seen.insert(key, row.line) {
            return Err(Error::input(
                at().column(&table.headers[c.key]),
                format!("duplicate key {key} (first on line {first})"),
            ));
        }
    }
    Ok(())
}

/// Positions of every field we map, under all the spellings Jira has used.
struct JiraColumns {
    key: usize,
    issue_id: Option<usize>,
    summary: Option<usize>,
    description: Option<usize>,
    kind: Option<usize>,
    status: Option<usize>,
    category: Option<usize>,
    category_changed: Option<usize>,
    resolution: Option<usize>,
    priority: Option<usize>,
    project: Option<usize>,
    assignee: Vec<usize>,
    reporter: Option<usize>,
    creator: Option<usize>,
    created: Option<usize>,
    updated: Option<usize>,
    resolved: Option<usize>,
    due: Option<usize>,
    actual_start: Option<usize>,
    fix_versions: Vec<usize>,
    labels: Vec<usize>,
    components: Vec<usize>,
    sprints: Vec<usize>,
    comments: Vec<usize>,
    votes: Option<usize>,
    team: Option<usize>,
    parent_key: Option<usize>,
    parent: Option<usize>,
    epic_link: Option<usize>,
    story_points: Option<usize>,
    story_point_estimate: Option<usize>,
    original_estimate: Option<usize>,
}

impl JiraColumns {
    fn find(cols: &mut Columns) -> Self {
        JiraColumns {
            // `REQUIRED` was checked by the caller.
            key: cols.one(&["Issue key"]).unwrap_or(0),
            issue_id: cols.one(&["Issue id"]),
            summary: cols.one(&["Summary"]),
            description: cols.one(&["Description"]),
            kind: cols.one(&["Issue Type"]),
            status: cols.one(&["Status"]),
            category: cols.one(&["Status Category"]),
            category_changed: cols.one(&["Status Category Changed"]),
            resolution: cols.one(&["Resolution"]),
            priority: cols.one(&["Priority"]),
            project: cols.one(&["Project key"]),
            assignee: cols.all(&["Assignee"]),
            reporter: cols.one(&["Reporter"]),
            creator: cols.one(&["Creator"]),
            created: cols.one(&["Created"]),
            updated: cols.one(&["Updated"]),
            resolved: cols.one(&["Resolved", "Resolution date", "Resolution Date"]),
            due: cols.one(&["Due date", "Due Date", "Due"]),
            actual_start: cols.one(&["Custom field (Actual start)", "Actual start"]),
            fix_versions: cols.all(&["Fix versions", "Fix Version/s", "Fix Version"]),
            labels: cols.all(&["Labels", "Label"]),
            components: cols.all(&["Components", "Component/s", "Component"]),
            sprints: cols.all(&["Sprint", "Custom field (Sprint)"]),
            comments: cols.all(&["Comment", "Comments"]),
            votes: cols.one(&["Votes"]),
            team: cols.one(&["Custom field (Team)", "Team", "Custom field (Team Name)"]),
            parent_key: cols.one(&["Parent key", "Parent Key"]),
            parent: cols.one(&["Parent", "Parent id"]),
            epic_link: cols.one(&["Custom field (Epic Link)", "Epic Link"]),
            story_points: cols.one(&[
                "Custom field (Story Points)",
                "Story Points",
                "Story points",
            ]),
            story_point_estimate: cols
                .one(&["Custom field (Story point estimate)", "Story point estimate"]),
            original_estimate: cols.one(&["Original estimate", "Original Estimate"]),
        }
    }
}

/// `Inward issue link (Blocks)` → (`blocked-by`, positions), for every link column.
fn link_columns(cols: &mut Columns) -> Vec<(String, Vec<usize>)> {
    let found = cols.matching(|h| {
        (h.starts_with("inward issue link (") || h.starts_with("outward issue link ("))
            && h.ends_with(')')
    });
    let mut out = Vec::new();
    for (name, idx) in found {
        cols.mark_used(&idx);
        let inward = name.starts_with("inward");
        let open = name.find('(').map_or(0, |i| i + 1);
        let link_type = &name[open..name.len() - 1];
        let kind = match (link_type, inward) {
            ("blocks" | "blocker", false) => link_kind::BLOCKS.to_string(),
            ("blocks" | "blocker", true) => link_kind::BLOCKED_BY.to_string(),
            ("relates" | "relate" | "related", _) => link_kind::RELATES_TO.to_string(),
            ("duplicate" | "duplicates", false) => link_kind::DUPLICATES.to_string(),
            ("duplicate" | "duplicates", true) => link_kind::DUPLICATED_BY.to_string(),
            ("cloners" | "clones", false) => link_kind::CLONES.to_string(),
            ("cloners" | "clones", true) => link_kind::CLONED_BY.to_string(),
            (other, false) => fold(other),
            (other, true) => format!("{} (inward)", fold(other)),
        };
        out.push((kind, idx));
    }
    out
}

/// `PROJ-123`: a project key (a letter, then letters, digits or `_`), a dash, a number.
fn looks_like_key(key: &str) -> bool {
    let Some((project, number)) = key.rsplit_once('-') else { return false };
    project.starts_with(|c: char| c.is_ascii_alphabetic())
        && project.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
        && !number.is_empty()
        && number.bytes().all(|b| b.is_ascii_digit())
}

/// `Sub-task` → `sub-task`, `New Feature` → `feature`, `Story` → `story`.
pub fn normalise_kind(raw: &str) -> String {
    // `fold` and dashes for spaces, in one allocation (this runs once per row).
    let mut k = String::with_capacity(raw.len());
    for word in raw.split_whitespace() {
        if !k.is_empty() {
            k.push('-');
        }
        k.extend(word.chars().flat_map(char::to_lowercase));
    }
    match k.as_str() {
        "subtask" | "sub-task" | "sub-tasks" | "technical-sub-task" => "sub-task".into(),
        "new-feature" | "feature-request" => "feature".into(),
        "user-story" => "story".into(),
        "defect" => "bug".into(),
        _ => k,
    }
}
