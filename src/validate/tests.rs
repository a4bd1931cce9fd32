//! Tests: answer sets in → the fields, flags and notes `validate` must give, each problem
//! alone and together.

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
    let v = validate_with_lookup(answers, &Rules::default(), &no_dns);
    (v.fields, v.flags)
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
            terms_accepted: Some(true),
            service: Some(Service::Partner),
            ip_allowlist: "150.203.4.7; 150.203.5.0/24".into(),
            expected_records_per_day: Some(50_000),
            expected_api_calls_per_day: Some(5_000),
            user_guide_agreed: Some(true),
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
    answers.ip_allowlist =
        answer("10.0.0.0/8, 192.168.0.0/16, 300.1.1.1, home connection, 150.203.4.7 - 150.203.9.1");
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
    let a = Answers {
        full_name: Some(Answer {
            text: "Jane\u{0}Citizen\u{7}".into(),
            raw: String::new(),
            from_field: false,
            place: None,
        }),
        ..Answers::default()
    };
    let v = validate(&a, &Rules::default());
    assert_eq!(v.fields.full_name, "Jane Citizen");
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
    let v = validate_with_lookup(&clean(), &rules, &no_dns);
    assert_eq!(v.flags, vec![Flag::DynamicIp]);
    assert_eq!(
        v.notes(),
        "IP address 150.203.4.7 is in the known dynamic range 150.203.4.0/24."
    );
    let mut elsewhere = clean();
    elsewhere.ip_allowlist = answer("150.203.6.1");
    let v = validate_with_lookup(&elsewhere, &rules, &no_dns);
    assert_eq!(v.flags, vec![]);
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
    let v = validate_with_lookup(&clean(), &on, &looks_dynamic);
    assert_eq!(v.flags, vec![Flag::DynamicIp]);
    assert_eq!(
        v.notes(),
        "IP address 150.203.4.7 has the reverse-DNS name \"dyn-150-203-4-7.isp.example\", \
         which looks like a dynamic address."
    );
    let v = validate_with_lookup(&clean(), &on, &looks_static);
    assert_eq!(v.flags, vec![]);
    // Off (the default): never looked up (`no_dns` would panic).
    let v = validate_with_lookup(&clean(), &Rules::default(), &no_dns);
    assert_eq!(v.flags, vec![]);
}

fn notes_of(edit: impl FnOnce(&mut Answers)) -> (Vec<Flag>, String) {
    let mut answers = clean();
    edit(&mut answers);
    let v = validate_with_lookup(&answers, &Rules::default(), &no_dns);
    assert_eq!(v.findings.len(), v.flags.len(), "one finding per flag");
    for (finding, flag) in v.findings.iter().zip(&v.flags) {
        assert_eq!(finding.flag(), *flag);
    }
    let notes = v.notes();
    (v.flags, notes)
}

#[test]
fn a_clean_record_has_no_notes() {
    assert_eq!(notes_of(|_| {}).1, "");
}

#[test]
fn notes_quote_the_answer_and_say_what_is_wrong() {
    type Edit = fn(&mut Answers);
    let rows: Vec<(Edit, &str)> = vec![
        (
            |a| a.contact_email = answer("jane(at)abs.gov.au"),
            "Contact email \"jane(at)abs.gov.au\" is not an e-mail address.",
        ),
        (
            |a| a.contact_email = answer("jane@abs@gov.au"),
            "Contact email \"jane@abs@gov.au\" is not an e-mail address.",
        ),
        (
            |a| a.ip_allowlist = answer("150.203.4.7, 192.168.10.4"),
            "IP address 192.168.10.4 is a private address.",
        ),
        (
            |a| a.ip_allowlist = answer("10.1.1.1, 127.0.0.1, 100.63.255.250 - 100.64.0.5"),
            "IP address 10.1.1.1 is a private address, 127.0.0.1 is a loopback address and \
             100.63.255.250-100.64.0.5 includes shared (carrier-grade NAT) addresses.",
        ),
        (
            |a| a.ip_allowlist = answer("our office IP"),
            "IP address answer \"our office IP\" holds no IP address, CIDR block or range.",
        ),
        (
            |a| a.ip_allowlist = answer("150.203.4.7, 150.203.4"),
            "IP address answer \"150.203.4.7, 150.203.4\" is not all addresses: \
             \"150.203.4\" is not an IP address.",
        ),
        (
            |a| a.ip_allowlist = answer("150.203.4.20 - 150.203.4.10"),
            "IP address answer \"150.203.4.20 - 150.203.4.10\" is not all addresses: the \
             range 150.203.4.20 to 150.203.4.10 ends below its start.",
        ),
        (
            |a| a.ip_allowlist = answer("203.10.76.45 (DHCP, may change) home broadband"),
            "IP address answer \"203.10.76.45 (DHCP, may change) home broadband\" says the \
             address is dynamic (\"dhcp\", \"may change\" and \"home broadband\").",
        ),
        (
            |a| a.ip_allowlist = answer("150.203.0.0/16"),
            "IP block 150.203.0.0/16 covers 65,536 addresses, wider than a /24.",
        ),
        (
            |a| a.expected_records = answer("TBC"),
            "Expected records per day \"TBC\" has no number in it.",
        ),
        (
            |a| a.expected_calls = answer("unknown"),
            "Expected API calls per day \"unknown\" has no number in it.",
        ),
        (
            |a| a.expected_records = answer("4,000"),
            "The expected API calls a day (5,000) are more than the expected records a day \
             (4,000).",
        ),
        (
            |a| a.expected_calls = answer("20,000"),
            "The form expects 20,000 API calls a day, over the Partner service's limit of \
             10,000.",
        ),
        (
            |a| a.full_name = answer("N/A"),
            "The full name is not given (the answer is \"N/A\").",
        ),
        (|a| a.organisation = None, "The organisation is blank."),
        (
            |a| a.terms = tick(Some(false)),
            "The Terms of Use statement is not ticked or agreed to.",
        ),
        (
            |a| a.user_guide = tick(None),
            "No tick or answer was found for the User Guide statement, so it counts as not \
             agreed.",
        ),
        (
            |a| a.public_service = tick(Some(true)),
            "Both the Public and the Partner service are marked.",
        ),
        (
            |a| a.ip_allowlist = answer("N/A"),
            "The Partner service needs the IP addresses to allow, and none was given (the \
             answer is \"N/A\").",
        ),
    ];
    for (edit, expected) in rows {
        let (flags, notes) = notes_of(edit);
        assert_eq!(flags.len(), 1, "{flags:?}");
        assert_eq!(notes, expected);
    }
}

#[test]
fn every_flag_has_its_own_sentence() {
    let (flags, notes) = notes_of(|a| *a = Answers::default());
    assert_eq!(flags.len(), 8);
    assert_eq!(notes.matches(". ").count() + 1, flags.len(), "{notes}");
    let (flags, notes) = notes_of(|a| {
        a.ip_allowlist = answer("10.0.0.0/8, 300.1.1.1, home connection");
        a.expected_calls = answer("99,000");
    });
    assert_eq!(
        flags,
        vec![
            Flag::InvalidIp,
            Flag::NonPublicIp,
            Flag::DynamicIp,
            Flag::IpRangeTooBroad,
            Flag::CallsExceedRecords,
            Flag::ExceedsPartnerLimit
        ]
    );
    for part in [
        "\"300.1.1.1\" is not an IP address.",
        "IP block 10.0.0.0/8 includes private addresses.",
        "(\"home connection\").",
        "10.0.0.0/8 covers 16,777,216 addresses, wider than a /24.",
        "(99,000) are more than the expected records a day (50,000).",
        "limit of 10,000.",
    ] {
        assert!(notes.contains(part), "{part:?} not in {notes:?}");
    }
}

#[test]
fn hostile_answers_do_not_break_a_note() {
    let (_, notes) = notes_of(|a| {
        a.contact_email = answer(&format!(
            "\u{202E}moc.liame@{}\r\n=cmd|x",
            "a".repeat(10_000)
        ))
    });
    assert!(
        notes.starts_with("Contact email \"[U+202E]moc.liame@aaa"),
        "{notes}"
    );
    assert!(notes.contains("…\" (10,018 characters) is not"), "{notes}");
    assert!(notes.chars().count() < 400, "{}", notes.chars().count());
    assert!(!notes.chars().any(notes::is_invisible), "{notes:?}");
}
