//! `doctor`'s look at the IMAP account: an `[imap]` config in → one finding per step out
//! (connection, TLS and login, what the server offers, the mailbox and what waits in it, the
//! folders messages are moved to). Changes nothing: the mailbox is opened with EXAMINE,
//! folders are only LISTed (never created), and the session logs out.

use super::command::{self, Untagged};
use super::{Client, Conn, ConnectError, connect, quote};
use crate::config::{ImapConfig, NoFormAction};
use anyhow::Result;
use std::time::Duration;
use tokio::sync::watch;

/// How a check came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Ok,
    Warn,
    Fail,
}

/// One line of `doctor`: what was checked and what was found (with what to do).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub verdict: Verdict,
    pub what: String,
    pub text: String,
}

impl Finding {
    pub fn new(verdict: Verdict, what: impl Into<String>, text: impl Into<String>) -> Finding {
        Finding {
            verdict,
            what: what.into(),
            text: text.into(),
        }
    }
}

/// Most mailbox names listed when the configured one is not found.
const MAILBOXES_SHOWN: usize = 15;

/// The last UID recorded for (account, mailbox) at this UIDVALIDITY (0: none): the saved
/// progress, which the caller reads from the ledger.
pub type SavedProgress<'a> = &'a dyn Fn(&str, &str, u32) -> u32;

/// Checks the account step by step; `saved` gives the saved progress, to count the messages
/// waiting; `drafts_mailbox` is `[replies] drafts_mailbox` when set. Stops at the first step
/// that fails.
pub fn probe(
    imap: &ImapConfig,
    timeout: Duration,
    saved: SavedProgress<'_>,
    drafts_mailbox: Option<&str>,
) -> Vec<Finding> {
    let mut found = Vec::new();
    let mut cfg = imap.clone();
    cfg.timeout_secs = timeout.as_secs().max(1);
    let (_tx, shutdown) = watch::channel(None);
    let client = match Client::new(cfg, u64::MAX, shutdown) {
        Ok(client) => client,
        Err(e) => {
            found.push(Finding::new(Verdict::Fail, "imap config", format!("{e:#}")));
            return found;
        }
    };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            found.push(Finding::new(
                Verdict::Fail,
                "imap",
                format!("cannot start the async runtime: {e}"),
            ));
            return found;
        }
    };
    runtime.block_on(client.probe(&mut found, saved, drafts_mailbox));
    found
}

impl Client {
    async fn probe(
        &self,
        found: &mut Vec<Finding>,
        saved: SavedProgress<'_>,
        drafts_mailbox: Option<&str>,
    ) {
        let at = format!("{}:{}", self.cfg.host, self.cfg.port);
        let addresses = match connect::resolve(&self.cfg, self.timeout).await {
            Ok(addresses) => addresses,
            Err(e) => {
                found.push(Finding::new(
                    Verdict::Fail,
                    "imap connect",
                    format!("{e:#}"),
                ));
                return;
            }
        };
        match tokio::time::timeout(self.timeout, tokio::net::TcpStream::connect(&addresses[..]))
            .await
        {
            Err(_) => {
                found.push(Finding::new(
                    Verdict::Fail,
                    "imap connect",
                    format!(
                        "connecting to {at} timed out after {} s: check imap.host and imap.port, \
                         and that a firewall lets this machine reach it",
                        self.timeout.as_secs()
                    ),
                ));
                return;
            }
            Ok(Err(e)) => {
                found.push(Finding::new(
                    Verdict::Fail,
                    "imap connect",
                    format!("{:#}", connect::connect_failed(&at, &self.cfg, &e)),
                ));
                return;
            }
            Ok(Ok(_)) => found.push(Finding::new(
                Verdict::Ok,
                "imap connect",
                format!("{at} accepts connections"),
            )),
        }
        let tls = match self.cfg.tls {
            crate::config::TlsMode::Implicit => "implicit TLS, certificate verified",
            crate::config::TlsMode::Starttls => "STARTTLS, certificate verified",
            crate::config::TlsMode::None => "no TLS (allowed: the server is on this machine)",
        };
        let how = if self.cfg.oauth2_token_command.is_some() {
            "AUTHENTICATE XOAUTH2 with a token from oauth2_token_command"
        } else if self.cfg.password_command.is_some() {
            "LOGIN with the password from password_command"
        } else {
            "LOGIN with the password in the config"
        };
        let mut conn = match self.open().await {
            Ok(conn) => conn,
            Err(ConnectError::LoginRefused(refused)) => {
                found.push(Finding::new(Verdict::Ok, "imap TLS", tls));
                found.push(Finding::new(
                    Verdict::Fail,
                    "imap login",
                    refused.to_string(),
                ));
                return;
            }
            Err(e) => {
                found.push(Finding::new(
                    Verdict::Fail,
                    "imap session",
                    format!("{:#}", e.into_inner()),
                ));
                return;
            }
        };
        found.push(Finding::new(Verdict::Ok, "imap TLS", tls));
        found.push(Finding::new(
            Verdict::Ok,
            "imap login",
            format!("user {:?} logged in ({how})", self.cfg.username),
        ));
        let yes = |b: bool| if b { "yes" } else { "no" };
        let offers = format!(
            "MOVE {}, UIDPLUS {}, IDLE {}",
            yes(conn.can_move),
            yes(conn.uidplus),
            yes(conn.idle)
        );
        found.push(if conn.can_move || conn.uidplus {
            Finding::new(Verdict::Ok, "imap server", offers)
        } else {
            Finding::new(
                Verdict::Warn,
                "imap server",
                format!(
                    "{offers}: it can neither MOVE nor expunge single messages (UIDPLUS), so \
                     form mail stays in the inbox marked $Registered instead of being moved"
                ),
            )
        });
        if let Err(finding) = self.probe_mailbox(&mut conn, found, saved).await {
            found.push(finding);
        } else {
            let mut targets = vec![("imap processed_mailbox", self.cfg.processed_mailbox.clone())];
            if self.cfg.no_form_action == NoFormAction::Move
                && let Some(m) = &self.cfg.no_form_mailbox
            {
                targets.push(("imap no_form_mailbox", m.clone()));
            }
            for (what, mailbox) in targets {
                found.push(match self.mailbox_exists(&mut conn, &mailbox).await {
                    Ok(true) => Finding::new(Verdict::Ok, what, format!("{mailbox:?} exists")),
                    Ok(false) => Finding::new(
                        Verdict::Warn,
                        what,
                        format!(
                            "{mailbox:?} does not exist yet: the first pass creates it (the \
                             account must be allowed to create folders; else create it, with the \
                             server's separator in the name)"
                        ),
                    ),
                    Err(e) => Finding::new(Verdict::Fail, what, format!("{e:#}")),
                });
            }
            // Drafts go to this mailbox after each pass (made by the first pass that drafts).
            if let Some(mailbox) = drafts_mailbox {
                let what = "imap drafts_mailbox";
                found.push(match self.mailbox_exists(&mut conn, mailbox).await {
                    Ok(true) => Finding::new(Verdict::Ok, what, format!("{mailbox:?} exists")),
                    Ok(false) => Finding::new(
                        Verdict::Warn,
                        what,
                        format!(
                            "{mailbox:?} does not exist yet: the first pass with a reply to \
                             draft creates it (the account must be allowed to create folders; \
                             else create it, or set [replies] drafts_mailbox to an existing one \
                             such as \"Drafts\")"
                        ),
                    ),
                    Err(e) => Finding::new(Verdict::Fail, what, format!("{e:#}")),
                });
            }
        }
        self.close(conn).await;
    }

    /// EXAMINEs the mailbox: how many messages it holds and how many a pass would read.
    async fn probe_mailbox(
        &self,
        conn: &mut Conn,
        found: &mut Vec<Finding>,
        saved: SavedProgress<'_>,
    ) -> Result<(), Finding> {
        let mailbox = self.cfg.mailbox.clone();
        let examined = conn
            .run(
                &format!("EXAMINE {}", self.quoted(&mailbox)?),
                self.small("EXAMINE"),
            )
            .await;
        let answers = match examined {
            Ok((answers, _)) => answers,
            Err(e) => {
                let names = self.mailbox_names(conn).await;
                let listed = if names.is_empty() {
                    String::new()
                } else {
                    format!("; the account has {}", names.join(", "))
                };
                return Err(Finding::new(
                    Verdict::Fail,
                    "imap mailbox",
                    format!(
                        "cannot open {mailbox:?} ({e}): check imap.mailbox (names are \
                         case-sensitive except INBOX){listed}"
                    ),
                ));
            }
        };
        let mut exists = 0u32;
        let mut uidvalidity = None;
        for a in answers {
            match a {
                Untagged::Exists(n) => exists = n,
                Untagged::UidValidity(v) => uidvalidity = Some(v),
                _ => {}
            }
        }
        let last_uid = uidvalidity
            .map(|v| saved(&self.account, &mailbox, v))
            .unwrap_or(0);
        let waiting = match self.new_uids(conn, last_uid).await {
            Ok(uids) => uids.len().to_string(),
            Err(e) => format!("unknown ({e})"),
        };
        found.push(Finding::new(
            Verdict::Ok,
            "imap mailbox",
            format!("{mailbox:?}: {exists} messages, {waiting} waiting to be read"),
        ));
        Ok(())
    }

    /// Whether `LIST` finds the mailbox.
    async fn mailbox_exists(&self, conn: &mut Conn, mailbox: &str) -> Result<bool> {
        let name = quote(mailbox)?;
        let (answers, _) = conn
            .run(&format!("LIST \"\" {name}"), self.small("LIST"))
            .await?;
        Ok(answers
            .iter()
            .any(|a| matches!(a, Untagged::List(n) if n == mailbox)))
    }

    /// Some of the account's mailbox names, quoted, for a person to pick from.
    async fn mailbox_names(&self, conn: &mut Conn) -> Vec<String> {
        let Ok((answers, _)) = conn.run("LIST \"\" \"*\"", self.small("LIST")).await else {
            return Vec::new();
        };
        let mut names: Vec<String> = answers
            .into_iter()
            .filter_map(|a| match a {
                Untagged::List(n) => Some(format!("{:?}", command::one_line(&n))),
                _ => None,
            })
            .collect();
        names.sort();
        if names.len() > MAILBOXES_SHOWN {
            let more = names.len() - MAILBOXES_SHOWN;
            names.truncate(MAILBOXES_SHOWN);
            names.push(format!("and {more} more"));
        }
        names
    }

    fn quoted(&self, mailbox: &str) -> Result<String, Finding> {
        quote(mailbox).map_err(|e| Finding::new(Verdict::Fail, "imap mailbox", format!("{e:#}")))
    }
}
