//! Raw messages in: archive files (mbox, Maildir, .eml, folders of .eml) and IMAP → `RawMessage`s.

pub mod archive;
pub mod imap;

use chrono::{DateTime, FixedOffset};

/// One message exactly as it was stored or fetched.
#[derive(Debug, Clone)]
pub struct RawMessage {
    /// The RFC 5322 bytes (mbox quoting already undone).
    pub bytes: Vec<u8>,
    /// Where the message came from, for logs and the ledger (`mbox:/path#17`, `imap:INBOX;UID=42`).
    pub origin: String,
    /// The server's INTERNALDATE, when the message came from IMAP.
    pub internal_date: Option<DateTime<FixedOffset>>,
}
