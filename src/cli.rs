//! Command-line arguments in → a command run → an exit code out (0 done, 1 failed, 2 usage,
//! 75 ledger locked or kept busy, 77 login refused), with one summary line at the end of every
//! run; with `-q` only when something failed or needs a person.

mod doctor;

use crate::config::Config;
use crate::ledger::{DecideError, ExportFilter, Ledger, LockError, NewDecision, Outcome};
use crate::ledger::{RunLock, Status};
use crate::metrics;
use crate::pipeline::{self, IngestOptions, PassHook, PassOutcome, Pipeline, PollOptions, Summary};
use crate::report;
use crate::source::imap::connect::LoginRefused;
use anyhow::{Context as _, Result, anyhow};
use clap::parser::ValueSource;
use clap::{CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::SystemTime;

pub const EXIT_FAILED: u8 = 1;
pub const EXIT_USAGE: u8 = 2;
pub const EXIT_LOCKED: u8 = 75;
pub const EXIT_REFUSED: u8 = 77;

/// The exit codes, in `--help` and the README alike.
const EXIT_CODES: &str = "\
Exit codes:
  0   done (flagged registrations are results, not errors)
  1   the run failed or did not finish (one line says what and where), or a doctor check failed
  2   usage error (including export --out naming the ledger or one of its files)
  75  another run holds the ledger's lock; nothing was written (cron: try again next time)
  77  the IMAP server refused the credentials; fix the config or the account (not retried)";

#[derive(Debug, Parser)]
#[command(
    name = "regintake",
    version,
    about = "Reads Occupation Coding Service registrations from mail into an append-only ledger",
    after_help = EXIT_CODES
)]
pub struct Cli {
    /// Config file (TOML). Without one, defaults apply and `poll` cannot run.
    #[arg(long, global = true, env = "REGINTAKE_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Ledger database (default: ledger.path from the config, else ./regintake.db).
    #[arg(long, global = true, env = "REGINTAKE_DB", value_name = "FILE")]
    pub db: Option<PathBuf>,
    /// Log lines on stderr as text (for people) or json (one object a line, for journald or a
    /// log collector).
    #[arg(long, global = true, value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,
    /// More log output (-v debug, -vv trace). REGINTAKE_LOG (a tracing filter) overrides.
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    /// Print nothing unless something failed or needs a person (for cron, which mails any
    /// output): errors, and the summary line when the run failed, a message could not be read,
    /// or new records need review.
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Where `--config` and `--db` came from (flag, environment), for `doctor`.
    #[arg(skip)]
    pub sources: ArgSources,
    #[command(subcommand)]
    pub command: Command,
}

/// Where a path given to the program came from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Origin {
    Flag,
    Env,
    #[default]
    Unset,
}

/// The origins of `--config` and `--db`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ArgSources {
    pub config: Origin,
    pub db: Origin,
}

impl Origin {
    fn of(source: Option<ValueSource>) -> Origin {
        match source {
            Some(ValueSource::CommandLine) => Origin::Flag,
            Some(ValueSource::EnvVariable) => Origin::Env,
            _ => Origin::Unset,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Read archived mail into the ledger: an mbox file, a Maildir folder, one .eml file, or a
    /// folder of .eml files. Messages already recorded are skipped.
    Ingest {
        /// Archives to read; each one's kind is detected from its content, not its name.
        #[arg(required = true, value_name = "PATH")]
        paths: Vec<PathBuf>,
        /// Re-read messages already in the ledger and append new revisions of their records
        /// (the old ones stay).
        #[arg(long)]
        reprocess: bool,
    },
    /// Read the IMAP mailbox named in the config's [imap] table into the ledger. Without --once
    /// it runs until stopped (SIGTERM or SIGINT), waiting for new mail with IDLE or every
    /// poll_interval_secs, reconnecting by itself.
    Poll {
        /// One pass over the mailbox, then exit (for cron or a systemd timer).
        #[arg(long)]
        once: bool,
        /// Read the mailbox and print what would be recorded (as `check` does), changing
        /// nothing: no ledger write, no flag, move or draft on the server (the mailbox is
        /// opened read-only). One pass.
        #[arg(long)]
        dry_run: bool,
    },
    /// Write the ledger as a report (CSV, or an Excel workbook).
    Export {
        /// Write the report to this file, atomically (a new file is readable by its owner only;
        /// a replaced one keeps its mode); without it, CSV goes to stdout.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        /// csv (the default) or xlsx (needs --out).
        #[arg(long, value_enum, default_value_t = ReportFormat::Csv)]
        format: ReportFormat,
        /// Only records received on or after this Canberra day (YYYY-MM-DD).
        #[arg(long, value_name = "DATE", value_parser = parse_date)]
        since: Option<chrono::NaiveDate>,
        /// Only records received on or before this Canberra day (YYYY-MM-DD).
        #[arg(long, value_name = "DATE", value_parser = parse_date)]
        until: Option<chrono::NaiveDate>,
        /// Only records with this status: ok (no flag) or needs_review (any flag).
        #[arg(long, value_enum)]
        status: Option<StatusFilter>,
        /// Only records with no decision, or whose latest decision is info_requested, and not
        /// superseded by a later record.
        #[arg(long)]
        open: bool,
        /// Only records with no decision, not superseded, whose due_by is before today in
        /// Canberra.
        #[arg(long)]
        overdue: bool,
        /// Every revision, not only the latest per (message, attachment).
        #[arg(long)]
        all_revisions: bool,
    },
    /// Everything the ledger holds about records: fields with their raw text and where they were
    /// read from, notes, the message, revisions, supersedes, decisions, drafted replies.
    Show {
        /// The records' numbers (the report's record_id column).
        #[arg(required = true, value_name = "RECORD_ID")]
        records: Vec<i64>,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Append a staff decision on records (the latest decision wins).
    Decide {
        /// The records' numbers (the report's record_id column).
        #[arg(required = true, value_name = "RECORD_ID")]
        records: Vec<i64>,
        /// The decision: granted, declined, info_requested or withdrawn.
        #[arg(long, value_enum)]
        outcome: OutcomeArg,
        /// Why, or what was asked for (free text).
        #[arg(
            long,
            value_name = "TEXT",
            default_value = "",
            allow_hyphen_values = true
        )]
        note: String,
        /// Who decided (default: the login name).
        #[arg(long, value_name = "NAME", allow_hyphen_values = true)]
        by: Option<String>,
    },
    /// Read form documents or messages and print what would be recorded (fields, where each
    /// was read from, flags, notes); touches no ledger.
    Check {
        /// Form documents (.pdf, .docx, .odt, .doc, .rtf, an image) or messages (.eml, or an
        /// mbox file: every message in it). A file that cannot be read is named and makes the
        /// exit code 1; the others are still shown.
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
        /// Print JSON (one object per document or message) instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Write the reply to the applicant for this record as an RFC 5322 draft (.eml); nothing is sent.
    Reply {
        /// The record's number (the report's record_id column).
        #[arg(value_name = "RECORD_ID")]
        record_id: i64,
        /// Write here (atomically, 0600) instead of stdout.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// Check the set-up without changing anything: the config (and where each value came
    /// from), the ledger, the IMAP login and mailboxes, OCR, worker isolation, the time zone
    /// and holidays. One line per check; exit 1 when any check failed.
    Doctor,
    /// Internal: read attachments for a parent process over stdin/stdout.
    #[command(hide = true)]
    Worker,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StatusFilter {
    Ok,
    #[value(name = "needs_review")]
    NeedsReview,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    Csv,
    Xlsx,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutcomeArg {
    Granted,
    Declined,
    #[value(name = "info_requested")]
    InfoRequested,
    Withdrawn,
}

impl From<OutcomeArg> for Outcome {
    fn from(o: OutcomeArg) -> Outcome {
        match o {
            OutcomeArg::Granted => Outcome::Granted,
            OutcomeArg::Declined => Outcome::Declined,
            OutcomeArg::InfoRequested => Outcome::InfoRequested,
            OutcomeArg::Withdrawn => Outcome::Withdrawn,
        }
    }
}

fn parse_date(s: &str) -> Result<chrono::NaiveDate, String> {
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|_| format!("{s:?} is not a date (YYYY-MM-DD)"))
}

/// Why a run stopped early, for the exit code.
#[derive(Debug)]
pub enum RunError {
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

/// Parses the command line, keeping where `--config` and `--db` came from.
fn parse_args() -> Result<Cli, clap::Error> {
    let matches = Cli::command().try_get_matches()?;
    let mut cli = Cli::from_arg_matches(&matches)?;
    cli.sources = ArgSources {
        config: Origin::of(matches.value_source("config")),
        db: Origin::of(matches.value_source("db")),
    };
    Ok(cli)
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

fn init_logging(cli: &Cli) {
    use tracing_subscriber::EnvFilter;
    let level = if cli.quiet {
        "error"
    } else {
        match cli.verbose {
            0 => "warn,regintake=info",
            1 => "info,regintake=debug",
            _ => "debug,regintake=trace",
        }
    };
    use tracing_subscriber::layer::SubscriberExt as _;
    use tracing_subscriber::util::SubscriberInitExt as _;
    let filter = EnvFilter::try_from_env("REGINTAKE_LOG").unwrap_or_else(|_| EnvFilter::new(level));
    // Applied whatever REGINTAKE_LOG asks for: some crates log secrets (see `may_log`).
    let no_secrets =
        tracing_subscriber::filter::filter_fn(|meta| crate::source::imap::may_log(meta.target()));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = match cli.log_format {
        LogFormat::Json => builder.json().finish().with(no_secrets).try_init(),
        LogFormat::Text => builder
            .with_ansi(std::io::stderr().is_terminal())
            .finish()
            .with(no_secrets)
            .try_init(),
    };
}

pub(crate) fn load_config(cli: &Cli) -> Result<Config> {
    match &cli.config {
        // A person must see this even with -q: printed, not logged.
        Some(path) => load_checked(path, &mut |warning| {
            eprintln!("regintake: warning: {warning}");
        }),
        None => Ok(Config::default()),
    }
}

/// `Config::load`, then the checks of the stages above `config` that own a key's meaning (the
/// `[replies] from` address is the reply stage's), so a bad value stops every command at start.
pub(crate) fn load_checked(
    path: &std::path::Path,
    warn: &mut dyn FnMut(&crate::config::ConfigWarning),
) -> Result<Config> {
    let config = Config::load(path, warn)?;
    crate::reply::Sender::parse(&config.replies.from)
        .context("replies.from")
        .with_context(|| format!("invalid config file {}", path.display()))?;
    Ok(config)
}

/// The ledger path: `--db`/`REGINTAKE_DB`, else `ledger.path`, else `./regintake.db`.
pub fn db_path(cli: &Cli, config: &Config) -> PathBuf {
    cli.db
        .clone()
        .or_else(|| {
            config
                .ledger
                .path
                .as_ref()
                .map(|p| config.relative_path(&p.to_string_lossy()))
        })
        .unwrap_or_else(|| PathBuf::from("regintake.db"))
}

pub fn context(config: &Config) -> Result<Pipeline> {
    // `on` promises OCR: a run without it would quietly leave every scan unread.
    if config.ocr.enabled == crate::extract::ocr::OcrMode::On
        && let Some(why) = config.ocr.missing()
    {
        anyhow::bail!("ocr.enabled is \"on\" but OCR cannot run: {why}");
    }
    Ok(Pipeline {
        rules: crate::validate::Rules::from_config(config)?,
        limits: config.limits.clone(),
        worker_exe: if config.isolate_attachments {
            std::env::current_exe().ok()
        } else {
            None
        },
        ocr: config.ocr.clone(),
    })
}

/// Takes the one-writer lock, or says why not.
pub fn lock(db: &Path) -> Result<RunLock, RunError> {
    match RunLock::acquire(db) {
        Ok(lock) => Ok(lock),
        Err(LockError::Held) => Err(RunError::Locked(db.to_path_buf())),
        Err(LockError::Io(e)) if e.kind() == std::io::ErrorKind::PermissionDenied => {
            Err(RunError::Failed(anyhow!(
                "cannot lock the ledger {}: this user may not write its lock file {} \
                 (permission denied); run as the user that owns the ledger, or fix the \
                 folder's owner or mode",
                db.display(),
                crate::ledger::lock_path(db)
                    .map(|p| p.display().to_string())
                    .unwrap_or_else(|_| format!("{}.lock", db.display()))
            )))
        }
        Err(LockError::Io(e)) => Err(RunError::Failed(
            anyhow!(e).context(format!("cannot lock the ledger {}", db.display())),
        )),
    }
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
                return poll_dry_run(cli, imap, ctx, &db);
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
                drafts: drafts(&config)?,
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
            let db = db_path(cli, &config);
            if let Some(out) = out {
                check_report_path(&db, out)?;
            } else if *format == ReportFormat::Xlsx {
                return Err(RunError::Usage(
                    "--format xlsx needs --out FILE (a workbook is not written to a terminal)"
                        .into(),
                ));
            }
            let started = SystemTime::now();
            let ledger = Ledger::open_to_read(&db)?;
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
            let result = (|| -> Result<(usize, usize)> {
                let rows = report::rows(&ledger, &filter)?;
                match (format, out) {
                    (ReportFormat::Csv, Some(path)) => {
                        report::write_atomically(path, |w| report::csv::write_csv(w, &rows))?
                    }
                    (ReportFormat::Csv, None) => {
                        let stdout = std::io::stdout();
                        let mut lock = stdout.lock();
                        report::csv::write_csv(&mut lock, &rows)
                            .context("cannot write CSV to stdout")?;
                        lock.flush().context("cannot write CSV to stdout")?;
                    }
                    (ReportFormat::Xlsx, Some(path)) => {
                        let (open, overdue) = report::open_and_overdue(&ledger, &filter)?;
                        let summary = report::xlsx::Summary {
                            written_at: crate::canberra::rfc3339(&chrono::Utc::now()),
                            filters: filter_words(&filter),
                            open,
                            overdue,
                        };
                        report::write_atomically(path, |w| {
                            report::xlsx::write_xlsx(w, &rows, &summary)
                                .map_err(|e| std::io::Error::other(format!("{e:#}")))
                        })?
                    }
                    (ReportFormat::Xlsx, None) => unreachable!("refused above"),
                }
                let review = rows
                    .iter()
                    .filter(|r| r.status == Status::NeedsReview)
                    .count();
                Ok((rows.len(), review))
            })();
            if let Some(file) = &metrics_file {
                let run = metrics::RunReport::ended(
                    "export",
                    started,
                    result.is_ok(),
                    Summary::default(),
                );
                write_metrics(file, &run, Some(&ledger));
            }
            let (rows, review) = result?;
            if !cli.quiet {
                eprintln!("regintake: exported {rows} records ({review} needing review)");
            }
            Ok(None)
        }
        Command::Show { records, json } => {
            let db = db_path(cli, &config);
            let ledger = Ledger::open_to_read(&db)?;
            let mut shown = Vec::new();
            for &id in records {
                let filter = ExportFilter {
                    record: Some(id),
                    ..ExportFilter::default()
                };
                let (Some(row), Some(facts)) = (
                    report::rows(&ledger, &filter)?.pop(),
                    ledger.record_facts(id)?,
                ) else {
                    return Err(
                        anyhow!("there is no record {id} in the ledger {}", db.display()).into(),
                    );
                };
                let (open, overdue) = report::open_and_overdue(&ledger, &filter)?;
                let state = report::show::State {
                    open: open.contains(&id),
                    overdue: overdue.contains(&id),
                };
                shown.push((row, facts, state));
            }
            let stdout = std::io::stdout();
            let mut out = stdout.lock();
            if *json {
                let all: Vec<serde_json::Value> = shown
                    .iter()
                    .map(|(row, facts, state)| report::show::to_json(row, facts, *state))
                    .collect();
                let value = serde_json::Value::Array(all);
                writeln!(out, "{}", report::show::json_for_terminal(&value))
                    .context("cannot write to stdout")?;
            } else {
                for (i, (row, facts, state)) in shown.iter().enumerate() {
                    if i > 0 {
                        writeln!(out).context("cannot write to stdout")?;
                    }
                    write!(out, "{}", report::show::to_text(row, facts, *state))
                        .context("cannot write to stdout")?;
                }
            }
            out.flush().context("cannot write to stdout")?;
            Ok(None)
        }
        Command::Decide {
            records,
            outcome,
            note,
            by,
        } => {
            let by = match by {
                Some(name) if !name.trim().is_empty() => name.trim().to_string(),
                Some(_) => return Err(RunError::Usage("--by needs a name".into())),
                None => login_name().ok_or_else(|| {
                    RunError::Usage("cannot tell your login name: give --by NAME".into())
                })?,
            };
            let db = db_path(cli, &config);
            // No run lock: the poll daemon holds it while it is up (see ledger::decisions).
            let mut ledger = Ledger::open_existing(&db)?;
            let outcome = Outcome::from(*outcome);
            let decisions: Vec<NewDecision> = records
                .iter()
                .map(|&record_id| NewDecision {
                    record_id,
                    outcome,
                    note: note.clone(),
                    by: by.clone(),
                })
                .collect();
            match ledger.decide(&decisions) {
                Ok(_) => {}
                Err(DecideError::UnknownRecord(id)) => {
                    return Err(anyhow!(
                        "there is no record {id} in the ledger {}; no decision was recorded",
                        db.display()
                    )
                    .into());
                }
                Err(DecideError::Busy) => {
                    return Err(RunError::Busy(db, "no decision was recorded".into()));
                }
                Err(DecideError::Failed(e)) => return Err(e.into()),
            }
            if !cli.quiet {
                let ids: Vec<String> = records.iter().map(i64::to_string).collect();
                eprintln!(
                    "regintake: recorded {outcome} by {} for record{} {}",
                    report::show::terminal_safe(&by),
                    if ids.len() == 1 { "" } else { "s" },
                    ids.join(", ")
                );
            }
            Ok(None)
        }
        Command::Reply { record_id, out } => {
            write_reply(cli, &config, *record_id, out.as_deref())?;
            Ok(None)
        }
        Command::Check { files, json } => check(cli, &config, files, *json),
        Command::Doctor => Ok(None),
        Command::Worker => {
            crate::extract::worker::serve(&config.limits)?;
            Ok(None)
        }
    }
}

/// What `poll` needs to draft replies on the server (`[replies] drafts_mailbox`), or `None`.
fn drafts(config: &Config) -> Result<Option<pipeline::Drafts>> {
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
fn write_reply(
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

/// The login name of whoever runs this (for `decide --by`): the session's login name, else
/// the name of the user the process runs as, else `$LOGNAME` / `$USER`.
fn login_name() -> Option<String> {
    #[cfg(unix)]
    {
        // SAFETY: getlogin returns null or a NUL-terminated name in static storage, read at
        // once (this runs on the main thread before any other calls it).
        let login = unsafe { libc::getlogin() };
        if !login.is_null() {
            // SAFETY: see above.
            let name = unsafe { std::ffi::CStr::from_ptr(login) };
            if let Ok(name) = name.to_str()
                && !name.is_empty()
            {
                return Some(name.to_string());
            }
        }
        if let Some(name) = user_name_of(unsafe { libc::geteuid() }) {
            return Some(name);
        }
    }
    ["LOGNAME", "USER"]
        .iter()
        .filter_map(|v| std::env::var(v).ok())
        .find(|n| !n.trim().is_empty())
}

/// The user name of a uid, from the password database.
#[cfg(unix)]
fn user_name_of(uid: libc::uid_t) -> Option<String> {
    let mut pwd: libc::passwd = unsafe { std::mem::zeroed() };
    let mut buf = vec![0 as libc::c_char; 4096];
    let mut result: *mut libc::passwd = std::ptr::null_mut();
    // SAFETY: all pointers are valid for the call; `result` is set to `&pwd` or null.
    let rc = unsafe { libc::getpwuid_r(uid, &mut pwd, buf.as_mut_ptr(), buf.len(), &mut result) };
    if rc != 0 || result.is_null() || pwd.pw_name.is_null() {
        return None;
    }
    // SAFETY: pw_name points into `buf`, NUL-terminated.
    let name = unsafe { std::ffi::CStr::from_ptr(pwd.pw_name) };
    name.to_str()
        .ok()
        .filter(|n| !n.is_empty())
        .map(String::from)
}

/// The filters of a report in words, for the workbook's Summary sheet.
fn filter_words(filter: &ExportFilter) -> String {
    let mut words = Vec::new();
    if filter.open {
        words.push("open".to_string());
    }
    if filter.overdue {
        words.push("overdue".to_string());
    }
    if let Some(status) = filter.status {
        words.push(format!("status {status}"));
    }
    if let Some(since) = filter.since {
        words.push(format!("received on or after {since}"));
    }
    if let Some(until) = filter.until {
        words.push(format!("received on or before {until}"));
    }
    if filter.all_revisions {
        words.push("every revision".to_string());
    }
    words.join(", ")
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

/// `poll --dry-run`: the ledger read-only (or an empty one when it does not exist yet), no
/// lock taken (nothing is written), each message that would be recorded printed as `check`
/// prints it.
fn poll_dry_run(
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
fn check(
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

/// Refuses an `--out` that would replace the ledger or one of its files (by any path or
/// link), or something that is not a regular file (a device, a folder): exit 2.
fn check_report_path(db: &Path, out: &Path) -> Result<(), RunError> {
    if crate::ledger::is_ledger_file(db, out) {
        return Err(RunError::Usage(format!(
            "--out {} is the ledger {} or one of its files; write the report elsewhere",
            out.display(),
            db.display()
        )));
    }
    if std::fs::metadata(out).is_ok_and(|m| !m.is_file()) {
        return Err(RunError::Usage(format!(
            "--out {} exists and is not a regular file",
            out.display()
        )));
    }
    Ok(())
}

fn config_where(config: &Config) -> String {
    config
        .path
        .as_ref()
        .map(|p| format!(" {}", p.display()))
        .unwrap_or_else(|| " (no --config given)".into())
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

/// The progress bar for long archive runs (messages, rate, time left).
pub fn progress_bar() -> indicatif::ProgressBar {
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

    /// Every option and argument of every command says what it is for.
    #[test]
    fn every_option_and_argument_is_described() {
        fn walk(cmd: &clap::Command, path: &str, missing: &mut Vec<String>) {
            if !cmd.is_hide_set() && cmd.get_about().is_none() && !path.is_empty() {
                missing.push(format!("command {path}"));
            }
            for arg in cmd.get_arguments() {
                let id = arg.get_id().as_str();
                if matches!(id, "help" | "version") || arg.is_hide_set() {
                    continue;
                }
                if arg
                    .get_help()
                    .is_none_or(|h| h.to_string().trim().len() < 10)
                {
                    missing.push(format!("{path} {id}"));
                }
            }
            for sub in cmd.get_subcommands() {
                if sub.get_name() != "help" {
                    walk(sub, &format!("{path} {}", sub.get_name()), missing);
                }
            }
        }
        let mut missing = Vec::new();
        walk(&Cli::command(), "", &mut missing);
        assert!(missing.is_empty(), "no help text: {missing:?}");
        let help = Cli::command().render_help().to_string();
        for code in ["0 ", "1 ", "2 ", "75 ", "77 "] {
            assert!(
                help.contains(&format!("\n  {code}")),
                "exit code {code} in --help"
            );
        }
        let poll = Cli::command()
            .find_subcommand_mut("poll")
            .map(|c| c.render_help().to_string())
            .unwrap_or_default();
        assert!(poll.contains("runs until stopped"), "{poll}");
    }

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
