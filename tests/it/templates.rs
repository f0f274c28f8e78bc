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
