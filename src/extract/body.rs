//! A mail body's text in → a `Document` of its lines (source `body`); columns separated by tabs or
//! wide runs of spaces (text copied from a table or a PDF) become cells.

use super::{Document, Line, Source};

/// Splits a plain-text body into lines; quoted-reply markers (`> `) are removed so a form quoted
/// in a reply or inline forward still reads.
pub fn read(text: &str) -> Document {
    let mut doc = Document::new(Source::Body);
    for raw in text.lines() {
        let mut line = raw.trim_end();
        while let Some(rest) = line.strip_prefix('>') {
            line = rest.strip_prefix(' ').unwrap_or(rest);
        }
        doc.lines.push(Line::of_cells(split_columns(line)));
    }
    doc
}

/// Splits a line at tabs and at runs of three or more spaces.
pub fn split_columns(line: &str) -> Vec<String> {
    // Cells are slices of the line; only the kept ones are copied.
    fn cell_text(cell: &str) -> String {
        let t = cell.trim();
        if t.contains('\u{a0}') {
            t.replace('\u{a0}', " ")
        } else {
            t.to_string()
        }
    }
    let mut cells = Vec::new();
    let mut start = 0;
    let mut spaces = 0usize;
    for (i, c) in line.char_indices() {
        match c {
            '\t' => {
                // Several tabs typed to line answers up are one separator.
                let cell = &line[start..i];
                if cells.is_empty() || !cell.trim().is_empty() {
                    cells.push(cell_text(cell));
                }
                start = i + 1;
                spaces = 0;
            }
            ' ' | '\u{a0}' => spaces += 1,
            _ => {
                if spaces >= 3 && !line[start..i].trim().is_empty() {
                    cells.push(cell_text(&line[start..i]));
                    start = i;
                }
                spaces = 0;
            }
        }
    }
    cells.push(cell_text(&line[start..]));
    // A leading indent is not a column.
    let indent = cells.iter().take_while(|c| c.is_empty()).count();
    cells.drain(..indent.min(cells.len() - 1));
    cells
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `split_columns` as first written, a character at a time: the slicing one must agree.
    fn split_one_char_at_a_time(line: &str) -> Vec<String> {
        let mut cells = Vec::new();
        let mut cell = String::new();
        let mut spaces = 0usize;
        for c in line.chars() {
            match c {
                '\t' => {
                    if !cell.trim().is_empty() || cells.is_empty() {
                        cells.push(std::mem::take(&mut cell).trim().to_string());
                    }
                    cell.clear();
                    spaces = 0;
                }
                ' ' | '\u{a0}' => {
                    spaces += 1;
                    cell.push(' ');
                }
                c => {
                    if spaces >= 3 && !cell.trim().is_empty() {
                        cells.push(std::mem::take(&mut cell).trim().to_string());
                    }
                    spaces = 0;
                    cell.push(c);
                }
            }
        }
        cells.push(cell.trim().to_string());
        while cells.len() > 1 && cells[0].is_empty() {
            cells.remove(0);
        }
        cells
    }

    #[test]
    fn column_split_agrees_with_the_plain_one() {
        let pieces = [
            "Name",
            "a b",
            "   ",
            "  ",
            "\t",
            "\t\t",
            "\u{a0}\u{a0}\u{a0}",
            "É",
            "x\u{a0}y",
            "",
        ];
        let mut lines = Vec::new();
        for a in pieces {
            for b in pieces {
                for c in pieces {
                    lines.push(format!("{a}{b}{c}"));
                    lines.push(format!("{b}{a}{c}{a}"));
                }
            }
        }
        for line in &lines {
            assert_eq!(
                split_columns(line),
                split_one_char_at_a_time(line),
                "{line:?}"
            );
        }
    }

    #[test]
    fn columns_and_quotes() {
        let doc = read("> Full name:   Jane Citizen\n\tOrganisation\tABS\nplain line\n   indented");
        let cells: Vec<Vec<String>> = doc.lines.iter().map(|l| l.cells.clone()).collect();
        assert_eq!(cells[0], vec!["Full name:", "Jane Citizen"]);
        assert_eq!(cells[1], vec!["Organisation", "ABS"]);
        assert_eq!(cells[2], vec!["plain line"]);
        assert_eq!(cells[3], vec!["indented"]);
    }
}
