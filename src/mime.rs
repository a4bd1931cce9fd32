//! Raw message bytes in → headers, every attachment (wherever it sits, typed by magic bytes) and
//! the plain-text body out.
//!
//! mail-parser does the RFC 5322/MIME work (transfer encodings, charsets, RFC 2047/2231 names);
//! this module walks its part tree within `Limits`, follows forwarded `message/rfc822` parts,
//! turns an HTML-only body into text that keeps table rows and cells, and types attachments
//! by their bytes.

use crate::limits::{Limits, TEXT_BREAK_COST};
use chrono::{DateTime, FixedOffset, NaiveDate, TimeZone as _};
use mail_parser::{Message, MessageParser, MessagePart, MimeHeaders, PartType};
use std::io::{Cursor, Read as _};

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

/// Most `message/…` and `multipart/digest` mentions accepted before the body is not parsed:
/// mail-parser builds nested messages as a tree that is dropped recursively, so thousands of
/// levels could overflow a worker's stack (which no `catch_unwind` can catch).
const MAX_NESTED_MESSAGE_MARKERS: usize = 1_000;

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
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        parse_unguarded(raw, limits)
    })) {
        Ok(parsed) => parsed,
        Err(panic) => ParsedMessage {
            problems: vec![Problem::ParserFailed {
                reason: crate::panic_text(&*panic),
            }],
            ..Default::default()
        },
    }
}

fn marker_limit(limits: &Limits) -> usize {
    MAX_NESTED_MESSAGE_MARKERS.min(limits.max_mime_parts.max(1))
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

/// An upper bound on how many nested messages mail-parser could build from `raw`: mentions of
/// `message/rfc822`, `message/global` and `multipart/digest` in the bytes as they are, with
/// quoted-printable undone, and inside every base64 run (mail-parser opens encoded forwarded
/// messages itself, up to three levels down).
fn nested_message_markers(raw: &[u8]) -> usize {
    count_markers_in(raw, 4)
}

fn count_markers_in(bytes: &[u8], encoded_levels: usize) -> usize {
    let mut count = count_markers(bytes);
    // A part is only opened as a nested message when its own (unencoded) Content-Type names
    // one, so bytes without any visible marker hide none in their encoded parts: skip decoding
    // them (it was most of the cost of parsing an ordinary message with attachments).
    if encoded_levels == 0 || count == 0 {
        return count;
    }
    if bytes.contains(&b'=') {
        count += count_markers_in_qp(bytes);
    }
    // Base64 runs are decoded one at a time, so the extra memory is one part's size.
    let mut run = Vec::new();
    let flush = |run: &mut Vec<u8>, count: &mut usize| {
        if run.len() >= 24
            && let Some(decoded) = mail_parser::decoders::base64::base64_decode(run)
        {
            *count += count_markers_in(&decoded, encoded_levels - 1);
        }
        run.clear();
    };
    let is_b64 = |b: &u8| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'=');
    for line in bytes.split(|&b| b == b'\n') {
        let line = line.trim_ascii_end();
        if !line.is_empty() && line.iter().all(is_b64) {
            run.extend_from_slice(line);
        } else {
            flush(&mut run, &mut count);
        }
    }
    flush(&mut run, &mut count);
    count
}

const MARKERS: [&[u8]; 3] = [b"message/rfc822", b"message/global", b"multipart/digest"];
const LONGEST_MARKER: usize = 16;

fn count_markers(bytes: &[u8]) -> usize {
    count_markers_ending_after(bytes, 0)
}

/// Markers in `bytes` that end past index `from`.
fn count_markers_ending_after(bytes: &[u8], from: usize) -> usize {
    let mut count = 0;
    // Every marker starts with an "m": jump from one to the next (SIMD) rather than byte by byte.
    for i in memchr::memchr2_iter(b'm', b'M', bytes) {
        let rest = &bytes[i..];
        if MARKERS.iter().any(|m| {
            i + m.len() > from
                && rest
                    .get(..m.len())
                    .is_some_and(|head| head.eq_ignore_ascii_case(m))
        }) {
            count += 1;
        }
    }
    count
}

/// Markers in `bytes` read as quoted-printable (soft line breaks removed, `=XX` decoded, any
/// other byte kept), decoded in small chunks so no copy of the message is made.
fn count_markers_in_qp(bytes: &[u8]) -> usize {
    let hex = |b: u8| (b as char).to_digit(16);
    let mut count = 0;
    let mut window: Vec<u8> = Vec::with_capacity(8192);
    let mut carried = 0;
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let mut decoded = Some(b);
        let mut step = 1;
        if b == b'=' {
            match (bytes.get(i + 1), bytes.get(i + 2)) {
                (Some(b'\n'), _) => (decoded, step) = (None, 2),
                (Some(b'\r'), Some(b'\n')) => (decoded, step) = (None, 3),
                (Some(&h), Some(&l)) => {
                    if let (Some(h), Some(l)) = (hex(h), hex(l)) {
                        (decoded, step) = (Some((h * 16 + l) as u8), 3);
                    }
                }
                _ => {}
            }
        }
        i += step;
        if let Some(d) = decoded {
            window.push(d);
        }
        if window.len() >= 8192 {
            count += count_markers_ending_after(&window, carried);
            let keep = window.len() - LONGEST_MARKER;
            window.drain(..keep);
            carried = window.len();
        }
    }
    count + count_markers_ending_after(&window, carried)
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

/// Walks a message's part tree (and forwarded messages within it) inside the limits.
struct Walker<'a> {
    limits: &'a Limits,
    parser: &'a MessageParser,
    parts_seen: usize,
    parts_limit_hit: bool,
    depth_limit_hit: bool,
    bodies: Vec<String>,
    /// What is left of `max_text_bytes` for the bodies still to read.
    text_left: usize,
    attachments: Vec<Attachment>,
    problems: Vec<Problem>,
    /// The whole message's bytes: a forwarded message's parts may give their offsets in it.
    root_raw: &'a [u8],
    /// Content-IDs the message's HTML refers to (`cid:`): images shown in the body.
    cids: Vec<String>,
}

impl Walker<'_> {
    fn marker_limit(&self) -> usize {
        marker_limit(self.limits)
    }

    fn note_depth_limit(&mut self) {
        if !self.depth_limit_hit {
            self.depth_limit_hit = true;
            self.problems.push(Problem::TooDeep {
                max_depth: self.limits.max_mime_depth,
            });
        }
    }

    /// Reads one (possibly forwarded) message at nesting `depth`: its body first, then its
    /// attachments, recursing into forwarded messages in order.
    fn walk_message(&mut self, message: &Message<'_>, depth: usize) {
        if self.parts_limit_hit {
            return;
        }
        let part_depth = self.reachable_parts(message, depth);
        let reachable = |id: u32| part_depth.get(id as usize).copied().flatten();

        let mut body = String::new();
        // The text part and a richer HTML alternative are each read within what is left of the
        // text budget; the one kept is charged.
        let text_left = self.text_left;
        let mut left = text_left;
        let mut cut = false;
        for &id in &message.text_body {
            if reachable(id).is_none() {
                continue;
            }
            // Only what fits in the text budget is copied: a body may be tens of MB.
            let (text, part_cut) = match message.parts.get(id as usize).map(|p| &p.body) {
                Some(PartType::Text(text)) => {
                    let (head, cost) = text_within(text, left);
                    left = left.saturating_sub(cost + TEXT_BREAK_COST);
                    (head.replace("\r\n", "\n"), head.len() < text.len())
                }
                Some(PartType::Html(html)) => read_html_within(html, &mut left),
                _ => continue,
            };
            cut |= part_cut;
            if !body.is_empty() && !body.ends_with('\n') {
                body.push('\n');
            }
            body.push_str(&text);
        }
        // In multipart/alternative the text part may have lost the tick boxes or the table
        // (Outlook drops Wingdings boxes, tables become loose lines): read the HTML instead
        // when it shows more of them.
        for &id in &message.html_body {
            if reachable(id).is_some()
                && let Some(PartType::Html(html)) = message.parts.get(id as usize).map(|p| &p.body)
            {
                self.note_cids(html);
            }
        }
        let mut html_text = String::new();
        let mut html_left = text_left;
        let mut html_cut = false;
        for &id in &message.html_body {
            if message.text_body.contains(&id) || reachable(id).is_none() {
                continue;
            }
            if let Some(PartType::Html(html)) = message.parts.get(id as usize).map(|p| &p.body)
                && looks_rich(html)
            {
                if !html_text.is_empty() && !html_text.ends_with('\n') {
                    html_text.push('\n');
                }
                let (text, part_cut) = read_html_within(html, &mut html_left);
                html_cut |= part_cut;
                html_text.push_str(&text);
            }
        }
        if !html_text.is_empty() && richness(&html_text) > richness(&body) {
            body = html_text;
            left = html_left;
            cut = html_cut;
        }
        self.text_left = left;
        if cut
            && !self
                .problems
                .iter()
                .any(|p| matches!(p, Problem::BodyTextCut { .. }))
        {
            self.problems.push(Problem::BodyTextCut {
                limit: self.limits.max_text_bytes,
            });
        }
        self.bodies.push(body);

        for &id in &message.attachments {
            let Some(part_depth) = reachable(id) else {
                continue;
            };
            let Some(part) = message.parts.get(id as usize) else {
                continue;
            };
            match &part.body {
                PartType::Message(nested) => {
                    if part_depth + 1 > self.limits.max_mime_depth {
                        self.note_depth_limit();
                    } else {
                        self.walk_message(nested, part_depth + 1);
                    }
                }
                PartType::Binary(bytes) | PartType::InlineBinary(bytes)
                    if is_message_type(part) =>
                {
                    // A forwarded message mail-parser did not open (encoded beyond its own
                    // nesting limit): parse it here, still inside our depth limit.
                    if part_depth + 1 > self.limits.max_mime_depth {
                        self.note_depth_limit();
                    } else if nested_message_markers(bytes) > self.marker_limit() {
                        self.problems.push(Problem::ForwardNestsTooMany);
                    } else if let Some(nested) = self.parser.parse(bytes.as_ref()) {
                        self.walk_message(&nested, part_depth + 1);
                    } else {
                        self.add_attachment(part, bytes.to_vec(), message.raw_message());
                    }
                }
                PartType::Binary(bytes) | PartType::InlineBinary(bytes) => {
                    self.add_attachment(part, bytes.to_vec(), message.raw_message());
                }
                PartType::Text(text) | PartType::Html(text) => {
                    // A text part's bytes were charset-decoded; if the original bytes are a
                    // document (a PDF mislabelled text/plain) keep those instead.
                    let original = original_bytes(message.raw_message(), part)
                        .filter(|b| !matches!(sniff(b, "", ""), FileKind::Other))
                        .or_else(|| original_bytes(self.root_raw, part));
                    let bytes = match original {
                        Some(b) if !matches!(sniff(&b, "", ""), FileKind::Other) => b,
                        _ => text.as_bytes().to_vec(),
                    };
                    self.add_attachment(part, bytes, message.raw_message());
                }
                PartType::Multipart(_) => {}
            }
        }
    }

    /// The depth of each part of `message` that is within the part and depth limits (`None`
    /// for the others), walking the multipart tree in document order without recursion.
    fn reachable_parts(&mut self, message: &Message<'_>, depth: usize) -> Vec<Option<usize>> {
        let mut depth_of = vec![None; message.parts.len()];
        let mut stack: Vec<(u32, usize)> = vec![(0, depth)];
        while let Some((id, d)) = stack.pop() {
            let Some(slot) = depth_of.get_mut(id as usize) else {
                continue;
            };
            if slot.is_some() {
                continue; // Never visit a part twice, whatever the ids say.
            }
            if self.parts_seen >= self.limits.max_mime_parts {
                if !self.parts_limit_hit {
                    self.parts_limit_hit = true;
                    self.problems.push(Problem::TooManyParts {
                        max_parts: self.limits.max_mime_parts,
                    });
                }
                break;
            }
            self.parts_seen += 1;
            *slot = Some(d);
            if let Some(PartType::Multipart(children)) =
                message.parts.get(id as usize).map(|p| &p.body)
            {
                if d + 1 > self.limits.max_mime_depth {
                    self.note_depth_limit();
                    continue;
                }
                // Reversed so the first child is visited first.
                for &child in children.iter().rev() {
                    if child != id {
                        stack.push((child, d + 1));
                    }
                }
            }
        }
        depth_of
    }

    /// Remembers the Content-IDs an HTML body shows (`src="cid:…"`), at most `MAX_CIDS`.
    fn note_cids(&mut self, html: &str) {
        for (at, _) in html.match_indices("cid:").take(MAX_CIDS) {
            let id: String = html[at + 4..]
                .chars()
                .take_while(|c| !matches!(c, '"' | '\'' | '>' | ' ' | ')'))
                .take(256)
                .collect();
            if !id.is_empty() && self.cids.len() < MAX_CIDS {
                self.cids.push(id.to_ascii_lowercase());
            }
        }
    }

    fn add_attachment(&mut self, part: &MessagePart<'_>, bytes: Vec<u8>, message_raw: &[u8]) {
        // An RFC 2231 name continued over several parameters is decoded here, every segment
        // in the declared charset (mail-parser decodes only the first one so).
        let continued = [message_raw, self.root_raw]
            .into_iter()
            .find_map(|raw| continued_name(part, raw));
        let filename = continued
            .or_else(|| part.attachment_name().map(str::to_string))
            .map(|n| n.trim().to_string())
            .unwrap_or_default();
        let content_type = part
            .content_type()
            .map(|ct| match ct.subtype() {
                Some(sub) => format!("{}/{}", ct.ctype(), sub),
                None => ct.ctype().to_string(),
            })
            .unwrap_or_default()
            .to_ascii_lowercase();
        if bytes.len() as u64 > self.limits.max_attachment_bytes {
            self.problems.push(Problem::AttachmentTooLarge {
                filename: filename.clone(),
                bytes: bytes.len(),
                limit: self.limits.max_attachment_bytes,
            });
        }
        if part.is_encoding_problem {
            self.problems.push(Problem::BadlyEncoded {
                filename: filename.clone(),
            });
        }
        let mut kind = sniff(&bytes, &content_type, &filename);
        if kind == FileKind::Image {
            let shown_inline = part.content_id().is_some_and(|id| {
                let id = id.trim().trim_matches(['<', '>']).to_ascii_lowercase();
                !id.is_empty() && self.cids.contains(&id)
            });
            if shown_inline || is_small_image(&bytes) {
                kind = FileKind::InlineImage;
            }
        }
        self.attachments.push(Attachment {
            filename,
            content_type,
            kind,
            bytes,
        });
    }
}

/// Whether an HTML body has what a text alternative may lose: a table, a form control, a
/// symbol font or a tick glyph.
fn looks_rich(html: &str) -> bool {
    let bytes = html.as_bytes();
    let has = |needle: &[u8]| {
        memchr::memmem::find_iter(bytes, needle).next().is_some()
            || memchr::memmem::find_iter(bytes, &needle.to_ascii_uppercase())
                .next()
                .is_some()
    };
    has(b"<table")
        || has(b"<input")
        || has(b"wingdings")
        || has(b"Wingdings")
        || html.contains(['☒', '☐', '☑', '✓', '✔', '✗', '✘'])
}

/// How much form structure a body's text shows: tick boxes and table rows.
fn richness(text: &str) -> usize {
    let boxes = text
        .chars()
        .filter(|c| matches!(c, '☒' | '☐' | '☑' | '✓' | '✔' | '✗' | '✘'))
        .count();
    let rows = text.lines().filter(|l| l.contains('\t')).count();
    boxes * 2 + rows
}

/// Most Content-IDs remembered per message.
const MAX_CIDS: usize = 1_000;
/// An image under this many bytes is a logo or an icon, not a page.
const SMALL_IMAGE_BYTES: usize = 12 << 10;
/// An image whose longer side is under this many pixels cannot show a readable page.
const SMALL_IMAGE_PIXELS: u32 = 600;

/// Whether an image is too small to be a photo or scan of a page (by size, or by its
/// dimensions when the header gives them).
pub fn is_small_image(bytes: &[u8]) -> bool {
    bytes.len() < SMALL_IMAGE_BYTES
        || image_size(bytes).is_some_and(|(w, h)| w.max(h) < SMALL_IMAGE_PIXELS)
}

/// Width and height from a PNG, GIF or JPEG header.
fn image_size(bytes: &[u8]) -> Option<(u32, u32)> {
    let be32 = |at: usize| -> Option<u32> {
        Some(u32::from_be_bytes(bytes.get(at..at + 4)?.try_into().ok()?))
    };
    let be16 = |at: usize| -> Option<u32> {
        Some(u32::from(u16::from_be_bytes(
            bytes.get(at..at + 2)?.try_into().ok()?,
        )))
    };
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Some((be32(16)?, be32(20)?));
    }
    if bytes.starts_with(b"GIF8") {
        let le16 = |at: usize| {
            Some(u32::from(u16::from_le_bytes(
                bytes.get(at..at + 2)?.try_into().ok()?,
            )))
        };
        return Some((le16(6)?, le16(8)?));
    }
    if bytes.starts_with(&[0xFF, 0xD8]) {
        // Walk the markers to the first start-of-frame.
        let mut at = 2usize;
        for _ in 0..10_000 {
            if *bytes.get(at)? != 0xFF {
                return None;
            }
            let marker = *bytes.get(at + 1)?;
            let len = be16(at + 2)? as usize;
            if matches!(marker, 0xC0..=0xC3 | 0xC5..=0xC7 | 0xC9..=0xCB | 0xCD..=0xCF) {
                return Some((be16(at + 7)?, be16(at + 5)?));
            }
            at = at.checked_add(2 + len)?;
        }
    }
    None
}

fn is_message_type(part: &MessagePart<'_>) -> bool {
    part.content_type().is_some_and(|ct| {
        ct.ctype().eq_ignore_ascii_case("message")
            && ct.subtype().is_some_and(|s| {
                s.eq_ignore_ascii_case("rfc822") || s.eq_ignore_ascii_case("global")
            })
    })
}

/// A file name given as RFC 2231 continuations (`filename*0*=charset''%..; filename*1*=%..`)
/// in the part's Content-Disposition (else Content-Type `name`), decoded as one byte string in
/// the declared charset. `None` when the name is not continued or the header is not found.
fn continued_name(part: &MessagePart<'_>, raw: &[u8]) -> Option<String> {
    for (header, param) in [
        ("content-disposition", "filename"),
        ("content-type", "name"),
    ] {
        let Some(h) = part
            .headers
            .iter()
            .find(|h| h.name.as_str().eq_ignore_ascii_case(header))
        else {
            continue;
        };
        let value = raw.get(h.offset_start as usize..h.offset_end as usize)?;
        if let Some(name) = rfc2231_continued(&String::from_utf8_lossy(value), param) {
            return Some(name);
        }
    }
    None
}

/// Most continuation segments joined.
const MAX_NAME_SEGMENTS: usize = 64;

/// The value of parameter `param` when it is continued (`param*0`, `param*1*`, …).
fn rfc2231_continued(header_value: &str, param: &str) -> Option<String> {
    let mut segments: Vec<(usize, bool, String)> = Vec::new();
    for item in split_params(header_value) {
        let Some((key, value)) = item.split_once('=') else {
            continue;
        };
        let key = key.trim().to_ascii_lowercase();
        let Some(rest) = key.strip_prefix(param).and_then(|r| r.strip_prefix('*')) else {
            continue;
        };
        let (number, encoded) = match rest.strip_suffix('*') {
            Some(n) => (n, true),
            None => (rest, false),
        };
        let Ok(index) = number.parse::<usize>() else {
            continue;
        };
        if segments.len() < MAX_NAME_SEGMENTS {
            let value = value.trim().trim_matches('"').to_string();
            segments.push((index, encoded, value));
        }
    }
    if segments.len() < 2 {
        return None;
    }
    segments.sort_by_key(|s| s.0);
    let mut charset = "utf-8".to_string();
    let mut bytes = Vec::new();
    for (i, (_, encoded, value)) in segments.iter().enumerate() {
        let mut value = value.as_str();
        if i == 0 && *encoded {
            let mut parts = value.splitn(3, '\'');
            if let (Some(cs), Some(_lang), Some(rest)) = (parts.next(), parts.next(), parts.next())
            {
                if !cs.is_empty() {
                    charset = cs.to_string();
                }
                value = rest;
            }
        }
        if *encoded {
            bytes.extend(percent_decode(value));
        } else {
            bytes.extend_from_slice(value.as_bytes());
        }
    }
    let encoding =
        encoding_rs::Encoding::for_label(charset.trim().as_bytes()).unwrap_or(encoding_rs::UTF_8);
    let (text, _) = encoding.decode_without_bom_handling(&bytes);
    Some(text.into_owned())
}

/// A header value's `;`-separated parameters (quotes respected), after the first item.
fn split_params(value: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut quoted = false;
    for (i, c) in value.char_indices() {
        match c {
            '"' => quoted = !quoted,
            ';' if !quoted => {
                out.push(&value[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&value[start..]);
    out.into_iter().skip(1).collect()
}

fn percent_decode(text: &str) -> Vec<u8> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%'
            && let (Some(h), Some(l)) = (
                bytes.get(i + 1).copied().and_then(hex),
                bytes.get(i + 2).copied().and_then(hex),
            )
        {
            out.push((h * 16 + l) as u8);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    out
}

/// A text part's bytes before charset decoding (transfer encoding undone), when its offsets
/// are sound.
fn original_bytes(raw: &[u8], part: &MessagePart<'_>) -> Option<Vec<u8>> {
    use mail_parser::Encoding;
    use mail_parser::decoders::{base64::base64_decode, quoted_printable::quoted_printable_decode};
    let raw = raw.get(part.offset_body as usize..part.offset_end as usize)?;
    match part.encoding {
        Encoding::Base64 => base64_decode(raw),
        Encoding::QuotedPrintable => quoted_printable_decode(raw),
        Encoding::None => Some(raw.to_vec()),
    }
}

/// Decides the kind of a file from its first bytes (and, for zips, the names of its entries).
/// The declared type and name are used only when the bytes match nothing known, so that a
/// damaged form still reaches its reader (which then reports it unreadable).
pub fn sniff(bytes: &[u8], content_type: &str, filename: &str) -> FileKind {
    let head = &bytes[..bytes.len().min(1024)];
    // Before the PDF test: a winmail.dat holding a PDF has "%PDF-" in its first kilobyte.
    if bytes.starts_with(&[0x78, 0x9F, 0x3E, 0x22]) {
        return FileKind::Tnef;
    }
    if head.windows(5).any(|w| w == b"%PDF-") {
        return FileKind::Pdf;
    }
    if bytes.starts_with(b"PK\x03\x04") {
        return zip_kind(bytes);
    }
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        return FileKind::Doc;
    }
    if head
        .strip_prefix(b"\xEF\xBB\xBF")
        .unwrap_or(head)
        .trim_ascii_start()
        .starts_with(b"{\\rtf")
    {
        return FileKind::Rtf;
    }
    let is_image = bytes.starts_with(b"\x89PNG\r\n\x1a\n")
        || bytes.starts_with(&[0xFF, 0xD8, 0xFF])
        || bytes.starts_with(b"GIF87a")
        || bytes.starts_with(b"GIF89a")
        || (bytes.starts_with(b"BM") && bytes.len() >= 26)
        || bytes.starts_with(b"II*\0")
        || bytes.starts_with(b"MM\0*")
        || (bytes.starts_with(b"RIFF") && bytes.get(8..12) == Some(b"WEBP"))
        // HEIC / HEIF (iPhone photos): an ISO box `ftyp` with a HEIF brand.
        || (bytes.get(4..8) == Some(b"ftyp")
            && bytes
                .get(8..12)
                .is_some_and(|b| matches!(b, b"heic" | b"heix" | b"heim" | b"heis" | b"mif1" | b"msf1")));
    if is_image {
        return FileKind::Image;
    }
    declared_kind(content_type, filename)
}

/// The document kind a part claims to be, for bytes no magic number recognised.
fn declared_kind(content_type: &str, filename: &str) -> FileKind {
    let ct = content_type.trim().to_ascii_lowercase();
    let ext = filename
        .rsplit_once('.')
        .map(|(_, e)| e.trim().to_ascii_lowercase())
        .unwrap_or_default();
    if ct == "application/pdf" || ext == "pdf" {
        FileKind::Pdf
    } else if ct == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        || ext == "docx"
    {
        FileKind::Docx
    } else if ct == "application/vnd.oasis.opendocument.text" || ext == "odt" {
        FileKind::Odt
    } else if ct == "application/msword" || ext == "doc" {
        FileKind::Doc
    } else {
        FileKind::Other
    }
}

/// Most zip entry names looked at when typing a zip.
const MAX_SNIFF_ENTRIES: usize = 10_000;
const ODT_MIMETYPE: &[u8] = b"application/vnd.oasis.opendocument.text";

/// DOCX, ODT or another zip, from the central directory's entry names (nothing is inflated
/// except at most a few bytes of an ODF `mimetype` entry).
fn zip_kind(bytes: &[u8]) -> FileKind {
    let names = std::panic::catch_unwind(|| -> Option<(bool, bool, bool, Option<Vec<u8>>)> {
        let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).ok()?;
        let (mut document_xml, mut content_xml, mut mimetype) = (false, false, false);
        for name in archive.file_names_raw().take(MAX_SNIFF_ENTRIES) {
            match name {
                b"word/document.xml" => document_xml = true,
                b"content.xml" => content_xml = true,
                b"mimetype" => mimetype = true,
                _ => {}
            }
        }
        let mimetype_text = if mimetype && !document_xml {
            archive.by_name("mimetype").ok().and_then(|entry| {
                let mut text = Vec::new();
                entry.take(128).read_to_end(&mut text).ok()?;
                Some(text)
            })
        } else {
            None
        };
        Some((document_xml, content_xml, mimetype, mimetype_text))
    });
    match names {
        Ok(Some((true, _, _, _))) => FileKind::Docx,
        Ok(Some((_, content_xml, mimetype, text))) => match text {
            Some(t) if t.trim_ascii().starts_with(ODT_MIMETYPE) => FileKind::Odt,
            Some(_) => FileKind::Zip,
            None if content_xml && !mimetype => FileKind::Odt,
            None => FileKind::Zip,
        },
        // A damaged central directory: the local headers still name the entries.
        _ => {
            if contains(bytes, b"word/document.xml") {
                FileKind::Docx
            } else if contains(&bytes[..bytes.len().min(256)], ODT_MIMETYPE) {
                FileKind::Odt
            } else {
                FileKind::Zip
            }
        }
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// An HTML part's text, as much of it as `left` (what is left of `max_text_bytes`) holds,
/// charged to `left`; and whether it was cut.
fn read_html_within(html: &str, left: &mut usize) -> (String, bool) {
    let (text, stopped) = html_to_text_within(html, *left);
    let (head, cost) = text_within(&text, *left);
    *left = left.saturating_sub(cost + TEXT_BREAK_COST);
    (head.to_string(), stopped || head.len() < text.len())
}

/// What holding `text` as lines and cells costs, as `max_text_bytes` counts it.
#[cfg(test)]
fn text_cost(text: &str) -> usize {
    let breaks = memchr::memchr2_iter(b'\n', b'\t', text.as_bytes()).count();
    text.len() + TEXT_BREAK_COST * breaks
}

/// The longest start of `text` whose `text_cost` is at most `budget`, ending on a character,
/// and that cost.
fn text_within(text: &str, budget: usize) -> (&str, usize) {
    let mut breaks = 0usize;
    let mut end = None;
    for pos in memchr::memchr2_iter(b'\n', b'\t', text.as_bytes()) {
        if pos + 1 + TEXT_BREAK_COST * (breaks + 1) > budget {
            end = Some(pos.min(budget.saturating_sub(TEXT_BREAK_COST * breaks)));
            break;
        }
        breaks += 1;
    }
    let mut end = end.unwrap_or_else(|| {
        text.len()
            .min(budget.saturating_sub(TEXT_BREAK_COST * breaks))
    });
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    // Every break counted lies before `end`.
    (&text[..end], end + TEXT_BREAK_COST * breaks)
}

// ---------------------------------------------------------------------------------------------
// HTML → text

/// Deepest table nesting tracked; deeper tables are read as plain text.
const MAX_TABLE_NESTING: usize = 64;

/// Block elements that end a line.
const BLOCK_TAGS: &[&str] = &[
    "p",
    "div",
    "br",
    "li",
    "ul",
    "ol",
    "dl",
    "dt",
    "dd",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "blockquote",
    "pre",
    "section",
    "article",
    "header",
    "footer",
    "address",
    "center",
    "form",
    "fieldset",
    "caption",
    "body",
    "html",
];

/// Elements whose content is never shown.
const HIDDEN_TAGS: &[&str] = &["style", "script", "head", "title", "template", "xml"];

#[derive(Default)]
struct TableState {
    /// Cells of the row being read.
    cells: Vec<String>,
    in_cell: bool,
}

/// Converts an HTML body to text keeping its structure: block elements and table rows end
/// lines, table cells are separated by tabs, entities are decoded, and style, script and head
/// are dropped.
pub fn html_to_text(html: &str) -> String {
    html_to_text_within(html, usize::MAX).0
}

/// `html_to_text` that stops once it has taken `max_text` bytes of text from the page, and
/// says whether it stopped early.
fn html_to_text_within(html: &str, max_text: usize) -> (String, bool) {
    // Tag names are compared without regard to case where they are read, not by lower-casing a
    // copy of the page (which may be tens of MB).
    let bytes = html.as_bytes();
    let mut out = String::with_capacity((html.len() / 2).min(max_text));
    // Text taken from the page so far is counted here, wherever it went (output or a cell).
    let mut taken = TextTaken {
        left: max_text,
        stopped: false,
    };
    let mut tables: Vec<TableState> = Vec::new();
    let mut untracked_tables = 0usize;
    let mut pre_depth = 0usize;
    let mut pos = 0usize;
    let mut finder = Finder::default();
    // Per open `span` / `font`: the symbol font it sets or inherits (Outlook writes a tick box
    // as `<span style='font-family:Wingdings'>þ</span>`).
    let mut fonts: Vec<Option<SymbolFont>> = Vec::new();

    while pos < bytes.len() {
        let symbol = fonts.last().copied().flatten();
        let Some(lt) = html[pos..].find('<').map(|i| pos + i) else {
            if let Some(end) = taken.take(&html[pos..]) {
                push_symbol_text(
                    sink(&mut out, &mut tables),
                    &html[pos..pos + end],
                    pre_depth > 0,
                    symbol,
                );
            }
            break;
        };
        if lt > pos {
            let Some(end) = taken.take(&html[pos..lt]) else {
                break;
            };
            push_symbol_text(
                sink(&mut out, &mut tables),
                &html[pos..pos + end],
                pre_depth > 0,
                symbol,
            );
        }
        if html[lt..].starts_with("<!--") {
            pos = match html[lt + 4..].find("-->") {
                Some(i) => lt + 4 + i + 3,
                None => bytes.len(),
            };
            continue;
        }
        let next = bytes.get(lt + 1).copied().unwrap_or(b' ');
        if next == b'!' || next == b'?' {
            pos = tag_end(bytes, lt + 1);
            continue;
        }
        let closing = next == b'/';
        let name_start = if closing { lt + 2 } else { lt + 1 };
        if !bytes
            .get(name_start)
            .is_some_and(|b| b.is_ascii_alphabetic())
        {
            // A lone '<' is text.
            push_text(sink(&mut out, &mut tables), "<", pre_depth > 0);
            pos = lt + 1;
            continue;
        }
        let name_end = bytes[name_start..]
            .iter()
            .position(|b| !(b.is_ascii_alphanumeric() || *b == b':' || *b == b'-'))
            .map_or(bytes.len(), |i| name_start + i);
        let mut name_buf = [0u8; 16];
        let name = lower_tag_name(&bytes[name_start..name_end], &mut name_buf);
        let end = tag_end(bytes, name_end);
        pos = end;

        if !closing && HIDDEN_TAGS.contains(&name) {
            // Skip to the closing tag; `head` also ends where `body` starts (tag omitted).
            let close = format!("</{name}");
            let mut stop = finder.find(html, &close, end);
            if name == "head" {
                let body = finder.find(html, "<body", end);
                stop = match (stop, body) {
                    (Some(a), Some(b)) => Some(a.min(b)),
                    (a, b) => a.or(b),
                };
                if stop.is_none() {
                    continue; // No end to the head: show what follows rather than lose it.
                }
            }
            pos = match stop {
                Some(s) if html[s..].starts_with("</") => tag_end(bytes, s + 2),
                Some(s) => s,
                None => bytes.len(),
            };
            continue;
        }

        match (name, closing) {
            ("span" | "font", false) if fonts.len() < MAX_FONT_NESTING => {
                let attrs = lower_attrs(&html[name_end..end]);
                fonts.push(symbol_font_of(&attrs).or(symbol));
            }
            ("span" | "font", true) => {
                fonts.pop();
            }
            ("input", false) => {
                let attrs = lower_attrs(&html[name_end..end]);
                if let Some(mark) = input_mark(&attrs) {
                    if !taken.charge_break() {
                        break;
                    }
                    let target = sink(&mut out, &mut tables);
                    if !target.is_empty() && !target.ends_with([' ', '\n', '\t']) {
                        target.push(' ');
                    }
                    target.push(mark);
                    target.push(' ');
                }
            }
            ("table", false) => {
                newline(sink(&mut out, &mut tables));
                if tables.len() < MAX_TABLE_NESTING {
                    tables.push(TableState::default());
                } else {
                    untracked_tables += 1;
                }
            }
            ("table", true) => {
                if untracked_tables > 0 {
                    untracked_tables -= 1;
                } else if !tables.is_empty() {
                    finish_row(&mut out, &mut tables);
                    tables.pop();
                    newline(sink(&mut out, &mut tables));
                }
            }
            ("tr", _) => {
                if untracked_tables > 0 || tables.is_empty() {
                    newline(sink(&mut out, &mut tables));
                } else {
                    finish_row(&mut out, &mut tables);
                }
            }
            ("td" | "th", false) => {
                if !taken.charge_break() {
                    break;
                }
                if untracked_tables > 0 || tables.is_empty() {
                    push_text(sink(&mut out, &mut tables), "\t", true);
                } else if let Some(table) = tables.last_mut() {
                    table.cells.push(String::new());
                    table.in_cell = true;
                }
            }
            ("td" | "th", true) => {
                if untracked_tables == 0
                    && let Some(table) = tables.last_mut()
                {
                    table.in_cell = false;
                }
            }
            ("pre", _) => {
                pre_depth = if closing {
                    pre_depth.saturating_sub(1)
                } else {
                    pre_depth + 1
                };
                newline(sink(&mut out, &mut tables));
            }
            _ if BLOCK_TAGS.contains(&name) => newline(sink(&mut out, &mut tables)),
            _ => {}
        }
    }
    while !tables.is_empty() {
        finish_row(&mut out, &mut tables);
        tables.pop();
        newline(sink(&mut out, &mut tables));
    }
    (tidy_lines(&out), taken.stopped)
}

/// What `html_to_text_within` may still take from a page: its text runs are cut by bytes (their
/// line breaks are collapsed; the text made of them is cut by cost by the caller), and every
/// cell or mark it makes is charged `TEXT_BREAK_COST`, so a page of empty cells stops too.
struct TextTaken {
    left: usize,
    stopped: bool,
}

impl TextTaken {
    /// How much of `run` may be taken; `None` once the page's text is cut.
    fn take(&mut self, run: &str) -> Option<usize> {
        if self.stopped {
            return None;
        }
        let mut end = run.len().min(self.left);
        while !run.is_char_boundary(end) {
            end -= 1;
        }
        self.left -= end;
        self.stopped = end < run.len();
        Some(end)
    }

    /// Charges one cell or mark; false (and stopped) when it no longer fits.
    fn charge_break(&mut self) -> bool {
        if self.stopped || self.left < TEXT_BREAK_COST {
            self.stopped = true;
            return false;
        }
        self.left -= TEXT_BREAK_COST;
        true
    }
}

/// Most bytes of one tag's attributes looked at (a style or an input's type and state).
const MAX_ATTR_BYTES: usize = 64 << 10;

/// A tag's attributes in lower case, at most `MAX_ATTR_BYTES` of them (a copy of the tag, not
/// of the page).
fn lower_attrs(attrs: &str) -> String {
    let mut end = attrs.len().min(MAX_ATTR_BYTES);
    while !attrs.is_char_boundary(end) {
        end -= 1;
    }
    attrs[..end].to_ascii_lowercase()
}

/// A tag name in lower case, in `buf`; empty for a name longer than any tag this reader knows.
fn lower_tag_name<'b>(name: &[u8], buf: &'b mut [u8; 16]) -> &'b str {
    if name.len() > buf.len() {
        return "";
    }
    let lower = &mut buf[..name.len()];
    lower.copy_from_slice(name);
    lower.make_ascii_lowercase();
    // Tag names are ASCII (letters, digits, ':' and '-').
    std::str::from_utf8(lower).unwrap_or("")
}

/// Where `needle` (which starts with `<`) next occurs in `haystack` at or after `from`, in any
/// letter case.
fn find_tag_ignoring_case(haystack: &str, needle: &str, from: usize) -> Option<usize> {
    let hay = haystack.as_bytes().get(from..)?;
    let needle = needle.as_bytes();
    memchr::memchr_iter(b'<', hay)
        .find(|&i| {
            hay.get(i..i + needle.len())
                .is_some_and(|w| w.eq_ignore_ascii_case(needle))
        })
        .map(|i| from + i)
}

/// Deepest `span` / `font` nesting whose symbol font is tracked.
const MAX_FONT_NESTING: usize = 256;

/// A symbol font whose character codes draw tick boxes (see the Wingdings charts).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SymbolFont {
    Wingdings,
    Wingdings2,
}

/// The symbol font a tag's attributes (lower-cased) set, from `style="font-family:…"` or
/// `face="…"`.
fn symbol_font_of(attrs: &str) -> Option<SymbolFont> {
    let unquoted;
    let attrs = if attrs.contains("&quot;") {
        unquoted = attrs.replace("&quot;", "\"");
        unquoted.as_str()
    } else {
        attrs
    };
    let at = attrs.find("font-family").or_else(|| attrs.find("face"))?;
    let value = &attrs[at..];
    let value = &value[..value.find([';', '>']).unwrap_or(value.len())];
    let wingdings = value.find("wingdings")?;
    let rest = value[wingdings + "wingdings".len()..].trim_start();
    if rest.starts_with('2') {
        Some(SymbolFont::Wingdings2)
    } else if rest.starts_with('3') {
        None
    } else {
        Some(SymbolFont::Wingdings)
    }
}

/// ☒ / ☐ for a character in a symbol font that draws a tick box or tick; `None` otherwise.
/// Wingdings 0xFD ☒, 0xFE ☑, 0xFC ✓, 0xFB ✗, 0x78 ⌧ are marks, 0xA8 ◻, 0x6F–0x72 boxes;
/// Wingdings 2 0x4F–0x54 and 0xA8 are marks, 0xA3 a box.
fn symbol_tick(font: SymbolFont, ch: char) -> Option<char> {
    let code = match ch as u32 {
        c @ 0xF020..=0xF0FF => c - 0xF000,
        c @ 0x20..=0xFF => c,
        _ => return None,
    };
    match (font, code) {
        (SymbolFont::Wingdings, 0x78 | 0xFB | 0xFC | 0xFD | 0xFE) => Some('☒'),
        (SymbolFont::Wingdings, 0x6F..=0x72 | 0xA8) => Some('☐'),
        (SymbolFont::Wingdings2, 0x4F..=0x54 | 0xA8) => Some('☒'),
        (SymbolFont::Wingdings2, 0xA3) => Some('☐'),
        _ => None,
    }
}

/// Text in a symbol font: ticks become ☒ / ☐ and its other glyphs (pictures, not letters) are
/// dropped; text in any other font is pushed as it is.
fn push_symbol_text(s: &mut String, text: &str, preformatted: bool, font: Option<SymbolFont>) {
    let Some(font) = font else {
        push_text(s, text, preformatted);
        return;
    };
    let decoded = decode_entities(text);
    let mapped: String = decoded
        .chars()
        .filter_map(|c| {
            if c.is_whitespace() {
                Some(' ')
            } else {
                symbol_tick(font, c)
            }
        })
        .collect();
    push_text(s, &mapped, preformatted);
}

/// ☒ / ☐ for an `<input type=checkbox|radio>` tag (attributes lower-cased), ticked when it
/// has `checked`.
fn input_mark(attrs: &str) -> Option<char> {
    let kind = attr_value(attrs, "type")?;
    if kind != "checkbox" && kind != "radio" {
        return None;
    }
    let checked = attrs
        .split(|c: char| c.is_whitespace() || c == '/' || c == '>')
        .any(|w| w == "checked" || w.starts_with("checked="));
    Some(if checked { '☒' } else { '☐' })
}

/// The value of attribute `name` in a tag's (lower-cased) attribute text.
fn attr_value<'a>(attrs: &'a str, name: &str) -> Option<&'a str> {
    let mut from = 0;
    while let Some(i) = attrs[from..].find(name) {
        let at = from + i;
        from = at + name.len();
        let before_ok = at == 0 || attrs[..at].ends_with(|c: char| c.is_whitespace());
        let rest = attrs[from..].trim_start();
        if !before_ok || !rest.starts_with('=') {
            continue;
        }
        let rest = rest[1..].trim_start();
        let value = match rest.chars().next() {
            Some(q @ ('"' | '\'')) => rest[1..].split(q).next().unwrap_or(""),
            _ => rest
                .split(|c: char| c.is_whitespace() || c == '>' || c == '/')
                .next()
                .unwrap_or(""),
        };
        return Some(value);
    }
    None
}

/// Searches forward for closing tags, remembering where each was found, so that many opening
/// tags without their closing tag cost one scan, not one scan each.
#[derive(Default)]
struct Finder {
    /// (needle, where it next occurs at or after the last search start; `None` = nowhere)
    found: Vec<(String, Option<usize>, usize)>,
}

impl Finder {
    fn find(&mut self, haystack: &str, needle: &str, from: usize) -> Option<usize> {
        if let Some((_, at, searched_from)) = self.found.iter_mut().find(|(n, _, _)| n == needle) {
            match *at {
                None if from >= *searched_from => return None,
                Some(p) if p >= from && from >= *searched_from => return Some(p),
                _ => {}
            }
            let result = find_tag_ignoring_case(haystack, needle, from);
            *at = result;
            *searched_from = from;
            return result;
        }
        let result = find_tag_ignoring_case(haystack, needle, from);
        self.found.push((needle.to_string(), result, from));
        result
    }
}

/// Where text goes now: the open cell of the innermost table that has one, else the output.
fn sink<'a>(out: &'a mut String, tables: &'a mut [TableState]) -> &'a mut String {
    match tables.iter_mut().rev().find(|t| t.in_cell) {
        Some(table) => match table.cells.last_mut() {
            Some(cell) => cell,
            None => out,
        },
        None => out,
    }
}

/// Ends the current row of the innermost table: one cell keeps its lines (a layout table),
/// several cells become one tab-separated line.
fn finish_row(out: &mut String, tables: &mut Vec<TableState>) {
    let Some(mut table) = tables.pop() else {
        return;
    };
    table.in_cell = false;
    let cells = std::mem::take(&mut table.cells);
    let row = match cells.len() {
        0 => String::new(),
        1 => cells.into_iter().next().unwrap_or_default(),
        _ => cells
            .iter()
            .map(|c| collapse_whitespace(c))
            .collect::<Vec<_>>()
            .join("\t"),
    };
    tables.push(table);
    // The row belongs to whatever encloses the table.
    let depth = tables.len() - 1;
    let target = sink(out, &mut tables[..depth]);
    newline(target);
    target.push_str(&row);
    newline(target);
}

fn newline(s: &mut String) {
    if !s.is_empty() && !s.ends_with('\n') {
        s.push('\n');
    }
}

/// Appends HTML text: entities decoded, runs of white space made one space (kept in `<pre>`).
fn push_text(s: &mut String, text: &str, preformatted: bool) {
    let decoded = decode_entities(text);
    if preformatted {
        s.push_str(&decoded.replace("\r\n", "\n"));
        return;
    }
    let mut last_space = s.is_empty() || s.ends_with([' ', '\n', '\t']);
    for ch in decoded.chars() {
        if matches!(ch, ' ' | '\n' | '\r' | '\t' | '\x0C') {
            if !last_space {
                s.push(' ');
                last_space = true;
            }
        } else {
            // A no-break space is a space that must not be lost: keep it as a plain one.
            s.push(if ch == '\u{a0}' { ' ' } else { ch });
            last_space = false;
        }
    }
}

/// The index just past the `>` that ends a tag whose name ends at `from`, skipping quoted
/// attribute values.
fn tag_end(bytes: &[u8], from: usize) -> usize {
    let mut quote: Option<u8> = None;
    let mut i = from;
    while let Some(&b) = bytes.get(i) {
        match quote {
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None if b == b'"' || b == b'\'' => quote = Some(b),
            None if b == b'>' => return i + 1,
            None => {}
        }
        i += 1;
    }
    bytes.len()
}

/// Trims every line (and every cell of a tab-separated line) and keeps at most one blank line
/// in a row.
fn tidy_lines(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank_run = 0usize;
    for line in text.lines() {
        let line = if line.contains('\t') {
            let cells: Vec<String> = line.split('\t').map(collapse_whitespace).collect();
            let mut joined = cells.join("\t");
            while joined.ends_with('\t') {
                joined.pop();
            }
            joined
        } else {
            line.trim_matches(' ').to_string()
        };
        if line.trim().is_empty() {
            blank_run += 1;
            if blank_run > 1 || out.is_empty() {
                continue;
            }
            out.push('\n');
        } else {
            blank_run = 0;
            out.push_str(&line);
            out.push('\n');
        }
    }
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

/// Decodes HTML character references: numeric, the common named ones, and any other HTML5
/// name through mail-parser's entity table.
fn decode_entities(text: &str) -> String {
    if !text.contains('&') {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        let name_len = after
            .bytes()
            .take(32)
            .position(|b| !(b.is_ascii_alphanumeric() || b == b'#'))
            .unwrap_or(after.len().min(32));
        let name = &after[..name_len];
        let has_semicolon = after[name_len..].starts_with(';');
        match decode_entity(name, has_semicolon) {
            Some(ch) => {
                out.push(ch);
                rest = &after[name_len + usize::from(has_semicolon)..];
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

fn decode_entity(name: &str, has_semicolon: bool) -> Option<char> {
    if let Some(number) = name.strip_prefix('#') {
        let code = match number.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => number.parse::<u32>().ok()?,
        };
        // Browsers read 128–159 as windows-1252 (Word's smart quotes arrive as &#146;).
        if (0x80..=0x9F).contains(&code) {
            let byte = [code as u8];
            let (decoded, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(&byte);
            return decoded.chars().next();
        }
        return Some(
            char::from_u32(code)
                .filter(|&c| c != '\0')
                .unwrap_or('\u{FFFD}'),
        );
    }
    let common = match name {
        "nbsp" => '\u{a0}',
        "amp" | "AMP" => '&',
        "lt" | "LT" => '<',
        "gt" | "GT" => '>',
        "quot" | "QUOT" => '"',
        "apos" => '\'',
        _ if !has_semicolon => return None,
        "ndash" => '–',
        "mdash" => '—',
        "lsquo" => '‘',
        "rsquo" => '’',
        "ldquo" => '“',
        "rdquo" => '”',
        "hellip" => '…',
        "bull" => '•',
        "middot" => '·',
        "copy" => '©',
        "reg" => '®',
        "trade" => '™',
        "euro" => '€',
        "pound" => '£',
        "deg" => '°',
        "times" => '×',
        _ => {
            if name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphanumeric()) {
                return None;
            }
            let entity = format!("&{name};");
            let decoded = mail_parser::decoders::html::html_to_text(&entity);
            let mut chars = decoded.trim().chars();
            return match (chars.next(), chars.next()) {
                (Some(c), None) if decoded.trim() != entity => Some(c),
                _ => None,
            };
        }
    };
    Some(common)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_cut_by_what_holding_it_costs() {
        let c = TEXT_BREAK_COST;
        assert_eq!(text_cost("ab\ncd\te"), 7 + 2 * c);
        assert_eq!(text_within("abcdef", 100), ("abcdef", 6));
        assert_eq!(text_within("abcdef", 4).0, "abcd");
        // A line break costs its byte and a line's upkeep.
        assert_eq!(text_within("ab\ncd", 3 + c), ("ab\n", 3 + c));
        assert_eq!(text_within("ab\ncd", 2 + c).0, "ab");
        assert_eq!(text_within("ab\ncd", 5 + c).0, "ab\ncd");
        // Never inside a character.
        assert_eq!(text_within("aé", 2).0, "a");
        for budget in 0..80 {
            let text = "Full name:\tJane\nÉcole\t\t\nx";
            let (head, cost) = text_within(text, budget);
            assert_eq!(text_cost(head), cost, "{budget}: {head:?}");
            assert!(cost <= budget, "{budget}: {head:?}");
            assert!(text.starts_with(head));
        }
    }

    #[test]
    fn a_body_is_read_up_to_the_text_limit() {
        let limits = Limits {
            max_text_bytes: 4096,
            ..Limits::default()
        };
        let line = "Full name: Jane Citizen ".repeat(1000);
        let plain = format!("From: a@b.example\r\nSubject: long\r\n\r\n{line}\r\n");
        let html = format!(
            "From: a@b.example\r\nSubject: long\r\nContent-Type: text/html\r\n\r\n<p>{line}</p>\r\n"
        );
        for raw in [plain, html] {
            let m = parse(raw.as_bytes(), &limits);
            assert!(m.body_text.starts_with("Full name: Jane Citizen"));
            assert!(text_cost(&m.body_text) <= 4096, "{}", m.body_text.len());
            assert!(m.body_text.len() > 3000, "{}", m.body_text.len());
            assert_eq!(m.problems, vec![Problem::BodyTextCut { limit: 4096 }]);
        }
        let short = parse(b"From: a@b.example\r\n\r\nFull name: Jane\r\n", &limits);
        assert_eq!(short.body_text, "Full name: Jane");
        assert!(short.problems.is_empty(), "{:?}", short.problems);
        // Many short lines cost more than their bytes.
        let lines = "x\n".repeat(4096);
        let raw = format!("From: a@b.example\r\n\r\n{lines}");
        let m = parse(raw.as_bytes(), &limits);
        assert!(m.body_text.lines().count() < 4096 / TEXT_BREAK_COST);
        assert_eq!(m.problems, vec![Problem::BodyTextCut { limit: 4096 }]);
    }

    #[test]
    fn an_html_alternative_and_empty_cells_are_read_within_the_text_limit() {
        let limits = Limits {
            max_text_bytes: 4096,
            ..Limits::default()
        };
        // A rich HTML alternative is read within the budget too, and when it is kept the cut
        // is its own.
        let rows = "<tr><td>Full name</td><td>Jane Citizen</td></tr>".repeat(2000);
        let raw = format!(
            "From: a@b.example\r\nSubject: alt\r\nMIME-Version: 1.0\r\n\
             Content-Type: multipart/alternative; boundary=\"b\"\r\n\r\n\
             --b\r\nContent-Type: text/plain\r\n\r\nFull name Jane Citizen\r\n\
             --b\r\nContent-Type: text/html\r\n\r\n<table>{rows}</table>\r\n--b--\r\n"
        );
        let m = parse(raw.as_bytes(), &limits);
        assert!(
            m.body_text.starts_with("Full name\tJane Citizen\n"),
            "{}",
            m.body_text
        );
        assert!(text_cost(&m.body_text) <= 4096, "{}", m.body_text.len());
        assert_eq!(m.problems, vec![Problem::BodyTextCut { limit: 4096 }]);
        // Cells without text cost their upkeep: a page of empty cells stops as well.
        let (text, stopped) = html_to_text_within(&"<td>".repeat(100_000), 4096);
        assert!(stopped);
        assert!(text.len() <= 4096 / TEXT_BREAK_COST + 1, "{}", text.len());
        let (text, stopped) =
            html_to_text_within("<table><tr><td>a</td><td>b</td></tr></table>", 4096);
        assert_eq!((text.as_str(), stopped), ("a\tb\n", false));
    }

    #[test]
    fn tag_names_match_in_any_case() {
        let html = "<HTML><HEAD><STYLE>p{}</StYlE></HEAD><BODY><TABLE><TR><TD>a</TD><TD>b</TD></TR></TABLE><SCRIPT>x</SCRIPT>c</BODY>";
        assert_eq!(html_to_text(html), "a\tb\nc\n");
        assert_eq!(find_tag_ignoring_case("x<A<Body", "<body", 0), Some(3));
        assert_eq!(find_tag_ignoring_case("<body", "<body", 1), None);
    }

    #[test]
    fn html_table_cells_become_tabs() {
        let html = "<html><head><style>p{color:red}</style><title>T</title></head><body>\
            <p>Intro&nbsp;text</p><table><tr><td><p class=MsoNormal>Full name<o:p></o:p></p></td>\
            <td><p>Jane &amp; Co</p></td></tr><tr><th>Email</th><td>j@x.au</td></tr></table>\
            <div>after<br>break</div><script>alert(1)</script></body></html>";
        let text = html_to_text(html);
        assert_eq!(
            text,
            "Intro text\nFull name\tJane & Co\nEmail\tj@x.au\nafter\nbreak\n"
        );
    }

    #[test]
    fn entities() {
        let cases = [
            ("a&amp;b", "a&b"),
            ("&#146;x&#x2019;", "’x’"),
            ("&eacute;t&eacute;", "été"),
            ("&bogus; &", "&bogus; &"),
            ("&lt&gt", "<>"),
            ("&#0;", "\u{FFFD}"),
            ("&#99999999999;", "&#99999999999;"),
        ];
        for (input, want) in cases {
            assert_eq!(decode_entities(input), want, "{input}");
        }
    }

    #[test]
    fn markers_are_counted_across_encodings_and_chunks() {
        for pad in [8170, 8180, 8185, 8190, 8200, 16_370] {
            let mut bytes = vec![b'x'; pad];
            bytes.extend_from_slice(b"Message/RFC822 and m=65ssage/glo=\r\nbal=");
            assert_eq!(count_markers_in_qp(&bytes), 2, "pad {pad}");
        }
        assert_eq!(
            count_markers(b"multipart/digest message/rfc822 message/"),
            2
        );
        let b64 =
            "Q29udGVudC1UeXBlOiBtZXNzYWdlL3JmYzgyMg0KDQpDb250ZW50LVR5cGU6IG1lc3NhZ2UvcmZjODIy";
        let raw =
            format!("Content-Type: message/rfc822\nContent-Transfer-Encoding: base64\n\n{b64}\n");
        assert_eq!(nested_message_markers(raw.as_bytes()), 3);
    }

    #[test]
    fn many_unclosed_heads_are_linear() {
        let html = "<head><body>x ".repeat(200_000) + "</head>";
        let started = std::time::Instant::now();
        let text = html_to_text(&html);
        assert!(text.starts_with("x\nx\n"), "{}", &text[..20]);
        assert!(started.elapsed().as_secs() < 5, "{:?}", started.elapsed());
        assert_eq!(
            html_to_text("<p>a</p><head><title>t</title></head><p>b</p>"),
            "a\nb\n"
        );
        assert_eq!(
            html_to_text("<head>never closed<p>kept</p>"),
            "never closed\nkept\n"
        );
    }

    #[test]
    fn wingdings_spans_and_inputs_become_ticks() {
        let html = "<p><span style='font-family:Wingdings'>&#254;</span>&nbsp; Terms</p>\
            <p><span style=\"font-family:&quot;Wingdings 2&quot;\">&#163;</span> Public</p>\
            <p><font face=Wingdings>¨</font> Partner</p>\
            <p><input type=checkbox checked> Guide <input type='radio' name=s> No</p>\
            <p><span style='font-family:Wingdings'>J</span>smile</p>";
        assert_eq!(
            html_to_text(html),
            "☒  Terms\n☐ Public\n☐ Partner\n☒ Guide ☐ No\nsmile\n"
        );
    }

    #[test]
    fn rfc2231_continuations_decode_in_the_declared_charset() {
        let v = "attachment;\r\n filename*0*=windows-1251''%C7%E0%FF%E2%EB%E5;\r\n filename*1*=%ED%E8%E5.pdf";
        assert_eq!(
            rfc2231_continued(v, "filename").as_deref(),
            Some("Заявление.pdf")
        );
        // UTF-8 split inside a character, the last segment not encoded, out of order.
        let v = "attachment; filename*1*=%A1rio; filename*0*=utf-8''Formul%C3; filename*2=\" (final).docx\"";
        assert_eq!(
            rfc2231_continued(v, "filename").as_deref(),
            Some("Formulário (final).docx")
        );
        assert_eq!(
            rfc2231_continued("attachment; filename=\"a.pdf\"", "filename"),
            None
        );
        assert_eq!(percent_decode("%zz%4"), b"%zz%4".to_vec());
    }

    #[test]
    fn images_shown_in_the_body_or_tiny_are_not_candidate_forms() {
        fn base64(bytes: &[u8]) -> String {
            const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
            let mut out = String::new();
            for (i, chunk) in bytes.chunks(3).enumerate() {
                let n = chunk
                    .iter()
                    .enumerate()
                    .fold(0u32, |n, (k, &b)| n | (u32::from(b) << (16 - 8 * k)));
                for k in 0..4 {
                    out.push(if k <= chunk.len() {
                        A[(n >> (18 - 6 * k)) as usize & 63] as char
                    } else {
                        '='
                    });
                }
                if i % 19 == 18 {
                    out.push_str("\r\n");
                }
            }
            out
        }
        let png = |w: u32, h: u32, len: usize| {
            let mut b = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
            b.extend_from_slice(&w.to_be_bytes());
            b.extend_from_slice(&h.to_be_bytes());
            b.resize(len, 7);
            base64(&b)
        };
        let raw = format!(
            "From: a@b.au\r\nSubject: s\r\nMIME-Version: 1.0\r\nContent-Type: multipart/related; boundary=B\r\n\r\n\
             --B\r\nContent-Type: text/html\r\n\r\n<p>hi <img src=\"cid:logo@x\"></p>\r\n\
             --B\r\nContent-Type: image/png\r\nContent-ID: <logo@x>\r\nContent-Transfer-Encoding: base64\r\n\r\n{}\r\n\
             --B\r\nContent-Type: image/png; name=scan.png\r\nContent-Transfer-Encoding: base64\r\n\r\n{}\r\n\
             --B\r\nContent-Type: image/png; name=icon.png\r\nContent-Transfer-Encoding: base64\r\n\r\n{}\r\n--B--\r\n",
            png(1700, 2200, 40_000),
            png(1700, 2200, 40_000),
            png(64, 64, 30_000)
        );
        let m = parse(raw.as_bytes(), &Limits::default());
        let kinds: Vec<FileKind> = m.attachments.iter().map(|a| a.kind).collect();
        assert_eq!(
            kinds,
            vec![
                FileKind::InlineImage,
                FileKind::Image,
                FileKind::InlineImage
            ]
        );
        let heic = b"\0\0\0\x18ftypheic\0\0\0\0mif1heic";
        assert_eq!(sniff(heic, "", ""), FileKind::Image);
    }

    #[test]
    fn layout_table_keeps_lines() {
        let html = "<table><tr><td><p>One</p><p>Two</p></td></tr></table>";
        assert_eq!(html_to_text(html), "One\nTwo\n");
    }
}
