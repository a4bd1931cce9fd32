//! Images of a form in (the scanned pages of a PDF with no text layer, or a JPEG, PNG or TIFF
//! attachment) → a `Document` read by OCR (source `ocr`): the page's words where they sit,
//! its ruling lines and its tick boxes, ticked or not, laid out as lines and cells like any
//! other page.
//!
//! Per page: decode (`decode`, `pdf_images`; refused by its header when too big), square up a
//! photographed sheet (`sheet`), scale to about 300 dpi, straighten and map the ink
//! (`prepare`), find ruling lines and tick boxes and the ink inside them (`marks`), recognise
//! the words with Tesseract (`tesseract`) on the page with its paper made white, check that
//! the marks standing alone are not characters OCR missed, and put all on one page in points
//! (`page`). OCR text alone cannot say whether a box is ticked: the
//! ink inside the printed box does.
//!
//! Settings are the config's `[ocr]` table (`OcrSettings`): `enabled = "auto"` reads images
//! when Tesseract is installed (with every language asked for), `"on"` requires it, `"off"`
//! never reads them (they stay `scanned_without_text`). OCR runs inside the attachment worker,
//! under its memory limit, within its own deadline (`deadline_ms`, longer than the attachment
//! deadline: recognising one page takes seconds, not milliseconds). The worker's parent grants
//! that time only once OCR starts (`on_start`), so any other attachment keeps the attachment
//! deadline.

mod decode;
mod marks;
mod page;
mod pdf_images;
mod prepare;
mod sheet;
pub mod tesseract;

use super::{Document, Limit, Source, Unreadable};
use crate::limits::Limits;
use image::GrayImage;
use std::cell::RefCell;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

pub use tesseract::Availability;

/// Longest side of an image decoded, in pixels (a 1200 dpi scan of an A3 page is 19,843).
pub(crate) const MAX_IMAGE_SIDE: u32 = 30_000;
/// Most pages of one attachment read by OCR: a form is one to three pages; a long scanned
/// document beyond this is not read further.
pub const MAX_OCR_PAGES: usize = 6;
/// Smallest image side, in pixels, of a page worth recognising (a page at 40 dpi; a logo or an
/// icon is smaller).
const MIN_PAGE_SIDE: u32 = 300;

pub use crate::config::{OcrMode, OcrSettings};

impl OcrSettings {
    /// Whether images are read here: `on`, or `auto` with Tesseract and the languages
    /// installed (looked up once per process).
    pub fn active(&self) -> bool {
        match self.enabled {
            OcrMode::Off => false,
            OcrMode::On => true,
            OcrMode::Auto => self.missing().is_none(),
        }
    }

    /// Why OCR cannot run with these settings (Tesseract or a language missing), or `None`.
    pub fn missing(&self) -> Option<String> {
        match availability() {
            Availability::Missing { reason } => {
                Some(format!("Tesseract is not available: {reason}"))
            }
            Availability::Available { languages, .. } => {
                let absent: Vec<&str> = self
                    .languages
                    .split('+')
                    .filter(|l| !languages.iter().any(|have| have == l))
                    .collect();
                (!absent.is_empty()).then(|| {
                    format!(
                        "Tesseract has no data for language {} (install tesseract-ocr-{})",
                        absent.join(", "),
                        absent[0]
                    )
                })
            }
        }
    }

    /// The time added to an attachment's deadline once OCR starts on it: the OCR deadline, or
    /// none when OCR is off.
    pub fn extra_deadline_ms(&self) -> u64 {
        if self.enabled == OcrMode::Off {
            0
        } else {
            self.deadline_ms
        }
    }
}

thread_local! {
    static ON_START: RefCell<Option<Box<dyn Fn()>>> = const { RefCell::new(None) };
}

/// What to do on this thread each time OCR starts on an attachment: the attachment worker
/// tells its parent, which then grants the attachment the OCR time (`deadline_ms`).
pub(crate) fn on_start(hook: Box<dyn Fn()>) {
    ON_START.with(|h| *h.borrow_mut() = Some(hook));
}

/// OCR starts on an attachment: its pages are images to decode and recognise.
pub(crate) fn starting() {
    ON_START.with(|h| {
        if let Some(hook) = h.borrow().as_ref() {
            hook();
        }
    });
}

/// Whether Tesseract runs here and which version, looked up once per process. For `doctor`.
pub fn availability() -> Availability {
    static FOUND: OnceLock<Availability> = OnceLock::new();
    FOUND.get_or_init(tesseract::availability).clone()
}

/// One page image as decoded: grey pixels and the resolution the file states, if any.
pub(crate) struct PageImage {
    pub grey: GrayImage,
    pub dpi: Option<f32>,
}

/// Whether the bytes are an image of a format OCR reads (JPEG, PNG, TIFF). GIF, BMP and WebP
/// are logos and stickers, not scans.
pub fn readable_format(bytes: &[u8]) -> bool {
    decode::format_of(bytes).is_some()
}

/// Whether an image attached to a mail may be a page of a form: of a format OCR reads, and of
/// a page's size at any scanning resolution (a logo or a signature image is a few hundred
/// pixels by a few dozen). An image whose header cannot be read is given the benefit of the
/// doubt, so that it is reported, not ignored.
pub fn may_be_a_form(bytes: &[u8]) -> bool {
    let Some(format) = decode::format_of(bytes) else {
        return false;
    };
    let mut reader = image::ImageReader::new(std::io::Cursor::new(bytes));
    reader.set_format(match format {
        decode::Format::Jpeg => image::ImageFormat::Jpeg,
        decode::Format::Png => image::ImageFormat::Png,
        decode::Format::Tiff => image::ImageFormat::Tiff,
    });
    match reader.into_dimensions() {
        Ok((w, h)) => w.min(h) >= MIN_PAGE_SIDE,
        Err(_) => true,
    }
}

/// A document that is an image nobody read: OCR is off or unavailable.
fn unread_image() -> Document {
    let mut doc = Document::new(Source::None);
    doc.scanned_without_text = true;
    doc
}

/// Reads an image attachment (JPEG, PNG, TIFF). With OCR off or unavailable, the image is not
/// decoded: a document flagged `scanned_without_text` with nothing in it.
pub fn read_image(
    bytes: &[u8],
    limits: &Limits,
    settings: &OcrSettings,
) -> Result<Document, Unreadable> {
    if !settings.active() {
        return Ok(unread_image());
    }
    starting();
    let started = Instant::now();
    let pages = decode::decode(bytes, limits.max_image_pixels, limits.max_pdf_pages)?;
    let pages: Vec<Option<PageImage>> = pages.into_iter().map(Some).collect();
    let doc = read_pages(pages, settings, started)?;
    // A JPEG cut short is read for what it holds; one that held nothing readable is corrupt,
    // not a blank page.
    if doc.lines.is_empty() && decode::jpeg_truncated(bytes) {
        return Err(Unreadable::malformed(
            "JPEG is truncated (it ends before its end marker) and nothing could be read from the part that is there",
        ));
    }
    Ok(doc)
}

/// Reads a PDF whose pages are images with no text layer (`scanned` is what the PDF reader
/// made of it). With OCR off or unavailable, or no page image that can be decoded, `scanned`
/// is returned as it was.
pub fn read_scanned_pdf(
    bytes: &[u8],
    limits: &Limits,
    settings: &OcrSettings,
    scanned: Document,
) -> Result<Document, Unreadable> {
    if !settings.active() {
        return Ok(scanned);
    }
    starting();
    let started = Instant::now();
    let pages = pdf_images::page_images(bytes, limits)?;
    if pages.iter().all(Option::is_none) {
        return Ok(scanned);
    }
    read_pages(pages, settings, started)
}

fn read_pages(
    pages: Vec<Option<PageImage>>,
    settings: &OcrSettings,
    started: Instant,
) -> Result<Document, Unreadable> {
    let deadline = started + Duration::from_millis(settings.deadline_ms);
    let mut doc = Document::new(Source::Ocr);
    doc.scanned_without_text = true;
    for (number, image) in pages.into_iter().enumerate().take(MAX_OCR_PAGES) {
        let Some(image) = image else { continue };
        if image.grey.width() < MIN_PAGE_SIDE || image.grey.height() < MIN_PAGE_SIDE {
            continue;
        }
        let read = read_page(image, number as u32 + 1, settings, deadline)?;
        let lines = crate::extract::layout::lay_out(&page::to_layout(&read));
        doc.lines.extend(page::without_specks(lines));
    }
    Ok(doc)
}

/// One page: prepared, its drawn marks found, its words recognised, all in points. A page
/// that reads as turned (sideways: its words come out taller than wide; upside down: Tesseract
/// is unsure of most of it) is shown to Tesseract's orientation detection, and when that is
/// sure of a turn the page is turned and read again, the surer reading kept. An upright page
/// costs nothing more.
fn read_page(
    image: PageImage,
    number: u32,
    settings: &OcrSettings,
    deadline: Instant,
) -> Result<page::OcrPage, Unreadable> {
    let turned_copy = PageImage {
        grey: image.grey.clone(),
        dpi: image.dpi,
    };
    let mut best = read_prepared(image, number, settings, deadline)?;
    if looks_turned(&best.words)
        && let Ok((turn, confidence)) = tesseract::orientation(
            best.prepared.grey.as_raw(),
            best.prepared.grey.width(),
            best.prepared.grey.height(),
            best.prepared.dpi,
            deadline,
        )
        && turn != 0
        && confidence >= MIN_ORIENTATION_CONFIDENCE
    {
        tracing::debug!(
            page = number,
            turn,
            confidence,
            "page turned upright for OCR"
        );
        let grey = match turn {
            90 => image::imageops::rotate90(&turned_copy.grey),
            180 => image::imageops::rotate180(&turned_copy.grey),
            _ => image::imageops::rotate270(&turned_copy.grey),
        };
        let upright = PageImage {
            grey,
            dpi: turned_copy.dpi,
        };
        let again = read_prepared(upright, number, settings, deadline)?;
        if surety(&again.words) > surety(&best.words) || looks_sideways(&best.words) {
            best = again;
        }
    }
    Ok(page::OcrPage::new(
        number,
        &best.prepared,
        best.words,
        best.drawn,
        &best.looks.loose,
        &best.looks.characters,
        &best.looks.seen_alone,
    ))
}

/// Tesseract's orientation confidence below which a turn is not made (a clear page of text
/// gives 10-20; a page with little text, 1-3).
const MIN_ORIENTATION_CONFIDENCE: f32 = 3.0;

/// A page prepared and read: its words, drawn marks, loose marks and characters.
struct PageReading {
    prepared: prepare::Prepared,
    words: Vec<tesseract::Word>,
    drawn: marks::Drawn,
    looks: SecondLooks,
}

fn read_prepared(
    image: PageImage,
    number: u32,
    settings: &OcrSettings,
    deadline: Instant,
) -> Result<PageReading, Unreadable> {
    let prepared = prepare::prepare(image);
    let (drawn, even) = drawn_on(&prepared);
    tracing::debug!(
        page = number,
        dpi = prepared.dpi,
        skew_degrees = prepared.skew_degrees,
        rules = drawn.rules.len(),
        boxes = drawn.boxes.len(),
        "page prepared for OCR"
    );
    let read = || -> Result<_, tesseract::RunError> {
        let mut words = recognise(&prepared, &even, &drawn, settings, deadline)?;
        let looks = second_looks(&prepared, &words, &drawn, settings, deadline)?;
        reread_without_boxes(&prepared, &mut words, &looks.seen_alone, settings, deadline)?;
        Ok((words, looks))
    };
    let (words, looks) = read().map_err(|e| match e {
        tesseract::RunError::TimedOut => Unreadable::over(
            Limit::ReadingTime,
            format!(
                "reading the image by OCR took longer than the OCR time limit ({} s)",
                settings.deadline_ms.div_ceil(1000)
            ),
        ),
        tesseract::RunError::Failed(why) => Unreadable::ReaderFailed {
            reason: format!("OCR failed: {why}"),
        },
    })?;
    Ok(PageReading {
        prepared,
        words,
        drawn,
        looks,
    })
}

/// Mean word confidence under which a reading is taken for a page upside down (an upright
/// page of print reads at 80-96; upside down, 30-40).
const TURNED_SURETY: f32 = 60.0;

/// Whether a reading looks like that of a turned page: sideways, or unsure of most words.
fn looks_turned(words: &[tesseract::Word]) -> bool {
    looks_sideways(words) || surety(words) < TURNED_SURETY
}

/// Most words of four or more letters came out taller than wide: the lines run up or down
/// the image (Tesseract reads them that way all the same, with its boxes in the image's frame).
fn looks_sideways(words: &[tesseract::Word]) -> bool {
    let long: Vec<&tesseract::Word> = words
        .iter()
        .filter(|w| w.text.chars().filter(|c| c.is_alphanumeric()).count() >= 4)
        .collect();
    long.len() >= 5 && long.iter().filter(|w| w.height > w.width).count() * 2 > long.len()
}

/// The page's words by Tesseract, read off the page with its paper made white
/// (`prepare::even_paper`: a photo's shade and tint undo Tesseract's own threshold) and its
/// table's borders painted out
/// (broken into dashes by a bilevel scan, they are read as rows of `—` and `|` run into the
/// words beside them): the upright rules drawn in one stroke, and the level ones such a rule
/// meets. A writing line on its own (`[ ____ ]`) stays: read as `_`, it says the answer was
/// left blank.
/// The page's ruling lines and tick boxes (`marks::find`), with the table lines printed too
/// faint for the ink map found on the page with its paper made white (`marks::faint_rules`),
/// which is returned too.
fn drawn_on(prepared: &prepare::Prepared) -> (marks::Drawn, GrayImage) {
    let mut drawn = marks::find(&prepared.ink, prepared.dpi);
    let even = prepare::even_paper(&prepared.grey, prepared.dpi);
    let faint = prepare::faint_ink(&even, &prepared.grey);
    let more = marks::faint_rules(&faint, &even, prepared.dpi, &drawn.rules);
    drawn.rules.extend(more);
    (drawn, even)
}

fn recognise(
    prepared: &prepare::Prepared,
    even: &GrayImage,
    drawn: &marks::Drawn,
    settings: &OcrSettings,
    deadline: Instant,
) -> Result<Vec<tesseract::Word>, tesseract::RunError> {
    let mut grey = even.clone();
    let (w, h) = (grey.width() as usize, grey.height() as usize);
    // An upright rule inked along nearly all its length: letter stems that line up down a
    // paragraph make a broken "rule" through its words, which must stay.
    let solid = |r: &marks::PixelRect| {
        let rows = (r.y0..r.y1.min(prepared.ink.height))
            .filter(|&y| (r.x0..r.x1.min(prepared.ink.width)).any(|x| prepared.ink.at(x, y)))
            .count();
        rows * 10 >= r.height() * 9
    };
    let uprights: Vec<&marks::PixelRect> = drawn
        .rules
        .iter()
        .filter(|r| !r.horizontal && solid(&r.rect))
        .map(|r| &r.rect)
        .collect();
    let meets_an_upright = |r: &marks::PixelRect| {
        uprights
            .iter()
            .any(|u| u.x0 <= r.x1 + 3 && u.x1 + 3 >= r.x0 && u.y0 <= r.y1 + 3 && u.y1 + 3 >= r.y0)
    };
    let borders = drawn.rules.iter().filter(|r| {
        if r.horizontal {
            meets_an_upright(&r.rect)
        } else {
            solid(&r.rect)
        }
    });
    for r in borders {
        let (x0, x1) = (r.rect.x0.saturating_sub(1), (r.rect.x1 + 1).min(w));
        let (y0, y1) = (r.rect.y0.saturating_sub(1), (r.rect.y1 + 1).min(h));
        for x in x0..x1 {
            paint_paper(&mut grey, x, y0..y1);
        }
    }
    // A level line with letters standing on it or just over it (an address typed onto the
    // writing line, a hyperlink's underline) is one shape with them to Tesseract, which then
    // drops or misreads the letters touching it (`helen.n brennan-moss@anu.edu.a`). The line
    // is painted out (`marks::underline_paint`). A line with nothing on it stays.
    for r in drawn
        .rules
        .iter()
        .filter(|r| r.horizontal && !meets_an_upright(&r.rect))
    {
        let Some(paint) = marks::underline_paint(&prepared.ink, &r.rect, prepared.dpi) else {
            continue;
        };
        for (x, from, to) in paint {
            paint_paper(&mut grey, x, from..to);
        }
    }
    // Read twice at once, with one threshold for the page and with a threshold per
    // neighbourhood, and the reading Tesseract is surer of kept: neither wins on every page
    // (a photo's faint table lines undo the first, a bilevel scan's broken strokes the second).
    let read = |threshold| {
        tesseract::recognise(
            grey.as_raw(),
            grey.width(),
            grey.height(),
            prepared.dpi,
            &settings.languages,
            tesseract::Mode {
                segmentation: tesseract::Segmentation::Page,
                threshold,
            },
            deadline,
        )
    };
    let (global, local) = std::thread::scope(|scope| {
        let local = scope.spawn(|| read(tesseract::Threshold::Local));
        let global = read(tesseract::Threshold::Global);
        let local = local
            .join()
            .unwrap_or_else(|_| Err(tesseract::RunError::Failed("OCR thread failed".into())));
        (global, local)
    });
    match (global, local) {
        (Ok(g), Ok(l)) => Ok(if surety(&l) > surety(&g) { l } else { g }),
        (Ok(words), Err(_)) | (Err(_), Ok(words)) => Ok(words),
        (Err(e), Err(_)) => Err(e),
    }
}

/// Rows `rows` of column `x` made paper-white (what lies off the image is left).
fn paint_paper(grey: &mut GrayImage, x: usize, rows: std::ops::Range<usize>) {
    let (w, h) = (grey.width() as usize, grey.height() as usize);
    if x >= w {
        return;
    }
    for y in rows.start..rows.end.min(h) {
        grey.put_pixel(x as u32, y as u32, image::Luma([255]));
    }
}

/// How sure Tesseract is of a reading: the mean confidence of its words with a letter or a
/// digit.
fn surety(words: &[tesseract::Word]) -> f32 {
    let (sum, n) = words
        .iter()
        .filter(|w| w.text.chars().any(char::is_alphanumeric))
        .fold((0.0, 0usize), |(s, n), w| {
            (s + w.confidence.max(0.0), n + 1)
        });
    if n == 0 { 0.0 } else { sum / n as f32 }
}

/// What shapes Tesseract saw alone made of: the page's loose marks that are marks, those that
/// are characters, and the ticked boxes in doubt (`page::boxes_in_doubt`) in which it read no
/// letter.
#[derive(Default)]
pub(crate) struct SecondLooks {
    pub loose: Vec<marks::PixelRect>,
    pub characters: Vec<Character>,
    pub seen_alone: Vec<marks::PixelRect>,
}

/// The page's loose marks and its ticked boxes in doubt, shown to Tesseract alone in one
/// reading. A box in doubt that is not checked (too many shapes on the page) stays in doubt.
fn second_looks(
    prepared: &prepare::Prepared,
    words: &[tesseract::Word],
    drawn: &marks::Drawn,
    settings: &OcrSettings,
    deadline: Instant,
) -> Result<SecondLooks, tesseract::RunError> {
    let loose = page::loose_marks(prepared, words, drawn);
    let doubt = page::boxes_in_doubt(prepared, words, drawn);
    let checked = loose.len() + doubt.len() <= MAX_MARKS_CHECKED;
    let mut shapes = loose;
    shapes.extend(doubt.iter().copied());
    let (marks, characters) = marks_and_characters(prepared, shapes, settings, deadline)?;
    let (seen_alone, loose): (Vec<_>, Vec<_>) = marks.into_iter().partition(|m| doubt.contains(m));
    Ok(SecondLooks {
        loose,
        characters: characters
            .into_iter()
            .filter(|c| !doubt.contains(&c.rect))
            .collect(),
        seen_alone: if checked { seen_alone } else { Vec::new() },
    })
}

/// The words a ticked box in doubt was run into (`giPartner`, `(VI`: OCR read the box and its
/// mark as letters of the word after it), read again with the box and the ink of its mark
/// whitened, all in one reading: the word then says what it says without the box, and starts
/// after it. A word whose second reading is empty or unsure keeps its first.
fn reread_without_boxes(
    prepared: &prepare::Prepared,
    words: &mut [tesseract::Word],
    boxes: &[marks::PixelRect],
    settings: &OcrSettings,
    deadline: Instant,
) -> Result<(), tesseract::RunError> {
    let grey = &prepared.grey;
    let (gw, gh) = (grey.width() as usize, grey.height() as usize);
    // (word, box) pairs: the word holds most of the box at its start.
    let mut jobs: Vec<(usize, marks::PixelRect)> = Vec::new();
    for b in boxes {
        for (i, w) in words.iter().enumerate() {
            let r = marks::PixelRect {
                x0: w.left as usize,
                y0: w.top as usize,
                x1: (w.left + w.width) as usize,
                y1: (w.top + w.height) as usize,
            };
            let inside = (r.x1.min(b.x1).saturating_sub(r.x0.max(b.x0)))
                * (r.y1.min(b.y1).saturating_sub(r.y0.max(b.y0)));
            if inside * 5 >= b.width() * b.height() * 2
                && r.x1 > b.x1
                && jobs.len() < MAX_MARKS_CHECKED
            {
                jobs.push((i, *b));
            }
        }
    }
    if jobs.is_empty() {
        return Ok(());
    }
    let crop = |&(i, b): &(usize, marks::PixelRect)| {
        let w = &words[i];
        let x0 = (w.left as usize).min(b.x0);
        let y0 = (w.top as usize).min(b.y0);
        let x1 = ((w.left + w.width) as usize).min(gw);
        let y1 = ((w.top + w.height) as usize).max(b.y1).min(gh);
        marks::PixelRect { x0, y0, x1, y1 }
    };
    let tallest = jobs.iter().map(|j| crop(j).height()).max().unwrap_or(1);
    let widest = jobs.iter().map(|j| crop(j).width()).max().unwrap_or(1);
    let pad = tallest.max(16);
    let slot = tallest + pad;
    let (w, h) = (widest + 2 * pad, slot * jobs.len() + pad);
    let mut strip = vec![255u8; w * h];
    for (n, job) in jobs.iter().enumerate() {
        let (_, b) = job;
        let r = crop(job);
        // The box, and what its mark put beyond its right side within a quarter of its width.
        let clear_to = b.x1 + b.width() / 4;
        let (ox, oy) = (pad, pad / 2 + n * slot);
        for y in r.y0..r.y1 {
            for x in r.x0.max(clear_to)..r.x1 {
                strip[(oy + y - r.y0) * w + ox + x - r.x0] = grey.get_pixel(x as u32, y as u32)[0];
            }
        }
    }
    let read = tesseract::recognise(
        &strip,
        w as u32,
        h as u32,
        prepared.dpi,
        &settings.languages,
        tesseract::Mode {
            segmentation: tesseract::Segmentation::Block,
            threshold: tesseract::Threshold::Global,
        },
        deadline,
    )?;
    let mut again: Vec<Vec<&tesseract::Word>> = vec![Vec::new(); jobs.len()];
    for word in &read {
        let middle = word.top as usize + word.height as usize / 2;
        let n = middle.saturating_sub(pad / 2) / slot;
        if word.confidence >= 50.0
            && let Some(row) = again.get_mut(n)
        {
            row.push(word);
        }
    }
    for ((i, b), mut row) in jobs.into_iter().zip(again) {
        row.sort_by_key(|w| w.left);
        let text: Vec<&str> = row.iter().map(|w| w.text.as_str()).collect();
        let text = text.join(" ");
        if text.is_empty() {
            continue;
        }
        let word = &mut words[i];
        let right = word.left + word.width;
        let start = (b.x1 as u32).min(right);
        word.left = start;
        word.width = right - start;
        word.text = text;
    }
    Ok(())
}

/// Most loose marks checked for being characters on one page (a form has a handful).
const MAX_MARKS_CHECKED: usize = 64;

/// A loose mark (`page::loose_marks`) Tesseract read as a character when shown it alone.
pub(crate) struct Character {
    pub rect: marks::PixelRect,
    pub text: String,
}

/// The page's loose marks (`page::loose_marks`) parted into marks and characters: each is
/// shown to Tesseract again on its own (its ink alone, one per row of a composed image), and
/// one it reads with confidence as a digit or a letter no tick looks like is a character the
/// page's reading missed (a row's number alone in a table cell, a page number), not a tick.
/// An X read as `X`, a ✓ read as `v` or not read at all stay marks.
fn marks_and_characters(
    prepared: &prepare::Prepared,
    candidates: Vec<marks::PixelRect>,
    settings: &OcrSettings,
    deadline: Instant,
) -> Result<(Vec<marks::PixelRect>, Vec<Character>), tesseract::RunError> {
    if candidates.is_empty() || candidates.len() > MAX_MARKS_CHECKED {
        return Ok((candidates, Vec::new()));
    }
    let ink = &prepared.ink;
    let tallest = candidates.iter().map(|r| r.height()).max().unwrap_or(1);
    let widest = candidates.iter().map(|r| r.width()).max().unwrap_or(1);
    let pad = tallest.max(widest).max(16);
    let slot = tallest + pad;
    let (w, h) = (widest + 2 * pad, slot * candidates.len() + pad);
    let mut strip = vec![255u8; w * h];
    for (n, r) in candidates.iter().enumerate() {
        let (ox, oy) = (pad, pad / 2 + n * slot);
        for y in r.y0..r.y1.min(ink.height) {
            for x in r.x0..r.x1.min(ink.width) {
                if ink.at(x, y) {
                    strip[(oy + y - r.y0) * w + ox + x - r.x0] = 0;
                }
            }
        }
    }
    let words = tesseract::recognise(
        &strip,
        w as u32,
        h as u32,
        prepared.dpi,
        &settings.languages,
        tesseract::Mode {
            segmentation: tesseract::Segmentation::Block,
            threshold: tesseract::Threshold::Global,
        },
        deadline,
    )?;
    let mut read: Vec<Option<String>> = vec![None; candidates.len()];
    for word in &words {
        let middle = word.top as usize + word.height as usize / 2;
        let n = middle.saturating_sub(pad / 2) / slot;
        let a_character = word.confidence >= 75.0
            && word.text.chars().count() <= 3
            && word.text.chars().all(char::is_alphanumeric)
            && !page::mark_like(&word.text);
        if a_character && let Some(slot) = read.get_mut(n) {
            *slot = Some(word.text.clone());
        }
    }
    let mut marks = Vec::new();
    let mut characters = Vec::new();
    for (rect, text) in candidates.into_iter().zip(read) {
        match text {
            Some(text) => characters.push(Character { rect, text }),
            None => marks.push(rect),
        }
    }
    Ok((marks, characters))
}

/// Debug aid (`cargo run --example ocr_overlay`): each page as OCR saw it, straightened, with
/// the words (blue), ruling lines (green) and tick boxes (red when ticked, orange when not)
/// drawn over it, and the lines it laid out.
#[doc(hidden)]
pub fn overlay(
    bytes: &[u8],
    limits: &Limits,
    settings: &OcrSettings,
) -> Result<Vec<(image::RgbImage, Vec<super::Line>)>, Unreadable> {
    let started = Instant::now();
    let deadline = started + Duration::from_millis(settings.deadline_ms);
    let images: Vec<Option<PageImage>> = if decode::format_of(bytes).is_some() {
        decode::decode(bytes, limits.max_image_pixels, limits.max_pdf_pages)?
            .into_iter()
            .map(Some)
            .collect()
    } else {
        pdf_images::page_images(bytes, limits)?
    };
    let mut out = Vec::new();
    for (number, image) in images.into_iter().enumerate().take(MAX_OCR_PAGES) {
        let Some(image) = image else { continue };
        let prepared = prepare::prepare(image);
        let (drawn, even) = drawn_on(&prepared);
        let failed = |e: tesseract::RunError| Unreadable::ReaderFailed {
            reason: format!("{e:?}"),
        };
        let mut words = recognise(&prepared, &even, &drawn, settings, deadline).map_err(failed)?;
        let looks = second_looks(&prepared, &words, &drawn, settings, deadline).map_err(failed)?;
        reread_without_boxes(&prepared, &mut words, &looks.seen_alone, settings, deadline)
            .map_err(failed)?;
        let mut rgb = image::DynamicImage::ImageLuma8(prepared.grey.clone()).to_rgb8();
        let mut frame = |r: &marks::PixelRect, colour: [u8; 3]| {
            let (w, h) = (rgb.width() as usize, rgb.height() as usize);
            for x in r.x0..r.x1.min(w) {
                for y in [r.y0, r.y1.saturating_sub(1)] {
                    if y < h {
                        rgb.put_pixel(x as u32, y as u32, image::Rgb(colour));
                    }
                }
            }
            for y in r.y0..r.y1.min(h) {
                for x in [r.x0, r.x1.saturating_sub(1)] {
                    if x < w {
                        rgb.put_pixel(x as u32, y as u32, image::Rgb(colour));
                    }
                }
            }
        };
        for w in &words {
            frame(
                &marks::PixelRect {
                    x0: w.left as usize,
                    y0: w.top as usize,
                    x1: (w.left + w.width) as usize,
                    y1: (w.top + w.height) as usize,
                },
                [40, 80, 255],
            );
        }
        for r in &drawn.rules {
            frame(&r.rect, [0, 200, 0]);
        }
        for b in &drawn.boxes {
            frame(
                &b.rect,
                if b.mark.is_some() {
                    [255, 0, 0]
                } else {
                    [255, 160, 0]
                },
            );
        }
        let page = page::OcrPage::new(
            number as u32 + 1,
            &prepared,
            words,
            drawn,
            &looks.loose,
            &looks.characters,
            &looks.seen_alone,
        );
        let lines = crate::extract::layout::lay_out(&page::to_layout(&page));
        out.push((rgb, page::without_specks(lines)));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;
    use std::rc::Rc;

    fn word(text: &str, width: u32, height: u32, confidence: f32) -> tesseract::Word {
        tesseract::Word {
            text: text.into(),
            left: 0,
            top: 0,
            width,
            height,
            confidence,
            line: 0,
        }
    }

    #[test]
    fn a_reading_of_a_turned_page_is_told_from_an_upright_one() {
        let words = [
            "Registration",
            "Service",
            "Coding",
            "Occupation",
            "Details",
            "name",
        ];
        let upright: Vec<_> = words
            .iter()
            .map(|w| word(w, 30 * w.len() as u32, 40, 95.0))
            .collect();
        let sideways: Vec<_> = words
            .iter()
            .map(|w| word(w, 40, 30 * w.len() as u32, 95.0))
            .collect();
        let upside_down: Vec<_> = words
            .iter()
            .map(|w| word(w, 30 * w.len() as u32, 40, 35.0))
            .collect();
        assert!(!looks_turned(&upright));
        assert!(looks_sideways(&sideways) && looks_turned(&sideways));
        assert!(!looks_sideways(&upside_down) && looks_turned(&upside_down));
        // A few tall words (a column of short labels) do not make a page sideways.
        assert!(!looks_sideways(&sideways[..3]));
    }

    /// A small PNG (too small to be a page: nothing is sent to Tesseract).
    fn small_png() -> Vec<u8> {
        let mut out = Vec::new();
        image::DynamicImage::ImageLuma8(GrayImage::from_pixel(40, 40, image::Luma([255])))
            .write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
            .expect("encode a PNG");
        out
    }

    #[test]
    fn a_jpeg_without_its_end_marker_is_truncated() {
        let mut jpeg = Vec::new();
        image::DynamicImage::ImageLuma8(GrayImage::from_pixel(64, 64, image::Luma([200])))
            .write_to(
                &mut std::io::Cursor::new(&mut jpeg),
                image::ImageFormat::Jpeg,
            )
            .expect("encode a JPEG");
        assert!(!decode::jpeg_truncated(&jpeg));
        let mut padded = jpeg.clone();
        padded.extend_from_slice(&[0, 0, b'\n']);
        assert!(!decode::jpeg_truncated(&padded));
        assert!(decode::jpeg_truncated(&jpeg[..jpeg.len() * 2 / 3]));
        assert!(!decode::jpeg_truncated(&small_png()));
    }

    #[test]
    fn the_start_hook_runs_when_ocr_starts_and_only_then() {
        let calls = Rc::new(Cell::new(0));
        let seen = calls.clone();
        on_start(Box::new(move || seen.set(seen.get() + 1)));
        let limits = Limits::default();
        let off = OcrSettings {
            enabled: OcrMode::Off,
            ..Default::default()
        };
        let on = OcrSettings {
            enabled: OcrMode::On,
            ..Default::default()
        };
        let png = small_png();
        let doc = read_image(&png, &limits, &off).expect("an unread image");
        assert!(doc.scanned_without_text);
        assert_eq!(calls.get(), 0, "OCR off: OCR never starts");
        let doc = read_image(&png, &limits, &on).expect("an image read");
        assert!(doc.lines.is_empty());
        assert_eq!(calls.get(), 1, "OCR on: it starts once for the image");
        on_start(Box::new(|| {}));
    }
}
