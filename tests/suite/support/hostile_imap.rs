//! Test harness: a tiny IMAP server on 127.0.0.1 that plays along (greeting, CAPABILITY, LOGIN,
//! SELECT of one message, SEARCH, sizes) and then misbehaves in one chosen way: floods, lies
//! about sizes, sends garbage or endless lines, trickles or goes silent. It stops by itself: a
//! connection ends when the client goes away or after `LIFETIME`, the listener when dropped.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// Longest a connection is served, whatever the client does.
const LIFETIME: Duration = Duration::from_secs(120);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Misbehaviour {
    /// Answers the message FETCH with an endless stream of small well-formed FETCH answers.
    FloodSmall,
    /// Answers it with an endless stream of well-formed FETCH answers, each with a 64 KiB body.
    FloodBodies,
    /// Says RFC822.SIZE 100, then announces a literal of this many bytes and sends them.
    LyingSize(u64),
    /// Says RFC822.SIZE 100 but holds this many bytes: sends what the client asked for
    /// (`BODY[]<0.N>`, at most N bytes).
    HonestPartial(u64),
    /// Sends this many bytes of garbage (binary and text, with line breaks) instead of an
    /// answer to SELECT.
    Garbage(usize),
    /// The greeting line never ends.
    EndlessGreeting,
    /// Sends the FETCH answer one byte every 100 ms, never finishing it.
    Trickle,
    /// Sends nothing after the FETCH command.
    Silent,
    /// Behaves: one message of this many bytes, its size given truly.
    Honest(u64),
    /// Behaves: `count` messages (UIDs 1 to `count`) of `size` bytes each, sizes given truly,
    /// all fetched by one command: in turn a body of one line of text and a binary attachment.
    Batch { count: u32, size: u64 },
}

pub struct HostileServer {
    pub port: u16,
    /// Bytes written to clients in all.
    pub sent: Arc<AtomicU64>,
    stop: Arc<AtomicBool>,
}

impl HostileServer {
    pub fn start(how: Misbehaviour) -> HostileServer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        listener.set_nonblocking(true).unwrap();
        let stop = Arc::new(AtomicBool::new(false));
        let sent = Arc::new(AtomicU64::new(0));
        let (stop2, sent2) = (stop.clone(), sent.clone());
        std::thread::spawn(move || {
            let started = Instant::now();
            while !stop2.load(Ordering::SeqCst) && started.elapsed() < LIFETIME * 2 {
                match listener.accept() {
                    Ok((conn, _)) => {
                        conn.set_nonblocking(false).ok();
                        let (stop3, sent3) = (stop2.clone(), sent2.clone());
                        std::thread::spawn(move || {
                            let _ = serve(conn, how, &stop3, &sent3);
                        });
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(10)),
                }
            }
        });
        HostileServer { port, sent, stop }
    }

    pub fn sent(&self) -> u64 {
        self.sent.load(Ordering::SeqCst)
    }
}

impl Drop for HostileServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
    }
}

struct Out<'a> {
    conn: TcpStream,
    sent: &'a AtomicU64,
    stop: &'a AtomicBool,
    started: Instant,
}

impl Out<'_> {
    fn send(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        if self.stop.load(Ordering::SeqCst) || self.started.elapsed() > LIFETIME {
            return Err(std::io::Error::other("the server's time is up"));
        }
        self.conn.write_all(bytes)?;
        self.sent.fetch_add(bytes.len() as u64, Ordering::SeqCst);
        Ok(())
    }
}

fn serve(
    conn: TcpStream,
    how: Misbehaviour,
    stop: &AtomicBool,
    sent: &AtomicU64,
) -> std::io::Result<()> {
    conn.set_read_timeout(Some(LIFETIME))?;
    let mut reader = BufReader::new(conn.try_clone()?);
    let mut out = Out {
        conn,
        sent,
        stop,
        started: Instant::now(),
    };
    if how == Misbehaviour::EndlessGreeting {
        out.send(b"* OK ")?;
        let chunk = vec![b'a'; 64 << 10];
        loop {
            out.send(&chunk)?;
        }
    }
    out.send(b"* OK [CAPABILITY IMAP4rev1 IDLE UIDPLUS MOVE] hostile server ready\r\n")?;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 {
            return Ok(());
        }
        let mut parts = line.trim_end().splitn(2, ' ');
        let tag = parts.next().unwrap_or("*").to_string();
        let command = parts.next().unwrap_or("").to_ascii_uppercase();
        let ok = |text: &str| format!("{tag} OK {text}\r\n");
        if command.starts_with("CAPABILITY") {
            out.send(b"* CAPABILITY IMAP4rev1 IDLE UIDPLUS MOVE\r\n")?;
            out.send(ok("done").as_bytes())?;
        } else if command.starts_with("LOGIN") {
            out.send(ok("logged in").as_bytes())?;
        } else if command.starts_with("SELECT") || command.starts_with("EXAMINE") {
            if let Misbehaviour::Garbage(n) = how {
                out.send(&garbage(n))?;
                out.send(b"\r\n")?;
                // Then nothing: the client must give up on its own.
                std::thread::sleep(Duration::from_secs(5));
                return Ok(());
            }
            let count = match how {
                Misbehaviour::Batch { count, .. } => count,
                _ => 1,
            };
            out.send(
                format!(
                    "* {count} EXISTS\r\n* 0 RECENT\r\n* OK [UIDVALIDITY 42] UIDs valid\r\n* OK [UIDNEXT {}] next\r\n* FLAGS (\\Seen \\Deleted)\r\n* OK [PERMANENTFLAGS (\\Seen \\Deleted \\*)] flags\r\n",
                    count + 1
                )
                .as_bytes(),
            )?;
            out.send(ok("[READ-WRITE] selected").as_bytes())?;
        } else if command.starts_with("UID SEARCH") {
            let count = match how {
                Misbehaviour::Batch { count, .. } => count,
                _ => 1,
            };
            let uids: Vec<String> = (1..=count).map(|u| u.to_string()).collect();
            out.send(format!("* SEARCH {}\r\n", uids.join(" ")).as_bytes())?;
            out.send(ok("searched").as_bytes())?;
        } else if command.starts_with("UID FETCH") && command.contains("RFC822.SIZE") {
            if let Misbehaviour::Batch { size, .. } = how {
                for uid in requested_uids(&command) {
                    out.send(
                        format!("* {uid} FETCH (UID {uid} RFC822.SIZE {size})\r\n").as_bytes(),
                    )?;
                }
                out.send(ok("sizes").as_bytes())?;
                continue;
            }
            let size = match how {
                Misbehaviour::Honest(n) => n,
                _ => 100,
            };
            out.send(format!("* 1 FETCH (UID 1 RFC822.SIZE {size})\r\n").as_bytes())?;
            out.send(ok("sizes").as_bytes())?;
        } else if command.starts_with("UID FETCH") && command.contains("BODY.PEEK[") {
            misbehave(&mut out, &tag, &command, how)?;
        } else if command.starts_with("LIST") {
            out.send(b"* LIST () \"/\" \"Registrations/Processed\"\r\n")?;
            out.send(ok("listed").as_bytes())?;
        } else if command.starts_with("LOGOUT") {
            out.send(b"* BYE bye\r\n")?;
            out.send(ok("logged out").as_bytes())?;
            return Ok(());
        } else {
            out.send(ok("fine").as_bytes())?;
        }
    }
}

/// A message with a Message-ID, padded with body lines to `len` bytes.
fn message(len: usize) -> Vec<u8> {
    let mut m = b"From: Applicant <a@example.org>\r\nSubject: Hello\r\nMessage-ID: <hostile-1@example.org>\r\n\r\n".to_vec();
    while m.len() < len {
        m.extend_from_slice(b"Lorem ipsum dolor sit amet, consectetur adipiscing elit.\r\n");
    }
    m.truncate(len);
    m
}

/// A message with its own Message-ID, `len` bytes in all: for an odd `uid` its body is one
/// line of words; for an even one a short body and a binary attachment in base64.
fn batch_message(uid: u32, len: usize) -> Vec<u8> {
    let head = format!(
        "From: Applicant <a@example.org>\r\nSubject: Hello\r\nMessage-ID: <hostile-{uid}@example.org>\r\n"
    );
    let mut m = if uid % 2 == 1 {
        let mut m = format!("{head}\r\nFull name: Jane Citizen ").into_bytes();
        while m.len() < len {
            m.extend_from_slice(b"lorem ipsum dolor sit amet consectetur adipiscing elit ");
        }
        m
    } else {
        let mut m = format!(
            "{head}MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nSee the attachment.\r\n--b\r\nContent-Type: application/octet-stream; name=\"scan.bin\"\r\nContent-Disposition: attachment; filename=\"scan.bin\"\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        )
        .into_bytes();
        // 57 bytes (a 76-character base64 line) of varied data, line after line.
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let mut x: u32 = uid.wrapping_mul(0x9E37_79B9) | 1;
        while m.len() + 78 + 8 < len {
            for _ in 0..76 {
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                m.push(ALPHABET[(x % 64) as usize]);
            }
            m.extend_from_slice(b"\r\n");
        }
        m.extend_from_slice(b"--b--\r\n");
        m
    };
    m.truncate(len);
    m
}

/// The UIDs of a `UID FETCH <set> ...` command (`1:3,5`).
fn requested_uids(command: &str) -> Vec<u32> {
    let set = command.split(' ').nth(2).unwrap_or("");
    let mut uids = Vec::new();
    for piece in set.split(',') {
        let mut ends = piece.splitn(2, ':').map(|n| n.parse::<u32>().ok());
        match (ends.next().flatten(), ends.next()) {
            (Some(a), Some(Some(b))) => uids.extend(a.min(b)..=a.max(b)),
            (Some(a), None) => uids.push(a),
            _ => {}
        }
    }
    uids
}

/// Bytes that are not IMAP: a line that starts like an answer and goes on for `n` bytes of
/// text and binary (no line break until its end).
fn garbage(n: usize) -> Vec<u8> {
    let mut out = b"* 1 FETCH (FLAGS (\\Seen) BODY[] ".to_vec();
    let mut x: u32 = 0x1234_5678;
    while out.len() < n {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        let b = (x & 0xff) as u8;
        out.push(match b {
            b'\r' | b'\n' => b' ',
            b if out.len().is_multiple_of(3) => b,
            b => b'a' + b % 26,
        });
    }
    out
}

fn misbehave(
    out: &mut Out<'_>,
    tag: &str,
    command: &str,
    how: Misbehaviour,
) -> std::io::Result<()> {
    match how {
        Misbehaviour::FloodSmall => loop {
            out.send(b"* 1 FETCH (FLAGS (\\Seen))\r\n* OK still working\r\n")?;
        },
        Misbehaviour::FloodBodies => {
            let body = message(64 << 10);
            let mut answer =
                format!("* 1 FETCH (UID 1 FLAGS () BODY[]<0> {{{}}}\r\n", body.len()).into_bytes();
            answer.extend_from_slice(&body);
            answer.extend_from_slice(b")\r\n");
            loop {
                out.send(&answer)?;
            }
        }
        Misbehaviour::LyingSize(n) => {
            out.send(format!("* 1 FETCH (UID 1 FLAGS () BODY[]<0> {{{n}}}\r\n").as_bytes())?;
            let chunk = message(1 << 20);
            let mut left = n;
            while left > 0 {
                let part = left.min(chunk.len() as u64) as usize;
                out.send(&chunk[..part])?;
                left -= part as u64;
            }
            out.send(b")\r\n")?;
            out.send(format!("{tag} OK fetched\r\n").as_bytes())
        }
        Misbehaviour::HonestPartial(real) | Misbehaviour::Honest(real) => {
            // BODY.PEEK[]<0.N>: N from the command.
            let asked: u64 = command
                .split("<0.")
                .nth(1)
                .and_then(|r| r.split('>').next())
                .and_then(|n| n.parse().ok())
                .unwrap_or(real);
            let body = message(real.min(asked) as usize);
            out.send(
                format!("* 1 FETCH (UID 1 FLAGS () BODY[]<0> {{{}}}\r\n", body.len()).as_bytes(),
            )?;
            out.send(&body)?;
            out.send(b")\r\n")?;
            out.send(format!("{tag} OK fetched\r\n").as_bytes())
        }
        Misbehaviour::Batch { size, .. } => {
            let asked: u64 = command
                .split("<0.")
                .nth(1)
                .and_then(|r| r.split('>').next())
                .and_then(|n| n.parse().ok())
                .unwrap_or(size);
            for uid in requested_uids(command) {
                let body = batch_message(uid, size.min(asked) as usize);
                out.send(
                    format!(
                        "* {uid} FETCH (UID {uid} FLAGS () BODY[]<0> {{{}}}\r\n",
                        body.len()
                    )
                    .as_bytes(),
                )?;
                out.send(&body)?;
                out.send(b")\r\n")?;
            }
            out.send(format!("{tag} OK fetched\r\n").as_bytes())
        }
        Misbehaviour::Trickle => {
            let answer = b"* 1 FETCH (UID 1 FLAGS () BODY[]<0> {100000}\r\n";
            for b in answer.iter().chain(std::iter::repeat(&b'x')) {
                out.send(std::slice::from_ref(b))?;
                std::thread::sleep(Duration::from_millis(100));
            }
            Ok(())
        }
        Misbehaviour::Silent => {
            std::thread::sleep(LIFETIME);
            Ok(())
        }
        Misbehaviour::Garbage(_) | Misbehaviour::EndlessGreeting => Ok(()),
    }
}
