//! Self-conformance with Kyverno: every object stackc writes is evaluated
//! against every ClusterPolicy stackc writes ([`kyverno`](super::kyverno)),
//! and a violation (or a rule the evaluator cannot decide) fails the build
//! at the stack line of the object, naming the rule.

use serde_json::Value;

use super::kyverno::{Context, Policy, Subject};
use crate::derive::Derived;
use crate::diagnostic::{Code, Diagnostic, Diagnostics, Span};

/// The outcome of one rule on one object that the rule applies to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expected {
    pub namespace: Option<String>,
    pub kind: &'static str,
    pub name: String,
    pub policy: String,
    /// The rule as Kyverno names it (`autogen-...` on pod controllers).
    pub rule: String,
    pub pass: bool,
}

/// Every applicable (not skipped) rule result, in object and policy order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PolicyReport {
    pub results: Vec<Expected>,
}

/// Evaluate every generated object against every generated Kyverno policy.
///
/// # Errors
/// One diagnostic per object and rule it would violate.
pub fn policies(derived: &Derived) -> Result<PolicyReport, Diagnostics> {
    let mut d = Diagnostics::default();
    let objects: Vec<&crate::derive::Object> = derived.components.iter().flat_map(|c| &c.objects).collect();
    let mut parsed = Vec::new();
    for object in objects.iter().filter(|o| o.kind == "ClusterPolicy") {
        match Policy::parse(&object.body) {
            Ok(policy) => parsed.push((policy, object)),
            Err(e) => d.push(
                Diagnostic::error(
                    Code::Internal,
                    object.origin,
                    format!("stackc wrote a Kyverno policy it cannot evaluate: {e}"),
                )
                .help("this is a bug in stackc; please report it with this stack"),
            ),
        }
    }
    if parsed.is_empty() {
        return if d.has_errors() { Err(d) } else { Ok(PolicyReport::default()) };
    }
    let mut context = Context::new();
    for object in objects.iter().filter(|o| o.kind == "Namespace") {
        let labels = object.body.pointer("/metadata/labels").and_then(Value::as_object);
        let labels: Vec<(String, String)> = labels
            .map(|l| l.iter().filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_owned()))).collect())
            .unwrap_or_default();
        context = context.namespace(&object.name, labels);
    }
    // Namespaces stackc does not create (flux-system, ...) carry only
    // their name label.
    let created: std::collections::BTreeSet<&str> =
        objects.iter().filter(|o| o.kind == "Namespace").map(|o| o.name.as_str()).collect();
    let others: std::collections::BTreeSet<&str> =
        objects.iter().filter_map(|o| o.namespace.as_deref()).filter(|n| !created.contains(n)).collect();
    for namespace in others {
        context = context.namespace(namespace, Vec::<(String, String)>::new());
    }
    let mut report = PolicyReport::default();
    for object in &objects {
        let subject = match Subject::new(&object.body) {
            Ok(subject) => subject,
            Err(e) => {
                d.push(violation(object, Span::default(), &e.to_string()));
                continue;
            }
        };
        for (policy, policy_object) in &parsed {
            let results = policy.evaluate_subject(&subject, &context);
            for result in results.iter().flatten() {
                if result.is_violation() {
                    d.push(violation(object, policy_object.origin, &result.to_string()));
                }
                if result.is_pass() || result.is_fail() {
                    report.results.push(Expected {
                        namespace: object.namespace.clone(),
                        kind: object.kind,
                        name: object.name.clone(),
                        policy: result.policy.clone(),
                        rule: result.rule.clone(),
                        pass: result.is_pass(),
                    });
                }
            }
            if let Err(e) = results {
                d.push(violation(object, policy_object.origin, &e.to_string()));
            }
        }
    }
    if d.has_errors() { Err(d) } else { Ok(report) }
}

fn violation(object: &crate::derive::Object, _policy: Span, what: &str) -> Diagnostic {
    Diagnostic::error(
        Code::PolicyViolation,
        object.origin,
        format!("{} `{}` would break a generated Kyverno rule: {what}", object.kind, object.name),
    )
    .label("declared here")
    .help("change the declaration, or override the rule with `kyverno { rule \"<name>\" enabled=#false }` (docs/policies.md)")
}
