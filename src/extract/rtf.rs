//! RTF bytes in → a `Document` (source `rtf`) shaped like the DOCX reader's: paragraphs, table
//! rows (`\intbl` … `\cell` … `\row`, nested `\itap`/`\nestcell`/`\nestrow`) as cells, field
//! results, legacy form fields (`\formfield`: `\fftype`, `\ffres`/`\ffdefres`, `\ffname`, text
//! results in `\fldrslt`) as `Field`s with ☒ / ☐ in the text, and Wingdings / Wingdings 2 /
//! Symbol ticks (by font switch, `\'hh`, `\uN` or a `SYMBOL` field) as ☒ / ☐.
//!
//! Our own tokenizer, because the RTF crates found read neither tables nor form fields and
//! unwrap on bad `\u` surrogates. It is one loop over the bytes with an explicit group stack:
//! no recursion, a group nested deeper than `max_nesting` (as for XML) refuses the file at
//! once, control words and numbers are length-capped, `\bin` skips at most the bytes left,
//! and the text it builds is bounded by the zip-total limit (as DOCX text is). Text is decoded
//! in the document's code page (`\ansicpg`) or the font's (`\fcharset`, `\cpg`).

use super::docx::build::{self, Builder, ContainerKind, add_field};
use super::docx::symbols::{self, SymbolFont, map_run_text};
use super::{Document, Field, FieldValue, Limit, Source, TICKED, UNTICKED, Unreadable};
use crate::limits::Limits;
use encoding_rs::Encoding;
use std::collections::HashMap;

/// Most fields open inside one another.
const MAX_OPEN_FIELDS: usize = 32;
/// Most fonts in the font table.
const MAX_FONTS: usize = 4_096;
/// Most table levels followed.
const MAX_TABLE_DEPTH: u32 = 16;

/// True when the bytes start like an RTF file.
pub fn is_rtf(bytes: &[u8]) -> bool {
    let start = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let start = &start[start.len() - start.trim_ascii_start().len()..];
    start.starts_with(b"{\\rtf")
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Dest {
    Normal,
    Skip,
    FontTable,
    FieldInst,
    FieldResult,
    FormField,
    FormName,
    FormDefaultText,
    FormHelp,
    FormStatus,
    FormEntry,
}

#[derive(Clone, Copy)]
struct GroupState {
    dest: Dest,
    /// `\fN` in force.
    font: Option<i32>,
    hidden: bool,
    /// Fallback characters after `\uN` (`\ucN`).
    uc: u32,
    in_table: bool,
    table_depth: u32,
    /// `\*` was just read: an unknown destination that follows is skipped.
    star: bool,
}

impl Default for GroupState {
    fn default() -> Self {
        GroupState {
            dest: Dest::Normal,
            font: None,
            hidden: false,
            uc: 1,
            in_table: false,
            table_depth: 1,
            star: false,
        }
    }
}

struct Font {
    name: String,
    encoding: Option<&'static Encoding>,
    symbol: Option<SymbolFont>,
    charset_symbol: bool,
}

#[derive(Default)]
struct FormInfo {
    kind: Option<i32>,
    result: Option<i32>,
    default: Option<i32>,
    name: String,
    default_text: String,
    help: String,
    status: String,
    entries: Vec<String>,
}

struct OpenField {
    /// The group depth the `\field` group sits at.
    depth: usize,
    instr: String,
    result: String,
    has_result: bool,
    form: FormInfo,
    nearby: String,
}

#[derive(Clone, Copy, Default)]
struct TableLevel {
    row: bool,
    cell: bool,
}

struct Reader {
    /// Deepest group nesting accepted (`max_nesting`).
    max_depth: usize,
    /// A group went deeper than `max_depth`: the file is refused.
    too_deep_hit: bool,
    builder: Builder,
    fields: Vec<Field>,
    groups: Vec<GroupState>,
    fonts: HashMap<i32, Font>,
    /// The font-table entry being read.
    font_def: Option<i32>,
    font_name: Vec<u8>,
    default_encoding: &'static Encoding,
    default_font: Option<i32>,
    /// Text bytes not yet decoded (a DBCS character may come as two `\'hh`).
    pending: Vec<u8>,
    /// Fallback units still to skip after `\uN`.
    skip_units: u32,
    /// A high surrogate waiting for its low half.
    high_surrogate: Option<u16>,
    open_fields: Vec<OpenField>,
    fields_overflow: usize,
    tables: Vec<TableLevel>,
}

pub fn read(bytes: &[u8], limits: &Limits) -> Result<Document, Unreadable> {
    if !is_rtf(bytes) {
        return Err(Unreadable::malformed("not an RTF document"));
    }
    let budget = usize::try_from(limits.max_zip_total_bytes).unwrap_or(usize::MAX);
    let mut r = Reader {
        max_depth: limits.max_nesting.max(1),
        too_deep_hit: false,
        builder: Builder::new(budget),
        fields: Vec::new(),
        groups: vec![GroupState::default()],
        fonts: HashMap::new(),
        font_def: None,
        font_name: Vec::new(),
        default_encoding: encoding_rs::WINDOWS_1252,
        default_font: None,
        pending: Vec::new(),
        skip_units: 0,
        high_surrogate: None,
        open_fields: Vec::new(),
        fields_overflow: 0,
        tables: Vec::new(),
    };
    r.run(bytes);
    if r.too_deep_hit {
        return Err(Unreadable::over(
            Limit::Nesting,
            format!("RTF groups nested deeper than {} levels", r.max_depth),
        ));
    }
    r.flush();
    while r.open_fields.pop().is_some() {}
    r.close_tables(0);
    if r.builder.in_para() {
        r.builder.end_para();
    }
    let blocks = r.builder.finish()?;
    let mut fields = r.fields;
    let mut lines = Vec::new();
    build::flatten(&blocks, &mut lines);
    build::label_check_fields(&mut lines, &mut fields);
    let mut document = Document::new(Source::Rtf);
    document.lines = lines;
    document.fields = fields;
    Ok(document)
}

fn hex(b: u8) -> Option<u8> {
    (b as char).to_digit(16).map(|d| d as u8)
}

/// The code page an `\fcharset` stands for.
fn charset_encoding(charset: i32) -> Option<&'static Encoding> {
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

fn codepage_encoding(page: i32) -> Option<&'static Encoding> {
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
    fn state(&self) -> GroupState {
        self.groups.last().copied().unwrap_or_default()
    }

    fn state_mut(&mut self) -> &mut GroupState {
        if self.groups.is_empty() {
            self.groups.push(GroupState::default());
        }
        let last = self.groups.len() - 1;
        &mut self.groups[last]
    }

    fn run(&mut self, bytes: &[u8]) {
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

    fn end_font_def(&mut self) {
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

    fn current_font(&self) -> Option<&Font> {
        let state = self.state();
        state
            .font
            .or(self.default_font)
            .and_then(|n| self.fonts.get(&n))
    }

    fn text_byte(&mut self, b: u8) {
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
    fn flush(&mut self) {
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

    fn unicode(&mut self, param: i32) {
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

    fn text_str(&mut self, text: &str) {
        self.flush();
        self.emit(text);
    }

    fn visible(&self) -> bool {
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

    fn wanted_depth(&self) -> usize {
        let s = self.state();
        if s.in_table {
            s.table_depth.clamp(1, MAX_TABLE_DEPTH) as usize
        } else {
            0
        }
    }

    /// Opens the paragraph (and the table, row and cell it sits in) before text.
    fn ensure_para(&mut self) {
        let depth = self.wanted_depth();
        if self.tables.len() > depth {
            self.close_tables(depth);
        }
        if depth > 0 {
            self.open_cells(depth);
        }
        if !self.builder.in_para() {
            self.builder.start_para();
        }
    }

    fn open_cells(&mut self, depth: usize) {
        loop {
            if let Some(level) = self.tables.last_mut() {
                if !level.row {
                    level.row = true;
                    if self.builder.in_para() {
                        self.builder.end_para();
                    }
                    self.builder.start_row(1);
                }
                if !level.cell {
                    level.cell = true;
                    if self.builder.in_para() {
                        self.builder.end_para();
                    }
                    self.builder.start_container(ContainerKind::Cell, 1);
                }
            }
            if self.tables.len() >= depth {
                break;
            }
            if self.builder.in_para() {
                self.builder.end_para();
            }
            self.builder.start_table();
            self.tables.push(TableLevel::default());
        }
    }

    fn close_tables(&mut self, depth: usize) {
        while self.tables.len() > depth {
            if self.builder.in_para() {
                self.builder.end_para();
            }
            let Some(level) = self.tables.pop() else {
                break;
            };
            if level.cell {
                self.builder.end_container();
            }
            if level.row {
                self.builder.end_row();
            }
            self.builder.end_table();
        }
    }

    fn end_paragraph(&mut self) {
        if !matches!(self.state().dest, Dest::Normal | Dest::FieldResult) {
            return;
        }
        let depth = self.wanted_depth();
        if self.tables.len() > depth {
            self.close_tables(depth);
        }
        if self.builder.in_para() {
            self.builder.end_para();
        } else if depth > 0 {
            // An empty paragraph in a cell still opens the cell.
            self.open_cells(depth);
        }
    }

    fn end_cell(&mut self, depth: u32) {
        let depth = depth.min(MAX_TABLE_DEPTH) as usize;
        if self.tables.len() > depth {
            self.close_tables(depth);
        }
        // An empty cell still counts as a column.
        self.open_cells(depth);
        if self.builder.in_para() {
            self.builder.end_para();
        }
        if let Some(level) = self.tables.last_mut()
            && level.cell
        {
            level.cell = false;
            self.builder.end_container();
        }
    }

    fn end_row(&mut self, depth: u32) {
        let depth = depth.min(MAX_TABLE_DEPTH) as usize;
        if self.tables.len() > depth {
            self.close_tables(depth);
        }
        if self.tables.len() < depth {
            return;
        }
        if self.builder.in_para() {
            self.builder.end_para();
        }
        if let Some(level) = self.tables.last_mut() {
            let level = std::mem::take(level);
            if level.cell {
                self.builder.end_container();
            }
            if level.row {
                self.builder.end_row();
            }
        }
    }

    fn begin_field(&mut self) {
        if self.open_fields.len() >= MAX_OPEN_FIELDS {
            return;
        }
        let nearby = self.builder.nearby_text();
        self.open_fields.push(OpenField {
            depth: self.groups.len(),
            instr: String::new(),
            result: String::new(),
            has_result: false,
            form: FormInfo::default(),
            nearby,
        });
    }

    fn finish_field(&mut self) {
        let Some(field) = self.open_fields.pop() else {
            return;
        };
        let instr = field.instr.trim_start().to_ascii_uppercase();
        let form = field.form;
        let tooltip = if form.status.is_empty() {
            form.help.clone()
        } else {
            form.status.clone()
        };
        let visible = self.visible();
        let is_check = instr.starts_with("FORMCHECKBOX") || form.kind == Some(1);
        if is_check {
            let checked = match form.result {
                Some(25) | None => form.default.unwrap_or(0) != 0,
                Some(r) => r != 0,
            };
            let index = add_field(
                &mut self.fields,
                Field {
                    name: form.name.trim().to_string(),
                    tooltip,
                    nearby_text: field.nearby,
                    value: FieldValue::Check(checked),
                    place: None,
                },
            );
            if visible {
                self.ensure_para();
                self.builder
                    .push_tick(if checked { TICKED } else { UNTICKED }, index);
            }
        } else if instr.starts_with("FORMTEXT") {
            let value = if field.has_result {
                field.result
            } else {
                if visible {
                    self.ensure_para();
                    self.builder.push_text(&form.default_text);
                }
                form.default_text.clone()
            };
            add_field(
                &mut self.fields,
                Field {
                    name: form.name.trim().to_string(),
                    tooltip,
                    nearby_text: field.nearby,
                    value: FieldValue::Text(value.trim().to_string()),
                    place: None,
                },
            );
        } else if instr.starts_with("FORMDROPDOWN") {
            let chosen = form.result.or(form.default).unwrap_or(0).max(0) as usize;
            let text = form
                .entries
                .get(chosen.min(form.entries.len().saturating_sub(1)))
                .cloned()
                .unwrap_or_default();
            if visible && !field.has_result {
                self.ensure_para();
                self.builder.push_text(&text);
            }
            add_field(
                &mut self.fields,
                Field {
                    name: form.name.trim().to_string(),
                    tooltip,
                    nearby_text: field.nearby,
                    value: FieldValue::Text(text.trim().to_string()),
                    place: None,
                },
            );
        } else if instr.starts_with("SYMBOL")
            && field.result.trim().is_empty()
            && let Some(tick) = symbol_field(&field.instr)
            && visible
        {
            self.ensure_para();
            self.builder.push_text(&tick.to_string());
        }
    }
}

fn push_bounded(s: &mut String, text: &str) {
    if s.len() + text.len() <= build::MAX_FIELD_TEXT {
        s.push_str(text);
    }
}

/// The tick a `SYMBOL 254 \f "Wingdings"` field draws, if it draws one.
fn symbol_field(instr: &str) -> Option<char> {
    let mut words = instr.split_whitespace();
    words.next(); // SYMBOL
    let code_text = words.next()?;
    let code = match code_text
        .strip_prefix("0x")
        .or(code_text.strip_prefix("0X"))
    {
        Some(h) => u32::from_str_radix(h, 16).ok()?,
        None => code_text.parse::<u32>().ok()?,
    };
    let font = instr
        .split("\\f")
        .nth(1)
        .and_then(|rest| rest.split('"').nth(1))
        .unwrap_or("Symbol");
    symbols::sym_char(font, code)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(rtf: &str) -> Vec<Vec<String>> {
        read(rtf.as_bytes(), &Limits::default())
            .expect("read")
            .lines
            .into_iter()
            .map(|l| l.cells)
            .collect()
    }

    #[test]
    fn paragraphs_escapes_and_code_pages() {
        let rtf = r"{\rtf1\ansi\ansicpg1252{\fonttbl{\f0 Calibri;}{\f1\fcharset204 Arial Cyr;}}
\pard Ren\'e9e \u8217?s\par {\f1 \'cf\'f0\'e8}\par}";
        assert_eq!(
            lines(rtf),
            vec![vec!["Renée ’s".to_string()], vec!["При".to_string()]]
        );
    }

    #[test]
    fn tables_and_empty_cells() {
        let rtf = r"{\rtf1\ansi \trowd\cellx1\cellx2\pard\intbl Name\cell Jane\cell\row
\trowd\pard\intbl IP\cell\cell\row\pard after\par}";
        assert_eq!(
            lines(rtf),
            vec![
                vec!["Name".to_string(), "Jane".to_string()],
                vec!["IP".to_string(), String::new()],
                vec!["after".to_string()]
            ]
        );
    }

    #[test]
    fn wingdings_and_form_fields() {
        let rtf = r#"{\rtf1\ansi{\fonttbl{\f0 Calibri;}{\f2\fcharset2 Wingdings;}}
{\f2\'fe} Terms\par {\f2\u252\'fc} Guide\par
{\field{\*\fldinst FORMCHECKBOX {\*\formfield{\fftype1\ffdefres1\ffres25{\*\ffname Box}}}}{\fldrslt }} Public\par
{\field{\*\fldinst SYMBOL 168 \\f "Wingdings" \\s 11}{\fldrslt }} Partner\par
Name: {\field{\*\fldinst FORMTEXT }{\fldrslt Jane}}\par}"#;
        let doc = read(rtf.as_bytes(), &Limits::default()).expect("read");
        let text: Vec<String> = doc.lines.iter().map(|l| l.joined()).collect();
        assert_eq!(
            text,
            vec!["☒ Terms", "☒ Guide", "☒ Public", "☐ Partner", "Name: Jane"]
        );
        assert_eq!(doc.fields.len(), 2);
        assert_eq!(doc.fields[0].value, FieldValue::Check(true));
        assert_eq!(doc.fields[0].nearby_text, "Public");
        assert_eq!(doc.fields[1].value, FieldValue::Text("Jane".into()));
    }

    #[test]
    fn deep_nesting_and_bad_input_do_not_hurt() {
        let deep = format!(
            "{{\\rtf1 {}x{} after\\par}}",
            "{".repeat(100_000),
            "}".repeat(100_000)
        );
        assert!(matches!(
            read(deep.as_bytes(), &Limits::default()),
            Err(Unreadable::OverLimit {
                limit: Limit::Nesting,
                ..
            })
        ));
        let fine = format!(
            "{{\\rtf1 {}x{} after\\par}}",
            "{".repeat(30),
            "}".repeat(30)
        );
        let doc = read(fine.as_bytes(), &Limits::default()).expect("read");
        assert_eq!(doc.lines.len(), 1);
        for bad in [
            r"{\rtf1 \u-10000? \u55357\u56832 \'zz \bin99999999 x",
            r"{\rtf1 \",
            "{\\rtf",
        ] {
            assert!(read(bad.as_bytes(), &Limits::default()).is_ok(), "{bad}");
        }
        assert!(read(b"not rtf", &Limits::default()).is_err());
    }
}
