//! Stage 2, `model`: a [`Document`](crate::syntax::Document) to a typed
//! [`Stack`], rejecting unknown nodes and properties and values of the wrong
//! type. Names stay unresolved; `check` resolves them.

mod apps;
mod availability;
mod containers;
mod environments;
mod files;
mod jobs;
mod kyverno;
mod lower;
mod platform;
mod ports;
mod probes;
mod reader;
mod types;
mod values;
mod velero;
mod workloads;

pub use kyverno::KYVERNO_RULES;
pub use lower::lower;
pub use types::*;
