//! ODF `content.xml` in → builder calls and `Field`s: paragraphs, headings, lists, tables
//! (repeats capped), text boxes, form controls (`office:forms` + `draw:control`), input
//! fields, LibreOffice content controls and MS-interop check-box fieldmarks.

use super::build::{Builder, ContainerKind, MAX_FIELD_TEXT, MAX_REPEAT, add_field};
use super::symbols::{SymbolFont, map_run_text, symbol_font};
use super::xml::{Element, Flow, Handler, Ns};
use crate::extract::{Field, FieldValue, TICKED, UNTICKED};
use std::collections::HashMap;

/// Most spaces one `text:s` writes.
const MAX_SPACES: usize = 64;
/// Most form controls remembered from `office:forms`.
const MAX_CONTROLS: usize = 10_000;
/// Most automatic styles and font faces remembered.
const MAX_STYLES: usize = 50_000;
/// Longest chain of parent styles followed.
const MAX_STYLE_CHAIN: usize = 16;

/// An automatic style: its own font (a `style:font-face` name or a family), and its parent.
#[derive(Default)]
struct TextStyle {
    font: Option<String>,
    parent: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ControlKind {
    Check,
    Text,
    List,
}

/// A form control declared in `office:forms`, shown where a `draw:control` points at it.
#[derive(Debug, Clone)]
struct Control {
    kind: ControlKind,
    name: String,
    label: String,
    title: String,
    checked: bool,
    text: String,
}

fn attr_true(value: Option<&str>) -> bool {
    value.is_some_and(|v| {
        let v = v.trim();
        v.eq_ignore_ascii_case("true") || v.eq_ignore_ascii_case("checked") || v == "1"
    })
}

/// An open capture of displayed text that becomes a `Field` at its end.
struct Capture {
    /// Closing element (namespace and local name) that ends it.
    end: (Ns, &'static str),
    name: String,
    tooltip: String,
    nearby: String,
    text: String,
    /// A check box content control: its glyph is replaced by the tick.
    check: Option<bool>,
    placeholder: bool,
}

pub(super) struct OdfHandler<'a> {
    builder: &'a mut Builder,
    fields: &'a mut Vec<Field>,
    controls: HashMap<String, Control>,
    /// The form control being read inside `office:forms`.
    control: Option<(Vec<String>, Control)>,
    in_forms: usize,
    captures: Vec<Capture>,
    /// An open MS-interop check-box fieldmark: (name, checked).
    fieldmark: Option<(String, bool)>,
    /// Nesting of open `text:p` / `text:h` (text outside a paragraph is not shown).
    para_depth: usize,
    /// Font-face name → font family.
    font_faces: HashMap<String, String>,
    styles: HashMap<String, TextStyle>,
    /// The automatic style being read.
    style: Option<String>,
    /// The symbol font of each open paragraph / span (`None`: an ordinary font).
    fonts: Vec<Option<SymbolFont>>,
}

impl<'a> OdfHandler<'a> {
    pub(super) fn new(builder: &'a mut Builder, fields: &'a mut Vec<Field>) -> OdfHandler<'a> {
        OdfHandler {
            builder,
            fields,
            controls: HashMap::new(),
            control: None,
            in_forms: 0,
            captures: Vec::new(),
            fieldmark: None,
            para_depth: 0,
            font_faces: HashMap::new(),
            styles: HashMap::new(),
            style: None,
            fonts: Vec::new(),
        }
    }

    /// The font a text style sets, following its parents: `None` when none of them sets one,
    /// `Some(None)` for an ordinary font, `Some(Some(_))` for a symbol font.
    fn style_font(&self, name: &str) -> Option<Option<SymbolFont>> {
        let mut name = name;
        for _ in 0..MAX_STYLE_CHAIN {
            let style = self.styles.get(name)?;
            if let Some(font) = &style.font {
                let family = self.font_faces.get(font).unwrap_or(font);
                return Some(symbol_font(family.trim_matches(|c| c == '\'' || c == '"')));
            }
            name = style.parent.as_deref()?;
        }
        None
    }

    /// An element that may set the font of the text inside it: its style's font, else the
    /// enclosing one.
    fn push_font(&mut self, el: &Element) {
        let inherited = self.fonts.last().copied().flatten();
        let own = el.attr("style-name").and_then(|n| self.style_font(n));
        self.fonts.push(own.unwrap_or(inherited));
    }

    fn start_style_element(&mut self, el: &Element) {
        match &*el.local {
            "font-face" => {
                if let (Some(name), Some(family)) = (el.attr("name"), el.attr("font-family"))
                    && self.font_faces.len() < MAX_STYLES
                {
                    self.font_faces.insert(name.to_string(), family.to_string());
                }
            }
            "style" => {
                let name = el.attr("name").unwrap_or_default().to_string();
                if self.styles.len() < MAX_STYLES {
                    self.styles.insert(
                        name.clone(),
                        TextStyle {
                            font: None,
                            parent: el.attr("parent-style-name").map(str::to_string),
                        },
                    );
                }
                self.style = Some(name);
            }
            "text-properties" => {
                let font = el
                    .attr("font-name")
                    .or_else(|| el.attr("font-family"))
                    .map(str::to_string);
                if let Some(name) = &self.style
                    && let Some(style) = self.styles.get_mut(name)
                    && font.is_some()
                {
                    style.font = font;
                }
            }
            _ => {}
        }
    }

    fn visible(&self) -> bool {
        !self
            .captures
            .iter()
            .any(|c| c.placeholder || c.check.is_some())
    }

    fn emit(&mut self, text: &str) {
        if text.is_empty() || !self.visible() {
            return;
        }
        for capture in self.captures.iter_mut() {
            if capture.text.len() < MAX_FIELD_TEXT {
                capture.text.push_str(text);
            }
        }
        self.builder.push_text(text);
    }

    /// Writes a tick box's state; `field` is the index of its check field.
    fn emit_tick(&mut self, checked: bool, field: Option<usize>) {
        if !self.visible() {
            return;
        }
        let mark = if checked { TICKED } else { UNTICKED };
        for capture in self.captures.iter_mut() {
            capture.text.push(mark);
        }
        self.builder.push_tick(mark, field);
    }

    fn start_form_element(&mut self, el: &Element) -> Flow {
        match &*el.local {
            "properties" | "event-listeners" => return Flow::Skip,
            "checkbox" | "radio" | "text" | "textarea" | "formatted-text" | "combobox"
            | "listbox" | "password" | "number" | "date" | "time" => {
                let kind = match &*el.local {
                    "checkbox" | "radio" => ControlKind::Check,
                    "listbox" => ControlKind::List,
                    _ => ControlKind::Text,
                };
                let checked = match &*el.local {
                    "checkbox" => attr_true(
                        el.attr("current-state")
                            .or_else(|| el.attr("state"))
                            .filter(|s| !s.is_empty()),
                    ),
                    _ => attr_true(el.attr("current-selected").or_else(|| el.attr("selected"))),
                };
                let text = if el.local == "password" {
                    String::new()
                } else {
                    el.attr("current-value")
                        .or_else(|| el.attr("value"))
                        .unwrap_or_default()
                        .to_string()
                };
                let ids: Vec<String> = el.attrs_named("id").map(str::to_string).collect();
                self.control = Some((
                    ids,
                    Control {
                        kind,
                        name: el.attr("name").unwrap_or_default().to_string(),
                        label: el.attr("label").unwrap_or_default().to_string(),
                        title: el.attr("title").unwrap_or_default().to_string(),
                        checked,
                        text,
                    },
                ));
            }
            "option" => {
                let selected =
                    attr_true(el.attr("current-selected").or_else(|| el.attr("selected")));
                let label = el
                    .attr("label")
                    .or_else(|| el.attr("value"))
                    .unwrap_or_default();
                if selected && let Some((_, control)) = self.control.as_mut() {
                    if !control.text.is_empty() {
                        control.text.push_str("; ");
                    }
                    control.text.push_str(label);
                }
            }
            _ => {}
        }
        Flow::Enter
    }

    fn end_form_element(&mut self, local: &str) {
        if matches!(
            local,
            "checkbox"
                | "radio"
                | "text"
                | "textarea"
                | "formatted-text"
                | "combobox"
                | "listbox"
                | "password"
                | "number"
                | "date"
                | "time"
        ) && let Some((ids, control)) = self.control.take()
        {
            for id in ids {
                if self.controls.len() < MAX_CONTROLS {
                    self.controls.insert(id, control.clone());
                }
            }
        }
    }

    fn show_control(&mut self, el: &Element) {
        let Some(control) = el
            .attr("control")
            .and_then(|id| self.controls.get(id))
            .cloned()
        else {
            return;
        };
        let nearby = self.builder.nearby_text();
        let opened = !self.builder.in_para();
        if opened {
            // A control anchored to the page or a frame: give it a line of its own.
            self.builder.start_para();
        }
        let tooltip = if control.title.is_empty() {
            control.label.clone()
        } else {
            control.title.clone()
        };
        match control.kind {
            ControlKind::Check => {
                if !self.builder.at_space() {
                    self.emit(" ");
                }
                let index = add_field(
                    self.fields,
                    Field {
                        name: control.name,
                        tooltip,
                        nearby_text: nearby,
                        value: FieldValue::Check(control.checked),
                        place: None,
                    },
                );
                self.emit_tick(control.checked, index);
                if !control.label.is_empty() {
                    self.emit(" ");
                    self.emit(&control.label);
                }
            }
            ControlKind::Text | ControlKind::List => {
                if !self.builder.at_space() && !control.text.is_empty() {
                    self.emit(" ");
                }
                self.emit(&control.text);
                add_field(
                    self.fields,
                    Field {
                        name: control.name,
                        tooltip,
                        nearby_text: nearby,
                        value: FieldValue::Text(control.text.trim().to_string()),
                        place: None,
                    },
                );
            }
        }
        if opened {
            self.builder.end_para();
        }
    }

    fn start_capture(&mut self, end: (Ns, &'static str), name: String, tooltip: String) {
        let nearby = self.builder.nearby_text();
        self.captures.push(Capture {
            end,
            name,
            tooltip,
            nearby,
            text: String::new(),
            check: None,
            placeholder: false,
        });
    }

    fn end_capture(&mut self) {
        let Some(capture) = self.captures.pop() else {
            return;
        };
        let value = match capture.check {
            // A check box's field was made where it began.
            Some(_) => return,
            None if capture.placeholder => FieldValue::Text(String::new()),
            None => FieldValue::Text(capture.text.trim().to_string()),
        };
        add_field(
            self.fields,
            Field {
                name: capture.name,
                tooltip: capture.tooltip,
                nearby_text: capture.nearby,
                value,
                place: None,
            },
        );
    }

    fn start_text_ns(&mut self, el: &Element) -> Flow {
        match &*el.local {
            // Footnotes, tracked deletions, declarations and placeholders' hint text.
            "note" | "tracked-changes" | "sequence-decls" | "variable-decls"
            | "user-field-decls" | "placeholder" | "ruby-text" | "note-citation" => {
                return Flow::Skip;
            }
            "p" | "h" => {
                self.para_depth += 1;
                self.push_font(el);
                self.builder.start_para();
            }
            "span" => self.push_font(el),
            "tab" => self.emit("\t"),
            "line-break" if self.visible() => {
                for capture in self.captures.iter_mut() {
                    capture.text.push('\n');
                }
                self.builder.line_break();
            }
            "s" => {
                let count = el
                    .attr("c")
                    .and_then(|c| c.trim().parse::<usize>().ok())
                    .unwrap_or(1)
                    .clamp(1, MAX_SPACES);
                self.emit(&" ".repeat(count));
            }
            "text-input" => {
                let description = el.attr("description").unwrap_or_default().to_string();
                self.start_capture((Ns::Text, "text-input"), description.clone(), description);
            }
            _ => {}
        }
        Flow::Enter
    }

    fn start_table_ns(&mut self, el: &Element) -> Flow {
        let repeat = |attr: &str| {
            el.attr(attr)
                .and_then(|n| n.trim().parse::<usize>().ok())
                .unwrap_or(1)
                .clamp(1, MAX_REPEAT)
        };
        match &*el.local {
            "covered-table-cell"
            | "table-column"
            | "table-columns"
            | "table-header-columns"
            | "table-source"
            | "tracked-changes" => return Flow::Skip,
            "table" => self.builder.start_table(),
            "table-row" => self.builder.start_row(repeat("number-rows-repeated")),
            "table-cell" => self
                .builder
                .start_container(ContainerKind::Cell, repeat("number-columns-repeated")),
            _ => {}
        }
        Flow::Enter
    }
}

impl Handler for OdfHandler<'_> {
    fn start(&mut self, el: &Element) -> Flow {
        if self.in_forms > 0 {
            if el.is(Ns::Office, "forms") {
                self.in_forms += 1;
            }
            return if el.ns == Ns::Form {
                self.start_form_element(el)
            } else {
                Flow::Enter
            };
        }
        match el.ns {
            Ns::Office => match &*el.local {
                "forms" => {
                    self.in_forms = 1;
                    Flow::Enter
                }
                "scripts" | "annotation" | "annotation-end" | "binary-data" | "settings"
                | "meta" => Flow::Skip,
                _ => Flow::Enter,
            },
            Ns::Text => self.start_text_ns(el),
            Ns::Table => self.start_table_ns(el),
            Ns::Draw => {
                match &*el.local {
                    "text-box" => self.builder.start_container(ContainerKind::TextBox, 1),
                    "control" => self.show_control(el),
                    _ => {}
                }
                Flow::Enter
            }
            Ns::LoExt if el.local == "content-control" => {
                let tag = el.attr("tag").unwrap_or_default().to_string();
                let alias = el.attr("alias").unwrap_or_default().to_string();
                let name = if tag.is_empty() { alias.clone() } else { tag };
                let check = attr_true(el.attr("checkbox")).then(|| attr_true(el.attr("checked")));
                if let Some(checked) = check {
                    // The field is made here so the tick can point at it.
                    let index = add_field(
                        self.fields,
                        Field {
                            name: name.clone(),
                            tooltip: alias.clone(),
                            nearby_text: self.builder.nearby_text(),
                            value: FieldValue::Check(checked),
                            place: None,
                        },
                    );
                    self.emit_tick(checked, index);
                }
                self.start_capture((Ns::LoExt, "content-control"), name, alias);
                if let Some(capture) = self.captures.last_mut() {
                    capture.check = check;
                    capture.placeholder = attr_true(el.attr("showing-place-holder"));
                }
                Flow::Enter
            }
            Ns::Field => {
                match &*el.local {
                    "fieldmark" | "fieldmark-start" => {
                        let kind = el.attr("type").unwrap_or_default();
                        let name = el
                            .attr("name")
                            .filter(|n| !n.starts_with("__"))
                            .unwrap_or_default()
                            .to_string();
                        if kind.ends_with("FORMCHECKBOX") {
                            self.fieldmark = Some((name, false));
                        } else if kind.ends_with("FORMTEXT") && el.local == "fieldmark-start" {
                            self.start_capture((Ns::Field, "fieldmark-end"), name, String::new());
                        }
                    }
                    "fieldmark-end"
                        if self
                            .captures
                            .last()
                            .is_some_and(|c| c.end == (Ns::Field, "fieldmark-end")) =>
                    {
                        self.end_capture();
                    }
                    "param" => {
                        if el.attr("name") == Some("Checkbox_Checked")
                            && let Some((_, checked)) = self.fieldmark.as_mut()
                        {
                            *checked = attr_true(el.attr("value"));
                        }
                    }
                    _ => {}
                }
                Flow::Enter
            }
            // Of a page's headers and footers only the usual header is read (the first-page
            // and left-page variants mostly repeat it).
            Ns::Style
                if matches!(
                    &*el.local,
                    "footer" | "footer-left" | "footer-first" | "header-left" | "header-first"
                ) =>
            {
                Flow::Skip
            }
            Ns::Style => {
                self.start_style_element(el);
                Flow::Enter
            }
            // `svg:title` / `svg:desc` of a frame: alternative text, not printed.
            Ns::Other if el.local == "title" || el.local == "desc" => Flow::Skip,
            _ => Flow::Enter,
        }
    }

    fn end(&mut self, ns: Ns, local: &str) {
        if self.in_forms > 0 {
            if ns == Ns::Office && local == "forms" {
                self.in_forms -= 1;
            } else if ns == Ns::Form {
                self.end_form_element(local);
            }
            return;
        }
        if self
            .captures
            .last()
            .is_some_and(|c| c.end.0 == ns && c.end.1 == local)
        {
            self.end_capture();
        }
        match (ns, local) {
            (Ns::Text, "span") => {
                self.fonts.pop();
            }
            (Ns::Style, "style") => self.style = None,
            (Ns::Text, "p") | (Ns::Text, "h") => {
                self.fonts.pop();
                self.para_depth = self.para_depth.saturating_sub(1);
                self.builder.end_para();
            }
            (Ns::Table, "table") => self.builder.end_table(),
            (Ns::Table, "table-row") => self.builder.end_row(),
            (Ns::Table, "table-cell") | (Ns::Draw, "text-box") => self.builder.end_container(),
            (Ns::Field, "fieldmark") | (Ns::Field, "fieldmark-start") => {
                if let Some((name, checked)) = self.fieldmark.take() {
                    let index = add_field(
                        self.fields,
                        Field {
                            name,
                            tooltip: String::new(),
                            nearby_text: self.builder.nearby_text(),
                            value: FieldValue::Check(checked),
                            place: None,
                        },
                    );
                    self.emit_tick(checked, index);
                }
            }
            _ => {}
        }
    }

    fn text(&mut self, text: &str) {
        if self.in_forms > 0 || self.para_depth == 0 || !self.builder.in_para() {
            return;
        }
        // ODF collapses runs of white space in character data to one space (`text:s`,
        // `text:tab` and `text:line-break` carry the significant ones).
        let mut collapsed = String::with_capacity(text.len());
        let mut at_space = self.builder.at_space();
        for ch in text.chars() {
            if matches!(ch, ' ' | '\t' | '\n' | '\r') {
                if !at_space {
                    collapsed.push(' ');
                    at_space = true;
                }
            } else {
                collapsed.push(ch);
                at_space = false;
            }
        }
        let mut mapped = String::with_capacity(collapsed.len());
        map_run_text(
            self.fonts.last().copied().flatten(),
            &collapsed,
            &mut mapped,
        );
        self.emit(&mapped);
    }
}
