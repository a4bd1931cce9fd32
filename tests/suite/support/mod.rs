//! Test harnesses shared by the areas of the suite: report CSV reading, a throwaway Dovecot and
//! the proxies in front of it, a hostile IMAP server, the poll invariants, reading replies back
//! with Python, and the notes that say a parser failed.

pub mod csv;
pub mod dovecot;
pub mod failures;
pub mod hostile_imap;
pub mod imap_proxy;
pub mod invariants;
pub mod replies;
