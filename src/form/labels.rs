//! A cell's text in → which of the form's questions it labels (and the answer after the label),
//! which tick-box statement it states, or whether it is any other part of the form (a heading,
//! an instruction) out. The words are `vocabulary`'s; this is how they are matched: a label by
//! the words a person retyping the form would use, whatever the numbering, bullets, case,
//! separator or "(required)" note around it.

use super::marks::strip_marks;
use super::memo::memoised;
use super::text::normalise;
use super::vocabulary::{
    AGREEMENTS, BOILERPLATE, LABEL_BULLETS, LABEL_NUMBERING, LABEL_SUFFIX, LABELS, LOOSE_WORDS,
    LooseWord, PRINTED_SENTENCES, Question, SERVICE_STATEMENT, SPACED_LABELS, STATEMENT_HINTS,
    Statement, TYPED_MARK,
};
use aho_corasick::AhoCorasick;
use regex::Regex;
use regex_automata::{Anchored, Input};
use std::sync::LazyLock;

/// A label at the start of `text` and the rest of the text after it.
pub(crate) fn labelled(text: &str) -> Option<(Question, &str)> {
    let found = memoised(
        |m| &mut m.labelled,
        text,
        || {
            labelled_uncached(text).map(|(q, rest)| {
                // `rest` is a slice of `text`, or an empty literal.
                let start = (rest.as_ptr() as usize).wrapping_sub(text.as_ptr() as usize);
                if rest.is_empty() || start > text.len() {
                    (q, 0, 0)
                } else {
                    (q, start, rest.len())
                }
            })
        },
    );
    found.map(|(q, start, len)| (q, text.get(start..start + len).unwrap_or("")))
}

/// Which statement a line states, when it is one of the form's tick-box statements.
pub(crate) fn statement_of(text: &str) -> Option<Statement> {
    memoised(|m| &mut m.statement, text, || statement_of_uncached(text))
}

/// Whether `text` is part of the form itself (a label, statement or boilerplate), not an answer.
pub(crate) fn is_form_text(text: &str) -> bool {
    memoised(|m| &mut m.form_text, text, || is_form_text_uncached(text))
}

/// True when a line belongs to the form itself (a label, a statement, a heading or an
/// instruction), so it cannot be an applicant's answer.
fn is_form_text_uncached(text: &str) -> bool {
    let t = text.trim();
    if t.is_empty() {
        return false;
    }
    if statement_of(t).is_some() || labelled(t).is_some() {
        return true;
    }
    let n = normalise(strip_marks(t));
    // A longer label phrase on its own ("Static IP address or range for allowlisting", numbered
    // or not: its numbering is no figure of an answer). Names and organisations are left out:
    // "Department of Health" is an answer.
    let label = normalise_label(t);
    if !label.contains('@')
        && !label.chars().any(|c| c.is_ascii_digit())
        && matches!(
            classify_label(&label, false),
            Some(
                Question::Ip
                    | Question::Records
                    | Question::Calls
                    | Question::Terms
                    | Question::UserGuide
            )
        )
    {
        return true;
    }
    BOILERPLATE.iter().any(|b| n.starts_with(b))
}

/// Splits `Label: answer` / `Label - answer` / `Label<tab>answer` / `Label [answer]` and
/// recognises the label. `None` when the text does not start with one of the form's labels.
fn labelled_uncached(text: &str) -> Option<(Question, &str)> {
    let text = text.trim();
    if let Some((label, rest)) = split_at_separator(text) {
        let norm = normalise_label(label);
        if let Some(q) = classify_label(&norm, false) {
            return Some((q, rest));
        }
    }
    // A bare label on a line of its own, or followed by its answer after spaces only.
    let norm = normalise_label(text);
    if let Some(q) = classify_label(&norm, true) {
        return Some((q, ""));
    }
    // Printed layouts (PDF text) can leave only a space between a label and its answer.
    for (prefix, q) in SPACED_LABELS {
        if let Some(rest) = strip_words_prefix(text, prefix) {
            // An e-mail answer must hold an address, or "Email me when..." would be one.
            if !rest.trim().is_empty() && (*q != Question::Email || rest.contains('@')) {
                return Some((*q, rest));
            }
        }
    }
    None
}

/// `text` without its first words when they are `prefix` (case-insensitive, any spacing).
fn strip_words_prefix<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let mut rest = text.trim_start();
    for word in prefix.split(' ') {
        let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
        if !rest[..end].eq_ignore_ascii_case(word) {
            return None;
        }
        rest = rest[end..].trim_start();
    }
    // Only a whole word: "Organisational" is not "Organisation".
    let consumed = text.len() - rest.len();
    (consumed > 0 && text[..consumed].ends_with(char::is_whitespace) || rest.is_empty())
        .then_some(rest)
}

/// The first separator between a label and its answer.
pub(crate) fn split_at_separator(text: &str) -> Option<(&str, &str)> {
    // One pass; the earliest separator wins. Every separator starts with an ASCII byte or a
    // multi-byte character's lead byte, so byte positions are character boundaries.
    let bytes = text.as_bytes();
    let at = |i: usize, s: &str| bytes[i..].starts_with(s.as_bytes());
    let (p, len) = bytes.iter().enumerate().find_map(|(i, &b)| match b {
        b':' | b'\t' | b'|' => Some((i, 1)),
        // The bracket belongs to the answer.
        b'[' => Some((i, 0)),
        b' ' if at(i, " - ") || at(i, " = ") => Some((i, 3)),
        b' ' if at(i, " – ") || at(i, " — ") => Some((i, " – ".len())),
        0xEF if at(i, "：") => Some((i, '：'.len_utf8())),
        _ => None,
    })?;
    if p == 0 {
        return None;
    }
    Some((&text[..p], &text[p + len..]))
}

/// Lower-cases and tidies a label: bullets, numbering, marks, asterisks and "(required)" go.
pub(crate) fn normalise_label(label: &str) -> String {
    static NUMBERING: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(LABEL_NUMBERING).expect("regex"));
    static SUFFIX: LazyLock<Regex> = LazyLock::new(|| Regex::new(LABEL_SUFFIX).expect("regex"));
    let n = normalise(strip_marks(label));
    let n = n.trim_start_matches(LABEL_BULLETS).trim();
    // Skip each regex when its first or last character rules it out (most labels).
    let numbered = n.starts_with(|c: char| {
        c.is_ascii_digit() || ('a'..='h').contains(&c) || c == 'q' || c == '('
    });
    let n = if numbered {
        NUMBERING.replace(n, "")
    } else {
        n.into()
    };
    let suffixed = n.trim_end().ends_with(['*', ')']);
    let n = if suffixed { SUFFIX.replace(&n, "") } else { n };
    n.trim()
        .trim_end_matches([':', '.', '-', '?', ' '])
        .trim()
        .to_string()
}

/// Which question a (normalised) label asks. `strict` is for a bare line with nothing after it:
/// then only whole labels count, so an answer such as "Department of Health" is not a label.
pub(crate) fn classify_label(label: &str, strict: bool) -> Option<Question> {
    // One multi-pattern regex, one anchored pass over the label. Every pattern spans the whole
    // label (^…$), so leftmost-first picks the first pattern that matches, as a set would,
    // without a set's overlapping search (which cost more than the rest of the function).
    static WHOLE: LazyLock<regex_automata::meta::Regex> = LazyLock::new(|| {
        let patterns: Vec<String> = LABELS.iter().map(|(_, p)| format!("^(?:{p})$")).collect();
        regex_automata::meta::Regex::new_many(&patterns).expect("regex")
    });
    let whole_match = |text: &str| {
        WHOLE
            .search(&Input::new(text).anchored(Anchored::Yes))
            .map(|m| LABELS[m.pattern().as_usize()].0)
    };
    let label = label.trim();
    if label.is_empty() || label.contains('@') {
        return None;
    }
    if let Some(q) = whole_match(label) {
        return Some(q);
    }
    // "Email (contact)", "Name (in full)", "Organisation (agency)": the note does not change
    // the question.
    if let Some(open) = label.rfind(" (").filter(|_| label.ends_with(')')) {
        let head = label[..open].trim();
        if let Some(q) = whole_match(head) {
            return Some(q);
        }
    }
    if strict {
        return None;
    }
    // With a separator after it, a label may be a longer phrase. Notes in brackets ("(batch
    // or single record requests)", "(peak period)") are skimmed, as a reader does.
    let words = words_outside_brackets(label);
    let found = loose_words_in(label);
    let has = |w: LooseWord| found & (1 << w as u32) != 0;
    let ip_words = has(LooseWord::Ip) || label.starts_with("ip ");
    if ip_words && (words <= 60) {
        return Some(Question::Ip);
    }
    if words > 12 {
        return None;
    }
    if has(LooseWord::Email) {
        return Some(Question::Email);
    }
    if has(LooseWord::Calls) {
        return Some(Question::Calls);
    }
    if has(LooseWord::Record) && !has(LooseWord::SelectThisService) {
        return Some(Question::Records);
    }
    if has(LooseWord::Terms) {
        return Some(Question::Terms);
    }
    if has(LooseWord::UserGuide) {
        return Some(Question::UserGuide);
    }
    if (has(LooseWord::Service) && words <= 5) || has(LooseWord::PublicOrPartner) {
        return Some(Question::Service);
    }
    // An organisation's own name ("Department of Health") is not a label: the label words
    // must lead and the label stay short.
    let names_an_org = words <= 5 && (!has(LooseWord::Of) || label.starts_with("name of"));
    if has(LooseWord::Organisation) && names_an_org {
        return Some(Question::Organisation);
    }
    if (has(LooseWord::Name) && words <= 5 && !has(LooseWord::NotAPersonsName))
        || has(LooseWord::Applicant)
    {
        return Some(Question::FullName);
    }
    None
}

/// Whether `text` is a piece of the form's own printed sentences (`PRINTED_SENTENCES`), of at
/// least `min_words` words, starting and ending at word boundaries: printed, not written.
pub(crate) fn is_printed_piece(text: &str, min_words: usize) -> bool {
    // Every printed sentence, normalised and padded with spaces, one a line: one search over
    // all of them instead of a substring searcher built per sentence (a tenth of `read`).
    static PRINTED: LazyLock<String> = LazyLock::new(|| {
        PRINTED_SENTENCES
            .iter()
            .map(|s| format!(" {} ", normalise(s)))
            .collect::<Vec<_>>()
            .join("\n")
    });
    let n = normalise(text);
    let n = n.trim_matches(|c: char| c == '.' || c == ',' || c == ';' || c == ':');
    if n.is_empty() || n.split_whitespace().count() < min_words || n.len() > 2000 {
        return false;
    }
    // A piece may begin or end mid-punctuation ("per day))."): match on the words. `normalise`
    // turns every space (a line end too) into ' ', so a match never runs across two sentences.
    let key = format!(" {n}");
    let printed = PRINTED.as_bytes();
    memchr::memmem::find_iter(printed, key.as_bytes()).any(|at| {
        printed
            .get(at + key.len())
            .is_some_and(|&c| c == b' ' || c.is_ascii_punctuation())
    })
}

/// How many words a text has outside round brackets.
fn words_outside_brackets(text: &str) -> usize {
    let mut depth = 0usize;
    let mut words = 0;
    let mut in_word = false;
    for c in text.chars() {
        match c {
            '(' => {
                depth += 1;
                in_word = false;
            }
            ')' => {
                depth = depth.saturating_sub(1);
                in_word = false;
            }
            c if c.is_whitespace() => in_word = false,
            _ if depth == 0 && !in_word => {
                words += 1;
                in_word = true;
            }
            _ => {}
        }
    }
    words
}

/// The kinds of word found anywhere in `label`, as a bit set: one pass for all of them instead
/// of a substring search per word (that was a fifth of `read`).
fn loose_words_in(label: &str) -> u32 {
    static FINDER: LazyLock<AhoCorasick> = LazyLock::new(|| {
        AhoCorasick::new(LOOSE_WORDS.iter().map(|(w, _)| w)).expect("word finder")
    });
    FINDER.find_overlapping_iter(label).fold(0, |found, m| {
        found | 1 << LOOSE_WORDS[m.pattern().as_usize()].1 as u32
    })
}

/// Which statement a line states, when it is one of the form's tick-box statements.
fn statement_of_uncached(text: &str) -> Option<Statement> {
    static TYPED: LazyLock<Regex> = LazyLock::new(|| Regex::new(TYPED_MARK).expect("regex"));
    let stripped = strip_marks(text);
    statement_of_unmarked(stripped).or_else(|| {
        let m = TYPED.find(stripped)?;
        statement_of_unmarked(&stripped[m.end()..])
    })
}

fn statement_of_unmarked(text: &str) -> Option<Statement> {
    let n = normalise(text);
    let n = n.trim_start_matches(['·', '•', '-', '*', ' ']);
    for words in AGREEMENTS {
        let agrees_on_topic =
            n.starts_with("i ") && n.contains("agree") && n.contains(words.topic) && n.len() > 30;
        if words.starts.iter().any(|s| n.starts_with(s))
            || words
                .holds
                .iter()
                .any(|all| all.iter().all(|phrase| n.contains(phrase)))
            || agrees_on_topic
        {
            return Some(words.statement);
        }
    }
    static SERVICE: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(SERVICE_STATEMENT).expect("regex"));
    if !(n.starts_with("public") || n.starts_with("partner")) {
        return None;
    }
    if let Some(c) = SERVICE.captures(n) {
        return Some(if &c[1] == "public" {
            Statement::Public
        } else {
            Statement::Partner
        });
    }
    None
}

/// A statement named by a check box's field name, tooltip or nearby text.
pub(crate) fn statement_hint(hint: &str) -> Option<Statement> {
    let n = normalise(hint);
    if n.is_empty() {
        return None;
    }
    if let Some(s) = statement_of(&n) {
        return Some(s);
    }
    STATEMENT_HINTS
        .iter()
        .find(|(word, _)| n.contains(word))
        .map(|(_, s)| *s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::form::memo;

    #[test]
    fn memoised_label_answers_equal_fresh_ones() {
        // A cached answer must point into the text it is asked about, whatever spaces surround
        // it and whether the rest was a slice or an empty literal.
        let texts = [
            "Full name: Jane Citizen   ",
            "  Organisation - Department of Examples",
            "Email address",
            "Contact email jane@example.gov.au  ",
            "Department of Health",
        ];
        memo::clear();
        for text in texts {
            let fresh = labelled_uncached(text);
            let first = labelled(text);
            // The same content at another address comes from the memo.
            let copy = text.to_string();
            let cached = labelled(&copy);
            assert_eq!(first, fresh, "{text:?}");
            assert_eq!(cached, fresh, "{text:?} from the memo");
            assert_eq!(statement_of(text), statement_of_uncached(text));
            assert_eq!(is_form_text(text), is_form_text_uncached(text));
        }
        for text in texts {
            assert!(memo::holds(|m| &m.labelled, text), "{text:?} not memoised");
        }
        memo::clear();
    }

    #[test]
    fn labels_classify() {
        for (label, want) in [
            ("Full name", Some(Question::FullName)),
            ("Applicant name", Some(Question::FullName)),
            ("Name", Some(Question::FullName)),
            ("Organisation name", Some(Question::Organisation)),
            ("Organization", Some(Question::Organisation)),
            ("Agency", Some(Question::Organisation)),
            ("Email", Some(Question::Email)),
            ("E-mail address", Some(Question::Email)),
            ("Contact e-mail", Some(Question::Email)),
            ("Static IP address or range", Some(Question::Ip)),
            ("IP address(es) for allowlisting", Some(Question::Ip)),
            ("Records per day (peak)", Some(Question::Records)),
            ("API calls you expect to make", Some(Question::Calls)),
            ("· records you expect to code", Some(Question::Records)),
            (
                "· API calls (batch or single record requests) you expect to make",
                Some(Question::Calls),
            ),
            ("Kind regards", None),
        ] {
            let got = labelled(&format!("{label}: x")).map(|(q, _)| q);
            assert_eq!(got, want, "label {label:?}");
        }
        assert_eq!(labelled("Department of Health"), None);
        assert_eq!(labelled("Dr Jane Citizen"), None);
        // Sub-question numbering goes before a bare label is matched whole.
        for (label, want) in [
            (
                "7b. API calls (batch or single record requests) you expect to make",
                Question::Calls,
            ),
            ("7.2 Records you expect to code", Question::Records),
            ("Q7(a) Records you expect to code", Question::Records),
            ("3) Contact email", Question::Email),
        ] {
            assert_eq!(
                classify_label(&normalise_label(label), true),
                Some(want),
                "{label:?}"
            );
        }
    }

    #[test]
    fn statements_by_their_wording() {
        for (text, want) in [
            (
                "☒ I have read, understand, and agree to be legally bound by the Terms of Use.",
                Some(Statement::Terms),
            ),
            (
                "X - I agree to the Terms of Use of the service",
                Some(Statement::Terms),
            ),
            (
                "I agree to read and follow the API integration instructions",
                Some(Statement::UserGuide),
            ),
            (
                "Partner coding service (Large batch coding)",
                Some(Statement::Partner),
            ),
            ("Public coding service.", Some(Statement::Public)),
            ("Public holidays are not counted", None),
            ("Terms of Use", None),
        ] {
            assert_eq!(statement_of_uncached(text), want, "{text:?}");
        }
        assert_eq!(statement_hint("chkTermsAgreed"), Some(Statement::Terms));
        assert_eq!(statement_hint("Check Box4"), None);
    }
}
