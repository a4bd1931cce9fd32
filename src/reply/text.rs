//! Applicant text in → text safe to put in a reply (one line, no control characters, bounded);
//! a rendered body in → lines wrapped for plain-text mail.

/// The text as one line: every run of whitespace or control characters (CR, LF, NUL, escape,
/// bidirectional overrides) is one space; trimmed; cut at `max_chars` with "…".
pub(crate) fn quote(text: &str, max_chars: usize) -> String {
    let mut out = String::with_capacity(text.len().min(max_chars * 4));
    let mut chars = 0usize;
    let mut pending_space = false;
    for c in text.chars() {
        if c.is_whitespace() || c.is_control() || is_invisible_format(c) {
            pending_space = !out.is_empty();
            continue;
        }
        let needed = usize::from(pending_space) + 1;
        if chars + needed > max_chars {
            out.push('…');
            return out;
        }
        if pending_space {
            out.push(' ');
            chars += 1;
            pending_space = false;
        }
        out.push(c);
        chars += 1;
    }
    out
}

/// Format characters that change how text around them reads (bidirectional overrides and
/// isolates, zero-width characters): an applicant's text must not reorder the office's.
fn is_invisible_format(c: char) -> bool {
    matches!(
        c,
        '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2069}' | '\u{FEFF}'
    )
}

/// A count as the office writes it: `5000` → `5,000`.
pub(crate) fn thousands(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(d);
    }
    out
}

/// Width plain-text mail is wrapped at.
const WIDTH: usize = 76;

/// The rendered body as mail text: control characters other than newline removed (tabs become
/// spaces), trailing spaces dropped, lines longer than `WIDTH` wrapped at spaces with the
/// line's indent (and a list marker's width) kept, at most one blank line in a row, ending in
/// one newline.
pub(crate) fn mail_body(rendered: &str) -> String {
    let mut out = String::with_capacity(rendered.len() + rendered.len() / 16);
    let mut blank_run = 0;
    for line in rendered.split('\n') {
        let line: String = line
            .chars()
            .map(|c| if c == '\t' { ' ' } else { c })
            .filter(|c| !c.is_control() && !is_invisible_format(*c))
            .collect();
        let line = line.trim_end();
        if line.is_empty() {
            blank_run += 1;
            if blank_run == 1 && !out.is_empty() {
                out.push('\n');
            }
            continue;
        }
        blank_run = 0;
        if line.chars().count() <= WIDTH {
            out.push_str(line);
            out.push('\n');
            continue;
        }
        let indent = line.len() - line.trim_start().len();
        let rest = &line[indent..];
        let marker = ["- ", "* ", "• "]
            .iter()
            .find(|m| rest.starts_with(*m))
            .map_or(0, |m| m.chars().count());
        let subsequent = " ".repeat(indent + marker);
        let options = textwrap::Options::new(WIDTH)
            .subsequent_indent(&subsequent)
            .break_words(false)
            .word_separator(textwrap::WordSeparator::AsciiSpace);
        for wrapped in textwrap::wrap(line, options) {
            out.push_str(wrapped.trim_end());
            out.push('\n');
        }
    }
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quote_makes_one_bounded_line() {
        assert_eq!(quote("  Jane\r\nBcc: x@y.z\t ", 100), "Jane Bcc: x@y.z");
        assert_eq!(quote("a\u{0}b\u{1b}[31mc", 100), "a b [31mc");
        assert_eq!(quote("abc\u{202E}def", 100), "abc def");
        let long = "x".repeat(10_000);
        let q = quote(&long, 200);
        assert_eq!(q.chars().count(), 201);
        assert!(q.ends_with('…'));
        assert_eq!(quote("Zoë Ngô", 100), "Zoë Ngô");
        assert_eq!(quote("", 10), "");
    }

    #[test]
    fn thousands_groups_digits() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1_200_000), "1,200,000");
        assert_eq!(thousands(i64::MAX), "9,223,372,036,854,775,807");
        assert_eq!(thousands(-12345), "-12,345");
    }

    #[test]
    fn long_lines_wrap_under_their_list_marker() {
        let text = format!("  - {}\n\n\n\nend\u{7}\n\n", "word ".repeat(40));
        let body = mail_body(&text);
        let lines: Vec<&str> = body.lines().collect();
        assert!(lines.iter().all(|l| l.chars().count() <= WIDTH), "{body}");
        assert!(lines[0].starts_with("  - word"));
        assert!(lines[1].starts_with("    word"));
        assert!(body.ends_with("\nend\n"), "{body:?}");
        assert!(!body.contains("\n\n\n"));
    }
}
