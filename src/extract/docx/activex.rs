//! An ActiveX form control's parts (`word/activeX/activeXN.xml` and its binary `.bin`) in →
//! its kind and value: Forms 2.0 check boxes and option buttons ("1" ticked) and text boxes.
//!
//! The `.bin` is a compound file (MS-CFB) whose `contents` stream holds the control's
//! MorphData properties (MS-OFORMS 2.2.5); only the Value and Caption strings are read.
//! Every offset is bounds-checked; anything unexpected gives `None`, never a panic.

use super::xml::{Element, Flow, Handler, Ns};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum ControlKind {
    Check,
    Text,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct ActiveXControl {
    pub(super) kind: ControlKind,
    /// The Value property: "1" ticked / "0" not for a check box, the text for a text box.
    pub(super) value: Option<String>,
    pub(super) caption: String,
}

const CLSID_CHECK_BOX: &str = "8BD21D40-EC42-11CE-9E0D-00AA006002F3";
const CLSID_OPTION_BUTTON: &str = "8BD21D50-EC42-11CE-9E0D-00AA006002F3";
const CLSID_TEXT_BOX: &str = "8BD21D10-EC42-11CE-9E0D-00AA006002F3";

/// What `activeXN.xml` says: the control class, the binary part's relationship id, and any
/// properties saved inline (`persistPropertyBag`).
#[derive(Default)]
pub(super) struct OcxHandler {
    pub(super) class_id: String,
    pub(super) binary_rel: Option<String>,
    pub(super) value: Option<String>,
    pub(super) caption: Option<String>,
}

impl Handler for OcxHandler {
    fn start(&mut self, el: &Element) -> Flow {
        match &*el.local {
            "ocx" => {
                self.class_id = el.attr("classid").unwrap_or_default().to_string();
                self.binary_rel = el.attr("id").map(str::to_string);
            }
            "ocxPr" => {
                let value = el.attr("value").map(str::to_string);
                match el.attr("name") {
                    Some(n) if n.eq_ignore_ascii_case("Value") => self.value = value,
                    Some(n) if n.eq_ignore_ascii_case("Caption") => self.caption = value,
                    _ => {}
                }
            }
            _ => {}
        }
        Flow::Enter
    }
    fn end(&mut self, _ns: Ns, _local: &str) {}
    fn text(&mut self, _text: &str) {}
}

impl OcxHandler {
    pub(super) fn kind(&self) -> Option<ControlKind> {
        let id = self
            .class_id
            .trim_matches(|c| c == '{' || c == '}')
            .to_ascii_uppercase();
        match id.as_str() {
            CLSID_CHECK_BOX | CLSID_OPTION_BUTTON => Some(ControlKind::Check),
            CLSID_TEXT_BOX => Some(ControlKind::Text),
            _ => None,
        }
    }
}

fn u16_at(data: &[u8], at: usize) -> Option<u16> {
    let bytes = data.get(at..at.checked_add(2)?)?;
    Some(u16::from_le_bytes(bytes.try_into().ok()?))
}

fn u32_at(data: &[u8], at: usize) -> Option<u32> {
    let bytes = data.get(at..at.checked_add(4)?)?;
    Some(u32::from_le_bytes(bytes.try_into().ok()?))
}

const END_OF_CHAIN: u32 = 0xFFFF_FFFE;
/// Longest sector chain followed (a small control file has a handful).
const MAX_CHAIN: usize = 4096;

/// The named stream of a compound file, if present (a deliberately small MS-CFB reader).
pub(super) fn cfb_stream(file: &[u8], name: &str) -> Option<Vec<u8>> {
    if file.get(..8)? != [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1] {
        return None;
    }
    let sector_shift = u16_at(file, 30)?;
    let mini_shift = u16_at(file, 32)?;
    if !(7..=16).contains(&sector_shift) || !(2..=12).contains(&mini_shift) {
        return None;
    }
    let sector_size = 1usize << sector_shift;
    let mini_size = 1usize << mini_shift;
    let first_dir = u32_at(file, 48)?;
    let mini_cutoff = u32_at(file, 56)? as usize;
    let first_mini_fat = u32_at(file, 60)?;
    let sector = |n: u32| -> Option<&[u8]> {
        let start = (n as usize).checked_add(1)?.checked_mul(sector_size)?;
        file.get(start..start.checked_add(sector_size)?)
    };
    // The FAT, from the header's DIFAT entries (enough for any file a control produces).
    let mut fat: Vec<u32> = Vec::new();
    for i in 0..109 {
        let fat_sector = u32_at(file, 76 + 4 * i)?;
        if fat_sector >= 0xFFFF_FFFA {
            continue;
        }
        let data = sector(fat_sector)?;
        fat.extend(data.chunks_exact(4).filter_map(|c| u32_at(c, 0)));
        if fat.len() > 1 << 20 {
            return None;
        }
    }
    let chain = |start: u32, table: &[u32]| -> Option<Vec<u32>> {
        let mut out = Vec::new();
        let mut next = start;
        while next != END_OF_CHAIN {
            if out.len() >= MAX_CHAIN || next >= 0xFFFF_FFFA {
                return None;
            }
            out.push(next);
            next = *table.get(next as usize)?;
        }
        Some(out)
    };
    let read_chain = |start: u32| -> Option<Vec<u8>> {
        let mut data = Vec::new();
        for n in chain(start, &fat)? {
            data.extend_from_slice(sector(n)?);
        }
        Some(data)
    };
    let directory = read_chain(first_dir)?;
    let entries: Vec<&[u8]> = directory.chunks_exact(128).collect();
    let root = entries.first()?;
    let wanted: Vec<u16> = name.encode_utf16().collect();
    let entry = entries.iter().find(|e| {
        let len = u16_at(e, 64).unwrap_or(0) as usize;
        e.get(66) == Some(&2)
            && len == (wanted.len() + 1) * 2
            && (0..wanted.len()).all(|i| {
                let want = wanted
                    .get(i)
                    .copied()
                    .map(u32::from)
                    .and_then(char::from_u32);
                u16_at(e, 2 * i).is_some_and(|c| {
                    char::from_u32(c.into()).map(|c| c.to_ascii_lowercase())
                        == want.map(|c| c.to_ascii_lowercase())
                })
            })
    })?;
    let start = u32_at(entry, 116)?;
    let size = u32_at(entry, 120)? as usize;
    if size > 1 << 20 {
        return None;
    }
    let mut data = if size < mini_cutoff {
        let mini_fat_bytes = read_chain(first_mini_fat)?;
        let mini_fat: Vec<u32> = mini_fat_bytes
            .chunks_exact(4)
            .filter_map(|c| u32_at(c, 0))
            .collect();
        let mini_stream = read_chain(u32_at(root, 116)?)?;
        let mut data = Vec::new();
        for n in chain(start, &mini_fat)? {
            let at = (n as usize).checked_mul(mini_size)?;
            data.extend_from_slice(mini_stream.get(at..at.checked_add(mini_size)?)?);
        }
        data
    } else {
        read_chain(start)?
    };
    if data.len() < size {
        return None;
    }
    data.truncate(size);
    Some(data)
}

/// Reads a `CountOfBytesWithCompressionFlag` string of `count` from `data` at `at`.
fn counted_string(data: &[u8], at: usize, count: u32) -> Option<String> {
    let compressed = count & 0x8000_0000 != 0;
    let len = (count & 0x7FFF_FFFF) as usize;
    let bytes = data.get(at..at.checked_add(len)?)?;
    Some(if compressed {
        bytes.iter().map(|&b| char::from(b)).collect()
    } else {
        let units: Vec<u16> = bytes.chunks_exact(2).filter_map(|c| u16_at(c, 0)).collect();
        String::from_utf16_lossy(&units)
    })
}

/// The Value and Caption of a MorphData `contents` stream (MS-OFORMS 2.2.5.1).
pub(super) fn morph_data_value(contents: &[u8]) -> Option<(String, String)> {
    if u16_at(contents, 0)? != 0x0200 {
        return None;
    }
    let mask = u32_at(contents, 4)?;
    let bit = |n: u32| mask & (1 << n) != 0;
    // DataBlock: each present property in order, aligned to its own size.
    let mut at = 12usize;
    let mut value_count = 0u32;
    let mut caption_count = 0u32;
    let mut field = |size: usize, present: bool| -> Option<Option<u32>> {
        if !present {
            return Some(None);
        }
        at = at.div_ceil(size) * size;
        let value = match size {
            1 => u32::from(*contents.get(at)?),
            2 => u32::from(u16_at(contents, at)?),
            _ => u32_at(contents, at)?,
        };
        at += size;
        Some(Some(value))
    };
    // (property bit, size) in DataBlock order; Size (bit 8) lives in the ExtraDataBlock.
    const LAYOUT: [(u32, usize); 28] = [
        (0, 4),
        (1, 4),
        (2, 4),
        (3, 4),
        (4, 1),
        (5, 1),
        (6, 1),
        (7, 1),
        (9, 2),
        (10, 4),
        (11, 2),
        (12, 2),
        (13, 2),
        (14, 2),
        (15, 2),
        (16, 1),
        (17, 1),
        (18, 1),
        (20, 1),
        (21, 1),
        (22, 4), // Value
        (23, 4), // Caption
        (24, 4),
        (25, 4),
        (26, 4),
        (27, 2),
        (28, 2),
        (29, 2),
    ];
    for (n, size) in LAYOUT {
        let read = field(size, bit(n))?;
        match (n, read) {
            (22, Some(v)) => value_count = v,
            (23, Some(v)) => caption_count = v,
            _ => {}
        }
    }
    // GroupName is flagged in the second mask word.
    let group_present = u32_at(contents, 8)? & 1 != 0;
    let _group = field(4, group_present)?;
    // ExtraDataBlock: Size (two i32), then Value, Caption, each padded to 4 bytes.
    at = at.div_ceil(4) * 4;
    if bit(8) {
        at += 8;
    }
    let mut value = String::new();
    if bit(22) {
        value = counted_string(contents, at, value_count)?;
        at += ((value_count & 0x7FFF_FFFF) as usize).div_ceil(4) * 4;
    }
    let mut caption = String::new();
    if bit(23) {
        caption = counted_string(contents, at, caption_count)?;
    }
    Some((value, caption))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn morph_data_check_box_value() {
        // The `contents` stream LibreOffice writes for a ticked check box.
        let contents: [u8; 52] = [
            0x00, 0x02, 0x2c, 0x00, 0x45, 0x01, 0xc0, 0x84, 0x00, 0x00, 0x00, 0x00, 0x1b, 0x08,
            0x00, 0x2c, 0x00, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00,
            0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x58, 0x01, 0x00, 0x00, 0x58, 0x01,
            0x00, 0x00, 0x31, 0x00, 0x00, 0x00, 0x00, 0x02, 0x14, 0x00,
        ];
        assert_eq!(
            morph_data_value(&contents),
            Some(("1".to_string(), String::new()))
        );
        assert_eq!(morph_data_value(&contents[..20]), None);
        assert_eq!(cfb_stream(&contents, "contents"), None);
    }
}
