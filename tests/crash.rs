//! Crash consistency: an mbox of a few thousand small registrations in → `regintake ingest`
//! SIGKILLed at seeded random moments, then run to completion → the ledger must hold exactly
//! what one uninterrupted run records: one row per (message, form), none lost, none doubled.

#[path = "support/csv.rs"]
mod csv;
#[path = "../examples/make_hostile.rs"]
mod make_hostile;
use csv::parse_csv;

use make_hostile::{
    DOCX_TYPE, attachment_message, docx, form_lines, headers, pdf, text_message, write_mbox_message,
};
use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

const MESSAGES: usize = 3_000;
const KILLS: usize = 5;

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_regintake"));
    c.env_remove("REGINTAKE_CONFIG").env_remove("REGINTAKE_DB");
    c
}

/// Small registrations: forms in the body, in a DOCX, in a PDF, and now and then two forms in one
/// message (two people registering together).
fn write_mbox(dir: &Path) -> PathBuf {
    let path = dir.join("crash.mbox");
    let mut out = std::io::BufWriter::new(std::fs::File::create(&path).expect("mbox"));
    for i in 0..MESSAGES {
        let first = format!("Person{i}");
        let form = form_lines(&first, &format!("Agency {}", i % 97));
        let body = match i % 10 {
            0..=3 => text_message(&form.join("\n"), "utf-8"),
            4..=6 => attachment_message(&docx(&form), &format!("form-{i}.docx"), DOCX_TYPE),
            7 | 8 => attachment_message(&pdf(&form), &format!("form-{i}.pdf"), "application/pdf"),
            _ => two_forms(i, &form),
        };
        let head = headers(
            Some(&format!("<crash-{i}@regintake.test>")),
            &format!("Registration {i}"),
            i,
        );
        write_mbox_message(&mut out, &[head.as_bytes(), &body].concat()).expect("write mbox");
    }
    std::io::Write::flush(&mut out).expect("flush mbox");
    path
}

fn two_forms(i: usize, form: &[String]) -> Vec<u8> {
    let second = form_lines(&format!("Colleague{i}"), &format!("Agency {}", i % 97));
    let mut m = b"Content-Type: multipart/mixed; boundary=\"two\"\r\n\r\n--two\r\nContent-Type: text/plain\r\n\r\nTwo registrations attached.\r\n".to_vec();
    for (name, bytes, ty) in [
        (format!("first-{i}.docx"), docx(form), DOCX_TYPE),
        (format!("second-{i}.pdf"), pdf(&second), "application/pdf"),
    ] {
        m.extend_from_slice(
            format!("--two\r\nContent-Type: {ty}; name=\"{name}\"\r\nContent-Disposition: attachment; filename=\"{name}\"\r\nContent-Transfer-Encoding: base64\r\n\r\n").as_bytes(),
        );
        make_hostile::base64_lines(&bytes, &mut m);
    }
    m.extend_from_slice(b"--two--\r\n");
    m
}

fn ingest(db: &Path, mbox: &Path) -> std::process::Child {
    bin()
        .arg("--db")
        .arg(db)
        .arg("-q")
        .arg("ingest")
        .arg(mbox)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run regintake ingest")
}

/// A ledger's rows: (message_id, attachment) → every row for it as (source, full_name, flags).
type Rows = BTreeMap<(String, String), Vec<(String, String, String)>>;

/// (message_id, attachment) → every exported row for it (all revisions) as (source, name, flags).
fn ledger_rows(db: &Path) -> Rows {
    let out = bin()
        .arg("--db")
        .arg(db)
        .args(["export", "--all-revisions"])
        .output()
        .expect("run regintake export");
    assert!(
        out.status.success(),
        "export failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).expect("CSV is UTF-8");
    let rows = parse_csv(&text);
    let header = &rows[0];
    let col = |n: &str| header.iter().position(|c| c == n).expect("column");
    let (mid, att, src, name, flags) = (
        col("message_id"),
        col("attachment"),
        col("source"),
        col("full_name"),
        col("flags"),
    );
    let mut map: Rows = BTreeMap::new();
    for r in &rows[1..] {
        map.entry((r[mid].clone(), r[att].clone()))
            .or_default()
            .push((r[src].clone(), r[name].clone(), r[flags].clone()));
    }
    map
}

/// A small seeded generator, so the kill points are the same on every run.
struct SplitMix(u64);
impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// A fraction in [lo, hi).
    fn between(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * ((self.next() >> 11) as f64 / (1u64 << 53) as f64)
    }
}

#[test]
fn sigkill_at_any_point_loses_nothing_and_duplicates_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mbox = write_mbox(dir.path());

    // What one uninterrupted run records, and how long it takes.
    let reference_db = dir.path().join("reference.db");
    let started = Instant::now();
    let reference = ingest(&reference_db, &mbox)
        .wait_with_output()
        .expect("reference run");
    let full_run = started.elapsed();
    assert!(
        reference.status.success(),
        "reference ingest failed: {}",
        String::from_utf8_lossy(&reference.stderr)
    );
    let expected = ledger_rows(&reference_db);
    let expected_rows: usize = expected.values().map(Vec::len).sum();
    println!("{MESSAGES} messages, {expected_rows} rows, uninterrupted ingest {full_run:.2?}");

    // The same archive, killed again and again, then finished.
    let db = dir.path().join("killed.db");
    let mut rng = SplitMix(0x5EED_2026_1124);
    let mut killed_mid_run = 0;
    for round in 0..KILLS {
        let delay = full_run.mul_f64(rng.between(0.05, 0.7));
        let mut child = ingest(&db, &mbox);
        std::thread::sleep(delay);
        let finished_first = child.try_wait().expect("try_wait").is_some();
        child.kill().ok(); // SIGKILL
        let status = child.wait().expect("wait");
        if !finished_first && !status.success() {
            killed_mid_run += 1;
        }
        let recorded: usize = if db.exists() {
            ledger_rows(&db).values().map(Vec::len).sum()
        } else {
            0
        };
        println!("kill {round}: after {delay:.2?}, {status}, {recorded} rows so far");
    }
    // Kills of a run that had already finished prove nothing; most must land mid-run.
    assert!(
        killed_mid_run >= 1,
        "no kill landed while ingest was running"
    );
    let last = ingest(&db, &mbox).wait_with_output().expect("final run");
    assert!(
        last.status.success(),
        "final ingest failed: {}",
        String::from_utf8_lossy(&last.stderr)
    );

    let got = ledger_rows(&db);
    let got_rows: usize = got.values().map(Vec::len).sum();
    let duplicated: Vec<_> = got.iter().filter(|(_, v)| v.len() > 1).take(5).collect();
    assert!(duplicated.is_empty(), "rows recorded twice: {duplicated:?}");
    let messages: HashSet<&String> = got.keys().map(|(mid, _)| mid).collect();
    assert_eq!(messages.len(), MESSAGES, "messages in the ledger");
    assert_eq!(got_rows, expected_rows, "rows in the ledger");
    assert_eq!(
        got, expected,
        "the killed ledger differs from an uninterrupted run"
    );
}
