//! A TOML config file in → `Config` (ledger path, IMAP account, validation rules, limits, OCR).

use crate::limits::Limits;
use anyhow::{Context, Result, bail};
use chrono::NaiveDate;
use serde::Deserialize;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    pub ledger: LedgerConfig,
    pub imap: Option<ImapConfig>,
    pub rules: RulesConfig,
    pub limits: Limits,
    pub replies: RepliesConfig,
    pub metrics: MetricsConfig,
    /// `[ocr]`: whether images of forms are read by OCR, in which languages.
    pub ocr: OcrSettings,
    /// Read attachments in worker processes (memory limit, deadline, crash isolation).
    #[serde(default = "default_true")]
    pub isolate_attachments: bool,
    /// Where the config was read from, for messages; not a key.
    #[serde(skip)]
    pub path: Option<PathBuf>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LedgerConfig {
    pub path: Option<PathBuf>,
}

/// `[metrics]`: where runs leave their numbers for monitoring.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MetricsConfig {
    /// A Prometheus text file rewritten after every ingest, poll pass and export (for
    /// node_exporter's textfile collector); empty: none.
    pub textfile: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TlsMode {
    Implicit,
    Starttls,
    None,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum NoFormAction {
    Keep,
    Move,
}

#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImapConfig {
    pub host: String,
    #[serde(default = "default_port")]
    pub port: u16,
    #[serde(default = "default_tls")]
    pub tls: TlsMode,
    /// Extra PEM certificate(s) to trust besides the system roots (a private CA, a test server).
    #[serde(default)]
    pub ca_file: Option<PathBuf>,
    pub username: String,
    #[serde(default)]
    pub password: Option<String>,
    #[serde(default)]
    pub password_command: Option<String>,
    #[serde(default)]
    pub oauth2_token_command: Option<String>,
    #[serde(default = "default_mailbox")]
    pub mailbox: String,
    #[serde(default = "default_processed")]
    pub processed_mailbox: String,
    #[serde(default = "default_no_form_action")]
    pub no_form_action: NoFormAction,
    /// Where `no_form_action = "move"` puts messages with no form (default: `processed_mailbox`).
    #[serde(default)]
    pub no_form_mailbox: Option<String>,
    #[serde(default = "default_interval")]
    pub poll_interval_secs: u64,
    #[serde(default = "default_true")]
    pub idle: bool,
    /// Messages fetched per round trip.
    #[serde(default = "default_batch")]
    pub fetch_batch: u32,
    /// Longest wait for any one server answer (connect, TLS, each command), in seconds.
    #[serde(default = "default_timeout")]
    pub timeout_secs: u64,
}

// Hand-written so that no password can reach a log line through `{:?}`.
impl std::fmt::Debug for ImapConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ImapConfig")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("tls", &self.tls)
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| "<redacted>"))
            .field(
                "password_command",
                &self.password_command.as_ref().map(|_| "<redacted>"),
            )
            .field(
                "oauth2_token_command",
                &self.oauth2_token_command.as_ref().map(|_| "<redacted>"),
            )
            .field("mailbox", &self.mailbox)
            .field("processed_mailbox", &self.processed_mailbox)
            .finish_non_exhaustive()
    }
}

fn default_port() -> u16 {
    993
}
fn default_tls() -> TlsMode {
    TlsMode::Implicit
}
fn default_mailbox() -> String {
    "INBOX".into()
}
fn default_processed() -> String {
    "Registrations/Processed".into()
}
fn default_no_form_action() -> NoFormAction {
    NoFormAction::Keep
}
fn default_interval() -> u64 {
    300
}
fn default_true() -> bool {
    true
}
fn default_batch() -> u32 {
    200
}
fn default_timeout() -> u64 {
    120
}

/// `[replies]`: the reply drafted to an applicant (`reply`, and `poll` with a drafts mailbox).
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RepliesConfig {
    /// IMAP mailbox `poll` appends a draft reply to (`\Draft`); empty: no drafts on the server.
    pub drafts_mailbox: String,
    /// The replies' From: `Name <address>` or a bare address.
    pub from: String,
    /// Also draft an acknowledgement (with the due date) for records that are ok.
    pub acknowledge: bool,
    /// A minijinja template file with the reply's wording; empty: the built-in wording.
    pub template: String,
}

impl Default for RepliesConfig {
    fn default() -> Self {
        RepliesConfig {
            drafts_mailbox: String::new(),
            from: "ABS Occupation Coding Service <coding.service.registration@abs.gov.au>".into(),
            acknowledge: false,
            template: String::new(),
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RulesConfig {
    pub ip_min_prefix_v4: u8,
    pub ip_min_prefix_v6: u8,
    pub dynamic_ranges_file: String,
    pub reverse_dns: bool,
    pub extra_holidays: Vec<String>,
}

impl Default for RulesConfig {
    fn default() -> Self {
        RulesConfig {
            ip_min_prefix_v4: 24,
            ip_min_prefix_v6: 48,
            dynamic_ranges_file: String::new(),
            reverse_dns: false,
            extra_holidays: Vec::new(),
        }
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            ledger: LedgerConfig::default(),
            imap: None,
            rules: RulesConfig::default(),
            limits: Limits::default(),
            replies: RepliesConfig::default(),
            metrics: MetricsConfig::default(),
            ocr: OcrSettings::default(),
            isolate_attachments: true,
            path: None,
        }
    }
}

impl Config {
    /// Reads and checks a config file. Errors name the file and, for TOML errors, the line.
    /// `warn` hears what a person must see even when the run goes on (a config holding a
    /// secret that others can read), also when the config then turns out invalid.
    pub fn load(path: &Path, warn: &mut dyn FnMut(&ConfigWarning)) -> Result<Config> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            let hint = match e.kind() {
                std::io::ErrorKind::NotFound => " (check --config or REGINTAKE_CONFIG)",
                std::io::ErrorKind::PermissionDenied => {
                    " (run as a user that may read it, or fix its owner or mode)"
                }
                _ => "",
            };
            anyhow::Error::new(e)
                .context(format!("cannot read config file {}{hint}", path.display()))
        })?;
        if let Some(warning) = readable_secret(path, &text) {
            warn(&warning);
        }
        let mut config: Config = toml::from_str(&text)
            .map_err(|e| anyhow::anyhow!("{}", toml_error_line(&text, &e)))
            .with_context(|| format!("invalid config file {}", path.display()))?;
        config.path = Some(path.to_path_buf());
        config
            .check()
            .with_context(|| format!("invalid config file {}", path.display()))?;
        Ok(config)
    }

    fn check(&self) -> Result<()> {
        if self.rules.ip_min_prefix_v4 > 32 {
            bail!(
                "rules.ip_min_prefix_v4 must be 0 to 32, not {}",
                self.rules.ip_min_prefix_v4
            );
        }
        if self.rules.ip_min_prefix_v6 > 128 {
            bail!(
                "rules.ip_min_prefix_v6 must be 0 to 128, not {}",
                self.rules.ip_min_prefix_v6
            );
        }
        for day in &self.rules.extra_holidays {
            parse_date(day)
                .with_context(|| format!("rules.extra_holidays: {day:?} is not YYYY-MM-DD"))?;
        }
        if let Some(problem) = self.ocr.problems().into_iter().next() {
            bail!("{problem}");
        }
        if let Some(imap) = &self.imap {
            let secrets = [
                imap.password.is_some(),
                imap.password_command.is_some(),
                imap.oauth2_token_command.is_some(),
            ];
            if secrets.iter().filter(|s| **s).count() > 1 {
                bail!("imap: set only one of password, password_command, oauth2_token_command");
            }
            if imap.host.trim().is_empty() {
                bail!("imap.host is empty");
            }
            let drafts = self.replies.drafts_mailbox.trim();
            let inbox = |m: &str| m.eq_ignore_ascii_case("INBOX");
            if drafts == imap.mailbox || (inbox(drafts) && inbox(&imap.mailbox)) {
                // The drafts would be read back as registrations.
                bail!("replies.drafts_mailbox must not be imap.mailbox ({drafts:?})");
            }
            if imap.fetch_batch == 0 {
                bail!("imap.fetch_batch must be at least 1");
            }
        }
        Ok(())
    }

    /// The metrics file, when `[metrics] textfile` names one (relative to the config's folder).
    pub fn metrics_file(&self) -> Option<PathBuf> {
        let file = self.metrics.textfile.trim();
        (!file.is_empty()).then(|| self.relative_path(file))
    }

    /// A path from the config, taken relative to the config file's folder.
    pub fn relative_path(&self, p: &str) -> PathBuf {
        let p = Path::new(p);
        match (&self.path, p.is_absolute()) {
            (Some(cfg), false) => cfg.parent().unwrap_or(Path::new(".")).join(p),
            _ => p.to_path_buf(),
        }
    }
}

/// A TOML error as one line: the message and where, never the offending line itself (it may be
/// a password).
fn toml_error_line(text: &str, e: &toml::de::Error) -> String {
    let message = e.message().lines().next().unwrap_or("").trim().to_string();
    match e.span() {
        Some(span) => {
            let before = &text.as_bytes()[..span.start.min(text.len())];
            let line = before.iter().filter(|b| **b == b'\n').count() + 1;
            let column = before.iter().rev().take_while(|b| **b != b'\n').count() + 1;
            let line_text = text
                .lines()
                .nth(line - 1)
                .unwrap_or("")
                .to_ascii_lowercase();
            // The message can quote the value ("invalid type: integer `1234`"): not for secrets.
            let secret = ["password", "token", "secret"]
                .iter()
                .any(|w| line_text.contains(w));
            let message = if secret {
                "invalid value (not shown: it may be a secret)".to_string()
            } else {
                message
            };
            format!("line {line}, column {column}: {message}")
        }
        None => message,
    }
}

pub(crate) fn parse_date(s: &str) -> Result<NaiveDate> {
    Ok(NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")?)
}

/// A config key whose value is a credential or the command that prints one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretKey {
    Password,
    PasswordCommand,
    OAuth2TokenCommand,
}

impl SecretKey {
    const ALL: [SecretKey; 3] = [
        SecretKey::Password,
        SecretKey::PasswordCommand,
        SecretKey::OAuth2TokenCommand,
    ];

    /// The key's name in the `[imap]` table.
    pub fn name(self) -> &'static str {
        match self {
            SecretKey::Password => "password",
            SecretKey::PasswordCommand => "password_command",
            SecretKey::OAuth2TokenCommand => "oauth2_token_command",
        }
    }

    /// Whether this value holds a secret: a password always; a command when its text may
    /// (`command_may_hold_secret`).
    fn holds_secret(self, value: &toml::Value) -> bool {
        match (self, value.as_str()) {
            (SecretKey::Password, _) => true,
            (_, Some(command)) => command_may_hold_secret(command),
            // Not text: the config is invalid, but the value may still be a secret.
            (_, None) => true,
        }
    }
}

/// Something about the config a person must see, printed even with `-q`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigWarning {
    /// The file sets `imap.<key>` to a secret (or a command whose text may hold one) and its
    /// group or others may read it.
    SecretReadable {
        file: PathBuf,
        key: SecretKey,
        /// Permission bits (`0o644`).
        mode: u32,
    },
}

impl std::fmt::Display for ConfigWarning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ConfigWarning::SecretReadable { file, key, mode } => {
                let what = match key {
                    SecretKey::Password => "",
                    SecretKey::PasswordCommand | SecretKey::OAuth2TokenCommand => {
                        " to a command line that may hold a secret"
                    }
                };
                write!(
                    f,
                    "config file {} sets imap.{}{what} and group or others can read it \
                     (mode {mode:o}); chmod 600 it",
                    file.display(),
                    key.name()
                )
            }
        }
    }
}

/// The secret a config file readable by group or others holds, if any. Decided from the parsed
/// TOML, so every spelling of a key counts (`password`, `"password"`, `imap.password` at the top,
/// `imap = { password = ... }`), and before the config is checked, so an invalid config that
/// holds one is still warned about. Text that is not TOML holds no key to find; it is an error.
fn readable_secret(path: &Path, text: &str) -> Option<ConfigWarning> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path).ok()?.permissions().mode() & 0o777;
        if mode & 0o077 == 0 {
            return None;
        }
        let table: toml::Table = text.parse().ok()?;
        let imap = table.get("imap")?.as_table()?;
        let key = SecretKey::ALL.into_iter().find(|key| {
            imap.get(key.name())
                .is_some_and(|value| key.holds_secret(value))
        })?;
        Some(ConfigWarning::SecretReadable {
            file: path.to_path_buf(),
            key,
            mode,
        })
    }
    #[cfg(not(unix))]
    {
        let _ = (path, text);
        None
    }
}

/// Whether a credential command's own text may hold the secret.
///
/// A command that only points at where its secret is kept is safe to show: its shell words are a
/// program, option names (`--decrypt`) and references: an absolute, `./`, `../` or `~/` path,
/// a `$VARIABLE` (`"$CREDENTIALS_DIRECTORY/imap-password"`), a URL without credentials or query.
/// Any other word may be the secret itself: `echo S`, `--client-secret S`, `--secret=S`,
/// `client_secret=S`, `TOKEN=S get-token`, a shell operator (`|`, `;`) joining more words. Text
/// the shell-word rules cannot split (an open quote) counts as holding one.
fn command_may_hold_secret(command: &str) -> bool {
    let Some(words) = shlex::split(command) else {
        return true;
    };
    let operator = |w: &str| w.contains(['|', ';', '&', '<', '>', '(', ')', '`']);
    let program = |w: &str| {
        !w.is_empty()
            && w.chars()
                .all(|c| c.is_ascii_alphanumeric() || "/._+-".contains(c))
    };
    let option = |w: &str| {
        w.len() > 1
            && w.starts_with('-')
            && w.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
    };
    let reference = |w: &str| {
        ["/", "./", "../", "~/", "$"]
            .iter()
            .any(|p| w.starts_with(p))
            || (["https://", "http://"].iter().any(|p| w.starts_with(p))
                && !w.contains(['?', '@', '#']))
    };
    let mut words = words.iter().map(String::as_str);
    match words.next() {
        Some(first) if program(first) && !operator(first) => {}
        _ => return true,
    }
    words.any(|w| operator(w) || !(option(w) || reference(w)))
}

/// Whether OCR is used: `auto` when Tesseract is installed, `on` always (a run fails without
/// it), `off` never.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OcrMode {
    #[default]
    Auto,
    On,
    Off,
}

/// The config's `[ocr]` table.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct OcrSettings {
    pub enabled: OcrMode,
    /// Tesseract's languages, joined by `+` (`"eng"`, `"eng+deu"`).
    pub languages: String,
    /// Wall-clock budget for reading one attachment by OCR (every page of it), in
    /// milliseconds; a worker's parent adds it to `attachment_deadline_ms` once OCR starts on
    /// an attachment.
    pub deadline_ms: u64,
}

impl Default for OcrSettings {
    fn default() -> Self {
        OcrSettings {
            enabled: OcrMode::Auto,
            languages: "eng".into(),
            deadline_ms: 60_000,
        }
    }
}

impl OcrSettings {
    /// Problems with the settings, each one line (empty when fine).
    pub fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        let parts: Vec<&str> = self.languages.split('+').collect();
        if self.languages.is_empty()
            || parts
                .iter()
                .any(|p| p.is_empty() || !p.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
        {
            problems.push(format!(
                "ocr.languages must be Tesseract language names joined by '+' (like \"eng\" or \"eng+deu\"), not {:?}",
                self.languages
            ));
        }
        if self.deadline_ms == 0 {
            problems.push("ocr.deadline_ms must be more than 0".into());
        }
        problems
    }
}

#[cfg(test)]
mod tests {
    use super::command_may_hold_secret;

    #[test]
    fn a_command_that_points_at_its_secret_holds_none() {
        for command in [
            "cat /etc/regintake/imap-password",
            "cat \"$CREDENTIALS_DIRECTORY/imap-password\"",
            "cat ${CREDENTIALS_DIRECTORY}/imap-password",
            "gpg --quiet --decrypt ~/.config/regintake/pw.gpg",
            "/usr/local/bin/get-token --config ./token.toml",
            "get-token --authority https://login.microsoftonline.com/tenant",
        ] {
            assert!(!command_may_hold_secret(command), "{command}");
        }
    }

    #[test]
    fn a_command_with_any_other_word_may_hold_one() {
        for command in [
            "echo hunter2",
            "printf '%s' hunter2",
            "get-token --client-secret Zm9vYmFy",
            "get-token --client-secret=Zm9vYmFy",
            "curl -d client_secret=Zm9vYmFy https://login.example/token",
            "curl https://user:pw@login.example/token",
            "curl https://login.example/token?secret=x",
            "TOKEN=Zm9vYmFy get-token",
            "cat /etc/pw; echo hunter2",
            "cat /etc/pw|tr -d x",
            "echo 'open quote",
            "",
        ] {
            assert!(command_may_hold_secret(command), "{command}");
        }
    }
}
