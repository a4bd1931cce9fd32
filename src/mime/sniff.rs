//! A file's bytes, declared type and name in → its `FileKind`, by magic bytes first (and, for
//! zips, the names of their entries).

use super::FileKind;
use std::io::{Cursor, Read as _};

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
    // A panic inside zip is read as a damaged central directory.
    let names = crate::catch_panic(|| -> Option<(bool, bool, bool, Option<Vec<u8>>)> {
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
