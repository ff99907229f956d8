//! go-yaml v3 typing: the plaintext inputs sops encrypted, read by our YAML reader, give the
//! same (path, type, bytes) leaves as the known-answer vectors; plus scalar rules by example.

use serde_json::Value;

use super::common::read;
use super::sops::gotime::GoTime;
use super::sops::resolve::{Resolved, resolve_plain};
use super::sops::scalar::{format_float, parse_go_float};
use super::sops::{Node, Scalar, ValueType, parse_yaml, tree};

#[test]
fn plaintext_inputs_type_like_go_yaml() {
    for (input, kat) in [
        ("torture.yaml", "torture.kat.json"),
        ("types.yaml", "types.kat.json"),
        ("k8s-secret.yaml", "k8s-secret.kat.json"),
        ("multidoc.yaml", "multidoc.2recipients.kat.json"),
    ] {
        let documents = parse_yaml(&read(&format!("generated/{input}"))).expect("parses");
        let mut leaves = Vec::new();
        tree::walk(&documents, &mut |path, leaf| {
            let bytes = String::from_utf8(leaf.to_bytes().expect("bytes").into_owned());
            leaves.push((tree::aad(path), leaf.value_type(), bytes.expect("utf-8")));
            Ok(())
        })
        .expect("walk");
        let kat: Value = serde_json::from_str(&read(&format!("kat/{kat}"))).expect("kat");
        let encrypted: Vec<bool> =
            kat["leaves"].as_array().expect("leaves").iter().map(|l| l["encrypted"] == true).collect();
        let expected: Vec<_> = kat["leaves"]
            .as_array()
            .expect("leaves")
            .iter()
            .map(|l| {
                let t = ValueType::parse(l["type"].as_str().expect("type")).expect("type");
                let bytes = l["mac_bytes"].as_str().expect("bytes").to_owned();
                (l["path"].as_str().expect("path").to_owned(), t, bytes)
            })
            .collect();
        assert_eq!(leaves.len(), expected.len(), "{input}: leaf count");
        for ((got, want), encrypted) in leaves.iter().zip(&expected).zip(&encrypted) {
            // Only an encrypted leaf's type is sops' word (its `type:` field); for clear
            // leaves the vector's type is the extractor's guess, but the bytes are checked
            // by the MAC.
            if *encrypted {
                assert_eq!(got, want, "{input}");
            } else {
                assert_eq!((&got.0, &got.2), (&want.0, &want.2), "{input}");
            }
        }
    }
}

fn resolved(text: &str) -> String {
    match resolve_plain(text) {
        Resolved::Null => "null".to_owned(),
        Resolved::Unsigned => "uint64".to_owned(),
        Resolved::Value(v) => {
            // A time whose offset Go refuses to marshal has no bytes.
            let bytes = v.to_bytes().map(std::borrow::Cow::into_owned).unwrap_or_default();
            format!("{}:{}", v.value_type().as_str(), String::from_utf8(bytes).expect("utf-8"))
        }
    }
}

#[test]
fn plain_scalars_resolve_by_example() {
    for (text, want) in [
        ("", "null"),
        ("~", "null"),
        ("NULL", "null"),
        ("nULL", "str:nULL"),
        ("yes", "str:yes"),
        ("True", "bool:True"),
        ("0x1F", "int:31"),
        ("-0x1f", "int:-31"),
        ("0o17", "int:15"),
        ("017", "int:15"),
        ("0b101", "int:5"),
        ("1_000", "int:1000"),
        ("08", "float:8"),
        ("+5", "int:5"),
        ("-0", "int:0"),
        ("0", "int:0"),
        ("0x", "str:0x"),
        ("9223372036854775807", "int:9223372036854775807"),
        ("-9223372036854775808", "int:-9223372036854775808"),
        ("9223372036854775808", "uint64"),
        ("18446744073709551616", "float:18446744073709552000"),
        ("1e400", "str:1e400"),
        ("1e-400", "float:0"),
        ("1.", "float:1"),
        (".5", "float:0.5"),
        ("._5", "str:._5"),
        ("1e21", "float:1000000000000000000000"),
        ("+.inf", "float:+Inf"),
        ("-.Inf", "float:-Inf"),
        (".NaN", "float:NaN"),
        ("2024-01-02", "time:2024-01-02T00:00:00Z"),
        ("2024-1-2", "time:2024-01-02T00:00:00Z"),
        ("2024-02-30", "str:2024-02-30"),
        ("2024-01-02T03:04:05", "str:2024-01-02T03:04:05"),
        ("2024-01-02t03:04:05.120+00:00", "time:2024-01-02T03:04:05.12Z"),
        ("2024-01-02  3:04:05,5", "time:2024-01-02T03:04:05.5Z"),
        ("2024-01-02T03:04:05.1234567891-01:30", "time:2024-01-02T03:04:05.123456789-01:30"),
        ("2024-01-02T03:04:05+24:00", "time:"),
        ("12:30", "str:12:30"),
        ("<<", "str:<<"),
    ] {
        assert_eq!(resolved(text), want, "resolving {text:?}");
    }
}

#[test]
fn floats_format_like_go() {
    for (value, want) in [
        (1.0, "1"),
        (1e21, "1000000000000000000000"),
        (1e-6, "0.000001"),
        (0.1 + 0.2, "0.30000000000000004"),
        (-0.0, "-0"),
        (6.02e23, "602000000000000000000000"),
        (f64::INFINITY, "+Inf"),
        (f64::NEG_INFINITY, "-Inf"),
    ] {
        assert_eq!(format_float(value), want);
    }
    assert_eq!(format_float(f64::NAN), "NaN");
    assert_eq!(parse_go_float("+Inf"), Some(f64::INFINITY));
    assert!(parse_go_float("NaN").is_some_and(f64::is_nan));
    assert_eq!(parse_go_float("1e400"), None);
}

#[test]
fn rfc3339_is_strict_and_lastmodified_canonicalises() {
    let t = GoTime::parse_rfc3339("2024-11-12T13:33:42.5+00:00").expect("valid");
    assert_eq!(t.format(false), "2024-11-12T13:33:42Z");
    assert_eq!(t.to_string(), "2024-11-12T13:33:42.5Z");
    for bad in [
        "2024-11-12T3:33:42Z",
        "2024-11-12 13:33:42Z",
        "2024-11-12T13:33:42,5Z",
        "2024-11-12T13:33:42+24:00",
        "2024-11-31T13:33:42Z",
        "2024-11-12T13:33:42",
    ] {
        assert_eq!(GoTime::parse_rfc3339(bad), None, "{bad}");
    }
}

#[test]
fn quoted_tagged_and_aliased_scalars() {
    let yaml = "a: '1'\nb: !!int \"2\"\nc: !!float 3\nd: &x 0x10\ne: *x\nf: !custom 5\ng: |\n  true\n";
    let docs = parse_yaml(yaml).expect("parses");
    let get = |k: &str| match docs[0].get(k) {
        Some(Node::Scalar(s)) => s.clone(),
        other => panic!("{k}: {other:?}"),
    };
    assert_eq!(get("a"), Scalar::Str("1".to_owned()));
    assert_eq!(get("b"), Scalar::Int(2));
    assert_eq!(get("c"), Scalar::Float(3.0));
    assert_eq!(get("d"), Scalar::Int(16));
    assert_eq!(get("e"), Scalar::Int(16));
    assert_eq!(get("f"), Scalar::Str("5".to_owned()));
    assert_eq!(get("g"), Scalar::Str("true\n".to_owned()));
    assert!(parse_yaml("1: x\n").is_err(), "non-string key");
    assert!(parse_yaml("a: 1\na: 2\n").is_err(), "duplicate key");
    assert!(parse_yaml("- a\n").is_err(), "top-level sequence");
}
