//! `cargo bench --bench pipeline`: the pipeline's stages on a large Jira export, timed
//! in-process (median of several runs), so the numbers in BENCHMARKS.md can be reproduced.
//!
//! Input: `ROLECALL_BENCH_CSV` if set, else `target/bench/jira-100k.csv`, generated with
//! `../shared/peers/gen_jira_csv.py --rows 100000 --seed 42` when missing.
//! `ROLECALL_BENCH_ROWS` changes the row count of a generated file (for scaling runs).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use rolecall::classify::Classifier;

// The same allocator as the binary, so the numbers are the product's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
use rolecall::config::Config;
use rolecall::model::Snapshot;
use rolecall::source::{self, jira, table::Table, SourceCtx, SourceSpec};

fn main() {
    let rows: usize =
        std::env::var("ROLECALL_BENCH_ROWS").ok().and_then(|v| v.parse().ok()).unwrap_or(100_000);
    let path = match std::env::var_os("ROLECALL_BENCH_CSV") {
        Some(p) => PathBuf::from(p),
        None => generated(rows),
    };
    let shown = path.display().to_string();
    let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    println!("input: {shown} ({:.1} MB)", size as f64 / 1e6);

    let config = Config::default();
    let spec = SourceSpec::parse(&format!("jira:{shown}")).expect("spec");
    let ctx = SourceCtx::new(&spec, &config);
    let runs = 7;

    let bytes = std::fs::read(&path).expect("input readable");
    let text = source::table::decode(&shown, bytes.clone()).expect("decodes");
    let (t_decode, _) =
        time(runs, || source::table::decode(&shown, bytes.clone()).expect("decodes"));
    let (t_parse, table) = time(runs, || Table::parse(&shown, &text, false).expect("parses"));
    let (t_import, imported) = time(runs, || jira::import(&table, &ctx).expect("imports"));
    let items = imported.items.len();
    let (t_read_all, _) = time(runs, || {
        let t = Table::read(&shown, &path).expect("reads");
        jira::import(&t, &ctx).expect("imports")
    });

    let classifier = Classifier::from_config(&config).expect("rules");
    let mut snapshot = Snapshot::empty(chrono::DateTime::UNIX_EPOCH);
    snapshot.items = imported.items;
    let (t_classify, classes) = time(runs, || classifier.classify(&snapshot));
    assert_eq!(classes.len(), items);

    println!("items: {items}");
    println!("{:<34} {:>10}", "stage (median of 7)", "time");
    for (name, t) in [
        ("decode (bytes → text)", t_decode),
        ("parse CSV (text → records)", t_parse),
        ("normalise (records → items)", t_import),
        ("import total (file → items)", t_read_all),
        ("classify (items → concerns)", t_classify),
    ] {
        println!("{name:<34} {:>8.1} ms", t.as_secs_f64() * 1e3);
    }
}

/// Runs `f` `runs` times; the median duration and the last result.
fn time<T>(runs: usize, mut f: impl FnMut() -> T) -> (Duration, T) {
    let mut times = Vec::with_capacity(runs);
    let mut last = None;
    for _ in 0..runs {
        let start = Instant::now();
        let out = f();
        times.push(start.elapsed());
        last = Some(out);
    }
    times.sort();
    (times[runs / 2], last.expect("at least one run"))
}

fn generated(rows: usize) -> PathBuf {
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
