//! Kyverno validation semantics: which rules of a `ClusterPolicy` (or
//! `Policy`) an object passes, so that stackc can prove at build time that
//! every object it generates passes every Kyverno rule it generates.
//!
//! The supported subset, as the Kyverno documentation defines it
//! (<https://kyverno.io/docs/writing-policies/>):
//! - `kyverno.io/v1` (and `v2beta1`, `v2`) validate rules: `match` /
//!   `exclude`, `preconditions`, `validate.pattern`, `anyPattern` and
//!   `deny`, `failureAction` / `validationFailureAction` and their
//!   overrides;
//! - the rules Kyverno generates for Pod controllers (autogen);
//! - variables `{{ ... }}` in a small `JMESPath` subset.
//!
//! Anything outside the subset is a [`KyvernoError::Unsupported`] when the
//! policy is parsed: a rule is never silently passed. The verdicts are
//! Kyverno's: pass, fail (with its message and the path of the first
//! mismatch), skip, and error (a variable without a value).
//!
//! Layout, a file per topic: `parse` (typed policy from JSON), `policy`
//! (the policy and the evaluation of a rule), `matching` and `selector`
//! (match/exclude), `autogen` (rules for Pod controllers), `pattern`,
//! `anchor` and `scalar` (validation patterns), `conditions`, `operators`
//! and `membership` (deny conditions and preconditions), `variables`,
//! `jmespath` and `jmespath_parse` (variables), `units` (quantities,
//! durations, versions), `wildcard`, `result`, `error`, `json`.

mod anchor;
mod autogen;
mod conditions;
mod error;
mod jmespath;
mod jmespath_parse;
mod json;
mod matching;
mod membership;
mod operators;
mod parse;
mod pattern;
mod policy;
mod result;
mod scalar;
mod selector;
mod units;
mod variables;
mod wildcard;

use serde_json::Value;

pub use error::KyvernoError;
pub use matching::Context;
pub use policy::{Autogen, FailureAction, Policy, Rule, Subject};
pub use result::{Outcome, RuleResult, SkipReason};

/// Parses `policy` and evaluates all its rules (generated ones included) on
/// `resource`.
///
/// # Errors
/// A policy that cannot be parsed or uses an unsupported feature, or a
/// resource without `apiVersion` and `kind`.
pub fn evaluate(policy: &Value, resource: &Value) -> Result<Vec<RuleResult>, KyvernoError> {
    Policy::parse(policy)?.evaluate(resource)
}
