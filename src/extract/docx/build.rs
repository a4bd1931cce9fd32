//! Structure events (paragraph, table, row, cell, text box, text) in → blocks in document order
//! → `Line`s. Shared by the DOCX and ODT readers so both flatten the same way.
//!
//! Flattening rules:
//! - a paragraph is one Line per soft-broken line; blank lines are dropped;
//! - a table row is one Line with one cell per (merged) cell; a cell's paragraphs are joined
//!   with '\n' (kept apart, so an address list or a label above its answer stays separable);
//! - a row with a single cell (a full-width heading row, a one-column box) and a row holding a
//!   nested table are read as running text instead: each paragraph and each inner row becomes
//!   its own Line, in order, so a form laid out inside a one-cell frame reads like a page;
//! - a text box's paragraphs follow the paragraph that anchors it.

use super::{Limit, Unreadable};
use crate::extract::{Field, FieldValue, Line, TICKED, UNTICKED};

#[derive(Debug, Clone)]
pub(in crate::extract) enum Block {
    /// A paragraph's lines (split at soft breaks).
    Para(Vec<String>),
    /// Rows of cells of blocks.
    Table(Vec<Vec<Vec<Block>>>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(in crate::extract) enum ContainerKind {
    Body,
    Cell,
    TextBox,
}

enum Frame {
    Container {
        kind: ContainerKind,
        blocks: Vec<Block>,
        /// A cell merged into the one above it (DOCX `w:vMerge` continuation): dropped.
        merged_away: bool,
        /// How many times the cell repeats (ODT `number-columns-repeated`).
        repeat: usize,
    },
    Table {
        rows: Vec<Vec<Vec<Block>>>,
    },
    Row {
        cells: Vec<Vec<Block>>,
        repeat: usize,
    },
    Para {
        lines: Vec<String>,
        /// Text boxes anchored in this paragraph: emitted right after it.
        after: Vec<Block>,
    },
}

/// Most copies made of a repeated non-empty ODT cell or row.
pub(in crate::extract) const MAX_REPEAT: usize = 8;

pub(in crate::extract) struct Builder {
    frames: Vec<Frame>,
    /// The last non-blank paragraph text, for a field's `nearby_text` when nothing precedes it
    /// on its own line.
    last_text: String,
    /// Text waiting for the next paragraph (a tick from a block-level check box).
    pending_prefix: String,
    /// Characters the document may still add (bounds memory against repeat amplification).
    budget: usize,
    over_budget: bool,
    /// A field's tick was just written: the next word gets a space before it.
    space_after_tick: bool,
}

fn blank(s: &str) -> bool {
    s.chars().all(char::is_whitespace)
}

/// The text of blocks as one cell: non-blank lines joined with '\n'.
pub(in crate::extract) fn blocks_text(blocks: &[Block]) -> String {
    let mut lines = Vec::new();
    collect_lines(blocks, &mut lines);
    lines.join("\n")
}

fn collect_lines(blocks: &[Block], out: &mut Vec<String>) {
    for block in blocks {
        match block {
            Block::Para(lines) => out.extend(
                lines
                    .iter()
                    .filter(|l| !blank(l))
                    .map(|l| l.trim().to_string()),
            ),
            Block::Table(rows) => {
                for row in rows {
                    for cell in row {
                        collect_lines(cell, out);
                    }
                }
            }
        }
    }
}

pub(in crate::extract) fn flatten(blocks: &[Block], out: &mut Vec<Line>) {
    for block in blocks {
        match block {
            Block::Para(lines) => {
                for line in lines {
                    if !blank(line) {
                        out.push(Line::text(line.trim()));
                    }
                }
            }
            Block::Table(rows) => {
                for row in rows {
                    let nested = row
                        .iter()
                        .any(|cell| cell.iter().any(|b| matches!(b, Block::Table(_))));
                    if nested || row.len() == 1 {
                        for cell in row {
                            flatten(cell, out);
                        }
                    } else {
                        let cells: Vec<String> = row.iter().map(|c| blocks_text(c)).collect();
                        if cells.iter().any(|c| !c.is_empty()) {
                            out.push(Line::of_cells(cells));
                        }
                    }
                }
            }
        }
    }
}

/// Check-box fields are marked in the text by a supplementary private-use character carrying
/// the field's index, placed just before the tick; input text never contains these (they are
/// filtered out on the way in) and `label_check_fields` removes them.
const MARKER_BASE: u32 = 0x10_0000;
const MAX_MARKERS: usize = 0xFFFD;

fn is_marker(ch: char) -> bool {
    (ch as u32) >= MARKER_BASE
}

fn marker_for(field: usize) -> Option<char> {
    if field >= MAX_MARKERS {
        return None;
    }
    char::from_u32(MARKER_BASE + field as u32)
}

fn marker_field(ch: char) -> Option<usize> {
    is_marker(ch).then(|| (ch as u32 - MARKER_BASE) as usize)
}

fn is_box(ch: char) -> bool {
    ch == TICKED || ch == UNTICKED || is_marker(ch)
}

/// The words printed beside the box whose marker starts at byte `at` of `line`: those after
/// it up to the next box, else those before it back to the previous box.
fn label_beside(line: &str, at: usize, marker_len: usize) -> String {
    let after = line.get(at + marker_len..).unwrap_or_default();
    let after = after
        .strip_prefix(|c: char| c == TICKED || c == UNTICKED)
        .unwrap_or(after);
    let right = after.split(is_box).next().unwrap_or_default().trim();
    if !right.is_empty() {
        return right.to_string();
    }
    let before = line.get(..at).unwrap_or_default();
    before
        .rsplit(is_box)
        .next()
        .unwrap_or_default()
        .trim()
        .to_string()
}

fn clean(text: &str) -> String {
    if text.chars().any(is_marker) {
        text.chars().filter(|c| !is_marker(*c)).collect()
    } else {
        text.to_string()
    }
}

/// Sets each marked check-box field's `nearby_text` to the words beside its box (on its own
/// line, else in the nearest non-empty cell of its row, right first), then removes the
/// markers. A field whose box has no words beside it keeps the text found above it.
pub(in crate::extract) fn label_check_fields(lines: &mut [Line], fields: &mut [Field]) {
    for line in lines.iter_mut() {
        if !line.cells.iter().any(|c| c.chars().any(is_marker)) {
            continue;
        }
        for (index, cell) in line.cells.iter().enumerate() {
            for text_line in cell.split('\n') {
                for (at, ch) in text_line.char_indices() {
                    let Some(field) = marker_field(ch) else {
                        continue;
                    };
                    let mut label = clean(&label_beside(text_line, at, ch.len_utf8()));
                    if label.is_empty() {
                        let next = line.cells.iter().skip(index + 1);
                        let previous = line.cells.iter().take(index).rev();
                        label = next
                            .chain(previous)
                            .map(|c| clean(c.trim()))
                            .find(|c| !c.is_empty())
                            .unwrap_or_default();
                    }
                    if !label.is_empty()
                        && let Some(field) = fields.get_mut(field)
                    {
                        field.nearby_text = label.replace('\n', " ");
                    }
                }
            }
        }
        for cell in line.cells.iter_mut() {
            *cell = clean(cell);
        }
    }
}

impl Builder {
    pub(in crate::extract) fn new(budget: usize) -> Builder {
        Builder {
            frames: vec![Frame::Container {
                kind: ContainerKind::Body,
                blocks: Vec::new(),
                merged_away: false,
                repeat: 1,
            }],
            last_text: String::new(),
            pending_prefix: String::new(),
            budget,
            over_budget: false,
            space_after_tick: false,
        }
    }

    /// The document's blocks, or why it was refused.
    pub(in crate::extract) fn finish(mut self) -> Result<Vec<Block>, Unreadable> {
        if self.over_budget {
            return Err(Unreadable::over(
                Limit::TextBytes,
                "document expands to more text than the size limits allow",
            ));
        }
        // Close anything left open (truncated XML cannot get here, but be total anyway).
        while self.frames.len() > 1 {
            match self.frames.last() {
                Some(Frame::Para { .. }) => self.end_para(),
                Some(Frame::Row { .. }) => self.end_row(),
                Some(Frame::Table { .. }) => self.end_table(),
                Some(Frame::Container { .. }) => self.end_container(),
                None => break,
            }
        }
        match self.frames.pop() {
            Some(Frame::Container { blocks, .. }) => Ok(blocks),
            _ => Ok(Vec::new()),
        }
    }

    fn spend(&mut self, chars: usize) -> bool {
        if chars > self.budget {
            self.budget = 0;
            self.over_budget = true;
            false
        } else {
            self.budget -= chars;
            true
        }
    }

    /// Delivers a finished block to the innermost open container.
    fn deliver(&mut self, block: Block) {
        for frame in self.frames.iter_mut().rev() {
            if let Frame::Container { blocks, .. } = frame {
                blocks.push(block);
                return;
            }
        }
    }

    pub(in crate::extract) fn in_para(&self) -> bool {
        matches!(self.frames.last(), Some(Frame::Para { .. }))
    }

    pub(in crate::extract) fn start_para(&mut self) {
        self.space_after_tick = false;
        let first = std::mem::take(&mut self.pending_prefix);
        self.frames.push(Frame::Para {
            lines: vec![first],
            after: Vec::new(),
        });
    }

    pub(in crate::extract) fn end_para(&mut self) {
        self.space_after_tick = false;
        if !self.in_para() {
            return;
        }
        if let Some(Frame::Para { lines, after }) = self.frames.pop() {
            if let Some(text) = last_words_of_lines(&lines) {
                self.last_text = text;
            }
            self.deliver(Block::Para(lines));
            for block in after {
                self.deliver(block);
            }
        }
    }

    /// Appends text to the open paragraph (ignored outside one).
    pub(in crate::extract) fn push_text(&mut self, text: &str) {
        if text.chars().any(is_marker) {
            let clean: String = text.chars().filter(|c| !is_marker(*c)).collect();
            self.push_raw(&clean);
        } else {
            self.push_raw(text);
        }
    }

    fn push_raw(&mut self, text: &str) {
        if text.is_empty() || !self.spend(text.len() + 1) {
            return;
        }
        let space =
            std::mem::take(&mut self.space_after_tick) && !text.starts_with(char::is_whitespace);
        if let Some(Frame::Para { lines, .. }) = self.frames.last_mut()
            && let Some(line) = lines.last_mut()
        {
            if space {
                line.push(' ');
            }
            line.push_str(text);
        }
    }

    /// A tick, shown even when no paragraph is open yet (block-level check box). With
    /// `field`, the tick is marked so `label_check_fields` can describe that field by the
    /// words printed beside the box.
    pub(in crate::extract) fn push_tick(&mut self, tick: char, field: Option<usize>) {
        let mut text = String::new();
        if let Some(marker) = field.and_then(marker_for) {
            text.push(marker);
        }
        text.push(tick);
        if self.in_para() {
            // Keep the box apart from the words around it ("Partner ☒ Yes", not "Partner☒Yes").
            if !self.at_space() {
                self.push_raw(" ");
            }
            self.push_raw(&text);
            self.space_after_tick = true;
        } else {
            self.pending_prefix.push_str(&text);
            self.pending_prefix.push(' ');
        }
    }

    /// A soft line break: ends the current line of the open paragraph.
    pub(in crate::extract) fn line_break(&mut self) {
        self.space_after_tick = false;
        if !self.spend(1) {
            return;
        }
        if let Some(Frame::Para { lines, .. }) = self.frames.last_mut() {
            lines.push(String::new());
        }
    }

    /// Whether the open paragraph's current line ends in whitespace (or is empty).
    pub(in crate::extract) fn at_space(&self) -> bool {
        match self.frames.last() {
            Some(Frame::Para { lines, .. }) => lines
                .last()
                .is_none_or(|l| l.is_empty() || l.ends_with(char::is_whitespace)),
            _ => true,
        }
    }

    pub(in crate::extract) fn start_container(&mut self, kind: ContainerKind, repeat: usize) {
        self.frames.push(Frame::Container {
            kind,
            blocks: Vec::new(),
            merged_away: false,
            repeat: repeat.max(1),
        });
    }

    /// Marks the innermost open cell as merged into the one above it.
    pub(in crate::extract) fn merge_away_cell(&mut self) {
        for frame in self.frames.iter_mut().rev() {
            if let Frame::Container {
                kind, merged_away, ..
            } = frame
            {
                if *kind == ContainerKind::Cell {
                    *merged_away = true;
                }
                return;
            }
        }
    }

    pub(in crate::extract) fn end_container(&mut self) {
        if !matches!(self.frames.last(), Some(Frame::Container { .. })) || self.frames.len() < 2 {
            return;
        }
        let Some(Frame::Container {
            kind,
            blocks,
            merged_away,
            repeat,
        }) = self.frames.pop()
        else {
            return;
        };
        match kind {
            ContainerKind::Cell => {
                if merged_away {
                    return;
                }
                let copies = if blocks_text(&blocks).is_empty() {
                    1
                } else {
                    repeat.min(MAX_REPEAT)
                };
                if let Some(Frame::Row { cells, .. }) = self.frames.last_mut() {
                    for _ in 1..copies {
                        cells.push(blocks.clone());
                    }
                    cells.push(blocks);
                } else {
                    // A cell outside a row (malformed): keep its text as running text.
                    for block in blocks {
                        self.deliver(block);
                    }
                }
            }
            ContainerKind::TextBox => {
                if let Some(Frame::Para { after, .. }) = self.frames.last_mut() {
                    after.extend(blocks);
                } else {
                    for block in blocks {
                        self.deliver(block);
                    }
                }
            }
            ContainerKind::Body => {}
        }
    }

    pub(in crate::extract) fn start_table(&mut self) {
        self.frames.push(Frame::Table { rows: Vec::new() });
    }

    pub(in crate::extract) fn end_table(&mut self) {
        if let Some(Frame::Table { .. }) = self.frames.last()
            && let Some(Frame::Table { rows }) = self.frames.pop()
        {
            self.deliver(Block::Table(rows));
        }
    }

    pub(in crate::extract) fn start_row(&mut self, repeat: usize) {
        self.frames.push(Frame::Row {
            cells: Vec::new(),
            repeat: repeat.max(1),
        });
    }

    pub(in crate::extract) fn end_row(&mut self) {
        if !matches!(self.frames.last(), Some(Frame::Row { .. })) {
            return;
        }
        let Some(Frame::Row { cells, repeat }) = self.frames.pop() else {
            return;
        };
        let text_len: usize = cells.iter().map(|c| blocks_text(c).len()).sum();
        let copies = if text_len == 0 {
            1
        } else {
            repeat.min(MAX_REPEAT)
        };
        if copies > 1 && !self.spend(text_len.saturating_mul(copies - 1)) {
            return;
        }
        if let Some(Frame::Table { rows }) = self.frames.last_mut() {
            for _ in 1..copies {
                rows.push(cells.clone());
            }
            rows.push(cells);
        }
    }

    /// The text printed before the current position, for a field's `nearby_text`: its own
    /// line so far, else the row's earlier cells, else the last paragraph above. Looks at a
    /// bounded tail only, so a document of many fields costs linear time.
    pub(in crate::extract) fn nearby_text(&self) -> String {
        if let Some(Frame::Para { lines, .. }) = self.frames.last()
            && let Some(text) = last_words_of_lines(lines)
        {
            return text;
        }
        // The innermost row, if the current position is inside one of its cells.
        for frame in self.frames.iter().rev() {
            match frame {
                Frame::Row { cells, .. } => {
                    if let Some(text) = cells
                        .iter()
                        .rev()
                        .take(SCAN_BACK)
                        .find_map(|c| last_words_of_blocks(c))
                    {
                        return text;
                    }
                    break;
                }
                Frame::Container {
                    kind: ContainerKind::Cell,
                    blocks,
                    ..
                } => {
                    if let Some(text) = last_words_of_blocks(blocks) {
                        return text;
                    }
                }
                Frame::Container { .. } | Frame::Table { .. } => break,
                Frame::Para { .. } => {}
            }
        }
        self.last_text.clone()
    }
}

/// How many lines, blocks or cells back `nearby_text` looks.
const SCAN_BACK: usize = 16;

/// The last `MAX_NEARBY_CHARS` characters of the last non-blank line, markers removed.
fn last_words_of_lines(lines: &[String]) -> Option<String> {
    lines
        .iter()
        .rev()
        .take(SCAN_BACK)
        .map(|l| l.trim_end())
        .find(|l| !l.is_empty())
        .map(|l| clean(tail(l, MAX_NEARBY_CHARS).trim()))
        .filter(|l| !l.trim().is_empty())
}

fn last_words_of_blocks(blocks: &[Block]) -> Option<String> {
    blocks.iter().rev().take(SCAN_BACK).find_map(|b| match b {
        Block::Para(lines) => last_words_of_lines(lines),
        Block::Table(_) => None,
    })
}

/// The last `max_chars` characters of `text`.
pub(in crate::extract) fn tail(text: &str, max_chars: usize) -> &str {
    match text.char_indices().rev().nth(max_chars.saturating_sub(1)) {
        Some((at, _)) => text.get(at..).unwrap_or(text),
        None => text,
    }
}

/// Most fields kept from one document part.
pub(in crate::extract) const MAX_FIELDS: usize = 5_000;
/// Longest field value kept, in bytes (answers are short).
pub(in crate::extract) const MAX_FIELD_TEXT: usize = 64 << 10;
/// Longest `nearby_text`, in characters.
pub(in crate::extract) const MAX_NEARBY_CHARS: usize = 200;

/// Adds a legacy Word form field (FORMCHECKBOX, FORMTEXT, FORMDROPDOWN, as .doc and RTF hold
/// them): named, with the help text Word shows for it and the text printed nearest it, its
/// text answer trimmed; its index, for a tick marker.
pub(in crate::extract) fn add_form_field(
    fields: &mut Vec<Field>,
    name: &str,
    tooltip: String,
    nearby_text: String,
    value: FieldValue,
) -> Option<usize> {
    let value = match value {
        FieldValue::Text(text) => FieldValue::Text(text.trim().to_string()),
        other => other,
    };
    add_field(
        fields,
        Field {
            name: name.to_string(),
            tooltip,
            nearby_text,
            value,
            place: None,
        },
    )
}

/// Adds a field (bounded in number and size); its index, for a tick marker.
pub(in crate::extract) fn add_field(fields: &mut Vec<Field>, mut field: Field) -> Option<usize> {
    if fields.len() >= MAX_FIELDS {
        return None;
    }
    field.nearby_text = tail(&field.nearby_text, MAX_NEARBY_CHARS).to_string();
    if let FieldValue::Text(text) = &mut field.value
        && text.len() > MAX_FIELD_TEXT
    {
        let mut end = MAX_FIELD_TEXT;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        text.truncate(end);
    }
    fields.push(field);
    Some(fields.len() - 1)
}
