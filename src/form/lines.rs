//! A document's rows (its page text) in → labels, answers and marked statements out, into
//! `Collected`. Each cell is looked at once: an option with its mark after it, a statement (and
//! the mark in front of it, after it, beside it or on a line of its own), or a label and its
//! answer wherever it sits (`nearby`).

use super::Tick;
use super::collect::Collected;
use super::labels::{
    classify_label, is_form_text, labelled, normalise_label, split_at_separator, statement_of,
};
use super::marks::{
    bare_mark, is_service_answer, leading_mark, options_with_marks, strip_marks, trailing_mark,
};
use super::nearby::{answer_after, carry_on, ip_lines_above, looks_like_ip_text};
use super::rows::Row;
use super::text::{clean_answer, normalise};
use super::vocabulary::{Question, Statement};

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
                    .then(|| wrapped_label(rows, i, cell))
                    .flatten()
            });
            let Some((q, rest)) = found_label else {
                continue;
            };
            found.saw_label(q);
            let answer = if !clean_answer(rest).is_empty() {
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
            found.answer(q, text, raw, false);
        }
    }
}

/// A label line without a separator that is not a whole label ("Static IP address or range for",
/// wrapped in a narrow table column) counts when the line below holds an answer of its kind.
fn wrapped_label(rows: &[Row], i: usize, cell: &str) -> Option<(Question, &'static str)> {
    let norm = normalise_label(cell);
    if norm.split_whitespace().count() > 10 || norm.ends_with('.') {
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
    let tick = |on: bool| Tick {
        ticked: Some(on),
        raw: raw.clone(),
        from_field: false,
    };
    if let Some(on) = leading_mark(cell) {
        return tick(on);
    }
    // "Terms of Use: [✓] I have read, …": the mark follows the label.
    if let Some((_, rest)) = split_at_separator(cell)
        && statement_of(rest).is_some()
        && let Some(on) = leading_mark(rest.trim())
    {
        return tick(on);
    }
    if let Some(on) = trailing_mark(cell) {
        return tick(on);
    }
    let prev = row.cells[..j]
        .iter()
        .rev()
        .map(|c| c.trim())
        .find(|c| !c.is_empty());
    if let Some(on) = prev.and_then(bare_mark) {
        return tick(on);
    }
    let next = row
        .cells
        .iter()
        .skip(j + 1)
        .map(|c| c.trim())
        .find(|c| !c.is_empty());
    if let Some(on) = next.and_then(bare_mark) {
        return tick(on);
    }
    if row.cells.len() == 1 {
        // A line of its own: a statement with its own box (the option above or below) is not.
        let own_line = |line: &Row| statement_of(line.joined().trim()).is_none();
        if let Some(prev_line) = i.checked_sub(1).and_then(|k| rows.get(k))
            && own_line(prev_line)
            && let Some(on) = bare_mark(prev_line.joined().trim())
        {
            return Tick {
                ticked: Some(on),
                raw: format!("{}\n{raw}", prev_line.joined()),
                from_field: false,
            };
        }
        if let Some(next_line) = rows.get(i + 1)
            && own_line(next_line)
            && let Some(on) = bare_mark(next_line.joined().trim())
        {
            return Tick {
                ticked: Some(on),
                raw: format!("{raw}\n{}", next_line.joined()),
                from_field: false,
            };
        }
    }
    Tick {
        ticked: None,
        raw,
        from_field: false,
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
            let rows = vec![Row {
                cells: vec![line.trim().to_string()],
            }];
            assert_eq!(statement_mark(&rows, 0, 0).ticked, want, "mark {mark:?}");
        }
    }

    #[test]
    fn marks_beside_and_on_lines_of_their_own() {
        let statement =
            "I have read, understand, and agree to be legally bound by the Terms of Use.";
        let row = |cells: &[&str]| Row {
            cells: cells.iter().map(|c| c.to_string()).collect(),
        };
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
