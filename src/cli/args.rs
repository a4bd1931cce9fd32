//! Command-line words in → `Cli`: the global options, the `Command` with its arguments, and
//! where `--config` and `--db` came from (flag or environment, for `doctor`); `--help` with
//! every option described and the exit codes.

use crate::ledger::Outcome;
use clap::parser::ValueSource;
use clap::{CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

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
pub(crate) struct Cli {
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
pub(crate) enum Origin {
    Flag,
    Env,
    #[default]
    Unset,
}

/// The origins of `--config` and `--db`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct ArgSources {
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
pub(crate) enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
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
pub(crate) enum StatusFilter {
    Ok,
    #[value(name = "needs_review")]
    NeedsReview,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ReportFormat {
    Csv,
    Xlsx,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum OutcomeArg {
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

/// Parses the command line, keeping where `--config` and `--db` came from.
pub(super) fn parse_args() -> Result<Cli, clap::Error> {
    let matches = Cli::command().try_get_matches()?;
    let mut cli = Cli::from_arg_matches(&matches)?;
    cli.sources = ArgSources {
        config: Origin::of(matches.value_source("config")),
        db: Origin::of(matches.value_source("db")),
    };
    Ok(cli)
}

#[cfg(test)]
mod tests {
    use super::Cli;
    use clap::CommandFactory;

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
}
