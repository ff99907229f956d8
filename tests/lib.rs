//! The integration suite: one binary, a file per feature.

mod cli;
mod determinism;
mod diagnostics;
mod ecosystem;
mod hostile;
mod netpol;
mod network;
mod output;
mod secrets;
mod sops;
mod support;
mod trees;
