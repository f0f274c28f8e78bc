//! What the benchmarks share: the generated Jira exports they run on.

use std::path::{Path, PathBuf};
use std::process::Command;

/// `target/bench/jira-<N>k.csv`, made by `../shared/peers/gen_jira_csv.py --rows N --seed 42`
/// on first use (deterministic, so every machine benchmarks the same file).
pub fn generated(rows: usize) -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = root.join(format!("target/bench/jira-{}k.csv", rows / 1000));
    if out.exists() {
        return out;
    }
    std::fs::create_dir_all(out.parent().expect("parent")).expect("bench dir");
    let script = root.join("../shared/peers/gen_jira_csv.py");
    let status = Command::new("python3")
        .arg(&script)
        .args(["--rows", &rows.to_string(), "--seed", "42", "--out"])
        .arg(&out)
        .status()
        .expect("python3 runs the generator");
    assert!(status.success(), "{} failed", script.display());
    out
}
