//! A message key or an IMAP mailbox in → what a run needs to know to go on: whether the message
//! is recorded and holds a form, every key recorded, a mailbox's saved UIDVALIDITY and last
//! UID, and how often a message failed.

use super::error::SqlContext as _;
use super::{FLAG_SEPARATOR, LATEST_REVISION, Ledger, now};
use crate::validate::Flag;
use anyhow::{Context as _, Result};
use rusqlite::OptionalExtension;
use std::collections::HashSet;

impl Ledger {
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

/// Where an IMAP mailbox's reading got to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MailboxState {
    pub uidvalidity: u32,
    /// Highest UID whose message is recorded (or set aside).
    pub last_uid: u32,
}
