//! One page as a reader sees it in → the page's lines and table cells in reading order out,
//! each cell with its `Place`, tick boxes written as ☒ / ☐.
//!
//! This is the shared geometry stage of every reader that sees a page as a picture: the PDF
//! reader describes a page from its content streams and annotations, the OCR reader from the
//! words, boxes and ink it found in an image. Both fill a `Page`:
//! - text runs (`push_run`): a glyph or a word, with its box, baseline and font size;
//! - painted paths (`push_path`), which the page sorts into ruling lines (table borders,
//!   writing lines), drawn tick boxes (small squares and circles) and ink (strokes, filled
//!   shapes); or, when the reader has already told them apart, `push_rule`, `push_box` and
//!   `push_ink`.
//!
//! Every coordinate is in points (1/72 inch) from the page's top-left corner, y downwards; an
//! image reader converts pixels with `72 / dpi`. What is not finite, lies off the page or is
//! absurdly large is dropped on the way in, and each kind of thing is kept up to a fixed count,
//! so a hostile page costs bounded time and memory.
//!
//! `lay_out` then reads the page the way a person looks at it:
//! - `marks`: a box is a box glyph (☐ □ ○), a bracket pair `[ ]` / `( )` or a drawn square or
//!   circle; it is ticked when a tick glyph (✓ ✔ ✗ X ☒ ● …) or ink overlaps it. Each box becomes
//!   one ☒ / ☐ in the text at its place, and the marks on it leave the text.
//! - `lines`: runs → lines by baseline → pieces split at ruling lines, wide gaps and between
//!   text added on top of the page and the page's own; a blank (`____`) that text was written
//!   over leaves the text.
//! - `tables`: ruling lines → table cells; the lines of one cell join into one answer (a word
//!   broken at the cell's edge, an address broken at `.`, `-` or `@`, rejoin without a space),
//!   and one table row becomes one `Line` with a cell per column, empty cells included.

mod lines;
mod marks;
pub mod nearby;
mod tables;
mod text;

pub use text::RunText;

use super::{Line, Place};

/// A rectangle on the page: points from the top-left corner, `x0 <= x1`, `y0 <= y1` (y down).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Rect {
    pub x0: f32,
    pub y0: f32,
    pub x1: f32,
    pub y1: f32,
}

impl Rect {
    /// The rectangle spanned by two corners, in any order.
    pub fn new(xa: f32, ya: f32, xb: f32, yb: f32) -> Rect {
        Rect {
            x0: xa.min(xb),
            y0: ya.min(yb),
            x1: xa.max(xb),
            y1: ya.max(yb),
        }
    }
    /// The smallest rectangle holding every point; `None` for no points.
    pub fn around(points: impl IntoIterator<Item = (f32, f32)>) -> Option<Rect> {
        let mut it = points.into_iter();
        let (x, y) = it.next()?;
        let mut r = Rect::new(x, y, x, y);
        for (x, y) in it {
            r.x0 = r.x0.min(x);
            r.y0 = r.y0.min(y);
            r.x1 = r.x1.max(x);
            r.y1 = r.y1.max(y);
        }
        Some(r)
    }
    pub fn width(&self) -> f32 {
        self.x1 - self.x0
    }
    pub fn height(&self) -> f32 {
        self.y1 - self.y0
    }
    pub fn area(&self) -> f32 {
        self.width().max(0.0) * self.height().max(0.0)
    }
    pub fn center(&self) -> (f32, f32) {
        ((self.x0 + self.x1) / 2.0, (self.y0 + self.y1) / 2.0)
    }
    pub fn is_finite(&self) -> bool {
        self.x0.is_finite() && self.y0.is_finite() && self.x1.is_finite() && self.y1.is_finite()
    }
    pub fn union(&self, other: &Rect) -> Rect {
        Rect {
            x0: self.x0.min(other.x0),
            y0: self.y0.min(other.y0),
            x1: self.x1.max(other.x1),
            y1: self.y1.max(other.y1),
        }
    }
    /// The area both rectangles cover.
    pub fn overlap(&self, other: &Rect) -> f32 {
        let w = self.x1.min(other.x1) - self.x0.max(other.x0);
        let h = self.y1.min(other.y1) - self.y0.max(other.y0);
        if w > 0.0 && h > 0.0 { w * h } else { 0.0 }
    }
    /// Grown by `by` on every side.
    pub fn inflate(&self, by: f32) -> Rect {
        Rect {
            x0: self.x0 - by,
            y0: self.y0 - by,
            x1: self.x1 + by,
            y1: self.y1 + by,
        }
    }
    pub fn contains(&self, (x, y): (f32, f32)) -> bool {
        x >= self.x0 && x <= self.x1 && y >= self.y0 && y <= self.y1
    }
    fn place(&self, page: u32) -> Place {
        Place {
            page,
            x0: self.x0,
            y0: self.y0,
            x1: self.x1,
            y1: self.y1,
        }
    }
}

/// A piece of text as drawn: one glyph (PDF) or one word (OCR).
#[derive(Debug, Clone)]
pub struct TextRun {
    pub text: RunText,
    /// The run's box: its advance from `x0` to `x1`, and from the font's ascent to its descent.
    pub bbox: Rect,
    /// The baseline's y.
    pub baseline: f32,
    /// Font size as drawn (after every scaling), in points; an OCR word's height.
    pub size: f32,
    /// 0 for the page's own content; another number for text added on top of it (an
    /// annotation, a form field's value), one number per thing added, so that an answer never
    /// runs into the label beside it. A flattened copy of the same page has only layer 0 and
    /// must read the same: layers only ever separate, geometry does the rest.
    pub layer: u32,
}

impl TextRun {
    pub fn is_space(&self) -> bool {
        self.text.chars().all(char::is_whitespace)
    }
}

/// A straight horizontal or vertical line: a table border, a writing line, an underline.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rule {
    /// Horizontal: `y0 == y1`; vertical: `x0 == x1`.
    pub x0: f32,
    pub y0: f32,
    pub x1: f32,
    pub y1: f32,
}

impl Rule {
    pub fn is_vertical(&self) -> bool {
        self.x0 == self.x1
    }
    pub fn length(&self) -> f32 {
        (self.x1 - self.x0) + (self.y1 - self.y0)
    }
}

/// A tick box drawn with lines or curves (not a glyph).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DrawnBox {
    pub rect: Rect,
    /// A circle (an option button) rather than a square.
    pub round: bool,
}

/// What kind of ink it is: a pen or drawn stroke (a tick, a cross, a scribble), or a filled
/// shape (a filled square or dot, a stamp's check mark, a small image).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InkKind {
    Stroke,
    Fill,
}

/// Ink that can tick a box.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Ink {
    pub bbox: Rect,
    pub kind: InkKind,
}

/// A painted path, as a reader met it: its subpaths with curves' end and control points.
#[derive(Debug, Clone, Default)]
pub struct Path {
    pub subpaths: Vec<Subpath>,
    pub stroked: bool,
    /// Filled with a colour other than white (a white fill only hides what is beneath).
    pub filled: bool,
}

#[derive(Debug, Clone, Default)]
pub struct Subpath {
    pub points: Vec<(f32, f32)>,
    pub closed: bool,
    /// Holds a curve (a circle is drawn with four).
    pub curved: bool,
    /// Drawn with `re`: an axis-aligned rectangle.
    pub rectangle: bool,
}

/// Most runs kept on one page.
pub const MAX_RUNS: usize = 200_000;
/// Most ruling lines kept on one page.
pub const MAX_RULES: usize = 20_000;
/// Most drawn boxes kept on one page.
pub const MAX_BOXES: usize = 5_000;
/// Most pieces of ink kept on one page.
pub const MAX_INK: usize = 20_000;
/// Most points looked at in one path.
pub const MAX_PATH_POINTS: usize = 4_096;
/// The largest page side taken as given (PDF's own limit is 14,400 points).
const MAX_PAGE_SIDE: f32 = 14_400.0;
/// A filled rectangle at most this thick is a drawn line.
const RULE_MAX_THICKNESS: f32 = 2.5;
/// A line shorter than this is no rule.
const RULE_MIN_LENGTH: f32 = 4.0;
/// A drawn tick box's side, in points.
const BOX_MIN_SIDE: f32 = 4.0;
const BOX_MAX_SIDE: f32 = 26.0;
/// Ink bigger than this on either side is not a mark on a box.
const INK_MAX_SIDE: f32 = 60.0;

/// One page described for `lay_out`.
#[derive(Debug, Clone, Default)]
pub struct Page {
    number: u32,
    width: f32,
    height: f32,
    runs: Vec<TextRun>,
    rules: Vec<Rule>,
    boxes: Vec<DrawnBox>,
    ink: Vec<Ink>,
    /// Things offered beyond the limits (not kept).
    dropped: usize,
}

impl Page {
    /// Page `number` (1-based) of `width` × `height` points. A size that is not finite or not
    /// positive is taken as A4; a larger one than PDF allows is cut to its limit.
    pub fn new(number: u32, width: f32, height: f32) -> Page {
        let side = |v: f32, default: f32| {
            if v.is_finite() && v > 1.0 {
                v.min(MAX_PAGE_SIDE)
            } else {
                default
            }
        };
        Page {
            number,
            width: side(width, 595.0),
            height: side(height, 842.0),
            ..Page::default()
        }
    }

    pub fn number(&self) -> u32 {
        self.number
    }
    pub fn width(&self) -> f32 {
        self.width
    }
    pub fn height(&self) -> f32 {
        self.height
    }
    pub fn runs(&self) -> &[TextRun] {
        &self.runs
    }
    /// How many things were offered beyond the page's limits and not kept.
    pub fn dropped(&self) -> usize {
        self.dropped
    }

    /// Whether a rectangle lies (mostly) where a person can see it: on the page.
    fn visible(&self, r: &Rect) -> bool {
        let (cx, cy) = r.center();
        r.is_finite()
            && cx >= -2.0
            && cy >= -2.0
            && cx <= self.width + 2.0
            && cy <= self.height + 2.0
            && r.width() <= 2.0 * self.width
            && r.height() <= 2.0 * self.height
    }

    /// Adds a text run; one that is off the page, not finite, empty or of no size is dropped.
    /// Room for `n` more runs (at most the page's bound), so that pushing a page's glyphs one
    /// at a time does not grow the list again and again.
    pub fn reserve_runs(&mut self, n: usize) {
        self.runs
            .reserve(n.min(MAX_RUNS.saturating_sub(self.runs.len())));
    }

    pub fn push_run(&mut self, run: TextRun) -> bool {
        let size_ok = run.size.is_finite() && run.size > 0.0 && run.size <= self.height;
        if run.text.is_empty() || !size_ok || !run.baseline.is_finite() || !self.visible(&run.bbox)
        {
            return false;
        }
        if self.runs.len() >= MAX_RUNS {
            self.dropped += 1;
            return false;
        }
        self.runs.push(run);
        true
    }

    /// Adds a ruling line from one end to the other; kept when it is horizontal or vertical
    /// (within a point), on the page and long enough to separate anything.
    pub fn push_rule(&mut self, from: (f32, f32), to: (f32, f32)) -> bool {
        let (dx, dy) = ((to.0 - from.0).abs(), (to.1 - from.1).abs());
        let rule = if dx < 1.0 && dy >= RULE_MIN_LENGTH {
            let x = (from.0 + to.0) / 2.0;
            Rule {
                x0: x,
                x1: x,
                y0: from.1.min(to.1),
                y1: from.1.max(to.1),
            }
        } else if dy < 1.0 && dx >= RULE_MIN_LENGTH {
            let y = (from.1 + to.1) / 2.0;
            Rule {
                x0: from.0.min(to.0),
                x1: from.0.max(to.0),
                y0: y,
                y1: y,
            }
        } else {
            return false;
        };
        let r = Rect::new(rule.x0, rule.y0, rule.x1, rule.y1);
        if !self.visible(&r) {
            return false;
        }
        if self.rules.len() >= MAX_RULES {
            self.dropped += 1;
            return false;
        }
        self.rules.push(rule);
        true
    }

    /// Adds a drawn tick box; kept when it is box-sized and on the page.
    pub fn push_box(&mut self, b: DrawnBox) -> bool {
        if !box_sized(&b.rect) || !self.visible(&b.rect) {
            return false;
        }
        if self.boxes.len() >= MAX_BOXES {
            self.dropped += 1;
            return false;
        }
        self.boxes.push(b);
        true
    }

    /// Adds ink that may tick a box; kept when it is mark-sized and on the page.
    pub fn push_ink(&mut self, ink: Ink) -> bool {
        let r = &ink.bbox;
        if !self.visible(r) || r.width() > INK_MAX_SIDE || r.height() > INK_MAX_SIDE {
            return false;
        }
        if self.ink.len() >= MAX_INK {
            self.dropped += 1;
            return false;
        }
        self.ink.push(ink);
        true
    }

    /// Sorts a painted path into ruling lines, drawn boxes and ink, subpath by subpath:
    /// - a thin filled rectangle, a stroked horizontal or vertical segment, and the sides of a
    ///   larger stroked rectangle are ruling lines;
    /// - a small stroked square or closed curve is a box (a filled one, unless white, is ink:
    ///   a filled box or an option button's dot);
    /// - any other small stroke (a diagonal, a check-shaped polyline, a curve) is ink, and so
    ///   is any other small filled shape.
    pub fn push_path(&mut self, path: &Path) {
        for sub in &path.subpaths {
            let points = &sub.points[..sub.points.len().min(MAX_PATH_POINTS)];
            let Some(bbox) = Rect::around(points.iter().copied()) else {
                continue;
            };
            if !bbox.is_finite() {
                continue;
            }
            let (w, h) = (bbox.width(), bbox.height());
            let axis_rect = sub.rectangle || (!sub.curved && is_axis_rectangle(points));
            if axis_rect {
                if path.filled && (w <= RULE_MAX_THICKNESS || h <= RULE_MAX_THICKNESS) {
                    let (cx, cy) = bbox.center();
                    if w <= h {
                        self.push_rule((cx, bbox.y0), (cx, bbox.y1));
                    } else {
                        self.push_rule((bbox.x0, cy), (bbox.x1, cy));
                    }
                } else if path.filled && w <= INK_MAX_SIDE && h <= INK_MAX_SIDE {
                    // A filled square or blot: a box filled in, or a mark over one.
                    self.push_ink(Ink {
                        bbox,
                        kind: InkKind::Fill,
                    });
                } else if path.stroked && box_sized(&bbox) {
                    self.push_box(DrawnBox {
                        rect: bbox,
                        round: false,
                    });
                } else if path.stroked {
                    self.push_rule((bbox.x0, bbox.y0), (bbox.x1, bbox.y0));
                    self.push_rule((bbox.x0, bbox.y1), (bbox.x1, bbox.y1));
                    self.push_rule((bbox.x0, bbox.y0), (bbox.x0, bbox.y1));
                    self.push_rule((bbox.x1, bbox.y0), (bbox.x1, bbox.y1));
                }
                continue;
            }
            // A circle or rounded square drawn with curves, closed or back at its start.
            let back_at_start = points.len() > 2 && {
                let (a, b) = (points[0], points[points.len() - 1]);
                (a.0 - b.0).abs() < 0.5 && (a.1 - b.1).abs() < 0.5
            };
            if sub.curved && (sub.closed || back_at_start) && box_sized(&bbox) {
                if path.filled {
                    self.push_ink(Ink {
                        bbox,
                        kind: InkKind::Fill,
                    });
                } else if path.stroked {
                    self.push_box(DrawnBox {
                        rect: bbox,
                        round: true,
                    });
                }
                continue;
            }
            if path.stroked {
                let one_straight_line = !sub.curved && points.len() == 2;
                if one_straight_line && self.push_rule(points[0], points[1]) {
                    continue;
                }
                // A straight horizontal or vertical stroke is an underline or a border, never
                // a tick; anything else small is pen work.
                let axis_line = one_straight_line && (w < 1.0 || h < 1.0);
                if !axis_line && (w >= 1.0 || h >= 1.0) {
                    self.push_ink(Ink {
                        bbox,
                        kind: InkKind::Stroke,
                    });
                }
            } else if path.filled && w >= 1.0 && h >= 1.0 {
                self.push_ink(Ink {
                    bbox,
                    kind: InkKind::Fill,
                });
            }
        }
    }
}

/// A square-ish shape of a tick box's size.
fn box_sized(r: &Rect) -> bool {
    let (w, h) = (r.width(), r.height());
    (BOX_MIN_SIDE..=BOX_MAX_SIDE).contains(&w)
        && (BOX_MIN_SIDE..=BOX_MAX_SIDE).contains(&h)
        && w / h > 0.7
        && w / h < 1.43
}

/// Four (or five, closed again) points going round an axis-aligned rectangle.
fn is_axis_rectangle(points: &[(f32, f32)]) -> bool {
    let pts = match points {
        [a, b, c, d, e] if (a.0 - e.0).abs() < 0.5 && (a.1 - e.1).abs() < 0.5 => [*a, *b, *c, *d],
        [a, b, c, d] => [*a, *b, *c, *d],
        _ => return false,
    };
    (0..4).all(|i| {
        let (p, q) = (pts[i], pts[(i + 1) % 4]);
        (p.0 - q.0).abs() < 0.5 || (p.1 - q.1).abs() < 0.5
    })
}

/// Lays a page out: its lines and table rows, top to bottom, each cell with its place.
pub fn lay_out(page: &Page) -> Vec<Line> {
    let mut runs = page.runs.clone();
    let mut lines = lines::cluster(&runs);
    marks::resolve(page, &mut runs, &mut lines);
    lines::settle_on_blanks(&runs, &mut lines);
    lines.retain(|l| !l.runs.is_empty());
    let pieces = lines::pieces(&runs, &lines, &page.rules);
    tables::arrange(page, pieces)
}

#[cfg(test)]
mod tests;
