//! Command-line arguments in → a command run → an exit code out (0 done, 1 failed, 2 usage,
//! 75 ledger locked or kept busy, 77 login refused), with one summary line at the end of every
//! run; with `-q` only when something failed or needs a person.
//!
//! Here: the exit codes, the dispatch of a command, `ingest` and `poll`. The arguments are
//! defined in `args`, what every command starts from in `setup`, the other commands in `check`
//! (and `poll --dry-run`), `export` (and `show`), `decide`, `reply`, `doctor`.

mod args;
mod check;
mod decide;
mod doctor;
mod export;
mod reply;
mod setup;

use crate::config::Config;
use crate::ledger::{ExportFilter, Ledger, Status};
use crate::metrics;
use crate::pipeline::{self, IngestOptions, PassHook, PassOutcome, PollOptions, Summary};
use crate::source::imap::connect::LoginRefused;
use anyhow::anyhow;
use args::StatusFilter;
use args::parse_args;
use args::{Cli, Command, LogFormat, Origin, OutcomeArg, ReportFormat};
use setup::{context, db_path, init_logging, load_checked, load_config, lock};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::SystemTime;

pub(crate) const EXIT_FAILED: u8 = 1;
pub(crate) const EXIT_USAGE: u8 = 2;
pub(crate) const EXIT_LOCKED: u8 = 75;
pub(crate) const EXIT_REFUSED: u8 = 77;

/// Why a run stopped early, for the exit code.
#[derive(Debug)]
pub(crate) enum RunError {
    /// Arguments that parse but cannot be carried out (exit 2): the one line to print.
    Usage(String),
    Locked(PathBuf),
    /// Another run kept the ledger's write lock past the busy timeout (exit 75): what was not
    /// done.
    Busy(PathBuf, String),
    Failed(anyhow::Error),
    /// What went wrong was printed already (`doctor`, `check`): only the exit code is left.
    Reported(u8),
}

impl From<anyhow::Error> for RunError {
    fn from(e: anyhow::Error) -> Self {
        RunError::Failed(e)
    }
}

pub fn main() -> ExitCode {
    let cli = match parse_args() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { EXIT_USAGE } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    init_logging(&cli);
    match run(&cli) {
        Ok(summary) => {
            if let Some(summary) = summary
                && (!cli.quiet || needs_a_person(&summary))
            {
                eprintln!("regintake: {summary}");
            }
            ExitCode::SUCCESS
        }
        Err(RunError::Usage(message)) => {
            eprintln!("regintake: {message}");
            ExitCode::from(EXIT_USAGE)
        }
        Err(RunError::Locked(db)) => {
            eprintln!(
                "regintake: another run holds the ledger lock for {}; nothing written",
                db.display()
            );
            ExitCode::from(EXIT_LOCKED)
        }
        Err(RunError::Busy(db, what)) => {
            eprintln!(
                "regintake: another run kept the ledger {} busy for {} s; {what}",
                db.display(),
                crate::ledger::BUSY_TIMEOUT.as_secs()
            );
            ExitCode::from(EXIT_LOCKED)
        }
        Err(RunError::Reported(code)) => ExitCode::from(code),
        Err(RunError::Failed(e)) => {
            // A run that did not finish always says so, and its summary, also with -q.
            match e.downcast_ref::<pipeline::Unfinished>().copied() {
                Some(unfinished) => {
                    match unfinished.signal {
                        Some(signal) => eprintln!("regintake: {}", stopped_by(signal)),
                        None => eprintln!("regintake: error: {}", error_text(&e)),
                    }
                    eprintln!("regintake: {}", unfinished.summary);
                }
                None => eprintln!("regintake: error: {}", error_text(&e)),
            }
            ExitCode::from(exit_code_of(&e))
        }
    }
}

/// 77 when the IMAP server refused the credentials (a typed error from the IMAP layer), else 1.
fn exit_code_of(e: &anyhow::Error) -> u8 {
    if e.chain()
        .any(|c| c.downcast_ref::<LoginRefused>().is_some())
    {
        EXIT_REFUSED
    } else {
        EXIT_FAILED
    }
}

/// Whether a finished run's summary must be shown even with `-q`: a message could not be read,
/// or new records need review.
fn needs_a_person(summary: &Summary) -> bool {
    summary.failed > 0 || summary.needs_review > 0
}

/// What a run stopped by a signal says before its summary line.
fn stopped_by(signal: &str) -> String {
    format!(
        "stopped by {signal}; what was read before it is recorded. Running the same command \
         again is safe: messages already recorded are skipped"
    )
}

/// An error's chain as one line (`{e:#}`), without the `Unfinished` layer that only carries
/// the summary.
fn error_text(e: &anyhow::Error) -> String {
    e.chain()
        .filter(|c| c.downcast_ref::<pipeline::Unfinished>().is_none())
        // The system's words for an I/O error, without Rust's `(os error N)`.
        .map(|c| match c.downcast_ref::<std::io::Error>() {
            Some(io) => crate::source::imap::connect::plain_io_error(io),
            None => c.to_string(),
        })
        .collect::<Vec<_>>()
        .join(": ")
}

fn run(cli: &Cli) -> Result<Option<Summary>, RunError> {
    if let Command::Doctor = cli.command {
        return match doctor::run(cli) {
            true => Ok(None),
            false => Err(RunError::Reported(EXIT_FAILED)),
        };
    }
    let config = load_config(cli)?;
    let metrics_file = config.metrics_file();
    match &cli.command {
        Command::Ingest { paths, reprocess } => {
            let ctx = context(&config)?;
            for p in paths {
                if !p.exists() {
                    return Err(anyhow!("{} does not exist", p.display()).into());
                }
            }
            let db = db_path(cli, &config);
            let _lock = lock(&db)?;
            let started = SystemTime::now();
            let mut ledger = Ledger::open(&db)?;
            let opts = IngestOptions {
                reprocess: *reprocess,
            };
            let bar = (std::io::stderr().is_terminal() && !cli.quiet).then(progress_bar);
            let mut progress = |s: &Summary| {
                if let Some(bar) = &bar {
                    bar.set_position(s.messages_read);
                }
            };
            // SIGINT/SIGTERM: the messages in hand are committed, the summary printed.
            pipeline::stop_on_signals();
            let result = pipeline::ingest(paths, &mut ledger, &ctx, &opts, &mut progress);
            if let Some(bar) = &bar {
                bar.finish_and_clear();
            }
            if let Some(file) = &metrics_file {
                let (success, summary) = match &result {
                    Ok(summary) => (true, *summary),
                    Err(e) => (false, unfinished_summary(e)),
                };
                let run = metrics::RunReport::ended("ingest", started, success, summary);
                write_metrics(file, &run, Some(&ledger));
            }
            let summary = result?;
            tracing::info!(db = %db.display(), "Ingest finished");
            Ok(Some(summary))
        }
        Command::Poll { once, dry_run } => {
            let imap = config
                .imap
                .clone()
                .ok_or_else(|| anyhow!("no [imap] table in the config{}", config_where(&config)))?;
            let ctx = context(&config)?;
            let db = db_path(cli, &config);
            if *dry_run {
                return check::poll_dry_run(cli, imap, ctx, &db);
            }
            let _lock = lock(&db)?;
            let ledger = Ledger::open(&db)?;
            let after_pass = metrics_file.map(|file| -> PassHook<'static> {
                Box::new(move |ledger: &Ledger, pass: &PassOutcome| {
                    let run = metrics::RunReport {
                        command: "poll",
                        success: pass.success,
                        summary: pass.summary,
                        started: pass.started,
                        finished: SystemTime::now(),
                    };
                    write_metrics(&file, &run, Some(ledger));
                })
            });
            let opts = PollOptions {
                once: *once,
                dry_run: None,
                drafts: reply::drafts(&config)?,
                after_pass,
            };
            match pipeline::poll(imap, ledger, ctx, opts) {
                Ok(summary) => Ok(Some(summary)),
                // The daemon's normal way to stop (systemctl stop): exit 0.
                Err(e) if !*once => match e.downcast_ref::<pipeline::Unfinished>() {
                    Some(pipeline::Unfinished {
                        summary,
                        signal: Some(signal),
                    }) => {
                        if !cli.quiet {
                            eprintln!("regintake: {}", stopped_by(signal));
                        }
                        Ok(Some(*summary))
                    }
                    _ => Err(e.into()),
                },
                Err(e) => Err(e.into()),
            }
        }
        Command::Export {
            out,
            format,
            since,
            until,
            status,
            open,
            overdue,
            all_revisions,
        } => {
            let filter = ExportFilter {
                since: *since,
                until: *until,
                status: status.map(|s| match s {
                    StatusFilter::Ok => Status::Ok,
                    StatusFilter::NeedsReview => Status::NeedsReview,
                }),
                all_revisions: *all_revisions,
                open: *open,
                overdue: *overdue,
                ..ExportFilter::default()
            };
            let db = db_path(cli, &config);
            export::export(
                cli,
                &db,
                metrics_file.as_deref(),
                out.as_deref(),
                *format,
                &filter,
            )
        }
        Command::Show { records, json } => {
            export::show(&db_path(cli, &config), records, *json)?;
            Ok(None)
        }
        Command::Decide {
            records,
            outcome,
            note,
            by,
        } => {
            decide::decide(
                cli,
                &db_path(cli, &config),
                records,
                *outcome,
                note,
                by.as_deref(),
            )?;
            Ok(None)
        }
        Command::Reply { record_id, out } => {
            reply::write_reply(cli, &config, *record_id, out.as_deref())?;
            Ok(None)
        }
        Command::Check { files, json } => check::check(cli, &config, files, *json),
        Command::Doctor => Ok(None),
        Command::Worker => {
            crate::extract::worker::serve(&config.limits)?;
            Ok(None)
        }
    }
}

/// The counts of a run that failed (its `Unfinished` context), else none.
fn unfinished_summary(e: &anyhow::Error) -> Summary {
    e.downcast_ref::<pipeline::Unfinished>()
        .map(|u| u.summary)
        .unwrap_or_default()
}

/// Rewrites the metrics file; a failure is printed (also with -q: monitoring is broken) but
/// does not fail the run, whose work is done.
fn write_metrics(file: &Path, run: &metrics::RunReport, ledger: Option<&Ledger>) {
    let worklist = ledger.and_then(|l| match metrics::worklist(l) {
        Ok(w) => Some(w),
        Err(e) => {
            tracing::warn!(
                error = format!("{e:#}"),
                "Cannot count open records for the metrics"
            );
            None
        }
    });
    if let Err(e) = metrics::write(file, run, worklist) {
        eprintln!("regintake: warning: {e:#}");
    }
}

fn config_where(config: &Config) -> String {
    config
        .path
        .as_ref()
        .map(|p| format!(" {}", p.display()))
        .unwrap_or_else(|| " (no --config given)".into())
}

/// The progress bar for long archive runs (messages, rate, time left).
pub(crate) fn progress_bar() -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::new_spinner();
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{spinner} {pos} messages  {per_sec}  {elapsed_precise}",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
    );
    bar.enable_steady_tick(std::time::Duration::from_millis(200));
    bar
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_typed_refusal_exits_77() {
        let refused = LoginRefused {
            server: "h:993".into(),
            mechanism: "LOGIN",
            username: "u".into(),
            code: None,
            text: "no".into(),
        };
        let e = anyhow::Error::new(refused).context(pipeline::Unfinished {
            summary: Summary::default(),
            signal: None,
        });
        assert_eq!(exit_code_of(&e), EXIT_REFUSED);
        // The same words from anything else are a plain failure.
        let words = anyhow!("h:993 refused LOGIN for user \"u\" (NO no)");
        assert_eq!(exit_code_of(&words), EXIT_FAILED);
    }
}
