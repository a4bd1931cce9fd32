//! Text of a run, stored inline when short: `RunText`.

/// The text of one run: for a PDF nearly always one glyph, one character (a ligature or a CMap
/// entry may hold a few), so it is kept inline; a page has thousands of glyphs and a `String`
/// each was most of the allocation in reading a PDF. Longer text (an OCR word) goes on the heap.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct RunText(RunRepr);

#[derive(Clone, PartialEq, Eq)]
enum RunRepr {
    Inline {
        len: u8,
        bytes: [u8; RunText::INLINE],
    },
    Heap(Box<str>),
}

impl Default for RunRepr {
    fn default() -> Self {
        RunRepr::Inline {
            len: 0,
            bytes: [0; RunText::INLINE],
        }
    }
}

impl RunText {
    pub(crate) const INLINE: usize = 22;

    pub fn new(text: &str) -> RunText {
        if text.len() <= Self::INLINE {
            let mut bytes = [0; Self::INLINE];
            bytes[..text.len()].copy_from_slice(text.as_bytes());
            RunText(RunRepr::Inline {
                len: text.len() as u8,
                bytes,
            })
        } else {
            RunText(RunRepr::Heap(text.into()))
        }
    }

    pub fn as_str(&self) -> &str {
        match &self.0 {
            RunRepr::Inline { len, bytes } => {
                let bytes = &bytes[..usize::from(*len)];
                // SAFETY: `new` is the only writer of `Inline`, and it copies a whole `&str`
                // (all of its bytes, `len` of them), so they are valid UTF-8. Checking again on
                // every look was 3% of reading a PDF.
                unsafe { std::str::from_utf8_unchecked(bytes) }
            }
            RunRepr::Heap(text) => text,
        }
    }
}

impl std::ops::Deref for RunText {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl From<&str> for RunText {
    fn from(text: &str) -> RunText {
        RunText::new(text)
    }
}

impl From<char> for RunText {
    fn from(c: char) -> RunText {
        RunText::new(c.encode_utf8(&mut [0; 4]))
    }
}

impl std::fmt::Debug for RunText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.as_str().fmt(f)
    }
}
