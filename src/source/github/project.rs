//! `github-project:OWNER/NUMBER`: a GitHub Project (v2) through GraphQL — every item with
//! its field values: Status (a single select) becomes the item's status, Iteration its
//! sprint (with dates), a date field named like a due date its due date, a number field
//! named like an estimate its estimate; every other field is kept in `fields`. Issues and
//! pull requests get the ids the `github:` source gives them (`github:owner/repo#12`), so
//! the two sources merge item by item; draft issues are items of their own.
//!
//! Paginated 100 items at a time with cursors; through the same client as the REST
//! source (token, retries, deadlines, GHES). Needs `read:project`.

use chrono::{DateTime, NaiveDate, Utc};
use http::Method;
use serde_json::{json, Value};

use super::client::{Client, FetchError};
use super::config::{Env, Settings};
use crate::config::Config;
use crate::error::{Error, Result};
use crate::model::{FieldValue, Fields, Item, Iteration, State, Str};
use crate::source::{Imported, SourceCtx, SourceSpec};

/// `github-project:OWNER/NUMBER`.
pub struct Project;

impl crate::source::Importer for Project {
    fn name(&self) -> &'static str {
        "github-project"
    }

    fn import(&self, spec: &SourceSpec, ctx: &SourceCtx, config: &Config) -> Result<Imported> {
        import(spec, ctx, config)
    }
}

const QUERY: &str = r#"query($owner: String!, $number: Int!, $cursor: String, $org: Boolean!) {
  organization(login: $owner) @include(if: $org) { projectV2(number: $number) { ...project } }
  user(login: $owner) @skip(if: $org) { projectV2(number: $number) { ...project } }
}
fragment project on ProjectV2 {
  title
  url
  statusUpdates(first: 1, orderBy: {field: CREATED_AT, direction: DESC}) {
    nodes { status body createdAt targetDate }
  }
  items(first: 100, after: $cursor) {
    pageInfo { hasNextPage endCursor }
    nodes {
      id
      updatedAt
      fieldValues(first: 50) {
        nodes {
          __typename
          ... on ProjectV2ItemFieldSingleSelectValue { name field { ... on ProjectV2FieldCommon { name } } }
          ... on ProjectV2ItemFieldIterationValue { title startDate duration field { ... on ProjectV2FieldCommon { name } } }
          ... on ProjectV2ItemFieldDateValue { date field { ... on ProjectV2FieldCommon { name } } }
          ... on ProjectV2ItemFieldNumberValue { number field { ... on ProjectV2FieldCommon { name } } }
          ... on ProjectV2ItemFieldTextValue { text field { ... on ProjectV2FieldCommon { name } } }
        }
      }
      content {
        __typename
        ... on Issue { number title url state stateReason createdAt updatedAt closedAt body repository { nameWithOwner } }
        ... on PullRequest { number title url state merged createdAt updatedAt closedAt repository { nameWithOwner } }
        ... on DraftIssue { title body createdAt updatedAt }
      }
    }
  }
}"#;

/// The GraphQL endpoint beside a REST API URL: `https://api.github.com/graphql`, or
/// `https://ghe.example.com/api/graphql` for `…/api/v3`.
pub(crate) fn graphql_url(api_url: &str) -> String {
    match api_url.strip_suffix("/api/v3") {
        Some(host) => format!("{host}/api/graphql"),
        None => format!("{api_url}/graphql"),
    }
}

fn parse_target(spec: &SourceSpec) -> Result<(String, u64)> {
    let bad = || {
        Error::Usage(format!(
            "source `{}`: expected github-project:OWNER/NUMBER (the number in the project's URL)",
            spec.raw
        ))
    };
    let (owner, number) = spec.target.split_once('/').ok_or_else(bad)?;
    let number: u64 = number.trim().parse().map_err(|_| bad())?;
    if owner.is_empty() || !owner.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        return Err(bad());
    }
    Ok((owner.to_string(), number))
}

pub fn import(spec: &SourceSpec, ctx: &SourceCtx, config: &Config) -> Result<Imported> {
    let (owner, number) = parse_target(spec)?;
    let settings = Settings::resolve(&config.github, &Env::from_process(), &config.origin)?;
    if settings.token.is_none() {
        return Err(Error::Usage(format!(
            "{}: GitHub's GraphQL API needs a token with read:project: set GITHUB_TOKEN",
            spec.raw
        )));
    }
    let got = crate::par::block_on(|| fetch(&owner, number, ctx, &settings))
        .map_err(|e| Error::Run(format!("{}: cannot start the async runtime: {e}", spec.raw)))?;
    got.map_err(|e| match &settings.token {
        Some(t) => e.map_text(|s| t.redact(s)),
        None => e,
    })
}

/// Fetches the project's items (every page) and maps them. Runs in any tokio runtime.
pub async fn fetch(
    owner: &str,
    number: u64,
    ctx: &SourceCtx,
    settings: &Settings,
) -> Result<Imported> {
    let client = Client::new(settings).map_err(|e| Error::Run(format!("{}: {e}", ctx.spec)))?;
    let url = graphql_url(&settings.api_url);
    let mut cursor: Option<String> = None;
    let mut nodes: Vec<Value> = Vec::new();
    let mut status_update = None;
    // An organisation's project, else a user's.
    let mut org = true;
    for _page in 0..10_000 {
        let body = json!({
            "query": QUERY,
            "variables": { "owner": owner, "number": number, "cursor": cursor, "org": org },
        });
        let page = client
            .request::<Value>(Method::POST, &url, Some(&body))
            .await
            .map_err(|e| Error::Run(format!("{}: {}", ctx.spec, describe(&e))))?
            .data;
        if let Some(errors) = page.get("errors").and_then(Value::as_array).filter(|e| !e.is_empty())
        {
            let kinds: Vec<&str> = errors.iter().filter_map(|e| e["type"].as_str()).collect();
            let text =
                errors.iter().filter_map(|e| e["message"].as_str()).collect::<Vec<_>>().join("; ");
            if kinds.contains(&"INSUFFICIENT_SCOPES") {
                return Err(Error::Run(format!(
                    "{}: the token may not read projects ({text}): it needs the read:project scope (a classic token) or Projects: read (a fine-grained one)",
                    ctx.spec
                )));
            }
            // Only a missing organisation means "try the user": a NOT_FOUND about the
            // project under an organisation that exists is the answer itself.
            let not_found = |at: &str| {
                errors.iter().any(|e| {
                    e["type"] == "NOT_FOUND"
                        && match e["path"].as_array() {
                            Some(path) => path.last().and_then(Value::as_str) == Some(at),
                            None => {
                                at == "organization"
                                    && e["message"]
                                        .as_str()
                                        .is_some_and(|m| m.contains("Organization"))
                            }
                        }
                })
            };
            if org && not_found("organization") && nodes.is_empty() {
                org = false; // not an organisation: a user's project
                continue;
            }
            if not_found("projectV2") {
                let whose = if org { "the organisation" } else { "the user" };
                return Err(Error::Run(format!(
                    "{}: {whose} {owner} has no project {number}, or the token cannot see it \
                     (GitHub says: {text}); the number is the one in the project's URL",
                    ctx.spec
                )));
            }
            return Err(Error::Run(format!("{}: GitHub's GraphQL API answered: {text}", ctx.spec)));
        }
        let owner_key = if org { "organization" } else { "user" };
        let project = &page["data"][owner_key]["projectV2"];
        if project.is_null() {
            return Err(Error::Run(format!(
                "{}: no project {number} of {owner}, or the token cannot see it",
                ctx.spec
            )));
        }
        if cursor.is_none() {
            if let Some(u) = project["statusUpdates"]["nodes"].as_array().and_then(|n| n.first()) {
                status_update = Some(crate::model::StatusUpdate {
                    project: project["title"].as_str().unwrap_or("").to_string(),
                    url: project["url"].as_str().map(str::to_string),
                    status: words(u["status"].as_str().unwrap_or("")),
                    body: u["body"].as_str().unwrap_or("").to_string(),
                    created: time(&u["createdAt"]),
                    target_date: date(&u["targetDate"]),
                });
            }
        }
        let items = &project["items"];
        nodes.extend(items["nodes"].as_array().cloned().unwrap_or_default());
        if items["pageInfo"]["hasNextPage"].as_bool() != Some(true) {
            break;
        }
        cursor = items["pageInfo"]["endCursor"].as_str().map(str::to_string);
        if cursor.is_none() {
            break;
        }
    }
    let rate = client.rate_limit();
    tracing::info!(
        "{}: {} items, {} requests{}",
        ctx.spec,
        nodes.len(),
        client.requests(),
        match (rate.remaining, rate.limit) {
            (Some(r), Some(l)) => format!("; GraphQL rate limit: {r} of {l} points left"),
            _ => String::new(),
        }
    );
    let mut imported = Imported::default();
    imported.status_updates.extend(status_update);
    for node in &nodes {
        if let Some((item, iteration)) = map(node, ctx) {
            if let Some(it) = iteration {
                if !imported.iterations.iter().any(|x| x.title == it.title) {
                    imported.iterations.push(it);
                }
            }
            imported.items.push(item);
        }
    }
    Ok(imported)
}

fn describe(e: &FetchError) -> String {
    match e {
        FetchError::Access { status: 401, .. } => "GitHub rejected the token (401)".into(),
        other => other.to_string(),
    }
}

fn time(v: &Value) -> Option<DateTime<Utc>> {
    v.as_str().and_then(|s| DateTime::parse_from_rfc3339(s).ok()).map(|t| t.with_timezone(&Utc))
}

fn date(v: &Value) -> Option<NaiveDate> {
    v.as_str().and_then(|s| NaiveDate::parse_from_str(s.get(..10)?, "%Y-%m-%d").ok())
}

/// One project item → an item, and its iteration with dates.
fn map(node: &Value, ctx: &SourceCtx) -> Option<(Item, Option<Iteration>)> {
    let content = &node["content"];
    let typename = content["__typename"].as_str().unwrap_or("");
    let (id, key, kind, project) = match typename {
        "Issue" | "PullRequest" => {
            let repo = content["repository"]["nameWithOwner"].as_str()?;
            let n = content["number"].as_u64()?;
            let kind = if typename == "Issue" { "issue" } else { "pull-request" };
            (format!("github:{repo}#{n}"), format!("{repo}#{n}"), kind, Some(repo.to_string()))
        }
        "DraftIssue" => {
            let id = node["id"].as_str()?;
            (format!("github-project:{id}"), id.to_string(), "draft", None)
        }
        // Redacted content (no access to its repository): nothing to report.
        _ => return None,
    };
    let content_state = content["state"].as_str().unwrap_or("OPEN");
    let mut status = String::new();
    let mut iteration = None;
    let mut due = None;
    let mut estimate = None;
    let mut fields = Fields::new();
    for v in node["fieldValues"]["nodes"].as_array().into_iter().flatten() {
        let name = v["field"]["name"].as_str().unwrap_or("").to_string();
        if name.is_empty() {
            continue;
        }
        let lower = name.to_ascii_lowercase();
        match v["__typename"].as_str().unwrap_or("") {
            "ProjectV2ItemFieldSingleSelectValue" => {
                let value = v["name"].as_str().unwrap_or("").to_string();
                if lower == "status" {
                    status = value.clone();
                }
                fields.insert(name, FieldValue::One(value));
            }
            "ProjectV2ItemFieldIterationValue" => {
                let title = v["title"].as_str().unwrap_or("").to_string();
                let start = date(&v["startDate"]);
                let end = start
                    .zip(v["duration"].as_i64())
                    .map(|(s, d)| s + chrono::Duration::days(d - 1));
                if !title.is_empty() {
                    iteration = Some(Iteration { title: title.clone(), start, end });
                }
                fields.insert(name, FieldValue::One(title));
            }
            "ProjectV2ItemFieldDateValue" => {
                let d = date(&v["date"]);
                if d.is_some()
                    && ["due", "due date", "target date", "end date", "deadline"]
                        .contains(&lower.as_str())
                {
                    due = d;
                }
                fields.insert(name, FieldValue::One(v["date"].as_str().unwrap_or("").to_string()));
            }
            "ProjectV2ItemFieldNumberValue" => {
                let n = v["number"].as_f64();
                if ["estimate", "points", "story points", "size"].contains(&lower.as_str()) {
                    estimate = n;
                }
                fields.insert(name, FieldValue::One(n.map(|x| x.to_string()).unwrap_or_default()));
            }
            "ProjectV2ItemFieldTextValue" => {
                fields.insert(name, FieldValue::One(v["text"].as_str().unwrap_or("").to_string()));
            }
            _ => {}
        }
    }
    // The Status column decides, through the status maps; without one, the issue's state.
    let mapped = (!status.is_empty())
        .then(|| ctx.status_maps().iter().find_map(|m| m.get(&status)))
        .flatten()
        .or_else(|| (!status.is_empty()).then(|| guess_state(&status)).flatten());
    // As the `github:` source maps them: closed as not planned or a duplicate, and a pull
    // request closed without merging, are cancelled, not done.
    let reason = content["stateReason"].as_str().map(str::to_ascii_lowercase);
    let unmerged = typename == "PullRequest"
        && content_state == "CLOSED"
        && content["merged"].as_bool() != Some(true);
    let cancelled = unmerged
        || (content_state == "CLOSED"
            && matches!(reason.as_deref(), Some("not_planned" | "duplicate")));
    let state = mapped.unwrap_or(match content_state {
        _ if cancelled => State::Cancelled,
        "CLOSED" | "MERGED" => State::Done,
        _ => State::Open,
    });
    if status.is_empty() {
        status = match (content_state, reason) {
            ("CLOSED", _) if unmerged => "closed (not merged)".into(),
            ("CLOSED", Some(r)) => format!("closed ({r})"),
            _ => content_state.to_ascii_lowercase(),
        };
    }
    let item = Item {
        id: id.into(),
        key: key.into(),
        source: ctx.source.clone(),
        kind: kind.into(),
        title: content["title"].as_str().unwrap_or("").into(),
        body: content["body"].as_str().unwrap_or("").to_string(),
        url: content["url"].as_str().map(str::to_string),
        state,
        status: Str::from(status),
        project: project.map(Str::from),
        iteration: iteration.as_ref().map(|i| Str::from(i.title.as_str())),
        due,
        estimate,
        created: time(&content["createdAt"]),
        updated: time(&content["updatedAt"]).or_else(|| time(&node["updatedAt"])),
        closed: time(&content["closedAt"]),
        fields,
        ..Item::default()
    };
    Some((item, iteration))
}

/// `AT_RISK` → `At risk`.
fn words(status: &str) -> String {
    let lower = status.replace('_', " ").to_ascii_lowercase();
    let mut c = lower.chars();
    c.next().map(|f| f.to_uppercase().collect::<String>() + c.as_str()).unwrap_or_default()
}

/// The usual column names of a project board.
fn guess_state(status: &str) -> Option<State> {
    let s = status.to_ascii_lowercase();
    if ["done", "closed", "shipped", "released", "complete", "completed"].contains(&s.as_str()) {
        Some(State::Done)
    } else if s.contains("progress") || s.contains("review") || s.contains("doing") || s == "in qa"
    {
        Some(State::InProgress)
    } else if ["todo", "to do", "backlog", "ready", "new", "triage", "up next"]
        .contains(&s.as_str())
    {
        Some(State::Open)
    } else if ["won't do", "wontfix", "cancelled", "canceled"].contains(&s.as_str()) {
        Some(State::Cancelled)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn graphql_beside_rest() {
        assert_eq!(graphql_url("https://api.github.com"), "https://api.github.com/graphql");
        assert_eq!(graphql_url("https://ghe.acme.com/api/v3"), "https://ghe.acme.com/api/graphql");
    }

    #[test]
    fn board_columns() {
        assert_eq!(guess_state("In Progress"), Some(State::InProgress));
        assert_eq!(guess_state("Done"), Some(State::Done));
        assert_eq!(guess_state("Todo"), Some(State::Open));
        assert_eq!(guess_state("Parking lot"), None);
    }
}
