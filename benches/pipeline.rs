//! `cargo bench --bench pipeline`: the pipeline's stages on a large Jira export, timed
//! in-process (median of several runs), so the numbers in BENCHMARKS.md can be reproduced.
//!
//! Input: `ROLECALL_BENCH_CSV` if set, else `target/bench/jira-100k.csv`, generated with
//! `../shared/peers/gen_jira_csv.py --rows 100000 --seed 42` when missing.
//! `ROLECALL_BENCH_ROWS` changes the row count of a generated file (for scaling runs).
//!
//! At the end, the import side by side with the tools users would otherwise pick (Python's
//! `csv`, pandas and polars `read_csv`, via `benches/peers/csv_peer.py`): each a whole process,
//! in alternating rounds, for wall time and peak RSS. rolecall's process is this binary run
//! again with `ROLECALL_BENCH_CHILD=import` (one import of `ROLECALL_BENCH_CSV`, one line out).
//! Without python3 or a library, the peers are reported as skipped.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use rolecall::classify::Classifier;

#[path = "common/mod.rs"]
mod common;
use common::generated;

// The same allocator as the binary, so the numbers are the product's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
use rolecall::config::Config;
use rolecall::model::Snapshot;
use rolecall::source::{self, jira, table::Table, SourceCtx, SourceSpec};

fn main() {
    // `cargo bench` passes `--bench`; arguments are ignored.
    if std::env::var("ROLECALL_BENCH_CHILD").as_deref() == Ok("import") {
        return child_import();
    }
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
    let (t_read_all, _) = time(runs, || import_file(&shown, &path, &ctx));

    // The default decision: the built-in learned model over the rules' hits.
    let classifier = Classifier::from_config(&config).expect("model");
    let mut snapshot = Snapshot::empty(chrono::DateTime::UNIX_EPOCH);
    snapshot.items = imported.items;
    let (t_classify, classes) = time(runs, || classifier.classify(&snapshot));
    assert_eq!(classes.len(), items);
    let (t_bare, _) = time(runs, || classifier.concerns(&snapshot));
    // The rules alone (`[classify] model = "rules"`) over the same items.
    let mut rules_only = Config::default();
    rules_only.classify.model = "rules".into();
    let rules = Classifier::from_config(&rules_only).expect("rules");
    let (t_rules, classes) = time(runs, || rules.classify(&snapshot));
    assert_eq!(classes.len(), items);

    println!("items: {items}");
    println!("{:<34} {:>10}", "stage (median of 7)", "time");
    for (name, t) in [
        ("decode (bytes → text)", t_decode),
        ("parse CSV (text → records)", t_parse),
        ("normalise (records → items)", t_import),
        ("import total (file → items)", t_read_all),
        ("classify, with reasons", t_classify),
        ("classify, no reasons (reports)", t_bare),
        ("classify, rules alone", t_rules),
    ] {
        println!("{name:<34} {:>8.1} ms", t.as_secs_f64() * 1e3);
    }

    side_by_side(&path, size);
}

/// The "import total" stage: file → items.
fn import_file(shown: &str, path: &Path, ctx: &SourceCtx) -> source::Imported {
    // As `rolecall` reads a `jira:` source: a large file in chunks, in one pass.
    jira::import_file(shown, path, ctx).expect("imports")
}

/// `ROLECALL_BENCH_CHILD=import`: one import of `ROLECALL_BENCH_CSV`, timed as the "import
/// total" stage is; prints `rolecall <ms> <peak_rss_kb> <items>`.
fn child_import() {
    let path = PathBuf::from(std::env::var_os("ROLECALL_BENCH_CSV").expect("ROLECALL_BENCH_CSV"));
    let shown = path.display().to_string();
    let config = Config::default();
    let spec = SourceSpec::parse(&format!("jira:{shown}")).expect("spec");
    let ctx = SourceCtx::new(&spec, &config);
    let (t, imported) = time(1, || import_file(&shown, &path, &ctx));
    let peak = peak_rss_kb().map_or("?".to_string(), |kb| kb.to_string());
    println!("rolecall {:.1} {peak} {}", t.as_secs_f64() * 1e3, imported.items.len());
    // Freed by the exit, as `rolecall` leaves them: freeing 100,000 items one by one
    // took 15-20 ms that no user waits for.
    std::mem::forget(imported);
}

/// This process's peak RSS in kB: `VmHWM` from /proc/self/status (Linux only).
fn peak_rss_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// One whole-process run of a tool: its line `<tool> <ms> <peak_rss_kb> <rows>`, parsed.
struct Sample {
    ms: f64,
    peak_kb: Option<u64>,
    rows: String,
}

/// A tool's runs so far, or why it was not (or could not be) run.
struct Tool {
    name: &'static str,
    samples: Vec<Sample>,
    skipped: Option<String>,
    /// The first line it wrote to stderr (warnings such as pandas' `DtypeWarning`).
    note: Option<String>,
}

/// rolecall's import and its peers, each a whole process, alternating for `ROUNDS` rounds
/// (rolecall, csv, pandas, polars, rolecall, …) so drift on the machine hits all alike;
/// prints median time and peak RSS.
fn side_by_side(path: &Path, size: u64) {
    const ROUNDS: usize = 7;
    let exe = std::env::current_exe().expect("path of the bench binary");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/peers/csv_peer.py");
    let mut tools: Vec<Tool> = ["rolecall", "csv", "pandas", "polars"]
        .into_iter()
        .map(|name| Tool { name, samples: Vec::new(), skipped: None, note: None })
        .collect();
    for _ in 0..ROUNDS {
        for tool in tools.iter_mut().filter(|t| t.skipped.is_none()) {
            let mut cmd = if tool.name == "rolecall" {
                let mut c = Command::new(&exe);
                c.env("ROLECALL_BENCH_CHILD", "import").env("ROLECALL_BENCH_CSV", path);
                c
            } else {
                let mut c = Command::new("python3");
                c.arg(&script).arg(tool.name).arg(path);
                c
            };
            match cmd.output() {
                Ok(out) => record(tool, &out),
                Err(e) if tool.name == "rolecall" => tool.skipped = Some(format!("failed: {e}")),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    tool.skipped = Some("python3 not found".to_string())
                }
                Err(e) => tool.skipped = Some(format!("python3: {e}")),
            }
        }
    }

    println!();
    println!("side by side (whole process each, {ROUNDS} alternating rounds, medians)");
    println!("input: {} ({:.1} MB)", path.display(), size as f64 / 1e6);
    println!(
        "{:<10} {:>10} {:>14} {:>8} {:>12}",
        "tool", "time", "peak RSS", "rows", "vs rolecall"
    );
    let base = match tools[0].samples.as_slice() {
        [] => f64::NAN,
        samples => median(samples.iter().map(|s| s.ms).collect()),
    };
    for tool in &tools {
        if let Some(why) = &tool.skipped {
            println!("{:<10} skipped: {why}", tool.name);
            continue;
        }
        let ms = median(tool.samples.iter().map(|s| s.ms).collect());
        let peak = median_kb(&tool.samples)
            .map_or("?".to_string(), |kb| format!("{:.1} MB", kb as f64 * 1024.0 / 1e6));
        let rows = &tool.samples.last().expect("ran").rows;
        let vs = if base.is_nan() { "-".to_string() } else { format!("{:.2}x", ms / base) };
        println!("{:<10} {ms:>7.1} ms {peak:>14} {rows:>8} {vs:>12}", tool.name);
    }
    if let Some(kb) = median_kb(&tools[0].samples).filter(|_| size > 0) {
        println!("rolecall peak RSS = {:.1}x the input file", kb as f64 * 1024.0 / size as f64);
    }
    for tool in tools.iter().filter(|t| t.note.is_some()) {
        println!("note, {} on stderr: {}", tool.name, tool.note.as_deref().unwrap_or(""));
    }
}

/// Adds a run's sample to `tool`, or marks it skipped (`<tool> skipped <reason>`, a failed
/// run, a line that does not parse).
fn record(tool: &mut Tool, out: &Output) {
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    if tool.note.is_none() {
        tool.note = stderr.lines().find(|l| !l.trim().is_empty()).map(|l| l.trim().to_string());
    }
    let line = stdout.lines().rev().find(|l| l.starts_with(tool.name)).unwrap_or("");
    let fields: Vec<&str> = line.split_whitespace().collect();
    if fields.get(1) == Some(&"skipped") {
        tool.skipped = Some(fields[2..].join(" "));
        return;
    }
    match (out.status.success(), fields.as_slice()) {
        (true, [_, ms, kb, rows]) if ms.parse::<f64>().is_ok() => tool.samples.push(Sample {
            ms: ms.parse().unwrap_or(f64::NAN),
            peak_kb: kb.parse().ok(),
            rows: rows.to_string(),
        }),
        _ => {
            let why = stderr.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or(line);
            tool.skipped = Some(format!("failed ({}): {}", out.status, why.trim()));
        }
    }
}

/// The median of `v` (the upper one of an even count, as `time` takes).
fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// The median peak RSS of `samples` in kB, if every run reported one.
fn median_kb(samples: &[Sample]) -> Option<u64> {
    let mut kb: Vec<u64> = samples.iter().map(|s| s.peak_kb).collect::<Option<_>>()?;
    kb.sort();
    kb.get(kb.len() / 2).copied()
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
