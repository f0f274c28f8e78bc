//! `rolecall publish`: the week's written reports carried to the GitHub Actions step
//! summary, within GitHub's size limit, and clear errors when there is nothing to carry.

use std::path::Path;

use crate::common::{self, golden};

/// The demo week written into `dir/out`; returns that folder.
fn demo_week(dir: &Path) -> String {
    let out = dir.join("out").display().to_string();
    let (code, _, err) = common::run(&["report", "--demo", "-o", &out]);
    assert_eq!(code, 0, "{err}");
    out
}

#[test]
fn step_summary_of_the_demo_week() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = demo_week(dir.path());
    let summary = dir.path().join("summary.md");
    // Earlier steps of the job wrote their own lines: kept, and ours follow.
    std::fs::write(&summary, "## Tests\n\nAll passed.\n").expect("written");
    let env = [("GITHUB_STEP_SUMMARY", summary.to_str().expect("utf-8"))];
    let (code, stdout, err) =
        common::run_in(dir.path(), &["publish", "--to", "step-summary", "-o", &out], &env);
    assert_eq!(code, 0, "{err}");
    assert_eq!(stdout, "published 2026-W48 (3 reports) to the step summary\n");
    let text = std::fs::read_to_string(&summary).expect("appended");
    let ours = text.strip_prefix("## Tests\n\nAll passed.\n").expect("the earlier lines kept");
    golden::TEXT.check([("step-summary-demo.md", ours)]);
    // Folded reports with their verdicts; no link to a file that is not on the page.
    for role in ["Product report</strong> · 🟠 Amber", "Program report</strong> · 🔴 Red"] {
        assert!(ours.contains(&format!("<details><summary><strong>{role}</summary>")), "{role}");
    }
    assert!(!ours.contains("](product.md)") && !ours.contains("Read the Product report"));
    // --dry-run prints the same text and appends nothing.
    let (code, stdout, err) = common::run_in(
        dir.path(),
        &["publish", "--to", "step-summary", "-o", &out, "--dry-run", "--week", "2026-W48"],
        &env,
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(stdout, ours);
    assert_eq!(std::fs::read_to_string(&summary).expect("read"), text);
}

/// GitHub drops a step's whole summary past 1 MiB: with most of it used by earlier
/// steps, the reports that do not fit are left out, saying so, and the file stays under.
#[test]
fn a_step_summary_near_githubs_limit_leaves_reports_out_and_says_so() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = demo_week(dir.path());
    let summary = dir.path().join("summary.md");
    let env = [("GITHUB_STEP_SUMMARY", summary.to_str().expect("utf-8"))];
    // The whole week's summary on an empty page, to leave it a little short of that.
    let (code, _, err) =
        common::run_in(dir.path(), &["publish", "--to", "step-summary", "-o", &out], &env);
    assert_eq!(code, 0, "{err}");
    let full = std::fs::metadata(&summary).expect("there").len() as usize;
    let earlier = "x".repeat(900 * 1024 - full + 1_000) + "\n";
    std::fs::write(&summary, &earlier).expect("written");
    let (code, _, err) =
        common::run_in(dir.path(), &["publish", "--to", "step-summary", "-o", &out], &env);
    assert_eq!(code, 0, "{err}");
    let size = std::fs::metadata(&summary).expect("there").len();
    assert!(size <= 900 * 1024, "{size} bytes");
    let ours = std::fs::read_to_string(&summary).expect("read")[earlier.len()..].to_string();
    assert!(ours.starts_with("# Weekly status — Acme Analytics · 2026-W48"), "{ours}");
    assert!(ours.contains("Left out: at "), "{ours}");
    assert!(err.contains("step summary: left out the project report ("), "{err}");
}

/// With almost no room left (under 200 bytes), nothing is appended rather than a note
/// that takes the page past 1 MiB, and the line printed says what was published.
#[test]
fn a_full_step_summary_gets_nothing_and_says_so() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = demo_week(dir.path());
    let summary = dir.path().join("summary.md");
    let env = [("GITHUB_STEP_SUMMARY", summary.to_str().expect("utf-8"))];
    let earlier = "a".repeat(900 * 1024 - 60);
    std::fs::write(&summary, &earlier).expect("written");
    let (code, stdout, err) =
        common::run_in(dir.path(), &["publish", "--to", "step-summary", "-o", &out], &env);
    assert_eq!(code, 0, "{err}");
    assert_eq!(std::fs::metadata(&summary).expect("there").len() as usize, earlier.len());
    assert_eq!(stdout, "published nothing of 2026-W48 to the step summary: earlier steps left no room under GitHub's 1 MiB\n");
    // Room for the index and one report: the line counts what went in.
    let index = std::fs::read_to_string(Path::new(&out).join("2026-W48/index.md")).expect("index");
    let product = std::fs::read_to_string(Path::new(&out).join("2026-W48/product.md")).expect("md");
    let earlier = "a".repeat(900 * 1024 - index.len() - product.len() - 2_000);
    std::fs::write(&summary, &earlier).expect("written");
    let (code, stdout, err) =
        common::run_in(dir.path(), &["publish", "--to", "step-summary", "-o", &out], &env);
    assert_eq!(code, 0, "{err}");
    assert!(std::fs::metadata(&summary).expect("there").len() <= 900 * 1024);
    assert_eq!(
        stdout,
        "published 2026-W48 (1 of 3 reports; the rest left out for room) to the step summary\n"
    );
}

#[test]
fn publish_errors_say_what_to_do() {
    let dir = tempfile::tempdir().expect("temp dir");
    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).expect("made");
    let empty = empty.display().to_string();
    let cases: &[(&[&str], i32, String)] = &[
        (
            &["publish", "--to", "step-summary", "-o", &empty],
            2,
            format!("error: {empty} holds no week's reports: run `rolecall report -o {empty}` first\n"),
        ),
        (
            &["publish", "--to", "teams", "-o", &empty],
            2,
            "error: --to `teams`: expected step-summary (the GitHub Actions run's page), github-issue:OWNER/REPO (one issue per week) or slack (an incoming webhook)\n".into(),
        ),
        (
            &["publish", "--to", "step-summary", "-o", &empty, "--week", "2026-W47"],
            2,
            format!(
                "error: {empty}/2026-W47 has no index.md: run `rolecall report --week 2026-W47 -o {empty}` first\n"
            ),
        ),
    ];
    for (args, want_code, want) in cases {
        let (code, _, err) = common::run(args);
        assert_eq!((code, &err), (*want_code, want), "{args:?}");
    }
    // Outside GitHub Actions.
    let out = demo_week(dir.path());
    let (code, _, err) = common::run(&["publish", "--to", "step-summary", "-o", &out]);
    assert_eq!(code, 2);
    assert_eq!(
        err,
        "error: GITHUB_STEP_SUMMARY is not set: --to step-summary runs inside a GitHub Actions step (--dry-run shows what it would add)\n"
    );
}

/// A week written without Markdown (`--format pdf`) cannot be published, and the error
/// says why and what to run, instead of "nobody to send to".
#[test]
fn a_week_without_markdown_reports_says_what_to_run() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("out").display().to_string();
    let (code, _, err) =
        common::run(&["report", "--demo", "-o", &out, "--as-of", "2026-11-27", "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = common::run(&["publish", "--to", "step-summary", "-o", &out]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("has no role report in Markdown (product.md, program.md, project.md), which publishing reads"), "{err}");
    assert!(err.contains("with md among the formats"), "{err}");
}

/// `-q` is errors only: a report or publish that succeeds prints nothing, while what a
/// dry run shows is still printed (it is the command's output).
#[test]
fn quiet_runs_print_nothing_but_dry_runs_still_show() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("out").display().to_string();
    let (code, stdout, err) = common::run(&["report", "--demo", "-q", "-o", &out]);
    assert_eq!((code, stdout.as_str(), err.as_str()), (0, "", ""));
    assert!(Path::new(&out).join("2026-W48/index.md").exists());
    let summary = dir.path().join("summary.md");
    let env = [("GITHUB_STEP_SUMMARY", summary.to_str().expect("utf-8"))];
    let args = ["publish", "-q", "--to", "step-summary", "-o", &out];
    let (code, stdout, err) = common::run_in(dir.path(), &args, &env);
    assert_eq!((code, stdout.as_str(), err.as_str()), (0, "", ""));
    assert!(std::fs::metadata(&summary).expect("appended").len() > 1000);
    let (code, stdout, _) = common::run_in(dir.path(), &[&args[..], &["--dry-run"]].concat(), &env);
    assert_eq!(code, 0);
    assert!(stdout.starts_with("# Weekly status — Acme Analytics"), "{stdout}");
    // `init` and `train` alike; `init --print` and `train --suggest` print their output.
    let init = dir.path().join("init");
    let init_s = init.display().to_string();
    std::fs::create_dir(&init).expect("the repository's folder");
    let (code, stdout, err) = common::run(&["init", "-q", "--dir", &init_s]);
    assert_eq!((code, stdout.as_str()), (0, ""), "{err}");
    assert!(init.join("rolecall.toml").exists());
    let (code, stdout, _) = common::run(&["init", "-q", "--print"]);
    assert_eq!(code, 0);
    assert!(stdout.contains("[report]"), "{stdout}");
    let model = dir.path().join("m.tsv").display().to_string();
    let labels = common::write(dir.path(), "l.csv", "key,concern\nACME-1,product\n");
    let train = ["train", "-q", "--demo", "--labels", &labels, "--out", &model];
    let (code, stdout, err) = common::run_in(dir.path(), &train, &[]);
    assert_eq!((code, stdout.as_str()), (0, ""), "{err}");
    assert!(Path::new(&model).exists());
    let (code, stdout, _) = common::run(&["train", "-q", "--demo", "--suggest", "2"]);
    assert_eq!(code, 0);
    assert!(stdout.starts_with("key,concern,guess"), "{stdout}");
}

/// `-o` naming a file (or a device) is a usage error (exit 2), said before any work.
#[test]
fn an_output_folder_that_is_a_file_is_a_usage_error() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("afile");
    std::fs::write(&file, "").expect("written");
    let file = file.display().to_string();
    for out in [file.as_str(), "/dev/null"] {
        let (code, _, err) = common::run(&["report", "--demo", "-o", out]);
        assert_eq!(code, 2, "{err}");
        assert_eq!(err, format!("error: {out}: not a folder; -o (or [report] out) names the folder the weeks are written into\n"));
    }
}
