//! Report tests: the columns against SPEC's list, the CSV framing (BOM, every field quoted,
//! CRLF), quoting, the formula guard, the path from the ledger to the CSV keeping raw values in
//! the ledger, and the report file's atomic write and mode.

use crate::support::csv as csv_file;

use chrono::{DateTime, NaiveDate};
use csv_file::{assert_spec_framing, parse_csv};
use regintake::extract::Source;
use regintake::ledger::{ExportFilter, Ledger, NewMessage, NewRecord, Status};
use regintake::report::{self, COLUMNS, Day, Kind, Row, Time, Value, csv::write_csv};
use regintake::validate::{Fields, Service};

/// SPEC "Reports", written once: the columns in order (version 2).
const SPEC_COLUMNS: &str = "record_id,received_at,due_by,message_id,sender,subject,attachment,\
source,full_name,organisation,contact_email,terms_accepted,service,ip_allowlist,\
expected_records_per_day,expected_api_calls_per_day,user_guide_agreed,status,flags,supersedes,\
notes,decision,decided_at,decided_by";

fn header() -> Vec<String> {
    COLUMNS.iter().map(|c| c.name.to_string()).collect()
}

/// The position of a column.
fn col(name: &str) -> usize {
    COLUMNS
        .iter()
        .position(|c| c.name == name)
        .unwrap_or_else(|| panic!("no column {name}"))
}

fn row(record_id: i64) -> Row {
    Row {
        record_id,
        received_at: Time::parse("2026-03-02T09:00:00+11:00"),
        due_by: Day(NaiveDate::from_ymd_opt(2026, 3, 9).unwrap()),
        message_id: "<a@x>".into(),
        sender: "jane@example.org".into(),
        subject: "Registration".into(),
        // A form in the mail body: no attachment.
        attachment: String::new(),
        source: "body".into(),
        full_name: "Dr Jane Citizen".into(),
        organisation: "ABS".into(),
        contact_email: "jane@example.org".into(),
        terms_accepted: "yes".into(),
        service: "partner".into(),
        ip_allowlist: "150.203.0.0/24; 2001:db8::/48".into(),
        expected_records_per_day: Some(5000),
        expected_api_calls_per_day: None,
        user_guide_agreed: "no".into(),
        status: Status::NeedsReview,
        flags: "user_guide_not_agreed;missing_expected_calls".into(),
        supersedes: Some(7),
        notes: "The User Guide box is not ticked. The expected API calls a day is blank.".into(),
        decision: "info_requested".into(),
        decided_at: Time::parse("2026-03-03T10:15:00+11:00"),
        decided_by: "jsmith".into(),
    }
}

fn csv(rows: &[Row]) -> String {
    let mut out = Vec::new();
    write_csv(&mut out, rows).unwrap();
    String::from_utf8(out).unwrap()
}

#[test]
fn the_columns_are_specs() {
    assert_eq!(header().join(","), SPEC_COLUMNS);
    let mut names = header();
    names.sort();
    names.dedup();
    assert_eq!(names.len(), COLUMNS.len(), "a column name twice");
    assert_eq!(row(1).values().len(), COLUMNS.len());
}

#[test]
fn header_bom_quotes_and_crlf() {
    let text = csv(&[row(1), row(2)]);
    let rows = assert_spec_framing(&text);
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[0], header());
    assert_eq!(rows[1][col("record_id")], "1");
    assert_eq!(rows[2][col("record_id")], "2");
    assert_eq!(
        rows[1][col("ip_allowlist")],
        "150.203.0.0/24; 2001:db8::/48"
    );
    assert_eq!(rows[1][col("expected_api_calls_per_day")], "");
    assert_eq!(rows[1][col("supersedes")], "7");
}

#[test]
fn empty_export_is_bom_and_header() {
    let rows = assert_spec_framing(&csv(&[]));
    assert_eq!(rows, vec![header()]);
}

#[test]
fn quotes_commas_and_line_breaks_are_quoted() {
    let mut r = row(1);
    r.full_name = "Jane \"JJ\" Citizen".into();
    r.organisation = "Bureau, of Statistics".into();
    r.subject = "line one\r\nline two\nthree".into();
    let text = csv(&[r]);
    assert!(text.contains("\"Jane \"\"JJ\"\" Citizen\""), "{text}");
    let rows = assert_spec_framing(&text);
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[1][col("full_name")], "Jane \"JJ\" Citizen");
    assert_eq!(rows[1][col("organisation")], "Bureau, of Statistics");
    assert_eq!(rows[1][col("subject")], "line one\r\nline two\nthree");
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
        // After leading spaces too (SPEC: spreadsheets skip them).
        (" =1+1", "' =1+1"),
        ("   -2", "'   -2"),
        ("  @x", "'  @x"),
        // Not at the start, or harmless: unchanged.
        ("Jane = Citizen", "Jane = Citizen"),
        ("  Jane", "  Jane"),
        ("   ", "   "),
        ("'quoted", "'quoted"),
        ("", ""),
    ];
    for (raw, shown) in cases {
        let r = Row {
            message_id: raw.into(),
            sender: raw.into(),
            subject: raw.into(),
            attachment: raw.into(),
            full_name: raw.into(),
            organisation: raw.into(),
            contact_email: raw.into(),
            ip_allowlist: raw.into(),
            notes: raw.into(),
            decided_by: raw.into(),
            ..row(1)
        };
        let rows = parse_csv(&csv(std::slice::from_ref(&r)));
        let mut guarded = 0;
        for (i, (column, value)) in COLUMNS.iter().zip(r.values()).enumerate() {
            if value == Value::Text(raw) && column.kind == Kind::Text {
                assert_eq!(rows[1][i], shown, "{raw:?} in column {}", column.name);
                guarded += 1;
            }
        }
        assert!(guarded >= 10, "{raw:?}: {guarded} columns checked");
    }
}

#[test]
fn our_own_cells_are_never_altered_by_the_guard() {
    let r = row(42);
    let rows = parse_csv(&csv(std::slice::from_ref(&r)));
    for (i, (column, value)) in COLUMNS.iter().zip(r.values()).enumerate() {
        assert_eq!(rows[1][i], value.to_string(), "column {}", column.name);
    }
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
                terms_accepted: Some(true),
                service: Some(Service::Public),
                ip_allowlist: String::new(),
                expected_records_per_day: Some(100),
                expected_api_calls_per_day: Some(50),
                user_guide_agreed: Some(true),
            },
            flags: vec![],
            notes: String::new(),
            due_by: NaiveDate::from_ymd_opt(2026, 3, 9).unwrap(),
            detail: regintake::ledger::RecordDetail::default(),
        }],
    };
    ledger.append(&[message], false).unwrap();
    let rows = report::rows(&ledger, &ExportFilter::default()).unwrap();
    assert_eq!(rows[0].full_name, "=HYPERLINK(\"http://x\")");
    assert_eq!(rows[0].organisation, "+61 2 6252 5000");
    let parsed = assert_spec_framing(&csv(&rows));
    assert_eq!(parsed[0], header());
    let cell = |name: &str| parsed[1][col(name)].as_str();
    assert_eq!(cell("full_name"), "'=HYPERLINK(\"http://x\")");
    assert_eq!(cell("organisation"), "'+61 2 6252 5000");
    assert_eq!(cell("sender"), "'@attacker <x@y>");
    assert_eq!(cell("attachment"), "'-form.pdf");
    assert_eq!(cell("status"), "ok");
    assert_eq!(cell("expected_api_calls_per_day"), "50");
    assert_eq!(cell("source"), "docx");
    // Exporting did not change the ledger.
    let again = report::rows(&ledger, &ExportFilter::default()).unwrap();
    assert_eq!(again, rows);
}

#[cfg(unix)]
mod report_file {
    use regintake::report::write_atomically;
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
