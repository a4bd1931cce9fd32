//! Table marks in (`\intbl`, `\itap`, `\cell`, `\row`, their nested forms, `\par`) → paragraphs,
//! rows and cells opened and closed on the document builder.

use super::{Dest, MAX_TABLE_DEPTH, Reader, TableLevel};
use crate::extract::docx::build::ContainerKind;

impl Reader {
    fn wanted_depth(&self) -> usize {
        let s = self.state();
        if s.in_table {
            s.table_depth.clamp(1, MAX_TABLE_DEPTH) as usize
        } else {
            0
        }
    }

    /// Opens the paragraph (and the table, row and cell it sits in) before text.
    pub(super) fn ensure_para(&mut self) {
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

    pub(super) fn close_tables(&mut self, depth: usize) {
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

    pub(super) fn end_paragraph(&mut self) {
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

    pub(super) fn end_cell(&mut self, depth: u32) {
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

    pub(super) fn end_row(&mut self, depth: u32) {
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
}
