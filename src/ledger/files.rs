//! A ledger path in → the files that make up that ledger out: its canonical path (the name
//! SQLite resolves it to), the `-wal`, `-shm` and run-lock files beside it, whether another path
//! names one of them (`export --out`), and whether the file has more than one name.
//!
//! A ledger is one file however it is reached: through a symbolic link, `..`, a relative path
//! or a bind-mounted folder. SQLite follows symbolic links itself and keeps its `-wal` and
//! `-shm` files beside the file's real name, so everything here works on that same name.
//! A hard link is another real name: SQLite would keep a second journal beside it, and two
//! journals for one file lose commits, so a ledger with more than one is refused.

use std::ffi::OsString;
use std::io;
use std::path::{Path, PathBuf};

/// How many symbolic links are followed while resolving a path whose target does not exist
/// yet (the kernel's own limit for a lookup).
const MAX_LINKS: usize = 40;

/// `path` with `suffix` appended to its file name (`ledger.db` + `-wal`).
fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = OsString::from(path.as_os_str());
    name.push(suffix);
    PathBuf::from(name)
}

/// The folder a path names its file in (`.` for a bare file name).
fn folder(path: &Path) -> &Path {
    path.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

/// The canonical path of a file that may not exist yet: symbolic links (also a dangling one
/// at the end, which creating the file would follow), `.` and `..` resolved, absolute. The
/// folder must exist.
pub(crate) fn canonical(path: &Path) -> io::Result<PathBuf> {
    let mut path = path.to_path_buf();
    for _ in 0..MAX_LINKS {
        match std::fs::canonicalize(&path) {
            Ok(real) => return Ok(real),
            Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
            Err(_) => {}
        }
        let name = path.file_name().ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("{} does not name a file", path.display()),
            )
        })?;
        let resolved = std::fs::canonicalize(folder(&path))?.join(name);
        match std::fs::read_link(&resolved) {
            // A dangling link: its target, relative to the link's folder.
            Ok(target) => path = folder(&resolved).join(target),
            Err(_) => return Ok(resolved),
        }
    }
    Err(io::Error::other(format!(
        "{}: too many levels of symbolic links",
        path.display()
    )))
}

/// The run lock's file: the ledger's canonical path with `.lock` appended, so every path and
/// link to one ledger names the same lock.
pub fn lock_path(db_path: &Path) -> io::Result<PathBuf> {
    Ok(with_suffix(&canonical(db_path)?, ".lock"))
}

/// Every file of the ledger at `db_path`: the database, its `-wal` and `-shm`, its run lock;
/// under the canonical name and (for files an older version left) under the name as given.
fn ledger_files(db_path: &Path) -> Vec<PathBuf> {
    let mut bases = vec![db_path.to_path_buf()];
    if let Ok(real) = canonical(db_path) {
        bases.push(real);
    }
    bases
        .iter()
        .flat_map(|base| {
            ["", "-wal", "-shm", "-journal", ".lock"].map(|suffix| with_suffix(base, suffix))
        })
        .collect()
}

/// True when `candidate` is the ledger at `db_path` or one of its files (`-wal`, `-shm`,
/// `-journal`, the run lock), by any path or link: the same device and inode where both exist,
/// the same canonical path otherwise (a file that does not exist yet).
pub(crate) fn is_ledger_file(db_path: &Path, candidate: &Path) -> bool {
    let files = ledger_files(db_path);
    #[cfg(unix)]
    if let Ok(meta) = std::fs::metadata(candidate) {
        use std::os::unix::fs::MetadataExt;
        let same_file = |file: &PathBuf| {
            std::fs::metadata(file).is_ok_and(|m| (m.dev(), m.ino()) == (meta.dev(), meta.ino()))
        };
        if files.iter().any(same_file) {
            return true;
        }
    }
    let Ok(candidate) = canonical(candidate) else {
        return false;
    };
    files
        .iter()
        .any(|file| canonical(file).is_ok_and(|real| real == candidate))
}

/// How many names (hard links) the file has; 1 where the platform cannot say.
pub(crate) fn link_count(meta: &std::fs::Metadata) -> u64 {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        meta.nlink()
    }
    #[cfg(not(unix))]
    {
        let _ = meta;
        1
    }
}

/// Creates a missing file readable by its owner only (a ledger holds applicants' personal
/// details; SQLite gives its -wal and -shm files the same mode). An existing file is left as
/// it is, so an operator's chosen permissions stay. `path` is canonical, so a dangling link's
/// target is what gets created, with this mode.
pub(crate) fn create_private(path: &Path) -> io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    match options.open(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(e),
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    #[test]
    fn canonical_follows_links_also_to_a_missing_file() {
        let dir = tempfile::tempdir().unwrap();
        let real = std::fs::canonicalize(dir.path()).unwrap();
        std::fs::create_dir(real.join("sub")).unwrap();
        symlink("sub/c.db", real.join("l.db")).unwrap();
        symlink("l.db", real.join("ll.db")).unwrap();
        // Missing target, reached through two links.
        assert_eq!(
            canonical(&real.join("ll.db")).unwrap(),
            real.join("sub/c.db")
        );
        std::fs::write(real.join("sub/c.db"), b"").unwrap();
        assert_eq!(
            canonical(&real.join("ll.db")).unwrap(),
            real.join("sub/c.db")
        );
        assert_eq!(
            canonical(&real.join("sub/../sub/./c.db")).unwrap(),
            real.join("sub/c.db")
        );
        // A missing file in an existing folder, and a folder that is missing.
        assert_eq!(
            canonical(&real.join("new.db")).unwrap(),
            real.join("new.db")
        );
        assert!(canonical(&real.join("no/such.db")).is_err());
        // A loop of links ends with an error, not a hang.
        symlink("loop-b", real.join("loop-a")).unwrap();
        symlink("loop-a", real.join("loop-b")).unwrap();
        assert!(canonical(&real.join("loop-a")).is_err());
    }

    #[test]
    fn ledger_files_are_recognised_by_any_name() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::write(d.join("c.db"), b"db").unwrap();
        std::fs::write(d.join("c.db-wal"), b"wal").unwrap();
        symlink("c.db", d.join("l.db")).unwrap();
        std::fs::hard_link(d.join("c.db-wal"), d.join("wal-copy")).unwrap();
        for (candidate, expected) in [
            ("c.db", true),
            ("l.db", true),
            ("./c.db", true),
            ("c.db-wal", true),
            ("wal-copy", true),
            // Not there yet, but they would be the ledger's.
            ("c.db-shm", true),
            ("c.db.lock", true),
            ("l.db-shm", true),
            ("report.csv", false),
            ("c.db.csv", false),
        ] {
            assert_eq!(
                is_ledger_file(&d.join("l.db"), &d.join(candidate)),
                expected,
                "{candidate}"
            );
        }
    }
}
