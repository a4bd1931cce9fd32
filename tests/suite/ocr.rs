//! OCR with the real Tesseract, through the real binary (attachment workers with their memory
//! limit and deadline): a scanned PDF and a photo read as `ocr` records, `[ocr] enabled = "off"`
//! leaves them `scanned_without_text`, hostile images end in one flagged record each with the
//! main process alive, and the `[ocr]` table refuses what it does not know.
//!
//! Tesseract missing is a failure here, not a skip: `scripts/test.sh` installs it.

use crate::support::{bin, files_in, repo};
use regintake::extract::ocr::{self, Availability};
use serde_json::Value;
use std::path::{Path, PathBuf};

/// `regintake check --json` on files with a config; the parsed output and the exit code.
fn check(config: &Path, files: &[PathBuf]) -> (Value, i32, String) {
    let out = bin()
        .arg("check")
        .arg("--json")
        .arg("--config")
        .arg(config)
        .args(files)
        .output()
        .expect("run regintake");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let json = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    (json, out.status.code().unwrap_or(-1), stderr)
}

fn config(dir: &Path, ocr: &str) -> PathBuf {
    let path = dir.join("regintake.toml");
    std::fs::write(&path, format!("[ocr]\n{ocr}\n")).expect("write config");
    path
}

fn require_tesseract() {
    match ocr::availability() {
        Availability::Available { version, languages } => {
            assert!(version.starts_with("tesseract"), "version line {version:?}");
            assert!(
                languages.iter().any(|l| l == "eng"),
                "Tesseract has no English data ({languages:?}): install tesseract-ocr-eng"
            );
        }
        Availability::Missing { reason } => panic!(
            "Tesseract is needed by the OCR tests (apt-get install tesseract-ocr \
             tesseract-ocr-eng; scripts/test.sh does): {reason}"
        ),
    }
}

#[test]
fn tesseract_is_available_with_english() {
    require_tesseract();
    assert!(ocr::OcrSettings::default().active());
}

#[test]
fn scanned_pdf_and_photo_are_read_by_ocr_in_workers() {
    require_tesseract();
    let dir = tempfile::tempdir().expect("tempdir");
    let cfg = config(dir.path(), "enabled = \"on\"");
    let forms = repo("fixtures/scans/forms");
    let files = [
        forms.join("official_300dpi.pdf"),
        forms.join("photo_exif_orientation_6.jpg"),
    ];
    let (json, code, stderr) = check(&cfg, &files);
    assert_eq!(code, 0, "{stderr}");
    let reports = json.as_array().expect("one report per file");
    assert_eq!(reports.len(), 2, "{json:#}");
    for report in reports {
        let record = &report["records"][0];
        assert_eq!(record["source"], "ocr", "{report:#}");
        let flags: Vec<&str> = record["flags"]
            .as_array()
            .expect("flags")
            .iter()
            .filter_map(Value::as_str)
            .collect();
        assert!(flags.contains(&"read_by_ocr"), "{flags:?}");
        assert!(!flags.contains(&"scanned_without_text"), "{flags:?}");
        assert!(
            !record["fields"]["full_name"]["value"]
                .as_str()
                .unwrap_or("")
                .is_empty(),
            "{report:#}"
        );
    }
    assert_eq!(
        reports[0]["records"][0]["fields"]["contact_email"]["value"],
        "alan.chen-whitfield@unimelb.edu.au"
    );
}

#[test]
fn ocr_off_leaves_images_unread() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cfg = config(dir.path(), "enabled = \"off\"");
    let file = repo("fixtures/scans/forms/photo_pen_check.png");
    let (json, code, stderr) = check(&cfg, &[file]);
    assert_eq!(code, 0, "{stderr}");
    let record = &json[0]["records"][0];
    assert_eq!(record["source"], "none", "{json:#}");
    assert_eq!(record["flags"], serde_json::json!(["scanned_without_text"]));
}

#[test]
fn hostile_images_end_in_one_flagged_record_each() {
    require_tesseract();
    let dir = tempfile::tempdir().expect("tempdir");
    let cfg = config(dir.path(), "enabled = \"on\"");
    let files = files_in(&repo("fixtures/scans-hostile"), &["forms"]);
    assert!(files.len() >= 10, "hostile images missing: {files:?}");
    one_flagged_record_each(&cfg, &files, &["none"]);
}

/// `check` of `files` exits 0 with one record for each, flagged `unreadable_attachment` or
/// `scanned_without_text`, its source one of `sources` (`none`: nothing read; `pdf-text`: a
/// PDF whose page image could not be decoded, recorded as the PDF reader found it).
fn one_flagged_record_each(cfg: &Path, files: &[PathBuf], sources: &[&str]) {
    let (json, code, stderr) = check(cfg, files);
    assert_eq!(code, 0, "{stderr}");
    let reports = json.as_array().expect("reports");
    assert_eq!(reports.len(), files.len());
    for report in reports {
        let records = report["records"].as_array().expect("records");
        assert_eq!(records.len(), 1, "{report:#}");
        let flags = &records[0]["flags"];
        assert!(
            *flags == serde_json::json!(["unreadable_attachment"])
                || *flags == serde_json::json!(["scanned_without_text"]),
            "{report:#}"
        );
        let source = records[0]["source"].as_str().unwrap_or_default();
        assert!(sources.contains(&source), "{report:#}");
    }
}

/// Hostile JBIG2 pages in PDFs (`scripts/make_jbig2_scans.py`): a page stating 60,000 x 60,000
/// pixels, a 65,535 x 65,535 region on a small page, a text region whose symbol dictionary is
/// missing, a real scanner's page cut short. Each ends in one flagged record, the run in exit 0.
#[test]
fn hostile_jbig2_pages_end_in_one_flagged_record_each() {
    require_tesseract();
    let dir = tempfile::tempdir().expect("tempdir");
    let cfg = config(dir.path(), "enabled = \"on\"");
    let files = files_in(&repo("fixtures/scans-jbig2"), &["hostile"]);
    assert_eq!(files.len(), 4, "hostile JBIG2 pages missing: {files:?}");
    one_flagged_record_each(&cfg, &files, &["none", "pdf-text"]);
}

#[test]
fn ocr_table_refuses_unknown_keys_and_bad_values() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = repo("fixtures/scans/forms/photo_pen_check.png");
    for (table, says) in [
        ("enabled = \"auto\"\nlanguage = \"eng\"", "language"),
        ("enabled = \"sometimes\"", "sometimes"),
        ("languages = \"eng; rm -rf /\"", "ocr.languages"),
        (
            "enabled = \"on\"\nlanguages = \"xxx_not_installed\"",
            "xxx_not_installed",
        ),
    ] {
        let cfg = config(dir.path(), table);
        let (_, code, stderr) = check(&cfg, std::slice::from_ref(&file));
        assert_ne!(code, 0, "{table:?} was accepted");
        assert!(stderr.contains(says), "{table:?}: {stderr}");
    }
}
