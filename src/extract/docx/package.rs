//! Zip bytes in → the inflated bytes of the few named entries a DOCX/ODT reader asks for, with
//! every `Limits` zip bound enforced while inflating (declared sizes are never trusted).

use super::{Limit, Unreadable};
use crate::limits::Limits;
use std::io::{Cursor, Read};
use zip::ZipArchive;

/// Below this many inflated bytes the ratio bound is not applied: tiny entries (an empty
/// relationships file, a one-line XML part) have meaningless ratios.
const RATIO_FLOOR_BYTES: u64 = 64 << 10;

pub(super) struct Package<'a> {
    archive: ZipArchive<Cursor<&'a [u8]>>,
    limits: &'a Limits,
    inflated_total: u64,
}

impl<'a> Package<'a> {
    pub(super) fn open(bytes: &'a [u8], limits: &'a Limits) -> Result<Package<'a>, Unreadable> {
        let archive = ZipArchive::new(Cursor::new(bytes))
            .map_err(|e| Unreadable::malformed(format!("not a readable zip file: {e}")))?;
        if archive.len() > limits.max_zip_entries {
            return Err(Unreadable::over(
                Limit::ZipEntries,
                format!(
                    "zip has {} entries, over the {} entry limit",
                    archive.len(),
                    limits.max_zip_entries
                ),
            ));
        }
        Ok(Package {
            archive,
            limits,
            inflated_total: 0,
        })
    }

    /// The exact entry name, else one that differs only in letter case or a leading '/'
    /// (OPC part names are case-insensitive).
    fn find(&self, name: &str) -> Option<usize> {
        let name = name.trim_start_matches('/');
        if let Some(index) = self.archive.index_for_name(name) {
            return Some(index);
        }
        self.archive
            .file_names()
            .position(|n| n.is_ok_and(|n| n.trim_start_matches('/').eq_ignore_ascii_case(name)))
    }

    /// Names of all entries (for finding `word/header*.xml` when relationships are missing).
    pub(super) fn names(&self) -> Vec<String> {
        self.archive
            .file_names()
            .filter_map(|n| n.ok().map(|n| n.into_owned()))
            .collect()
    }

    /// Inflates one entry; `Ok(None)` when there is no such entry.
    pub(super) fn read(&mut self, name: &str) -> Result<Option<Vec<u8>>, Unreadable> {
        let Some(index) = self.find(name) else {
            return Ok(None);
        };
        let limits = self.limits;
        let remaining_total = limits
            .max_zip_total_bytes
            .saturating_sub(self.inflated_total);
        let mut entry = self
            .archive
            .by_index(index)
            .map_err(|e| Unreadable::malformed(format!("zip entry {name} cannot be read: {e}")))?;
        let compressed = entry.compressed_size().max(1);
        let ratio_bound = limits
            .max_zip_ratio
            .saturating_mul(compressed)
            .max(RATIO_FLOOR_BYTES);
        let bound = limits
            .max_zip_entry_bytes
            .min(remaining_total)
            .min(ratio_bound);
        // The declared size is only a hint (it may lie): it saves regrowing, within the bound.
        let hint = entry.size().min(bound).min(4 << 20);
        let mut inflated = Vec::with_capacity(hint as usize + 1);
        (&mut entry)
            .take(bound.saturating_add(1))
            .read_to_end(&mut inflated)
            .map_err(|e| Unreadable::malformed(format!("zip entry {name} is corrupt: {e}")))?;
        let size = inflated.len() as u64;
        if size > bound {
            let (limit, reason) = if size > limits.max_zip_entry_bytes {
                (
                    Limit::ZipEntryBytes,
                    format!(
                        "zip entry {name} inflates past the {} byte entry limit",
                        limits.max_zip_entry_bytes
                    ),
                )
            } else if size > remaining_total {
                (
                    Limit::ZipTotalBytes,
                    format!(
                        "zip inflates past the {} byte total limit",
                        limits.max_zip_total_bytes
                    ),
                )
            } else {
                (
                    Limit::ZipRatio,
                    format!(
                        "zip entry {name} inflates more than {} times its compressed size (zip bomb?)",
                        limits.max_zip_ratio
                    ),
                )
            };
            return Err(Unreadable::over(limit, reason));
        }
        self.inflated_total += size;
        Ok(Some(inflated))
    }
}
