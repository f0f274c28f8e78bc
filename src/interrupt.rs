//! Stopped by a signal: a run that gets SIGTERM (a CI job cancelled or timed out),
//! SIGINT (Ctrl-C) or SIGHUP (the terminal closed) removes its temporary files and its
//! lock before it exits, so nothing of it is left in the output folder (nor beside a
//! model `train` was writing, a cache, an `.eml`). A rename already
//! under way is finished first: the week is either as it was or wholly the new one.
//!
//! The files to remove are tracked here while they exist; the renames of a week run
//! under [`renaming`], which the handler waits for. SIGKILL cannot be caught: what a
//! killed run leaves is removed by the next run (see `report::lock`).

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, PoisonError};

/// The temporary files and the lock this process holds.
static LIVE: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());
/// Held while a week's files are renamed into place.
static RENAMING: Mutex<()> = Mutex::new(());

fn live() -> MutexGuard<'static, Vec<PathBuf>> {
    LIVE.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Creates a file with `create` and tracks it (`path` says where `create` put it): it is
/// removed if the process is stopped by a signal. Created under the same lock the
/// handler takes, so no file of this run appears after the handler looked.
pub(crate) fn create<T>(
    create: impl FnOnce() -> std::io::Result<T>,
    path: impl FnOnce(&T) -> PathBuf,
) -> std::io::Result<T> {
    let mut live = live();
    let made = create()?;
    live.push(path(&made));
    Ok(made)
}

/// `path` was renamed or removed: nothing to do for it any more.
pub(crate) fn untrack(path: &Path) {
    let mut live = live();
    if let Some(i) = live.iter().rposition(|p| p == path) {
        live.swap_remove(i);
    }
}

/// Held while renaming a set of files that belong together: a signal that arrives
/// meanwhile is handled after the last rename.
pub(crate) fn renaming() -> MutexGuard<'static, ()> {
    RENAMING.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Whether this process asked for the handler ([`enable`]): the command line does; a
/// program that uses rolecall as a library keeps its own signal handling unless it asks.
static ENABLED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Lets [`install`] install the handler: signals that stop the process then remove this
/// run's temporary files and lock first, and exit with 128 + the signal.
pub(crate) fn enable() {
    ENABLED.store(true, std::sync::atomic::Ordering::Relaxed);
}

/// Installs the handler, once per process, when [`enable`]d: a report run before
/// writing, and every single-file write ([`crate::files::write_atomic`]). Not enabled,
/// nothing: the temporary files are still tracked, and removed on an error.
pub(crate) fn install() {
    if !ENABLED.load(std::sync::atomic::Ordering::Relaxed) {
        return;
    }
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(imp::install);
}

/// Makes a write past the file size limit (`ulimit -f`) fail with `EFBIG` instead of
/// killing the process with SIGXFSZ: the error then goes the way of a full disk, named,
/// with the temporary files removed and the lock released. Called first thing by the
/// command line.
pub(crate) fn survive_file_size_limit() {
    imp::survive_file_size_limit();
}

/// Removes every tracked file and returns how many it removed, with the lock that keeps
/// any other from being created: the process is about to exit.
#[cfg(unix)]
fn clean_up() -> (usize, MutexGuard<'static, Vec<PathBuf>>) {
    let mut live = live();
    let removed = live.iter().filter(|p| std::fs::remove_file(p).is_ok()).count();
    live.clear();
    (removed, live)
}

#[cfg(unix)]
mod imp {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    use signal_hook::iterator::Signals;

    /// A handler that does nothing but set a flag no one reads: the signal no longer
    /// kills, and the write that raised it fails with `EFBIG`. (Not SIG_IGN, which a
    /// process this one starts would inherit.)
    pub(super) fn survive_file_size_limit() {
        let flag = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        if let Err(e) = signal_hook::flag::register(signal_hook::consts::SIGXFSZ, flag) {
            tracing::debug!("cannot catch SIGXFSZ ({e}); a file size limit stops the run");
        }
    }

    pub(super) fn install() {
        let mut signals = match Signals::new([SIGTERM, SIGINT, SIGHUP]) {
            Ok(s) => s,
            Err(e) => {
                tracing::warn!("cannot watch for SIGTERM and Ctrl-C ({e}); if stopped, the next run removes what this one left");
                return;
            }
        };
        let spawned = std::thread::Builder::new().name("signals".into()).spawn(move || {
            if let Some(signal) = signals.forever().next() {
                // Let renames under way finish, and start no other.
                let _renaming = super::renaming();
                let (removed, _no_more) = super::clean_up();
                let name = match signal {
                    SIGTERM => "SIGTERM",
                    SIGINT => "SIGINT (Ctrl-C)",
                    _ => "SIGHUP",
                };
                eprintln!(
                    "rolecall: stopped by {name}; removed {removed} file{} of this run (temporary files and the lock): nothing was left half-written",
                    if removed == 1 { "" } else { "s" }
                );
                std::process::exit(128 + signal);
            }
        });
        if let Err(e) = spawned {
            tracing::warn!("cannot watch for SIGTERM and Ctrl-C ({e})");
        }
    }
}

#[cfg(not(unix))]
mod imp {
    /// Elsewhere a stopped run leaves its temporaries to the next run.
    pub(super) fn install() {}

    /// No SIGXFSZ elsewhere.
    pub(super) fn survive_file_size_limit() {}
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_tracked_until_renamed_or_removed() {
        let (a, b) = (Path::new("/nonexistent/a.rolecall-tmp"), Path::new("/nonexistent/b"));
        for p in [a, b] {
            create(|| Ok(p), |p| p.to_path_buf()).expect("tracked");
        }
        untrack(b);
        assert!(live().iter().any(|p| p == a) && !live().iter().any(|p| p == b));
        untrack(a);
        assert!(!live().iter().any(|p| p == a));
    }
}
