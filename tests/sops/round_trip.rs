//! Test 3: what we encrypt, we decrypt to the same documents; each kind of tampering is
//! caught with its own error; secrets never show in `Debug` or error text.

use serde_json::{Value, json};

use super::common::{RECIPIENT_A, TestRng, flux_rule, key_a, key_b, to_yaml};
use super::sops::{
    DecryptOptions, EncryptOptions, EncryptedFile, Identities, OsRng, Rule, SopsError, decrypt_json, decrypt_yaml,
    encrypt, parse_yaml,
};

const SECRET: &str = "hunter2-super-secret";

pub fn secret_document() -> Value {
    json!({
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {"name": "db", "namespace": "shop", "labels": {"app": "shop"}},
        "type": "Opaque",
        "data": {"password": "aHVudGVyMg=="},
        "stringData": {
            "username": "admin",
            "password": SECRET,
            "port": "5432",
            "config.yaml": "retries: 3\ntimeout: 1.5\n",
            "empty": "",
            "list": ["a", "b"],
        },
    })
}

pub fn flux_options(mac_only_encrypted: bool) -> EncryptOptions {
    EncryptOptions { rule: flux_rule(), mac_only_encrypted, lastmodified: "2024-11-12T13:33:42Z".to_owned() }
}

fn encrypted_secret() -> Value {
    let documents = [secret_document()];
    let recipients = [RECIPIENT_A.to_owned()];
    encrypt(&documents, &recipients, &flux_options(false), &mut OsRng).expect("encrypts").remove(0)
}

#[test]
fn encrypted_secret_has_the_sops_shape() {
    let encrypted = encrypted_secret();
    let keys: Vec<_> = encrypted.as_object().expect("map").keys().cloned().collect();
    assert_eq!(keys.last().map(String::as_str), Some("sops"));
    assert_eq!(encrypted["metadata"], secret_document()["metadata"]);
    assert_eq!(encrypted["stringData"]["empty"], "");
    for field in ["username", "password", "port", "config.yaml"] {
        let value = encrypted["stringData"][field].as_str().expect("string");
        assert!(value.starts_with("ENC[AES256_GCM,data:") && value.ends_with(",type:str]"));
    }
    let block = &encrypted["sops"];
    let block_keys: Vec<_> = block.as_object().expect("map").keys().cloned().collect();
    assert_eq!(block_keys, ["age", "encrypted_regex", "lastmodified", "mac", "version"]);
    let enc = block["age"][0]["enc"].as_str().expect("enc");
    assert!(enc.starts_with("-----BEGIN AGE ENCRYPTED FILE-----\n"));
    assert!(enc.ends_with("\n-----END AGE ENCRYPTED FILE-----\n"));
    assert!(enc.lines().all(|l| l.len() <= 64));
}

#[test]
fn round_trip_through_json_and_yaml() {
    let encrypted = encrypted_secret();
    let from_json = decrypt_json(&encrypted.to_string(), &key_a()).expect("json decrypts");
    assert_eq!(from_json.documents(), [secret_document()]);
    let from_yaml = decrypt_yaml(&to_yaml(&[encrypted]), &key_a()).expect("yaml decrypts");
    assert_eq!(from_yaml.documents(), [secret_document()]);
}

#[test]
fn typed_multi_document_round_trip_with_seeded_rng() {
    let documents = [
        json!({"i": -7, "f": 1.5, "big": 1e21, "b": false, "n": null, "s": "08",
               "nested": {"list": [1, {"k": true}], "x_unencrypted": 3}}),
        json!({"second": "doc", "t": "2024-01-02"}),
    ];
    let options = EncryptOptions {
        rule: Rule::default(),
        mac_only_encrypted: false,
        lastmodified: "2026-01-01T00:00:00Z".to_owned(),
    };
    let recipients = [RECIPIENT_A.to_owned()];
    let encrypted = encrypt(&documents, &recipients, &options, &mut TestRng(7)).expect("encrypts");
    assert_eq!(encrypted.len(), 2);
    assert_eq!(encrypted[0]["sops"], encrypted[1]["sops"]);
    assert_eq!(encrypted[0]["nested"]["x_unencrypted"], 3);
    assert!(encrypted[0]["i"].as_str().is_some_and(|s| s.ends_with("type:int]")));
    assert!(encrypted[0]["big"].as_str().is_some_and(|s| s.ends_with("type:float]")));
    let decrypted = decrypt_yaml(&to_yaml(&encrypted), &key_a()).expect("decrypts");
    assert_eq!(decrypted.documents(), documents);
}

fn decrypt_error(tampered: &Value, identities: &str) -> SopsError {
    decrypt_json(&tampered.to_string(), identities).expect_err("tampering must be detected")
}

#[test]
fn tampering_is_detected_with_distinct_errors() {
    let encrypted = encrypted_secret();

    let mut flipped = encrypted.clone();
    let value = flipped["stringData"]["password"].as_str().expect("enc").to_owned();
    // Flip one bit of the first ciphertext byte, keeping valid base64.
    let data = value.strip_prefix("ENC[AES256_GCM,data:").expect("prefix");
    let (b64, rest) = data.split_once(',').expect("fields");
    let mut bytes = base64::Engine::decode(&base64::engine::general_purpose::STANDARD, b64).expect("b64");
    bytes[0] ^= 1;
    let b64 = base64::Engine::encode(&base64::engine::general_purpose::STANDARD, bytes);
    flipped["stringData"]["password"] = Value::String(format!("ENC[AES256_GCM,data:{b64},{rest}"));
    assert!(matches!(
        decrypt_error(&flipped, &key_a()),
        SopsError::ValueAuthentication { path } if path == "stringData:password:"
    ));

    let mut swapped = encrypted.clone();
    let user = swapped["stringData"]["username"].clone();
    swapped["stringData"]["username"] = swapped["stringData"]["password"].clone();
    swapped["stringData"]["password"] = user;
    assert!(matches!(
        decrypt_error(&swapped, &key_a()),
        SopsError::ValueMoved { path, origin }
            if path == "stringData:username:" && origin == "stringData:password:"
    ));

    assert!(matches!(decrypt_error(&encrypted, &key_b()), SopsError::NoMatchingIdentity { wrapped: 1 }));

    let mut no_mac = encrypted.clone();
    no_mac["sops"].as_object_mut().expect("map").remove("mac");
    assert!(matches!(decrypt_error(&no_mac, &key_a()), SopsError::MissingMac));

    let mut relabelled = encrypted.clone();
    relabelled["metadata"]["name"] = json!("other");
    assert!(matches!(decrypt_error(&relabelled, &key_a()), SopsError::MacMismatch));

    let mut redated = encrypted;
    redated["sops"]["lastmodified"] = json!("2024-11-12T13:33:43Z");
    assert!(matches!(decrypt_error(&redated, &key_a()), SopsError::MacAuthentication));
}

#[test]
fn ignore_mac_accepts_a_missing_mac() {
    let mut no_mac = encrypted_secret();
    no_mac["sops"].as_object_mut().expect("map").remove("mac");
    let file = EncryptedFile::from_json(&no_mac.to_string()).expect("parses");
    let options = DecryptOptions { ignore_mac: true };
    let identities = Identities::parse(&key_a()).expect("identity");
    let decrypted = file.decrypt(&identities, options).expect("decrypts");
    assert_eq!(decrypted.verified_mac(), None);
    assert_eq!(decrypted.documents(), [secret_document()]);
}

#[test]
fn no_secret_in_debug_or_errors() {
    let encrypted = encrypted_secret();
    let decrypted = decrypt_json(&encrypted.to_string(), &key_a()).expect("decrypts");
    let identities = Identities::parse(&key_a()).expect("identity");
    let key_line = key_a().lines().find(|l| l.starts_with("AGE-")).expect("key").to_owned();
    let texts = [
        format!("{decrypted:?}"),
        format!("{:?}", decrypted.trees()),
        format!("{:?}", decrypted.data_key()),
        format!("{identities:?}"),
        format!("{:?}", Identities::parse("AGE-SECRET-KEY-1NOTAKEY").expect_err("invalid")),
        format!("{}", parse_yaml("a: `x").expect_err("syntax")),
    ];
    for text in texts {
        assert!(!text.contains(SECRET), "secret leaked: {text}");
        assert!(!text.contains(&key_line), "identity leaked: {text}");
        assert!(!text.contains("NOTAKEY"), "identity line leaked: {text}");
    }
}
