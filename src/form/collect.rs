//! What the readers of a document's text and named fields found, in the order they found it →
//! the form's `Answers` out. Every reader (page text, named fields, and any added later) reports
//! here through `answer`, `mark` and `saw_statement`; the rules for which of several findings
//! wins, whether the document is a form at all, and which service was chosen live here only.

use super::marks::{services_named, yes_no};
use super::rows::Row;
use super::vocabulary::{FORM_MENTIONS, Question, Statement};
use super::{Answer, Answers, Tick};
use crate::extract::Place;

/// The findings so far.
#[derive(Default)]
pub(crate) struct Collected {
    written: WrittenAnswers,
    marks: StatementMarks,
    seen: PartsSeen,
}

/// The first non-empty written answer to each question.
#[derive(Default)]
struct WrittenAnswers([Option<Answer>; Question::COUNT]);

/// Per tick-box statement: how the statement itself is marked, and (Terms, User Guide) the
/// yes/no written after its label ("Terms of Use: Agreed").
#[derive(Default)]
struct StatementMarks {
    marked: [Option<Tick>; Statement::COUNT],
    answered: [Tick; Statement::COUNT],
}

/// Which parts of the form were seen (a label, answered or not, or a statement), to decide
/// whether a document is a form.
#[derive(Default)]
struct PartsSeen(u16);

/// The parts `PartsSeen` counts: a question's name parts and a name count once, as do an
/// agreement's label and its statement.
#[derive(Clone, Copy)]
enum Part {
    Name,
    Organisation,
    Email,
    Terms,
    Service,
    Ip,
    Records,
    Calls,
    UserGuide,
    Public,
    Partner,
}

impl PartsSeen {
    fn insert(&mut self, part: Part) {
        self.0 |= 1 << part as u16;
    }
    /// The form-structure score of the parts seen (see `looks_like_form`).
    fn score(&self) -> u32 {
        const ALL: [Part; 11] = [
            Part::Name,
            Part::Organisation,
            Part::Email,
            Part::Terms,
            Part::Service,
            Part::Ip,
            Part::Records,
            Part::Calls,
            Part::UserGuide,
            Part::Public,
            Part::Partner,
        ];
        ALL.iter()
            .filter(|&&p| self.0 & (1 << p as u16) != 0)
            .map(|&p| match p {
                Part::Name | Part::Organisation | Part::Email => GENERIC_PART,
                _ => OWN_PART,
            })
            .sum()
    }
}

/// Score of a question every form asks (name, organisation, e-mail).
const GENERIC_PART: u32 = 1;
/// Score of a question or statement of this form's own.
const OWN_PART: u32 = 2;
/// Score of a mention of the service or the form by name.
const MENTION: u32 = 2;
/// The score from which a document is read as the registration form.
const FORM_SCORE: u32 = 5;

fn question_part(q: Question) -> Part {
    match q {
        Question::FullName | Question::Title | Question::FirstName | Question::LastName => {
            Part::Name
        }
        Question::Organisation => Part::Organisation,
        Question::Email | Question::Contact => Part::Email,
        Question::Terms => Part::Terms,
        Question::Service => Part::Service,
        Question::Ip => Part::Ip,
        Question::Records => Part::Records,
        Question::Calls => Part::Calls,
        Question::UserGuide => Part::UserGuide,
    }
}

fn statement_part(s: Statement) -> Part {
    match s {
        Statement::Terms => Part::Terms,
        Statement::Public => Part::Public,
        Statement::Partner => Part::Partner,
        Statement::UserGuide => Part::UserGuide,
    }
}

impl Collected {
    /// A question's label was seen, answered or not.
    pub(crate) fn saw_label(&mut self, q: Question) {
        self.seen.insert(question_part(q));
    }

    /// A tick-box statement was seen, marked or not.
    pub(crate) fn saw_statement(&mut self, stmt: Statement) {
        self.seen.insert(statement_part(stmt));
    }

    /// How a statement is marked. The first mention decides, unless it said nothing and a later
    /// one does.
    pub(crate) fn mark(&mut self, stmt: Statement, tick: Tick) {
        let slot = &mut self.marks.marked[stmt as usize];
        match slot {
            Some(t) if t.ticked.is_some() => {}
            _ => *slot = Some(tick),
        }
    }

    /// A written answer to a question; the first non-empty one to each question is kept. An
    /// answer to an agreement's label is read as yes/no; a "Contact" answer is an e-mail when it
    /// holds an `@`, else a name.
    pub(crate) fn answer(
        &mut self,
        q: Question,
        text: String,
        raw: String,
        from_field: bool,
        place: Option<Place>,
    ) {
        let answer = Answer {
            text,
            raw,
            from_field,
            place,
        };
        let agreement = match q {
            Question::Terms => Some(Statement::Terms),
            Question::UserGuide => Some(Statement::UserGuide),
            Question::Contact => {
                let lower = answer.text.to_lowercase();
                let address_like = answer.text.contains('@')
                    || ["(at)", "[at]", "{at}"].iter().any(|at| lower.contains(at));
                let q = if address_like {
                    Question::Email
                } else {
                    Question::FullName
                };
                return self.answer(q, answer.text, answer.raw, from_field, answer.place);
            }
            _ => None,
        };
        if let Some(stmt) = agreement {
            let slot = &mut self.marks.answered[stmt as usize];
            if slot.ticked.is_none() {
                *slot = Tick {
                    ticked: yes_no(&answer.text),
                    raw: answer.raw,
                    from_field: answer.from_field,
                    place: answer.place,
                };
            }
            return;
        }
        let slot = &mut self.written.0[q as usize];
        if slot.is_none() {
            *slot = Some(answer);
        }
    }

    /// A document is a form when it shows enough of the form's own structure: a score over
    /// the parts seen, where the questions any form asks (name, organisation, e-mail) count
    /// `GENERIC_PART` and this form's own questions and statements (terms, services, IP,
    /// records, calls, User Guide) `OWN_PART`, plus `MENTION` when the text names the service
    /// or the form. Three generic questions and no more are not enough: a CV or a job
    /// checklist asks them too (its "user guide" boxes are not the form's, see `fields`).
    pub(crate) fn looks_like_form(&self, rows: &[Row]) -> bool {
        let parts = self.seen.score();
        if parts >= FORM_SCORE {
            return true;
        }
        let mentions_service = rows.iter().take(4000).any(|r| {
            let t = r.joined().to_lowercase();
            FORM_MENTIONS.iter().any(|m| t.contains(m))
        });
        mentions_service && parts + MENTION >= FORM_SCORE
    }

    /// How many questions and statements have an answer or a determined mark.
    pub(crate) fn answered(&self) -> usize {
        let written = self.written.0.iter().filter(|a| a.is_some()).count();
        let marked = self
            .marks
            .marked
            .iter()
            .filter(|t| t.as_ref().is_some_and(|t| t.ticked.is_some()))
            .count();
        written + marked
    }

    pub(crate) fn finish(mut self) -> Answers {
        let mut take = |q: Question| self.written.0[q as usize].take();
        let mut full_name = take(Question::FullName);
        let (title, first_name, last_name) = (
            take(Question::Title),
            take(Question::FirstName),
            take(Question::LastName),
        );
        if full_name.is_none() && (first_name.is_some() || last_name.is_some()) {
            let parts: Vec<&Answer> = [&title, &first_name, &last_name]
                .into_iter()
                .flatten()
                .collect();
            full_name = Some(Answer {
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
                place: parts.iter().find_map(|p| p.place),
            });
        }
        let (public_service, partner_service) = self.service_ticks();
        let agreement = |marks: &mut StatementMarks, stmt: Statement| {
            pick_tick(
                marks.marked[stmt as usize].take(),
                &marks.answered[stmt as usize],
            )
        };
        let terms = agreement(&mut self.marks, Statement::Terms);
        let user_guide = agreement(&mut self.marks, Statement::UserGuide);
        let mut take = |q: Question| self.written.0[q as usize].take();
        Answers {
            full_name,
            organisation: take(Question::Organisation),
            contact_email: take(Question::Email),
            terms,
            public_service,
            partner_service,
            ip_allowlist: take(Question::Ip),
            expected_records: take(Question::Records),
            expected_calls: take(Question::Calls),
            user_guide,
        }
    }

    /// Which service is chosen: a written answer wins; else the ticked statements; else, when the
    /// applicant deleted the option they did not want and ticked nothing, the one left.
    fn service_ticks(&self) -> (Tick, Tick) {
        if let Some(answer) = &self.written.0[Question::Service as usize] {
            let (public, partner) = services_named(&answer.text);
            if public || partner {
                let tick = |on: bool| Tick {
                    ticked: Some(on),
                    raw: answer.raw.clone(),
                    from_field: answer.from_field,
                    place: answer.place,
                };
                return (tick(public), tick(partner));
            }
        }
        let public = self.marks.marked[Statement::Public as usize].clone();
        let partner = self.marks.marked[Statement::Partner as usize].clone();
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

/// An agreement: the statement's own mark when it has one, else the yes/no after its label.
fn pick_tick(statement: Option<Tick>, answer: &Tick) -> Tick {
    match statement {
        Some(t) if t.ticked.is_some() => t,
        _ if answer.ticked.is_some() => answer.clone(),
        Some(t) => t,
        None => Tick::default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tick(on: Option<bool>, raw: &str) -> Tick {
        Tick {
            ticked: on,
            raw: raw.into(),
            from_field: false,
            place: None,
        }
    }

    #[test]
    fn first_answer_and_first_telling_mark_win() {
        let mut c = Collected::default();
        c.answer(
            Question::Organisation,
            "ANU".into(),
            "a".into(),
            false,
            None,
        );
        c.answer(
            Question::Organisation,
            "CSIRO".into(),
            "b".into(),
            false,
            None,
        );
        c.answer(Question::Contact, "jo@x.au".into(), "c".into(), false, None);
        c.answer(
            Question::Contact,
            "Jo Bloggs".into(),
            "d".into(),
            false,
            None,
        );
        c.mark(Statement::Terms, tick(None, "unmarked"));
        c.mark(Statement::Terms, tick(Some(true), "marked"));
        c.mark(Statement::Terms, tick(Some(false), "later"));
        c.answer(
            Question::UserGuide,
            "No".into(),
            "guide: no".into(),
            false,
            None,
        );
        let a = c.finish();
        assert_eq!(a.organisation.map(|a| a.text).as_deref(), Some("ANU"));
        assert_eq!(a.contact_email.map(|a| a.text).as_deref(), Some("jo@x.au"));
        assert_eq!(a.full_name.map(|a| a.text).as_deref(), Some("Jo Bloggs"));
        assert_eq!(
            (a.terms.ticked, a.terms.raw.as_str()),
            (Some(true), "marked")
        );
        assert_eq!(a.user_guide.ticked, Some(false));
    }

    #[test]
    fn name_parts_make_a_full_name() {
        let mut c = Collected::default();
        c.answer(Question::Title, "Dr".into(), "t".into(), true, None);
        c.answer(Question::LastName, "Citizen".into(), "l".into(), true, None);
        c.answer(Question::FirstName, "Jane".into(), "f".into(), true, None);
        let name = c.finish().full_name.expect("a name");
        assert_eq!(
            (name.text.as_str(), name.raw.as_str()),
            ("Dr Jane Citizen", "t\nf\nl")
        );
        assert!(name.from_field);
    }

    #[test]
    fn parts_seen_decide_whether_it_is_a_form() {
        let mut c = Collected::default();
        for q in [
            Question::FirstName,
            Question::LastName,
            Question::Contact,
            Question::Email,
        ] {
            c.saw_label(q);
        }
        c.saw_statement(Statement::Terms);
        assert_eq!(
            c.seen.score(),
            4,
            "name parts count once, contact is the e-mail"
        );
        assert!(!c.looks_like_form(&[]));
        let mention = Row::of(vec!["Occupation Coding Service".into()]);
        assert!(c.looks_like_form(&[mention]));
        c.saw_label(Question::Terms);
        assert_eq!(
            c.seen.score(),
            4,
            "an agreement's label and statement count once"
        );
        c.saw_statement(Statement::Partner);
        assert!(c.looks_like_form(&[]));
    }

    #[test]
    fn the_questions_every_form_asks_are_not_enough() {
        let mut c = Collected::default();
        for q in [Question::FullName, Question::Email, Question::Organisation] {
            c.saw_label(q);
        }
        assert!(!c.looks_like_form(&[]));
        c.saw_label(Question::Records);
        assert!(c.looks_like_form(&[]));
    }
}
