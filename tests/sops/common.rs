//! Shared helpers: locating `../shared`, keys, a deterministic RNG, a JSON comparator and a
//! tiny block-style YAML emitter that quotes every string.

use std::fmt::Write as _;
use std::path::PathBuf;

use serde_json::Value;

use super::sops::{CryptoRng, RngCore, Rule};

/// `../shared/testdata/sops`; panics with a clear message when the shared data is missing,
/// so the suite fails instead of passing vacuously.
pub fn testdata() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/testdata/sops");
    assert!(
        dir.join("README.md").is_file(),
        "missing test data: expected the shared folder at {} (a checkout of shared/ beside \
         this crate); the sops tests cannot run without it",
        dir.display()
    );
    dir
}

/// Reads a file below `testdata/sops`.
pub fn read(relative: &str) -> String {
    let path = testdata().join(relative);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// Public recipient of `generated/key-a.agekey`.
pub const RECIPIENT_A: &str = "age1wv9rgg9t9wzylc874z53c936ztyfe4zqf9hgmcu6mpglmzphnvtq7vr52a";
/// Public recipient of `generated/key-b.agekey`.
pub const RECIPIENT_B: &str = "age1lf0falap97t3ep3tu6hy0p48feewtvzqlrhtkexr84e2hkuk4c3qjzq3t9";

pub fn key_a() -> String {
    read("generated/key-a.agekey")
}

pub fn key_b() -> String {
    read("generated/key-b.agekey")
}

pub fn flux_rule() -> Rule {
    Rule::EncryptedRegex("^(data|stringData)$".to_owned())
}

/// Lowercase hex to bytes.
pub fn unhex(hex: &str) -> Vec<u8> {
    assert!(hex.len().rem_euclid(2) == 0, "odd hex length");
    (0..hex.len()).step_by(2).map(|i| u8::from_str_radix(&hex[i..i + 2], 16).expect("hex digit")).collect()
}

/// Deterministic `SplitMix64` stream. Test-only: it is not a cryptographic RNG.
pub struct TestRng(pub u64);

impl RngCore for TestRng {
    fn next_u32(&mut self) -> u32 {
        (self.next_u64() >> 32) as u32
    }

    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn fill_bytes(&mut self, dest: &mut [u8]) {
        for chunk in dest.chunks_mut(8) {
            let bytes = self.next_u64().to_le_bytes();
            chunk.copy_from_slice(&bytes[..chunk.len()]);
        }
    }

    fn try_fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), rand_core::Error> {
        self.fill_bytes(dest);
        Ok(())
    }
}

impl CryptoRng for TestRng {}

/// JSON equality where numbers compare by value (`1` equals `1.0`).
pub fn json_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(a, b)| json_eq(a, b)),
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|((ka, va), (kb, vb))| ka == kb && json_eq(va, vb))
        }
        _ => a == b,
    }
}

/// Block-style YAML: every key and string double-quoted (JSON escapes are valid YAML), so
/// go-yaml resolves strings as strings whatever they contain.
pub fn to_yaml(documents: &[Value]) -> String {
    let mut out = String::new();
    for (i, document) in documents.iter().enumerate() {
        if i > 0 {
            out.push_str("---\n");
        }
        emit(document, 0, &mut out);
    }
    out
}

fn scalar(value: &Value) -> Option<String> {
    match value {
        Value::Array(a) if a.is_empty() => Some("[]".to_owned()),
        Value::Object(o) if o.is_empty() => Some("{}".to_owned()),
        Value::Array(_) | Value::Object(_) => None,
        // JSON numbers, booleans, null and quoted strings are all valid YAML scalars.
        other => Some(other.to_string()),
    }
}

fn emit(value: &Value, indent: usize, out: &mut String) {
    let pad = " ".repeat(indent);
    match value {
        Value::Object(map) if !map.is_empty() => {
            for (key, item) in map {
                let key = Value::String(key.clone());
                if let Some(text) = scalar(item) {
                    writeln!(out, "{pad}{key}: {text}").unwrap();
                } else {
                    writeln!(out, "{pad}{key}:").unwrap();
                    emit(item, indent + 2, out);
                }
            }
        }
        Value::Array(items) if !items.is_empty() => {
            for item in items {
                if let Some(text) = scalar(item) {
                    writeln!(out, "{pad}- {text}").unwrap();
                } else {
                    writeln!(out, "{pad}-").unwrap();
                    emit(item, indent + 2, out);
                }
            }
        }
        other => writeln!(out, "{pad}{}", scalar(other).unwrap_or_default()).unwrap(),
    }
}
