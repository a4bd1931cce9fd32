//! The files `doctor` checks: the ledger (it opens, its lock is free, `quick_check`, its schema
//! version, its folder writable) and the metrics file's folder, each in → a line of the report.
//! Nothing is created, migrated or locked.

use super::{Cli, Origin, Report};
use crate::config::Config;
use crate::ledger::Ledger;
use std::path::{Path, PathBuf};

/// The ledger file, opened read-only: identity, integrity, schema version, lock, write access.
/// Returns it (read-only) for the IMAP check's saved progress; `None` when there is none.
pub(super) fn check_ledger(
    cli: &Cli,
    config: &Config,
    db: &Path,
    report: &mut Report,
) -> Option<Option<Ledger>> {
    let origin = match cli.sources.db {
        Origin::Flag => "from --db".to_string(),
        Origin::Env => "from REGINTAKE_DB".to_string(),
        Origin::Unset if config.ledger.path.is_some() => "ledger.path in the config".to_string(),
        Origin::Unset => "the default, in the current folder".to_string(),
    };
    let at = format!("{} ({origin})", db.display());
    let user = user_name();
    let ledger = match Ledger::open_unchanged(db) {
        Ok(Some(ledger)) => ledger,
        Ok(None) => {
            let folder = folder_of(db);
            if !folder.is_dir() {
                report.fail(
                    "ledger",
                    format!(
                        "{at} does not exist and its folder {} is missing: create the folder \
                         (the systemd units' StateDirectory= does) or fix the path",
                        folder.display()
                    ),
                );
            } else if !writable(&folder) {
                report.fail(
                    "ledger",
                    format!(
                        "{at} does not exist and user {user} cannot create it: the folder {} \
                         is not writable by {user}; run doctor as the user that runs regintake, \
                         or fix the folder's owner or mode",
                        folder.display()
                    ),
                );
            } else {
                report.warn(
                    "ledger",
                    format!("{at} does not exist yet; the first ingest or poll creates it"),
                );
            }
            return Some(None);
        }
        Err(e) => {
            let folder = folder_of(&std::fs::canonicalize(db).unwrap_or_else(|_| db.to_path_buf()));
            if !writable(db) || !writable(&folder) {
                // SQLite could not even read it (its journal files need the folder).
                report.fail(
                    "ledger writable",
                    format!(
                        "user {user} cannot write {at} or its folder {} ({e:#}): run doctor as \
                         the user that runs regintake (sudo -u regintake regintake doctor ...), \
                         or fix the owner or mode",
                        folder.display()
                    ),
                );
            } else {
                report.fail("ledger", format!("{e:#}"));
            }
            return None;
        }
    };
    if let Err(damage) = ledger.quick_check() {
        report.fail(
            "ledger",
            format!("{at} is damaged ({damage}): restore it from a backup"),
        );
        return None;
    }
    let messages = ledger
        .keys()
        .map(|k| format!("{} messages recorded", k.len()))
        .unwrap_or_else(|e| format!("cannot count its messages ({e:#})"));
    match ledger.schema_version() {
        Ok(v) if v.found > v.latest => report.fail(
            "ledger",
            format!(
                "{at} has schema version {}, newer than this regintake knows ({}): install a \
                 newer regintake",
                v.found, v.latest
            ),
        ),
        Ok(v) if v.found < v.latest => report.ok(
            "ledger",
            format!(
                "{at}: {messages}, quick_check ok, schema version {} (the next run migrates it \
                 to {})",
                v.found, v.latest
            ),
        ),
        Ok(v) => report.ok(
            "ledger",
            format!(
                "{at}: {messages}, quick_check ok, schema version {} (current)",
                v.found
            ),
        ),
        Err(e) => report.fail("ledger", format!("{e:#}")),
    }
    check_lock(db, report);
    let real = std::fs::canonicalize(db).unwrap_or_else(|_| db.to_path_buf());
    let folder = folder_of(&real);
    let mut unwritable: Vec<String> = Vec::new();
    let mut names: Vec<PathBuf> = vec![real.clone()];
    for suffix in ["-wal", "-shm"] {
        let mut name = real.clone().into_os_string();
        name.push(suffix);
        let name = PathBuf::from(name);
        if name.exists() {
            names.push(name);
        }
    }
    for name in &names {
        if !writable(name) {
            unwritable.push(name.display().to_string());
        }
    }
    // SQLite makes its -wal and -shm files (and the lock file is made) beside the ledger.
    if !writable(&folder) {
        unwritable.push(format!("the folder {}", folder.display()));
    }
    if unwritable.is_empty() {
        report.ok("ledger writable", format!("by user {user}"));
    } else {
        report.fail(
            "ledger writable",
            format!(
                "user {user} cannot write {}: runs as {user} cannot record anything; run doctor \
                 as the user that runs regintake (sudo -u regintake regintake doctor ...), or \
                 fix the owner or mode",
                unwritable.join(", ")
            ),
        );
    }
    Some(Some(ledger))
}

/// Whether another run holds the ledger's lock, by trying it for an instant. A missing lock
/// file is not created: then no run holds it.
fn check_lock(db: &Path, report: &mut Report) {
    let Ok(path) = crate::ledger::lock_path(db) else {
        return;
    };
    let file = match std::fs::File::open(&path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            report.ok("ledger lock", "free");
            return;
        }
        Err(e) => {
            report.warn(
                "ledger lock",
                format!("cannot open {} to test it: {e}", path.display()),
            );
            return;
        }
    };
    match file.try_lock() {
        Ok(()) => {
            let _ = file.unlock();
            report.ok("ledger lock", "free");
        }
        Err(std::fs::TryLockError::WouldBlock) => report.warn(
            "ledger lock",
            format!(
                "another run holds {} (the poll daemon, or an ingest or poll --once still \
                 running): a run started now would exit 75",
                path.display()
            ),
        ),
        Err(std::fs::TryLockError::Error(e)) => report.warn(
            "ledger lock",
            format!("cannot test {}: {e}", path.display()),
        ),
    }
}

fn folder_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Whether this process (its effective user and groups) may write `path`.
fn writable(path: &Path) -> bool {
    use std::os::unix::ffi::OsStrExt;
    let Ok(c) = std::ffi::CString::new(path.as_os_str().as_bytes()) else {
        return false;
    };
    // SAFETY: a valid NUL-terminated path; faccessat only reads it.
    unsafe { libc::faccessat(libc::AT_FDCWD, c.as_ptr(), libc::W_OK, libc::AT_EACCESS) == 0 }
}

/// The effective user's name (its number when it has none).
fn user_name() -> String {
    // SAFETY: geteuid has no preconditions; getpwuid_r writes only into the buffers given.
    unsafe {
        let uid = libc::geteuid();
        let mut pwd: libc::passwd = std::mem::zeroed();
        let mut buf = vec![0 as libc::c_char; 4096];
        let mut result: *mut libc::passwd = std::ptr::null_mut();
        if libc::getpwuid_r(uid, &mut pwd, buf.as_mut_ptr(), buf.len(), &mut result) == 0
            && !result.is_null()
            && !pwd.pw_name.is_null()
        {
            return std::ffi::CStr::from_ptr(pwd.pw_name)
                .to_string_lossy()
                .into_owned();
        }
        format!("uid {uid}")
    }
}

/// The metrics file's folder exists and is writable (the file is replaced by a rename there).
pub(super) fn check_metrics(config: &Config, report: &mut Report) {
    let Some(file) = config.metrics_file() else {
        return;
    };
    let folder = folder_of(&file);
    if !folder.is_dir() {
        report.fail(
            "metrics",
            format!(
                "the folder of metrics.textfile {} does not exist: create it (node_exporter's \
                 textfile directory) or fix the path",
                file.display()
            ),
        );
    } else if !writable(&folder) {
        report.fail(
            "metrics",
            format!(
                "user {} cannot write in {}, where metrics.textfile {} is replaced: fix the \
                 folder's owner or mode",
                user_name(),
                folder.display(),
                file.display()
            ),
        );
    } else {
        report.ok("metrics", format!("{} can be written", file.display()));
    }
}
