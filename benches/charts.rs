//! `cargo bench --bench charts`: what the charts of the demo's reports cost to draw in
//! the PDF. Every Mermaid block of `reports/2026-W48/*.md` (the committed demo week) goes
//! into one document, rendered with and without them; the difference is the charts'
//! time and bytes. Median of 21 runs.

use std::time::Instant;

use rolecall::render::pdf::{render, PdfOptions};

fn main() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("reports/2026-W48");
    let mut charts = Vec::new();
    for name in ["index.md", "product.md", "program.md", "project.md"] {
        let text = std::fs::read_to_string(dir.join(name)).expect("the demo week");
        let mut rest = text.as_str();
        while let Some(start) = rest.find("```mermaid\n") {
            let body = &rest[start..];
            let end = body[11..].find("```").map(|e| e + 11 + 3).unwrap_or(body.len());
            charts.push(body[..end].to_string());
            rest = &body[end..];
        }
    }
    let plain = "# Charts\n\nThe demo week's charts.\n".to_string();
    let with = format!("{plain}\n{}", charts.join("\n\n"));
    let opts = PdfOptions::default();
    let time = |doc: &str| {
        let mut t: Vec<f64> = (0..21)
            .map(|_| {
                let started = Instant::now();
                let out = render(doc, &opts).expect("renders");
                std::hint::black_box(out);
                started.elapsed().as_secs_f64() * 1000.0
            })
            .collect();
        t.sort_by(f64::total_cmp);
        t[10]
    };
    let (a, b) = (time(&plain), time(&with));
    let bytes = render(&with, &opts).expect("renders").bytes.len()
        - render(&plain, &opts).expect("renders").bytes.len();
    println!(
        "{} charts of the demo week: {:.2} ms to draw in all ({:.2} ms with, {:.2} ms without), {} bytes ({} a chart)",
        charts.len(),
        b - a,
        b,
        a,
        bytes,
        bytes / charts.len().max(1)
    );
}
