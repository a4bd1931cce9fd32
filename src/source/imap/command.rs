//! One IMAP command in → its untagged answers (owned, one at a time) and its tagged status out.
//!
//! async-imap's command helpers end an answer at the first `None` from the stream and drop the
//! tagged status, so a connection closed in the middle of `UID EXPUNGE` looked like a finished
//! command and a `NO` to `UID FETCH` like an empty answer. Here a command is finished only by its
//! tagged `OK`: a closed connection, `NO`, `BAD` or `BYE` is an error, and server text in an
//! error is cut to one short line.

use super::connect::{ImapSession, StreamLimit, StreamLimits};
use async_imap::imap_proto::{
    AttributeValue, Capability, MailboxDatum, MessageSection, RequestId, Response, ResponseCode,
    SectionPath, Status,
};
use chrono::{DateTime, FixedOffset};
use std::time::Duration;

/// Most characters of server text put in an error or a log line.
const SERVER_TEXT_CHARS: usize = 160;

/// Why a command did not finish.
#[derive(Debug)]
pub enum CommandError {
    /// The connection closed before the tagged answer.
    Closed { what: &'static str },
    /// The server answered `NO` or `BAD`.
    Refused {
        what: &'static str,
        status: &'static str,
        text: String,
    },
    /// The server said `BYE` (it is closing the connection).
    Bye { what: &'static str, text: String },
    /// Nothing arrived for `secs` seconds.
    Silent { what: &'static str, secs: u64 },
    /// Reading or writing failed.
    Io { what: &'static str, text: String },
    /// The server broke a limit of the stream (size, time).
    Limit(StreamLimit),
    /// The server kept sending untagged answers.
    TooManyAnswers { what: &'static str, count: u64 },
    /// The server sent something this client never asked for (a continuation request).
    Unexpected { what: &'static str, text: String },
}

impl std::fmt::Display for CommandError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CommandError::Closed { what } => {
                write!(f, "the server closed the connection during {what}")
            }
            CommandError::Refused { what, status, text } => {
                write!(f, "the server answered {what} with {status}: {text}")
            }
            CommandError::Bye { what, text } => {
                write!(f, "the server ended the session during {what}: {text}")
            }
            CommandError::Silent { what, secs } => {
                write!(
                    f,
                    "the server stopped answering during {what} (nothing received for {secs} s)"
                )
            }
            CommandError::Io { what, text } => write!(f, "{what} failed: {text}"),
            CommandError::Limit(limit) => limit.fmt(f),
            CommandError::TooManyAnswers { what, count } => write!(
                f,
                "the server sent more than {count} answers to {what} without finishing it; \
                 stopped reading"
            ),
            CommandError::Unexpected { what, text } => {
                write!(f, "unexpected answer to {what}: {text}")
            }
        }
    }
}

impl std::error::Error for CommandError {}

/// Server text as one short printable line: control characters become spaces, runs of spaces
/// one, and anything past `SERVER_TEXT_CHARS` characters is cut (saying how much there was).
pub fn one_line(text: &str) -> String {
    let mut out = String::new();
    let mut chars = 0usize;
    let mut total = 0usize;
    let mut space = false;
    for c in text.chars() {
        total += 1;
        let c = if c.is_control() { ' ' } else { c };
        if c == ' ' {
            if space || out.is_empty() {
                continue;
            }
            space = true;
        } else {
            space = false;
        }
        if chars < SERVER_TEXT_CHARS {
            out.push(c);
            chars += 1;
        }
    }
    let out = out.trim_end().to_string();
    if total > SERVER_TEXT_CHARS && chars >= SERVER_TEXT_CHARS {
        format!("{out}… ({} bytes in all)", text.len())
    } else {
        out
    }
}

/// What one `FETCH` answer carried that a pass uses.
#[derive(Debug, Default)]
pub struct FetchData {
    pub uid: Option<u32>,
    /// `\Deleted` is among its flags.
    pub deleted: bool,
    pub size: Option<u32>,
    pub internal_date: Option<DateTime<FixedOffset>>,
    /// `BODY[]` (or a part of it: `BODY[]<0>`).
    pub body: Option<Vec<u8>>,
    /// `BODY[HEADER]`.
    pub header: Option<Vec<u8>>,
}

/// An untagged answer, owned.
#[derive(Debug)]
pub enum Untagged {
    Fetch(FetchData),
    Search(Vec<u32>),
    Exists(u32),
    Expunge,
    UidValidity(u32),
    PermanentFlags(Vec<String>),
    /// A LIST answer: the mailbox name.
    List(String),
    /// A CAPABILITY answer: the names (`AUTH=...` for mechanisms).
    Capabilities(Vec<String>),
    Other,
}

/// The tagged `OK` of a finished command: its response code, if one matters.
#[derive(Debug, Default)]
pub struct Tagged {
    /// `[COPYUID v src dst]` of COPY or MOVE, as text, for the log.
    pub copy_uid: Option<String>,
    /// `[APPENDUID v uid]` of APPEND, as text, for the ledger.
    pub append_uid: Option<String>,
}

/// What a command's answer may be: the stream's limits (bytes, literals, lines, time) and how
/// many untagged answers it may hold (a flood of small well-formed answers is cut here).
#[derive(Debug, Clone, Copy)]
pub struct Bounds {
    pub stream: StreamLimits,
    pub max_answers: u64,
}

/// A command sent and not yet finished.
pub struct Running {
    tag: RequestId,
    bounds: Bounds,
    answers: u64,
    /// The tagged OK arrived.
    finished: bool,
    tagged: Tagged,
    /// APPEND's message, sent when the server asks for it (a continuation request).
    literal: Option<String>,
}

/// How much longer than the stream's own deadline a read may wait: the stream's limits act
/// first (with a clearer error); this only catches a write that never completes.
const BACKSTOP: Duration = Duration::from_secs(10);

/// Sends `command` (with a fresh tag) and arms the stream with `bounds`. `bounds.stream.what`
/// names the command in errors (never its arguments).
pub async fn start(
    session: &mut ImapSession,
    command: &str,
    bounds: Bounds,
) -> Result<Running, CommandError> {
    let what = bounds.stream.what;
    session.as_mut().arm(bounds.stream);
    let limit = bounds.stream.deadline + BACKSTOP;
    let tag = sent_within(what, limit, session.run_command(command)).await?;
    // The command's name only: its arguments are never logged.
    tracing::trace!(command = what, tag = %tag.0, "Sent");
    Ok(Running {
        tag,
        bounds,
        answers: 0,
        finished: false,
        tagged: Tagged::default(),
        literal: None,
    })
}

/// What sending a command line (or a literal) gave: a server that does not take it within
/// `limit` is `Silent`, a failed write `Io` (of the command `what`).
async fn sent_within<T, E: std::fmt::Display>(
    what: &'static str,
    limit: Duration,
    send: impl Future<Output = Result<T, E>>,
) -> Result<T, CommandError> {
    match tokio::time::timeout(limit, send).await {
        Err(_) => Err(CommandError::Silent {
            what,
            secs: limit.as_secs(),
        }),
        Ok(Err(e)) => Err(CommandError::Io {
            what,
            text: one_line(&e.to_string()),
        }),
        Ok(Ok(sent)) => Ok(sent),
    }
}

/// Sends `APPEND <mailbox> <flags> {n}` for `message` (n its length) and arms the stream with
/// `bounds`; the message itself goes when the server asks for it (`+`), so a server that
/// refuses at once (`NO [TRYCREATE]`, over quota) is never sent it. The message must end in
/// CRLF (the command line's own CRLF follows the literal). `next` reads to the tagged answer.
pub async fn start_append(
    session: &mut ImapSession,
    mailbox_quoted: &str,
    flags: &str,
    message: String,
    bounds: Bounds,
) -> Result<Running, CommandError> {
    let line = format!("APPEND {mailbox_quoted} ({flags}) {{{}}}", message.len());
    let mut running = start(session, &line, bounds).await?;
    running.literal = Some(message);
    Ok(running)
}

impl Running {
    /// The next untagged answer; `None` once the tagged `OK` arrived.
    pub async fn next(
        &mut self,
        session: &mut ImapSession,
    ) -> Result<Option<Untagged>, CommandError> {
        if self.finished {
            return Ok(None);
        }
        let what = self.bounds.stream.what;
        let limit = self.bounds.stream.deadline + BACKSTOP;
        loop {
            let response = match tokio::time::timeout(limit, session.read_response()).await {
                Err(_) => {
                    return Err(CommandError::Silent {
                        what,
                        secs: limit.as_secs(),
                    });
                }
                Ok(Err(e)) => {
                    return Err(match super::connect::stream_limit(&e) {
                        Some(limit) => CommandError::Limit(limit.clone()),
                        None => CommandError::Io {
                            what,
                            text: io_text(&e),
                        },
                    });
                }
                Ok(Ok(None)) => return Err(CommandError::Closed { what }),
                Ok(Ok(Some(r))) => r,
            };
            if let (Response::Continue(_), Some(literal)) = (response.parsed(), self.literal.take())
            {
                // The message, then the CRLF that ends the APPEND command line.
                sent_within(what, limit, session.run_command_untagged(&literal)).await?;
                continue;
            }
            self.answers += 1;
            if self.answers > self.bounds.max_answers {
                return Err(CommandError::TooManyAnswers {
                    what,
                    count: self.bounds.max_answers,
                });
            }
            match classify(response.parsed(), &self.tag, what)? {
                Answer::Untagged(u) => return Ok(Some(u)),
                Answer::Done(t) => {
                    tracing::trace!(command = what, answers = self.answers - 1, "Answered OK");
                    self.finished = true;
                    self.tagged = t;
                    return Ok(None);
                }
                Answer::Skip => {}
            }
        }
    }

    /// The tagged `OK`, once `next` returned `None` (else the default).
    pub fn take_tagged(&mut self) -> Tagged {
        std::mem::take(&mut self.tagged)
    }
}

enum Answer {
    Untagged(Untagged),
    Done(Tagged),
    /// A tagged answer to another command (cannot happen with one command at a time), or an
    /// untagged OK with nothing to keep.
    Skip,
}

fn status_name(status: &Status) -> &'static str {
    match status {
        Status::Ok => "OK",
        Status::No => "NO",
        Status::Bad => "BAD",
        Status::PreAuth => "PREAUTH",
        Status::Bye => "BYE",
    }
}

fn classify(
    response: &Response<'_>,
    tag: &RequestId,
    what: &'static str,
) -> Result<Answer, CommandError> {
    Ok(match response {
        Response::Done {
            tag: t,
            status,
            outcome,
        } => {
            if t != tag {
                tracing::debug!(tag = %t.0, "Ignoring a tagged answer to another command");
                return Ok(Answer::Skip);
            }
            let text = one_line(outcome.information.as_deref().unwrap_or(""));
            match status {
                Status::Ok => Answer::Done(Tagged {
                    append_uid: match &outcome.code {
                        Some(ResponseCode::AppendUid(v, uids)) => {
                            Some(format!("APPENDUID {v} {}", uid_set_text(uids)))
                        }
                        _ => None,
                    },
                    copy_uid: match &outcome.code {
                        Some(ResponseCode::CopyUid(v, from, to)) => Some(format!(
                            "COPYUID {v} {} {}",
                            uid_set_text(from),
                            uid_set_text(to)
                        )),
                        _ => None,
                    },
                }),
                Status::Bye => return Err(CommandError::Bye { what, text }),
                other => {
                    return Err(CommandError::Refused {
                        what,
                        status: status_name(other),
                        text,
                    });
                }
            }
        }
        Response::Data { status, outcome } => match (status, &outcome.code) {
            (Status::Bye, _) => {
                return Err(CommandError::Bye {
                    what,
                    text: one_line(outcome.information.as_deref().unwrap_or("")),
                });
            }
            (_, Some(ResponseCode::UidValidity(v))) => Answer::Untagged(Untagged::UidValidity(*v)),
            (_, Some(ResponseCode::PermanentFlags(flags))) => Answer::Untagged(
                Untagged::PermanentFlags(flags.iter().map(|f| f.to_string()).collect()),
            ),
            _ => Answer::Untagged(Untagged::Other),
        },
        Response::Continue(outcome) => {
            return Err(CommandError::Unexpected {
                what,
                text: format!(
                    "a continuation request ({})",
                    one_line(outcome.information.as_deref().unwrap_or(""))
                ),
            });
        }
        Response::Expunge(_) => Answer::Untagged(Untagged::Expunge),
        Response::Fetch(_, attributes) => Answer::Untagged(Untagged::Fetch(fetch_data(attributes))),
        Response::MailboxData(MailboxDatum::Search(uids)) => {
            Answer::Untagged(Untagged::Search(uids.clone()))
        }
        Response::MailboxData(MailboxDatum::Exists(n)) => Answer::Untagged(Untagged::Exists(*n)),
        Response::MailboxData(MailboxDatum::List(list)) => {
            Answer::Untagged(Untagged::List(list.name.to_string()))
        }
        Response::Capabilities(caps) => Answer::Untagged(Untagged::Capabilities(
            caps.iter()
                .map(|c| match c {
                    Capability::Imap4rev1 => "IMAP4rev1".to_string(),
                    Capability::Auth(m) => format!("AUTH={m}"),
                    Capability::Atom(a) => a.to_string(),
                })
                .collect(),
        )),
        _ => Answer::Untagged(Untagged::Other),
    })
}

fn fetch_data(attributes: &[AttributeValue<'_>]) -> FetchData {
    let mut data = FetchData::default();
    for a in attributes {
        match a {
            AttributeValue::Uid(u) => data.uid = Some(*u),
            AttributeValue::Flags(flags) => {
                data.deleted = flags.iter().any(|f| f.eq_ignore_ascii_case("\\Deleted"));
            }
            AttributeValue::Rfc822Size(s) => data.size = Some(*s),
            AttributeValue::InternalDate(d) => {
                data.internal_date = DateTime::parse_from_str(d, "%d-%b-%Y %H:%M:%S %z").ok();
            }
            AttributeValue::BodySection {
                section: None,
                data: Some(bytes),
                ..
            }
            | AttributeValue::Rfc822(Some(bytes))
                if data.body.is_none() =>
            {
                data.body = Some(bytes.to_vec());
            }
            AttributeValue::BodySection {
                section: Some(SectionPath::Full(MessageSection::Header)),
                data: Some(bytes),
                ..
            }
            | AttributeValue::Rfc822Header(Some(bytes))
                if data.header.is_none() =>
            {
                data.header = Some(bytes.to_vec());
            }
            _ => {}
        }
    }
    data
}

fn uid_set_text(set: &[async_imap::imap_proto::rfc4315::UidSetMember]) -> String {
    use async_imap::imap_proto::rfc4315::UidSetMember;
    set.iter()
        .map(|m| match m {
            UidSetMember::Uid(u) => u.to_string(),
            UidSetMember::UidRange(r) => format!("{}:{}", r.start(), r.end()),
        })
        .collect::<Vec<_>>()
        .join(",")
}

/// An I/O error from the session as one line. async-imap puts everything it could not parse
/// into the message (as Rust debug text): only its start is shown, as plain characters.
pub fn io_text(e: &std::io::Error) -> String {
    if let Some(limit) = super::connect::stream_limit(e) {
        return limit.to_string();
    }
    let text = e.to_string();
    if let Some((_, sent)) = text.split_once("during parsing of") {
        return format!(
            "the server sent something that is not IMAP, starting \"{}\"",
            plain_start(sent.trim().trim_start_matches('"'), 60)
        );
    }
    one_line(&text)
}

/// The first `max` characters of Rust debug text as plain ASCII: escapes (`\r`, `\u{1d}`) and
/// anything not printable become `?`, runs of them one `?`.
fn plain_start(debug: &str, max: usize) -> String {
    let mut out = String::new();
    let mut chars = debug.chars().peekable();
    let mut count = 0;
    while let Some(c) = chars.next() {
        if count >= max {
            out.push('…');
            break;
        }
        let shown = match c {
            '\\' => {
                match chars.next() {
                    Some('u') => {
                        // \u{...}
                        for n in chars.by_ref() {
                            if n == '}' {
                                break;
                            }
                        }
                    }
                    Some(q @ ('"' | '\\' | '\'')) => {
                        out.push(q);
                        count += 1;
                        continue;
                    }
                    _ => {}
                }
                '?'
            }
            '"' if chars.peek().is_none() => break,
            c if c.is_ascii_graphic() || c == ' ' => c,
            _ => '?',
        };
        if shown == '?' && out.ends_with('?') {
            continue;
        }
        out.push(shown);
        count += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_text_becomes_one_short_line() {
        assert_eq!(
            one_line("  NO  [ALERT]\r\n bad\tthing\r\n"),
            "NO [ALERT] bad thing"
        );
        let long = format!("{}\r\n{}", "x".repeat(50_000), "\u{7}".repeat(10));
        let line = one_line(&long);
        assert!(line.chars().count() < SERVER_TEXT_CHARS + 40, "{line}");
        assert!(!line.contains(['\r', '\n', '\u{7}']));
        assert!(line.ends_with("(50012 bytes in all)"), "{line}");
        assert_eq!(one_line(""), "");
    }

    #[test]
    fn parse_errors_name_what_was_sent_briefly() {
        let e = std::io::Error::other(format!(
            "Error(Error {{ code: Tag }}) during parsing of \"{}\"",
            "garbage ".repeat(10_000)
        ));
        let text = io_text(&e);
        assert!(
            text.starts_with("the server sent something that is not IMAP, starting \"garbage"),
            "{text}"
        );
        assert!(text.len() < 200, "{}", text.len());
        let binary = std::io::Error::other(format!(
            "Error during parsing of {:?}",
            String::from_utf8_lossy(b"\x01\x02ab\r\n\xff\xfe\x1dcd")
        ));
        assert_eq!(
            io_text(&binary),
            "the server sent something that is not IMAP, starting \"?ab?cd\""
        );
    }
}
