//! `rolecall publish --to github-issue:OWNER/REPO` against a fake GitHub that keeps issues
//! and comments in memory the way the REST API does: one issue per week, found again by
//! its hidden marker and updated (never duplicated), bodies split at GitHub's limit, a
//! token without `issues: write` told so, a 5xx retried without a second issue.

use std::path::Path;
use std::sync::{Arc, Mutex};

use serde_json::{json, Value};
use wiremock::matchers::any;
use wiremock::{Mock, Request, Respond, ResponseTemplate};

use crate::common::fake::{self, Fake, TOKEN};

const REPO: &str = "/repos/acme/status";

/// What the fake holds, and the faults it is told to make.
#[derive(Default)]
struct Tracker {
    issues: Vec<Value>,
    comments: Vec<(u64, Value)>,
    next_id: u64,
    /// Answer every write with 403, as GitHub does for a read-only token.
    read_only: bool,
    /// Answer the next issue POST with 502 *after* creating it (GitHub does this).
    fail_next_create: bool,
    /// Answer the next comment PATCH with 503 without applying it.
    fail_next_patch: bool,
    writes: Vec<String>,
}

#[derive(Clone, Default)]
struct Issues(Arc<Mutex<Tracker>>);

fn url_of(kind: &str, id: u64) -> String {
    format!("https://github.test/acme/status/{kind}/{id}")
}

impl Respond for Issues {
    fn respond(&self, req: &Request) -> ResponseTemplate {
        let mut t = self.0.lock().expect("lock");
        // github.com serves /repos/…; Enterprise Server /api/v3/repos/….
        let path = req.url.path().trim_start_matches("/api/v3").to_string();
        let Some(rest) = path.strip_prefix(REPO) else {
            return ResponseTemplate::new(404).set_body_json(json!({"message": "Not Found"}));
        };
        let method = req.method.as_str().to_string();
        let body: Value = serde_json::from_slice(&req.body).unwrap_or(Value::Null);
        if method != "GET" {
            t.writes.push(format!("{method} {rest}"));
            if t.read_only {
                return ResponseTemplate::new(403).set_body_json(json!({
                    "message": "Resource not accessible by integration",
                    "documentation_url": "https://docs.github.com/rest/issues/issues#create-an-issue"
                }));
            }
        }
        let parts: Vec<&str> = rest.trim_start_matches('/').split('/').collect();
        match (method.as_str(), parts.as_slice()) {
            ("GET", ["issues"]) => {
                let label = req.url.query_pairs().find(|(k, _)| k == "labels").map(|(_, v)| v);
                let list: Vec<Value> = t
                    .issues
                    .iter()
                    .rev()
                    .filter(|i| {
                        label.as_deref().is_none_or(|l| {
                            i["labels"]
                                .as_array()
                                .is_some_and(|ls| ls.iter().any(|x| x["name"] == l))
                        })
                    })
                    .cloned()
                    .collect();
                fake::ok(&Value::Array(list))
            }
            ("POST", ["issues"]) => {
                t.next_id += 1;
                let number = t.issues.len() as u64 + 1;
                let labels: Vec<Value> = body["labels"]
                    .as_array()
                    .map(|ls| ls.iter().map(|l| json!({"name": l})).collect())
                    .unwrap_or_default();
                let issue = json!({
                    "number": number, "title": body["title"], "body": body["body"],
                    "labels": labels, "user": {"login": "github-actions[bot]"},
                    "html_url": url_of("issues", number), "state": "open"
                });
                t.issues.push(issue.clone());
                if std::mem::take(&mut t.fail_next_create) {
                    return ResponseTemplate::new(502).set_body_string("Bad Gateway");
                }
                ResponseTemplate::new(201).set_body_json(issue)
            }
            ("PATCH", ["issues", n]) => {
                let n: u64 = n.parse().unwrap_or(0);
                let Some(issue) = t.issues.iter_mut().find(|i| i["number"] == n) else {
                    return ResponseTemplate::new(404);
                };
                for k in ["title", "body"] {
                    if !body[k].is_null() {
                        issue[k] = body[k].clone();
                    }
                }
                fake::ok(issue)
            }
            ("GET", ["issues", n, "comments"]) => {
                let n: u64 = n.parse().unwrap_or(0);
                let list: Vec<Value> =
                    t.comments.iter().filter(|(i, _)| *i == n).map(|(_, c)| c.clone()).collect();
                fake::ok(&Value::Array(list))
            }
            ("POST", ["issues", n, "comments"]) => {
                let n: u64 = n.parse().unwrap_or(0);
                t.next_id += 1;
                let id = 1000 + t.next_id;
                let c = json!({"id": id, "body": body["body"], "user": {"login": "github-actions[bot]"},
                    "html_url": url_of("comments", id)});
                t.comments.push((n, c.clone()));
                ResponseTemplate::new(201).set_body_json(c)
            }
            ("PATCH", ["issues", "comments", id]) => {
                if std::mem::take(&mut t.fail_next_patch) {
                    return ResponseTemplate::new(503)
                        .set_body_json(json!({"message": "Service Unavailable"}));
                }
                let id: u64 = id.parse().unwrap_or(0);
                let Some((_, c)) = t.comments.iter_mut().find(|(_, c)| c["id"] == id) else {
                    return ResponseTemplate::new(404);
                };
                c["body"] = body["body"].clone();
                fake::ok(c)
            }
            ("DELETE", ["issues", "comments", id]) => {
                let id: u64 = id.parse().unwrap_or(0);
                t.comments.retain(|(_, c)| c["id"] != id);
                ResponseTemplate::new(204)
            }
            _ => ResponseTemplate::new(404).set_body_json(json!({"message": "Not Found"})),
        }
    }
}

struct World {
    fake: Fake,
    issues: Issues,
    dir: tempfile::TempDir,
    out: String,
    config: String,
}

impl World {
    async fn new() -> World {
        World::at(Fake::start().await).await
    }

    async fn at(fake: Fake) -> World {
        let issues = Issues::default();
        Mock::given(any()).respond_with(issues.clone()).mount(&fake.server).await;
        let dir = tempfile::tempdir().expect("temp dir");
        let out = dir.path().join("out").display().to_string();
        let (code, _, err) = crate::common::run(&["report", "--demo", "-o", &out]);
        assert_eq!(code, 0, "{err}");
        let config = fake::config_file(dir.path(), "");
        World { fake, issues, dir, out, config }
    }

    fn publish(&self, extra: &[&str]) -> (i32, String, String) {
        let url = self.fake.url();
        let env = [("GITHUB_API_URL", url.as_str()), ("GITHUB_TOKEN", TOKEN)];
        let mut args = vec![
            "-c",
            &self.config,
            "publish",
            "--to",
            "github-issue:acme/status",
            "-o",
            &self.out,
        ];
        args.extend_from_slice(extra);
        let got = fake::run(self.dir.path(), &args, &env);
        assert!(!got.1.contains(TOKEN) && !got.2.contains(TOKEN), "the token leaked");
        got
    }

    fn state(&self) -> std::sync::MutexGuard<'_, Tracker> {
        self.issues.0.lock().expect("lock")
    }

    fn week_file(&self, name: &str) -> std::path::PathBuf {
        Path::new(&self.out).join("2026-W48").join(name)
    }
}

fn body(v: &Value) -> &str {
    v["body"].as_str().expect("a body")
}

#[tokio::test]
async fn creates_the_weeks_issue_then_updates_it_in_place() {
    let w = World::new().await;
    let (code, stdout, err) = w.publish(&[]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        stdout,
        "published 2026-W48: created acme/status#1 (3 comments added): https://github.test/acme/status/issues/1\n"
    );
    {
        let t = w.state();
        assert_eq!(t.issues.len(), 1);
        let issue = &t.issues[0];
        assert_eq!(issue["title"], "Status 2026-W48");
        assert_eq!(issue["labels"], json!([{"name": "rolecall"}]));
        let index = std::fs::read_to_string(w.week_file("index.md")).expect("index");
        let first_line = index.lines().next().expect("a line");
        assert!(body(issue).starts_with(first_line), "{}", body(issue));
        assert!(body(issue).ends_with("<!-- rolecall:2026-W48:index -->\n"));
        // Links to files on the machine that ran rolecall lead nowhere on GitHub.
        assert!(!body(issue).contains("](product.md)"), "{}", body(issue));
        let comments: Vec<&str> = t.comments.iter().map(|(_, c)| body(c)).collect();
        assert_eq!(comments.len(), 3);
        for (c, role) in comments.iter().zip(["product", "program", "project"]) {
            let md = std::fs::read_to_string(w.week_file(&format!("{role}.md"))).expect("report");
            assert!(c.starts_with(md.lines().next().expect("a title")), "{c}");
            assert!(c.ends_with(&format!("<!-- rolecall:2026-W48:{role} -->\n")), "{c}");
        }
    }

    // The same week again: found by its marker, nothing written.
    w.state().writes.clear();
    let (code, stdout, err) = w.publish(&[]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        stdout,
        "published 2026-W48: acme/status#1 was up to date (3 comments unchanged): https://github.test/acme/status/issues/1\n"
    );
    assert!(w.state().writes.is_empty(), "{:?}", w.state().writes);

    // Someone renames the issue and the program report changes: both are put right, in
    // place; a human's comment in between is left alone.
    {
        let mut t = w.state();
        t.issues[0]["title"] = json!("Status W48 (renamed)");
        t.comments.push((
            1,
            json!({"id": 7, "body": "Looks good <!-- rolecall:2026-W48:program -->",
            "user": {"login": "octocat"}}),
        ));
    }
    let program = w.week_file("program.md");
    let text = std::fs::read_to_string(&program).expect("read");
    std::fs::write(&program, text.replace("Program report", "Program report (revised)"))
        .expect("written");
    let (code, stdout, err) = w.publish(&[]);
    assert_eq!(code, 0, "{err}");
    assert!(
        stdout.contains("updated acme/status#1 (1 comment updated, 2 comments unchanged)"),
        "{stdout}"
    );
    let t = w.state();
    assert_eq!((t.issues.len(), t.comments.len()), (1, 4));
    assert_eq!(t.issues[0]["title"], "Status 2026-W48");
    assert!(body(&t.comments[1].1).contains("Program report (revised)"));
    assert_eq!(body(&t.comments[3].1), "Looks good <!-- rolecall:2026-W48:program -->");
}

/// GitHub Enterprise Server: the same issue under `/api/v3`, from `GITHUB_API_URL`.
/// The week's issue was first published by hand (a person's token: the issue is theirs)
/// and the weekly job now runs with Actions' token: its comments, written by
/// `github-actions[bot]`, are found and kept, not written again beside themselves.
#[tokio::test]
async fn a_weekly_job_taking_over_from_a_first_run_by_hand_finds_its_comments() {
    let w = World::new().await;
    let (code, _, err) = w.publish(&[]);
    assert_eq!(code, 0, "{err}");
    w.state().issues[0]["user"] = json!({"login": "ana"});
    let (code, stdout, err) = w.publish(&[]);
    assert_eq!(code, 0, "{err}");
    assert!(stdout.contains("acme/status#1 was up to date (3 comments unchanged)"), "{stdout}");
    assert_eq!(w.state().comments.len(), 3);
}

/// In a public repository anyone may open an issue ending in the week's marker before
/// the weekly run: without the `rolecall` label (only the repository's people can set
/// it) and written by someone else, it is left alone, with a warning, and the week gets
/// its own issue; the stranger's issue and comment are never edited.
#[tokio::test]
async fn an_unlabelled_issue_a_stranger_opened_with_the_marker_is_not_taken_over() {
    let w = World::new().await;
    {
        let mut t = w.state();
        t.issues.push(json!({
            "number": 1, "title": "Status 2026-W48", "labels": [], "state": "open",
            "body": "Post it here\n<!-- rolecall:2026-W48:index -->",
            "user": {"login": "mallory"}, "html_url": url_of("issues", 1)
        }));
        t.comments.push((
            1,
            json!({"id": 7, "body": "mine <!-- rolecall:2026-W48:product -->",
                   "user": {"login": "mallory"}}),
        ));
    }
    let (code, stdout, err) = w.publish(&[]);
    assert_eq!(code, 0, "{err}");
    assert!(stdout.contains("created acme/status#2 (3 comments added)"), "{stdout}");
    assert!(
        err.contains("acme/status#1 carries 2026-W48's marker but has no `rolecall` label and was opened by mallory, not by this token: left alone"),
        "{err}"
    );
    let t = w.state();
    assert!(!t.writes.iter().any(|w| w.contains("/issues/1") || w.contains("comments/7")));
    assert_eq!(t.issues[0]["body"], "Post it here\n<!-- rolecall:2026-W48:index -->");
}

#[tokio::test]
async fn publishes_to_github_enterprise_server() {
    let w = World::at(Fake::with_prefix("/api/v3").await).await;
    let (code, stdout, err) = w.publish(&[]);
    assert_eq!(code, 0, "{err}");
    assert!(stdout.contains("created acme/status#1 (3 comments added)"), "{stdout}");
    let lines = w.fake.request_lines().await;
    assert!(
        lines.iter().all(|l| l
            .split(' ')
            .nth(1)
            .is_some_and(|p| p.starts_with("/api/v3/repos/acme/status/"))),
        "{lines:?}"
    );
    let requests = w.fake.requests().await;
    let auth = format!("Bearer {TOKEN}");
    assert!(requests.iter().all(
        |r| r.headers.get("authorization").and_then(|v| v.to_str().ok()) == Some(auth.as_str())
    ));
}

#[tokio::test]
async fn a_report_over_githubs_limit_goes_on_in_further_comments() {
    let w = World::new().await;
    let product = w.week_file("product.md");
    let original = std::fs::read_to_string(&product).expect("read");
    let long: String =
        (0..2_800).map(|i| format!("- ACME-{i}: a long line of the report, item {i}\n")).collect();
    std::fs::write(&product, format!("{original}{long}")).expect("written");
    let (code, stdout, err) = w.publish(&[]);
    assert_eq!(code, 0, "{err}");
    assert!(stdout.contains("(5 comments added)"), "{stdout}");
    {
        let t = w.state();
        let bodies: Vec<&str> = t.comments.iter().map(|(_, c)| body(c)).collect();
        for b in &bodies {
            assert!(b.chars().count() <= 65_536, "{} characters", b.chars().count());
        }
        assert!(bodies[0].ends_with("<!-- rolecall:2026-W48:product -->\n"));
        assert!(bodies[1].ends_with("<!-- rolecall:2026-W48:product.2 -->\n"));
        assert!(bodies[2].ends_with("<!-- rolecall:2026-W48:product.3 -->\n"));
        assert!(bodies[0].contains("_Continued below (1 of 3)._"));
        // Nothing lost at the cuts: every line of the report is in exactly one part.
        let all = bodies[..3].concat();
        for i in [0, 1_399, 2_799] {
            let line = format!("- ACME-{i}: a long line of the report, item {i}\n");
            assert_eq!(all.matches(&line).count(), 1, "{line}");
        }
    }
    // Back to its usual size: the parts no longer needed are removed.
    std::fs::write(&product, original).expect("written");
    let (code, stdout, err) = w.publish(&[]);
    assert_eq!(code, 0, "{err}");
    assert!(
        stdout.contains("1 comment updated, 2 comments unchanged, 2 comments removed"),
        "{stdout}"
    );
    assert_eq!(w.state().comments.len(), 3);
}

#[tokio::test]
async fn a_token_that_may_not_write_issues_is_told_what_it_needs() {
    let w = World::new().await;
    w.state().read_only = true;
    let (code, stdout, err) = w.publish(&[]);
    assert_eq!((code, stdout.as_str()), (1, ""));
    let url = w.fake.url();
    assert_eq!(
        err,
        format!(
            "error: POST {url}/repos/acme/status/issues: 403 Resource not accessible by integration: \
             the token may not write issues in acme/status; it needs `issues: write` (a fine-grained \
             token: Issues read and write; in a workflow: `permissions: issues: write`)\n"
        )
    );
    // Without any token: said before anything is sent.
    let (code, _, err) = fake::run(
        w.dir.path(),
        &["-c", &w.config, "publish", "--to", "github-issue:acme/status", "-o", &w.out],
        &[("GITHUB_API_URL", &url)],
    );
    assert_eq!(code, 2);
    assert_eq!(
        err,
        "error: publishing to acme/status's issues needs a token that may write issues: set GITHUB_TOKEN (in a workflow, with `permissions: issues: write`)\n"
    );
}

#[tokio::test]
async fn server_errors_are_retried_without_a_second_issue() {
    let w = World::new().await;
    w.state().fail_next_create = true;
    let (code, stdout, err) = w.publish(&[]);
    assert_eq!(code, 0, "{err}");
    assert!(stdout.contains("created acme/status#1 (3 comments added)"), "{stdout}");
    assert_eq!(w.state().issues.len(), 1, "the 502'd create was found, not repeated");
    // A comment update that fails once is sent again.
    let project = w.week_file("project.md");
    let text = std::fs::read_to_string(&project).expect("read");
    std::fs::write(&project, format!("{text}\nOne more line.\n")).expect("written");
    w.state().fail_next_patch = true;
    let (code, stdout, err) = w.publish(&[]);
    assert_eq!(code, 0, "{err}");
    assert!(stdout.contains("1 comment updated"), "{stdout}");
    let t = w.state();
    assert_eq!(t.writes.iter().filter(|w| w.starts_with("PATCH /issues/comments/")).count(), 2);
    assert!(body(&t.comments[2].1).contains("One more line."));
}

/// Two publishes at once could both find no issue for the week and both create one: a
/// publish while another run holds the output folder is refused, nothing sent.
#[tokio::test]
async fn a_publish_while_another_run_holds_the_folder_is_refused() {
    let w = World::new().await;
    let lock = Path::new(&w.out).join(".rolecall/lock");
    std::fs::write(&lock, crate::common::lock_of_this_process()).expect("written");
    let (code, _, err) = w.publish(&[]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("is writing this output folder; wait for it to finish"), "{err}");
    assert!(w.state().writes.is_empty());
    std::fs::remove_file(&lock).expect("removed");
    let (code, _, err) = w.publish(&[]);
    assert_eq!(code, 0, "{err}");
}

#[tokio::test]
async fn dry_run_prints_the_issue_and_sends_nothing() {
    let w = World::new().await;
    let (code, stdout, err) = w.publish(&["--dry-run"]);
    assert_eq!(code, 0, "{err}");
    assert!(stdout.starts_with(
        "Would publish to acme/status: the issue \"Status 2026-W48\" (label `rolecall`), created or updated, and 3 comments.\n\n----- issue body ("
    ), "{stdout}");
    assert!(stdout.contains("----- comment `program` ("), "{stdout}");
    assert!(w.fake.requests().await.is_empty());
}

/// `--to slack`: the three verdicts in one message to the webhook, no GitHub token sent,
/// the webhook URL (a secret) never printed.
#[tokio::test]
async fn slack_gets_the_three_verdicts_and_never_the_token() {
    use wiremock::matchers::{method, path};
    let w = World::new().await;
    let hook_path = "/services/T000/B000/s3cretHookPart";
    Mock::given(method("POST"))
        .and(path(hook_path))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "0"))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&w.fake.server)
        .await;
    Mock::given(method("POST"))
        .and(path(hook_path))
        .respond_with(ResponseTemplate::new(200).set_body_string("ok"))
        .with_priority(1)
        .mount(&w.fake.server)
        .await;
    let config = fake::config_file(
        w.dir.path(),
        "[publish]\nreport-url = \"https://status.acme.test/{week}/{role}.pdf\"\n",
    );
    let hook = format!("{}{hook_path}", w.fake.server.uri());
    let env = [("SLACK_WEBHOOK_URL", hook.as_str()), ("GITHUB_TOKEN", TOKEN)];
    let args = ["-c", &config, "publish", "--to", "slack", "-o", &w.out];
    let (code, stdout, err) = fake::run(w.dir.path(), &args, &env);
    assert_eq!(code, 0, "{err}");
    assert_eq!(stdout, "published 2026-W48 to Slack ($SLACK_WEBHOOK_URL)\n");
    let requests = w.fake.requests().await;
    assert_eq!(requests.len(), 2, "the 429 was waited out and tried again");
    let got = &requests[1];
    assert!(got.headers.get("authorization").is_none(), "no token goes to Slack");
    let message: Value = serde_json::from_slice(&got.body).expect("JSON");
    assert_eq!(
        message["text"],
        "Weekly status — Acme Analytics · 2026-W48: Product 🟠 Amber, Program 🔴 Red, Project 🔴 Red"
    );
    let blocks = message["blocks"].as_array().expect("blocks");
    assert_eq!(blocks[0]["text"]["text"], "Weekly status — Acme Analytics · 2026-W48");
    // The verdicts as the reports say them, read back from the JSON reports.
    for (block, role) in blocks[1..4].iter().zip(["product", "program", "project"]) {
        let report: Value = serde_json::from_str(
            &std::fs::read_to_string(w.week_file(&format!("{role}.json"))).expect("json"),
        )
        .expect("JSON");
        let text = block["text"]["text"].as_str().expect("text");
        let headline = report["verdict"]["headline"].as_str().expect("headline");
        assert!(text.contains(headline), "{text}");
        assert!(
            text.contains(&format!("\n<https://status.acme.test/2026-W48/{role}.pdf|Read the ")),
            "{text}"
        );
    }
    assert!(blocks[2]["text"]["text"].as_str().expect("text").contains("*Asks:*"));

    // Run again (the job re-run after e-mail failed): the same message is not posted
    // twice; the file that says so names no secret.
    let (code, stdout, err) = fake::run(w.dir.path(), &args, &env);
    assert_eq!(code, 0, "{err}");
    assert!(
        stdout.starts_with(
            "Slack already has 2026-W48's message, unchanged: not posted again (remove "
        ),
        "{stdout}"
    );
    assert_eq!(w.fake.requests().await.len(), 2);
    let sent = Path::new(&w.out).join(".rolecall/sent");
    for f in std::fs::read_dir(&sent).expect("sent") {
        let f = f.expect("entry").path();
        assert!(!f.display().to_string().contains("s3cret"));
        assert!(!std::fs::read_to_string(&f).expect("read").contains("s3cret"));
        std::fs::remove_file(f).expect("removed");
    }
    // A removed webhook: said what to do; the URL stays secret.
    w.fake.server.reset().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(404).set_body_string("no_service"))
        .mount(&w.fake.server)
        .await;
    let (code, stdout, err) = fake::run(w.dir.path(), &args, &env);
    assert_eq!((code, stdout.as_str()), (1, ""));
    assert_eq!(
        err,
        "error: Slack (SLACK_WEBHOOK_URL) answered 404 no_service: the webhook is unknown or was removed: create a new one and update the secret\n"
    );
    // A long answer that echoes the webhook where the 200 characters shown end: hidden
    // before it is cut, so not even a part of the secret shows.
    w.fake.server.reset().await;
    let echo = format!("{} you posted to {hook}", "x".repeat(150));
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(500).set_body_string(echo))
        .mount(&w.fake.server)
        .await;
    let (code, _, err) = fake::run(w.dir.path(), &args, &env);
    assert_eq!(code, 1);
    assert!(err.contains("you posted to $SLACK_WEBHOOK_URL"), "{err}");
    assert!(!err.contains("/services") && !err.contains("s3cret"), "{err}");
    // A record that cannot be kept (a file where its folder goes) stops the run before
    // it posts: else every run posted again.
    w.fake.server.reset().await;
    let sent = Path::new(&w.out).join(".rolecall/sent");
    let _ = std::fs::remove_dir_all(&sent);
    std::fs::write(&sent, "").expect("written");
    let (code, _, err) = fake::run(w.dir.path(), &args, &env);
    assert_eq!(code, 1);
    assert!(err.contains("cannot keep the record of what was posted to Slack"), "{err}");
    assert!(w.fake.requests().await.is_empty(), "nothing posted");
    std::fs::remove_file(&sent).expect("removed");
    // Without the variable.
    let (code, _, err) = fake::run(w.dir.path(), &args, &[]);
    assert_eq!(code, 2);
    assert!(err.starts_with("error: --to slack needs the incoming-webhook URL in the environment variable SLACK_WEBHOOK_URL"), "{err}");
}
