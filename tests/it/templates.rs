//! Templates of one's own: fields always there, errors that name what is wrong, the
//! defaults written out to start from.

use std::path::Path;

use serde_json::Value;

use crate::common::{self, root};

/// Runs the binary in the repository root, hermetically: (exit code, stdout, stderr).
fn rolecall(args: &[&str]) -> (i32, String, String) {
    common::run_in(&root(), args, &[])
}

/// `report` with the templates in `t`, into `out`, plus `extra` arguments.
fn report(t: &Path, out: &Path, extra: &[&str]) -> (i32, String, String) {
    let (t, out) = (t.display().to_string(), out.display().to_string());
    let mut args = vec!["report", "-o", &out, "--templates", &t];
    args.extend_from_slice(extra);
    rolecall(&args)
}

/// Every key that some entry of a list has, each entry has too, in every JSON report:
/// a template that works on one entry (or one week) works on the next.
fn keys_missing_from_some_entries(v: &Value, path: &str, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                keys_missing_from_some_entries(x, &format!("{path}.{k}"), out);
            }
        }
        Value::Array(list) => {
            let objects: Vec<_> = list.iter().filter_map(Value::as_object).collect();
            let mut all: Vec<&String> = objects.iter().flat_map(|o| o.keys()).collect();
            all.sort();
            all.dedup();
            for k in all {
                if objects.iter().any(|o| !o.contains_key(k)) {
                    out.push(format!("{path}[].{k}"));
                }
            }
            for x in list {
                keys_missing_from_some_entries(x, &format!("{path}[]"), out);
            }
        }
        _ => {}
    }
}

/// A template that reads the fields that have no value on some weeks (`meta.left_out`,
/// a milestone's `due_derived` and `forecast`, an item's `runner_up`…) works on the demo
/// and on a real export: they are there as null, false or an empty list, not left out
/// (strict mode stopped the run with `no field 'meta.left_out'` on real data).
#[test]
fn fields_without_a_value_are_null_not_missing() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let t = tmp.path().join("t");
    std::fs::create_dir_all(&t).expect("dir");
    std::fs::write(
        t.join("project.md.hbs"),
        "# {{meta.week}} {{meta.days_so_far}} {{meta.rewind.undated}}\n\
         Not counted: {{#each meta.left_out}}{{this}}; {{/each}}\n\
         {{#each milestones}}- {{this.title}} {{this.due_derived}} {{this.forecast}} {{this.forecast_baseline}}\n{{/each}}\
         {{#each triage}}- {{this.key}} {{this.runner_up}}\n{{/each}}",
    )
    .expect("written");
    std::fs::write(
        t.join("program.md.hbs"),
        "{{#each blocked}}- {{this.item.key}} {{this.undated}} {{this.by_status}}\n{{/each}}",
    )
    .expect("written");
    let mut runs = vec![(tmp.path().join("demo"), vec!["--demo".to_string()])];
    if let Some(csv) = common::sample("jira/agile-delivery-simulation.csv") {
        let spec = format!("jira:{}", csv.display());
        runs.push((
            tmp.path().join("real"),
            vec!["-s".into(), spec, "--as-of".into(), "2026-03-01".into()],
        ));
    }
    for (out, extra) in runs {
        let mut args: Vec<&str> = extra.iter().map(String::as_str).collect();
        args.extend(["--format", "md,json"]);
        let (code, _, err) = report(&t, &out, &args);
        assert_eq!(code, 0, "{}: {err}", out.display());
        let week = std::fs::read_dir(&out)
            .expect("out")
            .flatten()
            .find(|e| e.file_name().to_string_lossy().contains("-W"))
            .expect("a week folder")
            .path();
        for role in ["product", "program", "project"] {
            let text = std::fs::read_to_string(week.join(format!("{role}.json"))).expect("json");
            let v: Value = serde_json::from_str(&text).expect("parses");
            let mut missing = Vec::new();
            keys_missing_from_some_entries(&v, role, &mut missing);
            assert!(missing.is_empty(), "{}: {missing:?}", out.display());
            for key in ["days_so_far", "left_out", "rewind"] {
                assert!(v["meta"].get(key).is_some(), "{role}.json meta.{key}");
            }
        }
    }
}

/// Runs the demo week with `project.md.hbs` = `template` (and nothing else of the user's):
/// (exit code, stderr).
fn demo_with(template: impl AsRef<[u8]>) -> (i32, String) {
    let tmp = tempfile::tempdir().expect("temp dir");
    let t = tmp.path().join("t");
    std::fs::create_dir_all(&t).expect("dir");
    std::fs::write(t.join("project.md.hbs"), template).expect("written");
    let (code, _, err) = report(&t, &tmp.path().join("out"), &["--demo", "--format", "md"]);
    (code, err)
}

/// A misspelt field given to a helper, `#if` or `#unless` stops the run like `{{x}}`
/// does, naming the path, the helper and where (`{{date this.deu}}` printed `—`,
/// `{{esc this.titl}}` nothing, `{{#if verdict.stauts}}` was silently false); a value
/// of the wrong kind names the helper and the value; an unknown helper or partial says
/// which was meant. A field that is there with no value (null) is not missing.
#[test]
fn misspellings_in_helpers_and_conditions_are_errors() {
    let cases = [
        (
            "{{#if verdict.stauts}}yes{{/if}}",
            "project.md.hbs:1:1: no field `verdict.stauts` (given to `{{#if …}}`",
        ),
        (
            "x\n{{#unless verdict.stauts}}shown{{/unless}}",
            "project.md.hbs:2:1: no field `verdict.stauts` (given to `{{#unless …}}`",
        ),
        (
            "{{#each milestones}}\n- {{date this.deu}}\n{{/each}}",
            "project.md.hbs:2:3: no field `this.deu` (given to `{{date …}}`",
        ),
        ("{{esc verdict.titl}}", "no field `verdict.titl` (given to `{{esc …}}`"),
        (
            "{{#if (eq verdict.statuz \"red\")}}x{{/if}}",
            "no field `verdict.statuz` (given to `{{eq …}}`",
        ),
        ("{{pct verdict.pct_dne}}", "no field `verdict.pct_dne` (given to `{{pct …}}`"),
        (
            "{{date 12345}}",
            "`date` takes a date (text such as 2026-11-27, or null): got the number 12345",
        ),
        ("{{num meta.week}}", "`num` takes a whole number: `meta.week` is the text \"2026-W48\""),
        ("{{pct}}", "`pct` needs 1 argument"),
        ("{{percent 0.5}}", "no helper `percent`; the helpers are badge, pct,"),
        ("{{pctt 0.5}}", "no helper `pctt`: did you mean `pct`?"),
        ("{{> verdikt}}", "no partial `verdikt`: did you mean `verdict`?"),
    ];
    for (template, expected) in cases {
        let (code, err) = demo_with(template);
        assert_eq!(code, 2, "{template}: {err}");
        let first = err.lines().find(|l| l.starts_with("error:")).unwrap_or("");
        assert!(
            first.starts_with("error: ") && first.contains("/t/project.md.hbs:"),
            "{template}: {err}"
        );
        assert!(first.contains(expected), "{template}: {first}");
        assert!(!first.contains("Helper/Decorator") && !first.contains("not found"), "{first}");
    }
    // There with no value: `date` shows a dash, `#if` is false, `esc` prints nothing;
    // a path through a field with no value (`forecast_baseline` is null) is null too.
    let (code, err) = demo_with(
        "{{#each milestones}}[{{date this.due_before}}{{#if this.forecast_baseline}}b{{/if}}{{esc this.due_before}}{{#if this.forecast_baseline.week}}w{{/if}}]{{/each}}",
    );
    assert_eq!(code, 0, "{err}");
}

/// A template that does not parse is one `file:line:col: invalid template: reason` in
/// words: no grammar rule names, no snippet numbered from 0, the file's real name, and
/// an unclosed block named with the line it opens on.
#[test]
fn template_syntax_errors_are_one_plain_line() {
    let cases = [
        ("# T\n{{meta.week}\n", "project.md.hbs:2:1: invalid template: the tag `{{meta.week}` is not closed with `}}`"),
        ("line1\nline2\nline3\nline4 {{meta.week}\nline5\n", "project.md.hbs:4:7: invalid template: the tag `{{meta.week}` is not closed"),
        ("# T\n{{#each milestones}}\n- {{this.title}}\n", "project.md.hbs:2:1: invalid template: `{{#each}}` is never closed: the file ends without its `{{/each}}`"),
        ("# T\n{{#if meta.week}}\nx\n{{/each}}\n", "project.md.hbs:4:1: invalid template: `{{/each}}` closes `{{#if}}` (opened on line 2): close it with `{{/if}}` first"),
    ];
    for (template, expected) in cases {
        let (code, err) = demo_with(template);
        assert_eq!(code, 2, "{template}: {err}");
        let errors: Vec<&str> = err.lines().filter(|l| !l.trim().is_empty()).collect();
        assert_eq!(errors.len(), 1, "one line: {err}");
        assert!(errors[0].starts_with("error: ") && errors[0].contains(expected), "{err}");
        for jargon in ["trailing_tilde", "expected", "\"project.md\"", "   0 |"] {
            assert!(!err.contains(jargon), "{jargon}: {err}");
        }
    }
}

/// A template saved as Latin-1 names the line and byte and says to save it as UTF-8.
#[test]
fn a_template_not_in_utf8_names_where_and_what_to_do() {
    let (code, err) = demo_with(b"# T\n# R\xe9sum\xe9 {{meta.week}}\n");
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("project.md.hbs: not UTF-8 text: line 2, byte 4 (0xE9)"), "{err}");
    assert!(err.contains("save it as UTF-8"), "{err}");
}

/// `project.md` (the `.hbs` left off) is named in a warning, like other misnamed files.
#[test]
fn a_template_without_hbs_is_named() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let t = tmp.path().join("t");
    std::fs::create_dir_all(&t).expect("dir");
    std::fs::write(t.join("project.md"), "# Mine\n").expect("written");
    let (code, _, err) = report(&t, &tmp.path().join("out"), &["--demo", "--format", "md"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains(&format!(
            "templates: {} is not read; did you mean project.md.hbs?",
            t.join("project.md").display()
        )),
        "{err}"
    );
}

/// `rolecall init --templates DIR` writes the built-in templates, and reports made with
/// them are byte for byte the built-in ones; it does not overwrite without `--force`.
#[test]
fn init_templates_writes_the_built_in_defaults() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let t = tmp.path().join("mine");
    let shown = t.display().to_string();
    let (code, out, err) = rolecall(&["init", "--templates", &shown]);
    assert_eq!(code, 0, "{err}");
    for f in ["product.md.hbs", "index.md.hbs", "partials/items.md.hbs", "partials/about.md.hbs"] {
        assert!(t.join(f).is_file(), "{f}: {out}");
        assert_eq!(
            std::fs::read_to_string(t.join(f)).expect("read"),
            std::fs::read_to_string(root().join("templates").join(f)).expect("read"),
            "{f}"
        );
    }
    let (ours, theirs) = (tmp.path().join("ours"), tmp.path().join("builtin"));
    let formats = ["--demo", "--format", "md,json,pdf"];
    let (code, _, err) = report(&t, &ours, &formats);
    assert_eq!(code, 0, "{err}");
    let (o, b) = (theirs.display().to_string(), ours.join("2026-W48"));
    let (code, _, err) = rolecall(&["report", "-o", &o, "--demo", "--format", "md,json,pdf"]);
    assert_eq!(code, 0, "{err}");
    for f in ["index.md", "product.md", "program.md", "project.md", "project.pdf", "index.pdf"] {
        let read = |p: &Path| std::fs::read(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
        assert!(read(&b.join(f)) == read(&theirs.join("2026-W48").join(f)), "{f} differs");
    }
    // A second time it refuses, naming the files; --force overwrites.
    std::fs::write(t.join("project.md.hbs"), "edited\n").expect("written");
    let (code, _, err) = rolecall(&["init", "--templates", &shown]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("project.md.hbs") && err.contains("does not overwrite"), "{err}");
    assert_eq!(std::fs::read_to_string(t.join("project.md.hbs")).expect("read"), "edited\n");
    let (code, _, err) = rolecall(&["init", "--templates", &shown, "--force"]);
    assert_eq!(code, 0, "{err}");
    assert!(std::fs::read_to_string(t.join("project.md.hbs")).expect("read").len() > 100);
    // Without DIR: `templates` in --dir.
    let d = tmp.path().join("repo");
    std::fs::create_dir_all(&d).expect("dir");
    let (code, _, err) = rolecall(&["init", "--dir", &d.display().to_string(), "--templates"]);
    assert_eq!(code, 0, "{err}");
    assert!(d.join("templates/partials/verdict.md.hbs").is_file());
    assert!(!d.join("rolecall.toml").exists(), "only the templates");
}

/// `date` shows text that is not a date as it is (a status update's free-form date),
/// as it did; only a value that is not text (a number, a list) is an error.
#[test]
fn date_takes_any_text() {
    let (code, err) = demo_with("{{date meta.week}}");
    assert_eq!(code, 0, "{err}");
}
