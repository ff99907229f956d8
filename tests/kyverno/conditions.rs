//! Deny conditions and their operators
//! (<https://kyverno.io/docs/writing-policies/preconditions/#operators>,
//! <https://kyverno.io/docs/writing-policies/validate/#deny-rules>).

use crate::kyverno::common::*;

// "Operators": Equals compares a single key to a single value; strings
// with wildcards in the value (https://kyverno.io/docs/writing-policies/preconditions/#wildcard-matches).
#[test]
fn equals() {
    assert!(holds(json!("eng"), "Equals", json!("eng")));
    assert!(!holds(json!("eng"), "Equals", json!("ops")));
    assert!(holds(json!("app.example.com"), "Equals", json!("*.example.com")));
    assert!(!holds(json!("*.example.com"), "Equals", json!("app.example.com")));
    assert!(holds(json!(3), "Equals", json!(3)));
    assert!(holds(json!(3), "Equals", json!(3.0)));
    assert!(holds(json!(3), "Equals", json!("3")));
    assert!(!holds(json!(3), "Equals", json!("three")));
    assert!(holds(json!(1.5), "Equals", json!("1.5")));
    assert!(holds(json!(true), "Equals", json!(true)));
    assert!(!holds(json!(true), "Equals", json!("true")));
    assert!(holds(json!({ "a": [1, 2] }), "Equals", json!({ "a": [1, 2] })));
    assert!(!holds(json!([1, 2]), "Equals", json!([2, 1])));
    // "Equal" is an accepted alias.
    assert!(holds(json!("x"), "Equal", json!("x")));
}

// Quantities and durations are compared by value, also by Equals
// (https://kyverno.io/docs/writing-policies/jmespath/#formatting).
#[test]
fn equals_quantities_and_durations() {
    assert!(holds(json!("1Gi"), "Equals", json!("1024Mi")));
    assert!(holds(json!("100m"), "Equals", json!("0.1")));
    assert!(!holds(json!("1G"), "Equals", json!("1Gi")));
    assert!(holds(json!("1h"), "Equals", json!("60m")));
    assert!(holds(json!("90s"), "Equals", json!(90)));
    assert!(!holds(json!("1h"), "Equals", json!("1h1s")));
}

#[test]
fn not_equals() {
    assert!(holds(json!("eng"), "NotEquals", json!("ops")));
    assert!(!holds(json!("eng"), "NotEquals", json!("eng")));
    assert!(!holds(json!("app.example.com"), "NotEquals", json!("*.example.com")));
    assert!(holds(json!(1), "NotEquals", json!(2)));
    assert!(!holds(json!("1Gi"), "NotEqual", json!("1024Mi")));
}

// "Operators": the set operators, one-to-one, one-to-many, many-to-one and
// many-to-many, with wildcards (https://kyverno.io/docs/writing-policies/preconditions/#operators).
#[test]
fn any_in() {
    assert!(holds(json!("build-default"), "AnyIn", json!(["build-default", "build-base"])));
    assert!(!holds(json!("other"), "AnyIn", json!(["build-default", "build-base"])));
    assert!(holds(json!(["a", "z"]), "AnyIn", json!(["a", "b"])));
    assert!(!holds(json!(["y", "z"]), "AnyIn", json!(["a", "b"])));
    assert!(holds(json!("nginx:1.27"), "AnyIn", json!(["nginx:*"])));
    assert!(holds(json!(["x/nginx:latest"]), "AnyIn", json!(["*:latest"])));
    assert!(holds(json!("5"), "AnyIn", json!("1-10")));
    assert!(!holds(json!("11"), "AnyIn", json!("1-10")));
    assert!(holds(json!(["11", "5"]), "AnyIn", json!("1-10")));
    assert!(holds(json!(8080), "AnyIn", json!([80, 8080])));
    assert!(holds(json!(true), "AnyIn", json!([true])));
    assert!(holds(json!("b"), "AnyIn", json!("[\"a\", \"b\"]")));
    assert!(!holds(json!([]), "AnyIn", json!(["a"])));
}

#[test]
fn all_in() {
    assert!(holds(json!(["a", "b"]), "AllIn", json!(["a", "b", "c"])));
    assert!(!holds(json!(["a", "d"]), "AllIn", json!(["a", "b", "c"])));
    assert!(holds(json!("a"), "AllIn", json!(["a"])));
    assert!(holds(json!(["x:1", "y:2"]), "AllIn", json!(["*:*"])));
    assert!(holds(json!(["2", "9"]), "AllIn", json!("1-10")));
    assert!(!holds(json!(["2", "19"]), "AllIn", json!("1-10")));
}

#[test]
fn any_not_in() {
    assert!(holds(json!(["a", "d"]), "AnyNotIn", json!(["a", "b"])));
    assert!(!holds(json!(["a", "b"]), "AnyNotIn", json!(["a", "b"])));
    assert!(holds(json!("Job"), "AnyNotIn", json!(["ReplicaSet"])));
    assert!(!holds(json!("nginx:1"), "AnyNotIn", json!(["*:*"])));
    assert!(holds(json!(["nginx:1", "busybox"]), "AnyNotIn", json!(["*:*"])));
    assert!(holds(json!(["5", "15"]), "AnyNotIn", json!("1-10")));
}

#[test]
fn all_not_in() {
    assert!(holds(json!(["c", "d"]), "AllNotIn", json!(["a", "b"])));
    assert!(!holds(json!(["a", "d"]), "AllNotIn", json!(["a", "b"])));
    assert!(holds(json!("c"), "AllNotIn", json!(["a", "b"])));
    assert!(!holds(json!("a"), "AllNotIn", json!("a")));
    assert!(holds(json!(["11", "12"]), "AllNotIn", json!("1-10")));
}

// The deprecated In / NotIn: exact membership.
#[test]
fn in_and_not_in() {
    assert!(holds(json!("CREATE"), "In", json!(["CREATE", "UPDATE"])));
    assert!(!holds(json!("DELETE"), "In", json!(["CREATE", "UPDATE"])));
    assert!(holds(json!(["a", "b"]), "In", json!(["a", "b", "c"])));
    assert!(!holds(json!(["a", "z"]), "In", json!(["a", "b", "c"])));
    assert!(holds(json!("DELETE"), "NotIn", json!(["CREATE", "UPDATE"])));
    assert!(!holds(json!("CREATE"), "NotIn", json!(["CREATE", "UPDATE"])));
    assert!(holds(json!(["a", "z"]), "NotIn", json!(["a", "b"])));
}

// "Operators": GreaterThan and friends on numbers, quantities of different
// scales, durations and semantic versions
// (https://kyverno.io/docs/writing-policies/preconditions/#operators).
#[test]
fn numeric_operators() {
    assert!(holds(json!(3), "GreaterThan", json!(2)));
    assert!(!holds(json!(2), "GreaterThan", json!(2)));
    assert!(holds(json!(2), "GreaterThanOrEquals", json!(2)));
    assert!(holds(json!(1), "LessThan", json!(2.5)));
    assert!(holds(json!(2.5), "LessThanOrEquals", json!("2.5")));
    assert!(holds(json!("3"), "GreaterThan", json!(2)));
    assert!(holds(json!("512Mi"), "LessThan", json!("1Gi")));
    assert!(!holds(json!("2Gi"), "LessThan", json!("1Gi")));
    assert!(holds(json!("1500m"), "GreaterThan", json!("1")));
    assert!(holds(json!("2h"), "GreaterThan", json!("90m")));
    assert!(holds(json!("2m"), "GreaterThan", json!(100)));
    assert!(holds(json!("1.10.0"), "GreaterThan", json!("1.9.3")));
    assert!(holds(json!("1.0.0-rc.1"), "LessThan", json!("1.0.0")));
    assert!(!holds(json!("abc"), "GreaterThan", json!("abb")));
    assert!(!holds(json!(true), "GreaterThan", json!(false)));
}

#[test]
fn duration_operators() {
    assert!(holds(json!("2h"), "DurationGreaterThan", json!("1h")));
    assert!(holds(json!(3600), "DurationGreaterThanOrEquals", json!("1h")));
    assert!(holds(json!("30m"), "DurationLessThan", json!(3600)));
    assert!(holds(json!("1h"), "DurationLessThanOrEquals", json!("60m")));
    assert!(!holds(json!("nope"), "DurationLessThan", json!("1h")));
    // Only durations: quantities are not, and numbers are whole seconds.
    assert!(!holds(json!("2Gi"), "DurationGreaterThan", json!("1Gi")));
    assert!(!holds(json!(1.5), "DurationGreaterThan", json!(1)));
}

// "Deny rules": `any` is OR, `all` is AND, both must hold; a legacy plain
// list is `all` (https://kyverno.io/docs/writing-policies/validate/#deny-rules).
#[test]
fn any_and_all_blocks() {
    let p = pod_container(json!({ "name": "c", "image": "nginx:1.0" }));
    let yes = json!({ "key": "a", "operator": "Equals", "value": "a" });
    let no = json!({ "key": "a", "operator": "Equals", "value": "b" });
    assert_fail(&deny(json!({ "any": [no.clone(), yes.clone()] }), &p));
    assert_pass(&deny(json!({ "any": [no.clone(), no.clone()] }), &p));
    assert_fail(&deny(json!({ "all": [yes.clone(), yes.clone()] }), &p));
    assert_pass(&deny(json!({ "all": [yes.clone(), no.clone()] }), &p));
    assert_fail(&deny(json!({ "any": [yes.clone()], "all": [yes.clone()] }), &p));
    assert_pass(&deny(json!({ "any": [yes.clone()], "all": [no.clone()] }), &p));
    assert_pass(&deny(json!({ "any": [no.clone()], "all": [yes.clone()] }), &p));
    assert_fail(&deny(json!([yes.clone(), yes.clone()]), &p));
    assert_pass(&deny(json!([yes, no]), &p));
    // Empty blocks hold, so an empty deny denies.
    assert_fail(&deny(json!({}), &p));
}

// "Deny rules", short-circuiting: the first true `any` stops evaluation, so
// an unresolvable later condition is not reached.
#[test]
fn short_circuit() {
    let p = pod_container(json!({ "name": "c", "image": "nginx:1.0" }));
    let yes = json!({ "key": "a", "operator": "Equals", "value": "a" });
    let missing = json!({ "key": "{{ request.object.metadata.labels.nope }}", "operator": "Equals", "value": "x" });
    assert_fail(&deny(json!({ "any": [yes, missing.clone()] }), &p));
    assert_error(&deny(json!({ "any": [missing] }), &p));
}

// Deny messages may hold variables; the rule's name stands in for an absent
// message (https://kyverno.io/docs/writing-policies/validate/#deny-delete-requests-based-on-labels).
#[test]
fn deny_messages() {
    let mut p = deny_policy(
        "d",
        &["Pod"],
        json!({ "any": [ { "key": "{{ request.object.metadata.name }}", "operator": "Equals", "value": "bad" } ] }),
    );
    p["spec"]["rules"][0]["validate"]["message"] =
        json!("Pod {{ request.object.metadata.name }} in {{request.namespace}} is not allowed");
    let bad = pod("bad", json!({}), json!({}));
    assert_eq!(
        outcome(&p, &bad, "d"),
        Outcome::Fail { message: "Pod bad in default is not allowed".to_owned(), path: None }
    );
    p["spec"]["rules"][0]["validate"].as_object_mut().expect("validate").remove("message");
    assert_eq!(
        outcome(&p, &bad, "d"),
        Outcome::Fail { message: "validation error: rule d failed".to_owned(), path: None }
    );
}

#[test]
fn unknown_operator_is_rejected() {
    let p = deny_policy("d", &["Pod"], json!({ "any": [ { "key": "a", "operator": "Matches", "value": "a" } ] }));
    let e = parse_error(&p);
    assert_eq!(e.path(), "spec.rules[0].validate.deny.conditions.any[0].operator");
}
