//! Ledger records in → staff reports out. The one definition of a report's columns lives here:
//! each column's name, how its values read, and the SQL that gives its value. The header, the
//! SELECT that reads the ledger, `Row`, and every writer (`csv`, `xlsx`, through `COLUMNS` and
//! `Row::values`) follow from it. `file` writes a report file atomically with the right mode.
//!
//! Dates and times are shown in Canberra time whatever offset the ledger stored them in
//! (`crate::canberra`).
//!
//! Adding a column is one line in `report_columns!` (name, kind, SQL over the ledger) plus
//! whatever makes its value exist in the ledger (a migration).

pub mod csv;
mod file;
pub mod show;
pub mod xlsx;

pub use file::write_atomically;

use crate::ledger::{ExportFilter, LATEST_DECIDED_AT, LATEST_DECIDED_BY_TEXT, LATEST_OUTCOME_TEXT};
use crate::ledger::{Ledger, Status};
use anyhow::Result;
use chrono::{DateTime, NaiveDate};
use chrono_tz::Tz;
use std::collections::HashSet;

/// How a column's values read, for writers that type their cells (dates as dates, numbers as
/// numbers).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A whole number, always there.
    Integer,
    /// A whole number, or empty.
    Count,
    /// A calendar date, `YYYY-MM-DD`.
    Date,
    /// A date and time in Canberra time, RFC 3339 with its offset; or empty.
    DateTime,
    /// Text as the ledger holds it (writers guard it against formulas).
    Text,
    /// `ok` or `needs_review`.
    Status,
}

/// One report column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    /// Its name in the header (SPEC "Reports").
    pub name: &'static str,
    pub kind: Kind,
    /// The SQL expression that gives its value, over the ledger's `r` (the record) and `m`
    /// (the message reading it belongs to); see `Ledger::select_records`.
    pub(crate) sql: &'static str,
}

/// One cell of a row, as the ledger holds it (dates and times read into Canberra time).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Value<'a> {
    Empty,
    Integer(i64),
    Text(&'a str),
    Date(NaiveDate),
    DateTime(DateTime<Tz>),
}

impl std::fmt::Display for Value<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Value::Empty => Ok(()),
            Value::Integer(n) => write!(f, "{n}"),
            Value::Text(text) => f.write_str(text),
            Value::Date(day) => write!(f, "{}", day.format("%Y-%m-%d")),
            Value::DateTime(at) => f.write_str(&crate::canberra::rfc3339(at)),
        }
    }
}

/// A calendar date column's value (`due_by`), read from the ledger's `YYYY-MM-DD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Day(pub NaiveDate);

impl Default for Day {
    fn default() -> Self {
        Day(NaiveDate::MIN)
    }
}

impl rusqlite::types::FromSql for Day {
    fn column_result(value: rusqlite::types::ValueRef<'_>) -> rusqlite::types::FromSqlResult<Self> {
        let text = value.as_str()?;
        NaiveDate::parse_from_str(text, "%Y-%m-%d")
            .map(Day)
            .map_err(|_| {
                rusqlite::types::FromSqlError::Other(format!("{text:?} is not a date").into())
            })
    }
}

/// A date-and-time column's value in Canberra time (the ledger stores RFC 3339 in any offset),
/// or none (a record without a decision has no `decided_at`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Time(pub Option<DateTime<Tz>>);

impl Time {
    /// An RFC 3339 date and time, in Canberra time; none if it is not one.
    pub fn parse(text: &str) -> Time {
        Time(crate::canberra::parse(text))
    }
}

impl rusqlite::types::FromSql for Time {
    fn column_result(value: rusqlite::types::ValueRef<'_>) -> rusqlite::types::FromSqlResult<Self> {
        match value {
            rusqlite::types::ValueRef::Null => Ok(Time(None)),
            _ => {
                let text = value.as_str()?;
                crate::canberra::parse(text)
                    .map(|t| Time(Some(t)))
                    .ok_or_else(|| {
                        rusqlite::types::FromSqlError::Other(
                            format!("{text:?} is not an RFC 3339 date and time").into(),
                        )
                    })
            }
        }
    }
}

/// A value of a `Row` field as a cell.
trait CellValue {
    fn value(&self) -> Value<'_>;
}

impl CellValue for i64 {
    fn value(&self) -> Value<'_> {
        Value::Integer(*self)
    }
}

impl CellValue for Option<i64> {
    fn value(&self) -> Value<'_> {
        self.map_or(Value::Empty, Value::Integer)
    }
}

impl CellValue for String {
    fn value(&self) -> Value<'_> {
        Value::Text(self)
    }
}

impl CellValue for Day {
    fn value(&self) -> Value<'_> {
        Value::Date(self.0)
    }
}

impl CellValue for Time {
    fn value(&self) -> Value<'_> {
        self.0.map_or(Value::Empty, Value::DateTime)
    }
}

impl CellValue for Status {
    fn value(&self) -> Value<'_> {
        Value::Text(self.as_str())
    }
}

/// The Rust type that holds a column's values, by its kind.
macro_rules! value_type {
    (Integer) => { i64 };
    (Count) => { Option<i64> };
    (Date) => { Day };
    (DateTime) => { Time };
    (Text) => { String };
    (Status) => { Status };
}

/// Defines `COLUMNS`, `Row` (a field per column) and the reading and listing of its values,
/// from one table of `name: Kind = SQL` (a `&'static str` expression).
macro_rules! report_columns {
    ($($(#[doc = $doc:literal])* $name:ident: $kind:ident = $sql:expr,)+) => {
        /// Every column of a report, in order.
        pub const COLUMNS: &[Column] = &[
            $(Column { name: stringify!($name), kind: Kind::$kind, sql: $sql },)+
        ];

        /// One record as a report shows it: the ledger's raw values, a field per column.
        #[derive(Debug, Clone, Default, PartialEq, Eq)]
        pub struct Row {
            $($(#[doc = $doc])* pub $name: value_type!($kind),)+
        }

        impl Row {
            /// Reads a result row of `select_list()` (each value by its column's name).
            fn read(row: &rusqlite::Row<'_>) -> rusqlite::Result<Row> {
                Ok(Row {
                    $($name: row.get(stringify!($name))?,)+
                })
            }

            /// The row's cells, in `COLUMNS` order.
            pub fn values(&self) -> [Value<'_>; COLUMNS.len()] {
                [$(self.$name.value(),)+]
            }
        }
    };
}

report_columns! {
    record_id: Integer = "r.record_id",
    /// IMAP INTERNALDATE, else the Date header: stored in the message's own offset, shown in
    /// Canberra time.
    received_at: DateTime = "m.received_at",
    due_by: Date = "r.due_by",
    /// With its angle brackets; empty when the message has none.
    message_id: Text = "m.message_id",
    sender: Text = "m.sender",
    subject: Text = "m.subject",
    /// The form's decoded file name; empty for a body form or no form.
    attachment: Text = "r.attachment",
    source: Text = "r.source",
    full_name: Text = "r.full_name",
    organisation: Text = "r.organisation",
    contact_email: Text = "r.contact_email",
    terms_accepted: Text = "r.terms_accepted",
    service: Text = "r.service",
    ip_allowlist: Text = "r.ip_allowlist",
    expected_records_per_day: Count = "r.expected_records_per_day",
    expected_api_calls_per_day: Count = "r.expected_api_calls_per_day",
    user_guide_agreed: Text = "r.user_guide_agreed",
    status: Status = "r.status",
    /// Flag codes joined by `;`, in the order they were raised.
    flags: Text = "r.flags",
    /// The record_id of an earlier record from the same contact and organisation.
    supersedes: Count = "r.supersedes",
    /// One sentence per flag; a flagged record written before notes were kept says so.
    notes: Text = "CASE WHEN r.notes <> '' OR r.flags = '' THEN r.notes ELSE \
        'Recorded before regintake wrote notes (flags: ' || replace(r.flags, ';', ', ') || \
        '); ingest --reprocess writes them.' END",
    /// The latest decision on the registration (any revision of it): its outcome, when (shown
    /// in Canberra time) and by whom; empty without one.
    decision: Text = LATEST_OUTCOME_TEXT,
    decided_at: DateTime = LATEST_DECIDED_AT,
    decided_by: Text = LATEST_DECIDED_BY_TEXT,
}

/// The SELECT list that reads every column, each under its own name.
fn select_list() -> String {
    COLUMNS
        .iter()
        .map(|c| format!("{} AS {}", c.sql, c.name))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The rows of a report: the records `filter` selects, ordered by record_id.
pub fn rows(ledger: &Ledger, filter: &ExportFilter) -> Result<Vec<Row>> {
    ledger.select_records(&select_list(), filter, Row::read)
}

/// The record_ids among those `filter` selects that are open, and those that are overdue (as
/// `--open` and `--overdue` select them).
pub fn open_and_overdue(
    ledger: &Ledger,
    filter: &ExportFilter,
) -> Result<(HashSet<i64>, HashSet<i64>)> {
    let ids = |open: bool, overdue: bool| -> Result<HashSet<i64>> {
        let narrowed = ExportFilter {
            open: filter.open || open,
            overdue: filter.overdue || overdue,
            ..filter.clone()
        };
        let ids = ledger.select_records("r.record_id", &narrowed, |row| row.get(0))?;
        Ok(ids.into_iter().collect())
    };
    Ok((ids(true, false)?, ids(false, true)?))
}
