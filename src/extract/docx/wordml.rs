//! WordprocessingML part XML (`word/document.xml`, `word/header*.xml`) in → builder calls and
//! `Field`s: runs, tabs and breaks, tables, content controls, legacy form fields (text, check
//! box, drop-down, FILLIN), ActiveX controls, symbol ticks, tick-box list bullets and text
//! boxes, with deleted and hidden text, field codes and `mc:Fallback` copies skipped.

use super::activex::{ActiveXControl, ControlKind};
use super::build::{Builder, ContainerKind, MAX_FIELD_TEXT, add_field};
use super::numbering::Numbering;
use super::symbols::{SymbolFont, map_run_text, sym_char, symbol_font};
use super::xml::{Element, Flow, Handler, Ns};
use crate::extract::{Field, FieldValue, TICKED, UNTICKED};
use std::collections::HashMap;

/// Longest field instruction kept (only its first keyword matters).
const MAX_INSTR_CHARS: usize = 256;
/// Most complex fields tracked open at once (real documents nest two or three).
const MAX_OPEN_FIELDS: usize = 32;
/// Most drop-down entries kept for one legacy drop-down field.
const MAX_LIST_ENTRIES: usize = 256;

/// An OOXML on/off value: absent or anything but 0/false/off means on.
fn on_off(val: Option<&str>) -> bool {
    match val {
        None => true,
        Some(v) => !matches!(
            v.trim().to_ascii_lowercase().as_str(),
            "0" | "false" | "off" | "no"
        ),
    }
}

fn tick(checked: bool) -> char {
    if checked { TICKED } else { UNTICKED }
}

#[derive(Default, Clone, Copy)]
struct RunProps {
    hidden: bool,
    font: Option<SymbolFont>,
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
enum FormKind {
    #[default]
    Unknown,
    Text,
    Check,
    DropDown,
}

/// A legacy form field's `w:ffData`.
#[derive(Default)]
struct FormData {
    kind: FormKind,
    name: String,
    status_text: String,
    help_text: String,
    checked: Option<bool>,
    default_checked: Option<bool>,
    default_text: String,
    entries: Vec<String>,
    selected: Option<usize>,
    default_selected: Option<usize>,
    /// The tick / drop-down text has been written (at the end of the begin `fldChar`).
    shown: bool,
}

impl FormData {
    fn tooltip(&self) -> String {
        if self.status_text.is_empty() {
            self.help_text.clone()
        } else {
            self.status_text.clone()
        }
    }
}

/// An open complex field (`fldChar` begin … separate … end).
struct ComplexField {
    form: Option<FormData>,
    /// Past `separate`: what follows is the displayed result.
    separated: bool,
    instr: String,
    nearby: String,
    result: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SdtKind {
    Text,
    Check,
    /// A container (document part gallery, group, picture…): not an answer, no field.
    NoField,
}

/// An open content control (`w:sdt`).
struct Sdt {
    tag: String,
    alias: String,
    kind: SdtKind,
    checked: bool,
    placeholder: bool,
    in_content: bool,
    text: String,
    nearby: String,
    /// A check box's own checked / unchecked glyphs (`w14:checkedState` etc.).
    glyphs: Vec<char>,
}

/// A character drawn as a tick box or mark (a check box control's displayed glyph).
fn is_box_glyph(c: char) -> bool {
    matches!(
        c,
        '☐' | '☒'
            | '☑'
            | '✓'
            | '✔'
            | '✗'
            | '✘'
            | '⌧'
            | '□'
            | '■'
            | '◻'
            | '◼'
            | '▢'
            | '▣'
    ) || (0xF000..=0xF0FF).contains(&(c as u32))
}

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

/// A content control's field: named by its tag, else its alias; the alias is the tooltip.
fn sdt_field(sdt: &Sdt, value: FieldValue) -> Field {
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

pub(super) struct WordHandler<'a> {
    builder: &'a mut Builder,
    fields: &'a mut Vec<Field>,
    /// Open (entered) elements.
    /// The open elements: namespace and where the local name lies in `stack_names` (one
    /// buffer, not a string per element).
    stack: Vec<(Ns, std::ops::Range<usize>)>,
    stack_names: String,
    run: RunProps,
    in_text: bool,
    in_instr: bool,
    /// Per open `mc:AlternateContent`: whether one `mc:Choice` has been read already.
    alternates: Vec<bool>,
    complex: Vec<ComplexField>,
    /// Type of the `fldChar` being read (its `ffData` children come before its end).
    fld_char_type: String,
    /// Fields begun past `MAX_OPEN_FIELDS` and not yet ended.
    fields_overflow: usize,
    numbering: Option<&'a Numbering>,
    /// ActiveX controls of this part, by relationship id.
    controls: Option<&'a HashMap<String, ActiveXControl>>,
    /// The open paragraph's list (numId, level).
    list_item: (Option<String>, String),
    sdts: Vec<Sdt>,
}

impl<'a> WordHandler<'a> {
    pub(super) fn new(
        builder: &'a mut Builder,
        fields: &'a mut Vec<Field>,
        numbering: Option<&'a Numbering>,
        controls: Option<&'a HashMap<String, ActiveXControl>>,
    ) -> WordHandler<'a> {
        WordHandler {
            builder,
            fields,
            stack: Vec::new(),
            stack_names: String::new(),
            run: RunProps::default(),
            in_text: false,
            in_instr: false,
            alternates: Vec::new(),
            complex: Vec::new(),
            fld_char_type: String::new(),
            fields_overflow: 0,
            numbering,
            controls,
            list_item: (None, "0".to_string()),
            sdts: Vec::new(),
        }
    }

    fn parent_is(&self, ns: Ns, local: &str) -> bool {
        self.stack
            .last()
            .is_some_and(|(n, l)| *n == ns && self.stack_names[l.clone()] == *local)
    }

    fn grandparent_is(&self, ns: Ns, local: &str) -> bool {
        self.stack
            .len()
            .checked_sub(2)
            .and_then(|i| self.stack.get(i))
            .is_some_and(|(n, l)| *n == ns && self.stack_names[l.clone()] == *local)
    }

    /// Whether text at this point is displayed, ignoring the run's own hidden flag.
    fn context_visible(&self) -> bool {
        self.complex.iter().all(|f| f.separated)
            && !self.sdts.iter().any(|s| s.in_content && s.placeholder)
    }

    /// Writes displayed text: into the paragraph, the open field results and text controls.
    /// Inside a check-box control its glyph is dropped (the tick was written for it).
    fn emit(&mut self, text: &str) {
        if text.is_empty() || self.run.hidden || !self.context_visible() {
            return;
        }
        let in_check = self
            .sdts
            .iter()
            .any(|s| s.in_content && s.kind == SdtKind::Check);
        if in_check {
            let glyph = |c: char| {
                is_box_glyph(c)
                    || self
                        .sdts
                        .iter()
                        .any(|s| s.kind == SdtKind::Check && s.glyphs.contains(&c))
            };
            let rest: String = text.chars().filter(|c| !glyph(*c)).collect();
            if !rest.trim().is_empty() {
                self.capture(&rest);
                self.builder.push_text(&rest);
            }
            return;
        }
        self.capture(text);
        self.builder.push_text(text);
    }

    fn capture(&mut self, text: &str) {
        for field in self.complex.iter_mut().filter(|f| f.separated) {
            if field.result.len() < MAX_FIELD_TEXT {
                field.result.push_str(text);
            }
        }
        for sdt in self
            .sdts
            .iter_mut()
            .filter(|s| s.in_content && s.kind == SdtKind::Text)
        {
            if sdt.text.len() < MAX_FIELD_TEXT {
                sdt.text.push_str(text);
            }
        }
    }

    /// Writes a tick box's state (its own glyph, if any, is never shown); `field` is the
    /// index of its check field.
    fn emit_tick(&mut self, checked: bool, field: Option<usize>) {
        if !self.context_visible() {
            return;
        }
        let mark = tick(checked);
        let mut buf = [0u8; 4];
        self.capture(mark.encode_utf8(&mut buf));
        self.builder.push_tick(mark, field);
    }

    fn form_mut(&mut self) -> Option<&mut FormData> {
        self.complex.last_mut().and_then(|f| f.form.as_mut())
    }

    fn sdt_mut(&mut self) -> Option<&mut Sdt> {
        self.sdts.last_mut()
    }

    fn start_w(&mut self, el: &Element) -> Flow {
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

    /// An ActiveX check box, option button or text box, shown where its object sits.
    fn show_activex(&mut self, el: &Element) {
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

    fn start_fld_char(&mut self, el: &Element) {
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
    fn end_begin_fld_char(&mut self) {
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

    fn end_sdt(&mut self) {
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

impl Handler for WordHandler<'_> {
    fn start(&mut self, el: &Element) -> Flow {
        if self.parent_is(Ns::W, "object") && !el.is(Ns::W, "control") {
            return Flow::Skip;
        }
        let flow = match el.ns {
            Ns::Mc => match &*el.local {
                "AlternateContent" => {
                    self.alternates.push(false);
                    Flow::Enter
                }
                // Read one rendering only: the first Choice, else the Fallback.
                "Choice" => match self.alternates.last_mut() {
                    Some(true) => Flow::Skip,
                    Some(read) => {
                        *read = true;
                        Flow::Enter
                    }
                    None => Flow::Enter,
                },
                "Fallback" => match self.alternates.last() {
                    Some(true) => Flow::Skip,
                    _ => Flow::Enter,
                },
                _ => Flow::Enter,
            },
            Ns::W => self.start_w(el),
            Ns::W14 => {
                match &*el.local {
                    "checkbox" if self.parent_is(Ns::W, "sdtPr") => {
                        if let Some(sdt) = self.sdt_mut() {
                            sdt.kind = SdtKind::Check;
                        }
                    }
                    "checked" if self.parent_is(Ns::W14, "checkbox") => {
                        let checked = on_off(el.attr("val"));
                        if let Some(sdt) = self.sdt_mut() {
                            sdt.checked = checked;
                        }
                    }
                    "checkedState" | "uncheckedState" if self.parent_is(Ns::W14, "checkbox") => {
                        let glyph = el
                            .attr("val")
                            .and_then(|v| u32::from_str_radix(v.trim(), 16).ok())
                            .and_then(char::from_u32);
                        if let Some(sdt) = self.sdt_mut()
                            && let Some(glyph) = glyph
                            && sdt.glyphs.len() < 4
                        {
                            sdt.glyphs.push(glyph);
                        }
                    }
                    _ => {}
                }
                Flow::Enter
            }
            Ns::M if el.local == "t" => {
                self.in_text = true;
                Flow::Enter
            }
            _ => Flow::Enter,
        };
        if flow == Flow::Enter {
            let start = self.stack_names.len();
            self.stack_names.push_str(&el.local);
            self.stack.push((el.ns, start..self.stack_names.len()));
        }
        flow
    }

    fn end(&mut self, ns: Ns, local: &str) {
        if let Some((_, name)) = self.stack.pop() {
            self.stack_names.truncate(name.start);
        }
        match (ns, local) {
            (Ns::Mc, "AlternateContent") => {
                self.alternates.pop();
            }
            (Ns::M, "t") => self.in_text = false,
            (Ns::W, "t") => self.in_text = false,
            (Ns::W, "instrText") => self.in_instr = false,
            (Ns::W, "p") => {
                self.builder.end_para();
                for sdt in self
                    .sdts
                    .iter_mut()
                    .filter(|s| s.in_content && !s.text.is_empty())
                {
                    sdt.text.push('\n');
                }
            }
            (Ns::W, "pPr") => {
                let bullet = match (&self.list_item.0, self.numbering) {
                    (Some(num), Some(numbering)) => numbering.tick(num, &self.list_item.1),
                    _ => None,
                };
                if let Some(tick) = bullet
                    && self.context_visible()
                {
                    self.builder.push_tick(tick, None);
                }
            }
            (Ns::W, "tbl") => self.builder.end_table(),
            (Ns::W, "tr") => self.builder.end_row(),
            (Ns::W, "tc") | (Ns::W, "txbxContent") => self.builder.end_container(),
            (Ns::W, "fldChar") => {
                if self.fld_char_type == "begin" {
                    self.end_begin_fld_char();
                }
                self.fld_char_type.clear();
            }
            (Ns::W, "sdt") => self.end_sdt(),
            _ => {}
        }
    }

    fn text(&mut self, text: &str) {
        if self.in_instr {
            if let Some(field) = self.complex.last_mut()
                && field.instr.len() < MAX_INSTR_CHARS
            {
                field.instr.push_str(text);
            }
            return;
        }
        if !self.in_text {
            return;
        }
        let mut mapped = String::with_capacity(text.len());
        map_run_text(self.run.font, text, &mut mapped);
        self.emit(&mapped);
    }
}
