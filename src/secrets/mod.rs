//! Secrets: the SOPS/age file format ([`sops`]), the encrypted store of
//! secret values beside the stack ([`store`], read by [`load_store`]), and
//! the logic of the `stackc secrets` commands. This module and `emit`/`cli`
//! are the only ones that touch the file system.
//!
//! The store holds one sops file per Secret the stack keeps values of, at
//! `secrets/<namespace>/<name>.sops.yaml`: a Kubernetes Secret whose
//! `stringData` values are encrypted to the cluster's age recipients, with
//! `mac_only_encrypted` so stackc can relabel it without a key. `build` never
//! decrypts; `set`, `generate`, `rotate` and `show` do, with an identity
//! found as sops finds one ([`identity`]).
//!
//! No value of this module prints a secret in `Debug` output or in an error.

pub mod clock;
pub mod edit;
pub mod error;
pub mod files;
pub mod identity;
pub mod linkerd;
pub mod pki;
pub mod plain;
pub mod project;
pub mod project_files;
pub mod rotate;
pub mod sops;
pub mod store;

pub use edit::{Generated, generate, generate_value, set};
pub use error::SecretsError;
pub use files::load_store;
pub use identity::{IdentitySources, keygen};
pub use linkerd::{IdentityIssued, linkerd_identity};
pub use plain::PlainSecret;
pub use project::Project;
pub use rotate::{Rotated, rotate, show};
pub use store::{SecretId, SecretStore, StoredSecret, store_options, store_path};
