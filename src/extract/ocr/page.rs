//! One recognised page in (Tesseract's words, the ruling lines and tick boxes found in the ink,
//! in pixels) → the page in points (1/72 inch from the top-left corner, y down), cleaned of
//! what OCR makes of lines and boxes; then → the page described to `extract::layout`, which
//! lays it out as lines and cells like a PDF page.
//!
//! Cleaning: a word that sits in a tick box is OCR's reading of the box or its mark (`[]`,
//! `¥`, `O`) and leaves, the box speaks for itself; a word made only of strokes (`|`, `_`, `—`)
//! lying on a ruling line is the line. A lone `|` or `l` before a word is the pronoun "I" (the
//! form's statements start "I have read", "I agree").

use super::marks::{Drawn, PixelRect, sides_ringed};
use super::prepare::{InkMap, Prepared};
use super::tesseract::Word;
use crate::extract::Line;

/// A rectangle in points.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct PtRect {
    pub x0: f32,
    pub y0: f32,
    pub x1: f32,
    pub y1: f32,
}

impl PtRect {
    fn height(&self) -> f32 {
        self.y1 - self.y0
    }
}

#[derive(Debug, Clone)]
pub(crate) struct PageWord {
    pub text: String,
    pub rect: PtRect,
    /// Tesseract's text line, page-wide.
    pub line: u32,
}

#[derive(Debug, Clone)]
pub(crate) struct PageBox {
    pub rect: PtRect,
    pub ticked: bool,
    /// The ink that ticks it.
    pub mark: Option<PtRect>,
}

#[derive(Debug, Clone)]
pub(crate) struct PageRule {
    pub rect: PtRect,
    pub horizontal: bool,
}

/// A page as OCR read it, in points.
#[derive(Debug, Clone)]
pub(crate) struct OcrPage {
    pub number: u32,
    pub width: f32,
    pub height: f32,
    pub words: Vec<PageWord>,
    pub rules: Vec<PageRule>,
    pub boxes: Vec<PageBox>,
}

impl OcrPage {
    /// `loose`: the page's loose marks (`loose_marks`) that are not characters; `characters`:
    /// those that are (read on their own).
    pub(crate) fn new(
        number: u32,
        prepared: &Prepared,
        words: Vec<Word>,
        drawn: Drawn,
        loose: &[PixelRect],
        characters: &[super::Character],
        seen_alone: &[PixelRect],
    ) -> OcrPage {
        let scale = 72.0 / prepared.dpi;
        let pt = |r: &PixelRect| PtRect {
            x0: r.x0 as f32 * scale,
            y0: r.y0 as f32 * scale,
            x1: r.x1 as f32 * scale,
            y1: r.y1 as f32 * scale,
        };
        let line_heights = line_text_heights(&words, scale);
        let word_rects = word_rects(&words, scale, &line_heights);
        let boxes: Vec<PageBox> = drawn
            .boxes
            .iter()
            .map(|b| (b, pt(&b.rect)))
            .filter(
                |(b, rect)| match box_reading(b, rect, &word_rects, &prepared.ink) {
                    BoxReading::Box => true,
                    BoxReading::Letter => false,
                    BoxReading::LetterUnlessAlone => seen_alone.contains(&b.rect),
                },
            )
            .map(|(b, rect)| PageBox {
                rect,
                ticked: b.mark.is_some(),
                mark: b.mark.as_ref().map(pt),
            })
            .collect();
        let rules: Vec<PageRule> = drawn
            .rules
            .iter()
            .map(|r| PageRule {
                rect: pt(&r.rect),
                horizontal: r.horizontal,
            })
            .collect();
        // Marks standing alone that OCR did not read, or read as a stray letter or two.
        let loose_pt: Vec<PtRect> = loose
            .iter()
            .map(pt)
            .filter(|m| !inside_a_sentence(m, &word_rects))
            .collect();
        let mut kept: Vec<PageWord> = Vec::with_capacity(words.len() + loose.len());
        for (w, &(rect, _, _)) in words.iter().zip(&word_rects) {
            // A speck of dust OCR read as `-` or `.` beside a word would start its line.
            let speck = w.text.chars().all(is_speck_char)
                && rect.x1 - rect.x0 <= SPECK_MAX_PT
                && rect.height() <= SPECK_MAX_PT;
            if speck
                || boxes.iter().any(|b| in_box(&rect, &b.rect))
                || (mark_like(&w.text) && loose_pt.iter().any(|m| overlap(m, &rect) > 0.0))
            {
                continue;
            }
            // A box OCR ran into the word beside it ("XI have read"): the word's letters over
            // the box are OCR's reading of the box and leave.
            let mut rect = rect;
            let mut text = w.text.clone();
            let line_height = line_heights.get(&w.line).copied();
            for b in &boxes {
                if let Some((trimmed, r)) = trim_box_reading(&text, &rect, b, line_height) {
                    text = trimmed;
                    rect = r;
                }
            }
            if text.is_empty() {
                continue;
            }
            let w = &Word { text, ..w.clone() };
            let strokes_only = w.text.chars().all(|c| "|_-—–=~¦!/\\[]".contains(c));
            if strokes_only && rules.iter().any(|r| on_rule(&rect, r)) {
                continue;
            }
            if bracket_like(&w.text) && rules.iter().any(|r| at_a_blank_end(&rect, r)) {
                continue;
            }
            if w.confidence < READING_OF_A_LINE_CONFIDENCE
                && !answer_shaped(&w.text)
                && rules
                    .iter()
                    .any(|r| on_a_writing_line(&rect, r) && !a_table_border(r, &rules))
            {
                continue;
            }
            kept.push(PageWord {
                text: w.text.clone(),
                rect,
                line: w.line,
            });
        }
        let mut kept = joined_at_signs(kept);
        for w in &mut kept {
            if let Some(fixed) = address_dots(&w.text) {
                w.text = fixed;
            }
        }
        let first_line = words.iter().map(|w| w.line).max().unwrap_or(0) + 1;
        for (k, m) in loose_pt.iter().enumerate() {
            kept.push(PageWord {
                text: LOOSE_MARK.into(),
                rect: *m,
                line: first_line + k as u32,
            });
        }
        let first_line = first_line + loose_pt.len() as u32;
        for (k, c) in characters.iter().enumerate() {
            kept.push(PageWord {
                text: c.text.clone(),
                rect: pt(&c.rect),
                line: first_line + k as u32,
            });
        }
        // "|" or "l" standing alone before a word is "I".
        for i in 0..kept.len() {
            let next_is_word = kept.get(i + 1).is_some_and(|n| {
                n.line == kept[i].line && n.text.chars().next().is_some_and(char::is_lowercase)
            });
            if next_is_word && (kept[i].text == "|" || kept[i].text == "l") {
                kept[i].text = "I".into();
            }
        }
        OcrPage {
            number,
            width: prepared.ink.width as f32 * scale,
            height: prepared.ink.height as f32 * scale,
            words: kept,
            rules,
            boxes,
        }
    }
}

/// Each word OCR read, in points, with its text and the height of its line's text (the
/// median height of the line's words with letters: a word of x-height letters alone, "name",
/// is shorter than its line's text).
fn word_rects<'a>(
    words: &'a [Word],
    scale: f32,
    line_height: &std::collections::HashMap<u32, f32>,
) -> Vec<(PtRect, &'a str, f32)> {
    words
        .iter()
        .map(|w| {
            let rect = PtRect {
                x0: w.left as f32 * scale,
                y0: w.top as f32 * scale,
                x1: (w.left + w.width) as f32 * scale,
                y1: (w.top + w.height) as f32 * scale,
            };
            let text_height = line_height
                .get(&w.line)
                .copied()
                .unwrap_or(0.0)
                .max(rect.height());
            (rect, w.text.as_str(), text_height)
        })
        .collect()
}

/// Per line, the median height of its words with letters, in points.
fn line_text_heights(words: &[Word], scale: f32) -> std::collections::HashMap<u32, f32> {
    let mut heights: std::collections::HashMap<u32, Vec<u32>> = Default::default();
    for w in words {
        if w.text.chars().filter(|c| c.is_alphabetic()).count() >= 2 {
            heights.entry(w.line).or_default().push(w.height);
        }
    }
    heights
        .into_iter()
        .map(|(line, mut v)| {
            v.sort_unstable();
            (line, v[v.len() / 2] as f32 * scale)
        })
        .collect()
}

/// What a square `find` drew is, judged from the words OCR read around it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum BoxReading {
    Box,
    /// Part of a word's letters (an o, the B of "Bureau").
    Letter,
    /// A ticked box where a word starts, so shaped that it could be the word's capital (a pen
    /// tick overshooting its box and read into the statement as `giPartner`, `(VI have`): a
    /// box when Tesseract, shown its ink alone, reads no letter in it.
    LetterUnlessAlone,
}

fn box_reading(
    b: &super::marks::TickBox,
    rect: &PtRect,
    words: &[(PtRect, &str, f32)],
    ink: &InkMap,
) -> BoxReading {
    let side = rect.x1 - rect.x0;
    // A "word" hardly wider than the box is OCR's reading of a ticked box, its mark's
    // overshoot and at most a letter after it (`wi` for a pen tick and "I"), not a word the
    // box is a letter of.
    let reading_of_a_tick = |w: &PtRect, text: &str| {
        b.mark.is_some() && w.x1 - w.x0 <= 3.0 * side && text.chars().count() <= 3
    };
    let made_of_letters = words.iter().any(|(w, text, _)| {
        (inside_a_word(rect, w, text) && !reading_of_a_tick(w, text))
            || (b.bracket && holds_text(rect, w, text))
    }) || between_words(rect, words)
        || a_capital_mid_line(rect, words);
    if made_of_letters {
        return BoxReading::Letter;
    }
    let like_a_letter = words
        .iter()
        .any(|(w, text, text_height)| !b.bracket && a_letter(rect, w, text, *text_height))
        || a_capital_glued_to_its_word(&b.rect, rect, words, ink);
    // Where a word starts: a box OCR ran into the statement after it (one at a word's end
    // is the bowl of a d, an o).
    let starts_a_word = words.iter().any(|(w, text, _)| {
        overlap(rect, w) >= 0.25 * area(rect)
            && (rect.x0 <= w.x0 + 0.25 * side || reading_of_a_tick(w, text))
    });
    let inside = words
        .iter()
        .any(|(w, text, _)| inside_a_word(rect, w, text));
    // Just outside a drawn box is paper on most sides (a tick crosses one or two).
    let gap = (b.rect.width().min(b.rect.height()) / 8).max(2) - 1;
    let stands_apart = sides_ringed(ink, &b.rect, gap) < 3;
    match (
        like_a_letter || inside,
        b.mark.is_some() && starts_a_word && stands_apart,
    ) {
        (false, _) => BoxReading::Box,
        (true, true) => BoxReading::LetterUnlessAlone,
        (true, false) => BoxReading::Letter,
    }
}

/// The ticked boxes the words around them leave in doubt (`BoxReading::LetterUnlessAlone`),
/// to be shown to Tesseract alone.
pub(crate) fn boxes_in_doubt(prepared: &Prepared, words: &[Word], drawn: &Drawn) -> Vec<PixelRect> {
    let scale = 72.0 / prepared.dpi;
    let word_rects = word_rects(words, scale, &line_text_heights(words, scale));
    drawn
        .boxes
        .iter()
        .filter(|b| {
            let rect = PtRect {
                x0: b.rect.x0 as f32 * scale,
                y0: b.rect.y0 as f32 * scale,
                x1: b.rect.x1 as f32 * scale,
                y1: b.rect.y1 as f32 * scale,
            };
            box_reading(b, &rect, &word_rects, &prepared.ink) == BoxReading::LetterUnlessAlone
        })
        .map(|b| b.rect)
        .collect()
}

/// Words OCR split at an `@` (a wide glyph it takes for a space), after the dot of an
/// address's first part (`tobias.` `lindqvist@ato.gov.au`, the dot's room taken for a space),
/// or after a dot of its domain read as a comma (`kowalczyk@agriculture,` `gov.au`), joined
/// again: an address has no space in it. A word a space after an address ending in a comma is
/// the sentence going on; a dot's room is much narrower than a space.
fn joined_at_signs(words: Vec<PageWord>) -> Vec<PageWord> {
    let mut out: Vec<PageWord> = Vec::with_capacity(words.len());
    for w in words {
        if let Some(prev) = out.last_mut() {
            let gap = w.rect.x0 - prev.rect.x1;
            let height = prev.rect.height().max(w.rect.height());
            let close = gap >= -1.0 && gap <= height;
            let at_sign = prev.text.ends_with('@') || w.text.starts_with('@');
            let after_a_dot = prev.text.ends_with('.')
                && !prev.text.contains('@')
                && prev.text.chars().filter(|c| c.is_alphanumeric()).count() >= 1
                && w.text.contains('@')
                && w.text.starts_with(|c: char| c.is_alphanumeric())
                && gap <= 0.4 * height;
            let domain_goes_on = prev.text.contains('@')
                && prev.text.ends_with([',', '.'])
                && !w.text.contains('@')
                && w.text.starts_with(|c: char| c.is_alphanumeric())
                && w.text
                    .chars()
                    .all(|c| c.is_alphanumeric() || c == '.' || c == '-')
                && gap <= 0.2 * height;
            if prev.line == w.line && close && (at_sign || after_a_dot || domain_goes_on) {
                if domain_goes_on {
                    prev.text.pop();
                    prev.text.push('.');
                }
                prev.text.push_str(&w.text);
                prev.rect.x1 = prev.rect.x1.max(w.rect.x1);
                prev.rect.y0 = prev.rect.y0.min(w.rect.y0);
                prev.rect.y1 = prev.rect.y1.max(w.rect.y1);
                continue;
            }
        }
        out.push(w);
    }
    out
}

/// An e-mail address with a comma between two letters or digits, read as a dot: OCR takes the
/// one for the other, and an address holds no comma (`kowalczyk@agriculture,gov.au`). A comma
/// at the address's end is the sentence's and stays.
fn address_dots(text: &str) -> Option<String> {
    if !text.contains('@') || !text.contains(',') {
        return None;
    }
    let chars: Vec<char> = text.chars().collect();
    let fixed: String = chars
        .iter()
        .enumerate()
        .map(|(i, &c)| {
            let between = i > 0
                && chars[i - 1].is_alphanumeric()
                && chars.get(i + 1).is_some_and(|n| n.is_alphanumeric());
            if c == ',' && between { '.' } else { c }
        })
        .collect();
    (fixed != text).then_some(fixed)
}

/// A box over the end of one word and the start of the next is made of their letters (the
/// bowl of an e and the stem of an r seen as a bracket pair); a box OCR ran into a word runs
/// into that word only.
fn between_words(b: &PtRect, words: &[(PtRect, &str, f32)]) -> bool {
    let touched = words
        .iter()
        .filter(|(w, text, _)| {
            text.chars().filter(|c| c.is_alphanumeric()).count() >= 2
                && overlap(b, w) >= 0.1 * area(b)
        })
        .count();
    touched >= 2
}

/// A square at the start of a word that follows another word on its line, a word space away,
/// is the word's capital (the bold B of "Reserve Bank"); a box OCR ran into a word has no word
/// just before it (it starts its line or stands after a statement), and one at a word's end
/// no word just after it. A "word" that lies mostly within the square is OCR's reading of the
/// box and its mark (a pen X overshooting its box read as `Rl`), not a word holding it.
fn a_capital_mid_line(b: &PtRect, words: &[(PtRect, &str, f32)]) -> bool {
    let side = b.x1 - b.x0;
    let on_line = |w: &PtRect| w.y0 < b.y1 && w.y1 > b.y0;
    words.iter().any(|(w, text, _)| {
        let glued = text.chars().filter(|c| c.is_alphanumeric()).count() >= 2
            && overlap(b, w) >= 0.25 * area(b)
            && w.x1 - w.x0 > 1.5 * side
            && !in_box(w, b);
        let at_start = b.x0 <= w.x0 + 0.25 * side;
        let at_end = b.x1 >= w.x1 - 0.25 * side;
        glued
            && words.iter().any(|(o, other, _)| {
                let letters = other.chars().any(char::is_alphanumeric);
                letters
                    && on_line(o)
                    && ((at_start && o.x1 <= w.x0 && w.x0 - o.x1 <= 1.5 * side)
                        || (at_end && o.x0 >= w.x1 && o.x0 - w.x1 <= 1.5 * side))
            })
    })
}

/// A square at the start of a word whose next letter follows it at a letter's spacing is the
/// word's capital (the B of "Bureau", the D of "Department" starting an answer's line): a box
/// stands a space or more before the words after it. `px` is the square in the ink map's pixels.
fn a_capital_glued_to_its_word(
    px: &PixelRect,
    b: &PtRect,
    words: &[(PtRect, &str, f32)],
    ink: &InkMap,
) -> bool {
    let in_a_word = words.iter().any(|(w, text, _)| {
        text.chars().filter(|c| c.is_alphabetic()).count() >= 3
            && overlap(b, w) >= 0.4 * area(b)
            && w.x1 - b.x1 >= (b.x1 - b.x0)
    });
    if !in_a_word || px.height() < 8 {
        return false;
    }
    // The middle of the square's height: below a pen tick's tail, above an underline.
    let (y0, y1) = (px.y0 + px.height() / 4, px.y1 - px.height() / 4);
    let reach = px.height() / 2;
    let first_ink = (px.x1..(px.x1 + reach).min(ink.width))
        .find(|&x| (y0..y1.min(ink.height)).any(|y| ink.at(x, y)));
    first_ink.is_some_and(|x| (x - px.x1) * 8 < px.height())
}

/// A mark with a word close on either side stands in a line of text: a letter OCR left out of
/// its word, not a tick (a tick stands before a statement, after it in a cell of its own, or
/// alone).
fn inside_a_sentence(m: &PtRect, words: &[(PtRect, &str, f32)]) -> bool {
    let reach = (m.x1 - m.x0).max(m.height());
    let near = |left: bool| {
        words.iter().any(|(w, _, _)| {
            let beside = w.y0 < m.y1 && w.y1 > m.y0;
            let gap = if left { m.x0 - w.x1 } else { w.x0 - m.x1 };
            beside && (-0.5 * reach..=reach).contains(&gap)
        })
    };
    near(true) && near(false)
}

/// What a mark standing alone is written as: a tick (an X typed alone ticks as well).
const LOOSE_MARK: &str = "✓";

/// What OCR makes of a tick or a cross it takes for letters: one or two strokes' worth.
pub(crate) fn mark_like(text: &str) -> bool {
    text.chars().count() <= 2 && text.chars().all(|c| "vVJjYy¥/xXK*+✓✔√".contains(c))
}

/// The page's loose marks (`marks::loose_marks`): ink outside the words OCR read (but for
/// mark-like ones), the ruling lines and the boxes with room around them (a pen tick's tail
/// outside its box).
pub(crate) fn loose_marks(prepared: &Prepared, words: &[Word], drawn: &Drawn) -> Vec<PixelRect> {
    let mut masked: Vec<PixelRect> = Vec::with_capacity(words.len() + drawn.rules.len());
    for w in words.iter().filter(|w| !mark_like(&w.text)) {
        masked.push(PixelRect {
            x0: (w.left as usize).saturating_sub(1),
            y0: (w.top as usize).saturating_sub(1),
            x1: (w.left + w.width) as usize + 1,
            y1: (w.top + w.height) as usize + 1,
        });
    }
    for r in &drawn.rules {
        masked.push(grown(&r.rect, 2));
    }
    for b in &drawn.boxes {
        masked.push(grown(&b.rect, b.rect.width().max(b.rect.height()) / 2));
    }
    super::marks::loose_marks(&prepared.ink, prepared.dpi, &masked)
}

fn grown(r: &PixelRect, by: usize) -> PixelRect {
    PixelRect {
        x0: r.x0.saturating_sub(by),
        y0: r.y0.saturating_sub(by),
        x1: r.x1 + by,
        y1: r.y1 + by,
    }
}

/// A box found in the middle of a recognised word is part of a letter (an E, a D), not a box:
/// a real box stands apart, or at most at a word's end where OCR ran it into the word.
fn inside_a_word(b: &PtRect, word: &PtRect, text: &str) -> bool {
    let margin = 0.3 * (b.x1 - b.x0);
    let overlaps_vertically = b.y0 < word.y1 && b.y1 > word.y0;
    overlaps_vertically
        && text.chars().filter(|c| c.is_alphanumeric()).count() >= 2
        && b.x0 > word.x0 + margin
        && b.x1 < word.x1 - margin
}

/// A square found over a word it is smaller than is a letter of it (an o, a bold D, the n of
/// "name"): a tick box is at least as tall as the text beside it, so a box much shorter than
/// the word it sits in, or than its line's text (`text_height`), is part of the word.
/// A box OCR ran into a word stands at the word's start or end; one elsewhere in the word (or
/// across two lines of words) is made of letters.
/// A box as wide as most of the word is what OCR read as the word (a ticked box read as `vit`),
/// not one of its letters.
fn a_letter(b: &PtRect, word: &PtRect, text: &str, text_height: f32) -> bool {
    let covered = overlap(b, word) >= 0.25 * area(b);
    let side = b.x1 - b.x0;
    if side >= 0.6 * (word.x1 - word.x0) {
        return false;
    }
    let at_an_end = b.x0 <= word.x0 + 0.25 * side || b.x1 >= word.x1 - 0.25 * side;
    covered
        && text.chars().filter(|c| c.is_alphanumeric()).count() >= 2
        && (b.height() < 0.8 * text_height || !at_an_end)
}

fn area(r: &PtRect) -> f32 {
    (r.x1 - r.x0).max(0.0) * (r.y1 - r.y0).max(0.0)
}

fn overlap(a: &PtRect, b: &PtRect) -> f32 {
    (a.x1.min(b.x1) - a.x0.max(b.x0)).max(0.0) * (a.y1.min(b.y1) - a.y0.max(b.y0)).max(0.0)
}

/// The word without the characters OCR read from a box at its start or end, and its box
/// without the tick box; `None` when the box is not at one end of the word. When the box is
/// ticked with a pen tick that overshoots it, no letter is left beside it: the tick makes
/// OCR's word far taller than its line's letters (`line_height`; ascender to descender is at
/// most 1.3 times it), and the piece of that word beside the box is the tick's stroke (`oS`
/// before `Partner`), not a letter of the statement.
fn trim_box_reading(
    text: &str,
    word: &PtRect,
    tick_box: &PageBox,
    line_height: Option<f32>,
) -> Option<(String, PtRect)> {
    let b = &tick_box.rect;
    if overlap(b, word) < 0.4 * area(b) {
        return None;
    }
    let chars: Vec<char> = text.chars().collect();
    let width = (word.x1 - word.x0).max(0.01);
    let per_char = width / chars.len().max(1) as f32;
    let covered = (b.x1.min(word.x1) - b.x0.max(word.x0)).max(0.0);
    let n = ((covered / per_char).round() as usize).clamp(1, chars.len());
    let (bx, wx) = ((b.x0 + b.x1) / 2.0, (word.x0 + word.x1) / 2.0);
    let mut r = *word;
    let rest: String = if bx < wx {
        r.x0 = b.x1.min(r.x1);
        chars[n..].iter().collect()
    } else {
        r.x1 = b.x0.max(r.x0);
        chars[..chars.len() - n].iter().collect()
    };
    let rest = rest.trim();
    let overshot = tick_box.ticked && line_height.is_some_and(|h| word.height() >= 1.6 * h);
    if overshot && rest.chars().count() <= 1 {
        return Some((String::new(), r));
    }
    Some((rest.to_string(), r))
}

/// A bracket pair holding text (`[ 50 ]`, `[ N/A ]`) is an answer in brackets, not a box: OCR
/// read a number or a word inside it, not a mark. A "bracket pair" that is part of a word OCR
/// read (the stem and bowl of a bold D) is a letter.
fn holds_text(b: &PtRect, word: &PtRect, text: &str) -> bool {
    let inner = text.trim_matches(|c: char| "[]()|".contains(c));
    let letters = inner.chars().filter(|c| c.is_alphabetic()).count();
    let digits = inner.chars().filter(|c| c.is_ascii_digit()).count();
    let overlap = (b.x1.min(word.x1) - b.x0.max(word.x0)).max(0.0)
        * (b.y1.min(word.y1) - b.y0.max(word.y0)).max(0.0);
    let area = ((b.x1 - b.x0) * (b.y1 - b.y0)).max(0.01);
    // OCR's reading of a box and its mark lies within the box; a word that runs on past it
    // holds it as a letter.
    let runs_past = word.x1 - word.x0 > 1.3 * (b.x1 - b.x0);
    // A word that starts inside the pair and runs on past it by more than its width holds
    // one side of it as a letter (`[` and the 1 of `[100.64.12.1`).
    let width = b.x1 - b.x0;
    let runs_out = word.x1 > b.x1 + width || word.x0 < b.x0 - width;
    (in_box(word, b) && (digits > 0 || letters >= 2))
        || (overlap >= 0.5 * area && runs_past && letters + digits >= 2)
        || (overlap >= 0.1 * area && runs_out && letters + digits >= 2)
}

/// A word mostly inside a box (grown a little: a bracket's reading spills over).
fn in_box(word: &PtRect, b: &PtRect) -> bool {
    let grow = 0.15 * (b.x1 - b.x0).max(b.y1 - b.y0);
    let (x0, x1) = (word.x0.max(b.x0 - grow), word.x1.min(b.x1 + grow));
    let (y0, y1) = (word.y0.max(b.y0 - grow), word.y1.min(b.y1 + grow));
    let inside = (x1 - x0).max(0.0) * (y1 - y0).max(0.0);
    let area = (word.x1 - word.x0) * (word.y1 - word.y0);
    area > 0.0 && inside >= 0.6 * area
}

/// A word lying along a ruling line.
fn on_rule(word: &PtRect, rule: &PageRule) -> bool {
    let r = &rule.rect;
    if rule.horizontal {
        word.x0 < r.x1 && word.x1 > r.x0 && word.y0 <= r.y1 + 2.0 && word.y1 >= r.y0 - 2.0
    } else {
        word.y0 < r.y1 && word.y1 > r.y0 && word.x0 <= r.x1 + 2.0 && word.x1 >= r.x0 - 2.0
    }
}

/// Below this confidence, a word on a writing line is OCR's reading of the line itself.
const READING_OF_A_LINE_CONFIDENCE: f32 = 40.0;

/// A word OCR is unsure of that still reads as an answer typed on a line: a number or an
/// address (two digits or more, or an `@`). A line read as text gives strokes and letters
/// (`___`, `—`, `ee`), not figures; Tesseract scores figures over a line low (0 for `2,500`).
fn answer_shaped(text: &str) -> bool {
    text.chars().filter(char::is_ascii_digit).count() >= 2 || text.contains('@')
}

/// A level line runs along most of the word, through it or at its foot: the word may be typed
/// on the line, or be the blank itself (its bracket, a speck of dust, the line) read as
/// letters, which Tesseract is then unsure of.
fn on_a_writing_line(word: &PtRect, rule: &PageRule) -> bool {
    let r = &rule.rect;
    let h = word.height();
    let y = (r.y0 + r.y1) / 2.0;
    let along = r.x1.min(word.x1) - r.x0.max(word.x0);
    rule.horizontal
        && along >= 0.6 * (word.x1 - word.x0)
        && y > word.y0 + 0.25 * h
        && y < word.y1 + 0.2 * h
}

/// A level line that meets an upright one is a table's border, not a blank to write on (a
/// cell's answer sits on it, and OCR may be unsure of an address).
fn a_table_border(line: &PageRule, rules: &[PageRule]) -> bool {
    let l = &line.rect;
    rules.iter().any(|u| {
        let r = &u.rect;
        !u.horizontal
            && r.x0 <= l.x1 + 2.0
            && r.x1 >= l.x0 - 2.0
            && r.y0 <= l.y1 + 2.0
            && r.y1 >= l.y0 - 2.0
    })
}

/// What OCR makes of a bracket alone: `[`, `]`, or a stroke it takes for a letter.
fn bracket_like(text: &str) -> bool {
    let mut chars = text.chars();
    matches!((chars.next(), chars.next()), (Some(c), None) if "[](){}|lIJj1!".contains(c))
}

/// A word at either end of a writing line, the line running through it: the bracket of a
/// blank (`[ ____ ]`), which says nothing when the blank is empty.
fn at_a_blank_end(word: &PtRect, rule: &PageRule) -> bool {
    let r = &rule.rect;
    let reach = word.height();
    let across = r.y0 <= word.y1 + 1.0 && r.y1 >= word.y0 - 1.0;
    let at_start = word.x1 >= r.x0 - reach && word.x0 <= r.x0 + 0.5 * reach;
    let at_end = word.x0 <= r.x1 + reach && word.x1 >= r.x1 - 0.5 * reach;
    rule.horizontal && r.x1 - r.x0 > 4.0 * reach && across && (at_start || at_end)
}

/// A speck of dust is at most this wide and tall, in points (a hyphen is wider, a full stop
/// stands against its word).
const SPECK_MAX_PT: f32 = 2.5;

/// Characters OCR makes of a speck of dust.
fn is_speck_char(c: char) -> bool {
    c.is_whitespace() || ".,:;'‘’`\"“”-_~·•°".contains(c)
}

/// The page described to the shared geometry stage (`extract::layout`), as the PDF reader
/// describes its pages: each word a text run (its Tesseract line's baseline and height, so the
/// words of one printed line share them), the ruling lines, each tick box as a drawn box and the
/// ink inside a ticked one as a stroke over it.
pub(crate) fn to_layout(page: &OcrPage) -> crate::extract::layout::Page {
    use crate::extract::layout::{self, DrawnBox, Ink, InkKind, Rect, RunText, TextRun};
    let mut out = layout::Page::new(page.number, page.width, page.height);
    // Per Tesseract line: the baseline (most words have no descender: the median bottom) and
    // the height of its words.
    let mut by_line: std::collections::BTreeMap<u32, (Vec<f32>, Vec<f32>)> = Default::default();
    for w in &page.words {
        let e = by_line.entry(w.line).or_default();
        e.0.push(w.rect.y1);
        e.1.push(w.rect.height());
    }
    let median = |v: &mut Vec<f32>| {
        v.sort_by(f32::total_cmp);
        v.get(v.len() / 2).copied().unwrap_or(0.0)
    };
    let metrics: std::collections::BTreeMap<u32, (f32, f32)> = by_line
        .into_iter()
        .map(|(k, (mut bottoms, mut heights))| (k, (median(&mut bottoms), median(&mut heights))))
        .collect();
    for w in &page.words {
        let (baseline, height) = metrics
            .get(&w.line)
            .copied()
            .unwrap_or((w.rect.y1, w.rect.height()));
        out.push_run(TextRun {
            text: RunText::new(&w.text),
            bbox: Rect::new(w.rect.x0, w.rect.y0, w.rect.x1, w.rect.y1),
            baseline,
            // A word box runs from ascender to baseline (or descender): about the font size.
            size: height.max(1.0),
            layer: 0,
        });
    }
    for r in &page.rules {
        let rr = &r.rect;
        if r.horizontal {
            let y = (rr.y0 + rr.y1) / 2.0;
            out.push_rule((rr.x0, y), (rr.x1, y));
        } else {
            let x = (rr.x0 + rr.x1) / 2.0;
            out.push_rule((x, rr.y0), (x, rr.y1));
        }
    }
    for b in &page.boxes {
        // A typed bracket pair `[ ]` is wider than tall: the stage takes square boxes, so it is
        // given the square its mark sits in, about its middle.
        let (w, h) = (b.rect.x1 - b.rect.x0, b.rect.y1 - b.rect.y0);
        let (cx, cy) = ((b.rect.x0 + b.rect.x1) / 2.0, (b.rect.y0 + b.rect.y1) / 2.0);
        let half = w.min(h) / 2.0;
        let rect = Rect::new(cx - half, cy - half, cx + half, cy + half);
        out.push_box(DrawnBox { rect, round: false });
        if b.ticked {
            // The ink found inside the box, kept within it so that the stage sees it on this box.
            let m = b.mark.unwrap_or(b.rect);
            let inner = Rect::new(
                m.x0.max(b.rect.x0),
                m.y0.max(b.rect.y0),
                m.x1.min(b.rect.x1),
                m.y1.min(b.rect.y1),
            );
            out.push_ink(Ink {
                bbox: inner,
                kind: InkKind::Stroke,
            });
        }
    }
    out
}

/// Lines without the cells OCR made of specks of dust (a lone `.`, `:` or quote): they carry
/// nothing and would stand between a label and the line that carries it on.
pub(crate) fn without_specks(lines: Vec<Line>) -> Vec<Line> {
    lines
        .into_iter()
        .filter_map(|line| {
            let keep: Vec<bool> = line
                .cells
                .iter()
                .map(|t| t.chars().any(|c| c.is_alphanumeric() || !is_speck_char(c)))
                .collect();
            let cells: Vec<String> = line
                .cells
                .iter()
                .zip(&keep)
                .filter(|(_, k)| **k)
                .map(|(c, _)| c.clone())
                .collect();
            let places = if line.places.len() == line.cells.len() {
                line.places
                    .iter()
                    .zip(&keep)
                    .filter(|(_, k)| **k)
                    .map(|(p, _)| *p)
                    .collect()
            } else {
                Vec::new()
            };
            (!cells.is_empty()).then_some(Line { cells, places })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(x0: f32, y0: f32, x1: f32, y1: f32) -> PtRect {
        PtRect { x0, y0, x1, y1 }
    }

    fn word(text: &str, rect: PtRect) -> PageWord {
        PageWord {
            text: text.into(),
            rect,
            line: 1,
        }
    }

    #[test]
    fn a_capital_b_is_told_from_a_box_before_a_word() {
        // 300 dpi: a 40 px square at (100, 100), and the next letter's stem `gap` px after it.
        let page = |gap: usize| {
            let (w, h) = (400, 300);
            let mut ink = vec![0u8; w * h];
            for y in 100..140 {
                for x in (100..140).chain(140 + gap..146 + gap) {
                    ink[y * w + x] = 1;
                }
            }
            InkMap {
                width: w,
                height: h,
                ink,
            }
        };
        let px = PixelRect {
            x0: 100,
            y0: 100,
            x1: 140,
            y1: 140,
        };
        let scale = 72.0 / 300.0;
        let b = r(100.0 * scale, 100.0 * scale, 140.0 * scale, 140.0 * scale);
        let word = [(r(b.x0, b.y0, 380.0 * scale, b.y1), "Bureau", 10.0)];
        assert!(a_capital_glued_to_its_word(&px, &b, &word, &page(2)));
        // A box a space before its statement's first letter is a box.
        assert!(!a_capital_glued_to_its_word(&px, &b, &word, &page(12)));
        // Not in a word OCR read: left alone.
        assert!(!a_capital_glued_to_its_word(&px, &b, &[], &page(2)));
    }

    #[test]
    fn a_pen_tick_over_its_box_leaves_no_letter_beside_it() {
        let ticked = PageBox {
            rect: r(100.0, 300.0, 107.0, 307.0),
            ticked: true,
            mark: Some(r(101.0, 301.0, 106.0, 306.0)),
        };
        // The tick rises far above the line (7 pt letters): OCR read box and stroke as `oS`.
        let tall = r(100.0, 291.0, 116.0, 310.0);
        let (rest, _) = trim_box_reading("oS", &tall, &ticked, Some(7.0)).unwrap();
        assert_eq!(rest, "");
        // A box OCR ran into the statement's first word keeps the word.
        let word = r(100.0, 300.0, 140.0, 308.0);
        let (rest, _) = trim_box_reading("XPartner", &word, &ticked, Some(7.0)).unwrap();
        assert_eq!(rest, "Partner");
        // A letter beside a box OCR read with it, no taller than the line's letters, stays.
        let short = r(100.0, 300.0, 114.0, 308.0);
        let (rest, _) = trim_box_reading("XI", &short, &ticked, Some(7.0)).unwrap();
        assert_eq!(rest, "I");
        // So does one beside an empty box.
        let empty = PageBox {
            ticked: false,
            mark: None,
            ..ticked
        };
        let (rest, _) = trim_box_reading("oS", &tall, &empty, Some(7.0)).unwrap();
        assert_eq!(rest, "S");
    }

    #[test]
    fn a_blank_read_as_letters_is_the_blank() {
        let line = PageRule {
            rect: r(100.0, 472.5, 200.0, 473.3),
            horizontal: true,
        };
        // The closing bracket of "[ ____ ]", read as a letter, at the line's end.
        assert!(bracket_like("J") && at_a_blank_end(&r(199.0, 463.0, 203.0, 474.0), &line));
        assert!(!bracket_like("Jo") && !bracket_like("x"));
        // A word away from either end is not a bracket.
        assert!(!at_a_blank_end(&r(140.0, 463.0, 144.0, 474.0), &line));
        // Words the line runs along at their foot: typed on it, or the blank read as letters.
        assert!(on_a_writing_line(&r(150.0, 463.0, 180.0, 473.3), &line));
        // A table's border is not a blank.
        let upright = PageRule {
            rect: r(100.0, 400.0, 100.8, 473.0),
            horizontal: false,
        };
        assert!(a_table_border(&line, &[line.clone(), upright]));
        assert!(!a_table_border(&line, std::slice::from_ref(&line)));
        // Text above the line, or beside it, is not on it.
        assert!(!on_a_writing_line(&r(150.0, 440.0, 180.0, 450.0), &line));
        assert!(!on_a_writing_line(&r(190.0, 463.0, 260.0, 473.3), &line));
    }

    #[test]
    fn an_address_split_at_its_at_sign_is_joined_and_other_words_are_not() {
        let words = vec![
            word("Email:", r(10.0, 10.0, 40.0, 20.0)),
            word("priya.ramanathan", r(44.0, 10.0, 120.0, 20.0)),
            word("@treasury.qld.gov.au", r(123.0, 10.0, 220.0, 20.0)),
        ];
        let joined: Vec<String> = joined_at_signs(words).into_iter().map(|w| w.text).collect();
        assert_eq!(joined, ["Email:", "priya.ramanathan@treasury.qld.gov.au"]);
        // Split after the dot of its first part: joined when the gap is a dot's room.
        let words = vec![
            word("tobias.", r(44.0, 10.0, 80.0, 20.0)),
            word("lindqvist@ato.gov.au", r(82.0, 10.0, 180.0, 20.0)),
        ];
        let joined: Vec<String> = joined_at_signs(words).into_iter().map(|w| w.text).collect();
        assert_eq!(joined, ["tobias.lindqvist@ato.gov.au"]);
        // A sentence's full stop, a space before an address: apart.
        let words = vec![
            word("me.", r(44.0, 10.0, 60.0, 20.0)),
            word("jo@ato.gov.au", r(66.0, 10.0, 150.0, 20.0)),
        ];
        assert_eq!(joined_at_signs(words).len(), 2);
        // A dot of the domain read as a comma, and the rest of the domain a dot's room after it;
        // a word a space after an address and its comma is the sentence's.
        let words = vec![
            word(
                "imogen.kowalczyk@agriculture,",
                r(91.0, 214.3, 259.4, 232.8),
            ),
            word("gov.au", r(261.1, 222.2, 294.5, 231.8)),
            word("or", r(300.0, 222.2, 310.0, 231.8)),
            word("jo@abs.gov.au,", r(316.0, 214.3, 390.0, 232.8)),
            word("thanks", r(396.0, 222.2, 430.0, 231.8)),
        ];
        let joined: Vec<String> = joined_at_signs(words).into_iter().map(|w| w.text).collect();
        assert_eq!(
            joined,
            [
                "imogen.kowalczyk@agriculture.gov.au",
                "or",
                "jo@abs.gov.au,",
                "thanks"
            ]
        );
    }

    #[test]
    fn a_comma_inside_an_address_is_its_dot() {
        assert_eq!(
            address_dots("imogen.kowalczyk@agriculture,gov.au").as_deref(),
            Some("imogen.kowalczyk@agriculture.gov.au")
        );
        assert_eq!(
            address_dots("jo,citizen@abs,gov.au,").as_deref(),
            Some("jo.citizen@abs.gov.au,")
        );
        assert_eq!(address_dots("jo.citizen@abs.gov.au,"), None);
        assert_eq!(address_dots("Canberra,ACT"), None);
    }

    /// A ticked box OCR read into the statement after it (`(VI have`) is in doubt (Tesseract
    /// looks at it alone); the same square unticked, a ticked one deep inside a long word, and
    /// a letter's hole ringed by its stroke are letters; one standing apart is a box.
    #[test]
    fn a_ticked_box_run_into_its_statement_is_in_doubt() {
        let mut ink = InkMap {
            width: 200,
            height: 100,
            ink: vec![0; 200 * 100],
        };
        fn fill(ink: &mut InkMap, x0: usize, y0: usize, x1: usize, y1: usize) {
            for y in y0..y1 {
                for x in x0..x1 {
                    ink.ink[y * 200 + x] = 1;
                }
            }
        }
        // A 10-pixel box at (20, 20), a tick through it.
        fill(&mut ink, 20, 20, 30, 21);
        fill(&mut ink, 20, 29, 30, 30);
        fill(&mut ink, 20, 20, 21, 30);
        fill(&mut ink, 29, 20, 30, 30);
        fill(&mut ink, 23, 25, 26, 28);
        let tick = PixelRect {
            x0: 23,
            y0: 25,
            x1: 26,
            y1: 28,
        };
        let square = |mark: Option<PixelRect>| super::super::marks::TickBox {
            rect: PixelRect {
                x0: 20,
                y0: 20,
                x1: 30,
                y1: 30,
            },
            mark,
            bracket: false,
        };
        let rect = r(20.0, 20.0, 30.0, 30.0);
        // At 72 dpi a pixel is a point; the line's text is 14 high, the box 10.
        let read_into = [
            (r(20.0, 18.0, 41.0, 32.0), "(VI", 14.0),
            (r(44.0, 18.0, 70.0, 32.0), "have", 14.0),
        ];
        assert_eq!(
            box_reading(&square(Some(tick)), &rect, &read_into, &ink),
            BoxReading::LetterUnlessAlone
        );
        assert_eq!(
            box_reading(&square(None), &rect, &read_into, &ink),
            BoxReading::Letter
        );
        let long_word = [(r(2.0, 18.0, 70.0, 32.0), "Department", 14.0)];
        assert_eq!(
            box_reading(&square(Some(tick)), &rect, &long_word, &ink),
            BoxReading::Letter
        );
        let apart = [(r(40.0, 18.0, 70.0, 32.0), "have", 14.0)];
        assert_eq!(
            box_reading(&square(Some(tick)), &rect, &apart, &ink),
            BoxReading::Box
        );
        // The same square inside a thick stroke all round: the hole of an O.
        fill(&mut ink, 16, 16, 34, 20);
        fill(&mut ink, 16, 30, 34, 34);
        fill(&mut ink, 16, 16, 20, 34);
        fill(&mut ink, 30, 16, 34, 34);
        assert_eq!(
            box_reading(&square(Some(tick)), &rect, &read_into, &ink),
            BoxReading::Letter
        );
    }

    #[test]
    fn boxes_made_of_letters_are_told_from_boxes_beside_words() {
        let words = [
            (r(10.0, 10.0, 60.0, 20.0), "Reserve", 10.0),
            (r(63.0, 10.0, 90.0, 20.0), "Bank", 10.0),
            (r(100.0, 40.0, 130.0, 50.0), "single", 10.0),
            (r(133.0, 40.0, 170.0, 50.0), "record", 10.0),
            (r(10.0, 70.0, 25.0, 80.0), "XI", 10.0),
            (r(28.0, 70.0, 50.0, 80.0), "have", 10.0),
        ];
        // The B of "Bank", a word space after "Reserve".
        let capital = r(63.0, 10.0, 70.0, 20.0);
        assert!(a_capital_mid_line(&capital, &words));
        // A box OCR ran into the first word of its line ("XI have").
        let first = r(10.0, 70.0, 19.0, 80.0);
        assert!(!a_capital_mid_line(&first, &words));
        assert!(!between_words(&first, &words));
        // A "bracket pair" from the e of "single" to the r of "record".
        let across = r(127.0, 41.0, 136.0, 50.0);
        assert!(between_words(&across, &words));
        // A pen X overshooting its box, read as the "word" `Rl`, a word space before "I have":
        // the word is the box's reading, not a word the box is the capital of.
        let pen = [
            (r(54.0, 247.0, 71.3, 264.0), "Rl", 10.0),
            (r(76.8, 250.0, 79.0, 261.0), "I", 10.0),
            (r(82.0, 250.0, 104.0, 261.0), "have", 10.0),
        ];
        assert!(!a_capital_mid_line(&r(58.1, 249.4, 69.6, 261.1), &pen));
    }

    #[test]
    fn a_mark_between_two_words_is_a_letter_and_one_after_a_statement_is_a_tick() {
        let words = [
            (r(10.0, 10.0, 60.0, 20.0), "static", 10.0),
            (r(75.0, 10.0, 120.0, 20.0), "agency", 10.0),
        ];
        assert!(inside_a_sentence(&r(64.0, 10.0, 71.0, 20.0), &words));
        assert!(!inside_a_sentence(&r(300.0, 10.0, 310.0, 20.0), &words));
        assert!(mark_like("v") && mark_like("X") && !mark_like("a") && !mark_like("vit"));
    }
}
