//! Archive paths in (mbox file, Maildir folder, one .eml, folder of .eml) → a stream of `RawMessage`s.
//!
//! The kind is decided from layout and content, never the name. Files are read lazily, one
//! message at a time; an mbox is streamed line by line so memory is bounded by the message size
//! cap, not the file size.

use super::RawMessage;
use anyhow::{Context as _, Result};
use std::collections::VecDeque;
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

/// What kind of archive a path is, decided from its content and layout, never its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArchiveKind {
    Mbox,
    Maildir,
    Eml,
    EmlFolder,
}

/// How many leading bytes of a file are looked at to decide what it is.
pub const HEAD_BYTES: u64 = 16 << 10;

/// What the first bytes of a file say it is. `ingest` and `check` both decide with
/// `sniff_head`, so a file one reads as mail the other does too.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileContent {
    Mbox,
    Message,
    /// Neither: no mbox `From ` line, no message headers (a PDF, an HTML page, a note).
    Unknown,
}

/// Detects the kind of archive at `path`.
pub fn detect(path: &Path) -> Result<ArchiveKind> {
    let meta =
        std::fs::metadata(path).with_context(|| format!("cannot read {}", path.display()))?;
    if meta.is_dir() {
        if path.join("cur").is_dir() || path.join("new").is_dir() {
            return Ok(ArchiveKind::Maildir);
        }
        return Ok(ArchiveKind::EmlFolder);
    }
    if !meta.is_file() {
        anyhow::bail!("{} is neither a regular file nor a folder", path.display());
    }
    match sniff_file(path)? {
        FileContent::Mbox => Ok(ArchiveKind::Mbox),
        FileContent::Message => Ok(ArchiveKind::Eml),
        FileContent::Unknown => anyhow::bail!(
            "{} is not a mail archive: it starts neither with an mbox \"From \" line nor with \
             message headers",
            path.display()
        ),
    }
}

/// Opens `path` and yields its messages one at a time; memory does not grow with the archive.
/// An item that cannot be read (an unreadable file inside a Maildir) is an `Err` and the stream
/// goes on. A message longer than `max_message_bytes` is cut at `max_message_bytes + 1` bytes,
/// so the caller sees it is over the limit without it ever being held whole.
pub fn open(
    path: &Path,
    max_message_bytes: u64,
) -> Result<Box<dyn Iterator<Item = Result<RawMessage>> + Send>> {
    let cap = max_message_bytes.saturating_add(1);
    match detect(path)? {
        ArchiveKind::Mbox => {
            let file =
                File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
            Ok(Box::new(MboxReader::new(
                BufReader::with_capacity(64 << 10, file),
                path.display().to_string(),
                cap,
            )))
        }
        ArchiveKind::Eml => {
            let origin = format!("eml:{}", path.display());
            let item = read_capped(path, cap).map(|bytes| RawMessage {
                bytes,
                origin,
                internal_date: None,
            });
            Ok(Box::new(std::iter::once(item)))
        }
        ArchiveKind::Maildir => {
            let mut files = Vec::new();
            for sub in ["cur", "new"] {
                let dir = path.join(sub);
                if dir.is_dir() {
                    files.extend(list_files(&dir)?);
                }
            }
            // Maildir names start with the delivery time, so sorting by name is roughly
            // chronological and always deterministic.
            files.sort_by(|a, b| a.file_name().cmp(&b.file_name()).then_with(|| a.cmp(b)));
            Ok(Box::new(files.into_iter().map(move |file| {
                let origin = format!("maildir:{}", file.display());
                read_capped(&file, cap).map(|bytes| RawMessage {
                    bytes,
                    origin,
                    internal_date: None,
                })
            })))
        }
        ArchiveKind::EmlFolder => {
            let mut files = list_files(path)?;
            files.sort();
            Ok(Box::new(EmlFolderReader {
                files: files.into(),
                current_mbox: None,
                cap,
            }))
        }
    }
}

/// The regular files of a folder, without dot files.
fn list_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).with_context(|| format!("cannot list {}", dir.display()))? {
        let entry = entry.with_context(|| format!("cannot list {}", dir.display()))?;
        if entry.file_name().as_encoded_bytes().starts_with(b".") {
            continue;
        }
        let path = entry.path();
        // Follows symlinks; a dangling link is kept so that reading it reports the error.
        match std::fs::metadata(&path) {
            Ok(meta) if !meta.is_file() => continue,
            _ => files.push(path),
        }
    }
    Ok(files)
}

/// Reads at most `cap` bytes of a file.
fn read_capped(path: &Path, cap: u64) -> Result<Vec<u8>> {
    let file = File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let mut bytes = Vec::new();
    file.take(cap)
        .read_to_end(&mut bytes)
        .with_context(|| format!("cannot read {}", path.display()))?;
    Ok(bytes)
}

fn sniff_file(path: &Path) -> Result<FileContent> {
    let file = File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let mut head = Vec::new();
    file.take(HEAD_BYTES)
        .read_to_end(&mut head)
        .with_context(|| format!("cannot read {}", path.display()))?;
    Ok(sniff_head(&head))
}

/// Decides from a file's first bytes (up to `HEAD_BYTES`) whether it is an mbox, one message,
/// or neither.
pub fn sniff_head(head: &[u8]) -> FileContent {
    let mut rest = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    // Tolerate blank lines before the first line.
    while let Some(first) = rest.first() {
        if matches!(first, b'\r' | b'\n') {
            rest = &rest[1..];
        } else {
            break;
        }
    }
    if rest.starts_with(b"From ") {
        return FileContent::Mbox;
    }
    if looks_like_headers(rest) {
        FileContent::Message
    } else {
        FileContent::Unknown
    }
}

/// Header names that mark a block of `Name: value` lines as a mail message, not any text file
/// that happens to start with "Note: ...".
const MESSAGE_HEADERS: &[&str] = &[
    "from",
    "to",
    "cc",
    "subject",
    "date",
    "message-id",
    "received",
    "return-path",
    "mime-version",
    "content-type",
    "delivered-to",
    "sender",
    "reply-to",
    "x-mailer",
    "user-agent",
];

/// True when `head` starts with RFC 5322 header fields (up to the blank line or the end of what
/// was read), at least one of which is a usual message header.
fn looks_like_headers(head: &[u8]) -> bool {
    let mut lines = head.split(|&b| b == b'\n').peekable();
    let mut fields = 0usize;
    let mut known = false;
    let mut first = true;
    while let Some(line) = lines.next() {
        // The last piece may be cut mid-line by the read limit: do not judge it.
        if lines.peek().is_none() && !head.ends_with(b"\n") {
            break;
        }
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.is_empty() {
            break;
        }
        if matches!(line[0], b' ' | b'\t') {
            if first {
                return false;
            }
            continue;
        }
        first = false;
        let Some(colon) = line.iter().position(|&b| b == b':') else {
            return false;
        };
        let name = &line[..colon];
        // RFC 5322 ftext: printable ASCII except the colon; a space before the colon is an
        // obsolete form still seen in old mail.
        let name_trimmed = name.strip_suffix(b" ").unwrap_or(name);
        if name_trimmed.is_empty()
            || name_trimmed.len() > 76
            || !name_trimmed.iter().all(|&b| (33..=126).contains(&b))
        {
            return false;
        }
        fields += 1;
        if let Ok(n) = std::str::from_utf8(name_trimmed)
            && MESSAGE_HEADERS.iter().any(|h| h.eq_ignore_ascii_case(n))
        {
            known = true;
        }
    }
    fields > 0 && known
}

/// The error for a file in a folder that is not mail.
fn not_mail(path: &Path) -> anyhow::Error {
    anyhow::anyhow!(
        "{} is not a mail message (it starts neither with message headers nor with an mbox \
         \"From \" line); skipped",
        path.display()
    )
}

/// A folder of message files: each file is one message, or an mbox read as one.
struct EmlFolderReader {
    files: VecDeque<PathBuf>,
    current_mbox: Option<MboxReader<BufReader<File>>>,
    cap: u64,
}

impl Iterator for EmlFolderReader {
    type Item = Result<RawMessage>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(mbox) = &mut self.current_mbox {
                match mbox.next() {
                    Some(item) => return Some(item),
                    None => self.current_mbox = None,
                }
            }
            let path = self.files.pop_front()?;
            match sniff_file(&path) {
                Err(e) => return Some(Err(e)),
                Ok(FileContent::Unknown) => {
                    // An item of its own, so the run counts it and names it: a file left out
                    // silently could be a registration nobody reads.
                    return Some(Err(not_mail(&path)));
                }
                Ok(FileContent::Message) => {
                    let origin = format!("eml:{}", path.display());
                    return Some(read_capped(&path, self.cap).map(|bytes| RawMessage {
                        bytes,
                        origin,
                        internal_date: None,
                    }));
                }
                Ok(FileContent::Mbox) => match File::open(&path) {
                    Err(e) => {
                        return Some(
                            Err(e).with_context(|| format!("cannot open {}", path.display())),
                        );
                    }
                    Ok(file) => {
                        self.current_mbox = Some(MboxReader::new(
                            BufReader::with_capacity(64 << 10, file),
                            path.display().to_string(),
                            self.cap,
                        ));
                    }
                },
            }
        }
    }
}

/// Streams the messages of an mbox (mboxo or mboxrd, LF or CRLF).
///
/// A line starting `From ` at the start of the file or after a blank line separates messages;
/// the separator and the blank line before it are dropped. One `>` is removed from lines
/// matching `^>+From ` (mboxrd unquoting, which is also right for mboxo's `>From `). A message
/// longer than `cap` bytes is cut at `cap` and the rest skipped up to the next separator.
pub struct MboxReader<R: BufRead> {
    reader: R,
    path: String,
    cap: usize,
    /// Reused buffer for the current line (bounded: see `read_line`).
    line: Vec<u8>,
    /// A separator line was read and its message not yet finished.
    in_message: bool,
    /// Number of the message being read (from 1).
    number: u64,
    /// The blank line just read, held back: it is dropped if a separator follows.
    pending_blank: Option<&'static [u8]>,
    /// The previous line was blank (or there was none): a `From ` line now is a separator.
    after_blank: bool,
    done: bool,
}

/// Longest line whose buffer is kept for the next line.
const LONG_LINE_BYTES: usize = 1 << 20;

impl<R: BufRead> MboxReader<R> {
    pub fn new(reader: R, path: String, cap: u64) -> Self {
        MboxReader {
            reader,
            path,
            cap: usize::try_from(cap).unwrap_or(usize::MAX),
            line: Vec::new(),
            in_message: false,
            number: 0,
            pending_blank: None,
            after_blank: true,
            done: false,
        }
    }

    /// Reads one line (with its end) into `self.line`, keeping at most `keep` bytes of it and
    /// consuming the rest, so one endless line cannot exhaust memory. `Ok(false)` at the end.
    fn read_line(&mut self, keep: usize) -> std::io::Result<bool> {
        self.line.clear();
        // A long line's buffer (a one-line body may be tens of MB) is not kept for the next.
        if self.line.capacity() > LONG_LINE_BYTES {
            self.line = Vec::new();
        }
        let mut read_any = false;
        loop {
            let buf = match self.reader.fill_buf() {
                Ok(buf) => buf,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if buf.is_empty() {
                return Ok(read_any);
            }
            read_any = true;
            let (chunk, found_end) = match memchr::memchr(b'\n', buf) {
                Some(i) => (&buf[..=i], true),
                None => (buf, false),
            };
            let room = keep.saturating_sub(self.line.len());
            self.line.extend_from_slice(&chunk[..chunk.len().min(room)]);
            let used = chunk.len();
            self.reader.consume(used);
            if found_end {
                return Ok(true);
            }
        }
    }

    fn origin(&self) -> String {
        format!("mbox:{}#{}", self.path, self.number)
    }
}

fn is_blank(line: &[u8]) -> Option<&'static [u8]> {
    match line {
        b"\n" => Some(b"\n"),
        b"\r\n" => Some(b"\r\n"),
        _ => None,
    }
}

/// Appends `bytes` to `message` without letting it grow past `cap`; false when cut.
fn push_capped(message: &mut Vec<u8>, bytes: &[u8], cap: usize) -> bool {
    let room = cap.saturating_sub(message.len());
    if bytes.len() > room {
        message.extend_from_slice(&bytes[..room]);
        false
    } else {
        message.extend_from_slice(bytes);
        true
    }
}

impl<R: BufRead> Iterator for MboxReader<R> {
    type Item = Result<RawMessage>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let mut message: Vec<u8> = Vec::new();
        let mut cut = false;
        loop {
            // Keep enough of a line to fill the message up to its cap, and always enough to
            // recognise a separator or a quoted `>From `.
            let keep = self.cap.saturating_sub(message.len()).saturating_add(64);
            let keep = if cut { 64 } else { keep };
            match self.read_line(keep) {
                Err(e) => {
                    self.done = true;
                    return Some(Err(anyhow::Error::new(e).context(format!(
                        "cannot read {} after message {}",
                        self.path, self.number
                    ))));
                }
                Ok(false) => {
                    self.done = true;
                    // The blank line before the end of the file belongs to the mbox format.
                    self.pending_blank = None;
                    if self.in_message {
                        self.in_message = false;
                        return Some(Ok(RawMessage {
                            bytes: message,
                            origin: self.origin(),
                            internal_date: None,
                        }));
                    }
                    return None;
                }
                Ok(true) => {}
            }
            if self.number == 0 && !self.in_message && self.line.starts_with(b"\xEF\xBB\xBF") {
                // A byte-order mark before the first separator (an editor saved the file).
                self.line.drain(..3);
            }
            let is_separator = self.after_blank && self.line.starts_with(b"From ");
            if is_separator {
                self.pending_blank = None;
                self.after_blank = false;
                if self.in_message {
                    let finished = RawMessage {
                        bytes: std::mem::take(&mut message),
                        origin: self.origin(),
                        internal_date: None,
                    };
                    self.number += 1;
                    return Some(Ok(finished));
                }
                self.in_message = true;
                self.number += 1;
                continue;
            }
            let blank = is_blank(&self.line);
            // Lenient: a line of spaces also lets a `From ` line after it separate messages.
            self.after_blank = self.line.iter().all(|b| b.is_ascii_whitespace());
            if !self.in_message {
                // Text before the first separator is not a message.
                continue;
            }
            if cut {
                continue;
            }
            if let Some(held) = self.pending_blank.take()
                && !push_capped(&mut message, held, self.cap)
            {
                cut = true;
                continue;
            }
            if let Some(blank) = blank {
                self.pending_blank = Some(blank);
                continue;
            }
            let line: &[u8] = if is_quoted_from(&self.line) {
                &self.line[1..]
            } else {
                &self.line
            };
            if !push_capped(&mut message, line, self.cap) {
                cut = true;
            }
        }
    }
}

/// `>From `, `>>From `, ...: a body line that an mbox writer quoted.
fn is_quoted_from(line: &[u8]) -> bool {
    let unquoted = line
        .iter()
        .position(|&b| b != b'>')
        .map_or(&[][..], |i| &line[i..]);
    line.first() == Some(&b'>') && unquoted.starts_with(b"From ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_sniffing() {
        let cases: &[(&[u8], FileContent)] = &[
            (
                b"From a@b Mon Jan  1 00:00:00 2024\nSubject: x\n\nhi\n",
                FileContent::Mbox,
            ),
            (b"\xEF\xBB\xBF\r\nFrom a@b Mon\n", FileContent::Mbox),
            (
                b"Subject: hi\r\nFrom: a@b\r\n\r\nbody",
                FileContent::Message,
            ),
            (
                b"Received: from x\n\tby y\nX-Other: 1\n\nbody",
                FileContent::Message,
            ),
            (
                b"Note: this is not mail\nIt is a text file\n",
                FileContent::Unknown,
            ),
            (b"X-Only: custom\n\nbody", FileContent::Unknown),
            (b"%PDF-1.7\n", FileContent::Unknown),
            (b"", FileContent::Unknown),
            (b" Subject: folded first\n\n", FileContent::Unknown),
        ];
        for (head, want) in cases {
            assert_eq!(
                sniff_head(head),
                *want,
                "{:?}",
                String::from_utf8_lossy(head)
            );
        }
    }

    #[test]
    fn quoted_from() {
        assert!(is_quoted_from(b">From x"));
        assert!(is_quoted_from(b">>>From x"));
        assert!(!is_quoted_from(b"From x"));
        assert!(!is_quoted_from(b">Fromage"));
        assert!(!is_quoted_from(b">>"));
    }
}
