//! The fast KDL reader (`syntax::reader`) against the `kdl` crate: whenever
//! the fast reader reads an input, the `kdl` crate must read the same nodes
//! with the same spans; everything else falls back to the `kdl` crate.

mod generated;

use std::path::Path;

use stackc::syntax::{check_fast_path, parse_fast};

use crate::support::gen_stack;

/// Reads `source` with both paths; panics on a disagreement.
fn agree(what: &str, source: &str) -> bool {
    if let Err(e) = check_fast_path(source) {
        panic!("{what}: {source:?}\n{e}");
    }
    parse_fast(source).is_some()
}

#[test]
fn the_repository_and_generated_stacks_take_the_fast_path() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut paths = vec![root.join("stack.kdl")];
    for example in std::fs::read_dir(root.join("examples")).unwrap() {
        let stack = example.unwrap().path().join("stack.kdl");
        if stack.exists() {
            paths.push(stack);
        }
    }
    assert!(paths.len() >= 4, "{paths:?}");
    for path in paths {
        let source = std::fs::read_to_string(&path).unwrap();
        assert!(agree(&path.display().to_string(), &source), "{} falls back", path.display());
    }
    for (n, seed) in [(1, 1), (10, 3), (200, 1), (500, 42)] {
        let source = gen_stack::stack_kdl(n, seed);
        assert!(agree(&format!("gen_stack {n} --seed {seed}"), &source), "gen_stack {n} falls back");
    }
}

/// The KDL test suite (`tests/syntax/kdl_spec_cases`, from kdl-rs 6.7.1,
/// Apache-2.0), valid and invalid inputs alike.
#[test]
fn the_kdl_spec_test_cases_agree() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/syntax/kdl_spec_cases");
    let (mut cases, mut valid, mut fast) = (0, 0, 0);
    for file in std::fs::read_dir(dir).unwrap() {
        let path = file.unwrap().path();
        let Ok(source) = std::fs::read_to_string(&path) else { continue };
        cases += 1;
        if stackc::syntax::parse_with_kdl(&source).is_ok() {
            valid += 1;
            if parse_fast(&source).is_none() && std::env::var_os("SHOW_FALLBACKS").is_some() {
                eprintln!("falls back: {}\n{source}", path.display());
            }
        }
        if agree(&path.display().to_string(), &source) {
            fast += 1;
        }
    }
    assert!(cases >= 300, "{cases} cases");
    eprintln!("{fast} of {cases} KDL test cases ({valid} valid for the kdl crate) took the fast path");
    // Most valid cases are read by the fast path; the rest use type
    // annotations, are invalid, or hit a documented fallback.
    assert!(fast >= 120, "only {fast} of {cases} took the fast path");
}

/// Per feature: the snippet, and whether the fast path reads it.
const SNIPPETS: &[(&str, bool)] = &[
    // identifiers
    ("node", true),
    ("a-b_c.d 1", true),
    ("- + . -- +. .- ", true),
    ("-foo +bar .baz +.x", true),
    ("a,b <x> [y] ä 日本 emoji😀", false), // `[` is not an identifier character
    ("a,b <x> ä 日本 emoji😀", true),
    ("node true", false),
    ("node -inf", false),
    ("node +inf", false),
    ("node nan", false),
    ("node .5", false),
    ("node -.5", false),
    // quoted strings and escapes
    (r#"n "" "a b" "\n\t\\\"\b\f\r\s""#, true),
    (r#"n "\u{1F600}\u{0}\u{10FFFF}\u{e9}""#, true),
    (r#"n "\u{D800}""#, false),
    (r#"n "\u{1234567}""#, false),
    (r#"n "\u{}""#, false),
    (r#"n "\x""#, false),
    ("n \"a\\   b\"", true),
    ("n \"a\\\n   b\"", true),
    ("n \"a\\\u{3000}\u{a0}\r\n b\"", true),
    ("n \"line\nbreak\"", false),
    ("n \"nel\u{85}\"", false),
    // raw strings
    (r##"n #"raw \n "quoted" "#"##, true),
    (r###"n ##"a "# b"## #""#"###, true),
    (r##"n #"""#"##, false),
    (r##"n #"""a"""#"##, false),
    (r##"n #""x"#"##, true),
    // multi-line strings
    ("n \"\"\"\n  a\n    b\n\n  c\n  \"\"\"", true),
    ("n \"\"\"\n\"\"\"", true),
    ("n \"\"\"\n  a \\n \\\" x\n \t \n  \"\"\"", true),
    ("n \"\"\"\r\n  a\r\n  \"\"\"", true),
    ("n \"\"\"\n\u{3000}a\n\u{3000}\"\"\"", true),
    ("n \"\"\"\n a\n  \"\"\"", false),
    ("n \"\"\"a\n\"\"\"", false),
    ("n \"\"\"\n  a\\\n  b\n  \"\"\"", false), // whitespace escape in a multi-line string
    ("n \"\"\"\n  a \"\" b \" c\n  \"\"\"", true),
    ("n #\"\"\"\n  a \\n \"\"\" b\n  \"\"\"#", true),
    ("n ##\"\"\"\n  a \\n \"\"\"# b\n  \"\"\"##", true),
    ("n #\"\"\"\n  \\  \n  \"\"\"#", false),
    ("node #\"\"\"\n  \"\n  \"\"\"#\n", false), // found by fuzzing: a raw string of `"`
    ("node #\"\"\"\n  \"\"\n  \"\"\"#\n", true),
    // numbers and keywords
    ("n 0 -1 +7 1_000 1__0_ 007", true),
    ("n 0x1F 0xdead_BEEF -0x10 0o17 0b1010_1 +0b1", true),
    ("n 0X1F", false),
    ("n 0x_1", false),
    ("n 1.5 -2.5e10 1E-3 1e+3 1_0.0_1 1.0e1_0 -0.0 0.1", true),
    ("n 1. 1.e5", false),
    ("n 1e", false),
    ("n 1.5.3", false),
    ("n 170141183460469231731687303715884105727 -170141183460469231731687303715884105727", false),
    ("n 17014118346046923173168730371588410572 -0x7fffffffffffffffffffffffffffffff", true),
    ("n 0x80000000000000000000000000000000", false),
    ("n 1e400 -1e400 1e-400", true),
    ("n #true #false #null #inf #-inf #nan", true),
    ("n #True", false),
    ("n #truex", false),
    ("n 1abc", false),
    // properties
    ("n a=1 b = 2 \"c d\"=#true #\"e\"#=\"f\" g= h", true),
    ("n a=1 a=2", false),
    ("n x=1 x=1 y=2", false),
    ("n a=(t)1", false),
    ("(t)n", false),
    ("n (t)1", false),
    // comments
    ("// c\nn 1 // c\nm /* c */ 2 /* a /* b */ c */ 3\n/* x */", true),
    ("n /* unterminated", false),
    ("n/*c*/1", true),
    ("/**/n", true),
    ("n 1 /* */ ; m", true),
    // slashdash
    ("/- n 1\nm", true),
    ("/-n\nm /-1 2 /- x=1 y=2 /-{a} {b} /- {c}", true),
    ("n {a}/-{b}", true),
    ("n /-{a}/-{b}", false),
    ("n /-{a}{b}", true),
    ("n /- {a} 1", false),
    ("n {a} 1", false),
    ("n {a} {b}", false),
    ("n /-\n 1 2", true),
    ("n /- 1", true),
    ("/- n; m", false),
    ("n; /- m\n o", true),
    ("n /- /- 1 2", false),
    ("n { /- a { b } ; c }", false),
    ("n { /- a { b }\n c }", true),
    ("/- n {\n a\n}\n", true),
    ("n /-", false),
    ("{ a }", false),
    // children, terminators and line continuations
    ("a{}", true),
    ("a 1{}", true),
    ("a {\n  b x=1 /- y ;\n c}\n", true),
    ("a { b; c; }", true),
    ("a;;b", false),
    ("a; ;b", false),
    ("a ;", true),
    ("a {\n b {\n  c {\n   d\n  }\n }\n}", true),
    ("a }", false),
    ("a {", false),
    ("a 1 \\\n  2 \\ // c\n 3\nb", true),
    ("a \\", true),
    ("a \\ x", false),
    ("a\\\n1", true),
    // whitespace and newlines of every kind
    ("a\u{a0}1\u{1680}2\u{2000}3\u{200a}4\u{202f}5\u{205f}6\u{3000}7\t8", true),
    ("a\r\nb\rc\u{85}d\u{b}e\u{c}f\u{2028}g\u{2029}h", true),
    ("\u{feff}a 1", true),
    ("a \u{feff}1", false),
    ("a \u{200e}1", false),
    ("a \u{7f}", false),
    ("a\u{0}", false),
    ("", true),
    ("   \n\n  // only comments\n", true),
];

#[test]
fn snippets_per_feature_agree_and_take_the_expected_path() {
    let wrong: Vec<_> = SNIPPETS.iter().filter(|(snippet, fast)| agree("snippet", snippet) != *fast).collect();
    assert!(wrong.is_empty(), "these take the other path than expected: {wrong:#?}");
}
