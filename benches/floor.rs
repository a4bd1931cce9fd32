//! An mbox path in → one JSON line of timings out: the "floor" (work no ingest can avoid: read the
//! archive's bytes, split it into messages, MIME-parse every message with mail-parser alone, hash
//! every message) and the cost of each regintake stage summed over the whole archive, measured
//! one stage at a time on one thread: archive reader, `mime::parse`, SHA-256, attachment reading
//! (in process), `form::read`, `validate::validate`, the rest of `finish_message`, and
//! `Ledger::append` in batches of 256 into a fresh ledger. Times are this thread's CPU time
//! (the machine is shared; wall time would count waiting for a core), except the all-cores run.
//!
//! Run by `scripts/bench.sh` as `cargo bench --bench floor -- ARCHIVE.mbox`.

// The same allocator as the regintake binary, so stage costs add up to what an ingest spends.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use regintake::extract;
use regintake::form;
use regintake::ledger::Ledger;
use regintake::limits::Limits;
use regintake::mime::{self, FileKind};
use regintake::pipeline::{self, Pipeline};
use regintake::source::RawMessage;
use regintake::validate;
use sha2::{Digest, Sha256};
use std::hint::black_box;
use std::io::BufReader;
use std::time::{Duration, Instant};

/// MIME-parses one message and touches what an ingest needs (headers, every part's decoded body).
fn parse(parser: &mail_parser::MessageParser, raw: &[u8]) -> usize {
    match parser.parse(raw) {
        Some(message) => {
            let mut bytes = message.subject().map_or(0, str::len);
            for part in &message.parts {
                bytes += part.contents().len();
            }
            bytes + message.attachment_count()
        }
        None => 0,
    }
}

/// This thread's CPU time: stage costs measured this way hold even when other programs share the
/// machine (wall time would count the time this thread waited for a core).
fn cpu_now() -> Duration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime writes one timespec through a valid pointer.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    if rc != 0 {
        return Duration::ZERO;
    }
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

/// A stopwatch on this thread's CPU time.
struct CpuTimer(Duration);

impl CpuTimer {
    fn start() -> CpuTimer {
        CpuTimer(cpu_now())
    }
    fn elapsed(&self) -> Duration {
        cpu_now().saturating_sub(self.0)
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

fn secs(d: Duration) -> f64 {
    (d.as_secs_f64() * 1e6).round() / 1e6
}

fn main() {
    let Some(path) = std::env::args().skip(1).find(|a| !a.starts_with("--")) else {
        eprintln!("usage: cargo bench --bench floor -- ARCHIVE.mbox");
        std::process::exit(2);
    };
    let parser = mail_parser::MessageParser::default();

    let started = CpuTimer::start();
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("floor: cannot read {path}: {e}");
            std::process::exit(1);
        }
    };
    let read_s = started.elapsed().as_secs_f64();

    let started = CpuTimer::start();
    let messages: Vec<Vec<u8>> =
        mail_parser::mailbox::mbox::MessageIterator::new(BufReader::new(&bytes[..]))
            .filter_map(Result::ok)
            .map(|m| m.unwrap_contents())
            .collect();
    let split_s = started.elapsed().as_secs_f64();

    let started = CpuTimer::start();
    let mut touched = 0usize;
    for m in &messages {
        touched += parse(&parser, black_box(m));
    }
    let parse_s = started.elapsed().as_secs_f64();

    let started = CpuTimer::start();
    for m in &messages {
        touched += parse(&parser, black_box(m));
        touched += Sha256::digest(m)[0] as usize;
    }
    let parse_hash_s = started.elapsed().as_secs_f64();

    // The same over all cores (the ingest's workers), each thread taking every other message.
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(2);
    let started = Instant::now();
    std::thread::scope(|s| {
        for t in 0..threads {
            let messages = &messages;
            let parser = &parser;
            s.spawn(move || {
                let mut sum = 0usize;
                for m in messages.iter().skip(t).step_by(threads) {
                    sum += parse(parser, black_box(m));
                    sum += Sha256::digest(m)[0] as usize;
                }
                black_box(sum)
            });
        }
    });
    let parallel_s = started.elapsed().as_secs_f64();
    black_box(touched);

    // regintake's stages, one at a time, over the archive as its own reader yields it.
    let limits = Limits::default();
    // OCR off: the stages measured are the same work on every version (scans cost seconds a
    // page with OCR on; scripts/bench.sh BENCH_OCR=1 measures that on its own).
    let ctx = Pipeline {
        ocr: regintake::config::OcrSettings {
            enabled: regintake::config::OcrMode::Off,
            ..Default::default()
        },
        ..Pipeline::default()
    };
    let started = CpuTimer::start();
    let raws: Vec<RawMessage> = match regintake::source::archive::open(
        std::path::Path::new(&path),
        limits.max_message_bytes,
    ) {
        Ok(iter) => iter.filter_map(Result::ok).collect(),
        Err(e) => {
            eprintln!("floor: regintake cannot open the archive: {e:#}");
            Vec::new()
        }
    };
    let reader_s = started.elapsed();

    let (mut mime_t, mut sha_t, mut extract_t, mut form_t, mut validate_t, mut finish_t) =
        Default::default();
    let mut attachments_read = 0usize;
    let mut by_kind: std::collections::BTreeMap<&str, (usize, Duration)> = Default::default();
    let mut bodies_read = 0usize;
    let mut done = Vec::with_capacity(raws.len());
    for raw in &raws {
        let t = CpuTimer::start();
        black_box(pipeline::sha256_hex(&raw.bytes));
        sha_t += t.elapsed();
        let t = CpuTimer::start();
        let parsed = mime::parse(&raw.bytes, &limits);
        mime_t += t.elapsed();

        let mut documents = Vec::new();
        for att in &parsed.attachments {
            if !matches!(
                att.kind,
                FileKind::Pdf | FileKind::Docx | FileKind::Odt | FileKind::Doc
            ) {
                continue;
            }
            let t = CpuTimer::start();
            if let Ok(Some(doc)) = extract::read_attachment_with(att, &limits, &ctx.ocr) {
                documents.push(doc);
            }
            let took = t.elapsed();
            extract_t += took;
            attachments_read += 1;
            let kind = match att.kind {
                FileKind::Pdf if contains(&att.bytes, b"/Encrypt") => "pdf_encrypted",
                FileKind::Pdf => "pdf",
                FileKind::Docx => "docx",
                FileKind::Odt => "odt",
                _ => "doc",
            };
            let entry = by_kind.entry(kind).or_insert((0usize, Duration::ZERO));
            entry.0 += 1;
            entry.1 += took;
        }
        if documents.is_empty() && !parsed.body_text.trim().is_empty() {
            let t = CpuTimer::start();
            documents.push(extract::body::read(&parsed.body_text));
            extract_t += t.elapsed();
            bodies_read += 1;
        }
        for doc in &documents {
            let t = CpuTimer::start();
            let answers = form::read(doc);
            form_t += t.elapsed();
            if let Some(answers) = answers {
                let t = CpuTimer::start();
                black_box(validate::validate(&answers, &ctx.rules));
                validate_t += t.elapsed();
            }
        }
        // The whole message once more through the pipeline, for the ledger below and to see
        // what the stages above leave out (record assembly, due date, detail JSON).
        let t = CpuTimer::start();
        done.push(ctx.process(raw).recorded());
        finish_t += t.elapsed();
    }

    let dir = std::env::temp_dir().join(format!("regintake-floor-{}", std::process::id()));
    let ledger_t = std::fs::create_dir_all(&dir)
        .map_err(anyhow::Error::from)
        .and_then(|_| Ledger::open(&dir.join("floor.db")))
        .and_then(|mut ledger| {
            let t = CpuTimer::start();
            for batch in done.chunks(256) {
                ledger.append(batch, false)?;
            }
            Ok(t.elapsed())
        });
    let _ = std::fs::remove_dir_all(&dir);
    let ledger_s = match ledger_t {
        Ok(t) => Some(secs(t)),
        Err(e) => {
            eprintln!("floor: ledger append failed: {e:#}");
            None
        }
    };

    println!(
        "{}",
        serde_json::json!({
            "archive": path,
            "archive_bytes": bytes.len(),
            "messages": messages.len(),
            "read_s": read_s,
            "split_s": split_s,
            "parse_s": parse_s,
            "parse_hash_s": parse_hash_s,
            "threads": threads,
            "parse_hash_parallel_s": parallel_s,
            "stages": {
                "messages": raws.len(),
                "form_attachments": attachments_read,
                "bodies": bodies_read,
                "archive_reader_s": secs(reader_s),
                "sha256_s": secs(sha_t),
                "mime_parse_s": secs(mime_t),
                "extract_s": secs(extract_t),
                "form_read_s": secs(form_t),
                "validate_s": secs(validate_t),
                "process_message_s": secs(finish_t),
                "ledger_append_s": ledger_s,
                "extract_by_kind": by_kind
                    .iter()
                    .map(|(k, (n, t))| (k.to_string(), serde_json::json!({"count": n, "cpu_s": secs(*t)})))
                    .collect::<serde_json::Map<_, _>>(),
            },
        })
    );
}
