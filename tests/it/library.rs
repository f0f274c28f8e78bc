//! rolecall as a library: a program that runs a week's reports keeps its own signal
//! handling.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use rolecall::classify::Classifier;
use rolecall::config::Config;
use rolecall::model::{Format, Role, Snapshot};
use rolecall::{report, source};

/// `report::run` writes files (temporary, then renamed) but installs no handler of its
/// own: a SIGTERM afterwards reaches the host's, which decides when to stop. (With the
/// command line's handler installed, the signal would end this test process with 143.)
#[cfg(unix)]
#[test]
fn a_report_run_leaves_the_hosts_signals_alone() -> rolecall::Result<()> {
    let stop = Arc::new(AtomicBool::new(false));
    signal_hook::flag::register(signal_hook::consts::SIGTERM, Arc::clone(&stop))
        .expect("a SIGTERM flag");
    let dir = tempfile::tempdir().expect("temp dir");
    let config = Config::from_parts("(library test)", "", &[])?;
    let as_of =
        chrono::DateTime::parse_from_rfc3339("2026-11-27T17:00:00Z").expect("an instant").to_utc();
    let out = dir.path().join("out");
    let req = report::Request {
        week: None,
        as_of,
        roles: vec![Role::Product],
        formats: vec![Format::Md],
        out: out.clone(),
        state_dir: report::default_state_dir(&out, &config),
        templates: None,
        notes: None,
        fallback_baseline: None,
        backfill: 0,
        backfill_overwrite: false,
        overwrite_live: false,
    };
    let export = format!("jira:{}/fixtures/jira/cloud-all-fields.csv", env!("CARGO_MANIFEST_DIR"));
    let outcome = report::run(
        &config,
        || Classifier::from_config(&config),
        || {
            let mut s = Snapshot::empty(as_of);
            source::load_all(&mut s, &[source::SourceSpec::parse(&export)?], &config)?;
            Ok(s)
        },
        &req,
    )?;
    assert!(outcome.files.iter().any(|f| f.ends_with("product.md")), "{:?}", outcome.files);
    signal_hook::low_level::raise(signal_hook::consts::SIGTERM).expect("raise");
    for _ in 0..100 {
        if stop.load(Ordering::SeqCst) {
            return Ok(());
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    panic!("the host never saw its SIGTERM");
}

/// A GitHub source loaded from a caller's async code (a web service's handler) runs
/// the fetch on a runtime of its own instead of panicking ("Cannot start a runtime from
/// within a runtime"): here the server is not there, and that is the error.
#[tokio::test]
async fn a_github_source_loads_from_inside_an_async_runtime() {
    let config = Config::from_parts(
        "(library test)",
        "[github]\napi-url = \"http://127.0.0.1:1\"\nretries = 0\ncache = false\n",
        &[],
    )
    .expect("config");
    let mut snapshot = Snapshot::empty(chrono::Utc::now());
    let spec = source::SourceSpec::parse("github:acme/widgets").expect("spec");
    let err = source::load_all(&mut snapshot, &[spec], &config).expect_err("nothing listens");
    let text = err.to_string();
    assert!(text.contains("github:acme/widgets") && text.contains("127.0.0.1:1"), "{text}");
}
