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

mod fields;
mod tables;
#[cfg(test)]
mod tests;
mod text;
mod tokenizer;

use super::docx::build::{self, Builder};
use super::docx::symbols::SymbolFont;
use super::{Document, Field, Limit, Source, Unreadable};
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
