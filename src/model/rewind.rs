//! The week as it was: a snapshot rebuilt as it stood at an earlier instant, from the
//! dates the export has. An export is taken today; a report for an earlier week must not
//! count items that did not exist yet, nor call done what was finished later.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{Snapshot, State};

/// What rewinding a snapshot changed, and what it could not rewind.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rewind {
    /// Items created after the instant: left out.
    pub not_yet_created: usize,
    /// Items done or cancelled after the instant: open again (in progress when they had
    /// started by then).
    pub reopened: usize,
    /// Items started after the instant: not started yet.
    pub not_yet_started: usize,
    /// Items with no creation date, kept: they cannot be placed in time.
    pub undated: usize,
    /// Items done or cancelled with no date for it, kept as they are now.
    pub closed_undated: usize,
    /// Items changed after the instant: their status name, sprint, milestone, due date,
    /// labels, assignees and priority are as exported, not as they were.
    pub changed_since: usize,
    /// Milestones created after the instant, left out, or closed after it, open again.
    pub milestones_rewound: usize,
    /// Of `changed_since`, items in a sprint: their sprint may be a later one.
    #[serde(default)]
    pub sprint_items_changed: usize,
}

impl Rewind {
    /// Whether the export knew nothing later than the instant (so nothing was rewound).
    pub fn is_empty(&self) -> bool {
        *self == Rewind::default()
    }

    /// Whether the export knew of something after the instant: an item created, started,
    /// finished or changed later, a milestone created or closed later. Items with no
    /// dates to place them by do not make an export a later one.
    pub fn later(&self) -> bool {
        self.not_yet_created
            + self.reopened
            + self.not_yet_started
            + self.changed_since
            + self.milestones_rewound
            > 0
    }
}

/// Whether `snapshot` knows of something after `t` (as [`Rewind::later`] counts it: an
/// item created, started, closed or changed, a milestone created or closed), read before
/// any rewinding.
pub fn knows_after(snapshot: &Snapshot, t: DateTime<Utc>) -> bool {
    let after = |x: Option<DateTime<Utc>>| x.is_some_and(|x| x > t);
    snapshot
        .items
        .iter()
        .any(|it| after(it.created) || after(it.started) || after(it.closed) || after(it.updated))
        || snapshot.milestones.iter().any(|m| after(m.created) || after(m.closed))
}

/// Rebuilds `snapshot` as it stood at `as_of`: an item not created yet is out; one done
/// or cancelled after `as_of` is open (in progress if it had started); one started after
/// `as_of` has not started. Dates after `as_of` are cleared, so nothing downstream reads
/// the future. Other fields cannot be rewound from an export and stay as exported; the
/// result counts the items concerned.
pub fn rewind(snapshot: &mut Snapshot, as_of: DateTime<Utc>) -> Rewind {
    let mut r = Rewind::default();
    let after = |t: Option<DateTime<Utc>>| t.is_some_and(|t| t > as_of);
    let before = snapshot.items.len();
    snapshot.items.retain(|it| !after(it.created));
    r.not_yet_created = before - snapshot.items.len();
    for it in &mut snapshot.items {
        if it.created.is_none() {
            r.undated += 1;
        }
        if after(it.started) {
            it.started = None;
            r.not_yet_started += 1;
            if it.state == State::InProgress {
                it.state = State::Open;
            }
        }
        let finished = matches!(it.state, State::Done | State::Cancelled);
        if finished && after(it.closed) {
            it.state = if it.started.is_some() { State::InProgress } else { State::Open };
            it.closed = None;
            r.reopened += 1;
        } else if finished && it.closed.is_none() {
            r.closed_undated += 1;
        } else if after(it.closed) {
            it.closed = None;
        }
        if after(it.updated) {
            it.updated = None;
            r.changed_since += 1;
            r.sprint_items_changed += usize::from(it.iteration.is_some());
        }
    }
    let before = snapshot.milestones.len();
    snapshot.milestones.retain(|m| !after(m.created));
    r.milestones_rewound = before - snapshot.milestones.len();
    for m in &mut snapshot.milestones {
        if after(m.closed) {
            m.closed = None;
            if m.state == State::Done {
                m.state = State::Open;
            }
            r.milestones_rewound += 1;
        }
    }
    // An export that knows nothing later than the instant needed no rewinding: what could
    // not have been rewound does not matter then.
    if r.not_yet_created + r.reopened + r.not_yet_started + r.changed_since + r.milestones_rewound
        == 0
    {
        r = Rewind::default();
    }
    // Each source now holds fewer items, and its freshness is at most the instant.
    let mut per_source: std::collections::HashMap<&str, usize> = Default::default();
    for it in &snapshot.items {
        *per_source.entry(&*it.source).or_default() += 1;
    }
    for s in &mut snapshot.sources {
        if let Some(&n) = per_source.get(s.spec.as_str()) {
            s.items = n;
        }
        s.data_as_of = s.data_as_of.map(|t| t.min(as_of));
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Item, Milestone, SourceInfo};

    fn t(s: &str) -> Option<DateTime<Utc>> {
        Some(DateTime::parse_from_rfc3339(&format!("{s}T12:00:00Z")).expect("t").to_utc())
    }

    fn item(key: &str, state: State, created: &str, started: &str, closed: &str) -> Item {
        let d = |s: &str| if s.is_empty() { None } else { t(s) };
        Item {
            id: format!("jira:{key}").into(),
            key: key.into(),
            source: "jira:x.csv".into(),
            state,
            created: d(created),
            started: d(started),
            closed: d(closed),
            updated: d(if closed.is_empty() { created } else { closed }),
            ..Item::default()
        }
    }

    #[test]
    fn items_stand_as_they_stood() {
        let mut snap = Snapshot::empty(t("2026-11-30").expect("t"));
        snap.sources.push(SourceInfo {
            spec: "jira:x.csv".into(),
            format: "jira".into(),
            data_as_of: t("2026-11-29"),
            items: 6,
            milestones: 1,
            lacks: Vec::new(),
            categorised: Vec::new(),
        });
        snap.items = vec![
            item("A-1", State::Done, "2026-10-01", "2026-10-02", "2026-10-10"),
            item("A-2", State::Done, "2026-10-01", "2026-10-02", "2026-11-25"),
            item("A-3", State::Done, "2026-10-01", "", "2026-11-25"),
            item("A-4", State::InProgress, "2026-10-01", "2026-11-24", ""),
            item("A-5", State::Open, "2026-11-23", "", ""),
            item("A-6", State::Cancelled, "2026-09-01", "", ""),
        ];
        snap.milestones.push(Milestone {
            title: "1.0".into(),
            state: State::Done,
            closed: t("2026-11-28"),
            ..Milestone::default()
        });
        let r = rewind(&mut snap, t("2026-11-20").expect("t"));
        let states: Vec<(&str, State)> =
            snap.items.iter().map(|i| (i.key.as_str(), i.state)).collect();
        assert_eq!(
            states,
            vec![
                ("A-1", State::Done),
                ("A-2", State::InProgress),
                ("A-3", State::Open),
                ("A-4", State::Open),
                ("A-6", State::Cancelled),
            ]
        );
        assert_eq!(snap.items[1].closed, None);
        assert_eq!(snap.items[3].started, None);
        assert!(snap
            .items
            .iter()
            .all(|i| i.updated.is_none_or(|u| u <= t("2026-11-20").expect("t"))));
        assert_eq!((snap.milestones[0].state, snap.milestones[0].closed), (State::Open, None));
        assert_eq!(
            r,
            Rewind {
                not_yet_created: 1,
                reopened: 2,
                not_yet_started: 1,
                undated: 0,
                closed_undated: 1,
                changed_since: 2,
                milestones_rewound: 1,
                sprint_items_changed: 0,
            }
        );
        assert_eq!(snap.sources[0].items, 5);
        assert_eq!(snap.sources[0].data_as_of, t("2026-11-20"));
    }

    #[test]
    fn rewinding_to_after_everything_changes_nothing() {
        let mut snap = Snapshot::empty(t("2026-11-30").expect("t"));
        snap.items = vec![item("A-1", State::Done, "2026-10-01", "2026-10-02", "2026-10-10")];
        let before = snap.clone();
        let r = rewind(&mut snap, t("2026-12-01").expect("t"));
        assert_eq!(snap, before);
        assert!(r.is_empty(), "{r:?}");
    }
}
