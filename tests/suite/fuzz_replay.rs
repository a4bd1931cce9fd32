//! Every fuzz seed (`fuzz/corpus/<target>/*`) and every saved finding (`fuzz/artifacts/<target>/*`)
//! in → the same stage functions the fuzz targets call (`fuzz/targets.rs`), on stable Rust, as
//! ordinary tests: none may panic. Each input runs on its own thread named after the file, so a
//! panic or stack overflow names its reproducer.

use crate::support::{failures, files_in, repo};
use crate::targets;

use std::path::PathBuf;

/// The seeds and saved findings of a target.
fn inputs(target: &str) -> Vec<PathBuf> {
    let fuzz = repo("fuzz");
    files_in(
        &fuzz,
        &[&format!("corpus/{target}"), &format!("artifacts/{target}")],
    )
}

fn replay(target: &str) -> usize {
    let run = targets::TARGETS
        .iter()
        .find(|(name, _)| *name == target)
        .map(|(_, f)| *f)
        .expect("known target");
    let files = inputs(target);
    let mut failed = Vec::new();
    for file in &files {
        let data = std::fs::read(file).expect("read fuzz input");
        // The default thread stack (2 MiB): the size ingest threads read with in-process.
        let outcome = std::thread::Builder::new()
            .name(file.display().to_string())
            .spawn(move || run(&data))
            .expect("spawn")
            .join();
        if outcome.is_err() {
            failed.push(file.display().to_string());
        }
    }
    assert!(failed.is_empty(), "{target}: panicked on {failed:?}");
    files.len()
}

#[test]
fn mime_parse_corpus_replays() {
    assert!(replay("mime_parse") > 0, "no seed corpus for mime_parse");
}

#[test]
fn docx_read_corpus_replays() {
    assert!(replay("docx_read") > 0, "no seed corpus for docx_read");
}

#[test]
fn pdf_read_corpus_replays() {
    assert!(replay("pdf_read") > 0, "no seed corpus for pdf_read");
}

#[test]
fn form_validate_corpus_replays() {
    assert!(
        replay("form_validate") > 0,
        "no seed corpus for form_validate"
    );
}

#[test]
fn doc_read_corpus_replays() {
    assert!(replay("doc_read") > 0, "no seed corpus for doc_read");
}

#[test]
fn rtf_read_corpus_replays() {
    assert!(replay("rtf_read") > 0, "no seed corpus for rtf_read");
}

#[test]
fn tnef_read_corpus_replays() {
    assert!(replay("tnef_read") > 0, "no seed corpus for tnef_read");
}

/// The MIME seeds as whole messages through the chain (attachments read in this process): the
/// chain's guard would catch a panic from any stage, so a failed message or a record note
/// saying that something failed is how one would show here.
#[test]
fn mime_parse_corpus_through_the_chain_records_no_failure() {
    use regintake::pipeline::{Pipeline, Processed};
    let files = inputs("mime_parse");
    assert!(!files.is_empty(), "no seed corpus for mime_parse");
    let pipeline = Pipeline {
        limits: targets::limits(),
        ..Default::default()
    };
    let parsed: Vec<_> = files
        .iter()
        .map(|f| {
            pipeline.parse(&regintake::source::RawMessage {
                bytes: std::fs::read(f).expect("read fuzz input"),
                origin: f.display().to_string(),
                internal_date: None,
            })
        })
        .collect();
    let mut failed = Vec::new();
    for (file, processed) in files.iter().zip(pipeline.finish(parsed)) {
        match processed {
            Processed::New(message) => {
                for record in &message.records {
                    let detail = serde_json::to_value(&record.detail).expect("detail as JSON");
                    for note in failures::failure_notes(&detail) {
                        failed.push(format!("{}: {note}", file.display()));
                    }
                }
            }
            Processed::Failed(stage) => {
                failed.push(format!("{}: {}", file.display(), stage.failure))
            }
        }
    }
    assert!(failed.is_empty(), "{failed:#?}");
}
