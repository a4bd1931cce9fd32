//! A `Document` in → the registration form's `Answers` out (each with the raw text it was read
//! from), or `None` when the document is not a registration form.
//!
//! The reader knows the form's questions by their meaning, not by one wording: a label is matched
//! by the words a person retyping the form would use ("Name", "Organization", "E-mail address",
//! "Static IP address or range"). An answer is the text after the label on the same line (after
//! `:`, ` - `, a tab or a bracket), the next table cell, the cell below a column heading, or the
//! next line when that line is not itself part of the form. Tick boxes are read from the mark in
//! front of (or after) a statement, in a neighbouring cell, or on a line of its own; every kind of
//! box the extractors met is already written as ☒ / ☐.
//!
//! How it is built, in the order a document goes through it:
//! - `rows`: the document's lines → rows of cells, shaped for reading.
//! - `lines` (with `nearby` for where an answer sits) reads the rows; `fields` reads the named
//!   form fields. Both report what they find to `collect`, which decides what wins and whether
//!   the document is a form, and makes the `Answers`. A reader for another kind of input (text
//!   with positions on the page, say) is one more module that reports to `collect`.
//! - `labels` (questions, statements, the form's own text) and `marks` (ticks, yes/no) match
//!   the words in `vocabulary`, the one place the form's wording lives; `text` normalises.
//! - `prose` reads a mail body written as sentences, when the form's layout is not there.
//! - `memo` remembers, within one `read`, what `labels` worked out about a cell.

mod collect;
mod fields;
mod labels;
mod lines;
mod marks;
mod memo;
mod nearby;
mod prose;
mod rows;
mod text;
mod vocabulary;

#[cfg(test)]
mod tests;

use crate::extract::{Document, Place};
use serde::Serialize;

/// A written answer: the text as the applicant wrote it, and the raw line(s) it was read from.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Answer {
    pub text: String,
    pub raw: String,
    /// Read from a named form field (AcroForm field, content control), not from the page text.
    pub from_field: bool,
    /// Where on the page it was read from, when the document has pages (PDF, OCR).
    pub place: Option<Place>,
}

/// A tick box or yes/no statement: `Some(true)` ticked/agreed, `Some(false)` clearly not,
/// `None` when nothing could be determined. `raw` is the line it was read from.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Tick {
    pub ticked: Option<bool>,
    pub raw: String,
    /// Read from a named form field (AcroForm check box, content control), not from the text.
    pub from_field: bool,
    /// Where on the page the mark (or the statement it marks) was read from, when known.
    pub place: Option<Place>,
}

/// The answers to every question on the form. Empty / `None` when the form leaves it blank.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
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
/// registration form at all (a CV, an invoice, a reply asking about progress).
pub fn read(doc: &Document) -> Option<Answers> {
    memo::clear();
    let answers = read_uncached(doc);
    memo::clear();
    answers
}

fn read_uncached(doc: &Document) -> Option<Answers> {
    let rows = rows::rows_of(doc);
    let mut found = collect::Collected::default();
    lines::read_rows(&rows, &mut found);
    fields::read_fields(&doc.fields, &mut found);
    let is_form = found.looks_like_form(&rows);
    // A mail whose answers are written as sentences rather than the form's layout: read as
    // sentences when the layout reading found no form, or fewer answers than the sentences
    // give (a sentence such as "I accept the terms of use" looks like a bit of the form).
    let few_answers = !is_form || found.answered() < prose::FEW_ANSWERS;
    if doc.source == crate::extract::Source::Body && few_answers && prose::may_be_prose(&rows) {
        let mut in_words = collect::Collected::default();
        if prose::read_prose(&rows, &mut in_words)
            && (!is_form || in_words.answered() > found.answered())
        {
            return Some(in_words.finish());
        }
    }
    is_form.then(|| found.finish())
}
