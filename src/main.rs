//! Command line in → exit code out; everything else lives in the library.

// Readers allocate many small strings per attachment, on several threads and in worker
// processes; mimalloc serves them with less CPU than glibc's malloc (docs/performance.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    // Give freed memory back to the system after 3 ms instead of 10: mimalloc otherwise keeps
    // pages that emptied while the threads hand messages to each other, and the ingest's peak
    // memory crept up with the archive's length (docs/performance.md, "Memory").
    // libmimalloc-sys does not name this option: its number in mimalloc v2's `mi_option_e`
    // (include/mimalloc.h), checked by its documented default before it is changed.
    const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;
    // SAFETY: reads and sets one of mimalloc's options by number; both take no pointers and
    // accept any option number and value.
    unsafe {
        if libmimalloc_sys::mi_option_get(MI_OPTION_PURGE_DELAY) == 10 {
            libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, 3);
        }
    }
    regintake::cli::main()
}
