//! A mail body's text in → a `Document` of its lines (source `body`).

use super::{Document, Line, Source};

/// Splits a plain-text body into lines; quoted-reply markers (`> `) are removed so a form quoted
/// in a reply or inline forward still reads.
pub fn read(text: &str) -> Document {
    let mut doc = Document::new(Source::Body);
    for raw in text.lines() {
        let mut line = raw.trim_end();
        while let Some(rest) = line.strip_prefix('>') {
            line = rest.strip_prefix(' ').unwrap_or(rest);
        }
        doc.lines.push(Line::text(line));
    }
    doc
}
