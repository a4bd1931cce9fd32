//! Fuzz target: arbitrary bytes (RTF) in → `targets::rtf_read` (see fuzz/targets.rs); must not panic.
#![no_main]

#[path = "../targets.rs"]
mod targets;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    targets::rtf_read(data);
});
