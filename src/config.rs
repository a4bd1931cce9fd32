//! A TOML config file in → `Config` (ledger path, IMAP account, validation rules, limits).

use crate::limits::Limits;
use crate::validate::{Rules, ip};
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
            isolate_attachments: true,
            path: None,
        }
    }
}

impl Config {
    /// Reads and checks a config file. Errors name the file and, for TOML errors, the line.
    pub fn load(path: &Path) -> Result<Config> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read config file {}", path.display()))?;
        warn_if_secret_readable(path, &text);
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
            if imap.fetch_batch == 0 {
                bail!("imap.fetch_batch must be at least 1");
            }
        }
        Ok(())
    }

    /// The validation rules, with the dynamic ranges file read.
    pub fn rules(&self) -> Result<Rules> {
        let mut rules = Rules {
            ip_min_prefix_v4: self.rules.ip_min_prefix_v4,
            ip_min_prefix_v6: self.rules.ip_min_prefix_v6,
            reverse_dns: self.rules.reverse_dns,
            ..Rules::default()
        };
        for day in &self.rules.extra_holidays {
            rules.extra_holidays.push(parse_date(day)?);
        }
        let file = self.rules.dynamic_ranges_file.trim();
        if !file.is_empty() {
            let path = self.relative_path(file);
            let text = std::fs::read_to_string(&path).with_context(|| {
                format!("cannot read rules.dynamic_ranges_file {}", path.display())
            })?;
            for (n, line) in text.lines().enumerate() {
                let line = line.split('#').next().unwrap_or("").trim();
                if line.is_empty() {
                    continue;
                }
                let cidr = ip::parse_cidr(line).with_context(|| {
                    format!(
                        "{} line {}: {line:?} is not a CIDR block",
                        path.display(),
                        n + 1
                    )
                })?;
                rules.dynamic_ranges.push(cidr);
            }
        }
        Ok(rules)
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

fn parse_date(s: &str) -> Result<NaiveDate> {
    Ok(NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")?)
}

/// A config that holds a password must not be readable by others: say so (without the secret).
fn warn_if_secret_readable(path: &Path, text: &str) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let has_secret = text.lines().any(|l| {
            let l = l.trim_start();
            l.starts_with("password") && !l.starts_with("password_command")
        });
        if has_secret {
            if let Ok(meta) = std::fs::metadata(path) {
                let mode = meta.permissions().mode();
                if mode & 0o077 != 0 {
                    tracing::warn!(
                        file = %path.display(),
                        mode = format!("{:o}", mode & 0o777),
                        "Config file holds a password and is readable by group or others; chmod 600 it"
                    );
                }
            }
        }
    }
}
