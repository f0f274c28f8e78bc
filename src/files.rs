//! Reading the user's own text files that end up in reports (notes, templates) safely:
//! reports get committed, posted and emailed, so a file must not be a way to copy a
//! secret (`/proc/self/environ`, a key file) into them, nor to stall a run. And writing
//! a single file whole or not at all ([`write_atomic`]).

use std::io::Read;
use std::path::Path;

use crate::error::{Error, Result};

/// Writes `path` whole or not at all: its folder made when missing, the bytes written
/// buffered to an unpredictable temporary name beside it, then renamed over it. For
/// single files outside a report week (caches, ledgers, `init`'s files, `.eml`); a week's
/// files go through `report::write`, which also commits them together.
pub(crate) fn write_atomic(
    path: &Path,
    write: impl FnOnce(&mut dyn std::io::Write) -> std::io::Result<()>,
) -> std::io::Result<()> {
    // A symbolic link is written through (the file it names is replaced), not replaced.
    let path = &through_links(path);
    // A device or a pipe (`/dev/null`, a FIFO) is written to as it is: renaming a file
    // over it would put a plain file in its place.
    if std::fs::metadata(path).is_ok_and(|m| !m.is_file() && !m.is_dir()) {
        let mut w = std::io::BufWriter::new(std::fs::OpenOptions::new().write(true).open(path)?);
        write(&mut w)?;
        return w.into_inner().map_err(|e| e.into_error()).map(drop);
    }
    replace(path, write)
}

/// Writes `path` whole or not at all, like [`write_atomic`], for a file rolecall keeps
/// inside a folder it owns (`root`: a week's folder or the state folder): no symbolic
/// link is followed. A link planted at the file's name is replaced, not written through,
/// and `root` or a folder between it and the file that is a link is an error (a
/// checked-out data branch, or anyone who can write the folder, could otherwise send the
/// write to any file the run may write), as `report` refuses a linked week or state
/// folder. The output folder above them may be a link: the user chose it.
pub(crate) fn write_inside(
    root: &Path,
    path: &Path,
    write: impl FnOnce(&mut dyn std::io::Write) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let mut dir = path.parent();
    while let Some(d) = dir.filter(|d| d.starts_with(root)) {
        refuse_link(d)?;
        dir = d.parent();
    }
    replace(path, write)
}

/// An error when `dir` is a symbolic link: rolecall writes only into real folders.
pub(crate) fn refuse_link(dir: &Path) -> std::io::Result<()> {
    if std::fs::symlink_metadata(dir).is_ok_and(|m| m.file_type().is_symlink()) {
        return Err(std::io::Error::other(format!(
            "{} is a link to another place; rolecall writes only into real folders: remove it",
            dir.display()
        )));
    }
    Ok(())
}

/// The temporary file and the rename of [`write_atomic`] and [`write_inside`].
fn replace(
    path: &Path,
    write: impl FnOnce(&mut dyn std::io::Write) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(dir)?;
    // Stopped by a signal meanwhile, the process removes the temporary file first.
    crate::interrupt::install();
    let tmp =
        crate::interrupt::create(|| temp_file().tempfile_in(dir), |t| t.path().to_path_buf())?;
    let tmp_path = tmp.path().to_path_buf();
    let written = (|| {
        let mut w = std::io::BufWriter::with_capacity(1 << 16, tmp);
        write(&mut w)?;
        let tmp = w.into_inner().map_err(|e| e.into_error())?;
        tmp.persist(path).map_err(|e| e.error)?;
        Ok(())
    })();
    crate::interrupt::untrack(&tmp_path);
    written
}

/// `path`, or the file its symbolic links lead to (a link's relative target is read from
/// the link's folder); after 40 links, `path` itself (a loop).
pub(crate) fn through_links(path: &Path) -> std::path::PathBuf {
    let mut at = path.to_path_buf();
    for _ in 0..40 {
        match std::fs::read_link(&at) {
            Ok(target) => {
                at = match at.parent() {
                    Some(dir) if target.is_relative() => dir.join(target),
                    _ => target,
                }
            }
            Err(_) => return at,
        }
    }
    path.to_path_buf()
}

/// A builder of temporary files that become the user's files when renamed: created with
/// the permissions any new file gets (`0666` less the umask, so `-rw-r--r--` as a rule),
/// not the temporary file's private `0600`, which the rename would keep (a report that
/// the web server or a colleague's account could not read).
pub(crate) fn temp_file() -> tempfile::Builder<'static, 'static> {
    let mut b = tempfile::Builder::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        b.permissions(std::fs::Permissions::from_mode(0o666));
    }
    b
}

/// The bytes of a file rolecall keeps in its state folder (a stored week, a summary, a
/// ledger of what was sent). rolecall only ever writes regular files there; a FIFO or a
/// device in its place would block the read forever, so it is an error that says so
/// (kind `InvalidInput`), not read. Missing is `NotFound`, as for `std::fs::read`.
pub(crate) fn read_state(path: &Path) -> std::io::Result<Vec<u8>> {
    let meta = std::fs::metadata(path)?;
    if !meta.is_file() {
        return Err(not_regular());
    }
    std::fs::read(path)
}

/// The error for a file in the state folder that is a FIFO, a device or a folder.
pub(crate) fn not_regular() -> std::io::Error {
    std::io::Error::new(
        std::io::ErrorKind::InvalidInput,
        "is not a regular file (a FIFO, a device or a folder); rolecall did not write it: remove it",
    )
}

/// The largest notes or template file read: far beyond any real one.
pub(crate) const MAX_BYTES: u64 = 1 << 20;

/// The text of `dir/rel`, or `None` when there is no such file. It must be a regular file
/// (not a FIFO, a device or a folder), inside `dir` once every symbolic link is resolved,
/// and at most [`MAX_BYTES`] long; anything else is an error naming the file.
pub(crate) fn read_inside(dir: &Path, rel: &Path) -> Result<Option<String>> {
    let path = dir.join(rel);
    let shown = path.display().to_string();
    let refuse = |message: String| Error::Read { path: shown.clone(), message };
    match std::fs::symlink_metadata(&path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(Error::read(&shown, &e)),
        Ok(_) => {}
    }
    let real_dir = dir.canonicalize().map_err(|e| Error::read(&dir.display().to_string(), &e))?;
    let real = match path.canonicalize() {
        Ok(p) => p,
        // A link to nothing: as if the file were not there would hide a mistake.
        Err(e) => return Err(refuse(format!("a link to a file that cannot be read ({e})"))),
    };
    if !real.starts_with(&real_dir) {
        return Err(refuse(format!(
            "links to {}, outside {}: notes and templates must be files inside their folder",
            real.display(),
            dir.display()
        )));
    }
    let meta = std::fs::metadata(&real).map_err(|e| Error::read(&shown, &e))?;
    if !meta.is_file() {
        return Err(refuse("not a regular file (a FIFO, a device or a folder)".into()));
    }
    if meta.len() > MAX_BYTES {
        return Err(refuse(format!(
            "{} bytes: larger than the {} bytes a notes or template file may be",
            meta.len(),
            MAX_BYTES
        )));
    }
    let mut bytes = Vec::new();
    let file = std::fs::File::open(&real).map_err(|e| Error::read(&shown, &e))?;
    // Bounded even if the file grows while it is read.
    file.take(MAX_BYTES + 1).read_to_end(&mut bytes).map_err(|e| Error::read(&shown, &e))?;
    if bytes.len() as u64 > MAX_BYTES {
        return Err(refuse("grew past the size a notes or template file may be".into()));
    }
    String::from_utf8(bytes).map(Some).map_err(|e| refuse(not_utf8(e.as_bytes(), e.utf8_error())))
}

/// Where a file stops being UTF-8, in words: the line, the byte in it, and what to do.
fn not_utf8(bytes: &[u8], e: std::str::Utf8Error) -> String {
    let at = e.valid_up_to();
    let line = bytes[..at].iter().filter(|b| **b == b'\n').count() + 1;
    let line_start = bytes[..at].iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1);
    format!(
        "not UTF-8 text: line {line}, byte {} (0x{:02X}) is not UTF-8 (a Latin-1 or Windows-1252 file?); save it as UTF-8",
        at - line_start + 1,
        bytes[at]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_inside_are_read_and_the_rest_refused() {
        let root = tempfile::tempdir().expect("temp dir");
        let dir = root.path().join("notes");
        std::fs::create_dir_all(dir.join("2026-W48")).expect("dirs");
        std::fs::write(dir.join("2026-W48/program.md"), "## Notes\nfine\n").expect("written");
        std::fs::write(root.path().join("secret.txt"), "GITHUB_TOKEN=ghp_x").expect("written");
        let read = |rel: &str| read_inside(&dir, Path::new(rel));
        assert_eq!(read("2026-W48/program.md").expect("ok").as_deref(), Some("## Notes\nfine\n"));
        assert_eq!(read("2026-W48/missing.md").expect("ok"), None);
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(
                root.path().join("secret.txt"),
                dir.join("2026-W48/product.md"),
            )
            .expect("link");
            let e = read("2026-W48/product.md").expect_err("a link out").to_string();
            assert!(e.contains("outside") && !e.contains("ghp_x"), "{e}");
            std::os::unix::fs::symlink("/proc/self/environ", dir.join("2026-W48/project.md"))
                .expect("link");
            assert!(read("2026-W48/project.md").is_err());
            // A link inside the folder is fine.
            std::os::unix::fs::symlink(
                dir.join("2026-W48/program.md"),
                dir.join("2026-W48/copy.md"),
            )
            .expect("link");
            assert!(read("2026-W48/copy.md").expect("ok").is_some());
        }
        std::fs::create_dir(dir.join("2026-W48/folder.md")).expect("dir");
        assert!(read("2026-W48/folder.md")
            .expect_err("a folder")
            .to_string()
            .contains("not a regular file"));
        std::fs::write(dir.join("big.md"), vec![b'a'; (MAX_BYTES + 1) as usize]).expect("written");
        assert!(read("big.md").expect_err("too big").to_string().contains("larger than"));
    }

    /// Files rolecall keeps in its own folders (an `.eml`, the e-mail ledger, a PDF) are
    /// never written through a link planted there: the link is replaced, and a linked
    /// folder on the way is refused.
    #[cfg(unix)]
    #[test]
    fn files_inside_an_owned_folder_never_follow_links() {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path().join("out");
        let victim = dir.path().join("victim.txt");
        std::fs::write(&victim, "precious").expect("written");
        let email = root.join("2026-W48").join("email");
        std::fs::create_dir_all(&email).expect("made");
        let eml = email.join("product.eml");
        std::os::unix::fs::symlink(&victim, &eml).expect("link");
        write_inside(&root, &eml, |w| w.write_all(b"message")).expect("written");
        assert_eq!(std::fs::read_to_string(&victim).expect("read"), "precious");
        assert_eq!(std::fs::read_to_string(&eml).expect("read"), "message");
        assert!(!std::fs::symlink_metadata(&eml).expect("there").file_type().is_symlink());
        // A folder on the way that is a link: refused, nothing written there.
        let elsewhere = dir.path().join("elsewhere");
        std::fs::create_dir(&elsewhere).expect("made");
        let sent = root.join(".rolecall").join("sent");
        std::fs::create_dir_all(sent.parent().expect("parent")).expect("made");
        std::os::unix::fs::symlink(&elsewhere, &sent).expect("link");
        let e = write_inside(&root, &sent.join("2026-W48.json"), |w| w.write_all(b"{}"))
            .expect_err("refused");
        assert!(e.to_string().ends_with("sent is a link to another place; rolecall writes only into real folders: remove it"), "{e}");
        assert_eq!(std::fs::read_dir(&elsewhere).expect("read").count(), 0);
        // The folder above the root may be a link (the user chose it); the root, a week
        // or state folder, may not (`report` refuses it too).
        let linked_out = dir.path().join("reports");
        std::os::unix::fs::symlink(&root, &linked_out).expect("link");
        let week = linked_out.join("2026-W48");
        write_inside(&week, &week.join("x.pdf"), |w| w.write_all(b"%PDF")).expect("written");
        let linked_week = root.join("2026-W49");
        std::os::unix::fs::symlink(&elsewhere, &linked_week).expect("link");
        write_inside(&linked_week, &linked_week.join("x.pdf"), |w| w.write_all(b"%PDF"))
            .expect_err("refused");
        assert_eq!(std::fs::read_dir(&elsewhere).expect("read").count(), 0);
    }
}
