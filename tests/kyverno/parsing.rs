//! Reading policies: the accepted shapes, failure actions, and typed errors
//! for malformed policies and for every feature outside the subset (which
//! must never pass silently).

use crate::kyverno::common::*;

fn base() -> Value {
    pattern_policy("p", &["Pod"], json!({ "metadata": { "labels": { "app": "?*" } } }))
}

fn with(path: &[&str], value: Value) -> Value {
    let mut p = base();
    let mut at = &mut p;
    for key in &path[..path.len() - 1] {
        at = match key.parse::<usize>() {
            Ok(i) => &mut at[i],
            Err(_) => &mut at[*key],
        };
    }
    at[path[path.len() - 1]] = value;
    p
}

#[track_caller]
fn unsupported_at(policy: &Value, path: &str) {
    match parse_error(policy) {
        KyvernoError::Unsupported { path: p, .. } => assert_eq!(p, path),
        other => panic!("expected unsupported at {path}, got {other:?}"),
    }
}

#[track_caller]
fn invalid_at(policy: &Value, path: &str) {
    let e = parse_error(policy);
    assert!(
        matches!(e, KyvernoError::Invalid { .. } | KyvernoError::Type { .. } | KyvernoError::Missing { .. }),
        "{e:?}"
    );
    assert_eq!(e.path(), path, "{e}");
}

// kyverno.io/v1 and v2beta1 ClusterPolicy and Policy
// (https://kyverno.io/docs/writing-policies/policy-settings/).
#[test]
fn accepted_shapes() {
    let p = Policy::parse(&base()).expect("v1");
    assert_eq!(p.name, "p");
    assert_eq!(p.namespace, None);
    assert_eq!(p.rules.len(), 3);
    Policy::parse(&with(&["apiVersion"], json!("kyverno.io/v2beta1"))).expect("v2beta1");
    let mut ns = with(&["kind"], json!("Policy"));
    ns["metadata"]["namespace"] = json!("a");
    Policy::parse(&ns).expect("Policy");
}

#[test]
fn malformed_policies() {
    invalid_at(&with(&["apiVersion"], json!("v1")), "apiVersion");
    invalid_at(&with(&["kind"], json!("Pod")), "kind");
    invalid_at(&with(&["kind"], json!("Policy")), "metadata.namespace");
    invalid_at(&with(&["metadata", "name"], json!(3)), "metadata.name");
    invalid_at(&with(&["spec", "rules"], json!({})), "spec.rules");
    invalid_at(&with(&["spec", "rules", "0", "name"], Value::Null), "spec.rules[0].name");
    invalid_at(&with(&["spec", "rules", "0", "match"], Value::Null), "spec.rules[0].match");
    invalid_at(&with(&["spec", "rules", "0", "validate", "deny"], json!({})), "spec.rules[0].validate");
    let mut neither = base();
    neither["spec"]["rules"][0]["validate"] = json!({ "message": "m" });
    invalid_at(&neither, "spec.rules[0].validate");
    invalid_at(
        &with(&["spec", "rules", "0", "validate", "failureAction"], json!("Block")),
        "spec.rules[0].validate.failureAction",
    );
    invalid_at(&with(&["spec", "validationFailureAction"], json!(true)), "spec.validationFailureAction");
    invalid_at(&with(&["spec", "rules", "0", "bogus"], json!(1)), "spec.rules[0].bogus");
    invalid_at(&with(&["spec", "bogus"], json!(1)), "spec.bogus");
    invalid_at(
        &with(&["spec", "rules", "0", "match", "any", "0", "resources", "kinds"], json!("Pod")),
        "spec.rules[0].match.any[0].resources.kinds",
    );
    invalid_at(
        &with(
            &["spec", "rules", "0", "match", "any", "0", "resources", "selector"],
            json!({ "matchExpressions": [ { "key": "a", "operator": "In" } ] }),
        ),
        "spec.rules[0].match.any[0].resources.selector.matchExpressions[0].operator",
    );
    invalid_at(
        &with(&["spec", "rules", "0", "validate", "pattern"], json!({ "spec": { "+(a)": 1 } })),
        "spec.rules[0].validate.pattern.spec.+(a)",
    );
    invalid_at(
        &with(&["spec", "rules", "0", "validate", "pattern"], json!({ "spec": { "^(a)": { "b": 1 } } })),
        "spec.rules[0].validate.pattern.spec.^(a)",
    );
    invalid_at(
        &with(&["spec", "rules", "0", "validate", "pattern"], json!({ "spec": { "a": [] } })),
        "spec.rules[0].validate.pattern.spec.a",
    );
    invalid_at(
        &with(&["spec", "rules", "0", "validate"], json!({ "anyPattern": [] })),
        "spec.rules[0].validate.anyPattern",
    );
}

// Every unsupported feature is an error at its path.
#[test]
fn unsupported_features() {
    let in_rule = |k: &str, v: Value| with(&["spec", "rules", "0", k], v);
    unsupported_at(&in_rule("mutate", json!({ "patchStrategicMerge": {} })), "spec.rules[0].mutate");
    unsupported_at(&in_rule("generate", json!({})), "spec.rules[0].generate");
    unsupported_at(&in_rule("verifyImages", json!([])), "spec.rules[0].verifyImages");
    unsupported_at(&in_rule("context", json!([])), "spec.rules[0].context");
    unsupported_at(&in_rule("celPreconditions", json!([])), "spec.rules[0].celPreconditions");
    let mut no_validate = base();
    no_validate["spec"]["rules"][0].as_object_mut().expect("rule").remove("validate");
    unsupported_at(&no_validate, "spec.rules[0]");
    let validate = |k: &str, v: Value| with(&["spec", "rules", "0", "validate", k], v);
    unsupported_at(&validate("foreach", json!([])), "spec.rules[0].validate.foreach");
    unsupported_at(&validate("podSecurity", json!({ "level": "baseline" })), "spec.rules[0].validate.podSecurity");
    unsupported_at(&validate("cel", json!({})), "spec.rules[0].validate.cel");
    unsupported_at(
        &with(&["spec", "rules", "0", "match", "any", "0", "subjects"], json!([ { "kind": "User", "name": "dave" } ])),
        "spec.rules[0].match.any[0].subjects",
    );
    unsupported_at(
        &in_rule("exclude", json!({ "any": [ { "clusterRoles": ["cluster-admin"] } ] })),
        "spec.rules[0].exclude.any[0].clusterRoles",
    );
    unsupported_at(&in_rule("exclude", json!({ "roles": ["a"] })), "spec.rules[0].exclude.roles");
    unsupported_at(&with(&["spec", "applyRules"], json!("One")), "spec.applyRules");
    Policy::parse(&with(&["spec", "applyRules"], json!("All"))).expect("All is the default");
    unsupported_at(&validate("pattern", json!({ "spec": { "a": [[1]] } })), "spec.rules[0].validate.pattern.spec.a");
    unsupported_at(
        &validate("pattern", json!({ "spec": { "a": [ { "b": 1 }, { "c": 2 } ] } })),
        "spec.rules[0].validate.pattern.spec.a",
    );
    unsupported_at(
        &validate("pattern", json!({ "spec": { "memory": "$(./../limits/memory)" } })),
        "spec.rules[0].validate.pattern.spec.memory",
    );
    unsupported_at(
        &validate("failureActionOverrides", json!([ { "action": "Enforce", "namespaceSelector": {} } ])),
        "spec.rules[0].validate.failureActionOverrides[0].namespaceSelector",
    );
    // The library's disallow-latest-tag uses foreach
    // (https://kyverno.io/policies/best-practices/disallow-latest-tag/).
    let foreach = cluster_policy(
        "disallow-latest-tag",
        json!([rule(
            "validate-image-tag",
            &["Pod"],
            json!({
                "message": "Using a mutable image tag e.g. 'latest' is not allowed.",
                "foreach": [ { "list": "request.object.spec.containers", "pattern": { "image": "!*:latest" } } ],
            })
        )]),
    );
    unsupported_at(&foreach, "spec.rules[0].validate.foreach");
}

// "Validation Failure Action": Audit by default; the spec-level
// validationFailureAction, overridden by the rule's failureAction
// (https://kyverno.io/docs/writing-policies/validate/#validation-failure-action).
#[test]
fn failure_actions() {
    let action = |p: &Value| Policy::parse(p).expect("parses").rules[0].action("default");
    assert_eq!(action(&base()), FailureAction::Audit);
    assert_eq!(action(&with(&["spec", "validationFailureAction"], json!("Enforce"))), FailureAction::Enforce);
    assert_eq!(action(&with(&["spec", "validationFailureAction"], json!("enforce"))), FailureAction::Enforce);
    let mut p = with(&["spec", "validationFailureAction"], json!("Enforce"));
    p["spec"]["rules"][0]["validate"]["failureAction"] = json!("Audit");
    assert_eq!(action(&p), FailureAction::Audit);
    // Generated rules keep the action.
    let p = with(&["spec", "rules", "0", "validate", "failureAction"], json!("Enforce"));
    let policy = Policy::parse(&p).expect("parses");
    assert!(policy.rules.iter().all(|r| r.action("x") == FailureAction::Enforce));
    // Rule-level overrides by namespace.
    let p = with(
        &["spec", "rules", "0", "validate", "failureActionOverrides"],
        json!([ { "action": "Enforce", "namespaces": ["prod-*"] } ]),
    );
    let rule = &Policy::parse(&p).expect("parses").rules[0];
    assert_eq!(rule.action("prod-1"), FailureAction::Enforce);
    assert_eq!(rule.action("dev"), FailureAction::Audit);
}

#[test]
fn malformed_resources() {
    let p = base();
    let err = |r: Value| evaluate(&p, &r).expect_err("rejected");
    assert_eq!(err(json!({ "kind": "Pod" })), KyvernoError::Missing { path: "apiVersion".to_owned() });
    assert_eq!(err(json!({ "apiVersion": "v1" })), KyvernoError::Missing { path: "kind".to_owned() });
    assert_eq!(err(json!([])).path(), "");
    assert_eq!(
        err(json!({ "apiVersion": "v1", "kind": "Pod", "metadata": { "labels": { "a": 1 } } })).path(),
        "metadata.labels.a"
    );
}

// Display of results and errors, for diagnostics.
#[test]
fn display() {
    let r = &results(&base(), &pod("x", json!({}), json!({})))[0];
    assert_eq!(r.to_string(), "p/p: fail: validation error: checked. rule p failed at path /metadata/labels/app/");
    let e = parse_error(&with(&["spec", "applyRules"], json!("One")));
    assert_eq!(e.to_string(), "spec.applyRules: unsupported: applyRules: One");
}
