//! The few lines of a week a message carries: per role, its status, verdict, reasons and
//! leadership asks, read from the `<role>.json` that `report` wrote, else from the
//! index's table (Markdown only).

use serde_json::Value;

use super::WeekReports;
use crate::model::{Role, Status};

/// One role's lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleDigest {
    pub role: Role,
    pub status: Option<Status>,
    /// The verdict line.
    pub headline: String,
    /// Why the status is what it is.
    pub reasons: Vec<String>,
    /// What leadership is asked to do.
    pub asks: Vec<String>,
}

/// A week's lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Digest {
    /// `Weekly status — Acme Analytics · 2026-W48`.
    pub title: String,
    /// `Acme Analytics`.
    pub org: String,
    pub week: String,
    pub roles: Vec<RoleDigest>,
}

impl Digest {
    pub fn of(week: &WeekReports) -> Digest {
        let title = week
            .index
            .lines()
            .find_map(|l| l.strip_prefix("# "))
            .map(plain)
            .unwrap_or_else(|| "Weekly status".into());
        let name = week.week.to_string();
        let org = title
            .split_once(" — ")
            .map(|(_, rest)| rest.trim_end_matches(&format!(" · {name}")).to_string())
            .unwrap_or_default();
        let roles = week
            .roles
            .iter()
            .map(|r| {
                let json = read_json(week, r.role);
                let verdict = json.as_ref().map(|j| &j["verdict"]);
                let strings = |v: Option<&Value>| -> Vec<String> {
                    v.and_then(Value::as_array)
                        .map(|a| a.iter().filter_map(Value::as_str).map(str::to_string).collect())
                        .unwrap_or_default()
                };
                let headline = verdict
                    .and_then(|v| v["headline"].as_str())
                    .map(str::to_string)
                    .or_else(|| index_verdict(&week.index, r.role))
                    .unwrap_or_default();
                RoleDigest {
                    role: r.role,
                    status: r.status,
                    headline,
                    reasons: strings(verdict.map(|v| &v["reasons"])),
                    asks: strings(json.as_ref().map(|j| &j["leadership_asks"])),
                }
            })
            .collect();
        Digest { title, org, week: name, roles }
    }
}

/// `<role>.json` beside the Markdown, when `report` wrote one.
fn read_json(week: &WeekReports, role: Role) -> Option<Value> {
    let path = week.dir.join(format!("{}.json", role.as_str()));
    let meta = std::fs::symlink_metadata(&path).ok()?;
    if !meta.is_file() || meta.len() > super::MAX_FILE {
        return None;
    }
    serde_json::from_slice(&std::fs::read(path).ok()?).ok()
}

/// The verdict cell of `role`'s row in the index's table.
fn index_verdict(index: &str, role: Role) -> Option<String> {
    index.lines().find_map(|line| {
        let cells: Vec<&str> = line.trim().trim_matches('|').split(" | ").map(str::trim).collect();
        let name = cells.first()?;
        let named = name.strip_prefix('[').map_or(*name, |n| n.split(']').next().unwrap_or(n));
        (cells.len() == 3 && named == role.title()).then(|| plain(cells[2]))
    })
}

/// The text a line of the reports' Markdown shows, for a subject or a chat message:
/// escapes undone (`R\&amp;D \*Ops\*` is `R&D *Ops*`), markup and the zero-width
/// spaces that keep URLs and addresses from turning into links dropped.
fn plain(markdown: &str) -> String {
    use pulldown_cmark::{Event, Parser};
    let mut out = String::new();
    for event in Parser::new(markdown.trim()) {
        match event {
            Event::Text(t) | Event::Code(t) | Event::InlineHtml(t) | Event::Html(t) => {
                out.push_str(&t)
            }
            Event::SoftBreak | Event::HardBreak => out.push(' '),
            _ => {}
        }
    }
    out.retain(|c| c != '\u{200B}');
    out.trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verdicts_come_from_the_index_table_without_json() {
        let index = "# Weekly status — Acme · 2026-W48\n\n| Role | Status | Verdict |\n|---|---|---|\n| [Product](product.md) | 🟠 Amber | 3 shipped. |\n| Program | 🔴 Red | 2 blocked. |\n";
        assert_eq!(index_verdict(index, Role::Product).as_deref(), Some("3 shipped."));
        assert_eq!(index_verdict(index, Role::Program).as_deref(), Some("2 blocked."));
        assert_eq!(index_verdict(index, Role::Project), None);
    }

    /// A title with `&`, `<` or Markdown's characters reaches a subject as written, not
    /// as the escapes the Markdown carries.
    #[test]
    fn titles_lose_their_escapes() {
        let escaped = crate::render::markdown::escape("R&D's Ops <Team> *Ä* [x] www.acme.example");
        assert_eq!(plain(&escaped), "R&D's Ops <Team> *Ä* [x] www.acme.example");
        assert_eq!(plain("[Product](product.md) shipped"), "Product shipped");
    }
}
