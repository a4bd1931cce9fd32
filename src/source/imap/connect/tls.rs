//! The `[imap]` settings in → what is checked before any traffic (plaintext only to loopback,
//! one way to log in) and a rustls connector (the system roots plus `ca_file`); a TCP stream in
//! → a TLS stream, or the handshake's failure as one line saying what to do.

use super::{ConnectError, is_loopback_host, plain_io_error};
use crate::config::{ImapConfig, TlsMode};
use anyhow::{Context as _, Result, anyhow, bail};
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, ServerName};
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use tokio_rustls::client::TlsStream;
use tokio_rustls::rustls;

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

pub(super) async fn handshake(
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
