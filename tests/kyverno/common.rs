//! Builders shared by the Kyverno evaluator tests: policies, workloads, and
//! the verdict of one rule.

#![allow(dead_code)]

pub use serde_json::{Value, json};
pub use stackc::verify::kyverno::*;

/// A `ClusterPolicy` named `name` with `rules`.
pub fn cluster_policy(name: &str, rules: Value) -> Value {
    json!({
        "apiVersion": "kyverno.io/v1",
        "kind": "ClusterPolicy",
        "metadata": { "name": name },
        "spec": { "background": true, "rules": rules },
    })
}

/// A validate rule `name` over `kinds` with `validate` as its body.
pub fn rule(name: &str, kinds: &[&str], validate: Value) -> Value {
    json!({
        "name": name,
        "match": { "any": [ { "resources": { "kinds": kinds } } ] },
        "validate": validate,
    })
}

/// A one-rule policy (policy and rule named `name`) checking `pattern`.
pub fn pattern_policy(name: &str, kinds: &[&str], pattern: Value) -> Value {
    cluster_policy(name, json!([rule(name, kinds, json!({ "message": "checked", "pattern": pattern }))]))
}

/// A one-rule policy (policy and rule named `name`) with deny `conditions`.
pub fn deny_policy(name: &str, kinds: &[&str], conditions: Value) -> Value {
    cluster_policy(
        name,
        json!([rule(name, kinds, json!({ "message": "denied", "deny": { "conditions": conditions } }))]),
    )
}

/// A Pod `default/<name>` with `labels` and `spec`.
pub fn pod(name: &str, labels: Value, spec: Value) -> Value {
    json!({
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": { "name": name, "namespace": "default", "labels": labels },
        "spec": spec,
    })
}

/// A Pod whose spec has one container with this body.
pub fn pod_container(container: Value) -> Value {
    pod("p", json!({}), json!({ "containers": [container] }))
}

/// A Pod controller `kind` (`apps/v1` or `batch/v1`) in namespace `apps`
/// whose Pod template has `labels` and `spec`.
pub fn controller(kind: &str, labels: Value, spec: Value) -> Value {
    let template = json!({ "metadata": { "labels": labels }, "spec": spec });
    let (api, spec) = match kind {
        "CronJob" => {
            ("batch/v1", json!({ "schedule": "* * * * *", "jobTemplate": { "spec": { "template": template } } }))
        }
        "Job" => ("batch/v1", json!({ "template": template })),
        "ReplicationController" => ("v1", json!({ "template": template })),
        _ => ("apps/v1", json!({ "selector": { "matchLabels": {} }, "template": template })),
    };
    json!({
        "apiVersion": api,
        "kind": kind,
        "metadata": { "name": "web", "namespace": "apps", "labels": { "tier": "web" } },
        "spec": spec,
    })
}

/// Every verdict of `policy` on `resource`.
pub fn results(policy: &Value, resource: &Value) -> Vec<RuleResult> {
    evaluate(policy, resource).expect("policy and resource evaluate")
}

/// The verdict of the rule Kyverno reports as `rule`.
pub fn outcome(policy: &Value, resource: &Value, rule: &str) -> Outcome {
    let all = results(policy, resource);
    all.iter().find(|r| r.rule == rule).unwrap_or_else(|| panic!("no rule {rule} in {all:?}")).outcome.clone()
}

/// The verdict of a one-rule pattern policy over Pods on `resource`.
pub fn check(pattern: Value, resource: &Value) -> Outcome {
    outcome(&pattern_policy("p", &["Pod"], pattern), resource, "p")
}

/// The verdict of a one-rule deny policy over Pods on `resource`.
pub fn deny(conditions: Value, resource: &Value) -> Outcome {
    outcome(&deny_policy("d", &["Pod"], conditions), resource, "d")
}

/// The verdict of one deny condition `key operator value` (on a Pod).
pub fn condition(key: Value, operator: &str, value: Value) -> Outcome {
    deny(
        json!({ "all": [ { "key": key, "operator": operator, "value": value } ] }),
        &pod_container(json!({ "name": "c", "image": "nginx:1.0" })),
    )
}

/// Whether one condition holds (a deny that fails = the condition holds).
pub fn holds(key: Value, operator: &str, value: Value) -> bool {
    match condition(key, operator, value) {
        Outcome::Fail { .. } => true,
        Outcome::Pass => false,
        other => panic!("condition neither held nor failed: {other:?}"),
    }
}

#[track_caller]
pub fn assert_pass(o: &Outcome) {
    assert_eq!(*o, Outcome::Pass, "expected a pass");
}

/// Asserts a failure at `path` (Kyverno's `/a/b/0/c/`).
#[track_caller]
pub fn assert_fail_at(o: &Outcome, path: &str) {
    match o {
        Outcome::Fail { path: Some(p), .. } => assert_eq!(p, path, "failure path"),
        other => panic!("expected a failure at {path}, got {other:?}"),
    }
}

#[track_caller]
pub fn assert_fail(o: &Outcome) {
    assert!(matches!(o, Outcome::Fail { .. }), "expected a failure, got {o:?}");
}

#[track_caller]
pub fn assert_skip(o: &Outcome) {
    assert!(matches!(o, Outcome::Skip(_)), "expected a skip, got {o:?}");
}

#[track_caller]
pub fn assert_anchor_skip(o: &Outcome) {
    assert!(matches!(o, Outcome::Skip(SkipReason::Anchor { .. })), "expected an anchor skip, got {o:?}");
}

#[track_caller]
pub fn assert_error(o: &Outcome) {
    assert!(matches!(o, Outcome::Error { .. }), "expected an error, got {o:?}");
}

/// The parse error of `policy`.
pub fn parse_error(policy: &Value) -> KyvernoError {
    Policy::parse(policy).expect_err("the policy is rejected")
}
