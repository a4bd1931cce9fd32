//! Fuzz target: arbitrary bytes (a winmail.dat) in → `targets::tnef_read` (see fuzz/targets.rs); must not panic.
#![no_main]

#[path = "../targets.rs"]
mod targets;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    targets::tnef_read(data);
});
