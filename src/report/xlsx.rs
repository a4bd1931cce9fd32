//! Report rows in → an Excel workbook out (rust_xlsxwriter): sheet `Registrations` with the same
//! columns, order and rows as the CSV, and sheet `Summary` (records by status, open, overdue,
//! decisions by outcome).
//!
//! Cells are typed by their column's kind: numbers as numbers, `due_by` as a date, times as
//! date-times whose number format shows them exactly as the CSV does (RFC 3339 in Canberra time,
//! the offset a literal of the format), every text as a text cell (never a formula). A text a
//! spreadsheet would read as a formula once edited (`=`, `+`, `-`, `@` first) carries Excel's
//! quote prefix, the apostrophe a person would type; the text itself is the ledger's. Header
//! frozen, filters on, `needs_review` rows shaded, overdue due dates in red, notes wrapped.
//!
//! Excel holds at most 32,767 characters (UTF-16 units) in a cell: a longer text is cut with a
//! note of its length (the CSV and `show` have all of it). Text that looks like Excel's own
//! escape for a control character (`_x0041_`) has its underscore escaped, so it reads back as
//! written.

use super::{COLUMNS, Kind, Row, Value};
use crate::ledger::Outcome;
use anyhow::{Context as _, Result};
use chrono::{DateTime, Offset as _};
use chrono_tz::Tz;
use rust_xlsxwriter::{Color, Format, FormatAlign, Workbook, Worksheet};
use std::collections::{HashMap, HashSet};
use std::io::Write;

/// The sheets' names (SPEC).
pub const REGISTRATIONS: &str = "Registrations";
pub const SUMMARY: &str = "Summary";

/// Excel's limit on the characters of one cell, in UTF-16 code units.
pub const MAX_CELL_UNITS: usize = 32_767;

/// What the Summary sheet counts, and which rows are overdue (their due dates are red).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    /// When the report was written, in Canberra time (RFC 3339).
    pub written_at: String,
    /// The filters the report was asked for, as words ("open, since 2026-03-01"); empty for all.
    pub filters: String,
    /// record_ids of the rows that are open / overdue.
    pub open: HashSet<i64>,
    pub overdue: HashSet<i64>,
}

/// Characters of notes that fit on one line of the notes column (its width is 70).
const NOTES_LINE_CHARS: usize = 80;
/// The most lines a row grows to for its notes.
const MAX_ROW_LINES: usize = 6;
/// The height of one line of text, in points (Excel's default row).
const LINE_HEIGHT: f64 = 15.0;

/// Background of a `needs_review` row.
const SHADE: u32 = 0xFFF2CC;
/// Font of an overdue due date.
const RED: u32 = 0xC00000;

/// How one cell looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Style {
    Header,
    Text,
    /// Text a spreadsheet would run as a formula once edited: with the quote prefix.
    Quoted,
    Notes,
    NotesQuoted,
    Number,
    Date,
    OverdueDate,
    /// A Canberra date-time at this UTC offset (seconds).
    Time(i32),
}

/// Formats by style and shading, made once each.
#[derive(Default)]
struct Formats(HashMap<(Style, bool), Format>);

impl Formats {
    fn get(&mut self, style: Style, shaded: bool) -> &Format {
        self.0.entry((style, shaded)).or_insert_with(|| {
            let mut f = Format::new().set_align(FormatAlign::Top);
            f = match style {
                Style::Header => f.set_bold().set_background_color(Color::RGB(0xD9E1F2)),
                Style::Text => f,
                Style::Quoted => f.set_quote_prefix(),
                Style::Notes => f.set_text_wrap(),
                Style::NotesQuoted => f.set_text_wrap().set_quote_prefix(),
                Style::Number => f.set_num_format("0"),
                Style::Date => f.set_num_format("yyyy-mm-dd"),
                Style::OverdueDate => f
                    .set_num_format("yyyy-mm-dd")
                    .set_font_color(Color::RGB(RED))
                    .set_bold(),
                Style::Time(offset) => f.set_num_format(time_format(offset)),
            };
            if shaded && style != Style::Header {
                f = f.set_background_color(Color::RGB(SHADE));
            }
            f
        })
    }
}

/// The number format that shows a Canberra date-time as RFC 3339 with this offset.
fn time_format(offset_seconds: i32) -> String {
    let sign = if offset_seconds < 0 { '-' } else { '+' };
    let minutes = offset_seconds.unsigned_abs() / 60;
    format!(
        "yyyy-mm-dd\"T\"hh:mm:ss\"{sign}{:02}:{:02}\"",
        minutes / 60,
        minutes % 60
    )
}

/// Column widths (characters) by column.
fn width(name: &str, kind: Kind) -> f64 {
    match (name, kind) {
        ("notes", _) => 70.0,
        ("subject" | "organisation" | "ip_allowlist" | "attachment" | "message_id", _) => 28.0,
        ("sender" | "contact_email" | "full_name" | "flags", _) => 24.0,
        ("status" | "decision", _) => 14.0,
        (_, Kind::DateTime) => 26.0,
        (_, Kind::Date) => 12.0,
        _ => (name.len() as f64 + 2.0).clamp(9.0, 16.0),
    }
}

/// Whether a spreadsheet would take a text starting like this for a formula (after spaces).
fn starts_formula(text: &str) -> bool {
    matches!(
        text.trim_start_matches(' ').chars().next(),
        Some('=' | '+' | '-' | '@' | '\t' | '\r' | '\n')
    )
}

/// Text as a cell holds it: Excel's `_xHHHH_` escapes in the text itself kept literal, and cut
/// to Excel's limit with its full length said.
pub fn cell_text(text: &str) -> String {
    let escaped = escape_underscores(text);
    if utf16_len(&escaped) <= MAX_CELL_UNITS {
        return escaped;
    }
    let total = text.chars().count();
    let tail = format!(
        " … [cut here: the whole text is {total} characters; the CSV report and \
         `regintake show` have all of it]"
    );
    let room = MAX_CELL_UNITS - utf16_len(&tail);
    let mut keep = text.chars().count().min(room);
    loop {
        let head: String = text.chars().take(keep).collect();
        let escaped = escape_underscores(&head);
        let len = utf16_len(&escaped);
        if len <= room {
            return escaped + &tail;
        }
        keep = keep.saturating_sub((len - room).max(1));
    }
}

fn utf16_len(text: &str) -> usize {
    text.chars().map(char::len_utf16).sum()
}

/// `_x0041_` → `_x005F_x0041_`: the underscore of a literal escape-like sequence, escaped.
fn escape_underscores(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    let mut i = 0;
    while i + 7 <= bytes.len() {
        let looks_escaped = bytes[i] == b'_'
            && bytes[i + 1] == b'x'
            && bytes[i + 2..i + 6].iter().all(u8::is_ascii_hexdigit)
            && bytes[i + 6] == b'_';
        if looks_escaped {
            out.push_str(&text[last..i]);
            out.push_str("_x005F");
            last = i;
            i += 6;
        } else {
            i += 1;
        }
    }
    out.push_str(&text[last..]);
    out
}

/// Writes the workbook.
pub fn write_xlsx(out: &mut dyn Write, rows: &[Row], summary: &Summary) -> Result<()> {
    let mut workbook = Workbook::new();
    let mut formats = Formats::default();
    let sheet = workbook.add_worksheet();
    registrations(sheet, rows, summary, &mut formats)?;
    let sheet = workbook.add_worksheet();
    summary_sheet(sheet, rows, summary, &mut formats)?;
    let bytes = workbook
        .save_to_buffer()
        .context("cannot make the Excel workbook")?;
    out.write_all(&bytes)
        .context("cannot write the Excel workbook")?;
    Ok(())
}

fn registrations(
    sheet: &mut Worksheet,
    rows: &[Row],
    summary: &Summary,
    formats: &mut Formats,
) -> Result<()> {
    sheet.set_name(REGISTRATIONS)?;
    let last_col = u16::try_from(COLUMNS.len() - 1).unwrap_or(u16::MAX);
    for (col, column) in COLUMNS.iter().enumerate() {
        let col = u16::try_from(col).unwrap_or(u16::MAX);
        sheet.write_string_with_format(0, col, column.name, formats.get(Style::Header, false))?;
        sheet.set_column_width(col, width(column.name, column.kind))?;
    }
    for (i, row) in rows.iter().enumerate() {
        let r = u32::try_from(i + 1).context("too many rows for one sheet")?;
        let shaded = row.status == crate::ledger::Status::NeedsReview;
        let overdue = summary.overdue.contains(&row.record_id);
        for (col, (column, value)) in COLUMNS.iter().zip(row.values()).enumerate() {
            let col = u16::try_from(col).unwrap_or(u16::MAX);
            write_cell(sheet, r, col, column.name, value, shaded, overdue, formats)?;
        }
        // Spreadsheets do not all grow a row to fit wrapped text on opening: the notes' lines,
        // estimated from their length, set its height (a few lines at most; the cell has all).
        let lines = row.notes.chars().count().div_ceil(NOTES_LINE_CHARS);
        if lines > 1 {
            let lines = u32::try_from(lines.min(MAX_ROW_LINES)).unwrap_or(1);
            sheet.set_row_height(r, f64::from(lines) * LINE_HEIGHT)?;
        }
    }
    sheet.set_freeze_panes(1, 0)?;
    let last_row = u32::try_from(rows.len()).unwrap_or(u32::MAX);
    sheet.autofilter(0, 0, last_row, last_col)?;
    // For print and PDF: landscape, one page wide, the header on every page.
    sheet.set_landscape();
    sheet.set_paper_size(8); // A3
    sheet.set_print_fit_to_pages(1, 0);
    sheet.set_repeat_rows(0, 0)?;
    Ok(())
}

#[allow(clippy::too_many_arguments)]
fn write_cell(
    sheet: &mut Worksheet,
    row: u32,
    col: u16,
    name: &str,
    value: Value<'_>,
    shaded: bool,
    overdue: bool,
    formats: &mut Formats,
) -> Result<()> {
    match value {
        Value::Empty => {
            sheet.write_blank(row, col, formats.get(Style::Text, shaded))?;
        }
        Value::Integer(n) => {
            // Excel numbers are doubles: exact to 2^53, far beyond any count or record_id.
            sheet.write_number_with_format(
                row,
                col,
                n as f64,
                formats.get(Style::Number, shaded),
            )?;
        }
        Value::Date(day) => {
            let style = if overdue && name == "due_by" {
                Style::OverdueDate
            } else {
                Style::Date
            };
            sheet.write_datetime_with_format(row, col, day, formats.get(style, shaded))?;
        }
        Value::DateTime(at) => write_time(sheet, row, col, &at, shaded, formats)?,
        Value::Text(text) => {
            let notes = name == "notes";
            let style = match (notes, starts_formula(text)) {
                (false, false) => Style::Text,
                (false, true) => Style::Quoted,
                (true, false) => Style::Notes,
                (true, true) => Style::NotesQuoted,
            };
            sheet.write_string_with_format(
                row,
                col,
                cell_text(text),
                formats.get(style, shaded),
            )?;
        }
    }
    Ok(())
}

fn write_time(
    sheet: &mut Worksheet,
    row: u32,
    col: u16,
    at: &DateTime<Tz>,
    shaded: bool,
    formats: &mut Formats,
) -> Result<()> {
    let offset = at.offset().fix().local_minus_utc();
    // Whole seconds, as the CSV shows them.
    let local = at.naive_local();
    let local = local.with_nanosecond_zero().unwrap_or(local);
    sheet.write_datetime_with_format(row, col, local, formats.get(Style::Time(offset), shaded))?;
    Ok(())
}

/// `NaiveDateTime` without its fraction of a second.
trait WithoutFraction: Sized {
    fn with_nanosecond_zero(self) -> Option<Self>;
}

impl WithoutFraction for chrono::NaiveDateTime {
    fn with_nanosecond_zero(self) -> Option<Self> {
        chrono::Timelike::with_nanosecond(&self, 0)
    }
}

fn summary_sheet(
    sheet: &mut Worksheet,
    rows: &[Row],
    summary: &Summary,
    formats: &mut Formats,
) -> Result<()> {
    sheet.set_name(SUMMARY)?;
    sheet.set_column_width(0, 36)?;
    sheet.set_column_width(1, 30)?;
    let header = formats.get(Style::Header, false).clone();
    let text = formats.get(Style::Text, false).clone();
    let number = formats.get(Style::Number, false).clone();
    let count = |f: &dyn Fn(&Row) -> bool| rows.iter().filter(|row| f(row)).count();
    let filters = if summary.filters.is_empty() {
        "all records (latest revisions)"
    } else {
        summary.filters.as_str()
    };
    /// A line of the sheet: a heading, a label with a text, or a label with a count.
    enum Line<'a> {
        Heading(&'a str),
        Text(&'a str, &'a str),
        Count(String, usize),
        Gap,
    }
    let mut lines = vec![
        Line::Heading("Registrations report"),
        Line::Text("written (Canberra time)", &summary.written_at),
        Line::Text("records in this report", filters),
        Line::Gap,
        Line::Count("records".into(), rows.len()),
    ];
    for status in [
        crate::ledger::Status::Ok,
        crate::ledger::Status::NeedsReview,
    ] {
        lines.push(Line::Count(
            format!("status {status}"),
            count(&|row| row.status == status),
        ));
    }
    lines.push(Line::Count(
        "open (no decision, or info_requested)".into(),
        count(&|row| summary.open.contains(&row.record_id)),
    ));
    lines.push(Line::Count(
        "overdue (no decision, past due_by)".into(),
        count(&|row| summary.overdue.contains(&row.record_id)),
    ));
    lines.push(Line::Gap);
    lines.push(Line::Heading("decisions (latest per record)"));
    for outcome in Outcome::ALL {
        lines.push(Line::Count(
            outcome.as_str().into(),
            count(&|row| row.decision == outcome.as_str()),
        ));
    }
    lines.push(Line::Count(
        "no decision".into(),
        count(&|row| row.decision.is_empty()),
    ));
    for (i, line) in lines.iter().enumerate() {
        let r = u32::try_from(i).unwrap_or(u32::MAX);
        match line {
            Line::Heading(title) => {
                sheet.write_string_with_format(r, 0, *title, &header)?;
                sheet.write_string_with_format(r, 1, "", &header)?;
            }
            Line::Text(label, value) => {
                sheet.write_string_with_format(r, 0, *label, &text)?;
                sheet.write_string_with_format(r, 1, cell_text(value), &text)?;
            }
            Line::Count(label, n) => {
                sheet.write_string_with_format(r, 0, label.as_str(), &text)?;
                sheet.write_number_with_format(r, 1, *n as f64, &number)?;
            }
            Line::Gap => {}
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_like_text_keeps_its_underscore() {
        assert_eq!(escape_underscores("a_x0041_b"), "a_x005F_x0041_b");
        assert_eq!(escape_underscores("_x00e9__x12"), "_x005F_x00e9__x12");
        assert_eq!(escape_underscores("plain_text x0041"), "plain_text x0041");
        assert_eq!(escape_underscores("é_x0041_"), "é_x005F_x0041_");
    }

    #[test]
    fn long_text_is_cut_to_the_cell_limit_with_its_length() {
        for text in [
            "a".repeat(40_000),
            "😀".repeat(20_000),
            "_x0041_".repeat(6_000),
            "b".repeat(MAX_CELL_UNITS),
        ] {
            let cell = cell_text(&text);
            assert!(utf16_len(&cell) <= MAX_CELL_UNITS, "{}", utf16_len(&cell));
            if utf16_len(&escape_underscores(&text)) > MAX_CELL_UNITS {
                let total = text.chars().count();
                assert!(cell.ends_with("have all of it]"));
                assert!(cell.contains(&format!("{total} characters")));
            } else {
                assert_eq!(cell, escape_underscores(&text));
            }
        }
    }

    #[test]
    fn time_formats_show_rfc_3339_with_the_offset() {
        assert_eq!(time_format(11 * 3600), "yyyy-mm-dd\"T\"hh:mm:ss\"+11:00\"");
        assert_eq!(time_format(10 * 3600), "yyyy-mm-dd\"T\"hh:mm:ss\"+10:00\"");
        assert_eq!(
            time_format(-(5 * 3600 + 1800)),
            "yyyy-mm-dd\"T\"hh:mm:ss\"-05:30\""
        );
    }
}
