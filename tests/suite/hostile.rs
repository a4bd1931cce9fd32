//! Hostile input in → no crash out. Two parts:
//! - worker processes: a reader that aborts, overflows its stack, runs out of memory or loops
//!   costs one worker (the attachment is recorded unreadable with the reason), never the caller.
//!   (The cost of the process round trip is a benchmark: `cargo bench --bench stages -- worker`.)
//! - the hostile mailbox (`scripts/make_hostile.py`): ingested by the real binary into a temp
//!   ledger: exit 0, every message has a row, hostile attachments are flagged, peak RSS < 1 GiB.

use crate::make_hostile;
use crate::support::csv::parse_csv;
use crate::support::failures;
use crate::support::measured::{Measured, measured};
use crate::support::{REGINTAKE, bin, files_in, ok, summary};

use make_hostile::{Expect, SURNAME};
use regintake::extract::{ReadOptions, Unreadable, worker};
use regintake::limits::Limits;
use regintake::mime::{Attachment, FileKind};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// A wrapper that runs the real binary with test faults switched on (debug builds only).
#[cfg(debug_assertions)]
fn faulty_worker_exe(dir: &Path) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let script = dir.join("regintake-faulty");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\nREGINTAKE_TEST_FAULTS=1 exec '{}' \"$@\"\n",
            REGINTAKE
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

/// Attachment reading through a worker program, with a deadline and a 512 MiB memory limit.
struct Workers {
    limits: Limits,
    /// OCR off: these tests are about the worker's failures (tests/suite/ocr.rs reads scans
    /// through workers).
    ocr: regintake::config::OcrSettings,
    exe: PathBuf,
    /// Where a faulty worker's wrapper lives, kept while the setup is used.
    _dir: Option<tempfile::TempDir>,
}

impl Workers {
    fn opts(&self) -> ReadOptions<'_> {
        ReadOptions {
            limits: &self.limits,
            worker_exe: Some(&self.exe),
            ocr: &self.ocr,
        }
    }
}

/// Workers that fail on request (`test_faults`).
#[cfg(debug_assertions)]
fn faulty_workers(deadline_ms: u64) -> Workers {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut workers = workers(faulty_worker_exe(dir.path()), deadline_ms);
    workers._dir = Some(dir);
    workers
}

fn workers(exe: PathBuf, deadline_ms: u64) -> Workers {
    Workers {
        limits: Limits {
            attachment_deadline_ms: deadline_ms,
            worker_memory_bytes: 512 << 20,
            ..Limits::default()
        },
        ocr: regintake::config::OcrSettings {
            enabled: regintake::config::OcrMode::Off,
            ..Default::default()
        },
        exe,
        _dir: None,
    }
}

#[test]
fn worker_gives_the_same_document_as_reading_in_process() {
    let setup = workers(REGINTAKE.into(), 20_000);
    let pdf = small_pdf();
    let att = attachment("form.pdf", FileKind::Pdf, &pdf);
    let in_process = regintake::extract::read_attachment(&att, &setup.limits);
    let via_worker = worker::read_attachment(&att, setup.opts());
    assert_eq!(via_worker, in_process);
    // Kinds that hold no form are answered without a worker, the same way.
    let png = attachment("x.png", FileKind::InlineImage, b"\x89PNG\r\n\x1a\n");
    assert_eq!(worker::read_attachment(&png, setup.opts()), Ok(None));
}

/// Attachments sent to a worker together: a child that dies or stalls on one costs that one
/// only; the ones before it keep their documents and the ones after it are read by a new child.
#[cfg(debug_assertions)]
#[test]
fn a_batch_blames_only_the_attachment_the_worker_failed_on() {
    let setup = faulty_workers(3_000);
    let pdf = small_pdf();
    let good = attachment("form.pdf", FileKind::Pdf, &pdf);
    let expected = regintake::extract::read_attachment(&good, &setup.limits);
    assert!(matches!(expected, Ok(Some(_))), "{expected:?}");
    let abort = attachment("regintake-fault-abort.pdf", FileKind::Pdf, &pdf);
    let sleep = attachment("regintake-fault-sleep.docx", FileKind::Docx, &pdf);
    // An image attachment: a candidate form the worker answers too (here with no text in it).
    let png = attachment("x.png", FileKind::Image, b"\x89PNG\r\n\x1a\n");
    let png_alone = worker::read_attachment(&png, setup.opts());
    let batch = [&good, &abort, &good, &png, &good, &sleep, &good, &good];
    let got = worker::read_attachments(&batch, setup.opts());
    assert_eq!(got.len(), batch.len());
    for (i, (att, result)) in batch.iter().zip(&got).enumerate() {
        match att.filename.as_str() {
            "form.pdf" => assert_eq!(result, &expected, "attachment {i}"),
            "x.png" => assert_eq!(result, &png_alone, "attachment {i}"),
            "regintake-fault-abort.pdf" => {
                let why = result.as_ref().expect_err("abort must fail");
                assert!(matches!(why, Unreadable::ReaderCrashed { .. }), "{why:?}");
                assert!(why.to_string().contains("crashed"), "{why}");
            }
            _ => {
                let why = result.as_ref().expect_err("sleep must fail");
                assert!(matches!(why, Unreadable::TimedOut { .. }), "{why:?}");
                assert!(why.to_string().contains("took longer than 3 s"), "{why}");
            }
        }
    }
}

#[cfg(debug_assertions)]
/// With OCR on, an attachment gets the OCR time only once the worker says OCR starts on it: a
/// PDF whose reader hangs before any OCR (a hostile PDF that is no scan) is stopped at the
/// attachment deadline; one whose OCR takes longer than that is answered; an OCR that hangs is
/// stopped at the attachment deadline plus the OCR time; and a kind OCR does not read is not
/// believed when it says so.
#[cfg(debug_assertions)]
#[test]
fn ocr_time_is_granted_only_once_ocr_starts() {
    let mut setup = faulty_workers(1_000);
    setup.ocr = regintake::config::OcrSettings {
        enabled: regintake::config::OcrMode::On,
        deadline_ms: 3_000,
        ..Default::default()
    };
    let pdf = small_pdf();
    let read = |name: &str, kind: FileKind| {
        let started = Instant::now();
        let got = worker::read_attachment(&attachment(name, kind, &pdf), setup.opts());
        println!("{name}: {got:?} after {:?}", started.elapsed());
        got
    };
    let timed_out = |deadline_ms: u64| {
        Err(Unreadable::TimedOut {
            deadline_ms,
            cpu: false,
        })
    };
    assert_eq!(
        read("regintake-fault-sleep.pdf", FileKind::Pdf),
        timed_out(1_000)
    );
    assert!(read("regintake-fault-ocr-slow.pdf", FileKind::Pdf).is_ok());
    assert_eq!(
        read("regintake-fault-ocr-sleep.pdf", FileKind::Pdf),
        timed_out(4_000)
    );
    assert_eq!(
        read("regintake-fault-ocr-slow.docx", FileKind::Docx),
        timed_out(1_000)
    );
}

#[cfg(debug_assertions)]
#[test]
fn worker_death_costs_one_attachment_not_the_caller() {
    use regintake::extract::Crash;
    let setup = faulty_workers(3_000);
    let pdf = small_pdf();
    let good = attachment("form.pdf", FileKind::Pdf, &pdf);
    let expected = regintake::extract::read_attachment(&good, &setup.limits);
    type KindCheck = fn(&Unreadable) -> bool;
    let cases: [(&str, &str, KindCheck); 6] = [
        ("regintake-fault-abort.pdf", "crashed (abort", |u| {
            *u == Unreadable::ReaderCrashed {
                crash: Crash::Signal {
                    signal: libc::SIGABRT,
                },
            }
        }),
        ("regintake-fault-stack.pdf", "stack overflow", |u| {
            *u == Unreadable::ReaderCrashed {
                crash: Crash::StackOverflow,
            }
        }),
        ("regintake-fault-memory.pdf", "ran out of memory", |u| {
            *u == Unreadable::OutOfMemory { limit_mib: 512 }
        }),
        ("regintake-fault-loop.pdf", "took longer than 3 s", |u| {
            matches!(
                u,
                Unreadable::TimedOut {
                    deadline_ms: 3_000,
                    ..
                }
            )
        }),
        ("regintake-fault-sleep.docx", "took longer than 3 s", |u| {
            *u == Unreadable::TimedOut {
                deadline_ms: 3_000,
                cpu: false,
            }
        }),
        ("regintake-fault-panic.pdf", "reader failed", |u| {
            matches!(u, Unreadable::ReaderFailed { .. })
        }),
    ];
    for (name, want, kind_is) in cases {
        let kind = if name.ends_with(".docx") {
            FileKind::Docx
        } else {
            FileKind::Pdf
        };
        let started = Instant::now();
        let got = worker::read_attachment(&attachment(name, kind, &pdf), setup.opts());
        let why = match got {
            Err(u) => u,
            Ok(d) => panic!("{name}: read as {d:?}"),
        };
        println!("{name}: {why:?} after {:?}", started.elapsed());
        assert!(kind_is(&why), "{name}: {why:?}");
        let reason = why.to_string();
        assert!(reason.contains(want), "{name}: {reason:?} lacks {want:?}");
        // The next attachment gets a fresh worker and is read normally.
        assert_eq!(
            worker::read_attachment(&good, setup.opts()),
            expected,
            "after {name}"
        );
    }
}

/// `regintake --db DB ingest MBOX`, measured; prints what it cost and asserts it exited 0.
fn ingest_measured(dir: &Path, db: &Path, mbox: &Path, what: &str) -> Measured {
    let mut ingest = bin();
    ingest.arg("--db").arg(db).arg("ingest").arg(mbox);
    let run = measured(&ingest, dir, Duration::from_secs(600));
    println!(
        "{what}: exit {:?}, wall {:.2?}, peak RSS {:.1} MiB",
        run.code,
        run.wall,
        run.peak_rss as f64 / f64::from(1 << 20)
    );
    assert_eq!(run.code, Some(0), "stderr: {}", run.stderr);
    run
}

/// PDFs that cost the most to lay out (thousands of annotations, a million tiny paths, text at
/// absurd coordinates, thousands of boxes over one another) are read within the default limits,
/// and the form printed on each still reads.
#[test]
fn costly_pdfs_are_read_within_the_limits() {
    let form = make_hostile::form_lines("Jane", "Hostile Test Agency");
    // The readers' own bounds (operations per page, things kept per page) must hold the cost,
    // not the wall-clock deadline, which a loaded machine or a debug build would reach first.
    let limits = Limits {
        attachment_deadline_ms: 600_000,
        ..Limits::default()
    };
    let mut problems = Vec::new();
    for (label, bytes) in make_hostile::costly_pdfs(&form) {
        let started = Instant::now();
        let doc = match regintake::extract::pdf::read(&bytes, &limits) {
            Ok(doc) => doc,
            Err(e) => {
                problems.push(format!("{label}: unreadable: {e}"));
                continue;
            }
        };
        let lines: usize = doc.lines.iter().map(|l| l.cells.len()).sum();
        println!("{label}: {lines} cells in {:.2?}", started.elapsed());
        let name = regintake::form::read(&doc)
            .and_then(|a| a.full_name)
            .map(|n| n.text)
            .unwrap_or_default();
        if !name.contains(SURNAME) {
            problems.push(format!("{label}: the form's name was not read ({name:?})"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn hostile_mailbox_is_ingested_without_a_crash() {
    let dir = tempfile::tempdir().expect("tempdir");
    let generated = Instant::now();
    let (mbox, messages) = make_hostile::write_hostile_mbox(dir.path()).expect("hostile mbox");
    let mbox_size = std::fs::metadata(&mbox).map(|m| m.len()).unwrap_or(0);
    println!(
        "hostile mbox: {} messages, {:.1} MB, generated in {:.1?}",
        messages.len(),
        mbox_size as f64 / 1e6,
        generated.elapsed()
    );
    let db = dir.path().join("ledger.db");
    let run = ingest_measured(dir.path(), &db, &mbox, "hostile ingest");
    assert!(
        run.peak_rss < 1 << 30,
        "peak RSS {} MiB is over 1 GiB",
        run.peak_rss >> 20
    );
    let counts = summary(&run.stderr);
    assert_eq!(
        counts[0],
        messages.len() as u64,
        "messages read: {}",
        run.stderr
    );
    assert_eq!(counts[4], 0, "messages failed: {}", run.stderr);

    let export = ok(crate::support::run(&db, &["export"]));
    let rows = parse_csv(&String::from_utf8_lossy(&export.stdout));
    let header = rows.first().expect("a header row");
    let col = |name: &str| {
        header
            .iter()
            .position(|c| c == name)
            .unwrap_or_else(|| panic!("no {name} column in {header:?}"))
    };
    let (mid, subject, source, name, flags) = (
        col("message_id"),
        col("subject"),
        col("source"),
        col("full_name"),
        col("flags"),
    );
    let body = &rows[1..];
    // Every message is checked before failing, so one run shows every stage that falls short.
    let mut problems = Vec::new();
    for m in &messages {
        let mine: Vec<&Vec<String>> = body
            .iter()
            .filter(|r| match &m.message_id {
                Some(id) => r.get(mid) == Some(id),
                None => {
                    r.get(mid).is_some_and(|c| c.is_empty())
                        && r.get(subject).is_some_and(|s| s.ends_with(m.label))
                }
            })
            .collect();
        let has_flag = |f: &str| mine.iter().any(|r| r[flags].split(';').any(|x| x == f));
        let read_as = |src: &str| {
            mine.iter()
                .any(|r| r[source] == src && r[name].contains(SURNAME))
        };
        let short = |r: &&Vec<String>| {
            format!("source={} name={:?} flags={}", r[source], r[name], r[flags])
        };
        let got: Vec<String> = mine.iter().map(short).collect();
        let fine = match m.expect {
            _ if mine.is_empty() => false,
            Expect::Unreadable => has_flag("unreadable_attachment"),
            Expect::DocxForm => read_as("docx"),
            Expect::BodyForm => read_as("body"),
            Expect::Row => true,
        };
        println!("  {:<40} {:?}: {got:?}", m.label, m.expect);
        if !fine {
            problems.push(format!("{}: expected {:?}, got {got:?}", m.label, m.expect));
        }
    }
    // NUL and other control characters (bar tab) never reach a recorded field.
    for r in body {
        for (i, cell) in r.iter().enumerate() {
            if cell.chars().any(|c| c.is_control() && c != '\t') {
                problems.push(format!(
                    "control character recorded in {}: {cell:?}",
                    header[i]
                ));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "hostile messages not handled as expected:\n{}",
        problems.join("\n")
    );
    // No hostile input may make a parser fail (panic), crash or exhaust memory: each is refused
    // with its reason.
    let failed = failures::ledger_failure_notes(&db);
    assert!(failed.is_empty(), "a reader failed: {failed:?}");
    // Entities are never expanded (billion laughs).
    let laughs = "lol".repeat(10);
    assert!(
        !body.iter().flatten().any(|cell| cell.contains(&laughs)),
        "an XML entity was expanded"
    );
}

/// A worker that runs out of memory is reported as out of memory whatever backtrace setting the
/// run inherited: with `RUST_BACKTRACE=full` a child would print a long backtrace after the
/// allocation failure (the run's own setting is not the worker's).
/// An mbox of one message per fault, each with `pdf` attached under the name that makes a test
/// worker fail that way (`regintake-fault-FAULT.pdf`); the file is left open for more.
#[cfg(debug_assertions)]
fn fault_mbox(path: &Path, pdf: &[u8], faults: &[&str]) -> std::fs::File {
    use make_hostile::{attachment_message, headers, write_mbox_message};
    let mut out = std::fs::File::create(path).expect("mbox");
    for (i, fault) in faults.iter().enumerate() {
        let name = format!("regintake-fault-{fault}.pdf");
        let body = attachment_message(pdf, &name, "application/pdf");
        let head = headers(Some(&format!("<fault-{fault}@regintake.test>")), fault, i);
        write_mbox_message(&mut out, &[head.as_bytes(), &body].concat()).expect("write");
    }
    out
}

#[cfg(debug_assertions)]
#[test]
fn out_of_memory_is_reported_as_such_with_backtraces_on() {
    let dir = tempfile::tempdir().expect("tempdir");
    let pdf = make_hostile::pdf(&make_hostile::form_lines("Jane", "Memory Agency"));
    let mbox = dir.path().join("oom.mbox");
    drop(fault_mbox(
        &mbox,
        &pdf,
        &["memory", "memory-deep", "memory-large"],
    ));
    let config = dir.path().join("regintake.toml");
    std::fs::write(&config, "[limits]\nworker_memory_bytes = 536870912\n").expect("config");
    let db = dir.path().join("ledger.db");
    let run = bin()
        .env("REGINTAKE_TEST_FAULTS", "1")
        .env("RUST_BACKTRACE", "full")
        .env("RUST_LIB_BACKTRACE", "full")
        .arg("--config")
        .arg(&config)
        .arg("--db")
        .arg(&db)
        .args(["ingest"])
        .arg(&mbox)
        .output()
        .expect("run regintake");
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(0), "stderr: {stderr}");
    let failed = failures::ledger_failure_notes(&db);
    assert_eq!(
        failed, ["reader ran out of memory (limit 512 MiB)"; 3],
        "{stderr}"
    );
}

/// Four messages whose body is one 62 MB line, just under the default 64 MiB message limit (as
/// plain text, HTML, base64 and quoted-printable): the main process reads a body only up to
/// `max_text_bytes` and holds at most 64 MiB of raw messages at once across its reading threads,
/// so the run's peak RSS (`wait4`) stays under 512 MiB. Before those bounds it was 1.3 GB.
#[test]
fn one_line_bodies_near_the_message_limit_stay_under_512_mib() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mbox = make_hostile::write_big_bodies_mbox(dir.path(), 4, make_hostile::BIG_BODY_BYTES)
        .expect("write the mbox");
    let db = dir.path().join("ledger.db");
    let run = ingest_measured(dir.path(), &db, &mbox, "one-line bodies");
    assert_eq!(summary(&run.stderr)[..1], [4], "{}", run.stderr);
    assert!(
        run.peak_rss < 512 << 20,
        "peak RSS {} MiB is over 512 MiB",
        run.peak_rss >> 20
    );
    // Each message is recorded, saying its body was not read to the end.
    let conn = rusqlite::Connection::open(&db).expect("ledger");
    let notes: Vec<String> = conn
        .prepare("SELECT detail FROM records")
        .and_then(|mut q| q.query_map([], |r| r.get(0))?.collect())
        .expect("records");
    assert_eq!(notes.len(), 4);
    for note in notes {
        assert!(
            note.contains("bytes of text: the rest was not read"),
            "{note}"
        );
    }
}

/// End to end through the CLI: workers that abort, overflow, run out of memory or loop while
/// `regintake ingest` runs cost only their attachment; the run exits 0, later attachments are
/// read, and with `--log-format json` every log line stays JSON (child stderr included).
#[cfg(debug_assertions)]
#[test]
fn cli_ingest_survives_worker_crashes() {
    use make_hostile::{attachment_message, headers, write_mbox_message};
    let dir = tempfile::tempdir().expect("tempdir");
    let form = make_hostile::form_lines("Jane", "Crash Test Agency");
    let pdf = make_hostile::pdf(&form);
    let docx = make_hostile::docx(&form);
    let mbox = dir.path().join("faults.mbox");
    let faults = ["abort", "stack", "memory", "loop", "panic"];
    let mut out = fault_mbox(&mbox, &pdf, &faults);
    let body = attachment_message(&docx, "form.docx", make_hostile::DOCX_TYPE);
    let head = headers(Some("<fault-none@regintake.test>"), "after the faults", 9);
    write_mbox_message(&mut out, &[head.as_bytes(), &body].concat()).expect("write");
    drop(out);
    let config = dir.path().join("regintake.toml");
    std::fs::write(
        &config,
        "[limits]\nattachment_deadline_ms = 2000\nworker_memory_bytes = 536870912\n",
    )
    .expect("config");
    let db = dir.path().join("ledger.db");
    let run = bin()
        .env("REGINTAKE_TEST_FAULTS", "1")
        .arg("--config")
        .arg(&config)
        .arg("--db")
        .arg(&db)
        .args(["-v", "--log-format", "json", "ingest"])
        .arg(&mbox)
        .output()
        .expect("run regintake");
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(0), "stderr: {stderr}");
    for line in stderr.lines().filter(|l| !l.starts_with("regintake:")) {
        assert!(
            serde_json::from_str::<serde_json::Value>(line).is_ok(),
            "log line is not JSON: {line:?}"
        );
    }
    let warnings = stderr
        .lines()
        .filter(|l| l.contains("Attachment worker failed"))
        .count();
    assert_eq!(
        warnings,
        faults.len() - 1,
        "one warning per dead worker: {stderr}"
    );
    assert!(
        stderr.contains("test fault: panic"),
        "the worker's panic message is logged at debug"
    );
    let export = bin()
        .arg("--db")
        .arg(&db)
        .arg("export")
        .output()
        .expect("export");
    let rows = parse_csv(&String::from_utf8_lossy(&export.stdout));
    let header = &rows[0];
    let col = |n: &str| header.iter().position(|c| c == n).expect("column");
    let (mid, flags, source) = (col("message_id"), col("flags"), col("source"));
    for fault in faults {
        let id = format!("<fault-{fault}@regintake.test>");
        let row = rows
            .iter()
            .find(|r| r[mid] == id)
            .unwrap_or_else(|| panic!("no row for {fault}"));
        assert!(
            row[flags].split(';').any(|f| f == "unreadable_attachment"),
            "{fault}: {row:?}"
        );
    }
    let good = rows
        .iter()
        .find(|r| r[mid] == "<fault-none@regintake.test>")
        .expect("row for the good form");
    assert_eq!(good[source], "docx", "{good:?}");
    // What the hostile-input tests look for: these faults leave exactly such notes (the loop
    // one says it took too long).
    let mut failed = failures::ledger_failure_notes(&db);
    failed.sort();
    assert_eq!(
        failed,
        [
            "reader crashed (abort, signal 6)",
            "reader crashed (stack overflow)",
            "reader failed: test fault: panic",
            "reader ran out of memory (limit 512 MiB)",
        ],
    );
}

/// The hostile .doc, RTF and winmail.dat inputs (`scripts/make_formats_hostile.py`: FAT chains
/// that loop or all point at one sector, a looping DIFAT, a 4 GB stream, a lying FIB, RTF
/// nested 100,000 deep, a 4 GB `\\bin`, a TNEF length of 4 GB, four billion MAPI properties,
/// 20,000 attributes, winmail.dat nested ten deep) read through real worker processes: each
/// is answered (a document, or unreadable with a reason that is not a crash, a timeout or
/// running out of memory), and the damaged compound files are refused.
#[test]
fn hostile_doc_rtf_and_winmail_dat_are_answered_not_crashed_on() {
    let setup = workers(REGINTAKE.into(), 20_000);
    let corpus = crate::support::repo("fuzz/corpus");
    let mut seen = 0;
    for (dir, kind) in [
        ("doc_read", FileKind::Doc),
        ("rtf_read", FileKind::Rtf),
        ("tnef_read", FileKind::Tnef),
    ] {
        let files = files_in(&corpus, &[dir]).into_iter().filter(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("hostile-"))
        });
        for file in files {
            let bytes = std::fs::read(&file).expect("read");
            let name = file
                .file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned();
            let att = attachment(&name, kind, &bytes);
            let answer = worker::read_attachment(&att, setup.opts());
            if let Err(why) = &answer {
                assert!(
                    !matches!(
                        why,
                        Unreadable::ReaderCrashed { .. }
                            | Unreadable::TimedOut { .. }
                            | Unreadable::OutOfMemory { .. }
                            | Unreadable::NoAnswer
                    ),
                    "{name}: {why}"
                );
            }
            let damaged_compound_file = kind == FileKind::Doc
                && ["fat-", "difat", "dir-4gb", "truncated", "header-only"]
                    .iter()
                    .any(|k| name.contains(k));
            if damaged_compound_file {
                assert!(
                    matches!(answer, Err(Unreadable::Malformed { .. })),
                    "{name}: {answer:?}"
                );
            }
            seen += 1;
        }
    }
    assert!(seen >= 15, "only {seen} hostile inputs found");
}
