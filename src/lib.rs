//! regintake: registration mail in, append-only SQLite ledger and CSV reports out.
//!
//! The stages, in the order `pipeline` chains them:
//! `source` (raw messages) → `mime` (attachments, body) → `extract` (a document) →
//! `form` (answers) → `validate` (record fields + flags) → `ledger` (SQLite) → `report` (CSV),
//! `reply` (the draft reply to an applicant).

pub mod canberra;
pub mod cli;
pub mod config;
pub mod extract;
pub mod form;
pub mod ledger;
pub mod limits;
pub mod metrics;
pub mod mime;
pub mod pipeline;
pub mod reply;
pub mod report;
pub mod source;
pub mod validate;

#[cfg(test)]
mod layering;

/// The one place this process catches a panic: `f`'s result, or the message of the panic it
/// raised. Our own code does not panic on input; this stands between a run and a dependency
/// that might (mail-parser, zip, lopdf, the readers). Each caller decides what a panic costs, at
/// the granularity a person sees:
/// - `pipeline::chain`, around the stages it runs: the message is `Processed::Failed`;
/// - `mime::parse`, around mail-parser: the message gets a `ParserFailed` problem;
/// - `mime::sniff`, around zip's central directory: the zip is typed from its local headers;
/// - `extract::pdf::read`, around lopdf: that attachment is unreadable (malformed);
/// - `extract::worker`, around an attachment read in this process when isolation is off: that
///   attachment is unreadable (reader failed).
///
/// Attachments read in the worker process are caught in `extract::worker`'s child loop (its own
/// process).
pub(crate) fn catch_panic<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).map_err(|panic| panic_text(&*panic))
}

/// The message a caught panic carried, for the ledger note or the log. Pass `&*panic`: a
/// `&Box<dyn Any>` would coerce to the box itself and read as "panic".
pub(crate) fn panic_text(panic: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = panic.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = panic.downcast_ref::<String>() {
        s.clone()
    } else {
        "panic".to_string()
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn panic_text_reads_the_message() {
        let hook = std::panic::take_hook();
        std::panic::set_hook(Box::new(|_| {}));
        let literal = std::panic::catch_unwind(|| panic!("boom")).unwrap_err();
        let formatted = std::panic::catch_unwind(|| panic!("boom {}", 2)).unwrap_err();
        let other = std::panic::catch_unwind(|| std::panic::panic_any(7u8)).unwrap_err();
        std::panic::set_hook(hook);
        assert_eq!(super::panic_text(&*literal), "boom");
        assert_eq!(super::panic_text(&*formatted), "boom 2");
        assert_eq!(super::panic_text(&*other), "panic");
        // The pitfall the doc comment warns about: the box itself is not the payload.
        assert_eq!(super::panic_text(&literal), "panic");
    }
}
