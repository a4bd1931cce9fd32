//! The IMAP mailbox in (async-imap on tokio, TLS by rustls) → raw messages through the pipeline
//! into the ledger → form mail moved to the processed mailbox after each commit.
//!
//! One pass: SELECT; UID SEARCH past the last UID recorded (skipping messages we already marked);
//! UID FETCH in batches with BODY.PEEK[] (nothing is marked \Seen); each message through the
//! pipeline; the batch appended to the ledger in one commit; only then the server is told
//! (MOVE, or COPY + UID EXPUNGE, or a keyword); then the mailbox's progress is saved. A crash at
//! any point leaves messages that the next pass reads again and finds recorded: it then only
//! does the server action. Moves are logged step by step in the ledger and finished by the next
//! pass (`moves`); commands are run by `command`, which requires each one's tagged OK. The
//! daemon repeats passes, waiting with IDLE or a timer in between.

mod command;
pub mod connect;
mod drafts;
mod moves;
pub mod notify;

pub use drafts::{Compose, ComposedDraft, Drafts, MAX_DRAFT_BYTES};

use crate::config::{ImapConfig, NoFormAction};
use crate::extract::Source;
use crate::ledger::{Appended, Ledger, MailboxState, NewMessage, NewRecord, OpenMove, RunLock};
use crate::pipeline::{self, Context, Summary, Unfinished};
use crate::source::RawMessage;
use crate::validate::{Finding, Flag, holidays};
use anyhow::{Context as _, Result, anyhow, bail};
use async_imap::extensions::idle::IdleResponse;
use chrono::{DateTime, FixedOffset, Utc};
use command::{Bounds, CommandError, Untagged};
use connect::StreamLimits;
use connect::{ConnectError, ImapSession};
use notify::Notifier;
use std::collections::VecDeque;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;
use tokio_rustls::TlsConnector;

/// Set on a message with no form that stays in the inbox (`no_form_action = "keep"`).
pub const KEYWORD_NO_FORM: &str = "$NoForm";
/// Set on a form message that could not be moved (server has neither MOVE nor UIDPLUS).
pub const KEYWORD_REGISTERED: &str = "$Registered";
/// Set on a message the reader failed on `MAX_ATTEMPTS` times.
pub const KEYWORD_FAILED: &str = "$RegintakeFailed";
/// How many failed attempts set a message aside.
pub const MAX_ATTEMPTS: u32 = 3;
/// Most bytes a server may send during one IDLE (new-mail notices are a few bytes each).
const IDLE_MAX_BYTES: u64 = 16 << 20;
/// IDLE is re-issued before servers' 30-minute inactivity limit (RFC 2177 says 29).
const IDLE_RENEW: Duration = Duration::from_secs(25 * 60);
/// Longest wait between reconnection attempts.
const BACKOFF_CAP: Duration = Duration::from_secs(300);
/// Bytes of messages being read at once, beyond the newest one.
const IN_FLIGHT_BYTES: u64 = 96 << 20;
/// Untagged answers a command may bring beyond those it asked for (a flood is cut after them).
const SPARE_ANSWERS: u64 = 10_000;
/// Most bytes of a UID SEARCH answer (about two million UIDs).
const MAX_SEARCH_BYTES: u64 = 16 << 20;
/// Bytes a FETCH answer may hold besides the message data (UID, FLAGS, INTERNALDATE).
const FETCH_OVERHEAD: u64 = 64 << 10;
/// Most bytes of an oversized message's header fetched (its body is never fetched).
const OVERSIZED_HEADER_BYTES: u64 = 256 << 10;
/// How long, after SIGTERM, the rest of a FETCH answer may take to drain.
const DRAIN_LIMIT: Duration = Duration::from_secs(20);

/// Whether log events from `target` may be written. async-imap logs, at trace level, every
/// command it sends (LOGIN with the password, AUTHENTICATE with the XOAUTH2 token) and every byte
/// it receives (applicants' mail): none of it may reach a log, whatever level is asked for.
pub fn may_log(target: &str) -> bool {
    !(target == "async_imap" || target.starts_with("async_imap::"))
}

/// `poll`: one pass with `once`, else the daemon loop. The lock is held until this returns.
pub fn run(
    imap: ImapConfig,
    ledger: Ledger,
    ctx: Context,
    once: bool,
    lock: RunLock,
    drafts: Option<Drafts>,
) -> Result<Summary> {
    let tls = connect::prepare(&imap).context("cannot poll the IMAP mailbox")?;
    // Moving into the mailbox being read would give each message a new UID, read again forever.
    if same_mailbox(&imap.processed_mailbox, &imap.mailbox) {
        bail!("imap.processed_mailbox must differ from imap.mailbox");
    }
    if imap.no_form_action == NoFormAction::Move
        && imap
            .no_form_mailbox
            .as_deref()
            .is_some_and(|m| same_mailbox(m, &imap.mailbox))
    {
        bail!("imap.no_form_mailbox must differ from imap.mailbox");
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let result = runtime.block_on(async move {
        let (shutdown_tx, shutdown) = watch::channel(None);
        tokio::spawn(watch_signals(shutdown_tx));
        let mut ledger = ledger;
        // A record committed with a drafts mailbox set is a record whose reply is pending.
        ledger.draft_new_records(drafts.is_some());
        let mut poller = Poller::new(imap, ledger, ctx, tls, shutdown);
        poller.drafts = drafts;
        if once {
            poller.run_once().await
        } else {
            poller.run_daemon().await
        }
    });
    drop(lock);
    result
}

/// SIGTERM or SIGINT → `true` on the channel; the poller finishes the message in hand.
async fn watch_signals(tx: watch::Sender<Option<&'static str>>) {
    use tokio::signal::unix::{SignalKind, signal};
    let (Ok(mut term), Ok(mut int)) = (
        signal(SignalKind::terminate()),
        signal(SignalKind::interrupt()),
    ) else {
        tracing::warn!("Cannot listen for SIGTERM/SIGINT; they will stop the process at once");
        return;
    };
    let name = tokio::select! {
        _ = term.recv() => "SIGTERM",
        _ = int.recv() => "SIGINT",
    };
    tracing::info!(signal = name, "Stopping after the message in hand");
    let _ = tx.send(Some(name));
}

/// Marks an error that came from the ledger: the daemon stops on it instead of retrying.
#[derive(Debug)]
struct LedgerFailed;
impl std::fmt::Display for LedgerFailed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the ledger failed")
    }
}

/// An open, logged-in session and what its server offers.
struct Conn {
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
}

/// What to do on the server with one message, after its record is committed.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Action {
    /// Set a keyword and leave the message where it is.
    Keyword(&'static str),
    /// Move it; when the server can do neither MOVE nor UIDPLUS, set `fallback` instead.
    Move {
        mailbox: String,
        fallback: &'static str,
    },
}

/// A committed message's server action: UID, action, marked \Deleted by another client, key.
type Planned = (u32, Action, bool, String);

/// One fetched message after the pipeline.
enum Handled {
    /// Not in the ledger: to append.
    New { message: NewMessage, has_form: bool },
    /// Already in the ledger: only the server action is left.
    Known { key: String },
    /// Not read for a reason that is not the message's fault: read again next pass.
    Lost(String),
    /// The reader failed on it.
    Failed {
        key: String,
        origin: String,
        reason: String,
        raw_sha256: String,
        raw_size: u64,
        received_at: DateTime<FixedOffset>,
    },
}

struct Poller {
    cfg: ImapConfig,
    ledger: Ledger,
    ctx: Arc<Context>,
    tls: Option<TlsConnector>,
    /// `user@host:port`, the ledger's name for this account.
    account: String,
    timeout: Duration,
    summary: Summary,
    shutdown: watch::Receiver<Option<&'static str>>,
    notifier: Notifier,
    /// Messages read at once on worker threads.
    workers: usize,
    /// Draft replies to append after each pass (`[replies] drafts_mailbox`).
    drafts: Option<Drafts>,
}

impl Poller {
    fn new(
        cfg: ImapConfig,
        ledger: Ledger,
        ctx: Context,
        tls: Option<TlsConnector>,
        shutdown: watch::Receiver<Option<&'static str>>,
    ) -> Poller {
        Poller {
            account: format!("{}@{}:{}", cfg.username, cfg.host, cfg.port),
            timeout: Duration::from_secs(cfg.timeout_secs.max(1)),
            cfg,
            ledger,
            ctx: Arc::new(ctx),
            tls,
            summary: Summary::default(),
            shutdown,
            notifier: Notifier::from_env(),
            workers: std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(2)
                .clamp(1, 8),
            drafts: None,
        }
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

    fn stopping(&self) -> bool {
        self.shutdown.borrow().is_some()
    }

    async fn open(&self) -> Result<Conn, ConnectError> {
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

    async fn close(&self, conn: Conn) {
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

    async fn run_once(&mut self) -> Result<Summary> {
        let mut conn = self
            .open()
            .await
            .map_err(|e| self.unfinished(e.into_inner()))?;
        let result = self.pass(&mut conn).await;
        self.close(conn).await;
        if let Err(e) = result {
            tracing::warn!(summary = %self.summary, "Pass stopped early; what was recorded is kept");
            return Err(self.unfinished(e));
        }
        if let Some(signal) = *self.shutdown.borrow() {
            return Err(anyhow::Error::new(Unfinished {
                summary: self.summary,
                signal: Some(signal),
            }));
        }
        Ok(self.summary)
    }

    /// A failure, with what the run had done.
    fn unfinished(&self, e: anyhow::Error) -> anyhow::Error {
        e.context(Unfinished {
            summary: self.summary,
            signal: None,
        })
    }

    async fn run_daemon(&mut self) -> Result<Summary> {
        if let Some(every) = Notifier::watchdog_interval() {
            tokio::spawn(async move {
                let notifier = Notifier::from_env();
                let mut tick = tokio::time::interval(every);
                loop {
                    tick.tick().await;
                    notifier.notify("WATCHDOG=1");
                }
            });
        }
        let mut backoff = Backoff::new();
        let mut logged_in_once = false;
        let result = loop {
            if self.stopping() {
                break Ok(());
            }
            let mut shutdown = self.shutdown.clone();
            let opened = tokio::select! {
                r = self.open() => Some(r),
                _ = shutdown.wait_for(|s| s.is_some()) => None,
            };
            let conn = match opened {
                None => break Ok(()),
                Some(Ok(conn)) => conn,
                // A login refused at start-up is a config error; later it may be a passing
                // server fault (or a rotated password the command will pick up): retry.
                Some(Err(ConnectError::Refused(e))) if !logged_in_once => break Err(e),
                Some(Err(e)) => {
                    let e = e.into_inner();
                    let wait = backoff.next();
                    tracing::warn!(
                        error = format!("{e:#}"),
                        retry_in_secs = wait.as_secs(),
                        "Cannot connect to the IMAP server"
                    );
                    self.sleep_unless_stopping(wait).await;
                    continue;
                }
            };
            if !logged_in_once {
                logged_in_once = true;
                self.notifier.notify("READY=1");
            }
            match self.serve(conn, &mut backoff).await {
                Ok(()) => break Ok(()),
                Err(e) if e.downcast_ref::<LedgerFailed>().is_some() => break Err(e),
                Err(e) => {
                    let wait = backoff.next();
                    tracing::warn!(
                        error = format!("{e:#}"),
                        retry_in_secs = wait.as_secs(),
                        "IMAP session failed; reconnecting"
                    );
                    self.sleep_unless_stopping(wait).await;
                }
            }
        };
        self.notifier.notify("STOPPING=1");
        tracing::info!(summary = %self.summary, "Stopped");
        match (result, *self.shutdown.borrow()) {
            (Err(e), _) => Err(self.unfinished(e)),
            (Ok(()), Some(signal)) => Err(anyhow::Error::new(Unfinished {
                summary: self.summary,
                signal: Some(signal),
            })),
            (Ok(()), None) => Ok(self.summary),
        }
    }

    /// Passes and waits on one session until shutdown (`Ok`, logged out) or an error (the
    /// session is dropped).
    async fn serve(&mut self, mut conn: Conn, backoff: &mut Backoff) -> Result<()> {
        loop {
            self.pass(&mut conn).await?;
            backoff.reset();
            self.notifier
                .notify(&format!("STATUS=Waiting for mail; {}", self.summary));
            if self.stopping() {
                self.notifier.notify("STOPPING=1");
                self.close(conn).await;
                return Ok(());
            }
            if conn.broken {
                bail!("the IMAP session was left in an unknown state");
            }
            match self.wait_for_mail(conn).await? {
                Some(c) => conn = c,
                None => return Ok(()),
            }
        }
    }

    /// Waits with IDLE (when offered and wanted) or a timer. `None` when shutdown came first
    /// (the session is then logged out).
    async fn wait_for_mail(&mut self, mut conn: Conn) -> Result<Option<Conn>> {
        let mut shutdown = self.shutdown.clone();
        if !(self.cfg.idle && conn.idle) {
            let interval = Duration::from_secs(self.cfg.poll_interval_secs.max(1));
            tracing::debug!(secs = interval.as_secs(), "Sleeping until the next pass");
            tokio::select! {
                _ = tokio::time::sleep(interval) => return Ok(Some(conn)),
                _ = shutdown.wait_for(|s| s.is_some()) => {
                    self.notifier.notify("STOPPING=1");
                    self.close(conn).await;
                    return Ok(None);
                }
            }
        }
        // Silence is normal in IDLE; a flood is not, nor an IDLE that never ends.
        conn.session.as_mut().arm(StreamLimits {
            what: "IDLE",
            max_bytes: IDLE_MAX_BYTES,
            max_literal: 1 << 20,
            max_line: 1 << 20,
            deadline: IDLE_RENEW.saturating_add(self.timeout.saturating_mul(2)),
            silence: None,
        });
        let mut handle = conn.session.idle();
        tokio::time::timeout(self.timeout, handle.init())
            .await
            .map_err(|_| anyhow!("IDLE timed out"))?
            .map_err(|e| anyhow!("IDLE failed: {}", command::one_line(&e.to_string())))?;
        tracing::debug!(mailbox = %self.cfg.mailbox, "Waiting in IDLE");
        let outcome = {
            let (wait, _stop) = handle.wait_with_timeout(IDLE_RENEW);
            tokio::select! {
                r = wait => Some(r),
                // Renewed on time even when the server keeps talking (keepalives).
                _ = tokio::time::sleep(IDLE_RENEW) => Some(Ok(IdleResponse::Timeout)),
                _ = shutdown.wait_for(|s| s.is_some()) => None,
            }
        };
        conn.session = tokio::time::timeout(self.timeout, handle.done())
            .await
            .map_err(|_| anyhow!("ending IDLE timed out"))?
            .map_err(|e| anyhow!("ending IDLE failed: {}", command::one_line(&e.to_string())))?;
        match outcome {
            None => {
                self.notifier.notify("STOPPING=1");
                self.close(conn).await;
                Ok(None)
            }
            Some(Ok(IdleResponse::NewData(_))) => {
                tracing::debug!("IDLE: the mailbox changed");
                Ok(Some(conn))
            }
            Some(Ok(IdleResponse::Timeout)) => {
                tracing::debug!("IDLE: renewing");
                Ok(Some(conn))
            }
            Some(Ok(IdleResponse::ManualInterrupt)) => Ok(Some(conn)),
            Some(Err(e)) => Err(anyhow!(
                "IDLE failed: {}",
                command::one_line(&e.to_string())
            )),
        }
    }

    async fn sleep_unless_stopping(&self, wait: Duration) {
        let mut shutdown = self.shutdown.clone();
        tokio::select! {
            _ = tokio::time::sleep(wait) => {}
            _ = shutdown.wait_for(|s| s.is_some()) => {}
        }
    }

    /// One pass over the mailbox, then more while new mail arrived during it (IDLE would not
    /// announce that mail again).
    ///
    /// After each pass, the replies of the records it committed are drafted; that selects the
    /// drafts mailbox, so the inbox is read again (also catching mail that came meanwhile)
    /// and is the one selected when the pass ends (IDLE watches it).
    async fn pass(&mut self, conn: &mut Conn) -> Result<()> {
        let mut drafted = false;
        for _ in 0..10 {
            self.pass_once(conn).await?;
            drafted = false;
            if self.stopping() || conn.broken {
                break;
            }
            drafted = self.make_drafts(conn).await?;
            if self.stopping() || conn.broken || (!drafted && !new_mail_announced(conn)) {
                break;
            }
            tracing::debug!("Reading the mailbox again");
        }
        if drafted && !self.stopping() && !conn.broken {
            self.select(conn).await?;
        }
        Ok(())
    }

    /// One pass over the mailbox: moves a crash or cut left open finished, then every message
    /// past the saved UID read, recorded and acted on.
    async fn pass_once(&mut self, conn: &mut Conn) -> Result<()> {
        let mailbox = &self.cfg.mailbox.clone();
        let open_moves = self
            .ledger
            .open_moves(&self.account, mailbox)
            .context(LedgerFailed)?;
        let uidvalidity = self.select(conn).await?;
        if !open_moves.is_empty() {
            self.recover_moves(conn, uidvalidity, open_moves).await?;
        }
        let saved = self
            .ledger
            .mailbox_state(&self.account, mailbox)
            .context(LedgerFailed)?;
        let mut last_uid = match saved {
            Some(s) if s.uidvalidity == uidvalidity => s.last_uid,
            other => {
                if let Some(s) = other {
                    tracing::warn!(
                        mailbox = %mailbox,
                        old_uidvalidity = s.uidvalidity,
                        new_uidvalidity = uidvalidity,
                        "UIDVALIDITY changed: reading the mailbox again from UID 1; messages already recorded are not recorded twice"
                    );
                }
                self.save_state(uidvalidity, 0)?;
                0
            }
        };
        if last_uid == u32::MAX {
            return Ok(());
        }
        let query = format!(
            "UID SEARCH UID {}:* NOT KEYWORD {KEYWORD_NO_FORM} NOT KEYWORD {KEYWORD_REGISTERED} NOT KEYWORD {KEYWORD_FAILED}",
            last_uid + 1
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
        tracing::debug!(mailbox = %mailbox, count = uids.len(), after_uid = last_uid, "New messages");
        // The lowest UID not yet fully handled in this pass: progress cannot pass it.
        let mut pin: Option<u32> = None;
        for chunk in uids.chunks(self.cfg.fetch_batch.max(1) as usize) {
            let outcome = self.batch(conn, uidvalidity, chunk).await;
            let (handled, interrupted) = match &outcome {
                Ok(b) => (Some(&b.handled), b.interrupted),
                Err(_) => (None, true),
            };
            if let Some(handled) = handled {
                if let Some(gap) = chunk.iter().find(|u| !handled.contains(u)) {
                    pin = Some(pin.map_or(*gap, |p| p.min(*gap)));
                }
                let top = chunk.last().copied().unwrap_or(last_uid);
                let reach = match pin {
                    Some(p) => top.min(p.saturating_sub(1)),
                    None => top,
                };
                if reach > last_uid {
                    last_uid = reach;
                    self.save_state(uidvalidity, last_uid)?;
                }
            }
            outcome?;
            if interrupted || self.stopping() {
                break;
            }
        }
        Ok(())
    }

    /// SELECTs the mailbox; returns its UIDVALIDITY and notes whether it keeps our keywords.
    async fn select(&mut self, conn: &mut Conn) -> Result<u32> {
        let mailbox = &self.cfg.mailbox;
        let (answers, _) = conn
            .run(&format!("SELECT {}", quote(mailbox)?), self.small("SELECT"))
            .await
            .with_context(|| format!("cannot select mailbox {mailbox:?}"))?;
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

    fn save_state(&mut self, uidvalidity: u32, last_uid: u32) -> Result<()> {
        self.ledger
            .save_mailbox_state(
                &self.account,
                &self.cfg.mailbox,
                MailboxState {
                    uidvalidity,
                    last_uid,
                },
            )
            .context(LedgerFailed)
    }

    /// One batch: fetched, read, committed, acted on. On a lost connection what was read is
    /// still committed (the next pass finds it recorded and only acts on it).
    async fn batch(
        &mut self,
        conn: &mut Conn,
        uidvalidity: u32,
        chunk: &[u32],
    ) -> Result<BatchOutcome> {
        let wanted: BTreeSet<u32> = chunk.iter().copied().collect();
        let sizes = match self.sizes(conn, chunk).await {
            Ok(s) => s,
            Err(e) => {
                conn.broken = true;
                return Err(e);
            }
        };
        let limit = self.ctx.limits.max_message_bytes;
        let (oversized, normal): (Vec<u32>, Vec<u32>) = chunk
            .iter()
            .partition(|u| sizes.get(u).is_some_and(|s| *s > limit));
        let mut read: Vec<Read> = Vec::with_capacity(chunk.len());
        let mut in_flight: VecDeque<(u32, bool, u64, Job)> = VecDeque::new();
        let mut in_flight_bytes: u64 = 0;
        let mut seen: HashSet<u32> = HashSet::new();
        let mut failure: Option<anyhow::Error> = None;
        let mut interrupted = false;
        let mut broken = false;
        // A message is fetched only up to one byte past the limit, whatever its size was said
        // to be; a longer one is then recorded as oversized.
        let whole_query = format!(
            "(UID FLAGS INTERNALDATE BODY.PEEK[]<0.{}>)",
            limit.saturating_add(1).min(u64::from(u32::MAX))
        );
        let header_query =
            format!("(UID FLAGS INTERNALDATE BODY.PEEK[HEADER]<0.{OVERSIZED_HEADER_BYTES}>)");
        // What the answer may hold: each message up to the limit, and about twice the size
        // the server gave (its sizes may be estimates), so a server that floods or lies about
        // sizes is cut off early.
        let cap = limit.saturating_add(1);
        let whole_bounds = self.fetching(
            normal.len(),
            cap,
            normal
                .iter()
                .map(|u| match sizes.get(u) {
                    Some(s) => s.saturating_mul(2).saturating_add(FETCH_OVERHEAD).min(cap),
                    None => cap,
                })
                .sum(),
        );
        let header_bounds = self.fetching(
            oversized.len(),
            OVERSIZED_HEADER_BYTES,
            oversized.len() as u64 * OVERSIZED_HEADER_BYTES,
        );
        for (set, query, whole, bounds) in [
            (&normal, &whole_query, true, whole_bounds),
            (&oversized, &header_query, false, header_bounds),
        ] {
            if set.is_empty() || failure.is_some() || interrupted {
                continue;
            }
            let mut running = match conn
                .start(&format!("UID FETCH {} {query}", uid_set(set)), bounds)
                .await
            {
                Ok(r) => r,
                Err(e) => {
                    failure = Some(e);
                    broken = true;
                    break;
                }
            };
            loop {
                if self.stopping() {
                    interrupted = true;
                    // The rest of the answer must be read before the next command.
                    let drained = tokio::time::timeout(DRAIN_LIMIT, async {
                        while conn.next(&mut running).await?.is_some() {}
                        Ok::<(), anyhow::Error>(())
                    })
                    .await;
                    broken = !matches!(drained, Ok(Ok(())));
                    break;
                }
                let fetch = match conn.next(&mut running).await {
                    Ok(None) => break,
                    Ok(Some(Untagged::Fetch(f))) => f,
                    Ok(Some(_)) => continue,
                    Err(e) => {
                        failure = Some(e);
                        broken = true;
                        break;
                    }
                };
                // Unsolicited FETCH answers (flag changes) carry no body: not ours.
                let Some(uid) = fetch.uid.filter(|u| wanted.contains(u)) else {
                    continue;
                };
                let deleted = fetch.deleted;
                let internal_date = fetch.internal_date;
                let body = if whole { fetch.body } else { fetch.header };
                let Some(body) = body else { continue };
                if !seen.insert(uid) {
                    continue;
                }
                self.summary.messages_read += 1;
                let raw = RawMessage {
                    bytes: body,
                    origin: format!(
                        "imap:{};UIDVALIDITY={uidvalidity};UID={uid}",
                        self.cfg.mailbox
                    ),
                    internal_date,
                };
                let bytes = raw.bytes.len() as u64;
                let begun = if whole {
                    self.begin(raw)
                } else {
                    Begun::Done(self.read_oversized(raw, sizes.get(&uid).copied().unwrap_or(0)))
                };
                in_flight.push_back((uid, deleted, bytes, Job::start(begun)));
                in_flight_bytes += bytes;
                // Forms are read on worker threads while the next messages arrive; at most
                // `workers` at once and `IN_FLIGHT_BYTES` of messages (a message over it alone),
                // so memory does not grow with the number of threads times the message size.
                while in_flight.len() >= self.workers
                    || (in_flight_bytes > IN_FLIGHT_BYTES && in_flight.len() > 1)
                {
                    if let Some((uid, deleted, bytes, job)) = in_flight.pop_front() {
                        in_flight_bytes -= bytes;
                        read.push(Read {
                            uid,
                            deleted,
                            handled: job.finish().await,
                        });
                    }
                }
                // Let the signal task and the watchdog run between messages.
                tokio::task::yield_now().await;
            }
        }
        // The messages in hand are finished even when stopping.
        while let Some((uid, deleted, _, job)) = in_flight.pop_front() {
            read.push(Read {
                uid,
                deleted,
                handled: job.finish().await,
            });
        }
        if broken {
            conn.broken = true;
        }
        let actions = self.commit(read)?;
        if let Some(e) = failure {
            return Err(e);
        }
        if broken {
            tracing::warn!("Stopped in the middle of a FETCH; the server is told next time");
            return Ok(BatchOutcome {
                handled: HashSet::new(),
                interrupted: true,
            });
        }
        let handled = self.act(conn, uidvalidity, actions, &sizes).await?;
        Ok(BatchOutcome {
            handled,
            interrupted,
        })
    }

    /// Message sizes, so an oversized message is never pulled into memory whole.
    async fn sizes(&self, conn: &mut Conn, chunk: &[u32]) -> Result<HashMap<u32, u64>> {
        let wanted: HashSet<u32> = chunk.iter().copied().collect();
        let (answers, _) = conn
            .run(
                &format!("UID FETCH {} (UID RFC822.SIZE)", uid_set(chunk)),
                self.per_message("UID FETCH (RFC822.SIZE)", chunk.len()),
            )
            .await?;
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

    /// A fetched message through the pipeline, or found already recorded. Panics in the
    /// readers are caught and become a failure.
    #[cfg(test)]
    fn read_message(&self, raw: RawMessage) -> Handled {
        match self.begin(raw) {
            Begun::Done(h) => h,
            Begun::Work(work) => work(),
        }
    }

    /// The cheap first step here (MIME parse, ledger lookup); the forms are read by the
    /// returned work, which can run on another thread.
    fn begin(&self, raw: RawMessage) -> Begun {
        let parsed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            pipeline::parse_message(&raw, &self.ctx)
        }));
        let raw_sha256 = pipeline::sha256_hex(&raw.bytes);
        let received_at = raw
            .internal_date
            .unwrap_or_else(|| Utc::now().fixed_offset());
        let origin = raw.origin.clone();
        let raw_size = raw.bytes.len() as u64;
        let fallback_key = pipeline::message_key(None, &raw.bytes);
        drop(raw);
        let failed = move |key: String, reason: String| Handled::Failed {
            key,
            origin,
            reason,
            raw_sha256,
            raw_size,
            received_at,
        };
        let mut parsed = match parsed {
            Ok(p) => p,
            Err(panic) => {
                let key = fallback_key;
                return Begun::Done(match self.ledger.contains(&key) {
                    Ok(true) => Handled::Known { key },
                    _ => failed(
                        key,
                        format!("message parser failed: {}", crate::panic_text(&*panic)),
                    ),
                });
            }
        };
        match self.is_recorded(&mut parsed) {
            Ok(true) => return Begun::Done(Handled::Known { key: parsed.key }),
            Ok(false) => {}
            Err(e) => {
                // Reading it again is harmless: the append finds it if it is there.
                tracing::warn!(
                    error = format!("{e:#}"),
                    "Cannot look the message up in the ledger"
                );
            }
        }
        let ctx = Arc::clone(&self.ctx);
        Begun::Work(Box::new(move || {
            let key = parsed.key.clone();
            match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                pipeline::finish_message(parsed, &ctx)
            })) {
                Ok(message) => {
                    let has_form = message
                        .records
                        .iter()
                        .any(|r| !r.flags.contains(&Flag::NoFormFound));
                    Handled::New { message, has_form }
                }
                Err(panic) => failed(
                    key,
                    format!("reader failed: {}", crate::panic_text(&*panic)),
                ),
            }
        }))
    }

    /// True when the ledger holds the message, under its key or an earlier one (which it then
    /// takes).
    fn is_recorded(&self, parsed: &mut pipeline::Parsed) -> Result<bool> {
        if !parsed.earlier_keys.is_empty() && !self.ledger.contains(&parsed.key)? {
            for k in &parsed.earlier_keys {
                if self.ledger.contains(k)? {
                    parsed.key = k.clone();
                    return Ok(true);
                }
            }
        }
        self.ledger.contains(&parsed.key)
    }

    /// A message over `max_message_bytes`: only its header was fetched; it is recorded as
    /// unreadable without reading its body.
    fn read_oversized(&self, raw: RawMessage, size: u64) -> Handled {
        let mut parsed = match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            pipeline::parse_message(&raw, &self.ctx)
        })) {
            Ok(p) => p,
            Err(panic) => {
                return Handled::Failed {
                    key: pipeline::message_key(None, &raw.bytes),
                    origin: raw.origin.clone(),
                    reason: format!("message parser failed: {}", crate::panic_text(&*panic)),
                    raw_sha256: pipeline::sha256_hex(&raw.bytes),
                    raw_size: size,
                    received_at: raw
                        .internal_date
                        .unwrap_or_else(|| Utc::now().fixed_offset()),
                };
            }
        };
        if let Ok(true) = self.is_recorded(&mut parsed) {
            return Handled::Known { key: parsed.key };
        }
        let due_by = holidays::due_by(parsed.received_at, &self.ctx.rules.extra_holidays);
        let finding = Finding::UnreadableMessage {
            problems: vec![crate::mime::Problem::MessageTooLarge {
                bytes: size,
                limit: self.ctx.limits.max_message_bytes,
            }],
        };
        // Only the header was fetched: its hash stands, as the body's is not known, and the
        // size is the whole message's, as the server reported it.
        let mut message = parsed.into_new_message(vec![unreadable_record(due_by, finding)]);
        message.raw_size = size;
        Handled::New {
            message,
            has_form: true,
        }
    }

    /// Appends what the batch read in one commit, notes failures, and decides each message's
    /// server action.
    fn commit(&mut self, read: Vec<Read>) -> Result<Vec<Planned>> {
        let mut actions: Vec<Planned> = Vec::new();
        let mut to_append: Vec<NewMessage> = Vec::new();
        let mut append_meta: Vec<(u32, bool, bool)> = Vec::new();
        // A key read twice in one batch (the same message filed twice) is recorded once.
        let mut batch_keys: HashMap<String, bool> = HashMap::new();
        let mut duplicates: Vec<(u32, String, bool)> = Vec::new();
        for r in read {
            match r.handled {
                Handled::New { message, has_form } => {
                    if batch_keys.contains_key(&message.key) {
                        duplicates.push((r.uid, message.key, r.deleted));
                        continue;
                    }
                    batch_keys.insert(message.key.clone(), has_form);
                    append_meta.push((r.uid, has_form, r.deleted));
                    to_append.push(message);
                }
                Handled::Lost(why) => {
                    tracing::warn!(uid = r.uid, mailbox = %self.cfg.mailbox, reason = %why, "Message not read; will try again next pass");
                }
                Handled::Known { key } => {
                    self.summary.skipped += 1;
                    tracing::info!(uid = r.uid, mailbox = %self.cfg.mailbox, key = %key, "Already recorded; only the server action is left");
                    if let Some(action) = self.known_action(&key)? {
                        actions.push((r.uid, action, r.deleted, key));
                    }
                }
                Handled::Failed {
                    key,
                    origin,
                    reason,
                    raw_sha256,
                    raw_size,
                    received_at,
                } => {
                    self.summary.failed += 1;
                    let attempts = self
                        .ledger
                        .record_failure(&key, &origin, &reason)
                        .context(LedgerFailed)?;
                    if attempts >= MAX_ATTEMPTS {
                        tracing::error!(uid = r.uid, mailbox = %self.cfg.mailbox, attempts, reason = %reason, "Message set aside after repeated failures");
                        let due_by = holidays::due_by(received_at, &self.ctx.rules.extra_holidays);
                        to_append.push(NewMessage {
                            key: key.clone(),
                            message_id: String::new(),
                            sender: String::new(),
                            subject: String::new(),
                            received_at,
                            raw_sha256,
                            raw_size,
                            origin,
                            records: vec![unreadable_record(
                                due_by,
                                Finding::UnreadableAttachment {
                                    attachment: String::new(),
                                    why: crate::extract::Unreadable::ReaderFailed {
                                        reason: format!("failed {attempts} times: {reason}"),
                                    },
                                },
                            )],
                        });
                        append_meta.push((r.uid, false, r.deleted));
                        actions.push((r.uid, Action::Keyword(KEYWORD_FAILED), r.deleted, key));
                    } else {
                        tracing::warn!(uid = r.uid, mailbox = %self.cfg.mailbox, attempts, reason = %reason, "Cannot read message; will try again next pass");
                    }
                }
            }
        }
        if to_append.is_empty() && duplicates.is_empty() {
            return Ok(actions);
        }
        let appended = self
            .ledger
            .append(&to_append, false)
            .context(LedgerFailed)
            .context("cannot write to the ledger")?;
        for ((message, (uid, has_form, deleted)), result) in
            to_append.iter().zip(append_meta).zip(appended)
        {
            self.summary.count(result);
            let set_aside = actions
                .iter()
                .any(|(u, a, _, _)| *u == uid && *a == Action::Keyword(KEYWORD_FAILED));
            match result {
                Appended::Added {
                    records,
                    needs_review,
                } => {
                    tracing::info!(uid, mailbox = %self.cfg.mailbox, key = %message.key, records, needs_review, has_form, "Recorded message");
                    if !set_aside {
                        actions.push((
                            uid,
                            self.action_for(has_form),
                            deleted,
                            message.key.clone(),
                        ));
                    }
                }
                Appended::AlreadyRecorded => {
                    tracing::info!(uid, mailbox = %self.cfg.mailbox, key = %message.key, "Already recorded");
                    if !set_aside && let Some(action) = self.known_action(&message.key)? {
                        actions.push((uid, action, deleted, message.key.clone()));
                    }
                }
            }
        }
        for (uid, key, deleted) in duplicates {
            self.summary.skipped += 1;
            if let Some(action) = self.known_action(&key)? {
                actions.push((uid, action, deleted, key));
            }
        }
        Ok(actions)
    }

    fn action_for(&self, has_form: bool) -> Action {
        if has_form {
            return Action::Move {
                mailbox: self.cfg.processed_mailbox.clone(),
                fallback: KEYWORD_REGISTERED,
            };
        }
        match self.cfg.no_form_action {
            NoFormAction::Keep => Action::Keyword(KEYWORD_NO_FORM),
            NoFormAction::Move => Action::Move {
                mailbox: self
                    .cfg
                    .no_form_mailbox
                    .clone()
                    .unwrap_or_else(|| self.cfg.processed_mailbox.clone()),
                fallback: KEYWORD_NO_FORM,
            },
        }
    }

    /// The server action for a message the ledger already holds; `None` when it does not.
    fn known_action(&self, key: &str) -> Result<Option<Action>> {
        if self.ledger.failure_count(key).context(LedgerFailed)? >= MAX_ATTEMPTS {
            return Ok(Some(Action::Keyword(KEYWORD_FAILED)));
        }
        Ok(self
            .ledger
            .has_form(key)
            .context(LedgerFailed)?
            .map(|has_form| self.action_for(has_form)))
    }

    /// Tells the server, grouped into one command per action. Returns the UIDs dealt with.
    /// Messages another client marked \Deleted are left exactly as they are. Moves go through
    /// the ledger's move log (`moves`), so a crash or a cut at any step is finished next pass.
    async fn act(
        &mut self,
        conn: &mut Conn,
        uidvalidity: u32,
        actions: Vec<Planned>,
        sizes: &HashMap<u32, u64>,
    ) -> Result<HashSet<u32>> {
        let mut done = HashSet::new();
        let mut groups: BTreeMap<Action, Vec<(u32, String)>> = BTreeMap::new();
        for (uid, action, deleted, key) in actions {
            if deleted {
                tracing::info!(uid, mailbox = %self.cfg.mailbox, "Recorded, but another client marked it \\Deleted: left alone");
                done.insert(uid);
                continue;
            }
            groups.entry(action).or_default().push((uid, key));
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
                        self.move_out(conn, uidvalidity, moves).await?;
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

/// A message after the cheap first step.
enum Begun {
    Done(Handled),
    Work(Box<dyn FnOnce() -> Handled + Send>),
}

/// A message being read.
enum Job {
    Done(Handled),
    Running {
        task: tokio::task::JoinHandle<Handled>,
    },
}

impl Job {
    fn start(begun: Begun) -> Job {
        match begun {
            Begun::Done(h) => Job::Done(h),
            Begun::Work(work) => Job::Running {
                task: tokio::task::spawn_blocking(work),
            },
        }
    }

    async fn finish(self) -> Handled {
        match self {
            Job::Done(h) => h,
            Job::Running { task } => match task.await {
                Ok(h) => h,
                // The work catches panics itself; this is a cancelled runtime. Not recorded:
                // the next pass reads the message again.
                Err(e) => Handled::Lost(format!("reader task ended: {e}")),
            },
        }
    }
}

/// A fetched message and what reading it gave.
struct Read {
    uid: u32,
    handled: Handled,
    /// Another client marked it \Deleted.
    deleted: bool,
}

struct BatchOutcome {
    /// UIDs recorded (or found recorded) and acted on.
    handled: HashSet<u32>,
    /// Stopped early (shutdown).
    interrupted: bool,
}

fn unreadable_record(due_by: chrono::NaiveDate, finding: Finding) -> NewRecord {
    pipeline::unread_record("", Source::None, finding, due_by)
}

/// A sorted UID list as an IMAP sequence set: `1:5,7,9:12`.
pub fn uid_set(uids: &[u32]) -> String {
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

/// True when the server announced new messages (EXISTS) since the last SELECT.
fn new_mail_announced(conn: &mut Conn) -> bool {
    let mut announced = std::mem::take(&mut conn.new_mail);
    while let Ok(r) = conn.session.unsolicited_responses.try_recv() {
        announced |= matches!(r, async_imap::types::UnsolicitedResponse::Exists(_));
    }
    announced
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

/// Exponential backoff with jitter, 1 s doubling up to `BACKOFF_CAP`.
struct Backoff {
    attempt: u32,
}

impl Backoff {
    fn new() -> Backoff {
        Backoff { attempt: 0 }
    }
    fn reset(&mut self) {
        self.attempt = 0;
    }
    fn next(&mut self) -> Duration {
        let base = Duration::from_secs(1u64 << self.attempt.min(16)).min(BACKOFF_CAP);
        self.attempt = self.attempt.saturating_add(1);
        // Up to half again, so that many clients cut off together do not return together.
        let jitter = rand::random_range(0.0..0.5);
        base.mul_f64(1.0 + jitter).min(BACKOFF_CAP)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::ExportFilter;

    fn poller(dir: &tempfile::TempDir, extra: &str) -> Poller {
        let ledger = Ledger::open(&dir.path().join("ledger.db")).unwrap();
        let cfg: ImapConfig = toml::from_str(&format!(
            "host = \"127.0.0.1\"\nusername = \"u\"\npassword = \"p\"\n{extra}"
        ))
        .unwrap();
        let (_tx, rx) = watch::channel(None);
        Poller::new(cfg, ledger, Context::default(), None, rx)
    }

    fn failed_read(uid: u32) -> Read {
        Read {
            uid,
            deleted: false,
            handled: Handled::Failed {
                key: "sha256:00ff".into(),
                origin: format!("imap:INBOX;UIDVALIDITY=9;UID={uid}"),
                reason: "reader failed: boom".into(),
                raw_sha256: "00ff".into(),
                raw_size: 10,
                received_at: Utc::now().fixed_offset(),
            },
        }
    }

    #[test]
    fn a_message_failing_three_times_is_set_aside() {
        let dir = tempfile::tempdir().unwrap();
        let mut p = poller(&dir, "");
        for attempt in 1..MAX_ATTEMPTS {
            let actions = p.commit(vec![failed_read(7)]).unwrap();
            assert!(
                actions.is_empty(),
                "attempt {attempt}: left for the next pass"
            );
            assert!(!p.ledger.contains("sha256:00ff").unwrap());
        }
        let actions = p.commit(vec![failed_read(7)]).unwrap();
        assert_eq!(
            actions,
            vec![(
                7,
                Action::Keyword(KEYWORD_FAILED),
                false,
                "sha256:00ff".to_string()
            )]
        );
        assert!(p.ledger.contains("sha256:00ff").unwrap());
        assert_eq!(p.summary.failed, u64::from(MAX_ATTEMPTS));
        assert_eq!(p.summary.records_added, 1);
        let rows = crate::report::rows(
            &p.ledger,
            &ExportFilter {
                all_revisions: true,
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].flags, "unreadable_attachment");
        // Fetched again later (say its keyword was lost): still set aside, not recorded again.
        assert_eq!(
            p.known_action("sha256:00ff").unwrap(),
            Some(Action::Keyword(KEYWORD_FAILED))
        );
    }

    #[test]
    fn the_same_message_twice_in_a_batch_is_recorded_once_and_both_copies_acted_on() {
        let dir = tempfile::tempdir().unwrap();
        let mut p = poller(
            &dir,
            "no_form_action = \"move\"\nno_form_mailbox = \"NoForm\"",
        );
        let raw = RawMessage {
            bytes: b"Message-ID: <dup@x>\r\nSubject: hi\r\n\r\nhello\r\n".to_vec(),
            origin: "imap:INBOX;UIDVALIDITY=1;UID=1".into(),
            internal_date: None,
        };
        let reads = vec![
            Read {
                uid: 1,
                deleted: false,
                handled: p.read_message(raw.clone()),
            },
            Read {
                uid: 2,
                deleted: true,
                handled: p.read_message(raw),
            },
        ];
        let actions = p.commit(reads).unwrap();
        let to = Action::Move {
            mailbox: "NoForm".into(),
            fallback: KEYWORD_NO_FORM,
        };
        let key = "mid:dup@x".to_string();
        assert_eq!(
            actions,
            vec![(1, to.clone(), false, key.clone()), (2, to, true, key)]
        );
        assert_eq!(p.summary.records_added, 1);
        assert_eq!(p.summary.skipped, 1);
    }

    #[test]
    fn actions_follow_the_config() {
        let dir = tempfile::tempdir().unwrap();
        let p = poller(&dir, "processed_mailbox = \"Done\"");
        assert_eq!(
            p.action_for(true),
            Action::Move {
                mailbox: "Done".into(),
                fallback: KEYWORD_REGISTERED
            }
        );
        assert_eq!(p.action_for(false), Action::Keyword(KEYWORD_NO_FORM));
        let p = poller(&dir, "no_form_action = \"move\"");
        assert_eq!(
            p.action_for(false),
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
        let dir = tempfile::tempdir().unwrap();
        for extra in [
            "processed_mailbox = \"inbox\"",
            "no_form_action = \"move\"\nno_form_mailbox = \"INBOX\"",
        ] {
            let p = poller(&dir, extra);
            let lock = RunLock::acquire(&dir.path().join("other.db")).unwrap();
            let ledger = Ledger::open(&dir.path().join("other.db")).unwrap();
            let err = run(p.cfg.clone(), ledger, Context::default(), true, lock, None).unwrap_err();
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

    #[test]
    fn backoff_grows_to_its_cap_and_resets() {
        let mut b = Backoff::new();
        let first = b.next();
        assert!(first >= Duration::from_secs(1) && first <= Duration::from_millis(1500));
        for _ in 0..20 {
            assert!(b.next() <= BACKOFF_CAP);
        }
        assert!(b.next() >= BACKOFF_CAP.mul_f64(0.99));
        b.reset();
        assert!(b.next() <= Duration::from_millis(1500));
    }
}
