//! `rolecall report`: the demo week as golden files, determinism, deltas across two weeks,
//! templates, notes, and titles that try to inject markup.

use std::path::Path;

use crate::common::{self, golden, root};

/// Runs the binary in the repository root, hermetically: (exit code, stdout, stderr).
fn rolecall(args: &[&str]) -> (i32, String, String) {
    common::run_in(&root(), args, &[])
}

fn fixture(p: &str) -> String {
    root().join(p).display().to_string()
}

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

const FILES: [&str; 8] = [
    "index.md",
    "index.json",
    "product.md",
    "product.json",
    "program.md",
    "program.json",
    "project.md",
    "project.json",
];

/// The demo week committed under `reports/` is exactly what `report --demo` writes today.
/// `UPDATE_SNAPSHOTS=1 cargo test` refreshes it; review the diff like code.
#[test]
fn the_committed_demo_week_is_current() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let out = tmp.path().display().to_string();
    let (code, stdout, err) = rolecall(&["report", "--demo", "-o", &out]);
    assert_eq!(code, 0, "{err}");
    assert!(stdout.contains("program  🔴 Red"), "{stdout}");
    golden::DEMO_WEEK.check(FILES.map(|f| (f, read(&tmp.path().join("2026-W48").join(f)))));
}

#[test]
fn reports_are_byte_identical_across_runs() {
    let a = tempfile::tempdir().expect("temp dir");
    let b = tempfile::tempdir().expect("temp dir");
    for d in [&a, &b] {
        let (code, _, err) = rolecall(&["report", "--demo", "-o", &d.path().display().to_string()]);
        assert_eq!(code, 0, "{err}");
    }
    for f in FILES {
        assert_eq!(
            read(&a.path().join("2026-W48").join(f)),
            read(&b.path().join("2026-W48").join(f)),
            "{f}"
        );
    }
    // Re-running a week in the same folder is idempotent too.
    let (code, _, _) = rolecall(&["report", "--demo", "-o", &a.path().display().to_string()]);
    assert_eq!(code, 0);
    for f in FILES {
        assert_eq!(
            read(&a.path().join("2026-W48").join(f)),
            read(&b.path().join("2026-W48").join(f)),
            "{f} after a re-run"
        );
    }
    let snaps: Vec<_> =
        std::fs::read_dir(a.path().join(".rolecall/snapshots")).expect("state").collect();
    assert_eq!(snaps.len(), 1, "one snapshot per week");
}

/// A burn-up is in the unit of the forecast beside it: the demo's Mobile wallet forecast
/// "11 points" left under a chart that counted 1 of 3 items done, two measures of one
/// milestone read as one. Its chart is now in points (1 of 12 done), said in its title;
/// the others, forecast in items, say they count items.
#[test]
fn a_burn_up_is_in_its_forecasts_unit() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let (code, _, _) = rolecall(&["report", "--demo", "-o", &tmp.path().display().to_string()]);
    assert_eq!(code, 0);
    let md = read(&tmp.path().join("2026-W48/project.md"));
    let chart = |title: &str| {
        let at = md.find(&format!("title \"{title}\"")).unwrap_or_else(|| panic!("{title}: {md}"));
        md[at..at + md[at..].find("```").expect("chart end")].to_string()
    };
    let wallet = chart("Burn-up in points: 2027.01 Mobile wallet");
    assert!(wallet.contains("%% lines: done, scope\n"), "{wallet}");
    assert!(
        wallet.ends_with("line [0, 0, 0, 0, 0, 0, 1, 1]\n    line [9, 9, 9, 9, 9, 9, 12, 12]\n"),
        "{wallet}"
    );
    assert!(md.contains("| 2027.01 Mobile wallet | 11 points |"), "{md}");
    chart("Burn-up in items: 2026.11 Gateway migration");
    assert!(md.contains("| 2026.11 Gateway migration | 3 items |"), "{md}");
    let json: serde_json::Value =
        serde_json::from_str(&read(&tmp.path().join("2026-W48/project.json"))).expect("JSON");
    let units: Vec<&str> = (json["milestones"].as_array().expect("milestones").iter())
        .map(|m| m["burn_up_unit"].as_str().expect("burn_up_unit"))
        .collect();
    assert_eq!(units, ["items", "items", "points"]);
    let last = &json["milestones"][2]["burn_up"][7];
    assert_eq!(
        (last["done_points"].as_f64(), last["scope_points"].as_f64()),
        (Some(1.0), Some(12.0))
    );
    assert!(json["milestones"][0]["burn_up"][7]["done_points"].is_null());
}

#[test]
fn each_report_leads_with_its_verdict_and_the_json_has_everything() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let (code, _, _) = rolecall(&["report", "--demo", "-o", &tmp.path().display().to_string()]);
    assert_eq!(code, 0);
    let week = tmp.path().join("2026-W48");
    for role in ["product", "program", "project"] {
        let md = read(&week.join(format!("{role}.md")));
        let verdict = md.lines().find(|l| l.starts_with("**")).expect("a verdict line");
        assert!(
            ["🔴 Red", "🟠 Amber", "🟢 Green", "⚪ Unknown"].iter().any(|b| verdict.contains(b)),
            "{role}: {verdict}"
        );
        let json: serde_json::Value =
            serde_json::from_str(&read(&week.join(format!("{role}.json")))).expect("JSON");
        assert_eq!(json["meta"]["schema_version"], 2);
        assert_eq!(json["meta"]["week"], "2026-W48");
        assert!(json["verdict"]["headline"].as_str().is_some_and(|h| !h.is_empty()));
        assert!(json["triage"].is_array(), "lists are always present");
    }
    let program: serde_json::Value =
        serde_json::from_str(&read(&week.join("program.json"))).expect("JSON");
    assert!(program["leadership_asks"].is_array());
    let md = read(&week.join("program.md"));
    assert!(md.contains("## Leadership asks"), "never omitted");
    assert!(md.contains("Unblock ACME-21 (Mobile): waiting on ACME-12 from Platform"), "{md}");
    let project = read(&week.join("project.md"));
    assert!(
        project.contains(
            "| 2026.12 Checkout v2 | 🟠 Amber | 3/8 (38%) | 47% | 2027-01-15 (was 2027-01-08)"
        ),
        "{project}"
    );
    assert!(project.contains("```mermaid\nxychart-beta"), "throughput chart");
    let index = read(&week.join("index.md"));
    assert!(index.contains("[Product](product.md)") && index.contains("pie title"), "{index}");
}

/// A bot or a CI gate reads the week's verdicts from `index.json`, and `--fail-on`
/// turns them into an exit code once everything is written.
#[test]
fn index_json_holds_each_role_and_fail_on_sets_the_exit_code() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let out = tmp.path().display().to_string();
    let (code, stdout, stderr) = rolecall(&["report", "--demo", "-o", &out, "--fail-on", "red"]);
    assert_eq!(code, 3, "{stderr}");
    assert_eq!(
        stderr.trim(),
        "error: program is red, project is red (--fail-on red); the week was written"
    );
    assert!(stdout.contains("wrote ") && stdout.contains("index.json"), "{stdout}");
    let week = tmp.path().join("2026-W48");
    let index: serde_json::Value =
        serde_json::from_str(&read(&week.join("index.json"))).expect("JSON");
    assert_eq!(index["schema_version"], 2);
    assert_eq!(index["week"], "2026-W48");
    assert_eq!(index["items"], 79);
    // The demo is of Friday: the week so far, and when it ends.
    assert_eq!(index["period_end"], "2026-11-30T00:00:00Z");
    assert_eq!(index["week_complete"], false);
    let roles: Vec<(&str, &str)> = index["roles"]
        .as_array()
        .expect("roles")
        .iter()
        .map(|r| (r["role"].as_str().unwrap(), r["status"].as_str().unwrap()))
        .collect();
    assert_eq!(roles, [("product", "amber"), ("program", "red"), ("project", "red")]);
    for r in index["roles"].as_array().unwrap() {
        let role = r["role"].as_str().unwrap();
        let json: serde_json::Value =
            serde_json::from_str(&read(&week.join(format!("{role}.json")))).expect("JSON");
        assert_eq!(r["headline"], json["verdict"]["headline"], "{role}");
        assert_eq!(r["reasons"], json["verdict"]["reasons"], "{role}");
        assert_eq!(r["files"]["md"], format!("{role}.md"));
        assert!(r["files"]["pdf"].is_null(), "only the formats written");
    }
    // Amber or worse catches the product report too; a green-enough week exits 0.
    let (code, _, stderr) = rolecall(&["report", "--demo", "-o", &out, "--fail-on", "amber"]);
    assert_eq!(code, 3);
    assert!(stderr.contains("product is amber, program is red"), "{stderr}");
    let (code, _, stderr) =
        rolecall(&["report", "--demo", "-o", &out, "--roles", "product", "--fail-on", "red"]);
    assert_eq!(code, 0, "{stderr}");
    // Without JSON there is no index.json, and an earlier run's is removed with the rest.
    let (code, _, _) = rolecall(&["report", "--demo", "-o", &out, "--format", "md"]);
    assert_eq!(code, 0);
    assert!(!week.join("index.json").exists());
}

/// Week 47 from its export, then week 48 from its own: the second run measures its
/// changes against the first run's stored snapshot, not the built-in demo baseline.
#[test]
fn deltas_across_two_weeks_from_stored_state() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let out = tmp.path().display().to_string();
    let w47 = format!("jira:{}", fixture("fixtures/demo/acme-jira-w47.csv"));
    let w48 = format!("jira:{}", fixture("fixtures/demo/acme-jira.csv"));
    let c47 = fixture("fixtures/demo/rolecall-w47.toml");
    let c48 = fixture("fixtures/demo/rolecall.toml");
    let (code, _, err) =
        rolecall(&["report", "-c", &c47, "-s", &w47, "--week", "2026-W47", "-o", &out]);
    assert_eq!(code, 0, "{err}");
    let first = read(&tmp.path().join("2026-W47/project.md"));
    assert!(first.contains("No baseline yet"), "the first run says so");
    let (code, _, err) =
        rolecall(&["report", "-c", &c48, "-s", &w48, "--as-of", "2026-11-27", "-o", &out]);
    assert_eq!(code, 0, "{err}");
    let project = read(&tmp.path().join("2026-W48/project.md"));
    assert!(project.contains("Compared with** the snapshot of 2026-W47"), "{project}");
    assert!(project.contains("(was 2027-01-08)"), "moved target date");
    assert!(
        project.contains("- ACME-4 Redesign the order summary panel → 2026.12 Checkout v2"),
        "scope added: {project}"
    );
    assert!(
        project.contains("2 of 14 items open at last week's snapshot are done"),
        "planned vs done: {project}"
    );
    let product: serde_json::Value =
        serde_json::from_str(&read(&tmp.path().join("2026-W48/product.json"))).expect("JSON");
    let wanted = product["most_wanted"].as_array().expect("list");
    let acme30 = wanted.iter().find(|w| w["item"]["key"] == "ACME-30").expect("ACME-30 is wanted");
    assert_eq!(acme30["new_votes"], 19, "31 votes now, 12 a week ago");
    let program = read(&tmp.path().join("2026-W48/program.md"));
    assert!(program.contains("for 2 weeks"), "the red held since W47: {program}");
}

#[test]
fn a_template_folder_overrides_file_by_file() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let templates = tmp.path().join("templates");
    std::fs::create_dir_all(templates.join("partials")).expect("dir");
    std::fs::write(
        templates.join("product.md.hbs"),
        "Custom {{meta.week}}: {{{badge verdict.status}}}\n",
    )
    .expect("written");
    std::fs::write(templates.join("partials/about.md.hbs"), "(about omitted)\n").expect("written");
    let out = tmp.path().join("out");
    let (code, _, err) = rolecall(&[
        "report",
        "--demo",
        "-o",
        &out.display().to_string(),
        "--templates",
        &templates.display().to_string(),
    ]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(read(&out.join("2026-W48/product.md")), "Custom 2026-W48: 🟠 Amber\n");
    let program = read(&out.join("2026-W48/program.md"));
    assert!(program.starts_with("# Program report"), "other templates stay built in");
    assert!(program.contains("(about omitted)"), "partials are overridden too");
}

/// A templates folder as people make one: a misspelt file name is named in a warning
/// (it was ignored without a word), a partial of one's own is found, a byte-order mark
/// does not become part of the report, and an error in a partial names the partial's
/// file with line and column, in words (not Rust's `Some("…")`).
#[test]
fn a_templates_folder_as_people_make_one() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let t = tmp.path().join("t");
    std::fs::create_dir_all(t.join("partials")).expect("dir");
    std::fs::write(t.join("prgram.md.hbs"), "x\n").expect("written");
    std::fs::write(t.join("product.md.hbs"), "\u{feff}# Ours {{meta.week}}\n{{> mine}}\n")
        .expect("written");
    std::fs::write(t.join("partials/mine.md.hbs"), "Our own part.\n").expect("written");
    let out = tmp.path().join("out");
    let args = |t: &Path| {
        vec![
            "report".to_string(),
            "--demo".into(),
            "-o".into(),
            out.display().to_string(),
            "--templates".into(),
            t.display().to_string(),
        ]
    };
    let run = |t: &Path| {
        let a = args(t);
        rolecall(&a.iter().map(String::as_str).collect::<Vec<_>>())
    };
    let (code, _, err) = run(&t);
    assert_eq!(code, 0, "{err}");
    let misspelt = t.join("prgram.md.hbs").display().to_string();
    assert!(
        err.contains(&format!("templates: {misspelt} is not read; did you mean program.md.hbs?")),
        "{err}"
    );
    assert_eq!(read(&out.join("2026-W48/product.md")), "# Ours 2026-W48\nOur own part.\n");
    // An editor's hidden lock file beside the partials is not one of them.
    #[cfg(unix)]
    std::os::unix::fs::symlink("me@host.4242:1765000000", t.join("partials/.#mine.md.hbs"))
        .expect("link");
    let (code, _, err) = run(&t);
    assert_eq!(code, 0, "{err}");
    // An error in a partial of one's own names its file.
    std::fs::write(t.join("partials/mine.md.hbs"), "{{meta.bogus}}\n").expect("written");
    let (code, _, err) = run(&t);
    assert_eq!(code, 2, "{err}");
    let mine = t.join("partials/mine.md.hbs").display().to_string();
    assert!(
        err.contains(&format!("error: {mine}:1:1 (in product.md.hbs): no field `meta.bogus`")),
        "{err}"
    );
    std::fs::write(t.join("partials/mine.md.hbs"), "Our own part.\n").expect("written");
    std::fs::write(t.join("partials/about.md.hbs"), "ok\n\n  {{meta.bogus_field}}\n")
        .expect("written");
    let (code, _, err) = run(&t);
    assert_eq!(code, 2, "{err}");
    let first = err.lines().find(|l| l.starts_with("error:")).unwrap_or("");
    let about = t.join("partials/about.md.hbs").display().to_string();
    assert!(first.starts_with(&format!("error: {about}:3:3 (in ")), "{err}");
    assert!(first.contains("no field `meta.bogus_field`"), "{first}");
    // Blocks nested thousands deep aborted the process on a stack overflow: refused,
    // naming the file and the line.
    let deep = format!("# Deep\n{}x{}", "{{#if true}}".repeat(2000), "{{/if}}".repeat(2000));
    std::fs::write(t.join("partials/about.md.hbs"), "ok\n").expect("written");
    std::fs::write(t.join("program.md.hbs"), deep).expect("written");
    let (code, _, err) = run(&t);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("program.md.hbs:2: invalid template: blocks nested more than 100 deep"),
        "{err}"
    );
}

#[test]
fn strict_mode_names_the_template_and_the_missing_field() {
    let tmp = tempfile::tempdir().expect("temp dir");
    std::fs::write(tmp.path().join("program.md.hbs"), "Week {{meta.wek}}\n").expect("written");
    let out = tmp.path().join("out");
    let (code, stdout, err) = rolecall(&[
        "report",
        "--demo",
        "-o",
        &out.display().to_string(),
        "--templates",
        &tmp.path().display().to_string(),
    ]);
    assert_eq!(code, 2);
    assert_eq!(stdout, "");
    let first = err.lines().next().unwrap_or("");
    // The file as the templates folder was given, with its line and column.
    let file = tmp.path().join("program.md.hbs").display().to_string();
    assert!(first.starts_with(&format!("error: {file}:1:6: no field `meta.wek`")), "{first}");
    assert!(first.contains("meta.wek"), "{first}");
    assert!(!out.join("2026-W48").exists(), "nothing half-written");
}

#[test]
fn notes_fill_their_sections_and_the_rest_say_owner_to_fill() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let notes = tmp.path().join("notes/2026-W48");
    std::fs::create_dir_all(&notes).expect("dir");
    std::fs::write(
        notes.join("program.md"),
        "# Program notes\n\n## Path to green\nMove two engineers from Web to Platform until 30 Nov.\n\n## Budget\n€40k left.\n",
    )
    .expect("written");
    let out = tmp.path().join("out");
    let (code, _, err) = rolecall(&[
        "report",
        "--demo",
        "-o",
        &out.display().to_string(),
        "--notes",
        &tmp.path().join("notes").display().to_string(),
    ]);
    assert_eq!(code, 0, "{err}");
    let md = read(&out.join("2026-W48/program.md"));
    assert!(
        md.contains("### Path to green\n\nMove two engineers from Web to Platform until 30 Nov."),
        "{md}"
    );
    assert!(md.contains("### Budget\n\n€40k left."), "extra sections are kept");
    assert!(md.contains("### Why this status\n\n> _Owner to fill"), "unfilled slots are visible");
    let product = read(&out.join("2026-W48/product.md"));
    assert!(
        product.contains("> _Owner to fill: add a `## Outcomes` section"),
        "no notes file: placeholders"
    );
}

/// Titles, labels, team names and milestones from the tracker are untrusted: none of them
/// may become markup, HTML, an image or a link in the rendered Markdown.
#[test]
fn nasty_titles_inject_nothing() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let src = format!("jira:{}", fixture("fixtures/cases/nasty/nasty.csv"));
    let (code, _, err) = rolecall(&[
        "report",
        "-s",
        &src,
        "--as-of",
        "2026-11-27",
        "-o",
        &tmp.path().display().to_string(),
    ]);
    assert_eq!(code, 0, "{err}");
    for role in ["product", "program", "project", "index"] {
        let md = read(&tmp.path().join(format!("2026-W48/{role}.md")));
        let mut html = String::new();
        let opts =
            pulldown_cmark::Options::ENABLE_TABLES | pulldown_cmark::Options::ENABLE_STRIKETHROUGH;
        pulldown_cmark::html::push_html(&mut html, pulldown_cmark::Parser::new_ext(&md, opts));
        for bad in [
            "<script",
            "<img",
            "<b>",
            "<i>",
            "href=\"javascript",
            "href=\"https://evil",
            "<del>",
            "<h1>**",
        ] {
            assert!(!html.contains(bad), "{role}: `{bad}` got through:\n{md}");
        }
        assert_eq!(
            md.matches("](javascript:").count(),
            md.matches("\\](javascript:").count(),
            "{role}: an unescaped link"
        );
        // Every table row keeps its table's column count: no `|` from a title split a cell.
        let mut header = 0;
        let mut previous_in_table = false;
        for line in md.lines() {
            let in_table = line.starts_with('|');
            if in_table && !previous_in_table {
                header = line.matches(" | ").count();
            }
            if in_table {
                let cells = line.matches(" | ").count() - line.matches("\\| ").count();
                assert!(cells <= header + 1, "{role}: {line}");
            }
            previous_in_table = in_table;
        }
    }
}

#[test]
fn an_export_without_milestones_is_judged_on_its_due_dates_and_says_what_is_missing() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let src = format!("jira:{}", fixture("fixtures/jira/current-fields-bom.csv"));
    let (code, _, err) = rolecall(&[
        "report",
        "-s",
        &src,
        "--as-of",
        "2026-11-27",
        "-o",
        &tmp.path().display().to_string(),
    ]);
    assert_eq!(code, 0, "{err}");
    let project = read(&tmp.path().join("2026-W48/project.md"));
    // No milestone at all, but due dates: two open items, both overdue.
    assert!(
        project.contains("**🔴 Red** — No item is in a milestone; by due dates, 2 of 2 open items with a due date are overdue."),
        "{project}"
    );
    assert!(project.contains("No item has a milestone"), "{project}");
    assert!(
        project.contains("cycle time is measured as lead time")
            || project.contains("No item was done"),
        "{project}"
    );
}

#[test]
fn bad_report_arguments() {
    let (code, _, err) = rolecall(&["report", "--demo", "--roles", "marketing"]);
    assert_eq!(
        (code, err.lines().next()),
        (2, Some("error: unknown role `marketing`; expected product, program or project"))
    );
    let (code, _, err) = rolecall(&["report", "--demo", "--week", "2026-W60"]);
    assert_eq!(code, 2);
    assert!(err.starts_with("error: --week `2026-W60` is not an ISO week"), "{err}");
    let (code, _, err) = rolecall(&["report", "--demo", "--format", "docx"]);
    assert_eq!(
        (code, err.lines().next()),
        (2, Some("error: unknown format `docx`; expected md, json, pdf"))
    );
}

/// The rules' automata are built while the sources load, but the rules are checked
/// before: a bad rule is the error even when a source would fail too (or would be a
/// long GitHub fetch), and nothing is written.
#[test]
fn a_bad_rule_is_reported_before_any_source_is_read() {
    let dir = tempfile::tempdir().expect("temp dir");
    let cfg = dir.path().join("rolecall.toml");
    std::fs::write(
        &cfg,
        "[[classify.rule]]\nname = \"broken\"\nconcern = \"program\"\ntitle = \"(unclosed\"\n",
    )
    .expect("written");
    let (cfg, out) = (cfg.display().to_string(), dir.path().join("out"));
    let missing = dir.path().join("no-such-export.csv");
    let (code, stdout, err) = rolecall(&[
        "report",
        "-c",
        &cfg,
        "-s",
        &format!("jira:{}", missing.display()),
        "--as-of",
        "2026-11-27",
        "-o",
        &out.display().to_string(),
    ]);
    assert_eq!((code, stdout.as_str()), (2, ""));
    assert!(
        err.starts_with(&format!(
            "error: {cfg}:2: rule `broken`: invalid regular expression in `title`"
        )),
        "{err}"
    );
    assert!(!out.exists(), "nothing is written");
}

/// `--format pdf` renders each role's Markdown to a PDF, byte-identical run to run.
#[test]
fn pdf_reports_are_written_and_deterministic() {
    let a = tempfile::tempdir().expect("temp dir");
    let b = tempfile::tempdir().expect("temp dir");
    for d in [&a, &b] {
        let out = d.path().display().to_string();
        let (code, stdout, err) = rolecall(&["report", "--demo", "--format", "md,pdf", "-o", &out]);
        assert_eq!(code, 0, "{err}");
        assert!(stdout.contains("program.pdf"), "{stdout}");
    }
    for role in ["product", "program", "project"] {
        let pa = std::fs::read(a.path().join(format!("2026-W48/{role}.pdf"))).expect("pdf written");
        let pb = std::fs::read(b.path().join(format!("2026-W48/{role}.pdf"))).expect("pdf written");
        assert!(pa.starts_with(b"%PDF-"), "{role}");
        assert!(pa.len() < 200_000, "{role}: {} bytes", pa.len());
        assert!(pa == pb, "{role}.pdf differs between runs");
    }
    assert!(!a.path().join("2026-W48/program.json").exists(), "only the formats asked for");
}

/// Fixture cases, each rendered for every role and compared with the golden files under
/// `tests/golden/cases/<case>/` (`UPDATE_SNAPSHOTS=1 cargo test` refreshes them; review the
/// diff like code). Paths are relative to the repository, so the files hold no machine's
/// paths. Each case has something the demo has not: an export without dates or
/// milestones, titles that try to inject markup, Linear's and Asana's exports, a GitHub
/// Projects view, and a second week with the first as its baseline.
#[test]
fn fixture_cases_match_their_golden_files() {
    let cases: &[(&str, &[&[&str]])] = &[
        ("no-dates", &[&["-s", "jira:fixtures/jira/current-fields-bom.csv"]]),
        ("nasty-titles", &[&["-s", "jira:fixtures/cases/nasty/nasty.csv"]]),
        ("linear", &[&["-s", "linear:fixtures/linear/export-2025.csv"]]),
        ("asana", &[&["-s", "asana:fixtures/asana/project-2024.csv"]]),
        (
            "github-projects",
            &[&["-s", "github-projects:fixtures/github-projects/roadmap-view.tsv"]],
        ),
        (
            "two-weeks",
            &[
                &[
                    "-c",
                    "fixtures/demo/rolecall-w47.toml",
                    "-s",
                    "jira:fixtures/demo/acme-jira-w47.csv",
                    "--as-of",
                    "2026-11-20",
                ],
                &[
                    "-c",
                    "fixtures/demo/rolecall.toml",
                    "-s",
                    "jira:fixtures/demo/acme-jira.csv",
                    "--as-of",
                    "2026-11-27",
                ],
            ],
        ),
    ];
    let mut files = Vec::new();
    for (case, runs) in cases {
        let tmp = tempfile::tempdir().expect("temp dir");
        let out = tmp.path().display().to_string();
        for run in *runs {
            let mut args = vec!["report", "-o", &out];
            if !run.contains(&"--as-of") {
                args.extend(["--as-of", "2026-11-27"]);
            }
            args.extend_from_slice(run);
            let (code, _, err) = rolecall(&args);
            assert_eq!(code, 0, "{case}: {err}");
        }
        for f in FILES {
            files.push((format!("{case}/{f}"), read(&tmp.path().join("2026-W48").join(f))));
        }
    }
    golden::CASES.check(files);
}

/// A run that fails halfway changes nothing: with the week's good reports in place, a
/// second run whose program template is broken leaves every file as it was (the product
/// report it could render is not swapped in either) and no temporary file behind.
#[test]
fn a_failed_run_leaves_the_last_good_reports_untouched() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let out = tmp.path().join("out");
    let out_s = out.display().to_string();
    let (code, _, err) = rolecall(&["report", "--demo", "-o", &out_s]);
    assert_eq!(code, 0, "{err}");
    let week = out.join("2026-W48");
    let before: Vec<(String, Vec<u8>)> = FILES
        .iter()
        .map(|f| (f.to_string(), std::fs::read(week.join(f)).expect("written")))
        .collect();
    let snapshot = out.join(".rolecall/snapshots/2026-W48.json");
    let stored = std::fs::read(&snapshot).expect("stored week");

    let templates = tmp.path().join("templates");
    std::fs::create_dir_all(&templates).expect("dir");
    std::fs::write(templates.join("product.md.hbs"), "Changed product report\n").expect("written");
    std::fs::write(templates.join("program.md.hbs"), "{{meta.no_such_field}}\n").expect("written");
    let (code, _, err) = rolecall(&[
        "report",
        "--demo",
        "-o",
        &out_s,
        "--templates",
        &templates.display().to_string(),
    ]);
    assert_eq!(code, 2, "{err}");
    for (f, bytes) in &before {
        assert!(std::fs::read(week.join(f)).expect("still there") == *bytes, "{f} changed");
    }
    assert_eq!(std::fs::read(&snapshot).expect("still there"), stored, "stored week changed");
    let leftovers: Vec<_> = std::fs::read_dir(&week)
        .expect("week dir")
        .chain(std::fs::read_dir(snapshot.parent().expect("dir")).expect("snapshots dir"))
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");
}

/// A folder where one of the week's files goes (`project.md/`) fails the run before any
/// file is renamed: the product and program reports were swapped in first, leaving a
/// week half old, half new.
#[test]
fn a_folder_in_a_reports_place_fails_the_run_before_any_file_changes() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let out = tmp.path().join("out");
    let out_s = out.display().to_string();
    let (code, _, err) = rolecall(&["report", "--demo", "-o", &out_s]);
    assert_eq!(code, 0, "{err}");
    let week = out.join("2026-W48");
    std::fs::remove_file(week.join("project.md")).expect("removed");
    std::fs::create_dir_all(week.join("project.md").join("x")).expect("made");
    let before: Vec<(&str, Vec<u8>)> = FILES
        .iter()
        .filter(|f| **f != "project.md")
        .map(|f| (*f, std::fs::read(week.join(f)).expect("written")))
        .collect();
    let (code, _, err) =
        rolecall(&["report", "--demo", "-o", &out_s, "--as-of", "2026-11-26T12:00:00Z"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("project.md: something other than a file is there"), "{err}");
    for (f, bytes) in &before {
        assert!(std::fs::read(week.join(f)).expect("still there") == *bytes, "{f} changed");
    }
}

/// A small Jira export written by the test: `rows` after the header.
fn jira_export(dir: &Path, rows: &[&str]) -> String {
    let mut text = String::from("Summary,Issue key,Issue id,Issue Type,Status,Status Category,Priority,Created,Updated,Resolved,Due date\n");
    for r in rows {
        text.push_str(r);
        text.push('\n');
    }
    let path = dir.join("export.csv");
    std::fs::write(&path, text).expect("written");
    format!("jira:{}", path.display())
}

/// Leadership asks never say "None this week" when the data shows something to decide:
/// overdue work, or a verdict that cannot be given. An item in a Blocked or On hold
/// status is blocked without a link; done items with no resolution date are counted in
/// the data-quality list.
#[test]
fn asks_blocked_statuses_and_data_quality_from_a_plain_export() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let src = jira_export(
        tmp.path(),
        &[
            "Checkout page,ACME-1,1,Task,In Progress,In Progress,High,02/Nov/26 9:00 AM,20/Nov/26 9:00 AM,,10/Nov/26",
            "Receipts,ACME-2,2,Task,To Do,To Do,Medium,02/Nov/26 9:00 AM,02/Nov/26 9:00 AM,,12/Nov/26",
            "Refunds,ACME-3,3,Task,On hold,In Progress,Medium,02/Nov/26 9:00 AM,02/Nov/26 9:00 AM,,",
            "Invoices,ACME-4,4,Task,Done,Done,Medium,02/Nov/26 9:00 AM,02/Nov/26 9:00 AM,,",
        ],
    );
    let out = tmp.path().join("out");
    let (code, _, err) = rolecall(&[
        "report",
        "-s",
        &src,
        "--as-of",
        "2026-11-27",
        "-o",
        &out.display().to_string(),
    ]);
    assert_eq!(code, 0, "{err}");
    let program = read(&out.join("2026-W48/program.md"));
    assert!(!program.contains("None this week"), "{program}");
    assert!(program.contains("Re-plan the 2 overdue items, 1 of them high priority"), "{program}");
    assert!(program.contains("ACME-3") && program.contains("its status: On hold"), "{program}");
    assert!(program.contains("1 item done with no resolution date"), "{program}");

    // Nothing dated at all: the verdict is unknown, and the ask says what to decide.
    let tmp = tempfile::tempdir().expect("temp dir");
    let src = jira_export(
        tmp.path(),
        &["Checkout page,ACME-1,1,Task,To Do,To Do,High,02/Nov/26 9:00 AM,20/Nov/26 9:00 AM,,"],
    );
    let out = tmp.path().join("out");
    let (code, _, err) = rolecall(&[
        "report",
        "-s",
        &src,
        "--as-of",
        "2026-11-27",
        "-o",
        &out.display().to_string(),
    ]);
    assert_eq!(code, 0, "{err}");
    let program = read(&out.join("2026-W48/program.md"));
    assert!(program.contains("⚪ Unknown"), "{program}");
    assert!(program.contains("Decide how delivery is tracked"), "{program}");
    assert!(!program.contains("None this week"), "{program}");
}

/// Notes and templates go into reports that get committed and emailed: a file that is a
/// link out of its folder (here to a file holding a token) is refused with an error naming
/// it, and nothing is written.
#[cfg(unix)]
#[test]
fn notes_and_templates_that_link_out_of_their_folder_are_refused() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let secret = tmp.path().join("secret.env");
    std::fs::write(&secret, "GITHUB_TOKEN=ghp_sekritValue0123456789").expect("written");
    let notes = tmp.path().join("notes");
    std::fs::create_dir_all(notes.join("2026-W48")).expect("dirs");
    std::os::unix::fs::symlink(&secret, notes.join("2026-W48/program.md")).expect("link");
    let out = tmp.path().join("out");
    let (code, stdout, err) = rolecall(&[
        "report",
        "--demo",
        "--notes",
        &notes.display().to_string(),
        "-o",
        &out.display().to_string(),
    ]);
    assert_eq!(code, 2, "{stdout}{err}");
    assert!(
        err.starts_with("error: ")
            && err.contains("program.md: links to")
            && err.contains("outside"),
        "{err}"
    );
    assert!(!err.contains("ghp_sekrit") && !stdout.contains("ghp_sekrit"));
    assert!(!out.join("2026-W48").exists(), "nothing is written");

    let templates = tmp.path().join("templates");
    std::fs::create_dir_all(&templates).expect("dir");
    std::os::unix::fs::symlink(&secret, templates.join("index.md.hbs")).expect("link");
    let (code, _, err) = rolecall(&[
        "report",
        "--demo",
        "--templates",
        &templates.display().to_string(),
        "-o",
        &out.display().to_string(),
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("index.md.hbs: links to"), "{err}");
    assert!(!out.join("2026-W48").exists(), "nothing is written");
}

/// Whoever can write into the output folder cannot make a run overwrite another file by
/// planting links under the temporary names it used to use (`.NAME.PID.tmp`).
#[cfg(unix)]
#[test]
fn planted_links_at_old_temporary_names_write_nothing_elsewhere() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let victim = tmp.path().join("victim.txt");
    std::fs::write(&victim, "keep me").expect("written");
    let week = tmp.path().join("out/2026-W48");
    std::fs::create_dir_all(&week).expect("dirs");
    let me = std::process::id();
    for pid in me..me + 3000 {
        for name in ["index.md", "program.md"] {
            let _ = std::os::unix::fs::symlink(&victim, week.join(format!(".{name}.{pid}.tmp")));
        }
    }
    let out = tmp.path().join("out");
    let (code, _, err) = rolecall(&["report", "--demo", "-o", &out.display().to_string()]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(std::fs::read_to_string(&victim).expect("victim"), "keep me");
    assert!(std::fs::read_to_string(week.join("index.md"))
        .expect("index")
        .starts_with("# Weekly status"));
}

/// A run that cannot store the week's state changes nothing: the reports of the earlier
/// run of the same week stay as they were (the state used to be written after the reports
/// were renamed into place).
#[test]
fn a_run_that_cannot_store_its_state_leaves_the_week_as_it_was() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let out = tmp.path().join("out");
    let o = out.display().to_string();
    let (code, _, err) = rolecall(&["report", "--demo", "-o", &o]);
    assert_eq!(code, 0, "{err}");
    let before = read(&out.join("2026-W48/program.md"));
    // The history folder becomes a file: the state cannot be written.
    let history = out.join(".rolecall/history");
    std::fs::remove_dir_all(&history).expect("removed");
    std::fs::write(&history, "not a folder").expect("written");
    let (code, _, err) = rolecall(&["report", "--demo", "--as-of", "2026-11-26", "-o", &o]);
    assert_ne!(code, 0, "{err}");
    assert!(err.starts_with("error: "), "{err}");
    assert_eq!(read(&out.join("2026-W48/program.md")), before, "the week's report was replaced");
    let leftovers: Vec<_> = std::fs::read_dir(out.join("2026-W48"))
        .expect("week")
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with('.'))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");
}

/// Inputs that used to panic or overflow the stack are clear errors with exit code 2.
#[test]
fn far_weeks_and_partials_that_include_each_other_are_errors_not_crashes() {
    for week in ["262143-W01", "999-W01", "0001-W01"] {
        let (code, _, err) = rolecall(&["report", "--demo", "--week", week]);
        assert_eq!(code, 2, "{week}: {err}");
        assert!(err.starts_with(&format!("error: --week `{week}` is not an ISO week")), "{err}");
    }
    let (code, _, err) = rolecall(&["report", "--demo", "--week", "9999-W52"]);
    assert_eq!(
        (code, err.lines().next()),
        (2, Some("error: --week `9999-W52` ends after the year 9999"))
    );
    let (code, _, err) = rolecall(&["report", "--demo", "--as-of", "0001-01-01"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.starts_with("error: --as-of `0001-01-01` is out of range"), "{err}");

    let tmp = tempfile::tempdir().expect("temp dir");
    let templates = tmp.path().join("templates");
    std::fs::create_dir_all(templates.join("partials")).expect("dirs");
    std::fs::write(templates.join("partials/items.md.hbs"), "{{> about}}").expect("written");
    std::fs::write(templates.join("partials/about.md.hbs"), "{{> items}}").expect("written");
    let out = tmp.path().join("out").display().to_string();
    let (code, _, err) = rolecall(&[
        "report",
        "--demo",
        "--templates",
        &templates.display().to_string(),
        "-o",
        &out,
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("partials include each other: about → items → about")
            || err.contains("partials include each other: items → about → items"),
        "{err}"
    );
}

/// Two runs into one output folder would leave a mix of both weeks: the second waits for
/// nothing and fails naming the first; a lock left by a run that died is taken over.
#[test]
fn a_second_run_into_the_same_folder_is_refused_while_the_first_holds_it() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let out = tmp.path().join("out");
    std::fs::create_dir_all(out.join(".rolecall")).expect("dirs");
    // This test's own process stands for a run in progress.
    std::fs::write(out.join(".rolecall/lock"), crate::common::lock_of_this_process())
        .expect("lock");
    let o = out.display().to_string();
    let (code, _, err) = rolecall(&["report", "--demo", "-o", &o]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.starts_with(&format!(
            "error: another rolecall (pid {}) is writing this output folder",
            std::process::id()
        )),
        "{err}"
    );
    assert!(!out.join("2026-W48").exists());
    // A lock whose run is gone, and a temporary file a killed run left behind.
    std::fs::write(out.join(".rolecall/lock"), "4194999\n").expect("lock");
    std::fs::create_dir_all(out.join("2026-W48")).expect("week");
    std::fs::write(out.join("2026-W48/.program.md.k3Jq9z.rolecall-tmp"), "half").expect("left");
    let (code, _, err) = rolecall(&["report", "--demo", "-o", &o]);
    assert_eq!(code, 0, "{err}");
    assert!(
        !out.join("2026-W48/.program.md.k3Jq9z.rolecall-tmp").exists(),
        "the leftover is removed"
    );
    assert!(!out.join(".rolecall/lock").exists(), "the lock is released");
}

/// How long an item has been blocked: since the week its block was first seen, once the
/// stored weeks tell; "at most" from the items' creation before that.
#[test]
fn blocked_days_count_from_the_week_the_block_was_first_seen() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let header =
        "Summary,Issue key,Issue id,Issue Type,Status,Created,Inward issue link (Blocks)\n";
    let unblocked = format!("{header}Checkout,ACME-1,1,Task,In Progress,01/Sep/26 9:00 AM,\nGateway,ACME-2,2,Task,In Progress,01/Sep/26 9:00 AM,\n");
    let blocked = format!("{header}Checkout,ACME-1,1,Task,In Progress,01/Sep/26 9:00 AM,ACME-2\nGateway,ACME-2,2,Task,In Progress,01/Sep/26 9:00 AM,\n");
    let (a, b) = (tmp.path().join("a.csv"), tmp.path().join("b.csv"));
    std::fs::write(&a, unblocked).expect("a");
    std::fs::write(&b, blocked).expect("b");
    let out = tmp.path().join("out");
    let o = out.display().to_string();
    let run = |file: &Path, as_of: &str| {
        let spec = format!("jira:{}", file.display());
        let (code, _, err) = rolecall(&["report", "-s", &spec, "--as-of", as_of, "-o", &o]);
        assert_eq!(code, 0, "{err}");
    };
    let row = |week: &str| {
        let program = read(&out.join(format!("{week}/program.md")));
        program.lines().find(|l| l.starts_with("| ACME-1 ")).map(str::to_string).unwrap_or_default()
    };
    run(&b, "2026-11-06");
    assert!(row("2026-W45").ends_with("| 66 at most |"), "{}", row("2026-W45"));
    let out2 = tmp.path().join("out2");
    let o2 = out2.display().to_string();
    let run2 = |file: &Path, as_of: &str| {
        let spec = format!("jira:{}", file.display());
        let (code, _, err) = rolecall(&["report", "-s", &spec, "--as-of", as_of, "-o", &o2]);
        assert_eq!(code, 0, "{err}");
    };
    run2(&a, "2026-11-13");
    run2(&b, "2026-11-20");
    run2(&b, "2026-11-27");
    let row2 = |week: &str| {
        let program = read(&out2.join(format!("{week}/program.md")));
        program.lines().find(|l| l.starts_with("| ACME-1 ")).map(str::to_string).unwrap_or_default()
    };
    assert!(row2("2026-W47").ends_with("| 7 |"), "{}", row2("2026-W47"));
    assert!(row2("2026-W48").ends_with("| 14 |"), "{}", row2("2026-W48"));
}

/// A week folder that is a link to somewhere else is refused: writes land only inside
/// the output folder.
#[cfg(unix)]
#[test]
fn a_week_folder_that_links_elsewhere_is_refused() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let elsewhere = tmp.path().join("elsewhere");
    std::fs::create_dir_all(&elsewhere).expect("dir");
    let out = tmp.path().join("out");
    std::fs::create_dir_all(&out).expect("dir");
    std::os::unix::fs::symlink(&elsewhere, out.join("2026-W48")).expect("link");
    let (code, _, err) = rolecall(&["report", "--demo", "-o", &out.display().to_string()]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("2026-W48 is a link to another place"), "{err}");
    assert_eq!(std::fs::read_dir(&elsewhere).expect("dir").count(), 0, "written elsewhere");
}

/// Sprints with dates — Linear's cycles, or a `[[milestone]]` titled like a Jira sprint —
/// are judged as milestones are: the current one is the one whose dates hold today.
#[test]
fn dated_sprints_are_judged_like_milestones() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let header = "\"ID\",\"Team\",\"Title\",\"Status\",\"Cycle Number\",\"Cycle Name\",\"Cycle Start\",\"Cycle End\",\"Created\",\"Completed\"\n";
    let d = |s: &str| format!("{s} 2026 09:00:00 GMT+0000 (GMT)");
    let mut text = String::from(header);
    for (id, status, cycle, start, end, done) in [
        ("ENG-1", "Done", "3", "Mon Nov 02", "Sun Nov 15", "Tue Nov 10"),
        ("ENG-2", "Done", "4", "Mon Nov 16", "Sun Nov 29", "Tue Nov 17"),
        ("ENG-3", "Todo", "4", "Mon Nov 16", "Sun Nov 29", ""),
        ("ENG-4", "Todo", "4", "Mon Nov 16", "Sun Nov 29", ""),
        ("ENG-5", "In Progress", "4", "Mon Nov 16", "Sun Nov 29", ""),
        ("ENG-6", "Todo", "5", "Mon Nov 30", "Sun Dec 13", ""),
    ] {
        let completed = if done.is_empty() { String::new() } else { d(done) };
        text.push_str(&format!(
            "{id},Platform,Work {id},{status},{cycle},Cycle {cycle},{},{},{},{completed}\n",
            d(start),
            d(end),
            d("Mon Nov 02")
        ));
    }
    let path = tmp.path().join("linear.csv");
    std::fs::write(&path, text).expect("written");
    let out = tmp.path().join("out");
    let src = format!("linear:{}", path.display());
    let (code, _, err) = rolecall(&[
        "report",
        "-s",
        &src,
        "--as-of",
        "2026-11-27",
        "-o",
        &out.display().to_string(),
    ]);
    assert_eq!(code, 0, "{err}");
    let project = read(&out.join("2026-W48/project.md"));
    assert!(project.contains("Current sprint: **Cycle 4**"), "{project}");
    assert!(
        project.contains("by sprints, Cycle 4: 1 of 4 done with 2 days left"),
        "the current cycle is red: {project}"
    );
    assert!(
        project.contains("| Cycle 4 (current) · 2026-11-16 to 2026-11-29 🔴 Red |"),
        "{project}"
    );
    // Cycle 5 is yet to come: its open item is planned, not left behind.
    assert!(!project.contains("left open in finished sprints"), "{project}");

    // A Jira sprint gets its dates from a [[milestone]] of its title.
    let jira = tmp.path().join("jira.csv");
    std::fs::write(
        &jira,
        "Summary,Issue key,Issue id,Issue Type,Status,Created,Sprint\n\
         A,WEB-1,1,Task,Done,02/Nov/26 9:00 AM,WEB Sprint 7\n\
         B,WEB-2,2,Task,To Do,02/Nov/26 9:00 AM,WEB Sprint 7\n",
    )
    .expect("written");
    let config = tmp.path().join("rolecall.toml");
    std::fs::write(
        &config,
        "[[milestone]]\ntitle = \"web sprint 7\"\nstart = 2026-11-16\ndue = 2026-12-04\n",
    )
    .expect("written");
    let out = tmp.path().join("out-jira");
    let src = format!("jira:{}", jira.display());
    let (code, _, err) = rolecall(&[
        "-c",
        &config.display().to_string(),
        "report",
        "-s",
        &src,
        "--as-of",
        "2026-11-27",
        "-o",
        &out.display().to_string(),
    ]);
    assert_eq!(code, 0, "{err}");
    let project = read(&out.join("2026-W48/project.md"));
    assert!(project.contains("| WEB Sprint 7 (current) · 2026-11-16 to 2026-12-04"), "{project}");
    assert!(
        !project.contains("| web sprint 7 |"),
        "the sprint's dates made no milestone: {project}"
    );
}

/// A Linear export names its cycles by their team once a second team's are in it
/// (`Cycle 4` one week, `Engineering Cycle 4` the next): last week's items of `Cycle 4`
/// are the same cycle's, not all moved out of one sprint and into another. An item that
/// really moved to the next cycle still reads as moved.
#[test]
fn a_cycle_named_by_its_team_when_a_second_team_appears_is_the_same_cycle() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let header = "\"ID\",\"Team\",\"Title\",\"Status\",\"Cycle Number\",\"Cycle Name\",\"Cycle Start\",\"Cycle End\",\"Created\",\"Completed\"\n";
    let d = |s: &str| format!("{s} 2026 09:00:00 GMT+0000 (GMT)");
    let export = |rows: &[(&str, &str, &str, &str, &str)]| {
        let mut text = String::from(header);
        for &(id, team, status, cycle, done) in rows {
            let (start, end) = if cycle == "4" {
                ("Mon Nov 16", "Sun Nov 29")
            } else {
                ("Mon Nov 30", "Sun Dec 13")
            };
            let completed = if done.is_empty() { String::new() } else { d(done) };
            text.push_str(&format!(
                "{id},{team},Work {id},{status},{cycle},,{},{},{},{completed}\n",
                d(start),
                d(end),
                d("Mon Nov 02")
            ));
        }
        std::fs::write(tmp.path().join("linear.csv"), text).expect("written");
    };
    let report = |as_of: &str| {
        let args = ["report", "-s", "linear:linear.csv", "--as-of", as_of, "-o", "out"];
        let (code, _, err) = common::run_in(tmp.path(), &args, &[]);
        assert_eq!(code, 0, "{err}");
    };
    let eng = |id, status, cycle, done| (id, "Engineering", status, cycle, done);
    export(&[
        eng("ENG-1", "Done", "4", "Tue Nov 17"),
        eng("ENG-2", "Todo", "4", ""),
        eng("ENG-3", "In Progress", "4", ""),
        eng("ENG-4", "Todo", "4", ""),
    ]);
    report("2026-11-20");
    export(&[
        eng("ENG-1", "Done", "4", "Tue Nov 17"),
        eng("ENG-2", "Todo", "4", ""),
        eng("ENG-3", "In Progress", "4", ""),
        eng("ENG-4", "Todo", "5", ""),
        ("DES-1", "Design", "Todo", "4", ""),
    ]);
    report("2026-11-27");
    let project = read(&tmp.path().join("out/2026-W48/project.md"));
    assert!(
        project.contains(
            "**Engineering Cycle 4**: scope shrank from 4 to 3 items (+0, −1) this week.\n\
             - Removed:\n  - ENG-4 Work ENG-4: moved to Engineering Cycle 5\n"
        ),
        "{project}"
    );
    // Committed 3 (in it last week), added none.
    assert!(
        project.contains("| Engineering Cycle 4 (current) · 2026-11-16 to 2026-11-29 🔴 Red | 3 | 1 | 2 | 0 | 3 | 0 | 0 |"),
        "{project}"
    );
    assert!(!project.contains("scope grew from 0 to 3"), "{project}");
    // Design's cycle first appears this week: a new sprint, not one that grew from 0.
    assert!(
        project.contains("**Design Cycle 4**: a new sprint this week, with 1 item.\n"),
        "{project}"
    );
    assert!(!project.contains("scope grew from 0"), "{project}");
    let json: serde_json::Value =
        serde_json::from_str(&read(&tmp.path().join("out/2026-W48/project.json"))).expect("JSON");
    let design = (json["sprint_scope"].as_array().expect("sprint scope").iter())
        .find(|s| s["sprint"] == "Design Cycle 4")
        .expect("Design Cycle 4's scope");
    assert_eq!((design["new"].as_bool(), design["before"].as_u64()), (Some(true), Some(0)));
    assert_eq!(eng_new(&json), Some(false));
    let eng4 = (json["sprint_scope"].as_array().expect("sprint scope").iter())
        .find(|s| s["sprint"] == "Engineering Cycle 4")
        .expect("Engineering Cycle 4's scope");
    assert_eq!(
        (eng4["before"].as_u64(), eng4["added"].as_array().map(Vec::len)),
        (Some(4), Some(0))
    );
}

/// Whether the JSON calls Engineering Cycle 4 new (it is not: its items were in it).
fn eng_new(json: &serde_json::Value) -> Option<bool> {
    (json["sprint_scope"].as_array()?.iter())
        .find(|s| s["sprint"] == "Engineering Cycle 4")
        .and_then(|s| s["new"].as_bool())
}

/// A team's own status update (GitHub Projects) is shown beside the data's verdict, and
/// says when the two differ.
#[test]
fn the_teams_own_status_is_shown_beside_the_datas() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (code, snapshot, err) = common::run(&["items", "--demo", "--format", "snapshot"]);
    assert_eq!(code, 0, "{err}");
    let mut snap: serde_json::Value = serde_json::from_str(&snapshot).expect("JSON");
    snap["status_updates"] = serde_json::json!([{
        "project": "Checkout roadmap", "url": "https://github.com/orgs/acme/projects/5",
        "status": "On track", "body": "Apple Pay lands next sprint.",
        "created": "2026-11-25T09:00:00Z", "target_date": "2027-01-15"
    }]);
    let path = dir.path().join("week.json");
    std::fs::write(&path, serde_json::to_string(&snap).expect("JSON")).expect("written");
    let out = dir.path().join("out").display().to_string();
    let source = format!("snapshot:{}", path.display());
    let (code, _, err) =
        common::run(&["report", "-s", &source, "--as-of", "2026-11-27", "-o", &out]);
    assert_eq!(code, 0, "{err}");
    let md = std::fs::read_to_string(dir.path().join("out/2026-W48/program.md")).expect("md");
    let line = md.lines().find(|l| l.contains("Checkout roadmap")).expect("the team's word");
    assert!(
        line.contains("**On track** (2026-11-25), target 2027-01-15 — the data says 🔴 Red: "),
        "{line}"
    );
    assert!(line.ends_with(". Apple Pay lands next sprint."), "{line}");
    let json: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("out/2026-W48/program.json")).expect("json"),
    )
    .expect("JSON");
    assert_eq!(json["team_says"][0]["differs"], true);
    assert_eq!(json["team_says"][0]["colour"], "green");
}

/// Writes `csv` as the Jira export `name` in `dir`, runs `report` on it as of `as_of`
/// into `dir/out` (with the `rolecall.toml` there, if any), and returns `out/<file>`.
fn jira_report(dir: &Path, name: &str, csv: &str, as_of: &str, file: &str) -> String {
    let export = common::write(dir, name, csv);
    let args = ["report", "-s", &format!("jira:{export}"), "--as-of", as_of, "-o", "out"];
    let (code, _, err) = common::run_in(dir, &args, &[]);
    assert_eq!(code, 0, "{err}");
    std::fs::read_to_string(dir.join("out").join(file)).expect("the report")
}

/// Sprints planned ahead (an export whose open sprint items are all due in the coming
/// weeks) are not "finished sprints" with work "left open", whatever their numbers say;
/// the same sprints with no due dates are (a later one exists on the board).
#[test]
fn sprints_planned_ahead_are_not_finished_sprints() {
    let dir = tempfile::tempdir().expect("temp dir");
    let csv = |due: &str| {
        let mut s =
            String::from("Summary,Issue key,Issue Type,Status,Created,Resolved,Due Date,Sprint\n");
        for i in 1..=4 {
            s += &format!(
                "Build part {i},PL-{i},Task,To Do,2026-02-10 09:00,,{due},Sprint 1 — Core\n"
            );
        }
        for i in 5..=8 {
            s += &format!(
                "Set up {i},PL-{i},Task,Done,2026-02-02 09:00,2026-02-12 10:00,,Sprint 2 — Setup\n"
            );
        }
        s
    };
    let run = |name: &str, due: &str| {
        jira_report(dir.path(), name, &csv(due), "2026-02-15", "2026-W07/project.md")
    };
    let planned = run("planned.csv", "2026-03-01");
    assert!(!planned.contains("left open in finished sprints"), "{planned}");
    let unplanned = run("unplanned.csv", "");
    assert!(unplanned.contains("4 items left open in finished sprints"), "{unplanned}");
}

/// While nothing in a sprint is done, the sprint table would be all zeros in its Done
/// columns (herokudeploy-2018: five sprints, 0 done in each): one sentence says what the
/// sprints hold instead, as the Throughput section does for its chart. Once an item is
/// done, the table is back.
#[test]
fn a_sprint_table_with_nothing_done_is_one_sentence() {
    let dir = tempfile::tempdir().expect("temp dir");
    let csv = |status: &str, resolved: &str| {
        format!(
            "Summary,Issue key,Issue Type,Status,Created,Resolved,Sprint,Sprint\n\
             Search page,WEB-1,Story,To Do,2026-02-02 09:00,,Sprint 1,\n\
             Checkout page,WEB-2,Story,{status},2026-02-02 09:00,{resolved},Sprint 1,Sprint 2\n\
             Profile page,WEB-3,Story,To Do,2026-02-09 09:00,,Sprint 2,\n"
        )
    };
    let none =
        jira_report(dir.path(), "none.csv", &csv("To Do", ""), "2026-02-15", "2026-W07/project.md");
    let sprints = section(&none, "## Sprints");
    assert!(!sprints.contains("| Sprint |"), "{sprints}");
    assert!(
        sprints.contains(
            "No item in a sprint is done yet: Sprint 1 holds 1 open item and \
             Sprint 2 (current) holds 2 open items (1 carried over).\n"
        ),
        "{sprints}"
    );
    let json: serde_json::Value =
        serde_json::from_str(&read(&dir.path().join("out/2026-W07/project.json"))).expect("JSON");
    assert_eq!(json["sprints"]["done"].as_u64(), Some(0));
    let one = jira_report(
        dir.path(),
        "one.csv",
        &csv("Done", "2026-02-12 10:00"),
        "2026-02-15",
        "2026-W07/project.md",
    );
    let sprints = section(&one, "## Sprints");
    assert!(sprints.contains("| Sprint 2 (current) | 2 | 1 | 1 | 1 |"), "{sprints}");
    assert!(!sprints.contains("No item in a sprint is done yet"), "{sprints}");
}

/// The product and project reports of a week list milestones in one order, the dated
/// first, soonest first: the product's roadmap followed the export's order, so a director
/// reading both saw "A1, D2" in one and "D2, A1" in the other (agile-delivery-simulation).
#[test]
fn product_and_project_list_milestones_in_one_order() {
    let dir = tempfile::tempdir().expect("temp dir");
    let csv = "Summary,Issue key,Issue Type,Status,Created,Due Date,Labels,Fix Version/s\n\
        Search page,WEB-1,Story,To Do,2026-02-02 09:00,,concern:product,Alpha\n\
        Checkout page,WEB-2,Story,To Do,2026-02-02 09:00,2026-03-20,concern:product,Beta\n\
        Profile page,WEB-3,Story,To Do,2026-02-02 09:00,2026-03-06,concern:product,Gamma\n";
    let product = jira_report(dir.path(), "web.csv", csv, "2026-02-15", "2026-W07/product.md");
    let project = read(&dir.path().join("out/2026-W07/project.md"));
    let order = |md: &str, heading: &str| -> Vec<String> {
        (section(md, heading).lines())
            .filter_map(|l| l.strip_prefix("| "))
            .map(|l| l.split(" |").next().unwrap_or("").to_string())
            .filter(|t| ["Alpha", "Beta", "Gamma"].contains(&t.as_str()))
            .collect()
    };
    let want = ["Gamma", "Beta", "Alpha"].map(String::from).to_vec();
    assert_eq!(order(&product, "## Roadmap progress"), want, "{product}");
    assert_eq!(order(&project, "## Milestones"), want, "{project}");
}

/// A sprint's progress is the sprint's in every report: the product headline counted its
/// product items only ("Sprint 2: 0 of 2 done") beside the project's "0 of 3 done" for
/// the same sprint; what the product's finished sprints left open says it is product work.
#[test]
fn every_report_counts_a_sprint_whole() {
    let dir = tempfile::tempdir().expect("temp dir");
    let csv = "Summary,Issue key,Issue Type,Status,Created,Labels,Sprint\n\
        Search page,WEB-1,Story,To Do,2026-02-02 09:00,concern:product,Sprint 1\n\
        Checkout page,WEB-2,Story,To Do,2026-02-09 09:00,concern:product,Sprint 2\n\
        Profile page,WEB-3,Story,To Do,2026-02-09 09:00,concern:product,Sprint 2\n\
        Release checklist,WEB-4,Task,To Do,2026-02-09 09:00,concern:project,Sprint 2\n";
    let product = jira_report(dir.path(), "web.csv", csv, "2026-02-15", "2026-W07/product.md");
    let week = |f: &str| read(&dir.path().join("out/2026-W07").join(f));
    let (project, program, index) = (week("project.md"), week("program.md"), week("index.md"));
    assert!(
        product.contains(
            "by sprints, 1 product item left open in finished sprints (in Sprint 1); Sprint 2: 0 of 3 done"
        ),
        "{product}"
    );
    assert!(
        project.contains(
            "by sprints, 1 item left open in finished sprints (in Sprint 1); Sprint 2: 0 of 3 done"
        ),
        "{project}"
    );
    assert!(program.contains("Sprint 2: 0 of 3 done"), "{program}");
    assert!(project.contains("Sprint 2 (current) holds 3 open items."), "{project}");
    for (name, text) in [("product", &product), ("program", &program), ("index", &index)] {
        assert!(!text.contains("0 of 2 done"), "{name}: {text}");
    }
}

/// An export without `Created` cannot time finished work: the report does not say "only
/// 0 items finished" beside a flow table of done work, and says which dates are missing.
#[test]
fn finished_work_without_dates_to_time_it_is_not_called_nothing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut s = String::from("Summary,Issue key,Issue Type,Status,Resolved\n");
    for i in 1..=8 {
        s += &format!("Done thing {i},ND-{i},Task,Done,2026-02-1{} 10:00\n", i % 5);
    }
    s += "Open thing,ND-9,Task,In Progress,\n";
    let project = jira_report(dir.path(), "nd.csv", &s, "2026-02-15", "2026-W07/project.md");
    assert!(!project.contains("only 0 items finished"), "{project}");
    assert!(
        project.contains("8 items finished, 0 of them with a creation or start date"),
        "{project}"
    );
}

/// An item that moved from sprint 1 to sprint 2 was carried over into sprint 2, even when
/// no item is in sprint 1 any more (it used to be left out of the order, and the count
/// was 0).
#[test]
fn carried_over_counts_from_a_sprint_every_item_left() {
    let dir = tempfile::tempdir().expect("temp dir");
    let s = "Summary,Issue key,Issue Type,Status,Created,Sprint,Sprint\n\
             Moved on,CO-1,Task,To Do,2026-01-05 09:00,CO Sprint 1,CO Sprint 2\n\
             Fresh,CO-2,Task,To Do,2026-01-20 09:00,CO Sprint 2,\n\
             Next,CO-3,Task,To Do,2026-01-20 09:00,CO Sprint 3,\n";
    let text = jira_report(dir.path(), "co.csv", s, "2026-02-15", "2026-W07/project.json");
    let json: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    let list = json["sprints"]["list"].as_array().expect("sprints");
    let titles: Vec<&str> = list.iter().filter_map(|s| s["title"].as_str()).collect();
    assert_eq!(titles, ["CO Sprint 2", "CO Sprint 3"], "a sprint with no items is no row");
    assert_eq!(list[0]["carried_over"], 1, "{list:?}");
}

/// A milestone dated by its latest item's due date: when that item leaves it, the date
/// moves, and the roadmap says from when (it used to show no change).
#[test]
fn a_derived_due_date_that_moved_is_shown_as_moved() {
    let dir = tempfile::tempdir().expect("temp dir");
    let week = |rows: &str| {
        format!("Summary,Issue key,Issue Type,Status,Created,Due date,Fix versions\n{rows}")
    };
    let one = week(
        "Part A,DD-1,Story,To Do,2026-02-02 09:00,2026-03-10,R1\n\
         Part B,DD-2,Story,To Do,2026-02-02 09:00,2026-03-25,R1\n\
         Part C,DD-3,Story,Done,2026-02-02 09:00,2026-03-01,R1\n",
    );
    let two = week(
        "Part A,DD-1,Story,To Do,2026-02-02 09:00,2026-03-10,R1\n\
         Part B,DD-2,Story,To Do,2026-02-02 09:00,2026-03-25,\n\
         Part C,DD-3,Story,Done,2026-02-02 09:00,2026-03-01,R1\n",
    );
    jira_report(dir.path(), "dd.csv", &one, "2026-02-15", "2026-W07/product.md");
    let product = jira_report(dir.path(), "dd.csv", &two, "2026-02-22", "2026-W08/product.md");
    assert!(product.contains("moved from 2026-03-25"), "{product}");
}

/// Status names rolecall does not know count as open, and the report says which, until
/// a `status-map` says what they mean.
#[test]
fn unknown_status_names_are_named() {
    let dir = tempfile::tempdir().expect("temp dir");
    let s = "Summary,Issue key,Issue Type,Status,Created\n\
             A,US-1,Task,Parked,2026-02-02 09:00\n\
             B,US-2,Task,Parked,2026-02-02 09:00\n\
             C,US-3,Task,Dev Complete,2026-02-02 09:00\n\
             D,US-4,Task,To Do,2026-02-02 09:00\n";
    let report = |config: &str| {
        std::fs::write(dir.path().join("rolecall.toml"), config).expect("config");
        let _ = std::fs::remove_dir_all(dir.path().join("out"));
        jira_report(dir.path(), "us.csv", s, "2026-02-15", "2026-W07/project.md")
    };
    let plain = report("");
    assert!(
        plain.contains("3 open items with a status rolecall does not know, counted as open: Parked (2), Dev Complete (1)."),
        "{plain}"
    );
    // Most of the export in such statuses and nothing to judge by: what to do about them
    // leads the advice, before the columns to export.
    let index = std::fs::read_to_string(dir.path().join("out/2026-W07/index.md")).expect("index");
    assert!(
        index.contains("- Say in \\[status-map\\] which of the statuses rolecall does not know mean done, in progress or cancelled: 3 of the 4 items have one and count as open (Parked (2), Dev Complete (1)). Export the Fix versions column"),
        "{index}"
    );
    let mapped = report("[status-map]\nParked = \"cancelled\"\n\"Dev Complete\" = \"done\"\n");
    assert!(!mapped.contains("does not know"), "{mapped}");
}

/// Work "in progress" that no one has touched for `stale-days` is not next week's: the
/// product report's "Next week" leaves it to the program report's risks. Nor is work in
/// progress with no due date next week (it is under In progress: "Next week" repeated it).
#[test]
fn untouched_work_in_progress_is_not_next_weeks() {
    let dir = tempfile::tempdir().expect("temp dir");
    let s = "Summary,Issue key,Issue Type,Status,Created,Updated,Labels\n\
             Checkout redesign for buyers,NW-1,Story,In Progress,2025-01-06 09:00,2025-01-10 09:00,ux\n\
             Profile page for buyers,NW-2,Story,In Progress,2026-02-02 09:00,2026-02-12 09:00,ux\n";
    let product = jira_report(dir.path(), "nw.csv", s, "2026-02-15", "2026-W07/product.md");
    let next =
        product.split("## Next week").nth(1).and_then(|s| s.split("## ").next()).expect("section");
    assert!(!next.contains("NW-1") && !next.contains("NW-2"), "{next}");
    assert!(next.contains("Nothing is due by the end of next week."), "{next}");
}

/// "New requests and feedback" is what was asked for this week and is not started: an
/// item opened and finished this week is under Shipped, one opened and cancelled is no
/// request any more, one under way is in progress, and a done item in an export with no
/// resolution date is not news.
#[test]
fn new_requests_are_still_to_do() {
    let dir = tempfile::tempdir().expect("temp dir");
    let s = "Summary,Issue key,Issue Type,Status,Created,Resolved,Labels\n\
             Dark mode for the dashboard,NR-1,Story,To Do,2026-02-10 09:00,,ux\n\
             Saved filters for buyers,NR-2,Story,Done,2026-02-10 09:00,2026-02-12 09:00,ux\n\
             Export to PDF for buyers,NR-3,Story,Done,2026-02-10 09:00,,ux\n\
             Onboarding tour for buyers,NR-4,Story,Won't Do,2026-02-10 09:00,2026-02-11 09:00,ux\n\
             Wishlist sharing for buyers,NR-5,Story,In Progress,2026-02-10 09:00,,ux\n";
    let product = jira_report(dir.path(), "nr.csv", s, "2026-02-15", "2026-W07/product.md");
    let new = product
        .split("## New requests and feedback")
        .nth(1)
        .and_then(|s| s.split("## ").next())
        .expect("section");
    assert!(new.contains("NR-1"), "{new}");
    for gone in ["NR-2", "NR-3", "NR-4", "NR-5"] {
        assert!(!new.contains(gone), "{gone} is not a new request:\n{new}");
    }
    // Under way, it is in progress (it was listed under both).
    let in_progress = product.split("## In progress").nth(1).expect("in progress");
    assert!(in_progress.split("## ").next().is_some_and(|s| s.contains("NR-5")), "{product}");
    // Finished this week, it is shipped.
    let shipped = product.split("## Shipped").nth(1).expect("shipped");
    assert!(shipped.split("## ").next().is_some_and(|s| s.contains("NR-2")), "{product}");
}

/// A team whose workflow's statuses are German (`Erledigt`, `In Bearbeitung`) in an
/// export with English headers, a board or a mapped CSV: the statuses mean what they say,
/// as in a German Jira export, and are not "unknown" open items.
#[test]
fn statuses_in_other_languages_count_in_every_source() {
    let dir = tempfile::tempdir().expect("temp dir");
    let s = "Summary,Issue key,Issue Type,Status,Created,Resolved\n\
             A,DE-1,Task,Erledigt,2026-02-02 09:00,2026-02-05 12:00\n\
             B,DE-2,Task,In Bearbeitung,2026-02-02 09:00,\n\
             C,DE-3,Task,Hecho,2026-02-02 09:00,2026-02-06 12:00\n\
             D,DE-4,Task,Geparkt,2026-02-02 09:00,\n";
    let export = common::write(dir.path(), "de.csv", s);
    let (code, out, err) = common::run_in(
        dir.path(),
        &["items", "-s", &format!("jira:{export}"), "--format", "json"],
        &[],
    );
    assert_eq!(code, 0, "{err}");
    let items: serde_json::Value = serde_json::from_str(&out).expect("json");
    let states: Vec<&str> =
        items.as_array().unwrap().iter().map(|i| i["state"].as_str().unwrap()).collect();
    assert_eq!(states, ["done", "in-progress", "done", "open"]);
    let project = jira_report(dir.path(), "de2.csv", s, "2026-02-15", "2026-W07/project.md");
    assert!(
        project.contains("status rolecall does not know, counted as open: Geparkt (1)."),
        "{project}"
    );
    // A GitHub project board exported as TSV, in German.
    let tsv = "Title\tStatus\nA\tErledigt\nB\tIn Bearbeitung\n";
    let board = common::write(dir.path(), "board.tsv", tsv);
    let (code, out, err) = common::run_in(
        dir.path(),
        &["items", "-s", &format!("github-projects:{board}"), "--format", "json"],
        &[],
    );
    assert_eq!(code, 0, "{err}");
    let items: serde_json::Value = serde_json::from_str(&out).expect("json");
    let states: Vec<&str> =
        items.as_array().unwrap().iter().map(|i| i["state"].as_str().unwrap()).collect();
    assert_eq!(states, ["done", "in-progress"]);
}

/// A week run again with fewer formats or roles holds only that run's reports: `email`
/// and `publish` send what the folder holds, and last run's PDF beside this run's
/// verdict would tell a director two things.
#[test]
fn a_week_run_again_holds_only_that_runs_reports() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("out").display().to_string();
    let run = |extra: &[&str]| {
        let mut args = vec!["report", "--demo", "-o", &out, "--as-of", "2026-11-27"];
        args.extend_from_slice(extra);
        let (code, _, err) = common::run(&args);
        assert_eq!(code, 0, "{err}");
    };
    let names = || {
        let mut v: Vec<String> = std::fs::read_dir(dir.path().join("out/2026-W48"))
            .expect("week")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .filter(|n| !n.starts_with('.'))
            .collect();
        v.sort();
        v
    };
    run(&["--format", "md,json,pdf"]);
    assert_eq!(names().len(), 12, "{:?}", names());
    std::fs::write(dir.path().join("out/2026-W48/notes.txt"), "mine")
        .expect("a file of the user's");
    run(&["--format", "md"]);
    assert_eq!(names(), ["index.md", "notes.txt", "product.md", "program.md", "project.md"]);
    run(&["--format", "md", "--roles", "program"]);
    assert_eq!(names(), ["index.md", "notes.txt", "program.md"]);
}

/// An item resolved before it was created (a re-typed date) is not a 0-day sample that
/// pulls the cycle time down: it is left out, and the data quality says so.
#[test]
fn items_closed_before_they_were_created_are_left_out_of_flow() {
    let dir = tempfile::tempdir().expect("temp dir");
    let s = "Summary,Issue key,Issue Type,Status,Created,Resolved\n\
             A,BK-1,Task,Done,2026-01-10 09:00,2026-01-05 09:00\n\
             B,BK-2,Task,Done,2026-01-05 09:00,2026-01-15 09:00\n\
             C,BK-3,Task,Done,2026-01-06 09:00,2026-01-16 09:00\n\
             D,BK-4,Task,Done,2026-01-07 09:00,2026-01-17 09:00\n\
             E,BK-5,Task,In Progress,2026-02-01 09:00,\n";
    let project = jira_report(dir.path(), "bk.csv", s, "2026-02-15", "2026-W07/project.md");
    assert!(
        project.contains("Work in progress: **1 item**; too few finished items (3 in the last 12 weeks) to judge age"),
        "{project}"
    );
    assert!(
        project.contains("1 item closed before it was created: left out of cycle and lead times."),
        "{project}"
    );
}

/// An item waiting on its own team and on another: the leadership ask names the other
/// team's blocker and how long that wait can have lasted, not the first link's.
#[test]
fn a_cross_team_ask_names_the_other_teams_blocker() {
    let dir = tempfile::tempdir().expect("temp dir");
    let s = "Summary,Issue key,Issue Type,Status,Created,Custom field (Team),Inward issue link (Blocks),Inward issue link (Blocks)\n\
             Checkout API,CT-1,Task,In Progress,2026-01-20 09:00,Web,CT-2,CT-3\n\
             Session store,CT-2,Task,In Progress,2026-01-01 09:00,Web,,\n\
             Payment gateway,CT-3,Task,In Progress,2026-01-25 09:00,Payments,,\n";
    let program = jira_report(dir.path(), "ct.csv", s, "2026-02-15", "2026-W07/program.md");
    assert!(
        program.contains("Unblock CT-1 (Web): waiting on CT-3 from Payments for up to 21 days."),
        "{program}"
    );
}

/// "Oldest overdue" is the earliest due, whatever order the overdue list is in (newly
/// overdue first).
#[test]
fn the_oldest_overdue_is_the_earliest_due() {
    let dir = tempfile::tempdir().expect("temp dir");
    let s = "Summary,Issue key,Issue Type,Status,Created,Due Date\n\
             New late,OD-1,Task,To Do,2026-01-05 09:00,2026-02-12\n\
             Long late,OD-2,Task,To Do,2026-01-05 09:00,2026-01-20\n";
    let project = jira_report(dir.path(), "od.csv", s, "2026-02-15", "2026-W07/project.md");
    assert!(project.contains("Oldest overdue: OD-2 (due 2026-01-20)."), "{project}");
}

/// Sprints with no dates of their own: the running one is found from its items' due
/// dates, not taken to be the highest number — a sprint whose every item is due after
/// the one before it ends is planned, and the running one is not "finished".
#[test]
fn the_current_sprint_is_the_one_running_by_its_items_due_dates() {
    let dir = tempfile::tempdir().expect("temp dir");
    let s = "Summary,Issue key,Issue Type,Status,Created,Due Date,Sprint\n\
             A,SP-1,Task,To Do,2026-02-02 09:00,2026-03-05,Sprint 3\n\
             B,SP-2,Task,To Do,2026-02-02 09:00,2026-03-15,Sprint 3\n\
             C,SP-3,Task,To Do,2026-02-02 09:00,2026-03-18,Sprint 4\n\
             D,SP-4,Task,To Do,2026-02-02 09:00,2026-03-25,Sprint 4\n";
    let project = jira_report(dir.path(), "sp.csv", s, "2026-03-06", "2026-W10/project.md");
    assert!(project.contains("Current sprint: **Sprint 3**."), "{project}");
    assert!(!project.contains("left open in finished sprints"), "{project}");
    // Once Sprint 3's last item is due, Sprint 4 runs.
    let later = jira_report(dir.path(), "sp2.csv", s, "2026-03-17", "2026-W12/project.md");
    assert!(
        later.contains("Current sprint: **Sprint 4**. 2 items left open in finished sprints"),
        "{later}"
    );
}

/// "All roadmap milestones done" does not hide the next release when its work was read
/// as another role's: the open milestone is named.
#[test]
fn all_roadmap_milestones_done_names_the_open_one_without_product_work() {
    let dir = tempfile::tempdir().expect("temp dir");
    let s = "Summary,Issue key,Issue Type,Status,Created,Resolved,Fix versions,Labels\n\
             Saved carts,RM-1,Story,Done,2026-01-05 09:00,2026-01-20 09:00,1.0,concern:product\n\
             Cart sharing,RM-2,Story,Done,2026-01-05 09:00,2026-01-22 09:00,1.0,concern:product\n\
             Move queue to new cluster,RM-3,Task,To Do,2026-01-05 09:00,,2.0,concern:program\n";
    let product = jira_report(dir.path(), "rm.csv", s, "2026-02-15", "2026-W07/product.md");
    assert!(
        product
            .contains("the one roadmap milestone done (open milestone 2.0 holds no product item)"),
        "{product}"
    );
}

/// The flow reason reads as English whatever the counts: "the 1 item in progress is not
/// older", not "0 of 1 item in progress are older" nor "none of the 1 item".
#[test]
fn the_flow_reason_reads_right_with_nothing_ageing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut s = String::from("Summary,Issue key,Issue Type,Status,Created,Resolved\n");
    for i in 1..=5 {
        s += &format!("Done {i},FL-{i},Task,Done,2026-02-0{i} 09:00,2026-02-1{i} 09:00\n");
    }
    s += "Going,FL-9,Task,In Progress,2026-02-14 09:00,\n";
    let project = jira_report(dir.path(), "fl.csv", &s, "2026-02-15", "2026-W07/project.md");
    assert!(project.contains("by flow, the 1 item in progress is not older than 85%"), "{project}");
}

/// An export without `Updated` is as fresh as its newest resolution: resolved two days
/// before the report, it is not called stale.
#[test]
fn an_export_without_updated_is_as_fresh_as_its_newest_date() {
    let dir = tempfile::tempdir().expect("temp dir");
    let s = "Summary,Issue key,Issue Type,Status,Created,Resolved\n\
             A,FR-1,Task,Done,2026-11-01 09:00,2026-12-02 09:00\n\
             B,FR-2,Task,Done,2026-11-02 09:00,2026-12-03 09:00\n";
    let project = jira_report(dir.path(), "fr.csv", s, "2026-12-04", "2026-W49/project.md");
    assert!(!project.contains("last changed"), "{project}");
    assert!(project.contains("data as of 2026-12-03"), "{project}");
}

/// An epic filed under a release beside its stories is counted once, as its stories: in
/// the milestone's progress, and not as scope added when it joins.
#[test]
fn an_epic_beside_its_stories_is_not_counted_in_its_release() {
    let dir = tempfile::tempdir().expect("temp dir");
    let head = "Summary,Issue key,Issue Type,Status,Created,Resolved,Fix versions\n";
    let first = format!("{head}Story A,EP-2,Story,Done,2026-02-02 09:00,2026-02-05 09:00,R1\n");
    let second = format!(
        "{head}Story A,EP-2,Story,Done,2026-02-02 09:00,2026-02-05 09:00,R1\n\
         Checkout epic,EP-1,Epic,In Progress,2026-02-02 09:00,,R1\n\
         Story B,EP-3,Story,To Do,2026-02-10 09:00,,R1\n"
    );
    jira_report(dir.path(), "w1.csv", &first, "2026-02-08", "2026-W06/project.md");
    let project = jira_report(dir.path(), "w2.csv", &second, "2026-02-15", "2026-W07/project.md");
    let added =
        project.split("**Added**").nth(1).and_then(|s| s.split("\n\n").next()).expect("added");
    assert!(added.contains("EP-3") && !added.contains("EP-1"), "{added}");
    assert!(project.contains("| R1 | ") && project.contains("| 1/2 (50%) |"), "{project}");
}

/// What the sources gave and the reports do not count is said in "About this report":
/// items outside `[scope]`, and bots' items, with how many (a report of 2 items from an
/// export of 4 without a word reads like lost data).
#[test]
fn items_left_out_of_scope_are_counted_in_about() {
    let dir = tempfile::tempdir().expect("temp dir");
    common::write(
        dir.path(),
        "export.csv",
        "Summary,Issue key,Issue Type,Status,Created,Reporter,Labels\n\
         Checkout,AC-1,Task,To Do,2026-11-02 09:00,ana,\n\
         Receipts,AC-2,Task,To Do,2026-11-02 09:00,ana,\n\
         Sandbox,AC-3,Task,To Do,2026-11-02 09:00,ana,wontfix\n\
         Bump serde,AC-4,Task,To Do,2026-11-02 09:00,renovate[bot],\n",
    );
    common::write(
        dir.path(),
        "rolecall.toml",
        "[[source]]\nspec = \"jira:export.csv\"\n[scope]\nexclude-labels = [\"wontfix\"]\n",
    );
    let args = ["report", "--as-of", "2026-11-27", "-o", "out"];
    let (code, _, err) = common::run_in(dir.path(), &args, &[]);
    assert_eq!(code, 0, "{err}");
    let md = read(&dir.path().join("out/2026-W48/project.md"));
    assert!(
        md.contains("2 items in scope; not counted: 1 item outside the \\[scope\\] filters, 1 item opened by bots"),
        "{md}"
    );
}

/// Edges of a week and of the data: an item resolved at Monday 00:00 is done in the week
/// that Monday begins (the burn-up had it a week early, beside a throughput table that
/// did not); one resolved before it was created is not a 0-day cycle time; a verdict
/// from sprints does not say "0 items overdue" of an export with no due dates, nor "most
/// in" one of two sprints that left as many open.
#[test]
fn week_edges_and_data_errors_are_not_counted_as_facts() {
    let dir = tempfile::tempdir().expect("temp dir");
    let csv = "Summary,Issue key,Issue Type,Status,Created,Resolved,Fix versions,Sprint\n\
        Midnight close,A-1,Story,Done,2026-10-20 09:00,2026-11-23 00:00,M1,Sprint 3\n\
        Open one,A-2,Story,To Do,2026-10-20 09:00,,M1,Sprint 2\n\
        Another,A-3,Story,To Do,2026-10-20 09:00,,M1,Sprint 1\n\
        Backwards,A-4,Story,Done,2026-11-24 09:00,2026-11-23 09:00,,Sprint 4\n\
        Current,A-5,Story,In Progress,2026-11-20 09:00,,,Sprint 4\n";
    let json = jira_report(dir.path(), "e.csv", csv, "2026-11-25", "2026-W48/project.json");
    let v: serde_json::Value = serde_json::from_str(&json).expect("json");
    let burn = &v["milestones"][0]["burn_up"];
    let at = |w: &str| burn.as_array().unwrap().iter().find(|p| p["week"] == w).cloned();
    assert_eq!(at("2026-W47").map(|p| p["done"].clone()), Some(0.into()), "{burn}");
    assert_eq!(at("2026-W48").map(|p| p["done"].clone()), Some(1.into()), "{burn}");
    let md = read(&dir.path().join("out/2026-W48/project.md"));
    assert!(!md.contains("0 items overdue"), "{md}");
    assert!(md.contains("1 each in Sprint 1 and Sprint 2"), "{md}");
    // The cycle time counts A-1 only (created 2026-10-20, resolved 34 days later), and
    // A-4 is not said to have no date (its dates are backwards).
    assert!(md.contains("(1 item: too few for percentiles)"), "{md}");
    assert!(!md.contains("to time it by"), "{md}");
}

/// Sprints named by their month are one board in date order, whatever `Sprint` is said
/// or not (a real export's 11 such sprints were 10 boards, 10 of them "current", and its
/// largest sprint had "Carried over 0"); what an earlier sprint than the one just before
/// held is carried over too; and the sprint the headline calls current stays in the
/// table when it is cut to `top`.
#[test]
fn sprints_named_by_month_are_one_board_in_date_order() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut s = String::from("Summary,Issue key,Issue Type,Status,Created,Sprint,Sprint\n");
    s += "Old,M-1,Task,To Do,2021-10-05 09:00,October Sprint,\n";
    s += "Left,M-2,Task,To Do,2022-01-05 09:00,Jan 2022,\n";
    for i in 3..=6 {
        s +=
            &format!("Moved,M-{i},Task,To Do,2022-02-01 09:00,Feb 2022 Sprint,April 2022 SPrint\n");
    }
    s += "Gap,M-7,Task,To Do,2022-03-01 09:00,March 2022,\n";
    for (i, board) in
        ["Alpha", "Beta", "Gamma", "Delta", "Epsilon", "Zeta", "Eta", "Theta", "Iota", "Kappa"]
            .iter()
            .enumerate()
    {
        s += &format!("Other,O-{i},Task,To Do,2022-03-01 09:00,{board} Sprint 1,\n");
    }
    let text = jira_report(dir.path(), "m.csv", &s, "2022-04-20", "2022-W16/project.json");
    let json: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    assert_eq!(json["sprints"]["current"], "April 2022 SPrint", "{}", json["sprints"]);
    let all = json["sprints"]["list"].as_array().expect("sprints");
    let april = all.iter().find(|s| s["title"] == "April 2022 SPrint").expect("April is listed");
    assert_eq!((april["current"].as_bool(), april["carried_over"].as_u64()), (Some(true), Some(4)));
    let current: Vec<&str> = all
        .iter()
        .filter(|s| s["board"] == "Sprints by month" && s["current"] == true)
        .filter_map(|s| s["title"].as_str())
        .collect();
    assert_eq!(current, ["April 2022 SPrint"], "one board, one current sprint");
    assert_eq!(json["sprints"]["left_behind"], 3, "October, Jan and March left one each");
    let md = read(&dir.path().join("out/2022-W16/project.md"));
    assert!(md.contains("April 2022 SPrint (current) holds 4 open items"), "{md}");
}

/// Every list cut to `top` says how much more there is: milestones, roadmap, epics,
/// slipped items and the verdict's reasons (80 milestones made an 81-line verdict, a
/// 9-page "one-page" index, and tables of 10 with no word of the other 70). Epics are
/// listed largest first.
#[test]
fn lists_cut_to_top_say_how_many_more() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut s = String::from(
        "Summary,Issue key,Issue Type,Status,Created,Due date,Fix versions,Parent,Labels\n",
    );
    s += "Small epic,E-1,Epic,To Do,2026-10-01 09:00,,,,feature\n";
    s += "Big epic,E-2,Epic,To Do,2026-10-01 09:00,,,,feature\n";
    s += "Kid,K-1,Story,To Do,2026-10-01 09:00,,,E-1,feature\n";
    for i in 2..=4 {
        s += &format!("Kid,K-{i},Story,To Do,2026-10-01 09:00,,,E-2,feature\n");
    }
    for i in 1..=8 {
        s += &format!(
            "Customer feature {i},F-{i},Story,To Do,2026-10-01 09:00,2026-11-0{i},Release {i},,feature\n"
        );
    }
    common::write(dir.path(), "x.csv", &s);
    common::write(
        dir.path(),
        "rolecall.toml",
        "[[source]]\nspec = \"jira:x.csv\"\n[report]\ntop = 3\n",
    );
    let (code, _, err) =
        common::run_in(dir.path(), &["report", "--as-of", "2026-11-27", "-o", "out"], &[]);
    assert_eq!(code, 0, "{err}");
    let project = read(&dir.path().join("out/2026-W48/project.md"));
    let milestones =
        &project[project.find("## Milestones").unwrap()..project.find("## Forecast").unwrap()];
    assert!(milestones.contains("…and 5 more (all in the JSON report)"), "{milestones}");
    let verdict = &project[..project.find("## Milestones").unwrap()];
    assert_eq!(verdict.matches("\n- Release").count(), 3, "{verdict}");
    assert!(verdict.contains("- …and 6 more"), "{verdict}");
    let product = read(&dir.path().join("out/2026-W48/product.md"));
    let slipped = &product[product.find("## Slipped").unwrap()..];
    assert!(slipped.contains("…and 5 more"), "{slipped}");
    // The longest overdue first.
    assert!(slipped.find("F-1").unwrap() < slipped.find("F-2").unwrap(), "{slipped}");
    let epics = &product[product.find("| Epic |").unwrap()..];
    assert!(epics.find("E-2").unwrap() < epics.find("E-1").unwrap(), "{epics}");
    let index = read(&dir.path().join("out/2026-W48/index.md"));
    assert!(index.contains("- …and 6 more"), "{index}");
}

/// Scope changes against last week count what left a milestone whichever way it left:
/// cancelled, its fix version cleared (a milestone every item left is still shown, for
/// the scope it lost), or gone from the export; and the plan of last week counts the
/// items no longer in the data (they were left out: "1 of 3" where 4 were open).
#[test]
fn cancelled_and_vanished_items_are_scope_removed_and_stay_in_the_plan() {
    let dir = tempfile::tempdir().expect("temp dir");
    let head = "Summary,Issue key,Issue Type,Status,Created,Fix versions\n";
    let week = |rows: &[(&str, &str, &str)]| {
        let mut s = String::from(head);
        for (key, status, fix) in rows {
            s += &format!("Item {key},{key},Story,{status},2026-10-20 09:00,{fix}\n");
        }
        s
    };
    let run = |name: &str, csv: String, as_of: &str| {
        common::write(dir.path(), name, csv);
        let args = ["report", "-s", &format!("jira:{name}"), "--as-of", as_of, "-o", "out"];
        let (code, _, err) = common::run_in(dir.path(), &args, &[]);
        assert_eq!(code, 0, "{err}");
    };
    run(
        "w45.csv",
        week(&[
            ("A-1", "To Do", "M1"),
            ("A-2", "To Do", "M1"),
            ("A-3", "To Do", "M2"),
            ("A-4", "To Do", "M2"),
            ("A-5", "To Do", "M1"),
        ]),
        "2026-11-06",
    );
    run(
        "w46.csv",
        week(&[
            ("A-1", "To Do", "M1"),
            ("A-2", "Won't Do", "M1"),
            ("A-3", "To Do", ""),
            ("A-4", "To Do", ""),
        ]),
        "2026-11-13",
    );
    let md = read(&dir.path().join("out/2026-W46/project.md"));
    let changes = &md[md.find("## Scope changes").unwrap()..md.find("## Planned").unwrap()];
    for key in ["A-2", "A-3", "A-4", "A-5"] {
        assert!(changes.contains(key), "{key} removed: {changes}");
    }
    assert!(!changes.contains("No scope changes"), "{changes}");
    assert!(md.contains("| M2 |"), "the emptied milestone is shown: {md}");
    assert!(
        md.contains(
            "0 of 5 items open at last week's snapshot are done, and 1 of the 5 is no longer in the data (deleted, or out of what the export or the report covers);"
        ),
        "{md}"
    );
}

/// Instants are dated in the configured time zone: a report as of 2026-04-14 in La Paz
/// (UTC−4, so its instant is 2026-04-15T03:59:59Z) said "reported as of 2026-04-15".
#[test]
fn instants_are_dated_in_the_configured_time_zone() {
    let dir = tempfile::tempdir().expect("temp dir");
    common::write(
        dir.path(),
        "x.csv",
        "Summary,Issue key,Issue Type,Status,Created,Updated\nOne,A-1,Task,To Do,2026-04-10 09:00,2026-04-14 20:30\n",
    );
    common::write(
        dir.path(),
        "rolecall.toml",
        "timezone = \"America/La_Paz\"\n[[source]]\nspec = \"jira:x.csv\"\n",
    );
    let (code, _, err) = common::run_in(
        dir.path(),
        &["report", "--as-of", "2026-04-14", "-o", "out", "--format", "md,pdf"],
        &[],
    );
    assert_eq!(code, 0, "{err}");
    // Last changed at 20:30 in La Paz: 00:30 the next day in UTC.
    let pdf = lopdf::Document::load(dir.path().join("out/2026-W16/project.pdf")).expect("pdf");
    let text = pdf.extract_text(&[1]).expect("text");
    assert!(text.contains("Data as of 2026-04-14"), "{text}");
    let index = read(&dir.path().join("out/2026-W16/index.md"));
    assert!(index.contains("Data as of 2026-04-14 (reported as of 2026-04-14)"), "{index}");
    let project = read(&dir.path().join("out/2026-W16/project.md"));
    assert!(project.contains("2026-04-13 to 2026-04-14 (America/La\\_Paz)"), "{project}");
}

/// The index links to the reports the run wrote: with `--format pdf` alone its Markdown
/// linked to three `.md` files that were not there; and `index.pdf`'s links open the
/// role PDFs beside it (it had none).
#[test]
fn the_index_links_to_the_reports_that_were_written() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("out");
    let (code, _, err) =
        rolecall(&["report", "--demo", "--format", "pdf", "-o", &out.display().to_string()]);
    assert_eq!(code, 0, "{err}");
    let index = read(&out.join("2026-W48/index.md"));
    assert!(index.contains("(product.pdf)") && !index.contains("(product.md)"), "{index}");
    let pdf = lopdf::Document::load(out.join("2026-W48/index.pdf")).expect("pdf");
    let mut uris: Vec<String> = Vec::new();
    for page in pdf.get_pages().values() {
        let Ok(annots) = pdf.get_dictionary(*page).and_then(|p| p.get(b"Annots")) else { continue };
        for a in annots.as_array().expect("annotations") {
            let a = match a {
                lopdf::Object::Reference(id) => pdf.get_dictionary(*id).expect("annotation"),
                lopdf::Object::Dictionary(d) => d,
                _ => continue,
            };
            let action = a.get(b"A").and_then(|x| x.as_dict()).expect("action");
            if let Ok(u) = action.get(b"URI").and_then(|u| u.as_str()) {
                uris.push(String::from_utf8_lossy(u).into_owned());
            }
        }
    }
    for role in ["product.pdf", "program.pdf", "project.pdf"] {
        assert!(uris.iter().any(|u| u == role), "{role}: {uris:?}");
    }
}

/// A week rebuilt from a later export does not judge finished sprints when items in
/// sprints changed since: each is in its sprint of the export's day, and one moved into
/// a later sprint made the running sprint look finished ("89 items left open in finished
/// sprints" on a real export's first sprint, still running that week).
#[test]
fn sprints_of_a_later_export_are_not_judged_for_an_earlier_week() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut s = String::from("Summary,Issue key,Issue Type,Status,Created,Updated,Sprint\n");
    // Most items in sprints changed since (one changed item of forty would move nothing).
    for i in 1..=4 {
        let updated = if i <= 2 { "2026-03-20 09:00" } else { "2026-03-05 09:00" };
        s += &format!("Work {i},S-{i},Task,To Do,2026-03-02 09:00,{updated},Sprint 1\n");
    }
    for i in 5..=6 {
        s += &format!("Later {i},S-{i},Task,To Do,2026-03-02 09:00,2026-03-25 09:00,Sprint 2\n");
    }
    let md = jira_report(dir.path(), "later.csv", &s, "2026-03-13", "2026-W11/project.md");
    let verdict = &md[..md.find("## Milestones").unwrap()];
    assert!(!verdict.contains("left open in finished sprints"), "{verdict}");
    assert!(md.contains("4 items in sprints changed since"), "{md}");
    // Nor does the verdict say there is no finished sprint: it says why none was judged.
    assert!(!verdict.contains("no finished sprint"), "{verdict}");
    assert!(
        verdict.contains(
            "sprints not judged (4 of 6 sprint items changed since, in an export taken later)"
        ),
        "{verdict}"
    );
}

/// An item done last week and open again this week is said to be: the throughput of
/// the weeks before drops with it, and nothing said why.
#[test]
fn work_reopened_since_last_week_is_said_to_be() {
    let dir = tempfile::tempdir().expect("temp dir");
    let head = "Summary,Issue key,Issue Type,Status,Created,Resolved\n";
    let run = |name: &str, csv: String, as_of: &str| {
        common::write(dir.path(), name, csv);
        let args = ["report", "-s", &format!("jira:{name}"), "--as-of", as_of, "-o", "out"];
        let (code, _, err) = common::run_in(dir.path(), &args, &[]);
        assert_eq!(code, 0, "{err}");
    };
    let done = "Done,A-1,Story,Done,2026-10-20 09:00,2026-11-10 09:00";
    let again = "Done,A-1,Story,In Progress,2026-10-20 09:00,";
    let open = "Open,A-2,Story,To Do,2026-10-20 09:00,";
    run("w46.csv", format!("{head}{done}\n{open}\n"), "2026-11-13");
    run("w47.csv", format!("{head}{again}\n{open}\n"), "2026-11-20");
    let md = read(&dir.path().join("out/2026-W47/project.md"));
    assert!(md.contains("1 item done by last week's snapshot is open again"), "{md}");
}

/// A week compared with an older snapshot (last week's run was missed) says which week
/// it is compared with, not "last week".
#[test]
fn changes_since_an_older_week_name_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    let csv = "Summary,Issue key,Issue Type,Status,Created,Fix versions\nOne,A-1,Story,To Do,2026-10-20 09:00,M1\n";
    jira_report(dir.path(), "w45.csv", csv, "2026-11-06", "2026-W45/project.md");
    let md = jira_report(dir.path(), "w47.csv", csv, "2026-11-20", "2026-W47/project.md");
    assert!(md.contains("## Scope changes since 2026-W45"), "{md}");
    assert!(md.contains("open at the snapshot of 2026-W45 are done"), "{md}");
}

/// Sprints named by their month alone are ordered across New Year by their items'
/// dates: a January after a December is next year's (ordered by month alone, January
/// came first, December read as current and the running January as finished).
#[test]
fn month_sprints_across_new_year_keep_their_order() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut s = String::from("Summary,Issue key,Issue Type,Status,Created,Sprint,Sprint\n");
    s += "Old,N-1,Task,Done,2026-11-02 09:00,November Sprint,\n";
    s += "Mid,N-2,Task,To Do,2026-12-01 09:00,December Sprint,January Sprint\n";
    s += "Now,N-3,Task,In Progress,2027-01-04 09:00,January Sprint,\n";
    let text = jira_report(dir.path(), "ny.csv", &s, "2027-01-10", "2027-W01/project.json");
    let json: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    assert_eq!(json["sprints"]["current"], "January Sprint", "{}", json["sprints"]);
    assert_eq!(json["sprints"]["left_behind"], 0, "{}", json["sprints"]);
}

/// A shipped group longer than the list shown says how many more it holds: the headline
/// said 12 shipped while the list showed 10, without a word.
#[test]
fn a_long_shipped_group_says_how_many_more() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut s = String::from("Summary,Issue key,Issue Type,Status,Created,Resolved,Labels\n");
    for i in 1..=12 {
        s += &format!(
            "Feature {i},P-{i},Story,Done,2026-11-02 09:00,2026-11-25 09:00,concern:product\n"
        );
    }
    let md = jira_report(dir.path(), "p.csv", &s, "2026-11-27", "2026-W48/product.md");
    assert!(md.contains("12 product items shipped this week"), "{md}");
    assert!(md.contains("- …and 2 more (all in the JSON report)"), "{md}");
}

/// A plain `report` on a Monday reports a week of one day, which reads as nothing done:
/// the verdict says so and how to report the last whole week.
#[test]
fn a_week_of_one_day_says_so() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let out = tmp.path().join("out").display().to_string();
    let (code, _, err) =
        rolecall(&["report", "--demo", "--as-of", "2026-11-23", "-o", &out, "--format", "md,json"]);
    assert_eq!(code, 0, "{err}");
    let md = read(&Path::new(&out).join("2026-W48/project.md"));
    assert!(md.contains("_The week so far: 1 day of 2026-W48 · run with `--week last` for the last whole week._"), "{md}");
    let json: serde_json::Value =
        serde_json::from_str(&read(&Path::new(&out).join("2026-W48/project.json"))).expect("JSON");
    assert_eq!(json["meta"]["days_so_far"], 1);
    // Later in the week, nothing is said.
    let (code, _, err) = rolecall(&["report", "--demo", "-o", &out, "--format", "md"]);
    assert_eq!(code, 0, "{err}");
    assert!(!read(&Path::new(&out).join("2026-W48/project.md")).contains("The week so far"));
}

/// A program of many teams and many knots reads as a report, not a dump: the tables of
/// one row per team stop at 30 with the count left out (the ones that need a look kept),
/// a cell of blockers or teams stops with "…and N more", the cycles are listed as groups
/// (a hub that blocks and is blocked by two others is not a ring through all three) and
/// their list says how many more there are, and a critical path cut to its last 25 items
/// says how many come before.
#[test]
fn many_teams_and_knots_are_cut_and_say_so() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut csv = String::from(
        "Summary,Issue key,Issue Type,Status,Created,Due Date,Fix Version/s,Custom field (Team),Outward issue link (Blocks),Outward issue link (Blocks)\n",
    );
    let created = "02/Nov/26 10:00 AM";
    // 40 teams of one item each; team 39's item (A-1) is blocked by 7 items of other teams.
    for i in 0..40 {
        let key = if i == 39 { "A-1".to_string() } else { format!("T-{i}") };
        csv.push_str(&format!("Item {i},{key},Story,In Progress,{created},,v1,Team {i:02},,\n"));
    }
    for b in 0..7 {
        csv.push_str(&format!(
            "Blocker {b},B-{b},Story,In Progress,{created},,v1,Team {b:02},A-1,\n"
        ));
    }
    // 12 pairs blocking each other, and a hub with two spokes (no link between them).
    for p in 0..12 {
        csv.push_str(&format!("Pair a {p},PA-{p},Story,In Progress,{created},,,Team 00,PB-{p},\n"));
        csv.push_str(&format!("Pair b {p},PB-{p},Story,In Progress,{created},,,Team 01,PA-{p},\n"));
    }
    csv.push_str(&format!("Hub,X-1,Story,In Progress,{created},,,Team 02,X-2,X-3\n"));
    csv.push_str(&format!("Spoke two,X-2,Story,In Progress,{created},,,Team 03,X-1,\n"));
    csv.push_str(&format!("Spoke three,X-3,Story,In Progress,{created},,,Team 04,X-1,\n"));
    // A chain of 30 blockers ending in an overdue milestone's item.
    for c in 0..30 {
        let next = if c == 29 { String::new() } else { format!("C-{}", c + 1) };
        csv.push_str(&format!(
            "Chain {c},C-{c},Story,To Do,{created},2026-11-10,late,Team {:02},{next},\n",
            c % 3
        ));
    }
    std::fs::write(dir.path().join("many.csv"), csv).expect("w");
    let args =
        ["report", "-s", "jira:many.csv", "--as-of", "2026-11-27", "--format", "md,json", "-q"];
    let (code, _, err) = common::run_in(dir.path(), &args, &[]);
    assert_eq!(code, 0, "{err}");
    let program = read(&dir.path().join("reports/2026-W48/program.md"));
    let project = read(&dir.path().join("reports/2026-W48/project.md"));
    let rows = |md: &str, from: &str| {
        let section = md.split(from).nth(1).unwrap_or_else(|| panic!("{from}: {md}"));
        let table = (section.split("\n\n").find(|p| p.starts_with('|')))
            .unwrap_or_else(|| panic!("a table after {from}: {md}"));
        table.lines().count() - 2
    };
    assert_eq!(rows(&program, "## Workstreams"), 30, "{program}");
    assert!(
        program.contains("…and 10 more (those shown need a look most; all in the JSON report)."),
        "{program}"
    );
    assert!(program.contains("| Team 39 |"), "the blocked team is kept: {program}");
    let team_rows = (project.lines())
        .filter(|l| l.starts_with("| Team ") && !l.starts_with("| Team |"))
        .count();
    assert_eq!(team_rows, 30, "{project}");
    // Team 39's one item in progress, A-1, is blocked: blocked work is not in progress.
    assert!(project.contains("…and 9 more teams"), "{project}");
    // One cell, five blockers and the count of the rest.
    let blocked = (program.lines().find(|l| l.starts_with("| A-1 ")))
        .unwrap_or_else(|| panic!("A-1 blocked: {program}"));
    assert!(
        blocked.contains("B-4") && !blocked.contains("B-5") && blocked.contains("…and 2 more"),
        "{blocked}"
    );
    // Groups, not rings; the list cut says so.
    assert!(program.contains("- 3 items: X-1, X-2, X-3"), "{program}");
    assert!(!program.contains("X-1 → X-2"), "{program}");
    assert!(
        program.contains("\n…and 3 more (all in the JSON report)."),
        "13 knots, 10 shown: {program}"
    );
    // The critical path: 30 items, the last 25 shown.
    let path = program.lines().find(|l| l.starts_with("- **late**")).expect("late's path");
    assert!(
        path.contains("(5 items before these, not shown) → ") && path.contains("C-5 "),
        "{path}"
    );
    let json: serde_json::Value =
        serde_json::from_str(&read(&dir.path().join("reports/2026-W48/program.json")))
            .expect("json");
    assert_eq!(json["workstreams"].as_array().map(Vec::len), Some(40), "the JSON has them all");
    assert_eq!(json["dependencies"]["critical_paths"][0]["not_shown"], 5);
}

/// Where nothing can judge the schedule, the advice names only the date columns the
/// export lacks: here it has Created and Due date (on a done item), not Resolved.
#[test]
fn unknown_schedule_advice_names_only_the_columns_missing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let csv = "Summary,Issue key,Issue Type,Status,Created,Due date\n\
        One,A-1,Story,To Do,2026-11-02 09:00,\n\
        Two,A-2,Story,Done,2026-11-02 09:00,2026-11-10\n\
        Three,A-3,Story,In Progress,2026-11-03 09:00,\n";
    std::fs::write(dir.path().join("x.csv"), csv).expect("w");
    let args = ["report", "-q", "-s", "jira:x.csv", "--as-of", "2026-11-27"];
    let (code, _, err) = common::run_in(dir.path(), &args, &[]);
    assert_eq!(code, 0, "{err}");
    let md = read(&dir.path().join("reports/2026-W48/project.md"));
    assert!(md.contains("or export the Resolved column."), "{md}");
    assert!(!md.contains("export the Due date"), "{md}");
}

/// A workstream's flow verdict counts its own finished work: a team that finished 2
/// items was called "only 4 finished" with another team's 2 (what is too little to time
/// work by, all finished work, is said beside it).
#[test]
fn a_workstream_is_judged_on_its_own_throughput() {
    let dir = tempfile::tempdir().expect("temp dir");
    let s = "Summary,Issue key,Issue Type,Status,Created,Resolved,Project key\n\
             Login form,AA-1,Task,Done,2026-02-02 09:00,2026-02-04 09:00,AA\n\
             Signup form,AA-2,Task,Done,2026-02-02 09:00,2026-02-05 09:00,AA\n\
             Reset form,AA-3,Task,In Progress,2026-02-09 09:00,,AA\n\
             Profile form,AA-4,Task,To Do,2026-02-09 09:00,,AA\n\
             Ledger export,BB-1,Task,Done,2026-02-02 09:00,2026-02-06 09:00,BB\n\
             Ledger import,BB-2,Task,Done,2026-02-02 09:00,2026-02-06 10:00,BB\n\
             Ledger check,BB-3,Task,To Do,2026-02-09 09:00,,BB\n";
    let program = jira_report(dir.path(), "ws.csv", s, "2026-02-13", "2026-W07/program.md");
    assert!(
        program.contains(
            "| AA | 🟠 Amber | only 2 items finished in the last 12 weeks (4 counting all work), with 2 items open: too little to call it on track |"
        ),
        "{program}"
    );
}

/// Ages are judged against what finished work took only from 5 finished items: two
/// items done within minutes made work started that morning "ageing". And work under a
/// day old is never ageing, whatever finished work took.
#[test]
fn work_in_progress_is_not_ageing_on_a_tiny_sample_nor_under_a_day_old() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut s = String::from("Summary,Issue key,Issue Type,Status,Created,Resolved\n");
    s += "Quick fix 1,AG-1,Task,Done,2026-02-12 09:00,2026-02-12 09:01\n\
          Quick fix 2,AG-2,Task,Done,2026-02-12 09:00,2026-02-12 09:02\n\
          Started today,AG-9,Task,In Progress,2026-02-13 08:00,\n";
    let project = jira_report(dir.path(), "ag.csv", &s, "2026-02-13", "2026-W07/project.md");
    assert!(
        project.contains(
            "Work in progress: **1 item**; too few finished items (2 in the last 12 weeks) to judge age: it takes 5."
        ),
        "{project}"
    );
    assert!(!project.contains("Ageing work"), "{project}");
    // Five done within minutes: enough to judge, and still not ageing under a day old.
    // (Done within two hours, not minutes: work logged after it was done is not a
    // yardstick at all, see below.)
    let mut s = String::from("Summary,Issue key,Issue Type,Status,Created,Resolved\n");
    for i in 1..=5 {
        s += &format!("Quick fix {i},AG-{i},Task,Done,2026-02-12 09:00,2026-02-12 11:0{i}\n");
    }
    s += "Started today,AG-9,Task,In Progress,2026-02-13 08:00,\n";
    let project = jira_report(dir.path(), "ag5.csv", &s, "2026-02-13", "2026-W07/project.md");
    assert!(project.contains("Work in progress: **1 item**; 0 older than 85%"), "{project}");
    // The one item is not "1 more" beside the 1 in progress.
    assert!(project.contains("It is older than that but under a day old"), "{project}");
    // Not "none … is older than 85% of finished work took": it was not compared.
    assert!(
        project.contains("by flow, the 1 item in progress is not ageing: 1 older than 85% of finished work took (0.1 days) is under a day old"),
        "{project}"
    );
    assert!(!project.contains("Ageing work"), "{project}");
}

/// Finished work created and done within the hour was logged after the work: the Cycle
/// time section says its figures are not meaningful, and Flow does not then compare work
/// in progress with them ("lead time: half within 0.0 days … 4 more are older than that
/// but under a day old", of the 4 there were), nor does the verdict.
#[test]
fn work_in_progress_is_not_held_to_work_logged_after_it_was_done() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut s = String::from("Summary,Issue key,Issue Type,Status,Created,Resolved\n");
    for i in 1..=6 {
        s += &format!("Logged {i},LG-{i},Task,Done,2026-02-12 09:00,2026-02-12 09:0{i}\n");
    }
    for i in 7..=10 {
        s += &format!("Started today {i},LG-{i},Task,In Progress,2026-02-13 08:00,\n");
    }
    let project = jira_report(dir.path(), "lg.csv", &s, "2026-02-13", "2026-W07/project.md");
    let flow = &project[project.find("## Flow").unwrap()..];
    assert!(
        flow.contains("Work in progress: **4 items**, all under a day old. Ages are not compared with finished work: every one of the 6 items finished in the last 12 weeks was created and done within an hour"),
        "{flow}"
    );
    assert!(!flow.contains("more are older") && !flow.contains("half within"), "{flow}");
    // Nor does the team table give a "Beyond 85%" count it did not compare.
    assert!(flow.contains("| 4 | — |"), "{flow}");
    let head = &project[..project.find("## Milestones").unwrap()];
    assert!(head.contains("4 items in progress, not judged by age"), "{head}");
}

/// An epic is counted as the items in it, in flow as in work in progress: one closed the
/// minute it was filed is not a shipped item, nor in throughput, and the reports say
/// epics are left out. With no milestone, the product report's epic table says it is
/// progress by epic, not "no milestone" above a table of epics.
#[test]
fn epics_are_counted_as_their_items_and_the_reports_say_so() {
    let dir = tempfile::tempdir().expect("temp dir");
    let s = "Summary,Issue key,Issue ID,Issue Type,Status,Created,Resolved,Parent,Labels\n\
             Feedback round,EP-1,101,Epic,Done,2026-02-10 09:00,2026-02-10 09:00,,concern:product\n\
             Market tools,EP-2,102,Epic,In Progress,2026-02-02 09:00,,,concern:product\n\
             Price chart,EP-3,103,Story,Done,2026-02-02 09:00,2026-02-11 09:00,102,concern:product\n\
             Price alerts,EP-4,104,Story,To Do,2026-02-02 09:00,,102,concern:product\n";
    let product = jira_report(dir.path(), "ep.csv", s, "2026-02-13", "2026-W07/product.md");
    assert!(product.contains("1 product item shipped this week"), "{product}");
    let shipped = product.split("## Shipped this week").nth(1).expect("shipped");
    let shipped = shipped.split("## ").next().expect("section");
    assert!(
        shipped.contains("_Epics closed this week (counted as the items in them, not as shipped items):_\n- EP-1 Feedback round"),
        "{shipped}"
    );
    assert!(
        product.contains(
            "No milestone holds product work: progress by epic instead.\n\n**By epic** (open epics, largest first):"
        ),
        "{product}"
    );
    assert!(product.contains("| EP-2 Market tools | 1/2 (50%) |"), "{product}");
    let project = jira_report(dir.path(), "ep2.csv", s, "2026-02-13", "2026-W07/project.md");
    assert!(project.contains("| 2026-W07 | 1 |"), "{project}");
    assert!(
        project.contains(
            "_Epics are left out of work in progress, throughput, cycle time and flow: an epic is counted as the items in it (1 epic in progress, 1 finished in the last 12 weeks)._"
        ),
        "{project}"
    );
}

/// Sprints with neither a number nor dates cannot be ordered: only the one the headline
/// names is current (three were each "(current)" under a headline naming one), and none
/// is finished with work left open in it.
#[test]
fn sprints_without_numbers_or_dates_have_one_current() {
    let dir = tempfile::tempdir().expect("temp dir");
    let s = "Summary,Issue key,Issue Type,Status,Created,Sprint\n\
             A,US-1,Task,To Do,2026-02-09 09:00,Preparing the first epic\n\
             B,US-2,Task,To Do,2026-02-09 09:00,Preparing the first epic\n\
             C,US-3,Task,To Do,2026-02-09 09:00,Preparing the first epic\n\
             D,US-4,Task,To Do,2026-02-09 09:10,Transaction in the app\n\
             E,US-5,Task,To Do,2026-02-09 09:10,Transaction in the app\n\
             F,US-6,Task,To Do,2026-02-09 09:20,Chat in the app\n";
    let project = jira_report(dir.path(), "us.csv", s, "2026-02-13", "2026-W07/project.md");
    assert!(project.contains("Current sprint: **Preparing the first epic**."), "{project}");
    assert_eq!(project.matches("(current)").count(), 1, "{project}");
    assert!(project.contains("Preparing the first epic (current) holds 3 open items"), "{project}");
    assert!(
        project.contains("_3 sprints have neither a number in their name nor dates"),
        "{project}"
    );
    assert!(!project.contains("left open in finished sprints"), "{project}");
}

/// A week before any item existed says why nothing can be judged, in every role's
/// headline (the index's table shows only those): the project's said nothing of why.
#[test]
fn a_week_before_the_data_says_why_in_every_headline() {
    let dir = tempfile::tempdir().expect("temp dir");
    let s = "Summary,Issue key,Issue Type,Status,Created,Due Date\n\
             A,EW-1,Task,To Do,2026-02-09 09:00,2026-02-20\n\
             B,EW-2,Task,To Do,2026-02-10 09:00,2026-02-20\n";
    let index = jira_report(dir.path(), "ew.csv", s, "2026-02-06", "2026-W06/index.md");
    let why = "no item existed yet on 2026-02-06 (all 2 items were created later).";
    for row in [
        format!(
            "| [Product](product.md) | ⚪ Unknown | 0 product items shipped this week; {why} |"
        ),
        format!("| [Program](program.md) | ⚪ Unknown | 0 workstreams; {why} |"),
        format!("| [Project](project.md) | ⚪ Unknown | The schedule cannot be judged: {why} |"),
    ] {
        assert!(index.contains(&row), "{row}\n{index}");
    }
}

/// Every role's JSON has the reasons its headline gives, as strings (product and project
/// judged by due dates or flow left `verdict.reasons` empty, red or not), and the
/// Markdown does not say them twice.
#[test]
fn every_role_gives_its_verdict_reasons_in_the_json() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut s = String::from("Summary,Issue key,Issue Type,Status,Created,Due date\n");
    for i in 1..=4 {
        s += &format!(
            "As a user I want to export report {i} as CSV,S-{i},Story,To Do,2026-03-02 09:00,2026-03-0{}\n",
            4 + i % 2
        );
    }
    let md = jira_report(dir.path(), "due.csv", &s, "2026-03-13", "2026-W11/project.md");
    for role in ["product", "program", "project"] {
        let path = dir.path().join(format!("out/2026-W11/{role}.json"));
        let json: serde_json::Value = serde_json::from_str(&read(&path)).expect("JSON");
        let verdict = &json["verdict"];
        assert_eq!(verdict["status"], "red", "{role}: {verdict}");
        let reasons = verdict["reasons"].as_array().expect("reasons");
        assert!(!reasons.is_empty(), "{role}: {verdict}");
        assert!(
            reasons.iter().any(|r| r.as_str().unwrap().contains("4 of 4")),
            "{role}: {verdict}"
        );
    }
    let head = &md[..md.find("## Milestones").unwrap()];
    assert!(head.contains("by due dates, 4 of 4"), "{head}");
    assert!(!head.contains("\n- By due dates"), "said once: {head}");
}

/// Where sprints are the schedule, the project report's scope changes are the current
/// sprint's: items added to it and removed from it since last week. "No scope changes"
/// stood beside a Sprints table showing 43 items added to the current sprint (a real
/// sprint board: scope was tracked through milestone membership alone).
#[test]
fn a_current_sprint_that_grew_is_a_scope_change() {
    let dir = tempfile::tempdir().expect("temp dir");
    let head = "Summary,Issue key,Issue Type,Status,Created,Resolved,Sprint\n";
    let run = |csv: String, as_of: &str| {
        common::write(dir.path(), "board.csv", csv);
        let args = ["report", "-s", "jira:board.csv", "--as-of", as_of, "-o", "out"];
        let (code, _, err) = common::run_in(dir.path(), &args, &[]);
        assert_eq!(code, 0, "{err}");
    };
    let mut week1 = head.to_string();
    for i in 1..=3 {
        week1 += &format!("Task {i},B-{i},Task,To Do,2026-03-02 09:00,,Sprint 1\n");
    }
    run(week1, "2026-03-06");
    let mut week2 = head.to_string();
    week2 += "Task 1,B-1,Task,Cancelled,2026-03-02 09:00,2026-03-10 09:00,Sprint 1\n";
    for i in 2..=3 {
        week2 += &format!("Task {i},B-{i},Task,To Do,2026-03-02 09:00,,Sprint 1\n");
    }
    for i in 4..=6 {
        week2 += &format!("Later {i},B-{i},Task,To Do,2026-03-10 09:00,,Sprint 1\n");
    }
    run(week2, "2026-03-13");
    let md = read(&dir.path().join("out/2026-W11/project.md"));
    let scope = &md[md.find("## Scope changes").unwrap()..md.find("## Planned").unwrap()];
    assert!(!scope.contains("No scope changes"), "{scope}");
    assert!(
        scope.contains("**Sprint 1**: scope grew from 3 to 5 items (+3, −1) this week."),
        "{scope}"
    );
    assert!(scope.contains("  - B-4 Later 4"), "{scope}");
    assert!(scope.contains("  - B-1 Task 1: cancelled"), "{scope}");
    let json: serde_json::Value =
        serde_json::from_str(&read(&dir.path().join("out/2026-W11/project.json"))).expect("JSON");
    let s = &json["sprint_scope"][0];
    assert_eq!(
        (s["sprint"].as_str(), s["before"].as_u64(), s["after"].as_u64()),
        (Some("Sprint 1"), Some(3), Some(5))
    );
    assert_eq!(s["added"].as_array().map(Vec::len), Some(3));
    assert_eq!(s["removed"][0]["key"], "B-1");
}

/// Blocked work is reported as blocked, not as slow work in progress: a board whose open
/// work was mostly in a Blocked status (which counts as in progress) read "8 of 9 items
/// in progress are older than 85% of finished work took", listed them as ageing and in
/// progress, and asked leadership for a recovery plan.
#[test]
fn blocked_work_is_reported_as_blocked_not_as_ageing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut s = String::from(
        "Summary,Issue key,Issue Type,Status,Created,Resolved,Outward issue link (Blocks)\n",
    );
    // Finished work, quick: a P85 of under a day.
    for i in 1..=6 {
        s += &format!(
            "As a user I want done thing {i},K-{i},Story,Done,2026-03-02 09:00,2026-03-02 15:00,\n"
        );
    }
    // Open work: four blocked (three by status, one by an open bug), one in progress.
    for i in 7..=9 {
        s +=
            &format!("As a user I want blocked thing {i},K-{i},Story,Blocked,2026-03-03 09:00,,\n");
    }
    s += "As a user I want linked thing,K-10,Story,In Progress,2026-03-03 09:00,,\n";
    s += "Crash when saving,K-11,Bug,To Do,2026-03-03 09:00,,K-10\n";
    s += "As a user I want moving thing,K-12,Story,In Progress,2026-03-13 09:00,,\n";
    let project = jira_report(dir.path(), "blocked.csv", &s, "2026-03-13", "2026-W11/project.md");
    let head = &project[..project.find("## Milestones").unwrap()];
    assert!(head.contains("4 of 6 open items are blocked (K-7, K-8, K-9 and 1 more): 1 waiting on 1 open bug (K-11), 3 in a blocked status"), "{head}");
    assert!(head.contains("🔴 Red"), "{head}");
    let flow = &project[project.find("## Flow").unwrap()..];
    assert!(!flow.contains("**Ageing work**"), "{flow}");
    assert!(flow.contains("4 blocked items are not counted as work in progress"), "{flow}");
    let program = read(&dir.path().join("out/2026-W11/program.md"));
    assert!(
        program.contains("is red with 4 of 6 open items blocked: unblock them first"),
        "{program}"
    );
    assert!(!program.contains("agree a recovery plan"), "{program}");
    assert!(program.contains("4 blocked items are under Blocked"), "{program}");
    let product = read(&dir.path().join("out/2026-W11/product.md"));
    let listed =
        &product[product.find("## In progress").unwrap()..product.find("## New requests").unwrap()];
    let (moving, blocked) = listed.split_at(listed.find("**Blocked**").expect(listed));
    assert!(moving.contains("K-12") && !moving.contains("K-7"), "{listed}");
    assert!(blocked.contains("K-7") && blocked.contains("K-10"), "{listed}");
}

/// The Flow section's "N blocked items are not counted as work in progress" counts only
/// what would have been in progress: with a blocked item not started among them, "2 items
/// in progress, 3 blocked left out" did not add up to the 4 there were (diff review).
#[test]
fn blocked_work_left_out_of_wip_adds_up() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut s = String::from(
        "Summary,Issue key,Issue Type,Status,Created,Resolved,Outward issue link (Blocks),Outward issue link (Blocks)\n",
    );
    for i in 1..=6 {
        s += &format!("Work {i},K-{i},Story,Done,2026-03-02 09:00,2026-03-04 15:00,,\n");
    }
    // K-20 blocks K-21 (in progress) and K-24 (not started); K-23 is blocked by status.
    s += "Work 20,K-20,Story,In Progress,2026-03-10 09:00,,K-21,K-24\n";
    s += "Work 21,K-21,Story,In Progress,2026-03-10 09:00,,,\n";
    s += "Work 22,K-22,Story,In Progress,2026-03-10 09:00,,,\n";
    s += "Work 23,K-23,Story,Blocked,2026-03-10 09:00,,,\n";
    s += "Work 24,K-24,Story,To Do,2026-03-10 09:00,,,\n";
    let project = jira_report(dir.path(), "wip.csv", &s, "2026-03-13", "2026-W11/project.md");
    let flow = &project[project.find("## Flow").unwrap()..];
    assert!(flow.contains("Work in progress: **2 items**"), "{flow}");
    assert!(flow.contains("_2 blocked items are not counted as work in progress"), "{flow}");
}

/// A red workstream whose items have not changed for months is asked whether it is paused
/// or cancelled, not for a recovery plan (a real export's team, last touched 350 days
/// before the report, was asked to "cut scope, add people or move the date").
#[test]
fn a_red_workstream_with_no_activity_for_months_is_asked_if_it_stopped() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut s = String::from("Summary,Issue key,Issue Type,Status,Created,Updated,Sprint\n");
    for i in 1..=4 {
        s += &format!("Work {i},OLD-{i},Task,To Do,2025-01-02 09:00,2025-01-10 09:00,Sprint 1\n");
    }
    s += "Work 5,OLD-5,Task,To Do,2025-01-02 09:00,2025-01-12 09:00,Sprint 2\n";
    // Another team still at work: the export is not merely old.
    s += "Fresh,NEW-1,Task,To Do,2025-08-20 09:00,2025-09-01 09:00,\n";
    let program = jira_report(dir.path(), "old.csv", &s, "2025-09-03", "2025-W36/program.md");
    let asks =
        &program[program.find("## Leadership asks").unwrap()..program.find("## Blocked").unwrap()];
    assert!(
        asks.contains(
            "OLD: no activity since 2025-01-12 — confirm whether it is paused or cancelled"
        ),
        "{asks}"
    );
    assert!(!asks.contains("agree a recovery plan"), "{asks}");
    // Alone in an old export, the same team is not said to have stopped: the export is
    // old, not the team idle.
    let alone: String =
        s.lines().filter(|l| !l.contains("NEW-1")).map(|l| format!("{l}\n")).collect();
    let dir = tempfile::tempdir().expect("temp dir");
    let program = jira_report(dir.path(), "old.csv", &alone, "2025-09-03", "2025-W36/program.md");
    assert!(!program.contains("no activity since"), "{program}");
}

/// Sub-tasks filed with their parent are not new requests, and an item the classifier
/// was unsure of is under To triage only, not listed twice (a real export listed
/// "Iteration implementation pass" sub-tasks as new requests, and again under To triage).
#[test]
fn sub_tasks_are_not_new_requests_and_nothing_is_listed_twice() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut s = String::from("Summary,Issue key,Issue Type,Status,Created\n");
    s += "As a shopper I want to save my cart for later,N-1,Story,To Do,2026-03-10 09:00\n";
    s += "As a shopper I want to pay with a gift card,N-2,Sub-task,To Do,2026-03-10 09:00\n";
    let product = jira_report(dir.path(), "new.csv", &s, "2026-03-13", "2026-W11/product.md");
    let new =
        &product[product.find("## New requests").unwrap()..product.find("## Most wanted").unwrap()];
    assert!(new.contains("N-1") && !new.contains("N-2"), "{new}");
    let triage = &product[product.find("## To triage").unwrap()..];
    let triage = &triage[..triage.find("\n## ").unwrap_or(triage.len())];
    for line in new.lines().filter(|l| l.starts_with("- ")) {
        let key = line[2..].split(' ').next().unwrap();
        assert!(!triage.contains(&format!("- {key} ")), "{key} in both: {product}");
    }
}

/// Lead times of items created and resolved minutes apart (logged after the work) are
/// not shown as fact, and work in progress under a day old is not said to have been
/// compared with them: "median 0.0 days, 85th percentile 0.0 days" and "0 older than
/// 85% of what finished took" on a real export whose work in progress was 8 to 13 hours
/// old against a P85 of under an hour.
#[test]
fn lead_times_of_minutes_are_not_presented_as_fact() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut s = String::from("Summary,Issue key,Issue Type,Status,Created,Resolved\n");
    for i in 1..=6 {
        s += &format!("Set up part {i},L-{i},Task,Done,2026-03-12 09:0{i},2026-03-12 09:1{i}\n");
    }
    s += "Build the thing,L-7,Task,In Progress,2026-03-13 10:00,\n";
    let md = jira_report(dir.path(), "logged.csv", &s, "2026-03-13", "2026-W11/project.md");
    let cycle = &md[md.find("## Cycle time").unwrap()..md.find("## Flow").unwrap()];
    assert!(cycle.contains("Lead time is not meaningful here"), "{cycle}");
    assert!(!cycle.contains("median 0.0 days"), "{cycle}");
    let flow = &md[md.find("## Flow").unwrap()..];
    // Not compared at all (it was "1 more is older than that but under a day old").
    assert!(
        flow.contains("Work in progress: **1 item**, under a day old. Ages are not compared with finished work"),
        "{flow}"
    );
    assert!(!flow.contains("more is older"), "{flow}");
}

/// A Jira `Test` issue done this week is not product shipped (a real export's "3 product
/// items shipped this week" counted "Verify the icon and color of 'Add New' button").
#[test]
fn a_test_issue_is_not_shipped_product() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut s = String::from("Summary,Issue key,Issue Type,Status,Created,Resolved\n");
    s += "As a shopper I want to save my cart for later,T-1,Story,Done,2026-03-02 09:00,2026-03-10 09:00\n";
    s += "As a shopper I want to verify the cart icon shows,T-2,Test,Done,2026-03-02 09:00,2026-03-10 09:00\n";
    // Xray's test types, as Jira writes them (kinds are read as `test-execution`).
    s += "As a shopper I want the cart regression run,T-3,Test Execution,Done,2026-03-02 09:00,2026-03-10 09:00\n";
    let md = jira_report(dir.path(), "tests.csv", &s, "2026-03-13", "2026-W11/product.md");
    let shipped = &md[md.find("## Shipped").unwrap()..md.find("## Roadmap").unwrap()];
    assert!(shipped.contains("T-1") && !shipped.contains("T-2"), "{md}");
    assert!(!shipped.contains("T-3"), "{md}");
    assert!(md.contains("1 product item shipped this week"), "{md}");
}

/// Tests done are not finished product work either: the verdict's "N items finished"
/// counted 2 tests beside 7 stories on a real export whose Shipped listed only the
/// stories; the tests done this week are said apart, under Shipped.
#[test]
fn tests_are_not_counted_as_finished_product_work() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut s = String::from("Summary,Issue key,Issue Type,Status,Created,Resolved\n");
    for i in 1..=5 {
        s += &format!("As a shopper I want saved cart part {i},F-{i},Story,Done,2026-03-0{i} 09:00,2026-03-0{} 09:00\n", i + 1);
    }
    s += "As a shopper I want to verify the cart icon shows,F-6,Test,Done,2026-03-09 09:00,2026-03-10 09:00\n";
    s += "As a shopper I want the cart regression run,F-7,Test Execution,Done,2026-03-09 09:00,2026-03-11 09:00\n";
    s += "As a shopper I want to share my cart,F-8,Story,In Progress,2026-03-12 09:00,\n";
    let md = jira_report(dir.path(), "tests.csv", &s, "2026-03-13", "2026-W11/product.md");
    let head = &md[..md.find("## Shipped").unwrap()];
    assert!(head.contains("5 items finished in the last"), "{head}");
    assert!(!head.contains("7 items finished"), "{head}");
    let shipped = &md[md.find("## Shipped").unwrap()..md.find("## Roadmap").unwrap()];
    assert!(shipped.contains("Also done this week: 2 tests"), "{shipped}");
    let json: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("out/2026-W11/product.json")).expect("json"),
    )
    .expect("valid");
    assert_eq!(json["tests_done"], 2);
}

/// Flow's first clause says work in progress was compared with finished items of its own
/// kind when it was: "1 older than 85% of what finished … took (… 85% within 10 days)"
/// was said of an item 6 days old, held to stories' 2.0 days. With no work in progress
/// there is nothing to compare, and the per-kind comparison is not described.
#[test]
fn flow_says_the_per_kind_comparison_it_made() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut s = String::from("Summary,Issue key,Issue Type,Status,Created,Resolved\n");
    for i in 1..=6 {
        s += &format!(
            "Build widget part {i},K-{i},Story,Done,2026-02-0{i} 09:00,2026-02-0{} 09:00\n",
            i + 1
        );
        s +=
            &format!("Fix crash {i},K-{},Bug,Done,2026-02-0{i} 09:00,2026-02-1{i} 09:00\n", i + 10);
    }
    let wip = "Build widget part 7,K-20,Story,In Progress,2026-03-07 09:00,\n";
    let md = jira_report(
        dir.path(),
        "kinds.csv",
        &(s.clone() + wip),
        "2026-03-13",
        "2026-W11/project.md",
    );
    let flow = &md[md.find("## Flow").unwrap()..];
    let line = flow.lines().find(|l| l.starts_with("Work in progress")).unwrap();
    assert!(line.contains("1 older than 85% of finished items of its kind took"), "{line}");
    assert!(line.contains("stories (6 finished: 85% within"), "{line}");
    assert!(!line.contains("older than 85% of what finished"), "{line}");
    let dir = tempfile::tempdir().expect("temp dir");
    let md = jira_report(dir.path(), "kinds.csv", &s, "2026-03-13", "2026-W11/project.md");
    let flow = &md[md.find("## Flow").unwrap()..];
    let line = flow.lines().find(|l| l.starts_with("Work in progress")).unwrap();
    assert!(!line.contains("kind"), "{line}");
}

/// "Also done this week: N tests" counts every test done this week, not only those the
/// classifier put under product: a real board resolved 37 tests in a week and the
/// product report said "1 test".
#[test]
fn tests_done_counts_every_test_done_this_week() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut s = String::from("Summary,Issue key,Issue Type,Status,Created,Resolved\n");
    s += "As a shopper I want saved cart,F-1,Story,Done,2026-03-02 09:00,2026-03-10 09:00\n";
    s += "As a shopper I want to verify the cart icon shows,F-2,Test,Done,2026-03-09 09:00,2026-03-10 09:00\n";
    s += "Verify CI pipeline deploys the staging cluster after the Terraform upgrade,F-3,Test,Done,2026-03-09 09:00,2026-03-11 09:00\n";
    s += "Regression: on-call runbook rotation and pager escalation policy,F-4,Test,Done,2026-03-09 09:00,2026-03-11 09:00\n";
    let md = jira_report(dir.path(), "tests.csv", &s, "2026-03-13", "2026-W11/product.md");
    let json: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("out/2026-W11/product.json")).expect("json"),
    )
    .expect("valid");
    assert!(md.contains("Also done this week: 3 tests"), "{md}");
    assert_eq!(json["tests_done"], 3);
}

/// An epic (or an initiative) filed this week is a container of work, not a request: a
/// real export's new requests listed 12 epics filed in one evening beside one story.
#[test]
fn epics_are_not_new_requests() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut s = String::from("Summary,Issue key,Issue Type,Status,Created,Resolved\n");
    s += "The user wants to print the overview,E-1,Epic,To Do,2026-03-10 09:00,\n";
    s += "The user wants a calendar download,E-2,Initiative,To Do,2026-03-10 09:00,\n";
    s += "The user wants to print one page,E-3,Story,To Do,2026-03-10 09:00,\n";
    let md = jira_report(dir.path(), "epics.csv", &s, "2026-03-13", "2026-W11/product.md");
    let new = &md[md.find("## New requests").unwrap()..md.find("## Most wanted").unwrap()];
    assert!(new.contains("E-3"), "{md}");
    assert!(!new.contains("E-1") && !new.contains("E-2"), "{new}");
}

/// Blocked work names what it waits on by kind: "5 wait on other open items" left the
/// reader to open each to find they were all bugs.
#[test]
fn blocked_work_says_what_it_waits_on() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut s = String::from(
        "Summary,Issue key,Issue Type,Status,Created,Resolved,Outward issue link (Blocks)\n",
    );
    for i in 1..=5 {
        s += &format!(
            "Set up part {i},W-{i},Task,Done,2026-03-02 09:00,2026-03-0{} 09:00,\n",
            i + 2
        );
    }
    s += "Fix the login crash,W-6,Bug,To Do,2026-03-09 09:00,,W-7\n";
    s += "Check the login,W-7,Task,In Progress,2026-03-09 09:00,,\n";
    s += "Fix the logout crash,W-8,Bug,To Do,2026-03-09 09:00,,W-9\n";
    s += "Check the logout,W-9,Task,In Progress,2026-03-09 09:00,,\n";
    s += "Build the history page,W-10,Story,In Progress,2026-03-09 09:00,,W-11\n";
    s += "Check the history,W-11,Task,To Do,2026-03-09 09:00,,\n";
    s += "Check the history twice,W-12,Task,Blocked,2026-03-09 09:00,,\n";
    let md = jira_report(dir.path(), "blocked.csv", &s, "2026-03-13", "2026-W11/project.md");
    let head = &md[..md.find("## Milestones").unwrap()];
    assert!(
        head.contains("3 waiting on 3 other items (2 bugs, 1 story; W-6, W-8 and W-10), 1 in a blocked status"),
        "{head}"
    );
}

/// Items in a blocked status that also wait on open bugs are said to be in a blocked
/// status (all of them), the bugs as what they wait on: a real sprint board's "5 wait on
/// other open items (5 bugs), 4 in a blocked status" read as if the blocked tests were
/// bugs and only 4 had a blocked status, beside "15 open" for the 14 counted (the epic
/// left out unsaid); the leadership ask pasted the whole reason in parentheses.
#[test]
fn blocked_status_items_waiting_on_bugs_are_described_as_they_are() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut s = String::from(
        "Summary,Issue key,Issue Type,Status,Created,Resolved,Outward issue link (Blocks)\n",
    );
    for i in 1..=6 {
        s += &format!("Done part {i},R-{i},Story,Done,2026-03-02 09:00,2026-03-04 15:00,\n");
    }
    s += "Retail,R-10,Epic,In Progress,2026-02-02 09:00,,\n";
    for i in 11..=13 {
        s += &format!("Check part {i},R-{i},Test,Blocked,2026-03-09 09:00,,\n");
        s += &format!("Crash {i},R-{},Bug,To Do,2026-03-09 09:00,,R-{i}\n", i + 10);
    }
    s += "Write part 14,R-14,Story,Blocked,2026-03-09 09:00,,\n";
    let md = jira_report(dir.path(), "sprint.csv", &s, "2026-03-13", "2026-W11/project.md");
    let head = &md[..md.find("## Milestones").unwrap()];
    assert!(
        head.contains("4 of 7 open work items are blocked (R-11, R-12, R-13 and 1 more): all in a blocked status, 3 of them also waiting on 3 open bugs (R-21, R-22 and R-23);"),
        "{head}"
    );
    assert!(head.contains("8 open including 1 epic"), "{head}");
    assert!(!head.contains("bugs), "), "{head}");
    let program = read(&dir.path().join("out/2026-W11/program.md"));
    // A lone blocker is named with its title in the Blocked table.
    assert!(section(&program, "## Blocked").contains(" | R-21 Crash 11 | "), "{program}");
    let asks = &program[program.find("## Leadership asks").unwrap()..];
    let ask = asks.lines().find(|l| l.contains("is red")).expect(asks);
    assert!(
        ask.contains("is red with 4 of 7 open work items blocked: unblock them first"),
        "{ask}"
    );
    assert!(!ask.contains("(R-11"), "{ask}");
}

/// Localised and custom issue types read as English in the prose: Jira's German default
/// types are features and improvements ("2 neue-funktions", "verbesserungs" before), a
/// custom type with no known plural is counted in items ("bug-(external)s" before), and
/// a bug is named, not hidden among "1 more".
#[test]
fn localised_and_custom_kinds_read_as_english() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut s = String::from(
        "Summary,Issue key,Issue Type,Status,Created,Resolved,Outward issue link (Blocks)\n",
    );
    for i in 1..=5 {
        let done = format!("2026-03-0{i} 09:00,2026-03-0{} 09:00,", i + 1);
        s += &format!("Schneller Teil {i},L-{i},Verbesserung,Done,{done}\n");
        s += &format!("Neuer Teil {i},L-{},Neue Funktion,Done,{done}\n", i + 10);
    }
    let mut n = 20;
    for (kind, times) in [
        ("Neue Funktion", 2),
        ("Verbesserung", 2),
        ("Change Request", 2),
        ("Bug (External)", 2),
        ("Bug", 1),
    ] {
        for _ in 0..times {
            s += &format!("Blocker {n},L-{n},{kind},To Do,2026-03-09 09:00,,L-{}\n", n + 1);
            s += &format!("Wartet {n},L-{},Aufgabe,In Progress,2026-03-09 09:00,,\n", n + 1);
            n += 2;
        }
    }
    s += "Alter Teil,L-99,Verbesserung,In Progress,2026-03-06 09:00,,\n";
    let md = jira_report(dir.path(), "de.csv", &s, "2026-03-13", "2026-W11/project.md");
    let head = &md[..md.find("## Milestones").unwrap()];
    assert!(
        head.contains("(2 bug (external) items, 2 change requests, 2 features, 1 bug, 2 more; L-20, L-22, L-24 and 6 more)"),
        "{head}"
    );
    let flow = &md[md.find("## Flow").unwrap()..];
    assert!(flow.contains("features (5 finished"), "{flow}");
    assert!(flow.contains("(against improvements: 85% within"), "{flow}");
    for bad in ["neue-funktion", "verbesserungs", ")s", "-request"] {
        assert!(!md.contains(bad), "{bad}: {md}");
    }
}

/// Work in progress is compared with finished work of its own kind where 5 or more of it
/// finished: on a real board 54 of 61 finished items were tests done within the hour,
/// and a story two days old was "ageing" against them.
#[test]
fn ageing_is_judged_against_the_same_kind() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut s = String::from("Summary,Issue key,Issue Type,Status,Created,Resolved\n");
    for i in 1..=40 {
        s += &format!("Check part {i},Q-{i},Test,Done,2026-03-02 09:00,2026-03-02 09:30\n");
    }
    for (i, day) in [(41, 5), (42, 5), (43, 6), (44, 6), (45, 7)] {
        s += &format!("Build part {i},Q-{i},Story,Done,2026-03-02 09:00,2026-03-0{day} 09:00\n");
    }
    s += "Build the next part,Q-46,Story,In Progress,2026-03-11 09:00,\n";
    s += "Check the next part,Q-47,Test,In Progress,2026-03-11 09:00,\n";
    let md = jira_report(dir.path(), "kinds.csv", &s, "2026-03-13", "2026-W11/project.md");
    let flow = &md[md.find("## Flow").unwrap()..];
    let ageing = &flow[flow.find("**Ageing work**").expect("ageing work")..];
    let ageing = &ageing[..ageing.find("\n\n|").unwrap_or(ageing.len())];
    assert!(ageing.contains("Q-47") && !ageing.contains("Q-46"), "{ageing}");
    assert!(ageing.contains("(against tests: 85% within"), "{ageing}");
    assert!(flow.contains("1 older than 85% of finished items of its kind took"), "{flow}");
    let head = &md[..md.find("## Milestones").unwrap()];
    assert!(head.contains("1 of 2 items in progress is older than 85% of finished work took (of the same kind: stories"), "{head}");
}

/// The headline's current sprint is of the board in use, not of the largest one, idle
/// for months (a real export named a board untouched for eight months).
#[test]
fn the_headline_sprint_is_the_active_boards() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut s = String::from("Summary,Issue key,Issue Type,Status,Created,Updated,Sprint\n");
    for i in 1..=5 {
        s += &format!(
            "Old part {i},OLD-{i},Task,To Do,2026-01-05 09:00,2026-01-06 09:00,OLD Sprint 1\n"
        );
    }
    for i in 1..=2 {
        s += &format!("New part {i},NEW-{i},Task,In Progress,2026-03-02 09:00,2026-03-12 09:00,NEW Sprint 1\n");
    }
    let md = jira_report(dir.path(), "boards.csv", &s, "2026-03-13", "2026-W11/project.md");
    assert!(
        md.contains("Current sprint: **NEW Sprint 1** (the board with the latest activity); also current on their own boards: **OLD Sprint 1**"),
        "{md}"
    );
    let json = std::fs::read_to_string(dir.path().join("out/2026-W11/project.json")).unwrap();
    let json: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(json["sprints"]["current_chosen_by"], "latest-activity");
}

/// A sprint whose dates hold today is the headline's over an undated one that an item
/// just moved into, on a board with later activity.
#[test]
fn a_dated_running_sprint_is_the_headlines_over_an_undated_one() {
    let dir = tempfile::tempdir().expect("temp dir");
    common::write(
        dir.path(),
        "rolecall.toml",
        "[[milestone]]\ntitle = \"DAT Sprint 1\"\nstart = 2026-03-09\ndue = 2026-03-20\n",
    );
    let mut s = String::from("Summary,Issue key,Issue Type,Status,Created,Updated,Sprint\n");
    for i in 1..=2 {
        s += &format!("Dated part {i},DAT-{i},Task,In Progress,2026-03-02 09:00,2026-03-10 09:00,DAT Sprint 1\n");
    }
    s += "Undated part,UND-1,Task,To Do,2026-03-13 09:00,2026-03-13 10:00,UND Sprint 1\n";
    let md = jira_report(dir.path(), "dated.csv", &s, "2026-03-13", "2026-W11/project.md");
    // Chosen because it runs by its dates, and said so: "(the board with the latest
    // activity)" was said of it, whose board had not the latest activity.
    assert!(
        md.contains("Current sprint: **DAT Sprint 1** (running by its dates); also current"),
        "{md}"
    );
    let json = std::fs::read_to_string(dir.path().join("out/2026-W11/project.json")).unwrap();
    let json: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(json["sprints"]["current_chosen_by"], "dates");
    // One board: nothing to choose between, no reason.
    let dir = tempfile::tempdir().expect("temp dir");
    let one: String = s.lines().filter(|l| !l.contains("UND")).map(|l| format!("{l}\n")).collect();
    let md = jira_report(dir.path(), "one.csv", &one, "2026-03-13", "2026-W11/project.md");
    assert!(md.contains("Current sprint: **DAT Sprint 1**"), "{md}");
    assert!(!md.contains("Current sprint: **DAT Sprint 1** ("), "{md}");
    let json = std::fs::read_to_string(dir.path().join("out/2026-W11/project.json")).unwrap();
    let json: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert!(json["sprints"]["current_chosen_by"].is_null(), "{json}");
}

/// Work that has stalled is not green: nothing finished in the report's week and the two
/// before, or urgent items waiting unstarted for longer than `stale-days`, make a verdict
/// by flow amber at least (a real backlog read green in every role with nothing finished
/// for three weeks and two Urgent items in To Do for seven).
#[test]
fn stalled_work_is_at_least_amber() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut s = String::from("Summary,Issue key,Issue Type,Status,Created,Resolved,Priority\n");
    // Five done four weeks before the report's week ends, quickly: then nothing.
    for i in 1..=5 {
        s += &format!("Done {i},ST-{i},Task,Done,2026-02-16 09:00,2026-02-17 09:00,Medium\n");
    }
    s += "Moving,ST-6,Task,In Progress,2026-03-13 09:00,,Medium\n";
    s += "Fix the outage,ST-7,Task,To Do,2026-01-20 09:00,,Urgent\n";
    s += "Fix the other outage,ST-8,Task,To Do,2026-01-27 09:00,,Urgent\n";
    // Urgent, not started, but younger than `stale-days`: not counted, and the reason
    // says the threshold so that the count does not look short.
    s += "Fix the new outage,ST-9,Task,To Do,2026-03-06 09:00,,Urgent\n";
    let project = jira_report(dir.path(), "stall.csv", &s, "2026-03-13", "2026-W11/project.md");
    let head = &project[..project.find("## Milestones").unwrap()];
    assert!(head.contains("🟠 Amber"), "{head}");
    // Named, oldest first, with their ages: "(the oldest for 7 weeks)" named nothing.
    assert!(
        head.contains("by flow, no work finished in 3 weeks (the last on 2026-02-17); 2 urgent items not started for 14 days or more (ST-7 for 7 weeks, ST-8 for 6 weeks)"),
        "{head}"
    );
    assert!(!head.contains("ST-9"), "{head}");
    // The body lists them too, with title, priority and age: the headline alone named
    // them, and nothing below said what ST-7 was.
    let flow = section(&project, "## Flow");
    assert!(
        flow.contains(
            "**Urgent, not started** (at the top of their priority scale, open 14 days or more and not started, oldest first):\n\n\
             - ST-7 Fix the outage (ST): Urgent, open 7 weeks\n\
             - ST-8 Fix the other outage (ST): Urgent, open 6 weeks\n"
        ),
        "{flow}"
    );
    assert!(!flow.contains("ST-9"), "{flow}");
    let json: serde_json::Value =
        serde_json::from_str(&read(&dir.path().join("out/2026-W11/project.json"))).unwrap();
    let urgent = json["urgent_not_started"].as_array().expect("urgent_not_started");
    assert_eq!(
        (urgent.len(), &urgent[0]["item"]["key"], &urgent[0]["priority"], &urgent[0]["age_days"]),
        (2, &serde_json::json!("ST-7"), &serde_json::json!("Urgent"), &serde_json::json!(52))
    );
}

/// Most items done with no date they were done: net flow is not shown (a real export of
/// 20 items, all Done without a Resolved date, showed "2026-W12 | 20 | 0 | −20", a
/// backlog growing by 20 with nothing open).
#[test]
fn net_flow_is_not_shown_when_most_done_items_have_no_date() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut s = String::from("Summary,Issue key,Issue Type,Status,Created,Resolved\n");
    for i in 1..=8 {
        s += &format!("Part {i},BM-{i},Task,Done,2026-03-16 09:00,\n");
    }
    s += "Part 9,BM-9,Task,Done,2026-03-16 09:00,2026-03-18 09:00\n";
    s += "Part 10,BM-10,Task,To Do,2026-03-16 09:00,\n";
    let md = jira_report(dir.path(), "bom.csv", &s, "2026-03-20", "2026-W12/project.md");
    let flow = &md[md.find("## Flow").unwrap()..md.find("## To triage").unwrap()];
    assert!(
        flow.contains("Net flow (done minus arrived per week) is not shown: 8 of the 9 done items have no date they were done"),
        "{flow}"
    );
    assert!(!flow.contains("| Arrived |") && !flow.contains("Net flow per week"), "{flow}");
    let json: serde_json::Value =
        serde_json::from_str(&read(&dir.path().join("out/2026-W12/project.json"))).unwrap();
    assert_eq!(json["flow"]["net_flow_hidden"], true);
    assert_eq!(json["flow"]["done_total"], 9);
}

/// Nothing finished at all: the report says so once, in words, instead of burn-up charts,
/// a throughput table and forecasts of zeros, and the data note does not say "finished
/// with a date" as if some were finished without one. With no item in a milestone the
/// headline does not speak of milestones having no date; with nothing open last week,
/// Planned vs done says there is no plan to compare with ("0 of 0 items" before).
#[test]
fn nothing_finished_is_said_once_not_charted() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut s =
        String::from("Summary,Issue key,Issue Type,Status,Created,Resolved,Fix Version/s\n");
    for i in 1..=4 {
        s += &format!("Part {i},HK-{i},Task,To Do,2026-01-05 09:00,,1.0\n");
    }
    s += "Part 5,HK-5,Task,In Progress,2026-01-05 09:00,,1.0\n";
    let md = jira_report(dir.path(), "hk.csv", &s, "2026-03-20", "2026-W12/project.md");
    assert!(!md.contains("xychart"), "{md}");
    let forecast = &md[md.find("## Forecast").unwrap()..md.find("## Scope").unwrap()];
    assert!(
        forecast.contains(
            "Nothing has been finished yet (0 of 5 items done): no forecast until work finishes."
        ),
        "{forecast}"
    );
    let throughput = &md[md.find("## Throughput").unwrap()..md.find("## Cycle time").unwrap()];
    assert!(
        throughput.contains("Nothing has been finished yet (0 of 5 items done)."),
        "{throughput}"
    );
    assert!(!throughput.contains("| Week |"), "{throughput}");
    assert!(md.contains("No item has been finished (0 of 5): throughput, cycle time and flow cannot be measured yet."), "{md}");
    assert!(!md.contains("No item is finished with a date"), "{md}");

    // No milestone at all, and a baseline with nothing open.
    let dir = tempfile::tempdir().expect("temp dir");
    let mut s = String::from("Summary,Issue key,Issue Type,Status,Created,Resolved,Due Date\n");
    for i in 1..=5 {
        s += &format!("Done {i},NM-{i},Task,Done,2026-03-02 09:00,2026-03-0{} 09:00,\n", i + 3);
    }
    let export = common::write(dir.path(), "nm.csv", &s);
    let args =
        ["report", "-q", "-s", &format!("jira:{export}"), "--as-of", "2026-03-13", "-o", "out"];
    let (code, _, err) = common::run_in(dir.path(), &args, &[]);
    assert_eq!(code, 0, "{err}");
    s += "New,NM-6,Task,In Progress,2026-03-16 09:00,,2026-03-30\n";
    let md = jira_report(dir.path(), "nm.csv", &s, "2026-03-20", "2026-W12/project.md");
    let head = md.lines().nth(4).unwrap_or_default();
    assert!(head.contains("No item is in a milestone; by due dates"), "{head}");
    assert!(!md.contains("No open milestone has a date"), "{md}");
    assert!(
        md.contains("No plan to compare with: nothing was open at last week's snapshot"),
        "{md}"
    );
    assert!(!md.contains("0 of 0 items"), "{md}");
}

/// "The last 4 weeks" is one window in the whole report, the report's week and the three
/// before (as the Throughput table counts them), and dated: a real report said "3 items
/// finished in the last 4 weeks" (28 days back) above a table of those weeks adding up to
/// 1 and a cycle time of "(1 item)" with an "85th percentile" of that one item.
#[test]
fn the_last_four_weeks_are_one_window_and_dated() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut s = String::from("Summary,Issue key,Issue Type,Status,Created,Resolved\n");
    for i in 1..=5 {
        s += &format!("Early {i},FW-{i},Task,Done,2026-02-02 09:00,2026-02-0{} 09:00\n", i + 2);
    }
    // Within 28 days of the report, but before the Monday three weeks before its week.
    s += "Saturday,FW-6,Task,Done,2026-02-10 09:00,2026-02-14 09:00\n";
    s += "Inside,FW-7,Task,Done,2026-02-16 09:00,2026-02-20 09:00\n";
    s += "Going,FW-8,Task,In Progress,2026-03-12 09:00,\n";
    let md = jira_report(dir.path(), "fw.csv", &s, "2026-03-13", "2026-W11/project.md");
    let head = &md[..md.find("## Milestones").unwrap()];
    assert!(head.contains("1 item finished in the last 4 weeks (since 2026-02-16)"), "{head}");
    let cycle = &md[md.find("## Cycle time").unwrap()..md.find("## Flow").unwrap()];
    assert!(
        cycle.contains(
            "over the last 4 weeks (since 2026-02-16): 4.0 days (1 item: too few for percentiles)."
        ),
        "{cycle}"
    );
    assert!(!cycle.contains("85th percentile"), "{cycle}");
}

/// A run that fails before writing (no sources, a missing export) leaves no folder behind:
/// it used to leave an empty `reports/.rolecall/`.
#[test]
fn a_failed_first_run_creates_no_folder() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (code, _, err) = common::run_in(dir.path(), &["report", "-q"], &[]);
    assert_eq!(code, 2, "{err}");
    let (code, _, err) =
        common::run_in(dir.path(), &["report", "-q", "-s", "jira:gone.csv", "-o", "a/b"], &[]);
    assert_ne!(code, 0, "{err}");
    let left: Vec<_> =
        std::fs::read_dir(dir.path()).expect("listed").flatten().map(|e| e.path()).collect();
    assert!(left.is_empty(), "{left:?}");
}

/// A Jira issue moved to another project changes its key (`B-2` is now `OPS-7`) but not
/// its `Issue id`: last week's item is found by that id, so the move is neither a
/// removal nor an addition to its sprint or fix version, and the data notes say which
/// items moved. Without the id (an export of fewer columns) it reads as before.
#[test]
fn a_moved_jira_issue_is_compared_with_itself() {
    let dir = tempfile::tempdir().expect("temp dir");
    let head =
        "Summary,Issue key,Issue id,Issue Type,Status,Created,Resolved,Sprint,Fix versions\n";
    let run = |csv: String, as_of: &str| {
        common::write(dir.path(), "board.csv", csv);
        let args = ["report", "-s", "jira:board.csv", "--as-of", as_of, "-o", "out"];
        let (code, _, err) = common::run_in(dir.path(), &args, &[]);
        assert_eq!(code, 0, "{err}");
    };
    let row = |title: &str, key: &str, id: &str| {
        format!("{title},{key},{id},Task,To Do,2026-03-02 09:00,,Sprint 1,1.0\n")
    };
    let week1 = format!(
        "{head}{}{}{}",
        row("Task 1", "B-1", "10001"),
        row("Task 2", "B-2", "10002"),
        row("Task 3", "B-3", "10003")
    );
    run(week1, "2026-03-06");
    let week2 = format!(
        "{head}{}{}{}",
        row("Task 1", "B-1", "10001"),
        row("Task 2", "OPS-7", "10002"),
        row("Task 3", "B-3", "10003")
    );
    run(week2, "2026-03-13");
    let md = read(&dir.path().join("out/2026-W11/project.md"));
    let scope = &md[md.find("## Scope changes").unwrap()..md.find("## Planned").unwrap()];
    assert!(scope.contains("No scope changes"), "{scope}");
    assert!(md.contains("1 item moved since last week and changed key (B-2 → OPS-7)"), "{md}");
    let json: serde_json::Value =
        serde_json::from_str(&read(&dir.path().join("out/2026-W11/project.json"))).expect("JSON");
    assert_eq!(json["scope_added"], serde_json::json!([]), "{json}");

    // The same move in an export without `Issue id`: a removal and an addition.
    let dir2 = tempfile::tempdir().expect("temp dir");
    let strip = |csv: String| {
        csv.lines()
            .map(|l| {
                let mut f: Vec<&str> = l.split(',').collect();
                f.remove(2);
                f.join(",") + "\n"
            })
            .collect::<String>()
    };
    for (csv, as_of) in [
        (format!("{head}{}{}", row("Task 1", "B-1", "1"), row("Task 2", "B-2", "2")), "2026-03-06"),
        (
            format!("{head}{}{}", row("Task 1", "B-1", "1"), row("Task 2", "OPS-7", "2")),
            "2026-03-13",
        ),
    ] {
        common::write(dir2.path(), "board.csv", strip(csv));
        let args = ["report", "-s", "jira:board.csv", "--as-of", as_of, "-o", "out"];
        let (code, _, err) = common::run_in(dir2.path(), &args, &[]);
        assert_eq!(code, 0, "{err}");
    }
    let md = read(&dir2.path().join("out/2026-W11/project.md"));
    assert!(!md.contains("moved since last week"), "{md}");
    assert!(!md.contains("has no tracker ids"), "{md}");
    let scope = &md[md.find("## Scope changes").unwrap()..md.find("## Planned").unwrap()];
    assert!(!scope.contains("No scope changes"), "{scope}");

    // Last week without the column, this week with it (the first week after upgrading is
    // the same): the move cannot be seen, and the data notes say why.
    let dir3 = tempfile::tempdir().expect("temp dir");
    for (csv, as_of) in [
        (
            strip(format!("{head}{}{}", row("Task 1", "B-1", "1"), row("Task 2", "B-2", "2"))),
            "2026-03-06",
        ),
        (
            format!("{head}{}{}", row("Task 1", "B-1", "1"), row("Task 2", "OPS-7", "2")),
            "2026-03-13",
        ),
    ] {
        common::write(dir3.path(), "board.csv", csv);
        let args = ["report", "-s", "jira:board.csv", "--as-of", as_of, "-o", "out"];
        let (code, _, err) = common::run_in(dir3.path(), &args, &[]);
        assert_eq!(code, 0, "{err}");
    }
    let md = read(&dir3.path().join("out/2026-W11/project.md"));
    assert!(
        md.contains("Last week's data has no tracker ids (Jira's Issue id, Linear's UUID"),
        "{md}"
    );
    assert!(md.contains("(last week's items no longer in the data: 1)"), "{md}");
}

/// The section's text between `heading` and the next `## `.
fn section<'a>(report: &'a str, heading: &str) -> &'a str {
    let start = report.find(heading).unwrap_or_else(|| panic!("{heading} in {report}"));
    let rest = &report[start + heading.len()..];
    &rest[..rest.find("\n## ").unwrap_or(rest.len())]
}

/// A week whose new product items were all classified with low confidence is not "No new
/// product items this week": a real export's 11 product items were all created that
/// week, all under To triage, and the section said there were none.
#[test]
fn new_items_to_triage_are_counted_as_new() {
    let dir = tempfile::tempdir().expect("temp dir");
    let s = "Summary,Issue key,Issue Type,Status,Created\n\
             create all api,UA-15,Task,To Do,2026-03-10 09:00\n\
             Create user interface as the template,UA-10,Task,To Do,2026-03-10 09:00\n\
             insert data client in this data base,UA-6,Story,To Do,2026-03-10 09:00\n\
             make an transaction,UA-3,Epic,To Do,2026-03-10 09:00\n";
    let product = jira_report(dir.path(), "new.csv", s, "2026-03-13", "2026-W11/product.md");
    let new = section(&product, "## New requests and feedback");
    assert!(!new.contains("No new product items"), "{new}");
    assert!(
        new.contains(
            "4 product items were created this week: 3 still to triage (UA-15, UA-10, UA-6, \
             all under To triage) and 1 epic."
        ),
        "{new}"
    );
    for key in ["UA-15", "UA-10", "UA-6"] {
        assert!(section(&product, "## To triage").contains(key), "{product}");
    }
}

/// New product items all already started or done are said once ("19 product items were
/// created this week, all already started or done"), not "19 …: 19 already started or
/// done".
#[test]
fn new_items_all_done_are_said_once() {
    let dir = tempfile::tempdir().expect("temp dir");
    let s = "Summary,Issue key,Issue Type,Status,Created,Resolved\n\
             As a shopper I want to save my cart for later,Q-1,Story,Done,2026-03-10 09:00,2026-03-11 10:00\n\
             As a shopper I want to pay with a gift card,Q-2,Story,Done,2026-03-10 09:00,2026-03-12 10:00\n";
    let product = jira_report(dir.path(), "done.csv", s, "2026-03-13", "2026-W11/product.md");
    let new = section(&product, "## New requests and feedback");
    assert!(
        new.contains("2 product items were created this week, all already started or done."),
        "{new}"
    );
}

/// The product's quiet spell is counted from its own last finish: "no work finished in 3
/// weeks (the last on 2024-06-15)" was said in 2024-W28, four weeks after that date's
/// week (the team's last finish, a week later, gave the 3). Here the team finished
/// something two weeks ago and is not stalled; the product's last is three weeks back.
#[test]
fn a_quiet_spell_is_counted_from_its_own_last_finish() {
    let dir = tempfile::tempdir().expect("temp dir");
    let s = "Summary,Issue key,Issue Type,Status,Created,Resolved\n\
             As a shopper I want to save my cart for later,Q-1,Story,Done,2026-01-20 09:00,2026-02-17 10:00\n\
             As a shopper I want to pay with a gift card,Q-2,Story,Done,2026-01-20 09:00,2026-02-10 10:00\n\
             As a shopper I want to see my order history,Q-3,Story,To Do,2026-01-20 09:00,\n\
             As a shopper I want to share my wishlist,Q-4,Story,In Progress,2026-02-20 09:00,\n\
             Set up the CI pipeline for the build servers,Q-5,Task,Done,2026-01-20 09:00,2026-02-24 10:00\n\
             Upgrade the build servers to the new OS,Q-6,Task,In Progress,2026-02-20 09:00,\n";
    let product = jira_report(dir.path(), "quiet.csv", s, "2026-03-13", "2026-W11/product.md");
    assert!(product.contains("no work finished in 3 weeks (the last on 2026-02-17)"), "{product}");
    let project = std::fs::read_to_string(dir.path().join("out/2026-W11/project.md")).unwrap();
    assert!(!project.contains("no work finished in"), "{project}");
    // A spell longer than four weeks is still said (nordic's product report stopped
    // saying it the week it grew to four), with nothing in progress to be red about.
    let s = "Summary,Issue key,Issue Type,Status,Created,Resolved\n\
             As a shopper I want to save my cart for later,Q-1,Story,Done,2026-01-20 09:00,2026-02-10 10:00\n\
             As a shopper I want to see my order history,Q-3,Story,To Do,2026-01-20 09:00,\n";
    let dir = tempfile::tempdir().expect("temp dir");
    let product = jira_report(dir.path(), "long.csv", s, "2026-03-13", "2026-W11/product.md");
    assert!(product.contains("no work finished in 4 weeks (the last on 2026-02-10)"), "{product}");
}

/// "Next week" is what is due by next week's end, not the In progress list again: a real
/// export listed four items in progress due two to four weeks out beside the one due
/// next week.
#[test]
fn next_week_is_what_is_due_not_what_is_in_progress() {
    let dir = tempfile::tempdir().expect("temp dir");
    let s = "Summary,Issue key,Issue Type,Status,Created,Due Date\n\
             As a player I want a level blockout,NX-1,Story,To Do,2026-02-02 09:00,2026-02-22\n\
             As a player I want progression rewards,NX-2,Story,In Progress,2026-02-02 09:00,2026-03-14\n\
             As a player I want a pause menu,NX-3,Story,In Progress,2026-02-02 09:00,\n";
    let product = jira_report(dir.path(), "next.csv", s, "2026-02-15", "2026-W07/product.md");
    let next = section(&product, "## Next week");
    assert!(next.contains("NX-1"), "{next}");
    assert!(!next.contains("NX-2") && !next.contains("NX-3"), "{next}");
    let in_progress = section(&product, "## In progress");
    assert!(in_progress.contains("NX-2") && in_progress.contains("NX-3"), "{in_progress}");
}

/// Counts over 999 in a headline are grouped as in the sections ("1472 product items
/// done…" above "1,472 product items are done…"), and so is the program's Done column
/// ("2317/2443").
#[test]
fn large_counts_are_grouped_in_headlines_and_the_program() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut s = String::from("Summary,Issue key,Issue Type,Status,Created\n");
    for i in 1..=1200 {
        s += &format!("As a buyer I want saved search {i},BIG-{i},Story,Done,2026-01-05 09:00\n");
    }
    s += "As a buyer I want a wishlist,BIG-1201,Story,To Do,2026-01-05 09:00\n";
    let product = jira_report(dir.path(), "big.csv", &s, "2026-02-15", "2026-W07/product.md");
    let headline = product.lines().find(|l| l.starts_with("**")).expect("headline");
    assert!(headline.contains("1,200 product items done with no date"), "{headline}");
    let program = std::fs::read_to_string(dir.path().join("out/2026-W07/program.md")).unwrap();
    assert!(program.contains("| 1,200/1,201 ("), "{program}");
}

/// One product item, done: "its one item is done", not "all 1 item done".
#[test]
fn one_done_item_is_not_all_1_item() {
    let dir = tempfile::tempdir().expect("temp dir");
    let s = "Summary,Issue key,Issue Type,Status,Created,Resolved\n\
             As a buyer I want a wishlist,ONE-1,Story,Done,2026-02-09 09:00,2026-02-12 09:00\n";
    let product = jira_report(dir.path(), "one.csv", s, "2026-02-15", "2026-W07/product.md");
    assert!(!product.contains("all 1 item"), "{product}");
    assert!(product.contains("by what is done, its one item is done."), "{product}");
}

/// The roadmap's "Change since last week" says what changed in words: "— · +3 items"
/// read as a code.
#[test]
fn roadmap_change_says_items_added_in_words() {
    let dir = tempfile::tempdir().expect("temp dir");
    let base = "Summary,Issue key,Issue Type,Status,Created,Fix versions\n\
                As a buyer I want a wishlist,RM-1,Story,To Do,2026-02-02 09:00,R1\n";
    let mut now = String::from(base);
    for i in 2..=4 {
        now +=
            &format!("As a buyer I want saved search {i},RM-{i},Story,To Do,2026-02-10 09:00,R1\n");
    }
    jira_report(dir.path(), "rm0.csv", base, "2026-02-08", "2026-W06/product.md");
    let product = jira_report(dir.path(), "rm.csv", &now, "2026-02-15", "2026-W07/product.md");
    let row = product.lines().find(|l| l.starts_with("| R1 |")).expect("R1 row");
    assert!(row.ends_with("| 3 items added |"), "{row}");
}

/// An export with no column that says whether an item is done (a real Jira export of 324
/// defects had no Status, Resolution or Status Category) is not "No item has been
/// finished (0 of 324)": what the data lacks names the missing column instead.
#[test]
fn an_export_without_a_status_column_says_so_instead_of_nothing_finished() {
    let dir = tempfile::tempdir().expect("temp dir");
    let csv = "Issue Type,Issue key,Summary,Created\n\
               Bug,DA-1,Login fails on Safari,2026-06-01 09:00\n\
               Bug,DA-2,Export drops the last row,2026-06-02 09:00\n\
               Task,DA-3,Rotate the API keys,2026-06-03 09:00\n";
    let report = jira_report(dir.path(), "defects.csv", csv, "2026-06-24", "2026-W26/project.md");
    let about = section(&report, "## About this report");
    assert!(
        about.contains(
            "The export has no Status column (nor Resolution or Status Category): every item counts as open, so nothing can be seen as done"
        ),
        "{about}"
    );
    assert!(!report.contains("No item has been finished"), "{report}");
    assert!(!report.contains("Nothing has been finished yet"), "{report}");
    assert!(
        report.contains("The export does not say which items are done (see What the data lacks)"),
        "{report}"
    );
    let json: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("out/2026-W26/project.json")).expect("json"),
    )
    .expect("JSON");
    assert!(json["meta"]["missing"][0].as_str().is_some_and(|m| m.contains("no Status column")));
}

/// A release finished long ago has no days left to count: "—", not "−152"; one past due
/// with work open counts its days with a minus sign, as net flow writes it.
#[test]
fn a_finished_milestone_has_no_days_left() {
    let dir = tempfile::tempdir().expect("temp dir");
    let csv = "Issue Type,Issue key,Summary,Status,Created,Resolved,Fix versions,Due date\n\
               Task,RX-1,Parser fix,Done,2025-03-01 09:00,2025-04-20 09:00,10.0.2503,2025-04-25\n\
               Task,RX-2,Schema update,Done,2025-03-01 09:00,2025-04-21 09:00,10.0.2503,2025-04-25\n\
               Task,RX-3,New index,To Do,2025-08-01 09:00,,10.1,2025-09-20\n";
    let report = jira_report(dir.path(), "rx.csv", csv, "2025-09-24", "2025-W39/project.md");
    let rows = section(&report, "## Milestones");
    let row =
        |title: &str| rows.lines().find(|l| l.starts_with(&format!("| {title} "))).unwrap_or("");
    assert!(row("10.0.2503").contains("| 2025-04-25 | — |"), "{rows}");
    assert!(row("10.1").contains("| 2025-09-20 | −4 |"), "{rows}");
}

/// A status the built-in table does not know but the export's own `Status Category`
/// explains ("Selected for Tech Check" in To Do, "Implementado" in Listo) is not one to
/// ask the team about, in the export's week or in a week rebuilt from its dates (where
/// the items done later read as open under their present status); a status no category
/// explains still is.
#[test]
fn statuses_the_export_categorises_are_not_asked_about() {
    let dir = tempfile::tempdir().expect("temp dir");
    let csv = "Issue Type,Issue key,Summary,Status,Status Category,Created,Resolved\n\
               Task,LT-1,Track the parcel,Implementado,Listo,2026-03-02 09:00,2026-04-01 09:00\n\
               Task,LT-2,Route planner,Implementado,Listo,2026-03-02 09:00,2026-04-02 09:00\n\
               Task,LT-3,Driver app login,Selected for Tech Check,To Do,2026-03-02 09:00,\n\
               Task,LT-4,Invoice export,Parked,,2026-03-02 09:00,\n";
    let rebuilt = jira_report(dir.path(), "lt.csv", csv, "2026-03-27", "2026-W13/project.md");
    let now = jira_report(dir.path(), "lt.csv", csv, "2026-04-05", "2026-W14/project.md");
    for report in [&rebuilt, &now] {
        let asked = report
            .lines()
            .find(|l| l.contains("with a status rolecall does not know"))
            .unwrap_or_else(|| panic!("{report}"));
        assert!(asked.contains("counted as open: Parked (1)."), "{asked}");
        assert!(!asked.contains("Implementado") && !asked.contains("Tech Check"), "{asked}");
    }
}

/// Ranked by comments (no item has votes), Most wanted shows the comments alone: the
/// Votes and New votes columns were all zeros beside "No item has votes in this data".
#[test]
fn most_wanted_by_comments_has_no_vote_columns() {
    let dir = tempfile::tempdir().expect("temp dir");
    let csv = "Issue Type,Issue key,Summary,Status,Created,Labels,Comment,Comment\n\
               Story,MW-1,Dark mode for the dashboard,To Do,2026-03-02 09:00,concern:product,02/Mar/26 10:00;u1;Please!,03/Mar/26 10:00;u2;Yes\n\
               Story,MW-2,Export to PDF,To Do,2026-03-02 09:00,concern:product,02/Mar/26 10:00;u1;Needed,\n";
    let report = jira_report(dir.path(), "mw.csv", csv, "2026-03-06", "2026-W10/product.md");
    let wanted = section(&report, "## Most wanted");
    assert!(wanted.contains("ranked by comments"), "{wanted}");
    assert!(wanted.contains("| Item | Comments |"), "{wanted}");
    assert!(!wanted.contains("Votes"), "{wanted}");
    assert!(wanted.contains("Dark mode for the dashboard | 2 |"), "{wanted}");
}

/// Open or in progress by its status, resolved by the tracker (Jira's category In
/// Progress on a resolved issue; a reopened issue that kept its resolution date): said
/// under Data quality, with the statuses, instead of only "in progress and untouched".
#[test]
fn open_items_with_a_resolution_date_are_named() {
    let dir = tempfile::tempdir().expect("temp dir");
    let csv = "Issue Type,Issue key,Summary,Status,Status Category,Resolution,Created,Resolved\n\
               Task,NW-1,Wallet sync,Deploy,In Progress,Done,2023-03-01 09:00,2023-04-03 10:00\n\
               Task,NW-2,Receive screen,Deploy,In Progress,Done,2023-03-01 09:00,2023-04-03 10:00\n\
               Task,NW-3,Send screen,Done,Done,Done,2023-03-01 09:00,2023-04-03 10:00\n";
    let report = jira_report(dir.path(), "nw.csv", csv, "2023-09-19", "2023-W38/project.md");
    assert!(
        report.contains("- 2 items open or in progress by their status but with a resolution date: counted as not done, as the status says. If a status means done, say so in \\[status-map\\]: Deploy (2)."),
        "{report}"
    );
}
