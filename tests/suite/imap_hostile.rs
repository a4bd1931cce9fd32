//! `poll --once` against a hostile IMAP server (tests/suite/support/hostile_imap.rs): floods of
//! well-formed answers, sizes that lie, garbage, endless lines, trickling and silence. Each run
//! must end by itself with exit code 1 and one short, plain error line that says what happened,
//! and the peak memory of the regintake process (measured by the kernel) stays under 512 MiB.

use crate::support;
use crate::support::measured::{Measured, measured};

use crate::support::bin;
use std::path::Path;
use std::time::Duration;
use support::hostile_imap::{HostileServer, Misbehaviour};

const MIB: u64 = 1 << 20;

/// Runs `poll --once` against `server` with `extra` lines in `[imap]` and `limits` lines in
/// `[limits]`, measured (its peak RSS as the kernel counts it); killed after two minutes.
fn poll(dir: &Path, server: &HostileServer, extra: &str, limits: &str) -> Measured {
    let conf = support::write_config(
        &dir.join("hostile.toml"),
        &dir.join("hostile.db"),
        &format!(
            "host = \"127.0.0.1\"\nport = {}\ntls = \"none\"\nusername = \"u\"\npassword = \"p\"\n{extra}",
            server.port
        ),
        &format!("[limits]\n{limits}"),
    );
    let mut poll = bin();
    poll.arg("--config").arg(&conf).args(["poll", "--once"]);
    measured(&poll, dir, Duration::from_secs(120))
}

/// The one error line, after checking it is the only one and is short and plain.
fn error_line(run: &Measured) -> String {
    let errors: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.starts_with("regintake: error"))
        .collect();
    assert_eq!(errors.len(), 1, "one error line: {}", run.stderr);
    let line = errors[0];
    assert!(
        line.len() < 400,
        "a short line ({} bytes): {line}",
        line.len()
    );
    assert!(
        !line.chars().any(|c| c.is_control()),
        "no control characters: {line:?}"
    );
    for l in run.stderr.lines() {
        assert!(l.len() < 2000, "no huge log line ({} bytes)", l.len());
    }
    println!("  {line}");
    line.to_string()
}

fn check_failed(run: &Measured, what: &str) -> String {
    println!(
        "{what}: exit {:?} after {:.1?}, peak RSS {} MiB",
        run.code,
        run.wall,
        run.peak_rss / MIB
    );
    assert_eq!(run.code, Some(1), "{what}: exit 1\n{}", run.stderr);
    assert!(
        run.peak_rss < 512 * MIB,
        "{what}: peak RSS {} MiB",
        run.peak_rss / MIB
    );
    error_line(run)
}

#[test]
fn endless_small_answers_to_fetch_end_the_pass() {
    let server = HostileServer::start(Misbehaviour::FloodSmall);
    let dir = tempfile::tempdir().unwrap();
    let run = poll(dir.path(), &server, "timeout_secs = 5", "");
    let line = check_failed(&run, "flood of small answers");
    assert!(line.contains("UID FETCH"), "{line}");
    assert!(line.contains("answers") || line.contains("bytes"), "{line}");
    assert!(!run.stderr.contains("stopped answering"), "{}", run.stderr);
    assert!(run.wall < Duration::from_secs(30), "{:?}", run.wall);
}

#[test]
fn endless_full_answers_to_fetch_end_the_pass() {
    let server = HostileServer::start(Misbehaviour::FloodBodies);
    let dir = tempfile::tempdir().unwrap();
    let run = poll(dir.path(), &server, "timeout_secs = 5", "");
    let line = check_failed(&run, "flood of 64 KiB answers");
    assert!(
        line.contains("more than") && line.contains("UID FETCH"),
        "{line}"
    );
    assert!(!run.stderr.contains("stopped answering"), "{}", run.stderr);
    // Cut off after about a megabyte, not after the whole batch's worth at the limit.
    assert!(server.sent() < 512 * MIB, "{} bytes sent", server.sent());
}

/// RFC822.SIZE 100, then a 500 MiB literal: refused at its announcement.
#[test]
fn a_lying_size_costs_no_more_than_the_limit() {
    let server = HostileServer::start(Misbehaviour::LyingSize(500 * MIB));
    let dir = tempfile::tempdir().unwrap();
    let run = poll(dir.path(), &server, "timeout_secs = 5", "");
    let line = check_failed(&run, "500 MiB literal after RFC822.SIZE 100");
    assert!(line.contains("524288000"), "{line}");
    assert!(
        run.peak_rss < 128 * MIB,
        "peak RSS {} MiB",
        run.peak_rss / MIB
    );
}

/// The same lie within `max_message_bytes` but far over the size given: cut off once the answer
/// passes what the sizes allow.
#[test]
fn a_lying_size_within_the_limit_is_cut_off() {
    let server = HostileServer::start(Misbehaviour::LyingSize(60 * MIB));
    let dir = tempfile::tempdir().unwrap();
    let run = poll(dir.path(), &server, "timeout_secs = 5", "");
    let line = check_failed(&run, "60 MiB literal after RFC822.SIZE 100");
    assert!(
        line.contains("more than") && line.contains("UID FETCH"),
        "{line}"
    );
}

/// A server that says 100 bytes but holds 5 MiB, and honours the partial fetch: regintake reads
/// one byte over `max_message_bytes` and records the message as oversized.
#[test]
fn a_message_over_the_limit_is_read_only_to_the_limit() {
    let server = HostileServer::start(Misbehaviour::HonestPartial(5 * MIB));
    let dir = tempfile::tempdir().unwrap();
    let run = poll(
        dir.path(),
        &server,
        "timeout_secs = 5",
        "max_message_bytes = 1000000",
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(server.sent() < 2 * MIB, "{} bytes sent", server.sent());
    let out = bin()
        .arg("--db")
        .arg(dir.path().join("hostile.db"))
        .arg("export")
        .output()
        .unwrap();
    let csv = String::from_utf8_lossy(&out.stdout);
    assert!(csv.contains("unreadable_attachment"), "{csv}");
    assert!(csv.contains("hostile-1@example.org"), "{csv}");
}

#[test]
fn garbage_gives_one_short_readable_error_line() {
    let server = HostileServer::start(Misbehaviour::Garbage(57_000));
    let dir = tempfile::tempdir().unwrap();
    let run = poll(dir.path(), &server, "timeout_secs = 3", "");
    let line = check_failed(&run, "57 KB of garbage");
    assert!(line.contains("SELECT"), "{line}");
}

#[test]
fn an_endless_greeting_costs_no_memory() {
    let server = HostileServer::start(Misbehaviour::EndlessGreeting);
    let dir = tempfile::tempdir().unwrap();
    let run = poll(dir.path(), &server, "timeout_secs = 5", "");
    let line = check_failed(&run, "endless greeting");
    assert!(line.contains("line longer than"), "{line}");
    assert!(
        run.peak_rss < 128 * MIB,
        "peak RSS {} MiB",
        run.peak_rss / MIB
    );
}

/// Bytes keep coming, too slowly to ever finish: the deadline ends it, and the server is not
/// said to have stopped answering.
#[test]
fn a_trickling_server_meets_the_deadline() {
    let server = HostileServer::start(Misbehaviour::Trickle);
    let dir = tempfile::tempdir().unwrap();
    let run = poll(dir.path(), &server, "timeout_secs = 2", "");
    let line = check_failed(&run, "trickle");
    assert!(line.contains("did not finish within"), "{line}");
    assert!(line.contains("kept sending"), "{line}");
    assert!(!run.stderr.contains("stopped answering"), "{}", run.stderr);
}

#[test]
fn a_silent_server_is_said_to_have_stopped_answering() {
    let server = HostileServer::start(Misbehaviour::Silent);
    let dir = tempfile::tempdir().unwrap();
    let run = poll(dir.path(), &server, "timeout_secs = 2", "");
    let line = check_failed(&run, "silence");
    assert!(
        line.contains("stopped answering during UID FETCH"),
        "{line}"
    );
}

/// A message just under the default `max_message_bytes`, its size given truly: read and
/// recorded, with the process's peak memory under 512 MiB. Its body is read only up to
/// `max_text_bytes`: a few seconds in a debug build (about a minute when it was read whole).
#[test]
fn a_message_at_the_size_limit_is_read_within_the_memory_bound() {
    let server = HostileServer::start(Misbehaviour::Honest(60 * MIB));
    let dir = tempfile::tempdir().unwrap();
    let run = poll(dir.path(), &server, "timeout_secs = 30", "");
    println!(
        "60 MiB message: exit {:?} after {:.1?}, peak RSS {} MiB",
        run.code,
        run.wall,
        run.peak_rss / MIB
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(run.stderr.contains("1 records added"), "{}", run.stderr);
    assert!(
        run.peak_rss < 512 * MIB,
        "peak RSS {} MiB",
        run.peak_rss / MIB
    );
}

/// Six messages of 60 MiB fetched by one command (one batch), in turn a body of one line of
/// text and a binary attachment: they are read as they arrive, at most 96 MiB of them at once
/// besides the newest, and a body only up to `max_text_bytes`, so the batch is never held
/// whole: peak memory stays under 512 MiB. Every message is recorded.
#[test]
fn a_batch_of_messages_at_the_size_limit_is_not_held_at_once() {
    let server = HostileServer::start(Misbehaviour::Batch {
        count: 6,
        size: 60 * MIB,
    });
    let dir = tempfile::tempdir().unwrap();
    let run = poll(dir.path(), &server, "timeout_secs = 60", "");
    println!(
        "6 x 60 MiB messages: exit {:?} after {:.1?}, peak RSS {} MiB, {} MiB sent",
        run.code,
        run.wall,
        run.peak_rss / MIB,
        server.sent() / MIB
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(run.stderr.contains("6 records added"), "{}", run.stderr);
    assert!(server.sent() > 6 * 60 * MIB, "every message was sent whole");
    assert!(
        run.peak_rss < 512 * MIB,
        "peak RSS {} MiB",
        run.peak_rss / MIB
    );
}
