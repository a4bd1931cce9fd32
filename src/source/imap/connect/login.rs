//! A greeted connection and the `[imap]` credentials in → a logged-in session, or why not: a
//! typed `LoginRefused` for a `NO` (never retried), else a network or config error. The secret
//! comes from the config or a command (`run_secret_command`) and is removed from any server text
//! that reaches an error (`redact`).

use super::stream::ImapStream;
use super::{ConnectError, ImapSession, plain_io_error};
use crate::config::ImapConfig;
use anyhow::{Result, anyhow, bail};
use async_imap::Client;
use std::time::Duration;

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
pub(super) fn response_code(text: &str) -> (Option<String>, &str) {
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
pub(super) enum LoginAnswer {
    /// `NO`: these credentials are refused.
    Refused { code: Option<String>, text: String },
    /// `NO [UNAVAILABLE]`: the server cannot check them now (RFC 5530): retry later.
    Unavailable(String),
    /// `BAD`: the command itself was not accepted (a login the server does not offer).
    Bad(String),
}

/// Reads the tagged status line the server ended LOGIN/AUTHENTICATE with (`is_no` from the
/// client library's typed error when the line was not kept).
pub(super) fn login_answer(status_line: Option<&[u8]>, is_no: bool, secret: &str) -> LoginAnswer {
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
    let text = crate::source::imap::command::one_line(&redact(&text, secret));
    let (code, rest) = response_code(&text);
    let rest = rest.to_string();
    match (no, code) {
        (true, Some(code)) if code == "UNAVAILABLE" => LoginAnswer::Unavailable(rest),
        (true, code) => LoginAnswer::Refused { code, text: rest },
        (false, _) => LoginAnswer::Bad(text),
    }
}

/// The secret to log in with.
enum Secret {
    Password(String),
    Token(String),
}

pub(super) async fn login(
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
                            async_imap::error::Error::Io(io) =>
                                crate::source::imap::command::io_text(io),
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
