//! A `Document`'s lines in → the rows the form reader walks out: a paragraph's typed columns
//! (tabs, wide runs of spaces) become cells, a cell that is a block of "Label: answer" lines
//! becomes rows of its own, and several tick-box statements in one cell become cells of their
//! own. A new extractor only has to produce `Line`s; this is where they are shaped for reading.

use super::labels::labelled;
use super::marks::split_statements;
use crate::extract::{Document, Place};

/// A document line as the reader sees it: cells, and the text of the whole line.
#[derive(Debug, Clone)]
pub(crate) struct Row {
    pub(crate) cells: Vec<String>,
    /// Where each cell sits on its page (a cell split into several keeps its place), when the
    /// document has pages; empty otherwise.
    pub(crate) places: Vec<Option<Place>>,
}

impl Row {
    /// A row of cells whose places are not known.
    #[cfg(test)]
    pub(crate) fn of(cells: Vec<String>) -> Row {
        Row::new(cells, None)
    }

    fn new(cells: Vec<String>, place: Option<Place>) -> Row {
        let places = if place.is_some() {
            vec![place; cells.len()]
        } else {
            Vec::new()
        };
        Row { cells, places }
    }

    /// Where cell `j` sits, when known.
    pub(crate) fn place(&self, j: usize) -> Option<Place> {
        self.places.get(j).copied().flatten()
    }

    /// The box around the cells `j..` that are not blank (a whole line's answer), when known.
    pub(crate) fn place_from(&self, j: usize) -> Option<Place> {
        (j..self.cells.len())
            .filter(|&k| !self.cells[k].trim().is_empty())
            .filter_map(|k| self.place(k))
            .reduce(union)
    }

    /// The non-blank cells, trimmed, joined by tabs: the line as it reads.
    pub(crate) fn joined(&self) -> String {
        self.cells
            .iter()
            .map(|c| c.trim())
            .filter(|c| !c.is_empty())
            .collect::<Vec<_>>()
            .join("\t")
    }

    pub(crate) fn is_blank(&self) -> bool {
        self.cells.iter().all(|c| c.trim().is_empty())
    }

    /// The non-blank cells, trimmed.
    pub(crate) fn filled_cells(&self) -> Vec<&str> {
        self.cells
            .iter()
            .map(|c| c.trim())
            .filter(|c| !c.is_empty())
            .collect()
    }
}

/// The box around two places (the first one's page).
pub(crate) fn union(a: Place, b: Place) -> Place {
    if a.page != b.page {
        return a;
    }
    Place {
        page: a.page,
        x0: a.x0.min(b.x0),
        y0: a.y0.min(b.y0),
        x1: a.x1.max(b.x1),
        y1: a.y1.max(b.y1),
    }
}

/// Splits multi-paragraph single cells into lines, keeps table rows as rows.
pub(crate) fn rows_of(doc: &Document) -> Vec<Row> {
    let mut rows = Vec::with_capacity(doc.lines.len());
    for line in &doc.lines {
        if line.cells.len() <= 1 {
            let text = line.cells.first().map(String::as_str).unwrap_or("");
            // Tabs and wide runs of spaces typed between a label and its answer are columns.
            for part in text.split('\n') {
                rows.push(Row::new(
                    crate::extract::body::split_columns(part),
                    line.place(0),
                ));
            }
        } else {
            // A table row: a cell holding several paragraphs keeps them as one answer, but a
            // cell that is a whole block of "Label: answer" lines is split into its own rows.
            let label_block = line.cells.iter().any(|c| {
                c.contains('\n') && c.split('\n').filter(|l| labelled(l).is_some()).count() >= 2
            });
            if label_block {
                for (j, c) in line.cells.iter().enumerate() {
                    for part in c.split('\n') {
                        rows.push(Row::new(vec![part.to_string()], line.place(j)));
                    }
                }
            } else {
                // Several tick-box statements in one cell ("☒ Public … ☐ Partner …") become
                // cells of their own, so each keeps its own mark.
                let mut cells = Vec::with_capacity(line.cells.len());
                let mut places = Vec::new();
                for (j, c) in line.cells.iter().enumerate() {
                    for part in split_statements(&c.replace('\n', " ")) {
                        cells.push(part);
                        if !line.places.is_empty() {
                            places.push(line.place(j));
                        }
                    }
                }
                rows.push(Row { cells, places });
            }
        }
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::{Line, Source};

    fn doc(lines: &[&[&str]]) -> Document {
        let mut d = Document::new(Source::Docx);
        d.lines = lines
            .iter()
            .map(|l| Line::of_cells(l.iter().map(|c| c.to_string()).collect()))
            .collect();
        d
    }

    #[test]
    fn paragraphs_tables_and_label_blocks_become_rows() {
        let rows = rows_of(&doc(&[
            &["Full name\t\tJane Citizen\nOrganisation"],
            &["Name: Jane\nEmail: j@x.au", "notes"],
            &[
                "Service",
                "☒ Public coding service (fast). ☐ Partner coding service (big).",
            ],
        ]));
        let cells: Vec<Vec<&str>> = rows
            .iter()
            .map(|r| r.cells.iter().map(String::as_str).collect())
            .collect();
        assert_eq!(
            cells,
            vec![
                vec!["Full name", "Jane Citizen"],
                vec!["Organisation"],
                vec!["Name: Jane"],
                vec!["Email: j@x.au"],
                vec!["notes"],
                vec![
                    "Service",
                    "☒ Public coding service (fast).",
                    "☐ Partner coding service (big)."
                ],
            ]
        );
        assert_eq!(
            rows[5].joined(),
            "Service\t☒ Public coding service (fast).\t☐ Partner coding service (big)."
        );
    }
}
