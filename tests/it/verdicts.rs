//! Verdicts a reader of a real export would call wrong (sweep 22): each test is a small
//! export modelled on the one that showed it, and asserts the text the reader sees.

use std::path::Path;

use crate::common;

/// Runs the report on `csv` (a Jira export) as of `as_of` in `dir` and reads `file` of
/// its output.
fn jira_report(dir: &Path, name: &str, csv: &str, as_of: &str, file: &str) -> String {
    let export = common::write(dir, name, csv);
    let args = ["report", "-s", &format!("jira:{export}"), "--as-of", as_of, "-o", "out"];
    let (code, _, err) = common::run_in(dir, &args, &[]);
    assert_eq!(code, 0, "{err}");
    std::fs::read_to_string(dir.join("out").join(file)).expect("the report")
}

/// The verdict line of a Markdown report.
fn headline(report: &str) -> &str {
    (report.lines())
        .find(|l| {
            l.starts_with("**🟢")
                || l.starts_with("**🟡")
                || l.starts_with("**🔴")
                || l.starts_with("**⚪")
        })
        .unwrap_or_else(|| panic!("a verdict in {report}"))
}

/// Open fix versions with no date are open roadmap milestones: "all 5 roadmap milestones
/// done" (green) stood above four open ones at 26-89% (felipefernandes). They are named
/// with their progress, and judged by their product items' own evidence.
#[test]
fn open_undated_roadmap_milestones_reach_the_product_headline() {
    let dir = tempfile::tempdir().expect("temp dir");
    let s = "Summary,Issue key,Issue Type,Status,Created,Resolved,Fix versions,Labels\n\
             Saved carts,GP-1,Story,Done,2025-10-01 09:00,2025-10-08 09:00,Euchre 5.0.0,concern:product\n\
             Cart sharing,GP-2,Story,Done,2025-10-01 09:00,2025-10-09 09:00,Euchre 5.0.0,concern:product\n\
             Dominoes lobby,GP-3,Story,Done,2025-10-01 09:00,2025-10-10 09:00,Dominoes 7.0.0,concern:product\n\
             Dominoes rules,GP-4,Story,To Do,2025-10-01 09:00,,Dominoes 7.0.0,concern:product\n\
             Dominoes hints,GP-5,Story,To Do,2025-10-01 09:00,,Dominoes 7.0.0,concern:product\n\
             Dominoes chat,GP-6,Story,To Do,2025-10-01 09:00,,Dominoes 7.0.0,concern:product\n";
    let product = jira_report(dir.path(), "rm.csv", s, "2026-01-05", "2026-W02/product.md");
    let verdict = headline(&product);
    assert!(!verdict.contains("all "), "{verdict}");
    assert!(!verdict.starts_with("**🟢"), "{verdict}");
    assert!(
        verdict.contains(
            "1 roadmap milestone done, 1 open with no date (Dominoes 7.0.0 25% done); by flow, \
             nothing finished in the last 12 weeks with 3 items open (0 in progress)"
        ),
        "{verdict}"
    );
}
