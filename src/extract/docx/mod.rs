//! DOCX / ODT bytes in → a `Document` (source `docx`): paragraphs, tables, content controls,
//! legacy form fields, ActiveX controls, symbol ticks, tick-box bullets, text boxes and page
//! headers, in document order (headers first). Every kind of tick box is written into the
//! text as ☒ / ☐ and, when it is a form control, also given as a `Field` whose `nearby_text`
//! is the words printed beside the box.
//!
//! Only the parts needed are inflated (relationships, the main document, its headers, list
//! numbering and ActiveX control parts; or ODT `styles.xml` and `content.xml`), each under the
//! zip limits; XML with a DOCTYPE or nested past `max_nesting` is refused. Every failure is an
//! `Unreadable` with a reason, never a panic. Table flattening rules: see `build`.

mod activex;
pub(super) mod build;
mod numbering;
mod odf;
mod package;
pub(super) mod symbols;
mod wordml;
mod xml;

use super::{Document, Field, Limit, Line, Source, Unreadable};
use crate::limits::Limits;
use build::{Block, Builder};
use package::Package;
use std::collections::HashMap;
use xml::{Element, Flow, Handler, Ns};

const DEFAULT_MAIN_PART: &str = "word/document.xml";
const REL_OFFICE_DOCUMENT: &str = "/officeDocument";
const REL_HEADER: &str = "/header";
const REL_NUMBERING: &str = "/numbering";
const REL_CONTROL: &str = "/control";
/// Most ActiveX controls read from one document.
const MAX_ACTIVEX_CONTROLS: usize = 200;

/// The ActiveX form controls the main part refers to, by relationship id.
fn read_activex_controls(
    package: &mut Package<'_>,
    base: &str,
    relationships: &[Relationship],
    limits: &Limits,
) -> Result<HashMap<String, activex::ActiveXControl>, Unreadable> {
    let mut controls = HashMap::new();
    for rel in relationships
        .iter()
        .filter(|r| r.kind.ends_with(REL_CONTROL))
        .take(MAX_ACTIVEX_CONTROLS)
    {
        let part = resolve_target(base, &rel.target);
        let Some(bytes) = package.read(&part)? else {
            continue;
        };
        let mut ocx = activex::OcxHandler::default();
        xml::parse(&bytes, &part, limits.max_nesting, &mut ocx)?;
        let Some(kind) = ocx.kind() else { continue };
        let mut value = ocx.value.clone();
        let mut caption = ocx.caption.clone().unwrap_or_default();
        if value.is_none()
            && let Some(binary_id) = &ocx.binary_rel
        {
            let binary = read_rels(package, &rels_part_of(&part), limits)?
                .into_iter()
                .find(|r| &r.id == binary_id)
                .map(|r| resolve_target(folder_of(&part), &r.target));
            if let Some(binary) = binary
                && let Some(bin) = package.read(&binary)?
                && let Some(contents) = activex::cfb_stream(&bin, "contents")
                && let Some((v, c)) = activex::morph_data_value(&contents)
            {
                value = Some(v);
                caption = c;
            }
        }
        controls.insert(
            rel.id.clone(),
            activex::ActiveXControl {
                kind,
                value,
                caption,
            },
        );
    }
    Ok(controls)
}

/// One `Relationship` of a `.rels` part.
struct Relationship {
    id: String,
    kind: String,
    target: String,
}

#[derive(Default)]
struct RelsHandler {
    relationships: Vec<Relationship>,
}

impl Handler for RelsHandler {
    fn start(&mut self, el: &Element) -> Flow {
        if el.local == "Relationship"
            && !el
                .attr("TargetMode")
                .is_some_and(|m| m.eq_ignore_ascii_case("External"))
            && self.relationships.len() < 10_000
        {
            self.relationships.push(Relationship {
                id: el.attr("Id").unwrap_or_default().to_string(),
                kind: el.attr("Type").unwrap_or_default().to_string(),
                target: el.attr("Target").unwrap_or_default().to_string(),
            });
        }
        Flow::Enter
    }
    fn end(&mut self, _ns: Ns, _local: &str) {}
    fn text(&mut self, _text: &str) {}
}

/// A relationship target resolved against the folder of the part that refers to it.
fn resolve_target(base_dir: &str, target: &str) -> String {
    let joined = match target.strip_prefix('/') {
        Some(absolute) => absolute.to_string(),
        None if base_dir.is_empty() => target.to_string(),
        None => format!("{base_dir}/{target}"),
    };
    let mut parts: Vec<&str> = Vec::new();
    for segment in joined.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    parts.join("/")
}

fn folder_of(part: &str) -> &str {
    part.rsplit_once('/').map(|(dir, _)| dir).unwrap_or("")
}

fn rels_part_of(part: &str) -> String {
    match part.rsplit_once('/') {
        Some((dir, file)) => format!("{dir}/_rels/{file}.rels"),
        None => format!("_rels/{part}.rels"),
    }
}

fn read_rels(
    package: &mut Package<'_>,
    part: &str,
    limits: &Limits,
) -> Result<Vec<Relationship>, Unreadable> {
    let Some(bytes) = package.read(part)? else {
        return Ok(Vec::new());
    };
    let mut handler = RelsHandler::default();
    xml::parse(&bytes, part, limits.max_nesting, &mut handler)?;
    Ok(handler.relationships)
}

/// Blocks and fields in → lines, with check-box fields described by the words beside them.
fn finish_lines(blocks: &[Block], fields: &mut [Field]) -> Vec<Line> {
    let mut lines = Vec::new();
    build::flatten(blocks, &mut lines);
    build::label_check_fields(&mut lines, fields);
    lines
}

/// Reads one WordprocessingML part into its lines and fields.
fn read_word_part(
    bytes: &[u8],
    part: &str,
    limits: &Limits,
    numbering: Option<&numbering::Numbering>,
    controls: Option<&HashMap<String, activex::ActiveXControl>>,
) -> Result<(Vec<Line>, Vec<Field>), Unreadable> {
    let mut builder = Builder::new(text_budget(limits));
    let mut fields = Vec::new();
    let mut handler = wordml::WordHandler::new(&mut builder, &mut fields, numbering, controls);
    xml::parse(bytes, part, limits.max_nesting, &mut handler)?;
    let blocks = builder.finish()?;
    let lines = finish_lines(&blocks, &mut fields);
    Ok((lines, fields))
}

fn text_budget(limits: &Limits) -> usize {
    usize::try_from(limits.max_zip_total_bytes.min(limits.max_text_bytes)).unwrap_or(usize::MAX)
}

pub fn read_docx(bytes: &[u8], limits: &Limits) -> Result<Document, Unreadable> {
    let mut package = Package::open(bytes, limits)?;
    let main_part = read_rels(&mut package, "_rels/.rels", limits)?
        .into_iter()
        .find(|r| r.kind.ends_with(REL_OFFICE_DOCUMENT))
        .map(|r| resolve_target("", &r.target))
        .unwrap_or_else(|| DEFAULT_MAIN_PART.to_string());
    let main_bytes = match package.read(&main_part)? {
        Some(bytes) => bytes,
        None => package.read(DEFAULT_MAIN_PART)?.ok_or_else(|| {
            Unreadable::malformed("not a Word document: it has no word/document.xml")
        })?,
    };

    // Headers first, in the order the relationships list them (else by name).
    let base = folder_of(&main_part).to_string();
    let relationships = read_rels(&mut package, &rels_part_of(&main_part), limits)?;
    let mut header_parts: Vec<String> = relationships
        .iter()
        .filter(|r| r.kind.ends_with(REL_HEADER))
        .map(|r| resolve_target(&base, &r.target))
        .collect();
    let numbering_part = relationships
        .iter()
        .find(|r| r.kind.ends_with(REL_NUMBERING))
        .map(|r| resolve_target(&base, &r.target))
        .unwrap_or_else(|| "word/numbering.xml".to_string());
    let numbering = match package.read(&numbering_part)? {
        Some(bytes) => {
            let mut handler = numbering::NumberingHandler::default();
            xml::parse(&bytes, &numbering_part, limits.max_nesting, &mut handler)?;
            Some(handler.numbering)
        }
        None => None,
    };
    if header_parts.is_empty() {
        let mut names: Vec<String> = package
            .names()
            .into_iter()
            .filter(|n| {
                let lower = n.to_ascii_lowercase();
                lower.starts_with("word/header") && lower.ends_with(".xml")
            })
            .collect();
        names.sort();
        header_parts = names;
    }
    header_parts.dedup();

    let mut document = Document::new(Source::Docx);
    let mut seen_headers: Vec<Vec<Line>> = Vec::new();
    for part in header_parts {
        let Some(header_bytes) = package.read(&part)? else {
            continue;
        };
        let (lines, header_fields) =
            read_word_part(&header_bytes, &part, limits, numbering.as_ref(), None)?;
        // Word keeps separate first-page / even / default headers that often repeat.
        if lines.is_empty() || seen_headers.contains(&lines) {
            continue;
        }
        seen_headers.push(lines.clone());
        document.lines.extend(lines);
        document.fields.extend(header_fields);
    }

    let controls = read_activex_controls(&mut package, &base, &relationships, limits)?;
    let (lines, fields) = read_word_part(
        &main_bytes,
        &main_part,
        limits,
        numbering.as_ref(),
        Some(&controls),
    )?;
    document.lines.extend(lines);
    document.fields.extend(fields);
    Ok(document)
}

/// A flat (single XML file, `.fodt`) OpenDocument rather than a zip.
fn is_flat_xml(bytes: &[u8]) -> bool {
    let start = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    start.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'<')
}

/// ODT bytes (zipped, or a flat `.fodt` XML file) in → a `Document`; page headers (from
/// `styles.xml`, or the flat file's master styles) come first, as for DOCX.
pub fn read_odt(bytes: &[u8], limits: &Limits) -> Result<Document, Unreadable> {
    let mut parts: Vec<(Vec<u8>, &str)> = Vec::new();
    if is_flat_xml(bytes) {
        if bytes.len() as u64 > limits.max_zip_entry_bytes {
            return Err(Unreadable::over(
                Limit::ZipEntryBytes,
                format!(
                    "flat OpenDocument is over the {} byte limit",
                    limits.max_zip_entry_bytes
                ),
            ));
        }
        parts.push((bytes.to_vec(), "flat OpenDocument XML"));
    } else {
        let mut package = Package::open(bytes, limits)?;
        let content = package.read("content.xml")?.ok_or_else(|| {
            Unreadable::malformed("not an OpenDocument text: it has no content.xml")
        })?;
        if let Some(styles) = package.read("styles.xml")? {
            parts.push((styles, "styles.xml"));
        }
        parts.push((content, "content.xml"));
    }
    let mut document = Document::new(Source::Docx);
    let mut builder = Builder::new(text_budget(limits));
    let mut handler = odf::OdfHandler::new(&mut builder, &mut document.fields);
    for (xml_bytes, part) in &parts {
        xml::parse(xml_bytes, part, limits.max_nesting, &mut handler)?;
    }
    let blocks = builder.finish()?;
    document.lines = finish_lines(&blocks, &mut document.fields);
    Ok(document)
}
