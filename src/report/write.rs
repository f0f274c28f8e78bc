//! Atomic writes: a report is written to a temporary file beside its target and renamed
//! over it, so a failed run never leaves a half-written report where the last good one was.
//!
//! Writing is split in two so that a run can prepare all of its files (on several
//! threads) and rename them only once every one of them was written: a run that fails
//! halfway changes nothing.

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// A file written to its temporary name, waiting for [`Pending::commit`]. Dropped
/// without a commit, it removes the temporary file.
#[derive(Debug)]
pub(crate) struct Pending {
    /// `None` once renamed.
    tmp: Option<tempfile::NamedTempFile>,
    path: PathBuf,
}

/// Writes `path`'s future contents, produced by `fill`, to a temporary file beside it and
/// flushes them to disk. The temporary file has an unpredictable name and is created
/// exclusively (`O_CREAT | O_EXCL`), so a link planted in the output folder under a
/// name rolecall might use cannot make it write anywhere else.
pub(crate) fn prepare(
    path: &Path,
    fill: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<Pending> {
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(|e| fail("create the folder for", path, e))?;
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("out");
    // From here on, dropping the temporary file removes it.
    let tmp = crate::interrupt::create(
        || {
            crate::files::temp_file()
                .prefix(&format!(".{name}."))
                .suffix(".rolecall-tmp")
                .tempfile_in(dir)
        },
        |tmp| tmp.path().to_path_buf(),
    )
    .map_err(|e| fail("write", path, e))?;
    let result = (|| {
        let file = tmp.as_file();
        #[cfg(test)]
        let file = tests::Faulty(file, tests::FAIL_AFTER.get());
        let mut w = BufWriter::with_capacity(1 << 16, file);
        fill(&mut w)?;
        w.into_inner().map_err(|e| e.into_error())?.sync_all()
    })();
    // Dropped on an error, it removes the temporary file and stops tracking it.
    let pending = Pending { tmp: Some(tmp), path: path.to_path_buf() };
    result.map_err(|e| fill_error(path, e))?;
    Ok(pending)
}

/// Renames files that belong together into place, all of them before a signal that
/// arrives meanwhile is handled (see [`crate::interrupt`]).
///
/// What would make a rename fail — a folder (or anything but a file) where a file goes —
/// is looked for first, so that the week is not left half old, half new.
pub(crate) fn commit_all(pending: impl IntoIterator<Item = Pending>) -> Result<()> {
    let pending: Vec<Pending> = pending.into_iter().collect();
    for p in &pending {
        if let Ok(m) = std::fs::symlink_metadata(&p.path) {
            if !m.is_file() && !m.file_type().is_symlink() {
                return Err(Error::Run(format!(
                    "cannot write {}: something other than a file is there (a folder?); \
                     nothing was changed: remove it and run again",
                    p.path.display()
                )));
            }
        }
    }
    let _renaming = crate::interrupt::renaming();
    pending.into_iter().try_for_each(Pending::commit)
}

impl Pending {
    /// The file it will become.
    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    /// Renames the temporary file over the target.
    fn commit(mut self) -> Result<()> {
        let Some(tmp) = self.tmp.take() else { return Ok(()) };
        let tmp_path = tmp.path().to_path_buf();
        let renamed = tmp.persist(&self.path);
        crate::interrupt::untrack(&tmp_path);
        renamed.map_err(|e| fail("write", &self.path, e.error))?;
        Ok(())
    }
}

impl Drop for Pending {
    /// Not renamed: the temporary file is removed.
    fn drop(&mut self) {
        if let Some(tmp) = self.tmp.take() {
            let tmp_path = tmp.path().to_path_buf();
            drop(tmp);
            crate::interrupt::untrack(&tmp_path);
        }
    }
}

/// What `fill` failed with: a renderer's own error (wrapped in an I/O error, see
/// [`crate::render::Renderer`]) as it is, anything else as a failure to write `path`.
fn fill_error(path: &Path, e: std::io::Error) -> Error {
    if e.get_ref().is_some_and(|inner| inner.is::<Error>()) {
        if let Some(Ok(error)) = e.into_inner().map(|inner| inner.downcast::<Error>()) {
            return *error;
        }
        return Error::Run(format!("cannot write {}", path.display()));
    }
    fail("write", path, e)
}

/// A failure to `what` `path`, with what to do about it when the cause is known.
pub(crate) fn fail(what: &str, path: &Path, e: std::io::Error) -> Error {
    fail_with(what, path, e, "-o")
}

/// [`fail`], naming `flag` as the way to another folder (`--dir` for `init`).
pub(crate) fn fail_with(what: &str, path: &Path, e: std::io::Error, flag: &str) -> Error {
    use std::io::ErrorKind::{
        FileTooLarge, PermissionDenied, QuotaExceeded, ReadOnlyFilesystem, StorageFull,
    };
    let hint = match e.kind() {
        StorageFull | QuotaExceeded => {
            "; the disk is full: free some space and run again (no earlier file was changed)"
                .to_string()
        }
        FileTooLarge => "; the file size limit (`ulimit -f`) was reached: raise it and run again (no earlier file was changed)"
            .to_string(),
        ReadOnlyFilesystem => format!(
            "; the folder is on a read-only file system: give another with {flag} (no file was changed)"
        ),
        PermissionDenied => format!(
            "; this user may not write there: give another folder with {flag} (no file was changed)"
        ),
        _ => String::new(),
    };
    // The temporary file's name (`at path ".tmpDY7QAG"`) is ours, not the user's.
    let said = e.to_string();
    let said = said.split(" at path \"").next().unwrap_or(&said);
    Error::Run(format!("cannot {what} {}: {said}{hint}", path.display()))
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    /// What `init` says when the folder is not writable: no temporary file's name, and
    /// the option that helps.
    #[test]
    fn a_write_error_names_no_temporary_file() {
        let e = std::io::Error::new(
            std::io::ErrorKind::PermissionDenied,
            "Permission denied (os error 13) at path \"/x/./.tmpDY7QAG\"",
        );
        assert_eq!(
            fail_with("write", Path::new("./rolecall.toml"), e, "--dir").to_string(),
            "cannot write ./rolecall.toml: Permission denied (os error 13); this user may not write there: give another folder with --dir (no file was changed)"
        );
    }
    use std::cell::Cell;

    thread_local! {
        /// Bytes a write may take before the disk is "full", in this thread's tests.
        pub(super) static FAIL_AFTER: Cell<Option<u64>> = const { Cell::new(None) };
    }

    /// A file that fails like a full disk once `.1` bytes were written to it.
    pub(super) struct Faulty<'f>(pub(super) &'f std::fs::File, pub(super) Option<u64>);

    impl Faulty<'_> {
        pub(super) fn sync_all(&self) -> std::io::Result<()> {
            self.0.sync_all()
        }
    }

    impl Write for Faulty<'_> {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            match &mut self.1 {
                Some(0) => Err(std::io::Error::from_raw_os_error(28)),
                Some(left) => {
                    let n = buf.len().min(*left as usize);
                    *left -= n as u64;
                    self.0.write(&buf[..n])
                }
                None => self.0.write(buf),
            }
        }

        fn flush(&mut self) -> std::io::Result<()> {
            self.0.flush()
        }
    }

    /// The disk fills up halfway through a report: the error names the file and says
    /// what to do, the report that was there is untouched, no temporary file is left.
    #[test]
    fn a_full_disk_fails_naming_the_file_and_changes_nothing() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("program.md");
        let good = prepare(&path, |w| w.write_all(b"last week's report\n")).expect("written");
        commit_all([good]).expect("renamed");

        FAIL_AFTER.set(Some(100_000));
        let big = vec![b'x'; 300_000];
        let e = prepare(&path, |w| w.write_all(&big)).expect_err("the disk is full");
        FAIL_AFTER.set(None);
        assert_eq!(
            e.to_string(),
            format!(
                "cannot write {}: No space left on device (os error 28); the disk is full: free some space and run again (no earlier file was changed)",
                path.display()
            )
        );
        assert_eq!(std::fs::read(&path).expect("kept"), b"last week's report\n");
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .expect("listed")
            .map(|e| e.expect("entry").file_name())
            .collect();
        assert_eq!(names, ["program.md"], "a temporary file was left");
    }
}
