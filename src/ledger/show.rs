//! A record_id in → everything the ledger holds about that record for `show`: its detail (each
//! field's raw text and where it was read from), the message it came from, the other revisions
//! of the same form, the records it supersedes and those that supersede it, the decisions on it
//! and the replies drafted for it. The report's own columns come from `report::rows`.

use super::decisions::Decision;
use super::drafts::DraftEvent;
use super::{Ledger, RecordDetail, SUPERSEDED, Status};
use anyhow::Result;
use rusqlite::OptionalExtension as _;

/// What the ledger holds about one record, beyond its report row.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordFacts {
    pub record_id: i64,
    /// The reading of the message it belongs to (1, 2, ... with `ingest --reprocess`).
    pub revision: i64,
    /// Its place among the message's records (0-based).
    pub position: i64,
    /// When it was appended (RFC 3339, UTC, as stored).
    pub recorded_at: String,
    /// As stored: per field the value, its source, raw text and place; each flag's note; the
    /// reader's notes.
    pub detail: RecordDetail,
    pub message: MessageFacts,
    /// Every revision of this form (same message, same attachment), oldest first, this one
    /// included.
    pub revisions: Vec<Revision>,
    /// The record this one supersedes, the one that one supersedes, ... (newest first).
    pub supersedes: Vec<Link>,
    /// The records that supersede this one, and those that supersede them, ... (oldest first).
    pub superseded_by: Vec<Link>,
    /// Whether a later record from the same contact and organisation stands in its place (the
    /// rule `--open` uses).
    pub superseded: bool,
    pub decisions: Vec<Decision>,
    /// Each step of drafting this record's reply (`reply_drafts`), oldest first.
    pub drafts: Vec<DraftEvent>,
}

/// The message a record was read from, as that reading stored it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageFacts {
    /// The ledger's idempotency key (`mid:...` or `sha256:...`).
    pub key: String,
    pub message_id: String,
    pub sender: String,
    pub subject: String,
    /// As stored (RFC 3339 in the message's own offset).
    pub received_at: String,
    /// Where it was read from (`mbox:/path#17`, `imap:INBOX;UIDVALIDITY=..;UID=..`).
    pub origin: String,
    pub raw_sha256: String,
    pub raw_size: i64,
}

/// One revision of a form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Revision {
    pub record_id: i64,
    pub revision: i64,
    pub recorded_at: String,
    pub status: Status,
    pub flags: String,
}

/// Another record in a supersedes chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    pub record_id: i64,
    /// As stored.
    pub received_at: String,
    pub status: Status,
    pub organisation: String,
    pub contact_email: String,
}

/// Longest supersedes chain followed each way (a contact registering every day for years).
const MAX_CHAIN: usize = 1000;

impl Ledger {
    /// What the ledger holds about `record_id`, or `None` when there is no such record.
    pub fn record_facts(&self, record_id: i64) -> Result<Option<RecordFacts>> {
        self.reading("cannot read a record", |conn| {
            let head = conn
                .query_row(
                    &format!(
                        "SELECT m.revision, r.position, r.recorded_at, r.detail, k.key, \
                         m.message_id, m.sender, m.subject, m.received_at, m.origin, \
                         m.raw_sha256, m.raw_size, r.key_id, r.attachment, r.supersedes, \
                         {SUPERSEDED} \
                         FROM records r JOIN messages m ON m.message_ref = r.message_ref \
                         JOIN message_keys k ON k.key_id = m.key_id WHERE r.record_id = ?1"
                    ),
                    [record_id],
                    |row| {
                        let detail: String = row.get(3)?;
                        Ok((
                            RecordFacts {
                                record_id,
                                revision: row.get(0)?,
                                position: row.get(1)?,
                                recorded_at: row.get(2)?,
                                // A detail this version cannot read shows as empty.
                                detail: serde_json::from_str(&detail).unwrap_or_default(),
                                message: MessageFacts {
                                    key: row.get(4)?,
                                    message_id: row.get(5)?,
                                    sender: row.get(6)?,
                                    subject: row.get(7)?,
                                    received_at: row.get(8)?,
                                    origin: row.get(9)?,
                                    raw_sha256: row.get(10)?,
                                    raw_size: row.get(11)?,
                                },
                                revisions: Vec::new(),
                                supersedes: Vec::new(),
                                superseded_by: Vec::new(),
                                superseded: row.get(15)?,
                                decisions: Vec::new(),
                                drafts: Vec::new(),
                            },
                            row.get::<_, i64>(12)?,
                            row.get::<_, String>(13)?,
                            row.get::<_, Option<i64>>(14)?,
                        ))
                    },
                )
                .optional()?;
            let Some((mut facts, key_id, attachment, supersedes)) = head else {
                return Ok(None);
            };
            let mut stmt = conn.prepare(
                "SELECT r.record_id, m.revision, r.recorded_at, r.status, r.flags \
                 FROM records r JOIN messages m ON m.message_ref = r.message_ref \
                 WHERE r.key_id = ?1 AND r.attachment = ?2 ORDER BY m.revision, r.record_id",
            )?;
            facts.revisions = stmt
                .query_map(rusqlite::params![key_id, attachment], |row| {
                    Ok(Revision {
                        record_id: row.get(0)?,
                        revision: row.get(1)?,
                        recorded_at: row.get(2)?,
                        status: row.get(3)?,
                        flags: row.get(4)?,
                    })
                })?
                .collect::<rusqlite::Result<_>>()?;
            let link = |id: i64| -> rusqlite::Result<Option<(Link, Option<i64>)>> {
                conn.query_row(
                    "SELECT m.received_at, r.status, r.organisation, r.contact_email, \
                     r.supersedes FROM records r \
                     JOIN messages m ON m.message_ref = r.message_ref WHERE r.record_id = ?1",
                    [id],
                    |row| {
                        Ok((
                            Link {
                                record_id: id,
                                received_at: row.get(0)?,
                                status: row.get(1)?,
                                organisation: row.get(2)?,
                                contact_email: row.get(3)?,
                            },
                            row.get(4)?,
                        ))
                    },
                )
                .optional()
            };
            let mut next = supersedes;
            while let Some(id) = next {
                if facts.supersedes.len() >= MAX_CHAIN
                    || facts.supersedes.iter().any(|l| l.record_id == id)
                {
                    break;
                }
                let Some((l, older)) = link(id)? else { break };
                facts.supersedes.push(l);
                next = older;
            }
            let mut newer = conn.prepare(
                "SELECT record_id FROM records WHERE supersedes = ?1 ORDER BY record_id",
            )?;
            let mut frontier = vec![record_id];
            while let Some(id) = frontier.pop() {
                let ids: Vec<i64> = newer
                    .query_map([id], |row| row.get(0))?
                    .collect::<rusqlite::Result<_>>()?;
                for id in ids {
                    if facts.superseded_by.len() >= MAX_CHAIN
                        || facts.superseded_by.iter().any(|l| l.record_id == id)
                    {
                        continue;
                    }
                    if let Some((l, _)) = link(id)? {
                        facts.superseded_by.push(l);
                        frontier.push(id);
                    }
                }
            }
            facts.superseded_by.sort_by_key(|l| l.record_id);
            Ok(Some(facts))
        })
        .and_then(|facts| match facts {
            None => Ok(None),
            Some(mut facts) => {
                facts.decisions = self.decisions(record_id)?;
                facts.drafts = self.drafts_for(record_id)?;
                Ok(Some(facts))
            }
        })
    }
}
