//! PDF bytes in → a `Document`: the page text laid out as printed lines and table cells (read
//! by interpreting content streams, Form XObjects included), AcroForm fields with their values
//! written into the page text where their widgets sit (source `pdf-form`, else `pdf-text`),
//! and whether pages are scanned images with no text layer.
//!
//! Scan rule: `scanned_without_text` is set when some page draws an image and shows no text
//! (or shows only glyphs its fonts cannot map to Unicode, as from some print drivers), and the whole document holds fewer than `LITTLE_TEXT_CHARS` characters of text (page text
//! and field values): a typed form with a scanned signature page is read normally, a scanned
//! form behind a one-line cover page is flagged.

mod acroform;
mod content;
mod font;
mod layout;

use super::{Document, Field, FieldValue, Limit, Line, Source, Unreadable};
use crate::limits::Limits;
use content::{Interpreter, PageGlyph};
use lopdf::{Dictionary, LoadOptions, Object, ObjectId};
use std::collections::{HashMap, HashSet};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::time::{Duration, Instant};

/// Fewer text characters than this in a document with an image-only page: a scan.
const LITTLE_TEXT_CHARS: usize = 200;
/// Content operations interpreted per page, Form XObjects included.
const MAX_OPS_PER_PAGE: usize = 2_000_000;
/// Reference hops followed to reach an object.
const MAX_REFERENCE_HOPS: usize = 32;

/// Reads a PDF; `Unreadable` (with the reason) when it is encrypted with a password, corrupt,
/// truncated or over a limit. A panic inside the PDF parser is turned into `Unreadable` too.
pub fn read(bytes: &[u8], limits: &Limits) -> Result<Document, Unreadable> {
    match catch_unwind(AssertUnwindSafe(|| read_inner(bytes, limits))) {
        Ok(result) => result,
        Err(_) => Err(Unreadable::malformed(
            "PDF is malformed (the PDF parser failed on it)",
        )),
    }
}

/// Resource accounting for one document: decompressed bytes, operations, wall clock.
pub struct Budget {
    stream_limit: usize,
    bytes_left: usize,
    ops_left: usize,
    deadline: Instant,
    ops_since_clock: usize,
    /// Why reading stopped early, when a limit was hit.
    exceeded: Option<Unreadable>,
}

impl Budget {
    fn new(limits: &Limits) -> Budget {
        Budget {
            stream_limit: limits.max_pdf_stream_bytes,
            bytes_left: limits.max_pdf_stream_bytes.saturating_mul(4),
            ops_left: MAX_OPS_PER_PAGE,
            deadline: Instant::now() + Duration::from_millis(limits.attachment_deadline_ms),
            ops_since_clock: 0,
            exceeded: None,
        }
    }

    /// A stream's decoded bytes, within the per-stream and per-document limits. `None` when
    /// it does not decode, or is over a limit (then `exceeded` says so).
    pub fn stream_bytes(&mut self, stream: &lopdf::Stream) -> Option<Vec<u8>> {
        let limit = self.stream_limit.min(self.bytes_left);
        match stream.get_plain_content_with_limit(limit) {
            Ok(data) => {
                self.bytes_left = self.bytes_left.saturating_sub(data.len());
                Some(data)
            }
            Err(lopdf::Error::Decompress(lopdf::DecompressError::MemoryLimitExceeded {
                ..
            })) => {
                self.note_exceeded(Unreadable::over(
                    Limit::PdfStreamBytes,
                    format!("a PDF stream decompresses to more than {limit} bytes"),
                ));
                None
            }
            Err(_) => None,
        }
    }

    /// Counts one content operation; false once the page's budget or the deadline is spent.
    pub fn take_op(&mut self) -> bool {
        if self.ops_left == 0 {
            return false;
        }
        self.ops_left -= 1;
        self.ops_since_clock += 1;
        if self.ops_since_clock >= 4096 {
            self.ops_since_clock = 0;
            if Instant::now() > self.deadline {
                self.ops_left = 0;
                self.note_exceeded(Unreadable::over(
                    Limit::ReadingTime,
                    "reading the PDF took longer than the time limit",
                ));
                return false;
            }
        }
        true
    }

    fn note_exceeded(&mut self, reason: Unreadable) {
        if self.exceeded.is_none() {
            self.exceeded = Some(reason);
        }
    }
}

/// A dictionary entry with references followed.
pub fn dict_get<'a>(
    doc: &'a lopdf::Document,
    dict: &'a Dictionary,
    key: &[u8],
) -> Option<&'a Object> {
    resolve(doc, dict.get(key).ok()?)
}

/// An object with references followed (a bounded number of hops).
pub fn resolve<'a>(doc: &'a lopdf::Document, object: &'a Object) -> Option<&'a Object> {
    let mut current = object;
    for _ in 0..MAX_REFERENCE_HOPS {
        match current {
            Object::Reference(id) => current = doc.objects.get(id)?,
            other => return Some(other),
        }
    }
    None
}

fn read_inner(bytes: &[u8], limits: &Limits) -> Result<Document, Unreadable> {
    if !bytes.windows(5).take(1024).any(|w| w == b"%PDF-") {
        return Err(Unreadable::malformed("not a PDF file (no %PDF- header)"));
    }
    let options = LoadOptions {
        max_decompressed_size: Some(limits.max_pdf_stream_bytes),
        ..LoadOptions::default()
    };
    let pdf = lopdf::Document::load_mem_with_options(bytes, options).map_err(|e| match e {
        lopdf::Error::Decompress(lopdf::DecompressError::MemoryLimitExceeded { .. }) => {
            Unreadable::over(
                Limit::PdfStreamBytes,
                format!(
                    "a PDF stream decompresses to more than {} bytes",
                    limits.max_pdf_stream_bytes
                ),
            )
        }
        lopdf::Error::InvalidPassword => Unreadable::Encrypted,
        lopdf::Error::Decryption(_) | lopdf::Error::UnsupportedSecurityHandler(_) => {
            Unreadable::UnsupportedEncryption
        }
        other => Unreadable::malformed(format!("PDF is corrupt or truncated: {other}")),
    })?;
    // lopdf decrypts a file whose user password is empty; one that needs a password keeps its
    // /Encrypt entry and loads no objects.
    if pdf.trailer.has(b"Encrypt") {
        return Err(Unreadable::Encrypted);
    }
    if pdf.objects.len() > limits.max_pdf_objects {
        return Err(Unreadable::over(
            Limit::PdfObjects,
            format!(
                "PDF has {} objects, over the {} object limit",
                pdf.objects.len(),
                limits.max_pdf_objects
            ),
        ));
    }
    let mut pages = collect_pages(&pdf, limits);
    if pages.is_empty() {
        pages = pages_without_tree(&pdf, limits);
    }
    if pages.is_empty() {
        return Err(Unreadable::malformed(
            "PDF is corrupt or truncated: no pages could be read",
        ));
    }

    let mut budget = Budget::new(limits);
    let mut page_marks = Vec::with_capacity(pages.len());
    for page in &pages {
        budget.ops_left = MAX_OPS_PER_PAGE;
        let content = match pdf.get_page_content_with_limit(page.id, limits.max_pdf_stream_bytes) {
            Ok(content) => {
                budget.bytes_left = budget.bytes_left.saturating_sub(content.len());
                content
            }
            Err(_) => {
                return Err(Unreadable::over(
                    Limit::PdfStreamBytes,
                    format!(
                        "a PDF page's content decompresses to more than {} bytes",
                        limits.max_pdf_stream_bytes
                    ),
                ));
            }
        };
        let mut interpreter = Interpreter::new(&pdf, &mut budget, limits.max_nesting);
        interpreter.run_page(&content, page.resources);
        draw_free_text(&pdf, page, &mut interpreter);
        page_marks.push(interpreter.marks);
    }
    if let Some(reason) = budget.exceeded.take() {
        return Err(reason);
    }

    let (has_form, form_fields) = acroform::read_fields(&pdf, limits.max_nesting);
    let page_index: HashMap<ObjectId, usize> =
        pages.iter().enumerate().map(|(i, p)| (p.id, i)).collect();
    let annot_page: HashMap<ObjectId, usize> = pages
        .iter()
        .enumerate()
        .flat_map(|(i, p)| p.annots.iter().map(move |id| (*id, i)))
        .collect();

    // Nearby text is read from the printed page before any value is written into it.
    let printed_lines: Vec<Vec<layout::LaidLine>> = page_marks
        .iter()
        .map(|m| layout::lay_out(&m.glyphs, &m.rules))
        .collect();
    let mut fields = Vec::with_capacity(form_fields.len());
    let mut written: Vec<Vec<PageGlyph>> = vec![Vec::new(); pages.len()];
    let mut group = 0u32;
    let mut field_chars = 0usize;
    for field in &form_fields {
        let mut nearby = String::new();
        for widget in &field.widgets {
            let page = widget
                .id
                .and_then(|id| annot_page.get(&id))
                .or_else(|| widget.page.and_then(|p| page_index.get(&p)))
                .copied();
            let Some(page) = page else { continue };
            if nearby.is_empty() && widget.rect[2] > widget.rect[0] {
                let label_right = matches!(widget.mark, acroform::Mark::Box(_));
                nearby = layout::nearby_text(&printed_lines[page], widget.rect, label_right);
            }
            if let acroform::Mark::Text { value, .. } = &widget.mark
                && already_printed(&page_marks[page].glyphs, widget.rect, value)
            {
                continue;
            }
            group = group.saturating_add(1);
            let room = content::MAX_GLYPHS_PER_PAGE.saturating_sub(written[page].len());
            written[page].extend(
                acroform::widget_glyphs(widget, group)
                    .into_iter()
                    .take(room),
            );
        }
        if let FieldValue::Text(t) = &field.value {
            field_chars += t.chars().filter(|c| !c.is_whitespace()).count();
        }
        fields.push(Field {
            name: field.name.clone(),
            tooltip: field.tooltip.clone(),
            nearby_text: nearby,
            value: field.value.clone(),
        });
    }

    let mut doc = Document::new(if has_form && !fields.is_empty() {
        Source::PdfForm
    } else {
        Source::PdfText
    });
    for (marks, extra) in page_marks.iter_mut().zip(written) {
        let lines = if extra.is_empty() {
            layout::lay_out(&marks.glyphs, &marks.rules)
        } else {
            marks.glyphs.extend(extra);
            layout::lay_out(&marks.glyphs, &marks.rules)
        };
        doc.lines.extend(lines.into_iter().map(|l| Line {
            cells: l.cells.into_iter().map(|c| c.text).collect(),
        }));
    }
    doc.fields = fields;

    let text_chars: usize = page_marks.iter().map(|m| m.text_glyphs).sum::<usize>() + field_chars;
    // A page whose text cannot be decoded (fonts with no Unicode mapping) reads like a scan.
    let textless_page = page_marks
        .iter()
        .any(|m| m.text_glyphs == 0 && (m.images > 0 || m.undecoded_glyphs > 0));
    doc.scanned_without_text = textless_page && text_chars < LITTLE_TEXT_CHARS;
    Ok(doc)
}

/// Text boxes added on top of a page (a viewer's "add text" tool, e.g. macOS Preview) hold
/// answers typed onto a form that is not fillable: draw their appearance, else their text.
fn draw_free_text<'a>(
    pdf: &'a lopdf::Document,
    page: &Page<'a>,
    interpreter: &mut Interpreter<'a, '_>,
) {
    for (k, id) in page.annots.iter().enumerate() {
        let Some(annot) = pdf.objects.get(id).and_then(|o| o.as_dict().ok()) else {
            continue;
        };
        if dict_get(pdf, annot, b"Subtype").and_then(|o| o.as_name().ok())
            != Some(b"FreeText".as_slice())
        {
            continue;
        }
        let Some(rect) = acroform::rect_of(pdf, annot) else {
            continue;
        };
        let hidden = matches!(dict_get(pdf, annot, b"F"), Some(Object::Integer(f)) if f & 2 != 0);
        if hidden {
            continue;
        }
        interpreter.group = u32::MAX - k.min(1 << 20) as u32;
        let normal = dict_get(pdf, annot, b"AP")
            .and_then(|o| o.as_dict().ok())
            .and_then(|ap| ap.get(b"N").ok());
        let normal_id = normal.and_then(|o| o.as_reference().ok());
        if let Some(stream) = normal
            .and_then(|o| resolve(pdf, o))
            .and_then(|o| o.as_stream().ok())
        {
            interpreter.run_appearance(normal_id, stream, rect);
        } else if let Some(text) = dict_get(pdf, annot, b"Contents").and_then(acroform::text_string)
        {
            let da = dict_get(pdf, annot, b"DA").and_then(|o| o.as_str().ok());
            let widget = acroform::Widget {
                id: Some(*id),
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
    }
    interpreter.group = 0;
}

/// Whether the page content itself already prints `value` inside `rect` (a form flattened
/// but still carrying its fields): then the value is not written a second time.
fn already_printed(glyphs: &[PageGlyph], rect: [f32; 4], value: &str) -> bool {
    let wanted: String = value.chars().filter(|c| !c.is_whitespace()).collect();
    if wanted.is_empty() || glyphs.len() > 50_000 {
        return false;
    }
    let [x0, y0, x1, y1] = rect;
    let inside: String = glyphs
        .iter()
        .filter(|g| g.x0 >= x0 - 1.0 && g.x0 <= x1 && g.y >= y0 - 2.0 && g.y <= y1)
        .flat_map(|g| g.text.chars())
        .filter(|c| !c.is_whitespace())
        .collect();
    inside.contains(&wanted)
}

struct Page<'a> {
    id: ObjectId,
    resources: Option<&'a Dictionary>,
    annots: Vec<ObjectId>,
}

/// The page tree's leaves in order, with inherited resources; bounded by the page limit, the
/// nesting limit and a visited set (a tree that points to itself is read once).
fn collect_pages<'a>(pdf: &'a lopdf::Document, limits: &Limits) -> Vec<Page<'a>> {
    let mut pages = Vec::new();
    let Some(root) = pdf.catalog().ok().and_then(|c| c.get(b"Pages").ok()) else {
        return pages;
    };
    let mut visited = HashSet::new();
    walk_pages(pdf, root, None, 0, limits, &mut visited, &mut pages);
    pages
}

/// When the page tree is broken, the page objects themselves, in object order (as readers
/// that rebuild a damaged file do), with resources inherited through `/Parent`.
fn pages_without_tree<'a>(pdf: &'a lopdf::Document, limits: &Limits) -> Vec<Page<'a>> {
    let mut pages = Vec::new();
    for (id, object) in &pdf.objects {
        if pages.len() >= limits.max_pdf_pages {
            break;
        }
        let Ok(dict) = object.as_dict() else { continue };
        if !dict.has_type(b"Page") {
            continue;
        }
        let mut resources = None;
        let mut node = dict;
        for _ in 0..limits.max_nesting {
            resources = dict_get(pdf, node, b"Resources").and_then(|o| o.as_dict().ok());
            match dict_get(pdf, node, b"Parent").and_then(|o| o.as_dict().ok()) {
                Some(parent) if resources.is_none() => node = parent,
                _ => break,
            }
        }
        pages.push(Page {
            id: *id,
            resources,
            annots: annotation_ids(pdf, dict),
        });
    }
    pages
}

fn annotation_ids(pdf: &lopdf::Document, page: &Dictionary) -> Vec<ObjectId> {
    dict_get(pdf, page, b"Annots")
        .and_then(|o| o.as_array().ok())
        .map(|a| a.iter().filter_map(|o| o.as_reference().ok()).collect())
        .unwrap_or_default()
}

fn walk_pages<'a>(
    pdf: &'a lopdf::Document,
    node: &'a Object,
    inherited: Option<&'a Dictionary>,
    depth: usize,
    limits: &Limits,
    visited: &mut HashSet<ObjectId>,
    pages: &mut Vec<Page<'a>>,
) {
    if depth > limits.max_nesting || pages.len() >= limits.max_pdf_pages {
        return;
    }
    let Object::Reference(id) = node else { return };
    if !visited.insert(*id) {
        return;
    }
    let Some(dict) = resolve(pdf, node).and_then(|o| o.as_dict().ok()) else {
        return;
    };
    let resources = dict_get(pdf, dict, b"Resources")
        .and_then(|o| o.as_dict().ok())
        .or(inherited);
    match dict_get(pdf, dict, b"Kids").and_then(|o| o.as_array().ok()) {
        Some(kids) if !dict.has_type(b"Page") => {
            for kid in kids {
                walk_pages(pdf, kid, resources, depth + 1, limits, visited, pages);
            }
        }
        _ => {
            pages.push(Page {
                id: *id,
                resources,
                annots: annotation_ids(pdf, dict),
            });
        }
    }
}
