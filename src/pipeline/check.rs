//! Files in (form documents, messages, mboxes) → what the chain would record for each, as a
//! `CheckReport`; nothing is written. `poll --dry-run` reports what it reads the same way.

use super::chain::{Pipeline, is_form_kind};
use crate::extract::Source;
use crate::ledger::{FieldDetails, NewMessage, NewRecord, Status};
use crate::mime;
use crate::source::RawMessage;
use crate::source::archive::{self, FileContent};
use crate::validate::Flag;
use anyhow::{Context as _, Result};
use chrono::NaiveDate;
use serde::Serialize;
use std::path::Path;

/// What `check` reports for one file, or one message of an mbox.
#[derive(Debug, Clone, Serialize)]
pub struct CheckReport {
    pub file: String,
    /// The message's head; `None` for a form document.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<CheckedMessage>,
    pub records: Vec<CheckedRecord>,
}

/// A message's head as `check` shows it.
#[derive(Debug, Clone, Serialize)]
pub struct CheckedMessage {
    pub message_id: String,
    pub sender: String,
    pub subject: String,
    /// RFC 3339, in Canberra time (as the reports show it).
    pub received_at: String,
}

/// A record as `check` shows it: every field with the value that would be recorded, and where
/// it was read from when it was.
#[derive(Debug, Clone, Serialize)]
pub struct CheckedRecord {
    pub attachment: String,
    pub source: Source,
    pub status: Status,
    pub flags: Vec<Flag>,
    pub fields: FieldDetails,
    /// One plain-English sentence per flag, as the ledger stores them; empty without flags.
    pub notes: String,
    /// Each flag's sentence, by flag code.
    pub flag_notes: std::collections::BTreeMap<String, String>,
    /// What went wrong reading the message itself (MIME problems), for staff.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub problems: Vec<String>,
    /// For a message (a form document alone has no received date).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub due_by: Option<NaiveDate>,
}

impl CheckedRecord {
    fn of(r: &NewRecord, with_due: bool) -> CheckedRecord {
        CheckedRecord {
            attachment: r.attachment.clone(),
            source: r.source,
            status: Status::of(&r.flags),
            flags: r.flags.clone(),
            // A record whose form was not read has no values, yes/no included (SPEC v2).
            fields: r.detail.fields.clone().unwrap_or_default(),
            notes: r.notes.clone(),
            flag_notes: r.detail.flag_notes.clone(),
            problems: r.detail.notes.clone(),
            due_by: with_due.then_some(r.due_by),
        }
    }
}

impl CheckReport {
    /// The report of a message as the chain made its ledger entry.
    pub fn of_message(file: String, m: &NewMessage) -> CheckReport {
        CheckReport {
            file,
            message: Some(CheckedMessage {
                message_id: m.message_id.clone(),
                sender: m.sender.clone(),
                subject: m.subject.clone(),
                received_at: crate::canberra::rfc3339(&m.received_at),
            }),
            records: m
                .records
                .iter()
                .map(|r| CheckedRecord::of(r, true))
                .collect(),
        }
    }
}

/// Reads one form document (.pdf, .docx, .odt) or one message (.eml), decided by content: one
/// report. An mbox holding one message is that message; use `check_path` for any mbox.
pub fn check_file(path: &Path, pipeline: &Pipeline) -> Result<CheckReport> {
    let mut reports = check_path(path, pipeline)?;
    match reports.len() {
        1 => Ok(reports.remove(0)),
        n => anyhow::bail!("{} holds {n} messages, not one", path.display()),
    }
}

/// Reads a form document, a message or every message of an mbox, decided by content the way
/// `ingest` decides it (`archive::sniff_head`): one report per document or message. A file that
/// is neither a form document nor mail is an error, as `ingest` counts it.
pub fn check_path(path: &Path, pipeline: &Pipeline) -> Result<Vec<CheckReport>> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    if is_form_kind(mime::sniff(&bytes, "", &name)) {
        let records = pipeline.process_document(&name, bytes);
        return Ok(vec![CheckReport {
            file: path.display().to_string(),
            message: None,
            records: records
                .iter()
                .map(|r| CheckedRecord::of(r, false))
                .collect(),
        }]);
    }
    let head = &bytes[..bytes.len().min(archive::HEAD_BYTES as usize)];
    match archive::sniff_head(head) {
        FileContent::Message => {
            let raw = RawMessage {
                bytes,
                origin: format!("file:{}", path.display()),
                internal_date: None,
            };
            Ok(vec![message_report(
                path.display().to_string(),
                &raw,
                pipeline,
            )])
        }
        FileContent::Mbox => {
            let cap = pipeline.limits.max_message_bytes.saturating_add(1);
            let reader = archive::MboxReader::new(&bytes[..], path.display().to_string(), cap);
            let mut reports = Vec::new();
            for (n, raw) in reader.enumerate() {
                let raw = raw?;
                let file = format!("{}#{}", path.display(), n + 1);
                reports.push(message_report(file, &raw, pipeline));
            }
            if reports.is_empty() {
                anyhow::bail!("{} is an mbox with no message in it", path.display());
            }
            Ok(reports)
        }
        FileContent::Unknown => anyhow::bail!(
            "{} is neither a form document (PDF, Word, ODT) nor mail (it starts neither with \
             message headers nor with an mbox \"From \" line)",
            path.display()
        ),
    }
}

/// What `check` reports for one message: what `ingest` would record for it.
fn message_report(file: String, raw: &RawMessage, pipeline: &Pipeline) -> CheckReport {
    CheckReport::of_message(file, &pipeline.process(raw).recorded())
}
