//! `cargo bench --bench report`: the whole `rolecall report` command on generated Jira
//! exports of 1k, 10k, 100k and 1M items — three roles in Markdown and JSON plus the
//! week's snapshot — timed as a user runs it (a fresh process each time, release build),
//! with peak memory from the command's own `-vv` line. Two weeks each: the first has no
//! baseline; the second reads the first's snapshot, as every later week does.
//!
//! `ROLECALL_BENCH_SIZES=1000,10000` picks the sizes; `ROLECALL_BENCH_RUNS` the runs per
//! size (median; default 3, and 1 for a million).

use std::path::Path;
use std::process::Command;
use std::time::Instant;

#[path = "common/mod.rs"]
mod common;

fn main() {
    let sizes: Vec<usize> = std::env::var("ROLECALL_BENCH_SIZES")
        .unwrap_or_else(|_| "1000,10000,100000,1000000".into())
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    let runs: Option<usize> =
        std::env::var("ROLECALL_BENCH_RUNS").ok().and_then(|v| v.parse().ok());
    let exe = env!("CARGO_BIN_EXE_rolecall");
    println!(
        "{:>9} {:>9} | {:>10} {:>9} | {:>12} {:>9} | {:>12}",
        "items", "file", "first week", "peak", "with baseline", "peak", "per 1k items"
    );
    for rows in sizes {
        let csv = common::generated(rows);
        let size = std::fs::metadata(&csv).map_or(0, |m| m.len());
        let runs = runs.unwrap_or(if rows >= 1_000_000 { 1 } else { 3 });
        let (mut first, mut second) = (Vec::new(), Vec::new());
        for _ in 0..runs {
            let out = tempfile_dir();
            first.push(report(exe, &csv, &out, "2026-11-20"));
            second.push(report(exe, &csv, &out, "2026-11-27"));
            let _ = std::fs::remove_dir_all(&out);
        }
        let (t1, m1) = median(&mut first);
        let (t2, m2) = median(&mut second);
        println!(
            "{rows:>9} {:>6.1} MB | {:>7.0} ms {:>6} MB | {:>9.0} ms {:>6} MB | {:>9.2} ms",
            size as f64 / 1e6,
            t1,
            m1,
            t2,
            m2,
            t2 / (rows as f64 / 1000.0)
        );
    }
}

/// One `rolecall -vv report` of `csv` for the week of `as_of` into `out`: (ms, peak MB).
fn report(exe: &str, csv: &Path, out: &Path, as_of: &str) -> (f64, u64) {
    let mut cmd = Command::new(exe);
    // rolecall reads ROLECALL_* as config overrides: not the bench's own settings.
    for (k, _) in std::env::vars_os() {
        if k.to_string_lossy().starts_with("ROLECALL_") {
            cmd.env_remove(k);
        }
    }
    let start = Instant::now();
    let output = cmd
        .args(["-vv", "report", "--as-of", as_of, "-o"])
        .arg(out)
        .arg("-s")
        .arg(format!("jira:{}", csv.display()))
        .env("NO_COLOR", "1")
        .output()
        .expect("rolecall runs");
    let ms = start.elapsed().as_secs_f64() * 1e3;
    let err = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "rolecall failed: {err}");
    let peak = err
        .lines()
        .find_map(|l| l.split("peak memory: ").nth(1))
        .and_then(|v| v.trim_end_matches(" MB").trim().parse().ok())
        .unwrap_or(0);
    (ms, peak)
}

/// The median run by time, with its peak memory.
fn median(samples: &mut [(f64, u64)]) -> (f64, u64) {
    samples.sort_by(|a, b| a.0.total_cmp(&b.0));
    samples[samples.len() / 2]
}

fn tempfile_dir() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("rolecall-bench-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}
