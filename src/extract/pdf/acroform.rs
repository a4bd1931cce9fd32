//! The `/AcroForm` field tree in → fields out (full name, tooltip, value) with the widgets that
//! show them (page, rectangle, what to write there), so values can be printed into the page text.

use super::content::PageGlyph;
use super::font::number;
use super::{dict_get, resolve};
use crate::extract::{FieldValue, TICKED, UNTICKED};
use lopdf::{Dictionary, Document, Object, ObjectId, decode_text_string};
use std::collections::HashSet;

/// What a widget shows.
#[derive(Debug, Clone)]
pub enum Mark {
    Text {
        value: String,
        size: f32,
        multiline: bool,
        align: i64,
    },
    Box(bool),
}

#[derive(Debug, Clone)]
pub struct Widget {
    pub id: Option<ObjectId>,
    /// The widget's `/P` page, when it names one.
    pub page: Option<ObjectId>,
    pub rect: [f32; 4],
    pub mark: Mark,
    pub hidden: bool,
}

#[derive(Debug, Clone)]
pub struct FormField {
    pub name: String,
    pub tooltip: String,
    pub value: FieldValue,
    pub widgets: Vec<Widget>,
}

/// Most fields read from one form.
const MAX_FIELDS: usize = 5_000;

/// Most characters of one value line written into the page text.
const MAX_VALUE_CHARS_PER_LINE: usize = 2_000;

const FF_MULTILINE: i64 = 1 << 12;
const FF_RADIO: i64 = 1 << 15;
const FF_PUSHBUTTON: i64 = 1 << 16;
const ANNOT_HIDDEN: i64 = 1 << 1;
const ANNOT_NO_VIEW: i64 = 1 << 5;

#[derive(Clone, Default)]
struct Inherited<'a> {
    name: String,
    tooltip: String,
    field_type: Option<&'a [u8]>,
    flags: i64,
    value: Option<&'a Object>,
    default_appearance: Option<&'a [u8]>,
    quadding: i64,
    /// A choice field's `/Opt`: display texts, or `[export display]` pairs.
    options: Option<&'a [Object]>,
}

/// Whether the document has an AcroForm, and its fields.
pub fn read_fields(doc: &Document, max_depth: usize) -> (bool, Vec<FormField>) {
    let Some(form) = doc
        .catalog()
        .ok()
        .and_then(|c| dict_get(doc, c, b"AcroForm"))
        .and_then(|o| o.as_dict().ok())
    else {
        return (false, Vec::new());
    };
    let Some(roots) = dict_get(doc, form, b"Fields").and_then(|o| o.as_array().ok()) else {
        return (true, Vec::new());
    };
    let inherited = Inherited {
        default_appearance: dict_get(doc, form, b"DA").and_then(|o| o.as_str().ok()),
        quadding: int(dict_get(doc, form, b"Q")).unwrap_or(0),
        ..Inherited::default()
    };
    let mut walker = Walker {
        doc,
        visited: HashSet::new(),
        max_depth,
        fields: Vec::new(),
    };
    for root in roots {
        walker.walk(root, &inherited, 0);
    }
    (true, walker.fields)
}

struct Walker<'a> {
    doc: &'a Document,
    visited: HashSet<ObjectId>,
    max_depth: usize,
    fields: Vec<FormField>,
}

impl<'a> Walker<'a> {
    fn walk(&mut self, node: &'a Object, parent: &Inherited<'a>, depth: usize) {
        if depth > self.max_depth || self.fields.len() >= MAX_FIELDS {
            return;
        }
        if let Object::Reference(id) = node
            && !self.visited.insert(*id)
        {
            return;
        }
        let doc = self.doc;
        let Some(dict) = resolve(doc, node).and_then(|o| o.as_dict().ok()) else {
            return;
        };
        let mut here = parent.clone();
        if let Some(partial) = dict_get(doc, dict, b"T").and_then(text_string) {
            here.name = if parent.name.is_empty() {
                partial
            } else {
                format!("{}.{}", parent.name, partial)
            };
            // A tooltip and options describe one field, not the fields below it.
            here.tooltip = String::new();
            here.options = None;
        }
        if let Some(tooltip) = dict_get(doc, dict, b"TU").and_then(text_string) {
            here.tooltip = tooltip;
        }
        if let Some(ft) = dict_get(doc, dict, b"FT").and_then(|o| o.as_name().ok()) {
            here.field_type = Some(ft);
        }
        if let Some(ff) = int(dict_get(doc, dict, b"Ff")) {
            here.flags = ff;
        }
        if let Ok(v) = dict.get(b"V") {
            here.value = resolve(doc, v);
        }
        if let Some(da) = dict_get(doc, dict, b"DA").and_then(|o| o.as_str().ok()) {
            here.default_appearance = Some(da);
        }
        if let Some(q) = int(dict_get(doc, dict, b"Q")) {
            here.quadding = q;
        }
        if let Some(options) = dict_get(doc, dict, b"Opt").and_then(|o| o.as_array().ok()) {
            here.options = Some(options);
        }

        let kids: Vec<&'a Object> = dict_get(doc, dict, b"Kids")
            .and_then(|o| o.as_array().ok())
            .map(|a| a.iter().collect())
            .unwrap_or_default();
        let (child_fields, widget_kids): (Vec<&'a Object>, Vec<&'a Object>) =
            kids.into_iter().partition(|k| {
                resolve(doc, k)
                    .and_then(|o| o.as_dict().ok())
                    .is_some_and(|d| d.has(b"T") || d.has(b"FT") && !d.has(b"Rect"))
            });
        for kid in child_fields {
            self.walk(kid, &here, depth + 1);
        }
        let mut widgets: Vec<(&'a Object, &'a Dictionary)> = Vec::new();
        for kid in widget_kids {
            if let Object::Reference(id) = kid
                && !self.visited.insert(*id)
            {
                continue;
            }
            if let Some(d) = resolve(doc, kid).and_then(|o| o.as_dict().ok()) {
                widgets.push((kid, d));
            }
        }
        if widgets.is_empty() && (dict.has(b"Rect") || dict.has(b"Subtype")) {
            widgets.push((node, dict));
        }
        let is_terminal = dict_get(doc, dict, b"Kids").is_none() || !widgets.is_empty();
        if is_terminal && !here.name.is_empty() {
            self.terminal(&here, &widgets);
        }
    }

    fn terminal(&mut self, field: &Inherited<'a>, widgets: &[(&'a Object, &'a Dictionary)]) {
        let doc = self.doc;
        let widget = |obj: &'a Object, d: &'a Dictionary, mark: Mark| Widget {
            id: match obj {
                Object::Reference(id) => Some(*id),
                _ => None,
            },
            page: d.get(b"P").ok().and_then(|p| p.as_reference().ok()),
            rect: rect_of(doc, d).unwrap_or([0.0; 4]),
            mark,
            hidden: int(dict_get(doc, d, b"F"))
                .is_some_and(|f| f & (ANNOT_HIDDEN | ANNOT_NO_VIEW) != 0),
        };
        match field.field_type {
            Some(b"Btn") if field.flags & FF_PUSHBUTTON != 0 => {}
            Some(b"Btn") if field.flags & FF_RADIO != 0 => {
                // One field per button, named by its export value (`/Opt`) or on state, so
                // each can be tied to its label.
                let chosen = state_name(field.value);
                let states: Vec<Option<String>> =
                    widgets.iter().map(|(_, d)| on_state(doc, d)).collect();
                // Buttons sharing one on-state name are told apart by their own /AS.
                let shared = states
                    .iter()
                    .enumerate()
                    .any(|(i, s)| s.is_some() && states[..i].contains(s));
                for (i, ((obj, d), on_state)) in widgets.iter().zip(&states).enumerate() {
                    let shown = appearance_state(doc, d);
                    let on = match (&chosen, on_state) {
                        _ if shared => shown.as_ref().is_some_and(|s| s != "Off"),
                        (Some(v), Some(s)) => v == s,
                        (None, _) => shown.as_ref().is_some_and(|s| s != "Off"),
                        _ => false,
                    };
                    let export = field
                        .options
                        .and_then(|o| o.get(i))
                        .and_then(|o| resolve(doc, o))
                        .and_then(text_string);
                    let name = match export.as_ref().or(on_state.as_ref()) {
                        Some(s) => format!("{}.{}", field.name, s),
                        None => field.name.clone(),
                    };
                    self.fields.push(FormField {
                        name,
                        tooltip: field.tooltip.clone(),
                        value: FieldValue::Check(on),
                        widgets: vec![widget(obj, d, Mark::Box(on))],
                    });
                }
            }
            Some(b"Btn") => {
                let chosen = state_name(field.value);
                let mut any_on = false;
                let mut marks = Vec::new();
                for (obj, d) in widgets {
                    let on_state = on_state(doc, d);
                    let on = match (&chosen, appearance_state(doc, d)) {
                        // /V names the state; a widget is on when it is that state.
                        (Some(v), _) if v == "Off" => false,
                        (Some(v), _) => on_state.as_ref().is_none_or(|s| s == v),
                        (None, Some(s)) => s != "Off",
                        (None, None) => false,
                    };
                    any_on |= on;
                    marks.push(widget(obj, d, Mark::Box(on)));
                }
                if widgets.is_empty() {
                    any_on = chosen.as_deref().is_some_and(|v| v != "Off");
                }
                self.fields.push(FormField {
                    name: field.name.clone(),
                    tooltip: field.tooltip.clone(),
                    value: FieldValue::Check(any_on),
                    widgets: marks,
                });
            }
            Some(b"Tx") | Some(b"Ch") => {
                let value = field_text(doc, field.value, field.options);
                let size = font_size(field.default_appearance);
                let multiline = field.flags & FF_MULTILINE != 0;
                let marks = widgets
                    .iter()
                    .map(|(obj, d)| {
                        let align = int(dict_get(doc, d, b"Q")).unwrap_or(field.quadding);
                        widget(
                            obj,
                            d,
                            Mark::Text {
                                value: value.clone(),
                                size,
                                multiline,
                                align,
                            },
                        )
                    })
                    .collect();
                self.fields.push(FormField {
                    name: field.name.clone(),
                    tooltip: field.tooltip.clone(),
                    value: FieldValue::Text(value),
                    widgets: marks,
                });
            }
            _ => {}
        }
    }
}

/// A text field's or choice field's value as text (a choice's export value shown as its label).
fn field_text(doc: &Document, value: Option<&Object>, options: Option<&[Object]>) -> String {
    let Some(value) = value else {
        return String::new();
    };
    let shown = |export: String| -> String {
        let label = options.into_iter().flatten().find_map(|option| {
            let pair = resolve(doc, option)?.as_array().ok()?;
            let (export_value, display) = (pair.first()?, pair.get(1)?);
            (text_string(resolve(doc, export_value)?)? == export)
                .then(|| resolve(doc, display).and_then(text_string))
                .flatten()
        });
        label.unwrap_or(export)
    };
    match value {
        Object::String(..) => text_string(value).map(shown).unwrap_or_default(),
        Object::Name(n) => shown(String::from_utf8_lossy(n).into_owned()),
        Object::Array(items) => items
            .iter()
            .filter_map(|i| resolve(doc, i))
            .filter_map(text_string)
            .map(shown)
            .collect::<Vec<_>>()
            .join("; "),
        Object::Stream(s) => String::from_utf8_lossy(&s.content).into_owned(),
        _ => String::new(),
    }
}

pub fn text_string(object: &Object) -> Option<String> {
    match object {
        Object::String(..) => decode_text_string(object).ok().or_else(|| {
            object
                .as_str()
                .ok()
                .map(|b| String::from_utf8_lossy(b).into_owned())
        }),
        _ => None,
    }
}

fn int(object: Option<&Object>) -> Option<i64> {
    match object {
        Some(Object::Integer(i)) => Some(*i),
        Some(Object::Real(r)) if r.is_finite() => Some(*r as i64),
        _ => None,
    }
}

/// A check box value: a name (`/Yes`), or a string from careless writers.
fn state_name(value: Option<&Object>) -> Option<String> {
    match value {
        Some(Object::Name(n)) => Some(String::from_utf8_lossy(n).into_owned()),
        Some(o @ Object::String(..)) => {
            text_string(o).map(|s| s.trim_start_matches('/').to_string())
        }
        _ => None,
    }
}

fn appearance_state(doc: &Document, widget: &Dictionary) -> Option<String> {
    dict_get(doc, widget, b"AS")
        .and_then(|o| o.as_name().ok())
        .map(|n| String::from_utf8_lossy(n).into_owned())
}

/// The widget's "on" appearance name (`/Yes`, `/On`, `/1`, `/Choice1`…): its `/AP /N` key other
/// than `/Off`.
fn on_state(doc: &Document, widget: &Dictionary) -> Option<String> {
    let normal = dict_get(doc, widget, b"AP")
        .and_then(|o| o.as_dict().ok())
        .and_then(|ap| dict_get(doc, ap, b"N"))
        .and_then(|o| o.as_dict().ok());
    if let Some(normal) = normal
        && let Some((key, _)) = normal.iter().find(|(k, _)| k.as_slice() != b"Off")
    {
        return Some(String::from_utf8_lossy(key).into_owned());
    }
    appearance_state(doc, widget).filter(|s| s != "Off")
}

pub fn rect_of(doc: &Document, d: &Dictionary) -> Option<[f32; 4]> {
    let nums: Vec<f32> = dict_get(doc, d, b"Rect")?
        .as_array()
        .ok()?
        .iter()
        .filter_map(|o| number(resolve(doc, o)))
        .collect();
    let [a, b, c, e] = nums[..] else { return None };
    Some([a.min(c), b.min(e), a.max(c), b.max(e)])
}

/// A line of text broken into lines of at most `per_line` characters, at spaces where it can
/// be and inside a word longer than a line.
fn wrap_words(line: &str, per_line: usize) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut current_len = 0;
    for word in line.split(' ') {
        let mut word: Vec<char> = word.chars().collect();
        loop {
            let needed = word.len() + usize::from(current_len > 0);
            if current_len + needed <= per_line {
                if current_len > 0 {
                    current.push(' ');
                }
                current.extend(word.iter());
                current_len += needed;
                break;
            }
            if current_len > 0 {
                out.push(std::mem::take(&mut current));
                current_len = 0;
                continue;
            }
            let rest = word.split_off(per_line.min(word.len()));
            out.push(word.into_iter().collect());
            word = rest;
            if word.is_empty() {
                break;
            }
        }
        if out.len() > 200 {
            break;
        }
    }
    if current_len > 0 || out.is_empty() {
        out.push(current);
    }
    out
}

/// The font size in a `/DA` string (`/Helv 10 Tf 0 g`); 0 means "fit", answered with 0.
pub fn font_size(da: Option<&[u8]>) -> f32 {
    let Some(da) = da else { return 0.0 };
    let text = String::from_utf8_lossy(da);
    let tokens: Vec<&str> = text.split_whitespace().collect();
    tokens
        .iter()
        .position(|t| *t == "Tf")
        .and_then(|i| i.checked_sub(1))
        .and_then(|i| tokens.get(i))
        .and_then(|t| t.parse::<f32>().ok())
        .filter(|s| s.is_finite() && *s >= 0.0)
        .unwrap_or(0.0)
}

/// Glyphs that print a widget's value at its rectangle, as a viewer would show it.
pub fn widget_glyphs(widget: &Widget, group: u32) -> Vec<PageGlyph> {
    let [x0, y0, x1, y1] = widget.rect;
    let height = y1 - y0;
    let width = x1 - x0;
    if widget.hidden || height <= 0.0 || width <= 0.0 || !height.is_finite() || !width.is_finite() {
        return Vec::new();
    }
    let mut out = Vec::new();
    match &widget.mark {
        Mark::Box(on) => {
            let size = height.min(width).clamp(4.0, 24.0);
            out.push(PageGlyph {
                x0,
                x1: x0 + size.min(width),
                y: y0 + (height - size) / 2.0 + size * 0.2,
                size,
                text: if *on { TICKED } else { UNTICKED }.into(),
                group,
            });
        }
        Mark::Text {
            value,
            size,
            multiline,
            align,
        } => {
            let size = if *size > 0.0 {
                *size
            } else {
                (height * 0.66).clamp(4.0, 12.0)
            };
            let nominal = size * 0.5;
            let room = (width - 4.0).max(nominal);
            // A one-line field keeps its value on one line, narrowed to fit its box; a
            // multi-line one wraps it at the box's width, as a viewer shows it.
            let value_lines: Vec<String> = if *multiline {
                let per_line = ((room / nominal) as usize).max(1);
                value
                    .lines()
                    .take(200)
                    .flat_map(|l| wrap_words(l, per_line))
                    .collect()
            } else {
                vec![value.replace(['\r', '\n'], " ")]
            };
            let several = *multiline || value_lines.len() > 1;
            for (row, text) in value_lines.iter().enumerate().take(200) {
                let chars = text.chars().count().min(MAX_VALUE_CHARS_PER_LINE);
                let advance = if several {
                    nominal
                } else {
                    nominal.min(room / chars.max(1) as f32)
                };
                let y = if several {
                    y1 - 2.0 - size * (row as f32 + 1.0) * 1.15 + size * 0.2
                } else {
                    y0 + (height - size) / 2.0 + size * 0.22
                };
                let run = advance * chars as f32;
                let mut x = match align {
                    1 => x0 + (width - run) / 2.0,
                    2 => x1 - 2.0 - run,
                    _ => x0 + 2.0,
                }
                .max(x0);
                for c in text.chars().take(MAX_VALUE_CHARS_PER_LINE) {
                    out.push(PageGlyph {
                        x0: x,
                        x1: x + advance,
                        y,
                        size,
                        text: c.into(),
                        group,
                    });
                    x += advance;
                }
            }
        }
    }
    out
}
