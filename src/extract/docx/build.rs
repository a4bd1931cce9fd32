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

use super::Unreadable;
use crate::extract::Line;

#[derive(Debug, Clone)]
pub(super) enum Block {
    /// A paragraph's lines (split at soft breaks).
    Para(Vec<String>),
    /// Rows of cells of blocks.
    Table(Vec<Vec<Vec<Block>>>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum ContainerKind {
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
pub(super) const MAX_REPEAT: usize = 8;

pub(super) struct Builder {
    frames: Vec<Frame>,
    /// The last non-blank paragraph text, for a field's `nearby_text` when nothing precedes it
    /// on its own line.
    last_text: String,
    /// Text waiting for the next paragraph (a tick from a block-level check box).
    pending_prefix: String,
    /// Characters the document may still add (bounds memory against repeat amplification).
    budget: usize,
    over_budget: bool,
}

fn blank(s: &str) -> bool {
    s.chars().all(char::is_whitespace)
}

/// The text of blocks as one cell: non-blank lines joined with '\n'.
pub(super) fn blocks_text(blocks: &[Block]) -> String {
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

pub(super) fn flatten(blocks: &[Block], out: &mut Vec<Line>) {
    for block in blocks {
        match block {
            Block::Para(lines) => {
                for line in lines {
                    if !blank(line) {
                        out.push(Line::text(line.trim_end()));
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
                            out.push(Line { cells });
                        }
                    }
                }
            }
        }
    }
}

impl Builder {
    pub(super) fn new(budget: usize) -> Builder {
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
        }
    }

    /// The document's blocks, or why it was refused.
    pub(super) fn finish(mut self) -> Result<Vec<Block>, Unreadable> {
        if self.over_budget {
            return Err(Unreadable(
                "document expands to more text than the size limits allow".into(),
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

    pub(super) fn in_para(&self) -> bool {
        matches!(self.frames.last(), Some(Frame::Para { .. }))
    }

    pub(super) fn start_para(&mut self) {
        let first = std::mem::take(&mut self.pending_prefix);
        self.frames.push(Frame::Para {
            lines: vec![first],
            after: Vec::new(),
        });
    }

    pub(super) fn end_para(&mut self) {
        if !self.in_para() {
            return;
        }
        if let Some(Frame::Para { lines, after }) = self.frames.pop() {
            let text = lines.join(" ");
            if !blank(&text) {
                self.last_text = text.trim().to_string();
            }
            self.deliver(Block::Para(lines));
            for block in after {
                self.deliver(block);
            }
        }
    }

    /// Appends text to the open paragraph (ignored outside one).
    pub(super) fn push_text(&mut self, text: &str) {
        if text.is_empty() || !self.spend(text.len()) {
            return;
        }
        if let Some(Frame::Para { lines, .. }) = self.frames.last_mut()
            && let Some(line) = lines.last_mut()
        {
            line.push_str(text);
        }
    }

    pub(super) fn push_char(&mut self, ch: char) {
        let mut buf = [0u8; 4];
        self.push_text(ch.encode_utf8(&mut buf));
    }

    /// A tick to show even when no paragraph is open yet (block-level check box).
    pub(super) fn push_tick(&mut self, tick: char) {
        if self.in_para() {
            self.push_char(tick);
        } else {
            self.pending_prefix.push(tick);
            self.pending_prefix.push(' ');
        }
    }

    /// A soft line break: ends the current line of the open paragraph.
    pub(super) fn line_break(&mut self) {
        if !self.spend(1) {
            return;
        }
        if let Some(Frame::Para { lines, .. }) = self.frames.last_mut() {
            lines.push(String::new());
        }
    }

    /// Whether the open paragraph's current line ends in whitespace (or is empty).
    pub(super) fn at_space(&self) -> bool {
        match self.frames.last() {
            Some(Frame::Para { lines, .. }) => lines
                .last()
                .is_none_or(|l| l.is_empty() || l.ends_with(char::is_whitespace)),
            _ => true,
        }
    }

    pub(super) fn start_container(&mut self, kind: ContainerKind, repeat: usize) {
        self.frames.push(Frame::Container {
            kind,
            blocks: Vec::new(),
            merged_away: false,
            repeat: repeat.max(1),
        });
    }

    /// Marks the innermost open cell as merged into the one above it.
    pub(super) fn merge_away_cell(&mut self) {
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

    pub(super) fn end_container(&mut self) {
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

    pub(super) fn start_table(&mut self) {
        self.frames.push(Frame::Table { rows: Vec::new() });
    }

    pub(super) fn end_table(&mut self) {
        if let Some(Frame::Table { .. }) = self.frames.last()
            && let Some(Frame::Table { rows }) = self.frames.pop()
        {
            self.deliver(Block::Table(rows));
        }
    }

    pub(super) fn start_row(&mut self, repeat: usize) {
        self.frames.push(Frame::Row {
            cells: Vec::new(),
            repeat: repeat.max(1),
        });
    }

    pub(super) fn end_row(&mut self) {
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
    /// line so far, else the row's earlier cells, else the last paragraph above.
    pub(super) fn nearby_text(&self) -> String {
        if let Some(Frame::Para { lines, .. }) = self.frames.last() {
            let own = lines.join(" ");
            if !blank(&own) {
                return own.trim().to_string();
            }
        }
        // The innermost row, if the current position is inside one of its cells.
        for frame in self.frames.iter().rev() {
            match frame {
                Frame::Row { cells, .. } => {
                    if let Some(text) = cells
                        .iter()
                        .rev()
                        .map(|c| blocks_text(c))
                        .find(|t| !t.is_empty())
                    {
                        return text.replace('\n', " ");
                    }
                    break;
                }
                Frame::Container {
                    kind: ContainerKind::Cell,
                    blocks,
                    ..
                } => {
                    let text = blocks_text(blocks);
                    if let Some(last) = text.lines().last() {
                        return last.to_string();
                    }
                }
                Frame::Container { .. } | Frame::Table { .. } => break,
                Frame::Para { .. } => {}
            }
        }
        self.last_text.clone()
    }
}
