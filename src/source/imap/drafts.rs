//! Records committed with a `pending` reply in → a draft reply APPENDed (`\Draft \Seen`) to the
//! drafts mailbox once per record, and its finishing step in the ledger (`appended`, `found`,
//! `skipped`).
//!
//! Once per record across crashes: the draft's Message-ID is fixed by the record, and before
//! each APPEND the drafts mailbox is searched for it (`UID SEARCH HEADER Message-ID`). A crash
//! between an APPEND and its ledger row leaves the record pending; the next pass finds the
//! draft and records `found` instead of appending a second one. The reply itself is made by the
//! caller's `compose` (the reply stage, above this one), so this module only moves bytes.

use super::command::{self, Bounds, CommandError, Untagged};
use super::connect::StreamLimits;
use super::{Conn, LedgerFailed, Poller, quote};
use crate::ledger::{DraftEvent, DraftStep, StoredRecord};
use anyhow::{Context as _, Result};

/// Most records whose reply one pass decides (a backlog drains over several passes).
const DRAFTS_PER_PASS: usize = 200;
/// Largest draft appended: a reply is a few kilobytes; an office template that makes more is
/// a mistake, recorded `skipped` with the size.
pub const MAX_DRAFT_BYTES: usize = 1 << 20;

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

impl Poller {
    /// Decides the reply of up to `DRAFTS_PER_PASS` pending records and appends the drafts.
    /// True when it selected the drafts mailbox (the inbox must be selected again).
    pub(super) async fn make_drafts(&mut self, conn: &mut Conn) -> Result<bool> {
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
        self.ensure_mailbox(conn, &mailbox).await?;
        // EXAMINE: read-only, so searching changes nothing in the drafts mailbox.
        conn.run(
            &format!("EXAMINE {}", quote(&mailbox)?),
            self.small("EXAMINE"),
        )
        .await
        .with_context(|| format!("cannot open the drafts mailbox {mailbox:?}"))?;
        for (record_id, draft) in to_append {
            if self.stopping() {
                break;
            }
            let found = self.find_draft(conn, &draft.message_id).await?;
            if let Some(uid) = found {
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
            match self.append_draft(conn, &mailbox, draft.bytes).await {
                Ok(tagged) => {
                    tracing::info!(record_id, mailbox = %mailbox, "Draft reply appended");
                    let note = tagged.append_uid.unwrap_or_default();
                    self.draft_step(
                        record_id,
                        DraftStep::Appended,
                        &mailbox,
                        &draft.message_id,
                        &note,
                    )?;
                }
                Err(e @ CommandError::Refused { .. }) => {
                    // Over quota, a read-only mailbox: the records stay pending for a later pass.
                    tracing::warn!(record_id, mailbox = %mailbox, error = %e, "Cannot append draft replies; trying again next pass");
                    break;
                }
                Err(e) => return Err(conn.failed(e)),
            }
        }
        Ok(true)
    }

    /// The UID of a message in the examined drafts mailbox with this Message-ID, if any.
    async fn find_draft(&self, conn: &mut Conn, message_id: &str) -> Result<Option<u32>> {
        let query = format!("UID SEARCH HEADER Message-ID {}", quote(message_id)?);
        let (answers, _) = conn.run(&query, self.search()).await?;
        Ok(answers
            .into_iter()
            .flat_map(|a| match a {
                Untagged::Search(uids) => uids,
                _ => Vec::new(),
            })
            .min())
    }

    /// APPEND with `\Draft \Seen`, bounded like every command: the answer is small, the time
    /// allows for sending the message at a slow rate.
    async fn append_draft(
        &self,
        conn: &mut Conn,
        mailbox: &str,
        bytes: Vec<u8>,
    ) -> std::result::Result<command::Tagged, CommandError> {
        let what = "APPEND";
        let message = String::from_utf8(bytes).map_err(|_| CommandError::Unexpected {
            what,
            text: "a draft that is not 7-bit text".into(),
        })?;
        let mut stream = StreamLimits::small(what, self.timeout);
        stream.deadline = self.deadline_for(message.len() as u64 + (64 << 10));
        let bounds = Bounds {
            stream,
            max_answers: super::SPARE_ANSWERS,
        };
        let name = quote(mailbox).map_err(|e| CommandError::Unexpected {
            what,
            text: e.to_string(),
        })?;
        let mut running =
            command::start_append(&mut conn.session, &name, "\\Draft \\Seen", message, bounds)
                .await?;
        while running.next(&mut conn.session).await?.is_some() {}
        Ok(running.take_tagged())
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
            account: self.account.clone(),
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
