//! A PDF's page tree in → its pages in order, each with what it inherits from the nodes above
//! it (resources, media box, rotation). Bounded by the page limit, the nesting limit and a
//! visited set (a tree that points into itself is read once). The text reader (`pdf::read`)
//! and OCR's page images (`ocr::pdf_images`) both walk pages through `page_tree`; when the tree
//! is broken, the text reader falls back on the page objects themselves (`pages_without_tree`).

use super::{dict_get, resolve};
use crate::limits::Limits;
use lopdf::{Dictionary, Object, ObjectId};
use std::collections::HashSet;

/// What a page takes from the page tree above it: each the nearest node's that has it.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Inherited<'a> {
    pub resources: Option<&'a Dictionary>,
    /// `/MediaBox` as written (`[x0 y0 x1 y1]`, any corner order).
    pub media_box: Option<[f32; 4]>,
    /// `/Rotate` in degrees, as written.
    pub rotate: i64,
}

/// A leaf of the page tree.
pub(crate) struct TreePage<'a> {
    pub id: ObjectId,
    pub dict: &'a Dictionary,
    pub inherited: Inherited<'a>,
}

/// The page tree's leaves in order.
pub(crate) fn page_tree<'a>(pdf: &'a lopdf::Document, limits: &Limits) -> Vec<TreePage<'a>> {
    let mut pages = Vec::new();
    if let Some(root) = pdf.catalog().ok().and_then(|c| c.get(b"Pages").ok()) {
        let mut visited = HashSet::new();
        walk(
            pdf,
            root,
            Inherited::default(),
            0,
            limits,
            &mut visited,
            &mut pages,
        );
    }
    pages
}

fn walk<'a>(
    pdf: &'a lopdf::Document,
    node: &'a Object,
    inherited: Inherited<'a>,
    depth: usize,
    limits: &Limits,
    visited: &mut HashSet<ObjectId>,
    pages: &mut Vec<TreePage<'a>>,
) {
    if depth > limits.max_nesting || pages.len() >= limits.max_pdf_pages {
        return;
    }
    let Object::Reference(id) = node else { return };
    if !visited.insert(*id) {
        return;
    }
    let Some(dict) = resolve(pdf, node).and_then(|o| o.as_dict().ok()) else {
        return;
    };
    let here = Inherited {
        resources: dict_get(pdf, dict, b"Resources")
            .and_then(|o| o.as_dict().ok())
            .or(inherited.resources),
        media_box: media_box(pdf, dict).or(inherited.media_box),
        rotate: rotate(pdf, dict).unwrap_or(inherited.rotate),
    };
    match dict_get(pdf, dict, b"Kids").and_then(|o| o.as_array().ok()) {
        Some(kids) if !dict.has_type(b"Page") => {
            for kid in kids {
                walk(pdf, kid, here, depth + 1, limits, visited, pages);
            }
        }
        _ => pages.push(TreePage {
            id: *id,
            dict,
            inherited: here,
        }),
    }
}

fn media_box(pdf: &lopdf::Document, dict: &Dictionary) -> Option<[f32; 4]> {
    let b = dict_get(pdf, dict, b"MediaBox")?.as_array().ok()?;
    if b.len() != 4 {
        return None;
    }
    let v: Vec<f32> = b
        .iter()
        .filter_map(|o| match resolve(pdf, o)? {
            Object::Integer(i) => Some(*i as f32),
            Object::Real(r) => Some(*r),
            _ => None,
        })
        .collect();
    (v.len() == 4).then(|| [v[0], v[1], v[2], v[3]])
}

fn rotate(pdf: &lopdf::Document, dict: &Dictionary) -> Option<i64> {
    match dict_get(pdf, dict, b"Rotate")? {
        Object::Integer(i) => Some(*i),
        Object::Real(r) if r.is_finite() => Some(*r as i64),
        _ => None,
    }
}

/// A page as the text reader reads it.
pub(super) struct Page<'a> {
    pub id: ObjectId,
    pub resources: Option<&'a Dictionary>,
    pub annots: Vec<ObjectId>,
}

/// The page tree's leaves in order, with inherited resources.
pub(super) fn collect_pages<'a>(pdf: &'a lopdf::Document, limits: &Limits) -> Vec<Page<'a>> {
    page_tree(pdf, limits)
        .into_iter()
        .map(|p| Page {
            id: p.id,
            resources: p.inherited.resources,
            annots: annotation_ids(pdf, p.dict),
        })
        .collect()
}

/// When the page tree is broken, the page objects themselves, in object order (as readers
/// that rebuild a damaged file do), with resources inherited through `/Parent`.
pub(super) fn pages_without_tree<'a>(pdf: &'a lopdf::Document, limits: &Limits) -> Vec<Page<'a>> {
    let mut pages = Vec::new();
    for (id, object) in &pdf.objects {
        if pages.len() >= limits.max_pdf_pages {
            break;
        }
        let Ok(dict) = object.as_dict() else { continue };
        if !dict.has_type(b"Page") {
            continue;
        }
        let mut resources = None;
        let mut node = dict;
        for _ in 0..limits.max_nesting {
            resources = dict_get(pdf, node, b"Resources").and_then(|o| o.as_dict().ok());
            match dict_get(pdf, node, b"Parent").and_then(|o| o.as_dict().ok()) {
                Some(parent) if resources.is_none() => node = parent,
                _ => break,
            }
        }
        pages.push(Page {
            id: *id,
            resources,
            annots: annotation_ids(pdf, dict),
        });
    }
    pages
}

fn annotation_ids(pdf: &lopdf::Document, page: &Dictionary) -> Vec<ObjectId> {
    dict_get(pdf, page, b"Annots")
        .and_then(|o| o.as_array().ok())
        .map(|a| a.iter().filter_map(|o| o.as_reference().ok()).collect())
        .unwrap_or_default()
}
