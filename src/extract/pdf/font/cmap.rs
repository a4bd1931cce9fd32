//! A CMap stream's bytes in (ToUnicode or a composite font's /Encoding) → its code lengths
//! (`codespacerange`) and code → Unicode text (`bfchar`, `bfrange`), read by a small bounded
//! tokenizer.

use super::encoding::glyph_name_to_text;
use super::{GlyphText, HashMap};

/// A byte range of one code length from a CMap's `codespacerange`.
#[derive(Debug, Clone)]
struct Codespace {
    len: usize,
    lo: Vec<u8>,
    hi: Vec<u8>,
}

#[derive(Debug, Clone)]
enum RangeTarget {
    /// The first code's UTF-16 text; later codes increment the last code unit.
    Base(Vec<u16>),
    /// One text per code.
    Each(Vec<String>),
}

#[derive(Debug, Clone)]
struct BfRange {
    len: usize,
    lo: u32,
    hi: u32,
    target: RangeTarget,
}

/// What a CMap stream says: code lengths and code → Unicode text.
#[derive(Debug, Clone, Default)]
pub struct CMap {
    codespaces: Vec<Codespace>,
    chars: HashMap<(usize, u32), String>,
    ranges: Vec<BfRange>,
}

/// Most mappings read from one CMap: real ones hold a few thousand.
pub(super) const MAX_CMAP_ENTRIES: usize = 100_000;

impl CMap {
    pub fn parse(data: &[u8]) -> CMap {
        let mut cmap = CMap::default();
        let tokens = tokenize(data);
        let mut i = 0;
        let mut entries = 0usize;
        while i < tokens.len() {
            match &tokens[i] {
                Tok::Keyword(k) if k == "begincodespacerange" => {
                    i += 1;
                    while i + 1 < tokens.len() {
                        match (&tokens[i], &tokens[i + 1]) {
                            (Tok::Hex(lo), Tok::Hex(hi))
                                if lo.len() == hi.len() && !lo.is_empty() && lo.len() <= 4 =>
                            {
                                if cmap.codespaces.len() < 1_000 {
                                    cmap.codespaces.push(Codespace {
                                        len: lo.len(),
                                        lo: lo.clone(),
                                        hi: hi.clone(),
                                    });
                                }
                                i += 2;
                            }
                            _ => break,
                        }
                    }
                }
                Tok::Keyword(k) if k == "beginbfchar" => {
                    i += 1;
                    while i + 1 < tokens.len() && entries < MAX_CMAP_ENTRIES {
                        let Tok::Hex(src) = &tokens[i] else { break };
                        let text = match &tokens[i + 1] {
                            Tok::Hex(dst) => utf16_text(dst),
                            Tok::Name(name) => glyph_name_to_text(name).unwrap_or_default(),
                            _ => break,
                        };
                        if let Some(code) = code_value(src) {
                            cmap.chars.insert((src.len(), code), text);
                            entries += 1;
                        }
                        i += 2;
                    }
                }
                Tok::Keyword(k) if k == "beginbfrange" => {
                    i += 1;
                    while i + 2 < tokens.len() && entries < MAX_CMAP_ENTRIES {
                        let (Tok::Hex(lo), Tok::Hex(hi)) = (&tokens[i], &tokens[i + 1]) else {
                            break;
                        };
                        let (Some(lo_code), Some(hi_code)) = (code_value(lo), code_value(hi))
                        else {
                            break;
                        };
                        let target = match &tokens[i + 2] {
                            Tok::Hex(dst) => {
                                i += 3;
                                Some(RangeTarget::Base(utf16_units(dst)))
                            }
                            Tok::ArrayStart => {
                                let mut texts = Vec::new();
                                let mut j = i + 3;
                                while j < tokens.len() {
                                    match &tokens[j] {
                                        Tok::Hex(dst) => texts.push(utf16_text(dst)),
                                        Tok::Name(name) => {
                                            texts.push(glyph_name_to_text(name).unwrap_or_default())
                                        }
                                        _ => break,
                                    }
                                    j += 1;
                                }
                                if matches!(tokens.get(j), Some(Tok::ArrayEnd)) {
                                    j += 1;
                                }
                                i = j;
                                Some(RangeTarget::Each(texts))
                            }
                            _ => None,
                        };
                        let Some(target) = target else { break };
                        if lo.len() == hi.len() && lo_code <= hi_code {
                            cmap.ranges.push(BfRange {
                                len: lo.len(),
                                lo: lo_code,
                                hi: hi_code,
                                target,
                            });
                            entries += 1;
                        }
                    }
                }
                _ => i += 1,
            }
        }
        cmap
    }

    pub(super) fn lookup(&self, len: usize, code: u32) -> Option<GlyphText> {
        if let Some(text) = self.chars.get(&(len, code)) {
            return Some(GlyphText::new(text));
        }
        // Later ranges override earlier ones, as later definitions do.
        for range in self.ranges.iter().rev() {
            if range.len != len || code < range.lo || code > range.hi {
                continue;
            }
            let offset = code - range.lo;
            return match &range.target {
                RangeTarget::Base(units) => {
                    let mut units = units.clone();
                    if let Some(last) = units.last_mut() {
                        *last = last.wrapping_add(offset as u16);
                    }
                    Some(GlyphText::new(&String::from_utf16_lossy(&units)))
                }
                RangeTarget::Each(texts) => texts.get(offset as usize).map(|t| GlyphText::new(t)),
            };
        }
        None
    }

    /// Length of the code starting `bytes`, from the codespace ranges; `None` without ranges.
    pub(super) fn code_len(&self, bytes: &[u8]) -> Option<usize> {
        if self.codespaces.is_empty() {
            return None;
        }
        for len in 1..=4 {
            if bytes.len() < len {
                break;
            }
            let code = &bytes[..len];
            let fits = self.codespaces.iter().any(|cs| {
                cs.len == len
                    && code
                        .iter()
                        .zip(cs.lo.iter().zip(&cs.hi))
                        .all(|(b, (lo, hi))| b >= lo && b <= hi)
            });
            if fits {
                return Some(len);
            }
        }
        // No range matches: take the shortest code length defined, as readers do.
        self.codespaces.iter().map(|cs| cs.len).min()
    }
}

pub(super) fn code_value(bytes: &[u8]) -> Option<u32> {
    if bytes.is_empty() || bytes.len() > 4 {
        return None;
    }
    Some(bytes.iter().fold(0u32, |acc, b| (acc << 8) | u32::from(*b)))
}

fn utf16_units(bytes: &[u8]) -> Vec<u16> {
    bytes
        .chunks(2)
        .map(|c| {
            if c.len() == 2 {
                u16::from_be_bytes([c[0], c[1]])
            } else {
                u16::from(c[0])
            }
        })
        .collect()
}

fn utf16_text(bytes: &[u8]) -> String {
    String::from_utf16_lossy(&utf16_units(bytes))
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Hex(Vec<u8>),
    Name(String),
    Keyword(String),
    ArrayStart,
    ArrayEnd,
    Other,
}

/// Splits CMap PostScript into the tokens the mapping sections use.
fn tokenize(data: &[u8]) -> Vec<Tok> {
    let mut tokens = Vec::new();
    let mut i = 0;
    let is_delim = |b: u8| b.is_ascii_whitespace() || b"()<>[]{}/%".contains(&b);
    while i < data.len() && tokens.len() < 4 * MAX_CMAP_ENTRIES {
        let b = data[i];
        match b {
            b'%' => {
                while i < data.len() && data[i] != b'\n' && data[i] != b'\r' {
                    i += 1;
                }
            }
            b'<' if data.get(i + 1) == Some(&b'<') => {
                tokens.push(Tok::Other);
                i += 2;
            }
            b'>' if data.get(i + 1) == Some(&b'>') => {
                tokens.push(Tok::Other);
                i += 2;
            }
            b'<' => {
                let mut digits = Vec::new();
                i += 1;
                while i < data.len() && data[i] != b'>' {
                    if data[i].is_ascii_hexdigit() {
                        digits.push(data[i]);
                    }
                    i += 1;
                }
                i += 1;
                if digits.len() % 2 == 1 {
                    digits.push(b'0');
                }
                let bytes = digits
                    .chunks(2)
                    .map(|pair| (hex_digit(pair[0]) << 4) | hex_digit(pair[1]))
                    .collect();
                tokens.push(Tok::Hex(bytes));
            }
            b'(' => {
                let mut depth = 0usize;
                while i < data.len() {
                    match data[i] {
                        b'\\' => i += 1,
                        b'(' => depth += 1,
                        b')' => {
                            depth = depth.saturating_sub(1);
                            if depth == 0 {
                                i += 1;
                                break;
                            }
                        }
                        _ => {}
                    }
                    i += 1;
                }
                tokens.push(Tok::Other);
            }
            b'[' => {
                tokens.push(Tok::ArrayStart);
                i += 1;
            }
            b']' => {
                tokens.push(Tok::ArrayEnd);
                i += 1;
            }
            b'/' => {
                let start = i + 1;
                i += 1;
                while i < data.len() && !is_delim(data[i]) {
                    i += 1;
                }
                tokens.push(Tok::Name(
                    String::from_utf8_lossy(&data[start..i]).into_owned(),
                ));
            }
            _ if b.is_ascii_whitespace() => i += 1,
            _ => {
                let start = i;
                while i < data.len() && !is_delim(data[i]) {
                    i += 1;
                }
                if i == start {
                    // A stray delimiter such as ')' or '{'.
                    i += 1;
                    tokens.push(Tok::Other);
                } else {
                    tokens.push(Tok::Keyword(
                        String::from_utf8_lossy(&data[start..i]).into_owned(),
                    ));
                }
            }
        }
    }
    tokens
}

fn hex_digit(b: u8) -> u8 {
    match b {
        b'0'..=b'9' => b - b'0',
        b'a'..=b'f' => b - b'a' + 10,
        b'A'..=b'F' => b - b'A' + 10,
        _ => 0,
    }
}
