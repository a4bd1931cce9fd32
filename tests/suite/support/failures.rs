//! Records in → what among them says a reader or parser failed, crashed or ran out of memory.
//! Our parsers answer hostile input with a reason, never a panic, and a panic from a
//! dependency is caught and recorded as one of these: a hostile-input test that finds one has
//! found a panic (or a crash) the guard hid.

use regintake::extract::Unreadable;
use std::path::Path;

/// Words of the notes the chain's panic guard and the MIME parser's write (`pipeline::Failure`,
/// `mime::Problem::ParserFailed`): those are kept only as notes.
const FAILURE_WORDS: [&str; 2] = ["reader failed", "parser failed"];

/// What a record's `detail` says failed: an attachment that could not be read because its
/// reader failed, crashed or ran out of memory (the typed `unreadable`, as its note reads),
/// and the notes that say a stage or parser failed.
pub fn failure_notes(detail: &serde_json::Value) -> Vec<String> {
    let unreadable = serde_json::from_value::<Unreadable>(detail["unreadable"].clone())
        .ok()
        .filter(|u| {
            matches!(
                u,
                Unreadable::ReaderFailed { .. }
                    | Unreadable::ReaderCrashed { .. }
                    | Unreadable::OutOfMemory { .. }
            )
        })
        .map(|u| u.to_string());
    let notes = detail["notes"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|n| n.as_str())
        .filter(|n| FAILURE_WORDS.iter().any(|w| n.contains(w)))
        .map(String::from);
    unreadable.into_iter().chain(notes).collect()
}

/// Every such failure in a ledger.
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
