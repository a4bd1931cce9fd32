//! The chain: a raw message in → parsed (`mime`) with its key → its form attachments read
//! (`extract`, in the attachment worker) → answers (`form`) → fields and flags (`validate`) →
//! a `NewMessage` for the `ledger`. In two steps, so that a driver can skip a message already
//! recorded after the cheap one (`Pipeline::parse`) and before its forms are read
//! (`Pipeline::finish`); `Pipeline::process` takes both at once.
//!
//! Panics: the stages the chain runs itself (MIME parsing, attachments read in this process,
//! forms, validation) run inside `crate::catch_panic`, the one place the process catches one.
//! A message a stage panicked on comes out `Processed::Failed`, and its driver decides what to
//! record. Attachments read in a worker process are caught there (`extract::worker`).

use super::key::{earlier_keys, message_key, sha256_hex};
use super::records::{RecordsOf, failed_record};
use crate::extract::{self, ReadOptions};
use crate::ledger::{NewMessage, NewRecord};
use crate::limits::Limits;
use crate::mime::{self, Attachment, FileKind, ParsedMessage};
use crate::source::RawMessage;
use crate::validate::{Rules, holidays};
use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
use std::collections::HashSet;
use std::path::PathBuf;

/// The chain, configured: what every stage needs to know, shared read-only by all threads.
#[derive(Debug, Clone, Default)]
pub struct Pipeline {
    pub rules: Rules,
    pub limits: Limits,
    /// The regintake binary to run attachment-reading worker processes from (`regintake
    /// worker`); `None` reads attachments in this process (library callers, tests).
    pub worker_exe: Option<PathBuf>,
    /// Whether and how images of forms are read by OCR (`[ocr]`).
    pub ocr: crate::extract::ocr::OcrSettings,
}

/// A message after the first step (MIME parse), before its forms are read: enough to know its
/// key and to skip it when it is already recorded.
pub struct Parsed {
    /// The ledger's key of the message (`message_key`).
    pub key: String,
    /// Keys the message may already be recorded under (`earlier_keys`).
    earlier_keys: Vec<String>,
    raw_sha256: String,
    raw_size: u64,
    origin: String,
    received_at: DateTime<FixedOffset>,
    message: ParsedMessage,
    /// The MIME parser panicked (why): only the bytes are known.
    parser_failed: Option<String>,
}

impl Parsed {
    /// True when `is_recorded` finds the message in the ledger, under its key or under an
    /// earlier one (recorded before keys were hashed from the canonical form), which it then
    /// takes, so that `--reprocess` adds a revision to the same entry.
    pub fn find_recorded(&mut self, mut is_recorded: impl FnMut(&str) -> bool) -> bool {
        if is_recorded(&self.key) {
            return true;
        }
        match self.earlier_keys.iter().find(|k| is_recorded(k)) {
            Some(k) => {
                self.key = k.clone();
                true
            }
            None => false,
        }
    }

    /// True when the message is known by `key`, its own or an earlier one.
    pub fn has_key(&self, key: &str) -> bool {
        self.key == key || self.earlier_keys.iter().any(|k| k == key)
    }

    /// Where in the message's attachments its forms may be: the kinds that can hold one, each
    /// file once (the same file attached twice is one form). None for an oversized message.
    fn form_attachments(&self) -> Vec<usize> {
        if self.message.is_oversized() || self.parser_failed.is_some() {
            return Vec::new();
        }
        // Compared by content (a fast hash, then the bytes): no digest is kept, so none is needed.
        let mut seen: HashSet<&[u8], foldhash::fast::RandomState> = HashSet::default();
        self.message
            .attachments
            .iter()
            .enumerate()
            .filter(|(_, att)| is_form_kind(att.kind))
            .filter(|(_, att)| seen.insert(att.bytes.as_slice()))
            .map(|(i, _)| i)
            .collect()
    }

    /// The message's ledger entry, with these records.
    fn into_new_message(self, records: Vec<NewRecord>) -> NewMessage {
        let m = self.message;
        NewMessage {
            key: self.key,
            message_id: m.message_id.unwrap_or_default(),
            sender: m.sender,
            subject: m.subject,
            received_at: self.received_at,
            raw_sha256: self.raw_sha256,
            raw_size: self.raw_size,
            origin: self.origin,
            records,
        }
    }
}

/// True for the kinds of file a form can come in.
pub(crate) fn is_form_kind(kind: FileKind) -> bool {
    matches!(
        kind,
        FileKind::Pdf
            | FileKind::Docx
            | FileKind::Odt
            | FileKind::Doc
            | FileKind::Rtf
            | FileKind::Tnef
            | FileKind::Image
    )
}

/// What the chain made of one message.
pub enum Processed {
    /// Its ledger entry.
    New(NewMessage),
    /// A stage panicked on it: nothing is recorded unless the driver decides so.
    Failed(Failed),
}

impl Processed {
    /// The ledger entry a driver that does not retry records: a failed message as one
    /// `unreadable_attachment` record saying what failed.
    pub fn recorded(self) -> NewMessage {
        match self {
            Processed::New(message) => message,
            Processed::Failed(failed) => failed.recorded(),
        }
    }
}

/// A message a stage of the chain panicked on.
pub struct Failed {
    /// What is known of it (the head when the MIME stage got that far), without records.
    pub message: NewMessage,
    pub failure: Failure,
    due_by: NaiveDate,
}

/// Which stage panicked, and its message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// The MIME parser: the message is known by its bytes alone.
    MimeParser(String),
    /// A reader, the form or validation.
    Reader(String),
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::MimeParser(why) => {
                write!(f, "the MIME parser failed on this message: {why}")
            }
            Failure::Reader(why) => write!(f, "reader failed: {why}"),
        }
    }
}

impl Failed {
    /// A failure of `message` (received at `due_by`'s start), for a driver's tests.
    #[cfg(test)]
    pub(crate) fn new(message: NewMessage, failure: Failure, due_by: NaiveDate) -> Failed {
        Failed {
            message,
            failure,
            due_by,
        }
    }

    /// Its ledger entry: one `unreadable_attachment` record saying what failed.
    pub fn recorded(self) -> NewMessage {
        let note = self.failure.to_string();
        self.recorded_with(note)
    }

    /// Its ledger entry after `attempts` failed attempts (a mailbox sets it aside).
    pub fn recorded_after(self, attempts: u32) -> NewMessage {
        let note = format!("failed {attempts} times: {}", self.failure);
        self.recorded_with(note)
    }

    fn recorded_with(self, note: String) -> NewMessage {
        let mut message = self.message;
        message.records = vec![failed_record("", note, self.due_by)];
        message
    }
}

impl Pipeline {
    /// What `extract` needs to read attachments.
    pub fn read_options(&self) -> ReadOptions<'_> {
        ReadOptions {
            limits: &self.limits,
            worker_exe: self.worker_exe.as_deref(),
            ocr: &self.ocr,
        }
    }

    /// The first step: MIME parse, key, received time.
    pub fn parse(&self, raw: &RawMessage) -> Parsed {
        self.parse_with(raw, |bytes| mime::parse(bytes, &self.limits))
    }

    /// The first step for a message of which only the head (`raw`) was fetched, because the
    /// whole message (`size` bytes, as the server said) is over the size limit: it is recorded
    /// unread. Its hash is the head's, as the rest is not known; its size the whole message's.
    pub fn parse_head(&self, raw: &RawMessage, size: u64) -> Parsed {
        let mut parsed = self.parse_with(raw, |head| mime::parse_head(head, size, &self.limits));
        parsed.raw_size = size;
        parsed
    }

    fn parse_with(&self, raw: &RawMessage, parse: impl FnOnce(&[u8]) -> ParsedMessage) -> Parsed {
        let (message, parser_failed) = match crate::catch_panic(|| {
            let mut message = parse(&raw.bytes);
            // The files inside an Outlook winmail.dat are read as if attached directly.
            extract::tnef::expand(&mut message.attachments, &self.limits);
            message
        }) {
            Ok(message) => (message, None),
            Err(why) => (ParsedMessage::default(), Some(why)),
        };
        let id = message.message_id.as_deref();
        Parsed {
            key: message_key(id, &raw.bytes),
            earlier_keys: earlier_keys(id, &raw.bytes),
            raw_sha256: sha256_hex(&raw.bytes),
            raw_size: raw.bytes.len() as u64,
            origin: raw.origin.clone(),
            received_at: raw
                .internal_date
                .or(message.date)
                .unwrap_or_else(|| Utc::now().fixed_offset()),
            message,
            parser_failed,
        }
    }

    /// The second step for a group of parsed messages, in order: the group's form attachments
    /// read in one exchange with the attachment worker, then forms and validation.
    ///
    /// A panic in a stage is caught around the whole group, which is then read again one
    /// message at a time, so that only the message that panics fails.
    pub fn finish(&self, group: Vec<Parsed>) -> Vec<Processed> {
        let records: Vec<Result<Vec<NewRecord>, String>> =
            match crate::catch_panic(|| self.records_of(&group)) {
                Ok(records) => records.into_iter().map(Ok).collect(),
                Err(_) if group.len() > 1 => group
                    .iter()
                    .map(|parsed| {
                        crate::catch_panic(|| self.records_of(std::slice::from_ref(parsed)))
                            .map(|mut records| records.pop().unwrap_or_default())
                    })
                    .collect(),
                Err(why) => vec![Err(why)],
            };
        group
            .into_iter()
            .zip(records)
            .map(|(parsed, records)| self.outcome(parsed, records))
            .collect()
    }

    /// Both steps for one message.
    pub fn process(&self, raw: &RawMessage) -> Processed {
        self.finish_one(self.parse(raw))
    }

    /// The second step for one parsed message.
    pub fn finish_one(&self, parsed: Parsed) -> Processed {
        match self.finish(vec![parsed]).pop() {
            Some(processed) => processed,
            None => unreachable!("finish gives one result per message"),
        }
    }

    /// The records of one form document (`check` on a file): its ledger records, or one
    /// `unreadable_attachment` record when a stage panicked.
    pub fn process_document(&self, name: &str, bytes: Vec<u8>) -> Vec<NewRecord> {
        // Typing a zip reads its directory: a dependency's panic there is the document's failure.
        let kind = crate::catch_panic(|| mime::sniff(&bytes, "", name));
        let received_at = Utc::now().fixed_offset();
        let read = kind.and_then(|kind| {
            let parsed = Parsed {
                key: String::new(),
                earlier_keys: Vec::new(),
                raw_sha256: String::new(),
                raw_size: 0,
                origin: String::new(),
                received_at,
                message: ParsedMessage {
                    attachments: vec![Attachment {
                        filename: name.to_string(),
                        content_type: String::new(),
                        kind,
                        bytes,
                    }],
                    ..Default::default()
                },
                parser_failed: None,
            };
            crate::catch_panic(|| self.records_of(std::slice::from_ref(&parsed)))
        });
        match read {
            Ok(mut records) => records.pop().unwrap_or_default(),
            Err(why) => vec![failed_record(
                name,
                Failure::Reader(why).to_string(),
                self.due_by(received_at),
            )],
        }
    }

    /// The date a message received at `received_at` must be answered by.
    fn due_by(&self, received_at: DateTime<FixedOffset>) -> NaiveDate {
        holidays::due_by(received_at, &self.rules.extra_holidays)
    }

    /// Each message's records (none for one whose MIME parse failed).
    fn records_of(&self, group: &[Parsed]) -> Vec<Vec<NewRecord>> {
        let wanted: Vec<Vec<usize>> = group.iter().map(Parsed::form_attachments).collect();
        let attachments: Vec<&Attachment> = group
            .iter()
            .zip(&wanted)
            .flat_map(|(parsed, w)| w.iter().map(|&i| &parsed.message.attachments[i]))
            .collect();
        let mut documents =
            extract::worker::read_attachments(&attachments, self.read_options()).into_iter();
        group
            .iter()
            .zip(&wanted)
            .map(|(parsed, wanted)| {
                let documents = documents.by_ref().take(wanted.len()).collect();
                if parsed.parser_failed.is_some() {
                    return Vec::new();
                }
                RecordsOf {
                    rules: &self.rules,
                    message: &parsed.message,
                    due_by: self.due_by(parsed.received_at),
                }
                .records(wanted, documents)
            })
            .collect()
    }

    /// A parsed message and its records (or why a stage panicked on it) as the chain's result.
    fn outcome(&self, parsed: Parsed, records: Result<Vec<NewRecord>, String>) -> Processed {
        let failure = match (&parsed.parser_failed, records) {
            (Some(why), _) => Failure::MimeParser(why.clone()),
            (None, Ok(records)) => return Processed::New(parsed.into_new_message(records)),
            (None, Err(why)) => Failure::Reader(why),
        };
        tracing::error!(origin = %parsed.origin, reason = %failure, "A stage failed on the message");
        let due_by = self.due_by(parsed.received_at);
        // What is kept of a message whose readers failed: its head, not its attachments.
        let head = Parsed {
            message: ParsedMessage {
                message_id: parsed.message.message_id,
                sender: parsed.message.sender,
                subject: parsed.message.subject,
                ..ParsedMessage::default()
            },
            ..parsed
        };
        Processed::Failed(Failed {
            message: head.into_new_message(Vec::new()),
            failure,
            due_by,
        })
    }
}
