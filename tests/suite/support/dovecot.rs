//! Test harness: a throwaway Dovecot (2.3) in a temp folder on a free 127.0.0.1 port, started in
//! the foreground and killed on drop; a small blocking IMAP client to seed and inspect it; a TCP
//! proxy that can cut a session; a self-signed CA + server certificate made with `openssl`.
//!
//! When `dovecot` is not installed, `Dovecot::start` returns `None` after printing a notice, unless
//! `REGINTAKE_REQUIRE_DOVECOT` is set (CI), in which case it panics.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

pub const USER: &str = "registrations";
pub const PASSWORD: &str = "Corr3ct-Horse-77";

#[derive(Default, Clone)]
pub struct Options {
    /// Replaces the post-login capability list (e.g. to hide MOVE and UIDPLUS).
    pub capabilities: Option<String>,
    /// Serve TLS (implicit on `tls_port`, STARTTLS on `port`) with a fresh test CA.
    pub tls: bool,
    /// Authenticate with XOAUTH2 against this token-introspection URL instead of a password.
    pub oauth2_introspection_url: Option<String>,
}

pub struct Dovecot {
    pub dir: tempfile::TempDir,
    pub port: u16,
    pub tls_port: Option<u16>,
    /// The test CA's certificate (PEM), with `Options::tls`.
    pub ca_file: Option<PathBuf>,
    conf: PathBuf,
    child: Child,
}

fn which(program: &str) -> Option<PathBuf> {
    // REGINTAKE_DOVECOT_DIR: where dovecot and doveadm are, when not on the usual paths.
    if let Some(dir) = std::env::var_os("REGINTAKE_DOVECOT_DIR") {
        let p = PathBuf::from(dir).join(program);
        return p.is_file().then_some(p);
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .chain(["/usr/sbin".into(), "/sbin".into()])
        .map(|d| d.join(program))
        .find(|p| p.is_file())
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// The users Dovecot's processes run as: `nobody` when we are root (imap-login refuses root),
/// else ourselves.
fn run_as() -> (String, String) {
    // SAFETY: geteuid has no preconditions.
    let euid = unsafe { libc::geteuid() };
    if euid == 0 {
        let group = if Command::new("getent")
            .args(["group", "nogroup"])
            .output()
            .is_ok_and(|o| o.status.success())
        {
            "nogroup"
        } else {
            "nobody"
        };
        ("nobody".into(), group.into())
    } else {
        let user = String::from_utf8(
            Command::new("id")
                .arg("-un")
                .output()
                .expect("id -un")
                .stdout,
        )
        .expect("user name")
        .trim()
        .to_string();
        let group = String::from_utf8(
            Command::new("id")
                .arg("-gn")
                .output()
                .expect("id -gn")
                .stdout,
        )
        .expect("group name")
        .trim()
        .to_string();
        (user, group)
    }
}

/// Capabilities of a server without MOVE (`Options::capabilities`): moves are COPY, STORE
/// \Deleted and UID EXPUNGE.
pub const WITHOUT_MOVE: &str = "IMAP4rev1 IDLE LITERAL+ UIDPLUS";

/// `None` (with a printed notice) when Dovecot is missing and not required.
pub fn available(test: &str) -> bool {
    if which("dovecot").is_some() {
        return true;
    }
    if std::env::var_os("REGINTAKE_REQUIRE_DOVECOT").is_some() {
        panic!(
            "REGINTAKE_REQUIRE_DOVECOT is set but dovecot is not installed (apt-get install dovecot-imapd)"
        );
    }
    // Written to the stream itself: the test harness captures eprintln!.
    let _ = writeln!(
        std::io::stderr(),
        "NOTICE: skipping {test}: dovecot is not installed (apt-get install dovecot-imapd; set REGINTAKE_REQUIRE_DOVECOT=1 to make this a failure)"
    );
    false
}

impl Dovecot {
    /// A Dovecot that takes XOAUTH2 logins, checked with an introspection endpoint started
    /// here for which `good_token` is active for `USER`; `None` as `start`.
    pub fn start_taking_token(test: &str, good_token: &'static str) -> Option<Dovecot> {
        if !available(test) {
            return None;
        }
        let http = introspection_server(good_token, USER);
        let opts = Options {
            oauth2_introspection_url: Some(format!("http://127.0.0.1:{http}/introspect")),
            ..Default::default()
        };
        Dovecot::start(test, opts)
    }

    /// Starts a Dovecot for one test, or `None` when it is not installed (and not required).
    pub fn start(test: &str, opts: Options) -> Option<Dovecot> {
        if !available(test) {
            return None;
        }
        let dir = tempfile::Builder::new()
            .prefix("regintake-dovecot-")
            .tempdir()
            .expect("temp dir");
        set_mode(dir.path(), 0o755);
        let (user, group) = run_as();
        for sub in ["run", "state", "home"] {
            std::fs::create_dir_all(dir.path().join(sub)).unwrap();
        }
        chown(&dir.path().join("home"), &user, &group);
        let ca_file = opts.tls.then(|| make_certificates(dir.path()));
        for _attempt in 0..5 {
            let port = free_port();
            let tls_port = opts.tls.then(free_port);
            let conf = write_config(dir.path(), port, tls_port, &user, &group, &opts);
            let log = dir.path().join("dovecot.log");
            let _ = std::fs::remove_file(&log);
            let mut child = Command::new(which("dovecot").unwrap())
                .arg("-F")
                .arg("-c")
                .arg(&conf)
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("start dovecot");
            if wait_ready(&mut child, port) {
                return Some(Dovecot {
                    dir,
                    port,
                    tls_port,
                    ca_file,
                    conf,
                    child,
                });
            }
            stop_child(&mut child);
            let log = std::fs::read_to_string(&log).unwrap_or_default();
            if !log.contains("Address already in use") {
                panic!("dovecot did not start:\n{log}");
            }
        }
        panic!("dovecot could not find a free port");
    }

    /// Stops the master and waits for it to exit (so the folder can be reused).
    pub fn stop(&mut self) {
        stop_child(&mut self.child);
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("dovecot.log")).unwrap_or_default()
    }

    /// Runs `doveadm -c <conf> ...`.
    pub fn doveadm(&self, args: &[&str]) -> String {
        super::output_of(
            Command::new(which("doveadm").expect("doveadm"))
                .arg("-c")
                .arg(&self.conf)
                .args(args),
        )
    }

    /// Puts `message` in `user`'s INBOX with `doveadm save`, without logging in (for servers
    /// that only take tokens).
    pub fn save_without_login(&self, user: &str, message: &[u8]) {
        let mut child = Command::new(which("doveadm").expect("doveadm"))
            .arg("-c")
            .arg(&self.conf)
            .args(["save", "-u", user])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run doveadm");
        child.stdin.take().unwrap().write_all(message).unwrap();
        let out = child.wait_with_output().expect("wait for doveadm");
        assert!(
            out.status.success(),
            "doveadm save: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    pub fn set_uidvalidity(&self, mailbox: &str, value: u32) {
        self.doveadm(&[
            "mailbox",
            "update",
            "-u",
            USER,
            "--uid-validity",
            &value.to_string(),
            mailbox,
        ]);
    }

    /// A logged-in client (plaintext, loopback).
    pub fn client(&self) -> Client {
        Client::login(self.port)
    }

    /// The TOML `[imap]` table for this server (plaintext on loopback), plus `extra` lines.
    pub fn imap_toml(&self, extra: &str) -> String {
        self.imap_toml_for(USER, self.port, extra)
    }

    /// The TOML `[imap]` table for another user (any name logs in with `PASSWORD`, each with
    /// its own mailboxes) reached on `port` (a proxy's), plus `extra` lines.
    pub fn imap_toml_for(&self, user: &str, port: u16, extra: &str) -> String {
        format!(
            "host = \"127.0.0.1\"\nport = {port}\ntls = \"none\"\nusername = \"{user}\"\npassword = \"{PASSWORD}\"\n{extra}\n"
        )
    }

    /// A logged-in client for another user.
    pub fn client_for(&self, user: &str) -> Client {
        Client::login_as(self.port, user)
    }
}

fn wait_ready(child: &mut Child, port: u16) -> bool {
    let deadline = Instant::now() + Duration::from_secs(15);
    while Instant::now() < deadline {
        if let Ok(Some(_)) = child.try_wait() {
            return false;
        }
        if let Ok(s) = TcpStream::connect(("127.0.0.1", port)) {
            s.set_read_timeout(Some(Duration::from_secs(5))).ok();
            let mut line = String::new();
            if BufReader::new(s).read_line(&mut line).is_ok() && line.starts_with("* OK") {
                return true;
            }
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    false
}

fn stop_child(child: &mut Child) {
    send_signal(child.id(), libc::SIGTERM);
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        if let Ok(Some(_)) = child.try_wait() {
            return;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = child.kill();
    let _ = child.wait();
}

impl Drop for Dovecot {
    fn drop(&mut self) {
        self.stop();
    }
}

pub fn send_signal(pid: u32, sig: i32) {
    // SAFETY: kill with a pid the test started.
    unsafe {
        libc::kill(pid as i32, sig);
    }
}

/// Signals the process group `pid` leads (as Ctrl-C reaches a terminal's foreground job).
pub fn send_signal_group(pid: u32, sig: i32) {
    // SAFETY: kill of a process group the test started.
    unsafe {
        libc::kill(-(pid as i32), sig);
    }
}

fn set_mode(p: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode)).unwrap();
}

fn chown(p: &Path, user: &str, group: &str) {
    let status = Command::new("chown")
        .arg(format!("{user}:{group}"))
        .arg(p)
        .status()
        .expect("chown");
    assert!(status.success(), "chown {}", p.display());
}

fn write_config(
    dir: &Path,
    port: u16,
    tls_port: Option<u16>,
    user: &str,
    group: &str,
    opts: &Options,
) -> PathBuf {
    let d = dir.display();
    let ssl = match (opts.tls, tls_port) {
        (true, Some(_)) => format!(
            "ssl = yes\nssl_cert = <{d}/server.pem\nssl_key = <{d}/server.key\nssl_min_protocol = TLSv1.2\n"
        ),
        _ => "ssl = no\n".to_string(),
    };
    let imaps = match tls_port {
        Some(p) => format!(
            "  inet_listener imaps {{\n    address = 127.0.0.1\n    port = {p}\n    ssl = yes\n  }}\n"
        ),
        None => "  inet_listener imaps {\n    port = 0\n  }\n".to_string(),
    };
    let (mechanisms, passdb) = match &opts.oauth2_introspection_url {
        Some(url) => {
            std::fs::write(
                dir.join("oauth2.conf.ext"),
                format!(
                    "introspection_mode = post\nintrospection_url = {url}\nusername_attribute = username\nactive_attribute = active\nactive_value = true\n"
                ),
            )
            .unwrap();
            (
                "xoauth2 oauthbearer",
                format!(
                    "passdb {{\n  driver = oauth2\n  mechanisms = xoauth2 oauthbearer\n  args = {d}/oauth2.conf.ext\n}}\n"
                ),
            )
        }
        None => (
            "plain login",
            format!("passdb {{\n  driver = static\n  args = password={PASSWORD}\n}}\n"),
        ),
    };
    let caps = match &opts.capabilities {
        Some(c) => format!("  imap_capability = {c}\n"),
        None => String::new(),
    };
    let conf = format!(
        r#"base_dir = {d}/run
state_dir = {d}/state
log_path = {d}/dovecot.log
listen = 127.0.0.1
protocols = imap
{ssl}default_login_user = {user}
default_internal_user = {user}
default_internal_group = {group}
disable_plaintext_auth = no
auth_mechanisms = {mechanisms}
auth_failure_delay = 0
mail_location = maildir:~/Maildir
mail_fsync = never
namespace inbox {{
  inbox = yes
  separator = /
}}
{passdb}userdb {{
  driver = static
  args = uid={user} gid={group} home={d}/home/%u allow_all_users=yes
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
{imaps}}}
service anvil {{
  chroot =
}}
service stats {{
  unix_listener stats-reader {{
    user = {user}
  }}
  unix_listener stats-writer {{
    user = {user}
  }}
}}
protocol imap {{
  mail_max_userip_connections = 50
{caps}}}
"#
    );
    let path = dir.join("dovecot.conf");
    std::fs::write(&path, conf).unwrap();
    path
}

/// A test CA and a server certificate for 127.0.0.1 signed by it; returns the CA's PEM path.
fn make_certificates(dir: &Path) -> PathBuf {
    let run = |args: &[&str]| {
        super::output_of(Command::new("openssl").args(args).current_dir(dir));
    };
    // A new P-256 key written to `key`, with a request (or, with -x509, a certificate) for it.
    let request = |x509: &[&str], key: &str, out: &str, subject: &str| {
        let new_key = [
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
        ];
        let files = ["-keyout", key, "-out", out, "-subj", subject];
        run(&[&["req"], x509, &new_key, &files].concat());
    };
    request(
        &["-x509", "-days", "2"],
        "ca.key",
        "ca.pem",
        "/CN=regintake test CA",
    );
    request(&[], "server.key", "server.csr", "/CN=127.0.0.1");
    std::fs::write(
        dir.join("server.ext"),
        "subjectAltName = IP:127.0.0.1, DNS:localhost\nbasicConstraints = CA:FALSE\nkeyUsage = digitalSignature\nextendedKeyUsage = serverAuth\n",
    )
    .unwrap();
    run(&[
        "x509",
        "-req",
        "-in",
        "server.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-out",
        "server.pem",
        "-days",
        "2",
        "-extfile",
        "server.ext",
    ]);
    dir.join("ca.pem")
}

/// A blocking IMAP client for seeding and checking (no literals in the answers it parses).
pub struct Client {
    reader: BufReader<TcpStream>,
    writer: TcpStream,
    tag: u32,
}

impl Client {
    pub fn login(port: u16) -> Client {
        Client::login_as(port, USER)
    }

    pub fn login_as(port: u16, user: &str) -> Client {
        let s = TcpStream::connect(("127.0.0.1", port)).expect("connect to dovecot");
        s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
        let mut c = Client {
            reader: BufReader::new(s.try_clone().unwrap()),
            writer: s,
            tag: 0,
        };
        let mut greeting = String::new();
        c.reader.read_line(&mut greeting).unwrap();
        c.ok(&format!("LOGIN {user} \"{PASSWORD}\""));
        c
    }

    /// Runs a command; returns its untagged lines, panicking unless it ends OK.
    pub fn ok(&mut self, cmd: &str) -> Vec<String> {
        let (lines, status) = self.run(cmd);
        assert!(status.starts_with("OK"), "{cmd}: {status}");
        lines
    }

    pub fn run(&mut self, cmd: &str) -> (Vec<String>, String) {
        self.tag += 1;
        let tag = format!("t{}", self.tag);
        write!(self.writer, "{tag} {cmd}\r\n").unwrap();
        self.read_until(&tag)
    }

    fn read_until(&mut self, tag: &str) -> (Vec<String>, String) {
        let mut lines = Vec::new();
        loop {
            let mut line = String::new();
            let n = self.reader.read_line(&mut line).expect("read from dovecot");
            assert!(n > 0, "dovecot closed the connection");
            let line = line.trim_end().to_string();
            if let Some(rest) = line.strip_prefix(&format!("{tag} ")) {
                return (lines, rest.to_string());
            }
            lines.push(line);
        }
    }

    /// APPENDs a message (CRLF line ends) with flags, e.g. `"\\Deleted"`.
    pub fn append(&mut self, mailbox: &str, message: &[u8], flags: &str) {
        self.tag += 1;
        let tag = format!("t{}", self.tag);
        write!(
            self.writer,
            "{tag} APPEND \"{mailbox}\" ({flags}) {{{}}}\r\n",
            message.len()
        )
        .unwrap();
        let mut cont = String::new();
        self.reader.read_line(&mut cont).unwrap();
        assert!(cont.starts_with('+'), "APPEND: {cont}");
        self.writer.write_all(message).unwrap();
        self.writer.write_all(b"\r\n").unwrap();
        let (_, status) = self.read_until(&tag);
        assert!(status.starts_with("OK"), "APPEND: {status}");
    }

    /// APPENDs many messages, pipelined with non-synchronising literals (LITERAL+).
    pub fn append_many(&mut self, mailbox: &str, messages: &[Vec<u8>]) {
        for chunk in messages.chunks(100) {
            let mut last = String::new();
            let mut out = Vec::new();
            for m in chunk {
                self.tag += 1;
                last = format!("t{}", self.tag);
                out.extend_from_slice(
                    format!("{last} APPEND \"{mailbox}\" () {{{}+}}\r\n", m.len()).as_bytes(),
                );
                out.extend_from_slice(m);
                out.extend_from_slice(b"\r\n");
            }
            self.writer.write_all(&out).unwrap();
            let mut oks = 0;
            loop {
                let mut line = String::new();
                assert!(self.reader.read_line(&mut line).unwrap() > 0);
                if line.starts_with('t') {
                    assert!(line.contains(" OK"), "APPEND: {line}");
                    oks += 1;
                    if line.starts_with(&format!("{last} ")) {
                        break;
                    }
                }
            }
            assert_eq!(oks, chunk.len());
        }
    }

    /// (UID, flags) of every message in `mailbox`; empty when the mailbox does not exist.
    pub fn messages(&mut self, mailbox: &str) -> Vec<(u32, Vec<String>)> {
        let (_, status) = self.run(&format!("EXAMINE \"{mailbox}\""));
        if !status.starts_with("OK") {
            return Vec::new();
        }
        let lines = self.ok("UID FETCH 1:* (UID FLAGS)");
        let mut out = Vec::new();
        for l in lines {
            if let Some((uid, flags)) = uid_and_flags(&l) {
                out.push((uid, flags));
            }
        }
        out.sort();
        out
    }

    /// (UID, flags, Message-ID) of every message in `mailbox`; empty when it does not exist.
    pub fn messages_with_ids(&mut self, mailbox: &str) -> Vec<(u32, Vec<String>, String)> {
        let (_, status) = self.run(&format!("EXAMINE \"{mailbox}\""));
        if !status.starts_with("OK") {
            return Vec::new();
        }
        self.tag += 1;
        let tag = format!("t{}", self.tag);
        write!(
            self.writer,
            "{tag} UID FETCH 1:* (UID FLAGS BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])\r\n"
        )
        .unwrap();
        let mut out = Vec::new();
        loop {
            let response = read_response(&mut self.reader).expect("dovecot closed the connection");
            let text = String::from_utf8_lossy(&response).into_owned();
            if let Some(rest) = text.strip_prefix(&format!("{tag} ")) {
                assert!(rest.starts_with("OK"), "UID FETCH: {rest}");
                break;
            }
            let Some((uid, flags)) = uid_and_flags(&text) else {
                continue;
            };
            let id = text
                .lines()
                .find_map(|l| {
                    let (name, value) = l.split_once(':')?;
                    name.trim()
                        .eq_ignore_ascii_case("Message-ID")
                        .then(|| value.trim().to_string())
                })
                .unwrap_or_default();
            out.push((uid, flags, id));
        }
        out.sort();
        out
    }

    pub fn logout(mut self) {
        let _ = self.run("LOGOUT");
    }
}

/// A test message with CRLF line ends and a Message-ID; `body` is its text.
pub fn message(id: &str, subject: &str, body: &str) -> Vec<u8> {
    let body = body.replace("\r\n", "\n").replace('\n', "\r\n");
    format!(
        "From: Applicant {id} <applicant{id}@example.org>\r\nTo: coding.service.registration@abs.gov.au\r\nSubject: {subject}\r\nDate: Tue, 24 Nov 2026 10:00:00 +1100\r\nMessage-ID: <{id}@test.example.org>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n"
    )
    .into_bytes()
}

/// A mail from `fixtures/mail/`, with CRLF line ends as IMAP carries it.
pub fn fixture_mail(name: &str) -> Vec<u8> {
    let path = super::repo("fixtures/mail").join(name);
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    crlf(&bytes)
}

/// Every mail in `fixtures/mail/`, in name order, CRLF.
pub fn fixture_mails() -> Vec<Vec<u8>> {
    super::files_in(&super::repo("fixtures"), &["mail"])
        .iter()
        .filter(|p| p.extension().is_some_and(|x| x == "eml"))
        .map(|p| crlf(&std::fs::read(p).unwrap()))
        .collect()
}

fn crlf(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len() + bytes.len() / 40);
    let mut prev = 0u8;
    for &b in bytes {
        if b == b'\n' && prev != b'\r' {
            out.push(b'\r');
        }
        out.push(b);
        prev = b;
    }
    out
}

/// A message that is not a registration form.
pub fn plain_message(id: &str) -> Vec<u8> {
    message(
        id,
        "Question about the coding service",
        "Hello,\nCould you tell me when the service opens?\nThanks",
    )
}

/// A message with the registration form filled in, in its body.
pub fn form_message(id: &str) -> Vec<u8> {
    message(
        id,
        "Occupation Coding Service Registration Form",
        &format!(
            "Occupation Coding Service Registration Form\n\nYour Details\nFull name: Dr Jane Citizen {id}\nOrganisation: Example Research Institute\nContact email: jane{id}@example.org\n\nTerms of Use\n[X] I have read, understand, and agree to be legally bound by the Terms of Use of the Australian Bureau of Statistics Occupation Coding Service.\n\nService required\n[X] Public coding service (1 API call per second and up to 1,000 calls per day).\n[ ] Partner coding service (Large batch coding, and real-time coding (1 API call per second and up to 10,000 real-time calls per day)).\n\nYour expected use\nrecords you expect to code: [ 500 ]\nAPI calls (batch or single record requests) you expect to make: [ 200 ]\n\nUser Guide agreement\n[X] I agree to read and follow the API integration instructions in the Occupation Coding Service User Guide.\n"
        ),
    )
}

/// A TCP proxy to `target` that, on its first connection only, cuts both directions once
/// `cut_after` bytes have gone from the server to the client.
pub struct Proxy {
    pub port: u16,
    pub cut: Arc<AtomicBool>,
    stop: Arc<AtomicBool>,
}

/// Listens on a free 127.0.0.1 port and hands each connection accepted there to `serve`, with
/// a new connection to `target`, until `stop` is set (looked at on each accept); the port.
pub fn relay(
    target: u16,
    stop: Arc<AtomicBool>,
    mut serve: impl FnMut(TcpStream, TcpStream) + Send + 'static,
) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for client in listener.incoming() {
            if stop.load(Ordering::SeqCst) {
                break;
            }
            let Ok(client) = client else { continue };
            let Ok(server) = TcpStream::connect(("127.0.0.1", target)) else {
                continue;
            };
            serve(client, server);
        }
    });
    port
}

impl Proxy {
    pub fn start(target: u16, cut_after: usize) -> Proxy {
        let cut = Arc::new(AtomicBool::new(false));
        let stop = Arc::new(AtomicBool::new(false));
        let cut2 = cut.clone();
        let mut connections = 0usize;
        let port = relay(target, stop.clone(), move |client, server| {
            let limit = if connections == 0 {
                cut_after
            } else {
                usize::MAX
            };
            connections += 1;
            let cut = cut2.clone();
            let (c2, s2) = (client.try_clone().unwrap(), server.try_clone().unwrap());
            std::thread::spawn(move || pipe(c2, s2, usize::MAX, None));
            std::thread::spawn(move || pipe(server, client, limit, Some(cut)));
        });
        Proxy { port, cut, stop }
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(("127.0.0.1", self.port));
    }
}

fn pipe(mut from: TcpStream, mut to: TcpStream, limit: usize, cut: Option<Arc<AtomicBool>>) {
    let mut buf = [0u8; 8192];
    let mut sent = 0usize;
    loop {
        let n = match from.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        let room = limit.saturating_sub(sent).min(n);
        if to.write_all(&buf[..room]).is_err() {
            break;
        }
        sent += room;
        if room < n {
            if let Some(c) = &cut {
                c.store(true, Ordering::SeqCst);
            }
            break;
        }
    }
    let _ = from.shutdown(Shutdown::Both);
    let _ = to.shutdown(Shutdown::Both);
}

/// A one-endpoint HTTP server for Dovecot's OAuth2 token introspection: a POSTed `token=...`
/// equal to `good_token` is active for `username`.
fn introspection_server(good_token: &'static str, username: &'static str) -> u16 {
    super::http::http_server(move |request_line, body| {
        let token = super::http::form_value(body, "token").unwrap_or_default();
        if request_line.starts_with("POST") && token == good_token {
            (
                200,
                format!("{{\"active\":true,\"username\":\"{username}\"}}"),
            )
        } else {
            (200, "{\"active\":false}".to_string())
        }
    })
}

/// Reads one IMAP response: a line, with any literals it announces and the rest of the line
/// after each. `None` at the end of the stream.
pub fn read_response(reader: &mut impl BufRead) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    loop {
        let start = out.len();
        match reader.read_until(b'\n', &mut out) {
            Ok(0) | Err(_) => return if out.is_empty() { None } else { Some(out) },
            Ok(_) => {}
        }
        let line = &out[start..];
        let Some(size) = literal_size(line) else {
            return Some(out);
        };
        let mut literal = vec![0u8; size];
        if reader.read_exact(&mut literal).is_err() {
            return Some(out);
        }
        out.extend_from_slice(&literal);
    }
}

/// `{123}\r\n` at the end of a line: the size of the literal that follows.
pub fn literal_size(line: &[u8]) -> Option<usize> {
    let line = line
        .strip_suffix(b"\r\n")
        .or_else(|| line.strip_suffix(b"\n"))?;
    let line = line.strip_suffix(b"}")?;
    let open = line.iter().rposition(|&b| b == b'{')?;
    std::str::from_utf8(&line[open + 1..]).ok()?.parse().ok()
}

/// The UID and flags of one untagged FETCH response; `None` when it names no UID.
fn uid_and_flags(response: &str) -> Option<(u32, Vec<String>)> {
    let uid = response
        .split("UID ")
        .nth(1)
        .and_then(|r| r.split([' ', ')']).next())
        .and_then(|n| n.parse().ok())?;
    let flags = response
        .split("FLAGS (")
        .nth(1)
        .and_then(|r| r.split(')').next())
        .unwrap_or("")
        .split_whitespace()
        .map(str::to_string)
        .collect();
    Some((uid, flags))
}
