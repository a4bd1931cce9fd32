//! src/ in → a failing test when a module imports one above it. The layering is written once,
//! here (`LAYERS`), and drawn in docs/architecture.md: each stage may use the stages below it,
//! never one above, so that the pipeline (and the CLI above it) is the only place they meet.

use std::collections::BTreeSet;
use std::path::Path;

/// Each top-level module of the crate with its layer, lowest first. A module may use modules
/// of lower layers only (and itself); `report` and `reply` share a layer and do not use each
/// other.
const LAYERS: &[(&str, u32)] = &[
    ("limits", 0),
    // Canberra time for every date shown or counted (validate, ledger, report, reply).
    ("canberra", 0),
    ("config", 1),
    ("source", 2),
    ("mime", 3),
    ("extract", 4),
    ("form", 5),
    ("validate", 6),
    ("ledger", 7),
    ("report", 8),
    ("reply", 8),
    ("pipeline", 9),
    // The metrics file: a run's summary (pipeline) and the ledger's worklist (report).
    ("metrics", 10),
    ("cli", 11),
];

/// Items of lib.rs every layer may use (helpers with no stage in them).
const SHARED: &[&str] = &["catch_panic", "panic_text"];

fn layer_of(module: &str) -> Option<u32> {
    LAYERS.iter().find(|(m, _)| *m == module).map(|(_, l)| *l)
}

/// The top-level modules a source file names through `crate::` (in `use` lines and paths,
/// `crate::{a, b::c}` included), comments left out.
fn modules_named(source: &str) -> BTreeSet<String> {
    let mut named = BTreeSet::new();
    for line in source.lines() {
        let code = match line.find("//") {
            Some(i) => &line[..i],
            None => line,
        };
        let mut rest = code;
        while let Some(i) = rest.find("crate::") {
            rest = &rest[i + "crate::".len()..];
            if let Some(group) = rest.strip_prefix('{') {
                // Top-level names of a group: those before `::` at depth 0.
                let mut depth = 0;
                let mut item = String::new();
                for c in group.chars() {
                    match c {
                        '{' => depth += 1,
                        '}' if depth == 0 => break,
                        '}' => depth -= 1,
                        ',' if depth == 0 => {
                            named.insert(first_ident(&item));
                            item.clear();
                            continue;
                        }
                        _ => {}
                    }
                    if depth == 0 {
                        item.push(c);
                    }
                }
                named.insert(first_ident(&item));
            } else {
                named.insert(first_ident(rest));
            }
        }
    }
    named.remove("");
    named
}

fn first_ident(s: &str) -> String {
    s.trim_start()
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect()
}

/// Every .rs file under `dir`.
fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("src/ can be read") {
        let path = entry.expect("a folder entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn no_module_imports_one_above_it() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    assert!(files.len() > 20, "found only {} files in src/", files.len());
    let mut problems = Vec::new();
    let mut checked = 0;
    for file in &files {
        let relative = file.strip_prefix(&src).expect("under src/");
        let top = relative
            .components()
            .next()
            .and_then(|c| c.as_os_str().to_str())
            .unwrap_or("")
            .trim_end_matches(".rs");
        if matches!(top, "lib" | "main" | "layering") {
            continue;
        }
        let Some(own) = layer_of(top) else {
            problems.push(format!(
                "{}: module {top} has no layer in LAYERS",
                relative.display()
            ));
            continue;
        };
        checked += 1;
        let text = std::fs::read_to_string(file).expect("a source file");
        for used in modules_named(&text) {
            if used == top || SHARED.contains(&used.as_str()) {
                continue;
            }
            match layer_of(&used) {
                Some(l) if l < own => {}
                Some(_) => problems.push(format!(
                    "{}: {top} uses crate::{used}, which is not below it",
                    relative.display()
                )),
                None => problems.push(format!(
                    "{}: crate::{used} has no layer in LAYERS",
                    relative.display()
                )),
            }
        }
    }
    assert!(checked > 20, "checked only {checked} files");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn imports_are_found_in_every_spelling() {
    let named = modules_named(
        "use crate::ledger::{A, B};\nuse crate::{mime::{self, X}, validate};\n\
         // crate::cli in a comment\nlet x = crate::form::read(d); // crate::report\n",
    );
    let names: Vec<&str> = named.iter().map(String::as_str).collect();
    assert_eq!(names, ["form", "ledger", "mime", "validate"]);
}
