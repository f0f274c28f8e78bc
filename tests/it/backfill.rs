//! `report --backfill N`: the weeks before this one, rebuilt from the same export, so a
//! team's first real report already has a baseline and a history.

use std::collections::BTreeMap;
use std::path::Path;

use crate::common::{fixture, run};

/// The demo's Jira export, with its config: teams, milestone dates.
fn demo(out: &Path, week: &str, extra: &[&str]) -> (i32, String, String) {
    let config = fixture("demo/rolecall.toml");
    let source = format!("jira:{}", fixture("demo/acme-jira.csv"));
    let out = out.display().to_string();
    let mut args = vec!["-c", &config, "report", "-s", &source, "--week", week, "-o", &out];
    args.extend_from_slice(extra);
    run(&args)
}

/// Every file under `dir`, by path relative to it.
fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("readable") {
            let p = e.expect("entry").path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p.strip_prefix(dir).expect("under").display().to_string();
                out.insert(rel, std::fs::read(&p).expect("file"));
            }
        }
    }
    out
}

#[test]
fn a_backfilled_week_reports_as_the_weeks_run_live_in_order() {
    let live = tempfile::tempdir().expect("temp dir");
    for week in ["2026-W44", "2026-W45", "2026-W46", "2026-W47", "2026-W48"] {
        let (code, _, err) = demo(live.path(), week, &[]);
        assert_eq!(code, 0, "{week}: {err}");
    }
    let filled = tempfile::tempdir().expect("temp dir");
    let (code, out, err) = demo(filled.path(), "2026-W48", &["--backfill", "4"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("backfilled 2026-W44 to 2026-W47 (4 weeks)\n"), "{out}");
    let (live, filled) = (files(live.path()), files(filled.path()));
    for role in ["index.md", "product.md", "program.md", "project.md", "program.json"] {
        let name = format!("2026-W48/{role}");
        assert!(live[&name] == filled[&name], "{name} differs from the weeks run live");
    }
    for week in ["2026-W44", "2026-W45", "2026-W46", "2026-W47"] {
        let name = format!(".rolecall/snapshots/{week}.json");
        assert!(live[&name] == filled[&name], "{name} differs");
        // The week's own reports were not written: only what later weeks compare.
        assert!(!filled.contains_key(&format!("{week}/index.md")));
        let history = String::from_utf8(filled[&format!(".rolecall/history/{week}.json")].clone())
            .expect("utf-8");
        assert!(history.contains("\"backfilled\": true"), "{history}");
    }
}

#[test]
fn backfilling_again_changes_nothing_and_keeps_weeks_taken_live() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (code, _, err) = demo(dir.path(), "2026-W46", &[]);
    assert_eq!(code, 0, "{err}");
    let live_w46 = std::fs::read(dir.path().join(".rolecall/history/2026-W46.json")).expect("w46");
    let (code, out, err) = demo(dir.path(), "2026-W48", &["--backfill", "3"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("backfilled 2026-W45 to 2026-W47 (2 weeks)"), "{out}");
    assert!(out.contains("kept 2026-W46: taken live"), "{out}");
    assert_eq!(
        std::fs::read(dir.path().join(".rolecall/history/2026-W46.json")).expect("w46"),
        live_w46,
        "a week taken live is never overwritten by a backfill"
    );
    let first = files(dir.path());
    let (code, _, err) = demo(dir.path(), "2026-W48", &["--backfill", "3"]);
    assert_eq!(code, 0, "{err}");
    assert!(files(dir.path()) == first, "a second backfill of the same export changed files");
    // Asked to, it rebuilds the live week too.
    let (code, out, err) =
        demo(dir.path(), "2026-W48", &["--backfill", "3", "--backfill-overwrite"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("backfilled 2026-W45 to 2026-W47 (3 weeks)"), "{out}");
    let w46 =
        std::fs::read_to_string(dir.path().join(".rolecall/history/2026-W46.json")).expect("w46");
    assert!(w46.contains("\"backfilled\": true"), "{w46}");
}

/// Stored weeks keep each workstream's and milestone's status and forecast: the next
/// report says how many weeks each has been at its colour and how far each forecast
/// moved since the first one.
#[test]
fn weeks_at_a_colour_and_forecast_baselines_come_from_the_stored_weeks() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (code, _, err) = demo(dir.path(), "2026-W48", &["--backfill", "3"]);
    assert_eq!(code, 0, "{err}");
    let read = |name: &str| -> serde_json::Value {
        serde_json::from_slice(&std::fs::read(dir.path().join(name)).expect(name)).expect("JSON")
    };
    let w47 = read(".rolecall/history/2026-W47.json");
    let program = read("2026-W48/program.json");
    let project = read("2026-W48/project.json");
    // Independently: the consecutive stored weeks (newest first) at the same status.
    let weeks =
        ["2026-W47", "2026-W46", "2026-W45"].map(|w| read(&format!(".rolecall/history/{w}.json")));
    for ws in program["workstreams"].as_array().expect("workstreams") {
        let team = ws["team"].as_str().expect("team");
        let same = weeks.iter().take_while(|h| h["workstreams"][team] == ws["status"]).count();
        assert_eq!(ws["weeks_held"], 1 + same, "{team}");
    }
    for m in project["milestones"].as_array().expect("milestones") {
        let title = m["title"].as_str().expect("title");
        assert!(w47["milestones"][title]["status"].is_string(), "{title} stored");
        let first = weeks.iter().rev().find(|h| h["milestones"][title]["p85"].is_string());
        let baseline = &m["forecast_baseline"];
        match first {
            Some(h) => {
                assert_eq!(baseline["week"], h["week"], "{title}");
                assert_eq!(baseline["p85"], h["milestones"][title]["p85"], "{title}");
                let (now, then) = (m["forecast"]["p85"].as_str(), baseline["p85"].as_str());
                let days =
                    |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date");
                if let (Some(now), Some(then)) = (now, then) {
                    assert_eq!(
                        baseline["variance_days"],
                        (days(now) - days(then)).num_days(),
                        "{title}"
                    );
                }
            }
            None => assert!(baseline.is_null(), "{title}"),
        }
        // Burn-up: as many weeks as the throughput's, scope never below done.
        let burn = m["burn_up"].as_array().expect("burn-up");
        assert_eq!(burn.len(), 8);
        assert_eq!(burn.last().expect("this week")["done"], m["done"], "{title}");
        assert!(burn.iter().all(|b| b["done"].as_u64() <= b["scope"].as_u64()));
    }
    assert!(program["workstreams"]
        .as_array()
        .expect("ws")
        .iter()
        .any(|w| w["weeks_held"].as_u64() > Some(1)));
}

/// A week whose run was missed does not end the history: the forecast baseline is still
/// the first stored week's, and a colour held across the gap says since when and how
/// many of those weeks were reported, rather than starting again at one week.
#[test]
fn a_missed_week_keeps_the_forecast_baseline_and_the_weeks_at_a_colour() {
    let all = tempfile::tempdir().expect("temp dir");
    let gap = tempfile::tempdir().expect("temp dir");
    for week in ["2026-W44", "2026-W45", "2026-W46", "2026-W47", "2026-W48"] {
        let (code, _, err) = demo(all.path(), week, &[]);
        assert_eq!(code, 0, "{week}: {err}");
        if week != "2026-W47" {
            let (code, _, err) = demo(gap.path(), week, &[]);
            assert_eq!(code, 0, "{week}: {err}");
        }
    }
    let read = |dir: &Path, name: &str| -> serde_json::Value {
        serde_json::from_slice(&std::fs::read(dir.join(name)).expect(name)).expect("JSON")
    };
    let (full, gapped) =
        (read(all.path(), "2026-W48/project.json"), read(gap.path(), "2026-W48/project.json"));
    let stored = ["2026-W46", "2026-W45", "2026-W44"]
        .map(|w| read(gap.path(), &format!(".rolecall/history/{w}.json")));
    let mut across = 0;
    for (m, f) in gapped["milestones"]
        .as_array()
        .expect("ms")
        .iter()
        .zip(full["milestones"].as_array().expect("ms"))
    {
        let title = m["title"].as_str().expect("title");
        assert_eq!(m["forecast_baseline"]["week"], f["forecast_baseline"]["week"], "{title}");
        assert_eq!(m["forecast_baseline"]["p85"], f["forecast_baseline"]["p85"], "{title}");
        let same =
            stored.iter().take_while(|h| h["milestones"][title]["status"] == m["status"]).count();
        assert_eq!(m["weeks_held"], 1 + same, "{title}");
        if same == 0 {
            assert!(m["held_since"].is_null(), "{title}: {m}");
        } else {
            across += 1;
            let since = &stored[same - 1]["week"];
            assert_eq!(m["held_since"]["week"], *since, "{title}");
            let weeks = 48 - since.as_str().expect("week")[6..].parse::<u64>().expect("n") + 1;
            assert_eq!(m["held_since"]["weeks"], weeks, "{title}");
        }
    }
    assert!(across > 0, "no milestone held its colour across the missed week");
    let md = std::fs::read_to_string(gap.path().join("2026-W48/project.md")).expect("md");
    assert!(md.contains("weeks reported)"), "{md}");
    let program = std::fs::read_to_string(gap.path().join("2026-W48/program.md")).expect("md");
    assert!(program.contains("| 2026-W47 |") && program.contains("| — |"), "{program}");
}

/// A backfill reaching before the year 1000 (a slip of the finger: 100000 weeks) is
/// refused before anything is written, not half-stored in weeks no folder can name.
#[test]
fn a_backfill_before_the_year_1000_changes_nothing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("out");
    for (week, n) in
        [("2026-W48", "100000"), ("1000-W02", "3"), ("2026-W48", "18446744073709551615")]
    {
        let (code, _, err) = demo(&out, week, &["--backfill", n]);
        assert_eq!(code, 2, "{err}");
        assert!(
            err.contains(&format!("--backfill {n} reaches back before the year 1000 from {week}")),
            "{err}"
        );
        // Not even the output folder is left (it used to be, with an empty `.rolecall`).
        assert!(!out.exists(), "{:?}", files(&out).keys());
    }
}

/// A run with `--backfill` that fails on this week's notes changes nothing: it used to
/// store the backfilled weeks (and overwrite live ones with `--backfill-overwrite`)
/// before it read the notes and failed.
#[cfg(unix)]
#[test]
fn a_backfill_that_fails_on_its_notes_changes_nothing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (code, _, err) = demo(dir.path(), "2026-W46", &[]);
    assert_eq!(code, 0, "{err}");
    let before = files(dir.path());
    let notes = dir.path().join("notes/2026-W48");
    std::fs::create_dir_all(&notes).expect("dir");
    let outside = dir.path().join("secret.md");
    std::fs::write(&outside, "## Why this status\nno\n").expect("written");
    std::os::unix::fs::symlink(&outside, notes.join("project.md")).expect("link");
    let notes_dir = dir.path().join("notes").display().to_string();
    let args = ["--backfill", "3", "--backfill-overwrite", "--notes", &notes_dir];
    let (code, _, err) = demo(dir.path(), "2026-W48", &args);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("project.md"), "{err}");
    let after: BTreeMap<String, Vec<u8>> = files(dir.path())
        .into_iter()
        .filter(|(p, _)| !p.starts_with("notes") && p != "secret.md")
        .collect();
    assert!(after == before, "a failed backfill changed stored weeks");
}

/// A week taken live whose history file was deleted is still not overwritten by a
/// backfill: nothing says it was backfilled (its snapshot was replaced).
#[test]
fn a_live_week_without_its_history_file_is_kept() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (code, _, err) = demo(dir.path(), "2026-W46", &[]);
    assert_eq!(code, 0, "{err}");
    std::fs::remove_file(dir.path().join(".rolecall/history/2026-W46.json")).expect("rm");
    let snapshot = dir.path().join(".rolecall/snapshots/2026-W46.json");
    let before = std::fs::read(&snapshot).expect("w46");
    let (code, out, err) = demo(dir.path(), "2026-W48", &["--backfill", "3"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("kept 2026-W46: taken live"), "{out}");
    assert_eq!(std::fs::read(&snapshot).expect("w46"), before);
}
