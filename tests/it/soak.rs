//! The GitHub fault soak: 50 repositories on a fake GitHub that answers one request in
//! five with a fault — 5xx pages, connections reset before an answer, bodies cut short,
//! bodies dripped slowly, answers that stall past the read timeout, secondary rate limits
//! and HTML instead of JSON. A run must end with exactly the right items, or with a
//! clear failure, within its deadlines.
//!
//! The server is plain TCP (wiremock cannot reset a connection or cut a body), one
//! thread per connection, every answer `Connection: close`. Which request faults is a
//! hash of its path and how often that path was asked, so a run is the same whatever
//! order the concurrent requests arrive in.

use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::common::fake;

const REPOS: usize = 50;
const PAGES: usize = 35;
const PER_PAGE: usize = 10;
const MILESTONES: u64 = 3;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Fault {
    ServerError,
    Reset,
    Truncated,
    Drip,
    Stall,
    Secondary,
    Html,
}

/// Which paths fault, and how often.
struct Plan {
    /// Per hundred requests.
    rate: u64,
    /// A path prefix that always faults (a 503), for the failure case.
    broken: Option<String>,
}

#[derive(Default)]
struct Tally {
    requests: AtomicU64,
    asked: Mutex<HashMap<String, u64>>,
    faults: Mutex<HashMap<Fault, u64>>,
}

struct Server {
    url: String,
    tally: Arc<Tally>,
}

impl Server {
    fn start(plan: Plan) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        let tally = Arc::new(Tally::default());
        let template = Arc::new(fake::fixture("issue-template.json"));
        let plan = Arc::new(plan);
        let (t, base) = (tally.clone(), url.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                let (t, base, plan, template) =
                    (t.clone(), base.clone(), plan.clone(), template.clone());
                std::thread::spawn(move || serve(stream, &t, &base, &plan, &template));
            }
        });
        Server { url, tally }
    }
}

fn serve(mut s: TcpStream, tally: &Tally, base: &str, plan: &Plan, template: &Value) {
    let mut request = Vec::new();
    let mut buf = [0u8; 4096];
    while !request.windows(4).any(|w| w == b"\r\n\r\n") {
        match s.read(&mut buf) {
            Ok(0) | Err(_) => return,
            Ok(n) => request.extend_from_slice(&buf[..n]),
        }
    }
    let line = String::from_utf8_lossy(&request);
    let target = line.split_whitespace().nth(1).unwrap_or("/").to_string();
    tally.requests.fetch_add(1, Ordering::Relaxed);
    let asked = {
        let mut asked = tally.asked.lock().expect("tally");
        let n = asked.entry(target.clone()).or_default();
        *n += 1;
        *n
    };
    let fault = fault_for(plan, &target, asked);
    if let Some(f) = fault {
        *tally.faults.lock().expect("tally").entry(f).or_default() += 1;
    }
    let (status, link, body) = answer(base, &target, template);
    let head = |status: &str, kind: &str, len: usize, extra: &str| {
        format!(
            "HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {len}\r\nConnection: close\r\n{extra}\r\n"
        )
    };
    let json = "application/json; charset=utf-8";
    let _ = match fault {
        None => {
            let extra = link.map(|l| format!("Link: {l}\r\n")).unwrap_or_default();
            s.write_all(head(status, json, body.len(), &extra).as_bytes())
                .and_then(|()| s.write_all(body.as_bytes()))
        }
        Some(Fault::ServerError) => {
            let body = r#"{"message":"Server Error"}"#;
            s.write_all(head("502 Bad Gateway", json, body.len(), "").as_bytes())
                .and_then(|()| s.write_all(body.as_bytes()))
        }
        Some(Fault::Reset) => Ok(()),
        Some(Fault::Truncated) => s
            .write_all(head(status, json, body.len(), "").as_bytes())
            .and_then(|()| s.write_all(&body.as_bytes()[..body.len() / 2])),
        Some(Fault::Drip) => {
            // The whole answer, slowly: 20 pieces 10 ms apart. It must be taken whole.
            let extra = link.map(|l| format!("Link: {l}\r\n")).unwrap_or_default();
            let all = head(status, json, body.len(), &extra) + &body;
            let step = all.len().div_ceil(20);
            all.as_bytes().chunks(step).try_for_each(|piece| {
                std::thread::sleep(Duration::from_millis(10));
                s.write_all(piece).and_then(|()| s.flush())
            })
        }
        Some(Fault::Stall) => {
            // Headers, then silence past the read timeout.
            let sent = s.write_all(head(status, json, body.len(), "").as_bytes());
            std::thread::sleep(Duration::from_millis(2500));
            sent
        }
        Some(Fault::Secondary) => {
            let body = r#"{"message":"You have exceeded a secondary rate limit. Please wait a few minutes before you try again."}"#;
            s.write_all(head("403 Forbidden", json, body.len(), "Retry-After: 0\r\n").as_bytes())
                .and_then(|()| s.write_all(body.as_bytes()))
        }
        Some(Fault::Html) => {
            let body = "<!DOCTYPE html><html><body>Unicorn! This page is taking too long to load.</body></html>";
            s.write_all(head("200 OK", "text/html", body.len(), "").as_bytes())
                .and_then(|()| s.write_all(body.as_bytes()))
        }
    };
    let _ = s.flush();
}

/// Whether the `asked`-th request for `target` faults, and how.
fn fault_for(plan: &Plan, target: &str, asked: u64) -> Option<Fault> {
    if plan.broken.as_deref().is_some_and(|b| target.starts_with(b)) {
        return Some(Fault::ServerError);
    }
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in target.bytes().chain(asked.to_le_bytes()) {
        h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    h ^= h >> 29;
    if h % 100 >= plan.rate {
        return None;
    }
    // Of the faults: 5xx 30 %, resets 20 %, cut bodies 15 %, drips 10 %, secondary
    // limits 12 %, HTML 10 %, stalls 3 %.
    Some(match (h >> 8) % 100 {
        0..30 => Fault::ServerError,
        30..50 => Fault::Reset,
        50..65 => Fault::Truncated,
        65..75 => Fault::Drip,
        75..87 => Fault::Secondary,
        87..97 => Fault::Html,
        _ => Fault::Stall,
    })
}

/// The good answer to `target`: status, `Link` header, body.
fn answer(base: &str, target: &str, template: &Value) -> (&'static str, Option<String>, String) {
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let page: usize = query
        .split('&')
        .find_map(|kv| kv.strip_prefix("page="))
        .and_then(|p| p.parse().ok())
        .unwrap_or(1);
    let parts: Vec<&str> = path.trim_matches('/').split('/').collect();
    match parts.as_slice() {
        ["orgs", "soak", "repos"] => {
            let repos: Vec<Value> =
                (0..REPOS).map(|r| fake::repo_json(&repo_name(r), 900 + r as u64)).collect();
            ("200 OK", None, Value::from(repos).to_string())
        }
        ["repos", "soak", name, "issues"] => {
            let full = format!("soak/{name}");
            let total = (PAGES * PER_PAGE) as u64;
            let from = total - ((page - 1) * PER_PAGE) as u64;
            let issues: Vec<Value> = (0..PER_PAGE as u64)
                .map(|k| from - k)
                .filter(|&n| n >= 1)
                .map(|n| {
                    let mut issue = template.clone();
                    issue["number"] = n.into();
                    issue["id"] = (5_000_000_000 + n).into();
                    issue["title"] = format!("Soak issue {n}").into();
                    issue["html_url"] = format!("https://github.com/{full}/issues/{n}").into();
                    issue
                })
                .collect();
            let link = (page < PAGES).then(|| {
                let at = |p: usize| format!("{base}{path}?state=all&per_page=100&page={p}");
                format!("<{}>; rel=\"next\", <{}>; rel=\"last\"", at(page + 1), at(PAGES))
            });
            ("200 OK", link, Value::from(issues).to_string())
        }
        ["repos", "soak", _, "milestones"] => {
            ("200 OK", None, Value::from(fake::many_milestones(MILESTONES)).to_string())
        }
        _ => ("404 Not Found", None, r#"{"message":"Not Found"}"#.to_string()),
    }
}

fn repo_name(r: usize) -> String {
    format!("soak/r{r:02}")
}

fn settings(url: &str) -> rolecall::source::github::Settings {
    let mut settings = fake::settings(url);
    settings.config.retries = 10;
    settings.config.retry_delay_ms = 1;
    settings.config.timeout_secs = 1;
    settings.config.request_deadline_secs = 5;
    settings.config.deadline_secs = 120;
    settings.config.concurrency = 8;
    settings
}

#[tokio::test]
async fn fifty_repositories_with_one_request_in_five_faulting_give_exactly_their_items() {
    let server = Server::start(Plan { rate: 20, broken: None });
    let started = Instant::now();
    let (imported, stats) = fake::fetch("github:soak", &settings(&server.url))
        .await
        .unwrap_or_else(|e| panic!("the soak run failed: {e}"));
    let took = started.elapsed();

    let mut want: Vec<String> = (0..REPOS)
        .flat_map(|r| (1..=(PAGES * PER_PAGE)).map(move |n| format!("github:{}#{n}", repo_name(r))))
        .collect();
    let mut got: Vec<String> = imported.items.iter().map(|i| i.id.to_string()).collect();
    want.sort();
    got.sort();
    assert_eq!(got.len(), want.len(), "items lost or doubled");
    assert!(got == want, "other items than the server holds");
    assert_eq!(imported.milestones.len(), REPOS * MILESTONES as usize);

    let requests = server.tally.requests.load(Ordering::Relaxed);
    let faults = server.tally.faults.lock().expect("tally").clone();
    let faulted: u64 = faults.values().sum();
    eprintln!(
        "soak: {requests} requests, {faulted} faults ({faults:?}), {} items, {took:.1?}",
        got.len()
    );
    assert!(requests >= 2_000, "only {requests} requests");
    assert!(faulted * 100 / requests >= 15, "only {faulted} faults in {requests}");
    assert!(faults.len() == 7, "not every kind of fault was tried: {faults:?}");
    // Every request the server saw was counted by rolecall, and none more.
    assert_eq!(stats.requests, requests);
    assert!(took < Duration::from_secs(120), "past deadline-secs: {took:?}");
}

#[tokio::test]
async fn a_page_that_always_fails_stops_the_run_with_a_sentence_in_bounded_time() {
    let server = Server::start(Plan { rate: 20, broken: Some("/repos/soak/r07/issues".into()) });
    let started = Instant::now();
    let err = fake::fetch("github:soak", &settings(&server.url))
        .await
        .expect_err("a page that never answers")
        .to_string();
    assert!(
        err.contains("/repos/soak/r07/issues?state=all&per_page=100: 502 Server Error (gave up after 11 attempts)"),
        "{err}"
    );
    assert!(started.elapsed() < Duration::from_secs(120), "took {:?}", started.elapsed());
}
