//! An mbox path in → one JSON line of "floor" timings out: how long the work that no ingest can
//! avoid takes on this machine (read the archive's bytes, split it into messages, MIME-parse every
//! message with mail-parser alone, hash every message), to compare `regintake ingest` with.
//!
//! Run by `scripts/bench.sh` as `cargo bench --bench floor -- ARCHIVE.mbox`.

use sha2::{Digest, Sha256};
use std::hint::black_box;
use std::io::BufReader;
use std::time::Instant;

/// MIME-parses one message and touches what an ingest needs (headers, every part's decoded body).
fn parse(raw: &[u8]) -> usize {
    match mail_parser::MessageParser::default().parse(raw) {
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

fn main() {
    let Some(path) = std::env::args().skip(1).find(|a| !a.starts_with("--")) else {
        eprintln!("usage: cargo bench --bench floor -- ARCHIVE.mbox");
        std::process::exit(2);
    };

    let started = Instant::now();
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("floor: cannot read {path}: {e}");
            std::process::exit(1);
        }
    };
    let read_s = started.elapsed().as_secs_f64();

    let started = Instant::now();
    let messages: Vec<Vec<u8>> =
        mail_parser::mailbox::mbox::MessageIterator::new(BufReader::new(&bytes[..]))
            .filter_map(Result::ok)
            .map(|m| m.unwrap_contents())
            .collect();
    let split_s = started.elapsed().as_secs_f64();

    let started = Instant::now();
    let mut touched = 0usize;
    for m in &messages {
        touched += parse(black_box(m));
    }
    let parse_s = started.elapsed().as_secs_f64();

    let started = Instant::now();
    for m in &messages {
        touched += parse(black_box(m));
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
            s.spawn(move || {
                let mut sum = 0usize;
                for m in messages.iter().skip(t).step_by(threads) {
                    sum += parse(black_box(m));
                    sum += Sha256::digest(m)[0] as usize;
                }
                black_box(sum)
            });
        }
    });
    let parallel_s = started.elapsed().as_secs_f64();

    // regintake's own archive reader (streaming from the file), when it can read this archive.
    let started = Instant::now();
    let regintake_split_s = match regintake::source::archive::open(
        std::path::Path::new(&path),
        regintake::limits::Limits::default().max_message_bytes,
    ) {
        Ok(iter) => {
            let n = iter
                .filter_map(Result::ok)
                .map(|m| black_box(m.bytes.len()))
                .count();
            (n == messages.len()).then(|| started.elapsed().as_secs_f64())
        }
        Err(_) => None,
    };
    black_box(touched);

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
            "regintake_split_s": regintake_split_s,
        })
    );
}
