//! A document's rows (its page text) in → labels, answers and marked statements out, into
//! `Collected`. Each cell is looked at once: an option with its mark after it, a statement (and
//! the mark in front of it, after it, beside it or on a line of its own), or a label and its
//! answer wherever it sits (`nearby`).

use super::Tick;
use super::collect::Collected;
use super::labels::{
    classify_label, is_form_text, is_printed_piece, labelled, normalise_label, split_at_separator,
    statement_of,
};
use super::marks::{
    bare_mark, is_service_answer, leading_mark, options_with_marks, strip_marks, trailing_mark,
};
use super::nearby::{answer_after, carry_on, ip_lines_above, looks_like_ip_text};
use super::rows::Row;
use super::text::{clean_answer, normalise};
use super::vocabulary::{Question, Statement};
use crate::extract::Place;

/// Reads every cell of every row.
pub(crate) fn read_rows(rows: &[Row], found: &mut Collected) {
    for (i, row) in rows.iter().enumerate() {
        for (j, cell) in row.cells.iter().enumerate() {
            let cell = cell.trim();
            if cell.is_empty() {
                continue;
            }
            // "Public coding service: [ ]  Partner coding service: [X]": options as labels
            // with their marks as answers.
            let options = options_with_marks(cell);
            if !options.is_empty() {
                for (stmt, on) in options {
                    found.saw_statement(stmt);
                    found.mark(
                        stmt,
                        Tick {
                            ticked: Some(on),
                            raw: row.joined(),
                            from_field: false,
                            place: row.place(j),
                        },
                    );
                }
                continue;
            }
            if let Some(stmt) = statement_of(cell).or_else(|| wrapped_statement(rows, i, j)) {
                found.saw_statement(stmt);
                let tick = statement_mark(rows, i, j);
                found.mark(stmt, tick);
                continue;
            }
            // "Service required: Public coding service (1 API call …)": the question's label
            // printed in front of an option, which is marked (or not) in its own box.
            if let Some(stmt) = option_after_label(cell) {
                found.saw_label(Question::Service);
                found.saw_statement(stmt);
                let tick = statement_mark(rows, i, j);
                found.mark(stmt, tick);
                continue;
            }
            // In a table row the cell boundary is itself the separator after a label.
            let in_row = row.cells.len() > 1 && j + 1 < row.cells.len();
            let found_label = labelled(cell).or_else(|| {
                in_row
                    .then(|| classify_label(&normalise_label(cell), false))
                    .flatten()
                    .map(|q| (q, ""))
            });
            let found_label = found_label.or_else(|| {
                (row.cells.len() == 1)
                    .then(|| wrapped_label(rows, i, cell).or_else(|| label_tail(rows, i, cell)))
                    .flatten()
            });
            let Some((q, rest)) = found_label else {
                continue;
            };
            found.saw_label(q);
            let same_cell = !clean_answer(rest).is_empty();
            let answer = if same_cell {
                // A written service choice keeps its tick marks ("[ ] Public [X] Partner").
                let text = if q == Question::Service {
                    rest.trim().to_string()
                } else {
                    clean_answer(rest)
                };
                Some((text, row.joined(), i))
            } else {
                answer_after(rows, i, j, q)
            };
            let Some((text, raw, at)) = answer else {
                continue;
            };
            // The form's own printed words are never an answer, wherever they sit.
            if is_printed(q, &text) {
                continue;
            }
            let start = if same_cell {
                row.place(j)
            } else {
                answer_place(rows, i, j, at)
            };
            let (text, raw) = carry_on(rows, at, q, text, raw);
            let (text, raw) = if q == Question::Ip {
                ip_lines_above(rows, i, text, raw)
            } else {
                (text, raw)
            };
            // A service answer names a service; anything else is a neighbouring label.
            if q == Question::Service && !is_service_answer(&text) {
                continue;
            }
            found.answer(q, text, raw, false, start);
        }
    }
}

/// Where an answer found after its label sits: the next cell of the label's row, else the row
/// it was found on (from the label's column when that row is below a heading row).
fn answer_place(rows: &[Row], i: usize, j: usize, at: usize) -> Option<Place> {
    let row = rows.get(at)?;
    if at == i {
        return row.place_from(j + 1);
    }
    let from = if rows[i].filled_cells().len() > 1 {
        j
    } else {
        0
    };
    row.place_from(from).or_else(|| row.place_from(0))
}

/// Whether an answer is the form's own printed words: a piece of its statements of two words
/// or more for a number or an address question ("1,000 calls per day"), of six or more for a
/// written one (an organisation may share a few words with the form), or its own address.
fn is_printed(q: Question, text: &str) -> bool {
    let min_words = match q {
        Question::Records | Question::Calls | Question::Ip => 2,
        Question::Email => 1,
        _ => 6,
    };
    (q != Question::Email || text.contains('@')) && is_printed_piece(text, min_words)
}

/// An option statement printed after the service question's label in one cell ("Service
/// required: Public coding service (1 API call per second …)"): the option, not a written
/// answer. A written choice ("Service: Partner", "Service required: Partner coding service")
/// is not printed text and stays an answer.
fn option_after_label(cell: &str) -> Option<Statement> {
    // Most cells are not this: an option's printed text is long and holds a bracket.
    if cell.len() < 40 || !cell.contains('(') {
        return None;
    }
    let (q, rest) = labelled(cell)?;
    if q != Question::Service {
        return None;
    }
    let stmt = statement_of(rest)?;
    let printed = is_printed_piece(strip_marks(rest), 5);
    (matches!(stmt, Statement::Public | Statement::Partner) && printed).then_some(stmt)
}

/// A label line without a separator that is not a whole label ("Static IP address or range for",
/// wrapped in a narrow table column) counts when the line below holds an answer of its kind.
fn wrapped_label(rows: &[Row], i: usize, cell: &str) -> Option<(Question, &'static str)> {
    // A sentence of the form's own ("… small batches of data (up to 300 records).") is no
    // label, whatever words it holds.
    if cell.trim_end().ends_with('.') || is_printed_piece(cell, 3) {
        return None;
    }
    let norm = normalise_label(cell);
    if norm.split_whitespace().count() > 10 {
        return None;
    }
    let q = classify_label(&norm, false)?;
    let next = rows
        .iter()
        .skip(i + 1)
        .take(3)
        .find(|r| !r.is_blank())?
        .joined();
    let fits = match q {
        Question::Ip => looks_like_ip_text(&next),
        Question::Email => next.contains('@'),
        Question::Records | Question::Calls => next.chars().any(|c| c.is_ascii_digit()),
        _ => false,
    };
    (fits && !is_form_text(next.split('\t').next().unwrap_or(""))).then_some((q, ""))
}

/// The last line of a label wrapped over lines, with the answer after it ("…workstation or
/// dynamic IP" / "address): [ 128.250.0.0/16 ]"): the label, read across the line break, and
/// the answer, which lies on this line.
fn label_tail<'a>(rows: &[Row], i: usize, cell: &'a str) -> Option<(Question, &'a str)> {
    // Only a line that starts with a few words and a separator can end a label.
    let (head, _) = cell.split_once(':')?;
    if head.split_whitespace().count() > 4 || i == 0 {
        return None;
    }
    let above = rows[i - 1].filled_cells();
    let [above] = above.as_slice() else {
        return None;
    };
    if !is_form_text(above) || labelled(above).is_some() {
        return None;
    }
    let joined = format!("{} {cell}", above.trim_end());
    let (q, rest) = labelled(&joined)?;
    let rest = rest.trim();
    if rest.is_empty() || !cell.trim_end().ends_with(rest) {
        return None;
    }
    let at = cell.trim_end().len() - rest.len();
    Some((q, cell.get(at..)?))
}

/// A statement wrapped over two lines ("I have read and agree to" / "the Terms of Use").
fn wrapped_statement(rows: &[Row], i: usize, j: usize) -> Option<Statement> {
    let cell = rows.get(i)?.cells.get(j)?.trim();
    // Most cells cannot start "I " or "Public"/"Partner": skip normalising them. (Only 'I'
    // and 'P' lower-case to those letters; normalise drops leading spaces and U+200B.)
    let first = strip_marks(cell)
        .chars()
        .find(|c| !(c.is_whitespace() || *c == '\u{200b}'));
    if !matches!(first, Some('i' | 'I' | 'p' | 'P')) {
        return None;
    }
    let n = normalise(strip_marks(cell));
    if !(n.starts_with("i ") || n.starts_with("public") || n.starts_with("partner"))
        || n.len() > 200
    {
        return None;
    }
    let next = rows.get(i + 1)?;
    let first = next
        .cells
        .iter()
        .map(|c| c.trim())
        .find(|c| !c.is_empty())?;
    if labelled(first).is_some() || statement_of(first).is_some() {
        return None;
    }
    // A line that ends its sentence, or a next line with a box of its own, is not wrapped.
    let ends_sentence = cell.trim_end().ends_with(['.', '!', '?']);
    let next_has_box = super::marks::leading_mark(first).is_some();
    if ends_sentence || next_has_box {
        return None;
    }
    statement_of(&format!("{cell} {first}"))
}

/// How a statement at rows[i].cells[j] is marked: a mark in front of it or after it, in the cell
/// beside it, or on a line of its own just before or after.
pub(crate) fn statement_mark(rows: &[Row], i: usize, j: usize) -> Tick {
    let row = &rows[i];
    let cell = row.cells[j].trim();
    let raw = row.joined();
    let tick = |on: bool, at: Option<Place>| Tick {
        ticked: Some(on),
        raw: raw.clone(),
        from_field: false,
        place: at,
    };
    let here = row.place(j);
    if let Some(on) = leading_mark(cell) {
        return tick(on, here);
    }
    // "Terms of Use: [✓] I have read, …": the mark follows the label.
    if let Some((_, rest)) = split_at_separator(cell)
        && statement_of(rest).is_some()
        && let Some(on) = leading_mark(rest.trim())
    {
        return tick(on, here);
    }
    if let Some(on) = trailing_mark(cell) {
        return tick(on, here);
    }
    let prev = (0..j)
        .rev()
        .map(|k| (k, row.cells[k].trim()))
        .find(|(_, c)| !c.is_empty());
    if let Some((k, on)) = prev.and_then(|(k, c)| bare_mark(c).map(|on| (k, on))) {
        return tick(on, row.place(k));
    }
    let next = (j + 1..row.cells.len())
        .map(|k| (k, row.cells[k].trim()))
        .find(|(_, c)| !c.is_empty());
    if let Some((k, on)) = next.and_then(|(k, c)| bare_mark(c).map(|on| (k, on))) {
        return tick(on, row.place(k));
    }
    if row.cells.len() == 1 {
        // The statement carries on over the next line, which ends with its box ("… Bureau of"
        // / "Statistics Occupation Coding Service. ☒").
        if !cell.ends_with(['.', '!', '?'])
            && let Some(next_line) = rows.get(i + 1)
            && let [tail] = next_line.filled_cells()[..]
            && leading_mark(tail).is_none()
            && statement_of(tail).is_none()
            && labelled(tail).is_none()
            && let Some(on) = trailing_mark(tail)
        {
            return Tick {
                ticked: Some(on),
                raw: format!("{raw}\n{}", next_line.joined()),
                from_field: false,
                place: next_line.place_from(0),
            };
        }
        // A line of its own: a statement with its own box (the option above or below) is not.
        let own_line = |line: &Row| statement_of(line.joined().trim()).is_none();
        if let Some(prev_line) = i.checked_sub(1).and_then(|k| rows.get(k))
            && own_line(prev_line)
            && let Some(on) = line_mark(prev_line)
        {
            return Tick {
                ticked: Some(on),
                raw: format!("{}\n{raw}", prev_line.joined()),
                from_field: false,
                place: prev_line.place_from(0),
            };
        }
        if let Some(next_line) = rows.get(i + 1)
            && own_line(next_line)
            && let Some(on) = line_mark(next_line)
        {
            return Tick {
                ticked: Some(on),
                raw: format!("{raw}\n{}", next_line.joined()),
                from_field: false,
                place: next_line.place_from(0),
            };
        }
        if let Some(k) = box_beside_block(rows, i)
            && let Some(j) = rows[k].cells.iter().rposition(|c| !c.trim().is_empty())
            && let Some(on) = bare_mark(&rows[k].cells[j])
        {
            let lines: Vec<String> = rows[i..=k].iter().map(Row::joined).collect();
            return Tick {
                ticked: Some(on),
                raw: lines.join("\n"),
                from_field: false,
                place: rows[k].place(j),
            };
        }
    }
    Tick {
        ticked: None,
        raw,
        from_field: false,
        place: here,
    }
}

/// The line below statement line `i` whose last cell is the box beside the statement's block:
/// an option with a line of description under it, its box in a column to the right, level with
/// the middle of the block rather than with the statement ("Public coding service …" /
/// "Select this service if … [☒]"). The lines between must carry on the same block (each
/// starts within a line's height of the one above, on the same page) and be no other statement
/// (a line of the same option's description may read as that option) and no label. Only for
/// positioned documents: where lines sit is what says they are one block.
fn box_beside_block(rows: &[Row], i: usize) -> Option<usize> {
    let own = statement_of(&rows[i].joined());
    let other = |text: &str| matches!(statement_of(text), Some(s) if Some(s) != own);
    let mut above = rows[i].place_from(0)?;
    for (k, line) in rows.iter().enumerate().skip(i + 1).take(3) {
        let here = line.place_from(0)?;
        let height = (above.y1 - above.y0).abs();
        let gap = here.y0.min(here.y1) - above.y0.max(above.y1);
        if here.page != above.page || gap > height {
            return None;
        }
        let cells = line.filled_cells();
        let (&last, text) = cells.split_last()?;
        let text = text.join(" ");
        if other(&line.joined()) || other(&text) || labelled(&text).is_some() {
            return None;
        }
        if !text.is_empty() && marks_glyph(last) {
            return Some(k);
        }
        above = here;
    }
    None
}

/// A cell that is a box or tick on its own (not a yes/no word).
fn marks_glyph(cell: &str) -> bool {
    bare_mark(cell).is_some()
        && !cell
            .chars()
            .any(|c| c.is_alphabetic() && !matches!(c, 'x' | 'X'))
}

/// The mark a neighbouring line gives a statement: a line of one cell that is a mark or a
/// yes/no word, or that starts with a box and is no statement or label of its own (a box
/// centred beside a two-line statement lands on one of its lines).
fn line_mark(row: &Row) -> Option<bool> {
    let cells = row.filled_cells();
    let [only] = cells[..] else {
        return None;
    };
    if statement_of(only).is_some() || labelled(only).is_some() {
        return None;
    }
    if strip_marks(only).split_whitespace().count() <= 3 {
        bare_mark(only)
    } else {
        leading_mark(only)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tick_variants() {
        for (mark, want) in [
            ("☒", Some(true)),
            ("☑", Some(true)),
            ("✓", Some(true)),
            ("✔", Some(true)),
            ("✗", Some(true)),
            ("X", Some(true)),
            ("[x]", Some(true)),
            ("[X]", Some(true)),
            ("(x)", Some(true)),
            ("☐", Some(false)),
            ("[ ]", Some(false)),
            ("( )", Some(false)),
            ("", None),
        ] {
            let line = format!(
                "{mark} I have read, understand, and agree to be legally bound by the Terms of Use."
            );
            let rows = vec![Row::of(vec![line.trim().to_string()])];
            assert_eq!(statement_mark(&rows, 0, 0).ticked, want, "mark {mark:?}");
        }
    }

    #[test]
    fn a_box_after_a_wrapped_statement_is_its_box() {
        let row = |cell: &str| Row::of(vec![cell.to_string()]);
        for (mark, want) in [("☒", Some(true)), ("☐", Some(false))] {
            let rows = [
                row(
                    "I have read, understand, and agree to be legally bound by the Terms of Use of the Australian Bureau of",
                ),
                row(&format!("Statistics Occupation Coding Service. {mark}")),
                row("Service required"),
            ];
            assert_eq!(statement_mark(&rows, 0, 0).ticked, want, "{mark}");
        }
        // A statement that ended on its line does not take the next line's box.
        let rows = [
            row("I have read, understand, and agree to be legally bound by the Terms of Use."),
            row("Some other line ☒"),
        ];
        assert_eq!(statement_mark(&rows, 0, 0).ticked, None);
    }

    #[test]
    fn marks_beside_and_on_lines_of_their_own() {
        let statement =
            "I have read, understand, and agree to be legally bound by the Terms of Use.";
        let row = |cells: &[&str]| Row::of(cells.iter().map(|c| c.to_string()).collect());
        let beside = [row(&["☒", statement])];
        assert_eq!(statement_mark(&beside, 0, 1).ticked, Some(true));
        let after = [row(&[statement, "No"])];
        assert_eq!(statement_mark(&after, 0, 0).ticked, Some(false));
        let above = [row(&["[x]"]), row(&[statement])];
        let tick = statement_mark(&above, 1, 0);
        assert_eq!(tick.ticked, Some(true));
        assert_eq!(tick.raw, format!("[x]\n{statement}"));
    }
}
