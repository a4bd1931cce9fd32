//! Records in → the append-only SQLite ledger (WAL, synchronous=FULL, STRICT tables, triggers
//! refusing UPDATE/DELETE); records out to the report (which says which columns it reads); the
//! run lock; IMAP progress.

mod append;
mod decisions;
mod detail;
mod drafts;
mod error;
mod files;
mod lock;
mod moves;
mod open;
mod progress;
mod read;
mod readonly;
mod schema;
mod select;
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
pub use progress::MailboxState;
pub use readonly::SchemaVersion;
pub use schema::BUSY_TIMEOUT;

use crate::extract::Source;
use crate::validate::{Fields, Flag};
use chrono::{DateTime, FixedOffset, NaiveDate, SecondsFormat, Utc};
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
}

/// Separator of flag codes in the `flags` column and the CSV.
const FLAG_SEPARATOR: char = ';';

/// Now, as stored in `*_at` columns: RFC 3339 UTC with milliseconds.
fn now() -> String {
    Utc::now().to_rfc3339_opts(SecondsFormat::Millis, true)
}
