//! `cargo bench --bench github_org`: an organisation of many repositories on a fake
//! GitHub on 127.0.0.1 (wiremock with a responder that honours `since` and `ETag`s), read
//! three times through the incremental-sync cache: the first run fetches everything, the
//! second asks only for changes (none: empty answers), the third sends the ETags of the
//! second and is answered 304s. Requests and time of each run. Never the internet.
//!
//! `ROLECALL_BENCH_REPOS` (default 300) and `ROLECALL_BENCH_ISSUES` per repository
//! (default 200: 60,000 issues in all).

use std::time::Instant;

use rolecall::config::Config;
use rolecall::source::github::{self, Cache, GithubConfig, Settings, Target, Token};
use rolecall::source::{SourceCtx, SourceSpec};
use serde_json::Value;
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

struct Org {
    repos: usize,
    issues: usize,
    template: Value,
    uri: String,
}

impl Org {
    fn page<T: serde::Serialize>(
        &self,
        items: &[T],
        url: &str,
        page: usize,
        per: usize,
    ) -> ResponseTemplate {
        let total = items.len().div_ceil(per).max(1);
        let from = (page - 1) * per;
        let chunk = &items[from.min(items.len())..(from + per).min(items.len())];
        let mut r = ResponseTemplate::new(200)
            .set_body_raw(serde_json::to_vec(chunk).expect("json"), "application/json")
            .insert_header("x-ratelimit-limit", "5000")
            .insert_header("x-ratelimit-remaining", "4999");
        if page < total {
            let sep = if url.contains('?') { '&' } else { '?' };
            r = r.insert_header(
                "link",
                format!("<{}{url}{sep}page={}>; rel=\"next\"", self.uri, page + 1),
            );
        }
        r
    }
}

impl Respond for Org {
    fn respond(&self, req: &Request) -> ResponseTemplate {
        let path = req.url.path();
        let query: Vec<(String, String)> =
            req.url.query_pairs().map(|(k, v)| (k.into(), v.into())).collect();
        let q = |k: &str| query.iter().find(|(a, _)| a == k).map(|(_, v)| v.clone());
        let page: usize = q("page").and_then(|p| p.parse().ok()).unwrap_or(1);
        let etag =
            req.headers.get("if-none-match").and_then(|v| v.to_str().ok()).map(str::to_string);
        if path == "/orgs/acme/repos" {
            let repos: Vec<Value> = (0..self.repos)
                .map(|i| serde_json::json!({"name": format!("r{i:03}"), "full_name": format!("acme/r{i:03}"), "archived": false, "fork": false, "has_issues": true}))
                .collect();
            return self.page(&repos, "/orgs/acme/repos?type=all&per_page=100", page, 100);
        }
        let Some(rest) = path.strip_prefix("/repos/acme/") else {
            return ResponseTemplate::new(404);
        };
        let (repo, list) = rest.split_once('/').unwrap_or((rest, ""));
        let not_modified =
            || ResponseTemplate::new(304).insert_header("x-ratelimit-remaining", "4999");
        match list {
            "issues" if q("since").is_some() => {
                // Nothing changes in this organisation: an empty answer, with its ETag.
                let tag = format!("\"{repo}-since\"");
                if etag.as_deref() == Some(tag.as_str()) {
                    return not_modified();
                }
                ResponseTemplate::new(200)
                    .set_body_raw(b"[]".to_vec(), "application/json")
                    .insert_header("etag", tag)
            }
            "issues" => {
                let issues: Vec<Value> = (1..=self.issues)
                    .rev()
                    .map(|n| {
                        let mut i = self.template.clone();
                        i["number"] = n.into();
                        i["title"] = format!("{repo} issue {n}").into();
                        i
                    })
                    .collect();
                let url = format!("/repos/acme/{repo}/issues?state=all&per_page=100");
                self.page(&issues, &url, page, 100)
                    .insert_header("etag", format!("\"{repo}-full\""))
            }
            "milestones" => {
                let tag = format!("\"{repo}-m\"");
                if etag.as_deref() == Some(tag.as_str()) {
                    return not_modified();
                }
                ResponseTemplate::new(200)
                    .set_body_raw(b"[]".to_vec(), "application/json")
                    .insert_header("etag", tag)
            }
            _ => ResponseTemplate::new(404),
        }
    }
}

fn main() {
    let env = |name: &str, default: usize| {
        std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
    };
    let (repos, issues) = (env("ROLECALL_BENCH_REPOS", 300), env("ROLECALL_BENCH_ISSUES", 200));
    let runtime =
        tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    runtime.block_on(async {
        let server = MockServer::builder().disable_request_recording().start().await;
        let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/github");
        let template: Value = serde_json::from_str(
            &std::fs::read_to_string(fixtures.join("issue-template.json")).expect("fixture"),
        )
        .expect("JSON");
        Mock::given(wiremock::matchers::any())
            .respond_with(Org { repos, issues, template, uri: server.uri() })
            .mount(&server)
            .await;
        let dir = std::env::temp_dir().join(format!("rolecall-bench-org-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let settings = Settings {
            api_url: server.uri(),
            token: Some(Token::new("bench")),
            token_origin: "GITHUB_TOKEN",
            config: GithubConfig { gh_cli: false, ..GithubConfig::default() },
            progress: false,
            cache: Some(Cache::new(&dir)),
            full: false,
        };
        let spec = SourceSpec::parse("github:acme").expect("spec");
        let ctx = SourceCtx::new(&spec, &Config::default());
        let target = Target::parse(&spec).expect("target");
        println!("fake GitHub: {repos} repositories × {issues} issues = {} issues", repos * issues);
        for (run, what) in
            ["first run: everything", "second: changes since (none)", "third: ETags, 304s"]
                .iter()
                .enumerate()
        {
            let started = Instant::now();
            let (imported, stats) = github::fetch(&target, &ctx, &settings).await.expect("fetch");
            println!(
                "run {}: {what:<32} {:>6} requests {:>8.0} ms  {} items",
                run + 1,
                stats.requests,
                started.elapsed().as_secs_f64() * 1e3,
                imported.items.len()
            );
        }
        let _ = std::fs::remove_dir_all(&dir);
    });
}
