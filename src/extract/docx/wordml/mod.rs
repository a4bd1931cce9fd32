//! WordprocessingML part XML (`word/document.xml`, `word/header*.xml`) in → builder calls and
//! `Field`s: runs, tabs and breaks, tables, content controls, legacy form fields (text, check
//! box, drop-down, FILLIN), ActiveX controls, symbol ticks, tick-box list bullets and text
//! boxes, with deleted and hidden text, field codes and `mc:Fallback` copies skipped.

mod controls;
mod elements;
mod fields;

use super::activex::ActiveXControl;
use super::build::{Builder, MAX_FIELD_TEXT};
use super::numbering::Numbering;
use super::symbols::{SymbolFont, map_run_text};
use super::xml::{Element, Flow, Handler, Ns};
use crate::extract::{Field, TICKED, UNTICKED};
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
