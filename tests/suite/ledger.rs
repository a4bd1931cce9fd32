//! Ledger tests: schema, append-only enforcement, idempotency, revisions, supersedes, report
//! filters, IMAP progress, failures, the run lock and durability.

use crate::support::{all_revisions, assert_refused_as_append_only};
use chrono::{DateTime, NaiveDate};
use regintake::extract::Source;
use regintake::ledger::{
    Appended, DecideError, ExportFilter, Ledger, LockError, MailboxState, NewDecision, NewMessage,
    NewRecord, Outcome, RunLock, Status,
};
use regintake::report;
use regintake::validate::{Fields, Flag, Service};
use std::path::PathBuf;

fn db() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ledger.db");
    (dir, path)
}

fn record(email: &str, organisation: &str, flags: &[Flag]) -> NewRecord {
    NewRecord {
        attachment: "form.pdf".into(),
        source: Source::PdfForm,
        fields: Fields {
            full_name: "Dr Jane Citizen".into(),
            organisation: organisation.into(),
            contact_email: email.into(),
            terms_accepted: Some(true),
            service: Some(Service::Partner),
            ip_allowlist: "150.203.0.0/24".into(),
            expected_records_per_day: Some(5000),
            expected_api_calls_per_day: None,
            user_guide_agreed: Some(true),
        },
        flags: flags.to_vec(),
        notes: flags
            .iter()
            .map(|f| format!("Found {}.", f.as_str()))
            .collect::<Vec<_>>()
            .join(" "),
        due_by: NaiveDate::from_ymd_opt(2026, 3, 9).unwrap(),
        detail: regintake::ledger::RecordDetail::notes(vec!["test".into()]),
    }
}

fn message(key: &str, received_at: &str, records: Vec<NewRecord>) -> NewMessage {
    NewMessage {
        key: key.into(),
        message_id: format!("<{key}>"),
        sender: "Jane <jane@example.org>".into(),
        subject: "Registration".into(),
        received_at: DateTime::parse_from_rfc3339(received_at).unwrap(),
        raw_sha256: "ab".repeat(32),
        raw_size: 1234,
        origin: format!("mbox:/tmp/x#{key}"),
        records,
    }
}

fn simple(key: &str, received_at: &str) -> NewMessage {
    message(
        key,
        received_at,
        vec![record("jane@example.org", "ABS", &[])],
    )
}

fn added(records: usize, needs_review: usize) -> Appended {
    Appended::Added {
        records,
        needs_review,
    }
}

#[test]
fn migrations_create_strict_tables_and_pragmas() {
    let (_dir, path) = db();
    drop(Ledger::open(&path).unwrap());
    // Opening again must not re-apply migration 1 (it would fail on existing tables).
    drop(Ledger::open(&path).unwrap());
    let conn = rusqlite::Connection::open(&path).unwrap();
    let mut stmt = conn
        .prepare("SELECT name, sql FROM sqlite_master WHERE type = 'table' ORDER BY name")
        .unwrap();
    let tables: Vec<(String, String)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let names: Vec<&str> = tables.iter().map(|(n, _)| n.as_str()).collect();
    for wanted in [
        "failures",
        "mailbox_state",
        "message_keys",
        "messages",
        "records",
    ] {
        assert!(names.contains(&wanted), "{wanted} missing from {names:?}");
    }
    for (name, sql) in &tables {
        assert!(
            sql.trim_end().ends_with("STRICT"),
            "table {name} is not STRICT: {sql}"
        );
    }
    let version: i64 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    assert!(version >= 1);
    let mode: String = conn
        .pragma_query_value(None, "journal_mode", |r| r.get(0))
        .unwrap();
    assert_eq!(mode.to_lowercase(), "wal");
}

#[test]
fn database_refuses_update_delete_and_replace() {
    let (_dir, path) = db();
    let mut ledger = Ledger::open(&path).unwrap();
    ledger
        .append(&[simple("mid:a@x", "2026-03-02T09:00:00+11:00")], false)
        .unwrap();
    ledger.record_failure("mid:z@x", "mbox", "boom").unwrap();
    ledger
        .save_mailbox_state(
            "u@h",
            "INBOX",
            MailboxState {
                uidvalidity: 1,
                last_uid: 2,
            },
        )
        .unwrap();
    drop(ledger);

    let conn = rusqlite::Connection::open(&path).unwrap();
    assert_refused_as_append_only(
        &conn,
        &[
            "UPDATE records SET full_name = 'Mallory'",
            "DELETE FROM records",
            "UPDATE messages SET sender = 'x'",
            "DELETE FROM messages",
            "UPDATE message_keys SET key = 'x'",
            "DELETE FROM message_keys",
            "DELETE FROM failures",
            "UPDATE mailbox_state SET last_uid = 0",
            "DELETE FROM mailbox_state",
            // REPLACE would silently delete the old row; the insert trigger refuses it.
            "INSERT OR REPLACE INTO message_keys (key_id, key, first_recorded_at) \
             VALUES (1, 'mid:other', 'now')",
        ],
    );
    let name: String = conn
        .query_row("SELECT full_name FROM records", [], |r| r.get(0))
        .unwrap();
    assert_eq!(name, "Dr Jane Citizen");
    let key: String = conn
        .query_row("SELECT key FROM message_keys WHERE key_id = 1", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(key, "mid:a@x");
}

#[test]
fn second_append_of_same_key_adds_nothing() {
    let (_dir, path) = db();
    let mut ledger = Ledger::open(&path).unwrap();
    let m = simple("mid:a@x", "2026-03-02T09:00:00+11:00");
    assert!(!ledger.contains("mid:a@x").unwrap());
    assert_eq!(
        ledger.append(std::slice::from_ref(&m), false).unwrap(),
        vec![added(1, 0)]
    );
    assert!(ledger.contains("mid:a@x").unwrap());
    assert_eq!(
        ledger.append(std::slice::from_ref(&m), false).unwrap(),
        vec![Appended::AlreadyRecorded]
    );
    // Within one batch, a key seen twice is recorded once, even with reprocess.
    let n = simple("mid:b@x", "2026-03-02T10:00:00+11:00");
    assert_eq!(
        ledger.append(&[n.clone(), n.clone()], true).unwrap(),
        vec![added(1, 0), Appended::AlreadyRecorded]
    );
    let rows = all_revisions(&ledger);
    assert_eq!(rows.len(), 2);
    let keys = ledger.keys().unwrap();
    assert_eq!(keys.len(), 2);
    assert!(keys.contains("mid:a@x") && keys.contains("mid:b@x"));
    // Survives reopening.
    drop(ledger);
    let mut ledger = Ledger::open(&path).unwrap();
    assert_eq!(
        ledger.append(&[m], false).unwrap(),
        vec![Appended::AlreadyRecorded]
    );
}

#[test]
fn reprocess_adds_a_revision_and_export_shows_latest_by_default() {
    let (_dir, path) = db();
    let mut ledger = Ledger::open(&path).unwrap();
    let first = message(
        "mid:a@x",
        "2026-03-02T09:00:00+11:00",
        vec![
            record("jane@example.org", "ABS", &[Flag::DynamicIp]),
            record("jane@example.org", "ABS", &[]),
        ],
    );
    assert_eq!(ledger.append(&[first], false).unwrap(), vec![added(2, 1)]);
    let mut second = message(
        "mid:a@x",
        "2026-03-02T09:00:00+11:00",
        vec![
            record("jane@example.org", "ABS", &[]),
            record("jane@example.org", "ABS", &[]),
        ],
    );
    second.records[0].attachment = "fixed.pdf".into();
    assert_eq!(ledger.append(&[second], true).unwrap(), vec![added(2, 0)]);

    let latest = report::rows(&ledger, &ExportFilter::default()).unwrap();
    assert_eq!(latest.len(), 2);
    assert_eq!(latest[0].attachment, "fixed.pdf");
    assert!(latest.iter().all(|r| r.status == Status::Ok));
    let all = all_revisions(&ledger);
    assert_eq!(all.len(), 4);
    assert_eq!(all[0].flags, "dynamic_ip");
    assert_eq!(all[0].status, Status::NeedsReview);
    assert!(all.windows(2).all(|w| w[0].record_id < w[1].record_id));
    // The old revision is kept in the file, under revision 1.
    let conn = rusqlite::Connection::open(&path).unwrap();
    let revisions: Vec<i64> = conn
        .prepare("SELECT revision FROM messages ORDER BY message_ref")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(revisions, vec![1, 2]);
}

#[test]
fn export_values_are_as_the_csv_shows_them() {
    let (_dir, path) = db();
    let mut ledger = Ledger::open(&path).unwrap();
    let mut m = message(
        "mid:a@x",
        "2026-03-02T09:05:07+11:00",
        vec![record(
            "jane@example.org",
            "ABS",
            &[Flag::MissingExpectedCalls, Flag::DynamicIp],
        )],
    );
    m.records[0].fields.service = None;
    m.records[0].fields.terms_accepted = Some(false);
    ledger.append(&[m], false).unwrap();
    let rows = report::rows(&ledger, &ExportFilter::default()).unwrap();
    assert_eq!(rows.len(), 1);
    let r = &rows[0];
    assert_eq!(
        r.received_at.0.map(|t| t.to_rfc3339()).as_deref(),
        Some("2026-03-02T09:05:07+11:00")
    );
    assert_eq!(r.due_by.0, NaiveDate::from_ymd_opt(2026, 3, 9).unwrap());
    assert_eq!(r.message_id, "<mid:a@x>");
    assert_eq!(r.source, "pdf-form");
    assert_eq!(r.terms_accepted, "no");
    assert_eq!(r.user_guide_agreed, "yes");
    assert_eq!(r.service, "");
    assert_eq!(r.expected_records_per_day, Some(5000));
    assert_eq!(r.expected_api_calls_per_day, None);
    // Codes in the order given, not re-sorted.
    assert_eq!(r.flags, "missing_expected_calls;dynamic_ip");
    assert_eq!(r.status, Status::NeedsReview);
    assert_eq!(r.supersedes, None);
}

#[test]
fn supersedes_links_same_contact_and_organisation_across_messages() {
    let (_dir, path) = db();
    let mut ledger = Ledger::open(&path).unwrap();
    // Received at 10:00 UTC (later than b's 09:30 UTC although its local time is earlier).
    let a = message(
        "mid:a@x",
        "2026-03-02T05:00:00-05:00",
        vec![record("Jane@Example.org", "Bureau  of Statistics", &[])],
    );
    let b = message(
        "mid:b@x",
        "2026-03-02T20:30:00+11:00",
        vec![record("jane@example.org", "bureau of statistics", &[])],
    );
    // Same email, other organisation: not linked.
    let c = message(
        "mid:c@x",
        "2026-03-03T09:00:00+11:00",
        vec![record("jane@example.org", "Other Org", &[])],
    );
    // Two records in one message are not linked to each other.
    let d = message(
        "mid:d@x",
        "2026-03-04T09:00:00+11:00",
        vec![
            record("JANE@example.org", "BUREAU OF STATISTICS", &[]),
            record("jane@example.org", "Bureau of Statistics", &[]),
        ],
    );
    // No email: supersedes nothing.
    let e = message(
        "mid:e@x",
        "2026-03-05T09:00:00+11:00",
        vec![record(
            "",
            "Bureau of Statistics",
            &[Flag::MissingContactEmail],
        )],
    );
    ledger.append(&[b, a], false).unwrap();
    ledger.append(&[c, d, e], false).unwrap();
    let rows = report::rows(&ledger, &ExportFilter::default()).unwrap();
    let by_key = |k: &str| {
        rows.iter()
            .filter(|r| r.message_id == format!("<{k}>"))
            .collect::<Vec<_>>()
    };
    let b_id = by_key("mid:b@x")[0].record_id;
    let a_row = by_key("mid:a@x")[0];
    assert_eq!(by_key("mid:b@x")[0].supersedes, None, "b is the earliest");
    assert_eq!(a_row.supersedes, Some(b_id), "a came after b");
    assert_eq!(
        by_key("mid:c@x")[0].supersedes,
        None,
        "different organisation"
    );
    for d_row in by_key("mid:d@x") {
        assert_eq!(d_row.supersedes, Some(a_row.record_id));
    }
    assert_eq!(by_key("mid:e@x")[0].supersedes, None);
}

#[test]
fn supersedes_points_at_latest_revision_of_the_earlier_message() {
    let (_dir, path) = db();
    let mut ledger = Ledger::open(&path).unwrap();
    let a = simple("mid:a@x", "2026-03-02T09:00:00+11:00");
    ledger.append(std::slice::from_ref(&a), false).unwrap();
    ledger.append(&[a], true).unwrap();
    ledger
        .append(&[simple("mid:b@x", "2026-03-03T09:00:00+11:00")], false)
        .unwrap();
    let all = all_revisions(&ledger);
    assert_eq!(all.len(), 3);
    // a rev 1, a rev 2, b: b supersedes a's revision 2, and a's revisions never link to a.
    assert_eq!(all[0].supersedes, None);
    assert_eq!(all[1].supersedes, None);
    assert_eq!(all[2].supersedes, Some(all[1].record_id));
}

#[test]
fn since_until_and_status_filters_use_canberra_days() {
    let (_dir, path) = db();
    let mut ledger = Ledger::open(&path).unwrap();
    ledger
        .append(
            &[
                message(
                    "mid:a@x",
                    "2026-03-01T23:30:00+11:00",
                    vec![record("a@x.org", "A", &[])],
                ),
                // 01:30 on 2 March in Canberra; its Date header says 1 March (UTC).
                message(
                    "mid:b@x",
                    "2026-03-01T14:30:00+00:00",
                    vec![record("b@x.org", "B", &[Flag::NoFormFound])],
                ),
                // 2 March in New York, 3 March in Canberra.
                message(
                    "mid:c@x",
                    "2026-03-02T09:00:00-05:00",
                    vec![record("c@x.org", "C", &[])],
                ),
                // The last second of 3 March in Canberra.
                message(
                    "mid:d@x",
                    "2026-03-03T23:59:59+11:00",
                    vec![record("d@x.org", "D", &[])],
                ),
            ],
            false,
        )
        .unwrap();
    let emails = |since: Option<u32>, until: Option<u32>, status: Option<Status>| {
        report::rows(
            &ledger,
            &ExportFilter {
                since: since.and_then(|d| NaiveDate::from_ymd_opt(2026, 3, d)),
                until: until.and_then(|d| NaiveDate::from_ymd_opt(2026, 3, d)),
                status,
                ..Default::default()
            },
        )
        .unwrap()
        .into_iter()
        .map(|r| r.contact_email)
        .collect::<Vec<_>>()
    };
    let all = ["a@x.org", "b@x.org", "c@x.org", "d@x.org"];
    assert_eq!(emails(Some(1), None, None), all);
    assert_eq!(
        emails(Some(2), None, None),
        ["b@x.org", "c@x.org", "d@x.org"]
    );
    assert_eq!(emails(Some(3), None, None), ["c@x.org", "d@x.org"]);
    assert_eq!(emails(Some(4), None, None), Vec::<String>::new());
    assert_eq!(emails(None, Some(1), None), ["a@x.org"]);
    assert_eq!(emails(None, Some(2), None), ["a@x.org", "b@x.org"]);
    assert_eq!(emails(Some(2), Some(2), None), ["b@x.org"]);
    assert_eq!(emails(Some(3), Some(3), None), ["c@x.org", "d@x.org"]);
    assert_eq!(emails(Some(3), Some(2), None), Vec::<String>::new());
    assert_eq!(
        emails(Some(1), None, Some(Status::Ok)),
        ["a@x.org", "c@x.org", "d@x.org"]
    );
    assert_eq!(
        emails(Some(2), None, Some(Status::NeedsReview)),
        ["b@x.org"]
    );
    // Shown in Canberra time, whatever offset the message gave.
    let shown: Vec<String> = report::rows(&ledger, &ExportFilter::default())
        .unwrap()
        .iter()
        .map(|r| r.values()[1].to_string())
        .collect();
    assert_eq!(
        shown,
        [
            "2026-03-01T23:30:00+11:00",
            "2026-03-02T01:30:00+11:00",
            "2026-03-03T01:00:00+11:00",
            "2026-03-03T23:59:59+11:00"
        ]
    );
}

#[test]
fn has_form_looks_at_the_latest_revision() {
    let (_dir, path) = db();
    let mut ledger = Ledger::open(&path).unwrap();
    assert_eq!(ledger.has_form("mid:a@x").unwrap(), None);
    let no_form = message(
        "mid:a@x",
        "2026-03-02T09:00:00+11:00",
        vec![record("", "", &[Flag::MissingFullName, Flag::NoFormFound])],
    );
    ledger.append(&[no_form], false).unwrap();
    assert_eq!(ledger.has_form("mid:a@x").unwrap(), Some(false));
    let with_form = message(
        "mid:a@x",
        "2026-03-02T09:00:00+11:00",
        vec![
            record("", "", &[Flag::NoFormFound]),
            record("jane@example.org", "ABS", &[Flag::DynamicIp]),
        ],
    );
    ledger.append(&[with_form], true).unwrap();
    assert_eq!(ledger.has_form("mid:a@x").unwrap(), Some(true));
}

#[test]
fn mailbox_state_newest_wins() {
    let (_dir, path) = db();
    let mut ledger = Ledger::open(&path).unwrap();
    assert_eq!(ledger.mailbox_state("u@h", "INBOX").unwrap(), None);
    let s1 = MailboxState {
        uidvalidity: 7,
        last_uid: 10,
    };
    let s2 = MailboxState {
        uidvalidity: u32::MAX,
        last_uid: 3,
    };
    ledger.save_mailbox_state("u@h", "INBOX", s1).unwrap();
    ledger.save_mailbox_state("u@h", "Other", s1).unwrap();
    assert_eq!(ledger.mailbox_state("u@h", "INBOX").unwrap(), Some(s1));
    ledger.save_mailbox_state("u@h", "INBOX", s2).unwrap();
    drop(ledger);
    let ledger = Ledger::open(&path).unwrap();
    assert_eq!(ledger.mailbox_state("u@h", "INBOX").unwrap(), Some(s2));
    assert_eq!(ledger.mailbox_state("u@h", "Other").unwrap(), Some(s1));
    assert_eq!(ledger.mailbox_state("v@h", "INBOX").unwrap(), None);
}

#[test]
fn failures_are_counted_per_key() {
    let (_dir, path) = db();
    let mut ledger = Ledger::open(&path).unwrap();
    assert_eq!(ledger.failure_count("mid:a@x").unwrap(), 0);
    assert_eq!(ledger.record_failure("mid:a@x", "imap", "r1").unwrap(), 1);
    assert_eq!(ledger.record_failure("mid:b@x", "imap", "r1").unwrap(), 1);
    assert_eq!(ledger.record_failure("mid:a@x", "imap", "r2").unwrap(), 2);
    assert_eq!(ledger.failure_count("mid:a@x").unwrap(), 2);
    assert_eq!(ledger.failure_count("mid:b@x").unwrap(), 1);
}

#[test]
fn second_lock_is_held_until_the_first_is_dropped() {
    let (_dir, path) = db();
    let first = RunLock::acquire(&path).unwrap();
    assert!(regintake::ledger::lock_path(&path).unwrap().exists());
    match RunLock::acquire(&path) {
        Err(LockError::Held) => {}
        other => panic!("expected Held, got {other:?}"),
    }
    drop(first);
    let again = RunLock::acquire(&path);
    assert!(again.is_ok(), "{again:?}");
}

#[cfg(unix)]
#[test]
fn the_lock_is_the_files_whatever_path_or_link_names_it() {
    use std::os::unix::fs::symlink;
    let (dir, path) = db();
    let d = dir.path();
    std::fs::create_dir(d.join("sub")).unwrap();
    symlink(&path, d.join("link.db")).unwrap();
    symlink(d, d.join("sub/up")).unwrap();
    let first = RunLock::acquire(&d.join("link.db")).unwrap();
    for other in [
        path.clone(),
        d.join("sub/../ledger.db"),
        d.join("sub/up/ledger.db"),
        d.join("sub/up/link.db"),
    ] {
        match RunLock::acquire(&other) {
            Err(LockError::Held) => {}
            other_result => panic!("{}: expected Held, got {other_result:?}", other.display()),
        }
        assert_eq!(
            regintake::ledger::lock_path(&other).unwrap(),
            regintake::ledger::lock_path(&path).unwrap()
        );
    }
    drop(first);
    assert!(RunLock::acquire(&d.join("sub/up/link.db")).is_ok());
}

#[cfg(unix)]
#[test]
fn open_refuses_a_ledger_with_two_names() {
    let (dir, path) = db();
    let mut ledger = Ledger::open(&path).unwrap();
    ledger
        .append(&[simple("mid:a@x", "2026-03-02T09:00:00+11:00")], false)
        .unwrap();
    drop(ledger);
    let other = dir.path().join("other-name.db");
    std::fs::hard_link(&path, &other).unwrap();
    for name in [&path, &other] {
        let err = Ledger::open(name).err().expect("must refuse");
        let text = format!("{err:#}");
        assert!(text.contains("hard link"), "{text}");
        assert!(text.contains(&name.display().to_string()), "{text}");
    }
    // No journal was started beside the second name.
    assert!(!dir.path().join("other-name.db-wal").exists());
    std::fs::remove_file(&other).unwrap();
    assert!(Ledger::open(&path).unwrap().contains("mid:a@x").unwrap());
}

#[test]
fn lock_in_a_missing_folder_is_an_io_error() {
    let (dir, _) = db();
    let path = dir.path().join("no/such/folder/ledger.db");
    assert!(matches!(RunLock::acquire(&path), Err(LockError::Io(_))));
}

#[test]
fn failed_batch_leaves_nothing_and_earlier_commits_stay() {
    let (_dir, path) = db();
    let mut ledger = Ledger::open(&path).unwrap();
    ledger
        .append(&[simple("mid:a@x", "2026-03-02T09:00:00+11:00")], false)
        .unwrap();
    // The second message cannot be stored (its size does not fit an SQLite INTEGER), so the
    // batch fails after the first message of it was inserted.
    let good = simple("mid:b@x", "2026-03-03T09:00:00+11:00");
    let mut bad = simple("mid:c@x", "2026-03-04T09:00:00+11:00");
    bad.raw_size = u64::MAX;
    let err = ledger.append(&[good.clone(), bad], false).unwrap_err();
    let text = format!("{err:#}");
    assert!(text.contains(&path.display().to_string()), "{text}");
    assert!(ledger.contains("mid:a@x").unwrap());
    assert!(!ledger.contains("mid:b@x").unwrap());
    assert!(!ledger.contains("mid:c@x").unwrap());
    drop(ledger);

    // A fresh connection (as after a crash and restart) sees the same.
    let mut ledger = Ledger::open(&path).unwrap();
    let rows = all_revisions(&ledger);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].message_id, "<mid:a@x>");
    let conn = rusqlite::Connection::open(&path).unwrap();
    let messages: i64 = conn
        .query_row("SELECT COUNT(*) FROM messages", [], |r| r.get(0))
        .unwrap();
    assert_eq!(messages, 1);
    drop(conn);
    // The failed batch can be retried.
    assert_eq!(ledger.append(&[good], false).unwrap(), vec![added(1, 0)]);
}

#[test]
fn ledger_keeps_raw_values() {
    let (_dir, path) = db();
    let mut ledger = Ledger::open(&path).unwrap();
    let mut m = message(
        "mid:a@x",
        "2026-03-02T09:00:00+11:00",
        vec![record("jane@example.org", "=HYPERLINK(\"http://x\")", &[])],
    );
    m.subject = "+61 2 6252 5000".into();
    ledger.append(&[m], false).unwrap();
    let conn = rusqlite::Connection::open(&path).unwrap();
    let (organisation, subject): (String, String) = conn
        .query_row(
            "SELECT r.organisation, m.subject FROM records r JOIN messages m USING (message_ref)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(organisation, "=HYPERLINK(\"http://x\")");
    assert_eq!(subject, "+61 2 6252 5000");
}

#[test]
fn open_refuses_another_programs_database() {
    let (_dir, path) = db();
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.pragma_update(None, "application_id", 42).unwrap();
    conn.execute("CREATE TABLE t (x INTEGER)", []).unwrap();
    drop(conn);
    let err = Ledger::open(&path).err().expect("must refuse");
    assert!(
        format!("{err:#}").contains("not a regintake ledger"),
        "{err:#}"
    );

    // Without an application_id, any existing table means it is not ours either; and the
    // file is left as it was (not switched to WAL).
    let other = path.with_file_name("other.db");
    let conn = rusqlite::Connection::open(&other).unwrap();
    conn.execute("CREATE TABLE t (x INTEGER)", []).unwrap();
    drop(conn);
    let err = Ledger::open(&other).err().expect("must refuse");
    assert!(
        format!("{err:#}").contains("not a regintake ledger"),
        "{err:#}"
    );
    let conn = rusqlite::Connection::open(&other).unwrap();
    let mode: String = conn
        .pragma_query_value(None, "journal_mode", |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "delete");
}

#[test]
fn export_opens_and_reads_while_a_run_is_writing() {
    let (_dir, path) = db();
    let mut ledger = Ledger::open(&path).unwrap();
    ledger
        .append(&[simple("mid:a@x", "2026-03-02T09:00:00+11:00")], false)
        .unwrap();
    // Another connection holds the write lock with an uncommitted row.
    let mut writer = rusqlite::Connection::open(&path).unwrap();
    let tx = writer
        .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
        .unwrap();
    tx.execute(
        "INSERT INTO failures (key, origin, reason, at) VALUES ('k', 'o', 'r', 'now')",
        [],
    )
    .unwrap();
    let started = std::time::Instant::now();
    let reader = Ledger::open(&path).unwrap();
    assert_eq!(
        report::rows(&reader, &ExportFilter::default())
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        reader.failure_count("k").unwrap(),
        0,
        "uncommitted row seen"
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(2));
    tx.commit().unwrap();
    assert_eq!(reader.failure_count("k").unwrap(), 1);
}

#[test]
fn open_names_the_path_when_the_file_is_not_a_database() {
    let (_dir, path) = db();
    std::fs::write(
        &path,
        b"this is not an SQLite database, just some text ........",
    )
    .unwrap();
    let err = Ledger::open(&path).err().expect("must fail");
    let text = format!("{err:#}");
    assert!(text.contains(&path.display().to_string()), "{text}");
}

#[cfg(unix)]
#[test]
fn new_ledger_is_private_to_its_owner() {
    use std::os::unix::fs::PermissionsExt;
    let (_dir, path) = db();
    let mut ledger = Ledger::open(&path).unwrap();
    ledger
        .append(&[simple("mid:a@x", "2026-03-02T09:00:00+11:00")], false)
        .unwrap();
    for file in [
        path.clone(),
        PathBuf::from(format!("{}-wal", path.display())),
    ] {
        let mode = std::fs::metadata(&file).unwrap().permissions().mode();
        assert_eq!(mode & 0o077, 0, "{} has mode {mode:o}", file.display());
    }
}

#[test]
fn supersedes_orders_same_instant_by_first_recording() {
    let (_dir, path) = db();
    let mut ledger = Ledger::open(&path).unwrap();
    // The same instant written in two offsets.
    let a = simple("mid:a@x", "2026-03-02T09:00:00+11:00");
    let b = simple("mid:b@x", "2026-03-01T22:00:00+00:00");
    ledger.append(&[a.clone(), b], false).unwrap();
    // Reprocessing a (first recorded) must not make it supersede b.
    ledger.append(&[a], true).unwrap();
    let all = all_revisions(&ledger);
    assert_eq!(all.len(), 3);
    assert_eq!(all[0].supersedes, None);
    assert_eq!(all[1].supersedes, Some(all[0].record_id));
    assert_eq!(all[2].message_id, "<mid:a@x>");
    assert_eq!(all[2].supersedes, None);
}

#[test]
fn ledger_and_lock_can_move_to_another_thread() {
    fn assert_send<T: Send>() {}
    assert_send::<Ledger>();
    assert_send::<RunLock>();
}

/// Overwrites the middle third of the file's pages with a pattern no page has, as a disk or a
/// careless copy might; the first page (the header) and the last stay as they were.
fn damage_middle_pages(path: &std::path::Path) {
    use std::io::{Seek, SeekFrom, Write};
    const PAGE: u64 = 4096;
    let pages = std::fs::metadata(path).unwrap().len() / PAGE;
    assert!(
        pages >= 6,
        "too small a ledger to damage its middle: {pages} pages"
    );
    let mut file = std::fs::OpenOptions::new().write(true).open(path).unwrap();
    for page in pages / 3..2 * pages / 3 {
        file.seek(SeekFrom::Start(page * PAGE)).unwrap();
        file.write_all(&[0xA5; PAGE as usize]).unwrap();
    }
    file.sync_all().unwrap();
}

/// A ledger of `n` messages, closed (its journal checkpointed into the file).
fn filled_ledger(path: &std::path::Path, n: usize) {
    let mut ledger = Ledger::open(path).unwrap();
    let messages: Vec<NewMessage> = (0..n)
        .map(|i| {
            let mut m = simple(&format!("mid:{i}@x"), "2026-03-02T09:00:00+11:00");
            m.subject = format!("Registration {i} {}", "x".repeat(200));
            m
        })
        .collect();
    ledger.append(&messages, false).unwrap();
    drop(ledger);
    assert!(!path.with_file_name("ledger.db-wal").exists());
}

#[test]
fn opening_a_damaged_ledger_for_writing_is_refused_and_changes_nothing() {
    let (_dir, path) = db();
    filled_ledger(&path, 400);
    damage_middle_pages(&path);
    let before = std::fs::read(&path).unwrap();
    let err = Ledger::open(&path)
        .err()
        .expect("a damaged ledger must be refused");
    let text = format!("{err:#}");
    assert_eq!(text.lines().count(), 1, "{text}");
    assert!(text.contains(&path.display().to_string()), "{text}");
    assert!(
        text.contains("damaged") && text.contains("quick_check"),
        "{text}"
    );
    assert!(!text.contains("Error code"), "{text}");
    assert_eq!(std::fs::read(&path).unwrap(), before, "the file changed");
    // Reading is still allowed; the read that reaches a damaged page fails in one line.
    let reader = Ledger::open_to_read(&path).unwrap();
    if let Err(e) = report::rows(&reader, &ExportFilter::default()) {
        let text = format!("{e:#}");
        assert_eq!(text.lines().count(), 1, "{text}");
        assert!(!text.contains("Error code"), "{text}");
    }
}

#[test]
fn an_undamaged_ledger_passes_the_check() {
    let (_dir, path) = db();
    filled_ledger(&path, 400);
    let ledger = Ledger::open(&path).unwrap();
    assert!(ledger.contains("mid:399@x").unwrap());
}

#[test]
fn a_failed_migration_is_one_line_naming_the_ledger_and_the_migration() {
    let (_dir, path) = db();
    // Our file (application_id) at schema version 0, with a table migration 1 creates.
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.pragma_update(None, "application_id", 0x5267_496e)
        .unwrap();
    conn.execute("CREATE TABLE messages (x INTEGER)", [])
        .unwrap();
    drop(conn);
    let err = Ledger::open(&path).err().expect("migration must fail");
    let text = format!("{err:#}");
    assert_eq!(text.lines().count(), 1, "{text}");
    assert!(text.contains(&path.display().to_string()), "{text}");
    assert!(text.contains("migration 1"), "{text}");
    assert!(text.contains("already exists"), "{text}");
    assert!(!text.contains("CREATE"), "quotes the SQL: {text}");
    assert!(!text.contains("Error code"), "{text}");
}

#[test]
fn open_errors_say_it_once_without_error_codes() {
    let (dir, _) = db();
    // A folder where the ledger should be, and a file that is not a database.
    let folder = dir.path().join("folder.db");
    std::fs::create_dir(&folder).unwrap();
    let junk = dir.path().join("junk.db");
    std::fs::write(&junk, "not a database ".repeat(100)).unwrap();
    for path in [&folder, &junk] {
        for err in [
            Ledger::open(path).err().expect("must fail"),
            Ledger::open_to_read(path).err().expect("must fail"),
        ] {
            let text = format!("{err:#}");
            assert_eq!(text.lines().count(), 1, "{text}");
            assert_eq!(
                text.matches(&path.display().to_string()).count(),
                1,
                "names the ledger once: {text}"
            );
            assert!(!text.contains("Error code"), "{text}");
        }
    }
    let missing = dir.path().join("missing.db");
    let err = Ledger::open_to_read(&missing).err().expect("must fail");
    assert!(format!("{err:#}").contains("does not exist"), "{err:#}");
    assert!(!missing.exists(), "reading created the ledger");
}

fn decision(record_id: i64, outcome: Outcome, by: &str) -> NewDecision {
    NewDecision {
        record_id,
        outcome,
        note: String::new(),
        by: by.into(),
    }
}

/// (record_id, decision, decided_by) of every row the filter selects.
fn decided(ledger: &Ledger, filter: &ExportFilter) -> Vec<(i64, String, String)> {
    report::rows(ledger, filter)
        .unwrap()
        .into_iter()
        .map(|r| (r.record_id, r.decision, r.decided_by))
        .collect()
}

#[test]
fn decisions_are_appended_the_latest_wins_and_later_revisions_keep_it() {
    let (_dir, path) = db();
    let mut ledger = Ledger::open(&path).unwrap();
    ledger
        .append(
            &[
                simple("mid:a@x", "2026-03-02T09:00:00+11:00"),
                message(
                    "mid:b@x",
                    "2026-03-02T10:00:00+11:00",
                    vec![record("b@x.org", "B", &[])],
                ),
            ],
            false,
        )
        .unwrap();
    ledger
        .decide(&[decision(1, Outcome::InfoRequested, "ann")])
        .unwrap();
    ledger
        .decide(&[decision(1, Outcome::Granted, "bob")])
        .unwrap();
    let rows = decided(&ledger, &ExportFilter::default());
    assert_eq!(
        rows,
        [
            (1, "granted".into(), "bob".into()),
            (2, String::new(), String::new())
        ]
    );
    let all = ledger.decisions(1).unwrap();
    assert_eq!(all.len(), 2, "both kept");
    assert_eq!(all[0].outcome, Outcome::InfoRequested);
    // A new revision of the message is the same registration: the decision stands.
    ledger
        .append(&[simple("mid:a@x", "2026-03-02T09:00:00+11:00")], true)
        .unwrap();
    let rows = decided(&ledger, &ExportFilter::default());
    assert_eq!(rows[1], (3, "granted".into(), "bob".into()), "{rows:?}");
    assert!(!rows[1].2.is_empty());
    // An unknown record: an error, and nothing of the batch is written.
    let err = ledger
        .decide(&[
            decision(2, Outcome::Declined, "ann"),
            decision(99, Outcome::Declined, "ann"),
        ])
        .unwrap_err();
    assert!(matches!(err, DecideError::UnknownRecord(99)), "{err}");
    assert!(ledger.decisions(2).unwrap().is_empty());
    drop(ledger);
    let conn = rusqlite::Connection::open(&path).unwrap();
    assert_refused_as_append_only(
        &conn,
        &[
            "UPDATE decisions SET outcome = 'declined'",
            "DELETE FROM decisions",
            "INSERT OR REPLACE INTO decisions (decision_id, record_id, key_id, attachment, \
             outcome, note, decided_by, decided_at) \
             VALUES (1, 1, 1, 'form.pdf', 'declined', '', 'x', 'now')",
        ],
    );
    // A row that names another registration than its record's is refused.
    let err = conn
        .execute(
            "INSERT INTO decisions (record_id, key_id, attachment, outcome, note, decided_by, \
             decided_at) VALUES (1, 2, 'form.pdf', 'declined', '', 'x', 'now')",
            [],
        )
        .unwrap_err();
    assert!(err.to_string().contains("not the record"), "{err}");
}

#[test]
fn open_and_overdue_follow_decisions_due_dates_and_supersedes() {
    let (_dir, path) = db();
    let mut ledger = Ledger::open(&path).unwrap();
    let due = |mut r: NewRecord, y: i32, m: u32, d: u32| {
        r.due_by = NaiveDate::from_ymd_opt(y, m, d).unwrap();
        r
    };
    ledger
        .append(
            &[
                // 1: no decision, past due: open and overdue.
                message(
                    "mid:1",
                    "2026-03-02T09:00:00+11:00",
                    vec![due(record("1@x.org", "A", &[]), 2026, 3, 9)],
                ),
                // 2: granted: neither.
                message(
                    "mid:2",
                    "2026-03-02T09:01:00+11:00",
                    vec![due(record("2@x.org", "A", &[]), 2026, 3, 9)],
                ),
                // 3: info_requested, past due: open, not overdue.
                message(
                    "mid:3",
                    "2026-03-02T09:02:00+11:00",
                    vec![due(record("3@x.org", "A", &[]), 2026, 3, 9)],
                ),
                // 4: superseded by 5 (same contact, later): neither. 5: open and overdue.
                message(
                    "mid:4",
                    "2026-03-02T09:03:00+11:00",
                    vec![due(record("4@x.org", "A", &[]), 2026, 3, 9)],
                ),
                message(
                    "mid:5",
                    "2026-03-03T09:03:00+11:00",
                    vec![due(
                        record("4@X.org", " a ", &[Flag::DynamicIp]),
                        2026,
                        3,
                        10,
                    )],
                ),
                // 6: due on the day itself: open, not overdue yet.
                message(
                    "mid:6",
                    "2026-03-05T09:00:00+11:00",
                    vec![due(record("6@x.org", "A", &[]), 2026, 3, 12)],
                ),
                // 7: declined, then info_requested (the latest wins): open.
                message(
                    "mid:7",
                    "2026-03-05T09:00:00+11:00",
                    vec![due(record("7@x.org", "A", &[]), 2026, 3, 12)],
                ),
            ],
            false,
        )
        .unwrap();
    ledger
        .decide(&[
            decision(2, Outcome::Granted, "ann"),
            decision(3, Outcome::InfoRequested, "ann"),
            decision(7, Outcome::Declined, "ann"),
        ])
        .unwrap();
    ledger
        .decide(&[decision(7, Outcome::InfoRequested, "bob")])
        .unwrap();
    let today = NaiveDate::from_ymd_opt(2026, 3, 12);
    let ids = |ledger: &Ledger, open: bool, overdue: bool| -> Vec<i64> {
        let filter = ExportFilter {
            open,
            overdue,
            today,
            ..Default::default()
        };
        report::rows(ledger, &filter)
            .unwrap()
            .iter()
            .map(|r| r.record_id)
            .collect()
    };
    assert_eq!(ids(&ledger, false, false), [1, 2, 3, 4, 5, 6, 7]);
    assert_eq!(ids(&ledger, true, false), [1, 3, 5, 6, 7]);
    assert_eq!(ids(&ledger, false, true), [1, 5]);
    assert_eq!(ids(&ledger, true, true), [1, 5]);
    // The later registration ingested first: the earlier one is superseded all the same.
    ledger
        .append(
            &[message(
                "mid:8",
                "2026-03-01T09:00:00+11:00",
                vec![due(record("6@x.org", "a", &[]), 2026, 3, 6)],
            )],
            false,
        )
        .unwrap();
    assert_eq!(ids(&ledger, true, false), [1, 3, 5, 6, 7]);
    assert_eq!(ids(&ledger, false, true), [1, 5]);
    // Superseded or not, every record is in the plain report.
    assert_eq!(ids(&ledger, false, false), [1, 2, 3, 4, 5, 6, 7, 8]);
    let (open, overdue) = report::open_and_overdue(
        &ledger,
        &ExportFilter {
            today,
            ..Default::default()
        },
    )
    .unwrap();
    let mut open: Vec<i64> = open.into_iter().collect();
    open.sort();
    assert_eq!(open, [1, 3, 5, 6, 7]);
    assert_eq!(overdue.len(), 2);
}
