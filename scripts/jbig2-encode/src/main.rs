//! Bilevel pages (binary PBM files) in → JBIG2 streams for a PDF out, the way scanners and
//! PDF optimisers write them: `globals.jb2` (the shared symbol dictionary, the `/JBIG2Globals`
//! stream; symbol modes only) and `page-N.jb2` (each page's image stream, embedded organisation).
//!
//! Modes: `symbols` (pixel-exact symbol dictionary and text regions, one dictionary shared by
//! every page) and `generic` (one arithmetic-coded generic region per page). The crate's lossy
//! presets are not offered: poppler, jbig2dec and hayro-jbig2 decode their streams differently
//! (thin glyphs and hyphens lost by some decoders and not others), so no truth could be stated.
//!
//! Usage: jbig2-encode MODE OUT_DIR PAGE.pbm...

use jbig2enc_rust::{Array2, Jbig2Config, encode_document_pdf_split};
use std::path::Path;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 4 {
        eprintln!("usage: jbig2-encode symbols|generic OUT_DIR PAGE.pbm...");
        std::process::exit(2);
    }
    let config = match args[1].as_str() {
        "symbols" => Jbig2Config::text_lossless(),
        "generic" => Jbig2Config::generic(),
        other => {
            eprintln!("jbig2-encode: unknown mode {other}");
            std::process::exit(2);
        }
    };
    let out = Path::new(&args[2]);
    let pages: Vec<Array2<u8>> = args[3..].iter().map(|p| read_pbm(Path::new(p))).collect();
    let encoded = encode_document_pdf_split(&pages, &config).unwrap_or_else(|e| {
        eprintln!("jbig2-encode: {e}");
        std::process::exit(1);
    });
    if let Some(globals) = &encoded.global_segments {
        std::fs::write(out.join("globals.jb2"), globals).expect("write globals");
    }
    for (i, page) in encoded.page_streams.iter().enumerate() {
        std::fs::write(out.join(format!("page-{}.jb2", i + 1)), page).expect("write page");
    }
}

/// A binary PBM (`P4`): 1 bits are black, rows padded to a byte. Out: (height, width), 1 = black.
fn read_pbm(path: &Path) -> Array2<u8> {
    let bytes = std::fs::read(path).expect("read PBM");
    let mut fields = Vec::new();
    let mut at = 0;
    while fields.len() < 3 {
        while bytes[at].is_ascii_whitespace() {
            at += 1;
        }
        if bytes[at] == b'#' {
            while bytes[at] != b'\n' {
                at += 1;
            }
            continue;
        }
        let start = at;
        while !bytes[at].is_ascii_whitespace() {
            at += 1;
        }
        fields.push(String::from_utf8_lossy(&bytes[start..at]).into_owned());
    }
    assert_eq!(fields[0], "P4", "{}: not a binary PBM", path.display());
    let width: usize = fields[1].parse().expect("width");
    let height: usize = fields[2].parse().expect("height");
    let data = &bytes[at + 1..];
    let row = width.div_ceil(8);
    assert!(data.len() >= row * height, "{}: short PBM", path.display());
    Array2::from_shape_fn((height, width), |(y, x)| (data[y * row + x / 8] >> (7 - x % 8)) & 1)
}
