//! A ledger path in → the run lock: an exclusive lock on `<ledger>.lock`, held until dropped.
//!
//! SQLite's own locks only serialise single transactions; two runs would still interleave
//! their batches (and both move IMAP messages), so one run holds this lock from start to end.
//! The lock is the operating system's (`flock` on Linux), so it is released when the process
//! ends however it ends; the file itself stays (deleting it would race with a new run).

use std::ffi::OsString;
use std::fs::{File, OpenOptions, TryLockError};
use std::path::{Path, PathBuf};

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

/// `<db path>.lock`: the ledger's file name with `.lock` appended, in the same folder.
pub fn lock_path(db_path: &Path) -> PathBuf {
    let mut name = OsString::from(db_path.as_os_str());
    name.push(".lock");
    PathBuf::from(name)
}

impl RunLock {
    /// Takes the lock without waiting: `Held` when another process (or another handle in
    /// this process) has it.
    pub fn acquire(db_path: &Path) -> Result<RunLock, LockError> {
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(lock_path(db_path))
            .map_err(LockError::Io)?;
        match file.try_lock() {
            Ok(()) => Ok(RunLock { _file: file }),
            Err(TryLockError::WouldBlock) => Err(LockError::Held),
            Err(TryLockError::Error(e)) => Err(LockError::Io(e)),
        }
    }
}
