//! Command line in → exit code out; everything else lives in the library.

fn main() -> std::process::ExitCode {
    regintake::cli::main()
}
