//! A symbol font's name and a glyph's code or text in → the tick box, tick or cross it draws
//! (Wingdings, Wingdings 2, ZapfDingbats, and Word's private-use Wingdings text).

use super::GlyphText;

/// Which Wingdings face a font is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Wingdings {
    One,
    Two,
}

impl Wingdings {
    pub(super) fn of(base_font: &str) -> Option<Wingdings> {
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
    pub(super) fn mark(self, code: u8) -> Option<char> {
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
pub(super) fn dingbats_tick(code: u8) -> Option<char> {
    match code {
        0x33..=0x38 | 0x6C | 0x6E | 0x75 | 0x48 => Some(crate::extract::TICKED),
        _ => None,
    }
}

/// Word maps Wingdings glyphs to the private use area (U+F000 + code).
pub(super) fn normalise_private_use(text: GlyphText) -> GlyphText {
    let mut chars = text.chars();
    if let (Some(c), None) = (chars.next(), chars.next())
        && ('\u{F000}'..='\u{F0FF}').contains(&c)
        && let Some(mark) = wingdings_box((c as u32 - 0xF000) as u8)
    {
        return mark.into();
    }
    text
}
