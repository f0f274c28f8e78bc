//! GitHub Projects *Export view data*: a tab-separated file whose columns are the view's
//! visible fields (`Title`, `URL`, `Assignees`, `Status`, `Labels`, `Milestone`,
//! `Repository`, `Iteration`, …, then custom fields).
//!
//! An item with an issue or pull request URL gets the id the GitHub source gives it
//! (`github:owner/repo#12`), so a project export and `github:owner/repo` merge. A draft
//! item has no URL: it gets `github-projects:<file stem>/<row>`, its data-row number.

use std::path::Path;

use super::columns::{value, Columns};
use super::common::{self, at, Seen};
use super::table::Table;
use super::{status, Imported, SourceCtx};
use crate::error::{Error, Result};
use crate::model::{Item, Str};
use crate::text::quote;

/// The columns without which a file is not a Projects export…
pub(crate) const REQUIRED: &[&str] = &["Title"];
/// …and, for `csv:` detection, one of these (`github-projects:` needs only `Title`).
pub(crate) const ONE_OF: &[&str] = &["URL", "Assignees", "Repository"];

/// Whether a header looks like a Projects export.
pub(crate) fn detect(cols: &Columns) -> bool {
    REQUIRED.iter().all(|c| cols.has(c)) && ONE_OF.iter().any(|c| cols.has(c))
}

/// `https://github.com/o/r/issues/12` (any host, `/pull/` too) → (`o/r`, 12, pull?).
pub(crate) fn parse_url(url: &str) -> Option<(String, u64, bool)> {
    let rest = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://"))?;
    let rest = rest.split(['?', '#']).next()?.trim_end_matches('/');
    let parts: Vec<&str> = rest.split('/').collect();
    // host, owner, repo, issues|pull, number (an Enterprise host may add a path prefix).
    if parts.len() < 5 {
        return None;
    }
    let n = parts.len();
    let (owner, repo, what, number) = (parts[n - 4], parts[n - 3], parts[n - 2], parts[n - 1]);
    let pull = match what {
        "issues" => false,
        "pull" => true,
        _ => return None,
    };
    let number: u64 = number.parse().ok()?;
    if owner.is_empty() || repo.is_empty() {
        return None;
    }
    Some((format!("{owner}/{repo}"), number, pull))
}

/// `o/r#12` or an issue URL → `github:o/r#12`.
fn github_ref(v: &str) -> Option<String> {
    if let Some((repo, n, _)) = parse_url(v) {
        return Some(format!("github:{repo}#{n}"));
    }
    let (repo, n) = v.split_once('#')?;
    (repo.split('/').count() == 2 && n.parse::<u64>().is_ok()).then(|| format!("github:{v}"))
}

pub(crate) fn import(table: &Table, ctx: &SourceCtx) -> Result<Imported> {
    let mut cols = Columns::new(table);
    common::require(table, &cols, "a GitHub Projects", REQUIRED)?;
    table.check_widths(0)?;
    let title = cols.one(&["Title"]).unwrap_or(0);
    let url = cols.one(&["URL"]);
    let assignees = cols.one(&["Assignees"]);
    let status_col = cols.one(&["Status"]);
    let labels = cols.one(&["Labels"]);
    let milestone = cols.one(&["Milestone"]);
    let repository = cols.one(&["Repository"]);
    // The iteration field is named by the project: GitHub's template calls it
    // `Iteration`, most teams `Sprint` (the live `github-project:` source knows it by its
    // type, an export only by its name).
    let iteration = cols.one(&["Iteration", "Sprint", "Cycle"]);
    let parent = cols.one(&["Parent issue"]);
    // The fields a project commonly adds, named as GitHub's templates and the live
    // `github-project:` source name them: a date like a due date, a start date, a
    // number like an estimate, a priority, a team.
    let due = cols.one(&["Target date", "Due date", "Due", "End date", "Deadline"]);
    let estimate = cols.one(&["Estimate", "Story points", "Points", "Weight", "Size"]);
    let priority = cols.one(&["Priority"]);
    let team = cols.one(&["Team"]);
    let date_cols: Vec<usize> = due.into_iter().collect();
    let dates = super::datecols::DateReader::new(table, &date_cols, ctx.date_order, ctx.tz)?;
    let rest = common::Rest::new(table, &cols.unused());
    let stem = Path::new(&table.path)
        .file_stem()
        .map_or_else(|| "export".to_string(), |s| s.to_string_lossy().into_owned());

    let mut seen = Seen::default();
    let mut items = Vec::with_capacity(table.len());
    // How many due values are no date, and where the first is.
    let mut not_dates: (usize, Option<(crate::error::Location, String)>) = (0, None);
    for (n, row) in table.rows().enumerate() {
        let row = &row;
        let mut fields = rest.fields(row, |v| v);
        let repo_name = value(row, repository)
            .map(|r| r.trim_start_matches("https://github.com/").trim_end_matches('/').to_string());
        let (id, key, kind, project, item_url) = match value(row, url) {
            Some(u) => {
                let Some((repo, number, pull)) = parse_url(u) else {
                    return Err(Error::input(
                        at(table, row, url.unwrap_or(0)),
                        format!(
                            "{} is not a GitHub issue or pull request URL (https://github.com/OWNER/REPO/issues/N)",
                            quote(u)
                        ),
                    ));
                };
                let key = format!("{repo}#{number}");
                let kind = if pull { "pull-request" } else { "issue" };
                (format!("github:{key}"), key, kind, Some(repo), Some(u.to_string()))
            }
            None => {
                let key = format!("{stem}/{}", n + 1);
                (format!("github-projects:{key}"), key, "draft", repo_name, None)
            }
        };
        seen.check(table, row, url.unwrap_or(title), &key)?;
        if value(row, Some(title)).is_none() {
            return Err(Error::input(at(table, row, title), "title is empty"));
        }
        let status_raw = value(row, status_col).unwrap_or("");
        // A due date that is no date (`TBD`) stays in `fields`: a text field of the view
        // named like a date must not stop the import. The first such value is shown after
        // the loop, or a report would say no item has a due date without saying why.
        let due_date = dates.date(row, due).unwrap_or_else(|_| {
            if let (Some(col), Some(v)) = (due, value(row, due)) {
                fields.insert(table.headers[col].clone(), crate::model::FieldValue::One(v.into()));
                not_dates.0 += 1;
                not_dates.1.get_or_insert_with(|| (at(table, row, col), v.to_string()));
            }
            None
        });
        // An estimate that is not a number (a T-shirt size) stays in `fields`.
        let points = value(row, estimate).map(|v| (v, common::parse_number(v)));
        if let (Some((v, None)), Some(col)) = (points, estimate) {
            fields.insert(table.headers[col].clone(), crate::model::FieldValue::One(v.to_string()));
        }
        let parent_id = match value(row, parent) {
            Some(p) => match github_ref(p) {
                Some(id) => Some(id),
                None => {
                    // A parent shown by title only: keep it as written.
                    fields.insert(
                        table.headers[parent.unwrap_or(0)].clone(),
                        crate::model::FieldValue::One(p.to_string()),
                    );
                    None
                }
            },
            None => None,
        };
        items.push(Item {
            id: id.into(),
            key: key.into(),
            source: ctx.source.clone(),
            kind: kind.into(),
            title: value(row, Some(title)).unwrap_or("").into(),
            url: item_url,
            state: status::normalise(status_raw, None, None, &ctx.status_maps()),
            status: status_raw.into(),
            labels: common::split(value(row, labels), ",").into_iter().map(Str::from).collect(),
            assignees: common::split(value(row, assignees), ",")
                .into_iter()
                .map(Str::from)
                .collect(),
            project: project.map(Str::from),
            milestone: value(row, milestone).map(Str::from),
            iteration: value(row, iteration).map(Str::from),
            parent: parent_id.map(Str::from),
            due: due_date,
            estimate: points.and_then(|(_, n)| n),
            priority: value(row, priority).map(Str::from),
            team: value(row, team).map(Str::from),
            fields,
            ..Item::default()
        });
    }
    if let (count, Some((at, v))) = not_dates {
        let others = match count {
            1 => String::new(),
            n => format!(" (and {} more in this column)", n - 1),
        };
        tracing::warn!(
            "{at}: {} is not a date{others}; kept as text, so the item has no due date ({})",
            quote(&v),
            crate::dates::EXPECTED
        );
    }
    use crate::model::{Field, Lack};
    let lacks = Lack::of(&[
        (Field::Milestone, milestone.is_some(), "Milestone column"),
        (Field::Sprint, iteration.is_some(), "Iteration or Sprint column"),
        (Field::Estimate, estimate.is_some(), "Estimate or Weight column"),
        (Field::Due, due.is_some(), "Target date column"),
        (Field::State, status_col.is_some(), "Status column"),
    ]);
    Ok(Imported { items, lacks, ..Imported::default() })
}

#[cfg(test)]
mod tests {
    use super::parse_url;

    #[test]
    fn urls() {
        assert_eq!(
            parse_url("https://github.com/acme/web/issues/12"),
            Some(("acme/web".into(), 12, false))
        );
        assert_eq!(
            parse_url("https://ghe.example.com/acme/web/pull/3/"),
            Some(("acme/web".into(), 3, true))
        );
        assert_eq!(parse_url("https://github.com/acme/web"), None);
        assert_eq!(parse_url("github.com/acme/web/issues/1"), None);
        assert_eq!(parse_url("https://github.com/acme/web/issues/x"), None);
    }
}
