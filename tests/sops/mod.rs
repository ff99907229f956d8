//! Tests of the `sops` module against the real sops vectors in `../shared/testdata/sops`:
//! a module of the `lib` test binary (wire it with `mod sops;` in `tests/lib.rs`).
//!
//! Only this file names the crate path: the topic files reach the library as `super::sops`
//! and each other as `super::<topic>`.

use stackc::secrets::sops;

pub(crate) mod common;
mod decrypt_vectors;
mod kat;
mod real_sops;
mod robustness;
mod round_trip;
mod typing;
mod zero_churn;
