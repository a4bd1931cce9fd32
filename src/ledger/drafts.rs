//! A record id in → the record as stored (fields, flags, detail, its message's headers) for a
//! reply; reply draft steps in → appended `reply_drafts` rows; the drafts a pass must still make
//! and the drafts made for a record out.
//!
//! Drafting a reply on the IMAP server is a server command (APPEND) whose outcome a crash or a
//! cut connection can leave unknown. The steps are appended around it: `pending` in the very
//! transaction that commits the record (so no committed record is forgotten), then exactly one
//! of `appended` (APPEND answered OK), `found` (a draft with its Message-ID was already in the
//! mailbox: an earlier APPEND whose answer was lost) or `skipped` (the record gets no reply).
//! A partial unique index makes a second finishing step for a record impossible.

use super::error::SqlContext as _;
use super::{Ledger, RecordDetail, now};
use anyhow::Result;
use rusqlite::OptionalExtension;

/// A step of drafting one record's reply, as stored in `reply_drafts.step`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DraftStep {
    /// The record is committed and its reply is still to be decided and drafted.
    Pending,
    /// APPEND of the draft answered OK.
    Appended,
    /// A draft with the draft's Message-ID was already in the mailbox.
    Found,
    /// The record gets no reply (`note` says why).
    Skipped,
}

impl DraftStep {
    pub fn as_str(self) -> &'static str {
        match self {
            DraftStep::Pending => "pending",
            DraftStep::Appended => "appended",
            DraftStep::Found => "found",
            DraftStep::Skipped => "skipped",
        }
    }

    fn parse(s: &str) -> Option<DraftStep> {
        [
            DraftStep::Pending,
            DraftStep::Appended,
            DraftStep::Found,
            DraftStep::Skipped,
        ]
        .into_iter()
        .find(|step| step.as_str() == s)
    }
}

/// One `reply_drafts` row, for `show`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DraftEvent {
    pub step: DraftStep,
    /// The drafts mailbox (and account) it was appended to or found in; empty for `pending`.
    pub account: String,
    pub mailbox: String,
    /// The draft's own Message-ID, with angle brackets; empty when none was made.
    pub draft_message_id: String,
    /// Why the record got no reply (`skipped`), or what was found.
    pub note: String,
    /// When the step was appended: RFC 3339 UTC.
    pub at: String,
}

/// A record as the ledger holds it, with its message's headers: what a reply is made from.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredRecord {
    pub record_id: i64,
    /// The message's idempotency key and the record's position in it (which form).
    pub message_key: String,
    pub position: i64,
    /// The applicant's message: Message-ID with angle brackets (may be empty), sender address,
    /// subject, `received_at` (RFC 3339).
    pub message_id: String,
    pub sender: String,
    pub subject: String,
    pub received_at: String,
    pub attachment: String,
    pub source: String,
    pub full_name: String,
    pub organisation: String,
    pub contact_email: String,
    pub terms_accepted: bool,
    /// `public`, `partner` or empty.
    pub service: String,
    pub ip_allowlist: String,
    pub expected_records_per_day: Option<i64>,
    pub expected_api_calls_per_day: Option<i64>,
    pub user_guide_agreed: bool,
    /// Flag codes as stored (a newer regintake may have written codes this one does not know).
    pub flags: Vec<String>,
    /// `YYYY-MM-DD`.
    pub due_by: String,
    pub detail: RecordDetail,
    pub supersedes: Option<i64>,
    /// The record it supersedes has the same answers and flags: the same form sent again.
    pub repeats_superseded: bool,
}

impl Ledger {
    /// The record with this id, with its message's headers; `None` when there is none.
    pub fn stored_record(&self, record_id: i64) -> Result<Option<StoredRecord>> {
        let what = format!("cannot read record {record_id}");
        // Through `reading`, so a reader without locks sees one state of the file.
        self.reading(&what, |conn| {
            conn.prepare_cached(
                "SELECT r.record_id, k.key, r.position, m.message_id, m.sender, m.subject, \
                     m.received_at, r.attachment, r.source, r.full_name, r.organisation, \
                     r.contact_email, r.terms_accepted, r.service, r.ip_allowlist, \
                     r.expected_records_per_day, r.expected_api_calls_per_day, \
                     r.user_guide_agreed, r.flags, r.due_by, r.detail, r.supersedes, \
                     EXISTS (SELECT 1 FROM records s WHERE s.record_id = r.supersedes \
                       AND s.full_name = r.full_name AND s.organisation = r.organisation \
                       AND s.contact_email = r.contact_email \
                       AND s.terms_accepted = r.terms_accepted AND s.service = r.service \
                       AND s.ip_allowlist = r.ip_allowlist \
                       AND s.expected_records_per_day IS r.expected_records_per_day \
                       AND s.expected_api_calls_per_day IS r.expected_api_calls_per_day \
                       AND s.user_guide_agreed = r.user_guide_agreed AND s.flags = r.flags) \
                     FROM records r JOIN messages m ON m.message_ref = r.message_ref \
                     JOIN message_keys k ON k.key_id = m.key_id \
                     WHERE r.record_id = ?1",
            )?
            .query_row([record_id], |row| {
                let flags: String = row.get(18)?;
                let detail: String = row.get(20)?;
                Ok(StoredRecord {
                    record_id: row.get(0)?,
                    message_key: row.get(1)?,
                    position: row.get(2)?,
                    message_id: row.get(3)?,
                    sender: row.get(4)?,
                    subject: row.get(5)?,
                    received_at: row.get(6)?,
                    attachment: row.get(7)?,
                    source: row.get(8)?,
                    full_name: row.get(9)?,
                    organisation: row.get(10)?,
                    contact_email: row.get(11)?,
                    terms_accepted: row.get::<_, String>(12)? == "yes",
                    service: row.get(13)?,
                    ip_allowlist: row.get(14)?,
                    expected_records_per_day: row.get(15)?,
                    expected_api_calls_per_day: row.get(16)?,
                    user_guide_agreed: row.get::<_, String>(17)? == "yes",
                    flags: flags
                        .split(super::FLAG_SEPARATOR)
                        .filter(|f| !f.is_empty())
                        .map(str::to_string)
                        .collect(),
                    due_by: row.get(19)?,
                    // The column's CHECK keeps it valid JSON; a detail this version cannot
                    // read is left empty (the reply then quotes no answer).
                    detail: serde_json::from_str(&detail).unwrap_or_default(),
                    supersedes: row.get(21)?,
                    repeats_superseded: row.get(22)?,
                })
            })
            .optional()
        })
    }

    /// Appends one step for `record_id` (its own transaction).
    pub fn append_draft_step(&mut self, record_id: i64, event: &DraftEvent) -> Result<()> {
        let at = now();
        self.conn
            .prepare_cached(
                "INSERT INTO reply_drafts (record_id, step, account, mailbox, \
                 draft_message_id, note, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )
            .and_then(|mut stmt| {
                stmt.execute(rusqlite::params![
                    record_id,
                    event.step.as_str(),
                    event.account,
                    event.mailbox,
                    event.draft_message_id,
                    event.note,
                    at
                ])
            })
            .with_sql_context(|| {
                self.what(&format!(
                    "cannot record the reply draft step {} of record {record_id}",
                    event.step.as_str()
                ))
            })?;
        Ok(())
    }

    /// The records with a `pending` draft step and no finishing step, oldest first, at most
    /// `limit`.
    pub fn pending_drafts(&self, limit: usize) -> Result<Vec<i64>> {
        let read = || -> rusqlite::Result<Vec<i64>> {
            let mut stmt = self.conn.prepare_cached(
                "SELECT p.record_id FROM reply_drafts p WHERE p.step = 'pending' \
                 AND NOT EXISTS (SELECT 1 FROM reply_drafts d WHERE d.record_id = p.record_id \
                   AND d.step <> 'pending') \
                 ORDER BY p.record_id LIMIT ?1",
            )?;
            let rows =
                stmt.query_map([i64::try_from(limit).unwrap_or(i64::MAX)], |row| row.get(0))?;
            rows.collect()
        };
        read().with_sql_context(|| self.what("cannot list the reply drafts still to make"))
    }

    /// Every draft step of a record, oldest first (`show` lists them).
    pub fn drafts_for(&self, record_id: i64) -> Result<Vec<DraftEvent>> {
        let what = format!("cannot read the drafts of record {record_id}");
        self.reading(&what, |conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT step, account, mailbox, draft_message_id, note, at FROM reply_drafts \
                 WHERE record_id = ?1 ORDER BY event_id",
            )?;
            let rows = stmt.query_map([record_id], |row| {
                let step: String = row.get(0)?;
                Ok(DraftEvent {
                    // The column's CHECK allows only the four steps.
                    step: DraftStep::parse(&step).unwrap_or(DraftStep::Pending),
                    account: row.get(1)?,
                    mailbox: row.get(2)?,
                    draft_message_id: row.get(3)?,
                    note: row.get(4)?,
                    at: row.get(5)?,
                })
            })?;
            rows.collect()
        })
    }
}

/// Inside `append`'s transaction: a `pending` draft step for every record of the message just
/// appended (`message_ref`), so a record committed is a record whose reply will be decided.
pub(super) fn mark_pending(
    tx: &rusqlite::Transaction<'_>,
    message_ref: i64,
    at: &str,
) -> rusqlite::Result<()> {
    tx.prepare_cached(
        "INSERT INTO reply_drafts (record_id, step, account, mailbox, draft_message_id, note, at) \
         SELECT record_id, 'pending', '', '', '', '', ?2 FROM records WHERE message_ref = ?1 \
         ORDER BY record_id",
    )?
    .execute(rusqlite::params![message_ref, at])?;
    Ok(())
}
