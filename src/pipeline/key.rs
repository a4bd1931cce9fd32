//! A message's bytes (and Message-ID) in → the ledger's idempotency key out: `mid:<Message-ID>`,
//! else `sha256:` and the hash of the message's canonical form.

use sha2::{Digest, Sha256};

/// The ledger's idempotency key of a message: `mid:<Message-ID>`, else `sha256:` and the hash of
/// its canonical form (`canonical_sha256`), so that the same message read with CRLF line ends
/// (IMAP, .eml) and with LF line ends (mbox) gets one key.
pub fn message_key(message_id: Option<&str>, raw: &[u8]) -> String {
    match message_id.map(|m| {
        m.trim()
            .trim_start_matches('<')
            .trim_end_matches('>')
            .trim()
    }) {
        Some(id) if !id.is_empty() => format!("mid:{id}"),
        _ => format!("sha256:{}", canonical_sha256(raw)),
    }
}

/// Keys a message without a Message-ID may have been recorded under before keys were hashed
/// from the canonical form (they were the SHA-256 of the bytes as read): the hash of its bytes
/// and of its CRLF form, when they differ from `message_key`. Empty for a Message-ID.
pub fn earlier_keys(message_id: Option<&str>, raw: &[u8]) -> Vec<String> {
    let key = message_key(message_id, raw);
    if key.starts_with("mid:") {
        return Vec::new();
    }
    let mut keys = Vec::new();
    for hash in [sha256_hex(raw), crlf_sha256(raw)] {
        let k = format!("sha256:{hash}");
        if k != key && !keys.contains(&k) {
            keys.push(k);
        }
    }
    keys
}

/// SHA-256 of a message's canonical form: every line end (CRLF or LF) as LF, and a line end
/// after the last line. A lone CR is kept: it is not a line end. An LF mbox message's
/// canonical form is its bytes, so the keys ledgers already hold for them stay the same.
pub fn canonical_sha256(raw: &[u8]) -> String {
    hash_lines(raw, b"\n", true)
}

/// SHA-256 of the message with every line end as CRLF (the last line's end kept as it is).
fn crlf_sha256(raw: &[u8]) -> String {
    hash_lines(raw, b"\r\n", false)
}

/// Hashes `raw` with each line end (CRLF or LF) replaced by `eol`; with `close_last`, a last line
/// without an end gets one.
fn hash_lines(raw: &[u8], eol: &[u8], close_last: bool) -> String {
    let mut hasher = Sha256::new();
    let mut rest = raw;
    while let Some(i) = memchr::memchr(b'\n', rest) {
        let line = &rest[..i];
        hasher.update(line.strip_suffix(b"\r").unwrap_or(line));
        hasher.update(eol);
        rest = &rest[i + 1..];
    }
    hasher.update(rest);
    if close_last && !rest.is_empty() {
        hasher.update(eol);
    }
    hex::encode(hasher.finalize())
}

/// SHA-256 of the bytes, as lower-case hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}
