//! Files written whole or not at all: [`AtomicFile`].

use std::fs::File;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// A file written through a temporary file beside it, which takes the file's
/// name only on [`AtomicFile::commit`]: until then the file (or the one it
/// replaces) is untouched, and an `AtomicFile` dropped uncommitted removes its
/// temporary file. A failed or interrupted write therefore never leaves a
/// half-written or truncated file under the name.
///
/// A path that names an existing device or FIFO (`/dev/stdout`, a named pipe)
/// is written directly: there is nothing to rename.
///
/// The committed file has the permissions of the file it replaces, or, for a
/// new file on Unix, `0644` (what the usual umask gives); it is on disk
/// (`fsync`) before it is renamed. [`WriterBuilder::from_path`] and the CLI's
/// outputs write through it.
///
/// [`WriterBuilder::from_path`]: crate::WriterBuilder::from_path
///
/// ```
/// use std::io::Write;
/// let dir = std::env::temp_dir().join(format!("decp-doc-atomic-{}", std::process::id()));
/// std::fs::create_dir_all(&dir)?;
/// let path = dir.join("out.json");
/// let mut f = decp_core::AtomicFile::create(&path)?;
/// f.write_all(b"{}")?;
/// assert!(!path.exists());
/// f.commit()?;
/// assert_eq!(std::fs::read(&path)?, b"{}");
/// # std::fs::remove_dir_all(&dir)?;
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug)]
pub struct AtomicFile {
    /// The temporary file until committed, then the file under its name.
    state: State,
    path: PathBuf,
}

#[derive(Debug)]
enum State {
    Pending(tempfile::NamedTempFile),
    /// Only while [`AtomicFile::commit`] renames it.
    Moving,
    Committed(File),
}

impl AtomicFile {
    /// Starts writing `path`: a hidden temporary file (`.decp-…`) in the same
    /// directory (a rename across file systems would not be atomic).
    ///
    /// # Errors
    ///
    /// The I/O error of creating the temporary file (no such directory, no
    /// permission).
    pub fn create(path: impl AsRef<Path>) -> io::Result<AtomicFile> {
        let path = path.as_ref();
        // A device or a FIFO (`/dev/stdout`, a pipe): renaming onto it would
        // replace it with a file; it is written directly (a directory fails
        // here, not after the whole document).
        if std::fs::metadata(path).is_ok_and(|m| !m.is_file()) {
            let file = std::fs::OpenOptions::new().write(true).open(path)?;
            return Ok(AtomicFile {
                state: State::Committed(file),
                path: path.to_path_buf(),
            });
        }
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        let tmp = tempfile::Builder::new().prefix(".decp-").tempfile_in(dir)?;
        Ok(AtomicFile {
            state: State::Pending(tmp),
            path: path.to_path_buf(),
        })
    }

    /// The path the file takes when committed.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Gives the file its permissions, puts it on disk and renames it to its
    /// path, replacing any file there. Once committed, a second call does
    /// nothing.
    ///
    /// # Errors
    ///
    /// The I/O error of any step (a full disk is often only reported by the
    /// `fsync`); the file under the name is then the one before, if any.
    pub fn commit(&mut self) -> io::Result<()> {
        let State::Pending(tmp) = &self.state else {
            return Ok(());
        };
        let perms = std::fs::metadata(&self.path)
            .map(|m| m.permissions())
            .ok()
            .or_else(new_file_permissions);
        if let Some(perms) = perms {
            tmp.as_file().set_permissions(perms)?;
        }
        tmp.as_file().sync_all()?;
        let State::Pending(tmp) = std::mem::replace(&mut self.state, State::Moving) else {
            unreachable!("checked above")
        };
        match tmp.persist(&self.path) {
            Ok(file) => {
                self.state = State::Committed(file);
                Ok(())
            }
            Err(e) => {
                self.state = State::Pending(e.file);
                Err(e.error)
            }
        }
    }

    fn file(&mut self) -> io::Result<&mut File> {
        match &mut self.state {
            State::Pending(t) => Ok(t.as_file_mut()),
            State::Committed(f) => Ok(f),
            State::Moving => Err(io::Error::other("the file is being renamed")),
        }
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.file()?.write(buf)
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        self.file()?.write_all(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.file()?.flush()
    }
}

/// The permissions a new file gets: read and write for its owner, read for the
/// others (`0644`, what the usual umask 022 gives); elsewhere than Unix, the
/// temporary file's own.
fn new_file_permissions() -> Option<std::fs::Permissions> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        Some(std::fs::Permissions::from_mode(0o644))
    }
    #[cfg(not(unix))]
    {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dir(name: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("decp-atomic-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    fn names(d: &Path) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(d)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn a_file_dropped_uncommitted_leaves_the_one_before_and_no_temporary_file() {
        let d = dir("drop");
        let path = d.join("a.json");
        std::fs::write(&path, b"before").unwrap();
        let mut f = AtomicFile::create(&path).unwrap();
        f.write_all(b"half").unwrap();
        assert_eq!(names(&d).len(), 2, "the temporary file is beside it");
        drop(f);
        assert_eq!(std::fs::read(&path).unwrap(), b"before");
        assert_eq!(names(&d), ["a.json"]);
        std::fs::remove_dir_all(&d).unwrap();
    }

    #[test]
    fn a_committed_file_replaces_the_one_before_and_keeps_its_permissions() {
        let d = dir("commit");
        let path = d.join("a.json");
        std::fs::write(&path, b"before").unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
        }
        let mut f = AtomicFile::create(&path).unwrap();
        f.write_all(b"after").unwrap();
        f.commit().unwrap();
        f.commit().unwrap();
        // Still writable once committed, under its name.
        f.write_all(b"!").unwrap();
        f.flush().unwrap();
        drop(f);
        assert_eq!(std::fs::read(&path).unwrap(), b"after!");
        assert_eq!(names(&d), ["a.json"]);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o640);
            let new = d.join("new.json");
            let mut f = AtomicFile::create(&new).unwrap();
            f.commit().unwrap();
            let mode = std::fs::metadata(&new).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o644);
        }
        std::fs::remove_dir_all(&d).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn a_device_is_written_directly_not_replaced() {
        let mut f = AtomicFile::create("/dev/null").unwrap();
        f.write_all(b"x").unwrap();
        f.commit().unwrap();
        drop(f);
        let m = std::fs::metadata("/dev/null").unwrap();
        assert!(!m.is_file(), "/dev/null is still a device");
    }

    #[test]
    fn a_missing_directory_is_an_error() {
        let d = dir("missing");
        let e = AtomicFile::create(d.join("no/such/a.json")).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::NotFound);
        std::fs::remove_dir_all(&d).unwrap();
    }
}
