//! Command line in → exit code out; everything else lives in the library.

// Readers allocate many small strings per attachment, on several threads and in worker
// processes; mimalloc serves them with less CPU than glibc's malloc (docs/performance.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    regintake::cli::main()
}
