//! An output folder in → `hostile.mbox` out: one message per hostile input the issue lists (zip
//! bomb, lying zip sizes, 20,000 zip entries, billion laughs, PDF Flate bomb, 200,000 nested PDF
//! arrays, a self-referencing page tree, a truncated PDF, MIME 300 deep, 5,000 parts, a 2 MB
//! header, an unknown charset, NUL bytes, no Message-ID, a DOCX named `.pdf` sent as
//! `image/png`, a 30 MB attachment) plus two well-formed controls. Also the small builders
//! (filled form text, minimal DOCX/PDF, mbox framing) `tests/suite/hostile.rs`,
//! `tests/suite/crash.rs` and `tests/suite/pdf.rs` share. Nothing large is committed: everything is generated in a second or two.
//!
//! `cargo run --release --example make_hostile -- OUTDIR`; with `--seeds fuzz/corpus` it writes the
//! small fuzz seed corpus instead (committed; a few KB a file); with `--big-bodies OUTDIR [N]`,
//! `big-bodies.mbox`: N messages (default 6) whose body is one 62 MB line, each just under the
//! default 64 MiB message limit, in turn plain text, HTML, base64 and quoted-printable.

#![allow(dead_code)]

use std::io::{Cursor, Read, Write};
use std::path::{Path, PathBuf};

/// What a hostile message must give in the ledger, besides at least one row and no crash.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expect {
    /// The attachment must be refused: a row flagged `unreadable_attachment`.
    Unreadable,
    /// The form must be read from a DOCX attachment: source `docx`, the applicant's name.
    DocxForm,
    /// The form must be read from the body: source `body`, the applicant's name.
    BodyForm,
    /// Any outcome (read, refused, no form), as long as there is a row.
    Row,
}

#[derive(Debug, Clone)]
pub struct HostileMessage {
    /// What it is, for test messages; also the Subject's tail.
    pub label: &'static str,
    /// The Message-ID with brackets; `None` for the message that has none.
    pub message_id: Option<String>,
    pub expect: Expect,
}

/// The applicant's surname in every form this generator writes, so a test can tell a read form.
pub const SURNAME: &str = "Citizen";

fn main() {
    let args: Vec<std::ffi::OsString> = std::env::args_os().skip(1).collect();
    if args.first().is_some_and(|a| a == "--seeds") {
        let dir = args
            .get(1)
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from("fuzz/corpus"));
        let n = write_seed_corpus(&dir).expect("write the seed corpus");
        println!("{}: {n} seed files", dir.display());
        return;
    }
    if args.first().is_some_and(|a| a == "--big-bodies") {
        let dir = args
            .get(1)
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from("."));
        let count = args
            .get(2)
            .and_then(|n| n.to_str()?.parse().ok())
            .unwrap_or(6);
        std::fs::create_dir_all(&dir).expect("create the output folder");
        let path = write_big_bodies_mbox(&dir, count, BIG_BODY_BYTES).expect("write the mbox");
        let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
        println!(
            "{}: {count} messages, {:.1} MB",
            path.display(),
            size as f64 / 1e6
        );
        return;
    }
    let dir = args
        .first()
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("."));
    std::fs::create_dir_all(&dir).expect("create the output folder");
    let started = std::time::Instant::now();
    let (path, messages) = write_hostile_mbox(&dir).expect("write the hostile mbox");
    let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    println!(
        "{}: {} messages, {:.1} MB, written in {:.1?}",
        path.display(),
        messages.len(),
        size as f64 / 1e6,
        started.elapsed()
    );
    for m in &messages {
        println!(
            "  {:<40} {:<32} {:?}",
            m.label,
            m.message_id.as_deref().unwrap_or("(no Message-ID)"),
            m.expect
        );
    }
}

/// Writes `dir/hostile.mbox` and says what each message is.
pub fn write_hostile_mbox(dir: &Path) -> std::io::Result<(PathBuf, Vec<HostileMessage>)> {
    let path = dir.join("hostile.mbox");
    let mut out = std::io::BufWriter::new(std::fs::File::create(&path)?);
    let mut list = Vec::new();
    let mut n = 0;
    let mut add = |label: &'static str, expect: Expect, with_id: bool, msg: Vec<u8>| {
        n += 1;
        let id = with_id.then(|| format!("<hostile-{n:02}@regintake.test>"));
        list.push((label, id, expect, msg));
    };

    let form = form_lines("Jane", "Hostile Test Agency");
    let good_docx = docx(&form);
    // The two bombs take most of the time: deflate them side by side.
    let (docx_bomb, pdf_bomb) = std::thread::scope(|s| {
        let docx_bomb = s.spawn(|| docx_zip_bomb(300 << 20));
        let pdf_bomb = pdf_flate_bomb(300 << 20);
        (docx_bomb.join().expect("docx bomb"), pdf_bomb)
    });

    // Controls: the pipeline works at all on this mailbox.
    add(
        "control: form in the body",
        Expect::BodyForm,
        true,
        text_message(&form.join("\n"), "utf-8"),
    );
    add(
        "control: form in a DOCX",
        Expect::DocxForm,
        true,
        attachment_message(&good_docx, "registration.docx", DOCX_TYPE),
    );

    // Zips.
    add(
        "DOCX zip bomb (300 MB inflated)",
        Expect::Unreadable,
        true,
        attachment_message(&docx_bomb, "bomb.docx", DOCX_TYPE),
    );
    add(
        "DOCX central directory claims 4 GB",
        Expect::Row,
        true,
        attachment_message(&docx_lying_sizes(&form), "lying.docx", DOCX_TYPE),
    );
    add(
        "DOCX with 20,000 entries",
        Expect::Unreadable,
        true,
        attachment_message(&docx_many_entries(&form, 20_000), "many.docx", DOCX_TYPE),
    );
    add(
        "DOCX billion laughs",
        Expect::Row,
        true,
        attachment_message(&docx_billion_laughs(&form), "laughs.docx", DOCX_TYPE),
    );

    // PDFs.
    add(
        "PDF Flate bomb (300 MB inflated)",
        Expect::Unreadable,
        true,
        attachment_message(&pdf_bomb, "bomb.pdf", "application/pdf"),
    );
    add(
        "PDF with 200,000 nested arrays",
        Expect::Row,
        true,
        attachment_message(
            &pdf_nested_arrays(&form, 200_000),
            "nested.pdf",
            "application/pdf",
        ),
    );
    add(
        "PDF page tree points to itself",
        Expect::Row,
        true,
        attachment_message(&pdf_self_page_tree(), "loop.pdf", "application/pdf"),
    );
    add(
        "PDF with 5,000 annotations",
        Expect::Row,
        true,
        attachment_message(
            &pdf_many_annotations(&form, 5_000),
            "annotations.pdf",
            "application/pdf",
        ),
    );
    add(
        "PDF page of a million tiny paths",
        Expect::Row,
        true,
        attachment_message(
            &pdf_tiny_paths(&form, 1_000_000),
            "paths.pdf",
            "application/pdf",
        ),
    );
    add(
        "PDF text at absurd coordinates",
        Expect::Row,
        true,
        attachment_message(
            &pdf_absurd_coordinates(&form),
            "coordinates.pdf",
            "application/pdf",
        ),
    );
    add(
        "PDF of 3,000 overlapping boxes",
        Expect::Row,
        true,
        attachment_message(
            &pdf_overlapping_boxes(&form, 3_000),
            "boxes.pdf",
            "application/pdf",
        ),
    );
    let whole = pdf(&form);
    add(
        "PDF truncated",
        Expect::Row,
        true,
        attachment_message(
            &whole[..whole.len() * 3 / 5],
            "truncated.pdf",
            "application/pdf",
        ),
    );

    // MIME.
    add(
        "MIME nested 300 deep",
        Expect::Row,
        true,
        nested_message(&form.join("\n"), 300),
    );
    add(
        "5,000 parts",
        Expect::Row,
        true,
        many_parts_message(&form.join("\n"), 5_000),
    );
    add(
        "2 MB header",
        Expect::Row,
        true,
        text_message(&form.join("\n"), "utf-8"),
    );
    add(
        "unknown charset",
        Expect::BodyForm,
        true,
        text_message(&form.join("\n"), "x-unheard-of-charset-9"),
    );
    add("NUL bytes", Expect::Row, true, nul_message(&form));
    add(
        "no Message-ID",
        Expect::BodyForm,
        false,
        text_message(&form.join("\n"), "utf-8"),
    );
    add(
        "DOCX named .pdf sent as image/png",
        Expect::DocxForm,
        true,
        attachment_message(&good_docx, "registration.pdf", "image/png"),
    );
    add(
        "30 MB attachment",
        Expect::Unreadable,
        true,
        attachment_message(&big_pdf(30 << 20), "big.pdf", "application/pdf"),
    );

    let mut messages = Vec::new();
    for (i, (label, id, expect, body)) in list.into_iter().enumerate() {
        let subject = if label == "2 MB header" {
            format!("hostile: {label} {}", "x".repeat(2 << 20))
        } else {
            format!("hostile: {label}")
        };
        let head = headers(id.as_deref(), &subject, i);
        write_mbox_message(&mut out, &[head.as_bytes(), &body].concat())?;
        messages.push(HostileMessage {
            label,
            message_id: id,
            expect,
        });
    }
    out.flush()?;
    Ok((path, messages))
}

// ---------------------------------------------------------------------------------------------
// Form text.

/// A filled-in registration form as lines of text, the way an applicant retypes it.
pub fn form_lines(first_name: &str, organisation: &str) -> Vec<String> {
    let email = format!(
        "{}.{}@example.edu.au",
        first_name.to_lowercase(),
        SURNAME.to_lowercase()
    );
    vec![
        "Occupation Coding Service Registration Form".into(),
        "Your Details".into(),
        format!("Full name: {first_name} {SURNAME}"),
        format!("Organisation: {organisation}"),
        format!("Contact email: {email}"),
        "Terms of Use".into(),
        "☒ I have read, understand, and agree to be legally bound by the Terms of Use of the Australian Bureau of Statistics Occupation Coding Service.".into(),
        "Service required".into(),
        "☒ Public coding service (1 API call per second and up to 1,000 calls per day).".into(),
        "☐ Partner coding service (Large batch coding, and real-time coding (1 API call per second and up to 10,000 real-time calls per day)).".into(),
        "Your expected use".into(),
        "· records you expect to code: 500".into(),
        "· API calls (batch or single record requests) you expect to make: 400".into(),
        "User Guide agreement".into(),
        "☒ I agree to read and follow the API integration instructions in the Occupation Coding Service User Guide.".into(),
    ]
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

// ---------------------------------------------------------------------------------------------
// DOCX.

pub const DOCX_TYPE: &str =
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#;

const RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#;

const DOC_OPEN: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>"#;
const DOC_CLOSE: &str = "</w:body></w:document>";

fn paragraphs(lines: &[String]) -> String {
    lines
        .iter()
        .map(|l| {
            format!(
                "<w:p><w:r><w:t xml:space=\"preserve\">{}</w:t></w:r></w:p>",
                xml_escape(l)
            )
        })
        .collect()
}

pub fn document_xml(lines: &[String]) -> String {
    format!("{DOC_OPEN}{}{DOC_CLOSE}", paragraphs(lines))
}

pub fn deflated() -> zip::write::SimpleFileOptions {
    zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(9))
}

pub fn stored() -> zip::write::SimpleFileOptions {
    zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored)
}

/// A zip of (name, content) entries (the one zip builder of the tests too).
pub fn zip_of(entries: &[(&str, &[u8])], options: zip::write::SimpleFileOptions) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (name, content) in entries {
        w.start_file(*name, options).expect("zip entry");
        w.write_all(content).expect("zip write");
    }
    w.finish().expect("zip finish").into_inner()
}

/// A minimal well-formed DOCX holding the lines as paragraphs.
pub fn docx(lines: &[String]) -> Vec<u8> {
    let doc = document_xml(lines);
    zip_of(
        &[
            ("[Content_Types].xml", CONTENT_TYPES.as_bytes()),
            ("_rels/.rels", RELS.as_bytes()),
            ("word/document.xml", doc.as_bytes()),
        ],
        deflated(),
    )
}

/// A DOCX whose document.xml inflates to `inflated` bytes (one long run of spaces in a paragraph).
fn docx_zip_bomb(inflated: usize) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    w.start_file("[Content_Types].xml", deflated())
        .expect("zip");
    w.write_all(CONTENT_TYPES.as_bytes()).expect("zip");
    w.start_file("_rels/.rels", deflated()).expect("zip");
    w.write_all(RELS.as_bytes()).expect("zip");
    w.start_file("word/document.xml", deflated().large_file(true))
        .expect("zip");
    w.write_all(DOC_OPEN.as_bytes()).expect("zip");
    w.write_all(b"<w:p><w:r><w:t xml:space=\"preserve\">")
        .expect("zip");
    let block = vec![b' '; 1 << 20];
    let mut left = inflated;
    while left > 0 {
        let n = left.min(block.len());
        w.write_all(&block[..n]).expect("zip");
        left -= n;
    }
    w.write_all(b"</w:t></w:r></w:p>").expect("zip");
    w.write_all(DOC_CLOSE.as_bytes()).expect("zip");
    w.finish().expect("zip").into_inner()
}

/// A DOCX whose local and central headers claim document.xml inflates to nearly 4 GiB.
fn docx_lying_sizes(lines: &[String]) -> Vec<u8> {
    let mut zip = docx(lines);
    let name = b"word/document.xml";
    let claim = 0xFFFF_FFF0u32.to_le_bytes();
    let mut i = 0;
    while i + 46 < zip.len() {
        let sig = [zip[i], zip[i + 1], zip[i + 2], zip[i + 3]];
        if sig == [0x50, 0x4b, 0x03, 0x04] && zip[i + 30..].starts_with(name) {
            zip[i + 22..i + 26].copy_from_slice(&claim);
        }
        if sig == [0x50, 0x4b, 0x01, 0x02] && zip[i + 46..].starts_with(name) {
            zip[i + 24..i + 28].copy_from_slice(&claim);
        }
        i += 1;
    }
    zip
}

/// A DOCX with `count` entries in all (the real parts plus filler).
fn docx_many_entries(lines: &[String], count: usize) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let doc = document_xml(lines);
    for (name, content) in [
        ("[Content_Types].xml", CONTENT_TYPES.as_bytes()),
        ("_rels/.rels", RELS.as_bytes()),
        ("word/document.xml", doc.as_bytes()),
    ] {
        w.start_file(name, stored()).expect("zip");
        w.write_all(content).expect("zip");
    }
    for i in 3..count {
        w.start_file(format!("word/media/f{i}.xml"), stored())
            .expect("zip");
        w.write_all(b"<x/>").expect("zip");
    }
    w.finish().expect("zip").into_inner()
}

/// A DOCX whose document.xml defines the billion-laughs entities and uses the last one.
fn docx_billion_laughs(lines: &[String]) -> Vec<u8> {
    let mut dtd = String::from("<!DOCTYPE w:document [\n<!ENTITY lol \"lol\">\n");
    for level in 1..=9 {
        let prev = if level == 1 {
            "lol".to_string()
        } else {
            format!("lol{}", level - 1)
        };
        dtd.push_str(&format!(
            "<!ENTITY lol{level} \"{}\">\n",
            format!("&{prev};").repeat(10)
        ));
    }
    dtd.push_str("]>\n");
    let doc = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n{dtd}<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p>{}{DOC_CLOSE}",
        paragraphs(lines)
    );
    zip_of(
        &[
            ("[Content_Types].xml", CONTENT_TYPES.as_bytes()),
            ("_rels/.rels", RELS.as_bytes()),
            ("word/document.xml", doc.as_bytes()),
        ],
        deflated(),
    )
}

// ---------------------------------------------------------------------------------------------
// PDF.

/// A PDF from numbered object bodies (object 1 is the catalog), with a correct xref table.
pub fn pdf_from_objects(objects: &[Vec<u8>]) -> Vec<u8> {
    let mut out = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n".to_vec();
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
        out.extend_from_slice(body);
        out.extend_from_slice(b"\nendobj\n");
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for off in offsets {
        out.extend_from_slice(format!("{off:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

fn pdf_string(s: &str) -> String {
    // Helvetica with WinAnsi: keep to ASCII, boxes as [X] / [ ].
    let s = s.replace('☒', "[X]").replace('☐', "[ ]").replace('·', "-");
    let mut out = String::from("(");
    for c in s.chars() {
        match c {
            '(' | ')' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_ascii() => out.push(c),
            _ => out.push('?'),
        }
    }
    out.push(')');
    out
}

fn content_stream(lines: &[String]) -> String {
    let mut s = String::from("BT /F1 10 Tf 50 780 Td 14 TL\n");
    for l in lines {
        s.push_str(&pdf_string(l));
        s.push_str(" Tj T*\n");
    }
    s.push_str("ET");
    s
}

fn stream_object(dict_extra: &str, data: &[u8]) -> Vec<u8> {
    let mut o = format!("<< /Length {}{dict_extra} >>\nstream\n", data.len()).into_bytes();
    o.extend_from_slice(data);
    o.extend_from_slice(b"\nendstream");
    o
}

const FONT: &str =
    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>";

fn page(extra: &str) -> Vec<u8> {
    format!("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >>{extra} >>").into_bytes()
}

/// A one-page PDF with the lines as text.
pub fn pdf(lines: &[String]) -> Vec<u8> {
    pdf_from_objects(&[
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        page(""),
        stream_object("", content_stream(lines).as_bytes()),
        FONT.as_bytes().to_vec(),
    ])
}

/// A zlib stream (RFC 1950) of `len` spaces: raw deflate taken from a zip entry, framed.
fn zlib_of_spaces(len: usize) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    w.start_file("s", deflated().large_file(true)).expect("zip");
    let block = vec![b' '; 1 << 20];
    let mut left = len;
    while left > 0 {
        let n = left.min(block.len());
        w.write_all(&block[..n]).expect("zip");
        left -= n;
    }
    let bytes = w.finish().expect("zip").into_inner();
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).expect("zip read");
    let mut raw = Vec::new();
    archive
        .by_index_raw(0)
        .expect("zip entry")
        .read_to_end(&mut raw)
        .expect("zip raw");
    // Adler-32 of `len` equal bytes, in closed form (no second pass over 300 MB).
    let (n, c, m) = (len as u128, u128::from(b' '), 65521u128);
    let a = (1 + n * c) % m;
    let b = (n + c * (n * (n + 1) / 2)) % m;
    let mut out = vec![0x78, 0xDA];
    out.extend_from_slice(&raw);
    out.extend_from_slice(&(((b << 16) | a) as u32).to_be_bytes());
    out
}

/// A zlib stream (RFC 1950) of `data`: raw deflate taken from a zip entry, framed.
fn zlib_of(data: &[u8]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    w.start_file("s", deflated().large_file(true)).expect("zip");
    w.write_all(data).expect("zip");
    let bytes = w.finish().expect("zip").into_inner();
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).expect("zip read");
    let mut raw = Vec::new();
    archive
        .by_index_raw(0)
        .expect("zip entry")
        .read_to_end(&mut raw)
        .expect("zip raw");
    let (mut a, mut b) = (1u32, 0u32);
    for &byte in data {
        a = (a + u32::from(byte)) % 65521;
        b = (b + a) % 65521;
    }
    let mut out = vec![0x78, 0xDA];
    out.extend_from_slice(&raw);
    out.extend_from_slice(&((b << 16) | a).to_be_bytes());
    out
}

/// A one-page PDF whose content stream inflates to `inflated` bytes.
fn pdf_flate_bomb(inflated: usize) -> Vec<u8> {
    pdf_from_objects(&[
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        page(""),
        stream_object(" /Filter /FlateDecode", &zlib_of_spaces(inflated)),
        FONT.as_bytes().to_vec(),
    ])
}

/// A form PDF whose page points at an object of `depth` nested arrays.
fn pdf_nested_arrays(lines: &[String], depth: usize) -> Vec<u8> {
    let mut nested = "[".repeat(depth).into_bytes();
    nested.extend_from_slice(b"0");
    nested.extend_from_slice("]".repeat(depth).as_bytes());
    pdf_from_objects(&[
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        page(" /Annots 6 0 R"),
        stream_object("", content_stream(lines).as_bytes()),
        FONT.as_bytes().to_vec(),
        nested,
    ])
}

/// The PDFs that cost the most to lay out, each with the form on it: thousands of
/// annotations, a page of a million tiny paths, text at absurd coordinates, thousands of
/// tick boxes over one another.
pub fn costly_pdfs(form: &[String]) -> Vec<(&'static str, Vec<u8>)> {
    vec![
        ("5,000 annotations", pdf_many_annotations(form, 5_000)),
        ("a million tiny paths", pdf_tiny_paths(form, 1_000_000)),
        ("absurd coordinates", pdf_absurd_coordinates(form)),
        (
            "3,000 overlapping boxes",
            pdf_overlapping_boxes(form, 3_000),
        ),
    ]
}

/// A form PDF whose page carries `count` annotations: typed text boxes (FreeText with
/// /Contents, no appearance) and pen strokes (Ink with an /InkList), all over the page below
/// the form's text.
fn pdf_many_annotations(lines: &[String], count: usize) -> Vec<u8> {
    let first = 6;
    let refs: Vec<String> = (0..count).map(|i| format!("{} 0 R", first + i)).collect();
    let mut objects = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        page(&format!(" /Annots [{}]", refs.join(" "))),
        stream_object("", content_stream(lines).as_bytes()),
        FONT.as_bytes().to_vec(),
    ];
    for i in 0..count {
        let (x, y) = ((i * 37) % 560, 20 + (i * 53) % 480);
        objects.push(
            if i % 2 == 0 {
                format!(
                    "<< /Type /Annot /Subtype /FreeText /Rect [{x} {y} {} {}] /Contents (note {i}) /DA (/Helv 9 Tf 0 g) >>",
                    x + 60,
                    y + 12
                )
            } else {
                format!(
                    "<< /Type /Annot /Subtype /Ink /Rect [{x} {y} {} {}] /InkList [[{x} {y} {} {} {} {y}]] >>",
                    x + 10,
                    y + 10,
                    x + 5,
                    y + 10,
                    x + 10
                )
            }
            .into_bytes(),
        );
    }
    pdf_from_objects(&objects)
}

/// A form PDF whose page also draws `count` tiny stroked paths (Flate-compressed: the page
/// is small to send and large to draw).
fn pdf_tiny_paths(lines: &[String], count: usize) -> Vec<u8> {
    let mut content = content_stream(lines).into_bytes();
    content.push(b'\n');
    for i in 0..count {
        let (x, y) = (50 + (i % 50), 100 + (i / 50) % 600);
        content.extend_from_slice(
            format!("{x} {y} m {} {} l {} {y} l S\n", x + 1, y + 2, x + 2).as_bytes(),
        );
    }
    let data = zlib_of(&content);
    pdf_from_objects(&[
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        page(""),
        stream_object(" /Filter /FlateDecode", &data),
        FONT.as_bytes().to_vec(),
    ])
}

/// A form PDF with text placed off the page and at absurd coordinates and scales, a media
/// box of absurd size on a second page, and a line drawn from one end of the number range to
/// the other.
fn pdf_absurd_coordinates(lines: &[String]) -> Vec<u8> {
    let huge = "1".to_string() + &"0".repeat(38);
    let mut content = content_stream(lines);
    content.push_str(&format!(
        "\nBT /F1 10 Tf {huge} {huge} Td (far away) Tj ET\nBT /F1 10 Tf -{huge} 10 Td (far left) Tj ET\nBT /F1 10 Tf 0 0 0 0 100 100 Tm (no size) Tj ET\nBT /F1 10 Tf {huge} 0 0 {huge} 50 50 Tm (huge) Tj ET\nBT /F1 10 Tf 5000 5000 Td (off the page) Tj ET\n-{huge} -{huge} m {huge} {huge} l S\n-{huge} 10 {huge} 5 re f\n"
    ));
    let second = format!(
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {huge} {huge}] /CropBox [-{huge} 0 0 1] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>"
    );
    pdf_from_objects(&[
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R 6 0 R] /Count 2 >>".to_vec(),
        page(""),
        stream_object("", content.as_bytes()),
        FONT.as_bytes().to_vec(),
        second.into_bytes(),
    ])
}

/// A form PDF drawing `count` tick boxes over one another: bracket pairs, drawn squares and
/// X's, all at nearly the same place.
fn pdf_overlapping_boxes(lines: &[String], count: usize) -> Vec<u8> {
    let mut content = content_stream(lines);
    content.push('\n');
    for i in 0..count {
        let (x, y) = (60.0 + (i % 7) as f32 * 0.7, 300.0 + (i % 5) as f32 * 0.9);
        content.push_str(&format!(
            "BT /F1 10 Tf {x} {y} Td ([ ]) Tj ET {x} {} 8 8 re S BT /F1 10 Tf {} {y} Td (X) Tj ET\n",
            y - 1.0,
            x + 2.0
        ));
    }
    pdf_from_objects(&[
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        page(""),
        stream_object("", content.as_bytes()),
        FONT.as_bytes().to_vec(),
    ])
}

/// A PDF whose page tree node lists itself as its only kid.
fn pdf_self_page_tree() -> Vec<u8> {
    pdf_from_objects(&[
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 >>".to_vec(),
        b"<< /Type /Pages /Parent 2 0 R /Kids [3 0 R 2 0 R] /Count 2 >>".to_vec(),
    ])
}

/// A PDF-looking file of `size` bytes (a header, then pseudo-random bytes).
fn big_pdf(size: usize) -> Vec<u8> {
    let mut out = b"%PDF-1.4\n%".to_vec();
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    while out.len() < size {
        // xorshift: fast, deterministic, incompressible enough.
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        out.extend_from_slice(&x.to_le_bytes());
    }
    out.truncate(size);
    out
}

// ---------------------------------------------------------------------------------------------
// Messages and mbox.

/// Standard headers; `i` spreads the dates over a few days.
pub fn headers(message_id: Option<&str>, subject: &str, i: usize) -> String {
    let mut h = format!(
        "From: Jane Citizen <jane.citizen@example.edu.au>\r\nTo: coding.service.registration@abs.gov.au\r\nSubject: {subject}\r\nDate: Mon, {:02} Nov 2026 {:02}:{:02}:00 +1100\r\nMIME-Version: 1.0\r\n",
        2 + (i / 1440) % 20,
        (i / 60) % 24,
        i % 60
    );
    if let Some(id) = message_id {
        h.push_str(&format!("Message-ID: {id}\r\n"));
    }
    h
}

/// The Content-Type etc. and body of a single-part text message (no leading headers).
pub fn text_message(text: &str, charset: &str) -> Vec<u8> {
    format!(
        "Content-Type: text/plain; charset=\"{charset}\"\r\nContent-Transfer-Encoding: 8bit\r\n\r\n{}\r\n",
        text.replace('\n', "\r\n")
    )
    .into_bytes()
}

/// A multipart/mixed message: a short note and one base64 attachment.
pub fn attachment_message(bytes: &[u8], filename: &str, content_type: &str) -> Vec<u8> {
    let mut m = format!(
        "Content-Type: multipart/mixed; boundary=\"=-b-outer\"\r\n\r\n--=-b-outer\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nPlease find my registration form attached.\r\n--=-b-outer\r\nContent-Type: {content_type}; name=\"{filename}\"\r\nContent-Disposition: attachment; filename=\"{filename}\"\r\nContent-Transfer-Encoding: base64\r\n\r\n"
    )
    .into_bytes();
    base64_lines(bytes, &mut m);
    m.extend_from_slice(b"--=-b-outer--\r\n");
    m
}

/// Multiparts nested `depth` deep with the form text in the innermost part.
fn nested_message(text: &str, depth: usize) -> Vec<u8> {
    let mut m = Vec::new();
    for level in 0..depth {
        m.extend_from_slice(
            format!(
                "Content-Type: multipart/mixed; boundary=\"lvl{level}\"\r\n\r\n--lvl{level}\r\n"
            )
            .as_bytes(),
        );
    }
    m.extend_from_slice(
        format!(
            "Content-Type: text/plain; charset=utf-8\r\n\r\n{}\r\n",
            text.replace('\n', "\r\n")
        )
        .as_bytes(),
    );
    for level in (0..depth).rev() {
        m.extend_from_slice(format!("--lvl{level}--\r\n").as_bytes());
    }
    m
}

/// A multipart/mixed message of `parts` parts, the form text first.
fn many_parts_message(text: &str, parts: usize) -> Vec<u8> {
    let mut m = format!(
        "Content-Type: multipart/mixed; boundary=\"many\"\r\n\r\n--many\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{}\r\n",
        text.replace('\n', "\r\n")
    )
    .into_bytes();
    for i in 1..parts {
        m.extend_from_slice(
            format!("--many\r\nContent-Type: application/octet-stream; name=\"p{i}.bin\"\r\nContent-Disposition: attachment; filename=\"p{i}.bin\"\r\n\r\npart {i}\r\n").as_bytes(),
        );
    }
    m.extend_from_slice(b"--many--\r\n");
    m
}

/// Form text with NUL bytes in a header and inside the answers.
fn nul_message(lines: &[String]) -> Vec<u8> {
    let mut m = b"X-Nul: a\0b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n".to_vec();
    for l in lines {
        m.extend_from_slice(l.replace(": ", ":\0 ").as_bytes());
        m.extend_from_slice(b"\0\r\n");
    }
    m
}

/// Base64 in 76-column CRLF lines.
pub fn base64_lines(bytes: &[u8], out: &mut Vec<u8>) {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    out.reserve(bytes.len() / 57 * 78 + 80);
    for line in bytes.chunks(57) {
        for chunk in line.chunks(3) {
            let b = [
                chunk[0],
                *chunk.get(1).unwrap_or(&0),
                *chunk.get(2).unwrap_or(&0),
            ];
            let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
            out.push(ALPHABET[(n >> 18) as usize & 63]);
            out.push(ALPHABET[(n >> 12) as usize & 63]);
            out.push(if chunk.len() > 1 {
                ALPHABET[(n >> 6) as usize & 63]
            } else {
                b'='
            });
            out.push(if chunk.len() > 2 {
                ALPHABET[n as usize & 63]
            } else {
                b'='
            });
        }
        out.extend_from_slice(b"\r\n");
    }
}

/// Appends one message to an mbox (mboxrd: `From ` lines in the body quoted with `>`).
pub fn write_mbox_message(out: &mut impl Write, message: &[u8]) -> std::io::Result<()> {
    out.write_all(b"From jane.citizen@example.edu.au Mon Nov  2 09:00:00 2026\n")?;
    for line in message.split_inclusive(|&b| b == b'\n') {
        let quotes = line.iter().take_while(|&&b| b == b'>').count();
        let bare = &line[quotes..];
        if bare.starts_with(b"From ") {
            out.write_all(b">")?;
        }
        out.write_all(line)?;
    }
    if !message.ends_with(b"\n") {
        out.write_all(b"\n")?;
    }
    out.write_all(b"\n")
}

// ---------------------------------------------------------------------------------------------
// Big bodies.

/// The body line of `write_big_bodies_mbox`: 62 MB, under the default 64 MiB message limit
/// however it is encoded (base64 adds a third).
pub const BIG_BODY_BYTES: usize = 62_000_000;

/// Writes `dir/big-bodies.mbox`: `count` messages whose body is one line of `body_bytes` bytes
/// (a filled form's first line, then words, no line break), in turn as plain 8-bit text, HTML,
/// base64 (of 3/4 of the size, so the message stays as long) and quoted-printable (soft line
/// breaks only: still one line of text).
pub fn write_big_bodies_mbox(
    dir: &Path,
    count: usize,
    body_bytes: usize,
) -> std::io::Result<PathBuf> {
    let path = dir.join("big-bodies.mbox");
    let mut out = std::io::BufWriter::new(std::fs::File::create(&path)?);
    let line = |len: usize| -> Vec<u8> {
        let mut text = b"Full name: Jane Citizen ".to_vec();
        let words = b"lorem ipsum dolor sit amet consectetur adipiscing elit ";
        while text.len() < len {
            text.extend_from_slice(&words[..words.len().min(len - text.len())]);
        }
        text
    };
    for i in 0..count {
        let id = format!("<big-{i}@regintake.test>");
        let (label, body): (&str, Vec<u8>) = match i % 4 {
            0 => ("plain", [b"Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n".as_slice(), &line(body_bytes), b"\r\n"].concat()),
            1 => {
                let mut html = b"Content-Type: text/html; charset=utf-8\r\n\r\n<html><body><p>".to_vec();
                html.extend_from_slice(&line(body_bytes - 40));
                html.extend_from_slice(b"</p></body></html>\r\n");
                ("html", html)
            }
            2 => {
                let mut b64 = b"Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n".to_vec();
                base64_lines(&line(body_bytes / 4 * 3 - 1024), &mut b64);
                ("base64", b64)
            }
            _ => {
                let mut qp = b"Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n".to_vec();
                for piece in line(body_bytes - body_bytes / 70).chunks(72) {
                    qp.extend_from_slice(piece);
                    qp.extend_from_slice(b"=\r\n");
                }
                ("quoted-printable", qp)
            }
        };
        let head = headers(Some(&id), &format!("one-line body, {label}"), i);
        write_mbox_message(&mut out, &[head.as_bytes(), &body].concat())?;
    }
    out.flush()?;
    Ok(path)
}

// ---------------------------------------------------------------------------------------------
// Fuzz seeds.

/// Writes small seeds for each fuzz target into `dir/<target>/`; returns how many.
pub fn write_seed_corpus(dir: &Path) -> std::io::Result<usize> {
    let form = form_lines("Jane", "Seed Agency");
    let mut partner = form.clone();
    partner[8] =
        "☐ Public coding service (1 API call per second and up to 1,000 calls per day).".into();
    partner[9] = "☒ Partner coding service (Large batch coding)".into();
    partner.insert(
        10,
        "Static IP address or range: 150.203.0.0/24; 203.0.113.5 - 203.0.113.9, 2001:db8::/48"
            .into(),
    );
    partner[12] = "· records you expect to code: 2,000 - 4,000".into();
    partner[13] = "· API calls you expect to make: approx. 5k".into();
    let whole = |m: &[u8], i: usize| {
        [
            headers(
                Some(&format!("<seed-{i}@regintake.test>")),
                "Registration",
                i,
            )
            .as_bytes(),
            m,
        ]
        .concat()
    };

    let mut seeds: Vec<(&str, String, Vec<u8>)> = Vec::new();
    let text = form.join("\n");
    // mime_parse
    seeds.push((
        "mime_parse",
        "body.eml".into(),
        whole(&text_message(&text, "utf-8"), 1),
    ));
    seeds.push((
        "mime_parse",
        "docx-attached.eml".into(),
        whole(&attachment_message(&docx(&form), "form.docx", DOCX_TYPE), 2),
    ));
    seeds.push((
        "mime_parse",
        "pdf-as-png.eml".into(),
        whole(
            &attachment_message(
                &pdf(&form),
                "=?utf-8?q?R=C3=A9gistration?=.pdf",
                "image/png",
            ),
            3,
        ),
    ));
    seeds.push((
        "mime_parse",
        "nested.eml".into(),
        whole(&nested_message(&text, 6), 4),
    ));
    seeds.push((
        "mime_parse",
        "parts.eml".into(),
        whole(&many_parts_message(&text, 12), 5),
    ));
    seeds.push((
        "mime_parse",
        "nul.eml".into(),
        whole(&nul_message(&form), 6),
    ));
    seeds.push((
        "mime_parse",
        "charset.eml".into(),
        whole(&text_message(&text, "x-unheard-of"), 7),
    ));
    let qp = "Subject: =?iso-8859-1?q?Inscripci=F3n?=\r\nContent-Type: multipart/alternative; boundary=\"alt\"\r\n\r\n--alt\r\nContent-Type: text/html; charset=windows-1252\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n<html><body><p>Full name: Ren=E9e Citizen</p><table><tr><td>Organisation</td><td>Caf=E9 Co</td></tr></table></body></html>\r\n--alt--\r\n"
        .to_string();
    seeds.push(("mime_parse", "html-qp.eml".into(), whole(qp.as_bytes(), 8)));
    let fwd = [
        b"Content-Type: multipart/mixed; boundary=\"f\"\r\n\r\n--f\r\nContent-Type: text/plain\r\n\r\nForwarding.\r\n--f\r\nContent-Type: message/rfc822\r\n\r\n".as_slice(),
        &whole(&attachment_message(&docx(&form), "inner.docx", DOCX_TYPE), 9),
        b"\r\n--f--\r\n",
    ]
    .concat();
    seeds.push(("mime_parse", "forwarded.eml".into(), whole(&fwd, 10)));
    // docx_read
    seeds.push(("docx_read", "form.docx".into(), docx(&form)));
    seeds.push(("docx_read", "partner.docx".into(), docx(&partner)));
    seeds.push((
        "docx_read",
        "lying-sizes.docx".into(),
        docx_lying_sizes(&form),
    ));
    seeds.push((
        "docx_read",
        "laughs.docx".into(),
        docx_billion_laughs(&form[..3]),
    ));
    seeds.push((
        "docx_read",
        "entries.docx".into(),
        docx_many_entries(&form[..3], 40),
    ));
    seeds.push((
        "docx_read",
        "small-bomb.docx".into(),
        docx_zip_bomb(1 << 20),
    ));
    seeds.push(("docx_read", "controls.docx".into(), docx_with_controls()));
    // pdf_read
    seeds.push(("pdf_read", "form.pdf".into(), pdf(&form)));
    seeds.push(("pdf_read", "partner.pdf".into(), pdf(&partner)));
    seeds.push(("pdf_read", "loop.pdf".into(), pdf_self_page_tree()));
    let whole_pdf = pdf(&form);
    seeds.push((
        "pdf_read",
        "truncated.pdf".into(),
        whole_pdf[..whole_pdf.len() / 2].to_vec(),
    ));
    seeds.push((
        "pdf_read",
        "nested.pdf".into(),
        pdf_nested_arrays(&form[..2], 300),
    ));
    seeds.push(("pdf_read", "flate.pdf".into(), pdf_flate_bomb(64 << 10)));
    seeds.push(("pdf_read", "acroform.pdf".into(), pdf_acroform()));
    seeds.push((
        "pdf_read",
        "annotations.pdf".into(),
        pdf_many_annotations(&form, 40),
    ));
    seeds.push(("pdf_read", "paths.pdf".into(), pdf_tiny_paths(&form, 200)));
    seeds.push((
        "pdf_read",
        "coordinates.pdf".into(),
        pdf_absurd_coordinates(&form),
    ));
    seeds.push((
        "pdf_read",
        "boxes.pdf".into(),
        pdf_overlapping_boxes(&form, 30),
    ));
    // form_validate
    seeds.push((
        "form_validate",
        "form.txt".into(),
        text.clone().into_bytes(),
    ));
    seeds.push((
        "form_validate",
        "partner.txt".into(),
        partner.join("\n").into_bytes(),
    ));
    let tabbed = form
        .iter()
        .map(|l| l.replacen(": ", "\t", 1))
        .collect::<Vec<_>>()
        .join("\n");
    seeds.push(("form_validate", "tabbed.txt".into(), tabbed.into_bytes()));
    let odd = "Name - Dr J. O'Brien\nOrganization: ACME (Pty) Ltd\nE-mail address: jane(at)abs.gov.au\n[x] Terms of Use\n[ ] Public\nX Partner\nIP: 10.0.0.0/8, 192.168.1.1-192.168.1.300, dynamic home connection\nrecords per day: 1.2 million\nAPI calls: TBC\nUser Guide: yes\n> quoted reply line\n".to_string();
    seeds.push(("form_validate", "odd-answers.txt".into(), odd.into_bytes()));

    let mut count = 0;
    for (target, name, bytes) in seeds {
        let d = dir.join(target);
        std::fs::create_dir_all(&d)?;
        std::fs::write(d.join(name), bytes)?;
        count += 1;
    }
    Ok(count)
}

/// A DOCX with a table, a check-box content control and a legacy check-box form field.
fn docx_with_controls() -> Vec<u8> {
    let body = r#"<w:tbl><w:tr><w:tc><w:p><w:r><w:t>Full name</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>Jane Citizen</w:t></w:r></w:p></w:tc></w:tr><w:tr><w:tc><w:p><w:r><w:t>Organisation</w:t></w:r></w:p></w:tc><w:tc><w:sdt><w:sdtPr><w:tag w:val="organisation"/></w:sdtPr><w:sdtContent><w:p><w:r><w:t>Seed Agency</w:t></w:r></w:p></w:sdtContent></w:sdt></w:tc></w:tr></w:tbl><w:p><w:sdt><w:sdtPr><w14:checkbox xmlns:w14="http://schemas.microsoft.com/office/word/2010/wordml"><w14:checked w14:val="1"/></w14:checkbox></w:sdtPr><w:sdtContent><w:r><w:t>☒</w:t></w:r></w:sdtContent></w:sdt><w:r><w:t xml:space="preserve"> I agree to be legally bound by the Terms of Use</w:t></w:r></w:p><w:p><w:r><w:fldChar w:fldCharType="begin"><w:ffData><w:checkBox><w:default w:val="1"/></w:checkBox></w:ffData></w:fldChar></w:r><w:r><w:instrText>FORMCHECKBOX</w:instrText></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r><w:r><w:t xml:space="preserve"> Public coding service</w:t></w:r></w:p><w:p><w:r><w:sym w:font="Wingdings" w:char="F0FE"/><w:t xml:space="preserve"> I agree to read and follow the User Guide</w:t></w:r></w:p>"#;
    let doc = format!("{DOC_OPEN}{body}{DOC_CLOSE}");
    zip_of(
        &[
            ("[Content_Types].xml", CONTENT_TYPES.as_bytes()),
            ("_rels/.rels", RELS.as_bytes()),
            ("word/document.xml", doc.as_bytes()),
        ],
        deflated(),
    )
}

/// A one-page PDF with an AcroForm: a text field and a ticked check box.
fn pdf_acroform() -> Vec<u8> {
    pdf_from_objects(&[
        b"<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [6 0 R 7 0 R] >> >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        page(" /Annots [6 0 R 7 0 R]"),
        stream_object("", content_stream(&["Full name".to_string(), "Terms of Use".to_string()]).as_bytes()),
        FONT.as_bytes().to_vec(),
        b"<< /Type /Annot /Subtype /Widget /FT /Tx /T (full_name) /TU (Full name) /V (Jane Citizen) /Rect [150 770 400 790] /P 3 0 R >>".to_vec(),
        b"<< /Type /Annot /Subtype /Widget /FT /Btn /T (terms) /TU (I agree to the Terms of Use) /V /Yes /AS /Yes /Rect [40 750 50 760] /P 3 0 R >>".to_vec(),
    ])
}
