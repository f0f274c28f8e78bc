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
    "aborted",
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

/// In `english` or in `localised`: statuses are read in every language the table knows,
/// whatever the export's headers (a team renames its workflow's statuses in German, an
/// English-headed export or a GitHub project board carries them as they are).
fn is_any(english: &[&str], localised: &[&str], s: &str) -> bool {
    is(english, s) || super::jira_l10n::is(localised, s)
}

/// Status names that say the work has not started: the built-in table gives them no
/// state of their own (whatever it does not know is open), but they are known words.
const OPEN: &[&str] = &[
    "open",
    "to do",
    "todo",
    "backlog",
    "new",
    "reopened",
    "triage",
    "icebox",
    "ready",
    "ready for development",
    "selected for development",
    "planned",
    "unstarted",
    "not started",
    "pending",
    "on hold",
    "blocked",
    "waiting",
];

/// `status` without what decorates its ends: emoji (with their variation selectors and
/// joiners), symbols, punctuation, spaces — but a question mark, which asks (`Done?` is
/// awaiting confirmation, not done). A name that is nothing but decoration stays as it
/// is, so `✅` alone is still an unknown name and not an empty one.
pub(crate) fn bare(status: &str) -> &str {
    let t = status.trim_matches(|c: char| !c.is_alphanumeric() && c != '?');
    if t.is_empty() {
        status.trim()
    } else {
        t
    }
}

/// Whether the built-in table knows exactly this name (no decoration stripped).
fn is_known_as_written(status: &str) -> bool {
    use super::jira_l10n as words;
    [CANCELLED, DONE, IN_PROGRESS, OPEN].iter().any(|list| is(list, status))
        || [words::CANCELLED, words::DONE, words::IN_PROGRESS, words::TO_DO]
            .iter()
            .any(|list| words::is(list, status))
}

/// The name the tables are asked about: as written when a status map or the built-in
/// table knows it that way (a map may name `✅ Done` itself), else without decoration.
fn lookup_name<'a>(status: &'a str, maps: &[&StatusMap]) -> &'a str {
    if is_known_as_written(status) || maps.iter().any(|m| m.get(status).is_some()) {
        status
    } else {
        bare(status)
    }
}

/// Whether the built-in table knows a status name, in English or a language Jira
/// exports in: an unknown one counts as open, which a report should say.
pub(crate) fn is_known(status: &str) -> bool {
    is_known_as_written(status) || is_known_as_written(bare(status))
}

/// Whether a status map or the built-in table says what `status` means: an item whose
/// status is not may let another column decide (a closed date).
pub(super) fn recognised(status: &str, maps: &[&StatusMap]) -> bool {
    is_known(status) || maps.iter().any(|m| m.get(lookup_name(status, maps)).is_some())
}

/// The state a bare status name suggests, from the built-in table.
pub(super) fn from_name(status: &str) -> State {
    use super::jira_l10n as words;
    let status = lookup_name(status, &[]);
    if is_any(CANCELLED, words::CANCELLED, status) {
        State::Cancelled
    } else if is_any(DONE, words::DONE, status) {
        State::Done
    } else if is_any(IN_PROGRESS, words::IN_PROGRESS, status) {
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
    let status = lookup_name(status, maps);
    if let Some(state) = maps.iter().find_map(|m| m.get(status)) {
        return state;
    }
    use super::jira_l10n as words;
    let cancelled = is_any(CANCELLED, words::CANCELLED, status)
        || resolution.is_some_and(|r| is_any(CANCELLED, words::CANCELLED, r));
    if let Some(category) = category {
        if is_any(&["done", "complete", "completed"], words::DONE, category) {
            return if cancelled { State::Cancelled } else { State::Done };
        }
        if is_any(&["in progress", "indeterminate"], words::IN_PROGRESS, category) {
            return State::InProgress;
        }
        if is_any(&["to do", "new", "open"], words::TO_DO, category) {
            return State::Open;
        }
    }
    // Without a category, a name the table knows as open or in progress wins over the
    // resolution: a reopened issue keeps its old `Fixed` where the workflow does not clear
    // it (five `Reopened` items of a real export read as done, and its report said "all
    // 64 items done").
    if is_known(status) {
        let named = from_name(status);
        if matches!(named, State::Open | State::InProgress) {
            return named;
        }
    }
    if let Some(r) = resolution.filter(|r| !is_any(&["unresolved"], words::UNRESOLVED, r)) {
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
        // A reopened issue whose workflow left its resolution: the status says open.
        assert_eq!(normalise("Reopened", None, Some("Fixed"), none), State::Open);
        assert_eq!(normalise("In Progress", None, Some("Done"), none), State::InProgress);
        // A name the table does not know lets the resolution decide.
        assert_eq!(normalise("Verified - UAT", None, Some("Fixed"), none), State::Done);
        // Aborted work will not be done.
        assert_eq!(normalise("Aborted", Some("Done"), None, none), State::Cancelled);
        assert_eq!(normalise("In Review", None, None, none), State::InProgress);
        assert_eq!(normalise("Shiny New Status", None, None, none), State::Open);
        let mut map = StatusMap::default();
        map.0.insert("parked".into(), State::Cancelled);
        assert_eq!(normalise("Parked", Some("To Do"), None, &[&map]), State::Cancelled);
        // Localised exports: the category, else the resolution, else the name.
        assert_eq!(normalise("Finalizada", Some("Listo"), Some("Listo"), none), State::Done);
        assert_eq!(normalise("Tareas por hacer", Some("Por hacer"), None, none), State::Open);
        assert_eq!(normalise("En curso", Some("En curso"), None, none), State::InProgress);
        assert_eq!(normalise("Fertig", None, Some("Wird nicht erledigt"), none), State::Cancelled);
        assert_eq!(normalise("À faire", Some("A faire"), None, none), State::Open);
        assert_eq!(normalise("Offen", None, Some("Nicht erledigt"), none), State::Open);
        assert_eq!(normalise("Concluído", None, None, none), State::Done);
        // A Spanish team's workflow, without a category column.
        assert_eq!(normalise("ACABADO", None, None, none), State::Done);
        assert_eq!(normalise("Abgeschlossen", None, None, none), State::Done);
        assert_eq!(normalise("Revue en cours", None, None, none), State::InProgress);
    }

    /// GitHub Projects' board templates and hand-made boards decorate status names.
    #[test]
    fn emoji_and_symbols_at_the_ends_are_ignored() {
        let none: &[&StatusMap] = &[];
        for (name, state) in [
            ("🆕 New", State::Open),
            ("📋 Backlog", State::Open),
            ("🏗 In progress", State::InProgress),
            ("🏗️ In progress", State::InProgress),
            ("👀 In review", State::InProgress),
            ("✅ Done", State::Done),
            ("Done ✅", State::Done),
            ("In Progress 🚧", State::InProgress),
            ("[Done]", State::Done),
            ("❌ Won't do", State::Cancelled),
            ("🚫 Abgelehnt", State::Cancelled),
        ] {
            assert_eq!(normalise(name, None, None, none), state, "{name}");
            assert!(is_known(name), "{name}");
        }
        // Only the ends: a name that is decoration alone, or unknown words, stay unknown.
        assert!(!is_known("✅"));
        assert!(!is_known("📘 Approved / Done"));
        // A question mark asks: `Done?` awaits confirmation, it is not done.
        assert!(!is_known("Done?"));
        assert_eq!(normalise("Done?", None, None, none), State::Open);
        assert_eq!(normalise("🧊 Parked", None, None, none), State::Open);
        // A map that names the decorated status wins over the stripped name.
        let mut map = StatusMap::default();
        map.0.insert("✅ done".into(), State::Cancelled);
        assert_eq!(normalise("✅ Done", None, None, &[&map]), State::Cancelled);
        // And a map that names the plain status applies to the decorated one.
        let mut map = StatusMap::default();
        map.0.insert("new".into(), State::InProgress);
        assert_eq!(normalise("🆕 New", None, None, &[&map]), State::InProgress);
    }
}
