//! A ledger path in → the ledger opened without changing it (SQLite read-only: never created,
//! migrated or reconfigured) for `poll --dry-run` and `doctor`; or an empty ledger in memory for
//! a dry run before the first real one. Also what `doctor` asks of a ledger: its schema version
//! and SQLite's `quick_check`.

use super::error::SqlContext as _;
use super::{Ledger, files, schema};
use anyhow::{Result, bail};
use rusqlite::OpenFlags;
use std::path::Path;

/// A ledger's schema version and the newest this program knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SchemaVersion {
    pub found: i64,
    pub latest: i64,
}

impl Ledger {
    /// Opens an existing ledger read-only; `None` when there is no file. Nothing in it is
    /// changed: no journal mode, no migration (an older schema is read as it is, and the
    /// queries a dry run makes exist in every version), no lock.
    pub fn open_unchanged(path: &Path) -> Result<Option<Ledger>> {
        let real = match files::canonical(path) {
            Ok(real) => real,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => bail!("cannot open the ledger {}: {e}", path.display()),
        };
        if !real.exists() {
            return Ok(None);
        }
        if !real.is_file() {
            bail!("the ledger {} is not a file", path.display());
        }
        let conn = rusqlite::Connection::open_with_flags(
            &real,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .with_sql_context(|| format!("cannot open the ledger {}", path.display()))?;
        schema::check_identity(&conn)
            .map_err(|e| anyhow::anyhow!("cannot use {} as a ledger: {e:#}", path.display()))?;
        Ok(Some(Ledger {
            conn,
            path: path.to_path_buf(),
            draft_new_records: false,
            real,
            snapshot: None,
        }))
    }

    /// An empty ledger in memory with the newest schema: what a dry run compares with when no
    /// ledger file exists yet.
    pub fn in_memory() -> Result<Ledger> {
        let mut conn =
            rusqlite::Connection::open_in_memory().sql_context("cannot open a ledger in memory")?;
        schema::migrate(&mut conn)?;
        Ok(Ledger {
            conn,
            path: ":memory:".into(),
            draft_new_records: false,
            real: ":memory:".into(),
            snapshot: None,
        })
    }

    /// The schema version of the file, and the newest one this program would migrate it to.
    pub fn schema_version(&self) -> Result<SchemaVersion> {
        let found: i64 = self
            .conn
            .pragma_query_value(None, "user_version", |row| row.get(0))
            .with_sql_context(|| self.what("cannot read the schema version"))?;
        Ok(SchemaVersion {
            found,
            latest: schema::latest_version(),
        })
    }

    /// SQLite's `quick_check` of every page: `Err` with what it found.
    pub fn quick_check(&self) -> Result<(), String> {
        schema::quick_check(&self.conn).map_err(|damage| damage.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn read_only_creates_nothing_and_changes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ledger.db");
        assert!(Ledger::open_unchanged(&path).unwrap().is_none());
        assert!(!path.exists(), "not created");
        drop(Ledger::open(&path).unwrap());
        let before = std::fs::read(&path).unwrap();
        let ledger = Ledger::open_unchanged(&path).unwrap().expect("exists");
        let version = ledger.schema_version().unwrap();
        assert_eq!(version.found, version.latest);
        assert!(ledger.quick_check().is_ok());
        assert!(!ledger.contains("mid:x@y").unwrap());
        drop(ledger);
        assert_eq!(std::fs::read(&path).unwrap(), before);
        let memory = Ledger::in_memory().unwrap();
        assert!(memory.keys().unwrap().is_empty());
    }
}
