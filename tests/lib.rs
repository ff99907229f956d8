//! The integration suite: one binary, a file per feature.

mod cli;
mod determinism;
mod diagnostics;
mod hostile;
mod netpol;
mod secrets;
mod sops;
mod support;
mod trees;
