//! What every command starts from: a `Cli` in → logging set up (text or JSON on stderr,
//! secrets never logged), the config loaded and checked, the ledger's path, the chain
//! configured (`Pipeline`), the ledger's run lock taken or the reason it was not.

use super::{Cli, LogFormat, RunError};
use crate::config::Config;
use crate::ledger::{LockError, RunLock};
use crate::pipeline::Pipeline;
use anyhow::{Context as _, Result, anyhow};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

pub(crate) fn init_logging(cli: &Cli) {
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
pub(crate) fn db_path(cli: &Cli, config: &Config) -> PathBuf {
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

pub(crate) fn context(config: &Config) -> Result<Pipeline> {
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
pub(crate) fn lock(db: &Path) -> Result<RunLock, RunError> {
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
