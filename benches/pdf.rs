//! `cargo bench --bench pdf`: the PDF renderer, in process and as a whole process side by
//! side with the peers of `../shared/peers/README.md` (typst, wkhtmltopdf) when they are
//! installed, alternating runs, medians. The numbers go into BENCHMARKS.md.
//!
//! Inputs: `fixtures/pdf/report-3pages.md` (the peers' 3-page report) and a generated
//! 20-page report with a 500-row table (`target/bench/report-20pages.md`).
//!
//! `ROLECALL_BENCH_RUNS` sets the number of runs (default 21). The bench binary is its own
//! command-line renderer: `pdf --render IN.md OUT.pdf` renders once and exits, which is
//! what the whole-process timings run.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use rolecall::render::pdf::{render, PdfOptions};

fn options() -> PdfOptions {
    PdfOptions {
        title: "Weekly status report".into(),
        subtitle: "report-forge · 2025-W23".into(),
        as_of: "2025-06-08T17:00:00Z".parse().expect("an instant"),
        ..PdfOptions::default()
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| a != "--bench").collect();
    if let [flag, input, output] = args.as_slice() {
        if flag == "--render" {
            let markdown = std::fs::read_to_string(input).expect("input readable");
            let pdf = render(&markdown, &options()).expect("renders");
            std::fs::write(output, pdf.bytes).expect("output writable");
            return;
        }
    }
    let runs: usize =
        std::env::var("ROLECALL_BENCH_RUNS").ok().and_then(|v| v.parse().ok()).unwrap_or(21);
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = root.join("target/bench");
    std::fs::create_dir_all(&dir).expect("target/bench");
    let three = root.join("fixtures/pdf/report-3pages.md");
    let twenty = dir.join("report-20pages.md");
    std::fs::write(&twenty, twenty_pages()).expect("writes the 20-page report");

    println!("machine: {} cores, {}", cores(), cpu_model());
    for input in [&three, &twenty] {
        let markdown = std::fs::read_to_string(input).expect("input readable");
        let (t, pdf) = time(runs, || render(&markdown, &options()).expect("renders"));
        println!(
            "\n{}: {} pages, {:.1} KB, {} missing glyphs; in process: median {}",
            input.file_name().and_then(|n| n.to_str()).unwrap_or("?"),
            pdf.pages,
            pdf.bytes.len() as f64 / 1000.0,
            pdf.missing_glyphs,
            ms(t)
        );
        whole_process(input, &dir, runs);
    }
}

/// One render per process, rolecall alternating with each installed peer.
fn whole_process(input: &Path, dir: &Path, runs: usize) {
    let me = std::env::current_exe().expect("own path");
    let out = dir.join("rolecall.pdf");
    let mut contenders: Vec<(String, Command, PathBuf)> = Vec::new();
    let mut ours = Command::new(&me);
    ours.arg("--render").arg(input).arg(&out);
    contenders.push(("rolecall (this bench binary, --render)".into(), ours, out));

    // The peers start from what pandoc makes of the Markdown, made once, untimed. The typst
    // writer needs pandoc ≥ 3.1 (Debian 12 has 2.17; `pip install pypandoc-binary` has 3.x).
    let html = dir.join("peer.html");
    let typ = dir.join("peer.typ");
    let pandocs = ["pandoc".to_string()].into_iter().chain(pip_pandoc());
    let pandocs: Vec<String> =
        std::env::var("ROLECALL_BENCH_PANDOC").into_iter().chain(pandocs).collect();
    let from = ["-f", "markdown-citations", "-s", "-o"];
    if pandocs.iter().any(|p| run(Command::new(p).args(from).arg(&html).arg(input)))
        && which("wkhtmltopdf")
    {
        let pdf = dir.join("wkhtmltopdf.pdf");
        let mut wk = Command::new("wkhtmltopdf");
        wk.args(["--enable-local-file-access", "-q", "-s", "A4", "--javascript-delay", "0"])
            .arg(&html)
            .arg(&pdf);
        contenders.push(("wkhtmltopdf --javascript-delay 0 (HTML from pandoc)".into(), wk, pdf));
    }
    let to_typst =
        |p: &String| run(Command::new(p).args(["-t", "typst"]).args(from).arg(&typ).arg(input));
    if pandocs.iter().any(to_typst) && run(Command::new("python3").args(["-c", "import typst"])) {
        let pdf = dir.join("typst.pdf");
        let script = format!("import typst; typst.compile({typ:?}, output={pdf:?})");
        let mut py = Command::new("python3");
        py.args(["-c", &script]);
        contenders.push(("typst (python package; .typ from pandoc)".into(), py, pdf));
    }

    let mut times: Vec<Vec<Duration>> = vec![Vec::new(); contenders.len()];
    for _ in 0..runs {
        for (i, (_, cmd, _)) in contenders.iter_mut().enumerate() {
            let start = Instant::now();
            let ok =
                cmd.stdout(Stdio::null()).stderr(Stdio::null()).status().is_ok_and(|s| s.success());
            times[i].push(start.elapsed());
            assert!(ok || i > 0, "rolecall --render failed");
        }
    }
    let ours = median(&mut times[0]);
    for (i, (name, _, pdf)) in contenders.iter().enumerate() {
        let t = median(&mut times[i]);
        let size = std::fs::metadata(pdf).map_or(0.0, |m| m.len() as f64 / 1000.0);
        let ratio = t.as_secs_f64() / ours.as_secs_f64();
        println!(
            "  whole process, median of {runs}: {:>9} {size:>6.1} KB  {ratio:>5.1}x  {name}",
            ms(t)
        );
    }
}

/// A 20-page report: the sections rolecall writes, and a 500-row table.
fn twenty_pages() -> String {
    let mut md = String::from("# Program report — Acme Analytics, 2026-W48\n\n");
    md.push_str("**Overall status:** 🟠 Amber · data as of 2026-11-27\n\n## Summary\n\n");
    for i in 0..6 {
        md.push_str(&format!(
            "Stream {i} closed **{}** items and opened {} this week; the milestone forecast moved \
             by {} days. See [the board](https://acme.example/board/{i}).\n\n",
            10 + i,
            3 + i,
            i % 3
        ));
    }
    md.push_str(
        "## All open items\n\n| Key | Title | Team | Status | Due |\n|---|---|---|---|---|\n",
    );
    let status = ["🟢 Green", "🟠 Amber", "🔴 Red"];
    for i in 0..500 {
        md.push_str(&format!(
            "| [ACME-{n}](https://acme.atlassian.net/browse/ACME-{n}) | {} item {i}: {} | team-{} | {} | 2026-12-{:02} |\n",
            ["Fix", "Add", "Remove", "Document"][i % 4],
            ["export retries", "checkout flow for guests with saved cards", "audit log", "onboarding"][i % 4],
            i % 5,
            status[i % 3],
            1 + i % 28,
            n = 1000 + i
        ));
    }
    md.push_str("\n## Stream details\n\n");
    for s in 0..14 {
        let name = ["checkout", "export", "mobile", "platform"][s % 4];
        md.push_str(&format!(
            "### Stream {s}: {name}\n\nThe stream delivered *{}* of its {} planned items; the \
             milestone forecast is `2026-12-{:02}`. Risks are tracked in \
             [the register](https://acme.example/risks/{s}).\n\n",
            20 + s,
            30 + s,
            10 + s
        ));
        for b in 0..5 {
            md.push_str(&format!("- Item {b}: **owner** team-{}, due in {} days\n", b % 3, 2 + b));
        }
        md.push_str("\n| Week | Done | Added | Forecast |\n|---|--:|--:|---|\n");
        for w in 40..48 {
            let (done, added, day) = (w - 38 + s, (w + s) % 4, 10 + (w + s) % 9);
            md.push_str(&format!("| 2026-W{w} | {done} | {added} | 2026-12-{day:02} |\n"));
        }
        md.push('\n');
    }
    md.push_str("## Notes\n\n- Numbers come from the Jira export.\n- Questions → #release-eng.\n");
    md
}

fn time<T>(runs: usize, mut f: impl FnMut() -> T) -> (Duration, T) {
    let mut out = f();
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        let start = Instant::now();
        out = f();
        times.push(start.elapsed());
    }
    (median(&mut times), out)
}

fn median(times: &mut [Duration]) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

fn run(cmd: &mut Command) -> bool {
    cmd.stdout(Stdio::null()).stderr(Stdio::null()).status().is_ok_and(|s| s.success())
}

/// The pandoc that `pip install pypandoc-binary` brings, if any.
fn pip_pandoc() -> Option<String> {
    let out = Command::new("python3")
        .args(["-c", "import pypandoc; print(pypandoc.get_pandoc_path())"])
        .stderr(Stdio::null())
        .output()
        .ok()?;
    let path = String::from_utf8(out.stdout).ok()?.trim().to_string();
    (out.status.success() && !path.is_empty()).then_some(path)
}

fn which(program: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|paths| std::env::split_paths(&paths).any(|p| p.join(program).is_file()))
}

fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("model name")).map(|l| l.to_string()))
        .and_then(|l| l.split(':').nth(1).map(|m| m.trim().to_string()))
        .unwrap_or_else(|| "unknown CPU".into())
}
