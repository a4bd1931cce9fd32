//! Resource limits for untrusted input, from the config `[limits]` table with safe defaults.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Limits {
    /// Largest message read, in bytes; a larger one is recorded `unreadable_attachment`.
    pub max_message_bytes: u64,
    /// Largest attachment read, in bytes.
    pub max_attachment_bytes: u64,
    /// Deepest MIME nesting followed.
    pub max_mime_depth: usize,
    /// Most MIME parts looked at in one message.
    pub max_mime_parts: usize,
    /// Most entries in a DOCX/ODT zip.
    pub max_zip_entries: usize,
    /// Most bytes inflated from one zip entry (checked while inflating: declared sizes lie).
    pub max_zip_entry_bytes: u64,
    /// Most bytes inflated from one zip in all.
    pub max_zip_total_bytes: u64,
    /// Highest inflated/compressed ratio accepted for a zip entry.
    pub max_zip_ratio: u64,
    /// Most bytes one PDF stream may decompress to.
    pub max_pdf_stream_bytes: usize,
    /// Most objects in one PDF.
    pub max_pdf_objects: usize,
    /// Most pages of a PDF read.
    pub max_pdf_pages: usize,
    /// Deepest nesting followed (PDF arrays/dictionaries, XObjects, AcroForm kids, XML).
    pub max_nesting: usize,
    /// Wall-clock budget for reading one attachment, in milliseconds.
    pub attachment_deadline_ms: u64,
    /// Address-space limit (`RLIMIT_AS`) of an attachment-reading worker process, in bytes;
    /// 0 sets none. Counts reserved, not only touched, memory: keep it well above the largest
    /// attachment plus what the limits above let a reader inflate.
    pub worker_memory_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_message_bytes: 64 << 20,
            max_attachment_bytes: 20 << 20,
            max_mime_depth: 20,
            max_mime_parts: 500,
            max_zip_entries: 2_000,
            max_zip_entry_bytes: 64 << 20,
            max_zip_total_bytes: 128 << 20,
            max_zip_ratio: 200,
            max_pdf_stream_bytes: 32 << 20,
            max_pdf_objects: 200_000,
            max_pdf_pages: 50,
            max_nesting: 64,
            attachment_deadline_ms: 10_000,
            worker_memory_bytes: 1 << 30,
        }
    }
}
