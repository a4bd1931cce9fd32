//! IMAP polling against a real Dovecot started per test (tests/suite/support/dovecot.rs): what one
//! pass records and does on the server, crash recovery, servers without MOVE/UIDPLUS,
//! UIDVALIDITY changes, dropped sessions, TLS, XOAUTH2, the lock, SIGTERM and IDLE.
//! Every test skips with a notice when dovecot is missing, unless REGINTAKE_REQUIRE_DOVECOT is set.

use crate::support::{self, bin, ledger_key, ok, record_count, summary};

use regintake::config::ImapConfig;
use regintake::ledger::{ExportFilter, Ledger, RunLock};
use regintake::pipeline::{self, Pipeline, PollOptions, Summary};
use regintake::report;
use regintake::source::RawMessage;
use regintake::source::imap::{KEYWORD_NO_FORM, KEYWORD_REGISTERED};
use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};
use support::dovecot::{self, Dovecot, Options, PASSWORD, Proxy};
use support::imap_proxy::{Break, CommandProxy, Rule};
use support::invariants;

const PROCESSED: &str = "Registrations/Processed";

fn imap_config(d: &Dovecot, extra: &str) -> ImapConfig {
    toml::from_str(&d.imap_toml(extra)).expect("test config")
}

/// One `poll --once` through the library, on a ledger in `db`.
fn poll_once(cfg: ImapConfig, db: &Path) -> anyhow::Result<Summary> {
    let _lock = RunLock::acquire(db).map_err(|e| anyhow::anyhow!("{e}"))?;
    let ledger = Ledger::open(db)?;
    pipeline::poll(cfg, ledger, Pipeline::default(), once())
}

/// `poll --once`.
fn once() -> PollOptions<'static> {
    PollOptions {
        once: true,
        dry_run: None,
        drafts: None,
        after_pass: None,
    }
}

fn has_form(db: &Path, bytes: &[u8]) -> Option<bool> {
    Ledger::open(db)
        .unwrap()
        .has_form(&ledger_key(bytes))
        .unwrap()
}

fn has_flag(flags: &[String], flag: &str) -> bool {
    flags.iter().any(|f| f.eq_ignore_ascii_case(flag))
}

fn db_in(dir: &tempfile::TempDir) -> PathBuf {
    dir.path().join("ledger.db")
}

/// Writes a config file (mode 600) for the binary.
fn config_file(dir: &tempfile::TempDir, d: &Dovecot, extra: &str) -> PathBuf {
    let path = dir.path().join("regintake.toml");
    support::write_config(&path, &db_in(dir), &d.imap_toml(extra), "")
}

// ---------------------------------------------------------------------------------------------

/// Depends on form detection (mime + body reader + form stages): form mail is told apart.
#[test]
fn pass_records_every_message_and_moves_form_mail() {
    let Some(d) = Dovecot::start("pass_records_every_message", Options::default()) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let db = db_in(&dir);
    let forms = [
        dovecot::fixture_mail("m01_docx_attachment.eml"),
        dovecot::fixture_mail("m02_pdf_attachment.eml"),
        dovecot::fixture_mail("m08_body_plain_text_form.eml"),
    ];
    let plain = [
        dovecot::fixture_mail("m15_no_form_question.eml"),
        dovecot::fixture_mail("m16_reply_thread_no_form.eml"),
    ];
    let mut c = d.client();
    for m in plain.iter().chain(&forms) {
        c.append("INBOX", m, "");
    }
    let s = poll_once(imap_config(&d, ""), &db).expect("pass");
    assert_eq!(s.messages_read, 5);
    assert_eq!(s.records_added, 5, "{s}");
    assert_eq!(record_count(&db), 5);
    for m in &plain {
        assert_eq!(has_form(&db, m), Some(false), "a question is not a form");
    }
    for m in &forms {
        assert_eq!(has_form(&db, m), Some(true), "a filled-in form is a form");
    }
    let inbox = c.messages("INBOX");
    assert_eq!(inbox.len(), 2, "only no-form mail stays: {inbox:?}");
    for (_, flags) in &inbox {
        assert!(has_flag(flags, KEYWORD_NO_FORM), "{flags:?}");
        assert!(
            !has_flag(flags, "\\Seen"),
            "BODY.PEEK must not set \\Seen: {flags:?}"
        );
    }
    assert_eq!(c.messages(PROCESSED).len(), 3, "form mail is moved");
}

#[test]
fn dry_run_reports_every_message_and_changes_nothing() {
    let Some(d) = Dovecot::start("dry_run_changes_nothing", Options::default()) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let db = db_in(&dir);
    let mut c = d.client();
    c.append("INBOX", &dovecot::form_message("f1"), "");
    c.append("INBOX", &dovecot::plain_message("p1"), "");
    let uids = |c: &mut dovecot::Client| -> Vec<u32> {
        c.messages("INBOX")
            .into_iter()
            .map(|(uid, _)| uid)
            .collect()
    };
    let before = uids(&mut c);
    let mut reports = Vec::new();
    let mut report = |r: pipeline::CheckReport| reports.push(r);
    let s = pipeline::poll(
        imap_config(&d, ""),
        Ledger::open(&db).unwrap(),
        Pipeline::default(),
        PollOptions {
            once: false,
            dry_run: Some(&mut report),
            drafts: None,
            after_pass: None,
        },
    )
    .expect("dry run");
    assert_eq!((s.messages_read, s.records_added), (2, 2), "{s}");
    assert_eq!(reports.len(), 2);
    let form = reports
        .iter()
        .find(|r| {
            r.records[0]
                .fields
                .full_name
                .value
                .contains("Jane Citizen f1")
        })
        .expect("the form message reported with its answers");
    assert!(
        form.records[0].flags.is_empty(),
        "{:?}",
        form.records[0].flags
    );
    // Nothing written: no record, no progress, no keyword, no move.
    assert_eq!(record_count(&db), 0);
    let ledger = Ledger::open(&db).unwrap();
    let account = format!("{}@127.0.0.1:{}", dovecot::USER, d.port);
    assert_eq!(ledger.mailbox_state(&account, "INBOX").unwrap(), None);
    assert_eq!(uids(&mut c), before);
    for (_, flags) in c.messages("INBOX") {
        assert!(!flags.iter().any(|f| f.starts_with('$')), "{flags:?}");
    }
    // The real pass still finds both new.
    let real = poll_once(imap_config(&d, ""), &db).expect("pass");
    assert_eq!((real.messages_read, real.records_added), (2, 2), "{real}");
}

#[test]
fn second_pass_adds_nothing() {
    let Some(d) = Dovecot::start("second_pass_adds_nothing", Options::default()) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let db = db_in(&dir);
    let mut c = d.client();
    for i in 0..5 {
        c.append("INBOX", &dovecot::plain_message(&format!("s{i}")), "");
    }
    let first = poll_once(imap_config(&d, ""), &db).expect("first pass");
    assert_eq!(first.messages_read, 5);
    assert_eq!(first.records_added, 5);
    for (_, flags) in c.messages("INBOX") {
        assert!(has_flag(&flags, KEYWORD_NO_FORM), "{flags:?}");
        assert!(
            !has_flag(&flags, "\\Seen"),
            "BODY.PEEK must not set \\Seen: {flags:?}"
        );
    }
    let second = poll_once(imap_config(&d, ""), &db).expect("second pass");
    assert_eq!(second, Summary::default(), "nothing new: {second}");
    assert_eq!(record_count(&db), 5);
    // One more message: only it is read.
    c.append("INBOX", &dovecot::plain_message("s5"), "");
    let third = poll_once(imap_config(&d, ""), &db).expect("third pass");
    assert_eq!(
        (third.messages_read, third.records_added),
        (1, 1),
        "{third}"
    );
    assert_eq!(record_count(&db), 6);
}

#[test]
fn killed_between_commit_and_move_only_moves_on_the_next_pass() {
    let Some(d) = Dovecot::start("killed_between_commit_and_move", Options::default()) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let db = db_in(&dir);
    let messages: Vec<Vec<u8>> = (0..3)
        .map(|i| dovecot::plain_message(&format!("k{i}")))
        .collect();
    let mut c = d.client();
    for m in &messages {
        c.append("INBOX", m, "");
    }
    // A run that committed message 0 and died before telling the server.
    {
        let mut ledger = Ledger::open(&db).unwrap();
        let raw = RawMessage {
            bytes: messages[0].clone(),
            origin: "imap:INBOX;UIDVALIDITY=1;UID=1".into(),
            internal_date: None,
        };
        let m = Pipeline::default().process(&raw).recorded();
        ledger.append(&[m], false).unwrap();
    }
    assert_eq!(record_count(&db), 1);
    let cfg = imap_config(&d, "no_form_action = \"move\"");
    let s = poll_once(cfg, &db).expect("pass");
    assert_eq!(s.messages_read, 3, "{s}");
    assert_eq!(s.skipped, 1, "{s}");
    assert_eq!(s.records_added, 2, "{s}");
    assert_eq!(record_count(&db), 3, "one record per message, none twice");
    assert!(
        c.messages("INBOX").is_empty(),
        "all moved, the recorded one too"
    );
    assert_eq!(c.messages(PROCESSED).len(), 3);
}

/// The form half ($Registered) depends on form detection; the rest does not.
#[test]
fn server_without_move_or_uidplus_marks_and_never_expunges() {
    let opts = Options {
        capabilities: Some("IMAP4rev1 IDLE LITERAL+".into()),
        ..Default::default()
    };
    let Some(d) = Dovecot::start("server_without_move_or_uidplus", opts) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let db = db_in(&dir);
    let form = dovecot::fixture_mail("m08_body_plain_text_form.eml");
    let plain = dovecot::plain_message("nm-plain");
    let theirs = dovecot::plain_message("nm-theirs");
    let mut c = d.client();
    c.append("INBOX", &form, "");
    c.append("INBOX", &plain, "");
    c.append("INBOX", &theirs, "\\Deleted");
    let cfg = imap_config(&d, "no_form_action = \"move\"");
    let s = poll_once(cfg.clone(), &db).expect("pass");
    assert_eq!(s.messages_read, 3, "{s}");
    let inbox = c.messages("INBOX");
    assert_eq!(inbox.len(), 3, "nothing expunged: {inbox:?}");
    let deleted: Vec<_> = inbox
        .iter()
        .filter(|(_, f)| has_flag(f, "\\Deleted"))
        .collect();
    assert_eq!(
        deleted.len(),
        1,
        "only the other client's \\Deleted mail: {inbox:?}"
    );
    assert!(
        c.messages(PROCESSED).is_empty(),
        "no copies without MOVE/UIDPLUS"
    );
    let form_uid = inbox[0].0;
    let expected = if has_form(&db, &form) == Some(true) {
        KEYWORD_REGISTERED
    } else {
        KEYWORD_NO_FORM
    };
    assert!(has_flag(&inbox[0].1, expected), "{:?}", inbox[0]);
    assert!(has_flag(&inbox[1].1, KEYWORD_NO_FORM), "{:?}", inbox[1]);
    assert_eq!(form_uid, 1);
    assert_eq!(
        has_form(&db, &form),
        Some(true),
        "form detection: the form message is a form"
    );
    let again = poll_once(cfg, &db).expect("second pass");
    assert_eq!(
        again.messages_read, 0,
        "marked mail is not read again: {again}"
    );
}

#[test]
fn another_clients_deleted_message_is_left_alone() {
    for caps in ["IMAP4rev1 IDLE LITERAL+", dovecot::WITHOUT_MOVE] {
        let opts = Options {
            capabilities: Some(caps.into()),
            ..Default::default()
        };
        let Some(d) = Dovecot::start("another_clients_deleted_message", opts) else {
            return;
        };
        let dir = tempfile::tempdir().unwrap();
        let db = db_in(&dir);
        let mut c = d.client();
        c.append("INBOX", &dovecot::plain_message("del-theirs"), "\\Deleted");
        c.append("INBOX", &dovecot::plain_message("del-a"), "");
        c.append("INBOX", &dovecot::plain_message("del-b"), "");
        let cfg = imap_config(&d, "no_form_action = \"move\"");
        poll_once(cfg, &db).expect("pass");
        let inbox = c.messages("INBOX");
        let theirs = inbox.iter().find(|(uid, _)| *uid == 1);
        assert!(
            theirs.is_some_and(|(_, f)| has_flag(f, "\\Deleted")),
            "{caps}: the other client's \\Deleted message is still there: {inbox:?}"
        );
        if caps.contains("UIDPLUS") {
            assert_eq!(inbox.len(), 1, "{caps}: ours were moved: {inbox:?}");
            assert_eq!(c.messages(PROCESSED).len(), 2, "{caps}");
        } else {
            assert_eq!(inbox.len(), 3, "{caps}: nothing expunged: {inbox:?}");
        }
    }
}

#[test]
fn uidvalidity_change_records_nothing_twice() {
    let Some(d) = Dovecot::start("uidvalidity_change", Options::default()) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let conf = config_file(&dir, &d, "");
    let mut c = d.client();
    for i in 0..3 {
        c.append("INBOX", &dovecot::plain_message(&format!("uv{i}")), "");
    }
    let out = bin()
        .args(["--config"])
        .arg(&conf)
        .args(["poll", "--once"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert_eq!(summary(&stderr), [3, 3, 3, 0, 0]);
    // The mailbox is rebuilt: new UIDVALIDITY, our keywords lost.
    c.ok("SELECT INBOX");
    c.ok(&format!("UID STORE 1:* -FLAGS.SILENT ({KEYWORD_NO_FORM})"));
    c.ok("UNSELECT");
    d.set_uidvalidity("INBOX", 777);
    let out = bin()
        .args(["--config"])
        .arg(&conf)
        .args(["poll", "--once"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("UIDVALIDITY changed"),
        "a warning: {stderr}"
    );
    assert_eq!(summary(&stderr), [3, 0, 0, 3, 0], "{stderr}");
    assert_eq!(record_count(&db_in(&dir)), 3);
    for (_, flags) in c.messages("INBOX") {
        assert!(has_flag(&flags, KEYWORD_NO_FORM), "marked again: {flags:?}");
    }
}

#[test]
fn session_dropped_mid_fetch_loses_and_duplicates_nothing() {
    let Some(d) = Dovecot::start("session_dropped_mid_fetch", Options::default()) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let db = db_in(&dir);
    let mut c = d.client();
    let filler = "All work and no play makes a dull registration form.\n".repeat(200);
    let count = 30;
    for i in 0..count {
        c.append(
            "INBOX",
            &dovecot::message(&format!("cut{i}"), "Padding", &filler),
            "",
        );
    }
    // About a third of the way into the first FETCH answer.
    let proxy = Proxy::start(d.port, 120_000);
    let mut cfg = imap_config(&d, "no_form_action = \"move\"\nfetch_batch = 10");
    cfg.port = proxy.port;
    let first = poll_once(cfg.clone(), &db);
    assert!(proxy.cut.load(std::sync::atomic::Ordering::SeqCst));
    let err = first.expect_err("the cut session fails the pass");
    let partial = record_count(&db);
    assert!(
        partial < count,
        "stopped early: {partial} recorded; {err:#}"
    );
    let second = poll_once(cfg, &db).expect("the next pass completes");
    assert_eq!(record_count(&db), count, "no loss, no duplicate: {second}");
    assert!(c.messages("INBOX").is_empty());
    assert_eq!(c.messages(PROCESSED).len(), count);
}

#[test]
fn tls_trusts_ca_file_and_refuses_without_it() {
    let opts = Options {
        tls: true,
        ..Default::default()
    };
    let Some(d) = Dovecot::start("tls_trusts_ca_file", opts) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let db = db_in(&dir);
    let mut c = d.client();
    c.append("INBOX", &dovecot::plain_message("tls1"), "");
    let ca = d.ca_file.clone().unwrap();
    let implicit = |ca: Option<&Path>| {
        let mut cfg = imap_config(&d, "");
        cfg.tls = regintake::config::TlsMode::Implicit;
        cfg.port = d.tls_port.unwrap();
        cfg.ca_file = ca.map(Path::to_path_buf);
        cfg
    };
    let err = poll_once(implicit(None), &db).expect_err("an unknown CA is refused");
    let text = format!("{err:#}");
    assert!(
        text.contains("certificate") || text.contains("TLS"),
        "{text}"
    );
    assert_eq!(record_count(&db), 0);
    let s = poll_once(implicit(Some(&ca)), &db).expect("trusted through ca_file");
    assert_eq!(s.records_added, 1);
    // STARTTLS on the plain port, same CA.
    c.append("INBOX", &dovecot::plain_message("tls2"), "");
    let mut cfg = imap_config(&d, "");
    cfg.tls = regintake::config::TlsMode::Starttls;
    cfg.ca_file = Some(ca);
    let s = poll_once(cfg.clone(), &db).expect("STARTTLS");
    assert_eq!(s.records_added, 1);
    cfg.ca_file = None;
    poll_once(cfg, &db).expect_err("STARTTLS without the CA is refused too");
}

#[test]
fn plaintext_to_a_remote_host_is_refused_before_connecting() {
    let dir = tempfile::tempdir().unwrap();
    let db = db_in(&dir);
    // TEST-NET-1: a connection attempt would hang until the timeout, not fail at once.
    let cfg: ImapConfig = toml::from_str(
        "host = \"192.0.2.1\"\nport = 143\ntls = \"none\"\nusername = \"u\"\npassword = \"p\"\ntimeout_secs = 30",
    )
    .unwrap();
    let started = Instant::now();
    let err = poll_once(cfg, &db).expect_err("refused");
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "no connection attempted"
    );
    let text = format!("{err:#}");
    assert!(text.contains("tls = \"none\" is refused"), "{text}");
    assert!(!text.contains("connect to"), "{text}");
}

#[test]
fn xoauth2_logs_in_through_token_introspection() {
    let Some(d) = Dovecot::start_taking_token("xoauth2_logs_in", "ya29.good-token") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let db = db_in(&dir);
    // Seeding needs a password login: drop in the message with doveadm instead.
    d.save_without_login(dovecot::USER, &dovecot::plain_message("oauth1"));
    let toml = |cmd: &str| -> ImapConfig {
        toml::from_str(&format!(
            "host = \"127.0.0.1\"\nport = {}\ntls = \"none\"\nusername = \"{}\"\noauth2_token_command = \"{cmd}\"\n",
            d.port,
            dovecot::USER
        ))
        .unwrap()
    };
    let err = poll_once(toml("printf ya29.bad-token"), &db).expect_err("a bad token is refused");
    let text = format!("{err:#}");
    assert!(text.contains("XOAUTH2"), "{text}");
    assert!(
        !text.contains("ya29.bad-token"),
        "no token in errors: {text}"
    );
    let s = poll_once(toml("printf ya29.good-token"), &db)
        .unwrap_or_else(|e| panic!("{e:#}\n{}", d.log()));
    assert_eq!(s.records_added, 1);
}

#[test]
fn failed_login_error_holds_no_password() {
    let Some(d) = Dovecot::start("failed_login_error", Options::default()) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let db = db_in(&dir);
    let wrong = "Wr0ng-Secret-Value-42";
    let mut cfg = imap_config(&d, "");
    cfg.password = Some(wrong.into());
    let text = format!("{:#}", poll_once(cfg.clone(), &db).expect_err("refused"));
    assert!(text.contains("refused LOGIN"), "{text}");
    assert!(!text.contains(wrong) && !text.contains(PASSWORD), "{text}");
    cfg.password = None;
    cfg.password_command = Some(format!("echo {wrong}; exit 1"));
    let text = format!("{:#}", poll_once(cfg, &db).expect_err("command fails"));
    assert!(text.contains("password_command failed"), "{text}");
    assert!(!text.contains(wrong), "{text}");
}

#[test]
fn second_concurrent_poll_exits_75() {
    let Some(d) = Dovecot::start("second_concurrent_poll", Options::default()) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let conf = dir.path().join("regintake.toml");
    std::fs::write(
        &conf,
        format!(
            "[ledger]\npath = \"{}\"\n[imap]\nhost = \"127.0.0.1\"\nport = {}\ntls = \"none\"\nusername = \"{}\"\npassword_command = \"sleep 3; printf '%s' '{PASSWORD}'\"\n",
            db_in(&dir).display(),
            d.port,
            dovecot::USER
        ),
    )
    .unwrap();
    let first = bin()
        .arg("--config")
        .arg(&conf)
        .args(["poll", "--once"])
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(1500));
    let second = support::poll_once(&conf);
    assert_eq!(
        second.status.code(),
        Some(75),
        "{}",
        String::from_utf8_lossy(&second.stderr)
    );
    let first = first.wait_with_output().unwrap();
    ok(first);
}

/// Runs the daemon; returns the child and a channel of its stderr lines.
fn spawn_daemon(
    conf: &Path,
) -> (
    std::process::Child,
    std::sync::mpsc::Receiver<String>,
    std::sync::Arc<std::sync::Mutex<String>>,
) {
    spawn_daemon_with(conf, &[])
}

fn spawn_daemon_with(
    conf: &Path,
    env: &[(&str, &str)],
) -> (
    std::process::Child,
    std::sync::mpsc::Receiver<String>,
    std::sync::Arc<std::sync::Mutex<String>>,
) {
    let mut child = bin()
        .arg("-v")
        .arg("--config")
        .arg(conf)
        .arg("poll")
        .envs(env.iter().copied())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let all = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
    let all2 = all.clone();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stderr).lines() {
            let Ok(line) = line else { break };
            all2.lock().unwrap().push_str(&line);
            all2.lock().unwrap().push('\n');
            let _ = tx.send(line);
        }
    });
    (child, rx, all)
}

fn wait_for_line(rx: &std::sync::mpsc::Receiver<String>, needle: &str, limit: Duration) -> bool {
    let deadline = Instant::now() + limit;
    while let Some(left) = deadline.checked_duration_since(Instant::now()) {
        match rx.recv_timeout(left) {
            Ok(line) if line.contains(needle) => return true,
            Ok(_) => {}
            Err(_) => return false,
        }
    }
    false
}

fn wait_exit(child: &mut std::process::Child, limit: Duration) -> Option<i32> {
    let deadline = Instant::now() + limit;
    while Instant::now() < deadline {
        if let Ok(Some(status)) = child.try_wait() {
            return status.code();
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = child.kill();
    let _ = child.wait();
    None
}

#[test]
fn sigterm_mid_batch_exits_cleanly_with_nothing_half_done() {
    let Some(d) = Dovecot::start("sigterm_mid_batch", Options::default()) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let conf = config_file(
        &dir,
        &d,
        "no_form_action = \"move\"\nfetch_batch = 25\npoll_interval_secs = 3600",
    );
    let mut c = d.client();
    let count = 600;
    let filler = "Padding so that the pass takes a moment.\n".repeat(100);
    for i in 0..count {
        c.append(
            "INBOX",
            &dovecot::message(&format!("term{i}"), "Padding", &filler),
            "",
        );
    }
    let (mut child, rx, all) = spawn_daemon(&conf);
    assert!(
        wait_for_line(&rx, "Recorded message", Duration::from_secs(30)),
        "{}",
        all.lock().unwrap()
    );
    dovecot::send_signal(child.id(), libc::SIGTERM);
    let code = wait_exit(&mut child, Duration::from_secs(30));
    std::thread::sleep(Duration::from_millis(100));
    let stderr = all.lock().unwrap().clone();
    assert_eq!(code, Some(0), "{stderr}");
    let [read, added, ..] = summary(&stderr);
    assert!(read < count as u64, "stopped mid-pass: {read} read");
    let recorded = record_count(&db_in(&dir));
    assert_eq!(recorded as u64, added);
    // Whatever was recorded was also moved; nothing else was.
    let moved = c.messages(PROCESSED).len();
    assert_eq!(moved, recorded, "recorded and moved agree");
    assert_eq!(c.messages("INBOX").len(), count - moved);
    // The next run picks up exactly the rest.
    let out = support::poll_once(&conf);
    assert!(out.status.success());
    assert_eq!(record_count(&db_in(&dir)), count);
    assert_eq!(c.messages(PROCESSED).len(), count);
}

#[test]
fn idle_wakes_the_daemon_within_seconds() {
    let Some(d) = Dovecot::start("idle_wakes_the_daemon", Options::default()) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    // A timer poll would take an hour: only IDLE can explain a quick wake-up.
    let conf = config_file(&dir, &d, "poll_interval_secs = 3600\nidle = true");
    let notify_path = dir.path().join("notify.sock");
    let notify = std::os::unix::net::UnixDatagram::bind(&notify_path).unwrap();
    notify
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let (mut child, rx, all) = spawn_daemon_with(
        &conf,
        &[
            ("NOTIFY_SOCKET", notify_path.to_str().unwrap()),
            ("WATCHDOG_USEC", "400000"),
        ],
    );
    let mut states = Vec::new();
    let mut buf = [0u8; 256];
    while !states.iter().any(|s: &String| s == "READY=1") {
        let n = notify.recv(&mut buf).expect("READY=1 from the daemon");
        states.push(String::from_utf8_lossy(&buf[..n]).into_owned());
    }
    assert!(
        wait_for_line(&rx, "Waiting in IDLE", Duration::from_secs(20)),
        "{}",
        all.lock().unwrap()
    );
    let mut c = d.client();
    let appended = Instant::now();
    c.append("INBOX", &dovecot::plain_message("idle1"), "");
    assert!(
        wait_for_line(&rx, "Recorded message", Duration::from_secs(10)),
        "{}",
        all.lock().unwrap()
    );
    assert!(appended.elapsed() < Duration::from_secs(5));
    assert!(wait_for_line(
        &rx,
        "Waiting in IDLE",
        Duration::from_secs(10)
    ));
    dovecot::send_signal(child.id(), libc::SIGTERM);
    let code = wait_exit(&mut child, Duration::from_secs(20));
    let stderr = all.lock().unwrap().clone();
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(summary(&stderr)[1], 1);
    notify.set_nonblocking(true).unwrap();
    while let Ok(n) = notify.recv(&mut buf) {
        states.push(String::from_utf8_lossy(&buf[..n]).into_owned());
    }
    assert!(states.iter().any(|s| s == "WATCHDOG=1"), "{states:?}");
    assert!(states.iter().any(|s| s == "STOPPING=1"), "{states:?}");
    let inbox = c.messages("INBOX");
    assert!(has_flag(&inbox[0].1, KEYWORD_NO_FORM), "{inbox:?}");
}

#[test]
fn daemon_reconnects_after_the_session_is_dropped() {
    let Some(d) = Dovecot::start("daemon_reconnects", Options::default()) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let conf = config_file(&dir, &d, "poll_interval_secs = 3600");
    let (mut child, rx, all) = spawn_daemon(&conf);
    assert!(
        wait_for_line(&rx, "Waiting in IDLE", Duration::from_secs(20)),
        "{}",
        all.lock().unwrap()
    );
    d.doveadm(&["kick", dovecot::USER]);
    assert!(
        wait_for_line(&rx, "reconnecting", Duration::from_secs(10)),
        "{}",
        all.lock().unwrap()
    );
    assert!(
        wait_for_line(&rx, "Waiting in IDLE", Duration::from_secs(20)),
        "{}",
        all.lock().unwrap()
    );
    let mut c = d.client();
    c.append("INBOX", &dovecot::plain_message("after-kick"), "");
    assert!(
        wait_for_line(&rx, "Recorded message", Duration::from_secs(10)),
        "{}",
        all.lock().unwrap()
    );
    dovecot::send_signal(child.id(), libc::SIGTERM);
    assert_eq!(wait_exit(&mut child, Duration::from_secs(20)), Some(0));
    assert_eq!(record_count(&db_in(&dir)), 1);
}

#[test]
fn oversized_message_is_recorded_unread() {
    let Some(d) = Dovecot::start("oversized_message", Options::default()) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let db = db_in(&dir);
    let mut c = d.client();
    let big = dovecot::message("big", "Huge", &"x".repeat(20_000));
    c.append("INBOX", &big, "");
    c.append("INBOX", &dovecot::plain_message("small"), "");
    let mut ctx = Pipeline::default();
    ctx.limits.max_message_bytes = 5_000;
    let _lock = RunLock::acquire(&db).unwrap();
    let ledger = Ledger::open(&db).unwrap();
    let s = pipeline::poll(imap_config(&d, ""), ledger, ctx, once()).unwrap();
    assert_eq!((s.messages_read, s.records_added), (2, 2), "{s}");
    let rows = report::rows(&Ledger::open(&db).unwrap(), &ExportFilter::default()).unwrap();
    let flags: Vec<&str> = rows.iter().map(|r| r.flags.as_str()).collect();
    assert!(flags.contains(&"unreadable_attachment"), "{flags:?}");
    assert!(flags.contains(&"no_form_found"), "{flags:?}");
    assert_eq!(
        c.messages(PROCESSED).len(),
        1,
        "the unread one waits for staff"
    );
}

/// Measurement, not a check: `scripts/bench-imap.sh` runs it in release mode. Polls 2,000
/// messages from the local Dovecot, then ingests the same messages from an mbox, and prints both.
#[test]
#[ignore]
fn bench_poll_2000_messages_vs_ingest() {
    let Some(d) = Dovecot::start("bench_poll_2000_messages_vs_ingest", Options::default()) else {
        return;
    };
    let count: usize = std::env::var("REGINTAKE_BENCH_MESSAGES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2000);
    // The fixture mails (DOCX, PDF, ODT, body forms, no form...), each copy made unique.
    let fixtures = dovecot::fixture_mails();
    let messages: Vec<Vec<u8>> = (0..count)
        .map(|i| {
            let m = String::from_utf8_lossy(&fixtures[i % fixtures.len()]).replacen(
                "Message-ID: <",
                &format!("Message-ID: <copy{i}."),
                1,
            );
            format!("X-Bench-Copy: {i}\r\n{m}").into_bytes()
        })
        .collect();
    let bytes: usize = messages.iter().map(Vec::len).sum();
    let mut c = d.client();
    let t = Instant::now();
    c.append_many("INBOX", &messages);
    eprintln!(
        "seeded {count} messages ({bytes} bytes) in {:.2?}",
        t.elapsed()
    );

    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("poll.db");
    let cfg = imap_config(&d, "no_form_action = \"move\"");
    let t = Instant::now();
    let s = poll_once(cfg, &db).expect("poll");
    let poll = t.elapsed();
    assert_eq!(s.messages_read as usize, count, "{s}");

    let mbox = dir.path().join("bench.mbox");
    let mut text = Vec::new();
    for m in &messages {
        text.extend_from_slice(b"From MAILER-DAEMON Tue Nov 24 10:00:00 2026\n");
        // mboxrd: a line starting with ">*From " gets one more '>'.
        for line in String::from_utf8_lossy(m)
            .replace("\r\n", "\n")
            .split_inclusive('\n')
        {
            if line.trim_start_matches('>').starts_with("From ") {
                text.push(b'>');
            }
            text.extend_from_slice(line.as_bytes());
        }
        text.extend_from_slice(b"\n");
    }
    std::fs::write(&mbox, &text).unwrap();
    if let Some(keep) = std::env::var_os("REGINTAKE_BENCH_MBOX") {
        std::fs::write(keep, &text).unwrap();
    }
    let db2 = dir.path().join("ingest.db");
    let mut ledger = Ledger::open(&db2).unwrap();
    let t = Instant::now();
    let si = pipeline::ingest(
        &[mbox],
        &mut ledger,
        &Pipeline::default(),
        &pipeline::IngestOptions { reprocess: false },
        &mut |_| {},
    );
    let ingest = t.elapsed();
    let rate = |n: u64, d: Duration| n as f64 / d.as_secs_f64().max(1e-9);
    println!(
        "poll --once: {count} messages in {poll:.2?} ({:.0} msg/s; {s})",
        rate(s.messages_read, poll)
    );
    match si {
        Ok(si) => println!(
            "ingest mbox: {} messages in {ingest:.2?} ({:.0} msg/s; {si})",
            si.messages_read,
            rate(si.messages_read, ingest)
        ),
        Err(e) => println!("ingest mbox failed: {e:#}"),
    }
}

#[test]
fn mail_arriving_during_a_pass_is_read_without_waiting() {
    let Some(d) = Dovecot::start("mail_arriving_during_a_pass", Options::default()) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let conf = config_file(&dir, &d, "poll_interval_secs = 3600\nfetch_batch = 20");
    let mut c = d.client();
    let count = 300;
    let seed: Vec<Vec<u8>> = (0..count)
        .map(|i| dovecot::plain_message(&format!("during{i}")))
        .collect();
    c.append_many("INBOX", &seed);
    let (mut child, rx, all) = spawn_daemon(&conf);
    // The first commit comes after the pass's SEARCH: this message is not in its list.
    assert!(
        wait_for_line(&rx, "Recorded message", Duration::from_secs(30)),
        "{}",
        all.lock().unwrap()
    );
    c.append("INBOX", &dovecot::plain_message("during-late"), "");
    let deadline = Instant::now() + Duration::from_secs(15);
    let mut marked = 0;
    while Instant::now() < deadline {
        marked = c
            .messages("INBOX")
            .iter()
            .filter(|(_, f)| has_flag(f, KEYWORD_NO_FORM))
            .count();
        if marked == count + 1 {
            break;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    dovecot::send_signal(child.id(), libc::SIGTERM);
    let code = wait_exit(&mut child, Duration::from_secs(20));
    assert_eq!(marked, count + 1, "{}", all.lock().unwrap());
    assert_eq!(code, Some(0));
}

/// The same mails give the same records whether polled or ingested from an archive (only the
/// received time differs: IMAP's INTERNALDATE against the Date header). Depends on the readers.
#[test]
fn poll_and_ingest_record_the_same_fields() {
    let Some(d) = Dovecot::start("poll_and_ingest_record_the_same", Options::default()) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let mut c = d.client();
    c.append_many("INBOX", &dovecot::fixture_mails());
    let polled = db_in(&dir);
    let s = poll_once(imap_config(&d, ""), &polled).expect("pass");
    assert_eq!(s.messages_read as usize, dovecot::fixture_mails().len());
    let ingested = dir.path().join("ingest.db");
    let mut ledger = Ledger::open(&ingested).unwrap();
    let mbox = crate::support::repo("fixtures/sample.mbox");
    pipeline::ingest(
        &[mbox],
        &mut ledger,
        &Pipeline::default(),
        &pipeline::IngestOptions { reprocess: false },
        &mut |_| {},
    )
    .expect("ingest");
    let rows = |db: &Path| {
        // Every column but those that differ by reading path (ids, INTERNALDATE vs Date).
        let differ = ["record_id", "received_at", "due_by", "supersedes"];
        let mut rows: Vec<Vec<String>> =
            report::rows(&Ledger::open(db).unwrap(), &ExportFilter::default())
                .unwrap()
                .iter()
                .map(|r| {
                    report::COLUMNS
                        .iter()
                        .zip(r.values())
                        .filter(|(c, _)| !differ.contains(&c.name))
                        .map(|(_, v)| v.to_string())
                        .collect()
                })
                .collect();
        rows.sort();
        rows
    };
    let (p, i) = (rows(&polled), rows(&ingested));
    assert!(p.len() >= 33, "{}", p.len());
    assert_eq!(p, i);
}

/// Writes a config for `user` on `port` (a proxy's) with its own ledger in `dir`, and runs
/// `poll --once` through the binary: (exit code, stderr).
fn poll_as(
    dir: &tempfile::TempDir,
    d: &Dovecot,
    user: &str,
    port: u16,
    extra: &str,
) -> (Option<i32>, String) {
    let conf = support::write_config(
        &dir.path().join(format!("{user}.toml")),
        &dir.path().join(format!("{user}.db")),
        &d.imap_toml_for(user, port, extra),
        "",
    );
    let out = support::poll_once(&conf);
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Cuts the session of a first pass at one command, then runs a second pass through the same
/// address: the first must exit 1, the second 0, and the end state be exactly once everywhere.
fn cut_then_finish(d: &Dovecot, name: &str, cases: &[(&str, Rule)]) {
    let dir = tempfile::tempdir().unwrap();
    for (i, (what, rule)) in cases.iter().enumerate() {
        let user = format!("{name}{i}");
        let (forms, plain, messages) = invariants::seed(&format!("{user}-"), 9, 3);
        let mut c = d.client_for(&user);
        c.append_many("INBOX", &messages);
        let proxy = CommandProxy::start(d.port, rule.clone());
        let extra = "fetch_batch = 4\ntimeout_secs = 3";
        let (code, stderr) = poll_as(&dir, d, &user, proxy.port, extra);
        assert!(proxy.fired(), "{what}: the break did not happen\n{stderr}");
        assert_eq!(
            code,
            Some(1),
            "{what}: a pass that could not finish exits 1\n{stderr}"
        );
        let errors: Vec<&str> = stderr.lines().filter(|l| l.contains("error")).collect();
        assert!(
            errors.iter().all(|l| l.len() < 600),
            "{what}: error lines are short: {errors:?}"
        );
        let (code, stderr) = poll_as(&dir, d, &user, proxy.port, extra);
        assert_eq!(code, Some(0), "{what}: the next pass finishes\n{stderr}");
        let db = dir.path().join(format!("{user}.db"));
        invariants::assert_each_once(&mut c, &db, &forms, &plain, what);
        // And a third pass finds nothing to do.
        let (code, stderr) = poll_as(&dir, d, &user, proxy.port, extra);
        assert_eq!(code, Some(0), "{what}\n{stderr}");
        assert_eq!(summary(&stderr)[..2], [0, 0], "{what}: {stderr}");
    }
}

/// A server without MOVE (UIDPLUS: COPY, STORE \Deleted, UID EXPUNGE): a connection cut before
/// or after each step leaves nothing copied twice, nothing stranded flagged \Deleted, and an
/// exit code of 1; the next pass finishes the move from the ledger's move log.
#[test]
fn without_move_a_cut_at_any_step_is_exit_1_and_the_next_pass_finishes() {
    let opts = Options {
        capabilities: Some(dovecot::WITHOUT_MOVE.into()),
        ..Default::default()
    };
    let Some(d) = Dovecot::start("without_move_a_cut_at_any_step", opts) else {
        return;
    };
    cut_then_finish(
        &d,
        "nomove",
        &[
            ("COPY never sent", Rule::new("UID COPY", Break::DropCommand)),
            (
                "COPY done, its answer lost",
                Rule::new("UID COPY", Break::DropAnswer),
            ),
            (
                "\\Deleted set, its answer lost",
                Rule::new("UID STORE", Break::DropAnswer).containing("\\Deleted"),
            ),
            (
                "EXPUNGE never sent",
                Rule::new("UID EXPUNGE", Break::DropCommand),
            ),
            (
                "EXPUNGE done, its answer lost",
                Rule::new("UID EXPUNGE", Break::DropAnswer),
            ),
            (
                "EXPUNGE answer cut short",
                Rule::new("UID EXPUNGE", Break::CutAnswerAfter(10)),
            ),
            (
                "cut in the middle of FETCH",
                Rule::new("UID FETCH", Break::CutAnswerAfter(2500)).containing("BODY.PEEK[]"),
            ),
            (
                "cut before SEARCH's answer",
                Rule::new("UID SEARCH", Break::DropAnswer),
            ),
            (
                "cut before SELECT's answer",
                Rule::new("SELECT", Break::DropAnswer),
            ),
            (
                "cut before the $NoForm keyword's answer",
                Rule::new("UID STORE", Break::DropAnswer).containing("$NoForm"),
            ),
            (
                "EXPUNGE's answer never comes (the connection stalls)",
                Rule::new("UID EXPUNGE", Break::Stall),
            ),
        ],
    );
    // The other client's \Deleted mail is never expunged (UID EXPUNGE names only ours).
    let mut c = d.client_for("nomove-theirs");
    c.append("INBOX", &dovecot::plain_message("theirs"), "\\Deleted");
    c.append("INBOX", &dovecot::form_message("ours"), "");
    let dir = tempfile::tempdir().unwrap();
    let (code, stderr) = poll_as(&dir, &d, "nomove-theirs", d.port, "");
    assert_eq!(code, Some(0), "{stderr}");
    let inbox = c.messages_with_ids("INBOX");
    assert_eq!(inbox.len(), 1, "{inbox:?}");
    assert_eq!(inbox[0].2, "<theirs@test.example.org>");
    assert_eq!(c.messages(invariants::PROCESSED).len(), 1);
}

/// The same with MOVE: a cut before or after UID MOVE.
#[test]
fn with_move_a_cut_at_move_is_exit_1_and_the_next_pass_finishes() {
    let Some(d) = Dovecot::start("with_move_a_cut_at_move", Options::default()) else {
        return;
    };
    cut_then_finish(
        &d,
        "move",
        &[
            ("MOVE never sent", Rule::new("UID MOVE", Break::DropCommand)),
            (
                "MOVE done, its answer lost",
                Rule::new("UID MOVE", Break::DropAnswer),
            ),
            (
                "MOVE answer cut short",
                Rule::new("UID MOVE", Break::CutAnswerAfter(20)),
            ),
            (
                "cut in the middle of FETCH",
                Rule::new("UID FETCH", Break::CutAnswerAfter(2500)).containing("BODY.PEEK[]"),
            ),
        ],
    );
}

/// Runs `poll --once` on `conf` with `env` and extra arguments before `poll`: (exit code, stdout
/// and stderr together).
fn poll_with_env(conf: &Path, env: &[(&str, &str)], args: &[&str]) -> (Option<i32>, String) {
    let out = bin()
        .envs(env.iter().copied())
        .args(args)
        .arg("--config")
        .arg(conf)
        .args(["poll", "--once"])
        .output()
        .unwrap();
    let mut all = String::from_utf8_lossy(&out.stdout).into_owned();
    all.push_str(&String::from_utf8_lossy(&out.stderr));
    (out.status.code(), all)
}

/// Environment variables and arguments for one run.
type Loud = (
    &'static [(&'static str, &'static str)],
    &'static [&'static str],
);

/// The ways to ask for every log line there is.
const LOUDEST: &[Loud] = &[
    (&[("REGINTAKE_LOG", "trace")], &[]),
    (&[("REGINTAKE_LOG", "async_imap=trace")], &[]),
    (
        &[(
            "REGINTAKE_LOG",
            "trace,async_imap=trace,async_imap::imap_stream=trace",
        )],
        &[],
    ),
    (&[("REGINTAKE_LOG", "trace")], &["--log-format", "json"]),
    (&[], &["-vv"]),
];

/// Asserts a run at the loudest logging was really loud (trace lines from somewhere) and holds
/// none of `secrets`.
fn assert_no_secret(output: &str, secrets: &[String], what: &str) {
    for s in secrets {
        assert!(
            !output.contains(s.as_str()),
            "{what}: a secret in the output:\n{output}"
        );
    }
}

/// No secret at any log level from any crate: LOGIN's password from the config or from
/// password_command, a refused password, and XOAUTH2's token (plain and in its base64 form), in
/// text and JSON logs at trace level.
#[test]
fn no_secret_in_any_log_at_trace_level() {
    let Some(d) = Dovecot::start("no_secret_in_any_log", Options::default()) else {
        return;
    };
    let mut c = d.client();
    c.append("INBOX", &dovecot::plain_message("secret1"), "");
    let dir = tempfile::tempdir().unwrap();
    let secrets = vec![PASSWORD.to_string()];
    let wrong = "Wr0ng-Secret-Value-42".to_string();
    for (name, secret_line) in [
        ("password", format!("password = \"{PASSWORD}\"")),
        (
            "password_command",
            format!("password_command = \"printf '%s' '{PASSWORD}'\""),
        ),
        ("wrong password", format!("password = \"{wrong}\"")),
    ] {
        let conf = dir.path().join(format!("{}.toml", name.replace(' ', "-")));
        write_private(
            &conf,
            format!(
                "[ledger]\npath = \"{}\"\n\n[imap]\nhost = \"127.0.0.1\"\nport = {}\ntls = \"none\"\nusername = \"{}\"\n{secret_line}\n",
                dir.path().join("ledger.db").display(),
                d.port,
                dovecot::USER
            ),
        )
        .unwrap();
        for (env, args) in LOUDEST {
            let what = format!("{name}, {env:?} {args:?}");
            let (code, output) = poll_with_env(&conf, env, args);
            if name == "wrong password" {
                assert_ne!(code, Some(0), "{what}: {output}");
                assert_no_secret(&output, std::slice::from_ref(&wrong), &what);
            } else {
                assert_eq!(code, Some(0), "{what}: {output}");
            }
            assert_no_secret(&output, &secrets, &what);
            // A run asking for everything really logged at trace level (else this proves
            // nothing).
            if name != "wrong password" && env.iter().any(|(_, v)| v.starts_with("trace")) {
                assert!(
                    output.contains("TRACE") || output.contains("\"level\":\"TRACE\""),
                    "{what}: nothing logged at trace level: {output}"
                );
            }
        }
    }
}

/// The same for XOAUTH2: the token, and the base64 form it is sent in, appear nowhere.
#[test]
fn no_token_in_any_log_at_trace_level() {
    const TOKEN: &str = "ya29.secret-token-value";
    let Some(d) = Dovecot::start_taking_token("no_token_in_any_log", TOKEN) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let initial = regintake::source::imap::connect::xoauth2_initial_response(dovecot::USER, TOKEN);
    let secrets = vec![
        TOKEN.to_string(),
        base64_of(&initial),
        base64_of(format!("auth=Bearer {TOKEN}").as_bytes()),
    ];
    let conf = dir.path().join("oauth.toml");
    write_private(
        &conf,
        format!(
            "[ledger]\npath = \"{}\"\n\n[imap]\nhost = \"127.0.0.1\"\nport = {}\ntls = \"none\"\nusername = \"{}\"\noauth2_token_command = \"printf '%s' '{TOKEN}'\"\n",
            dir.path().join("ledger.db").display(),
            d.port,
            dovecot::USER
        ),
    )
    .unwrap();
    for (env, args) in LOUDEST {
        let what = format!("XOAUTH2, {env:?} {args:?}");
        let (code, output) = poll_with_env(&conf, env, args);
        assert_eq!(code, Some(0), "{what}: {output}\n{}", d.log());
        assert_no_secret(&output, &secrets, &what);
    }
}

/// Writes a file readable by its owner only (a config holding a secret).
fn write_private(path: &Path, text: String) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::write(path, text)?;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
}

/// Standard base64 with padding (what AUTHENTICATE sends).
fn base64_of(bytes: &[u8]) -> String {
    const ABC: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ABC[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// SIGINT in the middle of `poll --once`: the messages in hand are committed and moved, the
/// summary printed with a word that running again is safe, exit 1; the next pass finishes.
#[test]
fn sigint_during_poll_once_prints_the_summary_and_rerunning_is_safe() {
    use std::os::unix::process::CommandExt as _;
    let Some(d) = Dovecot::start("sigint_during_poll_once", Options::default()) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let (forms, plain, messages) = invariants::seed("int-", 300, 4);
    let mut c = d.client();
    c.append_many("INBOX", &messages);
    let conf = config_file(&dir, &d, "fetch_batch = 10");
    let mut child = bin()
        .arg("--config")
        .arg(&conf)
        .args(["poll", "--once"])
        .stderr(Stdio::piped())
        .process_group(0)
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let all = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
    let all2 = all.clone();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stderr).lines() {
            let Ok(line) = line else { break };
            all2.lock().unwrap().push_str(&format!("{line}\n"));
            let _ = tx.send(line);
        }
    });
    assert!(
        wait_for_line(&rx, "Moved message", Duration::from_secs(30)),
        "{}",
        all.lock().unwrap()
    );
    dovecot::send_signal_group(child.id(), libc::SIGINT);
    let code = wait_exit(&mut child, Duration::from_secs(30));
    std::thread::sleep(Duration::from_millis(200));
    let stderr = all.lock().unwrap().clone();
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr.contains("stopped by SIGINT") && stderr.contains("again is safe"),
        "{stderr}"
    );
    let last = stderr.lines().last().unwrap_or("");
    assert!(
        last.contains("messages read"),
        "the summary comes last: {stderr}"
    );
    let [read, ..] = summary(&stderr);
    assert!(read > 0 && read < 300, "stopped mid-pass: {read}");
    let out = support::poll_once(&conf);
    ok(out);
    invariants::assert_each_once(&mut c, &db_in(&dir), &forms, &plain, "after SIGINT");
}
