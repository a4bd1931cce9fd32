//! Tests of the box and ink detection on drawn images (squares, pen ticks, overshooting X's).
use super::*;

struct Canvas(InkMap);

impl Canvas {
    fn new(w: usize, h: usize) -> Canvas {
        Canvas(InkMap {
            width: w,
            height: h,
            ink: vec![0; w * h],
        })
    }
    fn fill(&mut self, x0: usize, y0: usize, x1: usize, y1: usize) {
        for y in y0..y1 {
            for x in x0..x1 {
                self.0.ink[y * self.0.width + x] = 1;
            }
        }
    }
    /// A square outline of side `s` with lines `t` thick.
    fn square(&mut self, x: usize, y: usize, s: usize, t: usize) {
        self.fill(x, y, x + s, y + t);
        self.fill(x, y + s - t, x + s, y + s);
        self.fill(x, y, x + t, y + s);
        self.fill(x + s - t, y, x + s, y + s);
    }
    /// A diagonal stroke from (x0, y0) to (x1, y1), `t` thick.
    fn stroke(&mut self, x0: f32, y0: f32, x1: f32, y1: f32, t: usize) {
        let n = ((x1 - x0).abs().max((y1 - y0).abs())) as usize;
        for i in 0..=n {
            let f = i as f32 / n as f32;
            let (x, y) = ((x0 + f * (x1 - x0)) as usize, (y0 + f * (y1 - y0)) as usize);
            self.fill(x, y, x + t, y + t);
        }
    }
}

#[test]
fn empty_and_ticked_squares_and_a_pen_tick_spilling_out() {
    let mut c = Canvas::new(600, 300);
    c.square(50, 50, 40, 3); // empty
    c.square(150, 50, 40, 3);
    c.stroke(155.0, 55.0, 185.0, 85.0, 3); // X inside
    c.stroke(185.0, 55.0, 155.0, 85.0, 3);
    c.square(250, 50, 40, 3);
    c.stroke(245.0, 70.0, 262.0, 92.0, 4); // pen ✓ overshooting the box
    c.stroke(262.0, 92.0, 300.0, 30.0, 4);
    c.fill(270, 70, 273, 73); // a speck alone does not tick
    c.square(350, 50, 40, 3);
    c.fill(368, 68, 371, 71);
    c.square(450, 50, 40, 3);
    c.stroke(442.0, 42.0, 497.0, 97.0, 4); // pen X overshooting every corner
    c.stroke(497.0, 42.0, 442.0, 97.0, 4);
    let found = find(&c.0, 300.0);
    let boxes: Vec<(usize, bool)> = found
        .boxes
        .iter()
        .map(|b| (b.rect.x0, b.mark.is_some()))
        .collect();
    assert_eq!(
        boxes,
        [
            (50, false),
            (150, true),
            (250, true),
            (350, false),
            (450, true)
        ]
    );
}

#[test]
fn long_lines_are_rules_and_not_boxes() {
    let mut c = Canvas::new(800, 400);
    c.fill(20, 100, 780, 102); // a table border
    c.fill(20, 100, 22, 300); // its left side
    // A dashed line (a bilevel scan breaks it) is one rule.
    for k in 0..20 {
        c.fill(20 + k * 38, 300, 20 + k * 38 + 34, 302);
    }
    let found = find(&c.0, 300.0);
    assert!(found.boxes.is_empty());
    let horizontal: Vec<(usize, usize)> = found
        .rules
        .iter()
        .filter(|r| r.horizontal)
        .map(|r| (r.rect.x0, r.rect.x1))
        .collect();
    assert_eq!(horizontal, [(20, 780), (20, 776)]);
    assert!(
        found
            .rules
            .iter()
            .any(|r| !r.horizontal && r.rect.y1 - r.rect.y0 >= 190)
    );
}

#[test]
fn bracket_pairs_are_boxes_and_wide_blanks_are_not() {
    let mut c = Canvas::new(900, 200);
    let bracket = |c: &mut Canvas, x: usize, left: bool| {
        c.fill(x, 50, x + 4, 100);
        let (a, b) = if left { (x, x + 14) } else { (x - 10, x + 4) };
        c.fill(a, 50, b, 54);
        c.fill(a, 96, b, 100);
    };
    bracket(&mut c, 100, true);
    bracket(&mut c, 150, false); // "[ ]"
    bracket(&mut c, 300, true);
    c.stroke(320.0, 60.0, 345.0, 90.0, 4); // "[X]"
    c.stroke(345.0, 60.0, 320.0, 90.0, 4);
    bracket(&mut c, 360, false);
    bracket(&mut c, 500, true);
    bracket(&mut c, 800, false); // "[ ____ ]": too wide for a box
    let found = find(&c.0, 300.0);
    let boxes: Vec<(usize, bool, bool)> = found
        .boxes
        .iter()
        .map(|b| (b.rect.x0, b.mark.is_some(), b.bracket))
        .collect();
    assert_eq!(boxes, [(100, false, true), (300, true, true)]);
}

#[test]
fn loose_marks_stand_alone_and_letters_do_not() {
    let mut c = Canvas::new(900, 300);
    // An X alone in a cell.
    c.stroke(100.0, 100.0, 130.0, 135.0, 4);
    c.stroke(130.0, 100.0, 100.0, 135.0, 4);
    // Three letter-sized strokes side by side: a word OCR did not read.
    for k in 0..3 {
        let x = 300.0 + k as f32 * 34.0;
        c.stroke(x, 100.0, x + 25.0, 135.0, 4);
        c.stroke(x + 25.0, 100.0, x, 135.0, 4);
    }
    // An X under a word OCR read (masked).
    c.stroke(600.0, 100.0, 630.0, 135.0, 4);
    c.stroke(630.0, 100.0, 600.0, 135.0, 4);
    // A speck and a line's piece.
    c.fill(750, 110, 753, 113);
    c.fill(800, 100, 804, 160);
    let masked = [PixelRect {
        x0: 590,
        y0: 90,
        x1: 650,
        y1: 145,
    }];
    let found = loose_marks(&c.0, 300.0, &masked);
    let at: Vec<(usize, usize)> = found.iter().map(|r| (r.x0, r.y0)).collect();
    assert_eq!(at, [(100, 100)]);
}

#[test]
fn a_box_filled_in_solid_is_a_mark_and_a_bullet_or_a_bar_is_not() {
    let mut c = Canvas::new(900, 300);
    // A box filled in at 300 dpi: 7 pt square.
    c.fill(100, 100, 129, 129);
    // A list bullet (3.5 pt) and a filled bar twice as wide as tall.
    c.fill(300, 100, 315, 115);
    c.fill(500, 100, 560, 125);
    let found = loose_marks(&c.0, 300.0, &[]);
    let at: Vec<(usize, usize)> = found.iter().map(|r| (r.x0, r.y0)).collect();
    assert_eq!(at, [(100, 100)]);
}

#[test]
fn a_solid_square_is_a_ticked_box_and_a_round_dot_or_a_bar_is_not() {
    let mut c = Canvas::new(900, 300);
    // 8 pt at 300 dpi, filled.
    c.fill(100, 100, 133, 133);
    // A round dot of the same size.
    for y in 0..33usize {
        for x in 0..33usize {
            let (dx, dy) = (x as f32 - 16.0, y as f32 - 16.0);
            if dx * dx + dy * dy <= 16.5 * 16.5 {
                c.fill(300 + x, 100 + y, 301 + x, 101 + y);
            }
        }
    }
    // A solid bar, and a square that is the top of a taller block.
    c.fill(500, 100, 580, 133);
    c.fill(700, 100, 733, 200);
    // An upright oblong (a square drawn by hand over a box), 7 × 11 pt.
    c.fill(820, 100, 849, 146);
    let drawn = find(&c.0, 300.0);
    let boxes: Vec<(usize, bool)> = drawn
        .boxes
        .iter()
        .map(|b| (b.rect.x0, b.mark.is_some()))
        .collect();
    assert_eq!(boxes, [(100, true), (820, true)]);
}

/// A photographed table: its dark frame is in the ink map, its thin grey inner lines only in the
/// looser map. They are found there, once; the frame is not found twice. Runs of grain in a
/// shaded cell, as dark on each side as along the run, are in the looser map too, and are no
/// lines.
#[test]
fn faint_table_lines_are_found_where_the_ink_map_has_none() {
    let dpi = 300.0;
    let (w, h) = (1200, 600);
    let mut ink = Canvas::new(w, h);
    ink.fill(100, 100, 1100, 104); // the frame's top
    ink.fill(100, 100, 104, 500); // its left side
    let mut faint = Canvas::new(w, h);
    faint.fill(100, 100, 1100, 104);
    faint.fill(100, 100, 104, 500);
    faint.fill(104, 300, 1100, 302); // a grey row line
    faint.fill(600, 104, 602, 500); // a grey column line
    faint.fill(850, 330, 853, 480); // grain in a shaded cell, run upright
    faint.fill(700, 420, 840, 422); // and level
    // The page with its paper white: the lines grey, the shaded cell a little darker than its
    // grain's surroundings, which are the same shade.
    let mut even = image::GrayImage::from_pixel(w as u32, h as u32, image::Luma([255]));
    let mut paint = |x0: u32, y0: u32, x1: u32, y1: u32, v: u8| {
        for y in y0..y1 {
            for x in x0..x1 {
                even.put_pixel(x, y, image::Luma([v]));
            }
        }
    };
    paint(100, 100, 1100, 104, 40);
    paint(100, 100, 104, 500, 40);
    paint(104, 300, 1100, 302, 150);
    paint(600, 104, 602, 500, 150);
    paint(610, 310, 1090, 490, 190);
    paint(850, 330, 853, 480, 178);
    paint(700, 420, 840, 422, 178);
    let drawn = find(&ink.0, dpi);
    assert_eq!(drawn.rules.len(), 2, "{:?}", drawn.rules);
    let more = faint_rules(&faint.0, &even, dpi, &drawn.rules);
    assert_eq!(more.len(), 2, "{more:?}");
    assert!(more.iter().any(|r| r.horizontal && r.rect.y0 == 300));
    assert!(more.iter().any(|r| !r.horizontal && r.rect.x0 == 600));
}

/// A pen tick drawn bigger than its box shows inside only where its strokes meet: a piece of
/// stroke that runs on out of the inside towards the box's side ticks it; a speck of the same
/// size in the middle does not.
#[test]
fn a_tick_meeting_in_its_box_with_its_strokes_outside_ticks_it() {
    let mut c = Canvas::new(200, 100);
    let side = 30;
    c.square(20, 20, side, 2);
    c.square(120, 20, side, 2);
    let inset = 2 + 1 + side / 12;
    // The meeting of the strokes: 7 × 6 pixels down against the inside's bottom-left.
    let (x0, y1) = (20 + inset, 20 + side - inset);
    c.fill(x0, y1 - 6, x0 + 7, y1);
    // The same ink in the middle of the other box.
    c.fill(120 + 12, 20 + 12, 120 + 19, 20 + 18);
    let rect = |x0| PixelRect {
        x0,
        y0: 20,
        x1: x0 + side,
        y1: 20 + side,
    };
    assert!(mark_in(&c.0, &rect(20), inset, inset).is_some());
    assert!(mark_in(&c.0, &rect(120), inset, inset).is_none());
}

/// The hole of a bold O is ringed by the letter's stroke on every side; a drawn box stands on
/// paper, a tick crossing one or two of its sides.
#[test]
fn a_box_stands_on_paper_and_a_letters_hole_is_ringed_by_ink() {
    let mut c = Canvas::new(200, 100);
    // A bold O: a ring 6 pixels thick round a 12 × 16 hole.
    c.fill(14, 14, 38, 42);
    for y in 20..36 {
        for x in 20..32 {
            c.0.ink[y * 200 + x] = 0;
        }
    }
    let hole = PixelRect {
        x0: 20,
        y0: 20,
        x1: 32,
        y1: 36,
    };
    assert_eq!(sides_ringed(&c.0, &hole, 1), 4);
    // A box with a pen tick crossing its top and right side.
    c.square(100, 20, 24, 2);
    c.stroke(104.0, 34.0, 110.0, 42.0, 3);
    c.stroke(110.0, 42.0, 140.0, 8.0, 3);
    let drawn = PixelRect {
        x0: 100,
        y0: 20,
        x1: 124,
        y1: 44,
    };
    assert!(sides_ringed(&c.0, &drawn, 1) < 3);
}

#[test]
fn an_underline_letters_stand_on_is_painted_out_where_bare_and_a_blank_line_stays() {
    let mut c = Canvas::new(700, 200);
    let line = PixelRect {
        x0: 50,
        y0: 100,
        x1: 650,
        y1: 104,
    };
    c.fill(line.x0, line.y0, line.x1, line.y1);
    // Letters standing on the line, and letters two rows of paper over it.
    for x in [80, 120, 160, 200] {
        c.fill(x, 60, x + 5, 100);
    }
    for x in [300, 340] {
        c.fill(x, 60, x + 5, 98);
    }
    // A g's descender crossing the line, its bowl lying along the line's underside.
    c.fill(420, 60, 425, 108);
    c.fill(400, 104, 425, 107);
    let paint = underline_paint(&c.0, &line, 300.0).expect("an underline");
    let at = |x: usize| paint.iter().find(|p| p.0 == x).map(|p| (p.1, p.2));
    assert_eq!(
        at(60),
        Some((99, 105)),
        "bare line painted with its soft edge"
    );
    assert_eq!(at(82), None, "a letter's foot on the line stays");
    assert_eq!(
        at(302),
        Some((99, 105)),
        "under a letter just over the line"
    );
    assert_eq!(at(422), None, "the descender stays");
    assert_eq!(
        at(410),
        Some((99, 104)),
        "only the line's rows above the bowl"
    );

    // The same line with nothing on it is a blank answer's line and stays.
    let mut blank = Canvas::new(700, 200);
    blank.fill(line.x0, line.y0, line.x1, line.y1);
    assert_eq!(underline_paint(&blank.0, &line, 300.0), None);

    // A row where a blurred word's letters run together: ink above and below along it.
    let mut word = Canvas::new(700, 200);
    word.fill(line.x0, line.y0, line.x1, line.y1);
    for x in (50..650).step_by(12) {
        word.fill(x, 70, x + 8, 130);
    }
    assert_eq!(underline_paint(&word.0, &line, 300.0), None);
}
