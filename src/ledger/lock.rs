//! A ledger path in → the run lock: an exclusive lock on `<canonical ledger path>.lock`, held
//! until dropped.
//!
//! SQLite's own locks only serialise single transactions; two runs would still interleave
//! their batches (and both move IMAP messages), so one run holds this lock from start to end.
//! It is keyed by the ledger file, not the name it was reached by: the lock file sits beside
//! the canonical path (links, `..` and relative paths resolved, as SQLite resolves them for its
//! `-wal` and `-shm`), so `--db ledger.db` and `--db link-to-ledger.db` take the same lock. A
//! hard link has no such name; `Ledger::open` refuses a ledger that has one.
//!
//! The lock is the operating system's (`flock` on Linux), so it is released when the process
//! ends however it ends; the file itself stays (deleting it would race with a new run). It is
//! a separate file, never the database: closing any descriptor of the database file would drop
//! SQLite's own POSIX locks on it.
//!
//! Only runs (`ingest`, `poll`) take it. A command that writes one transaction (a staff
//! decision) must not: the `poll` daemon holds the lock for as long as it is up, and SQLite's
//! write lock already orders that transaction with the run's batches.

use super::files::{create_private, lock_path};
use std::fs::{File, OpenOptions, TryLockError};
use std::path::Path;

/// The one-writer lock, held for the whole run (a file lock beside the ledger).
#[derive(Debug)]
pub struct RunLock {
    _file: File,
}

/// Why the lock could not be taken.
#[derive(Debug)]
pub enum LockError {
    /// Another run holds it: exit 75.
    Held,
    Io(std::io::Error),
}

impl std::fmt::Display for LockError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LockError::Held => f.write_str("another run holds the ledger's lock"),
            LockError::Io(e) => write!(f, "cannot take the ledger's lock: {e}"),
        }
    }
}

impl std::error::Error for LockError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            LockError::Held => None,
            LockError::Io(e) => Some(e),
        }
    }
}

impl RunLock {
    /// Takes the lock of the ledger at `db_path` (by any path or link to it) without waiting:
    /// `Held` when another process (or another handle in this process) has it.
    pub fn acquire(db_path: &Path) -> Result<RunLock, LockError> {
        let path = lock_path(db_path).map_err(LockError::Io)?;
        create_private(&path).map_err(LockError::Io)?;
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .open(&path)
            .map_err(LockError::Io)?;
        match file.try_lock() {
            Ok(()) => Ok(RunLock { _file: file }),
            Err(TryLockError::WouldBlock) => Err(LockError::Held),
            Err(TryLockError::Error(e)) => Err(LockError::Io(e)),
        }
    }
}
