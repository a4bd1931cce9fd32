//! Content controls (`w:sdt`) and ActiveX controls in → `Field`s: a control's text, check box
//! state or option, named by its tag, alias or ActiveX name, and its tick shown in place.

use super::{Sdt, SdtKind, WordHandler};
use crate::extract::docx::activex::ControlKind;
use crate::extract::docx::build::add_field;
use crate::extract::docx::xml::Element;
use crate::extract::{Field, FieldValue};

/// A content control's field: named by its tag, else its alias; the alias is the tooltip.
pub(super) fn sdt_field(sdt: &Sdt, value: FieldValue) -> Field {
    let name = if sdt.tag.is_empty() {
        &sdt.alias
    } else {
        &sdt.tag
    };
    Field {
        name: name.clone(),
        tooltip: sdt.alias.clone(),
        nearby_text: sdt.nearby.clone(),
        value,
        place: None,
    }
}

impl WordHandler<'_> {
    /// An ActiveX check box, option button or text box, shown where its object sits.
    pub(super) fn show_activex(&mut self, el: &Element) {
        let Some(control) = el
            .attr("id")
            .and_then(|id| self.controls.and_then(|c| c.get(id)))
            .cloned()
        else {
            return;
        };
        let name = el.attr("name").unwrap_or_default().to_string();
        let nearby = self.builder.nearby_text();
        match control.kind {
            ControlKind::Check => {
                // Without a readable value the state is unknown: no tick is invented.
                let Some(value) = control.value else { return };
                let checked = matches!(
                    value.trim().to_ascii_lowercase().as_str(),
                    "1" | "-1" | "true"
                );
                let index = add_field(
                    self.fields,
                    Field {
                        name,
                        tooltip: control.caption.clone(),
                        nearby_text: nearby,
                        value: FieldValue::Check(checked),
                        place: None,
                    },
                );
                self.emit_tick(checked, index);
                if !control.caption.trim().is_empty() {
                    self.emit(control.caption.trim());
                }
            }
            ControlKind::Text => {
                let value = control.value.unwrap_or_default();
                if !self.builder.at_space() && !value.is_empty() {
                    self.emit(" ");
                }
                self.emit(&value);
                add_field(
                    self.fields,
                    Field {
                        name,
                        tooltip: String::new(),
                        nearby_text: nearby,
                        value: FieldValue::Text(value.trim().to_string()),
                        place: None,
                    },
                );
            }
        }
    }

    pub(super) fn end_sdt(&mut self) {
        let Some(sdt) = self.sdts.pop() else {
            return;
        };
        let value = match sdt.kind {
            // A check box's field was made where its content began.
            SdtKind::NoField | SdtKind::Check => return,
            SdtKind::Text if sdt.placeholder => FieldValue::Text(String::new()),
            SdtKind::Text => FieldValue::Text(sdt.text.trim().to_string()),
        };
        add_field(self.fields, sdt_field(&sdt, value));
    }
}
