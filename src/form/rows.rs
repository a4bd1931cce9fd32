//! A `Document`'s lines in → the rows the form reader walks out: a paragraph's typed columns
//! (tabs, wide runs of spaces) become cells, a cell that is a block of "Label: answer" lines
//! becomes rows of its own, and several tick-box statements in one cell become cells of their
//! own. A new extractor only has to produce `Line`s; this is where they are shaped for reading.

use super::labels::labelled;
use super::marks::split_statements;
use crate::extract::Document;

/// A document line as the reader sees it: cells, and the text of the whole line.
#[derive(Debug, Clone)]
pub(crate) struct Row {
    pub(crate) cells: Vec<String>,
}

impl Row {
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

/// Splits multi-paragraph single cells into lines, keeps table rows as rows.
pub(crate) fn rows_of(doc: &Document) -> Vec<Row> {
    let mut rows = Vec::with_capacity(doc.lines.len());
    for line in &doc.lines {
        if line.cells.len() <= 1 {
            let text = line.cells.first().map(String::as_str).unwrap_or("");
            // Tabs and wide runs of spaces typed between a label and its answer are columns.
            for part in text.split('\n') {
                rows.push(Row {
                    cells: crate::extract::body::split_columns(part),
                });
            }
        } else {
            // A table row: a cell holding several paragraphs keeps them as one answer, but a
            // cell that is a whole block of "Label: answer" lines is split into its own rows.
            let label_block = line.cells.iter().any(|c| {
                c.contains('\n') && c.split('\n').filter(|l| labelled(l).is_some()).count() >= 2
            });
            if label_block {
                for c in &line.cells {
                    for part in c.split('\n') {
                        rows.push(Row {
                            cells: vec![part.to_string()],
                        });
                    }
                }
            } else {
                // Several tick-box statements in one cell ("☒ Public … ☐ Partner …") become
                // cells of their own, so each keeps its own mark.
                let cells = line
                    .cells
                    .iter()
                    .flat_map(|c| split_statements(&c.replace('\n', " ")))
                    .collect();
                rows.push(Row { cells });
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
