//! From a tracker's status words to a normalised [`State`].
//!
//! Precedence, most specific first: the user's `status-map` (the source's, then the global
//! one); the tracker's status category (Jira's `Status Category`); its resolution; then the
//! built-in table of common status names below. An unknown name is open.

use crate::config::StatusMap;
use crate::model::State;

/// Resolutions and statuses that mean the work will not be done.
const CANCELLED: &[&str] = &[
    "won't do",
    "won't fix",
    "wont do",
    "wont fix",
    "wontfix",
    "duplicate",
    "cannot reproduce",
    "can't reproduce",
    "cancelled",
    "canceled",
    "declined",
    "rejected",
    "obsolete",
    "abandoned",
    "invalid",
    "not a bug",
    "incomplete",
    "not planned",
    "not doing",
];

const DONE: &[&str] = &[
    "done",
    "closed",
    "resolved",
    "complete",
    "completed",
    "shipped",
    "released",
    "merged",
    "fixed",
    "deployed",
    "live",
    "accepted",
    "finished",
];

const IN_PROGRESS: &[&str] = &[
    "in progress",
    "in-progress",
    "started",
    "doing",
    "active",
    "in review",
    "review",
    "code review",
    "in code review",
    "peer review",
    "in development",
    "development",
    "in dev",
    "in qa",
    "qa",
    "testing",
    "in test",
    "in testing",
    "ready for qa",
    "ready for review",
    "ready for test",
    "ready for testing",
    "verification",
    "verifying",
    "ready for release",
    "ready to deploy",
    "blocked",
    "wip",
];

fn is(list: &[&str], s: &str) -> bool {
    // The lists are ASCII; comparing without allocating keeps 100k rows cheap.
    let t = s.trim();
    list.iter().any(|x| x.eq_ignore_ascii_case(t))
}

/// The state a bare status name suggests, from the built-in table.
pub(super) fn from_name(status: &str) -> State {
    if is(CANCELLED, status) {
        State::Cancelled
    } else if is(DONE, status) {
        State::Done
    } else if is(IN_PROGRESS, status) {
        State::InProgress
    } else {
        State::Open
    }
}

/// The state of an item from what the tracker says about it.
pub(super) fn normalise(
    status: &str,
    category: Option<&str>,
    resolution: Option<&str>,
    maps: &[&StatusMap],
) -> State {
    if let Some(state) = maps.iter().find_map(|m| m.get(status)) {
        return state;
    }
    let cancelled = is(CANCELLED, status) || resolution.is_some_and(|r| is(CANCELLED, r));
    if let Some(category) = category {
        if is(&["done", "complete", "completed"], category) {
            return if cancelled { State::Cancelled } else { State::Done };
        }
        if is(&["in progress", "indeterminate"], category) {
            return State::InProgress;
        }
        if is(&["to do", "new", "open"], category) {
            return State::Open;
        }
    }
    if let Some(r) = resolution.filter(|r| !r.eq_ignore_ascii_case("unresolved")) {
        if !r.trim().is_empty() {
            return if cancelled { State::Cancelled } else { State::Done };
        }
    }
    from_name(status)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn precedence() {
        let none: &[&StatusMap] = &[];
        assert_eq!(normalise("Done", Some("Done"), Some("Done"), none), State::Done);
        assert_eq!(normalise("Won't Do", Some("Done"), Some("Won't Do"), none), State::Cancelled);
        assert_eq!(normalise("Closed", Some("Done"), Some("Duplicate"), none), State::Cancelled);
        assert_eq!(normalise("Parked", Some("To Do"), None, none), State::Open);
        assert_eq!(normalise("Closed", None, Some("Fixed"), none), State::Done);
        assert_eq!(normalise("Closed", None, Some("Cannot Reproduce"), none), State::Cancelled);
        assert_eq!(normalise("In Review", None, None, none), State::InProgress);
        assert_eq!(normalise("Shiny New Status", None, None, none), State::Open);
        let mut map = StatusMap::default();
        map.0.insert("parked".into(), State::Cancelled);
        assert_eq!(normalise("Parked", Some("To Do"), None, &[&map]), State::Cancelled);
    }
}
