//! Values with YAML or template syntax come out as the same string and never
//! add a key or a document.

use crate::support::compile;

const HOSTILE: &[&str] = &[
    "line1\nline2",
    "---\nkind: Secret",
    "a: b",
    "# not a comment",
    "\"quoted\" and 'single'",
    "{{ stack }}",
    "{% raw %}x{% endraw %}",
    "&anchor",
    "*alias",
    "!!binary AAAA",
    "\u{FEFF}bom",
    "rtl \u{202E}txet",
    "zero\u{200B}width",
    "- item",
    "yes",
    "0x1F",
    "",
];

#[test]
fn env_values_cannot_change_structure() {
    for value in HOSTILE {
        let escaped = kdl_escape(value);
        let source = format!(
            "stack \"s\" {{\n    cluster \"c\" distribution=\"k3s\" version=\"1.33\"\n    namespace \"a\" {{\n        app \"web\" image=\"x:1\" {{\n            env \"V\" \"{escaped}\"\n        }}\n    }}\n}}\n"
        );
        let tree = compile(&source).unwrap_or_else(|e| panic!("{value:?}: {e}"));
        let text = String::from_utf8(tree.files["clusters/c/a/deployment-web.yaml"].clone()).unwrap();
        let docs: Vec<serde_json::Value> =
            serde_yaml_ng::Deserializer::from_str(&text).map(|d| serde::Deserialize::deserialize(d).unwrap()).collect();
        assert_eq!(docs.len(), 1, "{value:?} added a document:\n{text}");
        let env = &docs[0]["spec"]["template"]["spec"]["containers"][0]["env"];
        assert_eq!(env, &serde_json::json!([{"name": "V", "value": value}]), "{value:?}:\n{text}");
    }
}

/// A KDL string body: quotes, backslashes, line breaks and every non-ASCII
/// character escaped (KDL forbids BOM and bidi controls as literals).
fn kdl_escape(value: &str) -> String {
    value
        .chars()
        .map(|c| match c {
            '"' => "\\\"".to_owned(),
            '\\' => "\\\\".to_owned(),
            '\n' => "\\n".to_owned(),
            c if !c.is_ascii() || c.is_control() => format!("\\u{{{:x}}}", u32::from(c)),
            c => c.to_string(),
        })
        .collect()
}

#[test]
fn hostile_hosts_and_names_are_rejected_not_rendered() {
    for host in ["a`) || Host(`evil.io", "web.acme.io\nx", "../etc", "web.acme.io/x"] {
        let escaped = kdl_escape(host);
        let source = format!(
            "stack \"s\" {{\n    cluster \"c\" distribution=\"k3s\" version=\"1.33\"\n    platform {{\n        traefik\n        cert-manager {{\n            issuer \"le\" acme-email=\"ops@acme.io\" dns01=\"cloudflare\" token-secret=\"cf\"\n        }}\n    }}\n    namespace \"a\" {{\n        app \"web\" image=\"x:1\" {{\n            port \"http\" 80\n            expose \"{escaped}\" port=\"http\"\n        }}\n    }}\n}}\n"
        );
        let err = compile(&source).expect_err(host);
        assert!(err.contains("invalid-value"), "{host:?}: {err}");
    }
    for name in ["..", "a/b", "/abs", "x\u{0}y", &"a".repeat(64)] {
        let escaped = kdl_escape(name);
        let source = format!(
            "stack \"s\" {{\n    cluster \"c\" distribution=\"k3s\" version=\"1.33\"\n    namespace \"{escaped}\"\n}}\n"
        );
        let err = compile(&source).expect_err(name);
        assert!(err.contains("invalid-name"), "{name:?}: {err}");
    }
}

fn nested_values(depth: usize) -> String {
    format!(
        "stack \"s\" {{\n    cluster \"c\" distribution=\"k3s\" version=\"1.33\"\n    helm-repository \"r\" url=\"https://charts.example.org\"\n    namespace \"a\" {{\n        release \"x\" chart=\"x\" repository=\"r\" version=\"1.0.0\" {{\n            values {{\n{}{}            }}\n        }}\n    }}\n}}\n",
        "k {\n".repeat(depth),
        "}\n".repeat(depth)
    )
}

#[test]
fn deep_nesting_fails_cleanly_instead_of_overflowing() {
    let err = compile(&nested_values(100_000)).expect_err("too deep");
    assert!(err.contains("children nest deeper than 64 levels"), "{err}");
    // Just inside the limit, the whole pipeline (parse, values, YAML, parse-back) copes.
    let depth = stackc::syntax::MAX_DEPTH - 6;
    let tree = compile(&nested_values(depth)).expect("nesting inside the limit builds");
    let release = String::from_utf8(tree.files["clusters/c/a/helmrelease-x.yaml"].clone()).unwrap();
    assert_eq!(release.matches("k:").count(), depth);
}

#[test]
fn balanced_braces_in_strings_and_comments_are_fine() {
    let braces = "{{ x }} ".repeat(200);
    let source = format!(
        "// {braces}\n/* {braces} */\nstack \"s\" {{\n    cluster \"c\" distribution=\"k3s\" version=\"1.33\"\n    namespace \"a\" {{\n        app \"web\" image=\"x:1\" {{\n            env \"A\" \"{braces}\"\n            env \"B\" #\"{braces}\"#\n        }}\n    }}\n}}\n"
    );
    compile(&source).expect("balanced braces in strings and comments are fine");
}

/// Found by fuzzing: after an unterminated string the parser's recovery reads
/// what follows as structure, so braces inside it must count.
#[test]
fn nesting_after_an_unterminated_string_fails_cleanly() {
    let source = format!("stack \"s {}", "a {".repeat(5000));
    let err = compile(&source).expect_err("refused");
    assert!(err.contains("children nest deeper than 64 levels"), "{err}");
}

#[test]
fn a_stack_over_the_workload_limit_fails_cleanly() {
    let source = "stack \"s\" {\n    cluster \"c\" distribution=\"k3s\" version=\"1.33\"\n    namespace \"a\" {\n        app \"web\" image=\"x:1\"\n    }\n}\n";
    let document = stackc::syntax::parse(source).unwrap();
    let mut stack = stackc::model::lower(&document).unwrap();
    let app = stack.namespaces[0].apps[0].clone();
    stack.namespaces[0].apps = vec![app; stackc::check::MAX_WORKLOADS + 1];
    let errors = stackc::check::check(stack).expect_err("too many workloads");
    let message = errors.iter().next().unwrap().message.clone();
    assert_eq!(
        message,
        format!(
            "the stack declares {} workloads; stackc compiles at most {}",
            stackc::check::MAX_WORKLOADS + 1,
            stackc::check::MAX_WORKLOADS
        )
    );
}

/// Found by fuzzing: the KDL parser recurses along chains of slashdashes.
#[test]
fn slashdash_chains_fail_cleanly_instead_of_overflowing() {
    for chain in ["/- ", "/-/-a "] {
        let source = format!("stack {}\"s\" {{\n}}\n", chain.repeat(3000));
        let err = compile(&source).expect_err("refused");
        assert!(err.contains("`/-` slashdash comments"), "{err}");
    }
}

#[test]
fn an_oversized_stack_is_refused_before_parsing() {
    let source = format!("// {}\nstack \"s\" {{\n}}\n", "x".repeat(stackc::syntax::MAX_BYTES));
    let err = compile(&source).expect_err("too large");
    assert!(
        err.contains(&format!("stackc reads at most {}", stackc::syntax::MAX_BYTES)),
        "{}",
        &err[..err.len().min(300)]
    );
}

/// `a /- { b /- { ... } }` `depth` levels deep, around `inner`.
fn slashdashed_blocks(depth: usize, inner: &str) -> String {
    (0..depth).fold(inner.to_owned(), |inside, i| format!("a{i} /- {{\n{inside}\n}}"))
}

/// Found by the `syntax_differential` fuzz target: the `kdl` crate's work
/// doubles with each level of slashdashed blocks, and it reads every input
/// the fast reader leaves to it (a syntax error, a type annotation). 25
/// levels took hours in `build` and `fmt`; this test would hang without the
/// limit.
#[test]
fn nested_slashdashed_blocks_fail_cleanly_instead_of_hanging() {
    let limit = stackc::syntax::MAX_SLASHDASHED_DEPTH;
    let expected = format!("blocks after `/-` nest deeper than {limit} levels");
    // Fast-reader input, a type annotation and a syntax error (the last two go to the `kdl` crate).
    for inner in ["x", "(t)x", "x="] {
        let source = format!("stack \"s\" {{\n{}\n}}\n", slashdashed_blocks(25, inner));
        let err = compile(&source).expect_err("refused");
        assert!(err.contains(&expected), "{err}");
        let formatted = stackc::fmt::format(&source).expect_err("refused");
        assert!(formatted.iter().any(|d| d.message == expected), "{formatted:?}");
    }
    // After an unterminated string the `kdl` crate's recovery reads on as nodes.
    for opening in ["stack \"s\n", "stack \"\"\"\n", "stack #\"\"\"\n"] {
        let source = format!("{opening}{}\n", slashdashed_blocks(25, "x"));
        let err = compile(&source).expect_err("refused");
        assert!(err.contains(&expected), "{err}");
    }
    // At the limit both readers still read it (the `kdl` crate at 2^8 times the work).
    for inner in ["x", "(t)x"] {
        let source = format!("stack \"s\" {{\n{}\n}}\n", slashdashed_blocks(limit, inner));
        let document = stackc::syntax::parse(&source).expect("inside the limit");
        let outer = &document.nodes[0].children[0];
        assert!(outer.children.is_empty(), "everything inside `{}` is slashdashed", outer.name);
    }
}
