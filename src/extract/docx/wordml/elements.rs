//! A `w:` element's start in → builder calls and the handler's state: paragraphs, tables, cells
//! and text boxes opened, runs, breaks, tabs and symbols, run properties (hidden, deleted),
//! legacy form-field data (`w:ffData`), content-control properties (`w:sdtPr`) and list items;
//! out, whether its children are read.

use super::controls::sdt_field;
use super::{FormData, FormKind, MAX_LIST_ENTRIES, RunProps, Sdt, SdtKind, WordHandler, on_off};
use crate::extract::FieldValue;
use crate::extract::docx::build::{ContainerKind, add_field};
use crate::extract::docx::symbols::{sym_char, symbol_font};
use crate::extract::docx::xml::{Element, Flow, Ns};

impl WordHandler<'_> {
    pub(super) fn start_w(&mut self, el: &Element) -> Flow {
        match &*el.local {
            // Properties and revisions that hold no displayed text (or deleted text).
            // Paragraph properties: only the list numbering matters (a tick-box bullet).
            "pPr" | "numPr" => {}
            _ if self.parent_is(Ns::W, "pPr") => return Flow::Skip,
            "numId" | "ilvl" if self.parent_is(Ns::W, "numPr") => {
                let val = el.attr("val").unwrap_or_default().to_string();
                if el.local == "numId" {
                    self.list_item.0 = Some(val);
                } else {
                    self.list_item.1 = val;
                }
            }
            "tblPr" | "tblGrid" | "trPr" | "sectPr" | "tblPrEx" | "sdtEndPr" | "rPrChange"
            | "del" | "moveFrom" | "delText" | "delInstrText" | "placeholder"
            | "footnoteReference" | "endnoteReference" | "commentReference" => {
                return Flow::Skip;
            }
            // An embedded object: only an ActiveX form control in it is read.
            "object" => {}
            // Word 2013+ puts an ActiveX control in `w:object`, older versions in `w:pict`.
            "control" if self.parent_is(Ns::W, "object") || self.parent_is(Ns::W, "pict") => {
                self.show_activex(el)
            }
            "p" => {
                self.list_item = (None, "0".to_string());
                self.builder.start_para();
            }
            "tbl" => self.builder.start_table(),
            "tr" => self.builder.start_row(1),
            "tc" => self.builder.start_container(ContainerKind::Cell, 1),
            "txbxContent" => self.builder.start_container(ContainerKind::TextBox, 1),
            "vMerge" if self.parent_is(Ns::W, "tcPr") => {
                let restart = el
                    .attr("val")
                    .is_some_and(|v| v.eq_ignore_ascii_case("restart"));
                if !restart {
                    self.builder.merge_away_cell();
                }
            }
            "r" => self.run = RunProps::default(),
            "rFonts" if self.parent_is(Ns::W, "rPr") && self.grandparent_is(Ns::W, "r") => {
                // The font Latin and private-use characters are drawn in (not the complex
                // script or East Asian one).
                self.run.font = el.attr("ascii").or(el.attr("hAnsi")).and_then(symbol_font);
            }
            // Placeholder text left in a content control is not an answer.
            "rStyle"
                if self.parent_is(Ns::W, "rPr")
                    && self.grandparent_is(Ns::W, "r")
                    && self.sdts.iter().any(|s| s.in_content)
                    && el
                        .attr("val")
                        .is_some_and(|v| v.eq_ignore_ascii_case("PlaceholderText")) =>
            {
                self.run.hidden = true;
            }
            "vanish" if self.parent_is(Ns::W, "rPr") && self.grandparent_is(Ns::W, "r") => {
                self.run.hidden = on_off(el.attr("val"));
            }
            "t" => self.in_text = true,
            "instrText" => self.in_instr = true,
            "tab" | "ptab" if self.parent_is(Ns::W, "r") => self.emit("\t"),
            "br" | "cr"
                if self.parent_is(Ns::W, "r") && !self.run.hidden && self.context_visible() =>
            {
                self.capture("\n");
                self.builder.line_break();
            }
            "noBreakHyphen" => self.emit("-"),
            "sym" => {
                let code = el
                    .attr("char")
                    .and_then(|c| u32::from_str_radix(c.trim(), 16).ok());
                if let (Some(code), Some(font)) = (code, el.attr("font"))
                    && let Some(ch) = sym_char(font, code)
                {
                    let mut buf = [0u8; 4];
                    self.emit(ch.encode_utf8(&mut buf));
                }
            }
            "fldChar" => self.start_fld_char(el),
            "ffData" => {
                if let Some(field) = self.complex.last_mut()
                    && field.form.is_none()
                {
                    field.form = Some(FormData::default());
                }
            }
            "name" if self.parent_is(Ns::W, "ffData") => {
                let name = el.attr("val").unwrap_or_default().to_string();
                if let Some(form) = self.form_mut() {
                    form.name = name;
                }
            }
            "statusText" | "helpText" if self.parent_is(Ns::W, "ffData") => {
                let text = el.attr("val").unwrap_or_default().to_string();
                let status = el.local == "statusText";
                if let Some(form) = self.form_mut() {
                    if status {
                        form.status_text = text;
                    } else {
                        form.help_text = text;
                    }
                }
            }
            "checkBox" if self.parent_is(Ns::W, "ffData") => {
                if let Some(form) = self.form_mut() {
                    form.kind = FormKind::Check;
                }
            }
            "textInput" if self.parent_is(Ns::W, "ffData") => {
                if let Some(form) = self.form_mut() {
                    form.kind = FormKind::Text;
                }
            }
            "ddList" if self.parent_is(Ns::W, "ffData") => {
                if let Some(form) = self.form_mut() {
                    form.kind = FormKind::DropDown;
                }
            }
            "checked" if self.parent_is(Ns::W, "checkBox") => {
                let checked = on_off(el.attr("val"));
                if let Some(form) = self.form_mut() {
                    form.checked = Some(checked);
                }
            }
            "default" => {
                let val = el.attr("val").unwrap_or_default().to_string();
                if self.parent_is(Ns::W, "checkBox") {
                    if let Some(form) = self.form_mut() {
                        form.default_checked = Some(on_off(Some(&val)));
                    }
                } else if self.parent_is(Ns::W, "textInput") {
                    if let Some(form) = self.form_mut() {
                        form.default_text = val;
                    }
                } else if self.parent_is(Ns::W, "ddList")
                    && let Some(form) = self.form_mut()
                {
                    form.default_selected = val.trim().parse().ok();
                }
            }
            "result" if self.parent_is(Ns::W, "ddList") => {
                let selected = el.attr("val").and_then(|v| v.trim().parse().ok());
                if let Some(form) = self.form_mut() {
                    form.selected = selected;
                }
            }
            "listEntry" if self.parent_is(Ns::W, "ddList") => {
                let entry = el.attr("val").unwrap_or_default().to_string();
                if let Some(form) = self.form_mut()
                    && form.entries.len() < MAX_LIST_ENTRIES
                {
                    form.entries.push(entry);
                }
            }
            "sdt" => {
                let nearby = self.builder.nearby_text();
                self.sdts.push(Sdt {
                    tag: String::new(),
                    alias: String::new(),
                    kind: SdtKind::Text,
                    checked: false,
                    placeholder: false,
                    in_content: false,
                    text: String::new(),
                    nearby,
                    glyphs: Vec::new(),
                });
            }
            "tag" | "alias" if self.parent_is(Ns::W, "sdtPr") => {
                let val = el.attr("val").unwrap_or_default().to_string();
                let is_tag = el.local == "tag";
                if let Some(sdt) = self.sdt_mut() {
                    if is_tag {
                        sdt.tag = val;
                    } else {
                        sdt.alias = val;
                    }
                }
            }
            "showingPlcHdr" if self.parent_is(Ns::W, "sdtPr") => {
                let on = on_off(el.attr("val"));
                if let Some(sdt) = self.sdt_mut() {
                    sdt.placeholder = on;
                }
            }
            "docPartObj" | "docPartList" | "group" | "picture" | "bibliography" | "citation"
            | "equation"
                if self.parent_is(Ns::W, "sdtPr") =>
            {
                if let Some(sdt) = self.sdt_mut()
                    && sdt.kind != SdtKind::Check
                {
                    sdt.kind = SdtKind::NoField;
                }
            }
            "sdtContent" => {
                // A check box's field is made here, so its tick can point at it.
                let check = self
                    .sdts
                    .last()
                    .filter(|s| !s.in_content && s.kind == SdtKind::Check)
                    .map(|s| (s.checked, sdt_field(s, FieldValue::Check(s.checked))));
                if let Some((checked, field)) = check {
                    let index = add_field(self.fields, field);
                    self.emit_tick(checked, index);
                }
                if let Some(sdt) = self.sdt_mut() {
                    sdt.in_content = true;
                }
            }
            _ => {}
        }
        Flow::Enter
    }
}
