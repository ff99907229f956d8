//! The typed policy (parsed in [`super::parse`]) and the evaluation of its
//! rules on one resource, in Kyverno's order: a namespaced `Policy` applies
//! only in its namespace; then `match`, `exclude`, `preconditions`, and the
//! `validate` check (`pattern`, `anyPattern` or `deny`).

use std::cell::OnceCell;

use serde_json::{Value, json};

use super::conditions::Conditions;
use super::error::KyvernoError;
use super::matching::{Context, Match, Resource};
use super::pattern;
use super::result::{self, Outcome, RuleResult, SkipReason};
use super::variables::{self, Template, Unresolved};
use super::wildcard;

/// What Kyverno does with a resource that fails a rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum FailureAction {
    /// Report it, admit the resource (Kyverno's default).
    #[default]
    Audit,
    /// Block the resource.
    Enforce,
}

/// Which Pod controllers a generated rule is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Autogen {
    /// `DaemonSet`, `Deployment`, `Job`, `StatefulSet`, `ReplicaSet`,
    /// `ReplicationController`: the Pod template at `spec.template`.
    PodControllers,
    /// `CronJob`: the Pod template at `spec.jobTemplate.spec.template`.
    CronJob,
}

/// A `ClusterPolicy` or `Policy` (`kyverno.io/v1`, `v2beta1`, `v2`).
#[derive(Debug, Clone, PartialEq)]
pub struct Policy {
    pub name: String,
    /// The namespace of a namespaced `Policy`; `None` for a `ClusterPolicy`.
    pub namespace: Option<String>,
    /// The rules as written, then those Kyverno generates for Pod
    /// controllers.
    pub rules: Vec<Rule>,
}

/// The check of a `validate` rule.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Check {
    Pattern(Template),
    AnyPattern(Vec<Template>),
    Deny(Conditions),
}

/// One validate rule.
#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    /// The name Kyverno reports (`autogen-<name>` for a generated rule).
    pub name: String,
    /// The name of the rule as written in the policy.
    pub source: String,
    pub autogen: Option<Autogen>,
    pub(crate) action: FailureAction,
    /// `(action, namespaces)` overrides, first match wins.
    pub(crate) overrides: Vec<(FailureAction, Vec<String>)>,
    pub(crate) matches: Match,
    pub(crate) exclude: Option<Match>,
    pub(crate) preconditions: Option<Conditions>,
    pub(crate) message: String,
    pub(crate) check: Check,
}

/// One resource as every policy sees it: read once, and its variables
/// context (`{"request": {"object": ...}}`, a deep copy) built only when a
/// rule that selects it needs variables.
pub struct Subject<'a> {
    resource: Resource<'a>,
    data: OnceCell<Value>,
}

impl<'a> Subject<'a> {
    /// # Errors
    /// The resource has no `apiVersion`/`kind` or malformed metadata.
    pub fn new(resource: &'a Value) -> Result<Self, KyvernoError> {
        Ok(Self { resource: Resource::new(resource)?, data: OnceCell::new() })
    }

    fn data(&self) -> &Value {
        self.data.get_or_init(
            || json!({ "request": { "object": self.resource.value, "namespace": self.resource.namespace } }),
        )
    }
}

fn error(rule: &str, u: &Unresolved) -> Outcome {
    Outcome::Error { message: format!("variable substitution failed for rule {rule}: {u}") }
}

impl Rule {
    /// The failure action for a resource in `namespace`.
    #[must_use]
    pub fn action(&self, namespace: &str) -> FailureAction {
        self.overrides
            .iter()
            .find(|(_, namespaces)| namespaces.iter().any(|n| wildcard::matches(n, namespace)))
            .map_or(self.action, |(a, _)| *a)
    }

    fn outcome(&self, policy: &Policy, subject: &Subject, ctx: &Context) -> Result<Outcome, KyvernoError> {
        let r = &subject.resource;
        if policy.namespace.as_deref().is_some_and(|ns| ns != r.namespace) || !self.matches.selects(r, ctx)? {
            return Ok(Outcome::Skip(SkipReason::NotMatched));
        }
        if let Some(exclude) = &self.exclude
            && exclude.selects(r, ctx)?
        {
            return Ok(Outcome::Skip(SkipReason::Excluded));
        }
        let data = subject.data();
        if let Some(pre) = &self.preconditions {
            match pre.holds(data) {
                Ok(true) => {}
                Ok(false) => return Ok(Outcome::Skip(SkipReason::Preconditions)),
                Err(u) => return Ok(error(&self.name, &u)),
            }
        }
        let message = || variables::message(&self.message, data);
        Ok(match &self.check {
            Check::Pattern(template) => {
                let pattern = match template.render(data) {
                    Ok(p) => p,
                    Err(u) => return Ok(error(&self.name, &u)),
                };
                match pattern::validate(r.value, &pattern) {
                    pattern::Check::Pass => Outcome::Pass,
                    pattern::Check::Fail(path) => Outcome::Fail {
                        message: result::pattern_failure(&message(), &self.name, &path),
                        path: Some(path),
                    },
                    pattern::Check::Skip { path, .. } => Outcome::Skip(SkipReason::Anchor { path }),
                }
            }
            Check::AnyPattern(templates) => {
                let mut failed = Vec::new();
                let mut skipped = None;
                for (i, template) in templates.iter().enumerate() {
                    let pattern = match template.render(data) {
                        Ok(p) => p,
                        Err(u) => return Ok(error(&self.name, &u)),
                    };
                    match pattern::validate(r.value, &pattern) {
                        pattern::Check::Pass => return Ok(Outcome::Pass),
                        pattern::Check::Fail(path) => failed.push((i, path)),
                        pattern::Check::Skip { path, .. } => {
                            skipped.get_or_insert(path);
                        }
                    }
                }
                match (failed.first(), skipped) {
                    (None, Some(path)) => Outcome::Skip(SkipReason::Anchor { path }),
                    (first, _) => Outcome::Fail {
                        message: result::any_pattern_failure(&message(), &self.name, &failed),
                        path: first.map(|(_, p)| p.clone()),
                    },
                }
            }
            Check::Deny(conditions) => {
                // No conditions hold vacuously: `deny: {}` denies.
                let denied = match conditions.holds(data) {
                    Ok(holds) => holds,
                    Err(u) => return Ok(error(&self.name, &u)),
                };
                if denied {
                    Outcome::Fail { message: result::deny_failure(&message(), &self.name), path: None }
                } else {
                    Outcome::Pass
                }
            }
        })
    }
}

impl Policy {
    /// Evaluates every rule (generated ones included) on `resource`, with no
    /// knowledge of namespaces (a `namespaceSelector` is then an error).
    ///
    /// # Errors
    /// The resource has no `apiVersion`/`kind` or malformed metadata, or a
    /// rule needs the labels of a namespace (use [`Policy::evaluate_in`]).
    pub fn evaluate(&self, resource: &Value) -> Result<Vec<RuleResult>, KyvernoError> {
        self.evaluate_in(resource, &Context::default())
    }

    /// Evaluates every rule on `resource` in the cluster described by `ctx`.
    ///
    /// # Errors
    /// As [`Policy::evaluate`], or a namespace `ctx` does not know.
    pub fn evaluate_in(&self, resource: &Value, ctx: &Context) -> Result<Vec<RuleResult>, KyvernoError> {
        self.evaluate_subject(&Subject::new(resource)?, ctx)
    }

    /// As [`Policy::evaluate_in`], for a resource that many policies see.
    ///
    /// # Errors
    /// A rule needs the labels of a namespace `ctx` does not know.
    pub fn evaluate_subject(&self, subject: &Subject, ctx: &Context) -> Result<Vec<RuleResult>, KyvernoError> {
        self.rules
            .iter()
            .map(|rule| {
                Ok(RuleResult {
                    policy: self.name.clone(),
                    rule: rule.name.clone(),
                    source_rule: rule.source.clone(),
                    autogen: rule.autogen,
                    action: rule.action(subject.resource.namespace),
                    outcome: rule.outcome(self, subject, ctx)?,
                })
            })
            .collect()
    }
}
