//! Word 97–2003 `.doc` bytes in → a `Document` (source `doc`) shaped like the DOCX reader's:
//! paragraphs, table rows as cells, legacy form fields (FORMTEXT results, FORMCHECKBOX state,
//! FORMDROPDOWN choice) as `Field`s and ☒ / ☐ in the text, Wingdings ticks as ☒ / ☐.
//!
//! The compound file is opened with the `cfb` crate (it refuses FAT chains that loop or share
//! sectors, and bounds the FAT by the file's size). From the `WordDocument` stream and its
//! table stream: the FIB, the piece table (`Clx`), the character and paragraph property pages
//! (FKPs: hidden text, special characters, symbol fonts, where a field's FFData sits in the
//! `Data` stream; in-table, row-end and depth marks) and the font table. Only the main text is
//! read (no headers, footnotes or text boxes). An encrypted or obfuscated file, an encrypted
//! OOXML package (which is a compound file too) or a file that is not Word is `Unreadable`
//! with the reason; every offset is checked, so a damaged file never panics.

mod tables;

use super::docx::build::{self, Builder, ContainerKind, add_form_field};
use super::docx::symbols::{self, SymbolFont, map_run_text};
use super::{Document, Field, FieldValue, Source, TICKED, UNTICKED, Unreadable};
use crate::limits::Limits;
use std::io::{Cursor, Read};
use tables::{CharProps, Clx, FormFieldData, ParaProps, Piece, Runs, u16_at, u32_at};

/// The FIB's identifier of a Word document.
const WORD_IDENT: u16 = 0xA5EC;
/// Offset of the main text's length (`ccpText`) in the FIB.
const CCP_TEXT_AT: usize = 0x4C;

fn malformed(reason: impl Into<String>) -> Unreadable {
    Unreadable::malformed(reason)
}

/// Reads one stream of the compound file, at most `cap` bytes.
fn stream(
    file: &mut cfb::CompoundFile<Cursor<&[u8]>>,
    name: &str,
    cap: u64,
) -> Result<Option<Vec<u8>>, Unreadable> {
    if !file.is_stream(name) {
        return Ok(None);
    }
    let mut s = file
        .open_stream(name)
        .map_err(|e| malformed(format!("damaged Word file: {e}")))?;
    if s.len() > cap {
        return Err(malformed(format!(
            "damaged Word file: its {name} stream claims {} bytes, more than the file holds",
            s.len()
        )));
    }
    let mut bytes = Vec::with_capacity(s.len() as usize);
    s.read_to_end(&mut bytes)
        .map_err(|e| malformed(format!("damaged Word file: {e}")))?;
    Ok(Some(bytes))
}

/// The streams of a Word file.
struct Streams {
    word: Vec<u8>,
    table: Vec<u8>,
    data: Vec<u8>,
}

fn open(bytes: &[u8]) -> Result<Streams, Unreadable> {
    let cap = bytes.len() as u64;
    let mut file = cfb::CompoundFile::open(Cursor::new(bytes))
        .map_err(|e| malformed(format!("damaged Word file: {e}")))?;
    if file.is_stream("EncryptedPackage") || file.is_stream("EncryptionInfo") {
        return Err(Unreadable::EncryptedWord);
    }
    let Some(word) = stream(&mut file, "WordDocument", cap)? else {
        let what = if file.is_stream("Workbook") || file.is_stream("Book") {
            "an Excel workbook"
        } else if file.is_stream("PowerPoint Document") {
            "a PowerPoint presentation"
        } else {
            "an OLE compound file that is not a Word document"
        };
        return Err(malformed(format!("not a Word document: it is {what}")));
    };
    if u16_at(&word, 0) != Some(WORD_IDENT) {
        return Err(malformed("not a Word document: its FIB is missing"));
    }
    let flags = u16_at(&word, 0x0A).unwrap_or(0);
    if flags & 0x0100 != 0 || flags & 0x8000 != 0 {
        return Err(Unreadable::EncryptedWord);
    }
    let table_name = if flags & 0x0200 != 0 {
        "1Table"
    } else {
        "0Table"
    };
    let table = stream(&mut file, table_name, cap)?.unwrap_or_default();
    let data = stream(&mut file, "Data", cap)?.unwrap_or_default();
    Ok(Streams { word, table, data })
}

pub fn read(bytes: &[u8], limits: &Limits) -> Result<Document, Unreadable> {
    let streams = open(bytes)?;
    let word = &streams.word;
    let n_fib = u16_at(word, 2).unwrap_or(0);
    let ccp_text = u32_at(word, CCP_TEXT_AT).unwrap_or(0);
    // Word 6 / 95 (nFib below 0xC1 in practice 101–105): one 8-bit run from fcMin.
    let clx = if n_fib < 0xC0 {
        None
    } else {
        tables::fc_lcb(word, tables::CLX)
            .and_then(|(fc, lcb)| streams.table.get(fc..fc.checked_add(lcb)?))
            .and_then(tables::read_clx)
    };
    let clx = match clx {
        Some(clx) => clx,
        None if n_fib < 0xC0 => {
            let fc_min = u32_at(word, 0x18).unwrap_or(0);
            let fc_mac = u32_at(word, 0x1C).unwrap_or(0);
            Clx {
                pieces: vec![Piece {
                    cp_start: 0,
                    cp_end: fc_mac.saturating_sub(fc_min),
                    fc: fc_min,
                    compressed: true,
                    prm: None,
                }],
                grpprls: Vec::new(),
            }
        }
        None => return Err(malformed("damaged Word file: its piece table is missing")),
    };
    let text_budget = usize::try_from(limits.max_zip_total_bytes).unwrap_or(usize::MAX);
    let mut reader = Reader {
        word,
        clx: &clx,
        chars: tables::char_runs(word, &streams.table),
        paras: tables::para_runs(word, &streams.table),
        fonts: tables::font_names(word, &streams.table),
        data: &streams.data,
        builder: Builder::new(text_budget),
        fields: Vec::new(),
        open: Vec::new(),
        stack: Vec::new(),
        overflow: 0,
    };
    reader.read_text(ccp_text.min(word.len() as u32))?;
    let blocks = reader.builder.finish()?;
    let mut fields = reader.fields;
    let mut lines = Vec::new();
    build::flatten(&blocks, &mut lines);
    build::label_check_fields(&mut lines, &mut fields);
    let mut document = Document::new(Source::Doc);
    document.lines = lines;
    document.fields = fields;
    Ok(document)
}

/// An open field (0x13 begin … 0x14 separate … 0x15 end).
struct OpenField {
    instr: String,
    separated: bool,
    form: Option<FormFieldData>,
    nearby: String,
    result: String,
}

/// Most fields open inside one another that are tracked; deeper ones are counted only.
const MAX_OPEN_FIELDS: usize = 32;

/// Table nesting as the builder has it: per open table, whether a row and a cell are open.
#[derive(Clone, Copy, Default)]
struct TableLevel {
    row: bool,
    cell: bool,
}

struct Reader<'a> {
    word: &'a [u8],
    clx: &'a Clx,
    chars: Runs<CharProps>,
    paras: Runs<ParaProps>,
    fonts: Vec<String>,
    data: &'a [u8],
    builder: Builder,
    fields: Vec<Field>,
    /// Open tables, outermost first.
    open: Vec<TableLevel>,
    stack: Vec<OpenField>,
    overflow: usize,
}

/// What ends a paragraph.
#[derive(Clone, Copy, PartialEq, Eq)]
enum ParaEnd {
    Paragraph,
    Cell,
    /// The text ran out without a mark.
    None,
}

impl Reader<'_> {
    /// The character at `cp` and its file position.
    fn char_at(&self, piece: &Piece, cp: u32) -> Option<(u16, u32)> {
        let fc = piece.fc_of(cp);
        let at = fc as usize;
        let code = if piece.compressed {
            let byte = *self.word.get(at)?;
            cp1252(byte)
        } else {
            u16_at(self.word, at)?
        };
        Some((code, fc))
    }

    /// The main text, paragraph by paragraph: each paragraph's properties come from its end
    /// mark, so the marks are found first.
    fn read_text(&mut self, ccp_text: u32) -> Result<(), Unreadable> {
        let mut para: Vec<(u16, u32)> = Vec::new();
        let no_para_props = self.paras.is_empty();
        let mut last_end_was_cell = false;
        let pieces = self.clx.pieces.clone();
        for piece in &pieces {
            if piece.cp_start >= ccp_text {
                break;
            }
            for cp in piece.cp_start..piece.cp_end.min(ccp_text) {
                let Some((code, fc)) = self.char_at(piece, cp) else {
                    return Err(malformed(
                        "damaged Word file: its text runs past the end of the document stream",
                    ));
                };
                para.push((code, fc));
                if code == 0x0D || code == 0x07 {
                    let mut props = self.paras.at(fc);
                    if let Some(grpprl) = piece.prm.and_then(|i| self.clx.grpprls.get(i)) {
                        props.apply(grpprl);
                    }
                    if no_para_props && code == 0x07 {
                        // No property pages: a cell mark right after a cell mark ends the row.
                        props.in_table = true;
                        props.row_end = para.len() == 1 && last_end_was_cell;
                    }
                    last_end_was_cell = code == 0x07 && !props.row_end;
                    self.paragraph(&para, props);
                    para.clear();
                }
            }
        }
        if !para.is_empty() {
            self.paragraph(&para, ParaProps::default());
        }
        self.close_tables(0);
        Ok(())
    }

    fn close_tables(&mut self, depth: usize) {
        while self.open.len() > depth {
            if self.builder.in_para() {
                self.builder.end_para();
            }
            let Some(level) = self.open.pop() else { break };
            if level.cell {
                self.builder.end_container();
            }
            if level.row {
                self.builder.end_row();
            }
            self.builder.end_table();
        }
    }

    /// Opens tables, a row and a cell down to `depth`.
    fn open_cells(&mut self, depth: usize) {
        loop {
            if let Some(level) = self.open.last_mut() {
                if !level.row {
                    level.row = true;
                    self.builder.start_row(1);
                }
                if !level.cell {
                    level.cell = true;
                    self.builder.start_container(ContainerKind::Cell, 1);
                }
            }
            if self.open.len() >= depth {
                break;
            }
            self.builder.start_table();
            self.open.push(TableLevel::default());
        }
    }

    fn paragraph(&mut self, chars: &[(u16, u32)], props: ParaProps) {
        let depth = props.table_depth() as usize;
        self.close_tables(depth);
        let row_end =
            depth > 0 && ((depth == 1 && props.row_end) || (depth > 1 && props.inner_row_end));
        if row_end {
            // The row-end mark holds no text: close the row.
            if let Some(level) = self.open.last_mut() {
                let level = std::mem::take(level);
                if level.cell {
                    self.builder.end_container();
                }
                if level.row {
                    self.builder.end_row();
                }
            }
            return;
        }
        if depth > 0 {
            self.open_cells(depth);
        }
        self.builder.start_para();
        let mut end = ParaEnd::None;
        for &(code, fc) in chars {
            match code {
                0x0D if depth > 1 && props.inner_cell_end => end = ParaEnd::Cell,
                0x0D => end = ParaEnd::Paragraph,
                0x07 if depth > 0 => end = ParaEnd::Cell,
                0x07 => end = ParaEnd::Paragraph,
                _ => self.character(code, fc),
            }
        }
        self.builder.end_para();
        if end == ParaEnd::Cell
            && let Some(level) = self.open.last_mut()
            && level.cell
        {
            level.cell = false;
            self.builder.end_container();
        }
    }

    /// Whether text is shown now: outside field instructions.
    fn visible(&self) -> bool {
        self.overflow == 0 && self.stack.iter().all(|f| f.separated)
    }

    fn character(&mut self, code: u16, fc: u32) {
        let props = self.chars.at(fc);
        match code {
            0x13 => return self.field_begin(props),
            0x14 => {
                if self.overflow == 0
                    && let Some(field) = self.stack.last_mut()
                {
                    field.separated = true;
                }
                return;
            }
            0x15 => return self.field_end(),
            _ => {}
        }
        if self.overflow == 0
            && let Some(field) = self.stack.last_mut()
            && !field.separated
        {
            // Instructions: kept to know the field's kind; the FFData sits on a char here.
            if field.form.is_none()
                && let Some(at) = props.pic_location
            {
                field.form = tables::form_field_data(self.data, at);
            }
            if field.instr.len() < 1024
                && let Some(c) = char::from_u32(u32::from(code)).filter(|c| !c.is_control())
            {
                field.instr.push(c);
            }
            return;
        }
        if !self.visible() || props.hidden {
            return;
        }
        let text = match code {
            0x0B | 0x0C | 0x0E => {
                self.builder.line_break();
                return;
            }
            0x09 => "\t".to_string(),
            0x1E => "-".to_string(),
            0xA0 => " ".to_string(),
            0x28 if props.special && props.symbol.is_some() => {
                let Some((font, xchar)) = props.symbol else {
                    return;
                };
                match symbols::sym_char(self.font_name(font), u32::from(xchar)) {
                    Some(c) => c.to_string(),
                    None => return,
                }
            }
            c if c < 0x20 => return,
            _ => {
                let Some(ch) = char::from_u32(u32::from(code)) else {
                    return;
                };
                let font = self.symbol_font(&props);
                let mut out = String::new();
                map_run_text(font, ch.encode_utf8(&mut [0; 4]), &mut out);
                out
            }
        };
        if let Some(field) = self.stack.iter_mut().rev().find(|f| f.separated)
            && field.result.len() < build::MAX_FIELD_TEXT
        {
            field.result.push_str(&text);
        }
        self.builder.push_text(&text);
    }

    fn font_name(&self, index: u16) -> &str {
        self.fonts
            .get(usize::from(index))
            .map(String::as_str)
            .unwrap_or("")
    }

    fn symbol_font(&self, props: &CharProps) -> Option<SymbolFont> {
        [props.font, props.font_other]
            .into_iter()
            .flatten()
            .find_map(|f| symbols::symbol_font(self.font_name(f)))
    }

    fn field_begin(&mut self, props: CharProps) {
        if self.overflow > 0 || self.stack.len() >= MAX_OPEN_FIELDS {
            self.overflow += 1;
            return;
        }
        let nearby = self.builder.nearby_text();
        self.stack.push(OpenField {
            instr: String::new(),
            separated: false,
            form: props
                .pic_location
                .and_then(|at| tables::form_field_data(self.data, at)),
            nearby,
            result: String::new(),
        });
    }

    fn field_end(&mut self) {
        if self.overflow > 0 {
            self.overflow -= 1;
            return;
        }
        let Some(field) = self.stack.pop() else {
            return;
        };
        let instr = field.instr.trim_start().to_ascii_uppercase();
        let form = field.form.unwrap_or_default();
        let tooltip = if form.status_text.is_empty() {
            form.help_text.clone()
        } else {
            form.status_text.clone()
        };
        let visible = self.visible();
        let value = if instr.starts_with("FORMCHECKBOX") {
            FieldValue::Check(form.checked())
        } else if instr.starts_with("FORMTEXT") {
            let value = if field.separated {
                field.result
            } else {
                if visible {
                    self.builder.push_text(&form.default_text);
                }
                form.default_text.clone()
            };
            FieldValue::Text(value)
        } else if instr.starts_with("FORMDROPDOWN") {
            let chosen = usize::from(form.result).min(form.entries.len().saturating_sub(1));
            let text = form.entries.get(chosen).cloned().unwrap_or_default();
            if visible && !field.separated {
                self.builder.push_text(&text);
            }
            FieldValue::Text(text)
        } else {
            // Any other field (PAGE, HYPERLINK, MERGEFIELD…) showed its result as text already.
            return;
        };
        let checked = match value {
            FieldValue::Check(checked) => Some(checked),
            _ => None,
        };
        let index = add_form_field(&mut self.fields, &form.name, tooltip, field.nearby, value);
        if let Some(checked) = checked
            && visible
        {
            self.builder
                .push_tick(if checked { TICKED } else { UNTICKED }, index);
        }
    }
}

/// A byte of a compressed (8-bit) piece: windows-1252, as MS-DOC 2.4.1 maps it.
fn cp1252(byte: u8) -> u16 {
    let bytes = [byte];
    let (text, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(&bytes);
    text.chars().next().map_or(u16::from(byte), |c| c as u16)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn not_a_compound_file_is_unreadable() {
        let limits = Limits::default();
        assert!(read(b"not a doc", &limits).is_err());
        let mut header = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
        header.resize(4096, 0);
        assert!(read(&header, &limits).is_err());
    }
}
