//! A symbol-font character (Wingdings, Wingdings 2, Symbol; `w:sym` or a run in that font, or
//! a private-use U+F0xx character) in → `TICKED` / `UNTICKED` when it draws a tick box or tick.
//!
//! Codes checked against the published Wingdings / Wingdings 2 → Unicode charts:
//! Wingdings 0x6F □, 0x70 bold □, 0x71 ❑, 0x72 ❒, 0xA8 ◻ (empty boxes); 0x78 ⌧, 0xFB ✗,
//! 0xFC ✓, 0xFD ☒, 0xFE ☑ (marks). Wingdings 2 0xA3 ⬜ (empty); 0x4F 🗴, 0x50 ✓, 0x51 🗵,
//! 0x52 ☑, 0x53 ☒, 0x54 ☒ bold, 0xA8 ▣ (marks). Symbol 0xD6 √ (used as a tick).

use crate::extract::{TICKED, UNTICKED};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(in crate::extract) enum SymbolFont {
    Wingdings,
    Wingdings2,
    Symbol,
    /// Another symbol font (Webdings, Wingdings 3, Zapf Dingbats…): its codes mean nothing here.
    OtherSymbol,
}

/// Which symbol font a font name is, if any.
pub(in crate::extract) fn symbol_font(name: &str) -> Option<SymbolFont> {
    let key: String = name
        .chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect();
    match key.as_str() {
        "wingdings" => Some(SymbolFont::Wingdings),
        "wingdings2" => Some(SymbolFont::Wingdings2),
        "symbol" => Some(SymbolFont::Symbol),
        "wingdings3" | "webdings" | "zapfdingbats" | "itczapfdingbats" | "dingbats"
        | "monotypesorts" | "marlett" => Some(SymbolFont::OtherSymbol),
        _ => None,
    }
}

/// The tick mark a symbol-font code draws; `None` for any other glyph.
/// `code` may be the raw byte (0x20–0xFF) or its private-use form U+F020–U+F0FF.
pub(in crate::extract) fn tick_for(font: SymbolFont, code: u32) -> Option<char> {
    let byte = match code {
        0xF020..=0xF0FF => code - 0xF000,
        0x20..=0xFF => code,
        _ => return None,
    };
    match font {
        SymbolFont::Wingdings => match byte {
            0x78 | 0xFB | 0xFC | 0xFD | 0xFE => Some(TICKED),
            0x6F | 0x70 | 0x71 | 0x72 | 0xA8 => Some(UNTICKED),
            _ => None,
        },
        SymbolFont::Wingdings2 => match byte {
            0x4F | 0x50 | 0x51 | 0x52 | 0x53 | 0x54 | 0xA8 => Some(TICKED),
            0xA3 => Some(UNTICKED),
            _ => None,
        },
        SymbolFont::Symbol => match byte {
            0xD6 => Some(TICKED),
            _ => None,
        },
        SymbolFont::OtherSymbol => None,
    }
}

/// Text written in a run: maps symbol-font characters to ticks (dropping other symbol-font
/// glyphs, which mean nothing as letters) and private-use U+F0xx characters in any other font
/// as Wingdings (the usual source of such characters). Everything else passes through.
pub(in crate::extract) fn map_run_text(font: Option<SymbolFont>, text: &str, out: &mut String) {
    for ch in text.chars() {
        let code = ch as u32;
        match font {
            Some(font) => {
                if let Some(tick) = tick_for(font, code) {
                    out.push(tick);
                } else if ch.is_whitespace() {
                    out.push(ch);
                }
            }
            None if (0xF020..=0xF0FF).contains(&code) => {
                if let Some(tick) = tick_for(SymbolFont::Wingdings, code) {
                    out.push(tick);
                }
            }
            None => out.push(ch),
        }
    }
}

/// A `w:sym` element: `font` from `w:font`, `code` parsed from the hex `w:char`.
pub(in crate::extract) fn sym_char(font: &str, code: u32) -> Option<char> {
    match symbol_font(font) {
        Some(font) => tick_for(font, code),
        // A symbol in an ordinary font: a private-use code is most likely Wingdings; a real
        // Unicode character (e.g. U+2612 in MS Gothic) is itself.
        None if (0xF000..=0xF0FF).contains(&code) => tick_for(SymbolFont::Wingdings, code),
        None if code >= 0x20 => char::from_u32(code).filter(|c| !c.is_control()),
        None => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wingdings_boxes_and_marks() {
        assert_eq!(sym_char("Wingdings", 0xF0FE), Some(TICKED));
        assert_eq!(sym_char("Wingdings", 0x00FE), Some(TICKED));
        assert_eq!(sym_char("Wingdings", 0xF078), Some(TICKED));
        assert_eq!(sym_char("Wingdings", 0xF0A8), Some(UNTICKED));
        assert_eq!(sym_char("Wingdings", 0xF06F), Some(UNTICKED));
        assert_eq!(sym_char("Wingdings", 0xF0D8), None); // ➢ bullet
        assert_eq!(sym_char("Wingdings 2", 0xF054), Some(TICKED));
        assert_eq!(sym_char("Wingdings 2", 0xF0A3), Some(UNTICKED));
        assert_eq!(sym_char("Symbol", 0xF0D6), Some(TICKED));
        assert_eq!(sym_char("Symbol", 0xF0B7), None);
        assert_eq!(sym_char("MS Gothic", 0x2612), Some('☒'));
    }

    #[test]
    fn run_text_in_symbol_font() {
        let mut out = String::new();
        map_run_text(symbol_font("Wingdings"), "\u{FE} \u{A8}x", &mut out);
        assert_eq!(out, "☒ ☐☒");
        let mut out = String::new();
        map_run_text(None, "a\u{F0FE}b\u{F0D8}", &mut out);
        assert_eq!(out, "a☒b");
    }
}
