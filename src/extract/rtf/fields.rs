//! `\field` groups in (instruction, result, `\formfield` data) → `Field`s with ☒ / ☐ in the
//! text, field results in the body, and the tick a `SYMBOL` field draws.

use super::{FormInfo, MAX_OPEN_FIELDS, OpenField, Reader};
use crate::extract::docx::build::{self, add_form_field};
use crate::extract::docx::symbols;
use crate::extract::{FieldValue, TICKED, UNTICKED};

impl Reader {
    pub(super) fn begin_field(&mut self) {
        if self.open_fields.len() >= MAX_OPEN_FIELDS {
            return;
        }
        let nearby = self.builder.nearby_text();
        self.open_fields.push(OpenField {
            depth: self.groups.len(),
            instr: String::new(),
            result: String::new(),
            has_result: false,
            form: FormInfo::default(),
            nearby,
        });
    }

    pub(super) fn finish_field(&mut self) {
        let Some(field) = self.open_fields.pop() else {
            return;
        };
        let instr = field.instr.trim_start().to_ascii_uppercase();
        let form = field.form;
        let tooltip = if form.status.is_empty() {
            form.help.clone()
        } else {
            form.status.clone()
        };
        let visible = self.visible();
        let is_check = instr.starts_with("FORMCHECKBOX") || form.kind == Some(1);
        let value = if is_check {
            FieldValue::Check(match form.result {
                Some(25) | None => form.default.unwrap_or(0) != 0,
                Some(r) => r != 0,
            })
        } else if instr.starts_with("FORMTEXT") {
            let value = if field.has_result {
                field.result
            } else {
                if visible {
                    self.ensure_para();
                    self.builder.push_text(&form.default_text);
                }
                form.default_text.clone()
            };
            FieldValue::Text(value)
        } else if instr.starts_with("FORMDROPDOWN") {
            let chosen = form.result.or(form.default).unwrap_or(0).max(0) as usize;
            let text = form
                .entries
                .get(chosen.min(form.entries.len().saturating_sub(1)))
                .cloned()
                .unwrap_or_default();
            if visible && !field.has_result {
                self.ensure_para();
                self.builder.push_text(&text);
            }
            FieldValue::Text(text)
        } else {
            if instr.starts_with("SYMBOL")
                && field.result.trim().is_empty()
                && let Some(tick) = symbol_field(&field.instr)
                && visible
            {
                self.ensure_para();
                self.builder.push_text(&tick.to_string());
            }
            return;
        };
        let checked = match value {
            FieldValue::Check(checked) => Some(checked),
            _ => None,
        };
        let index = add_form_field(
            &mut self.fields,
            form.name.trim(),
            tooltip,
            field.nearby,
            value,
        );
        if let Some(checked) = checked
            && visible
        {
            self.ensure_para();
            self.builder
                .push_tick(if checked { TICKED } else { UNTICKED }, index);
        }
    }
}

pub(super) fn push_bounded(s: &mut String, text: &str) {
    if s.len() + text.len() <= build::MAX_FIELD_TEXT {
        s.push_str(text);
    }
}

/// The tick a `SYMBOL 254 \f "Wingdings"` field draws, if it draws one.
fn symbol_field(instr: &str) -> Option<char> {
    let mut words = instr.split_whitespace();
    words.next(); // SYMBOL
    let code_text = words.next()?;
    let code = match code_text
        .strip_prefix("0x")
        .or(code_text.strip_prefix("0X"))
    {
        Some(h) => u32::from_str_radix(h, 16).ok()?,
        None => code_text.parse::<u32>().ok()?,
    };
    let font = instr
        .split("\\f")
        .nth(1)
        .and_then(|rest| rest.split('"').nth(1))
        .unwrap_or("Symbol");
    symbols::sym_char(font, code)
}
