//! A fast hasher for the proof's lookup maps, keyed by label keys and
//! values, namespace names and pod ids: the multiply-rotate hash of rustc
//! (`FxHash`), a word at a time. It is not resistant to chosen collisions,
//! which is fine for keys from the stack being compiled. The maps are only
//! looked up, never iterated into output, so order stays deterministic.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// A `HashMap` with [`FxHasher`].
pub(in crate::verify) type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;

/// The hasher of [`FastMap`].
#[derive(Default, Clone, Copy)]
pub(in crate::verify) struct FxHasher {
    hash: u64,
}

impl FxHasher {
    const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

    fn add(&mut self, word: u64) {
        self.hash = (self.hash.rotate_left(5) ^ word).wrapping_mul(Self::SEED);
    }
}

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut words = bytes.chunks_exact(8);
        for chunk in &mut words {
            let mut word = [0; 8];
            word.copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
        let rest = words.remainder();
        if !rest.is_empty() {
            let mut word = [0; 8];
            word[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(word));
        }
    }

    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }

    fn finish(&self) -> u64 {
        self.hash
    }
}
