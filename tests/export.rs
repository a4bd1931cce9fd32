//! CSV export tests: BOM, exact header, CRLF, quoting, formula guard, and the path from the
//! ledger to the CSV keeping raw values in the ledger.

use chrono::{DateTime, NaiveDate};
use regintake::export::{HEADER, write_csv};
use regintake::extract::Source;
use regintake::ledger::{ExportFilter, ExportRow, Ledger, NewMessage, NewRecord};
use regintake::validate::{Fields, Service};

const SPEC_HEADER: &str = "record_id,received_at,due_by,message_id,sender,subject,attachment,\
source,full_name,organisation,contact_email,terms_accepted,service,ip_allowlist,\
expected_records_per_day,expected_api_calls_per_day,user_guide_agreed,status,flags,supersedes";

fn row(record_id: i64) -> ExportRow {
    ExportRow {
        record_id,
        received_at: "2026-03-02T09:00:00+11:00".into(),
        due_by: "2026-03-09".into(),
        message_id: "<a@x>".into(),
        sender: "Jane <jane@example.org>".into(),
        subject: "Registration".into(),
        attachment: "form.pdf".into(),
        source: "pdf-form".into(),
        full_name: "Dr Jane Citizen".into(),
        organisation: "ABS".into(),
        contact_email: "jane@example.org".into(),
        terms_accepted: "yes".into(),
        service: "partner".into(),
        ip_allowlist: "150.203.0.0/24; 2001:db8::/48".into(),
        expected_records_per_day: "5000".into(),
        expected_api_calls_per_day: "".into(),
        user_guide_agreed: "no".into(),
        status: "needs_review".into(),
        flags: "user_guide_not_agreed;missing_expected_calls".into(),
        supersedes: "".into(),
    }
}

fn csv(rows: &[ExportRow]) -> String {
    let mut out = Vec::new();
    write_csv(&mut out, rows).unwrap();
    String::from_utf8(out).unwrap()
}

/// Parses CSV as we write it (every field quoted), checking the framing as it goes.
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        assert_eq!(c, '"', "every field must start quoted");
        loop {
            match chars.next() {
                Some('"') if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                Some('"') => break,
                Some(c) => field.push(c),
                None => panic!("unterminated field"),
            }
        }
        fields.push(std::mem::take(&mut field));
        match chars.next() {
            Some(',') => {}
            Some('\r') => {
                assert_eq!(chars.next(), Some('\n'), "CR without LF");
                rows.push(std::mem::take(&mut fields));
            }
            other => panic!("unexpected after field: {other:?}"),
        }
    }
    assert!(fields.is_empty(), "last row not ended by CRLF");
    rows
}

#[test]
fn header_bom_and_crlf() {
    let text = csv(&[row(1), row(2)]);
    assert!(text.starts_with('\u{feff}'), "no BOM");
    let body = &text['\u{feff}'.len_utf8()..];
    let quoted_header = SPEC_HEADER
        .split(',')
        .map(|h| format!("\"{h}\""))
        .collect::<Vec<_>>()
        .join(",");
    assert!(body.starts_with(&format!("{quoted_header}\r\n")), "{body}");
    assert_eq!(HEADER.join(","), SPEC_HEADER);
    assert!(body.ends_with("\r\n"));
    // Every LF is part of a CRLF (no field here holds a line break).
    assert_eq!(body.matches('\n').count(), body.matches("\r\n").count());
    assert_eq!(body.matches("\r\n").count(), 3);
    let rows = parse_csv(body);
    assert_eq!(rows.len(), 3);
    assert!(rows.iter().all(|r| r.len() == HEADER.len()));
    assert_eq!(rows[1][0], "1");
    assert_eq!(rows[2][0], "2");
    assert_eq!(rows[1][13], "150.203.0.0/24; 2001:db8::/48");
    assert_eq!(rows[1][15], "");
    assert_eq!(rows[1][18], "user_guide_not_agreed;missing_expected_calls");
}

#[test]
fn empty_export_is_bom_and_header() {
    let text = csv(&[]);
    let rows = parse_csv(&text['\u{feff}'.len_utf8()..]);
    assert_eq!(
        rows,
        vec![HEADER.iter().map(|h| h.to_string()).collect::<Vec<_>>()]
    );
}

#[test]
fn quotes_commas_and_line_breaks_are_quoted() {
    let mut r = row(1);
    r.full_name = "Jane \"JJ\" Citizen".into();
    r.organisation = "Bureau, of Statistics".into();
    r.subject = "line one\r\nline two\nthree".into();
    let text = csv(&[r]);
    assert!(text.contains("\"Jane \"\"JJ\"\" Citizen\""), "{text}");
    assert!(text.contains("\"Bureau, of Statistics\""));
    let rows = parse_csv(&text['\u{feff}'.len_utf8()..]);
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[1][8], "Jane \"JJ\" Citizen");
    assert_eq!(rows[1][9], "Bureau, of Statistics");
    assert_eq!(rows[1][5], "line one\r\nline two\nthree");
}

#[test]
fn formula_guard() {
    let cases = [
        ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"),
        ("+61 2 6252 5000", "'+61 2 6252 5000"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("-2+3", "'-2+3"),
        ("\tJane", "'\tJane"),
        ("\rJane", "'\rJane"),
        ("\nJane", "'\nJane"),
        // Not at the start, or harmless: unchanged.
        ("Jane = Citizen", "Jane = Citizen"),
        (" =1+1", " =1+1"),
        ("'quoted", "'quoted"),
        ("", ""),
    ];
    for (raw, shown) in cases {
        let mut r = row(1);
        r.full_name = raw.into();
        r.subject = raw.into();
        r.attachment = raw.into();
        r.organisation = raw.into();
        r.contact_email = raw.into();
        r.ip_allowlist = raw.into();
        r.message_id = raw.into();
        r.sender = raw.into();
        let text = csv(&[r]);
        let rows = parse_csv(&text['\u{feff}'.len_utf8()..]);
        for column in [3, 4, 5, 6, 8, 9, 10, 13] {
            assert_eq!(
                rows[1][column], shown,
                "{raw:?} in column {}",
                HEADER[column]
            );
        }
    }
}

#[test]
fn our_own_cells_are_never_altered_by_the_guard() {
    let text = csv(&[row(42)]);
    let rows = parse_csv(&text['\u{feff}'.len_utf8()..]);
    let r = &rows[1];
    assert_eq!(r[0], "42");
    assert_eq!(r[1], "2026-03-02T09:00:00+11:00");
    assert_eq!(r[2], "2026-03-09");
    assert_eq!(r[7], "pdf-form");
    assert_eq!(r[14], "5000");
    assert_eq!(r[17], "needs_review");
}

#[test]
fn ledger_keeps_raw_value_and_csv_guards_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ledger.db");
    let mut ledger = Ledger::open(&path).unwrap();
    let message = NewMessage {
        key: "mid:a@x".into(),
        message_id: "<a@x>".into(),
        sender: "@attacker <x@y>".into(),
        subject: "Registration".into(),
        received_at: DateTime::parse_from_rfc3339("2026-03-02T09:00:00+11:00").unwrap(),
        raw_sha256: "00".repeat(32),
        raw_size: 10,
        origin: "eml:/tmp/a.eml".into(),
        records: vec![NewRecord {
            attachment: "-form.pdf".into(),
            source: Source::Docx,
            fields: Fields {
                full_name: "=HYPERLINK(\"http://x\")".into(),
                organisation: "+61 2 6252 5000".into(),
                contact_email: "jane@example.org".into(),
                terms_accepted: true,
                service: Some(Service::Public),
                ip_allowlist: String::new(),
                expected_records_per_day: Some(100),
                expected_api_calls_per_day: Some(50),
                user_guide_agreed: true,
            },
            flags: vec![],
            due_by: NaiveDate::from_ymd_opt(2026, 3, 9).unwrap(),
            detail: serde_json::json!({}),
        }],
    };
    ledger.append(&[message], false).unwrap();
    let rows = ledger.export_rows(&ExportFilter::default()).unwrap();
    assert_eq!(rows[0].full_name, "=HYPERLINK(\"http://x\")");
    assert_eq!(rows[0].organisation, "+61 2 6252 5000");
    let text = csv(&rows);
    let parsed = parse_csv(&text['\u{feff}'.len_utf8()..]);
    assert_eq!(parsed[1][8], "'=HYPERLINK(\"http://x\")");
    assert_eq!(parsed[1][9], "'+61 2 6252 5000");
    assert_eq!(parsed[1][4], "'@attacker <x@y>");
    assert_eq!(parsed[1][6], "'-form.pdf");
    assert_eq!(parsed[1][17], "ok");
    assert_eq!(parsed[1][15], "50");
    // Exporting did not change the ledger.
    let again = ledger.export_rows(&ExportFilter::default()).unwrap();
    assert_eq!(again, rows);
}

#[cfg(unix)]
mod report_file {
    use regintake::cli::write_atomically;
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    use std::path::Path;

    fn mode(path: &Path) -> u32 {
        std::fs::metadata(path).unwrap().permissions().mode() & 0o7777
    }

    fn write_report(path: &Path, text: &str) {
        write_atomically(path, |w| w.write_all(text.as_bytes())).unwrap();
    }

    /// Names in the folder other than `keep`: a temporary file left behind shows up here.
    fn others(dir: &Path, keep: &[&str]) -> Vec<String> {
        std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| !keep.contains(&n.as_str()))
            .collect()
    }

    #[test]
    fn a_new_report_is_private() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("report.csv");
        write_report(&path, "new");
        assert_eq!(mode(&path), 0o600);
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new");
        assert!(others(dir.path(), &["report.csv"]).is_empty());
    }

    #[test]
    fn a_replaced_report_keeps_its_mode_and_group() {
        let dir = tempfile::tempdir().unwrap();
        for old_mode in [0o600, 0o640, 0o644, 0o604, 0o400] {
            let path = dir.path().join(format!("report-{old_mode:o}.csv"));
            std::fs::write(&path, "old").unwrap();
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(old_mode)).unwrap();
            // Another group than ours, where this user may give the file one (root may).
            let group = std::fs::metadata(dir.path()).unwrap().gid() + 4242;
            let regrouped = std::os::unix::fs::chown(&path, None, Some(group)).is_ok();
            write_report(&path, "new");
            assert_eq!(std::fs::read_to_string(&path).unwrap(), "new");
            assert_eq!(mode(&path), old_mode, "mode {old_mode:o} not kept");
            if regrouped {
                assert_eq!(
                    std::fs::metadata(&path).unwrap().gid(),
                    group,
                    "group not kept"
                );
            }
        }
    }

    #[test]
    fn through_a_link_the_target_is_replaced_and_the_link_stays() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real.csv");
        std::fs::write(&real, "old").unwrap();
        std::fs::set_permissions(&real, std::fs::Permissions::from_mode(0o640)).unwrap();
        let link = dir.path().join("link.csv");
        std::os::unix::fs::symlink("real.csv", &link).unwrap();
        write_report(&link, "new");
        assert!(
            std::fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(std::fs::read_to_string(&real).unwrap(), "new");
        assert_eq!(mode(&real), 0o640);
        assert!(others(dir.path(), &["real.csv", "link.csv"]).is_empty());
    }

    #[test]
    fn a_failed_write_leaves_the_old_report_and_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("report.csv");
        std::fs::write(&path, "old").unwrap();
        let err = write_atomically(&path, |w| {
            w.write_all(b"half a rep")?;
            Err(std::io::Error::other("disk full"))
        })
        .unwrap_err();
        assert!(format!("{err:#}").contains("disk full"), "{err:#}");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "old");
        assert!(others(dir.path(), &["report.csv"]).is_empty());
    }
}
