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
}

/// How many trailing bytes of a line are kept to find a literal's `{size}`.
const TAIL: usize = 32;

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
        // A literal still running carries over: its bytes are the stream's, not a new line.
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

/// Why connecting failed: the daemon retries `Network` errors, not `Refused` ones.
#[derive(Debug)]
pub enum ConnectError {
    /// The server said no to our credentials, or the config cannot work (bad `ca_file`,
    /// plaintext to a remote host, failing secret command).
    Refused(anyhow::Error),
    /// The network or server failed; worth retrying.
    Network(anyhow::Error),
}

impl ConnectError {
    pub fn into_inner(self) -> anyhow::Error {
        match self {
            ConnectError::Refused(e) | ConnectError::Network(e) => e,
        }
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
    let host = cfg
        .host
        .trim()
        .trim_start_matches('[')
        .trim_end_matches(']');
    let tcp = tokio::time::timeout(timeout, TcpStream::connect((host, cfg.port)))
        .await
        .map_err(|_| net(anyhow!("connecting to {what} timed out")))?
        .map_err(|e| net(anyhow!(e).context(format!("cannot connect to {what}"))))?;
    tcp.set_nodelay(true).ok();
    // Greeting, STARTTLS, login: small answers.
    let limits = StreamLimits::small("the greeting and login", timeout);
    let stream = match (cfg.tls, tls) {
        (TlsMode::None, _) => ImapStream::new(Transport::Plain(tcp), limits),
        (TlsMode::Implicit, Some(tls)) => ImapStream::new(
            Transport::Tls(Box::new(handshake(tls, &cfg.host, tcp, timeout).await?)),
            limits,
        ),
        (TlsMode::Starttls, Some(tls)) => {
            let mut client = Client::new(ImapStream::new(Transport::Plain(tcp), limits));
            read_greeting(&mut client, timeout, &what).await?;
            // The stream's own limits come first; this is a backstop.
            tokio::time::timeout(
                timeout.saturating_mul(3),
                client.run_command_and_check_ok("STARTTLS", None),
            )
            .await
            .map_err(|_| net(anyhow!("STARTTLS with {what} timed out")))?
            .map_err(|e| {
                ConnectError::Refused(anyhow!(
                    "{what} refused STARTTLS: {}",
                    super::command::one_line(&e.to_string())
                ))
            })?;
            // Anything the server sent after its OK is dropped with the client: only bytes
            // inside TLS are trusted (STARTTLS command injection).
            let tcp = client
                .into_inner()
                .into_tcp()
                .ok_or_else(|| net(anyhow!("STARTTLS on a TLS stream")))?;
            ImapStream::new(
                Transport::Tls(Box::new(handshake(tls, &cfg.host, tcp, timeout).await?)),
                limits,
            )
        }
        (_, None) => return Err(ConnectError::Refused(anyhow!("TLS is not set up"))),
    };
    let mut client = Client::new(stream);
    if cfg.tls != TlsMode::Starttls {
        read_greeting(&mut client, timeout, &what).await?;
    }
    login(client, cfg, timeout, &what).await
}

async fn handshake(
    tls: &TlsConnector,
    host: &str,
    tcp: TcpStream,
    timeout: Duration,
) -> Result<TlsStream<TcpStream>, ConnectError> {
    let name = server_name(host).map_err(ConnectError::Refused)?;
    match tokio::time::timeout(timeout, tls.connect(name, tcp)).await {
        Err(_) => Err(ConnectError::Network(anyhow!(
            "TLS handshake with {host} timed out"
        ))),
        Ok(Err(e)) => {
            // A certificate that does not verify will not verify on retry either.
            let refused = e
                .get_ref()
                .and_then(|inner| inner.downcast_ref::<rustls::Error>())
                .is_some_and(|r| {
                    matches!(
                        r,
                        rustls::Error::InvalidCertificate(_)
                            | rustls::Error::NoCertificatesPresented
                    )
                });
            let err = anyhow!(e).context(format!("TLS handshake with {host} failed"));
            Err(if refused {
                ConnectError::Refused(err)
            } else {
                ConnectError::Network(err)
            })
        }
        Ok(Ok(s)) => Ok(s),
    }
}

async fn read_greeting(
    client: &mut Client<ImapStream>,
    timeout: Duration,
    what: &str,
) -> Result<(), ConnectError> {
    let greeting = tokio::time::timeout(timeout.saturating_mul(3), client.read_response())
        .await
        .map_err(|_| ConnectError::Network(anyhow!("no greeting from {what}")))?
        .map_err(|e| {
            ConnectError::Network(anyhow!(
                "no greeting from {what}: {}",
                super::command::io_text(&e)
            ))
        })?
        .ok_or_else(|| ConnectError::Network(anyhow!("{what} closed the connection at once")))?;
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
        Ok(Ok(session)) => Ok(session),
        Ok(Err((e, _client))) => {
            let text = super::command::one_line(&redact(&server_says(&e), secret_text));
            let err = anyhow!("{what} refused {how} for user {:?}: {text}", cfg.username);
            match e {
                async_imap::error::Error::No(_)
                | async_imap::error::Error::Bad(_)
                | async_imap::error::Error::Validate(_) => Err(refused(err)),
                _ => Err(ConnectError::Network(err)),
            }
        }
    }
}

/// What the server said with a refusal: async-imap's error text holds it as
/// `code: ..., info: Some("...")`.
fn server_says(e: &async_imap::error::Error) -> String {
    let text = e.to_string();
    match text.split_once("info: Some(\"") {
        Some((_, info)) => info.strip_suffix("\")").unwrap_or(info).to_string(),
        None => text,
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
        .map_err(|e| anyhow!("cannot run imap.{key}: {e}"))?;
    if !output.status.success() {
        bail!(
            "imap.{key} failed ({}); its output is not shown because it may hold a secret",
            output.status
        );
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
