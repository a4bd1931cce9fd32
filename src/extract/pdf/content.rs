//! A page's content stream (and the Form XObjects it draws) in → what it draws, in PDF page
//! space (points, y up): positioned glyphs, painted paths (for ruling lines, tick boxes and
//! ink), small images, and counts of images drawn and text shown (for scan detection).

use super::font::{DecodedGlyph, Font, GlyphText, number};
use super::{Budget, dict_get, resolve};
use crate::extract::layout;
use lopdf::content::Content;
use lopdf::{Dictionary, Document, Object, ObjectId};
type HashMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;
use std::rc::Rc;

/// A 2-D affine matrix `[a b c d e f]`, as PDF writes it (row-vector convention).
pub type Matrix = [f32; 6];

pub const IDENTITY: Matrix = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0];

/// `m1` then `m2`.
pub fn mul(m1: &Matrix, m2: &Matrix) -> Matrix {
    [
        m1[0] * m2[0] + m1[1] * m2[2],
        m1[0] * m2[1] + m1[1] * m2[3],
        m1[2] * m2[0] + m1[3] * m2[2],
        m1[2] * m2[1] + m1[3] * m2[3],
        m1[4] * m2[0] + m1[5] * m2[2] + m2[4],
        m1[4] * m2[1] + m1[5] * m2[3] + m2[5],
    ]
}

fn apply(m: &Matrix, x: f32, y: f32) -> (f32, f32) {
    (x * m[0] + y * m[2] + m[4], x * m[1] + y * m[3] + m[5])
}

fn translate(tx: f32, ty: f32) -> Matrix {
    [1.0, 0.0, 0.0, 1.0, tx, ty]
}

/// One glyph as printed on the page, in default user space (points, y up).
#[derive(Debug, Clone)]
pub struct PageGlyph {
    pub x0: f32,
    pub x1: f32,
    /// Baseline.
    pub y: f32,
    /// Font size as printed (after all scaling).
    pub size: f32,
    pub text: GlyphText,
    /// 0 for page content; a widget's number for a form value written in, so that a value
    /// never merges with the label beside it.
    pub group: u32,
}

impl PageGlyph {
    pub fn is_space(&self) -> bool {
        self.text.chars().all(char::is_whitespace)
    }
}

/// What one page draws.
#[derive(Debug, Default)]
pub struct PageMarks {
    pub glyphs: Vec<PageGlyph>,
    /// Images drawn (image XObjects and inline images).
    pub images: usize,
    /// Non-space glyphs shown, including ones not laid out (rotated text).
    pub text_glyphs: usize,
    /// Glyphs shown whose font gives no Unicode text for them (text that cannot be read).
    pub undecoded_glyphs: usize,
    /// Paths painted, in page space (table borders, writing lines, boxes, ticks, dots).
    pub paths: Vec<layout::Path>,
    /// Where images were drawn: a small one over a box is a mark (a stamp).
    pub image_rects: Vec<[f32; 4]>,
    /// Paths and points offered beyond the limits below (not kept).
    pub dropped: usize,
}

/// Layers given to forms drawn by a page start here (form field values written in are
/// numbered from 1, annotations down from `u32::MAX`).
const FORM_LAYERS: u32 = 1 << 24;

/// Most painted paths kept from one page.
pub const MAX_PATHS_PER_PAGE: usize = 50_000;
/// Most points kept from one page's paths.
const MAX_POINTS_PER_PAGE: usize = 400_000;
/// Most image places kept from one page.
const MAX_IMAGES_PER_PAGE: usize = 2_000;

/// Most glyphs kept from one page.
pub const MAX_GLYPHS_PER_PAGE: usize = 200_000;
/// Deepest `q` nesting kept; deeper saves are counted but not stored.
const MAX_STATE_STACK: usize = 256;

#[derive(Clone)]
struct GState {
    ctm: Matrix,
    /// The fill colour is dark enough to be seen as a mark (not white or a pale shading).
    fill_dark: bool,
    font: Option<Rc<Font>>,
    size: f32,
    char_spacing: f32,
    word_spacing: f32,
    h_scale: f32,
    leading: f32,
    rise: f32,
}

impl GState {
    fn new(ctm: Matrix) -> GState {
        GState {
            ctm,
            fill_dark: true,
            font: None,
            size: 0.0,
            char_spacing: 0.0,
            word_spacing: 0.0,
            h_scale: 1.0,
            leading: 0.0,
            rise: 0.0,
        }
    }
}

pub struct Interpreter<'a, 'b> {
    doc: &'a Document,
    budget: &'b mut Budget,
    fonts: HashMap<ObjectId, Rc<Font>>,
    fallback_font: Rc<Font>,
    form_path: Vec<ObjectId>,
    max_depth: usize,
    /// Group number given to the glyphs shown (see `PageGlyph::group`).
    pub group: u32,
    /// Points the page's paths may still add.
    points_left: usize,
    /// Forms drawn by the page so far (each is a layer of its own).
    next_form_layer: u32,
    pub marks: PageMarks,
}

impl<'a, 'b> Interpreter<'a, 'b> {
    pub fn new(doc: &'a Document, budget: &'b mut Budget, max_depth: usize) -> Self {
        Interpreter {
            doc,
            budget,
            fonts: HashMap::default(),
            fallback_font: Rc::new(Font::fallback()),
            form_path: Vec::new(),
            max_depth,
            group: 0,
            points_left: MAX_POINTS_PER_PAGE,
            next_form_layer: 0,
            marks: PageMarks::default(),
        }
    }

    /// Interprets one page's content with the page's resources.
    pub fn run_page(&mut self, content: &[u8], resources: Option<&'a Dictionary>) {
        self.run(content, resources, GState::new(IDENTITY));
    }

    /// Draws an annotation's appearance stream into its rectangle on the page (ISO 32000-1,
    /// 12.5.5: the form's transformed bounding box is fitted to the rectangle).
    pub fn run_appearance(
        &mut self,
        id: Option<ObjectId>,
        stream: &'a lopdf::Stream,
        rect: [f32; 4],
    ) {
        let doc = self.doc;
        let nums = |key: &[u8]| -> Vec<f32> {
            dict_get(doc, &stream.dict, key)
                .and_then(|o| o.as_array().ok())
                .map(|a| a.iter().filter_map(|o| number(resolve(doc, o))).collect())
                .unwrap_or_default()
        };
        let matrix = matrix_of(&nums(b"Matrix")).unwrap_or(IDENTITY);
        let [rx0, ry0, rx1, ry1] = rect;
        let bbox = match nums(b"BBox")[..] {
            [a, b, c, d] => [a.min(c), b.min(d), a.max(c), b.max(d)],
            _ => [0.0, 0.0, rx1 - rx0, ry1 - ry0],
        };
        let corners = [
            apply(&matrix, bbox[0], bbox[1]),
            apply(&matrix, bbox[2], bbox[1]),
            apply(&matrix, bbox[0], bbox[3]),
            apply(&matrix, bbox[2], bbox[3]),
        ];
        let bx0 = corners.iter().map(|c| c.0).fold(f32::INFINITY, f32::min);
        let bx1 = corners
            .iter()
            .map(|c| c.0)
            .fold(f32::NEG_INFINITY, f32::max);
        let by0 = corners.iter().map(|c| c.1).fold(f32::INFINITY, f32::min);
        let by1 = corners
            .iter()
            .map(|c| c.1)
            .fold(f32::NEG_INFINITY, f32::max);
        let sx = if bx1 - bx0 > 0.0 {
            (rx1 - rx0) / (bx1 - bx0)
        } else {
            1.0
        };
        let sy = if by1 - by0 > 0.0 {
            (ry1 - ry0) / (by1 - by0)
        } else {
            1.0
        };
        let fit = [sx, 0.0, 0.0, sy, rx0 - bx0 * sx, ry0 - by0 * sy];
        if !fit.iter().all(|v| v.is_finite()) {
            return;
        }
        let Some(content) = self.budget.stream_bytes(stream) else {
            return;
        };
        let resources = dict_get(doc, &stream.dict, b"Resources").and_then(|o| o.as_dict().ok());
        if let Some(id) = id {
            self.form_path.push(id);
        }
        self.run(&content, resources, GState::new(mul(&matrix, &fit)));
        if id.is_some() {
            self.form_path.pop();
        }
    }

    fn run(&mut self, content: &[u8], resources: Option<&'a Dictionary>, start: GState) {
        let mut gs = start;
        let mut stack: Vec<GState> = Vec::new();
        let mut unsaved_depth = 0usize;
        let mut tm = IDENTITY;
        let mut tlm = IDENTITY;
        // The current path, in page space.
        let mut path = layout::Path::default();
        for op in Content::decode_iter(content) {
            let Ok(op) = op else { break };
            if !self.budget.take_op() {
                break;
            }
            let nums =
                || -> Vec<f32> { op.operands.iter().filter_map(|o| number(Some(o))).collect() };
            match op.operator.as_str() {
                "q" => {
                    if stack.len() < MAX_STATE_STACK {
                        stack.push(gs.clone());
                    } else {
                        unsaved_depth += 1;
                    }
                }
                "Q" => {
                    if unsaved_depth > 0 {
                        unsaved_depth -= 1;
                    } else if let Some(saved) = stack.pop() {
                        gs = saved;
                    }
                }
                "cm" => {
                    if let Some(m) = matrix_of(&nums()) {
                        gs.ctm = mul(&m, &gs.ctm);
                    }
                }
                "BT" => {
                    tm = IDENTITY;
                    tlm = IDENTITY;
                }
                "ET" => {}
                "Tm" => {
                    if let Some(m) = matrix_of(&nums()) {
                        tm = m;
                        tlm = m;
                    }
                }
                "Td" | "TD" => {
                    if let [tx, ty] = nums()[..] {
                        if op.operator == "TD" {
                            gs.leading = -ty;
                        }
                        tlm = mul(&translate(tx, ty), &tlm);
                        tm = tlm;
                    }
                }
                "T*" => {
                    tlm = mul(&translate(0.0, -gs.leading), &tlm);
                    tm = tlm;
                }
                "TL" => set_first(&nums(), &mut gs.leading),
                "Tc" => set_first(&nums(), &mut gs.char_spacing),
                "Tw" => set_first(&nums(), &mut gs.word_spacing),
                "Ts" => set_first(&nums(), &mut gs.rise),
                "Tz" => {
                    if let Some(z) = nums().first() {
                        gs.h_scale = z / 100.0;
                    }
                }
                "Tf" => {
                    if let (Some(Object::Name(name)), Some(size)) = (
                        op.operands.first(),
                        op.operands.get(1).and_then(|o| number(Some(o))),
                    ) {
                        gs.size = size;
                        gs.font = Some(self.font(resources, name));
                    }
                }
                "Tj" => {
                    if let Some(Object::String(bytes, _)) = op.operands.first() {
                        self.show(bytes, &gs, &mut tm);
                    }
                }
                "'" | "\"" => {
                    if op.operator == "\"" {
                        let n = nums();
                        if let [aw, ac, ..] = n[..] {
                            gs.word_spacing = aw;
                            gs.char_spacing = ac;
                        }
                    }
                    tlm = mul(&translate(0.0, -gs.leading), &tlm);
                    tm = tlm;
                    if let Some(Object::String(bytes, _)) = op.operands.last() {
                        self.show(bytes, &gs, &mut tm);
                    }
                }
                "TJ" => {
                    if let Some(Object::Array(items)) = op.operands.first() {
                        for item in items {
                            match item {
                                Object::String(bytes, _) => self.show(bytes, &gs, &mut tm),
                                other => {
                                    if let Some(n) = number(Some(other)) {
                                        let tx = -n / 1000.0 * gs.size * gs.h_scale;
                                        tm = mul(&translate(tx, 0.0), &tm);
                                    }
                                }
                            }
                        }
                    }
                }
                "Do" => {
                    if let Some(Object::Name(name)) = op.operands.first() {
                        self.draw_xobject(resources, name, &gs);
                    }
                }
                "BI" => {
                    self.marks.images += 1;
                    self.note_image(&gs.ctm);
                }
                "rg" | "g" | "k" | "sc" | "scn" => gs.fill_dark = is_dark(&nums()),
                "cs" => gs.fill_dark = true,
                "m" => {
                    if let [x, y] = nums()[..] {
                        path.subpaths.push(layout::Subpath::default());
                        add_point(&mut path, &mut self.points_left, apply(&gs.ctm, x, y));
                    }
                }
                "l" => {
                    if let [x, y] = nums()[..] {
                        add_point(&mut path, &mut self.points_left, apply(&gs.ctm, x, y));
                    }
                }
                "c" | "v" | "y" => {
                    let n = nums();
                    if n.len() == 6 || n.len() == 4 {
                        if let Some(sub) = path.subpaths.last_mut() {
                            sub.curved = true;
                        }
                        for pair in n.chunks(2) {
                            add_point(
                                &mut path,
                                &mut self.points_left,
                                apply(&gs.ctm, pair[0], pair[1]),
                            );
                        }
                    }
                }
                "h" => {
                    if let Some(sub) = path.subpaths.last_mut() {
                        sub.closed = true;
                    }
                }
                "re" => {
                    if let [x, y, w, h] = nums()[..] {
                        let upright = gs.ctm[1].abs() < 1e-3 && gs.ctm[2].abs() < 1e-3;
                        path.subpaths.push(layout::Subpath {
                            closed: true,
                            rectangle: upright,
                            ..Default::default()
                        });
                        for (px, py) in [(x, y), (x + w, y), (x + w, y + h), (x, y + h)] {
                            add_point(&mut path, &mut self.points_left, apply(&gs.ctm, px, py));
                        }
                    }
                }
                "S" | "s" | "f" | "F" | "f*" | "B" | "B*" | "b" | "b*" | "n" => {
                    let op_name = op.operator.as_str();
                    if matches!(op_name, "s" | "b" | "b*")
                        && let Some(sub) = path.subpaths.last_mut()
                    {
                        sub.closed = true;
                    }
                    path.stroked = matches!(op_name, "S" | "s" | "B" | "B*" | "b" | "b*");
                    path.filled = gs.fill_dark
                        && matches!(op_name, "f" | "F" | "f*" | "B" | "B*" | "b" | "b*");
                    let painted = std::mem::take(&mut path);
                    if op_name != "n" {
                        self.push_path(painted);
                    }
                }
                _ => {}
            }
        }
    }

    fn font(&mut self, resources: Option<&'a Dictionary>, name: &[u8]) -> Rc<Font> {
        let doc = self.doc;
        let fonts = resources
            .and_then(|r| dict_get(doc, r, b"Font"))
            .and_then(|o| o.as_dict().ok());
        let Some(entry) = fonts.and_then(|f| f.get(name).ok()) else {
            return self.fallback_font.clone();
        };
        let id = match entry {
            Object::Reference(id) => Some(*id),
            _ => None,
        };
        if let Some(id) = id
            && let Some(font) = self.fonts.get(&id)
        {
            return font.clone();
        }
        let Some(dict) = resolve(doc, entry).and_then(|o| o.as_dict().ok()) else {
            return self.fallback_font.clone();
        };
        let font = Rc::new(Font::from_dict(doc, dict, self.budget));
        if let Some(id) = id {
            self.fonts.insert(id, font.clone());
        }
        font
    }

    fn show(&mut self, bytes: &[u8], gs: &GState, tm: &mut Matrix) {
        let font = gs
            .font
            .clone()
            .unwrap_or_else(|| self.fallback_font.clone());
        let mut decoded: Vec<DecodedGlyph> = Vec::new();
        font.decode(bytes, &mut decoded);
        for glyph in decoded {
            let m = mul(tm, &gs.ctm);
            let width = glyph.width * gs.size * gs.h_scale;
            let (x0, y) = apply(&m, 0.0, gs.rise);
            // Letter spacing widens each glyph's box, so spaced-out text stays one word.
            let (x1, _) = apply(&m, width + gs.char_spacing.max(0.0) * gs.h_scale, gs.rise);
            let size = gs.size.abs() * (m[2] * m[2] + m[3] * m[3]).sqrt();
            let blank = glyph.text.chars().all(char::is_whitespace);
            if glyph.text.is_empty() {
                self.marks.undecoded_glyphs += 1;
            } else if !blank {
                self.marks.text_glyphs += 1;
            }
            // Upright text only: rotated and mirrored text is not laid out in lines.
            let upright = m[0] > 0.0 && m[1].abs() <= 0.1 * m[0] && m[3] > 0.0;
            if upright
                && !glyph.text.is_empty()
                && x0.is_finite()
                && y.is_finite()
                && size.is_finite()
                && self.marks.glyphs.len() < MAX_GLYPHS_PER_PAGE
            {
                self.marks.glyphs.push(PageGlyph {
                    x0,
                    x1: x1.max(x0),
                    y,
                    size,
                    text: glyph.text,
                    group: self.group,
                });
            }
            let spacing = gs.char_spacing
                + if glyph.is_word_space {
                    gs.word_spacing
                } else {
                    0.0
                };
            let tx = (glyph.width * gs.size + spacing) * gs.h_scale;
            *tm = mul(&translate(tx, 0.0), tm);
        }
    }

    fn draw_xobject(&mut self, resources: Option<&'a Dictionary>, name: &[u8], gs: &GState) {
        let doc = self.doc;
        let xobjects = resources
            .and_then(|r| dict_get(doc, r, b"XObject"))
            .and_then(|o| o.as_dict().ok());
        let Some(entry) = xobjects.and_then(|x| x.get(name).ok()) else {
            return;
        };
        let Object::Reference(id) = entry else { return };
        let Some(stream) = resolve(doc, entry).and_then(|o| o.as_stream().ok()) else {
            return;
        };
        let subtype = dict_get(doc, &stream.dict, b"Subtype").and_then(|o| o.as_name().ok());
        match subtype {
            Some(b"Image") => {
                self.marks.images += 1;
                self.note_image(&gs.ctm);
            }
            Some(b"Form") => {
                if self.form_path.contains(id) || self.form_path.len() >= self.max_depth {
                    return;
                }
                let Some(content) = self.budget.stream_bytes(stream) else {
                    return;
                };
                let matrix = dict_get(doc, &stream.dict, b"Matrix")
                    .and_then(|o| o.as_array().ok())
                    .and_then(|a| {
                        matrix_of(&a.iter().filter_map(|o| number(Some(o))).collect::<Vec<_>>())
                    })
                    .unwrap_or(IDENTITY);
                let form_resources = dict_get(doc, &stream.dict, b"Resources")
                    .and_then(|o| o.as_dict().ok())
                    .or(resources);
                let mut inner = gs.clone();
                inner.ctm = mul(&matrix, &gs.ctm);
                // A form drawn by the page itself is a thing placed on the page (a flattened
                // annotation or field): its text is a layer of its own, as it was unflattened.
                let own_layer = self.group == 0 && self.form_path.is_empty();
                if own_layer {
                    self.next_form_layer = self.next_form_layer.wrapping_add(1);
                    self.group = FORM_LAYERS + self.next_form_layer % FORM_LAYERS;
                }
                self.form_path.push(*id);
                self.run(&content, form_resources, inner);
                self.form_path.pop();
                if own_layer {
                    self.group = 0;
                }
            }
            _ => {}
        }
    }
}

impl Interpreter<'_, '_> {
    /// Keeps a painted path (page space), up to the page's limit.
    pub fn push_path(&mut self, path: layout::Path) {
        if path.subpaths.iter().all(|s| s.points.is_empty()) {
            return;
        }
        if self.marks.paths.len() < MAX_PATHS_PER_PAGE {
            self.marks.paths.push(path);
        } else {
            // Full: later paths are not even gathered.
            self.points_left = 0;
            self.marks.dropped += 1;
        }
    }

    /// Keeps where an image was drawn: the unit square through the current matrix.
    fn note_image(&mut self, ctm: &Matrix) {
        let corners =
            [(0.0, 0.0), (1.0, 0.0), (0.0, 1.0), (1.0, 1.0)].map(|(x, y)| apply(ctm, x, y));
        let xs = corners.map(|c| c.0);
        let ys = corners.map(|c| c.1);
        let rect = [
            xs.iter().copied().fold(f32::INFINITY, f32::min),
            ys.iter().copied().fold(f32::INFINITY, f32::min),
            xs.iter().copied().fold(f32::NEG_INFINITY, f32::max),
            ys.iter().copied().fold(f32::NEG_INFINITY, f32::max),
        ];
        if rect.iter().all(|v| v.is_finite()) && self.marks.image_rects.len() < MAX_IMAGES_PER_PAGE
        {
            self.marks.image_rects.push(rect);
        }
    }
}

/// Adds a point to the path's last subpath (a point before any `m` starts one), within the
/// page's budget of points.
fn add_point(path: &mut layout::Path, left: &mut usize, p: (f32, f32)) {
    if *left == 0 {
        return;
    }
    *left -= 1;
    if path.subpaths.is_empty() {
        path.subpaths.push(layout::Subpath::default());
    }
    if let Some(sub) = path.subpaths.last_mut() {
        sub.points.push(p);
    }
}

/// Whether a colour's operands (grey, RGB or CMYK) are dark enough to be seen as a mark; a
/// pattern or a colour space this cannot tell counts as dark.
fn is_dark(components: &[f32]) -> bool {
    let luminance = match components {
        [g] => *g,
        [r, g, b] => 0.299 * r + 0.587 * g + 0.114 * b,
        [c, m, y, k] => {
            let (r, g, b) = (
                (1.0 - c) * (1.0 - k),
                (1.0 - m) * (1.0 - k),
                (1.0 - y) * (1.0 - k),
            );
            0.299 * r + 0.587 * g + 0.114 * b
        }
        _ => 0.0,
    };
    !(luminance.is_finite() && luminance > 0.8)
}

fn set_first(nums: &[f32], target: &mut f32) {
    if let Some(v) = nums.first() {
        *target = *v;
    }
}

fn matrix_of(nums: &[f32]) -> Option<Matrix> {
    match nums {
        [a, b, c, d, e, f] if nums.iter().all(|v| v.is_finite()) => Some([*a, *b, *c, *d, *e, *f]),
        _ => None,
    }
}
