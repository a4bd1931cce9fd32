//! Attachment-reading worker processes: attachments in over a pipe → documents out, so a parser
//! that overflows its stack, aborts or loops costs one worker, not the run.

use crate::limits::Limits;
use anyhow::Result;

/// The hidden `worker` subcommand: serve read requests on stdin/stdout until stdin closes.
pub fn serve(_limits: &Limits) -> Result<()> {
    anyhow::bail!("worker processes are not written yet")
}
