//! The server's bytes in → the same bytes to async-imap, with what one command may receive
//! bounded on the stream itself (`StreamLimits`: all bytes, a literal, a line, a deadline, a
//! silence); a server past a limit makes the read fail with a typed `StreamLimit`. Also keeps
//! the status line that ended a login, for the login's answer.

use anyhow::Result;
use async_imap::Session;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio_rustls::client::TlsStream;

/// The connection under an IMAP session: plain TCP (loopback only) or TLS.
#[derive(Debug)]
pub(super) enum Transport {
    Plain(TcpStream),
    Tls(Box<TlsStream<TcpStream>>),
}

/// What the server may send in answer to one command (or during login, or one IDLE), counted on
/// the byte stream itself: async-imap buffers each response whole, so a limit must act before
/// the bytes reach it.
#[derive(Debug, Clone, Copy)]
pub struct StreamLimits {
    /// The command's name, for errors.
    pub what: &'static str,
    /// Most bytes in all.
    pub max_bytes: u64,
    /// Longest literal (`{N}`) the server may announce.
    pub max_literal: u64,
    /// Longest line outside literals.
    pub max_line: u64,
    /// The whole answer must have arrived within this time.
    pub deadline: Duration,
    /// Longest silence; `None` while silence is normal (IDLE).
    pub silence: Option<Duration>,
}

impl StreamLimits {
    /// Limits for a command with a small answer (login, SELECT, STORE, ...).
    pub fn small(what: &'static str, timeout: Duration) -> StreamLimits {
        StreamLimits {
            what,
            max_bytes: 4 << 20,
            max_literal: 1 << 20,
            max_line: 1 << 20,
            deadline: timeout.saturating_mul(2),
            silence: Some(timeout),
        }
    }
}

/// A limit the server broke; inside the `std::io::Error` the session's read fails with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StreamLimit {
    TooMuch {
        what: &'static str,
        bytes: u64,
    },
    LiteralTooLarge {
        what: &'static str,
        announced: String,
        limit: u64,
    },
    LineTooLong {
        what: &'static str,
        limit: u64,
    },
    /// Still sending (or trickling) when the deadline passed.
    Deadline {
        what: &'static str,
        secs: u64,
        received: u64,
    },
    /// Nothing at all for `secs`.
    Silent {
        what: &'static str,
        secs: u64,
    },
}

impl std::fmt::Display for StreamLimit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StreamLimit::TooMuch { what, bytes } => write!(
                f,
                "the server sent more than {bytes} bytes in answer to {what}; stopped reading"
            ),
            StreamLimit::LiteralTooLarge {
                what,
                announced,
                limit,
            } => write!(
                f,
                "the server announced {announced} bytes of data in answer to {what}, over the \
                 limit of {limit}; stopped reading"
            ),
            StreamLimit::LineTooLong { what, limit } => write!(
                f,
                "the server sent a line longer than {limit} bytes in answer to {what}; stopped \
                 reading"
            ),
            StreamLimit::Deadline {
                what,
                secs,
                received,
            } => write!(
                f,
                "{what} did not finish within {secs} s although the server kept sending \
                 ({received} bytes); stopped reading"
            ),
            StreamLimit::Silent { what, secs } => write!(
                f,
                "the server stopped answering during {what} (nothing received for {secs} s)"
            ),
        }
    }
}

impl std::error::Error for StreamLimit {}

/// The `StreamLimit` inside an I/O error, if that is what it is.
pub fn stream_limit(e: &std::io::Error) -> Option<&StreamLimit> {
    e.get_ref()
        .and_then(|inner| inner.downcast_ref::<StreamLimit>())
}

/// Where the server's byte stream is: in a line, or inside a literal whose bytes are skipped.
#[derive(Debug, Default)]
struct Lexer {
    /// Bytes of the literal still to come.
    literal_left: u64,
    /// Length of the current line so far.
    line: u64,
    /// The end of the current line (enough to see `{digits}` before its CRLF).
    tail: Vec<u8>,
    /// Keep status lines (`capture_status_lines`).
    capture: bool,
    /// The start of the current line, while capturing.
    line_start: Vec<u8>,
    /// The last whole line that was neither untagged (`*`) nor a continuation (`+`): a tagged
    /// status such as `a1 NO [AUTHENTICATIONFAILED] ...`.
    last_status: Option<Vec<u8>>,
}

/// How many trailing bytes of a line are kept to find a literal's `{size}`.
const TAIL: usize = 32;

/// How many bytes of a status line are kept (a server's reason is a short sentence).
const STATUS_LINE_BYTES: usize = 1024;

impl Lexer {
    /// Follows `bytes`; an error when a line or an announced literal breaks `limits`.
    fn feed(&mut self, mut bytes: &[u8], limits: &StreamLimits) -> Result<(), StreamLimit> {
        while !bytes.is_empty() {
            if self.literal_left > 0 {
                let skip = (self.literal_left.min(bytes.len() as u64)) as usize;
                self.literal_left -= skip as u64;
                bytes = &bytes[skip..];
                continue;
            }
            let (chunk, ended) = match memchr::memchr(b'\n', bytes) {
                Some(i) => (&bytes[..=i], true),
                None => (bytes, false),
            };
            bytes = &bytes[chunk.len()..];
            if self.capture && self.line_start.len() < STATUS_LINE_BYTES {
                let room = STATUS_LINE_BYTES - self.line_start.len();
                self.line_start
                    .extend_from_slice(&chunk[..chunk.len().min(room)]);
            }
            self.line += chunk.len() as u64;
            if self.line > limits.max_line {
                return Err(StreamLimit::LineTooLong {
                    what: limits.what,
                    limit: limits.max_line,
                });
            }
            self.tail.extend_from_slice(chunk);
            if self.tail.len() > TAIL {
                self.tail.drain(..self.tail.len() - TAIL);
            }
            if ended {
                let literal = literal_announced(&self.tail);
                self.line = 0;
                self.tail.clear();
                if self.capture {
                    let line = std::mem::take(&mut self.line_start);
                    if literal.is_none() && !line.starts_with(b"*") && !line.starts_with(b"+") {
                        self.last_status = Some(line);
                    }
                }
                match literal {
                    None => {}
                    Some(Ok(n)) if n <= limits.max_literal => self.literal_left = n,
                    Some(Ok(n)) => {
                        return Err(StreamLimit::LiteralTooLarge {
                            what: limits.what,
                            announced: n.to_string(),
                            limit: limits.max_literal,
                        });
                    }
                    Some(Err(digits)) => {
                        return Err(StreamLimit::LiteralTooLarge {
                            what: limits.what,
                            announced: digits,
                            limit: limits.max_literal,
                        });
                    }
                }
            }
        }
        Ok(())
    }
}

/// The size of the literal a line ending in `{digits}` CRLF announces: `Err` with the digits
/// when they do not fit in a u64.
fn literal_announced(line: &[u8]) -> Option<Result<u64, String>> {
    let line = line.strip_suffix(b"\n")?;
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    let line = line.strip_suffix(b"}")?;
    let open = line.iter().rposition(|&b| b == b'{')?;
    let digits = &line[open + 1..];
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let text = String::from_utf8_lossy(digits).into_owned();
    Some(text.parse::<u64>().map_err(|_| format!("{text}…")))
}

/// The byte stream under an IMAP session, enforcing the `StreamLimits` of the command in
/// progress (`arm`): what the server sends in all, its lines and literals, how long it takes and
/// how long it is silent. A broken limit fails the read with a `StreamLimit`.
#[derive(Debug)]
pub struct ImapStream {
    transport: Transport,
    limits: StreamLimits,
    lexer: Lexer,
    received: u64,
    started: tokio::time::Instant,
    last_byte: tokio::time::Instant,
    /// Wakes a pending read at the deadline or when the silence is too long.
    timer: Pin<Box<tokio::time::Sleep>>,
}

impl ImapStream {
    pub(super) fn new(transport: Transport, limits: StreamLimits) -> ImapStream {
        let now = tokio::time::Instant::now();
        ImapStream {
            transport,
            limits,
            lexer: Lexer::default(),
            received: 0,
            started: now,
            last_byte: now,
            timer: Box::pin(tokio::time::sleep_until(now + limits.deadline)),
        }
    }

    /// Sets the limits for what the server sends from now on (a new command), counting afresh.
    pub fn arm(&mut self, limits: StreamLimits) {
        let now = tokio::time::Instant::now();
        self.limits = limits;
        self.received = 0;
        self.started = now;
        self.last_byte = now;
        self.lexer.line = 0;
        self.lexer.tail.clear();
        self.lexer.line_start.clear();
        // A literal still running carries over: its bytes are the stream's, not a new line.
    }

    /// Keeps (or stops keeping) the last tagged status line the server sends, so the answer to
    /// LOGIN or AUTHENTICATE can be read with its response code when async-imap only reports
    /// it as debug text.
    pub(super) fn capture_status_lines(&mut self, on: bool) {
        self.lexer.capture = on;
        self.lexer.line_start.clear();
        if !on {
            self.lexer.last_status = None;
        }
    }

    /// The last tagged status line received while capturing.
    pub(super) fn take_status_line(&mut self) -> Option<Vec<u8>> {
        self.lexer.last_status.take()
    }

    /// The plain TCP stream (before STARTTLS).
    pub(super) fn into_tcp(self) -> Option<TcpStream> {
        match self.transport {
            Transport::Plain(t) => Some(t),
            Transport::Tls(_) => None,
        }
    }

    /// The first instant at which a limit of time is broken.
    fn next_limit(&self) -> tokio::time::Instant {
        let deadline = self.started + self.limits.deadline;
        match self.limits.silence {
            Some(s) => deadline.min(self.last_byte + s),
            None => deadline,
        }
    }

    fn time_limit(&self, now: tokio::time::Instant) -> Option<StreamLimit> {
        if now >= self.started + self.limits.deadline {
            return Some(if self.received > 0 {
                StreamLimit::Deadline {
                    what: self.limits.what,
                    secs: self.limits.deadline.as_secs(),
                    received: self.received,
                }
            } else {
                StreamLimit::Silent {
                    what: self.limits.what,
                    secs: self.limits.deadline.as_secs(),
                }
            });
        }
        match self.limits.silence {
            Some(s) if now >= self.last_byte + s => Some(StreamLimit::Silent {
                what: self.limits.what,
                secs: s.as_secs(),
            }),
            _ => None,
        }
    }
}

fn broken(limit: StreamLimit) -> std::io::Error {
    let kind = match limit {
        StreamLimit::Deadline { .. } | StreamLimit::Silent { .. } => std::io::ErrorKind::TimedOut,
        _ => std::io::ErrorKind::InvalidData,
    };
    std::io::Error::new(kind, limit)
}

impl AsyncRead for ImapStream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let this = self.get_mut();
        // Checked on every read, so a server that never stops sending cannot outrun it.
        if let Some(limit) = this.time_limit(tokio::time::Instant::now()) {
            return Poll::Ready(Err(broken(limit)));
        }
        let before = buf.filled().len();
        let polled = match &mut this.transport {
            Transport::Plain(s) => Pin::new(s).poll_read(cx, buf),
            Transport::Tls(s) => Pin::new(s.as_mut()).poll_read(cx, buf),
        };
        match polled {
            Poll::Ready(Ok(())) => {
                let new = &buf.filled()[before..];
                if new.is_empty() {
                    return Poll::Ready(Ok(()));
                }
                this.received += new.len() as u64;
                this.last_byte = tokio::time::Instant::now();
                if this.received > this.limits.max_bytes {
                    return Poll::Ready(Err(broken(StreamLimit::TooMuch {
                        what: this.limits.what,
                        bytes: this.limits.max_bytes,
                    })));
                }
                if let Err(limit) = this.lexer.feed(new, &this.limits) {
                    return Poll::Ready(Err(broken(limit)));
                }
                Poll::Ready(Ok(()))
            }
            Poll::Ready(Err(e)) => Poll::Ready(Err(e)),
            Poll::Pending => {
                let wake_at = this.next_limit();
                this.timer.as_mut().reset(wake_at);
                if this.timer.as_mut().poll(cx).is_ready()
                    && let Some(limit) = this.time_limit(tokio::time::Instant::now())
                {
                    return Poll::Ready(Err(broken(limit)));
                }
                Poll::Pending
            }
        }
    }
}

impl AsyncWrite for ImapStream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        match &mut self.get_mut().transport {
            Transport::Plain(s) => Pin::new(s).poll_write(cx, buf),
            Transport::Tls(s) => Pin::new(s.as_mut()).poll_write(cx, buf),
        }
    }
    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        match &mut self.get_mut().transport {
            Transport::Plain(s) => Pin::new(s).poll_flush(cx),
            Transport::Tls(s) => Pin::new(s.as_mut()).poll_flush(cx),
        }
    }
    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        match &mut self.get_mut().transport {
            Transport::Plain(s) => Pin::new(s).poll_shutdown(cx),
            Transport::Tls(s) => Pin::new(s.as_mut()).poll_shutdown(cx),
        }
    }
}

pub type ImapSession = Session<ImapStream>;
