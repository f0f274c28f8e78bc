//! The missing-glyph warning, in a test binary of its own.
//!
//! `tracing::subscriber::with_default` sets a subscriber for this thread only, while
//! tracing caches each call site's interest for the whole process. A test on another
//! thread that reaches the same `warn!` first, with no subscriber, can leave the call site
//! switched off, and the captured log comes back empty. One test per process rules that out.

use std::sync::{Arc, Mutex};

use rolecall::render::pdf::{render, PdfOptions};

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("well-formed").extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

const MIXED: &str = "Latin Déjà vu · Ελληνικά · Кириллица · 東京 · 🚀 · 🔴 Red";

#[test]
fn missing_glyphs_give_one_warning_that_names_a_font() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .with_max_level(tracing::Level::WARN)
        .finish();
    let options = PdfOptions {
        as_of: "2026-11-27T17:00:00Z".parse().expect("well-formed"),
        ..PdfOptions::default()
    };
    tracing::subscriber::with_default(subscriber, || {
        render(&format!("{MIXED}\n\n| a |\n|---|\n| 東京 |\n"), &options).unwrap();
        render("all covered: Ελληνικά\n", &options).unwrap();
    });
    let log = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert_eq!(log.lines().count(), 1, "{log}");
    assert!(log.contains("WARN"), "{log}");
    assert!(log.contains("5 character(s)"), "{log}");
    assert!(log.contains("東") && log.contains("Noto Sans CJK"), "{log}");
}
