//! PDF bytes in → the scanned image of each page out (8-bit grey, upright as the page is shown,
//! with the resolution it was scanned at): the largest image XObject a page draws, on the page
//! itself or one Form XObject down, decoded from what scanners write: DCT (JPEG), CCITT Group 3
//! and 4 fax, and raw samples behind Flate, LZW or RunLength (grey, RGB, CMYK, indexed; 1, 2,
//! 4, 8 or 16 bits). JBIG2 and JPEG 2000 are not decoded yet: such a page gives no image and
//! stays `scanned_without_text`. Pure-Rust, memory-safe decoders for both now exist
//! (`hayro-jbig2`, `hayro-jpeg2000`, from a maintained PDF renderer); wiring them in needs
//! fixtures made by a JBIG2 encoder and is not done.
//!
//! Every size is checked before decoding: the image's stated pixels against the image limit,
//! decoded streams against `max_pdf_stream_bytes`, pages against `max_pdf_pages`, the page
//! tree's depth against `max_nesting`, and a page tree that points into itself is read once.

use super::{PageImage, decode};
use crate::extract::pdf::{TreePage, page_tree};
use crate::extract::{Limit, Unreadable};
use crate::limits::Limits;
use image::GrayImage;
use lopdf::{Dictionary, Document, Object, Stream};

const MAX_REFERENCE_HOPS: usize = 32;

/// The scanned image of each page, in page order (`None` for a page with no image read).
pub(crate) fn page_images(
    bytes: &[u8],
    limits: &Limits,
) -> Result<Vec<Option<PageImage>>, Unreadable> {
    let options = lopdf::LoadOptions {
        max_decompressed_size: Some(limits.max_pdf_stream_bytes),
        ..lopdf::LoadOptions::default()
    };
    let pdf = Document::load_mem_with_options(bytes, options)
        .map_err(|e| Unreadable::malformed(format!("PDF is corrupt or truncated: {e}")))?;
    if pdf.trailer.has(b"Encrypt") {
        return Err(Unreadable::Encrypted);
    }
    let pages: Vec<Page> = page_tree(&pdf, limits).iter().map(Page::of).collect();
    let mut out = Vec::with_capacity(pages.len());
    for page in &pages {
        out.push(page_image(&pdf, page, limits)?);
    }
    Ok(out)
}

struct Page<'a> {
    resources: Option<&'a Dictionary>,
    /// Width and height in points, before rotation.
    size: (f32, f32),
    /// Clockwise quarter turns the viewer applies (`/Rotate` / 90).
    quarter_turns: u8,
}

impl<'a> Page<'a> {
    /// A leaf of the page tree with what it inherits (US Letter when it gives no media box).
    fn of(tree: &TreePage<'a>) -> Page<'a> {
        let here = &tree.inherited;
        let [x0, y0, x1, y1] = here.media_box.unwrap_or([0.0, 0.0, 612.0, 792.0]);
        let side = |v: f32| if v.is_finite() && v >= 1.0 { v } else { 612.0 };
        Page {
            resources: here.resources,
            size: (side((x1 - x0).abs()), side((y1 - y0).abs())),
            quarter_turns: (here.rotate.rem_euclid(360) / 90) as u8,
        }
    }
}

fn resolve<'a>(pdf: &'a Document, object: &'a Object) -> Option<&'a Object> {
    let mut current = object;
    for _ in 0..MAX_REFERENCE_HOPS {
        match current {
            Object::Reference(id) => current = pdf.objects.get(id)?,
            other => return Some(other),
        }
    }
    None
}

fn get<'a>(pdf: &'a Document, dict: &'a Dictionary, key: &[u8]) -> Option<&'a Object> {
    resolve(pdf, dict.get(key).ok()?)
}

fn number(o: &Object) -> Option<f32> {
    match o {
        Object::Integer(i) => Some(*i as f32),
        Object::Real(r) => Some(*r),
        _ => None,
    }
}

fn integer(pdf: &Document, dict: &Dictionary, key: &[u8]) -> Option<i64> {
    match get(pdf, dict, key)? {
        Object::Integer(i) => Some(*i),
        Object::Real(r) if r.is_finite() => Some(*r as i64),
        _ => None,
    }
}

/// The page's largest image, decoded, turned as the viewer shows the page.
fn page_image(
    pdf: &Document,
    page: &Page<'_>,
    limits: &Limits,
) -> Result<Option<PageImage>, Unreadable> {
    let mut candidates: Vec<&Stream> = Vec::new();
    collect_images(pdf, page.resources, 0, &mut candidates);
    let area = |s: &&Stream| -> u64 {
        let w = integer(pdf, &s.dict, b"Width").unwrap_or(0).max(0) as u64;
        let h = integer(pdf, &s.dict, b"Height").unwrap_or(0).max(0) as u64;
        w.saturating_mul(h)
    };
    let Some(stream) = candidates.into_iter().max_by_key(area) else {
        return Ok(None);
    };
    let Some(mut grey) = decode_image(pdf, stream, limits)? else {
        return Ok(None);
    };
    for _ in 0..page.quarter_turns {
        grey = image::imageops::rotate90(&grey);
    }
    let (page_w, _) = if page.quarter_turns % 2 == 1 {
        (page.size.1, page.size.0)
    } else {
        page.size
    };
    // A scan fills its page: the image's pixels over the page's inches.
    let dpi = grey.width() as f32 / (page_w / 72.0);
    Ok(Some(PageImage {
        grey,
        dpi: Some(dpi),
    }))
}

/// Image XObjects drawn by a resource dictionary, and by the Form XObjects in it (two levels).
fn collect_images<'a>(
    pdf: &'a Document,
    resources: Option<&'a Dictionary>,
    depth: usize,
    out: &mut Vec<&'a Stream>,
) {
    let Some(xobjects) = resources
        .and_then(|r| get(pdf, r, b"XObject"))
        .and_then(|o| o.as_dict().ok())
    else {
        return;
    };
    for (_, object) in xobjects.iter().take(256) {
        let Some(stream) = resolve(pdf, object).and_then(|o| o.as_stream().ok()) else {
            continue;
        };
        match get(pdf, &stream.dict, b"Subtype").and_then(|o| o.as_name().ok()) {
            Some(b"Image") => out.push(stream),
            Some(b"Form") if depth < 2 => {
                let inner = get(pdf, &stream.dict, b"Resources").and_then(|o| o.as_dict().ok());
                collect_images(pdf, inner, depth + 1, out);
            }
            _ => {}
        }
    }
}

fn filter_names<'a>(pdf: &'a Document, dict: &'a Dictionary) -> Vec<&'a [u8]> {
    match get(pdf, dict, b"Filter") {
        Some(Object::Name(n)) => vec![n.as_slice()],
        Some(Object::Array(a)) => a
            .iter()
            .filter_map(|o| resolve(pdf, o).and_then(|o| o.as_name().ok()))
            .collect(),
        _ => Vec::new(),
    }
}

/// The `/DecodeParms` of filter `index`.
fn decode_parms<'a>(
    pdf: &'a Document,
    dict: &'a Dictionary,
    index: usize,
) -> Option<&'a Dictionary> {
    match get(pdf, dict, b"DecodeParms")? {
        Object::Dictionary(d) => Some(d),
        Object::Array(a) => a.get(index).and_then(|o| resolve(pdf, o)?.as_dict().ok()),
        _ => None,
    }
}

fn over_stream_limit(limit: usize) -> Unreadable {
    Unreadable::over(
        Limit::PdfStreamBytes,
        format!("a PDF image decompresses to more than {limit} bytes"),
    )
}

/// An image XObject as 8-bit grey; `None` for an encoding that is not read.
fn decode_image(
    pdf: &Document,
    stream: &Stream,
    limits: &Limits,
) -> Result<Option<GrayImage>, Unreadable> {
    let dict = &stream.dict;
    let width = integer(pdf, dict, b"Width").unwrap_or(0);
    let height = integer(pdf, dict, b"Height").unwrap_or(0);
    if width <= 0 || height <= 0 || width > u32::MAX as i64 || height > u32::MAX as i64 {
        return Ok(None);
    }
    let (width, height) = (width as u32, height as u32);
    decode::check_size(width, height, limits.max_image_pixels)?;
    let stream_limit = limits.max_pdf_stream_bytes;

    let filters = filter_names(pdf, dict);
    let (image_filter, generic) = match filters.split_last() {
        Some((last, rest))
            if matches!(
                *last,
                b"DCTDecode" | b"DCT" | b"CCITTFaxDecode" | b"CCF" | b"JBIG2Decode" | b"JPXDecode"
            ) =>
        {
            (Some(*last), rest)
        }
        _ => (None, filters.as_slice()),
    };
    // The bytes under the image filter (or the samples when there is none).
    let data = if generic.is_empty() && image_filter.is_some() {
        stream.content.clone()
    } else {
        let mut plain = Stream::new(Dictionary::new(), stream.content.clone());
        if !generic.is_empty() {
            plain.dict.set(
                "Filter",
                Object::Array(generic.iter().map(|n| Object::Name(n.to_vec())).collect()),
            );
            if image_filter.is_none()
                && let Some(Object::Dictionary(p)) = get(pdf, dict, b"DecodeParms")
            {
                plain.dict.set("DecodeParms", Object::Dictionary(p.clone()));
            }
        }
        match plain.get_plain_content_with_limit(stream_limit) {
            Ok(d) => d,
            Err(lopdf::Error::Decompress(lopdf::DecompressError::MemoryLimitExceeded {
                ..
            })) => return Err(over_stream_limit(stream_limit)),
            Err(_) => return Ok(None),
        }
    };

    let inverted = decode_inverted(pdf, dict);
    let mut grey = match image_filter {
        Some(b"DCTDecode" | b"DCT") => {
            if decode::format_of(&data) != Some(decode::Format::Jpeg) {
                return Ok(None);
            }
            // PDF viewers ignore a JPEG's EXIF orientation, so it is not applied here.
            Some(decode::decode_jpeg_unrotated(
                &data,
                limits.max_image_pixels,
            )?)
        }
        Some(b"CCITTFaxDecode" | b"CCF") => {
            let parms = decode_parms(pdf, dict, filters.len() - 1);
            ccitt(pdf, &data, parms, width, height)
        }
        Some(_) => None,
        None => raw_samples(pdf, dict, &data, width, height),
    };
    if let Some(g) = grey.as_mut()
        && inverted
    {
        image::imageops::invert(g);
    }
    // A page is mostly paper: an image that came out mostly black was read with its colours
    // the wrong way round (a producer's Decode or BlackIs1 mistake).
    if let Some(g) = grey.as_mut() {
        let dark = g.as_raw().iter().filter(|&&p| p < 128).count();
        if dark * 10 > g.as_raw().len() * 7 {
            image::imageops::invert(g);
        }
    }
    Ok(grey)
}

/// `/Decode [1 0]` on a one-component image: samples read the other way round.
fn decode_inverted(pdf: &Document, dict: &Dictionary) -> bool {
    get(pdf, dict, b"Decode")
        .and_then(|o| o.as_array().ok())
        .and_then(|a| {
            let first = resolve(pdf, a.first()?).and_then(number)?;
            let second = resolve(pdf, a.get(1)?).and_then(number)?;
            Some(first > second)
        })
        .unwrap_or(false)
}

/// CCITT Group 3 or 4 fax data as grey (black pels dark, as `BlackIs1` false means).
fn ccitt(
    pdf: &Document,
    data: &[u8],
    parms: Option<&Dictionary>,
    width: u32,
    height: u32,
) -> Option<GrayImage> {
    let k = parms.and_then(|p| integer(pdf, p, b"K")).unwrap_or(0);
    let columns = parms
        .and_then(|p| integer(pdf, p, b"Columns"))
        .unwrap_or(1728)
        .clamp(1, u16::MAX as i64) as u16;
    let black_is_1 = matches!(
        parms.and_then(|p| get(pdf, p, b"BlackIs1")),
        Some(Object::Boolean(true))
    );
    if columns as u32 != width || height > u16::MAX as u32 {
        return None;
    }
    let mut pixels: Vec<u8> = Vec::with_capacity(width as usize * height as usize);
    let mut rows = 0u32;
    let mut line = |transitions: &[u16]| {
        if rows >= height {
            return;
        }
        rows += 1;
        pixels.extend(fax::decoder::pels(transitions, columns).map(|c| match c {
            fax::Color::Black => 0u8,
            fax::Color::White => 255u8,
        }));
    };
    let ok = if k < 0 {
        fax::decoder::decode_g4(
            data.iter().copied(),
            columns,
            Some(height as u16),
            &mut line,
        )
    } else {
        fax::decoder::decode_g3(data.iter().copied(), &mut line)
    };
    if ok.is_none() && rows == 0 {
        return None;
    }
    // Lines a damaged stream did not give are paper.
    pixels.resize(width as usize * height as usize, 255);
    let mut grey = GrayImage::from_raw(width, height, pixels)?;
    if black_is_1 {
        // The producer says its 1 bits are black: the decoded colours are the other way round.
        image::imageops::invert(&mut grey);
    }
    Some(grey)
}

/// The colour space's components, and for `/Indexed` the palette as grey.
enum Space {
    Components(usize),
    Indexed(Vec<u8>),
}

fn colour_space(pdf: &Document, dict: &Dictionary) -> Option<Space> {
    if matches!(get(pdf, dict, b"ImageMask"), Some(Object::Boolean(true))) {
        return Some(Space::Components(1));
    }
    space_of(pdf, get(pdf, dict, b"ColorSpace")?, 0)
}

fn space_of(pdf: &Document, cs: &Object, depth: usize) -> Option<Space> {
    if depth > 4 {
        return None;
    }
    match cs {
        Object::Name(n) => match n.as_slice() {
            b"DeviceGray" | b"CalGray" | b"G" => Some(Space::Components(1)),
            b"DeviceRGB" | b"CalRGB" | b"RGB" => Some(Space::Components(3)),
            b"DeviceCMYK" | b"CMYK" => Some(Space::Components(4)),
            _ => None,
        },
        Object::Array(a) => {
            let kind = resolve(pdf, a.first()?)?.as_name().ok()?;
            match kind {
                b"ICCBased" => {
                    let s = resolve(pdf, a.get(1)?)?.as_stream().ok()?;
                    match integer(pdf, &s.dict, b"N")? {
                        1 => Some(Space::Components(1)),
                        3 => Some(Space::Components(3)),
                        4 => Some(Space::Components(4)),
                        _ => None,
                    }
                }
                b"CalGray" => Some(Space::Components(1)),
                b"CalRGB" | b"Lab" => Some(Space::Components(3)),
                b"Indexed" | b"I" => {
                    let base = space_of(pdf, resolve(pdf, a.get(1)?)?, depth + 1)?;
                    let Space::Components(n) = base else {
                        return None;
                    };
                    let table: Vec<u8> = match resolve(pdf, a.get(3)?)? {
                        Object::String(s, _) => s.clone(),
                        Object::Stream(s) => s.get_plain_content_with_limit(256 * 4).ok()?,
                        _ => return None,
                    };
                    let palette = table
                        .chunks_exact(n)
                        .take(256)
                        .map(|c| sample_grey(c, n))
                        .collect();
                    Some(Space::Indexed(palette))
                }
                _ => None,
            }
        }
        _ => None,
    }
}

/// One pixel's 8-bit components as grey.
fn sample_grey(c: &[u8], n: usize) -> u8 {
    match n {
        1 => c[0],
        3 => ((c[0] as u32 * 299 + c[1] as u32 * 587 + c[2] as u32 * 114) / 1000) as u8,
        4 => {
            let k = 255 - c[3] as u32;
            let r = (255 - c[0] as u32) * k / 255;
            let g = (255 - c[1] as u32) * k / 255;
            let b = (255 - c[2] as u32) * k / 255;
            ((r * 299 + g * 587 + b * 114) / 1000) as u8
        }
        _ => 255,
    }
}

/// Raw samples (after Flate and the like) as grey.
fn raw_samples(
    pdf: &Document,
    dict: &Dictionary,
    data: &[u8],
    width: u32,
    height: u32,
) -> Option<GrayImage> {
    let space = colour_space(pdf, dict)?;
    let bpc = if matches!(get(pdf, dict, b"ImageMask"), Some(Object::Boolean(true))) {
        1
    } else {
        integer(pdf, dict, b"BitsPerComponent").unwrap_or(8)
    };
    if !matches!(bpc, 1 | 2 | 4 | 8 | 16) {
        return None;
    }
    let bpc = bpc as usize;
    let components = match &space {
        Space::Components(n) => *n,
        Space::Indexed(_) => 1,
    };
    let (w, h) = (width as usize, height as usize);
    let row_bytes = (w * components * bpc).div_ceil(8);
    if data.len() < row_bytes.checked_mul(h)? {
        return None;
    }
    let max = (1u32 << bpc.min(8)) - 1;
    let mut pixels = Vec::with_capacity(w * h);
    let mut px = [0u8; 4];
    for row in data.chunks_exact(row_bytes).take(h) {
        for x in 0..w {
            for (c, slot) in px.iter_mut().enumerate().take(components) {
                let i = x * components + c;
                let v = match bpc {
                    8 => row[i] as u32,
                    16 => row[2 * i] as u32,
                    _ => {
                        let bit = i * bpc;
                        ((row[bit / 8] >> (8 - bpc - bit % 8)) as u32) & max
                    }
                };
                *slot = match (&space, bpc) {
                    (Space::Indexed(_), _) => v as u8,
                    (_, 8 | 16) => v as u8,
                    _ => (v * 255 / max) as u8,
                };
            }
            pixels.push(match &space {
                Space::Indexed(palette) => palette.get(px[0] as usize).copied().unwrap_or(255),
                Space::Components(n) => sample_grey(&px[..*n], *n),
            });
        }
    }
    GrayImage::from_raw(width, height, pixels)
}
