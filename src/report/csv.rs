//! Report rows in → CSV bytes out, exactly per SPEC: UTF-8 BOM, a header of the column names,
//! every field quoted, CRLF line ends, formula guard on cells a spreadsheet would run (also
//! after leading spaces).

use super::{COLUMNS, Row, Value};
use std::io::Write;

/// Byte order mark first, so spreadsheet programs read the file as UTF-8.
const BOM: &str = "\u{feff}";
/// Line end after every row, the last included.
const LINE_END: &str = "\r\n";

/// Writes the header and rows: UTF-8 with BOM, every field quoted, CRLF after every row.
///
/// Every cell goes through the formula guard, not only the free-text ones: the cells we
/// produce ourselves (record_id, received_at, due_by, source, yes/no, service, numbers, status,
/// flags, supersedes, decision, decided_at) never start with `=`, `+`, `-`, `@`, tab, CR or LF, so the guard cannot
/// change a legitimate value of theirs, and guarding uniformly means no column is missed.
pub fn write_csv(out: &mut dyn Write, rows: &[Row]) -> std::io::Result<()> {
    // Buffered here so a caller handing a bare File does not pay one write per row.
    let mut out = std::io::BufWriter::new(out);
    let mut line = String::new();
    line.push_str(BOM);
    push_row(&mut line, COLUMNS.iter().map(|c| Value::Text(c.name)));
    out.write_all(line.as_bytes())?;
    for row in rows {
        line.clear();
        push_row(&mut line, row.values());
        out.write_all(line.as_bytes())?;
    }
    out.flush()
}

/// Appends one row's cells, quoted and comma-separated, and the line end.
fn push_row<'a>(line: &mut String, cells: impl IntoIterator<Item = Value<'a>>) {
    for (i, value) in cells.into_iter().enumerate() {
        if i > 0 {
            line.push(',');
        }
        match value {
            Value::Empty => push_cell(line, ""),
            Value::Integer(n) => push_cell(line, &n.to_string()),
            Value::Text(text) => push_cell(line, text),
            Value::Date(_) | Value::DateTime(_) => push_cell(line, &value.to_string()),
        }
    }
    line.push_str(LINE_END);
}

/// Whether a spreadsheet would read a cell starting with this character, after any leading
/// spaces (which spreadsheets skip), as a formula (or, for tab / CR / LF, as something that can
/// precede one): such a cell gets a leading `'`.
fn starts_formula(cell: &str) -> bool {
    matches!(
        cell.trim_start_matches(' ').chars().next(),
        Some('=' | '+' | '-' | '@' | '\t' | '\r' | '\n')
    )
}

/// Appends one cell: the formula guard, then quoted with inner quotes doubled.
fn push_cell(line: &mut String, cell: &str) {
    line.push('"');
    if starts_formula(cell) {
        line.push('\'');
    }
    for c in cell.chars() {
        if c == '"' {
            line.push('"');
        }
        line.push(c);
    }
    line.push('"');
}
