//! `word/numbering.xml` in → which list levels print a tick box as their bullet (a Wingdings
//! ❑ / ☒ bullet, or a ☐ / ☑ character), so such paragraphs start with `TICKED` / `UNTICKED`.

use super::symbols::{SymbolFont, symbol_font, tick_for};
use super::xml::{Element, Flow, Handler, Ns};
use crate::extract::{TICKED, UNTICKED};
use std::collections::HashMap;

/// Most list definitions remembered.
const MAX_DEFINITIONS: usize = 10_000;

/// One list level: its bullet text and the font it is drawn in.
#[derive(Debug, Clone, Default)]
struct Level {
    text: String,
    font: Option<SymbolFont>,
    bullet: bool,
}

impl Level {
    /// The tick box this level's bullet draws, if it is one.
    fn tick(&self) -> Option<char> {
        if !self.bullet {
            return None;
        }
        let mut chars = self.text.chars().filter(|c| !c.is_whitespace());
        let ch = chars.next()?;
        if chars.next().is_some() {
            return None;
        }
        match self.font {
            Some(font) => tick_for(font, ch as u32),
            None if (0xF020..=0xF0FF).contains(&(ch as u32)) => {
                tick_for(SymbolFont::Wingdings, ch as u32)
            }
            None => unicode_box(ch),
        }
    }
}

/// A box or mark character drawn as a bullet.
fn unicode_box(ch: char) -> Option<char> {
    match ch {
        '☒' | '☑' | '✓' | '✔' | '✗' | '✘' | '⌧' | '▣' => Some(TICKED),
        '☐' | '□' | '◻' | '❑' | '❒' | '▢' | '⬜' => Some(UNTICKED),
        _ => None,
    }
}

#[derive(Debug, Default)]
pub(super) struct Numbering {
    /// abstractNumId → level → definition.
    abstract_levels: HashMap<String, HashMap<String, Level>>,
    /// numId → (abstractNumId, level overrides).
    nums: HashMap<String, (String, HashMap<String, Level>)>,
}

impl Numbering {
    /// The tick a numbered paragraph's bullet draws, if it is a tick box.
    pub(super) fn tick(&self, num_id: &str, level: &str) -> Option<char> {
        let (abstract_id, overrides) = self.nums.get(num_id)?;
        let level = overrides
            .get(level)
            .or_else(|| self.abstract_levels.get(abstract_id)?.get(level))?;
        level.tick()
    }
}

/// Where the level being read goes.
enum Owner {
    Abstract(String),
    Override(String),
}

#[derive(Default)]
pub(super) struct NumberingHandler {
    pub(super) numbering: Numbering,
    abstract_id: Option<String>,
    num_id: Option<String>,
    level: Option<(String, Level)>,
    override_level: Option<String>,
}

impl NumberingHandler {
    fn owner(&self) -> Option<Owner> {
        if let Some(num) = &self.num_id {
            return Some(Owner::Override(num.clone()));
        }
        self.abstract_id.clone().map(Owner::Abstract)
    }
}

impl Handler for NumberingHandler {
    fn start(&mut self, el: &Element) -> Flow {
        if el.ns != Ns::W {
            return Flow::Enter;
        }
        let val = || el.attr("val").unwrap_or_default().to_string();
        match &*el.local {
            "abstractNum" => self.abstract_id = el.attr("abstractNumId").map(str::to_string),
            "num" => {
                let id = el.attr("numId").unwrap_or_default().to_string();
                if self.numbering.nums.len() < MAX_DEFINITIONS {
                    self.numbering
                        .nums
                        .insert(id.clone(), (String::new(), HashMap::new()));
                }
                self.num_id = Some(id);
            }
            "abstractNumId" => {
                if let Some(num) = &self.num_id
                    && let Some(entry) = self.numbering.nums.get_mut(num)
                {
                    entry.0 = val();
                }
            }
            "lvlOverride" => self.override_level = el.attr("ilvl").map(str::to_string),
            "lvl" => {
                let ilvl = el
                    .attr("ilvl")
                    .map(str::to_string)
                    .or_else(|| self.override_level.clone())
                    .unwrap_or_default();
                self.level = Some((ilvl, Level::default()));
            }
            "numFmt" => {
                if let Some((_, level)) = self.level.as_mut() {
                    level.bullet = val() == "bullet";
                }
            }
            "lvlText" => {
                if let Some((_, level)) = self.level.as_mut() {
                    level.text = val();
                }
            }
            "rFonts" => {
                let font = el.attr("ascii").or(el.attr("hAnsi")).and_then(symbol_font);
                if let Some((_, level)) = self.level.as_mut() {
                    level.font = font;
                }
            }
            _ => {}
        }
        Flow::Enter
    }

    fn end(&mut self, ns: Ns, local: &str) {
        if ns != Ns::W {
            return;
        }
        match local {
            "abstractNum" => self.abstract_id = None,
            "num" => self.num_id = None,
            "lvlOverride" => self.override_level = None,
            "lvl" => {
                let Some((ilvl, level)) = self.level.take() else {
                    return;
                };
                match self.owner() {
                    Some(Owner::Override(num)) => {
                        if let Some(entry) = self.numbering.nums.get_mut(&num) {
                            entry.1.insert(ilvl, level);
                        }
                    }
                    Some(Owner::Abstract(id))
                        if self.numbering.abstract_levels.len() < MAX_DEFINITIONS =>
                    {
                        self.numbering
                            .abstract_levels
                            .entry(id)
                            .or_default()
                            .insert(ilvl, level);
                    }
                    Some(Owner::Abstract(_)) | None => {}
                }
            }
            _ => {}
        }
    }

    fn text(&mut self, _text: &str) {}
}
