//! The built-in YAML emitter is trusted without a read-back in release
//! builds, so it is proven here: any JSON value, however hostile its
//! strings, is emitted as YAML that reads back (YAML 1.2 and go-yaml's
//! typing) to exactly that value.

use proptest::prelude::*;
use serde_json::{Map, Value};

use stackc::render::{readback, yaml};

/// Strings that look like YAML syntax, other types, or nothing at all.
fn hostile_string() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "", " ", "a", "web", ": ", ":", "- ", "-", "---", "...", "#", " #", "'", "\"", "\\", "\n", "\r\n", "\t", "{",
        "}", "[", "]", ",", "&a", "*a", "!!str", "!", "|", ">", "%", "@", "`", "?", "~", "null", "Null", "true",
        "False", "yes", "no", "on", "off", "y", "n", "1", "-1", "0x1F", "0o17", "017", "1e3", "1_000", ".inf", "-.inf",
        ".nan", "1.5", "+1", "0.", "{{ x }}", "{% if %}", "\u{feff}", "\u{200b}", "\u{202e}", "é", "日本", "\u{0085}",
        "\u{2028}", "\u{7f}", "\u{1}",
    ]);
    prop::collection::vec(pieces, 0..5).prop_map(|p| p.concat())
}

fn value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        (-1e12f64..1e12).prop_map(Value::from),
        hostile_string().prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::vec((hostile_string(), inner), 0..5)
                .prop_map(|entries| Value::Object(entries.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn emitted_yaml_reads_back_to_the_value(v in value()) {
        let text = yaml::to_yaml(&v);
        prop_assert!(readback::holds(&text, &v), "{v:?}\n{text}");
    }

    #[test]
    fn emitted_objects_read_back_to_the_object(name in hostile_string(), data in value()) {
        let object = serde_json::json!({
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": {"name": name, "annotations": {"a": name}},
            "data": data,
        });
        let text = yaml::to_yaml(&object);
        prop_assert!(readback::holds(&text, &object), "{object:?}\n{text}");
    }
}

/// A hand-added file that no kustomization.yaml lists is applied by nothing:
/// `build --check` (and `build`) say so, and leave it alone.
#[test]
fn check_reports_a_file_no_kustomization_lists() {
    let dir = crate::support::project(
        &std::fs::read_to_string(crate::support::root().join("examples/minimal/stack.kdl")).unwrap(),
    );
    assert_eq!(crate::support::stackc(dir.path(), &["build"]).status.code(), Some(0));
    let clean = crate::support::stackc(dir.path(), &["build", "--check"]);
    assert!(!String::from_utf8_lossy(&clean.stderr).contains("not listed"));
    let ns = std::fs::read_dir(dir.path().join("out/clusters")).unwrap().next().unwrap().unwrap().path();
    std::fs::write(ns.join("extra.yaml"), "kind: ConfigMap\n").unwrap();
    let out = crate::support::stackc(dir.path(), &["build", "--check"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("extra.yaml` is not listed by any kustomization.yaml, so nothing applies it"), "{stderr}");
    let out = crate::support::stackc(dir.path(), &["build"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("extra.yaml` is not listed"));
    assert!(ns.join("extra.yaml").is_file());
}
