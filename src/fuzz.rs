//! A seeded mutation fuzzer over every parser and renderer that takes user data, with
//! properties, not only "no panic". A few hundred rounds per target run with every
//! `cargo test`; the long runs are
//!
//! ```sh
//! ROLECALL_FUZZ_ROUNDS=1000000 cargo test --release --lib fuzz -- --ignored --nocapture
//! ```
//!
//! (`ROLECALL_FUZZ_SEED` picks another seed). A failing input is printed with its seed and
//! round, to become a regression test.

use std::path::Path;

use crate::config::Config;
use crate::source::{table::Table, SourceCtx, SourceSpec};

/// xorshift64*: deterministic, no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Bytes that break CSV and text handling more often than random ones do.
const NASTY: &[&[u8]] = &[
    b"\"",
    b",",
    b"\n",
    b"\r\n",
    b"\r",
    b"\t",
    b"\"\"",
    b"\xEF\xBB\xBF",
    b"\xC3",
    b"\xE9",
    b"\xFF",
    b"\0",
    b"/",
    b"Feb",
    b"32",
    b"-1",
    b"9999999999",
    b"\xE2\x80\xAE",
    b"|",
    b"[x](",
    b"javascript:",
    b"<script>",
    b"**",
    b"`",
    b"\\",
    b"{{",
    b"}}",
    b"#",
    b"\n\n## ",
];

/// One mutation of `input`: bit flips, inserted nasties, deleted or repeated spans,
/// truncation.
fn mutate(rng: &mut Rng, input: &[u8]) -> Vec<u8> {
    let mut v = input.to_vec();
    for _ in 0..1 + rng.below(4) {
        let at = rng.below(v.len() + 1);
        match rng.below(6) {
            0 if !v.is_empty() => {
                let i = rng.below(v.len());
                v[i] ^= 1 << rng.below(8);
            }
            1 => {
                let nasty = NASTY[rng.below(NASTY.len())];
                v.splice(at..at, nasty.iter().copied());
            }
            2 if at < v.len() => {
                let end = (at + 1 + rng.below(40)).min(v.len());
                v.drain(at..end);
            }
            3 if at < v.len() => {
                let end = (at + 1 + rng.below(200)).min(v.len());
                let span = v[at..end].to_vec();
                v.splice(at..at, span);
            }
            4 => v.truncate(at),
            _ => {
                let byte = rng.next() as u8;
                v.insert(at.min(v.len()), byte);
            }
        }
    }
    v
}

fn rounds(default: usize) -> usize {
    std::env::var("ROLECALL_FUZZ_ROUNDS").ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn seed() -> u64 {
    std::env::var("ROLECALL_FUZZ_SEED").ok().and_then(|v| v.parse().ok()).unwrap_or(0x00C0_FFEE)
}

fn fixture(rel: &str) -> Vec<u8> {
    std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures").join(rel))
        .expect("a fixture")
}

/// An importer of a table.
type Import = fn(&Table, &SourceCtx) -> crate::error::Result<crate::source::Imported>;

/// Every importer over mutated exports: an import either gives items or an error that
/// names the file; it never panics.
fn importers(rounds: usize) {
    let config = Config::default();
    let seeds: &[(&str, &str, Import)] = &[
        ("jira", "jira/cloud-all-fields.csv", crate::source::jira::import),
        ("jira", "jira/cloud-es.csv", crate::source::jira::import),
        ("jira", "jira/excel-resave.csv", crate::source::jira::import),
        ("linear", "linear/export-2025.csv", crate::source::linear::import),
        ("asana", "asana/project-2024.csv", crate::source::asana::import),
        (
            "github-projects",
            "github-projects/roadmap-view.tsv",
            crate::source::github_projects::import,
        ),
    ];
    let mut rng = Rng(seed());
    for round in 0..rounds {
        let (kind, file, import) = seeds[round % seeds.len()];
        let bytes = mutate(&mut rng, &fixture(file));
        let shown = format!("fuzz-{round}.csv");
        let spec = SourceSpec::parse(&format!("{kind}:{shown}")).expect("spec");
        let ctx = SourceCtx::new(&spec, &config);
        let attempt = std::panic::catch_unwind(|| {
            crate::source::table::decode(&shown, bytes.clone())
                .and_then(|text| Table::parse(&shown, &text, file.ends_with(".tsv")))
                .and_then(|t| import(&t, &ctx))
        });
        let Ok(outcome) = attempt else {
            panic!(
                "seed {} round {round} ({file}): a panic on this input: {:?}",
                seed(),
                String::from_utf8_lossy(&bytes)
            );
        };
        if let Err(e) = outcome {
            let text = e.to_string();
            assert!(
                text.starts_with(&shown),
                "seed {} round {round} ({file}): an error without its file: {text}\ninput: {:?}",
                seed(),
                String::from_utf8_lossy(&bytes)
            );
        }
    }
}

/// Dates: any text parses or fails, never panics; what parses is a real calendar date.
fn dates(rounds: usize) {
    let samples = [
        "15/Feb/26 4:37 PM",
        "2024-05-14T08:53:33Z",
        "04/ago/26",
        "16/02/2017 15:26",
        "Tue May 14 2024 08:53:33 GMT+0000 (GMT)",
        "07 May 2024",
        "19/févr./26 9:00 AM",
    ];
    let mut rng = Rng(seed() ^ 1);
    for round in 0..rounds {
        let base = samples[round % samples.len()].as_bytes();
        let text = String::from_utf8_lossy(&mutate(&mut rng, base)).into_owned();
        for order in [None, Some(crate::dates::DateOrder::DayFirst)] {
            if let Ok(p) = crate::dates::parse(&text, order) {
                let d = p.date();
                assert!(d.to_string().len() >= 10, "round {round}: {text:?} gave {d}");
            }
        }
    }
}

/// rolecall.toml: any text loads or fails with a location in the file.
fn configs(rounds: usize) {
    let base = br#"timezone = "Europe/Berlin"
[report]
roles = ["product", "program"]
formats = ["md", "pdf"]
[report.thresholds]
due-soon-days = 14
[[team]]
name = "Web"
repos = ["acme/web*"]
[[classify.rule]]
name = "ux"
concern = "product"
title = "(?i)\\bux\\b"
"#;
    let mut rng = Rng(seed() ^ 2);
    for round in 0..rounds {
        let text = String::from_utf8_lossy(&mutate(&mut rng, base)).into_owned();
        if let Err(e) = Config::from_parts("rolecall.toml", &text, &[]) {
            let e = e.to_string();
            assert!(e.starts_with("rolecall.toml"), "round {round}: {e}\n{text}");
        }
    }
}

/// Markdown escaping: whatever a title holds, it renders as text — no tag, no link, no
/// image — and stays on one line (so it cannot break a table).
fn escaping(rounds: usize) {
    let base = b"Fix [login](javascript:alert(1)) <img src=x> **now** | a | b @ops@acme.test www.evil.test https://evil.test \xE2\x80\xAE`x`";
    let mut rng = Rng(seed() ^ 3);
    for round in 0..rounds {
        let text = String::from_utf8_lossy(&mutate(&mut rng, base)).into_owned();
        let md = crate::render::markdown::escape(&text);
        assert!(!md.contains('\n'), "round {round}: a newline in {md:?}");
        let mut html = String::new();
        pulldown_cmark::html::push_html(&mut html, pulldown_cmark::Parser::new(&format!("- {md}")));
        for bad in ["<a ", "<img", "<script", "<em>", "<strong>", "<code>"] {
            assert!(!html.contains(bad), "round {round}: {bad} from {text:?}: {html}");
        }
    }
}

/// Markdown to PDF: random reports lay out, load back, and keep their words.
fn pdfs(rounds: usize) {
    let base = b"# Program report\n\n**Red** - 2 of 3 on track\n\n| Item | Team |\n|---|---|\n| ACME-1 Gateway | Platform |\n\n- one\n- two `code` [link](https://x.test)\n\n> quote\n";
    let mut rng = Rng(seed() ^ 4);
    let opts = crate::render::pdf::PdfOptions::default();
    for round in 0..rounds {
        let md = String::from_utf8_lossy(&mutate(&mut rng, base)).into_owned();
        let pdf = crate::render::pdf::render(&md, &opts)
            .unwrap_or_else(|e| panic!("round {round}: {e}\n{md}"));
        let doc = lopdf::Document::load_mem(&pdf.bytes)
            .unwrap_or_else(|e| panic!("round {round}: the PDF does not load: {e}\n{md}"));
        assert_eq!(doc.get_pages().len(), pdf.pages, "round {round}");
        let pages: Vec<u32> = doc.get_pages().keys().copied().collect();
        let text: String = doc
            .extract_text(&pages)
            .unwrap_or_else(|e| panic!("round {round}: no text extracts: {e}\n{md}"))
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        for word in words(&md) {
            assert!(text.contains(&word), "round {round}: {word:?} is not in the PDF\n{md}");
        }
    }
}

/// The words a reader sees in a Markdown text: ASCII letters and digits of its text and
/// code spans, outside images (which a PDF shows by their link) and code blocks.
fn words(md: &str) -> Vec<String> {
    use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_GFM;
    let (mut hidden, mut words) = (0usize, Vec::new());
    for event in Parser::new_ext(md, options) {
        match event {
            Event::Start(Tag::Image { .. } | Tag::CodeBlock(_)) => hidden += 1,
            Event::End(TagEnd::Image | TagEnd::CodeBlock) => hidden = hidden.saturating_sub(1),
            Event::Text(t) | Event::Code(t) if hidden == 0 => words.extend(
                t.split(|c: char| !c.is_ascii_alphanumeric())
                    .filter(|w| w.len() >= 2)
                    .map(str::to_string),
            ),
            _ => {}
        }
    }
    words
}

#[test]
fn mutated_inputs_keep_their_promises() {
    importers(rounds(300));
    dates(rounds(300));
    configs(rounds(300));
    escaping(rounds(300));
    pdfs(rounds(30));
}

/// The long runs, one target at a time: `ROLECALL_FUZZ_TARGET=importers` (or dates,
/// configs, escaping, pdfs; all by default).
#[test]
#[ignore]
fn fuzz_long() {
    let target = std::env::var("ROLECALL_FUZZ_TARGET").unwrap_or_default();
    let n = rounds(100_000);
    let started = std::time::Instant::now();
    let run = |name: &str, f: fn(usize), n: usize| {
        if target.is_empty() || target == name {
            let t = std::time::Instant::now();
            f(n);
            println!("{name}: {n} rounds in {:.1} s", t.elapsed().as_secs_f64());
        }
    };
    run("importers", importers, n);
    run("dates", dates, n);
    run("configs", configs, n);
    run("escaping", escaping, n);
    run("pdfs", pdfs, n / 100);
    println!("all: {:.1} s", started.elapsed().as_secs_f64());
}
