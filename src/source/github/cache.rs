//! The incremental-sync cache: per repository, the issues and milestones as last fetched
//! (GitHub's own JSON), the `since` instant of the last complete fetch and the ETag of
//! each list's first page. A later run asks only for issues updated since then, with the
//! ETag, so an unchanged repository answers 304s, which cost no rate limit.
//!
//! A repository's file is written only after every source of the run was fetched: a
//! failed run leaves the cache as it was. It holds issue bodies — private data — and lives in the
//! state folder, which `rolecall init` keeps out of git.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::Value;

const SCHEMA: u32 = 1;

/// What is kept of one repository.
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub(crate) struct RepoCache {
    pub schema: u32,
    /// `owner/name` as GitHub names it.
    pub repo: String,
    /// The URL of the last issues request and its first page's ETag: the same request
    /// next time can be answered 304.
    pub issues_url: Option<String>,
    pub issues_etag: Option<String>,
    /// Issues updated at or after this (RFC 3339) are asked for next time.
    pub since: Option<String>,
    /// Every issue and pull request, by number, as GitHub sent it.
    pub issues: BTreeMap<u64, Value>,
    /// The API URLs of the issues blocking each issue (native dependencies).
    #[serde(default)]
    pub blocked_by: BTreeMap<u64, Vec<String>>,
    pub milestones_etag: Option<String>,
    pub milestones: Vec<Value>,
}

/// The repository object a `github:OWNER/REPO` source asked for (by the name given),
/// with its ETag: asked again with it, an unchanged repository answers 304.
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub(crate) struct RepoObject {
    pub etag: Option<String>,
    pub json: Value,
}

/// The cache folder.
#[derive(Debug, Clone)]
pub struct Cache {
    dir: PathBuf,
}

impl Cache {
    pub fn new(dir: impl Into<PathBuf>) -> Cache {
        Cache { dir: dir.into() }
    }

    fn path(&self, repo: &str) -> PathBuf {
        let safe: String = repo
            .chars()
            .map(
                |c| if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') { c } else { '~' },
            )
            .collect();
        self.dir.join(format!("{safe}.json"))
    }

    /// The repository's cache; `None` when there is none or it cannot be read (then the
    /// fetch is a full one, and the file is rewritten).
    pub(crate) fn load(&self, repo: &str) -> Option<RepoCache> {
        let bytes = std::fs::read(self.path(repo)).ok()?;
        let c: RepoCache = match serde_json::from_slice(&bytes) {
            Ok(c) => c,
            Err(e) => {
                tracing::warn!(
                    "{}: unreadable ({e}); fetching {repo} in full",
                    self.path(repo).display()
                );
                return None;
            }
        };
        (c.schema == SCHEMA && c.repo.eq_ignore_ascii_case(repo)).then_some(c)
    }

    /// Writes a repository's cache (temporary file, then rename).
    pub(crate) fn save(&self, c: &RepoCache) -> std::io::Result<()> {
        let mut c = c.clone();
        c.schema = SCHEMA;
        crate::files::write_atomic(&self.path(&c.repo), |w| {
            serde_json::to_writer(w, &c).map_err(std::io::Error::other)
        })
    }

    fn object_path(&self, asked: &str) -> PathBuf {
        let safe: String = asked
            .chars()
            .map(
                |c| if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') { c } else { '~' },
            )
            .collect();
        self.dir.join("repos").join(format!("{safe}.json"))
    }

    pub(crate) fn load_object(&self, asked: &str) -> Option<RepoObject> {
        serde_json::from_slice(&std::fs::read(self.object_path(asked)).ok()?).ok()
    }

    pub(crate) fn save_object(&self, asked: &str, o: &RepoObject) -> std::io::Result<()> {
        crate::files::write_atomic(&self.object_path(asked), |w| {
            serde_json::to_writer(w, o).map_err(std::io::Error::other)
        })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }
}
