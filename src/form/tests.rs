//! Whole documents in → their answers out: the reader as a whole, over the layouts the
//! fixtures and applicants use.

use super::*;
use crate::extract::{Field, FieldValue, Line, Source};

fn doc(lines: &[&[&str]]) -> Document {
    let mut d = Document::new(Source::Body);
    for l in lines {
        d.lines
            .push(Line::of_cells(l.iter().map(|c| c.to_string()).collect()));
    }
    d
}

fn text_doc(text: &str) -> Document {
    crate::extract::body::read(text)
}

fn val(a: &Option<Answer>) -> &str {
    a.as_ref().map(|a| a.text.as_str()).unwrap_or("")
}

const OFFICIAL_FILLED: &str = "Occupation Coding Service Registration Form\n\nYour Details\n\tFull name\n\tDr Jane Citizen\n\n\tOrganisation\n\tAustralian National University\n\n\tContact email\n\tJane.Citizen@anu.edu.au\n\nTerms of Use\n☒ I have read, understand, and agree to be legally bound by the Terms of Use of the Australian Bureau of Statistics Occupation Coding Service.\n\nService required\n☐ Public coding service (1 API call per second and up to 1,000 calls per day).\nSelect this service if you require real-time single record coding services, ad hoc coding, or real-time coding of small batches of data (up to 300 records).\n\n☒ Partner coding service (Large batch coding, and real-time coding (1 API call per second and up to 10,000 real-time calls per day)).\nSelect this service if you require single record, small batch and large dataset processing (up to millions of records). You must also provide a static agency IP address or range of addresses for allowlisting (not a local, personal, workstation or dynamic IP address):  [ 150.203.4.0/24 ]\n\nYour expected use\nPlease indicate the approximate maximum number per day in a peak period of:\n· records you expect to code: [ 50,000 ]\n· API calls (batch or single record requests) you expect to make: [ 2,000 ]\nYour expected use will inform the ABS expectation of your fair use, as defined in the Terms of Use.\n\nUser Guide agreement\n☒ I agree to read and follow the API integration instructions in the Occupation Coding Service User Guide.\n\nProvision of client credentials\nThe ABS will aim to provide you with client credentials.\n";

#[test]
fn official_layout_label_then_answer_lines() {
    let a = read(&text_doc(OFFICIAL_FILLED)).expect("a form");
    assert_eq!(val(&a.full_name), "Dr Jane Citizen");
    assert_eq!(val(&a.organisation), "Australian National University");
    assert_eq!(val(&a.contact_email), "Jane.Citizen@anu.edu.au");
    assert_eq!(a.terms.ticked, Some(true));
    assert_eq!(a.public_service.ticked, Some(false));
    assert_eq!(a.partner_service.ticked, Some(true));
    assert_eq!(val(&a.ip_allowlist), "150.203.4.0/24");
    assert_eq!(val(&a.expected_records), "50,000");
    assert_eq!(val(&a.expected_calls), "2,000");
    assert_eq!(a.user_guide.ticked, Some(true));
}

#[test]
fn blank_official_form_has_no_answers() {
    let blank = OFFICIAL_FILLED
        .replace("\tDr Jane Citizen\n", "\t \n")
        .replace("\tAustralian National University\n", "\t\n")
        .replace("\tJane.Citizen@anu.edu.au\n", "\n")
        .replace("☒", "☐")
        .replace(
            "[ 150.203.4.0/24 ]",
            "[___________________________________________________]",
        )
        .replace("[ 50,000 ]", "[ __________________ ]")
        .replace("[ 2,000 ]", "[ ______________ ]");
    let a = read(&text_doc(&blank)).expect("still a form");
    assert_eq!(a.full_name, None);
    assert_eq!(a.organisation, None);
    assert_eq!(a.contact_email, None);
    assert_eq!(a.ip_allowlist, None);
    assert_eq!(a.expected_records, None);
    assert_eq!(a.expected_calls, None);
    assert_eq!(a.terms.ticked, Some(false));
    assert_eq!(a.public_service.ticked, Some(false));
    assert_eq!(a.partner_service.ticked, Some(false));
}

#[test]
fn table_layout_label_cell_answer_cell() {
    let d = doc(&[
        &["Full name", "Prof. Mary-Jane O'Brien"],
        &["Organisation", "University of Canberra"],
        &["Contact email", "mj.obrien@canberra.edu.au"],
        &[
            "☒",
            "I have read, understand, and agree to be legally bound by the Terms of Use.",
        ],
        &[
            "☒",
            "Public coding service (1 API call per second and up to 1,000 calls per day).",
        ],
        &["☐", "Partner coding service (Large batch coding)."],
        &["Records per day (peak)", "300"],
        &["API calls per day", "approx. 250"],
        &["User Guide agreement", "Yes"],
    ]);
    let a = read(&d).expect("a form");
    assert_eq!(val(&a.full_name), "Prof. Mary-Jane O'Brien");
    assert_eq!(val(&a.organisation), "University of Canberra");
    assert_eq!(a.terms.ticked, Some(true));
    assert_eq!(a.public_service.ticked, Some(true));
    assert_eq!(a.partner_service.ticked, Some(false));
    assert_eq!(val(&a.expected_records), "300");
    assert_eq!(val(&a.expected_calls), "approx. 250");
    assert_eq!(a.user_guide.ticked, Some(true));
}

#[test]
fn retyped_inline_answers_with_label_variants() {
    let text = "Hi team,\n\nName: Sam Lee\nOrganization - ACME Analytics Pty Ltd\nE-mail address : Sam.Lee@acme.com.au\nTerms of Use: Agreed\nService: Partner\nIP address(es) for allowlisting: 203.2.218.10 - 203.2.218.20\nRecords per day (peak): 1.2 million\nAPI calls you expect to make: 9,000\nUser Guide: Y\n\nThanks, Sam";
    let a = read(&text_doc(text)).expect("a form");
    assert_eq!(val(&a.full_name), "Sam Lee");
    assert_eq!(val(&a.organisation), "ACME Analytics Pty Ltd");
    assert_eq!(val(&a.contact_email), "Sam.Lee@acme.com.au");
    assert_eq!(a.terms.ticked, Some(true));
    assert_eq!(a.partner_service.ticked, Some(true));
    assert_eq!(a.public_service.ticked, Some(false));
    assert_eq!(val(&a.ip_allowlist), "203.2.218.10 - 203.2.218.20");
    assert_eq!(val(&a.expected_records), "1.2 million");
    assert_eq!(val(&a.expected_calls), "9,000");
    assert_eq!(a.user_guide.ticked, Some(true));
}

#[test]
fn deleted_option_is_the_choice() {
    let text = OFFICIAL_FILLED
        .replace("☐ Public coding service (1 API call per second and up to 1,000 calls per day).\nSelect this service if you require real-time single record coding services, ad hoc coding, or real-time coding of small batches of data (up to 300 records).\n", "")
        .replace("☒ Partner", "Partner");
    let a = read(&text_doc(&text)).expect("a form");
    assert_eq!(a.partner_service.ticked, Some(true));
    assert_eq!(a.public_service.ticked, None);
}

#[test]
fn neither_service_marked_with_both_present() {
    let text = OFFICIAL_FILLED
        .replace("☒ Partner", "Partner")
        .replace("☐ Public", "Public");
    let a = read(&text_doc(&text)).expect("a form");
    assert_eq!(a.partner_service.ticked, Some(false));
    assert_eq!(a.public_service.ticked, Some(false));
}

#[test]
fn column_headings_with_answers_below() {
    let d = doc(&[
        &["Full name", "Organisation", "Contact email"],
        &["Lee Wong", "Dept of Finance", "lee.wong@finance.gov.au"],
        &["☒ I have read, understand, and agree to be legally bound by the Terms of Use."],
    ]);
    let a = read(&d).expect("a form");
    assert_eq!(val(&a.full_name), "Lee Wong");
    assert_eq!(val(&a.organisation), "Dept of Finance");
    assert_eq!(val(&a.contact_email), "lee.wong@finance.gov.au");
}

#[test]
fn organisation_answer_that_looks_like_a_word_of_a_label() {
    let text = "Full name\nAlex Smith\nOrganisation\nDepartment of Health and Aged Care\nContact email\nalex@health.gov.au\nService required\nPublic";
    let a = read(&text_doc(text)).expect("a form");
    assert_eq!(val(&a.organisation), "Department of Health and Aged Care");
    assert_eq!(a.public_service.ticked, Some(true));
}

#[test]
fn ip_note_is_kept_for_validation_and_boilerplate_is_not() {
    let text = OFFICIAL_FILLED.replace(
        "[ 150.203.4.0/24 ]",
        "[ 150.203.4.7 (home broadband – dynamic) ]",
    );
    let a = read(&text_doc(&text)).expect("a form");
    assert_eq!(
        val(&a.ip_allowlist),
        "150.203.4.7 (home broadband – dynamic)"
    );
}

#[test]
fn not_a_form() {
    assert!(
        read(&text_doc(
            "Hi,\nWhen will my credentials arrive?\nThanks\nJane\nEmail: jane@x.com"
        ))
        .is_none()
    );
    assert!(read(&text_doc("")).is_none());
}

#[test]
fn named_fields_fill_gaps() {
    let mut d = doc(&[&["Occupation Coding Service Registration Form"]]);
    let f = |name: &str, tip: &str, v: FieldValue| Field {
        name: name.into(),
        tooltip: tip.into(),
        nearby_text: String::new(),
        value: v,
        place: None,
    };
    d.fields = vec![
        f("Text1", "Full name", FieldValue::Text("Kim Nguyen".into())),
        f(
            "Organisation",
            "",
            FieldValue::Text("Geoscience Australia".into()),
        ),
        f("txtEmail", "", FieldValue::Text("kim@ga.gov.au".into())),
        f(
            "Check Box4",
            "I have read, understand, and agree to be legally bound by the Terms of Use",
            FieldValue::Check(true),
        ),
        f("PartnerService", "", FieldValue::Check(true)),
        f("PublicService", "", FieldValue::Check(false)),
    ];
    let a = read(&d).expect("a form");
    assert_eq!(val(&a.full_name), "Kim Nguyen");
    assert_eq!(val(&a.organisation), "Geoscience Australia");
    assert_eq!(val(&a.contact_email), "kim@ga.gov.au");
    assert_eq!(a.terms.ticked, Some(true));
    assert!(a.terms.from_field);
    assert_eq!(a.partner_service.ticked, Some(true));
    assert_eq!(a.public_service.ticked, Some(false));
}

#[test]
fn printed_table_with_narrow_gap() {
    let text = "Your Details\nFull name      Dr Jane Citizen\n\nOrganisation Australian National University\n\nContact email jane.citizen@anu.edu.au\n\nTerms of Use\n☒ I have read, understand, and agree to be legally bound by the Terms of Use of\nthe Australian Bureau of Statistics Occupation Coding Service.\n";
    let a = read(&text_doc(text)).expect("a form");
    assert_eq!(val(&a.full_name), "Dr Jane Citizen");
    assert_eq!(val(&a.organisation), "Australian National University");
    assert_eq!(val(&a.contact_email), "jane.citizen@anu.edu.au");
    assert_eq!(a.terms.ticked, Some(true));
}

#[test]
fn printed_table_with_wrapped_labels() {
    let text = "Full name                           Daniel Kim\nOrganisation                        Kim & Co Research\nContact email                       daniel@kimco.com.au\nService required                    ☒ Partner coding service (Large batch coding, and real-time\nStatic IP address or range for\n                                    150.203.8.0/24\nallowlisting (Partner service\n                                    2001:388:2000::/48\nonly)\nRecords you expect to code\n                                    2000\nper day (peak)\nAPI calls you expect to make\n                                    1,500\nper day (peak)\n";
    let a = read(&text_doc(text)).expect("a form");
    assert_eq!(val(&a.ip_allowlist), "150.203.8.0/24; 2001:388:2000::/48");
    assert_eq!(val(&a.expected_records), "2000");
    assert_eq!(val(&a.expected_calls), "1,500");
    assert_eq!(a.partner_service.ticked, Some(true));
    let one_line = text.replace("Static IP address or range for\n                                    150.203.8.0/24\nallowlisting (Partner service\n                                    2001:388:2000::/48\n", "Static IP address or range for\nallowlisting (Partner service        100.64.1.1\n");
    let a = read(&text_doc(&one_line)).expect("a form");
    assert_eq!(val(&a.ip_allowlist), "100.64.1.1");
}

#[test]
fn two_statements_in_one_cell() {
    let d = doc(&[
        &["Full name", "Ms Aroha Ngata"],
        &["Organisation", "Department of Finance"],
        &["Contact email", "aroha.ngata@finance.gov.au"],
        &[
            "Service required",
            "☒ Public coding service (1 API call per second). ☐ Partner coding service (Large batch coding).",
        ],
        &[
            "Static IP address or range for allowlisting (Partner service only)",
            "",
        ],
    ]);
    let a = read(&d).expect("a form");
    assert_eq!(a.public_service.ticked, Some(true));
    assert_eq!(a.partner_service.ticked, Some(false));
    assert_eq!(a.ip_allowlist, None);
}

#[test]
fn typed_x_and_tick_cells_under_a_service_heading() {
    let text = OFFICIAL_FILLED
        .replace("☒ Partner", "X Partner")
        .replace("☐ Public", "Public");
    let a = read(&text_doc(&text)).expect("a form");
    assert_eq!(a.partner_service.ticked, Some(true));
    assert_eq!(a.public_service.ticked, Some(false));
    let d = doc(&[
        &["Full name", "Marco Bianchi"],
        &["Organisation", "Bianchi Survey Research"],
        &["Service required"],
        &[
            "☐",
            "Public coding service (1 API call per second and up to 1,000 calls per day).",
        ],
        &["☒", "Partner coding service (Large batch coding)."],
        &["IP address(es)", "203.10.76.45"],
    ]);
    let a = read(&d).expect("a form");
    assert_eq!(a.partner_service.ticked, Some(true));
    assert_eq!(a.public_service.ticked, Some(false));
}

#[test]
fn shapes_from_the_second_fixture_set() {
    // Tabs typed twice, a mark after the label, a written service with marks.
    let text = "Full name\t\tDr Rosa Bianchi\nAgency/Department\nDepartment of Foreign Affairs and Trade\nContact email\t\trosa@aff.gov.au\nTerms of Use: [✓] I have read, understand, and agree to be legally bound by the Terms of Use\nService required: [ ] Public coding service   [X] Partner coding service\nIP address: [ 203.2.218.40\n2001:db8:abcd::/48 ]\nUser Guide\t☒ Agreed";
    let a = read(&text_doc(text)).expect("a form");
    assert_eq!(val(&a.full_name), "Dr Rosa Bianchi");
    assert_eq!(
        val(&a.organisation),
        "Department of Foreign Affairs and Trade"
    );
    assert_eq!(a.terms.ticked, Some(true));
    assert_eq!(a.partner_service.ticked, Some(true));
    assert_ne!(a.public_service.ticked, Some(true));
    assert_eq!(val(&a.ip_allowlist), "203.2.218.40; 2001:db8:abcd::/48");
    assert_eq!(a.user_guide.ticked, Some(true));
    // An organisation named after a dash, a third column of notes, wrapped cells.
    let d = doc(&[
        &["Organisation", "Department of Health – Workforce Data"],
        &["Full name", "Dr. Seán Murphy"],
        &["Contact email", "sean@humanrights.gov.au"],
        &["Approx. API calls per day", "", "will confirm"],
        &["I have read and agree to", "✓"],
        &["the Terms of Use"],
    ]);
    let a = read(&d).expect("a form");
    assert_eq!(
        val(&a.organisation),
        "Department of Health – Workforce Data"
    );
    assert_eq!(a.expected_calls, None);
    assert_eq!(a.terms.ticked, Some(true));
    let d = doc(&[
        &["Full name", "Dr. Seán Murphy"],
        &["Organisation", "Australian Human Rights"],
        &["Commission"],
        &["Contact email", "sean@humanrights.gov.au"],
        &[
            "IP address(es)",
            "164.97.150.10; 164.97.150.11 and",
            "static, agency",
        ],
        &["164.97.150.12", "proxy"],
        &["Records per day", "40 000"],
    ]);
    let a = read(&d).expect("a form");
    assert_eq!(val(&a.organisation), "Australian Human Rights Commission");
    assert_eq!(
        val(&a.ip_allowlist),
        "164.97.150.10; 164.97.150.11 and; 164.97.150.12"
    );
}

#[test]
fn brackets_written_after_an_answer_are_part_of_it() {
    let text = "Full name: Jane Citizen [she/her]\nOrganisation: Example University [ANU]\nContact email: jane@example.edu.au\nRecords you expect to code per day: [ 400 [see attached plan] ]\nAPI calls you expect to make per day: 2,500 [peak in March]\nService required: [X] Public coding service [ ] Partner coding service";
    let a = read(&text_doc(text)).expect("a form");
    assert_eq!(val(&a.full_name), "Jane Citizen [she/her]");
    assert_eq!(val(&a.organisation), "Example University [ANU]");
    assert_eq!(val(&a.expected_records), "400 [see attached plan]");
    assert_eq!(val(&a.expected_calls), "2,500 [peak in March]");
}

#[test]
fn a_blank_left_open_ends_with_its_line() {
    let text = "Full name [ Priya Venkataraman\nOrganisation [ Telstra Health ]\nContact email [ priya@example.com ]\nService required\n(X) Public coding service (1 API call per second and up to 1,000 calls per day).";
    let a = read(&text_doc(text)).expect("a form");
    assert_eq!(val(&a.full_name), "Priya Venkataraman");
    assert_eq!(val(&a.organisation), "Telstra Health");
}

#[test]
fn a_bare_option_below_a_ticked_one_is_not_ticked_by_its_box() {
    let text = "Full name: Jane Citizen\nOrganisation: ABS\nContact email: jane@abs.gov.au\n☒ Public coding service (1 API call per second and up to 1,000 calls per day).\nPartner coding service (Large batch coding, and real-time coding (1 API call per second and up to 10,000 real-time calls per day)).";
    let a = read(&text_doc(text)).expect("a form");
    assert_eq!(a.public_service.ticked, Some(true));
    assert_eq!(a.partner_service.ticked, Some(false));
}

/// A table whose first service row carries the question's label and the Public option's
/// printed text, with the tick in the Partner row's own cell; the calls row left empty beside
/// a label with notes in brackets, and a printed statement full of numbers nearby.
fn ruled_table() -> Document {
    doc(&[
        &["Full name", "Jo Citizen"],
        &["Organisation", "Department of Examples"],
        &["Contact email", "jo@example.gov.au"],
        &[
            "Terms of Use: I have read, understand, and agree to be legally bound by the Terms of Use of the Australian Bureau of Statistics Occupation Coding Service.",
            "✔",
        ],
        &[
            "Service required: Public coding service (1 API call per second and up to 1,000 calls per day).",
            "",
        ],
        &[
            "Partner coding service (Large batch coding, and real-time coding (1 API call per second and up to 10,000 real-time calls per day)).",
            "✔",
        ],
        &[
            "Static agency IP address or range of addresses for allowlisting",
            "150.203.4.0/24",
        ],
        &[
            "Expected use - records you expect to code per day (peak period)",
            "2,000",
        ],
        &[
            "Expected use - API calls (batch or single record requests) you expect to make per day (peak period)",
            "",
        ],
        &["up to 10,000 real-time calls per day"],
    ])
}

#[test]
fn the_chosen_service_is_the_option_whose_own_box_is_ticked() {
    let a = read(&ruled_table()).expect("a form");
    assert_eq!(a.public_service.ticked, Some(false));
    assert_eq!(a.partner_service.ticked, Some(true));
    // A written choice after the label is still an answer.
    let mut d = ruled_table();
    d.lines[4] = Line::of_cells(vec!["Service required: Public".into(), String::new()]);
    let a = read(&d).expect("a form");
    assert_eq!(a.public_service.ticked, Some(true));
    assert_eq!(a.partner_service.ticked, Some(false));
}

#[test]
fn printed_statements_are_never_answers() {
    let a = read(&ruled_table()).expect("a form");
    assert_eq!(val(&a.expected_records), "2,000");
    // The long label with notes in brackets is the calls question; its cell is empty, and the
    // printed "up to 10,000 real-time calls per day" below is not its answer.
    assert_eq!(val(&a.expected_calls), "");
    // A label on a line of its own, the next line a piece of a printed statement (a narrow
    // column wrapped the Partner option's text under it).
    let d = doc(&[
        &["Full name", "Jo Citizen"],
        &["Organisation", "Department of Examples"],
        &["Contact email", "jo@example.gov.au"],
        &["API calls you expect to make per day"],
        &["up to 10,000 real-time calls per day))."],
    ]);
    assert_eq!(val(&read(&d).expect("a form").expected_calls), "");
    assert!(labels::is_printed_piece(
        "up to 10,000 real-time calls per day",
        2
    ));
    assert!(labels::is_printed_piece("1,000 calls per day).", 2));
    assert!(!labels::is_printed_piece("1,000", 2));
    assert!(!labels::is_printed_piece(
        "Australian Bureau of Statistics",
        6
    ));
    assert!(!labels::is_printed_piece("up to 12,000 calls per day", 2));
}

#[test]
fn a_neighbouring_line_marks_a_statement_only_when_it_is_no_statement_itself() {
    // The box of a two-line statement lands on its second line; the line above the Partner
    // statement holds the ticked Public option and says nothing about Partner.
    let d = doc(&[
        &["Service required"],
        &[
            "☒",
            "Public coding service (1 API call per second and up to 1,000 calls per day).",
        ],
        &[
            "Partner coding service (Large batch coding, and real-time coding (1 API call per second and up to 10,000",
        ],
        &["☐ real-time calls per day))."],
        &["Full name", "Jo Citizen"],
        &["Organisation", "Department of Examples"],
    ]);
    let a = read(&d).expect("a form");
    assert_eq!(a.public_service.ticked, Some(true));
    assert_eq!(a.partner_service.ticked, Some(false));
}

#[test]
fn answers_and_marks_carry_their_place() {
    let place = |x0: f32, y0: f32| Place {
        page: 2,
        x0,
        y0,
        x1: x0 + 50.0,
        y1: y0 + 10.0,
    };
    let mut d = ruled_table();
    for (k, line) in d.lines.iter_mut().enumerate() {
        let y = 100.0 + 20.0 * k as f32;
        line.places = (0..line.cells.len())
            .map(|j| place(50.0 + 200.0 * j as f32, y))
            .collect();
    }
    let a = read(&d).expect("a form");
    let name = a.full_name.as_ref().and_then(|n| n.place).expect("a place");
    assert_eq!((name.page, name.x0, name.y0), (2, 250.0, 100.0));
    let partner = a.partner_service.place.expect("a place");
    assert_eq!((partner.x0, partner.y0), (250.0, 200.0));
}

/// A page read line by line (OCR, a narrow PDF), the IP label wrapped so that its last words
/// and the answer share a line.
#[test]
fn ip_answer_on_the_line_that_ends_its_wrapped_label() {
    for (before, tail) in [
        (
            "also provide a static agency IP address or range of addresses for allowlisting (not a local, personal, workstation or dynamic IP",
            "address): [ 128.250.0.0/16]",
        ),
        (
            "also provide a static agency IP address or range of addresses for allowlisting (not a local, personal, workstation or",
            "dynamic IP address): [ 128.250.0.0/16 ]",
        ),
    ] {
        let text = OFFICIAL_FILLED.replace(
            "You must also provide a static agency IP address or range of addresses for allowlisting (not a local, personal, workstation or dynamic IP address):  [ 150.203.4.0/24 ]",
            &format!("You must\n{before}\n{tail}"),
        );
        let a = read(&text_doc(&text)).expect("a form");
        assert_eq!(val(&a.ip_allowlist), "128.250.0.0/16", "{tail}");
        assert_eq!(a.partner_service.ticked, Some(true));
    }
}

/// A page read line by line: each option's heading, then its description, with the option's
/// box in a right-hand column level with the middle of its block (the second line), not with
/// the heading. The box belongs to the block it sits beside, and only while the lines run on
/// as one block.
#[test]
fn a_box_beside_an_options_description_is_that_options_box() {
    let lines: &[(&[&str], f32)] = &[
        (&["Service required"], 200.0),
        (
            &["Public coding service (1 API call per second and up to 1,000 calls per day)."],
            230.0,
        ),
        (
            &[
                "Select this service if you require real-time single record coding services, ad hoc coding, or real-time coding",
                "☐",
            ],
            244.0,
        ),
        (&["of small batches of data (up to 300 records)."], 256.0),
        (
            &[
                "Partner coding service (Large batch coding, and real-time coding (1 API call per second and up",
            ],
            280.0,
        ),
        (&["to 10,000 real-time calls per day))."], 294.0),
        (
            &[
                "Select this service if you require single record, small batch and large dataset processing (up to millions of",
                "☒",
            ],
            306.0,
        ),
        (&["records)."], 318.0),
        (&["Full name", "Jo Citizen"], 360.0),
        (&["Organisation", "Department of Examples"], 380.0),
    ];
    let positioned = |gap_before_partner_box: f32| {
        let mut d = doc(&lines.iter().map(|(c, _)| *c).collect::<Vec<_>>());
        for (k, (line, (_, y))) in d.lines.iter_mut().zip(lines).enumerate() {
            let y = if k >= 6 {
                y + gap_before_partner_box
            } else {
                *y
            };
            line.places = (0..line.cells.len())
                .map(|j| Place {
                    page: 1,
                    x0: if j == 0 { 60.0 } else { 520.0 },
                    y0: y,
                    x1: if j == 0 { 480.0 } else { 530.0 },
                    y1: y + 10.0,
                })
                .collect();
        }
        d
    };
    let a = read(&positioned(0.0)).expect("a form");
    assert_eq!(a.public_service.ticked, Some(false));
    assert_eq!(a.partner_service.ticked, Some(true));
    // The same box far below the Partner option's lines is not beside its block.
    let a = read(&positioned(60.0)).expect("a form");
    assert_ne!(a.partner_service.ticked, Some(true));
}

#[test]
fn a_numbered_form_with_its_questions_alone_on_their_lines() {
    let form = "1. Full name\nMr Rhys Smith-Jones\n2. Organisation\nCharles Sturt University\n\
3. Contact email\nrsmith-jones@csu.edu.au\n5. Service required\n\
☐ Public coding service (1 API call per second and up to 1,000 calls per day).\n\
☐ Partner coding service (Large batch coding, and real-time coding (1 API call per second and up to 10,000 real-time calls per day)).\n\
Select this service if you require single record, small batch and large dataset processing (up to millions of records). You must also provide a static agency IP address or range of addresses for allowlisting (not a local, personal, workstation or dynamic IP address):\n\
6. Static agency IP address or range of addresses for allowlisting\n\n\
7. Your expected use\n7a. Records you expect to code\n60,000\n\
7b. API calls (batch or single record requests) you expect to make\n4,000\n";
    let a = read(&text_doc(form)).expect("a form");
    assert_eq!(val(&a.organisation), "Charles Sturt University");
    assert_eq!(val(&a.expected_records), "60,000");
    assert_eq!(val(&a.expected_calls), "4,000");
    // The IP question left blank: its own label below the statement is not its answer.
    assert_eq!(val(&a.ip_allowlist), "");
}

/// An option's description wrapped so that a line ends "(up to 300 records).", with the next
/// option below it starting in a mark OCR read as `©` (a radio button): the printed sentence is
/// no records label, and the 10,000 of the option below no answer.
#[test]
fn a_printed_sentence_ending_in_records_is_no_label() {
    let form = "Full name\tChloe Dubois\nOrganisation\tInner West Council\n\
Contact email\tchloe.dubois@innerwest.nsw.gov.au\nService required\n\
© Public coding service (1 API call per second and up to 1,000 calls per day).\n\
Select this service if you require real-time single record coding services, ad hoc coding, or real-time coding of\n\
small batches of data (up to 300 records).\n\
© Partner coding service (Large batch coding, and real-time coding (1 API call per second and up to 10,000\n\
real-time calls per day)).\n\
Your expected use\nRecords you expect to code:\t400\nAPI calls you expect to make:\t350\n";
    let a = read(&text_doc(form)).expect("a form");
    assert_eq!(val(&a.expected_records), "400");
    assert_eq!(val(&a.expected_calls), "350");
}
