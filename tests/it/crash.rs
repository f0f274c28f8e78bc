//! A run killed at any moment (SIGKILL: nothing gets to clean up) leaves every file of
//! the week as it was, and the next run succeeds and leaves no temporary file behind. A
//! run stopped by SIGTERM or Ctrl-C cleans up itself; one that finds the disk full or
//! read-only, or reaches the file size limit, says so and changes nothing. A lock left
//! by a killed run is taken over even once its pid is reused; what is not a regular file
//! in the state folder is refused rather than read.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use crate::common::rng::Rng;

/// A Jira export of `rows` items, enough that a run takes a while to kill.
fn export(dir: &Path, rows: usize) -> String {
    let mut text = String::from("Summary,Issue key,Issue id,Issue Type,Status,Priority,Created,Updated,Resolved,Due date,Labels,Sprint,Description\n");
    let mut rng = Rng(0x5eed);
    for i in 1..=rows {
        let status = rng.pick(&["To Do", "In Progress", "Done", "Blocked"]);
        let resolved = if status == "Done" { "20/Nov/26 3:00 PM" } else { "" };
        let due = rng.pick(&["", "12/Nov/26", "28/Nov/26", "03/Dec/26"]);
        let label = rng.pick(&["ux", "api", "infra", "customer", ""]);
        let sprint = format!("CRS Sprint {}", 1 + rng.below(4));
        text.push_str(&format!(
            "Item {i} of the crash test,CRS-{i},{i},Task,{status},Medium,0{}/Oct/26 9:00 AM,10/Nov/26 9:00 AM,{resolved},{due},{label},{sprint},\"A body, with a comma\"\n",
            1 + i % 9
        ));
    }
    let path = dir.join("export.csv");
    std::fs::write(&path, text).expect("written");
    format!("jira:{}", path.display())
}

/// Every file under `dir` (temporary ones included), by path relative to it.
fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else { continue };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p.strip_prefix(dir).expect("under").display().to_string();
                out.insert(rel, std::fs::read(&p).unwrap_or_default());
            }
        }
    }
    out
}

/// A report of 20,000 items (`CRASH_TEST_ITEMS` for another size: the long run
/// takes 100,000): its folder, a command that runs it, the files of a good run and how
/// long that run took.
struct Setup {
    _tmp: tempfile::TempDir,
    out: std::path::PathBuf,
    source: String,
    good: BTreeMap<String, Vec<u8>>,
    took: Duration,
}

impl Setup {
    fn new() -> Setup {
        let tmp = tempfile::tempdir().expect("temp dir");
        let items = std::env::var("CRASH_TEST_ITEMS").ok().and_then(|n| n.parse().ok());
        let source = export(tmp.path(), items.unwrap_or(20_000));
        let out = tmp.path().join("out");
        let mut setup =
            Setup { _tmp: tmp, out, source, good: BTreeMap::new(), took: Duration::ZERO };
        // A good week first; the same input gives the same bytes, so after any stop
        // every file must be exactly this.
        let started = Instant::now();
        let status = setup.run().output().expect("runs");
        setup.took = started.elapsed();
        assert!(status.status.success(), "{}", String::from_utf8_lossy(&status.stderr));
        setup.good = files(&setup.out);
        assert!(setup.good.contains_key("2026-W48/program.json"));
        setup
    }

    fn run(&self) -> Command {
        let args =
            ["report", "-s", &self.source, "--as-of", "2026-11-27", "--format", "md,json", "-o"];
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_rolecall"));
        cmd.args(args).arg(&self.out).env_remove("ROLECALL_CONFIG");
        cmd
    }
}

#[cfg(unix)]
#[test]
fn a_run_killed_at_any_moment_changes_nothing_and_the_next_one_cleans_up() {
    let setup = Setup::new();
    let mut rng = Rng(42);
    for round in 0..20 {
        let mut child = setup
            .run()
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("spawns");
        let at = Duration::from_micros(rng.below(setup.took.as_micros() as usize + 1) as u64);
        std::thread::sleep(at);
        let _ = child.kill();
        let _ = child.wait();
        for (name, bytes) in &setup.good {
            let now = std::fs::read(setup.out.join(name)).unwrap_or_default();
            assert!(
                &now == bytes,
                "round {round} (killed after {at:?}): {name} is not what it was"
            );
        }
    }
    // The next run takes over the dead run's lock, removes its temporaries, succeeds.
    let status = setup.run().output().expect("runs");
    assert!(status.status.success(), "{}", String::from_utf8_lossy(&status.stderr));
    let after = files(&setup.out);
    assert_eq!(
        after.keys().collect::<Vec<_>>(),
        setup.good.keys().collect::<Vec<_>>(),
        "files left behind or lost"
    );
    assert!(after == setup.good);
}

/// SIGTERM (a cancelled CI job) and Ctrl-C can be caught: the run removes its temporary
/// files and its lock itself, finishes a rename under way, and says so.
#[cfg(unix)]
#[test]
fn a_run_stopped_by_sigterm_or_ctrl_c_leaves_nothing_behind() {
    use std::os::unix::process::ExitStatusExt;
    let setup = Setup::new();
    let mut rng = Rng(7);
    // Until six runs were caught while they ran (each run's moment is random within how
    // long a run took, and a loaded machine stretches runs unevenly), at most 40 runs.
    let (mut caught, mut rounds) = (0, 0);
    for round in 0..40 {
        if caught >= 6 {
            break;
        }
        rounds += 1;
        let (signal, code) = if round % 2 == 0 { ("TERM", 143) } else { ("INT", 130) };
        let child = setup
            .run()
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("spawns");
        let at = Duration::from_micros(rng.below(setup.took.as_micros() as usize + 1) as u64);
        std::thread::sleep(at);
        let sent = Command::new("kill")
            .args([&format!("-{signal}"), &child.id().to_string()])
            .status()
            .expect("kill runs");
        let output = child.wait_with_output().expect("waits");
        let stderr = String::from_utf8_lossy(&output.stderr);
        match (output.status.code(), output.status.signal()) {
            // Finished before the signal came.
            (Some(0), _) => {}
            (Some(c), _) if c == code => {
                assert!(stderr.contains("stopped by SIG"), "round {round}: {stderr}");
                caught += 1;
            }
            // Stopped before it had installed its handler (and written anything).
            (None, Some(_)) => {}
            other => {
                panic!("round {round}: SIG{signal} after {at:?} ({sent}): {other:?}\n{stderr}")
            }
        }
        // No temporary file, no lock: exactly the good week, without a next run.
        let now = files(&setup.out);
        assert_eq!(
            now.keys().collect::<Vec<_>>(),
            setup.good.keys().collect::<Vec<_>>(),
            "round {round} (SIG{signal} after {at:?}): files left behind or lost"
        );
        assert!(now == setup.good, "round {round}: a file changed");
    }
    assert!(caught >= 6, "only {caught} of {rounds} runs were stopped while they ran");
}

/// A tmpfs mounted for one test (only root may mount one), unmounted when dropped.
#[cfg(target_os = "linux")]
struct Tmpfs(std::path::PathBuf);

#[cfg(target_os = "linux")]
impl Tmpfs {
    fn mount(at: &Path, kib: u64) -> Option<Tmpfs> {
        std::fs::create_dir_all(at).expect("mount point");
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={kib}k"), "tmpfs"])
            .arg(at)
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        ok.then(|| Tmpfs(at.to_path_buf()))
    }

    fn remount(&self, options: &str) {
        let ok = Command::new("mount")
            .args(["-o", &format!("remount,{options}")])
            .arg(&self.0)
            .status()
            .is_ok_and(|s| s.success());
        assert!(ok, "cannot remount {} {options}", self.0.display());
    }
}

#[cfg(target_os = "linux")]
impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.0).status();
    }
}

/// A disk that fills up during a report, then one that turns read-only: each run fails
/// with exit 1 and a sentence naming the file and what to do, and leaves last week's
/// reports byte-identical, with no temporary file and no lock. Needs root (to mount a
/// small tmpfs); the writer's own test fakes a full disk everywhere.
#[cfg(target_os = "linux")]
#[test]
fn a_full_or_read_only_disk_fails_clearly_and_changes_nothing() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let (small_dir, big_dir) = (tmp.path().join("small"), tmp.path().join("big"));
    std::fs::create_dir_all(&small_dir).and_then(|()| std::fs::create_dir(&big_dir)).expect("made");
    let small = export(&small_dir, 300);
    let big = export(&big_dir, 20_000);
    let out = tmp.path().join("out");
    let Some(disk) = Tmpfs::mount(&out, 1024) else {
        eprintln!("skipped: cannot mount a tmpfs (needs root); the writer's unit test fakes a full disk instead");
        return;
    };
    let run = |source: &str| {
        crate::common::run(&[
            "report",
            "-s",
            source,
            "--as-of",
            "2026-11-27",
            "--format",
            "md,json,pdf",
            "-o",
            &out.display().to_string(),
        ])
    };
    let (code, _, err) = run(&small);
    assert_eq!(code, 0, "300 items fit in 1 MiB: {err}");
    let good = files(&out);

    let (code, _, err) = run(&big);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains(&format!("cannot write {}", out.display()))
            && err.contains("No space left on device")
            && err.contains("the disk is full: free some space and run again"),
        "{err}"
    );
    assert!(files(&out) == good, "a full disk changed the week or left files: {err}");

    disk.remount("ro");
    let (code, _, err) = run(&small);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains(&out.display().to_string())
            && err.contains("Read-only file system")
            && err.contains("give another with -o"),
        "{err}"
    );
    disk.remount("rw");
    assert!(files(&out) == good, "a read-only disk changed the week");
}

/// `rolecall ARGS` as [`crate::common::run_in`] runs it, the shell command `limit` first
/// (`ulimit -f 20`), stopped after `within` if it has not ended: (exit code, or `None`
/// when a signal ended it; stderr), or `None` when it had to be stopped.
fn run_limited(
    dir: &Path,
    limit: &str,
    args: &[&str],
    within: Duration,
) -> Option<(Option<i32>, String)> {
    let mut cmd = Command::new("sh");
    cmd.arg("-c").arg(format!("{limit} && exec \"$0\" \"$@\"")).arg(env!("CARGO_BIN_EXE_rolecall"));
    cmd.args(args).current_dir(dir).env("NO_COLOR", "1").env_remove("RUST_LOG");
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("ROLECALL_") {
            cmd.env_remove(&key);
        }
    }
    let stderr = tempfile::NamedTempFile::new().expect("temp file");
    cmd.stdout(std::process::Stdio::null()).stderr(stderr.reopen().expect("reopened"));
    let mut child = cmd.spawn().expect("sh runs");
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("waits") {
            break status;
        }
        if start.elapsed() > within {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    Some((status.code(), std::fs::read_to_string(stderr.path()).expect("stderr")))
}

/// A write past the file size limit (`ulimit -f`) fails like a full disk: said, with
/// nothing changed and nothing left behind (SIGXFSZ used to kill the run silently,
/// leaving its temporary files and the lock).
#[test]
fn a_file_size_limit_fails_clearly_and_changes_nothing() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let out = tmp.path().join("out");
    let out_s = out.display().to_string();
    let args =
        ["report", "--demo", "--as-of", "2026-11-25", "--format", "md,json,pdf", "-o", &out_s];
    let (code, _, err) = crate::common::run_in(tmp.path(), &args, &[]);
    assert_eq!(code, 0, "{err}");
    let good = files(&out);
    let mut again = args.to_vec();
    again.push("--overwrite-live");
    let (code, err) = run_limited(tmp.path(), "ulimit -f 20", &again, Duration::from_secs(120))
        .expect("the run ended");
    assert_eq!(code, Some(1), "not ended by SIGXFSZ, but failed: {err}");
    assert!(
        err.contains("File too large")
            && err.contains("the file size limit (`ulimit -f`) was reached"),
        "{err}"
    );
    assert!(files(&out) == good, "the week changed or files were left behind: {err}");
}

/// What is not a regular file where rolecall keeps its state (a stored week, a week's
/// summary, the lock) is refused, naming it, not read: a FIFO blocked the run forever.
#[test]
fn a_fifo_in_the_state_folder_is_refused_not_waited_on() {
    for name in ["snapshots/2026-W47.json", "history/2026-W47.json", "lock"] {
        let tmp = tempfile::tempdir().expect("temp dir");
        let state = tmp.path().join("out/.rolecall");
        let fifo = state.join(name);
        std::fs::create_dir_all(fifo.parent().expect("parent")).expect("made");
        match Command::new("mkfifo").arg(&fifo).status() {
            Ok(s) if s.success() => {}
            _ => {
                eprintln!("skipped: no mkfifo");
                return;
            }
        }
        let args = ["report", "--demo", "--as-of", "2026-11-27", "-o", "out", "-q"];
        let (code, err) = run_limited(tmp.path(), "true", &args, Duration::from_secs(60))
            .unwrap_or_else(|| panic!("{name}: the run waited on the FIFO"));
        assert!(code.is_some_and(|c| c != 0), "{name}: {code:?} {err}");
        assert!(
            err.contains(&format!("out/.rolecall/{name}")) && err.contains("is not a regular file"),
            "{name}: {err}"
        );
        assert!(!state.join("lock").is_file(), "{name}: the lock was left: {err}");
    }
}

/// `email` renders the PDFs a week lacks from what `report` wrote, reading a role's
/// JSON for its metadata: a FIFO there is passed over, not waited on.
#[test]
fn a_fifo_in_the_week_folder_is_not_waited_on_by_email() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let args = ["report", "--demo", "--as-of", "2026-11-27", "-o", "out", "-q"];
    let (code, _, err) = crate::common::run_in(tmp.path(), &args, &[]);
    assert_eq!(code, 0, "{err}");
    let json = tmp.path().join("out/2026-W48/product.json");
    std::fs::remove_file(&json).expect("removed");
    match Command::new("mkfifo").arg(&json).status() {
        Ok(s) if s.success() => {}
        _ => {
            eprintln!("skipped: no mkfifo");
            return;
        }
    }
    std::fs::write(
        tmp.path().join("rolecall.toml"),
        "[email]\nfrom = \"bot@acme.example\"\nsmtp-url = \"smtp://127.0.0.1:1\"\ntls = \"none\"\n[email.to]\nproduct = [\"pm@acme.example\"]\n",
    )
    .expect("config");
    let args = ["email", "--dry-run", "-o", "out", "--week", "2026-W48"];
    let (code, err) = run_limited(tmp.path(), "true", &args, Duration::from_secs(60))
        .unwrap_or_else(|| panic!("email waited on the FIFO"));
    assert!(code.is_some(), "{err}");
}

/// The lock of a run killed by SIGKILL, whose pid another process has since (soon, in a
/// container), is taken over: that process is no rolecall, or started after the lock
/// was written. A lock whose process still runs, as written, is respected.
#[test]
fn a_lock_whose_pid_was_reused_is_taken_over() {
    if crate::common::own_start_time().is_none() {
        eprintln!("skipped: no /proc here; a lock's pid is all there is to go by");
        return;
    }
    let mut other = Command::new("sleep").arg("60").spawn().expect("sleep runs");
    let pid = other.id();
    for lock in [format!("{pid}\n"), format!("{pid} 1\n")] {
        let tmp = tempfile::tempdir().expect("temp dir");
        let state = tmp.path().join("out/.rolecall");
        std::fs::create_dir_all(&state).expect("made");
        std::fs::write(state.join("lock"), &lock).expect("written");
        let args = ["report", "--demo", "--as-of", "2026-11-25", "-o", "out"];
        let (code, _, err) = crate::common::run_in(tmp.path(), &args, &[]);
        assert_eq!(code, 0, "{lock:?}: {err}");
        assert!(err.contains("the run that held it is gone; taking it over"), "{err}");
        assert!(!state.join("lock").exists());
    }
    let _ = other.kill();
    let _ = other.wait();

    // This test's own process, with its start time: it runs, so the lock holds.
    let tmp = tempfile::tempdir().expect("temp dir");
    let state = tmp.path().join("out/.rolecall");
    std::fs::create_dir_all(&state).expect("made");
    let me = std::process::id();
    let lock = crate::common::lock_of_this_process();
    std::fs::write(state.join("lock"), &lock).expect("written");
    let args = ["report", "--demo", "--as-of", "2026-11-25", "-o", "out", "-q"];
    let (code, _, err) = crate::common::run_in(tmp.path(), &args, &[]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains(&format!("another rolecall (pid {me}) is writing this output folder")),
        "{err}"
    );
    assert_eq!(std::fs::read_to_string(state.join("lock")).expect("kept"), lock);
}
