//! The parent's side of a worker: one running `regintake worker` child, its pipes, and how a
//! request to it went (answered, late, dead, or off the protocol).

use super::protocol::*;
use crate::extract::ocr::OcrSettings;
use crate::extract::{Crash, Unreadable};
use crate::limits::Limits;
use crate::mime::Attachment;
use anyhow::{Context as _, Result, bail};
use std::io::{Read, Write};
use std::os::fd::AsRawFd;
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStderr, ChildStdin, ChildStdout, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

/// How long a new worker has to answer the hello, at least.
pub(super) const MIN_START_TIMEOUT: Duration = Duration::from_secs(5);
/// How much of the child's stderr is kept to tell why it died.
pub(super) const STDERR_TAIL_BYTES: usize = 4096;
/// Asked-for size of the pipes to and from a worker (Linux's default pipe-max-size).
pub(super) const PIPE_BYTES: libc::c_int = 1 << 20;

/// How a request to a child went wrong.
pub(super) enum Failure {
    /// No response within the deadline (the child was killed).
    Deadline,
    /// The child exited or closed its stdout.
    Died,
    /// The child answered something that is not the protocol.
    Protocol(String),
}

/// A running `regintake worker` child and the pipes to it.
pub(super) struct WorkerProcess {
    pub(super) exe: PathBuf,
    pub(super) limits: Limits,
    pub(super) ocr: OcrSettings,
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
    pub(super) inbox: Vec<u8>,
    /// How many bytes the pipe to the child holds.
    pub(super) pipe_bytes: usize,
    pub(super) served: u32,
    /// Set once the child is known to be dead and reaped.
    exit: Option<ExitStatus>,
}

impl WorkerProcess {
    pub(super) fn spawn(exe: &Path, limits: &Limits, ocr: &OcrSettings) -> Result<WorkerProcess> {
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
    /// it; longer once OCR starts on it). The answers received, and the failure that stopped the rest, if any: it belongs
    /// to the attachment after the last answer.
    pub(super) fn request(&mut self, atts: &[&Attachment]) -> (Vec<Response>, Option<Failure>) {
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
            match self.answer(att) {
                Ok(answer) => answers.push(answer),
                Err(failure) => return (answers, Some(failure)),
            }
            if !self.stderr_tail.is_empty() {
                tracing::debug!(
                    attachment = %att.filename,
                    worker_stderr = %self.stderr_text(),
                    "Attachment worker wrote to stderr"
                );
            }
        }
        (answers, None)
    }

    /// Waits for the answer to `att`, within the attachment deadline, or, once the child says
    /// OCR starts on it, the OCR time from then plus an attachment deadline for reading what
    /// OCR found. Only an attachment that reaches OCR gets the OCR time: a hostile PDF that is
    /// no scan is stopped at the attachment deadline.
    fn answer(&mut self, att: &Attachment) -> Result<Response, Failure> {
        let base_ms = self.limits.attachment_deadline_ms;
        self.deadline_ms = base_ms;
        let mut deadline = Instant::now() + Duration::from_millis(base_ms);
        let mut granted = false;
        loop {
            let frame = self.receive(deadline, max_response_bytes(&self.limits))?;
            match serde_json::from_slice::<ChildMessage>(&frame) {
                Ok(ChildMessage::Done(answer)) => return Ok(answer),
                Ok(ChildMessage::OcrStarting) => {
                    let grant_ms = ocr_grant_ms(att.kind, &self.ocr);
                    if !granted && grant_ms > 0 {
                        granted = true;
                        self.deadline_ms = base_ms.saturating_add(grant_ms);
                        deadline = Instant::now()
                            + Duration::from_millis(grant_ms.saturating_add(base_ms));
                        tracing::debug!(
                            attachment = %att.filename,
                            ocr_deadline_ms = grant_ms,
                            "OCR started in the attachment worker; its time granted"
                        );
                    }
                }
                Err(e) => return Err(Failure::Protocol(format!("bad response: {e}"))),
            }
        }
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
    pub(super) fn stderr_text(&self) -> String {
        String::from_utf8_lossy(&self.stderr_tail)
            .trim()
            .to_string()
    }

    pub(super) fn is_alive(&mut self) -> bool {
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
    pub(super) fn explain(&mut self, failure: Failure) -> Unreadable {
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
pub(super) struct DyingWords {
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
pub(super) fn spawn_path(exe: &Path) -> PathBuf {
    let proc_exe = Path::new("/proc/self/exe");
    if cfg!(target_os = "linux")
        && proc_exe.exists()
        && std::env::current_exe().is_ok_and(|me| me == exe)
    {
        return proc_exe.to_path_buf();
    }
    exe.to_path_buf()
}
