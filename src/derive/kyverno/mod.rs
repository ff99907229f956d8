//! Kyverno ClusterPolicies derived from the stack: the seed's four rules and
//! the rules only a compiler that knows the whole stack can write. One
//! ClusterPolicy per rule (named after it), so each can be switched off or
//! given its own mode with `kyverno { rule "name" ... }`. System and platform
//! namespaces are excluded, so the policies never lock the platform out.
//! `docs/policies.md` documents every rule.

mod facts;
mod images;
mod ingress;
mod rules;

use serde_json::{Value, json};

use super::object::Object;
use crate::check::ResolvedStack;
use crate::model::{Kyverno, PolicyMode};
pub use facts::Facts;

/// One rule of a generated policy: what it matches, and how it validates.
pub(super) struct Rule {
    pub name: String,
    /// `match.any[].resources`.
    pub resources: Value,
    /// Namespaces excluded on top of the platform ones.
    pub validate: Value,
}

/// A generated policy before it becomes an object.
pub(super) struct Policy {
    pub name: &'static str,
    pub rules: Vec<Rule>,
}

pub(super) fn policies(stack: &ResolvedStack, kyverno: &Kyverno, labels: &Value) -> Vec<Object> {
    let facts = Facts::of(stack);
    rules::policies(&facts)
        .into_iter()
        .filter(|p| !p.rules.is_empty())
        .filter_map(|policy| {
            let overrides = kyverno.rules.iter().find(|r| r.name.value == policy.name);
            if overrides.is_some_and(|o| !o.enabled) {
                return None;
            }
            let mode = overrides.and_then(|o| o.mode.as_ref()).map_or(kyverno.mode.value, |m| m.value);
            let action = if mode == PolicyMode::Enforce { "Enforce" } else { "Audit" };
            let origin = overrides.map_or(kyverno.span, |o| o.name.span);
            let rules: Vec<Value> = policy
                .rules
                .into_iter()
                .map(|rule| {
                    let mut validate = rule.validate;
                    validate["failureAction"] = json!(action);
                    json!({
                        "name": rule.name,
                        "match": {"any": [{"resources": rule.resources}]},
                        "exclude": {"any": [{"resources": {"namespaces": facts.excluded}}]},
                        "validate": validate,
                    })
                })
                .collect();
            let spec = json!({"spec": {"background": true, "rules": rules}});
            let annotations = json!({"policies.kyverno.io/title": policy.name, "stackc.dev/rule-docs": format!("docs/policies.md#{}", policy.name)});
            Some(Object::new("kyverno.io/v1", "ClusterPolicy", policy.name, None, labels, spec, origin).annotated(annotations))
        })
        .collect()
}
