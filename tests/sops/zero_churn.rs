//! Test 4: re-encryption is deterministic. Unchanged input gives identical output; one changed
//! value changes only that value and the MAC; a clear-text change under
//! `mac_only_encrypted` needs no key.

use serde_json::{Value, json};

use super::common::{RECIPIENT_A, RECIPIENT_B, key_a, key_b};
use super::round_trip::{flux_options, secret_document};
use super::sops::{
    Decrypted, EncryptedFile, OsRng, SopsError, decrypt_json, encrypt, reencrypt, reencrypt_without_key,
};

fn first_encryption(mac_only_encrypted: bool) -> (Value, Decrypted) {
    let recipients = [RECIPIENT_A.to_owned()];
    let options = flux_options(mac_only_encrypted);
    let encrypted = encrypt(&[secret_document()], &recipients, &options, &mut OsRng).expect("encrypts").remove(0);
    let decrypted = decrypt_json(&encrypted.to_string(), &key_a()).expect("decrypts");
    (encrypted, decrypted)
}

#[test]
fn unchanged_input_gives_identical_output() {
    let (encrypted, previous) = first_encryption(false);
    let mut later = flux_options(false);
    later.lastmodified = "2030-01-01T00:00:00Z".to_owned();
    let again =
        reencrypt(&previous, &[secret_document()], &[RECIPIENT_A.to_owned()], &later, &mut OsRng).expect("re-encrypts");
    assert_eq!(again, [encrypted]);
}

#[test]
fn one_changed_value_changes_only_that_value_and_the_mac() {
    let (encrypted, previous) = first_encryption(false);
    let mut document = secret_document();
    document["stringData"]["port"] = json!("5433");
    let mut later = flux_options(false);
    later.lastmodified = "2030-01-01T00:00:00Z".to_owned();
    let again = reencrypt(&previous, &[document.clone()], &[RECIPIENT_A.to_owned()], &later, &mut OsRng)
        .expect("re-encrypts")
        .remove(0);

    assert_ne!(again["stringData"]["port"], encrypted["stringData"]["port"]);
    let mut expected = encrypted.clone();
    expected["stringData"]["port"] = again["stringData"]["port"].clone();
    expected["sops"]["mac"] = again["sops"]["mac"].clone();
    expected["sops"]["lastmodified"] = json!("2030-01-01T00:00:00Z");
    assert_ne!(again["sops"]["mac"], encrypted["sops"]["mac"]);
    assert_eq!(again, expected);

    let decrypted = decrypt_json(&again.to_string(), &key_a()).expect("decrypts");
    assert_eq!(decrypted.documents(), [document]);
}

#[test]
fn added_recipient_keeps_the_existing_wrapped_key() {
    let (encrypted, previous) = first_encryption(false);
    let recipients = [RECIPIENT_A.to_owned(), RECIPIENT_B.to_owned()];
    let again = reencrypt(&previous, &[secret_document()], &recipients, &flux_options(false), &mut OsRng)
        .expect("re-encrypts")
        .remove(0);
    assert_eq!(again["sops"]["age"][0], encrypted["sops"]["age"][0]);
    assert_eq!(again["stringData"], encrypted["stringData"]);
    assert_eq!(again["sops"]["mac"], encrypted["sops"]["mac"]);
    let by_b = decrypt_json(&again.to_string(), &key_b()).expect("second recipient decrypts");
    assert_eq!(by_b.documents(), [secret_document()]);
}

#[test]
fn clear_text_change_under_mac_only_encrypted_needs_no_key() {
    let (encrypted, _) = first_encryption(true);
    let previous = EncryptedFile::from_json(&encrypted.to_string()).expect("parses");
    // The caller's new document: new clear-text metadata, previous ciphertexts as stored.
    let mut document = previous.documents()[0].to_json();
    document["metadata"]["labels"]["tier"] = json!("backend");
    let recipients = [RECIPIENT_A.to_owned()];
    let options = flux_options(true);
    let again = reencrypt_without_key(&previous, &[document], &recipients, &options).expect("no key needed").remove(0);
    assert_eq!(again["stringData"], encrypted["stringData"]);
    assert_eq!(again["sops"], encrypted["sops"]);

    let decrypted = decrypt_json(&again.to_string(), &key_a()).expect("MAC still verifies");
    let mut expected = secret_document();
    expected["metadata"]["labels"]["tier"] = json!("backend");
    assert_eq!(decrypted.documents(), [expected]);
}

#[test]
fn without_key_refuses_what_needs_the_key() {
    let (encrypted, _) = first_encryption(true);
    let previous = EncryptedFile::from_json(&encrypted.to_string()).expect("parses");
    let stored = previous.documents()[0].to_json();
    let recipients = [RECIPIENT_A.to_owned()];

    let mut changed_secret = stored.clone();
    changed_secret["stringData"]["port"] = json!("5433");
    let needs = |documents: &[Value], recipients: &[String], mac_only: bool| {
        matches!(
            reencrypt_without_key(&previous, documents, recipients, &flux_options(mac_only)),
            Err(SopsError::NeedsDataKey { .. })
        )
    };
    assert!(needs(&[changed_secret], &recipients, true), "changed secret");
    let mut added_secret = stored.clone();
    added_secret["stringData"]["new"] = json!("x");
    assert!(needs(&[added_secret], &recipients, true), "added secret");
    assert!(needs(std::slice::from_ref(&stored), &[RECIPIENT_B.to_owned()], true), "new recipient");
    assert!(needs(&[stored], &recipients, false), "MAC over everything");

    let (full_mac, _) = first_encryption(false);
    let previous = EncryptedFile::from_json(&full_mac.to_string()).expect("parses");
    let stored = previous.documents()[0].to_json();
    assert!(matches!(
        reencrypt_without_key(&previous, &[stored], &recipients, &flux_options(true)),
        Err(SopsError::NeedsDataKey { .. })
    ));
}
