//! Records in → the append-only SQLite ledger (WAL, synchronous=FULL, STRICT tables, triggers
//! refusing UPDATE/DELETE); records out to the report (which says which columns it reads); the
//! run lock; IMAP progress.

mod decisions;
mod detail;
mod drafts;
mod error;
mod files;
mod lock;
mod moves;
mod read;
mod readonly;
mod schema;
mod show;

pub use decisions::{DecideError, Decision, NewDecision, Outcome};
pub(crate) use decisions::{
    LATEST_DECIDED_AT, LATEST_DECIDED_BY_TEXT, LATEST_OUTCOME, LATEST_OUTCOME_TEXT,
};
pub use show::{Link, MessageFacts, RecordFacts, Revision};

pub use detail::{FieldDetail, FieldDetails, RecordDetail};
pub use drafts::{DraftEvent, DraftStep, StoredRecord};
pub(crate) use files::is_ledger_file;
pub use files::lock_path;
pub use lock::{LockError, RunLock};
pub use readonly::SchemaVersion;
pub use schema::BUSY_TIMEOUT;

use crate::extract::Source;
use crate::validate::{Fields, Flag};
use anyhow::{Context as _, Result, bail};
use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, SecondsFormat, Utc};
use detail::yes_no;
use error::{SqlContext as _, SqlError};
use rusqlite::{OptionalExtension, TransactionBehavior};
use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// One form's result, ready to append.
#[derive(Debug, Clone)]
pub struct NewRecord {
    /// Decoded file name of the form attachment; empty for a body form or no form.
    pub attachment: String,
    pub source: Source,
    pub fields: Fields,
    pub flags: Vec<Flag>,
    /// One plain-English sentence per flag (`validate::Validated::notes`); empty without flags.
    pub notes: String,
    pub due_by: NaiveDate,
    /// Where each answer came from (answers with raw text, notes such as why an attachment was
    /// unreadable), kept as JSON for staff.
    pub detail: RecordDetail,
}

/// One message and every record it gave (at least one).
#[derive(Debug, Clone)]
pub struct NewMessage {
    /// Idempotency key: `mid:<Message-ID without brackets>`, or `sha256:<hex of raw bytes>`.
    pub key: String,
    /// The Message-ID header with angle brackets; empty when the message has none.
    pub message_id: String,
    pub sender: String,
    pub subject: String,
    pub received_at: DateTime<FixedOffset>,
    /// SHA-256 of the raw message bytes, so any row can be traced to its source.
    pub raw_sha256: String,
    pub raw_size: u64,
    /// Where the message was read from (`mbox:/path#17`, `imap:INBOX;UIDVALIDITY=..;UID=..`).
    pub origin: String,
    pub records: Vec<NewRecord>,
}

/// What appending one message did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Appended {
    /// New records were added (count, and how many need review).
    Added { records: usize, needs_review: usize },
    /// The message was already in the ledger and `reprocess` was off: nothing added.
    AlreadyRecorded,
}

/// A record's status: `ok` without flags, `needs_review` with any.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    #[default]
    Ok,
    NeedsReview,
}

impl Status {
    /// The status of a record with these flags.
    pub fn of(flags: &[Flag]) -> Status {
        if flags.is_empty() {
            Status::Ok
        } else {
            Status::NeedsReview
        }
    }

    /// As stored in the ledger and shown in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::NeedsReview => "needs_review",
        }
    }
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl rusqlite::types::FromSql for Status {
    fn column_result(value: rusqlite::types::ValueRef<'_>) -> rusqlite::types::FromSqlResult<Self> {
        match value.as_str()? {
            "ok" => Ok(Status::Ok),
            "needs_review" => Ok(Status::NeedsReview),
            other => Err(rusqlite::types::FromSqlError::Other(
                format!("{other:?} is not a record status").into(),
            )),
        }
    }
}

/// Which records a report wants.
#[derive(Debug, Clone, Default)]
pub struct ExportFilter {
    /// Only records received on or after this Canberra calendar day.
    pub since: Option<NaiveDate>,
    /// Only records received on or before this Canberra calendar day.
    pub until: Option<NaiveDate>,
    pub status: Option<Status>,
    /// Every revision, not only the latest per (message, attachment).
    pub all_revisions: bool,
    /// Only open records: no decision, or the latest is `info_requested`; not superseded by a
    /// later record (`SUPERSEDED`); the latest revision of its message.
    pub open: bool,
    /// Only overdue records: no decision, not superseded, `due_by` before today in Canberra;
    /// the latest revision of its message.
    pub overdue: bool,
    /// The Canberra day `overdue` counts from; `None` is today.
    pub today: Option<NaiveDate>,
    /// Only this record (whichever revision it belongs to).
    pub record: Option<i64>,
}

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

/// The ledger: one SQLite connection on the ledger file.
pub struct Ledger {
    conn: rusqlite::Connection,
    /// Named in every error, so the one line a failed run prints says which ledger.
    path: PathBuf,
    /// `append` marks every new record's reply `pending` (poll with a drafts mailbox).
    draft_new_records: bool,
    /// The file's canonical path.
    real: PathBuf,
    /// Read without locks (the folder is not writable and no run is up): the file as it was
    /// when opened, so a read that overlapped a change is done again (`read` module).
    snapshot: Option<read::Stamp>,
}

/// Condition keeping only a message's latest revision (`m` is the `messages` row).
const LATEST_REVISION: &str =
    "m.revision = (SELECT MAX(l.revision) FROM messages l WHERE l.key_id = m.key_id)";

/// Condition true when the record `r` is superseded: a record of another message's latest
/// revision has the same contact email and organisation (the `supersedes` match keys) and was
/// received later (as an instant; the same second, by when its key was first recorded). It is
/// `supersedes` seen from the earlier side, decided now, so a registration received later but
/// ingested first counts too.
pub(crate) const SUPERSEDED: &str = "(r.contact_email_key <> '' AND EXISTS (\
     SELECT 1 FROM records n JOIN messages nm ON nm.message_ref = n.message_ref \
     WHERE n.contact_email_key = r.contact_email_key AND n.organisation_key = r.organisation_key \
     AND n.key_id <> r.key_id \
     AND (n.received_epoch > r.received_epoch \
          OR (n.received_epoch = r.received_epoch AND n.key_id > r.key_id)) \
     AND nm.revision = (SELECT MAX(l.revision) FROM messages l WHERE l.key_id = nm.key_id)))";

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

    /// From now on, `append` also marks a reply draft `pending` for every new record, in the
    /// same transaction (`poll` with `[replies] drafts_mailbox` set).
    pub fn draft_new_records(&mut self, on: bool) {
        self.draft_new_records = on;
    }

    /// The ledger file this was opened on.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn what(&self, action: &str) -> String {
        format!("{action} in the ledger {}", self.path.display())
    }

    /// True when a message with this key is already recorded.
    pub fn contains(&self, key: &str) -> Result<bool> {
        self.conn
            .prepare_cached("SELECT EXISTS (SELECT 1 FROM message_keys WHERE key = ?1)")
            .and_then(|mut stmt| stmt.query_row([key], |row| row.get(0)))
            .with_sql_context(|| self.what("cannot look up a message key"))
    }

    /// Every message key recorded so far (to skip known messages before reading them).
    pub fn keys(&self) -> Result<HashSet<String>> {
        let read = || -> rusqlite::Result<HashSet<String>> {
            let mut stmt = self.conn.prepare("SELECT key FROM message_keys")?;
            let keys = stmt.query_map([], |row| row.get(0))?;
            keys.collect()
        };
        read().with_sql_context(|| self.what("cannot list message keys"))
    }

    /// Appends messages in one transaction, in order. With `reprocess`, an already-recorded
    /// message gets a new revision of its records; without, it is `AlreadyRecorded`. A key
    /// that appears twice in one batch is recorded once (the second is `AlreadyRecorded`).
    ///
    /// Either the whole batch is committed (durably: synchronous=FULL) or, on any error,
    /// none of it is; what earlier calls committed stays.
    ///
    /// Each new record's `supersedes` is set here: the record_id of the most recent record,
    /// received earlier (as an instant), of another message's latest revision with the same
    /// contact email (case-insensitive) and organisation (case-insensitive, whitespace
    /// collapsed); empty without a contact email. The full rule is on `superseded_record`.
    pub fn append(&mut self, messages: &[NewMessage], reprocess: bool) -> Result<Vec<Appended>> {
        let path = self.path.display().to_string();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .with_sql_context(|| format!("cannot start writing to the ledger {path}"))?;
        let recorded_at = now();
        let mut seen: HashSet<&str> = HashSet::new();
        let mut results = Vec::with_capacity(messages.len());
        for message in messages {
            if !seen.insert(message.key.as_str()) {
                results.push(Appended::AlreadyRecorded);
                continue;
            }
            let appended = append_message(
                &tx,
                message,
                reprocess,
                &recorded_at,
                self.draft_new_records,
            )
            .with_sql_context(|| {
                format!(
                    "cannot append message {:?} to the ledger {path}",
                    message.key
                )
            })?;
            results.push(appended);
        }
        tx.commit()
            .with_sql_context(|| format!("cannot commit to the ledger {path}"))?;
        Ok(results)
    }

    /// Records as a report reads them, ordered by record_id: `select` is the SELECT list, SQL
    /// expressions over `r` (the `records` row) and `m` (the `messages` row of the reading it
    /// belongs to); `read` turns each result row into a `T`.
    ///
    /// By default only each message's latest revision (so one row per (message, attachment));
    /// `all_revisions` gives every row. `since` and `until` are Canberra calendar days of the
    /// instant the message was received, both inclusive.
    pub(crate) fn select_records<T>(
        &self,
        select: &str,
        filter: &ExportFilter,
        read: impl Fn(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
    ) -> Result<Vec<T>> {
        let mut sql = format!(
            "SELECT {select} FROM records r JOIN messages m ON m.message_ref = r.message_ref \
             WHERE (?1 IS NULL OR m.received_epoch >= ?1) \
             AND (?2 IS NULL OR m.received_epoch < ?2) AND (?3 IS NULL OR r.status = ?3)"
        );
        if let Some(id) = filter.record {
            sql.push_str(&format!(" AND r.record_id = {id}"));
        }
        if filter.record.is_none() && (!filter.all_revisions || filter.open || filter.overdue) {
            sql.push_str(" AND ");
            sql.push_str(LATEST_REVISION);
        }
        if filter.open {
            sql.push_str(&format!(
                " AND ({LATEST_OUTCOME} IS NULL OR {LATEST_OUTCOME} = 'info_requested') \
                 AND NOT {SUPERSEDED}"
            ));
        }
        if filter.overdue {
            sql.push_str(&format!(
                " AND {LATEST_OUTCOME} IS NULL AND NOT {SUPERSEDED} AND r.due_by < ?4"
            ));
        }
        sql.push_str(" ORDER BY r.record_id");
        let since = filter.since.map(crate::canberra::day_start);
        // The first instant after the last day.
        let until = filter
            .until
            .and_then(|d| d.succ_opt())
            .map(crate::canberra::day_start);
        let status = filter.status.map(Status::as_str);
        let today = filter
            .today
            .unwrap_or_else(crate::canberra::today)
            .format("%Y-%m-%d")
            .to_string();
        self.reading("cannot read records", |conn| {
            let mut stmt = conn.prepare(&sql)?;
            // ?4 is only in the statement with `overdue`.
            let rows = if filter.overdue {
                stmt.query_map(rusqlite::params![since, until, status, today], &read)?
            } else {
                stmt.query_map(rusqlite::params![since, until, status], &read)?
            };
            rows.collect()
        })
    }

    /// The saved state of `mailbox` on `account` (user@host), if any: the newest row.
    pub fn mailbox_state(&self, account: &str, mailbox: &str) -> Result<Option<MailboxState>> {
        let read = || -> rusqlite::Result<Option<(i64, i64)>> {
            self.conn
                .prepare_cached(
                    "SELECT uidvalidity, last_uid FROM mailbox_state \
                     WHERE account = ?1 AND mailbox = ?2 ORDER BY state_id DESC LIMIT 1",
                )?
                .query_row([account, mailbox], |row| Ok((row.get(0)?, row.get(1)?)))
                .optional()
        };
        let Some((uidvalidity, last_uid)) =
            read().with_sql_context(|| self.what("cannot read the mailbox state"))?
        else {
            return Ok(None);
        };
        // The table's CHECKs keep both within u32.
        Ok(Some(MailboxState {
            uidvalidity: u32::try_from(uidvalidity).context("stored UIDVALIDITY out of range")?,
            last_uid: u32::try_from(last_uid).context("stored UID out of range")?,
        }))
    }

    /// Saves a mailbox's state (appended as a new row; the newest row wins).
    pub fn save_mailbox_state(
        &mut self,
        account: &str,
        mailbox: &str,
        state: MailboxState,
    ) -> Result<()> {
        let saved_at = now();
        self.conn
            .prepare_cached(
                "INSERT INTO mailbox_state (account, mailbox, uidvalidity, last_uid, saved_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )
            .and_then(|mut stmt| {
                stmt.execute(rusqlite::params![
                    account,
                    mailbox,
                    state.uidvalidity,
                    state.last_uid,
                    saved_at
                ])
            })
            .with_sql_context(|| self.what("cannot save the mailbox state"))?;
        Ok(())
    }

    /// `None` when the message is not recorded; else whether its latest revision holds a form
    /// (any record without `no_form_found`), so IMAP knows where to move it.
    pub fn has_form(&self, key: &str) -> Result<Option<bool>> {
        let read = || -> rusqlite::Result<Option<bool>> {
            let key_id: Option<i64> = self
                .conn
                .prepare_cached("SELECT key_id FROM message_keys WHERE key = ?1")?
                .query_row([key], |row| row.get(0))
                .optional()?;
            let Some(key_id) = key_id else {
                return Ok(None);
            };
            let mut stmt = self.conn.prepare_cached(&format!(
                "SELECT r.flags FROM records r JOIN messages m ON m.message_ref = r.message_ref \
                 WHERE m.key_id = ?1 AND {LATEST_REVISION}"
            ))?;
            let mut rows = stmt.query([key_id])?;
            let mut any_form = false;
            while let Some(row) = rows.next()? {
                let flags: String = row.get(0)?;
                if !flags
                    .split(FLAG_SEPARATOR)
                    .any(|f| f == Flag::NoFormFound.as_str())
                {
                    any_form = true;
                }
            }
            Ok(Some(any_form))
        };
        read().with_sql_context(|| self.what("cannot look up a message's records"))
    }

    /// Notes one failed attempt to process a message (appended) and returns how many there have
    /// been in all.
    pub fn record_failure(&mut self, key: &str, origin: &str, reason: &str) -> Result<u32> {
        let at = now();
        self.conn
            .prepare_cached(
                "INSERT INTO failures (key, origin, reason, at) VALUES (?1, ?2, ?3, ?4)",
            )
            .and_then(|mut stmt| stmt.execute([key, origin, reason, at.as_str()]))
            .with_sql_context(|| self.what("cannot record a failure"))?;
        self.failure_count(key)
    }

    /// How many failed attempts a message has had.
    pub fn failure_count(&self, key: &str) -> Result<u32> {
        let count: i64 = self
            .conn
            .prepare_cached("SELECT COUNT(*) FROM failures WHERE key = ?1")
            .and_then(|mut stmt| stmt.query_row([key], |row| row.get(0)))
            .with_sql_context(|| self.what("cannot count failures"))?;
        Ok(u32::try_from(count).unwrap_or(u32::MAX))
    }
}

/// Separator of flag codes in the `flags` column and the CSV.
const FLAG_SEPARATOR: char = ';';

/// Now, as stored in `*_at` columns: RFC 3339 UTC with milliseconds.
fn now() -> String {
    Utc::now().to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// `received_at` as stored and exported: RFC 3339 keeping the message's own offset.
fn rfc3339(at: &DateTime<FixedOffset>) -> String {
    at.to_rfc3339_opts(SecondsFormat::AutoSi, false)
}

/// The `supersedes` match key for a contact email: lower-cased, trimmed.
fn email_key(email: &str) -> String {
    email.trim().to_lowercase()
}

/// The `supersedes` match key for an organisation: lower-cased, whitespace runs collapsed to
/// one space, trimmed.
fn organisation_key(organisation: &str) -> String {
    organisation
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// A count from the form (u64) as a SQLite INTEGER: beyond i64::MAX is stored as i64::MAX
/// (no real applicant expects 9.2 × 10^18 calls a day; refusing it would stop the run).
fn stored_count(n: Option<u64>) -> Option<i64> {
    n.map(|n| i64::try_from(n).unwrap_or(i64::MAX))
}

/// Appends one message (inside the caller's transaction).
fn append_message(
    tx: &rusqlite::Transaction<'_>,
    message: &NewMessage,
    reprocess: bool,
    recorded_at: &str,
    draft_new_records: bool,
) -> Result<Appended, SqlError> {
    let existing: Option<(i64, Option<i64>)> = tx
        .prepare_cached(
            "SELECT k.key_id, (SELECT MAX(m.revision) FROM messages m WHERE m.key_id = k.key_id) \
             FROM message_keys k WHERE k.key = ?1",
        )?
        .query_row([&message.key], |row| Ok((row.get(0)?, row.get(1)?)))
        .optional()?;
    let (key_id, revision) = match existing {
        Some(_) if !reprocess => return Ok(Appended::AlreadyRecorded),
        Some((key_id, latest)) => (key_id, latest.unwrap_or(0) + 1),
        None => {
            tx.prepare_cached("INSERT INTO message_keys (key, first_recorded_at) VALUES (?1, ?2)")?
                .execute([message.key.as_str(), recorded_at])?;
            (tx.last_insert_rowid(), 1)
        }
    };
    let raw_size = i64::try_from(message.raw_size)
        .map_err(|_| SqlError::value(format!("raw size {} is out of range", message.raw_size)))?;
    let received_epoch = message.received_at.timestamp();
    let received_day = i64::from(message.received_at.date_naive().num_days_from_ce());
    tx.prepare_cached(
        "INSERT INTO messages (key_id, revision, message_id, sender, subject, received_at, \
         received_epoch, received_day, raw_sha256, raw_size, origin, recorded_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    )?
    .execute(rusqlite::params![
        key_id,
        revision,
        message.message_id,
        message.sender,
        message.subject,
        rfc3339(&message.received_at),
        received_epoch,
        received_day,
        message.raw_sha256,
        raw_size,
        message.origin,
        recorded_at,
    ])?;
    let message_ref = tx.last_insert_rowid();
    if message.records.is_empty() {
        tracing::warn!(key = %message.key, "message appended without any record");
    }

    let mut needs_review = 0;
    for (position, record) in message.records.iter().enumerate() {
        let fields = &record.fields;
        let contact_email_key = email_key(&fields.contact_email);
        let organisation_key = organisation_key(&fields.organisation);
        let supersedes = if contact_email_key.is_empty() {
            None
        } else {
            superseded_record(
                tx,
                &contact_email_key,
                &organisation_key,
                key_id,
                received_epoch,
            )?
        };
        let flags = record
            .flags
            .iter()
            .map(|f| f.as_str())
            .collect::<Vec<_>>()
            .join(&FLAG_SEPARATOR.to_string());
        let status = Status::of(&record.flags);
        // Notes go with flags: none on an `ok` record (the table refuses them), and a flagged
        // record a caller built without notes gets each flag's meaning.
        let notes = match (record.flags.is_empty(), record.notes.trim().is_empty()) {
            (true, _) => String::new(),
            (false, true) => crate::validate::notes::generic(&record.flags),
            (false, false) => record.notes.clone(),
        };
        if status == Status::NeedsReview {
            needs_review += 1;
        }
        tx.prepare_cached(
            "INSERT INTO records (message_ref, position, attachment, source, full_name, \
             organisation, contact_email, terms_accepted, service, ip_allowlist, \
             expected_records_per_day, expected_api_calls_per_day, user_guide_agreed, flags, \
             status, supersedes, due_by, detail, recorded_at, contact_email_key, \
             organisation_key, key_id, received_epoch, notes) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, \
             ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24)",
        )?
        .execute(rusqlite::params![
            message_ref,
            position as i64,
            record.attachment,
            record.source.as_str(),
            fields.full_name,
            fields.organisation,
            fields.contact_email,
            yes_no(fields.terms_accepted),
            fields.service.map(|s| s.as_str()).unwrap_or(""),
            fields.ip_allowlist,
            stored_count(fields.expected_records_per_day),
            stored_count(fields.expected_api_calls_per_day),
            yes_no(fields.user_guide_agreed),
            flags,
            status.as_str(),
            supersedes,
            record.due_by.format("%Y-%m-%d").to_string(),
            record.detail,
            recorded_at,
            contact_email_key,
            organisation_key,
            key_id,
            received_epoch,
            notes,
        ])?;
    }
    if draft_new_records {
        drafts::mark_pending(tx, message_ref, recorded_at)?;
    }
    Ok(Appended::Added {
        records: message.records.len(),
        needs_review,
    })
}

/// The record a new record supersedes: the most recent earlier registration by the same
/// contact at the same organisation.
///
/// Candidates are the records of the *latest revision* of every *other* message (a different
/// key) whose contact email matches case-insensitively and whose organisation matches
/// case-insensitively with whitespace collapsed. "Earlier" compares `received_at` as instants
/// (UTC seconds, whatever the offsets); messages received in the same second are ordered by
/// when their key was first recorded. Of the candidates received before the new record's
/// message, the latest wins; among one message's matching records, the highest record_id.
/// Records without a contact email supersede nothing.
///
/// The link is decided when the record is appended (rows are never changed): a message
/// ingested after a later-received one is not linked from it; `--reprocess` of the later
/// message adds a revision that is.
fn superseded_record(
    tx: &rusqlite::Transaction<'_>,
    contact_email_key: &str,
    organisation_key: &str,
    key_id: i64,
    received_epoch: i64,
) -> rusqlite::Result<Option<i64>> {
    tx.prepare_cached(&format!(
        "SELECT r.record_id FROM records r JOIN messages m ON m.message_ref = r.message_ref \
         WHERE r.contact_email_key = ?1 AND r.organisation_key = ?2 AND r.key_id <> ?3 \
         AND (r.received_epoch < ?4 OR (r.received_epoch = ?4 AND r.key_id < ?3)) \
         AND {LATEST_REVISION} \
         ORDER BY r.received_epoch DESC, r.key_id DESC, r.record_id DESC LIMIT 1"
    ))?
    .query_row(
        rusqlite::params![contact_email_key, organisation_key, key_id, received_epoch],
        |row| row.get(0),
    )
    .optional()
}

/// Where an IMAP mailbox's reading got to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MailboxState {
    pub uidvalidity: u32,
    /// Highest UID whose message is recorded (or set aside).
    pub last_uid: u32,
}
