//! Human notes: what trackers do not know — why an amber is amber, the plan back to green,
//! the leadership ask, outcome metrics. Read from `<notes>/<YYYY-Www>/<role>.md`, whose
//! `## Headed` sections are merged into the report's matching slots; a slot nobody filled
//! shows a visible "owner to fill" placeholder, never invented text.

use std::path::Path;

use crate::analyse::Note;
use crate::error::Result;
use crate::model::Role;

/// The note slots each role's report has, in order.
pub(crate) fn slots(role: Role) -> &'static [&'static str] {
    match role {
        Role::Product => &["Outcomes", "Decisions needed", "Notes"],
        Role::Program => &["Why this status", "Path to green", "Leadership asks", "Notes"],
        Role::Project => &["Why this status", "Recovery plan", "Notes"],
    }
}

/// Reads the notes of `role` for `week` from `dir` (when given) and fills the slots.
pub(crate) fn load(dir: Option<&Path>, week: &str, role: Role) -> Result<Vec<Note>> {
    let sections = match dir {
        None => Vec::new(),
        Some(d) => {
            // A regular file inside the notes folder, of a sane size (see `files`).
            let rel = Path::new(week).join(format!("{role}.md"));
            match crate::files::read_inside(d, &rel)? {
                // An editor's byte-order mark would hide the first heading.
                Some(text) => parse(text.strip_prefix('\u{feff}').unwrap_or(&text)),
                None => {
                    tracing::info!("no notes at {}", d.join(&rel).display());
                    Vec::new()
                }
            }
        }
    };
    Ok(merge(slots(role), sections))
}

/// `## Title` sections of a Markdown file (text before the first heading is "Notes").
pub(crate) fn parse(text: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    let mut title = "Notes".to_string();
    let mut body = String::new();
    for line in text.lines() {
        if let Some(h) = line.strip_prefix("## ") {
            if !body.trim().is_empty() {
                out.push((title, body.trim().to_string()));
            }
            title = h.trim().to_string();
            body.clear();
        } else if line.starts_with("# ") && out.is_empty() && body.trim().is_empty() {
            // A top-level title of the notes file is not a section.
        } else {
            body.push_str(line);
            body.push('\n');
        }
    }
    if !body.trim().is_empty() {
        out.push((title, body.trim().to_string()));
    }
    out
}

fn merge(slots: &[&str], mut sections: Vec<(String, String)>) -> Vec<Note> {
    let mut notes: Vec<Note> = slots
        .iter()
        .map(|slot| match sections.iter().position(|(t, _)| t.eq_ignore_ascii_case(slot)) {
            Some(pos) => {
                let (_, body) = sections.remove(pos);
                Note { title: slot.to_string(), body, filled: true }
            }
            None => Note { title: slot.to_string(), body: String::new(), filled: false },
        })
        .collect();
    // Sections the slots do not name are kept, after them.
    notes.extend(sections.into_iter().map(|(title, body)| Note { title, body, filled: true }));
    notes
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A notes file saved with a byte-order mark and Windows line ends fills its first
    /// section (the mark hid its heading: the text went under "Notes").
    #[test]
    fn a_byte_order_mark_hides_no_heading() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("2026-W48")).unwrap();
        let text = "\u{feff}## Why this status\r\nBecause.\r\n\r\n## Path to green\r\nShip.\r\n";
        std::fs::write(dir.path().join("2026-W48/program.md"), text).unwrap();
        let notes = load(Some(dir.path()), "2026-W48", Role::Program).unwrap();
        let why = notes.iter().find(|n| n.title == "Why this status").unwrap();
        assert_eq!((why.filled, why.body.as_str()), (true, "Because."));
    }

    #[test]
    fn sections_fill_slots_and_extras_follow() {
        let text = "# Program notes W48\n\n## Path to green\nHire a contractor.\n\n## Budget\n€40k left.\n";
        let notes = merge(slots(Role::Program), parse(text));
        let titles: Vec<_> = notes.iter().map(|n| (n.title.as_str(), n.filled)).collect();
        assert_eq!(
            titles,
            [
                ("Why this status", false),
                ("Path to green", true),
                ("Leadership asks", false),
                ("Notes", false),
                ("Budget", true)
            ]
        );
        assert_eq!(notes[1].body, "Hire a contractor.");
    }
}
