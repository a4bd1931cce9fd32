//! The one place the stages are chained: a raw message in → parsed (`mime`) → documents
//! (`extract`) → answers (`form`) → fields and flags (`validate`) → a `NewMessage` for the
//! `ledger`. Also the archive ingest loop (parallel readers, one ordered writer) and `check`.

use crate::extract::{self, Document, Source};
use crate::form::{self, Answers};
use crate::ledger::{Appended, Ledger, NewMessage, NewRecord};
use crate::limits::Limits;
use crate::mime::{self, FileKind, ParsedMessage};
use crate::source::RawMessage;
use crate::validate::{self, Finding, Flag, Rules, Validated, holidays};
use anyhow::{Context as _, Result};
use chrono::{DateTime, FixedOffset, Utc};
use serde_json::json;
use sha2::{Digest, Sha256};
use std::collections::HashSet;
use std::path::Path;

/// What every stage needs to know, shared read-only by all workers.
#[derive(Debug, Clone, Default)]
pub struct Context {
    pub rules: Rules,
    pub limits: Limits,
    /// The regintake binary to run attachment-reading worker processes from (`regintake
    /// worker`); `None` reads attachments in this process (library callers, tests).
    pub worker_exe: Option<std::path::PathBuf>,
}

impl Context {
    /// What `extract` needs of the context to read attachments.
    pub fn read_options(&self) -> extract::ReadOptions<'_> {
        extract::ReadOptions {
            limits: &self.limits,
            worker_exe: self.worker_exe.as_deref(),
        }
    }
}

/// Counts for the summary line every run ends with.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    pub messages_read: u64,
    pub records_added: u64,
    pub needs_review: u64,
    pub skipped: u64,
    pub failed: u64,
}

impl Summary {
    pub fn add(&mut self, other: &Summary) {
        self.messages_read += other.messages_read;
        self.records_added += other.records_added;
        self.needs_review += other.needs_review;
        self.skipped += other.skipped;
        self.failed += other.failed;
    }

    /// Counts one message's append result.
    pub fn count(&mut self, appended: Appended) {
        match appended {
            Appended::Added {
                records,
                needs_review,
            } => {
                self.records_added += records as u64;
                self.needs_review += needs_review as u64;
            }
            Appended::AlreadyRecorded => self.skipped += 1,
        }
    }
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} messages read, {} records added, {} needing review, {} skipped as already recorded, {} failed",
            self.messages_read, self.records_added, self.needs_review, self.skipped, self.failed
        )
    }
}

/// The ledger's idempotency key of a message: `mid:<Message-ID>`, else `sha256:` and the hash of
/// its canonical form (`canonical_sha256`), so that the same message read with CRLF line ends
/// (IMAP, .eml) and with LF line ends (mbox) gets one key.
pub fn message_key(message_id: Option<&str>, raw: &[u8]) -> String {
    match message_id.map(|m| {
        m.trim()
            .trim_start_matches('<')
            .trim_end_matches('>')
            .trim()
    }) {
        Some(id) if !id.is_empty() => format!("mid:{id}"),
        _ => format!("sha256:{}", canonical_sha256(raw)),
    }
}

/// Keys a message without a Message-ID may have been recorded under before keys were hashed
/// from the canonical form (they were the SHA-256 of the bytes as read): the hash of its bytes
/// and of its CRLF form, when they differ from `message_key`. Empty for a Message-ID.
pub fn earlier_keys(message_id: Option<&str>, raw: &[u8]) -> Vec<String> {
    let key = message_key(message_id, raw);
    if key.starts_with("mid:") {
        return Vec::new();
    }
    let mut keys = Vec::new();
    for hash in [sha256_hex(raw), crlf_sha256(raw)] {
        let k = format!("sha256:{hash}");
        if k != key && !keys.contains(&k) {
            keys.push(k);
        }
    }
    keys
}

/// SHA-256 of a message's canonical form: every line end (CRLF or LF) as LF, and a line end
/// after the last line. A lone CR is kept: it is not a line end. An LF mbox message's
/// canonical form is its bytes, so the keys ledgers already hold for them stay the same.
pub fn canonical_sha256(raw: &[u8]) -> String {
    hash_lines(raw, b"\n", true)
}

/// SHA-256 of the message with every line end as CRLF (the last line's end kept as it is).
fn crlf_sha256(raw: &[u8]) -> String {
    hash_lines(raw, b"\r\n", false)
}

/// Hashes `raw` with each line end (CRLF or LF) replaced by `eol`; with `close_last`, a last line
/// without an end gets one.
fn hash_lines(raw: &[u8], eol: &[u8], close_last: bool) -> String {
    let mut hasher = Sha256::new();
    let mut rest = raw;
    while let Some(i) = memchr::memchr(b'\n', rest) {
        let line = &rest[..i];
        hasher.update(line.strip_suffix(b"\r").unwrap_or(line));
        hasher.update(eol);
        rest = &rest[i + 1..];
    }
    hasher.update(rest);
    if close_last && !rest.is_empty() {
        hasher.update(eol);
    }
    hex::encode(hasher.finalize())
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// A message after the cheap first step (MIME parse), before the forms are read: enough to
/// know its key and skip it when it is already recorded.
pub struct Parsed {
    pub key: String,
    /// Keys the message may already be recorded under (`earlier_keys`).
    pub earlier_keys: Vec<String>,
    pub raw_sha256: String,
    pub raw_size: u64,
    pub origin: String,
    pub received_at: DateTime<FixedOffset>,
    pub message: ParsedMessage,
}

impl Parsed {
    /// When the ledger holds this message under an earlier key and not its own (it was recorded
    /// before keys were hashed from the canonical form), takes that key, so the message is found
    /// recorded and `--reprocess` adds a revision to the same entry.
    pub fn adopt_recorded_key(&mut self, is_recorded: impl Fn(&str) -> bool) {
        if self.earlier_keys.is_empty() || is_recorded(&self.key) {
            return;
        }
        if let Some(k) = self.earlier_keys.iter().find(|k| is_recorded(k)) {
            self.key = k.clone();
        }
    }

    /// The ledger entry of this message, with these records.
    pub fn into_new_message(self, records: Vec<NewRecord>) -> NewMessage {
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

/// Parses a raw message's MIME structure and works out its key and received time.
pub fn parse_message(raw: &RawMessage, ctx: &Context) -> Parsed {
    let raw_sha256 = sha256_hex(&raw.bytes);
    // An oversized message is parsed only as far as its headers (`Problem::MessageTooLarge`).
    let mut message = mime::parse(&raw.bytes, &ctx.limits);
    // The files inside an Outlook winmail.dat are read as if attached directly.
    extract::tnef::expand(&mut message.attachments, &ctx.limits);
    let key = message_key(message.message_id.as_deref(), &raw.bytes);
    let earlier_keys = earlier_keys(message.message_id.as_deref(), &raw.bytes);
    let received_at = raw
        .internal_date
        .or(message.date)
        .unwrap_or_else(|| Utc::now().fixed_offset());
    Parsed {
        key,
        earlier_keys,
        raw_sha256,
        raw_size: raw.bytes.len() as u64,
        origin: raw.origin.clone(),
        received_at,
        message,
    }
}

/// Reads every form in a parsed message and validates it: the full ledger entry.
/// Never panics: a reader that panics gives an `unreadable_attachment` record.
pub fn finish_message(parsed: Parsed, ctx: &Context) -> NewMessage {
    let wanted = form_attachments(&parsed);
    let documents = read_documents(&[(&parsed, &wanted)], ctx)
        .pop()
        .unwrap_or_default();
    finish_message_with(parsed, &wanted, documents, ctx)
}

/// What reading one form attachment gave.
pub type ReadResult = Result<Option<Document>, extract::Unreadable>;

/// Where in a message's attachments its forms may be: the kinds that can hold one, each file
/// once (the same file attached twice is one form). None for an oversized message.
pub fn form_attachments(parsed: &Parsed) -> Vec<usize> {
    if parsed.message.is_oversized() {
        return Vec::new();
    }
    // Compared by content (a fast hash, then the bytes): no digest is kept, so none is needed.
    let mut seen: HashSet<&[u8], foldhash::fast::RandomState> = HashSet::default();
    parsed
        .message
        .attachments
        .iter()
        .enumerate()
        .filter(|(_, att)| {
            matches!(
                att.kind,
                FileKind::Pdf
                    | FileKind::Docx
                    | FileKind::Odt
                    | FileKind::Doc
                    | FileKind::Rtf
                    | FileKind::Tnef
                    | FileKind::Image
            )
        })
        .filter(|(_, att)| seen.insert(att.bytes.as_slice()))
        .map(|(i, _)| i)
        .collect()
}

/// Reads the form attachments of several messages at once (one exchange with the attachment
/// worker for all of them): per message, one result per index in its `form_attachments`.
pub fn read_documents(messages: &[(&Parsed, &Vec<usize>)], ctx: &Context) -> Vec<Vec<ReadResult>> {
    let all: Vec<&mime::Attachment> = messages
        .iter()
        .flat_map(|(parsed, wanted)| wanted.iter().map(|&i| &parsed.message.attachments[i]))
        .collect();
    let mut results = extract::worker::read_attachments(&all, ctx.read_options()).into_iter();
    messages
        .iter()
        .map(|(_, wanted)| results.by_ref().take(wanted.len()).collect())
        .collect()
}

/// The ledger entry of a parsed message whose form attachments have been read (`documents`,
/// from `read_documents`, in `form_attachments` order). Never panics: a reader that panics
/// gives an `unreadable_attachment` record.
pub fn finish_message_with(
    parsed: Parsed,
    wanted: &[usize],
    documents: Vec<ReadResult>,
    ctx: &Context,
) -> NewMessage {
    let due_by = holidays::due_by(parsed.received_at, &ctx.rules.extra_holidays);
    let records = if parsed.message.is_oversized() {
        let problems = parsed.message.problems.clone();
        vec![unread_record(
            "",
            Source::None,
            Finding::UnreadableMessage { problems },
            due_by,
        )]
    } else {
        match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            records_for(&parsed.message, wanted, documents, ctx, due_by)
        })) {
            Ok(records) => records,
            Err(panic) => {
                let why = crate::panic_text(&*panic);
                tracing::error!(origin = %parsed.origin, reason = %why, "Reader failed on message");
                let why = extract::Unreadable::ReaderFailed { reason: why };
                vec![unread_record(
                    "",
                    Source::None,
                    Finding::UnreadableAttachment {
                        attachment: String::new(),
                        why,
                    },
                    due_by,
                )]
            }
        }
    };
    parsed.into_new_message(records)
}

/// Both steps at once, for callers that do not skip (IMAP, `check`).
pub fn process_message(raw: &RawMessage, ctx: &Context) -> NewMessage {
    finish_message(parse_message(raw, ctx), ctx)
}

/// Every form in the message: one record per form attachment (or unreadable form attachment);
/// else the body's form; else one `no_form_found` record.
fn records_for(
    message: &ParsedMessage,
    wanted: &[usize],
    documents: Vec<ReadResult>,
    ctx: &Context,
    due_by: chrono::NaiveDate,
) -> Vec<NewRecord> {
    let mut records = Vec::new();
    // Images that may be the form but were not read: recorded only when nothing else in the
    // message is a form (a photo beside a form, or under a form typed in the body, is not).
    let mut unread_images = Vec::new();
    for (&i, read) in wanted.iter().zip(documents) {
        let att = &message.attachments[i];
        match read {
            Err(why) => records.push(unread_record(
                &att.filename,
                Source::None,
                Finding::UnreadableAttachment {
                    attachment: att.filename.clone(),
                    why,
                },
                due_by,
            )),
            Ok(None) => {}
            Ok(Some(doc)) => {
                if let Some(record) = record_for_document(&doc, &att.filename, ctx, due_by) {
                    let unread_image =
                        att.kind == FileKind::Image && record.flags == [Flag::ScannedWithoutText];
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
            .and_then(|text| record_for_document(&extract::body::read(text), "", ctx, due_by))
            .or_else(|| record_for_document(&extract::body::read(body), "", ctx, due_by));
        records.extend(record);
    }
    if records.is_empty() {
        records = unread_images;
    }
    if records.is_empty() {
        let attachments = message
            .attachments
            .iter()
            .map(|a| a.filename.clone())
            .collect();
        let finding = Finding::NoFormFound {
            attachments,
            problems: message.problems.clone(),
        };
        let mut record = unread_record("", Source::None, finding, due_by);
        if !message.problems.is_empty() {
            record.detail["problems"] = json!(message.problems);
        }
        records.push(record);
    }
    records
}

/// One document's record, or `None` when the document is not a registration form.
pub fn record_for_document(
    doc: &Document,
    attachment: &str,
    ctx: &Context,
    due_by: chrono::NaiveDate,
) -> Option<NewRecord> {
    // An image attachment (source `none`) is a picture not read; a PDF's pages have no text.
    let scanned = || Finding::ScannedWithoutText {
        attachment: attachment.to_string(),
        picture: doc.source == Source::None,
    };
    match form::read(doc) {
        Some(answers) => {
            let mut validated = validate::validate(&answers, &ctx.rules);
            if doc.scanned_without_text {
                validated.add(scanned());
            }
            let mut detail = detail_json(&answers, &validated.fields, doc.source);
            add_flag_notes(&mut detail, &validated);
            Some(NewRecord {
                attachment: attachment.to_string(),
                source: doc.source,
                notes: validated.notes(),
                fields: validated.fields,
                flags: validated.flags,
                due_by,
                detail,
            })
        }
        None if doc.scanned_without_text => {
            Some(unread_record(attachment, doc.source, scanned(), due_by))
        }
        None => None,
    }
}

/// The record of a form that could not be read: empty fields (the yes/no ones too), the one
/// flag and its note.
pub fn unread_record(
    attachment: &str,
    source: Source,
    finding: Finding,
    due_by: chrono::NaiveDate,
) -> NewRecord {
    let validated = Validated::unread(finding);
    let mut detail = json!({});
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

/// Each flag's sentence under `flag_notes` in a record's detail, by flag code; for an
/// unreadable attachment also the typed reason (`unreadable`) a reply decides by.
fn add_flag_notes(detail: &mut serde_json::Value, validated: &Validated) {
    let by_flag: serde_json::Map<String, serde_json::Value> = validated
        .findings
        .iter()
        .map(|f| (f.flag().as_str().to_string(), json!(f.sentence())))
        .collect();
    if !by_flag.is_empty() {
        detail["flag_notes"] = serde_json::Value::Object(by_flag);
    }
    for finding in &validated.findings {
        if let Finding::UnreadableAttachment { why, .. } = finding {
            detail["unreadable"] = json!(why);
        }
    }
}

/// A field's JSON with where on the page it was read from, when known: `page` (1-based) and
/// `box` `[x0, y0, x1, y1]` in points from the page's top-left corner (y down), to 0.1 point.
fn located(
    mut field: serde_json::Value,
    place: Option<crate::extract::Place>,
) -> serde_json::Value {
    if let Some(p) = place {
        let r = |v: f32| (f64::from(v) * 10.0).round() / 10.0;
        field["page"] = json!(p.page);
        field["box"] = json!([r(p.x0), r(p.y0), r(p.x1), r(p.y1)]);
    }
    field
}

/// Per field: the value recorded, where it was read from (`source`, and on a page `page` and
/// `box`) and the raw text, for staff and `check --json`.
fn detail_json(
    answers: &Answers,
    fields: &validate::Fields,
    doc_source: Source,
) -> serde_json::Value {
    let src = |from_field: bool| -> &'static str {
        match (doc_source, from_field) {
            (Source::PdfForm, false) => Source::PdfText.as_str(),
            (s, _) => s.as_str(),
        }
    };
    // `answer`: the applicant's answer alone (without the question's words that `raw` can
    // hold), which a reply quotes.
    let text = |value: serde_json::Value, a: &Option<form::Answer>| match a {
        Some(a) => located(
            json!({"value": value, "source": src(a.from_field), "raw": a.raw, "answer": a.text}),
            a.place,
        ),
        None => json!({"value": value, "source": null, "raw": null, "answer": null}),
    };
    let tick = |value: serde_json::Value, t: &form::Tick| {
        if t.raw.is_empty() && t.ticked.is_none() {
            json!({"value": value, "source": null, "raw": null})
        } else {
            located(
                json!({"value": value, "source": src(t.from_field), "raw": t.raw}),
                t.place,
            )
        }
    };
    let yes_no = |b: Option<bool>| json!(validate::yes_no(b));
    let service_raw = [&answers.public_service, &answers.partner_service]
        .iter()
        .filter(|t| !t.raw.is_empty())
        .map(|t| t.raw.as_str())
        .collect::<Vec<_>>()
        .join(" | ");
    let service_from_field =
        answers.public_service.from_field || answers.partner_service.from_field;
    // Where the chosen option's mark is (else the first option's place).
    let options = [&answers.public_service, &answers.partner_service];
    let service_place = options
        .iter()
        .find(|t| t.ticked == Some(true) && t.place.is_some())
        .or_else(|| options.iter().find(|t| t.place.is_some()))
        .and_then(|t| t.place);
    json!({
        "fields": {
            "full_name": text(json!(fields.full_name), &answers.full_name),
            "organisation": text(json!(fields.organisation), &answers.organisation),
            "contact_email": text(json!(fields.contact_email), &answers.contact_email),
            "terms_accepted": tick(yes_no(fields.terms_accepted), &answers.terms),
            "service": if service_raw.is_empty() {
                json!({"value": fields.service.map(|s| s.as_str()).unwrap_or(""), "source": null, "raw": null})
            } else {
                located(json!({"value": fields.service.map(|s| s.as_str()).unwrap_or(""), "source": src(service_from_field), "raw": service_raw}), service_place)
            },
            "ip_allowlist": text(json!(fields.ip_allowlist), &answers.ip_allowlist),
            "expected_records_per_day": text(json!(fields.expected_records_per_day.map(|n| n.to_string()).unwrap_or_default()), &answers.expected_records),
            "expected_api_calls_per_day": text(json!(fields.expected_api_calls_per_day.map(|n| n.to_string()).unwrap_or_default()), &answers.expected_calls),
            "user_guide_agreed": tick(yes_no(fields.user_guide_agreed), &answers.user_guide),
        }
    })
}

/// Options for an archive ingest.
#[derive(Debug, Clone, Default)]
pub struct IngestOptions {
    pub reprocess: bool,
    /// Show a progress bar (stderr is a terminal).
    pub progress: bool,
}

/// Messages appended per ledger transaction during archive ingest. The archive is the durable
/// copy, so a kill loses at most an uncommitted batch, which the next run reads again.
const INGEST_BATCH: usize = 256;
/// How far readers may run ahead of the writer (bounds memory whatever one message costs).
const INGEST_WINDOW: usize = 128;
/// Most messages a reading thread takes at once (their attachments go to its worker process
/// together).
const LANE_GROUP: usize = 8;

/// Reads archives into the ledger: one thread reads messages in order, workers parse and read
/// forms in parallel, and this thread appends results to the ledger in archive order.
pub fn ingest(
    paths: &[std::path::PathBuf],
    ledger: &mut Ledger,
    ctx: &Context,
    opts: &IngestOptions,
) -> Result<Summary> {
    use crossbeam_channel::{bounded, unbounded};
    use std::collections::BTreeMap;

    // Without --reprocess: every key, to skip recorded messages before reading them. With it:
    // the content keys only, to find a message recorded under an earlier key.
    let known: HashSet<String> = if opts.reprocess {
        ledger
            .keys()?
            .into_iter()
            .filter(|k| k.starts_with("sha256:"))
            .collect()
    } else {
        ledger.keys()?
    };
    let mut sources = Vec::new();
    for path in paths {
        sources.push(
            crate::source::archive::open(path, ctx.limits.max_message_bytes)
                .with_context(|| format!("cannot read {}", path.display()))?,
        );
    }
    let workers = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(2)
        .clamp(1, 8);
    let progress = opts.progress.then(crate::cli::progress_bar);

    enum Item {
        Done(NewMessage),
        Skipped,
        Unreadable(String),
    }

    let mut summary = Summary::default();
    let mut stopped: Option<&'static str> = None;
    let outcome = std::thread::scope(|scope| -> Result<()> {
        let (raw_tx, raw_rx) = bounded::<(u64, Result<RawMessage>)>(workers * LANE_GROUP * 2);
        let (out_tx, out_rx) = unbounded::<(u64, Item)>();
        let (token_tx, token_rx) = bounded::<()>(INGEST_WINDOW);
        for _ in 0..INGEST_WINDOW {
            token_tx.send(()).ok();
        }
        let (stop_tx, stop_rx) = bounded::<()>(0);

        scope.spawn(move || {
            let mut seq = 0u64;
            for source in sources {
                for item in source {
                    if stop_requested().is_some() {
                        return;
                    }
                    // Wait for room in the window, or for the writer to give up.
                    crossbeam_channel::select! {
                        recv(token_rx) -> t => if t.is_err() { return; },
                        recv(stop_rx) -> _ => return,
                    }
                    if raw_tx.send((seq, item)).is_err() {
                        return;
                    }
                    seq += 1;
                }
            }
        });
        for _ in 0..workers {
            let raw_rx = raw_rx.clone();
            let out_tx = out_tx.clone();
            let known = &known;
            scope.spawn(move || {
                // Take what is waiting, up to a group: the group's attachments go to the
                // attachment worker in one exchange.
                while let Ok(first) = raw_rx.recv() {
                    if stop_requested().is_some() {
                        // Stopping: what is still queued is read again by the next run.
                        continue;
                    }
                    let mut group = vec![first];
                    while group.len() < LANE_GROUP
                        && let Ok(next) = raw_rx.try_recv()
                    {
                        group.push(next);
                    }
                    let mut outs: Vec<(u64, Item)> = Vec::with_capacity(group.len());
                    let mut to_finish: Vec<(u64, Parsed, Vec<usize>)> = Vec::new();
                    for (seq, item) in group {
                        match item {
                            Err(e) => outs.push((seq, Item::Unreadable(format!("{e:#}")))),
                            Ok(raw) => {
                                let mut parsed = parse_message(&raw, ctx);
                                parsed.adopt_recorded_key(|k| known.contains(k));
                                if !opts.reprocess && known.contains(&parsed.key) {
                                    outs.push((seq, Item::Skipped));
                                } else {
                                    let wanted = form_attachments(&parsed);
                                    to_finish.push((seq, parsed, wanted));
                                }
                            }
                        }
                    }
                    let reading: Vec<(&Parsed, &Vec<usize>)> =
                        to_finish.iter().map(|(_, p, w)| (p, w)).collect();
                    let documents = read_documents(&reading, ctx);
                    for ((seq, parsed, wanted), docs) in to_finish.into_iter().zip(documents) {
                        let done = finish_message_with(parsed, &wanted, docs, ctx);
                        outs.push((seq, Item::Done(done)));
                    }
                    for out in outs {
                        if out_tx.send(out).is_err() {
                            return;
                        }
                    }
                }
            });
        }
        drop(raw_rx);
        drop(out_tx);

        let mut pending: BTreeMap<u64, Item> = BTreeMap::new();
        let mut next = 0u64;
        let mut batch: Vec<NewMessage> = Vec::new();
        let mut last_commit = std::time::Instant::now();
        let mut flush = |batch: &mut Vec<NewMessage>, summary: &mut Summary| -> Result<()> {
            if batch.is_empty() {
                return Ok(());
            }
            // The ledger's error names the ledger and what failed.
            let results = ledger.append(batch, opts.reprocess)?;
            for (m, r) in batch.iter().zip(results) {
                summary.count(r);
                if let Appended::Added {
                    records,
                    needs_review,
                } = r
                {
                    tracing::debug!(key = %m.key, origin = %m.origin, records, needs_review, "Recorded message");
                }
            }
            batch.clear();
            Ok(())
        };
        let result = (|| -> Result<()> {
            for (seq, item) in out_rx.iter() {
                if let Some(signal) = stop_requested() {
                    stopped = Some(signal);
                    break;
                }
                pending.insert(seq, item);
                while let Some(item) = pending.remove(&next) {
                    next += 1;
                    token_tx.send(()).ok();
                    summary.messages_read += 1;
                    if let Some(bar) = &progress {
                        bar.inc(1);
                    }
                    match item {
                        Item::Done(m) => batch.push(m),
                        Item::Skipped => summary.skipped += 1,
                        Item::Unreadable(why) => {
                            summary.failed += 1;
                            tracing::error!(reason = %why, "Cannot read a message from the archive");
                        }
                    }
                    if batch.len() >= INGEST_BATCH || last_commit.elapsed().as_secs() >= 2 {
                        flush(&mut batch, &mut summary)?;
                        last_commit = std::time::Instant::now();
                    }
                }
            }
            flush(&mut batch, &mut summary)
        })();
        // Stopping: what was read in order is committed, the rest is read again next run.
        let result = result.and_then(|()| flush(&mut batch, &mut summary));
        if result.is_err() || stopped.is_some() {
            drop(stop_tx);
            drop(token_tx);
            // Drain so workers blocked on send can finish.
            for _ in out_rx.iter() {}
        }
        if let Some(bar) = &progress {
            bar.finish_and_clear();
        }
        result
    });
    // A signal may have stopped the reading before the writer saw it.
    let stopped = stopped.or_else(stop_requested);
    match (outcome, stopped) {
        (Err(e), _) => Err(e.context(Unfinished {
            summary,
            signal: None,
        })),
        (Ok(()), Some(signal)) => Err(anyhow::Error::new(Unfinished {
            summary,
            signal: Some(signal),
        })),
        (Ok(()), None) => Ok(summary),
    }
}

/// A run that ended before its end, with what it had done, so the summary line can still be
/// printed: stopped by a signal (`signal`), or failed (then this is the context of the error).
#[derive(Debug, Clone, Copy)]
pub struct Unfinished {
    pub summary: Summary,
    /// `SIGINT` or `SIGTERM`; `None` when the run failed.
    pub signal: Option<&'static str>,
}

impl std::fmt::Display for Unfinished {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.signal {
            Some(signal) => write!(f, "stopped by {signal}"),
            None => f.write_str("the run stopped early"),
        }
    }
}

impl std::error::Error for Unfinished {}

/// The stop signal received (its number), 0 when none.
static STOP_SIGNAL: std::sync::atomic::AtomicI32 = std::sync::atomic::AtomicI32::new(0);

/// Makes SIGINT and SIGTERM ask the archive ingest to stop after the messages in hand (they are
/// committed, the summary printed); a second signal stops the process at once.
pub fn stop_on_signals() {
    extern "C" fn on_signal(signal: libc::c_int) {
        use std::sync::atomic::Ordering;
        if STOP_SIGNAL.swap(signal, Ordering::SeqCst) != 0 {
            // SAFETY: signal() and raise() are async-signal-safe.
            unsafe {
                libc::signal(signal, libc::SIG_DFL);
                libc::raise(signal);
            }
        }
    }
    for signal in [libc::SIGINT, libc::SIGTERM] {
        // SAFETY: installs a handler that only stores to an atomic (or restores the default
        // and re-raises), which is async-signal-safe.
        unsafe {
            libc::signal(signal, on_signal as *const () as libc::sighandler_t);
        }
    }
}

/// The signal that asked the run to stop, if one did.
pub fn stop_requested() -> Option<&'static str> {
    match STOP_SIGNAL.load(std::sync::atomic::Ordering::SeqCst) {
        libc::SIGINT => Some("SIGINT"),
        libc::SIGTERM => Some("SIGTERM"),
        _ => None,
    }
}

/// What `check` reports for one file.
#[derive(Debug, Clone, serde::Serialize)]
pub struct CheckReport {
    pub file: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<serde_json::Value>,
    pub records: Vec<serde_json::Value>,
}

/// Reads one form document (.pdf, .docx, .odt) or one message (.eml), decided by content: one
/// report. An mbox holding one message is that message; use `check_path` for any mbox.
pub fn check_file(path: &Path, ctx: &Context) -> Result<CheckReport> {
    let mut reports = check_path(path, ctx)?;
    match reports.len() {
        1 => Ok(reports.remove(0)),
        n => anyhow::bail!("{} holds {n} messages, not one", path.display()),
    }
}

/// Reads a form document, a message or every message of an mbox, decided by content the way
/// `ingest` decides it (`archive::sniff_head`): one report per document or message. A file that
/// is neither a form document nor mail is an error, as `ingest` counts it.
pub fn check_path(path: &Path, ctx: &Context) -> Result<Vec<CheckReport>> {
    use crate::source::archive::{self, FileContent};
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let kind = mime::sniff(&bytes, "", &name);
    let is_document = matches!(
        kind,
        FileKind::Image
            | FileKind::Pdf
            | FileKind::Docx
            | FileKind::Odt
            | FileKind::Doc
            | FileKind::Rtf
            | FileKind::Tnef
    );
    if is_document {
        let att = mime::Attachment {
            filename: name.clone(),
            content_type: String::new(),
            kind,
            bytes,
        };
        let parsed = Parsed {
            key: String::new(),
            earlier_keys: Vec::new(),
            raw_sha256: String::new(),
            raw_size: 0,
            origin: String::new(),
            received_at: Utc::now().fixed_offset(),
            message: ParsedMessage {
                attachments: vec![att],
                ..Default::default()
            },
        };
        let records = finish_message(parsed, ctx).records;
        return Ok(vec![CheckReport {
            file: path.display().to_string(),
            message: None,
            records: records.iter().map(|r| record_json(r, false)).collect(),
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
            Ok(vec![message_report(path.display().to_string(), &raw, ctx)])
        }
        FileContent::Mbox => {
            let cap = ctx.limits.max_message_bytes.saturating_add(1);
            let reader = archive::MboxReader::new(&bytes[..], path.display().to_string(), cap);
            let mut reports = Vec::new();
            for (n, raw) in reader.enumerate() {
                let raw = raw?;
                let file = format!("{}#{}", path.display(), n + 1);
                reports.push(message_report(file, &raw, ctx));
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

/// What `check` reports for one message.
fn message_report(file: String, raw: &RawMessage, ctx: &Context) -> CheckReport {
    let m = process_message(raw, ctx);
    CheckReport {
        file,
        message: Some(json!({
            "message_id": m.message_id,
            "sender": m.sender,
            "subject": m.subject,
            // Canberra time, as every report shows it.
            "received_at": crate::canberra::rfc3339(&m.received_at),
        })),
        records: m.records.iter().map(|r| record_json(r, true)).collect(),
    }
}

/// A record as `check` shows it.
pub fn record_json(r: &NewRecord, with_due: bool) -> serde_json::Value {
    let status = if r.flags.is_empty() {
        "ok"
    } else {
        "needs_review"
    };
    let mut v = json!({
        "attachment": r.attachment,
        "source": r.source.as_str(),
        "status": status,
        "flags": r.flags.iter().map(|f| f.as_str()).collect::<Vec<_>>(),
    });
    // Every field, with the value recorded; where it was read from when the form was read.
    v["fields"] = match r.detail.get("fields") {
        Some(fields) => fields.clone(),
        None => {
            let f = &r.fields;
            let count = |n: Option<u64>| json!(n.map(|n| n.to_string()).unwrap_or_default());
            let unread =
                |value: serde_json::Value| json!({"value": value, "source": null, "raw": null});
            json!({
                "full_name": unread(json!(f.full_name)),
                "organisation": unread(json!(f.organisation)),
                "contact_email": unread(json!(f.contact_email)),
                "terms_accepted": unread(json!(validate::yes_no(f.terms_accepted))),
                "service": unread(json!(f.service.map(|s| s.as_str()).unwrap_or(""))),
                "ip_allowlist": unread(json!(f.ip_allowlist)),
                "expected_records_per_day": unread(count(f.expected_records_per_day)),
                "expected_api_calls_per_day": unread(count(f.expected_api_calls_per_day)),
                "user_guide_agreed": unread(json!(validate::yes_no(f.user_guide_agreed))),
            })
        }
    };
    v["notes"] = json!(r.notes);
    v["flag_notes"] = r.detail.get("flag_notes").cloned().unwrap_or(json!({}));
    if with_due {
        v["due_by"] = json!(r.due_by.to_string());
    }
    v
}
