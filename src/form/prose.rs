//! A mail body written as sentences, not as the form ("My name is …, I work at …; we need the
//! Partner service; please allowlist 134.148.5.10 to 134.148.5.40; about 50,000 records and
//! 2,000 API calls a day; I agree to the Terms of Use") in → answers reported to `Collected`.
//!
//! Tried only on a mail body the form reader did not take for a form. What it finds counts as
//! a registration only with an e-mail address, a name or organisation, a service named and at
//! least two of: a number of records, a number of calls, an address, an agreement — a question
//! about the service ("what is the difference between the public and partner service?") does
//! not. The words it looks for live in `vocabulary`.

use super::Tick;
use super::collect::Collected;
use super::rows::Row;
use super::vocabulary::{
    PARTNER, PROSE_AGREE, PROSE_CALLS, PROSE_GUIDE, PROSE_NAME_INTROS, PROSE_NAME_JOINERS,
    PROSE_NEGATIONS, PROSE_ORG_INTROS, PROSE_RECORDS, PROSE_STOPS, PROSE_TERMS, PUBLIC, Question,
    SERVICE_ADDRESS, Statement,
};
use regex::Regex;
use std::sync::LazyLock;

/// A layout reading with fewer answers than this (of 13 questions and statements) is compared
/// with a reading of the sentences; one with more is the form as laid out.
pub(crate) const FEW_ANSWERS: usize = 7;

/// Longest body read as sentences (a registration in words is a short mail).
const MAX_PROSE_CHARS: usize = 20_000;

/// Reads the sentences of `rows`; true when they make a registration (then `found` holds it).
pub(crate) fn read_prose(rows: &[Row], found: &mut Collected) -> bool {
    let mut text = String::new();
    for row in rows {
        let line = row.joined();
        let line = line.trim();
        if line.is_empty() {
            // A blank line ends a sentence.
            text.push_str(".\n");
        } else {
            text.push_str(line);
            text.push('\n');
        }
        if text.len() > MAX_PROSE_CHARS {
            return false;
        }
    }
    let prose = Prose::read(&text);
    if !prose.is_registration() {
        return false;
    }
    prose.report(found);
    true
}

#[derive(Default, Debug)]
struct Prose {
    name: Option<(String, String)>,
    organisation: Option<(String, String)>,
    email: Option<(String, String)>,
    public: bool,
    partner: bool,
    service_raw: String,
    ip: Option<(String, String)>,
    records: Option<(String, String)>,
    calls: Option<(String, String)>,
    terms: Option<(bool, String)>,
    guide: Option<(bool, String)>,
}

static EMAIL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"[A-Za-z0-9._%+'-]+(?:@+|\s?\(at\)\s?|\s?\[at\]\s?)[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+",
    )
    .expect("regex")
});
static IP: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(?:\d{1,3}\.){3}\d{1,3}(?:/\d{1,3})?\b|\b[0-9A-Fa-f]{1,4}(?::[0-9A-Fa-f]{0,4}){2,7}(?:/\d{1,3})?")
        .expect("regex")
});
static NUMBER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b\d[\d,]*(?:\.\d+)?(?:\s*(?:k\b|m\b|million\b|thousand\b))?").expect("regex")
});

/// The sentences of a text: split at `.`, `!`, `?` or a line break followed by space or end,
/// so dotted addresses and numbers stay whole.
fn sentences(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let bytes = text.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        let end = match b {
            b'.' | b'!' | b'?' => bytes.get(i + 1).is_none_or(|n| n.is_ascii_whitespace()),
            b'\n' => true,
            _ => false,
        };
        if end {
            let s = text[start..=i].trim();
            if !s.trim_matches(['.', '!', '?']).trim().is_empty() {
                out.push(s);
            }
            start = i + 1;
        }
    }
    let s = text[start..].trim();
    if !s.is_empty() {
        out.push(s);
    }
    out
}

/// A capitalised run of words after `at` in `sentence`: a name or an organisation, ending at
/// punctuation, a stop word or the first word in lower case (joiners like "of" aside).
fn capitalised_run(sentence: &str, allow_joiners: bool) -> Option<String> {
    let mut rest = sentence;
    for stop in [',', ';', '(', ')', '.', '!', '?', ':'] {
        if let Some(i) = rest.find(stop) {
            // A dot inside "Pty. Ltd." or an initial ends nothing; the rest do.
            if stop == '.' && rest[..i].ends_with(|c: char| c.is_uppercase()) {
                continue;
            }
            rest = &rest[..i];
        }
    }
    let lower = format!(" {} ", rest.to_lowercase());
    let mut cut = rest.len();
    for stop in PROSE_STOPS {
        if allow_joiners && PROSE_NAME_JOINERS.contains(&stop.trim()) {
            continue;
        }
        if let Some(i) = lower.find(stop) {
            // `lower` has one extra leading space.
            cut = cut.min(i.saturating_sub(1).min(rest.len()));
        }
    }
    let rest = &rest[..cut];
    let mut words: Vec<&str> = Vec::new();
    for (k, word) in rest.split_whitespace().enumerate() {
        let first = word.chars().next()?;
        let joiner = PROSE_NAME_JOINERS.contains(&word.to_lowercase().as_str());
        // "I" and "I'm" start the writer's next clause, not a name.
        let pronoun = word == "I" || word.starts_with("I'") || word.starts_with("I’");
        if pronoun {
            break;
        }
        if first.is_uppercase() || (first.is_ascii_digit() || allow_joiners && joiner) && k > 0 {
            words.push(word);
        } else if k == 0 && word.eq_ignore_ascii_case("the") {
            continue;
        } else {
            break;
        }
    }
    while words
        .last()
        .is_some_and(|w| PROSE_NAME_JOINERS.contains(&w.to_lowercase().as_str()))
    {
        words.pop();
    }
    (!words.is_empty()).then(|| words.join(" "))
}

fn contains_any(haystack: &str, needles: &[&str]) -> bool {
    needles.iter().any(|n| haystack.contains(n))
}

/// The word (lower case, punctuation trimmed) `n` words after byte `end` of `sentence`.
fn words_after(sentence: &str, end: usize, n: usize) -> Vec<String> {
    sentence[end..]
        .split_whitespace()
        .take(n)
        .map(|w| {
            w.trim_matches(|c: char| !c.is_alphanumeric())
                .to_lowercase()
        })
        .collect()
}

fn words_before(sentence: &str, start: usize, n: usize) -> Vec<String> {
    let mut w: Vec<String> = sentence[..start]
        .split_whitespace()
        .rev()
        .take(n)
        .map(|w| {
            w.trim_matches(|c: char| !c.is_alphanumeric())
                .to_lowercase()
        })
        .collect();
    w.reverse();
    w
}

impl Prose {
    fn read(text: &str) -> Prose {
        let mut p = Prose::default();
        for sentence in sentences(text) {
            p.read_sentence(sentence);
        }
        p
    }

    fn read_sentence(&mut self, s: &str) {
        let lower = s.to_lowercase();
        let padded = format!(" {lower}");
        if self.name.is_none() {
            for intro in PROSE_NAME_INTROS {
                if let Some(i) = padded.find(&format!(" {intro}")) {
                    let at = i + intro.len(); // In `s` (padding and the space cancel out).
                    if let Some(name) = s.get(at..).and_then(|r| capitalised_run(r, false))
                        && name.split_whitespace().count() >= 2
                    {
                        self.name = Some((name, s.to_string()));
                        break;
                    }
                }
            }
        }
        if self.organisation.is_none() {
            for intro in PROSE_ORG_INTROS {
                let Some(i) = lower.find(intro) else { continue };
                let at = i + intro.len();
                if let Some(org) = s.get(at..).and_then(|r| capitalised_run(r, true))
                    && self.name.as_ref().is_none_or(|(n, _)| *n != org)
                    && !EMAIL.is_match(&org)
                {
                    self.organisation = Some((org, s.to_string()));
                    break;
                }
            }
        }
        if self.email.is_none() {
            for m in EMAIL.find_iter(s) {
                let address = m.as_str().trim_matches('.');
                if !address.eq_ignore_ascii_case(SERVICE_ADDRESS) {
                    self.email = Some((address.to_string(), s.to_string()));
                    break;
                }
            }
        }
        let service_words = |word: &str| {
            lower.contains(&format!("{word} coding service"))
                || lower.contains(&format!("{word} service"))
        };
        let (public, partner) = (service_words(PUBLIC), service_words(PARTNER));
        if (public || partner) && !s.trim_end().ends_with('?') {
            self.public |= public;
            self.partner |= partner;
            if !self.service_raw.is_empty() {
                self.service_raw.push('\n');
            }
            self.service_raw.push_str(s);
        }
        if self.ip.is_none()
            && let Some(first) = IP.find(s)
            && !EMAIL.is_match(&s[first.start()..first.end().min(s.len())])
        {
            // From "from"/the first address to the end of the sentence: a range written in
            // words and what the applicant says about it stay together.
            let from = s[..first.start()]
                .trim_end()
                .strip_suffix("from")
                .filter(|_| lower[..first.start()].trim_end().ends_with("from"))
                .map(|before| before.len())
                .unwrap_or(first.start());
            let answer = s[from..].trim().trim_end_matches(['.', '!']).to_string();
            self.ip = Some((answer, s.to_string()));
        }
        let mut range_end = 0;
        for m in NUMBER.find_iter(s) {
            // Not part of an address, a date or a phone number.
            if m.start() < range_end
                || IP
                    .find_iter(s)
                    .any(|ip| ip.start() <= m.start() && m.end() <= ip.end())
            {
                continue;
            }
            // A range ("3-5k", "2,000 to 4,000") is one answer, whose peak is the value: its
            // second number carries the unit ("k") the first leaves out.
            let end = range_second(s, m.end()).unwrap_or(m.end());
            range_end = end;
            let after = words_after(s, end, 3);
            let before = words_before(s, m.start(), 6);
            let is_records = after
                .iter()
                .take(2)
                .any(|w| PROSE_RECORDS.contains(&w.as_str()));
            let is_calls = after.iter().any(|w| PROSE_CALLS.contains(&w.as_str())) && !is_records;
            // No unit after the number ("records per day at peak: 2,000", "API calls per day:
            // 2,500"): the nearest unit before it names it.
            let unit_before = (!is_calls && !is_records)
                .then(|| {
                    before.iter().rev().find_map(|w| {
                        if PROSE_RECORDS.contains(&w.as_str()) {
                            Some(true)
                        } else if PROSE_CALLS.contains(&w.as_str()) && w != "call" {
                            Some(false)
                        } else {
                            None
                        }
                    })
                })
                .flatten();
            let slot = if is_records || unit_before == Some(true) {
                &mut self.records
            } else if is_calls || unit_before == Some(false) {
                &mut self.calls
            } else {
                continue;
            };
            if slot.is_none() {
                *slot = Some((s[m.start()..end].trim().to_string(), s.to_string()));
            }
        }
        let agrees = contains_any(&lower, PROSE_AGREE) && !s.trim_end().ends_with('?');
        if agrees {
            let negated = contains_any(&lower, PROSE_NEGATIONS);
            if self.terms.is_none() && contains_any(&lower, PROSE_TERMS) {
                self.terms = Some((!negated, s.to_string()));
            }
            if self.guide.is_none() && contains_any(&lower, PROSE_GUIDE) {
                self.guide = Some((!negated, s.to_string()));
            }
        }
    }

    fn is_registration(&self) -> bool {
        let facts = [
            self.records.is_some(),
            self.calls.is_some(),
            self.ip.is_some(),
            self.terms.is_some() || self.guide.is_some(),
        ]
        .iter()
        .filter(|&&f| f)
        .count();
        self.email.is_some()
            && (self.name.is_some() || self.organisation.is_some())
            && (self.public || self.partner)
            && facts >= 2
    }

    fn report(self, found: &mut Collected) {
        let mut answer = |q: Question, a: Option<(String, String)>| {
            if let Some((text, raw)) = a {
                found.saw_label(q);
                found.answer(q, text, raw, false, None);
            }
        };
        answer(Question::FullName, self.name);
        answer(Question::Organisation, self.organisation);
        answer(Question::Email, self.email);
        answer(Question::Ip, self.ip);
        answer(Question::Records, self.records);
        answer(Question::Calls, self.calls);
        let tick = |on: bool, raw: &str| Tick {
            ticked: Some(on),
            raw: raw.to_string(),
            from_field: false,
            place: None,
        };
        // A service is chosen when one is named; both named is both marked.
        found.mark(Statement::Public, tick(self.public, &self.service_raw));
        found.mark(Statement::Partner, tick(self.partner, &self.service_raw));
        // An agreement not stated is not given.
        let (terms, terms_raw) = self.terms.unwrap_or((false, String::new()));
        let (guide, guide_raw) = self.guide.unwrap_or((false, String::new()));
        found.mark(Statement::Terms, tick(terms, &terms_raw));
        found.mark(Statement::UserGuide, tick(guide, &guide_raw));
    }
}

/// Whether normalised text might hold a registration in words (cheap test before reading).
pub(crate) fn may_be_prose(rows: &[Row]) -> bool {
    let mut at = false;
    let mut service = false;
    for row in rows.iter().take(2_000) {
        for cell in &row.cells {
            at |= cell.contains('@') || cell.contains("(at)");
            if !service {
                let lower = cell.to_ascii_lowercase();
                service = lower.contains(PUBLIC) || lower.contains(PARTNER);
            }
        }
        if at && service {
            return true;
        }
    }
    false
}

/// Where the second number of a range that starts right after `from` ends: a dash or "to"
/// between two numbers ("3-5k", "2,000 – 4,000", "300 to 500"), else `None`.
fn range_second(s: &str, from: usize) -> Option<usize> {
    let rest = &s[from..];
    let trimmed = rest.trim_start();
    let after_joiner = ["-", "–", "—", "to "]
        .iter()
        .find_map(|j| trimmed.strip_prefix(j))?
        .trim_start();
    let start = s.len() - after_joiner.len();
    NUMBER
        .find(&s[start..])
        .filter(|n| n.start() == 0)
        .map(|n| start + n.end())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prose(text: &str) -> Prose {
        Prose::read(text)
    }

    #[test]
    fn names_organisations_and_numbers_in_sentences() {
        let p = prose(
            "My name is Dr Alistair Reid and I work at the University of Newcastle. We would like \
             to register for the Partner coding service.\nPlease allowlist our static addresses \
             from 134.148.5.10 to 134.148.5.40 (our servers). At peak we expect to code around \
             50,000 records a day, with about 2,000 API calls a day.\nI have read and agree to \
             the Terms of Use. You can contact me at alistair.reid@newcastle.edu.au.",
        );
        assert_eq!(
            p.name.as_ref().map(|n| n.0.as_str()),
            Some("Dr Alistair Reid")
        );
        assert_eq!(
            p.organisation.as_ref().map(|n| n.0.as_str()),
            Some("University of Newcastle")
        );
        assert_eq!(
            p.ip.as_ref().map(|n| n.0.as_str()),
            Some("from 134.148.5.10 to 134.148.5.40 (our servers)")
        );
        assert_eq!(p.records.as_ref().map(|n| n.0.as_str()), Some("50,000"));
        assert_eq!(p.calls.as_ref().map(|n| n.0.as_str()), Some("2,000"));
        assert_eq!(p.terms.as_ref().map(|t| t.0), Some(true));
        assert!(p.guide.is_none());
        assert!(p.partner && !p.public);
        assert!(p.is_registration());
    }

    #[test]
    fn a_question_about_the_service_is_not_a_registration() {
        let p = prose(
            "Hi, I'm Jane Citizen from the ABS. What is the difference between the public and \
             partner service? How many API calls can we make? jane@abs.gov.au",
        );
        assert!(!p.is_registration());
    }

    #[test]
    fn numbers_before_and_after_their_words() {
        let p = prose(
            "We'd only code a few hundred records a day - say 300 - with maybe 300 API calls.",
        );
        assert_eq!(p.records.as_ref().map(|n| n.0.as_str()), Some("300"));
        assert_eq!(p.calls.as_ref().map(|n| n.0.as_str()), Some("300"));
        let p = prose("maybe 3-5k records a day, and 200 to 300 API calls a day.");
        assert_eq!(p.records.as_ref().map(|n| n.0.as_str()), Some("3-5k"));
        assert_eq!(p.calls.as_ref().map(|n| n.0.as_str()), Some("200 to 300"));
        let p = prose("We expect around 5k records a day at peak and about 1.5k API calls a day.");
        assert_eq!(p.records.as_ref().map(|n| n.0.as_str()), Some("5k"));
        assert_eq!(p.calls.as_ref().map(|n| n.0.as_str()), Some("1.5k"));
        // The unit before the number, as in a list of answers; the nearest one counts.
        let p = prose("- records per day at peak: 2,000\n- API calls per day: 2,500\n");
        assert_eq!(p.records.as_ref().map(|n| n.0.as_str()), Some("2,000"));
        assert_eq!(p.calls.as_ref().map(|n| n.0.as_str()), Some("2,500"));
        // "a call" is a conversation, not a unit.
        let p = prose("We spoke on a call 3 weeks ago about 400 records a day.");
        assert_eq!(p.calls, None);
        assert_eq!(p.records.as_ref().map(|n| n.0.as_str()), Some("400"));
    }

    #[test]
    fn a_business_the_applicant_runs_is_the_organisation() {
        let p = prose("I'm Jarrah Whitlock, I run Whitlock Consulting (just me).");
        assert_eq!(
            p.name.as_ref().map(|n| n.0.as_str()),
            Some("Jarrah Whitlock")
        );
        assert_eq!(
            p.organisation.as_ref().map(|n| n.0.as_str()),
            Some("Whitlock Consulting")
        );
    }
}
