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
mod annotations;
mod content;
mod font;
mod pages;

use super::layout::{self, Rect};
use super::{Document, Field, FieldValue, Limit, Line, Place, Source, Unreadable};
use crate::limits::Limits;
use content::{Interpreter, PageGlyph};
use lopdf::{Dictionary, LoadOptions, Object, ObjectId};
pub(crate) use pages::{TreePage, page_tree};
use pages::{collect_pages, pages_without_tree};
use std::collections::HashMap;
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
    crate::catch_panic(|| read_inner(bytes, limits)).unwrap_or_else(|_| {
        Err(Unreadable::malformed(
            "PDF is malformed (the PDF parser failed on it)",
        ))
    })
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
    let mut frames = Vec::with_capacity(pages.len());
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
        annotations::draw(&pdf, &page.annots, &mut interpreter);
        page_marks.push(interpreter.marks);
        frames.push(Frame::of(&pdf, page.id, limits.max_nesting));
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
    let printed_lines: Vec<Vec<Line>> = if form_fields.iter().any(|f| !f.widgets.is_empty()) {
        page_marks
            .iter()
            .enumerate()
            .map(|(i, m)| layout::lay_out(&frames[i].page(i, m, &[])))
            .collect()
    } else {
        vec![Vec::new(); pages.len()]
    };
    let mut fields = Vec::with_capacity(form_fields.len());
    let mut written: Vec<Vec<PageGlyph>> = vec![Vec::new(); pages.len()];
    let mut group = 0u32;
    let mut field_chars = 0usize;
    for field in &form_fields {
        let mut nearby = String::new();
        let mut place = None;
        for widget in &field.widgets {
            let page = widget
                .id
                .and_then(|id| annot_page.get(&id))
                .or_else(|| widget.page.and_then(|p| page_index.get(&p)))
                .copied();
            let Some(page) = page else { continue };
            let rect = frames[page].rect(widget.rect);
            if place.is_none() && rect.is_finite() {
                place = Some(Place {
                    page: page as u32 + 1,
                    x0: rect.x0,
                    y0: rect.y0,
                    x1: rect.x1,
                    y1: rect.y1,
                });
            }
            if nearby.is_empty() && widget.rect[2] > widget.rect[0] {
                let label_right = matches!(widget.mark, acroform::Mark::Box(_));
                nearby = layout::nearby::nearby_text(
                    &printed_lines[page],
                    page as u32 + 1,
                    rect,
                    label_right,
                );
            }
            if let acroform::Mark::Text { value, .. } = &widget.mark
                && already_printed(&page_marks[page].glyphs, widget.rect, value)
            {
                continue;
            }
            group = group.saturating_add(1);
            let room = content::MAX_GLYPHS_PER_PAGE.saturating_sub(written[page].len());
            let mut glyphs = acroform::widget_glyphs(widget, group);
            // A one-line value reads as on its label's line, wherever the box puts it.
            if let acroform::Mark::Text {
                multiline: false, ..
            } = &widget.mark
                && let Some(baseline) =
                    layout::nearby::label_baseline(&printed_lines[page], page as u32 + 1, rect)
            {
                let y = frames[page].top - baseline;
                for g in &mut glyphs {
                    g.y = y;
                }
            }
            written[page].extend(glyphs.into_iter().take(room));
        }
        if let FieldValue::Text(t) = &field.value {
            field_chars += t.chars().filter(|c| !c.is_whitespace()).count();
        }
        fields.push(Field {
            name: field.name.clone(),
            tooltip: field.tooltip.clone(),
            nearby_text: nearby,
            value: field.value.clone(),
            place,
        });
    }

    let mut doc = Document::new(if has_form && !fields.is_empty() {
        Source::PdfForm
    } else {
        Source::PdfText
    });
    for (i, marks) in page_marks.iter().enumerate() {
        doc.lines
            .extend(layout::lay_out(&frames[i].page(i, marks, &written[i])));
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

/// Where a page's visible area sits in PDF space (its crop box, else its media box, inherited
/// from the page tree), to turn PDF coordinates (y up) into the layout's (from the top-left
/// corner, y down).
struct Frame {
    left: f32,
    top: f32,
    width: f32,
    height: f32,
}

impl Frame {
    fn of(pdf: &lopdf::Document, page: ObjectId, max_depth: usize) -> Frame {
        let mut node = pdf.objects.get(&page).and_then(|o| o.as_dict().ok());
        let mut crop: Option<[f32; 4]> = None;
        let mut media: Option<[f32; 4]> = None;
        for _ in 0..max_depth {
            let Some(dict) = node else { break };
            let four = |key: &[u8]| -> Option<[f32; 4]> {
                let nums: Vec<f32> = dict_get(pdf, dict, key)?
                    .as_array()
                    .ok()?
                    .iter()
                    .filter_map(|o| font::number(resolve(pdf, o)))
                    .collect();
                let [a, b, c, d] = nums[..] else { return None };
                [a, b, c, d].iter().all(|v| v.is_finite()).then_some([
                    a.min(c),
                    b.min(d),
                    a.max(c),
                    b.max(d),
                ])
            };
            if crop.is_none() {
                crop = four(b"CropBox");
            }
            if media.is_none() {
                media = four(b"MediaBox");
            }
            if crop.is_some() && media.is_some() {
                break;
            }
            node = dict_get(pdf, dict, b"Parent").and_then(|o| o.as_dict().ok());
        }
        let [x0, y0, x1, y1] = crop.or(media).unwrap_or([0.0, 0.0, 595.0, 842.0]);
        Frame {
            left: x0,
            top: y1,
            width: x1 - x0,
            height: y1 - y0,
        }
    }

    fn point(&self, x: f32, y: f32) -> (f32, f32) {
        (x - self.left, self.top - y)
    }

    /// A PDF rectangle `[x0 y0 x1 y1]` (y up) on the layout's page.
    fn rect(&self, r: [f32; 4]) -> Rect {
        let (xa, ya) = self.point(r[0], r[1]);
        let (xb, yb) = self.point(r[2], r[3]);
        Rect::new(xa, ya, xb, yb)
    }

    /// Page `index` (0-based) as the layout reads it: what the page drew, and `extra` glyphs
    /// (form values written in).
    fn page(&self, index: usize, marks: &content::PageMarks, extra: &[PageGlyph]) -> layout::Page {
        let mut page = layout::Page::new(index as u32 + 1, self.width, self.height);
        page.reserve_runs(marks.glyphs.len() + extra.len());
        for g in marks.glyphs.iter().chain(extra) {
            let (x0, top) = self.point(g.x0, g.y + 0.8 * g.size);
            let (x1, bottom) = self.point(g.x1, g.y - 0.2 * g.size);
            page.push_run(layout::TextRun {
                text: g.text.clone(),
                bbox: Rect::new(x0, top, x1, bottom),
                baseline: self.top - g.y,
                size: g.size,
                layer: g.group,
            });
        }
        for path in &marks.paths {
            let mut flipped = path.clone();
            for sub in &mut flipped.subpaths {
                for p in &mut sub.points {
                    *p = self.point(p.0, p.1);
                }
            }
            page.push_path(&flipped);
        }
        for r in &marks.image_rects {
            page.push_ink(layout::Ink {
                bbox: self.rect(*r),
                kind: layout::InkKind::Fill,
            });
        }
        page
    }
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
