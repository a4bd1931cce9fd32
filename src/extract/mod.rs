//! An attachment (PDF, DOCX, ODT, .doc, RTF, an image of the form) or a mail body in → a
//! `Document`: lines of text and table cells in reading order, named form fields, and tick boxes
//! rendered as ☒ / ☐; for a document with pages, where each cell and field sits (`Place`).
//!
//! Readers that see a page as a picture (the PDF reader; OCR) describe each page to `layout`
//! (text runs with boxes, ruling lines, tick boxes, ink) and take its lines and cells from there.

pub mod body;
pub mod doc;
pub mod docx;
pub mod layout;
pub mod ocr;
pub mod pdf;
pub mod rtf;
pub mod tnef;
pub mod worker;

use crate::limits::{Limits, TEXT_BREAK_COST};
use crate::mime::{Attachment, FileKind};
use serde::{Deserialize, Serialize};

/// How a document's answers were read; the ledger's `source` column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Source {
    #[serde(rename = "pdf-form")]
    PdfForm,
    #[serde(rename = "pdf-text")]
    PdfText,
    #[serde(rename = "docx")]
    Docx,
    /// Word 97–2003 binary `.doc`.
    #[serde(rename = "doc")]
    Doc,
    #[serde(rename = "rtf")]
    Rtf,
    #[serde(rename = "body")]
    Body,
    /// Read by OCR from an image of the form (a scanned PDF page, an image attachment).
    #[serde(rename = "ocr")]
    Ocr,
    #[serde(rename = "none")]
    None,
}

impl Source {
    pub fn as_str(self) -> &'static str {
        match self {
            Source::PdfForm => "pdf-form",
            Source::PdfText => "pdf-text",
            Source::Docx => "docx",
            Source::Doc => "doc",
            Source::Rtf => "rtf",
            Source::Body => "body",
            Source::Ocr => "ocr",
            Source::None => "none",
        }
    }
}

/// How attachments are read: within which limits, and in which worker program (`regintake
/// worker`); `worker_exe: None` reads them in this process (library callers, tests). Callers
/// higher up the pipeline lend theirs.
#[derive(Debug, Clone, Copy)]
pub struct ReadOptions<'a> {
    pub limits: &'a Limits,
    pub worker_exe: Option<&'a std::path::Path>,
    /// Whether and how images of forms are read by OCR.
    pub ocr: &'a ocr::OcrSettings,
}

/// Tick mark written into text for a ticked box (check-box control, legacy form field, AcroForm
/// check box, Wingdings symbol), so that the form reader sees every kind of box the same way.
pub const TICKED: char = '☒';
/// Tick mark written into text for an empty box.
pub const UNTICKED: char = '☐';

/// Where a piece of a document sits: its page (1-based) and its box, in points (1/72 inch)
/// from the page's top-left corner, x to the right and y downwards (the way a page is read,
/// and the way an image's pixels are numbered: OCR converts pixels with `72 / dpi`). For a PDF
/// page the corner is the top-left of its crop box as a viewer shows it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Place {
    pub page: u32,
    pub x0: f32,
    pub y0: f32,
    pub x1: f32,
    pub y1: f32,
}

/// One printed line, paragraph or table row. A paragraph has one cell; a table row has one cell
/// per column (merged cells appear once; an empty cell of a ruled table is an empty string).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Line {
    pub cells: Vec<String>,
    /// Where each cell sits, one per cell, when the reader knows (PDF, OCR); empty otherwise.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub places: Vec<Place>,
}

impl Line {
    pub fn text(text: impl Into<String>) -> Line {
        Line::of_cells(vec![text.into()])
    }
    /// A line of cells whose places are not known.
    pub fn of_cells(cells: Vec<String>) -> Line {
        Line {
            cells,
            places: Vec::new(),
        }
    }
    /// Where cell `index` sits, when known.
    pub fn place(&self, index: usize) -> Option<Place> {
        self.places.get(index).copied()
    }
    /// The cells joined by tabs, as the line would be retyped.
    pub fn joined(&self) -> String {
        self.cells.join("\t")
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "value", rename_all = "lowercase")]
pub enum FieldValue {
    Text(String),
    Check(bool),
}

/// A named form field: an AcroForm field, a Word content control or a legacy form field.
/// The form reader ties it to a question by `name`, else `tooltip`, else `nearby_text`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Field {
    /// Full field name (`/T` joined with dots), or a content control's tag / alias.
    pub name: String,
    /// `/TU` tooltip, or a content control's alias when the tag is the name.
    pub tooltip: String,
    /// The page text printed nearest the field (to its left or above), when known.
    pub nearby_text: String,
    pub value: FieldValue,
    /// Where the field's first widget sits, when known (PDF).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub place: Option<Place>,
}

/// What one document says, in reading order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Document {
    pub source: Source,
    pub lines: Vec<Line>,
    pub fields: Vec<Field>,
    /// True when a page is an image with no text layer (a scan).
    pub scanned_without_text: bool,
}

impl Document {
    pub fn new(source: Source) -> Document {
        Document {
            source,
            lines: Vec::new(),
            fields: Vec::new(),
            scanned_without_text: false,
        }
    }

    /// What holding the document's text costs, as `Limits::max_text_bytes` counts it: its bytes
    /// plus `TEXT_BREAK_COST` for every line, cell, field and place.
    pub fn text_cost(&self) -> u64 {
        let lines: usize = self
            .lines
            .iter()
            .map(|l| {
                TEXT_BREAK_COST
                    + l.cells
                        .iter()
                        .map(|c| c.len() + TEXT_BREAK_COST)
                        .sum::<usize>()
                    + l.places.len() * TEXT_BREAK_COST
            })
            .sum();
        let fields: usize = self
            .fields
            .iter()
            .map(|f| {
                let value = match &f.value {
                    FieldValue::Text(t) => t.len(),
                    FieldValue::Check(_) => 1,
                };
                let place = if f.place.is_some() {
                    TEXT_BREAK_COST
                } else {
                    0
                };
                f.name.len()
                    + f.tooltip.len()
                    + f.nearby_text.len()
                    + value
                    + place
                    + TEXT_BREAK_COST
            })
            .sum();
        (lines + fields) as u64
    }
}

/// Why a form attachment could not be read: recorded `unreadable_attachment`, with `Display` as
/// the note staff read. It crosses the pipe from a worker process as JSON, kind and all.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Unreadable {
    /// A PDF that needs a password to open.
    Encrypted,
    /// A PDF encrypted with a method the reader does not know.
    UnsupportedEncryption,
    /// Not a well-formed file of its kind (damaged, truncated, not a zip or PDF at all, or built
    /// in a way that is refused, such as an XML DTD); `reason` says what is wrong.
    Malformed { reason: String },
    /// A Word document (`.doc`, or a `.docx` in an encrypted Office package) that needs a
    /// password to open.
    EncryptedWord,
    /// Over one of the `Limits`; `reason` says which and by how much.
    OverLimit { limit: Limit, reason: String },
    /// The reader (or a library it uses) failed on this file: a bug, with what it said.
    ReaderFailed { reason: String },
    /// The worker process reading the file crashed.
    ReaderCrashed { crash: Crash },
    /// The reader ran past the attachment deadline, in wall-clock or CPU time, and was stopped.
    TimedOut { deadline_ms: u64, cpu: bool },
    /// The worker process reading the file ran out of memory.
    OutOfMemory { limit_mib: u64 },
    /// The reader gave no answer for this file.
    NoAnswer,
}

/// The limit an attachment went over (the `Limits` field of the same name, or the reading time).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Limit {
    AttachmentBytes,
    ZipEntries,
    ZipEntryBytes,
    ZipTotalBytes,
    ZipRatio,
    PdfStreamBytes,
    PdfObjects,
    Nesting,
    /// The text a document holds (`max_text_bytes`).
    TextBytes,
    /// The pixels an image (or a PDF's page image) claims, `max_image_pixels`.
    ImagePixels,
    /// The pages of a multi-page image (TIFF), `max_pdf_pages`.
    ImagePages,
    /// The attachment deadline, as measured by the reader itself.
    ReadingTime,
}

/// How a worker process crashed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "how", rename_all = "snake_case")]
pub enum Crash {
    StackOverflow,
    Signal { signal: i32 },
    Exit { code: i32 },
    Unknown,
}

impl Unreadable {
    pub(crate) fn malformed(reason: impl Into<String>) -> Unreadable {
        Unreadable::Malformed {
            reason: reason.into(),
        }
    }

    pub(crate) fn over(limit: Limit, reason: impl Into<String>) -> Unreadable {
        Unreadable::OverLimit {
            limit,
            reason: reason.into(),
        }
    }
}

impl std::fmt::Display for Unreadable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Unreadable::Encrypted => f.write_str("PDF is encrypted with a password"),
            Unreadable::UnsupportedEncryption => {
                f.write_str("PDF is encrypted with a method that cannot be read")
            }
            Unreadable::Malformed { reason } | Unreadable::OverLimit { reason, .. } => {
                f.write_str(reason)
            }
            Unreadable::EncryptedWord => f.write_str("Word document is encrypted with a password"),
            Unreadable::ReaderFailed { reason } => write!(f, "reader failed: {reason}"),
            Unreadable::ReaderCrashed { crash } => match crash {
                Crash::StackOverflow => f.write_str("reader crashed (stack overflow)"),
                Crash::Signal { signal } => {
                    write!(f, "reader crashed ({})", signal_name(*signal))
                }
                Crash::Exit { code } => write!(f, "reader crashed (exit status {code})"),
                Crash::Unknown => f.write_str("reader crashed"),
            },
            Unreadable::TimedOut { deadline_ms, cpu } => write!(
                f,
                "reader took longer than {}{} and was stopped",
                seconds(*deadline_ms),
                if *cpu { " of CPU time" } else { "" }
            ),
            Unreadable::OutOfMemory { limit_mib } => {
                write!(f, "reader ran out of memory (limit {limit_mib} MiB)")
            }
            Unreadable::NoAnswer => f.write_str("no answer from the reader"),
        }
    }
}

fn seconds(ms: u64) -> String {
    if ms.is_multiple_of(1000) {
        format!("{} s", ms / 1000)
    } else {
        format!("{:.1} s", ms as f64 / 1000.0)
    }
}

fn signal_name(sig: i32) -> String {
    let name = match sig {
        libc::SIGABRT => "abort",
        libc::SIGSEGV => "segmentation fault",
        libc::SIGBUS => "bus error",
        libc::SIGILL => "illegal instruction",
        libc::SIGFPE => "arithmetic fault",
        libc::SIGKILL => "killed",
        _ => "",
    };
    if name.is_empty() {
        format!("signal {sig}")
    } else {
        format!("{name}, signal {sig}")
    }
}

/// Reads an attachment of a kind that can hold a form, with the default OCR settings (`auto`).
/// `Ok(None)` for kinds that never hold one (zip archives, unknown binaries).
pub fn read_attachment(att: &Attachment, limits: &Limits) -> Result<Option<Document>, Unreadable> {
    read_attachment_with(att, limits, &ocr::OcrSettings::default())
}

/// Reads an attachment of a kind that can hold a form: a scanned PDF and an image are read by
/// OCR as `ocr` says. `Ok(None)` for kinds that never hold one (zip archives, unknown binaries).
pub fn read_attachment_with(
    att: &Attachment,
    limits: &Limits,
    ocr: &ocr::OcrSettings,
) -> Result<Option<Document>, Unreadable> {
    if att.bytes.len() as u64 > limits.max_attachment_bytes {
        return Err(Unreadable::over(
            Limit::AttachmentBytes,
            format!(
                "attachment is {} bytes, over the {} byte limit",
                att.bytes.len(),
                limits.max_attachment_bytes
            ),
        ));
    }
    let doc = match att.kind {
        FileKind::Pdf => {
            let doc = pdf::read(&att.bytes, limits)?;
            if doc.scanned_without_text {
                ocr::read_scanned_pdf(&att.bytes, limits, ocr, doc)?
            } else {
                doc
            }
        }
        FileKind::Docx => docx::read_docx(&att.bytes, limits)?,
        FileKind::Odt => docx::read_odt(&att.bytes, limits)?,
        FileKind::Doc => doc::read(&att.bytes, limits)?,
        FileKind::Rtf => rtf::read(&att.bytes, limits)?,
        // A winmail.dat still here could not be unpacked (or nests too deep): say why.
        FileKind::Tnef => {
            tnef::unpack(&att.bytes, limits)?;
            return Err(Unreadable::over(
                Limit::Nesting,
                "winmail.dat nests winmail.dat files too deep: not read",
            ));
        }
        // A photo or scan of the form: read by OCR (`extract::ocr`); one of a format OCR does
        // not decode (HEIC) is shown to staff as an image that was not read.
        FileKind::Image if !ocr::readable_format(&att.bytes) => {
            let mut doc = Document::new(Source::None);
            doc.scanned_without_text = true;
            doc
        }
        FileKind::Image => ocr::read_image(&att.bytes, limits, ocr)?,
        FileKind::Zip | FileKind::InlineImage | FileKind::Other => return Ok(None),
    };
    // Whatever a reader's own limits let through, no more text than this reaches the form
    // reader (and the parent process, from a worker).
    if doc.text_cost() > limits.max_text_bytes {
        return Err(Unreadable::over(
            Limit::TextBytes,
            format!(
                "document holds more than {} bytes of text",
                limits.max_text_bytes
            ),
        ));
    }
    Ok(Some(doc))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_document_with_more_text_than_the_limit_is_refused() {
        let mut doc = Document::new(Source::Docx);
        doc.lines
            .push(Line::of_cells(vec!["Full name".into(), "Jane".into()]));
        assert_eq!(doc.text_cost() as usize, 13 + 3 * TEXT_BREAK_COST);
        // The cap itself is checked on what a reader gives, whatever the kind: a DOCX whose
        // text is over it (and under every zip limit).
        let lines: Vec<String> = (0..200)
            .map(|i| format!("line {i} {}", "x".repeat(40)))
            .collect();
        let body: String = lines
            .iter()
            .map(|l| format!("<w:p><w:r><w:t>{l}</w:t></w:r></w:p>"))
            .collect();
        let xml = format!(
            "<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>{body}</w:body></w:document>"
        );
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        zip.start_file(
            "word/document.xml",
            zip::write::SimpleFileOptions::default(),
        )
        .expect("zip");
        std::io::Write::write_all(&mut zip, xml.as_bytes()).expect("zip");
        let att = Attachment {
            filename: "big.docx".into(),
            content_type: String::new(),
            kind: FileKind::Docx,
            bytes: zip.finish().expect("zip").into_inner(),
        };
        let read = read_attachment(&att, &Limits::default()).expect("read");
        let cost = read.expect("a document").text_cost();
        let tight = Limits {
            max_text_bytes: cost - 1,
            max_zip_total_bytes: 1 << 30,
            ..Limits::default()
        };
        assert!(matches!(
            read_attachment(&att, &tight),
            Err(Unreadable::OverLimit {
                limit: Limit::TextBytes,
                ..
            })
        ));
    }

    #[test]
    fn every_kind_crosses_the_worker_pipe_and_reads_as_one_plain_line() {
        let kinds = [
            (Unreadable::Encrypted, "PDF is encrypted with a password"),
            (
                Unreadable::UnsupportedEncryption,
                "PDF is encrypted with a method that cannot be read",
            ),
            (
                Unreadable::malformed("not a readable zip file: bad"),
                "not a readable zip file: bad",
            ),
            (
                Unreadable::EncryptedWord,
                "Word document is encrypted with a password",
            ),
            (
                Unreadable::over(
                    Limit::ZipEntries,
                    "zip has 9 entries, over the 2 entry limit",
                ),
                "zip has 9 entries, over the 2 entry limit",
            ),
            (
                Unreadable::ReaderFailed {
                    reason: "index out of bounds".into(),
                },
                "reader failed: index out of bounds",
            ),
            (
                Unreadable::ReaderCrashed {
                    crash: Crash::Signal { signal: 11 },
                },
                "reader crashed (segmentation fault, signal 11)",
            ),
            (
                Unreadable::ReaderCrashed {
                    crash: Crash::Exit { code: 3 },
                },
                "reader crashed (exit status 3)",
            ),
            (
                Unreadable::TimedOut {
                    deadline_ms: 2_500,
                    cpu: true,
                },
                "reader took longer than 2.5 s of CPU time and was stopped",
            ),
            (
                Unreadable::TimedOut {
                    deadline_ms: 10_000,
                    cpu: false,
                },
                "reader took longer than 10 s and was stopped",
            ),
            (
                Unreadable::OutOfMemory { limit_mib: 1024 },
                "reader ran out of memory (limit 1024 MiB)",
            ),
            (Unreadable::NoAnswer, "no answer from the reader"),
        ];
        for (kind, text) in kinds {
            assert_eq!(kind.to_string(), text);
            let json = serde_json::to_string(&kind).expect("json");
            let back: Unreadable = serde_json::from_str(&json).expect(&json);
            assert_eq!(back, kind, "{json}");
        }
    }
}
