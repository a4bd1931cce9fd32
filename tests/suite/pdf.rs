//! PDF reading: real documents from tests/data/pdf (made by make.sh there) and PDFs built here.

use crate::make_hostile;
use make_hostile::pdf_from_objects as write_pdf;
use regintake::extract::pdf::read;
use regintake::extract::{Document, Field, FieldValue, Limit, Source, Unreadable};
use regintake::limits::Limits;
use std::path::Path;
use std::process::Command;

fn fixture(name: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/pdf")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn read_fixture(name: &str) -> Document {
    read(&fixture(name), &Limits::default()).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn cells(doc: &Document) -> Vec<Vec<String>> {
    doc.lines.iter().map(|l| l.cells.clone()).collect()
}

fn has_line(doc: &Document, expected: &[&str]) -> bool {
    doc.lines.iter().any(|l| l.cells == expected)
}

fn field<'a>(doc: &'a Document, name: &str) -> &'a Field {
    doc.fields
        .iter()
        .find(|f| f.name == name)
        .unwrap_or_else(|| panic!("no field {name} in {:?}", doc.fields))
}

/// A PDF with one page per content stream, Helvetica as /F1 and an image XObject as /Im1.
fn build_pdf(pages: &[&[u8]]) -> Vec<u8> {
    let mut objects: Vec<Vec<u8>> = Vec::new();
    let n = pages.len();
    let kids: Vec<String> = (0..n).map(|i| format!("{} 0 R", 5 + 2 * i)).collect();
    objects.push(b"<< /Type /Catalog /Pages 2 0 R >>".to_vec());
    objects.push(format!("<< /Type /Pages /Kids [{}] /Count {n} >>", kids.join(" ")).into_bytes());
    objects.push(
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
            .to_vec(),
    );
    let mut image =
        b"<< /Type /XObject /Subtype /Image /Width 2 /Height 2 /ColorSpace /DeviceGray \
        /BitsPerComponent 8 /Length 4 >>\nstream\n"
            .to_vec();
    image.extend_from_slice(&[0, 255, 255, 0]);
    image.extend_from_slice(b"\nendstream");
    objects.push(image);
    for (i, content) in pages.iter().enumerate() {
        objects.push(
            format!(
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents {} 0 R \
                 /Resources << /Font << /F1 3 0 R >> /XObject << /Im1 4 0 R >> >> >>",
                6 + 2 * i
            )
            .into_bytes(),
        );
        let mut stream = format!("<< /Length {} >>\nstream\n", content.len()).into_bytes();
        stream.extend_from_slice(content);
        stream.extend_from_slice(b"\nendstream");
        objects.push(stream);
    }
    write_pdf(&objects)
}

#[test]
fn word_processor_table_rows_become_cells() {
    let doc = read_fixture("printed-form.pdf");
    assert_eq!(doc.source, Source::PdfText);
    assert!(doc.fields.is_empty());
    assert!(!doc.scanned_without_text);
    assert!(
        has_line(&doc, &["Full name", "Dr Jane Citizen"]),
        "{:#?}",
        cells(&doc)
    );
    assert!(has_line(&doc, &["Organisation", "Department of Examples"]));
    assert!(has_line(
        &doc,
        &["Contact email", "jane.citizen@example.gov.au"]
    ));
    assert!(has_line(&doc, &["records you expect to code:", "5,000"]));
    assert!(has_line(&doc, &["API calls you expect to make:", "2,000"]));
    // Ticks come through as ☒ / ☐ in front of their statements, in one cell.
    let joined: Vec<String> = doc.lines.iter().map(|l| l.joined()).collect();
    assert!(
        joined
            .iter()
            .any(|l| l.starts_with("☐ Public coding service")),
        "{joined:#?}"
    );
    assert!(
        joined
            .iter()
            .any(|l| l.starts_with("☒ Partner coding service"))
    );
    assert!(
        joined
            .iter()
            .any(|l| l == "Static agency IP address or range: 203.0.113.0/24")
    );
    // Top to bottom.
    let pos = |text: &str| joined.iter().position(|l| l.contains(text)).unwrap();
    assert!(pos("Your Details") < pos("Full name"));
    assert!(pos("Full name") < pos("Terms of Use"));
    assert!(pos("Terms of Use") < pos("User Guide agreement"));
}

#[test]
fn table_borders_separate_cells_with_narrow_gaps() {
    let doc = read_fixture("tight-table.pdf");
    assert!(
        has_line(&doc, &["Contact email", "jane.citizen@example.gov.au"]),
        "{:#?}",
        cells(&doc)
    );
    assert!(has_line(&doc, &["Organisation", "Department of Examples"]));
    assert!(has_line(&doc, &["Full name", "Dr Jane Citizen"]));
}

#[test]
fn content_interpreter_fonts_kerning_and_form_xobjects() {
    let doc = read_fixture("synthetic.pdf");
    let lines = cells(&doc);
    // TJ kerning of -250 is a word space; the value at x=250 is a separate cell.
    assert!(has_line(&doc, &["Full name", "Jane Citizen"]), "{lines:#?}");
    // Type0 / Identity-H font decoded through its ToUnicode CMap (bfrange array and base forms).
    assert!(has_line(&doc, &["Org ABC"]));
    // /Differences glyph names (uni2612) and MacRomanEncoding.
    assert!(has_line(&doc, &["☒ Terms accepted"]));
    assert!(has_line(&doc, &["Café crème"]));
    // T*, ' and " move to the next line by the leading.
    for text in ["Line one", "Line two", "Line three", "Line four"] {
        assert!(has_line(&doc, &[text]), "{text}: {lines:#?}");
    }
    assert!(has_line(
        &doc,
        &["Contact email", "jane@example.gov.au", "Phone"]
    ));
    // Character spacing (Tc) does not split words into letters.
    assert!(has_line(&doc, &["Spaced out"]));
    // Form XObjects are entered (with their /Matrix); the cycle between them is cut.
    let count = |text: &str| lines.iter().filter(|l| l.join(" ") == text).count();
    assert_eq!(count("Inside a form"), 1, "{lines:#?}");
    assert_eq!(count("Nested form text"), 1);
    let pos = |text: &str| lines.iter().position(|l| l.join(" ") == text).unwrap();
    assert!(pos("Inside a form") < pos("Nested form text"));
    // Rotated text is not laid out in lines.
    assert!(!lines.iter().flatten().any(|c| c.contains("Rotated")));
}

#[test]
fn fillable_form_fields_names_tooltips_and_states() {
    let doc = read_fixture("fillable.pdf");
    assert_eq!(doc.source, Source::PdfForm);
    let name = field(&doc, "txtName");
    // UTF-16BE value with BOM.
    assert_eq!(name.value, FieldValue::Text("Zoë Ōtsuka-Müller".into()));
    assert_eq!(name.tooltip, "Full name");
    assert_eq!(name.nearby_text, "Full name");
    let org = field(&doc, "Text2");
    assert_eq!(org.value, FieldValue::Text("Bureau of Examples".into()));
    assert_eq!(org.tooltip, "");
    assert_eq!(org.nearby_text, "Organisation");
    let email = field(&doc, "contact.email");
    assert_eq!(email.tooltip, "Your contact email address");
    assert_eq!(email.nearby_text, "Contact email");
    // Check boxes whose on state is /Yes and /1; their labels follow them.
    let terms = field(&doc, "Terms");
    assert_eq!(terms.value, FieldValue::Check(true));
    assert!(terms.nearby_text.contains("Terms of Use"), "{terms:?}");
    let guide = field(&doc, "Guide");
    assert_eq!(guide.value, FieldValue::Check(true));
    assert!(guide.nearby_text.contains("User Guide"));
    // A radio group: one field per button, named by its on state; the second one is chosen.
    let public = field(&doc, "Service.Choice1");
    let partner = field(&doc, "Service.Choice2");
    assert_eq!(public.value, FieldValue::Check(false));
    assert_eq!(partner.value, FieldValue::Check(true));
    assert!(public.nearby_text.starts_with("Public coding service"));
    assert!(partner.nearby_text.starts_with("Partner coding service"));
    // An answer on the line below its label.
    let ip = field(&doc, "IP");
    assert_eq!(ip.value, FieldValue::Text("203.0.113.7".into()));
    assert_eq!(ip.nearby_text, "Static agency IP address or range");

    // A choice field shows the label of its export value.
    assert_eq!(
        field(&doc, "State").value,
        FieldValue::Text("New South Wales".into())
    );
    assert_eq!(field(&doc, "State").nearby_text, "Which state?");

    // Values are written into the page text where the widgets sit.
    assert!(
        has_line(&doc, &["Full name", "Zoë Ōtsuka-Müller"]),
        "{:#?}",
        cells(&doc)
    );
    assert!(has_line(&doc, &["Expected records per day:", "5,000"]));
    assert!(has_line(&doc, &["203.0.113.7"]));
    let joined: Vec<String> = doc.lines.iter().map(|l| l.joined()).collect();
    assert!(
        joined.iter().any(|l| l.starts_with("☒ I have read")),
        "{joined:#?}"
    );
    assert!(
        joined
            .iter()
            .any(|l| l.starts_with("☐ Public coding service"))
    );
    assert!(
        joined
            .iter()
            .any(|l| l.starts_with("☒ Partner coding service"))
    );
    assert!(joined.iter().any(|l| l.starts_with("☒ I agree to follow")));
    // Appearance streams are not also rendered: each value appears once.
    assert_eq!(
        joined
            .iter()
            .filter(|l| l.contains("Bureau of Examples"))
            .count(),
        1
    );
}

#[test]
fn need_appearances_form_reads_values_from_v() {
    let doc = read_fixture("fillable-needappearances.pdf");
    assert_eq!(doc.source, Source::PdfForm);
    assert_eq!(
        field(&doc, "Text2").value,
        FieldValue::Text("Bureau of Examples".into())
    );
    assert!(
        has_line(&doc, &["Organisation", "Bureau of Examples"]),
        "{:#?}",
        cells(&doc)
    );
    assert!(has_line(&doc, &["Full name", "Zoë Ōtsuka-Müller"]));
}

#[test]
fn flattened_form_values_come_from_form_xobjects() {
    let doc = read_fixture("fillable-flattened.pdf");
    assert_eq!(doc.source, Source::PdfText);
    assert!(doc.fields.is_empty());
    // qpdf drew the value with a font lacking Ō, as a viewer would show it.
    assert!(
        has_line(&doc, &["Full name", "Zoë ?tsuka-Müller"]),
        "{:#?}",
        cells(&doc)
    );
    assert!(has_line(&doc, &["Organisation", "Bureau of Examples"]));
    assert!(has_line(&doc, &["Expected records per day:", "5,000"]));
    // The ZapfDingbats check mark of the Terms box reads as a tick.
    let joined: Vec<String> = doc.lines.iter().map(|l| l.joined()).collect();
    assert!(
        joined.iter().any(|l| l.starts_with("☒ I have read")),
        "{joined:#?}"
    );
}

#[test]
fn free_text_annotations_are_read_as_typed_answers() {
    let doc = read_fixture("free-text.pdf");
    assert_eq!(doc.source, Source::PdfText);
    // From the appearance stream, fitted from its /BBox into its /Rect.
    assert!(
        has_line(&doc, &["Full name", "Jane Citizen"]),
        "{:#?}",
        cells(&doc)
    );
    // From /Contents, when there is no appearance stream.
    assert!(has_line(&doc, &["Organisation", "Department of Examples"]));
    // A hidden annotation is not shown.
    assert!(has_line(&doc, &["Contact email"]));
}

#[test]
fn encrypted_with_user_password_is_unreadable() {
    let err = read(&fixture("encrypted-user.pdf"), &Limits::default()).unwrap_err();
    assert_eq!(err, Unreadable::Encrypted);
    assert_eq!(err.to_string(), "PDF is encrypted with a password");
}

#[test]
fn encrypted_with_owner_password_only_is_read() {
    let doc = read_fixture("encrypted-owner.pdf");
    let plain = read_fixture("printed-form.pdf");
    assert!(has_line(&doc, &["Full name", "Dr Jane Citizen"]));
    assert_eq!(doc.lines, plain.lines);
}

#[test]
fn every_security_handler_opens_without_a_password_when_it_can() {
    // vendor/lopdf is patched to derive AES-256 keys with fewer hash runs: the same files must
    // open (empty user password, or empty owner password) and the same must stay shut.
    let plain = read_fixture("printed-form.pdf");
    for name in [
        "encrypted-owner.pdf",
        "encrypted-user-empty-owner.pdf",
        "encrypted-owner-aes128.pdf",
        "encrypted-owner-rc4.pdf",
    ] {
        let doc =
            read(&fixture(name), &Limits::default()).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(doc.lines, plain.lines, "{name}");
    }
    for name in ["encrypted-user.pdf", "encrypted-user-rc4.pdf"] {
        let err = read(&fixture(name), &Limits::default()).unwrap_err();
        assert_eq!(err, Unreadable::Encrypted, "{name}");
    }
}

#[test]
fn image_only_page_is_a_scan() {
    let doc = read_fixture("scan.pdf");
    assert!(doc.scanned_without_text);
    assert!(doc.lines.is_empty());
}

#[test]
fn scan_rule_weighs_text_elsewhere() {
    let image_page: &[u8] = b"q 600 0 0 800 0 0 cm /Im1 Do Q";
    // A scanned form behind a short cover page is still a scan.
    let cover = build_pdf(&[
        b"BT /F1 12 Tf 72 700 Td (Registration form attached) Tj ET",
        image_page,
    ]);
    assert!(
        read(&cover, &Limits::default())
            .unwrap()
            .scanned_without_text
    );
    // A typed form with a scanned signature page is not.
    let long_line = "Full name Jane Citizen, Organisation Department of Examples, ".repeat(5);
    let typed = format!("BT /F1 10 Tf 72 700 Td ({long_line}) Tj ET");
    let typed = build_pdf(&[typed.as_bytes(), image_page]);
    let doc = read(&typed, &Limits::default()).unwrap();
    assert!(!doc.scanned_without_text);
    assert!(!doc.lines.is_empty());
}

#[test]
fn truncated_pdf_is_unreadable_with_reason() {
    let malformed = |err: &Unreadable, words: &str| {
        assert!(matches!(err, Unreadable::Malformed { .. }), "{err:?}");
        assert!(err.to_string().contains(words), "{err}");
    };
    let err = read(&fixture("truncated.pdf"), &Limits::default()).unwrap_err();
    malformed(&err, "corrupt or truncated");
    let err = read(b"%PDF-1.4\n1 0 obj <<", &Limits::default()).unwrap_err();
    malformed(&err, "corrupt or truncated");
    let err = read(b"not a pdf at all", &Limits::default()).unwrap_err();
    malformed(&err, "not a PDF");
}

#[test]
fn self_referencing_page_tree_is_read_once() {
    let doc = read_fixture("self-loop.pdf");
    assert_eq!(cells(&doc), vec![vec!["Looped page tree".to_string()]]);
}

#[test]
fn flate_bomb_stops_at_the_limit() {
    // bomb.pdf's content stream inflates to 48 MiB, over the default 32 MiB limit.
    let limits = Limits::default();
    assert_over_stream_limit(&read(&fixture("bomb.pdf"), &limits), &limits);
    // A lower configured limit is the one applied.
    let limits = Limits {
        max_pdf_stream_bytes: 1 << 20,
        ..Limits::default()
    };
    assert_over_stream_limit(&read(&fixture("bomb.pdf"), &limits), &limits);
}

/// The read was refused at the PDF stream limit of `limits`, and says so with the number.
fn assert_over_stream_limit(read: &Result<Document, Unreadable>, limits: &Limits) {
    let Err(err) = read else {
        panic!("read over the stream limit");
    };
    assert!(
        matches!(
            err,
            Unreadable::OverLimit {
                limit: Limit::PdfStreamBytes,
                ..
            }
        ),
        "{err:?}"
    );
    let says = format!(
        "decompresses to more than {} bytes",
        limits.max_pdf_stream_bytes
    );
    assert!(err.to_string().contains(&says), "{err}");
}

#[test]
fn page_limit_is_respected() {
    let pages: Vec<String> = (1..=5)
        .map(|i| format!("BT /F1 12 Tf 72 700 Td (Page {i}) Tj ET"))
        .collect();
    let pages: Vec<&[u8]> = pages.iter().map(|p| p.as_bytes()).collect();
    let pdf = build_pdf(&pages);
    let limits = Limits {
        max_pdf_pages: 2,
        ..Limits::default()
    };
    let doc = read(&pdf, &limits).unwrap();
    assert_eq!(
        cells(&doc),
        vec![vec!["Page 1".to_string()], vec!["Page 2".to_string()]]
    );
    assert_eq!(read(&pdf, &Limits::default()).unwrap().lines.len(), 5);
}

#[test]
fn deeply_nested_arrays_do_not_overflow_the_stack() {
    let depth = 200_000;
    // In the page content…
    let mut content = b"BT /F1 12 Tf 72 700 Td (Before) Tj ET ".to_vec();
    content.extend(std::iter::repeat_n(b'[', depth));
    content.extend(std::iter::repeat_n(b']', depth));
    content.extend_from_slice(b" TJ");
    let pdf = build_pdf(&[&content]);
    let doc = read(&pdf, &Limits::default()).unwrap();
    assert!(has_line(&doc, &["Before"]));
    // …and in an object.
    let mut nested = Vec::new();
    nested.extend(std::iter::repeat_n(b'[', depth));
    nested.extend(std::iter::repeat_n(b']', depth));
    let objects = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        [
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Junk ".as_slice(),
            &nested,
            b" >>",
        ]
        .concat(),
    ];
    // Readable or not, it must return.
    let _ = read(&write_pdf(&objects), &Limits::default());
    // Nested dictionaries and literal strings too.
    for (open, close) in [(&b"<< /A "[..], &b" >>"[..]), (b"(", b")")] {
        let mut junk = b"<< /Type /Page /Parent 2 0 R /Junk ".to_vec();
        for _ in 0..depth {
            junk.extend_from_slice(open);
        }
        for _ in 0..depth {
            junk.extend_from_slice(close);
        }
        junk.extend_from_slice(b" >>");
        let objects = vec![objects[0].clone(), objects[1].clone(), junk];
        let _ = read(&write_pdf(&objects), &Limits::default());
    }
}

#[test]
fn operation_budget_ends_exponential_form_xobjects() {
    // Eight levels of Form XObjects, each drawing the next ten times: 10^8 leaf draws.
    let levels = 8;
    let mut objects = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R \
             /Resources << /Font << /F1 5 0 R >> /XObject << /X 6 0 R >> >> >>"
            .as_bytes()
            .to_vec(),
    ];
    let page = b"BT /F1 12 Tf 72 700 Td (Kept) Tj ET /X Do";
    objects.push(
        [
            format!("<< /Length {} >>\nstream\n", page.len()).as_bytes(),
            page,
            b"\nendstream",
        ]
        .concat(),
    );
    objects.push(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_vec());
    for level in 0..levels {
        let id = 6 + level;
        let body = if level + 1 == levels {
            "BT /F1 12 Tf 72 600 Td (Leaf) Tj ET".to_string()
        } else {
            "/X Do ".repeat(10)
        };
        objects.push(
            format!(
                "<< /Type /XObject /Subtype /Form /BBox [0 0 612 792] \
                 /Resources << /Font << /F1 5 0 R >> /XObject << /X {} 0 R >> >> /Length {} >>\nstream\n{body}\nendstream",
                id + 1,
                body.len()
            )
            .into_bytes(),
        );
    }
    let started = std::time::Instant::now();
    // The operation budget is what must end it, not the wall clock (a loaded machine).
    let limits = Limits {
        attachment_deadline_ms: 600_000,
        ..Limits::default()
    };
    let doc = read(&write_pdf(&objects), &limits)
        .unwrap_or_else(|e| panic!("{e} after {:?}", started.elapsed()));
    assert!(started.elapsed().as_secs() < 30);
    assert!(has_line(&doc, &["Kept"]));
    assert!(has_line(&doc, &["Leaf"]), "{:#?}", cells(&doc));
}

/// The words of each printed line, as `pdftotext -layout` prints them.
fn pdftotext_words(path: &Path) -> Option<Vec<Vec<String>>> {
    let out = Command::new("pdftotext")
        .arg("-layout")
        .arg(path)
        .arg("-")
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    Some(
        text.lines()
            .map(|l| l.split_whitespace().map(String::from).collect::<Vec<_>>())
            .filter(|w| !w.is_empty())
            .collect(),
    )
}

#[test]
fn same_words_per_line_as_pdftotext() {
    if Command::new("pdftotext").arg("-v").output().is_err() {
        // scripts/test.sh installs it and sets this: there, a missing pdftotext is a failure.
        assert!(
            std::env::var_os("REGINTAKE_REQUIRE_TOOLS").is_none(),
            "REGINTAKE_REQUIRE_TOOLS is set but pdftotext is not installed (apt-get install poppler-utils)"
        );
        eprintln!("NOTICE: pdftotext (poppler-utils) is not installed; comparison skipped");
        return;
    }
    let dir = crate::support::repo("tests/data/pdf");
    for name in [
        "printed-form.pdf",
        "fillable-flattened.pdf",
        "synthetic.pdf",
        "encrypted-owner.pdf",
    ] {
        let expected: Vec<Vec<String>> = pdftotext_words(&dir.join(name))
            .unwrap_or_else(|| panic!("pdftotext failed on {name}"))
            .into_iter()
            // Rotated text is left out of lines on purpose.
            .filter(|w| !w.contains(&"Rotated".to_string()))
            // Check marks drawn in a symbol font are read as ticked boxes on purpose.
            .map(|w| {
                w.into_iter()
                    .map(|word| {
                        if ["✔", "✓", "✘", "✗"].contains(&word.as_str()) {
                            "☒".into()
                        } else {
                            word
                        }
                    })
                    .collect()
            })
            .collect();
        let doc = read_fixture(name);
        let got: Vec<Vec<String>> = doc
            .lines
            .iter()
            .map(|l| {
                l.cells
                    .join(" ")
                    .split_whitespace()
                    .map(String::from)
                    .collect()
            })
            .collect();
        // Check boxes drawn as paths (no glyph for pdftotext to print) are written as ☒ / ☐ by
        // us on purpose: compare the words around them.
        let no_boxes = |lines: Vec<Vec<String>>| -> Vec<Vec<String>> {
            lines
                .into_iter()
                .map(|l| {
                    l.into_iter()
                        .filter(|w| w != "☒" && w != "☐")
                        .collect::<Vec<_>>()
                })
                .filter(|l| !l.is_empty())
                .collect()
        };
        assert_eq!(no_boxes(got), no_boxes(expected), "{name}");
    }
}

#[test]
fn flattened_check_boxes_drawn_as_paths_are_read() {
    let doc = read_fixture("fillable-flattened.pdf");
    let guide = doc
        .lines
        .iter()
        .map(|l| l.cells.join(" "))
        .find(|l| l.contains("I agree to follow"))
        .expect("the user guide line");
    assert!(guide.starts_with('☒'), "drawn tick not read: {guide:?}");
}

#[test]
fn damaged_copies_of_every_fixture_return() {
    // Truncations and byte flips of real files: each read must return (Ok or Unreadable).
    let mut seed: u64 = 0x5eed_1234_abcd_0001;
    let mut next = move || {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 33) as usize
    };
    for name in [
        "printed-form.pdf",
        "fillable.pdf",
        "synthetic.pdf",
        "free-text.pdf",
        "encrypted-owner.pdf",
    ] {
        let original = fixture(name);
        for round in 0..40 {
            let mut bytes = original.clone();
            if round % 4 == 0 {
                bytes.truncate(next() % bytes.len());
            } else {
                for _ in 0..(1 + next() % 16) {
                    let at = next() % bytes.len();
                    bytes[at] = next() as u8;
                }
            }
            // `read` turns a panic inside the PDF parser into a note that the parser failed: a
            // failure it reports must be the file's, never the reader's.
            if let Err(why) = read(&bytes, &Limits::default()) {
                assert!(
                    !matches!(
                        why,
                        Unreadable::ReaderFailed { .. } | Unreadable::ReaderCrashed { .. }
                    ) && !why.to_string().contains("parser failed"),
                    "{name} round {round}: {why:?}"
                );
            }
        }
    }
}

#[test]
fn radio_export_values_shared_states_and_hidden_widgets() {
    let page = b"BT /F1 11 Tf 72 700 Td (Public coding service) Tj ET \
        BT /F1 11 Tf 72 680 Td (Partner coding service) Tj ET \
        BT /F1 11 Tf 72 650 Td (Notes) Tj ET \
        BT /F1 11 Tf 72 620 Td (Ich stimme zu) Tj ET";
    let objects = vec![
        b"<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [6 0 R 9 0 R 10 0 R] >> >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R \
          /Resources << /Font << /F1 5 0 R >> >> /Annots [7 0 R 8 0 R 9 0 R 10 0 R] >>"
            .to_vec(),
        [format!("<< /Length {} >>\nstream\n", page.len()).as_bytes(), page.as_slice(), b"\nendstream"].concat(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>".to_vec(),
        // A radio group whose buttons share the on state /On; /Opt names them.
        b"<< /FT /Btn /Ff 49152 /T (svc) /V /On /Opt [(public) (partner)] /Kids [7 0 R 8 0 R] >>".to_vec(),
        b"<< /Type /Annot /Subtype /Widget /Parent 6 0 R /Rect [250 697 262 709] /AS /Off \
          /AP << /N << /On 11 0 R /Off 11 0 R >> >> >>"
            .to_vec(),
        b"<< /Type /Annot /Subtype /Widget /Parent 6 0 R /Rect [250 677 262 689] /AS /On \
          /AP << /N << /On 11 0 R /Off 11 0 R >> >> >>"
            .to_vec(),
        // A text field not shown on screen (NoView): listed, not written into the text.
        b"<< /Type /Annot /Subtype /Widget /FT /Tx /T (notes) /V (secret caf\\351) /F 32 /Rect [150 645 400 660] >>".to_vec(),
        // A check box with no /V whose widget shows its on state /Ja.
        b"<< /Type /Annot /Subtype /Widget /FT /Btn /T (zustimmung) /AS /Ja /Rect [50 617 62 629] \
          /AP << /N << /Ja 11 0 R /Off 11 0 R >> >> >>"
            .to_vec(),
        b"<< /Type /XObject /Subtype /Form /BBox [0 0 12 12] /Length 0 >>\nstream\n\nendstream".to_vec(),
    ];
    let doc = read(&write_pdf(&objects), &Limits::default()).unwrap();
    assert_eq!(doc.source, Source::PdfForm);
    assert_eq!(field(&doc, "svc.public").value, FieldValue::Check(false));
    assert_eq!(field(&doc, "svc.partner").value, FieldValue::Check(true));
    assert!(
        field(&doc, "svc.partner")
            .nearby_text
            .starts_with("Partner")
    );
    assert_eq!(
        field(&doc, "notes").value,
        // PDFDocEncoding: \351 is é.
        FieldValue::Text("secret café".into())
    );
    assert_eq!(field(&doc, "notes").nearby_text, "Notes");
    assert!(
        !doc.lines
            .iter()
            .flat_map(|l| &l.cells)
            .any(|c| c.contains("secret"))
    );
    let agreed = field(&doc, "zustimmung");
    assert_eq!(agreed.value, FieldValue::Check(true));
    assert_eq!(agreed.nearby_text, "Ich stimme zu");
    assert!(has_line(&doc, &["☒ Ich stimme zu"]), "{:#?}", cells(&doc));
    assert!(has_line(&doc, &["Public coding service", "☐"]));
    assert!(has_line(&doc, &["Partner coding service", "☒"]));
}

#[test]
fn value_already_printed_under_its_widget_is_not_written_twice() {
    let page =
        b"BT /F1 11 Tf 72 700 Td (Full name) Tj ET BT /F1 10 Tf 202 700 Td (Jane Citizen) Tj ET \
        BT /F1 11 Tf 72 670 Td (Organisation) Tj ET";
    let objects = vec![
        b"<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [6 0 R 7 0 R] >> >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R \
          /Resources << /Font << /F1 5 0 R >> >> /Annots [6 0 R 7 0 R] >>"
            .to_vec(),
        [format!("<< /Length {} >>\nstream\n", page.len()).as_bytes(), page.as_slice(), b"\nendstream"].concat(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>".to_vec(),
        b"<< /Type /Annot /Subtype /Widget /FT /Tx /T (name) /V (Jane Citizen) /Rect [200 694 400 714] >>".to_vec(),
        b"<< /Type /Annot /Subtype /Widget /FT /Tx /T (org) /V (Example Pty Ltd) /Rect [200 664 400 684] >>".to_vec(),
    ];
    let doc = read(&write_pdf(&objects), &Limits::default()).unwrap();
    assert!(
        has_line(&doc, &["Full name", "Jane Citizen"]),
        "{:#?}",
        cells(&doc)
    );
    // A value not printed on the page is still written in.
    assert!(has_line(&doc, &["Organisation", "Example Pty Ltd"]));
}

#[test]
fn text_without_unicode_mapping_reads_like_a_scan() {
    // An Identity-H font with no ToUnicode: glyphs are shown but cannot be read as text.
    let page = b"BT /F1 11 Tf 72 700 Td <0024002500260027> Tj ET";
    let objects = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R \
          /Resources << /Font << /F1 5 0 R >> >> >>"
            .to_vec(),
        [format!("<< /Length {} >>\nstream\n", page.len()).as_bytes(), page.as_slice(), b"\nendstream"].concat(),
        b"<< /Type /Font /Subtype /Type0 /BaseFont /Opaque /Encoding /Identity-H /DescendantFonts [6 0 R] >>"
            .to_vec(),
        b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /Opaque \
          /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /DW 600 >>"
            .to_vec(),
    ];
    let doc = read(&write_pdf(&objects), &Limits::default()).unwrap();
    assert!(doc.lines.is_empty());
    assert!(doc.scanned_without_text);
    // The same page with a readable font is not.
    let readable = build_pdf(&[b"BT /F1 11 Tf 72 700 Td (ABCD) Tj ET"]);
    assert!(
        !read(&readable, &Limits::default())
            .unwrap()
            .scanned_without_text
    );
}

#[test]
fn flate_bomb_in_an_object_stream_stops_at_the_limit() {
    // Reuse bomb.pdf's 48 MiB Flate data as an object stream, which lopdf inflates on load.
    let bomb = fixture("bomb.pdf");
    let find = |needle: &[u8]| {
        bomb.windows(needle.len())
            .position(|w| w == needle)
            .unwrap()
    };
    let start = find(b"stream\n") + b"stream\n".len();
    let end = find(b"\nendstream");
    let data = &bomb[start..end];
    let objects = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>".to_vec(),
        [
            format!(
                "<< /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length {} >>\nstream\n",
                data.len()
            )
            .as_bytes(),
            data,
            b"\nendstream",
        ]
        .concat(),
    ];
    let limits = Limits {
        max_pdf_stream_bytes: 1 << 20,
        ..Limits::default()
    };
    // lopdf inflates object streams while loading: the load is refused at the limit.
    assert_over_stream_limit(&read(&write_pdf(&objects), &limits), &limits);
}

#[test]
fn field_hierarchy_names_and_inheritance() {
    let page =
        b"BT /F1 11 Tf 72 700 Td (Full name) Tj ET BT /F1 11 Tf 72 670 Td (Organisation) Tj ET";
    let objects = vec![
        b"<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [6 0 R 9 0 R] /DA (/Helv 10 Tf 0 g) >> >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R \
          /Resources << /Font << /F1 5 0 R >> >> /Annots [7 0 R 10 0 R 11 0 R] >>"
            .to_vec(),
        [format!("<< /Length {} >>\nstream\n", page.len()).as_bytes(), page.as_slice(), b"\nendstream"].concat(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>".to_vec(),
        // A parent naming its kids, giving them their type; its tooltip is its own.
        b"<< /T (applicant) /TU (Applicant details) /FT /Tx /Kids [7 0 R 8 0 R] >>".to_vec(),
        b"<< /Type /Annot /Subtype /Widget /Parent 6 0 R /T (name) /V <FEFF004A0061006E0065> \
          /Rect [200 694 400 714] >>"
            .to_vec(),
        // A kid field that points back to its parent: visited once.
        b"<< /Parent 6 0 R /T (loop) /Kids [6 0 R] >>".to_vec(),
        // One field shown by two widgets, its value set on the field.
        b"<< /T (org) /FT /Tx /V (Example Pty Ltd) /Kids [10 0 R 11 0 R] >>".to_vec(),
        b"<< /Type /Annot /Subtype /Widget /Parent 9 0 R /Rect [200 664 400 684] >>".to_vec(),
        b"<< /Type /Annot /Subtype /Widget /Parent 9 0 R /Rect [200 500 400 520] >>".to_vec(),
    ];
    let doc = read(&write_pdf(&objects), &Limits::default()).unwrap();
    let name = field(&doc, "applicant.name");
    assert_eq!(name.value, FieldValue::Text("Jane".into()));
    assert_eq!(name.tooltip, "");
    assert_eq!(name.nearby_text, "Full name");
    let org = field(&doc, "org");
    assert_eq!(org.value, FieldValue::Text("Example Pty Ltd".into()));
    assert_eq!(org.nearby_text, "Organisation");
    assert_eq!(doc.fields.len(), 2, "{:?}", doc.fields);
    assert!(has_line(&doc, &["Full name", "Jane"]), "{:#?}", cells(&doc));
    assert!(has_line(&doc, &["Organisation", "Example Pty Ltd"]));
    assert!(has_line(&doc, &["Example Pty Ltd"]));
}

/// Annotations with no appearance stream are drawn from their own entries: a FreeText from its
/// rich text `/RC` (no `/Contents`), a pen tick from its `/InkList`, a filled Square from its
/// rectangle and interior colour; each mark ticks the `[ ]` it covers, and a box left alone
/// stays empty. Every answer and mark carries its place on the page (top-left origin).
#[test]
fn annotations_without_appearances_are_read_from_their_entries() {
    let content = b"BT /F1 10 Tf 72 700 Td (Full name:) Tj ET \
        BT /F1 10 Tf 72 660 Td ([ ] I have read, understand, and agree to be legally bound by the Terms of Use) Tj ET \
        BT /F1 10 Tf 72 640 Td ([ ] Public coding service \\(1 API call per second\\)) Tj ET \
        BT /F1 10 Tf 72 620 Td ([ ] Partner coding service \\(Large batch coding\\)) Tj ET";
    let stream = [
        format!("<< /Length {} >>\nstream\n", content.len()).as_bytes(),
        content.as_slice(),
        b"\nendstream",
    ]
    .concat();
    let objects = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R \
           /Resources << /Font << /F1 5 0 R >> >> /Annots [6 0 R 7 0 R 8 0 R] >>"
            .to_vec(),
        stream,
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
            .to_vec(),
        b"<< /Type /Annot /Subtype /FreeText /Rect [140 696 300 712] /DA (/Helv 10 Tf 0 g) \
           /RC (<?xml version=\"1.0\"?><body xmlns=\"http://www.w3.org/1999/xhtml\"><p>Jo &amp; Citizen</p></body>) >>"
            .to_vec(),
        b"<< /Type /Annot /Subtype /Ink /Rect [70 655 84 671] \
           /InkList [[71 664 74 659 76 657 80 664 83 670]] >>"
            .to_vec(),
        b"<< /Type /Annot /Subtype /Square /Rect [72.5 618 80 627] /IC [0.1 0.1 0.1] >>".to_vec(),
    ];
    let doc = read(&write_pdf(&objects), &Limits::default()).expect("readable");
    let lines = cells(&doc);
    assert!(
        has_line(&doc, &["Full name:", "Jo & Citizen"]),
        "{lines:#?}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.join(" ").starts_with("☒ I have read")),
        "{lines:#?}"
    );
    assert!(
        lines.iter().any(|l| l.join(" ").starts_with("☐ Public")),
        "{lines:#?}"
    );
    assert!(
        lines.iter().any(|l| l.join(" ").starts_with("☒ Partner")),
        "{lines:#?}"
    );
    // Places: page 1, y from the top (792 - 712 = 80 for the annotation's top).
    let line = doc
        .lines
        .iter()
        .find(|l| l.cells.iter().any(|c| c == "Jo & Citizen"))
        .expect("the line");
    let place = line.places.last().copied().expect("a place");
    assert_eq!(place.page, 1);
    assert!(
        place.x0 >= 140.0 && place.y0 > 79.0 && place.y1 < 100.0,
        "{place:?}"
    );
}
