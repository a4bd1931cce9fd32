//! Attachment-reading worker processes: attachments in over a pipe → documents out, so a parser
//! that overflows its stack, aborts, runs out of memory or loops costs one worker, not the run.
//!
//! The parent (`read_attachments`) keeps one long-lived `regintake worker` child per calling
//! thread and may send it several requests at once (as many as fit in the pipe), reading the
//! answers in order. Protocol, every frame an 8-byte little-endian length then the payload:
//! parent → child: a hello (JSON: protocol name + `Limits`), then per attachment a JSON header
//! (kind, file name) and a frame of raw bytes; child → parent: a ready frame after the hello,
//! then one JSON `Result<Option<Document>, Unreadable>` per attachment (the kind of failure
//! travels with it). The child sets `RLIMIT_AS`
//! once and an `RLIMIT_CPU` budget per attachment; the parent polls the child's stdout and
//! stderr with the attachment deadline, kills and replaces a child that overruns or dies, and
//! logs what the child wrote to stderr through its own log format.
//! The child is given no config (and no REGINTAKE_* variables), so it holds no secret to log.

use super::ocr::OcrSettings;
use super::{Crash, Document, ReadOptions, Unreadable};
use crate::limits::Limits;
use crate::mime::{Attachment, FileKind};
use anyhow::{Context as _, Result, bail};
use serde::{Deserialize, Serialize};
use std::cell::RefCell;
use std::collections::VecDeque;
use std::io::{Read, Write};
use std::os::fd::{AsFd, AsRawFd};
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStderr, ChildStdin, ChildStdout, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// Names the frame layout; a child that answers with another name is not used.
const PROTOCOL: &str = "regintake-worker/3";
/// Largest hello or request header accepted (they hold a few hundred bytes).
const MAX_HEADER_BYTES: u64 = 1 << 20;
/// Largest response accepted from a child: a document's text is at most `max_text_bytes` (by
/// its `text_cost`), which JSON may write up to six times as long (`\u0000`), plus its framing.
fn max_response_bytes(limits: &Limits) -> u64 {
    limits
        .max_text_bytes
        .saturating_mul(8)
        .saturating_add(1 << 20)
}
/// A worker is replaced after this many attachments, so heap growth or fragmentation in one
/// long-lived child stays bounded.
const REQUESTS_PER_WORKER: u32 = 1_000;
/// How long a new worker has to answer the hello, at least.
const MIN_START_TIMEOUT: Duration = Duration::from_secs(5);
/// How much of the child's stderr is kept to tell why it died.
const STDERR_TAIL_BYTES: usize = 4096;
/// Asked-for size of the pipes to and from a worker (Linux's default pipe-max-size).
const PIPE_BYTES: libc::c_int = 1 << 20;

#[derive(Serialize, Deserialize)]
struct Hello {
    protocol: String,
    limits: Limits,
    ocr: OcrSettings,
}

#[derive(Serialize, Deserialize)]
struct Ready {
    protocol: String,
}

#[derive(Serialize, Deserialize)]
struct RequestHeader {
    /// `pdf`, `docx`, `odt` or `image`.
    kind: String,
    filename: String,
}

type Response = Result<Option<Document>, Unreadable>;

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
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        super::read_attachment_with(att, opts.limits, opts.ocr)
    }))
    .unwrap_or_else(|panic| {
        Err(Unreadable::ReaderFailed {
            reason: crate::panic_text(&*panic),
        })
    })
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

fn worker_kind(kind: FileKind) -> Option<&'static str> {
    match kind {
        FileKind::Pdf => Some("pdf"),
        FileKind::Docx => Some("docx"),
        FileKind::Odt => Some("odt"),
        FileKind::Doc => Some("doc"),
        FileKind::Rtf => Some("rtf"),
        FileKind::Tnef => Some("tnef"),
        FileKind::Image => Some("image"),
        FileKind::Zip | FileKind::InlineImage | FileKind::Other => None,
    }
}

fn kind_from_name(name: &str) -> Option<FileKind> {
    match name {
        "pdf" => Some(FileKind::Pdf),
        "docx" => Some(FileKind::Docx),
        "odt" => Some(FileKind::Odt),
        "doc" => Some(FileKind::Doc),
        "rtf" => Some(FileKind::Rtf),
        "tnef" => Some(FileKind::Tnef),
        "image" => Some(FileKind::Image),
        _ => None,
    }
}

/// How long reading an attachment of this kind may take: the attachment deadline, and the OCR
/// deadline on top for the kinds that may be images of a form (a scanned PDF, an image).
fn deadline_ms(kind: FileKind, limits: &Limits, ocr: &OcrSettings) -> u64 {
    let ocr_ms = match kind {
        FileKind::Pdf | FileKind::Image => ocr.extra_deadline_ms(),
        _ => 0,
    };
    limits.attachment_deadline_ms.saturating_add(ocr_ms)
}

/// How a request to a child went wrong.
enum Failure {
    /// No response within the deadline (the child was killed).
    Deadline,
    /// The child exited or closed its stdout.
    Died,
    /// The child answered something that is not the protocol.
    Protocol(String),
}

/// A running `regintake worker` child and the pipes to it.
struct WorkerProcess {
    exe: PathBuf,
    limits: Limits,
    ocr: OcrSettings,
    /// The deadline of the request under way, for the reason a late one is given.
    deadline_ms: u64,
    child: Child,
    stdin: Option<ChildStdin>,
    stdout: ChildStdout,
    stderr: Option<ChildStderr>,
    stderr_tail: Vec<u8>,
    /// How the child said it was dying, noted as its stderr streamed past.
    dying: DyingWords,
    /// Read buffer for the child's pipes, kept between requests.
    chunk: Box<[u8]>,
    /// What the child wrote to stdout that is not yet taken as an answer.
    inbox: Vec<u8>,
    /// How many bytes the pipe to the child holds.
    pipe_bytes: usize,
    served: u32,
    /// Set once the child is known to be dead and reaped.
    exit: Option<ExitStatus>,
}

impl WorkerProcess {
    fn spawn(exe: &Path, limits: &Limits, ocr: &OcrSettings) -> Result<WorkerProcess> {
        let mut child = Command::new(spawn_path(exe))
            .arg("-q")
            .arg("worker")
            // The child reads no config: it must hold no secret it could log.
            .env_remove("REGINTAKE_CONFIG")
            .env_remove("REGINTAKE_DB")
            .env_remove("REGINTAKE_LOG")
            // mimalloc reserves 1 GiB of address space up front by default, which counts
            // against the worker's RLIMIT_AS: the stack could then not grow to its guard page,
            // and a stack overflow showed as a bare segmentation fault.
            .env("MIMALLOC_ARENA_RESERVE", "32MiB")
            // No backtraces, whatever the run inherited: they would only cost time (a panic's
            // is written before the deadline clock stops) and memory, bury the child's last
            // words under kilobytes of frames, and say nothing the note needs.
            .env("RUST_BACKTRACE", "0")
            .env("RUST_LIB_BACKTRACE", "0")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .with_context(|| format!("cannot run {} worker", exe.display()))?;
        let (Some(stdin), Some(stdout), Some(stderr)) =
            (child.stdin.take(), child.stdout.take(), child.stderr.take())
        else {
            let _ = child.kill();
            let _ = child.wait();
            bail!("worker pipes missing");
        };
        // Room for a whole attachment or document in each pipe, so one request is one write
        // and one wake-up each way instead of a ping-pong of 64 KiB pieces.
        for fd in [stdin.as_raw_fd(), stdout.as_raw_fd()] {
            // SAFETY: fcntl on a pipe descriptor we own; failure (e.g. over the system's
            // pipe-max-size) leaves the default size, which only costs speed.
            unsafe { libc::fcntl(fd, libc::F_SETPIPE_SZ, PIPE_BYTES) };
        }
        // SAFETY: fcntl on a pipe descriptor we own.
        let pipe_bytes = match unsafe { libc::fcntl(stdin.as_raw_fd(), libc::F_GETPIPE_SZ) } {
            n if n > 0 => n as usize,
            _ => 64 << 10,
        };
        let mut worker = WorkerProcess {
            exe: exe.to_path_buf(),
            limits: limits.clone(),
            ocr: ocr.clone(),
            deadline_ms: limits.attachment_deadline_ms,
            child,
            stdin: Some(stdin),
            stdout,
            stderr: Some(stderr),
            stderr_tail: Vec::new(),
            dying: DyingWords::default(),
            chunk: vec![0u8; 64 << 10].into_boxed_slice(),
            inbox: Vec::new(),
            pipe_bytes,
            served: 0,
            exit: None,
        };
        let hello = serde_json::to_vec(&Hello {
            protocol: PROTOCOL.to_string(),
            limits: limits.clone(),
            ocr: ocr.clone(),
        })?;
        let timeout = Duration::from_millis(limits.attachment_deadline_ms).max(MIN_START_TIMEOUT);
        let started = (|| -> Result<(), Failure> {
            worker.send(&[&hello])?;
            let frame = worker.receive(Instant::now() + timeout, MAX_HEADER_BYTES)?;
            match serde_json::from_slice::<Ready>(&frame) {
                Ok(r) if r.protocol == PROTOCOL => Ok(()),
                _ => Err(Failure::Protocol("unexpected hello answer".into())),
            }
        })();
        match started {
            Ok(()) => Ok(worker),
            Err(f) => bail!("worker did not start: {}", worker.explain(f)),
        }
    }

    /// Sends the attachments together and waits for their documents one by one, each within
    /// the attachment deadline (counted from the answer before it, when the child started on
    /// it). The answers received, and the failure that stopped the rest, if any: it belongs
    /// to the attachment after the last answer.
    fn request(&mut self, atts: &[&Attachment]) -> (Vec<Response>, Option<Failure>) {
        let mut frames: Vec<Vec<u8>> = Vec::with_capacity(atts.len());
        for att in atts {
            let header = serde_json::to_vec(&RequestHeader {
                kind: worker_kind(att.kind).unwrap_or("other").to_string(),
                filename: att.filename.clone(),
            });
            match header {
                Ok(h) => frames.push(h),
                Err(e) => return (Vec::new(), Some(Failure::Protocol(e.to_string()))),
            }
        }
        let parts: Vec<&[u8]> = frames
            .iter()
            .zip(atts)
            .flat_map(|(header, att)| [header.as_slice(), att.bytes.as_slice()])
            .collect();
        self.served += atts.len() as u32;
        if let Err(failure) = self.send(&parts) {
            return (Vec::new(), Some(failure));
        }
        let mut answers = Vec::with_capacity(atts.len());
        for att in atts {
            self.stderr_tail.clear();
            self.dying = DyingWords::default();
            self.deadline_ms = deadline_ms(att.kind, &self.limits, &self.ocr);
            let deadline = Instant::now() + Duration::from_millis(self.deadline_ms);
            let frame = match self.receive(deadline, max_response_bytes(&self.limits)) {
                Ok(frame) => frame,
                Err(failure) => return (answers, Some(failure)),
            };
            if !self.stderr_tail.is_empty() {
                tracing::debug!(
                    attachment = %att.filename,
                    worker_stderr = %self.stderr_text(),
                    "Attachment worker wrote to stderr"
                );
            }
            match serde_json::from_slice::<Response>(&frame) {
                Ok(answer) => answers.push(answer),
                Err(e) => {
                    return (
                        answers,
                        Some(Failure::Protocol(format!("bad response: {e}"))),
                    );
                }
            }
        }
        (answers, None)
    }

    fn send(&mut self, frames: &[&[u8]]) -> Result<(), Failure> {
        let Some(stdin) = self.stdin.as_mut() else {
            return Err(Failure::Died);
        };
        let mut write = || -> std::io::Result<()> {
            // One buffer, one write: the child wakes once per request.
            let total = frames.iter().map(|f| 8 + f.len()).sum();
            let mut message = Vec::with_capacity(total);
            for frame in frames {
                message.extend_from_slice(&(frame.len() as u64).to_le_bytes());
                message.extend_from_slice(frame);
            }
            stdin.write_all(&message)?;
            stdin.flush()
        };
        // A child that died while reading shows as a broken pipe (SIGPIPE is ignored in Rust
        // programs).
        if write().is_err() {
            self.reap();
            return Err(Failure::Died);
        }
        Ok(())
    }

    /// The kept tail of the child's stderr, trimmed.
    fn stderr_text(&self) -> String {
        String::from_utf8_lossy(&self.stderr_tail)
            .trim()
            .to_string()
    }

    fn is_alive(&mut self) -> bool {
        self.exit.is_none() && matches!(self.child.try_wait(), Ok(None))
    }

    /// Reads one frame from the child's stdout, forwarding its stderr meanwhile; kills the
    /// child at `deadline`. Bytes read past the frame (the next answer of a batch) stay in
    /// `inbox`.
    fn receive(&mut self, deadline: Instant, max_len: u64) -> Result<Vec<u8>, Failure> {
        let mut chunk = std::mem::take(&mut self.chunk);
        let result = self.receive_with(deadline, max_len, &mut chunk);
        self.chunk = chunk;
        result
    }

    fn receive_with(
        &mut self,
        deadline: Instant,
        max_len: u64,
        chunk: &mut [u8],
    ) -> Result<Vec<u8>, Failure> {
        loop {
            if self.inbox.len() >= 8 {
                let mut len_bytes = [0u8; 8];
                len_bytes.copy_from_slice(&self.inbox[..8]);
                let len = u64::from_le_bytes(len_bytes);
                if len > max_len {
                    return Err(Failure::Protocol(format!("{len} byte response")));
                }
                let want = 8 + len as usize;
                if self.inbox.len() >= want {
                    let rest = self.inbox.split_off(want);
                    let mut frame = std::mem::replace(&mut self.inbox, rest);
                    frame.drain(..8);
                    return Ok(frame);
                }
                self.inbox.reserve(want - self.inbox.len());
            }
            let now = Instant::now();
            if now >= deadline {
                self.kill();
                return Err(Failure::Deadline);
            }
            let wait_ms = (deadline - now).as_millis().clamp(1, i32::MAX as u128) as i32;
            let mut fds = [
                libc::pollfd {
                    fd: self.stdout.as_raw_fd(),
                    events: libc::POLLIN,
                    revents: 0,
                },
                libc::pollfd {
                    // A negative fd is skipped by poll.
                    fd: self.stderr.as_ref().map_or(-1, |e| e.as_raw_fd()),
                    events: libc::POLLIN,
                    revents: 0,
                },
            ];
            // SAFETY: `fds` is a valid array of two pollfd for the duration of the call.
            let ready = unsafe { libc::poll(fds.as_mut_ptr(), fds.len() as libc::nfds_t, wait_ms) };
            if ready < 0 {
                let err = std::io::Error::last_os_error();
                if err.kind() == std::io::ErrorKind::Interrupted {
                    continue;
                }
                self.kill();
                return Err(Failure::Protocol(format!("poll: {err}")));
            }
            if fds[1].revents != 0 {
                self.forward_stderr(chunk);
            }
            if fds[0].revents != 0 {
                match self.stdout.read(chunk) {
                    Ok(0) | Err(_) => {
                        self.reap();
                        return Err(Failure::Died);
                    }
                    Ok(n) => self.inbox.extend_from_slice(&chunk[..n]),
                }
            }
        }
    }

    /// One read from the child's stderr (it is readable): the tail is kept, to tell why a child
    /// died and to be logged through our own log format (raw text would break JSON logs).
    fn forward_stderr(&mut self, chunk: &mut [u8]) {
        let Some(stderr) = self.stderr.as_mut() else {
            return;
        };
        match stderr.read(chunk) {
            Ok(0) | Err(_) => self.stderr = None,
            Ok(n) => {
                self.stderr_tail.extend_from_slice(&chunk[..n]);
                // Before the tail is cut: the words may have come just before a long report.
                self.dying.note(&self.stderr_tail);
                if self.stderr_tail.len() > STDERR_TAIL_BYTES {
                    let cut = self.stderr_tail.len() - STDERR_TAIL_BYTES;
                    self.stderr_tail.drain(..cut);
                }
            }
        }
    }

    /// Waits for a child that has closed its stdout, reading the rest of its stderr (the
    /// reason it died) for a bounded time.
    fn reap(&mut self) {
        let until = Instant::now() + Duration::from_secs(2);
        let mut chunk = vec![0u8; 16 << 10];
        while let Some(fd) = self.stderr.as_ref().map(|e| e.as_raw_fd()) {
            let left = until.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break;
            }
            let mut pfd = libc::pollfd {
                fd,
                events: libc::POLLIN,
                revents: 0,
            };
            // SAFETY: one valid pollfd.
            let ready = unsafe { libc::poll(&mut pfd, 1, left.as_millis().max(1) as i32) };
            if ready <= 0 {
                break;
            }
            self.forward_stderr(&mut chunk);
        }
        // A child that closed stdout but lives on is not one to wait for.
        if let Ok(Some(status)) = self.child.try_wait() {
            self.exit = Some(status);
            return;
        }
        std::thread::sleep(Duration::from_millis(20));
        if let Ok(Some(status)) = self.child.try_wait() {
            self.exit = Some(status);
            return;
        }
        self.kill();
    }

    fn kill(&mut self) {
        if self.exit.is_some() {
            return;
        }
        let _ = self.child.kill(); // SIGKILL
        if let Ok(status) = self.child.wait() {
            self.exit = Some(status);
        }
    }

    /// Why the attachment could not be read, from how the request failed and what the child
    /// wrote to stderr before it died.
    fn explain(&mut self, failure: Failure) -> Unreadable {
        let deadline_ms = self.deadline_ms;
        match failure {
            Failure::Deadline => Unreadable::TimedOut {
                deadline_ms,
                cpu: false,
            },
            Failure::Protocol(reason) => Unreadable::ReaderFailed { reason },
            Failure::Died => {
                let signal = self.exit.and_then(|s| s.signal());
                if self.dying.out_of_memory {
                    Unreadable::OutOfMemory {
                        limit_mib: self.limits.worker_memory_bytes >> 20,
                    }
                } else if signal == Some(libc::SIGXCPU) {
                    Unreadable::TimedOut {
                        deadline_ms,
                        cpu: true,
                    }
                } else if self.dying.stack_overflow {
                    Unreadable::ReaderCrashed {
                        crash: Crash::StackOverflow,
                    }
                } else if let Some(signal) = signal {
                    Unreadable::ReaderCrashed {
                        crash: Crash::Signal { signal },
                    }
                } else if let Some(code) = self.exit.and_then(|s| s.code()) {
                    Unreadable::ReaderCrashed {
                        crash: Crash::Exit { code },
                    }
                } else {
                    Unreadable::ReaderCrashed {
                        crash: Crash::Unknown,
                    }
                }
            }
        }
    }
}

impl Drop for WorkerProcess {
    fn drop(&mut self) {
        // Closing stdin ends an idle child's loop; SIGKILL makes sure, and wait reaps it.
        self.stdin = None;
        self.kill();
    }
}

/// What a dying child says on stderr: Rust's allocation-failure and stack-overflow messages
/// (mimalloc's own when it cannot map memory).
#[derive(Debug, Default, Clone, Copy)]
struct DyingWords {
    out_of_memory: bool,
    stack_overflow: bool,
}

impl DyingWords {
    fn note(&mut self, stderr: &[u8]) {
        let says = |words: &str| memchr::memmem::find(stderr, words.as_bytes()).is_some();
        self.out_of_memory |= says("memory allocation of") || says("out of memory");
        self.stack_overflow |= says("overflowed its stack");
    }
}

/// On Linux an upgrade may replace the binary while a long run is up: start workers from the
/// running image when the worker is this very program.
fn spawn_path(exe: &Path) -> PathBuf {
    let proc_exe = Path::new("/proc/self/exe");
    if cfg!(target_os = "linux")
        && proc_exe.exists()
        && std::env::current_exe().is_ok_and(|me| me == exe)
    {
        return proc_exe.to_path_buf();
    }
    exe.to_path_buf()
}

// ---------------------------------------------------------------------------------------------
// The child side.

/// The hidden `worker` subcommand: serve read requests on stdin/stdout until stdin closes.
/// The limits come from the parent's hello; `_config_limits` (the child has no config) is not
/// used.
pub fn serve(_config_limits: &Limits) -> Result<()> {
    // Ctrl-C reaches the whole process group and systemd signals the whole unit: the parent
    // decides when to stop (finishing the messages in hand, whose attachments are read here);
    // this process ends when the parent closes its pipe.
    for signal in [libc::SIGINT, libc::SIGTERM] {
        // SAFETY: setting a signal's disposition to "ignore" has no preconditions.
        unsafe { libc::signal(signal, libc::SIG_IGN) };
    }
    let stdin = std::io::stdin();
    let mut input = stdin.lock();
    // Straight to the pipe: std's stdout is line-buffered and would split a frame at a 0x0A.
    let mut output = std::fs::File::from(
        std::io::stdout()
            .as_fd()
            .try_clone_to_owned()
            .context("cannot use stdout")?,
    );

    let hello = read_frame(&mut input, MAX_HEADER_BYTES)?.context("no hello from the parent")?;
    let hello: Hello = serde_json::from_slice(&hello).context("bad hello from the parent")?;
    if hello.protocol != PROTOCOL {
        bail!("parent speaks {:?}, not {PROTOCOL:?}", hello.protocol);
    }
    let limits = hello.limits;
    let ocr = hello.ocr;
    set_memory_limit(limits.worker_memory_bytes);
    write_frame(
        &mut output,
        &serde_json::to_vec(&Ready {
            protocol: PROTOCOL.to_string(),
        })?,
    )?;

    loop {
        let Some(header) = read_frame(&mut input, MAX_HEADER_BYTES)? else {
            return Ok(()); // The parent is done with us.
        };
        let header: RequestHeader =
            serde_json::from_slice(&header).context("bad request header")?;
        let bytes = read_frame(&mut input, limits.max_attachment_bytes)?
            .context("request without bytes")?;
        let response: Response = match kind_from_name(&header.kind) {
            None => Err(Unreadable::ReaderFailed {
                reason: format!("unknown attachment kind {:?}", header.kind),
            }),
            Some(kind) => {
                set_cpu_budget(deadline_ms(kind, &limits, &ocr));
                let att = Attachment {
                    filename: header.filename,
                    content_type: String::new(),
                    kind,
                    bytes,
                };
                match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    #[cfg(debug_assertions)]
                    test_faults::maybe_fault(&att.filename);
                    super::read_attachment_with(&att, &limits, &ocr)
                })) {
                    Ok(r) => r,
                    Err(panic) => Err(Unreadable::ReaderFailed {
                        reason: crate::panic_text(&*panic),
                    }),
                }
            }
        };
        write_frame(&mut output, &serde_json::to_vec(&response)?)?;
    }
}

/// One frame, or `None` at a clean end of input (before a frame starts).
fn read_frame(input: &mut impl Read, max_len: u64) -> Result<Option<Vec<u8>>> {
    let mut len_bytes = [0u8; 8];
    let mut got = 0;
    while got < 8 {
        match input.read(&mut len_bytes[got..]) {
            Ok(0) if got == 0 => return Ok(None),
            Ok(0) => bail!("input ended inside a frame length"),
            Ok(n) => got += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e).context("cannot read from the parent"),
        }
    }
    let len = u64::from_le_bytes(len_bytes);
    if len > max_len {
        bail!("frame of {len} bytes is over the {max_len} byte limit");
    }
    let mut buf = vec![0u8; len as usize];
    input
        .read_exact(&mut buf)
        .context("input ended inside a frame")?;
    Ok(Some(buf))
}

fn write_frame(output: &mut impl Write, payload: &[u8]) -> Result<()> {
    // One write per frame, so the parent wakes once.
    let mut frame = Vec::with_capacity(8 + payload.len());
    frame.extend_from_slice(&(payload.len() as u64).to_le_bytes());
    frame.extend_from_slice(payload);
    output.write_all(&frame)?;
    output.flush()?;
    Ok(())
}

/// Caps the child's address space, so a reader that allocates without bound fails an
/// allocation (and aborts the child) instead of pushing the machine into swap.
fn set_memory_limit(bytes: u64) {
    if bytes == 0 {
        return;
    }
    let limit = libc::rlimit {
        rlim_cur: bytes as libc::rlim_t,
        rlim_max: bytes as libc::rlim_t,
    };
    // SAFETY: a valid rlimit struct for the duration of the call.
    if unsafe { libc::setrlimit(libc::RLIMIT_AS, &limit) } != 0 {
        tracing::warn!(
            error = %std::io::Error::last_os_error(),
            "Cannot set the worker's memory limit"
        );
    }
}

/// Backstop to the parent's wall-clock deadline: a soft CPU limit of the CPU time used so far
/// plus this attachment's budget (SIGXCPU ends the child). Only the soft limit moves, so it can
/// be raised again for the next attachment.
fn set_cpu_budget(deadline_ms: u64) {
    // SAFETY: getrusage/getrlimit/setrlimit only write the structs passed.
    unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        if libc::getrusage(libc::RUSAGE_SELF, &mut usage) != 0 {
            return;
        }
        let used = (usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) as u64 + 1;
        let mut limit: libc::rlimit = std::mem::zeroed();
        if libc::getrlimit(libc::RLIMIT_CPU, &mut limit) != 0 {
            return;
        }
        let want = used + deadline_ms.div_ceil(1000) + 2;
        let cur = if limit.rlim_max != libc::RLIM_INFINITY {
            want.min(limit.rlim_max as u64)
        } else {
            want
        };
        limit.rlim_cur = cur as libc::rlim_t;
        libc::setrlimit(libc::RLIMIT_CPU, &limit);
    }
}

/// Debug builds only, and only with `REGINTAKE_TEST_FAULTS=1` in the worker's environment: an
/// attachment named `regintake-fault-<kind>.<ext>` makes the worker fail that way, so tests can
/// show the parent survives what `catch_unwind` cannot catch.
#[cfg(debug_assertions)]
mod test_faults {
    pub fn maybe_fault(filename: &str) {
        if std::env::var_os("REGINTAKE_TEST_FAULTS").is_none_or(|v| v != "1") {
            return;
        }
        let Some(rest) = filename.strip_prefix("regintake-fault-") else {
            return;
        };
        let fault = rest.split('.').next().unwrap_or("");
        match fault {
            "abort" => std::process::abort(),
            "stack" => {
                std::hint::black_box(recurse(0));
            }
            "memory" => {
                // Touch memory page by page until the address-space limit stops us.
                let mut hoard: Vec<Vec<u8>> = Vec::new();
                loop {
                    let mut block = vec![0u8; 64 << 20];
                    for i in (0..block.len()).step_by(4096) {
                        block[i] = 1;
                    }
                    hoard.push(std::hint::black_box(block));
                }
            }
            // Out of memory deep in a call stack: with backtraces on, the report after the
            // allocation failure runs to many KB.
            "memory-deep" => {
                std::hint::black_box(deep_then(200, &|| maybe_fault("regintake-fault-memory.")));
            }
            // One allocation larger than the limit, deep in a call stack: the rest of the
            // memory is free, so a backtrace after the failure prints in full (tens of KB)
            // and buries the words before it.
            "memory-large" => {
                std::hint::black_box(deep_then(200, &|| {
                    std::hint::black_box(Vec::<u8>::with_capacity(4 << 30));
                }));
            }
            "loop" => loop {
                std::hint::black_box(0u64);
            },
            "sleep" => std::thread::sleep(std::time::Duration::from_secs(3600)),
            "panic" => panic!("test fault: panic"),
            _ => {}
        }
    }

    fn deep_then(depth: u32, then: &dyn Fn()) -> u32 {
        let frame = std::hint::black_box([depth; 32]);
        if depth == 0 {
            then();
            return 0;
        }
        deep_then(depth - 1, then).wrapping_add(frame[3])
    }

    fn recurse(depth: u64) -> u64 {
        let frame = std::hint::black_box([depth; 128]);
        if depth == u64::MAX {
            return 0;
        }
        recurse(depth + 1).wrapping_add(frame[7])
    }
}
