//! A page's text runs in → lines (runs sharing a baseline) → pieces out: the text of a line
//! between ruling lines, wide gaps and changes of layer, with the words spaced as drawn. Blanks
//! (`____`, dot leaders) that text was written over leave the text; blanks left empty stay.

use super::{Rect, Rule, TextRun};

/// A gap wider than this many ems between two runs is a word space.
const SPACE_GAP_EM: f32 = 0.15;
/// A gap wider than this many ems starts a new piece (table columns, tab stops).
const PIECE_GAP_EM: f32 = 2.0;
/// Runs whose baselines differ by less than this many ems are on one line.
const BASELINE_TOLERANCE_EM: f32 = 0.4;

/// Runs on one baseline, left to right (indices into the page's runs).
#[derive(Debug, Clone, Default)]
pub(super) struct LineGroup {
    pub baseline: f32,
    /// The size of the line's text (spaces, often in another font, aside).
    pub size: f32,
    pub runs: Vec<usize>,
}

/// Groups runs into lines by baseline, top to bottom, each line's runs left to right.
pub(super) fn cluster(runs: &[TextRun]) -> Vec<LineGroup> {
    let mut order: Vec<usize> = (0..runs.len()).collect();
    order.sort_by(|&a, &b| {
        runs[a]
            .baseline
            .total_cmp(&runs[b].baseline)
            .then(runs[a].bbox.x0.total_cmp(&runs[b].bbox.x0))
    });
    let mut lines: Vec<LineGroup> = Vec::new();
    for i in order {
        let run = &runs[i];
        match lines.last_mut() {
            Some(line)
                if (run.baseline - line.baseline).abs()
                    <= BASELINE_TOLERANCE_EM * line.size.max(run.size).max(1.0) =>
            {
                line.runs.push(i);
                if !run.is_space() && run.size > line.size {
                    line.size = run.size;
                }
            }
            _ => lines.push(LineGroup {
                baseline: run.baseline,
                size: if run.is_space() { 0.0 } else { run.size },
                runs: vec![i],
            }),
        }
    }
    for line in &mut lines {
        sort_by_x(runs, &mut line.runs);
        if line.size <= 0.0 {
            line.size = line.runs.iter().map(|&i| runs[i].size).fold(1.0, f32::max);
        }
    }
    lines
}

pub(super) fn sort_by_x(runs: &[TextRun], indices: &mut [usize]) {
    indices.sort_by(|&a, &b| runs[a].bbox.x0.total_cmp(&runs[b].bbox.x0));
}

/// A line's text between two separations, with its words spaced.
#[derive(Debug, Clone)]
pub(super) struct Piece {
    pub text: String,
    pub bbox: Rect,
    pub baseline: f32,
    pub size: f32,
    /// Where the first word ends (to tell whether it would have fitted on the line above).
    pub first_word_x1: f32,
    /// The line it belongs to (index into the laid-out lines).
    pub line: usize,
    /// The layer of its text (see `TextRun::layer`; a box's mark does not count).
    pub layer: u32,
}

/// A blank to write on: a run of underscores, or of dots as in a leader.
fn is_blank_char(text: &str) -> bool {
    !text.is_empty() && (text.chars().all(|c| c == '_' || c == '＿'))
}

fn is_leader_dot(text: &str) -> bool {
    !text.is_empty() && text.chars().all(|c| c == '.' || c == '…')
}

/// The runs of a line that are blanks written over: stretches of underscores (or four or more
/// leader dots) drawn one after another, over whose span some other text of the line sits.
fn written_over_blanks(runs: &[TextRun], line: &[usize]) -> Vec<usize> {
    // Stretches in drawing order (the order runs were pushed): a blank is drawn in one go.
    let mut in_line: Vec<usize> = line.to_vec();
    in_line.sort_unstable();
    let mut stretches: Vec<(Vec<usize>, bool)> = Vec::new();
    for &i in &in_line {
        let text = &runs[i].text;
        let (blank, dot) = (is_blank_char(text), is_leader_dot(text));
        if !(blank || dot) {
            continue;
        }
        match stretches.last_mut() {
            Some((members, was_dot))
                if *was_dot == dot
                    && members.last().is_some_and(|&last| {
                        last + 1 == i || (last < i && (last + 1..i).all(|k| runs[k].is_space()))
                    }) =>
            {
                members.push(i);
            }
            _ => stretches.push((vec![i], dot)),
        }
    }
    let mut gone = Vec::new();
    for (members, dot) in stretches {
        let chars: usize = members.iter().map(|&i| runs[i].text.chars().count()).sum();
        if chars < if dot { 4 } else { 2 } {
            continue;
        }
        let x0 = members
            .iter()
            .map(|&i| runs[i].bbox.x0)
            .fold(f32::INFINITY, f32::min);
        let x1 = members
            .iter()
            .map(|&i| runs[i].bbox.x1)
            .fold(f32::NEG_INFINITY, f32::max);
        let written = line.iter().any(|&k| {
            let r = &runs[k];
            let cx = (r.bbox.x0 + r.bbox.x1) / 2.0;
            !r.is_space()
                && !is_blank_char(&r.text)
                && !is_leader_dot(&r.text)
                && !matches!(r.text.as_str(), "[" | "]" | "(" | ")" | "|")
                && cx > x0
                && cx < x1
        });
        if written {
            gone.extend(members);
        }
    }
    gone
}

/// Text typed a little above a blank (less than a line's height: written on it, not a line of
/// its own) joins the blank's line, so that it reads as written over it.
pub(super) fn settle_on_blanks(runs: &[TextRun], lines: &mut [LineGroup]) {
    for k in 1..lines.len() {
        let (above, below) = lines.split_at_mut(k);
        let (prev, line) = (&mut above[k - 1], &mut below[0]);
        let gap = line.baseline - prev.baseline;
        if gap <= 0.0 || gap > 0.75 * line.size.max(prev.size) {
            continue;
        }
        let blanks: Vec<(f32, f32)> = line
            .runs
            .iter()
            .filter(|&&i| is_blank_char(&runs[i].text) && runs[i].text.chars().count() >= 1)
            .map(|&i| (runs[i].bbox.x0, runs[i].bbox.x1))
            .collect();
        if blanks.len() < 2 {
            continue;
        }
        let over_blank = |r: &TextRun| {
            let cx = (r.bbox.x0 + r.bbox.x1) / 2.0;
            blanks
                .iter()
                .any(|&(a, b)| cx >= a - 0.5 * r.size && cx <= b + 0.5 * r.size)
        };
        let (moved, kept): (Vec<usize>, Vec<usize>) =
            prev.runs.iter().partition(|&&i| over_blank(&runs[i]));
        if moved.iter().all(|&i| runs[i].is_space()) {
            continue;
        }
        prev.runs = kept;
        line.runs.extend(moved);
        sort_by_x(runs, &mut line.runs);
    }
}

/// Splits every line into pieces: at vertical ruling lines crossing it, at gaps wider than
/// two ems, and where text added on top of the page meets the page's own (a tick box's mark
/// stays with the statement beside it either way).
pub(super) fn pieces(runs: &[TextRun], lines: &[LineGroup], rules: &[Rule]) -> Vec<Piece> {
    let verticals: Vec<&Rule> = rules.iter().filter(|r| r.is_vertical()).collect();
    let mut out = Vec::new();
    for (line_index, line) in lines.iter().enumerate() {
        let mut gone = written_over_blanks(runs, &line.runs);
        gone.sort_unstable();
        let members: Vec<&TextRun> = line
            .runs
            .iter()
            .filter(|i| gone.binary_search(i).is_err())
            .map(|&i| &runs[i])
            .collect();
        let y = line.baseline;
        let line_rules: Vec<f32> = verticals
            .iter()
            .filter(|r| r.y0 - 1.0 <= y && y <= r.y1 + 1.0)
            .map(|r| r.x0)
            .collect();
        split_line(&members, &line_rules, line, line_index, &mut out);
    }
    out
}

fn split_line(
    members: &[&TextRun],
    rules: &[f32],
    line: &LineGroup,
    line_index: usize,
    out: &mut Vec<Piece>,
) {
    let start = out.len();
    let mut prev: Option<&TextRun> = None;
    let mut space_between = false;
    let mut word_ended = false;
    for &run in members {
        if run.is_space() {
            space_between = true;
            continue;
        }
        let mut new_piece = prev.is_none();
        if let Some(p) = prev {
            // Text drawn twice over itself (fake bold, shadows) counts once.
            if p.text == run.text && (run.bbox.x0 - p.bbox.x0).abs() < 0.15 * run.size.max(p.size) {
                space_between = false;
                continue;
            }
            let em = (p.size + run.size) / 2.0;
            let gap = run.bbox.x0 - p.bbox.x1;
            let layer_break =
                p.layer != run.layer && !is_box_mark(&p.text) && !is_box_mark(&run.text);
            // A tick box drawn inside a ruled cell stays with the statement beside it.
            let lone_mark = out.len() > start
                && out
                    .last()
                    .is_some_and(|c: &Piece| is_box_mark(c.text.trim()));
            // A border between two cells leaves a gap (the cells' padding) on both sides;
            // text that runs on over a border (typed past its cell) touches across it.
            let ruled = !lone_mark
                && gap > 0.08 * em
                && rules
                    .iter()
                    .any(|x| *x >= p.bbox.x1 - 0.5 && *x <= run.bbox.x0 + 0.5);
            new_piece = layer_break || ruled || gap > PIECE_GAP_EM * em;
            if !new_piece
                && (space_between || gap > SPACE_GAP_EM * em)
                && let Some(piece) = out.last_mut()
            {
                piece.text.push(' ');
                word_ended = true;
            }
        }
        if new_piece {
            out.push(Piece {
                text: String::new(),
                bbox: run.bbox,
                baseline: line.baseline,
                size: line.size,
                first_word_x1: run.bbox.x1,
                line: line_index,
                layer: run.layer,
            });
            word_ended = false;
        }
        if let Some(piece) = out.last_mut() {
            if is_box_mark(&piece.text) && !is_box_mark(&run.text) {
                piece.layer = run.layer;
            }
            piece.text.push_str(&run.text);
            piece.bbox = piece.bbox.union(&run.bbox);
            if !word_ended {
                piece.first_word_x1 = piece.first_word_x1.max(run.bbox.x1);
            }
        }
        space_between = false;
        prev = Some(run);
    }
    let mut k = start;
    while k < out.len() {
        let text = out[k].text.split_whitespace().collect::<Vec<_>>().join(" ");
        if text.is_empty() {
            out.remove(k);
        } else {
            out[k].text = text;
            k += 1;
        }
    }
}

/// A tick box as written into the text (☒ / ☐): it stays in the piece of the statement beside it.
pub(super) fn is_box_mark(text: &str) -> bool {
    let mut chars = text.chars();
    matches!(
        (chars.next(), chars.next()),
        (
            Some(crate::extract::TICKED | crate::extract::UNTICKED),
            None
        )
    )
}
