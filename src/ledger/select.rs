//! A report's SELECT list and an `ExportFilter` in → the records it asks for, each read into
//! the report's row type.

use super::{ExportFilter, LATEST_OUTCOME, LATEST_REVISION, Ledger, SUPERSEDED, Status};
use anyhow::Result;

impl Ledger {
    /// Records as a report reads them, ordered by record_id: `select` is the SELECT list, SQL
    /// expressions over `r` (the `records` row) and `m` (the `messages` row of the reading it
    /// belongs to); `read` turns each result row into a `T`.
    ///
    /// By default only each message's latest revision (so one row per (message, attachment));
    /// `all_revisions` gives every row. `since` and `until` are Canberra calendar days of the
    /// instant the message was received, both inclusive.
    pub(crate) fn select_records<T>(
        &self,
        select: &str,
        filter: &ExportFilter,
        read: impl Fn(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
    ) -> Result<Vec<T>> {
        let mut sql = format!(
            "SELECT {select} FROM records r JOIN messages m ON m.message_ref = r.message_ref \
             WHERE (?1 IS NULL OR m.received_epoch >= ?1) \
             AND (?2 IS NULL OR m.received_epoch < ?2) AND (?3 IS NULL OR r.status = ?3)"
        );
        if let Some(id) = filter.record {
            sql.push_str(&format!(" AND r.record_id = {id}"));
        }
        if filter.record.is_none() && (!filter.all_revisions || filter.open || filter.overdue) {
            sql.push_str(" AND ");
            sql.push_str(LATEST_REVISION);
        }
        if filter.open {
            sql.push_str(&format!(
                " AND ({LATEST_OUTCOME} IS NULL OR {LATEST_OUTCOME} = 'info_requested') \
                 AND NOT {SUPERSEDED}"
            ));
        }
        if filter.overdue {
            sql.push_str(&format!(
                " AND {LATEST_OUTCOME} IS NULL AND NOT {SUPERSEDED} AND r.due_by < ?4"
            ));
        }
        sql.push_str(" ORDER BY r.record_id");
        let since = filter.since.map(crate::canberra::day_start);
        // The first instant after the last day.
        let until = filter
            .until
            .and_then(|d| d.succ_opt())
            .map(crate::canberra::day_start);
        let status = filter.status.map(Status::as_str);
        let today = filter
            .today
            .unwrap_or_else(crate::canberra::today)
            .format("%Y-%m-%d")
            .to_string();
        self.reading("cannot read records", |conn| {
            let mut stmt = conn.prepare(&sql)?;
            // ?4 is only in the statement with `overdue`.
            let rows = if filter.overdue {
                stmt.query_map(rusqlite::params![since, until, status, today], &read)?
            } else {
                stmt.query_map(rusqlite::params![since, until, status], &read)?
            };
            rows.collect()
        })
    }
}
