//! IMAP move steps in → appended `imap_moves` rows; the moves a pass must still finish out.
//!
//! Moving a committed message out of the inbox takes several server commands (COPY, STORE
//! \Deleted, UID EXPUNGE on a server without MOVE), and a crash or a cut connection can stop
//! between any two. Each step is appended here before or after its command, so the next pass
//! knows which messages it committed and has not yet seen leave the inbox, and how far each got.

use super::error::SqlContext as _;
use super::{Ledger, now};
use crate::source::imap::{MoveStep, OpenMove};
use anyhow::Result;

impl Ledger {
    /// Appends one step for each of `moves` (their uidvalidity, uid, key, destination and size)
    /// in one transaction.
    pub(crate) fn append_move_steps(
        &mut self,
        account: &str,
        mailbox: &str,
        step: MoveStep,
        moves: &[OpenMove],
        detail: &str,
    ) -> Result<()> {
        if moves.is_empty() {
            return Ok(());
        }
        let at = now();
        let mut write = || -> rusqlite::Result<()> {
            let tx = self
                .conn
                .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            {
                let mut stmt = tx.prepare_cached(
                    "INSERT INTO imap_moves (account, mailbox, uidvalidity, uid, key, \
                     destination, size, step, detail, at) \
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                )?;
                for m in moves {
                    stmt.execute(rusqlite::params![
                        account,
                        mailbox,
                        m.uidvalidity,
                        m.uid,
                        m.key,
                        m.destination,
                        i64::try_from(m.size).unwrap_or(i64::MAX),
                        step.as_str(),
                        detail,
                        at,
                    ])?;
                }
            }
            tx.commit()
        };
        let written = write();
        written.with_sql_context(|| {
            self.what(&format!("cannot record a move step ({})", step.as_str()))
        })
    }

    /// The moves out of `mailbox` on `account` not yet seen finished, by UID (any
    /// UIDVALIDITY). A UID with several unfinished `pending` steps is listed once, with its
    /// latest.
    pub(crate) fn open_moves(&self, account: &str, mailbox: &str) -> Result<Vec<OpenMove>> {
        let read = || -> rusqlite::Result<Vec<OpenMove>> {
            let mut stmt = self.conn.prepare_cached(
                "SELECT p.uidvalidity, p.uid, p.key, p.destination, p.size, \
                   EXISTS (SELECT 1 FROM imap_moves c WHERE c.account = p.account \
                     AND c.mailbox = p.mailbox AND c.uidvalidity = p.uidvalidity \
                     AND c.uid = p.uid AND c.step = 'copied' AND c.event_id > p.event_id) \
                 FROM imap_moves p \
                 WHERE p.account = ?1 AND p.mailbox = ?2 AND p.step = 'pending' \
                   AND NOT EXISTS (SELECT 1 FROM imap_moves g WHERE g.account = p.account \
                     AND g.mailbox = p.mailbox AND g.uidvalidity = p.uidvalidity \
                     AND g.uid = p.uid AND g.step = 'gone' AND g.event_id > p.event_id) \
                 ORDER BY p.uidvalidity, p.uid, p.event_id",
            )?;
            let rows = stmt.query_map([account, mailbox], |row| {
                let size: i64 = row.get(4)?;
                Ok(OpenMove {
                    uidvalidity: row.get(0)?,
                    uid: row.get(1)?,
                    key: row.get(2)?,
                    destination: row.get(3)?,
                    size: u64::try_from(size).unwrap_or(0),
                    copied: row.get(5)?,
                })
            })?;
            let mut moves: Vec<OpenMove> = Vec::new();
            for m in rows {
                let m = m?;
                match moves.last_mut() {
                    Some(last) if last.uidvalidity == m.uidvalidity && last.uid == m.uid => {
                        *last = m
                    }
                    _ => moves.push(m),
                }
            }
            Ok(moves)
        };
        read().with_sql_context(|| self.what("cannot read the unfinished moves"))
    }

    /// True when a move of a message with this key was ever started (from any mailbox): a copy
    /// of it may already be in a destination.
    pub(crate) fn move_started(&self, key: &str) -> Result<bool> {
        self.conn
            .prepare_cached("SELECT EXISTS (SELECT 1 FROM imap_moves WHERE key = ?1)")
            .and_then(|mut stmt| stmt.query_row([key], |row| row.get(0)))
            .with_sql_context(|| self.what("cannot look up earlier moves"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(uidvalidity: u32, uid: u32) -> OpenMove {
        OpenMove {
            uidvalidity,
            uid,
            key: format!("mid:{uid}@x"),
            destination: "Done".into(),
            size: 100 + u64::from(uid),
            copied: false,
        }
    }

    #[test]
    fn open_moves_follow_the_steps_and_rows_are_never_changed() {
        let dir = tempfile::tempdir().unwrap();
        let mut ledger = Ledger::open(&dir.path().join("l.db")).unwrap();
        let (a, b, c) = (entry(7, 1), entry(7, 2), entry(7, 3));
        let account = "u@h:143";
        ledger
            .append_move_steps(
                account,
                "INBOX",
                MoveStep::Pending,
                &[a.clone(), b.clone(), c.clone()],
                "",
            )
            .unwrap();
        ledger
            .append_move_steps(
                account,
                "INBOX",
                MoveStep::Copied,
                std::slice::from_ref(&b),
                "COPYUID 9 2 5",
            )
            .unwrap();
        ledger
            .append_move_steps(
                account,
                "INBOX",
                MoveStep::Gone,
                std::slice::from_ref(&c),
                "UID EXPUNGE",
            )
            .unwrap();
        let open = ledger.open_moves(account, "INBOX").unwrap();
        let copied_b = OpenMove {
            copied: true,
            ..b.clone()
        };
        assert_eq!(open, vec![a.clone(), copied_b]);
        // Another mailbox or account sees none of them.
        assert!(ledger.open_moves(account, "Other").unwrap().is_empty());
        assert!(ledger.open_moves("v@h:143", "INBOX").unwrap().is_empty());
        // A move started again after it was gone (the same UID read again) is open again,
        // without the old copied step.
        ledger
            .append_move_steps(
                account,
                "INBOX",
                MoveStep::Pending,
                std::slice::from_ref(&c),
                "",
            )
            .unwrap();
        let open = ledger.open_moves(account, "INBOX").unwrap();
        assert_eq!(open.len(), 3);
        assert_eq!(open[2], c);
        assert!(ledger.move_started("mid:3@x").unwrap());
        assert!(!ledger.move_started("mid:4@x").unwrap());
        for sql in [
            "UPDATE imap_moves SET step = 'gone'",
            "DELETE FROM imap_moves",
            "INSERT OR REPLACE INTO imap_moves (event_id, account, mailbox, uidvalidity, uid, key, \
             destination, size, step, detail, at) VALUES (1, 'a', 'b', 1, 1, 'k', 'd', 0, 'gone', '', '')",
        ] {
            assert!(ledger.conn.execute(sql, []).is_err(), "{sql}");
        }
        let steps: i64 = ledger
            .conn
            .query_row("SELECT COUNT(*) FROM imap_moves", [], |r| r.get(0))
            .unwrap();
        assert_eq!(steps, 6);
    }
}
