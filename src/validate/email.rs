//! An e-mail answer in → a lower-cased addr-spec, or why it is not one.
//!
//! Accepted wrappings: a display name with the address in angle brackets ("Jane <jane@x.gov.au>"),
//! a `mailto:` link, surrounding quotes/brackets/spaces, trailing sentence punctuation, and a
//! display name or note beside a single address ("Jane Citizen jane@x.gov.au (work)").
//! The address itself must be a dot-atom addr-spec (RFC 5322 §3.4.1) within RFC 5321's length
//! limits with an ASCII host name of two or more labels. Quoted local parts, domain literals
//! (`jane@[10.0.0.1]`) and non-ASCII addresses are refused: staff confirm those by hand.

use std::fmt;

/// Why an answer is not an e-mail address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Invalid(pub &'static str);

impl fmt::Display for Invalid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

impl std::error::Error for Invalid {}

/// RFC 5321 §4.5.3.1: local part ≤ 64 octets, domain ≤ 255, path ≤ 256 including `<>`.
const MAX_LOCAL: usize = 64;
const MAX_DOMAIN: usize = 253;
const MAX_ADDRESS: usize = 254;
const MAX_LABEL: usize = 63;

/// The address in an e-mail answer, lower-cased; `Invalid` when there is none or it is malformed.
pub fn normalise(text: &str) -> Result<String, Invalid> {
    let mut s = text.trim_matches(is_space).to_string();
    // "Jane Citizen <jane@x.gov.au>": the address is what the angle brackets hold.
    if let Some(open) = s.rfind('<') {
        let inner = &s[open + 1..];
        let inner = inner.split('>').next().unwrap_or(inner);
        s = inner.to_string();
    }
    let mut s = strip_wrapping(&without_notes(&s));
    if let Some(rest) = strip_prefix_ignore_case(&s, "mailto:") {
        // A mailto link may carry ?subject=...; the address ends there.
        s = strip_wrapping(rest.split('?').next().unwrap_or(rest));
    }
    if s.is_empty() {
        return Err(Invalid("empty"));
    }
    let address = if s.contains(is_space) {
        pick_address_among_words(&s)?
    } else {
        s
    };
    check_addr_spec(&address)?;
    Ok(address.to_ascii_lowercase())
}

fn is_space(c: char) -> bool {
    c.is_whitespace() || c == '\u{200B}' || c == '\u{FEFF}'
}

fn strip_prefix_ignore_case<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &s[prefix.len()..])
}

/// Drops surrounding quotes, brackets and spaces, and trailing sentence punctuation.
fn strip_wrapping(s: &str) -> String {
    const LEADING: &[char] = &['"', '\'', '“', '”', '‘', '’', '(', '[', '{', '<', ':'];
    const TRAILING: &[char] = &[
        '"', '\'', '“', '”', '‘', '’', ')', ']', '}', '>', '.', ',', ';', ':',
    ];
    let mut s = s;
    loop {
        let next = s
            .trim_matches(is_space)
            .trim_start_matches(LEADING)
            .trim_end_matches(TRAILING);
        if next.len() == s.len() {
            return s.to_string();
        }
        s = next;
    }
}

/// "jane@x.gov.au (work)", "Email: jane@x.gov.au": drops bracketed notes and leading labels; what
/// is left must be one word. Words beside an address without angle brackets ("jane
/// citizen@x.gov.au", "jane @ x.gov.au") are refused rather than guessed at.
fn pick_address_among_words(s: &str) -> Result<String, Invalid> {
    let words: Vec<&str> = s
        .split(is_space)
        .filter(|w| !w.is_empty())
        .skip_while(|w| w.ends_with(':') && !w.contains('@'))
        .collect();
    match words[..] {
        [word] => Ok(strip_wrapping(word)),
        [] => Err(Invalid("no address")),
        _ => Err(Invalid("spaces inside the address")),
    }
}

/// The text without bracketed notes that hold no '@' ("(work)").
fn without_notes(s: &str) -> String {
    let mut without_notes = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(open) = rest.find('(') {
        let Some(len) = rest[open..].find(')') else {
            break;
        };
        let note = &rest[open..open + len + 1];
        without_notes.push_str(&rest[..open]);
        if note.contains('@') {
            without_notes.push_str(note);
        } else {
            without_notes.push(' ');
        }
        rest = &rest[open + len + 1..];
    }
    without_notes.push_str(rest);
    without_notes
}

fn check_addr_spec(address: &str) -> Result<(), Invalid> {
    if !address.is_ascii() {
        return Err(Invalid("non-ASCII characters"));
    }
    if address.len() > MAX_ADDRESS {
        return Err(Invalid("address too long"));
    }
    let mut parts = address.split('@');
    let (Some(local), Some(domain), None) = (parts.next(), parts.next(), parts.next()) else {
        return Err(if address.contains('@') {
            Invalid("more than one @")
        } else {
            Invalid("no @")
        });
    };
    check_local_part(local)?;
    check_domain(domain)
}

fn check_local_part(local: &str) -> Result<(), Invalid> {
    if local.is_empty() {
        return Err(Invalid("empty local part"));
    }
    if local.len() > MAX_LOCAL {
        return Err(Invalid("local part too long"));
    }
    // dot-atom: atext runs separated by single dots.
    const ATEXT_SPECIALS: &str = "!#$%&'*+-/=?^_`{|}~";
    for atom in local.split('.') {
        if atom.is_empty() {
            return Err(Invalid("misplaced dot in local part"));
        }
        if !atom
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || ATEXT_SPECIALS.contains(c))
        {
            return Err(Invalid("bad character in local part"));
        }
    }
    Ok(())
}

fn check_domain(domain: &str) -> Result<(), Invalid> {
    if domain.is_empty() {
        return Err(Invalid("empty domain"));
    }
    if domain.len() > MAX_DOMAIN {
        return Err(Invalid("domain too long"));
    }
    let labels: Vec<&str> = domain.split('.').collect();
    if labels.len() < 2 {
        return Err(Invalid("no dot in domain"));
    }
    for label in &labels {
        if label.is_empty() {
            return Err(Invalid("empty domain label"));
        }
        if label.len() > MAX_LABEL {
            return Err(Invalid("domain label too long"));
        }
        if !label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            return Err(Invalid("bad character in domain"));
        }
        if label.starts_with('-') || label.ends_with('-') {
            return Err(Invalid("domain label starts or ends with '-'"));
        }
    }
    // A top-level domain is never all digits (this also refuses bare IPv4 addresses).
    if labels
        .last()
        .is_some_and(|tld| tld.chars().all(|c| c.is_ascii_digit()))
    {
        return Err(Invalid("numeric top-level domain"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepted_forms() {
        let rows = [
            ("jane@abs.gov.au", "jane@abs.gov.au"),
            ("  Jane.Citizen@ABS.gov.AU  ", "jane.citizen@abs.gov.au"),
            ("Jane <jane@x.gov.au>", "jane@x.gov.au"),
            (
                "\"Citizen, Jane\" <Jane.Citizen@x.gov.au>",
                "jane.citizen@x.gov.au",
            ),
            ("mailto:jane@x.gov.au", "jane@x.gov.au"),
            ("MAILTO:jane@x.gov.au?subject=Registration", "jane@x.gov.au"),
            ("jane@x.gov.au.", "jane@x.gov.au"),
            ("jane@x.gov.au,", "jane@x.gov.au"),
            ("\u{a0}jane@x.gov.au\u{a0}", "jane@x.gov.au"),
            ("“jane@x.gov.au”", "jane@x.gov.au"),
            ("(jane@x.gov.au)", "jane@x.gov.au"),
            ("Email: jane@x.gov.au", "jane@x.gov.au"),
            ("jane@x.gov.au (work)", "jane@x.gov.au"),
            (
                "first.o'brien+ocs@sub-domain.example.com",
                "first.o'brien+ocs@sub-domain.example.com",
            ),
            ("a@b.co", "a@b.co"),
        ];
        for (input, expected) in rows {
            assert_eq!(normalise(input).as_deref(), Ok(expected), "{input:?}");
        }
    }

    #[test]
    fn refused_forms() {
        let long_local = format!("{}@x.gov.au", "a".repeat(65));
        let long_label = format!("jane@{}.gov.au", "a".repeat(64));
        let long_address = format!("jane@{}.au", ["abcdefghij"; 25].join("."));
        let rows: Vec<&str> = vec![
            "",
            "   ",
            "jane@",
            "@abs.gov.au",
            "jane(at)abs.gov.au",
            "jane at abs dot gov dot au",
            "jane@@abs.gov.au",
            "jane@abs@gov.au",
            "jane@localhost",
            "jane@abs",
            "jane citizen@abs.gov.au",
            "jane @ abs.gov.au",
            "jane@ abs.gov.au",
            "jane@abs .gov.au",
            "jane. citizen@abs.gov.au",
            "jane..citizen@abs.gov.au",
            ".jane@abs.gov.au",
            "jane.@abs.gov.au",
            "jane@abs..gov.au",
            "jane@-abs.gov.au",
            "jane@abs-.gov.au",
            "jane@abs_gov.au",
            "ja\"ne@abs.gov.au",
            "jane,citizen@abs.gov.au",
            "jane@[10.0.0.1]",
            "jane@10.0.0.1",
            "jané@abs.gov.au",
            "jane@x.gov.au jill@x.gov.au",
            "Jane Citizen jane@x.gov.au",
            "Jane <>",
            &long_local,
            &long_label,
            &long_address,
        ];
        for input in rows {
            assert!(
                normalise(input).is_err(),
                "{input:?} → {:?}",
                normalise(input)
            );
        }
    }

    #[test]
    fn length_limits_are_inclusive() {
        let local64 = format!("{}@x.gov.au", "a".repeat(64));
        assert!(normalise(&local64).is_ok());
        let label63 = format!("jane@{}.gov.au", "a".repeat(63));
        assert!(normalise(&label63).is_ok());
    }
}
