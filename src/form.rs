//! A `Document` in → the registration form's `Answers` out (each with the raw text it was read
//! from), or `None` when the document is not a registration form.
//!
//! The reader knows the form's questions by their meaning, not by one wording: a label is matched
//! by the words a person retyping the form would use ("Name", "Organization", "E-mail address",
//! "Static IP address or range"). An answer is the text after the label on the same line (after
//! `:`, ` - `, a tab or a bracket), the next table cell, the cell below a column heading, or the
//! next line when that line is not itself part of the form. Tick boxes are read from the mark in
//! front of (or after) a statement, in a neighbouring cell, or on a line of its own; every kind of
//! box the extractors met is already written as ☒ / ☐.

use crate::extract::{Document, Field, FieldValue};
use aho_corasick::AhoCorasick;
use regex::Regex;
use regex_automata::{Anchored, Input};
use serde::Serialize;
use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::LazyLock;

/// A written answer: the text as the applicant wrote it, and the raw line(s) it was read from.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Answer {
    pub text: String,
    pub raw: String,
    /// Read from a named form field (AcroForm field, content control), not from the page text.
    pub from_field: bool,
}

/// A tick box or yes/no statement: `Some(true)` ticked/agreed, `Some(false)` clearly not,
/// `None` when nothing could be determined. `raw` is the line it was read from.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Tick {
    pub ticked: Option<bool>,
    pub raw: String,
    /// Read from a named form field (AcroForm check box, content control), not from the text.
    pub from_field: bool,
}

/// The answers to every question on the form. Empty / `None` when the form leaves it blank.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Answers {
    pub full_name: Option<Answer>,
    pub organisation: Option<Answer>,
    pub contact_email: Option<Answer>,
    pub terms: Tick,
    pub public_service: Tick,
    pub partner_service: Tick,
    pub ip_allowlist: Option<Answer>,
    pub expected_records: Option<Answer>,
    pub expected_calls: Option<Answer>,
    pub user_guide: Tick,
}

/// The form's written questions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Question {
    FullName,
    Title,
    FirstName,
    LastName,
    Organisation,
    Email,
    /// "Contact": an e-mail when the answer holds an `@`, else a name.
    Contact,
    Terms,
    Service,
    Ip,
    Records,
    Calls,
    UserGuide,
}

/// The form's tick-box statements.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Statement {
    Terms,
    Public,
    Partner,
    UserGuide,
}

/// Reads the form's answers out of a document. `None` when the document does not look like a
/// registration form at all (a CV, an invoice, a reply asking about progress).
pub fn read(doc: &Document) -> Option<Answers> {
    memo_clear();
    let answers = read_uncached(doc);
    memo_clear();
    answers
}

fn read_uncached(doc: &Document) -> Option<Answers> {
    let lines = flatten(doc);
    let mut reader = Reader::default();
    reader.read_lines(&lines);
    reader.read_fields(&doc.fields);
    if !reader.looks_like_form(&lines) {
        return None;
    }
    Some(reader.finish())
}

/// What the reader has already worked out about a text within one `read`: the neighbouring-line
/// rules ask the same questions of the same cells many times, and each answer costs regexes
/// and a normalised copy. Keyed by content, so a temporary string can never be mistaken for
/// another; bounded, so a document with many distinct cells cannot grow it without limit.
#[derive(Default)]
struct Memo {
    /// The question and where the rest of the text lies (start, length) within the text.
    labelled: MemoMap<Option<(Question, usize, usize)>>,
    statement: MemoMap<Option<Statement>>,
    form_text: MemoMap<bool>,
}

/// foldhash, not SipHash: hashing the cells was 6% of `read`. Its per-process random seed and
/// the bound below keep a hostile document from turning the table into a slow list.
type MemoMap<V> = HashMap<Box<str>, V, foldhash::fast::RandomState>;

const MEMO_ENTRIES: usize = 4096;

thread_local! {
    static MEMO: RefCell<Memo> = RefCell::new(Memo::default());
}

fn memo_clear() {
    MEMO.with(|m| {
        let mut m = m.borrow_mut();
        m.labelled.clear();
        m.statement.clear();
        m.form_text.clear();
    });
}

fn memoised<V: Copy>(
    table: impl Fn(&mut Memo) -> &mut MemoMap<V>,
    key: &str,
    compute: impl FnOnce() -> V,
) -> V {
    if let Some(v) = MEMO.with(|m| table(&mut m.borrow_mut()).get(key).copied()) {
        return v;
    }
    let v = compute();
    MEMO.with(|m| {
        let mut m = m.borrow_mut();
        let map = table(&mut m);
        if map.len() >= MEMO_ENTRIES {
            map.clear();
        }
        map.insert(key.into(), v);
    });
    v
}

/// A label at the start of `text` and the rest of the text after it.
fn labelled(text: &str) -> Option<(Question, &str)> {
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
fn statement_of(text: &str) -> Option<Statement> {
    memoised(|m| &mut m.statement, text, || statement_of_uncached(text))
}

/// Whether `text` is part of the form itself (a label, statement or boilerplate), not an answer.
fn is_form_text(text: &str) -> bool {
    memoised(|m| &mut m.form_text, text, || is_form_text_uncached(text))
}

/// A document line as the reader sees it: cells, and the text of the whole line.
#[derive(Debug, Clone)]
struct Row {
    cells: Vec<String>,
}

impl Row {
    fn joined(&self) -> String {
        self.cells
            .iter()
            .map(|c| c.trim())
            .filter(|c| !c.is_empty())
            .collect::<Vec<_>>()
            .join("\t")
    }
    fn is_blank(&self) -> bool {
        self.cells.iter().all(|c| c.trim().is_empty())
    }
}

/// Splits multi-paragraph single cells into lines, keeps table rows as rows.
fn flatten(doc: &Document) -> Vec<Row> {
    let mut rows = Vec::with_capacity(doc.lines.len());
    for line in &doc.lines {
        if line.cells.len() <= 1 {
            let text = line.cells.first().map(String::as_str).unwrap_or("");
            // Tabs and wide runs of spaces typed between a label and its answer are columns.
            for part in text.split('\n') {
                rows.push(Row {
                    cells: crate::extract::body::split_columns(part),
                });
            }
        } else {
            // A table row: a cell holding several paragraphs keeps them as one answer, but a
            // cell that is a whole block of "Label: answer" lines is split into its own rows.
            let label_block = line.cells.iter().any(|c| {
                c.contains('\n') && c.split('\n').filter(|l| labelled(l).is_some()).count() >= 2
            });
            if label_block {
                for c in &line.cells {
                    for part in c.split('\n') {
                        rows.push(Row {
                            cells: vec![part.to_string()],
                        });
                    }
                }
            } else {
                // Several tick-box statements in one cell ("☒ Public … ☐ Partner …") become
                // cells of their own, so each keeps its own mark.
                let cells = line
                    .cells
                    .iter()
                    .flat_map(|c| split_statements(&c.replace('\n', " ")))
                    .collect();
                rows.push(Row { cells });
            }
        }
    }
    rows
}

#[derive(Default)]
struct Reader {
    full_name: Option<Answer>,
    title: Option<Answer>,
    first_name: Option<Answer>,
    last_name: Option<Answer>,
    organisation: Option<Answer>,
    email: Option<Answer>,
    ip: Option<Answer>,
    records: Option<Answer>,
    calls: Option<Answer>,
    /// A written service answer ("Service: Partner").
    service: Option<Answer>,
    /// Yes/no answers given to the Terms / User Guide labels.
    terms_answer: Tick,
    guide_answer: Tick,
    /// Statements found and how they are marked.
    terms: Option<Tick>,
    public: Option<Tick>,
    partner: Option<Tick>,
    guide: Option<Tick>,
    /// Questions whose label was seen (answered or not), for deciding "is this a form".
    labels_seen: std::collections::HashSet<&'static str>,
}

impl Reader {
    fn read_lines(&mut self, rows: &[Row]) {
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
                        self.seen_statement(stmt);
                        self.set_statement(
                            stmt,
                            Tick {
                                ticked: Some(on),
                                raw: row_raw(row),
                                from_field: false,
                            },
                        );
                    }
                    continue;
                }
                if let Some(stmt) = statement_of(cell).or_else(|| wrapped_statement(rows, i, j)) {
                    self.seen_statement(stmt);
                    let tick = statement_mark(rows, i, j);
                    self.set_statement(stmt, tick);
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
                self.labels_seen.insert(question_key(q));
                let found = if !clean_answer(rest).is_empty() {
                    // A written service choice keeps its tick marks ("[ ] Public [X] Partner").
                    let text = if q == Question::Service {
                        rest.trim().to_string()
                    } else {
                        clean_answer(rest)
                    };
                    Some((text, row_raw(row), i))
                } else {
                    answer_after(rows, i, j, q)
                };
                let Some((text, raw, at)) = found else {
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
                self.set_answer(q, text, raw, false);
            }
        }
    }

    /// Named form fields (AcroForm, content controls, legacy fields) fill what the text left open.
    fn read_fields(&mut self, fields: &[Field]) {
        for f in fields {
            let hints = [
                humanise_name(&f.name),
                f.tooltip.clone(),
                f.nearby_text.clone(),
            ];
            match &f.value {
                FieldValue::Check(on) => {
                    let stmt = hints.iter().find_map(|h| statement_hint(h));
                    if let Some(stmt) = stmt {
                        self.seen_statement(stmt);
                        let slot = self.statement_slot(stmt);
                        let keep = matches!(slot, Some(t) if t.ticked.is_some());
                        if !keep {
                            *slot = Some(Tick {
                                ticked: Some(*on),
                                raw: format!(
                                    "{} = {}",
                                    f.name,
                                    if *on { "checked" } else { "unchecked" }
                                ),
                                from_field: true,
                            });
                        }
                    }
                }
                FieldValue::Text(value) => {
                    let q = hints.iter().find_map(|h| {
                        let h = h.trim();
                        if h.is_empty() {
                            return None;
                        }
                        classify_label(&normalise_label(h), false)
                    });
                    let Some(q) = q else { continue };
                    let text = clean_answer(value);
                    if text.is_empty() {
                        continue;
                    }
                    self.labels_seen.insert(question_key(q));
                    let raw = format!("{} = {}", f.name, value.trim());
                    self.set_answer(q, text, raw, true);
                }
            }
        }
    }

    fn seen_statement(&mut self, stmt: Statement) {
        self.labels_seen.insert(match stmt {
            Statement::Terms => "terms",
            Statement::Public => "public",
            Statement::Partner => "partner",
            Statement::UserGuide => "guide",
        });
    }

    fn statement_slot(&mut self, stmt: Statement) -> &mut Option<Tick> {
        match stmt {
            Statement::Terms => &mut self.terms,
            Statement::Public => &mut self.public,
            Statement::Partner => &mut self.partner,
            Statement::UserGuide => &mut self.guide,
        }
    }

    fn set_statement(&mut self, stmt: Statement, tick: Tick) {
        let slot = self.statement_slot(stmt);
        // The first mention decides, unless it said nothing and a later one does.
        match slot {
            Some(t) if t.ticked.is_some() => {}
            _ => *slot = Some(tick),
        }
    }

    /// Keeps the first non-empty answer to each question.
    fn set_answer(&mut self, q: Question, text: String, raw: String, from_field: bool) {
        let answer = Answer {
            text,
            raw,
            from_field,
        };
        match q {
            Question::Terms => {
                if self.terms_answer.ticked.is_none() {
                    self.terms_answer = yes_no_tick(&answer);
                }
                return;
            }
            Question::UserGuide => {
                if self.guide_answer.ticked.is_none() {
                    self.guide_answer = yes_no_tick(&answer);
                }
                return;
            }
            Question::Contact => {
                let q = if answer.text.contains('@') {
                    Question::Email
                } else {
                    Question::FullName
                };
                return self.set_answer(q, answer.text, answer.raw, from_field);
            }
            _ => {}
        }
        let slot = match q {
            Question::FullName => &mut self.full_name,
            Question::Title => &mut self.title,
            Question::FirstName => &mut self.first_name,
            Question::LastName => &mut self.last_name,
            Question::Organisation => &mut self.organisation,
            Question::Email => &mut self.email,
            Question::Service => &mut self.service,
            Question::Ip => &mut self.ip,
            Question::Records => &mut self.records,
            Question::Calls => &mut self.calls,
            Question::Terms | Question::UserGuide | Question::Contact => return,
        };
        if slot.is_none() {
            *slot = Some(answer);
        }
    }

    fn looks_like_form(&self, rows: &[Row]) -> bool {
        let seen = self.labels_seen.len();
        if seen >= 4 {
            return true;
        }
        let mentions_service = rows.iter().take(4000).any(|r| {
            let t = r.joined().to_lowercase();
            t.contains("coding service")
                || t.contains("registration form")
                || t.contains("allowlist")
        });
        seen >= 3 && mentions_service
    }

    fn finish(mut self) -> Answers {
        if self.full_name.is_none() && (self.first_name.is_some() || self.last_name.is_some()) {
            let parts: Vec<&Answer> = [&self.title, &self.first_name, &self.last_name]
                .into_iter()
                .flatten()
                .collect();
            self.full_name = Some(Answer {
                text: parts
                    .iter()
                    .map(|p| p.text.as_str())
                    .collect::<Vec<_>>()
                    .join(" "),
                raw: parts
                    .iter()
                    .map(|p| p.raw.as_str())
                    .collect::<Vec<_>>()
                    .join("\n"),
                from_field: parts.iter().all(|p| p.from_field),
            });
        }
        let terms = pick_tick(self.terms.take(), &self.terms_answer);
        let user_guide = pick_tick(self.guide.take(), &self.guide_answer);
        let (public_service, partner_service) = self.service_ticks();
        Answers {
            full_name: self.full_name,
            organisation: self.organisation,
            contact_email: self.email,
            terms,
            public_service,
            partner_service,
            ip_allowlist: self.ip,
            expected_records: self.records,
            expected_calls: self.calls,
            user_guide,
        }
    }

    /// Which service is chosen: a written answer wins; else the ticked statements; else, when the
    /// applicant deleted the option they did not want and ticked nothing, the one left.
    fn service_ticks(&self) -> (Tick, Tick) {
        if let Some(answer) = &self.service {
            let (public, partner) = services_named(&answer.text);
            if public || partner {
                let tick = |on: bool| Tick {
                    ticked: Some(on),
                    raw: answer.raw.clone(),
                    from_field: answer.from_field,
                };
                return (tick(public), tick(partner));
            }
        }
        let public = self.public.clone();
        let partner = self.partner.clone();
        let any_ticked = [&public, &partner]
            .iter()
            .any(|t| matches!(t, Some(t) if t.ticked == Some(true)));
        let resolve = |t: Option<Tick>, sole: bool| -> Tick {
            match t {
                None => Tick::default(),
                Some(t) => match t.ticked {
                    Some(on) => Tick {
                        ticked: Some(on),
                        ..t
                    },
                    // No mark at all: unticked beside a ticked option, chosen when it is the only
                    // option left on the form.
                    None => Tick {
                        ticked: Some(!any_ticked && sole),
                        ..t
                    },
                },
            }
        };
        let only_public = public.is_some() && partner.is_none();
        let only_partner = partner.is_some() && public.is_none();
        (resolve(public, only_public), resolve(partner, only_partner))
    }
}

/// Which services a written answer names. With tick marks in it ("☒ Public ☐ Partner") only
/// the ticked ones count.
fn services_named(text: &str) -> (bool, bool) {
    let n = normalise(text);
    let has_marks = n
        .chars()
        .any(|c| TICKED_GLYPHS.contains(&c) || UNTICKED_GLYPHS.contains(&c))
        || n.contains("[x]")
        || n.contains("[ ]");
    if !has_marks {
        // "Partner (not public)" names one service only.
        let negated = |w: &str| n.contains(&format!("not {w}")) || n.contains(&format!("no {w}"));
        let public = n.contains("public") && !negated("public");
        let partner = n.contains("partner") && !negated("partner");
        return (public, partner);
    }
    let mut public = false;
    let mut partner = false;
    for part in split_statements_anywhere(&n) {
        if leading_mark(&part) == Some(true) {
            public |= part.contains("public");
            partner |= part.contains("partner");
        }
    }
    (public, partner)
}

/// Splits a text before every tick mark.
fn split_statements_anywhere(text: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut start = 0;
    for (pos, c) in text.char_indices().skip(1) {
        let mark = TICKED_GLYPHS.contains(&c)
            || UNTICKED_GLYPHS.contains(&c)
            || (c == '[' && bracket_mark(&text[pos..]).is_some());
        if mark {
            parts.push(text[start..pos].trim().to_string());
            start = pos;
        }
    }
    parts.push(text[start..].trim().to_string());
    parts
}

fn is_service_answer(text: &str) -> bool {
    let n = normalise(text);
    n.contains("public") || n.contains("partner")
}

fn pick_tick(statement: Option<Tick>, answer: &Tick) -> Tick {
    match statement {
        Some(t) if t.ticked.is_some() => t,
        _ if answer.ticked.is_some() => answer.clone(),
        Some(t) => t,
        None => Tick::default(),
    }
}

fn question_key(q: Question) -> &'static str {
    match q {
        Question::FullName | Question::Title | Question::FirstName | Question::LastName => "name",
        Question::Organisation => "organisation",
        Question::Email | Question::Contact => "email",
        Question::Terms => "terms",
        Question::Service => "service",
        Question::Ip => "ip",
        Question::Records => "records",
        Question::Calls => "calls",
        Question::UserGuide => "guide",
    }
}

fn row_raw(row: &Row) -> String {
    row.joined()
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

/// Splits a cell before each tick mark that starts another statement.
fn split_statements(cell: &str) -> Vec<String> {
    // Statements are sentences: a longer cell is not a list of them, and looking for marks in
    // it would cost time quadratic in its length.
    if cell.len() > 4000 {
        return vec![cell.to_string()];
    }
    let mut cuts = vec![0];
    for (pos, c) in cell.char_indices().skip(1) {
        let starts_mark =
            TICKED_GLYPHS.contains(&c) || UNTICKED_GLYPHS.contains(&c) || c == '[' || c == '(';
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

/// An answer that goes on below the line it was found on: a bracket opened and closed on a
/// later line, more addresses of an IP list, the rest of a name or organisation wrapped in a
/// narrow table column.
fn carry_on(
    rows: &[Row],
    at: usize,
    q: Question,
    mut text: String,
    mut raw: String,
) -> (String, String) {
    let line_text = rows.get(at).map(|r| r.joined()).unwrap_or_default();
    let open_bracket = line_text
        .rfind('[')
        .is_some_and(|o| !line_text[o..].contains(']'));
    for next in rows.iter().skip(at + 1).take(6) {
        if next.is_blank() {
            break;
        }
        let cells: Vec<&str> = next
            .cells
            .iter()
            .map(|c| c.trim())
            .filter(|c| !c.is_empty())
            .collect();
        let Some(first) = cells.first().copied() else {
            break;
        };
        let joined = next.joined();
        if open_bracket {
            let part = joined
                .split(']')
                .next()
                .unwrap_or("")
                .trim()
                .trim_matches('_')
                .trim();
            if !part.is_empty() {
                text = if text.is_empty() {
                    part.to_string()
                } else {
                    format!("{text}; {part}")
                };
                if q != Question::Ip {
                    text = text.replace("; ", " ");
                }
            }
            raw.push('\n');
            raw.push_str(&joined);
            if joined.contains(']') {
                break;
            }
            continue;
        }
        match q {
            Question::Ip => {
                if is_form_text(first) && !looks_like_label_fragment(first) {
                    break;
                }
                let ipish: Vec<&str> = cells
                    .iter()
                    .copied()
                    .filter(|c| looks_like_ip_text(c) && labelled(c).is_none())
                    .collect();
                if ipish.is_empty() {
                    break;
                }
                for c in ipish {
                    text.push_str("; ");
                    text.push_str(&clean_answer(c));
                }
                raw.push('\n');
                raw.push_str(&joined);
            }
            Question::FullName | Question::Organisation => {
                // One more line of a wrapped cell: a single short capitalised piece that is
                // nothing of the form's own.
                let words = first.split_whitespace().count();
                let capitalised = first.chars().next().is_some_and(|c| c.is_uppercase());
                let label_like =
                    is_form_text(first) || classify_label(&normalise_label(first), false).is_some();
                if cells.len() != 1
                    || words > 6
                    || !capitalised
                    || label_like
                    || first.contains('@')
                    || first.chars().any(|c| c.is_ascii_digit())
                    || text.ends_with(['.', ':', ';'])
                    || rows.get(at).is_some_and(|r| r.cells.len() < 2)
                {
                    break;
                }
                // Lines around a bare label with no answer of its own are that label's answer
                // (a long organisation name wrapped beside a centred label).
                let bare_label_follows = rows.iter().skip(at + 2).take(3).any(|r| {
                    let c: Vec<&str> = r
                        .cells
                        .iter()
                        .map(|c| c.trim())
                        .filter(|c| !c.is_empty())
                        .collect();
                    c.len() == 1 && labelled(c[0]).is_some_and(|(_, rest)| rest.trim().is_empty())
                });
                if bare_label_follows {
                    break;
                }
                text.push(' ');
                text.push_str(first);
                raw.push('\n');
                raw.push_str(&joined);
                break;
            }
            _ => break,
        }
    }
    (text, raw)
}

/// Addresses printed on the lines just above an IP label: a label centred vertically beside a
/// list in a printed table. A line holding only addresses belongs to no other question.
fn ip_lines_above(rows: &[Row], label_row: usize, text: String, raw: String) -> (String, String) {
    let mut above = Vec::new();
    for k in (label_row.saturating_sub(2)..label_row).rev() {
        let t = rows[k].joined();
        let only_addresses = looks_like_ip_text(&t)
            && t.chars()
                .all(|c| c.is_ascii_hexdigit() || ".:/-;, \t".contains(c));
        if !only_addresses {
            break;
        }
        above.push(t.trim().to_string());
    }
    if above.is_empty() {
        return (text, raw);
    }
    above.reverse();
    let raw = format!("{}\n{raw}", above.join("\n"));
    above.push(text);
    (above.join("; "), raw)
}

/// Service options written as labels with a mark or yes/no after them.
fn options_with_marks(cell: &str) -> Vec<(Statement, bool)> {
    static OPTION: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)\b(public|partner)(?: coding)? service\s*(?:[:\-–=]\s*)?(\[\s*[xX✓✔*]?\s*\]|\(\s*[xX✓✔*]?\s*\)|[☒☑✓✔✗✘☐□]|yes\b|no\b|y\b|n\b)")
            .expect("regex")
    });
    if cell.len() > 400 {
        return Vec::new();
    }
    OPTION
        .captures_iter(cell)
        .filter_map(|c| {
            let stmt = if c[1].eq_ignore_ascii_case("public") {
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
    statement_of(&format!("{cell} {first}"))
}

/// The answer to a label that had nothing after it on its own cell: the next cell in the row,
/// the cell below a column heading, or the next line(s).
fn answer_after(rows: &[Row], i: usize, j: usize, q: Question) -> Option<(String, String, usize)> {
    let row = &rows[i];
    // The next cell in the same row (an empty one is a blank answer: a third column holds
    // notes, not the answer).
    if let Some(cell) = row.cells.get(j + 1).map(|c| c.trim()) {
        if cell.is_empty() {
            return None;
        }
        // "Service required: | Partner coding service": the option's name alone, without its
        // printed description, is the applicant's written choice.
        let option_named = q == Question::Service
            && matches!(
                statement_of(cell),
                Some(Statement::Public | Statement::Partner)
            )
            && !cell.contains('(');
        if is_form_text(cell) && !option_named {
            return column_below(rows, i, j).map(|(t, r)| (t, r, i + 1));
        }
        let text = clean_answer(cell);
        return (!text.is_empty()).then(|| (text, row_raw(row), i));
    }
    if row.cells.iter().filter(|c| !c.trim().is_empty()).count() > 1 {
        // A heading row of several labels: the answer sits in the same column below.
        return column_below(rows, i, j).map(|(t, r)| (t, r, i + 1));
    }
    // The next non-blank line, unless it is part of the form itself.
    let mut k = i + 1;
    while k < rows.len() && k <= i + 3 && rows[k].is_blank() {
        k += 1;
    }
    let next = rows.get(k)?;
    let cells: Vec<&str> = next
        .cells
        .iter()
        .map(|c| c.trim())
        .filter(|c| !c.is_empty())
        .collect();
    let first = *cells.first()?;
    if is_form_text(first) || cells.iter().any(|c| statement_of(c).is_some()) {
        return None;
    }
    if q == Question::Ip {
        return ip_lines(rows, i, k).map(|(t, r, last)| (t, r, last));
    }
    let joined = cells.join(" ");
    let text = clean_answer(if cells.len() == 1 { first } else { &joined });
    let raw = format!("{}\n{}", row_raw(row), next.joined());
    (!text.is_empty()).then_some((text, raw, k))
}

/// An IP answer below its label: the address-like cells of the following lines, up to the next
/// part of the form (a wrapped label's other lines are skipped, a list may span several lines).
fn ip_lines(rows: &[Row], label_row: usize, first: usize) -> Option<(String, String, usize)> {
    let mut parts = Vec::new();
    let mut raw = vec![rows[label_row].joined()];
    let mut last = first;
    for (at, row) in rows.iter().enumerate().skip(first).take(8) {
        last = at;
        if row.is_blank() {
            if parts.is_empty() {
                continue;
            }
            break;
        }
        let cells: Vec<&str> = row
            .cells
            .iter()
            .map(|c| c.trim())
            .filter(|c| !c.is_empty())
            .collect();
        if cells.first().is_some_and(|c| is_form_text(c)) {
            // The other lines of a label wrapped in a narrow column carry on; a new part of the
            // form ends the answer.
            if cells
                .first()
                .is_some_and(|c| looks_like_label_fragment(c) && labelled(c).is_none())
            {
                for c in cells.iter().filter(|c| looks_like_ip_text(c)) {
                    parts.push(clean_answer(c));
                }
                continue;
            }
            break;
        }
        let ipish: Vec<&str> = cells
            .iter()
            .copied()
            .filter(|c| looks_like_ip_text(c))
            .collect();
        if ipish.is_empty() {
            // The first line below is the answer even when it is not an address ("TBC").
            if parts.is_empty() && cells.len() == 1 && !looks_like_label_fragment(cells[0]) {
                parts.push(clean_answer(cells[0]));
                raw.push(row.joined());
                break;
            }
            continue;
        }
        for c in ipish {
            parts.push(clean_answer(c));
        }
        raw.push(row.joined());
    }
    let text = parts
        .into_iter()
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("; ");
    // Lines after the answer are for `carry_on`: the answer ends here.
    (!text.is_empty()).then(|| (text, raw.join("\n"), last.min(rows.len().saturating_sub(1))))
}

/// A line that carries on a wrapped IP label ("allowlisting (Partner service", "only)").
fn looks_like_label_fragment(text: &str) -> bool {
    let n = normalise(text);
    !n.chars().any(|c| c.is_ascii_digit())
        && (n.contains("allowlist")
            || n.contains("whitelist")
            || n.contains("partner service")
            || n.ends_with("only)")
            || n.starts_with("ip address")
            || n.starts_with("range"))
}

fn column_below(rows: &[Row], i: usize, j: usize) -> Option<(String, String)> {
    let below = rows.get(i + 1)?;
    let cell = below.cells.get(j)?.trim();
    if cell.is_empty() || is_form_text(cell) {
        return None;
    }
    Some((
        clean_answer(cell),
        format!("{}\n{}", rows[i].joined(), below.joined()),
    ))
}

fn looks_like_ip_text(t: &str) -> bool {
    static IPISH: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"\d{1,3}\.\d{1,3}\.\d{1,3}|[0-9a-fA-F]{1,4}:[0-9a-fA-F]{0,4}:").expect("regex")
    });
    IPISH.is_match(t)
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
    // A longer label phrase on its own ("Static IP address or range for allowlisting"). Names
    // and organisations are left out: "Department of Health" is an answer.
    if !n.contains('@') && !n.chars().any(|c| c.is_ascii_digit()) {
        let label = normalise_label(t);
        if matches!(
            classify_label(&label, false),
            Some(
                Question::Ip
                    | Question::Records
                    | Question::Calls
                    | Question::Terms
                    | Question::UserGuide
            )
        ) {
            return true;
        }
    }
    BOILERPLATE.iter().any(|b| n.starts_with(b))
}

/// The official form's headings and instructions (normalised), which are never answers.
const BOILERPLATE: &[&str] = &[
    "occupation coding service registration",
    "registration form",
    "your details",
    "details",
    "terms of use",
    "service required",
    "select this service",
    "you must also provide",
    "your expected use",
    "expected use",
    "please indicate",
    "user guide agreement",
    "provision of client credentials",
    "the abs will aim",
    "on completion",
    "for more information",
    "the abs complies",
];

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
    const PREFIXES: &[(&str, Question)] = &[
        ("organisation name", Question::Organisation),
        ("organization name", Question::Organisation),
        ("e-mail address", Question::Email),
        ("email address", Question::Email),
        ("contact e-mail", Question::Email),
        ("contact email", Question::Email),
        ("applicant name", Question::FullName),
        ("full name", Question::FullName),
        ("organisation", Question::Organisation),
        ("organization", Question::Organisation),
        ("e-mail", Question::Email),
        ("email", Question::Email),
    ];
    for (prefix, q) in PREFIXES {
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
fn split_at_separator(text: &str) -> Option<(&str, &str)> {
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
fn normalise_label(label: &str) -> String {
    static NUMBERING: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^(?:q?\d{1,2}[.)]\s*|[a-h][.)]\s+|\(\w\)\s+)").expect("regex")
    });
    static SUFFIX: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"\s*(?:\*+|\((?:required|optional|mandatory|please print|in full)\))\s*$")
            .expect("regex")
    });
    let n = normalise(strip_marks(label));
    let n = n
        .trim_start_matches(['·', '•', '-', '*', '◦', '▪', '‣', '>', '○', '●', '–'])
        .trim();
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
fn classify_label(label: &str, strict: bool) -> Option<Question> {
    // One multi-pattern regex, one anchored pass over the label. Every pattern spans the whole
    // label (^…$), so leftmost-first picks the first pattern that matches, as a set would,
    // without a set's overlapping search (which cost more than the rest of the function).
    static STRICT: LazyLock<(Vec<Question>, regex_automata::meta::Regex)> = LazyLock::new(|| {
        let r = |q, p: &str| (q, format!("^(?:{p})$"));
        let patterns: (Vec<Question>, Vec<String>) = vec![
            r(
                Question::FullName,
                r"(?:your |applicant'?s? |contact |legal |person'?s? )?(?:full )?name(?: of (?:the )?(?:applicant|contact person|person))?(?: in full)?|applicant|contact person|name \(first and last\)|first and last name",
            ),
            r(Question::Title, r"title|salutation"),
            r(
                Question::FirstName,
                r"first name|given names?|forename|first names?",
            ),
            r(Question::LastName, r"last name|surname|family name"),
            r(
                Question::Organisation,
                r"(?:your |applicant'?s? |the |name of (?:your |the )?)?(?:organi[sz]ation|agency|company|employer|institution|department|business|entity)(?:\s*(?:/|or|and|&)\s*(?:organi[sz]ation|agency|company|employer|institution|department|business|entity))*(?: name)?|org",
            ),
            r(
                Question::Email,
                r"(?:your |contact |applicant'?s? |work |business |official )?e-? ?mail(?: address)?(?: \(contact\))?|email id",
            ),
            r(Question::Contact, r"contact|contact details"),
            r(
                Question::Terms,
                r"terms(?: of use)?(?: accepted| agreed| agreement| acceptance)?|(?:i )?(?:accept|agree to)(?: the)? terms(?: of use)?|terms and conditions",
            ),
            r(
                Question::UserGuide,
                r"(?:the )?user guide(?: agreement| agreed| accepted)?|(?:i )?agree to (?:read and follow )?(?:the )?user guide",
            ),
            r(
                Question::Service,
                r"(?:coding )?service(?:s)?(?: required| type| requested| selected| chosen| option| sought| applied for)?|type of (?:coding )?service|which service|(?:coding )?service \(public or partner\)|public or partner",
            ),
            r(
                Question::Ip,
                r"(?:static |your |agency |public |allowlisted |whitelisted )?ip(?: address(?:es)?| addresse?\(?e?s?\)?| range| ranges| address or range| address(?:es)? or range(?:s)?)?(?: for (?:allow|white)listing)?|ip\(s\)|ip address\(es\)(?: for (?:allow|white)listing)?|(?:allow|white) ?list(?:ed)?(?: ip)?(?: address(?:es)?)?",
            ),
            r(
                Question::Records,
                r"(?:expected |estimated |peak |max(?:imum)? |daily )?(?:number of )?records(?: to (?:be )?coded?)?(?: you expect to code)?(?: per day| a day| daily)?(?: \((?:peak|per day)\))?",
            ),
            r(
                Question::Calls,
                r"(?:expected |estimated |peak |max(?:imum)? |daily )?(?:number of )?(?:api )?calls(?: \(batch or single record requests\))?(?: you expect to make)?(?: per day| a day| daily)?(?: \((?:peak|per day)\))?",
            ),
        ]
        .into_iter()
        .unzip();
        let (questions, patterns) = patterns;
        (
            questions,
            regex_automata::meta::Regex::new_many(&patterns).expect("regex"),
        )
    });
    let strict_match = |text: &str| {
        let (questions, regex) = &*STRICT;
        regex
            .search(&Input::new(text).anchored(Anchored::Yes))
            .map(|m| questions[m.pattern().as_usize()])
    };
    let label = label.trim();
    if label.is_empty() || label.contains('@') {
        return None;
    }
    if let Some(q) = strict_match(label) {
        return Some(q);
    }
    // "Email (contact)", "Name (in full)", "Organisation (agency)": the note does not change
    // the question.
    if let Some(open) = label.rfind(" (").filter(|_| label.ends_with(')')) {
        let head = label[..open].trim();
        if let Some(q) = strict_match(head) {
            return Some(q);
        }
    }
    if strict {
        return None;
    }
    // With a separator after it, a label may be a longer phrase.
    let words = label.split_whitespace().count();
    let found = LooseWord::found_in(label);
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

/// What the loose label rules look for in a longer label, by the words that show it.
#[derive(Clone, Copy)]
enum LooseWord {
    Ip,
    Email,
    Calls,
    Record,
    SelectThisService,
    Terms,
    UserGuide,
    Service,
    PublicOrPartner,
    Organisation,
    Of,
    Name,
    /// "User name", "file name", "domain name", "host name": not the applicant's name.
    NotAPersonsName,
    Applicant,
}

impl LooseWord {
    const WORDS: &[(&str, LooseWord)] = &[
        ("ip address", LooseWord::Ip),
        ("ip range", LooseWord::Ip),
        ("allowlist", LooseWord::Ip),
        ("whitelist", LooseWord::Ip),
        ("allow list", LooseWord::Ip),
        ("white list", LooseWord::Ip),
        ("static ip", LooseWord::Ip),
        ("ipv4", LooseWord::Ip),
        ("ipv6", LooseWord::Ip),
        ("ip(s)", LooseWord::Ip),
        ("e-mail", LooseWord::Email),
        ("email", LooseWord::Email),
        ("e mail", LooseWord::Email),
        ("api call", LooseWord::Calls),
        ("api request", LooseWord::Calls),
        ("calls per day", LooseWord::Calls),
        ("calls you expect", LooseWord::Calls),
        ("calls a day", LooseWord::Calls),
        ("number of calls", LooseWord::Calls),
        ("requests per day", LooseWord::Calls),
        ("record", LooseWord::Record),
        ("select this service", LooseWord::SelectThisService),
        ("terms of use", LooseWord::Terms),
        ("terms and conditions", LooseWord::Terms),
        ("user guide", LooseWord::UserGuide),
        ("service", LooseWord::Service),
        ("public or partner", LooseWord::PublicOrPartner),
        ("organisation", LooseWord::Organisation),
        ("organization", LooseWord::Organisation),
        ("agency", LooseWord::Organisation),
        ("department", LooseWord::Organisation),
        ("company", LooseWord::Organisation),
        ("employer", LooseWord::Organisation),
        ("institution", LooseWord::Organisation),
        (" of ", LooseWord::Of),
        ("name", LooseWord::Name),
        ("user", LooseWord::NotAPersonsName),
        ("file", LooseWord::NotAPersonsName),
        ("domain", LooseWord::NotAPersonsName),
        ("host", LooseWord::NotAPersonsName),
        ("applicant", LooseWord::Applicant),
    ];

    /// The kinds of word found anywhere in `label`, as a bit set: one pass for all of them
    /// instead of a substring search per word (that was a fifth of `read`).
    fn found_in(label: &str) -> u32 {
        static FINDER: LazyLock<AhoCorasick> = LazyLock::new(|| {
            AhoCorasick::new(LooseWord::WORDS.iter().map(|(w, _)| w)).expect("word finder")
        });
        FINDER.find_overlapping_iter(label).fold(0, |found, m| {
            found | 1 << Self::WORDS[m.pattern().as_usize()].1 as u32
        })
    }
}

/// Which statement a line states, when it is one of the form's tick-box statements.
fn statement_of_uncached(text: &str) -> Option<Statement> {
    static TYPED_MARK: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"^(?i)(?:x|yes|y|no|n)\s*(?:[-–:.)]\s*|\s)").expect("regex"));
    let stripped = strip_marks(text);
    statement_of_unmarked(stripped).or_else(|| {
        let m = TYPED_MARK.find(stripped)?;
        statement_of_unmarked(&stripped[m.end()..])
    })
}

fn statement_of_unmarked(text: &str) -> Option<Statement> {
    let n = normalise(text);
    let n = n.trim_start_matches(['·', '•', '-', '*', ' ']);
    if n.contains("legally bound by the terms")
        || n.starts_with("i have read, understand")
        || n.starts_with("i have read and understand")
        || n.starts_with("i have read, understood")
        || (n.starts_with("i ")
            && n.contains("agree")
            && n.contains("terms of use")
            && n.len() > 30)
    {
        return Some(Statement::Terms);
    }
    if n.starts_with("i agree to read and follow")
        || (n.contains("api integration instructions") && n.contains("user guide"))
        || (n.starts_with("i ") && n.contains("agree") && n.contains("user guide") && n.len() > 30)
    {
        return Some(Statement::UserGuide);
    }
    static SERVICE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^(public|partner)(?: coding)? service(?:\s*\(|\s*[.,;]?\s*$|\s+-\s|\s+–\s)")
            .expect("regex")
    });
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
fn statement_hint(hint: &str) -> Option<Statement> {
    let n = normalise(hint);
    if n.is_empty() {
        return None;
    }
    if let Some(s) = statement_of(&n) {
        return Some(s);
    }
    if n.contains("terms") {
        Some(Statement::Terms)
    } else if n.contains("guide") {
        Some(Statement::UserGuide)
    } else if n.contains("partner") {
        Some(Statement::Partner)
    } else if n.contains("public") {
        Some(Statement::Public)
    } else {
        None
    }
}

/// How a statement at rows[i].cells[j] is marked: a mark in front of it or after it, in the cell
/// beside it, or on a line of its own just before or after.
fn statement_mark(rows: &[Row], i: usize, j: usize) -> Tick {
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
    if let Some((_, rest)) = split_at_separator(cell) {
        if statement_of(rest).is_some() {
            if let Some(on) = leading_mark(rest.trim()) {
                return tick(on);
            }
        }
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
        if let Some(prev_line) = i.checked_sub(1).and_then(|k| rows.get(k)) {
            if let Some(on) = bare_mark(prev_line.joined().trim()) {
                return Tick {
                    ticked: Some(on),
                    raw: format!("{}\n{raw}", prev_line.joined()),
                    from_field: false,
                };
            }
        }
        if let Some(next_line) = rows.get(i + 1) {
            if let Some(on) = bare_mark(next_line.joined().trim()) {
                return Tick {
                    ticked: Some(on),
                    raw: format!("{raw}\n{}", next_line.joined()),
                    from_field: false,
                };
            }
        }
    }
    Tick {
        ticked: None,
        raw,
        from_field: false,
    }
}

const TICKED_GLYPHS: &[char] = &[
    '☒', '☑', '✓', '✔', '✗', '✘', '✅', '⊠', '■', '▣', '◼', '●', '◉', '🗹', '⮽', '⌧', '☓', '✕', '✖',
    '🗷', '🗸',
];
const UNTICKED_GLYPHS: &[char] = &['☐', '□', '○', '◯', '❑', '❒', '▢', '⬜', '◻', '❏', '⚪'];

/// `[x]`, `(x)`, `[ ]`, `( )` and friends at the start of a text: ticked or not, and its length.
fn bracket_mark(t: &str) -> Option<(bool, usize)> {
    static BRACKET: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^[\[\(\{]\s*([xX✓✔✗✘☒☑*/vV]|yes|Yes|YES)?\s*[\]\)\}]").expect("regex")
    });
    // Most text does not start with a bracket: skip the regex.
    if !t.starts_with(['[', '(', '{']) {
        return None;
    }
    let m = BRACKET.captures(t)?;
    Some((m.get(1).is_some(), m.get(0)?.end()))
}

fn leading_mark(cell: &str) -> Option<bool> {
    let t = cell.trim_start_matches(['·', '•', ' ', '\t']);
    let first = t.chars().next()?;
    if TICKED_GLYPHS.contains(&first) {
        return Some(true);
    }
    if UNTICKED_GLYPHS.contains(&first) {
        return Some(false);
    }
    if let Some((on, _)) = bracket_mark(t) {
        return Some(on);
    }
    // A typed "X " or "Yes - " in front of the statement.
    static WORD: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"^(?i)(x|yes|y|no|n)\s*(?:[-–:.)]\s*|\s)").expect("regex"));
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

fn trailing_mark(cell: &str) -> Option<bool> {
    let t = cell.trim_end();
    let last = t.chars().last()?;
    if TICKED_GLYPHS.contains(&last) {
        return Some(true);
    }
    if UNTICKED_GLYPHS.contains(&last) {
        return Some(false);
    }
    static TRAIL: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)(?:[\[\(\{]\s*([xX✓✔*/v]|yes)?\s*[\]\)\}]|[:\-–—]\s*(yes|y|no|n|agreed|agree|i agree|accepted|not agreed|do not agree|don't agree|disagree|ticked|checked|x|true|false))\s*$")
            .expect("regex")
    });
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
fn bare_mark(text: &str) -> Option<bool> {
    let t = text.trim();
    if t.is_empty() {
        return None;
    }
    let mut chars = t.chars();
    let first = chars.next()?;
    if chars.as_str().trim().is_empty() {
        if TICKED_GLYPHS.contains(&first) || first == 'X' || first == 'x' {
            return Some(true);
        }
        if UNTICKED_GLYPHS.contains(&first) {
            return Some(false);
        }
    }
    if let Some((on, len)) = bracket_mark(t) {
        if t[len..].trim().is_empty() {
            return Some(on);
        }
    }
    yes_no(t)
}

/// Yes/no words applicants use for the agreements.
fn yes_no(text: &str) -> Option<bool> {
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
            if TICKED_GLYPHS.contains(&c) {
                Some(true)
            } else if UNTICKED_GLYPHS.contains(&c) {
                Some(false)
            } else {
                None
            }
        })
    {
        return Some(on);
    }
    const NO: &[&str] = &[
        "no",
        "n",
        "not agreed",
        "do not agree",
        "don't agree",
        "dont agree",
        "disagree",
        "i do not agree",
        "i don't agree",
        "declined",
        "decline",
        "not accepted",
        "false",
        "unticked",
        "unchecked",
        "not ticked",
        "no, i do not agree",
        "i disagree",
        "not yet",
        "nope",
    ];
    const YES: &[&str] = &[
        "yes",
        "y",
        "agreed",
        "agree",
        "i agree",
        "accepted",
        "accept",
        "i accept",
        "true",
        "ticked",
        "checked",
        "x",
        "ok",
        "okay",
        "confirmed",
        "i confirm",
        "yes, i agree",
        "yes i agree",
        "yes - i agree",
        "yes, agreed",
        "agreed and accepted",
        "i have read and agree",
        "yes, i accept",
        "yes (agreed)",
        "yes - agreed",
        "done",
        "i agree to the terms of use",
        "i agree to read and follow the user guide",
    ];
    if NO.contains(&n) {
        return Some(false);
    }
    if YES.contains(&n) {
        return Some(true);
    }
    if n.starts_with("yes") || n.starts_with("i agree") || n.starts_with("agreed") {
        return Some(true);
    }
    if n.starts_with("no ")
        || n.starts_with("no,")
        || n.starts_with("not agreed")
        || n.starts_with("do not agree")
    {
        return Some(false);
    }
    None
}

fn yes_no_tick(answer: &Answer) -> Tick {
    Tick {
        ticked: yes_no(&answer.text),
        raw: answer.raw.clone(),
        from_field: answer.from_field,
    }
}

/// Drops the tick marks at the start of a text.
fn strip_marks(text: &str) -> &str {
    let mut t = text.trim_start();
    loop {
        let Some(first) = t.chars().next() else {
            return t;
        };
        if TICKED_GLYPHS.contains(&first) || UNTICKED_GLYPHS.contains(&first) {
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

/// Lower case, one kind of quote and dash, single spaces.
fn normalise(text: &str) -> String {
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
fn clean_answer(text: &str) -> String {
    let mut t = text.trim();
    // The bracketed blank: the answer is inside it.
    if let Some(start) = t.find('[') {
        if let Some(end) = t[start..].find(']') {
            let inner = &t[start + 1..start + end];
            let after = t[start + end + 1..].trim();
            t = if after.is_empty()
                || inner.trim_matches(['_', ' ', '.']).is_empty() && !after.is_empty()
            {
                if inner.trim_matches(['_', ' ', '.']).is_empty() {
                    after
                } else {
                    inner
                }
            } else {
                inner
            };
        } else {
            t = &t[start + 1..];
        }
    }
    let t = t
        .trim()
        .trim_start_matches([':', '-', '–', '—', '=', '|', '·', '•', ' '])
        .trim();
    let t = t.trim_matches('_').trim();
    let t = t.trim_end_matches(['_', ']', '|']).trim();
    let n = normalise(t);
    const PLACEHOLDERS: &[&str] = &[
        "click or tap here to enter text.",
        "click or tap here to enter text",
        "click here to enter text.",
        "click here to enter text",
        "enter text here",
        "type here",
        "choose an item.",
        "choose an item",
    ];
    if PLACEHOLDERS.contains(&n.as_str())
        || t.chars().all(|c| c == '_' || c == '.' || c.is_whitespace())
    {
        return String::new();
    }
    t.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// "FullName", "txt_organisation", "Check Box4" → words a label matcher understands.
fn humanise_name(name: &str) -> String {
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
    let n = n
        .strip_prefix("txt ")
        .or_else(|| n.strip_prefix("chk "))
        .or_else(|| n.strip_prefix("cb "))
        .unwrap_or(&n);
    n.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::{Line, Source};

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
        memo_clear();
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
            assert!(
                MEMO.with(|m| m.borrow().labelled.contains_key(text)),
                "{text:?} not memoised"
            );
        }
        memo_clear();
    }

    fn doc(lines: &[&[&str]]) -> Document {
        let mut d = Document::new(Source::Body);
        for l in lines {
            d.lines.push(Line {
                cells: l.iter().map(|c| c.to_string()).collect(),
            });
        }
        d
    }

    fn text_doc(text: &str) -> Document {
        crate::extract::body::read(text)
    }

    fn val(a: &Option<Answer>) -> &str {
        a.as_ref().map(|a| a.text.as_str()).unwrap_or("")
    }

    const OFFICIAL_FILLED: &str = "Occupation Coding Service Registration Form\n\nYour Details\n\tFull name\n\tDr Jane Citizen\n\n\tOrganisation\n\tAustralian National University\n\n\tContact email\n\tJane.Citizen@anu.edu.au\n\nTerms of Use\n☒ I have read, understand, and agree to be legally bound by the Terms of Use of the Australian Bureau of Statistics Occupation Coding Service.\n\nService required\n☐ Public coding service (1 API call per second and up to 1,000 calls per day).\nSelect this service if you require real-time single record coding services, ad hoc coding, or real-time coding of small batches of data (up to 300 records).\n\n☒ Partner coding service (Large batch coding, and real-time coding (1 API call per second and up to 10,000 real-time calls per day)).\nSelect this service if you require single record, small batch and large dataset processing (up to millions of records). You must also provide a static agency IP address or range of addresses for allowlisting (not a local, personal, workstation or dynamic IP address):  [ 150.203.4.0/24 ]\n\nYour expected use\nPlease indicate the approximate maximum number per day in a peak period of:\n· records you expect to code: [ 50,000 ]\n· API calls (batch or single record requests) you expect to make: [ 2,000 ]\nYour expected use will inform the ABS expectation of your fair use, as defined in the Terms of Use.\n\nUser Guide agreement\n☒ I agree to read and follow the API integration instructions in the Occupation Coding Service User Guide.\n\nProvision of client credentials\nThe ABS will aim to provide you with client credentials.\n";

    #[test]
    fn official_layout_label_then_answer_lines() {
        let a = read(&text_doc(OFFICIAL_FILLED)).expect("a form");
        assert_eq!(val(&a.full_name), "Dr Jane Citizen");
        assert_eq!(val(&a.organisation), "Australian National University");
        assert_eq!(val(&a.contact_email), "Jane.Citizen@anu.edu.au");
        assert_eq!(a.terms.ticked, Some(true));
        assert_eq!(a.public_service.ticked, Some(false));
        assert_eq!(a.partner_service.ticked, Some(true));
        assert_eq!(val(&a.ip_allowlist), "150.203.4.0/24");
        assert_eq!(val(&a.expected_records), "50,000");
        assert_eq!(val(&a.expected_calls), "2,000");
        assert_eq!(a.user_guide.ticked, Some(true));
    }

    #[test]
    fn blank_official_form_has_no_answers() {
        let blank = OFFICIAL_FILLED
            .replace("\tDr Jane Citizen\n", "\t \n")
            .replace("\tAustralian National University\n", "\t\n")
            .replace("\tJane.Citizen@anu.edu.au\n", "\n")
            .replace("☒", "☐")
            .replace(
                "[ 150.203.4.0/24 ]",
                "[___________________________________________________]",
            )
            .replace("[ 50,000 ]", "[ __________________ ]")
            .replace("[ 2,000 ]", "[ ______________ ]");
        let a = read(&text_doc(&blank)).expect("still a form");
        assert_eq!(a.full_name, None);
        assert_eq!(a.organisation, None);
        assert_eq!(a.contact_email, None);
        assert_eq!(a.ip_allowlist, None);
        assert_eq!(a.expected_records, None);
        assert_eq!(a.expected_calls, None);
        assert_eq!(a.terms.ticked, Some(false));
        assert_eq!(a.public_service.ticked, Some(false));
        assert_eq!(a.partner_service.ticked, Some(false));
    }

    #[test]
    fn table_layout_label_cell_answer_cell() {
        let d = doc(&[
            &["Full name", "Prof. Mary-Jane O'Brien"],
            &["Organisation", "University of Canberra"],
            &["Contact email", "mj.obrien@canberra.edu.au"],
            &[
                "☒",
                "I have read, understand, and agree to be legally bound by the Terms of Use.",
            ],
            &[
                "☒",
                "Public coding service (1 API call per second and up to 1,000 calls per day).",
            ],
            &["☐", "Partner coding service (Large batch coding)."],
            &["Records per day (peak)", "300"],
            &["API calls per day", "approx. 250"],
            &["User Guide agreement", "Yes"],
        ]);
        let a = read(&d).expect("a form");
        assert_eq!(val(&a.full_name), "Prof. Mary-Jane O'Brien");
        assert_eq!(val(&a.organisation), "University of Canberra");
        assert_eq!(a.terms.ticked, Some(true));
        assert_eq!(a.public_service.ticked, Some(true));
        assert_eq!(a.partner_service.ticked, Some(false));
        assert_eq!(val(&a.expected_records), "300");
        assert_eq!(val(&a.expected_calls), "approx. 250");
        assert_eq!(a.user_guide.ticked, Some(true));
    }

    #[test]
    fn retyped_inline_answers_with_label_variants() {
        let text = "Hi team,\n\nName: Sam Lee\nOrganization - ACME Analytics Pty Ltd\nE-mail address : Sam.Lee@acme.com.au\nTerms of Use: Agreed\nService: Partner\nIP address(es) for allowlisting: 203.2.218.10 - 203.2.218.20\nRecords per day (peak): 1.2 million\nAPI calls you expect to make: 9,000\nUser Guide: Y\n\nThanks, Sam";
        let a = read(&text_doc(text)).expect("a form");
        assert_eq!(val(&a.full_name), "Sam Lee");
        assert_eq!(val(&a.organisation), "ACME Analytics Pty Ltd");
        assert_eq!(val(&a.contact_email), "Sam.Lee@acme.com.au");
        assert_eq!(a.terms.ticked, Some(true));
        assert_eq!(a.partner_service.ticked, Some(true));
        assert_eq!(a.public_service.ticked, Some(false));
        assert_eq!(val(&a.ip_allowlist), "203.2.218.10 - 203.2.218.20");
        assert_eq!(val(&a.expected_records), "1.2 million");
        assert_eq!(val(&a.expected_calls), "9,000");
        assert_eq!(a.user_guide.ticked, Some(true));
    }

    #[test]
    fn deleted_option_is_the_choice() {
        let text = OFFICIAL_FILLED
            .replace("☐ Public coding service (1 API call per second and up to 1,000 calls per day).\nSelect this service if you require real-time single record coding services, ad hoc coding, or real-time coding of small batches of data (up to 300 records).\n", "")
            .replace("☒ Partner", "Partner");
        let a = read(&text_doc(&text)).expect("a form");
        assert_eq!(a.partner_service.ticked, Some(true));
        assert_eq!(a.public_service.ticked, None);
    }

    #[test]
    fn neither_service_marked_with_both_present() {
        let text = OFFICIAL_FILLED
            .replace("☒ Partner", "Partner")
            .replace("☐ Public", "Public");
        let a = read(&text_doc(&text)).expect("a form");
        assert_eq!(a.partner_service.ticked, Some(false));
        assert_eq!(a.public_service.ticked, Some(false));
    }

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
    fn column_headings_with_answers_below() {
        let d = doc(&[
            &["Full name", "Organisation", "Contact email"],
            &["Lee Wong", "Dept of Finance", "lee.wong@finance.gov.au"],
            &["☒ I have read, understand, and agree to be legally bound by the Terms of Use."],
        ]);
        let a = read(&d).expect("a form");
        assert_eq!(val(&a.full_name), "Lee Wong");
        assert_eq!(val(&a.organisation), "Dept of Finance");
        assert_eq!(val(&a.contact_email), "lee.wong@finance.gov.au");
    }

    #[test]
    fn organisation_answer_that_looks_like_a_word_of_a_label() {
        let text = "Full name\nAlex Smith\nOrganisation\nDepartment of Health and Aged Care\nContact email\nalex@health.gov.au\nService required\nPublic";
        let a = read(&text_doc(text)).expect("a form");
        assert_eq!(val(&a.organisation), "Department of Health and Aged Care");
        assert_eq!(a.public_service.ticked, Some(true));
    }

    #[test]
    fn ip_note_is_kept_for_validation_and_boilerplate_is_not() {
        let text = OFFICIAL_FILLED.replace(
            "[ 150.203.4.0/24 ]",
            "[ 150.203.4.7 (home broadband – dynamic) ]",
        );
        let a = read(&text_doc(&text)).expect("a form");
        assert_eq!(
            val(&a.ip_allowlist),
            "150.203.4.7 (home broadband – dynamic)"
        );
    }

    #[test]
    fn not_a_form() {
        assert!(
            read(&text_doc(
                "Hi,\nWhen will my credentials arrive?\nThanks\nJane\nEmail: jane@x.com"
            ))
            .is_none()
        );
        assert!(read(&text_doc("")).is_none());
    }

    #[test]
    fn named_fields_fill_gaps() {
        let mut d = doc(&[&["Occupation Coding Service Registration Form"]]);
        let f = |name: &str, tip: &str, v: FieldValue| Field {
            name: name.into(),
            tooltip: tip.into(),
            nearby_text: String::new(),
            value: v,
        };
        d.fields = vec![
            f("Text1", "Full name", FieldValue::Text("Kim Nguyen".into())),
            f(
                "Organisation",
                "",
                FieldValue::Text("Geoscience Australia".into()),
            ),
            f("txtEmail", "", FieldValue::Text("kim@ga.gov.au".into())),
            f(
                "Check Box4",
                "I have read, understand, and agree to be legally bound by the Terms of Use",
                FieldValue::Check(true),
            ),
            f("PartnerService", "", FieldValue::Check(true)),
            f("PublicService", "", FieldValue::Check(false)),
        ];
        let a = read(&d).expect("a form");
        assert_eq!(val(&a.full_name), "Kim Nguyen");
        assert_eq!(val(&a.organisation), "Geoscience Australia");
        assert_eq!(val(&a.contact_email), "kim@ga.gov.au");
        assert_eq!(a.terms.ticked, Some(true));
        assert!(a.terms.from_field);
        assert_eq!(a.partner_service.ticked, Some(true));
        assert_eq!(a.public_service.ticked, Some(false));
    }

    #[test]
    fn printed_table_with_narrow_gap() {
        let text = "Your Details\nFull name      Dr Jane Citizen\n\nOrganisation Australian National University\n\nContact email jane.citizen@anu.edu.au\n\nTerms of Use\n☒ I have read, understand, and agree to be legally bound by the Terms of Use of\nthe Australian Bureau of Statistics Occupation Coding Service.\n";
        let a = read(&text_doc(text)).expect("a form");
        assert_eq!(val(&a.full_name), "Dr Jane Citizen");
        assert_eq!(val(&a.organisation), "Australian National University");
        assert_eq!(val(&a.contact_email), "jane.citizen@anu.edu.au");
        assert_eq!(a.terms.ticked, Some(true));
    }

    #[test]
    fn printed_table_with_wrapped_labels() {
        let text = "Full name                           Daniel Kim\nOrganisation                        Kim & Co Research\nContact email                       daniel@kimco.com.au\nService required                    ☒ Partner coding service (Large batch coding, and real-time\nStatic IP address or range for\n                                    150.203.8.0/24\nallowlisting (Partner service\n                                    2001:388:2000::/48\nonly)\nRecords you expect to code\n                                    2000\nper day (peak)\nAPI calls you expect to make\n                                    1,500\nper day (peak)\n";
        let a = read(&text_doc(text)).expect("a form");
        assert_eq!(val(&a.ip_allowlist), "150.203.8.0/24; 2001:388:2000::/48");
        assert_eq!(val(&a.expected_records), "2000");
        assert_eq!(val(&a.expected_calls), "1,500");
        assert_eq!(a.partner_service.ticked, Some(true));
        let one_line = text.replace("Static IP address or range for\n                                    150.203.8.0/24\nallowlisting (Partner service\n                                    2001:388:2000::/48\n", "Static IP address or range for\nallowlisting (Partner service        100.64.1.1\n");
        let a = read(&text_doc(&one_line)).expect("a form");
        assert_eq!(val(&a.ip_allowlist), "100.64.1.1");
    }

    #[test]
    fn two_statements_in_one_cell() {
        let d = doc(&[
            &["Full name", "Ms Aroha Ngata"],
            &["Organisation", "Department of Finance"],
            &["Contact email", "aroha.ngata@finance.gov.au"],
            &[
                "Service required",
                "☒ Public coding service (1 API call per second). ☐ Partner coding service (Large batch coding).",
            ],
            &[
                "Static IP address or range for allowlisting (Partner service only)",
                "",
            ],
        ]);
        let a = read(&d).expect("a form");
        assert_eq!(a.public_service.ticked, Some(true));
        assert_eq!(a.partner_service.ticked, Some(false));
        assert_eq!(a.ip_allowlist, None);
    }

    #[test]
    fn typed_x_and_tick_cells_under_a_service_heading() {
        let text = OFFICIAL_FILLED
            .replace("☒ Partner", "X Partner")
            .replace("☐ Public", "Public");
        let a = read(&text_doc(&text)).expect("a form");
        assert_eq!(a.partner_service.ticked, Some(true));
        assert_eq!(a.public_service.ticked, Some(false));
        let d = doc(&[
            &["Full name", "Marco Bianchi"],
            &["Organisation", "Bianchi Survey Research"],
            &["Service required"],
            &[
                "☐",
                "Public coding service (1 API call per second and up to 1,000 calls per day).",
            ],
            &["☒", "Partner coding service (Large batch coding)."],
            &["IP address(es)", "203.10.76.45"],
        ]);
        let a = read(&d).expect("a form");
        assert_eq!(a.partner_service.ticked, Some(true));
        assert_eq!(a.public_service.ticked, Some(false));
    }

    #[test]
    fn written_service_with_marks() {
        assert_eq!(services_named("☒ Public ☐ Partner"), (true, false));
        assert_eq!(services_named("[ ] public [x] partner"), (false, true));
        assert_eq!(services_named("Partner coding service"), (false, true));
        assert_eq!(services_named("Partner (not public)"), (false, true));
    }

    #[test]
    fn shapes_from_the_second_fixture_set() {
        // Tabs typed twice, a mark after the label, a written service with marks.
        let text = "Full name\t\tDr Rosa Bianchi\nAgency/Department\nDepartment of Foreign Affairs and Trade\nContact email\t\trosa@aff.gov.au\nTerms of Use: [✓] I have read, understand, and agree to be legally bound by the Terms of Use\nService required: [ ] Public coding service   [X] Partner coding service\nIP address: [ 203.2.218.40\n2001:db8:abcd::/48 ]\nUser Guide\t☒ Agreed";
        let a = read(&text_doc(text)).expect("a form");
        assert_eq!(val(&a.full_name), "Dr Rosa Bianchi");
        assert_eq!(
            val(&a.organisation),
            "Department of Foreign Affairs and Trade"
        );
        assert_eq!(a.terms.ticked, Some(true));
        assert_eq!(a.partner_service.ticked, Some(true));
        assert_ne!(a.public_service.ticked, Some(true));
        assert_eq!(val(&a.ip_allowlist), "203.2.218.40; 2001:db8:abcd::/48");
        assert_eq!(a.user_guide.ticked, Some(true));
        // An organisation named after a dash, a third column of notes, wrapped cells.
        let d = doc(&[
            &["Organisation", "Department of Health – Workforce Data"],
            &["Full name", "Dr. Seán Murphy"],
            &["Contact email", "sean@humanrights.gov.au"],
            &["Approx. API calls per day", "", "will confirm"],
            &["I have read and agree to", "✓"],
            &["the Terms of Use"],
        ]);
        let a = read(&d).expect("a form");
        assert_eq!(
            val(&a.organisation),
            "Department of Health – Workforce Data"
        );
        assert_eq!(a.expected_calls, None);
        assert_eq!(a.terms.ticked, Some(true));
        let d = doc(&[
            &["Full name", "Dr. Seán Murphy"],
            &["Organisation", "Australian Human Rights"],
            &["Commission"],
            &["Contact email", "sean@humanrights.gov.au"],
            &[
                "IP address(es)",
                "164.97.150.10; 164.97.150.11 and",
                "static, agency",
            ],
            &["164.97.150.12", "proxy"],
            &["Records per day", "40 000"],
        ]);
        let a = read(&d).expect("a form");
        assert_eq!(val(&a.organisation), "Australian Human Rights Commission");
        assert_eq!(
            val(&a.ip_allowlist),
            "164.97.150.10; 164.97.150.11 and; 164.97.150.12"
        );
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
    }
}
