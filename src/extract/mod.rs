//! An attachment (PDF, DOCX, ODT) or a mail body in → a `Document`: lines of text and table
//! cells in reading order, named form fields, and tick boxes rendered as ☒ / ☐.

pub mod body;
pub mod docx;
pub mod pdf;
pub mod worker;

use crate::limits::Limits;
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
    #[serde(rename = "body")]
    Body,
    #[serde(rename = "none")]
    None,
}

impl Source {
    pub fn as_str(self) -> &'static str {
        match self {
            Source::PdfForm => "pdf-form",
            Source::PdfText => "pdf-text",
            Source::Docx => "docx",
            Source::Body => "body",
            Source::None => "none",
        }
    }
}

/// Tick mark written into text for a ticked box (check-box control, legacy form field, AcroForm
/// check box, Wingdings symbol), so that the form reader sees every kind of box the same way.
pub const TICKED: char = '☒';
/// Tick mark written into text for an empty box.
pub const UNTICKED: char = '☐';

/// One printed line, paragraph or table row. A paragraph has one cell; a table row has one cell
/// per column (merged cells appear once).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Line {
    pub cells: Vec<String>,
}

impl Line {
    pub fn text(text: impl Into<String>) -> Line {
        Line {
            cells: vec![text.into()],
        }
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Field {
    /// Full field name (`/T` joined with dots), or a content control's tag / alias.
    pub name: String,
    /// `/TU` tooltip, or a content control's alias when the tag is the name.
    pub tooltip: String,
    /// The page text printed nearest the field (to its left or above), when known.
    pub nearby_text: String,
    pub value: FieldValue,
}

/// What one document says, in reading order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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
}

/// Why a form attachment could not be read; recorded as `unreadable_attachment` with this reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unreadable(pub String);

impl std::fmt::Display for Unreadable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Reads an attachment of a kind that can hold a form. `Ok(None)` for kinds that never hold one
/// (images, unknown binaries).
pub fn read_attachment(att: &Attachment, limits: &Limits) -> Result<Option<Document>, Unreadable> {
    if att.bytes.len() as u64 > limits.max_attachment_bytes {
        return Err(Unreadable(format!(
            "attachment is {} bytes, over the {} byte limit",
            att.bytes.len(),
            limits.max_attachment_bytes
        )));
    }
    match att.kind {
        FileKind::Pdf => pdf::read(&att.bytes, limits).map(Some),
        FileKind::Docx => docx::read_docx(&att.bytes, limits).map(Some),
        FileKind::Odt => docx::read_odt(&att.bytes, limits).map(Some),
        FileKind::Doc => Err(Unreadable(
            "old binary Word .doc format is not read: ask for .docx or .pdf".into(),
        )),
        FileKind::Zip | FileKind::Image | FileKind::Other => Ok(None),
    }
}
