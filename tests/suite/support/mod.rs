//! Test harnesses shared by the areas of the suite: running the binary and reading its summary
//! line, walking fixture folders, building zips; report CSV reading, a throwaway Dovecot and the
//! proxies in front of it, a hostile IMAP server, the poll invariants, reading replies back with
//! Python, and the notes that say a parser failed.

pub mod csv;
pub mod dovecot;
pub mod failures;
pub mod hostile_imap;
pub mod http;
pub mod imap_proxy;
pub mod invariants;
pub mod measured;
pub mod replies;

use regintake::ledger::{ExportFilter, Ledger};
use regintake::pipeline::Pipeline;
use regintake::report;
use regintake::source::RawMessage;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// The regintake binary Cargo built for these tests.
pub const REGINTAKE: &str = env!("CARGO_BIN_EXE_regintake");

/// `regintake` as a fresh shell would run it: no config, ledger or log format from this
/// process's environment, no systemd notify socket or watchdog, stdin empty.
pub fn bin() -> Command {
    let mut c = Command::new(REGINTAKE);
    for var in [
        "REGINTAKE_CONFIG",
        "REGINTAKE_DB",
        "REGINTAKE_LOG",
        "NOTIFY_SOCKET",
        "WATCHDOG_USEC",
        "WATCHDOG_PID",
    ] {
        c.env_remove(var);
    }
    c.stdin(Stdio::null());
    c
}

/// `regintake --db DB ARGS...`, run to its end.
pub fn run(db: &Path, args: &[&str]) -> Output {
    bin()
        .arg("--db")
        .arg(db)
        .args(args)
        .output()
        .expect("run regintake")
}

/// `regintake --config CONF ARGS...`, run to its end.
pub fn run_config(conf: &Path, args: &[&str]) -> Output {
    bin()
        .arg("--config")
        .arg(conf)
        .args(args)
        .output()
        .expect("run regintake")
}

/// `regintake --config CONF poll --once`, run to its end.
pub fn poll_once(conf: &Path) -> Output {
    run_config(conf, &["poll", "--once"])
}

/// Asserts a run exited 0 (showing what it printed when not) and gives it back.
pub fn ok(out: Output) -> Output {
    assert!(
        out.status.success(),
        "exit {:?}\nstdout: {}\nstderr: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// Runs any program to its end and gives what it printed; panics with its stderr when it fails.
pub fn output_of(command: &mut Command) -> String {
    let out = command.output().unwrap_or_else(|e| {
        panic!("run {:?}: {e}", command.get_program());
    });
    assert!(
        out.status.success(),
        "{:?} {:?} failed ({:?}): {}",
        command.get_program(),
        command.get_args().collect::<Vec<_>>(),
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// What a run wrote to stderr, as text.
pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The numbers of a run's summary line (the last one that says "messages read"): read, added,
/// needing review, skipped as already recorded, failed. Only the text after the last
/// `regintake:` counts, so a log prefix's digits do not.
pub fn summary(stderr: &str) -> [u64; 5] {
    let line = stderr
        .lines()
        .rev()
        .find(|l| l.contains("messages read"))
        .unwrap_or_else(|| panic!("no summary line in:\n{stderr}"));
    let line = line.rsplit("regintake:").next().unwrap_or(line);
    let numbers: Vec<u64> = line
        .split(|c: char| !c.is_ascii_digit())
        .filter_map(|s| s.parse().ok())
        .collect();
    numbers
        .try_into()
        .unwrap_or_else(|numbers| panic!("summary line {line:?} holds {numbers:?}, not 5 numbers"))
}

/// Every record of a ledger, every revision, in record order.
pub fn all_revisions(ledger: &Ledger) -> Vec<report::Row> {
    let filter = ExportFilter {
        all_revisions: true,
        ..Default::default()
    };
    report::rows(ledger, &filter).expect("the ledger's records")
}

/// How many records (every revision) the ledger at `db` holds.
pub fn record_count(db: &Path) -> usize {
    all_revisions(&Ledger::open(db).expect("open the ledger")).len()
}

/// The key the ledger files a message under.
pub fn ledger_key(bytes: &[u8]) -> String {
    let raw = RawMessage {
        bytes: bytes.to_vec(),
        origin: "test".into(),
        internal_date: None,
    };
    Pipeline::default().parse(&raw).key
}

/// Writes a config at `path` (readable by its owner only, as one holding a password should be):
/// the ledger at `ledger`, the `[imap]` table's lines `imap`, then `rest` (more tables); the path.
pub fn write_config(path: &Path, ledger: &Path, imap: &str, rest: &str) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let text = format!(
        "[ledger]\npath = \"{}\"\n\n[imap]\n{imap}\n{rest}\n",
        ledger.display()
    );
    std::fs::write(path, text).expect("write the config");
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).expect("chmod");
    path.to_path_buf()
}

/// Asserts the ledger's own SQL refuses each statement as append-only, on a plain SQLite
/// connection (as any other program could open it).
pub fn assert_refused_as_append_only(conn: &rusqlite::Connection, statements: &[&str]) {
    for sql in statements {
        let err = conn.execute(sql, []).expect_err(sql);
        assert!(err.to_string().contains("append-only"), "{sql}: {err}");
    }
}

/// A path in the repository.
pub fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

/// The files in each of `folders` under `root` (not dot files, not subfolders), sorted; a
/// folder that does not exist adds none.
pub fn files_in(root: &Path, folders: &[&str]) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for folder in folders {
        let Ok(entries) = std::fs::read_dir(root.join(folder)) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let hidden = path
                .file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with('.'));
            if path.is_file() && !hidden {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}
