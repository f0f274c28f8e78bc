//! The missing-glyph warning, checked in a child process of its own.
//!
//! `tracing::subscriber::with_default` sets a subscriber for this thread only, while
//! tracing caches each call site's interest for the whole process. A test on another
//! thread that reaches the same `warn!` first, with no subscriber, can leave the call site
//! switched off, and the log comes back empty (CI failed on it once). So the test re-runs
//! this binary with only itself selected: in that child nothing else reaches the `warn!`.
//! The child logs to its stderr; the parent asserts on what the child wrote.

use rolecall::render::pdf::{render, PdfOptions};

use crate::common::child;
use crate::pdf::MIXED;

#[test]
fn missing_glyphs_give_one_warning_that_names_a_font() {
    const NAME: &str = "missing_glyphs_give_one_warning_that_names_a_font";
    if child::is_child(module_path!(), NAME) {
        let subscriber = tracing_subscriber::fmt()
            .with_writer(std::io::stderr)
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
        return;
    }
    let out = child::run(module_path!(), NAME, &[]);
    let log = String::from_utf8(out.stderr).unwrap();
    assert_eq!(log.lines().count(), 1, "{log}");
    assert!(log.contains("WARN"), "{log}");
    assert!(log.contains("5 character(s)"), "{log}");
    assert!(log.contains("東") && log.contains("Noto Sans CJK"), "{log}");
}
