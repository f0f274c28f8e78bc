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
    /// Status names the built-in table does not know whose meaning the export gave (Jira's
    /// `Status Category`): a report does not ask what they mean. Not stored.
    #[serde(skip)]
    pub categorised: Vec<crate::model::Str>,
}

/// A field of items an export can have no column for, which a stored week keeps and
/// next week compares: its absence one week is not a change (see `analyse::Ctx::lost`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Milestone,
    Sprint,
    Estimate,
    Due,
    /// Whether an item is done: a status, resolution or completion column. Without one
    /// every item reads as open, which the reports say instead of "nothing finished".
    State,
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
            Field::State => "statuses",
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
    /// Items that moved since (see [`Baseline::follow_moves`]): their id then and now.
    #[serde(skip)]
    pub moved: Vec<(Str, Str)>,
}

/// An item as it was at the baseline.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default)]
pub struct Prior {
    pub id: Str,
    /// The tracker's own id then (see [`crate::model::Item::native_id`]); weeks stored
    /// by earlier versions have none.
    pub native_id: Option<Str>,
    /// When it was created, kept beside a tracker's id: a moved issue keeps it, so an
    /// id another site happens to share is not taken for a move.
    #[serde(deserialize_with = "super::instant::deserialize")]
    pub created: Option<DateTime<Utc>>,
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
            native_id: None,
            created: None,
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
    /// Last week's entries as this week names them: moved items by their id now
    /// ([`Baseline::follow_moves`]), then sprints renamed by their team
    /// ([`Baseline::follow_renamed_sprints`], which reads the ids the first gives).
    pub fn follow(&mut self, items: &[Item]) {
        self.follow_moves(items);
        self.follow_renamed_sprints(items);
    }

    /// Gives last week's entry of an item that moved since (a Jira issue moved to another
    /// project: `ABC-12` is now `XYZ-40`) the item's id now, found by the tracker's own
    /// id ([`Item::native_id`]), so that it is compared as the same item instead of one
    /// removed and one added. Only where the tracker's id names one item each week, both
    /// weeks give the same creation time (two Jira sites can number alike; a moved issue
    /// keeps when it was created), and the old key is gone from `items` or is now
    /// another issue's (a key given again). The moves are kept in [`Baseline::moved`],
    /// in last week's order.
    pub fn follow_moves(&mut self, items: &[Item]) {
        use rustc_hash::{FxHashMap, FxHashSet};
        if !self.items.iter().any(|p| p.native_id.is_some()) {
            return;
        }
        let index_now: FxHashMap<&str, usize> =
            items.iter().enumerate().map(|(i, it)| (&*it.id, i)).collect();
        // Last week's items with a tracker's id whose key is gone, or is now another
        // issue's (a key given again): most weeks, none, and nothing more is looked at.
        let candidates: Vec<usize> = (0..self.items.len())
            .filter(|&p| {
                let Some(native) = self.items[p].native_id.as_deref() else { return false };
                match index_now.get(&*self.items[p].id) {
                    None => true,
                    Some(&j) => items[j].native_id.as_deref().is_some_and(|n| n != native),
                }
            })
            .collect();
        if candidates.is_empty() {
            return;
        }
        // The tracker's ids seen once, each week: `Some(index)`, or `None` when repeated.
        let mut now: FxHashMap<&str, Option<usize>> = FxHashMap::default();
        for (i, it) in items.iter().enumerate() {
            if let Some(n) = it.native_id.as_deref() {
                now.entry(n).and_modify(|v| *v = None).or_insert(Some(i));
            }
        }
        let mut then: FxHashMap<&str, usize> = FxHashMap::default();
        for n in self.items.iter().filter_map(|p| p.native_id.as_deref()) {
            *then.entry(n).or_default() += 1;
        }
        let ids_then: FxHashSet<&str> = self.items.iter().map(|p| &*p.id).collect();
        let renames: Vec<(usize, Str)> = candidates
            .into_iter()
            .filter_map(|p| {
                let old = &self.items[p];
                let native = old.native_id.as_deref()?;
                let new = &items[(*now.get(native)?)?];
                // A moved issue keeps when it was created: the same number on another
                // Jira site does not.
                let same_item = old.created.is_some() && old.created == new.created;
                (then[native] == 1 && old.id != new.id && same_item && !ids_then.contains(&*new.id))
                    .then(|| (p, new.id.clone()))
            })
            .collect();
        for (p, new) in renames {
            self.moved.push((self.items[p].id.clone(), new.clone()));
            self.items[p].id = new;
        }
    }

    /// Gives last week's sprint names this week's where only the naming changed, so that
    /// the same sprint is compared with itself: Linear's cycles are named by their team
    /// once a second team's cycles are in the export (`Cycle 4` last week, `Engineering
    /// Cycle 4` now) and by their number alone again when one team is left, and every
    /// item read as moved out of one sprint and into another. A name is followed only
    /// when no item is in it now and every item of it still in the data whose team has
    /// that sprint under the other naming in use now points to the same one: an item that
    /// really moved (to `Engineering Cycle 5`) still reads as moved.
    pub fn follow_renamed_sprints(&mut self, items: &[Item]) {
        use rustc_hash::{FxHashMap, FxHashSet};
        // Names, once each run of items in one sprint (they come in runs).
        fn names<'a>(it: impl Iterator<Item = Option<&'a str>>) -> FxHashSet<&'a str> {
            let mut set = FxHashSet::default();
            let mut last = None;
            for name in it.flatten() {
                if last != Some(name) {
                    set.insert(name);
                    last = Some(name);
                }
            }
            set
        }
        let now = names(items.iter().map(|it| it.iteration.as_deref()));
        let gone: FxHashSet<&str> = names(self.items.iter().map(|p| p.iteration.as_deref()))
            .into_iter()
            .filter(|s| !now.contains(s))
            .collect();
        // Most weeks every sprint of last week still has an item, and nothing more is
        // looked at.
        if gone.is_empty() || !items.iter().any(|it| it.team.is_some()) {
            return;
        }
        let ids: FxHashSet<&str> = (self.items.iter())
            .filter(|p| p.iteration.as_deref().is_some_and(|s| gone.contains(s)))
            .map(|p| &*p.id)
            .collect();
        let team_of: FxHashMap<&str, &str> = (items.iter())
            .filter(|it| ids.contains(&*it.id))
            .filter_map(|it| Some((&*it.id, it.team.as_deref()?)))
            .collect();
        // Last week's name → this week's, or None where its items point to two.
        let mut to: FxHashMap<&str, Option<String>> = FxHashMap::default();
        for p in &self.items {
            let Some(old) = p.iteration.as_deref().filter(|s| gone.contains(s)) else { continue };
            let Some(&team) = team_of.get(&*p.id) else { continue };
            let named = format!("{team} {old}");
            let new = if now.contains(named.as_str()) {
                named
            } else {
                match old.strip_prefix(team).and_then(|rest| rest.strip_prefix(' ')) {
                    Some(bare) if now.contains(bare) => bare.to_string(),
                    _ => continue,
                }
            };
            let entry = to.entry(old).or_insert_with(|| Some(new.clone()));
            if entry.as_deref() != Some(new.as_str()) {
                *entry = None;
            }
        }
        let to: FxHashMap<String, Str> = (to.into_iter())
            .filter_map(|(old, new)| Some((old.to_string(), Str::from(new?))))
            .collect();
        if to.is_empty() {
            return;
        }
        for p in &mut self.items {
            if let Some(new) = p.iteration.as_deref().and_then(|s| to.get(s)) {
                p.iteration = Some(new.clone());
            }
        }
    }

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
            moved: Vec::new(),
            taken_at: snapshot.taken_at,
            items: snapshot
                .items
                .iter()
                .enumerate()
                .map(|(i, it)| Prior {
                    id: it.id.clone(),
                    native_id: it.native_id.clone(),
                    // Kept beside the tracker's id only, as a stored week keeps it.
                    created: it.native_id.as_ref().and(it.created),
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

#[cfg(test)]
mod tests {
    use super::{Baseline, Item, Prior, Str};

    fn at(day: u32) -> Option<chrono::DateTime<chrono::Utc>> {
        chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, 2026, 3, day, 9, 0, 0).single()
    }

    fn item(id: &str, native: Option<&str>) -> Item {
        Item { id: id.into(), native_id: native.map(Str::from), created: at(2), ..Item::default() }
    }

    fn prior(id: &str, native: Option<&str>) -> Prior {
        Prior {
            id: id.into(),
            native_id: native.map(Str::from),
            created: at(2),
            ..Prior::default()
        }
    }

    fn baseline(items: Vec<Prior>) -> Baseline {
        Baseline {
            taken_at: chrono::DateTime::UNIX_EPOCH,
            items,
            milestones: Vec::new(),
            blocked_tracked: false,
            moved: Vec::new(),
        }
    }

    /// A move is followed where the tracker's id names one item each week and the old
    /// key is gone; an id two items share, or an old key still there, is left alone.
    #[test]
    fn moves_followed_only_when_unambiguous() {
        let mut b = baseline(vec![
            prior("jira:B-2", Some("jira-issue:2")),
            prior("jira:B-3", Some("jira-issue:3")),
            prior("jira:C-1", Some("jira-issue:9")),
            prior("jira:D-1", Some("jira-issue:9")),
            prior("jira:E-1", Some("jira-issue:5")),
        ]);
        let now = [
            item("jira:OPS-7", Some("jira-issue:2")),
            item("jira:B-3", Some("jira-issue:3")),
            item("jira:X-1", Some("jira-issue:9")),
            item("jira:E-1", None),
            item("jira:F-1", Some("jira-issue:5")),
        ];
        b.follow_moves(&now);
        let ids: Vec<&str> = b.items.iter().map(|p| &*p.id).collect();
        assert_eq!(ids, ["jira:OPS-7", "jira:B-3", "jira:C-1", "jira:D-1", "jira:E-1"]);
        assert_eq!(b.moved, [(Str::from("jira:B-2"), Str::from("jira:OPS-7"))]);
    }

    /// Another site's issue that happens to have the number of one deleted here was
    /// created at another time: not a move. A key given again to a new issue does not
    /// hide the move of the issue that had it.
    #[test]
    fn namesakes_and_reused_keys() {
        let mut b = baseline(vec![prior("jira:A-1", Some("jira-issue:1001"))]);
        let mut other = item("jira:C-9", Some("jira-issue:1001"));
        other.created = at(20);
        b.follow_moves(&[other]);
        assert_eq!(b.items[0].id, "jira:A-1");
        assert!(b.moved.is_empty());

        let mut b = baseline(vec![prior("jira:B-2", Some("jira-issue:1002"))]);
        b.follow_moves(&[
            item("jira:OPS-7", Some("jira-issue:1002")),
            item("jira:B-2", Some("jira-issue:1099")),
        ]);
        assert_eq!(b.items[0].id, "jira:OPS-7");
        assert_eq!(b.moved.len(), 1);
    }

    /// Linear's cycles named by their team once a second team is in the export (and by
    /// number alone again when one is left) are the same cycles last week; a name still in
    /// use, a real move, and a name whose items point to two cycles are left alone.
    #[test]
    fn sprints_renamed_by_their_team_are_followed() {
        let cycle = |id: &str, team: Option<&str>, sprint: &str| Item {
            team: team.map(Str::from),
            iteration: Some(sprint.into()),
            ..item(id, None)
        };
        let was =
            |id: &str, sprint: &str| Prior { iteration: Some(sprint.into()), ..prior(id, None) };
        let sprints = |b: &Baseline| -> Vec<String> {
            b.items.iter().map(|p| p.iteration.as_deref().unwrap_or("-").to_string()).collect()
        };
        let eng = Some("Engineering");
        let mut b = baseline(vec![
            was("linear:ENG-1", "Cycle 4"),
            was("linear:ENG-2", "Cycle 4"),
            was("linear:ENG-9", "Cycle 4"),
            was("linear:ENG-3", "Cycle 3"),
        ]);
        b.follow_renamed_sprints(&[
            cycle("linear:ENG-1", eng, "Engineering Cycle 4"),
            // Moved on to the next cycle: still a move, from the same cycle.
            cycle("linear:ENG-2", eng, "Engineering Cycle 5"),
            // ENG-9 left the data: its cycle is followed by its name.
            cycle("linear:ENG-3", eng, "Engineering Cycle 4"),
            cycle("linear:DES-1", Some("Design"), "Design Cycle 4"),
        ]);
        // "Cycle 3" has no item now and no "Engineering Cycle 3" is in use: left alone.
        assert_eq!(
            sprints(&b),
            ["Engineering Cycle 4", "Engineering Cycle 4", "Engineering Cycle 4", "Cycle 3"]
        );

        // The second team gone again.
        let mut b = baseline(vec![was("linear:ENG-1", "Engineering Cycle 4")]);
        b.follow_renamed_sprints(&[cycle("linear:ENG-1", eng, "Cycle 4")]);
        assert_eq!(sprints(&b), ["Cycle 4"]);

        // A name still in use is this week's too; items of two teams point to two cycles.
        let mut b = baseline(vec![
            was("linear:ENG-1", "Cycle 4"),
            was("linear:ENG-2", "Sprint 7"),
            was("linear:DES-2", "Sprint 7"),
        ]);
        b.follow_renamed_sprints(&[
            cycle("linear:ENG-1", eng, "Cycle 4"),
            cycle("linear:ENG-2", eng, "Engineering Sprint 7"),
            cycle("linear:DES-2", Some("Design"), "Design Sprint 7"),
        ]);
        assert_eq!(sprints(&b), ["Cycle 4", "Sprint 7", "Sprint 7"]);
    }
}
