//! The integration tests, one binary: each area is a module (`cargo test --test suite golden::`
//! runs one), the harnesses in `support` are compiled once, and the crate's dependencies (tokio,
//! rustls, SQLite) are linked once instead of once per area.

mod support;

#[path = "../../examples/make_hostile.rs"]
mod make_hostile;
#[path = "../../fuzz/targets.rs"]
mod targets;

mod archive;
mod crash;
mod docx;
mod e2e;
mod export;
mod fuzz_replay;
mod golden;
mod hostile;
mod imap;
mod imap_hostile;
mod ledger;
mod mime;
mod ocr;
mod ops;
mod pdf;
mod replies;
mod secrets;
mod vendored;
mod worklist;
