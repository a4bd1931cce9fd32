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

/// Where quoted earlier mail begins in a reply or forward: the byte offset of the first line
/// of `>` quoting, of an "On … wrote:" line, of an "-----Original Message-----" or forwarded-
/// message separator, or of an Outlook `From:` / `Sent:` / `Subject:` header block — when
/// something was written before it. `None` when the body quotes nothing.
pub fn quote_start(text: &str) -> Option<usize> {
    let lines: Vec<(usize, &str)> = text
        .split_inclusive('\n')
        .scan(0usize, |at, line| {
            let start = *at;
            *at += line.len();
            Some((start, line.trim()))
        })
        .collect();
    let mut written_before = false;
    for (i, &(start, line)) in lines.iter().enumerate() {
        let lower = line.to_lowercase();
        let separator = line.starts_with('>')
            || (lower.starts_with("-----") && lower.contains("original message"))
            || (lower.starts_with("-----") && lower.contains("forwarded message"))
            || lower.starts_with("begin forwarded message")
            || (lower.starts_with("on ") && lower.ends_with("wrote:"))
            || (lower.ends_with("wrote:")
                && i > 0
                && lines[i - 1].1.to_lowercase().starts_with("on "));
        let header_block = lower.starts_with("from:")
            && lines.iter().skip(i + 1).take(6).any(|(_, l)| {
                let l = l.to_lowercase();
                l.starts_with("sent:") || l.starts_with("date:")
            })
            && lines
                .iter()
                .skip(i + 1)
                .take(8)
                .any(|(_, l)| l.to_lowercase().starts_with("subject:"));
        if separator || header_block {
            if !written_before {
                return None;
            }
            // "On Tue, … Jane <j@x>" may sit on the line above its "wrote:".
            let start = if lower.ends_with("wrote:") && !lower.starts_with("on ") && i > 0 {
                lines[i - 1].0
            } else {
                start
            };
            return Some(start);
        }
        if !line.is_empty() {
            written_before = true;
        }
    }
    None
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
    fn quoted_mail_starts_at_its_header() {
        let reply = "New form\nFull name: A\n\nOn Tue, 3 Mar 2026 at 10:12, Jane <j@x.au>\nwrote:\n> Full name: B\n";
        assert_eq!(quote_start(reply), reply.find("On Tue"));
        let outlook = "Updated:\nName: A\n________________\nFrom: Jane\nSent: Monday\nTo: ABS\nSubject: form\nName: B";
        assert_eq!(quote_start(outlook), outlook.find("From:"));
        let plain = "Hi\n> quoted\n";
        assert_eq!(quote_start(plain), plain.find('>'));
        // A forward with nothing written above it quotes nothing to skip.
        assert_eq!(
            quote_start("---------- Forwarded message ---------\nName: A"),
            None
        );
        assert_eq!(quote_start("Just a form\nName: A"), None);
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
