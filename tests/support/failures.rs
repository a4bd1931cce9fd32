//! Records in → the notes among them that say a reader or parser failed, crashed or ran out of
//! memory. Our parsers answer hostile input with a reason, never a panic, and a panic from a
//! dependency is caught and recorded with one of these notes: a hostile-input test that finds
//! one has found a panic (or a crash) the guard hid.

#![allow(dead_code)]

use std::path::Path;

/// Words of the notes the panic guards and the worker write (`pipeline::Failure`,
/// `mime::Problem`, `extract::Unreadable`).
const FAILURE_WORDS: [&str; 4] = [
    "reader failed",
    "parser failed",
    "reader crashed",
    "ran out of memory",
];

/// The notes of a record's `detail` that say something failed.
pub fn failure_notes(detail: &serde_json::Value) -> Vec<String> {
    detail["notes"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|n| n.as_str())
        .filter(|n| FAILURE_WORDS.iter().any(|w| n.contains(w)))
        .map(String::from)
        .collect()
}

/// Every such note in a ledger.
pub fn ledger_failure_notes(db: &Path) -> Vec<String> {
    let conn = rusqlite::Connection::open(db).expect("open the ledger");
    let mut statement = conn
        .prepare("SELECT detail FROM records")
        .expect("query records");
    let details: Vec<String> = statement
        .query_map([], |row| row.get(0))
        .expect("read records")
        .collect::<Result<_, _>>()
        .expect("read records");
    details
        .iter()
        .flat_map(|d| failure_notes(&serde_json::from_str(d).expect("detail is JSON")))
        .collect()
}
