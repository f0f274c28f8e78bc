//! The GitHub source against a fake GitHub on 127.0.0.1 (wiremock): mapping, pagination,
//! redirects, Enterprise paths, every fault, partial failure, token redaction and the
//! exact number of requests. Never the internet.

use std::time::{Duration, Instant};

use rolecall::model::{Item, State};
use rolecall::source::github::OnRepoError;
use serde_json::{json, Value};
use wiremock::matchers::{any, method, path, path_regex};
use wiremock::{Mock, ResponseTemplate};

use crate::common::fake::{self, error, fixture, limited, ok, Fake, TOKEN};
use crate::common::{self, cassette};

fn item<'a>(items: &'a [Item], key: &str) -> &'a Item {
    items.iter().find(|i| i.key == key).unwrap_or_else(|| panic!("no item {key}"))
}

fn field<'a>(item: &'a Item, name: &str) -> Option<&'a str> {
    item.fields.get(name).map(|v| v.values()[0].as_str())
}

fn array(name: &str) -> Vec<Value> {
    fixture(name).as_array().expect("a JSON array").clone()
}

// ---------------------------------------------------------------------------------------
// Mapping

#[tokio::test]
async fn maps_issues_pull_requests_and_milestones() {
    let fake = Fake::start().await;
    fake.whole_repo("acme/widgets", 700100001, &array("issues.json"), &array("milestones.json"))
        .await;
    let (imported, stats) = fake::fetch("github:acme/widgets", &fake::settings(&fake.url()))
        .await
        .expect("fetch succeeds");
    let items = &imported.items;
    let keys: Vec<&str> = items.iter().map(|i| i.key.as_str()).collect();
    assert_eq!(keys, (1..=8).map(|n| format!("acme/widgets#{n}")).collect::<Vec<_>>());

    // An issue with an organisation issue type, a parent, reactions and a milestone.
    let bug = item(items, "acme/widgets#8");
    assert_eq!(bug.id, "github:acme/widgets#8");
    assert_eq!(&*bug.source, "github:acme/widgets");
    assert_eq!(bug.kind, "bug");
    assert_eq!((bug.state, bug.status.as_str()), (State::Open, "open"));
    assert_eq!(bug.title, "Export button does nothing in Safari 18");
    assert!(bug.body.starts_with("Clicking *Export*"));
    assert_eq!(bug.url.as_deref(), Some("https://github.com/acme/widgets/issues/8"));
    assert_eq!(bug.labels, ["bug"]);
    assert_eq!(bug.assignees, ["lee"]);
    assert_eq!(bug.author.as_deref(), Some("kim"));
    assert_eq!(field(bug, "author_association"), Some("NONE"));
    assert_eq!(bug.project.as_deref(), Some("acme/widgets"));
    assert_eq!(bug.milestone.as_deref(), Some("v1.1"));
    assert_eq!(bug.parent.as_deref(), Some("github:acme/widgets#5"));
    assert_eq!(bug.votes, 6, "+1 (5) and heart (1); eyes and confused do not count");
    assert_eq!(field(bug, "reactions"), Some("9"));
    assert_eq!(bug.comments, 4);
    assert_eq!(bug.created.map(|t| t.to_rfc3339()).as_deref(), Some("2026-11-24T08:15:00+00:00"));
    assert_eq!(bug.updated.map(|t| t.to_rfc3339()).as_deref(), Some("2026-11-26T12:00:00+00:00"));
    assert_eq!(bug.closed, None);
    assert_eq!(field(bug, "type"), Some("Bug"));

    // A merged pull request: done, with the issues its description closes.
    let pr = item(items, "acme/widgets#7");
    assert_eq!(pr.kind, "pull-request");
    assert_eq!((pr.state, pr.status.as_str()), (State::Done, "closed (merged)"));
    assert_eq!(pr.url.as_deref(), Some("https://github.com/acme/widgets/pull/7"));
    let closes: Vec<(&str, &str)> =
        pr.links.iter().map(|l| (l.kind.as_str(), l.target.as_str())).collect();
    assert_eq!(
        closes,
        [
            ("closes", "github:acme/widgets#8"),
            ("closes", "github:acme/gadgets#31"),
            ("closes", "github:acme/docs#4")
        ]
    );
    assert_eq!(field(pr, "merged_at"), Some("2026-11-26T11:00:00Z"));
    assert!(pr.closed.is_some());

    // A pull request closed without merging is cancelled; an open one, a draft too, is
    // work under way since it was opened.
    let unmerged = item(items, "acme/widgets#6");
    assert_eq!(
        (unmerged.state, unmerged.status.as_str()),
        (State::Cancelled, "closed (not merged)")
    );
    assert_eq!(unmerged.links.len(), 1);
    let draft = item(items, "acme/widgets#3");
    assert_eq!((draft.state, draft.status.as_str()), (State::InProgress, "open (draft)"));
    assert_eq!(draft.started, draft.created);
    assert!(draft.started.is_some());
    assert_eq!(field(draft, "draft"), Some("true"));
    assert!(draft.links.is_empty(), "\"Part of #5\" closes nothing");

    // A feature with sub-issues and dependencies, two assignees and two labels.
    let feature = item(items, "acme/widgets#5");
    assert_eq!(feature.kind, "feature");
    assert_eq!(feature.labels, ["area: exports", "customer-request"]);
    assert_eq!(feature.assignees, ["dana", "sam"]);
    assert_eq!(feature.votes, 15, "+1 12, hooray 2, rocket 1; laugh does not count");
    assert_eq!(field(feature, "sub_issues_summary.total"), Some("3"));
    assert_eq!(field(feature, "sub_issues_summary.completed"), Some("1"));
    assert_eq!(field(feature, "sub_issues_summary.percent_completed"), Some("33"));
    assert_eq!(field(feature, "issue_dependencies_summary.blocked_by"), Some("1"));

    // Closed issues: not planned and duplicate are cancelled, completed is done.
    let states: Vec<(State, &str)> = [4, 2, 1]
        .iter()
        .map(|n| {
            let i = item(items, &format!("acme/widgets#{n}"));
            (i.state, i.status.as_str())
        })
        .collect();
    assert_eq!(
        states,
        [
            (State::Cancelled, "closed (not_planned)"),
            (State::Done, "closed (completed)"),
            (State::Cancelled, "closed (duplicate)")
        ]
    );
    assert_eq!(item(items, "acme/widgets#2").kind, "task");
    assert_eq!(item(items, "acme/widgets#4").kind, "issue");

    // Milestones, every state, due dates as calendar dates.
    let ms: Vec<(&str, &str, State, Option<String>)> = imported
        .milestones
        .iter()
        .map(|m| (m.id.as_str(), m.title.as_str(), m.state, m.due.map(|d| d.to_string())))
        .collect();
    assert_eq!(
        ms,
        [
            ("github:acme/widgets/milestone/1", "v1.0", State::Done, Some("2026-10-01".into())),
            ("github:acme/widgets/milestone/2", "v1.1", State::Open, Some("2026-12-15".into())),
            ("github:acme/widgets/milestone/3", "Someday", State::Open, None),
        ]
    );
    let v10 = &imported.milestones[0];
    assert_eq!(v10.description, "First public release");
    assert_eq!(v10.url.as_deref(), Some("https://github.com/acme/widgets/milestone/1"));
    assert_eq!(v10.project.as_deref(), Some("acme/widgets"));
    assert!(v10.created.is_some() && v10.closed.is_some());

    // 1 (repo) + 1 (issues) + 1 (milestones) + 1 (the blockers of the one issue whose
    // summary counts one), with the token and the JSON media type.
    assert_eq!(stats.requests, 3 + 1, "+ 1: the recorded issue whose summary counts a blocker");
    let requests = fake.requests().await;
    assert_eq!(requests.len(), 4);
    for r in &requests {
        let auth = r.headers.get("authorization").and_then(|v| v.to_str().ok());
        assert_eq!(auth, Some(format!("Bearer {TOKEN}").as_str()));
        let accept = r.headers.get("accept").and_then(|v| v.to_str().ok());
        assert_eq!(accept, Some("application/vnd.github+json"));
    }
    assert_eq!(stats.rate.remaining, Some(4990));
}

#[tokio::test]
async fn payloads_from_old_servers_map() {
    let fake = Fake::start().await;
    fake.whole_repo("acme/legacy", 11, &array("issues-old-server.json"), &[]).await;
    let (imported, _) =
        fake::fetch("github:acme/legacy", &fake::settings(&fake.url())).await.expect("fetch");
    let old_pr = item(&imported.items, "acme/legacy#2");
    // No `merged_at` at all: unknown, so a closed pull request counts as done.
    assert_eq!(
        (old_pr.kind.as_str(), old_pr.state, old_pr.status.as_str()),
        ("pull-request", State::Done, "closed")
    );
    assert_eq!(old_pr.assignees, ["sam"], "the single `assignee` of old servers");
    assert!(old_pr.labels.is_empty() && old_pr.body.is_empty());
    let old = item(&imported.items, "acme/legacy#1");
    assert_eq!((old.kind.as_str(), old.state), ("issue", State::Open));
    assert_eq!(old.author, None);
    assert_eq!(old.labels, ["bug"]);
    assert_eq!(old.milestone.as_deref(), Some("2.0"));
    assert_eq!((old.votes, old.comments), (0, 0));
}

// ---------------------------------------------------------------------------------------
// Pagination, redirects, Enterprise

#[tokio::test]
async fn follows_link_headers_across_pages() {
    let fake = Fake::start().await;
    let issues = fake::many_issues("acme/big", 250);
    let milestones = fake::many_milestones(150);
    fake.whole_repo("acme/big", 4242, &issues, &milestones).await;
    let (imported, stats) =
        fake::fetch("github:acme/big", &fake::settings(&fake.url())).await.expect("fetch");
    assert_eq!(imported.items.len(), 250);
    assert_eq!(imported.milestones.len(), 150);
    assert_eq!(imported.items[0].key, "acme/big#1");
    assert_eq!(imported.items[249].key, "acme/big#250");
    // 1 + ⌈250/100⌉ + ⌈150/100⌉.
    assert_eq!(stats.requests, 1 + 3 + 2);
    let mut lines = fake.request_lines().await;
    lines.sort();
    assert_eq!(
        lines,
        [
            "GET /repos/acme/big",
            "GET /repos/acme/big/issues?state=all&per_page=100",
            "GET /repos/acme/big/milestones?state=all&per_page=100",
            "GET /repositories/4242/issues?state=all&per_page=100&page=2",
            "GET /repositories/4242/issues?state=all&per_page=100&page=3",
            "GET /repositories/4242/milestones?state=all&per_page=100&page=2",
        ]
    );
}

#[tokio::test]
async fn request_count_is_one_plus_pages_for_every_size() {
    for (issues, milestones, expected) in
        [(0u64, 0u64, 3u64), (100, 1, 3), (101, 100, 4), (1000, 201, 1 + 10 + 3)]
    {
        let fake = Fake::start().await;
        fake.whole_repo(
            "acme/n",
            1,
            &fake::many_issues("acme/n", issues),
            &fake::many_milestones(milestones),
        )
        .await;
        let (imported, stats) =
            fake::fetch("github:acme/n", &fake::settings(&fake.url())).await.expect("fetch");
        assert_eq!(imported.items.len() as u64, issues);
        assert_eq!(stats.requests, expected, "{issues} issues, {milestones} milestones");
        assert_eq!(fake.requests().await.len() as u64, expected);
    }
}

#[tokio::test]
async fn follows_a_renamed_repository() {
    let fake = Fake::start().await;
    // The old name answers 301 to the repository's id, as github.com does.
    Mock::given(method("GET"))
        .and(path("/repos/old-owner/old-name"))
        .respond_with(
            error(301, "moved-permanently.json")
                .insert_header("location", format!("{}/repositories/700100001", fake.url())),
        )
        .mount(&fake.server)
        .await;
    Mock::given(method("GET"))
        .and(path("/repositories/700100001"))
        .respond_with(ok(&fake::repo_json("acme/widgets", 700100001)))
        .mount(&fake.server)
        .await;
    fake.list("acme/widgets", 700100001, "issues", &array("issues.json")).await;
    fake.list("acme/widgets", 700100001, "milestones", &array("milestones.json")).await;
    let (imported, stats) = fake::fetch("github:old-owner/old-name", &fake::settings(&fake.url()))
        .await
        .expect("fetch");
    assert_eq!(imported.items.len(), 8);
    assert_eq!(imported.items[0].id, "github:acme/widgets#1", "ids use the current name");
    // rolecall follows the redirect itself: every request on the wire is counted.
    assert_eq!(stats.requests, 4 + 1, "+ 1: the blockers of the recorded issue that has one");
    assert_eq!(
        fake.request_lines().await[..2],
        ["GET /repos/old-owner/old-name", "GET /repositories/700100001"]
    );
    assert_eq!(fake.requests().await.len(), 5);
    let auth = fake.requests().await[1].headers.get("authorization").cloned();
    assert!(auth.is_some(), "same-origin redirect keeps the token");
}

/// Data from another host is not GitHub's answer, whatever it holds: a redirect there is
/// refused before anything is asked of it (so the token never goes there either).
#[tokio::test]
async fn a_redirect_to_another_host_is_refused() {
    let fake = Fake::start().await;
    let elsewhere = Fake::start().await;
    Mock::given(method("GET"))
        .and(path("/repos/acme/moved"))
        .respond_with(
            error(301, "moved-permanently.json")
                .insert_header("location", format!("{}/repositories/9", elsewhere.url())),
        )
        .mount(&fake.server)
        .await;
    Mock::given(method("GET"))
        .and(path("/repositories/9"))
        .respond_with(ok(&fake::repo_json("acme/widgets", 9)))
        .mount(&elsewhere.server)
        .await;
    fake.list("acme/widgets", 9, "issues", &[]).await;
    fake.list("acme/widgets", 9, "milestones", &[]).await;
    let err = fake::fetch("github:acme/moved", &fake::settings(&fake.url()))
        .await
        .expect_err("refused")
        .to_string();
    assert_eq!(
        err,
        format!(
            "github:acme/moved: GET {}/repos/acme/moved: redirected to another host ({}): refused; rolecall reads only from {}",
            fake.url(),
            elsewhere.url(),
            fake.url()
        )
    );
    assert!(elsewhere.requests().await.is_empty(), "another host was asked");
}

/// A redirect that leads back to itself (a relative Location, as servers may send)
/// stops after five hops with a sentence, not after the retries or never.
#[tokio::test]
async fn a_redirect_loop_stops_after_five_hops() {
    let fake = Fake::start().await;
    Mock::given(method("GET"))
        .and(path("/repos/acme/loop"))
        .respond_with(ResponseTemplate::new(302).insert_header("location", "/repos/acme/loop"))
        .mount(&fake.server)
        .await;
    let err = fake::fetch("github:acme/loop", &fake::settings(&fake.url()))
        .await
        .expect_err("a loop")
        .to_string();
    assert!(err.ends_with("/repos/acme/loop: more than 5 redirects in a row"), "{err}");
    assert_eq!(fake.requests().await.len(), 6);
}

#[tokio::test]
async fn enterprise_server_path_prefix() {
    let fake = Fake::with_prefix("/api/v3").await;
    let issues = fake::many_issues("corp/tool", 120);
    fake.whole_repo("corp/tool", 77, &issues, &array("milestones.json")).await;
    // Anything outside /api/v3 would be a bug.
    Mock::given(any())
        .respond_with(ResponseTemplate::new(418))
        .with_priority(10)
        .mount(&fake.server)
        .await;
    let (imported, stats) =
        fake::fetch("github:corp/tool", &fake::settings(&format!("{}/", fake.url())))
            .await
            .expect("fetch");
    assert_eq!(imported.items.len(), 120);
    assert_eq!(stats.requests, 4);
    for line in fake.request_lines().await {
        assert!(line.starts_with("GET /api/v3/"), "{line}");
    }
}

// ---------------------------------------------------------------------------------------
// Faults

#[tokio::test]
async fn server_errors_are_retried() {
    let fake = Fake::start().await;
    // The repository: a 502 HTML page, then a 503, then the answer.
    Mock::given(method("GET"))
        .and(path("/repos/acme/widgets"))
        .respond_with(error(502, "502.html"))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&fake.server)
        .await;
    Mock::given(method("GET"))
        .and(path("/repos/acme/widgets"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .with_priority(2)
        .mount(&fake.server)
        .await;
    fake.whole_repo("acme/widgets", 1, &array("issues.json"), &[]).await;
    let (imported, stats) =
        fake::fetch("github:acme/widgets", &fake::settings(&fake.url())).await.expect("fetch");
    assert_eq!(imported.items.len(), 8);
    assert_eq!(stats.requests, 5 + 1, "2 failed + 3 + the recorded issue's blockers");
}

#[tokio::test]
async fn retries_are_bounded_and_the_error_names_the_url() {
    let fake = Fake::start().await;
    Mock::given(any()).respond_with(error(500, "502.html")).mount(&fake.server).await;
    let err =
        fake::fetch("github:acme/widgets", &fake::settings(&fake.url())).await.expect_err("fails");
    assert_eq!(err.exit_code(), 1);
    assert_eq!(
        err.to_string(),
        format!(
            "github:acme/widgets: GET {}/repos/acme/widgets: 500 (an HTML page) (gave up after 3 attempts)",
            fake.url()
        )
    );
    assert_eq!(fake.requests().await.len(), 3, "1 + retries = 2");
}

#[tokio::test]
async fn html_and_truncated_bodies_are_retried() {
    let fake = Fake::start().await;
    let issues = serde_json::to_string(&array("issues.json")).expect("json");
    let issues_path = "/repos/acme/widgets/issues";
    // A 200 with a proxy's HTML page…
    Mock::given(method("GET"))
        .and(path(issues_path))
        .respond_with(
            ok(&json!(null)).set_body_raw(fake::fixture_text("errors/502.html"), "text/html"),
        )
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&fake.server)
        .await;
    // …then JSON cut off half-way…
    Mock::given(method("GET"))
        .and(path(issues_path))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw(&issues[..issues.len() / 2], "application/json"),
        )
        .up_to_n_times(1)
        .with_priority(2)
        .mount(&fake.server)
        .await;
    // …then the real page.
    fake.whole_repo("acme/widgets", 1, &array("issues.json"), &[]).await;
    let (imported, stats) =
        fake::fetch("github:acme/widgets", &fake::settings(&fake.url())).await.expect("fetch");
    assert_eq!(imported.items.len(), 8);
    assert_eq!(stats.requests, 5 + 1, "+ 1: the recorded issue's blockers");
}

#[tokio::test]
async fn a_body_that_stays_broken_fails_naming_the_url() {
    let fake = Fake::start().await;
    fake.repo("acme/widgets", 1).await;
    fake.list("acme/widgets", 1, "milestones", &[]).await;
    Mock::given(method("GET"))
        .and(path("/repos/acme/widgets/issues"))
        .respond_with(
            ResponseTemplate::new(200).set_body_raw("[{\"number\": 1, \"ti", "application/json"),
        )
        .mount(&fake.server)
        .await;
    let err = fake::fetch("github:acme/widgets", &fake::settings(&fake.url()))
        .await
        .expect_err("fails")
        .to_string();
    assert!(
        err.starts_with(&format!(
            "github:acme/widgets: GET {}/repos/acme/widgets/issues?state=all&per_page=100: the response is not complete JSON (18 bytes; ",
            fake.url()
        )),
        "{err}"
    );
    assert!(err.ends_with("(gave up after 3 attempts)"), "{err}");
}

#[tokio::test]
async fn dropped_connections_are_retried() {
    let fake = Fake::start().await;
    Mock::given(method("GET"))
        .and(path("/repos/acme/widgets/milestones"))
        .respond_with_err(|_: &wiremock::Request| std::io::Error::other("connection reset"))
        .up_to_n_times(2)
        .with_priority(1)
        .mount(&fake.server)
        .await;
    fake.whole_repo("acme/widgets", 1, &[], &array("milestones.json")).await;
    let (imported, stats) =
        fake::fetch("github:acme/widgets", &fake::settings(&fake.url())).await.expect("fetch");
    assert_eq!(imported.milestones.len(), 3);
    assert_eq!(stats.requests, 5);
}

#[tokio::test]
async fn connection_refused_fails_after_the_retries() {
    // Bind and drop a listener: nothing listens on that port any more.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port();
    let url = format!("http://127.0.0.1:{port}");
    let err = fake::fetch("github:acme/widgets", &fake::settings(&url)).await.expect_err("fails");
    assert_eq!(err.exit_code(), 1);
    let err = err.to_string();
    assert!(
        err.starts_with(&format!(
            "github:acme/widgets: GET {url}/repos/acme/widgets: request failed: "
        )),
        "{err}"
    );
    assert!(err.to_lowercase().contains("connect"), "{err}");
    assert!(err.ends_with("(gave up after 3 attempts)"), "{err}");
}

/// GitHub's answer when the hourly limit is used up until `reset` (Unix seconds).
fn limit_used_up(reset: u64) -> ResponseTemplate {
    error(403, "rate-limit.json")
        .insert_header("x-ratelimit-limit", "5000")
        .insert_header("x-ratelimit-remaining", "0")
        .insert_header("x-ratelimit-reset", reset.to_string())
}

#[tokio::test]
async fn primary_rate_limit_waits_for_the_reset() {
    let fake = Fake::start().await;
    let reset = fake::now() + 1;
    Mock::given(method("GET"))
        .and(path("/repos/acme/widgets"))
        .respond_with(limit_used_up(reset))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&fake.server)
        .await;
    fake.whole_repo("acme/widgets", 1, &[], &[]).await;
    let started = Instant::now();
    let (_, stats) =
        fake::fetch("github:acme/widgets", &fake::settings(&fake.url())).await.expect("fetch");
    assert!(started.elapsed() >= Duration::from_millis(900), "waited {:?}", started.elapsed());
    assert_eq!(stats.requests, 4);
}

/// Waiting for a rate limit is no failed attempt: with `retries = 0` a primary limit that
/// resets soon, and a secondary one with `retry-after`, are waited out and the fetch goes
/// on; the waits of one request are bounded by `max-wait-secs` in all instead.
#[tokio::test]
async fn rate_limit_waits_do_not_use_up_the_retries() {
    let fake = Fake::start().await;
    let reset = fake::now() + 2;
    Mock::given(method("GET"))
        .and(path("/repos/acme/widgets"))
        .respond_with(limit_used_up(reset))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&fake.server)
        .await;
    Mock::given(method("GET"))
        .and(path("/repos/acme/widgets/issues"))
        .respond_with(error(429, "secondary-rate-limit.json").insert_header("retry-after", "1"))
        .up_to_n_times(2)
        .with_priority(1)
        .mount(&fake.server)
        .await;
    fake.whole_repo("acme/widgets", 1, &fake::many_issues("acme/widgets", 2), &[]).await;
    let mut settings = fake::settings(&fake.url());
    settings.config.retries = 0;
    let (imported, stats) = fake::fetch("github:acme/widgets", &settings).await.expect("fetch");
    assert_eq!(imported.items.len(), 2);
    assert_eq!(stats.requests, 3 + 3, "the limited requests sent again");

    // A server that keeps asking to wait holds one request at most max-wait-secs in all.
    let fake = Fake::start().await;
    Mock::given(any())
        .respond_with(error(429, "secondary-rate-limit.json").insert_header("retry-after", "1"))
        .mount(&fake.server)
        .await;
    settings = fake::settings(&fake.url());
    settings.config.retries = 0;
    settings.config.max_wait_secs = 2;
    let started = Instant::now();
    let err = fake::fetch("github:acme/widgets", &settings).await.expect_err("stops").to_string();
    assert!(started.elapsed() < Duration::from_secs(4), "took {:?}", started.elapsed());
    assert!(
        err.ends_with(
            "rate limits held this request 2 s already (3 times), and [github] max-wait-secs = 2 bounds its waits together: retry later"
        ),
        "{err}"
    );
    assert_eq!(fake.requests().await.len(), 3);
}

#[tokio::test]
async fn primary_rate_limit_too_far_off_stops_with_the_time_to_retry() {
    let fake = Fake::start().await;
    let reset = fake::now() + 3000;
    Mock::given(any()).respond_with(limit_used_up(reset)).mount(&fake.server).await;
    let started = Instant::now();
    let err =
        fake::fetch("github:acme/widgets", &fake::settings(&fake.url())).await.expect_err("fails");
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(err.exit_code(), 1);
    let when = chrono::DateTime::from_timestamp(reset as i64, 0)
        .expect("time")
        .format("%Y-%m-%d %H:%M:%S UTC")
        .to_string();
    assert_eq!(
        err.to_string(),
        format!(
            "github:acme/widgets: GitHub API rate limit used up (5000 requests an hour); it resets at {when}, in 50 min, longer than [github] max-wait-secs = 600: retry after {when}"
        )
    );
    assert_eq!(fake.requests().await.len(), 1, "no retry while the limit is used up");
}

/// A used-up limit with no reset time: rolecall's own wait is not said to be GitHub's,
/// and no "resets at later".
#[tokio::test]
async fn a_used_up_limit_without_a_reset_time_says_so() {
    let fake = Fake::start().await;
    Mock::given(any())
        .respond_with(error(403, "rate-limit.json").insert_header("x-ratelimit-remaining", "0"))
        .mount(&fake.server)
        .await;
    let mut settings = fake::settings(&fake.url());
    settings.config.secondary_wait_secs = 120;
    settings.config.max_wait_secs = 60;
    let err = fake::fetch("github:acme/widgets", &settings).await.expect_err("fails").to_string();
    assert!(
        err.contains("rate limit used up; GitHub gave no reset time; the wait would be 2 min, longer than [github] max-wait-secs = 60: retry later"),
        "{err}"
    );
}

#[tokio::test]
async fn a_used_up_limit_stops_before_the_next_request() {
    // The last page left no quota and the reset is an hour away: stop before asking.
    let fake = Fake::start().await;
    Mock::given(method("GET"))
        .and(path("/repos/acme/widgets"))
        .respond_with(limited(
            ResponseTemplate::new(200).set_body_json(fake::repo_json("acme/widgets", 1)),
            0,
        ))
        .mount(&fake.server)
        .await;
    let err = fake::fetch("github:acme/widgets", &fake::settings(&fake.url()))
        .await
        .expect_err("fails")
        .to_string();
    assert!(err.contains("rate limit used up"), "{err}");
    assert_eq!(fake.requests().await.len(), 1);
}

#[tokio::test]
async fn secondary_rate_limit_honours_retry_after() {
    let fake = Fake::start().await;
    for (status, priority) in [(403, 1), (429, 2)] {
        Mock::given(method("GET"))
            .and(path("/repos/acme/widgets/issues"))
            .respond_with(
                error(status, "secondary-rate-limit.json").insert_header("retry-after", "1"),
            )
            .up_to_n_times(1)
            .with_priority(priority)
            .mount(&fake.server)
            .await;
    }
    fake.whole_repo("acme/widgets", 1, &array("issues.json"), &[]).await;
    let started = Instant::now();
    let (imported, stats) =
        fake::fetch("github:acme/widgets", &fake::settings(&fake.url())).await.expect("fetch");
    assert!(started.elapsed() >= Duration::from_secs(2), "waited {:?}", started.elapsed());
    assert_eq!(imported.items.len(), 8);
    assert_eq!(stats.requests, 5 + 1, "+ 1: the recorded issue's blockers");
}

#[tokio::test]
async fn secondary_rate_limit_without_retry_after() {
    let fake = Fake::start().await;
    Mock::given(method("GET"))
        .and(path("/repos/acme/widgets/issues"))
        .respond_with(error(403, "secondary-rate-limit.json"))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&fake.server)
        .await;
    fake.whole_repo("acme/widgets", 1, &array("issues.json"), &[]).await;
    let (imported, stats) =
        fake::fetch("github:acme/widgets", &fake::settings(&fake.url())).await.expect("fetch");
    assert_eq!(imported.items.len(), 8);
    assert_eq!(stats.requests, 4 + 1, "+ 1: the recorded issue's blockers");

    // A retry-after beyond max-wait-secs stops at once.
    let fake = Fake::start().await;
    Mock::given(any())
        .respond_with(error(429, "secondary-rate-limit.json").insert_header("retry-after", "3600"))
        .mount(&fake.server)
        .await;
    let err = fake::fetch("github:acme/widgets", &fake::settings(&fake.url()))
        .await
        .expect_err("fails")
        .to_string();
    assert!(
        err.contains("GitHub asks to wait 1 h 0 min, longer than [github] max-wait-secs = 600"),
        "{err}"
    );
    assert_eq!(fake.requests().await.len(), 1);
}

#[tokio::test]
async fn a_rejected_token_is_said_clearly_and_not_retried() {
    let fake = Fake::start().await;
    Mock::given(any()).respond_with(error(401, "bad-credentials.json")).mount(&fake.server).await;
    let err =
        fake::fetch("github:acme/widgets", &fake::settings(&fake.url())).await.expect_err("fails");
    assert_eq!(err.exit_code(), 1);
    assert_eq!(
        err.to_string(),
        format!(
            "github:acme/widgets: GitHub rejected the token from GITHUB_TOKEN (401 Bad credentials) at {}: check that it has not expired or been revoked",
            fake.url()
        )
    );
    assert_eq!(fake.requests().await.len(), 1);
}

#[tokio::test]
async fn a_missing_repository_is_an_error() {
    let fake = Fake::start().await;
    Mock::given(any()).respond_with(error(404, "not-found.json")).mount(&fake.server).await;
    let err =
        fake::fetch("github:acme/nope", &fake::settings(&fake.url())).await.expect_err("fails");
    assert_eq!(err.exit_code(), 1);
    assert_eq!(
        err.to_string(),
        format!(
            "github:acme/nope: GET {}/repos/acme/nope: 404 Not Found (no such repository or owner, or the token cannot see it)",
            fake.url()
        )
    );
    // Even with on-repo-error = "warn": a source naming one repository has nothing without it.
    let mut settings = fake::settings(&fake.url());
    settings.config.on_repo_error = OnRepoError::Warn;
    assert!(fake::fetch("github:acme/nope", &settings).await.is_err());
}

#[tokio::test]
async fn a_repository_with_issues_turned_off_has_no_items() {
    let fake = Fake::start().await;
    fake.repo("acme/site", 3).await;
    fake.list("acme/site", 3, "milestones", &[]).await;
    Mock::given(method("GET"))
        .and(path("/repos/acme/site/issues"))
        .respond_with(
            ResponseTemplate::new(410)
                .set_body_json(json!({"message": "Issues are disabled for this repo"})),
        )
        .mount(&fake.server)
        .await;
    let (imported, stats) =
        fake::fetch("github:acme/site", &fake::settings(&fake.url())).await.expect("fetch");
    assert!(imported.items.is_empty());
    assert_eq!(stats.requests, 3);
}

/// With the cache, a repository with issues turned off is not fetched again in full on
/// every run: its open count (open pull requests) can never match the no issues cached.
#[tokio::test]
async fn a_repository_with_issues_turned_off_is_not_refetched_in_full() {
    let fake = Fake::start().await;
    fake.repo("acme/site", 3).await; // open_issues_count: 5
    fake.list("acme/site", 3, "milestones", &[]).await;
    Mock::given(method("GET"))
        .and(path("/repos/acme/site/issues"))
        .respond_with(
            ResponseTemplate::new(410)
                .set_body_json(json!({"message": "Issues are disabled for this repo"})),
        )
        .mount(&fake.server)
        .await;
    let dir = tempfile::tempdir().expect("temp dir");
    let mut settings = fake::settings(&fake.url());
    settings.cache = Some(rolecall::source::github::Cache::new(dir.path()));
    for run in ["first", "second"] {
        let (imported, stats) = fake::fetch("github:acme/site", &settings).await.expect(run);
        assert!(imported.items.is_empty());
        assert_eq!(stats.requests, 3, "{run} run: the repository, its issues, its milestones");
    }
}

// ---------------------------------------------------------------------------------------
// Owners: many repositories

/// `acme` with six repositories: widgets and gadgets readable, api-legacy answering 403
/// on its issues, vault 404, old-site archived, widgets-fork a fork.
async fn acme_org(fake: &Fake) {
    Mock::given(method("GET"))
        .and(path("/orgs/acme/repos"))
        .respond_with(ok(&fixture("org-repos.json")))
        .mount(&fake.server)
        .await;
    fake.list("acme/widgets", 700100001, "issues", &array("issues.json")).await;
    fake.list("acme/widgets", 700100001, "milestones", &array("milestones.json")).await;
    fake.list("acme/gadgets", 700100002, "issues", &fake::many_issues("acme/gadgets", 3)).await;
    fake.list("acme/gadgets", 700100002, "milestones", &[]).await;
    Mock::given(method("GET"))
        .and(path_regex("^/repos/acme/api-legacy/"))
        .respond_with(error(403, "forbidden.json"))
        .mount(&fake.server)
        .await;
    Mock::given(method("GET"))
        .and(path_regex("^/repos/acme/vault/"))
        .respond_with(error(404, "not-found.json"))
        .mount(&fake.server)
        .await;
}

#[tokio::test]
async fn an_owner_fetches_its_repositories_and_warns_about_unreadable_ones() {
    let fake = Fake::start().await;
    acme_org(&fake).await;
    let (imported, stats) =
        fake::fetch("github:acme", &fake::settings(&fake.url())).await.expect("fetch");
    let projects: std::collections::BTreeSet<_> =
        imported.items.iter().filter_map(|i| i.project.as_deref()).collect();
    assert_eq!(projects.into_iter().collect::<Vec<_>>(), ["acme/gadgets", "acme/widgets"]);
    assert_eq!(imported.items.len(), 8 + 3);
    assert_eq!(stats.repos, 2);
    assert_eq!(stats.skipped.len(), 2, "{:?}", stats.skipped);
    assert!(stats.skipped[0].starts_with("acme/api-legacy: GET "), "{:?}", stats.skipped);
    assert!(stats.skipped[0].contains("403 Resource not accessible by personal access token"));
    assert!(stats.skipped[1].starts_with("acme/vault: GET "), "{:?}", stats.skipped);
    let lines = fake.request_lines().await;
    assert!(
        !lines.iter().any(|l| l.contains("old-site") || l.contains("widgets-fork")),
        "{lines:?}"
    );
    assert!(
        !lines.iter().any(|l| l.starts_with("GET /repos/acme/widgets ")),
        "no repo request: the list has it"
    );
}

/// A repository blocked for legal reasons (451, a DMCA takedown) is one unreadable
/// repository: skipped with a warning under `on-repo-error = "warn"`, like a 404.
#[tokio::test]
async fn an_owner_skips_a_repository_blocked_for_legal_reasons() {
    let fake = Fake::start().await;
    let repos = json!([fake::repo_json("acme/widgets", 1), fake::repo_json("acme/takedown", 2)]);
    Mock::given(method("GET"))
        .and(path("/orgs/acme/repos"))
        .respond_with(ok(&repos))
        .mount(&fake.server)
        .await;
    fake.list("acme/widgets", 1, "issues", &fake::many_issues("acme/widgets", 2)).await;
    fake.list("acme/widgets", 1, "milestones", &[]).await;
    Mock::given(method("GET"))
        .and(path_regex("^/repos/acme/takedown/"))
        .respond_with(ResponseTemplate::new(451).set_body_json(
            json!({"message": "Repository access blocked", "block": {"reason": "dmca"}}),
        ))
        .mount(&fake.server)
        .await;
    let (imported, stats) =
        fake::fetch("github:acme", &fake::settings(&fake.url())).await.expect("fetch");
    assert_eq!(imported.items.len(), 2);
    assert_eq!(stats.skipped.len(), 1, "{:?}", stats.skipped);
    assert!(stats.skipped[0].starts_with("acme/takedown: GET "), "{:?}", stats.skipped);
    assert!(
        stats.skipped[0].ends_with(": 451 Repository access blocked (GitHub blocks access to it for legal reasons, such as a DMCA takedown)"),
        "{:?}",
        stats.skipped
    );
}

#[tokio::test]
async fn an_owner_under_on_repo_error_fail_stops() {
    let fake = Fake::start().await;
    acme_org(&fake).await;
    let mut settings = fake::settings(&fake.url());
    settings.config.on_repo_error = OnRepoError::Fail;
    let err = fake::fetch("github:acme", &settings).await.expect_err("fails");
    assert_eq!(err.exit_code(), 1);
    assert!(err.to_string().starts_with("github:acme: acme/api-legacy: GET "), "{err}");
}

#[tokio::test]
async fn include_exclude_archived_and_forks() {
    let fake = Fake::start().await;
    acme_org(&fake).await;
    fake.list("acme/old-site", 700100004, "issues", &fake::many_issues("acme/old-site", 2)).await;
    fake.list("acme/old-site", 700100004, "milestones", &[]).await;
    let mut settings = fake::settings(&fake.url());
    settings.config.include = vec!["*s*".into()];
    settings.config.exclude = vec!["acme/gadget?".into(), "vault".into()];
    settings.config.archived = true;
    let (imported, stats) = fake::fetch("github:acme", &settings).await.expect("fetch");
    // *s*: widgets, gadgets, old-site, widgets-fork; minus gadgets; forks still off.
    let projects: std::collections::BTreeSet<_> =
        imported.items.iter().filter_map(|i| i.project.as_deref()).collect();
    assert_eq!(projects.into_iter().collect::<Vec<_>>(), ["acme/old-site", "acme/widgets"]);
    assert!(stats.skipped.is_empty());
    // 1 (list) + 2 × (issues + milestones).
    assert_eq!(stats.requests, 5 + 1, "+ 1: the recorded issue's blockers");
}

#[tokio::test]
async fn a_user_is_listed_when_the_org_is_not_found() {
    let fake = Fake::start().await;
    Mock::given(method("GET"))
        .and(path("/orgs/dana/repos"))
        .respond_with(error(404, "not-found.json"))
        .mount(&fake.server)
        .await;
    Mock::given(method("GET"))
        .and(path("/users/dana/repos"))
        .respond_with(ok(&json!([fake::repo_json("dana/dotfiles", 5)])))
        .mount(&fake.server)
        .await;
    fake.list("dana/dotfiles", 5, "issues", &fake::many_issues("dana/dotfiles", 2)).await;
    fake.list("dana/dotfiles", 5, "milestones", &[]).await;
    let (imported, stats) =
        fake::fetch("github:dana", &fake::settings(&fake.url())).await.expect("fetch");
    assert_eq!(imported.items.len(), 2);
    assert_eq!(stats.requests, 4);
}

#[tokio::test]
async fn every_repository_failing_is_an_error() {
    let fake = Fake::start().await;
    Mock::given(method("GET"))
        .and(path("/orgs/acme/repos"))
        .respond_with(ok(&json!([fake::repo_json("acme/vault", 6)])))
        .mount(&fake.server)
        .await;
    Mock::given(any())
        .respond_with(error(404, "not-found.json"))
        .with_priority(10)
        .mount(&fake.server)
        .await;
    let err = fake::fetch("github:acme", &fake::settings(&fake.url())).await.expect_err("fails");
    assert!(
        err.to_string().starts_with("github:acme: no repository could be read: acme/vault: GET "),
        "{err}"
    );
}

#[tokio::test]
async fn many_repositories_are_fetched_concurrently() {
    let fake = Fake::start().await;
    let repos: Vec<Value> = (1..=8).map(|i| fake::repo_json(&format!("acme/r{i}"), i)).collect();
    Mock::given(method("GET"))
        .and(path("/orgs/acme/repos"))
        .respond_with(ok(&json!(repos)))
        .mount(&fake.server)
        .await;
    // Every list answers after 500 ms: one repository at a time (its two lists in
    // parallel) would take 8 × 0.5 = 4 s; 4 at a time, about 1 s.
    Mock::given(method("GET"))
        .and(path_regex("^/repos/acme/r[0-9]+/(issues|milestones)$"))
        .respond_with(ok(&json!([])).set_delay(Duration::from_millis(500)))
        .mount(&fake.server)
        .await;
    let started = Instant::now();
    let (_, stats) = fake::fetch("github:acme", &fake::settings(&fake.url())).await.expect("fetch");
    assert_eq!(stats.repos, 8);
    assert_eq!(stats.requests, 1 + 16);
    assert!(started.elapsed() < Duration::from_millis(3000), "took {:?}", started.elapsed());
}

// ---------------------------------------------------------------------------------------
// The binary

#[tokio::test]
async fn the_binary_prints_items_from_the_fake() {
    let fake = Fake::start().await;
    fake.whole_repo("acme/widgets", 1, &array("issues.json"), &array("milestones.json")).await;
    let dir = tempfile::tempdir().expect("temp dir");
    let config = fake::config_file(dir.path(), "");
    let url = fake.url();
    let (code, stdout, stderr) = fake::run(
        dir.path(),
        &["-c", &config, "items", "-s", "github:acme/widgets", "--format", "json"],
        &[("GITHUB_API_URL", &url), ("GITHUB_TOKEN", TOKEN)],
    );
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stderr, "", "nothing on stderr at the default verbosity");
    let items: Vec<Value> = serde_json::from_str(&stdout).expect("a JSON array");
    assert_eq!(items.len(), 8);
    assert_eq!(items[0]["id"], "github:acme/widgets#1");
    assert_eq!(items[6]["key"], "acme/widgets#7");
    assert_eq!(items[6]["kind"], "pull-request");
    assert_eq!(items[7]["votes"], 6);

    let (code, stdout, _) = fake::run(
        dir.path(),
        &["-c", &config, "items", "-s", "github:acme/widgets", "--format", "snapshot"],
        &[("GITHUB_API_URL", &url), ("GITHUB_TOKEN", TOKEN)],
    );
    assert_eq!(code, 0);
    let snapshot: Value = serde_json::from_str(&stdout).expect("JSON");
    assert_eq!(snapshot["sources"][0]["format"], "github");
    assert_eq!(snapshot["sources"][0]["data_as_of"], "2026-11-26T12:00:00Z");
    assert_eq!(snapshot["milestones"][1]["due"], "2026-12-15");
}

/// A reopened issue is `open` like any other: a `[status-map]` entry for "open" maps it
/// too (its reason is still in `fields`).
#[tokio::test]
async fn a_reopened_issue_has_status_open() {
    let fake = Fake::start().await;
    let mut issues = fake::many_issues("acme/widgets", 2);
    issues[0]["state_reason"] = json!("reopened");
    fake.whole_repo("acme/widgets", 1, &issues, &[]).await;
    let dir = tempfile::tempdir().expect("temp dir");
    let config = fake::config_file(dir.path(), "[status-map]\n\"open\" = \"in-progress\"\n");
    let url = fake.url();
    let (code, stdout, stderr) = fake::run(
        dir.path(),
        &["-c", &config, "items", "-s", "github:acme/widgets", "--format", "json"],
        &[("GITHUB_API_URL", &url), ("GITHUB_TOKEN", TOKEN)],
    );
    assert_eq!(code, 0, "{stderr}");
    let items: Vec<Value> = serde_json::from_str(&stdout).expect("a JSON array");
    let got: Vec<(&str, &str)> = items
        .iter()
        .map(|i| (i["status"].as_str().unwrap_or(""), i["state"].as_str().unwrap_or("")))
        .collect();
    assert_eq!(got, [("open", "in-progress"), ("open", "in-progress")], "{stdout}");
    assert_eq!(items[1]["fields"]["state_reason"], "reopened", "{stdout}");
}

#[tokio::test]
async fn the_binary_without_a_token_warns_after_fetching() {
    let fake = Fake::start().await;
    fake.whole_repo("acme/widgets", 1, &[], &[]).await;
    let dir = tempfile::tempdir().expect("temp dir");
    let config = fake::config_file(dir.path(), "");
    let (code, _, stderr) = fake::run(
        dir.path(),
        &["-c", &config, "items", "-s", "github:acme/widgets"],
        &[("GITHUB_API_URL", &fake.url())],
    );
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("no GitHub token"), "{stderr}");
    assert!(stderr.contains("60 requests an hour"), "{stderr}");
    let requests = fake.requests().await;
    assert!(requests.iter().all(|r| r.headers.get("authorization").is_none()));
}

#[tokio::test]
async fn the_binary_exit_codes() {
    let fake = Fake::start().await;
    Mock::given(any()).respond_with(error(401, "bad-credentials.json")).mount(&fake.server).await;
    let dir = tempfile::tempdir().expect("temp dir");
    let config = fake::config_file(dir.path(), "");
    let env = [("GITHUB_API_URL", fake.url()), ("GITHUB_TOKEN", TOKEN.to_string())];
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let run = |args: &[&str]| fake::run(dir.path(), args, &env);

    let (code, _, stderr) = run(&["-c", &config, "items", "-s", "github:acme/widgets"]);
    assert_eq!(code, 1);
    assert!(
        stderr
            .starts_with("error: github:acme/widgets: GitHub rejected the token from GITHUB_TOKEN"),
        "{stderr}"
    );
    let (code, _, stderr) = run(&["-c", &config, "items", "-s", "github:acme/widgets/extra"]);
    assert_eq!(code, 2);
    assert!(
        stderr.starts_with("error: source `github:acme/widgets/extra`: too many `/`"),
        "{stderr}"
    );
    let bad = fake::config_file(dir.path(), "on-repo-eror = \"warn\"\n");
    let (code, _, stderr) = run(&["-c", &bad, "items", "-s", "github:acme/widgets"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("unknown key `on-repo-eror` (did you mean `on-repo-error`?)"),
        "{stderr}"
    );
    let bad = fake::config_file(dir.path(), "api-url = \"ftp://x\"\n");
    let (code, _, stderr) = run(&["-c", &bad, "items", "-s", "github:acme/widgets"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("[github]: api-url: `ftp://x` is not an http(s) URL"), "{stderr}");
}

#[tokio::test]
async fn the_token_is_never_printed() {
    let fake = Fake::start().await;
    // One repository that works (with a retry on the way), one that is rejected, one that
    // fails for good, one rate-limited, one that 404s: every path that logs or errors.
    Mock::given(method("GET"))
        .and(path("/repos/acme/widgets/issues"))
        .respond_with(error(502, "502.html"))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&fake.server)
        .await;
    fake.whole_repo("acme/widgets", 1, &array("issues.json"), &array("milestones.json")).await;
    for (repo, response) in [
        ("rejected", error(401, "bad-credentials.json")),
        ("broken", error(500, "502.html")),
        (
            "limited",
            error(403, "rate-limit.json")
                .insert_header("x-ratelimit-remaining", "0")
                .insert_header("x-ratelimit-reset", (fake::now() + 7200).to_string()),
        ),
        ("missing", error(404, "not-found.json")),
    ] {
        Mock::given(any())
            .and(path(format!("/repos/acme/{repo}")))
            .respond_with(response)
            .mount(&fake.server)
            .await;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let config = fake::config_file(dir.path(), "");
    let mut all = String::new();
    for repo in ["widgets", "rejected", "broken", "limited", "missing"] {
        for verbosity in ["-q", "-v", "-vv"] {
            for format in ["table", "json", "snapshot"] {
                let spec = format!("github:acme/{repo}");
                let (_, stdout, stderr) = fake::run(
                    dir.path(),
                    &[verbosity, "-c", &config, "items", "-s", &spec, "--format", format],
                    &[("GITHUB_API_URL", &fake.url()), ("GITHUB_TOKEN", TOKEN)],
                );
                all.push_str(&stdout);
                all.push_str(&stderr);
            }
        }
    }
    assert!(all.contains("GET http://127.0.0.1"), "-vv logs requests:\n{all}");
    assert!(all.contains("GitHub rejected the token"));
    for needle in [TOKEN, &TOKEN[4..], &TOKEN[..12]] {
        assert!(!all.contains(needle), "the token leaked:\n{all}");
    }
    let requests = fake.requests().await;
    assert!(requests.iter().all(|r| r.headers.get("authorization").is_some()));
}

// ---------------------------------------------------------------------------------------
// A real recording

#[tokio::test]
async fn replays_the_recorded_betamax_cassettes() {
    let Some(issues) = common::sample("github/betamax-issues-state-all.cassette.json") else {
        return;
    };
    let dir = issues.parent().expect("the samples folder");
    let fake = Fake::start().await;
    cassette::mount(&fake, &issues).await;
    cassette::mount(&fake, &dir.join("betamax-milestones.cassette.json")).await;
    // Lists the recordings do not hold: empty, at a lower priority.
    Mock::given(method("GET"))
        .and(path_regex("/(issues|milestones)$"))
        .respond_with(ok(&json!([])))
        .with_priority(10)
        .mount(&fake.server)
        .await;

    // The old name answers 301, the repository is betamaxpy/betamax now, 150 issues and
    // pull requests over 2 pages.
    let (imported, stats) =
        fake::fetch("github:sigmavirus24/betamax", &fake::settings(&fake.url()))
            .await
            .expect("fetch");
    assert_eq!(imported.items.len(), 150);
    assert_eq!(imported.items.iter().filter(|i| i.milestone.is_some()).count(), 19);
    assert!(imported.items.iter().all(|i| i.id.starts_with("github:betamaxpy/betamax#")));
    let prs = imported.items.iter().filter(|i| i.kind == "pull-request").count();
    assert_eq!(prs, 67);
    assert!(imported.items.iter().all(|i| i.author.is_some() && i.created.is_some()));
    assert_eq!(stats.requests, 5, "repo, its 301, 2 issue pages, milestones");
    // "Fixes https://github.com/sigmavirus24/betamax/issues/143", written before the
    // rename, names the issue under the repository's new name.
    let fixes = imported.items.iter().find(|i| i.key == "betamaxpy/betamax#144").expect("#144");
    let targets: Vec<&str> = fixes.links.iter().map(|l| l.target.as_str()).collect();
    assert!(targets.contains(&"github:betamaxpy/betamax#143"), "{targets:?}");
    assert!(imported
        .items
        .iter()
        .flat_map(|i| &i.links)
        .all(|l| !l.target.starts_with("github:sigmavirus24/betamax#")));

    let (imported, _) = fake::fetch("github:sigmavirus24/github3.py", &fake::settings(&fake.url()))
        .await
        .expect("fetch");
    assert!(!imported.milestones.is_empty());
    assert!(imported
        .milestones
        .iter()
        .all(|m| m.id.starts_with("github:sigmavirus24/github3.py/milestone/")));
}

/// `items -vv -s github:acme/widgets` against a fake GitHub answering every request with
/// `status` and `{"message": message}`: exit code, stdout and stderr.
async fn items_answered(status: u16, message: &str) -> (i32, String, String) {
    let fake = Fake::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(status).set_body_json(json!({ "message": message })))
        .mount(&fake.server)
        .await;
    let dir = tempfile::tempdir().expect("temp dir");
    let config = fake::config_file(dir.path(), "");
    let url = fake.url();
    let env = [("GITHUB_API_URL", url.as_str()), ("GITHUB_TOKEN", TOKEN)];
    fake::run(dir.path(), &["-vv", "-c", &config, "items", "-s", "github:acme/widgets"], &env)
}

/// A server (or a proxy in front of it) that echoes the Authorization header back in its
/// error body must not get the token printed: not in the error, not in the logs of the
/// retries, whatever the status.
#[tokio::test]
async fn a_token_echoed_back_by_the_server_is_never_printed() {
    for status in [401, 403, 404, 500, 502] {
        let message =
            format!("Bad request; you sent Authorization: Bearer {TOKEN} (token {TOKEN})");
        let (code, stdout, stderr) = items_answered(status, &message).await;
        assert_ne!(code, 0, "{status}");
        assert!(
            !stderr.contains(TOKEN) && !stdout.contains(TOKEN),
            "{status}: the token was printed:\n{stderr}"
        );
        assert!(stderr.contains("***"), "{status}: the echo is shown redacted:\n{stderr}");
    }
}

/// A server echoing a `Basic` Authorization header (the token base64-encoded, alone or
/// as `x-access-token:TOKEN`, as git and some proxies send it) gets neither printed.
#[tokio::test]
async fn a_token_echoed_back_in_base64_is_never_printed() {
    // `printf %s "$TOKEN" | base64`, and the same of `x-access-token:$TOKEN`.
    let alone = "Z2hwX0ZBS0V0MGtlbk5ldmVyUHJpbnRlZDAxMjM0NTY3ODlhYmM=";
    let basic = "eC1hY2Nlc3MtdG9rZW46Z2hwX0ZBS0V0MGtlbk5ldmVyUHJpbnRlZDAxMjM0NTY3ODlhYmM=";
    let message = format!("you sent Basic {alone} and Basic {basic}");
    let (code, _, stderr) = items_answered(401, &message).await;
    assert_ne!(code, 0);
    // All but the last two of its 38 bytes (`YmM=`), which a group of three no longer holds.
    assert!(!stderr.contains(&alone[8..40]) && !stderr.contains(&basic[28..60]), "{stderr}");
    assert!(
        stderr.contains("you sent Basic ***YmM= and Basic eC1hY2Nlc3MtdG9rZW46***YmM="),
        "{stderr}"
    );
}

/// A token put in the path of `GITHUB_API_URL` is not printed when the URL is refused
/// (its credentials before the host were already hidden; the path was printed).
#[test]
fn a_token_in_the_api_urls_path_is_never_printed() {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("http://x:{TOKEN}@127.0.0.1:1/{TOKEN}");
    let env = [("GITHUB_API_URL", url.as_str()), ("GITHUB_TOKEN", TOKEN)];
    let (code, stdout, stderr) =
        crate::common::run_in(dir.path(), &["items", "-s", "github:acme/widgets", "-vv"], &env);
    assert_eq!(code, 2, "{stderr}");
    assert!(!stderr.contains(TOKEN) && !stdout.contains(TOKEN), "{stderr}");
    assert_eq!(
        stderr.lines().next().unwrap_or_default(),
        "error: environment variable GITHUB_API_URL: `http://***@127.0.0.1:1/***` carries credentials; give the token in GITHUB_TOKEN instead"
    );
}

/// An error body long enough to be cut short for the message, with the token where the
/// cut falls: the token is redacted before the cut, so not even its first part is shown
/// (the error of a 404, the retry lines and the error of a 500 alike).
#[tokio::test]
async fn a_token_at_the_cut_of_a_long_error_body_is_never_printed() {
    for status in [404, 500] {
        let message = format!("{} {TOKEN} and more", "x".repeat(185));
        let (code, stdout, stderr) = items_answered(status, &message).await;
        assert_eq!(code, 1, "{status}: {stderr}");
        assert!(stderr.contains(&format!("{status} xxxxx")), "{status}: {stderr}");
        assert!(stderr.contains(" *** and more"), "{status}: redacted, then cut:\n{stderr}");
        for part in [&TOKEN[..8], &TOKEN[..12], TOKEN] {
            assert!(
                !stderr.contains(part) && !stdout.contains(part),
                "{status}: part of the token was printed:\n{stderr}"
            );
        }
    }
}

/// A server that puts the token into a URL it hands back — a redirect's `Location`, a
/// `next` link — on its own host (so rolecall follows it) must not get it printed: not
/// in the `-vv` request log, not in the error, not in a skipped repository's warning.
#[tokio::test]
async fn a_token_in_a_redirect_or_next_link_is_never_printed() {
    let fake = Fake::start().await;
    let base = fake.url();
    // `sig` is no query key the URL redaction knows: only the token's value gives it away.
    Mock::given(method("GET"))
        .and(path("/repos/acme/widgets"))
        .respond_with(
            error(301, "moved-permanently.json")
                .insert_header("location", format!("{base}/repositories/1?sig={TOKEN}")),
        )
        .mount(&fake.server)
        .await;
    Mock::given(method("GET"))
        .and(path("/repositories/1"))
        .respond_with(ok(&fake::repo_json("acme/widgets", 1)))
        .mount(&fake.server)
        .await;
    // Each issue list links its second page with the token in it; that page fails.
    for (repo, id) in [("widgets", 1), ("gadgets", 2)] {
        let next = format!("{base}/repositories/{id}/issues?page=2&sig={TOKEN}");
        Mock::given(method("GET"))
            .and(path(format!("/repos/acme/{repo}/issues")))
            .respond_with(
                ok(&Value::Array(fake::many_issues(&format!("acme/{repo}"), 1)))
                    .insert_header("link", format!("<{next}>; rel=\"next\"")),
            )
            .mount(&fake.server)
            .await;
        Mock::given(method("GET"))
            .and(path(format!("/repositories/{id}/issues")))
            .respond_with(error(404, "not-found.json"))
            .mount(&fake.server)
            .await;
    }
    fake.list("acme/widgets", 1, "milestones", &[]).await;
    fake.list("acme/gadgets", 2, "milestones", &[]).await;
    fake.list("acme/tools", 3, "issues", &[]).await;
    fake.list("acme/tools", 3, "milestones", &[]).await;
    let repos: Vec<Value> = ["gadgets", "tools"]
        .iter()
        .zip(2..)
        .map(|(r, id)| fake::repo_json(&format!("acme/{r}"), id))
        .collect();
    Mock::given(method("GET"))
        .and(path("/orgs/acme/repos"))
        .respond_with(ok(&Value::Array(repos)))
        .mount(&fake.server)
        .await;
    let dir = tempfile::tempdir().expect("temp dir");
    let config = fake::config_file(dir.path(), "");
    let env = [("GITHUB_API_URL", base.as_str()), ("GITHUB_TOKEN", TOKEN)];
    let run = |args: &[&str]| {
        let mut all = vec!["-vv", "-c", &config, "items"];
        all.extend(args);
        let (code, stdout, stderr) = fake::run(dir.path(), &all, &env);
        (code, format!("{stdout}{stderr}"))
    };
    let (code, one) = run(&["-s", "github:acme/widgets"]);
    assert_eq!(code, 1, "{one}");
    assert!(one.contains("/repositories/1?sig=***"), "the redirect is logged, redacted:\n{one}");
    assert!(one.contains("error: github:acme/widgets: GET "), "{one}");
    let (code, owner) = run(&["-s", "github:acme"]);
    assert_eq!(code, 0, "{owner}");
    assert!(owner.contains("github:acme: skipped acme/gadgets: GET "), "{owner}");
    assert!(owner.contains("sig=***"), "{owner}");
    for needle in [TOKEN, &TOKEN[4..], &TOKEN[..12]] {
        assert!(
            !one.contains(needle) && !owner.contains(needle),
            "the token leaked:\n{one}\n{owner}"
        );
    }
    // The library's own answer, before the binary's last redaction, holds no token either.
    let (_, stats) = fake::fetch("github:acme", &fake::settings(&base)).await.expect("fetch");
    assert_eq!(stats.skipped.len(), 1, "{:?}", stats.skipped);
    assert!(!stats.skipped[0].contains(TOKEN), "{:?}", stats.skipped);
    let err = fake::fetch("github:acme/widgets", &fake::settings(&base)).await.expect_err("404");
    assert!(!err.to_string().contains(TOKEN), "{err}");
}

/// A token with a control character in it (a stray newline pasted into a secret) is a
/// clear error that does not print the token, not a panic.
#[test]
fn a_token_with_a_control_character_is_an_error_that_does_not_show_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = fake::config_file(dir.path(), "");
    let token = format!("{TOKEN}\u{1}x");
    let env = [("GITHUB_API_URL", "http://127.0.0.1:9"), ("GITHUB_TOKEN", token.as_str())];
    let (code, _, stderr) =
        fake::run(dir.path(), &["-c", &config, "items", "-s", "github:acme/widgets"], &env);
    assert_eq!(code, 2, "{stderr}");
    assert_eq!(
        stderr.lines().next(),
        Some(
            "error: the token in GITHUB_TOKEN holds a space or a control character: copy it again"
        )
    );
    assert!(!stderr.contains(TOKEN));
}

/// A server that answers one byte at a time, never falling silent for long enough to trip
/// the read timeout, is bounded by the request deadline and by the run's.
#[test]
fn a_server_that_drips_its_answer_is_cut_off_by_the_deadlines() {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut s) = stream else { continue };
            std::thread::spawn(move || {
                let mut buf = [0u8; 4096];
                let _ = s.read(&mut buf);
                let head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n[";
                if s.write_all(head.as_bytes()).is_err() {
                    return;
                }
                for _ in 0..120 {
                    std::thread::sleep(Duration::from_millis(500));
                    if s.write_all(b" ").and_then(|()| s.flush()).is_err() {
                        return;
                    }
                }
            });
        }
    });
    let dir = tempfile::tempdir().expect("temp dir");
    let env = [("GITHUB_API_URL", url.as_str()), ("GITHUB_TOKEN", TOKEN)];
    let config = fake::config_file(dir.path(), "timeout-secs = 5\nrequest-deadline-secs = 2\n");
    let started = Instant::now();
    let (code, _, stderr) =
        fake::run(dir.path(), &["-c", &config, "items", "-s", "github:acme/widgets"], &env);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("no complete answer within 2 s ([github] request-deadline-secs)"),
        "{stderr}"
    );
    assert!(started.elapsed() < Duration::from_secs(20), "took {:?}", started.elapsed());

    let config = fake::config_file(
        dir.path(),
        "timeout-secs = 5\nrequest-deadline-secs = 60\ndeadline-secs = 2\n",
    );
    let started = Instant::now();
    let (code, _, stderr) =
        fake::run(dir.path(), &["-c", &config, "items", "-s", "github:acme/widgets"], &env);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("took longer than 2 s ([github] deadline-secs)"), "{stderr}");
    assert!(started.elapsed() < Duration::from_secs(10), "took {:?}", started.elapsed());
}

/// A server whose `next` links never end in empty pages is stopped after a few, not ten
/// thousand requests; a `next` link to another host is refused, its data never merged.
#[tokio::test]
async fn endless_empty_pages_and_next_links_elsewhere_are_refused() {
    struct Endless(String);
    impl wiremock::Respond for Endless {
        fn respond(&self, req: &wiremock::Request) -> ResponseTemplate {
            let page: u64 = req
                .url
                .query_pairs()
                .find(|(k, _)| k == "page")
                .and_then(|(_, v)| v.parse().ok())
                .unwrap_or(1);
            let next = format!(
                "<{}/repos/acme/widgets/issues?state=all&per_page=100&page={}>; rel=\"next\"",
                self.0,
                page + 1
            );
            ok(&json!([])).insert_header("link", next.as_str())
        }
    }
    let fake = Fake::start().await;
    fake.repo("acme/widgets", 1).await;
    Mock::given(method("GET"))
        .and(path("/repos/acme/widgets/issues"))
        .respond_with(Endless(fake.url()))
        .mount(&fake.server)
        .await;
    let err = fake::fetch("github:acme/widgets", &fake::settings(&fake.url()))
        .await
        .expect_err("refused");
    assert!(err.to_string().contains("the server keeps sending pages"), "{err}");
    let issue_requests =
        fake.request_lines().await.iter().filter(|l| l.contains("/issues")).count();
    assert!(issue_requests <= 4, "{issue_requests} requests");

    let fake = Fake::start().await;
    fake.repo("acme/widgets", 1).await;
    let elsewhere = Fake::start().await;
    let stolen = fake::many_issues("acme/widgets", 3);
    Mock::given(any()).respond_with(ok(&json!(stolen))).mount(&elsewhere.server).await;
    let next = format!("<{}/repos/acme/widgets/issues?page=2>; rel=\"next\"", elsewhere.url());
    Mock::given(method("GET"))
        .and(path("/repos/acme/widgets/issues"))
        .respond_with(
            ok(&json!(fake::many_issues("acme/widgets", 1))).insert_header("link", next.as_str()),
        )
        .mount(&fake.server)
        .await;
    let err = fake::fetch("github:acme/widgets", &fake::settings(&fake.url()))
        .await
        .expect_err("refused");
    assert!(err.to_string().contains("the next page is on another host"), "{err}");
    assert!(elsewhere.requests().await.is_empty(), "another host was asked");
}

/// GitHub's native relationships: blockers are asked for only where an issue's
/// dependencies summary counts one (one request each), become `blocked-by` links across
/// repositories, and a server without the endpoint (older Enterprise Server) has none;
/// sub-issues need no request, each child naming its parent.
#[tokio::test]
async fn native_dependencies_are_fetched_only_where_the_summary_says() {
    let fake = Fake::start().await;
    let mut issues = fake::many_issues("acme/app", 4);
    // many_issues lists newest first: #4, #3, #2, #1.
    let api = |repo: &str, n: u64| format!("{}/repos/{repo}/issues/{n}", fake.url());
    issues[0]["issue_dependencies_summary"] =
        json!({"blocked_by": 2, "total_blocked_by": 2, "blocking": 0});
    issues[1]["issue_dependencies_summary"] =
        json!({"blocked_by": 0, "total_blocked_by": 0, "blocking": 1});
    issues[2]["issue_dependencies_summary"] =
        json!({"blocked_by": 1, "total_blocked_by": 1, "blocking": 0});
    issues[3]["parent_issue_url"] = json!(api("acme/app", 4));
    fake.whole_repo("acme/app", 77, &issues, &[]).await;
    let blocker = |repo: &str, n: u64| json!({"number": n, "url": api(repo, n), "html_url": format!("https://github.com/{repo}/issues/{n}")});
    Mock::given(method("GET"))
        .and(path("/repos/acme/app/issues/4/dependencies/blocked_by"))
        .respond_with(ok(&json!([blocker("acme/app", 3), blocker("acme/platform", 12)])))
        .mount(&fake.server)
        .await;
    // #2's server has no such endpoint: nothing, and no failure.
    Mock::given(method("GET"))
        .and(path("/repos/acme/app/issues/2/dependencies/blocked_by"))
        .respond_with(error(404, "not-found.json"))
        .mount(&fake.server)
        .await;
    let (imported, stats) =
        fake::fetch("github:acme/app", &fake::settings(&fake.url())).await.expect("fetch");
    let item = |key: &str| imported.items.iter().find(|i| i.key == key).expect(key);
    let links: Vec<(String, String)> = item("acme/app#4")
        .links
        .iter()
        .map(|l| (l.kind.to_string(), l.target.to_string()))
        .collect();
    assert_eq!(
        links,
        [
            ("blocked-by".to_string(), "github:acme/app#3".to_string()),
            ("blocked-by".to_string(), "github:acme/platform#12".to_string())
        ]
    );
    assert!(item("acme/app#2").links.is_empty());
    assert_eq!(item("acme/app#1").parent.as_deref(), Some("github:acme/app#4"));
    // The repository, its two lists, and one request for each issue that has blockers.
    assert_eq!(stats.requests, 3 + 2);
    let asked: Vec<String> =
        fake.request_lines().await.into_iter().filter(|l| l.contains("/dependencies/")).collect();
    assert_eq!(asked.len(), 2, "{asked:?}");
}

/// Incremental sync: the first run fetches everything and stores it; later runs ask only
/// for issues updated since (a few minutes' overlap) and send each list's ETag, so an
/// unchanged repository answers 304s; changes merge into what was cached; a failed run
/// leaves the cache as it was; `full` fetches everything again.
#[tokio::test]
async fn incremental_sync_asks_only_for_changes_and_keeps_the_cache_on_failure() {
    use wiremock::matchers::{header, query_param, query_param_is_missing};
    let fake = Fake::start().await;
    let issues = fake::many_issues("acme/app", 3);
    let repo = |open: u64| {
        let mut r = fake::repo_json("acme/app", 88);
        r["open_issues_count"] = open.into();
        r
    };
    let mount_repo = |open: u64| {
        Mock::given(method("GET")).and(path("/repos/acme/app")).respond_with(ok(&repo(open)))
    };
    mount_repo(3).mount(&fake.server).await;
    let issues_path = "/repos/acme/app/issues";
    let milestones_path = "/repos/acme/app/milestones";
    // Full list, first run.
    Mock::given(method("GET"))
        .and(path(issues_path))
        .and(query_param_is_missing("since"))
        .respond_with(ok(&Value::Array(issues.clone())).insert_header("etag", "\"full\""))
        .with_priority(2)
        .mount(&fake.server)
        .await;
    // Changes since: none, until the ETag of that answer comes back.
    Mock::given(method("GET"))
        .and(path(issues_path))
        .and(header("if-none-match", "\"none-since\""))
        .respond_with(limited(ResponseTemplate::new(304), 4990))
        .with_priority(1)
        .mount(&fake.server)
        .await;
    Mock::given(method("GET"))
        .and(path(issues_path))
        .and(query_param("state", "all"))
        .respond_with(ok(&json!([])).insert_header("etag", "\"none-since\""))
        .with_priority(3)
        .mount(&fake.server)
        .await;
    Mock::given(method("GET"))
        .and(path(milestones_path))
        .and(header("if-none-match", "\"m1\""))
        .respond_with(limited(ResponseTemplate::new(304), 4990))
        .with_priority(1)
        .mount(&fake.server)
        .await;
    Mock::given(method("GET"))
        .and(path(milestones_path))
        .respond_with(ok(&json!([])).insert_header("etag", "\"m1\""))
        .with_priority(3)
        .mount(&fake.server)
        .await;
    let dir = tempfile::tempdir().expect("temp dir");
    let mut settings = fake::settings(&fake.url());
    settings.cache = Some(rolecall::source::github::Cache::new(dir.path()));
    let keys = |items: &[Item]| items.iter().map(|i| i.key.to_string()).collect::<Vec<_>>();
    let cache_file = dir.path().join("acme~app.json");

    // 1: everything, stored.
    let (first, stats) = fake::fetch("github:acme/app", &settings).await.expect("first");
    assert_eq!(keys(&first.items), ["acme/app#1", "acme/app#2", "acme/app#3"]);
    assert_eq!(stats.requests, 3);
    let stored: Value =
        serde_json::from_slice(&std::fs::read(&cache_file).expect("cache")).expect("JSON");
    assert!(
        stored["since"].is_string() && stored["issues"].as_object().map(|o| o.len()) == Some(3)
    );
    // 2: issues since then (an empty 200: the URL is new), milestones 304.
    fake.server.reset().await;
    Mock::given(method("GET"))
        .and(path("/repos/acme/app"))
        .and(header("if-none-match", "\"r1\""))
        .respond_with(limited(ResponseTemplate::new(304), 4990))
        .with_priority(1)
        .mount(&fake.server)
        .await;
    Mock::given(method("GET"))
        .and(path("/repos/acme/app"))
        .respond_with(ok(&repo(3)).insert_header("etag", "\"r1\""))
        .with_priority(3)
        .mount(&fake.server)
        .await;
    Mock::given(method("GET"))
        .and(path(issues_path))
        .and(header("if-none-match", "\"none-since\""))
        .respond_with(limited(ResponseTemplate::new(304), 4990))
        .with_priority(1)
        .mount(&fake.server)
        .await;
    Mock::given(method("GET"))
        .and(path(issues_path))
        .and(query_param("state", "all"))
        .respond_with(ok(&json!([])).insert_header("etag", "\"none-since\""))
        .with_priority(3)
        .mount(&fake.server)
        .await;
    Mock::given(method("GET"))
        .and(path(milestones_path))
        .and(header("if-none-match", "\"m1\""))
        .respond_with(limited(ResponseTemplate::new(304), 4990))
        .mount(&fake.server)
        .await;
    let (second, _) = fake::fetch("github:acme/app", &settings).await.expect("second");
    assert_eq!(second.items, first.items, "the cache gives the same items");
    let lines = fake.request_lines().await;
    assert!(lines.iter().any(|l| l.contains("/issues?") && l.contains("since=")), "{lines:?}");
    // 3: nothing changed: the same request, its ETag, a 304; only the repository is a 200.
    let (third, _) = fake::fetch("github:acme/app", &settings).await.expect("third");
    assert_eq!(third.items, first.items);
    let third_requests: Vec<_> = fake.requests().await.into_iter().skip(lines.len()).collect();
    assert_eq!(third_requests.len(), 3, "repository, issues, milestones");
    let etag_of = |r: &wiremock::Request| {
        r.headers.get("if-none-match").and_then(|v| v.to_str().ok()).map(str::to_string)
    };
    assert_eq!(etag_of(&third_requests[0]).as_deref(), Some("\"r1\""), "repository: 304");
    assert_eq!(etag_of(&third_requests[1]).as_deref(), Some("\"none-since\""), "issues: 304");
    assert_eq!(etag_of(&third_requests[2]).as_deref(), Some("\"m1\""), "milestones: 304");
    // 4: a change: issue 2 was edited; merged into the rest.
    let mut edited = issues[1].clone();
    edited["title"] = json!("Edited title");
    fake.server.reset().await;
    mount_repo(3).mount(&fake.server).await;
    Mock::given(method("GET"))
        .and(path(issues_path))
        .respond_with(ok(&json!([edited])).insert_header("etag", "\"after-edit\""))
        .mount(&fake.server)
        .await;
    Mock::given(method("GET"))
        .and(path(milestones_path))
        .respond_with(limited(ResponseTemplate::new(304), 4990))
        .mount(&fake.server)
        .await;
    let (fourth, _) = fake::fetch("github:acme/app", &settings).await.expect("fourth");
    assert_eq!(keys(&fourth.items), ["acme/app#1", "acme/app#2", "acme/app#3"]);
    let two = fourth.items.iter().find(|i| i.key == "acme/app#2").expect("#2");
    assert_eq!(two.title, "Edited title");
    // 5: a failure half-way (milestones keep failing) leaves the cache byte for byte.
    let before = std::fs::read(&cache_file).expect("cache");
    fake.server.reset().await;
    mount_repo(3).mount(&fake.server).await;
    Mock::given(method("GET"))
        .and(path(issues_path))
        .respond_with(ok(&json!([])))
        .mount(&fake.server)
        .await;
    Mock::given(method("GET"))
        .and(path(milestones_path))
        .respond_with(ResponseTemplate::new(502))
        .mount(&fake.server)
        .await;
    assert!(fake::fetch("github:acme/app", &settings).await.is_err());
    assert_eq!(std::fs::read(&cache_file).expect("cache"), before, "a failed run changes no cache");
    // 6: GitHub counts 2 open where the cache has 3 (one was deleted or transferred):
    // the repository is fetched in full, and the lost issue is gone.
    fake.server.reset().await;
    mount_repo(2).mount(&fake.server).await;
    Mock::given(method("GET"))
        .and(path(issues_path))
        .and(query_param_is_missing("since"))
        .respond_with(ok(&Value::Array(issues[1..].to_vec())))
        .with_priority(2)
        .mount(&fake.server)
        .await;
    Mock::given(method("GET"))
        .and(path(issues_path))
        .respond_with(ok(&json!([])))
        .mount(&fake.server)
        .await;
    Mock::given(method("GET"))
        .and(path(milestones_path))
        .respond_with(ok(&json!([])))
        .mount(&fake.server)
        .await;
    let (healed, _) = fake::fetch("github:acme/app", &settings).await.expect("healed");
    assert_eq!(keys(&healed.items), ["acme/app#1", "acme/app#2"], "#3 is gone");
    // 7: `full` asks for the whole list again (no `since`).
    fake.server.reset().await;
    mount_repo(3).mount(&fake.server).await;
    Mock::given(method("GET"))
        .and(path(issues_path))
        .and(query_param_is_missing("since"))
        .respond_with(ok(&Value::Array(issues.clone())).insert_header("etag", "\"full\""))
        .mount(&fake.server)
        .await;
    Mock::given(method("GET"))
        .and(path(milestones_path))
        .respond_with(ok(&json!([])))
        .mount(&fake.server)
        .await;
    settings.full = true;
    let (again, _) = fake::fetch("github:acme/app", &settings).await.expect("full");
    assert_eq!(again.items, first.items);
    assert!(fake.request_lines().await.iter().all(|l| !l.contains("since=")));
}

/// A run that fails on a later source writes no cache for the sources before it: the
/// next run must not take their half-done sync as a complete one. A missing repository
/// and a source stopped by `--max-requests` alike.
#[tokio::test]
async fn a_failed_run_writes_no_cache_for_the_sources_that_loaded() {
    let fake = Fake::start().await;
    fake.whole_repo("acme/web", 1, &fake::many_issues("acme/web", 2), &[]).await;
    // Two pages of issues: four requests, one past --max-requests 3.
    fake.whole_repo("acme/api", 2, &fake::many_issues("acme/api", 101), &[]).await;
    Mock::given(any())
        .and(path_regex("^/repos/acme/broken"))
        .respond_with(error(404, "not-found.json"))
        .mount(&fake.server)
        .await;
    let dir = tempfile::tempdir().expect("temp dir");
    let config = fake::config_file(dir.path(), "");
    let env = [("GITHUB_API_URL", fake.url()), ("GITHUB_TOKEN", TOKEN.to_string())];
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let cache = dir.path().join("out/.rolecall/cache/github");
    let report = |extra: &[&str]| {
        let mut args = vec!["-c", config.as_str(), "report", "-o", "out", "-s", "github:acme/web"];
        args.extend(extra);
        fake::run(dir.path(), &args, &env)
    };
    for extra in
        [&["-s", "github:acme/broken"][..], &["-s", "github:acme/api", "--max-requests", "3"]]
    {
        let (code, _, stderr) = report(extra);
        assert_eq!(code, 1, "{extra:?}: {stderr}");
        assert!(stderr.starts_with("error: github:acme/"), "{stderr}");
        assert!(
            !cache.join("acme~web.json").exists(),
            "{extra:?}: the cache of acme/web was written"
        );
        assert!(!cache.join("repos/acme~web.json").exists(), "{extra:?}");
    }
    // The same source on its own, in a run that succeeds: stored.
    let (code, _, stderr) = report(&[]);
    assert_eq!(code, 0, "{stderr}");
    assert!(cache.join("acme~web.json").exists(), "a successful run stores the cache");
}

/// `--max-requests`: a source stops safely before going past the bound, saying so.
#[tokio::test]
async fn a_source_stops_before_max_requests() {
    let fake = Fake::start().await;
    fake.whole_repo("acme/app", 9, &fake::many_issues("acme/app", 2), &[]).await;
    let mut settings = fake::settings(&fake.url());
    settings.config.max_requests = Some(2);
    let err = fake::fetch("github:acme/app", &settings).await.expect_err("stopped").to_string();
    assert!(err.contains("stopped before request 3 ("), "{err}");
    assert!(err.contains("max-requests is 2; nothing was written"), "{err}");
    // The refused third request stops the second (in flight beside it) at once: that one
    // may or may not have reached the server.
    let sent = fake.requests().await.len();
    assert!((1..=2).contains(&sent), "the bound holds on the wire: {sent}");
    settings.config.max_requests = Some(3);
    let (imported, stats) = fake::fetch("github:acme/app", &settings).await.expect("within");
    assert_eq!((imported.items.len(), stats.requests), (2, 3));
}

/// `github-project:OWNER/NUMBER`: a Projects (v2) board through GraphQL, page by page:
/// Status, Iteration (with dates), a target date and an estimate become the item's
/// status, sprint, due date and estimate; issues keep the `github:` source's ids; a
/// user's project is found when the owner is not an organisation; a token without
/// `read:project` is told so.
#[tokio::test]
async fn github_projects_v2_items_through_graphql() {
    use wiremock::matchers::body_string_contains;
    let fake = Fake::start().await;
    let field = |name: &str| json!({"name": name});
    let issue = json!({
        "id": "PVTI_1", "updatedAt": "2026-11-25T10:00:00Z",
        "fieldValues": {"nodes": [
            {"__typename": "ProjectV2ItemFieldSingleSelectValue", "name": "In Progress", "field": field("Status")},
            {"__typename": "ProjectV2ItemFieldIterationValue", "title": "Sprint 7", "startDate": "2026-11-23", "duration": 14, "field": field("Iteration")},
            {"__typename": "ProjectV2ItemFieldDateValue", "date": "2026-12-01", "field": field("Target date")},
            {"__typename": "ProjectV2ItemFieldNumberValue", "number": 3.0, "field": field("Estimate")},
            {"__typename": "ProjectV2ItemFieldTextValue", "text": "payments", "field": field("Area")}
        ]},
        "content": {"__typename": "Issue", "number": 12, "title": "Tokenise cards", "url": "https://github.com/acme/api/issues/12",
            "state": "OPEN", "createdAt": "2026-11-01T09:00:00Z", "updatedAt": "2026-11-25T10:00:00Z", "closedAt": null,
            "body": "", "repository": {"nameWithOwner": "acme/api"}}
    });
    let draft = json!({"id": "PVTI_2", "fieldValues": {"nodes": [
            {"__typename": "ProjectV2ItemFieldSingleSelectValue", "name": "Done", "field": field("Status")}]},
        "content": {"__typename": "DraftIssue", "title": "Write the launch post", "body": "", "createdAt": "2026-11-02T09:00:00Z", "updatedAt": "2026-11-20T09:00:00Z"}});
    let pr = json!({"id": "PVTI_3", "fieldValues": {"nodes": []},
        "content": {"__typename": "PullRequest", "number": 40, "title": "Add tokeniser", "url": "https://github.com/acme/api/pull/40",
            "state": "MERGED", "createdAt": "2026-11-03T09:00:00Z", "updatedAt": "2026-11-21T09:00:00Z", "closedAt": "2026-11-21T09:00:00Z",
            "repository": {"nameWithOwner": "acme/api"}}});
    let redacted = json!({"id": "PVTI_4", "fieldValues": {"nodes": []}, "content": null});
    let page = |nodes: Value, next: Option<&str>| {
        ok(
            &json!({"data": {"organization": {"projectV2": {"title": "Roadmap", "url": "https://github.com/orgs/acme/projects/5",
            "statusUpdates": {"nodes": [{"status": "AT_RISK", "body": "Tokenising slips a week.", "createdAt": "2026-11-25T09:00:00Z", "targetDate": "2026-12-20"}]},
            "items": {"pageInfo": {"hasNextPage": next.is_some(), "endCursor": next}, "nodes": nodes}}}}}),
        )
    };
    Mock::given(method("POST"))
        .and(path("/graphql"))
        .and(body_string_contains("\"cursor\":null"))
        .respond_with(page(json!([issue, draft]), Some("c1")))
        .mount(&fake.server)
        .await;
    Mock::given(method("POST"))
        .and(path("/graphql"))
        .and(body_string_contains("\"cursor\":\"c1\""))
        .respond_with(page(json!([pr, redacted]), None))
        .mount(&fake.server)
        .await;
    let settings = fake::settings(&fake.url());
    let spec = rolecall::source::SourceSpec::parse("github-project:acme/5").expect("spec");
    let ctx = rolecall::source::SourceCtx::new(&spec, &rolecall::config::Config::default());
    let imported =
        rolecall::source::github::project::fetch("acme", 5, &ctx, &settings).await.expect("fetch");
    let keys: Vec<&str> = imported.items.iter().map(|i| i.key.as_str()).collect();
    assert_eq!(keys, ["acme/api#12", "PVTI_2", "acme/api#40"], "redacted content is left out");
    let i = &imported.items[0];
    assert_eq!(i.id, "github:acme/api#12", "the github: source's id, so the two merge");
    assert_eq!((i.state, i.status.as_str()), (State::InProgress, "In Progress"));
    assert_eq!(i.iteration.as_deref(), Some("Sprint 7"));
    assert_eq!(i.due.map(|d| d.to_string()).as_deref(), Some("2026-12-01"));
    assert_eq!(i.estimate, Some(3.0));
    assert!(i.fields.get("Area").is_some());
    assert_eq!(imported.iterations.len(), 1);
    assert_eq!(imported.iterations[0].end.map(|d| d.to_string()).as_deref(), Some("2026-12-06"));
    assert_eq!(imported.items[1].state, State::Done, "the Status column decides");
    assert_eq!(imported.items[2].state, State::Done, "merged, no Status");
    assert_eq!(imported.status_updates.len(), 1, "the newest update, once");
    assert_eq!(imported.status_updates[0].status, "At risk");
    assert_eq!(imported.status_updates[0].project, "Roadmap");
    let requests = fake.requests().await;
    assert_eq!(requests.len(), 2, "two pages");
    assert!(requests.iter().all(|r| r.headers.get("authorization").is_some()));

    // Not an organisation: the user's project; a token without read:project: said so.
    fake.server.reset().await;
    Mock::given(method("POST"))
        .and(path("/graphql"))
        .and(body_string_contains("\"org\":true"))
        .respond_with(ok(&json!({"data": {"organization": null}, "errors": [{"type": "NOT_FOUND", "message": "Could not resolve to an Organization with the login of 'octocat'."}]})))
        .mount(&fake.server)
        .await;
    Mock::given(method("POST"))
        .and(path("/graphql"))
        .and(body_string_contains("\"org\":false"))
        .respond_with(ok(&json!({"errors": [{"type": "INSUFFICIENT_SCOPES", "message": "Your token has not been granted the required scopes to execute this query. The 'projectV2' field requires one of the following scopes: ['read:project']"}]})))
        .mount(&fake.server)
        .await;
    let err = rolecall::source::github::project::fetch("octocat", 1, &ctx, &settings)
        .await
        .expect_err("scopes")
        .to_string();
    assert!(err.contains("it needs the read:project scope (a classic token) or Projects: read (a fine-grained one)"), "{err}");
    assert_eq!(fake.requests().await.len(), 2, "organisation first, then the user");
}

/// On Enterprise Server (`api-url = …/api/v3`) the GraphQL endpoint is `/api/graphql`,
/// beside the REST API, not under it; a GraphQL request that fails says it was a POST.
#[tokio::test]
async fn github_projects_v2_on_enterprise_server_posts_to_api_graphql() {
    let fake = Fake::with_prefix("/api/v3").await;
    let project = json!({"data": {"organization": {"projectV2": {"title": "Roadmap", "url": "x",
        "statusUpdates": {"nodes": []},
        "items": {"pageInfo": {"hasNextPage": false, "endCursor": null}, "nodes": [
            {"id": "PVTI_1", "fieldValues": {"nodes": []}, "content": {"__typename": "DraftIssue",
             "title": "Plan", "body": "", "createdAt": "2026-11-02T09:00:00Z", "updatedAt": "2026-11-02T09:00:00Z"}}]}}}}});
    Mock::given(method("POST"))
        .and(path("/api/graphql"))
        .respond_with(ok(&project))
        .mount(&fake.server)
        .await;
    let settings = fake::settings(&fake.url());
    let spec = rolecall::source::SourceSpec::parse("github-project:acme/5").expect("spec");
    let ctx = rolecall::source::SourceCtx::new(&spec, &rolecall::config::Config::default());
    let imported =
        rolecall::source::github::project::fetch("acme", 5, &ctx, &settings).await.expect("fetch");
    assert_eq!(imported.items.len(), 1);
    assert_eq!(fake.request_lines().await, ["POST /api/graphql"]);

    // A server without the endpoint: the error names the POST, not a GET.
    fake.server.reset().await;
    Mock::given(any()).respond_with(error(404, "not-found.json")).mount(&fake.server).await;
    let err = rolecall::source::github::project::fetch("acme", 5, &ctx, &settings)
        .await
        .expect_err("404")
        .to_string();
    assert_eq!(
        err,
        format!("github-project:acme/5: POST {}/api/graphql: 404 Not Found", fake.server.uri())
    );
}

/// A project's issue closed as not planned (or a duplicate) and a pull request closed
/// without merging are cancelled, as the `github:` source has them, not done.
#[tokio::test]
async fn github_projects_v2_closed_as_not_planned_or_unmerged_is_cancelled() {
    use wiremock::matchers::body_string_contains;
    let fake = Fake::start().await;
    let content = |typename: &str, n: u64, state: &str, extra: Value| {
        let mut c = json!({"__typename": typename, "number": n, "title": format!("#{n}"),
            "url": format!("https://github.com/acme/api/issues/{n}"), "state": state,
            "createdAt": "2026-11-01T09:00:00Z", "updatedAt": "2026-11-20T09:00:00Z",
            "closedAt": "2026-11-20T09:00:00Z", "body": "", "repository": {"nameWithOwner": "acme/api"}});
        for (k, v) in extra.as_object().expect("object") {
            c[k] = v.clone();
        }
        json!({"id": format!("PVTI_{n}"), "fieldValues": {"nodes": []}, "content": c})
    };
    let nodes = json!([
        content("Issue", 1, "CLOSED", json!({"stateReason": "NOT_PLANNED"})),
        content("Issue", 2, "CLOSED", json!({"stateReason": "DUPLICATE"})),
        content("Issue", 3, "CLOSED", json!({"stateReason": "COMPLETED"})),
        content("Issue", 4, "OPEN", json!({"stateReason": "REOPENED"})),
        content("PullRequest", 5, "CLOSED", json!({"merged": false})),
        content("PullRequest", 6, "MERGED", json!({"merged": true})),
    ]);
    Mock::given(method("POST"))
        .and(path("/graphql"))
        .and(body_string_contains("stateReason"))
        .and(body_string_contains("merged"))
        .respond_with(ok(&json!({"data": {"organization": {"projectV2": {"title": "Roadmap",
            "url": "x", "statusUpdates": {"nodes": []},
            "items": {"pageInfo": {"hasNextPage": false, "endCursor": null}, "nodes": nodes}}}}})))
        .mount(&fake.server)
        .await;
    let settings = fake::settings(&fake.url());
    let spec = rolecall::source::SourceSpec::parse("github-project:acme/5").expect("spec");
    let ctx = rolecall::source::SourceCtx::new(&spec, &rolecall::config::Config::default());
    let imported =
        rolecall::source::github::project::fetch("acme", 5, &ctx, &settings).await.expect("fetch");
    let got: Vec<(State, &str)> =
        imported.items.iter().map(|i| (i.state, i.status.as_str())).collect();
    assert_eq!(
        got,
        [
            (State::Cancelled, "closed (not_planned)"),
            (State::Cancelled, "closed (duplicate)"),
            (State::Done, "closed (completed)"),
            (State::Open, "open"),
            (State::Cancelled, "closed (not merged)"),
            (State::Done, "merged"),
        ]
    );
}

/// A response body past 100 MB is not GitHub's answer: refused, naming the URL, without
/// reading it into memory and without asking again — whether the server announces the
/// size or streams without end.
#[tokio::test]
async fn a_huge_response_body_is_refused() {
    use std::io::{Read, Write};
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("address"));
    let requests = Arc::new(AtomicUsize::new(0));
    let seen = requests.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut s) = stream else { return };
            let mut head = [0u8; 4096];
            let _ = s.read(&mut head);
            let announced = seen.fetch_add(1, Ordering::SeqCst) == 0;
            std::thread::spawn(move || {
                if announced {
                    // A length far past the bound, and then a slow trickle.
                    let _ = s.write_all(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 1500000000\r\n\r\n[");
                    std::thread::sleep(Duration::from_secs(5));
                    return;
                }
                let _ = s.write_all(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n");
                let chunk = vec![b' '; 1 << 20];
                let framed =
                    [format!("{:x}\r\n", chunk.len()).into_bytes(), chunk, b"\r\n".to_vec()]
                        .concat();
                // Until the client hangs up.
                while s.write_all(&framed).is_ok() {}
            });
        }
    });
    for (round, what) in [(1, "announced"), (2, "streamed")] {
        let started = Instant::now();
        let err = fake::fetch("github:acme/widgets", &fake::settings(&url))
            .await
            .expect_err(what)
            .to_string();
        assert_eq!(
            err,
            format!("github:acme/widgets: GET {url}/repos/acme/widgets: the answer is larger than 100 MB, far more than any GitHub page: refused (check that [github] api-url is the API)"),
            "{what}"
        );
        assert_eq!(requests.load(Ordering::SeqCst), round, "{what}: not asked again");
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "{what}: took {:?}",
            started.elapsed()
        );
    }
}

/// A GitHub `[[source]]` key the source would ignore (`base-url`, `timezone`) is refused
/// when the config loads, naming its line and where the setting lives instead.
#[test]
fn a_github_source_refuses_keys_it_would_ignore() {
    let dir = tempfile::tempdir().expect("temp dir");
    for (extra, line, key) in [
        ("[[source]]\nspec = \"github:acme/web\"\nbase-url = \"https://ghe.acme.com\"\n", 8, "base-url"),
        (
            "[[source]]\nspec = \"jira:x.csv\"\ntimezone = \"UTC\"\n[[source]]\nspec = \"github-project:acme/5\"\ntimezone = \"Europe/Berlin\"\n",
            11,
            "timezone",
        ),
    ] {
        let config = fake::config_file(dir.path(), extra);
        let (code, _, stderr) =
            fake::run(dir.path(), &["-c", &config, "items", "-s", "github:acme/web"], &[]);
        assert_eq!(code, 2, "{stderr}");
        let kind = if key == "base-url" { "github" } else { "github-project" };
        assert!(
            stderr.starts_with(&format!("error: {config}:{line}:1: `{key}` does not apply to a {kind}: source (")),
            "{stderr}"
        );
        assert!(stderr.trim_end().ends_with("): remove it"), "{stderr}");
    }
    let config =
        fake::config_file(dir.path(), "[[source]]\nspec = \"github:acme/web\"\nbase-url = \"x\"\n");
    let (_, _, stderr) =
        fake::run(dir.path(), &["-c", &config, "items", "-s", "github:acme/web"], &[]);
    assert!(stderr.contains("the API's address is `[github] api-url`"), "{stderr}");
}

/// `github-project:acme/9` where the organisation exists but has no project 9: said so,
/// not "Could not resolve to a User" from a second query as a user's project.
#[tokio::test]
async fn github_projects_v2_a_missing_project_of_an_organisation_is_named() {
    let fake = Fake::start().await;
    Mock::given(method("POST"))
        .and(path("/graphql"))
        .respond_with(ok(&json!({"data": {"organization": {"projectV2": null}}, "errors": [{
            "type": "NOT_FOUND", "path": ["organization", "projectV2"],
            "message": "Could not resolve to a ProjectV2 with the number 9."}]})))
        .mount(&fake.server)
        .await;
    let settings = fake::settings(&fake.url());
    let spec = rolecall::source::SourceSpec::parse("github-project:acme/9").expect("spec");
    let ctx = rolecall::source::SourceCtx::new(&spec, &rolecall::config::Config::default());
    let err = rolecall::source::github::project::fetch("acme", 9, &ctx, &settings)
        .await
        .expect_err("no project 9")
        .to_string();
    assert_eq!(
        err,
        "github-project:acme/9: the organisation acme has no project 9, or the token cannot see it (GitHub says: Could not resolve to a ProjectV2 with the number 9.); the number is the one in the project's URL"
    );
    assert_eq!(fake.requests().await.len(), 1, "no second query as a user's project");
}

/// GraphQL's rate limit (a 200 whose errors say RATE_LIMITED, no quota left) is waited
/// out until the reset and the query sent again, as the REST API's is.
#[tokio::test]
async fn github_projects_v2_waits_out_a_graphql_rate_limit() {
    let fake = Fake::start().await;
    let reset = fake::now() + 1;
    Mock::given(method("POST"))
        .and(path("/graphql"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"errors": [{"type": "RATE_LIMITED", "message": "API rate limit exceeded for user ID 1."}]}))
                .insert_header("x-ratelimit-limit", "5000")
                .insert_header("x-ratelimit-remaining", "0")
                .insert_header("x-ratelimit-reset", reset.to_string()),
        )
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&fake.server)
        .await;
    Mock::given(method("POST"))
        .and(path("/graphql"))
        .respond_with(ok(&json!({"data": {"organization": {"projectV2": {"title": "Roadmap",
            "url": "x", "statusUpdates": {"nodes": []},
            "items": {"pageInfo": {"hasNextPage": false, "endCursor": null}, "nodes": []}}}}})))
        .mount(&fake.server)
        .await;
    let mut settings = fake::settings(&fake.url());
    settings.config.retries = 0;
    let spec = rolecall::source::SourceSpec::parse("github-project:acme/5").expect("spec");
    let ctx = rolecall::source::SourceCtx::new(&spec, &rolecall::config::Config::default());
    let started = Instant::now();
    let imported = rolecall::source::github::project::fetch("acme", 5, &ctx, &settings)
        .await
        .expect("waited, then fetched");
    assert!(imported.items.is_empty());
    assert!(started.elapsed() >= Duration::from_millis(900), "waited {:?}", started.elapsed());
    assert_eq!(fake.requests().await.len(), 2);
}

/// A fatal answer on one of a repository's two lists stops the other at once, rather
/// than after it has been read to the end.
#[tokio::test]
async fn a_fatal_error_on_one_list_stops_the_other_at_once() {
    let fake = Fake::start().await;
    fake.repo("acme/widgets", 1).await;
    Mock::given(method("GET"))
        .and(path("/repos/acme/widgets/issues"))
        .respond_with(ok(&json!([])).set_delay(Duration::from_secs(5)))
        .mount(&fake.server)
        .await;
    Mock::given(method("GET"))
        .and(path("/repos/acme/widgets/milestones"))
        .respond_with(error(401, "bad-credentials.json"))
        .mount(&fake.server)
        .await;
    let started = Instant::now();
    let err = fake::fetch("github:acme/widgets", &fake::settings(&fake.url()))
        .await
        .expect_err("401")
        .to_string();
    assert!(err.contains("GitHub rejected the token"), "{err}");
    assert!(started.elapsed() < Duration::from_secs(3), "took {:?}", started.elapsed());
}

/// When GitHub limits without saying for how long, the wait is rolecall's own (doubling
/// from `secondary-wait-secs`), and the error past `max-wait-secs` says so rather than
/// "GitHub asks to wait".
#[tokio::test]
async fn a_wait_of_rolecalls_own_is_not_said_to_be_githubs() {
    let fake = Fake::start().await;
    Mock::given(any())
        .respond_with(error(403, "secondary-rate-limit.json"))
        .mount(&fake.server)
        .await;
    let mut settings = fake::settings(&fake.url());
    settings.config.secondary_wait_secs = 1;
    settings.config.max_wait_secs = 1;
    let err = fake::fetch("github:acme/widgets", &settings).await.expect_err("stops").to_string();
    assert!(!err.contains("GitHub asks"), "{err}");
    assert!(
        err.ends_with(
            "GitHub gave no time to wait, and the next wait would be 2 s ([github] secondary-wait-secs = 1, doubled on every repeat), longer than [github] max-wait-secs = 1: retry later"
        ),
        "{err}"
    );
    assert_eq!(fake.requests().await.len(), 2, "one wait of 1 s, then stopped");
}
