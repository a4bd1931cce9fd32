//! `doctor`: the command line and config in → one line per check of the set-up out (`ok`, `warn`
//! or `FAIL`, what was checked, where, and what to do), exit 1 when any check failed.
//!
//! Checks, in order: the config (and where each value came from), the ledger (opens, lock free,
//! `quick_check`, schema version, writable), the IMAP account (`source::imap::probe`), OCR,
//! worker isolation (a worker reads a small form made here), the time zone data, the holidays
//! of this year and next, the metrics file. Nothing is changed: no ledger is created or
//! migrated, the lock is only probed, the mailbox is opened read-only and no folder is created.

mod clock;
mod files;
mod readers;

use super::{Cli, Origin, context, db_path};
use crate::config::Config;
use crate::source::imap::{Finding, Verdict};
use clock::{check_holidays, check_time_zone};
use files::{check_ledger, check_metrics};
use readers::{check_ocr, check_worker};
use std::io::Write;
use std::time::Duration;

/// Longest wait for one IMAP answer during `doctor` (a wrong port must not hang it for the
/// config's `timeout_secs`, two minutes by default).
const IMAP_TIMEOUT: Duration = Duration::from_secs(20);

/// Runs every check and prints its line; true when none failed.
pub(super) fn run(cli: &Cli) -> bool {
    let mut report = Report::new(cli.quiet);
    let config = check_config(cli, &mut report);
    let config_ok = config.is_some();
    let config = config.unwrap_or_default();
    let db = db_path(cli, &config);
    let ledger = check_ledger(cli, &config, &db, &mut report);
    match (&config.imap, config_ok) {
        (Some(imap), true) => {
            // No ledger file yet (or one that failed its checks): nothing recorded yet.
            let ledger = ledger.flatten();
            let saved = |account: &str, mailbox: &str, uidvalidity: u32| {
                ledger
                    .as_ref()
                    .and_then(|l| l.mailbox_state(account, mailbox).ok().flatten())
                    .filter(|s| s.uidvalidity == uidvalidity)
                    .map(|s| s.last_uid)
                    .unwrap_or(0)
            };
            let timeout = IMAP_TIMEOUT.min(Duration::from_secs(imap.timeout_secs.max(1)));
            let drafts = Some(config.replies.drafts_mailbox.trim()).filter(|m| !m.is_empty());
            for finding in crate::source::imap::probe(imap, timeout, &saved, drafts) {
                report.add(finding);
            }
        }
        (None, true) => report.warn(
            "imap",
            format!(
                "no [imap] table in the config{}: `poll` cannot run (ingest, export and check can)",
                config
                    .path
                    .as_ref()
                    .map(|p| format!(" {}", p.display()))
                    .unwrap_or_default()
            ),
        ),
        (_, false) => {}
    }
    check_ocr(&config, &mut report);
    check_worker(&config, &mut report);
    check_time_zone(&mut report);
    check_holidays(&config, &mut report);
    check_metrics(&config, &mut report);
    report.finish()
}

/// The lines printed so far and how many failed.
struct Report {
    quiet: bool,
    checks: usize,
    failed: usize,
    warned: usize,
}

impl Report {
    fn new(quiet: bool) -> Report {
        Report {
            quiet,
            checks: 0,
            failed: 0,
            warned: 0,
        }
    }

    fn add(&mut self, finding: Finding) {
        self.checks += 1;
        let label = match finding.verdict {
            Verdict::Ok => "ok",
            Verdict::Warn => {
                self.warned += 1;
                "warn"
            }
            Verdict::Fail => {
                self.failed += 1;
                "FAIL"
            }
        };
        if self.quiet && finding.verdict == Verdict::Ok {
            return;
        }
        let line = format!("{label:<4} {}: {}", finding.what, one_line(&finding.text));
        let stdout = std::io::stdout();
        let mut out = stdout.lock();
        let _ = writeln!(out, "{line}").and_then(|()| out.flush());
    }

    fn ok(&mut self, what: &str, text: impl Into<String>) {
        self.add(Finding::new(Verdict::Ok, what, text));
    }

    fn warn(&mut self, what: &str, text: impl Into<String>) {
        self.add(Finding::new(Verdict::Warn, what, text));
    }

    fn fail(&mut self, what: &str, text: impl Into<String>) {
        self.add(Finding::new(Verdict::Fail, what, text));
    }

    /// A value of the config and where it came from, under the config line.
    fn value(&self, key: &str, value: &str, origin: &str) {
        if !self.quiet {
            println!("       {key} = {value}  ({origin})");
        }
    }

    fn finish(self) -> bool {
        if !self.quiet || self.failed > 0 {
            println!(
                "doctor: {} checks, {} failed, {} warnings{}",
                self.checks,
                self.failed,
                self.warned,
                if self.failed > 0 {
                    ""
                } else {
                    "; nothing was changed"
                }
            );
        }
        self.failed == 0
    }
}

/// Text as one line (an error chain never holds a line break, but server text might).
fn one_line(text: &str) -> String {
    text.split(['\r', '\n'])
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

fn origin_of_path(origin: Origin, flag: &str, env: &str) -> String {
    match origin {
        Origin::Flag => format!("from {flag}"),
        Origin::Env => format!("from {env}"),
        Origin::Unset => "not given".into(),
    }
}

/// Loads the config and lists the values that matter with where each came from.
fn check_config(cli: &Cli, report: &mut Report) -> Option<Config> {
    let Some(path) = &cli.config else {
        report.warn(
            "config",
            "no config file given (--config FILE or REGINTAKE_CONFIG): defaults apply, and \
             `poll` cannot run without an [imap] table",
        );
        return Some(Config::default());
    };
    let mut warnings = Vec::new();
    let config = match super::load_checked(path, &mut |w| warnings.push(w.to_string())) {
        Ok(c) => c,
        Err(e) => {
            for w in warnings {
                report.warn("config", w);
            }
            report.fail("config", format!("{e:#}"));
            return None;
        }
    };
    report.ok(
        "config",
        format!(
            "{} ({}) is valid",
            path.display(),
            origin_of_path(cli.sources.config, "--config", "REGINTAKE_CONFIG")
        ),
    );
    let table: toml::Table = std::fs::read_to_string(path)
        .ok()
        .and_then(|t| t.parse().ok())
        .unwrap_or_default();
    let in_file = |key: &str| {
        let mut parts = key.split('.');
        let first = parts.next().unwrap_or("");
        let mut value = table.get(first);
        for part in parts {
            value = value.and_then(|v| v.get(part));
        }
        if value.is_some() { "file" } else { "default" }
    };
    let show = |key: &str, value: String| report.value(key, &value, in_file(key));
    show(
        "ledger.path",
        config
            .ledger
            .path
            .as_ref()
            .map(|p| format!("{:?}", p.display().to_string()))
            .unwrap_or_else(|| "(not set)".into()),
    );
    if let Some(imap) = &config.imap {
        show("imap.host", format!("{:?}", imap.host));
        show("imap.port", imap.port.to_string());
        show(
            "imap.tls",
            format!("{:?}", format!("{:?}", imap.tls).to_lowercase()),
        );
        show("imap.username", format!("{:?}", imap.username));
        for (key, set) in [
            ("imap.password", imap.password.is_some()),
            ("imap.password_command", imap.password_command.is_some()),
            (
                "imap.oauth2_token_command",
                imap.oauth2_token_command.is_some(),
            ),
        ] {
            if set {
                show(key, "(set; not shown)".into());
            }
        }
        if let Some(ca) = &imap.ca_file {
            show("imap.ca_file", format!("{:?}", ca.display().to_string()));
        }
        show("imap.mailbox", format!("{:?}", imap.mailbox));
        show(
            "imap.processed_mailbox",
            format!("{:?}", imap.processed_mailbox),
        );
        show(
            "imap.no_form_action",
            format!("{:?}", format!("{:?}", imap.no_form_action).to_lowercase()),
        );
        show("imap.idle", imap.idle.to_string());
        show(
            "imap.poll_interval_secs",
            imap.poll_interval_secs.to_string(),
        );
        show("imap.timeout_secs", imap.timeout_secs.to_string());
    }
    show(
        "isolate_attachments",
        config.isolate_attachments.to_string(),
    );
    show(
        "limits.worker_memory_bytes",
        config.limits.worker_memory_bytes.to_string(),
    );
    show(
        "limits.max_message_bytes",
        config.limits.max_message_bytes.to_string(),
    );
    show(
        "rules.extra_holidays",
        format!("{} days", config.rules.extra_holidays.len()),
    );
    show(
        "replies.drafts_mailbox",
        format!("{:?}", config.replies.drafts_mailbox),
    );
    show("metrics.textfile", format!("{:?}", config.metrics.textfile));
    for w in warnings {
        report.warn("config", w);
    }
    Some(config)
}
