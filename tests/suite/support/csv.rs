//! An exported report in → rows of cells out, read with the `csv` crate (optional BOM, quoted
//! fields, CRLF), for tests that count and inspect what a run recorded; and the one strict check
//! that a report is framed exactly as SPEC says.

/// The report's rows (header first) as cells. Panics on text that is not CSV or on rows of
/// different lengths.
pub fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    ::csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes())
        .records()
        .map(|record| {
            record
                .expect("a CSV record")
                .iter()
                .map(str::to_string)
                .collect()
        })
        .collect()
}

/// Asserts the report is exactly SPEC's framing (UTF-8 BOM, every field quoted with inner
/// quotes doubled, fields joined by commas, CRLF after every row, the last included, nothing
/// else) by writing its cells back that way and comparing bytes; returns the rows.
pub fn assert_spec_framing(text: &str) -> Vec<Vec<String>> {
    assert!(
        text.starts_with('\u{feff}'),
        "no BOM: {:?}",
        &text[..text.len().min(40)]
    );
    let rows = parse_csv(text);
    let mut framed = String::from('\u{feff}');
    for row in &rows {
        let cells: Vec<String> = row
            .iter()
            .map(|cell| format!("\"{}\"", cell.replace('"', "\"\"")))
            .collect();
        framed.push_str(&cells.join(","));
        framed.push_str("\r\n");
    }
    assert!(
        text == framed,
        "not framed as SPEC says:\n{text:?}\nexpected:\n{framed:?}"
    );
    rows
}
