//! The integration suite: one binary, a file per feature.

mod charts;
mod cli;
mod determinism;
mod diagnostics;
mod ecosystem;
mod emitter;
mod engines;
mod environments;
mod hostile;
mod identity;
mod images;
mod kyverno;
mod linkerd;
mod netpol;
mod network;
mod output;
mod pipes;
mod policies;
mod proof;
mod sealed;
mod secrets;
mod sops;
mod support;
mod syntax;
mod trees;
mod velero;
