//! What the integration tests share: running the `rolecall` binary (here), a fake GitHub
//! ([`fake`]) and its recorded traffic ([`cassette`]), golden files ([`golden`]), a re-run
//! of this test binary as a child process ([`child`]) and a random generator ([`rng`]).
//!
//! Every run is hermetic: `ROLECALL_CONFIG` and every other `ROLECALL_*` variable of the
//! test process are removed (only the ones a test passes are set), and the working
//! directory is a fresh empty temp dir unless a test gives one, so no `rolecall.toml`
//! lying around changes the result. Fixture paths are therefore passed as absolute paths
//! (see [`fixture`]); tests that care about a relative path copy the file into their dir.

pub mod cassette;
pub mod child;
pub mod fake;
pub mod golden;
pub mod rng;
pub mod smtp;

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `rel` in `../shared/samples/` beside the repository (real exports and recordings that
/// are not part of it), when it is there; else says on stderr that the test is skipped.
pub fn sample(rel: &str) -> Option<PathBuf> {
    let path = root().join("../shared/samples").join(rel);
    if path.exists() {
        Some(path)
    } else {
        eprintln!("skipped: {} is absent", path.display());
        None
    }
}

/// The absolute path of `fixtures/<rel>`, as a string to put on a command line.
pub fn fixture(rel: &str) -> String {
    let path = root().join("fixtures").join(rel);
    assert!(path.exists(), "missing fixture {}", path.display());
    path.to_string_lossy().into_owned()
}

/// The output folder's lock as a run of this process would write it, for a test that
/// stands for a run in progress: its pid and, where `/proc` says it, its start time (a
/// pid-only lock holds only while a rolecall has that pid; this test binary is none).
pub fn lock_of_this_process() -> String {
    let pid = std::process::id();
    match own_start_time() {
        Some(start) => format!("{pid} {start}\n"),
        None => format!("{pid}\n"),
    }
}

/// This process's start time, as `/proc/self/stat` says (field 22), where there is one.
pub fn own_start_time() -> Option<u64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    stat[stat.rfind(')')? + 1..].split_whitespace().nth(19)?.parse().ok()
}

/// Runs `rolecall ARGS` in a fresh empty directory: (exit code, stdout, stderr).
pub fn run(args: &[&str]) -> (i32, String, String) {
    let dir = tempfile::tempdir().expect("temp dir");
    run_in(dir.path(), args, &[])
}

/// Runs `rolecall ARGS` in `dir` with the extra environment `env`.
pub fn run_in(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> (i32, String, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_rolecall"));
    cmd.args(args).current_dir(dir).env_remove("ROLECALL_CONFIG");
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("ROLECALL_") {
            cmd.env_remove(&key);
        }
    }
    cmd.env_remove("RUST_LOG").env("NO_COLOR", "1");
    for (key, value) in env {
        cmd.env(key, value);
    }
    let out = cmd.output().expect("the rolecall binary runs");
    let code =
        out.status.code().unwrap_or_else(|| panic!("rolecall {args:?} was killed by a signal"));
    (
        code,
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Runs `rolecall items --format json ARGS` in `dir`, which must succeed, and returns the
/// items.
pub fn items_in(dir: &Path, args: &[&str]) -> Vec<Value> {
    let mut all = vec!["items", "--format", "json"];
    all.extend_from_slice(args);
    let (code, stdout, stderr) = run_in(dir, &all, &[]);
    assert_eq!(code, 0, "rolecall {all:?} failed:\n{stderr}");
    match serde_json::from_str(&stdout) {
        Ok(Value::Array(items)) => items,
        other => panic!("rolecall {all:?}: stdout is not a JSON array: {other:?}\n{stdout}"),
    }
}

/// [`items_in`] in a fresh empty directory.
pub fn items(args: &[&str]) -> Vec<Value> {
    let dir = tempfile::tempdir().expect("temp dir");
    items_in(dir.path(), args)
}

/// The item with `key`; panics listing the keys there are when it is missing.
pub fn item<'a>(items: &'a [Value], key: &str) -> &'a Value {
    items.iter().find(|i| i["key"] == key).unwrap_or_else(|| {
        let keys: Vec<&str> = items.iter().filter_map(|i| i["key"].as_str()).collect();
        panic!("no item {key}; items: {keys:?}")
    })
}

/// A JSON array of strings as a `Vec<&str>` (an empty one for `null`).
pub fn strings(v: &Value) -> Vec<&str> {
    match v {
        Value::Null => Vec::new(),
        Value::Array(a) => {
            a.iter().map(|s| s.as_str().unwrap_or_else(|| panic!("not a string: {s}"))).collect()
        }
        other => panic!("not a list: {other}"),
    }
}

/// Writes `text` to `dir/name` and returns the path as a string.
pub fn write(dir: &Path, name: &str, text: impl AsRef<[u8]>) -> String {
    let path = dir.join(name);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).expect("create dirs");
    }
    std::fs::write(&path, text).expect("write file");
    path.to_string_lossy().into_owned()
}
