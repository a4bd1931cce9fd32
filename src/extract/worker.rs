//! Attachment-reading worker processes: attachments in over a pipe → documents out, so a parser
//! that overflows its stack, aborts or loops costs one worker, not the run.

use super::{Document, Unreadable};
use crate::limits::Limits;
use crate::mime::Attachment;
use crate::pipeline::Context;
use anyhow::Result;

/// Reads one attachment: in a worker process when `ctx.worker_exe` is set, else in this process.
pub fn read_attachment(att: &Attachment, ctx: &Context) -> Result<Option<Document>, Unreadable> {
    super::read_attachment(att, &ctx.limits)
}

/// The hidden `worker` subcommand: serve read requests on stdin/stdout until stdin closes.
pub fn serve(_limits: &Limits) -> Result<()> {
    anyhow::bail!("worker processes are not written yet")
}
