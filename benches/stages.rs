//! Fixture files in (fixtures/mail, fixtures/forms) → criterion timings out, one benchmark per
//! pipeline stage: MIME parse, DOCX/ODT read, PDF text, PDF form, answers, validation, the whole
//! `process_message`, and the attachment worker-process round trip (and a worker's start).
//!
//! `cargo bench --bench stages` (all), `cargo bench --bench stages -- pdf` (a filter). A fixture
//! that is missing skips its benchmark with a note instead of failing the run.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use regintake::extract::{self, Document};
use regintake::form;
use regintake::limits::Limits;
use regintake::mime::{self, Attachment};
use regintake::pipeline::{self, Pipeline};
use regintake::source::RawMessage;
use regintake::validate::{self, Rules};
use std::hint::black_box;
use std::path::PathBuf;

/// Mail: a DOCX attachment, a printed PDF, a fillable PDF, a body form, a forward.
const MAIL: &[&str] = &[
    "m01_docx_attachment.eml",
    "m28_printed_pdf_cgnat.eml",
    "m20_fillable_pdf.eml",
    "m08_body_plain_text_form.eml",
    "m11_forward_as_attachment.eml",
];
const DOCX: &str = "docx_table_glyphs.docx";
const DOCX_CONTROLS: &str = "docx_word_content_controls.docx";
const ODT: &str = "odt_official_range.odt";
const PDF_PRINTED: &str = "pdf_printed_table_cgnat.pdf";
const PDF_FILLABLE: &str = "pdf_acroform_named_fields.pdf";
/// AES-256 (R6) encrypted, empty user password: readable, after the password hashing.
const PDF_OWNER_PASSWORD: &str = "pdf_acroform_owner_password.pdf";
/// AES-256 (R6) encrypted with a user password: unreadable, recorded as such.
const PDF_USER_PASSWORD: &str = "pdf_acroform_user_password.pdf";
const PDF_SCAN: &str = "pdf_scan_image_only.pdf";

fn fixture(dir: &str, name: &str) -> Option<Vec<u8>> {
    let path: PathBuf = [env!("CARGO_MANIFEST_DIR"), "fixtures", dir, name]
        .iter()
        .collect();
    match std::fs::read(&path) {
        Ok(bytes) => Some(bytes),
        Err(e) => {
            eprintln!("stages: skipping {}: {e}", path.display());
            None
        }
    }
}

fn raw_message(name: &str) -> Option<RawMessage> {
    Some(RawMessage {
        bytes: fixture("mail", name)?,
        origin: format!("file:{name}"),
        internal_date: None,
    })
}

fn attachment(name: &str) -> Option<Attachment> {
    let bytes = fixture("forms", name)?;
    let kind = mime::sniff(&bytes, "", name);
    Some(Attachment {
        filename: name.to_string(),
        content_type: String::new(),
        kind,
        bytes,
    })
}

/// The document a form file reads to, for the stages after extraction.
fn document(name: &str) -> Option<Document> {
    let att = attachment(name)?;
    match extract::read_attachment(&att, &Limits::default()) {
        Ok(Some(doc)) => Some(doc),
        other => {
            eprintln!("stages: {name} gives no document ({other:?}); its benchmarks are skipped");
            None
        }
    }
}

fn mime_parse(c: &mut Criterion) {
    let limits = Limits::default();
    let mut g = c.benchmark_group("mime_parse");
    for name in MAIL {
        let Some(raw) = raw_message(name) else {
            continue;
        };
        g.throughput(Throughput::Bytes(raw.bytes.len() as u64));
        g.bench_function(*name, |b| {
            b.iter(|| mime::parse(black_box(&raw.bytes), &limits))
        });
        // mail-parser by itself on the same bytes: what `mime::parse` adds on top of it.
        let parser = mail_parser::MessageParser::default();
        g.bench_function(format!("mail_parser_only/{name}"), |b| {
            b.iter(|| {
                parser
                    .parse(black_box(&raw.bytes[..]))
                    .map(|m| m.parts.len())
            })
        });
    }
    g.finish();
}

fn extract_stage(c: &mut Criterion) {
    let limits = Limits::default();
    let mut g = c.benchmark_group("extract");
    for (label, name) in [
        ("docx_read", DOCX),
        ("docx_read_content_controls", DOCX_CONTROLS),
        ("odt_read", ODT),
        ("pdf_text", PDF_PRINTED),
        ("pdf_form", PDF_FILLABLE),
        ("pdf_form_owner_password", PDF_OWNER_PASSWORD),
        ("pdf_user_password", PDF_USER_PASSWORD),
        ("pdf_scan", PDF_SCAN),
    ] {
        let Some(att) = attachment(name) else {
            continue;
        };
        g.throughput(Throughput::Bytes(att.bytes.len() as u64));
        g.bench_function(label, |b| {
            b.iter(|| match att.kind {
                mime::FileKind::Pdf => extract::pdf::read(black_box(&att.bytes), &limits),
                mime::FileKind::Odt => extract::docx::read_odt(black_box(&att.bytes), &limits),
                _ => extract::docx::read_docx(black_box(&att.bytes), &limits),
            })
        });
    }
    g.finish();
}

/// The same attachment read in this process and through a worker process (`regintake worker`
/// over a pipe; the worker is started once per thread and reused, as during an ingest).
fn worker_round_trip(c: &mut Criterion) {
    let in_process = Pipeline::default();
    let isolated = Pipeline {
        worker_exe: Some(PathBuf::from(env!("CARGO_BIN_EXE_regintake"))),
        ..Pipeline::default()
    };
    let mut g = c.benchmark_group("worker");
    for name in [DOCX, PDF_PRINTED] {
        let Some(att) = attachment(name) else {
            continue;
        };
        g.bench_function(format!("in_process/{name}"), |b| {
            b.iter(|| extract::worker::read_attachment(black_box(&att), in_process.read_options()))
        });
        g.bench_function(format!("worker_process/{name}"), |b| {
            b.iter(|| extract::worker::read_attachment(black_box(&att), isolated.read_options()))
        });
        // A thread's first attachment starts its worker: each iteration on a new thread, timed
        // there, is the start of a worker plus one read (what a worker that died costs).
        g.bench_function(format!("worker_start_and_read/{name}"), |b| {
            b.iter_custom(|iters| {
                (0..iters)
                    .map(|_| {
                        std::thread::scope(|s| {
                            s.spawn(|| {
                                let started = std::time::Instant::now();
                                let _ = black_box(extract::worker::read_attachment(
                                    black_box(&att),
                                    isolated.read_options(),
                                ));
                                started.elapsed()
                            })
                            .join()
                            .expect("worker thread")
                        })
                    })
                    .sum()
            })
        });
    }
    g.finish();
}

fn answers_and_validation(c: &mut Criterion) {
    let rules = Rules::default();
    let mut g = c.benchmark_group("form");
    for (label, name) in [
        ("docx", DOCX),
        ("pdf_text", PDF_PRINTED),
        ("pdf_form", PDF_FILLABLE),
    ] {
        let Some(doc) = document(name) else {
            continue;
        };
        g.bench_function(format!("answers/{label}"), |b| {
            b.iter(|| form::read(black_box(&doc)))
        });
        if let Some(answers) = form::read(&doc) {
            g.bench_function(format!("validate/{label}"), |b| {
                b.iter(|| validate::validate(black_box(&answers), &rules))
            });
        } else {
            eprintln!("stages: {name} reads as no form; validate/{label} skipped");
        }
    }
    if let Some(raw) = raw_message("m08_body_plain_text_form.eml") {
        let body = mime::parse(&raw.bytes, &Limits::default()).body_text;
        let doc = extract::body::read(&body);
        g.bench_function("answers/body", |b| b.iter(|| form::read(black_box(&doc))));
    }
    g.finish();
}

fn whole_message(c: &mut Criterion) {
    let ctx = Pipeline::default();
    let mut g = c.benchmark_group("process_message");
    for name in MAIL {
        let Some(raw) = raw_message(name) else {
            continue;
        };
        g.throughput(Throughput::Elements(1));
        g.bench_function(*name, |b| b.iter(|| ctx.process(black_box(&raw))));
    }
    g.finish();
}

/// SHA-256 as the pipeline uses it (every message, every form attachment): is it a real cost?
fn hashing(c: &mut Criterion) {
    let mut g = c.benchmark_group("hash");
    let buffer: Vec<u8> = (0..1u32 << 20).map(|i| (i % 251) as u8).collect();
    g.throughput(Throughput::Bytes(buffer.len() as u64));
    g.bench_function("sha256_hex/1MiB", |b| {
        b.iter(|| pipeline::sha256_hex(black_box(&buffer)))
    });
    g.finish();
}

criterion_group! {
    name = stages;
    // Short runs: the machine is shared; the numbers are for finding where time goes.
    config = Criterion::default()
        .warm_up_time(std::time::Duration::from_millis(500))
        .measurement_time(std::time::Duration::from_secs(2))
        .sample_size(30);
    targets = hashing, mime_parse, extract_stage, answers_and_validation, whole_message, worker_round_trip
}
criterion_main!(stages);
