//! Resource limits for untrusted input, from the config `[limits]` table with safe defaults, and
//! `ByteBudget`, which bounds how many bytes of messages are held at once.

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
    /// Most text one message body or form document may hold, counted as its bytes plus
    /// `TEXT_BREAK_COST` for every line and cell (what holding it costs): a body is read up to
    /// it, a document over it is refused. A filled-in form holds a few KB.
    pub max_text_bytes: u64,
    /// Most pixels an image of a form may have (a JPEG, PNG or TIFF page, a PDF's page image),
    /// checked by its header before it is decoded.
    pub max_image_pixels: u64,
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
            max_text_bytes: 2 << 20,
            // A 48-megapixel phone photo fits; a decompression bomb's 81 megapixels do not.
            max_image_pixels: 64_000_000,
            attachment_deadline_ms: 10_000,
            worker_memory_bytes: 1 << 30,
        }
    }
}

/// What a line or cell break counts for in `max_text_bytes`: every line and cell is held as its
/// own string, which costs more than its text when it is short.
pub const TEXT_BREAK_COST: usize = 32;

/// Bytes that may be held at once, shared by threads: `take` waits until its bytes fit in what
/// the others hold, and the bytes come back when the `Held` it returns is dropped. A request
/// larger than the whole budget waits until nothing else is held, then goes alone, so one large
/// message never stalls the run.
#[derive(Debug)]
pub struct ByteBudget {
    total: u64,
    held: std::sync::Mutex<u64>,
    freed: std::sync::Condvar,
}

impl ByteBudget {
    pub fn new(total: u64) -> ByteBudget {
        ByteBudget {
            total,
            held: std::sync::Mutex::new(0),
            freed: std::sync::Condvar::new(),
        }
    }

    /// Waits until `bytes` fit, and holds them.
    pub fn take(&self, bytes: u64) -> Held<'_> {
        let mut held = self.held.lock().unwrap_or_else(|e| e.into_inner());
        while *held > 0 && held.saturating_add(bytes) > self.total {
            held = self.freed.wait(held).unwrap_or_else(|e| e.into_inner());
        }
        *held = held.saturating_add(bytes);
        Held {
            budget: self,
            bytes,
        }
    }
}

/// Bytes taken from a `ByteBudget`, given back on drop.
#[derive(Debug)]
pub struct Held<'a> {
    budget: &'a ByteBudget,
    bytes: u64,
}

impl Drop for Held<'_> {
    fn drop(&mut self) {
        let mut held = self.budget.held.lock().unwrap_or_else(|e| e.into_inner());
        *held = held.saturating_sub(self.bytes);
        self.budget.freed.notify_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU64, Ordering};

    #[test]
    fn a_budget_holds_at_most_its_total_or_one_larger_request() {
        let budget = ByteBudget::new(100);
        let held_now = AtomicU64::new(0);
        let most = AtomicU64::new(0);
        std::thread::scope(|scope| {
            for size in [60, 60, 30, 250, 10, 90, 40] {
                let (budget, held_now, most) = (&budget, &held_now, &most);
                scope.spawn(move || {
                    let _held = budget.take(size);
                    let now = held_now.fetch_add(size, Ordering::SeqCst) + size;
                    most.fetch_max(now, Ordering::SeqCst);
                    assert!(now <= 100 || now == size, "{now} bytes held with {size}");
                    std::thread::sleep(std::time::Duration::from_millis(20));
                    held_now.fetch_sub(size, Ordering::SeqCst);
                });
            }
        });
        assert_eq!(*budget.held.lock().unwrap(), 0);
        assert!(
            most.load(Ordering::SeqCst) >= 250,
            "the large request went through"
        );
    }
}
