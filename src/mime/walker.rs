//! A parsed message's part tree in → its body text (read within `max_text_bytes`), its
//! attachments with their decoded names and kinds, and its problems; forwarded messages
//! followed within the limits.

use super::html::html_to_text_within;
use super::{Attachment, FileKind, Problem, marker_limit, nested_message_markers, sniff};
use crate::limits::{Limits, TEXT_BREAK_COST};
use mail_parser::{Message, MessageParser, MessagePart, MimeHeaders, PartType};

/// Walks a message's part tree (and forwarded messages within it) inside the limits.
pub(super) struct Walker<'a> {
    pub(super) limits: &'a Limits,
    pub(super) parser: &'a MessageParser,
    pub(super) parts_seen: usize,
    pub(super) parts_limit_hit: bool,
    pub(super) depth_limit_hit: bool,
    pub(super) bodies: Vec<String>,
    /// What is left of `max_text_bytes` for the bodies still to read.
    pub(super) text_left: usize,
    pub(super) attachments: Vec<Attachment>,
    pub(super) problems: Vec<Problem>,
    /// The whole message's bytes: a forwarded message's parts may give their offsets in it.
    pub(super) root_raw: &'a [u8],
    /// Content-IDs the message's HTML refers to (`cid:`): images shown in the body.
    pub(super) cids: Vec<String>,
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
    pub(super) fn walk_message(&mut self, message: &Message<'_>, depth: usize) {
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
pub(super) fn rfc2231_continued(header_value: &str, param: &str) -> Option<String> {
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

pub(super) fn percent_decode(text: &str) -> Vec<u8> {
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
pub(super) fn text_cost(text: &str) -> usize {
    let breaks = memchr::memchr2_iter(b'\n', b'\t', text.as_bytes()).count();
    text.len() + TEXT_BREAK_COST * breaks
}

/// The longest start of `text` whose `text_cost` is at most `budget`, ending on a character,
/// and that cost.
pub(super) fn text_within(text: &str, budget: usize) -> (&str, usize) {
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
