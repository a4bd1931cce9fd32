//! Replies to applicants through the binary: registrations in → `reply RECORD_ID` drafts out,
//! read back by Python's `email` package: threaded under the applicant's message, naming each
//! fixable problem, nothing for records no one can fix; hostile names and subjects; `--out`.
//! And `poll` against a real Dovecot appending them to a drafts mailbox: one per fixable record,
//! none twice, across a second pass, a lost APPEND answer and kill -9 at random points.

use crate::support::csv as csv_file;
use crate::support::replies;
use crate::support::{self, bin, ok, poll_once, run, run_config};

use replies::{Form, PyMail, mbox, python_read, without_date, words};
use std::path::Path;

/// What a reply says for each flag the applicant can fix (a phrase in its words).
pub fn phrase_for(flag: &str) -> Option<&'static str> {
    Some(match flag {
        "missing_full_name" => "Your full name.",
        "missing_organisation" => "The name of your organisation.",
        "missing_contact_email" => "A contact email address.",
        "invalid_contact_email" => "is not an email address",
        "terms_not_accepted" => "Your acceptance of the Terms of Use",
        "user_guide_not_agreed" => "Your agreement to follow the User Guide",
        "service_not_selected" => "Which service you need",
        "multiple_services_selected" => "Which one service you need",
        "missing_ip_allowlist" => "The IP addresses your systems will call the service from",
        "invalid_ip" => "we could not read",
        "non_public_ip" => "A public IP address.",
        "dynamic_ip" => "A static IP address.",
        "ip_range_too_broad" => "A narrower range of IP addresses",
        "missing_expected_records" => "How many records you expect to code a day. It was blank",
        "missing_expected_calls" => "How many API calls you expect to make a day. It was blank",
        "invalid_expected_records" => "How many records you expect to code a day, as a number",
        "invalid_expected_calls" => "How many API calls you expect to make a day, as a number",
        "calls_exceed_records" => "A check of your expected numbers",
        "exceeds_public_limit" => "the public service allows up to 1,000 API calls a day",
        "exceeds_partner_limit" => "the partner service allows up to 10,000 API calls a day",
        "scanned_without_text" => "is a scanned image",
        _ => return None,
    })
}

/// Each record of the latest export: (record_id, flags, message_id).
fn records(db: &Path) -> Vec<(String, Vec<String>, String)> {
    let out = run(db, &["export"]);
    let out = ok(out);
    let rows = csv_file::parse_csv(&String::from_utf8_lossy(&out.stdout));
    let header = &rows[0];
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let (id, flags, mid) = (col("record_id"), col("flags"), col("message_id"));
    rows[1..]
        .iter()
        .map(|r| {
            let flags = r[flags]
                .split(';')
                .filter(|f| !f.is_empty())
                .map(str::to_string)
                .collect();
            (r[id].clone(), flags, r[mid].clone())
        })
        .collect()
}

fn ingest(dir: &Path, forms: &[Vec<u8>]) -> std::path::PathBuf {
    let mbox_path = dir.join("in.mbox");
    std::fs::write(&mbox_path, mbox(forms)).unwrap();
    let db = dir.join("ledger.db");
    let out = run(&db, &["ingest", mbox_path.to_str().unwrap()]);
    ok(out);
    db
}

/// Registrations with every kind of answer an applicant can get wrong, and some no one can fix.
fn mixed_forms() -> Vec<Vec<u8>> {
    let mut forms = Vec::new();
    forms.push(Form::ok(1).mail());
    let mut f = Form::ok(2);
    f.ip = "192.168.1.20, 100.64.3.3".into();
    forms.push(f.mail());
    let mut f = Form::ok(3);
    (f.terms, f.guide) = (false, false);
    forms.push(f.mail());
    let mut f = Form::ok(4);
    (f.public, f.partner, f.calls) = (true, false, "5,000".into());
    forms.push(f.mail());
    let mut f = Form::ok(5);
    (f.public, f.partner) = (true, true);
    f.records = "TBC".into();
    f.calls = String::new();
    forms.push(f.mail());
    let mut f = Form::ok(6);
    f.ip = "150.203.0.0/16".into();
    f.organisation = String::new();
    forms.push(f.mail());
    let mut f = Form::ok(7);
    (f.public, f.partner) = (false, false);
    forms.push(f.mail());
    let mut f = Form::ok(8);
    f.ip = "our home connection (dynamic)".into();
    forms.push(f.mail());
    let mut f = Form::ok(9);
    f.partner = true;
    f.ip = String::new();
    f.calls = "20,000".into();
    forms.push(f.mail());
    // Not a registration at all: no one can fix it, no reply.
    forms.push(
        b"From: Someone <someone@example.com>\r\nSubject: Question\r\nMessage-ID: <q1@example.com>\r\n\
          Date: Mon, 02 Mar 2026 10:00:00 +1100\r\n\r\nHow do I register?\r\n"
            .to_vec(),
    );
    forms
}

#[test]
fn each_record_gets_a_reply_naming_its_fixable_problems_or_none() {
    let dir = tempfile::tempdir().unwrap();
    let db = ingest(dir.path(), &mixed_forms());
    let records = records(&db);
    assert_eq!(records.len(), 10);
    let mut drafts = Vec::new();
    let mut expected = Vec::new();
    let mut none = 0;
    for (id, flags, message_id) in &records {
        let out = run(&db, &["reply", id]);
        let fixable: Vec<&str> = flags.iter().filter_map(|f| phrase_for(f)).collect();
        if flags.iter().any(|f| f == "no_form_found") {
            assert_eq!(out.status.code(), Some(1), "record {id} {flags:?}");
            let err = String::from_utf8_lossy(&out.stderr);
            assert!(err.contains("gets no reply"), "{err}");
            assert_eq!(err.lines().count(), 1, "{err}");
            assert!(out.stdout.is_empty());
            none += 1;
            continue;
        }
        assert!(
            out.status.success(),
            "record {id}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        drafts.push(out.stdout);
        expected.push((id.clone(), flags.clone(), fixable, message_id.clone()));
    }
    assert_eq!(none, 1);
    let read = python_read(&drafts);
    for (mail, (id, flags, phrases, message_id)) in read.iter().zip(&expected) {
        check_draft(mail, message_id);
        let body = words(&mail.body);
        for p in phrases {
            assert!(
                body.contains(p),
                "record {id} {flags:?}: {p:?} not in\n{}",
                mail.body
            );
        }
        if flags.is_empty() {
            assert!(
                body.contains("Your registration is complete"),
                "{}",
                mail.body
            );
            assert!(!body.contains("Please send us"));
        } else {
            assert!(body.contains("Please send us:"), "{}", mail.body);
        }
        // Only this record's applicant is named in it.
        let n = id.parse::<usize>().unwrap();
        for other in (1..=9).filter(|o| *o != n) {
            assert!(
                !mail.body.contains(&format!("Applicant{other}")),
                "record {id} names applicant {other}"
            );
        }
    }
    // The private and CGNAT addresses are each named for what they are.
    let private = words(&read[1].body);
    assert!(
        private.contains("192.168.1.20 is a private address"),
        "{private}"
    );
    assert!(
        private.contains("100.64.3.3 is a shared address"),
        "{private}"
    );
}

/// A draft Python reads without defects, threaded under the applicant's message.
fn check_draft(mail: &PyMail, applicant_message_id: &str) {
    assert!(mail.defects.is_empty(), "defects: {:?}", mail.defects);
    assert_eq!(mail.in_reply_to, applicant_message_id);
    assert_eq!(mail.references, applicant_message_id);
    assert!(mail.subject.starts_with("Re: "), "{}", mail.subject);
    assert!(
        !mail.subject.to_lowercase().starts_with("re: re:"),
        "{}",
        mail.subject
    );
    assert_eq!(
        mail.from,
        "ABS Occupation Coding Service <coding.service.registration@abs.gov.au>"
    );
    assert!(mail.message_id.starts_with("<reply-") && mail.message_id.ends_with("@abs.gov.au>"));
    assert!(!mail.date.is_empty());
    for name in [
        "From",
        "To",
        "Subject",
        "Date",
        "Message-ID",
        "MIME-Version",
    ] {
        assert_eq!(
            mail.header_names.iter().filter(|h| *h == name).count(),
            1,
            "{name} in {:?}",
            mail.header_names
        );
    }
    assert!(
        !mail
            .header_names
            .iter()
            .any(|h| h.eq_ignore_ascii_case("bcc") || h.eq_ignore_ascii_case("cc"))
    );
}

#[test]
fn hostile_names_subjects_and_addresses() {
    let dir = tempfile::tempdir().unwrap();
    let mut injected = Form::ok(1);
    // "Re: RE: Hello\r\nBcc: victim@example.com", as an encoded word.
    injected.subject = "=?utf-8?B?UmU6IFJFOiBIZWxsbw0KQmNjOiB2aWN0aW1AZXhhbXBsZS5jb20=?=".into();
    injected.name = "Zoë Ngô-Đặng".into();
    injected.terms = false;
    let mut unicode_subject = Form::ok(2);
    // "Đăng ký dịch vụ mã hoá nghề nghiệp " three times, as folded encoded words.
    unicode_subject.subject =
        ["=?utf-8?B?xJDEg25nIGvDvSBk4buLY2ggduG7pSBtw6MgaG/DoSBuZ2jhu4EgbmdoaeG7h3Ag?="; 3]
            .join("\r\n ");
    unicode_subject.guide = false;
    let mut bad_contact = Form::ok(3);
    bad_contact.email = "applicant3(at)example.gov.au".into();
    let mut no_address = Form::ok(4);
    no_address.email = "nobody@".into();
    no_address.from = "Nobody <nobody>".into();
    let mut long_answer = Form::ok(5);
    long_answer.ip = format!("{}\u{7}", "see the attached network diagram ".repeat(300));
    let db = ingest(
        dir.path(),
        &[
            injected.mail(),
            unicode_subject.mail(),
            bad_contact.mail(),
            no_address.mail(),
            long_answer.mail(),
        ],
    );
    let records = records(&db);
    let reply = |id: &str| run(&db, &["reply", id]);

    let drafts: Vec<Vec<u8>> = ["1", "2", "3", "5"]
        .iter()
        .map(|id| {
            let out = reply(id);
            assert!(
                out.status.success(),
                "record {id}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            out.stdout
        })
        .collect();
    for d in &drafts {
        let text = String::from_utf8_lossy(d);
        assert!(d.is_ascii(), "a draft is 7-bit: {text}");
        assert!(text.split("\r\n").all(|l| l.len() <= 78), "folded: {text}");
        assert!(!text.to_ascii_lowercase().contains("\r\nbcc:"), "{text}");
        assert!(!text.contains('\u{7}'));
    }
    let read = python_read(&drafts);
    for (mail, (_, _, mid)) in read
        .iter()
        .zip([&records[0], &records[1], &records[2], &records[4]])
    {
        check_draft(mail, mid);
    }
    assert_eq!(read[0].subject, "Re: Hello Bcc: victim@example.com");
    assert_eq!(read[0].to, "Zoë Ngô-Đặng <applicant1@example.gov.au>");
    assert!(
        read[0].body.starts_with("Dear Zoë Ngô-Đặng,"),
        "{}",
        read[0].body
    );
    assert!(
        read[1].subject.starts_with("Re: Đăng ký dịch vụ mã hoá"),
        "{}",
        read[1].subject
    );
    // Invalid contact email: to the sender, without the applicant's name on it.
    assert_eq!(read[2].to, "applicant3@example.gov.au");
    assert!(
        words(&read[2].body).contains("\"applicant3(at)example.gov.au\" is not an email address"),
        "{}",
        read[2].body
    );
    // A 10,000-character answer is quoted shortened.
    assert!(read[3].body.len() < 4_000, "{}", read[3].body.len());
    assert!(words(&read[3].body).contains("see the attached network diagram see the"));
    assert!(read[3].body.contains('…'));

    let out = reply("4");
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("record 4 gets no reply: neither its contact email nor its sender"),
        "{err}"
    );
    assert!(out.stdout.is_empty());
}

#[test]
fn out_writes_the_same_draft_privately_and_refuses_the_ledger() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let mut f = Form::ok(1);
    f.ip = "10.0.0.8".into();
    let db = ingest(dir.path(), &[f.mail()]);
    let out_path = dir.path().join("reply.eml");
    let out = run(&db, &["reply", "1", "--out", out_path.to_str().unwrap()]);
    let out = ok(out);
    assert!(out.stdout.is_empty());
    let written = std::fs::read(&out_path).unwrap();
    let mode = std::fs::metadata(&out_path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    let stdout = run(&db, &["reply", "1"]).stdout;
    assert_eq!(without_date(&written), without_date(&stdout));
    assert_ne!(
        without_date(&written),
        String::from_utf8_lossy(&written),
        "it has a Date"
    );

    let refused = run(&db, &["reply", "1", "--out", db.to_str().unwrap()]);
    assert_eq!(refused.status.code(), Some(2));
    let missing = run(&db, &["reply", "99"]);
    assert_eq!(missing.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("no record 99"));
}

#[test]
fn an_office_template_changes_the_wording_without_a_rebuild() {
    let dir = tempfile::tempdir().unwrap();
    let mut f = Form::ok(1);
    f.terms = false;
    let db = ingest(dir.path(), &[f.mail()]);
    let template = dir.path().join("reply.txt");
    std::fs::write(
        &template,
        "G'day {{ full_name }},\n{% for p in problems %}\n* fix: {{ p.code }}\n{% endfor %}\nDue {{ due_by }}.\n",
    )
    .unwrap();
    let config = dir.path().join("regintake.toml");
    std::fs::write(
        &config,
        "[replies]\ntemplate = \"reply.txt\"\nfrom = \"Coding <coding@abs.gov.au>\"\n",
    )
    .unwrap();
    let reply = || run_config(&config, &["--db", db.to_str().unwrap(), "reply", "1"]);
    let out = ok(reply());
    let mail = &python_read(&[out.stdout])[0];
    assert_eq!(
        mail.body.replace("\r\n", "\n"),
        "G'day Alex Applicant1,\n* fix: terms_not_accepted\nDue Monday 9 March 2026.\n"
    );
    assert_eq!(mail.from, "Coding <coding@abs.gov.au>");

    for (text, refused) in [
        ("[replies]\nsignature = \"x\"\n", "an unknown key"),
        (
            "[replies]\nfrom = \"Coding <coding@abs.gov.au>\\r\\nBcc: x@y.z\"\n",
            "a From with a line break",
        ),
    ] {
        std::fs::write(&config, text).unwrap();
        assert_eq!(reply().status.code(), Some(1), "{refused} is refused");
    }
}

#[test]
fn the_ledger_keeps_one_finishing_draft_step_a_record_and_refuses_changes() {
    use regintake::ledger::{DraftEvent, DraftStep, Ledger};
    let dir = tempfile::tempdir().unwrap();
    let mbox_path = dir.path().join("in.mbox");
    std::fs::write(&mbox_path, mbox(&[Form::ok(1).mail(), Form::ok(2).mail()])).unwrap();
    let db = dir.path().join("ledger.db");
    let mut ledger = Ledger::open(&db).unwrap();
    // Without drafting on, records get no pending step.
    let ctx = regintake::pipeline::Pipeline::default();
    let opts = regintake::pipeline::IngestOptions::default();
    regintake::pipeline::ingest(
        std::slice::from_ref(&mbox_path),
        &mut ledger,
        &ctx,
        &opts,
        &mut |_| {},
    )
    .unwrap();
    assert_eq!(ledger.pending_drafts(100).unwrap(), Vec::<i64>::new());
    // With it on, each new record is pending in the same commit.
    let opts = regintake::pipeline::IngestOptions { reprocess: true };
    ledger.draft_new_records(true);
    regintake::pipeline::ingest(&[mbox_path], &mut ledger, &ctx, &opts, &mut |_| {}).unwrap();
    assert_eq!(ledger.pending_drafts(100).unwrap(), vec![3, 4]);
    assert_eq!(ledger.pending_drafts(1).unwrap(), vec![3]);

    let step = |step: DraftStep, note: &str| DraftEvent {
        step,
        account: "registrations@127.0.0.1".into(),
        mailbox: "Drafts".into(),
        draft_message_id: "<reply-3-0@abs.gov.au>".into(),
        note: note.into(),
        at: String::new(),
    };
    ledger
        .append_draft_step(3, &step(DraftStep::Appended, ""))
        .unwrap();
    assert_eq!(ledger.pending_drafts(100).unwrap(), vec![4]);
    // A second finishing step, or a second pending one, is refused by the database.
    assert!(
        ledger
            .append_draft_step(3, &step(DraftStep::Found, ""))
            .is_err()
    );
    assert!(
        ledger
            .append_draft_step(3, &step(DraftStep::Pending, ""))
            .is_err()
    );
    ledger
        .append_draft_step(4, &step(DraftStep::Skipped, "ok"))
        .unwrap();
    assert_eq!(ledger.pending_drafts(100).unwrap(), Vec::<i64>::new());
    let events = ledger.drafts_for(3).unwrap();
    assert_eq!(
        events.iter().map(|e| e.step).collect::<Vec<_>>(),
        vec![DraftStep::Pending, DraftStep::Appended]
    );
    assert_eq!(events[1].mailbox, "Drafts");
    drop(ledger);

    let conn = rusqlite::Connection::open(&db).unwrap();
    support::assert_refused_as_append_only(
        &conn,
        &[
            "UPDATE reply_drafts SET step = 'skipped'",
            "DELETE FROM reply_drafts",
            "INSERT OR REPLACE INTO reply_drafts (event_id, record_id, step, account, mailbox, \
             draft_message_id, note, at) VALUES (1, 3, 'pending', '', '', '', '', '')",
        ],
    );
    let strict: String = conn
        .query_row(
            "SELECT sql FROM sqlite_master WHERE name = 'reply_drafts'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(strict.ends_with("STRICT"), "{strict}");
}

// ---------------------------------------------------------------------------------------------
// Drafts on a real Dovecot.

use support::dovecot::{Dovecot, Options};
use support::imap_proxy::{Break, CommandProxy, Rule};

const DRAFTS: &str = "Drafts";

fn poll_config(dir: &Path, d: &Dovecot, port: u16, extra_replies: &str) -> std::path::PathBuf {
    support::write_config(
        &dir.join("regintake.toml"),
        &dir.join("ledger.db"),
        &d.imap_toml_for(
            support::dovecot::USER,
            port,
            "processed_mailbox = \"Processed\"",
        ),
        &format!("[replies]\ndrafts_mailbox = \"{DRAFTS}\"\n{extra_replies}"),
    )
}

/// Every message in the drafts mailbox: (flags, whole message).
fn drafts_on_server(d: &Dovecot) -> Vec<(Vec<String>, Vec<u8>)> {
    let mut c = d.client();
    let listed = c.messages(DRAFTS);
    let mut out = Vec::new();
    for (uid, flags) in listed {
        let lines = c.ok(&format!("UID FETCH {uid} (BODY.PEEK[])"));
        let _ = lines;
        out.push((flags, fetch_body(d, uid)));
    }
    c.logout();
    out
}

/// One message's bytes, read over a raw connection (literal and all).
fn fetch_body(d: &Dovecot, uid: u32) -> Vec<u8> {
    use std::io::{BufRead, BufReader, Read, Write};
    let s = std::net::TcpStream::connect(("127.0.0.1", d.port)).unwrap();
    s.set_read_timeout(Some(std::time::Duration::from_secs(20)))
        .unwrap();
    let mut w = s.try_clone().unwrap();
    let mut r = BufReader::new(s);
    let mut line = String::new();
    r.read_line(&mut line).unwrap();
    write!(
        w,
        "a LOGIN {} \"{}\"\r\nb EXAMINE \"{DRAFTS}\"\r\nc UID FETCH {uid} (BODY.PEEK[])\r\n",
        support::dovecot::USER,
        support::dovecot::PASSWORD
    )
    .unwrap();
    loop {
        line.clear();
        assert!(r.read_line(&mut line).unwrap() > 0);
        if let Some(size) = line
            .trim_end()
            .strip_suffix('}')
            .and_then(|l| l.rsplit_once('{'))
            .and_then(|(_, n)| n.parse::<usize>().ok())
        {
            let mut body = vec![0u8; size];
            r.read_exact(&mut body).unwrap();
            let _ = write!(w, "d LOGOUT\r\n");
            return body;
        }
        assert!(!line.starts_with("c "), "no body for UID {uid}: {line}");
    }
}

/// Record id → (flags, the applicant's Message-ID), from the ledger.
fn ledger_records(config: &Path) -> Vec<(String, Vec<String>, String)> {
    let db = config.parent().unwrap().join("ledger.db");
    records(&db)
}

/// The records that should get a draft: those with a flag the applicant can fix.
fn fixable(records: &[(String, Vec<String>, String)]) -> Vec<&(String, Vec<String>, String)> {
    records
        .iter()
        .filter(|(_, flags, _)| flags.iter().any(|f| phrase_for(f).is_some()))
        .collect()
}

#[test]
fn poll_drafts_one_reply_per_fixable_record_and_none_on_a_second_pass() {
    let Some(d) = Dovecot::start("poll_drafts_one_reply", Options::default()) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let mut c = d.client();
    c.append_many("INBOX", &mixed_forms());
    c.logout();
    let config = poll_config(dir.path(), &d, d.port, "");
    let out = poll_once(&config);
    ok(out);
    let records = ledger_records(&config);
    assert_eq!(records.len(), 10);
    let wanted = fixable(&records);
    assert_eq!(wanted.len(), 8, "{records:?}");

    let drafts = drafts_on_server(&d);
    assert_eq!(drafts.len(), wanted.len(), "one draft per fixable record");
    for (flags, _) in &drafts {
        assert!(flags.iter().any(|f| f == "\\Draft"), "{flags:?}");
    }
    let read = python_read(&drafts.iter().map(|(_, b)| b.clone()).collect::<Vec<_>>());
    let db = dir.path().join("ledger.db");
    for (id, flags, applicant_id) in &wanted {
        // Threaded under this applicant's message, naming each of its fixable problems.
        let mail = read
            .iter()
            .find(|m| &m.in_reply_to == applicant_id)
            .unwrap_or_else(|| panic!("no draft for record {id} ({applicant_id})"));
        check_draft(mail, applicant_id);
        let body = words(&mail.body);
        for f in flags {
            if let Some(p) = phrase_for(f) {
                assert!(body.contains(p), "record {id}: {p:?} not in\n{}", mail.body);
            }
        }
        // `reply` writes the same message, Date aside.
        let appended = &drafts[read
            .iter()
            .position(|m| &m.in_reply_to == applicant_id)
            .unwrap()]
        .1;
        let reply = run(&db, &["reply", id]);
        assert!(reply.status.success());
        assert_eq!(
            without_date(&reply.stdout),
            without_date(appended),
            "record {id}"
        );
    }

    // A second pass appends nothing.
    let again = poll_once(&config);
    ok(again);
    assert_eq!(drafts_on_server(&d).len(), wanted.len());

    // The ledger says what happened to each record, once.
    let ledger = regintake::ledger::Ledger::open_to_read(&db).unwrap();
    for (id, flags, _) in &records {
        let steps: Vec<_> = ledger
            .drafts_for(id.parse().unwrap())
            .unwrap()
            .into_iter()
            .map(|e| e.step)
            .collect();
        use regintake::ledger::DraftStep::*;
        let want = if flags.iter().any(|f| phrase_for(f).is_some()) {
            Appended
        } else {
            Skipped
        };
        assert_eq!(steps, vec![Pending, want], "record {id} {flags:?}");
    }
}

#[test]
fn a_lost_append_answer_is_found_by_message_id_not_appended_again() {
    let Some(d) = Dovecot::start("lost_append_answer", Options::default()) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let mut forms = Vec::new();
    for n in 1..=3 {
        let mut f = Form::ok(n);
        f.terms = false;
        forms.push(f.mail());
    }
    let mut c = d.client();
    c.append_many("INBOX", &forms);
    c.logout();
    // The server stores the second draft; its OK never reaches regintake.
    let proxy = CommandProxy::start(
        d.port,
        Rule {
            occurrence: 2,
            ..Rule::new("APPEND", Break::DropAnswer)
        },
    );
    let config = poll_config(dir.path(), &d, proxy.port, "");
    let cut = poll_once(&config);
    assert!(proxy.fired(), "the APPEND answer was dropped");
    assert_eq!(
        cut.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&cut.stderr)
    );
    assert_eq!(drafts_on_server(&d).len(), 2);

    let out = poll_once(&config);
    ok(out);
    let drafts = drafts_on_server(&d);
    assert_eq!(drafts.len(), 3, "no draft twice");
    let ids: std::collections::BTreeSet<String> =
        python_read(&drafts.iter().map(|(_, b)| b.clone()).collect::<Vec<_>>())
            .into_iter()
            .map(|m| m.in_reply_to)
            .collect();
    assert_eq!(ids.len(), 3);
    let ledger = regintake::ledger::Ledger::open_to_read(&dir.path().join("ledger.db")).unwrap();
    let steps: Vec<_> = (1..=3)
        .map(|id| ledger.drafts_for(id).unwrap().last().unwrap().step)
        .collect();
    use regintake::ledger::DraftStep::*;
    assert_eq!(steps, vec![Appended, Found, Appended]);
}

#[test]
fn kill_9_at_random_points_leaves_exactly_one_draft_per_record() {
    let Some(d) = Dovecot::start("kill_9_drafts", Options::default()) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let config = poll_config(dir.path(), &d, d.port, "acknowledge = true");
    // A seeded generator: the same kill points on every run.
    let mut seed: u64 = 0x5EED_D4AF;
    let mut next = move || {
        seed = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = seed;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    };
    let mut n = 0;
    let mut killed = 0;
    // How long a pass takes, from the last pass that ran to its end: kills are drawn inside it,
    // so they land mid-pass on a fast machine and a slow one alike.
    let mut pass = std::time::Duration::from_millis(200);
    for round in 0..16 {
        if round >= 8 && killed >= 3 {
            break;
        }
        // New mail arrives between passes: some fixable, some ok (acknowledged).
        let mut batch = Vec::new();
        for _ in 0..12 {
            n += 1;
            let mut f = Form::ok(n);
            match n % 3 {
                0 => f.ip = format!("10.1.{n}.1"),
                1 => f.terms = false,
                _ => {}
            }
            batch.push(f.mail());
        }
        let mut c = d.client();
        c.append_many("INBOX", &batch);
        c.logout();
        let mut child = bin()
            .arg("--config")
            .arg(&config)
            .args(["-q", "poll", "--once"])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let wait = pass.mul_f64(0.1 + 0.8 * (next() % 1000) as f64 / 1000.0);
        let start = std::time::Instant::now();
        loop {
            if child.try_wait().unwrap().is_some() {
                pass = start.elapsed();
                break;
            }
            if start.elapsed() >= wait {
                let _ = child.kill(); // SIGKILL
                let _ = child.wait();
                killed += 1;
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        eprintln!("round {round}: stopped after {:?}", start.elapsed());
    }
    assert!(
        killed >= 3,
        "only {killed} runs were killed: the kills land nowhere"
    );
    let out = poll_once(&config);
    ok(out);

    let records = ledger_records(&config);
    assert_eq!(records.len(), n, "every message recorded once");
    let drafts = drafts_on_server(&d);
    let read = python_read(&drafts.iter().map(|(_, b)| b.clone()).collect::<Vec<_>>());
    let mut per_record = std::collections::BTreeMap::<String, usize>::new();
    for m in &read {
        assert!(m.defects.is_empty(), "{:?}", m.defects);
        *per_record.entry(m.in_reply_to.clone()).or_default() += 1;
    }
    // acknowledge = true: every record gets exactly one draft.
    for (id, _, applicant_id) in &records {
        assert_eq!(
            per_record.get(applicant_id),
            Some(&1),
            "record {id} ({applicant_id})"
        );
    }
    assert_eq!(read.len(), records.len());
    let ledger = regintake::ledger::Ledger::open_to_read(&dir.path().join("ledger.db")).unwrap();
    assert_eq!(ledger.pending_drafts(1000).unwrap(), Vec::<i64>::new());
    let found = (1..=n as i64)
        .filter(|id| {
            ledger.drafts_for(*id).unwrap().last().map(|e| e.step)
                == Some(regintake::ledger::DraftStep::Found)
        })
        .count();
    // How often a kill fell between an APPEND and its ledger row (found again by Message-ID).
    eprintln!("{killed} runs killed; {found} drafts found again after a kill");
}
