//! Secrets: the SOPS/age file format ([`sops`]), the encrypted store of
//! secret values beside the stack, and the `stackc secrets` commands. This
//! module and `emit`/`cli` are the only ones that touch the file system.

pub mod sops;
