//! A label's place in the rows in → its answer out, wherever a layout put it: the next cell, the
//! cell below a column heading, the next line(s), addresses listed above or below an IP label,
//! and an answer that goes on below the line it started on (a wrapped cell, a bracket closed
//! later, more addresses).

use super::labels::{classify_label, is_form_text, labelled, normalise_label, statement_of};
use super::rows::Row;
use super::text::{clean_answer, normalise};
use super::vocabulary::{IP_LABEL_ENDS, IP_LABEL_PIECES, IP_LABEL_STARTS, Question, Statement};
use regex::Regex;
use std::sync::LazyLock;

/// The answer to a label that had nothing after it on its own cell: the next cell in the row,
/// the cell below a column heading, or the next line(s). The text, the raw lines, and the row
/// the answer ends on.
pub(crate) fn answer_after(
    rows: &[Row],
    i: usize,
    j: usize,
    q: Question,
) -> Option<(String, String, usize)> {
    let row = &rows[i];
    // The next cell in the same row (an empty one is a blank answer: a third column holds
    // notes, not the answer).
    if let Some(cell) = row.cells.get(j + 1).map(|c| c.trim()) {
        if cell.is_empty() {
            return None;
        }
        // "Service required: | Partner coding service": the option's name alone, without its
        // printed description, is the applicant's written choice.
        let option_named = q == Question::Service
            && matches!(
                statement_of(cell),
                Some(Statement::Public | Statement::Partner)
            )
            && !cell.contains('(');
        if is_form_text(cell) && !option_named {
            return column_below(rows, i, j).map(|(t, r)| (t, r, i + 1));
        }
        let text = clean_answer(cell);
        return (!text.is_empty()).then(|| (text, row.joined(), i));
    }
    if row.cells.iter().filter(|c| !c.trim().is_empty()).count() > 1 {
        // A heading row of several labels: the answer sits in the same column below.
        return column_below(rows, i, j).map(|(t, r)| (t, r, i + 1));
    }
    // The next non-blank line, unless it is part of the form itself.
    let mut k = i + 1;
    while k < rows.len() && k <= i + 3 && rows[k].is_blank() {
        k += 1;
    }
    let next = rows.get(k)?;
    let cells = next.filled_cells();
    let first = *cells.first()?;
    if is_form_text(first) || cells.iter().any(|c| statement_of(c).is_some()) {
        return None;
    }
    if q == Question::Ip {
        return ip_lines(rows, i, k);
    }
    let joined = cells.join(" ");
    let text = clean_answer(if cells.len() == 1 { first } else { &joined });
    let raw = format!("{}\n{}", row.joined(), next.joined());
    (!text.is_empty()).then_some((text, raw, k))
}

/// An IP answer below its label: the address-like cells of the following lines, up to the next
/// part of the form (a wrapped label's other lines are skipped, a list may span several lines).
fn ip_lines(rows: &[Row], label_row: usize, first: usize) -> Option<(String, String, usize)> {
    let mut parts = Vec::new();
    let mut raw = vec![rows[label_row].joined()];
    let mut last = first;
    for (at, row) in rows.iter().enumerate().skip(first).take(8) {
        last = at;
        if row.is_blank() {
            if parts.is_empty() {
                continue;
            }
            break;
        }
        let cells = row.filled_cells();
        if cells.first().is_some_and(|c| is_form_text(c)) {
            // The other lines of a label wrapped in a narrow column carry on; a new part of the
            // form ends the answer.
            if cells
                .first()
                .is_some_and(|c| looks_like_label_fragment(c) && labelled(c).is_none())
            {
                for c in cells.iter().filter(|c| looks_like_ip_text(c)) {
                    parts.push(clean_answer(c));
                }
                continue;
            }
            break;
        }
        let ipish: Vec<&str> = cells
            .iter()
            .copied()
            .filter(|c| looks_like_ip_text(c))
            .collect();
        if ipish.is_empty() {
            // The first line below is the answer even when it is not an address ("TBC").
            if parts.is_empty() && cells.len() == 1 && !looks_like_label_fragment(cells[0]) {
                parts.push(clean_answer(cells[0]));
                raw.push(row.joined());
                break;
            }
            continue;
        }
        for c in ipish {
            parts.push(clean_answer(c));
        }
        raw.push(row.joined());
    }
    let text = parts
        .into_iter()
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("; ");
    // Lines after the answer are for `carry_on`: the answer ends here.
    (!text.is_empty()).then(|| (text, raw.join("\n"), last.min(rows.len().saturating_sub(1))))
}

/// A line that carries on a wrapped IP label ("allowlisting (Partner service", "only)").
fn looks_like_label_fragment(text: &str) -> bool {
    let n = normalise(text);
    !n.chars().any(|c| c.is_ascii_digit())
        && (IP_LABEL_PIECES.iter().any(|p| n.contains(p))
            || IP_LABEL_ENDS.iter().any(|p| n.ends_with(p))
            || IP_LABEL_STARTS.iter().any(|p| n.starts_with(p)))
}

fn column_below(rows: &[Row], i: usize, j: usize) -> Option<(String, String)> {
    let below = rows.get(i + 1)?;
    let cell = below.cells.get(j)?.trim();
    if cell.is_empty() || is_form_text(cell) {
        return None;
    }
    Some((
        clean_answer(cell),
        format!("{}\n{}", rows[i].joined(), below.joined()),
    ))
}

/// Text that holds something shaped like an IPv4 or IPv6 address.
pub(crate) fn looks_like_ip_text(t: &str) -> bool {
    static IPISH: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"\d{1,3}\.\d{1,3}\.\d{1,3}|[0-9a-fA-F]{1,4}:[0-9a-fA-F]{0,4}:").expect("regex")
    });
    IPISH.is_match(t)
}

/// An answer that goes on below the line it was found on: a bracket opened and closed on a
/// later line, more addresses of an IP list, the rest of a name or organisation wrapped in a
/// narrow table column.
pub(crate) fn carry_on(
    rows: &[Row],
    at: usize,
    q: Question,
    mut text: String,
    mut raw: String,
) -> (String, String) {
    let line_text = rows.get(at).map(|r| r.joined()).unwrap_or_default();
    let open_bracket = line_text
        .rfind('[')
        .is_some_and(|o| !line_text[o..].contains(']'));
    for next in rows.iter().skip(at + 1).take(6) {
        if next.is_blank() {
            break;
        }
        let cells = next.filled_cells();
        let Some(first) = cells.first().copied() else {
            break;
        };
        let joined = next.joined();
        // A bracket left open (its closing one deleted) never swallows the next question or
        // statement: the answer ends with its line.
        if open_bracket && (is_form_text(first) || labelled(first).is_some()) {
            break;
        }
        if open_bracket {
            let part = joined
                .split(']')
                .next()
                .unwrap_or("")
                .trim()
                .trim_matches('_')
                .trim();
            if !part.is_empty() {
                text = if text.is_empty() {
                    part.to_string()
                } else {
                    format!("{text}; {part}")
                };
                if q != Question::Ip {
                    text = text.replace("; ", " ");
                }
            }
            raw.push('\n');
            raw.push_str(&joined);
            if joined.contains(']') {
                break;
            }
            continue;
        }
        match q {
            Question::Ip => {
                if is_form_text(first) && !looks_like_label_fragment(first) {
                    break;
                }
                let ipish: Vec<&str> = cells
                    .iter()
                    .copied()
                    .filter(|c| looks_like_ip_text(c) && labelled(c).is_none())
                    .collect();
                if ipish.is_empty() {
                    break;
                }
                for c in ipish {
                    text.push_str("; ");
                    text.push_str(&clean_answer(c));
                }
                raw.push('\n');
                raw.push_str(&joined);
            }
            Question::FullName | Question::Organisation => {
                // One more line of a wrapped cell: a single short capitalised piece that is
                // nothing of the form's own.
                let words = first.split_whitespace().count();
                let capitalised = first.chars().next().is_some_and(|c| c.is_uppercase());
                let label_like =
                    is_form_text(first) || classify_label(&normalise_label(first), false).is_some();
                // On a page, a line the answer filled to the text's edge goes on below it
                // (a long organisation name wrapped by the word processor).
                let in_table = rows.get(at).is_some_and(|r| r.cells.len() >= 2);
                let wrapped = !in_table && wraps_onto(rows, at, at + 1);
                if cells.len() != 1
                    || words > 6
                    || !(capitalised || wrapped)
                    || label_like
                    || first.contains('@')
                    || first.chars().any(|c| c.is_ascii_digit())
                    || text.ends_with(['.', ':', ';'])
                    || !(in_table || wrapped)
                {
                    break;
                }
                // Lines around a bare label with no answer of its own are that label's answer
                // (a long organisation name wrapped beside a centred label).
                let bare_label_follows = rows.iter().skip(at + 2).take(3).any(|r| {
                    let c = r.filled_cells();
                    c.len() == 1 && labelled(c[0]).is_some_and(|(_, rest)| rest.trim().is_empty())
                });
                if bare_label_follows && !wrapped {
                    break;
                }
                text.push(' ');
                text.push_str(first);
                raw.push('\n');
                raw.push_str(&joined);
                break;
            }
            _ => break,
        }
    }
    (text, raw)
}

/// Whether row `next` is row `at` wrapped, as a person sees it on the page: it starts where
/// `at` starts, straight below it (no more than a line's height between them), and `at` is full:
/// the first word of `next` would not have fitted after it before the page's right text edge
/// (the rightmost end of any line on that page). Unknown places are never a wrap.
fn wraps_onto(rows: &[Row], at: usize, next: usize) -> bool {
    let (Some(line), Some(below)) = (
        rows.get(at).and_then(|r| r.place_from(0)),
        rows.get(next).and_then(|r| r.place_from(0)),
    ) else {
        return false;
    };
    if line.page != below.page {
        return false;
    }
    let height = (line.y1 - line.y0).max(1.0);
    let gap = below.y0 - line.y1;
    if !(-0.3 * height..=height).contains(&gap) || (below.x0 - line.x0).abs() > height.max(3.0) {
        return false;
    }
    let right_edge = rows
        .iter()
        .filter_map(|r| r.place_from(0))
        .filter(|p| p.page == line.page)
        .map(|p| p.x1)
        .fold(line.x1, f32::max);
    let text = rows[next].joined();
    let chars = text.chars().count().max(1) as f32;
    let first_word = text
        .split_whitespace()
        .next()
        .map_or(0, |w| w.chars().count()) as f32;
    let char_width = (below.x1 - below.x0) / chars;
    // The word plus its space, with a character's slack for measuring by averages.
    line.x1 + char_width * first_word > right_edge - char_width
}

/// Addresses printed on the lines just above an IP label: a label centred vertically beside a
/// list in a printed table. A line holding only addresses belongs to no other question.
pub(crate) fn ip_lines_above(
    rows: &[Row],
    label_row: usize,
    text: String,
    raw: String,
) -> (String, String) {
    let mut above = Vec::new();
    for k in (label_row.saturating_sub(2)..label_row).rev() {
        let t = rows[k].joined();
        let only_addresses = looks_like_ip_text(&t)
            && t.chars()
                .all(|c| c.is_ascii_hexdigit() || ".:/-;, \t".contains(c));
        if !only_addresses {
            break;
        }
        above.push(t.trim().to_string());
    }
    if above.is_empty() {
        return (text, raw);
    }
    above.reverse();
    let raw = format!("{}\n{raw}", above.join("\n"));
    above.push(text);
    (above.join("; "), raw)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(lines: &[&[&str]]) -> Vec<Row> {
        lines
            .iter()
            .map(|l| Row::of(l.iter().map(|c| c.to_string()).collect()))
            .collect()
    }

    #[test]
    fn answers_in_the_next_cell_below_a_heading_or_on_the_next_line() {
        let r = rows(&[&["Organisation", "Dept of Finance"]]);
        assert_eq!(
            answer_after(&r, 0, 0, Question::Organisation),
            Some((
                "Dept of Finance".into(),
                "Organisation\tDept of Finance".into(),
                0
            ))
        );
        let r = rows(&[
            &["Full name", "Organisation"],
            &["Lee Wong", "Dept of Finance"],
        ]);
        assert_eq!(
            answer_after(&r, 0, 1, Question::Organisation).map(|a| a.0),
            Some("Dept of Finance".into())
        );
        let r = rows(&[&["Full name"], &[""], &["Lee Wong"]]);
        assert_eq!(
            answer_after(&r, 0, 0, Question::FullName).map(|a| (a.0, a.2)),
            Some(("Lee Wong".into(), 2))
        );
        // The next line is the form's own: no answer.
        let r = rows(&[&["Full name"], &["Organisation"]]);
        assert_eq!(answer_after(&r, 0, 0, Question::FullName), None);
    }

    fn placed(lines: &[(&str, [f32; 4])]) -> Vec<Row> {
        lines
            .iter()
            .map(|(text, [x0, y0, x1, y1])| {
                let place = crate::extract::Place {
                    page: 1,
                    x0: *x0,
                    y0: *y0,
                    x1: *x1,
                    y1: *y1,
                };
                Row {
                    cells: vec![text.to_string()],
                    places: vec![Some(place)],
                }
            })
            .collect()
    }

    #[test]
    fn a_name_filling_its_line_goes_on_below_it_on_the_page() {
        let org = "Department of Infrastructure, Transport, Regional Development, Sport and the";
        let page = |arts_x0: f32, org_x1: f32| {
            placed(&[
                ("Organisation", [72.0, 100.0, 130.0, 110.0]),
                (org, [72.0, 114.0, org_x1, 124.0]),
                ("Arts", [arts_x0, 127.0, arts_x0 + 20.0, 137.0]),
                ("Contact email", [72.0, 150.0, 140.0, 160.0]),
                (
                    "For more information about the Coding Service, see the ABS website here.",
                    [72.0, 300.0, 523.0, 310.0],
                ),
            ])
        };
        let carried =
            |rows: &[Row]| carry_on(rows, 1, Question::Organisation, org.into(), "".into()).0;
        assert_eq!(carried(&page(72.0, 517.0)), format!("{org} Arts"));
        // A line that ends well short of the edge was not wrapped: the next line is not its.
        assert_eq!(carried(&page(72.0, 400.0)), org);
        // Nor a line that starts elsewhere.
        assert_eq!(carried(&page(200.0, 517.0)), org);
        // Without places nothing is carried in a one-column layout.
        let r = rows(&[&["Organisation"], &[org], &["Arts"], &["Contact email"]]);
        assert_eq!(
            carry_on(&r, 1, Question::Organisation, org.into(), "".into()).0,
            org
        );
    }

    #[test]
    fn ip_lists_carry_on_above_and_below() {
        let r = rows(&[
            &["IP address(es)", "10.1.1.1"],
            &["10.1.1.2", "proxy"],
            &["Records per day", "5"],
        ]);
        let (text, _) = carry_on(&r, 0, Question::Ip, "10.1.1.1".into(), String::new());
        assert_eq!(text, "10.1.1.1; 10.1.1.2");
        let r = rows(&[&["10.0.0.1"], &["IP address"], &["10.0.0.2"]]);
        let (text, raw) = ip_lines_above(&r, 1, "10.0.0.2".into(), "IP address\n10.0.0.2".into());
        assert_eq!(text, "10.0.0.1; 10.0.0.2");
        assert_eq!(raw, "10.0.0.1\nIP address\n10.0.0.2");
        assert!(looks_like_label_fragment("allowlisting (Partner service"));
        assert!(!looks_like_label_fragment("allowlisting 10.0.0.1"));
    }
}
