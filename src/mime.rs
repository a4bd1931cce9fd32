//! Raw message bytes in → headers, every attachment (wherever it sits, typed by magic bytes) and
//! the plain-text body out.

use crate::limits::Limits;
use chrono::{DateTime, FixedOffset};

/// What an attachment's bytes are, by magic bytes first and the declared type/name last.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FileKind {
    Pdf,
    Docx,
    Odt,
    /// Old binary Word (OLE compound file): recognised, not read.
    Doc,
    /// A zip that is neither DOCX nor ODT.
    Zip,
    Image,
    Other,
}

#[derive(Debug, Clone)]
pub struct Attachment {
    /// The decoded file name (RFC 2047 / 2231), empty when the part has none.
    pub filename: String,
    pub content_type: String,
    pub kind: FileKind,
    pub bytes: Vec<u8>,
}

#[derive(Debug, Clone, Default)]
pub struct ParsedMessage {
    /// The Message-ID header with its angle brackets, `None` when absent.
    pub message_id: Option<String>,
    /// The From address (addr-spec), or the raw header when it has none.
    pub sender: String,
    pub subject: String,
    pub date: Option<DateTime<FixedOffset>>,
    /// Every attachment, including those of forwarded `message/rfc822` parts.
    pub attachments: Vec<Attachment>,
    /// The text body (HTML converted to text when there is no text part), including the bodies of
    /// forwarded messages, in order.
    pub body_text: String,
    /// Problems met while parsing (limits hit, undecodable parts); the message is still used.
    pub problems: Vec<String>,
}

/// Parses one message. Never panics; a message mail-parser cannot parse at all gives an empty
/// `ParsedMessage` with a problem.
pub fn parse(_raw: &[u8], _limits: &Limits) -> ParsedMessage {
    ParsedMessage::default()
}

/// Decides the kind of a file from its first bytes (and, for zips, the names of its entries).
pub fn sniff(_bytes: &[u8], _content_type: &str, _filename: &str) -> FileKind {
    FileKind::Other
}
