//! The child's side of a worker (the hidden `worker` subcommand): requests in on stdin →
//! documents out on stdout, under the memory limit and a CPU budget per attachment.

use super::protocol::*;
use crate::extract::Unreadable;
use crate::limits::Limits;
use crate::mime::Attachment;
use anyhow::{Context as _, Result, bail};
use std::cell::Cell;
use std::os::fd::AsFd;
use std::rc::Rc;

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

    // When OCR starts on an attachment: tell the parent, which grants the OCR time, and raise
    // the CPU budget to match (the parent grants it to the kinds OCR reads only).
    let grant_ms = Rc::new(Cell::new(0u64));
    let notice = serde_json::to_vec(&ChildMessage::OcrStarting)?;
    let notify = output.try_clone().context("cannot use stdout")?;
    let grant = grant_ms.clone();
    let base_ms = limits.attachment_deadline_ms;
    crate::extract::ocr::on_start(Box::new(move || {
        if grant.get() > 0 {
            set_cpu_budget(base_ms.saturating_add(grant.get()));
        }
        // A parent that is gone shows when the answer is written.
        let _ = write_frame(&mut &notify, &notice);
    }));

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
                set_cpu_budget(limits.attachment_deadline_ms);
                grant_ms.set(ocr_grant_ms(kind, &ocr));
                let att = Attachment {
                    filename: header.filename,
                    content_type: String::new(),
                    kind,
                    bytes,
                };
                match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    #[cfg(debug_assertions)]
                    test_faults::maybe_fault(&att.filename);
                    crate::extract::read_attachment_with(&att, &limits, &ocr)
                })) {
                    Ok(r) => r,
                    Err(panic) => Err(Unreadable::ReaderFailed {
                        reason: crate::panic_text(&*panic),
                    }),
                }
            }
        };
        write_frame(
            &mut output,
            &serde_json::to_vec(&ChildMessage::Done(response))?,
        )?;
    }
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
pub(super) fn set_cpu_budget(deadline_ms: u64) {
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
            // OCR starts, then takes 2.5 s before the reading goes on: longer than a short
            // attachment deadline, within the OCR time the parent then grants.
            "ocr-slow" => {
                crate::extract::ocr::starting();
                std::thread::sleep(std::time::Duration::from_millis(2_500));
            }
            // OCR starts and never ends: stopped at the OCR time, not the attachment deadline.
            "ocr-sleep" => {
                crate::extract::ocr::starting();
                std::thread::sleep(std::time::Duration::from_secs(3600));
            }
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
