//! A PDF font dictionary in → a decoder from the bytes of a shown string to glyphs out: each
//! glyph's Unicode text (ToUnicode CMap, else the simple font's encoding and glyph names) and
//! its advance width in text space units.

use super::{Budget, dict_get, resolve};
use lopdf::{Dictionary, Document, Object};
/// The per-glyph lookups (ToUnicode, widths) hash small integers: foldhash, not SipHash, which
/// cost as much as the rest of decoding a glyph. Seeded per process; the tables are bounded.
type HashMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;
pub use crate::extract::layout::RunText as GlyphText;
use std::sync::OnceLock;

/// One decoded glyph of a shown string.
#[derive(Debug, Clone)]
pub struct DecodedGlyph {
    pub text: GlyphText,
    /// Advance width in text space units for a font size of 1 (glyph space / 1000).
    pub width: f32,
    /// A single-byte code 32, to which word spacing (`Tw`) applies.
    pub is_word_space: bool,
}

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
const MAX_CMAP_ENTRIES: usize = 100_000;

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

    fn lookup(&self, len: usize, code: u32) -> Option<GlyphText> {
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
    fn code_len(&self, bytes: &[u8]) -> Option<usize> {
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

fn code_value(bytes: &[u8]) -> Option<u32> {
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

/// A simple font's code → text table, from a standard encoding lopdf knows.
type CodeTable = Vec<Option<String>>;

fn lopdf_table(encoding_name: &str) -> CodeTable {
    // lopdf keeps its encoding tables private; read them back through a throwaway font.
    let doc = Document::new();
    let mut font = Dictionary::new();
    font.set("Type", Object::Name(b"Font".to_vec()));
    font.set("Encoding", Object::Name(encoding_name.as_bytes().to_vec()));
    let mut table = vec![None; 256];
    if let Ok(encoding) = font.get_font_encoding(&doc) {
        for (code, slot) in table.iter_mut().enumerate() {
            if let Ok(text) = encoding.bytes_to_string(&[code as u8])
                && !text.is_empty()
            {
                *slot = Some(text);
            }
        }
    }
    table
}

fn standard_table(name: &[u8]) -> &'static CodeTable {
    static WIN: OnceLock<CodeTable> = OnceLock::new();
    static MAC: OnceLock<CodeTable> = OnceLock::new();
    static STD: OnceLock<CodeTable> = OnceLock::new();
    match name {
        b"WinAnsiEncoding" => WIN.get_or_init(|| lopdf_table("WinAnsiEncoding")),
        b"MacRomanEncoding" => MAC.get_or_init(|| lopdf_table("MacRomanEncoding")),
        _ => STD.get_or_init(|| lopdf_table("StandardEncoding")),
    }
}

/// An Adobe glyph name → its Unicode text: `uniXXXX`, `uXXXX[XX]`, the Adobe Glyph List (via
/// lopdf), and `name.suffix` / `a_b` ligature forms.
pub fn glyph_name_to_text(name: &str) -> Option<String> {
    let base = name.split('.').next().unwrap_or(name);
    if base.is_empty() {
        return None;
    }
    if base.contains('_') {
        let parts: Option<String> = base.split('_').map(glyph_name_to_text).collect();
        return parts;
    }
    if let Some(hex) = base.strip_prefix("uni")
        && hex.len() >= 4
        && hex.len() % 4 == 0
        && hex.bytes().all(|b| b.is_ascii_hexdigit())
    {
        let units: Vec<u16> = hex
            .as_bytes()
            .chunks(4)
            .filter_map(|c| u16::from_str_radix(std::str::from_utf8(c).ok()?, 16).ok())
            .collect();
        return Some(String::from_utf16_lossy(&units));
    }
    if let Some(hex) = base.strip_prefix('u')
        && (4..=6).contains(&hex.len())
        && hex.bytes().all(|b| b.is_ascii_hexdigit())
    {
        return u32::from_str_radix(hex, 16)
            .ok()
            .and_then(char::from_u32)
            .map(String::from);
    }
    agl_lookup(base)
}

fn agl_lookup(name: &str) -> Option<String> {
    // The Adobe Glyph List lives in lopdf, reachable through a /Differences entry.
    let doc = Document::new();
    let mut encoding = Dictionary::new();
    encoding.set(
        "Differences",
        Object::Array(vec![
            Object::Integer(0),
            Object::Name(name.as_bytes().to_vec()),
        ]),
    );
    let mut font = Dictionary::new();
    font.set("Type", Object::Name(b"Font".to_vec()));
    font.set("Encoding", Object::Dictionary(encoding));
    // An unknown name makes lopdf fall back to StandardEncoding, which maps nothing at code 0.
    let text = font
        .get_font_encoding(&doc)
        .ok()?
        .bytes_to_string(&[0])
        .ok()?;
    (!text.is_empty()).then_some(text)
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    Simple,
    Composite,
    Type3,
}

/// A font as the content interpreter needs it.
#[derive(Debug, Clone)]
pub struct Font {
    kind: Kind,
    to_unicode: Option<CMap>,
    /// Code lengths for a composite font (its /Encoding CMap), when not Identity (2 bytes).
    encoding_cmap: Option<CMap>,
    simple_codes: CodeTable,
    widths: HashMap<u32, f32>,
    default_width: f32,
    /// Glyph space → text space (1/1000, or a Type 3 font's FontMatrix).
    width_scale: f32,
    /// A Wingdings font (1 or 2: their codes draw different symbols).
    wingdings: Option<Wingdings>,
    dingbats: bool,
}

impl Font {
    /// Stands in when a `Tf` names a font that is missing or unreadable.
    pub fn fallback() -> Font {
        Font {
            kind: Kind::Simple,
            to_unicode: None,
            encoding_cmap: None,
            simple_codes: standard_table(b"WinAnsiEncoding").clone(),
            widths: HashMap::default(),
            default_width: 500.0,
            width_scale: 0.001,
            wingdings: None,
            dingbats: false,
        }
    }

    pub fn from_dict(doc: &Document, font: &Dictionary, budget: &mut Budget) -> Font {
        let subtype = name_of(dict_get(doc, font, b"Subtype")).unwrap_or_default();
        let kind = match subtype.as_slice() {
            b"Type0" => Kind::Composite,
            b"Type3" => Kind::Type3,
            _ => Kind::Simple,
        };
        let base_font = name_of(dict_get(doc, font, b"BaseFont")).unwrap_or_default();
        let base_font = String::from_utf8_lossy(&base_font).into_owned();
        let to_unicode = dict_get(doc, font, b"ToUnicode")
            .and_then(|o| o.as_stream().ok())
            .and_then(|s| budget.stream_bytes(s))
            .map(|data| CMap::parse(&data));

        let mut result = Font {
            kind,
            to_unicode,
            encoding_cmap: None,
            simple_codes: Vec::new(),
            widths: HashMap::default(),
            default_width: 500.0,
            width_scale: 0.001,
            wingdings: Wingdings::of(&base_font),
            dingbats: base_font.contains("ZapfDingbats") || base_font.contains("Dingbats"),
        };

        match kind {
            Kind::Composite => {
                if let Some(stream) =
                    dict_get(doc, font, b"Encoding").and_then(|o| o.as_stream().ok())
                    && let Some(data) = budget.stream_bytes(stream)
                {
                    result.encoding_cmap = Some(CMap::parse(&data));
                }
                let descendant = dict_get(doc, font, b"DescendantFonts")
                    .and_then(|o| o.as_array().ok())
                    .and_then(|a| a.first())
                    .and_then(|o| resolve(doc, o))
                    .and_then(|o| o.as_dict().ok());
                if let Some(cid_font) = descendant {
                    result.default_width = number(dict_get(doc, cid_font, b"DW")).unwrap_or(1000.0);
                    if let Some(w) = dict_get(doc, cid_font, b"W").and_then(|o| o.as_array().ok()) {
                        result.read_cid_widths(doc, w);
                    }
                }
            }
            Kind::Simple | Kind::Type3 => {
                result.simple_codes = simple_encoding(doc, font, kind);
                let first_char = number(dict_get(doc, font, b"FirstChar"))
                    .unwrap_or(0.0)
                    .max(0.0) as u32;
                if let Some(widths) = dict_get(doc, font, b"Widths").and_then(|o| o.as_array().ok())
                {
                    for (i, w) in widths.iter().take(256).enumerate() {
                        if let Some(w) = number(resolve(doc, w)) {
                            result.widths.insert(first_char.saturating_add(i as u32), w);
                        }
                    }
                } else if let Some(table) = base14_widths(&base_font) {
                    for (i, w) in table.iter().enumerate() {
                        result.widths.insert(32 + i as u32, f32::from(*w));
                    }
                }
                let descriptor =
                    dict_get(doc, font, b"FontDescriptor").and_then(|o| o.as_dict().ok());
                result.default_width = descriptor
                    .and_then(|d| number(dict_get(doc, d, b"MissingWidth")).filter(|w| *w > 0.0))
                    .or_else(|| {
                        descriptor.and_then(|d| {
                            number(dict_get(doc, d, b"AvgWidth")).filter(|w| *w > 0.0)
                        })
                    })
                    .unwrap_or(if base_font.contains("Courier") {
                        600.0
                    } else {
                        500.0
                    });
                if kind == Kind::Type3
                    && let Some(matrix) =
                        dict_get(doc, font, b"FontMatrix").and_then(|o| o.as_array().ok())
                    && let Some(a) = matrix.first().and_then(|o| number(Some(o)))
                    && a.is_finite()
                    && a != 0.0
                {
                    result.width_scale = a.abs();
                    // Type 3 widths without /Widths: guess half the glyph box.
                    result.default_width = 0.5 / result.width_scale;
                }
            }
        }
        result
    }

    fn read_cid_widths(&mut self, doc: &Document, w: &[Object]) {
        let mut i = 0;
        let mut entries = 0usize;
        while i < w.len() && entries < MAX_CMAP_ENTRIES {
            let Some(first) = number(resolve(doc, &w[i])) else {
                break;
            };
            let first = first.max(0.0) as u32;
            match w.get(i + 1).and_then(|o| resolve(doc, o)) {
                Some(Object::Array(list)) => {
                    for (k, width) in list.iter().enumerate() {
                        if let Some(width) = number(resolve(doc, width)) {
                            self.widths.insert(first.saturating_add(k as u32), width);
                            entries += 1;
                        }
                    }
                    i += 2;
                }
                Some(last) => {
                    let (Some(last), Some(width)) = (
                        number(Some(last)),
                        w.get(i + 2).and_then(|o| number(resolve(doc, o))),
                    ) else {
                        break;
                    };
                    let last = (last.max(0.0) as u32).min(first.saturating_add(65_535));
                    for cid in first..=last {
                        self.widths.insert(cid, width);
                        entries += 1;
                    }
                    i += 3;
                }
                None => break,
            }
        }
    }

    /// Splits a shown string into glyphs.
    pub fn decode(&self, bytes: &[u8], out: &mut Vec<DecodedGlyph>) {
        let mut i = 0;
        while i < bytes.len() {
            let len = match self.kind {
                Kind::Composite => self
                    .encoding_cmap
                    .as_ref()
                    .and_then(|c| c.code_len(&bytes[i..]))
                    .unwrap_or(2),
                _ => 1,
            }
            .clamp(1, 4)
            .min(bytes.len() - i);
            let code_bytes = &bytes[i..i + len];
            i += len;
            let code = code_value(code_bytes).unwrap_or(0);
            let mut text = self
                .to_unicode
                .as_ref()
                .and_then(|c| c.lookup(len, code))
                .or_else(|| {
                    if self.kind == Kind::Composite {
                        None
                    } else {
                        self.simple_codes
                            .get(code as usize)
                            .and_then(|t| t.as_deref())
                            .map(GlyphText::new)
                    }
                })
                .unwrap_or_default();
            if let Some(face) = self.wingdings
                && len == 1
                && let Some(mark) = face.mark(code as u8)
            {
                text = mark.into();
            }
            if self.dingbats
                && len == 1
                && self.to_unicode.is_none()
                && let Some(mark) = dingbats_tick(code as u8)
            {
                text = mark.into();
            }
            text = normalise_private_use(text);
            let width = self
                .widths
                .get(&code)
                .copied()
                .unwrap_or(self.default_width)
                * self.width_scale;
            out.push(DecodedGlyph {
                text,
                width: if width.is_finite() { width } else { 0.0 },
                is_word_space: len == 1 && code == 32,
            });
        }
    }
}

/// Which Wingdings face a font is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Wingdings {
    One,
    Two,
}

impl Wingdings {
    fn of(base_font: &str) -> Option<Wingdings> {
        let name = base_font.to_ascii_lowercase();
        if !name.contains("wingdings") {
            return None;
        }
        Some(
            if name.contains("wingdings2") || name.contains("wingdings-2") {
                Wingdings::Two
            } else {
                Wingdings::One
            },
        )
    }

    /// The box, tick or cross a code draws in this face.
    fn mark(self, code: u8) -> Option<char> {
        match self {
            Wingdings::One => wingdings_box(code),
            Wingdings::Two => match code {
                0x52..=0x54 => Some(crate::extract::TICKED),
                0xA3 | 0x30 => Some(crate::extract::UNTICKED),
                0x50 => Some('\u{2714}'),
                0x4F => Some('\u{2718}'),
                _ => None,
            },
        }
    }
}

/// Wingdings codes that draw tick boxes, ticks and crosses.
fn wingdings_box(code: u8) -> Option<char> {
    match code {
        0x78 | 0xFD | 0xFE => Some(crate::extract::TICKED),
        0x6F | 0x71 | 0xA8 => Some(crate::extract::UNTICKED),
        0xFC => Some('\u{2714}'),
        0xFB => Some('\u{2718}'),
        _ => None,
    }
}

/// ZapfDingbats codes that check box and radio button appearances draw when on (check marks,
/// crosses, dot, square, diamond, star).
fn dingbats_tick(code: u8) -> Option<char> {
    match code {
        0x33..=0x38 | 0x6C | 0x6E | 0x75 | 0x48 => Some(crate::extract::TICKED),
        _ => None,
    }
}

/// Word maps Wingdings glyphs to the private use area (U+F000 + code).
fn normalise_private_use(text: GlyphText) -> GlyphText {
    let mut chars = text.chars();
    if let (Some(c), None) = (chars.next(), chars.next())
        && ('\u{F000}'..='\u{F0FF}').contains(&c)
        && let Some(mark) = wingdings_box((c as u32 - 0xF000) as u8)
    {
        return mark.into();
    }
    text
}

fn simple_encoding(doc: &Document, font: &Dictionary, kind: Kind) -> CodeTable {
    let subtype_truetype = matches!(
        name_of(dict_get(doc, font, b"Subtype")).as_deref(),
        Some(b"TrueType")
    );
    let default_base: &[u8] = if subtype_truetype {
        b"WinAnsiEncoding"
    } else {
        b"StandardEncoding"
    };
    let encoding = dict_get(doc, font, b"Encoding");
    let (base, differences) = match encoding {
        Some(Object::Name(name)) => (name.clone(), None),
        Some(Object::Dictionary(d)) => (
            name_of(dict_get(doc, d, b"BaseEncoding")).unwrap_or_else(|| default_base.to_vec()),
            dict_get(doc, d, b"Differences").and_then(|o| o.as_array().ok()),
        ),
        _ => (default_base.to_vec(), None),
    };
    let mut table = if kind == Kind::Type3 && base == b"StandardEncoding" && differences.is_some() {
        // Type 3 fonts name their glyphs in /Differences; no base applies.
        vec![None; 256]
    } else {
        standard_table(&base).clone()
    };
    if let Some(differences) = differences {
        let mut code: usize = 0;
        for item in differences.iter().take(4096) {
            match resolve(doc, item) {
                Some(Object::Integer(n)) => code = (*n).clamp(0, 256) as usize,
                Some(Object::Name(name)) => {
                    if code < 256 {
                        let name = String::from_utf8_lossy(name);
                        table[code] = glyph_name_to_text(&name);
                    }
                    code = code.saturating_add(1);
                }
                _ => {}
            }
        }
    }
    table
}

fn name_of(object: Option<&Object>) -> Option<Vec<u8>> {
    match object {
        Some(Object::Name(n)) => Some(n.clone()),
        _ => None,
    }
}

pub fn number(object: Option<&Object>) -> Option<f32> {
    match object {
        Some(Object::Integer(i)) => Some(*i as f32),
        Some(Object::Real(r)) if r.is_finite() => Some(*r),
        _ => None,
    }
}

/// Widths of codes 32..=126 for standard fonts printed without /Widths (older writers).
fn base14_widths(base_font: &str) -> Option<&'static [u16; 95]> {
    const HELVETICA: [u16; 95] = [
        278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556,
        556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, 1015, 667, 667, 722,
        722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778, 667, 778, 722, 667, 611, 722,
        667, 944, 667, 667, 611, 278, 278, 278, 469, 556, 333, 556, 556, 500, 556, 556, 278, 556,
        556, 222, 222, 500, 222, 833, 556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500,
        500, 334, 260, 334, 584,
    ];
    const TIMES: [u16; 95] = [
        250, 333, 408, 500, 500, 833, 778, 180, 333, 333, 500, 564, 250, 333, 250, 278, 500, 500,
        500, 500, 500, 500, 500, 500, 500, 500, 278, 278, 564, 564, 564, 444, 921, 722, 667, 667,
        722, 611, 556, 722, 722, 333, 389, 722, 611, 889, 722, 722, 556, 722, 667, 556, 611, 722,
        722, 944, 722, 722, 611, 333, 278, 333, 469, 500, 333, 444, 500, 444, 500, 444, 333, 500,
        500, 278, 278, 500, 278, 778, 500, 500, 500, 500, 333, 389, 278, 500, 500, 722, 500, 500,
        444, 480, 200, 480, 541,
    ];
    const COURIER: [u16; 95] = [600; 95];
    let name = base_font.rsplit('+').next().unwrap_or(base_font);
    if name.starts_with("Helvetica") || name.starts_with("Arial") {
        Some(&HELVETICA)
    } else if name.starts_with("Times") {
        Some(&TIMES)
    } else if name.starts_with("Courier") {
        Some(&COURIER)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn glyph_text_keeps_any_text_whole() {
        let long = "ﬁ".repeat(GlyphText::INLINE);
        let edge = "é".repeat(GlyphText::INLINE / 2);
        for text in [
            "",
            "a",
            " ",
            "é",
            "☒",
            "ﬁ",
            "𝔸",
            "ab",
            &edge,
            &format!("{edge}x"),
            &long,
        ] {
            let glyph = GlyphText::new(text);
            assert_eq!(glyph.as_str(), text);
            assert_eq!(&*glyph, text);
            assert_eq!(glyph.clone(), glyph);
        }
        assert_eq!(GlyphText::from('☐').as_str(), "☐");
        assert_eq!(GlyphText::default().as_str(), "");
        assert_ne!(GlyphText::new("a"), GlyphText::new("b"));
    }

    use super::*;

    #[test]
    fn wingdings_faces_draw_their_own_boxes_and_ticks() {
        assert_eq!(
            Wingdings::of("ABCDEE+Wingdings-Regular"),
            Some(Wingdings::One)
        );
        assert_eq!(Wingdings::of("Wingdings2"), Some(Wingdings::Two));
        assert_eq!(Wingdings::of("Arial"), None);
        let one = Wingdings::One;
        assert_eq!(one.mark(0xFE), Some(crate::extract::TICKED));
        assert_eq!(one.mark(0xA8), Some(crate::extract::UNTICKED));
        assert_eq!(one.mark(0xFC), Some('\u{2714}'));
        // The same code is something else in Wingdings 2.
        assert_eq!(Wingdings::Two.mark(0xA8), None);
        assert_eq!(Wingdings::Two.mark(0x53), Some(crate::extract::TICKED));
        assert_eq!(Wingdings::Two.mark(0xA3), Some(crate::extract::UNTICKED));
        assert_eq!(Wingdings::Two.mark(0x50), Some('\u{2714}'));
    }

    #[test]
    fn cmap_bfchar_bfrange_and_arrays() {
        let cmap = CMap::parse(
            b"/CIDInit /ProcSet findresource begin\n1 begincodespacerange <0000> <FFFF> endcodespacerange\n\
              2 beginbfchar <0003> <0020> <0011> <00660069> endbfchar\n\
              2 beginbfrange <0024> <0026> <0041> <0030> <0031> [<00E9> <2612>] endbfrange end",
        );
        assert_eq!(cmap.lookup(2, 3).as_deref(), Some(" "));
        assert_eq!(cmap.lookup(2, 0x11).as_deref(), Some("fi"));
        assert_eq!(cmap.lookup(2, 0x25).as_deref(), Some("B"));
        assert_eq!(cmap.lookup(2, 0x31).as_deref(), Some("☒"));
        assert_eq!(cmap.lookup(2, 0x99), None);
        assert_eq!(cmap.code_len(&[0, 1]), Some(2));
    }

    #[test]
    fn mixed_length_codespaces() {
        let cmap = CMap::parse(b"2 begincodespacerange <00> <80> <8140> <9FFC> endcodespacerange");
        assert_eq!(cmap.code_len(&[0x41, 0x81]), Some(1));
        assert_eq!(cmap.code_len(&[0x81, 0x40]), Some(2));
    }

    #[test]
    fn glyph_names() {
        assert_eq!(glyph_name_to_text("A").as_deref(), Some("A"));
        assert_eq!(glyph_name_to_text("eacute").as_deref(), Some("é"));
        assert_eq!(glyph_name_to_text("uni2612").as_deref(), Some("☒"));
        assert_eq!(glyph_name_to_text("u1F600").as_deref(), Some("😀"));
        assert_eq!(glyph_name_to_text("f_i").as_deref(), Some("fi"));
        assert_eq!(glyph_name_to_text("a.sc").as_deref(), Some("a"));
        assert_eq!(glyph_name_to_text("g123"), None);
    }

    #[test]
    fn standard_tables_come_from_lopdf() {
        assert_eq!(
            standard_table(b"WinAnsiEncoding")[0x80].as_deref(),
            Some("€")
        );
        assert_eq!(
            standard_table(b"MacRomanEncoding")[0x8E].as_deref(),
            Some("é")
        );
        assert_eq!(
            standard_table(b"StandardEncoding")[0x27].as_deref(),
            Some("’")
        );
    }
}
