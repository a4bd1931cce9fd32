//! A document's named form fields (AcroForm fields, Word content controls, legacy fields) in →
//! answers and marked statements out, into `Collected`. A field is tied to a question by its
//! name, else its tooltip, else the text printed nearest it; they fill what the page text left
//! open.

use super::Tick;
use super::collect::Collected;
use super::labels::{classify_label, normalise_label, statement_hint, statement_of};
use super::text::{clean_answer, humanise_name};
use crate::extract::{Field, FieldValue};

pub(crate) fn read_fields(fields: &[Field], found: &mut Collected) {
    for f in fields {
        let hints = [
            humanise_name(&f.name),
            f.tooltip.clone(),
            f.nearby_text.clone(),
        ];
        match &f.value {
            FieldValue::Check(on) => {
                let Some((at, stmt)) = hints
                    .iter()
                    .enumerate()
                    .find_map(|(i, h)| statement_hint(h).map(|s| (i, s)))
                else {
                    continue;
                };
                // A box named for the statement, or printed beside the statement itself, is
                // part of the form; one whose nearby words merely mention a guide or terms
                // (a job checklist's "the user guide for the e-recruitment system") marks it
                // but is no evidence that the document is the form.
                if at < 2 || statement_of(&f.nearby_text) == Some(stmt) {
                    found.saw_statement(stmt);
                }
                found.mark(
                    stmt,
                    Tick {
                        ticked: Some(*on),
                        raw: format!("{} = {}", f.name, if *on { "checked" } else { "unchecked" }),
                        from_field: true,
                        place: f.place,
                    },
                );
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
                found.saw_label(q);
                let raw = format!("{} = {}", f.name, value.trim());
                found.answer(q, text, raw, true, f.place);
            }
        }
    }
}
