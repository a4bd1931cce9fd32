//! Fuzz target: arbitrary bytes (a Word 97–2003 .doc) in → `targets::doc_read` (see fuzz/targets.rs); must not panic.
#![no_main]

#[path = "../targets.rs"]
mod targets;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    targets::doc_read(data);
});
