//! `check` and `poll --dry-run`: files (documents, messages, mbox archives) or the IMAP
//! mailbox in → what would be recorded for each message, printed as text or JSON; nothing is
//! written, and a file that cannot be read is named and fails the run.

use super::{Cli, EXIT_FAILED, RunError, context, needs_a_person};
use crate::config::Config;
use crate::ledger::Ledger;
use crate::pipeline::{self, Pipeline, PollOptions, Summary};
use crate::report;
use anyhow::{Context as _, anyhow};
use std::io::Write;
use std::path::{Path, PathBuf};

/// `poll --dry-run`: the ledger read-only (or an empty one when it does not exist yet), no
/// lock taken (nothing is written), each message that would be recorded printed as `check`
/// prints it.
pub(super) fn poll_dry_run(
    cli: &Cli,
    imap: crate::config::ImapConfig,
    ctx: Pipeline,
    db: &Path,
) -> Result<Option<Summary>, RunError> {
    let ledger = match Ledger::open_unchanged(db)? {
        Some(ledger) => ledger,
        None => Ledger::in_memory()?,
    };
    let stdout = std::io::stdout();
    let mut failed_write = None;
    let mut show = |r: pipeline::CheckReport| {
        let mut out = stdout.lock();
        if let Err(e) = print_report(&mut out, &r).and_then(|()| out.flush()) {
            failed_write.get_or_insert(e);
        }
    };
    let opts = PollOptions {
        once: true,
        dry_run: Some(&mut show),
        drafts: None,
        after_pass: None,
    };
    let summary = pipeline::poll(imap, ledger, ctx, opts)?;
    if let Some(e) = failed_write {
        return Err(anyhow!("cannot write to stdout: {e}").into());
    }
    if !cli.quiet || needs_a_person(&summary) {
        eprintln!("regintake: dry run, nothing was recorded or changed: {summary}");
    }
    Ok(None)
}

/// `check FILE...`: every file read and shown; one that cannot be read is named, the others
/// are still shown, and the exit code is 1.
pub(super) fn check(
    cli: &Cli,
    config: &Config,
    files: &[PathBuf],
    json: bool,
) -> Result<Option<Summary>, RunError> {
    let ctx = context(config)?;
    let mut reports = Vec::new();
    let mut summary = Summary::default();
    for f in files {
        let read = if f.exists() {
            pipeline::check_path(f, &ctx)
        } else {
            Err(anyhow!("{} does not exist", f.display()))
        };
        match read {
            Ok(rs) => {
                for r in rs {
                    summary.messages_read += 1;
                    summary.count_report(&r);
                    reports.push(r);
                }
            }
            Err(e) => {
                summary.failed += 1;
                eprintln!("regintake: error: {e:#}");
            }
        }
    }
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    if json {
        let value = serde_json::to_value(&reports).context("cannot write JSON")?;
        writeln!(out, "{}", report::show::json_for_terminal(&value))
            .context("cannot write JSON")?;
    } else {
        for r in &reports {
            print_report(&mut out, r).context("cannot write to stdout")?;
        }
    }
    if !cli.quiet || needs_a_person(&summary) {
        eprintln!(
            "regintake: check: {} documents or messages read, {} records, {} needing review, \
             {} files failed",
            summary.messages_read, summary.records_added, summary.needs_review, summary.failed
        );
    }
    if summary.failed > 0 {
        return Err(RunError::Reported(EXIT_FAILED));
    }
    Ok(None)
}

pub(crate) fn print_report(out: &mut dyn Write, r: &pipeline::CheckReport) -> std::io::Result<()> {
    writeln!(out, "{}", r.file)?;
    if let Some(m) = &r.message {
        writeln!(out, "  message_id: {}", m.message_id)?;
        writeln!(out, "  sender: {}", m.sender)?;
        writeln!(out, "  subject: {}", m.subject)?;
        writeln!(out, "  received_at: {}", m.received_at)?;
    }
    for (i, rec) in r.records.iter().enumerate() {
        writeln!(
            out,
            "  record {}: attachment {:?}, source {}, status {}",
            i + 1,
            rec.attachment,
            rec.source.as_str(),
            rec.status.as_str()
        )?;
        for (name, f) in rec.fields.named() {
            // Where on the page: "page 1 at 289,240" (points from the top-left corner).
            let at = match (f.page, f.at) {
                (Some(page), Some(b)) => format!(", page {page} at {:.0},{:.0}", b[0], b[1]),
                _ => String::new(),
            };
            let raw = match &f.raw {
                Some(raw) => format!(
                    "   ← {raw:?} ({}{at})",
                    f.source.map(|s| s.as_str()).unwrap_or("")
                ),
                None => String::new(),
            };
            writeln!(out, "    {name:<28} {}{raw}", f.value)?;
        }
        let flags: Vec<&str> = rec.flags.iter().map(|f| f.as_str()).collect();
        writeln!(
            out,
            "    flags: {}",
            if flags.is_empty() {
                "(none)".to_string()
            } else {
                flags.join(";")
            }
        )?;
        if !rec.notes.is_empty() {
            writeln!(out, "    notes: {}", rec.notes)?;
        }
        for p in &rec.problems {
            writeln!(out, "    problem: {p}")?;
        }
    }
    Ok(())
}
