//! Jira CSV exports, "all fields" and "current fields", Cloud and Server, old and new
//! column names.
//!
//! Jira writes a multi-valued field as the same header repeated once per value (`Labels`
//! five times, `Comment` hundreds of times); those become lists. Column names changed over
//! the years (`Fix Version/s` → `Fix versions`, `Due Date` → `Due date`, `Custom field
//! (Epic Link)` → `Parent`), so each field is looked up under every spelling.

use std::collections::{BTreeSet, HashMap};
use std::path::Path;

use super::chunks::{self, Chunks, Export, Folded, RowSource};
use super::columns::{distinct, fold, list, trim, value, values, Columns};
use super::datecols;
use super::table::{Row, Table};
use super::{status, Imported, SourceCtx};
use crate::dates::{self, ColumnOrder, DateError, Parsed};
use crate::error::{Error, Location, Result};
use crate::model::{link_kind, FieldValue, Item, Link, Milestone, State, Str};

/// The columns without which a file is not a Jira export.
pub(crate) const REQUIRED: &[&str] = &["Issue key", "Summary"];

/// Whether a header looks like a Jira export.
pub(crate) fn detect(cols: &Columns) -> bool {
    REQUIRED.iter().all(|c| cols.has(c))
}

/// `jira:PATH`: a Jira CSV export.
pub struct Jira;

impl super::Importer for Jira {
    fn name(&self) -> &'static str {
        "jira"
    }

    fn import(
        &self,
        spec: &super::SourceSpec,
        ctx: &SourceCtx,
        _: &crate::config::Config,
    ) -> Result<Imported> {
        import_file(&spec.target, Path::new(&spec.target), ctx)
    }
}

/// Imports the Jira export at `path` (shown as `shown`). A large file is read in chunks
/// and made into items in one pass, so the whole file is never held parsed.
pub fn import_file(shown: &str, path: &Path, ctx: &SourceCtx) -> Result<Imported> {
    match chunks::read(shown, path)? {
        Export::Whole(table) => import(&table, ctx),
        Export::Chunked(chunks) => import_chunks(chunks, ctx),
    }
}

/// Imports a large Jira export in one pass over its chunks, or, when they cannot be
/// read (see [`Folded::Recut`]), as a table.
pub(crate) fn import_chunks(chunks: Chunks, ctx: &SourceCtx) -> Result<Imported> {
    let (shown, file) = (chunks.path.clone(), chunks.file.clone());
    match import_rows(chunks, ctx)? {
        Some(imported) => Ok(imported),
        None => import(&Table::read(&shown, &file)?, ctx),
    }
}

/// Imports a Jira export already read as a table.
pub fn import(table: &Table, ctx: &SourceCtx) -> Result<Imported> {
    // A table's rows are never cut inside a field, so there is always a result.
    Ok(import_rows(table, ctx)?.unwrap_or_default())
}

/// Every row to an item, in one pass. What needs all rows in view waits for the end:
/// the day/month order of numeric dates (those values are kept as text until then),
/// duplicate keys, and numeric `Parent` ids (newer exports), which become keys. Of
/// several problems, a date-order conflict is reported first, then the one on the
/// earliest line. `None` when the rows must be read again whole ([`Folded::Recut`]).
fn import_rows(rows: impl RowSource, ctx: &SourceCtx) -> Result<Option<Imported>> {
    let (path, headers) = (rows.path().to_string(), rows.headers().to_vec());
    let mut cols = Columns::from_headers(&headers);
    let missing: Vec<&str> = REQUIRED.iter().copied().filter(|c| !cols.has(c)).collect();
    if !missing.is_empty() {
        return Err(Error::input(
            Location::file(&path),
            format!(
                "not a Jira export: missing column{} {} (found: {})",
                if missing.len() == 1 { "" } else { "s" },
                missing.iter().map(|c| format!("`{c}`")).collect::<Vec<_>>().join(", "),
                super::header_summary(&headers)
            ),
        ));
    }
    let c = JiraColumns::find(&mut cols);
    let date_cols: Vec<usize> =
        [c.created, c.updated, c.resolved, c.due, c.actual_start, c.category_changed]
            .into_iter()
            .flatten()
            .collect();
    let links = link_columns(&mut cols);
    let rest = super::common::Rest::from_headers(&headers, &cols.unused());
    let reader = Reader {
        path: &path,
        headers: &headers,
        c: &c,
        links: &links,
        rest: &rest,
        ctx,
        date_cols: &date_cols,
        need_ids: c.issue_id.is_some() && c.parent.is_some(),
    };
    let mut merged = Merged::new(rows.size_hint(), date_cols.len());
    let folded = rows.fold(
        |n| Batch::new(n, date_cols.len()),
        |batch, row| reader.row(batch, &row),
        |batch| merged.absorb(batch),
    )?;
    if folded == Folded::Recut {
        return Ok(None);
    }
    let milestone_keys = std::mem::take(&mut merged.all.milestones);
    let categorised = std::mem::take(&mut merged.all.categorised).into_iter().collect();
    let items = reader.finish(merged)?;

    // One milestone per project and fix version, in that order, collected as the rows
    // were read.
    let milestones = milestone_keys
        .into_iter()
        .map(|(project, title)| Milestone {
            id: format!("jira:{project}/{title}"),
            title: title.to_string(),
            source: ctx.spec.clone(),
            project: (!project.is_empty()).then(|| project.to_string()),
            ..Milestone::default()
        })
        .collect();
    use crate::model::{Field, Lack};
    // An "all fields" export leaves out a repeated or custom column no issue has a value
    // in: there, no Fix versions column means no issue has one (all cleared), not a
    // column left out of a "current fields" export, which holds the view's columns.
    let all_fields = headers.len() >= ALL_FIELDS_COLUMNS
        || headers.iter().any(|h| h.trim_start().starts_with("Custom field ("));
    let lacks = Lack::of(&[
        (Field::Milestone, all_fields || !c.fix_versions.is_empty(), "Fix versions column"),
        (Field::Sprint, all_fields || !c.sprints.is_empty(), "Sprint column"),
        (
            Field::Estimate,
            all_fields || c.story_points.is_some() || c.story_point_estimate.is_some(),
            "Story Points column",
        ),
        (Field::Due, c.due.is_some(), "Due date column"),
        (
            Field::State,
            c.status.is_some() || c.category.is_some() || c.resolution.is_some(),
            "Status column (nor Resolution or Status Category)",
        ),
    ]);
    Ok(Some(Imported { items, milestones, lacks, categorised, ..Imported::default() }))
}

/// Columns from which an export is Jira's "all fields" one (its "current fields" export
/// holds the few columns of the issue view: 14 in a real one).
const ALL_FIELDS_COLUMNS: usize = 40;

/// Which date of an item a value is.
#[derive(Debug, Clone, Copy)]
enum Slot {
    Created,
    Updated,
    Started,
    Closed,
    Due,
}

/// A numeric date (`04/05/2017`), read once its column's day/month order is known.
struct Later {
    item: usize,
    slot: Slot,
    col: usize,
    raw: Str,
    line: u64,
}

/// What a run of rows made, and what it leaves to be settled with all rows in view.
struct Batch {
    items: Vec<Item>,
    /// The line of each item, for duplicate keys.
    lines: Vec<u64>,
    /// Each item's `Issue id`, when a numeric `Parent` needs ids turned into keys.
    ids: Vec<Str>,
    /// Day/month evidence of each date column, from every row (even after an error).
    orders: Vec<ColumnOrder>,
    /// Each date column's first numeric value, to show when no order can be told.
    examples: Vec<Option<Str>>,
    later: Vec<Later>,
    /// Items whose `Parent` is a numeric id.
    parents: Vec<(usize, Str)>,
    /// The first error, with its line: no items are made after it.
    error: Option<(u64, Error)>,
    /// Every (project, fix version) of the items, and the last one seen.
    milestones: BTreeSet<(Str, Str)>,
    last_milestone: Option<(Str, Str)>,
    /// Status names the built-in table does not know whose meaning the row's `Status
    /// Category` gave, and the last status name looked at (rows of a status come together).
    categorised: BTreeSet<Str>,
    last_status: Option<Str>,
}

/// The batches merged so far, in file order, and their keys: duplicates are looked for
/// as batches arrive, while the cores still parse.
struct Merged<H = std::hash::RandomState> {
    all: Batch,
    /// A key's hash → its item (half the memory of a map of keys), and the rare key
    /// whose hash another key already took.
    keys: rustc_hash::FxHashMap<u64, u32>,
    collided: HashMap<Str, u64>,
    hasher: H,
    /// The first key seen twice: its line, the key, and the line it was first on.
    duplicate: Option<(u64, Str, u64)>,
}

impl Batch {
    fn new(rows: usize, date_cols: usize) -> Self {
        Batch {
            items: Vec::with_capacity(rows),
            lines: Vec::with_capacity(rows),
            ids: Vec::new(),
            orders: vec![ColumnOrder::default(); date_cols],
            examples: vec![None; date_cols],
            later: Vec::new(),
            parents: Vec::new(),
            error: None,
            milestones: BTreeSet::new(),
            last_milestone: None,
            categorised: BTreeSet::new(),
            last_status: None,
        }
    }

    /// Appends the batch of the rows after these.
    fn absorb(&mut self, b: Batch) {
        let offset = self.items.len();
        self.later.extend(b.later.into_iter().map(|l| Later { item: l.item + offset, ..l }));
        self.parents.extend(b.parents.into_iter().map(|(i, id)| (i + offset, id)));
        self.items.extend(b.items);
        self.lines.extend(b.lines);
        self.ids.extend(b.ids);
        for (k, o) in b.orders.iter().enumerate() {
            self.orders[k].merge(o);
        }
        for (mine, theirs) in self.examples.iter_mut().zip(b.examples) {
            if mine.is_none() {
                *mine = theirs;
            }
        }
        if self.error.is_none() {
            self.error = b.error;
        }
        self.milestones.extend(b.milestones);
        self.categorised.extend(b.categorised);
    }
}

impl Merged {
    fn new(rows: usize, date_cols: usize) -> Self {
        Merged::with_hasher(rows, date_cols, std::hash::RandomState::new())
    }
}

impl<H: std::hash::BuildHasher> Merged<H> {
    fn with_hasher(rows: usize, date_cols: usize, hasher: H) -> Self {
        Merged {
            all: Batch::new(rows, date_cols),
            keys: Default::default(),
            collided: HashMap::new(),
            hasher,
            duplicate: None,
        }
    }

    /// Appends the batch of the rows after these, looking for a duplicate key first.
    fn absorb(&mut self, b: Batch) {
        if self.duplicate.is_none() {
            self.duplicate = self.find_duplicate(&b);
        }
        self.all.absorb(b);
    }

    /// The first key of `b` (whose items follow those merged so far) that an earlier
    /// item has: its line, the key, and the earlier line.
    fn find_duplicate(&mut self, b: &Batch) -> Option<(u64, Str, u64)> {
        use std::collections::hash_map::Entry;
        let offset = self.all.items.len();
        self.keys.reserve(b.items.len());
        for (j, (item, &line)) in b.items.iter().zip(&b.lines).enumerate() {
            let earlier = match self.keys.entry(self.hasher.hash_one(&item.key)) {
                Entry::Vacant(v) => {
                    v.insert((offset + j) as u32);
                    continue;
                }
                Entry::Occupied(o) => *o.get() as usize,
            };
            let (first, first_line) = match earlier.checked_sub(offset) {
                Some(k) => (&b.items[k], b.lines[k]),
                None => (&self.all.items[earlier], self.all.lines[earlier]),
            };
            let at = if first.key == item.key {
                Some(first_line)
            } else {
                // Two keys, one hash: the later one is remembered by name.
                self.collided.insert(item.key.clone(), line)
            };
            if let Some(at) = at {
                return Some((line, item.key.clone(), at));
            }
        }
        None
    }
}

/// The columns found, and how to read a row with them.
struct Reader<'a> {
    path: &'a str,
    headers: &'a [String],
    c: &'a JiraColumns,
    links: &'a [(String, Vec<usize>)],
    rest: &'a super::common::Rest,
    ctx: &'a SourceCtx,
    date_cols: &'a [usize],
    need_ids: bool,
}

impl Reader<'_> {
    fn row(&self, b: &mut Batch, row: &Row) {
        for (k, &col) in self.date_cols.iter().enumerate() {
            let v = trim(row.get(col));
            if !v.is_empty() && b.orders[k].observe(v, row.line) && b.examples[k].is_none() {
                b.examples[k] = Some(v.into());
            }
        }
        if b.error.is_some() {
            return;
        }
        match self.item(b, row) {
            Ok(item) => {
                if self.need_ids {
                    b.ids.push(value(row, self.c.issue_id).unwrap_or("").into());
                }
                if let Some(title) = &item.milestone {
                    let project = item.project.as_deref().unwrap_or("");
                    // Rows of a version come together; a set lookup only on a change.
                    if b.last_milestone.as_ref().is_none_or(|(p, t)| p != project || t != title) {
                        let pair = (Str::from(project), title.clone());
                        b.milestones.insert(pair.clone());
                        b.last_milestone = Some(pair);
                    }
                }
                // A status the table does not know, explained by the export's own category:
                // no reason to ask the team what it means.
                if value(row, self.c.category).is_some()
                    && !item.status.is_empty()
                    && b.last_status.as_deref() != Some(&*item.status)
                {
                    if !b.categorised.contains(&*item.status) && !status::is_known(&item.status) {
                        b.categorised.insert(item.status.clone());
                    }
                    b.last_status = Some(item.status.clone());
                }
                b.items.push(item);
                b.lines.push(row.line);
            }
            Err(e) => b.error = Some((row.line, e)),
        }
    }

    fn at(&self, row: &Row, col: usize) -> Location {
        Location::file(self.path).line(row.line).column(&self.headers[col])
    }

    /// A date, unless it is numeric: that one waits in `b.later` for its column's order.
    fn date(
        &self,
        b: &mut Batch,
        row: &Row,
        col: Option<usize>,
        slot: Slot,
    ) -> Result<Option<Parsed>> {
        let Some(raw) = value(row, col) else { return Ok(None) };
        let col = col.unwrap_or(0);
        match dates::parse(raw, None) {
            Ok(p) => Ok(Some(p)),
            Err(DateError::AmbiguousOrder) => {
                let item = b.items.len();
                b.later.push(Later { item, slot, col, raw: raw.into(), line: row.line });
                Ok(None)
            }
            Err(e) => Err(datecols::invalid(self.path, self.headers, row.line, col, raw, None, e)),
        }
    }

    fn item(&self, b: &mut Batch, row: &Row) -> Result<Item> {
        let (c, ctx) = (self.c, self.ctx);
        let key = self.key(row)?;
        let status_raw = value(row, c.status).unwrap_or("");
        let resolution = value(row, c.resolution);
        let state =
            status::normalise(status_raw, value(row, c.category), resolution, &ctx.status_maps());
        let project = value(row, c.project)
            .map(Str::from)
            .or_else(|| key.rsplit_once('-').map(|(p, _)| Str::from(p)));
        let milestone = values(row, &c.fix_versions).next().map(Str::from);
        let parent = match value(row, c.parent_key).or_else(|| value(row, c.epic_link)) {
            Some(k) => Some(format!("jira:{k}")),
            None => match value(row, c.parent) {
                Some(p) if p.bytes().all(|b| b.is_ascii_digit()) => {
                    if self.need_ids {
                        b.parents.push((b.items.len(), p.into()));
                    }
                    None
                }
                Some(p) => Some(format!("jira:{p}")),
                None => None,
            },
        };
        let mut item_links = Vec::new();
        for (kind, idx) in self.links {
            for target in values(row, idx) {
                item_links.push(Link {
                    kind: kind.as_str().into(),
                    target: format!("jira:{target}").into(),
                });
            }
        }
        let tz = ctx.tz;
        let created = self.date(b, row, c.created, Slot::Created)?.map(|p| p.instant(tz));
        // Without an actual start, the moment the status category last changed is when
        // work on an item in progress started.
        let start_col = match value(row, c.actual_start) {
            None if state == State::InProgress => c.category_changed,
            _ => c.actual_start,
        };
        let started = self.date(b, row, start_col, Slot::Started)?.map(|p| p.instant(tz));
        let mut fields = self.rest.fields(row, |v| v);
        // A numeric parent id no `Issue id` column can turn into a key is kept as written.
        if let (Some(p), false, None) = (value(row, c.parent), self.need_ids, &parent) {
            fields.insert(self.headers[c.parent.unwrap_or(0)].as_str(), FieldValue::One(p.into()));
        }
        if values(row, &c.fix_versions).nth(1).is_some() {
            fields.insert(
                self.headers[c.fix_versions[0]].as_str(),
                FieldValue::Many(values(row, &c.fix_versions).map(str::to_string).collect()),
            );
        }
        let number = |idx: Option<usize>, what: &str, hint: &str| -> Result<Option<f64>> {
            match value(row, idx) {
                None => Ok(None),
                Some(v) => super::common::parse_number(v).map(Some).ok_or_else(|| {
                    Error::input(
                        self.at(row, idx.unwrap_or(0)),
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
        let updated = self.date(b, row, c.updated, Slot::Updated)?.map(|p| p.instant(tz));
        // Without a resolution date, a finished item finished when its status category
        // last changed (to Done).
        let closed_col = match value(row, c.resolved) {
            None if matches!(state, State::Done | State::Cancelled) => c.category_changed,
            _ => c.resolved,
        };
        let closed = self.date(b, row, closed_col, Slot::Closed)?.map(|p| p.instant(tz));
        let due = self.date(b, row, c.due, Slot::Due)?.map(Parsed::date);
        // Every sprint the item was in, in the export's order: the last is its sprint now.
        let mut sprints = distinct(values(row, &c.sprints));
        let iteration = sprints.pop();
        Ok(Item {
            id: format!("jira:{key}").into(),
            key: key.into(),
            // Two Jira sites number alike: a move is followed only where the id is unique.
            native_id: value(row, c.issue_id)
                .filter(|v| !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()))
                .map(|v| format!("jira-issue:{v}").into()),
            source: ctx.source.clone(),
            kind: crate::model::kind::normalise(value(row, c.kind).unwrap_or("issue")).into(),
            title: value(row, c.summary).unwrap_or("").into(),
            body: value(row, c.description).unwrap_or("").to_string(),
            url: ctx
                .base_url
                .as_ref()
                .or(ctx.jira_url.as_ref())
                .map(|b| format!("{}/browse/{key}", b.trim_end_matches('/'))),
            state,
            status: status_raw.into(),
            labels: list(values(row, &c.labels).flat_map(str::split_whitespace)),
            assignees: list(values(row, &c.assignee)),
            author: value(row, c.reporter).or_else(|| value(row, c.creator)).map(Str::from),
            project,
            team: value(row, c.team).map(Str::from),
            components: list(values(row, &c.components)),
            milestone,
            iteration,
            past_iterations: sprints,
            parent: parent.map(Str::from),
            links: item_links,
            priority: value(row, c.priority).map(Str::from),
            estimate,
            time_estimate,
            created,
            updated,
            started,
            closed,
            due,
            votes,
            comments: values(row, &c.comments).count() as u32,
            fields,
        })
    }

    /// Settles what needed every row: date order, numeric dates, duplicate keys, parent
    /// ids. Errors: a date-order one first, then the one on the earliest line.
    fn finish(&self, merged: Merged) -> Result<Vec<Item>> {
        // The key index has done its work.
        let Merged { mut all, duplicate, .. } = merged;
        let evidence: Vec<(usize, ColumnOrder)> =
            self.date_cols.iter().copied().zip(all.orders.iter().copied()).collect();
        let orders =
            datecols::decide(self.path, self.headers, &evidence, self.ctx.date_order, |col, _| {
                let k = self.date_cols.iter().position(|&c| c == col);
                k.and_then(|k| all.examples[k].as_deref()).unwrap_or("").to_string()
            })?;
        let mut first: Option<(u64, Error)> = None;
        let mut offer = |line: u64, e: Error| {
            if first.as_ref().is_none_or(|(l, _)| line < *l) {
                first = Some((line, e));
            }
        };
        if let Some((line, key, earlier)) = duplicate {
            let e = Error::input(
                Location::file(self.path).line(line).column(&self.headers[self.c.key]),
                format!("duplicate key {key} (first on line {earlier})"),
            );
            offer(line, e);
        }
        if let Some((line, e)) = all.error.take() {
            offer(line, e);
        }
        for later in &all.later {
            let order = orders[later.col];
            let parsed = match dates::parse(&later.raw, order) {
                Ok(p) => p,
                Err(e) => {
                    let (h, p) = (self.headers, self.path);
                    offer(
                        later.line,
                        datecols::invalid(p, h, later.line, later.col, &later.raw, order, e),
                    );
                    break;
                }
            };
            let Some(item) = all.items.get_mut(later.item) else { continue };
            let tz = self.ctx.tz;
            match later.slot {
                Slot::Created => item.created = Some(parsed.instant(tz)),
                Slot::Updated => item.updated = Some(parsed.instant(tz)),
                Slot::Started => item.started = Some(parsed.instant(tz)),
                Slot::Closed => item.closed = Some(parsed.instant(tz)),
                Slot::Due => item.due = Some(parsed.date()),
            }
        }
        if let Some((_, e)) = first {
            return Err(e);
        }
        if !all.parents.is_empty() {
            let keys: HashMap<&str, Str> = all
                .ids
                .iter()
                .zip(&all.items)
                .filter(|(id, _)| !id.is_empty())
                .map(|(id, it)| (id.as_str(), format!("jira:{}", it.key).into()))
                .collect();
            let parent_header = self.headers[self.c.parent.unwrap_or(0)].as_str();
            for (i, id) in &all.parents {
                match keys.get(id.as_str()) {
                    Some(key) => all.items[*i].parent = Some(key.clone()),
                    // Its parent is not in the export: the id is kept as written.
                    None => {
                        all.items[*i].fields.insert(parent_header, FieldValue::One(id.to_string()))
                    }
                }
            }
        }
        Ok(all.items)
    }

    /// The row's key, which must look like `PROJ-123`.
    fn key<'a>(&self, row: &Row<'a>) -> Result<&'a str> {
        let c = self.c;
        let Some(key) = value(row, Some(c.key)) else {
            // A row that stops before the key column: a line broken outside quotes that
            // the rows source could not tell from trailing empty fields left off.
            let message = if row.len() <= c.key {
                format!(
                    "issue key is empty: the row has only {} of {} fields (a line break outside quotes?)",
                    row.len(),
                    self.headers.len()
                )
            } else {
                "issue key is empty".to_string()
            };
            return Err(Error::input(self.at(row, c.key), message));
        };
        if !super::common::looks_like_key(key) {
            // A comma the writer did not quote shifts every later column one to the right,
            // and the key column then holds a piece of the summary.
            let hint = if c.key > 0 {
                "; a value with an unquoted comma earlier in the row shifts the columns"
            } else {
                ""
            };
            return Err(Error::input(
                self.at(row, c.key),
                format!(
                    "issue key {} is not a Jira key like PROJ-123{hint}",
                    crate::text::quote(key)
                ),
            ));
        }
        Ok(key)
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::source::SourceSpec;

    /// Every key hashes alike: each lookup after the first is a collision.
    #[derive(Default)]
    struct Collide;

    impl std::hash::Hasher for Collide {
        fn finish(&self) -> u64 {
            7
        }
        fn write(&mut self, _: &[u8]) {}
    }

    #[test]
    fn duplicate_keys_are_found_when_their_hashes_collide() {
        let batch = |keys: &[&str], first_line: u64| {
            let mut b = Batch::new(keys.len(), 0);
            for (i, k) in keys.iter().enumerate() {
                b.items.push(Item { key: (*k).into(), ..Item::default() });
                b.lines.push(first_line + i as u64);
            }
            b
        };
        let hasher = std::hash::BuildHasherDefault::<Collide>::default();
        // A key that collided with another, seen again in a later batch.
        let mut m = Merged::with_hasher(8, 0, hasher.clone());
        m.absorb(batch(&["A-1", "B-2", "C-3"], 2));
        assert_eq!(m.duplicate, None, "colliding keys are not duplicates");
        m.absorb(batch(&["D-4", "B-2"], 5));
        assert_eq!(m.duplicate, Some((6, "B-2".into(), 3)));
        // The key that took the hash first, seen again in the same batch.
        let mut m = Merged::with_hasher(8, 0, hasher);
        m.absorb(batch(&["A-1", "B-2", "A-1"], 2));
        assert_eq!(m.duplicate, Some((4, "A-1".into(), 2)));
    }

    /// A 9 MB export with numeric dates (their order proven only near the end), numeric
    /// parent ids, multi-line descriptions with quotes, and `edit` applied to its rows.
    fn export(edit: impl Fn(usize, String) -> String) -> String {
        let mut s = String::from(
            "Summary,Issue key,Issue id,Parent,Status,Created,Due Date,Labels,Labels,Description\n",
        );
        let body = "y".repeat(150);
        let mut i = 0;
        while s.len() < 9 << 20 {
            // Day and month both ≤ 12 until the last rows, which are day-first.
            let day = if i > 40_000 { 13 + i % 15 } else { 1 + i % 12 };
            let parent =
                if i > 0 && i % 3 == 0 { format!("{}", 10_000 + i - 1) } else { String::new() };
            let row = format!(
                "Task {i},P-{i},{},{parent},Done,{day:02}/0{}/2024 10:{:02},{day}/Mar/25,a b,c,\"{body}\n\"\"q\"\" {i}\"\n",
                10_000 + i,
                1 + i % 9,
                i % 60
            );
            s.push_str(&edit(i, row));
            i += 1;
        }
        s
    }

    /// The result of both readings: in chunks (asserted to be chunks) and as a table.
    fn both(text: impl AsRef<[u8]>) -> (Result<Imported>, Result<Imported>) {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("big.csv");
        std::fs::write(&path, text).expect("written");
        assert!(matches!(chunks::read("big.csv", &path), Ok(Export::Chunked(_))));
        let config = Config::default();
        let spec = SourceSpec::parse("jira:big.csv").expect("spec");
        let ctx = SourceCtx::new(&spec, &config);
        let chunked = import_file("big.csv", &path, &ctx);
        let whole = Table::read("big.csv", &path).and_then(|t| import(&t, &ctx));
        (chunked, whole)
    }

    fn err(r: Result<Imported>) -> String {
        r.map(|i| i.items.len()).expect_err("an error").to_string()
    }

    #[test]
    fn chunks_import_as_a_table_does() {
        let (chunked, whole) = both(export(|_, row| row));
        let (chunked, whole) = (chunked.expect("imports"), whole.expect("imports"));
        assert!(chunked.items.len() > 40_000, "{}", chunked.items.len());
        assert_eq!(chunked.items, whole.items);
        assert_eq!(chunked.milestones, whole.milestones);
        // Numeric dates were read day-first, from evidence at the end of the file.
        let it = &chunked.items[1];
        assert_eq!(
            it.created.map(|c| c.to_rfc3339()).as_deref(),
            Some("2024-02-02T10:01:00+00:00")
        );
        assert_eq!(it.labels, ["a", "b", "c"]);
        // A numeric parent id became the parent's key.
        assert_eq!(chunked.items[3].parent.as_deref(), Some("jira:P-2"));
    }

    /// What chunks cannot read is read whole: a quote inside an unquoted title fools the
    /// cuts, and a Windows-1252 byte late in the file is no UTF-8.
    #[test]
    fn files_chunks_cannot_read_are_read_whole() {
        let stray =
            export(|i, row| if i == 5 { row.replacen("Task 5", "27\" screen", 1) } else { row });
        let mut latin = export(|_, row| row).into_bytes();
        let at = latin.len() - 100;
        let e = latin[at..].iter().position(|&b| b == b'y').expect("a y") + at;
        latin[e] = 0xE9;
        for text in [stray.into_bytes(), latin] {
            let (chunked, whole) = both(&text);
            let (chunked, whole) = (chunked.expect("imports"), whole.expect("imports"));
            assert_eq!(chunked.items, whole.items);
            assert!(chunked
                .items
                .iter()
                .any(|it| it.title == "27\" screen" || it.body.contains('é')));
        }
    }

    /// `csv:` tells a large Jira export from its header alone and reads it in chunks too.
    #[test]
    fn csv_detects_a_large_jira_export_from_its_header() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("big.csv");
        std::fs::write(&path, export(|_, row| row)).expect("written");
        let config = Config::default();
        let load = |prefix: &str| {
            let spec = SourceSpec::parse(&format!("{prefix}:{}", path.display())).expect("spec");
            let mut snap = crate::model::Snapshot::empty(chrono::DateTime::UNIX_EPOCH);
            crate::source::load_all(&mut snap, &[spec], &config).expect("loads");
            snap.items.iter_mut().for_each(|it| it.source = "".into());
            snap
        };
        let (csv, jira) = (load("csv"), load("jira"));
        assert_eq!(csv.sources[0].format, "jira");
        assert!(csv.items.len() > 40_000);
        assert_eq!(csv.items, jira.items);
    }

    #[test]
    fn chunk_errors_are_a_tables() {
        // A duplicate key, a bad numeric date and an unquoted comma, each late in the file.
        let cases: [(usize, &str, &str); 3] = [
            (41_000, "Task x,P-7,", "duplicate key P-7 (first on line 16)"),
            (40_601, "/2024 10:", "cannot parse date \"24/13/2024 10:41\": there is no month 13"),
            (40_300, "P ", "issue key \"P 40300\" is not a Jira key"),
        ];
        for (at, from, expect) in cases {
            let text = export(|i, row| {
                if i != at {
                    return row;
                }
                match from {
                    "/2024 10:" => row.replacen("/0", "/1", 1),
                    "P " => row.replacen("P-", "P ", 1),
                    _ => row.replacen(&format!("Task {i},P-{i},"), from, 1),
                }
            });
            let (chunked, whole) = both(&text);
            let (c, w) = (err(chunked), err(whole));
            assert_eq!(c, w);
            assert!(c.contains(expect), "{c}");
        }
    }
}
