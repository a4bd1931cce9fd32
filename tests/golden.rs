//! Golden tests: every fixture document and message in → `check --json`'s projection out,
//! compared with `fixtures/expected/<file>.json` (the truth from the fixture script's case table).
//! On a mismatch the actual projection is written beside the expected one as `<file>.actual.json`.
//! Also prints the answer accuracy and flag precision/recall over all fixtures.

use regintake::pipeline::{self, Context};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};

const FIELDS: [&str; 9] = [
    "full_name",
    "organisation",
    "contact_email",
    "terms_accepted",
    "service",
    "ip_allowlist",
    "expected_records_per_day",
    "expected_api_calls_per_day",
    "user_guide_agreed",
];

fn fixture_files(set: &str) -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join(set);
    let mut files = Vec::new();
    for dir in ["forms", "mail"] {
        let Ok(entries) = std::fs::read_dir(root.join(dir)) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_file()
                && !p
                    .file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with('.'))
            {
                files.push(p);
            }
        }
    }
    files.sort();
    files
}

/// The part of `check --json` the expected files pin down.
fn projection(report: &pipeline::CheckReport) -> Value {
    let records: Vec<Value> = report
        .records
        .iter()
        .map(|r| {
            let mut flags: Vec<String> =
                r["flags"].as_array().into_iter().flatten().filter_map(|f| f.as_str().map(String::from)).collect();
            flags.sort();
            let mut fields = serde_json::Map::new();
            for f in FIELDS {
                // A record whose form was not read has no value: empty, yes/no included (SPEC v2).
                let v = r["fields"][f]["value"].as_str().map(String::from).unwrap_or_default();
                fields.insert(f.to_string(), json!(v));
            }
            json!({"attachment": r["attachment"], "source": r["source"], "flags": flags, "fields": fields})
        })
        .collect();
    json!({ "records": records })
}

#[derive(Default)]
struct Score {
    answers: usize,
    answers_right: usize,
    flags_tp: usize,
    flags_fp: usize,
    flags_fn: usize,
}

impl Score {
    fn add(&mut self, expected: &Value, actual: &Value) {
        let empty = vec![];
        let exp = expected["records"].as_array().unwrap_or(&empty);
        let act = actual["records"].as_array().unwrap_or(&empty);
        for (i, e) in exp.iter().enumerate() {
            let a = act.get(i);
            for f in FIELDS {
                self.answers += 1;
                if a.is_some_and(|a| a["fields"][f] == e["fields"][f]) {
                    self.answers_right += 1;
                }
            }
            let ef: Vec<&str> = e["flags"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|x| x.as_str())
                .collect();
            let af: Vec<&str> = a
                .map(|a| {
                    a["flags"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(|x| x.as_str())
                        .collect()
                })
                .unwrap_or_default();
            self.flags_tp += ef.iter().filter(|f| af.contains(f)).count();
            self.flags_fn += ef.iter().filter(|f| !af.contains(f)).count();
            self.flags_fp += af.iter().filter(|f| !ef.contains(f)).count();
        }
        for a in act.iter().skip(exp.len()) {
            self.flags_fp += a["flags"].as_array().map(|x| x.len()).unwrap_or(0);
        }
    }
}

/// The fixtures made by `scripts/make_fixtures.py`.
#[test]
fn fixtures_match_expected() {
    check_set("fixtures");
}

/// A second set made independently by `scripts/make_holdout.py` (other tools, wordings and
/// applicants), to measure how the reader generalises.
#[test]
fn holdout_fixtures_match_expected() {
    check_set("fixtures/holdout");
}

/// A third independent set (`scripts/make_holdout2.py`): fillable PDFs with radio buttons,
/// Word content controls in tables, LibreOffice layouts.
#[test]
fn holdout2_fixtures_match_expected() {
    check_set("fixtures/holdout2");
}

/// Every other format and mail shape applicants send (`scripts/make_formats.py`): Word 97 .doc,
/// RTF, winmail.dat, Outlook and Gmail HTML, replies, forwards, encoded names, free wording,
/// documents that are not the form, photos of the form.
#[test]
fn formats_fixtures_match_expected() {
    check_set("fixtures/formats");
}

/// More shapes of the same formats by other routes (`scripts/make_formats_extra.py`): a .doc
/// with Wingdings symbol characters, a .doc with nested tick tables and empty cells, Word-style
/// RTF fields and SYMBOL ticks, a reply whose quoted old form must not fill a gap, a
/// winmail.dat with an 8-bit long name, a range written "A to B" in a sentence.
#[test]
fn formats_extra_fixtures_match_expected() {
    check_set("fixtures/formats-extra");
}

/// A fourth independent set (`scripts/make_holdout3.py`), made without reading the reader:
/// annotated and scanned PDFs, .doc, RTF, winmail.dat, Outlook HTML, replies, forwards.
#[test]
fn holdout3_fixtures_match_expected() {
    check_set("fixtures/holdout3");
}

fn check_set(set: &str) {
    let files = fixture_files(set);
    assert!(
        !files.is_empty(),
        "no fixtures found under {set}/forms or {set}/mail: refusing to pass"
    );
    let ctx = Context::default();
    let expected_dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(set)
        .join("expected");
    let mut failures = Vec::new();
    let mut compared = 0;
    let mut score = Score::default();
    for file in &files {
        let name = file
            .file_name()
            .expect("file name")
            .to_string_lossy()
            .into_owned();
        let expected_path = expected_dir.join(format!("{name}.json"));
        let actual_path = expected_dir.join(format!("{name}.actual.json"));
        let report = match pipeline::check_file(file, &ctx) {
            Ok(r) => r,
            Err(e) => {
                failures.push(format!("{name}: check failed: {e:#}"));
                continue;
            }
        };
        let actual = projection(&report);
        let Ok(text) = std::fs::read_to_string(&expected_path) else {
            failures.push(format!(
                "{name}: no expected file {}",
                expected_path.display()
            ));
            let _ = std::fs::write(
                &actual_path,
                serde_json::to_string_pretty(&actual).unwrap_or_default(),
            );
            continue;
        };
        let expected: Value = match serde_json::from_str(&text) {
            Ok(v) => v,
            Err(e) => {
                failures.push(format!("{name}: expected file is not JSON: {e}"));
                continue;
            }
        };
        compared += 1;
        score.add(&expected, &actual);
        if expected != actual {
            let _ = std::fs::write(
                &actual_path,
                serde_json::to_string_pretty(&actual).unwrap_or_default() + "\n",
            );
            failures.push(format!(
                "{name}: differs (actual written to {})",
                actual_path.display()
            ));
        } else {
            let _ = std::fs::remove_file(&actual_path);
        }
    }
    let pct = |a: usize, b: usize| {
        if b == 0 {
            100.0
        } else {
            100.0 * a as f64 / b as f64
        }
    };
    println!(
        "golden {set}: {compared} fixtures compared; answers right {:.1}% ({}/{}); flag precision {:.1}%, recall {:.1}%",
        pct(score.answers_right, score.answers),
        score.answers_right,
        score.answers,
        pct(score.flags_tp, score.flags_tp + score.flags_fp),
        pct(score.flags_tp, score.flags_tp + score.flags_fn),
    );
    assert!(
        compared > 0,
        "no fixture had an expected file: refusing to pass"
    );
    // Files the reader is known to get wrong, each with its reason, in `<set>/known-misses.txt`:
    // they may differ, and must, so the list cannot go stale.
    let known: Vec<String> = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join(set)
            .join("known-misses.txt"),
    )
    .unwrap_or_default()
    .lines()
    .map(|l| l.split('#').next().unwrap_or("").trim().to_string())
    .filter(|l| !l.is_empty())
    .collect();
    for k in &known {
        let still_missed = failures.iter().any(|f| f.starts_with(&format!("{k}:")));
        assert!(
            still_missed,
            "{k} is listed in {set}/known-misses.txt but now matches: take it off the list"
        );
    }
    failures.retain(|f| !known.iter().any(|k| f.starts_with(&format!("{k}:"))));
    assert!(
        failures.is_empty(),
        "{} of {} fixtures differ:\n{}",
        failures.len(),
        files.len(),
        failures.join("\n")
    );
}
