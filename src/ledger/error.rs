//! An SQLite error in → one plain line out: SQLite's own message, as a person reads it.
//!
//! rusqlite's errors print the statement text with a syntax error (a whole migration: 150 lines)
//! and chain a second error that repeats the first as `Error code 14: Unable to open the
//! database file`. Every ledger error goes through `SqlError`, which shows the message alone
//! and has no source, so `{:#}` of an error chain stays one line.

use std::fmt;

/// A rusqlite error shown as SQLite's message alone (no statement text, no error code).
#[derive(Debug)]
pub(crate) struct SqlError(rusqlite::Error);

impl SqlError {
    /// A value that cannot be stored (not SQLite's doing), as the same kind of error.
    pub(crate) fn value(message: String) -> SqlError {
        SqlError(rusqlite::Error::ToSqlConversionFailure(message.into()))
    }
}

impl SqlError {
    /// SQLite found the file damaged (`SQLITE_CORRUPT`) or not a database at all past its
    /// header (`SQLITE_NOTADB`).
    pub(crate) fn is_damage(&self) -> bool {
        matches!(
            self.0.sqlite_error_code(),
            Some(rusqlite::ErrorCode::DatabaseCorrupt | rusqlite::ErrorCode::NotADatabase)
        )
    }
}

impl From<rusqlite::Error> for SqlError {
    fn from(e: rusqlite::Error) -> Self {
        SqlError(e)
    }
}

impl fmt::Display for SqlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            rusqlite::Error::SqliteFailure(_, Some(message)) => f.write_str(message),
            rusqlite::Error::SqliteFailure(code, None) => {
                let text = rusqlite::ffi::code_to_str(code.extended_code);
                // SQLite's descriptions are sentences ("Unable to open the database file");
                // inside a line they read lower-case.
                let mut chars = text.chars();
                match chars.next() {
                    Some(first) => write!(f, "{}{}", first.to_lowercase(), chars.as_str()),
                    None => write!(f, "SQLite error {}", code.extended_code),
                }
            }
            rusqlite::Error::SqlInputError { msg, .. } => f.write_str(msg),
            other => write!(f, "{other}"),
        }
    }
}

impl std::error::Error for SqlError {}

/// `.context` for rusqlite results: the context, then SQLite's message as one plain line.
pub(crate) trait SqlContext<T> {
    fn sql_context(self, context: &'static str) -> anyhow::Result<T>;
    fn with_sql_context<C: fmt::Display + Send + Sync + 'static>(
        self,
        context: impl FnOnce() -> C,
    ) -> anyhow::Result<T>;
}

impl<T, E: Into<SqlError>> SqlContext<T> for Result<T, E> {
    fn sql_context(self, context: &'static str) -> anyhow::Result<T> {
        self.map_err(|e| anyhow::Error::new(e.into()).context(context))
    }

    fn with_sql_context<C: fmt::Display + Send + Sync + 'static>(
        self,
        context: impl FnOnce() -> C,
    ) -> anyhow::Result<T> {
        self.map_err(|e| anyhow::Error::new(e.into()).context(context()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(e: anyhow::Error) -> String {
        format!("{e:#}")
    }

    #[test]
    fn a_syntax_error_does_not_quote_the_statement() {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        let statement = "CREATE TABLE t (x INTEGER);\nCREATE TABLE t (x INTEGER);\n".repeat(40);
        let err = conn
            .execute_batch(&statement)
            .sql_context("migration 1 failed");
        let text = line(err.unwrap_err());
        assert_eq!(text, "migration 1 failed: table t already exists");
    }

    #[test]
    fn an_open_failure_has_no_error_code_suffix() {
        let dir = tempfile::tempdir().unwrap();
        // A folder cannot be opened as a database.
        let err = rusqlite::Connection::open(dir.path())
            .and_then(|c| c.execute_batch("SELECT * FROM sqlite_master"))
            .sql_context("cannot open");
        let text = line(err.unwrap_err());
        assert!(!text.contains("Error code"), "{text}");
        assert_eq!(text.lines().count(), 1, "{text}");
        assert!(text.starts_with("cannot open: unable to open"), "{text}");
    }
}
