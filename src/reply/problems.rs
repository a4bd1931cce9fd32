//! A stored record's flags in → the problems the applicant can fix, each with what the reply
//! needs to explain it (the addresses, the limit, the file), or why the record gets no reply.
//!
//! `applicant_can_fix` is the one table saying, flag by flag, whether the applicant can fix it.

use super::text::quote;
use crate::extract::Unreadable;
use crate::ledger::{FieldDetail, FieldDetails, StoredRecord};
use crate::validate::{Flag, Rules, ip};
use serde::Serialize;

/// Whether the applicant can do something about a flag, decided once per flag.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Fixable {
    /// Always: a missing or wrong answer, an unticked box, a limit.
    Yes,
    /// Depends on why: an unreadable attachment (a password yes, a reader crash no).
    ByCause,
    /// Never: staff decide (no form in the message, answers read by OCR to be checked).
    No,
}

/// The one table: which flags the applicant can fix. A new flag does not compile until it is
/// added here.
pub(crate) fn applicant_can_fix(flag: Flag) -> Fixable {
    match flag {
        Flag::MissingFullName
        | Flag::MissingOrganisation
        | Flag::MissingContactEmail
        | Flag::InvalidContactEmail
        | Flag::TermsNotAccepted
        | Flag::UserGuideNotAgreed
        | Flag::ServiceNotSelected
        | Flag::MultipleServicesSelected
        | Flag::MissingIpAllowlist
        | Flag::InvalidIp
        | Flag::NonPublicIp
        | Flag::DynamicIp
        | Flag::IpRangeTooBroad
        | Flag::MissingExpectedRecords
        | Flag::MissingExpectedCalls
        | Flag::InvalidExpectedRecords
        | Flag::InvalidExpectedCalls
        | Flag::CallsExceedRecords
        | Flag::ExceedsPublicLimit
        | Flag::ExceedsPartnerLimit
        // A scan we could not read: the applicant can send the form file itself.
        | Flag::ScannedWithoutText => Fixable::Yes,
        Flag::UnreadableAttachment => Fixable::ByCause,
        // A message with no form: most are not registrations at all (replies, questions,
        // out-of-office notices); a person answers those.
        Flag::NoFormFound => Fixable::No,
        // Answers read by OCR are checked against the image by staff, not by the applicant.
        Flag::ReadByOcr => Fixable::No,
    }
}

/// The form's limits: "up to 1,000 calls per day" (public), "up to 10,000 real-time calls per
/// day" (partner).
const PUBLIC_CALLS_PER_DAY: u64 = 1_000;
const PARTNER_CALLS_PER_DAY: u64 = 10_000;

/// Longest quote of an applicant's answer in a reply.
const ANSWER_CHARS: usize = 200;
/// Most addresses named for one problem (an answer can list hundreds).
const MAX_NAMED: usize = 10;

/// One problem the applicant can fix, as the template sees it: `code` is the flag's code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub(crate) enum Problem {
    MissingFullName,
    MissingOrganisation,
    MissingContactEmail,
    InvalidContactEmail {
        answer: String,
    },
    TermsNotAccepted,
    UserGuideNotAgreed,
    ServiceNotSelected {
        public_limit: u64,
        partner_limit: u64,
    },
    MultipleServicesSelected {
        public_limit: u64,
        partner_limit: u64,
    },
    MissingIpAllowlist,
    InvalidIp {
        answer: String,
    },
    NonPublicIp {
        addresses: Vec<NonPublicAddress>,
    },
    DynamicIp {
        /// The entries known to be dynamic (empty when the applicant's words said so).
        addresses: Vec<String>,
        /// The applicant's own words said the address is dynamic (not quoted: the answer's raw
        /// text can hold the form's printed wording around it).
        said_dynamic: bool,
    },
    IpRangeTooBroad {
        ranges: Vec<String>,
        min_prefix_v4: u8,
        min_prefix_v6: u8,
    },
    MissingExpectedRecords,
    MissingExpectedCalls,
    InvalidExpectedRecords {
        answer: String,
    },
    InvalidExpectedCalls {
        answer: String,
    },
    CallsExceedRecords {
        calls: i64,
        records: i64,
    },
    ExceedsPublicLimit {
        calls: i64,
        limit: u64,
        other_limit: u64,
    },
    ExceedsPartnerLimit {
        calls: i64,
        limit: u64,
        other_limit: u64,
    },
    UnreadableAttachment {
        attachment: String,
        reason: UnreadableReason,
    },
    ScannedWithoutText {
        attachment: String,
    },
}

/// Why a form could not be opened, in the terms of what the applicant can do about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum UnreadableReason {
    /// Protected with a password: send it without one.
    Encrypted,
    /// Damaged or truncated: send it again.
    Damaged,
    /// Too large: send a smaller file.
    TooLarge,
}

/// A non-public address and what kind of space it lies in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct NonPublicAddress {
    pub entry: String,
    pub kind: AddressKind,
}

/// The kinds of address space that are not reachable from the internet, as a reply names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum AddressKind {
    /// RFC 1918 and IPv6 unique-local.
    Private,
    /// 100.64.0.0/10, the internet provider's side of carrier-grade NAT.
    Shared,
    /// Reserved for examples in documentation.
    Documentation,
    Loopback,
    LinkLocal,
    Multicast,
    /// Any other space that is not globally reachable.
    Reserved,
}

/// Named blocks, most useful first: the first that overlaps an entry names it.
const NAMED_BLOCKS: &[(&str, AddressKind)] = &[
    ("10.0.0.0/8", AddressKind::Private),
    ("172.16.0.0/12", AddressKind::Private),
    ("192.168.0.0/16", AddressKind::Private),
    ("fc00::/7", AddressKind::Private),
    ("100.64.0.0/10", AddressKind::Shared),
    ("192.0.2.0/24", AddressKind::Documentation),
    ("198.51.100.0/24", AddressKind::Documentation),
    ("203.0.113.0/24", AddressKind::Documentation),
    ("2001:db8::/32", AddressKind::Documentation),
    ("3fff::/20", AddressKind::Documentation),
    ("127.0.0.0/8", AddressKind::Loopback),
    ("::1/128", AddressKind::Loopback),
    ("169.254.0.0/16", AddressKind::LinkLocal),
    ("fe80::/10", AddressKind::LinkLocal),
    ("224.0.0.0/4", AddressKind::Multicast),
    ("ff00::/8", AddressKind::Multicast),
];

fn address_kind(entry: &ip::Entry) -> AddressKind {
    let span = entry.span();
    for (block, kind) in NAMED_BLOCKS {
        let Ok(cidr) = ip::parse_cidr(block) else {
            continue;
        };
        let b = ip::cidr_span(cidr);
        if b.v6 == span.v6 && b.first <= span.last && span.first <= b.last {
            return *kind;
        }
    }
    AddressKind::Reserved
}

/// Why a record gets no reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NoReply {
    /// Its flags are all ones a person deals with (codes listed).
    NothingToFix { flags: Vec<String> },
    /// The record is ok and acknowledgements are off.
    OkWithoutAcknowledgement,
    /// It repeats the record it supersedes (the same form sent again).
    Repeats { record_id: i64 },
    /// Neither the contact email nor the sender is an address a reply can go to.
    NoAddress,
}

impl std::fmt::Display for NoReply {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NoReply::NothingToFix { flags } => write!(
                f,
                "nothing in it the applicant can fix ({}): staff review it",
                flags.join(", ")
            ),
            NoReply::OkWithoutAcknowledgement => {
                f.write_str("it is ok and acknowledgements are off ([replies] acknowledge)")
            }
            NoReply::Repeats { record_id } => write!(
                f,
                "it repeats record {record_id} (the same answers sent again)"
            ),
            NoReply::NoAddress => {
                f.write_str("neither its contact email nor its sender is an e-mail address")
            }
        }
    }
}

/// The problems the applicant can fix, in flag order; `Err` when the record has flags but none
/// the applicant can fix. An ok record has none (`Ok(vec![])`).
pub(crate) fn fixable_problems(
    record: &StoredRecord,
    rules: &Rules,
) -> Result<Vec<Problem>, NoReply> {
    let mut problems = Vec::new();
    let mut flags: Vec<Flag> = Vec::new();
    for code in &record.flags {
        // A code this regintake does not know (written by a newer one) is left to staff.
        if let Some(flag) = Flag::ALL.iter().copied().find(|f| f.as_str() == code) {
            flags.push(flag);
        }
    }
    flags.sort();
    flags.dedup();
    for flag in flags {
        let problem = match applicant_can_fix(flag) {
            Fixable::No => None,
            Fixable::Yes | Fixable::ByCause => problem_for(flag, record, rules),
        };
        problems.extend(problem);
    }
    if problems.is_empty() && !record.flags.is_empty() {
        return Err(NoReply::NothingToFix {
            flags: record.flags.clone(),
        });
    }
    Ok(problems)
}

fn problem_for(flag: Flag, record: &StoredRecord, rules: &Rules) -> Option<Problem> {
    let answer = |field: fn(&FieldDetails) -> &FieldDetail| {
        quote(answer_text(record, field).unwrap_or(""), ANSWER_CHARS)
    };
    let calls = record.expected_api_calls_per_day;
    let allowlist = || ip::parse_allowlist(&record.ip_allowlist);
    Some(match flag {
        Flag::MissingFullName => Problem::MissingFullName,
        Flag::MissingOrganisation => Problem::MissingOrganisation,
        Flag::MissingContactEmail => Problem::MissingContactEmail,
        Flag::InvalidContactEmail => Problem::InvalidContactEmail {
            answer: answer(|f| &f.contact_email),
        },
        Flag::TermsNotAccepted => Problem::TermsNotAccepted,
        Flag::UserGuideNotAgreed => Problem::UserGuideNotAgreed,
        Flag::ServiceNotSelected => Problem::ServiceNotSelected {
            public_limit: PUBLIC_CALLS_PER_DAY,
            partner_limit: PARTNER_CALLS_PER_DAY,
        },
        Flag::MultipleServicesSelected => Problem::MultipleServicesSelected {
            public_limit: PUBLIC_CALLS_PER_DAY,
            partner_limit: PARTNER_CALLS_PER_DAY,
        },
        Flag::MissingIpAllowlist => Problem::MissingIpAllowlist,
        Flag::InvalidIp => Problem::InvalidIp {
            answer: answer(|f| &f.ip_allowlist),
        },
        Flag::NonPublicIp => Problem::NonPublicIp {
            addresses: allowlist()
                .entries
                .iter()
                .filter(|e| ip::touches_non_public(e.span()))
                .take(MAX_NAMED)
                .map(|e| NonPublicAddress {
                    entry: e.to_string(),
                    kind: address_kind(e),
                })
                .collect(),
        },
        Flag::DynamicIp => {
            let list = allowlist();
            let raw = answer_text(record, |f| &f.ip_allowlist).unwrap_or("");
            Problem::DynamicIp {
                addresses: list
                    .entries
                    .iter()
                    .filter(|e| ip::overlaps_any(e, &rules.dynamic_ranges))
                    .take(MAX_NAMED)
                    .map(ToString::to_string)
                    .collect(),
                said_dynamic: ip::says_dynamic(raw),
            }
        }
        Flag::IpRangeTooBroad => Problem::IpRangeTooBroad {
            ranges: allowlist()
                .entries
                .iter()
                .filter(|e| ip::too_broad(e, rules.ip_min_prefix_v4, rules.ip_min_prefix_v6))
                .take(MAX_NAMED)
                .map(ToString::to_string)
                .collect(),
            min_prefix_v4: rules.ip_min_prefix_v4,
            min_prefix_v6: rules.ip_min_prefix_v6,
        },
        Flag::MissingExpectedRecords => Problem::MissingExpectedRecords,
        Flag::MissingExpectedCalls => Problem::MissingExpectedCalls,
        Flag::InvalidExpectedRecords => Problem::InvalidExpectedRecords {
            answer: answer(|f| &f.expected_records_per_day),
        },
        Flag::InvalidExpectedCalls => Problem::InvalidExpectedCalls {
            answer: answer(|f| &f.expected_api_calls_per_day),
        },
        Flag::CallsExceedRecords => Problem::CallsExceedRecords {
            calls: calls?,
            records: record.expected_records_per_day?,
        },
        Flag::ExceedsPublicLimit => Problem::ExceedsPublicLimit {
            calls: calls?,
            limit: PUBLIC_CALLS_PER_DAY,
            other_limit: PARTNER_CALLS_PER_DAY,
        },
        Flag::ExceedsPartnerLimit => Problem::ExceedsPartnerLimit {
            calls: calls?,
            limit: PARTNER_CALLS_PER_DAY,
            other_limit: PUBLIC_CALLS_PER_DAY,
        },
        Flag::UnreadableAttachment => Problem::UnreadableAttachment {
            attachment: quote(&record.attachment, ANSWER_CHARS),
            reason: unreadable_reason(record)?,
        },
        Flag::ScannedWithoutText => Problem::ScannedWithoutText {
            attachment: quote(&record.attachment, ANSWER_CHARS),
        },
        Flag::NoFormFound | Flag::ReadByOcr => return None,
    })
}

/// The applicant's answer to one field as read (its detail's `answer`), else, in records
/// written before that was kept, the raw text it was read from.
fn answer_text(record: &StoredRecord, field: fn(&FieldDetails) -> &FieldDetail) -> Option<&str> {
    let field = field(record.detail.fields.as_ref()?);
    field.answer.as_deref().or(field.raw.as_deref())
}

/// What the applicant can do about an unreadable form, from the typed reason the pipeline
/// stored (`detail.unreadable`). `None` (no reply) for a reader failure, a crash, a deadline or
/// a limit that only a hostile file reaches: those are for staff.
fn unreadable_reason(record: &StoredRecord) -> Option<UnreadableReason> {
    match record.detail.unreadable.as_ref()? {
        Unreadable::Encrypted | Unreadable::UnsupportedEncryption | Unreadable::EncryptedWord => {
            Some(UnreadableReason::Encrypted)
        }
        Unreadable::Malformed { .. } => Some(UnreadableReason::Damaged),
        Unreadable::OverLimit {
            limit: crate::extract::Limit::AttachmentBytes,
            ..
        } => Some(UnreadableReason::TooLarge),
        Unreadable::OverLimit { .. }
        | Unreadable::ReaderFailed { .. }
        | Unreadable::ReaderCrashed { .. }
        | Unreadable::TimedOut { .. }
        | Unreadable::OutOfMemory { .. }
        | Unreadable::NoAnswer => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_flag_is_decided_and_no_form_is_not_fixable() {
        for flag in Flag::ALL {
            let _ = applicant_can_fix(flag);
        }
        assert_eq!(applicant_can_fix(Flag::NoFormFound), Fixable::No);
        assert_eq!(applicant_can_fix(Flag::NonPublicIp), Fixable::Yes);
        assert_eq!(
            applicant_can_fix(Flag::UnreadableAttachment),
            Fixable::ByCause
        );
    }

    #[test]
    fn addresses_are_named_by_the_space_they_lie_in() {
        let kind = |s: &str| address_kind(&ip::parse_allowlist(s).entries[0]);
        assert_eq!(kind("192.168.10.4"), AddressKind::Private);
        assert_eq!(kind("10.1.2.3"), AddressKind::Private);
        assert_eq!(kind("100.72.1.9"), AddressKind::Shared);
        assert_eq!(kind("203.0.113.5"), AddressKind::Documentation);
        assert_eq!(kind("2001:db8::1"), AddressKind::Documentation);
        assert_eq!(kind("fd12:3456::1"), AddressKind::Private);
        assert_eq!(kind("127.0.0.1"), AddressKind::Loopback);
        assert_eq!(kind("169.254.3.3"), AddressKind::LinkLocal);
        assert_eq!(kind("239.1.1.1"), AddressKind::Multicast);
        assert_eq!(kind("0.1.2.3"), AddressKind::Reserved);
    }
}
