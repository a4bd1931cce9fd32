//! Pieces of text and the page's ruling lines in → the page's `Line`s out, top to bottom.
//!
//! A piece enclosed by ruling lines on all four sides, in a band of the page that vertical
//! lines split into two or more columns, is in a table cell. Every piece of one cell joins
//! into the cell's text (its wrapped lines rejoined), and the band becomes one `Line` with a
//! cell per column, empty cells included, each with its place. Every other piece stays on its
//! own line, as printed.

use super::lines::Piece;
use super::{Page, Rect};
use crate::extract::Line;

/// Ruling lines closer than this (points) are one line: a border drawn cell by cell, or a
/// scanned border broken where it runs a hair off level, a pixel or five to one side.
const SAME_LINE: f32 = 2.0;
/// Most pieces on a page for joining text boxes and borderless cells, which compare pieces
/// with one another.
const MAX_PIECES_COMPARED: usize = 4_000;
/// Most rule comparisons spent on finding cells on one page (a page drawn with a million
/// lines reads as plain lines beyond it).
const MAX_RULE_CHECKS: usize = 4_000_000;

#[derive(Debug, Clone, Copy)]
struct HRule {
    y: f32,
    x0: f32,
    x1: f32,
}

#[derive(Debug, Clone, Copy)]
struct VRule {
    x: f32,
    y0: f32,
    y1: f32,
}

/// Joins collinear pieces of ruling line (a border drawn cell by cell) into whole lines.
fn merged<T: Copy>(
    mut rules: Vec<T>,
    pos: impl Fn(&T) -> f32,
    span: impl Fn(&T) -> (f32, f32),
    make: impl Fn(f32, f32, f32) -> T,
) -> Vec<T> {
    rules.sort_by(|a, b| pos(a).total_cmp(&pos(b)));
    let mut out = Vec::with_capacity(rules.len());
    let mut k = 0;
    while k < rules.len() {
        let at = pos(&rules[k]);
        let mut end = k;
        while end < rules.len() && pos(&rules[end]) - at < SAME_LINE {
            end += 1;
        }
        let mut group: Vec<(f32, f32)> = rules[k..end].iter().map(&span).collect();
        group.sort_by(|a, b| a.0.total_cmp(&b.0));
        let mut current: Option<(f32, f32)> = None;
        for (a, b) in group {
            current = match current {
                Some((c0, c1)) if a <= c1 + 1.5 => Some((c0, c1.max(b))),
                Some((c0, c1)) => {
                    out.push(make(at, c0, c1));
                    Some((a, b))
                }
                None => Some((a, b)),
            };
        }
        if let Some((c0, c1)) = current {
            out.push(make(at, c0, c1));
        }
        k = end;
    }
    out
}

/// The ruled cell around a piece: its row's band (top and bottom lines) and the columns that
/// cross the whole band.
#[derive(Debug, Clone, PartialEq)]
struct Band {
    top: f32,
    bottom: f32,
    /// Column boundaries left to right (at least three: two or more cells).
    columns: Vec<f32>,
}

struct Rules {
    h: Vec<HRule>,
    v: Vec<VRule>,
    checks: usize,
}

impl Rules {
    fn new(page: &Page) -> Rules {
        let h = page
            .rules
            .iter()
            .filter(|r| !r.is_vertical())
            .map(|r| HRule {
                y: r.y0,
                x0: r.x0,
                x1: r.x1,
            })
            .collect();
        let v = page
            .rules
            .iter()
            .filter(|r| r.is_vertical())
            .map(|r| VRule {
                x: r.x0,
                y0: r.y0,
                y1: r.y1,
            })
            .collect();
        Rules {
            h: merged(
                h,
                |r| r.y,
                |r| (r.x0, r.x1),
                |y, x0, x1| HRule { y, x0, x1 },
            ),
            v: merged(
                v,
                |r| r.x,
                |r| (r.y0, r.y1),
                |x, y0, y1| VRule { x, y0, y1 },
            ),
            checks: 0,
        }
    }

    fn spend(&mut self, n: usize) -> bool {
        self.checks = self.checks.saturating_add(n);
        self.checks <= MAX_RULE_CHECKS
    }

    /// The band and columns of the ruled table cell holding `piece`, if it is in one.
    fn band_of(&mut self, piece: &Piece) -> Option<Band> {
        if !self.spend(8 * (self.h.len() + self.v.len())) {
            return None;
        }
        // Where the text starts: text typed past its cell's border still belongs to the
        // cell it starts in.
        let cx = piece.bbox.x0 + (0.5 * piece.size).min(piece.bbox.width() / 2.0);
        // The middle of the text's x-height: what is above it is above the text.
        let cy = piece.baseline - 0.3 * piece.size;
        let covers_x = |r: &HRule| r.x0 - 1.0 <= cx && cx <= r.x1 + 1.0;
        let covers_y = |r: &VRule| r.y0 - 1.0 <= cy && cy <= r.y1 + 1.0;
        let left = self
            .v
            .iter()
            .filter(|r| r.x <= piece.bbox.x0 + 0.5 && covers_y(r))
            .map(|r| r.x)
            .fold(f32::NEG_INFINITY, f32::max);
        let right = self
            .v
            .iter()
            .filter(|r| r.x > cx && covers_y(r))
            .map(|r| r.x)
            .fold(f32::INFINITY, f32::min);
        if !left.is_finite() || !right.is_finite() {
            return None;
        }
        // The lines above, nearest first: a box drawn inside a cell (a form field's frame) is
        // nearer than the cell's own border, and is passed over for it.
        let mut tops: Vec<&HRule> = self.h.iter().filter(|r| r.y < cy && covers_x(r)).collect();
        tops.sort_by(|a, b| b.y.total_cmp(&a.y));
        for top in tops.into_iter().take(6) {
            let extent = top.x1 - top.x0;
            // The row's bottom line runs along with its top line.
            let Some(bottom) = self
                .h
                .iter()
                .filter(|r| {
                    let shared = r.x1.min(top.x1) - r.x0.max(top.x0);
                    r.y > cy && covers_x(r) && shared >= 0.8 * extent
                })
                .min_by(|a, b| a.y.total_cmp(&b.y))
            else {
                continue;
            };
            let (top_y, bottom_y) = (top.y, bottom.y);
            let mut columns: Vec<f32> = self
                .v
                .iter()
                .filter(|r| {
                    r.x >= top.x0 - 1.5
                        && r.x <= top.x1 + 1.5
                        && r.y0 <= top_y + 1.5
                        && r.y1 >= bottom_y - 1.5
                })
                .map(|r| r.x)
                .collect();
            columns.sort_by(f32::total_cmp);
            columns.dedup_by(|a, b| (*a - *b).abs() < 1.5);
            let inside = columns.first().is_some_and(|&c| c <= left + 0.5)
                && columns.last().is_some_and(|&c| c >= right - 0.5);
            if columns.len() >= 3 && inside {
                return Some(Band {
                    top: top_y,
                    bottom: bottom_y,
                    columns,
                });
            }
        }
        None
    }
}

/// A row of a ruled table, as it is being filled.
struct TableRow {
    band: Band,
    /// Pieces per column.
    cells: Vec<Vec<usize>>,
}

/// The text of one ruled cell: its lines (pieces on one line joined by a space) rejoined the
/// way they were wrapped.
fn cell_text(pieces: &[Piece], members: &[usize], left: f32, right: f32) -> (String, Option<Rect>) {
    let mut ids = members.to_vec();
    ids.sort_by(|&a, &b| {
        pieces[a]
            .baseline
            .total_cmp(&pieces[b].baseline)
            .then(pieces[a].bbox.x0.total_cmp(&pieces[b].bbox.x0))
    });
    // One entry per printed line: text, box, where its first word ends.
    let mut lines: Vec<(String, Rect, f32, f32)> = Vec::new();
    let mut last_line = usize::MAX;
    for &k in &ids {
        let p = &pieces[k];
        if p.line == last_line
            && let Some(l) = lines.last_mut()
        {
            l.0.push(' ');
            l.0.push_str(&p.text);
            l.1 = l.1.union(&p.bbox);
            continue;
        }
        last_line = p.line;
        lines.push((p.text.clone(), p.bbox, p.first_word_x1, p.size));
    }
    let Some(first) = lines.first() else {
        return (String::new(), None);
    };
    let mut bbox = first.1;
    // The room the text had: the cell less its padding (taken as what the text keeps from
    // the left line).
    let text_left = lines.iter().map(|l| l.1.x0).fold(f32::INFINITY, f32::min);
    let padding = (text_left - left).clamp(0.5, 12.0);
    let inner_right = right - padding;
    let mut text = first.0.clone();
    for pair in lines.windows(2) {
        let (prev, next) = (&pair[0], &pair[1]);
        let first_word = next.2 - next.1.x0;
        let forced = prev.1.x1 + 0.25 * next.3 + first_word > inner_right + 0.5;
        // The text so far, not only this line: an address may run over several lines.
        let mut separator = wrap_separator(&text, &next.0, forced);
        // A word wider than the cell is broken at its edge: a line of one word that reaches
        // the edge, carried on in lower case on the next.
        let one_word = !prev.0.contains(' ');
        let at_edge = prev.1.x1 >= inner_right - 0.35 * prev.3;
        let carries_on = next.0.starts_with(|c: char| c.is_lowercase());
        let ends_in_letter = prev.0.ends_with(|c: char| c.is_alphabetic());
        if separator == " " && one_word && at_edge && carries_on && ends_in_letter {
            separator = "";
        }
        text.push_str(separator);
        text.push_str(&next.0);
        bbox = bbox.union(&next.1);
    }
    (text, Some(bbox))
}

/// What goes between two lines of one cell: nothing when a word or an address was broken at
/// the cell's edge (after a hyphen in a word, anywhere in an e-mail address, at an address's
/// `.` `:` `/`), a space when the text wrapped between words, a line break when the line
/// ended before it had to (the next word would have fitted).
pub(super) fn wrap_separator(prev: &str, next: &str, forced: bool) -> &'static str {
    let a = prev.rsplit([' ', '\n']).next().unwrap_or("");
    let b = next.split(' ').next().unwrap_or("");
    let Some(b_first) = b.chars().next() else {
        return if forced { " " } else { "\n" };
    };
    // An address is never broken on purpose: an unfinished one carries on below, wherever
    // the line ended.
    let ends_open = a.ends_with(['.', '-', '_', '@']);
    let ats = a.matches('@').count() + b.matches('@').count();
    if ats == 1 && !a.ends_with([',', ';', ')']) {
        let domain_unfinished = a.split('@').nth(1).is_some_and(|d| !d.contains('.'));
        if a.contains('@')
            && (ends_open || domain_unfinished || (forced && !b_first.is_uppercase()))
        {
            return "";
        }
        if b.contains('@') && (b_first == '@' || ends_open) {
            return "";
        }
    }
    let address_char = |c: char| c.is_ascii_hexdigit() || ".:/".contains(c);
    if a.ends_with(['.', ':', '/'])
        && a.chars().all(address_char)
        && b.chars().all(address_char)
        && a.chars().any(|c| c.is_ascii_digit())
    {
        return "";
    }
    if !forced {
        return "\n";
    }
    let mut a_rev = a.chars().rev();
    let a_last = a_rev.next();
    let a_before = a_rev.next();
    if a_last == Some('-') && a_before.is_some_and(char::is_alphanumeric) {
        return "";
    }
    " "
}

/// Lays the pieces out as lines and table rows (see the module doc).
pub(super) fn arrange(page: &Page, pieces: Vec<Piece>) -> Vec<Line> {
    let mut pieces = pieces;
    let mut rules = Rules::new(page);
    let mut rows: Vec<TableRow> = Vec::new();
    let mut in_row: Vec<Option<usize>> = vec![None; pieces.len()];
    if !rules.h.is_empty() && !rules.v.is_empty() {
        for (k, piece) in pieces.iter().enumerate() {
            let Some(band) = rules.band_of(piece) else {
                continue;
            };
            let cx = piece.bbox.x0 + (0.5 * piece.size).min(piece.bbox.width() / 2.0);
            let Some(col) = band
                .columns
                .windows(2)
                .position(|w| cx >= w[0] && cx <= w[1])
            else {
                continue;
            };
            let row = match rows.iter().position(|r| r.band == band) {
                Some(r) => r,
                None => {
                    let n = band.columns.len() - 1;
                    rows.push(TableRow {
                        band,
                        cells: vec![Vec::new(); n],
                    });
                    rows.len() - 1
                }
            };
            rows[row].cells[col].push(k);
            in_row[k] = Some(row);
        }
    }

    let rows: Vec<TableRow> = rows
        .into_iter()
        .flat_map(|row| stacked_rows(row, &pieces))
        .collect();
    // Items to emit, each with where it starts on the page.
    let mut items: Vec<(f32, f32, Line)> = Vec::new();
    for row in &rows {
        let mut line = Line::default();
        for (col, members) in row.cells.iter().enumerate() {
            let (left, right) = (row.band.columns[col], row.band.columns[col + 1]);
            let (text, bbox) = cell_text(&pieces, members, left, right);
            let bbox = bbox.unwrap_or(Rect {
                x0: left,
                x1: right,
                y0: row.band.top,
                y1: row.band.bottom,
            });
            line.cells.push(text);
            line.places.push(bbox.place(page.number));
        }
        // Ordered by where its text starts, like the lines around it.
        let top = row
            .cells
            .iter()
            .flatten()
            .map(|&k| pieces[k].baseline - pieces[k].size)
            .fold(f32::INFINITY, f32::min);
        items.push((top.min(row.band.bottom), row.band.columns[0], line));
    }
    // Text boxes (an annotation, a form placed on the page) whose text wraps, and wrapped
    // answers in a table drawn without lines. Both compare pieces with one another: a page
    // with more pieces than a form has is left as printed.
    if pieces.len() <= MAX_PIECES_COMPARED {
        join_text_boxes(&mut pieces, &mut in_row);
        for (top, left, line) in borderless_cells(&pieces, &mut in_row, page.number) {
            items.push((top, left, line));
        }
    }
    // The other pieces, line by line.
    let mut k = 0;
    while k < pieces.len() {
        if in_row[k].is_some() {
            k += 1;
            continue;
        }
        let line_index = pieces[k].line;
        let mut line = Line::default();
        let top = pieces[k].baseline - pieces[k].size;
        let left = pieces[k].bbox.x0;
        while k < pieces.len() && pieces[k].line == line_index {
            if in_row[k].is_none() {
                line.cells.push(pieces[k].text.clone());
                line.places.push(pieces[k].bbox.place(page.number));
            }
            k += 1;
        }
        items.push((top, left, line));
    }
    items.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
    items.into_iter().map(|(_, _, l)| l).collect()
}

/// One printed line of a ruled cell, for `stacked_rows`.
struct CellLine {
    column: usize,
    top: f32,
    bottom: f32,
    baseline: f32,
    size: f32,
    left: f32,
    right: f32,
    first_word_right: f32,
}

/// A ruled row that is several rows to the eye: a table drawn with its frame and column lines
/// only (or inner lines too faint for a scan to keep), where the first column holds a label or
/// a box per row and the others their answers. The row is cut across its width where no text
/// crosses, when the cut is one a reader sees: a gap wider than the cells' own line spacing
/// (a new paragraph, a row's padding), or the first column's text starting a line it did not
/// have to (its line above ended early) beside another column's text starting level with it.
/// Every row cut off must hold text in its first column and another: a label's second line
/// or an answer's is kept with the row it belongs to.
fn stacked_rows(row: TableRow, pieces: &[Piece]) -> Vec<TableRow> {
    let mut lines: Vec<CellLine> = Vec::new();
    for (column, members) in row.cells.iter().enumerate() {
        let mut last_line = usize::MAX;
        let mut ids = members.clone();
        ids.sort_by(|&a, &b| {
            pieces[a]
                .baseline
                .total_cmp(&pieces[b].baseline)
                .then(pieces[a].bbox.x0.total_cmp(&pieces[b].bbox.x0))
        });
        for k in ids {
            let p = &pieces[k];
            if p.line == last_line
                && let Some(l) = lines.last_mut()
            {
                l.top = l.top.min(p.bbox.y0);
                l.bottom = l.bottom.max(p.bbox.y1);
                l.right = l.right.max(p.bbox.x1);
                l.size = l.size.max(p.size);
                continue;
            }
            last_line = p.line;
            lines.push(CellLine {
                column,
                top: p.bbox.y0,
                bottom: p.bbox.y1,
                baseline: p.baseline,
                size: p.size,
                left: p.bbox.x0,
                right: p.bbox.x1,
                first_word_right: p.first_word_x1,
            });
        }
    }
    let Some(lead) = lines.iter().map(|l| l.column).min() else {
        return vec![row];
    };
    let lead_lines = lines.iter().filter(|l| l.column == lead).count();
    if lead_lines < 2 || lines.len() > 200 || lines.iter().all(|l| l.column == lead) {
        return vec![row];
    }
    // The tightest spacing of lines within one cell: a gap wider than it is not a wrap.
    let mut tight = f32::INFINITY;
    for column in 0..row.cells.len() {
        let mut baselines: Vec<f32> = lines
            .iter()
            .filter(|l| l.column == column)
            .map(|l| l.baseline)
            .collect();
        baselines.sort_by(f32::total_cmp);
        for pair in baselines.windows(2) {
            tight = tight.min(pair[1] - pair[0]);
        }
    }
    lines.sort_by(|a, b| a.top.total_cmp(&b.top));
    let right_of = |column: usize| row.band.columns[column + 1];
    // Candidate cuts: where no line crosses, with the lines on either side (a line's box may
    // reach a little into the next: a scan's specks and broken rules read with its words).
    let mut cuts: Vec<f32> = Vec::new();
    let mut reach = f32::NEG_INFINITY;
    for i in 0..lines.len() {
        if i > 0 && lines[i].top > reach - 0.3 * lines[i].size {
            let (above, below) = lines.split_at(i);
            let last_above = above
                .iter()
                .map(|l| l.baseline)
                .fold(f32::NEG_INFINITY, f32::max);
            let first_below = below
                .iter()
                .map(|l| l.baseline)
                .fold(f32::INFINITY, f32::min);
            let size = lines[i].size.max(1.0);
            let loose = first_below - last_above > 1.3 * tight + 0.1 * size;
            let lead_below = below
                .iter()
                .filter(|l| l.column == lead)
                .min_by(|a, b| a.baseline.total_cmp(&b.baseline))
                .filter(|l| l.baseline - first_below < 0.3 * size);
            let lead_above = above
                .iter()
                .filter(|l| l.column == lead)
                .max_by(|a, b| a.baseline.total_cmp(&b.baseline));
            let chosen = match (lead_above, lead_below) {
                (Some(up), Some(down)) => {
                    let padding = (up.left - row.band.columns[lead]).clamp(0.5, 12.0);
                    let room = right_of(lead) - padding;
                    let first_word = down.first_word_right - down.left;
                    let early = up.right + 0.25 * down.size + first_word <= room + 0.5;
                    let level = below.iter().any(|l| {
                        l.column != lead && (l.baseline - down.baseline).abs() < 0.3 * size
                    });
                    early && level
                }
                _ => false,
            };
            if loose || chosen {
                cuts.push((reach.min(lines[i].top) + lines[i].top) / 2.0);
            }
        }
        reach = reach.max(lines[i].bottom);
    }
    if cuts.is_empty() {
        return vec![row];
    }
    // Keep the cuts that leave text in the first column and another on both sides.
    let full = |from: f32, to: f32| {
        let mut has = vec![false; row.cells.len()];
        for l in lines.iter().filter(|l| {
            let middle = (l.top + l.bottom) / 2.0;
            middle > from && middle <= to
        }) {
            has[l.column] = true;
        }
        has[lead] && has.iter().filter(|&&h| h).count() >= 2
    };
    let mut kept: Vec<f32> = Vec::new();
    for &cut in &cuts {
        let from = kept.last().copied().unwrap_or(f32::NEG_INFINITY);
        if full(from, cut) && full(cut, f32::INFINITY) {
            kept.push(cut);
        }
    }
    if kept.is_empty() {
        return vec![row];
    }
    let mut bounds = vec![row.band.top];
    bounds.extend(&kept);
    bounds.push(row.band.bottom);
    let mut out: Vec<TableRow> = bounds
        .windows(2)
        .map(|w| TableRow {
            band: Band {
                top: w[0],
                bottom: w[1],
                columns: row.band.columns.clone(),
            },
            cells: vec![Vec::new(); row.cells.len()],
        })
        .collect();
    for (column, members) in row.cells.iter().enumerate() {
        for &k in members {
            let middle = (pieces[k].bbox.y0 + pieces[k].bbox.y1) / 2.0;
            let at = kept.iter().filter(|&&c| middle > c).count();
            out[at].cells[column].push(k);
        }
    }
    out
}

/// A table drawn without lines: a block of lines starting at one x, set closer together than
/// the rows around them, beside a label to their left whose middle lies within the block (a
/// label at the top of its cell, or centred in it), is one answer. The label and the block
/// become one line of two cells; the pieces used are marked in `in_row` (`Some(usize::MAX)`).
fn borderless_cells(
    pieces: &[Piece],
    in_row: &mut [Option<usize>],
    page: u32,
) -> Vec<(f32, f32, Line)> {
    const USED: Option<usize> = Some(usize::MAX);
    let free: Vec<usize> = (0..pieces.len()).filter(|&k| in_row[k].is_none()).collect();
    // Columns: free pieces by where they start.
    let mut by_x = free.clone();
    by_x.sort_by(|&a, &b| {
        pieces[a]
            .bbox
            .x0
            .total_cmp(&pieces[b].bbox.x0)
            .then(pieces[a].baseline.total_cmp(&pieces[b].baseline))
    });
    let mut columns: Vec<Vec<usize>> = Vec::new();
    for k in by_x {
        match columns.last_mut() {
            Some(c) if (pieces[k].bbox.x0 - pieces[c[0]].bbox.x0).abs() <= 1.5 => c.push(k),
            _ => columns.push(vec![k]),
        }
    }
    let mut out = Vec::new();
    for mut column in columns {
        if column.len() < 2 {
            continue;
        }
        column.sort_by(|&a, &b| pieces[a].baseline.total_cmp(&pieces[b].baseline));
        let gaps: Vec<f32> = column
            .windows(2)
            .map(|w| pieces[w[1]].baseline - pieces[w[0]].baseline)
            .collect();
        let tightest = gaps.iter().copied().fold(f32::INFINITY, f32::min);
        // Blocks: lines no further apart than the tightest spacing of the column (a row's
        // padding puts more between rows than between the lines of one cell).
        let mut blocks: Vec<Vec<usize>> = vec![vec![column[0]]];
        for (i, gap) in gaps.iter().enumerate() {
            let size = pieces[column[i]].size;
            let tight = *gap <= 1.6 * size && *gap <= tightest + (0.12 * size).max(1.5);
            match blocks.last_mut() {
                Some(b) if tight => b.push(column[i + 1]),
                _ => blocks.push(vec![column[i + 1]]),
            }
        }
        for block in blocks {
            if block.len() < 2 || block.len() > 12 || block.iter().any(|&k| in_row[k].is_some()) {
                continue;
            }
            let first = &pieces[block[0]];
            let last = &pieces[block[block.len() - 1]];
            let (top, bottom) = (first.bbox.y0, last.bbox.y1);
            let x0 = first.bbox.x0;
            // A label: the nearest piece to the block's left on its own line, its middle within
            // the block; exactly one line of label, or a block of its own.
            let labels: Vec<usize> = (0..pieces.len())
                .filter(|&k| {
                    let p = &pieces[k];
                    let cy = p.bbox.center().1;
                    in_row[k].is_none()
                        && p.bbox.x1 <= x0 - 0.5 * p.size
                        && cy > top
                        && cy < bottom
                        && !pieces.iter().any(|q| {
                            q.line == p.line && q.bbox.x0 > p.bbox.x1 && q.bbox.x1 <= x0 - 0.5
                        })
                })
                .collect();
            let Some(&label) = labels.first() else {
                continue;
            };
            let same_column = labels
                .iter()
                .all(|&k| (pieces[k].bbox.x0 - pieces[label].bbox.x0).abs() <= 1.5);
            if !same_column || labels.len() > 3 {
                continue;
            }
            // Every other line of the block holds nothing to its left.
            let crowded = block.iter().any(|&b| {
                pieces.iter().enumerate().any(|(k, q)| {
                    q.line == pieces[b].line && q.bbox.x1 <= x0 && !labels.contains(&k)
                })
            });
            if crowded {
                continue;
            }
            let right = block
                .iter()
                .map(|&k| pieces[k].bbox.x1)
                .fold(f32::NEG_INFINITY, f32::max);
            let left = labels
                .iter()
                .map(|&k| pieces[k].bbox.x1)
                .fold(f32::NEG_INFINITY, f32::max);
            let (label_text, label_box) = cell_text(pieces, &labels, left - 1.0, left + 1.0);
            let (answer, answer_box) = cell_text(pieces, &block, x0 - 0.5, right + 0.5);
            let (Some(label_box), Some(answer_box)) = (label_box, answer_box) else {
                continue;
            };
            for &k in labels.iter().chain(&block) {
                in_row[k] = USED;
            }
            let line = Line {
                cells: vec![label_text, answer],
                places: vec![label_box.place(page), answer_box.place(page)],
            };
            out.push((top.min(label_box.y0), label_box.x0, line));
        }
    }
    out
}

/// The lines of one text box placed on the page (a layer other than the page's own), left
/// aligned and set close together, are one answer: joined into the box's first line, the others
/// marked used in `in_row`. A line of the box that sits beside a label of its own (one box typed
/// over several answers) is left alone.
fn join_text_boxes(pieces: &mut [Piece], in_row: &mut [Option<usize>]) {
    const USED: Option<usize> = Some(usize::MAX);
    let mut added: Vec<usize> = (0..pieces.len())
        .filter(|&k| in_row[k].is_none() && pieces[k].layer != 0)
        .collect();
    if added.len() < 2 {
        return;
    }
    added.sort_by(|&a, &b| {
        pieces[a]
            .layer
            .cmp(&pieces[b].layer)
            .then(pieces[a].baseline.total_cmp(&pieces[b].baseline))
    });
    let beside_label = |k: usize, pieces: &[Piece], in_row: &[Option<usize>]| {
        pieces.iter().enumerate().any(|(j, q)| {
            in_row[j].is_none()
                && q.line == pieces[k].line
                && q.bbox.x1 <= pieces[k].bbox.x0
                && q.layer != pieces[k].layer
        })
    };
    let mut start = 0;
    while start < added.len() {
        let head = added[start];
        let mut end = start + 1;
        while end < added.len() && end - start < 8 {
            let (prev, next) = (&pieces[added[end - 1]], &pieces[added[end]]);
            let joins = next.layer == prev.layer
                && next.line != prev.line
                && next.baseline - prev.baseline <= 1.6 * prev.size.max(next.size)
                && (next.bbox.x0 - pieces[head].bbox.x0).abs() <= 2.0
                && !beside_label(added[end], pieces, in_row);
            if !joins {
                break;
            }
            end += 1;
        }
        if end - start >= 2 {
            let mut text = pieces[head].text.clone();
            let mut bbox = pieces[head].bbox;
            for &k in &added[start + 1..end] {
                text.push_str(wrap_separator(&text, &pieces[k].text, true));
                text.push_str(&pieces[k].text);
                bbox = bbox.union(&pieces[k].bbox);
                in_row[k] = USED;
            }
            pieces[head].text = text;
            pieces[head].bbox = bbox;
        }
        start = end;
    }
}
