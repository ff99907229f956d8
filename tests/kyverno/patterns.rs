//! Validation patterns without anchors: wildcards, operators, ranges,
//! quantities, durations, typed scalars, maps and arrays
//! (<https://kyverno.io/docs/writing-policies/validate/#patterns>), with
//! cases from Kyverno's own tests (`pkg/engine/validate/validate_test.go`).

use crate::kyverno::common::*;

/// The verdict of `{"spec": {"v": pattern}}` on a Pod whose `spec.v` is
/// `value` (absent when `None`).
fn field(pattern: Value, value: Option<Value>) -> Outcome {
    let mut spec = json!({ "containers": [] });
    if let Some(v) = value {
        spec["v"] = v;
    }
    check(json!({ "spec": { "v": pattern } }), &pod("p", json!({}), spec))
}

fn ok(pattern: Value, value: Value) -> bool {
    match field(pattern.clone(), Some(value.clone())) {
        Outcome::Pass => true,
        Outcome::Fail { path, .. } => {
            assert_eq!(path.as_deref(), Some("/spec/v/"), "{pattern} vs {value}");
            false
        }
        other => panic!("{pattern} vs {value}: {other:?}"),
    }
}

// "Patterns" rules 3-5: `*` zero or more characters (empty values match,
// missing fields do not), `?` exactly one, `?*` a non-empty value
// (https://kyverno.io/docs/writing-policies/validate/#patterns).
#[test]
fn wildcards() {
    assert!(ok(json!("*"), json!("")));
    assert!(ok(json!("*"), json!("anything")));
    assert!(ok(json!("?"), json!("a")));
    assert!(!ok(json!("?"), json!("")));
    assert!(!ok(json!("?"), json!("ab")));
    assert!(ok(json!("?*"), json!("a")));
    assert!(!ok(json!("?*"), json!("")));
    assert!(ok(json!("nginx:*"), json!("nginx:1.27")));
    assert!(!ok(json!("nginx:*"), json!("docker.io/nginx:1.27")));
    assert!(ok(json!("*.example.org"), json!("a.b.example.org")));
    assert!(ok(json!("a?c*z"), json!("abcz")));
    assert!(!ok(json!("a?c*z"), json!("acz")));
    // Missing fields do not match `*`, `?` or `?*`.
    for p in ["*", "?", "?*"] {
        assert_fail(&field(json!(p), None));
    }
}

// Kyverno's tests TestValidateMap_AsteriskFor{Int,Map,Array}: `*` accepts
// any present value; TestValidateMap_AsteriskFieldIsMissing: a null value
// fails `*` at the parent's path.
#[test]
fn asterisk_accepts_any_present_value() {
    assert!(ok(json!("*"), json!(11)));
    assert!(ok(json!("*"), json!({ "periodSeconds": 11 })));
    assert!(ok(json!("*"), json!([1, 2])));
    let pattern = json!({ "spec": { "containers": [ { "name": "*", "livenessProbe": "*" } ] } });
    let null_probe = pod_container(json!({ "name": "nginxo", "livenessProbe": null }));
    assert_fail_at(&check(pattern, &null_probe), "/spec/containers/0/");
}

// "Patterns" rule 6: `null` or "" require that the field is not defined or
// has no value; Kyverno's tests TestValidateMap_livenessProbeIs{Null,Missing}.
#[test]
fn null_and_empty_patterns() {
    assert_pass(&field(json!(null), None));
    assert!(ok(json!(null), json!(null)));
    assert!(ok(json!(null), json!("")));
    assert!(ok(json!(null), json!(0)));
    assert!(ok(json!(null), json!(false)));
    assert!(!ok(json!(null), json!("x")));
    assert!(!ok(json!(null), json!({ "a": 1 })));
    assert_pass(&field(json!(""), None));
    assert!(ok(json!(""), json!("")));
    assert!(!ok(json!(""), json!("x")));
}

// Booleans and numbers compare by value and type.
#[test]
fn typed_scalars() {
    assert!(ok(json!(true), json!(true)));
    assert!(!ok(json!(true), json!(false)));
    assert!(!ok(json!(true), json!("true")));
    assert!(ok(json!("true"), json!(true)));
    assert!(ok(json!("false"), json!(false)));
    assert!(!ok(json!("false"), json!(true)));
    assert!(ok(json!(2), json!(2)));
    assert!(ok(json!(2), json!(2.0)));
    assert!(ok(json!(2), json!("2")));
    assert!(!ok(json!(2), json!(3)));
    assert!(!ok(json!(2), json!(2.5)));
    assert!(ok(json!(1.5), json!(1.5)));
    assert!(ok(json!(1.5), json!("1.5")));
    assert!(!ok(json!(1.5), json!(1)));
    assert!(ok(json!(3.0), json!(3)));
    // A string pattern of a number compares as a quantity.
    assert!(ok(json!("2"), json!(2)));
    assert!(ok(json!("0.5"), json!("500m")));
    // Kyverno turns a float into text as Go's `%E` before wildcard matching.
    assert!(ok(json!("*E-01"), json!(0.5)));
    assert!(ok(json!("1.5E+00"), json!(1.5)));
    assert!(!ok(json!("0.5*"), json!(0.5)));
}

// "Operators": >, <, >=, <=, ! (https://kyverno.io/docs/writing-policies/validate/#operators).
#[test]
fn comparison_operators() {
    assert!(ok(json!(">1"), json!(2)));
    assert!(!ok(json!(">1"), json!(1)));
    assert!(ok(json!(">=2"), json!(2)));
    assert!(ok(json!("<2"), json!(1)));
    assert!(!ok(json!("<2"), json!(2)));
    assert!(ok(json!("<=2"), json!("2")));
    assert!(ok(json!("!2"), json!(3)));
    assert!(!ok(json!("!2"), json!(2)));
    assert!(ok(json!(">= 2"), json!(3)));
    assert!(ok(json!("!IfNotPresent"), json!("Always")));
    assert!(!ok(json!("!IfNotPresent"), json!("IfNotPresent")));
    assert!(ok(json!("!*:latest"), json!("nginx:1.0")));
    assert!(!ok(json!("!*:latest"), json!("nginx:latest")));
    // Order is only defined for numbers, quantities and durations.
    assert!(!ok(json!(">abc"), json!("abd")));
    assert!(!ok(json!("<abc"), json!("abb")));
    // A missing field fails even `<`.
    assert_fail(&field(json!("<5"), None));
}

// "Operators": `|` logical or, `&` logical and
// (https://kyverno.io/docs/writing-policies/validate/#operators); Kyverno's
// TestValidateMap: `cpu: "<4|8"` accepts "8".
#[test]
fn or_and_operators() {
    assert!(ok(json!("<4|8"), json!("8")));
    assert!(ok(json!("<4|8"), json!(3)));
    assert!(!ok(json!("<4|8"), json!(5)));
    assert!(ok(json!(">1 & <5"), json!(3)));
    assert!(!ok(json!(">1 & <5"), json!(5)));
    assert!(ok(json!("a | b & !c*"), json!("b")));
    assert!(ok(json!("!a*&!b*"), json!("c")));
    assert!(!ok(json!("!a*&!b*"), json!("bc")));
    // A value equal to the whole pattern matches it.
    assert!(ok(json!("a|b"), json!("a|b")));
}

// "Operators": `a-b` within a closed range, `a!-b` outside
// (https://kyverno.io/docs/writing-policies/validate/#operators).
#[test]
fn ranges() {
    assert!(ok(json!("1-10"), json!(1)));
    assert!(ok(json!("1-10"), json!(10)));
    assert!(ok(json!("1-10"), json!("5")));
    assert!(!ok(json!("1-10"), json!(11)));
    assert!(!ok(json!("1-10"), json!(0)));
    assert!(ok(json!("1!-10"), json!(0)));
    assert!(ok(json!("1!-10"), json!(11)));
    assert!(!ok(json!("1!-10"), json!(10)));
    assert!(ok(json!("1Gi-2Gi"), json!("1536Mi")));
    assert!(!ok(json!("1Gi-2Gi"), json!("3Gi")));
    assert!(ok(json!("0.5-1.5"), json!("1")));
    // Not a range: a plain string with a dash.
    assert!(ok(json!("a-b"), json!("a-b")));
    assert!(!ok(json!("a-b"), json!("a")));
}

// Quantities compare numerically across units
// (https://kyverno.io/docs/writing-policies/preconditions/#operators).
#[test]
fn quantities() {
    assert!(ok(json!("<=1Gi"), json!("1024Mi")));
    assert!(!ok(json!("<1Gi"), json!("1024Mi")));
    assert!(ok(json!("1Gi"), json!("1073741824")));
    assert!(ok(json!(">=100m"), json!("0.2")));
    assert!(ok(json!("<1"), json!("500m")));
    assert!(ok(json!("1k"), json!("1e3")));
    assert!(ok(json!("1000"), json!("1E3")));
    assert!(ok(json!(">1G"), json!("1Gi")));
    assert!(ok(json!("<2"), json!(1.5)));
    assert!(ok(json!(">=1Mi"), json!(1_048_576)));
    assert!(ok(json!("<0"), json!("-1")));
    assert!(ok(json!(">1n"), json!("1u")));
    assert!(ok(json!("1.5Gi"), json!("1536Mi")));
    assert!(ok(json!(">1Ei"), json!("2Ei")));
    // Not quantities: compared as strings.
    assert!(!ok(json!(">1Gi"), json!("lots")));
    assert!(!ok(json!("1Gi"), json!("1 Gi")));
}

// Durations compare numerically ("Operators": durations)
// (https://kyverno.io/docs/writing-policies/validate/#operators).
#[test]
fn durations() {
    assert!(ok(json!(">=1h"), json!("90m")));
    assert!(!ok(json!(">1h"), json!("30m")));
    assert!(ok(json!("1h30m"), json!("90m")));
    assert!(ok(json!("1.5h"), json!("5400s")));
    assert!(ok(json!("<1s"), json!("999ms")));
    assert!(ok(json!("<=10s"), json!("10000000us")));
}

// "Patterns" rule 1: a field in the pattern missing from the resource fails;
// rule 2: fields not in the pattern are not checked.
#[test]
fn maps() {
    let p = json!({ "metadata": { "labels": { "app": "web" } } });
    assert_pass(&check(p.clone(), &pod("p", json!({ "app": "web", "extra": "x" }), json!({}))));
    assert_fail_at(&check(p.clone(), &pod("p", json!({ "other": "web" }), json!({}))), "/metadata/labels/app/");
    // A map where the resource has a scalar.
    let scalar = pod("p", json!({}), json!({ "template": "oops" }));
    assert_fail_at(&check(json!({ "spec": { "template": { "a": 1 } } }), &scalar), "/spec/template/");
    assert_fail_at(&check(p, &json!({ "apiVersion": "v1", "kind": "Pod" })), "/metadata/");
    // A scalar where the resource has a map.
    assert_fail_at(&check(json!({ "spec": "x" }), &pod("p", json!({}), json!({ "a": 1 }))), "/spec/");
    // An empty pattern matches everything.
    assert_pass(&check(json!({}), &pod("p", json!({}), json!({}))));
}

// Arrays: every element of the resource array must match the pattern's one
// element ("Validate Rules", existence anchor vs wildcard,
// https://kyverno.io/docs/writing-policies/validate/#existence-anchor-at-least-one).
#[test]
fn arrays() {
    let p = json!({ "spec": { "containers": [ { "image": "a/*" } ] } });
    let three = pod(
        "p",
        json!({}),
        json!({ "containers": [
        { "name": "x", "image": "a/x" }, { "name": "y", "image": "a/y" }, { "name": "z", "image": "b/z" },
    ] }),
    );
    assert_fail_at(&check(p.clone(), &three), "/spec/containers/2/image/");
    assert_pass(&check(p.clone(), &pod("p", json!({}), json!({ "containers": [] }))));
    assert_fail_at(&check(p.clone(), &pod("p", json!({}), json!({ "containers": "x" }))), "/spec/containers/");
    assert_fail_at(&check(p, &pod("p", json!({}), json!({}))), "/spec/containers/");
    // Arrays of scalars: every element matches the scalar pattern.
    let args = json!({ "spec": { "containers": [ { "args": ["--*"] } ] } });
    let with = |args: Value| pod_container(json!({ "name": "c", "args": args }));
    assert_pass(&check(args.clone(), &with(json!(["--a", "--b=1"]))));
    assert_fail_at(&check(args.clone(), &with(json!(["--a", "b"]))), "/spec/containers/0/args/");
    // A scalar pattern against an array value applies to each element.
    assert_pass(&check(json!({ "spec": { "containers": [ { "args": "--*" } ] } }), &with(json!(["--a"]))));
}

// Kyverno's TestValidateMapWildcardKeys: wildcard keys under
// metadata.labels/annotations are expanded to the resource's keys.
#[test]
fn metadata_wildcard_keys() {
    let cases = [
        (
            json!({ "metadata": { "annotations": { "test/*": "value1" } } }),
            json!({ "annotations": { "test/bar": "value1" } }),
            None,
        ),
        (
            json!({ "metadata": { "annotations": { "test/b??": "v*" } } }),
            json!({ "annotations": { "test/bar": "value1" } }),
            None,
        ),
        (json!({}), json!({ "annotations": { "test/bar": "value1" } }), None),
        (
            json!({ "metadata": { "annotations": { "test/b??": "v*" } } }),
            json!({ "labels": { "test/bar": "value1" } }),
            Some("/metadata/annotations/"),
        ),
        (json!({ "metadata": { "labels": { "*/test": "foo" } } }), json!({ "labels": { "foo/test": "foo" } }), None),
        (
            json!({ "metadata": { "labels": { "foo/a*": "bar" } } }),
            json!({ "labels": { "foo/aa?": "bar", "foo/789": "bar" } }),
            None,
        ),
        (
            json!({ "metadata": { "labels": { "foo/ABC*": "bar" } } }),
            json!({ "labels": { "foo/AB?": "bar", "foo/ABC": "bar2" } }),
            Some("/metadata/labels/foo/ABC/"),
        ),
        (
            json!({ "=(metadata)": { "=(labels)": { "foo/P*": "bar", "foo/Q*": "bar2" } } }),
            json!({ "labels": { "foo/PQR": "bar", "foo/QR": "bar2" } }),
            None,
        ),
        (
            json!({ "metadata": { "labels": { "foo/1*": "bar" } } }),
            json!({ "labels": { "foo/123": "bar222" } }),
            Some("/metadata/labels/foo/123/"),
        ),
        (
            json!({ "metadata": { "labels": { "foo/X*": "bar", "foo/A*": "bar2" } } }),
            json!({ "labels": { "foo/XYZ": "bar" } }),
            Some("/metadata/labels/foo/A*/"),
        ),
        (
            json!({ "=(metadata)": { "=(labels)": { "foo/1*": "bar", "foo/4*": "bar2" } } }),
            json!({ "labels": { "foo/123": "bar" } }),
            Some("/metadata/labels/foo/4*/"),
        ),
    ];
    for (i, (pattern, metadata, path)) in cases.into_iter().enumerate() {
        let resource = json!({ "apiVersion": "v1", "kind": "Pod", "metadata": metadata });
        let o = check(pattern, &resource);
        match path {
            None => assert_eq!(o, Outcome::Pass, "case {}", i + 1),
            Some(p) => assert_fail_at(&o, p),
        }
    }
}

// Every label matching a wildcard key must match (Kyverno checks one of them).
#[test]
fn wildcard_keys_check_every_match() {
    let p = json!({ "metadata": { "labels": { "app.kubernetes.io/*": "?*" } } });
    assert_pass(&check(
        p.clone(),
        &pod("p", json!({ "app.kubernetes.io/name": "a", "app.kubernetes.io/part-of": "b" }), json!({})),
    ));
    assert_fail(&check(
        p,
        &pod("p", json!({ "app.kubernetes.io/name": "a", "app.kubernetes.io/part-of": "" }), json!({})),
    ));
}

// Variables in patterns are substituted before matching
// (https://kyverno.io/docs/writing-policies/variables/).
#[test]
fn variables_in_patterns() {
    let p = json!({ "metadata": { "labels": { "ns": "{{ request.namespace }}" } } });
    assert_pass(&check(p.clone(), &pod("p", json!({ "ns": "default" }), json!({}))));
    assert_fail_at(&check(p, &pod("p", json!({ "ns": "other" }), json!({}))), "/metadata/labels/ns/");
    let name = json!({ "metadata": { "labels": { "app": "{{ request.object.metadata.name }}-*" } } });
    assert_pass(&check(name.clone(), &pod("web", json!({ "app": "web-1" }), json!({}))));
    assert_fail(&check(name, &pod("web", json!({ "app": "api-1" }), json!({}))));
}
