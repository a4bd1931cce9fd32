//! A ledger path in → a read-only SQLite connection on it (`export`, `show`), that works for a
//! staff member who may read the ledger but not write its folder.
//!
//! In WAL mode a reader needs the `-shm` file beside the ledger. While a run has the ledger
//! open, its `-wal` and `-shm` are there and SQLite reads them read-only (`mode=ro`). When no
//! run has it open they are gone (the last connection removes them): a read-only connection
//! would have to create them, which a reader who cannot write the folder cannot do (SQLite's
//! SQLITE_READONLY_CANTINIT), and which would leave files behind that it cannot remove. Then
//! the file alone holds every commit, and it is read with `immutable=1` (no journal, no locks).
//! Without locks, a run that starts and checkpoints while the report is read would change pages
//! under it, so the file's identity, size and change times, and the absence of a `-wal`, are
//! taken before and compared after each read: a read that overlapped a change is done again on a
//! fresh connection (by then the run's `-wal` is there, so `mode=ro` is used).

use super::error::{SqlContext as _, SqlError};
use anyhow::{Context as _, Result};
use rusqlite::{Connection, OpenFlags};
use std::path::Path;

/// How a read-only connection reads the ledger.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ReadMode {
    /// SQLite's read-only mode, with the `-wal` and `-shm` a run keeps (or this user creates).
    ReadOnly,
    /// The file alone, without locks, as it was when `stamp` was taken.
    Immutable(Stamp),
}

/// What identifies one state of the ledger file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Stamp {
    dev: u64,
    ino: u64,
    len: u64,
    modified: (i64, i64),
    changed: (i64, i64),
    /// A run's journal (`-wal`) exists.
    journal: bool,
}

impl Stamp {
    pub(crate) fn of(path: &Path) -> std::io::Result<Stamp> {
        let meta = std::fs::metadata(path)?;
        let journal = with_suffix(path, "-wal").exists();
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            Ok(Stamp {
                dev: meta.dev(),
                ino: meta.ino(),
                len: meta.len(),
                modified: (meta.mtime(), meta.mtime_nsec()),
                changed: (meta.ctime(), meta.ctime_nsec()),
                journal,
            })
        }
        #[cfg(not(unix))]
        {
            let modified = meta
                .modified()
                .ok()
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .map_or((0, 0), |d| {
                    (d.as_secs() as i64, i64::from(d.subsec_nanos()))
                });
            Ok(Stamp {
                dev: 0,
                ino: 0,
                len: meta.len(),
                modified,
                changed: modified,
                journal,
            })
        }
    }

    /// Whether the file as read then is still the whole ledger: same file, same contents, and
    /// still no journal that may hold commits beyond it.
    pub(crate) fn still(&self, path: &Path) -> bool {
        Stamp::of(path).is_ok_and(|now| now == *self && !now.journal)
    }
}

fn with_suffix(path: &Path, suffix: &str) -> std::path::PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    name.into()
}

/// `path` as an SQLite URI with these query parameters: every byte outside the unreserved set
/// and `/` percent-encoded, so `?`, `#` and `%` in a folder name stay part of the path.
fn uri(path: &Path, query: &str) -> String {
    let mut out = String::from("file:");
    for &b in path.as_os_str().as_encoded_bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'/' | b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out.push('?');
    out.push_str(query);
    out
}

fn open_uri(uri: &str) -> rusqlite::Result<Connection> {
    Connection::open_with_flags(
        uri,
        OpenFlags::SQLITE_OPEN_READ_ONLY
            | OpenFlags::SQLITE_OPEN_URI
            | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
}

/// Opens the ledger file `real` (canonical, existing) read-only, and reads its schema once (so
/// that an open that cannot work fails here, not in the middle of a report).
pub(crate) fn open(real: &Path, busy: std::time::Duration) -> Result<(Connection, ReadMode)> {
    let probe = |conn: &Connection| -> rusqlite::Result<()> {
        conn.busy_timeout(busy)?;
        conn.query_row("SELECT COUNT(*) FROM sqlite_master", [], |_| Ok(()))
    };
    let stamp = Stamp::of(real).context("cannot read the ledger file's details")?;
    if !stamp.journal {
        let conn = open_uri(&uri(real, "immutable=1"))
            .and_then(|conn| probe(&conn).map(|()| conn))
            .sql_context("cannot read the ledger file")?;
        return Ok((conn, ReadMode::Immutable(stamp)));
    }
    match open_uri(&uri(real, "mode=ro")).and_then(|conn| probe(&conn).map(|()| conn)) {
        Ok(conn) => Ok((conn, ReadMode::ReadOnly)),
        Err(e) => Err(anyhow::Error::new(SqlError::from(e)).context(format!(
            "cannot read it beside the journal of the run that has it open ({}-wal); its \
             -shm file must be readable to this user",
            real.display()
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_keep_odd_folder_names_a_path() {
        assert_eq!(
            uri(Path::new("/var/lib/a b/l?x#1%.db"), "mode=ro"),
            "file:/var/lib/a%20b/l%3Fx%231%25.db?mode=ro"
        );
    }

    #[test]
    fn without_a_run_the_file_is_read_alone_and_a_run_starting_is_seen() {
        // tests/suite/worklist.rs runs this as a user who cannot write the folder.
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("l.db");
        let conn = Connection::open(&path).unwrap();
        conn.pragma_update(None, "journal_mode", "WAL").unwrap();
        conn.execute_batch("CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (1), (2);")
            .unwrap();
        drop(conn);
        let busy = std::time::Duration::from_millis(100);
        let (alone, mode) = open(&path, busy).unwrap();
        let ReadMode::Immutable(stamp) = mode else {
            panic!("{mode:?}")
        };
        let sum: i64 = alone
            .query_row("SELECT SUM(x) FROM t", [], |r| r.get(0))
            .unwrap();
        assert_eq!(sum, 3);
        assert!(stamp.still(&path));
        drop(alone);
        for suffix in ["-wal", "-shm"] {
            assert!(!with_suffix(&path, suffix).exists(), "{suffix} left behind");
        }
        // A run opens the ledger and commits: the stamp no longer holds, and a new reader uses
        // the run's journal.
        let writer = Connection::open(&path).unwrap();
        writer.execute("INSERT INTO t VALUES (3)", []).unwrap();
        assert!(!stamp.still(&path), "a run's journal is a change");
        let (ro, mode) = open(&path, busy).unwrap();
        assert_eq!(mode, ReadMode::ReadOnly);
        let sum: i64 = ro
            .query_row("SELECT SUM(x) FROM t", [], |r| r.get(0))
            .unwrap();
        assert_eq!(sum, 6);
    }
}
