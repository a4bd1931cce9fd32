//! An `ImapConfig` in → a logged-in IMAP session out: TCP, TLS (implicit or STARTTLS, rustls with
//! the system roots plus an optional `ca_file`), then LOGIN or XOAUTH2 with a secret read from the
//! config or a command. Secrets are never put in an error or a log line.

use crate::config::{ImapConfig, TlsMode};
use anyhow::{Context as _, Result, anyhow, bail};
use async_imap::{Client, Session};
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, ServerName};
use std::net::IpAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use tokio_rustls::client::TlsStream;
use tokio_rustls::rustls;

/// The connection under an IMAP session: plain TCP (loopback only) or TLS.
#[derive(Debug)]
enum Transport {
    Plain(TcpStream),
    Tls(Box<TlsStream<TcpStream>>),
}

/// What the server may send in answer to one command (or during login, or one IDLE), counted on
/// the byte stream itself: async-imap buffers each response whole, so a limit must act before
/// the bytes reach it.
#[derive(Debug, Clone, Copy)]
pub struct StreamLimits {
    /// The command's name, for errors.
    pub what: &'static str,
    /// Most bytes in all.
    pub max_bytes: u64,
    /// Longest literal (`{N}`) the server may announce.
    pub max_literal: u64,
    /// Longest line outside literals.
    pub max_line: u64,
    /// The whole answer must have arrived within this time.
    pub deadline: Duration,
    /// Longest silence; `None` while silence is normal (IDLE).
    pub silence: Option<Duration>,
}

impl StreamLimits {
    /// Limits for a command with a small answer (login, SELECT, STORE, ...).
    pub fn small(what: &'static str, timeout: Duration) -> StreamLimits {
        StreamLimits {
            what,
            max_bytes: 4 << 20,
            max_literal: 1 << 20,
            max_line: 1 << 20,
            deadline: timeout.saturating_mul(2),
            silence: Some(timeout),
        }
    }
}

/// A limit the server broke; inside the `std::io::Error` the session's read fails with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StreamLimit {
    TooMuch {
        what: &'static str,
        bytes: u64,
    },
    LiteralTooLarge {
        what: &'static str,
        announced: String,
        limit: u64,
    },
    LineTooLong {
        what: &'static str,
        limit: u64,
    },
    /// Still sending (or trickling) when the deadline passed.
    Deadline {
        what: &'static str,
        secs: u64,
        received: u64,
    },
    /// Nothing at all for `secs`.
    Silent {
        what: &'static str,
        secs: u64,
    },
}

impl std::fmt::Display for StreamLimit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StreamLimit::TooMuch { what, bytes } => write!(
                f,
                "the server sent more than {bytes} bytes in answer to {what}; stopped reading"
            ),
            StreamLimit::LiteralTooLarge {
                what,
                announced,
                limit,
            } => write!(
                f,
                "the server announced {announced} bytes of data in answer to {what}, over the \
                 limit of {limit}; stopped reading"
            ),
            StreamLimit::LineTooLong { what, limit } => write!(
                f,
                "the server sent a line longer than {limit} bytes in answer to {what}; stopped \
                 reading"
            ),
            StreamLimit::Deadline {
                what,
                secs,
                received,
            } => write!(
                f,
                "{what} did not finish within {secs} s although the server kept sending \
                 ({received} bytes); stopped reading"
            ),
            StreamLimit::Silent { what, secs } => write!(
                f,
                "the server stopped answering during {what} (nothing received for {secs} s)"
            ),
        }
    }
}

impl std::error::Error for StreamLimit {}

/// The `StreamLimit` inside an I/O error, if that is what it is.
pub fn stream_limit(e: &std::io::Error) -> Option<&StreamLimit> {
    e.get_ref()
        .and_then(|inner| inner.downcast_ref::<StreamLimit>())
}

/// Where the server's byte stream is: in a line, or inside a literal whose bytes are skipped.
#[derive(Debug, Default)]
struct Lexer {
    /// Bytes of the literal still to come.
    literal_left: u64,
    /// Length of the current line so far.
    line: u64,
    /// The end of the current line (enough to see `{digits}` before its CRLF).
    tail: Vec<u8>,
    /// Keep status lines (`capture_status_lines`).
    capture: bool,
    /// The start of the current line, while capturing.
    line_start: Vec<u8>,
    /// The last whole line that was neither untagged (`*`) nor a continuation (`+`): a tagged
    /// status such as `a1 NO [AUTHENTICATIONFAILED] ...`.
    last_status: Option<Vec<u8>>,
}

/// How many trailing bytes of a line are kept to find a literal's `{size}`.
const TAIL: usize = 32;
/// How many bytes of a status line are kept (a server's reason is a short sentence).
const STATUS_LINE_BYTES: usize = 1024;

impl Lexer {
    /// Follows `bytes`; an error when a line or an announced literal breaks `limits`.
    fn feed(&mut self, mut bytes: &[u8], limits: &StreamLimits) -> Result<(), StreamLimit> {
        while !bytes.is_empty() {
            if self.literal_left > 0 {
                let skip = (self.literal_left.min(bytes.len() as u64)) as usize;
                self.literal_left -= skip as u64;
                bytes = &bytes[skip..];
                continue;
            }
            let (chunk, ended) = match memchr::memchr(b'\n', bytes) {
                Some(i) => (&bytes[..=i], true),
                None => (bytes, false),
            };
            bytes = &bytes[chunk.len()..];
            if self.capture && self.line_start.len() < STATUS_LINE_BYTES {
                let room = STATUS_LINE_BYTES - self.line_start.len();
                self.line_start
                    .extend_from_slice(&chunk[..chunk.len().min(room)]);
            }
            self.line += chunk.len() as u64;
            if self.line > limits.max_line {
                return Err(StreamLimit::LineTooLong {
                    what: limits.what,
                    limit: limits.max_line,
                });
            }
            self.tail.extend_from_slice(chunk);
            if self.tail.len() > TAIL {
                self.tail.drain(..self.tail.len() - TAIL);
            }
            if ended {
                let literal = literal_announced(&self.tail);
                self.line = 0;
                self.tail.clear();
                if self.capture {
                    let line = std::mem::take(&mut self.line_start);
                    if literal.is_none() && !line.starts_with(b"*") && !line.starts_with(b"+") {
                        self.last_status = Some(line);
                    }
                }
                match literal {
                    None => {}
                    Some(Ok(n)) if n <= limits.max_literal => self.literal_left = n,
                    Some(Ok(n)) => {
                        return Err(StreamLimit::LiteralTooLarge {
                            what: limits.what,
                            announced: n.to_string(),
                            limit: limits.max_literal,
                        });
                    }
                    Some(Err(digits)) => {
                        return Err(StreamLimit::LiteralTooLarge {
                            what: limits.what,
                            announced: digits,
                            limit: limits.max_literal,
                        });
                    }
                }
            }
        }
        Ok(())
    }
}

/// The size of the literal a line ending in `{digits}` CRLF announces: `Err` with the digits
/// when they do not fit in a u64.
fn literal_announced(line: &[u8]) -> Option<Result<u64, String>> {
    let line = line.strip_suffix(b"\n")?;
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    let line = line.strip_suffix(b"}")?;
    let open = line.iter().rposition(|&b| b == b'{')?;
    let digits = &line[open + 1..];
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let text = String::from_utf8_lossy(digits).into_owned();
    Some(text.parse::<u64>().map_err(|_| format!("{text}…")))
}

/// The byte stream under an IMAP session, enforcing the `StreamLimits` of the command in
/// progress (`arm`): what the server sends in all, its lines and literals, how long it takes and
/// how long it is silent. A broken limit fails the read with a `StreamLimit`.
#[derive(Debug)]
pub struct ImapStream {
    transport: Transport,
    limits: StreamLimits,
    lexer: Lexer,
    received: u64,
    started: tokio::time::Instant,
    last_byte: tokio::time::Instant,
    /// Wakes a pending read at the deadline or when the silence is too long.
    timer: Pin<Box<tokio::time::Sleep>>,
}

impl ImapStream {
    fn new(transport: Transport, limits: StreamLimits) -> ImapStream {
        let now = tokio::time::Instant::now();
        ImapStream {
            transport,
            limits,
            lexer: Lexer::default(),
            received: 0,
            started: now,
            last_byte: now,
            timer: Box::pin(tokio::time::sleep_until(now + limits.deadline)),
        }
    }

    /// Sets the limits for what the server sends from now on (a new command), counting afresh.
    pub fn arm(&mut self, limits: StreamLimits) {
        let now = tokio::time::Instant::now();
        self.limits = limits;
        self.received = 0;
        self.started = now;
        self.last_byte = now;
        self.lexer.line = 0;
        self.lexer.tail.clear();
        self.lexer.line_start.clear();
        // A literal still running carries over: its bytes are the stream's, not a new line.
    }

    /// Keeps (or stops keeping) the last tagged status line the server sends, so the answer to
    /// LOGIN or AUTHENTICATE can be read with its response code when async-imap only reports
    /// it as debug text.
    fn capture_status_lines(&mut self, on: bool) {
        self.lexer.capture = on;
        self.lexer.line_start.clear();
        if !on {
            self.lexer.last_status = None;
        }
    }

    /// The last tagged status line received while capturing.
    fn take_status_line(&mut self) -> Option<Vec<u8>> {
        self.lexer.last_status.take()
    }

    /// The plain TCP stream (before STARTTLS).
    fn into_tcp(self) -> Option<TcpStream> {
        match self.transport {
            Transport::Plain(t) => Some(t),
            Transport::Tls(_) => None,
        }
    }

    /// The first instant at which a limit of time is broken.
    fn next_limit(&self) -> tokio::time::Instant {
        let deadline = self.started + self.limits.deadline;
        match self.limits.silence {
            Some(s) => deadline.min(self.last_byte + s),
            None => deadline,
        }
    }

    fn time_limit(&self, now: tokio::time::Instant) -> Option<StreamLimit> {
        if now >= self.started + self.limits.deadline {
            return Some(if self.received > 0 {
                StreamLimit::Deadline {
                    what: self.limits.what,
                    secs: self.limits.deadline.as_secs(),
                    received: self.received,
                }
            } else {
                StreamLimit::Silent {
                    what: self.limits.what,
                    secs: self.limits.deadline.as_secs(),
                }
            });
        }
        match self.limits.silence {
            Some(s) if now >= self.last_byte + s => Some(StreamLimit::Silent {
                what: self.limits.what,
                secs: s.as_secs(),
            }),
            _ => None,
        }
    }
}

fn broken(limit: StreamLimit) -> std::io::Error {
    let kind = match limit {
        StreamLimit::Deadline { .. } | StreamLimit::Silent { .. } => std::io::ErrorKind::TimedOut,
        _ => std::io::ErrorKind::InvalidData,
    };
    std::io::Error::new(kind, limit)
}

impl AsyncRead for ImapStream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let this = self.get_mut();
        // Checked on every read, so a server that never stops sending cannot outrun it.
        if let Some(limit) = this.time_limit(tokio::time::Instant::now()) {
            return Poll::Ready(Err(broken(limit)));
        }
        let before = buf.filled().len();
        let polled = match &mut this.transport {
            Transport::Plain(s) => Pin::new(s).poll_read(cx, buf),
            Transport::Tls(s) => Pin::new(s.as_mut()).poll_read(cx, buf),
        };
        match polled {
            Poll::Ready(Ok(())) => {
                let new = &buf.filled()[before..];
                if new.is_empty() {
                    return Poll::Ready(Ok(()));
                }
                this.received += new.len() as u64;
                this.last_byte = tokio::time::Instant::now();
                if this.received > this.limits.max_bytes {
                    return Poll::Ready(Err(broken(StreamLimit::TooMuch {
                        what: this.limits.what,
                        bytes: this.limits.max_bytes,
                    })));
                }
                if let Err(limit) = this.lexer.feed(new, &this.limits) {
                    return Poll::Ready(Err(broken(limit)));
                }
                Poll::Ready(Ok(()))
            }
            Poll::Ready(Err(e)) => Poll::Ready(Err(e)),
            Poll::Pending => {
                let wake_at = this.next_limit();
                this.timer.as_mut().reset(wake_at);
                if this.timer.as_mut().poll(cx).is_ready()
                    && let Some(limit) = this.time_limit(tokio::time::Instant::now())
                {
                    return Poll::Ready(Err(broken(limit)));
                }
                Poll::Pending
            }
        }
    }
}

impl AsyncWrite for ImapStream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        match &mut self.get_mut().transport {
            Transport::Plain(s) => Pin::new(s).poll_write(cx, buf),
            Transport::Tls(s) => Pin::new(s.as_mut()).poll_write(cx, buf),
        }
    }
    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        match &mut self.get_mut().transport {
            Transport::Plain(s) => Pin::new(s).poll_flush(cx),
            Transport::Tls(s) => Pin::new(s.as_mut()).poll_flush(cx),
        }
    }
    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        match &mut self.get_mut().transport {
            Transport::Plain(s) => Pin::new(s).poll_shutdown(cx),
            Transport::Tls(s) => Pin::new(s.as_mut()).poll_shutdown(cx),
        }
    }
}

pub type ImapSession = Session<ImapStream>;

/// Why connecting failed: the daemon retries `Network` errors, not `Refused` ones, and stops
/// (exit 77) on `LoginRefused`.
#[derive(Debug)]
pub enum ConnectError {
    /// The server said no to the credentials: retrying cannot help until the config or the
    /// account changes (and may lock the account).
    LoginRefused(LoginRefused),
    /// The config cannot work (bad `ca_file`, a certificate that does not verify, TLS to a
    /// plain port, plaintext to a remote host, a failing secret command).
    Refused(anyhow::Error),
    /// The network or server failed; worth retrying.
    Network(anyhow::Error),
}

impl ConnectError {
    pub fn into_inner(self) -> anyhow::Error {
        match self {
            ConnectError::LoginRefused(e) => anyhow::Error::new(e),
            ConnectError::Refused(e) | ConnectError::Network(e) => e,
        }
    }
}

/// The server answered LOGIN or AUTHENTICATE with `NO`: it refused these credentials. A typed
/// error so callers branch on it (exit 77, no retry), never on its words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoginRefused {
    /// `host:port`.
    pub server: String,
    /// `LOGIN` or `AUTHENTICATE XOAUTH2`.
    pub mechanism: &'static str,
    pub username: String,
    /// The RFC 5530 response code the server gave (`AUTHENTICATIONFAILED`), if any.
    pub code: Option<String>,
    /// What the server said, one short line, any secret it echoed removed.
    pub text: String,
}

impl std::fmt::Display for LoginRefused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let said = match (&self.code, self.text.is_empty()) {
            (Some(code), true) => format!(" [{code}]"),
            (Some(code), false) => format!(" [{code}] {}", self.text),
            (None, false) => format!(" {}", self.text),
            (None, true) => String::new(),
        };
        let secret = if self.mechanism == "LOGIN" {
            "the password (password or password_command)"
        } else {
            "the token (oauth2_token_command) and the account's mailbox permission"
        };
        write!(
            f,
            "{} refused {} for user \"{}\" (NO{said}): check imap.username and {secret}; \
             not retried, as repeated failures can lock the account",
            self.server, self.mechanism, self.username
        )
    }
}

impl std::error::Error for LoginRefused {}

/// An RFC 5530 response code at the start of a status text (`[UNAVAILABLE] ...`), upper-cased,
/// and the text after it. imap-proto parses only the codes of RFC 3501 and leaves these in the
/// text.
fn response_code(text: &str) -> (Option<String>, &str) {
    let Some(rest) = text.strip_prefix('[') else {
        return (None, text);
    };
    let Some((code, after)) = rest.split_once(']') else {
        return (None, text);
    };
    let atom = code.split_whitespace().next().unwrap_or("");
    if atom.is_empty() || !atom.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
        return (None, text);
    }
    (Some(atom.to_ascii_uppercase()), after.trim_start())
}

/// What a server's `NO` or `BAD` to LOGIN/AUTHENTICATE means for the run.
#[derive(Debug, PartialEq, Eq)]
enum LoginAnswer {
    /// `NO`: these credentials are refused.
    Refused { code: Option<String>, text: String },
    /// `NO [UNAVAILABLE]`: the server cannot check them now (RFC 5530): retry later.
    Unavailable(String),
    /// `BAD`: the command itself was not accepted (a login the server does not offer).
    Bad(String),
}

/// Reads the tagged status line the server ended LOGIN/AUTHENTICATE with (`is_no` from the
/// client library's typed error when the line was not kept).
fn login_answer(status_line: Option<&[u8]>, is_no: bool, secret: &str) -> LoginAnswer {
    use async_imap::imap_proto::{Response, Status};
    let parsed = status_line.and_then(|line| match Response::parse(line) {
        Ok((
            _,
            Response::Done {
                status, outcome, ..
            },
        )) => Some((
            status,
            outcome.information.as_deref().unwrap_or("").to_string(),
        )),
        _ => None,
    });
    let (no, text) = match parsed {
        Some((Status::No, text)) => (true, text),
        Some((_, text)) => (false, text),
        None => (is_no, String::new()),
    };
    let text = super::command::one_line(&redact(&text, secret));
    let (code, rest) = response_code(&text);
    let rest = rest.to_string();
    match (no, code) {
        (true, Some(code)) if code == "UNAVAILABLE" => LoginAnswer::Unavailable(rest),
        (true, code) => LoginAnswer::Refused { code, text: rest },
        (false, _) => LoginAnswer::Bad(text),
    }
}

/// True when `host` names this machine's loopback interface (127.0.0.0/8, ::1, localhost),
/// decided from the text alone: no DNS lookup.
pub fn is_loopback_host(host: &str) -> bool {
    let h = host.trim().trim_start_matches('[').trim_end_matches(']');
    if h.eq_ignore_ascii_case("localhost") || h.eq_ignore_ascii_case("localhost.") {
        return true;
    }
    match h.parse::<IpAddr>() {
        Ok(IpAddr::V4(v4)) => v4.is_loopback(),
        Ok(IpAddr::V6(v6)) => {
            v6.is_loopback() || v6.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback())
        }
        Err(_) => false,
    }
}

/// Checks what can be checked before any traffic: plaintext only to loopback, a readable
/// `ca_file`, one way to log in. Returns the TLS settings to use.
pub fn prepare(cfg: &ImapConfig) -> Result<Option<TlsConnector>> {
    if cfg.tls == TlsMode::None && !is_loopback_host(&cfg.host) {
        bail!(
            "imap.tls = \"none\" is refused for {}: passwords would cross the network in clear; \
             plaintext is allowed only to a loopback address (127.0.0.1, ::1, localhost)",
            cfg.host
        );
    }
    if cfg.password.is_none()
        && cfg.password_command.is_none()
        && cfg.oauth2_token_command.is_none()
    {
        bail!("imap: set one of password, password_command or oauth2_token_command");
    }
    match cfg.tls {
        TlsMode::None => Ok(None),
        TlsMode::Implicit | TlsMode::Starttls => Ok(Some(tls_connector(cfg)?)),
    }
}

fn tls_connector(cfg: &ImapConfig) -> Result<TlsConnector> {
    let mut roots = rustls::RootCertStore::empty();
    let native = rustls_native_certs::load_native_certs();
    let (added, _ignored) = roots.add_parsable_certificates(native.certs);
    tracing::debug!(
        system_roots = added,
        errors = native.errors.len(),
        "Loaded system trust roots"
    );
    if let Some(path) = &cfg.ca_file {
        let pem = std::fs::read(path)
            .with_context(|| format!("cannot read imap.ca_file {}", path.display()))?;
        let mut count = 0;
        for cert in CertificateDer::pem_slice_iter(&pem) {
            let cert =
                cert.map_err(|e| anyhow!("imap.ca_file {} is not valid PEM: {e}", path.display()))?;
            roots.add(cert).map_err(|e| {
                anyhow!(
                    "imap.ca_file {}: a certificate cannot be used as a trust anchor: {e}",
                    path.display()
                )
            })?;
            count += 1;
        }
        if count == 0 {
            bail!("imap.ca_file {} holds no PEM certificate", path.display());
        }
    }
    if roots.is_empty() {
        bail!("no trusted CA certificates: the system has none and imap.ca_file is not set");
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .context("cannot set up TLS")?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(TlsConnector::from(Arc::new(config)))
}

fn server_name(host: &str) -> Result<ServerName<'static>> {
    let h = host.trim().trim_start_matches('[').trim_end_matches(']');
    ServerName::try_from(h.to_string())
        .map_err(|_| anyhow!("imap.host {host:?} is not a valid host name or address"))
}

/// Connects, secures and logs in. `timeout` bounds each step.
pub async fn connect(
    cfg: &ImapConfig,
    tls: Option<&TlsConnector>,
    timeout: Duration,
) -> Result<ImapSession, ConnectError> {
    let net = ConnectError::Network;
    let what = format!("{}:{}", cfg.host, cfg.port);
    let addresses = resolve(cfg, timeout).await.map_err(net)?;
    let tcp = tokio::time::timeout(timeout, TcpStream::connect(&addresses[..]))
        .await
        .map_err(|_| {
            net(anyhow!(
                "connecting to {what} timed out after {} s: is imap.host right, and does a \
                 firewall let this machine reach port {}?",
                timeout.as_secs(),
                cfg.port
            ))
        })?
        .map_err(|e| net(connect_failed(&what, cfg, &e)))?;
    tcp.set_nodelay(true).ok();
    // Greeting, STARTTLS, login: small answers.
    let limits = StreamLimits::small("the greeting and login", timeout);
    let mut stream = match (cfg.tls, tls) {
        (TlsMode::None, _) => ImapStream::new(Transport::Plain(tcp), limits),
        (TlsMode::Implicit, Some(tls)) => ImapStream::new(
            Transport::Tls(Box::new(handshake(tls, cfg, tcp, timeout).await?)),
            limits,
        ),
        (TlsMode::Starttls, Some(tls)) => {
            let mut client = Client::new(ImapStream::new(Transport::Plain(tcp), limits));
            read_greeting(&mut client, timeout, &what, cfg).await?;
            // The stream's own limits come first; this is a backstop.
            tokio::time::timeout(
                timeout.saturating_mul(3),
                client.run_command_and_check_ok("STARTTLS", None),
            )
            .await
            .map_err(|_| net(anyhow!("STARTTLS with {what} timed out")))?
            .map_err(|e| {
                ConnectError::Refused(anyhow!(
                    "{what} refused STARTTLS ({}): the server may offer TLS only on its \
                     implicit-TLS port; try tls = \"implicit\" and port = 993",
                    refusal_text(&e)
                ))
            })?;
            // Anything the server sent after its OK is dropped with the client: only bytes
            // inside TLS are trusted (STARTTLS command injection).
            let tcp = client
                .into_inner()
                .into_tcp()
                .ok_or_else(|| net(anyhow!("STARTTLS on a TLS stream")))?;
            ImapStream::new(
                Transport::Tls(Box::new(handshake(tls, cfg, tcp, timeout).await?)),
                limits,
            )
        }
        (_, None) => return Err(ConnectError::Refused(anyhow!("TLS is not set up"))),
    };
    stream.capture_status_lines(true);
    let mut client = Client::new(stream);
    if cfg.tls != TlsMode::Starttls {
        read_greeting(&mut client, timeout, &what, cfg).await?;
    }
    login(client, cfg, timeout, &what).await
}

/// The addresses of `imap.host` (a literal address is taken as it is, without DNS). A name
/// that cannot be looked up is its own error, saying to check the name.
pub(super) async fn resolve(
    cfg: &ImapConfig,
    timeout: Duration,
) -> anyhow::Result<Vec<std::net::SocketAddr>> {
    let host = cfg
        .host
        .trim()
        .trim_start_matches('[')
        .trim_end_matches(']');
    let found = tokio::time::timeout(timeout, tokio::net::lookup_host((host, cfg.port)))
        .await
        .map_err(|_| {
            anyhow!(
                "looking up imap.host {host:?} timed out after {} s: check the name and this \
                 machine's DNS",
                timeout.as_secs()
            )
        })?
        .map_err(|e| {
            anyhow!(
                "cannot find the address of imap.host {host:?}: {}; check the name and this \
                 machine's DNS",
                plain_io_error(&e)
            )
        })?
        .collect::<Vec<_>>();
    if found.is_empty() {
        bail!("imap.host {host:?} has no address; check the name and this machine's DNS");
    }
    Ok(found)
}

/// A TCP connection that failed, as one line with what to check.
pub(super) fn connect_failed(what: &str, cfg: &ImapConfig, e: &std::io::Error) -> anyhow::Error {
    let hint = match e.kind() {
        std::io::ErrorKind::ConnectionRefused => format!(
            ": nothing accepts connections on port {}; check imap.port (993 for tls = \
             \"implicit\", 143 for \"starttls\") and imap.host",
            cfg.port
        ),
        _ => String::new(),
    };
    anyhow!("cannot connect to {what}: {}{hint}", plain_io_error(e))
}

/// An I/O error as a person reads it: the system's message without the `(os error N)` suffix.
pub(crate) fn plain_io_error(e: &std::io::Error) -> String {
    match e.raw_os_error() {
        Some(code) => {
            let text = e.to_string();
            text.strip_suffix(&format!(" (os error {code})"))
                .unwrap_or(&text)
                .to_string()
        }
        None => e.to_string(),
    }
}

/// A refusal's server text, when async-imap gives it only as debug text: the status alone.
fn refusal_text(e: &async_imap::error::Error) -> &'static str {
    match e {
        async_imap::error::Error::No(_) => "NO",
        async_imap::error::Error::Bad(_) => "BAD",
        async_imap::error::Error::ConnectionLost => "the connection closed",
        _ => "no OK",
    }
}

async fn handshake(
    tls: &TlsConnector,
    cfg: &ImapConfig,
    tcp: TcpStream,
    timeout: Duration,
) -> Result<TlsStream<TcpStream>, ConnectError> {
    let host = &cfg.host;
    let name = server_name(host).map_err(ConnectError::Refused)?;
    match tokio::time::timeout(timeout, tls.connect(name, tcp)).await {
        Err(_) => Err(ConnectError::Network(anyhow!(
            "the TLS handshake with {host}:{} timed out after {} s{}",
            cfg.port,
            timeout.as_secs(),
            match cfg.tls {
                TlsMode::Implicit => format!(
                    " (is port {} a TLS port? tls = \"implicit\" needs one, usually 993)",
                    cfg.port
                ),
                _ => String::new(),
            }
        ))),
        Ok(Err(e)) => {
            let tls_error = e
                .get_ref()
                .and_then(|inner| inner.downcast_ref::<rustls::Error>());
            match tls_error {
                // A certificate that does not verify will not verify on retry either, nor
                // will a server that answers in plain text.
                Some(r) => match tls_failure(r, cfg) {
                    (text, true) => Err(ConnectError::Refused(anyhow!(text))),
                    (text, false) => Err(ConnectError::Network(anyhow!(text))),
                },
                None => Err(ConnectError::Network(anyhow!(
                    "the TLS handshake with {host}:{} failed: {}",
                    cfg.port,
                    plain_io_error(&e)
                ))),
            }
        }
        Ok(Ok(s)) => Ok(s),
    }
}

/// A TLS failure as one line saying what to do, and whether it is the config's (true: retrying
/// cannot help) or may pass (false).
fn tls_failure(e: &rustls::Error, cfg: &ImapConfig) -> (String, bool) {
    use rustls::CertificateError as C;
    let at = format!("{}:{}", cfg.host, cfg.port);
    match e {
        // A plain-text IMAP greeting where a TLS record should be.
        rustls::Error::InvalidMessage(_) => (
            format!(
                "the server at {at} did not answer TLS on port {}: is it the STARTTLS or \
                 plain port? try tls = \"starttls\", or port = 993 for tls = \"implicit\"",
                cfg.port
            ),
            true,
        ),
        rustls::Error::InvalidCertificate(cert) => {
            let what = match cert {
                C::UnknownIssuer => format!(
                    "is not signed by a certificate authority this machine trusts; if the \
                     server uses a private CA, set imap.ca_file to that CA's PEM file{}",
                    if cfg.ca_file.is_some() {
                        " (imap.ca_file is set but is not the CA that signed it)"
                    } else {
                        ""
                    }
                ),
                C::NotValidForName | C::NotValidForNameContext { .. } => format!(
                    "is not issued for the name {:?}; set imap.host to a name on the \
                     server's certificate",
                    cfg.host
                ),
                C::Expired | C::ExpiredContext { .. } => {
                    "has expired; the server's administrator must renew it (or this machine's \
                     clock is wrong)"
                        .to_string()
                }
                C::NotValidYet | C::NotValidYetContext { .. } => {
                    "is not valid yet; check this machine's clock".to_string()
                }
                C::Revoked => "has been revoked".to_string(),
                _ => "was refused by the certificate check".to_string(),
            };
            (format!("the TLS certificate of {at} {what}"), true)
        }
        rustls::Error::NoCertificatesPresented => (
            format!("the server at {at} presented no TLS certificate"),
            true,
        ),
        rustls::Error::PeerIncompatible(_) | rustls::Error::AlertReceived(_) => (
            format!(
                "the TLS handshake with {at} failed: the server and regintake share no TLS \
                 version or cipher suite (TLS 1.2 or 1.3 is needed)"
            ),
            true,
        ),
        other => (
            format!("the TLS handshake with {at} failed: {other}"),
            false,
        ),
    }
}

async fn read_greeting(
    client: &mut Client<ImapStream>,
    timeout: Duration,
    what: &str,
    cfg: &ImapConfig,
) -> Result<(), ConnectError> {
    // A plain-text client on a TLS port waits for a greeting that never comes (the server
    // waits for a TLS hello) or is disconnected.
    let hint = match cfg.tls {
        TlsMode::Implicit => String::new(),
        TlsMode::Starttls | TlsMode::None => format!(
            "; if port {} is an implicit-TLS port (993 usually is), set tls = \"implicit\"",
            cfg.port
        ),
    };
    let greeting = tokio::time::timeout(timeout.saturating_mul(3), client.read_response())
        .await
        .map_err(|_| ConnectError::Network(anyhow!("no greeting from {what}{hint}")))?
        .map_err(|e| {
            ConnectError::Network(anyhow!(
                "no greeting from {what}: {}{hint}",
                super::command::io_text(&e)
            ))
        })?
        .ok_or_else(|| {
            ConnectError::Network(anyhow!("{what} closed the connection at once{hint}"))
        })?;
    if let async_imap::imap_proto::Response::Data {
        status: async_imap::imap_proto::Status::Bye,
        ..
    } = greeting.parsed()
    {
        return Err(ConnectError::Network(anyhow!("{what} said BYE on connect")));
    }
    Ok(())
}

/// The secret to log in with.
enum Secret {
    Password(String),
    Token(String),
}

async fn login(
    client: Client<ImapStream>,
    cfg: &ImapConfig,
    timeout: Duration,
    what: &str,
) -> Result<ImapSession, ConnectError> {
    let refused = ConnectError::Refused;
    let secret = if let Some(cmd) = &cfg.oauth2_token_command {
        Secret::Token(
            run_secret_command(cmd, "oauth2_token_command")
                .await
                .map_err(refused)?,
        )
    } else if let Some(cmd) = &cfg.password_command {
        Secret::Password(
            run_secret_command(cmd, "password_command")
                .await
                .map_err(refused)?,
        )
    } else if let Some(p) = &cfg.password {
        Secret::Password(p.clone())
    } else {
        return Err(refused(anyhow!(
            "imap: set one of password, password_command or oauth2_token_command"
        )));
    };
    let (result, secret_text, how) = match &secret {
        Secret::Password(p) => (
            tokio::time::timeout(timeout.saturating_mul(3), client.login(&cfg.username, p)).await,
            p.as_str(),
            "LOGIN",
        ),
        Secret::Token(t) => (
            tokio::time::timeout(
                timeout.saturating_mul(3),
                client.authenticate("XOAUTH2", XOAuth2::new(&cfg.username, t)),
            )
            .await,
            t.as_str(),
            "AUTHENTICATE XOAUTH2",
        ),
    };
    match result {
        Err(_) => Err(ConnectError::Network(anyhow!(
            "logging in to {what} timed out"
        ))),
        Ok(Ok(mut session)) => {
            session.as_mut().capture_status_lines(false);
            Ok(session)
        }
        Ok(Err((e, client))) => {
            let status_line = client.into_inner().take_status_line();
            let is_no = match &e {
                async_imap::error::Error::No(_) => true,
                async_imap::error::Error::Bad(_) => false,
                // async-imap refuses a line break in a quoted string before sending it.
                async_imap::error::Error::Validate(_) => {
                    return Err(refused(anyhow!(
                        "imap.username or the {} holds a line break, which IMAP cannot send; \
                         check them",
                        if how == "LOGIN" { "password" } else { "token" },
                    )));
                }
                other => {
                    return Err(ConnectError::Network(anyhow!(
                        "logging in to {what} failed: {}",
                        match other {
                            async_imap::error::Error::Io(io) => super::command::io_text(io),
                            async_imap::error::Error::ConnectionLost => {
                                "the server closed the connection".to_string()
                            }
                            _ => "the server's answer could not be read".to_string(),
                        }
                    )));
                }
            };
            match login_answer(status_line.as_deref(), is_no, secret_text) {
                LoginAnswer::Refused { code, text } => {
                    Err(ConnectError::LoginRefused(LoginRefused {
                        server: what.to_string(),
                        mechanism: how,
                        username: cfg.username.clone(),
                        code,
                        text,
                    }))
                }
                LoginAnswer::Unavailable(text) => Err(ConnectError::Network(anyhow!(
                    "{what} cannot check logins now (NO [UNAVAILABLE] {text}); will try again"
                ))),
                LoginAnswer::Bad(text) => Err(refused(anyhow!(
                    "{what} rejected the {how} command (BAD {text}): the server does not \
                     accept this way of logging in{}",
                    if how == "LOGIN" {
                        "; it may require TLS (tls = \"implicit\" or \"starttls\") or \
                         OAuth (oauth2_token_command)"
                    } else {
                        ""
                    }
                ))),
            }
        }
    }
}

/// Removes a secret from text that is about to reach an error or a log (a server may echo what
/// it was sent).
pub fn redact(text: &str, secret: &str) -> String {
    if secret.len() < 3 {
        return text.to_string();
    }
    text.replace(secret, "<redacted>")
}

/// Runs a secret command with `sh -c` and returns its stdout, trimmed. Its output never reaches
/// an error message: a failing command is reported by its exit status only.
pub async fn run_secret_command(cmd: &str, key: &str) -> Result<String> {
    let mut command = tokio::process::Command::new("sh");
    command
        .arg("-c")
        .arg(cmd)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        // The child must not talk to systemd in our name.
        .env_remove("NOTIFY_SOCKET")
        .kill_on_drop(true);
    let output = tokio::time::timeout(Duration::from_secs(60), command.output())
        .await
        .map_err(|_| anyhow!("imap.{key} did not finish within 60 seconds"))?
        .map_err(|e| anyhow!("cannot run imap.{key}: {}", plain_io_error(&e)))?;
    if !output.status.success() {
        use std::os::unix::process::ExitStatusExt;
        // 126 and 127 are the shell's own: the program could not be run at all.
        match (output.status.code(), output.status.signal()) {
            (Some(127), _) => bail!(
                "imap.{key}: command not found (the shell exited 127): check the program's \
                 name, or give its full path (cron and systemd run with a short PATH)"
            ),
            (Some(126), _) => bail!(
                "imap.{key}: the program is not executable (the shell exited 126): check its \
                 path and permissions"
            ),
            (Some(code), _) => bail!(
                "imap.{key} failed (exit status: {code}); its output is not shown because it \
                 may hold a secret"
            ),
            (None, Some(signal)) => bail!("imap.{key} was killed by signal {signal}"),
            (None, None) => bail!("imap.{key} failed"),
        }
    }
    let text = String::from_utf8(output.stdout)
        .map_err(|_| anyhow!("imap.{key} printed something that is not UTF-8"))?;
    let secret = text.trim();
    if secret.is_empty() {
        bail!("imap.{key} printed nothing");
    }
    if secret.contains(['\r', '\n']) {
        bail!("imap.{key} printed more than one line");
    }
    Ok(secret.to_string())
}

/// The XOAUTH2 SASL exchange (Google's format, RFC 7628's framing): the first response is
/// `user=<u>\x01auth=Bearer <token>\x01\x01`; if the server answers with an error challenge
/// (a JSON status), the client sends an empty response and the server fails the command.
pub struct XOAuth2 {
    initial: Option<Vec<u8>>,
}

impl XOAuth2 {
    pub fn new(user: &str, token: &str) -> XOAuth2 {
        XOAuth2 {
            initial: Some(xoauth2_initial_response(user, token)),
        }
    }
}

/// `user=<u>\x01auth=Bearer <token>\x01\x01`, before base64.
pub fn xoauth2_initial_response(user: &str, token: &str) -> Vec<u8> {
    format!("user={user}\x01auth=Bearer {token}\x01\x01").into_bytes()
}

impl async_imap::Authenticator for XOAuth2 {
    type Response = Vec<u8>;
    fn process(&mut self, _challenge: &[u8]) -> Vec<u8> {
        self.initial.take().unwrap_or_default()
    }
}

#[cfg(test)]
mod tests;
