//! The IMAP mailbox (async-imap on tokio, TLS by rustls) in → raw messages out, and server
//! actions (keywords, moves) on messages the caller has committed. The caller (the poll driver)
//! decides what to read and what to do with each message; this module only talks to the server.
//!
//! A session (`Conn`) is opened by `Client::open`; then `select` (UIDVALIDITY), `new_uids`
//! (UID SEARCH past the last UID recorded, skipping messages we already marked), `sizes`, and
//! `fetch` (UID FETCH with BODY.PEEK[], so nothing is marked \Seen; an oversized message's head
//! only). `apply` carries out the actions the driver decided after its commit: keywords by
//! UID STORE, moves through the move log (`moves`), which `recover_moves` finishes next pass
//! when a crash or a cut left them open. Commands are run by `command`, which requires each
//! one's tagged OK; `connect` bounds the stream. `wait_for_mail` waits with IDLE or a timer.

mod command;
pub mod connect;
mod drafts;
mod fetch;
mod idle;
mod moves;
pub mod notify;
mod probe;

pub(crate) use drafts::DraftAppend;
pub use drafts::MAX_DRAFT_BYTES;
pub(crate) use idle::Woken;
pub use moves::{MoveLog, MoveStep, OpenMove};
pub use probe::{Finding, Verdict, probe};

use crate::config::{ImapConfig, NoFormAction};
use anyhow::{Context as _, Result, anyhow, bail};
use command::{Bounds, CommandError, Untagged};
use connect::{ConnectError, ImapSession, StreamLimits};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::time::Duration;
use tokio::sync::watch;
use tokio_rustls::TlsConnector;

/// Set on a message with no form that stays in the inbox (`no_form_action = "keep"`).
pub const KEYWORD_NO_FORM: &str = "$NoForm";
/// Set on a form message that could not be moved (server has neither MOVE nor UIDPLUS).
pub const KEYWORD_REGISTERED: &str = "$Registered";
/// Set on a message the readers failed on too many times.
pub const KEYWORD_FAILED: &str = "$RegintakeFailed";
/// Untagged answers a command may bring beyond those it asked for (a flood is cut after them).
const SPARE_ANSWERS: u64 = 10_000;
/// Most bytes of a UID SEARCH answer (about two million UIDs).
const MAX_SEARCH_BYTES: u64 = 16 << 20;
/// Bytes a FETCH answer may hold besides the message data (UID, FLAGS, INTERNALDATE).
const FETCH_OVERHEAD: u64 = 64 << 10;
/// Most bytes of an oversized message's header fetched (its body is never fetched).
const OVERSIZED_HEADER_BYTES: u64 = 256 << 10;

/// Whether log events from `target` may be written. async-imap logs, at trace level, every
/// command it sends (LOGIN with the password, AUTHENTICATE with the XOAUTH2 token) and every byte
/// it receives (applicants' mail): none of it may reach a log, whatever level is asked for.
pub fn may_log(target: &str) -> bool {
    !(target == "async_imap" || target.starts_with("async_imap::"))
}

/// What to do on the server with one message, after its record is committed.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Action {
    /// Set a keyword and leave the message where it is.
    Keyword(&'static str),
    /// Move it; when the server can do neither MOVE nor UIDPLUS, set `fallback` instead.
    Move {
        mailbox: String,
        fallback: &'static str,
    },
}

impl Action {
    /// Where the config sends a recorded message: form mail to the processed mailbox; mail
    /// without a form marked and kept, or moved.
    pub(crate) fn for_message(cfg: &ImapConfig, has_form: bool) -> Action {
        if has_form {
            return Action::Move {
                mailbox: cfg.processed_mailbox.clone(),
                fallback: KEYWORD_REGISTERED,
            };
        }
        match cfg.no_form_action {
            NoFormAction::Keep => Action::Keyword(KEYWORD_NO_FORM),
            NoFormAction::Move => Action::Move {
                mailbox: cfg
                    .no_form_mailbox
                    .clone()
                    .unwrap_or_else(|| cfg.processed_mailbox.clone()),
                fallback: KEYWORD_NO_FORM,
            },
        }
    }
}

/// A committed message's server action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Planned {
    pub uid: u32,
    pub action: Action,
    /// Another client marked it \Deleted: it is left exactly as it is.
    pub deleted: bool,
    /// The ledger's key of the message.
    pub key: String,
}

/// An open, logged-in session and what its server offers.
pub(crate) struct Conn {
    session: ImapSession,
    can_move: bool,
    uidplus: bool,
    idle: bool,
    /// Mailboxes known to exist (created or listed this session).
    mailboxes: HashSet<String>,
    /// The selected mailbox keeps keywords of our own (PERMANENTFLAGS has `\*`); Exchange
    /// Online, for one, does not: then the saved UID alone keeps messages from being re-read.
    keywords: bool,
    /// The stream is in an unknown state (a FETCH answer was abandoned): do not reuse it.
    broken: bool,
    /// The server announced new messages (EXISTS) since the last SELECT.
    new_mail: bool,
}

impl Conn {
    /// Sends a command; its answers come from `next`.
    async fn start(&mut self, command: &str, bounds: Bounds) -> Result<command::Running> {
        command::start(&mut self.session, command, bounds)
            .await
            .map_err(|e| self.failed(e))
    }

    /// The next untagged answer of a running command; `None` after its tagged OK.
    async fn next(&mut self, running: &mut command::Running) -> Result<Option<Untagged>> {
        match running.next(&mut self.session).await {
            Ok(Some(Untagged::Exists(n))) => {
                self.new_mail = true;
                Ok(Some(Untagged::Exists(n)))
            }
            Ok(other) => Ok(other),
            Err(e) => Err(self.failed(e)),
        }
    }

    /// Runs a command with a small answer to its end.
    async fn run(
        &mut self,
        command: &str,
        bounds: Bounds,
    ) -> Result<(Vec<Untagged>, command::Tagged)> {
        let mut running = self.start(command, bounds).await?;
        let mut answers = Vec::new();
        while let Some(a) = self.next(&mut running).await? {
            answers.push(a);
        }
        Ok((answers, running.take_tagged()))
    }

    /// A command error as the pass reports it. Anything but a NO or BAD leaves the stream in an
    /// unknown state.
    fn failed(&mut self, e: CommandError) -> anyhow::Error {
        if !matches!(e, CommandError::Refused { .. }) {
            self.broken = true;
        }
        anyhow::Error::new(e)
    }

    /// The stream is in an unknown state: the session must not be used again.
    pub(crate) fn is_broken(&self) -> bool {
        self.broken
    }

    /// Marks the session as not to be used again.
    pub(crate) fn set_broken(&mut self) {
        self.broken = true;
    }

    /// True when the server announced new messages (EXISTS) since the last SELECT; the notice
    /// is taken.
    pub(crate) fn take_new_mail(&mut self) -> bool {
        let mut announced = std::mem::take(&mut self.new_mail);
        while let Ok(r) = self.session.unsolicited_responses.try_recv() {
            announced |= matches!(r, async_imap::types::UnsolicitedResponse::Exists(_));
        }
        announced
    }
}

/// The IMAP account of the config: opens sessions and runs commands on them within bounds.
pub(crate) struct Client {
    cfg: ImapConfig,
    tls: Option<TlsConnector>,
    /// `user@host:port`, the ledger's name for this account.
    account: String,
    timeout: Duration,
    /// `limits.max_message_bytes`: a larger message is fetched only as far as its head.
    max_message_bytes: u64,
    /// Set when SIGTERM or SIGINT asked the run to stop.
    shutdown: watch::Receiver<Option<&'static str>>,
}

impl Client {
    /// Checks the config (TLS set-up, mailboxes) before anything is sent.
    pub(crate) fn new(
        cfg: ImapConfig,
        max_message_bytes: u64,
        shutdown: watch::Receiver<Option<&'static str>>,
    ) -> Result<Client> {
        let tls = connect::prepare(&cfg).context("cannot poll the IMAP mailbox")?;
        // Moving into the mailbox being read would give each message a new UID, read again forever.
        if same_mailbox(&cfg.processed_mailbox, &cfg.mailbox) {
            bail!("imap.processed_mailbox must differ from imap.mailbox");
        }
        if cfg.no_form_action == NoFormAction::Move
            && cfg
                .no_form_mailbox
                .as_deref()
                .is_some_and(|m| same_mailbox(m, &cfg.mailbox))
        {
            bail!("imap.no_form_mailbox must differ from imap.mailbox");
        }
        Ok(Client {
            account: format!("{}@{}:{}", cfg.username, cfg.host, cfg.port),
            timeout: Duration::from_secs(cfg.timeout_secs.max(1)),
            cfg,
            tls,
            max_message_bytes,
            shutdown,
        })
    }

    pub(crate) fn config(&self) -> &ImapConfig {
        &self.cfg
    }

    /// `user@host:port`, the ledger's name for this account.
    pub(crate) fn account(&self) -> &str {
        &self.account
    }

    /// The mailbox read.
    pub(crate) fn mailbox(&self) -> &str {
        &self.cfg.mailbox
    }

    /// Where SIGTERM or SIGINT is announced (its name).
    pub(crate) fn shutdown(&self) -> watch::Receiver<Option<&'static str>> {
        self.shutdown.clone()
    }

    pub(crate) fn stopping(&self) -> bool {
        self.shutdown.borrow().is_some()
    }

    /// A command with a small answer (CAPABILITY, SELECT, LIST, CREATE).
    fn small(&self, what: &'static str) -> Bounds {
        Bounds {
            stream: StreamLimits::small(what, self.timeout),
            max_answers: SPARE_ANSWERS,
        }
    }

    /// A command with about one short answer per message of `count` (UID STORE, UID EXPUNGE,
    /// UID MOVE, FETCH of flags or sizes).
    fn per_message(&self, what: &'static str, count: usize) -> Bounds {
        let bytes = (4 << 20) + count as u64 * 4096;
        Bounds {
            stream: StreamLimits {
                what,
                max_bytes: bytes,
                max_literal: 1 << 20,
                max_line: 1 << 20,
                deadline: self.deadline_for(bytes),
                silence: Some(self.timeout),
            },
            max_answers: 2 * count as u64 + SPARE_ANSWERS,
        }
    }

    /// UID SEARCH: one long line of UIDs.
    fn search(&self) -> Bounds {
        let bytes = MAX_SEARCH_BYTES;
        Bounds {
            stream: StreamLimits {
                what: "UID SEARCH",
                max_bytes: bytes,
                max_literal: 1 << 20,
                max_line: bytes,
                deadline: self.deadline_for(bytes),
                silence: Some(self.timeout),
            },
            max_answers: SPARE_ANSWERS,
        }
    }

    /// UID FETCH of `count` messages (or headers) whose data is at most `literal` bytes each
    /// and about `expected` bytes in all.
    fn fetching(&self, count: usize, literal: u64, expected: u64) -> Bounds {
        let bytes = expected
            .saturating_add(count as u64 * FETCH_OVERHEAD)
            .saturating_add(1 << 20);
        Bounds {
            stream: StreamLimits {
                what: "UID FETCH",
                max_bytes: bytes,
                max_literal: literal,
                max_line: 1 << 20,
                deadline: self.deadline_for(bytes),
                silence: Some(self.timeout),
            },
            max_answers: 2 * count as u64 + SPARE_ANSWERS,
        }
    }

    /// The time a command's answer of up to `bytes` may take in all: twice the timeout, plus
    /// the bytes at a slow 256 KiB/s.
    fn deadline_for(&self, bytes: u64) -> Duration {
        self.timeout
            .saturating_mul(2)
            .saturating_add(Duration::from_secs(bytes / (256 << 10)))
    }

    /// Connects, logs in and asks what the server offers.
    pub(crate) async fn open(&self) -> Result<Conn, ConnectError> {
        let session = connect::connect(&self.cfg, self.tls.as_ref(), self.timeout).await?;
        let mut conn = Conn {
            session,
            can_move: false,
            uidplus: false,
            idle: false,
            mailboxes: HashSet::new(),
            keywords: true,
            broken: false,
            new_mail: false,
        };
        let (answers, _) = conn
            .run("CAPABILITY", self.small("CAPABILITY"))
            .await
            .map_err(ConnectError::Network)?;
        let caps: HashSet<String> = answers
            .into_iter()
            .flat_map(|a| match a {
                Untagged::Capabilities(c) => c,
                _ => Vec::new(),
            })
            .map(|c| c.to_ascii_uppercase())
            .collect();
        conn.can_move = caps.contains("MOVE");
        conn.uidplus = caps.contains("UIDPLUS");
        conn.idle = caps.contains("IDLE");
        tracing::info!(
            account = %self.account,
            mailbox = %self.cfg.mailbox,
            can_move = conn.can_move,
            uidplus = conn.uidplus,
            idle = conn.idle,
            "Logged in"
        );
        Ok(conn)
    }

    /// Logs out (unless the session is broken).
    pub(crate) async fn close(&self, conn: Conn) {
        if conn.broken {
            return;
        }
        let mut session = conn.session;
        session
            .as_mut()
            .arm(StreamLimits::small("LOGOUT", Duration::from_secs(5)));
        // LOGOUT, never CLOSE: CLOSE would expunge other clients' \Deleted messages.
        if let Ok(Err(e)) = tokio::time::timeout(Duration::from_secs(10), session.logout()).await {
            tracing::debug!(error = %e, "LOGOUT failed");
        }
    }

    /// SELECTs the mailbox; returns its UIDVALIDITY and notes whether it keeps our keywords.
    pub(crate) async fn select(&self, conn: &mut Conn) -> Result<u32> {
        self.open_mailbox(conn, "SELECT").await
    }

    /// EXAMINEs the mailbox (a dry run): read-only, so the server itself refuses any change to
    /// it and leaves even `\Recent` alone. Returns its UIDVALIDITY, as `select` does.
    pub(crate) async fn examine(&self, conn: &mut Conn) -> Result<u32> {
        self.open_mailbox(conn, "EXAMINE").await
    }

    async fn open_mailbox(&self, conn: &mut Conn, verb: &'static str) -> Result<u32> {
        let mailbox = &self.cfg.mailbox;
        let (answers, _) = conn
            .run(&format!("{verb} {}", quote(mailbox)?), self.small(verb))
            .await
            .with_context(|| format!("cannot open mailbox {mailbox:?} (check imap.mailbox)"))?;
        // What the server said before now is stale; an EXISTS after this point is new mail.
        while conn.session.unsolicited_responses.try_recv().is_ok() {}
        conn.new_mail = false;
        let mut uidvalidity = None;
        let mut keywords = false;
        for a in answers {
            match a {
                Untagged::UidValidity(v) => uidvalidity = Some(v),
                Untagged::PermanentFlags(flags) => {
                    keywords = flags
                        .iter()
                        .any(|f| f == "\\*" || f.eq_ignore_ascii_case(KEYWORD_NO_FORM));
                }
                _ => {}
            }
        }
        conn.keywords = keywords;
        if !keywords {
            tracing::debug!(mailbox = %mailbox, "The server does not keep our keywords; relying on the saved UID");
        }
        uidvalidity.ok_or_else(|| anyhow!("the server gave no UIDVALIDITY for {mailbox:?}"))
    }

    /// The UIDs past `last_uid` not marked by us, sorted.
    pub(crate) async fn new_uids(&self, conn: &mut Conn, last_uid: u32) -> Result<Vec<u32>> {
        let query = format!(
            "UID SEARCH UID {}:* NOT KEYWORD {KEYWORD_NO_FORM} NOT KEYWORD {KEYWORD_REGISTERED} NOT KEYWORD {KEYWORD_FAILED}",
            last_uid.saturating_add(1)
        );
        let (answers, _) = conn.run(&query, self.search()).await?;
        // `n:*` always matches the highest UID, even when it is below n: filter.
        let mut uids: Vec<u32> = answers
            .into_iter()
            .flat_map(|a| match a {
                Untagged::Search(uids) => uids,
                _ => Vec::new(),
            })
            .filter(|u| *u > last_uid)
            .collect();
        uids.sort_unstable();
        uids.dedup();
        Ok(uids)
    }

    /// Message sizes, so an oversized message is never pulled into memory whole. A failure
    /// leaves the session broken.
    pub(crate) async fn sizes(&self, conn: &mut Conn, chunk: &[u32]) -> Result<HashMap<u32, u64>> {
        let wanted: HashSet<u32> = chunk.iter().copied().collect();
        let answers = conn
            .run(
                &format!("UID FETCH {} (UID RFC822.SIZE)", uid_set(chunk)),
                self.per_message("UID FETCH (RFC822.SIZE)", chunk.len()),
            )
            .await;
        let (answers, _) = answers.inspect_err(|_| conn.broken = true)?;
        let mut sizes = HashMap::new();
        for a in answers {
            if let Untagged::Fetch(f) = a
                && let (Some(uid), Some(size)) = (f.uid, f.size)
                && wanted.contains(&uid)
            {
                sizes.insert(uid, u64::from(size));
            }
        }
        Ok(sizes)
    }

    /// Tells the server, grouped into one command per action. Returns the UIDs dealt with.
    /// Messages another client marked \Deleted are left exactly as they are. Moves go through
    /// the move log (`moves`), so a crash or a cut at any step is finished next pass.
    pub(crate) async fn apply(
        &self,
        conn: &mut Conn,
        uidvalidity: u32,
        actions: Vec<Planned>,
        sizes: &HashMap<u32, u64>,
        log: &mut dyn MoveLog,
    ) -> Result<HashSet<u32>> {
        let mut done = HashSet::new();
        let mut groups: BTreeMap<Action, Vec<(u32, String)>> = BTreeMap::new();
        for p in actions {
            if p.deleted {
                tracing::info!(uid = p.uid, mailbox = %self.cfg.mailbox, "Recorded, but another client marked it \\Deleted: left alone");
                done.insert(p.uid);
                continue;
            }
            groups.entry(p.action).or_default().push((p.uid, p.key));
        }
        for (action, mut items) in groups {
            items.sort_unstable();
            items.dedup_by_key(|(uid, _)| *uid);
            let uids: Vec<u32> = items.iter().map(|(uid, _)| *uid).collect();
            match &action {
                Action::Keyword(k) => {
                    if conn.keywords {
                        self.store(conn, &uids, &format!("+FLAGS.SILENT ({k})"))
                            .await?;
                    }
                    for uid in &uids {
                        tracing::info!(uid, mailbox = %self.cfg.mailbox, keyword = k, "Marked message");
                    }
                }
                Action::Move { mailbox, fallback } => {
                    if conn.can_move || conn.uidplus {
                        let moves = items
                            .into_iter()
                            .map(|(uid, key)| OpenMove {
                                uidvalidity,
                                uid,
                                key,
                                destination: mailbox.clone(),
                                size: sizes.get(&uid).copied().unwrap_or(0),
                                copied: false,
                            })
                            .collect();
                        self.move_out(conn, uidvalidity, moves, log).await?;
                    } else {
                        // Neither MOVE nor UIDPLUS: a plain EXPUNGE would also remove other
                        // clients' \Deleted mail, so the message stays, marked.
                        if conn.keywords {
                            self.store(conn, &uids, &format!("+FLAGS.SILENT ({fallback})"))
                                .await?;
                        }
                        for uid in &uids {
                            tracing::info!(uid, mailbox = %self.cfg.mailbox, keyword = fallback, "Server cannot move; marked message");
                        }
                    }
                }
            }
            done.extend(uids.iter().copied());
        }
        Ok(done)
    }

    /// `UID STORE` of `what` on `uids`.
    async fn store(&self, conn: &mut Conn, uids: &[u32], what: &str) -> Result<()> {
        conn.run(
            &format!("UID STORE {} {what}", uid_set(uids)),
            self.per_message("UID STORE", uids.len()),
        )
        .await?;
        Ok(())
    }

    /// Creates `mailbox` unless it exists (checked once per session).
    async fn ensure_mailbox(&self, conn: &mut Conn, mailbox: &str) -> Result<()> {
        if conn.mailboxes.contains(mailbox) {
            return Ok(());
        }
        let name = quote(mailbox)?;
        let (answers, _) = conn
            .run(&format!("LIST \"\" {name}"), self.small("LIST"))
            .await?;
        let exists = answers
            .iter()
            .any(|a| matches!(a, Untagged::List(n) if n == mailbox));
        if !exists {
            conn.run(&format!("CREATE {name}"), self.small("CREATE"))
                .await
                .with_context(|| format!("cannot create mailbox {mailbox:?}"))?;
            tracing::info!(mailbox = %mailbox, "Created mailbox");
        }
        conn.mailboxes.insert(mailbox.to_string());
        Ok(())
    }
}

/// A sorted UID list as an IMAP sequence set: `1:5,7,9:12`.
fn uid_set(uids: &[u32]) -> String {
    let mut out = String::new();
    let mut i = 0;
    while i < uids.len() {
        let start = uids[i];
        let mut end = start;
        while i + 1 < uids.len() && uids[i + 1] == end.wrapping_add(1) {
            i += 1;
            end = uids[i];
        }
        if !out.is_empty() {
            out.push(',');
        }
        if start == end {
            out.push_str(&start.to_string());
        } else {
            out.push_str(&format!("{start}:{end}"));
        }
        i += 1;
    }
    out
}

/// Mailbox names are case-sensitive except INBOX (RFC 3501 5.1).
fn same_mailbox(a: &str, b: &str) -> bool {
    a == b || (a.eq_ignore_ascii_case("INBOX") && b.eq_ignore_ascii_case("INBOX"))
}

/// An IMAP quoted string.
fn quote(s: &str) -> Result<String> {
    if s.contains(['\r', '\n', '\0']) {
        bail!("mailbox name {s:?} holds a line break");
    }
    Ok(format!(
        "\"{}\"",
        s.replace('\\', "\\\\").replace('"', "\\\"")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg(extra: &str) -> ImapConfig {
        toml::from_str(&format!(
            "host = \"127.0.0.1\"\nusername = \"u\"\npassword = \"p\"\n{extra}"
        ))
        .unwrap()
    }

    #[test]
    fn actions_follow_the_config() {
        let c = cfg("processed_mailbox = \"Done\"");
        assert_eq!(
            Action::for_message(&c, true),
            Action::Move {
                mailbox: "Done".into(),
                fallback: KEYWORD_REGISTERED
            }
        );
        assert_eq!(
            Action::for_message(&c, false),
            Action::Keyword(KEYWORD_NO_FORM)
        );
        let c = cfg("no_form_action = \"move\"");
        assert_eq!(
            Action::for_message(&c, false),
            Action::Move {
                mailbox: "Registrations/Processed".into(),
                fallback: KEYWORD_NO_FORM
            }
        );
    }

    #[test]
    fn uid_sets_compress_runs() {
        assert_eq!(uid_set(&[1, 2, 3, 5, 7, 8, 9, 12]), "1:3,5,7:9,12");
        assert_eq!(uid_set(&[4]), "4");
        assert_eq!(uid_set(&[]), "");
        assert_eq!(
            uid_set(&[u32::MAX - 1, u32::MAX]),
            format!("{}:{}", u32::MAX - 1, u32::MAX)
        );
    }

    #[test]
    fn moving_into_the_mailbox_being_read_is_refused() {
        assert!(same_mailbox("INBOX", "inbox"));
        assert!(!same_mailbox("Done", "done"));
        for extra in [
            "processed_mailbox = \"inbox\"",
            "no_form_action = \"move\"\nno_form_mailbox = \"INBOX\"",
        ] {
            let (_tx, rx) = watch::channel(None);
            let err = Client::new(cfg(extra), 1 << 20, rx).err().expect("refused");
            assert!(err.to_string().contains("must differ"), "{err}");
        }
    }

    #[test]
    fn mailbox_names_are_quoted() {
        assert_eq!(
            quote("Registrations/Processed").unwrap(),
            "\"Registrations/Processed\""
        );
        assert_eq!(quote(r#"a"b\c"#).unwrap(), r#""a\"b\\c""#);
        assert!(quote("a\r\nb").is_err());
    }
}
