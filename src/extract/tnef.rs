//! An Outlook `winmail.dat` (TNEF, MS-OXTNEF) in → the files attached inside it, each with its
//! long name (`PidTagAttachLongFilename`, else the 8.3 `attAttachTitle`, else
//! `PidTagAttachFilename`), its MIME tag and whether Outlook shows it inline (a Content-ID or
//! the hidden flag: a logo or signature image). `expand` puts them in the message's attachment
//! list in place of the `winmail.dat`, so each is typed by its bytes and read as if attached
//! directly, and the record names the inner file.
//!
//! Our own parser (the TNEF crate found slices without bounds checks and reads no MAPI
//! properties, so no long names): one loop over attribute records, every length checked
//! against what is left (a lying 4 GB length ends the walk), at most `MAX_ATTRIBUTES`
//! attributes and `MAX_PROPERTIES` MAPI properties each, attachments counted against
//! `max_mime_parts`, a `winmail.dat` inside a `winmail.dat` unpacked to `MAX_TNEF_DEPTH` levels
//! by a work list, not recursion. The inner files are slices copied once, so memory is bounded
//! by the attachment's size times that depth. It runs where the MIME tree is walked (a
//! container, like `message/rfc822`); the documents inside are read by the worker like any
//! attachment.

use super::Unreadable;
use crate::limits::Limits;
use crate::mime::{self, Attachment, FileKind};

/// The TNEF stream's first four bytes.
pub const SIGNATURE: [u8; 4] = [0x78, 0x9F, 0x3E, 0x22];

const MAX_ATTRIBUTES: usize = 100_000;
const MAX_PROPERTIES: usize = 10_000;
/// Levels of `winmail.dat` inside `winmail.dat` unpacked.
const MAX_TNEF_DEPTH: usize = 4;

const LEVEL_ATTACHMENT: u8 = 2;
const ATT_ATTACH_REND_DATA: u32 = 0x0006_9002;
const ATT_ATTACH_TITLE: u32 = 0x0001_8010;
const ATT_ATTACH_DATA: u32 = 0x0006_800F;
const ATT_ATTACHMENT: u32 = 0x0006_9005;
const ATT_OEM_CODEPAGE: u32 = 0x0006_9007;

const PR_ATTACH_DATA: u16 = 0x3701;
const PR_ATTACH_FILENAME: u16 = 0x3704;
const PR_ATTACH_LONG_FILENAME: u16 = 0x3707;
const PR_ATTACH_MIME_TAG: u16 = 0x370E;
const PR_ATTACH_CONTENT_ID: u16 = 0x3712;
const PR_ATTACHMENT_HIDDEN: u16 = 0x7FFE;

/// One file found inside a TNEF stream.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Inner {
    pub filename: String,
    pub mime_tag: String,
    /// Shown inline in the message body (a Content-ID, or hidden): a logo or signature.
    pub inline: bool,
    pub bytes: Vec<u8>,
}

pub fn is_tnef(bytes: &[u8]) -> bool {
    bytes.starts_with(&SIGNATURE)
}

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(
        b.get(at..at.checked_add(2)?)?.try_into().ok()?,
    ))
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(
        b.get(at..at.checked_add(4)?)?.try_into().ok()?,
    ))
}

/// The attachments of one TNEF stream, or why it cannot be read. Attributes after a record
/// that runs past the end are dropped; a stream with no readable record at all is refused.
pub fn unpack(bytes: &[u8], limits: &Limits) -> Result<Vec<Inner>, Unreadable> {
    if !is_tnef(bytes) {
        return Err(Unreadable::malformed(
            "winmail.dat is not a TNEF stream (wrong signature)",
        ));
    }
    let mut at = 6usize; // signature, key
    let mut codepage = encoding_rs::WINDOWS_1252;
    let mut out: Vec<Inner> = Vec::new();
    let mut current: Option<Inner> = None;
    let mut long_name = false;
    let mut records = 0usize;
    let mut truncated = false;
    while at < bytes.len() && records < MAX_ATTRIBUTES {
        let (Some(&level), Some(id), Some(len)) =
            (bytes.get(at), u32_at(bytes, at + 1), u32_at(bytes, at + 5))
        else {
            truncated = true;
            break;
        };
        let start = at + 9;
        let Some(data) = start
            .checked_add(len as usize)
            .and_then(|end| bytes.get(start..end))
        else {
            truncated = true;
            break;
        };
        at = start + len as usize + 2; // the checksum
        records += 1;
        match id {
            ATT_OEM_CODEPAGE => {
                if let Some(cp) = u32_at(data, 0)
                    && let Some(e) = codepage_encoding(cp)
                {
                    codepage = e;
                }
            }
            ATT_ATTACH_REND_DATA if level == LEVEL_ATTACHMENT => {
                if let Some(done) = current.take() {
                    out.push(done);
                }
                if out.len() >= limits.max_mime_parts {
                    break;
                }
                current = Some(Inner::default());
                long_name = false;
            }
            ATT_ATTACH_TITLE if level == LEVEL_ATTACHMENT => {
                let item = current.get_or_insert_with(Inner::default);
                if !long_name {
                    item.filename = string8(data, codepage);
                }
            }
            ATT_ATTACH_DATA if level == LEVEL_ATTACHMENT => {
                let item = current.get_or_insert_with(Inner::default);
                item.bytes = data.to_vec();
            }
            ATT_ATTACHMENT if level == LEVEL_ATTACHMENT => {
                let item = current.get_or_insert_with(Inner::default);
                for prop in properties(data, codepage) {
                    match (prop.id, prop.value) {
                        (PR_ATTACH_LONG_FILENAME, Value::Text(t)) if !t.trim().is_empty() => {
                            item.filename = t;
                            long_name = true;
                        }
                        (PR_ATTACH_FILENAME, Value::Text(t)) if item.filename.trim().is_empty() => {
                            item.filename = t
                        }
                        (PR_ATTACH_MIME_TAG, Value::Text(t)) => item.mime_tag = t,
                        (PR_ATTACH_CONTENT_ID, Value::Text(t)) if !t.trim().is_empty() => {
                            item.inline = true
                        }
                        (PR_ATTACHMENT_HIDDEN, Value::Flag(true)) => item.inline = true,
                        (PR_ATTACH_DATA, Value::Bytes(b)) if item.bytes.is_empty() => {
                            item.bytes = b.to_vec()
                        }
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }
    if let Some(done) = current.take() {
        out.push(done);
    }
    if records == 0 && truncated {
        return Err(Unreadable::malformed(
            "winmail.dat is damaged: its first record runs past the end",
        ));
    }
    out.retain(|i| !i.bytes.is_empty());
    Ok(out)
}

/// Replaces every `winmail.dat` among `attachments` by the files inside it (and those inside
/// a `winmail.dat` in it, to `MAX_TNEF_DEPTH` levels). One that cannot be unpacked stays, of
/// kind `Tnef`, so its reader reports why. Returns the names of inline files found inside
/// (logos and signatures Outlook shows in the body), which are not forms.
pub fn expand(attachments: &mut Vec<Attachment>, limits: &Limits) -> Vec<String> {
    let mut inline = Vec::new();
    if !attachments.iter().any(|a| a.kind == FileKind::Tnef) {
        return inline;
    }
    let mut out = Vec::with_capacity(attachments.len());
    // (attachment, how many TNEF levels it sits in)
    let mut work: Vec<(Attachment, usize)> = attachments.drain(..).rev().map(|a| (a, 0)).collect();
    while let Some((att, depth)) = work.pop() {
        if att.kind != FileKind::Tnef
            || depth >= MAX_TNEF_DEPTH
            || out.len() >= limits.max_mime_parts
        {
            out.push(att);
            continue;
        }
        match unpack(&att.bytes, limits) {
            Ok(inner) => {
                for item in inner.into_iter().rev() {
                    let mut kind = mime::sniff(&item.bytes, &item.mime_tag, &item.filename);
                    if kind == FileKind::Image && (item.inline || mime::is_small_image(&item.bytes))
                    {
                        kind = FileKind::InlineImage;
                    }
                    if item.inline {
                        inline.push(item.filename.clone());
                    }
                    work.push((
                        Attachment {
                            filename: item.filename,
                            content_type: item.mime_tag.to_ascii_lowercase(),
                            kind,
                            bytes: item.bytes,
                        },
                        depth + 1,
                    ));
                }
            }
            Err(_) => out.push(att),
        }
    }
    *attachments = out;
    inline
}

fn codepage_encoding(cp: u32) -> Option<&'static encoding_rs::Encoding> {
    match cp {
        65001 => Some(encoding_rs::UTF_8),
        437 | 850 | 1252 => Some(encoding_rs::WINDOWS_1252),
        874 | 1250..=1258 => encoding_rs::Encoding::for_label(format!("windows-{cp}").as_bytes()),
        932 => Some(encoding_rs::SHIFT_JIS),
        936 => Some(encoding_rs::GBK),
        949 => Some(encoding_rs::EUC_KR),
        950 => Some(encoding_rs::BIG5),
        _ => None,
    }
}

/// An 8-bit string up to its NUL, in the stream's code page.
fn string8(data: &[u8], codepage: &'static encoding_rs::Encoding) -> String {
    let end = data.iter().position(|&b| b == 0).unwrap_or(data.len());
    let (text, _) = codepage.decode_without_bom_handling(&data[..end]);
    text.trim().to_string()
}

fn utf16(data: &[u8]) -> String {
    let units: Vec<u16> = data
        .chunks_exact(2)
        .map(|c| u16::from_le_bytes([c[0], c[1]]))
        .take_while(|&u| u != 0)
        .collect();
    String::from_utf16_lossy(&units).trim().to_string()
}

enum Value<'a> {
    Text(String),
    Bytes(&'a [u8]),
    Flag(bool),
    Other,
}

struct Property<'a> {
    id: u16,
    value: Value<'a>,
}

const PT_SHORT: u16 = 0x0002;
const PT_BOOLEAN: u16 = 0x000B;
const PT_OBJECT: u16 = 0x000D;
const PT_STRING8: u16 = 0x001E;
const PT_UNICODE: u16 = 0x001F;
const PT_BINARY: u16 = 0x0102;
const MV_FLAG: u16 = 0x1000;

/// Bytes a fixed-size property value takes (padded to 4), `None` for variable-size types.
fn fixed_size(kind: u16) -> Option<usize> {
    match kind {
        0x0001 | PT_SHORT | 0x0003 | 0x0004 | 0x000A | PT_BOOLEAN => Some(4),
        0x0005 | 0x0006 | 0x0007 | 0x0014 | 0x0040 => Some(8),
        0x0048 => Some(16),
        _ => None,
    }
}

/// The MAPI properties of an `attAttachment` / `attMsgProps` record, as far as they parse.
fn properties<'a>(data: &'a [u8], codepage: &'static encoding_rs::Encoding) -> Vec<Property<'a>> {
    let mut props = Vec::new();
    let Some(count) = u32_at(data, 0) else {
        return props;
    };
    let mut at = 4usize;
    for _ in 0..(count as usize).min(MAX_PROPERTIES) {
        let (Some(kind), Some(id)) = (u16_at(data, at), u16_at(data, at + 2)) else {
            break;
        };
        at += 4;
        if id >= 0x8000 {
            // A named property: GUID, kind, then an id or a name.
            at += 16;
            match u32_at(data, at) {
                Some(0) => at += 8,
                Some(1) => {
                    let Some(len) = u32_at(data, at + 4) else {
                        break;
                    };
                    at = match (at + 8).checked_add(pad4(len as usize)) {
                        Some(n) => n,
                        None => break,
                    };
                }
                _ => break,
            }
        }
        let multi = kind & MV_FLAG != 0;
        let base = kind & !MV_FLAG;
        let values = if multi || fixed_size(base).is_none() {
            let Some(n) = u32_at(data, at) else { break };
            at += 4;
            n as usize
        } else {
            1
        };
        let mut value = Value::Other;
        let mut ok = true;
        for v in 0..values.min(MAX_PROPERTIES) {
            match fixed_size(base) {
                Some(size) => {
                    let Some(raw) = data.get(at..at + size) else {
                        ok = false;
                        break;
                    };
                    if v == 0 && (base == PT_BOOLEAN || base == PT_SHORT) {
                        value = Value::Flag(raw.first().is_some_and(|&b| b != 0));
                    }
                    at += size;
                }
                None => {
                    let Some(len) = u32_at(data, at) else {
                        ok = false;
                        break;
                    };
                    let start = at + 4;
                    let Some(raw) = start
                        .checked_add(len as usize)
                        .and_then(|end| data.get(start..end))
                    else {
                        ok = false;
                        break;
                    };
                    if v == 0 {
                        value = match base {
                            PT_STRING8 => Value::Text(string8(raw, codepage)),
                            PT_UNICODE => Value::Text(utf16(raw)),
                            PT_BINARY => Value::Bytes(raw),
                            // An embedded object: a 16-byte interface id, then the data.
                            PT_OBJECT => Value::Bytes(raw.get(16..).unwrap_or(&[])),
                            _ => Value::Other,
                        };
                    }
                    at = match start.checked_add(pad4(len as usize)) {
                        Some(n) => n,
                        None => {
                            ok = false;
                            break;
                        }
                    };
                }
            }
        }
        if !ok {
            break;
        }
        props.push(Property { id, value });
    }
    props
}

fn pad4(n: usize) -> usize {
    n.saturating_add(3) & !3
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(level: u8, id: u32, data: &[u8]) -> Vec<u8> {
        let mut r = vec![level];
        r.extend_from_slice(&id.to_le_bytes());
        r.extend_from_slice(&(data.len() as u32).to_le_bytes());
        r.extend_from_slice(data);
        let sum: u32 = data.iter().map(|&b| u32::from(b)).sum();
        r.extend_from_slice(&(sum as u16).to_le_bytes());
        r
    }

    fn long_name_props(name: &str) -> Vec<u8> {
        let mut p = 1u32.to_le_bytes().to_vec();
        p.extend_from_slice(&PT_UNICODE.to_le_bytes());
        p.extend_from_slice(&PR_ATTACH_LONG_FILENAME.to_le_bytes());
        p.extend_from_slice(&1u32.to_le_bytes());
        let mut s: Vec<u8> = name.encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
        s.extend_from_slice(&[0, 0]);
        p.extend_from_slice(&(s.len() as u32).to_le_bytes());
        let padded = pad4(s.len());
        s.resize(padded, 0);
        p.extend_from_slice(&s);
        p
    }

    fn tnef(files: &[(&str, &[u8])]) -> Vec<u8> {
        let mut t = SIGNATURE.to_vec();
        t.extend_from_slice(&[1, 0]);
        for (name, bytes) in files {
            t.extend(record(2, ATT_ATTACH_REND_DATA, &[0; 14]));
            t.extend(record(2, ATT_ATTACH_TITLE, b"LONGNA~1.DOC\0"));
            t.extend(record(2, ATT_ATTACH_DATA, bytes));
            t.extend(record(2, ATT_ATTACHMENT, &long_name_props(name)));
        }
        t
    }

    #[test]
    fn long_names_and_nested_streams() {
        let limits = Limits::default();
        let inner = tnef(&[("Form – Zoë.pdf", b"%PDF-1.4 x")]);
        let outer = tnef(&[("a.docx", b"PK\x03\x04"), ("winmail.dat", &inner)]);
        let files = unpack(&outer, &limits).expect("unpack");
        assert_eq!(files.len(), 2);
        assert_eq!(files[0].filename, "a.docx");
        let mut atts = vec![Attachment {
            filename: "winmail.dat".into(),
            content_type: "application/ms-tnef".into(),
            kind: FileKind::Tnef,
            bytes: outer,
        }];
        expand(&mut atts, &limits);
        let names: Vec<&str> = atts.iter().map(|a| a.filename.as_str()).collect();
        assert_eq!(names, vec!["a.docx", "Form – Zoë.pdf"]);
        assert_eq!(atts[1].kind, FileKind::Pdf);
    }

    #[test]
    fn lying_lengths_and_garbage_do_not_hurt() {
        let limits = Limits::default();
        let mut t = SIGNATURE.to_vec();
        t.extend_from_slice(&[1, 0, 2]);
        t.extend_from_slice(&ATT_ATTACH_DATA.to_le_bytes());
        t.extend_from_slice(&u32::MAX.to_le_bytes());
        t.extend_from_slice(b"short");
        assert!(unpack(&t, &limits).is_err());
        assert!(unpack(b"not tnef", &limits).is_err());
        // Thousands of attributes: bounded, and quick.
        let mut many = tnef(&[]);
        for _ in 0..200_000 {
            many.extend(record(1, 0x0001_8004, b"x"));
        }
        assert_eq!(unpack(&many, &limits).expect("unpack").len(), 0);
        // A property count of four billion with no properties behind it.
        let mut props = u32::MAX.to_le_bytes().to_vec();
        props.extend_from_slice(&[0x1F, 0x10, 0x07, 0x37, 0xFF, 0xFF, 0xFF, 0xFF]);
        assert!(properties(&props, encoding_rs::WINDOWS_1252).is_empty());
    }
}
