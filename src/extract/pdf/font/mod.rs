//! A PDF font dictionary in → a decoder from the bytes of a shown string to glyphs out: each
//! glyph's Unicode text (ToUnicode CMap, else the simple font's encoding and glyph names) and
//! its advance width in text space units.

mod cmap;
mod encoding;
mod symbols;
#[cfg(test)]
mod tests;

use super::{Budget, dict_get, resolve};
use cmap::{CMap, MAX_CMAP_ENTRIES, code_value};
use encoding::{CodeTable, simple_encoding, standard_table};
use lopdf::{Dictionary, Document, Object};
use symbols::{Wingdings, dingbats_tick, normalise_private_use};
/// The per-glyph lookups (ToUnicode, widths) hash small integers: foldhash, not SipHash, which
/// cost as much as the rest of decoding a glyph. Seeded per process; the tables are bounded.
type HashMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;
pub use crate::extract::layout::RunText as GlyphText;

/// One decoded glyph of a shown string.
#[derive(Debug, Clone)]
pub struct DecodedGlyph {
    pub text: GlyphText,
    /// Advance width in text space units for a font size of 1 (glyph space / 1000).
    pub width: f32,
    /// A single-byte code 32, to which word spacing (`Tw`) applies.
    pub is_word_space: bool,
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
