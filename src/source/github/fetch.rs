//! What is fetched for a repository, and for every repository of an owner.
//!
//! Per repository: the repository itself (which follows a rename), the issue list (issues
//! and pull requests, every state) and the milestone list (every state), 100 to a page,
//! following `rel="next"` exactly as given. That is 1 + max(1, ⌈issues/100⌉) +
//! max(1, ⌈milestones/100⌉) requests, plus one for each issue whose dependencies summary
//! counts a blocker (GitHub's native dependencies); for `github:OWNER` the repository
//! objects come from the owner's list instead, so the first 1 is replaced by ⌈repos/100⌉
//! for all of them.

use std::collections::HashSet;

use serde::de::DeserializeOwned;

use super::client::{origin, same_origin, Client, FetchError};
use super::config::GithubConfig;
use super::payload;
use super::progress::Bar;
use crate::text::Globs;

/// One repository's data, as GitHub sent it.
#[derive(Debug)]
pub(super) struct RepoData {
    /// `owner/name` as GitHub now names the repository (after any rename).
    pub full_name: String,
    pub issues: Vec<payload::Issue>,
    pub milestones: Vec<payload::Milestone>,
    /// Issues are turned off (the issue list answered 410).
    pub issues_off: bool,
}

/// Upper bound on pages of one list, against a server whose `next` never ends.
const MAX_PAGES: usize = 10_000;

/// `GET /repos/{owner}/{name}`; a renamed repository answers 301 and the client follows.
pub(super) async fn repo(
    client: &Client,
    owner: &str,
    name: &str,
) -> Result<payload::Repo, FetchError> {
    Ok(client.get::<payload::Repo>(&client.url(&format!("/repos/{owner}/{name}"))).await?.data)
}

/// Issues, pull requests and milestones of `full_name`, in parallel.
pub(super) async fn repo_data(
    client: &Client,
    full_name: &str,
    bar: &Bar,
) -> Result<RepoData, FetchError> {
    let issues_url = client.url(&format!("/repos/{full_name}/issues?state=all&per_page=100"));
    let milestones_url =
        client.url(&format!("/repos/{full_name}/milestones?state=all&per_page=100"));
    // A list that is not there is no failure (issues turned off: 410; some old servers
    // have no milestone list); anything else stops both lists at once.
    let issues = async {
        match all_pages::<payload::Issue>(client, &issues_url, Some(bar)).await {
            Ok(issues) => Ok(Some(issues)),
            // Its pull requests are then not listed either.
            Err(FetchError::Access { status: 410, .. }) => Ok(None),
            Err(e) => Err(e),
        }
    };
    let milestones = async {
        match all_pages::<payload::Milestone>(client, &milestones_url, None).await {
            Err(FetchError::Access { status: 404 | 410, .. }) => Ok(Vec::new()),
            other => other,
        }
    };
    let (issues, milestones) = futures_util::future::try_join(issues, milestones).await?;
    let issues_off = issues.is_none();
    if issues_off {
        tracing::info!("{full_name}: issues are turned off");
    }
    let mut issues = issues.unwrap_or_default();
    // Pages are sorted newest first: an issue opened while we page pushes one down a page,
    // and it is seen twice. Keep the first.
    let mut seen = HashSet::new();
    issues.retain(|i| i.number.is_none_or(|n| seen.insert(n)));
    blockers(client, full_name, &mut issues).await?;
    Ok(RepoData { full_name: full_name.to_string(), issues, milestones, issues_off })
}

/// What an incremental fetch of a repository leaves to store once the whole source is in.
pub(super) type Pending = super::cache::RepoCache;

/// [`repo_data`] through the cache: only issues updated since the last complete fetch
/// (a few minutes' overlap), each list's first page asked with its ETag — an unchanged
/// repository answers 304s — merged into what was cached. Returns the data and the cache
/// to store when the whole source succeeded.
pub(super) async fn repo_data_cached(
    client: &Client,
    full_name: &str,
    bar: &Bar,
    cache: &super::cache::Cache,
    full: bool,
    open_count: Option<u64>,
) -> Result<(RepoData, Option<Pending>), FetchError> {
    let got = repo_data_cached_once(client, full_name, bar, cache, full).await?;
    // Deleted and transferred issues never show in a `since` list: when the cached open
    // issues do not add up to GitHub's count, this repository is fetched in full. Not
    // with issues turned off: the count is then of open pull requests, which the 410
    // hides too, so it could never add up and every run would fetch in full for nothing.
    if let (false, false, Some(expected)) = (full, got.0.issues_off, open_count) {
        let open =
            got.0.issues.iter().filter(|i| i.state.as_deref() == Some("open")).count() as u64;
        if open != expected {
            tracing::info!(
                "{full_name}: {open} open in the cache, {expected} on GitHub: fetching it in full"
            );
            return repo_data_cached_once(client, full_name, bar, cache, true).await;
        }
    }
    Ok(got)
}

async fn repo_data_cached_once(
    client: &Client,
    full_name: &str,
    bar: &Bar,
    cache: &super::cache::Cache,
    full: bool,
) -> Result<(RepoData, Option<Pending>), FetchError> {
    use super::client::Conditional;
    use serde_json::Value;
    let old = if full { None } else { cache.load(full_name) };
    let started = chrono::Utc::now() - chrono::Duration::minutes(5);
    let base = format!("/repos/{full_name}/issues?state=all&per_page=100");
    let issues_url = match old.as_ref().and_then(|o| o.since.as_deref()) {
        Some(since) => client.url(&format!("{base}&since={since}")),
        None => client.url(&base),
    };
    let etag = old.as_ref().filter(|o| o.issues_url.as_deref() == Some(issues_url.as_str()));
    let etag = etag.and_then(|o| o.issues_etag.as_deref());
    let mut new = old
        .clone()
        .unwrap_or_else(|| Pending { repo: full_name.to_string(), ..Pending::default() });
    let mut issues_off = false;
    let changed: Vec<Value> = match client.get_if_changed::<Vec<Value>>(&issues_url, etag).await {
        Ok(Conditional::NotModified) => Vec::new(),
        Ok(Conditional::Fresh(page)) => {
            new.issues_etag = page.etag.clone();
            pages_from(client, &issues_url, Some(page), Some(bar)).await?
        }
        // A repository with issues turned off answers 410.
        Err(FetchError::Access { status: 410, .. }) => {
            tracing::info!("{full_name}: issues are turned off");
            issues_off = true;
            new.issues.clear();
            Vec::new()
        }
        Err(e) => return Err(e),
    };
    new.issues_url = Some(issues_url);
    let mut touched = Vec::new();
    for v in changed {
        if let Some(n) = v.get("number").and_then(Value::as_u64) {
            touched.push(n);
            new.issues.insert(n, v);
        }
    }
    // Move `since` on only when something arrived: the same request next week is then
    // answered 304 while nothing changes.
    if old.is_none() || !touched.is_empty() {
        new.since = Some(started.to_rfc3339_opts(chrono::SecondsFormat::Secs, true));
    }
    let milestones_url =
        client.url(&format!("/repos/{full_name}/milestones?state=all&per_page=100"));
    let etag = old.as_ref().and_then(|o| o.milestones_etag.as_deref());
    match client.get_if_changed::<Vec<Value>>(&milestones_url, etag).await {
        Ok(Conditional::NotModified) => {}
        Ok(Conditional::Fresh(page)) => {
            new.milestones_etag = page.etag.clone();
            new.milestones = pages_from(client, &milestones_url, Some(page), None).await?;
        }
        Err(FetchError::Access { status: 404 | 410, .. }) => new.milestones.clear(),
        Err(e) => return Err(e),
    }
    // The typed issues, with native blockers asked again only for the issues that changed.
    let mut issues: Vec<payload::Issue> = Vec::with_capacity(new.issues.len());
    let mut numbers = Vec::with_capacity(new.issues.len());
    for (n, v) in &new.issues {
        match serde_json::from_value::<payload::Issue>(v.clone()) {
            Ok(i) => {
                issues.push(i);
                numbers.push(*n);
            }
            Err(e) => tracing::warn!("{full_name}#{n}: cached issue unreadable ({e}); skipped"),
        }
    }
    let mut fresh: Vec<payload::Issue> = Vec::new();
    let mut fresh_at = Vec::new();
    for (k, n) in numbers.iter().enumerate() {
        if touched.contains(n) || old.is_none() {
            fresh.push(issues[k].clone());
            fresh_at.push(k);
        } else if let Some(b) = new.blocked_by.get(n) {
            issues[k].blocked_by = b.clone();
        }
    }
    blockers(client, full_name, &mut fresh).await?;
    for (f, k) in fresh.into_iter().zip(fresh_at) {
        let n = numbers[k];
        if f.blocked_by.is_empty() {
            new.blocked_by.remove(&n);
        } else {
            new.blocked_by.insert(n, f.blocked_by.clone());
        }
        issues[k].blocked_by = f.blocked_by;
    }
    let milestones = new
        .milestones
        .iter()
        .filter_map(|v| serde_json::from_value::<payload::Milestone>(v.clone()).ok())
        .collect();
    // Newest first, as the list is without a cache.
    issues.reverse();
    // Unchanged (every answer a 304): nothing to write back.
    let unchanged = old.as_ref().is_some_and(|o| {
        touched.is_empty()
            && o.issues_url == new.issues_url
            && o.issues_etag == new.issues_etag
            && o.milestones_etag == new.milestones_etag
            && o.since == new.since
    });
    let pending = (!unchanged).then_some(new);
    Ok((RepoData { full_name: full_name.to_string(), issues, milestones, issues_off }, pending))
}

/// GitHub's native dependencies: `GET …/issues/{n}/dependencies/blocked_by`, only for the
/// issues whose summary counts a blocker (the reverse edges follow from these; asking
/// for `blocking` too would double the requests). A server without the endpoint (older
/// Enterprise Server: 404) or without access to it simply has none. Sub-issues need no
/// request: each child names its parent (`parent_issue_url`).
async fn blockers(
    client: &Client,
    full_name: &str,
    issues: &mut [payload::Issue],
) -> Result<(), FetchError> {
    use futures_util::StreamExt;
    let wanted: Vec<(usize, u64)> = issues
        .iter()
        .enumerate()
        .filter(|(_, i)| i.pull_request.is_none() && i.blocked_by_count() > 0)
        .filter_map(|(k, i)| Some((k, i.number?)))
        .collect();
    let fetched: Vec<(usize, Result<Vec<payload::Issue>, FetchError>)> =
        futures_util::stream::iter(wanted)
            .map(|(k, n)| async move {
                let url = client.url(&format!(
                    "/repos/{full_name}/issues/{n}/dependencies/blocked_by?per_page=100"
                ));
                (k, all_pages::<payload::Issue>(client, &url, None).await)
            })
            .buffered(4)
            .collect()
            .await;
    for (k, got) in fetched {
        match got {
            Ok(list) => {
                issues[k].blocked_by = list.into_iter().filter_map(|b| b.url).collect();
            }
            Err(FetchError::Access { status, .. }) => {
                tracing::debug!("{full_name}: no native dependencies ({status})");
            }
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// Every item of the list at `url` (every page).
pub(crate) async fn list<T: DeserializeOwned>(
    client: &Client,
    url: &str,
) -> Result<Vec<T>, FetchError> {
    all_pages(client, url, None).await
}

/// Every page of a list, following `rel="next"`.
async fn all_pages<T: DeserializeOwned>(
    client: &Client,
    first: &str,
    bar: Option<&Bar>,
) -> Result<Vec<T>, FetchError> {
    pages_from(client, first, None, bar).await
}

/// [`all_pages`], its first page already fetched when `fetched` is given.
async fn pages_from<T: DeserializeOwned>(
    client: &Client,
    first: &str,
    mut fetched: Option<super::client::Page<Vec<T>>>,
    bar: Option<&Bar>,
) -> Result<Vec<T>, FetchError> {
    let mut out = Vec::new();
    let mut url = first.to_string();
    let mut visited = HashSet::new();
    let mut empty_in_a_row = 0;
    let mut announced: Option<usize> = None;
    for page in 1.. {
        let got = match fetched.take() {
            Some(p) => p,
            None => client.get::<Vec<T>>(&url).await?,
        };
        empty_in_a_row = if got.data.is_empty() { empty_in_a_row + 1 } else { 0 };
        announced = announced.or(got.last_page.map(|n| n as usize));
        out.extend(got.data);
        if let Some(bar) = bar {
            bar.page(page, got.last_page, out.len());
        }
        match got.next {
            None => break,
            Some(next) => {
                let fail = |why: String| {
                    Err(FetchError::Fatal(
                        client.redact(&format!("GET {}: {why}", client.shown(first))),
                    ))
                };
                // Pages from another host are not GitHub's answer, whatever they hold.
                if !same_origin(&next, first) {
                    return fail(format!(
                        "the next page is on another host ({}): refused",
                        origin(&next).unwrap_or("?")
                    ));
                }
                if empty_in_a_row >= 3 || announced.is_some_and(|last| page >= last + 2) {
                    return fail(format!(
                        "the server keeps sending pages ({page} so far, {} announced, the last {empty_in_a_row} empty)",
                        announced.map_or("none".to_string(), |n| n.to_string())
                    ));
                }
                visited.insert(url);
                if visited.contains(&next) || page >= MAX_PAGES {
                    return Err(FetchError::Fatal(format!(
                        "GET {}: the pages never end (next page {} seen before or over {MAX_PAGES} pages)",
                        client.shown(first),
                        client.shown(&next)
                    )));
                }
                url = next;
            }
        }
    }
    Ok(out)
}

/// Every repository of an organisation, or of a user when `/orgs/{owner}` is not found,
/// filtered by the config; sorted by name.
pub(super) async fn owner_repos(
    client: &Client,
    owner: &str,
    config: &GithubConfig,
) -> Result<Vec<payload::Repo>, FetchError> {
    let org = client.url(&format!("/orgs/{owner}/repos?type=all&per_page=100"));
    let repos = match all_pages::<payload::Repo>(client, &org, None).await {
        Err(FetchError::Access { status: 404, .. }) => {
            let user = client.url(&format!("/users/{owner}/repos?type=owner&per_page=100"));
            all_pages::<payload::Repo>(client, &user, None).await?
        }
        other => other?,
    };
    let total = repos.len();
    let mut kept: Vec<payload::Repo> = repos.into_iter().filter(|r| wanted(r, config)).collect();
    kept.sort_by_key(|r| r.full_name().unwrap_or_default().to_lowercase());
    tracing::info!("github:{owner}: {} of {total} repositories selected", kept.len());
    Ok(kept)
}

/// Whether the config selects this repository: a pattern with a `/` is matched against
/// `owner/name`, any other against the name.
fn wanted(repo: &payload::Repo, config: &GithubConfig) -> bool {
    let Some(full) = repo.full_name() else { return false };
    let name = full.rsplit('/').next().unwrap_or(&full);
    let matches = |patterns: &[String]| {
        let (with_owner, names): (Vec<&String>, Vec<&String>) =
            patterns.iter().partition(|p| p.contains('/'));
        Globs::new(&with_owner).is_match(&full) || Globs::new(&names).is_match(name)
    };
    if repo.disabled == Some(true)
        || (repo.archived == Some(true) && !config.archived)
        || (repo.fork == Some(true) && !config.forks)
    {
        return false;
    }
    (config.include.is_empty() || matches(&config.include)) && !matches(&config.exclude)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selection() {
        let repo = |name: &str, archived: bool, fork: bool| payload::Repo {
            full_name: Some(format!("acme/{name}")),
            archived: Some(archived),
            fork: Some(fork),
            ..payload::Repo::default()
        };
        let mut config = GithubConfig::default();
        assert!(wanted(&repo("web", false, false), &config));
        assert!(!wanted(&repo("old", true, false), &config));
        assert!(!wanted(&repo("fork", false, true), &config));
        config.archived = true;
        config.forks = true;
        assert!(wanted(&repo("old", true, false), &config));
        config.include = vec!["API-*".into(), "acme/web".into()];
        config.exclude = vec!["*-legacy".into()];
        assert!(wanted(&repo("api-gateway", false, false), &config));
        assert!(wanted(&repo("web", false, false), &config));
        assert!(!wanted(&repo("api-legacy", false, false), &config));
        assert!(!wanted(&repo("docs", false, false), &config));
    }
}
