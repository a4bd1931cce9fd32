//! Records committed with a `pending` reply in → a draft reply appended to the drafts mailbox
//! (through `source::imap`) once per record, and its finishing step in the ledger
//! (`appended`, `found`, `skipped`).
//!
//! Once per record across crashes: the draft's Message-ID is fixed by the record, and before
//! each APPEND the drafts mailbox is searched for it. A crash between an APPEND and its ledger
//! row leaves the record pending; the next pass finds the draft and records `found` instead of
//! appending a second one. The reply itself is made by the caller's `compose` (the reply
//! stage).

use super::{LedgerFailed, Poller};
use crate::ledger::{DraftEvent, DraftStep, StoredRecord};
use crate::source::imap::{Conn, DraftAppend, MAX_DRAFT_BYTES};
use anyhow::{Context as _, Result};

/// Most records whose reply one pass decides (a backlog drains over several passes).
const DRAFTS_PER_PASS: usize = 200;

/// A reply made for a record: its own Message-ID (with brackets) and the message.
pub struct ComposedDraft {
    pub message_id: String,
    pub bytes: Vec<u8>,
}

/// Makes a record's reply: `Ok(Err(why))` when the record gets none.
pub type Compose =
    Box<dyn Fn(&StoredRecord) -> Result<std::result::Result<ComposedDraft, String>> + Send>;

/// Where drafts go and how they are made, lent by the caller.
pub struct Drafts {
    pub mailbox: String,
    pub compose: Compose,
}

impl Poller<'_> {
    /// Decides the reply of up to `DRAFTS_PER_PASS` pending records and appends the drafts.
    /// True when it selected the drafts mailbox (the inbox must be selected again).
    pub(super) async fn make_drafts(&mut self, conn: &mut Conn) -> Result<bool> {
        if self.dry_run.is_some() {
            return Ok(false);
        }
        let Some(drafts) = self.drafts.take() else {
            return Ok(false);
        };
        let made = self.make_drafts_with(&drafts, conn).await;
        self.drafts = Some(drafts);
        made
    }

    async fn make_drafts_with(&mut self, drafts: &Drafts, conn: &mut Conn) -> Result<bool> {
        let mailbox = drafts.mailbox.clone();
        let pending = self
            .ledger
            .pending_drafts(DRAFTS_PER_PASS)
            .context(LedgerFailed)?;
        if pending.is_empty() {
            return Ok(false);
        }
        let mut to_append: Vec<(i64, ComposedDraft)> = Vec::new();
        for record_id in pending {
            let Some(record) = self.ledger.stored_record(record_id).context(LedgerFailed)? else {
                continue;
            };
            let decided = (drafts.compose)(&record)
                .with_context(|| format!("cannot make the reply to record {record_id}"))?;
            let skipped = match decided {
                Ok(draft) if draft.bytes.len() > MAX_DRAFT_BYTES => format!(
                    "the draft is {} bytes, over the {MAX_DRAFT_BYTES} byte limit",
                    draft.bytes.len()
                ),
                Ok(draft) => {
                    to_append.push((record_id, draft));
                    continue;
                }
                Err(why) => why,
            };
            tracing::info!(record_id, reason = %skipped, "No reply drafted");
            self.draft_step(record_id, DraftStep::Skipped, &mailbox, "", &skipped)?;
        }
        if to_append.is_empty() {
            return Ok(false);
        }
        self.client.examine_drafts(conn, &mailbox).await?;
        for (record_id, draft) in to_append {
            if self.client.stopping() {
                break;
            }
            if let Some(uid) = self.client.find_draft(conn, &draft.message_id).await? {
                tracing::info!(record_id, mailbox = %mailbox, uid, "Draft reply already there");
                self.draft_step(
                    record_id,
                    DraftStep::Found,
                    &mailbox,
                    &draft.message_id,
                    &format!("UID {uid}"),
                )?;
                continue;
            }
            match self
                .client
                .append_draft(conn, &mailbox, draft.bytes)
                .await?
            {
                DraftAppend::Appended(uid) => {
                    tracing::info!(record_id, mailbox = %mailbox, "Draft reply appended");
                    self.draft_step(
                        record_id,
                        DraftStep::Appended,
                        &mailbox,
                        &draft.message_id,
                        &uid.unwrap_or_default(),
                    )?;
                }
                DraftAppend::Refused(why) => {
                    // Over quota, a read-only mailbox: the records stay pending for a later pass.
                    tracing::warn!(record_id, mailbox = %mailbox, error = %why, "Cannot append draft replies; trying again next pass");
                    break;
                }
            }
        }
        Ok(true)
    }

    fn draft_step(
        &mut self,
        record_id: i64,
        step: DraftStep,
        mailbox: &str,
        message_id: &str,
        note: &str,
    ) -> Result<()> {
        let event = DraftEvent {
            step,
            account: self.client.account().to_string(),
            mailbox: mailbox.to_string(),
            draft_message_id: message_id.to_string(),
            note: note.to_string(),
            at: String::new(),
        };
        self.ledger
            .append_draft_step(record_id, &event)
            .context(LedgerFailed)
    }
}
