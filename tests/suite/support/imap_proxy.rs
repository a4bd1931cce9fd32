//! Test harness: a TCP proxy on 127.0.0.1 in front of an IMAP server that, on its first
//! connection, breaks the session at a chosen command: before the server sees it, after the
//! server answered it (the answer never reaches the client), in the middle of its answer, or
//! by going silent. Later connections pass through untouched, so the next run gets through
//! the same address (the ledger names an account by host and port).

use super::dovecot::{read_response, relay};
use std::io::{BufRead, BufReader, Write};
use std::net::{Shutdown, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

/// What to do at the chosen command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Break {
    /// Close both sides instead of forwarding the command: the server never sees it.
    DropCommand,
    /// Forward the command, wait for the server's tagged answer, then close both sides without
    /// forwarding it: the server did it, the client cannot know.
    DropAnswer,
    /// Forward the command and `n` bytes of its answer, then close both sides.
    CutAnswerAfter(usize),
    /// Forward the command, then forward nothing more while keeping the connection open; `fired`
    /// is set once the server's tagged answer arrived (so a kill then comes after the server
    /// acted).
    Stall,
}

/// Which command breaks: the `occurrence`-th (from 1) client command whose text after the tag
/// starts with `command` (case-insensitive) and contains `contains`.
#[derive(Debug, Clone)]
pub struct Rule {
    pub command: String,
    pub contains: String,
    pub occurrence: usize,
    pub act: Break,
}

impl Rule {
    pub fn new(command: &str, act: Break) -> Rule {
        Rule {
            command: command.to_string(),
            contains: String::new(),
            occurrence: 1,
            act,
        }
    }

    pub fn containing(mut self, text: &str) -> Rule {
        self.contains = text.to_string();
        self
    }

    fn matches(&self, command: &str) -> bool {
        let upper = command.to_ascii_uppercase();
        upper.starts_with(&self.command.to_ascii_uppercase())
            && upper.contains(&self.contains.to_ascii_uppercase())
    }
}

pub struct CommandProxy {
    pub port: u16,
    /// The break happened.
    pub fired: Arc<AtomicBool>,
    stop: Arc<AtomicBool>,
}

/// What the client-to-server side tells the server-to-client side.
#[derive(Default)]
struct Armed {
    /// The tag of the command being broken, and how.
    tag: Option<(String, Break)>,
}

impl CommandProxy {
    pub fn start(target: u16, rule: Rule) -> CommandProxy {
        let fired = Arc::new(AtomicBool::new(false));
        let stop = Arc::new(AtomicBool::new(false));
        let fired2 = fired.clone();
        let mut first = true;
        let port = relay(target, stop.clone(), move |client, server| {
            let rule = first.then(|| rule.clone());
            first = false;
            let armed = Arc::new(Mutex::new(Armed::default()));
            let (c, s) = (client.try_clone().unwrap(), server.try_clone().unwrap());
            let (armed2, fired3) = (armed.clone(), fired2.clone());
            std::thread::spawn(move || client_to_server(c, s, rule, armed2, fired3));
            let fired4 = fired2.clone();
            std::thread::spawn(move || server_to_client(server, client, armed, fired4));
        });
        CommandProxy { port, fired, stop }
    }

    pub fn fired(&self) -> bool {
        self.fired.load(Ordering::SeqCst)
    }
}

impl Drop for CommandProxy {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(("127.0.0.1", self.port));
    }
}

fn close(a: &TcpStream, b: &TcpStream) {
    let _ = a.shutdown(Shutdown::Both);
    let _ = b.shutdown(Shutdown::Both);
}

fn client_to_server(
    client: TcpStream,
    mut server: TcpStream,
    rule: Option<Rule>,
    armed: Arc<Mutex<Armed>>,
    fired: Arc<AtomicBool>,
) {
    let mut reader = BufReader::new(client.try_clone().unwrap());
    let mut seen = 0usize;
    let mut rule = rule;
    loop {
        let mut line = Vec::new();
        match reader.read_until(b'\n', &mut line) {
            Ok(0) | Err(_) => break,
            Ok(_) => {}
        }
        if let Some(r) = &rule {
            let text = String::from_utf8_lossy(&line);
            let mut parts = text.splitn(2, ' ');
            let tag = parts.next().unwrap_or("").to_string();
            let command = parts.next().unwrap_or("");
            if r.matches(command) {
                seen += 1;
                if seen == r.occurrence {
                    let act = r.act;
                    rule = None;
                    if act == Break::DropCommand {
                        fired.store(true, Ordering::SeqCst);
                        close(&client, &server);
                        return;
                    }
                    armed.lock().unwrap().tag = Some((tag, act));
                }
            }
        }
        if server.write_all(&line).is_err() {
            break;
        }
    }
    close(&client, &server);
}

fn server_to_client(
    server: TcpStream,
    mut client: TcpStream,
    armed: Arc<Mutex<Armed>>,
    fired: Arc<AtomicBool>,
) {
    let mut reader = BufReader::new(server.try_clone().unwrap());
    let mut stalled = false;
    let mut forwarded_since_armed = 0usize;
    while let Some(response) = read_response(&mut reader) {
        let state = armed.lock().unwrap().tag.clone();
        let Some((tag, act)) = state else {
            if client.write_all(&response).is_err() {
                break;
            }
            continue;
        };
        let tagged = response.starts_with(format!("{tag} ").as_bytes());
        match act {
            Break::DropAnswer => {
                // A continuation request is not an answer: the client needs it to send APPEND's
                // message, which the server then stores.
                if response.starts_with(b"+") {
                    if client.write_all(&response).is_err() {
                        break;
                    }
                    continue;
                }
                if tagged {
                    fired.store(true, Ordering::SeqCst);
                    close(&server, &client);
                    return;
                }
                // Untagged answers before it are dropped too: the client never learns.
            }
            Break::Stall => {
                stalled = true;
                if tagged {
                    fired.store(true, Ordering::SeqCst);
                }
            }
            Break::CutAnswerAfter(n) => {
                let room = n.saturating_sub(forwarded_since_armed);
                let part = &response[..response.len().min(room)];
                let _ = client.write_all(part);
                forwarded_since_armed += part.len();
                if part.len() < response.len() || tagged {
                    fired.store(true, Ordering::SeqCst);
                    close(&server, &client);
                    return;
                }
            }
            Break::DropCommand => unreachable!("never armed"),
        }
    }
    if !stalled {
        close(&server, &client);
    }
}
