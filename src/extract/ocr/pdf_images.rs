//! PDF bytes in → the scanned image of each page out (8-bit grey, upright as the page is shown,
//! with the resolution it was scanned at): the largest image XObject a page draws, on the page
//! itself or one Form XObject down, decoded from what scanners write: DCT (JPEG), CCITT Group 3
//! and 4 fax, and raw samples behind Flate, LZW or RunLength (grey, RGB, CMYK, indexed; 1, 2,
//! 4, 8 or 16 bits), and JBIG2 (with its shared `/JBIG2Globals`), which scanners and PDF
//! optimisers write for bilevel pages. JBIG2 is read by `hayro-jbig2`, a pure-Rust decoder from a
//! maintained PDF renderer that forbids unsafe code and refuses pages over 65,535 pixels a side;
//! we check the page's stated size against the image limit before decoding it. JPEG 2000 is not
//! decoded: such a page gives no image and stays `scanned_without_text`.
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
        Some(b"JBIG2Decode") => {
            let parms = decode_parms(pdf, dict, filters.len() - 1);
            let globals = match parms
                .and_then(|p| get(pdf, p, b"JBIG2Globals"))
                .and_then(|o| o.as_stream().ok())
            {
                None => None,
                Some(g) => match g.get_plain_content_with_limit(stream_limit) {
                    Ok(d) => Some(d),
                    Err(lopdf::Error::Decompress(
                        lopdf::DecompressError::MemoryLimitExceeded { .. },
                    )) => return Err(over_stream_limit(stream_limit)),
                    Err(_) => None,
                },
            };
            jbig2(&data, globals.as_deref(), limits)?
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

/// A JBIG2 page (embedded organisation, PDF's `/JBIG2Decode`) as grey, black pels dark. The
/// page's own size, from its page information segment, is checked against the image limit
/// before its bitmap is made. `None` when the stream or its globals cannot be decoded.
fn jbig2(
    data: &[u8],
    globals: Option<&[u8]>,
    limits: &Limits,
) -> Result<Option<GrayImage>, Unreadable> {
    let settings = hayro_jbig2::DecodeSettings::default();
    let globals = match globals.map(|g| hayro_jbig2::Globals::new(g, &settings)) {
        None => None,
        Some(Ok(g)) => Some(g),
        Some(Err(_)) => return Ok(None),
    };
    let Ok(page) = hayro_jbig2::Page::new_embedded(data, globals.as_ref(), &settings) else {
        return Ok(None);
    };
    let (width, height) = (page.width(), page.height());
    decode::check_size(width, height, limits.max_image_pixels)?;
    let mut grey = GreyPels {
        pixels: Vec::with_capacity(width as usize * height as usize),
        limit: width as usize * height as usize,
    };
    if page.decode(&mut grey).is_err() {
        return Ok(None);
    }
    // A short bitmap's missing rows are paper.
    grey.pixels.resize(grey.limit, 255);
    Ok(GrayImage::from_raw(width, height, grey.pixels))
}

/// Collects a JBIG2 page's pels as 8-bit grey, never more than the page's stated size.
struct GreyPels {
    pixels: Vec<u8>,
    limit: usize,
}

impl hayro_jbig2::Decoder for GreyPels {
    fn push_pixel(&mut self, black: bool) {
        if self.pixels.len() < self.limit {
            self.pixels.push(if black { 0 } else { 255 });
        }
    }

    fn push_pixel_chunk(&mut self, black: bool, chunk_count: u32) {
        let n = (chunk_count as usize * 8).min(self.limit - self.pixels.len());
        let value = if black { 0 } else { 255 };
        self.pixels.extend(std::iter::repeat_n(value, n));
    }

    fn next_line(&mut self) {}
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A one-page PDF drawing one JBIG2 image: `page` is its embedded stream, `globals` the
    /// `/JBIG2Globals` stream when there is one.
    fn jbig2_pdf(page: &[u8], globals: Option<&[u8]>, width: i64, height: i64) -> Vec<u8> {
        let mut pdf = Document::with_version("1.5");
        let mut image = Dictionary::new();
        image.set("Type", Object::Name(b"XObject".to_vec()));
        image.set("Subtype", Object::Name(b"Image".to_vec()));
        image.set("Width", width);
        image.set("Height", height);
        image.set("ColorSpace", Object::Name(b"DeviceGray".to_vec()));
        image.set("BitsPerComponent", 1);
        image.set("Filter", Object::Name(b"JBIG2Decode".to_vec()));
        if let Some(g) = globals {
            let id = pdf.add_object(Stream::new(Dictionary::new(), g.to_vec()));
            let mut parms = Dictionary::new();
            parms.set("JBIG2Globals", Object::Reference(id));
            image.set("DecodeParms", Object::Dictionary(parms));
        }
        let image_id = pdf.add_object(Stream::new(image, page.to_vec()));
        let pages_id = pdf.new_object_id();
        let mut xobjects = Dictionary::new();
        xobjects.set("Im0", Object::Reference(image_id));
        let mut resources = Dictionary::new();
        resources.set("XObject", Object::Dictionary(xobjects));
        let contents = pdf.add_object(Stream::new(
            Dictionary::new(),
            b"q 612 0 0 792 0 0 cm /Im0 Do Q".to_vec(),
        ));
        let mut page_dict = Dictionary::new();
        page_dict.set("Type", Object::Name(b"Page".to_vec()));
        page_dict.set("Parent", Object::Reference(pages_id));
        page_dict.set("MediaBox", vec![0.into(), 0.into(), 612.into(), 792.into()]);
        page_dict.set("Resources", Object::Dictionary(resources));
        page_dict.set("Contents", Object::Reference(contents));
        let page_id = pdf.add_object(page_dict);
        let mut pages = Dictionary::new();
        pages.set("Type", Object::Name(b"Pages".to_vec()));
        pages.set("Kids", vec![Object::Reference(page_id)]);
        pages.set("Count", 1);
        pdf.objects.insert(pages_id, Object::Dictionary(pages));
        let mut catalog = Dictionary::new();
        catalog.set("Type", Object::Name(b"Catalog".to_vec()));
        catalog.set("Pages", Object::Reference(pages_id));
        let catalog_id = pdf.add_object(catalog);
        pdf.trailer.set("Root", Object::Reference(catalog_id));
        let mut out = Vec::new();
        pdf.save_to(&mut out).expect("write the PDF");
        out
    }

    /// A JBIG2 segment (embedded organisation): number, type, no referred-to segments, page 1.
    fn segment(number: u32, kind: u8, data: &[u8]) -> Vec<u8> {
        let mut out = number.to_be_bytes().to_vec();
        out.extend([kind, 0, 1]);
        out.extend((data.len() as u32).to_be_bytes());
        out.extend(data);
        out
    }

    /// A page information segment (7.4.8) stating the page's size, then the end of the page.
    fn page_of_size(width: u32, height: u32) -> Vec<u8> {
        let mut info = width.to_be_bytes().to_vec();
        info.extend(height.to_be_bytes());
        info.extend(300u32.to_be_bytes());
        info.extend(300u32.to_be_bytes());
        info.extend([0, 0, 0]);
        let mut out = segment(0, 48, &info);
        out.extend(segment(1, 49, &[]));
        out
    }

    #[test]
    fn a_jbig2_page_larger_than_the_image_limit_is_refused_before_it_is_decoded() {
        // The image dictionary claims a small image; the JBIG2 page says 60,000 x 60,000.
        let pdf = jbig2_pdf(&page_of_size(60_000, 60_000), None, 100, 100);
        match page_images(&pdf, &Limits::default()) {
            Err(Unreadable::OverLimit { limit, .. }) => assert_eq!(limit, Limit::ImagePixels),
            Err(other) => panic!("refused for another reason: {other}"),
            Ok(_) => panic!("a 3.6 gigapixel JBIG2 page was accepted"),
        }
    }

    #[test]
    fn a_jbig2_page_with_no_regions_is_blank_paper_of_its_stated_size() {
        let pdf = jbig2_pdf(&page_of_size(850, 1100), None, 850, 1100);
        let pages = page_images(&pdf, &Limits::default()).expect("the PDF is read");
        let image = pages[0].as_ref().expect("the JBIG2 page is decoded");
        assert_eq!(image.grey.dimensions(), (850, 1100));
        assert!(image.grey.as_raw().iter().all(|&p| p == 255));
        assert!((image.dpi.unwrap() - 100.0).abs() < 0.5);
    }

    #[test]
    fn damaged_jbig2_data_or_globals_give_no_image_and_no_panic() {
        let garbage: Vec<u8> = (0..4096u32)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
            .collect();
        let limits = Limits::default();
        for pdf in [
            jbig2_pdf(&garbage, None, 850, 1100),
            jbig2_pdf(&page_of_size(850, 1100), Some(&garbage), 850, 1100),
            jbig2_pdf(&page_of_size(850, 1100)[..20], None, 850, 1100),
            jbig2_pdf(&[], None, 850, 1100),
        ] {
            let pages = page_images(&pdf, &limits).expect("the PDF itself is sound");
            assert!(pages[0].is_none());
        }
    }

    #[test]
    fn a_scanners_jbig2_pages_are_decoded_as_the_scan() {
        // Made by scripts/make_jbig2_scans.py: a symbol dictionary shared by two pages through
        // /JBIG2Globals, at 300 dpi; poppler decodes it to the same bitmap.
        let pdf = include_bytes!(
            "../../../fixtures/scans-jbig2/forms/official_jbig2_300dpi_two_pages.pdf"
        );
        let pages = page_images(pdf, &Limits::default()).expect("the PDF is read");
        assert_eq!(pages.len(), 2);
        for page in &pages {
            let page = page.as_ref().expect("each JBIG2 page is decoded");
            let (w, h) = page.grey.dimensions();
            assert!(
                (2400..2600).contains(&w) && (3400..3600).contains(&h),
                "{w} x {h}"
            );
            assert!((page.dpi.unwrap() - 300.0).abs() < 1.0);
            // Black text on white paper: the top margin is paper (a few specks of dust at most).
            let dark_in = |y0: u32, y1: u32| {
                (y0..y1)
                    .flat_map(|y| (0..w).map(move |x| (x, y)))
                    .filter(|&(x, y)| page.grey.get_pixel(x, y).0[0] < 128)
                    .count()
            };
            let margin = dark_in(0, 100);
            assert!(margin < 100, "{margin} dark pixels in the top margin");
            let ink = dark_in(0, h);
            let share = ink as f64 / (w as f64 * h as f64);
            assert!(
                (0.005..0.2).contains(&share),
                "ink covers {share} of the page"
            );
        }
    }
}
