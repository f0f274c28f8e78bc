//! A fake GitHub on 127.0.0.1: wiremock serving `fixtures/github/` the way the REST API
//! does (100 to a page, `Link` headers in the `/repositories/{id}` form, rate-limit
//! headers), plus helpers to run the library or the binary against it.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{SystemTime, UNIX_EPOCH};

use rolecall::config::Config;
use rolecall::source::github::{self, GithubConfig, Settings, Stats, Target, Token};
use rolecall::source::{Imported, SourceCtx, SourceSpec};
use serde_json::Value;
use wiremock::matchers::{method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

/// The token the tests give; it must never be printed.
pub const TOKEN: &str = "ghp_FAKEt0kenNeverPrinted0123456789abc";

pub fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/github")
}

pub fn fixture(name: &str) -> Value {
    let path = fixtures().join(name);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("fixture {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("fixture {}: {e}", path.display()))
}

pub fn fixture_text(name: &str) -> String {
    std::fs::read_to_string(fixtures().join(name)).expect("fixture readable")
}

pub fn now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
}

/// Rate-limit headers as GitHub sends them with every response.
pub fn ok(body: &Value) -> ResponseTemplate {
    limited(ResponseTemplate::new(200).set_body_json(body), 4990)
}

pub fn limited(t: ResponseTemplate, remaining: u64) -> ResponseTemplate {
    t.insert_header("x-ratelimit-limit", "5000")
        .insert_header("x-ratelimit-remaining", remaining.to_string())
        .insert_header("x-ratelimit-reset", (now() + 3600).to_string())
        .insert_header("x-ratelimit-used", (5000 - remaining).to_string())
        .insert_header("x-ratelimit-resource", "core")
        .insert_header("x-github-api-version-selected", "2022-11-28")
}

/// An error response with a fixture body from `fixtures/github/errors/`.
pub fn error(status: u16, fixture_name: &str) -> ResponseTemplate {
    let t = ResponseTemplate::new(status);
    if fixture_name.ends_with(".html") {
        t.set_body_raw(fixture_text(&format!("errors/{fixture_name}")), "text/html; charset=utf-8")
    } else {
        t.set_body_json(fixture(&format!("errors/{fixture_name}")))
    }
}

pub struct Fake {
    pub server: MockServer,
    /// `""` for github.com, `"/api/v3"` for Enterprise Server.
    pub prefix: String,
}

impl Fake {
    pub async fn start() -> Fake {
        Fake::with_prefix("").await
    }

    pub async fn with_prefix(prefix: &str) -> Fake {
        Fake { server: MockServer::start().await, prefix: prefix.to_string() }
    }

    /// The API base URL: `http://127.0.0.1:PORT[/api/v3]`.
    pub fn url(&self) -> String {
        format!("{}{}", self.server.uri(), self.prefix)
    }

    pub fn path(&self, p: &str) -> String {
        format!("{}{p}", self.prefix)
    }

    /// `GET /repos/{full}` answers the repository fixture, renamed to `full` with `id`.
    pub async fn repo(&self, full: &str, id: u64) {
        Mock::given(method("GET"))
            .and(path(self.path(&format!("/repos/{full}"))))
            .respond_with(ok(&repo_json(full, id)))
            .mount(&self.server)
            .await;
    }

    /// Serves `items` as GitHub serves a list: page 1 at `/repos/{full}/{list}`, pages 2…
    /// at `/repositories/{id}/{list}?…&page=N`, linked by `rel="next"`.
    pub async fn list(&self, full: &str, id: u64, list: &str, items: &[Value]) {
        let pages: Vec<&[Value]> =
            if items.is_empty() { vec![&[][..]] } else { items.chunks(100).collect() };
        let last = pages.len();
        let base = format!("{}/repositories/{id}/{list}?state=all&per_page=100", self.url());
        for (i, chunk) in pages.iter().enumerate() {
            let page = i + 1;
            let mut links = Vec::new();
            if page < last {
                links.push(format!("<{base}&page={}>; rel=\"next\"", page + 1));
                links.push(format!("<{base}&page={last}>; rel=\"last\""));
            }
            if page > 1 {
                links.push(format!("<{base}&page=1>; rel=\"first\""));
                links.push(format!("<{base}&page={}>; rel=\"prev\"", page - 1));
            }
            let mut response = ok(&Value::Array(chunk.to_vec()));
            if !links.is_empty() {
                response = response.insert_header("link", links.join(", "));
            }
            let mock = if page == 1 {
                Mock::given(method("GET"))
                    .and(path(self.path(&format!("/repos/{full}/{list}"))))
                    .and(query_param("state", "all"))
                    .and(query_param("per_page", "100"))
                    .and(query_param_is_missing("page"))
            } else {
                Mock::given(method("GET"))
                    .and(path(self.path(&format!("/repositories/{id}/{list}"))))
                    .and(query_param("page", page.to_string()))
            };
            mock.respond_with(response).mount(&self.server).await;
        }
    }

    /// The repository, its issues and its milestones.
    pub async fn whole_repo(&self, full: &str, id: u64, issues: &[Value], milestones: &[Value]) {
        self.repo(full, id).await;
        self.list(full, id, "issues", issues).await;
        self.list(full, id, "milestones", milestones).await;
    }

    pub async fn requests(&self) -> Vec<Request> {
        self.server.received_requests().await.unwrap_or_default()
    }

    /// `METHOD /path?query` of every request received, in order.
    pub async fn request_lines(&self) -> Vec<String> {
        self.requests()
            .await
            .iter()
            .map(|r| match r.url.query() {
                Some(q) => format!("{} {}?{q}", r.method, r.url.path()),
                None => format!("{} {}", r.method, r.url.path()),
            })
            .collect()
    }
}

/// The repository fixture as `full` (`owner/name`) with `id`.
pub fn repo_json(full: &str, id: u64) -> Value {
    let mut repo = fixture("repo.json");
    let (owner, name) = full.split_once('/').expect("owner/name");
    repo["id"] = id.into();
    repo["name"] = name.into();
    repo["full_name"] = full.into();
    repo["owner"]["login"] = owner.into();
    repo["html_url"] = format!("https://github.com/{full}").into();
    repo
}

/// `n` issues made from the template fixture, numbered `n` down to 1 (newest first).
pub fn many_issues(full: &str, n: u64) -> Vec<Value> {
    let template = fixture("issue-template.json");
    (1..=n)
        .rev()
        .map(|i| {
            let mut issue = template.clone();
            issue["number"] = i.into();
            issue["id"] = (4_000_000_000 + i).into();
            issue["title"] = format!("Generated issue {i}").into();
            issue["html_url"] = format!("https://github.com/{full}/issues/{i}").into();
            issue
        })
        .collect()
}

/// `n` milestones numbered 1…n.
pub fn many_milestones(n: u64) -> Vec<Value> {
    let template = fixture("milestones.json")[1].clone();
    (1..=n)
        .map(|i| {
            let mut m = template.clone();
            m["number"] = i.into();
            m["title"] = format!("M{i}").into();
            m
        })
        .collect()
}

/// Settings for the fake: fast retries, no `gh`, the test token.
pub fn settings(api_url: &str) -> Settings {
    Settings {
        api_url: api_url.to_string(),
        token: Some(Token::new(TOKEN)),
        token_origin: "GITHUB_TOKEN",
        config: GithubConfig {
            retries: 2,
            retry_delay_ms: 1,
            secondary_wait_secs: 0,
            gh_cli: false,
            ..GithubConfig::default()
        },
        progress: false,
        cache: None,
        full: false,
    }
}

/// Fetches `spec` (`github:…`) with `settings`, in-process, and then writes its cache as
/// a run whose every source loaded does.
pub async fn fetch(spec: &str, settings: &Settings) -> rolecall::Result<(Imported, Stats)> {
    let spec = SourceSpec::parse(spec)?;
    let ctx = SourceCtx::new(&spec, &Config::default());
    let (mut imported, stats) = github::fetch(&Target::parse(&spec)?, &ctx, settings).await?;
    for writes in imported.cache_writes.drain(..) {
        writes.save();
    }
    Ok((imported, stats))
}

/// Runs the `rolecall` binary in `dir` with only the environment given (plus `PATH`
/// emptied of `gh`): (exit code, stdout, stderr).
pub fn run(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> (i32, String, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_rolecall"));
    cmd.args(args).current_dir(dir).env_clear().env("NO_COLOR", "1").env("PATH", dir);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("the rolecall binary runs");
    (
        out.status.code().expect("exit code"),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A `rolecall.toml` in `dir` with fast retries and no `gh`, plus `extra` lines.
pub fn config_file(dir: &Path, extra: &str) -> String {
    let path = dir.join("rolecall.toml");
    std::fs::write(
        &path,
        format!("[github]\nretries = 2\nretry-delay-ms = 1\nsecondary-wait-secs = 0\ngh-cli = false\n{extra}"),
    )
    .expect("config written");
    path.to_string_lossy().into_owned()
}
