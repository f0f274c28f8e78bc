//! Jira CSV exports through the binary: what a user sees in `rolecall items`.
//!
//! Fixtures in `fixtures/jira/` are invented data in the shapes real exports have (see
//! `../shared/samples/README.md`); `real_samples_*` reads the real exports when present.

use serde_json::Value;

use crate::common::{self, fixture, item, items, items_in, run, run_in, strings, write};

fn jira(name: &str) -> String {
    format!("jira:{}", fixture(&format!("jira/{name}")))
}

fn links(item: &Value) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = item["links"]
        .as_array()
        .expect("links is a list")
        .iter()
        .map(|l| {
            let text = |k: &str| l[k].as_str().expect("link fields are strings").to_string();
            (text("kind"), text("target"))
        })
        .collect();
    out.sort();
    out
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut out: Vec<_> = list.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect();
    out.sort();
    out
}

/// A temp dir holding `rolecall.toml` with `text`, and the config's path.
fn config(text: &str) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = write(dir.path(), "rolecall.toml", text);
    (dir, path)
}

const BERLIN: &str = "timezone = \"Europe/Berlin\"\n";

// ---------------------------------------------------------------- cloud-all-fields.csv

#[test]
fn cloud_all_fields_kinds_and_states() {
    let items = items(&["-s", &jira("cloud-all-fields.csv")]);
    assert_eq!(items.len(), 15);
    let expect = [
        ("HBL-1", "epic", "in-progress", "In Progress"),
        ("HBL-2", "epic", "open", "To Do"),
        ("HBL-3", "story", "done", "Done"),
        // Status `Done` with resolution `Won't Do`: not delivered.
        ("HBL-4", "bug", "cancelled", "Done"),
        ("HBL-5", "task", "in-progress", "In Progress"),
        ("HBL-7", "sub-task", "done", "Done"),
        // A custom status in the In Progress category.
        ("HBL-8", "task", "in-progress", "In Review"),
        ("HBL-9", "story", "cancelled", "Done"),
        ("HBL-10", "bug", "open", "To Do"),
        ("HBL-11", "task", "in-progress", "Blocked"),
    ];
    for (key, kind, state, status) in expect {
        let it = item(&items, key);
        assert_eq!(it["id"], format!("jira:{key}"), "{key}");
        assert_eq!(it["kind"], kind, "{key}");
        assert_eq!(it["state"], state, "{key}");
        assert_eq!(it["status"], status, "{key}");
        assert_eq!(it["project"], "HBL", "{key}");
        assert_eq!(it["source"], jira("cloud-all-fields.csv"), "{key}");
    }
    // Every item has a key and a title.
    for it in &items {
        assert!(!it["title"].as_str().unwrap().is_empty(), "{it}");
    }
}

#[test]
fn cloud_all_fields_labels_milestones_sprints() {
    let items = items(&["-s", &jira("cloud-all-fields.csv")]);
    let hbl3 = item(&items, "HBL-3");
    assert_eq!(strings(&hbl3["labels"]), ["checkout", "frontend", "ux-review"]);
    // The first fix version is the milestone; all of them stay in `fields`.
    assert_eq!(hbl3["milestone"], "2026.03");
    assert_eq!(strings(&hbl3["fields"]["Fix versions"]), ["2026.03", "2026.04"]);
    // The iteration is the last of the sprints the issue was in.
    assert_eq!(hbl3["iteration"], "HBL Sprint 6");
    assert_eq!(item(&items, "HBL-11")["iteration"], "HBL Sprint 6");
    assert_eq!(item(&items, "HBL-12")["iteration"], "HBL Sprint 12");
    // All four `Labels` columns filled.
    assert_eq!(
        strings(&item(&items, "HBL-8")["labels"]),
        ["performance", "checkout", "q1-goal", "infra"]
    );
    let bare = item(&items, "HBL-13");
    assert_eq!(strings(&bare["labels"]), Vec::<&str>::new());
    assert_eq!(bare["milestone"], Value::Null);
    assert_eq!(bare["iteration"], Value::Null);
    assert_eq!(bare["parent"], Value::Null);
    assert_eq!(bare["estimate"], Value::Null);
    assert_eq!(bare["time_estimate"], Value::Null);
    assert_eq!(bare["comments"], 0);
    assert_eq!(item(&items, "HBL-5")["milestone"], "2026.04");
    // Mapped columns do not show up again in `fields`.
    for it in &items {
        let fields = it["fields"].as_object().unwrap();
        for mapped in
            ["Labels", "Sprint", "Comment", "Summary", "Issue key", "Parent key", "Created"]
        {
            assert!(!fields.contains_key(mapped), "{} has {mapped} in fields", it["key"]);
        }
    }
}

#[test]
fn cloud_all_fields_parents_and_links() {
    let items = items(&["-s", &jira("cloud-all-fields.csv")]);
    let parent = |key: &str| item(&items, key)["parent"].clone();
    assert_eq!(parent("HBL-3"), "jira:HBL-1"); // `Parent key`
    assert_eq!(parent("HBL-4"), "jira:HBL-1");
    assert_eq!(parent("HBL-7"), "jira:HBL-3"); // a sub-task's parent story
    assert_eq!(parent("HBL-14"), "jira:HBL-2");
    // `Parent` holds the numeric issue id; with `Parent key` blank it is mapped to the key.
    assert_eq!(parent("HBL-5"), "jira:HBL-1");
    assert_eq!(parent("HBL-12"), "jira:HBL-2");
    assert_eq!(parent("HBL-1"), Value::Null);

    assert_eq!(links(item(&items, "HBL-3")), pairs(&[("blocks", "jira:HBL-5")]));
    assert_eq!(links(item(&items, "HBL-5")), pairs(&[("blocked-by", "jira:HBL-3")]));
    assert_eq!(
        links(item(&items, "HBL-6")),
        pairs(&[("duplicated-by", "jira:HBL-9"), ("relates-to", "jira:OPS-112")])
    );
    assert_eq!(links(item(&items, "HBL-9")), pairs(&[("duplicates", "jira:HBL-6")]));
    assert_eq!(links(item(&items, "HBL-8")), pairs(&[("relates-to", "jira:HBL-1")]));
    assert!(links(item(&items, "HBL-13")).is_empty());
}

#[test]
fn cloud_all_fields_estimates_people_text() {
    let items = items(&["-s", &jira("cloud-all-fields.csv")]);
    let hbl3 = item(&items, "HBL-3");
    assert_eq!(hbl3["estimate"].as_f64(), Some(5.0));
    assert_eq!(hbl3["time_estimate"], 28800);
    assert_eq!(item(&items, "HBL-5")["estimate"].as_f64(), Some(3.0));
    assert_eq!(item(&items, "HBL-5")["time_estimate"], 14400);
    assert_eq!(item(&items, "HBL-14")["estimate"].as_f64(), Some(8.0));
    assert_eq!(strings(&hbl3["assignees"]), ["Tomasz Wójcik"]);
    assert_eq!(hbl3["author"], "Priya Raman");
    assert_eq!(hbl3["priority"], "High");
    assert_eq!(hbl3["team"], "Payments Core");
    assert_eq!(strings(&item(&items, "HBL-10")["assignees"]), Vec::<&str>::new());
    // A quoted, multi-line description with commas and doubled quotes, kept as written.
    let body = hbl3["body"].as_str().unwrap();
    assert!(body.starts_with("As a returning customer, I want to pick one of my saved cards, so"));
    assert!(body.contains("\n* the \"remember this card\" box is off by default\n"), "{body:?}");
    assert_eq!(body.lines().count(), 6, "{body:?}");
    assert_eq!(
        item(&items, "HBL-4")["body"],
        "Cart shows 10,01 and the invoice 10,00 for a 3 x 3,337 basket.\n\
         Finance says the invoice is right, so \"won't do\"."
    );
}

#[test]
fn cloud_all_fields_comments_and_repeated_columns() {
    let items = items(&["-s", &jira("cloud-all-fields.csv")]);
    let hbl3 = item(&items, "HBL-3");
    assert_eq!(hbl3["comments"], 3);
    assert_eq!(item(&items, "HBL-11")["comments"], 2);
    assert_eq!(item(&items, "HBL-15")["comments"], 1);
    assert_eq!(item(&items, "HBL-2")["comments"], 0);
    let fields = &hbl3["fields"];
    let log = strings(&fields["Log Work"]);
    assert_eq!(log.len(), 2);
    assert!(log[0].starts_with("Card list UI;03/Mar/26 10:00 AM;712020:"), "{log:?}");
    let files = strings(&fields["Attachment"]);
    assert_eq!(files.len(), 2);
    assert!(files[1].contains(";expired card state.png;https://"), "{files:?}");
    assert_eq!(strings(&fields["Watchers"]), ["Priya Raman", "Tomasz Wójcik"]);
    assert_eq!(fields["Watchers Id"].as_array().map(Vec::len), Some(2));
    // A single value stays a single string.
    assert_eq!(fields["Custom field (Rank)"], "0|i00aiw:");
    assert_eq!(fields["Work Ratio"], "68%");
    assert_eq!(
        item(&items, "HBL-8")["fields"]["Attachment"]
            .as_str()
            .map(|s| s.contains(";loadtest-report.html;")),
        Some(true)
    );
}

#[test]
fn cloud_all_fields_dates_in_utc() {
    let items = items(&["-s", &jira("cloud-all-fields.csv")]);
    let hbl3 = item(&items, "HBL-3");
    assert_eq!(hbl3["created"], "2026-02-15T16:37:00Z");
    assert_eq!(hbl3["updated"], "2026-03-09T11:12:00Z");
    assert_eq!(hbl3["closed"], "2026-03-09T11:12:00Z");
    assert_eq!(hbl3["due"], "2026-03-01");
    assert_eq!(item(&items, "HBL-12")["created"], "2026-06-14T09:05:00Z");
    assert_eq!(item(&items, "HBL-12")["due"], "2026-06-30");
    // In progress: work started when the status category last changed.
    assert_eq!(item(&items, "HBL-1")["started"], "2026-01-19T10:02:00Z");
    assert_eq!(item(&items, "HBL-2")["started"], Value::Null);
    assert_eq!(item(&items, "HBL-2")["closed"], Value::Null);
}

#[test]
fn cloud_all_fields_dates_in_the_configured_zone() {
    let (dir, path) = config(BERLIN);
    let items = items_in(dir.path(), &["-c", &path, "-s", &jira("cloud-all-fields.csv")]);
    let hbl3 = item(&items, "HBL-3");
    // 4:37 PM in Berlin in February (CET, UTC+1).
    assert_eq!(hbl3["created"], "2026-02-15T15:37:00Z");
    assert_eq!(hbl3["closed"], "2026-03-09T10:12:00Z");
    // 9:05 AM in Berlin in June (CEST, UTC+2).
    assert_eq!(item(&items, "HBL-12")["created"], "2026-06-14T07:05:00Z");
    // Due dates are calendar dates: `01/Mar/26 12:00 AM` is the 1st wherever it is read,
    // never 2026-02-28 after a shift to UTC.
    assert_eq!(hbl3["due"], "2026-03-01");
    assert_eq!(item(&items, "HBL-12")["due"], "2026-06-30");
    assert_eq!(item(&items, "HBL-1")["due"], "2026-03-31");
}

#[test]
fn rolecall_toml_in_the_working_directory_is_used() {
    let (dir, _) = config(BERLIN);
    let items = items_in(dir.path(), &["-s", &jira("cloud-all-fields.csv")]);
    assert_eq!(item(&items, "HBL-3")["created"], "2026-02-15T15:37:00Z");
}

#[test]
fn a_source_entry_sets_the_zone_of_that_source_only() {
    let cloud = jira("cloud-all-fields.csv");
    let server = jira("server-2016.csv");
    let text = format!(
        "[[source]]\nspec = {}\ntimezone = \"America/New_York\"\n",
        Value::String(cloud.clone())
    );
    let (dir, path) = config(&text);
    let items = items_in(dir.path(), &["-c", &path, "-s", &cloud, "-s", &server]);
    assert_eq!(items.len(), 27);
    // 4:37 PM in New York (EST, UTC-5).
    assert_eq!(item(&items, "HBL-3")["created"], "2026-02-15T21:37:00Z");
    // The other source keeps the default zone, UTC.
    assert_eq!(item(&items, "FOP-8")["created"], "2016-10-05T10:20:00Z");
}

#[test]
fn cloud_all_fields_snapshot_has_milestones_and_source_info() {
    let spec = jira("cloud-all-fields.csv");
    let (code, stdout, stderr) = run(&["items", "--format", "snapshot", "-s", &spec]);
    assert_eq!(code, 0, "{stderr}");
    let snap: Value = serde_json::from_str(&stdout).expect("snapshot JSON");
    assert_eq!(snap["schema_version"], 1);
    assert_eq!(snap["items"].as_array().map(Vec::len), Some(15));
    let mut titles: Vec<&str> = snap["milestones"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["title"].as_str().unwrap())
        .collect();
    titles.sort();
    assert_eq!(titles, ["2026.03", "2026.04", "2026.07"]);
    assert!(snap["milestones"].as_array().unwrap().iter().any(|m| m["id"] == "jira:HBL/2026.03"));
    let source = &snap["sources"][0];
    assert_eq!(source["spec"], spec);
    assert_eq!(source["format"], "jira");
    assert_eq!(source["items"], 15);
    // The newest `updated` in the file.
    assert_eq!(source["data_as_of"], "2026-06-16T18:45:00Z");
}

#[test]
fn table_output_lists_every_item() {
    let (code, stdout, stderr) = run(&["items", "-s", &jira("cloud-all-fields.csv")]);
    assert_eq!(code, 0, "{stderr}");
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(lines[0].starts_with("KEY"), "{stdout}");
    assert_eq!(lines.last(), Some(&"15 items"));
    assert!(stdout.contains("HBL-4   bug       cancelled"), "{stdout}");
    assert!(stderr.is_empty(), "{stderr}");
}

#[test]
fn the_same_export_twice_is_merged_by_id() {
    let path = fixture("jira/cloud-all-fields.csv");
    let items = items(&["-s", &format!("jira:{path}"), "-s", &format!("csv:{path}"), "-s", &path]);
    assert_eq!(items.len(), 15);
    // Read once, with a warning (it was read three times and listed three times).
    let (code, _, err) = run(&["items", "-s", &format!("jira:{path}"), "-s", &path]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("reads the same file as -s jira:"), "{err}");
}

// ---------------------------------------------------------------- server-2016.csv

#[test]
fn server_2016_old_column_names() {
    let items = items(&["-s", &jira("server-2016.csv")]);
    assert_eq!(items.len(), 12);
    let fop8 = item(&items, "FOP-8");
    assert_eq!(fop8["kind"], "story");
    assert_eq!(fop8["state"], "in-progress");
    assert_eq!(fop8["milestone"], "1.5.0"); // `Fix Version/s`
    assert_eq!(fop8["due"], "2016-11-25"); // `Due Date`
    assert_eq!(strings(&fop8["components"]), ["Android", "Backend"]); // `Component/s` x2
    assert_eq!(fop8["iteration"], "FOP Sprint 14"); // the last of three sprints
    assert_eq!(fop8["parent"], "jira:FOP-2"); // `Custom field (Epic Link)`
    assert_eq!(fop8["estimate"].as_f64(), Some(5.0)); // `5.0` story points
    assert_eq!(fop8["time_estimate"], 144000);
    assert_eq!(fop8["created"], "2016-10-05T10:20:00Z");
    assert_eq!(strings(&fop8["labels"]), ["maps"]);
    assert_eq!(item(&items, "FOP-4")["estimate"].as_f64(), Some(0.5));
    assert_eq!(item(&items, "FOP-7")["estimate"].as_f64(), Some(13.0));
    assert_eq!(strings(&item(&items, "FOP-11")["labels"]), ["sync", "ux"]);
    // A sub-task's `Parent id` is the parent's numeric `Issue id`.
    let sub = item(&items, "FOP-10");
    assert_eq!(sub["kind"], "sub-task");
    assert_eq!(sub["parent"], "jira:FOP-11");
    assert_eq!(item(&items, "FOP-1")["kind"], "epic");
    assert_eq!(item(&items, "FOP-1")["parent"], Value::Null);
    assert_eq!(item(&items, "FOP-3")["iteration"], Value::Null);
    for it in &items {
        let fields = it["fields"].as_object().unwrap();
        assert!(!fields.contains_key("Component/s"), "{}", it["key"]);
        assert!(!fields.contains_key("Custom field (Epic Link)"), "{}", it["key"]);
    }
}

#[test]
fn server_2016_states_from_status_and_resolution() {
    let items = items(&["-s", &jira("server-2016.csv")]);
    let state = |key: &str| item(&items, key)["state"].as_str().unwrap().to_string();
    assert_eq!(state("FOP-12"), "cancelled"); // Closed, Duplicate
    assert_eq!(state("FOP-9"), "done"); // Resolved, Fixed
    assert_eq!(state("FOP-6"), "done"); // Closed, Fixed
    assert_eq!(state("FOP-11"), "open"); // Reopened, no resolution
    assert_eq!(state("FOP-7"), "open"); // Open
    assert_eq!(state("FOP-1"), "in-progress"); // In Progress
    let fop6 = item(&items, "FOP-6");
    assert_eq!(fop6["closed"], "2016-10-10T09:40:00Z");
    assert_eq!(fop6["due"], "2016-10-07");
    assert_eq!(fop6["comments"], 2);
    assert_eq!(item(&items, "FOP-12")["comments"], 1);
    let snap_milestones: Vec<String> = items
        .iter()
        .filter_map(|i| i["milestone"].as_str().map(String::from))
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    assert_eq!(snap_milestones, ["1.4.0", "1.4.1", "1.5.0", "1.6.0"]);
}

// ---------------------------------------------------------------- current-fields-bom.csv

#[test]
fn bom_does_not_leak_into_the_first_header() {
    let path = fixture("jira/current-fields-bom.csv");
    let bytes = std::fs::read(&path).unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBFIssue Type,"), "the fixture must start with a BOM");
    for spec in [format!("jira:{path}"), format!("csv:{path}")] {
        let items = items(&["-s", &spec]);
        assert_eq!(items.len(), 8, "{spec}");
        for it in &items {
            // `Issue Type` is the first column: with a BOM left on it, kinds would all be
            // the default `issue` and the header would turn up in `fields`.
            assert_ne!(it["kind"], "issue", "{spec}: {it}");
            let fields = it["fields"].as_object().unwrap();
            assert!(fields.keys().all(|k| !k.contains('\u{feff}')), "{spec}: {fields:?}");
            assert!(!fields.contains_key("Issue Type"), "{spec}: {fields:?}");
        }
        let cra7 = item(&items, "CRA-7");
        assert_eq!(cra7["kind"], "bug");
        assert_eq!(cra7["state"], "in-progress");
        assert_eq!(cra7["due"], "2026-03-27");
        assert_eq!(cra7["created"], "2026-03-23T16:40:00Z");
        assert_eq!(item(&items, "CRA-1")["kind"], "epic");
        // Status `Done`, resolution `Won't Do`, no status category column.
        assert_eq!(item(&items, "CRA-2")["state"], "cancelled");
        assert_eq!(item(&items, "CRA-6")["state"], "done");
        assert_eq!(
            item(&items, "CRA-8")["title"],
            "As a courier, I want to mark a parcel \"left with neighbour\", so the customer knows where it is."
        );
        assert_eq!(
            item(&items, "CRA-8")["fields"]["Assignee Id"],
            "712020:0d6b1c2a-7e44-4f1d-9a3b-5c8e2f10a7b4"
        );
    }
}

// ---------------------------------------------------------------- excel re-saves

#[test]
fn excel_resave_day_first_crlf_and_blank_rows() {
    let path = fixture("jira/excel-resave.csv");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("\r\n"), "the fixture must have CRLF line ends");
    assert!(
        text.lines().filter(|l| l.trim_matches(|c| c == ',' || c == '\r').is_empty()).count() >= 50
    );
    let items = items(&["-s", &format!("jira:{path}")]);
    assert_eq!(items.len(), 10, "blank rows are skipped");
    let tsk7 = item(&items, "TSK-7");
    assert_eq!(tsk7["created"], "2017-02-16T15:26:00Z");
    assert_eq!(tsk7["closed"], "2017-02-17T10:02:00Z");
    assert_eq!(tsk7["state"], "done");
    assert_eq!(tsk7["milestone"], "1.9.1");
    // Values that alone could be either order are read day-first, as the column shows.
    assert_eq!(item(&items, "TSK-2")["created"], "2017-02-01T08:30:00Z");
    assert_eq!(item(&items, "TSK-10")["created"], "2017-03-02T09:41:00Z");
    // `Due Date` has no value above 12 at all; the other date columns of the file decide.
    assert_eq!(item(&items, "TSK-8")["due"], "2017-03-03");
    assert_eq!(item(&items, "TSK-2")["due"], "2017-02-03");
    assert_eq!(item(&items, "TSK-9")["due"], "2017-03-10");
    assert_eq!(item(&items, "TSK-6")["state"], "cancelled");
    assert_eq!(item(&items, "TSK-10")["estimate"].as_f64(), Some(8.0));
    assert_eq!(item(&items, "TSK-9")["iteration"], "TSK Sprint 7");
    // No stray carriage returns in values.
    for it in &items {
        assert!(!it["title"].as_str().unwrap().contains('\r'), "{it}");
        assert!(!it["key"].as_str().unwrap().contains('\r'), "{it}");
    }
    assert_eq!(item(&items, "TSK-1")["fields"]["Custom field (Rank)"], "0|i0011z:");
}

#[test]
fn excel_resave_in_berlin_shifts_instants_not_due_dates() {
    let (dir, path) = config(BERLIN);
    let items = items_in(dir.path(), &["-c", &path, "-s", &jira("excel-resave.csv")]);
    assert_eq!(item(&items, "TSK-7")["created"], "2017-02-16T14:26:00Z");
    assert_eq!(item(&items, "TSK-8")["due"], "2017-03-03");
}

#[test]
fn excel_resave_month_first() {
    let items = items(&["-s", &jira("excel-resave-us.csv")]);
    assert_eq!(items.len(), 8);
    assert_eq!(item(&items, "TSK-7")["created"], "2017-02-16T15:26:00Z");
    assert_eq!(item(&items, "TSK-9")["updated"], "2017-03-01T17:55:00Z");
    // `3/2/2017` is the 2nd of March in a month-first file.
    assert_eq!(item(&items, "TSK-10")["created"], "2017-03-02T09:41:00Z");
    assert_eq!(item(&items, "TSK-8")["due"], "2017-03-03");
    assert_eq!(item(&items, "TSK-9")["due"], "2017-03-10");
    assert_eq!(item(&items, "TSK-4")["due"], "2017-03-31");
    assert_eq!(item(&items, "TSK-8")["state"], "done");
}

#[test]
fn configured_date_order_agrees_with_the_file() {
    let (dir, path) = config("date-order = \"month-first\"\n");
    let items = items_in(dir.path(), &["-c", &path, "-s", &jira("excel-resave-us.csv")]);
    assert_eq!(item(&items, "TSK-10")["created"], "2017-03-02T09:41:00Z");
}

// ---------------------------------------------------------------- windows-1252.csv

#[test]
fn windows_1252_is_decoded() {
    let path = fixture("jira/windows-1252.csv");
    let bytes = std::fs::read(&path).unwrap();
    assert!(std::str::from_utf8(&bytes).is_err(), "the fixture must not be UTF-8");
    assert!(bytes.contains(&0x80), "the fixture must hold a Windows-1252 euro sign");
    let spec = format!("jira:{path}");
    let (code, stdout, stderr) = run(&["items", "--format", "json", "-s", &spec]);
    assert_eq!(code, 0, "{stderr}");
    // The user is told the encoding was guessed.
    assert!(stderr.contains("Windows-1252"), "{stderr}");
    let items: Vec<Value> = serde_json::from_str(&stdout).unwrap();
    assert_eq!(items.len(), 4);
    assert_eq!(item(&items, "KAS-4")["title"], "Café menu – prices in €");
    assert_eq!(item(&items, "KAS-3")["title"], "Überweisung fails for “Müller” accounts");
    assert_eq!(strings(&item(&items, "KAS-4")["assignees"]), ["José Núñez"]);
    assert_eq!(item(&items, "KAS-4")["author"], "Jürgen Groß");
    assert_eq!(strings(&item(&items, "KAS-2")["assignees"]), ["Zoë Brontë"]);
    assert_eq!(item(&items, "KAS-1")["title"], "Tip jar • rounding to 0,10 €");
    assert_eq!(item(&items, "KAS-1")["body"], "“Not needed”, says Renée.");
    assert_eq!(item(&items, "KAS-1")["state"], "cancelled"); // Closed, Won't Fix
    assert_eq!(strings(&item(&items, "KAS-3")["components"]), ["Zahlung"]);
    // `-q` silences the warning.
    let (code, _, stderr) = run(&["-q", "items", "-s", &spec]);
    assert_eq!((code, stderr.as_str()), (0, ""));
}

// ---------------------------------------------------------------- many-columns.csv

#[test]
fn many_repeated_columns() {
    let path = fixture("jira/many-columns.csv");
    let header = std::fs::read_to_string(&path).unwrap();
    let header = header.lines().next().unwrap();
    assert_eq!(header.matches(",Comment").count(), 300);
    assert_eq!(header.matches(",Log Work").count(), 150);
    assert_eq!(header.matches(",Attachment").count(), 40);

    let items = items(&["-s", &format!("jira:{path}")]);
    assert_eq!(items.len(), 20);
    // The counts fixtures/jira/make_many_columns.py writes.
    let count = |v: &Value| match v {
        Value::Null => 0,
        Value::String(_) => 1,
        Value::Array(a) => a.len(),
        other => panic!("{other}"),
    };
    for n in 1..=20u64 {
        let key = format!("MNY-{n}");
        let it = item(&items, &key);
        let (comments, logs, files) =
            if n == 7 { (300, 150, 40) } else { ((n * 7) % 11, n % 4, u64::from(n % 5 == 0)) };
        assert_eq!(it["comments"], comments, "{key}");
        assert_eq!(count(&it["fields"]["Log Work"]) as u64, logs, "{key}");
        assert_eq!(count(&it["fields"]["Attachment"]) as u64, files, "{key}");
        assert!(it["fields"].get("Comment").is_none(), "{key}");
        assert_eq!(it["state"], if n % 3 == 0 { "done" } else { "open" }, "{key}");
    }
    let busy = item(&items, "MNY-7");
    let logs = strings(&busy["fields"]["Log Work"]);
    assert!(logs.iter().all(|l| l.split(';').count() == 4), "{logs:?}");
    assert_eq!(strings(&busy["fields"]["Attachment"])[39].rsplit('/').next(), Some("20739"));
}

// ---------------------------------------------------------------- format detection

#[test]
fn csv_prefix_and_bare_paths_detect_jira() {
    for name in [
        "cloud-all-fields.csv",
        "server-2016.csv",
        "current-fields-bom.csv",
        "excel-resave.csv",
        "excel-resave-us.csv",
        "windows-1252.csv",
        "many-columns.csv",
    ] {
        let path = fixture(&format!("jira/{name}"));
        let want = items(&["-s", &format!("jira:{path}")]);
        for spec in [format!("csv:{path}"), path.clone()] {
            let (code, stdout, stderr) = run(&["-q", "items", "--format", "snapshot", "-s", &spec]);
            assert_eq!(code, 0, "{spec}: {stderr}");
            let snap: Value = serde_json::from_str(&stdout).unwrap();
            assert_eq!(snap["sources"][0]["format"], "jira", "{spec}");
            assert_eq!(snap["sources"][0]["spec"], spec.as_str());
            let got = snap["items"].as_array().unwrap();
            assert_eq!(got.len(), want.len(), "{spec}");
            for (a, b) in got.iter().zip(&want) {
                // Identical but for the source spec each item records.
                let mut a = a.clone();
                a["source"] = b["source"].clone();
                assert_eq!(&a, b, "{spec}");
            }
        }
    }
}

#[test]
fn relative_paths_with_spaces_are_named_as_given() {
    let dir = tempfile::tempdir().unwrap();
    let bytes = std::fs::read(fixture("jira/server-2016.csv")).unwrap();
    write(dir.path(), "exports/Field Ops (2016).csv", bytes);
    let (code, stdout, stderr) = run_in(
        dir.path(),
        &["items", "--format", "json", "-s", "jira:exports/Field Ops (2016).csv"],
        &[],
    );
    assert_eq!(code, 0, "{stderr}");
    let items: Vec<Value> = serde_json::from_str(&stdout).unwrap();
    assert_eq!(items.len(), 12);
    assert_eq!(items[0]["source"], "jira:exports/Field Ops (2016).csv");
}

// ---------------------------------------------------------------- real exports

/// The real exports described in ../shared/samples/README.md, when that folder exists.
fn samples() -> Option<std::path::PathBuf> {
    common::sample("jira")
}

#[test]
fn real_samples_import() {
    let Some(dir) = samples() else { return };
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "csv"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no CSV in {}", dir.display());
    let expected = [
        ("agile-delivery-simulation.csv", 68),
        ("current-fields-bom.csv", 20),
        ("herokudeploy-2018.csv", 90),
    ];
    for file in &files {
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        let path = file.to_string_lossy().into_owned();
        for spec in [format!("jira:{path}"), format!("csv:{path}")] {
            let items = items(&["-s", &spec]);
            if let Some((_, n)) = expected.iter().find(|(f, _)| *f == name) {
                assert_eq!(items.len(), *n, "{name}");
            }
            let mut keys = std::collections::HashSet::new();
            for it in &items {
                let key = it["key"].as_str().unwrap();
                assert!(keys.insert(key.to_string()), "{name}: {key} twice");
                assert_eq!(it["id"], format!("jira:{key}"), "{name}");
                assert!(!it["title"].as_str().unwrap().trim().is_empty(), "{name}: {key}");
                assert!(it["created"].is_string(), "{name}: {key} has no created");
                assert!(!it["kind"].as_str().unwrap().is_empty(), "{name}: {key}");
                let fields = it["fields"].as_object().unwrap();
                assert!(fields.keys().all(|k| !k.starts_with('\u{feff}')), "{name}: {key}");
            }
        }
    }
}

#[test]
fn real_sample_herokudeploy_old_shape() {
    let Some(dir) = samples() else { return };
    let path = dir.join("herokudeploy-2018.csv");
    if !path.exists() {
        eprintln!("skipped: {} is absent", path.display());
        return;
    }
    let items = items(&["-s", &format!("jira:{}", path.display())]);
    assert_eq!(items.len(), 90);
    // `Fix Version/s` → milestone, `Custom field (Epic Link)` → parent.
    assert_eq!(items.iter().filter(|i| i["milestone"].is_string()).count(), 52);
    assert_eq!(items.iter().filter(|i| i["parent"].is_string()).count(), 59);
    let jwp13 = item(&items, "JWP-13");
    assert_eq!(jwp13["milestone"], "1.0");
    assert_eq!(jwp13["parent"], "jira:JWP-99");
    assert_eq!(jwp13["iteration"], "JwProgra Sprint 3");
    assert_eq!(jwp13["estimate"].as_f64(), Some(5.0));
    assert_eq!(jwp13["time_estimate"], 144000);
    assert_eq!(jwp13["created"], "2016-06-28T09:27:00Z");
    assert_eq!(jwp13["comments"], 1);
    assert_eq!(items.iter().filter(|i| i["iteration"].is_string()).count(), 19);
}

#[test]
fn real_sample_agile_delivery_cloud_shape() {
    let Some(dir) = samples() else { return };
    let path = dir.join("agile-delivery-simulation.csv");
    if !path.exists() {
        eprintln!("skipped: {} is absent", path.display());
        return;
    }
    let items = items(&["-s", &format!("jira:{}", path.display())]);
    assert_eq!(items.len(), 68);
    // `Labels` x5 become lists.
    assert_eq!(items.iter().filter(|i| strings(&i["labels"]).len() >= 2).count(), 18);
    assert_eq!(
        strings(&item(&items, "CS4483-64")["labels"]),
        ["collaboration", "documentation", "writing"]
    );
    assert_eq!(items.iter().filter(|i| i["parent"].is_string()).count(), 54);
    let count = |state: &str| items.iter().filter(|i| i["state"] == state).count();
    assert_eq!((count("done"), count("in-progress"), count("open")), (13, 4, 51));
    assert_eq!(items.iter().filter(|i| i["kind"] == "sub-task").count(), 33);
    assert_eq!(item(&items, "CS4483-68")["created"], "2026-02-15T16:37:00Z");
    // `Inward issue link (Cloners)` → cloned-by.
    assert!(items.iter().any(|i| links(i).iter().any(|(k, _)| k == "cloned-by")));
}

#[test]
fn real_samples_with_a_zone() {
    let Some(dir) = samples() else { return };
    let path = dir.join("agile-delivery-simulation.csv");
    if !path.exists() {
        eprintln!("skipped: {} is absent", path.display());
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let cfg = write(tmp.path(), "rolecall.toml", "timezone = \"America/Toronto\"\n");
    let items = items_in(tmp.path(), &["-c", &cfg, "-s", &format!("jira:{}", path.display())]);
    // 4:37 PM in Toronto in February (EST, UTC-5).
    assert_eq!(item(&items, "CS4483-68")["created"], "2026-02-15T21:37:00Z");
}

#[test]
fn a_quote_inside_an_unquoted_value_is_a_plain_character() {
    // Hand-edited files write `27" monitor` without quoting it; the csv reader keeps the
    // quote as text, and the last row must get the same treatment as the others.
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        dir.path(),
        "edited.csv",
        "Summary,Issue key,Issue Type,Status\nBuy 27\" monitor,IT-1,Task,To Do\nBuy 24\" monitor,IT-2,Task,To Do\n",
    );
    let items = items(&["-s", &format!("jira:{p}")]);
    assert_eq!(item(&items, "IT-1")["title"], "Buy 27\" monitor");
    assert_eq!(item(&items, "IT-2")["title"], "Buy 24\" monitor");
}

/// A numeric `Parent` id whose issue is not in the export (or with no `Issue id` column
/// to turn ids into keys) is kept as written in `fields`, not dropped.
#[test]
fn numeric_parents_not_in_the_export_are_kept() {
    let dir = tempfile::tempdir().expect("temp dir");
    let with_ids = "Summary,Issue key,Issue id,Issue Type,Status,Parent\n\
                    Epic,P-1,10001,Epic,To Do,\n\
                    Child,P-2,10002,Story,To Do,99999\n\
                    Other,P-3,10003,Story,To Do,10001\n";
    write(dir.path(), "ids.csv", with_ids);
    let found = items_in(dir.path(), &["-s", "jira:ids.csv"]);
    assert_eq!(item(&found, "P-2")["parent"], Value::Null);
    assert_eq!(item(&found, "P-2")["fields"]["Parent"], "99999");
    assert_eq!(item(&found, "P-3")["parent"], "jira:P-1");
    assert_eq!(item(&found, "P-3")["fields"].get("Parent"), None);
    write(dir.path(), "no-ids.csv", "Summary,Issue key,Status,Parent\nChild,P-2,To Do,10001\n");
    let found = items_in(dir.path(), &["-s", "jira:no-ids.csv"]);
    assert_eq!(item(&found, "P-2")["fields"]["Parent"], "10001");
}

/// An epic that names itself as its parent counted among its own children ("1/4" for
/// an epic of three stories): the link is dropped, with a warning.
#[test]
fn an_item_that_is_its_own_parent_has_none() {
    let dir = tempfile::tempdir().expect("temp dir");
    let csv = "Summary,Issue key,Issue Type,Status,Created,Parent key\n\
               Checkout,E-3,Epic,In Progress,2026-11-01 10:00,E-3\n\
               Pay,S-1,Story,Done,2026-11-02 10:00,E-3\n\
               Ship,S-2,Story,To Do,2026-11-02 10:00,E-3\n";
    common::write(dir.path(), "e.csv", csv);
    let (code, out, err) =
        common::run_in(dir.path(), &["items", "-s", "jira:e.csv", "--format", "json"], &[]);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("jira:e.csv: 1 item named as its own parent; read as having none"),
        "{err}"
    );
    let items: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    let epic = common::item(items.as_array().expect("items"), "E-3");
    assert!(epic.get("parent").is_none_or(|p| p.is_null()), "{epic}");
    assert_eq!(common::item(items.as_array().expect("items"), "S-1")["parent"], "jira:E-3");
}

/// Without a `Status Category` column, a status that says open wins over a resolution the
/// workflow left behind (a real export's five `Reopened` issues kept `Fixed` and its
/// report said "all 64 items done"); a name the table does not know still lets the
/// resolution decide, and `Aborted` work is cancelled, not done.
#[test]
fn a_reopened_issue_with_an_old_resolution_is_open() {
    let dir = tempfile::tempdir().expect("temp dir");
    let csv = "Issue Type,Issue key,Summary,Status,Resolution,Created,Resolved\n\
               Bug,RB-1,Totals wrong,Reopened,Fixed,2016-10-03 10:00,2016-10-10 10:00\n\
               Bug,RB-2,Header cut off,Verified - UAT,Fixed,2016-10-03 10:00,2016-10-11 10:00\n\
               Task,RB-3,Old export path,Aborted,,2016-10-03 10:00,\n\
               Task,RB-4,Rework the layout,In Progress,Done,2016-10-03 10:00,2016-10-12 10:00\n";
    let path = write(dir.path(), "export.csv", csv);
    let found = items_in(dir.path(), &["-s", &format!("jira:{path}")]);
    let state = |k: &str| item(&found, k)["state"].as_str().map(str::to_string);
    assert_eq!(state("RB-1").as_deref(), Some("open"));
    assert_eq!(state("RB-2").as_deref(), Some("done"));
    assert_eq!(state("RB-3").as_deref(), Some("cancelled"));
    assert_eq!(state("RB-4").as_deref(), Some("in-progress"));
}
