//! A finished run (command, success, counts) and the ledger's worklist in → the `[metrics]
//! textfile` out: Prometheus text format, replaced atomically (a temporary file beside it,
//! synced, renamed), for node_exporter's textfile collector.
//!
//! Each command keeps its own samples (label `command`): an `export` does not hide that `poll`
//! stopped running, so `time() - regintake_last_run_timestamp_seconds{command="poll"}` can be
//! alerted on. The samples of the other commands are carried over from the file being
//! replaced, as is this command's last success time when the run failed.

use crate::ledger::Ledger;
use crate::pipeline::Summary;
use anyhow::{Context as _, Result, anyhow};
use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::Path;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// What a command run (or one `poll` pass) did.
#[derive(Debug, Clone, Copy)]
pub struct RunReport {
    /// `ingest`, `poll` or `export`.
    pub command: &'static str,
    pub success: bool,
    pub summary: Summary,
    pub started: SystemTime,
    pub finished: SystemTime,
}

impl RunReport {
    /// A run that started at `started` and ends now.
    pub fn ended(
        command: &'static str,
        started: SystemTime,
        success: bool,
        summary: Summary,
    ) -> RunReport {
        RunReport {
            command,
            success,
            summary,
            started,
            finished: SystemTime::now(),
        }
    }
}

/// The records staff still have to answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Worklist {
    pub open: u64,
    pub overdue: u64,
}

/// Counts the open and overdue records as `export --open` and `export --overdue` select them.
pub fn worklist(ledger: &Ledger) -> Result<Worklist> {
    let (open, overdue) =
        crate::report::open_and_overdue(ledger, &crate::ledger::ExportFilter::default())?;
    Ok(Worklist {
        open: open.len() as u64,
        overdue: overdue.len() as u64,
    })
}

/// One metric family: name, help, and whether it has a sample per command.
struct Family {
    name: &'static str,
    help: &'static str,
    per_command: bool,
}

const FAMILIES: &[Family] = &[
    Family {
        name: "regintake_last_run_timestamp_seconds",
        help: "When the last run of the command ended (Unix time).",
        per_command: true,
    },
    Family {
        name: "regintake_last_run_success",
        help: "1 when the last run of the command finished, 0 when it failed or was stopped.",
        per_command: true,
    },
    Family {
        name: "regintake_last_run_duration_seconds",
        help: "How long the last run of the command took.",
        per_command: true,
    },
    Family {
        name: "regintake_last_run_messages_read",
        help: "Messages the last run of the command read.",
        per_command: true,
    },
    Family {
        name: "regintake_last_run_records_added",
        help: "Records the last run of the command added to the ledger.",
        per_command: true,
    },
    Family {
        name: "regintake_last_run_needs_review",
        help: "Records the last run of the command added that need review.",
        per_command: true,
    },
    Family {
        name: "regintake_last_run_skipped",
        help: "Messages the last run of the command skipped as already recorded.",
        per_command: true,
    },
    Family {
        name: "regintake_last_run_failed",
        help: "Messages the last run of the command failed to read.",
        per_command: true,
    },
    Family {
        name: "regintake_last_success_timestamp_seconds",
        help: "When a run of the command last finished successfully (Unix time).",
        per_command: true,
    },
    Family {
        name: "regintake_records_open",
        help: "Records with no decision (or more information requested), not superseded (export --open).",
        per_command: false,
    },
    Family {
        name: "regintake_records_overdue",
        help: "Records with no decision, not superseded, due before today in Canberra (export --overdue).",
        per_command: false,
    },
];

/// Samples by family name, then by command (`""` for families without one).
type Samples = BTreeMap<&'static str, BTreeMap<String, f64>>;

/// Rewrites the metrics file at `path` with this run (and `worklist` when the ledger could be
/// counted), keeping the other commands' samples from the file it replaces.
pub fn write(path: &Path, run: &RunReport, worklist: Option<Worklist>) -> Result<()> {
    let previous = std::fs::read_to_string(path).unwrap_or_default();
    let mut samples = read_samples(&previous);
    let command = run.command.to_string();
    let seconds = |t: SystemTime| {
        t.duration_since(UNIX_EPOCH)
            .unwrap_or(Duration::ZERO)
            .as_secs_f64()
    };
    let mut set = |name: &'static str, value: f64| {
        samples
            .entry(name)
            .or_default()
            .insert(command.clone(), value);
    };
    let finished = seconds(run.finished);
    set("regintake_last_run_timestamp_seconds", finished.floor());
    set(
        "regintake_last_run_success",
        if run.success { 1.0 } else { 0.0 },
    );
    set(
        "regintake_last_run_duration_seconds",
        run.finished
            .duration_since(run.started)
            .unwrap_or(Duration::ZERO)
            .as_secs_f64(),
    );
    let s = run.summary;
    set("regintake_last_run_messages_read", s.messages_read as f64);
    set("regintake_last_run_records_added", s.records_added as f64);
    set("regintake_last_run_needs_review", s.needs_review as f64);
    set("regintake_last_run_skipped", s.skipped as f64);
    set("regintake_last_run_failed", s.failed as f64);
    if run.success {
        set("regintake_last_success_timestamp_seconds", finished.floor());
    }
    for name in ["regintake_records_open", "regintake_records_overdue"] {
        samples.remove(name);
    }
    if let Some(w) = worklist {
        let mut put = |name: &'static str, value: u64| {
            samples
                .entry(name)
                .or_default()
                .insert(String::new(), value as f64);
        };
        put("regintake_records_open", w.open);
        put("regintake_records_overdue", w.overdue);
    }
    replace(path, render(&samples).as_bytes())
        .with_context(|| format!("cannot write the metrics file {}", path.display()))
}

/// The samples of a file this module wrote (lines it does not know are dropped).
fn read_samples(text: &str) -> Samples {
    let mut samples = Samples::new();
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let Some((series, value)) = line.rsplit_once(' ') else {
            continue;
        };
        let Ok(value) = value.parse::<f64>() else {
            continue;
        };
        let (name, command) = match series.split_once('{') {
            Some((name, labels)) => {
                let Some(command) = labels
                    .strip_prefix("command=\"")
                    .and_then(|l| l.strip_suffix("\"}"))
                else {
                    continue;
                };
                (name, command.to_string())
            }
            None => (series, String::new()),
        };
        let Some(family) = FAMILIES.iter().find(|f| f.name == name) else {
            continue;
        };
        // Only command names this program writes: nothing from the file reaches a label
        // unchecked.
        if family.per_command == command.is_empty()
            || !command.bytes().all(|b| b.is_ascii_lowercase())
        {
            continue;
        }
        samples
            .entry(family.name)
            .or_default()
            .insert(command, value);
    }
    samples
}

/// The Prometheus text exposition of `samples`: HELP and TYPE for each family that has any.
fn render(samples: &Samples) -> String {
    let mut out = String::new();
    for family in FAMILIES {
        let Some(values) = samples.get(family.name).filter(|v| !v.is_empty()) else {
            continue;
        };
        out.push_str(&format!("# HELP {} {}\n", family.name, family.help));
        out.push_str(&format!("# TYPE {} gauge\n", family.name));
        for (command, value) in values {
            if family.per_command {
                out.push_str(&format!(
                    "{}{{command=\"{command}\"}} {value}\n",
                    family.name
                ));
            } else {
                out.push_str(&format!("{} {value}\n", family.name));
            }
        }
    }
    out
}

/// Replaces `path` with `bytes`: a temporary file in the same folder (mode 0644: the collector
/// runs as another user, and the file holds only counts), synced, renamed over it.
fn replace(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .ok_or_else(|| anyhow!("{} is not a file path", path.display()))?;
    let mut tmp = tempfile::Builder::new()
        .prefix(&format!(".{}.", name.to_string_lossy()))
        .suffix(".tmp")
        .tempfile_in(dir)
        .with_context(|| format!("cannot create a temporary file in {}", dir.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(0o644))?;
    }
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(command: &'static str, success: bool, read: u64) -> RunReport {
        RunReport {
            command,
            success,
            summary: Summary {
                messages_read: read,
                ..Summary::default()
            },
            started: UNIX_EPOCH + Duration::from_secs(1_000),
            finished: UNIX_EPOCH + Duration::from_secs(1_002),
        }
    }

    #[test]
    fn each_command_keeps_its_own_samples_and_its_last_success() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("regintake.prom");
        let counts = Worklist {
            open: 3,
            overdue: 1,
        };
        write(&path, &report("poll", true, 5), Some(counts)).unwrap();
        write(&path, &report("export", true, 0), Some(counts)).unwrap();
        write(&path, &report("poll", false, 2), None).unwrap();
        let samples = read_samples(&std::fs::read_to_string(&path).unwrap());
        let get = |name: &str, command: &str| samples[name].get(command).copied();
        assert_eq!(get("regintake_last_run_messages_read", "poll"), Some(2.0));
        assert_eq!(get("regintake_last_run_messages_read", "export"), Some(0.0));
        assert_eq!(get("regintake_last_run_success", "poll"), Some(0.0));
        assert_eq!(get("regintake_last_run_success", "export"), Some(1.0));
        // The failed pass keeps the time of the last good one.
        assert_eq!(
            get("regintake_last_success_timestamp_seconds", "poll"),
            Some(1_002.0)
        );
        assert_eq!(
            get("regintake_last_run_duration_seconds", "poll"),
            Some(2.0)
        );
        // Not counted this time: left out rather than stale.
        assert!(!samples.contains_key("regintake_records_open"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o644);
        }
    }

    #[test]
    fn foreign_lines_in_the_old_file_are_dropped() {
        let samples = read_samples(
            "# HELP x y\nregintake_last_run_success{command=\"poll\"} 1\n\
             regintake_last_run_success{command=\"p\\\"oll\"} 1\n\
             regintake_records_open{command=\"poll\"} 4\nother_metric 5\ngarbage\n",
        );
        assert_eq!(samples.len(), 1);
        assert_eq!(samples["regintake_last_run_success"].len(), 1);
    }
}
