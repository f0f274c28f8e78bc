//! `cargo bench --bench github`: requests and time of a full fetch of one repository
//! against item count, on a fake GitHub on 127.0.0.1 (wiremock), so the numbers in
//! BENCHMARKS-github.md can be reproduced. Never the internet.
//!
//! Issues are the `fixtures/github/issue-template.json` object (a full, 6 KB issue with
//! user, labels, milestone and reactions) numbered 1…N; 25 milestones. Each size is
//! fetched `ROLECALL_BENCH_RUNS` times (default 5) and the median is shown.
//! `ROLECALL_BENCH_SIZES=1000,20000` picks the sizes; `ROLECALL_BENCH_LATENCY_MS=100`
//! delays every response, to see what the round trips of a real server cost.

use std::time::{Duration, Instant};

use rolecall::config::Config;
use rolecall::source::github::{self, GithubConfig, Settings, Target, Token};
use rolecall::source::{SourceCtx, SourceSpec};
use serde_json::Value;
use wiremock::matchers::{method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn main() {
    let env = |name: &str| std::env::var(name).ok();
    let sizes: Vec<u64> = env("ROLECALL_BENCH_SIZES")
        .map(|s| s.split(',').filter_map(|n| n.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![1_000, 2_000, 5_000, 10_000, 20_000]);
    let runs: usize = env("ROLECALL_BENCH_RUNS").and_then(|v| v.parse().ok()).unwrap_or(5);
    let latency = Duration::from_millis(
        env("ROLECALL_BENCH_LATENCY_MS").and_then(|v| v.parse().ok()).unwrap_or(0),
    );
    let runtime =
        tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    println!(
        "fake GitHub on 127.0.0.1, {} ms per response, median of {runs} runs",
        latency.as_millis()
    );
    println!(
        "{:>7} {:>9} {:>8} {:>10} {:>10} {:>12}",
        "issues", "requests", "expected", "MB served", "time", "issues/s"
    );
    for &n in &sizes {
        let (requests, bytes, time) = runtime.block_on(measure(n, runs, latency));
        let expected = 1 + n.div_ceil(100).max(1) + 1;
        println!(
            "{n:>7} {requests:>9} {expected:>8} {:>10.1} {:>8.0} ms {:>12.0}",
            bytes as f64 / 1e6,
            time.as_secs_f64() * 1e3,
            n as f64 / time.as_secs_f64()
        );
        assert_eq!(requests, expected, "request count for {n} issues");
    }
}

/// (requests of one fetch, bytes served in one fetch, median time of a fetch).
async fn measure(n: u64, runs: usize, latency: Duration) -> (u64, usize, Duration) {
    let server = MockServer::builder().disable_request_recording().start().await;
    let bytes = mount(&server, n, latency).await;
    let settings = Settings {
        api_url: server.uri(),
        token: Some(Token::new("bench")),
        token_origin: "GITHUB_TOKEN",
        config: GithubConfig { gh_cli: false, ..GithubConfig::default() },
        progress: false,
        cache: None,
        full: false,
    };
    let spec = SourceSpec::parse("github:acme/bench").expect("spec");
    let ctx = SourceCtx::new(&spec, &Config::default());
    let target = Target::parse(&spec).expect("target");
    let mut times = Vec::new();
    let mut requests = 0;
    for _ in 0..runs {
        let started = Instant::now();
        let (imported, stats) = github::fetch(&target, &ctx, &settings).await.expect("fetch");
        times.push(started.elapsed());
        assert_eq!(imported.items.len() as u64, n);
        requests = stats.requests;
    }
    times.sort();
    (requests, bytes, times[times.len() / 2])
}

/// Mounts the repository, `n` issues in pages of 100 and 25 milestones; returns the bytes
/// one full fetch is served.
async fn mount(server: &MockServer, n: u64, latency: Duration) -> usize {
    let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/github");
    let read = |name: &str| -> Value {
        serde_json::from_str(&std::fs::read_to_string(fixtures.join(name)).expect("fixture"))
            .expect("fixture JSON")
    };
    let template = read("issue-template.json");
    let mut repo = read("repo.json");
    repo["full_name"] = "acme/bench".into();
    repo["id"] = 42.into();
    let milestones: Vec<Value> = (1..=25)
        .map(|i| {
            let mut m = read("milestones.json")[1].clone();
            m["number"] = i.into();
            m
        })
        .collect();
    let respond = |body: Vec<u8>| {
        ResponseTemplate::new(200)
            .set_body_raw(body, "application/json; charset=utf-8")
            .insert_header("x-ratelimit-limit", "5000")
            .insert_header("x-ratelimit-remaining", "4999")
            .set_delay(latency)
    };
    let mut served = 0;
    let body = serde_json::to_vec(&repo).expect("json");
    served += body.len();
    Mock::given(method("GET"))
        .and(path("/repos/acme/bench"))
        .respond_with(respond(body))
        .mount(server)
        .await;
    let body = serde_json::to_vec(&milestones).expect("json");
    served += body.len();
    Mock::given(method("GET"))
        .and(path("/repos/acme/bench/milestones"))
        .respond_with(respond(body))
        .mount(server)
        .await;
    let pages = n.div_ceil(100).max(1);
    let base = format!("{}/repositories/42/issues?state=all&per_page=100", server.uri());
    for page in 1..=pages {
        let numbers = (page - 1) * 100 + 1..=(page * 100).min(n);
        let issues: Vec<Value> = numbers
            .map(|i| {
                let mut issue = template.clone();
                issue["number"] = i.into();
                issue["title"] = format!("Generated issue {i}").into();
                issue
            })
            .collect();
        let body = serde_json::to_vec(&issues).expect("json");
        served += body.len();
        let mut response = respond(body);
        if page < pages {
            response = response.insert_header(
                "link",
                format!(
                    "<{base}&page={}>; rel=\"next\", <{base}&page={pages}>; rel=\"last\"",
                    page + 1
                ),
            );
        }
        let mock = if page == 1 {
            Mock::given(method("GET"))
                .and(path("/repos/acme/bench/issues"))
                .and(query_param_is_missing("page"))
        } else {
            Mock::given(method("GET"))
                .and(path("/repositories/42/issues"))
                .and(query_param("page", page.to_string()))
        };
        mock.respond_with(response).mount(server).await;
    }
    served
}
