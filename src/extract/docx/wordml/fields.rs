//! Complex fields in (`fldChar` begin … separate … end, `instrText`, legacy `w:ffData`) →
//! `Field`s for text, check box, drop-down and FILLIN form fields, with ☒ / ☐ in the text.

use super::{ComplexField, FormData, FormKind, MAX_OPEN_FIELDS, WordHandler};
use crate::extract::docx::build::add_field;
use crate::extract::docx::xml::Element;
use crate::extract::{Field, FieldValue};

/// The prompt of a `FILLIN "prompt" \\d "default"` instruction.
fn fillin_prompt(instr: &str) -> String {
    let rest = instr.trim_start();
    let rest = rest.get("FILLIN".len()..).unwrap_or_default().trim_start();
    if let Some(quoted) = rest.strip_prefix('"') {
        quoted
            .split('"')
            .next()
            .unwrap_or_default()
            .trim()
            .to_string()
    } else {
        rest.split_whitespace()
            .next()
            .filter(|w| !w.starts_with('\\'))
            .unwrap_or_default()
            .to_string()
    }
}

impl WordHandler<'_> {
    pub(super) fn start_fld_char(&mut self, el: &Element) {
        let mut kind = el.attr("fldCharType").unwrap_or_default().to_string();
        // Fields nested past the bound are counted, not tracked (bounds time and memory).
        if self.fields_overflow > 0 || (kind == "begin" && self.complex.len() >= MAX_OPEN_FIELDS) {
            match kind.as_str() {
                "begin" => self.fields_overflow += 1,
                "end" => self.fields_overflow -= 1,
                _ => {}
            }
            kind.clear();
        }
        match kind.as_str() {
            "begin" => {
                let nearby = self.builder.nearby_text();
                self.complex.push(ComplexField {
                    form: None,
                    separated: false,
                    instr: String::new(),
                    nearby,
                    result: String::new(),
                });
            }
            "separate" => {
                if let Some(field) = self.complex.last_mut() {
                    field.separated = true;
                }
            }
            "end" => self.end_complex_field(),
            _ => {}
        }
        self.fld_char_type = kind;
    }

    /// The begin `fldChar` is complete (its `ffData` read): show a check box or drop-down.
    pub(super) fn end_begin_fld_char(&mut self) {
        let Some(field) = self.complex.pop() else {
            return;
        };
        let mut field = field;
        if let Some(form) = field.form.as_mut() {
            match form.kind {
                FormKind::Check => {
                    let checked = form.checked.or(form.default_checked).unwrap_or(false);
                    form.shown = true;
                    let index = add_field(
                        self.fields,
                        Field {
                            name: form.name.clone(),
                            tooltip: form.tooltip(),
                            nearby_text: field.nearby.clone(),
                            value: FieldValue::Check(checked),
                            place: None,
                        },
                    );
                    self.emit_tick(checked, index);
                }
                FormKind::DropDown => {
                    let chosen = form
                        .selected
                        .or(form.default_selected)
                        .unwrap_or(0)
                        .min(form.entries.len().saturating_sub(1));
                    let text = form.entries.get(chosen).cloned().unwrap_or_default();
                    form.shown = true;
                    add_field(
                        self.fields,
                        Field {
                            name: form.name.clone(),
                            tooltip: form.tooltip(),
                            nearby_text: field.nearby.clone(),
                            value: FieldValue::Text(text.trim().to_string()),
                            place: None,
                        },
                    );
                    let hidden = std::mem::take(&mut self.run.hidden);
                    self.emit(&text);
                    self.run.hidden = hidden;
                }
                FormKind::Text | FormKind::Unknown => {}
            }
        }
        self.complex.push(field);
    }

    fn end_complex_field(&mut self) {
        let Some(field) = self.complex.pop() else {
            return;
        };
        let instr = field.instr.trim_start().to_ascii_uppercase();
        let form = match field.form {
            Some(form) => form,
            None if instr.starts_with("FORMTEXT") => FormData {
                kind: FormKind::Text,
                ..FormData::default()
            },
            None if instr.starts_with("FORMCHECKBOX") => FormData {
                kind: FormKind::Check,
                ..FormData::default()
            },
            // A FILLIN field asks its prompt when the document opens; the result is the answer.
            None if instr.starts_with("FILLIN") => {
                let prompt = fillin_prompt(&field.instr);
                add_field(
                    self.fields,
                    Field {
                        name: prompt.clone(),
                        tooltip: prompt,
                        nearby_text: field.nearby,
                        value: FieldValue::Text(field.result.trim().to_string()),
                        place: None,
                    },
                );
                return;
            }
            None => return,
        };
        if form.shown {
            return;
        }
        let kind = match form.kind {
            FormKind::Unknown if instr.starts_with("FORMCHECKBOX") => FormKind::Check,
            FormKind::Unknown if instr.starts_with("FORMTEXT") => FormKind::Text,
            kind => kind,
        };
        match kind {
            FormKind::Text => {
                let value = if field.separated {
                    field.result
                } else {
                    // No result at all: Word shows the default text.
                    let hidden = std::mem::take(&mut self.run.hidden);
                    self.emit(&form.default_text);
                    self.run.hidden = hidden;
                    form.default_text.clone()
                };
                add_field(
                    self.fields,
                    Field {
                        name: form.name.clone(),
                        tooltip: form.tooltip(),
                        nearby_text: field.nearby,
                        value: FieldValue::Text(value.trim().to_string()),
                        place: None,
                    },
                );
            }
            FormKind::Check => {
                let checked = form.checked.or(form.default_checked).unwrap_or(false);
                let index = add_field(
                    self.fields,
                    Field {
                        name: form.name.clone(),
                        tooltip: form.tooltip(),
                        nearby_text: field.nearby,
                        value: FieldValue::Check(checked),
                        place: None,
                    },
                );
                self.emit_tick(checked, index);
            }
            FormKind::DropDown | FormKind::Unknown => {}
        }
    }
}
