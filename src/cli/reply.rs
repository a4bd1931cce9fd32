//! Replies: a record number in → its reply to the applicant as an RFC 5322 draft (.eml) on
//! stdout or in a file (`reply`); the `[replies]` settings in → the composer `poll` drafts
//! replies on the server with.

use super::export::check_report_path;
use super::{Cli, RunError, db_path};
use crate::config::Config;
use crate::ledger::Ledger;
use crate::pipeline;
use crate::report;
use anyhow::{Context as _, Result, anyhow};
use std::io::Write;
use std::path::Path;

/// What `poll` needs to draft replies on the server (`[replies] drafts_mailbox`), or `None`.
pub(super) fn drafts(config: &Config) -> Result<Option<pipeline::Drafts>> {
    use crate::pipeline::{ComposedDraft, Drafts};
    use crate::reply::{Acknowledge, Composer};
    let mailbox = config.replies.drafts_mailbox.trim();
    if mailbox.is_empty() {
        return Ok(None);
    }
    let composer = Composer::new(config)?;
    let acknowledge = if config.replies.acknowledge {
        Acknowledge::OkRecords
    } else {
        Acknowledge::No
    };
    Ok(Some(Drafts {
        mailbox: mailbox.to_string(),
        compose: Box::new(move |record| {
            Ok(composer
                .compose(record, acknowledge, chrono::Utc::now())?
                .map(|d| ComposedDraft {
                    message_id: d.message_id,
                    bytes: d.bytes,
                })
                .map_err(|why| why.to_string()))
        }),
    }))
}

/// `reply RECORD_ID`: the record's reply to stdout or `--out`; a record that gets no reply (or
/// no record) is a failed run whose one line says why, and no file is written.
pub(super) fn write_reply(
    cli: &Cli,
    config: &Config,
    record_id: i64,
    out: Option<&Path>,
) -> Result<(), RunError> {
    use crate::reply::{Acknowledge, Composer};
    let db = db_path(cli, config);
    if let Some(out) = out {
        check_report_path(&db, out)?;
    }
    let composer = Composer::new(config)?;
    let ledger = Ledger::open_to_read(&db)?;
    let record = ledger
        .stored_record(record_id)?
        .ok_or_else(|| anyhow!("no record {record_id} in the ledger {}", db.display()))?;
    // Asked for by a person: an ok record gets its acknowledgement whatever `acknowledge` says.
    let draft = composer
        .compose(&record, Acknowledge::OkRecords, chrono::Utc::now())?
        .map_err(|why| anyhow!("record {record_id} gets no reply: {why}"))?;
    match out {
        Some(path) => report::write_atomically(path, |w| w.write_all(&draft.bytes))?,
        None => {
            let stdout = std::io::stdout();
            let mut lock = stdout.lock();
            lock.write_all(&draft.bytes)
                .and_then(|()| lock.flush())
                .context("cannot write the reply to stdout")?;
        }
    }
    eprintln!(
        "regintake: reply to record {record_id} for {}: {}",
        draft.to, draft.message_id
    );
    Ok(())
}
