//! Archive reading: kind detection by content, mbox splitting and unquoting, Maildir, .eml and
//! folders of .eml, size caps and streaming.

use crate::support::{bin, ledger_key, ok, record_count, summary};
use regintake::ledger::{ExportFilter, Ledger};
use regintake::pipeline::{self, IngestOptions, Pipeline};
use regintake::report;
use regintake::source::RawMessage;
use regintake::source::archive::{self, ArchiveKind};
use std::io::Write as _;
use std::path::Path;

const BIG: u64 = 64 << 20;

fn write(path: &Path, bytes: &[u8]) {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    std::fs::write(path, bytes).unwrap();
}

fn read_all(path: &Path, cap: u64) -> Vec<RawMessage> {
    archive::open(path, cap)
        .unwrap()
        .map(|m| m.unwrap())
        .collect()
}

fn bodies(messages: &[RawMessage]) -> Vec<String> {
    messages
        .iter()
        .map(|m| String::from_utf8_lossy(&m.bytes).into_owned())
        .collect()
}

#[test]
fn mbox_splitting_and_unquoting() {
    // (name, mbox text, expected messages)
    let cases: &[(&str, &str, &[&str])] = &[
        (
            "two messages LF",
            "From a@x Mon Jan  1 00:00:00 2024\nSubject: one\n\nbody one\n\n\
             From b@x Mon Jan  1 00:00:01 2024\nSubject: two\n\nbody two\n\n",
            &["Subject: one\n\nbody one\n", "Subject: two\n\nbody two\n"],
        ),
        (
            "CRLF line ends",
            "From a@x Mon Jan  1 00:00:00 2024\r\nSubject: one\r\n\r\nbody one\r\n\r\n\
             From b@x Mon Jan  1 00:00:01 2024\r\nSubject: two\r\n\r\nbody two\r\n",
            &[
                "Subject: one\r\n\r\nbody one\r\n",
                "Subject: two\r\n\r\nbody two\r\n",
            ],
        ),
        (
            "mboxo quoting",
            "From a@x Mon Jan  1 00:00:00 2024\nSubject: q\n\n>From the desk of Jane\nok\n",
            &["Subject: q\n\nFrom the desk of Jane\nok\n"],
        ),
        (
            "mboxrd quoting removes one level",
            "From a@x Mon Jan  1 00:00:00 2024\nSubject: q\n\n>>From deep\n>>>From deeper\n> From not quoted\n",
            &["Subject: q\n\n>From deep\n>>From deeper\n> From not quoted\n"],
        ),
        (
            "From inside a paragraph is not a separator",
            "From a@x Mon Jan  1 00:00:00 2024\nSubject: p\n\nline one\nFrom here on, text\n\n",
            &["Subject: p\n\nline one\nFrom here on, text\n"],
        ),
        (
            "several blank lines: only the last belongs to the separator",
            "From a@x Mon Jan  1 00:00:00 2024\nSubject: b\n\ntext\n\n\n\nFrom b@x Tue\nSubject: c\n\nx\n",
            &["Subject: b\n\ntext\n\n\n", "Subject: c\n\nx\n"],
        ),
        (
            "byte-order mark before the first separator",
            "\u{FEFF}From a@x Mon Jan  1 00:00:00 2024\nSubject: bom\n\nx\n",
            &["Subject: bom\n\nx\n"],
        ),
        (
            "a line of spaces before a separator",
            "From a@x Mon Jan  1 00:00:00 2024\nSubject: s\n\ntext\n  \nFrom b@x Tue\nSubject: t\n\ny\n",
            &["Subject: s\n\ntext\n  \n", "Subject: t\n\ny\n"],
        ),
        (
            "empty message between separators",
            "From a@x Mon\n\nFrom b@x Tue\nSubject: t\n\ny\n",
            &["", "Subject: t\n\ny\n"],
        ),
        (
            "no newline at the end",
            "From a@x Mon Jan  1 00:00:00 2024\nSubject: e\n\nlast line",
            &["Subject: e\n\nlast line"],
        ),
    ];
    let dir = tempfile::tempdir().unwrap();
    for (i, (name, text, want)) in cases.iter().enumerate() {
        let path = dir.path().join(format!("case{i}"));
        write(&path, text.as_bytes());
        assert_eq!(archive::detect(&path).unwrap(), ArchiveKind::Mbox, "{name}");
        let messages = read_all(&path, BIG);
        assert_eq!(bodies(&messages), *want, "{name}");
        for (n, m) in messages.iter().enumerate() {
            assert_eq!(
                m.origin,
                format!("mbox:{}#{}", path.display(), n + 1),
                "{name}"
            );
            assert!(m.internal_date.is_none());
        }
    }
}

#[test]
fn oversized_mbox_message_is_cut_and_the_next_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mbox");
    let mut text = String::from("From a@x Mon Jan  1 00:00:00 2024\nSubject: big\n\n");
    for _ in 0..1000 {
        text.push_str("0123456789012345678901234567890123456789\n");
    }
    // One endless line too, which must not be held whole either.
    text.push_str(&"y".repeat(100_000));
    text.push_str("\n\nFrom b@x Mon Jan  1 00:00:00 2024\nSubject: small\n\nhello\n");
    write(&path, text.as_bytes());
    let cap = 1000;
    let messages = read_all(&path, cap);
    assert_eq!(messages.len(), 2);
    assert_eq!(
        messages[0].bytes.len() as u64,
        cap + 1,
        "cut at the cap + 1"
    );
    assert!(messages[0].bytes.starts_with(b"Subject: big\n\n0123"));
    assert_eq!(messages[1].bytes, b"Subject: small\n\nhello\n");
    assert!(messages[1].origin.ends_with("#2"));
}

#[test]
fn large_mbox_is_streamed() {
    // 20,000 messages of ~1 KB: each message must come out whole and alone, whatever the
    // file size; the iterator is consumed one message at a time.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("archive.eml"); // the name must not matter
    let mut file = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    let body = "x".repeat(1000);
    let count = 20_000;
    for i in 0..count {
        write!(
            file,
            "From sender@example.com Mon Jan  1 00:00:00 2024\nMessage-ID: <{i}@example.com>\n\n{body}\n\n"
        )
        .unwrap();
    }
    file.flush().unwrap();
    drop(file);
    let file_len = std::fs::metadata(&path).unwrap().len();
    assert!(file_len > 20_000_000);
    assert_eq!(archive::detect(&path).unwrap(), ArchiveKind::Mbox);
    let mut seen = 0usize;
    let mut largest = 0usize;
    for (i, message) in archive::open(&path, BIG).unwrap().enumerate() {
        let message = message.unwrap();
        let expected_head = format!("Message-ID: <{i}@example.com>\n\n");
        assert!(message.bytes.starts_with(expected_head.as_bytes()));
        largest = largest.max(message.bytes.capacity());
        seen += 1;
    }
    assert_eq!(seen, count);
    // No message buffer ever held more than its own message (a reader that slurps the file
    // would hand out slices of one big buffer or grow without bound).
    assert!(largest < 8 * 1024, "largest buffer {largest}");
}

#[test]
fn maildir_reads_cur_and_new_sorted_and_skips_dot_files() {
    let dir = tempfile::tempdir().unwrap();
    let md = dir.path().join("mail");
    write(&md.join("cur/1700000002.M2.host:2,S"), b"Subject: b\n\nB\n");
    write(&md.join("new/1700000001.M1.host"), b"Subject: a\n\nA\n");
    write(&md.join("new/1700000003.M3.host"), b"Subject: c\n\nC\n");
    write(&md.join("cur/.hidden"), b"Subject: hidden\n\nH\n");
    std::fs::create_dir_all(md.join("tmp")).unwrap();
    write(&md.join("tmp/1700000000.M0.host"), b"Subject: tmp\n\nT\n");
    assert_eq!(archive::detect(&md).unwrap(), ArchiveKind::Maildir);
    let messages = read_all(&md, BIG);
    assert_eq!(
        bodies(&messages),
        [
            "Subject: a\n\nA\n",
            "Subject: b\n\nB\n",
            "Subject: c\n\nC\n"
        ]
    );
    assert_eq!(
        messages[0].origin,
        format!("maildir:{}", md.join("new/1700000001.M1.host").display())
    );
}

#[test]
fn maildir_with_only_new_is_a_maildir() {
    let dir = tempfile::tempdir().unwrap();
    write(&dir.path().join("new/1"), b"Subject: a\n\nA\n");
    assert_eq!(archive::detect(dir.path()).unwrap(), ArchiveKind::Maildir);
    assert_eq!(read_all(dir.path(), BIG).len(), 1);
}

#[cfg(unix)]
#[test]
fn unreadable_file_is_an_error_item_and_the_stream_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let md = dir.path();
    write(&md.join("cur/1"), b"Subject: a\n\nA\n");
    // A dangling link cannot be read, even by root.
    std::os::unix::fs::symlink(md.join("gone"), md.join("cur/2")).unwrap();
    write(&md.join("cur/3"), b"Subject: c\n\nC\n");
    let items: Vec<_> = archive::open(md, BIG).unwrap().collect();
    assert_eq!(items.len(), 3);
    assert!(items[0].is_ok());
    let Err(err) = &items[1] else {
        panic!("the dangling link must be an error");
    };
    assert!(format!("{err:#}").contains("cur/2"), "{err:#}");
    assert_eq!(items[2].as_ref().unwrap().bytes, b"Subject: c\n\nC\n");
}

#[test]
fn single_eml_and_detection_ignores_names() {
    let dir = tempfile::tempdir().unwrap();
    let cases: &[(&str, &[u8], Option<ArchiveKind>)] = &[
        (
            "message.mbox",
            b"From: a@x\r\nSubject: hi\r\n\r\nbody\r\n",
            Some(ArchiveKind::Eml),
        ),
        (
            "x.eml",
            b"From a@x Mon Jan  1 00:00:00 2024\nSubject: hi\n\nbody\n",
            Some(ArchiveKind::Mbox),
        ),
        (
            "noext",
            b"Return-Path: <a@x>\nReceived: from a\n\tby b\nSubject: s\n\nbody\n",
            Some(ArchiveKind::Eml),
        ),
        ("form.eml", b"%PDF-1.7\n%...", None),
        ("notes.eml", b"Dear team,\nplease register me.\n", None),
        ("empty.eml", b"", None),
    ];
    for (name, bytes, want) in cases {
        let path = dir.path().join(name);
        write(&path, bytes);
        match want {
            Some(kind) => assert_eq!(archive::detect(&path).unwrap(), *kind, "{name}"),
            None => {
                let err = archive::open(&path, BIG).err().expect(name);
                assert!(
                    format!("{err:#}").contains("not a mail archive"),
                    "{name}: {err:#}"
                );
            }
        }
    }
    let eml = dir.path().join("message.mbox");
    let messages = read_all(&eml, BIG);
    assert_eq!(messages.len(), 1);
    assert_eq!(
        messages[0].bytes,
        b"From: a@x\r\nSubject: hi\r\n\r\nbody\r\n"
    );
    assert_eq!(messages[0].origin, format!("eml:{}", eml.display()));
    // An oversized .eml is cut at the cap + 1 bytes.
    let cut = read_all(&eml, 10);
    assert_eq!(cut[0].bytes.len(), 11);
}

#[test]
fn missing_path_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    assert!(archive::open(&dir.path().join("nope"), BIG).is_err());
}

#[test]
fn folder_of_eml_reads_messages_and_mboxes_in_name_order() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(&d.join("b.eml"), b"From: b@x\nSubject: b\n\nB\n");
    write(&d.join("a.txt"), b"Subject: a\nFrom: a@x\n\nA\n");
    write(
        &d.join("c.eml"),
        b"From x@y Mon Jan  1 00:00:00 2024\nSubject: c1\n\nC1\n\nFrom x@y Mon Jan  1 00:00:00 2024\nSubject: c2\n\nC2\n",
    );
    write(&d.join("d.pdf"), b"%PDF-1.4 not a message");
    write(&d.join("README"), b"This folder holds mail.\n");
    write(&d.join(".DS_Store"), b"Subject: hidden\n\nH\n");
    std::fs::create_dir_all(d.join("sub")).unwrap();
    write(&d.join("sub/e.eml"), b"Subject: e\n\nE\n");
    assert_eq!(archive::detect(d).unwrap(), ArchiveKind::EmlFolder);
    // Files that are not mail are error items naming the file, so the run counts them.
    let items: Vec<_> = archive::open(d, BIG).unwrap().collect();
    let refused: Vec<String> = items
        .iter()
        .filter_map(|i| i.as_ref().err().map(|e| format!("{e:#}")))
        .collect();
    assert_eq!(refused.len(), 2, "{refused:?}");
    assert!(refused[0].contains("README") && refused[0].contains("not a mail message"));
    assert!(refused[1].contains("d.pdf") && refused[1].contains("not a mail message"));
    let messages: Vec<RawMessage> = items.into_iter().filter_map(Result::ok).collect();
    assert_eq!(
        bodies(&messages),
        [
            "Subject: a\nFrom: a@x\n\nA\n",
            "From: b@x\nSubject: b\n\nB\n",
            "Subject: c1\n\nC1\n",
            "Subject: c2\n\nC2\n",
        ]
    );
    let origins: Vec<_> = messages.iter().map(|m| m.origin.clone()).collect();
    assert_eq!(
        origins,
        [
            format!("eml:{}", d.join("a.txt").display()),
            format!("eml:{}", d.join("b.eml").display()),
            format!("mbox:{}#1", d.join("c.eml").display()),
            format!("mbox:{}#2", d.join("c.eml").display()),
        ]
    );
}

#[test]
fn iterators_are_send() {
    fn assert_send<T: Send>(_: &T) {}
    let dir = tempfile::tempdir().unwrap();
    write(&dir.path().join("m"), b"Subject: a\n\nA\n");
    let it = archive::open(&dir.path().join("m"), BIG).unwrap();
    assert_send(&it);
    // And usable from another thread, as the ingest reader does.
    let n = std::thread::spawn(move || it.count()).join().unwrap();
    assert_eq!(n, 1);
}

/// An endless mbox: reading it only terminates if messages are handed out as they are read.
struct EndlessMbox {
    next_message: u64,
    pending: Vec<u8>,
    offset: usize,
}

impl std::io::Read for EndlessMbox {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.offset >= self.pending.len() {
            self.pending = format!(
                "From a@x Mon Jan  1 00:00:00 2024\r\nMessage-ID: <{}@x>\r\n\r\n{}\r\n\r\n",
                self.next_message,
                "z".repeat(500)
            )
            .into_bytes();
            self.offset = 0;
            self.next_message += 1;
        }
        let n = buf.len().min(self.pending.len() - self.offset);
        buf[..n].copy_from_slice(&self.pending[self.offset..self.offset + n]);
        self.offset += n;
        Ok(n)
    }
}

#[test]
fn mbox_reader_streams_an_endless_input() {
    let endless = EndlessMbox {
        next_message: 0,
        pending: Vec::new(),
        offset: 0,
    };
    let reader = archive::MboxReader::new(
        std::io::BufReader::new(endless),
        "endless".to_string(),
        BIG + 1,
    );
    for (i, message) in reader.take(5_000).enumerate() {
        let message = message.unwrap();
        let want = format!("Message-ID: <{i}@x>\r\n\r\n{}\r\n", "z".repeat(500));
        assert_eq!(message.bytes, want.as_bytes());
        assert_eq!(message.origin, format!("mbox:endless#{}", i + 1));
    }
}

/// A message with no Message-ID, as an .eml (CRLF) and as an mbox (LF).
const NO_ID_CRLF: &[u8] = b"From: Jo Smith <jo@example.org>\r\nSubject: Registration\r\nDate: Tue, 24 Nov 2026 10:00:00 +1100\r\n\r\nHello,\r\nplease register me.\r\n";

fn lf(bytes: &[u8]) -> Vec<u8> {
    String::from_utf8_lossy(bytes)
        .replace("\r\n", "\n")
        .into_bytes()
}

fn mbox_of(message: &[u8]) -> Vec<u8> {
    [
        b"From jo@example.org Tue Nov 24 10:00:00 2026\n",
        message,
        b"\n",
    ]
    .concat()
}

fn ingest(db: &Path, path: &Path, reprocess: bool) -> pipeline::Summary {
    let mut ledger = Ledger::open(db).unwrap();
    pipeline::ingest(
        &[path.to_path_buf()],
        &mut ledger,
        &Pipeline::default(),
        &IngestOptions { reprocess },
        &mut |_| {},
    )
    .unwrap()
}

#[test]
fn a_message_without_message_id_has_one_key_whatever_its_line_ends() {
    let crlf = NO_ID_CRLF.to_vec();
    let lf = lf(&crlf);
    let key = ledger_key(&crlf);
    assert!(key.starts_with("sha256:"), "{key}");
    assert_eq!(ledger_key(&lf), key, "CRLF and LF give one key");
    // A last line without its line end is the same message too.
    assert_eq!(ledger_key(&crlf[..crlf.len() - 2]), key);
    assert_eq!(ledger_key(&lf[..lf.len() - 1]), key);
    // The key of an LF message is the hash of its bytes, as ledgers have always stored it.
    assert_eq!(key, format!("sha256:{}", pipeline::sha256_hex(&lf)));
    // Different content is a different key; a Message-ID decides alone.
    let mut other = crlf.clone();
    other.extend_from_slice(b"Thanks\r\n");
    assert_ne!(ledger_key(&other), key);
    assert_eq!(
        ledger_key(b"Message-ID: <a@b>\r\nSubject: x\r\n\r\nx\r\n"),
        ledger_key(b"Message-ID: <a@b>\nSubject: y\n\ny\n")
    );

    // Through ingest: the .eml, then the same message in an mbox: one row.
    let dir = tempfile::tempdir().unwrap();
    let eml = dir.path().join("m.eml");
    let mbox = dir.path().join("m.mbox");
    write(&eml, &crlf);
    write(&mbox, &mbox_of(&lf));
    let db = dir.path().join("l.db");
    let first = ingest(&db, &eml, false);
    assert_eq!((first.messages_read, first.records_added), (1, 1));
    let second = ingest(&db, &mbox, false);
    assert_eq!((second.records_added, second.skipped), (0, 1), "{second}");
    assert_eq!(record_count(&db), 1);
}

#[test]
fn keys_a_ledger_recorded_before_canonical_hashing_still_match() {
    let dir = tempfile::tempdir().unwrap();
    let crlf = NO_ID_CRLF.to_vec();
    let eml = dir.path().join("m.eml");
    let mbox = dir.path().join("m.mbox");
    write(&eml, &crlf);
    write(&mbox, &mbox_of(&lf(&crlf)));
    // Earlier versions keyed the .eml by the hash of its CRLF bytes.
    let legacy = format!("sha256:{}", pipeline::sha256_hex(&crlf));
    assert_ne!(legacy, ledger_key(&crlf));
    let db = dir.path().join("old.db");
    {
        let raw = RawMessage {
            bytes: crlf.clone(),
            origin: format!("eml:{}", eml.display()),
            internal_date: None,
        };
        let mut m = Pipeline::default().process(&raw).recorded();
        m.key = legacy.clone();
        Ledger::open(&db).unwrap().append(&[m], false).unwrap();
    }
    // Read again from either source: found recorded, nothing added.
    for path in [&eml, &mbox] {
        let s = ingest(&db, path, false);
        assert_eq!(
            (s.records_added, s.skipped),
            (0, 1),
            "{}: {s}",
            path.display()
        );
    }
    assert_eq!(record_count(&db), 1);
    // --reprocess adds a revision to that entry, not a second message.
    let s = ingest(&db, &mbox, true);
    assert_eq!(s.records_added, 1, "{s}");
    let ledger = Ledger::open(&db).unwrap();
    assert_eq!(ledger.keys().unwrap().len(), 1, "one message key");
    assert!(ledger.contains(&legacy).unwrap());
    assert_eq!(record_count(&db), 2, "two revisions");
    assert_eq!(
        report::rows(&ledger, &ExportFilter::default())
            .unwrap()
            .len(),
        1,
        "one current row"
    );
}

/// `check` and `ingest` decide what is mail the same way: a headerless HTML page is neither read
/// as a message by `check` nor skipped silently by `ingest` (counted failed, named in the log).
#[test]
fn check_and_ingest_agree_on_a_file_that_is_not_mail() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("mail");
    let html = folder.join("registration.html");
    write(
        &html,
        b"<html><body><p>Full name: Jo Smith</p><p>Organisation: Example</p></body></html>\n",
    );
    write(&folder.join("a.eml"), NO_ID_CRLF);
    let check = bin().arg("check").arg(&html).output().unwrap();
    let stderr = String::from_utf8_lossy(&check.stderr);
    assert_eq!(check.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("registration.html") && stderr.contains("neither"),
        "{stderr}"
    );
    // A message file is accepted by both.
    let check = bin()
        .arg("check")
        .arg(folder.join("a.eml"))
        .output()
        .unwrap();
    ok(check);

    let db = dir.path().join("l.db");
    let out = bin()
        .arg("--db")
        .arg(&db)
        .arg("ingest")
        .arg(&folder)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("registration.html") && stderr.contains("not a mail message"),
        "the skipped file is named: {stderr}"
    );
    let [_, added, _, _, failed] = summary(&stderr);
    assert_eq!((added, failed), (1, 1), "{stderr}");
}

#[test]
fn check_reads_every_message_of_an_mbox() {
    let dir = tempfile::tempdir().unwrap();
    let mbox = dir.path().join("two.mbox");
    write(
        &mbox,
        b"From a@x Mon Jan  1 00:00:00 2024\nMessage-ID: <1@x>\nSubject: one\n\nhello\n\nFrom b@x Mon Jan  1 00:00:00 2024\nMessage-ID: <2@x>\nSubject: two\n\nhello\n",
    );
    let reports = pipeline::check_path(&mbox, &Pipeline::default()).unwrap();
    assert_eq!(reports.len(), 2);
    assert_eq!(reports[1].file, format!("{}#2", mbox.display()));
    assert_eq!(reports[1].message.as_ref().unwrap().subject, "two");
}
