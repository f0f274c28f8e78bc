//! The command line as a user meets it: the quick start, output formats, the demo.

use crate::common::{self, golden, root};

/// Runs the binary in the repository root, hermetically: (exit code, stdout, stderr).
fn rolecall(args: &[&str]) -> (i32, String, String) {
    common::run_in(&root(), args, &[])
}

#[test]
fn demo_snapshot_is_generated_from_the_demo_export() {
    let (code, out, err) = rolecall(&[
        "items",
        "-s",
        "jira:fixtures/demo/acme-jira.csv",
        "-s",
        "snapshot:fixtures/demo/acme-github.json",
        "--as-of",
        "2026-11-27",
        "--format",
        "snapshot",
    ]);
    assert_eq!(code, 0, "{err}");
    golden::check_file("fixtures/demo/snapshot.json", &out);
}

#[test]
fn quick_start_items_demo() {
    let (code, out, err) = rolecall(&["items", "--demo"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(err, "", "nothing on stderr at default verbosity");
    golden::TEXT.check([("items-demo.txt", &out)]);
}

#[test]
fn items_json_has_the_contract_fields() {
    let (code, out, _) = rolecall(&["items", "--demo", "--format", "json"]);
    assert_eq!(code, 0);
    let items: serde_json::Value = serde_json::from_str(&out).expect("valid JSON");
    let items = items.as_array().expect("an array of items");
    assert_eq!(items.len(), 81);
    let first = &items[0];
    assert_eq!(first["id"], "jira:ACME-1");
    assert_eq!(first["key"], "ACME-1");
    for field in ["kind", "title", "state", "status", "labels", "links", "milestone", "created"] {
        assert!(first.get(field).is_some(), "items carry `{field}`");
    }
}

#[test]
fn snapshot_round_trips_through_the_snapshot_source() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("snap.json");
    let (code, out, _) =
        rolecall(&["items", "--demo", "--as-of", "2026-11-27", "--format", "snapshot"]);
    assert_eq!(code, 0);
    std::fs::write(&path, &out).expect("written");
    let spec = format!("snapshot:{}", path.display());
    let (code, again, err) =
        rolecall(&["items", "-s", &spec, "--as-of", "2026-11-27", "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    let (_, direct, _) = rolecall(&["items", "--demo", "--format", "json"]);
    assert_eq!(again, direct, "a saved snapshot gives the same items");
}

/// A hand-edited snapshot with an item twice, or without an id, is refused: it was
/// counted twice (a milestone of 2 items read 1/3), or could not be asked for.
#[test]
fn a_snapshot_with_an_id_twice_or_none_is_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (code, out, _) =
        rolecall(&["items", "--demo", "--as-of", "2026-11-27", "--format", "snapshot"]);
    assert_eq!(code, 0);
    let snap: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    let first = snap["items"][0].clone();
    let id = first["id"].as_str().expect("id").to_string();
    for (name, edit, want) in [
        (
            "twice.json",
            Some(first.clone()),
            format!("item 82 has the id `{id}` of item 1 before it: an id may appear once"),
        ),
        ("none.json", None, "item 1 (key `ACME-1`) has no id".to_string()),
    ] {
        let mut s = snap.clone();
        match edit {
            Some(item) => s["items"].as_array_mut().expect("items").push(item),
            None => {
                s["items"][0].as_object_mut().expect("item").remove("id");
            }
        }
        let path = dir.path().join(name);
        std::fs::write(&path, serde_json::to_string(&s).expect("json")).expect("written");
        let spec = format!("snapshot:{}", path.display());
        let (code, _, err) = rolecall(&["items", "-s", &spec]);
        assert_eq!(code, 2, "{err}");
        assert!(err.contains(&want), "{err}");
    }
}

/// `--as-of` a day the configured zone skipped (Samoa had no 30 December 2011) is the
/// instant before the next day began there, not "not a date".
#[test]
fn as_of_a_day_the_zone_skipped() {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = common::write(dir.path(), "rc.toml", "timezone = \"Pacific/Apia\"\n");
    let args = ["-c", &config, "items", "--demo", "--as-of", "2011-12-30", "--format", "snapshot"];
    let (code, out, err) = rolecall(&args);
    assert_eq!(code, 0, "{err}");
    let snap: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(snap["taken_at"], "2011-12-30T09:59:59Z");
}

/// A value of the wrong form in a hand-edited snapshot is named with its field, not only
/// "input is out of range".
#[test]
fn a_snapshot_value_error_names_the_field_and_value() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (code, out, _) =
        rolecall(&["items", "--demo", "--as-of", "2026-11-27", "--format", "snapshot"]);
    assert_eq!(code, 0);
    let mut snap: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    snap["items"][0]["created"] = "2026-02-30T09:00:00Z".into();
    let path = dir.path().join("bad.json");
    std::fs::write(&path, serde_json::to_string_pretty(&snap).expect("json")).expect("written");
    let (code, _, err) = rolecall(&["items", "-s", &format!("snapshot:{}", path.display())]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains(": `created` = \"2026-02-30T09:00:00Z\": input is out of range"), "{err}");
}

#[test]
fn output_is_deterministic() {
    let args = ["items", "--demo", "--as-of", "2026-11-27", "--format", "snapshot"];
    assert_eq!(rolecall(&args).1, rolecall(&args).1);
}

#[test]
fn the_same_item_from_two_sources_is_merged() {
    let (code, out, _) = rolecall(&[
        "items",
        "--demo",
        "-s",
        "jira:fixtures/demo/acme-jira.csv",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0);
    let items: Vec<serde_json::Value> = serde_json::from_str(&out).expect("JSON");
    assert_eq!(items.len(), 81, "no duplicates after merging by id");
}

#[test]
fn verbose_says_what_was_loaded_on_stderr() {
    let (code, out, err) = rolecall(&["-v", "items", "-s", "csv:fixtures/demo/acme-jira.csv"]);
    assert_eq!(code, 0);
    assert!(err.to_lowercase().contains("detected a jira export"), "{err}");
    assert!(err.contains("74 items"), "{err}");
    assert!(out.ends_with("74 items\n"));
}

#[test]
fn usage_errors_exit_2() {
    let (code, _, err) = rolecall(&["items", "--format", "yaml"]);
    assert_eq!(code, 2);
    assert!(err.contains("invalid value 'yaml'"), "{err}");
    let (code, _, _) = rolecall(&["frobnicate"]);
    assert_eq!(code, 2);
}

/// The demo's baseline (2026-W47) is that week's export with that week's milestone dates.
#[test]
fn demo_baseline_is_generated_from_the_w47_export() {
    use rolecall::config::Config;
    use rolecall::model::Snapshot;
    use rolecall::source::{self, SourceSpec};
    let dir = root().join("fixtures/demo");
    let text = std::fs::read_to_string(dir.join("rolecall-w47.toml")).expect("config");
    let config = Config::from_parts("rolecall-w47.toml", &text, &[]).expect("valid");
    let as_of = chrono::DateTime::parse_from_rfc3339("2026-11-22T23:59:59Z").expect("t").to_utc();
    let mut snap = Snapshot::empty(as_of);
    // The sources keep the names they have relative to the repository (they are in the
    // output), but read from absolute paths: changing the process's working directory
    // would race with the tests on other threads.
    let specs =
        ["jira:fixtures/demo/acme-jira-w47.csv", "snapshot:fixtures/demo/acme-github-w47.json"]
            .map(|raw| {
                let mut spec = SourceSpec::parse(raw).expect("spec");
                spec.target = root().join(&spec.target).to_string_lossy().into_owned();
                spec
            });
    source::load_all(&mut snap, &specs, &config).expect("loads");
    rolecall::report::apply_milestone_config(&mut snap, &config);
    let json = rolecall::render::json::to_json(&snap).expect("JSON");
    golden::check_file("fixtures/demo/baseline.json", &json);
}

/// `rolecall classify --format json | head -c 0`: the reader is gone before rolecall
/// writes (it takes milliseconds to load the demo), and rolecall stops quietly (exit 0,
/// nothing on stderr) instead of reporting a broken pipe.
#[test]
fn a_reader_that_stops_early_is_not_an_error() {
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_rolecall"))
        .args(["classify", "--demo", "--format", "json"])
        .current_dir(root())
        .env_remove("ROLECALL_CONFIG")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the rolecall binary runs");
    drop(child.stdout.take());
    let out = child.wait_with_output().expect("rolecall ends");
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
    assert!(out.status.success(), "{:?}", out.status);
}

/// The environment of a CI runner or a shell: a value not in UTF-8 that is not rolecall's
/// changes nothing, one that is rolecall's is an error naming it, and an empty
/// `ROLECALL_CONFIG`, `ROLECALL_OUT` or `ROLECALL_TIMEZONE` (a workflow's
/// `${{ vars.X }}` with the variable not defined) is as if unset.
#[cfg(unix)]
#[test]
fn environment_values_not_in_utf8_or_empty() {
    use std::os::unix::ffi::OsStrExt;
    let latin1 = std::ffi::OsStr::from_bytes(b"caf\xe9");
    let dir = tempfile::tempdir().expect("temp dir");
    let run = |env: &[(&str, &std::ffi::OsStr)], args: &[&str]| {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_rolecall"));
        cmd.args(args).current_dir(dir.path()).env("NO_COLOR", "1");
        for (key, _) in std::env::vars_os() {
            if key.to_string_lossy().starts_with("ROLECALL_") {
                cmd.env_remove(&key);
            }
        }
        for (k, v) in env {
            cmd.env(k, v);
        }
        let out = cmd.output().expect("runs");
        (out.status.code(), String::from_utf8_lossy(&out.stderr).into_owned())
    };
    let (code, err) = run(&[("SOME_SHELL_VAR", latin1)], &["items", "--demo"]);
    assert_eq!(code, Some(0), "{err}");
    let (code, err) = run(&[("ROLECALL_TIMEZONE", latin1)], &["items", "--demo"]);
    assert_eq!(code, Some(2), "{err}");
    assert_eq!(
        err.trim_end(),
        "error: environment variable ROLECALL_TIMEZONE: not UTF-8: write its value in UTF-8"
    );
    // A path in ROLECALL_OUT is any bytes, as `-o` is.
    let (code, err) = run(
        &[("ROLECALL_OUT", std::ffi::OsStr::from_bytes(b"o\xe9"))],
        &["report", "--demo", "-q"],
    );
    assert_eq!(code, Some(0), "{err}");
    let empty = std::ffi::OsStr::new("");
    let env = [("ROLECALL_CONFIG", empty), ("ROLECALL_OUT", empty), ("ROLECALL_TIMEZONE", empty)];
    let (code, err) = run(&env, &["report", "--demo", "-q"]);
    assert_eq!(code, Some(0), "{err}");
    assert!(dir.path().join("reports/2026-W48/index.md").is_file(), "written where -o defaults");
}

/// One file given twice with `-s`, however written, is read once, with a warning: it was
/// listed twice in the snapshot's (and every report's) sources.
#[test]
fn the_same_file_given_twice_with_s_is_read_once() {
    let j = "jira:fixtures/demo/acme-jira.csv";
    for (other, said) in [
        (j, "-s jira:fixtures/demo/acme-jira.csv reads the same file as -s jira:fixtures/demo/acme-jira.csv: read once\n"),
        ("csv:./fixtures/demo/acme-jira.csv", "-s csv:./fixtures/demo/acme-jira.csv reads the same file as -s jira:fixtures/demo/acme-jira.csv: read once, as the first\n"),
    ] {
        let (code, out, err) = rolecall(&["items", "--format", "snapshot", "-s", j, "-s", other]);
        assert_eq!(code, 0, "{err}");
        assert!(err.contains(said), "{err}");
        let snapshot: serde_json::Value = serde_json::from_str(&out).expect("json");
        let sources = snapshot["sources"].as_array().expect("sources");
        assert_eq!(sources.len(), 1, "{sources:?}");
    }
}
