//! Archive paths in (mbox, Maildir, .eml, folders) → every message through the chain → the
//! ledger, in archive order, committed in batches; the run's summary out.
//!
//! One thread reads messages in order, reading threads parse them and read their forms in
//! parallel (a group of messages' attachments in one exchange with their attachment worker),
//! and the calling thread appends the results to the ledger in archive order. SIGINT and
//! SIGTERM (`stop_on_signals`) stop the run after the messages in hand are committed.

use super::chain::{Pipeline, Processed};
use super::{Summary, Unfinished};
use crate::ledger::{Appended, Ledger, NewMessage};
use crate::limits::Held;
use crate::source::RawMessage;
use anyhow::{Context as _, Result};
use std::collections::HashSet;

/// Options for an archive ingest.
#[derive(Debug, Clone, Default)]
pub struct IngestOptions {
    /// Read messages already in the ledger again and append new revisions.
    pub reprocess: bool,
}

/// Messages appended per ledger transaction during archive ingest. The archive is the durable
/// copy, so a kill loses at most an uncommitted batch, which the next run reads again.
const INGEST_BATCH: usize = 256;
/// How far readers may run ahead of the writer (bounds memory whatever one message costs).
const INGEST_WINDOW: usize = 128;
/// Most messages a reading thread takes at once (their attachments go to its worker process
/// together).
const LANE_GROUP: usize = 8;
/// Most bytes of raw messages being read at once, by all reading threads together (a larger
/// message is read alone): peak memory follows this, not threads × message size.
const INGEST_RAW_BYTES: u64 = 64 << 20;

/// What became of one message of the archive.
enum Item {
    Done(NewMessage),
    Skipped,
    /// The archive could not give the message (why).
    Unreadable(String),
}

/// Reads archives into the ledger. `progress` is told the summary after each message (the CLI
/// shows a progress bar with it).
pub fn ingest(
    paths: &[std::path::PathBuf],
    ledger: &mut Ledger,
    pipeline: &Pipeline,
    opts: &IngestOptions,
    progress: &mut dyn FnMut(&Summary),
) -> Result<Summary> {
    use crossbeam_channel::{bounded, unbounded};
    use std::collections::BTreeMap;

    // Without --reprocess: every key, to skip recorded messages before reading them. With it:
    // the content keys only, to find a message recorded under an earlier key.
    let known: HashSet<String> = if opts.reprocess {
        ledger
            .keys()?
            .into_iter()
            .filter(|k| k.starts_with("sha256:"))
            .collect()
    } else {
        ledger.keys()?
    };
    let mut sources = Vec::new();
    for path in paths {
        sources.push(
            crate::source::archive::open(path, pipeline.limits.max_message_bytes)
                .with_context(|| format!("cannot read {}", path.display()))?,
        );
    }
    let workers = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(2)
        .clamp(1, 8);

    let mut summary = Summary::default();
    let mut stopped: Option<&'static str> = None;
    let raw_budget = crate::limits::ByteBudget::new(INGEST_RAW_BYTES);
    let outcome = std::thread::scope(|scope| -> Result<()> {
        let (raw_tx, raw_rx) =
            bounded::<(u64, Result<RawMessage>, Held<'_>)>(workers * LANE_GROUP * 2);
        let raw_budget = &raw_budget;
        let (out_tx, out_rx) = unbounded::<(u64, Item)>();
        let (token_tx, token_rx) = bounded::<()>(INGEST_WINDOW);
        for _ in 0..INGEST_WINDOW {
            token_tx.send(()).ok();
        }
        let (stop_tx, stop_rx) = bounded::<()>(0);

        scope.spawn(move || {
            let mut seq = 0u64;
            for source in sources {
                for item in source {
                    if stop_requested().is_some() {
                        return;
                    }
                    // Wait for room in the window, or for the writer to give up.
                    crossbeam_channel::select! {
                        recv(token_rx) -> t => if t.is_err() { return; },
                        recv(stop_rx) -> _ => return,
                    }
                    // The message's bytes count until its reading thread is done with it.
                    let size = item.as_ref().map_or(0, |raw| raw.bytes.len() as u64);
                    let held = raw_budget.take(size);
                    if raw_tx.send((seq, item, held)).is_err() {
                        return;
                    }
                    seq += 1;
                }
            }
        });
        for _ in 0..workers {
            let raw_rx = raw_rx.clone();
            let out_tx = out_tx.clone();
            let known = &known;
            scope.spawn(move || {
                // Take what is waiting, up to a group: the group's attachments go to the
                // attachment worker in one exchange.
                while let Ok(first) = raw_rx.recv() {
                    if stop_requested().is_some() {
                        // Stopping: what is still queued is read again by the next run.
                        continue;
                    }
                    let mut group = vec![first];
                    while group.len() < LANE_GROUP
                        && let Ok(next) = raw_rx.try_recv()
                    {
                        group.push(next);
                    }
                    let mut outs: Vec<(u64, Item)> = Vec::with_capacity(group.len());
                    let mut to_finish = Vec::new();
                    let mut seqs = Vec::new();
                    let mut held = Vec::with_capacity(group.len());
                    for (seq, item, bytes) in group {
                        held.push(bytes);
                        match item {
                            Err(e) => outs.push((seq, Item::Unreadable(format!("{e:#}")))),
                            Ok(raw) => {
                                let mut parsed = pipeline.parse(&raw);
                                let recorded = parsed.find_recorded(|k| known.contains(k));
                                if recorded && !opts.reprocess {
                                    outs.push((seq, Item::Skipped));
                                } else {
                                    seqs.push(seq);
                                    to_finish.push(parsed);
                                }
                            }
                        }
                    }
                    let processed = pipeline.finish(to_finish);
                    // The group's messages and their attachments are gone once finished.
                    drop(held);
                    for (seq, processed) in seqs.into_iter().zip(processed) {
                        let message = match processed {
                            Processed::New(message) => message,
                            // Read again, it would fail again: recorded as unreadable.
                            Processed::Failed(failed) => failed.recorded(),
                        };
                        outs.push((seq, Item::Done(message)));
                    }
                    for out in outs {
                        if out_tx.send(out).is_err() {
                            return;
                        }
                    }
                }
            });
        }
        drop(raw_rx);
        drop(out_tx);

        let mut pending: BTreeMap<u64, Item> = BTreeMap::new();
        let mut next = 0u64;
        let mut batch: Vec<NewMessage> = Vec::new();
        let mut last_commit = std::time::Instant::now();
        let mut flush = |batch: &mut Vec<NewMessage>, summary: &mut Summary| -> Result<()> {
            if batch.is_empty() {
                return Ok(());
            }
            // The ledger's error names the ledger and what failed.
            let results = ledger.append(batch, opts.reprocess)?;
            for (m, r) in batch.iter().zip(results) {
                summary.count(r);
                if let Appended::Added {
                    records,
                    needs_review,
                } = r
                {
                    tracing::debug!(key = %m.key, origin = %m.origin, records, needs_review, "Recorded message");
                }
            }
            batch.clear();
            Ok(())
        };
        let result = (|| -> Result<()> {
            for (seq, item) in out_rx.iter() {
                if let Some(signal) = stop_requested() {
                    stopped = Some(signal);
                    break;
                }
                pending.insert(seq, item);
                while let Some(item) = pending.remove(&next) {
                    next += 1;
                    token_tx.send(()).ok();
                    summary.messages_read += 1;
                    match item {
                        Item::Done(m) => batch.push(m),
                        Item::Skipped => summary.skipped += 1,
                        Item::Unreadable(why) => {
                            summary.failed += 1;
                            tracing::error!(reason = %why, "Cannot read a message from the archive");
                        }
                    }
                    progress(&summary);
                    if batch.len() >= INGEST_BATCH || last_commit.elapsed().as_secs() >= 2 {
                        flush(&mut batch, &mut summary)?;
                        last_commit = std::time::Instant::now();
                    }
                }
            }
            flush(&mut batch, &mut summary)
        })();
        // Stopping: what was read in order is committed, the rest is read again next run.
        let result = result.and_then(|()| flush(&mut batch, &mut summary));
        if result.is_err() || stopped.is_some() {
            drop(stop_tx);
            drop(token_tx);
            // Drain so workers blocked on send can finish.
            for _ in out_rx.iter() {}
        }
        result
    });
    // A signal may have stopped the reading before the writer saw it.
    let stopped = stopped.or_else(stop_requested);
    match (outcome, stopped) {
        (Err(e), _) => Err(e.context(Unfinished {
            summary,
            signal: None,
        })),
        (Ok(()), Some(signal)) => Err(anyhow::Error::new(Unfinished {
            summary,
            signal: Some(signal),
        })),
        (Ok(()), None) => Ok(summary),
    }
}

/// The stop signal received (its number), 0 when none.
static STOP_SIGNAL: std::sync::atomic::AtomicI32 = std::sync::atomic::AtomicI32::new(0);

/// Makes SIGINT and SIGTERM ask the archive ingest to stop after the messages in hand (they are
/// committed, the summary printed); a second signal stops the process at once.
pub fn stop_on_signals() {
    extern "C" fn on_signal(signal: libc::c_int) {
        use std::sync::atomic::Ordering;
        if STOP_SIGNAL.swap(signal, Ordering::SeqCst) != 0 {
            // SAFETY: signal() and raise() are async-signal-safe.
            unsafe {
                libc::signal(signal, libc::SIG_DFL);
                libc::raise(signal);
            }
        }
    }
    for signal in [libc::SIGINT, libc::SIGTERM] {
        // SAFETY: installs a handler that only stores to an atomic (or restores the default
        // and re-raises), which is async-signal-safe.
        unsafe {
            libc::signal(signal, on_signal as *const () as libc::sighandler_t);
        }
    }
}

/// The signal that asked the run to stop, if one did.
fn stop_requested() -> Option<&'static str> {
    match STOP_SIGNAL.load(std::sync::atomic::Ordering::SeqCst) {
        libc::SIGINT => Some("SIGINT"),
        libc::SIGTERM => Some("SIGTERM"),
        _ => None,
    }
}
