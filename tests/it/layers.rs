//! The crate is layered: each top-level module of `src/` may use only the modules below it
//! in [`LAYERS`]. A `use crate::…` (or a `crate::…` path anywhere in code) that reaches up
//! fails this test with the file and the line, so a cycle cannot creep back in.

use std::collections::BTreeMap;
use std::path::Path;

/// Bottom first. A module may use the modules before it in this list, never after.
const LAYERS: &[&str] = &[
    "error",
    "interrupt",
    "files",
    "text",
    "usage",
    "par",
    "dates",    // helpers that know nothing of the pipeline
    "model",    // items, snapshots, weeks, statuses, roles
    "config",   // rolecall.toml: plain data, one section per stage
    "source",   // importers and the GitHub reader → a Snapshot
    "classify", // items → concerns with reasons
    "analyse",  // per-role reports, over the model and history
    "render",   // Markdown, JSON, PDF
    "report",   // the weekly run: state, notes, atomic writes
    "publish",  // carrying written reports to people: step summary, issues, email
    "cli",      // arguments, printing, exit codes
    "fuzz",     // tests only: mutated input through every parser and renderer
];

#[test]
fn no_module_uses_a_module_above_it() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    collect(&src, &mut files);
    let rank: BTreeMap<&str, usize> = LAYERS.iter().enumerate().map(|(i, m)| (*m, i)).collect();
    let mut wrong = Vec::new();
    let mut seen_tops = BTreeMap::new();
    for path in &files {
        let rel = path.strip_prefix(&src).expect("under src");
        let first = rel.components().next().expect("a component").as_os_str().to_string_lossy();
        let top = first.trim_end_matches(".rs").to_string();
        if top == "lib" || top == "main" {
            continue;
        }
        let Some(&own) = rank.get(top.as_str()) else {
            wrong.push(format!("src/{}: module `{top}` is not in LAYERS", rel.display()));
            continue;
        };
        seen_tops.insert(top.clone(), ());
        let text = std::fs::read_to_string(path).expect("readable");
        for (line, used) in crate_paths(&text) {
            if used == top {
                continue;
            }
            match rank.get(used.as_str()) {
                Some(&r) if r < own => {}
                Some(_) => wrong.push(format!(
                    "src/{}:{line}: `{top}` uses `{used}`, which is above it",
                    rel.display()
                )),
                None => wrong.push(format!(
                    "src/{}:{line}: `{top}` uses `crate::{used}`, not in LAYERS",
                    rel.display()
                )),
            }
        }
    }
    assert!(wrong.is_empty(), "layering broken:\n{}", wrong.join("\n"));
    // Every layer named exists, so the list cannot rot.
    let missing: Vec<_> = LAYERS.iter().filter(|m| !seen_tops.contains_key(**m)).collect();
    assert!(missing.is_empty(), "LAYERS names modules src/ does not have: {missing:?}");
}

/// The checker itself finds paths in `use` groups spread over lines, and skips comments.
#[test]
fn crate_paths_are_found_in_groups_and_not_in_comments() {
    let text = "use crate::{\n    model::Item,\n    config::{Config, X},\n};\n// crate::cli\n/// see [`crate::report`]\nlet x = crate::par::map(1);\n";
    let found: Vec<(usize, String)> = crate_paths(text);
    assert_eq!(
        found,
        vec![(2, "model".into()), (3, "config".into()), (7, "par".into())],
        "{found:?}"
    );
}

fn collect(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    let mut entries: Vec<_> =
        std::fs::read_dir(dir).expect("src readable").map(|e| e.expect("entry").path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            collect(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

/// Each top-level module named by a `crate::` path in code, with its line: `crate::a::b`
/// gives `a`; `crate::{a::x, b}` gives `a` and `b`. Comments are skipped.
fn crate_paths(text: &str) -> Vec<(usize, String)> {
    let code: Vec<String> = text
        .lines()
        .map(|l| match l.find("//") {
            Some(i) => l[..i].to_string(),
            None => l.to_string(),
        })
        .collect();
    let joined = code.join("\n");
    let bytes = joined.as_bytes();
    let line_of = |at: usize| joined[..at].matches('\n').count() + 1;
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(i) = joined[from..].find("crate::") {
        let at = from + i;
        let start = at + "crate::".len();
        from = start;
        // `$crate::` and `some_crate::` are not ours.
        let before = joined[..at].chars().next_back();
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '$') {
            continue;
        }
        if bytes.get(start) == Some(&b'{') {
            // A group: the first path segment of each entry at depth one.
            let mut depth = 0;
            let mut at_entry = true;
            let mut j = start;
            while j < bytes.len() {
                match bytes[j] {
                    b'{' => {
                        depth += 1;
                        at_entry = depth == 1;
                    }
                    b'}' => {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                    b',' if depth == 1 => at_entry = true,
                    c if at_entry && depth == 1 && (c.is_ascii_alphabetic() || c == b'_') => {
                        let end = joined[j..]
                            .find(|c: char| !(c.is_alphanumeric() || c == '_'))
                            .map_or(joined.len(), |e| j + e);
                        out.push((line_of(j), joined[j..end].to_string()));
                        at_entry = false;
                        j = end;
                        continue;
                    }
                    _ => {}
                }
                j += 1;
            }
        } else {
            let end = joined[start..]
                .find(|c: char| !(c.is_alphanumeric() || c == '_'))
                .map_or(joined.len(), |e| start + e);
            if end > start {
                out.push((line_of(start), joined[start..end].to_string()));
            }
        }
    }
    out
}
