//! The IMAP mailbox in (async-imap on tokio, TLS by rustls) → raw messages through the pipeline
//! into the ledger → form mail moved to the processed mailbox after each commit.

use crate::config::ImapConfig;
use crate::ledger::{Ledger, RunLock};
use crate::pipeline::{Context, Summary};
use anyhow::Result;

/// `poll`: one pass with `once`, else the daemon loop.
pub fn run(
    _imap: ImapConfig,
    _ledger: Ledger,
    _ctx: Context,
    _once: bool,
    _lock: RunLock,
) -> Result<Summary> {
    anyhow::bail!("IMAP polling is not written yet")
}
