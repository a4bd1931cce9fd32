//! Text bytes, `\'hh` and `\uN` in → text decoded in the document's or the font's code page,
//! symbol-font ticks mapped to ☒ / ☐, out to the current destination (body, field, form field).

use super::fields::push_bounded;
use super::{Dest, Reader};
use crate::extract::docx::symbols::{SymbolFont, map_run_text};
use encoding_rs::Encoding;

pub(super) fn hex(b: u8) -> Option<u8> {
    (b as char).to_digit(16).map(|d| d as u8)
}

/// The code page an `\fcharset` stands for.
pub(super) fn charset_encoding(charset: i32) -> Option<&'static Encoding> {
    let page = match charset {
        0 => 1252,
        128 => 932,
        129 => 949,
        134 => 936,
        136 => 950,
        161 => 1253,
        162 => 1254,
        163 => 1258,
        177 => 1255,
        178 => 1256,
        186 => 1257,
        204 => 1251,
        222 => 874,
        238 => 1250,
        77 => 10000,
        _ => return None,
    };
    codepage_encoding(page)
}

pub(super) fn codepage_encoding(page: i32) -> Option<&'static Encoding> {
    let label = match page {
        437 | 850 | 1252 => "windows-1252",
        874 => "windows-874",
        932 => "shift_jis",
        936 => "gbk",
        949 => "euc-kr",
        950 => "big5",
        1250..=1258 => return Encoding::for_label(format!("windows-{page}").as_bytes()),
        10000 => "macintosh",
        65001 => "utf-8",
        _ => return None,
    };
    Encoding::for_label(label.as_bytes())
}

impl Reader {
    pub(super) fn text_byte(&mut self, b: u8) {
        match self.state().dest {
            Dest::Skip => {}
            Dest::FontTable => {
                if self.font_name.len() < 256 {
                    self.font_name.push(b);
                }
                if b == b';' {
                    self.end_font_def();
                }
            }
            _ => self.pending.push(b),
        }
    }

    /// Decodes the pending bytes in the font's (or document's) code page and emits them.
    pub(super) fn flush(&mut self) {
        if self.pending.is_empty() {
            return;
        }
        let bytes = std::mem::take(&mut self.pending);
        let (symbol, encoding) = match self.current_font() {
            Some(f) => (
                f.symbol
                    .or(f.charset_symbol.then_some(SymbolFont::OtherSymbol)),
                f.encoding.unwrap_or(self.default_encoding),
            ),
            None => (None, self.default_encoding),
        };
        let text = match symbol {
            Some(font) => {
                let raw: String = bytes.iter().map(|&b| char::from(b)).collect();
                let mut out = String::new();
                map_run_text(Some(font), &raw, &mut out);
                out
            }
            None => {
                let (decoded, _) = encoding.decode_without_bom_handling(&bytes);
                decoded.into_owned()
            }
        };
        self.pending = bytes;
        self.pending.clear();
        self.emit(&text);
    }

    pub(super) fn unicode(&mut self, param: i32) {
        let unit = param.rem_euclid(65_536) as u16;
        self.skip_units = self.state().uc;
        let ch = match unit {
            0xD800..=0xDBFF => {
                self.high_surrogate = Some(unit);
                return;
            }
            0xDC00..=0xDFFF => match self.high_surrogate.take() {
                Some(high) => char::decode_utf16([high, unit]).next().and_then(Result::ok),
                None => None,
            },
            _ => char::from_u32(u32::from(unit)),
        };
        self.high_surrogate = None;
        let Some(ch) = ch else { return };
        let symbol = self.current_font().and_then(|f| {
            f.symbol
                .or(f.charset_symbol.then_some(SymbolFont::OtherSymbol))
        });
        let mut out = String::new();
        map_run_text(symbol, ch.encode_utf8(&mut [0; 4]), &mut out);
        self.emit(&out);
    }

    pub(super) fn text_str(&mut self, text: &str) {
        self.flush();
        self.emit(text);
    }

    pub(super) fn visible(&self) -> bool {
        let s = self.state();
        matches!(s.dest, Dest::Normal | Dest::FieldResult) && !s.hidden && self.fields_overflow == 0
    }

    /// Text in the current destination.
    fn emit(&mut self, text: &str) {
        if text.is_empty() {
            return;
        }
        let dest = self.state().dest;
        let field = self.open_fields.last_mut();
        match (dest, field) {
            (Dest::FieldInst, Some(f)) => push_bounded(&mut f.instr, text),
            (Dest::FormName, Some(f)) => push_bounded(&mut f.form.name, text),
            (Dest::FormDefaultText, Some(f)) => push_bounded(&mut f.form.default_text, text),
            (Dest::FormHelp, Some(f)) => push_bounded(&mut f.form.help, text),
            (Dest::FormStatus, Some(f)) => push_bounded(&mut f.form.status, text),
            (Dest::FormEntry, Some(f)) => {
                if f.form.entries.len() < 100 {
                    f.form.entries.push(text.to_string());
                }
            }
            _ => {
                if !self.visible() {
                    return;
                }
                let chars = text.replace('\u{a0}', " ");
                if let Some(f) = self.open_fields.last_mut()
                    && dest == Dest::FieldResult
                {
                    push_bounded(&mut f.result, &chars);
                }
                self.ensure_para();
                self.builder.push_text(&chars);
            }
        }
    }
}
