//! The `stackc` binary: parse arguments, run the library, map to an exit code.

/// mimalloc: a third of a build's instructions were glibc's malloc and free
/// (docs/decisions/0008-sealed-build.md). Built without transparent huge
/// pages, which cost 20–40 MB of resident memory here for no speed.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    std::process::exit(stackc::cli::main());
}
