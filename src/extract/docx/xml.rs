//! XML bytes in → start / end / text callbacks with namespaces resolved to a small `Ns` set.
//! Refuses a DOCTYPE (no entity expansion) and nesting deeper than the limit.

use super::Unreadable;
use quick_xml::NsReader;
use quick_xml::events::{BytesStart, Event};
use quick_xml::name::ResolveResult;

/// The namespaces the DOCX and ODT readers care about; everything else is `Other`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Ns {
    /// WordprocessingML main (transitional or strict).
    W,
    /// Word 2010 extensions (`w14:checkbox`).
    W14,
    /// Markup compatibility (`mc:AlternateContent`).
    Mc,
    /// Office Math (`m:t` holds text).
    M,
    Office,
    Text,
    Table,
    Draw,
    Form,
    /// LibreOffice extensions (`loext:content-control`).
    LoExt,
    /// ODF styles (`style:style`, `style:font-face`).
    Style,
    /// MS interop fieldmarks (`field:fieldmark`).
    Field,
    Other,
    None,
}

fn ns_from_uri(uri: &[u8]) -> Ns {
    match uri {
        b"http://schemas.openxmlformats.org/wordprocessingml/2006/main"
        | b"http://purl.oclc.org/ooxml/wordprocessingml/main" => Ns::W,
        b"http://schemas.microsoft.com/office/word/2010/wordml" => Ns::W14,
        b"http://schemas.openxmlformats.org/markup-compatibility/2006" => Ns::Mc,
        b"http://schemas.openxmlformats.org/officeDocument/2006/math"
        | b"http://purl.oclc.org/ooxml/officeDocument/math" => Ns::M,
        b"urn:oasis:names:tc:opendocument:xmlns:office:1.0" => Ns::Office,
        b"urn:oasis:names:tc:opendocument:xmlns:text:1.0" => Ns::Text,
        b"urn:oasis:names:tc:opendocument:xmlns:table:1.0" => Ns::Table,
        b"urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" => Ns::Draw,
        b"urn:oasis:names:tc:opendocument:xmlns:form:1.0" => Ns::Form,
        b"urn:org:documentfoundation:names:experimental:office:xmlns:loext:1.0" => Ns::LoExt,
        b"urn:oasis:names:tc:opendocument:xmlns:style:1.0" => Ns::Style,
        b"urn:openoffice:names:experimental:ooo-ms-interop:xmlns:field:1.0" => Ns::Field,
        _ => Ns::Other,
    }
}

/// A prefix used without a declaration (sloppy generators): guess from the usual prefix.
fn ns_from_prefix(prefix: &[u8]) -> Ns {
    match prefix {
        b"w" => Ns::W,
        b"w14" => Ns::W14,
        b"mc" => Ns::Mc,
        b"m" => Ns::M,
        b"office" => Ns::Office,
        b"text" => Ns::Text,
        b"table" => Ns::Table,
        b"draw" => Ns::Draw,
        b"form" => Ns::Form,
        b"loext" => Ns::LoExt,
        b"style" => Ns::Style,
        b"field" => Ns::Field,
        _ => Ns::Other,
    }
}

fn resolve(result: ResolveResult<'_>) -> Ns {
    match result {
        ResolveResult::Bound(ns) => ns_from_uri(ns.0),
        ResolveResult::Unknown(prefix) => ns_from_prefix(&prefix),
        ResolveResult::Unbound => Ns::None,
    }
}

pub(super) struct Attr {
    pub(super) local: String,
    pub(super) value: String,
}

pub(super) struct Element {
    pub(super) ns: Ns,
    pub(super) local: String,
    pub(super) attrs: Vec<Attr>,
}

impl Element {
    pub(super) fn is(&self, ns: Ns, local: &str) -> bool {
        self.ns == ns && self.local == local
    }
    /// An attribute by local name, whatever its prefix (`w:val`, `val`, `w14:val`).
    pub(super) fn attr(&self, local: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|a| a.local == local)
            .map(|a| a.value.as_str())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Flow {
    /// Report the element's children and its end.
    Enter,
    /// Ignore the whole subtree; no `end` call follows.
    Skip,
}

pub(super) trait Handler {
    fn start(&mut self, el: &Element) -> Flow;
    fn end(&mut self, ns: Ns, local: &str);
    fn text(&mut self, text: &str);
}

fn element(reader: &NsReader<&[u8]>, start: &BytesStart<'_>) -> Result<Element, Unreadable> {
    let (ns, local) = reader.resolve_element(start.name());
    let ns = resolve(ns);
    let local = String::from_utf8_lossy(local.as_ref()).into_owned();
    let mut attrs = Vec::new();
    for attr in start.attributes() {
        let attr = attr.map_err(|e| Unreadable(format!("malformed XML attribute: {e}")))?;
        let (_, attr_local) = reader.resolve_attribute(attr.key);
        let value = attr
            .decode_and_unescape_value(reader.decoder())
            .map_err(|e| Unreadable(format!("malformed XML attribute value: {e}")))?;
        attrs.push(Attr {
            local: String::from_utf8_lossy(attr_local.as_ref()).into_owned(),
            value: value.into_owned(),
        });
    }
    Ok(Element { ns, local, attrs })
}

/// Runs `handler` over `bytes`. `part` names the zip entry in error messages.
pub(super) fn parse(
    bytes: &[u8],
    part: &str,
    max_depth: usize,
    handler: &mut impl Handler,
) -> Result<(), Unreadable> {
    let mut reader = NsReader::from_reader(bytes);
    reader.config_mut().check_end_names = true;
    let bad = |e: &dyn std::fmt::Display| Unreadable(format!("{part} is not well-formed XML: {e}"));
    let mut depth = 0usize;
    // Depth of the element whose subtree is being skipped, if any.
    let mut skipping: Option<usize> = None;
    loop {
        let event = reader.read_event().map_err(|e| bad(&e))?;
        match event {
            Event::DocType(_) => {
                return Err(Unreadable(format!(
                    "{part} has a DOCTYPE declaration (refused: entity expansion)"
                )));
            }
            Event::Start(start) => {
                depth += 1;
                if depth > max_depth {
                    return Err(Unreadable(format!(
                        "{part} nests elements deeper than {max_depth} levels"
                    )));
                }
                if skipping.is_none() {
                    let el = element(&reader, &start)?;
                    if handler.start(&el) == Flow::Skip {
                        skipping = Some(depth);
                    }
                }
            }
            Event::Empty(start) => {
                if depth + 1 > max_depth {
                    return Err(Unreadable(format!(
                        "{part} nests elements deeper than {max_depth} levels"
                    )));
                }
                if skipping.is_none() {
                    let el = element(&reader, &start)?;
                    if handler.start(&el) == Flow::Enter {
                        handler.end(el.ns, &el.local);
                    }
                }
            }
            Event::End(end) => {
                match skipping {
                    Some(d) if d == depth => skipping = None,
                    Some(_) => {}
                    None => {
                        let (ns, local) = reader.resolve_element(end.name());
                        let ns = resolve(ns);
                        let local = String::from_utf8_lossy(local.as_ref());
                        handler.end(ns, &local);
                    }
                }
                depth = depth.saturating_sub(1);
            }
            Event::Text(text) => {
                if skipping.is_none() {
                    let text = text.xml10_content().map_err(|e| bad(&e))?;
                    handler.text(&text);
                }
            }
            Event::CData(data) => {
                if skipping.is_none() {
                    let text = data.xml10_content().map_err(|e| bad(&e))?;
                    handler.text(&text);
                }
            }
            Event::GeneralRef(reference) => {
                if skipping.is_none() {
                    if let Some(ch) = reference.resolve_char_ref().map_err(|e| bad(&e))? {
                        let mut buf = [0u8; 4];
                        handler.text(ch.encode_utf8(&mut buf));
                    } else {
                        let name = reference.decode().map_err(|e| bad(&e))?;
                        match quick_xml::escape::resolve_xml_entity(&name) {
                            Some(text) => handler.text(text),
                            // No DOCTYPE was allowed, so no other entity can be defined.
                            None => return Err(bad(&format!("undefined entity &{name};"))),
                        }
                    }
                }
            }
            Event::Eof => break,
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) => {}
        }
    }
    Ok(())
}
