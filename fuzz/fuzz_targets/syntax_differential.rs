//! Arbitrary UTF-8 through both KDL readers: whenever the fast reader reads
//! an input, the `kdl` crate reads the same nodes with the same spans; and
//! neither panics. And `stackc fmt` on the same input: never a panic, never
//! its "formatter bug" refusal on a document that parses, and idempotent.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(source) = std::str::from_utf8(data) else { return };
    if let Err(disagreement) = stackc::syntax::check_fast_path(source) {
        panic!("{disagreement}");
    }
    match stackc::fmt::format(source) {
        Ok(formatted) => assert_eq!(stackc::fmt::format(&formatted).as_ref(), Ok(&formatted), "fmt is not idempotent"),
        Err(d) => assert!(
            !d.iter().any(|d| d.message.contains("formatter bug")),
            "fmt refused a document it parsed: {d:?}"
        ),
    }
});
