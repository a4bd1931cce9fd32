//! An HTML body in → text that keeps its structure: block elements and table rows end lines,
//! cells are separated by tabs, entities decoded, symbol-font and form-control ticks as ☒ / ☐,
//! read only up to a text budget.

use super::collapse_whitespace;
use crate::limits::TEXT_BREAK_COST;

/// Deepest table nesting tracked; deeper tables are read as plain text.
const MAX_TABLE_NESTING: usize = 64;

/// Block elements that end a line.
const BLOCK_TAGS: &[&str] = &[
    "p",
    "div",
    "br",
    "li",
    "ul",
    "ol",
    "dl",
    "dt",
    "dd",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "blockquote",
    "pre",
    "section",
    "article",
    "header",
    "footer",
    "address",
    "center",
    "form",
    "fieldset",
    "caption",
    "body",
    "html",
];

/// Elements whose content is never shown.
const HIDDEN_TAGS: &[&str] = &["style", "script", "head", "title", "template", "xml"];

#[derive(Default)]
struct TableState {
    /// Cells of the row being read.
    cells: Vec<String>,
    in_cell: bool,
}

/// Converts an HTML body to text keeping its structure: block elements and table rows end
/// lines, table cells are separated by tabs, entities are decoded, and style, script and head
/// are dropped.
pub fn html_to_text(html: &str) -> String {
    html_to_text_within(html, usize::MAX).0
}

/// `html_to_text` that stops once it has taken `max_text` bytes of text from the page, and
/// says whether it stopped early.
pub(super) fn html_to_text_within(html: &str, max_text: usize) -> (String, bool) {
    // Tag names are compared without regard to case where they are read, not by lower-casing a
    // copy of the page (which may be tens of MB).
    let bytes = html.as_bytes();
    let mut out = String::with_capacity((html.len() / 2).min(max_text));
    // Text taken from the page so far is counted here, wherever it went (output or a cell).
    let mut taken = TextTaken {
        left: max_text,
        stopped: false,
    };
    let mut tables: Vec<TableState> = Vec::new();
    let mut untracked_tables = 0usize;
    let mut pre_depth = 0usize;
    let mut pos = 0usize;
    let mut finder = Finder::default();
    // Per open `span` / `font`: the symbol font it sets or inherits (Outlook writes a tick box
    // as `<span style='font-family:Wingdings'>þ</span>`).
    let mut fonts: Vec<Option<SymbolFont>> = Vec::new();

    while pos < bytes.len() {
        let symbol = fonts.last().copied().flatten();
        let Some(lt) = html[pos..].find('<').map(|i| pos + i) else {
            if let Some(end) = taken.take(&html[pos..]) {
                push_symbol_text(
                    sink(&mut out, &mut tables),
                    &html[pos..pos + end],
                    pre_depth > 0,
                    symbol,
                );
            }
            break;
        };
        if lt > pos {
            let Some(end) = taken.take(&html[pos..lt]) else {
                break;
            };
            push_symbol_text(
                sink(&mut out, &mut tables),
                &html[pos..pos + end],
                pre_depth > 0,
                symbol,
            );
        }
        if html[lt..].starts_with("<!--") {
            pos = match html[lt + 4..].find("-->") {
                Some(i) => lt + 4 + i + 3,
                None => bytes.len(),
            };
            continue;
        }
        let next = bytes.get(lt + 1).copied().unwrap_or(b' ');
        if next == b'!' || next == b'?' {
            pos = tag_end(bytes, lt + 1);
            continue;
        }
        let closing = next == b'/';
        let name_start = if closing { lt + 2 } else { lt + 1 };
        if !bytes
            .get(name_start)
            .is_some_and(|b| b.is_ascii_alphabetic())
        {
            // A lone '<' is text.
            push_text(sink(&mut out, &mut tables), "<", pre_depth > 0);
            pos = lt + 1;
            continue;
        }
        let name_end = bytes[name_start..]
            .iter()
            .position(|b| !(b.is_ascii_alphanumeric() || *b == b':' || *b == b'-'))
            .map_or(bytes.len(), |i| name_start + i);
        let mut name_buf = [0u8; 16];
        let name = lower_tag_name(&bytes[name_start..name_end], &mut name_buf);
        let end = tag_end(bytes, name_end);
        pos = end;

        if !closing && HIDDEN_TAGS.contains(&name) {
            // Skip to the closing tag; `head` also ends where `body` starts (tag omitted).
            let close = format!("</{name}");
            let mut stop = finder.find(html, &close, end);
            if name == "head" {
                let body = finder.find(html, "<body", end);
                stop = match (stop, body) {
                    (Some(a), Some(b)) => Some(a.min(b)),
                    (a, b) => a.or(b),
                };
                if stop.is_none() {
                    continue; // No end to the head: show what follows rather than lose it.
                }
            }
            pos = match stop {
                Some(s) if html[s..].starts_with("</") => tag_end(bytes, s + 2),
                Some(s) => s,
                None => bytes.len(),
            };
            continue;
        }

        match (name, closing) {
            ("span" | "font", false) if fonts.len() < MAX_FONT_NESTING => {
                let attrs = lower_attrs(&html[name_end..end]);
                fonts.push(symbol_font_of(&attrs).or(symbol));
            }
            ("span" | "font", true) => {
                fonts.pop();
            }
            ("input", false) => {
                let attrs = lower_attrs(&html[name_end..end]);
                if let Some(mark) = input_mark(&attrs) {
                    if !taken.charge_break() {
                        break;
                    }
                    let target = sink(&mut out, &mut tables);
                    if !target.is_empty() && !target.ends_with([' ', '\n', '\t']) {
                        target.push(' ');
                    }
                    target.push(mark);
                    target.push(' ');
                }
            }
            ("table", false) => {
                newline(sink(&mut out, &mut tables));
                if tables.len() < MAX_TABLE_NESTING {
                    tables.push(TableState::default());
                } else {
                    untracked_tables += 1;
                }
            }
            ("table", true) => {
                if untracked_tables > 0 {
                    untracked_tables -= 1;
                } else if !tables.is_empty() {
                    finish_row(&mut out, &mut tables);
                    tables.pop();
                    newline(sink(&mut out, &mut tables));
                }
            }
            ("tr", _) => {
                if untracked_tables > 0 || tables.is_empty() {
                    newline(sink(&mut out, &mut tables));
                } else {
                    finish_row(&mut out, &mut tables);
                }
            }
            ("td" | "th", false) => {
                if !taken.charge_break() {
                    break;
                }
                if untracked_tables > 0 || tables.is_empty() {
                    push_text(sink(&mut out, &mut tables), "\t", true);
                } else if let Some(table) = tables.last_mut() {
                    table.cells.push(String::new());
                    table.in_cell = true;
                }
            }
            ("td" | "th", true) => {
                if untracked_tables == 0
                    && let Some(table) = tables.last_mut()
                {
                    table.in_cell = false;
                }
            }
            ("pre", _) => {
                pre_depth = if closing {
                    pre_depth.saturating_sub(1)
                } else {
                    pre_depth + 1
                };
                newline(sink(&mut out, &mut tables));
            }
            _ if BLOCK_TAGS.contains(&name) => newline(sink(&mut out, &mut tables)),
            _ => {}
        }
    }
    while !tables.is_empty() {
        finish_row(&mut out, &mut tables);
        tables.pop();
        newline(sink(&mut out, &mut tables));
    }
    (tidy_lines(&out), taken.stopped)
}

/// What `html_to_text_within` may still take from a page: its text runs are cut by bytes (their
/// line breaks are collapsed; the text made of them is cut by cost by the caller), and every
/// cell or mark it makes is charged `TEXT_BREAK_COST`, so a page of empty cells stops too.
struct TextTaken {
    left: usize,
    stopped: bool,
}

impl TextTaken {
    /// How much of `run` may be taken; `None` once the page's text is cut.
    fn take(&mut self, run: &str) -> Option<usize> {
        if self.stopped {
            return None;
        }
        let mut end = run.len().min(self.left);
        while !run.is_char_boundary(end) {
            end -= 1;
        }
        self.left -= end;
        self.stopped = end < run.len();
        Some(end)
    }

    /// Charges one cell or mark; false (and stopped) when it no longer fits.
    fn charge_break(&mut self) -> bool {
        if self.stopped || self.left < TEXT_BREAK_COST {
            self.stopped = true;
            return false;
        }
        self.left -= TEXT_BREAK_COST;
        true
    }
}

/// Most bytes of one tag's attributes looked at (a style or an input's type and state).
const MAX_ATTR_BYTES: usize = 64 << 10;

/// A tag's attributes in lower case, at most `MAX_ATTR_BYTES` of them (a copy of the tag, not
/// of the page).
fn lower_attrs(attrs: &str) -> String {
    let mut end = attrs.len().min(MAX_ATTR_BYTES);
    while !attrs.is_char_boundary(end) {
        end -= 1;
    }
    attrs[..end].to_ascii_lowercase()
}

/// A tag name in lower case, in `buf`; empty for a name longer than any tag this reader knows.
fn lower_tag_name<'b>(name: &[u8], buf: &'b mut [u8; 16]) -> &'b str {
    if name.len() > buf.len() {
        return "";
    }
    let lower = &mut buf[..name.len()];
    lower.copy_from_slice(name);
    lower.make_ascii_lowercase();
    // Tag names are ASCII (letters, digits, ':' and '-').
    std::str::from_utf8(lower).unwrap_or("")
}

/// Where `needle` (which starts with `<`) next occurs in `haystack` at or after `from`, in any
/// letter case.
pub(super) fn find_tag_ignoring_case(haystack: &str, needle: &str, from: usize) -> Option<usize> {
    let hay = haystack.as_bytes().get(from..)?;
    let needle = needle.as_bytes();
    memchr::memchr_iter(b'<', hay)
        .find(|&i| {
            hay.get(i..i + needle.len())
                .is_some_and(|w| w.eq_ignore_ascii_case(needle))
        })
        .map(|i| from + i)
}

/// Deepest `span` / `font` nesting whose symbol font is tracked.
const MAX_FONT_NESTING: usize = 256;

/// A symbol font whose character codes draw tick boxes (see the Wingdings charts).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SymbolFont {
    Wingdings,
    Wingdings2,
}

/// The symbol font a tag's attributes (lower-cased) set, from `style="font-family:…"` or
/// `face="…"`.
fn symbol_font_of(attrs: &str) -> Option<SymbolFont> {
    let unquoted;
    let attrs = if attrs.contains("&quot;") {
        unquoted = attrs.replace("&quot;", "\"");
        unquoted.as_str()
    } else {
        attrs
    };
    let at = attrs.find("font-family").or_else(|| attrs.find("face"))?;
    let value = &attrs[at..];
    let value = &value[..value.find([';', '>']).unwrap_or(value.len())];
    let wingdings = value.find("wingdings")?;
    let rest = value[wingdings + "wingdings".len()..].trim_start();
    if rest.starts_with('2') {
        Some(SymbolFont::Wingdings2)
    } else if rest.starts_with('3') {
        None
    } else {
        Some(SymbolFont::Wingdings)
    }
}

/// ☒ / ☐ for a character in a symbol font that draws a tick box or tick; `None` otherwise.
/// Wingdings 0xFD ☒, 0xFE ☑, 0xFC ✓, 0xFB ✗, 0x78 ⌧ are marks, 0xA8 ◻, 0x6F–0x72 boxes;
/// Wingdings 2 0x4F–0x54 and 0xA8 are marks, 0xA3 a box.
fn symbol_tick(font: SymbolFont, ch: char) -> Option<char> {
    let code = match ch as u32 {
        c @ 0xF020..=0xF0FF => c - 0xF000,
        c @ 0x20..=0xFF => c,
        _ => return None,
    };
    match (font, code) {
        (SymbolFont::Wingdings, 0x78 | 0xFB | 0xFC | 0xFD | 0xFE) => Some('☒'),
        (SymbolFont::Wingdings, 0x6F..=0x72 | 0xA8) => Some('☐'),
        (SymbolFont::Wingdings2, 0x4F..=0x54 | 0xA8) => Some('☒'),
        (SymbolFont::Wingdings2, 0xA3) => Some('☐'),
        _ => None,
    }
}

/// Text in a symbol font: ticks become ☒ / ☐ and its other glyphs (pictures, not letters) are
/// dropped; text in any other font is pushed as it is.
fn push_symbol_text(s: &mut String, text: &str, preformatted: bool, font: Option<SymbolFont>) {
    let Some(font) = font else {
        push_text(s, text, preformatted);
        return;
    };
    let decoded = decode_entities(text);
    let mapped: String = decoded
        .chars()
        .filter_map(|c| {
            if c.is_whitespace() {
                Some(' ')
            } else {
                symbol_tick(font, c)
            }
        })
        .collect();
    push_text(s, &mapped, preformatted);
}

/// ☒ / ☐ for an `<input type=checkbox|radio>` tag (attributes lower-cased), ticked when it
/// has `checked`.
fn input_mark(attrs: &str) -> Option<char> {
    let kind = attr_value(attrs, "type")?;
    if kind != "checkbox" && kind != "radio" {
        return None;
    }
    let checked = attrs
        .split(|c: char| c.is_whitespace() || c == '/' || c == '>')
        .any(|w| w == "checked" || w.starts_with("checked="));
    Some(if checked { '☒' } else { '☐' })
}

/// The value of attribute `name` in a tag's (lower-cased) attribute text.
fn attr_value<'a>(attrs: &'a str, name: &str) -> Option<&'a str> {
    let mut from = 0;
    while let Some(i) = attrs[from..].find(name) {
        let at = from + i;
        from = at + name.len();
        let before_ok = at == 0 || attrs[..at].ends_with(|c: char| c.is_whitespace());
        let rest = attrs[from..].trim_start();
        if !before_ok || !rest.starts_with('=') {
            continue;
        }
        let rest = rest[1..].trim_start();
        let value = match rest.chars().next() {
            Some(q @ ('"' | '\'')) => rest[1..].split(q).next().unwrap_or(""),
            _ => rest
                .split(|c: char| c.is_whitespace() || c == '>' || c == '/')
                .next()
                .unwrap_or(""),
        };
        return Some(value);
    }
    None
}

/// Searches forward for closing tags, remembering where each was found, so that many opening
/// tags without their closing tag cost one scan, not one scan each.
#[derive(Default)]
struct Finder {
    /// (needle, where it next occurs at or after the last search start; `None` = nowhere)
    found: Vec<(String, Option<usize>, usize)>,
}

impl Finder {
    fn find(&mut self, haystack: &str, needle: &str, from: usize) -> Option<usize> {
        if let Some((_, at, searched_from)) = self.found.iter_mut().find(|(n, _, _)| n == needle) {
            match *at {
                None if from >= *searched_from => return None,
                Some(p) if p >= from && from >= *searched_from => return Some(p),
                _ => {}
            }
            let result = find_tag_ignoring_case(haystack, needle, from);
            *at = result;
            *searched_from = from;
            return result;
        }
        let result = find_tag_ignoring_case(haystack, needle, from);
        self.found.push((needle.to_string(), result, from));
        result
    }
}

/// Where text goes now: the open cell of the innermost table that has one, else the output.
fn sink<'a>(out: &'a mut String, tables: &'a mut [TableState]) -> &'a mut String {
    match tables.iter_mut().rev().find(|t| t.in_cell) {
        Some(table) => match table.cells.last_mut() {
            Some(cell) => cell,
            None => out,
        },
        None => out,
    }
}

/// Ends the current row of the innermost table: one cell keeps its lines (a layout table),
/// several cells become one tab-separated line.
fn finish_row(out: &mut String, tables: &mut Vec<TableState>) {
    let Some(mut table) = tables.pop() else {
        return;
    };
    table.in_cell = false;
    let cells = std::mem::take(&mut table.cells);
    let row = match cells.len() {
        0 => String::new(),
        1 => cells.into_iter().next().unwrap_or_default(),
        _ => cells
            .iter()
            .map(|c| collapse_whitespace(c))
            .collect::<Vec<_>>()
            .join("\t"),
    };
    tables.push(table);
    // The row belongs to whatever encloses the table.
    let depth = tables.len() - 1;
    let target = sink(out, &mut tables[..depth]);
    newline(target);
    target.push_str(&row);
    newline(target);
}

fn newline(s: &mut String) {
    if !s.is_empty() && !s.ends_with('\n') {
        s.push('\n');
    }
}

/// Appends HTML text: entities decoded, runs of white space made one space (kept in `<pre>`).
fn push_text(s: &mut String, text: &str, preformatted: bool) {
    let decoded = decode_entities(text);
    if preformatted {
        s.push_str(&decoded.replace("\r\n", "\n"));
        return;
    }
    let mut last_space = s.is_empty() || s.ends_with([' ', '\n', '\t']);
    for ch in decoded.chars() {
        if matches!(ch, ' ' | '\n' | '\r' | '\t' | '\x0C') {
            if !last_space {
                s.push(' ');
                last_space = true;
            }
        } else {
            // A no-break space is a space that must not be lost: keep it as a plain one.
            s.push(if ch == '\u{a0}' { ' ' } else { ch });
            last_space = false;
        }
    }
}

/// The index just past the `>` that ends a tag whose name ends at `from`, skipping quoted
/// attribute values.
fn tag_end(bytes: &[u8], from: usize) -> usize {
    let mut quote: Option<u8> = None;
    let mut i = from;
    while let Some(&b) = bytes.get(i) {
        match quote {
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None if b == b'"' || b == b'\'' => quote = Some(b),
            None if b == b'>' => return i + 1,
            None => {}
        }
        i += 1;
    }
    bytes.len()
}

/// Trims every line (and every cell of a tab-separated line) and keeps at most one blank line
/// in a row.
fn tidy_lines(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank_run = 0usize;
    for line in text.lines() {
        let line = if line.contains('\t') {
            let cells: Vec<String> = line.split('\t').map(collapse_whitespace).collect();
            let mut joined = cells.join("\t");
            while joined.ends_with('\t') {
                joined.pop();
            }
            joined
        } else {
            line.trim_matches(' ').to_string()
        };
        if line.trim().is_empty() {
            blank_run += 1;
            if blank_run > 1 || out.is_empty() {
                continue;
            }
            out.push('\n');
        } else {
            blank_run = 0;
            out.push_str(&line);
            out.push('\n');
        }
    }
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

/// Decodes HTML character references: numeric, the common named ones, and any other HTML5
/// name through mail-parser's entity table.
pub(super) fn decode_entities(text: &str) -> String {
    if !text.contains('&') {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        let name_len = after
            .bytes()
            .take(32)
            .position(|b| !(b.is_ascii_alphanumeric() || b == b'#'))
            .unwrap_or(after.len().min(32));
        let name = &after[..name_len];
        let has_semicolon = after[name_len..].starts_with(';');
        match decode_entity(name, has_semicolon) {
            Some(ch) => {
                out.push(ch);
                rest = &after[name_len + usize::from(has_semicolon)..];
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

fn decode_entity(name: &str, has_semicolon: bool) -> Option<char> {
    if let Some(number) = name.strip_prefix('#') {
        let code = match number.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => number.parse::<u32>().ok()?,
        };
        // Browsers read 128–159 as windows-1252 (Word's smart quotes arrive as &#146;).
        if (0x80..=0x9F).contains(&code) {
            let byte = [code as u8];
            let (decoded, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(&byte);
            return decoded.chars().next();
        }
        return Some(
            char::from_u32(code)
                .filter(|&c| c != '\0')
                .unwrap_or('\u{FFFD}'),
        );
    }
    let common = match name {
        "nbsp" => '\u{a0}',
        "amp" | "AMP" => '&',
        "lt" | "LT" => '<',
        "gt" | "GT" => '>',
        "quot" | "QUOT" => '"',
        "apos" => '\'',
        _ if !has_semicolon => return None,
        "ndash" => '–',
        "mdash" => '—',
        "lsquo" => '‘',
        "rsquo" => '’',
        "ldquo" => '“',
        "rdquo" => '”',
        "hellip" => '…',
        "bull" => '•',
        "middot" => '·',
        "copy" => '©',
        "reg" => '®',
        "trade" => '™',
        "euro" => '€',
        "pound" => '£',
        "deg" => '°',
        "times" => '×',
        _ => {
            if name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphanumeric()) {
                return None;
            }
            let entity = format!("&{name};");
            let decoded = mail_parser::decoders::html::html_to_text(&entity);
            let mut chars = decoded.trim().chars();
            return match (chars.next(), chars.next()) {
                (Some(c), None) if decoded.trim() != entity => Some(c),
                _ => None,
            };
        }
    };
    Some(common)
}
