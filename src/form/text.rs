//! Text in → the comparable form of it out: `normalise` (lower case, one kind of quote and
//! dash, single spaces), an answer without the form's blanks around it, a field name as words.

use super::vocabulary::{FIELD_NAME_PREFIXES, PLACEHOLDERS};

/// Lower case, one kind of quote and dash, single spaces.
pub(crate) fn normalise(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    // A space is written only before the next kept character: none leading, none trailing.
    let mut space = false;
    let mut rest = text;
    loop {
        // Runs of printable ASCII other than the backtick, with single spaces between words,
        // are the bulk of any text: copied and lower-cased whole, not a character at a time.
        let is_plain = |b: u8| b > b' ' && b < 0x7f && b != b'`';
        let bytes = rest.as_bytes();
        let mut plain = 0;
        while plain < bytes.len() {
            if is_plain(bytes[plain]) {
                plain += 1;
            } else if bytes[plain] == b' '
                && plain > 0
                && bytes.get(plain + 1).is_some_and(|&b| is_plain(b))
            {
                plain += 2;
            } else {
                break;
            }
        }
        if plain > 0 {
            if space && !out.is_empty() {
                out.push(' ');
            }
            space = false;
            let start = out.len();
            out.push_str(&rest[..plain]);
            out[start..].make_ascii_lowercase();
            rest = &rest[plain..];
        }
        let mut chars = rest.chars();
        let Some(c) = chars.next() else {
            break;
        };
        rest = chars.as_str();
        let c = fold_char(c);
        if c == ' ' {
            space = true;
            continue;
        }
        if space && !out.is_empty() {
            out.push(' ');
        }
        space = false;
        if c.is_ascii() {
            out.push(c.to_ascii_lowercase());
        } else {
            out.extend(c.to_lowercase());
        }
    }
    out
}

/// One character as `normalise` sees it: one kind of quote and dash; any space is ' '.
fn fold_char(c: char) -> char {
    match c {
        '\u{2018}' | '\u{2019}' | '\u{02bc}' | '`' => '\'',
        '\u{201c}' | '\u{201d}' => '"',
        '\u{2010}' | '\u{2011}' | '\u{2012}' => '-',
        c if c.is_whitespace() || c == '\u{00a0}' || c == '\u{200b}' => ' ',
        c => c,
    }
}

/// An answer without the form's blanks around it: brackets, underscores, leading separators and
/// word processors' placeholder prompts.
pub(crate) fn clean_answer(text: &str) -> String {
    let t = bracketed_blank(text.trim());
    let t = t
        .trim()
        .trim_start_matches([':', '-', '–', '—', '=', '|', '·', '•', ' '])
        .trim();
    let t = t.trim_matches('_').trim();
    let mut t = t.trim_end_matches(['_', '|']).trim();
    // A closing bracket left over from the blank, not one closing the applicant's own pair.
    while t.ends_with(']') && t.matches(']').count() > t.matches('[').count() {
        t = t[..t.len() - 1].trim_end_matches(['_', '|', ' ']);
    }
    let n = normalise(t);
    if PLACEHOLDERS.contains(&n.as_str())
        || t.chars().all(|c| c == '_' || c == '.' || c.is_whitespace())
    {
        return String::new();
    }
    t.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The answer inside the form's own bracketed blank (`[ 150.203.4.0/24 ]`), else the text as
/// it is. Brackets are the form's blank only when the answer starts with one (after any
/// separator); brackets the applicant wrote after an answer are part of it ("Jane Citizen
/// [she/her]", "Example University [ANU]", "2,500 [peak in March]"). The blank ends at its
/// matching bracket, so a bracket written inside it stays ("[ 400 [see attached plan] ]");
/// an unfilled blank before words (`[ ____ ] text`) gives the words; a blank whose closing
/// bracket was deleted runs to the end of the text.
fn bracketed_blank(text: &str) -> &str {
    let t = text.trim_start_matches([':', '-', '–', '—', '=', '|', ' ']);
    let Some(inside) = t.strip_prefix('[') else {
        return text;
    };
    let mut depth = 1usize;
    let mut end = None;
    for (i, c) in inside.char_indices() {
        match c {
            '[' => depth += 1,
            ']' => {
                depth -= 1;
                if depth == 0 {
                    end = Some(i);
                    break;
                }
            }
            _ => {}
        }
    }
    match end {
        Some(end) => {
            let inner = &inside[..end];
            let after = inside[end + 1..].trim();
            if inner.trim_matches(['_', ' ', '.']).is_empty() && !after.is_empty() {
                after
            } else {
                inner
            }
        }
        // A bracket never closed: the answer is what follows it (to the end of the line),
        // without a stray closing bracket of an inner pair.
        None => inside,
    }
}

/// "FullName", "txt_organisation", "Check Box4" → words a label matcher understands.
pub(crate) fn humanise_name(name: &str) -> String {
    let last = name.rsplit('.').next().unwrap_or(name);
    let mut out = String::with_capacity(last.len() + 8);
    let mut prev_lower = false;
    for c in last.chars() {
        if c == '_' || c == '-' {
            out.push(' ');
            prev_lower = false;
            continue;
        }
        if c.is_uppercase() && prev_lower {
            out.push(' ');
        }
        prev_lower = c.is_lowercase();
        out.push(c);
    }
    let n = normalise(&out);
    // Prefixes form tools add to names.
    let n = FIELD_NAME_PREFIXES
        .iter()
        .find_map(|p| n.strip_prefix(p))
        .unwrap_or(&n);
    n.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `normalise` as first written, a character at a time (same character folding): the fast
    /// one, which copies ASCII runs whole, must agree with it.
    fn normalise_one_char_at_a_time(text: &str) -> String {
        let mut out = String::new();
        let mut space = false;
        for c in text.chars() {
            let c = fold_char(c);
            if c == ' ' {
                if !space && !out.is_empty() {
                    out.push(' ');
                }
                space = true;
                continue;
            }
            space = false;
            out.extend(c.to_lowercase());
        }
        if out.ends_with(' ') {
            out.pop();
        }
        out
    }

    #[test]
    fn fast_normalise_agrees_with_the_plain_one() {
        let samples = [
            "",
            " ",
            "   \t\n ",
            "Full Name",
            "  Full   Name  ",
            "Full\u{a0}Name:\u{200b} Jane",
            "I HAVE READ, UNDERSTAND, AND AGREE to be legally bound",
            "O`Brien ‘quoted’ “double” ‐dash‑ ‒",
            "ÉCOLE ÀÖ İstanbul ΣΑΣ ß ǅ",
            "a b  c\td\r\ne\x0bf\x0cg\x7fh\x01i",
            "x ` y",
            " a",
            "a ",
            "a  ",
            "a \u{3000}b",
            "IP address (static) 150.203.4.0/24 — RANGE",
            "\u{2003}Terms\u{2009}of Use\u{85}",
        ];
        for s in samples {
            assert_eq!(normalise(s), normalise_one_char_at_a_time(s), "{s:?}");
        }
        // Every pairing of a few awkward pieces, so runs start and end in every way.
        let pieces = [
            "A", "b", " ", "  ", "\t", "`", "É", "\u{a0}", "\u{2019}", "1", ":",
        ];
        for a in pieces {
            for b in pieces {
                for c in pieces {
                    let s = format!("{a}{b}{c}{a}");
                    assert_eq!(normalise(&s), normalise_one_char_at_a_time(&s), "{s:?}");
                }
            }
        }
    }

    #[test]
    fn answers_lose_the_forms_blanks() {
        assert_eq!(clean_answer("[ 150.203.4.0/24 ]"), "150.203.4.0/24");
        assert_eq!(clean_answer("[______] Jane"), "Jane");
        assert_eq!(clean_answer(": - Jane   Citizen ___"), "Jane Citizen");
        assert_eq!(clean_answer("Click or tap here to enter text."), "");
        assert_eq!(clean_answer("____ . ___"), "");
    }

    #[test]
    fn field_names_become_words() {
        assert_eq!(humanise_name("FullName"), "full name");
        assert_eq!(humanise_name("txt_organisation"), "organisation");
        assert_eq!(humanise_name("form1.page1.chkTerms"), "terms");
        assert_eq!(humanise_name("Check Box4"), "check box4");
    }
}
