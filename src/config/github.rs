//! `[github]`: API URL, repository selection, retries and rate limits.

use serde::{Deserialize, Serialize};

/// The public API, used when neither the config nor `GITHUB_API_URL` names another.
pub const PUBLIC_API: &str = "https://api.github.com";

/// `[github]` in `rolecall.toml`. Every key has a default; see `docs/github-source.md`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct GithubConfig {
    /// API base URL, `https://ghe.example.com/api/v3` for Enterprise Server. When unset,
    /// `GITHUB_API_URL` (set by GitHub Actions), else the public API.
    pub api_url: Option<String>,
    /// For `github:OWNER`: only repositories whose name matches one of these globs
    /// (`*`, `?`; a pattern with a `/` is matched against `owner/name`). Empty: all.
    pub include: Vec<String>,
    /// For `github:OWNER`: skip repositories matching any of these globs.
    pub exclude: Vec<String>,
    /// For `github:OWNER`: also fetch archived repositories.
    pub archived: bool,
    /// For `github:OWNER`: also fetch forks.
    pub forks: bool,
    /// A repository that answers 403, 404, 410 or 451: `warn` skips it and goes on, `fail`
    /// stops the run. A source whose every repository failed is an error either way.
    pub on_repo_error: OnRepoError,
    /// Repositories fetched at the same time.
    pub concurrency: usize,
    /// Retries of one request after a server error, a dropped connection, or a body
    /// that is not the JSON asked for.
    pub retries: u32,
    /// First retry delay; doubled on every further retry, with random jitter.
    pub retry_delay_ms: u64,
    /// The longest rate-limit wait rolecall sits through, and the most one request may
    /// wait for rate limits in all; past either the run stops with the time to retry.
    /// Rate-limit waits are not counted in `retries`.
    pub max_wait_secs: u64,
    /// Wait after a secondary rate limit that gives no `retry-after`.
    pub secondary_wait_secs: u64,
    /// Connect and read timeout of one request: how long the server may stay silent.
    pub timeout_secs: u64,
    /// The longest one request may take, however the server drips its answer.
    pub request_deadline_secs: u64,
    /// The longest a whole `github:` source may take to fetch.
    pub deadline_secs: u64,
    /// Ask the GitHub CLI (`gh auth token`) for a token when no variable holds one.
    pub gh_cli: bool,
    /// `report` keeps an incremental-sync cache in the state folder (`cache/github/`):
    /// later runs ask only for what changed, with ETags.
    pub cache: bool,
    /// Where that cache is, set by `report` from its output folder (not a config key).
    #[serde(skip)]
    pub cache_dir: Option<std::path::PathBuf>,
    /// `--full`: fetch everything again and refresh the cache (not a config key).
    #[serde(skip)]
    pub full: bool,
    /// The most requests one source may make; past it the fetch stops with an error and
    /// nothing is written (`--max-requests`; none by default).
    pub max_requests: Option<u64>,
}

impl Default for GithubConfig {
    fn default() -> Self {
        GithubConfig {
            api_url: None,
            include: Vec::new(),
            exclude: Vec::new(),
            archived: false,
            forks: false,
            on_repo_error: OnRepoError::Warn,
            concurrency: 4,
            retries: 4,
            retry_delay_ms: 1000,
            max_wait_secs: 600,
            secondary_wait_secs: 60,
            timeout_secs: 30,
            request_deadline_secs: 120,
            deadline_secs: 3600,
            gh_cli: true,
            cache: true,
            cache_dir: None,
            full: false,
            max_requests: None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum OnRepoError {
    Fail,
    Warn,
}
