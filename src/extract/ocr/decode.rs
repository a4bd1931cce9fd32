//! Image file bytes in (JPEG, PNG, TIFF, one page or many) → upright 8-bit grey pages with the
//! resolution they were made at; a file too big to decode is refused by its header, before any
//! pixel is decoded.
//!
//! Decoders: the `image` crate (zune-jpeg, png) for JPEG and PNG, with its allocation limits set,
//! and the `tiff` crate for TIFF (every page, LZW/Deflate/PackBits/CCITT G3 and G4/JPEG), with
//! its buffer limits set. Photos are turned upright by their EXIF orientation. 16-bit, CMYK,
//! alpha and palette images all become 8-bit grey (alpha composed over white paper).

use super::{MAX_IMAGE_SIDE, PageImage};
use crate::extract::{Limit, Unreadable};
use image::{DynamicImage, GrayImage, ImageDecoder, ImageReader, Luma};
use std::io::Cursor;

/// The image formats read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    Jpeg,
    Png,
    Tiff,
}

/// The format of an image file, by its first bytes.
pub(crate) fn format_of(bytes: &[u8]) -> Option<Format> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(Format::Jpeg)
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(Format::Png)
    } else if bytes.starts_with(b"II*\0") || bytes.starts_with(b"MM\0*") {
        Some(Format::Tiff)
    } else {
        None
    }
}

/// Whether a JPEG stops before its end marker (a mail cut short, a copy interrupted): its
/// decoder gives the rows that are there and grey below them.
pub(crate) fn jpeg_truncated(bytes: &[u8]) -> bool {
    let end = bytes
        .iter()
        .rposition(|&b| b != 0 && !b.is_ascii_whitespace())
        .map_or(0, |i| i + 1);
    format_of(bytes) == Some(Format::Jpeg) && !bytes[..end].ends_with(&[0xFF, 0xD9])
}

/// Refuses an image whose header claims more pixels than the limit, or a side over
/// `MAX_IMAGE_SIDE`: nothing is decoded.
pub(crate) fn check_size(width: u32, height: u32, max_pixels: u64) -> Result<(), Unreadable> {
    let pixels = width as u64 * height as u64;
    if pixels > max_pixels || width > MAX_IMAGE_SIDE || height > MAX_IMAGE_SIDE {
        return Err(Unreadable::over(
            Limit::ImagePixels,
            format!(
                "image is {width} x {height} pixels, over the {} megapixel limit",
                max_pixels / 1_000_000
            ),
        ));
    }
    Ok(())
}

/// Every page of an image file, upright and grey. `max_pages`: a file with more pages is
/// refused (a TIFF can chain thousands).
pub(crate) fn decode(
    bytes: &[u8],
    max_pixels: u64,
    max_pages: usize,
) -> Result<Vec<PageImage>, Unreadable> {
    match format_of(bytes) {
        Some(Format::Tiff) => decode_tiff(bytes, max_pixels, max_pages),
        Some(format) => decode_single(bytes, format, max_pixels, true).map(|p| vec![p]),
        None => Err(Unreadable::malformed(
            "not a JPEG, PNG or TIFF image (unknown header)",
        )),
    }
}

/// Bytes a decoder may hold at once: the grey page and the decoded image in its own colour
/// type (up to 16-bit RGBA), with room to spare.
fn alloc_budget(max_pixels: u64) -> u64 {
    max_pixels.saturating_mul(10)
}

/// A JPEG from inside a PDF: no EXIF turn (PDF viewers ignore it).
pub(crate) fn decode_jpeg_unrotated(
    bytes: &[u8],
    max_pixels: u64,
) -> Result<GrayImage, Unreadable> {
    decode_single(bytes, Format::Jpeg, max_pixels, false).map(|p| p.grey)
}

fn decode_single(
    bytes: &[u8],
    format: Format,
    max_pixels: u64,
    exif_turn: bool,
) -> Result<PageImage, Unreadable> {
    let mut reader = ImageReader::new(Cursor::new(bytes));
    reader.set_format(match format {
        Format::Jpeg => image::ImageFormat::Jpeg,
        Format::Png => image::ImageFormat::Png,
        Format::Tiff => image::ImageFormat::Tiff,
    });
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(MAX_IMAGE_SIDE);
    limits.max_image_height = Some(MAX_IMAGE_SIDE);
    limits.max_alloc = Some(alloc_budget(max_pixels));
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(|e| refusal(&e, max_pixels))?;
    let (width, height) = decoder.dimensions();
    check_size(width, height, max_pixels)?;
    let orientation = decoder
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut image = DynamicImage::from_decoder(decoder).map_err(|e| refusal(&e, max_pixels))?;
    if exif_turn {
        image.apply_orientation(orientation);
    }
    let dpi = match format {
        Format::Jpeg => jfif_dpi(bytes),
        Format::Png => png_dpi(bytes),
        Format::Tiff => None,
    };
    Ok(PageImage {
        grey: to_grey(image),
        dpi,
    })
}

/// Why the `image` crate refused or failed on a file.
fn refusal(e: &image::ImageError, max_pixels: u64) -> Unreadable {
    match e {
        image::ImageError::Limits(_) => Unreadable::over(
            Limit::ImagePixels,
            format!(
                "image needs more memory to decode than the {} megapixel limit allows",
                max_pixels / 1_000_000
            ),
        ),
        other => Unreadable::malformed(format!("image is corrupt or truncated: {other}")),
    }
}

/// Any image as 8-bit grey on white paper.
pub(crate) fn to_grey(image: DynamicImage) -> GrayImage {
    match image {
        DynamicImage::ImageLuma8(g) => g,
        DynamicImage::ImageLuma16(g) => {
            let (w, h) = g.dimensions();
            GrayImage::from_fn(w, h, |x, y| Luma([(g.get_pixel(x, y).0[0] >> 8) as u8]))
        }
        other if other.color().has_alpha() => {
            let la = other.to_luma_alpha8();
            let (w, h) = la.dimensions();
            GrayImage::from_fn(w, h, |x, y| {
                let [l, a] = la.get_pixel(x, y).0;
                let (l, a) = (l as u32, a as u32);
                Luma([((l * a + 255 * (255 - a)) / 255) as u8])
            })
        }
        other => other.to_luma8(),
    }
}

/// Every page of a TIFF, counted first (bounded, and a page chain that loops is refused by the
/// decoder), then each checked by size before it is decoded.
fn decode_tiff(
    bytes: &[u8],
    max_pixels: u64,
    max_pages: usize,
) -> Result<Vec<PageImage>, Unreadable> {
    let malformed = |e: tiff::TiffError| Unreadable::malformed(format!("TIFF is corrupt: {e}"));
    let open = || -> Result<tiff::decoder::Decoder<Cursor<&[u8]>>, Unreadable> {
        let limits = {
            let mut l = tiff::decoder::Limits::default();
            l.decoding_buffer_size = alloc_budget(max_pixels).min(usize::MAX as u64) as usize;
            l.intermediate_buffer_size = 64 << 20;
            l.ifd_value_size = 1 << 20;
            l
        };
        Ok(tiff::decoder::Decoder::new(Cursor::new(bytes))
            .map_err(malformed)?
            .with_limits(limits))
    };
    let mut decoder = open()?;
    let mut pages = 1usize;
    while decoder.more_images() {
        if pages >= max_pages {
            return Err(Unreadable::over(
                Limit::ImagePages,
                format!("TIFF has more than {max_pages} pages, over the page limit"),
            ));
        }
        decoder.next_image().map_err(malformed)?;
        pages += 1;
    }
    let mut decoder = open()?;
    let mut out = Vec::with_capacity(pages);
    for page in 0..pages {
        if page > 0 {
            decoder.next_image().map_err(malformed)?;
        }
        let (width, height) = decoder.dimensions().map_err(malformed)?;
        check_size(width, height, max_pixels)?;
        let colour = decoder.colortype().map_err(malformed)?;
        let dpi = tiff_dpi(&mut decoder);
        let data = decoder.read_image().map_err(|e| match e {
            tiff::TiffError::LimitsExceeded => Unreadable::over(
                Limit::ImagePixels,
                "TIFF page needs more memory to decode than the limit allows",
            ),
            other => malformed(other),
        })?;
        let grey = tiff_grey(width, height, colour, data).ok_or_else(|| {
            Unreadable::malformed(format!("TIFF colour type {colour:?} is not read"))
        })?;
        out.push(PageImage { grey, dpi });
    }
    Ok(out)
}

/// A decoded TIFF page as 8-bit grey; `None` for a colour type not read (or data too short).
fn tiff_grey(
    width: u32,
    height: u32,
    colour: tiff::ColorType,
    data: tiff::decoder::DecodingResult,
) -> Option<GrayImage> {
    use tiff::ColorType as C;
    use tiff::decoder::DecodingResult as D;
    let (w, h) = (width as usize, height as usize);
    let pixels = w.checked_mul(h)?;
    let grey: Vec<u8> = match (colour, data) {
        // Bilevel: bits packed MSB first, each row padded to a byte; after the decoder's
        // photometric handling a 1 is white.
        (C::Gray(1), D::U8(bits)) => {
            let stride = w.div_ceil(8);
            if bits.len() < stride * h {
                return None;
            }
            let mut out = Vec::with_capacity(pixels);
            for row in bits.chunks_exact(stride).take(h) {
                out.extend((0..w).map(|x| {
                    if row[x / 8] & (0x80 >> (x % 8)) != 0 {
                        255
                    } else {
                        0
                    }
                }));
            }
            out
        }
        (C::Gray(8), D::U8(v)) => v.get(..pixels)?.to_vec(),
        (C::Gray(16), D::U16(v)) => v.get(..pixels)?.iter().map(|p| (p >> 8) as u8).collect(),
        (C::GrayA(8), D::U8(v)) => v
            .get(..pixels * 2)?
            .chunks_exact(2)
            .map(|p| over_white(p[0], p[1]))
            .collect(),
        (C::RGB(8), D::U8(v)) => v.get(..pixels * 3)?.chunks_exact(3).map(luma).collect(),
        (C::RGBA(8), D::U8(v)) => v
            .get(..pixels * 4)?
            .chunks_exact(4)
            .map(|p| over_white(luma(p), p[3]))
            .collect(),
        (C::RGB(16), D::U16(v)) => v
            .get(..pixels * 3)?
            .chunks_exact(3)
            .map(|p| luma(&[(p[0] >> 8) as u8, (p[1] >> 8) as u8, (p[2] >> 8) as u8]))
            .collect(),
        (C::CMYK(8), D::U8(v)) => v
            .get(..pixels * 4)?
            .chunks_exact(4)
            .map(|p| {
                let k = 255 - p[3] as u32;
                let rgb = [
                    ((255 - p[0] as u32) * k / 255) as u8,
                    ((255 - p[1] as u32) * k / 255) as u8,
                    ((255 - p[2] as u32) * k / 255) as u8,
                ];
                luma(&rgb)
            })
            .collect(),
        _ => return None,
    };
    GrayImage::from_raw(width, height, grey)
}

fn luma(rgb: &[u8]) -> u8 {
    // ITU-R BT.601 weights, as the image crate uses.
    ((rgb[0] as u32 * 299 + rgb[1] as u32 * 587 + rgb[2] as u32 * 114) / 1000) as u8
}

fn over_white(l: u8, a: u8) -> u8 {
    let (l, a) = (l as u32, a as u32);
    ((l * a + 255 * (255 - a)) / 255) as u8
}

/// A TIFF page's stated resolution in dots per inch (XResolution with ResolutionUnit).
fn tiff_dpi<R: std::io::Read + std::io::Seek>(d: &mut tiff::decoder::Decoder<R>) -> Option<f32> {
    let x = d.find_tag(tiff::tags::Tag::XResolution).ok()??;
    let x = match x {
        tiff::decoder::ifd::Value::Rational(n, den) if den != 0 => n as f32 / den as f32,
        other => other.into_f32().ok()?,
    };
    let unit = d
        .find_tag_unsigned::<u16>(tiff::tags::Tag::ResolutionUnit)
        .ok()
        .flatten()
        .unwrap_or(2);
    match unit {
        2 => Some(x),
        3 => Some(x * 2.54),
        _ => None,
    }
}

/// A JPEG's JFIF density in dots per inch, when it states one.
fn jfif_dpi(bytes: &[u8]) -> Option<f32> {
    // SOI, then APP0 "JFIF\0": version (2), units (1), Xdensity (2), Ydensity (2).
    let app0 = bytes.get(2..20)?;
    if app0[0] != 0xFF || app0[1] != 0xE0 || &app0[4..9] != b"JFIF\0" {
        return None;
    }
    let units = app0[11];
    let x = u16::from_be_bytes([app0[12], app0[13]]) as f32;
    match units {
        1 => Some(x),
        2 => Some(x * 2.54),
        _ => None,
    }
}

/// A PNG's pHYs density in dots per inch, when it states one in metres.
fn png_dpi(bytes: &[u8]) -> Option<f32> {
    let mut at = 8usize;
    // Chunks before the image data; pHYs must come before IDAT.
    for _ in 0..64 {
        let len = u32::from_be_bytes(bytes.get(at..at + 4)?.try_into().ok()?) as usize;
        let kind = bytes.get(at + 4..at + 8)?;
        if kind == b"IDAT" {
            return None;
        }
        if kind == b"pHYs" && len == 9 {
            let data = bytes.get(at + 8..at + 17)?;
            let x = u32::from_be_bytes(data[0..4].try_into().ok()?) as f32;
            return (data[8] == 1).then_some(x * 0.0254);
        }
        at = at.checked_add(12)?.checked_add(len)?;
    }
    None
}
