//! One pass of the poll driver: the mailbox's new UIDs in (through `source::imap`) → each
//! message through the chain → each batch committed to the ledger → only then each committed
//! message's server action (`Client::apply`) → the mailbox's progress saved. A dry run reports
//! each message (`CheckReport`) and writes nothing, here or on the server.

use super::{LedgerFailed, MAX_ATTEMPTS, Poller};
use crate::ledger::{Appended, Ledger, MailboxState, NewMessage};
use crate::pipeline::chain::{Failed, Parsed, Pipeline, Processed};
use crate::pipeline::check::CheckReport;
use crate::source::RawMessage;
use crate::source::imap::{Action, Conn, KEYWORD_FAILED, MoveLog, MoveStep, OpenMove, Planned};
use crate::validate::Flag;
use anyhow::{Context as _, Result};
use std::collections::{HashSet, VecDeque};
use std::sync::Arc;

/// Bytes of messages being read at once, beyond the newest one.
const IN_FLIGHT_BYTES: u64 = 96 << 20;

/// What became of one fetched message.
enum Handled {
    /// Read: its ledger entry, and whether it holds a form (where it is moved).
    New { message: NewMessage, has_form: bool },
    /// Already in the ledger: only its server action is left.
    Known { key: String },
    /// A stage failed on it: counted, and set aside after `MAX_ATTEMPTS`.
    Failed(Failed),
    /// Not read (its reading task was lost): read again next pass.
    Lost(String),
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

/// A message after the cheap first step.
enum Begun {
    Done(Box<Handled>),
    Work(Box<dyn FnOnce() -> Handled + Send>),
}

/// A message being read.
enum Job {
    Done(Box<Handled>),
    Running(tokio::task::JoinHandle<Handled>),
}

impl Job {
    fn start(begun: Begun) -> Job {
        match begun {
            Begun::Done(h) => Job::Done(h),
            Begun::Work(work) => Job::Running(tokio::task::spawn_blocking(work)),
        }
    }

    async fn finish(self) -> Handled {
        match self {
            Job::Done(h) => *h,
            Job::Running(task) => match task.await {
                Ok(h) => h,
                // The chain catches panics itself; this is a cancelled runtime. Not recorded:
                // the next pass reads the message again.
                Err(e) => Handled::Lost(format!("reader task ended: {e}")),
            },
        }
    }
}

/// The move log the IMAP client keeps its steps in: the ledger's `imap_moves`, and the
/// chain's key of a message found in a destination.
struct LedgerMoveLog<'a> {
    ledger: &'a mut Ledger,
    pipeline: &'a Pipeline,
}

impl MoveLog for LedgerMoveLog<'_> {
    fn move_started(&self, key: &str) -> Result<bool> {
        self.ledger.move_started(key).context(LedgerFailed)
    }

    fn append_steps(
        &mut self,
        account: &str,
        mailbox: &str,
        step: MoveStep,
        moves: &[OpenMove],
        detail: &str,
    ) -> Result<()> {
        self.ledger
            .append_move_steps(account, mailbox, step, moves, detail)
            .context(LedgerFailed)
    }

    fn has_key(&self, bytes: &[u8], key: &str) -> bool {
        let raw = RawMessage {
            bytes: bytes.to_vec(),
            origin: String::new(),
            internal_date: None,
        };
        self.pipeline.parse(&raw).has_key(key)
    }
}

impl Poller<'_> {
    /// One pass over the mailbox, then more while new mail arrived during it (IDLE would not
    /// announce that mail again).
    ///
    /// After each pass, the replies of the records it committed are drafted; that selects the
    /// drafts mailbox, so the inbox is read again (also catching mail that came meanwhile)
    /// and is the one selected when the pass ends (IDLE watches it).
    pub(super) async fn pass(&mut self, conn: &mut Conn) -> Result<()> {
        let mut drafted = false;
        for _ in 0..10 {
            self.pass_once(conn).await?;
            drafted = false;
            if self.client.stopping() || conn.is_broken() || self.dry_run.is_some() {
                break;
            }
            drafted = self.make_drafts(conn).await?;
            if self.client.stopping() || conn.is_broken() || (!drafted && !conn.take_new_mail()) {
                break;
            }
            tracing::debug!("Reading the mailbox again");
        }
        if drafted && !self.client.stopping() && !conn.is_broken() {
            self.client.select(conn).await?;
        }
        Ok(())
    }

    /// One pass over the mailbox: moves a crash or cut left open finished, then every message
    /// past the saved UID read, recorded and acted on.
    async fn pass_once(&mut self, conn: &mut Conn) -> Result<()> {
        let dry_run = self.dry_run.is_some();
        let account = self.client.account().to_string();
        let mailbox = self.client.mailbox().to_string();
        let open_moves = if dry_run {
            Vec::new()
        } else {
            self.ledger
                .open_moves(&account, &mailbox)
                .context(LedgerFailed)?
        };
        let uidvalidity = if dry_run {
            self.client.examine(conn).await?
        } else {
            self.client.select(conn).await?
        };
        if !open_moves.is_empty() {
            let mut log = LedgerMoveLog {
                ledger: &mut self.ledger,
                pipeline: &self.pipeline,
            };
            self.client
                .recover_moves(conn, uidvalidity, open_moves, &mut log)
                .await?;
        }
        let saved = self
            .ledger
            .mailbox_state(&account, &mailbox)
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
        let uids = self.client.new_uids(conn, last_uid).await?;
        tracing::debug!(mailbox = %mailbox, count = uids.len(), after_uid = last_uid, "New messages");
        // The lowest UID not yet fully handled in this pass: progress cannot pass it.
        let mut pin: Option<u32> = None;
        let chunk_size = self.client.config().fetch_batch.max(1) as usize;
        for chunk in uids.chunks(chunk_size) {
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
            if interrupted || self.client.stopping() {
                break;
            }
        }
        Ok(())
    }

    /// Saves the mailbox's progress (not in a dry run).
    fn save_state(&mut self, uidvalidity: u32, last_uid: u32) -> Result<()> {
        if self.dry_run.is_some() {
            return Ok(());
        }
        self.ledger
            .save_mailbox_state(
                self.client.account(),
                self.client.mailbox(),
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
        let sizes = self.client.sizes(conn, chunk).await?;
        let mut fetch = self.client.fetch(chunk, &sizes, uidvalidity);
        let mut read: Vec<Read> = Vec::with_capacity(chunk.len());
        let mut in_flight: VecDeque<(u32, bool, u64, Job)> = VecDeque::new();
        let mut in_flight_bytes: u64 = 0;
        let mut failure: Option<anyhow::Error> = None;
        let mut interrupted = false;
        loop {
            if self.client.stopping() {
                interrupted = true;
                // The rest of the answer must be read before the next command.
                fetch.stop(conn).await;
                break;
            }
            let fetched = match fetch.next(conn).await {
                Ok(Some(f)) => f,
                Ok(None) => break,
                Err(e) => {
                    failure = Some(e);
                    break;
                }
            };
            self.summary.messages_read += 1;
            let bytes = fetched.raw.bytes.len() as u64;
            let begun = self.begin(fetched.raw, fetched.head_only);
            in_flight.push_back((fetched.uid, fetched.deleted, bytes, Job::start(begun)));
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
        // The messages in hand are finished even when stopping.
        while let Some((uid, deleted, _, job)) = in_flight.pop_front() {
            read.push(Read {
                uid,
                deleted,
                handled: job.finish().await,
            });
        }
        if self.dry_run.is_some() {
            self.report(read);
            return match failure {
                Some(e) => Err(e),
                None => Ok(BatchOutcome {
                    handled: HashSet::new(),
                    interrupted,
                }),
            };
        }
        let actions = self.commit(read)?;
        if let Some(e) = failure {
            return Err(e);
        }
        if conn.is_broken() {
            tracing::warn!("Stopped in the middle of a FETCH; the server is told next time");
            return Ok(BatchOutcome {
                handled: HashSet::new(),
                interrupted: true,
            });
        }
        let mut log = LedgerMoveLog {
            ledger: &mut self.ledger,
            pipeline: &self.pipeline,
        };
        let handled = self
            .client
            .apply(conn, uidvalidity, actions, &sizes, &mut log)
            .await?;
        Ok(BatchOutcome {
            handled,
            interrupted,
        })
    }

    /// The chain's first step here (MIME parse, key, ledger lookup); the forms are read by the
    /// returned work, which can run on another thread. `head_only`: only the head of a message
    /// of that many bytes was fetched (it is over the size limit).
    fn begin(&self, raw: RawMessage, head_only: Option<u64>) -> Begun {
        let mut parsed = match head_only {
            Some(size) => self.pipeline.parse_head(&raw, size),
            None => self.pipeline.parse(&raw),
        };
        drop(raw);
        match self.is_recorded(&mut parsed) {
            Ok(true) => return Begun::Done(Box::new(Handled::Known { key: parsed.key })),
            Ok(false) => {}
            Err(e) => {
                // Reading it again is harmless: the append finds it if it is there.
                tracing::warn!(
                    error = format!("{e:#}"),
                    "Cannot look the message up in the ledger"
                );
            }
        }
        let pipeline = Arc::clone(&self.pipeline);
        Begun::Work(Box::new(move || match pipeline.finish_one(parsed) {
            Processed::New(message) => {
                let has_form = message
                    .records
                    .iter()
                    .any(|r| !r.flags.contains(&Flag::NoFormFound));
                Handled::New { message, has_form }
            }
            Processed::Failed(failed) => Handled::Failed(failed),
        }))
    }

    /// True when the ledger holds the message, under its key or an earlier one (which it then
    /// takes).
    fn is_recorded(&self, parsed: &mut Parsed) -> Result<bool> {
        let mut failed = None;
        let found = parsed.find_recorded(|k| match self.ledger.contains(k) {
            Ok(found) => found,
            Err(e) => {
                failed = Some(e);
                false
            }
        });
        match failed {
            Some(e) if !found => Err(e),
            _ => Ok(found),
        }
    }

    /// Appends what the batch read in one commit, counts it, notes failures, and decides each
    /// message's server action.
    fn commit(&mut self, read: Vec<Read>) -> Result<Vec<Planned>> {
        let mut actions: Vec<Planned> = Vec::new();
        let mut to_append: Vec<NewMessage> = Vec::new();
        // Per message appended: its UID, whether it has a form, whether another client marked
        // it \Deleted, whether it was set aside.
        let mut append_meta: Vec<(u32, bool, bool, bool)> = Vec::new();
        let mailbox = self.client.mailbox().to_string();
        for r in read {
            match r.handled {
                Handled::New { message, has_form } => {
                    append_meta.push((r.uid, has_form, r.deleted, false));
                    to_append.push(message);
                }
                Handled::Lost(why) => {
                    tracing::warn!(uid = r.uid, mailbox = %mailbox, reason = %why, "Message not read; will try again next pass");
                }
                Handled::Known { key } => {
                    self.summary.skipped += 1;
                    tracing::info!(uid = r.uid, mailbox = %mailbox, key = %key, "Already recorded; only the server action is left");
                    self.plan_known(&mut actions, r.uid, r.deleted, key)?;
                }
                Handled::Failed(failed) => {
                    self.summary.failed += 1;
                    let reason = failed.failure.to_string();
                    let key = failed.message.key.clone();
                    let attempts = self
                        .ledger
                        .record_failure(&key, &failed.message.origin, &reason)
                        .context(LedgerFailed)?;
                    if attempts >= MAX_ATTEMPTS {
                        tracing::error!(uid = r.uid, mailbox = %mailbox, attempts, reason = %reason, "Message set aside after repeated failures");
                        to_append.push(failed.recorded_after(attempts));
                        append_meta.push((r.uid, false, r.deleted, true));
                        actions.push(Planned {
                            uid: r.uid,
                            action: Action::Keyword(KEYWORD_FAILED),
                            deleted: r.deleted,
                            key,
                        });
                    } else {
                        tracing::warn!(uid = r.uid, mailbox = %mailbox, attempts, reason = %reason, "Cannot read message; will try again next pass");
                    }
                }
            }
        }
        if to_append.is_empty() {
            return Ok(actions);
        }
        // A key read twice in one batch (the same message filed twice) is recorded once: the
        // ledger finds the second already recorded.
        let appended = self
            .ledger
            .append(&to_append, false)
            .context(LedgerFailed)
            .context("cannot write to the ledger")?;
        for ((message, (uid, has_form, deleted, set_aside)), result) in
            to_append.into_iter().zip(append_meta).zip(appended)
        {
            self.summary.count(result);
            match result {
                Appended::Added {
                    records,
                    needs_review,
                } => {
                    tracing::info!(uid, mailbox = %mailbox, key = %message.key, records, needs_review, has_form, "Recorded message");
                    if !set_aside {
                        actions.push(Planned {
                            uid,
                            action: Action::for_message(self.client.config(), has_form),
                            deleted,
                            key: message.key,
                        });
                    }
                }
                Appended::AlreadyRecorded => {
                    tracing::info!(uid, mailbox = %mailbox, key = %message.key, "Already recorded");
                    if !set_aside {
                        self.plan_known(&mut actions, uid, deleted, message.key)?;
                    }
                }
            }
        }
        Ok(actions)
    }

    /// Plans the server action of a message the ledger already holds (none when it does not).
    fn plan_known(
        &self,
        actions: &mut Vec<Planned>,
        uid: u32,
        deleted: bool,
        key: String,
    ) -> Result<()> {
        if let Some(action) = self.known_action(&key)? {
            actions.push(Planned {
                uid,
                action,
                deleted,
                key,
            });
        }
        Ok(())
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
            .map(|has_form| Action::for_message(self.client.config(), has_form)))
    }

    /// A dry run's batch: each message reported as it would be recorded, and counted; nothing
    /// written.
    fn report(&mut self, read: Vec<Read>) {
        let Some(report) = self.dry_run.as_mut() else {
            return;
        };
        for r in read {
            let message = match r.handled {
                Handled::New { message, .. } => message,
                Handled::Failed(failed) => {
                    self.summary.failed += 1;
                    failed.recorded()
                }
                Handled::Known { .. } => {
                    self.summary.skipped += 1;
                    continue;
                }
                Handled::Lost(_) => continue,
            };
            let checked = CheckReport::of_message(message.origin.clone(), &message);
            self.summary.count_report(&checked);
            report(checked);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::ImapConfig;
    use crate::ledger::ExportFilter;
    use crate::pipeline::Summary;
    use crate::pipeline::chain::Failure;
    use crate::source::imap::{Client, KEYWORD_NO_FORM, notify::Notifier};
    use chrono::Utc;
    use tokio::sync::watch;

    fn poller(dir: &tempfile::TempDir, extra: &str) -> Poller<'static> {
        let ledger = Ledger::open(&dir.path().join("ledger.db")).unwrap();
        let cfg: ImapConfig = toml::from_str(&format!(
            "host = \"127.0.0.1\"\nusername = \"u\"\npassword = \"p\"\n{extra}"
        ))
        .unwrap();
        let (_tx, rx) = watch::channel(None);
        Poller {
            client: Client::new(cfg, 1 << 20, rx).unwrap(),
            ledger,
            pipeline: Arc::new(Pipeline::default()),
            summary: Summary::default(),
            notifier: Notifier::from_env(),
            workers: 1,
            dry_run: None,
            drafts: None,
            after_pass: None,
        }
    }

    fn failed_read(uid: u32) -> Read {
        let now = Utc::now().fixed_offset();
        let message = NewMessage {
            key: "sha256:00ff".into(),
            message_id: String::new(),
            sender: String::new(),
            subject: String::new(),
            received_at: now,
            raw_sha256: "00ff".into(),
            raw_size: 10,
            origin: format!("imap:INBOX;UIDVALIDITY=9;UID={uid}"),
            records: Vec::new(),
        };
        Read {
            uid,
            deleted: false,
            handled: Handled::Failed(Failed::new(
                message,
                Failure::Reader("boom".into()),
                now.date_naive(),
            )),
        }
    }

    /// What the chain makes of `raw`, as the pass hands it on.
    fn read_message(p: &Poller<'_>, raw: RawMessage) -> Handled {
        match p.begin(raw, None) {
            Begun::Done(h) => *h,
            Begun::Work(work) => work(),
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
            vec![Planned {
                uid: 7,
                action: Action::Keyword(KEYWORD_FAILED),
                deleted: false,
                key: "sha256:00ff".to_string()
            }]
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
                handled: read_message(&p, raw.clone()),
            },
            Read {
                uid: 2,
                deleted: true,
                handled: read_message(&p, raw),
            },
        ];
        let actions = p.commit(reads).unwrap();
        let to = Action::Move {
            mailbox: "NoForm".into(),
            fallback: KEYWORD_NO_FORM,
        };
        let key = "mid:dup@x".to_string();
        let planned = |uid, deleted| Planned {
            uid,
            action: to.clone(),
            deleted,
            key: key.clone(),
        };
        assert_eq!(actions, vec![planned(1, false), planned(2, true)]);
        assert_eq!(p.summary.records_added, 1);
        assert_eq!(p.summary.skipped, 1);
    }
}
