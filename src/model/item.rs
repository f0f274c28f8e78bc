//! Items: one unit of tracked work, its state, links and extra fields.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// The short strings of the model (keys, ids, names, labels, statuses): up to 24 bytes are
/// kept inline, without an allocation of their own. A 100k-item export has millions of
/// them; as `String`s they were most of the import's allocations and of its memory.
pub type Str = compact_str::CompactString;

/// Version of the snapshots and stored weeks rolecall writes and reads back. Bumped on
/// any incompatible change.
pub const SCHEMA_VERSION: u32 = 1;

/// Version of the JSON reports (`<role>.json`): 2 added forecasts, burn-up, dependencies,
/// flow, the RAID log and weeks at a colour per workstream and milestone.
pub const REPORT_SCHEMA_VERSION: u32 = 2;

/// Normalised workflow state. The tracker's own status name is kept in `Item::status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum State {
    Open,
    InProgress,
    Done,
    Cancelled,
}

impl State {
    pub fn as_str(self) -> &'static str {
        match self {
            State::Open => "open",
            State::InProgress => "in-progress",
            State::Done => "done",
            State::Cancelled => "cancelled",
        }
    }

    /// Parses the names a user writes in a `status-map` (`in progress`, `in-progress`, …).
    pub fn parse(s: &str) -> Option<State> {
        match s.trim().to_ascii_lowercase().replace(['_', ' '], "-").as_str() {
            "open" | "todo" | "to-do" => Some(State::Open),
            "in-progress" | "started" | "active" => Some(State::InProgress),
            "done" | "closed" | "complete" | "completed" => Some(State::Done),
            "cancelled" | "canceled" => Some(State::Cancelled),
            _ => None,
        }
    }

    /// Open or in progress: work that is still to be done.
    pub fn is_active(self) -> bool {
        matches!(self, State::Open | State::InProgress)
    }
}

/// The kinds of link trackers record between items, from the point of view of the item
/// that carries the link.
pub mod link_kind {
    pub const BLOCKS: &str = "blocks";
    pub const BLOCKED_BY: &str = "blocked-by";
    pub const RELATES_TO: &str = "relates-to";
    pub const DUPLICATES: &str = "duplicates";
    pub const DUPLICATED_BY: &str = "duplicated-by";
    pub const CLONES: &str = "clones";
    pub const CLONED_BY: &str = "cloned-by";
    /// A pull request closing an issue.
    pub const CLOSES: &str = "closes";
}

/// A typed edge to another item. `target` is the other item's `id` (it may not be in the
/// snapshot: links often cross into projects that were not exported).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Link {
    /// `blocks`, `blocked-by`, `relates-to`, `duplicates`, `duplicated-by`, `clones`,
    /// `cloned-by`, or the tracker's own link name for anything else.
    pub kind: Str,
    pub target: Str,
}

/// A field value kept as the tracker wrote it: one value, or several for repeated columns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum FieldValue {
    One(String),
    Many(Vec<String>),
}

impl FieldValue {
    pub fn values(&self) -> &[String] {
        match self {
            FieldValue::One(v) => std::slice::from_ref(v),
            FieldValue::Many(v) => v,
        }
    }
}

/// The columns an export has beyond the model's, by header as written: a small map kept
/// as a list sorted by name. Most items have a handful of entries, where a `BTreeMap`
/// allocates a node of some 600 bytes each; headers are shared between items.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Fields(Vec<(Arc<str>, FieldValue)>);

impl Fields {
    pub fn new() -> Self {
        Fields(Vec::new())
    }

    /// Room for `n` names without growing: a first `push` onto an empty list reserves four.
    pub fn with_capacity(n: usize) -> Self {
        Fields(Vec::with_capacity(n))
    }

    fn find(&self, name: &str) -> Result<usize, usize> {
        self.0.binary_search_by(|(k, _)| k.as_ref().cmp(name))
    }

    pub fn get(&self, name: &str) -> Option<&FieldValue> {
        self.find(name).ok().map(|i| &self.0[i].1)
    }

    pub fn contains_key(&self, name: &str) -> bool {
        self.find(name).is_ok()
    }

    /// Sets `name` to `value`, replacing what it held.
    pub fn insert(&mut self, name: impl Into<Arc<str>>, value: FieldValue) {
        let name = name.into();
        match self.find(&name) {
            Ok(i) => self.0[i].1 = value,
            Err(i) => self.0.insert(i, (name, value)),
        }
    }

    /// Sets `name` to `value` unless it is already set.
    pub fn insert_missing(&mut self, name: impl Into<Arc<str>>, value: FieldValue) {
        let name = name.into();
        if let Err(i) = self.find(&name) {
            self.0.insert(i, (name, value));
        }
    }

    /// Adds one value under `name`: the first is kept as one value, later ones (a header
    /// repeated in the export) make it a list.
    pub fn push(&mut self, name: &Arc<str>, value: String) {
        match self.find(name) {
            Err(i) => self.0.insert(i, (name.clone(), FieldValue::One(value))),
            Ok(i) => {
                let slot = &mut self.0[i].1;
                match slot {
                    FieldValue::One(first) => {
                        *slot = FieldValue::Many(vec![std::mem::take(first), value])
                    }
                    FieldValue::Many(list) => list.push(value),
                }
            }
        }
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &FieldValue)> {
        self.0.iter().map(|(k, v)| (k.as_ref(), v))
    }

    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(|(k, _)| k.as_ref())
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn clear(&mut self) {
        self.0.clear();
    }
}

impl Serialize for Fields {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.0.iter().map(|(k, v)| (k.as_ref(), v)))
    }
}

impl<'de> Deserialize<'de> for Fields {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let map = BTreeMap::<String, FieldValue>::deserialize(d)?;
        Ok(Fields(map.into_iter().map(|(k, v)| (Arc::from(k), v)).collect()))
    }
}

/// One unit of tracked work: an issue, pull request, story, task, bug, epic…
///
/// In JSON, absent values (`null`, an empty body, no extra fields) are left out: a
/// snapshot of 100,000 items is a third smaller, and every field reads back as its default.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Item {
    /// Stable across runs and sources: `jira:PROJ-7`, `github:owner/repo#12`.
    pub id: Str,
    /// The key people use: `PROJ-7`, `owner/repo#12`.
    pub key: Str,
    /// The tracker's own id where it outlives the key: Jira's numeric `Issue id`, which
    /// stays when an issue moves to another project and its key changes (`ABC-12` becomes
    /// `XYZ-40`). Last week's item is found by it when the key is gone.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub native_id: Option<Str>,
    /// The source spec it came from, as given (`jira:exports/proj.csv`); one string shared
    /// by every item of the source.
    pub source: Arc<str>,
    /// Lower-case kebab: `story`, `task`, `bug`, `epic`, `sub-task`, `issue`, `pull-request`…
    pub kind: Str,
    pub title: Str,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub body: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    pub state: State,
    /// The tracker's own status name, untouched.
    pub status: Str,
    pub labels: Vec<Str>,
    pub assignees: Vec<Str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub author: Option<Str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub project: Option<Str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub team: Option<Str>,
    pub components: Vec<Str>,
    /// The delivery target: GitHub milestone, Jira fix version, Linear project milestone.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub milestone: Option<Str>,
    /// The time-box: Jira's latest sprint, Linear cycle, Projects iteration.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub iteration: Option<Str>,
    /// Earlier sprints the item was in, oldest first (Jira lists every sprint an item
    /// was carried through).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub past_iterations: Vec<Str>,
    /// The parent item's `id` (epic, parent issue).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parent: Option<Str>,
    pub links: Vec<Link>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub priority: Option<Str>,
    /// Story points or the tracker's own estimate unit.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub estimate: Option<f64>,
    /// Time estimate in seconds (Jira's `Original estimate`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time_estimate: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created: Option<DateTime<Utc>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub updated: Option<DateTime<Utc>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub started: Option<DateTime<Utc>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub closed: Option<DateTime<Utc>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub due: Option<NaiveDate>,
    pub votes: u32,
    pub comments: u32,
    /// Every other non-empty column, under its header as written.
    #[serde(skip_serializing_if = "Fields::is_empty")]
    pub fields: Fields,
}

impl Default for Item {
    fn default() -> Self {
        Item {
            id: Str::default(),
            key: Str::default(),
            native_id: None,
            source: Arc::from(""),
            kind: Str::default(),
            title: Str::default(),
            body: String::new(),
            url: None,
            state: State::Open,
            status: Str::default(),
            labels: Vec::new(),
            assignees: Vec::new(),
            author: None,
            project: None,
            team: None,
            components: Vec::new(),
            milestone: None,
            iteration: None,
            past_iterations: Vec::new(),
            parent: None,
            links: Vec::new(),
            priority: None,
            estimate: None,
            time_estimate: None,
            created: None,
            updated: None,
            started: None,
            closed: None,
            due: None,
            votes: 0,
            comments: 0,
            fields: Fields::new(),
        }
    }
}

impl Item {
    /// An epic: a container of work items that lasts for months by design (reports count
    /// its items rather than it).
    pub fn is_epic(&self) -> bool {
        self.kind.eq_ignore_ascii_case("epic")
    }

    /// Fills what this item lacks from `other` (the same item seen by another source).
    /// Values already present win; lists are merged without duplicates.
    pub fn merge_from(&mut self, other: Item) {
        fn fill<T>(a: &mut Option<T>, b: Option<T>) {
            if a.is_none() {
                *a = b;
            }
        }
        fn fill_str<S: std::ops::Deref<Target = str>>(a: &mut S, b: S) {
            if a.is_empty() {
                *a = b;
            }
        }
        fn union<T: PartialEq>(a: &mut Vec<T>, b: Vec<T>) {
            for v in b {
                if !a.contains(&v) {
                    a.push(v);
                }
            }
        }
        fill_str(&mut self.kind, other.kind);
        fill_str(&mut self.title, other.title);
        fill_str(&mut self.body, other.body);
        fill_str(&mut self.status, other.status);
        fill(&mut self.url, other.url);
        fill(&mut self.author, other.author);
        fill(&mut self.project, other.project);
        fill(&mut self.team, other.team);
        fill(&mut self.milestone, other.milestone);
        fill(&mut self.iteration, other.iteration);
        fill(&mut self.parent, other.parent);
        fill(&mut self.priority, other.priority);
        fill(&mut self.estimate, other.estimate);
        fill(&mut self.time_estimate, other.time_estimate);
        fill(&mut self.created, other.created);
        fill(&mut self.updated, other.updated);
        fill(&mut self.started, other.started);
        fill(&mut self.closed, other.closed);
        fill(&mut self.due, other.due);
        union(&mut self.labels, other.labels);
        union(&mut self.assignees, other.assignees);
        union(&mut self.components, other.components);
        union(&mut self.past_iterations, other.past_iterations);
        union(&mut self.links, other.links);
        self.votes = self.votes.max(other.votes);
        self.comments = self.comments.max(other.comments);
        for (k, v) in other.fields.0 {
            self.fields.insert_missing(k, v);
        }
    }
}
