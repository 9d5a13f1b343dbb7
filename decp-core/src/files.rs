//! The DECP files of a directory: what the CLI and the bindings read when given a
//! folder, found by one rule.

use std::io;
use std::path::{Path, PathBuf};

/// The DECP files under `dir`, recursively: regular files named `*.json` or
/// `*.xml` (any case), in path order. Symbolic links are not followed (no loop
/// through the file system) and nothing but regular files is listed (a FIFO named
/// `x.json` would block its reader forever). An empty list is not an error here;
/// callers say so in their own terms.
///
/// # Errors
///
/// The file system's errors (a directory that cannot be listed).
///
/// ```
/// let dir = std::env::temp_dir().join(format!("decp-doc-files-{}", std::process::id()));
/// std::fs::create_dir_all(dir.join("2024"))?;
/// for name in ["b.json", "2024/a.XML", "notes.txt"] {
///     std::fs::write(dir.join(name), "")?;
/// }
/// let files = decp_core::files::decp_files(&dir)?;
/// assert_eq!(files, [dir.join("2024/a.XML"), dir.join("b.json")]);
/// # std::fs::remove_dir_all(&dir)?;
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn decp_files(dir: &Path) -> io::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    walk(dir, &mut out)?;
    Ok(out)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> io::Result<()> {
    let mut entries: Vec<(PathBuf, std::fs::FileType)> = std::fs::read_dir(dir)?
        .map(|e| e.and_then(|e| Ok((e.path(), e.file_type()?))))
        .collect::<Result<_, _>>()?;
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    for (p, t) in entries {
        if t.is_dir() {
            walk(&p, out)?;
        } else if t.is_file()
            && p.extension()
                .is_some_and(|x| x.eq_ignore_ascii_case("json") || x.eq_ignore_ascii_case("xml"))
        {
            out.push(p);
        }
    }
    Ok(())
}
