//! Test 1: every file written by the real sops decrypts with its key, verifies its MAC and
//! equals what `sops decrypt` printed.

use base64::Engine as _;
use serde_json::Value;

use super::common::{json_eq, key_a, key_b, read};
use super::sops::{
    self, Decrypted, EncryptedFile, Identities, Node, Scalar, SopsError, decrypt_dotenv, decrypt_json, decrypt_yaml,
    parse_yaml,
};

/// Tree equality, except that an integer equals a float of the same value: go-yaml prints
/// the float `1.0` as `1`, which reads back as an integer.
fn same(a: &Node, b: &Node) -> bool {
    match (a, b) {
        (Node::Scalar(Scalar::Int(i)), Node::Scalar(Scalar::Float(f)))
        | (Node::Scalar(Scalar::Float(f)), Node::Scalar(Scalar::Int(i))) => {
            #[allow(clippy::cast_precision_loss, clippy::float_cmp)]
            let equal = *i as f64 == *f;
            equal
        }
        (Node::Map(x), Node::Map(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|((ka, va), (kb, vb))| ka == kb && same(va, vb))
        }
        (Node::Seq(x), Node::Seq(y)) => x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same(a, b)),
        _ => a == b,
    }
}

fn assert_trees_eq(actual: &[Node], expected: &[Node], what: &str) {
    assert_eq!(actual.len(), expected.len(), "{what}: document count");
    for (i, (a, e)) in actual.iter().zip(expected).enumerate() {
        // Test data only: printing the values on failure is fine here.
        assert!(same(a, e), "{what}: document {i} differs\n actual: {}\n expected: {}", a.to_json(), e.to_json());
    }
}

fn decrypted_yaml(file: &str, key: &str) -> Decrypted {
    let decrypted = decrypt_yaml(&read(file), key).unwrap_or_else(|e| panic!("{file}: decryption failed: {e}"));
    assert!(decrypted.verified_mac().is_some(), "{file}: MAC not verified");
    decrypted
}

fn compare_with_sops_output(encrypted: &str, expected: &str, key: &str) {
    let decrypted = decrypted_yaml(encrypted, key);
    let expected = parse_yaml(&read(expected)).expect("expected plaintext parses");
    assert_trees_eq(decrypted.trees(), &expected, encrypted);
}

#[test]
fn generated_yaml_vectors_equal_sops_decrypt_output() {
    for (encrypted, expected) in [
        ("k8s-secret.enc.yaml", "k8s-secret.sops-decrypted.yaml"),
        ("k8s-secret.maconly.enc.yaml", "k8s-secret.maconly.sops-decrypted.yaml"),
        ("types.enc.yaml", "types.sops-decrypted.yaml"),
        ("torture.enc.yaml", "torture.sops-decrypted.yaml"),
        ("multidoc.2recipients.enc.yaml", "multidoc.2recipients.sops-decrypted.yaml"),
    ] {
        compare_with_sops_output(&format!("generated/{encrypted}"), &format!("generated/{expected}"), &key_a());
    }
}

#[test]
fn second_recipient_opens_the_multidoc_vector() {
    compare_with_sops_output(
        "generated/multidoc.2recipients.enc.yaml",
        "generated/multidoc.2recipients.sops-decrypted.yaml",
        &key_b(),
    );
}

#[test]
fn k8s_secret_vector_equals_its_plaintext_input() {
    let decrypted = decrypted_yaml("generated/k8s-secret.enc.yaml", &key_a());
    let input = parse_yaml(&read("generated/k8s-secret.yaml")).expect("input parses");
    assert_trees_eq(decrypted.trees(), &input, "k8s-secret");
    assert_eq!(decrypted.documents()[0]["stringData"]["port"], Value::String("5432".to_owned()));
}

#[test]
fn generated_json_vector_equals_sops_decrypt_output() {
    let decrypted = decrypt_json(&read("generated/types.enc.json"), &key_a()).expect("decrypts");
    let expected: Value = serde_json::from_str(&read("generated/types.sops-decrypted.json")).expect("json");
    let actual = decrypted.documents();
    assert!(json_eq(&actual[0], &expected), "types.enc.json: {} != {expected}", actual[0]);
}

fn flux_string_data(file: &str, key_file: &str) -> Value {
    let decrypted = decrypted_yaml(&format!("flux/{file}"), &read(&format!("flux/{key_file}")));
    let document = decrypted.documents().remove(0);
    assert_eq!(document["kind"], "Secret", "{file}");
    document["stringData"].clone()
}

#[test]
fn flux_yaml_vectors_decrypt() {
    // The plaintext of age.yaml is known from kat/flux-age.kat.json.
    assert_eq!(flux_string_data("age.yaml", "age.agekey")["key"], "value");
    for (file, key, field) in [
        ("merge1.yaml", "age.agekey", "key"),
        ("merge2.yaml", "age.agekey", "merge2"),
        ("global-secret.yaml", "age-global.agekey", "key"),
    ] {
        let value = flux_string_data(file, key);
        let text = value[field].as_str().unwrap_or_default();
        assert!(!text.is_empty() && !text.starts_with("ENC["), "{file}: {field}");
    }
}

#[test]
fn flux_json_vector_decrypts() {
    let decrypted = decrypt_json(&read("flux/file.json"), &read("flux/age.agekey")).expect("ok");
    assert!(decrypted.verified_mac().is_some());
    let data = decrypted.documents()[0]["data"].clone();
    assert!(data.as_str().is_some_and(|s| !s.is_empty() && !s.starts_with("ENC[")));
}

#[test]
fn flux_sops_file_inside_a_secret_decrypts() {
    let outer = parse_yaml(&read("flux/inside-secret.yaml")).expect("plain secret parses");
    let encoded = outer[0].to_json()["data"]["key"].as_str().expect("data.key").to_owned();
    let inner = base64::engine::general_purpose::STANDARD.decode(encoded).expect("base64");
    let inner = String::from_utf8(inner).expect("utf-8");
    let decrypted = decrypt_json(&inner, &read("flux/age.agekey")).expect("inner decrypts");
    assert!(decrypted.verified_mac().is_some());
    assert!(decrypted.documents()[0]["data"].is_string());
}

#[test]
fn flux_dotenv_vector_decrypts() {
    let decrypted = decrypt_dotenv(&read("flux/env.env"), &read("flux/age.agekey")).expect("dotenv decrypts");
    assert!(decrypted.verified_mac().is_some());
    let document = &decrypted.documents()[0];
    assert_eq!(document.as_object().map(serde_json::Map::len), Some(1));
    assert!(document["key"].as_str().is_some_and(|s| !s.is_empty()));
}

#[test]
fn flux_post_quantum_vector_is_decrypted_or_skipped_with_reason() {
    match Identities::parse(&read("flux/age-pq.agekey")) {
        Err(SopsError::UnsupportedIdentity { kind, .. }) => {
            eprintln!("SKIP age-pq.yaml: unsupported identity: {kind}");
            // Still parse the file: its metadata must read fine.
            let file = EncryptedFile::from_yaml(&read("flux/age-pq.yaml")).expect("parses");
            assert!(file.metadata().age[0].recipient.starts_with("age1pq1"));
        }
        Err(other) => panic!("unexpected identity error: {other}"),
        Ok(identities) => {
            let file = EncryptedFile::from_yaml(&read("flux/age-pq.yaml")).expect("parses");
            let decrypted = file.decrypt(&identities, sops::DecryptOptions::default()).expect("pq decrypts");
            assert!(decrypted.verified_mac().is_some());
        }
    }
}
