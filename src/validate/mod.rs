//! `Answers` in → the record's field values and every flag that applies (all problems, not the
//! first).

pub mod email;
pub mod holidays;
pub mod ip;
pub mod numbers;

use crate::form::Answers;
use chrono::NaiveDate;
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
pub fn validate(_answers: &Answers, _rules: &Rules) -> (Fields, Vec<Flag>) {
    (Fields::default(), Vec::new())
}
