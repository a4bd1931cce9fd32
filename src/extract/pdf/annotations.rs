//! A page's annotations in → what they add on top of the page, drawn into the page's marks by
//! the interpreter: text typed on the page (FreeText, Acrobat's Typewriter, Fill & Sign,
//! Preview's text boxes) and marks made on it (Ink pen strokes, Stamps, Square and Circle
//! shapes). Each is drawn from its appearance stream, as a viewer shows it (and as a flattened
//! copy holds it as page content), else from its own entries: `/Contents` or `/RC` placed in
//! its `/Rect`, `/InkList` strokes, its rectangle. Form field widgets are the AcroForm reader's.

use super::acroform;
use super::content::{self, Interpreter, PageGlyph};
use super::{dict_get, font::number, resolve};
use crate::extract::layout;
use lopdf::{Object, ObjectId};

/// Most annotations drawn on one page.
const MAX_ANNOTATIONS_PER_PAGE: usize = 2_000;
/// Most strokes taken from one `/InkList`, and points from one stroke.
const MAX_INK_STROKES: usize = 256;
const MAX_INK_POINTS: usize = 4_096;

/// Annotation flags (ISO 32000-1, 12.5.3): Hidden and NoView are not shown.
const FLAG_HIDDEN: i64 = 2;
const FLAG_NO_VIEW: i64 = 32;

/// Draws the annotations `annots` of one page (see the module doc).
pub fn draw<'a>(
    pdf: &'a lopdf::Document,
    annots: &[ObjectId],
    interpreter: &mut Interpreter<'a, '_>,
) {
    for (k, id) in annots.iter().take(MAX_ANNOTATIONS_PER_PAGE).enumerate() {
        let Some(annot) = pdf.objects.get(id).and_then(|o| o.as_dict().ok()) else {
            continue;
        };
        let subtype = dict_get(pdf, annot, b"Subtype").and_then(|o| o.as_name().ok());
        let Some(subtype) = subtype else { continue };
        if !matches!(
            subtype,
            b"FreeText" | b"Ink" | b"Stamp" | b"Square" | b"Circle" | b"Polygon" | b"PolyLine"
        ) {
            continue;
        }
        let flags = match dict_get(pdf, annot, b"F") {
            Some(Object::Integer(f)) => *f,
            _ => 0,
        };
        if flags & (FLAG_HIDDEN | FLAG_NO_VIEW) != 0 {
            continue;
        }
        let Some(rect) = acroform::rect_of(pdf, annot) else {
            continue;
        };
        // Every annotation is its own layer, so its text never runs into the page's.
        interpreter.group = u32::MAX - k as u32;
        let text_before = interpreter.marks.text_glyphs;
        let drew = draw_appearance(pdf, annot, rect, interpreter);
        let is_text = subtype == b"FreeText";
        if is_text && interpreter.marks.text_glyphs == text_before {
            // No appearance, or one whose text cannot be read (a font with no Unicode map):
            // the text the annotation holds, placed in its rectangle.
            place_contents(pdf, annot, *id, rect, interpreter);
        } else if !drew && !is_text {
            draw_own_shape(pdf, annot, subtype, rect, interpreter);
        }
    }
    interpreter.group = 0;
}

/// Runs the annotation's normal appearance (`/AP /N`, the state `/AS` names when there are
/// several) into its rectangle. False when it has none.
fn draw_appearance<'a>(
    pdf: &'a lopdf::Document,
    annot: &'a lopdf::Dictionary,
    rect: [f32; 4],
    interpreter: &mut Interpreter<'a, '_>,
) -> bool {
    let Some(normal) = dict_get(pdf, annot, b"AP")
        .and_then(|o| o.as_dict().ok())
        .and_then(|ap| ap.get(b"N").ok())
    else {
        return false;
    };
    let (entry, stream) = match resolve(pdf, normal) {
        Some(Object::Stream(s)) => (normal, s),
        Some(Object::Dictionary(states)) => {
            let Some(state) = dict_get(pdf, annot, b"AS").and_then(|o| o.as_name().ok()) else {
                return false;
            };
            let Some(entry) = states.get(state).ok() else {
                return false;
            };
            match resolve(pdf, entry) {
                Some(Object::Stream(s)) => (entry, s),
                _ => return false,
            }
        }
        _ => return false,
    };
    interpreter.run_appearance(entry.as_reference().ok(), stream, rect);
    true
}

/// A FreeText's own text (`/Contents`, else the rich text `/RC` without its markup) written
/// into its rectangle, line by line.
fn place_contents(
    pdf: &lopdf::Document,
    annot: &lopdf::Dictionary,
    id: ObjectId,
    rect: [f32; 4],
    interpreter: &mut Interpreter<'_, '_>,
) {
    let text = dict_get(pdf, annot, b"Contents")
        .and_then(acroform::text_string)
        .filter(|t| !t.trim().is_empty())
        .or_else(|| {
            dict_get(pdf, annot, b"RC")
                .and_then(rich_text_source)
                .map(|rc| strip_markup(&rc))
        });
    let Some(text) = text.filter(|t| !t.trim().is_empty()) else {
        return;
    };
    let da = dict_get(pdf, annot, b"DA").and_then(|o| o.as_str().ok());
    let widget = acroform::Widget {
        id: Some(id),
        page: None,
        rect,
        mark: acroform::Mark::Text {
            value: text,
            size: acroform::font_size(da),
            multiline: true,
            align: 0,
        },
        hidden: false,
    };
    let room = content::MAX_GLYPHS_PER_PAGE.saturating_sub(interpreter.marks.glyphs.len());
    let glyphs: Vec<PageGlyph> = acroform::widget_glyphs(&widget, interpreter.group)
        .into_iter()
        .take(room)
        .collect();
    interpreter.marks.text_glyphs += glyphs.iter().filter(|g| !g.is_space()).count();
    interpreter.marks.glyphs.extend(glyphs);
}

/// `/RC` is a text string or a stream of XHTML.
fn rich_text_source(object: &Object) -> Option<String> {
    match object {
        Object::Stream(s) => {
            let bytes = s.get_plain_content().ok()?;
            (bytes.len() <= 1 << 20).then(|| String::from_utf8_lossy(&bytes).into_owned())
        }
        other => acroform::text_string(other),
    }
}

/// The text of rich text (XHTML): tags gone, a paragraph or line break a new line, the common
/// character entities decoded.
fn strip_markup(rc: &str) -> String {
    let mut out = String::with_capacity(rc.len());
    let mut rest = rc;
    while let Some(open) = rest.find('<') {
        out.push_str(&rest[..open]);
        let Some(close) = rest[open..].find('>') else {
            rest = "";
            break;
        };
        let tag = rest[open + 1..open + close]
            .trim_start_matches('/')
            .to_ascii_lowercase();
        let breaks = tag.starts_with('p') || tag.starts_with("br") || tag.starts_with("div");
        if breaks && !out.is_empty() && !out.ends_with('\n') {
            out.push('\n');
        }
        rest = &rest[open + close + 1..];
    }
    out.push_str(rest);
    out.replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&#13;", "\n")
}

/// An annotation with no appearance, drawn from its own entries: pen strokes from `/InkList`
/// or `/Vertices`; a Square or Circle as its rectangle (filled when it has an interior colour);
/// a Stamp as a filled rectangle.
fn draw_own_shape(
    pdf: &lopdf::Document,
    annot: &lopdf::Dictionary,
    subtype: &[u8],
    rect: [f32; 4],
    interpreter: &mut Interpreter<'_, '_>,
) {
    let numbers = |object: &Object| -> Vec<f32> {
        object
            .as_array()
            .map(|a| {
                a.iter()
                    .take(2 * MAX_INK_POINTS)
                    .filter_map(|o| number(resolve(pdf, o)))
                    .collect()
            })
            .unwrap_or_default()
    };
    let stroke = |nums: Vec<f32>| layout::Subpath {
        points: nums.chunks_exact(2).map(|p| (p[0], p[1])).collect(),
        ..Default::default()
    };
    let [x0, y0, x1, y1] = rect;
    let rectangle = layout::Subpath {
        points: vec![(x0, y0), (x1, y0), (x1, y1), (x0, y1)],
        closed: true,
        curved: subtype == b"Circle",
        rectangle: subtype != b"Circle",
    };
    let path = match subtype {
        b"Ink" => {
            let strokes: Vec<layout::Subpath> = dict_get(pdf, annot, b"InkList")
                .and_then(|o| o.as_array().ok())
                .map(|list| {
                    list.iter()
                        .take(MAX_INK_STROKES)
                        .filter_map(|s| resolve(pdf, s))
                        .map(|s| stroke(numbers(s)))
                        .collect()
                })
                .unwrap_or_default();
            layout::Path {
                subpaths: strokes,
                stroked: true,
                filled: false,
            }
        }
        b"Polygon" | b"PolyLine" => layout::Path {
            subpaths: dict_get(pdf, annot, b"Vertices")
                .map(|v| vec![stroke(numbers(v))])
                .unwrap_or_default(),
            stroked: true,
            filled: false,
        },
        b"Square" | b"Circle" => {
            let filled = dict_get(pdf, annot, b"IC")
                .and_then(|o| o.as_array().ok())
                .is_some_and(|a| !a.is_empty());
            layout::Path {
                subpaths: vec![rectangle],
                stroked: !filled,
                filled,
            }
        }
        _ => layout::Path {
            subpaths: vec![rectangle],
            stroked: false,
            filled: true,
        },
    };
    interpreter.push_path(path);
}
