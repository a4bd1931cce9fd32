//! Crash consistency: an mbox of a few thousand small registrations in → `regintake ingest`
//! SIGKILLed at seeded random moments, then run to completion → the ledger must hold exactly
//! what one uninterrupted run records: one row per (message, form), none lost, none doubled.
//! And `regintake poll --once` against a real Dovecot, with and without MOVE, SIGKILLed at
//! chosen steps (held there by a proxy) and at seeded random moments, then run to completion →
//! every message in the ledger once, every form message in the processed mailbox once, none
//! left in the inbox.

use crate::make_hostile;
use crate::support;
use crate::support::csv::parse_csv;
use crate::support::{bin, output_of, summary};

use make_hostile::{
    DOCX_TYPE, attachment_message, docx, form_lines, headers, pdf, text_message, write_mbox_message,
};
use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Instant;

const MESSAGES: usize = 3_000;
const KILLS: usize = 5;
/// Messages of the archive an ingest is stopped in with SIGINT or SIGTERM.
const SIGNALLED: usize = 1_000;

/// Small registrations: forms in the body, in a DOCX, in a PDF, and now and then two forms in one
/// message (two people registering together).
fn write_mbox(dir: &Path, count: usize) -> PathBuf {
    let path = dir.join("crash.mbox");
    let mut out = std::io::BufWriter::new(std::fs::File::create(&path).expect("mbox"));
    for i in 0..count {
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
    let text = output_of(
        bin()
            .arg("--db")
            .arg(db)
            .args(["export", "--all-revisions"]),
    );
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
    let mbox = write_mbox(dir.path(), MESSAGES);

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
    // The reference run's time is only a guess at a later run's (the machine's load changes):
    // a run that finished before its kill leaves nothing to interrupt, so the ledger starts
    // again empty and later kills come sooner.
    let mut run_time = full_run;
    for round in 0..KILLS {
        let delay = run_time.mul_f64(rng.between(0.05, 0.7));
        let mut child = ingest(&db, &mbox);
        std::thread::sleep(delay);
        let finished_first = child.try_wait().expect("try_wait").is_some();
        child.kill().ok(); // SIGKILL
        let status = child.wait().expect("wait");
        if !finished_first && !status.success() {
            killed_mid_run += 1;
        } else if finished_first {
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
            }
            run_time = run_time.mul_f64(0.5);
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

/// Ctrl-C (SIGINT to the whole process group, attachment workers included) or SIGTERM in the
/// middle of an ingest: the messages in hand are committed, the summary line printed with a
/// word that running again is safe, exit 1; running again then ends with exactly what one
/// uninterrupted run records (no record of an attachment "lost" to the signal).
#[test]
fn sigint_or_sigterm_during_ingest_prints_the_summary_and_rerunning_is_safe() {
    use std::os::unix::process::CommandExt as _;
    let dir = tempfile::tempdir().expect("tempdir");
    let mbox = write_mbox(dir.path(), SIGNALLED);
    let reference_db = dir.path().join("reference.db");
    let started = Instant::now();
    let reference = ingest(&reference_db, &mbox)
        .wait_with_output()
        .expect("reference");
    assert!(reference.status.success());
    let full_run = started.elapsed();
    let expected = ledger_rows(&reference_db);
    for (signal, name) in [(libc::SIGINT, "SIGINT"), (libc::SIGTERM, "SIGTERM")] {
        let db = dir.path().join(format!("{name}.db"));
        let child = bin()
            .arg("--db")
            .arg(&db)
            .arg("ingest")
            .arg(&mbox)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .process_group(0)
            .spawn()
            .expect("run regintake ingest");
        std::thread::sleep(full_run / 3);
        // SAFETY: signalling the process group of a child this test started.
        unsafe { libc::kill(-(child.id() as libc::pid_t), signal) };
        let out = child.wait_with_output().expect("wait");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{name}: {stderr}");
        assert!(
            stderr.contains(&format!("stopped by {name}")) && stderr.contains("again is safe"),
            "{name}: {stderr}"
        );
        let last = stderr.lines().last().unwrap_or_default();
        assert!(
            last.contains("messages read"),
            "{name}: the summary line comes last: {stderr}"
        );
        let [read, ..] = summary(last);
        assert!(
            read > 0 && read < SIGNALLED as u64,
            "{name}: stopped mid-run: {last}"
        );
        let partial: usize = ledger_rows(&db).values().map(Vec::len).sum();
        assert!(partial > 0, "{name}: what was read is recorded");
        let again = ingest(&db, &mbox).wait_with_output().expect("again");
        assert!(again.status.success(), "{name}");
        assert_eq!(
            ledger_rows(&db),
            expected,
            "{name}: the ledger differs from one run"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// poll --once

use std::time::Duration;
use support::dovecot::{Dovecot, Options, WITHOUT_MOVE};
use support::imap_proxy::{Break, CommandProxy, Rule};
use support::invariants;

/// Writes a config for `user` reached on `port`, with its own ledger in `dir`.
fn poll_config(dir: &Path, d: &Dovecot, user: &str, port: u16) -> PathBuf {
    support::write_config(
        &dir.join(format!("{user}.toml")),
        &dir.join(format!("{user}.db")),
        &d.imap_toml_for(user, port, "fetch_batch = 7\ntimeout_secs = 20"),
        "",
    )
}

fn poll(conf: &Path) -> std::process::Child {
    bin()
        .arg("--config")
        .arg(conf)
        .arg("-q")
        .args(["poll", "--once"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run regintake poll")
}

fn finish(conf: &Path, what: &str) {
    let out = poll(conf).wait_with_output().expect("final poll");
    assert!(
        out.status.success(),
        "{what}: the final pass must finish: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// SIGKILL at chosen steps: the proxy holds the session right after the server carried out
/// the step (its answer never reaches regintake), and the process is killed there.
#[test]
fn poll_killed_at_each_step_finishes_exactly_once() {
    type Points<'a> = (&'a str, Option<&'a str>, Vec<(&'a str, Rule)>);
    let points: [Points; 2] = [
        (
            "without MOVE",
            Some(WITHOUT_MOVE),
            vec![
                (
                    "after FETCH",
                    Rule::new("UID FETCH", Break::Stall).containing("BODY.PEEK[]"),
                ),
                ("after COPY", Rule::new("UID COPY", Break::Stall)),
                (
                    "after STORE \\Deleted",
                    Rule::new("UID STORE", Break::Stall).containing("\\Deleted"),
                ),
                ("after UID EXPUNGE", Rule::new("UID EXPUNGE", Break::Stall)),
                ("after the second COPY", {
                    let mut r = Rule::new("UID COPY", Break::Stall);
                    r.occurrence = 2;
                    r
                }),
            ],
        ),
        (
            "with MOVE",
            None,
            vec![
                (
                    "after FETCH",
                    Rule::new("UID FETCH", Break::Stall).containing("BODY.PEEK[]"),
                ),
                ("after MOVE", Rule::new("UID MOVE", Break::Stall)),
                (
                    "after $NoForm",
                    Rule::new("UID STORE", Break::Stall).containing("$NoForm"),
                ),
            ],
        ),
    ];
    let dir = tempfile::tempdir().unwrap();
    for (server, caps, rules) in points {
        let opts = Options {
            capabilities: caps.map(str::to_string),
            ..Default::default()
        };
        let Some(d) = Dovecot::start("poll_killed_at_each_step", opts) else {
            return;
        };
        for (i, (step, rule)) in rules.into_iter().enumerate() {
            let what = format!("{server}, killed {step}");
            let user = format!("k{}{i}", caps.is_some() as u8);
            let (forms, plain, messages) = invariants::seed(&format!("{user}-"), 16, 4);
            let mut c = d.client_for(&user);
            c.append_many("INBOX", &messages);
            let proxy = CommandProxy::start(d.port, rule);
            let conf = poll_config(dir.path(), &d, &user, proxy.port);
            let mut child = poll(&conf);
            let deadline = Instant::now() + Duration::from_secs(60);
            while !proxy.fired() && Instant::now() < deadline {
                if child.try_wait().unwrap().is_some() {
                    break;
                }
                std::thread::sleep(Duration::from_millis(10));
            }
            assert!(proxy.fired(), "{what}: the step was never reached");
            child.kill().ok();
            child.wait().ok();
            finish(&conf, &what);
            let db = dir.path().join(format!("{user}.db"));
            invariants::assert_each_once(&mut c, &db, &forms, &plain, &what);
        }
    }
}

/// SIGKILL at seeded random moments of passes over 120 messages, with and without MOVE, then
/// one pass to the end.
#[test]
fn poll_killed_at_random_points_finishes_exactly_once() {
    const COUNT: usize = 120;
    const POLL_KILLS: usize = 12;
    let dir = tempfile::tempdir().unwrap();
    let mut rng = SplitMix(0x5EED_1111_0011);
    for caps in [Some(WITHOUT_MOVE), None] {
        let opts = Options {
            capabilities: caps.map(str::to_string),
            ..Default::default()
        };
        let Some(d) = Dovecot::start("poll_killed_at_random_points", opts) else {
            return;
        };
        let server = if caps.is_some() {
            "without MOVE"
        } else {
            "with MOVE"
        };
        // How long one uninterrupted pass takes, on another account with the same mail.
        let reference = format!("ref{}", caps.is_some() as u8);
        let (_, _, messages) = invariants::seed("r-", COUNT, 5);
        d.client_for(&reference).append_many("INBOX", &messages);
        let started = Instant::now();
        finish(&poll_config(dir.path(), &d, &reference, d.port), server);
        let full = started.elapsed();

        let user = format!("rnd{}", caps.is_some() as u8);
        let (mut forms, mut plain, messages) = invariants::seed(&format!("{user}-"), COUNT, 5);
        let mut c = d.client_for(&user);
        c.append_many("INBOX", &messages);
        let conf = poll_config(dir.path(), &d, &user, d.port);
        let mut mid_run = 0;
        let mut emptied = false;
        for round in 0..POLL_KILLS {
            // New mail now and then, so that later passes have work to be killed in; a full
            // mailbox's worth when the last pass finished before its kill (a loaded machine
            // runs slower than the reference pass did), so no round is left with nothing to do.
            if round % 3 == 2 || emptied {
                let count = if emptied { COUNT } else { COUNT / 4 };
                let (f, p, more) = invariants::seed(&format!("{user}-{round}-"), count, 5);
                c.append_many("INBOX", &more);
                forms.extend(f);
                plain.extend(p);
            }
            let mut child = poll(&conf);
            std::thread::sleep(full.mul_f64(rng.between(0.02, 0.8)));
            emptied = child.try_wait().unwrap().is_some();
            if !emptied {
                mid_run += 1;
            }
            child.kill().ok();
            child.wait().ok();
        }
        println!(
            "{server}: uninterrupted pass {full:.2?}, {mid_run} of {POLL_KILLS} kills mid-run"
        );
        assert!(mid_run >= 3, "{server}: too few kills landed mid-run");
        finish(&conf, server);
        let db = dir.path().join(format!("{user}.db"));
        invariants::assert_each_once(&mut c, &db, &forms, &plain, server);
    }
}
