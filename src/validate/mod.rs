//! `Answers` in → the record's field values and every flag that applies (all problems, not the
//! first).

pub mod email;
pub mod holidays;
pub mod ip;
pub mod numbers;
mod rules;

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
}

impl Flag {
    pub const ALL: [Flag; 23] = [
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

/// The record's field values, as SPEC's record table defines them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Fields {
    pub full_name: String,
    pub organisation: String,
    pub contact_email: String,
    pub terms_accepted: bool,
    pub service: Option<Service>,
    pub ip_allowlist: String,
    pub expected_records_per_day: Option<u64>,
    pub expected_api_calls_per_day: Option<u64>,
    pub user_guide_agreed: bool,
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

/// Turns answers into field values and collects every flag that applies, in `Flag` order.
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
pub fn validate(answers: &Answers, rules: &Rules) -> (Fields, Vec<Flag>) {
    let lookup =
        |addrs: &[std::net::IpAddr]| ip::reverse_lookups(addrs, std::time::Duration::from_secs(2));
    validate_with_lookup(answers, rules, &lookup)
}

/// Reverse lookups as a parameter, so tests can stand in for DNS.
type PtrLookup<'a> = &'a dyn Fn(&[std::net::IpAddr]) -> Vec<(std::net::IpAddr, String)>;

fn validate_with_lookup(
    answers: &Answers,
    rules: &Rules,
    lookup: PtrLookup<'_>,
) -> (Fields, Vec<Flag>) {
    let mut fields = Fields::default();
    let mut flags = Vec::new();

    match clean_text(answers.full_name.as_ref()) {
        Some(name) => fields.full_name = name,
        None => flags.push(Flag::MissingFullName),
    }
    match clean_text(answers.organisation.as_ref()) {
        Some(org) => fields.organisation = org,
        None => flags.push(Flag::MissingOrganisation),
    }
    match clean_text(answers.contact_email.as_ref()) {
        None => flags.push(Flag::MissingContactEmail),
        Some(text) => match email::normalise(&text) {
            Ok(address) => fields.contact_email = address,
            Err(_) => flags.push(Flag::InvalidContactEmail),
        },
    }

    fields.terms_accepted = answers.terms.ticked == Some(true);
    if !fields.terms_accepted {
        flags.push(Flag::TermsNotAccepted);
    }
    fields.user_guide_agreed = answers.user_guide.ticked == Some(true);
    if !fields.user_guide_agreed {
        flags.push(Flag::UserGuideNotAgreed);
    }

    let public = answers.public_service.ticked == Some(true);
    let partner = answers.partner_service.ticked == Some(true);
    fields.service = match (public, partner) {
        (true, false) => Some(Service::Public),
        (false, true) => Some(Service::Partner),
        (true, true) => {
            flags.push(Flag::MultipleServicesSelected);
            None
        }
        (false, false) => {
            flags.push(Flag::ServiceNotSelected);
            None
        }
    };

    // "Partner service with no IP address" is the partner service chosen: with both boxes
    // marked the choice is unclear (multiple_services_selected says so) and, like the call
    // limits, the IP requirement is not applied.
    let partner_chosen = fields.service == Some(Service::Partner);
    check_allowlist(
        answers,
        rules,
        partner_chosen,
        lookup,
        &mut fields,
        &mut flags,
    );

    let records = quantity(answers.expected_records.as_ref());
    let calls = quantity(answers.expected_calls.as_ref());
    for (q, missing, invalid) in [
        (
            records,
            Flag::MissingExpectedRecords,
            Flag::InvalidExpectedRecords,
        ),
        (
            calls,
            Flag::MissingExpectedCalls,
            Flag::InvalidExpectedCalls,
        ),
    ] {
        match q {
            Quantity::Missing => flags.push(missing),
            Quantity::Invalid => flags.push(invalid),
            Quantity::Value(_) => {}
        }
    }
    let value = |q: Quantity| match q {
        Quantity::Value(v) => Some(v),
        _ => None,
    };
    fields.expected_records_per_day = value(records);
    fields.expected_api_calls_per_day = value(calls);
    if let Some(calls) = fields.expected_api_calls_per_day {
        if fields.expected_records_per_day.is_some_and(|r| calls > r) {
            flags.push(Flag::CallsExceedRecords);
        }
        match fields.service {
            Some(Service::Public) if calls > PUBLIC_CALLS_PER_DAY => {
                flags.push(Flag::ExceedsPublicLimit)
            }
            Some(Service::Partner) if calls > PARTNER_CALLS_PER_DAY => {
                flags.push(Flag::ExceedsPartnerLimit)
            }
            _ => {}
        }
    }

    flags.sort();
    flags.dedup();
    (fields, flags)
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
    fields: &mut Fields,
    flags: &mut Vec<Flag>,
) {
    let list = answers
        .ip_allowlist
        .as_ref()
        .map(|a| ip::parse_allowlist(&a.text))
        .unwrap_or(ip::Allowlist {
            blank: true,
            ..ip::Allowlist::default()
        });
    fields.ip_allowlist = list.value();
    // Missing means blank: an answer with no address in it is invalid_ip, not missing.
    if partner && list.entries.is_empty() && !list.invalid {
        flags.push(Flag::MissingIpAllowlist);
    }
    if list.invalid {
        flags.push(Flag::InvalidIp);
    }
    if list.says_dynamic {
        flags.push(Flag::DynamicIp);
    }
    for entry in &list.entries {
        if ip::touches_non_public(entry.span()) {
            flags.push(Flag::NonPublicIp);
        }
        if ip::overlaps_any(entry, &rules.dynamic_ranges) {
            flags.push(Flag::DynamicIp);
        }
        if ip::too_broad(entry, rules.ip_min_prefix_v4, rules.ip_min_prefix_v6) {
            flags.push(Flag::IpRangeTooBroad);
        }
    }
    if rules.reverse_dns && !flags.contains(&Flag::DynamicIp) {
        let singles: Vec<std::net::IpAddr> = list
            .entries
            .iter()
            .filter_map(|e| match e {
                ip::Entry::Address(a) if !ip::touches_non_public(e.span()) => Some(*a),
                _ => None,
            })
            .collect();
        if !singles.is_empty()
            && lookup(&singles)
                .iter()
                .any(|(addr, name)| ip::ptr_name_looks_dynamic(name, *addr))
        {
            flags.push(Flag::DynamicIp);
        }
    }
}

/// A written answer as recorded: whitespace collapsed, stray punctuation and wrapping quotes
/// trimmed. `None` when blank or only a placeholder ("N/A", "-", "___", "[ ]", "<name>").
fn clean_text(answer: Option<&Answer>) -> Option<String> {
    let text = answer?.text.as_str();
    let collapsed = text
        // Control characters (NUL and friends from a hostile or broken document) are not text.
        .split(|c: char| c.is_whitespace() || c.is_control() || c == '\u{200B}' || c == '\u{FEFF}')
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    let trimmed = trim_stray_punctuation(&collapsed);
    if is_placeholder(trimmed) {
        return None;
    }
    Some(trimmed.to_string())
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
mod tests {
    use super::*;
    use crate::form::Tick;

    fn answer(text: &str) -> Option<Answer> {
        Some(Answer {
            text: text.to_string(),
            raw: text.to_string(),
            from_field: false,
            place: None,
        })
    }

    fn tick(ticked: Option<bool>) -> Tick {
        Tick {
            ticked,
            raw: String::new(),
            from_field: false,
            place: None,
        }
    }

    /// A complete, correct partner registration.
    fn clean() -> Answers {
        Answers {
            full_name: answer("Dr Jane Citizen"),
            organisation: answer("Department of Examples"),
            contact_email: answer("Jane.Citizen@Example.gov.au"),
            terms: tick(Some(true)),
            public_service: tick(Some(false)),
            partner_service: tick(Some(true)),
            ip_allowlist: answer("150.203.4.7, 150.203.5.0/24"),
            expected_records: answer("50,000"),
            expected_calls: answer("approx. 5k"),
            user_guide: tick(Some(true)),
        }
    }

    fn no_dns(_: &[std::net::IpAddr]) -> Vec<(std::net::IpAddr, String)> {
        panic!("reverse DNS must not be looked up")
    }

    fn run(answers: &Answers) -> (Fields, Vec<Flag>) {
        validate_with_lookup(answers, &Rules::default(), &no_dns)
    }

    #[test]
    fn clean_record_has_no_flags() {
        let (fields, flags) = run(&clean());
        assert_eq!(flags, vec![]);
        assert_eq!(
            fields,
            Fields {
                full_name: "Dr Jane Citizen".into(),
                organisation: "Department of Examples".into(),
                contact_email: "jane.citizen@example.gov.au".into(),
                terms_accepted: true,
                service: Some(Service::Partner),
                ip_allowlist: "150.203.4.7; 150.203.5.0/24".into(),
                expected_records_per_day: Some(50_000),
                expected_api_calls_per_day: Some(5_000),
                user_guide_agreed: true,
            }
        );
    }

    #[test]
    fn each_flag() {
        type Edit = fn(&mut Answers);
        let rows: Vec<(&str, Edit, Vec<Flag>)> = vec![
            (
                "no name",
                |a| a.full_name = None,
                vec![Flag::MissingFullName],
            ),
            (
                "name N/A",
                |a| a.full_name = answer(" N/A "),
                vec![Flag::MissingFullName],
            ),
            (
                "name <name>",
                |a| a.full_name = answer("<name>"),
                vec![Flag::MissingFullName],
            ),
            (
                "org ___",
                |a| a.organisation = answer("___"),
                vec![Flag::MissingOrganisation],
            ),
            (
                "org [ ]",
                |a| a.organisation = answer("[ ]"),
                vec![Flag::MissingOrganisation],
            ),
            (
                "no email",
                |a| a.contact_email = answer("  "),
                vec![Flag::MissingContactEmail],
            ),
            (
                "email -",
                |a| a.contact_email = answer("-"),
                vec![Flag::MissingContactEmail],
            ),
            (
                "email jane@",
                |a| a.contact_email = answer("jane@"),
                vec![Flag::InvalidContactEmail],
            ),
            (
                "email (at)",
                |a| a.contact_email = answer("jane(at)abs.gov.au"),
                vec![Flag::InvalidContactEmail],
            ),
            (
                "email two @",
                |a| a.contact_email = answer("jane@abs@gov.au"),
                vec![Flag::InvalidContactEmail],
            ),
            (
                "terms unticked",
                |a| a.terms = tick(Some(false)),
                vec![Flag::TermsNotAccepted],
            ),
            (
                "terms unknown",
                |a| a.terms = tick(None),
                vec![Flag::TermsNotAccepted],
            ),
            (
                "guide unticked",
                |a| a.user_guide = tick(Some(false)),
                vec![Flag::UserGuideNotAgreed],
            ),
            (
                "guide unknown",
                |a| a.user_guide = tick(None),
                vec![Flag::UserGuideNotAgreed],
            ),
            (
                "no service",
                |a| a.partner_service = tick(None),
                vec![Flag::ServiceNotSelected],
            ),
            (
                "both services",
                |a| a.public_service = tick(Some(true)),
                vec![Flag::MultipleServicesSelected],
            ),
            (
                "partner, no IP",
                |a| a.ip_allowlist = None,
                vec![Flag::MissingIpAllowlist],
            ),
            (
                "partner, IP N/A",
                |a| a.ip_allowlist = answer("N/A"),
                vec![Flag::MissingIpAllowlist],
            ),
            (
                "both services, no IP",
                |a| {
                    a.public_service = tick(Some(true));
                    a.ip_allowlist = None;
                },
                vec![Flag::MultipleServicesSelected],
            ),
            (
                "public, IP not required",
                |a| {
                    a.public_service = tick(Some(true));
                    a.partner_service = tick(Some(false));
                    a.ip_allowlist = answer("Public service only - no IP required");
                    a.expected_calls = answer("~800");
                },
                vec![],
            ),
            (
                "partner, IP text without an address",
                |a| a.ip_allowlist = answer("to be confirmed"),
                vec![Flag::InvalidIp],
            ),
            (
                "IP malformed",
                |a| a.ip_allowlist = answer("150.203.4.7, 150.203.4"),
                vec![Flag::InvalidIp],
            ),
            (
                "IP private",
                |a| a.ip_allowlist = answer("150.203.4.7, 192.168.1.10"),
                vec![Flag::NonPublicIp],
            ),
            (
                "IP range into CGNAT",
                |a| a.ip_allowlist = answer("100.63.255.250 - 100.64.0.5"),
                vec![Flag::NonPublicIp],
            ),
            (
                "IP mapped loopback",
                |a| a.ip_allowlist = answer("::ffff:127.0.0.1"),
                vec![Flag::NonPublicIp],
            ),
            (
                "IP said dynamic",
                |a| a.ip_allowlist = answer("150.203.4.7 (dynamic, from our ISP)"),
                vec![Flag::DynamicIp],
            ),
            (
                "IP too broad",
                |a| a.ip_allowlist = answer("150.203.0.0/16"),
                vec![Flag::IpRangeTooBroad],
            ),
            (
                "no records",
                |a| a.expected_records = None,
                vec![Flag::MissingExpectedRecords],
            ),
            (
                "records N/A",
                |a| a.expected_records = answer("N/A"),
                vec![Flag::MissingExpectedRecords],
            ),
            (
                "no calls",
                |a| a.expected_calls = answer(""),
                vec![Flag::MissingExpectedCalls],
            ),
            (
                "records TBC",
                |a| a.expected_records = answer("TBC"),
                vec![Flag::InvalidExpectedRecords],
            ),
            (
                "calls unknown",
                |a| a.expected_calls = answer("unknown"),
                vec![Flag::InvalidExpectedCalls],
            ),
            (
                "calls exceed records",
                |a| a.expected_records = answer("4,000"),
                vec![Flag::CallsExceedRecords],
            ),
            (
                "partner over 10,000",
                |a| a.expected_calls = answer("10,001"),
                vec![Flag::ExceedsPartnerLimit],
            ),
            (
                "public over 1,000",
                |a| {
                    a.public_service = tick(Some(true));
                    a.partner_service = tick(Some(false));
                    a.expected_calls = answer("1,001");
                },
                vec![Flag::ExceedsPublicLimit],
            ),
            (
                "public at 1,000, no IP",
                |a| {
                    a.public_service = tick(Some(true));
                    a.partner_service = tick(Some(false));
                    a.ip_allowlist = None;
                    a.expected_calls = answer("1,000");
                },
                vec![],
            ),
            (
                "both services over 10,000: no limit flag",
                |a| {
                    a.public_service = tick(Some(true));
                    a.expected_calls = answer("20,000");
                    a.expected_records = answer("1 million");
                },
                vec![Flag::MultipleServicesSelected],
            ),
            (
                "everything wrong at once",
                |a| *a = Answers::default(),
                vec![
                    Flag::MissingFullName,
                    Flag::MissingOrganisation,
                    Flag::MissingContactEmail,
                    Flag::TermsNotAccepted,
                    Flag::UserGuideNotAgreed,
                    Flag::ServiceNotSelected,
                    Flag::MissingExpectedRecords,
                    Flag::MissingExpectedCalls,
                ],
            ),
        ];
        for (name, edit, expected) in rows {
            let mut answers = clean();
            edit(&mut answers);
            let (_, flags) = run(&answers);
            assert_eq!(flags, expected, "{name}");
        }
    }

    #[test]
    fn several_ip_problems_are_all_flagged_once_in_order() {
        let mut answers = clean();
        answers.ip_allowlist = answer(
            "10.0.0.0/8, 192.168.0.0/16, 300.1.1.1, home connection, 150.203.4.7 - 150.203.9.1",
        );
        let (fields, flags) = run(&answers);
        assert_eq!(
            flags,
            vec![
                Flag::InvalidIp,
                Flag::NonPublicIp,
                Flag::DynamicIp,
                Flag::IpRangeTooBroad
            ]
        );
        assert_eq!(
            fields.ip_allowlist,
            "10.0.0.0/8; 192.168.0.0/16; 150.203.4.7-150.203.9.1"
        );
    }

    #[test]
    fn control_characters_are_not_kept() {
        let mut a = Answers::default();
        a.full_name = Some(Answer {
            text: "Jane\u{0}Citizen\u{7}".into(),
            raw: String::new(),
            from_field: false,
            place: None,
        });
        let (fields, _) = validate(&a, &Rules::default());
        assert_eq!(fields.full_name, "Jane Citizen");
    }

    #[test]
    fn names_are_cleaned_as_written() {
        let rows = [
            ("Dr Jane Citizen", "Dr Jane Citizen"),
            ("  Dr\tJane \n Citizen ", "Dr Jane Citizen"),
            ("Dr\u{a0}Jane\u{2009}Citizen", "Dr Jane Citizen"),
            (": Jane Citizen", "Jane Citizen"),
            ("- Jane Citizen", "Jane Citizen"),
            ("\"Jane Citizen\"", "Jane Citizen"),
            ("“Jane Citizen”", "Jane Citizen"),
            ("Jane O'Brien", "Jane O'Brien"),
            ("'Jane'", "Jane"),
            ("Smith-Jones, Jane", "Smith-Jones, Jane"),
            ("Prof. Jane Citizen AO", "Prof. Jane Citizen AO"),
            ("Example Pty Ltd.", "Example Pty Ltd."),
        ];
        for (input, expected) in rows {
            let mut answers = clean();
            answers.full_name = answer(input);
            let (fields, flags) = run(&answers);
            assert_eq!(fields.full_name, expected, "{input:?}");
            assert!(!flags.contains(&Flag::MissingFullName), "{input:?}");
        }
    }

    #[test]
    fn dynamic_ranges_file_flags_overlapping_entries() {
        let rules = Rules {
            dynamic_ranges: vec![ip::parse_cidr("150.203.4.0/24").unwrap()],
            ..Rules::default()
        };
        let (_, flags) = validate_with_lookup(&clean(), &rules, &no_dns);
        assert_eq!(flags, vec![Flag::DynamicIp]);
        let mut elsewhere = clean();
        elsewhere.ip_allowlist = answer("150.203.6.1");
        let (_, flags) = validate_with_lookup(&elsewhere, &rules, &no_dns);
        assert_eq!(flags, vec![]);
    }

    #[test]
    fn reverse_dns_is_opt_in_and_uses_the_name_heuristic() {
        let looks_dynamic = |addrs: &[std::net::IpAddr]| {
            addrs
                .iter()
                .map(|a| {
                    (
                        *a,
                        format!("dyn-{}.isp.example", a.to_string().replace('.', "-")),
                    )
                })
                .collect()
        };
        let looks_static = |addrs: &[std::net::IpAddr]| {
            addrs
                .iter()
                .map(|a| (*a, "gw.example.gov.au".into()))
                .collect()
        };
        let on = Rules {
            reverse_dns: true,
            ..Rules::default()
        };
        let (_, flags) = validate_with_lookup(&clean(), &on, &looks_dynamic);
        assert_eq!(flags, vec![Flag::DynamicIp]);
        let (_, flags) = validate_with_lookup(&clean(), &on, &looks_static);
        assert_eq!(flags, vec![]);
        // Off (the default): never looked up (`no_dns` would panic).
        let (_, flags) = validate_with_lookup(&clean(), &Rules::default(), &no_dns);
        assert_eq!(flags, vec![]);
    }
}
