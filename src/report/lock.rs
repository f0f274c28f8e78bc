//! One run at a time per output folder: two runs of the same week would otherwise leave a
//! mix of both. A run holds `<state>/lock` (its pid inside) while it writes; the lock of
//! a run that died (its pid no longer runs) is taken over. Holding the lock, a run also
//! removes the temporary files that killed runs left behind.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// The held lock; dropping it releases it.
#[derive(Debug)]
pub(crate) struct Lock {
    path: PathBuf,
}

impl Lock {
    /// Takes the lock of the folder `state`, or fails naming the run that holds it.
    pub(crate) fn take(state: &Path) -> Result<Lock> {
        std::fs::create_dir_all(state).map_err(|e| super::write::fail("create", state, e))?;
        let path = state.join("lock");
        for _ in 0..2 {
            let open = || std::fs::OpenOptions::new().write(true).create_new(true).open(&path);
            match crate::interrupt::create(open, |_| path.clone()) {
                Ok(mut f) => {
                    let _ = writeln!(f, "{}", std::process::id());
                    return Ok(Lock { path });
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    let holder = std::fs::read_to_string(&path).unwrap_or_default();
                    let pid: Option<u32> = holder.trim().parse().ok();
                    if pid.is_some_and(running) {
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
    }
}

/// Whether a process with this pid runs (on systems with `/proc`; elsewhere, assumed).
fn running(pid: u32) -> bool {
    let proc = Path::new("/proc");
    !proc.is_dir() || proc.join(pid.to_string()).exists()
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
        let _taken = Lock::take(dir.path()).expect("a dead holder's lock is taken over");
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
