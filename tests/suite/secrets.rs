//! Secrets never appear in logs or errors: configs holding an IMAP password (inline, or printed
//! by `password_command`) in → commands that fail (`poll --once` against a closed 127.0.0.1
//! port, a login a fake server refuses, invalid configs) run with `-vv` in text and JSON log
//! formats → the secret is nowhere in stdout or stderr. Also: a config file holding a password
//! that group/others can read gets a warning naming the file.

use crate::support::bin;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A secret no other text in a run could contain by chance.
fn secret(tag: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!("S3cr3t-{tag}-{:x}{nanos:x}", std::process::id())
}

/// A loopback port nothing listens on.
fn closed_port() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = l.local_addr().expect("addr").port();
    drop(l);
    port
}

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl Run {
    fn all(&self) -> String {
        format!("{}\n{}", self.stdout, self.stderr)
    }
}

/// Runs the binary with a deadline (a run that hangs is killed and reported).
fn run(dir: &Path, args: &[&str]) -> Run {
    let out = dir.join("out.txt");
    let err = dir.join("err.txt");
    let mut child = bin()
        .current_dir(dir)
        .args(args)
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&out).expect("out"))
        .stderr(std::fs::File::create(&err).expect("err"))
        .spawn()
        .expect("run regintake");
    let until = Instant::now() + Duration::from_secs(60);
    let status = loop {
        if let Some(s) = child.try_wait().expect("try_wait") {
            break Some(s);
        }
        if Instant::now() > until {
            child.kill().ok();
            child.wait().ok();
            break None;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let read =
        |p: &Path| String::from_utf8_lossy(&std::fs::read(p).unwrap_or_default()).into_owned();
    Run {
        code: status.and_then(|s| s.code()),
        stdout: read(&out),
        stderr: read(&err),
    }
}

fn write_config(dir: &Path, name: &str, text: &str, mode: u32) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write config");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).expect("chmod");
    path
}

fn imap_config(port: u16, secret_line: &str) -> String {
    format!(
        "[ledger]\npath = \"ledger.db\"\n\n[imap]\nhost = \"127.0.0.1\"\nport = {port}\ntls = \"none\"\nusername = \"registrations@example.test\"\n{secret_line}\nmailbox = \"INBOX\"\n"
    )
}

/// A config (file mode `mode`) for an account on `port` whose password a command prints from a
/// file beside it: the config itself does not hold the secret.
fn command_password_config(dir: &Path, port: u16, secret: &str, mode: u32) -> PathBuf {
    let secret_file = dir.join("imap-password");
    std::fs::write(&secret_file, format!("{secret}\n")).expect("secret file");
    let command = format!("password_command = \"cat {}\"", secret_file.display());
    write_config(dir, "regintake.toml", &imap_config(port, &command), mode)
}

/// Every spelling of the secret a careless log line could carry: as is, and inside the base64
/// of an AUTHENTICATE PLAIN response.
fn leaks(text: &str, secret: &str) -> bool {
    text.contains(secret) || {
        let plain = format!("\0registrations@example.test\0{secret}");
        let b64 = base64(plain.as_bytes());
        text.contains(&b64) || text.contains(&b64[8..b64.len() - 4])
    }
}

fn base64(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for c in bytes.chunks(3) {
        let b = [c[0], *c.get(1).unwrap_or(&0), *c.get(2).unwrap_or(&0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        out.push(A[(n >> 18) as usize & 63] as char);
        out.push(A[(n >> 12) as usize & 63] as char);
        out.push(if c.len() > 1 {
            A[(n >> 6) as usize & 63] as char
        } else {
            '='
        });
        out.push(if c.len() > 2 {
            A[n as usize & 63] as char
        } else {
            '='
        });
    }
    out
}

const FORMATS: [&[&str]; 2] = [
    &["-vv", "--log-format", "text"],
    &["-vv", "--log-format", "json"],
];

/// Runs `poll --once` with the config in both log formats; asserts a failed run with no leak:
/// exit 77 when the server refused the login, else 1.
fn assert_poll_fails_without_leak(dir: &Path, config: &Path, secret: &str, what: &str) -> Vec<Run> {
    let expected = if what.starts_with("refused login") {
        77
    } else {
        1
    };
    let mut runs = Vec::new();
    for format in FORMATS {
        let mut args = vec!["--config", config.to_str().expect("path")];
        args.extend_from_slice(format);
        args.extend_from_slice(&["poll", "--once"]);
        let r = run(dir, &args);
        assert_eq!(
            r.code,
            Some(expected),
            "{what} {format:?}: expected exit {expected}\nstdout: {}\nstderr: {}",
            r.stdout,
            r.stderr
        );
        assert!(
            !leaks(&r.all(), secret),
            "{what} {format:?}: the secret is in the output:\n{}",
            r.all()
        );
        assert!(
            r.stderr.lines().any(|l| l.contains("error")),
            "{what} {format:?}: no error line:\n{}",
            r.stderr
        );
        runs.push(r);
    }
    runs
}

#[test]
fn inline_password_never_logged_when_the_server_is_unreachable() {
    let dir = tempfile::tempdir().expect("tempdir");
    let s = secret("inline");
    let config = write_config(
        dir.path(),
        "regintake.toml",
        &imap_config(closed_port(), &format!("password = \"{s}\"")),
        0o600,
    );
    assert_poll_fails_without_leak(dir.path(), &config, &s, "closed port");
}

#[test]
fn command_password_never_logged_when_the_server_is_unreachable() {
    let dir = tempfile::tempdir().expect("tempdir");
    let s = secret("command");
    let config = command_password_config(dir.path(), closed_port(), &s, 0o644);
    assert_poll_fails_without_leak(dir.path(), &config, &s, "closed port, password_command");
}

/// A loopback IMAP server that greets, answers CAPABILITY, refuses every login and keeps all
/// bytes it was sent, so the test can show the secret really was sent (and refused).
fn refusing_imap_server() -> (u16, Arc<Mutex<Vec<u8>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let seen_by_server = Arc::clone(&seen);
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let seen = Arc::clone(&seen_by_server);
            std::thread::spawn(move || serve_refusing(stream, seen));
        }
    });
    (port, seen)
}

fn serve_refusing(stream: TcpStream, seen: Arc<Mutex<Vec<u8>>>) {
    stream.set_read_timeout(Some(Duration::from_secs(30))).ok();
    let Ok(mut writer) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(stream);
    let _ = writer.write_all(b"* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] test server ready\r\n");
    let mut line = Vec::new();
    loop {
        line.clear();
        match reader.read_until(b'\n', &mut line) {
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
        // A literal {n}: ask for it and take it as part of the command.
        while let Some(n) = literal_len(&line) {
            let _ = writer.write_all(b"+ go ahead\r\n");
            let mut lit = vec![0u8; n];
            if reader.read_exact(&mut lit).is_err() {
                return;
            }
            line.extend_from_slice(&lit);
            if reader.read_until(b'\n', &mut line).is_err() {
                return;
            }
        }
        if let Ok(mut s) = seen.lock() {
            s.extend_from_slice(&line);
        }
        let text = String::from_utf8_lossy(&line).to_string();
        let mut words = text.split_whitespace();
        let tag = words.next().unwrap_or("*").to_string();
        let command = words.next().unwrap_or("").to_ascii_uppercase();
        let reply = match command.as_str() {
            "CAPABILITY" => format!("* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\n{tag} OK done\r\n"),
            "ID" => format!("* ID NIL\r\n{tag} OK done\r\n"),
            "NOOP" => format!("{tag} OK done\r\n"),
            "LOGIN" => format!("{tag} NO [AUTHENTICATIONFAILED] Authentication failed.\r\n"),
            "AUTHENTICATE" => {
                if words.nth(1).is_none() {
                    // No initial response: ask for it, then refuse.
                    let _ = writer.write_all(b"+ \r\n");
                    let mut response = Vec::new();
                    if reader.read_until(b'\n', &mut response).is_err() {
                        return;
                    }
                    if let Ok(mut s) = seen.lock() {
                        s.extend_from_slice(&response);
                    }
                }
                format!("{tag} NO [AUTHENTICATIONFAILED] Authentication failed.\r\n")
            }
            "LOGOUT" => {
                let _ = writer.write_all(format!("* BYE\r\n{tag} OK bye\r\n").as_bytes());
                return;
            }
            _ => format!("{tag} BAD unknown command\r\n"),
        };
        if writer.write_all(reply.as_bytes()).is_err() {
            return;
        }
    }
}

fn literal_len(line: &[u8]) -> Option<usize> {
    let text = std::str::from_utf8(line).ok()?.trim_end();
    let open = text.rfind('{')?;
    let inner = text[open + 1..].strip_suffix('}')?;
    inner.trim_end_matches('+').parse().ok()
}

/// Whether the server was sent the secret (plain, or in AUTHENTICATE PLAIN's base64).
fn server_got(seen: &Arc<Mutex<Vec<u8>>>, secret: &str) -> bool {
    let bytes = seen.lock().map(|s| s.clone()).unwrap_or_default();
    leaks(&String::from_utf8_lossy(&bytes), secret)
}

#[test]
fn refused_login_never_logs_the_password() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (port, seen) = refusing_imap_server();
    let s = secret("refused");
    let config = write_config(
        dir.path(),
        "regintake.toml",
        &imap_config(port, &format!("password = \"{s}\"")),
        0o600,
    );
    assert_poll_fails_without_leak(dir.path(), &config, &s, "refused login");
    assert!(
        server_got(&seen, &s),
        "the client never sent the password, so the refused-login path was not exercised"
    );
}

#[test]
fn refused_login_never_logs_the_command_password() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (port, seen) = refusing_imap_server();
    let s = secret("refusedcmd");
    let config = command_password_config(dir.path(), port, &s, 0o600);
    assert_poll_fails_without_leak(dir.path(), &config, &s, "refused login, password_command");
    assert!(server_got(&seen, &s), "the client never sent the password");
}

/// Invalid configs whose bad line is (or sits beside) the password line: the error names the file
/// and the line, and does not quote the secret.
#[test]
fn invalid_config_errors_do_not_quote_the_password() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cases = [
        ("unquoted", "password = {S}\n"),
        ("misspelt key", "passwd = \"{S}\"\n"),
        (
            "two secrets",
            "password = \"{S}\"\npassword_command = \"true\"\n",
        ),
        (
            "bad type beside",
            "password = \"{S}\"\nport = \"nine-nine-three\"\n",
        ),
        ("unterminated", "password = \"{S}\n"),
    ];
    // Every case runs before failing, so one run lists every leak.
    let mut problems = Vec::new();
    for (what, body) in cases {
        let s = secret(&what.replace(' ', "-"));
        let text = format!(
            "[imap]\nhost = \"127.0.0.1\"\nusername = \"u@example.test\"\n{}",
            body.replace("{S}", &s)
        );
        let config = write_config(dir.path(), "bad.toml", &text, 0o600);
        for format in FORMATS {
            for command in [&["poll", "--once"][..], &["export"][..]] {
                let mut args = vec!["--config", config.to_str().expect("path")];
                args.extend_from_slice(format);
                args.extend_from_slice(command);
                let r = run(dir.path(), &args);
                if r.code != Some(1) {
                    problems.push(format!("{what} {format:?} {command:?}: exit {:?}", r.code));
                }
                if !r.stderr.contains("bad.toml") {
                    problems.push(format!(
                        "{what} {format:?} {command:?}: error does not name the file: {}",
                        r.stderr
                    ));
                }
                if leaks(&r.all(), &s) {
                    problems.push(format!(
                        "{what} {format:?} {command:?}: the secret is in the output:\n{}",
                        r.all()
                    ));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Every way TOML can spell a secret-bearing `[imap]` key: the config text with the secret `s`,
/// for a server on `port`.
fn secret_spellings(port: u16, s: &str) -> Vec<(&'static str, String)> {
    let rest = "host = \"127.0.0.1\"\ntls = \"none\"\nusername = \"u@example.test\"";
    let dotted_rest = format!(
        "imap.host = \"127.0.0.1\"\nimap.port = {port}\nimap.tls = \"none\"\nimap.username = \"u@example.test\""
    );
    vec![
        (
            "table key",
            format!("[imap]\n{rest}\nport = {port}\npassword = \"{s}\"\n"),
        ),
        (
            "quoted key",
            format!("[imap]\n{rest}\nport = {port}\n\"password\" = \"{s}\"\n"),
        ),
        (
            "literal key and value",
            format!("[imap]\n{rest}\nport = {port}\n'password' = '{s}'\n"),
        ),
        (
            "indented, tab",
            format!("[imap]\n{rest}\nport = {port}\n   password\t=\"{s}\"\n"),
        ),
        (
            "dotted key",
            format!("{dotted_rest}\nimap.password = \"{s}\"\n"),
        ),
        (
            "quoted dotted key",
            format!("{dotted_rest}\n\"imap\".\"password\" = \"{s}\"\n"),
        ),
        (
            "inline table",
            format!(
                "imap = {{ host = \"127.0.0.1\", port = {port}, tls = \"none\", username = \"u@example.test\", password = \"{s}\" }}\n"
            ),
        ),
        (
            "password_command",
            format!("[imap]\n{rest}\nport = {port}\npassword_command = \"echo {s}\"\n"),
        ),
        (
            "oauth2_token_command",
            format!(
                "[imap]\n{rest}\nport = {port}\noauth2_token_command = \"get-token --client-secret {s}\"\n"
            ),
        ),
        (
            "invalid config",
            format!("[imap]\n{rest}\nport = {port}\npassword = \"{s}\"\nno_such_key = 1\n"),
        ),
    ]
}

#[test]
fn every_secret_in_a_config_readable_by_others_is_warned_about_even_with_q() {
    let dir = tempfile::tempdir().expect("tempdir");
    let port = closed_port();
    let mut problems = Vec::new();
    for (what, template) in secret_spellings(port, "{S}") {
        let s = secret(&format!("perm-{}", what.replace(' ', "-")));
        let text = template.replace("{S}", &s);
        for mode in [0o644, 0o640, 0o604, 0o600] {
            let name = format!("{}-{mode:o}.toml", what.replace(' ', "-"));
            let config = write_config(dir.path(), &name, &text, mode);
            for quiet in [false, true] {
                let mut args = vec!["--config", config.to_str().expect("path")];
                if quiet {
                    args.push("-q");
                }
                // `export` of a missing ledger fails, but only after the config is read.
                args.push("export");
                let r = run(dir.path(), &args);
                let path = config.display().to_string();
                let warned: Vec<&str> = r
                    .stderr
                    .lines()
                    .filter(|l| l.contains("warning") && l.contains(&path))
                    .collect();
                let label = format!("{what}, mode {mode:o}, -q {quiet}");
                if leaks(&r.all(), &s) {
                    problems.push(format!(
                        "{label}: the secret is in the output:\n{}",
                        r.all()
                    ));
                }
                match (mode, warned.as_slice()) {
                    (0o600, []) => {}
                    (0o600, lines) => problems.push(format!("{label}: warned: {lines:?}")),
                    (_, [line]) if line.contains("chmod 600") => {}
                    (_, lines) => problems.push(format!(
                        "{label}: expected one warning line, got {lines:?}\n{}",
                        r.stderr
                    )),
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn a_readable_config_without_a_secret_is_not_warned_about() {
    let dir = tempfile::tempdir().expect("tempdir");
    let imap = "[imap]\nhost = \"127.0.0.1\"\nusername = \"password@example.test\"\nmailbox = \"password\"\n# password = \"not set\"\n";
    // No secret key, or a command that only points at where the secret is kept (the set-up the
    // systemd units in scripts/systemd/ use, with a config every user can read).
    for (what, extra) in [
        ("no secret", ""),
        (
            "cat a file",
            "password_command = \"cat /etc/regintake/imap-password\"\n",
        ),
        (
            "systemd credential",
            "password_command = \"cat \\\"$CREDENTIALS_DIRECTORY/imap-password\\\"\"\n",
        ),
        (
            "token from a file",
            "oauth2_token_command = \"/usr/local/bin/get-token --config /etc/regintake/token.toml\"\n",
        ),
    ] {
        let config = write_config(
            dir.path(),
            &format!("{}.toml", what.replace(' ', "-")),
            &format!("{imap}{extra}"),
            0o644,
        );
        let r = run(
            dir.path(),
            &["--config", config.to_str().expect("path"), "export"],
        );
        assert!(
            !r.stderr.contains("warning"),
            "{what}: warned about a config without a secret: {}",
            r.stderr
        );
        assert!(
            r.stderr.contains("does not exist"),
            "{what}: the run went on: {}",
            r.stderr
        );
    }
}
