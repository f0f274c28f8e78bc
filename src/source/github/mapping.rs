//! GitHub payloads → the normalised [`Item`] and [`Milestone`].

use std::sync::OnceLock;

use chrono::{DateTime, NaiveDate, Utc};
use regex::Regex;

use super::payload;
use crate::model::{link_kind, FieldValue, Fields, Item, Link, Milestone, State, Str};
use crate::source::SourceCtx;

/// An issue or pull request of `repo` (`owner/name`, as the server now names it).
/// `None` for an entry without a number, which cannot be identified.
pub(super) fn item(raw: &payload::Issue, repo: &str, ctx: &SourceCtx) -> Option<Item> {
    let number = raw.number?;
    let is_pr = raw.pull_request.is_some();
    // Absent `merged_at` (servers before 2022) says nothing; `null` says "not merged".
    let merged: Option<bool> =
        raw.pull_request.as_ref().and_then(|p| p.merged_at.as_ref()).map(Option::is_some);
    let open = raw.state.as_deref().is_none_or(|s| s.eq_ignore_ascii_case("open"));
    let reason = raw.state_reason.as_deref().filter(|r| !r.is_empty());
    let status = match (is_pr, open) {
        (true, true) if raw.draft == Some(true) => "open (draft)".to_string(),
        (true, true) => "open".to_string(),
        (true, false) => match merged {
            Some(true) => "closed (merged)".to_string(),
            Some(false) => "closed (not merged)".to_string(),
            None => "closed".to_string(),
        },
        // An open issue's reason (`reopened`) says nothing a report needs: its status is
        // `open`, so a `[status-map]` entry for "open" takes it too. The reason stays in
        // `fields`.
        (false, true) => "open".to_string(),
        (false, false) => {
            let state = raw.state.clone().unwrap_or_else(|| "closed".into());
            match reason {
                Some(r) => format!("{state} ({r})"),
                None => state,
            }
        }
    };
    // An open pull request is work under way (a draft too): its code is being written
    // or reviewed.
    let state = ctx.status_maps().iter().find_map(|m| m.get(&status)).unwrap_or(if open && is_pr {
        State::InProgress
    } else if open {
        State::Open
    } else if merged == Some(false) || matches!(reason, Some("not_planned" | "duplicate")) {
        State::Cancelled
    } else {
        State::Done
    });

    let kind = if is_pr {
        "pull-request".to_string()
    } else {
        raw.issue_type
            .as_ref()
            .and_then(|t| t.name.as_deref())
            .map(kebab)
            .filter(|k| !k.is_empty())
            .unwrap_or_else(|| "issue".into())
    };
    let mut assignees: Vec<String> = raw.assignees.iter().filter_map(|u| u.login.clone()).collect();
    if assignees.is_empty() {
        // Servers before multiple assignees send only `assignee`.
        assignees.extend(raw.assignee.as_ref().and_then(|u| u.login.clone()));
    }
    let body = raw.body.clone().unwrap_or_default();
    let mut links = if is_pr { closing_links(&body, repo) } else { Vec::new() };
    let native = raw
        .blocked_by
        .iter()
        .filter_map(|u| issue_id_from_api_url(u))
        .map(|target| Link { kind: link_kind::BLOCKED_BY.into(), target: target.into() });
    for l in native.chain(dependency_links(&body, repo)) {
        if !links.contains(&l) {
            links.push(l);
        }
    }

    let mut fields = Fields::new();
    let mut put = |k: &str, v: String| {
        fields.insert(k, FieldValue::One(v));
    };
    if let Some(a) = &raw.author_association {
        put("author_association", a.clone());
    }
    if let Some(r) = reason {
        put("state_reason", r.to_string());
    }
    if let Some(t) = raw.issue_type.as_ref().and_then(|t| t.name.clone()) {
        put("type", t);
    }
    if raw.draft == Some(true) {
        put("draft", "true".into());
    }
    if raw.locked == Some(true) {
        put("locked", "true".into());
    }
    if let Some(Some(at)) = raw.pull_request.as_ref().and_then(|p| p.merged_at.clone()) {
        put("merged_at", at);
    }
    if let Some(r) = &raw.reactions {
        put("reactions", r.total_count.to_string());
    }
    for (name, summary) in [
        ("sub_issues_summary", &raw.sub_issues_summary),
        ("issue_dependencies_summary", &raw.issue_dependencies_summary),
    ] {
        for (k, v) in summary.iter().flatten() {
            let v = match v {
                serde_json::Value::String(s) => s.clone(),
                serde_json::Value::Null => continue,
                other => other.to_string(),
            };
            put(&format!("{name}.{k}"), v);
        }
    }

    Some(Item {
        id: format!("github:{repo}#{number}").into(),
        key: format!("{repo}#{number}").into(),
        source: ctx.source.clone(),
        kind: kind.into(),
        title: raw.title.clone().unwrap_or_default().into(),
        body,
        url: raw.html_url.clone(),
        state,
        status: status.into(),
        labels: raw.labels.iter().filter_map(|l| l.name().map(Str::from)).collect(),
        assignees: assignees.into_iter().map(Str::from).collect(),
        author: raw.user.as_ref().and_then(|u| u.login.as_deref()).map(Str::from),
        project: Some(repo.into()),
        milestone: raw.milestone.as_ref().and_then(|m| m.title.as_deref()).map(Str::from),
        parent: raw.parent_issue_url.as_deref().and_then(issue_id_from_api_url).map(Str::from),
        links,
        created: instant(raw.created_at.as_deref()),
        updated: instant(raw.updated_at.as_deref()),
        closed: instant(raw.closed_at.as_deref()),
        // A pull request's work began by the time it was opened.
        started: if is_pr { instant(raw.created_at.as_deref()) } else { None },
        // 👍 ❤️ 🎉 🚀: the reactions that say "I want this"; 👎 😕 😄 👀 do not.
        votes: raw.reactions.as_ref().map_or(0, |r| r.plus_one + r.heart + r.hooray + r.rocket),
        comments: raw.comments.unwrap_or(0),
        fields,
        ..Item::default()
    })
}

/// A milestone of `repo`; `None` without a number.
pub(super) fn milestone(raw: &payload::Milestone, repo: &str, spec: &str) -> Option<Milestone> {
    let number = raw.number?;
    let closed = raw.state.as_deref().is_some_and(|s| s.eq_ignore_ascii_case("closed"));
    Some(Milestone {
        id: format!("github:{repo}/milestone/{number}"),
        title: raw.title.clone().unwrap_or_default(),
        source: spec.to_string(),
        project: Some(repo.to_string()),
        state: if closed { State::Done } else { State::Open },
        due: raw.due_on.as_deref().and_then(calendar_date),
        created: instant(raw.created_at.as_deref()),
        closed: instant(raw.closed_at.as_deref()),
        description: raw.description.clone().unwrap_or_default(),
        url: raw.html_url.clone(),
        ..Milestone::default()
    })
}

fn instant(s: Option<&str>) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s?.trim()).ok().map(|t| t.with_timezone(&Utc))
}

/// A milestone's due date is a calendar date the user picked; GitHub sends it as an
/// instant (midnight Pacific as `07:00Z`/`08:00Z`, or `00:00Z`). Its date part, as
/// written, is the picked day: never shift it through a time zone.
fn calendar_date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s.trim().get(..10)?, "%Y-%m-%d").ok()
}

/// `Feature Request` → `feature-request`.
fn kebab(s: &str) -> String {
    s.trim()
        .to_lowercase()
        .split(|c: char| c.is_whitespace() || c == '_' || c == '-')
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("-")
}

/// `https://api.github.com/repos/o/r/issues/12` (any API prefix) → `github:o/r#12`.
fn issue_id_from_api_url(url: &str) -> Option<String> {
    let (_, rest) = url.rsplit_once("/repos/")?;
    let mut parts = rest.split('/');
    let (owner, repo, kind, number) = (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
    let number: u64 = number.parse().ok()?;
    (kind == "issues" && !owner.is_empty() && !repo.is_empty())
        .then(|| format!("github:{owner}/{repo}#{number}"))
}

/// The issues a pull request's description closes: `Closes #12`, `fixes: owner/repo#3`,
/// `Resolves https://github.com/owner/repo/issues/4` (GitHub's keywords, any case).
fn closing_links(body: &str, repo: &str) -> Vec<Link> {
    static RE: OnceLock<Option<Regex>> = OnceLock::new();
    let Some(re) = RE
        .get_or_init(|| {
            Regex::new(
                r"(?i)\b(?:close[sd]?|fix(?:e[sd])?|resolve[sd]?):?\s+(?:https?://[^\s/]+/([\w.-]+)/([\w.-]+)/issues/(\d+)|(?:([\w.-]+)/([\w.-]+))?#(\d+))\b",
            )
            .ok()
        })
        .as_ref()
    else {
        return Vec::new();
    };
    let mut links: Vec<Link> = Vec::new();
    for c in re.captures_iter(body) {
        let target = if let Some(n) = c.get(3) {
            format!("github:{}/{}#{}", &c[1], &c[2], n.as_str())
        } else {
            match (c.get(4), c.get(5)) {
                (Some(o), Some(r)) => format!("github:{}/{}#{}", o.as_str(), r.as_str(), &c[6]),
                _ => format!("github:{repo}#{}", &c[6]),
            }
        };
        let link = Link { kind: link_kind::CLOSES.into(), target: target.into() };
        if !links.contains(&link) {
            links.push(link);
        }
    }
    links
}

/// Dependencies written in a description, as GitHub users write them: `Blocked by #12`,
/// `depends on acme/api#3`, `blocks https://github.com/acme/web/issues/4` (any case, a
/// colon allowed; a list after the keyword: `blocked by #1, #2`).
fn dependency_links(body: &str, repo: &str) -> Vec<Link> {
    static RE: OnceLock<Option<(Regex, Regex)>> = OnceLock::new();
    let Some((phrase, reference)) = RE
        .get_or_init(|| {
            let phrase = Regex::new(
                r"(?i)\b(blocked\s+by|depends\s+on|blocks)\s*:?\s+((?:(?:https?://[^\s/]+/[\w.-]+/[\w.-]+/issues/\d+|(?:[\w.-]+/[\w.-]+)?#\d+)(?:\s*(?:,|and)\s*)?)+)",
            )
            .ok()?;
            let reference = Regex::new(
                r"(?:https?://[^\s/]+/([\w.-]+)/([\w.-]+)/issues/(\d+)|(?:([\w.-]+)/([\w.-]+))?#(\d+))",
            )
            .ok()?;
            Some((phrase, reference))
        })
        .as_ref()
    else {
        return Vec::new();
    };
    let mut links: Vec<Link> = Vec::new();
    for c in phrase.captures_iter(body) {
        let kind = if c[1].to_ascii_lowercase().starts_with("blocks") {
            link_kind::BLOCKS
        } else {
            link_kind::BLOCKED_BY
        };
        for r in reference.captures_iter(&c[2]) {
            let target = if let Some(n) = r.get(3) {
                format!("github:{}/{}#{}", &r[1], &r[2], n.as_str())
            } else {
                match (r.get(4), r.get(5)) {
                    (Some(o), Some(rp)) => {
                        format!("github:{}/{}#{}", o.as_str(), rp.as_str(), &r[6])
                    }
                    _ => format!("github:{repo}#{}", &r[6]),
                }
            };
            let link = Link { kind: kind.into(), target: target.into() };
            if !links.contains(&link) {
                links.push(link);
            }
        }
    }
    links
}

#[cfg(test)]
mod tests {
    use super::*;

    fn deps(body: &str) -> Vec<String> {
        dependency_links(body, "o/r")
            .into_iter()
            .map(|l| format!("{} {}", l.kind, l.target))
            .collect()
    }

    #[test]
    fn dependencies_written_in_descriptions() {
        assert_eq!(deps("Blocked by #12"), ["blocked-by github:o/r#12"]);
        assert_eq!(
            deps("depends on: acme/api#3 and https://github.com/acme/web/issues/4.\nBlocks #9"),
            ["blocked-by github:acme/api#3", "blocked-by github:acme/web#4", "blocks github:o/r#9"]
        );
        assert_eq!(
            deps("blocked by #1, #2"),
            ["blocked-by github:o/r#1", "blocked-by github:o/r#2"]
        );
        assert!(deps("unblocked by #3; this blocks nothing; depends on luck").is_empty());
    }

    fn targets(body: &str) -> Vec<String> {
        closing_links(body, "o/r").into_iter().map(|l| l.target.to_string()).collect()
    }

    #[test]
    fn closing_keywords() {
        assert_eq!(targets("Closes #12"), ["github:o/r#12"]);
        assert_eq!(
            targets("fixes: acme/api#3 and RESOLVED https://github.com/acme/web/issues/4."),
            ["github:acme/api#3", "github:acme/web#4"]
        );
        assert_eq!(targets("Fixes #1, fixes #2, fixes #1"), ["github:o/r#1", "github:o/r#2"]);
        assert!(targets("see #12; prefix#3; closesnot #4; fixed #x").is_empty());
        assert!(targets("a fixture #3").is_empty());
    }

    #[test]
    fn helpers() {
        assert_eq!(kebab(" Feature  Request"), "feature-request");
        assert_eq!(kebab("Bug"), "bug");
        assert_eq!(
            issue_id_from_api_url("https://ghe.example.com/api/v3/repos/o/r/issues/12").as_deref(),
            Some("github:o/r#12")
        );
        assert_eq!(issue_id_from_api_url("https://x/repos/o/r/pulls/1"), None);
        assert_eq!(calendar_date("2026-12-01T08:00:00Z"), NaiveDate::from_ymd_opt(2026, 12, 1));
        assert_eq!(calendar_date("2026-12-01T00:00:00Z"), NaiveDate::from_ymd_opt(2026, 12, 1));
        assert_eq!(calendar_date("soon"), None);
    }
}
