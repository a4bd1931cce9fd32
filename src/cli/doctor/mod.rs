//! `doctor`: the command line and config in → one line per check of the set-up out (`ok`, `warn`
//! or `FAIL`, what was checked, where, and what to do), exit 1 when any check failed.
//!
//! Checks, in order: the config (and where each value came from), the ledger (opens, lock free,
//! `quick_check`, schema version, writable), the IMAP account (`source::imap::probe`), OCR,
//! worker isolation (a worker reads a small form made here), the time zone data, the holidays
//! of this year and next, the metrics file. Nothing is changed: no ledger is created or
//! migrated, the lock is only probed, the mailbox is opened read-only and no folder is created.

use super::{Cli, Origin, context, db_path};
use crate::config::Config;
use crate::ledger::Ledger;
use crate::source::imap::{Finding, Verdict};
use chrono::{Datelike, NaiveDate, Offset, TimeZone, Timelike, Utc};
use std::io::Write;
use std::path::{Path, PathBuf};
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

/// The ledger file, opened read-only: identity, integrity, schema version, lock, write access.
/// Returns it (read-only) for the IMAP check's saved progress; `None` when there is none.
fn check_ledger(
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

/// Whether scans and photos are read: Tesseract and the `[ocr]` languages, as the run will see them.
fn check_ocr(config: &Config, report: &mut Report) {
    use crate::config::OcrMode;
    use crate::extract::ocr::{Availability, availability};
    let settings = &config.ocr;
    if settings.enabled == OcrMode::Off {
        report.ok(
            "ocr",
            "off ([ocr] enabled = \"off\"): scanned forms are recorded scanned_without_text",
        );
        return;
    }
    match (settings.missing(), availability()) {
        (None, Availability::Available { version, .. }) => report.ok(
            "ocr",
            format!(
                "{version}, languages {}: scans and photos of forms are read",
                settings.languages
            ),
        ),
        (None, Availability::Missing { reason }) => report.warn("ocr", reason),
        (Some(why), _) if settings.enabled == OcrMode::On => report.fail(
            "ocr",
            format!("{why}; [ocr] enabled = \"on\" stops every run until it is installed"),
        ),
        (Some(why), _) => report.warn(
            "ocr",
            format!("{why}: scanned forms are recorded scanned_without_text (enabled = \"auto\")"),
        ),
    }
}

/// A worker process reads a small registration form made here: isolation works end to end.
fn check_worker(config: &Config, report: &mut Report) {
    if !config.isolate_attachments {
        report.warn(
            "worker isolation",
            "off (isolate_attachments = false): attachments are read inside the main process, \
             so a hostile one can crash or exhaust the run; remove the setting",
        );
        return;
    }
    let ctx = match context(config) {
        Ok(ctx) => ctx,
        Err(e) => {
            report.fail("worker isolation", format!("{e:#}"));
            return;
        }
    };
    let Some(exe) = ctx.worker_exe.clone() else {
        report.fail(
            "worker isolation",
            "cannot find this program's own path to start a worker from",
        );
        return;
    };
    let form = match sample_form() {
        Ok(bytes) => bytes,
        Err(e) => {
            report.fail(
                "worker isolation",
                format!("cannot make the sample form: {e}"),
            );
            return;
        }
    };
    let started = std::time::Instant::now();
    let records = ctx.process_document("doctor-sample.docx", form);
    let record = records.first();
    let name = record.map(|r| r.fields.full_name.as_str()).unwrap_or("");
    if name == SAMPLE_NAME {
        report.ok(
            "worker isolation",
            format!(
                "a worker ({} worker) read a sample form in {} ms (memory limit {} MiB)",
                exe.display(),
                started.elapsed().as_millis(),
                config.limits.worker_memory_bytes >> 20
            ),
        );
    } else {
        let why = record
            .and_then(|r| r.detail.notes.first())
            .map(String::as_str)
            .unwrap_or("the form's answers were not found");
        report.fail(
            "worker isolation",
            format!(
                "a worker ({} worker) could not read a sample form: {why}; check \
                 limits.worker_memory_bytes and attachment_deadline_ms, and that {} runs",
                exe.display(),
                exe.display()
            ),
        );
    }
}

const SAMPLE_NAME: &str = "Dr Doctor Sample";

/// A small DOCX holding the registration form filled in.
fn sample_form() -> zip::result::ZipResult<Vec<u8>> {
    use zip::write::SimpleFileOptions;
    let lines = [
        "Occupation Coding Service Registration Form",
        "Your Details",
        &format!("Full name: {SAMPLE_NAME}"),
        "Organisation: Regintake Set-up Check",
        "Contact email: doctor@example.org",
        "Terms of Use",
        "\u{2612} I have read, understand, and agree to be legally bound by the Terms of Use of the Australian Bureau of Statistics Occupation Coding Service.",
        "Service required",
        "\u{2612} Public coding service (1 API call per second and up to 1,000 calls per day).",
        "\u{2610} Partner coding service (Large batch coding, and real-time coding).",
        "Your expected use",
        "Records you expect to code per day: 100",
        "API calls you expect to make per day: 50",
        "User Guide agreement",
        "\u{2612} I agree to read and follow the API integration instructions in the Occupation Coding Service User Guide.",
    ];
    let body: String = lines
        .iter()
        .map(|l| format!("<w:p><w:r><w:t xml:space=\"preserve\">{l}</w:t></w:r></w:p>"))
        .collect();
    let document = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\
         <w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">\
         <w:body>{body}</w:body></w:document>"
    );
    let parts = [
        (
            "[Content_Types].xml",
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\
             <Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">\
             <Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>\
             <Default Extension=\"xml\" ContentType=\"application/xml\"/>\
             <Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/>\
             </Types>"
                .to_string(),
        ),
        (
            "_rels/.rels",
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\
             <Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
             <Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"word/document.xml\"/>\
             </Relationships>"
                .to_string(),
        ),
        ("word/document.xml", document),
    ];
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, text) in parts {
        zip.start_file(name, options)?;
        zip.write_all(text.as_bytes())?;
    }
    Ok(zip.finish()?.into_inner())
}

/// The tz database compiled in knows Canberra's daylight saving in this year and next: standard
/// time (+10:00) in July, daylight time (+11:00) in January, and the days the clocks change.
fn check_time_zone(report: &mut Report) {
    use chrono_tz::Australia::Sydney;
    let now = Utc::now();
    let this_year = now.year();
    let offset_on = |day: NaiveDate| {
        day.and_hms_opt(2, 0, 0).map(|utc| {
            Sydney
                .from_utc_datetime(&utc)
                .offset()
                .fix()
                .local_minus_utc()
        })
    };
    let mut changes = Vec::new();
    let mut wrong = None;
    for year in [this_year, this_year + 1] {
        let january = NaiveDate::from_ymd_opt(year, 1, 15).and_then(offset_on);
        let july = NaiveDate::from_ymd_opt(year, 7, 15).and_then(offset_on);
        if january != Some(11 * 3600) || july != Some(10 * 3600) {
            wrong.get_or_insert(year);
        }
        // The days the offset changes (daylight saving ends in April, starts in October).
        let Some(mut day) = NaiveDate::from_ymd_opt(year, 1, 1) else {
            continue;
        };
        let mut before = offset_on(day);
        while let Some(next) = day.succ_opt().filter(|d| d.year() == year) {
            let after = offset_on(next);
            if after != before {
                changes.push(next.format("%-d %b %Y").to_string());
            }
            (day, before) = (next, after);
        }
    }
    let local = Sydney.from_utc_datetime(&now.naive_utc());
    match wrong {
        None if changes.len() == 4 => report.ok(
            "time zone",
            format!(
                "Canberra (Australia/Sydney, tz data compiled in) is {} ({}) now, {:02}:{:02}; \
                 the clocks change on {}",
                local.format("%Z"),
                local.format("%:z"),
                local.hour(),
                local.minute(),
                changes.join(", ")
            ),
        ),
        _ => report.fail(
            "time zone",
            format!(
                "the tz data compiled in does not know Canberra's daylight saving in {} \
                 (changes found: {}): received_at and due_by dates may be a day out; update \
                 regintake",
                wrong.unwrap_or(this_year),
                if changes.is_empty() {
                    "none".to_string()
                } else {
                    changes.join(", ")
                }
            ),
        ),
    }
}

/// The national public holidays of this year and next, and the extra ones configured.
fn check_holidays(config: &Config, report: &mut Report) {
    let this_year = Utc::now().year();
    let extra: Vec<NaiveDate> = config
        .rules
        .extra_holidays
        .iter()
        .filter_map(|d| NaiveDate::parse_from_str(d.trim(), "%Y-%m-%d").ok())
        .collect();
    for year in [this_year, this_year + 1] {
        let national = crate::validate::holidays::national_holidays(year);
        let extras: Vec<String> = extra
            .iter()
            .filter(|d| d.year() == year)
            .map(|d| d.to_string())
            .collect();
        let what = format!("holidays {year}");
        if national.len() < 8 {
            report.fail(
                &what,
                format!(
                    "only {} national public holidays known: due dates would count holidays as \
                     business days; update regintake",
                    national.len()
                ),
            );
        } else if extras.is_empty() {
            report.warn(
                &what,
                format!(
                    "{} national public holidays; no rules.extra_holidays in {year}: Canberra's \
                     own (Canberra Day, Reconciliation Day, Labour Day) count as business days \
                     until you add them",
                    national.len()
                ),
            );
        } else {
            report.ok(
                &what,
                format!(
                    "{} national public holidays and {} extra ({})",
                    national.len(),
                    extras.len(),
                    extras.join(", ")
                ),
            );
        }
    }
}

/// The metrics file's folder exists and is writable (the file is replaced by a rename there).
fn check_metrics(config: &Config, report: &mut Report) {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sample_form_reads_as_a_clean_registration() {
        let ctx = crate::pipeline::Pipeline::default();
        let records = ctx.process_document("sample.docx", sample_form().unwrap());
        let record = &records[0];
        assert_eq!(record.fields.full_name, SAMPLE_NAME);
        assert_eq!(record.source, crate::extract::Source::Docx);
        assert!(record.flags.is_empty(), "{:?}", record.flags);
    }
}
