//! An `ImapConfig` in → a logged-in IMAP session out: TCP, TLS (implicit or STARTTLS, rustls with
//! the system roots plus an optional `ca_file`), then LOGIN or XOAUTH2 with a secret read from the
//! config or a command. Secrets are never put in an error or a log line.
//!
//! Here: the steps in order (`connect`: look-up, TCP, greeting, STARTTLS) and their errors. The
//! TLS set-up is in `tls`, the login in `login`, the bounded byte stream under the session in
//! `stream`.

mod login;
mod stream;
mod tls;

use crate::config::{ImapConfig, TlsMode};
use anyhow::{Result, anyhow, bail};
use async_imap::Client;
use login::login;
pub use login::{LoginRefused, XOAuth2, redact, run_secret_command, xoauth2_initial_response};
use std::net::IpAddr;
use std::time::Duration;
use stream::Transport;
pub use stream::{ImapSession, ImapStream, StreamLimit, StreamLimits, stream_limit};
use tls::handshake;
pub use tls::prepare;
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;

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

#[cfg(test)]
mod tests;
