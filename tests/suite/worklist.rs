//! The staff worklist through the binary: notes in the report, `decide` then `export --open` /
//! `--overdue`, Canberra time in every row, `show` (text and JSON, hostile answers escaped), the
//! Excel report (read back with calamine, and converted by LibreOffice: the same rows and
//! values as the CSV), and reporting from a folder the user cannot write.

use crate::support::csv as csv_file;
use crate::support::{REGINTAKE, bin, ok, run, stderr};

use calamine::{Data, Reader as _};
use csv_file::parse_csv;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Duration;

/// One answer set for a form pasted into a mail body.
struct Form<'a> {
    name: &'a str,
    organisation: &'a str,
    email: &'a str,
    ip: &'a str,
    records: &'a str,
    calls: &'a str,
}

impl Default for Form<'_> {
    fn default() -> Self {
        Form {
            name: "Dr Jane Citizen",
            organisation: "Department of Examples",
            email: "jane.citizen@example.gov.au",
            ip: "150.203.4.0/24",
            records: "5,000",
            calls: "800",
        }
    }
}

/// A mail with the registration form in its body (UTF-8, 8bit), as applicants paste it.
fn mail(id: &str, date: &str, form: &Form<'_>) -> String {
    format!(
        "From: Applicant <applicant@example.gov.au>\r\n\
         To: Coding Service Registration <coding.service.registration@abs.gov.au>\r\n\
         Subject: Registration {id}\r\n\
         Date: {date}\r\n\
         Message-ID: <{id}@example.gov.au>\r\n\
         MIME-Version: 1.0\r\n\
         Content-Type: text/plain; charset=\"utf-8\"\r\n\
         Content-Transfer-Encoding: 8bit\r\n\r\n\
         Please find our registration below.\r\n\r\n\
         Occupation Coding Service Registration Form\r\n\r\n\
         Your Details\r\n\
         Full name\r\n{name}\r\n\
         Organisation\r\n{organisation}\r\n\
         Contact email\r\n{email}\r\n\r\n\
         Terms of Use\r\n\
         [X] I have read, understand, and agree to be legally bound by the Terms of Use of the \
         Australian Bureau of Statistics Occupation Coding Service.\r\n\r\n\
         Service required\r\n\
         [ ] Public coding service (1 API call per second and up to 1,000 calls per day).\r\n\
         [X] Partner coding service (Large batch coding, and real-time coding (1 API call per \
         second and up to 10,000 real-time calls per day)).\r\n\
         You must also provide a static agency IP address or range of addresses for \
         allowlisting (not a local, personal, workstation or dynamic IP address): [ {ip} ]\r\n\r\n\
         Your expected use\r\n\
         Please indicate the approximate maximum number per day in a peak period of:\r\n\
         - records you expect to code: [ {records} ]\r\n\
         - API calls (batch or single record requests) you expect to make: [ {calls} ]\r\n\r\n\
         User Guide agreement\r\n\
         [X] I agree to read and follow the API integration instructions in the Occupation \
         Coding Service User Guide.\r\n",
        name = form.name,
        organisation = form.organisation,
        email = form.email,
        ip = form.ip,
        records = form.records,
        calls = form.calls,
    )
}

/// Writes the mails as .eml files in a folder and ingests the folder.
fn ingest(db: &Path, dir: &Path, mails: &[(&str, String)]) {
    let folder = dir.join(format!("mail-{}", mails.first().map_or("none", |m| m.0)));
    std::fs::create_dir_all(&folder).unwrap();
    for (name, text) in mails {
        std::fs::write(folder.join(format!("{name}.eml")), text).unwrap();
    }
    ok(run(db, &["ingest", folder.to_str().unwrap()]));
}

/// The report as rows of cells, header first.
fn export(db: &Path, args: &[&str]) -> Vec<Vec<String>> {
    let out = ok(run(db, &[&["export"], args].concat()));
    parse_csv(&String::from_utf8(out.stdout).unwrap())
}

fn column(rows: &[Vec<String>], name: &str) -> Vec<String> {
    let i = rows[0].iter().position(|c| c == name).expect(name);
    rows[1..].iter().map(|r| r[i].clone()).collect()
}

/// The worklist of the first test: (file name, Date header, form).
fn worklist_mails() -> Vec<(&'static str, String)> {
    let other = |email: &'static str| Form {
        email,
        ..Form::default()
    };
    vec![
        // 1: no decision, due long ago: open and overdue.
        (
            "m1",
            mail(
                "m1",
                "Mon, 02 Mar 2020 09:00:00 +1100",
                &other("a@example.gov.au"),
            ),
        ),
        // 2: granted below: neither.
        (
            "m2",
            mail(
                "m2",
                "Tue, 03 Mar 2020 09:00:00 +1100",
                &other("b@example.gov.au"),
            ),
        ),
        // 3: information requested below: open, not overdue.
        (
            "m3",
            mail(
                "m3",
                "Wed, 04 Mar 2020 09:00:00 +1100",
                &other("c@example.gov.au"),
            ),
        ),
        // 4 is superseded by 5 (same contact and organisation, later): 4 is neither, 5 is open
        // and, due in 2099, not overdue.
        (
            "m4",
            mail(
                "m4",
                "Thu, 05 Mar 2020 09:00:00 +1100",
                &other("d@example.gov.au"),
            ),
        ),
        (
            "m5",
            mail(
                "m5",
                "Mon, 05 Jan 2099 09:00:00 +1100",
                &other("D@example.gov.au"),
            ),
        ),
        // 6: received at 01:30 in Canberra, which is the previous day in UTC (the Date header
        // says so): 3 March 2020 is its day.
        (
            "m6",
            mail(
                "m6",
                "Mon, 02 Mar 2020 14:30:00 +0000",
                &other("e@example.gov.au"),
            ),
        ),
    ]
}

#[test]
fn decide_then_export_open_and_overdue_in_canberra_time() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("ledger.db");
    ingest(&db, dir.path(), &worklist_mails());
    let ids = |rows: &[Vec<String>]| column(rows, "record_id");
    let subjects = |rows: &[Vec<String>]| column(rows, "subject");
    let all = export(&db, &[]);
    assert_eq!(all.len(), 7);
    let id_of = |m: &str| {
        let at = subjects(&all)
            .iter()
            .position(|s| s == &format!("Registration {m}"))
            .unwrap();
        ids(&all)[at].clone()
    };
    ok(run(
        &db,
        &[
            "decide",
            &id_of("m2"),
            "--outcome",
            "granted",
            "--by",
            "ann",
        ],
    ));
    ok(run(
        &db,
        &[
            "decide",
            &id_of("m3"),
            "--outcome",
            "info_requested",
            "--note",
            "which IP?",
        ],
    ));
    let open = export(&db, &["--open"]);
    let mut open_subjects = subjects(&open);
    open_subjects.sort();
    assert_eq!(
        open_subjects,
        [
            "Registration m1",
            "Registration m3",
            "Registration m5",
            "Registration m6"
        ]
    );
    let overdue = export(&db, &["--overdue"]);
    let mut overdue_subjects = subjects(&overdue);
    overdue_subjects.sort();
    assert_eq!(overdue_subjects, ["Registration m1", "Registration m6"]);
    // The decision columns: the latest decision, by whom, when (Canberra time).
    let all = export(&db, &[]);
    let decision = column(&all, "decision");
    let by = column(&all, "decided_by");
    let at = column(&all, "decided_at");
    let row_of = |m: &str| {
        subjects(&all)
            .iter()
            .position(|s| s == &format!("Registration {m}"))
            .unwrap()
    };
    assert_eq!(decision[row_of("m2")], "granted");
    assert_eq!(by[row_of("m2")], "ann");
    assert_eq!(decision[row_of("m3")], "info_requested");
    assert!(
        !by[row_of("m3")].is_empty(),
        "--by defaults to the login name"
    );
    assert_eq!(decision[row_of("m1")], "");
    assert_eq!(at[row_of("m1")], "");
    let decided_at = chrono::DateTime::parse_from_rfc3339(&at[row_of("m2")]).unwrap();
    assert!(
        matches!(decided_at.offset().local_minus_utc(), 36_000 | 39_600),
        "{decided_at}"
    );
    // Canberra time in every row, the instant the Date header gave.
    let received = column(&all, "received_at");
    for (subject, shown) in subjects(&all).iter().zip(&received) {
        assert!(
            shown.ends_with("+10:00") || shown.ends_with("+11:00"),
            "{subject}: {shown}"
        );
    }
    assert_eq!(received[row_of("m6")], "2020-03-03T01:30:00+11:00");
    assert_eq!(received[row_of("m1")], "2020-03-02T09:00:00+11:00");
    // --since / --until are Canberra days of received_at, inclusive.
    let window = export(&db, &["--since", "2020-03-03", "--until", "2020-03-03"]);
    let mut in_window = subjects(&window);
    in_window.sort();
    assert_eq!(in_window, ["Registration m2", "Registration m6"]);
    // A decision on an unknown record: exit 1, one line, nothing written.
    let before = export(&db, &[]);
    let out = run(
        &db,
        &["decide", &id_of("m1"), "999", "--outcome", "declined"],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("no record 999"), "{err}");
    assert_eq!(export(&db, &[]), before, "nothing of the batch was written");
    // The supersedes chain both ways in `show`.
    let shown = ok(run(&db, &["show", "--json", &id_of("m4"), &id_of("m5")]));
    let shown: serde_json::Value = serde_json::from_slice(&shown.stdout).unwrap();
    let m4: i64 = id_of("m4").parse().unwrap();
    let m5: i64 = id_of("m5").parse().unwrap();
    assert_eq!(shown[0]["superseded"], true);
    assert_eq!(shown[0]["superseded_by"][0]["record_id"], m5);
    assert_eq!(shown[0]["open"], false);
    assert_eq!(shown[1]["supersedes"][0]["record_id"], m4);
    assert_eq!(shown[1]["superseded"], false);
    assert_eq!(shown[1]["open"], true);
    let shown = ok(run(&db, &["show", "--json", &id_of("m3")]));
    let shown: serde_json::Value = serde_json::from_slice(&shown.stdout).unwrap();
    assert_eq!(shown[0]["decisions"][0]["outcome"], "info_requested");
    assert_eq!(shown[0]["decisions"][0]["note"], "which IP?");
    assert_eq!(shown[0]["message"]["message_id"], "<m3@example.gov.au>");
    assert_eq!(
        shown[0]["fields"]["ip_allowlist"]["value"],
        "150.203.4.0/24"
    );
    let out = run(&db, &["show", "4242"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stderr(&out).lines().count(), 1, "{}", stderr(&out));
}

#[test]
fn decide_does_not_wait_for_the_run_lock_only_for_a_commit_under_way() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("ledger.db");
    ingest(&db, dir.path(), &worklist_mails()[..1]);
    // A poll daemon holds the run lock as long as it is up: a decision goes in all the same.
    let lock = regintake::ledger::RunLock::acquire(&db).unwrap();
    ok(run(
        &db,
        &["decide", "1", "--outcome", "granted", "--by", "ann"],
    ));
    drop(lock);
    // A write transaction under way: a decision waits for it...
    let writer = rusqlite::Connection::open(&db).unwrap();
    writer.execute_batch("BEGIN IMMEDIATE").unwrap();
    let child = bin()
        .arg("--db")
        .arg(&db)
        .args(["decide", "1", "--outcome", "declined", "--by", "bob"])
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(1500));
    writer.execute_batch("COMMIT").unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    // ...but not for ever: exit 75, nothing written.
    writer.execute_batch("BEGIN IMMEDIATE").unwrap();
    let out = run(
        &db,
        &["decide", "1", "--outcome", "withdrawn", "--by", "cat"],
    );
    writer.execute_batch("COMMIT").unwrap();
    assert_eq!(out.status.code(), Some(75), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("no decision was recorded"),
        "{}",
        stderr(&out)
    );
    let rows = export(&db, &[]);
    assert_eq!(column(&rows, "decision"), ["declined"]);
    assert_eq!(column(&rows, "decided_by"), ["bob"]);
}

#[test]
fn hostile_answers_are_quoted_safely_in_notes_csv_and_show() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("ledger.db");
    let long = "x".repeat(10_000);
    let hostile_name = "Jane \u{202e}nesitiC\u{202c}";
    let form = Form {
        name: hostile_name,
        organisation: &long,
        email: "jane(at)abs.gov.au",
        ip: "192.168.10.4 (dynamic \u{202e}PI)",
        records: "TBC",
        calls: "=SUM(A1)",
    };
    ingest(
        &db,
        dir.path(),
        &[("h1", mail("h1", "Mon, 02 Mar 2020 09:00:00 +1100", &form))],
    );
    ok(run(
        &db,
        &[
            "decide",
            "1",
            "--outcome",
            "info_requested",
            "--note",
            "-2+3 \u{1b}[2J\u{202e}x",
            "--by",
            "=HYPERLINK(\"http://x\")",
        ],
    ));
    let out = ok(run(&db, &["export"]));
    let text = String::from_utf8(out.stdout).unwrap();
    let rows = csv_file::assert_spec_framing(&text);
    let notes = &column(&rows, "notes")[0];
    for part in [
        "Contact email \"jane(at)abs.gov.au\" is not an e-mail address.",
        "IP address 192.168.10.4 is a private address.",
        "says the address is dynamic (\"dynamic\")",
        "Expected records per day \"TBC\" has no number in it.",
        "SUM(A1)\" has no number in it.",
    ] {
        assert!(notes.contains(part), "{part:?} not in {notes:?}");
    }
    assert!(
        !notes.contains('\u{202e}') && !notes.contains('\u{1b}'),
        "{notes:?}"
    );
    assert!(notes.contains("[U+202E]"), "{notes:?}");
    assert_eq!(column(&rows, "decided_by")[0], "'=HYPERLINK(\"http://x\")");
    assert_eq!(column(&rows, "organisation")[0], long);
    // show: the applicant's text escaped for the terminal, whole in JSON.
    let out = ok(run(&db, &["show", "1"]));
    let shown = String::from_utf8(out.stdout).unwrap();
    assert!(
        !shown
            .chars()
            .any(|c| c == '\u{1b}' || c == '\u{202e}' || c == '\u{202c}')
    );
    assert!(shown.contains("Jane \\u{202e}nesitiC\\u{202c}"), "{shown}");
    assert!(shown.contains("\"-2+3 \\u{001b}[2J\\u{202e}x\""), "{shown}");
    let out = ok(run(&db, &["show", "--json", "1"]));
    let raw = String::from_utf8(out.stdout).unwrap();
    assert!(!raw.contains('\u{202e}') && !raw.contains('\u{1b}'));
    let json: serde_json::Value = serde_json::from_str(&raw).unwrap();
    assert_eq!(json[0]["report"]["full_name"], hostile_name);
    assert_eq!(
        json[0]["report"]["full_name"],
        column(&rows, "full_name")[0]
    );
    assert_eq!(json[0]["decisions"][0]["note"], "-2+3 \u{1b}[2J\u{202e}x");
}

/// The Excel report's cell as the CSV would show it, for comparing the two.
fn xlsx_cell(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Float(f) if f.fract() == 0.0 => format!("{}", *f as i64),
        Data::Int(n) => n.to_string(),
        other => panic!("unexpected cell {other:?}"),
    }
}

/// A CSV cell without the formula guard (the workbook keeps the text as it is).
fn unguarded(cell: &str) -> String {
    match cell.strip_prefix('\'') {
        Some(rest)
            if matches!(
                rest.trim_start_matches(' ').chars().next(),
                Some('=' | '+' | '-' | '@' | '\t' | '\r' | '\n')
            ) =>
        {
            rest.to_string()
        }
        _ => cell.to_string(),
    }
}

/// A CSV cell as the workbook gives it back: without the formula guard, cut at the cell
/// limit, `_xHHHH_`-like text as written.
fn read_back(csv_cell: &str) -> String {
    regintake::report::xlsx::cell_text(&unguarded(csv_cell)).replace("_x005F_", "_")
}

/// A ledger with every shape of row: the sample mailbox, decisions, a hostile answer and one
/// longer than a spreadsheet cell.
fn report_ledger(dir: &Path) -> PathBuf {
    let db = dir.join("ledger.db");
    let sample = crate::support::repo("fixtures/sample.mbox");
    ok(run(&db, &["ingest", sample.to_str().unwrap()]));
    let huge = "y".repeat(40_000);
    let hostile = Form {
        name: "=HYPERLINK(\"http://evil\",\"x\") \u{202e}\u{7} _x0041_",
        organisation: &huge,
        email: "@jane",
        ..Form::default()
    };
    ingest(
        &db,
        dir,
        &[(
            "x1",
            mail("x1", "Mon, 02 Mar 2020 09:00:00 +1100", &hostile),
        )],
    );
    ok(run(
        &db,
        &["decide", "1", "2", "--outcome", "granted", "--by", "ann"],
    ));
    ok(run(
        &db,
        &["decide", "3", "--outcome", "info_requested", "--by", "-bob"],
    ));
    ok(run(
        &db,
        &[
            "decide",
            "5",
            "--outcome",
            "declined",
            "--by",
            "ann",
            "--note",
            "dup",
        ],
    ));
    db
}

#[test]
fn the_workbook_holds_the_csv_rows_as_typed_cells() {
    let dir = tempfile::tempdir().unwrap();
    let (db, csv, xlsx) = report_files(dir.path());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&xlsx).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(&xlsx).unwrap();
    assert_eq!(book.sheet_names(), ["Registrations", "Summary"]);
    let sheet = book.worksheet_range("Registrations").unwrap();
    let cells: Vec<Vec<Data>> = sheet.rows().map(|r| r.to_vec()).collect();
    assert_eq!(cells.len(), csv.len(), "same rows");
    let kinds: Vec<regintake::report::Kind> =
        regintake::report::COLUMNS.iter().map(|c| c.kind).collect();
    for (i, (row, expected)) in cells.iter().zip(&csv).enumerate() {
        assert_eq!(row.len(), expected.len(), "row {i}");
        for (j, (cell, want)) in row.iter().zip(expected).enumerate() {
            let name = &csv[0][j];
            if i == 0 {
                assert_eq!(xlsx_cell(cell), *want);
                continue;
            }
            use regintake::report::Kind;
            match (kinds[j], cell) {
                (_, Data::Empty) => assert_eq!(want, "", "{name} row {i}"),
                (Kind::Integer | Kind::Count, Data::Float(f)) => {
                    assert_eq!(format!("{}", *f as i64), *want, "{name} row {i}")
                }
                (Kind::Date, Data::DateTime(d)) => {
                    let day = d.as_datetime().unwrap().date();
                    assert_eq!(day.format("%Y-%m-%d").to_string(), *want, "{name} row {i}")
                }
                (Kind::DateTime, Data::DateTime(d)) => {
                    let local = chrono::DateTime::parse_from_rfc3339(want).unwrap();
                    assert_eq!(
                        d.as_datetime().unwrap(),
                        local.naive_local(),
                        "{name} row {i}"
                    );
                }
                (Kind::Text | Kind::Status, Data::String(s)) => {
                    assert_eq!(*s, read_back(want), "{name} row {i}")
                }
                (kind, cell) => panic!("{name} row {i}: {kind:?} column holds {cell:?}"),
            }
        }
    }
    // Summary: the counts of the rows.
    let summary = book.worksheet_range("Summary").unwrap();
    let count = |label: &str| -> f64 {
        summary
            .rows()
            .find(|r| r[0] == Data::String(label.into()))
            .and_then(|r| match r[1] {
                Data::Float(f) => Some(f),
                _ => None,
            })
            .unwrap_or_else(|| panic!("no {label} in the summary"))
    };
    let statuses = column(&csv, "status");
    assert_eq!(count("records") as usize, statuses.len());
    assert_eq!(
        count("status needs_review") as usize,
        statuses.iter().filter(|s| *s == "needs_review").count()
    );
    assert_eq!(count("granted"), 2.0);
    assert_eq!(count("declined"), 1.0);
    assert_eq!(count("info_requested"), 1.0);
    assert_eq!(count("withdrawn"), 0.0);
    assert_eq!(count("no decision") as usize, statuses.len() - 4);
    let open = export(&db, &["--open"]).len() - 1;
    let overdue = export(&db, &["--overdue"]).len() - 1;
    assert_eq!(
        count("open (no decision, or info_requested)") as usize,
        open
    );
    assert_eq!(
        count("overdue (no decision, past due_by)") as usize,
        overdue
    );
    // The looks: frozen header, filters, shaded needs_review rows, red overdue dates, wrapped
    // notes, quote prefix on formula-like text.
    let part = |name: &str| -> String {
        let file = std::fs::File::open(&xlsx).unwrap();
        let mut zip = zip::ZipArchive::new(file).unwrap();
        let mut text = String::new();
        std::io::Read::read_to_string(&mut zip.by_name(name).unwrap(), &mut text).unwrap();
        text
    };
    let sheet_xml = part("xl/worksheets/sheet1.xml");
    assert!(sheet_xml.contains("state=\"frozen\""), "header not frozen");
    assert!(sheet_xml.contains(&format!("<autoFilter ref=\"A1:X{}\"", csv.len())));
    let styles = part("xl/styles.xml");
    for needed in [
        "FFFFF2CC",
        "FFC00000",
        "wrapText=\"1\"",
        "quotePrefix=\"1\"",
    ] {
        assert!(styles.contains(needed), "{needed} not in styles.xml");
    }
}

/// `report_ledger`, its report as CSV rows, and the same report as an Excel workbook in `dir`.
fn report_files(dir: &Path) -> (PathBuf, Vec<Vec<String>>, PathBuf) {
    let db = report_ledger(dir);
    let xlsx = dir.join("report.xlsx");
    let xlsx_arg = xlsx.to_str().unwrap();
    ok(run(&db, &["export", "--format", "xlsx", "--out", xlsx_arg]));
    let csv = export(&db, &[]);
    (db, csv, xlsx)
}

/// Where LibreOffice is, or why the comparison cannot run.
fn soffice() -> Option<PathBuf> {
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|p| p.join("soffice"))
            .find(|p| p.is_file())
    });
    if found.is_none() {
        assert!(
            std::env::var_os("REGINTAKE_REQUIRE_SOFFICE").is_none(),
            "LibreOffice (soffice) is not installed, and REGINTAKE_REQUIRE_SOFFICE says this \
             test must run: install libreoffice-calc-nogui"
        );
        eprintln!("skipped: soffice is not installed (scripts/test.sh installs it)");
    }
    found
}

#[test]
fn libreoffice_opens_the_workbook_with_the_csv_rows_and_values() {
    let Some(soffice) = soffice() else { return };
    let dir = tempfile::tempdir().unwrap();
    let (_, csv, xlsx) = report_files(dir.path());
    let converted = dir.path().join("converted");
    let profile = dir.path().join("lo-profile");
    // UTF-8 (76), first line 1, cells as shown (so the date-times read as the CSV shows them).
    let filter = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false,false";
    let out = Command::new(soffice)
        .arg(format!(
            "-env:UserInstallation=file://{}",
            profile.display()
        ))
        .args([
            "--headless",
            "--norestore",
            "--convert-to",
            filter,
            "--outdir",
        ])
        .arg(&converted)
        .arg(&xlsx)
        .env("HOME", dir.path())
        .output()
        .expect("run soffice");
    let text = std::fs::read_to_string(converted.join("report.csv")).unwrap_or_else(|e| {
        panic!(
            "LibreOffice made no CSV ({e}): {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    let seen = parse_csv(&text);
    assert_eq!(seen.len(), csv.len(), "same rows");
    for (i, (got, want)) in seen.iter().zip(&csv).enumerate() {
        assert_eq!(got.len(), want.len(), "row {i}");
        for (j, (got, want)) in got.iter().zip(want).enumerate() {
            assert_eq!(*got, read_back(want), "{} row {i}", csv[0][j]);
        }
    }
}

/// Runs the binary as a user who cannot write `folder` (another user when this is root, else
/// this user with the folder made read-only).
fn as_reader(folder: &Path, args: &[&str]) -> Output {
    let root = unsafe { libc::geteuid() } == 0;
    if root {
        Command::new("setpriv")
            .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(REGINTAKE)
            .args(args)
            .env_remove("REGINTAKE_CONFIG")
            .env_remove("REGINTAKE_DB")
            .current_dir("/")
            .output()
            .expect("run setpriv")
    } else {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(folder, std::fs::Permissions::from_mode(0o555)).unwrap();
        let out = bin().args(args).output().expect("run regintake");
        std::fs::set_permissions(folder, std::fs::Permissions::from_mode(0o755)).unwrap();
        out
    }
}

fn names(folder: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(folder)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn export_and_show_work_from_a_folder_the_reader_cannot_write() {
    use std::os::unix::fs::PermissionsExt;
    let base = tempfile::tempdir().unwrap();
    std::fs::set_permissions(base.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let folder = base.path().join("state");
    std::fs::create_dir(&folder).unwrap();
    std::fs::set_permissions(&folder, std::fs::Permissions::from_mode(0o755)).unwrap();
    let db = folder.join("ledger.db");
    ingest(&db, base.path(), &worklist_mails());
    // Staff read access: the ledger readable (a group, in a real set-up), its folder not
    // writable by them.
    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o644)).unwrap();
    let expected = export(&db, &[]);
    let before = names(&folder);
    assert_eq!(before, ["ledger.db", "ledger.db.lock"], "no run is up");
    let db_arg = db.to_str().unwrap();

    // No run is up: the file alone holds every commit.
    let out = as_reader(&folder, &["--db", db_arg, "export"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(parse_csv(&String::from_utf8(out.stdout).unwrap()), expected);
    let out = as_reader(&folder, &["--db", db_arg, "show", "1"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        names(&folder),
        before,
        "the reader left nothing in the folder"
    );

    // A run is up (its -wal and -shm are there, with a commit not yet in the file).
    let keep_open = rusqlite::Connection::open(&db).unwrap();
    keep_open
        .query_row("SELECT COUNT(*) FROM records", [], |r| r.get::<_, i64>(0))
        .unwrap();
    ingest(
        &db,
        base.path(),
        &[(
            "late",
            mail("late", "Tue, 06 Jan 2099 09:00:00 +1100", &Form::default()),
        )],
    );
    for file in ["ledger.db-wal", "ledger.db-shm"] {
        let path = folder.join(file);
        assert!(path.exists(), "{file}");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    }
    let out = as_reader(&folder, &["--db", db_arg, "export", "--open"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let rows = parse_csv(&String::from_utf8(out.stdout).unwrap());
    assert!(
        column(&rows, "subject").contains(&"Registration late".to_string()),
        "the commit in the journal is read"
    );
    drop(keep_open);
    // Writing is still refused to the reader, with one line.
    let out = as_reader(
        &folder,
        &[
            "--db",
            db_arg,
            "decide",
            "1",
            "--outcome",
            "granted",
            "--by",
            "x",
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(stderr(&out).lines().count(), 1, "{}", stderr(&out));
}

#[test]
fn show_lists_the_replies_drafted_for_a_record() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("ledger.db");
    ingest(&db, dir.path(), &worklist_mails()[..2]);
    let shown = ok(run(&db, &["show", "--json", "1"]));
    let shown: serde_json::Value = serde_json::from_slice(&shown.stdout).unwrap();
    assert_eq!(shown[0]["drafts"], serde_json::json!([]));
    // The replies' drafts log, as `poll` with a drafts mailbox appends it.
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute_batch(
        "INSERT INTO reply_drafts (record_id, step, account, mailbox, draft_message_id, note, at)
        VALUES (1, 'pending', '', '', '', '', '2020-03-02T22:00:00Z'),
               (1, 'appended', 'u@h', 'Drafts', '<r1@x>', '', '2020-03-02T22:00:01Z'),
               (2, 'skipped', '', '', '', 'nothing to fix \u{202e}', '2020-03-02T22:00:02Z');",
    )
    .unwrap();
    drop(conn);
    let shown = ok(run(&db, &["show", "--json", "1"]));
    let shown: serde_json::Value = serde_json::from_slice(&shown.stdout).unwrap();
    let drafts = shown[0]["drafts"].as_array().unwrap();
    assert_eq!(drafts.len(), 2, "{drafts:?}");
    assert_eq!(drafts[1]["step"], "appended");
    assert_eq!(drafts[1]["draft_message_id"], "<r1@x>");
    assert_eq!(
        drafts[1]["at"], "2020-03-03T09:00:01+11:00",
        "Canberra time"
    );
    let text = String::from_utf8(ok(run(&db, &["show", "2"])).stdout).unwrap();
    assert!(
        text.contains("2020-03-03T09:00:02+11:00  skipped: \"nothing to fix \\u{202e}\""),
        "{text}"
    );
}

#[test]
fn check_shows_received_at_in_canberra_time() {
    let dir = tempfile::tempdir().unwrap();
    let eml = dir.path().join("m6.eml");
    let (_, text) = worklist_mails().pop().unwrap();
    std::fs::write(&eml, text).unwrap();
    let out = ok(bin().args(["check", "--json"]).arg(&eml).output().unwrap());
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    // The Date header says 14:30 UTC on 2 March: 01:30 on 3 March in Canberra.
    assert_eq!(
        json[0]["message"]["received_at"],
        "2020-03-03T01:30:00+11:00"
    );
}
