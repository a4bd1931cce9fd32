//! A chunk of UIDs in → its messages out, one at a time as the FETCH answer streams in: each
//! whole up to one byte past the size limit, or only its head when the server says it is over
//! the limit. A message longer than the server said is cut one byte past the limit (the reader
//! then finds it oversized).

use super::command::{self, Untagged};
use super::{Client, Conn, FETCH_OVERHEAD, OVERSIZED_HEADER_BYTES, uid_set};
use crate::source::RawMessage;
use anyhow::Result;
use std::collections::{BTreeSet, HashMap, HashSet, VecDeque};
use std::time::Duration;

/// How long, after SIGTERM, the rest of a FETCH answer may take to drain.
const DRAIN_LIMIT: Duration = Duration::from_secs(20);

/// One fetched message.
pub(crate) struct Fetched {
    pub uid: u32,
    /// Another client marked it \Deleted.
    pub deleted: bool,
    pub raw: RawMessage,
    /// Only the head was fetched: the whole message is this many bytes (as the server said).
    pub head_only: Option<u64>,
}

/// One UID FETCH still to send: its UIDs, its items, whether it fetches whole messages.
struct Command {
    uids: Vec<u32>,
    items: String,
    whole: bool,
    bounds: command::Bounds,
}

/// The FETCH commands of a chunk, read answer by answer (`next`).
pub(crate) struct Fetch {
    queue: VecDeque<Command>,
    running: Option<(command::Running, bool)>,
    wanted: BTreeSet<u32>,
    seen: HashSet<u32>,
    /// The sizes the server gave of the messages fetched head only.
    head_sizes: HashMap<u32, u64>,
    /// `imap:<mailbox>;UIDVALIDITY=<v>`, each message's origin before its UID.
    origin: String,
}

impl Client {
    /// The fetch of `chunk`, whose sizes (`sizes`, from `Client::sizes`) decide which messages
    /// are fetched whole and which only in part: messages up to the size limit whole, larger
    /// ones their head only. Nothing is sent before the first `Fetch::next`.
    pub(crate) fn fetch(
        &self,
        chunk: &[u32],
        sizes: &HashMap<u32, u64>,
        uidvalidity: u32,
    ) -> Fetch {
        let limit = self.max_message_bytes;
        let (oversized, normal): (Vec<u32>, Vec<u32>) = chunk
            .iter()
            .partition(|u| sizes.get(u).is_some_and(|s| *s > limit));
        // A message is fetched only up to one byte past the limit, whatever its size was said
        // to be; a longer one is then recorded as oversized.
        let whole_items = format!(
            "(UID FLAGS INTERNALDATE BODY.PEEK[]<0.{}>)",
            limit.saturating_add(1).min(u64::from(u32::MAX))
        );
        let header_items =
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
        let head_sizes = oversized
            .iter()
            .filter_map(|u| sizes.get(u).map(|s| (*u, *s)))
            .collect();
        let queue = [
            (normal, whole_items, true, whole_bounds),
            (oversized, header_items, false, header_bounds),
        ]
        .into_iter()
        .filter(|(uids, ..)| !uids.is_empty())
        .map(|(uids, items, whole, bounds)| Command {
            uids,
            items,
            whole,
            bounds,
        })
        .collect();
        Fetch {
            queue,
            running: None,
            wanted: chunk.iter().copied().collect(),
            seen: HashSet::new(),
            head_sizes,
            origin: format!("imap:{};UIDVALIDITY={uidvalidity}", self.mailbox()),
        }
    }
}

impl Fetch {
    /// The next message of the answers; `None` when every command finished. An error leaves
    /// the session broken and ends the fetch.
    pub(crate) async fn next(&mut self, conn: &mut Conn) -> Result<Option<Fetched>> {
        loop {
            let (running, whole) = match &mut self.running {
                Some((running, whole)) => (running, *whole),
                None => {
                    let Some(c) = self.queue.pop_front() else {
                        return Ok(None);
                    };
                    let started = conn
                        .start(
                            &format!("UID FETCH {} {}", uid_set(&c.uids), c.items),
                            c.bounds,
                        )
                        .await;
                    let running = started.inspect_err(|_| self.fail(conn))?;
                    let (running, whole) = self.running.insert((running, c.whole));
                    (running, *whole)
                }
            };
            let fetch = match conn.next(running).await {
                Ok(None) => {
                    self.running = None;
                    continue;
                }
                Ok(Some(Untagged::Fetch(f))) => f,
                Ok(Some(_)) => continue,
                Err(e) => {
                    self.fail(conn);
                    return Err(e);
                }
            };
            // Unsolicited FETCH answers (flag changes) carry no body: not ours.
            let Some(uid) = fetch.uid.filter(|u| self.wanted.contains(u)) else {
                continue;
            };
            let body = if whole { fetch.body } else { fetch.header };
            let Some(bytes) = body else { continue };
            if !self.seen.insert(uid) {
                continue;
            }
            return Ok(Some(Fetched {
                uid,
                deleted: fetch.deleted,
                raw: RawMessage {
                    bytes,
                    origin: format!("{};UID={uid}", self.origin),
                    internal_date: fetch.internal_date,
                },
                head_only: (!whole).then(|| self.head_sizes.get(&uid).copied().unwrap_or(0)),
            }));
        }
    }

    /// Stops fetching: the rest of the running answer is read (for up to `DRAIN_LIMIT`) so the
    /// session can be used again, else the session is left broken.
    pub(crate) async fn stop(&mut self, conn: &mut Conn) {
        self.queue.clear();
        if let Some((mut running, _)) = self.running.take() {
            let drained = tokio::time::timeout(DRAIN_LIMIT, async {
                while conn.next(&mut running).await?.is_some() {}
                Ok::<(), anyhow::Error>(())
            })
            .await;
            if !matches!(drained, Ok(Ok(()))) {
                conn.set_broken();
            }
        }
    }

    fn fail(&mut self, conn: &mut Conn) {
        self.queue.clear();
        self.running = None;
        conn.set_broken();
    }
}
