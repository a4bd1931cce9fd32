//! RTF bytes in → the reader's state: groups, control words and their parameters, the font
//! table and destinations; text bytes and `\uN` go on to `text.rs`, paragraph and table marks
//! to `tables.rs`, fields to `fields.rs`.

use super::text::{charset_encoding, codepage_encoding, hex};
use super::{Dest, Font, GroupState, MAX_FONTS, MAX_TABLE_DEPTH, Reader};
use crate::extract::docx::symbols;

impl Reader {
    pub(super) fn state(&self) -> GroupState {
        self.groups.last().copied().unwrap_or_default()
    }

    fn state_mut(&mut self) -> &mut GroupState {
        if self.groups.is_empty() {
            self.groups.push(GroupState::default());
        }
        let last = self.groups.len() - 1;
        &mut self.groups[last]
    }

    pub(super) fn run(&mut self, bytes: &[u8]) {
        let mut i = 0usize;
        while i < bytes.len() {
            let b = bytes[i];
            match b {
                b'{' => {
                    self.flush();
                    self.skip_units = 0;
                    if self.groups.len() > self.max_depth {
                        self.too_deep_hit = true;
                        return;
                    }
                    let mut s = self.state();
                    s.star = false;
                    self.groups.push(s);
                    i += 1;
                }
                b'}' => {
                    self.flush();
                    self.skip_units = 0;
                    self.close_group();
                    i += 1;
                }
                b'\\' => {
                    i = self.control(bytes, i + 1);
                }
                b'\r' | b'\n' | 0 => i += 1,
                _ => {
                    if self.skip_units > 0 {
                        self.skip_units -= 1;
                    } else {
                        self.text_byte(b);
                    }
                    i += 1;
                }
            }
        }
    }

    /// Reads the control word or symbol after a backslash at `i`; where reading goes on.
    fn control(&mut self, bytes: &[u8], i: usize) -> usize {
        let Some(&first) = bytes.get(i) else {
            return i;
        };
        if !first.is_ascii_alphabetic() {
            // A control symbol.
            let next = i + 1;
            match first {
                b'\'' => {
                    let byte = match (
                        bytes.get(next).copied().and_then(hex),
                        bytes.get(next + 1).copied().and_then(hex),
                    ) {
                        (Some(h), Some(l)) => Some(h * 16 + l),
                        _ => None,
                    };
                    if self.skip_units > 0 {
                        self.skip_units -= 1;
                    } else if let Some(byte) = byte {
                        self.text_byte(byte);
                    }
                    return (next + 2).min(bytes.len());
                }
                b'*' => self.state_mut().star = true,
                b'~' => self.text_str(" "),
                b'_' => self.text_str("-"),
                b'\\' | b'{' | b'}' => {
                    if self.skip_units > 0 {
                        self.skip_units -= 1;
                    } else {
                        self.text_byte(first);
                    }
                }
                b'\r' | b'\n' => self.word("par", None),
                b'\t' => self.text_str("\t"),
                _ => {}
            }
            return next;
        }
        let mut end = i;
        while end < bytes.len() && bytes[end].is_ascii_alphabetic() && end - i < 32 {
            end += 1;
        }
        while end < bytes.len() && bytes[end].is_ascii_alphabetic() {
            end += 1; // An over-long word: the rest is dropped.
        }
        let name = std::str::from_utf8(&bytes[i..(i + 32).min(end)]).unwrap_or("");
        let mut at = end;
        let negative = bytes.get(at) == Some(&b'-');
        if negative {
            at += 1;
        }
        let digits_start = at;
        let mut value: i64 = 0;
        while at < bytes.len() && bytes[at].is_ascii_digit() {
            if at - digits_start < 10 {
                value = value * 10 + i64::from(bytes[at] - b'0');
            }
            at += 1;
        }
        let param = if at > digits_start {
            let v = if negative { -value } else { value };
            Some(v.clamp(i64::from(i32::MIN), i64::from(i32::MAX)) as i32)
        } else {
            if negative {
                at -= 1;
            }
            None
        };
        if bytes.get(at) == Some(&b' ') {
            at += 1;
        }
        if name == "bin" {
            // Binary data: skipped, at most what is left.
            let n = param.unwrap_or(0).max(0) as usize;
            return at.saturating_add(n).min(bytes.len());
        }
        if self.skip_units > 0 && name != "par" {
            self.skip_units -= 1;
        } else {
            self.word(name, param);
        }
        at
    }

    fn close_group(&mut self) {
        let depth = self.groups.len();
        let closing = self.state();
        if closing.dest == Dest::FontTable {
            self.end_font_def();
        }
        if self.groups.len() > 1 {
            self.groups.pop();
        }
        if self.fields_overflow > 0 {
            // Field groups past the bound were counted by depth below.
        }
        if let Some(field) = self.open_fields.last()
            && field.depth == depth
        {
            self.finish_field();
        }
    }

    pub(super) fn end_font_def(&mut self) {
        if let Some(number) = self.font_def.take() {
            let name = String::from_utf8_lossy(&self.font_name)
                .trim()
                .trim_end_matches(';')
                .trim()
                .to_string();
            if let Some(font) = self.fonts.get_mut(&number) {
                font.symbol = symbols::symbol_font(&name);
                font.name = name;
            }
        }
        self.font_name.clear();
    }

    fn set_dest(&mut self, dest: Dest) {
        let s = self.state_mut();
        s.dest = dest;
        s.star = false;
    }

    fn word(&mut self, name: &str, param: Option<i32>) {
        let star = self.state().star;
        self.state_mut().star = false;
        let dest = self.state().dest;
        if dest == Dest::Skip {
            return;
        }
        if dest == Dest::FontTable {
            match name {
                "f" => {
                    self.end_font_def();
                    if let Some(n) = param
                        && self.fonts.len() < MAX_FONTS
                    {
                        self.fonts.insert(
                            n,
                            Font {
                                name: String::new(),
                                encoding: None,
                                symbol: None,
                                charset_symbol: false,
                            },
                        );
                        self.font_def = Some(n);
                    }
                }
                "fcharset" => {
                    if let Some(n) = self.font_def
                        && let Some(font) = self.fonts.get_mut(&n)
                    {
                        let charset = param.unwrap_or(0);
                        font.charset_symbol = charset == 2;
                        font.encoding = charset_encoding(charset);
                    }
                }
                "cpg" => {
                    if let Some(n) = self.font_def
                        && let Some(font) = self.fonts.get_mut(&n)
                        && let Some(e) = codepage_encoding(param.unwrap_or(0))
                    {
                        font.encoding = Some(e);
                    }
                }
                "panose" | "falt" | "fname" => self.set_dest(Dest::Skip),
                _ if star => self.set_dest(Dest::Skip),
                _ => {}
            }
            return;
        }
        self.flush();
        match name {
            // Destinations.
            "fonttbl" => self.set_dest(Dest::FontTable),
            "colortbl" | "stylesheet" | "info" | "pict" | "header" | "headerl" | "headerr"
            | "headerf" | "footer" | "footerl" | "footerr" | "footerf" | "footnote"
            | "listtable" | "listoverridetable" | "revtbl" | "filetbl" | "rsidtbl"
            | "nonshppict" | "sp" | "object" | "xmlnstbl" | "datafield" | "themedata"
            | "colorschememapping" | "latentstyles" | "datastore" | "generator" | "pgdsctbl"
            | "bkmkstart" | "bkmkend" | "annotation" | "atnid" | "atnauthor" => {
                self.set_dest(Dest::Skip)
            }
            "fldinst" => self.set_dest(Dest::FieldInst),
            "fldrslt" => {
                if let Some(f) = self.open_fields.last_mut() {
                    f.has_result = true;
                }
                self.set_dest(Dest::FieldResult);
            }
            "formfield" => self.set_dest(Dest::FormField),
            "ffname" => self.set_dest(Dest::FormName),
            "ffdeftext" => self.set_dest(Dest::FormDefaultText),
            "ffhelptext" => self.set_dest(Dest::FormHelp),
            "ffstattext" => self.set_dest(Dest::FormStatus),
            "ffl" => self.set_dest(Dest::FormEntry),
            "ffentrymcr" | "ffexitmcr" | "ffformat" => self.set_dest(Dest::Skip),
            "shptxt" => self.set_dest(Dest::Normal),
            "field" => self.begin_field(),
            "fftype" | "ffres" | "ffdefres" => {
                if let Some(f) = self.open_fields.last_mut() {
                    let v = Some(param.unwrap_or(0));
                    match name {
                        "fftype" => f.form.kind = v,
                        "ffres" => f.form.result = v,
                        _ => f.form.default = v,
                    }
                }
            }
            _ if star => {
                // An optional destination this reader does not know: skip it.
                self.set_dest(Dest::Skip)
            }
            // Document settings.
            "ansicpg" => {
                if let Some(e) = param.and_then(codepage_encoding) {
                    self.default_encoding = e;
                }
            }
            "deff" => self.default_font = param,
            "uc" => self.state_mut().uc = param.unwrap_or(1).clamp(0, 16) as u32,
            "u" => {
                if let Some(p) = param {
                    self.unicode(p);
                }
            }
            "f" => self.state_mut().font = param,
            "plain" => {
                let s = self.state_mut();
                s.font = None;
                s.hidden = false;
            }
            "v" => self.state_mut().hidden = param != Some(0),
            "deleted" => self.state_mut().hidden = param != Some(0),
            // Paragraphs and tables.
            "pard" => {
                let s = self.state_mut();
                s.in_table = false;
                s.table_depth = 1;
            }
            "intbl" => self.state_mut().in_table = true,
            "itap" => {
                let d = param.unwrap_or(1).clamp(0, MAX_TABLE_DEPTH as i32) as u32;
                let s = self.state_mut();
                s.table_depth = d.max(1);
                s.in_table = d > 0;
            }
            "par" | "sect" => self.end_paragraph(),
            "line" | "page" | "column" if self.visible() => {
                self.ensure_para();
                self.builder.line_break();
            }
            "line" | "page" | "column" => {}
            "cell" => self.end_cell(1),
            "nestcell" => self.end_cell(self.state().table_depth.max(2)),
            "row" => self.end_row(1),
            "nestrow" => self.end_row(self.state().table_depth.max(2)),
            "tab" => self.text_str("\t"),
            "emdash" => self.text_str("—"),
            "endash" => self.text_str("–"),
            "bullet" => self.text_str("•"),
            "lquote" => self.text_str("‘"),
            "rquote" => self.text_str("’"),
            "ldblquote" => self.text_str("“"),
            "rdblquote" => self.text_str("”"),
            _ => {}
        }
    }

    pub(super) fn current_font(&self) -> Option<&Font> {
        let state = self.state();
        state
            .font
            .or(self.default_font)
            .and_then(|n| self.fonts.get(&n))
    }
}
