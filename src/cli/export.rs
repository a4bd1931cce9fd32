//! `export` and `show`: the ledger and a report's filters in → the report (CSV to stdout or a
//! file, or an Excel workbook), written atomically; record numbers in → each record as the
//! ledger holds it, as text or JSON on stdout.

use super::{Cli, ReportFormat, RunError, write_metrics};
use crate::ledger::{ExportFilter, Ledger, Status};
use crate::metrics;
use crate::pipeline::Summary;
use crate::report;
use anyhow::{Context as _, Result, anyhow};
use std::io::Write;
use std::path::Path;
use std::time::SystemTime;

/// `export`: the report of the records `filter` keeps, to `out` or stdout (CSV only); the
/// metrics file, when there is one, says whether it was written.
pub(super) fn export(
    cli: &Cli,
    db: &Path,
    metrics_file: Option<&Path>,
    out: Option<&Path>,
    format: ReportFormat,
    filter: &ExportFilter,
) -> Result<Option<Summary>, RunError> {
    if let Some(out) = out {
        check_report_path(db, out)?;
    } else if format == ReportFormat::Xlsx {
        return Err(RunError::Usage(
            "--format xlsx needs --out FILE (a workbook is not written to a terminal)".into(),
        ));
    }
    let started = SystemTime::now();
    let ledger = Ledger::open_to_read(db)?;
    let result = (|| -> Result<(usize, usize)> {
        let rows = report::rows(&ledger, filter)?;
        match (format, out) {
            (ReportFormat::Csv, Some(path)) => {
                report::write_atomically(path, |w| report::csv::write_csv(w, &rows))?
            }
            (ReportFormat::Csv, None) => {
                let stdout = std::io::stdout();
                let mut lock = stdout.lock();
                report::csv::write_csv(&mut lock, &rows).context("cannot write CSV to stdout")?;
                lock.flush().context("cannot write CSV to stdout")?;
            }
            (ReportFormat::Xlsx, Some(path)) => {
                let (open, overdue) = report::open_and_overdue(&ledger, filter)?;
                let summary = report::xlsx::Summary {
                    written_at: crate::canberra::rfc3339(&chrono::Utc::now()),
                    filters: filter_words(filter),
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
    if let Some(file) = metrics_file {
        let run = metrics::RunReport::ended("export", started, result.is_ok(), Summary::default());
        write_metrics(file, &run, Some(&ledger));
    }
    let (rows, review) = result?;
    if !cli.quiet {
        eprintln!("regintake: exported {rows} records ({review} needing review)");
    }
    Ok(None)
}

/// `show`: each record as text (or JSON), from its report row and what the ledger holds about
/// it; a record number the ledger does not have fails the run before anything is printed.
pub(super) fn show(db: &Path, records: &[i64], json: bool) -> Result<(), RunError> {
    let ledger = Ledger::open_to_read(db)?;
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
            return Err(anyhow!("there is no record {id} in the ledger {}", db.display()).into());
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
    if json {
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
    Ok(())
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

/// Refuses an `--out` that would replace the ledger or one of its files (by any path or
/// link), or something that is not a regular file (a device, a folder): exit 2.
pub(super) fn check_report_path(db: &Path, out: &Path) -> Result<(), RunError> {
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
