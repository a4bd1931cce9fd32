//! A page's laid-out lines and a form field's rectangle in → the printed text nearest the field
//! out (its label): on the same line to its left (to its right first for a check box, whose
//! label usually follows it), else on the line just above.

use super::Rect;
use crate::extract::{Line, Place};

fn rect_of(p: &Place) -> Rect {
    Rect::new(p.x0, p.y0, p.x1, p.y1)
}

/// The printed text nearest `field` on page `page` (see the module doc); empty when there is
/// none close by.
pub fn nearby_text(lines: &[Line], page: u32, field: Rect, label_right_first: bool) -> String {
    let height = field.height().max(1.0);
    let mid = (field.y0 + field.y1) / 2.0;
    let cells = || {
        lines.iter().flat_map(|l| {
            l.cells
                .iter()
                .zip(&l.places)
                .filter(|(t, p)| p.page == page && !t.trim().is_empty())
                .map(|(t, p)| (t, rect_of(p)))
        })
    };
    // Cells beside the field: their middle within its height (with some slack).
    let beside = |r: &Rect| {
        let cy = r.center().1;
        let slack = 0.5 * height.min(r.height().max(4.0));
        cy >= field.y0 - slack && cy <= field.y1 + slack
    };
    let nearest = |pick: &dyn Fn(&Rect) -> Option<f32>| -> Option<String> {
        cells()
            .filter(|(_, r)| beside(r))
            .filter_map(|(t, r)| pick(&r).map(|dx| (dx + (r.center().1 - mid).abs(), t)))
            .min_by(|a, b| a.0.total_cmp(&b.0))
            .map(|(_, t)| t.clone())
    };
    let left = || {
        nearest(&|r: &Rect| {
            (r.x1 <= field.x0 + 2.0 && field.x0 - r.x1 < 400.0).then_some(field.x0 - r.x1)
        })
    };
    let right = || {
        nearest(&|r: &Rect| {
            (r.x0 >= field.x1 - 2.0 && r.x0 - field.x1 < 3.0 * height.max(12.0))
                .then_some(r.x0 - field.x1)
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
    // The line just above: the lowest one ending above the field, not far off.
    let above = lines
        .iter()
        .filter_map(|l| {
            let bottom = l
                .places
                .iter()
                .filter(|p| p.page == page)
                .map(|p| p.y1)
                .fold(f32::NEG_INFINITY, f32::max);
            let size = l
                .places
                .first()
                .map(|p| p.y1 - p.y0)
                .unwrap_or(10.0)
                .max(4.0);
            (bottom.is_finite()
                && bottom <= field.y0 + 0.25 * size
                && field.y0 - bottom < 3.0 * height.max(12.0))
            .then_some((bottom, l))
        })
        .max_by(|a, b| a.0.total_cmp(&b.0));
    if let Some((_, line)) = above {
        let overlapping = line
            .cells
            .iter()
            .zip(&line.places)
            .filter(|(_, p)| p.x1 >= field.x0 - 20.0 && p.x0 <= field.x1)
            .min_by(|a, b| {
                (a.1.x0 - field.x0)
                    .abs()
                    .total_cmp(&(b.1.x0 - field.x0).abs())
            })
            .map(|(t, _)| t.clone());
        return overlapping.unwrap_or_else(|| line.cells.join(" "));
    }
    String::new()
}

/// The baseline of the printed label a one-line field sits beside: the nearest cell ending to
/// its left whose middle lies within the field's height. A value written into the field reads
/// as on that line (a box is often taller than the label, and its text centred in it).
pub fn label_baseline(lines: &[Line], page: u32, field: Rect) -> Option<f32> {
    let height = field.height().max(1.0);
    lines
        .iter()
        .flat_map(|l| l.places.iter())
        .filter(|p| p.page == page)
        .map(rect_of)
        .filter(|r| {
            let cy = r.center().1;
            r.x1 <= field.x0 + 2.0
                && field.x0 - r.x1 < 200.0
                && cy >= field.y0
                && cy <= field.y1
                && r.height() <= 1.5 * height
        })
        .min_by(|a, b| (field.x0 - a.x1).total_cmp(&(field.x0 - b.x1)))
        // A cell's box runs from its text's ascent to its descent: 0.8 and 0.2 of its size.
        .map(|r| r.y1 - 0.2 * r.height())
}
