//! A record's report row and what the ledger holds about it (`ledger::RecordFacts`) in → `show`'s
//! text or JSON out: each field with the raw text it was read from and where, the notes, the
//! message, revisions, supersedes chains both ways, decisions and drafted replies.
//!
//! Everything in it may be an applicant's text: the text output writes control characters,
//! bidirectional-text controls and other invisible characters as escapes (`\n`, `\u{202e}`) so
//! they cannot move the cursor, recolour the terminal or reorder what a person reads; the JSON
//! output escapes the same characters as `\uXXXX` (JSON escapes the C0 controls itself).

use super::{COLUMNS, Row, Time};
use crate::ledger::{FieldDetail, FieldDetails, RecordFacts};
use crate::validate::notes::is_invisible;
use serde_json::{Value as Json, json};
use std::fmt::Write as _;

/// Whether the record is open and whether it is overdue (as `--open` / `--overdue` say).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct State {
    pub open: bool,
    pub overdue: bool,
}

/// Text safe to print on a terminal: invisible and control characters as escapes.
pub fn terminal_safe(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if is_invisible(c) => {
                let _ = write!(out, "\\u{{{:04x}}}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out
}

/// JSON text (pretty) with every invisible character that JSON itself leaves raw (DEL, C1
/// controls, bidirectional controls, zero-width characters) written as a `\uXXXX` escape; they
/// can only be inside strings, so the JSON means the same.
pub fn json_for_terminal(value: &Json) -> String {
    let text = serde_json::to_string_pretty(value).unwrap_or_default();
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if is_invisible(c) && !c.is_ascii_control() {
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                let _ = write!(out, "\\u{unit:04x}");
            }
        } else if c == '\u{7f}' {
            out.push_str("\\u007f");
        } else {
            out.push(c);
        }
    }
    out
}

/// A stored RFC 3339 time as shown: Canberra time; the stored text when it is not RFC 3339.
fn canberra(stored: &str) -> String {
    match Time::parse(stored).0 {
        Some(t) => crate::canberra::rfc3339(&t),
        None => stored.to_string(),
    }
}

/// The report row as name → value (as the CSV shows it, without the formula guard).
fn row_json(row: &Row) -> serde_json::Map<String, Json> {
    COLUMNS
        .iter()
        .zip(row.values())
        .map(|(c, v)| {
            let value = match v {
                super::Value::Empty => Json::Null,
                super::Value::Integer(n) => json!(n),
                other => json!(other.to_string()),
            };
            (c.name.to_string(), value)
        })
        .collect()
}

/// `show --json` for one record.
pub fn to_json(row: &Row, facts: &RecordFacts, state: State) -> Json {
    let flags: Vec<&str> = row.flags.split(';').filter(|f| !f.is_empty()).collect();
    let m = &facts.message;
    let link = |l: &crate::ledger::Link| {
        json!({
            "record_id": l.record_id,
            "received_at": canberra(&l.received_at),
            "status": l.status.as_str(),
            "organisation": l.organisation,
            "contact_email": l.contact_email,
        })
    };
    json!({
        "record_id": row.record_id,
        "report": row_json(row),
        "status": row.status.as_str(),
        "flags": flags,
        "notes": row.notes,
        "notes_by_flag": facts.detail.flag_notes,
        "open": state.open,
        "overdue": state.overdue,
        "attachment": row.attachment,
        "source": row.source,
        "fields": facts.detail.fields.as_ref().map_or(json!({}), |f| json!(f)),
        "reader_notes": facts.detail.notes,
        "message": {
            "key": m.key,
            "message_id": m.message_id,
            "sender": m.sender,
            "subject": m.subject,
            "received_at": canberra(&m.received_at),
            "received_at_as_recorded": m.received_at,
            "origin": m.origin,
            "sha256": m.raw_sha256,
            "size": m.raw_size,
        },
        "revision": facts.revision,
        "position": facts.position,
        "recorded_at": canberra(&facts.recorded_at),
        "revisions": facts.revisions.iter().map(|r| json!({
            "record_id": r.record_id,
            "revision": r.revision,
            "recorded_at": canberra(&r.recorded_at),
            "status": r.status.as_str(),
            "flags": r.flags.split(';').filter(|f| !f.is_empty()).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "supersedes": facts.supersedes.iter().map(link).collect::<Vec<_>>(),
        "superseded_by": facts.superseded_by.iter().map(link).collect::<Vec<_>>(),
        "superseded": facts.superseded,
        "decisions": facts.decisions.iter().map(|d| json!({
            "decision_id": d.decision_id,
            "record_id": d.record_id,
            "outcome": d.outcome.as_str(),
            "note": d.note,
            "decided_by": d.by,
            "decided_at": canberra(&d.at),
        })).collect::<Vec<_>>(),
        "drafts": facts.drafts.iter().map(|d| json!({
            "step": d.step.as_str(),
            "account": d.account,
            "mailbox": d.mailbox,
            "draft_message_id": d.draft_message_id,
            "note": d.note,
            "at": canberra(&d.at),
        })).collect::<Vec<_>>(),
    })
}

/// `show` as text for one record.
pub fn to_text(row: &Row, facts: &RecordFacts, state: State) -> String {
    let s = terminal_safe;
    let mut out = String::new();
    let w = &mut out;
    let _ = writeln!(
        w,
        "record {}  (message {}, revision {}, form {})",
        row.record_id,
        s(&facts.message.key),
        facts.revision,
        facts.position + 1
    );
    let mut standing = Vec::new();
    if state.overdue {
        standing.push("overdue".to_string());
    }
    if state.open {
        standing.push("open".to_string());
    }
    if facts.superseded {
        standing.push("superseded by a later registration".to_string());
    }
    if !row.decision.is_empty() {
        standing.push(format!("decided: {}", s(&row.decision)));
    }
    let _ = writeln!(
        w,
        "  status       {}{}",
        row.status,
        if standing.is_empty() {
            String::new()
        } else {
            format!(" ({})", standing.join(", "))
        }
    );
    let received = row.received_at.0.map(|t| crate::canberra::rfc3339(&t));
    let _ = writeln!(w, "  received_at  {}", received.unwrap_or_default());
    let _ = writeln!(w, "  due_by       {}", row.due_by.0.format("%Y-%m-%d"));
    let flags = if row.flags.is_empty() {
        "(none)".to_string()
    } else {
        s(&row.flags)
    };
    let _ = writeln!(w, "  flags        {flags}");
    let by_flag = &facts.detail.flag_notes;
    if !by_flag.is_empty() {
        let _ = writeln!(w, "  notes");
        for flag in row.flags.split(';').filter(|f| !f.is_empty()) {
            let note = by_flag.get(flag).map_or("", String::as_str);
            let _ = writeln!(w, "    {}: {}", s(flag), s(note));
        }
    } else if !row.notes.is_empty() {
        let _ = writeln!(w, "  notes        {}", s(&row.notes));
    }
    for reason in &facts.detail.notes {
        let _ = writeln!(w, "  reader note  {}", s(reason));
    }
    let m = &facts.message;
    let _ = writeln!(w, "  message");
    let _ = writeln!(w, "    sender      {}", s(&m.sender));
    let _ = writeln!(w, "    subject     {}", s(&m.subject));
    let _ = writeln!(w, "    message_id  {}", s(&m.message_id));
    let _ = writeln!(
        w,
        "    received    {} (recorded as {})",
        canberra(&m.received_at),
        s(&m.received_at)
    );
    let _ = writeln!(w, "    read from   {}", s(&m.origin));
    let _ = writeln!(
        w,
        "    sha256      {} ({} bytes)",
        s(&m.raw_sha256),
        m.raw_size
    );
    let attachment = if row.attachment.is_empty() {
        "(none: the mail body, or no form)".to_string()
    } else {
        format!("\"{}\"", s(&row.attachment))
    };
    let _ = writeln!(w, "  attachment   {attachment}");
    let _ = writeln!(w, "  source       {}", s(&row.source));
    let _ = writeln!(w, "  fields");
    let fields = facts.detail.fields.as_ref().map(FieldDetails::named);
    for (name, value) in [
        ("full_name", &row.full_name),
        ("organisation", &row.organisation),
        ("contact_email", &row.contact_email),
        ("terms_accepted", &row.terms_accepted),
        ("service", &row.service),
        ("ip_allowlist", &row.ip_allowlist),
        (
            "expected_records_per_day",
            &count(row.expected_records_per_day),
        ),
        (
            "expected_api_calls_per_day",
            &count(row.expected_api_calls_per_day),
        ),
        ("user_guide_agreed", &row.user_guide_agreed),
    ] {
        let detail = fields
            .iter()
            .flatten()
            .find(|(n, _)| *n == name)
            .map(|(_, d)| *d);
        let _ = writeln!(w, "    {name:<27} {}{}", s(value), read_from(detail));
    }
    let revisions: Vec<String> = facts
        .revisions
        .iter()
        .map(|r| {
            let this = if r.record_id == row.record_id {
                ", this one"
            } else {
                ""
            };
            format!(
                "{} (revision {}, {}{this})",
                r.record_id, r.revision, r.status
            )
        })
        .collect();
    let _ = writeln!(w, "  revisions    {}", revisions.join("; "));
    let chain = |links: &[crate::ledger::Link]| -> String {
        if links.is_empty() {
            return "(none)".to_string();
        }
        links
            .iter()
            .map(|l| {
                format!(
                    "{} (received {}, {})",
                    l.record_id,
                    canberra(&l.received_at),
                    l.status
                )
            })
            .collect::<Vec<_>>()
            .join(" → ")
    };
    let _ = writeln!(w, "  supersedes   {}", chain(&facts.supersedes));
    let _ = writeln!(w, "  superseded by {}", chain(&facts.superseded_by));
    if facts.decisions.is_empty() {
        let _ = writeln!(w, "  decisions    (none)");
    } else {
        let _ = writeln!(w, "  decisions");
        for d in &facts.decisions {
            let note = if d.note.is_empty() {
                String::new()
            } else {
                format!(": \"{}\"", s(&d.note))
            };
            let on = if d.record_id == row.record_id {
                String::new()
            } else {
                format!(" (on record {})", d.record_id)
            };
            let _ = writeln!(
                w,
                "    {}  {} by {}{on}{note}",
                canberra(&d.at),
                d.outcome,
                s(&d.by)
            );
        }
    }
    if facts.drafts.is_empty() {
        let _ = writeln!(w, "  drafted replies (none)");
    } else {
        let _ = writeln!(w, "  drafted replies");
        for draft in &facts.drafts {
            let mut line = format!("    {}  {}", canberra(&draft.at), draft.step.as_str());
            if !draft.mailbox.is_empty() {
                let _ = write!(line, " in {}", s(&draft.mailbox));
            }
            if !draft.draft_message_id.is_empty() {
                let _ = write!(line, " {}", s(&draft.draft_message_id));
            }
            if !draft.note.is_empty() {
                let _ = write!(line, ": \"{}\"", s(&draft.note));
            }
            let _ = writeln!(w, "{line}");
        }
    }
    out
}

fn count(n: Option<i64>) -> String {
    n.map(|n| n.to_string()).unwrap_or_default()
}

/// "   ← "raw text" (pdf-form, answer "…", box [...], page 2)" from a field's detail: its raw
/// text and every other thing the reader noted about where it was.
fn read_from(detail: Option<&FieldDetail>) -> String {
    let Some(detail) = detail else {
        return String::new();
    };
    let mut out = String::new();
    if let Some(raw) = &detail.raw {
        let _ = write!(out, "   ← \"{}\"", terminal_safe(raw));
    }
    let mut place = Vec::new();
    if let Some(source) = detail.source {
        place.push(terminal_safe(source.as_str()));
    }
    if let Some(answer) = &detail.answer {
        place.push(format!("answer \"{}\"", terminal_safe(answer)));
    }
    if let Some(at) = detail.at {
        place.push(format!("box {}", json!(at)));
    }
    if let Some(page) = detail.page {
        place.push(format!("page {page}"));
    }
    if !place.is_empty() {
        let _ = write!(out, " ({})", place.join(", "));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terminal_text_has_no_control_or_bidi_characters() {
        let hostile = "Jane\u{1b}[2J\u{202e}gnp.exe\r\n\u{7}\u{200b}x\u{9b}";
        let safe = terminal_safe(hostile);
        assert_eq!(
            safe,
            "Jane\\u{001b}[2J\\u{202e}gnp.exe\\r\\n\\u{0007}\\u{200b}x\\u{009b}"
        );
        assert!(!safe.chars().any(|c| c.is_control() || is_invisible(c)));
    }

    #[test]
    fn json_escapes_what_json_leaves_raw() {
        let value = json!({"name": "a\u{202e}b\u{7f}c\u{85}d\u{1b}e"});
        let text = json_for_terminal(&value);
        assert!(
            !text.chars().any(|c| is_invisible(c) && c != '\n'),
            "{text:?}"
        );
        let back: Json = serde_json::from_str(&text).unwrap();
        assert_eq!(back, value);
    }
}
