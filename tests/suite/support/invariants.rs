//! Test harness: what must hold after any number of interrupted `poll` passes and one that
//! finished — every message in the ledger exactly once, every form message in the processed
//! mailbox exactly once, none left in the inbox (flagged \Deleted or not), no-form mail in the
//! inbox once, marked.

use super::dovecot::{self, Client};
use regintake::ledger::{ExportFilter, Ledger};
use regintake::report;
use std::collections::BTreeMap;
use std::path::Path;

pub const PROCESSED: &str = "Registrations/Processed";

/// `count` messages, every `plain_every`-th one without a form, each with a Message-ID made from
/// `prefix`: (form ids, plain ids, messages in order).
pub fn seed(
    prefix: &str,
    count: usize,
    plain_every: usize,
) -> (Vec<String>, Vec<String>, Vec<Vec<u8>>) {
    let mut forms = Vec::new();
    let mut plain = Vec::new();
    let mut messages = Vec::new();
    for i in 0..count {
        let id = format!("{prefix}{i}");
        if plain_every > 0 && i % plain_every == plain_every - 1 {
            messages.push(dovecot::plain_message(&id));
            plain.push(format!("<{id}@test.example.org>"));
        } else {
            messages.push(dovecot::form_message(&id));
            forms.push(format!("<{id}@test.example.org>"));
        }
    }
    (forms, plain, messages)
}

fn counts(ids: impl Iterator<Item = String>) -> BTreeMap<String, usize> {
    let mut map = BTreeMap::new();
    for id in ids {
        *map.entry(id).or_default() += 1;
    }
    map
}

/// Asserts the end state after a pass that finished.
pub fn assert_each_once(c: &mut Client, db: &Path, forms: &[String], plain: &[String], what: &str) {
    // The ledger: one key and one record per message, no other.
    let ledger = Ledger::open(db).expect("open the ledger");
    let keys = ledger.keys().expect("ledger keys");
    let want: std::collections::HashSet<String> = forms
        .iter()
        .chain(plain)
        .map(|id| format!("mid:{}", id.trim_matches(['<', '>'])))
        .collect();
    assert_eq!(keys, want, "{what}: the ledger's messages");
    let filter = ExportFilter {
        all_revisions: true,
        ..Default::default()
    };
    let rows = report::rows(&ledger, &filter).expect("export rows");
    let per_message = counts(rows.iter().map(|r| r.message_id.clone()));
    let twice: Vec<_> = per_message.iter().filter(|(_, n)| **n != 1).collect();
    assert!(
        twice.is_empty(),
        "{what}: records not exactly once: {twice:?}"
    );
    assert_eq!(rows.len(), forms.len() + plain.len(), "{what}: records");
    let flagged_forms = rows
        .iter()
        .filter(|r| r.flags.contains("no_form_found"))
        .count();
    assert_eq!(flagged_forms, plain.len(), "{what}: form detection");

    // The processed mailbox: each form message once, nothing else.
    let processed = c.messages_with_ids(PROCESSED);
    let in_processed = counts(processed.iter().map(|(_, _, id)| id.clone()));
    let wrong: Vec<_> = forms
        .iter()
        .filter(|id| in_processed.get(*id) != Some(&1))
        .map(|id| (id, in_processed.get(id).copied().unwrap_or(0)))
        .collect();
    assert!(
        wrong.is_empty(),
        "{what}: form messages not exactly once in {PROCESSED}: {wrong:?}"
    );
    assert_eq!(
        processed.len(),
        forms.len(),
        "{what}: {PROCESSED} holds only the form messages"
    );

    // The inbox: no form message left (flagged \Deleted or not); each no-form message once.
    let inbox = c.messages_with_ids("INBOX");
    let stranded: Vec<_> = inbox
        .iter()
        .filter(|(_, _, id)| forms.contains(id))
        .collect();
    assert!(
        stranded.is_empty(),
        "{what}: form messages stranded in the inbox: {stranded:?}"
    );
    let deleted: Vec<_> = inbox
        .iter()
        .filter(|(_, flags, _)| flags.iter().any(|f| f.eq_ignore_ascii_case("\\Deleted")))
        .collect();
    assert!(
        deleted.is_empty(),
        "{what}: \\Deleted left in the inbox: {deleted:?}"
    );
    let in_inbox = counts(inbox.iter().map(|(_, _, id)| id.clone()));
    for id in plain {
        assert_eq!(
            in_inbox.get(id),
            Some(&1),
            "{what}: no-form message {id} in the inbox"
        );
    }
    assert_eq!(
        inbox.len(),
        plain.len(),
        "{what}: the inbox holds only no-form mail"
    );
}
