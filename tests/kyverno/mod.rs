//! Tests of the Kyverno validation evaluator (`verify::kyverno`).

// The builders take `Value`s by value so that tests read as `json!` literals.
#![allow(clippy::needless_pass_by_value)]

mod anchors;
mod autogen;
pub(crate) mod common;
mod conditions;
mod docs;
mod jmespath;
mod matching;
mod parsing;
mod patterns;
mod seed;
