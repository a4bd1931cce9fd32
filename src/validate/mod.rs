//! `Answers` in → the record's field values, every flag that applies (all problems, not the
//! first) and, for each flag, a typed `Finding` that the record's notes are written from.

pub mod email;
pub mod holidays;
pub mod ip;
pub mod notes;
pub mod numbers;
mod rules;

pub use notes::Finding;

use crate::form::{Answer, Answers};
use chrono::NaiveDate;
use numbers::Quantity;
use serde::Serialize;

/// Flag codes, exactly as in SPEC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Flag {
    MissingFullName,
    MissingOrganisation,
    MissingContactEmail,
    InvalidContactEmail,
    TermsNotAccepted,
    UserGuideNotAgreed,
    ServiceNotSelected,
    MultipleServicesSelected,
    MissingIpAllowlist,
    InvalidIp,
    NonPublicIp,
    DynamicIp,
    IpRangeTooBroad,
    MissingExpectedRecords,
    MissingExpectedCalls,
    InvalidExpectedRecords,
    InvalidExpectedCalls,
    CallsExceedRecords,
    ExceedsPublicLimit,
    ExceedsPartnerLimit,
    NoFormFound,
    UnreadableAttachment,
    ScannedWithoutText,
    ReadByOcr,
}

impl Flag {
    pub const ALL: [Flag; 24] = [
        Flag::MissingFullName,
        Flag::MissingOrganisation,
        Flag::MissingContactEmail,
        Flag::InvalidContactEmail,
        Flag::TermsNotAccepted,
        Flag::UserGuideNotAgreed,
        Flag::ServiceNotSelected,
        Flag::MultipleServicesSelected,
        Flag::MissingIpAllowlist,
        Flag::InvalidIp,
        Flag::NonPublicIp,
        Flag::DynamicIp,
        Flag::IpRangeTooBroad,
        Flag::MissingExpectedRecords,
        Flag::MissingExpectedCalls,
        Flag::InvalidExpectedRecords,
        Flag::InvalidExpectedCalls,
        Flag::CallsExceedRecords,
        Flag::ExceedsPublicLimit,
        Flag::ExceedsPartnerLimit,
        Flag::NoFormFound,
        Flag::UnreadableAttachment,
        Flag::ScannedWithoutText,
        Flag::ReadByOcr,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Flag::MissingFullName => "missing_full_name",
            Flag::MissingOrganisation => "missing_organisation",
            Flag::MissingContactEmail => "missing_contact_email",
            Flag::InvalidContactEmail => "invalid_contact_email",
            Flag::TermsNotAccepted => "terms_not_accepted",
            Flag::UserGuideNotAgreed => "user_guide_not_agreed",
            Flag::ServiceNotSelected => "service_not_selected",
            Flag::MultipleServicesSelected => "multiple_services_selected",
            Flag::MissingIpAllowlist => "missing_ip_allowlist",
            Flag::InvalidIp => "invalid_ip",
            Flag::NonPublicIp => "non_public_ip",
            Flag::DynamicIp => "dynamic_ip",
            Flag::IpRangeTooBroad => "ip_range_too_broad",
            Flag::MissingExpectedRecords => "missing_expected_records",
            Flag::MissingExpectedCalls => "missing_expected_calls",
            Flag::InvalidExpectedRecords => "invalid_expected_records",
            Flag::InvalidExpectedCalls => "invalid_expected_calls",
            Flag::CallsExceedRecords => "calls_exceed_records",
            Flag::ExceedsPublicLimit => "exceeds_public_limit",
            Flag::ExceedsPartnerLimit => "exceeds_partner_limit",
            Flag::NoFormFound => "no_form_found",
            Flag::UnreadableAttachment => "unreadable_attachment",
            Flag::ScannedWithoutText => "scanned_without_text",
            Flag::ReadByOcr => "read_by_ocr",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Service {
    Public,
    Partner,
}

impl Service {
    pub fn as_str(self) -> &'static str {
        match self {
            Service::Public => "public",
            Service::Partner => "partner",
        }
    }
}

/// The record's field values, as SPEC's record table defines them. The default is a record
/// whose form could not be read: every field empty, the two agreements too (`None`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Fields {
    pub full_name: String,
    pub organisation: String,
    pub contact_email: String,
    /// `Some(true)` ticked, `Some(false)` not ticked or not determinable, `None` when the form
    /// could not be read.
    pub terms_accepted: Option<bool>,
    pub service: Option<Service>,
    pub ip_allowlist: String,
    pub expected_records_per_day: Option<u64>,
    pub expected_api_calls_per_day: Option<u64>,
    /// As `terms_accepted`.
    pub user_guide_agreed: Option<bool>,
}

/// A yes/no field as the ledger and reports hold it: `yes`, `no`, or empty when the form could
/// not be read.
pub fn yes_no(value: Option<bool>) -> &'static str {
    match value {
        Some(true) => "yes",
        Some(false) => "no",
        None => "",
    }
}

/// What validation made of a form's answers: the field values, the flags in `Flag` order, and
/// one finding per flag (the notes are written from them).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Validated {
    pub fields: Fields,
    pub flags: Vec<Flag>,
    pub findings: Vec<Finding>,
}

impl Validated {
    /// A record whose form could not be read: empty fields, this one finding.
    pub fn unread(finding: Finding) -> Validated {
        let mut v = Validated::default();
        v.add(finding);
        v
    }

    /// Adds a finding (and its flag) unless one for the same flag is there already.
    pub fn add(&mut self, finding: Finding) {
        let flag = finding.flag();
        if !self.flags.contains(&flag) {
            self.flags.push(flag);
            self.flags.sort();
            self.findings.push(finding);
            self.findings.sort_by_key(Finding::flag);
        }
    }

    /// The record's notes: one sentence per flag, joined by a space; empty without flags.
    pub fn notes(&self) -> String {
        notes::notes(&self.findings)
    }
}

/// The `[rules]` settings validation needs, already loaded (the dynamic ranges file read).
#[derive(Debug, Clone)]
pub struct Rules {
    pub ip_min_prefix_v4: u8,
    pub ip_min_prefix_v6: u8,
    /// Known dynamic / residential ranges from `dynamic_ranges_file`.
    pub dynamic_ranges: Vec<ip::Cidr>,
    pub reverse_dns: bool,
    pub extra_holidays: Vec<NaiveDate>,
}

impl Default for Rules {
    fn default() -> Self {
        Rules {
            ip_min_prefix_v4: 24,
            ip_min_prefix_v6: 48,
            dynamic_ranges: Vec::new(),
            reverse_dns: false,
            extra_holidays: Vec::new(),
        }
    }
}

/// Turns answers into field values and collects every flag that applies, in `Flag` order, each
/// with the finding that says why.
///
/// Decisions SPEC leaves open:
/// - `missing_ip_allowlist` applies whenever the Partner box is ticked (also when both boxes are)
///   and no address could be read, whether the answer is blank or text without an address (that
///   text also gets `invalid_ip`).
/// - The IP answer is checked (`invalid_ip`, `non_public_ip`, ...) whichever service is chosen.
/// - `exceeds_public_limit` / `exceeds_partner_limit` need exactly one service: with none or
///   both marked there is no limit to compare against (the service flag already asks for review).
/// - Reverse DNS (`rules.reverse_dns`) is looked up for single public addresses only (at most 8,
///   two seconds in all).
pub fn validate(answers: &Answers, rules: &Rules) -> Validated {
    let lookup =
        |addrs: &[std::net::IpAddr]| ip::reverse_lookups(addrs, std::time::Duration::from_secs(2));
    validate_with_lookup(answers, rules, &lookup)
}

/// Reverse lookups as a parameter, so tests can stand in for DNS.
type PtrLookup<'a> = &'a dyn Fn(&[std::net::IpAddr]) -> Vec<(std::net::IpAddr, String)>;

fn validate_with_lookup(answers: &Answers, rules: &Rules, lookup: PtrLookup<'_>) -> Validated {
    let mut found = Validated::default();

    let written =
        |answer: Option<&Answer>, flag: Flag, found: &mut Validated| match clean_text(answer) {
            Cleaned::Text(text) => Some(text),
            Cleaned::Blank(placeholder) => {
                found.add(Finding::Missing { flag, placeholder });
                None
            }
        };
    if let Some(name) = written(
        answers.full_name.as_ref(),
        Flag::MissingFullName,
        &mut found,
    ) {
        found.fields.full_name = name;
    }
    if let Some(org) = written(
        answers.organisation.as_ref(),
        Flag::MissingOrganisation,
        &mut found,
    ) {
        found.fields.organisation = org;
    }
    if let Some(text) = written(
        answers.contact_email.as_ref(),
        Flag::MissingContactEmail,
        &mut found,
    ) {
        match email::normalise(&text) {
            Ok(address) => found.fields.contact_email = address,
            Err(why) => found.add(Finding::InvalidContactEmail { answer: text, why }),
        }
    }

    for (tick, flag) in [
        (&answers.terms, Flag::TermsNotAccepted),
        (&answers.user_guide, Flag::UserGuideNotAgreed),
    ] {
        let agreed = tick.ticked == Some(true);
        if flag == Flag::TermsNotAccepted {
            found.fields.terms_accepted = Some(agreed);
        } else {
            found.fields.user_guide_agreed = Some(agreed);
        }
        if !agreed {
            found.add(Finding::NotTicked {
                flag,
                ticked: tick.ticked,
            });
        }
    }

    let public = answers.public_service.ticked == Some(true);
    let partner = answers.partner_service.ticked == Some(true);
    found.fields.service = match (public, partner) {
        (true, false) => Some(Service::Public),
        (false, true) => Some(Service::Partner),
        (true, true) => {
            found.add(Finding::MultipleServicesSelected);
            None
        }
        (false, false) => {
            found.add(Finding::ServiceNotSelected);
            None
        }
    };

    // "Partner service with no IP address" is the partner service chosen: with both boxes
    // marked the choice is unclear (multiple_services_selected says so) and, like the call
    // limits, the IP requirement is not applied.
    let partner_chosen = found.fields.service == Some(Service::Partner);
    check_allowlist(answers, rules, partner_chosen, lookup, &mut found);

    let records = quantity(answers.expected_records.as_ref());
    let calls = quantity(answers.expected_calls.as_ref());
    for (q, answer, missing, invalid) in [
        (
            &records,
            answers.expected_records.as_ref(),
            Flag::MissingExpectedRecords,
            Flag::InvalidExpectedRecords,
        ),
        (
            &calls,
            answers.expected_calls.as_ref(),
            Flag::MissingExpectedCalls,
            Flag::InvalidExpectedCalls,
        ),
    ] {
        match q {
            Quantity::Missing => found.add(Finding::Missing {
                flag: missing,
                placeholder: answer.map(|a| a.text.trim().to_string()),
            }),
            Quantity::Invalid(why) => found.add(Finding::InvalidNumber {
                flag: invalid,
                answer: answer.map(|a| a.text.clone()).unwrap_or_default(),
                why: *why,
            }),
            Quantity::Value(_) => {}
        }
    }
    let value = |q: Quantity| match q {
        Quantity::Value(v) => Some(v),
        _ => None,
    };
    found.fields.expected_records_per_day = value(records);
    found.fields.expected_api_calls_per_day = value(calls);
    if let Some(calls) = found.fields.expected_api_calls_per_day {
        if let Some(records) = found.fields.expected_records_per_day
            && calls > records
        {
            found.add(Finding::CallsExceedRecords { calls, records });
        }
        match found.fields.service {
            Some(Service::Public) if calls > PUBLIC_CALLS_PER_DAY => {
                found.add(Finding::ExceedsLimit {
                    flag: Flag::ExceedsPublicLimit,
                    calls,
                    limit: PUBLIC_CALLS_PER_DAY,
                })
            }
            Some(Service::Partner) if calls > PARTNER_CALLS_PER_DAY => {
                found.add(Finding::ExceedsLimit {
                    flag: Flag::ExceedsPartnerLimit,
                    calls,
                    limit: PARTNER_CALLS_PER_DAY,
                })
            }
            _ => {}
        }
    }
    found
}

/// The form: "up to 1,000 calls per day" (public), "up to 10,000 real-time calls per day"
/// (partner).
const PUBLIC_CALLS_PER_DAY: u64 = 1_000;
const PARTNER_CALLS_PER_DAY: u64 = 10_000;

fn quantity(answer: Option<&Answer>) -> Quantity {
    answer.map_or(Quantity::Missing, |a| numbers::parse_quantity(&a.text))
}

fn check_allowlist(
    answers: &Answers,
    rules: &Rules,
    partner: bool,
    lookup: PtrLookup<'_>,
    found: &mut Validated,
) {
    let text = answers
        .ip_allowlist
        .as_ref()
        .map(|a| a.text.as_str())
        .unwrap_or("");
    let list = answers
        .ip_allowlist
        .as_ref()
        .map(|a| ip::parse_allowlist(&a.text))
        .unwrap_or(ip::Allowlist {
            blank: true,
            ..ip::Allowlist::default()
        });
    found.fields.ip_allowlist = list.value();
    // Missing means blank: an answer with no address in it is invalid_ip, not missing.
    if partner && list.entries.is_empty() && !list.invalid {
        let placeholder = Some(text.trim().to_string()).filter(|t| !t.is_empty());
        found.add(Finding::MissingIpAllowlist { placeholder });
    }
    if list.invalid {
        found.add(Finding::InvalidIp {
            answer: text.to_string(),
            unparsed: list.unparsed.clone(),
            cut_at: list.cut_at,
        });
    }
    let mut non_public = Vec::new();
    let mut in_ranges = Vec::new();
    let mut too_broad = Vec::new();
    for entry in &list.entries {
        let spaces = ip::non_public_spaces(entry.span());
        if !spaces.is_empty() {
            non_public.push((*entry, spaces));
        }
        if let Some(range) = ip::overlapping(entry, &rules.dynamic_ranges) {
            in_ranges.push((*entry, range));
        }
        if ip::too_broad(entry, rules.ip_min_prefix_v4, rules.ip_min_prefix_v6) {
            too_broad.push(*entry);
        }
    }
    if !non_public.is_empty() {
        found.add(Finding::NonPublicIp {
            entries: non_public,
        });
    }
    let mut ptr_names = Vec::new();
    if rules.reverse_dns && !list.says_dynamic && in_ranges.is_empty() {
        let singles: Vec<std::net::IpAddr> = list
            .entries
            .iter()
            .filter_map(|e| match e {
                ip::Entry::Address(a) if !ip::touches_non_public(e.span()) => Some(*a),
                _ => None,
            })
            .collect();
        if !singles.is_empty() {
            ptr_names = lookup(&singles)
                .into_iter()
                .filter(|(addr, name)| ip::ptr_name_looks_dynamic(name, *addr))
                .collect();
        }
    }
    if list.says_dynamic || !in_ranges.is_empty() || !ptr_names.is_empty() {
        found.add(Finding::DynamicIp {
            answer: text.to_string(),
            words: list.dynamic_words.clone(),
            in_ranges,
            ptr_names,
        });
    }
    if !too_broad.is_empty() {
        found.add(Finding::IpRangeTooBroad {
            entries: too_broad,
            min_prefix_v4: rules.ip_min_prefix_v4,
            min_prefix_v6: rules.ip_min_prefix_v6,
        });
    }
}

/// A written answer after cleaning: its text, or blank (with the placeholder written, if any).
enum Cleaned {
    Text(String),
    Blank(Option<String>),
}

/// A written answer as recorded: whitespace collapsed, stray punctuation and wrapping quotes
/// trimmed. Blank when missing or only a placeholder ("N/A", "-", "___", "[ ]", "<name>"), with
/// the placeholder as written (collapsed) when there was one.
fn clean_text(answer: Option<&Answer>) -> Cleaned {
    let Some(answer) = answer else {
        return Cleaned::Blank(None);
    };
    let text = answer.text.as_str();
    let collapsed = text
        // Control characters (NUL and friends from a hostile or broken document) are not text.
        .split(|c: char| c.is_whitespace() || c.is_control() || c == '\u{200B}' || c == '\u{FEFF}')
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    let trimmed = trim_stray_punctuation(&collapsed);
    if is_placeholder(trimmed) {
        return Cleaned::Blank(Some(collapsed.clone()).filter(|c| !c.is_empty()));
    }
    Cleaned::Text(trimmed.to_string())
}

fn trim_stray_punctuation(s: &str) -> &str {
    const LEADING: &[char] = &[
        ':', '-', '–', '—', '•', '·', '*', '>', ';', ',', '.', '_', '=', '|', ' ',
    ];
    const TRAILING: &[char] = &[':', '-', '–', '—', ';', ',', '_', '=', '|', ' '];
    const QUOTES: &[(char, char)] = &[
        ('"', '"'),
        ('\'', '\''),
        ('“', '”'),
        ('‘', '’'),
        ('«', '»'),
        ('[', ']'),
    ];
    let mut s = s;
    loop {
        let mut next = s.trim_start_matches(LEADING).trim_end_matches(TRAILING);
        for &(open, close) in QUOTES {
            if let Some(inner) = next.strip_prefix(open).and_then(|n| n.strip_suffix(close)) {
                next = inner;
            }
        }
        if next.len() == s.len() {
            return s;
        }
        s = next;
    }
}

fn is_placeholder(s: &str) -> bool {
    if !s.chars().any(char::is_alphanumeric) {
        return true;
    }
    // Template tokens: "<name>", "<organisation>".
    if s.starts_with('<') && s.ends_with('>') && !s.contains('@') {
        return true;
    }
    let letters: String = s
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect();
    matches!(
        letters.as_str(),
        "na" | "none"
            | "nil"
            | "notapplicable"
            | "name"
            | "fullname"
            | "yourname"
            | "organisation"
            | "organization"
            | "organisationname"
            | "organizationname"
            | "email"
            | "emailaddress"
            | "contactemail"
    )
}

#[cfg(test)]
mod tests;
