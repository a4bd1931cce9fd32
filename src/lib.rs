//! regintake: registration mail in, append-only SQLite ledger and CSV reports out.
//!
//! The stages, in the order `pipeline` chains them:
//! `source` (raw messages) → `mime` (attachments, body) → `extract` (a document) →
//! `form` (answers) → `validate` (record fields + flags) → `ledger` (SQLite) → `export` (CSV).

pub mod cli;
pub mod config;
pub mod export;
pub mod extract;
pub mod form;
pub mod ledger;
pub mod limits;
pub mod mime;
pub mod pipeline;
pub mod source;
pub mod validate;
