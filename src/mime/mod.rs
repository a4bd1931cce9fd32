//! Raw message bytes in → headers, every attachment (wherever it sits, typed by magic bytes) and
//! the plain-text body out.
//!
//! mail-parser does the RFC 5322/MIME work (transfer encodings, charsets, RFC 2047/2231 names);
//! this module walks its part tree within `Limits`, follows forwarded `message/rfc822` parts,
//! turns an HTML-only body into text that keeps table rows and cells, and types attachments
//! by their bytes.

use crate::limits::Limits;
use chrono::{DateTime, FixedOffset, NaiveDate, TimeZone as _};
use mail_parser::{Message, MessageParser, MessagePart};

mod html;
mod nesting;
mod sniff;
mod walker;

pub use html::html_to_text;
use nesting::{marker_limit, nested_message_markers};
pub use sniff::sniff;
use walker::Walker;
pub use walker::is_small_image;

/// What an attachment's bytes are, by magic bytes first and the declared type/name last.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FileKind {
    Pdf,
    Docx,
    Odt,
    /// Word 97–2003 binary (an OLE compound file).
    Doc,
    /// Rich Text Format.
    Rtf,
    /// An Outlook `winmail.dat` (TNEF): a container of attachments.
    Tnef,
    /// A zip that is neither DOCX nor ODT.
    Zip,
    /// An image that may be a photo or scan of the form (JPEG, PNG, TIFF, …).
    Image,
    /// An image shown in the body (referenced by Content-ID, or too small to hold a page): a
    /// logo or a signature, never a form.
    InlineImage,
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
    pub problems: Vec<Problem>,
}

impl ParsedMessage {
    /// The message was over `max_message_bytes`: only its head was read.
    pub fn is_oversized(&self) -> bool {
        self.problems
            .iter()
            .any(|p| matches!(p, Problem::MessageTooLarge { .. }))
    }
}

/// Something the MIME stage could not read, or read only in part. `Display` is the note staff
/// read on the record; serialised as that note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// Over `max_message_bytes`: only the head was read (headers, for the key and sender).
    MessageTooLarge { bytes: u64, limit: u64 },
    /// Nothing that parses as message headers.
    NoHeaders,
    /// So many forwarded-message or digest parts that the body was not parsed at all.
    TooManyNestedMessages { markers: usize },
    /// A forwarded message (opened here, not by mail-parser) nests too many messages.
    ForwardNestsTooMany,
    /// Parts nested deeper than `max_mime_depth` were skipped.
    TooDeep { max_depth: usize },
    /// Parts past `max_mime_parts` were skipped.
    TooManyParts { max_parts: usize },
    /// An attachment over `max_attachment_bytes` (kept, and refused by `extract`).
    AttachmentTooLarge {
        filename: String,
        bytes: usize,
        limit: u64,
    },
    /// An attachment whose transfer encoding is broken; read as it is.
    BadlyEncoded { filename: String },
    /// The MIME parser failed on the message.
    ParserFailed { reason: String },
    /// The body holds more text than `max_text_bytes`: the rest was not read.
    BodyTextCut { limit: u64 },
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Problem::MessageTooLarge { bytes, limit } => {
                write!(
                    f,
                    "message is {bytes} bytes, over the {limit} byte limit: not read"
                )
            }
            Problem::NoHeaders => f.write_str("no message headers found"),
            Problem::TooManyNestedMessages { markers } => write!(
                f,
                "message holds {markers} forwarded-message or digest parts, over the limit: body not read"
            ),
            Problem::ForwardNestsTooMany => {
                f.write_str("a forwarded message nests too many messages: not read")
            }
            Problem::TooDeep { max_depth } => write!(
                f,
                "MIME parts nested deeper than {max_depth} levels were not read"
            ),
            Problem::TooManyParts { max_parts } => write!(
                f,
                "message has more than {max_parts} MIME parts: the rest were not read"
            ),
            Problem::AttachmentTooLarge {
                filename,
                bytes,
                limit,
            } => write!(
                f,
                "attachment \"{filename}\" is {bytes} bytes, over the {limit} byte limit"
            ),
            Problem::BadlyEncoded { filename } => write!(
                f,
                "attachment \"{filename}\" is not properly encoded; read as is"
            ),
            Problem::ParserFailed { reason } => {
                write!(f, "the MIME parser failed on this message: {reason}")
            }
            Problem::BodyTextCut { limit } => write!(
                f,
                "the message body holds more than {limit} bytes of text: the rest was not read"
            ),
        }
    }
}

impl serde::Serialize for Problem {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// How much of an oversized message is parsed: enough for its headers.
const OVERSIZED_HEAD_BYTES: usize = 256 << 10;

/// Parses one message. Never panics; a message mail-parser cannot parse at all gives an empty
/// `ParsedMessage` with a problem. A message over `max_message_bytes` is not read: only its
/// head is parsed (`parse_head`).
pub fn parse(raw: &[u8], limits: &Limits) -> ParsedMessage {
    if raw.len() as u64 > limits.max_message_bytes {
        return parse_head(raw, raw.len() as u64, limits);
    }
    parse_guarded(raw, limits)
}

/// Parses the head of a message of `size` bytes, over `max_message_bytes` (`head` may be the
/// whole message or its first bytes): only its headers are read, for the key and sender, and
/// a `MessageTooLarge` problem says why the rest was not.
pub fn parse_head(head: &[u8], size: u64, limits: &Limits) -> ParsedMessage {
    let mut m = parse_guarded(&head[..head.len().min(OVERSIZED_HEAD_BYTES)], limits);
    m.attachments.clear();
    m.body_text.clear();
    m.problems.push(Problem::MessageTooLarge {
        bytes: size,
        limit: limits.max_message_bytes,
    });
    m
}

fn parse_guarded(raw: &[u8], limits: &Limits) -> ParsedMessage {
    // A panic inside mail-parser costs this message's reading, not the run.
    crate::catch_panic(|| parse_unguarded(raw, limits)).unwrap_or_else(|reason| ParsedMessage {
        problems: vec![Problem::ParserFailed { reason }],
        ..Default::default()
    })
}

/// Built once: the default parser holds a table of header parsers.
static PARSER: std::sync::LazyLock<MessageParser> =
    std::sync::LazyLock::new(MessageParser::default);

fn parse_unguarded(raw: &[u8], limits: &Limits) -> ParsedMessage {
    let parser: &MessageParser = &PARSER;
    let markers = nested_message_markers(raw);
    let headers_only = markers > marker_limit(limits);
    let parsed = if headers_only {
        parser.parse_headers(raw)
    } else {
        parser.parse(raw)
    };
    let Some(message) = parsed else {
        return ParsedMessage {
            problems: vec![Problem::NoHeaders],
            ..Default::default()
        };
    };
    let mut out = ParsedMessage {
        message_id: message_id(&message),
        sender: sender(&message),
        subject: message
            .subject()
            .map(collapse_whitespace)
            .unwrap_or_default(),
        date: message.date().and_then(to_chrono),
        ..Default::default()
    };
    if headers_only {
        out.problems
            .push(Problem::TooManyNestedMessages { markers });
        return out;
    }
    let mut walker = Walker {
        limits,
        parser,
        parts_seen: 0,
        parts_limit_hit: false,
        depth_limit_hit: false,
        bodies: Vec::new(),
        text_left: usize::try_from(limits.max_text_bytes).unwrap_or(usize::MAX),
        attachments: Vec::new(),
        problems: Vec::new(),
        root_raw: raw,
        cids: Vec::new(),
    };
    walker.walk_message(&message, 0);
    out.body_text = walker
        .bodies
        .iter()
        .map(|b| b.trim_matches('\n'))
        .filter(|b| !b.trim().is_empty())
        .collect::<Vec<_>>()
        .join("\n\n");
    out.attachments = walker.attachments;
    out.problems = walker.problems;
    out
}

fn message_id(message: &Message<'_>) -> Option<String> {
    use mail_parser::{HeaderName, HeaderValue};
    let value = message
        .root_part()
        .headers
        .iter()
        .find_map(|h| match h.name {
            HeaderName::MessageId => Some(&h.value),
            _ => None,
        })?;
    let id = match value {
        HeaderValue::Text(t) => t.as_ref(),
        HeaderValue::TextList(list) => list.first()?.as_ref(),
        _ => return None,
    };
    let id = id
        .trim()
        .trim_start_matches('<')
        .trim_end_matches('>')
        .trim();
    if id.is_empty() {
        None
    } else {
        Some(format!("<{id}>"))
    }
}

fn sender(message: &Message<'_>) -> String {
    if let Some(from) = message.from()
        && let Some(address) = from
            .iter()
            .filter_map(|a| a.address())
            .map(str::trim)
            .find(|a| !a.is_empty())
    {
        return address.to_lowercase();
    }
    // No address in From: keep whatever the header says, so staff can see it.
    raw_header(message.root_part(), message.raw_message(), "from")
        .map(|raw| collapse_whitespace(&raw))
        .unwrap_or_default()
}

/// A header's raw text (unfolded later by the caller), read with bounds checks.
fn raw_header(part: &MessagePart<'_>, raw: &[u8], name: &str) -> Option<String> {
    let header = part
        .headers
        .iter()
        .find(|h| h.name.as_str().eq_ignore_ascii_case(name))?;
    let bytes = raw.get(header.offset_start as usize..header.offset_end as usize)?;
    Some(String::from_utf8_lossy(bytes).into_owned())
}

fn collapse_whitespace(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// mail-parser's date → chrono, `None` for anything out of range.
fn to_chrono(date: &mail_parser::DateTime) -> Option<DateTime<FixedOffset>> {
    let mut date = *date;
    // A leap second is read as the second before it.
    date.second = date.second.min(59);
    if !date.is_valid() {
        return None;
    }
    let offset_secs = i32::from(date.tz_hour) * 3600 + i32::from(date.tz_minute) * 60;
    let offset = if date.tz_before_gmt {
        FixedOffset::west_opt(offset_secs)?
    } else {
        FixedOffset::east_opt(offset_secs)?
    };
    let naive = NaiveDate::from_ymd_opt(
        i32::from(date.year),
        u32::from(date.month),
        u32::from(date.day),
    )?
    .and_hms_opt(
        u32::from(date.hour),
        u32::from(date.minute),
        u32::from(date.second),
    )?;
    offset.from_local_datetime(&naive).single()
}

#[cfg(test)]
mod tests;
