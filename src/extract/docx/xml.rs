//! XML bytes in → start / end / text callbacks with namespaces resolved to a small `Ns` set.
//! Refuses a DOCTYPE (no entity expansion) and nesting deeper than the limit.

use super::{Limit, Unreadable};
use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};
use std::borrow::Cow;
use std::cell::OnceCell;

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

/// A start tag as the handlers see it: its namespace and local name, borrowed from the XML,
/// and its attributes, decoded on the first look (most elements' are never looked at).
pub(super) struct Element<'a> {
    pub(super) ns: Ns,
    pub(super) local: Cow<'a, str>,
    start: &'a BytesStart<'a>,
    /// (local name, value) of every attribute, once asked for.
    attrs: OnceCell<Vec<(String, String)>>,
}

impl Element<'_> {
    pub(super) fn is(&self, ns: Ns, local: &str) -> bool {
        self.ns == ns && self.local == local
    }
    /// An attribute by local name, whatever its prefix (`w:val`, `val`, `w14:val`).
    pub(super) fn attr(&self, local: &str) -> Option<&str> {
        self.attrs
            .get_or_init(|| decode_attrs(self.start))
            .iter()
            .find(|(name, _)| name == local)
            .map(|(_, value)| value.as_str())
    }
    /// Every attribute with this local name, in document order.
    pub(super) fn attrs_named<'s>(&'s self, local: &'s str) -> impl Iterator<Item = &'s str> {
        self.attrs
            .get_or_init(|| decode_attrs(self.start))
            .iter()
            .filter(move |(name, _)| name == local)
            .map(|(_, value)| value.as_str())
    }
}

/// A malformed attribute list reads as ending there: the text is what matters, and Word and
/// LibreOffice never write one.
fn decode_attrs(start: &BytesStart<'_>) -> Vec<(String, String)> {
    let mut attrs = start.attributes();
    attrs.with_checks(false);
    attrs
        .map_while(Result::ok)
        .map(|a| {
            let local = String::from_utf8_lossy(a.key.local_name().as_ref()).into_owned();
            let value = match a.unescape_value() {
                Ok(v) => v.into_owned(),
                // An unknown entity reference: the value as written.
                Err(_) => String::from_utf8_lossy(&a.value).into_owned(),
            };
            (local, value)
        })
        .collect()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Flow {
    /// Report the element's children and its end.
    Enter,
    /// Ignore the whole subtree; no `end` call follows.
    Skip,
}

pub(super) trait Handler {
    fn start(&mut self, el: &Element<'_>) -> Flow;
    fn end(&mut self, ns: Ns, local: &str);
    fn text(&mut self, text: &str);
}

/// The namespace declarations in scope, innermost last. quick-xml's `NsReader` looks for
/// declarations in every start tag's attributes and resolves every name against a general
/// table; documents declare their namespaces once, on the root, so here a tag's attributes are
/// only parsed when the tag mentions `xmlns`, and the last prefix looked up is remembered.
#[derive(Default)]
struct Scopes {
    /// (prefix, namespace, depth of the declaring element); the default namespace has prefix "".
    declared: Vec<(Box<[u8]>, Ns, usize)>,
    last: Option<(Box<[u8]>, Ns)>,
}

impl Scopes {
    /// Records the declarations of the element at `depth` (its own name resolves with them).
    fn enter(&mut self, start: &BytesStart<'_>, depth: usize) {
        // Most tags hold no "x" at all; a substring searcher's set-up would cost more.
        let raw = start.attributes_raw();
        if !memchr::memchr_iter(b'x', raw).any(|i| raw[i..].starts_with(b"xmlns")) {
            return;
        }
        for attr in start.attributes().with_checks(false).map_while(Result::ok) {
            let key = attr.key.as_ref();
            let prefix: &[u8] = match key.strip_prefix(b"xmlns") {
                Some([]) => b"",
                Some([b':', prefix @ ..]) => prefix,
                _ => continue,
            };
            let ns = match (prefix, attr.value.as_ref()) {
                // `xmlns=""`: names without a prefix are in no namespace again.
                (b"", b"") => Ns::None,
                (_, uri) => ns_from_uri(uri),
            };
            self.declared.push((prefix.into(), ns, depth));
            self.last = None;
        }
    }

    /// Drops the declarations of the element at `depth`, which has ended.
    fn leave(&mut self, depth: usize) {
        while self.declared.last().is_some_and(|d| d.2 >= depth) {
            self.declared.pop();
            self.last = None;
        }
    }

    /// The namespace and local name of a tag name (`w:p`, `p`).
    fn resolve<'n>(&mut self, qname: &'n [u8]) -> (Ns, &'n [u8]) {
        let (prefix, local): (&[u8], &[u8]) = match memchr::memchr(b':', qname) {
            Some(i) => (&qname[..i], &qname[i + 1..]),
            None => (b"", qname),
        };
        if let Some((p, ns)) = &self.last
            && **p == *prefix
        {
            return (*ns, local);
        }
        let ns = match self.declared.iter().rev().find(|d| *d.0 == *prefix) {
            Some(d) => d.1,
            // No default namespace declared: the name is in none.
            None if prefix.is_empty() => Ns::None,
            // A prefix used without a declaration (sloppy generators): guess from the usual
            // prefix. `xml:` is predefined and none of ours.
            None => ns_from_prefix(prefix),
        };
        self.last = Some((prefix.into(), ns));
        (ns, local)
    }
}

fn element<'a>(scopes: &mut Scopes, start: &'a BytesStart<'a>) -> Element<'a> {
    let (ns, local) = scopes.resolve(start.name().into_inner());
    Element {
        ns,
        local: String::from_utf8_lossy(local),
        start,
        attrs: OnceCell::new(),
    }
}

/// Runs `handler` over `bytes`. `part` names the zip entry in error messages.
pub(super) fn parse(
    bytes: &[u8],
    part: &str,
    max_depth: usize,
    handler: &mut impl Handler,
) -> Result<(), Unreadable> {
    let mut reader = Reader::from_reader(bytes);
    let mut scopes = Scopes::default();
    reader.config_mut().check_end_names = true;
    let bad = |e: &dyn std::fmt::Display| {
        Unreadable::malformed(format!("{part} is not well-formed XML: {e}"))
    };
    let mut depth = 0usize;
    // Depth of the element whose subtree is being skipped, if any.
    let mut skipping: Option<usize> = None;
    loop {
        let event = reader.read_event().map_err(|e| bad(&e))?;
        match event {
            Event::DocType(_) => {
                return Err(Unreadable::malformed(format!(
                    "{part} has a DOCTYPE declaration (refused: entity expansion)"
                )));
            }
            Event::Start(start) => {
                depth += 1;
                if depth > max_depth {
                    return Err(Unreadable::over(
                        Limit::Nesting,
                        format!("{part} nests elements deeper than {max_depth} levels"),
                    ));
                }
                if skipping.is_none() {
                    scopes.enter(&start, depth);
                    let el = element(&mut scopes, &start);
                    if handler.start(&el) == Flow::Skip {
                        skipping = Some(depth);
                        // Nothing inside is resolved; its end drops this element's scope.
                        scopes.leave(depth);
                    }
                }
            }
            Event::Empty(start) => {
                if depth + 1 > max_depth {
                    return Err(Unreadable::over(
                        Limit::Nesting,
                        format!("{part} nests elements deeper than {max_depth} levels"),
                    ));
                }
                if skipping.is_none() {
                    scopes.enter(&start, depth + 1);
                    let el = element(&mut scopes, &start);
                    if handler.start(&el) == Flow::Enter {
                        handler.end(el.ns, &el.local);
                    }
                    scopes.leave(depth + 1);
                }
            }
            Event::End(end) => {
                match skipping {
                    Some(d) if d == depth => skipping = None,
                    Some(_) => {}
                    None => {
                        let (ns, local) = scopes.resolve(end.name().into_inner());
                        handler.end(ns, &String::from_utf8_lossy(local));
                        scopes.leave(depth);
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Records every start and end as "ns:local" and each start's `val` attribute.
    #[derive(Default)]
    struct Record(Vec<String>);

    impl Handler for Record {
        fn start(&mut self, el: &Element<'_>) -> Flow {
            let val = el
                .attr("val")
                .map(|v| format!(" val={v}"))
                .unwrap_or_default();
            self.0.push(format!("<{:?}:{}{val}", el.ns, el.local));
            Flow::Enter
        }
        fn end(&mut self, ns: Ns, local: &str) {
            self.0.push(format!(">{ns:?}:{local}"));
        }
        fn text(&mut self, _text: &str) {}
    }

    fn events(xml: &str) -> Vec<String> {
        let mut record = Record::default();
        parse(xml.as_bytes(), "test.xml", 100, &mut record).expect("parses");
        record.0
    }

    const W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
    const TEXT: &str = "urn:oasis:names:tc:opendocument:xmlns:text:1.0";

    #[test]
    fn names_resolve_by_the_declarations_in_scope() {
        let xml = format!(
            r#"<a:doc xmlns:a="{W}" xmlns="{TEXT}"><p/><a:p a:val="1"><x:p xmlns:x="{TEXT}" x:val="&amp;2"/></a:p><b:p xmlns:b="{W}"><b:r/></b:p><b:q/><w:t/><plain xmlns=""/></a:doc>"#
        );
        assert_eq!(
            events(&xml),
            [
                "<W:doc",
                "<Text:p",
                ">Text:p",
                "<W:p val=1",
                "<Text:p val=&2",
                ">Text:p",
                ">W:p",
                "<W:p",
                "<W:r",
                ">W:r",
                ">W:p",
                // `b` was declared on the element that ended: now an unknown prefix.
                "<Other:q",
                ">Other:q",
                // Undeclared, but the usual prefix.
                "<W:t",
                ">W:t",
                "<None:plain",
                ">None:plain",
                ">W:doc",
            ]
        );
    }

    #[test]
    fn a_prefix_redeclared_inside_is_restored_after() {
        let xml =
            format!(r#"<w:doc xmlns:w="{W}"><w:p xmlns:w="{TEXT}"><w:r/></w:p><w:p/></w:doc>"#);
        assert_eq!(
            events(&xml),
            [
                "<W:doc", "<Text:p", "<Text:r", ">Text:r", ">Text:p", "<W:p", ">W:p", ">W:doc"
            ]
        );
        // No namespace at all: every name is in none.
        assert_eq!(
            events("<doc><p/></doc>"),
            ["<None:doc", "<None:p", ">None:p", ">None:doc"]
        );
    }
}
