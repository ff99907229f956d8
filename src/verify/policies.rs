//! Self-conformance with Kyverno: every object stackc writes is evaluated
//! against every ClusterPolicy stackc writes ([`kyverno`](super::kyverno)),
//! and a violation (or a rule the evaluator cannot decide) fails the build
//! at the stack line of the object, naming the rule.

use std::collections::BTreeSet;

use serde_json::Value;

use super::kyverno::{Context, Policy, Subject};
use crate::derive::{Derived, Object};
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
    let objects: Vec<&Object> = derived.components.iter().flat_map(|c| &c.objects).collect();
    let checker = Checker::new(&objects)?;
    let mut d = Diagnostics::default();
    let mut report = PolicyReport::default();
    for object in &objects {
        checker.check(object, &mut report.results, &mut d);
    }
    if d.has_errors() { Err(d) } else { Ok(report) }
}

/// The generated Kyverno policies and the namespaces they see, ready to
/// check objects one at a time (and on several threads).
#[derive(Debug)]
pub struct Checker {
    policies: Vec<(Policy, Span)>,
    context: Context,
}

impl Checker {
    /// The ClusterPolicies among `objects`, and as context the labels of
    /// their Namespaces; a namespace stackc does not create carries only its
    /// name label.
    ///
    /// # Errors
    /// A policy the evaluator cannot read (a compiler bug).
    pub fn new(objects: &[&Object]) -> Result<Self, Diagnostics> {
        let mut d = Diagnostics::default();
        let mut policies = Vec::new();
        for object in objects.iter().filter(|o| o.kind == "ClusterPolicy") {
            match object
                .tree()
                .ok_or_else(|| "only its file is left".to_owned())
                .and_then(|t| Policy::parse(t).map_err(|e| e.to_string()))
            {
                Ok(policy) => policies.push((policy, object.origin)),
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
        if d.has_errors() {
            return Err(d);
        }
        let mut context = Context::new();
        if policies.is_empty() {
            return Ok(Self { policies, context });
        }
        for object in objects.iter().filter(|o| o.kind == "Namespace") {
            let labels = object.tree().and_then(|t| t.pointer("/metadata/labels")).and_then(Value::as_object);
            let labels: Vec<(String, String)> = labels
                .map(|l| l.iter().filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_owned()))).collect())
                .unwrap_or_default();
            context = context.namespace(&object.name, labels);
        }
        let others: BTreeSet<&str> =
            objects.iter().filter_map(|o| o.namespace.as_deref()).filter(|n| !context.knows(n)).collect();
        for namespace in others {
            context = context.namespace(namespace, Vec::<(String, String)>::new());
        }
        Ok(Self { policies, context })
    }

    /// Whether there is no policy to check against.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.policies.is_empty()
    }

    /// Whether this checker decides objects of `namespace` as a checker of
    /// the whole cluster would: there is no policy, or it knows the
    /// namespace's labels.
    #[must_use]
    pub fn sees(&self, namespace: &str) -> bool {
        self.policies.is_empty() || self.context.knows(namespace)
    }

    /// Check one object: append every rule result that applies to it to
    /// `results`, and a diagnostic per violation to `d`.
    pub fn check(&self, object: &Object, results: &mut Vec<Expected>, d: &mut Diagnostics) {
        if self.policies.is_empty() {
            return;
        }
        let Some(tree) = object.tree() else {
            d.push(violation(object, Span::default(), "stackc checked it after only its file was left (a bug)"));
            return;
        };
        let subject = match Subject::new(tree) {
            Ok(subject) => subject,
            Err(e) => {
                d.push(violation(object, Span::default(), &e.to_string()));
                return;
            }
        };
        // A namespace stackc does not create, seen first here.
        let extended;
        let context = match object.namespace.as_deref() {
            Some(namespace) if !self.context.knows(namespace) => {
                extended = self.context.clone().namespace(namespace, Vec::<(String, String)>::new());
                &extended
            }
            _ => &self.context,
        };
        for (policy, origin) in &self.policies {
            let evaluated = policy.evaluate_subject(&subject, context);
            for result in evaluated.iter().flatten() {
                if result.is_violation() {
                    d.push(violation(object, *origin, &result.to_string()));
                }
                if result.is_pass() || result.is_fail() {
                    results.push(Expected {
                        namespace: object.namespace.clone(),
                        kind: object.kind,
                        name: object.name.clone(),
                        policy: result.policy.clone(),
                        rule: result.rule.clone(),
                        pass: result.is_pass(),
                    });
                }
            }
            if let Err(e) = evaluated {
                d.push(violation(object, *origin, &e.to_string()));
            }
        }
    }
}

fn violation(object: &Object, _policy: Span, what: &str) -> Diagnostic {
    Diagnostic::error(
        Code::PolicyViolation,
        object.origin,
        format!("{} `{}` would break a generated Kyverno rule: {what}", object.kind, object.name),
    )
    .label("declared here")
    .help("change the declaration, or override the rule with `kyverno { rule \"<name>\" enabled=#false }` (docs/policies.md)")
}
