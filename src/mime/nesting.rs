//! Raw message bytes in → how many nested messages mail-parser could build from them (the
//! `message/…` and `multipart/digest` markers, also inside quoted-printable and base64), and
//! the bound past which only the headers are parsed.

use crate::limits::Limits;

/// Most `message/…` and `multipart/digest` mentions accepted before the body is not parsed:
/// mail-parser builds nested messages as a tree that is dropped recursively, so thousands of
/// levels could overflow a worker's stack (which no `catch_unwind` can catch).
const MAX_NESTED_MESSAGE_MARKERS: usize = 1_000;

pub(super) fn marker_limit(limits: &Limits) -> usize {
    MAX_NESTED_MESSAGE_MARKERS.min(limits.max_mime_parts.max(1))
}

/// An upper bound on how many nested messages mail-parser could build from `raw`: mentions of
/// `message/rfc822`, `message/global` and `multipart/digest` in the bytes as they are, with
/// quoted-printable undone, and inside every base64 run (mail-parser opens encoded forwarded
/// messages itself, up to three levels down).
pub(super) fn nested_message_markers(raw: &[u8]) -> usize {
    count_markers_in(raw, 4)
}

fn count_markers_in(bytes: &[u8], encoded_levels: usize) -> usize {
    let mut count = count_markers(bytes);
    // A part is only opened as a nested message when its own (unencoded) Content-Type names
    // one, so bytes without any visible marker hide none in their encoded parts: skip decoding
    // them (it was most of the cost of parsing an ordinary message with attachments).
    if encoded_levels == 0 || count == 0 {
        return count;
    }
    if bytes.contains(&b'=') {
        count += count_markers_in_qp(bytes);
    }
    // Base64 runs are decoded one at a time, so the extra memory is one part's size.
    let mut run = Vec::new();
    let flush = |run: &mut Vec<u8>, count: &mut usize| {
        if run.len() >= 24
            && let Some(decoded) = mail_parser::decoders::base64::base64_decode(run)
        {
            *count += count_markers_in(&decoded, encoded_levels - 1);
        }
        run.clear();
    };
    let is_b64 = |b: &u8| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'=');
    for line in bytes.split(|&b| b == b'\n') {
        let line = line.trim_ascii_end();
        if !line.is_empty() && line.iter().all(is_b64) {
            run.extend_from_slice(line);
        } else {
            flush(&mut run, &mut count);
        }
    }
    flush(&mut run, &mut count);
    count
}

const MARKERS: [&[u8]; 3] = [b"message/rfc822", b"message/global", b"multipart/digest"];
const LONGEST_MARKER: usize = 16;

pub(super) fn count_markers(bytes: &[u8]) -> usize {
    count_markers_ending_after(bytes, 0)
}

/// Markers in `bytes` that end past index `from`.
fn count_markers_ending_after(bytes: &[u8], from: usize) -> usize {
    let mut count = 0;
    // Every marker starts with an "m": jump from one to the next (SIMD) rather than byte by byte.
    for i in memchr::memchr2_iter(b'm', b'M', bytes) {
        let rest = &bytes[i..];
        if MARKERS.iter().any(|m| {
            i + m.len() > from
                && rest
                    .get(..m.len())
                    .is_some_and(|head| head.eq_ignore_ascii_case(m))
        }) {
            count += 1;
        }
    }
    count
}

/// Markers in `bytes` read as quoted-printable (soft line breaks removed, `=XX` decoded, any
/// other byte kept), decoded in small chunks so no copy of the message is made.
pub(super) fn count_markers_in_qp(bytes: &[u8]) -> usize {
    let hex = |b: u8| (b as char).to_digit(16);
    let mut count = 0;
    let mut window: Vec<u8> = Vec::with_capacity(8192);
    let mut carried = 0;
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let mut decoded = Some(b);
        let mut step = 1;
        if b == b'=' {
            match (bytes.get(i + 1), bytes.get(i + 2)) {
                (Some(b'\n'), _) => (decoded, step) = (None, 2),
                (Some(b'\r'), Some(b'\n')) => (decoded, step) = (None, 3),
                (Some(&h), Some(&l)) => {
                    if let (Some(h), Some(l)) = (hex(h), hex(l)) {
                        (decoded, step) = (Some((h * 16 + l) as u8), 3);
                    }
                }
                _ => {}
            }
        }
        i += step;
        if let Some(d) = decoded {
            window.push(d);
        }
        if window.len() >= 8192 {
            count += count_markers_ending_after(&window, carried);
            let keep = window.len() - LONGEST_MARKER;
            window.drain(..keep);
            carried = window.len();
        }
    }
    count + count_markers_ending_after(&window, carried)
}
