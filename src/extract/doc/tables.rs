//! The parts of a Word 97–2003 file the reader needs, from its streams in → plain structures
//! out: the FIB's offsets, the piece table (CP → file position and encoding), character and
//! paragraph properties by file position (from the FKP pages), the font names, and a legacy
//! form field's FFData. Every read is bounds-checked; a bad offset gives `None` or an empty
//! table, never a panic.

/// Where a FIB `FibRgFcLcb97` pair sits: the fixed FibBase, FibRgW97, FibRgLw97 before it.
const FC_LCB_START: usize = 154;
/// Pair indexes in FibRgFcLcb97 (MS-DOC 2.5.6).
pub(super) const PLCF_BTE_CHPX: usize = 12;
pub(super) const PLCF_BTE_PAPX: usize = 13;
pub(super) const STTBF_FFN: usize = 15;
pub(super) const CLX: usize = 33;

pub(super) fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(
        b.get(at..at.checked_add(2)?)?.try_into().ok()?,
    ))
}

pub(super) fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(
        b.get(at..at.checked_add(4)?)?.try_into().ok()?,
    ))
}

/// The (offset, length) pair `index` of the FIB's FibRgFcLcb, if the FIB has it.
pub(super) fn fc_lcb(word: &[u8], index: usize) -> Option<(usize, usize)> {
    let count = usize::from(u16_at(word, FC_LCB_START - 2)?);
    if index >= count {
        return None;
    }
    let at = FC_LCB_START + index * 8;
    Some((u32_at(word, at)? as usize, u32_at(word, at + 4)? as usize))
}

/// One piece of the document's text: CPs `[cp_start, cp_end)` stored from byte `fc`, one byte
/// a character (windows-1252) when `compressed`, else UTF-16LE.
#[derive(Debug, Clone, Copy)]
pub(super) struct Piece {
    pub cp_start: u32,
    pub cp_end: u32,
    pub fc: u32,
    pub compressed: bool,
    /// Paragraph properties the piece's PRM adds (fast-saved files), when any.
    pub prm: Option<usize>,
}

impl Piece {
    /// The file position of character `cp` (inside this piece).
    pub fn fc_of(&self, cp: u32) -> u32 {
        let offset = cp.saturating_sub(self.cp_start);
        if self.compressed {
            self.fc.saturating_add(offset)
        } else {
            self.fc.saturating_add(offset.saturating_mul(2))
        }
    }
}

/// The piece table and the PRC property lists of the `Clx`.
pub(super) struct Clx {
    pub pieces: Vec<Piece>,
    pub grpprls: Vec<Vec<u8>>,
}

/// Most PRC entries kept (each is a few bytes; Word writes a handful).
const MAX_PRCS: usize = 100_000;

pub(super) fn read_clx(clx: &[u8]) -> Option<Clx> {
    let mut at = 0usize;
    let mut grpprls = Vec::new();
    while clx.get(at) == Some(&0x01) {
        let len = usize::from(u16_at(clx, at + 1)?);
        let body = clx.get(at + 3..at + 3 + len)?;
        if grpprls.len() < MAX_PRCS {
            grpprls.push(body.to_vec());
        }
        at += 3 + len;
    }
    if clx.get(at) != Some(&0x02) {
        return None;
    }
    let len = u32_at(clx, at + 1)? as usize;
    let plc = clx.get(at + 5..at.checked_add(5)?.checked_add(len)?)?;
    // (n + 1) CPs of 4 bytes, then n PCDs of 8 bytes.
    if plc.len() < 4 {
        return None;
    }
    let n = (plc.len() - 4) / 12;
    let mut pieces = Vec::with_capacity(n);
    for i in 0..n {
        let cp_start = u32_at(plc, 4 * i)?;
        let cp_end = u32_at(plc, 4 * (i + 1))?;
        let pcd = 4 * (n + 1) + 8 * i;
        let raw_fc = u32_at(plc, pcd + 2)?;
        let prm = u16_at(plc, pcd + 6)?;
        let compressed = raw_fc & 0x4000_0000 != 0;
        let fc = raw_fc & 0x3FFF_FFFF;
        // A complex PRM names a PRC by index; a simple one holds one sprm we do not need.
        let prm = (prm & 1 == 1).then_some(usize::from(prm >> 1));
        if cp_end > cp_start {
            pieces.push(Piece {
                cp_start,
                cp_end,
                fc: if compressed { fc / 2 } else { fc },
                compressed,
                prm,
            });
        }
    }
    pieces.sort_by_key(|p| p.cp_start);
    Some(Clx { pieces, grpprls })
}

/// One property modifier: its sprm code and operand.
pub(super) struct Sprm<'a> {
    pub code: u16,
    pub operand: &'a [u8],
}

/// The sprms of a grpprl, stopping at the first one that does not fit.
pub(super) fn sprms(grpprl: &[u8]) -> impl Iterator<Item = Sprm<'_>> {
    let mut at = 0usize;
    std::iter::from_fn(move || {
        let code = u16_at(grpprl, at)?;
        let start = at + 2;
        let len = match code >> 13 {
            0 | 1 => 1,
            2 | 4 | 5 => 2,
            3 => 4,
            7 => 3,
            _ => match code {
                // sprmTDefTable: a 2-byte size (the rest plus one).
                0xD608 => usize::from(u16_at(grpprl, start)?) + 1,
                _ => usize::from(*grpprl.get(start)?) + 1,
            },
        };
        let operand = grpprl.get(start..start + len)?;
        at = start + len;
        Some(Sprm { code, operand })
    })
}

/// What the reader needs of a run's character properties.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct CharProps {
    pub hidden: bool,
    /// The character is a special one (field mark, picture, symbol) rather than text.
    pub special: bool,
    /// Offset of an FFData (or picture) in the Data stream.
    pub pic_location: Option<u32>,
    /// Font index (into the font table) of ASCII text, and of other text.
    pub font: Option<u16>,
    pub font_other: Option<u16>,
    /// `sprmCSymbol`: a symbol's font index and character.
    pub symbol: Option<(u16, u16)>,
}

impl CharProps {
    fn from_grpprl(grpprl: &[u8]) -> CharProps {
        let mut p = CharProps::default();
        for s in sprms(grpprl) {
            let byte = s.operand.first().copied().unwrap_or(0);
            match s.code {
                // sprmCFVanish (hidden) and sprmCFRMarkDel (a deletion tracked as a
                // revision): 1 on; 0x81 "opposite of the style", taken as on.
                0x083C | 0x0800 => p.hidden |= byte == 1 || byte == 0x81,
                0x0855 => p.special = byte == 1 || byte == 0x81,
                0x6A03 => p.pic_location = u32_at(s.operand, 0),
                0x4A4F => p.font = u16_at(s.operand, 0),
                0x4A51 => p.font_other = u16_at(s.operand, 0),
                0x6A09 => p.symbol = u16_at(s.operand, 0).zip(u16_at(s.operand, 2)),
                _ => {}
            }
        }
        p
    }
}

/// What the reader needs of a paragraph's properties.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct ParaProps {
    pub in_table: bool,
    /// The paragraph is the row-end mark of a table row (depth 1).
    pub row_end: bool,
    /// Table depth, when given (`sprmPItap`).
    pub depth: Option<u32>,
    /// The paragraph ends a cell of a nested table / ends a row of a nested table.
    pub inner_cell_end: bool,
    pub inner_row_end: bool,
}

impl ParaProps {
    pub fn apply(&mut self, grpprl: &[u8]) {
        for s in sprms(grpprl) {
            let on = s.operand.first().is_some_and(|&b| b != 0);
            match s.code {
                0x2416 => self.in_table = on,
                0x2417 => self.row_end = on,
                0x6649 => self.depth = u32_at(s.operand, 0),
                0x244B => self.inner_cell_end = on,
                0x244C => self.inner_row_end = on,
                _ => {}
            }
        }
    }

    /// How deep in tables the paragraph sits (0: not in a table).
    pub fn table_depth(&self) -> u32 {
        match self.depth {
            Some(d) if d > 0 => d.min(MAX_TABLE_DEPTH),
            _ if self.in_table => 1,
            _ => 0,
        }
    }
}

/// Deepest table nesting followed; deeper tables are read as if at this depth.
pub(super) const MAX_TABLE_DEPTH: u32 = 16;

/// Properties of file positions `[start, end)`, sorted by `start`.
pub(super) struct Runs<T> {
    runs: Vec<(u32, u32, T)>,
}

impl<T: Copy + Default> Runs<T> {
    pub fn at(&self, fc: u32) -> T {
        let i = self.runs.partition_point(|r| r.0 <= fc);
        match i.checked_sub(1).and_then(|i| self.runs.get(i)) {
            Some(&(start, end, props)) if start <= fc && fc < end => props,
            _ => T::default(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.runs.is_empty()
    }
}

/// Most FKP pages read (each covers many runs; 4096 pages is a 2 MB property table).
const MAX_FKP_PAGES: usize = 65_536;

/// The FKP page numbers of a `PlcBte` (character or paragraph).
fn bte_pages(table: &[u8], fc: usize, lcb: usize) -> Vec<u32> {
    let Some(plc) = fc.checked_add(lcb).and_then(|end| table.get(fc..end)) else {
        return Vec::new();
    };
    if plc.len() < 4 {
        return Vec::new();
    }
    let n = ((plc.len() - 4) / 8).min(MAX_FKP_PAGES);
    (0..n)
        .filter_map(|i| u32_at(plc, 4 * (n + 1) + 4 * i))
        .map(|pn| pn & 0x003F_FFFF)
        .collect()
}

/// Character properties by file position, from the CHPX FKPs.
pub(super) fn char_runs(word: &[u8], table: &[u8]) -> Runs<CharProps> {
    fkp_runs(word, table, PLCF_BTE_CHPX, |page, crun, k| {
        let offset = usize::from(page.get(4 * (crun + 1) + k).copied().unwrap_or(0)) * 2;
        if offset == 0 {
            return CharProps::default();
        }
        let len = usize::from(page.get(offset).copied().unwrap_or(0));
        CharProps::from_grpprl(page.get(offset + 1..offset + 1 + len).unwrap_or(&[]))
    })
}

/// Paragraph properties by file position (of the paragraph's end mark), from the PAPX FKPs.
pub(super) fn para_runs(word: &[u8], table: &[u8]) -> Runs<ParaProps> {
    fkp_runs(word, table, PLCF_BTE_PAPX, |page, crun, k| {
        let offset = usize::from(page.get(4 * (crun + 1) + 13 * k).copied().unwrap_or(0)) * 2;
        let mut props = ParaProps::default();
        if offset != 0 {
            let cb = usize::from(page.get(offset).copied().unwrap_or(0));
            let grpprl = if cb != 0 {
                page.get(offset + 1..offset + 1 + (2 * cb).saturating_sub(1))
            } else {
                let cb = usize::from(page.get(offset + 1).copied().unwrap_or(0));
                page.get(offset + 2..offset + 2 + 2 * cb)
            };
            // The first two bytes are the paragraph style.
            if let Some(grpprl) = grpprl.and_then(|g| g.get(2..)) {
                props.apply(grpprl);
            }
        }
        props
    })
}

/// The runs of the FKP pages a `PlcBte` (at FIB entry `bte`) lists: each page holds `crun`
/// file-position bounds and, for run `k`, properties `props_of(page, crun, k)` reads.
fn fkp_runs<T>(
    word: &[u8],
    table: &[u8],
    bte: usize,
    props_of: impl Fn(&[u8], usize, usize) -> T,
) -> Runs<T> {
    let mut runs = Vec::new();
    if let Some((fc, lcb)) = fc_lcb(word, bte) {
        for pn in bte_pages(table, fc, lcb) {
            let Some(page) = page(word, pn) else { continue };
            let crun = usize::from(page[511]);
            for k in 0..crun {
                let (Some(start), Some(end)) = (u32_at(page, 4 * k), u32_at(page, 4 * (k + 1)))
                else {
                    break;
                };
                runs.push((start, end, props_of(page, crun, k)));
            }
        }
    }
    runs.sort_by_key(|r| r.0);
    Runs { runs }
}

fn page(word: &[u8], pn: u32) -> Option<&[u8]> {
    let start = (pn as usize).checked_mul(512)?;
    word.get(start..start.checked_add(512)?)
}

/// Most fonts read from the font table.
const MAX_FONTS: usize = 4_096;

/// The font names of the `SttbfFfn`, by index.
pub(super) fn font_names(word: &[u8], table: &[u8]) -> Vec<String> {
    let mut names = Vec::new();
    let Some((fc, lcb)) = fc_lcb(word, STTBF_FFN) else {
        return names;
    };
    let Some(sttb) = fc.checked_add(lcb).and_then(|end| table.get(fc..end)) else {
        return names;
    };
    let Some(count) = u16_at(sttb, 0) else {
        return names;
    };
    let mut at = 4usize; // cData, cbExtra
    for _ in 0..usize::from(count).min(MAX_FONTS) {
        let Some(&len) = sttb.get(at) else { break };
        let Some(ffn) = sttb.get(at + 1..at + 1 + usize::from(len)) else {
            break;
        };
        // FFN: ffid, wWeight, chs, ixchSzAlt, panose (10), fs (24), then the UTF-16 name.
        let name: Vec<u16> = ffn
            .get(39..)
            .unwrap_or(&[])
            .chunks_exact(2)
            .map(|c| u16::from_le_bytes([c[0], c[1]]))
            .take_while(|&u| u != 0)
            .collect();
        names.push(String::from_utf16_lossy(&name));
        at += 1 + usize::from(len);
    }
    names
}

/// A legacy form field's data (MS-DOC 2.9.75 FFData).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct FormFieldData {
    /// 0 text, 1 check box, 2 drop-down.
    pub kind: u8,
    /// Check box: 0 off, 1 on, 25 the default; drop-down: the chosen entry.
    pub result: u8,
    pub default: u16,
    pub name: String,
    pub default_text: String,
    pub help_text: String,
    pub status_text: String,
    pub entries: Vec<String>,
}

impl FormFieldData {
    pub fn checked(&self) -> bool {
        match self.result {
            25 => self.default != 0,
            r => r != 0,
        }
    }
}

/// Most drop-down entries read.
const MAX_ENTRIES: usize = 100;

/// The FFData at `offset` of the Data stream.
pub(super) fn form_field_data(data: &[u8], offset: u32) -> Option<FormFieldData> {
    let offset = offset as usize;
    let total = u32_at(data, offset)? as usize;
    let header = usize::from(u16_at(data, offset + 4)?);
    let ff = data.get(offset.checked_add(header)?..offset.checked_add(total)?)?;
    if u32_at(ff, 0)? != 0xFFFF_FFFF {
        return None;
    }
    let bits = u16_at(ff, 4)?;
    let mut d = FormFieldData {
        kind: (bits & 3) as u8,
        result: ((bits >> 2) & 0x1F) as u8,
        ..FormFieldData::default()
    };
    let mut at = 10usize; // version, bits, cch, hps
    let xstz = |at: &mut usize| -> Option<String> {
        let cch = usize::from(u16_at(ff, *at)?);
        let chars = ff.get(*at + 2..*at + 2 + 2 * cch)?;
        *at += 2 + 2 * cch + 2;
        let units: Vec<u16> = chars
            .chunks_exact(2)
            .map(|c| u16::from_le_bytes([c[0], c[1]]))
            .collect();
        Some(String::from_utf16_lossy(&units))
    };
    d.name = xstz(&mut at)?;
    if d.kind == 0 {
        d.default_text = xstz(&mut at).unwrap_or_default();
    } else {
        d.default = u16_at(ff, at).unwrap_or(0);
        at += 2;
    }
    let _format = xstz(&mut at);
    d.help_text = xstz(&mut at).unwrap_or_default();
    d.status_text = xstz(&mut at).unwrap_or_default();
    let _entry_macro = xstz(&mut at);
    let _exit_macro = xstz(&mut at);
    if d.kind == 2 {
        // An extended STTB: 0xFFFF, the count, cbExtra, then (cch, UTF-16) strings.
        if u16_at(ff, at) == Some(0xFFFF) {
            let count = usize::from(u16_at(ff, at + 2).unwrap_or(0));
            at += 6;
            for _ in 0..count.min(MAX_ENTRIES) {
                let Some(cch) = u16_at(ff, at).map(usize::from) else {
                    break;
                };
                let Some(chars) = ff.get(at + 2..at + 2 + 2 * cch) else {
                    break;
                };
                let units: Vec<u16> = chars
                    .chunks_exact(2)
                    .map(|c| u16::from_le_bytes([c[0], c[1]]))
                    .collect();
                d.entries.push(String::from_utf16_lossy(&units));
                at += 2 + 2 * cch;
            }
        }
    }
    Some(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sprm_sizes_follow_spra() {
        // sprmPFInTable (1 byte), sprmTDefTable (2-byte size 3: two more bytes), sprmPFTtp.
        let grpprl = [0x16, 0x24, 1, 0x08, 0xD6, 3, 0, 9, 9, 0x17, 0x24, 1];
        let codes: Vec<u16> = sprms(&grpprl).map(|s| s.code).collect();
        assert_eq!(codes, vec![0x2416, 0xD608, 0x2417]);
        let mut p = ParaProps::default();
        p.apply(&grpprl);
        assert!(p.in_table && p.row_end);
        // Cut short: the iterator stops, nothing is read past the end.
        assert_eq!(sprms(&grpprl[..5]).count(), 1);
    }

    #[test]
    fn ffdata_check_box_default() {
        let mut ff = Vec::new();
        ff.extend_from_slice(&0xFFFF_FFFFu32.to_le_bytes());
        ff.extend_from_slice(&(1u16 | (25 << 2)).to_le_bytes());
        ff.extend_from_slice(&[0, 0, 0, 0]); // cch, hps
        ff.extend_from_slice(&[2, 0, b'C', 0, b'1', 0, 0, 0]); // name "C1"
        ff.extend_from_slice(&1u16.to_le_bytes()); // wDef
        let mut data = Vec::new();
        data.extend_from_slice(&((6 + ff.len()) as u32).to_le_bytes());
        data.extend_from_slice(&6u16.to_le_bytes());
        data.extend_from_slice(&ff);
        let d = form_field_data(&data, 0).expect("ffdata");
        assert_eq!((d.kind, d.name.as_str(), d.checked()), (1, "C1", true));
        assert_eq!(form_field_data(&data[..10], 0), None);
        assert_eq!(form_field_data(&data, u32::MAX), None);
    }
}
