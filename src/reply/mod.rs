//! A stored record (its answers, flags and the applicant's message headers) in → the reply to
//! the applicant as an RFC 5322 draft (bytes), or why it gets none.
//!
//! The wording is a minijinja template (the built-in `default.txt`, or the file named in
//! `[replies] template`) rendered with this record's answers and fixable problems only: nothing
//! from another record, no staff note, no reader diagnostics, no config value but the From.
//! Headers are written by `mail-builder` (RFC 2047 encoded words, folding, control characters
//! encoded); every applicant value is first made one bounded line (`text::quote`), so no CR/LF
//! reaches a header. The draft is deterministic apart from its Date: its Message-ID is made
//! from the record (id, message key, position) and the office's domain, so a draft appended to
//! the server can be found again by it.

mod problems;
mod text;

pub use problems::NoReply;

use crate::config::Config;
use crate::ledger::StoredRecord;
use crate::validate::{Rules, email};
use anyhow::{Context as _, Result, bail};
use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
use mail_builder::MessageBuilder;
use mail_builder::headers::address::Address;
use mail_builder::headers::raw::Raw;
use serde::Serialize;
use sha2::{Digest, Sha256};

/// The built-in wording.
const DEFAULT_TEMPLATE: &str = include_str!("default.txt");
/// The template's name in minijinja (and in its error messages).
const TEMPLATE_NAME: &str = "reply";

/// Longest name or organisation quoted in a reply.
const VALUE_CHARS: usize = 200;
/// Longest subject kept after `Re: `.
const SUBJECT_CHARS: usize = 200;
/// Longest display name put in `To`.
const TO_NAME_CHARS: usize = 100;
/// Subject when the applicant's message had none.
const DEFAULT_SUBJECT: &str = "Occupation Coding Service registration";

/// The office's From: a display name (may be empty) and an address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sender {
    pub name: String,
    pub address: String,
}

impl Sender {
    /// `Name <address>` or a bare address, as `[replies] from` holds it.
    pub fn parse(text: &str) -> Result<Sender> {
        if text.chars().any(char::is_control) {
            bail!("holds a control character (a line break?)");
        }
        let text = text.trim();
        let (name, address) = match text.rfind('<') {
            Some(open) => {
                let Some(inner) = text[open + 1..].strip_suffix('>') else {
                    bail!("{text:?} is not `Name <address>`: nothing may follow the '>'");
                };
                let name = text[..open].trim();
                let name = name
                    .strip_prefix('"')
                    .and_then(|n| n.strip_suffix('"'))
                    .unwrap_or(name);
                (name.trim().to_string(), inner.trim())
            }
            None => (String::new(), text),
        };
        let normalised = email::normalise(address)
            .ok()
            .filter(|a| a.eq_ignore_ascii_case(address) && !address.contains(char::is_whitespace))
            .ok_or_else(|| anyhow::anyhow!("{address:?} is not an e-mail address"))?;
        Ok(Sender {
            name,
            address: normalised,
        })
    }

    fn domain(&self) -> &str {
        self.address.rsplit('@').next().unwrap_or("")
    }
}

/// A reply ready to write or append.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Draft {
    /// The draft's own Message-ID, with angle brackets.
    pub message_id: String,
    /// The address it is to.
    pub to: String,
    /// The whole message, CRLF line ends.
    pub bytes: Vec<u8>,
}

/// Which records get a reply besides those the applicant can fix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Acknowledge {
    /// An ok record gets an acknowledgement with the due date.
    OkRecords,
    /// An ok record gets nothing.
    No,
}

/// Writes replies: the template compiled once, the office's From, the rules the flags were
/// decided by (to name the dynamic ranges and the narrowest prefixes).
pub struct Composer {
    env: minijinja::Environment<'static>,
    sender: Sender,
    rules: Rules,
}

/// What the template sees. Only this record's answers and the office's own words.
#[derive(Debug, Serialize)]
struct TemplateContext<'a> {
    record_id: i64,
    full_name: String,
    organisation: String,
    contact_email: String,
    service: &'a str,
    ip_addresses: Vec<String>,
    expected_records_per_day: Option<i64>,
    expected_api_calls_per_day: Option<i64>,
    terms_accepted: bool,
    user_guide_agreed: bool,
    attachment: String,
    /// `Monday 2 March 2026`, Canberra date of the applicant's message; empty when unknown.
    received_on: String,
    /// `Monday 9 March 2026`.
    due_by: String,
    problems: Vec<problems::Problem>,
    /// The From's display name (else its address).
    office: &'a str,
}

impl Composer {
    /// The composer for this config: `[replies] from`, the template (`[replies] template`, else
    /// the built-in one) and the rules.
    pub fn new(config: &Config) -> Result<Composer> {
        let sender = Sender::parse(&config.replies.from).context("invalid replies.from")?;
        let template_path = config.replies.template.trim();
        let source = if template_path.is_empty() {
            DEFAULT_TEMPLATE.to_string()
        } else {
            let path = config.relative_path(template_path);
            std::fs::read_to_string(&path)
                .with_context(|| format!("cannot read replies.template {}", path.display()))?
        };
        let env = environment(source).with_context(|| {
            if template_path.is_empty() {
                "the built-in reply template".to_string()
            } else {
                format!(
                    "replies.template {}",
                    config.relative_path(template_path).display()
                )
            }
        })?;
        Ok(Composer {
            env,
            sender,
            rules: crate::validate::Rules::from_config(config)?,
        })
    }

    /// The reply to this record, or why it gets none. `now` is its Date.
    pub fn compose(
        &self,
        record: &StoredRecord,
        acknowledge: Acknowledge,
        now: DateTime<Utc>,
    ) -> Result<Result<Draft, NoReply>> {
        let problems = match problems::fixable_problems(record, &self.rules) {
            Ok(problems) => problems,
            Err(no) => return Ok(Err(no)),
        };
        if problems.is_empty() && acknowledge == Acknowledge::No {
            return Ok(Err(NoReply::OkWithoutAcknowledgement));
        }
        if let Some(earlier) = record.supersedes.filter(|_| record.repeats_superseded) {
            return Ok(Err(NoReply::Repeats { record_id: earlier }));
        }
        let Some((to, to_is_contact)) = recipient(record) else {
            return Ok(Err(NoReply::NoAddress));
        };
        let body = self.render(record, problems)?;

        let message_id = draft_message_id(record, self.sender.domain());
        let to_name = if to_is_contact {
            Some(text::quote(&record.full_name, TO_NAME_CHARS)).filter(|n| !n.is_empty())
        } else {
            None
        };
        let from_name = Some(self.sender.name.clone()).filter(|n| !n.is_empty());
        let mut builder = MessageBuilder::new()
            .from(Address::new_address(from_name, self.sender.address.clone()))
            .to(Address::new_address(to_name, to.clone()))
            .subject(reply_subject(&record.subject))
            .header("Date", Raw::new(canberra(now).to_rfc2822()))
            .message_id(id_inside(&message_id).to_string());
        if let Some(theirs) = valid_message_id(&record.message_id) {
            builder = builder
                .in_reply_to(theirs.to_string())
                .references(theirs.to_string());
        }
        let bytes = builder
            .text_body(body)
            .write_to_vec()
            .context("cannot write the reply")?;
        Ok(Ok(Draft {
            message_id,
            to,
            bytes,
        }))
    }

    fn render(&self, record: &StoredRecord, problems: Vec<problems::Problem>) -> Result<String> {
        let ip_addresses = if record.ip_allowlist.is_empty() {
            Vec::new()
        } else {
            record
                .ip_allowlist
                .split("; ")
                .map(|e| text::quote(e, VALUE_CHARS))
                .collect()
        };
        let context = TemplateContext {
            record_id: record.record_id,
            full_name: text::quote(&record.full_name, VALUE_CHARS),
            organisation: text::quote(&record.organisation, VALUE_CHARS),
            contact_email: text::quote(&record.contact_email, VALUE_CHARS),
            service: match record.service.as_str() {
                "public" => "public",
                "partner" => "partner",
                _ => "",
            },
            ip_addresses,
            expected_records_per_day: record.expected_records_per_day,
            expected_api_calls_per_day: record.expected_api_calls_per_day,
            terms_accepted: record.terms_accepted,
            user_guide_agreed: record.user_guide_agreed,
            attachment: text::quote(&record.attachment, VALUE_CHARS),
            received_on: DateTime::parse_from_rfc3339(&record.received_at)
                .map(|at| long_date(crate::canberra::day(&at)))
                .unwrap_or_default(),
            due_by: NaiveDate::parse_from_str(&record.due_by, "%Y-%m-%d")
                .map(long_date)
                .unwrap_or_default(),
            problems,
            office: if self.sender.name.is_empty() {
                &self.sender.address
            } else {
                &self.sender.name
            },
        };
        let template = self
            .env
            .get_template(TEMPLATE_NAME)
            .context("the reply template is missing")?;
        let rendered = template
            .render(minijinja::Value::from_serialize(&context))
            .map_err(|e| anyhow::anyhow!("{}", template_error(&e)))
            .context("cannot render the reply template")?;
        Ok(text::mail_body(&rendered))
    }
}

/// The template environment: plain text (no HTML escaping), block tags leave no blank lines,
/// an undefined variable is an error (a typo in an office's template shows at once), the
/// `thousands` filter.
fn environment(source: String) -> Result<minijinja::Environment<'static>> {
    let mut env = minijinja::Environment::new();
    env.set_auto_escape_callback(|_| minijinja::AutoEscape::None);
    env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
    env.set_trim_blocks(true);
    env.set_lstrip_blocks(true);
    env.set_keep_trailing_newline(true);
    env.add_filter("thousands", |n: i64| text::thousands(n));
    env.add_template_owned(TEMPLATE_NAME, source)
        .map_err(|e| anyhow::anyhow!("{}", template_error(&e)))?;
    Ok(env)
}

/// A template error as one line: what, and the line it is on.
fn template_error(e: &minijinja::Error) -> String {
    let what = e
        .detail()
        .map_or_else(|| e.kind().to_string(), str::to_string);
    match e.line() {
        Some(line) => format!("line {line}: {what}"),
        None => what,
    }
}

/// Where the reply goes: the contact email (true), else the sender (false); `None` when
/// neither is an address.
fn recipient(record: &StoredRecord) -> Option<(String, bool)> {
    let valid = |a: &str| {
        email::normalise(a)
            .ok()
            .filter(|n| n.eq_ignore_ascii_case(a.trim()))
    };
    valid(&record.contact_email)
        .map(|a| (a, true))
        .or_else(|| valid(&record.sender).map(|a| (a, false)))
}

/// `Re: <their subject>`: one line, bounded, any `Re:` they had dropped first (no `Re: Re:`).
fn reply_subject(theirs: &str) -> String {
    let mut subject = text::quote(theirs, SUBJECT_CHARS);
    loop {
        let trimmed = subject.trim_start();
        let Some(head) = trimmed.get(..2) else { break };
        if !head.eq_ignore_ascii_case("re") {
            break;
        }
        let after = trimmed[2..].trim_start();
        let Some(rest) = after.strip_prefix(':') else {
            break;
        };
        subject = rest.trim_start().to_string();
    }
    if subject.is_empty() {
        subject = DEFAULT_SUBJECT.to_string();
    }
    format!("Re: {subject}")
}

/// The draft's Message-ID: from the record id, its message's key and its position (so two
/// ledgers' record 17 differ), at the office's domain.
fn draft_message_id(record: &StoredRecord, domain: &str) -> String {
    let digest = Sha256::digest(
        format!(
            "{}\n{}\n{}",
            record.record_id, record.message_key, record.position
        )
        .as_bytes(),
    );
    format!(
        "<reply-{}-{}@{domain}>",
        record.record_id,
        &hex::encode(digest)[..16]
    )
}

/// `<id>` → `id`.
fn id_inside(id: &str) -> &str {
    id.trim_start_matches('<').trim_end_matches('>')
}

/// The applicant's Message-ID without brackets, when it is a well-formed `id-left@id-right` of
/// printable characters (else no `In-Reply-To`: a hostile id must not shape a header).
fn valid_message_id(theirs: &str) -> Option<&str> {
    let id = theirs.trim().strip_prefix('<')?.strip_suffix('>')?;
    let (left, right) = id.split_once('@')?;
    let allowed = |c: char| {
        c.is_ascii_graphic() && !matches!(c, '<' | '>' | '"' | '\\' | '(' | ')' | ',' | ';' | ':')
    };
    let ok = !left.is_empty()
        && !right.is_empty()
        && id.len() <= 250
        && !right.contains('@')
        && id.chars().all(allowed);
    ok.then_some(id)
}

/// `now` in Canberra time (AEST or AEDT) for the Date header.
fn canberra(now: DateTime<Utc>) -> DateTime<FixedOffset> {
    crate::canberra::local(&now).fixed_offset()
}

/// `Monday 9 March 2026`.
fn long_date(day: NaiveDate) -> String {
    day.format("%A %-d %B %Y").to_string()
}

#[cfg(test)]
mod tests;
