//! Arbitrary bytes through parse → check → derive → verify → render: never a
//! panic, a hang or a runaway allocation, and the same result twice; and the
//! same result after `stackc fmt`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use stackc::CompileOptions;
use stackc::render::RenderOptions;

fuzz_target!(|data: &[u8]| {
    let Ok(source) = std::str::from_utf8(data) else { return };
    let options = CompileOptions {
        render: RenderOptions { source_name: "stack.kdl".into(), templates: Default::default() },
        secrets: Default::default(),
        repository: String::new(),
    };
    let first = stackc::compile(source, &options);
    let second = stackc::compile(source, &options);
    match (first, second) {
        (Ok(a), Ok(b)) => assert_eq!(a.tree, b.tree),
        (Err(a), Err(b)) => assert_eq!(a, b),
        _ => panic!("the same input compiled once and failed once"),
    }
    // `stackc fmt` never changes what a stack means: the formatted source
    // compiles to the same tree, or fails as the input does.
    if let Ok(formatted) = stackc::fmt::format(source) {
        match (stackc::compile(source, &options), stackc::compile(&formatted, &options)) {
            (Ok(a), Ok(b)) => assert_eq!(a.tree, b.tree, "fmt changed the rendered tree"),
            (Err(_), Err(_)) => {}
            _ => panic!("fmt changed whether the stack compiles"),
        }
    }
});
