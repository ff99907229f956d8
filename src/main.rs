//! The `stackc` binary: parse arguments, run the library, map to an exit code.

fn main() {
    std::process::exit(stackc::cli::main());
}
