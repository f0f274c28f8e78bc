//! The reports on real exports (`../shared/samples/`), at an instant inside each file's
//! active period, against numbers recomputed here from the CSV alone (the `csv` crate and
//! a few lines of date parsing, not rolecall's importer): items in scope at that instant,
//! done in its week, overdue, due next week, each sprint's items and done, the median lead
//! (or cycle) time; and no role's verdict Unknown where the file has due dates, sprints
//! or resolutions.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use serde_json::Value;

use crate::common::{run, sample};

/// A Jira date as the export writes it: `15/Feb/26 4:37 PM`, `12/Dec/26`.
fn jira_date(s: &str) -> Option<NaiveDateTime> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    let (date, time) = s.split_once(' ').unwrap_or((s, ""));
    let mut parts = date.split('/');
    let day: u32 = parts.next()?.parse().ok()?;
    let month = match &parts.next()?.to_ascii_lowercase()[..3] {
        "jan" => 1,
        "feb" => 2,
        "mar" => 3,
        "apr" => 4,
        "may" => 5,
        "jun" => 6,
        "jul" => 7,
        "aug" => 8,
        "sep" => 9,
        "oct" => 10,
        "nov" => 11,
        "dec" => 12,
        other => panic!("month {other}"),
    };
    let year: i32 = parts.next()?.parse::<i32>().ok()? + 2000;
    let d = NaiveDate::from_ymd_opt(year, month, day)?;
    let t = if time.is_empty() {
        NaiveTime::MIN
    } else {
        let (hm, ampm) = time.split_once(' ')?;
        let (h, m) = hm.split_once(':')?;
        let (mut h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
        if ampm == "PM" && h != 12 {
            h += 12;
        }
        if ampm == "AM" && h == 12 {
            h = 0;
        }
        NaiveTime::from_hms_opt(h, m, 0)?
    };
    Some(d.and_time(t))
}

/// One row as the recomputation needs it.
struct Row {
    key: String,
    created: Option<NaiveDateTime>,
    started: Option<NaiveDateTime>,
    resolved: Option<NaiveDateTime>,
    due: Option<NaiveDate>,
    /// Done now by its status category (or status), whatever the resolution date says.
    done_now: bool,
    sprint: Option<String>,
}

fn read_jira(path: &std::path::Path) -> Vec<Row> {
    let mut r = csv::ReaderBuilder::new().flexible(true).from_path(path).expect("csv");
    let headers: Vec<String> = r
        .headers()
        .expect("header")
        .iter()
        .map(|h| h.trim_start_matches('\u{feff}').to_string())
        .collect();
    let col = |names: &[&str]| headers.iter().position(|h| names.contains(&h.as_str()));
    let all = |name: &str| -> Vec<usize> {
        headers.iter().enumerate().filter(|(_, h)| *h == name).map(|(i, _)| i).collect()
    };
    let (key, created, resolved) =
        (col(&["Issue key"]).expect("key"), col(&["Created"]), col(&["Resolved"]));
    let (due, category, status) =
        (col(&["Due date", "Due Date"]), col(&["Status Category"]), col(&["Status"]));
    let sprints = all("Sprint");
    let started = col(&["Custom field (Actual start)"]);
    let mut rows = Vec::new();
    for rec in r.records() {
        let rec = rec.expect("record");
        let get = |i: Option<usize>| i.and_then(|i| rec.get(i)).unwrap_or("").trim().to_string();
        let done_now = match category {
            Some(_) => get(category) == "Done",
            None => ["Done", "Closed", "Resolved"].contains(&get(status).as_str()),
        };
        let sprint = sprints
            .iter()
            .filter_map(|&i| rec.get(i))
            .rfind(|s| !s.trim().is_empty())
            .map(str::to_string);
        rows.push(Row {
            key: get(Some(key)),
            created: jira_date(&get(created)),
            started: jira_date(&get(started)),
            resolved: jira_date(&get(resolved)),
            due: jira_date(&get(due)).map(|d| d.date()),
            done_now,
            sprint,
        });
    }
    rows
}

fn report(spec: &str, as_of: &str) -> BTreeMap<&'static str, Value> {
    let tmp = tempfile::tempdir().expect("temp dir");
    let out = tmp.path().display().to_string();
    let (code, stdout, err) =
        run(&["report", "-s", spec, "--as-of", as_of, "-o", &out, "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    let week = stdout.lines().find_map(|l| l.strip_prefix("wrote ")).expect("a file");
    let dir = std::path::Path::new(week).parent().expect("week folder");
    ["product", "program", "project"]
        .into_iter()
        .map(|role| {
            let text = std::fs::read_to_string(dir.join(format!("{role}.json"))).expect("json");
            (role, serde_json::from_str(&text).expect("valid json"))
        })
        .collect()
}

/// The numbers of one Jira sample at `as_of` (end of that day, UTC), recomputed and
/// compared with the project report's.
fn check_jira(file: &str, as_of: &str) {
    let Some(path) = sample(&format!("jira/{file}")) else { return };
    let rows = read_jira(&path);
    let today = NaiveDate::parse_from_str(as_of, "%Y-%m-%d").expect("date");
    let instant = today.and_hms_opt(23, 59, 59).expect("t");
    let monday = today - Duration::days(today.weekday().num_days_from_monday() as i64);
    let next_monday = monday + Duration::days(7);
    let existed: Vec<&Row> =
        rows.iter().filter(|r| r.created.is_none_or(|c| c <= instant)).collect();
    // Open at the instant: resolved later, or not done now and never resolved.
    let open_then = |r: &Row| match r.resolved {
        Some(res) => res > instant,
        None => !r.done_now,
    };
    let done_in_week = existed
        .iter()
        .filter(|r| {
            r.resolved.is_some_and(|res| res >= monday.and_time(NaiveTime::MIN) && res <= instant)
        })
        .count();
    let overdue =
        existed.iter().filter(|r| open_then(r) && r.due.is_some_and(|d| d < today)).count();
    let next_week = existed
        .iter()
        .filter(|r| {
            open_then(r)
                && r.due.is_some_and(|d| d >= next_monday && d < next_monday + Duration::days(7))
        })
        .count();
    let mut sprints: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    for r in &existed {
        if let Some(s) = &r.sprint {
            let e = sprints.entry(s.clone()).or_default();
            e.0 += 1;
            e.1 += usize::from(!open_then(r));
        }
    }

    let spec = format!("jira:{}", path.display());
    let reports = report(&spec, as_of);
    let project = &reports["project"];
    let meta = &project["meta"];
    assert_eq!(meta["items_in_scope"], existed.len(), "{file}: items in scope at {as_of}");
    let week_done =
        project["throughput"].as_array().and_then(|t| t.last()).expect("this week")["done"].clone();
    assert_eq!(week_done, done_in_week, "{file}: done in the week of {as_of}");
    assert_eq!(project["overdue"].as_array().map(Vec::len), Some(overdue), "{file}: overdue");
    assert_eq!(
        project["due_next_week"].as_array().map(Vec::len),
        Some(next_week),
        "{file}: due next week"
    );
    let reported: BTreeMap<String, (usize, usize)> = project["sprints"]["list"]
        .as_array()
        .expect("sprints")
        .iter()
        .map(|s| {
            let n = |k: &str| s[k].as_u64().expect("count") as usize;
            (s["title"].as_str().expect("title").to_string(), (n("items"), n("done")))
        })
        .collect();
    assert_eq!(reported, sprints, "{file}: each sprint's items and done");
    // Lead (or cycle) time over the last four weeks: median, as the report rounds it.
    let since = monday - Duration::weeks(3);
    let finished: Vec<&&Row> = existed
        .iter()
        .filter(|r| {
            r.done_now
                && r.resolved
                    .is_some_and(|res| res >= since.and_time(NaiveTime::MIN) && res <= instant)
        })
        .collect();
    let cycle = project["cycle_time"]["measure"] == "cycle";
    let mut days: Vec<f64> = finished
        .iter()
        .filter_map(|r| {
            let from = if cycle { r.started? } else { r.created? };
            Some(((r.resolved? - from).num_minutes() as f64 / 1440.0).max(0.0))
        })
        .collect();
    days.sort_by(f64::total_cmp);
    let median = (!days.is_empty()).then(|| {
        let pos = 0.5 * (days.len() - 1) as f64;
        let (lo, hi) = (pos.floor() as usize, pos.ceil() as usize);
        ((days[lo] + (days[hi] - days[lo]) * (pos - lo as f64)) * 10.0).round() / 10.0
    });
    assert_eq!(
        project["cycle_time"]["median_days"].as_f64(),
        median,
        "{file}: median {} time",
        project["cycle_time"]["measure"]
    );
    let has_evidence =
        rows.iter().any(|r| r.due.is_some() || r.resolved.is_some() || r.sprint.is_some());
    for (role, r) in &reports {
        let status = r["verdict"]["status"].as_str().expect("status");
        assert!(
            !has_evidence || status != "unknown",
            "{file} at {as_of}: {role} is unknown: {}",
            r["verdict"]
        );
    }
    // No item created after the instant is listed anywhere.
    let later: Vec<&str> = rows
        .iter()
        .filter(|r| r.created.is_some_and(|c| c > instant))
        .map(|r| r.key.as_str())
        .collect();
    let text = serde_json::to_string(&reports).expect("json");
    for key in later {
        assert!(
            !text.contains(&format!("\"key\":\"{key}\"")),
            "{file}: {key} did not exist yet at {as_of}"
        );
    }
}

#[test]
fn agile_delivery_simulation_in_march() {
    check_jira("agile-delivery-simulation.csv", "2026-03-10");
}

#[test]
fn current_fields_bom_the_day_after() {
    check_jira("current-fields-bom.csv", "2026-03-23");
}

/// An export with no Resolved column, every item done: the reports say the done items
/// have no date, rather than "0 product items shipped" and a backlog that only grew.
#[test]
fn current_fields_bom_done_without_dates() {
    let Some(path) = sample("jira/current-fields-bom.csv") else { return };
    let rows = read_jira(&path);
    let undated = rows.iter().filter(|r| r.done_now && r.resolved.is_none()).count();
    assert!(undated > 0);
    let reports = report(&format!("jira:{}", path.display()), "2026-03-22");
    assert_eq!(reports["project"]["flow"]["done_undated"], undated);
    let headline = reports["product"]["verdict"]["headline"].as_str().expect("headline");
    assert!(!headline.contains("0 product items shipped"), "{headline}");
    assert!(headline.contains("done with no date to tell which week"), "{headline}");
}

#[test]
fn herokudeploy_halfway() {
    check_jira("herokudeploy-2018.csv", "2017-06-30");
}

/// At its end: a workstream with nothing to judge it by is counted apart, not as one
/// more off track ("0 of 2 workstreams on track" with one of them unknown); and a
/// sprint whose items all moved on is named under the Sprints table.
#[test]
fn herokudeploy_at_its_end() {
    let Some(path) = sample("jira/herokudeploy-2018.csv") else { return };
    let reports = report(&format!("jira:{}", path.display()), "2018-02-24");
    let program = &reports["program"];
    let unknown = program["workstreams"]
        .as_array()
        .expect("workstreams")
        .iter()
        .filter(|w| w["status"] == "unknown")
        .count();
    assert_eq!(unknown, 1);
    let headline = program["verdict"]["headline"].as_str().expect("headline");
    assert!(
        headline.starts_with("0 of 1 workstream on track (1 more cannot be judged)"),
        "{headline}"
    );
    assert_eq!(reports["project"]["sprints"]["moved_on"], serde_json::json!(["JwProgra Sprint 1"]));
    // Two boards' sprints are marked current in the table: the header names both, first
    // the board in use (INNT, changed in November 2017), not the larger one untouched
    // since March 2017 (JwProgra).
    assert_eq!(reports["project"]["sprints"]["current"], "INNT Sprint 1");
    assert_eq!(
        reports["project"]["sprints"]["also_current"],
        serde_json::json!(["JwProgra Sprint 5"])
    );
    // JWP was last touched on 2017-03-11: asked whether it stopped, not for a recovery plan.
    let asks = program["leadership_asks"].as_array().expect("asks");
    assert!(
        asks.iter().any(|a| a.as_str().is_some_and(|a| a.starts_with(
            "JWP: no activity since 2017-03-11 — confirm whether it is paused or cancelled"
        ))),
        "{asks:?}"
    );
    assert!(
        !asks.iter().any(|a| a.as_str().is_some_and(|a| a.contains("recovery plan"))),
        "{asks:?}"
    );
}

#[test]
fn sprint_board_mid_sprint() {
    check_jira("sprint-board-2024.csv", "2021-09-06");
}

/// The Linear sample: items that existed, and a verdict from its completions.
#[test]
fn nordic_backlog_in_june() {
    let Some(path) = sample("linear/nordic-backlog.csv") else { return };
    let mut r = csv::ReaderBuilder::new().flexible(true).from_path(&path).expect("csv");
    let headers = r.headers().expect("header").clone();
    let created = headers.iter().position(|h| h == "Created").expect("Created");
    let cutoff: DateTime<Utc> = "2024-06-05T23:59:59Z".parse().expect("t");
    let existed = r
        .records()
        .filter(|rec| {
            // `Tue May 14 2024 08:53:33 GMT+0000 (GMT)`
            let v = rec.as_ref().expect("record").get(created).unwrap_or("").to_string();
            let t = DateTime::parse_from_str(
                &v.split(" (").next().unwrap_or("").replace("GMT", ""),
                "%a %b %d %Y %H:%M:%S %z",
            )
            .expect("a Linear date");
            t.to_utc() <= cutoff
        })
        .count();
    let reports = report(&format!("linear:{}", path.display()), "2024-06-05");
    assert_eq!(reports["project"]["meta"]["items_in_scope"], existed);
    for (role, r) in &reports {
        assert_ne!(r["verdict"]["status"], "unknown", "{role}: {}", r["verdict"]);
    }
}
