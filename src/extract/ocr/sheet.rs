//! A photo of a sheet of paper in (grey; the sheet lying on a darker desk, seen at a slant, so
//! its edges are not square) → the sheet alone, squared up: its four edges found and its
//! corners carried to a rectangle's (a perspective warp). A scan, or a photo without a desk
//! around the sheet, comes back as it was.
//!
//! A phone held over a form sees it as a trapezium: one rotation cannot straighten both its top
//! and its bottom, and a table's lines converge, so rows and columns do not line up. Squared
//! up, the page reads like a scan.

use image::GrayImage;
use image::imageops::FilterType;

/// The long side of the small copy the sheet is looked for in, in pixels.
const SEARCH_SIDE: f32 = 600.0;
/// Least part of the picture the sheet covers.
const MIN_SHEET_SHARE: f32 = 0.25;
/// Least part of the picture's border that is desk (darker than the sheet): a scan's border is
/// paper.
const MIN_DESK_BORDER: f32 = 0.35;
/// Most pixels of the squared-up sheet.
const MAX_SHEET_PIXELS: f32 = 40_000_000.0;

/// A point in pixels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Point {
    pub x: f32,
    pub y: f32,
}

/// The sheet in `grey` squared up, or `None` when there is no sheet on a desk to square up
/// (a scan, a photo filled by the page, a picture with no clear four-sided sheet).
pub(crate) fn squared_sheet(grey: &GrayImage) -> Option<GrayImage> {
    let corners = sheet_corners(grey)?;
    let [tl, tr, br, bl] = corners;
    let dist = |a: Point, b: Point| ((a.x - b.x).powi(2) + (a.y - b.y).powi(2)).sqrt();
    let width = (dist(tl, tr) + dist(bl, br)) / 2.0;
    let height = (dist(tl, bl) + dist(tr, br)) / 2.0;
    if width < 50.0 || height < 50.0 || width * height > MAX_SHEET_PIXELS {
        return None;
    }
    let (w, h) = (width.round() as u32, height.round() as u32);
    let map = homography(
        [
            Point { x: 0.0, y: 0.0 },
            Point {
                x: w as f32,
                y: 0.0,
            },
            Point {
                x: w as f32,
                y: h as f32,
            },
            Point {
                x: 0.0,
                y: h as f32,
            },
        ],
        corners,
    )?;
    Some(warp(grey, &map, w, h))
}

/// The sheet's corners (top-left, top-right, bottom-right, bottom-left) in `grey`'s pixels.
pub(crate) fn sheet_corners(grey: &GrayImage) -> Option<[Point; 4]> {
    let (gw, gh) = (grey.width() as f32, grey.height() as f32);
    let scale = (gw.max(gh) / SEARCH_SIDE).max(1.0);
    let (sw, sh) = (
        ((gw / scale).round() as u32).max(1),
        ((gh / scale).round() as u32).max(1),
    );
    let small = image::imageops::resize(grey, sw, sh, FilterType::Triangle);
    let (w, h) = (sw as usize, sh as usize);
    if w < 20 || h < 20 {
        return None;
    }
    let pixels = small.as_raw();
    let threshold = otsu(pixels)?;
    let paper: Vec<bool> = pixels.iter().map(|&v| v > threshold).collect();
    // A desk around the sheet: much of the picture's border is darker than the paper.
    let border: Vec<usize> = (0..w)
        .flat_map(|x| [x, (h - 1) * w + x])
        .chain((0..h).flat_map(|y| [y * w, y * w + w - 1]))
        .collect();
    let desk = border.iter().filter(|&&i| !paper[i]).count();
    if (desk as f32) < MIN_DESK_BORDER * border.len() as f32 {
        return None;
    }
    let sheet = largest_region(&paper, w, h)?;
    let area = sheet.iter().filter(|&&s| s).count();
    if (area as f32) < MIN_SHEET_SHARE * (w * h) as f32 {
        return None;
    }
    // The sheet's outline: per column its top and bottom, per row its left and right.
    let mut top = vec![None; w];
    let mut bottom = vec![None; w];
    let mut left = vec![None; h];
    let mut right = vec![None; h];
    for y in 0..h {
        for x in 0..w {
            if sheet[y * w + x] {
                top[x] = top[x].or(Some(y));
                bottom[x] = Some(y);
                left[y] = left[y].or(Some(x));
                right[y] = Some(x);
            }
        }
    }
    // Each edge fitted over the middle of its run (the corners may be dog-eared or shaded).
    let columns: Vec<usize> = (0..w).filter(|&x| top[x].is_some()).collect();
    let rows: Vec<usize> = (0..h).filter(|&y| left[y].is_some()).collect();
    let middle = |v: &[usize]| -> Vec<usize> {
        let n = v.len();
        v[n / 8..n - n / 8].to_vec()
    };
    let (columns, rows) = (middle(&columns), middle(&rows));
    let fit_top = fit(columns.iter().map(|&x| Some((x as f32, top[x]? as f32))))?;
    let fit_bottom = fit(columns
        .iter()
        .map(|&x| Some((x as f32, bottom[x]? as f32 + 1.0))))?;
    let fit_left = fit(rows.iter().map(|&y| Some((y as f32, left[y]? as f32))))?;
    let fit_right = fit(rows
        .iter()
        .map(|&y| Some((y as f32, right[y]? as f32 + 1.0))))?;
    // Nearly level and upright edges only: a sheet turned further is not a form photographed
    // from above.
    if [fit_top, fit_bottom, fit_left, fit_right]
        .iter()
        .any(|l| l.0.abs() > 0.2)
    {
        return None;
    }
    let corner = |level: (f32, f32), upright: (f32, f32)| -> Point {
        // y = a x + b and x = c y + d.
        let (a, b) = level;
        let (c, d) = upright;
        let y = (a * d + b) / (1.0 - a * c);
        let x = c * y + d;
        Point {
            x: x * gw / sw as f32,
            y: y * gh / sh as f32,
        }
    };
    let corners = [
        corner(fit_top, fit_left),
        corner(fit_top, fit_right),
        corner(fit_bottom, fit_right),
        corner(fit_bottom, fit_left),
    ];
    // The four-sided shape must be the region: not a sheet cut by the picture's edge, nor a
    // shape of another kind.
    let quad_area = shoelace(&corners) / (gw / sw as f32) / (gh / sh as f32);
    let ratio = quad_area / area as f32;
    if !(0.92..=1.08).contains(&ratio) {
        return None;
    }
    // Already square with the picture: nothing to do.
    let off = corners
        .iter()
        .zip([(0.0, 0.0), (gw, 0.0), (gw, gh), (0.0, gh)])
        .map(|(c, (x, y))| ((c.x - x).powi(2) + (c.y - y).powi(2)).sqrt())
        .fold(0.0f32, f32::max);
    if off < 0.01 * (gw + gh) {
        return None;
    }
    Some(corners)
}

/// Otsu's threshold of 8-bit pixels: the level that best parts them in two classes.
fn otsu(pixels: &[u8]) -> Option<u8> {
    let mut hist = [0u64; 256];
    for &v in pixels {
        hist[v as usize] += 1;
    }
    let total = pixels.len() as f64;
    let sum: f64 = hist
        .iter()
        .enumerate()
        .map(|(v, &n)| v as f64 * n as f64)
        .sum();
    let (mut below, mut below_sum) = (0f64, 0f64);
    let mut best = (0f64, None);
    for (t, &n) in hist.iter().enumerate() {
        below += n as f64;
        below_sum += t as f64 * n as f64;
        let above = total - below;
        if below == 0.0 || above == 0.0 {
            continue;
        }
        let (m0, m1) = (below_sum / below, (sum - below_sum) / above);
        let between = below * above * (m0 - m1) * (m0 - m1);
        if between > best.0 {
            best = (between, Some(t as u8));
        }
    }
    best.1
}

/// The largest 4-connected region of `on` pixels.
fn largest_region(on: &[bool], w: usize, h: usize) -> Option<Vec<bool>> {
    let mut label = vec![0u32; w * h];
    let mut best = (0usize, 0u32);
    let mut next = 0u32;
    let mut stack = Vec::new();
    for start in 0..w * h {
        if !on[start] || label[start] != 0 {
            continue;
        }
        next += 1;
        label[start] = next;
        stack.push(start);
        let mut size = 0;
        while let Some(i) = stack.pop() {
            size += 1;
            let (x, y) = (i % w, i / w);
            let mut visit = |j: usize| {
                if on[j] && label[j] == 0 {
                    label[j] = next;
                    stack.push(j);
                }
            };
            if x > 0 {
                visit(i - 1);
            }
            if x + 1 < w {
                visit(i + 1);
            }
            if y > 0 {
                visit(i - w);
            }
            if y + 1 < h {
                visit(i + w);
            }
        }
        if size > best.0 {
            best = (size, next);
        }
    }
    (best.0 > 0).then(|| label.iter().map(|&l| l == best.1).collect())
}

/// The line `v = a u + b` through points `(u, v)` by least squares, fitted again without the
/// points far from the first fit (a shadow, a thumb, a dog-ear).
fn fit(points: impl Iterator<Item = Option<(f32, f32)>>) -> Option<(f32, f32)> {
    let points: Vec<(f32, f32)> = points.flatten().collect();
    let once = |pts: &[(f32, f32)]| -> Option<(f32, f32)> {
        let n = pts.len() as f32;
        if n < 10.0 {
            return None;
        }
        let (su, sv) = pts.iter().fold((0.0, 0.0), |a, p| (a.0 + p.0, a.1 + p.1));
        let (mu, mv) = (su / n, sv / n);
        let (mut suu, mut suv) = (0.0, 0.0);
        for &(u, v) in pts {
            suu += (u - mu) * (u - mu);
            suv += (u - mu) * (v - mv);
        }
        if suu <= f32::EPSILON {
            return None;
        }
        let a = suv / suu;
        Some((a, mv - a * mu))
    };
    let (a, b) = once(&points)?;
    let close: Vec<(f32, f32)> = points
        .iter()
        .copied()
        .filter(|&(u, v)| (v - (a * u + b)).abs() <= 1.5)
        .collect();
    once(&close).or(Some((a, b)))
}

/// Twice-halved shoelace: the area of a four-sided shape.
fn shoelace(c: &[Point; 4]) -> f32 {
    let mut s = 0.0;
    for i in 0..4 {
        let (p, q) = (c[i], c[(i + 1) % 4]);
        s += p.x * q.y - q.x * p.y;
    }
    s.abs() / 2.0
}

/// The projective map carrying `from[i]` to `to[i]` (3×3, row-major, last entry 1), or `None`
/// when the points are degenerate.
fn homography(from: [Point; 4], to: [Point; 4]) -> Option<[f64; 9]> {
    // Eight equations in the eight unknowns h0..h7.
    let mut m = [[0f64; 9]; 8];
    for i in 0..4 {
        let (x, y) = (from[i].x as f64, from[i].y as f64);
        let (u, v) = (to[i].x as f64, to[i].y as f64);
        m[2 * i] = [x, y, 1.0, 0.0, 0.0, 0.0, -u * x, -u * y, u];
        m[2 * i + 1] = [0.0, 0.0, 0.0, x, y, 1.0, -v * x, -v * y, v];
    }
    // Gaussian elimination with partial pivoting.
    for col in 0..8 {
        let pivot = (col..8).max_by(|&a, &b| m[a][col].abs().total_cmp(&m[b][col].abs()))?;
        if m[pivot][col].abs() < 1e-9 {
            return None;
        }
        m.swap(col, pivot);
        let pivot_row = m[col];
        for (r, row) in m.iter_mut().enumerate() {
            if r != col {
                let f = row[col] / pivot_row[col];
                for (a, b) in row[col..].iter_mut().zip(&pivot_row[col..]) {
                    *a -= f * b;
                }
            }
        }
    }
    let mut h = [0f64; 9];
    for (i, hi) in h.iter_mut().enumerate().take(8) {
        *hi = m[i][8] / m[i][i];
    }
    h[8] = 1.0;
    h.iter().all(|v| v.is_finite()).then_some(h)
}

/// The `w` × `h` picture whose pixel (x, y) is `grey` at `map`(x, y), bilinear; white where
/// the map falls outside `grey`.
fn warp(grey: &GrayImage, map: &[f64; 9], w: u32, h: u32) -> GrayImage {
    let (sw, sh) = (grey.width() as usize, grey.height() as usize);
    let src = grey.as_raw();
    let mut out = vec![255u8; w as usize * h as usize];
    for (y, row) in out.chunks_mut(w as usize).enumerate() {
        let yc = y as f64 + 0.5;
        for (x, px) in row.iter_mut().enumerate() {
            let xc = x as f64 + 0.5;
            let d = map[6] * xc + map[7] * yc + map[8];
            if d.abs() < 1e-12 {
                continue;
            }
            let sx = (map[0] * xc + map[1] * yc + map[2]) / d - 0.5;
            let sy = (map[3] * xc + map[4] * yc + map[5]) / d - 0.5;
            if !(0.0..(sw - 1) as f64).contains(&sx) || !(0.0..(sh - 1) as f64).contains(&sy) {
                continue;
            }
            let (x0, y0) = (sx as usize, sy as usize);
            let (fx, fy) = ((sx - x0 as f64) as f32, (sy - y0 as f64) as f32);
            let i = y0 * sw + x0;
            let top = src[i] as f32 * (1.0 - fx) + src[i + 1] as f32 * fx;
            let bottom = src[i + sw] as f32 * (1.0 - fx) + src[i + sw + 1] as f32 * fx;
            *px = (top * (1.0 - fy) + bottom * fy + 0.5) as u8;
        }
    }
    GrayImage::from_raw(w, h, out).unwrap_or_else(|| grey.clone())
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::Luma;

    /// A light sheet with corners `c` on a dark desk, with a dark bar across its middle.
    fn photo(w: u32, h: u32, c: [Point; 4]) -> GrayImage {
        let inside = |x: f32, y: f32| {
            (0..4).all(|i| {
                let (p, q) = (c[i], c[(i + 1) % 4]);
                (q.x - p.x) * (y - p.y) - (q.y - p.y) * (x - p.x) >= 0.0
            })
        };
        GrayImage::from_fn(w, h, |x, y| {
            let (fx, fy) = (x as f32 + 0.5, y as f32 + 0.5);
            Luma([if inside(fx, fy) { 230 } else { 70 }])
        })
    }

    #[test]
    fn a_slanted_sheet_on_a_desk_is_found_and_squared_up() {
        let c = [
            Point { x: 120.0, y: 80.0 },
            Point { x: 880.0, y: 110.0 },
            Point {
                x: 930.0,
                y: 1250.0,
            },
            Point { x: 70.0, y: 1220.0 },
        ];
        let img = photo(1000, 1330, c);
        let found = sheet_corners(&img).expect("a sheet");
        for (f, t) in found.iter().zip(c) {
            assert!(
                (f.x - t.x).abs() < 4.0 && (f.y - t.y).abs() < 4.0,
                "{found:?} vs {c:?}"
            );
        }
        let sheet = squared_sheet(&img).expect("squared up");
        // Nearly all paper: the desk is gone.
        let dark = sheet.as_raw().iter().filter(|&&v| v < 150).count();
        assert!(dark * 100 < sheet.as_raw().len(), "{dark} dark pixels");
        let (w, h) = (sheet.width() as f32, sheet.height() as f32);
        assert!(
            (w - 810.0).abs() < 15.0 && (h - 1140.0).abs() < 15.0,
            "{w}x{h}"
        );
    }

    #[test]
    fn a_scan_is_left_alone() {
        // White all over with a dark block of print: no desk around it.
        let img = GrayImage::from_fn(800, 1100, |x, y| {
            Luma([if (100..700).contains(&x) && (200..260).contains(&y) {
                20
            } else {
                245
            }])
        });
        assert!(sheet_corners(&img).is_none());
        // A sheet that fills the photo: nothing to square up.
        let full = photo(
            800,
            1100,
            [
                Point { x: 0.0, y: 0.0 },
                Point { x: 800.0, y: 0.0 },
                Point {
                    x: 800.0,
                    y: 1100.0,
                },
                Point { x: 0.0, y: 1100.0 },
            ],
        );
        assert!(sheet_corners(&full).is_none());
    }
}
