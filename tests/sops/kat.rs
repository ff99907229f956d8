//! Test 2: the known-answer vectors. Every stored `ENC[...]` is reproduced byte for byte from
//! (data key, its IV, AAD = path, plaintext), the MAC from the leaves, and `mac_enc` from
//! the MAC; each vector file also decrypts with its data key to the same leaves.

use serde_json::Value;

use super::common::{read, testdata, unhex};
use super::sops::{
    DataKey, DecryptOptions, EncValue, EncryptedFile, IV_LEN, MacHasher, ValueType, encrypt_value, tree,
};

struct Kat {
    name: String,
    json: Value,
}

impl Kat {
    fn key(&self) -> DataKey {
        let bytes = unhex(self.str("data_key_hex"));
        DataKey::try_from(bytes.as_slice()).expect("32-byte key")
    }

    fn str(&self, field: &str) -> &str {
        self.json[field].as_str().unwrap_or_else(|| panic!("{}: {field}", self.name))
    }

    fn leaves(&self) -> &[Value] {
        self.json["leaves"].as_array().expect("leaves")
    }
}

fn kats() -> Vec<Kat> {
    let mut names: Vec<_> = std::fs::read_dir(testdata().join("kat"))
        .expect("kat dir")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.ends_with(".kat.json"))
        .collect();
    names.sort();
    assert!(names.len() >= 7, "expected the 7 known-answer vectors, found {names:?}");
    names
        .into_iter()
        .map(|name| {
            let json = serde_json::from_str(&read(&format!("kat/{name}"))).expect("kat json");
            Kat { name, json }
        })
        .collect()
}

fn iv_of(name: &str, stored: &str) -> [u8; IV_LEN] {
    let value = EncValue::parse(stored).unwrap_or_else(|e| panic!("{name}: {e}"));
    value.iv.as_slice().try_into().expect("32-byte IV")
}

#[test]
fn every_stored_value_is_reproduced_byte_for_byte() {
    let mut checked = 0;
    for kat in kats() {
        let key = kat.key();
        for leaf in kat.leaves() {
            let stored = leaf["stored"].as_str().unwrap_or_default();
            if leaf["encrypted"] != true || stored.is_empty() {
                continue;
            }
            let value_type = ValueType::parse(leaf["type"].as_str().expect("type")).expect("type");
            let path = leaf["path"].as_str().expect("path");
            let plaintext = leaf["mac_bytes"].as_str().expect("mac_bytes");
            let iv = iv_of(&kat.name, stored);
            let produced = encrypt_value(&key, plaintext.as_bytes(), value_type, path, &iv).expect("encrypt");
            assert_eq!(produced, stored, "{}: {path}", kat.name);
            checked += 1;
        }
    }
    assert!(checked > 100, "only {checked} values checked");
}

#[test]
fn every_mac_and_mac_enc_is_reproduced() {
    for kat in kats() {
        let mut mac = MacHasher::new(kat.json["mac_only_encrypted"] == true);
        for leaf in kat.leaves() {
            let bytes = leaf["mac_bytes"].as_str().expect("mac_bytes");
            mac.add(bytes.as_bytes(), leaf["encrypted"] == true);
        }
        let hex = mac.finish_hex();
        assert_eq!(hex, kat.str("mac_hex"), "{}: MAC", kat.name);
        let mac_enc = kat.str("mac_enc");
        let produced =
            encrypt_value(&kat.key(), hex.as_bytes(), ValueType::Str, kat.str("mac_aad"), &iv_of(&kat.name, mac_enc))
                .expect("encrypt");
        assert_eq!(produced, mac_enc, "{}: mac_enc", kat.name);
    }
}

/// The vector's file, found by name under flux/, generated/ or sops-repo/.
fn vector_file(kat: &Kat) -> String {
    let file = kat.str("file");
    ["generated", "flux", "sops-repo"]
        .iter()
        .map(|dir| format!("{dir}/{file}"))
        .find(|rel| testdata().join(rel).is_file())
        .map_or_else(|| panic!("{}: vector file {file} not found", kat.name), |rel| read(&rel))
}

#[test]
fn every_vector_file_decrypts_with_its_data_key_to_the_known_leaves() {
    for kat in kats() {
        let file = EncryptedFile::from_yaml(&vector_file(&kat)).expect("parses");
        let decrypted =
            file.decrypt_with_key(kat.key(), DecryptOptions::default()).unwrap_or_else(|e| panic!("{}: {e}", kat.name));
        let mut leaves = Vec::new();
        tree::walk(decrypted.trees(), &mut |path, leaf| {
            let bytes = leaf.to_bytes().expect("bytes").into_owned();
            leaves.push((tree::aad(path), leaf.value_type(), bytes));
            Ok(())
        })
        .expect("walk");
        let expected: Vec<_> = kat
            .leaves()
            .iter()
            .map(|l| {
                let t = ValueType::parse(l["type"].as_str().expect("type")).expect("type");
                let bytes = l["mac_bytes"].as_str().expect("bytes").as_bytes().to_vec();
                (l["path"].as_str().expect("path").to_owned(), t, bytes)
            })
            .collect();
        assert_eq!(leaves, expected, "{}", kat.name);
    }
}
