//! Fuzz input bytes in → one pipeline stage run on them, output dropped. Shared by the
//! cargo-fuzz targets (`fuzz_targets/*.rs`) and `tests/suite/fuzz_replay.rs`, so a crash file
//! replays through exactly the code that found it. Every function must return for any input: a panic,
//! an abort or a hang is a finding.

#![allow(dead_code)]

use regintake::extract::{self, body, doc, docx, pdf, rtf, tnef};
use regintake::limits::Limits;
use regintake::{form, mime, validate};

/// The default limits, except that one input may not take much memory or time: a fuzzer runs
/// each input thousands of times, and the defaults are sized for real attachments.
pub fn limits() -> Limits {
    Limits {
        max_zip_entry_bytes: 8 << 20,
        max_zip_total_bytes: 16 << 20,
        max_pdf_stream_bytes: 8 << 20,
        ..Limits::default()
    }
}

/// A target's name and the function it runs.
pub type Target = (&'static str, fn(&[u8]));

/// Every target by its directory name under `fuzz/corpus/` and `fuzz/artifacts/`.
pub const TARGETS: [Target; 7] = [
    ("mime_parse", mime_parse),
    ("docx_read", docx_read),
    ("pdf_read", pdf_read),
    ("form_validate", form_validate),
    ("doc_read", doc_read),
    ("rtf_read", rtf_read),
    ("tnef_read", tnef_read),
];

pub fn mime_parse(data: &[u8]) {
    let limits = limits();
    let message = mime::parse(data, &limits);
    // The kind of each attachment is sniffed too: that reads zip directories.
    for att in &message.attachments {
        let _ = mime::sniff(&att.bytes, &att.content_type, &att.filename);
    }
}

pub fn docx_read(data: &[u8]) {
    let limits = limits();
    if let Ok(doc) = docx::read_docx(data, &limits) {
        read_and_validate(&doc);
    }
    if let Ok(doc) = docx::read_odt(data, &limits) {
        read_and_validate(&doc);
    }
}

pub fn pdf_read(data: &[u8]) {
    if let Ok(doc) = pdf::read(data, &limits()) {
        read_and_validate(&doc);
    }
}

/// A Word 97–2003 compound file → document → answers.
pub fn doc_read(data: &[u8]) {
    if let Ok(doc) = doc::read(data, &limits()) {
        read_and_validate(&doc);
    }
}

/// RTF → document → answers.
pub fn rtf_read(data: &[u8]) {
    if let Ok(doc) = rtf::read(data, &limits()) {
        read_and_validate(&doc);
    }
}

/// A winmail.dat → the files inside, each typed by its bytes.
pub fn tnef_read(data: &[u8]) {
    if let Ok(files) = tnef::unpack(data, &limits()) {
        for f in &files {
            let _ = mime::sniff(&f.bytes, &f.mime_tag, &f.filename);
        }
    }
}

/// Body text → document → form answers → validated fields and flags.
pub fn form_validate(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let doc = body::read(&text);
    read_and_validate(&doc);
}

fn read_and_validate(doc: &extract::Document) {
    if let Some(answers) = form::read(doc) {
        let _ = validate::validate(&answers, &validate::Rules::default());
    }
}
