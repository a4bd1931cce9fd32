//! A parsed message and its read form attachments in → its records: one per form (read, or
//! unreadable), else the body's form, else one `no_form_found` record; each with its fields,
//! flags, due date and detail (where each answer was read from).

use crate::extract::{self, Document, Source};
use crate::form::{self, Answers};
use crate::ledger::{FieldDetail, FieldDetails, NewRecord, RecordDetail};
use crate::mime::{FileKind, ParsedMessage};
use crate::validate::{self, Fields, Finding, Flag, Rules, Validated};
use chrono::NaiveDate;

/// What reading one form attachment gave.
pub(crate) type ReadResult = Result<Option<Document>, extract::Unreadable>;

/// The records of one message.
pub(crate) struct RecordsOf<'a> {
    pub rules: &'a Rules,
    pub message: &'a ParsedMessage,
    pub due_by: NaiveDate,
}

impl RecordsOf<'_> {
    /// Every form in the message: one record per form attachment (`wanted`, read as
    /// `documents`) or unreadable form attachment; else the body's form; else one
    /// `no_form_found` record. An oversized message gets one `unreadable_attachment` record.
    pub(crate) fn records(&self, wanted: &[usize], documents: Vec<ReadResult>) -> Vec<NewRecord> {
        let message = self.message;
        if message.is_oversized() {
            let finding = Finding::UnreadableMessage {
                problems: message.problems.clone(),
            };
            return vec![unread_record("", Source::None, finding, self.due_by)];
        }
        let mut records = Vec::new();
        // Images that may be the form but were not read: recorded only when nothing else in the
        // message is a form (a photo beside a form, or under a form typed in the body, is not).
        let mut unread_images = Vec::new();
        for (&i, read) in wanted.iter().zip(documents) {
            let att = &message.attachments[i];
            match read {
                Err(why) => {
                    let finding = Finding::UnreadableAttachment {
                        attachment: att.filename.clone(),
                        why,
                    };
                    records.push(unread_record(
                        &att.filename,
                        Source::None,
                        finding,
                        self.due_by,
                    ));
                }
                Ok(None) => {}
                Ok(Some(doc)) => {
                    if let Some(record) = self.record_for_document(&doc, &att.filename) {
                        let unread_image = att.kind == FileKind::Image
                            && record.flags == [Flag::ScannedWithoutText];
                        if unread_image {
                            unread_images.push(record);
                        } else {
                            records.push(record);
                        }
                    }
                }
            }
        }
        if records.is_empty() && !message.body_text.trim().is_empty() {
            // A reply or forward: the new part above the quoted mail is read first, and the
            // quoted mail only when the new part holds no form (a covering note on a forward).
            let body = &message.body_text;
            let new_part = extract::body::quote_start(body).map(|at| &body[..at]);
            let record = new_part
                .and_then(|text| self.record_for_document(&extract::body::read(text), ""))
                .or_else(|| self.record_for_document(&extract::body::read(body), ""));
            records.extend(record);
        }
        if records.is_empty() {
            records = unread_images;
        }
        if records.is_empty() {
            let finding = Finding::NoFormFound {
                attachments: message
                    .attachments
                    .iter()
                    .map(|a| a.filename.clone())
                    .collect(),
                problems: message.problems.clone(),
            };
            let mut record = unread_record("", Source::None, finding, self.due_by);
            // The message's own problems, for staff, beside the note.
            record.detail.notes = message.problems.iter().map(|p| p.to_string()).collect();
            records.push(record);
        }
        records
    }

    /// One document's record, or `None` when the document is not a registration form.
    fn record_for_document(&self, doc: &Document, attachment: &str) -> Option<NewRecord> {
        // An image attachment (source `none`) is a picture not read; a PDF's pages have no text.
        let scanned = || Finding::ScannedWithoutText {
            attachment: attachment.to_string(),
            picture: doc.source != Source::PdfText,
        };
        match form::read(doc) {
            Some(answers) => {
                let mut validated = validate::validate(&answers, self.rules);
                if doc.source == Source::Ocr {
                    // Staff compare answers read from an image with the image before granting.
                    validated.add(Finding::ReadByOcr {
                        attachment: attachment.to_string(),
                    });
                } else if doc.scanned_without_text {
                    validated.add(scanned());
                }
                let mut detail = RecordDetail {
                    fields: Some(field_details(&answers, &validated.fields, doc.source)),
                    ..RecordDetail::default()
                };
                add_flag_notes(&mut detail, &validated);
                Some(NewRecord {
                    attachment: attachment.to_string(),
                    source: doc.source,
                    notes: validated.notes(),
                    fields: validated.fields,
                    flags: validated.flags,
                    due_by: self.due_by,
                    detail,
                })
            }
            // An image OCR found no form on: nothing was read, so the source is `none`.
            None if doc.scanned_without_text => Some(unread_record(
                attachment,
                if doc.source == Source::Ocr {
                    Source::None
                } else {
                    doc.source
                },
                scanned(),
                self.due_by,
            )),
            None => None,
        }
    }
}

/// The record of a form (or message) that could not be read: empty fields (the yes/no ones
/// too), the one flag and its note.
pub(crate) fn unread_record(
    attachment: &str,
    source: Source,
    finding: Finding,
    due_by: NaiveDate,
) -> NewRecord {
    let validated = Validated::unread(finding);
    let mut detail = RecordDetail::default();
    add_flag_notes(&mut detail, &validated);
    NewRecord {
        attachment: attachment.to_string(),
        source,
        notes: validated.notes(),
        fields: validated.fields,
        flags: validated.flags,
        due_by,
        detail,
    }
}

/// A message or attachment a stage failed on (`reason`, from the chain): an unreadable record.
pub(crate) fn failed_record(attachment: &str, reason: String, due_by: NaiveDate) -> NewRecord {
    let finding = Finding::UnreadableAttachment {
        attachment: attachment.to_string(),
        why: extract::Unreadable::ReaderFailed { reason },
    };
    unread_record(attachment, Source::None, finding, due_by)
}

/// Each flag's sentence under `flag_notes` in a record's detail, by flag code; for an
/// unreadable attachment also the typed reason (`unreadable`) a reply decides by.
fn add_flag_notes(detail: &mut RecordDetail, validated: &Validated) {
    for finding in &validated.findings {
        detail
            .flag_notes
            .insert(finding.flag().as_str().to_string(), finding.sentence());
        if let Finding::UnreadableAttachment { why, .. } = finding {
            detail.unreadable = Some(why.clone());
        }
    }
}

/// Per field: the value recorded, where it was read from and the raw text, for staff and
/// `check --json`.
fn field_details(answers: &Answers, fields: &Fields, doc_source: Source) -> FieldDetails {
    // A PDF form's answer found in its text rather than in a form field was read from text.
    let source = |from_field: bool| match (doc_source, from_field) {
        (Source::PdfForm, false) => Source::PdfText,
        (s, _) => s,
    };
    let text = |detail: &mut FieldDetail, answer: &Option<form::Answer>| {
        if let Some(a) = answer {
            detail.source = Some(source(a.from_field));
            detail.raw = Some(a.raw.clone());
            detail.answer = Some(a.text.clone());
            detail.locate(a.place);
        }
    };
    let tick = |detail: &mut FieldDetail, t: &form::Tick| {
        if !(t.raw.is_empty() && t.ticked.is_none()) {
            detail.source = Some(source(t.from_field));
            detail.raw = Some(t.raw.clone());
            detail.locate(t.place);
        }
    };
    let mut d = FieldDetails::values_of(fields);
    text(&mut d.full_name, &answers.full_name);
    text(&mut d.organisation, &answers.organisation);
    text(&mut d.contact_email, &answers.contact_email);
    tick(&mut d.terms_accepted, &answers.terms);
    let service_raw = [&answers.public_service, &answers.partner_service]
        .iter()
        .filter(|t| !t.raw.is_empty())
        .map(|t| t.raw.as_str())
        .collect::<Vec<_>>()
        .join(" | ");
    if !service_raw.is_empty() {
        let from_field = answers.public_service.from_field || answers.partner_service.from_field;
        d.service.source = Some(source(from_field));
        d.service.raw = Some(service_raw);
        // Where the chosen option's mark is (else the first option's place).
        let options = [&answers.public_service, &answers.partner_service];
        let place = options
            .iter()
            .find(|t| t.ticked == Some(true) && t.place.is_some())
            .or_else(|| options.iter().find(|t| t.place.is_some()))
            .and_then(|t| t.place);
        d.service.locate(place);
    }
    text(&mut d.ip_allowlist, &answers.ip_allowlist);
    text(&mut d.expected_records_per_day, &answers.expected_records);
    text(&mut d.expected_api_calls_per_day, &answers.expected_calls);
    tick(&mut d.user_guide_agreed, &answers.user_guide);
    d
}
