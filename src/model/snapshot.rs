//! Snapshots: every item and milestone at one instant, and last week as deltas read it.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::{Item, State, Str, SCHEMA_VERSION};

/// A delivery target. Exports carry no milestone dates; the config can give them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Milestone {
    /// `jira:PROJ/1.2`, `github:owner/repo/milestone/3`.
    pub id: String,
    pub title: String,
    pub source: String,
    pub project: Option<String>,
    pub team: Option<String>,
    pub state: State,
    pub due: Option<NaiveDate>,
    /// When work towards it starts; exports have none, the config can give it.
    pub start: Option<NaiveDate>,
    pub created: Option<DateTime<Utc>>,
    pub closed: Option<DateTime<Utc>>,
    pub description: String,
    pub url: Option<String>,
}

impl Default for Milestone {
    fn default() -> Self {
        Milestone {
            id: String::new(),
            title: String::new(),
            source: String::new(),
            project: None,
            team: None,
            state: State::Open,
            due: None,
            start: None,
            created: None,
            closed: None,
            description: String::new(),
            url: None,
        }
    }
}

/// Where a snapshot's data came from and how fresh it is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SourceInfo {
    /// The spec as given: `jira:exports/proj.csv`.
    pub spec: String,
    /// The detected format: `jira`, `snapshot`, `github`…
    pub format: String,
    /// The newest `updated` instant in the data: how fresh an export is, read from its
    /// contents rather than the file's modification time so output stays reproducible.
    pub data_as_of: Option<DateTime<Utc>>,
    pub items: usize,
    pub milestones: usize,
    /// Fields the export has no column for (a Jira export of "current fields" has no Fix
    /// versions, Sprint, Story Points); known while the run that read it lasts, not stored.
    #[serde(skip)]
    pub lacks: Vec<Lack>,
}

/// A field of items an export can have no column for, which a stored week keeps and
/// next week compares: its absence one week is not a change (see `analyse::Ctx::lost`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Milestone,
    Sprint,
    Estimate,
    Due,
}

impl Field {
    /// What the field holds, in a sentence: "fix versions" is Jira's word, so the source's
    /// column is named beside it.
    pub fn plural(self) -> &'static str {
        match self {
            Field::Milestone => "milestones",
            Field::Sprint => "sprints",
            Field::Estimate => "estimates",
            Field::Due => "due dates",
        }
    }
}

/// A field a source has no column for, and the column (or mapping) that would give it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lack {
    pub field: Field,
    /// `Fix versions column`, `` `milestone` mapping ``.
    pub column: &'static str,
}

impl Lack {
    /// The lacks of a source: each field whose column was not found.
    pub fn of(found: &[(Field, bool, &'static str)]) -> Vec<Lack> {
        (found.iter())
            .filter(|(_, found, _)| !found)
            .map(|&(field, _, column)| Lack { field, column })
            .collect()
    }
}

/// Everything the later stages need, from every source, at one instant.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    pub schema_version: u32,
    pub taken_at: DateTime<Utc>,
    pub sources: Vec<SourceInfo>,
    pub items: Vec<Item>,
    pub milestones: Vec<Milestone>,
    /// Sprints (cycles, iterations) with the dates a source or the config gives them;
    /// items name theirs in `Item::iteration`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub iterations: Vec<Iteration>,
    /// What teams said of their own projects (GitHub Projects' status updates), newest
    /// of each project.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub status_updates: Vec<StatusUpdate>,
    /// What `report::scope` left out of the counts, for the reports to say; not stored.
    #[serde(skip)]
    pub left_out: LeftOut,
}

/// Items a source gave that the reports do not count, by why.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LeftOut {
    /// Pull requests counted with the issue they close.
    pub pull_requests: usize,
    /// Items outside the `[scope]` filters.
    pub filtered: usize,
    /// Items opened by bots (`[scope] bots` off).
    pub bots: usize,
}

/// A team's own word on a project: GitHub Projects' "On track", "At risk", "Off track".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusUpdate {
    /// The project's title.
    pub project: String,
    pub url: Option<String>,
    /// `On track`, `At risk`, `Off track`, `Complete`, `Inactive`.
    pub status: String,
    pub body: String,
    pub created: Option<DateTime<Utc>>,
    pub target_date: Option<NaiveDate>,
}

/// A sprint's dates, where an export has them (Linear's cycles) or `[[milestone]]`
/// entries titled like the sprint give them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Iteration {
    pub title: String,
    pub start: Option<NaiveDate>,
    pub end: Option<NaiveDate>,
}

impl Snapshot {
    /// A snapshot with no sources yet, taken at `taken_at`.
    pub fn empty(taken_at: DateTime<Utc>) -> Self {
        Snapshot {
            schema_version: SCHEMA_VERSION,
            taken_at,
            sources: Vec::new(),
            items: Vec::new(),
            milestones: Vec::new(),
            iterations: Vec::new(),
            status_updates: Vec::new(),
            left_out: LeftOut::default(),
        }
    }
}

/// Last week as the analysis compares it: of each item, what a stored week keeps (see
/// `report::state`). Reads a stored week, or any full snapshot, whose other fields are
/// skipped: 100k items of last week are 9 MB this way, 60 MB as `Item`s.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Baseline {
    pub taken_at: DateTime<Utc>,
    pub items: Vec<Prior>,
    #[serde(default)]
    pub milestones: Vec<Milestone>,
    /// The week recorded which items were blocked (`blocked_since`); weeks stored by
    /// earlier versions, and full snapshots, did not.
    #[serde(default)]
    pub blocked_tracked: bool,
}

/// An item as it was at the baseline.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default)]
pub struct Prior {
    pub id: Str,
    pub state: State,
    pub milestone: Option<Str>,
    /// Its sprint then (stored weeks from before sprints were kept have none).
    pub iteration: Option<Str>,
    /// Since when it was blocked, if it was blocked then.
    pub blocked_since: Option<NaiveDate>,
    /// `blocked_since` is only a bound (from the items' creation), not a sighting.
    pub blocked_bound: bool,
    pub due: Option<NaiveDate>,
    pub votes: u32,
    /// Its estimate then (story points); stored weeks from before estimates were kept
    /// have none.
    pub estimate: Option<f64>,
    /// Its title then, kept for items in a milestone: what the report names an item
    /// that left the data by (stored weeks from before titles were kept have none).
    pub title: Option<Str>,
}

impl Default for Prior {
    fn default() -> Self {
        Prior {
            id: Str::default(),
            state: State::Open,
            milestone: None,
            iteration: None,
            blocked_since: None,
            blocked_bound: false,
            due: None,
            votes: 0,
            estimate: None,
            title: None,
        }
    }
}

impl Baseline {
    /// The baseline a full snapshot gives (the demo's last week).
    pub fn of(snapshot: &Snapshot) -> Self {
        Self::of_with_blocked(snapshot, None)
    }

    /// The baseline of a week just stored, with since when each item was blocked and
    /// whether that was seen (`true`) or only bounded.
    pub fn of_with_blocked(
        snapshot: &Snapshot,
        blocked: Option<(&[Option<NaiveDate>], &[bool])>,
    ) -> Self {
        Baseline {
            taken_at: snapshot.taken_at,
            items: snapshot
                .items
                .iter()
                .enumerate()
                .map(|(i, it)| Prior {
                    id: it.id.clone(),
                    state: it.state,
                    milestone: it.milestone.clone(),
                    iteration: it.iteration.clone(),
                    blocked_since: blocked.and_then(|(b, _)| b.get(i).copied().flatten()),
                    blocked_bound: blocked.is_some_and(|(b, s)| {
                        b.get(i).is_some_and(Option::is_some) && !s.get(i).copied().unwrap_or(false)
                    }),
                    due: it.due,
                    votes: it.votes,
                    estimate: it.estimate,
                    title: it.milestone.is_some().then(|| it.title.clone()),
                })
                .collect(),
            milestones: snapshot.milestones.clone(),
            blocked_tracked: blocked.is_some(),
        }
    }
}
