//! Hostile input in → no crash out. Two parts:
//! - worker processes: a reader that aborts, overflows its stack, runs out of memory or loops
//!   costs one worker (the attachment is recorded unreadable with the reason), never the caller;
//!   and the per-attachment cost of the process round trip, printed.
//! - the hostile mailbox (`scripts/make_hostile.py`): ingested by the real binary into a temp
//!   ledger: exit 0, every message has a row, hostile attachments are flagged, peak RSS < 1 GiB.

use regintake::extract::worker;
use regintake::limits::Limits;
use regintake::mime::{Attachment, FileKind};
use regintake::pipeline::Context;
use std::path::{Path, PathBuf};
use std::time::Instant;

fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_regintake"))
}

/// A wrapper that runs the real binary with test faults switched on (debug builds only).
fn faulty_worker_exe(dir: &Path) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let script = dir.join("regintake-faulty");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\nREGINTAKE_TEST_FAULTS=1 exec '{}' \"$@\"\n",
            bin().display()
        ),
    )
    .expect("write wrapper");
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    script
}

fn attachment(name: &str, kind: FileKind, bytes: &[u8]) -> Attachment {
    Attachment {
        filename: name.to_string(),
        content_type: String::new(),
        kind,
        bytes: bytes.to_vec(),
    }
}

/// A tiny, valid one-page PDF with a line of text.
fn small_pdf() -> Vec<u8> {
    let content = b"BT /F1 12 Tf 72 720 Td (Full name: Jane Citizen) Tj ET";
    let objs = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>".to_string(),
        format!("<< /Length {} >>\nstream\n{}\nendstream", content.len(), String::from_utf8_lossy(content)),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_string(),
    ];
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, o) in objs.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{}\nendobj\n", i + 1, o).as_bytes());
    }
    let xref = out.len();
    out.extend_from_slice(format!("xref\n0 {}\n0000000000 65535 f \n", objs.len() + 1).as_bytes());
    for off in offsets {
        out.extend_from_slice(format!("{off:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objs.len() + 1
        )
        .as_bytes(),
    );
    out
}

fn worker_ctx(exe: PathBuf, deadline_ms: u64) -> Context {
    Context {
        limits: Limits {
            attachment_deadline_ms: deadline_ms,
            worker_memory_bytes: 512 << 20,
            ..Limits::default()
        },
        worker_exe: Some(exe),
        ..Context::default()
    }
}

#[test]
fn worker_gives_the_same_document_as_reading_in_process() {
    let ctx = worker_ctx(bin(), 20_000);
    let pdf = small_pdf();
    let att = attachment("form.pdf", FileKind::Pdf, &pdf);
    let in_process = regintake::extract::read_attachment(&att, &ctx.limits);
    let via_worker = worker::read_attachment(&att, &ctx);
    assert_eq!(via_worker, in_process);
    // Kinds that hold no form are answered without a worker, the same way.
    let png = attachment("x.png", FileKind::Image, b"\x89PNG\r\n\x1a\n");
    assert_eq!(worker::read_attachment(&png, &ctx), Ok(None));
}

#[cfg(debug_assertions)]
#[test]
fn worker_death_costs_one_attachment_not_the_caller() {
    let dir = tempfile::tempdir().expect("tempdir");
    let ctx = worker_ctx(faulty_worker_exe(dir.path()), 3_000);
    let pdf = small_pdf();
    let good = attachment("form.pdf", FileKind::Pdf, &pdf);
    let expected = regintake::extract::read_attachment(&good, &ctx.limits);
    let cases = [
        ("regintake-fault-abort.pdf", "crashed"),
        ("regintake-fault-stack.pdf", "stack overflow"),
        ("regintake-fault-memory.pdf", "ran out of memory"),
        ("regintake-fault-loop.pdf", "took longer than 3 s"),
        ("regintake-fault-sleep.docx", "took longer than 3 s"),
        ("regintake-fault-panic.pdf", "reader failed"),
    ];
    for (name, want) in cases {
        let kind = if name.ends_with(".docx") {
            FileKind::Docx
        } else {
            FileKind::Pdf
        };
        let started = Instant::now();
        let got = worker::read_attachment(&attachment(name, kind, &pdf), &ctx);
        let reason = match got {
            Err(u) => u.0,
            Ok(d) => panic!("{name}: read as {d:?}"),
        };
        println!("{name}: {reason:?} after {:?}", started.elapsed());
        assert!(reason.contains(want), "{name}: {reason:?} lacks {want:?}");
        // The next attachment gets a fresh worker and is read normally.
        assert_eq!(
            worker::read_attachment(&good, &ctx),
            expected,
            "after {name}"
        );
    }
}

#[test]
fn worker_round_trip_overhead() {
    let ctx = worker_ctx(bin(), 20_000);
    let pdf = small_pdf();
    let att = attachment("form.pdf", FileKind::Pdf, &pdf);
    // Warm up: the first call spawns the worker.
    let spawn_started = Instant::now();
    let first = worker::read_attachment(&att, &ctx);
    let spawn = spawn_started.elapsed();
    let n = 200u32;
    let started = Instant::now();
    for _ in 0..n {
        assert_eq!(worker::read_attachment(&att, &ctx), first);
    }
    let via_worker = started.elapsed() / n;
    let started = Instant::now();
    for _ in 0..n {
        assert_eq!(
            regintake::extract::read_attachment(&att, &ctx.limits),
            first
        );
    }
    let in_process = started.elapsed() / n;
    println!(
        "worker overhead: first call (spawn + read) {spawn:?}; per attachment {via_worker:?} via worker vs {in_process:?} in process ({} byte PDF)",
        pdf.len()
    );
}
