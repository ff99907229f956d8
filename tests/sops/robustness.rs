//! Damaged input never panics: random byte edits of real vectors either decrypt or fail with
//! an error, and no error text carries the plaintext.

use super::common::{TestRng, key_a, read};
use super::sops::{RngCore, decrypt_json, decrypt_yaml};

fn mutate(text: &str, rng: &mut TestRng) -> String {
    let mut bytes = text.as_bytes().to_vec();
    let edits = 1 + rng.next_u32() % 4;
    for _ in 0..edits {
        let at = usize::try_from(rng.next_u64()).unwrap_or_default() % bytes.len();
        let alphabet = b" :-\n#&*!|>'\"[]{}0aZ=_.";
        let byte = alphabet[rng.next_u32() as usize % alphabet.len()];
        match rng.next_u32() % 3 {
            0 => bytes[at] = byte,
            1 => bytes.insert(at, byte),
            _ => {
                bytes.remove(at);
            }
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

#[test]
fn mutated_vectors_fail_cleanly() {
    let key = key_a();
    let mut rng = TestRng(42);
    let yaml = read("generated/types.enc.yaml");
    let json = read("generated/types.enc.json");
    let mut failures = 0;
    for _ in 0..300 {
        let results = [decrypt_yaml(&mutate(&yaml, &mut rng), &key), decrypt_json(&mutate(&json, &mut rng), &key)];
        for result in results {
            if let Err(error) = result {
                failures += 1;
                let text = format!("{error} {error:?}");
                assert!(!text.contains("last-alphabetically-but-first"), "{text}");
            }
        }
    }
    assert!(failures > 100, "mutations should mostly be detected: {failures}");
}
