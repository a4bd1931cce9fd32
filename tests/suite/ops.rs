//! Running regintake as an IT officer would, through the binary against a real Dovecot
//! (tests/suite/support/dovecot.rs): a refused login exits 77 (also the daemon, at once), every error
//! a person reads is one plain line, `doctor` on a good config and on each broken one, a quiet
//! `poll --once -q` with nothing to do prints nothing, `poll --dry-run` changes nothing, the
//! metrics file parses as Prometheus text and changes after each pass, the Microsoft 365 token
//! script runs for every connection, the systemd units verify, the README's config parses, the
//! help describes every option, and `check` names a missing file.
//! IMAP tests skip with a notice when dovecot is missing, unless REGINTAKE_REQUIRE_DOVECOT is set.

use crate::support::http::{form_value, http_server};
use crate::support::{self, REGINTAKE, bin, poll_once, repo, run_config};

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use support::dovecot::{self, Dovecot, Options, PASSWORD, USER};

const PROCESSED: &str = "Registrations/Processed";

fn text(out: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Writes a config file (mode 600): the ledger in `dir`, `imap` as the `[imap]` table, and
/// `extra` tables after it.
fn write_config(dir: &Path, imap: &str, extra: &str) -> PathBuf {
    let (path, ledger) = (dir.join("regintake.toml"), dir.join("ledger.db"));
    support::write_config(&path, &ledger, imap, extra)
}

/// Debug output of Rust values that must never reach a person.
const DEBUG_MARKS: &[&str] = &[
    "Some(",
    "None",
    "Outcome {",
    "Error code",
    "Error {",
    "Kind(",
];

fn assert_plain(what: &str, line: &str) {
    for mark in DEBUG_MARKS {
        assert!(!line.contains(mark), "{what}: {mark:?} in {line:?}");
    }
}

/// The one error line of a failed run (`regintake: error: ...`).
fn error_line(what: &str, stderr: &str) -> String {
    let errors: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("regintake: error:"))
        .collect();
    assert_eq!(errors.len(), 1, "{what}: one error line in:\n{stderr}");
    assert_plain(what, errors[0]);
    errors[0].to_string()
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

// ---------------------------------------------------------------------------------------------
// Refused logins: exit 77

#[test]
fn a_refused_login_exits_77_and_the_daemon_does_not_retry_it() {
    let Some(d) = Dovecot::start("refused_login_exits_77", Options::default()) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let wrong = d.imap_toml("").replace(PASSWORD, "Wr0ng-Passw0rd-31");
    let conf = write_config(dir.path(), &wrong, "");
    let once = run_config(&conf, &["poll", "--once"]);
    let (_, stderr) = text(&once);
    assert_eq!(once.status.code(), Some(77), "{stderr}");
    let line = error_line("wrong password", &stderr);
    assert!(line.contains("refused LOGIN"), "{line}");
    assert!(
        line.contains("check imap.username and the password"),
        "{line}"
    );
    assert!(!stderr.contains("Wr0ng-Passw0rd-31"), "{stderr}");
    // The daemon: exits 77 instead of backing off and trying again (a daemon that retried
    // would still be running when the guard below gives up on it).
    let mut daemon = bin()
        .arg("--config")
        .arg(&conf)
        .arg("poll")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let guard = Instant::now() + Duration::from_secs(120);
    let status = loop {
        if let Some(status) = daemon.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > guard {
            daemon.kill().ok();
            daemon.wait().ok();
            panic!("the daemon kept retrying a refused login:\n{}", d.log());
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let mut stderr = String::new();
    daemon
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    assert_eq!(status.code(), Some(77), "{stderr}");
    // One login attempt per run in the server's log (Dovecot writes a line when the
    // connection has closed: give it a moment, then look for a third too).
    let attempts = || {
        d.log()
            .lines()
            .filter(|l| l.contains("imap-login") && l.contains("auth failed"))
            .count()
    };
    let settle = Instant::now() + Duration::from_secs(5);
    while attempts() < 2 && Instant::now() < settle {
        std::thread::sleep(Duration::from_millis(100));
    }
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(attempts(), 2, "one attempt per run:\n{}", d.log());
}

#[test]
fn a_refused_xoauth2_token_exits_77() {
    let Some(d) = Dovecot::start_taking_token("refused_xoauth2_exits_77", "ya29.good") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let imap = format!(
        "host = \"127.0.0.1\"\nport = {}\ntls = \"none\"\nusername = \"{USER}\"\noauth2_token_command = \"printf ya29.expired\"",
        d.port
    );
    let conf = write_config(dir.path(), &imap, "");
    let out = run_config(&conf, &["poll", "--once"]);
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(77), "{stderr}");
    let line = error_line("bad token", &stderr);
    assert!(line.contains("refused AUTHENTICATE XOAUTH2"), "{line}");
    assert!(!stderr.contains("ya29.expired"), "{stderr}");
}

/// The daemon unit must not restart on 77 (nor 75); the once unit stops its timer on 77.
#[test]
fn the_units_never_restart_on_a_refused_login() {
    let unit = std::fs::read_to_string(repo("scripts/systemd/regintake.service")).unwrap();
    let prevent_lines = directive(&unit, "RestartPreventExitStatus");
    let prevent: Vec<&str> = prevent_lines
        .iter()
        .flat_map(|v| v.split_whitespace())
        .collect();
    assert!(
        prevent.contains(&"77") && prevent.contains(&"75"),
        "{prevent:?}"
    );
    assert_eq!(directive(&unit, "Restart"), ["on-failure"]);
    let once = std::fs::read_to_string(repo("scripts/systemd/regintake-once.service")).unwrap();
    let stop = directive(&once, "ExecStopPost").join(" ");
    assert!(
        stop.contains("EXIT_STATUS")
            && stop.contains("77")
            && stop.contains("stop regintake.timer"),
        "{stop}"
    );
}

/// Every value of `key=` in a unit file.
fn directive(unit: &str, key: &str) -> Vec<String> {
    unit.lines()
        .filter_map(|l| l.strip_prefix(&format!("{key}=")))
        .map(|v| v.trim().to_string())
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Errors a person reads

/// Provokes each error and reads its line: one line, what and where, what to do, no Rust debug
/// text.
#[test]
fn every_provoked_error_is_one_plain_line_with_what_to_do() {
    let opts = Options {
        tls: true,
        ..Default::default()
    };
    let Some(d) = Dovecot::start("every_provoked_error", opts) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let ca = d.ca_file.clone().unwrap();
    let tls_port = d.tls_port.unwrap();
    let closed = free_port();
    let closed_at = format!("127.0.0.1:{closed}");
    let no_tls_here = format!("did not answer TLS on port {}", d.port);
    let cases: Vec<(&str, String, Vec<&str>)> = vec![
        (
            "wrong password",
            d.imap_toml("").replace(PASSWORD, "not-it"),
            vec!["refused LOGIN", "check imap.username"],
        ),
        (
            "wrong mailbox",
            d.imap_toml("mailbox = \"Inbxo\""),
            vec!["\"Inbxo\"", "imap.mailbox"],
        ),
        (
            "wrong port",
            d.imap_toml("")
                .replace(&format!("port = {}", d.port), &format!("port = {closed}")),
            vec![&closed_at, "check imap.port"],
        ),
        (
            "TLS on the plain port",
            format!(
                "host = \"127.0.0.1\"\nport = {}\ntls = \"implicit\"\nca_file = \"{}\"\nusername = \"{USER}\"\npassword = \"{PASSWORD}\"",
                d.port,
                ca.display()
            ),
            vec![&no_tls_here, "tls = \"starttls\"", "port = 993"],
        ),
        (
            "unknown certificate authority",
            format!(
                "host = \"127.0.0.1\"\nport = {tls_port}\ntls = \"implicit\"\nusername = \"{USER}\"\npassword = \"{PASSWORD}\""
            ),
            vec!["not signed by a certificate authority", "imap.ca_file"],
        ),
        (
            "password command not found",
            d.imap_toml("").replace(
                &format!("password = \"{PASSWORD}\""),
                "password_command = \"no-such-program-xyz\"",
            ),
            vec!["password_command", "command not found", "full path"],
        ),
    ];
    for (what, imap, expected) in cases {
        let case = tempfile::tempdir_in(dir.path()).unwrap();
        let conf = write_config(case.path(), &imap, "timeout_secs = 10");
        let out = run_config(&conf, &["poll", "--once"]);
        let (_, stderr) = text(&out);
        assert!(
            matches!(out.status.code(), Some(1) | Some(77)),
            "{what}: {stderr}"
        );
        let line = error_line(what, &stderr);
        for e in expected {
            assert!(line.contains(e), "{what}: {e:?} not in {line:?}");
        }
    }
    // An unwritable ledger (a folder that does not exist stands in for one when running as
    // root, which can write anything).
    let conf = write_config(dir.path(), &d.imap_toml(""), "");
    let out = bin()
        .arg("--config")
        .arg(&conf)
        .arg("--db")
        .arg(dir.path().join("no-such-folder/ledger.db"))
        .args(["poll", "--once"])
        .output()
        .unwrap();
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    let line = error_line("ledger folder missing", &stderr);
    assert!(line.contains("no-such-folder/ledger.db"), "{line}");
    // A bad config: a typo in a key and a bad value, each named with its line.
    let bad = dir.path().join("bad.toml");
    std::fs::write(
        &bad,
        "[imap]\nhost = \"x\"\nusername = \"u\"\nport = \"nine\"\n",
    )
    .unwrap();
    let out = poll_once(&bad);
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    let line = error_line("bad config", &stderr);
    assert!(
        line.contains("bad.toml") && line.contains("line 4"),
        "{line}"
    );
}

#[test]
fn a_ledger_the_user_cannot_write_is_named() {
    // Root writes anything: run as nobody through setpriv when root.
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("ledger.db");
    let out = bin()
        .arg("--db")
        .arg(&db)
        .args(["ingest"])
        .arg(repo("fixtures/mail/m15_no_form_question.eml"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{:?}", text(&out));
    make_read_only(dir.path(), &db);
    let out = as_other_user(
        bin()
            .arg("--db")
            .arg(&db)
            .arg("ingest")
            .arg(repo("fixtures/mail/m16_reply_thread_no_form.eml")),
    );
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    let line = error_line("unwritable ledger", &stderr);
    assert!(line.contains("ledger.db"), "{line}");
}

/// Makes the folder and the ledger readable, not writable, by anyone but root.
fn make_read_only(folder: &Path, db: &Path) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(db, std::fs::Permissions::from_mode(0o644)).unwrap();
    std::fs::set_permissions(folder, std::fs::Permissions::from_mode(0o755)).unwrap();
}

/// Runs as `nobody` when we are root (root may write anything), else as ourselves with the
/// files already ours and read-only.
fn as_other_user(cmd: &mut Command) -> Output {
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } == 0 {
        let program = cmd.get_program().to_owned();
        let args: Vec<_> = cmd.get_args().map(|a| a.to_owned()).collect();
        let mut c = Command::new("setpriv");
        c.args(["--reuid=nobody", "--regid=nogroup", "--clear-groups", "--"])
            .arg(program)
            .args(args)
            .stdin(Stdio::null());
        for (k, v) in cmd.get_envs() {
            match v {
                Some(v) => c.env(k, v),
                None => c.env_remove(k),
            };
        }
        c.output().unwrap()
    } else {
        cmd.output().unwrap()
    }
}

// ---------------------------------------------------------------------------------------------
// doctor

fn doctor(conf: &Path, extra: &[&str]) -> (Option<i32>, String, String) {
    let out = bin()
        .arg("--config")
        .arg(conf)
        .args(extra)
        .arg("doctor")
        .output()
        .unwrap();
    let (stdout, stderr) = text(&out);
    (out.status.code(), stdout, stderr)
}

/// The first `FAIL` line of doctor's output.
fn fail_line(stdout: &str) -> &str {
    stdout
        .lines()
        .find(|l| l.starts_with("FAIL"))
        .unwrap_or_else(|| panic!("no FAIL line in:\n{stdout}"))
}

#[test]
fn doctor_passes_a_good_setup_and_changes_nothing() {
    let Some(d) = Dovecot::start("doctor_passes", Options::default()) else {
        return;
    };
    let mut c = d.client();
    c.append("INBOX", &dovecot::form_message("doc1"), "");
    c.append("INBOX", &dovecot::plain_message("doc2"), "");
    let dir = tempfile::tempdir().unwrap();
    let conf = write_config(
        dir.path(),
        &d.imap_toml(""),
        "[rules]\nextra_holidays = [\"2026-03-09\", \"2027-03-08\", \"2028-03-13\"]\n",
    );
    let (code, stdout, stderr) = doctor(&conf, &[]);
    assert_eq!(code, Some(0), "{stdout}{stderr}");
    for line in stdout.lines().filter(|l| !l.starts_with(' ')) {
        assert_plain("doctor", line);
        assert!(
            ["ok ", "warn", "FAIL", "doctor:"]
                .iter()
                .any(|p| line.starts_with(p)),
            "{line}"
        );
    }
    for expected in [
        "ok   config:",
        "imap.host = \"127.0.0.1\"  (file)",
        "imap.timeout_secs = 120  (default)",
        "ok   imap login: user \"registrations\" logged in",
        "ok   imap mailbox: \"INBOX\": 2 messages, 2 waiting to be read",
        "warn imap processed_mailbox: \"Registrations/Processed\" does not exist yet",
        "ok   worker isolation:",
        "ok   time zone:",
        // scripts/test.sh installs Tesseract with English (REGINTAKE_REQUIRE_OCR).
        "ok   ocr: tesseract",
    ] {
        assert!(stdout.contains(expected), "{expected:?} not in:\n{stdout}");
    }
    // Nothing created: no ledger, no lock file, no folder on the server; nothing moved.
    assert!(!dir.path().join("ledger.db").exists());
    assert!(!dir.path().join("ledger.db.lock").exists());
    assert_eq!(c.messages("INBOX").len(), 2);
    // \Recent is the server's: still there, as EXAMINE (unlike SELECT) does not take it.
    for (_, flags) in c.messages("INBOX") {
        assert!(flags.iter().all(|f| f == "\\Recent"), "{flags:?}");
    }
    assert!(c.messages(PROCESSED).is_empty());
    let (_, status) = c.run(&format!("EXAMINE \"{PROCESSED}\""));
    assert!(status.starts_with("NO"), "not created: {status}");
    // With a ledger: after a pass, nothing waits; doctor leaves the ledger's bytes alone.
    let out = run_config(&conf, &["poll", "--once"]);
    assert!(out.status.success(), "{:?}", text(&out));
    let db = dir.path().join("ledger.db");
    let before = std::fs::read(&db).unwrap();
    let (code, stdout, _) = doctor(&conf, &[]);
    assert_eq!(code, Some(0), "{stdout}");
    assert!(stdout.contains("0 waiting to be read"), "{stdout}");
    assert!(stdout.contains("2 messages recorded"), "{stdout}");
    assert!(stdout.contains("ok   imap processed_mailbox"), "{stdout}");
    assert_eq!(std::fs::read(&db).unwrap(), before);
    // Quiet: only what is not ok.
    let (code, stdout, _) = doctor(&conf, &["-q"]);
    assert_eq!(code, Some(0));
    assert!(stdout.lines().all(|l| l.starts_with("warn")), "{stdout}");
}

#[test]
fn doctor_fails_each_broken_setup_naming_the_cause() {
    let Some(d) = Dovecot::start("doctor_fails", Options::default()) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let closed = free_port();
    let cases: Vec<(&str, String, Vec<String>)> = vec![
        (
            "wrong password",
            d.imap_toml("").replace(PASSWORD, "wrong-one"),
            vec!["imap login".into(), "refused LOGIN".into()],
        ),
        (
            "wrong mailbox",
            d.imap_toml("mailbox = \"Registratoins\""),
            vec![
                "imap mailbox".into(),
                "\"Registratoins\"".into(),
                "check imap.mailbox".into(),
                "\"INBOX\"".into(),
            ],
        ),
        (
            "wrong port",
            d.imap_toml("")
                .replace(&format!("port = {}", d.port), &format!("port = {closed}")),
            vec![
                "imap connect".into(),
                format!("port {closed}"),
                "imap.port".into(),
            ],
        ),
    ];
    for (what, imap, expected) in cases {
        let case = tempfile::tempdir_in(dir.path()).unwrap();
        let conf = write_config(case.path(), &imap, "");
        let (code, stdout, stderr) = doctor(&conf, &[]);
        assert_eq!(code, Some(1), "{what}: {stdout}{stderr}");
        let line = fail_line(&stdout);
        assert_plain(what, line);
        for e in &expected {
            assert!(line.contains(e.as_str()), "{what}: {e:?} not in {line:?}");
        }
    }
    // A drafts mailbox that does not exist yet: a warning naming it (the first pass with a
    // reply to draft creates it).
    let case = tempfile::tempdir_in(dir.path()).unwrap();
    let conf = write_config(
        case.path(),
        &d.imap_toml(""),
        "[replies]\ndrafts_mailbox = \"Draftz\"\n",
    );
    let (code, stdout, _) = doctor(&conf, &[]);
    assert_eq!(code, Some(0), "{stdout}");
    assert!(
        stdout.contains("warn imap drafts_mailbox: \"Draftz\" does not exist yet"),
        "{stdout}"
    );
    // An unwritable ledger.
    let case = tempfile::tempdir_in(dir.path()).unwrap();
    let conf = write_config(case.path(), &d.imap_toml(""), "");
    let db = case.path().join("ledger.db");
    let out = bin()
        .arg("--db")
        .arg(&db)
        .arg("ingest")
        .arg(repo("fixtures/mail/m15_no_form_question.eml"))
        .output()
        .unwrap();
    assert!(out.status.success());
    make_read_only(case.path(), &db);
    std::fs::set_permissions(&conf, std::os::unix::fs::PermissionsExt::from_mode(0o644)).unwrap();
    std::fs::set_permissions(
        dir.path(),
        std::os::unix::fs::PermissionsExt::from_mode(0o755),
    )
    .unwrap();
    let out = as_other_user(bin().arg("--config").arg(&conf).arg("doctor"));
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(1), "{stdout}{stderr}");
    let line = fail_line(&stdout);
    assert!(line.starts_with("FAIL ledger writable"), "{line}");
    assert!(
        line.contains("cannot write") && line.contains("ledger.db"),
        "{line}"
    );
    // A bad config: the config line fails, naming the file and line.
    let bad = dir.path().join("bad.toml");
    std::fs::write(&bad, "[limits]\nisolate_attachments = true\n").unwrap();
    let (code, stdout, _) = doctor(&bad, &[]);
    assert_eq!(code, Some(1));
    let line = fail_line(&stdout);
    assert!(
        line.contains("bad.toml") && line.contains("isolate_attachments"),
        "{line}"
    );
}

// ---------------------------------------------------------------------------------------------
// Quiet runs, dry runs, metrics

#[test]
fn a_quiet_pass_with_nothing_to_do_prints_nothing() {
    let Some(d) = Dovecot::start("quiet_pass_prints_nothing", Options::default()) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let conf = write_config(dir.path(), &d.imap_toml(""), "");
    for pass in 0..2 {
        let out = run_config(&conf, &["-q", "poll", "--once"]);
        assert!(out.status.success(), "{:?}", text(&out));
        assert!(
            out.stdout.is_empty() && out.stderr.is_empty(),
            "pass {pass}: {:?}",
            text(&out)
        );
    }
    // Records that need review do need a person: the summary shows.
    d.client()
        .append("INBOX", &dovecot::plain_message("q1"), "");
    let out = run_config(&conf, &["-q", "poll", "--once"]);
    let (_, stderr) = text(&out);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("1 messages read, 1 records added, 1 needing review"),
        "{stderr}"
    );
    // A clean registration alone does not.
    d.client().append("INBOX", &dovecot::form_message("q2"), "");
    let out = run_config(&conf, &["-q", "poll", "--once"]);
    assert!(out.status.success());
    assert!(out.stderr.is_empty(), "{:?}", text(&out));
}

#[test]
fn a_dry_run_prints_what_would_be_recorded_and_changes_nothing() {
    let Some(d) = Dovecot::start("dry_run_changes_nothing", Options::default()) else {
        return;
    };
    let mut c = d.client();
    c.append("INBOX", &dovecot::form_message("dry1"), "");
    c.append("INBOX", &dovecot::plain_message("dry2"), "");
    let dir = tempfile::tempdir().unwrap();
    let conf = write_config(dir.path(), &d.imap_toml(""), "");
    let out = run_config(&conf, &["poll", "--dry-run"]);
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stderr}");
    assert!(stdout.contains("Dr Jane Citizen dry1"), "{stdout}");
    assert!(stdout.contains("no_form_found"), "{stdout}");
    assert!(
        stdout.contains("UID=1") && stdout.contains("UID=2"),
        "{stdout}"
    );
    assert!(
        stderr.contains("nothing was recorded or changed: 2 messages read, 2 records added"),
        "{stderr}"
    );
    assert!(!dir.path().join("ledger.db").exists(), "no ledger created");
    assert!(!dir.path().join("ledger.db.lock").exists(), "no lock file");
    let inbox = c.messages("INBOX");
    assert_eq!(inbox.len(), 2);
    // \Recent is the server's, not a change: it is still there because EXAMINE (unlike
    // SELECT) does not take it.
    assert!(
        inbox
            .iter()
            .all(|(_, f)| f.iter().all(|flag| flag == "\\Recent")),
        "no flag: {inbox:?}"
    );
    let (_, status) = c.run(&format!("EXAMINE \"{PROCESSED}\""));
    assert!(status.starts_with("NO"), "no folder made: {status}");
    // With a ledger holding one of them: that one is skipped, and the ledger is untouched.
    let out = run_config(&conf, &["poll", "--once"]);
    assert!(out.status.success());
    c.append("INBOX", &dovecot::form_message("dry3"), "");
    let db = dir.path().join("ledger.db");
    let before = std::fs::read(&db).unwrap();
    let out = run_config(&conf, &["poll", "--dry-run"]);
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stdout.contains("dry3") && !stdout.contains("dry1"),
        "{stdout}"
    );
    assert!(
        stderr.contains("1 messages read, 1 records added"),
        "{stderr}"
    );
    assert_eq!(std::fs::read(&db).unwrap(), before);
    assert_eq!(c.messages("INBOX").len(), 2, "the no-form mail and dry3");
}

/// A small Prometheus text parser: every sample as `name{labels}` → value, checking that each
/// sample's family was announced by HELP and TYPE lines first.
fn parse_prometheus(text: &str) -> BTreeMap<String, f64> {
    let mut typed = std::collections::HashSet::new();
    let mut helped = std::collections::HashSet::new();
    let mut samples = BTreeMap::new();
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("# HELP ") {
            let (name, help) = rest.split_once(' ').expect("HELP name text");
            assert!(!help.trim().is_empty(), "{line}");
            helped.insert(name.to_string());
            continue;
        }
        if let Some(rest) = line.strip_prefix("# TYPE ") {
            let (name, kind) = rest.split_once(' ').expect("TYPE name kind");
            assert!(["gauge", "counter", "untyped"].contains(&kind), "{line}");
            typed.insert(name.to_string());
            continue;
        }
        assert!(
            !line.starts_with('#') && !line.trim().is_empty(),
            "{line:?}"
        );
        let (series, value) = line.rsplit_once(' ').expect("series value");
        let name = series.split('{').next().unwrap();
        assert!(
            name.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':'),
            "{name}"
        );
        if let Some(labels) = series.strip_prefix(name)
            && !labels.is_empty()
        {
            let inner = labels
                .strip_prefix('{')
                .and_then(|l| l.strip_suffix('}'))
                .expect("{labels}");
            for pair in inner.split(',') {
                let (k, v) = pair.split_once('=').expect("label=value");
                assert!(
                    k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'),
                    "{k}"
                );
                assert!(
                    v.starts_with('"') && v.ends_with('"') && v.len() >= 2,
                    "{v}"
                );
            }
        }
        assert!(
            typed.contains(name) && helped.contains(name),
            "{name} announced first"
        );
        let value: f64 = value.parse().unwrap_or_else(|_| panic!("a number: {line}"));
        assert!(
            samples.insert(series.to_string(), value).is_none(),
            "twice: {series}"
        );
    }
    samples
}

#[test]
fn the_metrics_file_parses_and_changes_after_each_pass() {
    let Some(d) = Dovecot::start("metrics_file", Options::default()) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let prom = dir.path().join("textfile/regintake.prom");
    std::fs::create_dir(prom.parent().unwrap()).unwrap();
    let conf = write_config(
        dir.path(),
        &d.imap_toml(""),
        &format!("[metrics]\ntextfile = \"{}\"\n", prom.display()),
    );
    let poll = |label: &str| {
        let out = run_config(&conf, &["-q", "poll", "--once"]);
        assert!(out.status.success(), "{label}: {:?}", text(&out));
        parse_prometheus(&std::fs::read_to_string(&prom).unwrap())
    };
    d.client()
        .append("INBOX", &dovecot::plain_message("m1"), "");
    d.client().append("INBOX", &dovecot::form_message("m2"), "");
    let first = poll("first");
    for name in [
        "regintake_last_run_timestamp_seconds",
        "regintake_last_run_success",
        "regintake_last_run_messages_read",
        "regintake_last_run_records_added",
        "regintake_last_run_failed",
    ] {
        assert!(
            first.contains_key(&format!("{name}{{command=\"poll\"}}")),
            "{name}: {first:?}"
        );
    }
    assert_eq!(
        first["regintake_last_run_messages_read{command=\"poll\"}"],
        2.0
    );
    assert_eq!(first["regintake_last_run_success{command=\"poll\"}"], 1.0);
    assert_eq!(first["regintake_records_open"], 2.0);
    assert!(first.contains_key("regintake_records_overdue"));
    std::thread::sleep(Duration::from_millis(1100));
    let second = poll("second");
    assert_eq!(
        second["regintake_last_run_messages_read{command=\"poll\"}"],
        0.0
    );
    assert!(
        second["regintake_last_run_timestamp_seconds{command=\"poll\"}"]
            > first["regintake_last_run_timestamp_seconds{command=\"poll\"}"],
        "the timestamp moves"
    );
    // A failed pass (the server gone) says so, and keeps the last success time.
    drop(d);
    let out = run_config(&conf, &["-q", "poll", "--once"]);
    assert_eq!(out.status.code(), Some(1));
    let failed = parse_prometheus(&std::fs::read_to_string(&prom).unwrap());
    assert_eq!(failed["regintake_last_run_success{command=\"poll\"}"], 0.0);
    assert_eq!(
        failed["regintake_last_success_timestamp_seconds{command=\"poll\"}"],
        second["regintake_last_run_timestamp_seconds{command=\"poll\"}"]
    );
    // An export adds its own samples and leaves the poll's.
    let out = run_config(
        &conf,
        &[
            "-q",
            "export",
            "--out",
            dir.path().join("r.csv").to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{:?}", text(&out));
    let exported = parse_prometheus(&std::fs::read_to_string(&prom).unwrap());
    assert_eq!(
        exported["regintake_last_run_success{command=\"export\"}"],
        1.0
    );
    assert_eq!(
        exported["regintake_last_run_success{command=\"poll\"}"],
        0.0
    );
    // No temporary file left beside it.
    let names: Vec<_> = std::fs::read_dir(prom.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names.len(), 1, "{names:?}");
}

/// The daemon rewrites the file after each of its passes, not only when it stops.
#[test]
fn the_daemon_rewrites_the_metrics_file_after_each_pass() {
    let Some(d) = Dovecot::start("daemon_metrics", Options::default()) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let prom = dir.path().join("regintake.prom");
    let conf = write_config(
        dir.path(),
        &d.imap_toml("idle = true"),
        &format!("[metrics]\ntextfile = \"{}\"\n", prom.display()),
    );
    d.client()
        .append("INBOX", &dovecot::form_message("dm1"), "");
    let mut daemon = bin()
        .arg("--config")
        .arg(&conf)
        .args(["-q", "poll"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let read = || {
        std::fs::read_to_string(&prom)
            .map(|t| parse_prometheus(&t))
            .unwrap_or_default()
    };
    let wait_for = |what: &str, cond: &dyn Fn(&BTreeMap<String, f64>) -> bool| {
        let guard = Instant::now() + Duration::from_secs(60);
        loop {
            let samples = read();
            if cond(&samples) {
                return samples;
            }
            assert!(Instant::now() < guard, "{what}: {samples:?}");
            std::thread::sleep(Duration::from_millis(100));
        }
    };
    let read_in_pass = |s: &BTreeMap<String, f64>| {
        s.get("regintake_last_run_messages_read{command=\"poll\"}")
            .copied()
    };
    let first = wait_for("the first pass", &|s| read_in_pass(s) == Some(1.0));
    assert_eq!(first["regintake_records_open"], 1.0);
    // New mail wakes the daemon (IDLE): its pass reads one message and adds one open record.
    d.client()
        .append("INBOX", &dovecot::plain_message("dm2"), "");
    let second = wait_for("the pass for new mail", &|s| {
        s.get("regintake_records_open") == Some(&2.0) && read_in_pass(s) == Some(1.0)
    });
    assert_eq!(second["regintake_last_run_success{command=\"poll\"}"], 1.0);
    dovecot::send_signal(daemon.id(), libc::SIGTERM);
    assert_eq!(daemon.wait().unwrap().code(), Some(0));
}

#[test]
fn an_ingest_writes_the_metrics_file_too() {
    let dir = tempfile::tempdir().unwrap();
    let prom = dir.path().join("regintake.prom");
    let conf = dir.path().join("c.toml");
    std::fs::write(
        &conf,
        format!(
            "[ledger]\npath = \"{}\"\n[metrics]\ntextfile = \"regintake.prom\"\n",
            dir.path().join("l.db").display()
        ),
    )
    .unwrap();
    let out = bin()
        .arg("--config")
        .arg(&conf)
        .args(["-q", "ingest"])
        .arg(repo("fixtures/sample.mbox"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{:?}", text(&out));
    let samples = parse_prometheus(&std::fs::read_to_string(&prom).unwrap());
    let read = samples["regintake_last_run_messages_read{command=\"ingest\"}"];
    assert!(read >= 30.0, "{samples:?}");
    assert!(samples["regintake_last_run_records_added{command=\"ingest\"}"] > 0.0);
}

// ---------------------------------------------------------------------------------------------
// Microsoft 365: a token per connection

/// A token endpoint (client credentials) issuing `tok-1`, `tok-2`, ... and Dovecot's
/// introspection endpoint accepting each issued token for one login only (as if it expired),
/// so a second login with the same token fails.
struct TokenServers {
    token_port: u16,
    introspection_port: u16,
    issued: Arc<Mutex<Vec<String>>>,
    used: Arc<Mutex<Vec<String>>>,
}

impl TokenServers {
    fn start(secret: &'static str) -> TokenServers {
        let issued = Arc::new(Mutex::new(Vec::<String>::new()));
        let used = Arc::new(Mutex::new(Vec::<String>::new()));
        let issued2 = issued.clone();
        let token_port = http_server(move |request, body| {
            let ok = request.starts_with("POST /tenant-1/oauth2/v2.0/token")
                && form_value(body, "grant_type").as_deref() == Some("client_credentials")
                && form_value(body, "client_id").as_deref() == Some("client-1")
                && form_value(body, "scope").as_deref()
                    == Some("https://outlook.office365.com/.default")
                && form_value(body, "client_secret").as_deref() == Some(secret);
            if !ok {
                return (
                    401,
                    "{\"error\":\"invalid_client\",\"error_description\":\"AADSTS7000215: Invalid client secret provided.\"}".into(),
                );
            }
            let mut issued = issued2.lock().unwrap();
            let token = format!("eyJ0eXAi.tok-{}.sig_-x", issued.len() + 1);
            issued.push(token.clone());
            (
                200,
                format!(
                    "{{\"token_type\":\"Bearer\",\"expires_in\":3599,\"ext_expires_in\":3599,\n\"access_token\":\"{token}\"}}"
                ),
            )
        });
        let (issued3, used2) = (issued.clone(), used.clone());
        let introspection_port = http_server(move |request, body| {
            let token = form_value(body, "token").unwrap_or_default();
            let mut used = used2.lock().unwrap();
            let active = request.starts_with("POST")
                && issued3.lock().unwrap().contains(&token)
                && !used.contains(&token);
            used.push(token);
            if active {
                (200, format!("{{\"active\":true,\"username\":\"{USER}\"}}"))
            } else {
                (200, "{\"active\":false}".into())
            }
        });
        TokenServers {
            token_port,
            introspection_port,
            issued,
            used,
        }
    }
}

#[test]
fn the_m365_token_script_gets_a_fresh_token_for_every_connection() {
    if !dovecot::available("m365_token_script") {
        return;
    }
    let secret = "s3cr~et with spaces&=";
    let servers = TokenServers::start(secret);
    let opts = Options {
        oauth2_introspection_url: Some(format!(
            "http://127.0.0.1:{}/introspect",
            servers.introspection_port
        )),
        ..Default::default()
    };
    let Some(d) = Dovecot::start("m365_token_script", opts) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let secret_file = dir.path().join("m365-client-secret");
    std::fs::write(&secret_file, format!("{secret}\n")).unwrap();
    let settings = dir.path().join("m365.conf");
    std::fs::write(
        &settings,
        format!(
            "# test tenant\nTENANT_ID=tenant-1\nCLIENT_ID=client-1\nCLIENT_SECRET_FILE={}\nTOKEN_URL=http://127.0.0.1:{}/tenant-1/oauth2/v2.0/token\n",
            secret_file.display(),
            servers.token_port
        ),
    )
    .unwrap();
    let script = repo("scripts/m365-token.sh");
    let imap = format!(
        "host = \"127.0.0.1\"\nport = {}\ntls = \"none\"\nusername = \"{USER}\"\noauth2_token_command = \"{} {}\"\nidle = true",
        d.port,
        script.display(),
        settings.display()
    );
    let conf = write_config(dir.path(), &imap, "");
    // Two passes: two tokens, each used once.
    d.save_without_login(USER, &dovecot::plain_message("ms1"));
    for pass in 0..2 {
        let out = run_config(&conf, &["poll", "--once"]);
        assert!(
            out.status.success(),
            "pass {pass}: {:?}\n{}",
            text(&out),
            d.log()
        );
    }
    assert_eq!(servers.issued.lock().unwrap().len(), 2);
    // The daemon: its session is cut; the reconnection needs (and gets) a new token.
    let mut daemon = bin()
        .arg("-v")
        .arg("--config")
        .arg(&conf)
        .arg("poll")
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = daemon.stderr.take().unwrap();
    let lines = Arc::new(Mutex::new(String::new()));
    let lines2 = lines.clone();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            lines2.lock().unwrap().push_str(&(line + "\n"));
        }
    });
    let wait_for = |what: &str, cond: &dyn Fn() -> bool| {
        let deadline = Instant::now() + Duration::from_secs(30);
        while !cond() {
            assert!(
                Instant::now() < deadline,
                "{what}:\n{}",
                lines.lock().unwrap()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    };
    wait_for("first login", &|| {
        lines.lock().unwrap().contains("Logged in")
    });
    assert_eq!(servers.issued.lock().unwrap().len(), 3);
    d.doveadm(&["kick", USER]);
    wait_for("a new token after the cut", &|| {
        servers.issued.lock().unwrap().len() >= 4
    });
    wait_for("logged in again", &|| {
        lines.lock().unwrap().matches("Logged in").count() >= 2
    });
    d.save_without_login(USER, &dovecot::plain_message("ms2"));
    wait_for("the new mail recorded", &|| {
        lines.lock().unwrap().contains("mid:ms2@")
    });
    dovecot::send_signal(daemon.id(), libc::SIGTERM);
    let status = daemon.wait().unwrap();
    assert_eq!(status.code(), Some(0), "{}", lines.lock().unwrap());
    // Every login used a token of its own.
    let used = servers.used.lock().unwrap().clone();
    let mut unique = used.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), used.len(), "a token used twice: {used:?}");
    let all = lines.lock().unwrap().clone();
    assert!(!all.contains("tok-") && !all.contains(secret), "{all}");
    // A wrong secret: the script exits 4, regintake says the command failed (exit 1).
    std::fs::write(&secret_file, "wrong\n").unwrap();
    let out = run_config(&conf, &["poll", "--once"]);
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    let line = error_line("wrong client secret", &stderr);
    assert!(
        line.contains("oauth2_token_command failed (exit status: 4)"),
        "{line}"
    );
    // Run by hand, the script says why on stderr, without the secret.
    let out = Command::new(&script).arg(&settings).output().unwrap();
    assert_eq!(out.status.code(), Some(4));
    let (stdout, stderr) = text(&out);
    assert!(stdout.is_empty(), "{stdout}");
    assert!(
        stderr.contains("invalid_client") && stderr.contains("HTTP 401"),
        "{stderr}"
    );
}

// ---------------------------------------------------------------------------------------------
// Install: units, README, help

#[test]
fn the_systemd_units_verify() {
    if Command::new("systemd-analyze")
        .arg("--version")
        .output()
        .is_err()
    {
        assert!(
            std::env::var_os("REGINTAKE_REQUIRE_SYSTEMD_ANALYZE").is_none(),
            "systemd-analyze is required (REGINTAKE_REQUIRE_SYSTEMD_ANALYZE) but not installed"
        );
        let _ = writeln!(
            std::io::stderr(),
            "NOTICE: skipping the_systemd_units_verify: systemd-analyze is not installed"
        );
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let mut names = Vec::new();
    for entry in std::fs::read_dir(repo("scripts/systemd")).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        // systemd-analyze checks that ExecStart's program exists: point it at this build.
        let unit = std::fs::read_to_string(&path)
            .unwrap()
            .replace("/usr/local/bin/regintake", REGINTAKE);
        std::fs::write(dir.path().join(&name), unit).unwrap();
        names.push(name);
    }
    names.sort();
    assert!(names.len() >= 5, "{names:?}");
    let out = Command::new("systemd-analyze")
        .arg("verify")
        .args(names.iter().map(|n| dir.path().join(n)))
        .env("SYSTEMD_LOG_LEVEL", "notice")
        .output()
        .unwrap();
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stdout}{stderr}");
    // Any complaint (an unknown directive, a Documentation= that is not a URI) is a failure.
    let complaints: Vec<&str> = stderr
        .lines()
        .filter(|l| names.iter().any(|n| l.contains(n.as_str())))
        .collect();
    assert!(complaints.is_empty(), "{complaints:?}");
    for name in &names {
        let unit = std::fs::read_to_string(dir.path().join(name)).unwrap();
        let docs = directive(&unit, "Documentation").join(" ");
        assert!(
            docs.split_whitespace()
                .all(|d| d.starts_with("file:///usr/local/share/doc/regintake/")
                    || d.starts_with("https://")),
            "{name}: {docs}"
        );
        if name.ends_with(".timer") {
            assert!(
                !directive(&unit, "OnCalendar").is_empty(),
                "{name}: Persistent= needs OnCalendar="
            );
        }
    }
}

/// Every ```toml block of the README and docs/imap.md parses as a config (a table in the
/// wrong place is an unknown key).
#[test]
fn the_readme_config_samples_parse() {
    let mut blocks = 0;
    for doc in ["README.md", "docs/imap.md", "docs/microsoft365.md"] {
        let doc_text = std::fs::read_to_string(repo(doc)).unwrap();
        let mut in_block = false;
        let mut block = String::new();
        for line in doc_text.lines() {
            match (in_block, line.trim()) {
                (false, "```toml") => {
                    in_block = true;
                    block.clear();
                }
                (true, "```") => {
                    in_block = false;
                    blocks += 1;
                    // A fragment of the [imap] table is checked inside one.
                    let whole = if block.contains("[ledger]")
                        || block.contains("[imap]")
                        || block.contains("[metrics]")
                    {
                        block.clone()
                    } else {
                        let mut imap: toml::Table = block
                            .parse()
                            .unwrap_or_else(|e| panic!("{doc}: {e}\n{block}"));
                        for key in ["host", "username"] {
                            imap.entry(key)
                                .or_insert_with(|| toml::Value::String("x".into()));
                        }
                        let mut top = toml::Table::new();
                        top.insert("imap".into(), toml::Value::Table(imap));
                        toml::to_string(&top).unwrap()
                    };
                    let path = tempfile::NamedTempFile::new().unwrap();
                    std::fs::write(path.path(), &whole).unwrap();
                    let out = bin()
                        .arg("--config")
                        .arg(path.path())
                        .args(["export", "--out", "/nonexistent/x.csv"])
                        .output()
                        .unwrap();
                    let (_, stderr) = text(&out);
                    assert!(
                        !stderr.contains("invalid config"),
                        "{doc}: a config sample does not parse: {stderr}\n{whole}"
                    );
                }
                (true, _) => {
                    block.push_str(line);
                    block.push('\n');
                }
                _ => {}
            }
        }
    }
    assert!(blocks >= 4, "found {blocks} samples");
    let readme = std::fs::read_to_string(repo("README.md")).unwrap();
    for key in [
        "worker_memory_bytes",
        "timeout_secs",
        "isolate_attachments",
        "[metrics]",
    ] {
        assert!(readme.contains(key), "README sample lacks {key}");
    }
}

#[test]
fn check_shows_the_good_files_and_exits_1_naming_a_missing_one() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing.pdf");
    let good = repo("fixtures/forms/docx_official_parentheses.docx");
    let out = bin()
        .arg("check")
        .arg(&good)
        .arg(&missing)
        .output()
        .unwrap();
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stdout.contains("docx_official_parentheses.docx"),
        "{stdout}"
    );
    let line = error_line("missing file", &stderr);
    assert!(
        line.contains("missing.pdf") && line.contains("does not exist"),
        "{line}"
    );
    // Every message of an mbox, not only the first.
    let out = bin()
        .args(["check", "--json"])
        .arg(repo("fixtures/sample.mbox"))
        .output()
        .unwrap();
    assert!(out.status.success());
    let reports: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    let mbox = std::fs::read_to_string(repo("fixtures/sample.mbox")).unwrap();
    let messages = mbox.lines().filter(|l| l.starts_with("From ")).count();
    assert_eq!(reports.len(), messages);
}
