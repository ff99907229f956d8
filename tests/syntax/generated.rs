//! Random KDL documents from a small generator of nodes, values, comments
//! and whitespace, some of them mutated into invalid ones: the two readers
//! agree on every one.

use proptest::prelude::*;

use stackc::syntax::check_fast_path;

fn pick(options: &'static [&'static str]) -> impl Strategy<Value = String> {
    proptest::sample::select(options).prop_map(str::to_owned)
}

fn space() -> impl Strategy<Value = String> {
    pick(&[" ", " ", "  ", "\t", "\u{a0}", "\u{3000}", "/* c */", "/*/* n */*/", " \\\n  ", " \\ // c\n", ""])
}

fn terminator() -> impl Strategy<Value = String> {
    pick(&["\n", "\n", "\r\n", "\r", "\u{85}", "\u{2028}", "\u{c}", " // c\n", ";", "; ", ";\n", "\n\n"])
}

fn bare() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z][a-z0-9_.-]{0,6}",
        pick(&["-", "+", ".", "-foo", ".bar", "+.x", "a,b", "<x>", "ä", "日本", "true", "-inf", "1a", ".5"]),
    ]
}

fn quoted() -> impl Strategy<Value = String> {
    let part = pick(&[
        "a",
        "é",
        " ",
        "\\n",
        "\\t",
        "\\\\",
        "\\\"",
        "\\s",
        "\\u{1F600}",
        "\\u{0}",
        "\\u{D800}",
        "\\   ",
        "\\\n  ",
        "#",
        "'",
        "\\x",
        "\n",
        "{",
        "=",
    ]);
    proptest::collection::vec(part, 0..5).prop_map(|p| format!("\"{}\"", p.concat()))
}

fn raw() -> impl Strategy<Value = String> {
    let part = pick(&["a", "\"", "#", "\\n", " ", "\"#", "日"]);
    (1usize..3, proptest::collection::vec(part, 0..5)).prop_map(|(h, p)| {
        let hashes = "#".repeat(h);
        format!("{hashes}\"{}\"{hashes}", p.concat())
    })
}

fn multi_line() -> impl Strategy<Value = String> {
    let line = pick(&["a", "  b", "", "   ", "c \\n d", "\"q\" \"\"", "\\\"\"\"", "e\\", "\t"]);
    (pick(&["", "  ", "\t", " "]), proptest::collection::vec(line, 0..4), any::<bool>(), pick(&["\n", "\r\n"]))
        .prop_map(|(indent, lines, raw, nl)| {
            let body: String = lines.iter().map(|l| format!("{indent}{l}{nl}")).collect();
            if raw { format!("#\"\"\"{nl}{body}{indent}\"\"\"#") } else { format!("\"\"\"{nl}{body}{indent}\"\"\"") }
        })
}

fn string() -> impl Strategy<Value = String> {
    prop_oneof![4 => bare(), 3 => quoted(), 1 => raw(), 1 => multi_line()]
}

fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => string(),
        2 => any::<i64>().prop_map(|i| i.to_string()),
        1 => any::<f64>().prop_map(|f| format!("{f:?}")),
        2 => pick(&[
            "0", "-1", "+7", "1_000", "0x1F", "0o17", "0b1010", "1.5", "-2.5e10", "1E-3", "1_0.0_1", "#inf", "#-inf",
            "#nan", "#true", "#false", "#null", "170141183460469231731687303715884105727", "1e400", "0x", "1.", "#x",
        ]),
    ]
}

fn entry() -> impl Strategy<Value = String> {
    let prop = (string(), pick(&["=", " = ", "= ", " ="]), value()).prop_map(|(k, eq, v)| format!("{k}{eq}{v}"));
    let plain = prop_oneof![3 => value(), 2 => prop];
    (plain, prop::bool::weighted(0.15)).prop_map(|(e, dash)| if dash { format!("/- {e}") } else { e })
}

fn node() -> impl Strategy<Value = String> {
    let leaf = (string(), proptest::collection::vec((space(), entry()), 0..4), space(), terminator()).prop_map(
        |(name, entries, trailing, end)| {
            let entries: String = entries.into_iter().map(|(s, e)| format!(" {s}{e}")).collect();
            format!("{name}{entries}{trailing}{end}")
        },
    );
    leaf.prop_recursive(3, 24, 4, |inner| {
        (
            string(),
            proptest::collection::vec(entry(), 0..3),
            proptest::collection::vec(inner, 0..4),
            prop::bool::weighted(0.2),
            prop::bool::weighted(0.15),
            terminator(),
        )
            .prop_map(|(name, entries, children, dash_block, dash_node, end)| {
                let entries: String = entries.into_iter().map(|e| format!(" {e}")).collect();
                let block = if dash_block { " /- {x}" } else { "" };
                let dash = if dash_node { "/- " } else { "" };
                format!("{dash}{name}{entries}{block} {{\n{}}}{end}", children.concat())
            })
    })
}

/// A document, and maybe one random edit (insert or delete) to break it.
fn document() -> impl Strategy<Value = String> {
    let edit = pick(&["", "", "", "{", "}", "\"", "#", "/-", "\\", "=", ";", "\n", "/*", "(t)", " ", "1", "a"]);
    (proptest::collection::vec(node(), 0..5), edit, any::<prop::sample::Index>(), any::<bool>()).prop_map(
        |(nodes, edit, at, delete)| {
            let mut text = nodes.concat();
            let boundaries: Vec<usize> = text.char_indices().map(|(i, _)| i).chain([text.len()]).collect();
            let i = boundaries[at.index(boundaries.len())];
            if delete && i < text.len() {
                text.remove(i);
            } else {
                text.insert_str(i, &edit);
            }
            text
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn the_fast_reader_agrees_with_the_kdl_crate(source in document()) {
        if let Err(e) = check_fast_path(&source) {
            prop_assert!(false, "{source:?}\n{e}");
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    /// `stackc fmt` on the same documents (comments, line continuations,
    /// slashdashes, odd spaces and terminators): never its "formatter bug"
    /// refusal on a document that parses, and a fixed point.
    #[test]
    fn fmt_of_random_documents_is_safe_and_idempotent(source in document()) {
        match stackc::fmt::format(&source) {
            Ok(formatted) => {
                let again = stackc::fmt::format(&formatted);
                prop_assert_eq!(again.as_ref(), Ok(&formatted), "{:?}", source);
            }
            Err(d) => prop_assert!(
                stackc::syntax::parse(&source).is_err() || !d.iter().any(|d| d.message.contains("formatter bug")),
                "{source:?}\n{d:?}"
            ),
        }
    }
}
