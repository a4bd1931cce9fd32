//! What was found wrong with a record (one typed `Finding` per flag, from validation or from the
//! readers' typed reasons) in → the record's `notes`: one plain-English sentence per flag,
//! quoting the applicant's answer where there is one, joined by a space.
//!
//! Quoted answers are made safe to show anywhere (a CSV or spreadsheet cell, a terminal): line
//! breaks and runs of spaces become one space, control characters and bidirectional-text
//! controls are written as `[U+202E]`, and a long answer is cut with its length given. The
//! ledger keeps the raw answer in the record's detail.

use super::Flag;
use super::email;
use super::ip::{self, Entry, Space, Unparsed};
use super::numbers::NotANumber;
use crate::extract::{Crash, Limit, Unreadable};
use crate::mime::Problem;
use std::fmt::Write as _;
use std::net::IpAddr;

/// Why a record carries one flag, with what the notes need to say so.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Finding {
    /// A written answer left blank; `placeholder` is what stood in its place ("N/A"), if any.
    Missing {
        flag: Flag,
        placeholder: Option<String>,
    },
    InvalidContactEmail {
        answer: String,
        why: email::Invalid,
    },
    /// A statement not agreed: `Some(false)` clearly not ticked or answered no, `None` no mark
    /// found either way.
    NotTicked {
        flag: Flag,
        ticked: Option<bool>,
    },
    ServiceNotSelected,
    MultipleServicesSelected,
    MissingIpAllowlist {
        placeholder: Option<String>,
    },
    InvalidIp {
        answer: String,
        unparsed: Vec<Unparsed>,
        cut_at: Option<usize>,
    },
    /// Each entry that touches non-public space, with the kinds of space it touches.
    NonPublicIp {
        entries: Vec<(Entry, Vec<Space>)>,
    },
    DynamicIp {
        answer: String,
        /// The applicant's own words ("dynamic", "home broadband").
        words: Vec<String>,
        /// Entries inside a range of `dynamic_ranges_file`, with the range.
        in_ranges: Vec<(Entry, ip::Cidr)>,
        /// Addresses whose reverse-DNS name looks dynamic, with the name.
        ptr_names: Vec<(IpAddr, String)>,
    },
    IpRangeTooBroad {
        entries: Vec<Entry>,
        min_prefix_v4: u8,
        min_prefix_v6: u8,
    },
    InvalidNumber {
        flag: Flag,
        answer: String,
        why: NotANumber,
    },
    CallsExceedRecords {
        calls: u64,
        records: u64,
    },
    ExceedsLimit {
        flag: Flag,
        calls: u64,
        limit: u64,
    },
    NoFormFound {
        /// Names of the attachments that were looked at and are not the form.
        attachments: Vec<String>,
        /// What went wrong reading the message itself.
        problems: Vec<Problem>,
    },
    /// A form attachment that could not be read (`attachment` empty: the message itself).
    UnreadableAttachment {
        attachment: String,
        why: Unreadable,
    },
    /// The message could not be read at all (over the size limit, no headers, ...).
    UnreadableMessage {
        problems: Vec<Problem>,
    },
    /// A form seen only as an image: a PDF whose pages have no text layer, or a picture
    /// attachment (`picture`) that was not read.
    ScannedWithoutText {
        attachment: String,
        picture: bool,
    },
    /// The answers were read by OCR from an image of the form.
    ReadByOcr {
        attachment: String,
    },
}

impl Finding {
    /// The flag this finding raises.
    pub fn flag(&self) -> Flag {
        match self {
            Finding::Missing { flag, .. }
            | Finding::NotTicked { flag, .. }
            | Finding::InvalidNumber { flag, .. }
            | Finding::ExceedsLimit { flag, .. } => *flag,
            Finding::InvalidContactEmail { .. } => Flag::InvalidContactEmail,
            Finding::ServiceNotSelected => Flag::ServiceNotSelected,
            Finding::MultipleServicesSelected => Flag::MultipleServicesSelected,
            Finding::MissingIpAllowlist { .. } => Flag::MissingIpAllowlist,
            Finding::InvalidIp { .. } => Flag::InvalidIp,
            Finding::NonPublicIp { .. } => Flag::NonPublicIp,
            Finding::DynamicIp { .. } => Flag::DynamicIp,
            Finding::IpRangeTooBroad { .. } => Flag::IpRangeTooBroad,
            Finding::CallsExceedRecords { .. } => Flag::CallsExceedRecords,
            Finding::NoFormFound { .. } => Flag::NoFormFound,
            Finding::UnreadableAttachment { .. } | Finding::UnreadableMessage { .. } => {
                Flag::UnreadableAttachment
            }
            Finding::ScannedWithoutText { .. } => Flag::ScannedWithoutText,
            Finding::ReadByOcr { .. } => Flag::ReadByOcr,
        }
    }

    /// The note: one sentence, ending with a full stop.
    pub fn sentence(&self) -> String {
        let mut s = match self {
            Finding::Missing { flag, placeholder } => {
                let what = match flag {
                    Flag::MissingFullName => "The full name",
                    Flag::MissingOrganisation => "The organisation",
                    Flag::MissingContactEmail => "The contact e-mail address",
                    Flag::MissingExpectedRecords => "The expected number of records a day",
                    Flag::MissingExpectedCalls => "The expected number of API calls a day",
                    _ => "An answer",
                };
                blank(what, placeholder.as_deref())
            }
            // The reason (`why`) is a parser's view ("spaces inside the address" for
            // "jane(at)abs.gov.au"); the quoted answer shows a person what is wrong.
            Finding::InvalidContactEmail { answer, .. } => {
                format!("Contact email {} is not an e-mail address", quote(answer))
            }
            Finding::NotTicked { flag, ticked } => {
                let what = if *flag == Flag::TermsNotAccepted {
                    "Terms of Use"
                } else {
                    "User Guide"
                };
                match ticked {
                    Some(_) => format!("The {what} statement is not ticked or agreed to"),
                    None => format!(
                        "No tick or answer was found for the {what} statement, so it counts as \
                         not agreed"
                    ),
                }
            }
            Finding::ServiceNotSelected => {
                "Neither the Public nor the Partner service is marked".to_string()
            }
            Finding::MultipleServicesSelected => {
                "Both the Public and the Partner service are marked".to_string()
            }
            Finding::MissingIpAllowlist { placeholder } => {
                let mut s =
                    "The Partner service needs the IP addresses to allow, and none was given"
                        .to_string();
                if let Some(p) = placeholder {
                    let _ = write!(s, " (the answer is {})", quote(p));
                }
                s
            }
            Finding::InvalidIp {
                answer,
                unparsed,
                cut_at,
            } => invalid_ip(answer, unparsed, *cut_at),
            Finding::NonPublicIp { entries } => non_public(entries),
            Finding::DynamicIp {
                answer,
                words,
                in_ranges,
                ptr_names,
            } => dynamic(answer, words, in_ranges, ptr_names),
            Finding::IpRangeTooBroad {
                entries,
                min_prefix_v4,
                min_prefix_v6,
            } => too_broad(entries, *min_prefix_v4, *min_prefix_v6),
            Finding::InvalidNumber { flag, answer, why } => {
                let what = if *flag == Flag::InvalidExpectedRecords {
                    "Expected records per day"
                } else {
                    "Expected API calls per day"
                };
                match why {
                    NotANumber::NoFigure => {
                        format!("{what} {} has no number in it", quote(answer))
                    }
                    NotANumber::TooLarge => {
                        format!(
                            "{what} {} is too large a number to be a count",
                            quote(answer)
                        )
                    }
                }
            }
            Finding::CallsExceedRecords { calls, records } => format!(
                "The expected API calls a day ({}) are more than the expected records a day ({})",
                thousands(*calls),
                thousands(*records)
            ),
            Finding::ExceedsLimit { flag, calls, limit } => {
                let service = if *flag == Flag::ExceedsPublicLimit {
                    "Public"
                } else {
                    "Partner"
                };
                format!(
                    "The form expects {} API calls a day, over the {service} service's limit of {}",
                    thousands(*calls),
                    thousands(*limit)
                )
            }
            Finding::NoFormFound {
                attachments,
                problems,
            } => no_form(attachments, problems),
            Finding::UnreadableAttachment { attachment, why } => unreadable(attachment, why),
            Finding::UnreadableMessage { problems } => {
                let mut s = "The message could not be read".to_string();
                let reasons: Vec<String> = problems.iter().map(ToString::to_string).collect();
                if !reasons.is_empty() {
                    let _ = write!(s, ": {}", reasons.join("; "));
                }
                s
            }
            Finding::ScannedWithoutText {
                attachment,
                picture,
            } => {
                let what = if attachment.is_empty() {
                    "The form".to_string()
                } else {
                    format!("The attachment {}", quote(attachment))
                };
                let image = if *picture {
                    "a picture of a page that OCR did not read (off, not installed, or no form \
                     found on it)"
                } else {
                    "an image of the form (a scan with no text layer)"
                };
                format!(
                    "{what} is {image} and its answers were not read: read them from the \
                     attachment"
                )
            }
            Finding::ReadByOcr { attachment } => {
                let what = if attachment.is_empty() {
                    "the form".to_string()
                } else {
                    format!("the attachment {}", quote(attachment))
                };
                format!(
                    "The answers were read by OCR from an image of {what}: compare them with \
                     the image before granting"
                )
            }
        };
        s.push('.');
        s
    }
}

/// The notes of a record: each finding's sentence, in flag order, joined by a space; empty
/// without findings.
pub fn notes(findings: &[Finding]) -> String {
    let mut sorted: Vec<&Finding> = findings.iter().collect();
    sorted.sort_by_key(|f| f.flag());
    sorted
        .iter()
        .map(|f| f.sentence())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Notes for flags that came without findings (a record built by hand, or by a caller that has
/// only the codes): each flag's meaning, one sentence each.
pub fn generic(flags: &[Flag]) -> String {
    flags
        .iter()
        .map(|flag| format!("{}.", meaning(*flag)))
        .collect::<Vec<_>>()
        .join(" ")
}

/// What a flag means, as SPEC's table says it.
pub fn meaning(flag: Flag) -> &'static str {
    match flag {
        Flag::MissingFullName => "The full name is blank",
        Flag::MissingOrganisation => "The organisation is blank",
        Flag::MissingContactEmail => "The contact e-mail address is blank",
        Flag::InvalidContactEmail => "The contact e-mail answer is not a valid address",
        Flag::TermsNotAccepted => "The Terms of Use box is not ticked",
        Flag::UserGuideNotAgreed => "The User Guide box is not ticked",
        Flag::ServiceNotSelected => "Neither service is marked",
        Flag::MultipleServicesSelected => "Both services are marked",
        Flag::MissingIpAllowlist => "The Partner service is chosen with no IP address given",
        Flag::InvalidIp => "The IP answer does not parse as addresses, CIDR blocks or ranges",
        Flag::NonPublicIp => "An IP entry touches address space that is not globally reachable",
        Flag::DynamicIp => "The IP address is dynamic",
        Flag::IpRangeTooBroad => "An IP entry is wider than the configured minimum prefix",
        Flag::MissingExpectedRecords => "The expected number of records a day is blank",
        Flag::MissingExpectedCalls => "The expected number of API calls a day is blank",
        Flag::InvalidExpectedRecords => "The expected records a day answer has no number in it",
        Flag::InvalidExpectedCalls => "The expected API calls a day answer has no number in it",
        Flag::CallsExceedRecords => "The expected API calls a day exceed the records a day",
        Flag::ExceedsPublicLimit => {
            "The Public service is chosen with more than 1,000 API calls a day"
        }
        Flag::ExceedsPartnerLimit => {
            "The Partner service is chosen with more than 10,000 API calls a day"
        }
        Flag::NoFormFound => "The message holds no registration form",
        Flag::UnreadableAttachment => "A form attachment could not be read",
        Flag::ScannedWithoutText => "The form is an image that was not read",
        Flag::ReadByOcr => "The answers were read by OCR from an image of the form",
    }
}

/// Most characters of an applicant's answer quoted in a note.
const QUOTE_CHARS: usize = 200;

/// An answer in double quotes, safe to show anywhere: whitespace runs (line breaks too) are one
/// space, control and bidirectional-text characters are written as `[U+XXXX]`, and past
/// `QUOTE_CHARS` characters it is cut with "…" and its length given.
pub fn quote(answer: &str) -> String {
    let mut out = String::from("\"");
    let mut shown = 0;
    let mut total = 0;
    let mut space = false;
    for c in answer.trim().chars() {
        total += 1;
        if shown >= QUOTE_CHARS {
            continue;
        }
        if c.is_whitespace() {
            space = true;
            continue;
        }
        if space {
            out.push(' ');
            shown += 1;
            space = false;
        }
        if is_invisible(c) {
            let _ = write!(out, "[U+{:04X}]", u32::from(c));
        } else {
            out.push(c);
        }
        shown += 1;
    }
    if shown >= QUOTE_CHARS && total > shown {
        let _ = write!(out, "…\" ({} characters)", thousands(total as u64));
    } else {
        out.push('"');
    }
    out
}

/// Characters that must not reach a terminal, a spreadsheet cell or a CSV reader as they are:
/// control characters (C0, DEL, C1), bidirectional-text controls (which reorder what follows),
/// line and paragraph separators, and zero-width characters that hide text.
pub fn is_invisible(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061C}'
                | '\u{200B}'..='\u{200F}'
                | '\u{2028}'..='\u{202E}'
                | '\u{2060}'..='\u{2064}'
                | '\u{2066}'..='\u{2069}'
                | '\u{FEFF}'
                | '\u{FFF9}'..='\u{FFFB}'
        )
}

/// A count with thousands separators ("10,000").
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn blank(what: &str, placeholder: Option<&str>) -> String {
    match placeholder {
        Some(p) if !p.trim().is_empty() => {
            format!("{what} is not given (the answer is {})", quote(p))
        }
        _ => format!("{what} is blank"),
    }
}

/// "a, b and c".
fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

fn entry_noun(entry: &Entry) -> &'static str {
    match entry {
        Entry::Address(_) => "IP address",
        Entry::Block(_) => "IP block",
        Entry::Range(..) => "IP range",
    }
}

fn invalid_ip(answer: &str, unparsed: &[Unparsed], cut_at: Option<usize>) -> String {
    let mut s = format!("IP address answer {}", quote(answer));
    if unparsed.is_empty() {
        s.push_str(" holds no IP address, CIDR block or range");
    } else {
        let reasons: Vec<String> = unparsed.iter().map(ToString::to_string).collect();
        let _ = write!(s, " is not all addresses: {}", reasons.join("; "));
    }
    if let Some(chars) = cut_at {
        let _ = write!(
            s,
            "; it is {} characters long and only the start was read",
            thousands(chars as u64)
        );
    }
    s
}

fn non_public(entries: &[(Entry, Vec<Space>)]) -> String {
    let parts: Vec<String> = entries
        .iter()
        .enumerate()
        .map(|(i, (entry, spaces))| {
            let subject = if i == 0 {
                format!("{} {entry}", entry_noun(entry))
            } else {
                entry.to_string()
            };
            match entry {
                Entry::Address(_) => {
                    let kind = spaces.first().copied().unwrap_or(Space::Reserved);
                    format!("{subject} is {}", kind.one())
                }
                _ => {
                    let kinds: Vec<String> = spaces.iter().map(|s| s.many().to_string()).collect();
                    format!("{subject} includes {}", and_list(&kinds))
                }
            }
        })
        .collect();
    and_list(&parts)
}

fn dynamic(
    answer: &str,
    words: &[String],
    in_ranges: &[(Entry, ip::Cidr)],
    ptr_names: &[(IpAddr, String)],
) -> String {
    let mut reasons = Vec::new();
    if !words.is_empty() {
        let quoted: Vec<String> = words.iter().map(|w| quote(w)).collect();
        reasons.push(format!(
            "IP address answer {} says the address is dynamic ({})",
            quote(answer),
            and_list(&quoted)
        ));
    }
    for (entry, range) in in_ranges {
        reasons.push(format!(
            "{} {entry} is in the known dynamic range {range}",
            entry_noun(entry)
        ));
    }
    for (addr, name) in ptr_names {
        reasons.push(format!(
            "IP address {addr} has the reverse-DNS name {}, which looks like a dynamic address",
            quote(name)
        ));
    }
    if reasons.is_empty() {
        reasons.push("The IP address is dynamic".to_string());
    }
    reasons.join("; ")
}

fn too_broad(entries: &[Entry], min_v4: u8, min_v6: u8) -> String {
    let parts: Vec<String> = entries
        .iter()
        .enumerate()
        .map(|(i, entry)| {
            let span = entry.span();
            let min = if span.v6 { min_v6 } else { min_v4 };
            let subject = if i == 0 {
                format!("{} {entry}", entry_noun(entry))
            } else {
                entry.to_string()
            };
            let count = span.last.saturating_sub(span.first).saturating_add(1);
            let size = match u64::try_from(count) {
                Ok(n) => format!("{} addresses", thousands(n)),
                Err(_) => "more addresses than can be counted".to_string(),
            };
            format!("{subject} covers {size}, wider than a /{min}")
        })
        .collect();
    and_list(&parts)
}

fn no_form(attachments: &[String], problems: &[Problem]) -> String {
    let mut s = "No registration form was found in the message".to_string();
    if !attachments.is_empty() {
        let names: Vec<String> = attachments.iter().map(|a| quote(a)).collect();
        let _ = write!(
            s,
            ": {} {} not the form",
            and_list(&names),
            if names.len() == 1 { "is" } else { "are" }
        );
    }
    let reasons: Vec<String> = problems.iter().map(ToString::to_string).collect();
    if !reasons.is_empty() {
        let _ = write!(s, " ({})", reasons.join("; "));
    }
    s
}

fn unreadable(attachment: &str, why: &Unreadable) -> String {
    let subject = if attachment.is_empty() {
        "The message".to_string()
    } else {
        format!("The attachment {}", quote(attachment))
    };
    let says = match why {
        Unreadable::Encrypted => "is encrypted with a password".to_string(),
        Unreadable::UnsupportedEncryption => {
            "is encrypted with a method regintake cannot open".to_string()
        }
        Unreadable::Malformed { reason } => {
            format!("is damaged or not the kind of file it claims to be ({reason})")
        }
        Unreadable::EncryptedWord => "is a Word document encrypted with a password".to_string(),
        Unreadable::OverLimit { limit, reason } => {
            let what = match limit {
                Limit::AttachmentBytes => "is too large to read",
                Limit::ReadingTime => "took too long to read",
                Limit::ZipEntries
                | Limit::ZipEntryBytes
                | Limit::ZipTotalBytes
                | Limit::ZipRatio
                | Limit::TextBytes => "unpacks to more than regintake reads",
                Limit::PdfStreamBytes | Limit::PdfObjects | Limit::Nesting => {
                    "is built larger or deeper than regintake reads"
                }
                Limit::ImagePixels | Limit::ImagePages => {
                    "is an image with more pixels or pages than regintake reads"
                }
            };
            format!("{what} ({reason})")
        }
        Unreadable::ReaderFailed { reason } => {
            format!("could not be read: the reader failed ({reason})")
        }
        Unreadable::ReaderCrashed { crash } => match crash {
            Crash::StackOverflow => {
                "could not be read: the reader crashed (stack overflow)".to_string()
            }
            _ => format!("could not be read: {why}"),
        },
        Unreadable::TimedOut { .. } => format!("took too long to read: the {why}"),
        Unreadable::OutOfMemory { .. } => format!("needs too much memory to read: the {why}"),
        Unreadable::NoAnswer => "could not be read: the reader gave no answer".to_string(),
    };
    format!("{subject} {says}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_are_safe_and_bounded() {
        assert_eq!(quote("jane(at)abs.gov.au"), "\"jane(at)abs.gov.au\"");
        assert_eq!(quote("  two\r\n lines\t here "), "\"two lines here\"");
        assert_eq!(
            quote("abc\u{202E}fed\u{0}\u{1b}[31m"),
            "\"abc[U+202E]fed[U+0000][U+001B][31m\""
        );
        let long = "x".repeat(10_000);
        let q = quote(&long);
        assert!(q.ends_with("…\" (10,000 characters)"), "{q}");
        assert_eq!(q.chars().filter(|c| *c == 'x').count(), QUOTE_CHARS);
        assert!(!q.chars().any(is_invisible));
    }

    #[test]
    fn thousands_separators() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1_234_567), "1,234,567");
        assert_eq!(thousands(u64::MAX), "18,446,744,073,709,551,615");
    }

    #[test]
    fn unreadable_reasons_are_said_by_kind() {
        let rows = [
            (
                Unreadable::Encrypted,
                "The attachment \"form.pdf\" is encrypted with a password.",
            ),
            (
                Unreadable::EncryptedWord,
                "The attachment \"form.pdf\" is a Word document encrypted with a password.",
            ),
            (
                Unreadable::malformed("not a readable zip file: invalid Zip archive"),
                "The attachment \"form.pdf\" is damaged or not the kind of file it claims to be \
                 (not a readable zip file: invalid Zip archive).",
            ),
            (
                Unreadable::over(
                    Limit::AttachmentBytes,
                    "attachment is 30000000 bytes, over the 20971520 byte limit",
                ),
                "The attachment \"form.pdf\" is too large to read (attachment is 30000000 bytes, \
                 over the 20971520 byte limit).",
            ),
            (
                Unreadable::TimedOut {
                    deadline_ms: 10_000,
                    cpu: false,
                },
                "The attachment \"form.pdf\" took too long to read: the reader took longer than \
                 10 s and was stopped.",
            ),
        ];
        for (why, sentence) in rows {
            let finding = Finding::UnreadableAttachment {
                attachment: "form.pdf".into(),
                why,
            };
            assert_eq!(finding.flag(), Flag::UnreadableAttachment);
            assert_eq!(finding.sentence(), sentence);
        }
    }

    #[test]
    fn notes_follow_flag_order() {
        let findings = [
            Finding::ServiceNotSelected,
            Finding::Missing {
                flag: Flag::MissingFullName,
                placeholder: Some("N/A".into()),
            },
        ];
        assert_eq!(
            notes(&findings),
            "The full name is not given (the answer is \"N/A\"). Neither the Public nor the \
             Partner service is marked."
        );
        assert_eq!(notes(&[]), "");
    }
}
