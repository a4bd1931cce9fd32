//! Positioned glyphs of one page in → printed lines out, top to bottom, each split into cells
//! where a wide gap separates its text (as table columns and tab stops do).

use super::content::{PageGlyph, Rule};

/// A gap wider than this many ems between two glyphs is a word space.
const SPACE_GAP_EM: f32 = 0.15;
/// A gap wider than this many ems starts a new cell.
const CELL_GAP_EM: f32 = 2.0;
/// Glyphs whose baselines differ by less than this many ems are on one line.
const BASELINE_TOLERANCE_EM: f32 = 0.4;

#[derive(Debug, Clone)]
pub struct LaidCell {
    pub x0: f32,
    pub x1: f32,
    pub text: String,
}

#[derive(Debug, Clone)]
pub struct LaidLine {
    /// Baseline of the line's first glyph.
    pub y: f32,
    pub size: f32,
    pub cells: Vec<LaidCell>,
}

impl LaidLine {
    pub fn text(&self) -> String {
        self.cells
            .iter()
            .map(|c| c.text.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// Groups glyphs into lines by baseline and splits each line into cells, at wide gaps and at
/// vertical rules (table borders) between glyphs.
pub fn lay_out(glyphs: &[PageGlyph], rules: &[Rule]) -> Vec<LaidLine> {
    let mut order: Vec<&PageGlyph> = glyphs.iter().filter(|g| g.size > 0.0).collect();
    // Top to bottom, then left to right.
    order.sort_by(|a, b| b.y.total_cmp(&a.y).then(a.x0.total_cmp(&b.x0)));

    let mut rows: Vec<(f32, f32, Vec<&PageGlyph>)> = Vec::new();
    for glyph in order {
        match rows.last_mut() {
            Some((y, size, members))
                if (*y - glyph.y).abs()
                    <= BASELINE_TOLERANCE_EM * size.max(glyph.size).max(1.0) =>
            {
                members.push(glyph);
                // Text glyphs set the line's size; spaces are often in another font.
                if !glyph.is_space() && glyph.size > *size {
                    *size = glyph.size;
                }
            }
            _ => rows.push((
                glyph.y,
                if glyph.is_space() { 0.0 } else { glyph.size },
                vec![glyph],
            )),
        }
    }

    let mut lines = Vec::new();
    for (y, size, mut members) in rows {
        members.sort_by(|a, b| a.x0.total_cmp(&b.x0));
        let line_rules: Vec<f32> = rules
            .iter()
            .filter(|r| r.y0 - 1.0 <= y && y <= r.y1 + 1.0)
            .map(|r| r.x)
            .collect();
        let cells = split_cells(&members, &line_rules);
        if !cells.is_empty() {
            lines.push(LaidLine { y, size, cells });
        }
    }
    lines
}

fn split_cells(members: &[&PageGlyph], rules: &[f32]) -> Vec<LaidCell> {
    let mut cells: Vec<LaidCell> = Vec::new();
    let mut prev: Option<&PageGlyph> = None;
    let mut space_between = false;
    for glyph in members {
        if glyph.is_space() {
            space_between = true;
            continue;
        }
        match prev {
            Some(p) => {
                // Text drawn twice over itself (fake bold, shadows) counts once.
                if p.text == glyph.text && (glyph.x0 - p.x0).abs() < 0.15 * glyph.size.max(p.size) {
                    space_between = false;
                    continue;
                }
                let em = (p.size + glyph.size) / 2.0;
                let gap = glyph.x0 - p.x1;
                let widget_mark = |g: &PageGlyph| g.group != 0 && is_mark(&g.text);
                let group_break = p.group != glyph.group && !widget_mark(p) && !widget_mark(glyph);
                // A tick drawn inside a ruled box stays with the statement beside it.
                let lone_mark = cells.last().is_some_and(|c| is_mark(c.text.trim()));
                let ruled = !lone_mark
                    && rules
                        .iter()
                        .any(|x| *x >= p.x1 - 0.5 && *x <= glyph.x0 + 0.5);
                let new_cell = group_break || ruled || gap > CELL_GAP_EM * em;
                if new_cell {
                    cells.push(LaidCell {
                        x0: glyph.x0,
                        x1: glyph.x1,
                        text: String::new(),
                    });
                } else if (space_between || gap > SPACE_GAP_EM * em)
                    && let Some(cell) = cells.last_mut()
                {
                    cell.text.push(' ');
                }
            }
            None => cells.push(LaidCell {
                x0: glyph.x0,
                x1: glyph.x1,
                text: String::new(),
            }),
        }
        if let Some(cell) = cells.last_mut() {
            cell.text.push_str(&glyph.text);
            cell.x1 = cell.x1.max(glyph.x1);
        }
        space_between = false;
        prev = Some(glyph);
    }
    for cell in &mut cells {
        cell.text = cell.text.split_whitespace().collect::<Vec<_>>().join(" ");
    }
    cells.retain(|c| !c.text.is_empty());
    cells
}

/// A tick mark written for a check box: it stays in the cell of the label beside it.
fn is_mark(text: &str) -> bool {
    let mut chars = text.chars();
    matches!(
        (chars.next(), chars.next()),
        (
            Some(crate::extract::TICKED | crate::extract::UNTICKED),
            None
        )
    )
}

/// The page text printed nearest a field's rectangle `[x0, y0, x1, y1]`: on the same line to
/// its left (to its right first for a check box, whose label usually follows it), else on the
/// line just above.
pub fn nearby_text(lines: &[LaidLine], rect: [f32; 4], label_right_first: bool) -> String {
    let [x0, y0, x1, y1] = rect;
    let height = (y1 - y0).max(1.0);
    let mid = (y0 + y1) / 2.0;
    // Lines whose baseline sits within the rectangle's height (with some slack).
    let same_line: Vec<&LaidLine> = lines
        .iter()
        .filter(|l| {
            l.y >= y0 - 0.5 * height.min(l.size.max(4.0)) && l.y <= y1 + 0.25 * l.size.max(4.0)
        })
        .collect();
    let nearest_line = |pick: &dyn Fn(&LaidLine) -> Option<(f32, String)>| -> Option<String> {
        same_line
            .iter()
            .filter_map(|l| pick(l).map(|(dx, t)| (dx + (l.y - mid).abs(), t)))
            .min_by(|a, b| a.0.total_cmp(&b.0))
            .map(|(_, t)| t)
    };
    let left = || {
        nearest_line(&|l: &LaidLine| {
            l.cells
                .iter()
                .filter(|c| c.x1 <= x0 + 2.0 && x0 - c.x1 < 400.0)
                .map(|c| (x0 - c.x1, c.text.clone()))
                .min_by(|a, b| a.0.total_cmp(&b.0))
        })
    };
    let right = || {
        nearest_line(&|l: &LaidLine| {
            l.cells
                .iter()
                .filter(|c| c.x0 >= x1 - 2.0 && c.x0 - x1 < 3.0 * height.max(12.0))
                .map(|c| (c.x0 - x1, c.text.clone()))
                .min_by(|a, b| a.0.total_cmp(&b.0))
        })
    };
    let found = if label_right_first {
        right().or_else(left)
    } else {
        left().or_else(right)
    };
    if let Some(text) = found {
        return text;
    }
    // The line just above: the lowest baseline above the rectangle, not far off.
    let above = lines
        .iter()
        .filter(|l| l.y > y1 - 0.25 * l.size.max(4.0) && l.y - y1 < 3.0 * height.max(12.0))
        .min_by(|a, b| a.y.total_cmp(&b.y));
    if let Some(line) = above {
        let overlapping = line
            .cells
            .iter()
            .filter(|c| c.x1 >= x0 - 20.0 && c.x0 <= x1)
            .min_by(|a, b| (a.x0 - x0).abs().total_cmp(&(b.x0 - x0).abs()))
            .map(|c| c.text.clone());
        return overlapping.unwrap_or_else(|| line.text());
    }
    String::new()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn word(text: &str, x: f32, y: f32, size: f32) -> Vec<PageGlyph> {
        let mut out = Vec::new();
        let mut x = x;
        for c in text.chars() {
            let w = size * 0.5;
            out.push(PageGlyph {
                x0: x,
                x1: x + w,
                y,
                size,
                text: c.into(),
                group: 0,
            });
            x += w;
        }
        out
    }

    #[test]
    fn lines_words_and_cells() {
        let mut glyphs = word("Jane", 200.0, 700.4, 10.0);
        glyphs.extend(word("Full", 72.0, 700.0, 10.0));
        glyphs.extend(word("name", 72.0 + 20.0 + 2.5, 700.0, 10.0));
        glyphs.extend(word("Citizen", 200.0 + 20.0 + 2.0, 700.0, 10.0));
        glyphs.extend(word("Second", 72.0, 686.0, 10.0));
        let lines = lay_out(&glyphs, &[]);
        assert_eq!(lines.len(), 2);
        let cells: Vec<&str> = lines[0].cells.iter().map(|c| c.text.as_str()).collect();
        assert_eq!(cells, ["Full name", "Jane Citizen"]);
        assert_eq!(lines[1].cells[0].text, "Second");
    }

    #[test]
    fn table_rules_split_cells_at_narrow_gaps() {
        let mut glyphs = word("Contact email", 72.0, 700.0, 10.0);
        // One em after the label: too narrow for a gap split, but a border runs between.
        glyphs.extend(word("jane@example.org", 72.0 + 65.0 + 10.0, 700.0, 10.0));
        let rule = Rule {
            x: 72.0 + 65.0 + 5.0,
            y0: 690.0,
            y1: 715.0,
        };
        let text = |lines: &[LaidLine]| -> Vec<String> {
            lines[0].cells.iter().map(|c| c.text.clone()).collect()
        };
        assert_eq!(
            text(&lay_out(&glyphs, &[])),
            ["Contact email jane@example.org"]
        );
        assert_eq!(
            text(&lay_out(&glyphs, &[rule])),
            ["Contact email", "jane@example.org"]
        );
        // A rule that does not reach the baseline does not split.
        let short = Rule {
            y0: 720.0,
            y1: 740.0,
            ..rule
        };
        assert_eq!(
            text(&lay_out(&glyphs, &[short])),
            ["Contact email jane@example.org"]
        );
    }

    #[test]
    fn fake_bold_counts_once() {
        let mut glyphs = word("Bold", 72.0, 700.0, 10.0);
        glyphs.extend(word("Bold", 72.3, 700.0, 10.0));
        assert_eq!(lay_out(&glyphs, &[])[0].cells[0].text, "Bold");
    }

    #[test]
    fn nearby_prefers_left_then_above() {
        let mut glyphs = word("Organisation", 72.0, 700.0, 10.0);
        glyphs.extend(word("Email", 72.0, 650.0, 10.0));
        let lines = lay_out(&glyphs, &[]);
        assert_eq!(
            nearby_text(&lines, [200.0, 696.0, 400.0, 712.0], false),
            "Organisation"
        );
        assert_eq!(
            nearby_text(&lines, [72.0, 620.0, 300.0, 640.0], false),
            "Email"
        );
    }
}
