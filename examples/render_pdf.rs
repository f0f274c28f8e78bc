//! Render a Markdown file to PDF with rolecall's PDF renderer:
//!
//! ```sh
//! cargo run --release --example render_pdf -- report.md report.pdf \
//!     [--letter] [--title T] [--subtitle S] [--as-of 2026-11-27] [--font NotoSansCJK.ttc]...
//! ```
//!
//! Used by the benchmark (whole process, like the peers) and the cross-process
//! determinism test.

use std::path::PathBuf;
use std::process::ExitCode;

use rolecall::render::pdf::{render, PageSize, PdfOptions};

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let mut paths = Vec::new();
    let mut opts = PdfOptions {
        title: "Report".into(),
        as_of: "2026-11-27T17:00:00Z".parse().expect("a valid instant"),
        ..PdfOptions::default()
    };
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().unwrap_or_else(|| panic!("{name} needs a value"));
        match arg.as_str() {
            "--letter" => opts.page = PageSize::Letter,
            "--title" => opts.title = value("--title"),
            "--subtitle" => opts.subtitle = value("--subtitle"),
            "--font" => opts.fallback_fonts.push(PathBuf::from(value("--font"))),
            "--as-of" => {
                let v = value("--as-of");
                let day = chrono::NaiveDate::parse_from_str(&v, "%Y-%m-%d").expect("YYYY-MM-DD");
                opts.as_of = day.and_hms_opt(23, 59, 59).expect("a time").and_utc();
            }
            _ => paths.push(arg),
        }
    }
    let [input, output] = paths.as_slice() else {
        eprintln!("usage: render_pdf INPUT.md OUTPUT.pdf [--letter] [--title T] [--subtitle S] [--as-of DATE] [--font FILE]...");
        return ExitCode::from(2);
    };
    let markdown = match std::fs::read_to_string(input) {
        Ok(m) => m,
        Err(e) => {
            eprintln!("error: {input}: {e}");
            return ExitCode::from(2);
        }
    };
    match render(&markdown, &opts) {
        Ok(pdf) => {
            if let Err(e) = std::fs::write(output, &pdf.bytes) {
                eprintln!("error: {output}: {e}");
                return ExitCode::from(1);
            }
            eprintln!(
                "{output}: {} page(s), {} bytes, {} missing glyph(s)",
                pdf.pages,
                pdf.bytes.len(),
                pdf.missing_glyphs
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(e.exit_code() as u8)
        }
    }
}
