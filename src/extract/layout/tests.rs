use super::*;

fn glyphs(page: &mut Page, text: &str, x: f32, baseline: f32, size: f32, layer: u32) -> f32 {
    let mut x = x;
    for c in text.chars() {
        let w = size * 0.5;
        page.push_run(TextRun {
            text: c.into(),
            bbox: Rect::new(x, baseline - 0.8 * size, x + w, baseline + 0.2 * size),
            baseline,
            size,
            layer,
        });
        x += w;
    }
    x
}

fn texts(lines: &[Line]) -> Vec<Vec<String>> {
    lines.iter().map(|l| l.cells.clone()).collect()
}

#[test]
fn words_lines_and_gaps() {
    let mut page = Page::new(1, 595.0, 842.0);
    glyphs(&mut page, "Full", 72.0, 100.0, 10.0, 0);
    glyphs(&mut page, "name", 72.0 + 20.0 + 2.5, 100.0, 10.0, 0);
    glyphs(&mut page, "Jane", 200.0, 99.6, 10.0, 0);
    glyphs(&mut page, "Second", 72.0, 114.0, 10.0, 0);
    let lines = lay_out(&page);
    assert_eq!(texts(&lines), [vec!["Full name", "Jane"], vec!["Second"]]);
    let place = lines[0].place(1).expect("a place");
    assert_eq!(place.page, 1);
    assert!((place.x0 - 200.0).abs() < 0.01 && place.y0 < 100.0 && place.y1 > 99.0);
}

/// Draws a ruled table: outer frame, one vertical line at `split`, a horizontal line at every
/// y of `rows`.
fn table(page: &mut Page, x0: f32, split: f32, x1: f32, rows: &[f32]) {
    let (top, bottom) = (rows[0], rows[rows.len() - 1]);
    for &y in rows {
        page.push_rule((x0, y), (x1, y));
    }
    for x in [x0, split, x1] {
        page.push_rule((x, top), (x, bottom));
    }
}

#[test]
fn a_wrapped_cell_is_one_answer_and_rows_keep_empty_cells() {
    let mut page = Page::new(1, 595.0, 842.0);
    table(&mut page, 50.0, 200.0, 300.0, &[90.0, 150.0, 180.0]);
    glyphs(&mut page, "Contact email", 55.0, 110.0, 10.0, 0);
    // The address broken at the cell's edge inside a word, then at its dot.
    glyphs(&mut page, "jo.citizen@health.go", 205.0, 102.0, 8.0, 0);
    glyphs(&mut page, "v.australia.health.", 205.0, 114.0, 8.0, 0);
    glyphs(&mut page, "gov.au", 205.0, 126.0, 8.0, 0);
    glyphs(&mut page, "Organisation", 55.0, 170.0, 10.0, 0);
    let lines = lay_out(&page);
    assert_eq!(
        texts(&lines),
        [
            vec![
                "Contact email",
                "jo.citizen@health.gov.australia.health.gov.au"
            ],
            vec!["Organisation", ""]
        ]
    );
    // The empty cell's place is the cell itself.
    let empty = lines[1].place(1).expect("place");
    assert_eq!(
        (empty.x0, empty.x1, empty.y0, empty.y1),
        (200.0, 300.0, 150.0, 180.0)
    );
}

#[test]
fn words_wrapped_in_a_cell_keep_their_spaces_and_short_lines_their_breaks() {
    let mut page = Page::new(1, 595.0, 842.0);
    table(&mut page, 50.0, 200.0, 300.0, &[90.0, 170.0]);
    glyphs(&mut page, "Organisation", 55.0, 110.0, 10.0, 0);
    glyphs(&mut page, "Department of the", 205.0, 102.0, 10.0, 0);
    glyphs(&mut page, "Treasury", 205.0, 114.0, 10.0, 0);
    // A short line followed by a word that would have fitted: a line break typed on purpose.
    glyphs(&mut page, "Canberra", 205.0, 126.0, 10.0, 0);
    assert_eq!(
        texts(&lay_out(&page)),
        [vec!["Organisation", "Department of the Treasury\nCanberra"]]
    );
}

#[test]
fn wrap_separators() {
    use tables::wrap_separator as sep;
    assert_eq!(sep("ends with real-", "time coding", true), "");
    assert_eq!(sep("k.ashworth-", "pemberton@x.gov.au", true), "");
    assert_eq!(sep("mohammed.singh@", "jobsandskills.gov.au", true), "");
    assert_eq!(sep("a.b@jobsandskills.go", "v.au", true), "");
    assert_eq!(sep("Relations –", "Jobs and Skills", true), " ");
    assert_eq!(sep("164.97.104.0/24,", "164.97.105.0/24", true), " ");
    assert_eq!(sep("2001:db8:12:", "34::/64", true), "");
    assert_eq!(sep("Jane Citizen", "jane@x.org", false), "\n");
    assert_eq!(sep("jane@x.org", "Phone 02 6252 5000", true), " ");
}

#[test]
fn a_tick_typed_over_a_box_glyph_ticks_it() {
    let mut page = Page::new(1, 595.0, 842.0);
    glyphs(&mut page, "☐", 72.0, 100.0, 10.0, 0);
    glyphs(
        &mut page,
        "I have read the Terms of Use",
        90.0,
        100.0,
        10.0,
        0,
    );
    glyphs(&mut page, "✓", 72.5, 101.0, 9.0, 7);
    glyphs(&mut page, "☐", 72.0, 130.0, 10.0, 0);
    glyphs(&mut page, "Public coding service", 90.0, 130.0, 10.0, 0);
    assert_eq!(
        texts(&lay_out(&page)),
        [
            vec!["☒ I have read the Terms of Use"],
            vec!["☐ Public coding service"]
        ]
    );
}

#[test]
fn an_x_typed_in_brackets_and_drawn_marks_tick_boxes() {
    let mut page = Page::new(1, 595.0, 842.0);
    // "[ ]" printed, an X typed over it by another layer.
    glyphs(&mut page, "[ ] Partner", 72.0, 100.0, 10.0, 0);
    glyphs(&mut page, "X", 76.0, 100.2, 10.0, 3);
    // A drawn square with two diagonals (a Word check box printed), and one left empty.
    for (y, ticked) in [(130.0, true), (160.0, false)] {
        page.push_path(&Path {
            subpaths: vec![Subpath {
                points: vec![(72.0, y - 9.0), (81.0, y - 9.0), (81.0, y), (72.0, y)],
                closed: true,
                rectangle: true,
                ..Default::default()
            }],
            stroked: true,
            filled: false,
        });
        if ticked {
            for (a, b) in [((72.0, y - 9.0), (81.0, y)), ((81.0, y - 9.0), (72.0, y))] {
                page.push_path(&Path {
                    subpaths: vec![Subpath {
                        points: vec![a, b],
                        ..Default::default()
                    }],
                    stroked: true,
                    filled: false,
                });
            }
        }
        glyphs(&mut page, "User Guide", 90.0, y, 10.0, 0);
    }
    // A pen tick (Ink) over a circle drawn with curves.
    page.push_box(DrawnBox {
        rect: Rect::new(72.0, 181.0, 81.0, 190.0),
        round: true,
    });
    page.push_ink(Ink {
        bbox: Rect::new(70.0, 178.0, 86.0, 192.0),
        kind: InkKind::Stroke,
    });
    glyphs(&mut page, "Option", 90.0, 190.0, 10.0, 0);
    assert_eq!(
        texts(&lay_out(&page)),
        [
            vec!["☒ Partner"],
            vec!["☒ User Guide"],
            vec!["☐ User Guide"],
            vec!["☒ Option"]
        ]
    );
}

#[test]
fn text_written_over_a_blank_leaves_the_underscores() {
    let mut page = Page::new(1, 595.0, 842.0);
    let end = glyphs(&mut page, "Records: [ ", 72.0, 100.0, 10.0, 0);
    let blank_end = glyphs(&mut page, "__________", end, 100.0, 10.0, 0);
    glyphs(&mut page, " ]", blank_end, 100.0, 10.0, 0);
    // Typed over the blank, interleaved with its underscores.
    glyphs(&mut page, "12,000", end + 2.0, 99.0, 10.0, 5);
    // An empty blank stays as it is.
    let end = glyphs(&mut page, "Calls: [ ", 72.0, 130.0, 10.0, 0);
    glyphs(&mut page, "____ ]", end, 130.0, 10.0, 0);
    assert_eq!(
        texts(&lay_out(&page)),
        [vec!["Records: [", "12,000", "]"], vec!["Calls: [ ____ ]"]]
    );
}

#[test]
fn hostile_pages_are_bounded() {
    let mut page = Page::new(1, f32::NAN, 1e30);
    assert_eq!((page.width(), page.height()), (595.0, MAX_PAGE_SIDE));
    // Off the page, not finite, absurd: dropped on the way in.
    for (x, y) in [
        (f32::NAN, 10.0),
        (1e30, 10.0),
        (-5000.0, 10.0),
        (10.0, f32::INFINITY),
    ] {
        assert!(!page.push_run(TextRun {
            text: "a".into(),
            bbox: Rect::new(x, y, x + 5.0, y + 10.0),
            baseline: y + 8.0,
            size: 10.0,
            layer: 0,
        }));
    }
    // A million tiny paths: kept up to the limit, counted beyond it.
    let tiny = Path {
        subpaths: vec![Subpath {
            points: vec![(10.0, 10.0), (12.0, 13.0), (14.0, 10.0)],
            ..Default::default()
        }],
        stroked: true,
        filled: false,
    };
    for _ in 0..(MAX_INK + 10) {
        page.push_path(&tiny);
    }
    assert_eq!(page.ink.len(), MAX_INK);
    assert_eq!(page.dropped(), 10);
    // Thousands of overlapping boxes and marks still lay out.
    for k in 0..3000 {
        let x = 10.0 + (k % 50) as f32;
        glyphs(&mut page, "☐✓", x, 100.0 + (k / 50) as f32, 10.0, 0);
    }
    let lines = lay_out(&page);
    assert!(!lines.is_empty());
}

#[test]
fn text_typed_past_a_cell_border_stays_in_its_cell() {
    let mut page = Page::new(1, 595.0, 842.0);
    table(&mut page, 50.0, 200.0, 300.0, &[90.0, 120.0]);
    glyphs(&mut page, "Organisation", 55.0, 110.0, 10.0, 0);
    // 24 letters of 5 points from x=205: over the table's right border at 300.
    glyphs(&mut page, "Department of Examples X", 205.0, 110.0, 10.0, 4);
    assert_eq!(
        texts(&lay_out(&page)),
        [vec!["Organisation", "Department of Examples X"]]
    );
}

#[test]
fn a_word_wider_than_its_cell_rejoins() {
    let mut page = Page::new(1, 595.0, 842.0);
    table(&mut page, 50.0, 200.0, 240.0, &[90.0, 150.0]);
    glyphs(&mut page, "Organisation", 55.0, 110.0, 10.0, 0);
    // "Directorate" broken at the cell's edge; "Cyber" a new word on its own line.
    glyphs(&mut page, "Directo", 205.0, 102.0, 10.0, 0);
    glyphs(&mut page, "rate", 205.0, 114.0, 10.0, 0);
    glyphs(&mut page, "Cyber", 205.0, 126.0, 10.0, 0);
    assert_eq!(
        texts(&lay_out(&page)),
        [vec!["Organisation", "Directorate Cyber"]]
    );
}

#[test]
fn a_filled_rounded_square_is_a_ticked_box_and_an_outline_an_empty_one() {
    // A rounded square drawn with curves, back at its start but not closed with `h`.
    let rounded = |x: f32, y: f32| Subpath {
        points: vec![
            (x + 2.0, y),
            (x + 9.0, y),
            (x + 11.0, y + 2.0),
            (x + 11.0, y + 9.0),
            (x + 9.0, y + 11.0),
            (x + 2.0, y + 11.0),
            (x, y + 9.0),
            (x, y + 2.0),
            (x + 2.0, y),
        ],
        curved: true,
        ..Default::default()
    };
    let mut page = Page::new(1, 595.0, 842.0);
    page.push_path(&Path {
        subpaths: vec![rounded(40.0, 92.0)],
        stroked: false,
        filled: true,
    });
    glyphs(
        &mut page,
        "I agree to read and follow",
        58.0,
        101.0,
        10.0,
        0,
    );
    page.push_path(&Path {
        subpaths: vec![rounded(40.0, 122.0)],
        stroked: true,
        filled: false,
    });
    glyphs(&mut page, "Public coding service", 58.0, 131.0, 10.0, 0);
    assert_eq!(
        texts(&lay_out(&page)),
        [
            vec!["☒ I agree to read and follow"],
            vec!["☐ Public coding service"]
        ]
    );
}

#[test]
fn text_typed_a_little_above_a_blank_is_written_on_it() {
    let mut page = Page::new(1, 595.0, 842.0);
    // The printed line above the blank is a whole line away: it stays where it is.
    glyphs(
        &mut page,
        "personal, workstation or dynamic IP address):",
        72.0,
        88.0,
        10.0,
        0,
    );
    let end = glyphs(&mut page, "Full name: ", 72.0, 100.0, 10.0, 0);
    glyphs(&mut page, "______________", end, 100.0, 10.0, 0);
    // Typed 6 points above the underscores' baseline: over 0.4 em, under a line.
    glyphs(&mut page, "Jo Citizen", end + 3.0, 94.0, 10.0, 2);
    assert_eq!(
        texts(&lay_out(&page)),
        [
            vec!["personal, workstation or dynamic IP address):"],
            vec!["Full name:", "Jo Citizen"]
        ]
    );
}

#[test]
fn a_text_box_that_wraps_is_one_answer() {
    let mut page = Page::new(1, 595.0, 842.0);
    glyphs(&mut page, "Organisation:", 72.0, 100.0, 10.0, 0);
    // One box placed on the page (layer 9), its text wrapped over two lines.
    glyphs(&mut page, "Department of Industry,", 150.0, 100.0, 10.0, 9);
    glyphs(&mut page, "Science and Resources", 150.0, 112.0, 10.0, 9);
    glyphs(&mut page, "Contact email:", 72.0, 130.0, 10.0, 0);
    glyphs(&mut page, "kieran.giolla@ind", 150.0, 130.0, 10.0, 10);
    glyphs(&mut page, "ustry.gov.au", 150.0, 142.0, 10.0, 10);
    assert_eq!(
        texts(&lay_out(&page)),
        [
            vec![
                "Organisation:",
                "Department of Industry, Science and Resources"
            ],
            vec!["Contact email:", "kieran.giolla@industry.gov.au"]
        ]
    );
}

/// A table drawn with its frame and column line only: each label and its answer are a row
/// to the eye, and so here.
#[test]
fn rows_stacked_in_one_ruled_cell_are_rows() {
    let mut page = Page::new(1, 595.0, 842.0);
    table(&mut page, 50.0, 200.0, 400.0, &[90.0, 160.0]);
    for (y, label, answer) in [
        (105.0, "Full name", "Jane Citizen"),
        (125.0, "Organisation", "Bureau of Meteorology"),
        (145.0, "Contact email", "jane@bom.gov.au"),
    ] {
        glyphs(&mut page, label, 55.0, y, 10.0, 0);
        glyphs(&mut page, answer, 205.0, y, 10.0, 0);
    }
    assert_eq!(
        texts(&lay_out(&page)),
        [
            vec!["Full name", "Jane Citizen"],
            vec!["Organisation", "Bureau of Meteorology"],
            vec!["Contact email", "jane@bom.gov.au"]
        ]
    );

    // A wrapped label with its answer set level with the middle of its two lines; a wider gap
    // between the rows than between a cell's lines.
    let mut page = Page::new(1, 595.0, 842.0);
    table(&mut page, 50.0, 200.0, 400.0, &[90.0, 160.0]);
    glyphs(
        &mut page,
        "Records you expect to code",
        55.0,
        105.0,
        10.0,
        0,
    );
    glyphs(&mut page, "25000", 205.0, 105.0, 10.0, 0);
    glyphs(
        &mut page,
        "API calls you expect to make",
        55.0,
        130.0,
        10.0,
        0,
    );
    glyphs(&mut page, "per day (peak)", 55.0, 142.0, 10.0, 0);
    glyphs(&mut page, "5000", 205.0, 136.0, 10.0, 0);
    assert_eq!(
        texts(&lay_out(&page)),
        [
            vec!["Records you expect to code", "25000"],
            vec!["API calls you expect to make per day (peak)", "5000"]
        ]
    );

    // A label of two lines with its answer on the first: one row.
    let mut page = Page::new(1, 595.0, 842.0);
    table(&mut page, 50.0, 200.0, 400.0, &[90.0, 160.0]);
    glyphs(&mut page, "Expected use", 55.0, 105.0, 10.0, 0);
    glyphs(&mut page, "Records per day", 55.0, 125.0, 10.0, 0);
    glyphs(&mut page, "25000", 205.0, 105.0, 10.0, 0);
    assert_eq!(
        texts(&lay_out(&page)),
        [vec!["Expected use\nRecords per day", "25000"]]
    );
}
