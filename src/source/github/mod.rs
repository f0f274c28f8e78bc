//! `github:OWNER/REPO` and `github:OWNER`: issues, pull requests and milestones, live
//! from the GitHub REST API (github.com or Enterprise Server).
//!
//! The only async code of rolecall lives here: [`import`] is synchronous and runs a
//! current-thread tokio runtime for the duration of one source. Layout:
//! `client` sends one GET with every fault handled (retries, rate limits, bad bodies),
//! `fetch` decides what to GET, `payload` is GitHub's JSON as we read it, `mapping`
//! turns it into the model, `progress` draws bars on a terminal.

mod cache;
pub(crate) mod client;
mod config;
pub(crate) mod fetch;
mod mapping;
mod payload;
mod progress;
pub mod project;
mod secret;

use std::sync::atomic::{AtomicBool, Ordering};

use futures_util::StreamExt;

pub use cache::Cache;
pub use client::{redact_url, FetchError, RateLimit};
pub use config::{Env, GithubConfig, OnRepoError, Settings, PUBLIC_API};
pub use secret::Token;

use super::{Imported, SourceCtx, SourceSpec};
use crate::config::Config;
use crate::error::{Error, Result};

/// What a `github:` spec names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Repo { owner: String, name: String },
    Owner(String),
}

impl Target {
    /// `OWNER/REPO` or `OWNER`; anything else is a usage error.
    pub fn parse(spec: &SourceSpec) -> Result<Target> {
        let bad = |why: &str| {
            Error::Usage(format!(
                "source `{}`: {why}; expected github:OWNER/REPO (one repository) or \
                 github:OWNER (every repository of an organisation or user)",
                spec.raw
            ))
        };
        let target = spec.target.trim().trim_end_matches('/');
        let valid = |s: &str| {
            !s.is_empty()
                && s != "."
                && s != ".."
                && s.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        };
        let parts: Vec<&str> = target.split('/').collect();
        match parts.as_slice() {
            [owner] if valid(owner) => Ok(Target::Owner(owner.to_string())),
            [owner, name] if valid(owner) && valid(name) => Ok(Target::Repo {
                owner: owner.to_string(),
                name: name.strip_suffix(".git").unwrap_or(name).to_string(),
            }),
            [..] if target.contains("://") => Err(bad("give the owner and repository, not a URL")),
            [_] | [_, _] => Err(bad("names may hold only letters, digits, `-`, `_` and `.`")),
            _ => Err(bad("too many `/`")),
        }
    }
}

/// How a fetch went, besides the data.
#[derive(Debug, Default, Clone)]
pub struct Stats {
    /// HTTP requests sent, retries included.
    pub requests: u64,
    /// Repositories fetched.
    pub repos: usize,
    /// Repositories skipped under `on-repo-error = "warn"`, each with the reason.
    pub skipped: Vec<String>,
    pub rate: RateLimit,
}

/// `github:OWNER/REPO` or `github:OWNER`: issues, pull requests and milestones.
pub struct Github;

impl super::Importer for Github {
    fn name(&self) -> &'static str {
        "github"
    }

    fn import(&self, spec: &SourceSpec, ctx: &SourceCtx, config: &Config) -> Result<Imported> {
        import(spec, ctx, config)
    }
}

/// Loads a `github:` source: the synchronous entry point of the pipeline.
pub fn import(spec: &SourceSpec, ctx: &SourceCtx, config: &Config) -> Result<Imported> {
    let target = Target::parse(spec)?;
    let mut settings = Settings::resolve(&config.github, &Env::from_process(), &config.origin)?;
    settings.progress = progress::wanted();
    if config.github.cache {
        settings.cache = config.github.cache_dir.clone().map(Cache::new);
    }
    settings.full = config.github.full;
    // Whatever reached an error, the token's value never leaves: a last line of defence
    // behind the client's own redaction.
    let (imported, stats) = crate::par::block_on(|| async {
        let deadline = std::time::Duration::from_secs(settings.config.deadline_secs.max(1));
        match tokio::time::timeout(deadline, fetch(&target, ctx, &settings)).await {
            Ok(done) => done,
            Err(_) => Err(Error::Run(format!(
                "{}: the fetch took longer than {} s ([github] deadline-secs); nothing was read",
                spec.raw,
                deadline.as_secs()
            ))),
        }
    })
    .map_err(|e| Error::Run(format!("{}: cannot start the async runtime: {e}", spec.raw)))
    .and_then(|r| r)
    .map_err(|e| match &settings.token {
        Some(t) => e.map_text(|s| t.redact(s)),
        None => e,
    })?;
    report(spec, &settings, &stats);
    Ok(imported)
}

/// Warnings and the summary, once the data is in (so that on failure the error is the
/// first line on stderr).
fn report(spec: &SourceSpec, settings: &Settings, stats: &Stats) {
    static WARNED: AtomicBool = AtomicBool::new(false);
    // These lines come from server answers and skip the error's redaction in `import`.
    let redact = |s: &str| settings.token.as_ref().map_or_else(|| s.to_string(), |t| t.redact(s));
    for s in &stats.skipped {
        tracing::warn!("{}: skipped {}", spec.raw, redact(s));
    }
    if settings.token.is_none() && !WARNED.swap(true, Ordering::Relaxed) {
        tracing::warn!(
            "no GitHub token (GITHUB_TOKEN, GH_TOKEN or `gh auth login`): fetched without one, \
             GitHub allows 60 requests an hour and shows no private repositories"
        );
    }
    let left = match (stats.rate.remaining, stats.rate.limit) {
        (Some(r), Some(l)) => format!("; rate limit: {r} of {l} left"),
        _ => String::new(),
    };
    let count = |n: u64, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    tracing::info!(
        "{}: {}, {}{left}",
        spec.raw,
        count(stats.repos as u64, "repository", "repositories"),
        count(stats.requests, "request", "requests")
    );
}

/// Fetches and maps a target. Runs in any tokio runtime (tests call it directly).
pub async fn fetch(
    target: &Target,
    ctx: &SourceCtx,
    settings: &Settings,
) -> Result<(Imported, Stats)> {
    let client =
        client::Client::new(settings).map_err(|e| Error::Run(format!("{}: {e}", ctx.spec)))?;
    let bars = progress::Progress::new(settings.progress);
    let mut data = Vec::new();
    let mut pending: Vec<fetch::Pending> = Vec::new();
    let mut repo_object: Option<cache::RepoObject> = None;
    let mut stats = Stats::default();
    // A renamed repository's old name → its new one: references in descriptions written
    // before the rename (`Fixes old-owner/repo#143`) still name it.
    let mut renamed: Option<(String, String)> = None;
    match target {
        Target::Repo { owner, name } => {
            let bar = bars.bar(&format!("{owner}/{name}"));
            let asked = format!("{owner}/{name}");
            let mut object: Option<cache::RepoObject> = None;
            let got = async {
                let repo = match &settings.cache {
                    // With the cache: asked with the last ETag; a 304 reuses the object.
                    Some(cache) => {
                        let old = (!settings.full).then(|| cache.load_object(&asked)).flatten();
                        let url = client.url(&format!("/repos/{owner}/{name}"));
                        let etag = old.as_ref().and_then(|o| o.etag.as_deref());
                        match client.get_if_changed::<serde_json::Value>(&url, etag).await? {
                            client::Conditional::NotModified => {
                                let json = old.map(|o| o.json).unwrap_or_default();
                                serde_json::from_value(json).unwrap_or_default()
                            }
                            client::Conditional::Fresh(page) => {
                                let repo =
                                    serde_json::from_value(page.data.clone()).unwrap_or_default();
                                object =
                                    Some(cache::RepoObject { etag: page.etag, json: page.data });
                                repo
                            }
                        }
                    }
                    None => fetch::repo(&client, owner, name).await?,
                };
                let full = repo.full_name().unwrap_or_else(|| format!("{owner}/{name}"));
                if !full.eq_ignore_ascii_case(&format!("{owner}/{name}")) {
                    let full = client.redact(&full);
                    tracing::info!("{}: {owner}/{name} is now {full} (renamed)", ctx.spec);
                }
                match &settings.cache {
                    Some(cache) => {
                        let open = repo.open_issues_count;
                        fetch::repo_data_cached(&client, &full, &bar, cache, settings.full, open)
                            .await
                    }
                    None => fetch::repo_data(&client, &full, &bar).await.map(|d| (d, None)),
                }
            }
            .await;
            bar.finish();
            repo_object = object;
            // A source naming one repository has nothing without it: an error either way.
            let (d, p) = got.map_err(|e| fetch_error(ctx, None, &e, &client))?;
            if !d.full_name.eq_ignore_ascii_case(&asked) {
                renamed = Some((format!("github:{asked}#"), format!("github:{}#", d.full_name)));
            }
            data.push(d);
            pending.extend(p);
        }
        Target::Owner(owner) => {
            let repos = fetch::owner_repos(&client, owner, &settings.config)
                .await
                .map_err(|e| fetch_error(ctx, None, &e, &client))?;
            if repos.is_empty() {
                tracing::warn!("{}: no repositories selected", ctx.spec);
            }
            // An estimate before the work: two lists a repository (more for long ones).
            let rate = client.rate_limit();
            let estimate = client.requests() + 2 * repos.len() as u64;
            tracing::info!(
                "{}: {} repositories; about {} requests{}",
                ctx.spec,
                repos.len(),
                estimate,
                match (rate.remaining, rate.limit) {
                    (Some(r), Some(l)) => format!("; {r} of {l} left this hour"),
                    _ => String::new(),
                }
            );
            let mut results = futures_util::stream::iter(
                repos.iter().filter_map(|r| Some((r.full_name()?, r.open_issues_count))),
            )
            .map(|(full, open)| {
                let client = &client;
                let bar = bars.bar(&full);
                async move {
                    let got = match &settings.cache {
                        Some(cache) => {
                            fetch::repo_data_cached(client, &full, &bar, cache, settings.full, open)
                                .await
                        }
                        None => fetch::repo_data(client, &full, &bar).await.map(|d| (d, None)),
                    };
                    bar.finish();
                    (full, got)
                }
            })
            .buffered(settings.config.concurrency.max(1));
            let (total, mut done) = (repos.len(), 0usize);
            let step = (total / 10).max(25);
            while let Some((full, got)) = results.next().await {
                // A line every tenth of the way (at least 25 repositories) for CI logs,
                // where there are no progress bars.
                done += 1;
                if done % step == 0 && done < total {
                    let rate = client.rate_limit();
                    tracing::info!(
                        "{}: {done} of {total} repositories, {} requests{}",
                        ctx.spec,
                        client.requests(),
                        rate.remaining.map(|r| format!(", {r} left")).unwrap_or_default()
                    );
                }
                match got {
                    Ok((d, p)) => {
                        data.push(d);
                        pending.extend(p);
                    }
                    Err(e @ FetchError::Access { .. })
                        if settings.config.on_repo_error == OnRepoError::Warn =>
                    {
                        let why = format!("{full}: {}", describe(&e, &client));
                        stats.skipped.push(client.redact(&why));
                    }
                    Err(e) => return Err(fetch_error(ctx, Some(&full), &e, &client)),
                }
            }
            if data.is_empty() && !stats.skipped.is_empty() {
                return Err(Error::Run(format!(
                    "{}: no repository could be read: {}",
                    ctx.spec,
                    stats.skipped.join("; ")
                )));
            }
        }
    }
    // The whole source is in; the cache moves on only once every source of the run is
    // (see [`CacheWrites`]).
    let mut writes = CacheWrites { spec: ctx.spec.clone(), ..CacheWrites::default() };
    if let Some(cache) = &settings.cache {
        if let (Target::Repo { owner, name }, Some(o)) = (target, repo_object) {
            writes.object = Some((format!("{owner}/{name}"), o));
        }
        writes.repos = pending;
        writes.cache = Some(cache.clone());
    }
    stats.requests = client.requests();
    stats.repos = data.len();
    stats.rate = client.rate_limit();
    let mut imported = Imported::default();
    if writes.cache.is_some() {
        imported.cache_writes.push(writes);
    }
    for repo in &data {
        let mut items: Vec<(u64, crate::model::Item)> = repo
            .issues
            .iter()
            .filter_map(|raw| Some((raw.number?, mapping::item(raw, &repo.full_name, ctx)?)))
            .collect();
        items.sort_by_key(|(n, _)| *n);
        imported.items.extend(items.into_iter().map(|(_, item)| item));
        let mut milestones: Vec<(u64, crate::model::Milestone)> = repo
            .milestones
            .iter()
            .filter_map(|raw| {
                Some((raw.number?, mapping::milestone(raw, &repo.full_name, &ctx.spec)?))
            })
            .collect();
        milestones.sort_by_key(|(n, _)| *n);
        imported.milestones.extend(milestones.into_iter().map(|(_, m)| m));
    }
    if let Some((old, new)) = &renamed {
        for link in imported.items.iter_mut().flat_map(|i| i.links.iter_mut()) {
            let named_old =
                link.target.get(..old.len()).is_some_and(|p| p.eq_ignore_ascii_case(old));
            if named_old {
                link.target = format!("{new}{}", &link.target[old.len()..]).into();
            }
        }
    }
    Ok((imported, stats))
}

/// What a `github:` source would store in the incremental-sync cache. Held back until
/// every source of the run has loaded: a run that fails on a later source (a missing
/// repository, `max-requests`) leaves the cache as it was, as a failed run must.
#[derive(Debug, Default)]
pub struct CacheWrites {
    spec: String,
    cache: Option<Cache>,
    /// The repository object a `github:OWNER/REPO` source asked for, by the name given.
    object: Option<(String, cache::RepoObject)>,
    repos: Vec<fetch::Pending>,
}

impl CacheWrites {
    /// Writes the files; a file that cannot be written is a warning (the next run then
    /// fetches that repository in full).
    pub fn save(self) {
        let Some(cache) = &self.cache else { return };
        if let Some((asked, o)) = &self.object {
            if let Err(e) = cache.save_object(asked, o) {
                tracing::warn!("{}: cannot store the cache: {e}", self.spec);
            }
        }
        for p in &self.repos {
            if let Err(e) = cache.save(p) {
                tracing::warn!("{}: cannot store the cache of {}: {e}", self.spec, p.repo);
            }
        }
    }
}

/// The error for a failed fetch, naming the repository when the spec does not.
fn fetch_error(
    ctx: &SourceCtx,
    repo: Option<&str>,
    e: &FetchError,
    client: &client::Client,
) -> Error {
    let repo = repo.map(|r| format!("{r}: ")).unwrap_or_default();
    Error::Run(format!("{}: {repo}{}", ctx.spec, describe(e, client)))
}

/// An access error with what it most likely means.
fn describe(e: &FetchError, client: &client::Client) -> String {
    let FetchError::Access { status, .. } = e else { return e.to_string() };
    let hint = match (status, client.authenticated()) {
        (404, false) => " (no such repository or owner; without a token private ones look missing too: set GITHUB_TOKEN)",
        (404, true) => " (no such repository or owner, or the token cannot see it)",
        (403, _) => " (the token may lack access to it)",
        (451, _) => " (GitHub blocks access to it for legal reasons, such as a DMCA takedown)",
        _ => "",
    };
    format!("{e}{hint}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(raw: &str) -> Result<Target> {
        Target::parse(&SourceSpec::parse(raw)?)
    }

    #[test]
    fn targets() {
        assert_eq!(
            parse("github:acme/web").unwrap(),
            Target::Repo { owner: "acme".into(), name: "web".into() }
        );
        assert_eq!(
            parse("github:acme/web.git").unwrap(),
            Target::Repo { owner: "acme".into(), name: "web".into() }
        );
        assert_eq!(parse("github:acme").unwrap(), Target::Owner("acme".into()));
        for bad in [
            "github:a/b/c",
            "github:a b",
            "github:https://github.com/a/b",
            "github:a/..",
            "github:/x",
        ] {
            let e = parse(bad).unwrap_err();
            assert_eq!(e.exit_code(), 2, "{bad}: {e}");
            assert!(e.to_string().contains("expected github:OWNER/REPO"), "{e}");
        }
    }
}
