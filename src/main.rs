//! The `stackc` binary: parse arguments, run the library, map to an exit code.

/// mimalloc: a third of a build's instructions were glibc's malloc and free
/// (docs/decisions/0008-sealed-build.md). Built without transparent huge
/// pages, which cost 20–40 MB of resident memory here for no speed.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// `mi_option_purge_delay` in the `mi_option_e` of mimalloc 3 (which
/// `libmimalloc-sys` builds; its Rust bindings name no constant for it): how
/// long freed memory stays committed, in ms.
const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// The purge delay stackc sets (see `main`).
const PURGE_AFTER_MS: std::ffi::c_long = 10;

fn main() {
    // Give freed memory back soon: a build frees each namespace's object
    // trees as it goes, and peak resident memory is what a CI runner pays.
    // Not at once: each purge is an `madvise` with a TLB flush on every core
    // and a page fault on reuse (0 ms made N = 1000 apps 0.080 → 0.105 s;
    // mimalloc's 1000 ms made N = 5000 peak at 107 MB instead of 94 MB).
    // SAFETY: sets an integer option; mimalloc reads options atomically.
    unsafe { libmimalloc_sys::mi_option_set(PURGE_DELAY, PURGE_AFTER_MS) };
    std::process::exit(stackc::cli::main());
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_option_is_the_purge_delay() {
        // mimalloc 3's default purge delay is 1000 ms; its neighbours are
        // the deprecated `eager_commit_delay` (1) and `use_numa_nodes` (0).
        // If a new mimalloc renumbers its options, this fails.
        // SAFETY: reads integer options.
        let (before, this, after) = unsafe {
            (
                libmimalloc_sys::mi_option_get(super::PURGE_DELAY - 1),
                libmimalloc_sys::mi_option_get(super::PURGE_DELAY),
                libmimalloc_sys::mi_option_get(super::PURGE_DELAY + 1),
            )
        };
        assert_eq!((before, this, after), (1, 1000, 0));
    }
}
