//! A `Document` in → the registration form's `Answers` out (each with the raw text it was read
//! from), or `None` when the document is not a registration form.

use crate::extract::Document;
use serde::Serialize;

/// A written answer: the text as the applicant wrote it, and the raw line(s) it was read from.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Answer {
    pub text: String,
    pub raw: String,
    /// Read from a named form field (AcroForm field, content control), not from the page text.
    pub from_field: bool,
}

/// A tick box or yes/no statement: `Some(true)` ticked/agreed, `Some(false)` clearly not,
/// `None` when nothing could be determined. `raw` is the line it was read from.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Tick {
    pub ticked: Option<bool>,
    pub raw: String,
    /// Read from a named form field (AcroForm check box, content control), not from the text.
    pub from_field: bool,
}

/// The answers to every question on the form. Empty / `None` when the form leaves it blank.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Answers {
    pub full_name: Option<Answer>,
    pub organisation: Option<Answer>,
    pub contact_email: Option<Answer>,
    pub terms: Tick,
    pub public_service: Tick,
    pub partner_service: Tick,
    pub ip_allowlist: Option<Answer>,
    pub expected_records: Option<Answer>,
    pub expected_calls: Option<Answer>,
    pub user_guide: Tick,
}

/// Reads the form's answers out of a document. `None` when the document does not look like a
/// registration form at all (a CV, an invoice, a logo).
pub fn read(_doc: &Document) -> Option<Answers> {
    None
}
