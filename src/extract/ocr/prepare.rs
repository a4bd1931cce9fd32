//! A page image in (grey, any resolution, turned a little as a scanner or a hand leaves it) →
//! the page as OCR reads it well: scaled to about 300 dpi, turned straight, and its ink map
//! (which pixels are ink, not paper) for finding ruling lines, tick boxes and ticks.
//!
//! - Resolution: the one the file states when it is plausible for a page, else the one that
//!   makes the image an A4 or Letter page (phone photos say 72 dpi whatever they hold).
//! - Ink: Sauvola's local threshold (a window of about 1/10 inch), so shade, a dark corner or
//!   grey paper does not become ink, and faint print does.
//! - Skew: the angle (within ±5°) at which the ink's rows line up best (the sharpest horizontal
//!   projection profile), measured at 75 dpi and refined to 0.05°.

use super::PageImage;
use image::GrayImage;
use image::imageops::FilterType;

/// The resolution OCR reads at.
pub(crate) const TARGET_DPI: f32 = 300.0;
/// Largest skew looked for, in degrees.
const MAX_SKEW_DEGREES: f32 = 5.0;
/// Smallest skew worth turning the image for, in degrees.
const MIN_SKEW_DEGREES: f32 = 0.08;
/// Most pixels of the prepared page (a 300 dpi A3 page is 17.4 million).
const MAX_PREPARED_PIXELS: f32 = 40_000_000.0;

/// Which pixels of a page are ink: one byte per pixel, 1 for ink.
#[derive(Debug, Clone)]
pub(crate) struct InkMap {
    pub width: usize,
    pub height: usize,
    pub ink: Vec<u8>,
}

impl InkMap {
    #[inline]
    pub fn at(&self, x: usize, y: usize) -> bool {
        self.ink[y * self.width + x] != 0
    }
    pub fn row(&self, y: usize) -> &[u8] {
        &self.ink[y * self.width..(y + 1) * self.width]
    }
}

/// A page ready for OCR.
pub(crate) struct Prepared {
    pub grey: GrayImage,
    pub ink: InkMap,
    /// Pixels per inch of `grey` and `ink`.
    pub dpi: f32,
    /// The skew found and taken out, in degrees (positive: the page was turned clockwise).
    pub skew_degrees: f32,
}

/// The resolution to read an image at: the stated one when it fits a page of 3 to 17 inches
/// across, else the one that makes it an A4/Letter page.
pub(crate) fn resolution(width: u32, height: u32, stated: Option<f32>) -> f32 {
    let (w, h) = (width as f32, height as f32);
    if let Some(dpi) = stated
        && (100.0..=1200.0).contains(&dpi)
    {
        let (wi, hi) = (w / dpi, h / dpi);
        if (3.0..=17.0).contains(&wi.min(hi)) && (3.0..=24.0).contains(&wi.max(hi)) {
            return dpi;
        }
    }
    let (short, long) = (w.min(h), w.max(h));
    (short / 8.5).max(long / 11.7).clamp(30.0, 1200.0)
}

/// Scales, straightens and maps the ink of one page.
pub(crate) fn prepare(page: PageImage) -> Prepared {
    // A photo of the sheet on a desk: the sheet alone, squared up (its stated resolution, a
    // camera's 72 dpi, says nothing of the sheet).
    let page = match super::sheet::squared_sheet(&page.grey) {
        Some(grey) => PageImage { grey, dpi: None },
        None => page,
    };
    let dpi = resolution(page.grey.width(), page.grey.height(), page.dpi);
    let (grey, dpi) = rescale(page.grey, dpi);
    let skew = estimate_skew(&grey, dpi);
    let grey = if skew.abs() >= MIN_SKEW_DEGREES {
        rotate(&grey, skew)
    } else {
        grey
    };
    let ink = sauvola(&grey, (dpi / 10.0).round() as usize | 1);
    Prepared {
        grey,
        ink,
        dpi,
        skew_degrees: skew,
    }
}

/// To about `TARGET_DPI` (left alone when close), within `MAX_PREPARED_PIXELS`.
fn rescale(grey: GrayImage, dpi: f32) -> (GrayImage, f32) {
    let (w, h) = (grey.width() as f32, grey.height() as f32);
    let mut factor = TARGET_DPI / dpi;
    let cap = (MAX_PREPARED_PIXELS / (w * h)).sqrt();
    factor = factor.min(cap).min(5.0);
    if (0.85..=1.2).contains(&factor) {
        return (grey, dpi);
    }
    let nw = ((w * factor).round() as u32).max(1);
    let nh = ((h * factor).round() as u32).max(1);
    let filter = if factor > 1.0 {
        FilterType::CatmullRom
    } else {
        FilterType::Triangle
    };
    (image::imageops::resize(&grey, nw, nh, filter), dpi * factor)
}

/// The page's skew in degrees (positive: text lines fall to the right, i.e. the page was
/// turned clockwise), or 0 when it cannot be told.
pub(crate) fn estimate_skew(grey: &GrayImage, dpi: f32) -> f32 {
    // Work at about 75 dpi: enough to place a text line, cheap to project many times.
    let step = ((dpi / 75.0).round() as u32).max(1);
    let small = if step > 1 {
        image::imageops::resize(
            grey,
            (grey.width() / step).max(1),
            (grey.height() / step).max(1),
            FilterType::Triangle,
        )
    } else {
        grey.clone()
    };
    let ink = sauvola(&small, 9);
    let mut points: Vec<(f32, f32)> = Vec::new();
    for y in 0..ink.height {
        let row = ink.row(y);
        for (x, &v) in row.iter().enumerate() {
            if v != 0 {
                points.push((x as f32, y as f32));
            }
        }
    }
    // Too little ink to tell, or so much that it is a picture, not a page of text.
    if points.len() < 200 || points.len() > ink.width * ink.height / 3 {
        return 0.0;
    }
    let height = ink.height as f32;
    let width = ink.width as f32;
    let score = |degrees: f32| -> f64 {
        let t = degrees.to_radians().tan();
        // Rows of the page turned back by `degrees`; room for the slope either way.
        let pad = (width * t.abs()).ceil() + 2.0;
        let rows = (height + 2.0 * pad) as usize;
        let mut counts = vec![0u32; rows];
        for &(x, y) in &points {
            let r = (y - x * t + pad) as isize;
            if r >= 0 && (r as usize) < rows {
                counts[r as usize] += 1;
            }
        }
        counts.iter().map(|&c| (c as f64) * (c as f64)).sum()
    };
    let best_in = |from: f32, to: f32, by: f32| -> f32 {
        let mut best = (f64::MIN, 0.0f32);
        let n = ((to - from) / by).round() as i32;
        for i in 0..=n {
            let a = from + i as f32 * by;
            let s = score(a);
            // Ties go to the smaller turn.
            if s > best.0 || (s == best.0 && a.abs() < best.1.abs()) {
                best = (s, a);
            }
        }
        best.1
    };
    let coarse = best_in(-MAX_SKEW_DEGREES, MAX_SKEW_DEGREES, 0.25);
    let fine = best_in(coarse - 0.25, coarse + 0.25, 0.05);
    if fine.abs() >= MAX_SKEW_DEGREES {
        return 0.0;
    }
    fine
}

/// The image turned by `degrees` (positive: anticlockwise on screen, y down) about its
/// centre, same size, bilinear, with white paper where nothing was.
pub(crate) fn rotate(grey: &GrayImage, degrees: f32) -> GrayImage {
    let (w, h) = (grey.width() as usize, grey.height() as usize);
    let (s, c) = degrees.to_radians().sin_cos();
    let (cx, cy) = (w as f32 / 2.0, h as f32 / 2.0);
    let src = grey.as_raw();
    let mut out = vec![255u8; w * h];
    for y in 0..h {
        let dy = y as f32 + 0.5 - cy;
        // The source point of (x, y): the inverse turn.
        let base_x = cx - s * dy;
        let base_y = cy + c * dy;
        let row = &mut out[y * w..(y + 1) * w];
        for (x, px) in row.iter_mut().enumerate() {
            let dx = x as f32 + 0.5 - cx;
            let sx = base_x + c * dx - 0.5;
            let sy = base_y + s * dx - 0.5;
            if sx < 0.0 || sy < 0.0 {
                continue;
            }
            let (x0, y0) = (sx as usize, sy as usize);
            if x0 + 1 >= w || y0 + 1 >= h {
                continue;
            }
            let (fx, fy) = (sx - x0 as f32, sy - y0 as f32);
            let i = y0 * w + x0;
            let top = src[i] as f32 * (1.0 - fx) + src[i + 1] as f32 * fx;
            let bottom = src[i + w] as f32 * (1.0 - fx) + src[i + w + 1] as f32 * fx;
            *px = (top * (1.0 - fy) + bottom * fy + 0.5) as u8;
        }
    }
    GrayImage::from_raw(w as u32, h as u32, out).unwrap_or_else(|| grey.clone())
}

/// The page with its paper made white: each pixel divided by the paper's brightness around it
/// (the brightest of its neighbourhood, tile by tile). A photo's shade and tint, grey recycled
/// paper and the desk around the sheet all become white, and print keeps its contrast, so
/// Tesseract's own (global) threshold parts ink from paper everywhere on the page.
pub(crate) fn even_paper(grey: &GrayImage, dpi: f32) -> GrayImage {
    let (w, h) = (grey.width() as usize, grey.height() as usize);
    // Tiles of about 1/4 inch: bigger than a letter's stroke, smaller than a shadow's edge.
    let tile = ((dpi / 4.0).round() as usize).clamp(8, 512);
    let (tw, th) = (w.div_ceil(tile), h.div_ceil(tile));
    if tw == 0 || th == 0 {
        return grey.clone();
    }
    let src = grey.as_raw();
    // Per tile, a bright percentile of its pixels (not the brightest one: a speck of noise).
    let mut paper = vec![0u8; tw * th];
    let mut hist = [0u32; 256];
    for ty in 0..th {
        for tx in 0..tw {
            hist.fill(0);
            let (x0, y0) = (tx * tile, ty * tile);
            let (x1, y1) = ((x0 + tile).min(w), (y0 + tile).min(h));
            for y in y0..y1 {
                for &v in &src[y * w + x0..y * w + x1] {
                    hist[v as usize] += 1;
                }
            }
            let n = ((x1 - x0) * (y1 - y0)) as u32;
            let mut above = 0u32;
            let mut level = 255usize;
            while level > 0 {
                above += hist[level];
                if above * 50 >= n {
                    break;
                }
                level -= 1;
            }
            paper[ty * tw + tx] = level as u8;
        }
    }
    // A tile all print (a heading's thick letters, a filled box) takes the paper of the tiles
    // around it.
    let mut spread = vec![0u8; tw * th];
    for ty in 0..th {
        for tx in 0..tw {
            let mut best = 0u8;
            for ny in ty.saturating_sub(1)..(ty + 2).min(th) {
                for nx in tx.saturating_sub(1)..(tx + 2).min(tw) {
                    best = best.max(paper[ny * tw + nx]);
                }
            }
            spread[ty * tw + tx] = best.max(1);
        }
    }
    // Between tile centres, the paper's brightness changes smoothly (bilinear).
    let at = |tx: usize, ty: usize| spread[ty.min(th - 1) * tw + tx.min(tw - 1)] as f32;
    let half = tile as f32 / 2.0;
    let mut out = vec![255u8; w * h];
    let mut row_paper = vec![0f32; w];
    for y in 0..h {
        let fy = ((y as f32 - half) / tile as f32).max(0.0);
        let (ty, wy) = (fy as usize, fy.fract());
        for (x, p) in row_paper.iter_mut().enumerate() {
            let fx = ((x as f32 - half) / tile as f32).max(0.0);
            let (tx, wx) = (fx as usize, fx.fract());
            let top = at(tx, ty) * (1.0 - wx) + at(tx + 1, ty) * wx;
            let bottom = at(tx, ty + 1) * (1.0 - wx) + at(tx + 1, ty + 1) * wx;
            *p = top * (1.0 - wy) + bottom * wy;
        }
        let row = &src[y * w..(y + 1) * w];
        for ((o, &v), &p) in out[y * w..(y + 1) * w].iter_mut().zip(row).zip(&row_paper) {
            *o = (v as f32 * 255.0 / p).min(255.0) as u8;
        }
    }
    GrayImage::from_raw(w as u32, h as u32, out).unwrap_or_else(|| grey.clone())
}

/// Ink by a looser measure, on a page whose paper is white (`even_paper`): every pixel a shade
/// darker than paper. Too loose for tick marks (a scan's grain), enough for the thin grey
/// lines of a table in a photo, which the ink map misses; used to find ruling lines only.
/// A pixel must also be some grey levels darker than its paper in `grey`, the page before it
/// was evened: in a photo's dark corner the paper is so dim that evening it multiplies the
/// camera's grain into "shades", and their runs would become ruling lines.
pub(crate) fn faint_ink(even: &GrayImage, grey: &GrayImage) -> InkMap {
    const PAPER_SHADE: u8 = 215;
    const LEAST_DEPTH: u32 = 12;
    InkMap {
        width: even.width() as usize,
        height: even.height() as usize,
        ink: even
            .as_raw()
            .iter()
            .zip(grey.as_raw())
            .map(|(&e, &g)| {
                // The paper around the pixel, as `even_paper` judged it.
                let paper = (g as u32 * 255).div_ceil(e.max(1) as u32);
                (e < PAPER_SHADE && paper >= g as u32 + LEAST_DEPTH) as u8
            })
            .collect(),
    }
}

/// Sauvola's threshold over a `window`-pixel square: ink where the pixel is darker than
/// `mean * (1 + k * (sd / 128 - 1))`. Sums over the window are kept per column and slid
/// along each row, so memory is a few rows, not the image.
pub(crate) fn sauvola(grey: &GrayImage, window: usize) -> InkMap {
    const K: f32 = 0.3;
    let (w, h) = (grey.width() as usize, grey.height() as usize);
    let mut ink = vec![0u8; w * h];
    if w == 0 || h == 0 {
        return InkMap {
            width: w,
            height: h,
            ink,
        };
    }
    let r = window / 2;
    let src = grey.as_raw();
    // Column sums over rows [y - r, y + r], clipped to the image.
    let mut col_sum = vec![0u32; w];
    let mut col_sq = vec![0u64; w];
    let add_row = |y: usize, sign: i64, col_sum: &mut [u32], col_sq: &mut [u64]| {
        let row = &src[y * w..(y + 1) * w];
        for x in 0..w {
            let v = row[x] as u32;
            if sign > 0 {
                col_sum[x] += v;
                col_sq[x] += (v * v) as u64;
            } else {
                col_sum[x] -= v;
                col_sq[x] -= (v * v) as u64;
            }
        }
    };
    for y in 0..=r.min(h - 1) {
        add_row(y, 1, &mut col_sum, &mut col_sq);
    }
    for y in 0..h {
        if y > 0 {
            if y + r < h {
                add_row(y + r, 1, &mut col_sum, &mut col_sq);
            }
            if y > r {
                add_row(y - r - 1, -1, &mut col_sum, &mut col_sq);
            }
        }
        let rows_in = (y + r).min(h - 1) - y.saturating_sub(r) + 1;
        let mut sum: u64 = 0;
        let mut sq: u64 = 0;
        for x in 0..=r.min(w - 1) {
            sum += col_sum[x] as u64;
            sq += col_sq[x];
        }
        let row = &src[y * w..(y + 1) * w];
        let out = &mut ink[y * w..(y + 1) * w];
        for x in 0..w {
            if x > 0 {
                if x + r < w {
                    sum += col_sum[x + r] as u64;
                    sq += col_sq[x + r];
                }
                if x > r {
                    sum -= col_sum[x - r - 1] as u64;
                    sq -= col_sq[x - r - 1];
                }
            }
            let cols_in = (x + r).min(w - 1) - x.saturating_sub(r) + 1;
            let n = (rows_in * cols_in) as f32;
            let mean = sum as f32 / n;
            let var = (sq as f32 / n - mean * mean).max(0.0);
            let threshold = mean * (1.0 + K * (var.sqrt() / 128.0 - 1.0));
            let v = row[x] as f32;
            // Paper-light pixels are never ink, however dark their neighbourhood.
            out[x] = (v < threshold && v < 200.0) as u8;
        }
    }
    InkMap {
        width: w,
        height: h,
        ink,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::Luma;

    /// Dark text-like bars on paper, with rows falling by `slope` per pixel.
    fn lined_page(w: u32, h: u32, slope: f32) -> GrayImage {
        GrayImage::from_fn(w, h, |x, y| {
            let yy = y as f32 - x as f32 * slope;
            let in_line = (yy as i32).rem_euclid(40) < 8 && x > 40 && x < w - 40;
            Luma([if in_line { 20 } else { 235 }])
        })
    }

    #[test]
    fn resolution_trusts_a_page_sized_statement_only() {
        assert_eq!(resolution(1654, 2339, Some(200.0)), 200.0);
        // A phone photo says 72 dpi: it is read as a page.
        let dpi = resolution(1574, 2186, Some(72.0));
        assert!((180.0..200.0).contains(&dpi), "{dpi}");
        // 300 dpi would make this image a 1-inch page: not believed.
        let dpi = resolution(300, 420, Some(300.0));
        assert!(dpi < 60.0, "{dpi}");
    }

    #[test]
    fn skew_is_found_and_taken_out() {
        let slope = 1.5f32.to_radians().tan();
        let page = lined_page(900, 1200, slope);
        let skew = estimate_skew(&page, 150.0);
        assert!((skew - 1.5).abs() <= 0.15, "found {skew}");
        let straight = rotate(&page, skew);
        let again = estimate_skew(&straight, 150.0);
        assert!(again.abs() <= 0.15, "after turning: {again}");
        assert_eq!(estimate_skew(&lined_page(900, 1200, 0.0), 150.0), 0.0);
    }

    /// In a photo's dim corner, evening the paper multiplies the camera's grain: a pixel a few
    /// grey levels under dim paper is no faint ink there, while a grey line on it is, as it is
    /// on bright paper.
    #[test]
    fn faint_ink_is_a_line_on_dim_paper_not_its_grain() {
        // Left half dim paper (40) with grain; right half bright (230); a grey line across.
        let page = GrayImage::from_fn(800, 200, |x, y| {
            let paper: u8 = if x < 400 { 40 } else { 230 };
            let grain = [0u8, 4, 10, 2, 8, 1, 6][((x * 7 + y * 13) % 7) as usize];
            Luma([if (100..103).contains(&y) {
                (paper as u16 * 2 / 3) as u8
            } else {
                paper - grain
            }])
        });
        let even = even_paper(&page, 300.0);
        // The grain alone is "a shade darker than paper" once evened.
        assert!((20..40).any(|x| even.get_pixel(x, 40)[0] < 200));
        let faint = faint_ink(&even, &page);
        let grain: usize = (20..80)
            .flat_map(|y| (20..240).map(move |x| (x, y)))
            .filter(|&(x, y)| faint.at(x, y))
            .count();
        assert_eq!(grain, 0);
        assert!(faint.at(100, 101) && faint.at(700, 101));
        assert!(!faint.at(700, 40));
    }

    #[test]
    fn sauvola_keeps_ink_and_drops_shade() {
        // Left half in shadow (grey paper), right half white; a dark bar across both.
        let page = GrayImage::from_fn(200, 100, |x, y| {
            let paper = if x < 100 { 150 } else { 240 };
            Luma([if (45..55).contains(&y) {
                paper / 4
            } else {
                paper
            }])
        });
        let ink = sauvola(&page, 31);
        assert!(ink.at(50, 50) && ink.at(150, 50));
        assert!(!ink.at(50, 10) && !ink.at(150, 10) && !ink.at(80, 90));
    }
}
