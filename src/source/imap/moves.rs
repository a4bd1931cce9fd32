//! Committed messages in → out of the inbox into their destination mailbox, in steps the
//! move log records (`pending` → `copied` → `gone`; the ledger keeps it), so the next pass
//! finishes what a crash, a kill or a cut connection left at any point.
//!
//! With MOVE, a message is moved in one command. Without it (UIDPLUS only) it takes UID COPY,
//! STORE \Deleted and UID EXPUNGE: `pending` is appended before COPY, `copied` after COPY's OK,
//! `gone` after UID EXPUNGE's OK. A pass first looks at every open move: what left the inbox is
//! noted gone; what is still there is finished. When it is not known whether COPY ran (no
//! `copied`), the destination is searched for the message before copying again, so it is
//! never copied twice. Only UIDs this log holds are flagged and expunged, never with a plain
//! EXPUNGE, and a message another client marked \Deleted before it was copied is left alone.

use super::command::{CommandError, Untagged};
use super::{Client, Conn, OVERSIZED_HEADER_BYTES, quote, uid_set};
use anyhow::{Context as _, Result, bail};
use std::collections::{BTreeMap, HashMap, HashSet};

/// Most messages of the destination looked at when searching it for an earlier copy.
const MAX_CANDIDATES: usize = 50;

/// A step of moving one message, as the move log stores it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MoveStep {
    /// Committed, to be moved; appended before any server command.
    Pending,
    /// A copy is in the destination.
    Copied,
    /// It left the mailbox.
    Gone,
}

impl MoveStep {
    pub fn as_str(self) -> &'static str {
        match self {
            MoveStep::Pending => "pending",
            MoveStep::Copied => "copied",
            MoveStep::Gone => "gone",
        }
    }
}

/// A message whose move is not finished: `pending` with no `gone` after it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenMove {
    pub uidvalidity: u32,
    pub uid: u32,
    /// The ledger's key of the message.
    pub key: String,
    pub destination: String,
    /// RFC822.SIZE when it was fetched.
    pub size: u64,
    /// A `copied` step was appended after the `pending` one.
    pub copied: bool,
}

/// What moving needs from the layers above this one: the move log, which the ledger keeps,
/// and the ledger's key of a message found in a destination.
pub trait MoveLog {
    /// True when a move of the message with this key was started before.
    fn move_started(&self, key: &str) -> Result<bool>;
    /// Appends `step` for each of `moves` (of `mailbox` on `account`), in one transaction.
    fn append_steps(
        &mut self,
        account: &str,
        mailbox: &str,
        step: MoveStep,
        moves: &[OpenMove],
        detail: &str,
    ) -> Result<()>;
    /// True when `bytes` (a message, or only its header when it has a Message-ID) is the
    /// message the ledger knows by `key`.
    fn has_key(&self, bytes: &[u8], key: &str) -> bool;
}

impl Client {
    /// Moves committed messages of the selected mailbox to their destinations: `pending`
    /// appended for all of them first, then the server told.
    pub(super) async fn move_out(
        &self,
        conn: &mut Conn,
        uidvalidity: u32,
        moves: Vec<OpenMove>,
        log: &mut dyn MoveLog,
    ) -> Result<()> {
        // A message whose move was started before (it was read again after UIDVALIDITY
        // changed, or delivered twice) may already have a copy in the destination.
        let mut maybe_copied = HashSet::new();
        for m in &moves {
            if log.move_started(&m.key)? {
                maybe_copied.insert(m.uid);
            }
        }
        self.append_steps(log, MoveStep::Pending, &moves, "")?;
        let deleted = moves.iter().map(|m| (m.uid, false)).collect();
        self.finish_moves(conn, uidvalidity, moves, &deleted, &maybe_copied, log)
            .await
    }

    /// Finishes the moves an earlier run left open (`uidvalidity` is the selected mailbox's).
    pub(crate) async fn recover_moves(
        &self,
        conn: &mut Conn,
        uidvalidity: u32,
        open: Vec<OpenMove>,
        log: &mut dyn MoveLog,
    ) -> Result<()> {
        let (current, stale): (Vec<OpenMove>, Vec<OpenMove>) =
            open.into_iter().partition(|m| m.uidvalidity == uidvalidity);
        if !stale.is_empty() {
            // Its UIDs name nothing now; a message still in the mailbox is read again from
            // UID 1, found recorded, and moved (after a look in the destination).
            tracing::warn!(count = stale.len(), mailbox = %self.cfg.mailbox, "UIDVALIDITY changed: unfinished moves are dropped; the messages are read again");
            self.append_steps(log, MoveStep::Gone, &stale, "UIDVALIDITY changed")?;
        }
        if current.is_empty() {
            return Ok(());
        }
        tracing::info!(count = current.len(), mailbox = %self.cfg.mailbox, "Finishing moves an earlier run left open");
        let uids: Vec<u32> = current.iter().map(|m| m.uid).collect();
        let deleted = self.flags_of(conn, &uids).await?;
        let (here, left): (Vec<OpenMove>, Vec<OpenMove>) = current
            .into_iter()
            .partition(|m| deleted.contains_key(&m.uid));
        for m in &left {
            tracing::info!(uid = m.uid, mailbox = %self.cfg.mailbox, to = %m.destination, "Move finished: the message has left the mailbox");
        }
        self.append_steps(log, MoveStep::Gone, &left, "no longer in the mailbox")?;
        // Without MOVE, COPY may have run before the crash. MOVE is one command the server
        // carries out whole: a message still here was not moved.
        let maybe_copied = if conn.can_move {
            HashSet::new()
        } else {
            here.iter().filter(|m| !m.copied).map(|m| m.uid).collect()
        };
        self.finish_moves(conn, uidvalidity, here, &deleted, &maybe_copied, log)
            .await
    }

    /// Takes open moves of messages still in the selected mailbox (`deleted`: whether each is
    /// flagged \Deleted) to `gone`.
    async fn finish_moves(
        &self,
        conn: &mut Conn,
        uidvalidity: u32,
        mut moves: Vec<OpenMove>,
        deleted: &HashMap<u32, bool>,
        maybe_copied: &HashSet<u32>,
        log: &mut dyn MoveLog,
    ) -> Result<()> {
        let flagged = |uid: u32| deleted.get(&uid).copied().unwrap_or(false);
        // \Deleted before we copied it: another client's wish, not ours. Its move stays open
        // and is looked at again next pass.
        moves.retain(|m| {
            let theirs = !m.copied && flagged(m.uid);
            if theirs {
                tracing::info!(uid = m.uid, mailbox = %self.cfg.mailbox, "Recorded, but another client marked it \\Deleted: left alone");
            }
            !theirs
        });
        let search: Vec<usize> = (0..moves.len())
            .filter(|&i| !moves[i].copied && maybe_copied.contains(&moves[i].uid))
            .collect();
        if !search.is_empty() {
            self.find_copies(conn, uidvalidity, &mut moves, &search, log)
                .await?;
        }
        let mut by_destination: BTreeMap<String, Vec<OpenMove>> = BTreeMap::new();
        for m in moves {
            by_destination
                .entry(m.destination.clone())
                .or_default()
                .push(m);
        }
        for (destination, group) in by_destination {
            if !conn.can_move && !conn.uidplus {
                tracing::warn!(count = group.len(), mailbox = %self.cfg.mailbox, "The server no longer offers MOVE or UIDPLUS: moves left open");
                continue;
            }
            self.ensure_mailbox(conn, &destination).await?;
            let target = quote(&destination)?;
            let (copied, fresh): (Vec<OpenMove>, Vec<OpenMove>) =
                group.into_iter().partition(|m| m.copied);
            let mut to_expunge = copied;
            if !fresh.is_empty() && conn.can_move {
                let set = uid_set(&uids_of(&fresh));
                let (_, tagged) = conn
                    .run(
                        &format!("UID MOVE {set} {target}"),
                        self.per_message("UID MOVE", fresh.len()),
                    )
                    .await
                    .with_context(|| format!("cannot move messages to {destination:?}"))?;
                self.append_steps(
                    log,
                    MoveStep::Gone,
                    &fresh,
                    tagged.copy_uid.as_deref().unwrap_or("MOVE"),
                )?;
                self.log_moved(&fresh);
            } else if !fresh.is_empty() {
                let set = uid_set(&uids_of(&fresh));
                let (_, tagged) = conn
                    .run(
                        &format!("UID COPY {set} {target}"),
                        self.per_message("UID COPY", fresh.len()),
                    )
                    .await
                    .with_context(|| format!("cannot copy messages to {destination:?}"))?;
                self.append_steps(
                    log,
                    MoveStep::Copied,
                    &fresh,
                    tagged.copy_uid.as_deref().unwrap_or("COPY"),
                )?;
                to_expunge.extend(fresh);
            }
            if to_expunge.is_empty() {
                continue;
            }
            if !conn.uidplus {
                // MOVE but no UIDPLUS, and a copy already in the destination: the message
                // cannot be removed alone, so it is moved (the destination then holds two).
                tracing::warn!(count = to_expunge.len(), to = %destination, "A copy is already in the destination, but without UIDPLUS the message can only be moved: it will be there twice");
                let set = uid_set(&uids_of(&to_expunge));
                conn.run(
                    &format!("UID MOVE {set} {target}"),
                    self.per_message("UID MOVE", to_expunge.len()),
                )
                .await
                .with_context(|| format!("cannot move messages to {destination:?}"))?;
                self.append_steps(log, MoveStep::Gone, &to_expunge, "MOVE")?;
                self.log_moved(&to_expunge);
                continue;
            }
            let unflagged: Vec<u32> = to_expunge
                .iter()
                .filter(|m| !flagged(m.uid))
                .map(|m| m.uid)
                .collect();
            if !unflagged.is_empty() {
                self.store(conn, &unflagged, "+FLAGS.SILENT (\\Deleted)")
                    .await?;
            }
            // UID EXPUNGE removes only these UIDs, never other clients' \Deleted messages.
            let set = uid_set(&uids_of(&to_expunge));
            conn.run(
                &format!("UID EXPUNGE {set}"),
                self.per_message("UID EXPUNGE", to_expunge.len()),
            )
            .await
            .context("cannot expunge the copied messages")?;
            self.append_steps(log, MoveStep::Gone, &to_expunge, "UID EXPUNGE")?;
            self.log_moved(&to_expunge);
        }
        Ok(())
    }

    /// Looks in the destinations for copies of `moves[i]` (for each `i` of `which`) that an
    /// interrupted COPY may have made; marks those found copied. Leaves the mailbox selected
    /// again, with the same UIDVALIDITY.
    async fn find_copies(
        &self,
        conn: &mut Conn,
        uidvalidity: u32,
        moves: &mut [OpenMove],
        which: &[usize],
        log: &mut dyn MoveLog,
    ) -> Result<()> {
        let mut by_destination: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for &i in which {
            by_destination
                .entry(moves[i].destination.clone())
                .or_default()
                .push(i);
        }
        let mut found: Vec<OpenMove> = Vec::new();
        for (destination, indices) in by_destination {
            // EXAMINE: read-only, nothing in the destination changes.
            let examined = conn
                .run(
                    &format!("EXAMINE {}", quote(&destination)?),
                    self.small("EXAMINE"),
                )
                .await;
            if let Err(e) = examined {
                if matches!(
                    e.downcast_ref::<CommandError>(),
                    Some(CommandError::Refused { .. })
                ) {
                    // No such mailbox yet: nothing was copied there.
                    continue;
                }
                return Err(e);
            }
            for i in indices {
                if self.find_copy(conn, &moves[i], log).await? {
                    tracing::info!(uid = moves[i].uid, to = %destination, "A copy is already in the destination: not copied again");
                    moves[i].copied = true;
                    found.push(moves[i].clone());
                }
            }
        }
        self.append_steps(log, MoveStep::Copied, &found, "found in the destination")?;
        let now = self.select(conn).await?;
        // Mail may have arrived meanwhile: look again after the pass.
        conn.new_mail = true;
        if now != uidvalidity {
            bail!(
                "the UIDVALIDITY of {:?} changed during the pass",
                self.cfg.mailbox
            );
        }
        Ok(())
    }

    /// True when the examined mailbox holds a message with `m`'s ledger key: candidates are
    /// found by Message-ID (or by size, for a message without one) and the key of each is
    /// computed the way the pass computed it.
    async fn find_copy(&self, conn: &mut Conn, m: &OpenMove, log: &dyn MoveLog) -> Result<bool> {
        let limit = self.max_message_bytes;
        let by_id = m
            .key
            .strip_prefix("mid:")
            .filter(|id| id.len() < 1000 && id.bytes().all(|b| b.is_ascii_graphic()));
        let criteria = match by_id {
            Some(id) => format!("HEADER Message-ID {}", quote(id)?),
            None if m.size > 0 => {
                format!("LARGER {} SMALLER {}", m.size - 1, m.size.saturating_add(1))
            }
            None => "ALL".to_string(),
        };
        let searched = conn
            .run(&format!("UID SEARCH {criteria}"), self.search())
            .await;
        let answers = match searched {
            Ok((answers, _)) => answers,
            // A server that cannot search headers (or sizes): nothing can be found.
            Err(e)
                if matches!(
                    e.downcast_ref::<CommandError>(),
                    Some(CommandError::Refused { .. })
                ) =>
            {
                tracing::warn!(key = %m.key, to = %m.destination, error = %e, "Cannot search the destination for an earlier copy; copying");
                return Ok(false);
            }
            Err(e) => return Err(e),
        };
        let mut candidates: Vec<u32> = answers
            .into_iter()
            .flat_map(|a| match a {
                Untagged::Search(uids) => uids,
                _ => Vec::new(),
            })
            .collect();
        candidates.sort_unstable();
        candidates.dedup();
        // The newest ones: a copy made by an interrupted pass is among the last.
        let candidates = &candidates[candidates.len().saturating_sub(MAX_CANDIDATES)..];
        if candidates.is_empty() {
            return Ok(false);
        }
        // What the pass fetched to compute the key: the header alone for a message with a
        // Message-ID or over the size limit, else the message.
        let header_only = by_id.is_some() || m.key.starts_with("mid:") || m.size > limit;
        let each = if header_only {
            OVERSIZED_HEADER_BYTES
        } else {
            limit.saturating_add(1).min(u64::from(u32::MAX))
        };
        let part = if header_only { "HEADER" } else { "" };
        let query = format!("(UID BODY.PEEK[{part}]<0.{each}>)");
        let bounds = self.fetching(
            candidates.len(),
            each,
            each.saturating_mul(candidates.len() as u64),
        );
        let mut running = conn
            .start(
                &format!("UID FETCH {} {query}", uid_set(candidates)),
                bounds,
            )
            .await?;
        let mut found = false;
        while let Some(answer) = conn.next(&mut running).await? {
            let Untagged::Fetch(f) = answer else {
                continue;
            };
            let Some(bytes) = (if header_only { f.header } else { f.body }) else {
                continue;
            };
            if found {
                continue;
            }
            found = log.has_key(&bytes, &m.key);
        }
        Ok(found)
    }

    /// Which of `uids` are in the selected mailbox, and whether each is flagged \Deleted.
    async fn flags_of(&self, conn: &mut Conn, uids: &[u32]) -> Result<HashMap<u32, bool>> {
        let wanted: HashSet<u32> = uids.iter().copied().collect();
        let (answers, _) = conn
            .run(
                &format!("UID FETCH {} (UID FLAGS)", uid_set(uids)),
                self.per_message("UID FETCH (FLAGS)", uids.len()),
            )
            .await?;
        let mut present = HashMap::new();
        for a in answers {
            if let Untagged::Fetch(f) = a
                && let Some(uid) = f.uid.filter(|u| wanted.contains(u))
            {
                present.insert(uid, f.deleted);
            }
        }
        Ok(present)
    }

    fn append_steps(
        &self,
        log: &mut dyn MoveLog,
        step: MoveStep,
        moves: &[OpenMove],
        detail: &str,
    ) -> Result<()> {
        log.append_steps(&self.account, &self.cfg.mailbox, step, moves, detail)
    }

    fn log_moved(&self, moves: &[OpenMove]) {
        for m in moves {
            tracing::info!(uid = m.uid, mailbox = %self.cfg.mailbox, to = %m.destination, "Moved message");
        }
    }
}

fn uids_of(moves: &[OpenMove]) -> Vec<u32> {
    let mut uids: Vec<u32> = moves.iter().map(|m| m.uid).collect();
    uids.sort_unstable();
    uids.dedup();
    uids
}
