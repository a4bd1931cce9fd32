//! A simple font's /Encoding (a standard name, /BaseEncoding, /Differences) and glyph names in
//! → its code → text table, from lopdf's standard tables and the Adobe Glyph List.

use super::{Kind, name_of};
use crate::extract::pdf::{dict_get, resolve};
use lopdf::{Dictionary, Document, Object};
use std::sync::OnceLock;

/// A simple font's code → text table, from a standard encoding lopdf knows.
pub(super) type CodeTable = Vec<Option<String>>;

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

pub(super) fn standard_table(name: &[u8]) -> &'static CodeTable {
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

pub(super) fn simple_encoding(doc: &Document, font: &Dictionary, kind: Kind) -> CodeTable {
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
