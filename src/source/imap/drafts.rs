//! A draft reply's bytes in → APPENDed (`\Draft \Seen`) to the drafts mailbox; a draft's
//! Message-ID in → its UID there when it is already present. The poll driver decides which
//! records get a draft and keeps the ledger's steps; this module only talks to the server.

use super::command::{self, Bounds, CommandError, Untagged};
use super::connect::StreamLimits;
use super::{Client, Conn, SPARE_ANSWERS, quote};
use anyhow::{Context as _, Result};

/// Largest draft appended: a reply is a few kilobytes; an office template that makes more is
/// a mistake, recorded `skipped` with the size.
pub const MAX_DRAFT_BYTES: usize = 1 << 20;

/// What became of one APPEND.
pub(crate) enum DraftAppend {
    /// Appended; the server's APPENDUID when it gave one.
    Appended(Option<String>),
    /// Refused (over quota, a read-only mailbox): try again next pass.
    Refused(String),
}

impl Client {
    /// Creates the drafts mailbox when missing and EXAMINEs it (read-only, so searching
    /// changes nothing there). The inbox must be selected again afterwards.
    pub(crate) async fn examine_drafts(&self, conn: &mut Conn, mailbox: &str) -> Result<()> {
        self.ensure_mailbox(conn, mailbox).await?;
        conn.run(
            &format!("EXAMINE {}", quote(mailbox)?),
            self.small("EXAMINE"),
        )
        .await
        .with_context(|| format!("cannot open the drafts mailbox {mailbox:?}"))?;
        Ok(())
    }

    /// The UID of a message in the examined drafts mailbox with this Message-ID, if any.
    pub(crate) async fn find_draft(
        &self,
        conn: &mut Conn,
        message_id: &str,
    ) -> Result<Option<u32>> {
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
    pub(crate) async fn append_draft(
        &self,
        conn: &mut Conn,
        mailbox: &str,
        bytes: Vec<u8>,
    ) -> Result<DraftAppend> {
        match self.append_draft_inner(conn, mailbox, bytes).await {
            Ok(tagged) => Ok(DraftAppend::Appended(tagged.append_uid)),
            Err(e @ CommandError::Refused { .. }) => Ok(DraftAppend::Refused(e.to_string())),
            Err(e) => Err(conn.failed(e)),
        }
    }

    async fn append_draft_inner(
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
            max_answers: SPARE_ANSWERS,
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
}
