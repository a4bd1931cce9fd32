//! `decide`: record numbers, an outcome, a note and who decided in → one staff decision per
//! record appended to the ledger (all or none); who decided defaults to the login name.

use super::{Cli, OutcomeArg, RunError};
use crate::ledger::{DecideError, Ledger, NewDecision, Outcome};
use crate::report;
use anyhow::anyhow;
use std::path::Path;

/// Appends `outcome` on each of `records`, by `by` (else the login name).
pub(super) fn decide(
    cli: &Cli,
    db: &Path,
    records: &[i64],
    outcome: OutcomeArg,
    note: &str,
    by: Option<&str>,
) -> Result<(), RunError> {
    let by = match by {
        Some(name) if !name.trim().is_empty() => name.trim().to_string(),
        Some(_) => return Err(RunError::Usage("--by needs a name".into())),
        None => login_name()
            .ok_or_else(|| RunError::Usage("cannot tell your login name: give --by NAME".into()))?,
    };
    // No run lock: the poll daemon holds it while it is up (see ledger::decisions).
    let mut ledger = Ledger::open_existing(db)?;
    let outcome = Outcome::from(outcome);
    let decisions: Vec<NewDecision> = records
        .iter()
        .map(|&record_id| NewDecision {
            record_id,
            outcome,
            note: note.to_string(),
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
            return Err(RunError::Busy(
                db.to_path_buf(),
                "no decision was recorded".into(),
            ));
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
