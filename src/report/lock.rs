//! One run at a time per output folder: two runs of the same week would otherwise leave a
//! mix of both. A run holds `<state>/lock` while it writes, its pid and (on Linux) its
//! process's start time inside (`4242 1234567`); the lock of a run that died is taken
//! over. A pid is reused once its process is gone (soon, in a container), so the lock's
//! holder is gone when no process has its pid, or the one that has it started at another
//! time; a lock of an older rolecall, its pid alone, when the process with that pid is
//! not a rolecall. Where there is no `/proc` a pid is all there is to go by. Holding the
//! lock, a run also removes the temporary files that killed runs left behind.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// The held lock; dropping it releases it.
#[derive(Debug)]
pub(crate) struct Lock {
    path: PathBuf,
    /// The folders taking the lock made (the state folder and those above it that were
    /// not there), deepest first: a run that failed before writing leaves none behind.
    made: Vec<PathBuf>,
}

impl Lock {
    /// Takes the lock of the folder `state`, or fails naming the run that holds it.
    pub(crate) fn take(state: &Path) -> Result<Lock> {
        let made: Vec<PathBuf> = (state.ancestors())
            .take_while(|d| !d.as_os_str().is_empty() && std::fs::symlink_metadata(d).is_err())
            .map(Path::to_path_buf)
            .collect();
        std::fs::create_dir_all(state).map_err(|e| super::write::fail("create", state, e))?;
        let path = state.join("lock");
        for _ in 0..2 {
            let open = || std::fs::OpenOptions::new().write(true).create_new(true).open(&path);
            match crate::interrupt::create(open, |_| path.clone()) {
                Ok(mut f) => {
                    let pid = std::process::id();
                    let _ = match start_time(pid) {
                        Some(start) => writeln!(f, "{pid} {start}"),
                        None => writeln!(f, "{pid}"),
                    };
                    return Ok(Lock { path, made });
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    // A FIFO here would block the read of its holder forever.
                    let holder = match crate::files::read_state(&path) {
                        Err(e) if e.kind() == std::io::ErrorKind::InvalidInput => {
                            return Err(super::write::fail("read", &path, e))
                        }
                        held => String::from_utf8(held.unwrap_or_default()).unwrap_or_default(),
                    };
                    let mut words = holder.split_whitespace();
                    let pid: Option<u32> = words.next().and_then(|w| w.parse().ok());
                    let start: Option<u64> = words.next().and_then(|w| w.parse().ok());
                    if pid.is_some_and(|pid| holds(pid, start)) {
                        return Err(Error::Run(format!(
                            "another rolecall (pid {}) is writing this output folder; wait for it to finish, or remove {} if it is not running",
                            pid.unwrap_or_default(),
                            path.display()
                        )));
                    }
                    // Its holder died: take it over.
                    tracing::warn!(
                        "{}: the run that held it is gone; taking it over",
                        path.display()
                    );
                    let _ = std::fs::remove_file(&path);
                }
                Err(e) => return Err(super::write::fail("create", &path, e)),
            }
        }
        Err(Error::Run(format!("cannot take {}", path.display())))
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
        crate::interrupt::untrack(&self.path);
        // Removed only while empty: what a run wrote stays (README: a failed run changes
        // nothing, and that includes an empty `reports/.rolecall/`).
        for dir in &self.made {
            if std::fs::remove_dir(dir).is_err() {
                break;
            }
        }
    }
}

/// Whether a process with this pid runs (on systems with `/proc`; elsewhere, assumed).
fn running(pid: u32) -> bool {
    let proc = Path::new("/proc");
    !proc.is_dir() || proc.join(pid.to_string()).exists()
}

/// Whether the run that wrote a lock of `pid` (and `start`, its process's start time,
/// when the lock has one) still runs: a process has its pid and started then, or, for
/// a lock of an older rolecall without a start time, is a rolecall other than this one
/// (which has not taken the lock yet). What cannot be read counts as running.
fn holds(pid: u32, start: Option<u64>) -> bool {
    if !running(pid) {
        return false;
    }
    if !Path::new("/proc").is_dir() {
        return true;
    }
    if let (Some(locked), Some(now)) = (start, start_time(pid)) {
        return locked == now;
    }
    if start.is_none() && pid == std::process::id() {
        return false;
    }
    let comm = |pid: &str| std::fs::read_to_string(format!("/proc/{pid}/comm")).ok();
    match (comm(&pid.to_string()), comm("self")) {
        (Some(theirs), Some(ours)) => theirs == ours,
        _ => true,
    }
}

/// When the process `pid` started, in clock ticks after boot: field 22 of
/// `/proc/PID/stat`. `None` where there is no `/proc`.
fn start_time(pid: u32) -> Option<u64> {
    start_in(&std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?)
}

/// Field 22 of a `/proc/PID/stat` line.
fn start_in(stat: &str) -> Option<u64> {
    // The name (field 2) is in parentheses and may hold spaces and parentheses itself.
    let rest = &stat[stat.rfind(')')? + 1..];
    rest.split_whitespace().nth(19)?.parse().ok()
}

/// Removes the temporary files in `dirs` that a killed run left: `.NAME.XXXX.rolecall-tmp`
/// (only one run at a time writes here, so none is in use), and `.NAME.PID.tmp` of older
/// versions whose process is gone. Returns how many it removed.
pub(crate) fn remove_stale_temporaries(dirs: &[PathBuf]) -> usize {
    let mut removed = 0;
    for dir in dirs {
        let Ok(entries) = std::fs::read_dir(dir) else { continue };
        for entry in entries.flatten() {
            let name = entry.file_name();
            let Some(name) = name.to_str() else { continue };
            if !name.starts_with('.') {
                continue;
            }
            let stale = name.ends_with(".rolecall-tmp")
                || name
                    .strip_suffix(".tmp")
                    .and_then(|n| n.rsplit('.').next())
                    .and_then(|pid| pid.parse::<u32>().ok())
                    .is_some_and(|pid| pid != std::process::id() && !running(pid));
            // Only files: a link planted here is removed, not followed.
            let is_file = entry.file_type().is_ok_and(|t| t.is_file() || t.is_symlink());
            if stale && is_file && std::fs::remove_file(entry.path()).is_ok() {
                removed += 1;
            }
        }
    }
    removed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_holder_at_a_time_and_dead_holders_are_replaced() {
        let dir = tempfile::tempdir().expect("temp dir");
        let lock = Lock::take(dir.path()).expect("free");
        let e = Lock::take(dir.path()).expect_err("held").to_string();
        assert!(e.contains(&format!("pid {}", std::process::id())), "{e}");
        drop(lock);
        assert!(!dir.path().join("lock").exists());
        // A pid that does not run (beyond the kernel's maximum).
        std::fs::write(dir.path().join("lock"), "4194999\n").expect("written");
        let taken = Lock::take(dir.path()).expect("a dead holder's lock is taken over");
        drop(taken);
        if start_time(std::process::id()).is_some() {
            let (pid, start) = (std::process::id(), start_time(std::process::id()));
            let start = start.expect("read");
            // This pid, another start: a process before this one that had the same pid.
            std::fs::write(dir.path().join("lock"), format!("{pid} {}\n", start + 1))
                .expect("written");
            let taken = Lock::take(dir.path()).expect("a reused pid's lock is taken over");
            let written = std::fs::read_to_string(dir.path().join("lock")).expect("read");
            assert_eq!(written, format!("{pid} {start}\n"));
            drop(taken);
            // An older rolecall's lock of this pid: not this run's, so taken over.
            std::fs::write(dir.path().join("lock"), format!("{pid}\n")).expect("written");
            let _taken = Lock::take(dir.path()).expect("an old lock of this pid is taken over");
        }
    }

    /// The start time is the 22nd field even when the process's name has spaces and
    /// parentheses.
    #[test]
    fn start_time_is_read_past_the_name() {
        let stat = "77 (a b) (c)) S 1 77 77 0 -1 4194560 10 0 0 0 1 2 0 0 20 0 1 0 987654 1000 ";
        assert_eq!(start_in(stat), Some(987654));
        assert_eq!(start_in("77 (x"), None);
        assert_eq!(start_time(4194999), None);
    }

    #[test]
    fn stale_temporaries_are_removed() {
        let dir = tempfile::tempdir().expect("temp dir");
        let d = dir.path();
        for name in [".product.md.Xy12ab.rolecall-tmp", ".index.md.4194999.tmp", "product.md"] {
            std::fs::write(d.join(name), "x").expect("written");
        }
        let mine = format!(".index.md.{}.tmp", std::process::id());
        std::fs::write(d.join(&mine), "x").expect("written");
        assert_eq!(remove_stale_temporaries(&[d.to_path_buf()]), 2);
        assert!(d.join("product.md").exists() && d.join(mine).exists());
    }
}
