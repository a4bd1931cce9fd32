//! `NewMessage`s in → appended `message_keys`, `messages` and `records` rows in one
//! transaction (a new revision with `--reprocess`), each record's `supersedes` decided as it is
//! appended; `Appended` out per message.

use super::detail::yes_no;
use super::drafts;
use super::error::{SqlContext as _, SqlError};
use super::{Appended, FLAG_SEPARATOR, LATEST_REVISION, Ledger, NewMessage, Status, now};
use anyhow::Result;
use chrono::{DateTime, Datelike, FixedOffset, SecondsFormat};
use rusqlite::{OptionalExtension, TransactionBehavior};
use std::collections::HashSet;

impl Ledger {
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
