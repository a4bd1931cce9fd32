//! A page's ink map in (straightened, about 300 dpi) → what is drawn on it besides text:
//! ruling lines (table borders, writing lines), tick boxes (a printed square, or a typed
//! bracket pair `[ ]`), and whether each box holds ink (a typed X or ✓, a pen tick).
//!
//! Lines are found as they look: runs of ink along a row (or a column) that continue, row
//! after row, over the same span, make a bar; a long bar is a ruling line, a short one may be a
//! box's side. A box is a square whose four sides are ink: a top bar of a box's width, then the
//! left and right sides and the bottom checked pixel by pixel, so a pen stroke crossing a side
//! or spilling out of the box does not hide it. A bracket is a short upright bar with stubs
//! at both ends turned the same way; two facing brackets close enough together are a box.
//! A box is ticked when enough of its inside (its sides left out) is ink: an empty box's
//! inside holds only specks of dust.

use super::prepare::InkMap;

/// A rectangle in pixels: `x0..x1` × `y0..y1`, ends excluded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PixelRect {
    pub x0: usize,
    pub y0: usize,
    pub x1: usize,
    pub y1: usize,
}

impl PixelRect {
    pub fn width(&self) -> usize {
        self.x1.saturating_sub(self.x0)
    }
    pub fn height(&self) -> usize {
        self.y1.saturating_sub(self.y0)
    }
    fn area(&self) -> usize {
        self.width() * self.height()
    }
    fn overlap(&self, o: &PixelRect) -> usize {
        let w = self.x1.min(o.x1).saturating_sub(self.x0.max(o.x0));
        let h = self.y1.min(o.y1).saturating_sub(self.y0.max(o.y0));
        w * h
    }
}

/// A ruling line: `horizontal` spans `x0..x1` at about `y0..y1`; a vertical one the other way.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct RuleLine {
    pub rect: PixelRect,
    pub horizontal: bool,
}

/// A tick box found on the page.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct TickBox {
    pub rect: PixelRect,
    /// The ink inside, when there is enough to be a mark.
    pub mark: Option<PixelRect>,
    /// Drawn as a bracket pair `[ ]` (typed), not a square.
    pub bracket: bool,
}

/// What `find` found.
#[derive(Debug, Default)]
pub(crate) struct Drawn {
    pub rules: Vec<RuleLine>,
    pub boxes: Vec<TickBox>,
}

/// Most bars looked at on one page; past that the page is a picture, not a form.
const MAX_BARS: usize = 200_000;
/// Most boxes kept on one page.
const MAX_BOXES: usize = 2_000;
/// A box's side, in points.
const BOX_MIN_PT: f32 = 5.0;
const BOX_MAX_PT: f32 = 26.0;
/// A ruling line is at least this long, in points (a table cell's height, a short blank).
const RULE_MIN_PT: f32 = 16.0;
/// A bar is at most this thick, in points.
const BAR_MAX_THICK_PT: f32 = 3.5;
/// Least share of a faint rule's length along which it is darker than the paper on both
/// sides. Measured: printed table lines in photos and scans 0.84-1.00; runs of grain in shaded
/// label cells, white-on-dark heading bars and a dim corner of a photo mostly under 0.35.
const FAINT_RULE_MIN_CLEAR: f32 = 0.6;
/// Share of a box's inside that must be ink for a tick.
const TICK_INK_SHARE: f32 = 0.03;

/// A bar: a run of ink that continues over adjacent rows (or columns). For a horizontal bar,
/// `a0..a1` is along the row and `b0..b1` across (the rows it covers).
#[derive(Debug, Clone, Copy)]
struct Bar {
    a0: usize,
    a1: usize,
    b0: usize,
    b1: usize,
}

/// Bars along rows (`transpose` false) or columns, of at least `min_len` pixels and at most
/// `max_thick` thick.
fn bars(ink: &InkMap, transpose: bool, min_len: usize, max_thick: usize) -> Vec<Bar> {
    let (lines, len) = if transpose {
        (ink.width, ink.height)
    } else {
        (ink.height, ink.width)
    };
    let at = |line: usize, pos: usize| -> bool {
        if transpose {
            ink.at(line, pos)
        } else {
            ink.at(pos, line)
        }
    };
    let mut done: Vec<Bar> = Vec::new();
    let mut open: Vec<Bar> = Vec::new();
    let mut next_open: Vec<Bar> = Vec::new();
    let mut runs: Vec<(usize, usize)> = Vec::new();
    for line in 0..lines {
        runs.clear();
        let mut pos = 0;
        while pos < len {
            if at(line, pos) {
                let start = pos;
                while pos < len && at(line, pos) {
                    pos += 1;
                }
                if pos - start >= min_len {
                    runs.push((start, pos));
                }
            } else {
                pos += 1;
            }
        }
        next_open.clear();
        for &(s, e) in &runs {
            let tol = 3 + (e - s) / 25;
            let matched = open
                .iter()
                .position(|b| b.a0.abs_diff(s) <= tol && b.a1.abs_diff(e) <= tol && b.b1 == line);
            match matched {
                Some(i) => {
                    let mut b = open.swap_remove(i);
                    b.a0 = b.a0.min(s);
                    b.a1 = b.a1.max(e);
                    b.b1 = line + 1;
                    next_open.push(b);
                }
                None => next_open.push(Bar {
                    a0: s,
                    a1: e,
                    b0: line,
                    b1: line + 1,
                }),
            }
        }
        // Bars not continued on this line are finished.
        for b in open.drain(..) {
            if b.b1 - b.b0 <= max_thick {
                done.push(b);
            }
        }
        std::mem::swap(&mut open, &mut next_open);
        if done.len() > MAX_BARS {
            break;
        }
    }
    done.extend(open.into_iter().filter(|b| b.b1 - b.b0 <= max_thick));
    done
}

/// Joins collinear pieces of a dashed or broken line (a bilevel scan breaks thin lines).
fn join_broken(mut bars: Vec<Bar>, gap: usize) -> Vec<Bar> {
    bars.sort_by_key(|b| (b.b0, b.a0));
    let mut out: Vec<Bar> = Vec::with_capacity(bars.len());
    for b in bars {
        let joined = out.iter_mut().rev().take(64).find(|o| {
            o.b0.abs_diff(b.b0) <= 2
                && o.b1.abs_diff(b.b1) <= 2
                && b.a0 <= o.a1 + gap
                && b.a1 + gap >= o.a0
        });
        match joined {
            Some(o) => {
                o.a0 = o.a0.min(b.a0);
                o.a1 = o.a1.max(b.a1);
                o.b0 = o.b0.min(b.b0);
                o.b1 = o.b1.max(b.b1);
            }
            None => out.push(b),
        }
    }
    out
}

/// Share of the positions along a side that have ink within `slack` pixels across it.
fn side_coverage(
    ink: &InkMap,
    horizontal: bool,
    at: usize,
    from: usize,
    to: usize,
    slack: usize,
) -> f32 {
    if to <= from {
        return 0.0;
    }
    let mut hit = 0usize;
    for pos in from..to {
        let lo = at.saturating_sub(slack);
        let found = (lo..=at + slack).any(|c| {
            if horizontal {
                c < ink.height && pos < ink.width && ink.at(pos, c)
            } else {
                c < ink.width && pos < ink.height && ink.at(c, pos)
            }
        });
        hit += found as usize;
    }
    hit as f32 / (to - from) as f32
}

/// Where to paint out a level ruling line that letters stand on or just over (an address
/// typed onto a writing line, a hyperlink's underline), as `(x, first row, end row)` per
/// column, the line's soft edge included; `None` when the line is not such an underline:
/// nothing stands on it (a blank writing line says the answer was left blank), or it is no
/// line but the row where a blurred word's letters run together (few of its columns are
/// the line's ink alone). Where a stroke comes down onto the line (a letter's foot, a
/// descender) the column is left as it is; where ink hangs below the line (the bowl of a g
/// lying along it), only the line's own rows go.
pub(crate) fn underline_paint(
    ink: &InkMap,
    line: &PixelRect,
    dpi: f32,
) -> Option<Vec<(usize, usize, usize)>> {
    let px = |pt: f32| (pt * dpi / 72.0).round().max(1.0) as usize;
    let middle = (line.y0 + line.y1) / 2;
    let thickest = line.height() + px(0.75);
    let (x0, x1) = (line.x0, line.x1.min(ink.width));
    if x1 <= x0 || middle >= ink.height {
        return None;
    }
    // A slightly skewed line steps a row up or down along its length: its ink is looked for a
    // row or two off the middle too.
    let near_middle = |x: usize| {
        [0isize, -1, 1, -2, 2]
            .iter()
            .filter_map(|&d| middle.checked_add_signed(d))
            .find(|&y| y < ink.height && ink.at(x, y))
    };
    let runs: Vec<(usize, Option<(usize, usize)>)> = (x0..x1)
        .map(|x| {
            (
                x,
                near_middle(x).and_then(|y| column_run(ink, x, y, thickest + 1)),
            )
        })
        .collect();
    let mut bare: Vec<usize> = runs
        .iter()
        .filter_map(|&(_, run)| run.map(|(from, to)| to - from))
        .filter(|&len| len <= thickest)
        .collect();
    if bare.len() * 10 < (x1 - x0) * UNDERLINE_BARE_TENTHS
        || strokes_standing_on(ink, line, px(1.0), px(0.75).max(2)) < UNDERLINE_MIN_STROKES
    {
        return None;
    }
    let mid = bare.len() / 2;
    let thickness = *bare.select_nth_unstable(mid).1;
    let from_above = px(0.75);
    Some(
        runs.into_iter()
            .filter_map(|(x, run)| {
                let (from, to) = run?;
                if from + from_above < line.y0 {
                    return None;
                }
                // A row more either side is the line's own ragged edge.
                let end = if to - from <= thickness + 2 {
                    (to + 1).min(ink.height)
                } else {
                    from + thickness
                };
                Some((x, from.saturating_sub(1), end))
            })
            .collect(),
    )
}

/// Share of an underline's columns (in tenths) where it is bare: letters' feet take some, a
/// row of blurred letters nearly all (measured: typed-on lines 0.9-1.0, letter rows 0.03-0.37).
const UNDERLINE_BARE_TENTHS: usize = 6;

/// Strokes standing on a line for it to be an underline: the letters of a short word (a
/// tick's tail or a stray mark touching a writing line makes one or two).
const UNDERLINE_MIN_STROKES: usize = 4;

/// The run of ink down column `x` through row `y`, as `(first row, end row)`, looked at no
/// further than `reach` rows either way; `None` on paper.
fn column_run(ink: &InkMap, x: usize, y: usize, reach: usize) -> Option<(usize, usize)> {
    if !ink.at(x, y) {
        return None;
    }
    let mut from = y;
    while from > 0 && y - from < reach && ink.at(x, from - 1) {
        from -= 1;
    }
    let mut to = y + 1;
    while to < ink.height && to - y < reach && ink.at(x, to) {
        to += 1;
    }
    Some((from, to))
}

/// How many strokes stand on a level line or just over it (`gap` rows of paper or fewer
/// between): runs of columns whose ink reaches down to the line, `min_height` rows tall or
/// more (specks of dust are shorter).
fn strokes_standing_on(ink: &InkMap, line: &PixelRect, gap: usize, min_height: usize) -> usize {
    let standing = |x: usize| {
        let Some(foot) = (1..=gap + 1)
            .filter_map(|d| line.y0.checked_sub(d))
            .find(|&y| ink.at(x, y))
        else {
            return false;
        };
        foot.checked_sub(min_height - 1)
            .is_some_and(|top| (top..foot).all(|y| ink.at(x, y)))
    };
    let mut count = 0;
    let mut inside = false;
    for x in line.x0..line.x1.min(ink.width) {
        let s = standing(x);
        if s && !inside {
            count += 1;
        }
        inside = s;
    }
    count
}

/// How many of a box's four sides have ink along the middle half of a line `gap` pixels
/// outside them: a drawn box stands on paper, a line beside it crossed only where a mark
/// overshoots or a letter touches; the hole of a bold O or D taken for a box is ringed by the
/// letter's own stroke on every side.
pub(crate) fn sides_ringed(ink: &InkMap, rect: &PixelRect, gap: usize) -> usize {
    let (w, h) = (rect.width(), rect.height());
    let inked = |x: usize, y: usize| x < ink.width && y < ink.height && ink.at(x, y);
    let share = |hits: usize, n: usize| hits * 2 >= n.max(1);
    let (mx0, mx1) = (rect.x0 + w / 4, rect.x1 - w / 4);
    let (my0, my1) = (rect.y0 + h / 4, rect.y1 - h / 4);
    let above = rect.y0.checked_sub(gap + 1);
    let left = rect.x0.checked_sub(gap + 1);
    let (below, right) = (rect.y1 + gap, rect.x1 + gap);
    let row = |y: Option<usize>| {
        y.is_some_and(|y| share((mx0..mx1).filter(|&x| inked(x, y)).count(), mx1 - mx0))
    };
    let column = |x: Option<usize>| {
        x.is_some_and(|x| share((my0..my1).filter(|&y| inked(x, y)).count(), my1 - my0))
    };
    [
        row(above),
        row(Some(below)),
        column(left),
        column(Some(right)),
    ]
    .iter()
    .filter(|&&r| r)
    .count()
}

/// Whether each corner of `rect` has ink within `reach` pixels of it.
fn corners_inked(ink: &InkMap, rect: &PixelRect, reach: usize) -> bool {
    let (x1, y1) = (rect.x1.saturating_sub(1), rect.y1.saturating_sub(1));
    [(rect.x0, rect.y0), (x1, rect.y0), (rect.x0, y1), (x1, y1)]
        .iter()
        .all(|&(cx, cy)| {
            (cy.saturating_sub(reach)..=cy + reach).any(|y| {
                (cx.saturating_sub(reach)..=cx + reach)
                    .any(|x| x < ink.width && y < ink.height && ink.at(x, y))
            })
        })
}

/// How well `rect` is a drawn square: each side straight along its whole length, right at the
/// square's outer edge (a round or bold letter, O, D, C, bulges there and covers only its
/// sides' middles), and ink at every corner; `None` when it is not one.
fn square_score(ink: &InkMap, rect: &PixelRect) -> Option<f32> {
    let slack = 1;
    let right = side_coverage(
        ink,
        false,
        rect.x1.saturating_sub(2),
        rect.y0,
        rect.y1,
        slack,
    );
    let bottom = side_coverage(
        ink,
        true,
        rect.y1.saturating_sub(2),
        rect.x0,
        rect.x1,
        slack,
    );
    let left = side_coverage(ink, false, rect.x0 + 1, rect.y0, rect.y1, slack);
    let top = side_coverage(ink, true, rect.y0 + 1, rect.x0, rect.x1, slack);
    let score = right.min(bottom).min(left).min(top);
    (score >= 0.88 && corners_inked(ink, rect, slack)).then_some(score)
}

/// Whether the top and bottom sides of `rect` both run on past one of its upright sides: a
/// table's cell, whose borders carry on to the next cell, not a box (a pen stroke leaves a box
/// at a corner slanting away, off the side's row within a few pixels).
fn runs_on(ink: &InkMap, rect: &PixelRect) -> bool {
    let inked = |x: usize, y: usize| {
        (y.saturating_sub(1)..=y + 1).any(|yy| x < ink.width && yy < ink.height && ink.at(x, yy))
    };
    let (top, bottom) = (rect.y0 + 1, rect.y1.saturating_sub(2));
    let carries_on = |y: usize, left: bool| {
        [3, 6, 9].iter().all(|&d| {
            let x = if left {
                rect.x0.checked_sub(d)
            } else {
                Some(rect.x1 + d - 1)
            };
            x.is_some_and(|x| inked(x, y))
        })
    };
    (carries_on(top, true) && carries_on(bottom, true))
        || (carries_on(top, false) && carries_on(bottom, false))
}

/// Share of row `y` from `x0` to `x1` that is ink.
fn row_coverage(ink: &InkMap, y: usize, x0: usize, x1: usize) -> f32 {
    let x1 = x1.min(ink.width);
    if y >= ink.height || x1 <= x0 {
        return 0.0;
    }
    let inked = ink.row(y)[x0..x1].iter().filter(|&&v| v != 0).count();
    inked as f32 / (x1 - x0) as f32
}

/// Ink inside `rect` shrunk by `inset`: its share of the inside and its bounding box.
fn inside_ink(
    ink: &InkMap,
    rect: &PixelRect,
    inset_x: usize,
    inset_y: usize,
) -> (f32, Option<PixelRect>) {
    let (x0, x1) = (rect.x0 + inset_x, rect.x1.saturating_sub(inset_x));
    let (y0, y1) = (rect.y0 + inset_y, rect.y1.saturating_sub(inset_y));
    if x1 <= x0 || y1 <= y0 {
        return (0.0, None);
    }
    let mut count = 0usize;
    let mut bbox: Option<PixelRect> = None;
    for y in y0..y1.min(ink.height) {
        let row = ink.row(y);
        for (x, &v) in row.iter().enumerate().take(x1.min(ink.width)).skip(x0) {
            if v != 0 {
                count += 1;
                let b = bbox.get_or_insert(PixelRect {
                    x0: x,
                    y0: y,
                    x1: x + 1,
                    y1: y + 1,
                });
                b.x0 = b.x0.min(x);
                b.x1 = b.x1.max(x + 1);
                b.y0 = b.y0.min(y);
                b.y1 = b.y1.max(y + 1);
            }
        }
    }
    (count as f32 / ((x1 - x0) * (y1 - y0)) as f32, bbox)
}

/// The ink inside a box, when it is a mark: enough of the inside, and not a speck.
fn mark_in(ink: &InkMap, rect: &PixelRect, inset_x: usize, inset_y: usize) -> Option<PixelRect> {
    let (share, bbox) = inside_ink(ink, rect, inset_x, inset_y);
    let bbox = bbox?;
    let side = rect.width().min(rect.height());
    let span = bbox.width().max(bbox.height());
    // A pen tick drawn bigger than its box, its bulk outside: inside lies only where its
    // strokes meet, a piece of stroke running on out of the inside towards the sides (a speck
    // keeps clear of them).
    let (x0, x1) = (rect.x0 + inset_x, rect.x1.saturating_sub(inset_x));
    let (y0, y1) = (rect.y0 + inset_y, rect.y1.saturating_sub(inset_y));
    let runs_out = bbox.x0 == x0 || bbox.x1 == x1 || bbox.y0 == y0 || bbox.y1 == y1;
    let stroke_piece = bbox.width() * 5 >= side && bbox.height() * 5 >= side;
    let tick_beyond = runs_out && stroke_piece && share >= 2.0 * TICK_INK_SHARE;
    (share >= TICK_INK_SHARE && (span * 3 >= side || tick_beyond)).then_some(bbox)
}

/// Ruling lines: long bars, broken pieces joined.
fn rules_of(horizontal: &[Bar], vertical: &[Bar], dpi: f32) -> Vec<RuleLine> {
    let px = |pt: f32| (pt * dpi / 72.0).round().max(1.0) as usize;
    let rule_min = px(RULE_MIN_PT);
    let mut rules = Vec::new();
    for b in join_broken(horizontal.to_vec(), px(3.0)) {
        if b.a1 - b.a0 >= rule_min.max(px(40.0)) {
            rules.push(RuleLine {
                rect: PixelRect {
                    x0: b.a0,
                    y0: b.b0,
                    x1: b.a1,
                    y1: b.b1,
                },
                horizontal: true,
            });
        }
    }
    for b in join_broken(vertical.to_vec(), px(3.0)) {
        if b.a1 - b.a0 >= rule_min {
            rules.push(RuleLine {
                rect: PixelRect {
                    x0: b.b0,
                    y0: b.a0,
                    x1: b.b1,
                    y1: b.a1,
                },
                horizontal: false,
            });
        }
    }
    rules
}

/// Ruling lines printed too faint for the ink map (a photo of a form's thin grey table lines),
/// found in `faint` (the page with a looser notion of ink) where no line of `rules` runs.
/// A line must stand out from the paper on both its sides along most of its length in `even`
/// (the page with its paper made white): in a shaded cell, a dark heading bar or a photo's
/// dim corner the looser map is a field of grain, whose runs are not lines. Taken for lines,
/// they were painted out through the labels and cut the table into false cells.
pub(crate) fn faint_rules(
    faint: &InkMap,
    even: &image::GrayImage,
    dpi: f32,
    rules: &[RuleLine],
) -> Vec<RuleLine> {
    let px = |pt: f32| (pt * dpi / 72.0).round().max(1.0) as usize;
    let thick = px(BAR_MAX_THICK_PT);
    let rule_min = px(RULE_MIN_PT);
    let horizontal = bars(faint, false, rule_min, thick);
    let vertical = bars(faint, true, rule_min, thick);
    let near = px(2.0);
    rules_of(&horizontal, &vertical, dpi)
        .into_iter()
        .filter(|f| {
            !rules.iter().any(|r| {
                r.horizontal == f.horizontal
                    && r.rect.x0 <= f.rect.x1 + near
                    && f.rect.x0 <= r.rect.x1 + near
                    && r.rect.y0 <= f.rect.y1 + near
                    && f.rect.y0 <= r.rect.y1 + near
            })
        })
        .filter(|f| lighter_both_sides(even, f) >= FAINT_RULE_MIN_CLEAR)
        .collect()
}

/// The share of a line's length along which the paper on both its sides is clearly lighter
/// than the line (on the page with its paper made white): the line's darkest pixel across it
/// against the mean of a band a little way off each side.
fn lighter_both_sides(even: &image::GrayImage, line: &RuleLine) -> f32 {
    // Grey levels. A printed line is far darker than the paper beside it; grain in a shaded
    // cell or a dim corner is as dark on one side as on the other.
    const DEPTH: i32 = 24;
    // Pixels between the line's box and each band, and each band's width.
    const GAP: usize = 2;
    const BAND: usize = 3;
    let (w, h) = (even.width() as usize, even.height() as usize);
    let px = |x: usize, y: usize| even.as_raw()[y * w + x] as i32;
    let r = &line.rect;
    // Across the line: its own pixels and the bands either side, per position along it.
    let (along, across0, across1, limit) = if line.horizontal {
        (r.x0..r.x1.min(w), r.y0, r.y1.min(h), h)
    } else {
        (r.y0..r.y1.min(h), r.x0, r.x1.min(w), w)
    };
    if across1 <= across0 || across0 < GAP + BAND || across1 + GAP + BAND > limit {
        return 0.0;
    }
    let at = |a: usize, c: usize| if line.horizontal { px(a, c) } else { px(c, a) };
    let mean = |a: usize, from: usize, to: usize| {
        (from..to).map(|c| at(a, c)).sum::<i32>() / (to - from) as i32
    };
    let mut clear = 0usize;
    let mut total = 0usize;
    for a in along {
        total += 1;
        let ink = (across0..across1).map(|c| at(a, c)).min().unwrap_or(255);
        let before = mean(a, across0 - GAP - BAND, across0 - GAP);
        let after = mean(a, across1 + GAP, across1 + GAP + BAND);
        if before - ink >= DEPTH && after - ink >= DEPTH {
            clear += 1;
        }
    }
    clear as f32 / total.max(1) as f32
}

/// Finds ruling lines and tick boxes on a page at `dpi`.
pub(crate) fn find(ink: &InkMap, dpi: f32) -> Drawn {
    let px = |pt: f32| (pt * dpi / 72.0).round().max(1.0) as usize;
    let box_min = px(BOX_MIN_PT);
    let box_max = px(BOX_MAX_PT);
    let thick = px(BAR_MAX_THICK_PT);
    let rule_min = px(RULE_MIN_PT);

    let horizontal = bars(ink, false, box_min.min(rule_min), thick);
    let vertical = bars(ink, true, (box_min * 3 / 5).max(2), thick);
    let mut drawn = Drawn {
        rules: rules_of(&horizontal, &vertical, dpi),
        ..Drawn::default()
    };

    // Squares: a top bar, then the other three sides checked on the pixels.
    let mut vertical_by_x: Vec<&Bar> = vertical
        .iter()
        .filter(|v| v.a1 - v.a0 >= box_min * 3 / 5 && v.a1 - v.a0 <= box_max * 3 / 2)
        .collect();
    vertical_by_x.sort_by_key(|v| v.b0);
    let mut boxes: Vec<TickBox> = Vec::new();
    for top in &horizontal {
        let width = top.a1 - top.a0;
        if width < box_min || width > box_max || boxes.len() >= MAX_BOXES {
            continue;
        }
        let tol = 2 + width / 12;
        let lo = vertical_by_x.partition_point(|v| v.b1 + tol < top.a0);
        let mut best: Option<(f32, PixelRect)> = None;
        for left in vertical_by_x[lo..]
            .iter()
            .take_while(|v| v.b0 <= top.a0 + tol)
        {
            if left.a0 + tol < top.b0 || left.a0 > top.b1 + tol {
                continue;
            }
            let height = left.a1.saturating_sub(top.b0);
            if height * 10 < width * 7 || height * 10 > width * 14 {
                continue;
            }
            let rect = PixelRect {
                x0: top.a0,
                y0: top.b0,
                x1: top.a1,
                y1: top.b0 + height,
            };
            if let Some(score) = square_score(ink, &rect)
                && best.is_none_or(|(s, _)| score > s)
            {
                best = Some((score, rect));
            }
        }
        if let Some((_, rect)) = best {
            let side_thick = (top.b1 - top.b0).max(1);
            let inset = side_thick + 1 + width / 12;
            boxes.push(TickBox {
                rect,
                mark: mark_in(ink, &rect, inset, inset),
                bracket: false,
            });
        }
    }

    // Squares seen by their upright sides: a pen stroke across a box's top or through a corner
    // runs on from its top bar, so the bar is not a box's width; its sides still stand.
    let sides: Vec<&Bar> = vertical_by_x
        .iter()
        .copied()
        .filter(|v| v.a1 - v.a0 >= box_min && v.a1 - v.a0 <= box_max)
        .collect();
    for (i, left) in sides.iter().enumerate() {
        if boxes.len() >= MAX_BOXES {
            break;
        }
        let height = left.a1 - left.a0;
        let tol = 2 + height / 12;
        let mut best: Option<(f32, PixelRect)> = None;
        for right in sides[i + 1..]
            .iter()
            .take_while(|r| r.b0 <= left.b0 + box_max)
        {
            let width = right.b1.saturating_sub(left.b0);
            // The sides end about together (strokes through the corners run on from either
            // end of a side).
            let (top_off, bottom_off) = (right.a0.abs_diff(left.a0), right.a1.abs_diff(left.a1));
            if width < box_min || right.b0 <= left.b1 || top_off.max(bottom_off) > tol + height / 3
            {
                continue;
            }
            // The top and the bottom are the rows inked across from side to side, looked for
            // near where the sides end.
            let (x0, x1) = (left.b0, right.b1);
            let (y_top, y_end) = (left.a0.min(right.a0), left.a1.max(right.a1));
            let reach = (y_end - y_top) / 3 + tol;
            let across = |y: usize| row_coverage(ink, y, x0, x1) >= 0.85;
            let top = (y_top..(y_top + reach).min(y_end)).find(|&y| across(y));
            let bottom = (y_end.saturating_sub(reach).max(y_top)..y_end)
                .rev()
                .find(|&y| across(y));
            let (Some(y0), Some(bottom)) = (top, bottom) else {
                continue;
            };
            let rect = PixelRect {
                x0,
                y0,
                x1,
                y1: bottom + 1,
            };
            let h = rect.height();
            if h * 10 < width * 7 || h * 10 > width * 14 || runs_on(ink, &rect) {
                continue;
            }
            if let Some(score) = square_score(ink, &rect)
                && best.is_none_or(|(s, _)| score > s)
            {
                best = Some((score, rect));
            }
        }
        if let Some((_, rect)) = best {
            let side_thick = left.b1 - left.b0;
            let inset = side_thick + 1 + rect.width() / 12;
            boxes.push(TickBox {
                rect,
                mark: mark_in(ink, &rect, inset, inset),
                bracket: false,
            });
        }
    }

    // Brackets: upright bars with stubs at both ends, facing each other.
    let mut lefts: Vec<PixelRect> = Vec::new();
    let mut rights: Vec<PixelRect> = Vec::new();
    for v in &vertical {
        let height = v.a1 - v.a0;
        if height < box_min || height > box_max {
            continue;
        }
        let stem = PixelRect {
            x0: v.b0,
            y0: v.a0,
            x1: v.b1,
            y1: v.a1,
        };
        let stub = (height / 12).max(2);
        let reach = |dir_right: bool| -> bool {
            [stem.y0, stem.y1 - 1].iter().all(|&y| {
                (0..3).any(|dy| {
                    let yy = if y == stem.y0 {
                        y + dy
                    } else {
                        y.saturating_sub(dy)
                    };
                    (1..=stub).all(|k| {
                        let x = if dir_right {
                            stem.x1 - 1 + k
                        } else {
                            stem.x0.wrapping_sub(k)
                        };
                        x < ink.width && yy < ink.height && ink.at(x, yy)
                    })
                })
            })
        };
        // The middle of a bracket's stem has nothing beside it on the open side (a pixel's
        // room left for a stem drawn thicker than the bar found).
        let open_middle = |dir_right: bool| -> bool {
            let y = (stem.y0 + stem.y1) / 2;
            (2..=stub + 1).all(|k| {
                let x = if dir_right {
                    stem.x1 - 1 + k
                } else {
                    stem.x0.wrapping_sub(k)
                };
                x >= ink.width || !ink.at(x, y)
            })
        };
        // A bracket's stubs are its top and bottom: nothing above or below them (the stem of
        // an O, a C or an n continues round a curve instead).
        let clear_beyond = |dir_right: bool| -> bool {
            let (xa, xb) = if dir_right {
                (stem.x0, stem.x1 + stub)
            } else {
                (stem.x0.saturating_sub(stub), stem.x1)
            };
            // One row of room either way: a stub can start a row beyond the stem.
            let above = stem.y0.checked_sub(3).map(|y| (y, 2));
            let below = Some((stem.y1 + 1, 2));
            [above, below].into_iter().flatten().all(|(y, rows)| {
                (y..y + rows)
                    .all(|yy| yy >= ink.height || (xa..xb.min(ink.width)).all(|x| !ink.at(x, yy)))
            })
        };
        if reach(true) && open_middle(true) && !reach(false) && clear_beyond(true) {
            lefts.push(stem);
        } else if reach(false) && open_middle(false) && !reach(true) && clear_beyond(false) {
            rights.push(stem);
        }
    }
    rights.sort_by_key(|r| r.x0);
    for l in &lefts {
        let h = l.height();
        let pair = rights
            .iter()
            .filter(|r| {
                r.x0 > l.x1
                    && r.y0.abs_diff(l.y0) * 5 <= h
                    && r.y1.abs_diff(l.y1) * 5 <= h
                    && (r.x0 - l.x1) * 10 >= h * 2
                    && (r.x0 - l.x1) * 10 <= h * 20
            })
            .min_by_key(|r| r.x0);
        let Some(r) = pair else { continue };
        // Nothing else may close in between: another left bracket means this one is not a box.
        if lefts
            .iter()
            .any(|o| o.x0 > l.x1 && o.x1 < r.x0 && o.y0.abs_diff(l.y0) * 5 <= h)
        {
            continue;
        }
        let rect = PixelRect {
            x0: l.x0,
            y0: l.y0,
            x1: r.x1,
            y1: l.y1,
        };
        let inset_x = l.width().max(r.width()) + 1 + h / 8;
        if boxes.len() < MAX_BOXES {
            boxes.push(TickBox {
                rect,
                mark: mark_in(ink, &rect, inset_x, h / 6 + 1),
                bracket: true,
            });
        }
    }

    // Boxes filled in solid: the square itself is the mark.
    for rect in solid_squares(ink, box_min, box_max) {
        if boxes.len() >= MAX_BOXES {
            break;
        }
        boxes.push(TickBox {
            rect,
            mark: Some(rect),
            bracket: false,
        });
    }

    // One box where candidates overlap (a thick side seen twice): a square seen on all four
    // sides before a bracket pair (a square's sides are also two facing brackets), then the
    // larger.
    boxes.sort_by_key(|b| (b.bracket, std::cmp::Reverse(b.rect.area())));
    let mut kept: Vec<TickBox> = Vec::with_capacity(boxes.len());
    for b in boxes {
        let dup = kept
            .iter()
            .any(|k| k.rect.overlap(&b.rect) * 2 >= b.rect.area().min(k.rect.area()));
        if !dup {
            kept.push(b);
        }
    }
    kept.sort_by_key(|b| (b.rect.y0, b.rect.x0));
    drawn.boxes = kept;
    drawn
}

/// Squares (or upright oblongs) of solid ink a box's size, with paper above and below them: a
/// box filled in, or a filled square drawn over the box in a PDF viewer before printing. Found
/// as runs along the rows that repeat, row after row, over the same span for about as many rows
/// as the run is long. A round blot (a big dot) leaves its corners empty and is not one.
fn solid_squares(ink: &InkMap, box_min: usize, box_max: usize) -> Vec<PixelRect> {
    // Open stacks of runs: (x0, x1, first row, last row).
    let mut open: Vec<(usize, usize, usize, usize)> = Vec::new();
    let mut found = Vec::new();
    let mut close = |(x0, x1, y0, y_last): (usize, usize, usize, usize)| {
        let rect = PixelRect {
            x0,
            y0,
            x1,
            y1: y_last + 1,
        };
        let (w, h) = (rect.width(), rect.height());
        // As tall as wide or up to twice as tall (a square drawn over a box by hand in a
        // viewer is rarely square); never wider (a bar, a redaction).
        if w < box_min || h > box_max || h * 10 < w * 7 || h > w * 2 {
            return;
        }
        let filled: usize = (rect.y0..rect.y1)
            .map(|y| {
                ink.row(y)[rect.x0..rect.x1]
                    .iter()
                    .filter(|&&v| v != 0)
                    .count()
            })
            .sum();
        if filled * 10 < rect.area() * 9 {
            return;
        }
        // Paper on the rows just above and below (not a block of a larger blot).
        let clear = |y: usize| row_coverage(ink, y, rect.x0, rect.x1) < 0.3;
        let above = rect.y0.checked_sub(2).is_none_or(clear);
        let below = rect.y1 + 1 >= ink.height || clear(rect.y1 + 1);
        if above && below && found.len() < MAX_BOXES {
            found.push(rect);
        }
    };
    for y in 0..ink.height {
        let row = ink.row(y);
        let mut next_open = Vec::with_capacity(open.len());
        let mut x = 0;
        while x < ink.width {
            if row[x] == 0 {
                x += 1;
                continue;
            }
            let start = x;
            while x < ink.width && row[x] != 0 {
                x += 1;
            }
            let len = x - start;
            if len < box_min || len > box_max {
                continue;
            }
            let tol = 2 + len / 10;
            // The stack this run continues: same span, last seen on the row above.
            let k = open.iter().position(|&(x0, x1, _, last)| {
                last + 1 == y && x0.abs_diff(start) <= tol && x1.abs_diff(x) <= tol
            });
            match k {
                Some(k) => {
                    let (x0, x1, y0, _) = open.swap_remove(k);
                    next_open.push((x0.min(start), x1.max(x), y0, y));
                }
                None => next_open.push((start, x, y, y)),
            }
        }
        // Stacks the row did not continue are complete.
        for stack in open.drain(..) {
            close(stack);
        }
        open = next_open;
        if open.len() > MAX_BARS {
            return found;
        }
    }
    for stack in open {
        close(stack);
    }
    found
}

/// Most pieces of ink looked at for loose marks on one page; past that the page is noise or a
/// picture.
const MAX_PIECES: usize = 50_000;
/// A loose mark's larger side, in points: a typed X or ✓ at 8 pt and more, a pen tick.
const MARK_MIN_PT: f32 = 4.5;
const MARK_MAX_PT: f32 = 26.0;

/// Marks standing alone where nothing was read or drawn (`masked`: the words OCR read, the
/// ruling lines, the boxes): an X or ✓ typed into a table's tick cell that OCR did not read as
/// a letter, a pen tick with no printed box. A mark is one piece of ink (pieces a pixel or two
/// apart are one: a scan breaks thin strokes) of a mark's size, about as wide as tall (not a
/// line's piece), with no other ink beside it within its own size either way (a letter OCR
/// missed stands in a word).
pub(crate) fn loose_marks(ink: &InkMap, dpi: f32, masked: &[PixelRect]) -> Vec<PixelRect> {
    let px = |pt: f32| (pt * dpi / 72.0).round().max(1.0) as usize;
    let (w, h) = (ink.width, ink.height);
    // 0: paper or masked, 1: ink not yet in a piece, 2: in a piece.
    let mut state: Vec<u8> = ink.ink.iter().map(|&v| (v != 0) as u8).collect();
    for r in masked {
        for y in r.y0..r.y1.min(h) {
            let row = &mut state[y * w..(y + 1) * w];
            for v in &mut row[r.x0.min(w)..r.x1.min(w)] {
                *v = 0;
            }
        }
    }
    let speck = px(1.2);
    let mut pieces: Vec<(PixelRect, usize)> = Vec::new();
    let mut stack: Vec<usize> = Vec::new();
    for start in 0..w * h {
        if state[start] != 1 {
            continue;
        }
        if pieces.len() >= MAX_PIECES {
            return Vec::new();
        }
        state[start] = 2;
        stack.push(start);
        let (sx, sy) = (start % w, start / w);
        let mut rect = PixelRect {
            x0: sx,
            y0: sy,
            x1: sx + 1,
            y1: sy + 1,
        };
        let mut count = 0usize;
        while let Some(i) = stack.pop() {
            count += 1;
            let (x, y) = (i % w, i / w);
            rect.x0 = rect.x0.min(x);
            rect.x1 = rect.x1.max(x + 1);
            rect.y0 = rect.y0.min(y);
            rect.y1 = rect.y1.max(y + 1);
            // Neighbours up to two pixels away: a stroke the scan broke is one piece.
            for ny in y.saturating_sub(2)..(y + 3).min(h) {
                for nx in x.saturating_sub(2)..(x + 3).min(w) {
                    let j = ny * w + nx;
                    if state[j] == 1 {
                        state[j] = 2;
                        stack.push(j);
                    }
                }
            }
        }
        if rect.width().max(rect.height()) >= speck {
            pieces.push((rect, count));
        }
    }
    let (lo, hi) = (px(MARK_MIN_PT), px(MARK_MAX_PT));
    let mut marks = Vec::new();
    for (i, (r, count)) in pieces.iter().enumerate() {
        let (long, short) = (r.width().max(r.height()), r.width().min(r.height()));
        // A mark's strokes cover some of its square, not all (a blot) nor a thread of it; a
        // box filled in solid (a square drawn over the box in a PDF viewer, a box inked in) is
        // square, a box's size and filled to its corners (a round bullet is not).
        let fill = *count as f32 / r.area() as f32;
        let filled_box = fill >= 0.9 && short * 10 >= long * 7 && long >= px(BOX_MIN_PT);
        if long < lo
            || long > hi
            || short * 5 < long * 2
            || !((0.08..=0.7).contains(&fill) || filled_box)
        {
            continue;
        }
        let reach = long;
        let beside = PixelRect {
            x0: r.x0.saturating_sub(reach),
            y0: r.y0,
            x1: r.x1 + reach,
            y1: r.y1,
        };
        let alone = pieces
            .iter()
            .enumerate()
            .all(|(j, (o, _))| j == i || o.overlap(&beside) == 0);
        if alone {
            marks.push(*r);
        }
    }
    marks
}

#[cfg(test)]
mod tests;
