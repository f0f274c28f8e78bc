//! Linear, Asana, GitHub Projects and mapped-CSV exports through the binary: what a user
//! sees in `rolecall items`, detection by `csv:`, and bad input (exit 2, the file, line,
//! column and value in the first stderr line).
//!
//! Fixtures in `fixtures/{linear,asana,github-projects,mapped}/` are invented data in the
//! shapes real exports have; `linear_real_sample` reads the real Linear export in
//! `../shared/samples/` when present.

use std::path::Path;

use serde_json::Value;

use crate::common::{self, fixture, item, items, items_in, run, run_in, strings, write};

fn spec(kind: &str, rel: &str) -> String {
    format!("{kind}:{}", fixture(rel))
}

fn links(item: &Value) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = item["links"]
        .as_array()
        .expect("links is a list")
        .iter()
        .map(|l| {
            (
                l["kind"].as_str().expect("link kind").to_string(),
                l["target"].as_str().expect("link target").to_string(),
            )
        })
        .collect();
    out.sort();
    out
}

/// `rolecall ARGS` in `dir` must fail with exit 2 and nothing on stdout; returns the
/// first stderr line.
fn error_in(dir: &Path, args: &[&str]) -> String {
    let (code, stdout, stderr) = run_in(dir, args, &[]);
    assert_eq!(code, 2, "rolecall {args:?}: exit {code}\nstdout:\n{stdout}\nstderr:\n{stderr}");
    assert_eq!(stdout, "", "rolecall {args:?} wrote to stdout although it failed");
    assert!(!stderr.contains("panicked"), "{stderr}");
    stderr.lines().next().unwrap_or_default().to_string()
}

/// `rolecall items -s SPEC` must fail; the first stderr line.
fn import_error(spec: &str) -> String {
    let (code, stdout, stderr) = run(&["items", "-s", spec]);
    assert_eq!(code, 2, "{spec}: exit {code}\nstdout:\n{stdout}\nstderr:\n{stderr}");
    assert_eq!(stdout, "");
    assert!(!stderr.contains("panicked"), "{stderr}");
    stderr.lines().next().unwrap_or_default().to_string()
}

fn bad(name: &str) -> String {
    fixture(&format!("bad/{name}"))
}

/// The format `-v` says `csv:` detected for `path`, and the item count.
fn detected(path: &str) -> (String, usize) {
    let (code, stdout, stderr) =
        run(&["-v", "items", "--format", "json", "-s", &format!("csv:{path}")]);
    assert_eq!(code, 0, "{stderr}");
    let line = stderr
        .lines()
        .find(|l| l.contains(": detected a"))
        .unwrap_or_else(|| panic!("no detection line in:\n{stderr}"));
    let rest = line.split(": detected a").nth(1).expect("text after the marker");
    let format = rest.trim_start_matches('n').trim().trim_end_matches(" export").to_string();
    let items: Vec<Value> = serde_json::from_str(&stdout).expect("JSON");
    (format, items.len())
}

// ---------------------------------------------------------------- Linear

#[test]
fn linear_newer_export_fields() {
    let s = spec("linear", "linear/export-2025.csv");
    let items = items(&["-s", &s]);
    assert_eq!(items.len(), 6);
    let e1 = item(&items, "ENG-1");
    assert_eq!(e1["id"], "linear:ENG-1");
    assert_eq!(e1["source"], s);
    assert_eq!(e1["kind"], "issue");
    assert_eq!(e1["state"], "in-progress");
    assert_eq!(e1["status"], "In Progress");
    assert_eq!(strings(&e1["labels"]), ["Feature", "Billing"]);
    assert_eq!(e1["project"], "Billing revamp");
    assert_eq!(e1["team"], "Platform");
    assert_eq!(e1["milestone"], "Beta");
    assert_eq!(e1["iteration"], "Sprint Aurora");
    assert_eq!(e1["priority"], "High");
    assert_eq!(e1["estimate"], 8.0);
    assert_eq!(e1["author"], "ana@example.com");
    assert_eq!(strings(&e1["assignees"]), ["ana@example.com"]);
    assert_eq!(e1["created"], "2025-01-06T09:00:00Z");
    assert_eq!(e1["started"], "2025-01-07T11:30:00Z");
    assert_eq!(e1["due"], "2025-02-28");
    assert_eq!(e1["closed"], Value::Null);
    assert_eq!(e1["fields"]["Project ID"], "p-1");
    // Cycle without a name: its number.
    assert_eq!(item(&items, "ENG-2")["iteration"], "Cycle 12");
}

/// Cycles are a team's: two teams' "Cycle 3" are two cycles at their own dates, each
/// named by its team, and a cycle planned ahead is not the current one.
#[test]
fn linear_cycles_of_two_teams_are_two_cycles() {
    let dir = tempfile::tempdir().expect("temp dir");
    let head = "ID,Team,Title,Status,Cycle Number,Cycle Name,Cycle Start,Cycle End,Created\n";
    let row = |id: &str, team: &str, n: &str, start: &str, end: &str| {
        format!("{id},{team},Work {id},Todo,{n},,{start},{end},2026-01-05\n")
    };
    // The export of `rows` as `name`, and its project report as of 2026-02-12.
    let report = |name: &str, rows: &[String]| {
        let path = common::write(
            dir.path(),
            &format!("{name}.csv"),
            [head.to_string()].iter().chain(rows).cloned().collect::<String>(),
        );
        let s = format!("linear:{path}");
        let args = ["report", "-s", &s, "--as-of", "2026-02-12", "-o", name, "--format", "md"];
        let (code, _, err) = common::run_in(dir.path(), &args, &[]);
        assert_eq!(code, 0, "{err}");
        let project = std::fs::read_to_string(dir.path().join(name).join("2026-W07/project.md"));
        (s, project.expect("the report"))
    };
    let (s, project) = report(
        "teams",
        &[
            row("ENG-1", "Engineering", "3", "2026-02-02", "2026-02-16"),
            row("ENG-2", "Engineering", "3", "2026-02-02", "2026-02-16"),
            row("DES-1", "Design", "3", "2026-03-02", "2026-03-16"),
        ],
    );
    let found = items(&["-s", &s]);
    assert_eq!(item(&found, "ENG-1")["iteration"], "Engineering Cycle 3");
    assert_eq!(item(&found, "DES-1")["iteration"], "Design Cycle 3");
    // Nothing done: the sprints in a sentence, each with its dates.
    assert!(
        project.contains("Design Cycle 3 (2026-03-02 to 2026-03-16, 🟢 Green) holds"),
        "{project}"
    );
    assert!(
        project.contains("Engineering Cycle 3 (current, 2026-02-02 to 2026-02-16, 🔴 Red) holds"),
        "{project}"
    );
    // Teams whose names have digits keep boards of their own.
    let (_, project) = report(
        "squads",
        &[
            row("SQA-1", "Squad 1", "5", "2026-02-09", "2026-02-22"),
            row("SQB-1", "Squad 2", "4", "2026-01-26", "2026-02-08"),
            row("SQB-2", "Squad 2", "5", "2026-02-09", "2026-02-22"),
        ],
    );
    assert!(project.contains(" Squad 1 Cycle 5 (current, "), "{project}");
    assert!(project.contains(" Squad 2 Cycle 5 (current, "), "{project}");
    assert!(
        project.contains("1 item left open in finished sprints (Squad 2 Cycle 4: 1)"),
        "{project}"
    );
    // One team: the cycle keeps its plain name.
    let one = common::write(
        dir.path(),
        "one.csv",
        [head.to_string(), row("ENG-1", "Engineering", "3", "2026-02-02", "2026-02-16")].concat(),
    );
    assert_eq!(item(&items(&["-s", &format!("linear:{one}")]), "ENG-1")["iteration"], "Cycle 3");
}

/// A view's `Target date` is the due date (overdue work is overdue), `Start date` the
/// start, a numeric `Estimate` the estimate; a T-shirt size stays in `fields`.
#[test]
fn github_projects_dates_and_estimates_are_mapped() {
    let dir = tempfile::tempdir().expect("temp dir");
    let tsv = "Title\tURL\tStatus\tTarget date\tStart date\tEstimate\tTeam\n\
               A\thttps://github.com/acme/api/issues/1\tIn Progress\t2026-11-20\t2026-11-02\t5\tPayments\n\
               B\thttps://github.com/acme/api/issues/2\tTodo\tTBD\t\tM\t\n";
    let path = common::write(dir.path(), "view.tsv", tsv);
    let found = items(&["-s", &format!("github-projects:{path}")]);
    let a = item(&found, "acme/api#1");
    // A planned start is a plan, not when work began (as the live source reads it).
    assert_eq!((a["due"].as_str(), a["started"].as_str()), (Some("2026-11-20"), None));
    assert_eq!(a["fields"]["Start date"], "2026-11-02");
    assert_eq!((a["estimate"].as_f64(), a["team"].as_str()), (Some(5.0), Some("Payments")));
    let b = item(&found, "acme/api#2");
    assert_eq!((b["estimate"].clone(), b["fields"]["Estimate"].as_str()), (Value::Null, Some("M")));
    // A date field that holds no date stays as written, and the import goes on.
    assert_eq!((b["due"].clone(), b["fields"]["Target date"].as_str()), (Value::Null, Some("TBD")));
}

/// A view's iteration field is named by the project: `Sprint` is as much an iteration as
/// GitHub's own `Iteration`, and `Weight` (GitHub's numeric estimate field) an estimate.
/// Two real board exports named theirs `Sprint` and read as "No item is in a sprint".
#[test]
fn github_projects_sprint_and_weight_columns_are_read() {
    let dir = tempfile::tempdir().expect("temp dir");
    let tsv = "Title\tURL\tStatus\tSprint\tWeight\n\
               A\thttps://github.com/acme/api/issues/1\tDone\tSprint 5\t3\n\
               B\thttps://github.com/acme/api/issues/2\tTodo\tSprint 6\t\n";
    let path = common::write(dir.path(), "view.tsv", tsv);
    let found = items(&["-s", &format!("github-projects:{path}")]);
    let a = item(&found, "acme/api#1");
    assert_eq!((a["iteration"].as_str(), a["estimate"].as_f64()), (Some("Sprint 5"), Some(3.0)));
    assert_eq!(item(&found, "acme/api#2")["iteration"], "Sprint 6");
    assert!(a["fields"].get("Sprint").is_none(), "{a}");
}

/// A `Target date` written as GitHub's pages write it (`Mar 18, 2024`) is a due date; a
/// value that is no date is kept as text and a warning names the file, line, column and
/// value, once for the column, so "no item has a due date" is not left unexplained.
#[test]
fn github_projects_readable_due_dates_and_a_warning_for_the_rest() {
    let dir = tempfile::tempdir().expect("temp dir");
    let tsv = "Title\tURL\tStatus\tTarget date\n\
               A\thttps://github.com/a/b/issues/1\tTodo\tMar 18, 2024\n\
               B\thttps://github.com/a/b/issues/2\tTodo\tnext sprint\n\
               C\thttps://github.com/a/b/issues/3\tTodo\tTBD\n";
    let path = write(dir.path(), "view.tsv", tsv);
    let (code, stdout, stderr) =
        run(&["items", "--format", "json", "-s", &format!("github-projects:{path}")]);
    assert_eq!(code, 0, "{stderr}");
    let found: Vec<Value> = serde_json::from_str(&stdout).expect("JSON");
    assert_eq!(item(&found, "a/b#1")["due"], "2024-03-18");
    assert_eq!(item(&found, "a/b#2")["fields"]["Target date"], "next sprint");
    let warnings: Vec<&str> = stderr.lines().filter(|l| l.contains("is not a date")).collect();
    assert_eq!(warnings.len(), 1, "{stderr}");
    assert!(
        warnings[0].contains(&format!(
            "{path}:3: column \"Target date\": \"next sprint\" is not a date (and 1 more in this column); kept as text, so the item has no due date"
        )),
        "{stderr}"
    );
}

#[test]
fn linear_formula_guard_is_removed() {
    let items = items(&["-s", &spec("linear", "linear/export-2025.csv")]);
    let e2 = item(&items, "ENG-2");
    assert_eq!(e2["title"], "=cost per seat");
    assert!(e2["body"].as_str().unwrap().starts_with("-1 is not"), "{}", e2["body"]);
    assert_eq!(strings(&e2["labels"]), ["Bug", "@oncall"]);
    assert_eq!(e2["fields"]["SLA Status"], "+2 days");
}

#[test]
fn linear_states_from_dates_then_status() {
    let items = items(&["-s", &spec("linear", "linear/export-2025.csv")]);
    let expect = [
        ("ENG-1", "in-progress"), // Started
        ("ENG-2", "done"),        // Completed
        ("ENG-3", "open"),        // Todo, no dates
        ("ENG-4", "cancelled"),   // Canceled
        ("ENG-5", "in-progress"), // status name "In Review"
        ("WEB-7", "open"),        // Backlog
    ];
    for (key, state) in expect {
        assert_eq!(item(&items, key)["state"], state, "{key}");
    }
    assert_eq!(item(&items, "ENG-2")["closed"], "2025-01-15T16:06:19Z");
    assert_eq!(item(&items, "ENG-4")["closed"], "2025-01-10T09:00:00Z");
    // "No priority" is no priority.
    assert_eq!(item(&items, "ENG-3")["priority"], Value::Null);
}

#[test]
fn linear_status_map_wins_over_dates() {
    let dir = tempfile::tempdir().unwrap();
    let s = spec("linear", "linear/export-2025.csv");
    let cfg = write(
        dir.path(),
        "rolecall.toml",
        format!("[[source]]\nspec = \"{s}\"\nbase-url = \"https://linear.app/acme\"\nstatus-map = {{ \"In Review\" = \"done\", \"Duplicate\" = \"open\" }}\n"),
    );
    let items = items_in(dir.path(), &["-c", &cfg, "-s", &s]);
    assert_eq!(item(&items, "ENG-5")["state"], "done");
    assert_eq!(item(&items, "ENG-4")["state"], "open");
    assert_eq!(item(&items, "ENG-5")["url"], "https://linear.app/acme/issue/ENG-5");
}

#[test]
fn linear_parent_links_and_milestones() {
    let s = spec("linear", "linear/export-2025.csv");
    let items = items(&["-s", &s]);
    assert_eq!(item(&items, "ENG-2")["parent"], "linear:ENG-1");
    assert_eq!(
        links(item(&items, "ENG-3")),
        [
            ("blocked-by".to_string(), "linear:ENG-2".to_string()),
            ("blocked-by".to_string(), "linear:WEB-7".to_string()),
            ("relates-to".to_string(), "linear:ENG-4".to_string()),
        ]
    );
    assert_eq!(
        links(item(&items, "ENG-4")),
        [("duplicates".to_string(), "linear:ENG-3".to_string())]
    );
    let (code, stdout, stderr) = run(&["items", "--format", "snapshot", "-s", &s]);
    assert_eq!(code, 0, "{stderr}");
    let snap: Value = serde_json::from_str(&stdout).unwrap();
    let ids: Vec<&str> =
        snap["milestones"].as_array().unwrap().iter().map(|m| m["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["linear:Billing revamp/Beta", "linear:Billing revamp/GA"]);
}

#[test]
fn linear_rows_one_field_short() {
    let items = items(&["-s", &spec("linear", "linear/export-2024-short-rows.csv")]);
    assert_eq!(items.len(), 3);
    assert_eq!(item(&items, "OPS-1")["state"], "done");
    assert_eq!(item(&items, "OPS-2")["body"], "Multi-line\ndescription, with a comma");
    // A due date written as a JS date is the calendar date.
    assert_eq!(item(&items, "OPS-2")["due"], "2024-05-31");
    assert_eq!(item(&items, "OPS-3")["state"], "cancelled");
}

#[test]
fn linear_real_sample() {
    let Some(path) = common::sample("linear/nordic-backlog.csv") else { return };
    let p = path.to_string_lossy().into_owned();
    // Python's csv module counts 28 data rows (all but one a field short of the header).
    let items = items(&["-s", &format!("linear:{p}")]);
    assert_eq!(items.len(), 28);
    assert_eq!(item(&items, "IN-37")["state"], "in-progress");
    assert_eq!(item(&items, "IN-10")["state"], "done");
    assert_eq!(strings(&item(&items, "IN-10")["labels"]), ["Improvement"]);
    assert_eq!(item(&items, "IN-10")["created"], "2024-05-14T08:53:33Z");
    assert_eq!(detected(&p), ("linear".to_string(), 28));
}

#[test]
fn linear_detected_by_csv() {
    assert_eq!(detected(&fixture("linear/export-2025.csv")), ("linear".to_string(), 6));
    assert_eq!(detected(&fixture("linear/export-2024-short-rows.csv")), ("linear".to_string(), 3));
}

#[test]
fn linear_bad_inputs() {
    let p = bad("linear-duplicate-id.csv");
    assert_eq!(
        import_error(&format!("linear:{p}")),
        format!("error: {p}:4: column \"ID\": duplicate key ENG-1 (first on line 2)")
    );
    let p = bad("linear-bad-date.csv");
    let e = import_error(&format!("linear:{p}"));
    assert!(
        e.starts_with(&format!(
            "error: {p}:3: column \"Created\": cannot parse date \"Tue May 32 2024 08:53:33 GMT+0000 (GMT)\""
        )),
        "{e}"
    );
    let p = bad("linear-cycle-ends-before-it-starts.csv");
    assert_eq!(
        import_error(&format!("linear:{p}")),
        format!("error: {p}:2: column \"Cycle End\": Cycle End 2024-01-01 is before Cycle Start 2025-01-06")
    );
    let p = bad("linear-bad-link.csv");
    assert_eq!(
        import_error(&format!("linear:{p}")),
        format!("error: {p}:2: column \"Blocked by\": \"the login bug\" is not a Linear ID like ENG-123")
    );
    let p = bad("linear-estimate-not-number.csv");
    assert_eq!(
        import_error(&format!("linear:{p}")),
        format!("error: {p}:2: column \"Estimate\": estimate \"M\" is not a number")
    );
    let p = bad("linear-missing-id.csv");
    assert_eq!(
        import_error(&format!("linear:{p}")),
        format!("error: {p}: not a Linear export: missing column `ID` (found: `Identifier`, `Team`, `Title`, `Status`)")
    );
}

// ---------------------------------------------------------------- detection

#[test]
fn unknown_header_lists_every_format_tried() {
    let p = bad("linear-missing-id.csv");
    let e = import_error(&format!("csv:{p}"));
    assert_eq!(
        e,
        format!(
            "error: {p}: unrecognised export: tried Jira (needs columns `Issue key`, `Summary`), \
             Linear (needs columns `ID`, `Title`, `Status`, `Team`), Asana (needs columns `Task ID`, `Name`), \
             GitHub Projects (needs columns `Title` and one of `URL`, `Assignees`, `Repository`); \
             found columns: `Identifier`, `Team`, `Title`, `Status`. Name the format with a prefix such as \
             `jira:`, `linear:`, `asana:` or `github-projects:`, or map the columns in a [[source]] entry of rolecall.toml"
        )
    );
}

#[test]
fn jira_still_detected() {
    assert_eq!(detected(&fixture("jira/cloud-all-fields.csv")).0, "jira");
}

// ---------------------------------------------------------------- Asana

#[test]
fn asana_new_column_set() {
    let s = spec("asana", "asana/project-2024.csv");
    let items = items(&["-s", &s]);
    assert_eq!(items.len(), 4);
    let a = item(&items, "1205512345678901");
    assert_eq!(a["id"], "asana:1205512345678901");
    assert_eq!(a["kind"], "task");
    assert_eq!(a["title"], "Launch plan");
    assert_eq!(a["body"], "Plan the launch, end to end");
    assert_eq!(a["url"], "https://app.asana.com/0/0/1205512345678901");
    assert_eq!(a["status"], "In Progress");
    assert_eq!(a["state"], "in-progress");
    assert_eq!(strings(&a["labels"]), ["marketing", "launch"]);
    assert_eq!(strings(&a["assignees"]), ["Rosa Diaz"]);
    assert_eq!(a["project"], "Launch");
    assert_eq!(a["priority"], "High");
    assert_eq!(a["created"], "2024-03-01T00:00:00Z");
    assert_eq!(a["updated"], "2024-03-04T00:00:00Z");
    // A planned start is a plan, not when work began: kept as written, not `started`.
    assert_eq!(a["started"], Value::Null);
    assert_eq!(a["fields"]["Start Date"], "2024-03-02");
    assert_eq!(a["due"], "2024-03-15");
    // Custom fields and unmapped columns are kept.
    assert_eq!(a["fields"]["Effort"], "5");
    assert_eq!(a["fields"]["Assignee Email"], "rosa@example.com");
    assert_eq!(links(a), [("blocks".to_string(), "asana:1205512345678903".to_string())]);
}

#[test]
fn asana_completed_parents_dependencies_projects() {
    let items = items(&["-s", &spec("asana", "asana/project-2024.csv")]);
    let done = item(&items, "1205512345678902");
    assert_eq!(done["state"], "done");
    assert_eq!(done["closed"], "2024-03-05T00:00:00Z");
    // The parent is written by name; it is found among the file's tasks.
    assert_eq!(done["parent"], "asana:1205512345678901");
    assert_eq!(done["kind"], "sub-task");
    // Several projects: the first is `project`, all are in `fields`.
    assert_eq!(done["project"], "Launch");
    assert_eq!(strings(&done["fields"]["Projects"]), ["Launch", "Website"]);
    // A dependency by id becomes a link; one that names no task here stays in `fields`.
    let email = item(&items, "1205512345678903");
    assert_eq!(links(email), [("blocked-by".to_string(), "asana:1205512345678901".to_string())]);
    assert_eq!(email["fields"]["Blocked By (Dependencies)"], "Legal sign-off");
    assert_eq!(email["body"], "Draft\nand review");
    assert_eq!(item(&items, "1205512345678904")["state"], "open");
}

/// Commas inside a project's or a task's name do not split it: a project named with a
/// comma on every row is one project, a dependency on a task whose name has a comma is
/// one link; projects each seen alone elsewhere are still split.
#[test]
fn asana_names_with_commas_stay_whole() {
    let dir = tempfile::tempdir().expect("temp dir");
    let csv = "Task ID,Created At,Completed At,Last Modified,Name,Section/Column,Projects,Blocked By (Dependencies)\n\
               1,2026-02-02,,2026-02-02,\"Delta, with comma\",To do,\"Marketing, Q3 Launch\",\n\
               2,2026-02-02,,2026-02-02,Echo,To do,\"Marketing, Q3 Launch\",\"Delta, with comma\"\n\
               3,2026-02-02,,2026-02-02,Foxtrot,To do,\"Web, Mobile\",\"1, 2\"\n\
               4,2026-02-02,,2026-02-02,Golf,To do,Web,\n\
               5,2026-02-02,,2026-02-02,Hotel,To do,Mobile,\n";
    let path = write(dir.path(), "a.csv", csv);
    let found = items(&["-s", &format!("asana:{path}")]);
    assert_eq!(item(&found, "1")["project"], "Marketing, Q3 Launch");
    let links = |k: &str| -> Vec<String> {
        (item(&found, k)["links"].as_array().unwrap().iter())
            .map(|l| l["target"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(links("2"), ["asana:1"]);
    assert_eq!(links("3"), ["asana:1", "asana:2"]);
    // A task named like a number is found by its name, not taken for an id.
    let numbered = write(dir.path(), "n.csv", "Task ID,Created At,Completed At,Last Modified,Name,Section/Column,Projects,Blocked By (Dependencies)\n\
        1001,2026-02-02,,2026-02-02,Launch,To do,Web,2024\n\
        1003,2026-02-02,,2026-02-02,2024,To do,Web,\n");
    let by_name = items(&["-s", &format!("asana:{numbered}")]);
    assert_eq!(item(&by_name, "1001")["links"][0]["target"], "asana:1003");
    assert_eq!(item(&found, "3")["project"], "Web");
    assert_eq!(strings(&item(&found, "3")["fields"]["Projects"]), ["Web", "Mobile"]);
}

/// A task completed in its board column is done, even when the status map names that
/// column (`In Progress` = in-progress); a column mapped to cancelled keeps it cancelled.
#[test]
fn asana_completion_wins_over_the_section_map() {
    let dir = tempfile::tempdir().expect("temp dir");
    write(
        dir.path(),
        "rolecall.toml",
        "[status-map]\n\"In Progress\" = \"in-progress\"\n\"Parked\" = \"cancelled\"\n",
    );
    let csv = "Task ID,Created At,Completed At,Last Modified,Name,Section/Column,Projects\n\
               1,2024-03-01,2024-03-08,2024-03-08,Finished in place,In Progress,Web\n\
               2,2024-03-01,,2024-03-08,Still going,In Progress,Web\n\
               3,2024-03-01,2024-03-08,2024-03-08,Given up,Parked,Web\n\
               4,2024-03-01,2024-03-08,2024-03-08,Not needed,Won't do,Web\n";
    write(dir.path(), "a.csv", csv);
    let found = items_in(dir.path(), &["-s", "asana:a.csv"]);
    let state = |k: &str| item(&found, k)["state"].as_str().unwrap().to_string();
    assert_eq!(
        [state("1"), state("2"), state("3"), state("4")],
        ["done", "in-progress", "cancelled", "cancelled"]
    );
    assert_eq!(item(&found, "1")["status"], "In Progress");
}

/// Asana leaves a subtask's `Projects` empty: it takes its parent's (and a sub-subtask its
/// grandparent's), so it is reported in the parent's workstream, not "Unassigned".
#[test]
fn asana_subtasks_take_their_parents_projects() {
    let dir = tempfile::tempdir().expect("temp dir");
    let csv =
        "Task ID,Created At,Completed At,Last Modified,Name,Section/Column,Projects,Parent task\n\
               11,2024-03-01,,2024-03-02,Checkout flow,In Progress,\"Shop,Mobile\",\n\
               12,2024-03-01,,2024-03-02,Wallet button,,,Checkout flow\n\
               13,2024-03-01,,2024-03-02,Apple Pay,,,Wallet button\n\
               14,2024-03-01,,2024-03-02,Own project,,Payments,Checkout flow\n\
               15,2024-03-01,,2024-03-02,Loose end,,,\n\
               16,2024-03-01,,2024-03-02,Outside parent,,,999\n\
               17,2024-03-01,,2024-03-02,Mobile,To do,Mobile,\n";
    let path = write(dir.path(), "a.csv", csv);
    let found = items(&["-s", &format!("asana:{path}")]);
    let project = |k: &str| item(&found, k)["project"].clone();
    assert_eq!([project("12"), project("13"), project("14")], ["Shop", "Shop", "Payments"]);
    assert_eq!(strings(&item(&found, "13")["fields"]["Projects"]), ["Shop", "Mobile"]);
    // No parent, or a parent outside the file: still no project.
    assert_eq!((project("15"), project("16")), (Value::Null, Value::Null));
}

#[test]
fn asana_old_column_set_resaved_with_us_dates() {
    let items = items(&["-s", &spec("asana", "asana/legacy-2016-resaved.csv")]);
    assert_eq!(items.len(), 2);
    let a = item(&items, "17362540001");
    assert_eq!(a["state"], "done");
    assert_eq!(a["status"], "");
    assert_eq!(a["created"], "2016-04-17T00:00:00Z");
    assert_eq!(a["due"], "2016-04-18");
    assert_eq!(strings(&item(&items, "17362540002")["labels"]), ["docs", "writing"]);
    assert_eq!(item(&items, "17362540002")["parent"], "asana:17362540001");
}

/// An Asana export opened in Google Sheets and downloaded again starts with a link to the
/// project between blank lines: it is read like the export, by `asana:` and by `csv:`,
/// and errors still name the file's own lines.
#[test]
fn asana_export_saved_from_google_sheets() {
    let dir = tempfile::tempdir().expect("temp dir");
    let csv = ",,\n,,https://app.asana.com/-/googleSheetsProjectCsv?domain=4242\n,,\n\
               Task ID,Created At,Completed At,Last Modified,Name,Section/Column,Projects\n\
               1207000000000001,2024-03-01,,2024-03-02,Landing page,In Progress,Web\n\
               ,2024-03-01,,2024-03-02,Copy,To do,Web\n";
    let path = write(dir.path(), "sheet.csv", csv);
    assert_eq!(
        import_error(&format!("asana:{path}")),
        format!("error: {path}:6: column \"Task ID\": task id is empty")
    );
    let fixed = csv.replace("\n,2024", "\n1207000000000002,2024");
    let path = write(dir.path(), "sheet.csv", fixed);
    assert_eq!(detected(&path), ("asana".to_string(), 2));
    let found = items(&["-s", &format!("asana:{path}")]);
    assert_eq!(item(&found, "1207000000000001")["title"], "Landing page");
}

#[test]
fn asana_detected_by_csv() {
    assert_eq!(detected(&fixture("asana/project-2024.csv")), ("asana".to_string(), 4));
    assert_eq!(detected(&fixture("asana/legacy-2016-resaved.csv")), ("asana".to_string(), 2));
}

#[test]
fn asana_bad_inputs() {
    let p = bad("asana-scientific-ids.csv");
    assert_eq!(
        import_error(&format!("asana:{p}")),
        format!("error: {p}:3: column \"Task ID\": task id \"7.18656E+14\" is a rounded number; re-export from Asana: the spreadsheet turned task ids into numbers")
    );
    let p = bad("asana-duplicate-id.csv");
    assert_eq!(
        import_error(&format!("asana:{p}")),
        format!(
            "error: {p}:3: column \"Task ID\": duplicate key 1205512345678901 (first on line 2)"
        )
    );
    let p = bad("asana-bad-due-date.csv");
    assert_eq!(
        import_error(&format!("asana:{p}")),
        format!("error: {p}:2: column \"Due Date\": cannot parse date \"2024-02-30\": February 2024 has no day 30")
    );
    let p = bad("asana-empty-id.csv");
    assert_eq!(
        import_error(&format!("asana:{p}")),
        format!("error: {p}:3: column \"Task ID\": task id is empty")
    );
    // Detection reads the same file the same way.
    let p = bad("asana-scientific-ids.csv");
    assert!(import_error(&format!("csv:{p}")).contains("re-export from Asana"));
    let p = bad("linear-missing-id.csv");
    assert_eq!(
        import_error(&format!("asana:{p}")),
        format!("error: {p}: not an Asana export: missing columns `Task ID`, `Name` (found: `Identifier`, `Team`, `Title`, `Status`)")
    );
}

// ---------------------------------------------------------------- GitHub Projects

#[test]
fn github_projects_items_get_github_ids() {
    let s = spec("github-projects", "github-projects/roadmap-view.tsv");
    let items = items(&["-s", &s]);
    assert_eq!(items.len(), 5);
    let i = item(&items, "acme/web#12");
    assert_eq!(i["id"], "github:acme/web#12");
    assert_eq!(i["kind"], "issue");
    assert_eq!(i["url"], "https://github.com/acme/web/issues/12");
    assert_eq!(i["status"], "In Progress");
    assert_eq!(i["state"], "in-progress");
    assert_eq!(strings(&i["assignees"]), ["ana", "bo"]);
    assert_eq!(strings(&i["labels"]), ["feature", "ux"]);
    assert_eq!(i["milestone"], "v2.0");
    assert_eq!(i["iteration"], "Iteration 4");
    assert_eq!(i["project"], "acme/web");
    // The fields a project commonly adds are mapped, as the live source maps them.
    assert_eq!(i["priority"], "P1");
    assert_eq!(i["estimate"], 5.0);
    let pr = item(&items, "acme/web#15");
    assert_eq!(pr["id"], "github:acme/web#15");
    assert_eq!(pr["kind"], "pull-request");
    assert_eq!(pr["state"], "done");
    assert_eq!(pr["title"], "Fix cart total, rounding");
    // A parent as `owner/repo#N` or as a URL.
    assert_eq!(pr["parent"], "github:acme/web#12");
    assert_eq!(item(&items, "acme/api#7")["parent"], "github:acme/web#12");
    assert_eq!(item(&items, "acme/api#7")["state"], "in-progress");
}

#[test]
fn github_projects_drafts_get_file_and_row_ids() {
    let items = items(&["-s", &spec("github-projects", "github-projects/roadmap-view.tsv")]);
    let d = item(&items, "roadmap-view/3");
    assert_eq!(d["id"], "github-projects:roadmap-view/3");
    assert_eq!(d["kind"], "draft");
    assert_eq!(d["url"], Value::Null);
    assert_eq!(d["state"], "open");
    let d = item(&items, "roadmap-view/5");
    // A parent shown by title only stays as written.
    assert_eq!(d["parent"], Value::Null);
    assert_eq!(d["fields"]["Parent issue"], "Checkout redesign");
}

#[test]
fn github_projects_merge_with_the_same_issue_from_another_source() {
    // Two exports of the same view: one item per URL, drafts stay apart (file stems differ).
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(fixture("github-projects/roadmap-view.tsv")).unwrap();
    let other = write(dir.path(), "other.tsv", text);
    let items = items(&[
        "-s",
        &spec("github-projects", "github-projects/roadmap-view.tsv"),
        "-s",
        &format!("github-projects:{other}"),
    ]);
    assert_eq!(items.len(), 7);
    assert_eq!(items.iter().filter(|i| i["id"] == "github:acme/web#12").count(), 1);
}

/// The board templates' status names carry emoji: `✅ Done` is done and `🏗 In progress`
/// in progress (they used to count as open), and the status stays as written.
#[test]
fn github_projects_emoji_statuses_are_read() {
    let dir = tempfile::tempdir().expect("temp dir");
    let tsv = "Title\tURL\tStatus\n\
               A\thttps://github.com/acme/web/issues/1\t🆕 New\n\
               B\thttps://github.com/acme/web/issues/2\t🏗 In progress\n\
               C\thttps://github.com/acme/web/issues/3\t👀 In review\n\
               D\thttps://github.com/acme/web/issues/4\t✅ Done\n\
               E\thttps://github.com/acme/web/issues/5\tIn Progress 🚧\n";
    let path = write(dir.path(), "board.tsv", tsv);
    let found = items(&["-s", &format!("github-projects:{path}")]);
    let state = |n: u32| item(&found, &format!("acme/web#{n}"))["state"].clone();
    assert_eq!(
        [state(1), state(2), state(3), state(4), state(5)],
        ["open", "in-progress", "in-progress", "done", "in-progress"]
    );
    assert_eq!(item(&found, "acme/web#4")["status"], "✅ Done");
}

/// A GitHub Projects export has no closing dates: its done items show as done in the
/// burn-up, and the forecast says why they are not in the throughput instead of only
/// "no items finished".
#[test]
fn github_projects_done_without_a_date_is_explained_beside_the_forecast() {
    let dir = tempfile::tempdir().expect("temp dir");
    let tsv = "Title\tURL\tStatus\tMilestone\tTarget date\n\
               A\thttps://github.com/acme/web/issues/1\tDone\tv1\t2024-03-29\n\
               B\thttps://github.com/acme/web/issues/2\tIn Progress\tv1\t2024-03-29\n\
               C\thttps://github.com/acme/web/issues/3\tTodo\tv1\t2024-03-29\n";
    write(dir.path(), "view.tsv", tsv);
    let args = ["report", "-s", "github-projects:view.tsv", "--as-of", "2024-03-20", "-o", "out"];
    let (code, _, err) = run_in(dir.path(), &args, &[]);
    assert_eq!(code, 0, "{err}");
    let project = std::fs::read_to_string(dir.path().join("out/2024-W12/project.md")).unwrap();
    assert!(project.contains("| v1 | "), "{project}");
    assert!(
        project.contains("1 done item has no date it was done (the export has none): it counts as done in the progress and the burn-up's last week, not in the weekly throughput."),
        "{project}"
    );
}

#[test]
fn github_projects_detected_by_csv() {
    assert_eq!(
        detected(&fixture("github-projects/roadmap-view.tsv")),
        ("github-projects".to_string(), 5)
    );
}

#[test]
fn github_projects_bad_inputs() {
    let p = bad("github-projects-bad-url.tsv");
    assert_eq!(
        import_error(&format!("github-projects:{p}")),
        format!("error: {p}:3: column \"URL\": \"https://github.com/acme/web/discussions/9\" is not a GitHub issue or pull request URL (https://github.com/OWNER/REPO/issues/N)")
    );
    let p = bad("github-projects-duplicate-url.tsv");
    assert_eq!(
        import_error(&format!("github-projects:{p}")),
        format!("error: {p}:3: column \"URL\": duplicate key acme/web#1 (first on line 2)")
    );
    let p = bad("github-projects-empty-title.tsv");
    assert_eq!(
        import_error(&format!("github-projects:{p}")),
        format!("error: {p}:3: column \"Title\": title is empty")
    );
    let p = bad("github-projects-no-title.tsv");
    assert_eq!(
        import_error(&format!("github-projects:{p}")),
        format!("error: {p}: not a GitHub Projects export: missing column `Title` (found: `Name`, `URL`, `Status`)")
    );
}

// ---------------------------------------------------------------- any CSV by mapping

/// A temp dir holding `tracker.csv` and `rolecall.toml` (the fixture's mapping, edited by
/// `edit`).
fn mapped_dir(edit: impl Fn(String) -> String) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let csv = std::fs::read_to_string(fixture("mapped/tracker.csv")).expect("fixture");
    let toml = std::fs::read_to_string(fixture("mapped/tracker.toml")).expect("fixture");
    write(dir.path(), "tracker.csv", csv);
    write(dir.path(), "rolecall.toml", edit(toml));
    dir
}

#[test]
fn mapped_csv_reads_every_mapped_column() {
    let dir = mapped_dir(|t| t);
    let items = items_in(dir.path(), &["-s", "csv:tracker.csv"]);
    assert_eq!(items.len(), 3);
    let a = item(&items, "HD-1");
    assert_eq!(a["id"], "helpdesk:HD-1");
    assert_eq!(a["source"], "csv:tracker.csv");
    assert_eq!(a["kind"], "bug");
    assert_eq!(a["title"], "Printer on fire");
    assert_eq!(a["state"], "in-progress");
    assert_eq!(strings(&a["labels"]), ["hardware", "urgent"]);
    assert_eq!(strings(&a["assignees"]), ["Sam"]);
    assert_eq!(a["created"], "2025-02-03T09:15:00Z");
    assert_eq!(a["due"], "2025-02-14");
    assert_eq!(a["milestone"], "R1");
    assert_eq!(a["estimate"], 3.0);
    assert_eq!(a["fields"]["Severity"], "high");
    // No status but a closed date: done.
    let b = item(&items, "HD-2");
    assert_eq!(b["state"], "done");
    assert_eq!(b["closed"], "2025-02-05T16:30:00Z");
    assert_eq!(b["parent"], "helpdesk:HD-1");
    assert_eq!(item(&items, "HD-3")["state"], "cancelled");
    // `-v` says the mapping was used.
    let (code, _, stderr) = run_in(dir.path(), &["-v", "items", "-s", "csv:tracker.csv"], &[]);
    assert_eq!(code, 0);
    assert!(
        stderr.contains("tracker.csv: read with the column mapping from rolecall.toml"),
        "{stderr}"
    );
}

/// A repeated column loses nothing: repeated labels columns are all labels (as Jira
/// writes `Labels`), and a repeat of any other mapped column stays in `fields`.
#[test]
fn mapped_csv_repeated_columns_lose_nothing() {
    let dir = tempfile::tempdir().expect("temp dir");
    write(
        dir.path(),
        "t.csv",
        "Ticket,Subject,Tags,Tags,State,Owner,Owner\nT-1,One,a,\"b, a\",Open,Ann,Bob\n",
    );
    let config = "[[source]]\nspec = \"csv:t.csv\"\nkey = \"Ticket\"\ntitle = \"Subject\"\nlabels = \"Tags\"\nstatus = \"State\"\nassignee = \"Owner\"\n";
    write(dir.path(), "rolecall.toml", config);
    let items = items_in(dir.path(), &["-s", "csv:t.csv"]);
    let t1 = item(&items, "T-1");
    assert_eq!(strings(&t1["labels"]), ["a", "b"]);
    assert_eq!(strings(&t1["assignees"]), ["Ann"]);
    assert_eq!(t1["fields"]["Owner"], "Bob");
}

/// `-s exports/t.csv`, a bare path, is `csv:exports/t.csv`: it gets that entry's mapping
/// (it used to be read unmapped, and the error asked for the mapping already there).
#[test]
fn a_bare_path_on_the_command_line_gets_its_source_entry() {
    let dir = tempfile::tempdir().expect("temp dir");
    write(dir.path(), "exports/t.csv", "Ticket,Subject\nT-1,One\n");
    let config = "[[source]]\nspec = \"csv:exports/t.csv\"\nkey = \"Ticket\"\ntitle = \"Subject\"\nid-prefix = \"t\"\n";
    write(dir.path(), "rolecall.toml", config);
    for given in ["exports/t.csv", "./exports/t.csv", "csv:exports/t.csv"] {
        let items = items_in(dir.path(), &["-s", given]);
        assert_eq!(item(&items, "T-1")["id"], "t:T-1", "{given}");
    }
}

/// A `[[team]]` or `status-map` entry the data never used is said, with its line, by
/// `items` and `report` alike: a team no item is in (one whose `repos` cannot match a
/// CSV without a project column, one shadowed by a team before it), and a status
/// misspelt (it used to be silently unused).
#[test]
fn teams_and_status_maps_the_data_never_used_are_warned_of() {
    let dir = tempfile::tempdir().expect("temp dir");
    write(
        dir.path(),
        "t.csv",
        "Ticket,Subject,State,Tags\nT-1,One,Wartet auf Kunde,qa\nT-2,Two,Done,web\n",
    );
    let config = "[status-map]\n\"Wartet auf Kunden\" = \"in-progress\"\n\"Done\" = \"done\"\n\n\
        [[source]]\nspec = \"csv:t.csv\"\nkey = \"Ticket\"\ntitle = \"Subject\"\nstatus = \"State\"\nlabels = \"Tags\"\n\n\
        [[team]]\nname = \"Retail QA\"\nrepos = [\"RETAIL\"]\n\n\
        [[team]]\nname = \"Web\"\nlabels = [\"web\"]\n\n\
        [[team]]\nname = \"Web 2\"\nlabels = [\"web\"]\n";
    write(dir.path(), "rolecall.toml", config);
    let out = dir.path().join("out");
    let out = out.to_str().expect("utf-8");
    for args in [vec!["items"], vec!["report", "--as-of", "2026-11-27", "-o", out]] {
        let (code, _, err) = run_in(dir.path(), &args, &[]);
        assert_eq!(code, 0, "{args:?}: {err}");
        for want in [
            "rolecall.toml:13: team 'Retail QA' matched none of the 2 items (`repos` matches an item's project, and the 2 items of csv:t.csv have none",
            "rolecall.toml:21: team 'Web 2' matched none of the 2 items: every item it matches is in team 'Web', listed before it",
            "rolecall.toml:2: status-map \"Wartet auf Kunden\" matched no status (did you mean \"Wartet auf Kunde\"?)",
        ] {
            assert!(err.contains(want), "{args:?}: no {want:?} in:\n{err}");
        }
        assert!(!err.contains("'Web' matched") && !err.contains("\"Done\" matched"), "{err}");
    }
}

#[test]
fn mapped_csv_defaults_without_id_prefix_or_date_format() {
    let dir = mapped_dir(|t| {
        t.replace("id-prefix = \"helpdesk\"\n", "")
            .replace("date-format = \"%d.%m.%Y %H:%M\"\n", "")
            .replace("created = \"Opened\"\n", "")
            .replace("closed = \"Closed On\"\n", "")
            .replace("due = \"Deadline\"\n", "")
    });
    let items = items_in(dir.path(), &["-s", "csv:tracker.csv"]);
    assert_eq!(item(&items, "HD-1")["id"], "csv:HD-1");
    assert_eq!(item(&items, "HD-1")["fields"]["Opened"], "03.02.2025 09:15");
}

/// A spreadsheet's `1,500,000` is a million and a half, `2,5` two and a half, and a lone
/// comma the decimal mark (`2,250` of a German sheet is 2.25, not 2250).
#[test]
fn mapped_csv_estimates_with_thousands_separators() {
    let dir = tempfile::tempdir().expect("temp dir");
    write(
        dir.path(),
        "rolecall.toml",
        "[[source]]\nspec = \"csv:n.csv\"\nkey = \"Ticket\"\nestimate = \"Points\"\n",
    );
    write(
        dir.path(),
        "n.csv",
        "Ticket,Points\nA-1,\"1,500,000\"\nA-2,\"2,5\"\nA-3,\"1.500,5\"\nA-4,\"2,250\"\n",
    );
    let found = items_in(dir.path(), &["-s", "csv:n.csv"]);
    let estimate = |k: &str| item(&found, k)["estimate"].as_f64();
    assert_eq!(
        [estimate("A-1"), estimate("A-2"), estimate("A-3"), estimate("A-4")],
        [Some(1_500_000.0), Some(2.5), Some(1500.5), Some(2.25)]
    );
}

/// A closed date makes an item done when its status means nothing to rolecall (as an
/// Asana or Linear completion date does), and the report names those statuses; a known
/// status still decides.
#[test]
fn mapped_csv_closed_date_wins_over_an_unknown_status() {
    let dir = tempfile::tempdir().expect("temp dir");
    write(
        dir.path(),
        "rolecall.toml",
        "[[source]]\nspec = \"csv:t.csv\"\nkey = \"Ticket\"\nstatus = \"State\"\ncreated = \"Opened\"\nclosed = \"Closed On\"\n",
    );
    write(
        dir.path(),
        "t.csv",
        "Ticket,State,Opened,Closed On\n\
         T-1,Shipped to customer,2026-02-02,2026-02-10\n\
         T-2,Shipped to customer,2026-02-02,\n\
         T-3,In Progress,2026-02-02,2026-02-10\n\
         T-4,,2026-02-02,2026-02-10\n",
    );
    let found = items_in(dir.path(), &["-s", "csv:t.csv"]);
    let state = |k: &str| item(&found, k)["state"].as_str().unwrap().to_string();
    assert_eq!(
        [state("T-1"), state("T-2"), state("T-3"), state("T-4")],
        ["done", "open", "in-progress", "done"]
    );
    let (code, _, err) = run_in(
        dir.path(),
        &["report", "-s", "csv:t.csv", "--as-of", "2026-02-15", "-o", "out"],
        &[],
    );
    assert_eq!(code, 0, "{err}");
    let project = std::fs::read_to_string(dir.path().join("out/2026-W07/project.md")).unwrap();
    assert!(
        project.contains("1 item with a status rolecall does not know but a closed date, counted as done: Shipped to customer (1)."),
        "{project}"
    );
}

#[test]
fn csv_format_key_skips_detection() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(fixture("linear/export-2025.csv")).unwrap();
    write(dir.path(), "x.csv", text);
    write(dir.path(), "rolecall.toml", "[[source]]\nspec = \"csv:x.csv\"\nformat = \"linear\"\n");
    let items = items_in(dir.path(), &["-s", "csv:x.csv"]);
    assert_eq!(items.len(), 6);
    write(dir.path(), "rolecall.toml", "[[source]]\nspec = \"csv:x.csv\"\nformat = \"trello\"\n");
    assert_eq!(
        error_in(dir.path(), &["items", "-s", "csv:x.csv"]),
        "error: rolecall.toml: source `csv:x.csv`: unknown format `trello` (expected one of `jira`, `linear`, `asana`, `github-projects`)"
    );
}

#[test]
fn mapped_csv_bad_inputs() {
    let dir = mapped_dir(|t| t.replace("\"Subject\"", "\"Summary\""));
    assert_eq!(
        error_in(dir.path(), &["items", "-s", "csv:tracker.csv"]),
        "error: tracker.csv: mapping key `title` (rolecall.toml:6:1) names column `Summary`, which is not in the header \
         (columns: `Ticket`, `Subject`, `State`, `Kind`, `Tags`, `Owner`, `Opened`, `Closed On`, `Deadline`, \
         `Release`, `Points`, `Epic`, `Severity`)"
    );
    let dir = mapped_dir(|t| t.replace("key = \"Ticket\"\n", ""));
    assert_eq!(
        error_in(dir.path(), &["items", "-s", "csv:tracker.csv"]),
        "error: tracker.csv: the [[source]] mapping for `csv:tracker.csv` (rolecall.toml:3:1) has no `key`: name the column that holds each item's key"
    );
    let dir = mapped_dir(|t| t.replace("%d.%m.%Y %H:%M", "%Y-%m-%d %H:%M"));
    assert_eq!(
        error_in(dir.path(), &["items", "-s", "csv:tracker.csv"]),
        "error: tracker.csv:2: column \"Opened\": cannot parse date \"03.02.2025 09:15\" with date-format \"%Y-%m-%d %H:%M\""
    );
    let dir = mapped_dir(|t| t.replace("estimate = \"Points\"", "estimate = \"Severity\""));
    assert_eq!(
        error_in(dir.path(), &["items", "-s", "csv:tracker.csv"]),
        "error: tracker.csv:2: column \"Severity\": estimate \"high\" is not a number"
    );
    let dir = mapped_dir(|t| t.replace("key = \"Ticket\"", "key = \"Release\""));
    assert_eq!(
        error_in(dir.path(), &["items", "-s", "csv:tracker.csv"]),
        "error: tracker.csv:3: column \"Release\": duplicate key R1 (first on line 2)"
    );
    let dir =
        mapped_dir(|t| t.replace("spec = \"csv:tracker.csv\"", "spec = \"jira:tracker.csv\""));
    assert_eq!(
        error_in(dir.path(), &["items", "-s", "jira:tracker.csv"]),
        "error: rolecall.toml:4: `key` applies only to `csv:` sources (`format` and column mappings), and this one is `jira:`, read by its own importer: remove `key`, or write spec = \"csv:tracker.csv\" to map the columns yourself"
    );
}

/// A status map that names a decorated status by its plain name (`parked` for
/// `🧊 Parked`) maps it, and the report no longer lists it as a status rolecall does not
/// know; `Done?` asks, so it is not done.
#[test]
fn a_decorated_status_mapped_by_its_plain_name_is_not_called_unknown() {
    let dir = tempfile::tempdir().expect("temp dir");
    write(dir.path(), "rolecall.toml", "[status-map]\nparked = \"open\"\n");
    write(
        dir.path(),
        "v.tsv",
        "Title\tURL\tStatus\n\
         Ice\thttps://github.com/acme/web/issues/1\t🧊 Parked\n\
         Ask\thttps://github.com/acme/web/issues/2\tDone?\n",
    );
    let found = items_in(dir.path(), &["-s", "github-projects:v.tsv"]);
    assert_eq!(item(&found, "acme/web#2")["state"], "open");
    let args = ["report", "-s", "github-projects:v.tsv", "-o", "out", "--as-of", "2026-11-27"];
    let (code, _, err) = crate::common::run_in(dir.path(), &args, &[]);
    assert_eq!(code, 0, "{err}");
    let md = std::fs::read_to_string(dir.path().join("out/2026-W48/project.md")).expect("md");
    assert!(!md.contains("🧊 Parked ("), "{md}");
    assert!(md.contains("Done? (1)"), "{md}");
}

/// A NUL byte anywhere is refused naming its line: past the first page it went into a
/// title and on into the JSON reports.
#[test]
fn a_nul_byte_anywhere_is_refused_with_its_line() {
    let dir = tempfile::tempdir().expect("temp dir");
    let long = "x".repeat(9_000);
    let csv = format!(
        "Summary,Issue key,Issue Type,Status,Created\n{long},A-1,Task,Open,2026-11-01 10:00\nt\0x,A-2,Task,Open,2026-11-01 10:00\n"
    );
    let path = write(dir.path(), "nul.csv", csv);
    let e = import_error(&format!("jira:{path}"));
    assert!(e.starts_with(&format!("error: {path}:3: a NUL byte")), "{e}");
    // Near the start of a text file too, with where in the line (in characters).
    let csv = "\u{feff}Summary,Issue key,Issue Type,Status\nVenue,A-1,Task,Open\nCafé,A-2\0\0,Task,Open\n";
    let path = write(dir.path(), "early.csv", csv);
    assert_eq!(
        import_error(&format!("jira:{path}")),
        format!("error: {path}:3: a NUL byte at character 9 of the line (a damaged export?); remove it and run again")
    );
}
