//! Attachment-reading worker processes: attachments in over a pipe → documents out, so a parser
//! that overflows its stack, aborts, runs out of memory or loops costs one worker, not the run.
//!
//! The parent (`read_attachments`) keeps one long-lived `regintake worker` child per calling
//! thread and may send it several requests at once (as many as fit in the pipe), reading the
//! answers in order. The frames are in `protocol`; the running child and how a request to it
//! went in `parent`; the child's loop in `child`. The child sets `RLIMIT_AS` once and an
//! `RLIMIT_CPU` budget per attachment; the parent polls the child's stdout and stderr with the
//! attachment deadline, kills and replaces a child that overruns or dies, and logs what the
//! child wrote to stderr through its own log format.
//! The child is given no config (and no REGINTAKE_* variables), so it holds no secret to log.

mod child;
mod parent;
mod protocol;

pub use child::serve;

use super::{Document, ReadOptions, Unreadable};
use crate::mime::Attachment;
use parent::WorkerProcess;
use protocol::worker_kind;
use std::cell::RefCell;
use std::collections::VecDeque;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

/// A worker is replaced after this many attachments, so heap growth or fragmentation in one
/// long-lived child stays bounded.
const REQUESTS_PER_WORKER: u32 = 1_000;

thread_local! {
    static WORKER: RefCell<Option<WorkerProcess>> = const { RefCell::new(None) };
}

/// Reads one attachment: in a worker process when `opts.worker_exe` is set, else in this
/// process.
pub fn read_attachment(
    att: &Attachment,
    opts: ReadOptions<'_>,
) -> Result<Option<Document>, Unreadable> {
    read_attachments(&[att], opts)
        .pop()
        .unwrap_or(Err(Unreadable::NoAnswer))
}

/// Reads several attachments, one result each, in order. Through a worker they are sent
/// together and answered one after another, so the child does not sleep between them and the
/// two processes wake each other once per attachment instead of twice; if the child fails on
/// one, that one is blamed and the rest go to a fresh child.
pub fn read_attachments(
    atts: &[&Attachment],
    opts: ReadOptions<'_>,
) -> Vec<Result<Option<Document>, Unreadable>> {
    let mut results: Vec<Option<Result<Option<Document>, Unreadable>>> =
        atts.iter().map(|_| None).collect();
    let mut queue: VecDeque<usize> = VecDeque::new();
    for (i, att) in atts.iter().enumerate() {
        // Kinds that hold no form or are refused without parsing, and attachments refused by
        // size before any parsing: nothing to isolate.
        let isolate = opts.worker_exe.is_some()
            && worker_kind(att.kind).is_some()
            && att.bytes.len() as u64 <= opts.limits.max_attachment_bytes;
        if isolate {
            queue.push_back(i);
        } else {
            results[i] = Some(read_in_process(att, opts));
        }
    }
    if let Some(exe) = opts.worker_exe
        && !queue.is_empty()
    {
        WORKER.with(|cell| {
            read_through_worker(&mut cell.borrow_mut(), exe, atts, queue, &mut results, opts)
        });
    }
    results
        .into_iter()
        .map(|r| r.unwrap_or(Err(Unreadable::NoAnswer)))
        .collect()
}

/// In this process; a reader that panics costs its attachment only.
fn read_in_process(
    att: &Attachment,
    opts: ReadOptions<'_>,
) -> Result<Option<Document>, Unreadable> {
    crate::catch_panic(|| super::read_attachment_with(att, opts.limits, opts.ocr))
        .unwrap_or_else(|reason| Err(Unreadable::ReaderFailed { reason }))
}

fn read_through_worker(
    slot: &mut Option<WorkerProcess>,
    exe: &Path,
    atts: &[&Attachment],
    mut queue: VecDeque<usize>,
    results: &mut [Option<Result<Option<Document>, Unreadable>>],
    opts: ReadOptions<'_>,
) {
    while !queue.is_empty() {
        // A worker that died while idle (killed from outside) is replaced, so no attachment
        // is blamed for it.
        let reusable = slot.as_mut().is_some_and(|w| {
            w.exe == *exe
                && w.limits == *opts.limits
                && w.ocr == *opts.ocr
                && w.served < REQUESTS_PER_WORKER
                && w.is_alive()
        });
        if !reusable {
            *slot = None; // Drop kills and reaps the old one.
            match WorkerProcess::spawn(exe, opts.limits, opts.ocr) {
                Ok(w) => *slot = Some(w),
                Err(e) => {
                    if !SPAWN_WARNED.swap(true, Ordering::Relaxed) {
                        tracing::warn!(
                            exe = %exe.display(),
                            error = %format!("{e:#}"),
                            "Cannot start an attachment worker process; reading attachments in this process"
                        );
                    }
                    for i in queue.drain(..) {
                        results[i] = Some(read_in_process(atts[i], opts));
                    }
                    return;
                }
            }
        }
        let Some(worker) = slot.as_mut() else {
            return;
        };
        // The batch: requests that fit in the pipe together, so writing them never waits on a
        // child that is itself waiting for its answers to be read; at least one.
        let mut batch = Vec::new();
        let mut bytes = 0usize;
        while let Some(&i) = queue.front() {
            let size = request_bytes(atts[i]);
            let room = batch.is_empty()
                || (bytes + size <= worker.pipe_bytes
                    && worker.served + (batch.len() as u32) < REQUESTS_PER_WORKER);
            if !room {
                break;
            }
            bytes += size;
            batch.push(i);
            queue.pop_front();
        }
        let items: Vec<&Attachment> = batch.iter().map(|&i| atts[i]).collect();
        let (answers, failure) = worker.request(&items);
        let answered = answers.len();
        for (&i, answer) in batch.iter().zip(answers) {
            results[i] = Some(answer);
        }
        match failure {
            None => {
                if !worker.inbox.is_empty() {
                    tracing::warn!(
                        bytes = worker.inbox.len(),
                        "Attachment worker wrote more than it was asked for; starting a new one"
                    );
                    *slot = None;
                }
            }
            Some(failure) => {
                let i = batch[answered];
                let why = worker.explain(failure);
                tracing::warn!(
                    attachment = %atts[i].filename,
                    reason = %why,
                    worker_stderr = %worker.stderr_text(),
                    "Attachment worker failed; starting a new one"
                );
                results[i] = Some(Err(why));
                *slot = None;
                // The rest of the batch was never read: to the front of the queue, in order.
                for &j in batch[answered + 1..].iter().rev() {
                    queue.push_front(j);
                }
            }
        }
    }
}

/// At most the bytes one request takes in the pipe: two frames (a JSON header, in which each
/// byte of the file name takes at most six, and the attachment).
fn request_bytes(att: &Attachment) -> usize {
    16 + 64 + 6 * att.filename.len() + att.bytes.len()
}

static SPAWN_WARNED: AtomicBool = AtomicBool::new(false);
