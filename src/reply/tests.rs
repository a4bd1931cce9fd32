use super::*;
use crate::ledger::RecordDetail;
use crate::validate::Flag;
use chrono::TimeZone;
use mail_parser::MessageParser;
use serde_json::json;

/// A complete partner registration, as the ledger would hold it.
fn record() -> StoredRecord {
    StoredRecord {
        record_id: 17,
        message_key: "mid:abc.123@mail.example.gov.au".into(),
        position: 0,
        message_id: "<abc.123@mail.example.gov.au>".into(),
        sender: "jane.citizen@example.gov.au".into(),
        subject: "Registration form".into(),
        received_at: "2026-03-02T09:15:00+11:00".into(),
        attachment: "registration.pdf".into(),
        source: "pdf-form".into(),
        full_name: "Dr Jane Citizen".into(),
        organisation: "Department of Examples".into(),
        contact_email: "jane.citizen@example.gov.au".into(),
        terms_accepted: true,
        service: "partner".into(),
        ip_allowlist: "150.203.4.7".into(),
        expected_records_per_day: Some(50_000),
        expected_api_calls_per_day: Some(5_000),
        user_guide_agreed: true,
        flags: vec![],
        due_by: "2026-03-09".into(),
        detail: RecordDetail::default(),
        supersedes: None,
        repeats_superseded: false,
    }
}

/// A record's detail as the ledger stores it (JSON), read as a reply reads it.
fn stored(detail: serde_json::Value) -> RecordDetail {
    serde_json::from_value(detail).expect("a record detail")
}

fn with_flags(mut r: StoredRecord, flags: &[Flag]) -> StoredRecord {
    r.flags = flags.iter().map(|f| f.as_str().to_string()).collect();
    r
}

fn composer() -> Composer {
    Composer::new(&Config::default()).expect("built-in template compiles")
}

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 3, 1, 2, 3).unwrap()
}

fn draft(r: &StoredRecord) -> Draft {
    composer()
        .compose(r, Acknowledge::No, now())
        .expect("renders")
        .expect("a reply")
}

/// The draft's decoded headers and body text.
fn parsed(d: &Draft) -> (String, String, String, String) {
    let m = MessageParser::new().parse(&d.bytes).expect("parses");
    let to = m.to().and_then(|a| a.first()).expect("to");
    let to = format!(
        "{} <{}>",
        to.name().unwrap_or(""),
        to.address().unwrap_or("")
    );
    (
        to,
        m.subject().unwrap_or("").to_string(),
        m.body_text(0).unwrap_or_default().replace("\r\n", "\n"),
        String::from_utf8_lossy(&d.bytes).to_string(),
    )
}

#[test]
fn private_address_reply_threads_and_explains() {
    let mut r = with_flags(record(), &[Flag::NonPublicIp]);
    r.ip_allowlist = "192.168.10.4; 100.70.1.2".into();
    let d = draft(&r);
    let (to, subject, body, raw) = parsed(&d);
    assert_eq!(to, "Dr Jane Citizen <jane.citizen@example.gov.au>");
    assert_eq!(subject, "Re: Registration form");
    assert!(
        raw.contains("\r\nIn-Reply-To: <abc.123@mail.example.gov.au>\r\n"),
        "{raw}"
    );
    assert!(raw.contains("\r\nReferences: <abc.123@mail.example.gov.au>\r\n"));
    assert!(
        raw.starts_with(
            "From: \"ABS Occupation Coding Service\" <coding.service.registration@abs.gov.au>\r\n"
        ),
        "{raw}"
    );
    assert!(d.message_id.starts_with("<reply-17-") && d.message_id.ends_with("@abs.gov.au>"));
    assert!(raw.contains(&format!("\r\nMessage-ID: {}\r\n", d.message_id)));
    assert!(
        raw.contains("\r\nDate: Tue, 3 Mar 2026 12:02:03 +1100\r\n"),
        "{raw}"
    );
    let words = body.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        words.contains("192.168.10.4 is a private address"),
        "{body}"
    );
    assert!(words.contains("100.70.1.2 is a shared address"), "{body}");
    assert!(words.contains("static public IP address"));
    assert!(body.contains("Dear Dr Jane Citizen,"));
    assert!(words.contains("Name: Dr Jane Citizen"));
    assert!(words.contains("Organisation: Department of Examples"));
    assert!(words.contains("Service: Partner service"));
    assert!(words.contains("Records a day: 50,000"));
    assert!(words.contains("API calls a day: 5,000"));
    assert!(
        words.contains("(your email of Monday 2 March 2026)"),
        "{body}"
    );
    assert!(body.lines().all(|l| l.chars().count() <= 76), "{body}");
    assert!(raw.lines().all(|l| l.len() <= 78), "{raw}");
}

#[test]
fn each_fixable_flag_is_named() {
    let cases: Vec<(Flag, &str)> = vec![
        (Flag::MissingFullName, "Your full name"),
        (Flag::MissingOrganisation, "The name of your organisation"),
        (Flag::MissingContactEmail, "A contact email address"),
        (
            Flag::InvalidContactEmail,
            "\"jane(at)abs.gov.au\" is not an email",
        ),
        (Flag::TermsNotAccepted, "Terms of Use"),
        (Flag::UserGuideNotAgreed, "User Guide"),
        (Flag::ServiceNotSelected, "neither was marked"),
        (Flag::MultipleServicesSelected, "both were marked"),
        (Flag::MissingIpAllowlist, "none were given"),
        (Flag::InvalidIp, "\"to be confirmed\""),
        (Flag::DynamicIp, "static public IP address"),
        (Flag::IpRangeTooBroad, "150.203.0.0/16 covers more"),
        (
            Flag::MissingExpectedRecords,
            "records you expect to code a day",
        ),
        (
            Flag::MissingExpectedCalls,
            "API calls you expect to make a day",
        ),
        (Flag::InvalidExpectedRecords, "\"TBC\""),
        (Flag::InvalidExpectedCalls, "\"unknown\""),
        (
            Flag::CallsExceedRecords,
            "5,000 API calls a day is more than the 2,000",
        ),
        (
            Flag::ExceedsPublicLimit,
            "up to 1,000 API calls a day and your form expects 5,000",
        ),
        (
            Flag::ExceedsPartnerLimit,
            "up to 10,000 API calls a day and your form expects 5,000",
        ),
        (
            Flag::ScannedWithoutText,
            "registration.pdf is a scanned image",
        ),
    ];
    for (flag, wanted) in cases {
        let mut r = with_flags(record(), &[flag]);
        r.ip_allowlist = "150.203.0.0/16".into();
        r.expected_records_per_day = Some(2_000);
        r.detail = stored(json!({"fields": {
            "contact_email": {"raw": "jane(at)abs.gov.au"},
            "ip_allowlist": {"raw": "to be confirmed"},
            "expected_records_per_day": {"raw": "TBC"},
            "expected_api_calls_per_day": {"raw": "unknown"},
        }}));
        let (_, _, body, _) = parsed(&draft(&r));
        let words = body.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(
            words.contains(wanted),
            "{flag:?}: {wanted:?} not in\n{body}"
        );
        assert!(body.contains("Please send us:"), "{flag:?}");
    }
}

#[test]
fn unreadable_forms_say_what_to_do_by_cause() {
    let cases = [
        (json!({"kind": "encrypted"}), Some("without a password")),
        (
            json!({"kind": "encrypted_word"}),
            Some("without a password"),
        ),
        (
            json!({"kind": "malformed", "reason": "xref broken"}),
            Some("is damaged"),
        ),
        (
            json!({"kind": "over_limit", "limit": "attachment_bytes", "reason": "30 MB"}),
            Some("too large"),
        ),
        (
            json!({"kind": "reader_crashed", "crash": {"how": "stack_overflow"}}),
            None,
        ),
        (
            json!({"kind": "timed_out", "deadline_ms": 10000, "cpu": true}),
            None,
        ),
        (
            json!({"kind": "over_limit", "limit": "zip_ratio", "reason": "bomb"}),
            None,
        ),
    ];
    for (why, wanted) in cases {
        let mut r = with_flags(record(), &[Flag::UnreadableAttachment]);
        r.detail = stored(json!({"notes": ["internal: reader said xyzzy"], "unreadable": why}));
        let out = composer().compose(&r, Acknowledge::No, now()).unwrap();
        match (wanted, out) {
            (Some(wanted), Ok(d)) => {
                let (_, _, body, _) = parsed(&d);
                assert!(body.contains(wanted), "{why}: {body}");
                assert!(!body.contains("xyzzy"), "an internal note leaked: {body}");
            }
            (None, Err(NoReply::NothingToFix { .. })) => {}
            (wanted, out) => panic!("{why}: wanted {wanted:?}, got {out:?}"),
        }
    }
}

#[test]
fn records_no_one_can_fix_get_no_reply() {
    let c = composer();
    let no_form = with_flags(record(), &[Flag::NoFormFound]);
    assert!(matches!(
        c.compose(&no_form, Acknowledge::OkRecords, now()).unwrap(),
        Err(NoReply::NothingToFix { .. })
    ));
    let unknown = {
        let mut r = record();
        r.flags = vec!["flag_from_the_future".into()];
        r
    };
    assert!(matches!(
        c.compose(&unknown, Acknowledge::OkRecords, now()).unwrap(),
        Err(NoReply::NothingToFix { .. })
    ));
    let mut repeat = with_flags(record(), &[Flag::TermsNotAccepted]);
    repeat.supersedes = Some(3);
    repeat.repeats_superseded = true;
    assert_eq!(
        c.compose(&repeat, Acknowledge::No, now()).unwrap(),
        Err(NoReply::Repeats { record_id: 3 })
    );
    // A resubmission with changed answers is answered.
    repeat.repeats_superseded = false;
    assert!(c.compose(&repeat, Acknowledge::No, now()).unwrap().is_ok());
    assert_eq!(
        c.compose(&record(), Acknowledge::No, now()).unwrap(),
        Err(NoReply::OkWithoutAcknowledgement)
    );
}

#[test]
fn an_ok_record_is_acknowledged_with_the_due_date() {
    let d = composer()
        .compose(&record(), Acknowledge::OkRecords, now())
        .unwrap()
        .unwrap();
    let (_, _, body, _) = parsed(&d);
    let words = body.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(words.contains("by Monday 9 March 2026"), "{body}");
    assert!(!body.contains("Please send us"));
}

#[test]
fn the_address_falls_back_to_the_sender_and_else_there_is_none() {
    let mut r = with_flags(record(), &[Flag::InvalidContactEmail]);
    r.contact_email = String::new();
    r.sender = "colleague@example.gov.au".into();
    let d = draft(&r);
    assert_eq!(d.to, "colleague@example.gov.au");
    // Not the applicant's name on a colleague's address.
    assert_eq!(parsed(&d).0, " <colleague@example.gov.au>");
    r.sender = "not an address".into();
    assert_eq!(
        composer().compose(&r, Acknowledge::No, now()).unwrap(),
        Err(NoReply::NoAddress)
    );
    r.contact_email = "jane@".into();
    r.sender = String::new();
    assert_eq!(
        composer().compose(&r, Acknowledge::No, now()).unwrap(),
        Err(NoReply::NoAddress)
    );
}

#[test]
fn header_injection_stays_inside_its_header() {
    let mut r = with_flags(record(), &[Flag::TermsNotAccepted]);
    r.full_name = "Jane\r\nBcc: victim@example.com\r\n\r\nbody".into();
    r.subject = "Hello\r\nBcc: victim@example.com".into();
    r.message_id = "<x@y>\r\nBcc: victim@example.com".into();
    let d = draft(&r);
    let raw = String::from_utf8_lossy(&d.bytes).to_string();
    assert!(!raw.to_ascii_lowercase().contains("\r\nbcc:"), "{raw}");
    assert!(
        !raw.contains("In-Reply-To"),
        "a malformed Message-ID is not echoed: {raw}"
    );
    let (to, subject, _, _) = parsed(&d);
    assert_eq!(subject, "Re: Hello Bcc: victim@example.com");
    assert_eq!(
        to,
        "Jane Bcc: victim@example.com body <jane.citizen@example.gov.au>"
    );
}

#[test]
fn non_ascii_names_and_subjects_are_encoded_words() {
    let mut r = with_flags(record(), &[Flag::UserGuideNotAgreed]);
    r.full_name = "Zoë Ngô-Đặng".into();
    r.subject = format!(
        "RE: re : Đăng ký {}",
        "dịch vụ mã hoá nghề nghiệp ".repeat(4)
    );
    let d = draft(&r);
    let raw = String::from_utf8_lossy(&d.bytes).to_string();
    assert!(raw.is_ascii(), "headers and body are 7-bit: {raw}");
    assert!(raw.lines().all(|l| l.len() <= 78), "folded: {raw}");
    assert!(raw.contains("=?utf-8?"), "{raw}");
    let (to, subject, body, _) = parsed(&d);
    assert_eq!(to, "Zoë Ngô-Đặng <jane.citizen@example.gov.au>");
    assert!(subject.starts_with("Re: Đăng ký dịch vụ"), "{subject}");
    assert!(!subject.to_lowercase().starts_with("re: re"), "{subject}");
    assert!(body.contains("Dear Zoë Ngô-Đặng,"));
}

#[test]
fn a_long_answer_is_quoted_shortened() {
    let mut r = with_flags(record(), &[Flag::InvalidIp]);
    let answer = "see attached ".repeat(800);
    r.detail = stored(json!({"fields": {"ip_allowlist": {"raw": answer}}}));
    r.organisation = "O".repeat(10_000);
    let d = draft(&r);
    assert!(d.bytes.len() < 8_000, "{} bytes", d.bytes.len());
    let (_, _, body, _) = parsed(&d);
    assert!(body.contains("see attached see attached"));
    assert!(body.contains('…'));
}

#[test]
fn subjects() {
    assert_eq!(reply_subject("Registration"), "Re: Registration");
    assert_eq!(reply_subject("Re: Registration"), "Re: Registration");
    assert_eq!(reply_subject("RE: Re:re :Registration"), "Re: Registration");
    assert_eq!(reply_subject("Regarding: x"), "Re: Regarding: x");
    assert_eq!(
        reply_subject("  "),
        "Re: Occupation Coding Service registration"
    );
    assert_eq!(
        reply_subject("Re:"),
        "Re: Occupation Coding Service registration"
    );
}

#[test]
fn message_ids() {
    assert_eq!(valid_message_id("<a.b@c.d>"), Some("a.b@c.d"));
    assert_eq!(valid_message_id("a.b@c.d"), None);
    assert_eq!(valid_message_id("<a b@c.d>"), None);
    assert_eq!(valid_message_id("<ab>"), None);
    assert_eq!(valid_message_id("<a@b@c>"), None);
    assert_eq!(valid_message_id(""), None);
    let r = record();
    let mut other = record();
    other.message_key = "mid:other@x".into();
    assert_eq!(
        draft_message_id(&r, "abs.gov.au"),
        draft_message_id(&r, "abs.gov.au")
    );
    assert_ne!(
        draft_message_id(&r, "abs.gov.au"),
        draft_message_id(&other, "abs.gov.au")
    );
}

#[test]
fn the_draft_depends_only_on_the_record_and_the_date() {
    let r = with_flags(record(), &[Flag::NonPublicIp, Flag::TermsNotAccepted]);
    let c = composer();
    let a = c.compose(&r, Acknowledge::No, now()).unwrap().unwrap();
    let b = c.compose(&r, Acknowledge::No, now()).unwrap().unwrap();
    assert_eq!(a, b);
}

#[test]
fn from_is_checked() {
    assert_eq!(
        Sender::parse("Coding Service <Coding@ABS.gov.au>").unwrap(),
        Sender {
            name: "Coding Service".into(),
            address: "coding@abs.gov.au".into()
        }
    );
    assert_eq!(Sender::parse("\"A, B\" <a@b.au>").unwrap().name, "A, B");
    assert_eq!(Sender::parse("a@b.au").unwrap().name, "");
    assert!(Sender::parse("A <a@b.au>\r\nBcc: x@y.z").is_err());
    assert!(Sender::parse("A <a@b.au> trailing").is_err());
    assert!(Sender::parse("nobody").is_err());
}

#[test]
fn an_office_template_is_used_and_its_mistakes_are_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("reply.txt");
    std::fs::write(
        &path,
        "Hi {{ full_name }}\n{% for p in problems %}* {{ p.code }}\n{% endfor %}",
    )
    .unwrap();
    let mut config = Config::default();
    config.replies.template = path.display().to_string();
    let c = Composer::new(&config).unwrap();
    let r = with_flags(record(), &[Flag::TermsNotAccepted, Flag::NonPublicIp]);
    let d = c.compose(&r, Acknowledge::No, now()).unwrap().unwrap();
    let (_, _, body, _) = parsed(&d);
    assert_eq!(
        body,
        "Hi Dr Jane Citizen\n* terms_not_accepted\n* non_public_ip\n"
    );

    std::fs::write(&path, "Hi {{ full_name }\n").unwrap();
    let e = format!(
        "{:#}",
        Composer::new(&config).err().expect("a syntax error")
    );
    assert!(e.contains("line 1"), "{e}");
    assert!(!e.contains('\n'), "{e}");
    std::fs::write(&path, "Hi {{ fullname }}\n").unwrap();
    let c = Composer::new(&config).unwrap();
    let e = format!("{:#}", c.compose(&r, Acknowledge::No, now()).unwrap_err());
    assert!(e.contains("undefined"), "{e}");
}
