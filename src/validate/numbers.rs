//! A free-text quantity ("approx. 5k", "1.2 million", "2,000 - 4,000") in → a plain integer.
//!
//! Rules, since the form asks for "the approximate maximum number per day in a peak period":
//! - Every number in the answer is read and the largest is the value, so a range ("2,000 -
//!   4,000", "2000–4000", "2,000 to 4,000") gives its peak and words around the numbers
//!   ("approx.", "up to", "~", "<", "+", "per day", "(peak)") change nothing.
//! - A number the words beside it tie to another period ("3 million in total", "100,000 a
//!   month", "a total of ...") is used only when no other number is given: per-period totals are
//!   not divided down to a day.
//! - Thousands separators: ',', '.', '\'', and a space / no-break space / thin space before a
//!   group of exactly three digits ("5 000", "10 000 000").
//! - A lone ',' or '.' followed by exactly three digits is a thousands separator ("1,500",
//!   "1.500" = 1500: a count of records is never written with three decimals), unless a
//!   multiplier follows ("1.500 million" = 1,500,000). Otherwise it is a decimal point
//!   ("5000.00", "1.2 million", "1,5 million"). With both ',' and '.' present, the last one is
//!   the decimal point ("1,234.5", "1.234,5").
//! - Multipliers: k/thousand, m/mn/mil/million, b/bn/billion, and "1e6". A value with a fraction left over
//!   is rounded half up.
//! - Blank, only punctuation or form underscores, or "N/A" / "not applicable" → `Missing` (N/A
//!   says the question does not apply, the same as leaving it blank). Any other answer with no
//!   digit in it ("TBC", "unknown", "a few hundred", "five thousand") → `Invalid`: number words
//!   are not read, staff check them. A number too large for u64 → `Invalid`.

/// A quantity answer, read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quantity {
    Missing,
    Invalid(NotANumber),
    Value(u64),
}

/// Why an answer that is there gives no number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotANumber {
    /// No figure in it ("TBC", "unknown", "five thousand").
    NoFigure,
    /// A figure too large for any count (over u64).
    TooLarge,
}

pub fn parse_quantity(text: &str) -> Quantity {
    let text = normalise(text);
    if is_placeholder(&text) {
        return Quantity::Missing;
    }
    let chars: Vec<char> = text.chars().collect();
    // The largest per-day number, and the largest number said to cover another period
    // ("3 million in total", "100,000 a month"), used only when there is no other.
    let mut best: Option<u64> = None;
    let mut best_other_period: Option<u64> = None;
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        // A digit glued to letters before it ("A4", "Q3", "x86") is part of a word, not a count.
        if i > 0 && chars[i - 1].is_alphabetic() {
            while i < chars.len() && chars[i].is_ascii_alphanumeric() {
                i += 1;
            }
            continue;
        }
        let start = i;
        let (value, end) = read_number(&chars, i);
        i = end.max(i + 1);
        let Some(v) = value else {
            return Quantity::Invalid(NotANumber::TooLarge);
        };
        let slot = if covers_another_period(&chars, start, i) {
            &mut best_other_period
        } else {
            &mut best
        };
        *slot = Some(slot.map_or(v, |b| b.max(v)));
    }
    match best.or(best_other_period) {
        Some(v) => Quantity::Value(v),
        None => Quantity::Invalid(NotANumber::NoFigure),
    }
}

/// Whether the words just around a number say it counts something other than a day:
/// "3 million records in total", "a total of 3 million", "100,000 per month".
fn covers_another_period(chars: &[char], start: usize, end: usize) -> bool {
    const OTHER: &[&str] = &[
        "total",
        "overall",
        "altogether",
        "month",
        "months",
        "monthly",
        "year",
        "years",
        "yearly",
        "annually",
        "annum",
        "pa",
        "week",
        "weeks",
        "weekly",
        "quarter",
        "quarterly",
        "fortnight",
    ];
    let words = |text: String| -> Vec<String> {
        text.split(|c: char| !c.is_alphabetic())
            .filter(|w| !w.is_empty())
            .map(str::to_string)
            .collect()
    };
    let after: String = chars[end.min(chars.len())..]
        .iter()
        .take_while(|c| !c.is_ascii_digit() && !matches!(c, ',' | ';' | '(' | ')' | '\n'))
        .take(40)
        .collect();
    let before: String = chars[..start.min(chars.len())]
        .iter()
        .rev()
        .take_while(|c| !c.is_ascii_digit() && !matches!(c, ',' | ';' | '(' | ')' | '\n'))
        .take(20)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    let after = words(after);
    let before = words(before);
    after.iter().take(3).any(|w| OTHER.contains(&w.as_str()))
        || before
            .iter()
            .rev()
            .take(2)
            .any(|w| OTHER.contains(&w.as_str()))
}

/// Lower case, one kind of space, one kind of dash.
fn normalise(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{FE63}' | '\u{FF0D}' => '-',
            c if c.is_whitespace() => ' ',
            c => c,
        })
        .flat_map(char::to_lowercase)
        .collect()
}

fn is_placeholder(text: &str) -> bool {
    if text.chars().any(|c| c.is_ascii_digit()) {
        return false;
    }
    let letters: String = text.chars().filter(|c| c.is_alphanumeric()).collect();
    matches!(letters.as_str(), "" | "na" | "notapplicable")
}

fn is_group_space(c: char) -> bool {
    c == ' '
}

/// Reads one number starting at the digit `chars[start]`: its literal and any multiplier after
/// it. Returns the rounded value (`None` on overflow) and the index after what was read.
fn read_number(chars: &[char], start: usize) -> (Option<u64>, usize) {
    // Groups of digits and the single separator before each group after the first.
    let mut groups: Vec<String> = Vec::new();
    let mut seps: Vec<char> = Vec::new();
    let mut i = start;
    loop {
        let mut group = String::new();
        while let Some(&c) = chars.get(i).filter(|c| c.is_ascii_digit()) {
            group.push(c);
            i += 1;
        }
        groups.push(group);
        let Some(&sep) = chars.get(i) else { break };
        let next_is_digit = chars.get(i + 1).is_some_and(|c| c.is_ascii_digit());
        let acceptable = match sep {
            ',' | '.' | '\'' | '’' => next_is_digit,
            // A space only groups thousands: exactly three digits after it, and at most three
            // in the group before ("5 000" but not "2026 500").
            c if is_group_space(c) => {
                next_is_digit
                    && groups.last().is_some_and(|g| g.len() <= 3)
                    && count_digits(chars, i + 1) == 3
            }
            _ => false,
        };
        if !acceptable {
            break;
        }
        seps.push(sep);
        i += 1;
    }
    let (multiplier, end) = skip_multiplier(chars, i);
    let decimal_at = decimal_separator(&groups, &seps, multiplier.is_some());
    let mut integer = String::new();
    let mut fraction = String::new();
    for (n, group) in groups.iter().enumerate() {
        if decimal_at.is_some_and(|d| n > d) {
            fraction.push_str(group);
        } else {
            integer.push_str(group);
        }
    }
    (scaled(&integer, &fraction, multiplier.unwrap_or(1)), end)
}

fn count_digits(chars: &[char], from: usize) -> usize {
    chars
        .get(from..)
        .unwrap_or(&[])
        .iter()
        .take_while(|c| c.is_ascii_digit())
        .count()
}

/// Index of the group after which the decimal point sits, if there is one.
fn decimal_separator(groups: &[String], seps: &[char], has_multiplier: bool) -> Option<usize> {
    let last = *seps.last()?;
    if last != ',' && last != '.' {
        return None;
    }
    let before = &seps[..seps.len() - 1];
    if before.contains(&last) {
        return None; // "1,000,000", "1.000.000": every one is a thousands separator
    }
    let after_len = groups.last().map_or(0, String::len);
    let leading_zero = groups.first().is_some_and(|g| g.chars().all(|c| c == '0'));
    if before.is_empty() && after_len == 3 && !leading_zero && (last == ',' || !has_multiplier) {
        return None; // "1,500", "1.500", "1,500 million"
    }
    Some(seps.len() - 1)
}

/// A multiplier word right after a number ("5k", "1.2 million", "2 thousand"), and where it ends.
fn skip_multiplier(chars: &[char], mut i: usize) -> (Option<u64>, usize) {
    let after_number = i;
    while chars.get(i) == Some(&' ') {
        i += 1;
    }
    let word_start = i;
    while chars.get(i).is_some_and(|c| c.is_alphabetic()) {
        i += 1;
    }
    let word: String = chars[word_start..i].iter().collect();
    // Scientific notation: "1e6", "2.5E3" (lower-cased already).
    if word == "e" {
        let digits = count_digits(chars, i);
        let exponent: Option<u32> = (1..=2)
            .contains(&digits)
            .then(|| chars[i..i + digits].iter().collect::<String>().parse().ok())
            .flatten();
        if let Some(power) = exponent.and_then(|e| 10u64.checked_pow(e)) {
            return (Some(power), i + digits);
        }
        return (None, after_number);
    }
    let multiplier = match word.as_str() {
        "k" | "thousand" | "thousands" => 1_000,
        "m" | "mn" | "mil" | "mill" | "million" | "millions" => 1_000_000,
        "b" | "bn" | "billion" | "billions" => 1_000_000_000,
        _ => return (None, after_number),
    };
    (Some(multiplier), i)
}

/// `integer.fraction × multiplier`, rounded half up; `None` when it does not fit a u64.
fn scaled(integer: &str, fraction: &str, multiplier: u64) -> Option<u64> {
    let whole = integer.chars().try_fold(0u128, |acc, c| {
        acc.checked_mul(10)?
            .checked_add(u128::from(c.to_digit(10)?))
    })?;
    let mut value = whole.checked_mul(u128::from(multiplier))?;
    // Only the fraction digits that can matter for a u64 multiplier are kept.
    let fraction: String = fraction.chars().take(20).collect();
    if !fraction.is_empty() {
        let numerator = fraction.chars().try_fold(0u128, |acc, c| {
            acc.checked_mul(10)?
                .checked_add(u128::from(c.to_digit(10)?))
        })?;
        let denominator = 10u128.checked_pow(u32::try_from(fraction.len()).ok()?)?;
        let scaled = numerator.checked_mul(u128::from(multiplier))?;
        let rounded = (scaled.checked_mul(2)?.checked_add(denominator)?) / (2 * denominator);
        value = value.checked_add(rounded)?;
    }
    u64::try_from(value).ok()
}

#[cfg(test)]
mod tests {
    use super::NotANumber::{NoFigure, TooLarge};
    use super::Quantity::{Invalid, Missing, Value};
    use super::*;

    #[test]
    fn quantities() {
        let rows = [
            ("5000", Value(5000)),
            ("0", Value(0)),
            ("5,000", Value(5000)),
            ("5 000", Value(5000)),
            ("5\u{a0}000", Value(5000)),
            ("5\u{2009}000", Value(5000)),
            ("5\u{202f}000", Value(5000)),
            ("5000.00", Value(5000)),
            ("approx. 12,500", Value(12500)),
            ("~800", Value(800)),
            ("≈800", Value(800)),
            ("5k", Value(5000)),
            ("5K", Value(5000)),
            ("approx. 5k", Value(5000)),
            ("1.2 million", Value(1_200_000)),
            ("1.5m", Value(1_500_000)),
            ("1,5 million", Value(1_500_000)),
            ("2 thousand", Value(2000)),
            ("1,000,000", Value(1_000_000)),
            ("10 000 000", Value(10_000_000)),
            ("up to 300", Value(300)),
            ("300+", Value(300)),
            ("<1000", Value(1000)),
            ("2,000 - 4,000", Value(4000)),
            ("2000–4000", Value(4000)),
            ("2000—4000", Value(4000)),
            ("2,000 to 4,000", Value(4000)),
            ("4,000 - 2,000", Value(4000)),
            ("5k-10k", Value(10_000)),
            ("between 2 and 4 million", Value(4_000_000)),
            ("500 per day", Value(500)),
            ("500/day", Value(500)),
            ("10 000 (peak)", Value(10_000)),
            ("1.000", Value(1000)),
            ("10.000", Value(10_000)),
            ("1.500 million", Value(1_500_000)),
            ("1,234.56", Value(1235)),
            ("1.234,5", Value(1235)),
            ("2.5", Value(3)),
            ("2.4", Value(2)),
            ("1'000", Value(1000)),
            ("2026 500", Value(2026)),
            ("1,500 million", Value(1_500_000_000)),
            ("18446744073709551615", Value(u64::MAX)),
            ("18446744073709551616", Invalid(TooLarge)),
            (
                "99999999999999999999999999999999999999999999999999999",
                Invalid(TooLarge),
            ),
            ("0.500", Value(1)),
            ("3 million records in total, 50,000 per day", Value(50_000)),
            ("a total of 3 million; 50,000 daily at peak", Value(50_000)),
            ("100,000 per month", Value(100_000)),
            ("1,200,000 a year (5,000 a day)", Value(5_000)),
            ("5,000 per day, 20,000 per week", Value(5_000)),
            ("1e6", Value(1_000_000)),
            ("2.5E3", Value(2_500)),
            ("0.4", Value(0)),
            ("20000000000 billion", Invalid(TooLarge)),
            ("a few hundred", Invalid(NoFigure)),
            ("five thousand", Invalid(NoFigure)),
            ("TBC", Invalid(NoFigure)),
            ("unknown", Invalid(NoFigure)),
            ("Q3 review", Invalid(NoFigure)),
            ("", Missing),
            ("   ", Missing),
            ("N/A", Missing),
            ("n/a", Missing),
            ("Not applicable", Missing),
            ("-", Missing),
            ("[ __________________ ]", Missing),
        ];
        for (input, expected) in rows {
            assert_eq!(parse_quantity(input), expected, "{input:?}");
        }
    }

    #[test]
    fn hostile_input_does_not_panic() {
        let long = "9,".repeat(100_000);
        let _ = parse_quantity(&long);
        let _ = parse_quantity(&"1.".repeat(50_000));
        let _ = parse_quantity(&"k".repeat(50_000));
        assert_eq!(parse_quantity(&"0".repeat(100_000)), Value(0));
        assert_eq!(parse_quantity(&"9".repeat(100_000)), Invalid(TooLarge));
    }
}
