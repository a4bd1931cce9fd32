//! Tests for the RTF reader: RTF text in → the lines, cells and fields it reads.

use super::*;
use crate::extract::FieldValue;

fn lines(rtf: &str) -> Vec<Vec<String>> {
    read(rtf.as_bytes(), &Limits::default())
        .expect("read")
        .lines
        .into_iter()
        .map(|l| l.cells)
        .collect()
}

#[test]
fn paragraphs_escapes_and_code_pages() {
    let rtf = r"{\rtf1\ansi\ansicpg1252{\fonttbl{\f0 Calibri;}{\f1\fcharset204 Arial Cyr;}}
\pard Ren\'e9e \u8217?s\par {\f1 \'cf\'f0\'e8}\par}";
    assert_eq!(
        lines(rtf),
        vec![vec!["Renée ’s".to_string()], vec!["При".to_string()]]
    );
}

#[test]
fn tables_and_empty_cells() {
    let rtf = r"{\rtf1\ansi \trowd\cellx1\cellx2\pard\intbl Name\cell Jane\cell\row
\trowd\pard\intbl IP\cell\cell\row\pard after\par}";
    assert_eq!(
        lines(rtf),
        vec![
            vec!["Name".to_string(), "Jane".to_string()],
            vec!["IP".to_string(), String::new()],
            vec!["after".to_string()]
        ]
    );
}

#[test]
fn wingdings_and_form_fields() {
    let rtf = r#"{\rtf1\ansi{\fonttbl{\f0 Calibri;}{\f2\fcharset2 Wingdings;}}
{\f2\'fe} Terms\par {\f2\u252\'fc} Guide\par
{\field{\*\fldinst FORMCHECKBOX {\*\formfield{\fftype1\ffdefres1\ffres25{\*\ffname Box}}}}{\fldrslt }} Public\par
{\field{\*\fldinst SYMBOL 168 \\f "Wingdings" \\s 11}{\fldrslt }} Partner\par
Name: {\field{\*\fldinst FORMTEXT }{\fldrslt Jane}}\par}"#;
    let doc = read(rtf.as_bytes(), &Limits::default()).expect("read");
    let text: Vec<String> = doc.lines.iter().map(|l| l.joined()).collect();
    assert_eq!(
        text,
        vec!["☒ Terms", "☒ Guide", "☒ Public", "☐ Partner", "Name: Jane"]
    );
    assert_eq!(doc.fields.len(), 2);
    assert_eq!(doc.fields[0].value, FieldValue::Check(true));
    assert_eq!(doc.fields[0].nearby_text, "Public");
    assert_eq!(doc.fields[1].value, FieldValue::Text("Jane".into()));
}

#[test]
fn deep_nesting_and_bad_input_do_not_hurt() {
    let deep = format!(
        "{{\\rtf1 {}x{} after\\par}}",
        "{".repeat(100_000),
        "}".repeat(100_000)
    );
    assert!(matches!(
        read(deep.as_bytes(), &Limits::default()),
        Err(Unreadable::OverLimit {
            limit: Limit::Nesting,
            ..
        })
    ));
    let fine = format!(
        "{{\\rtf1 {}x{} after\\par}}",
        "{".repeat(30),
        "}".repeat(30)
    );
    let doc = read(fine.as_bytes(), &Limits::default()).expect("read");
    assert_eq!(doc.lines.len(), 1);
    for bad in [
        r"{\rtf1 \u-10000? \u55357\u56832 \'zz \bin99999999 x",
        r"{\rtf1 \",
        "{\\rtf",
    ] {
        assert!(read(bad.as_bytes(), &Limits::default()).is_ok(), "{bad}");
    }
    assert!(read(b"not rtf", &Limits::default()).is_err());
}
