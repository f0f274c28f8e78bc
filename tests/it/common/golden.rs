//! Golden files: expected outputs committed as plain files, byte for byte what rolecall
//! writes (no header: they are the proof that a change left the output alone), compared
//! with what a test produced.
//!
//! - A difference fails with a line diff (the changed lines with three lines of context,
//!   in the unified format), not the two whole files.
//! - `UPDATE_SNAPSHOTS=1 cargo test` rewrites the files instead; review the diff like code.
//! - Each folder of golden files is a [`Suite`] that names the tests writing into it. When
//!   all of them have checked their files in one run, a file in the folder that none of
//!   them produced is reported as stale. A run that leaves one of them out (a filter)
//!   cannot tell, and reports nothing stale.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use super::root;

/// A folder of golden files and the tests that produce them.
pub struct Suite {
    /// The folder, relative to the repository root. Its subfolders are part of it, except
    /// those that are suites of their own.
    pub dir: &'static str,
    /// The tests that check files of this suite, by their libtest name (`module::test`).
    pub producers: &'static [&'static str],
}

/// `tests/golden/*`: the text output of `items`, `classify`, `explain` and `publish` for
/// the demo.
pub const TEXT: Suite = Suite {
    dir: "tests/golden",
    producers: &[
        "cli::quick_start_items_demo",
        "classify::classify_table_and_explain_golden",
        "publish::step_summary_of_the_demo_week",
        "email::golden_eml_files",
        "ci::init_writes_a_config_and_a_workflow_and_keeps_what_exists",
    ],
};

/// `tests/golden/cases/<case>/`: each fixture case's week, every role, Markdown and JSON.
pub const CASES: Suite = Suite {
    dir: "tests/golden/cases",
    producers: &["report::fixture_cases_match_their_golden_files"],
};

/// `reports/2026-W48/`: the demo week as committed, exactly what `report --demo` writes.
pub const DEMO_WEEK: Suite =
    Suite { dir: "reports/2026-W48", producers: &["report::the_committed_demo_week_is_current"] };

const SUITES: [&Suite; 3] = [&TEXT, &CASES, &DEMO_WEEK];

/// Lines of context around a change in a diff.
const CONTEXT: usize = 3;

/// A diff is cut after this many lines.
const MAX_DIFF_LINES: usize = 80;

/// How many diffs one failure shows in full; the other files are only named.
const MAX_DIFFS: usize = 3;

/// Per suite (by folder): the files checked so far and the producers done with it.
#[derive(Default)]
struct Progress {
    produced: BTreeSet<String>,
    done: BTreeSet<String>,
}

static PROGRESS: Mutex<BTreeMap<&'static str, Progress>> = Mutex::new(BTreeMap::new());

fn updating() -> bool {
    std::env::var_os("UPDATE_SNAPSHOTS").is_some()
}

impl Suite {
    /// Compares every `(name, actual)` with the golden file `name` of this suite (a path
    /// relative to its folder), or rewrites them with `UPDATE_SNAPSHOTS=1`, and fails
    /// naming each file that differs, with the diffs of the first few. A test calls this
    /// once, with all of its files for the suite; the last of the suite's producers to do
    /// so in a run also fails on the files of the suite that none of them checked.
    #[track_caller]
    pub fn check<N: AsRef<str>, A: AsRef<str>>(&self, files: impl IntoIterator<Item = (N, A)>) {
        // libtest runs each test on a thread named after it.
        let test = std::thread::current().name().map(str::to_string);
        if let Some(test) = &test {
            assert!(
                self.producers.contains(&test.as_str()),
                "test `{test}` checks golden files in {} but is not among the producers of \
                 that suite in tests/it/common/golden.rs; add it there",
                self.dir
            );
        }
        let dir = root().join(self.dir);
        let mut names = Vec::new();
        let mut failures = Vec::new();
        for (name, actual) in files {
            let name = name.as_ref().to_string();
            if let Err(message) = compare(&dir.join(&name), actual.as_ref()) {
                failures.push((format!("{}/{name}", self.dir), message));
            }
            names.push(name);
        }
        fail(&failures);
        // Without a test's name, its part in the suite is not known: no stale check.
        let Some(test) = test else { return };
        let stale = {
            let mut all = PROGRESS.lock().unwrap_or_else(|e| e.into_inner());
            let progress = all.entry(self.dir).or_default();
            progress.produced.extend(names);
            progress.done.insert(test);
            let complete = self.producers.iter().all(|p| progress.done.contains(*p));
            complete.then(|| {
                let others: Vec<PathBuf> = SUITES
                    .iter()
                    .filter(|s| s.dir != self.dir)
                    .map(|s| root().join(s.dir))
                    .collect();
                let stale = unproduced(&dir, &others, &progress.produced);
                stale.into_iter().map(|name| format!("{}/{name}", self.dir)).collect::<Vec<_>>()
            })
        };
        if let Some(stale) = stale.filter(|s| !s.is_empty()) {
            panic!(
                "stale golden files in {}: no test produces them any more (producers: {}); \
                 delete them (git rm) or check them again in a test:\n  {}",
                self.dir,
                self.producers.join(", "),
                stale.join("\n  ")
            );
        }
    }
}

/// Compares `actual` with the file at `rel` (relative to the repository root), or rewrites
/// it with `UPDATE_SNAPSHOTS=1`: for generated files that sit among other files, such as
/// the demo's snapshot, so no folder of them is checked for stale files.
#[track_caller]
pub fn check_file(rel: &str, actual: &str) {
    if let Err(message) = compare(&root().join(rel), actual) {
        fail(&[(rel.to_string(), message)]);
    }
}

/// Compares, or writes with `UPDATE_SNAPSHOTS=1`; `Err` holds what to show.
fn compare(path: &Path, actual: &str) -> Result<(), String> {
    if updating() {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("golden folder created");
        }
        std::fs::write(path, actual)
            .unwrap_or_else(|e| panic!("{}: cannot write: {e}", path.display()));
        return Ok(());
    }
    match std::fs::read(path) {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(expected) if expected == actual => Ok(()),
            Ok(expected) => Err(diff(&expected, actual)),
            Err(_) => Err("the golden file is not UTF-8".to_string()),
        },
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            Err("the golden file is missing; UPDATE_SNAPSHOTS=1 cargo test creates it".into())
        }
        Err(e) => Err(format!("cannot read the golden file: {e}")),
    }
}

/// Panics with every failure named and the first few shown.
#[track_caller]
fn fail(failures: &[(String, String)]) {
    if failures.is_empty() {
        return;
    }
    let mut text = format!(
        "{} golden file(s) differ from the output (UPDATE_SNAPSHOTS=1 cargo test rewrites \
         them; review the diff like code): {}\n",
        failures.len(),
        failures.iter().map(|(name, _)| name.as_str()).collect::<Vec<_>>().join(", ")
    );
    for (name, message) in failures.iter().take(MAX_DIFFS) {
        text.push_str(&format!("\n--- {name} (golden)\n+++ {name} (actual)\n{message}"));
    }
    if failures.len() > MAX_DIFFS {
        text.push_str(&format!("\n({} more not shown)\n", failures.len() - MAX_DIFFS));
    }
    panic!("{text}");
}

/// The files under `dir` (relative to it, `/`-separated), outside the folders `skip`, that
/// are not in `produced`, sorted.
fn unproduced(dir: &Path, skip: &[PathBuf], produced: &BTreeSet<String>) -> Vec<String> {
    fn walk(dir: &Path, skip: &[PathBuf], prefix: &str, out: &mut Vec<String>) {
        let Ok(entries) = std::fs::read_dir(dir) else { return };
        for entry in entries.flatten() {
            let path = entry.path();
            let name = format!("{prefix}{}", entry.file_name().to_string_lossy());
            if path.is_dir() {
                if !skip.contains(&path) {
                    walk(&path, skip, &format!("{name}/"), out);
                }
            } else {
                out.push(name);
            }
        }
    }
    let mut all = Vec::new();
    walk(dir, skip, "", &mut all);
    all.retain(|name| !produced.contains(name));
    all.sort();
    all
}

#[derive(Clone, Copy, PartialEq, Debug)]
enum Op {
    /// The next line of both.
    Same,
    /// The next line of the expected text only.
    Removed,
    /// The next line of the actual text only.
    Added,
}

/// Larger differences (after the common head and tail) are shown as all removed, then
/// all added, instead of computing a longest common subsequence.
const MAX_LCS_CELLS: usize = 4_000_000;

/// The edits from `a` to `b`: a longest common subsequence of lines between their common
/// head and tail.
fn edits(a: &[&str], b: &[&str]) -> Vec<Op> {
    let head = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let tail =
        a[head..].iter().rev().zip(b[head..].iter().rev()).take_while(|(x, y)| x == y).count();
    let (x, y) = (&a[head..a.len() - tail], &b[head..b.len() - tail]);
    let mut ops = vec![Op::Same; head];
    if (x.len() + 1) * (y.len() + 1) > MAX_LCS_CELLS {
        ops.extend(std::iter::repeat_n(Op::Removed, x.len()));
        ops.extend(std::iter::repeat_n(Op::Added, y.len()));
    } else {
        // lcs[i * w + j]: the length of a longest common subsequence of x[i..] and y[j..].
        let w = y.len() + 1;
        let mut lcs = vec![0u32; (x.len() + 1) * w];
        for i in (0..x.len()).rev() {
            for j in (0..y.len()).rev() {
                lcs[i * w + j] = if x[i] == y[j] {
                    lcs[(i + 1) * w + j + 1] + 1
                } else {
                    lcs[(i + 1) * w + j].max(lcs[i * w + j + 1])
                };
            }
        }
        let (mut i, mut j) = (0, 0);
        while i < x.len() || j < y.len() {
            if i < x.len() && j < y.len() && x[i] == y[j] {
                ops.push(Op::Same);
                (i, j) = (i + 1, j + 1);
            } else if j == y.len() || (i < x.len() && lcs[(i + 1) * w + j] >= lcs[i * w + j + 1]) {
                ops.push(Op::Removed);
                i += 1;
            } else {
                ops.push(Op::Added);
                j += 1;
            }
        }
    }
    ops.extend(std::iter::repeat_n(Op::Same, tail));
    ops
}

/// A unified diff of the lines of `expected` and `actual`: each change with [`CONTEXT`]
/// lines around it, under an `@@ -line,count +line,count @@` header, cut after
/// [`MAX_DIFF_LINES`] lines.
pub fn diff(expected: &str, actual: &str) -> String {
    let a: Vec<&str> = expected.split_inclusive('\n').collect();
    let b: Vec<&str> = actual.split_inclusive('\n').collect();
    let ops = edits(&a, &b);
    // Where each op starts in a and in b.
    let mut at = Vec::with_capacity(ops.len() + 1);
    let (mut i, mut j) = (0, 0);
    for op in &ops {
        at.push((i, j));
        match op {
            Op::Same => (i, j) = (i + 1, j + 1),
            Op::Removed => i += 1,
            Op::Added => j += 1,
        }
    }
    at.push((i, j));
    // Ranges of ops to show: each change with its context, overlapping ones merged.
    let mut hunks: Vec<(usize, usize)> = Vec::new();
    for (k, _) in ops.iter().enumerate().filter(|(_, op)| **op != Op::Same) {
        let (lo, hi) = (k.saturating_sub(CONTEXT), (k + 1 + CONTEXT).min(ops.len()));
        match hunks.last_mut() {
            Some(last) if lo <= last.1 => last.1 = hi,
            _ => hunks.push((lo, hi)),
        }
    }
    let removed = ops.iter().filter(|op| **op == Op::Removed).count();
    let added = ops.iter().filter(|op| **op == Op::Added).count();
    let mut lines = vec![format!("{removed} line(s) removed, {added} added")];
    for (lo, hi) in hunks {
        let count =
            |keep: Op| ops[lo..hi].iter().filter(|op| **op == Op::Same || **op == keep).count();
        let (old, new) = (count(Op::Removed), count(Op::Added));
        let start = |line: usize, n: usize| if n == 0 { line } else { line + 1 };
        lines.push(format!(
            "@@ -{},{old} +{},{new} @@",
            start(at[lo].0, old),
            start(at[lo].1, new)
        ));
        for k in lo..hi {
            let (sign, line) = match ops[k] {
                Op::Same => (' ', a[at[k].0]),
                Op::Removed => ('-', a[at[k].0]),
                Op::Added => ('+', b[at[k].1]),
            };
            lines.push(format!("{sign}{}", line.strip_suffix('\n').unwrap_or(line)));
            if !line.ends_with('\n') {
                lines.push("\\ No newline at end of file".into());
            }
        }
    }
    if lines.len() > MAX_DIFF_LINES {
        let more = lines.len() - MAX_DIFF_LINES;
        lines.truncate(MAX_DIFF_LINES);
        lines.push(format!("… ({more} more line(s) of diff)"));
    }
    lines.join("\n") + "\n"
}

#[cfg(test)]
mod tests {
    use super::*;

    fn numbered(n: usize) -> String {
        (1..=n).map(|i| format!("line {i}\n")).collect()
    }

    #[test]
    fn a_changed_line_is_shown_with_three_lines_around_it() {
        let expected = numbered(20);
        let actual = expected.replace("line 10\n", "line ten\n");
        assert_eq!(
            diff(&expected, &actual),
            "1 line(s) removed, 1 added\n@@ -7,7 +7,7 @@\n line 7\n line 8\n line 9\n\
             -line 10\n+line ten\n line 11\n line 12\n line 13\n"
        );
    }

    #[test]
    fn distant_changes_are_separate_hunks_and_near_ones_merge() {
        let expected = numbered(40);
        let actual = expected
            .replace("line 2\n", "")
            .replace("line 30\n", "line 30\nnew\n")
            .replace("line 34\n", "line 34!\n");
        let diff = diff(&expected, &actual);
        let headers: Vec<&str> = diff.lines().filter(|l| l.starts_with("@@")).collect();
        assert_eq!(headers, ["@@ -1,5 +1,4 @@", "@@ -28,10 +27,11 @@"], "{diff}");
    }

    #[test]
    fn a_missing_final_newline_is_a_difference() {
        let diff = diff("a\nb\n", "a\nb");
        assert!(diff.contains("-b\n+b\n\\ No newline at end of file\n"), "{diff}");
    }

    #[test]
    fn a_long_diff_is_cut() {
        let diff = diff("", &numbered(500));
        assert!(diff.starts_with("0 line(s) removed, 500 added\n@@ -0,0 +1,500 @@\n+line 1\n"));
        assert_eq!(diff.lines().count(), MAX_DIFF_LINES + 1, "{diff}");
        assert!(diff.ends_with("… (422 more line(s) of diff)\n"), "{diff}");
    }

    #[test]
    fn files_no_test_produced_are_found_outside_other_suites() {
        let dir = tempfile::tempdir().expect("temp dir");
        for name in ["a.txt", "gone.txt", "sub/b.md", "sub/old.md", "nested/c.md"] {
            crate::common::write(dir.path(), name, "x");
        }
        let produced: BTreeSet<String> =
            ["a.txt", "sub/b.md", "never-written.txt"].map(String::from).into();
        let skip = [dir.path().join("nested")];
        assert_eq!(unproduced(dir.path(), &skip, &produced), ["gone.txt", "sub/old.md"]);
    }
}
