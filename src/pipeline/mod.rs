//! The top of the stages: a raw message in → its ledger entry out, through one chain
//! (`chain`: `mime` → `extract` → `form` → `validate`), and the drivers that feed it and
//! commit what it makes: `ingest` (archives), `poll` (the IMAP mailbox, through
//! `source::imap` as a client) and `check` (files, nothing written). Drivers own batching,
//! the ledger commit and the summary; nothing below this module imports it.

mod chain;
mod check;
mod ingest;
mod key;
mod poll;
mod records;

pub use chain::{Failed, Failure, Parsed, Pipeline, Processed};
pub use check::{CheckReport, CheckedMessage, CheckedRecord, check_file, check_path};
pub use ingest::{IngestOptions, ingest, stop_on_signals};
pub use key::{canonical_sha256, earlier_keys, message_key, sha256_hex};
pub use poll::{
    Compose, ComposedDraft, Drafts, MAX_ATTEMPTS, PassHook, PassOutcome, PollOptions, run as poll,
};

use crate::ledger::Appended;

/// Counts for the summary line every run ends with.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    pub messages_read: u64,
    pub records_added: u64,
    pub needs_review: u64,
    pub skipped: u64,
    pub failed: u64,
}

impl Summary {
    pub fn add(&mut self, other: &Summary) {
        self.messages_read += other.messages_read;
        self.records_added += other.records_added;
        self.needs_review += other.needs_review;
        self.skipped += other.skipped;
        self.failed += other.failed;
    }

    /// Counts one message's append result.
    pub fn count(&mut self, appended: Appended) {
        match appended {
            Appended::Added {
                records,
                needs_review,
            } => {
                self.records_added += records as u64;
                self.needs_review += needs_review as u64;
            }
            Appended::AlreadyRecorded => self.skipped += 1,
        }
    }

    /// Counts the records a run that writes nothing (`check`, `poll --dry-run`) would have
    /// added for one message or document (the message itself is counted where it is read).
    pub fn count_report(&mut self, report: &CheckReport) {
        self.records_added += report.records.len() as u64;
        self.needs_review += report
            .records
            .iter()
            .filter(|r| r.status == crate::ledger::Status::NeedsReview)
            .count() as u64;
    }
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} messages read, {} records added, {} needing review, {} skipped as already recorded, {} failed",
            self.messages_read, self.records_added, self.needs_review, self.skipped, self.failed
        )
    }
}

/// A run that ended before its end, with what it had done, so the summary line can still be
/// printed: stopped by a signal (`signal`), or failed (then this is the context of the error).
#[derive(Debug, Clone, Copy)]
pub struct Unfinished {
    pub summary: Summary,
    /// `SIGINT` or `SIGTERM`; `None` when the run failed.
    pub signal: Option<&'static str>,
}

impl std::fmt::Display for Unfinished {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.signal {
            Some(signal) => write!(f, "stopped by {signal}"),
            None => f.write_str("the run stopped early"),
        }
    }
}

impl std::error::Error for Unfinished {}
