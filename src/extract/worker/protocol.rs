//! The frames between the parent and a worker child: every frame an 8-byte little-endian
//! length then the payload. Parent → child: a hello (JSON: protocol name, `Limits`, OCR
//! settings), then per attachment a JSON header (kind, file name) and a frame of raw bytes.
//! Child → parent: a ready frame after the hello, then per attachment JSON `ChildMessage`s: at
//! most one notice that OCR starts on it (the parent then grants it the OCR time: only the
//! attachments that do reach OCR get it), and its answer, a `Result<Option<Document>,
//! Unreadable>` (the kind of failure travels with it).

use crate::extract::ocr::OcrSettings;
use crate::extract::{Document, Unreadable};
use crate::limits::Limits;
use crate::mime::FileKind;
use anyhow::{Context as _, Result, bail};
use serde::{Deserialize, Serialize};
use std::io::{Read, Write};

/// Names the frame layout; a child that answers with another name is not used.
pub(super) const PROTOCOL: &str = "regintake-worker/4";
/// Largest hello or request header accepted (they hold a few hundred bytes).
pub(super) const MAX_HEADER_BYTES: u64 = 1 << 20;
/// Largest response accepted from a child: a document's text is at most `max_text_bytes` (by
/// its `text_cost`), which JSON may write up to six times as long (`\u0000`), plus its framing.
pub(super) fn max_response_bytes(limits: &Limits) -> u64 {
    limits
        .max_text_bytes
        .saturating_mul(8)
        .saturating_add(1 << 20)
}

#[derive(Serialize, Deserialize)]
pub(super) struct Hello {
    pub(super) protocol: String,
    pub(super) limits: Limits,
    pub(super) ocr: OcrSettings,
}

#[derive(Serialize, Deserialize)]
pub(super) struct Ready {
    pub(super) protocol: String,
}

#[derive(Serialize, Deserialize)]
pub(super) struct RequestHeader {
    /// `pdf`, `docx`, `odt` or `image`.
    pub(super) kind: String,
    pub(super) filename: String,
}

pub(super) type Response = Result<Option<Document>, Unreadable>;

/// What the child writes while it reads one attachment.
#[derive(Serialize, Deserialize)]
pub(super) enum ChildMessage {
    /// OCR starts on the attachment (its pages are images): it may take the OCR time now.
    OcrStarting,
    /// The attachment's answer; the last message for it.
    Done(Response),
}

pub(super) fn worker_kind(kind: FileKind) -> Option<&'static str> {
    match kind {
        FileKind::Pdf => Some("pdf"),
        FileKind::Docx => Some("docx"),
        FileKind::Odt => Some("odt"),
        FileKind::Doc => Some("doc"),
        FileKind::Rtf => Some("rtf"),
        FileKind::Tnef => Some("tnef"),
        FileKind::Image => Some("image"),
        FileKind::Zip | FileKind::InlineImage | FileKind::Other => None,
    }
}

pub(super) fn kind_from_name(name: &str) -> Option<FileKind> {
    match name {
        "pdf" => Some(FileKind::Pdf),
        "docx" => Some(FileKind::Docx),
        "odt" => Some(FileKind::Odt),
        "doc" => Some(FileKind::Doc),
        "rtf" => Some(FileKind::Rtf),
        "tnef" => Some(FileKind::Tnef),
        "image" => Some(FileKind::Image),
        _ => None,
    }
}

/// The time granted on top of the attachment deadline when the child says OCR starts on an
/// attachment of this kind: the OCR deadline for the kinds OCR reads (a scanned PDF, an image),
/// none for others (a notice from them is not believed).
pub(super) fn ocr_grant_ms(kind: FileKind, ocr: &OcrSettings) -> u64 {
    match kind {
        FileKind::Pdf | FileKind::Image => ocr.extra_deadline_ms(),
        _ => 0,
    }
}

/// One frame, or `None` at a clean end of input (before a frame starts).
pub(super) fn read_frame(input: &mut impl Read, max_len: u64) -> Result<Option<Vec<u8>>> {
    let mut len_bytes = [0u8; 8];
    let mut got = 0;
    while got < 8 {
        match input.read(&mut len_bytes[got..]) {
            Ok(0) if got == 0 => return Ok(None),
            Ok(0) => bail!("input ended inside a frame length"),
            Ok(n) => got += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e).context("cannot read from the parent"),
        }
    }
    let len = u64::from_le_bytes(len_bytes);
    if len > max_len {
        bail!("frame of {len} bytes is over the {max_len} byte limit");
    }
    let mut buf = vec![0u8; len as usize];
    input
        .read_exact(&mut buf)
        .context("input ended inside a frame")?;
    Ok(Some(buf))
}

pub(super) fn write_frame(output: &mut impl Write, payload: &[u8]) -> Result<()> {
    // One write per frame, so the parent wakes once.
    let mut frame = Vec::with_capacity(8 + payload.len());
    frame.extend_from_slice(&(payload.len() as u64).to_le_bytes());
    frame.extend_from_slice(payload);
    output.write_all(&frame)?;
    output.flush()?;
    Ok(())
}
