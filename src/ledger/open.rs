//! A ledger path in → an open `Ledger`: created or required to exist, checked for damage,
//! migrated, or opened to read only (without locks when its folder is not writable); and reads
//! done again when a lock-free snapshot changed under them.

use super::error::{SqlContext as _, SqlError};
use super::{Ledger, files, read, schema};
use anyhow::{Context as _, Result, bail};
use std::path::{Path, PathBuf};

/// What a ledger is opened for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Access {
    /// To write; created when missing.
    Write,
    /// To write an existing ledger (a decision; upgrading one for a reader).
    WriteExisting,
    /// To read only: nothing in the file or its folder changes.
    Read,
}

impl Ledger {
    /// Opens the ledger for writing, creating it if needed: checked for damage (SQLite's
    /// `quick_check`) and migrated before anything is appended. A damaged ledger is refused.
    pub fn open(path: &Path) -> Result<Ledger> {
        Ledger::open_as(path, Access::Write)
    }

    /// Opens an existing ledger to write one transaction (a staff decision): as `open`, but
    /// a missing ledger is an error, not a new ledger.
    pub fn open_existing(path: &Path) -> Result<Ledger> {
        Ledger::open_as(path, Access::WriteExisting)
    }

    /// Opens an existing ledger to read it (`export`, `show`): read-only, so that it works for
    /// a user who may read the ledger but not write its folder (see the `read` module); not
    /// checked for damage (a damaged page fails the read that reaches it), never created. A
    /// ledger whose schema is older than this regintake's is upgraded first where this user
    /// may write it.
    pub fn open_to_read(path: &Path) -> Result<Ledger> {
        Ledger::open_as(path, Access::Read)
    }

    /// Refuses a file with more than one name (hard link): SQLite keeps its `-wal` beside the
    /// name it was opened by, so a run through the other name would not see commits still in
    /// this one's journal, and a later checkpoint would overwrite its own.
    fn open_as(path: &Path, access: Access) -> Result<Ledger> {
        let in_ledger = || format!("ledger {}", path.display());
        let real =
            files::canonical(path).with_context(|| format!("cannot open the {}", in_ledger()))?;
        match access {
            Access::Write => files::create_private(&real)
                .with_context(|| format!("cannot create the {}", in_ledger()))?,
            Access::Read | Access::WriteExisting if !real.exists() => {
                bail!("the ledger {} does not exist", path.display())
            }
            Access::Read | Access::WriteExisting => {}
        }
        let meta =
            std::fs::metadata(&real).with_context(|| format!("cannot open the {}", in_ledger()))?;
        if !meta.is_file() {
            bail!("the ledger {} is not a file", path.display());
        }
        let names = files::link_count(&meta);
        if names > 1 {
            bail!(
                "the ledger {} has {names} hard links (names); SQLite keeps a journal beside \
                 each name, so runs through two names can lose commits: keep one name and use \
                 a symbolic link for any other",
                path.display()
            );
        }
        let damaged = |finding: &dyn std::fmt::Display| {
            anyhow::anyhow!(
                "the ledger {} is damaged ({finding}); nothing was written to it: restore it \
                 from a backup",
                path.display()
            )
        };
        // An error SQLite gave because pages are damaged says so, whichever step met it.
        let or_damaged = |e: anyhow::Error| match e
            .chain()
            .filter_map(|cause| cause.downcast_ref::<SqlError>())
            .find(|cause| cause.is_damage())
        {
            Some(cause) => damaged(&format!("SQLite: {cause}")),
            None => e,
        };
        if access == Access::Read {
            return Ledger::open_read_only(path, real, or_damaged);
        }
        let mut conn = rusqlite::Connection::open(&real)
            .with_sql_context(|| format!("cannot open the {}", in_ledger()))?;
        // Identify the file before changing anything in it (journal mode, tables).
        schema::check_identity(&conn)
            .with_context(|| format!("cannot use {} as a ledger", path.display()))
            .map_err(or_damaged)?;
        // Before the first write (journal mode, migrations, records) to it.
        if let Err(damage) = schema::quick_check(&conn) {
            return Err(damaged(&damage));
        }
        schema::configure(&conn)
            .with_context(|| format!("cannot configure the {}", in_ledger()))
            .map_err(or_damaged)?;
        schema::migrate(&mut conn)
            .with_context(|| format!("cannot migrate the {}", in_ledger()))
            .map_err(or_damaged)?;
        Ok(Ledger {
            conn,
            path: path.to_path_buf(),
            draft_new_records: false,
            real,
            snapshot: None,
        })
    }

    /// The read-only open of `open_to_read` (the checks on the path are done).
    fn open_read_only(
        path: &Path,
        real: PathBuf,
        or_damaged: impl Fn(anyhow::Error) -> anyhow::Error,
    ) -> Result<Ledger> {
        let in_ledger = || format!("ledger {}", path.display());
        let (conn, mode) = read::open(&real, schema::BUSY_TIMEOUT)
            .with_context(|| format!("cannot read the {}", in_ledger()))
            .map_err(&or_damaged)?;
        schema::check_identity(&conn)
            .with_context(|| format!("cannot use {} as a ledger", path.display()))
            .map_err(&or_damaged)?;
        let version = schema::version(&conn)
            .with_context(|| format!("cannot read the {}", in_ledger()))
            .map_err(&or_damaged)?;
        let latest = schema::latest_version();
        if version > latest {
            bail!(
                "the ledger {} has schema version {version}, newer than this regintake knows \
                 ({latest}); use a newer regintake",
                path.display()
            );
        }
        if version < latest {
            // Upgraded by the first run of the new regintake; a reader who may write the
            // ledger does it now, else says what to do.
            drop(conn);
            drop(Ledger::open_existing(path).with_context(|| {
                format!(
                    "this regintake reads schema version {latest} and the ledger is at \
                     {version}; upgrading it failed (run `regintake ingest` or `poll --once` \
                     once as the service's user)"
                )
            })?);
            return Ledger::open_read_only(path, real, or_damaged);
        }
        let snapshot = match mode {
            read::ReadMode::ReadOnly => None,
            read::ReadMode::Immutable(stamp) => Some(stamp),
        };
        Ok(Ledger {
            conn,
            path: path.to_path_buf(),
            draft_new_records: false,
            real,
            snapshot,
        })
    }

    /// Runs a read (`query` over a connection), again on a fresh connection when this one
    /// reads the file without locks and the file changed meanwhile (see the `read` module).
    pub(crate) fn reading<T>(
        &self,
        what: &str,
        query: impl Fn(&rusqlite::Connection) -> rusqlite::Result<T>,
    ) -> Result<T> {
        let first = query(&self.conn).with_sql_context(|| self.what(what))?;
        let Some(stamp) = self.snapshot else {
            return Ok(first);
        };
        if stamp.still(&self.real) {
            return Ok(first);
        }
        for _ in 0..3 {
            let (conn, mode) =
                read::open(&self.real, schema::BUSY_TIMEOUT).with_context(|| self.what(what))?;
            let again = query(&conn).with_sql_context(|| self.what(what))?;
            match mode {
                read::ReadMode::ReadOnly => return Ok(again),
                read::ReadMode::Immutable(stamp) if stamp.still(&self.real) => return Ok(again),
                read::ReadMode::Immutable(_) => {}
            }
        }
        bail!(
            "{}: the ledger kept changing while it was read; run the command again",
            self.what(what)
        )
    }
}
