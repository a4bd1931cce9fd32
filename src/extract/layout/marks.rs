//! A page's runs, drawn boxes and ink in → every tick box on the page decided, ticked or not,
//! and written into its line as one ☒ / ☐ run out; the marks that ticked a box leave the text.
//!
//! A box is a box glyph (☐ □ ○ …, or ☒ ☑ already ticked), a bracket pair with nothing but a
//! mark inside (`[ ]`, `[X]`, `( )`), or a small square or circle drawn with lines or curves.
//! Boxes that overlap are one box. A box is ticked when a tick glyph (✓ ✔ ✗ ✘ ☒ ■ ● • …, or an
//! X standing alone) or ink (a stroke, a filled shape) overlaps it, whichever was drawn first.
//! A mark that overlaps several boxes ticks the one it covers most.

use super::lines::{LineGroup, sort_by_x};
use super::{Ink, InkKind, Page, Rect, TextRun};
use crate::extract::{TICKED, UNTICKED};

/// Glyphs that draw an empty box.
pub const EMPTY_BOX_GLYPHS: &[char] = &[
    '☐', '□', '○', '◯', '❑', '❒', '▢', '⬜', '◻', '❏', '⚪', '⭘', '🞎', '◽',
];
/// Glyphs that draw a box already ticked.
pub const TICKED_BOX_GLYPHS: &[char] = &['☒', '☑', '⊠', '🗹', '⮽', '⌧', '🗷', '▣', '◉', '⦿'];
/// Glyphs that tick a box they are drawn over.
pub const TICK_GLYPHS: &[char] = &[
    '✓', '✔', '✗', '✘', '☓', '✕', '✖', '✅', '🗸', '■', '◼', '▪', '●', '•', '⬤', '∙', '×', '☒', '☑',
    '⊠', '🗹',
];

/// Most boxes looked at on one page; a page with more is not a form's tick boxes.
const MAX_BOXES: usize = 2_000;
/// A bracket box's inside is at most this many ems wide.
const BRACKET_BOX_EM: f32 = 1.6;

#[derive(Debug, Clone)]
struct Candidate {
    rect: Rect,
    ticked: bool,
    /// The line it sits in, when it came from one.
    line: Option<usize>,
    /// Runs that drew it (a box glyph, brackets and what is between them).
    runs: Vec<usize>,
}

fn single_char(text: &str) -> Option<char> {
    let mut chars = text.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) => Some(c),
        _ => None,
    }
}

/// The square a box glyph draws: its advance across, from about the x-height's top to the
/// baseline (as fonts draw ☐) with a little room either way.
fn glyph_square(run: &TextRun) -> Rect {
    Rect {
        x0: run.bbox.x0,
        x1: run.bbox.x1.max(run.bbox.x0 + 0.5 * run.size),
        y0: run.baseline - 0.8 * run.size,
        y1: run.baseline + 0.1 * run.size,
    }
}

/// Whether run `k` of a line is an X (or x) standing alone: no letter or digit touches it.
fn lone_x(runs: &[TextRun], line: &[usize], pos: usize) -> bool {
    let run = &runs[line[pos]];
    let touching = |other: usize| {
        let o = &runs[other];
        let gap = (o.bbox.x0 - run.bbox.x1).max(run.bbox.x0 - o.bbox.x1);
        gap < 0.2 * run.size && o.text.chars().any(|c| c.is_alphanumeric())
    };
    let before = pos.checked_sub(1).map(|p| line[p]);
    let after = line.get(pos + 1).copied();
    !before.is_some_and(touching) && !after.is_some_and(touching)
}

fn is_tick_run(runs: &[TextRun], line: &[usize], pos: usize) -> bool {
    match single_char(&runs[line[pos]].text) {
        Some(c) if TICK_GLYPHS.contains(&c) => true,
        Some('X' | 'x') => lone_x(runs, line, pos),
        _ => false,
    }
}

/// Boxes drawn with glyphs: box glyphs, and bracket pairs holding nothing or one mark.
fn glyph_boxes(runs: &[TextRun], lines: &[LineGroup], out: &mut Vec<Candidate>) {
    for (li, line) in lines.iter().enumerate() {
        let ids = &line.runs;
        let mut pos = 0;
        while pos < ids.len() && out.len() < MAX_BOXES {
            let run = &runs[ids[pos]];
            let c = single_char(&run.text);
            if let Some(c) =
                c.filter(|c| EMPTY_BOX_GLYPHS.contains(c) || TICKED_BOX_GLYPHS.contains(c))
            {
                out.push(Candidate {
                    rect: glyph_square(run),
                    ticked: TICKED_BOX_GLYPHS.contains(&c),
                    line: Some(li),
                    runs: vec![ids[pos]],
                });
                pos += 1;
                continue;
            }
            let close = match c {
                Some('[') => ']',
                Some('(') => ')',
                _ => {
                    pos += 1;
                    continue;
                }
            };
            // `[`, spaces, at most one mark, `]`, all within a box's width.
            let mut end = None;
            let mut marked = false;
            let mut k = pos + 1;
            while k < ids.len() {
                let r = &runs[ids[k]];
                if r.bbox.x0 - run.bbox.x1 > BRACKET_BOX_EM * run.size {
                    break;
                }
                if r.is_space() {
                    k += 1;
                    continue;
                }
                if single_char(&r.text) == Some(close) {
                    end = Some(k);
                    break;
                }
                if !marked && is_tick_run(runs, ids, k) {
                    marked = true;
                    k += 1;
                    continue;
                }
                break;
            }
            let Some(end) = end else {
                pos += 1;
                continue;
            };
            let last = &runs[ids[end]];
            out.push(Candidate {
                rect: Rect {
                    x0: run.bbox.x0,
                    x1: last.bbox.x1,
                    y0: run.baseline - 0.8 * run.size,
                    y1: run.baseline + 0.1 * run.size,
                },
                ticked: marked,
                line: Some(li),
                runs: ids[pos..=end].to_vec(),
            });
            pos = end + 1;
        }
    }
}

/// Boxes that overlap (a drawn square around a box glyph, a ☒ typed over a ☐) are one box.
fn merge_overlapping(mut boxes: Vec<Candidate>) -> Vec<Candidate> {
    boxes.sort_by(|a, b| a.rect.x0.total_cmp(&b.rect.x0));
    let mut out: Vec<Candidate> = Vec::with_capacity(boxes.len());
    for b in boxes {
        let same = out.iter().rposition(|o| {
            let smaller = o.rect.area().min(b.rect.area()).max(0.01);
            o.rect.overlap(&b.rect) >= 0.5 * smaller
        });
        match same {
            Some(k) => {
                let o = &mut out[k];
                o.rect = o.rect.union(&b.rect);
                o.ticked |= b.ticked;
                if o.line.is_none() {
                    o.line = b.line;
                }
                o.runs.extend(b.runs);
            }
            None => out.push(b),
        }
    }
    out
}

/// How much a mark covers a box, when it is a mark on it: the overlap area, or `None`.
fn covers(mark: &Rect, kind: Option<InkKind>, b: &Rect) -> Option<f32> {
    let side = b.width().max(b.height());
    // A mark much larger than the box (a stamp over a whole paragraph, a signature) is not a
    // tick on it.
    if mark.width() > 4.0 * side.max(6.0) || mark.height() > 4.0 * side.max(6.0) {
        return None;
    }
    let grown = b.inflate(0.2 * side);
    let overlap = mark.overlap(&grown);
    if overlap <= 0.0 {
        return None;
    }
    let mark_area = mark.area().max(0.01);
    let box_area = b.area().max(0.01);
    let centred = grown.contains(mark.center());
    let enough = match kind {
        // A glyph's box is its advance and the font's height: its centre tells where it sits.
        None => centred && overlap >= 0.2 * mark_area.min(box_area),
        // A pen tick often spills over the box; a filled shape sits inside it.
        Some(InkKind::Stroke) => centred || overlap >= 0.25 * box_area,
        Some(InkKind::Fill) => centred && overlap >= 0.15 * box_area.min(mark_area),
    };
    enough.then_some(overlap)
}

/// A filled shape the size of a tick box (bullets and dots are smaller).
fn filled_box_sized(r: &Rect) -> bool {
    let (w, h) = (r.width(), r.height());
    (6.0..=20.0).contains(&w) && (6.0..=20.0).contains(&h) && w / h > 0.75 && w / h < 1.33
}

/// The line a drawn box sits in: one whose text's height covers the box's middle.
fn line_of(lines: &[LineGroup], rect: &Rect) -> Option<usize> {
    let (_, cy) = rect.center();
    lines
        .iter()
        .enumerate()
        .filter(|(_, l)| cy >= l.baseline - 1.1 * l.size && cy <= l.baseline + 0.4 * l.size)
        .min_by(|a, b| {
            let da = (a.1.baseline - 0.35 * a.1.size - cy).abs();
            let db = (b.1.baseline - 0.35 * b.1.size - cy).abs();
            da.total_cmp(&db)
        })
        .map(|(i, _)| i)
}

/// Decides every box on the page and writes it into the text (see the module doc).
pub(super) fn resolve(page: &Page, runs: &mut Vec<TextRun>, lines: &mut Vec<LineGroup>) {
    let mut candidates = Vec::new();
    glyph_boxes(runs, lines, &mut candidates);
    for b in page
        .boxes
        .iter()
        .take(MAX_BOXES.saturating_sub(candidates.len()))
    {
        candidates.push(Candidate {
            rect: b.rect,
            ticked: false,
            line: line_of(lines, &b.rect),
            runs: Vec::new(),
        });
    }
    if candidates.is_empty() && page.ink.is_empty() {
        return;
    }
    let mut boxes = merge_overlapping(candidates);
    let index = BoxIndex::new(&boxes);
    // Which runs a box owns, by run index: every run of the page is asked (a hash set's lookups
    // were a tenth of laying a page out).
    let mut in_a_box = vec![false; runs.len()];
    for &id in boxes.iter().flat_map(|b| b.runs.iter()) {
        if let Some(owned) = in_a_box.get_mut(id) {
            *owned = true;
        }
    }

    // Marks: tick glyphs (and lone X's) outside the boxes' own runs, then ink.
    let mut consumed: Vec<usize> = Vec::new();
    for line in lines.iter() {
        for pos in 0..line.runs.len() {
            let id = line.runs[pos];
            if in_a_box.get(id).copied().unwrap_or(false) || !is_tick_run(runs, &line.runs, pos) {
                continue;
            }
            let rect = runs[id].bbox;
            if let Some(k) = index.best(&boxes, &rect, None) {
                boxes[k].ticked = true;
                consumed.push(id);
            }
        }
    }
    let mut filled_boxes = Vec::new();
    for ink @ Ink { bbox, kind } in &page.ink {
        if let Some(k) = index.best(&boxes, bbox, Some(*kind)) {
            boxes[k].ticked = true;
        } else if *kind == InkKind::Fill && filled_box_sized(bbox) {
            // A box filled in with nothing printed under it (a browser's ticked check box,
            // a chosen option button): a ticked box of its own.
            filled_boxes.push(*ink);
        }
    }
    for ink in filled_boxes
        .into_iter()
        .take(MAX_BOXES.saturating_sub(boxes.len()))
    {
        boxes.push(Candidate {
            rect: ink.bbox,
            ticked: true,
            line: line_of(lines, &ink.bbox),
            runs: Vec::new(),
        });
    }

    // Each box becomes one ☒ / ☐ run in its line; its own runs and its marks leave.
    let mut gone: Vec<usize> = consumed;
    gone.extend((0..in_a_box.len()).filter(|&id| in_a_box[id]));
    gone.sort_unstable();
    for line in lines.iter_mut() {
        line.runs.retain(|i| gone.binary_search(i).is_err());
    }
    for b in boxes {
        let (baseline, size) = match b.line {
            Some(l) => (lines[l].baseline, lines[l].size),
            None => (b.rect.y1 - 0.1 * b.rect.height(), b.rect.height()),
        };
        let id = runs.len();
        runs.push(TextRun {
            text: (if b.ticked { TICKED } else { UNTICKED }).into(),
            bbox: b.rect,
            baseline,
            size,
            layer: 0,
        });
        match b.line {
            Some(l) => lines[l].runs.push(id),
            None => lines.push(LineGroup {
                baseline,
                size,
                runs: vec![id],
            }),
        }
    }
    for line in lines.iter_mut() {
        sort_by_x(runs, &mut line.runs);
    }
    lines.retain(|l| !l.runs.is_empty());
    lines.sort_by(|a, b| a.baseline.total_cmp(&b.baseline));
}

/// The boxes by where they are: a grid of `GRID` point squares, each listing the boxes that
/// reach into it (with the room a mark may spill over), so a mark looks at its neighbours only.
struct BoxIndex {
    cells: GridCells,
}

/// Grid cell → the boxes reaching into it; foldhash, not SipHash: the keys are small integers.
type GridCells = std::collections::HashMap<(i32, i32), Vec<usize>, foldhash::fast::RandomState>;

const GRID: f32 = 48.0;

fn grid_span(r: &Rect) -> (std::ops::RangeInclusive<i32>, std::ops::RangeInclusive<i32>) {
    let cell = |v: f32| (v / GRID).floor().clamp(-1.0e6, 1.0e6) as i32;
    (cell(r.x0)..=cell(r.x1), cell(r.y0)..=cell(r.y1))
}

impl BoxIndex {
    fn new(boxes: &[Candidate]) -> BoxIndex {
        let mut cells = GridCells::default();
        for (k, b) in boxes.iter().enumerate() {
            let side = b.rect.width().max(b.rect.height());
            let (xs, ys) = grid_span(&b.rect.inflate(0.2 * side + 1.0));
            for gx in xs {
                for gy in ys.clone() {
                    cells.entry((gx, gy)).or_default().push(k);
                }
            }
        }
        BoxIndex { cells }
    }

    fn best(&self, boxes: &[Candidate], mark: &Rect, kind: Option<InkKind>) -> Option<usize> {
        // A mark larger than any box could tick is left before looking it up.
        if mark.width() > 4.0 * GRID || mark.height() > 4.0 * GRID {
            return None;
        }
        let (xs, ys) = grid_span(mark);
        let mut best: Option<(usize, f32)> = None;
        for gx in xs {
            for gy in ys.clone() {
                for &k in self.cells.get(&(gx, gy)).into_iter().flatten() {
                    if let Some(o) = covers(mark, kind, &boxes[k].rect)
                        && best.is_none_or(|(_, b)| o > b)
                    {
                        best = Some((k, o));
                    }
                }
            }
        }
        best.map(|(k, _)| k)
    }
}
