//! The IMAP mailbox in (through `source::imap`) → every new message through the chain → the
//! ledger, batch by batch → each committed message's server action (keyword or move) → the
//! mailbox's progress saved; the run's summary out.
//!
//! One pass: SELECT; open moves finished; UID SEARCH past the last UID recorded; per batch of
//! UIDs: FETCH, each message through the chain (forms read on worker threads while the next
//! messages arrive), the batch appended to the ledger in one commit, and only then the server
//! told; then the mailbox's progress is saved. A crash at any point leaves messages that the
//! next pass reads again and finds recorded: it then only does the server action. The daemon
//! repeats passes, waiting with IDLE or a timer in between, and reconnects with backoff.

mod drafts;
mod pass;

pub use drafts::{Compose, ComposedDraft, Drafts};

use super::chain::Pipeline;
use super::check::CheckReport;
use super::{Summary, Unfinished};
use crate::config::ImapConfig;
use crate::ledger::Ledger;
use crate::source::imap::notify::Notifier;
use crate::source::imap::{Client, Conn, Woken, connect::ConnectError};
use anyhow::{Context as _, Result, bail};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;

/// How many failed attempts set a message aside (`KEYWORD_FAILED`).
pub const MAX_ATTEMPTS: u32 = 3;
/// Longest wait between reconnection attempts.
const BACKOFF_CAP: Duration = Duration::from_secs(300);

/// What one pass of `poll` did, for whoever watches (the metrics file).
#[derive(Debug, Clone, Copy)]
pub struct PassOutcome {
    /// This pass's counts (not the daemon's running total).
    pub summary: Summary,
    /// The pass finished (false: it failed, could not connect, or was stopped).
    pub success: bool,
    pub started: std::time::SystemTime,
}

/// Called after every pass, and after every failed attempt to connect, with the ledger.
pub type PassHook<'a> = Box<dyn FnMut(&Ledger, &PassOutcome) + 'a>;

/// How `poll` runs.
#[derive(Default)]
pub struct PollOptions<'a> {
    /// One pass, then return (cron); else the daemon loop (systemd).
    pub once: bool,
    /// Read and report what would be recorded, each message's report to this, and change
    /// nothing: no ledger write, no keyword or move on the server, no progress saved. One pass.
    /// The summary counts the records that would be added.
    pub dry_run: Option<&'a mut dyn FnMut(CheckReport)>,
    /// Draft replies to append after each pass (`[replies] drafts_mailbox`); none in a dry run.
    pub drafts: Option<Drafts>,
    /// Told after each pass (not in a dry run).
    pub after_pass: Option<PassHook<'a>>,
}

/// `poll`: one pass (`once`, or a dry run), else the daemon loop. The caller holds the run lock
/// (except for a dry run, which writes nothing).
pub fn run(
    imap: ImapConfig,
    ledger: Ledger,
    pipeline: Pipeline,
    opts: PollOptions<'_>,
) -> Result<Summary> {
    let (shutdown_tx, shutdown) = watch::channel(None);
    let client = Client::new(imap, pipeline.limits.max_message_bytes, shutdown)?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(async move {
        tokio::spawn(watch_signals(shutdown_tx));
        let once = opts.once || opts.dry_run.is_some();
        let mut ledger = ledger;
        // A record committed with a drafts mailbox set is a record whose reply is pending.
        ledger.draft_new_records(opts.drafts.is_some() && opts.dry_run.is_none());
        let mut poller = Poller {
            client,
            ledger,
            pipeline: Arc::new(pipeline),
            summary: Summary::default(),
            notifier: Notifier::from_env(),
            workers: std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(2)
                .clamp(1, 8),
            dry_run: opts.dry_run,
            drafts: opts.drafts,
            after_pass: opts.after_pass,
        };
        if once {
            poller.run_once().await
        } else {
            poller.run_daemon().await
        }
    })
}

/// SIGTERM or SIGINT → its name on the channel; the poller finishes the messages in hand.
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

/// The poll driver: the account's client, the ledger and the chain.
struct Poller<'a> {
    client: Client,
    ledger: Ledger,
    pipeline: Arc<Pipeline>,
    summary: Summary,
    notifier: Notifier,
    /// Messages read at once on worker threads.
    workers: usize,
    /// Where a dry run reports what it reads.
    dry_run: Option<&'a mut dyn FnMut(CheckReport)>,
    /// Draft replies to append after each pass.
    drafts: Option<Drafts>,
    /// Told after each pass.
    after_pass: Option<PassHook<'a>>,
}

impl Poller<'_> {
    /// Tells `after_pass` what the pass that started at `started` with the summary `before`
    /// did (a dry run tells nobody: it changed nothing).
    fn report_pass(&mut self, before: Summary, started: std::time::SystemTime, success: bool) {
        if self.dry_run.is_some() {
            return;
        }
        if let Some(hook) = self.after_pass.as_mut() {
            let outcome = PassOutcome {
                summary: summary_since(&before, &self.summary),
                success,
                started,
            };
            hook(&self.ledger, &outcome);
        }
    }

    async fn run_once(&mut self) -> Result<Summary> {
        let (before, started) = (self.summary, std::time::SystemTime::now());
        let mut conn = match self.client.open().await {
            Ok(conn) => conn,
            Err(e) => {
                self.report_pass(before, started, false);
                return Err(self.unfinished(e.into_inner()));
            }
        };
        let result = self.pass(&mut conn).await;
        self.client.close(conn).await;
        let stopped = self.client.stopping();
        self.report_pass(before, started, result.is_ok() && !stopped);
        if let Err(e) = result {
            tracing::warn!(summary = %self.summary, "Pass stopped early; what was recorded is kept");
            return Err(self.unfinished(e));
        }
        if let Some(signal) = self.stop_signal() {
            return Err(anyhow::Error::new(Unfinished {
                summary: self.summary,
                signal: Some(signal),
            }));
        }
        Ok(self.summary)
    }

    /// The signal that asked the run to stop, if one did.
    fn stop_signal(&self) -> Option<&'static str> {
        *self.client.shutdown().borrow()
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
        // A login refused after earlier ones succeeded gets one more try (a token that expired
        // between being printed and being used, a password rotated under us): a second refusal
        // in a row stops the daemon (exit 77), as retrying could lock the account.
        let mut refused_in_a_row = 0u32;
        let result = loop {
            if self.client.stopping() {
                break Ok(());
            }
            let mut shutdown = self.client.shutdown();
            let started = std::time::SystemTime::now();
            let opened = tokio::select! {
                r = self.client.open() => Some(r),
                _ = shutdown.wait_for(|s| s.is_some()) => None,
            };
            if let Some(Err(_)) = &opened {
                self.report_pass(self.summary, started, false);
            }
            let conn = match opened {
                None => break Ok(()),
                Some(Ok(conn)) => conn,
                Some(Err(ConnectError::LoginRefused(refused))) => {
                    refused_in_a_row += 1;
                    if !logged_in_once || refused_in_a_row > 1 {
                        break Err(anyhow::Error::new(refused));
                    }
                    let wait = backoff.next();
                    tracing::warn!(
                        error = %refused,
                        retry_in_secs = wait.as_secs(),
                        "The server refused the login; trying once more"
                    );
                    self.sleep_unless_stopping(wait).await;
                    continue;
                }
                // A config error at start-up (a certificate, a secret command); later it may be
                // a passing fault (or a rotated secret the command will pick up): retry.
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
            refused_in_a_row = 0;
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
        match (result, self.stop_signal()) {
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
            let (before, started) = (self.summary, std::time::SystemTime::now());
            let result = self.pass(&mut conn).await;
            let stopped = self.client.stopping();
            self.report_pass(before, started, result.is_ok() && !stopped);
            result?;
            backoff.reset();
            self.notifier
                .notify(&format!("STATUS=Waiting for mail; {}", self.summary));
            if self.client.stopping() {
                self.notifier.notify("STOPPING=1");
                self.client.close(conn).await;
                return Ok(());
            }
            if conn.is_broken() {
                bail!("the IMAP session was left in an unknown state");
            }
            match self.client.wait_for_mail(conn).await? {
                Woken::Mail(c) => conn = c,
                Woken::Stopping(c) => {
                    self.notifier.notify("STOPPING=1");
                    self.client.close(c).await;
                    return Ok(());
                }
            }
        }
    }

    async fn sleep_unless_stopping(&self, wait: Duration) {
        let mut shutdown = self.client.shutdown();
        tokio::select! {
            _ = tokio::time::sleep(wait) => {}
            _ = shutdown.wait_for(|s| s.is_some()) => {}
        }
    }
}

/// The counts added between two readings of a growing summary.
fn summary_since(before: &Summary, after: &Summary) -> Summary {
    Summary {
        messages_read: after.messages_read.saturating_sub(before.messages_read),
        records_added: after.records_added.saturating_sub(before.records_added),
        needs_review: after.needs_review.saturating_sub(before.needs_review),
        skipped: after.skipped.saturating_sub(before.skipped),
        failed: after.failed.saturating_sub(before.failed),
    }
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
