//! A piece of text in → the tick mark or yes/no it holds out: a box glyph (every kind the
//! extractors met is already ☒ / ☐, and applicants type others), a typed box (`[x]`, `( )`), a
//! typed "X" or "Yes -" in front of a statement, a mark or yes/no word after it; and which
//! service a written answer or an option-with-mark names.

use super::labels::statement_of;
use super::text::normalise;
use super::vocabulary::{
    BRACKET_BOX, NO, NO_STARTS, PARTNER, PUBLIC, SERVICE_OPTION_WITH_MARK, Statement,
    TICKED_GLYPHS, TRAILING_MARK, TYPED_MARK, UNTICKED_GLYPHS, YES, YES_STARTS,
};
use regex::Regex;
use std::sync::LazyLock;

fn is_ticked_glyph(c: char) -> bool {
    TICKED_GLYPHS.contains(&c)
}

fn is_unticked_glyph(c: char) -> bool {
    UNTICKED_GLYPHS.contains(&c)
}

/// `[x]`, `(x)`, `[ ]`, `( )` and friends at the start of a text: ticked or not, and its length.
pub(crate) fn bracket_mark(t: &str) -> Option<(bool, usize)> {
    static BRACKET: LazyLock<Regex> = LazyLock::new(|| Regex::new(BRACKET_BOX).expect("regex"));
    // Most text does not start with a bracket: skip the regex.
    if !t.starts_with(['[', '(', '{']) {
        return None;
    }
    let m = BRACKET.captures(t)?;
    Some((m.get(1).is_some(), m.get(0)?.end()))
}

/// The mark in front of a statement: a glyph, a typed box, or a typed "X " / "Yes - " when a
/// statement follows it.
pub(crate) fn leading_mark(cell: &str) -> Option<bool> {
    let t = cell.trim_start_matches(['·', '•', ' ', '\t']);
    let first = t.chars().next()?;
    if is_ticked_glyph(first) {
        return Some(true);
    }
    if is_unticked_glyph(first) {
        return Some(false);
    }
    if let Some((on, _)) = bracket_mark(t) {
        return Some(on);
    }
    // A typed "X " or "Yes - " in front of the statement.
    static WORD: LazyLock<Regex> = LazyLock::new(|| Regex::new(TYPED_MARK).expect("regex"));
    if let Some(c) = WORD.captures(t) {
        let w = c[1].to_lowercase();
        let rest = &t[c.get(0).map(|m| m.end()).unwrap_or(0)..];
        // Only when the statement follows (an "I ..." sentence or a service name).
        if statement_of(rest).is_some() {
            return Some(matches!(w.as_str(), "x" | "yes" | "y"));
        }
    }
    None
}

/// The mark after a statement: a glyph, a typed box, or a separator and a yes/no word.
pub(crate) fn trailing_mark(cell: &str) -> Option<bool> {
    let t = cell.trim_end();
    let last = t.chars().last()?;
    if is_ticked_glyph(last) {
        return Some(true);
    }
    if is_unticked_glyph(last) {
        return Some(false);
    }
    static TRAIL: LazyLock<Regex> = LazyLock::new(|| Regex::new(TRAILING_MARK).expect("regex"));
    let c = TRAIL.captures(t)?;
    if c.get(0)?.start() == 0 {
        return None;
    }
    if let Some(w) = c.get(2) {
        return yes_no(w.as_str());
    }
    Some(c.get(1).is_some())
}

/// A cell or line that is only a mark or a yes/no word.
pub(crate) fn bare_mark(text: &str) -> Option<bool> {
    let t = text.trim();
    if t.is_empty() {
        return None;
    }
    let mut chars = t.chars();
    let first = chars.next()?;
    if chars.as_str().trim().is_empty() {
        if is_ticked_glyph(first) || first == 'X' || first == 'x' {
            return Some(true);
        }
        if is_unticked_glyph(first) {
            return Some(false);
        }
    }
    if let Some((on, len)) = bracket_mark(t)
        && t[len..].trim().is_empty()
    {
        return Some(on);
    }
    yes_no(t)
}

/// Yes/no words applicants use for the agreements, with or without a mark in front.
pub(crate) fn yes_no(text: &str) -> Option<bool> {
    let stripped = strip_marks(text);
    if stripped.len() != text.trim_start().len() {
        let mark = leading_mark(text);
        let rest = stripped.trim();
        if rest.is_empty() {
            return mark;
        }
        return match (mark, yes_no(rest)) {
            (Some(false), _) => Some(false),
            (_, Some(answer)) => Some(answer),
            (Some(true), None) => Some(true),
            (None, None) => None,
        };
    }
    let n = normalise(text);
    let n = n.trim_matches(|c: char| c.is_ascii_punctuation() || c.is_whitespace());
    if let Some(on) = n
        .chars()
        .next()
        .filter(|_| n.chars().count() == 1)
        .and_then(|c| {
            if is_ticked_glyph(c) {
                Some(true)
            } else if is_unticked_glyph(c) {
                Some(false)
            } else {
                None
            }
        })
    {
        return Some(on);
    }
    if NO.contains(&n) {
        return Some(false);
    }
    if YES.contains(&n) {
        return Some(true);
    }
    if YES_STARTS.iter().any(|s| n.starts_with(s)) {
        return Some(true);
    }
    if NO_STARTS.iter().any(|s| n.starts_with(s)) {
        return Some(false);
    }
    None
}

/// Drops the tick marks at the start of a text.
pub(crate) fn strip_marks(text: &str) -> &str {
    let mut t = text.trim_start();
    loop {
        let Some(first) = t.chars().next() else {
            return t;
        };
        if is_ticked_glyph(first) || is_unticked_glyph(first) {
            t = t[first.len_utf8()..].trim_start();
            continue;
        }
        if let Some((_, len)) = bracket_mark(t) {
            t = t[len..].trim_start();
            continue;
        }
        return t;
    }
}

/// Splits a cell before each tick mark that starts another statement.
pub(crate) fn split_statements(cell: &str) -> Vec<String> {
    // Statements are sentences: a longer cell is not a list of them, and looking for marks in
    // it would cost time quadratic in its length.
    if cell.len() > 4000 {
        return vec![cell.to_string()];
    }
    let mut cuts = vec![0];
    for (pos, c) in cell.char_indices().skip(1) {
        let starts_mark = is_ticked_glyph(c) || is_unticked_glyph(c) || c == '[' || c == '(';
        if !starts_mark || !cell[..pos].ends_with(char::is_whitespace) {
            continue;
        }
        let rest = &cell[pos..];
        let last = cuts.last().copied().unwrap_or(0);
        if leading_mark(rest).is_some()
            && statement_of(rest).is_some()
            && statement_of(&cell[last..pos]).is_some()
        {
            cuts.push(pos);
        }
    }
    if cuts.len() == 1 {
        return vec![cell.to_string()];
    }
    cuts.push(cell.len());
    cuts.windows(2)
        .map(|w| cell[w[0]..w[1]].trim().to_string())
        .collect()
}

/// Splits a text before every tick mark.
fn split_statements_anywhere(text: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut start = 0;
    for (pos, c) in text.char_indices().skip(1) {
        let mark = is_ticked_glyph(c)
            || is_unticked_glyph(c)
            || (c == '[' && bracket_mark(&text[pos..]).is_some());
        if mark {
            parts.push(text[start..pos].trim().to_string());
            start = pos;
        }
    }
    parts.push(text[start..].trim().to_string());
    parts
}

/// Service options written as labels with a mark or yes/no after them.
pub(crate) fn options_with_marks(cell: &str) -> Vec<(Statement, bool)> {
    static OPTION: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(SERVICE_OPTION_WITH_MARK).expect("regex"));
    if cell.len() > 400 {
        return Vec::new();
    }
    OPTION
        .captures_iter(cell)
        .filter_map(|c| {
            let stmt = if c[1].eq_ignore_ascii_case(PUBLIC) {
                Statement::Public
            } else {
                Statement::Partner
            };
            let mark = &c[2];
            let on = bare_mark(mark).or_else(|| yes_no(mark))?;
            Some((stmt, on))
        })
        .collect()
}

/// Which services a written answer names (public, partner). With tick marks in it
/// ("☒ Public ☐ Partner") only the ticked ones count.
pub(crate) fn services_named(text: &str) -> (bool, bool) {
    let n = normalise(text);
    let has_marks = n
        .chars()
        .any(|c| is_ticked_glyph(c) || is_unticked_glyph(c))
        || n.contains("[x]")
        || n.contains("[ ]");
    if !has_marks {
        // "Partner (not public)" names one service only.
        let negated = |w: &str| n.contains(&format!("not {w}")) || n.contains(&format!("no {w}"));
        let public = n.contains(PUBLIC) && !negated(PUBLIC);
        let partner = n.contains(PARTNER) && !negated(PARTNER);
        return (public, partner);
    }
    let mut public = false;
    let mut partner = false;
    for part in split_statements_anywhere(&n) {
        if leading_mark(&part) == Some(true) {
            public |= part.contains(PUBLIC);
            partner |= part.contains(PARTNER);
        }
    }
    (public, partner)
}

/// Whether a written answer names a service at all.
pub(crate) fn is_service_answer(text: &str) -> bool {
    let n = normalise(text);
    n.contains(PUBLIC) || n.contains(PARTNER)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn written_service_with_marks() {
        assert_eq!(services_named("☒ Public ☐ Partner"), (true, false));
        assert_eq!(services_named("[ ] public [x] partner"), (false, true));
        assert_eq!(services_named("Partner coding service"), (false, true));
        assert_eq!(services_named("Partner (not public)"), (false, true));
    }

    #[test]
    fn service_options_as_labels_with_marks() {
        assert_eq!(
            options_with_marks("Public coding service: [ ] Partner coding service: [X]"),
            vec![(Statement::Public, false), (Statement::Partner, true)]
        );
        assert_eq!(
            options_with_marks("Partner service - Yes"),
            vec![(Statement::Partner, true)]
        );
        assert!(options_with_marks("Public coding service (1 API call per second)").is_empty());
    }

    #[test]
    fn marks_and_yes_no_words() {
        for (text, want) in [
            ("☒", Some(true)),
            ("[ ]", Some(false)),
            ("x", Some(true)),
            ("Yes, I agree", Some(true)),
            ("No, I do not agree.", Some(false)),
            ("☒ Agreed", Some(true)),
            ("☐ Agreed", Some(false)),
            ("maybe", None),
        ] {
            assert_eq!(bare_mark(text), want, "{text:?}");
        }
        assert_eq!(
            trailing_mark("I agree to the Terms of Use: Yes"),
            Some(true)
        );
        assert_eq!(
            trailing_mark("I agree to the Terms of Use [ ]"),
            Some(false)
        );
        assert_eq!(trailing_mark("[x]"), None);
        assert_eq!(strip_marks("☒ [x] ( ) I agree"), "I agree");
    }

    #[test]
    fn statements_in_one_cell_are_split_at_their_marks() {
        assert_eq!(
            split_statements("☒ Public coding service (fast). ☐ Partner coding service (big)."),
            vec![
                "☒ Public coding service (fast).".to_string(),
                "☐ Partner coding service (big).".to_string()
            ]
        );
        // A mark inside one statement is not a cut.
        assert_eq!(
            split_statements("☒ Public coding service (☐ not this)").len(),
            1
        );
    }
}
