//! Week after week: what one week's export lacks, how items move between milestones and
//! how their estimates change, as the project report says it from the stored weeks.

use std::path::Path;

use crate::common;

/// Writes `csv` as `name` in `dir`, runs `report` on it as `FORMAT:` source `format` as
/// of `as_of` into `dir/out`, and returns stderr (the run must succeed).
fn report(dir: &Path, format: &str, name: &str, csv: &str, as_of: &str) -> String {
    let export = common::write(dir, name, csv);
    let args = ["report", "-s", &format!("{format}:{export}"), "--as-of", as_of, "-o", "out"];
    let (code, _, err) = common::run_in(dir, &args, &[]);
    assert_eq!(code, 0, "{err}");
    err
}

fn read(dir: &Path, file: &str) -> String {
    std::fs::read_to_string(dir.join("out").join(file)).expect("the report")
}

fn json(dir: &Path, file: &str) -> serde_json::Value {
    serde_json::from_str(&read(dir, file)).expect("JSON")
}

/// A week exported with Jira's "current fields" (no Fix versions, no Sprint) is not a
/// week in which every item left its milestone: it says what is missing, on stderr and
/// in the report, reports no removals, and the week after is compared with the last
/// week that had the column, so a real removal then is still reported, and nothing is
/// re-added.
#[test]
fn a_week_exported_without_fix_versions_removes_nothing_and_hides_no_removal() {
    let dir = tempfile::tempdir().expect("temp dir");
    let full = "Summary,Issue key,Issue Type,Status,Created,Resolved,Fix versions,Sprint\n";
    let rows = |r2: &str| {
        format!(
            "{full}One,A-1,Story,Done,2026-10-05 09:00,2026-10-07 09:00,R1,S1\n\
             Two,A-2,Story,To Do,2026-10-05 09:00,,{r2},S1\n\
             Three,A-3,Story,To Do,2026-10-05 09:00,,R1,S1\n"
        )
    };
    report(dir.path(), "jira", "w41.csv", &rows("R1"), "2026-10-11");
    let current = "Summary,Issue key,Issue Type,Status,Created\n\
        One,A-1,Story,Done,2026-10-05 09:00\n\
        Two,A-2,Story,To Do,2026-10-05 09:00\n\
        Three,A-3,Story,To Do,2026-10-05 09:00\n";
    let err = report(dir.path(), "jira", "w42.csv", current, "2026-10-18");
    assert!(err.contains("has no Fix versions column"), "{err}");
    let md = read(dir.path(), "2026-W42/project.md");
    assert!(!md.contains("**Removed**") && !md.contains("No scope changes."), "{md}");
    assert!(md.contains("Milestones are not compared this week"), "{md}");
    assert!(md.contains("the snapshot of 2026-W41 had milestones"), "{md}");
    let j = json(dir.path(), "2026-W42/project.json");
    assert_eq!(j["scope_removed"], serde_json::json!([]), "{j}");
    assert!(j["scope_not_compared"].as_str().is_some_and(|s| s.contains("Fix versions")));

    // The column is back, and A-2 has left R1 since the last week that had it.
    report(dir.path(), "jira", "w43.csv", &rows(""), "2026-10-25");
    let j = json(dir.path(), "2026-W43/project.json");
    assert_eq!(j["scope_removed"], serde_json::json!(["A-2"]), "{j}");
    assert_eq!(j["scope_added"], serde_json::json!([]), "{j}");
    // R1 was not reported in 2026-W42 (no milestone column): its colour is held across
    // that week, as across a week with no run.
    let r1 = &j["milestones"][0];
    assert_eq!(
        (&r1["title"], &r1["weeks_held"]),
        (&serde_json::json!("R1"), &serde_json::json!(2))
    );
    assert_eq!(r1["held_since"], serde_json::json!({"week": "2026-W41", "weeks": 3}), "{r1}");
}

/// The same holds for a Linear export without its Project Milestone column.
#[test]
fn a_linear_week_without_project_milestones_removes_nothing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let with = "ID,Team,Title,Status,Created,Project Milestone\n\
        ENG-1,Core,One,Todo,2026-10-05T09:00:00Z,Beta\n\
        ENG-2,Core,Two,Todo,2026-10-05T09:00:00Z,Beta\n";
    let without = "ID,Team,Title,Status,Created\n\
        ENG-1,Core,One,Todo,2026-10-05T09:00:00Z\n\
        ENG-2,Core,Two,Todo,2026-10-05T09:00:00Z\n";
    report(dir.path(), "linear", "w41.csv", with, "2026-10-11");
    let err = report(dir.path(), "linear", "w42.csv", without, "2026-10-18");
    assert!(err.contains("has no Project Milestone column"), "{err}");
    let j = json(dir.path(), "2026-W42/project.json");
    assert_eq!(j["scope_removed"], serde_json::json!([]), "{j}");
    report(dir.path(), "linear", "w43.csv", with, "2026-10-25");
    let j = json(dir.path(), "2026-W43/project.json");
    assert_eq!(j["scope_added"], serde_json::json!([]), "{j}");
}

/// Milestones dated in the config, an export with no Fix versions column: the verdict
/// that cannot be given names the missing column, not the dates the config has.
#[test]
fn an_unknown_verdict_names_the_missing_fix_versions_column() {
    let dir = tempfile::tempdir().expect("temp dir");
    common::write(
        dir.path(),
        "rolecall.toml",
        "[[milestone]]\ntitle = \"R1\"\nstart = 2026-10-01\ndue = 2026-11-20\n",
    );
    let current = "Summary,Issue key,Issue Type,Status,Created\n\
        One,A-1,Story,To Do,2026-10-05 09:00\n\
        Two,A-2,Story,To Do,2026-10-05 09:00\n";
    report(dir.path(), "jira", "w42.csv", current, "2026-10-18");
    let md = read(dir.path(), "2026-W42/project.md");
    let verdict = md.split("## ").next().expect("verdict");
    assert!(verdict.contains("Unknown"), "{verdict}");
    assert!(
        verdict.contains("the export has no Fix versions column, so no item is in a milestone (R1 is dated in rolecall.toml)"),
        "{verdict}"
    );
    assert!(verdict.contains("Export the Fix versions column"), "{verdict}");
    assert!(!verdict.contains("Give milestone dates"), "{verdict}");
}

/// A re-estimate moves remaining work as scope does: it is listed under the scope
/// changes, and in the JSON. A week stored before estimates were kept still reads, and
/// is not taken for every item being estimated.
#[test]
fn a_re_estimate_is_a_scope_change() {
    let dir = tempfile::tempdir().expect("temp dir");
    let export = |points: &str| {
        format!(
            "Summary,Issue key,Issue Type,Status,Created,Fix versions,Custom field (Story Points)\n\
             One,A-1,Story,To Do,2026-10-05 09:00,R1,{points}\n\
             Two,A-2,Story,To Do,2026-10-05 09:00,R1,5\n"
        )
    };
    report(dir.path(), "jira", "w41.csv", &export("3"), "2026-10-11");
    // As an earlier version stored it: no estimates.
    let stored = dir.path().join("out/.rolecall/snapshots/2026-W41.json");
    let mut week: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&stored).expect("stored")).expect("JSON");
    for item in week["items"].as_array_mut().expect("items") {
        item.as_object_mut().expect("item").remove("estimate").expect("an estimate was stored");
    }
    std::fs::write(&stored, week.to_string()).expect("written");
    report(dir.path(), "jira", "w42.csv", &export("8"), "2026-10-18");
    let md = read(dir.path(), "2026-W42/project.md");
    assert!(md.contains("No scope changes.") && !md.contains("Re-estimated"), "{md}");

    report(dir.path(), "jira", "w43.csv", &export("13"), "2026-10-25");
    let md = read(dir.path(), "2026-W43/project.md");
    assert!(
        md.contains("**Re-estimated**\n- [A-1]") || md.contains("**Re-estimated**\n- A-1"),
        "{md}"
    );
    assert!(md.contains("(R1): 8 → 13 points"), "{md}");
    assert!(!md.contains("No scope changes."), "{md}");
    let j = json(dir.path(), "2026-W43/project.json");
    let re = &j["re_estimated"];
    assert_eq!(re.as_array().map(Vec::len), Some(1), "{j}");
    assert_eq!(
        (&re[0]["item"]["key"], &re[0]["before"], &re[0]["after"]),
        (&serde_json::json!("A-1"), &serde_json::json!(8.0), &serde_json::json!(13.0))
    );
}

/// An item that moves from one milestone to another is one move, not an addition and a
/// removal; an item that leaves says why (cancelled, no milestone now, no longer in the
/// data), in the report and the JSON; a long list of removals says how many more there
/// are, as the list of additions does.
#[test]
fn moves_are_listed_once_and_removals_say_why() {
    let dir = tempfile::tempdir().expect("temp dir");
    let head = "Summary,Issue key,Issue Type,Status,Created,Fix versions\n";
    let row = |k: &str, status: &str, m: &str| {
        format!("Task {k},{k},Story,{status},2026-10-05 09:00,{m}\n")
    };
    let mut first = head.to_string();
    for n in 1..=14 {
        first += &row(&format!("A-{n}"), "To Do", "R1");
    }
    first += &row("B-1", "To Do", "R2");
    report(dir.path(), "jira", "w41.csv", &first, "2026-10-11");
    // A-1 moves to R2, A-2 is cancelled, A-3 loses its fix version, A-4..A-14 are gone.
    let second = format!(
        "{head}{}{}{}{}",
        row("A-1", "To Do", "R2"),
        row("A-2", "Cancelled", "R1"),
        row("A-3", "To Do", ""),
        row("B-1", "To Do", "R2")
    );
    report(dir.path(), "jira", "w42.csv", &second, "2026-10-18");
    let md = read(dir.path(), "2026-W42/project.md");
    let section = md.split("## Scope changes").nth(1).and_then(|s| s.split("\n## ").next());
    let section = section.expect("the scope changes");
    assert!(section.contains("**Moved**\n- A-1 Task A-1: R1 → R2"), "{section}");
    assert!(!section.contains("**Added**"), "{section}");
    assert!(section.contains("- A-2 Task A-2 (R1): cancelled"), "{section}");
    assert!(section.contains("- A-3 Task A-3 (R1): no milestone now"), "{section}");
    // Gone from the data, it is named by its title last week (the stored week keeps the
    // titles of items in a milestone).
    assert!(section.contains("- A-4 Task A-4 (R1): no longer in the data"), "{section}");
    assert!(!section.contains("A-1 (R1)") && !section.contains("A-1 Task A-1 (R1)"), "{section}");
    // 2 + 11 removals, 10 listed.
    assert!(section.contains("…and 3 more"), "{section}");
    let j = json(dir.path(), "2026-W42/project.json");
    assert_eq!(j["scope_moved"][0]["item"]["key"], "A-1", "{j}");
    assert_eq!(
        (&j["scope_moved"][0]["from"], &j["scope_moved"][0]["to"]),
        (&serde_json::json!("R1"), &serde_json::json!("R2"))
    );
    assert_eq!(j["scope_added"], serde_json::json!([]));
    let removals = j["scope_removals"].as_array().expect("removals");
    assert_eq!(removals.len(), 13, "{j}");
    let why: Vec<(&str, &str)> = removals
        .iter()
        .take(3)
        .map(|r| (r["key"].as_str().unwrap_or(""), r["why"].as_str().unwrap_or("")))
        .collect();
    assert!(
        why.contains(&("A-2", "cancelled")) && why.contains(&("A-3", "no-milestone")),
        "{why:?}"
    );
    assert!(removals
        .iter()
        .any(|r| r["key"] == "A-4" && r["why"] == "gone" && r["title"] == "Task A-4"));
    assert_eq!(j["scope_removed"].as_array().map(Vec::len), Some(13));
    assert!(!j["scope_removed"].as_array().expect("keys").contains(&serde_json::json!("A-1")));

    // A week stored by an earlier version kept no titles: the item is named by its key.
    let stored = dir.path().join("out/.rolecall/snapshots/2026-W41.json");
    let mut week: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&stored).expect("stored week"))
            .expect("JSON");
    let items = week["items"].as_array_mut().expect("items");
    assert!(items.iter().all(|i| i["title"].is_string()), "{items:?}");
    for item in items {
        item.as_object_mut().expect("an item").remove("title");
    }
    std::fs::write(&stored, week.to_string()).expect("write");
    report(dir.path(), "jira", "w42.csv", &second, "2026-10-18");
    let md = read(dir.path(), "2026-W42/project.md");
    assert!(md.contains("- A-4 (R1): no longer in the data"), "{md}");
}

/// A past week run again from a later export is rebuilt as the week stood, but the
/// snapshot and statuses stored live that week are kept, and the run says so, unless
/// `--overwrite-live`; a week stored from a later export already can be replaced.
#[test]
fn a_later_export_keeps_the_snapshot_taken_live() {
    let dir = tempfile::tempdir().expect("temp dir");
    let head = "Summary,Issue key,Issue Type,Status,Created,Updated,Resolved,Fix versions\n";
    let live = format!("{head}One,A-1,Story,To Do,2026-10-05 09:00,2026-10-05 09:00,,R1\n");
    let later = format!(
        "{head}One,A-1,Story,Done,2026-10-05 09:00,2026-11-20 09:00,2026-11-20 09:00,R2\n\
         Two,A-2,Story,To Do,2026-11-02 09:00,2026-11-02 09:00,,R2\n"
    );
    report(dir.path(), "jira", "live.csv", &live, "2026-10-18");
    let stored = |name: &str| {
        std::fs::read(dir.path().join("out/.rolecall").join(name)).expect("stored week")
    };
    let (snap, summary) = (stored("snapshots/2026-W42.json"), stored("history/2026-W42.json"));
    let export = common::write(dir.path(), "later.csv", &later);
    let args = ["report", "-s", &format!("jira:{export}"), "--as-of", "2026-10-18", "-o", "out"];
    let (code, out, err) = common::run_in(dir.path(), &args, &[]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("kept 2026-W42's stored snapshot: taken live"), "{out}");
    assert!(stored("snapshots/2026-W42.json") == snap, "the live snapshot was replaced");
    assert!(stored("history/2026-W42.json") == summary, "the live statuses were replaced");

    let mut forced = args.to_vec();
    forced.push("--overwrite-live");
    let (code, out, err) = common::run_in(dir.path(), &forced, &[]);
    assert_eq!(code, 0, "{err}");
    assert!(!out.contains("kept"), "{out}");
    assert!(stored("snapshots/2026-W42.json") != snap, "--overwrite-live replaces it");
    // Stored from a later export now: a later run replaces it without asking.
    let (code, out, err) = common::run_in(dir.path(), &args, &[]);
    assert_eq!(code, 0, "{err}");
    assert!(!out.contains("kept"), "{out}");

    // A second run within the week (Thursday after Wednesday, from an export that knows
    // a change made a minute after Thursday's instant, as a GitHub issue changed while
    // the run fetched it) is the week's latest state: it replaces Wednesday's.
    let wed = format!("{head}One,A-1,Story,To Do,2026-11-02 09:00,2026-11-02 09:00,,R1\n");
    let thu = format!(
        "{head}One,A-1,Story,Done,2026-11-02 09:00,2026-11-12 12:01,2026-11-12 12:01,R1\n\
         Two,A-2,Story,To Do,2026-11-11 09:00,2026-11-11 09:00,,R1\n"
    );
    let run = |name: &str, text: &str, as_of: &str| {
        let export = common::write(dir.path(), name, text);
        let args = ["report", "-s", &format!("jira:{export}"), "--as-of", as_of, "-o", "out"];
        let (code, out, err) = common::run_in(dir.path(), &args, &[]);
        assert_eq!(code, 0, "{err}");
        out
    };
    run("wed.csv", &wed, "2026-11-11T12:00:00Z");
    let wednesday = stored("snapshots/2026-W46.json");
    let out = run("thu.csv", &thu, "2026-11-12T12:00:00Z");
    assert!(!out.contains("kept"), "{out}");
    let thursday = String::from_utf8(stored("snapshots/2026-W46.json")).expect("utf-8");
    assert!(thursday.as_bytes() != wednesday && thursday.contains("A-2"), "{thursday}");
}

/// Two sources, one with sprints and one whose export has no sprint column at all: the
/// second lost nothing, and nothing is said of it.
#[test]
fn a_source_that_never_had_the_column_loses_nothing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let jira = common::write(
        dir.path(),
        "jira.csv",
        "Summary,Issue key,Issue Type,Status,Created,Fix versions,Sprint\n\
         One,A-1,Story,To Do,2026-10-05 09:00,R1,S1\n",
    );
    let linear = common::write(
        dir.path(),
        "linear.csv",
        "ID,Team,Title,Status,Created,Project Milestone\n\
         ENG-1,Core,One,Todo,2026-10-05T09:00:00Z,Beta\n",
    );
    for as_of in ["2026-10-11", "2026-10-18"] {
        let args = [
            "report",
            "-s",
            &format!("jira:{jira}"),
            "-s",
            &format!("linear:{linear}"),
            "--as-of",
            as_of,
            "-o",
            "out",
        ];
        let (code, _, err) = common::run_in(dir.path(), &args, &[]);
        assert_eq!(code, 0, "{err}");
        assert!(!err.contains("has no"), "{err}");
    }
    let md = read(dir.path(), "2026-W42/project.md");
    assert!(!md.contains("has no Cycle Name column"), "{md}");
}

/// An export whose done items have no resolution date is not a later export: the week
/// it was taken in is stored as taken live.
#[test]
fn undated_items_do_not_make_an_export_a_later_one() {
    let dir = tempfile::tempdir().expect("temp dir");
    let csv = "Summary,Issue key,Issue Type,Status,Created,Fix versions\n\
        One,A-1,Story,Done,2026-10-05 09:00,R1\n\
        Two,A-2,Story,To Do,,R1\n";
    report(dir.path(), "jira", "w42.csv", csv, "2026-10-18");
    let summary = read(dir.path(), ".rolecall/history/2026-W42.json");
    assert!(!summary.contains("rewound"), "{summary}");
}

/// Jira's "all fields" export leaves out a repeated column no issue has a value in: a
/// week whose fix versions were all cleared has no Fix versions column, and that is a
/// change to report (each item has no milestone now), not a column left out.
#[test]
fn an_all_fields_export_without_fix_versions_clears_them() {
    let dir = tempfile::tempdir().expect("temp dir");
    let head = "Summary,Issue key,Issue Type,Status,Created,Custom field (Story Points)";
    let week1 = format!(
        "{head},Fix versions\nOne,A-1,Story,To Do,2026-10-05 09:00,3,R1\nTwo,A-2,Story,To Do,2026-10-05 09:00,2,R1\n"
    );
    let week2 = format!(
        "{head}\nOne,A-1,Story,To Do,2026-10-05 09:00,3\nTwo,A-2,Story,To Do,2026-10-05 09:00,2\n"
    );
    report(dir.path(), "jira", "w1.csv", &week1, "2026-10-11");
    let err = report(dir.path(), "jira", "w2.csv", &week2, "2026-10-18");
    assert!(!err.contains("no Fix versions column"), "{err}");
    let md = read(dir.path(), "2026-W42/project.md");
    assert!(!md.contains("not compared"), "{md}");
    assert!(md.contains("A-1 One (R1): no milestone now"), "{md}");
}

/// `--backfill` through an export without the Fix versions column carries the
/// milestones as a week's own run does, and says so once for them: the week after re-adds
/// nothing.
#[test]
fn a_backfill_through_an_export_without_fix_versions_carries_them() {
    let dir = tempfile::tempdir().expect("temp dir");
    let with = "Summary,Issue key,Issue Type,Status,Created,Fix versions\n\
        One,A-1,Story,To Do,2026-10-05 09:00,R1\nTwo,A-2,Story,To Do,2026-10-05 09:00,R1\n";
    let without = "Summary,Issue key,Issue Type,Status,Created\n\
        One,A-1,Story,To Do,2026-10-05 09:00\nTwo,A-2,Story,To Do,2026-10-05 09:00\n";
    report(dir.path(), "jira", "w1.csv", with, "2026-10-11");
    let export = common::write(dir.path(), "w3.csv", without);
    let args = [
        "report",
        "-s",
        &format!("jira:{export}"),
        "--as-of",
        "2026-10-25",
        "--backfill",
        "2",
        "-o",
        "out",
    ];
    let (code, _, err) = common::run_in(dir.path(), &args, &[]);
    assert_eq!(code, 0, "{err}");
    // Once for the weeks backfilled, once for the week: not once a week.
    assert_eq!(err.matches("has no Fix versions column").count(), 2, "{err}");
    report(dir.path(), "jira", "w4.csv", with, "2026-11-01");
    let md = read(dir.path(), "2026-W44/project.md");
    assert!(!md.contains("**Added**"), "nothing re-added: {md}");
}

/// A week exported without its Sprint column cannot judge a team that is judged by its
/// sprints: that unknown is the missing column's, not the week's, so "weeks at this
/// colour" passes over it as over a week with no run.
#[test]
fn a_week_without_the_sprint_column_does_not_break_a_streak() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut with = String::from("Summary,Issue key,Issue Type,Status,Created,Sprint\n");
    let mut without = String::from("Summary,Issue key,Issue Type,Status,Created\n");
    for (i, sprint) in ["Sprint 1", "Sprint 1", "Sprint 2", "Sprint 2"].iter().enumerate() {
        with.push_str(&format!("Item {i},A-{i},Story,To Do,2026-10-01 09:00,{sprint}\n"));
        without.push_str(&format!("Item {i},A-{i},Story,To Do,2026-10-01 09:00\n"));
    }
    report(dir.path(), "jira", "w1.csv", &with, "2026-11-13");
    report(dir.path(), "jira", "w2.csv", &without, "2026-11-20");
    report(dir.path(), "jira", "w3.csv", &with, "2026-11-27");
    let md = read(dir.path(), "2026-W48/program.md");
    assert!(
        md.contains("Overall status has been 🔴 Red since 2026-W46 (2 of 3 weeks reported)."),
        "{md}"
    );
    let stored = read(dir.path(), ".rolecall/history/2026-W47.json");
    assert!(!stored.contains("unknown"), "{stored}");
}
