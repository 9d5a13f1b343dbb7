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
/// What is replaced, and what is written directly:
///
/// - A regular file, or a path where nothing is yet: written to a hidden
///   temporary file (`.decp-…`) in the same directory, which needs to be
///   writable. The temporary file, and so the committed one, has the
///   permissions of the file it replaces, or, for a new file, those
///   `File::create` would give (`0666` less the umask on Unix). Being a new
///   file, it does not keep the replaced file's owner, extended attributes or
///   hard links, and on Unix a read-only file is replaced like any other (as
///   `mv` would; elsewhere the rename fails). It is on disk (`fsync`) before
///   it is renamed, and the directory is synced after (on Unix, best effort).
/// - A symbolic link: the file it leads to is made or replaced, beside
///   itself; the link stays a link.
/// - Anything else is written directly; there is nothing to rename onto. The
///   process's standard output or error under one of their names
///   (`/dev/stdout`, `/dev/fd/2`, `/proc/self/fd/1`) is the open descriptor
///   itself, so that what the shell opened (`>> log`) keeps its place; another
///   path through `/proc`, a device or a FIFO is opened as it is. A directory
///   (or a path ending with `/`) is an error here, not after the whole
///   document.
///
/// A process killed outright (`SIGKILL`, power loss) can leave a `.decp-…`
/// temporary file behind, never a partial file under the name.
/// [`WriterBuilder::from_path`] and the CLI's outputs write through it.
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
    /// The path as given.
    path: PathBuf,
    /// The file replaced on commit: `path`, or where its link leads.
    target: PathBuf,
}

#[derive(Debug)]
enum State {
    Pending(tempfile::NamedTempFile),
    /// Only while [`AtomicFile::commit`] renames it.
    Moving,
    Committed(File),
}

/// Where the bytes for a path go.
enum Destination {
    /// Through a temporary file renamed onto this path.
    Replace(PathBuf),
    /// Straight into the path, which leads to this one (see [`open_direct`]).
    Direct(PathBuf),
}

/// Decides how `path` is written (see [`AtomicFile`]), following its links
/// one at a time so that a link into `/proc` anywhere on the way is seen
/// (`/dev/stdout` leads to `/proc/self/fd/1`, which leads to whatever the
/// shell opened).
fn destination(path: &Path) -> Destination {
    let special = |p: &Path| cfg!(unix) && p.starts_with("/proc");
    // `out/`: a directory, whatever is there; it fails at once.
    if path
        .as_os_str()
        .to_string_lossy()
        .ends_with(std::path::is_separator)
    {
        return Destination::Direct(path.to_path_buf());
    }
    let mut p = path.to_path_buf();
    // As many links as Linux follows (`ELOOP` past 40).
    for _ in 0..40 {
        if special(&p) || std::fs::canonicalize(parent(&p)).is_ok_and(|d| special(&d)) {
            return Destination::Direct(p);
        }
        match std::fs::symlink_metadata(&p) {
            // Nothing there yet, or a link that leads to nothing yet: the
            // file is made there (an unreadable or missing directory fails at
            // the temporary file with its own error).
            Err(_) => return Destination::Replace(p),
            Ok(m) if m.file_type().is_symlink() => match std::fs::read_link(&p) {
                // An absolute target replaces the whole path.
                Ok(to) => p = parent(&p).join(to),
                Err(_) => return Destination::Direct(p),
            },
            Ok(m) if m.is_file() => return Destination::Replace(p),
            Ok(_) => return Destination::Direct(p),
        }
    }
    Destination::Direct(p)
}

/// Opens `path`, which leads to `resolved`, to be written directly: the
/// process's own standard output or error when it is one of their names
/// (`/dev/stdout`, `/proc/self/fd/1`…: the open descriptor is duplicated, so
/// that a shell's `>>` or a file written before keeps its place); else as it
/// is, created if missing, and emptied first if it is a regular file.
fn open_direct(path: &Path, resolved: &Path) -> io::Result<File> {
    #[cfg(unix)]
    {
        use std::os::fd::AsFd;
        let own = format!("/proc/{}/fd", std::process::id());
        let fd = ["/proc/self/fd", "/proc/thread-self/fd", &own]
            .iter()
            .find_map(|dir| resolved.strip_prefix(dir).ok());
        let stream = match fd.and_then(|n| n.to_str()) {
            Some("1") => Some(io::stdout().as_fd().try_clone_to_owned()?),
            Some("2") => Some(io::stderr().as_fd().try_clone_to_owned()?),
            _ => None,
        };
        if let Some(fd) = stream {
            return Ok(File::from(fd));
        }
    }
    #[cfg(not(unix))]
    let _ = resolved;
    let file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(false)
        .open(path)?;
    if file.metadata()?.is_file() {
        file.set_len(0)?;
    }
    Ok(file)
}

impl AtomicFile {
    /// Starts writing `path` (see [`AtomicFile`] for what is replaced and
    /// what is written directly).
    ///
    /// # Errors
    ///
    /// The I/O error of creating the temporary file, or of opening a path
    /// written directly (no such directory, no permission, a directory).
    pub fn create(path: impl AsRef<Path>) -> io::Result<AtomicFile> {
        let path = path.as_ref();
        let target = match destination(path) {
            Destination::Replace(target) => target,
            Destination::Direct(resolved) => {
                return Ok(AtomicFile {
                    state: State::Committed(open_direct(path, &resolved)?),
                    path: path.to_path_buf(),
                    target: resolved,
                });
            }
        };
        let mut builder = tempfile::Builder::new();
        builder.prefix(".decp-");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            // The replaced file's own permissions from the start (readable by
            // no one it was not readable by), else what `File::create` asks
            // for; the umask applies either way.
            let mode = std::fs::metadata(&target).map_or(0o666, |m| m.permissions().mode() & 0o777);
            builder.permissions(std::fs::Permissions::from_mode(mode));
        }
        let tmp = builder.tempfile_in(parent(&target))?;
        Ok(AtomicFile {
            state: State::Pending(tmp),
            path: path.to_path_buf(),
            target,
        })
    }

    /// The path the file takes when committed, as given to
    /// [`AtomicFile::create`].
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Gives the file the permissions of the one it replaces, puts it on disk
    /// and renames it to its path, replacing any file there. Once committed, a
    /// second call does nothing.
    ///
    /// # Errors
    ///
    /// The I/O error of any step (a full disk is often only reported by the
    /// `fsync`); the file under the name is then the one before, if any, and
    /// the temporary file is still pending: a later `commit` may be tried, or
    /// dropping the `AtomicFile` removes it.
    pub fn commit(&mut self) -> io::Result<()> {
        let tmp = match &self.state {
            State::Pending(tmp) => tmp,
            State::Committed(_) => return Ok(()),
            State::Moving => return Err(moving()),
        };
        if let Ok(m) = std::fs::metadata(&self.target) {
            tmp.as_file().set_permissions(m.permissions())?;
        }
        tmp.as_file().sync_all()?;
        let State::Pending(tmp) = std::mem::replace(&mut self.state, State::Moving) else {
            unreachable!("checked above")
        };
        match tmp.persist(&self.target) {
            Ok(file) => {
                self.state = State::Committed(file);
                // The rename itself on disk; it has happened either way, so a
                // failure here is not the commit's.
                #[cfg(unix)]
                if let Ok(dir) = File::open(parent(&self.target)) {
                    let _ = dir.sync_all();
                }
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
            State::Moving => Err(moving()),
        }
    }
}

fn moving() -> io::Error {
    io::Error::other("the file is being renamed")
}

/// The directory of `path` (`.` for a bare file name).
fn parent(path: &Path) -> &Path {
    match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
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
            // A new file: what `File::create` gives under this umask.
            let new = d.join("new.json");
            let mut f = AtomicFile::create(&new).unwrap();
            f.commit().unwrap();
            let mode = std::fs::metadata(&new).unwrap().permissions().mode();
            let plain = d.join("plain");
            File::create(&plain).unwrap();
            let want = std::fs::metadata(&plain).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, want & 0o777);
            std::fs::remove_file(&plain).unwrap();
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

    #[cfg(unix)]
    #[test]
    fn a_link_stays_a_link_and_the_file_it_leads_to_is_replaced() {
        let is_link = |p: &Path| {
            let m = std::fs::symlink_metadata(p).unwrap();
            m.file_type().is_symlink()
        };
        let d = dir("link");
        std::fs::create_dir(d.join("real")).unwrap();
        let real = d.join("real/a.json");
        std::fs::write(&real, b"before").unwrap();
        let link = d.join("a.json");
        std::os::unix::fs::symlink("real/a.json", &link).unwrap();
        let mut f = AtomicFile::create(&link).unwrap();
        f.write_all(b"after").unwrap();
        assert_eq!(
            names(&d.join("real")).len(),
            2,
            "the temporary file is beside the target"
        );
        f.commit().unwrap();
        drop(f);
        assert!(is_link(&link));
        assert_eq!(std::fs::read(&real).unwrap(), b"after");
        assert_eq!(names(&d), ["a.json", "real"]);
        assert_eq!(names(&d.join("real")), ["a.json"]);

        // A link that leads to nothing yet: the file is made where it leads,
        // through a temporary file there too.
        let dangling = d.join("b.json");
        std::os::unix::fs::symlink("real/b.json", &dangling).unwrap();
        let mut f = AtomicFile::create(&dangling).unwrap();
        f.write_all(b"b").unwrap();
        assert!(!d.join("real/b.json").exists(), "not before the commit");
        f.commit().unwrap();
        drop(f);
        assert!(is_link(&dangling));
        assert_eq!(std::fs::read(d.join("real/b.json")).unwrap(), b"b");
        std::fs::remove_dir_all(&d).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn standard_streams_devices_and_links_into_proc_are_written_directly() {
        for p in ["/dev/stdout", "/proc/self/fd/1", "/dev/null", "a/"] {
            assert!(
                matches!(destination(Path::new(p)), Destination::Direct(_)),
                "{p}"
            );
        }
        // A regular file under /dev (tmpfs) is a file like any other.
        assert!(matches!(
            destination(Path::new("/dev/shm/decp-none.json")),
            Destination::Replace(_)
        ));
        let d = dir("proc");
        let link = d.join("out");
        std::os::unix::fs::symlink("/proc/self/fd/1", &link).unwrap();
        assert!(matches!(destination(&link), Destination::Direct(_)));
        assert!(matches!(destination(&d), Destination::Direct(_)));
        assert!(AtomicFile::create(&d).is_err(), "a directory");
        std::fs::remove_dir_all(&d).unwrap();
    }

    #[test]
    fn a_missing_directory_is_an_error() {
        let d = dir("missing");
        let e = AtomicFile::create(d.join("no/such/a.json")).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::NotFound);
        std::fs::remove_dir_all(&d).unwrap();
    }
}
