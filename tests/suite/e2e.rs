//! End to end through the binary: the sample mailbox in → ledger → CSV out; idempotency, mbox vs
//! Maildir, the one-writer lock (exit 75) by any path or link to the ledger, hard-linked
//! ledgers refused, and the append-only ledger.

use crate::support::csv as csv_file;

use crate::support::{REGINTAKE, bin, files_in, ok, repo, run, stderr, summary};
use csv_file::{assert_spec_framing, parse_csv};
use std::net::TcpListener;
use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

fn sample_mbox() -> PathBuf {
    let p = crate::support::repo("fixtures/sample.mbox");
    assert!(p.is_file(), "fixtures/sample.mbox is missing");
    p
}

fn export(db: &Path, extra: &[&str]) -> String {
    let out = ok(run(db, &[&["export"], extra].concat()));
    String::from_utf8(out.stdout).expect("CSV is UTF-8")
}

/// The report's header: the one definition of its columns.
fn header() -> Vec<String> {
    regintake::report::COLUMNS
        .iter()
        .map(|c| c.name.to_string())
        .collect()
}

#[test]
fn ingest_export_reingest_and_maildir() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("ledger.db");
    let mbox = sample_mbox();

    // The same messages as a Maildir, one file each: how many there are, counted apart from
    // regintake's reader.
    let maildir = dir.path().join("Maildir");
    let messages = split_mbox_into_maildir(&mbox, &maildir);
    // The sample mailbox is every `fixtures/mail/*.eml` (fixtures/README.md), and the records
    // each one gives are in `fixtures/expected/`: the exact counts come from the fixtures.
    let mails: Vec<PathBuf> = files_in(&repo("fixtures"), &["mail"])
        .into_iter()
        .filter(|p| p.extension().is_some_and(|x| x == "eml"))
        .collect();
    assert_eq!(
        messages,
        mails.len() as u64,
        "the sample mailbox's messages"
    );
    let expected_records: usize = mails
        .iter()
        .map(|mail| {
            let name = mail.file_name().expect("a file name").to_string_lossy();
            let path = repo("fixtures/expected").join(format!("{name}.json"));
            let text = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let expected: serde_json::Value = serde_json::from_str(&text).expect("expected JSON");
            expected["records"].as_array().expect("records").len()
        })
        .sum();

    let first = summary(&stderr(&ok(run(
        &db,
        &["ingest", mbox.to_str().expect("path")],
    ))));
    assert_eq!(first[0], messages, "every message read: {first:?}");
    assert_eq!(
        first[1], expected_records as u64,
        "the records fixtures/expected holds: {first:?}"
    );
    assert_eq!(first[3], 0);
    assert_eq!(first[4], 0);

    let csv = export(&db, &[]);
    let rows = assert_spec_framing(&csv);
    assert_eq!(rows[0], header());
    assert_eq!(rows.len() as u64 - 1, first[1]);
    let flags_col = rows[0]
        .iter()
        .position(|c| c == "flags")
        .expect("flags column");
    let status_col = rows[0]
        .iter()
        .position(|c| c == "status")
        .expect("status column");
    for r in &rows[1..] {
        assert_eq!(
            r[status_col] == "ok",
            r[flags_col].is_empty(),
            "status follows flags: {r:?}"
        );
    }

    // Re-reading the same archive adds nothing.
    let again = summary(&stderr(&ok(run(
        &db,
        &["ingest", mbox.to_str().expect("path")],
    ))));
    assert_eq!(again[1], 0, "re-ingest added records: {again:?}");
    assert_eq!(
        again[3], first[0],
        "every message skipped as already recorded"
    );
    assert_eq!(export(&db, &[]), csv);

    // --reprocess appends revisions; the default export still shows one row per form.
    let re = summary(&stderr(&ok(run(
        &db,
        &["ingest", "--reprocess", mbox.to_str().expect("path")],
    ))));
    assert_eq!(re[1], first[1]);
    let latest = parse_csv(&export(&db, &[]));
    assert_eq!(latest.len(), rows.len());
    let all = parse_csv(&export(&db, &["--all-revisions"]));
    assert_eq!(all.len() - 1, 2 * (rows.len() - 1));

    // The same messages as a Maildir give the same rows.
    let db2 = dir.path().join("maildir.db");
    let m = summary(&stderr(&ok(run(
        &db2,
        &["ingest", maildir.to_str().expect("path")],
    ))));
    assert_eq!(m[0], first[0]);
    let maildir_rows = parse_csv(&export(&db2, &[]));
    assert_eq!(
        maildir_rows, rows,
        "mbox and Maildir of the same messages differ"
    );

    // status filter
    let review = parse_csv(&export(&db, &["--status", "needs_review"]));
    assert!(review[1..].iter().all(|r| r[status_col] == "needs_review"));
    let okrows = parse_csv(&export(&db, &["--status", "ok"]));
    assert_eq!(review.len() + okrows.len() - 2, latest.len() - 1);

    // --out is written and matches stdout.
    let out_file = dir.path().join("report.csv");
    ok(run(
        &db,
        &["export", "--out", out_file.to_str().expect("path")],
    ));
    assert_eq!(
        std::fs::read_to_string(&out_file).expect("report"),
        export(&db, &[])
    );
}

/// Writes each mbox message to its own file in `cur/`, in order, undoing mboxrd quoting;
/// returns how many there were.
fn split_mbox_into_maildir(mbox: &Path, maildir: &Path) -> u64 {
    for sub in ["cur", "new", "tmp"] {
        std::fs::create_dir_all(maildir.join(sub)).expect("maildir");
    }
    let text = std::fs::read(mbox).expect("mbox");
    let mut messages: Vec<Vec<u8>> = Vec::new();
    let mut prev_blank = true;
    for line in text.split_inclusive(|b| *b == b'\n') {
        if line.starts_with(b"From ") && prev_blank {
            messages.push(Vec::new());
            prev_blank = false;
            continue;
        }
        prev_blank = line == b"\n" || line == b"\r\n";
        let Some(m) = messages.last_mut() else {
            continue;
        };
        let stripped = line.iter().take_while(|b| **b == b'>').count();
        if stripped > 0 && line[stripped..].starts_with(b"From ") {
            m.extend_from_slice(&line[1..]);
        } else {
            m.extend_from_slice(line);
        }
    }
    for (i, m) in messages.iter_mut().enumerate() {
        // Drop the blank line that separated it from the next "From " line.
        if m.ends_with(b"\n\n") {
            m.pop();
        } else if m.ends_with(b"\r\n\r\n") {
            m.truncate(m.len() - 2);
        }
        std::fs::write(
            maildir.join("cur").join(format!("{:06}.msg:2,S", i + 1)),
            &m,
        )
        .expect("write");
    }
    messages.len() as u64
}

#[test]
fn second_writer_exits_75_and_writes_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("ledger.db");
    let _held = regintake::ledger::RunLock::acquire(&db)
        .map_err(|_| "lock")
        .expect("first lock");
    let out = run(&db, &["ingest", sample_mbox().to_str().expect("path")]);
    assert_eq!(
        out.status.code(),
        Some(75),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        !db.exists() || std::fs::metadata(&db).map(|m| m.len()).unwrap_or(0) == 0,
        "nothing written"
    );
}

#[test]
fn ledger_refuses_update_and_delete() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("ledger.db");
    ok(run(&db, &["ingest", sample_mbox().to_str().expect("path")]));
    let conn = rusqlite::Connection::open(&db).expect("open");
    let n: i64 = conn
        .query_row("SELECT count(*) FROM records", [], |r| r.get(0))
        .expect("count");
    assert!(n > 0);
    assert!(
        conn.execute("UPDATE records SET full_name = 'x'", [])
            .is_err(),
        "UPDATE allowed"
    );
    assert!(
        conn.execute("DELETE FROM records", []).is_err(),
        "DELETE allowed"
    );
    let after: i64 = conn
        .query_row("SELECT count(*) FROM records", [], |r| r.get(0))
        .expect("count");
    assert_eq!(after, n);
}

#[test]
fn usage_errors_exit_2_and_failures_exit_1() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("ledger.db");
    assert_eq!(run(&db, &["frobnicate"]).status.code(), Some(2));
    assert_eq!(
        run(&db, &["export", "--status", "maybe"]).status.code(),
        Some(2)
    );
    let missing = run(&db, &["ingest", "/nonexistent/mailbox"]);
    assert_eq!(missing.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&missing.stderr);
    assert!(
        stderr.contains("/nonexistent/mailbox"),
        "says what and where: {stderr}"
    );
    let bad_config = dir.path().join("bad.toml");
    std::fs::write(&bad_config, "[rules]\nip_min_prefix_v4 = \"wide\"\n").expect("write");
    let out = bin()
        .arg("--config")
        .arg(&bad_config)
        .arg("--db")
        .arg(&db)
        .args(["export"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("bad.toml"));
}

/// Runs the binary in `dir` (so relative `--db` paths are taken from there).
fn run_in(dir: &Path, args: &[&str]) -> Output {
    bin()
        .current_dir(dir)
        .args(args)
        .output()
        .expect("run regintake")
}

/// Records in the ledger, read without regintake (0 for a missing or empty file).
fn record_count(db: &Path) -> i64 {
    if std::fs::metadata(db).map(|m| m.len()).unwrap_or(0) == 0 {
        return 0;
    }
    let conn = rusqlite::Connection::open(db).expect("open");
    conn.query_row("SELECT count(*) FROM records", [], |r| r.get(0))
        .unwrap_or(0)
}

/// A real second run that holds the ledger's lock until dropped: `poll --once` against a
/// loopback server that accepts the connection and never greets. `poll` connects only after
/// it has taken the lock and opened the ledger, so once the server has a connection the lock
/// is held.
struct LockHolder {
    child: Child,
    _listener: TcpListener,
}

impl LockHolder {
    fn start(dir: &Path, db: &str) -> LockHolder {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let config = dir.join(format!("hold-{port}.toml"));
        std::fs::write(
            &config,
            format!(
                "[imap]\nhost = \"127.0.0.1\"\nport = {port}\ntls = \"none\"\n\
                 username = \"u@example.test\"\npassword = \"p\"\ntimeout_secs = 120\n"
            ),
        )
        .expect("config");
        let child = bin()
            .current_dir(dir)
            .arg("--config")
            .arg(&config)
            .args(["--db", db, "poll", "--once"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start poll");
        let mut holder = LockHolder {
            child,
            _listener: listener.try_clone().expect("clone"),
        };
        listener.set_nonblocking(true).expect("nonblocking");
        let until = Instant::now() + Duration::from_secs(60);
        loop {
            if let Ok((stream, _)) = listener.accept() {
                // Kept open (and silent) for as long as the holder lives.
                std::mem::forget(stream);
                return holder;
            }
            if let Ok(Some(status)) = holder.child.try_wait() {
                panic!("the lock-holding poll ended early: {status}");
            }
            assert!(Instant::now() < until, "poll never connected");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for LockHolder {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn assert_exit(out: &Output, code: i32, what: &str) -> String {
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(code), "{what}: stderr: {stderr}");
    stderr
}

#[test]
fn a_second_run_through_any_path_or_link_to_the_ledger_exits_75() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    std::fs::create_dir(d.join("real")).expect("mkdir");
    symlink("real/c.db", d.join("l.db")).expect("symlink");
    symlink("real", d.join("linked-folder")).expect("symlink");
    let mbox = sample_mbox();
    let mbox = mbox.to_str().expect("path");
    let absolute = d.join("real/c.db");
    let names = [
        "real/c.db",
        "l.db",
        "linked-folder/c.db",
        "./real/../real/./c.db",
        absolute.to_str().expect("path"),
    ];
    for holder_name in ["real/c.db", "l.db", "linked-folder/c.db"] {
        let holder = LockHolder::start(d, holder_name);
        for name in names {
            let out = run_in(d, &["--db", name, "ingest", mbox]);
            let stderr = assert_exit(&out, 75, &format!("{name} while {holder_name} runs"));
            assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");
            assert!(stderr.contains("lock"), "{stderr}");
            assert_eq!(record_count(&absolute), 0, "{name}: nothing written");
        }
        drop(holder);
    }
    // One lock file, beside the real ledger; none beside the links.
    assert!(d.join("real/c.db.lock").exists());
    assert!(!d.join("l.db.lock").exists());
    // With the first run gone, the run through the link writes to the one ledger.
    ok(run_in(d, &["--db", "l.db", "ingest", mbox]));
    assert!(record_count(&absolute) > 0);
    assert!(
        std::fs::symlink_metadata(d.join("l.db"))
            .expect("l.db")
            .file_type()
            .is_symlink(),
        "the link is still a link"
    );
}

#[test]
fn a_hard_linked_ledger_is_refused_by_every_name() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let mbox = sample_mbox();
    let mbox = mbox.to_str().expect("path");
    ok(run_in(d, &["--db", "c.db", "ingest", mbox]));
    let before = record_count(&d.join("c.db"));
    assert!(before > 0);
    // The first run holds the lock through its own name, then the file gets a second name.
    let holder = LockHolder::start(d, "c.db");
    std::fs::hard_link(d.join("c.db"), d.join("h.db")).expect("hard link");
    let out = run_in(d, &["--db", "h.db", "ingest", "--reprocess", mbox]);
    let stderr = assert_exit(&out, 1, "second run through a hard link");
    assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");
    assert!(
        stderr.contains("h.db") && stderr.contains("hard link"),
        "{stderr}"
    );
    drop(holder);
    // Refused by either name, for writing and for reading, until the extra name is gone.
    for args in [
        &["--db", "c.db", "ingest", "--reprocess", mbox][..],
        &["--db", "h.db", "ingest", "--reprocess", mbox][..],
        &["--db", "c.db", "export"][..],
    ] {
        let stderr = assert_exit(&run_in(d, args), 1, &format!("{args:?}"));
        assert!(stderr.contains("hard link"), "{stderr}");
    }
    assert_eq!(record_count(&d.join("c.db")), before, "nothing written");
    std::fs::remove_file(d.join("h.db")).expect("unlink");
    ok(run_in(d, &["--db", "c.db", "export"]));
}

#[test]
fn a_ledger_created_through_a_dangling_link_is_private_at_the_target() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    std::fs::create_dir(d.join("data")).expect("mkdir");
    symlink("data/ledger.db", d.join("l.db")).expect("symlink");
    let mbox = sample_mbox();
    ok(run_in(
        d,
        &["--db", "l.db", "ingest", mbox.to_str().expect("path")],
    ));
    let real = d.join("data/ledger.db");
    let mode = std::fs::metadata(&real)
        .expect("ledger")
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600, "ledger mode {mode:o}");
    assert!(record_count(&real) > 0);
    assert!(d.join("data/ledger.db.lock").exists());
}

fn file_bytes(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_default()
}

#[test]
fn export_refuses_an_out_that_is_the_ledger_or_one_of_its_files() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let mbox = sample_mbox();
    ok(run_in(
        d,
        &["--db", "c.db", "ingest", mbox.to_str().expect("path")],
    ));
    let records = record_count(&d.join("c.db"));
    symlink("c.db", d.join("l.db")).expect("symlink");
    symlink(".", d.join("here")).expect("symlink");
    std::fs::create_dir(d.join("sub")).expect("mkdir");
    symlink("c.db", d.join("report-link.csv")).expect("symlink");
    symlink("c.db-wal", d.join("wal-link.csv")).expect("symlink");
    std::fs::hard_link(d.join("c.db.lock"), d.join("lock-copy.csv")).expect("hard link");
    let absolute = |name: &str| d.join(name).to_str().expect("path").to_string();
    let outs = [
        "c.db".to_string(),
        "l.db".to_string(),
        "./sub/../here/c.db".to_string(),
        "c.db-wal".to_string(),
        "c.db-shm".to_string(),
        "c.db.lock".to_string(),
        "here/c.db-shm".to_string(),
        "report-link.csv".to_string(),
        "wal-link.csv".to_string(),
        "lock-copy.csv".to_string(),
        absolute("c.db"),
        absolute("c.db-wal"),
        absolute("here/c.db-shm"),
        absolute("c.db.lock"),
    ];
    // Once while a reader keeps the ledger's -wal and -shm in place (compared by device and
    // inode), once after it closed them (compared by path).
    for with_journal in [true, false] {
        let reader = with_journal.then(|| {
            let conn = rusqlite::Connection::open(d.join("c.db")).expect("open");
            conn.query_row("SELECT count(*) FROM records", [], |r| r.get::<_, i64>(0))
                .expect("read");
            conn
        });
        assert_eq!(d.join("c.db-wal").exists(), with_journal);
        let before = file_bytes(&d.join("c.db"));
        // Through the link, its own name's files count too.
        let through_link = [
            &outs[..],
            &["l.db-wal".to_string(), absolute("here/l.db-shm")],
        ]
        .concat();
        for (db, outs) in [("c.db", &outs[..]), ("l.db", &through_link[..])] {
            for out in outs {
                let run = run_in(d, &["--db", db, "export", "--out", out]);
                let stderr = assert_exit(&run, 2, &format!("--db {db} export --out {out}"));
                assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");
                assert!(stderr.contains(out.as_str()), "names --out: {stderr}");
            }
        }
        assert_eq!(file_bytes(&d.join("c.db")), before, "the ledger changed");
        assert!(
            std::fs::symlink_metadata(d.join("report-link.csv"))
                .expect("link")
                .file_type()
                .is_symlink()
        );
        drop(reader);
    }
    // A hard link to the ledger itself is refused as --out too (before the ledger, which now
    // has two names, is refused for that).
    std::fs::hard_link(d.join("c.db"), d.join("h.csv")).expect("hard link");
    assert_exit(
        &run_in(d, &["--db", "c.db", "export", "--out", "h.csv"]),
        2,
        "hard link",
    );
    std::fs::remove_file(d.join("h.csv")).expect("unlink");
    // Not a regular file: refused, not replaced.
    std::fs::create_dir(d.join("folder.csv")).expect("mkdir");
    for out in ["folder.csv", "/dev/null"] {
        assert_exit(
            &run_in(d, &["--db", "c.db", "export", "--out", out]),
            2,
            out,
        );
    }
    assert!(d.join("folder.csv").is_dir());
    assert_eq!(record_count(&d.join("c.db")), records);
    // Any other name is written.
    ok(run_in(d, &["--db", "l.db", "export", "--out", "c.db.csv"]));
    assert!(file_bytes(&d.join("c.db.csv")).starts_with("\u{feff}".as_bytes()));
}

#[test]
fn a_new_report_is_private_whatever_the_umask_and_a_replaced_one_keeps_its_mode() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let mbox = sample_mbox();
    ok(run_in(
        d,
        &["--db", "l.db", "ingest", mbox.to_str().expect("path")],
    ));
    let export_with_umask = |out: &str| {
        let out = Command::new("sh")
            .current_dir(d)
            .arg("-c")
            .arg(r#"umask 000 && exec "$0" --db l.db export --out "$1""#)
            .arg(REGINTAKE)
            .arg(out)
            .env_remove("REGINTAKE_CONFIG")
            .env_remove("REGINTAKE_DB")
            .output()
            .expect("sh");
        ok(out);
    };
    let mode = |name: &str| {
        std::fs::metadata(d.join(name))
            .expect("report")
            .permissions()
            .mode()
            & 0o777
    };
    export_with_umask("new.csv");
    assert_eq!(mode("new.csv"), 0o600);
    std::fs::write(d.join("shared.csv"), "old").expect("write");
    std::fs::set_permissions(d.join("shared.csv"), std::fs::Permissions::from_mode(0o640))
        .expect("chmod");
    export_with_umask("shared.csv");
    assert_eq!(mode("shared.csv"), 0o640);
    assert_eq!(
        file_bytes(&d.join("shared.csv")),
        file_bytes(&d.join("new.csv"))
    );
}

/// Overwrites the middle third of the file's 4 KiB pages with a pattern no page has.
fn damage_middle_pages(path: &Path) {
    use std::io::{Seek, SeekFrom, Write};
    const PAGE: u64 = 4096;
    let pages = std::fs::metadata(path).expect("ledger").len() / PAGE;
    assert!(
        pages >= 6,
        "too small a ledger to damage its middle: {pages} pages"
    );
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .open(path)
        .expect("open");
    for page in pages / 3..2 * pages / 3 {
        file.seek(SeekFrom::Start(page * PAGE)).expect("seek");
        file.write_all(&[0xA5; PAGE as usize]).expect("write");
    }
}

/// Asserts a failed run printed exactly one line, naming `db` once, without rusqlite's error
/// codes or SQL; returns it.
fn one_error_line(out: &Output, db: &str, what: &str) -> String {
    let stderr = assert_exit(out, 1, what);
    assert_eq!(stderr.lines().count(), 1, "{what}: one line: {stderr}");
    assert_eq!(
        stderr.matches(db).count(),
        1,
        "{what}: names {db} once: {stderr}"
    );
    for noise in ["Error code", "CREATE", "SqliteFailure", "Some(", "{"] {
        assert!(!stderr.contains(noise), "{what}: {noise:?} in {stderr}");
    }
    stderr
}

#[test]
fn a_damaged_ledger_is_refused_in_one_line_and_left_as_it_was() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let mbox = sample_mbox();
    let mbox = mbox.to_str().expect("path");
    ok(run_in(d, &["--db", "c.db", "ingest", mbox]));
    assert!(
        !d.join("c.db-wal").exists(),
        "the journal was not checkpointed"
    );
    damage_middle_pages(&d.join("c.db"));
    let before = file_bytes(&d.join("c.db"));
    for args in [
        &["--db", "c.db", "ingest", "--reprocess", mbox][..],
        &["--db", "c.db", "ingest", mbox][..],
        &["--db", "c.db", "export"][..],
    ] {
        let line = one_error_line(&run_in(d, args), "c.db", &format!("{args:?}"));
        assert!(line.contains("damaged"), "{args:?}: {line}");
    }
    assert_eq!(
        file_bytes(&d.join("c.db")),
        before,
        "the damaged ledger changed"
    );
}

#[test]
fn ledger_errors_are_one_line_without_repeats_or_error_codes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    std::fs::create_dir(d.join("folder.db")).expect("mkdir");
    std::fs::write(d.join("junk.db"), "not a database ".repeat(100)).expect("write");
    // Our file at schema version 0 holding a table the first migration creates: it fails.
    let conn = rusqlite::Connection::open(d.join("old.db")).expect("open");
    conn.pragma_update(None, "application_id", 0x5267_496e)
        .expect("application_id");
    conn.execute("CREATE TABLE records (x INTEGER)", [])
        .expect("create");
    drop(conn);
    let mbox = sample_mbox();
    let mbox = mbox.to_str().expect("path");
    for db in ["folder.db", "junk.db", "old.db"] {
        for args in [&["ingest", mbox][..], &["export"][..]] {
            let args = [&["--db", db][..], args].concat();
            let line = one_error_line(&run_in(d, &args), db, &format!("{args:?}"));
            if db == "old.db" {
                assert!(line.contains("migration 1"), "{line}");
            }
        }
    }
}
