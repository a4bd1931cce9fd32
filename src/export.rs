//! Ledger rows in → CSV bytes out, exactly per SPEC: UTF-8 BOM, every field quoted, CRLF line
//! ends, formula guard on cells a spreadsheet would run.

use crate::ledger::ExportRow;
use std::io::Write;

pub const HEADER: [&str; 20] = [
    "record_id",
    "received_at",
    "due_by",
    "message_id",
    "sender",
    "subject",
    "attachment",
    "source",
    "full_name",
    "organisation",
    "contact_email",
    "terms_accepted",
    "service",
    "ip_allowlist",
    "expected_records_per_day",
    "expected_api_calls_per_day",
    "user_guide_agreed",
    "status",
    "flags",
    "supersedes",
];

/// Byte order mark first, so spreadsheet programs read the file as UTF-8.
const BOM: &str = "\u{feff}";
/// Line end after every row, the last included.
const LINE_END: &str = "\r\n";

/// Writes the header and rows: UTF-8 with BOM, every field quoted, CRLF after every row.
///
/// Every cell goes through the formula guard, not only the free-text ones: the cells we
/// produce ourselves (record_id, received_at, due_by, source, yes/no, service, numbers, status,
/// flags, supersedes) never start with `=`, `+`, `-`, `@`, tab, CR or LF, so the guard cannot
/// change a legitimate value of theirs, and guarding uniformly means no column is missed.
pub fn write_csv(out: &mut dyn Write, rows: &[ExportRow]) -> std::io::Result<()> {
    // Buffered here so a caller handing a bare File does not pay one write per row.
    let mut out = std::io::BufWriter::new(out);
    let mut line = String::new();
    line.push_str(BOM);
    push_row(&mut line, HEADER);
    out.write_all(line.as_bytes())?;
    for row in rows {
        line.clear();
        let record_id = row.record_id.to_string();
        push_row(
            &mut line,
            [
                record_id.as_str(),
                &row.received_at,
                &row.due_by,
                &row.message_id,
                &row.sender,
                &row.subject,
                &row.attachment,
                &row.source,
                &row.full_name,
                &row.organisation,
                &row.contact_email,
                &row.terms_accepted,
                &row.service,
                &row.ip_allowlist,
                &row.expected_records_per_day,
                &row.expected_api_calls_per_day,
                &row.user_guide_agreed,
                &row.status,
                &row.flags,
                &row.supersedes,
            ],
        );
        out.write_all(line.as_bytes())?;
    }
    out.flush()
}

/// Appends one row's cells, quoted and comma-separated, and the line end.
fn push_row(line: &mut String, cells: [&str; 20]) {
    for (i, cell) in cells.iter().enumerate() {
        if i > 0 {
            line.push(',');
        }
        push_cell(line, cell);
    }
    line.push_str(LINE_END);
}

/// Whether a spreadsheet would read a cell starting with this character as a formula (or, for
/// tab / CR / LF, as something that can precede one): such a cell gets a leading `'`.
fn starts_formula(cell: &str) -> bool {
    matches!(
        cell.chars().next(),
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
