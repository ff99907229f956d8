//! Arbitrary UTF-8 through both KDL readers: whenever the fast reader reads
//! an input, the `kdl` crate reads the same nodes with the same spans; and
//! neither panics.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(source) = std::str::from_utf8(data) else { return };
    if let Err(disagreement) = stackc::syntax::check_fast_path(source) {
        panic!("{disagreement}");
    }
});
