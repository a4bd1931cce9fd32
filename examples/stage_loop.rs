//! Profiling aid: archive in, one stage run over and over on its documents, CPU time out.
//! `cargo run --release --example stage_loop -- STAGE ARCHIVE [REPEATS]`, STAGE one of
//! `form`, `docx`, `pdf`, `mime`; run it under `perf record` or `valgrind --tool=callgrind`.

use regintake::extract;
use regintake::limits::Limits;
use regintake::mime::FileKind;
use regintake::{form, mime};
use std::hint::black_box;
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(stage), Some(path)) = (args.first(), args.get(1)) else {
        eprintln!("usage: stage_loop form|docx|pdf|mime ARCHIVE [REPEATS]");
        std::process::exit(2);
    };
    let repeats: usize = args.get(2).and_then(|r| r.parse().ok()).unwrap_or(1);
    let limits = Limits::default();
    // OCR off: a scan costs seconds a page with it, and this loop profiles the other readers.
    let ocr_off = extract::ocr::OcrSettings {
        enabled: regintake::config::OcrMode::Off,
        ..Default::default()
    };
    let raws: Vec<_> =
        regintake::source::archive::open(std::path::Path::new(path), limits.max_message_bytes)
            .expect("archive")
            .filter_map(Result::ok)
            .collect();
    let parsed: Vec<_> = raws
        .iter()
        .map(|r| mime::parse(&r.bytes, &limits))
        .collect();
    let wanted = |k: FileKind| match stage.as_str() {
        "docx" => matches!(k, FileKind::Docx | FileKind::Odt),
        "pdf" => k == FileKind::Pdf,
        "form" | "json" => matches!(k, FileKind::Pdf | FileKind::Docx | FileKind::Odt),
        _ => false,
    };
    let attachments: Vec<_> = parsed
        .iter()
        .flat_map(|p| p.attachments.iter())
        .filter(|a| wanted(a.kind))
        .collect();
    let mut docs = Vec::new();
    if stage == "form" || stage == "json" {
        for p in &parsed {
            let before = docs.len();
            for a in p.attachments.iter().filter(|a| wanted(a.kind)) {
                if let Ok(Some(d)) = extract::read_attachment_with(a, &limits, &ocr_off) {
                    docs.push(d);
                }
            }
            if docs.len() == before && !p.body_text.trim().is_empty() {
                docs.push(extract::body::read(&p.body_text));
            }
        }
    }
    let started = Instant::now();
    let mut n = 0usize;
    for _ in 0..repeats {
        match stage.as_str() {
            "form" => {
                for d in &docs {
                    n += black_box(form::read(d)).is_some() as usize
                }
            }
            "docx" | "pdf" => {
                for a in &attachments {
                    n += black_box(extract::read_attachment_with(a, &limits, &ocr_off)).is_ok()
                        as usize
                }
            }
            "json" => {
                for d in &docs {
                    let bytes = serde_json::to_vec(black_box(d)).expect("json");
                    let back: extract::Document = serde_json::from_slice(&bytes).expect("json");
                    n += black_box(back).lines.len();
                }
            }
            "mime" => {
                for r in &raws {
                    n += black_box(mime::parse(&r.bytes, &limits)).attachments.len()
                }
            }
            _ => panic!("unknown stage"),
        }
    }
    eprintln!(
        "{stage}: {n} results in {:.3} s",
        started.elapsed().as_secs_f64()
    );
}
