//! Staff decisions in → appended `decisions` rows (never updated: the latest wins); a record's
//! decisions out, and the SQL the report and its `--open` / `--overdue` filters read them with.
//!
//! A decision is about a registration, not one reading of it: it is recorded against a
//! record_id and applies to every revision of that message's form (the same message key and
//! attachment name), so `ingest --reprocess` does not reopen a decided registration.
//!
//! Deciding takes no run lock: the `poll` daemon holds that for as long as it is up. The rows
//! are written in one IMMEDIATE transaction, which SQLite orders with a run's batches; it waits
//! up to the busy timeout for a batch being committed, then gives up (`DecideError::Busy`).

use super::error::SqlError;
use super::{Ledger, now};
use anyhow::Result;
use rusqlite::{OptionalExtension as _, TransactionBehavior};

/// A decision's outcome, as SPEC names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Outcome {
    Granted,
    Declined,
    InfoRequested,
    Withdrawn,
}

impl Outcome {
    pub const ALL: [Outcome; 4] = [
        Outcome::Granted,
        Outcome::Declined,
        Outcome::InfoRequested,
        Outcome::Withdrawn,
    ];

    /// As stored and shown.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Granted => "granted",
            Outcome::Declined => "declined",
            Outcome::InfoRequested => "info_requested",
            Outcome::Withdrawn => "withdrawn",
        }
    }
}

impl std::fmt::Display for Outcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl rusqlite::types::FromSql for Outcome {
    fn column_result(value: rusqlite::types::ValueRef<'_>) -> rusqlite::types::FromSqlResult<Self> {
        let text = value.as_str()?;
        Outcome::ALL
            .into_iter()
            .find(|o| o.as_str() == text)
            .ok_or_else(|| {
                rusqlite::types::FromSqlError::Other(
                    format!("{text:?} is not a decision outcome").into(),
                )
            })
    }
}

/// A decision to append.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewDecision {
    pub record_id: i64,
    pub outcome: Outcome,
    /// Free text from staff (may be empty).
    pub note: String,
    /// Who decided (the login name unless given).
    pub by: String,
}

/// A decision as the ledger holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    pub decision_id: i64,
    /// The record it was recorded against (maybe another revision of the same form).
    pub record_id: i64,
    pub outcome: Outcome,
    pub note: String,
    pub by: String,
    /// RFC 3339, UTC, as stored.
    pub at: String,
}

/// Why decisions were not recorded (none of them was).
#[derive(Debug)]
pub enum DecideError {
    /// No record has this id (exit 1).
    UnknownRecord(i64),
    /// Another connection kept the ledger's write lock past the busy timeout (exit 75).
    Busy,
    Failed(anyhow::Error),
}

impl std::fmt::Display for DecideError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DecideError::UnknownRecord(id) => write!(f, "there is no record {id}"),
            DecideError::Busy => f.write_str("another run kept the ledger busy"),
            DecideError::Failed(e) => write!(f, "{e:#}"),
        }
    }
}

impl std::error::Error for DecideError {}

/// The latest decision on the registration the record `r` belongs to: this column of it.
macro_rules! latest_decision {
    ($column:literal) => {
        concat!(
            "(SELECT d.",
            $column,
            " FROM decisions d WHERE d.key_id = r.key_id AND d.attachment = r.attachment \
             ORDER BY d.decision_id DESC LIMIT 1)"
        )
    };
}

/// The latest outcome, NULL without a decision (the `--open` and `--overdue` filters).
pub const LATEST_OUTCOME: &str = latest_decision!("outcome");
/// The report's `decision` column: the latest outcome, empty without a decision.
pub const LATEST_OUTCOME_TEXT: &str = concat!("COALESCE(", latest_decision!("outcome"), ", '')");
/// The report's `decided_at` column, NULL without a decision (stored UTC; reports show it in
/// Canberra time).
pub const LATEST_DECIDED_AT: &str = latest_decision!("decided_at");
/// The report's `decided_by` column, empty without a decision.
pub const LATEST_DECIDED_BY_TEXT: &str =
    concat!("COALESCE(", latest_decision!("decided_by"), ", '')");

impl Ledger {
    /// Appends the decisions in one transaction: all of them, or (an unknown record, the
    /// ledger kept busy past the timeout, any error) none. Returns their decision_ids.
    pub fn decide(&mut self, decisions: &[NewDecision]) -> Result<Vec<i64>, DecideError> {
        let path = self.path.display().to_string();
        let busy_or = |e: rusqlite::Error, what: &str| -> DecideError {
            if e.sqlite_error_code() == Some(rusqlite::ErrorCode::DatabaseBusy) {
                DecideError::Busy
            } else {
                DecideError::Failed(
                    anyhow::Error::new(SqlError::from(e))
                        .context(format!("{what} in the ledger {path}")),
                )
            }
        };
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| busy_or(e, "cannot start writing decisions"))?;
        let at = now();
        let mut ids = Vec::with_capacity(decisions.len());
        for decision in decisions {
            let registration: Option<(i64, String)> = tx
                .prepare_cached("SELECT key_id, attachment FROM records WHERE record_id = ?1")
                .and_then(|mut stmt| {
                    stmt.query_row([decision.record_id], |row| Ok((row.get(0)?, row.get(1)?)))
                        .optional()
                })
                .map_err(|e| busy_or(e, "cannot look up a record"))?;
            let Some((key_id, attachment)) = registration else {
                return Err(DecideError::UnknownRecord(decision.record_id));
            };
            tx.prepare_cached(
                "INSERT INTO decisions (record_id, key_id, attachment, outcome, note, \
                 decided_by, decided_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )
            .and_then(|mut stmt| {
                stmt.execute(rusqlite::params![
                    decision.record_id,
                    key_id,
                    attachment,
                    decision.outcome.as_str(),
                    decision.note,
                    decision.by,
                    at,
                ])
            })
            .map_err(|e| busy_or(e, "cannot append a decision"))?;
            ids.push(tx.last_insert_rowid());
        }
        tx.commit()
            .map_err(|e| busy_or(e, "cannot commit the decisions"))?;
        Ok(ids)
    }

    /// Every decision on the registration `record_id` belongs to (any revision), oldest first.
    pub fn decisions(&self, record_id: i64) -> Result<Vec<Decision>> {
        self.reading("cannot read decisions", |conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT d.decision_id, d.record_id, d.outcome, d.note, d.decided_by, \
                 d.decided_at FROM records r JOIN decisions d \
                 ON d.key_id = r.key_id AND d.attachment = r.attachment \
                 WHERE r.record_id = ?1 ORDER BY d.decision_id",
            )?;
            let rows = stmt.query_map([record_id], |row| {
                Ok(Decision {
                    decision_id: row.get(0)?,
                    record_id: row.get(1)?,
                    outcome: row.get(2)?,
                    note: row.get(3)?,
                    by: row.get(4)?,
                    at: row.get(5)?,
                })
            })?;
            rows.collect()
        })
    }
}
